"""The label palette: one button per label of the scheme (colour, key) and layer toggles.

The buttons only show the main window's QActions (``setDefaultAction``): the shortcuts
live on the actions, so the palette, the menus and the shortcuts help always agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QVBoxLayout, QWidget


def swatch(color: str, size: int = 14) -> QIcon:
    """A filled square of ``color`` (for actions, buttons and lists)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelPalette(QWidget):
    def __init__(
        self,
        label_actions: Sequence[QAction],
        layer_actions: Sequence[QAction],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        columns = 2
        for i, action in enumerate(label_actions):
            grid.addWidget(self._button(action), i // columns, i % columns)
        layout.addLayout(grid)
        if layer_actions:
            layout.addWidget(QLabel("Layers shown:"))
            row = QGridLayout()
            for i, action in enumerate(layer_actions):
                row.addWidget(self._button(action), 0, i)
            layout.addLayout(row)
        hint = QLabel(
            "key: mark the selection (no selection: relabel the current span)\n"
            "Shift+key: mark the current or selected lines"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: gray")
        layout.addWidget(hint)
        layout.addStretch(1)

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setSizePolicy(button.sizePolicy().horizontalPolicy().Expanding, button.sizePolicy().verticalPolicy())
        # Clicking must not take the keyboard focus away from the text.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button
