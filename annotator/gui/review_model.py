"""The disagreement list of review mode: a table model over adjudicate.compare's output."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.adjudicate import Disagreement
from annotator.model import Span

Index = QModelIndex | QPersistentModelIndex

EXCERPT = 24
KIND_TEXT = {
    "missing": "missing",
    "label": "label",
    "extent": "extent",
    "attrs": "attributes",
    "doc_label": "doc label",
}
#: Gold column: agrees with no annotator (a hand edit), or with some.
OTHER = "other"


def _candidate(spans: Sequence[Span]) -> str:
    if not spans:
        return "—"
    parts = []
    for s in spans:
        excerpt = " ".join(s.text.split())
        excerpt = excerpt if len(excerpt) <= EXCERPT else excerpt[: EXCERPT - 1] + "…"
        parts.append(f"{s.label} [{s.start}, {s.end}) {excerpt}")
    return " + ".join(parts)


def _attrs(spans: Sequence[Span]) -> str:
    return " + ".join(", ".join(f"{k}={v}" for k, v in s.attrs.items()) or "(none)" for s in spans)


class DisagreementModel(QAbstractTableModel):
    """Columns: #, kind, where, one per compared annotator, gold (whose side gold says now)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Disagreement] = []
        self._annotators: list[str] = []
        self._sides: list[list[str]] = []

    @property
    def columns(self) -> list[str]:
        return ["#", "kind", "where", *self._annotators, "gold"]

    def set_disagreements(
        self, annotators: Sequence[str], rows: Sequence[Disagreement], sides: Sequence[list[str]]
    ) -> None:
        self.beginResetModel()
        self._annotators = list(annotators)
        self._rows = list(rows)
        self._sides = [list(s) for s in sides]
        self.endResetModel()

    def set_sides(self, sides: Sequence[list[str]]) -> None:
        """After an edit: only the gold column changes (the rows stay, so does the selection)."""
        self._sides = [list(s) for s in sides]
        if self._rows:
            column = len(self.columns) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def disagreement(self, row: int) -> Disagreement | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def sides(self, row: int) -> list[str]:
        return self._sides[row] if 0 <= row < len(self._sides) else []

    def gold_text(self, row: int) -> str:
        sides = self.sides(row)
        return ", ".join(sides) if sides else OTHER

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        column = index.column()
        n = len(self._annotators)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return index.row() + 1
            if column == 1:
                return KIND_TEXT.get(d.kind, d.kind)
            if column == 2:
                return d.name if d.kind == "doc_label" else f"{d.layer or ''} [{d.start}, {d.end})"
            if 3 <= column < 3 + n:
                name = self._annotators[column - 3]
                if d.kind == "doc_label":
                    return d.values.get(name) or "—"
                spans = d.candidates.get(name, ())
                return _attrs(spans) if d.kind == "attrs" else _candidate(spans)
            return self.gold_text(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            return d.describe()
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 3 + n
            and not self.sides(index.row())
        ):
            return QColor("#b71c1c")  # gold agrees with nobody here: worth a look
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            columns = self.columns
            if section < 3 or section == len(columns) - 1:
                return columns[section]
            return f"{section - 2}: {columns[section]}"  # the key that takes this side
        return None
