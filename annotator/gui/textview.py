"""The span text view: the raw document text with its spans drawn over it.

Performance design (the widget annotators look at all day, on texts up to megabytes):

* The text goes into a read-only ``QPlainTextEdit`` (lazy layout: only visible blocks are
  laid out), so opening costs about what a bare ``setPlainText`` costs.
* Spans are indexed by text block (:class:`~annotator.gui.span_index.SpanIndex`).
  Character formats (entity backgrounds, greyed boilerplate, part underlines) are written
  into each block's ``QTextLayout`` *lazily, when the block is painted*: ``paintEvent``
  formats the dirty blocks it is about to draw and nothing else
  (:mod:`annotator.gui.span_painting`). ``QTextLayout.setFormats`` neither relayouts nor
  schedules a repaint, so this is safe inside a paint.
* An edit (:meth:`SpanTextView.update_spans`) updates the index for the spans the
  :class:`~annotator.edits.Change` names, marks only their blocks dirty and repaints only
  their visible rectangles. Nothing is ever reset for the whole document per edit.
* Article bars (left margin, :mod:`annotator.gui.span_margin`), the current-span outline,
  ghost (suggested) spans and the review overlay are painted directly for the visible area
  only.

All positions in the public API are code points; Qt's UTF-16 offsets never leave this
module and its helpers (see :class:`~annotator.gui.offsets.OffsetMap`). Cursor moves by
lines and paragraphs, and find, are computed in :mod:`annotator.gui.text_navigation`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPaintEvent,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotator.edits import Change
from annotator.gui.offsets import OffsetMap
from annotator.gui.span_index import (
    STYLE_ORDER,
    SpanEntry,
    SpanIndex,
    Style,
    describe,
    span_style,
)
from annotator.gui.span_margin import SpanMargin
from annotator.gui.span_painting import (
    align_block,
    apply_block_formats,
    char_at,
    char_format,
    line_of,
    paint_over,
    paint_under,
)
from annotator.gui.text_navigation import (
    FindMatches,
    block_end,
    block_of,
    line_range,
    line_starts,
    paragraph_starts,
    step_by_starts,
)
from annotator.model import LabelScheme, Span

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


_UNKNOWN_LABEL_COLOR = "#607d8b"


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
        self._index = SpanIndex(self._entry)
        self._ghosts = SpanIndex(self._entry)
        self._compare: dict[str, SpanIndex] = {}
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
        # Find matches: painted over the visible blocks only.
        self._find = FindMatches()
        #: The set mark (code point), where "mark from the set mark" starts.
        self._mark_cp: int | None = None
        #: Block number -> whether its paragraph direction is right-to-left.
        self._rtl: dict[int, bool] = {}

        self._margin = SpanMargin(self)
        self.setViewportMargins(self.margin_width(), 0, 0, 0)
        self.updateRequest.connect(self._margin.follow_viewport)
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
        self._ghosts = SpanIndex(self._entry)
        self._compare = {}
        self._applied.clear()
        self._has_formats.clear()
        self._generation += 1
        self._paragraph_starts = None
        self._last_selection = None
        self._find = FindMatches()
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
        touched: list[SpanEntry] = []
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
            self._margin.layout_bars()

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
        self._margin.layout_bars()
        self.viewport().update()

    def update_ghost_spans(self, added: Sequence[Span], removed: Sequence[str]) -> None:
        """Some suggestions came or went (an edit marked or unmarked their place): only
        their blocks are redrawn, where :meth:`set_ghost_spans` redraws the whole view."""
        touched: list[SpanEntry] = []
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
            self._margin.layout_bars()
        # Ghosts are painted, never written into the blocks' formats: a repaint is enough.
        self._update_block_ranges([(entry.b0, entry.b1) for entry in touched])

    def set_compare_spans(self, spans_by_annotator: dict[str, Sequence[Span]]) -> None:
        """Review overlay: each annotator's spans as a thin line under the text."""
        self._compare = {
            name: self._make_index(spans) for name, spans in spans_by_annotator.items()
        }
        self._margin.layout_bars()
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
        return line_range(self._block_starts, len(self._text), start, end)

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
        i = self._find.select_next(*self.selection_cp(), backward)
        if i is None:
            return False
        self.select_cp(self._find.starts[i], self._find.ends[i])
        self.centerCursor()
        self.viewport().update()
        return True

    def set_find(self, needle: str, case_sensitive: bool = False) -> None:
        """Highlight every occurrence of ``needle`` (an empty needle: none)."""
        if self._find.set(self._text, needle, case_sensitive):
            self.viewport().update()

    def clear_find(self) -> None:
        """No find highlights (the find bar closed)."""
        self.set_find("")

    def find_matches(self) -> list[tuple[int, int]]:
        """The highlighted occurrences, in text order."""
        return list(zip(self._find.starts, self._find.ends, strict=True))

    def find_position(self) -> tuple[int, int]:
        """(index of the selected match, 0-based or -1; number of matches)."""
        return self._find.current, len(self._find.starts)

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
                self._formats[label.name] = char_format(style, color)

    def format_for(self, label: str) -> QTextCharFormat:
        """The character format spans of ``label`` get (empty for margin bars)."""
        if label not in self._formats:
            style, _, color = self._style_of(label)
            self._formats[label] = char_format(style, color)
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
        starts = line_starts(text)
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
        return block_of(self._block_starts, cp)

    def _block_end(self, block: int) -> int:
        """End of ``block``'s text (code points), before its line separator."""
        return block_end(self._block_starts, len(self._text), block)

    def _entry(self, span: Span) -> SpanEntry | None:
        n = len(self._text)
        if not 0 <= span.start < span.end <= n:
            return None  # offsets outside this text: the validator reports these
        style, layer, color = self._style_of(span.label)
        to16 = self._offsets.to_utf16
        return SpanEntry(
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

    def _make_index(self, spans: Sequence[Span]) -> SpanIndex:
        return SpanIndex(
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
        self._margin.layout_bars()
        self.viewport().update()

    def _entries_at(self, index: SpanIndex, pos: int) -> list[SpanEntry]:
        if not 0 <= pos < len(self._text):
            return []
        found = [
            e
            for e in index.in_block(self._block_of(pos))
            if e.start <= pos < e.end and e.layer not in self._hidden
        ]
        found.sort(key=lambda e: (e.start, -e.end, STYLE_ORDER[e.style]))
        return found

    def _paragraphs(self) -> list[int]:
        """Start (code point) of every paragraph: a non-blank line after a blank one."""
        if self._paragraph_starts is None:
            self._paragraph_starts = paragraph_starts(self._text, self._block_starts)
        return self._paragraph_starts

    def _move_by_starts(self, starts: list[int], delta: int, extend: bool) -> None:
        pos = step_by_starts(starts, self.cursor_cp(), delta, len(self._text))
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
        apply_block_formats(self, block)

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
            align_block(self, block)
            if applied.get(block.blockNumber()) != generation:
                self._apply_block_formats(block)
        clip = QRectF(event.rect())
        painted = paint_under(self, visible, clip)
        super().paintEvent(event)
        paint_over(self, visible, painted, clip)

    # ------------------------------------------------------------------ margin

    def margin_width(self) -> int:
        return self._margin.preferred_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._margin.place()

    # ------------------------------------------------------------------ mouse, tooltip

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
        pos = char_at(self, point)
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
        pos = char_at(self, point)
        if pos is None:
            return ""
        lines = [describe(e, "") for e in self._entries_at(self._index, pos)]
        lines += [describe(e, "suggestion: ") for e in self._entries_at(self._ghosts, pos)]
        for name, index in self._compare.items():
            lines += [describe(e, f"{name}: ") for e in self._entries_at(index, pos)]
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
            line = layout.lineAt(line_of(layout, self._offsets.to_utf16(cp) - shown.position()))
            top = geometry.top() + line.y()
            if top >= 0 and top + line.height() <= height:
                return  # already in view: do not move the text under the annotator's eyes
            break
        # Lay out this one block (not the ones before it) to know the line of cp inside it.
        self.document().documentLayout().blockBoundingRect(block)
        layout = block.layout()
        line_no = 0
        if layout.lineCount():
            line_no = line_of(layout, self._offsets.to_utf16(cp) - block.position())
        # The vertical scroll bar counts visual lines; leave two lines of context above.
        self.verticalScrollBar().setValue(max(0, block.firstLineNumber() + line_no - 2))
