"""Choice attributes from the keyboard, without leaving the text.

Right after a span with a choice attribute is marked (boilerplate ``kind``, article
``role``), the palette lists that attribute's values numbered 1..9 and the digit keys, typed
in the text, set it: B then 4 marks a caption. The offer (:class:`~annotator.gui.attr_editor.
ChoiceOffer`) lasts until another key acts or the current span changes; the digits may be
pressed again to correct. F2 still opens the full attribute editor.

The digits are not QActions: plain digits are review mode's keys (take annotator N's side),
and an action bound to them would take those keys away. They are claimed only while a
choice is offered, and only when no action of the window is bound to the digit: in review
mode the digits stay review mode's, and the attribute editor (F2) sets the choice.

The attribute is set through the attribute editor's ``attrChanged``, like a choice picked
with the mouse: the same command, the same undo step per attribute.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from annotator.attribute_fill import load_parsers
from annotator.gui.attr_editor import AttributeEditor, ChoiceOffer
from annotator.gui.palette import LabelPalette

DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
#: Pressed alone, these do not end the offer (Shift is held on the way to Shift+Tab...).
MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_unknown,
    }
)


class ChoiceKeys(QObject):
    """The digit keys of the text view, while a choice is offered (see the module doc)."""

    def __init__(
        self,
        view: QWidget,
        attr_editor: AttributeEditor,
        palette: LabelPalette,
        message: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.attr_editor = attr_editor
        self.palette = palette
        self.message = message
        attr_editor.choicesOffered.connect(self._offered)
        # A value chosen or confirmed in the attribute editor: the text takes the keys back.
        attr_editor.done.connect(self._back_to_text)
        view.installEventFilter(self)
        # Marking a byline or a date reads its attributes with the suggestion engine's
        # parsers: imported once the window is idle, not on the first mark.
        QTimer.singleShot(0, load_parsers)

    @property
    def active(self) -> bool:
        """The digits set the offered choice now."""
        return self.attr_editor.offer is not None and self._digits_free()

    def _digits_free(self) -> bool:
        """No action of the window is bound to a plain digit (review mode binds 1..9)."""
        window = self.view.window()
        taken = {QKeySequence(str(n)).toString() for n in DIGITS.values()}
        return not any(
            sequence.toString() in taken for action in window.actions() for sequence in action.shortcuts()
        )

    def _offered(self, offer: ChoiceOffer | None) -> None:
        if offer is None or not self._digits_free():
            self.palette.hide_choices()
            return
        current = offer.value if isinstance(offer.value, str) else None
        self.palette.show_choices(f"{offer.label} {offer.attr.name}", offer.values, current)

    def _back_to_text(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        if self.attr_editor.offer is None:
            return False
        number = self._digit(event)
        if number is None or not self._digits_free():
            if event.key() not in MODIFIER_KEYS:
                self.attr_editor.end_offer()  # another key acts: the digits are plain again
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Ours while the choice is offered, whatever shortcut might want the digit.
            event.accept()
            return True
        self._choose(number)
        return True

    @staticmethod
    def _digit(event: QKeyEvent) -> int | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers != Qt.KeyboardModifier.NoModifier:
            return None
        return DIGITS.get(Qt.Key(event.key()))

    def _choose(self, number: int) -> None:
        offer = self.attr_editor.offer
        if offer is None:
            return
        value = self.attr_editor.choose(number)
        if value is None:
            self.message(
                f"{offer.label} {offer.attr.name} has {len(offer.values)} choices: "
                f"1..{min(len(offer.values), 9)} (F2 edits it)"
            )
            return
        self.message(f"{offer.label} {offer.attr.name}: {value}")
