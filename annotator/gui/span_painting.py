"""How the span text view draws spans: block formats, and what is painted over the text.

Two ways to draw a span (see :mod:`annotator.gui.textview` for why):

* :func:`apply_block_formats` writes character formats (backgrounds, grey, underlines)
  into a block's ``QTextLayout``, lazily, when the block is about to be painted.
* :func:`paint_under` and :func:`paint_over` paint, for the visible area only, what
  formats cannot carry: the spans of very long blocks, suggestions (ghosts), the review
  overlay, the current span's outline, find matches and the set mark.

Line geometry (:func:`range_rects`, :func:`char_at` for hit-testing) and the right
alignment of right-to-left blocks (:func:`align_block`) live here too.

The functions take the view and read its state; the view stays the one owner of that state
and :meth:`~annotator.gui.textview.SpanTextView.paintEvent` the entry point.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextBlock, QTextCharFormat, QTextLayout

from annotator.gui.span_index import STYLE_ORDER, SpanEntry, Style, tint

if TYPE_CHECKING:
    from annotator.gui.textview import SpanTextView

#: A visible block with its viewport geometry.
Visible = list[tuple[QTextBlock, QRectF]]
#: A long block painted instead of formatted, with the spans reaching the clip.
Painted = list[tuple[QTextBlock, QRectF, list[SpanEntry]]]

#: Blocks longer than this (UTF-16 units; a page without line breaks) get their spans
#: painted over the visible lines instead of written as formats: Qt re-resolves the formats
#: of a whole block on every change: ~0.2 s per edit for a 200 KB line with 2,000 spans,
#: against ~30 ms painted (measured on the project machine).
PAINTED_BLOCK_UNITS = 4000
#: Greys boilerplate text in painted blocks (a translucent veil over the glyphs).
_GREY_VEIL = QColor(255, 255, 255, 150)
#: Find matches: a translucent wash over the text (it must show over span backgrounds),
#: the current match outlined.
_FIND_FILL = QColor(255, 170, 0, 90)
_FIND_CURRENT = QColor("#e65100")
#: The set mark (Ctrl+Space): a caret-like bar with a flag at its top.
_MARK_COLOR = QColor("#c62828")


# ---------------------------------------------------------------------- line geometry


def line_of(layout: QTextLayout, pos: int) -> int:
    """The line holding block position ``pos`` (QTextLayout.lineForTextPosition scans all
    lines, which costs ~50 us per call in a paragraph of thousands of lines)."""
    count = layout.lineCount()
    i = bisect_right(range(count), pos, key=lambda k: layout.lineAt(k).textStart()) - 1
    return min(max(i, 0), count - 1)


def lines_between(layout: QTextLayout, y0: float, y1: float) -> tuple[int, int]:
    """First and last line of ``layout`` overlapping ``y0..y1`` (layout coordinates).

    A binary search: a paragraph of 200 KB has thousands of lines.
    """
    count = layout.lineCount()
    if not count:
        return 0, -1
    first = bisect_right(range(count), y0, key=lambda i: layout.lineAt(i).rect().bottom())
    last = bisect_left(range(count), y1, key=lambda i: layout.lineAt(i).y()) - 1
    return first, last  # first > last: no line there


def span_rects(
    entry: SpanEntry, block: QTextBlock, geometry: QRectF, clip: QRectF | None = None
) -> list[QRectF]:
    """Viewport rectangles, one per visual line, of ``entry``'s part in ``block``."""
    return range_rects(entry.s16, entry.e16, block, geometry, clip)


def range_rects(
    s16: int, e16: int, block: QTextBlock, geometry: QRectF, clip: QRectF | None = None
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
    first = line_of(layout, a)
    last = line_of(layout, b - 1)
    if clip is not None:
        v0, v1 = lines_between(layout, clip.top() - geometry.top(), clip.bottom() - geometry.top())
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


def char_at(view: SpanTextView, point: QPoint) -> int | None:
    """Code point offset of the character under ``point`` (viewport), or None."""
    text, offsets = view._text, view._offsets
    if not text:
        return None
    cursor = view.cursorForPosition(point)
    block = cursor.block()
    layout = block.layout()
    if layout is None or not layout.lineCount():
        return None
    pos16 = cursor.position()
    rel = pos16 - block.position()
    line = layout.lineForTextPosition(rel)
    if not line.isValid():
        return None
    geometry = view.blockBoundingGeometry(block).translated(view.contentOffset())
    x = point.x() - geometry.left()
    y = point.y() - geometry.top()
    if not line.y() <= y <= line.y() + line.height():
        return None
    cp = offsets.to_codepoint(pos16)
    # The cursor is between two characters: find the one whose box holds the point.
    for candidate in (cp - 1, cp):
        if not 0 <= candidate < len(text) or text[candidate] == "\n":
            continue
        a = offsets.to_utf16(candidate) - block.position()
        b = offsets.to_utf16(candidate + 1) - block.position()
        if a < line.textStart() or b > line.textStart() + line.textLength():
            continue
        xa = line.cursorToX(a)[0]
        xb = line.cursorToX(b)[0]
        if min(xa, xb) <= x <= max(xa, xb):
            return candidate
    return None


# ---------------------------------------------------------------------- block formats


def char_format(style: Style, color: QColor) -> QTextCharFormat:
    """The character format a span of ``style`` in ``color`` is written with."""
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


def align_block(view: SpanTextView, block: QTextBlock) -> None:
    """Right-align a right-to-left block.

    QPlainTextEdit lays every block out with the document's one text option (left
    aligned); the alignment is applied when lines are drawn and hit-tested, not when
    they are broken, so setting it on the block's laid-out layout costs no relayout.
    A relayout (a resize) resets it; the next paint sets it again before drawing.
    """
    if not view.is_right_to_left(block.blockNumber()):
        return
    layout = block.layout()
    option = layout.textOption()
    if option.alignment() & Qt.AlignmentFlag.AlignRight:
        return
    option.setAlignment(Qt.AlignmentFlag.AlignRight)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)


def apply_block_formats(view: SpanTextView, block: QTextBlock) -> None:
    """Write the character formats of ``block``'s spans into its layout."""
    n = block.blockNumber()
    view._applied[n] = view._generation
    hidden = view._hidden
    if block.length() > PAINTED_BLOCK_UNITS:
        entries = []  # painted by paintEvent instead
    else:
        entries = [e for e in view._index.in_block(n) if e.style != "bar" and e.layer not in hidden]
    if not entries and n not in view._has_formats:
        return
    ranges: list[QTextLayout.FormatRange] = []
    if entries:
        pos = block.position()
        end = pos + block.length() - 1  # the separator is not drawn
        entries.sort(key=lambda e: (STYLE_ORDER[e.style], e.start, -e.end))
        for e in entries:
            a = max(e.s16, pos)
            b = min(e.e16, end)
            if b <= a:
                continue
            fr = QTextLayout.FormatRange()
            fr.start = a - pos
            fr.length = b - a
            fr.format = view._formats.get(e.label) or view.format_for(e.label)
            ranges.append(fr)
    block.layout().setFormats(ranges)
    if ranges:
        view._has_formats.add(n)
    else:
        view._has_formats.discard(n)


# ---------------------------------------------------------------------- painting


def paint_under(view: SpanTextView, visible: Visible, clip: QRectF) -> Painted:
    """Paint what goes under the text (before Qt draws it); returns the painted blocks."""
    painted = [
        (block, geometry, _painted_entries(view, block, geometry, clip))
        for block, geometry in visible
        if block.length() > PAINTED_BLOCK_UNITS
    ]
    if view._ghosts or painted:
        painter = QPainter(view.viewport())
        for block, geometry, entries in painted:
            _paint_spans_under(view, painter, block, geometry, entries, clip)
        if view._ghosts:
            _paint_ghosts(view, painter, visible, clip, outline=False)
        painter.end()
    return painted


def paint_over(view: SpanTextView, visible: Visible, painted: Painted, clip: QRectF) -> None:
    """Paint what goes over the text (after Qt drew it)."""
    finding = bool(view._find.starts)
    marked = view._mark_cp is not None
    current = view._current is not None
    if view._compare or current or painted or view._ghosts or finding or marked:
        painter = QPainter(view.viewport())
        for block, geometry, entries in painted:
            _paint_spans_over(painter, block, geometry, entries, clip)
        if view._ghosts:
            _paint_ghosts(view, painter, visible, clip, outline=True)
        if view._compare:
            _paint_compare(view, painter, visible, clip)
        if current:
            _paint_current(view, painter, visible, clip)
        if finding:
            _paint_find(view, painter, visible, clip)
        if marked:
            _paint_mark(view, painter, visible)
        painter.end()


def _painted_entries(
    view: SpanTextView, block: QTextBlock, geometry: QRectF, clip: QRectF
) -> list[SpanEntry]:
    """The spans of a long (painted) block that reach its lines inside ``clip``."""
    layout = block.layout()
    first, last = lines_between(layout, clip.top() - geometry.top(), clip.bottom() - geometry.top())
    if first > last:
        return []
    pos = block.position()
    lo = pos + layout.lineAt(first).textStart()
    line = layout.lineAt(last)
    hi = pos + line.textStart() + line.textLength()
    hidden = view._hidden
    found = [
        e
        for e in view._index.in_block(block.blockNumber())
        if e.s16 < hi and e.e16 > lo and e.style != "bar" and e.layer not in hidden
    ]
    found.sort(key=lambda e: (STYLE_ORDER[e.style], e.start, -e.end))
    return found


def _paint_spans_under(
    view: SpanTextView,
    painter: QPainter,
    block: QTextBlock,
    geometry: QRectF,
    entries: list[SpanEntry],
    clip: QRectF,
) -> None:
    """Backgrounds of a painted block's spans (what formats would have drawn)."""
    formats = view._formats
    for e in entries:
        if e.style in ("grey", "background"):
            brush = formats[e.label].background() if e.label in formats else None
            color = brush.color() if brush is not None else tint(e.color, 0.35)
            for r in span_rects(e, block, geometry, clip):
                painter.fillRect(r, color)


def _paint_spans_over(
    painter: QPainter,
    block: QTextBlock,
    geometry: QRectF,
    entries: list[SpanEntry],
    clip: QRectF,
) -> None:
    """Underlines and the boilerplate veil of a painted block's spans."""
    # One font in a plain-text block: every line has the first line's ascent.
    ascent = block.layout().lineAt(0).ascent()
    for e in entries:
        if e.style == "grey":
            for r in span_rects(e, block, geometry, clip):
                painter.fillRect(r, _GREY_VEIL)
        elif e.style == "underline":
            painter.setPen(QPen(e.color, 1.0))
            for r in span_rects(e, block, geometry, clip):
                y = r.top() + ascent + 1.5
                painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))


def _paint_ghosts(
    view: SpanTextView, painter: QPainter, visible: Visible, clip: QRectF, outline: bool
) -> None:
    """Suggestions: a faint fill under the text (``outline`` False), then a dashed
    outline over it (True), so that a real span's background cannot hide a suggestion."""
    for block, geometry in visible:
        for entry in view._ghosts.in_block(block.blockNumber()):
            if entry.layer in view._hidden or entry.style == "bar":
                continue  # suggested articles are dashed bars in the margin
            color = QColor(entry.color)
            if outline:
                painter.setPen(QPen(color, 1.0, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                color.setAlpha(28)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
            for r in span_rects(entry, block, geometry, clip):
                painter.drawRect(r.adjusted(-1.5, -0.5, 1.5, 0.5))


def _paint_compare(view: SpanTextView, painter: QPainter, visible: Visible, clip: QRectF) -> None:
    for k, index in enumerate(view._compare.values()):
        for block, geometry in visible:
            for entry in index.in_block(block.blockNumber()):
                if entry.layer in view._hidden or entry.style == "bar":
                    continue  # articles are bars in the margin
                painter.setPen(QPen(entry.color, 2.0))
                for r in span_rects(entry, block, geometry, clip):
                    y = r.bottom() - 1.0 - 3.0 * k
                    painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))


def _paint_find(view: SpanTextView, painter: QPainter, visible: Visible, clip: QRectF) -> None:
    """Every find match in the visible lines: found by bisection in the sorted matches,
    so a page with thousands of matches costs what its visible ones cost."""
    find = view._find
    starts, ends = find.starts, find.ends
    to16, to_cp = view._offsets.to_utf16, view._offsets.to_codepoint
    for block, geometry in visible:
        n = block.blockNumber()
        lo_cp, hi_cp = view._block_starts[n], view._block_end(n)
        if block.length() > PAINTED_BLOCK_UNITS:
            # A page without line breaks: only the lines inside the clip.
            layout = block.layout()
            first, last = lines_between(
                layout, clip.top() - geometry.top(), clip.bottom() - geometry.top()
            )
            if first > last:
                continue
            line = layout.lineAt(last)
            lo_cp = to_cp(block.position() + layout.lineAt(first).textStart())
            hi_cp = to_cp(block.position() + line.textStart() + line.textLength())
        for k in range(bisect_right(ends, lo_cp), bisect_left(starts, hi_cp)):
            rects = range_rects(to16(starts[k]), to16(ends[k]), block, geometry, clip)
            for r in rects:
                painter.fillRect(r, _FIND_FILL)
            if k == find.current:
                painter.setPen(QPen(_FIND_CURRENT, 2.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for r in rects:
                    painter.drawRect(r.adjusted(-1.0, 0.0, 1.0, 0.0))


def _paint_mark(view: SpanTextView, painter: QPainter, visible: Visible) -> None:
    mark = view._mark_cp
    assert mark is not None
    b = view._block_of(mark)
    for block, geometry in visible:
        if block.blockNumber() != b:
            continue
        layout = block.layout()
        if not layout.lineCount():
            return
        rel = view._offsets.to_utf16(mark) - block.position()
        line = layout.lineAt(line_of(layout, rel))
        x = geometry.left() + line.cursorToX(rel)[0]
        top = geometry.top() + line.y()
        painter.fillRect(QRectF(x - 1.0, top, 2.0, line.height()), _MARK_COLOR)
        painter.fillRect(QRectF(x - 1.0, top, 6.0, 4.0), _MARK_COLOR)
        return


def _paint_current(view: SpanTextView, painter: QPainter, visible: Visible, clip: QRectF) -> None:
    entry = view._index.get(view._current)
    if entry is None:
        return
    painter.setPen(QPen(entry.color.darker(130), 2.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for block, geometry in visible:
        n = block.blockNumber()
        if entry.b0 <= n <= entry.b1:
            for r in span_rects(entry, block, geometry, clip):
                painter.drawRect(r.adjusted(-1.0, 0.0, 1.0, 0.0))
