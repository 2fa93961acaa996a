"""The span list: a table model over the open annotation's spans, in text order."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.edits import Change
from annotator.model import LabelScheme, Span
from annotator.session import sorted_spans

Index = QModelIndex | QPersistentModelIndex


def _key(span: Span) -> tuple[int, int, str]:
    return (span.start, -span.end, span.id)  # the order of session.sorted_spans


EXCERPT = 60
#: The roles :meth:`SpanTableModel.data` answers. A repaint asks every visible cell for
#: seven roles; the others (font, colours, check state) are turned away before any work.
_ROLES = frozenset(
    int(r.value)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.UserRole,
    )
)


class SpanTableModel(QAbstractTableModel):
    """Columns: label, excerpt, start, end (code points, as in the file)."""

    COLUMNS = ("label", "text", "start", "end")

    def __init__(self, scheme: LabelScheme, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scheme = scheme
        self._colors = {lb.name: QColor(lb.color) for lb in scheme.labels()}
        self._spans: list[Span] = []
        self._keys: list[tuple[int, int, str]] = []  # _key of each row, for bisect
        self._by_id: dict[str, Span] = {}

    def set_spans(self, spans: list[Span]) -> None:
        self.beginResetModel()
        self._spans = sorted_spans(spans)
        self._keys = [_key(s) for s in self._spans]
        self._by_id = {s.id: s for s in self._spans}
        self.endResetModel()

    def refresh(
        self, spans: list[Span], change: Change, span_of: Callable[[str], Span | None] | None = None
    ) -> None:
        """Follow an edit with row inserts, removals and dataChanged for what ``change`` names.

        ``span_of`` looks a span up by id in the session (O(1) there); without it the
        touched spans are found with one pass over ``spans``. Rows are found by bisecting the
        sorted keys, so an edit among 10,000 spans never rebuilds or re-sorts the list.
        """
        touched = change.added | change.modified
        if span_of is None:
            by_id = {s.id: s for s in spans if s.id in touched}
            span_of = by_id.get
        # Removed and moved rows first (at their old keys), then each new state where it sorts.
        for span_id in change.removed | change.modified:
            old = self._by_id.get(span_id)
            new = span_of(span_id) if span_id in change.modified else None
            if old is None:
                continue
            row = self._row(old)
            if new is not None and (old.start, old.end) == (new.start, new.end):
                # Same place in the order (the key ignores label and attributes): update in place.
                self._spans[row] = self._by_id[span_id] = new
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._spans[row], self._keys[row], self._by_id[span_id]
            self.endRemoveRows()
        for span_id in sorted(touched, key=lambda i: (i not in change.added, i)):
            span = span_of(span_id)
            if span is None or span_id in self._by_id:
                continue
            key = _key(span)
            row = bisect_left(self._keys, key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(row, span)
            self._keys.insert(row, key)
            self._by_id[span_id] = span
            self.endInsertRows()

    def _row(self, span: Span) -> int:
        # Keys are unique (the id is part of them): bisect finds the span's own row.
        return bisect_left(self._keys, _key(span))

    def span(self, span_id: str) -> Span | None:
        """The span of that id as the list shows it (before :meth:`refresh`: as it was)."""
        return self._by_id.get(span_id)

    def span_at(self, row: int) -> Span | None:
        return self._spans[row] if 0 <= row < len(self._spans) else None

    def row_of(self, span_id: str | None) -> int | None:
        span = self._by_id.get(span_id) if span_id else None
        return None if span is None else self._row(span)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ROLES or not index.isValid():
            return None
        span = self._spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return span.label
            if column == 1:
                excerpt = " ".join(span.text.split())
                return excerpt if len(excerpt) <= EXCERPT else excerpt[: EXCERPT - 1] + "…"
            return span.start if column == 2 else span.end
        if role == Qt.ItemDataRole.ToolTipRole:
            attrs = ", ".join(f"{k}={v}" for k, v in span.attrs.items())
            return f"{span.label} [{span.start}, {span.end}) {span.id}" + (f"\n{attrs}" if attrs else "")
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._colors.get(span.label)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None
