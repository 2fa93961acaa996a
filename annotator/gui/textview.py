"""The span text view: the raw document text with its spans drawn over it.

Performance design (the widget annotators look at all day, on texts up to megabytes):

* The text goes into a read-only ``QPlainTextEdit`` (lazy layout: only visible blocks are
  laid out), so opening costs about what a bare ``setPlainText`` costs.
* Spans are indexed by text block (:class:`_SpanIndex`). Character formats (entity
  backgrounds, greyed boilerplate, part underlines) are written into each block's
  ``QTextLayout`` *lazily, when the block is painted*: ``paintEvent`` formats the dirty
  blocks it is about to draw and nothing else. ``QTextLayout.setFormats`` neither relayouts
  nor schedules a repaint, so this is safe inside a paint.
* An edit (:meth:`SpanTextView.update_spans`) updates the index for the spans the
  :class:`~annotator.edits.Change` names, marks only their blocks dirty and repaints only
  their visible rectangles. Nothing is ever reset for the whole document per edit.
* Article bars (left margin), the current-span outline, ghost (suggested) spans and the
  review overlay are painted directly for the visible area only.

All positions in the public API are code points; Qt's UTF-16 offsets never leave this
module (see :class:`~annotator.gui.offsets.OffsetMap`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotator.edits import Change
from annotator.gui.offsets import OffsetMap
from annotator.model import LabelScheme, Span
from annotator.text_search import find_all

Style = Literal["bar", "grey", "underline", "background"]

#: Characters Qt would turn into block separators in a way that changes the text length
#: ("\r\n" becomes one separator) or that Qt reserves for frames. They are shown as
#: look-alikes of the same UTF-16 length so that every offset stays put.
_DISPLAY_FIXES = {"\r": "\u240d", "\ufdd0": "\ufffd", "\ufdd1": "\ufffd"}


def _display_text(text: str) -> str:
    """``text`` as handed to Qt: same length in UTF-16, same line breaks."""
    for char, shown in _DISPLAY_FIXES.items():
        if char in text:  # str.translate would cost ~50 ms on 1 MB; this is ~0.1 ms
            text = text.replace(char, shown)
    return text


#: Merge order of character formats: later ranges override earlier ones where they
#: overlap, so an entity's background wins over the light background of its boilerplate.
_STYLE_ORDER: dict[str, int] = {"bar": 0, "grey": 1, "underline": 2, "background": 3}
#: Spans covering more blocks than this are kept in a short list instead of in every
#: block's bucket (an article over thousands of lines would otherwise cost an entry in each).
_LONG_SPAN_BLOCKS = 64
#: Blocks longer than this (UTF-16 units; a page without line breaks) get their spans
#: painted over the visible lines instead of written as formats: Qt re-resolves the formats
#: of a whole block on every change: ~0.2 s per edit for a 200 KB line with 2,000 spans,
#: against ~30 ms painted (measured on the project machine).
_PAINTED_BLOCK_UNITS = 4000
#: Greys boilerplate text in painted blocks (a translucent veil over the glyphs).
_GREY_VEIL = QColor(255, 255, 255, 150)
_UNKNOWN_LABEL_COLOR = "#607d8b"
#: Find matches: a translucent wash over the text (it must show over span backgrounds),
#: the current match outlined.
_FIND_FILL = QColor(255, 170, 0, 90)
_FIND_CURRENT = QColor("#e65100")
#: The set mark (Ctrl+Space): a caret-like bar with a flag at its top.
_MARK_COLOR = QColor("#c62828")
_BAR_WIDTH = 4
_BAR_GAP = 2
_MIN_BAR_COLUMNS = 2


def span_style(scheme: LabelScheme, label: str) -> Style:
    """How a label is drawn, derived from the scheme's structure.

    structure-layer labels are bars in the margin, except boilerplate-like ones (labels
    that must not cross others' edges, e.g. ``boilerplate``), which are greyed; labels that
    must lie inside another (article parts) are underlined; everything else (entities,
    labels unknown to the scheme) gets a background.
    """
    definition = scheme.label(label)
    if definition is None:
        return "background"
    layer = scheme.layer_of(label)
    if label == "boilerplate":
        return "grey"
    if layer is not None and layer.name == "structure":
        return "grey" if definition.no_cross else "bar"
    if label == "article":
        return "bar"
    if definition.inside:
        return "underline"
    return "background"


def tint(color: QColor, amount: float) -> QColor:
    """``color`` mixed with white (amount 1.0 = the colour itself): readable backgrounds."""
    return QColor(
        round(255 + (color.red() - 255) * amount),
        round(255 + (color.green() - 255) * amount),
        round(255 + (color.blue() - 255) * amount),
    )


@dataclass(slots=True, eq=False)
class _Entry:
    """A span as the view draws it: code point and UTF-16 offsets, blocks, style."""

    id: str
    label: str
    layer: str
    style: Style
    start: int
    end: int
    s16: int
    e16: int
    b0: int  # first block
    b1: int  # last block (inclusive)
    color: QColor
    attrs: dict[str, str | list[str]] = field(default_factory=dict)
    column: int = 0  # margin column of a bar


class _SpanIndex:
    """Spans by text block, built for a fast open and cheap edits.

    Two parts. The *base* holds the spans a document opens with as numpy arrays sorted by
    first block: building it costs a few ms for 10,000 spans, where one Python object per
    span would cost more than showing the text. The *overlay* holds spans added later by
    edits, in per-block buckets. Removing a base span leaves a tombstone. Entry objects are
    created lazily, only for the spans actually drawn or asked about.
    """

    def __init__(
        self,
        factory: Callable[[Span], _Entry | None],
        spans: Sequence[Span] = (),
        block_starts: np.ndarray | None = None,
        text_len: int = 0,
        bar_labels: frozenset[str] = frozenset(),
    ) -> None:
        self._factory = factory
        self._spans = list(spans)
        self._dead: set[int] = set()
        self._cache: dict[int, _Entry | None] = {}
        self._ids: dict[str, int] | None = None
        self._overlay: dict[str, _Entry] = {}
        self._buckets: dict[int, list[_Entry]] = {}
        self._overlay_long: list[_Entry] = []
        n = len(self._spans)
        # Queries use plain lists and bisect: per call ~20x cheaper than numpy on scalars.
        self._order: list[int] = []
        self._order_b0: list[int] = []
        self._order_b1: list[int] = []
        self._long: list[tuple[int, int, int]] = []
        self._base_bars: list[int] = []
        if not n or block_starts is None:
            return
        # List comprehensions then one conversion: ~2x faster than np.fromiter on models.
        starts = np.array([s.start for s in self._spans], dtype=np.int64)
        ends = np.array([s.end for s in self._spans], dtype=np.int64)
        # Spans outside this text are not drawn (the validator reports them).
        valid = (starts >= 0) & (starts < ends) & (ends <= text_len)
        # Sorted by start is sorted by first block; sorted queries also search faster.
        by_start = np.argsort(starts, kind="stable")
        b0 = np.empty(n, dtype=np.int64)
        b0[by_start] = np.searchsorted(block_starts, starts[by_start], "right") - 1
        b1 = np.searchsorted(block_starts, np.maximum(ends - 1, 0), "right") - 1
        is_long = valid & (b1 - b0 >= _LONG_SPAN_BLOCKS)
        order = by_start[(valid & ~is_long)[by_start]]
        self._order = order.tolist()
        self._order_b0 = b0[order].tolist()
        self._order_b1 = b1[order].tolist()
        self._long = [(int(i), int(b0[i]), int(b1[i])) for i in np.flatnonzero(is_long)]
        if bar_labels:
            labels = [s.label for s in self._spans]
            shown = valid.tolist()
            self._base_bars = [
                i for i, label in enumerate(labels) if label in bar_labels and shown[i]
            ]

    # --- base ---------------------------------------------------------------

    def _base(self, i: int) -> _Entry | None:
        try:
            return self._cache[i]
        except KeyError:
            entry = self._cache[i] = self._factory(self._spans[i])
            return entry

    def _base_id(self, span_id: str) -> int | None:
        if self._ids is None:
            # Built on first need (first edit), not at open.
            self._ids = {s.id: i for i, s in enumerate(self._spans)}
        i = self._ids.get(span_id)
        return None if i is None or i in self._dead else i

    # --- queries and edits ----------------------------------------------------

    def get(self, span_id: str | None) -> _Entry | None:
        if span_id is None:
            return None
        entry = self._overlay.get(span_id)
        if entry is not None:
            return entry
        i = self._base_id(span_id)
        return None if i is None else self._base(i)

    def add(self, entry: _Entry) -> None:
        self.remove(entry.id)
        self._overlay[entry.id] = entry
        if entry.b1 - entry.b0 >= _LONG_SPAN_BLOCKS:
            self._overlay_long.append(entry)
            return
        buckets = self._buckets
        for b in range(entry.b0, entry.b1 + 1):
            bucket = buckets.get(b)
            if bucket is None:
                buckets[b] = [entry]
            else:
                bucket.append(entry)

    def remove(self, span_id: str) -> _Entry | None:
        """Forget ``span_id``; returns how it was drawn (None if it was not)."""
        entry = self._overlay.pop(span_id, None)
        if entry is None:
            i = self._base_id(span_id)
            if i is None:
                return None
            self._dead.add(i)
            return self._base(i)
        if entry.b1 - entry.b0 >= _LONG_SPAN_BLOCKS:
            self._overlay_long.remove(entry)
            return entry
        for b in range(entry.b0, entry.b1 + 1):
            bucket = self._buckets[b]
            bucket.remove(entry)
            if not bucket:
                del self._buckets[b]
        return entry

    def in_block(self, block: int) -> list[_Entry]:
        """Every entry drawn in text block ``block``."""
        found: list[_Entry] = []
        if self._order:
            # Short spans start at most _LONG_SPAN_BLOCKS - 1 blocks before this one.
            lo = bisect_left(self._order_b0, block - _LONG_SPAN_BLOCKS + 1)
            hi = bisect_right(self._order_b0, block, lo)
            order, ends, dead = self._order, self._order_b1, self._dead
            for k in range(lo, hi):
                if ends[k] >= block:
                    i = order[k]
                    if i not in dead:
                        entry = self._base(i)
                        if entry is not None:
                            found.append(entry)
        for i, b0, b1 in self._long:
            if b0 <= block <= b1 and i not in self._dead:
                entry = self._base(i)
                if entry is not None:
                    found.append(entry)
        found += self._buckets.get(block, ())
        found += [e for e in self._overlay_long if e.b0 <= block <= e.b1]
        return found

    def bars(self) -> list[_Entry]:
        """Every entry drawn as a margin bar."""
        found = [self._base(i) for i in self._base_bars if i not in self._dead]
        found += [e for e in self._overlay.values() if e.style == "bar"]
        return [e for e in found if e is not None]

    def __bool__(self) -> bool:
        return bool(self._spans) or bool(self._overlay)


class _Margin(QWidget):
    """The left margin where articles are drawn as coloured bars."""

    def __init__(self, view: SpanTextView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self) -> QSize:
        return QSize(self._view.margin_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._view._paint_margin(self, event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            span_id = self._view._bar_at(event.position().toPoint())
            if span_id is not None:
                self._view.spanActivated.emit(span_id)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            entry = self._view._index.get(self._view._bar_at(event.pos()))
            if entry is not None:
                QToolTip.showText(event.globalPos(), _describe(entry, ""), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class SpanTextView(QPlainTextEdit):
    """Read-only, wrapped view of one document with its spans (CJK and RTL rendered by Qt).

    The view binds no label or editing keys (the main window owns all actions); it keeps
    Qt's navigation keys and mouse selection.
    """

    #: The user clicked a span (its id): the innermost at the click.
    spanActivated = Signal(str)
    #: Selection in code points (start, end); start == end (the cursor) when none.
    selectionChangedCp = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        # Read-only but keyboard-selectable: the cursor shows and the arrows move it.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Korean pages carry long unbroken runs (URLs, hashtags): wrap anywhere if needed.
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setUndoRedoEnabled(False)
        # A scroll bar that comes and goes changes the width, so the wrapping, so the layout
        # of every visible line (and the text jumps under the annotator's eyes).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

        self._text = ""
        self._offsets = OffsetMap("")
        self._block_starts: list[int] = [0]
        self._block_starts_np = np.zeros(1, dtype=np.int64)
        self._span_count = 0  # how many spans the caller's list holds (consistency check)
        self._paragraph_starts: list[int] | None = None
        self._scheme = LabelScheme(name="empty", layers=[])
        self._formats: dict[str, QTextCharFormat] = {}
        self._styles: dict[str, tuple[Style, str, QColor]] = {}
        self._bar_labels: set[str] = set()
        self._index = _SpanIndex(self._entry)
        self._ghosts = _SpanIndex(self._entry)
        self._compare: dict[str, _SpanIndex] = {}
        #: Margin bars: (entry, kind), kind "span" (clickable), "ghost" or "compare".
        self._bars: list[tuple[_Entry, str]] = []
        self._bar_columns = _MIN_BAR_COLUMNS
        self._hidden: set[str] = set()
        self._current: str | None = None
        # Lazy formatting state: block number -> generation its formats were written in.
        # Bumping _generation marks every block dirty in O(1).
        self._generation = 0
        self._applied: dict[int, int] = {}
        self._has_formats: set[int] = set()
        self._last_selection: tuple[int, int] | None = None
        self._loading = False
        self._press_pos: QPoint | None = None
        # Find: every match of the needle (code points, sorted, non-overlapping) and which
        # one is selected; painted over the visible blocks only.
        self._find_key: tuple[str, bool] | None = None
        self._find_starts: list[int] = []
        self._find_ends: list[int] = []
        self._find_current = -1
        #: The set mark (code point), where "mark from the set mark" starts.
        self._mark_cp: int | None = None
        #: Block number -> whether its paragraph direction is right-to-left.
        self._rtl: dict[int, bool] = {}

        self._margin = _Margin(self)
        self.setViewportMargins(self.margin_width(), 0, 0, 0)
        self.updateRequest.connect(self._on_update_request)
        self.selectionChanged.connect(self._emit_selection)
        self.cursorPositionChanged.connect(self._emit_selection)

    # ------------------------------------------------------------------ document

    def set_document(self, text: str, spans: Sequence[Span], scheme: LabelScheme) -> None:
        """Show ``text`` with ``spans`` drawn as ``scheme`` says."""
        self._text = text
        self._offsets = OffsetMap(text)
        self._scheme = scheme
        self._build_styles(scheme)
        self._current = None
        self._ghosts = _SpanIndex(self._entry)
        self._compare = {}
        self._applied.clear()
        self._has_formats.clear()
        self._generation += 1
        self._paragraph_starts = None
        self._last_selection = None
        self._find_key = None
        self._find_starts, self._find_ends, self._find_current = [], [], -1
        self._mark_cp = None
        self._rtl = {}
        # While the old text is replaced, Qt reports the old selection against the new text
        # (offsets that do not exist in it): no selection signal until the new text is in.
        self._loading = True
        try:
            self.setPlainText(_display_text(text))
        finally:
            self._loading = False
        self._compute_block_starts(text)
        self._rebuild(spans)

    def text(self) -> str:
        """The document text (code points), as given to :meth:`set_document`."""
        return self._text

    def update_spans(self, spans: Sequence[Span], change: Change) -> None:
        """All spans now + what changed; only the blocks ``change`` touches are redrawn."""
        ids = change.added | change.removed | change.modified
        if not ids:
            return
        needed = set(change.added | change.modified)
        found: dict[str, Span] = {}
        # AddSpan appends, so new spans are usually found at once from the end.
        if needed:
            for span in reversed(spans):
                if span.id in needed:
                    found[span.id] = span
                    if len(found) == len(needed):
                        break
        touched: list[_Entry] = []
        for span_id in ids:
            old = self._index.remove(span_id)
            if old is not None:
                touched.append(old)
        for span in found.values():
            entry = self._entry(span)
            if entry is not None:
                self._index.add(entry)
                touched.append(entry)
        self._span_count += len(change.added) - len(change.removed)
        if len(found) != len(needed) or len(spans) != self._span_count:
            # The caller's list and the change disagree: redraw from the list, correctly.
            self._rebuild(spans)
            return
        bars_changed = False
        for entry in touched:
            if entry.style == "bar":
                bars_changed = True
            else:
                self._invalidate_blocks(entry.b0, entry.b1)
        self._update_block_ranges([(e.b0, e.b1) for e in touched])
        if bars_changed:
            self._layout_bars()

    def set_current_span(self, span_id: str | None) -> None:
        """Outline ``span_id`` (None: no outline) and scroll it into view."""
        old = self._index.get(self._current)
        self._current = span_id
        if old is not None:
            self._update_block_ranges([(old.b0, old.b1)])
        entry = self._index.get(span_id)
        if entry is not None:
            self._scroll_to(entry.start)
            self._update_block_ranges([(entry.b0, entry.b1)])
        self._margin.update()  # a bar may gain or lose its outline

    def current_span(self) -> str | None:
        return self._current

    def set_hidden_layers(self, layers: set[str]) -> None:
        """Hide the spans of these scheme layers (names); an empty set shows all."""
        if set(layers) == self._hidden:
            return
        self._hidden = set(layers)
        self._generation += 1  # every block's formats may differ now
        self.viewport().update()
        self._margin.update()

    def hidden_layers(self) -> set[str]:
        return set(self._hidden)

    def set_ghost_spans(self, spans: Sequence[Span]) -> None:
        """Suggestions, drawn faint and dashed under the real spans."""
        self._ghosts = self._make_index(spans)
        self._layout_bars()
        self.viewport().update()

    def update_ghost_spans(self, added: Sequence[Span], removed: Sequence[str]) -> None:
        """Some suggestions came or went (an edit marked or unmarked their place): only
        their blocks are redrawn, where :meth:`set_ghost_spans` redraws the whole view."""
        touched: list[_Entry] = []
        for span_id in removed:
            entry = self._ghosts.remove(span_id)
            if entry is not None:
                touched.append(entry)
        for span in added:
            entry = self._entry(span)
            if entry is not None:
                self._ghosts.add(entry)
                touched.append(entry)
        if any(entry.style == "bar" for entry in touched):
            self._layout_bars()
        # Ghosts are painted, never written into the blocks' formats: a repaint is enough.
        self._update_block_ranges([(entry.b0, entry.b1) for entry in touched])

    def set_compare_spans(self, spans_by_annotator: dict[str, Sequence[Span]]) -> None:
        """Review overlay: each annotator's spans as a thin line under the text."""
        self._compare = {
            name: self._make_index(spans) for name, spans in spans_by_annotator.items()
        }
        self._layout_bars()
        self.viewport().update()

    # ------------------------------------------------------------------ positions

    def selection_cp(self) -> tuple[int, int]:
        """The selection as (start, end) code points; (cursor, cursor) when none."""
        cursor = self.textCursor()
        to_cp = self._offsets.to_codepoint
        return to_cp(cursor.selectionStart()), to_cp(cursor.selectionEnd())

    def select_cp(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points; the cursor ends at ``end``) and show it."""
        n = len(self._text)
        start = min(max(start, 0), n)
        end = min(max(end, 0), n)
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)  # also scrolls the cursor into view
        self._emit_selection()

    def cursor_cp(self) -> int:
        return self._offsets.to_codepoint(self.textCursor().position())

    def line_range_cp(self) -> tuple[int, int]:
        """The current line, or every line the selection touches; without the final "\\n".

        A selection that ends at the very start of a line does not touch that line.
        """
        start, end = self.selection_cp()
        b0 = self._block_of(start)
        b1 = self._block_of(end)
        if end > start and b1 > b0 and end == self._block_starts[b1]:
            b1 -= 1
        return self._block_starts[b0], self._block_end(b1)

    def move_lines(self, delta: int, extend: bool = False) -> None:
        """Move the cursor to the start of the line ``delta`` lines away (text blocks).

        Backwards, the first step goes to the start of the current line when the cursor is
        inside it. Past the last line the cursor goes to the end of the text, so that a
        selection can take in the last line.
        """
        self._move_by_starts(self._block_starts, delta, extend)

    def move_blocks(self, delta: int, extend: bool = False) -> None:
        """Like :meth:`move_lines` but by paragraphs (lines separated by blank lines)."""
        self._move_by_starts(self._paragraphs(), delta, extend)

    def ghost_ids_at(self, pos_cp: int) -> list[str]:
        """Ids of the suggestions drawn at ``pos_cp``, outermost first."""
        return [e.id for e in self._entries_at(self._ghosts, pos_cp)]

    def span_ids_at(self, pos_cp: int) -> list[str]:
        """Ids of the shown spans that contain the character at ``pos_cp``; outermost first."""
        return [e.id for e in self._entries_at(self._index, pos_cp)]

    def find_text(self, needle: str, backward: bool = False, case_sensitive: bool = False) -> bool:
        """Select the next (or previous) occurrence of ``needle``, wrapping around, and
        scroll it to the middle of the view; every occurrence is highlighted.

        Any Unicode space in the needle matches any in the text (no-break spaces).
        """
        self.set_find(needle, case_sensitive)
        starts, ends = self._find_starts, self._find_ends
        if not starts:
            return False
        start, end = self.selection_cp()
        if backward:
            i = bisect_right(ends, start) - 1
            i = i if i >= 0 else len(starts) - 1
        else:
            i = bisect_left(starts, end)
            i = i if i < len(starts) else 0
        self._find_current = i
        self.select_cp(starts[i], ends[i])
        self.centerCursor()
        self.viewport().update()
        return True

    def set_find(self, needle: str, case_sensitive: bool = False) -> None:
        """Highlight every occurrence of ``needle`` (an empty needle: none)."""
        key = (needle, case_sensitive)
        if key == self._find_key:
            return
        self._find_key = key if needle else None
        matches = find_all(self._text, needle, case_sensitive=case_sensitive)
        self._find_starts = [a for a, _ in matches]
        self._find_ends = [b for _, b in matches]
        self._find_current = -1
        self.viewport().update()

    def clear_find(self) -> None:
        """No find highlights (the find bar closed)."""
        self.set_find("")

    def find_matches(self) -> list[tuple[int, int]]:
        """The highlighted occurrences, in text order."""
        return list(zip(self._find_starts, self._find_ends, strict=True))

    def find_position(self) -> tuple[int, int]:
        """(index of the selected match, 0-based or -1; number of matches)."""
        return self._find_current, len(self._find_starts)

    def set_mark(self, pos_cp: int | None) -> None:
        """Set (None: drop) the mark from which a region is marked; drawn in the text."""
        old, self._mark_cp = self._mark_cp, pos_cp
        for cp in (old, pos_cp):
            if cp is not None:
                b = self._block_of(cp)
                self._update_block_ranges([(b, b)])

    def mark_position(self) -> int | None:
        return self._mark_cp

    def is_right_to_left(self, block_number: int) -> bool:
        """Whether the paragraph of text block ``block_number`` runs right to left (its first
        strong character is Arabic, Hebrew...): such blocks are right-aligned."""
        rtl = self._rtl.get(block_number)
        if rtl is None:
            block = self.document().findBlockByNumber(block_number)
            rtl = block.isValid() and block.textDirection() == Qt.LayoutDirection.RightToLeft
            self._rtl[block_number] = rtl
        return rtl

    def _align_block(self, block: QTextBlock) -> None:
        """Right-align a right-to-left block.

        QPlainTextEdit lays every block out with the document's one text option (left
        aligned); the alignment is applied when lines are drawn and hit-tested, not when
        they are broken, so setting it on the block's laid-out layout costs no relayout.
        A relayout (a resize) resets it; the next paint sets it again before drawing.
        """
        if not self.is_right_to_left(block.blockNumber()):
            return
        layout = block.layout()
        option = layout.textOption()
        if option.alignment() & Qt.AlignmentFlag.AlignRight:
            return
        option.setAlignment(Qt.AlignmentFlag.AlignRight)
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        layout.setTextOption(option)

    def zoom_by(self, steps: int) -> None:
        """Make the text bigger (steps > 0) or smaller."""
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)
        self._margin.update()

    # ------------------------------------------------------------------ index

    def _build_styles(self, scheme: LabelScheme) -> None:
        self._styles = {}
        self._formats = {}
        self._bar_labels = set()
        for layer in scheme.layers:
            for label in layer.labels:
                color = QColor(label.color)
                style = span_style(scheme, label.name)
                self._styles[label.name] = (style, layer.name, color)
                if style == "bar":
                    self._bar_labels.add(label.name)
                self._formats[label.name] = self._char_format(style, color)

    @staticmethod
    def _char_format(style: Style, color: QColor) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if style == "grey":
            fmt.setForeground(QColor("#8a8a8a"))
            fmt.setBackground(tint(color, 0.18))
        elif style == "underline":
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(color)
            fmt.setFontUnderline(True)
            # A 1 px line alone is easy to miss on a long title: a faint wash of the colour.
            fmt.setBackground(tint(color, 0.10))
        elif style == "background":
            fmt.setBackground(tint(color, 0.35))
        return fmt

    def format_for(self, label: str) -> QTextCharFormat:
        """The character format spans of ``label`` get (empty for margin bars)."""
        if label not in self._formats:
            style, _, color = self._style_of(label)
            self._formats[label] = self._char_format(style, color)
        return QTextCharFormat(self._formats[label])

    def _style_of(self, label: str) -> tuple[Style, str, QColor]:
        found = self._styles.get(label)
        if found is None:
            # A label the scheme does not know (hand-edited file): still show it.
            found = ("background", "", QColor(_UNKNOWN_LABEL_COLOR))
            self._styles[label] = found
        return found

    def _compute_block_starts(self, text: str) -> None:
        """Start (code point) of each text block, i.e. of each line Qt made."""
        # One vectorised pass over the code points (10x faster than a regex on 1 MB).
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        separators = np.flatnonzero((codes == 0x0A) | (codes == 0x2029)) + 1
        starts = np.concatenate((np.zeros(1, dtype=np.int64), separators.astype(np.int64)))
        if len(starts) != self.document().blockCount():  # pragma: no cover - defensive
            # Qt split the text differently than we expect: ask Qt (slower, always right).
            found = []
            block = self.document().firstBlock()
            while block.isValid():
                found.append(self._offsets.to_codepoint(block.position()))
                block = block.next()
            starts = np.array(found, dtype=np.int64)
        self._block_starts_np = starts
        self._block_starts = starts.tolist()

    def _block_of(self, cp: int) -> int:
        return max(0, bisect_right(self._block_starts, cp) - 1)

    def _block_end(self, block: int) -> int:
        """End of ``block``'s text (code points), before its line separator."""
        if block + 1 < len(self._block_starts):
            return self._block_starts[block + 1] - 1
        return len(self._text)

    def _entry(self, span: Span) -> _Entry | None:
        n = len(self._text)
        if not 0 <= span.start < span.end <= n:
            return None  # offsets outside this text: the validator reports these
        style, layer, color = self._style_of(span.label)
        to16 = self._offsets.to_utf16
        return _Entry(
            id=span.id,
            label=span.label,
            layer=layer,
            style=style,
            start=span.start,
            end=span.end,
            s16=to16(span.start),
            e16=to16(span.end),
            b0=self._block_of(span.start),
            b1=self._block_of(span.end - 1),
            color=color,
            attrs=dict(span.attrs),
        )

    def _make_index(self, spans: Sequence[Span]) -> _SpanIndex:
        return _SpanIndex(
            self._entry,
            spans,
            self._block_starts_np,
            len(self._text),
            frozenset(self._bar_labels),
        )

    def _rebuild(self, spans: Sequence[Span]) -> None:
        self._index = self._make_index(spans)
        self._span_count = len(spans)
        self._generation += 1
        self._layout_bars()
        self.viewport().update()

    def _layout_bars(self) -> None:
        """Give each bar a margin column: nested or crossing articles side by side, then
        suggested articles (dashed) and, in review, each annotator's articles (thin)."""
        groups: list[tuple[str, list[_Entry]]] = [("span", self._index.bars())]
        if self._ghosts:
            groups.append(("ghost", self._ghosts.bars()))
        groups += [("compare", index.bars()) for index in self._compare.values()]
        bars: list[tuple[_Entry, str]] = []
        columns = 0
        for kind, entries in groups:
            entries.sort(key=lambda e: (e.start, -e.end))
            column_ends: list[int] = []
            for entry in entries:
                for col, col_end in enumerate(column_ends):
                    if col_end <= entry.start:
                        entry.column = columns + col
                        column_ends[col] = entry.end
                        break
                else:
                    entry.column = columns + len(column_ends)
                    column_ends.append(entry.end)
                bars.append((entry, kind))
            columns += len(column_ends)
        self._bars = bars
        columns = max(columns, _MIN_BAR_COLUMNS)
        if columns != self._bar_columns:
            # Only when the column count changes: the viewport width (and wrapping) changes.
            self._bar_columns = columns
            self.setViewportMargins(self.margin_width(), 0, 0, 0)
            self._place_margin()
        self._margin.update()

    def _entries_at(self, index: _SpanIndex, pos: int) -> list[_Entry]:
        if not 0 <= pos < len(self._text):
            return []
        found = [
            e
            for e in index.in_block(self._block_of(pos))
            if e.start <= pos < e.end and e.layer not in self._hidden
        ]
        found.sort(key=lambda e: (e.start, -e.end, _STYLE_ORDER[e.style]))
        return found

    def _paragraphs(self) -> list[int]:
        """Start (code point) of every paragraph: a non-blank line after a blank one."""
        if self._paragraph_starts is None:
            starts: list[int] = []
            previous_blank = True
            text = self._text
            for b, start in enumerate(self._block_starts):
                blank = not text[start : self._block_end(b)].strip()
                if previous_blank and not blank:
                    starts.append(start)
                previous_blank = blank
            self._paragraph_starts = starts
        return self._paragraph_starts

    def _move_by_starts(self, starts: list[int], delta: int, extend: bool) -> None:
        pos = self.cursor_cp()
        for _ in range(abs(delta)):
            if delta > 0:
                i = bisect_right(starts, pos)
                pos = starts[i] if i < len(starts) else len(self._text)
            else:
                i = bisect_left(starts, pos) - 1
                pos = starts[i] if i >= 0 else 0
        cursor = self.textCursor()
        mode = QTextCursor.MoveMode.KeepAnchor if extend else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(self._offsets.to_utf16(pos), mode)
        self.setTextCursor(cursor)

    # ------------------------------------------------------------------ dirty tracking

    def _invalidate_blocks(self, b0: int, b1: int) -> None:
        applied = self._applied
        for b in range(b0, b1 + 1):
            applied.pop(b, None)

    def _visible_blocks(self, rect: QRect | None = None) -> Iterator[tuple[QTextBlock, QRectF]]:
        """The blocks (with their viewport geometry) that intersect ``rect``."""
        area = QRectF(rect if rect is not None else self.viewport().rect())
        offset = self.contentOffset()
        block = self.firstVisibleBlock()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > area.bottom():
                break
            if block.isVisible() and geometry.bottom() >= area.top():
                yield block, geometry
            block = block.next()

    def _update_block_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Schedule a repaint of the visible part of the blocks ``b0..b1`` of each range."""
        if not ranges:
            return
        lowest = min(b0 for b0, _ in ranges)
        highest = max(b1 for _, b1 in ranges)
        area = QRectF()
        # One walk over the visible blocks, whatever the number of ranges (a Batch edit).
        for block, geometry in self._visible_blocks():
            n = block.blockNumber()
            if n > highest:
                break
            if n >= lowest and any(b0 <= n <= b1 for b0, b1 in ranges):
                area = area.united(geometry)
        if not area.isEmpty():
            self.viewport().update(area.toAlignedRect().adjusted(0, -2, 0, 2))

    def _apply_block_formats(self, block: QTextBlock) -> None:
        """Write the character formats of ``block``'s spans into its layout."""
        n = block.blockNumber()
        self._applied[n] = self._generation
        hidden = self._hidden
        if block.length() > _PAINTED_BLOCK_UNITS:
            entries = []  # painted by paintEvent instead
        else:
            entries = [
                e for e in self._index.in_block(n) if e.style != "bar" and e.layer not in hidden
            ]
        if not entries and n not in self._has_formats:
            return
        ranges: list[QTextLayout.FormatRange] = []
        if entries:
            pos = block.position()
            end = pos + block.length() - 1  # the separator is not drawn
            entries.sort(key=lambda e: (_STYLE_ORDER[e.style], e.start, -e.end))
            for e in entries:
                a = max(e.s16, pos)
                b = min(e.e16, end)
                if b <= a:
                    continue
                fr = QTextLayout.FormatRange()
                fr.start = a - pos
                fr.length = b - a
                fr.format = self._formats.get(e.label) or self.format_for(e.label)
                ranges.append(fr)
        block.layout().setFormats(ranges)
        if ranges:
            self._has_formats.add(n)
        else:
            self._has_formats.discard(n)

    def ensure_formatted(self, block_number: int) -> None:
        """Write ``block_number``'s formats now if they are stale (tests, export to image)."""
        if self._applied.get(block_number) != self._generation:
            block = self.document().findBlockByNumber(block_number)
            if block.isValid():
                self._apply_block_formats(block)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        visible = list(self._visible_blocks(event.rect()))
        generation = self._generation
        applied = self._applied
        for block, _ in visible:
            self._align_block(block)
            if applied.get(block.blockNumber()) != generation:
                self._apply_block_formats(block)
        clip = QRectF(event.rect())
        painted = [
            (block, geometry, self._painted_entries(block, geometry, clip))
            for block, geometry in visible
            if block.length() > _PAINTED_BLOCK_UNITS
        ]
        if self._ghosts or painted:
            painter = QPainter(self.viewport())
            for block, geometry, entries in painted:
                self._paint_spans_under(painter, block, geometry, entries, clip)
            if self._ghosts:
                self._paint_ghosts(painter, visible, clip, outline=False)
            painter.end()
        super().paintEvent(event)
        finding = bool(self._find_starts)
        marked = self._mark_cp is not None
        if self._compare or self._current is not None or painted or self._ghosts or finding or marked:
            painter = QPainter(self.viewport())
            for block, geometry, entries in painted:
                self._paint_spans_over(painter, block, geometry, entries, clip)
            if self._ghosts:
                self._paint_ghosts(painter, visible, clip, outline=True)
            if self._compare:
                self._paint_compare(painter, visible, clip)
            if self._current is not None:
                self._paint_current(painter, visible, clip)
            if finding:
                self._paint_find(painter, visible, clip)
            if marked:
                self._paint_mark(painter, visible)
            painter.end()

    def _painted_entries(self, block: QTextBlock, geometry: QRectF, clip: QRectF) -> list[_Entry]:
        """The spans of a long (painted) block that reach its lines inside ``clip``."""
        layout = block.layout()
        first, last = _lines_between(
            layout, clip.top() - geometry.top(), clip.bottom() - geometry.top()
        )
        if first > last:
            return []
        pos = block.position()
        lo = pos + layout.lineAt(first).textStart()
        line = layout.lineAt(last)
        hi = pos + line.textStart() + line.textLength()
        hidden = self._hidden
        found = [
            e
            for e in self._index.in_block(block.blockNumber())
            if e.s16 < hi and e.e16 > lo and e.style != "bar" and e.layer not in hidden
        ]
        found.sort(key=lambda e: (_STYLE_ORDER[e.style], e.start, -e.end))
        return found

    def _paint_spans_under(
        self,
        painter: QPainter,
        block: QTextBlock,
        geometry: QRectF,
        entries: list[_Entry],
        clip: QRectF,
    ) -> None:
        """Backgrounds of a painted block's spans (what formats would have drawn)."""
        for e in entries:
            if e.style in ("grey", "background"):
                brush = self._formats[e.label].background() if e.label in self._formats else None
                color = brush.color() if brush is not None else tint(e.color, 0.35)
                for r in self._span_rects(e, block, geometry, clip):
                    painter.fillRect(r, color)

    def _paint_spans_over(
        self,
        painter: QPainter,
        block: QTextBlock,
        geometry: QRectF,
        entries: list[_Entry],
        clip: QRectF,
    ) -> None:
        """Underlines and the boilerplate veil of a painted block's spans."""
        # One font in a plain-text block: every line has the first line's ascent.
        ascent = block.layout().lineAt(0).ascent()
        for e in entries:
            if e.style == "grey":
                for r in self._span_rects(e, block, geometry, clip):
                    painter.fillRect(r, _GREY_VEIL)
            elif e.style == "underline":
                painter.setPen(QPen(e.color, 1.0))
                for r in self._span_rects(e, block, geometry, clip):
                    y = r.top() + ascent + 1.5
                    painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))

    def _span_rects(
        self, entry: _Entry, block: QTextBlock, geometry: QRectF, clip: QRectF | None = None
    ) -> list[QRectF]:
        """Viewport rectangles, one per visual line, of ``entry``'s part in ``block``."""
        return self._range_rects(entry.s16, entry.e16, block, geometry, clip)

    def _range_rects(
        self, s16: int, e16: int, block: QTextBlock, geometry: QRectF, clip: QRectF | None = None
    ) -> list[QRectF]:
        """Viewport rectangles, one per visual line, of the part of ``[s16, e16)`` (UTF-16
        document positions) in ``block``.

        Only the lines the range reaches (and, with ``clip``, that are inside it) are looked
        at: a span in a block of thousands of lines costs what its visible part costs.
        """
        pos = block.position()
        a = max(s16, pos) - pos
        b = min(e16, pos + block.length() - 1) - pos
        if b <= a:
            return []
        layout = block.layout()
        if not layout.lineCount():
            return []
        first = _line_of(layout, a)
        last = _line_of(layout, b - 1)
        if clip is not None:
            v0, v1 = _lines_between(
                layout, clip.top() - geometry.top(), clip.bottom() - geometry.top()
            )
            first, last = max(first, v0), min(last, v1)
        rects = []
        for i in range(first, last + 1):
            line = layout.lineAt(i)
            ls = line.textStart()
            le = ls + line.textLength()
            lo, hi = max(a, ls), min(b, le)
            if hi <= lo and not (lo == hi == a == b):
                continue
            x1 = line.cursorToX(lo)[0]
            x2 = line.cursorToX(hi)[0]
            left, right = min(x1, x2), max(x1, x2)
            top = geometry.top() + line.y()
            rects.append(QRectF(left + geometry.left(), top, max(right - left, 2.0), line.height()))
        return rects

    def _paint_ghosts(
        self,
        painter: QPainter,
        visible: list[tuple[QTextBlock, QRectF]],
        clip: QRectF,
        outline: bool,
    ) -> None:
        """Suggestions: a faint fill under the text (``outline`` False), then a dashed
        outline over it (True), so that a real span's background cannot hide a suggestion."""
        for block, geometry in visible:
            for entry in self._ghosts.in_block(block.blockNumber()):
                if entry.layer in self._hidden or entry.style == "bar":
                    continue  # suggested articles are dashed bars in the margin
                color = QColor(entry.color)
                if outline:
                    painter.setPen(QPen(color, 1.0, Qt.PenStyle.DashLine))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                else:
                    color.setAlpha(28)
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(color)
                for r in self._span_rects(entry, block, geometry, clip):
                    painter.drawRect(r.adjusted(-1.5, -0.5, 1.5, 0.5))

    def _paint_compare(
        self, painter: QPainter, visible: list[tuple[QTextBlock, QRectF]], clip: QRectF
    ) -> None:
        for k, index in enumerate(self._compare.values()):
            for block, geometry in visible:
                for entry in index.in_block(block.blockNumber()):
                    if entry.layer in self._hidden or entry.style == "bar":
                        continue  # articles are bars in the margin
                    painter.setPen(QPen(entry.color, 2.0))
                    for r in self._span_rects(entry, block, geometry, clip):
                        y = r.bottom() - 1.0 - 3.0 * k
                        painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))

    def _paint_find(
        self, painter: QPainter, visible: list[tuple[QTextBlock, QRectF]], clip: QRectF
    ) -> None:
        """Every find match in the visible lines: found by bisection in the sorted matches,
        so a page with thousands of matches costs what its visible ones cost."""
        starts, ends = self._find_starts, self._find_ends
        to16, to_cp = self._offsets.to_utf16, self._offsets.to_codepoint
        for block, geometry in visible:
            n = block.blockNumber()
            lo_cp, hi_cp = self._block_starts[n], self._block_end(n)
            if block.length() > _PAINTED_BLOCK_UNITS:
                # A page without line breaks: only the lines inside the clip.
                layout = block.layout()
                first, last = _lines_between(
                    layout, clip.top() - geometry.top(), clip.bottom() - geometry.top()
                )
                if first > last:
                    continue
                line = layout.lineAt(last)
                lo_cp = to_cp(block.position() + layout.lineAt(first).textStart())
                hi_cp = to_cp(block.position() + line.textStart() + line.textLength())
            for k in range(bisect_right(ends, lo_cp), bisect_left(starts, hi_cp)):
                rects = self._range_rects(to16(starts[k]), to16(ends[k]), block, geometry, clip)
                for r in rects:
                    painter.fillRect(r, _FIND_FILL)
                if k == self._find_current:
                    painter.setPen(QPen(_FIND_CURRENT, 2.0))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    for r in rects:
                        painter.drawRect(r.adjusted(-1.0, 0.0, 1.0, 0.0))

    def _paint_mark(self, painter: QPainter, visible: list[tuple[QTextBlock, QRectF]]) -> None:
        assert self._mark_cp is not None
        b = self._block_of(self._mark_cp)
        for block, geometry in visible:
            if block.blockNumber() != b:
                continue
            layout = block.layout()
            if not layout.lineCount():
                return
            rel = self._offsets.to_utf16(self._mark_cp) - block.position()
            line = layout.lineAt(_line_of(layout, rel))
            x = geometry.left() + line.cursorToX(rel)[0]
            top = geometry.top() + line.y()
            painter.fillRect(QRectF(x - 1.0, top, 2.0, line.height()), _MARK_COLOR)
            painter.fillRect(QRectF(x - 1.0, top, 6.0, 4.0), _MARK_COLOR)
            return

    def _paint_current(
        self, painter: QPainter, visible: list[tuple[QTextBlock, QRectF]], clip: QRectF
    ) -> None:
        entry = self._index.get(self._current)
        if entry is None:
            return
        painter.setPen(QPen(entry.color.darker(130), 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for block, geometry in visible:
            n = block.blockNumber()
            if entry.b0 <= n <= entry.b1:
                for r in self._span_rects(entry, block, geometry, clip):
                    painter.drawRect(r.adjusted(-1.0, 0.0, 1.0, 0.0))

    # ------------------------------------------------------------------ margin

    def margin_width(self) -> int:
        return _BAR_GAP + max(self._bar_columns, _MIN_BAR_COLUMNS) * (_BAR_WIDTH + _BAR_GAP)

    def _place_margin(self) -> None:
        cr = self.contentsRect()
        self._margin.setGeometry(QRect(cr.left(), cr.top(), self.margin_width(), cr.height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_margin()

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._margin.scroll(0, dy)
        else:
            self._margin.update(0, rect.y(), self._margin.width(), rect.height())

    def _bar_segments(self) -> Iterator[tuple[_Entry, str, QRectF]]:
        """(article, kind, margin rectangle) for every visible piece of a bar."""
        bars = [(e, kind) for e, kind in self._bars if e.layer not in self._hidden]
        if not bars:
            return
        top_offset = self.viewport().geometry().top() - self._margin.geometry().top()
        visible = list(self._visible_blocks())
        if not visible:
            return
        # Bars are few (articles): keep those reaching the visible blocks, then walk them.
        first, last = visible[0][0].blockNumber(), visible[-1][0].blockNumber()
        bars = [(e, kind) for e, kind in bars if e.b0 <= last and e.b1 >= first]
        for block, geometry in visible:
            n = block.blockNumber()
            for entry, kind in bars:
                if not entry.b0 <= n <= entry.b1:
                    continue
                top, bottom = geometry.top(), geometry.bottom()
                layout = block.layout()
                pos = block.position()
                # A bar starts and ends with the visual lines of its first and last character.
                if entry.b0 == n and layout.lineCount():
                    top += layout.lineAt(_line_of(layout, entry.s16 - pos)).y()
                if entry.b1 == n and layout.lineCount():
                    line = layout.lineAt(_line_of(layout, max(entry.e16 - 1 - pos, 0)))
                    bottom = geometry.top() + line.y() + line.height()
                x = _BAR_GAP + entry.column * (_BAR_WIDTH + _BAR_GAP)
                yield entry, kind, QRectF(x, top + top_offset, _BAR_WIDTH, bottom - top)

    def _paint_margin(self, margin: QWidget, event: QPaintEvent) -> None:
        painter = QPainter(margin)
        painter.fillRect(event.rect(), self.palette().window())
        for entry, kind, rect in self._bar_segments():
            color = QColor(entry.color)
            if entry.attrs.get("role") == "related":
                color = tint(color, 0.5)  # teasers lighter than the main article
            if kind == "ghost":
                painter.setPen(QPen(color, 1.0, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            elif kind == "compare":
                painter.fillRect(rect.adjusted(1, 0, -1, 0), color)
            else:
                painter.fillRect(rect, color)
                if entry.id == self._current:
                    painter.setPen(QPen(color.darker(160), 1.0))
                    painter.drawRect(rect.adjusted(-1, 0, 0, -1))
        painter.end()

    def _bar_at(self, point: QPoint) -> str | None:
        for entry, kind, rect in self._bar_segments():
            if kind == "span" and rect.adjusted(-1, 0, 1, 0).contains(QPointF(point)):
                return entry.id
        return None

    # ------------------------------------------------------------------ mouse, tooltip

    def _char_at(self, point: QPoint) -> int | None:
        """Code point offset of the character under ``point`` (viewport), or None."""
        if not self._text:
            return None
        cursor = self.cursorForPosition(point)
        block = cursor.block()
        layout = block.layout()
        if layout is None or not layout.lineCount():
            return None
        pos16 = cursor.position()
        rel = pos16 - block.position()
        line = layout.lineForTextPosition(rel)
        if not line.isValid():
            return None
        geometry = self.blockBoundingGeometry(block).translated(self.contentOffset())
        x = point.x() - geometry.left()
        y = point.y() - geometry.top()
        if not line.y() <= y <= line.y() + line.height():
            return None
        cp = self._offsets.to_codepoint(pos16)
        # The cursor is between two characters: find the one whose box holds the point.
        for candidate in (cp - 1, cp):
            if not 0 <= candidate < len(self._text) or self._text[candidate] == "\n":
                continue
            a = self._offsets.to_utf16(candidate) - block.position()
            b = self._offsets.to_utf16(candidate + 1) - block.position()
            if a < line.textStart() or b > line.textStart() + line.textLength():
                continue
            xa = line.cursorToX(a)[0]
            xb = line.cursorToX(b)[0]
            if min(xa, xb) <= x <= max(xa, xb):
                return candidate
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        point = event.position().toPoint()
        if (
            event.button() != Qt.MouseButton.LeftButton
            or press is None
            or (point - press).manhattanLength() >= QApplication.startDragDistance()
        ):
            return  # a drag selects text; only a click activates a span
        pos = self._char_at(point)
        if pos is None:
            return
        ids = self.span_ids_at(pos)
        if ids:
            self.spanActivated.emit(ids[-1])

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self._tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def _tooltip_at(self, point: QPoint) -> str:
        """Rich text naming the spans under ``point`` (label and attributes)."""
        pos = self._char_at(point)
        if pos is None:
            return ""
        lines = [_describe(e, "") for e in self._entries_at(self._index, pos)]
        lines += [_describe(e, "suggestion: ") for e in self._entries_at(self._ghosts, pos)]
        for name, index in self._compare.items():
            lines += [_describe(e, f"{name}: ") for e in self._entries_at(index, pos)]
        return "<br>".join(lines)

    # ------------------------------------------------------------------ misc

    def _emit_selection(self) -> None:
        if self._loading:
            return
        selection = self.selection_cp()
        if selection != self._last_selection:
            self._last_selection = selection
            self.selectionChangedCp.emit(*selection)

    def _scroll_to(self, cp: int) -> None:
        """Scroll so that the line holding ``cp`` is visible (the cursor does not move)."""
        b = self._block_of(cp)
        block = self.document().findBlockByNumber(b)
        if not block.isValid():
            return
        height = self.viewport().height()
        for shown, geometry in self._visible_blocks():
            if shown.blockNumber() != b:
                continue
            layout = shown.layout()
            if not layout.lineCount():
                break
            line = layout.lineAt(_line_of(layout, self._offsets.to_utf16(cp) - shown.position()))
            top = geometry.top() + line.y()
            if top >= 0 and top + line.height() <= height:
                return  # already in view: do not move the text under the annotator's eyes
            break
        # Lay out this one block (not the ones before it) to know the line of cp inside it.
        self.document().documentLayout().blockBoundingRect(block)
        layout = block.layout()
        line_no = 0
        if layout.lineCount():
            line_no = _line_of(layout, self._offsets.to_utf16(cp) - block.position())
        # The vertical scroll bar counts visual lines; leave two lines of context above.
        self.verticalScrollBar().setValue(max(0, block.firstLineNumber() + line_no - 2))


def _line_of(layout: QTextLayout, pos: int) -> int:
    """The line holding block position ``pos`` (QTextLayout.lineForTextPosition scans all
    lines, which costs ~50 us per call in a paragraph of thousands of lines)."""
    count = layout.lineCount()
    i = bisect_right(range(count), pos, key=lambda k: layout.lineAt(k).textStart()) - 1
    return min(max(i, 0), count - 1)


def _lines_between(layout: QTextLayout, y0: float, y1: float) -> tuple[int, int]:
    """First and last line of ``layout`` overlapping ``y0..y1`` (layout coordinates).

    A binary search: a paragraph of 200 KB has thousands of lines.
    """
    count = layout.lineCount()
    if not count:
        return 0, -1
    first = bisect_right(range(count), y0, key=lambda i: layout.lineAt(i).rect().bottom())
    last = bisect_left(range(count), y1, key=lambda i: layout.lineAt(i).y()) - 1
    return first, last  # first > last: no line there


def _describe(entry: _Entry, prefix: str) -> str:
    attrs = ", ".join(
        f"{k}={'; '.join(v) if isinstance(v, list) else v}" for k, v in entry.attrs.items() if v
    )
    text = f"{prefix}<b>{escape(entry.label)}</b>"
    return f"{text} {escape(attrs)}" if attrs else text
