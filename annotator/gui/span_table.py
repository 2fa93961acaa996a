"""The span list: a table model over the open annotation's spans, in text order."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.edits import Change
from annotator.model import LabelScheme, Span
from annotator.session import sorted_spans

Index = QModelIndex | QPersistentModelIndex


def _key(span: Span) -> tuple[int, int, str]:
    return (span.start, -span.end, span.id)  # the order of session.sorted_spans
EXCERPT = 60


class SpanTableModel(QAbstractTableModel):
    """Columns: label, excerpt, start, end (code points, as in the file)."""

    COLUMNS = ("label", "text", "start", "end")

    def __init__(self, scheme: LabelScheme, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scheme = scheme
        self._colors = {lb.name: QColor(lb.color) for lb in scheme.labels()}
        self._spans: list[Span] = []
        self._row_of: dict[str, int] = {}

    def set_spans(self, spans: list[Span]) -> None:
        self.beginResetModel()
        self._spans = sorted_spans(spans)
        self._row_of = {s.id: i for i, s in enumerate(self._spans)}
        self.endResetModel()

    def refresh(self, spans: list[Span], change: Change) -> None:
        """Follow an edit: rows change in place when only attributes did, else re-sort."""
        if change.added and not change.removed and not change.modified:
            self._insert(spans, change.added)
            return
        if change.removed and not change.added and not change.modified:
            self._remove(change.removed)
            return
        if change.added or change.removed:
            self.set_spans(spans)
            return
        by_id = {s.id: s for s in spans}
        moved = False
        for span_id in change.modified:
            row = self._row_of.get(span_id)
            new = by_id.get(span_id)
            if row is None or new is None:
                moved = True
                break
            old = self._spans[row]
            if (old.start, old.end) != (new.start, new.end):
                moved = True
                break
            self._spans[row] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        if moved:
            self.set_spans(spans)

    def _insert(self, spans: list[Span], added: frozenset[str]) -> None:
        # Row inserts instead of a reset: a new span among 10,000 costs a bisect.
        new = sorted_spans(s for s in spans if s.id in added)
        keys = [_key(s) for s in self._spans]
        for span in new:
            row = bisect_left(keys, _key(span))
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(row, span)
            keys.insert(row, _key(span))
            self.endInsertRows()
        self._row_of = {s.id: i for i, s in enumerate(self._spans)}

    def _remove(self, removed: frozenset[str]) -> None:
        for row in sorted((self._row_of[i] for i in removed if i in self._row_of), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._spans[row]
            self.endRemoveRows()
        self._row_of = {s.id: i for i, s in enumerate(self._spans)}

    def span_at(self, row: int) -> Span | None:
        return self._spans[row] if 0 <= row < len(self._spans) else None

    def row_of(self, span_id: str | None) -> int | None:
        return self._row_of.get(span_id) if span_id else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
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
