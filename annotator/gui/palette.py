"""The label palette: one button per label of the scheme (colour, key) and layer toggles.

The buttons only show the main window's QActions (``setDefaultAction``): the shortcuts
live on the actions, so the palette, the menus and the shortcuts help always agree.

Right after a span with a choice attribute is marked, the palette also lists that
attribute's values numbered 1..9 (:meth:`LabelPalette.show_choices`): the digit keys set it
while the list is shown (:mod:`annotator.gui.attribute_keys`).

Hovering a label's button shows its name, key and ``description`` from the scheme, and the
first lines of its section of the corpus's guidelines (``guidelines``: a function giving
that part of the tooltip as HTML, read when the tooltip opens, so an edited guide shows).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap, QTextDocument
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from annotator.model import LabelDef, LabelScheme

#: A label's name -> the guidelines part of its tooltip (HTML; "" for none).
GuidelinesTip = Callable[[str], str]


def swatch(color: str, size: int = 14) -> QIcon:
    """A filled square of ``color`` (for actions, buttons and lists)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def label_tooltip(label: LabelDef, action: QAction, guidelines: str = "") -> str:
    """A label button's tooltip (HTML): name and key, the scheme's description, what the
    key does, then ``guidelines`` (the first lines of the label's section)."""
    keys = ", ".join(k.toString() for k in action.shortcuts())
    head = f"<b>{html.escape(label.name)}</b>" + (f" ({html.escape(keys)})" if keys else "")
    if label.description:
        head += f": {html.escape(label.description)}"
    usage = (
        "<p style='color: gray'>Key: mark the selection (from the set mark, Ctrl+Space, when "
        "one is set), or relabel the current span. Shift+key: whole lines.</p>"
    )
    return f"<p>{head}</p>{usage}{guidelines}"


class _LabelButton(QToolButton):
    """A label's button: its tooltip is composed when it opens (the guide may change)."""

    def __init__(self, label: LabelDef, guidelines: GuidelinesTip | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.label = label
        self.guidelines = guidelines

    def tooltip_html(self) -> str:
        action = self.defaultAction()
        tip = self.guidelines(self.label.name) if self.guidelines is not None else ""
        return label_tooltip(self.label, action, tip) if action is not None else ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self.setToolTip(self.tooltip_html())
        return super().event(event)


class LabelPalette(QWidget):
    def __init__(
        self,
        label_actions: Mapping[str, QAction],
        layer_actions: Sequence[QAction],
        parent: QWidget | None = None,
        *,
        scheme: LabelScheme | None = None,
        guidelines: GuidelinesTip | None = None,
    ) -> None:
        """``label_actions``: each label's marking action, by label name; with ``scheme``,
        its buttons' tooltips tell the label's description and ``guidelines``."""
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        columns = 2
        #: Label name -> its button.
        self.label_buttons: dict[str, QToolButton] = {}
        for i, (name, action) in enumerate(label_actions.items()):
            definition = scheme.label(name) if scheme is not None else None
            button = self._button(action, _LabelButton(definition, guidelines, self) if definition else None)
            self.label_buttons[name] = button
            grid.addWidget(button, i // columns, i % columns)
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
        #: The usage lines; the numbered choices take their place while shown, so the
        #: panel's height stays the same and the label buttons are not squeezed.
        self.usage = hint
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
        self.usage.hide()
        self.choices.show()

    def hide_choices(self) -> None:
        self.choices.hide()
        self.usage.show()
        self.choices.clear()

    def choice_text(self) -> str:
        """The choices as plain text, as shown ("" while hidden): for tests and accessibility."""
        if self.choices.isHidden():
            return ""
        doc = QTextDocument()
        doc.setHtml(self.choices.text())
        return doc.toPlainText()

    def _button(self, action: QAction, button: QToolButton | None = None) -> QToolButton:
        button = button or QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setSizePolicy(button.sizePolicy().horizontalPolicy().Expanding, button.sizePolicy().verticalPolicy())
        # Clicking must not take the keyboard focus away from the text.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button
