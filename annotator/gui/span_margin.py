"""The span text view's left margin, where articles are drawn as coloured bars.

The margin lays the bars out in columns (nested or crossing articles side by side), paints
the visible pieces and hit-tests clicks and tooltips; it reads the spans from its view.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from annotator.gui.span_index import SpanEntry, describe, tint
from annotator.gui.span_painting import line_of

if TYPE_CHECKING:
    from annotator.gui.textview import SpanTextView

_BAR_WIDTH = 4
_BAR_GAP = 2
_MIN_BAR_COLUMNS = 2


class SpanMargin(QWidget):
    """The left margin of a :class:`~annotator.gui.textview.SpanTextView`."""

    def __init__(self, view: SpanTextView) -> None:
        super().__init__(view)
        self._view = view
        #: Bars: (entry, kind), kind "span" (clickable), "ghost" or "compare".
        self.bars: list[tuple[SpanEntry, str]] = []
        self._columns = _MIN_BAR_COLUMNS

    def preferred_width(self) -> int:
        return _BAR_GAP + max(self._columns, _MIN_BAR_COLUMNS) * (_BAR_WIDTH + _BAR_GAP)

    def sizeHint(self) -> QSize:
        return QSize(self.preferred_width(), 0)

    def place(self) -> None:
        """Cover the view's left viewport margin."""
        cr = self._view.contentsRect()
        self.setGeometry(QRect(cr.left(), cr.top(), self.preferred_width(), cr.height()))

    def follow_viewport(self, rect: QRect, dy: int) -> None:
        """The view's ``updateRequest``: scroll or repaint along with the text."""
        if dy:
            self.scroll(0, dy)
        else:
            self.update(0, rect.y(), self.width(), rect.height())

    def layout_bars(self) -> None:
        """Give each bar a margin column: nested or crossing articles side by side, then
        suggested articles (dashed) and, in review, each annotator's articles (thin)."""
        view = self._view
        groups: list[tuple[str, list[SpanEntry]]] = [("span", view._index.bars())]
        if view._ghosts:
            groups.append(("ghost", view._ghosts.bars()))
        groups += [("compare", index.bars()) for index in view._compare.values()]
        bars: list[tuple[SpanEntry, str]] = []
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
        self.bars = bars
        columns = max(columns, _MIN_BAR_COLUMNS)
        if columns != self._columns:
            # Only when the column count changes: the viewport width (and wrapping) changes.
            self._columns = columns
            view.setViewportMargins(self.preferred_width(), 0, 0, 0)
            self.place()
        self.update()

    def bar_segments(self) -> Iterator[tuple[SpanEntry, str, QRectF]]:
        """(article, kind, margin rectangle) for every visible piece of a bar."""
        view = self._view
        bars = [(e, kind) for e, kind in self.bars if e.layer not in view._hidden]
        if not bars:
            return
        top_offset = view.viewport().geometry().top() - self.geometry().top()
        visible = list(view._visible_blocks())
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
                    top += layout.lineAt(line_of(layout, entry.s16 - pos)).y()
                if entry.b1 == n and layout.lineCount():
                    line = layout.lineAt(line_of(layout, max(entry.e16 - 1 - pos, 0)))
                    bottom = geometry.top() + line.y() + line.height()
                x = _BAR_GAP + entry.column * (_BAR_WIDTH + _BAR_GAP)
                yield entry, kind, QRectF(x, top + top_offset, _BAR_WIDTH, bottom - top)

    def bar_at(self, point: QPoint) -> str | None:
        """The id of the (real, clickable) article whose bar is at ``point``."""
        for entry, kind, rect in self.bar_segments():
            if kind == "span" and rect.adjusted(-1, 0, 1, 0).contains(QPointF(point)):
                return entry.id
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self._view.palette().window())
        current = self._view._current
        for entry, kind, rect in self.bar_segments():
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
                if entry.id == current:
                    painter.setPen(QPen(color.darker(160), 1.0))
                    painter.drawRect(rect.adjusted(-1, 0, 0, -1))
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            span_id = self.bar_at(event.position().toPoint())
            if span_id is not None:
                self._view.spanActivated.emit(span_id)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            entry = self._view._index.get(self.bar_at(event.pos()))
            if entry is not None:
                QToolTip.showText(event.globalPos(), describe(entry, ""), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
