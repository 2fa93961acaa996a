"""The attribute editor of the current span, generated from the scheme's AttributeDefs.

choice -> combo box; list -> line edit, comma- or semicolon-separated; text -> line edit;
date and email -> line edit that turns red while the value is invalid
(``rules.check_attr_value``). A typed value is committed a moment after the typing pauses
(:data:`COMMIT_MS`), and at once when editing finishes (Enter, focus out) or the span
changes; a combo's value when it is picked. So what is typed reaches the session, and its
journal, without Enter: a crash loses at most the last fraction of a second of typing. The
commits of one field in a row are one undo step (the session merges them). An invalid value
is still kept, so nothing typed is lost, and "done" then lists it as a problem. An
attribute's ``description`` from the scheme is the tooltip of its field and name, and a
muted line under the field.

When a value is chosen in a combo box or Enter is pressed in a field, :attr:`done` asks the
window to give the focus back to the text: a combo box left focused took the next keys
(Ctrl+Home turned a caption into "navigation"). Letters typed in a focused combo box pick
its items instead of running the label keys.

Right after a span is marked, :meth:`offer_choices` offers its first choice attribute to the
keyboard (:mod:`annotator.gui.attribute_keys`: the digits 1..9 in the text); the offer
lasts while that span stays current with that label.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from annotator.model import AttributeDef, AttrValue, LabelScheme, Span
from annotator.rules import check_attr_value

INVALID_STYLE = "QLineEdit { background: #ffd6d6; }"
NO_VALUE = "(none)"
#: Typing pauses this long: the value is committed (and journaled).
COMMIT_MS = 300
#: The rows always there: the span's title, the "has no attributes" note.
_FIXED_ROWS = 2


def parse_value(attr: AttributeDef, raw: str) -> AttrValue | None:
    """The value typed for ``attr``; None when empty (the attribute is removed)."""
    raw = raw.strip()
    if attr.type == "list":
        items = [p.strip() for p in re.split(r"[,;]", raw)]
        items = [p for p in items if p]
        return items or None
    return raw or None


@dataclass(frozen=True, slots=True)
class ChoiceOffer:
    """A choice attribute of the span just marked, offered to the keyboard."""

    span_id: str
    label: str
    attr: AttributeDef
    value: AttrValue | None

    @property
    def values(self) -> list[str]:
        return list(self.attr.values or [])


def format_value(value: AttrValue | None) -> str:
    if value is None:
        return ""
    return ", ".join(value) if isinstance(value, list) else value


class AttributeEditor(QWidget):
    #: (span id, attribute name, value or None to remove)
    attrChanged = Signal(str, str, object)
    #: A value was chosen (combo box) or confirmed (Enter): the text takes the focus back.
    done = Signal()
    #: The choice offered to the keyboard changed: a :class:`ChoiceOffer`, or None (no offer).
    choicesOffered = Signal(object)

    def __init__(self, scheme: LabelScheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scheme = scheme
        self.span_id: str | None = None
        self.label_name: str | None = None
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self._layout = QFormLayout(self)
        self._title = QLabel("No span selected")
        self._title.setWordWrap(True)
        # Rich text always (the span's title is): switching a label between plain and rich
        # text rebuilds its text document, half a millisecond of every mark after none.
        self._title.setTextFormat(Qt.TextFormat.RichText)
        self._layout.addRow(self._title)
        # "X has no attributes": one row kept, empty when it does not apply (a new label per
        # mark, or hiding and showing the row, cost half a millisecond of every mark).
        self._no_attrs = QLabel(self)
        self._layout.addRow(self._no_attrs)
        self._loading = False
        #: The text field typed in and not committed yet (committed when the timer fires).
        self._pending: AttributeDef | None = None
        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(COMMIT_MS)
        self._commit_timer.timeout.connect(self.commit_pending)
        #: The span shown may not be edited: nothing is offered to the digit keys then.
        self.read_only = False
        #: The choice attribute the digit keys set (None: they do nothing).
        self.offer: ChoiceOffer | None = None

    def set_span(self, span: Span | None, read_only: bool = False) -> None:
        """Show ``span``'s attributes (rebuilding the fields only when its label changed)."""
        if span is None or span.id != self.span_id:
            # What was typed for the previous span goes to that span, not the next one.
            self.commit_pending()
        self.read_only = read_only
        self._follow_offer(span)
        if span is None:
            self._rebuild(None)
            self.span_id = None
            self._title.setText("No span selected")
            return
        if span.label != self.label_name:
            # Same label, same fields (one without attributes has none: not rebuilt either).
            self._rebuild(span.label)
        self.span_id = span.id
        excerpt = " ".join(span.text.split())
        excerpt = excerpt if len(excerpt) <= 50 else excerpt[:49] + "…"
        self._title.setText(
            f"<b>{html.escape(span.label)}</b> {html.escape(span.id)} [{span.start}, {span.end})"
            f"<br>{html.escape(excerpt)}"
        )
        self._loading = True
        try:
            definition = self.scheme.label(span.label)
            for attr in definition.attrs if definition else []:
                widget = self.fields[attr.name]
                value = span.attrs.get(attr.name)
                if isinstance(widget, QComboBox):
                    widget.setCurrentText(value if isinstance(value, str) and value else NO_VALUE)
                elif not (widget.hasFocus() and parse_value(attr, widget.text()) == value):
                    # A field being typed in keeps its text while it means the stored value
                    # (a commit mid-typing must not eat "심지혜, " down to "심지혜").
                    widget.setText(format_value(value))
                    self._mark_valid(attr, widget)
                widget.setEnabled(not read_only)
        finally:
            self._loading = False

    # ------------------------------------------------------------------ keyboard choices

    def offer_choices(self, span: Span | None) -> ChoiceOffer | None:
        """Offer ``span``'s first choice attribute to the digit keys (the span just marked)."""
        offer = None
        definition = self.scheme.label(span.label) if span is not None else None
        attr = next((a for a in definition.attrs if a.type == "choice"), None) if definition else None
        if span is not None and attr is not None and not self.read_only:
            offer = ChoiceOffer(span.id, span.label, attr, span.attrs.get(attr.name))
        self._set_offer(offer)
        return offer

    def end_offer(self) -> None:
        """The digit keys stop setting the choice (another key acted)."""
        self._set_offer(None)

    def choose(self, number: int) -> str | None:
        """Set the offered attribute to its ``number``-th value (1-based); the value set, or
        None when nothing is offered or there is no such value."""
        offer = self.offer
        if offer is None or not 1 <= number <= len(offer.values):
            return None
        value = offer.values[number - 1]
        self.attrChanged.emit(offer.span_id, offer.attr.name, value)
        return value

    def _follow_offer(self, span: Span | None) -> None:
        """The offer lasts while its span is current with its label; it shows the new value."""
        offer = self.offer
        if offer is None:
            return
        if span is None or span.id != offer.span_id or span.label != offer.label or self.read_only:
            self._set_offer(None)
        elif span.attrs.get(offer.attr.name) != offer.value:
            self._set_offer(ChoiceOffer(span.id, span.label, offer.attr, span.attrs.get(offer.attr.name)))

    def _set_offer(self, offer: ChoiceOffer | None) -> None:
        if offer == self.offer:
            return
        self.offer = offer
        self.choicesOffered.emit(offer)

    # ------------------------------------------------------------------ fields

    def _rebuild(self, label: str | None) -> None:
        while self._layout.rowCount() > _FIXED_ROWS:
            self._layout.removeRow(_FIXED_ROWS)
        self.fields = {}
        self.label_name = label
        definition = self.scheme.label(label) if label else None
        none = definition is not None and not definition.attrs
        self._no_attrs.setText(f"{label} has no attributes" if none else "")
        if definition is None:
            return
        for attr in definition.attrs:
            widget: QLineEdit | QComboBox
            if attr.type == "choice":
                widget = QComboBox(self)
                values = list(attr.values or [])
                widget.addItems(values if attr.required else [NO_VALUE, *values])
                widget.currentTextChanged.connect(lambda _t, a=attr: self._commit(a))
                # Chosen by the user (a letter, the pop-up, an arrow key): back to the text.
                widget.activated.connect(lambda _i: self.done.emit())
                widget.installEventFilter(self)
            else:
                widget = QLineEdit(self)
                widget.setClearButtonEnabled(True)
                if attr.type == "list":
                    widget.setPlaceholderText("several, separated by , or ;")
                elif attr.type == "date":
                    widget.setPlaceholderText("YYYY-MM-DD or YYYY-MM-DDTHH:MM")
                elif attr.type == "email":
                    widget.setPlaceholderText("name@example.com")
                widget.textChanged.connect(lambda _t, a=attr, w=widget: self._mark_valid(a, w))
                # Typed (not set by set_span): committed when the typing pauses.
                widget.textEdited.connect(lambda _t, a=attr: self._typed(a))
                widget.editingFinished.connect(lambda a=attr: self._finished(a))
                widget.returnPressed.connect(lambda a=attr: self._confirmed(a))
            widget.setObjectName(f"attr_{attr.name}")
            widget.setToolTip(attr.description or attr.type)
            self.fields[attr.name] = widget
            name = QLabel(attr.name + (" *" if attr.required else ""), self)
            name.setToolTip(attr.description or attr.type)
            name.setBuddy(widget)
            self._layout.addRow(name, widget)
            if attr.description:
                # Said once under the field, muted: what the value means, without a hover.
                note = QLabel(attr.description, self)
                note.setObjectName(f"attr_{attr.name}_description")
                note.setWordWrap(True)
                note.setStyleSheet("color: gray")
                self._layout.addRow(note)

    def _mark_valid(self, attr: AttributeDef, widget: QLineEdit) -> bool:
        value = parse_value(attr, widget.text())
        reason = None if value is None else check_attr_value(attr, value)
        widget.setStyleSheet(INVALID_STYLE if reason else "")
        widget.setProperty("invalid", bool(reason))
        widget.setToolTip(reason or attr.description or attr.type)
        return reason is None

    def _typed(self, attr: AttributeDef) -> None:
        if self._pending is not None and self._pending is not attr:
            self.commit_pending()  # another field: the first one's text goes first
        self._pending = attr
        self._commit_timer.start()

    def _confirmed(self, attr: AttributeDef) -> None:
        """Enter in a field: the value is committed and the text takes the focus back."""
        self._finished(attr)
        self.done.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A letter typed in a focused combo box picks its item ("c": caption): without this,
        # the window's label keys would take it ("a" relabelled the span as an article).
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, QComboBox)
            and isinstance(event, QKeyEvent)
            and event.text().isprintable()
            and event.text().strip()
            and not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        ):
            event.accept()
            return True
        return False

    def _finished(self, attr: AttributeDef) -> None:
        if self._pending is attr:
            self._pending = None
            self._commit_timer.stop()
        self._commit(attr)

    def commit_pending(self) -> None:
        """Commit the field typed in, now (the pause timer, a span change, the window closing)."""
        attr, self._pending = self._pending, None
        self._commit_timer.stop()
        if attr is not None:
            self._commit(attr)

    def _commit(self, attr: AttributeDef) -> None:
        if self._loading or self.span_id is None:
            return
        widget = self.fields.get(attr.name)
        if widget is None:
            return
        if isinstance(widget, QComboBox):
            text = widget.currentText()
            value: AttrValue | None = None if text == NO_VALUE else text
        else:
            value = parse_value(attr, widget.text())
        self.attrChanged.emit(self.span_id, attr.name, value)

    def focus_first(self) -> bool:
        first = next(iter(self.fields.values()), None)
        if first is None:
            return False
        first.setFocus()
        return True
