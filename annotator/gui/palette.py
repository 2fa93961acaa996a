"""The label palette: one button per label of the scheme (colour, key) and layer toggles.

The buttons only show the main window's QActions (``setDefaultAction``): the shortcuts
live on the actions, so the palette, the menus and the shortcuts help always agree.

Right after a span with a choice attribute is marked, the palette also lists that
attribute's values numbered 1..9 (:meth:`LabelPalette.show_choices`): the digit keys set it
while the list is shown (:mod:`annotator.gui.attribute_keys`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap, QTextDocument
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
        #: The numbered values of the choice the digit keys set (hidden while none applies).
        self.choices = QLabel(self)
        self.choices.setObjectName("choice_keys")
        self.choices.setWordWrap(True)
        self.choices.setStyleSheet("background: #fff8e1; border: 1px solid #ffcc80; padding: 3px")
        self.choices.hide()
        layout.addWidget(self.choices)
        if layer_actions:
            layout.addWidget(QLabel("Layers shown:"))
            row = QGridLayout()
            for i, action in enumerate(layer_actions):
                row.addWidget(self._button(action), 0, i)
            layout.addLayout(row)
        hint = QLabel(
            "key: mark the selection (no selection: relabel the current span)\n"
            "Shift+key: mark the current or selected lines\n"
            "1..9 right after marking: the numbered choice shown here"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: gray")
        layout.addWidget(hint)
        layout.addStretch(1)

    def show_choices(self, title: str, values: Sequence[str], current: str | None) -> None:
        """List ``values`` numbered 1..9 under ``title``, ``current`` underlined."""
        items = []
        for n, value in enumerate(values[:9], 1):
            text = f"<b>{n}</b>&nbsp;{html.escape(value)}"
            items.append(f"<u>{text}</u>" if value == current else text)
        more = f" (F2: {len(values) - 9} more)" if len(values) > 9 else ""
        self.choices.setText(f"{html.escape(title)} — press a digit:<br>" + " · ".join(items) + more)
        self.choices.setToolTip("1..9 set this attribute of the span just marked; any other key ends this")
        self.choices.show()

    def hide_choices(self) -> None:
        self.choices.hide()
        self.choices.clear()

    def choice_text(self) -> str:
        """The choices as plain text, as shown ("" while hidden): for tests and accessibility."""
        if self.choices.isHidden():
            return ""
        doc = QTextDocument()
        doc.setHtml(self.choices.text())
        return doc.toPlainText()

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setSizePolicy(button.sizePolicy().horizontalPolicy().Expanding, button.sizePolicy().verticalPolicy())
        # Clicking must not take the keyboard focus away from the text.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button
