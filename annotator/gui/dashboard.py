"""The agreement dashboard of review mode: the figures of the corpus and of one document.

Every number comes from :func:`annotator.agreement.compute_agreement` (the document's through
:func:`~annotator.gui.review_state.document_agreement`, the same function on a one-document
view of the corpus), so the app, ``annotator agree`` and the HTML report never disagree.
Tables are :class:`FigureTableModel` (a QAbstractTableModel over the result's rows) drawn
with :class:`BarDelegate`: a score cell is a bar as long as the value, with the number on it.

Figures are computed when the dashboard is brought up (:meth:`AgreementDashboard.refresh`),
and again at once when the document changes while it shows: nothing is measured while
nobody looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement import AgreementError, compute_agreement
from annotator.agreement.report import excluded_summary
from annotator.corpus import Corpus, CorpusError
from annotator.gui.review_state import document_agreement

Index = QModelIndex | QPersistentModelIndex
Kind = Literal["text", "count", "score"]
#: The role holding a cell's raw value (float, int, str or None): the delegate and tests read it.
VALUE_ROLE = Qt.ItemDataRole.UserRole
#: The role holding a cell's column kind: only "score" cells are drawn as bars.
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
#: The header's role holding its column's kind (the columns' widths depend on it).
KIND_HEADER_ROLE = KIND_ROLE
#: Score columns are at least this wide, however short their header and numbers.
MIN_BAR_WIDTH = 80
BAR_COLOR = QColor("#81c784")
LOW_COLOR = QColor("#e57373")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"


def _format(value: object, kind: Kind) -> str:
    if value is None:
        return "n/a" if kind == "score" else ""
    if kind == "score" and isinstance(value, float | int):
        return f"{value:.3f}"
    return str(value)


class FigureTableModel(QAbstractTableModel):
    """Rows are dicts (from compute_agreement's result); ``KEY_reason`` explains a None."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[dict[str, Any]] = []

    def set_rows(
        self, rows: Sequence[dict[str, Any]], columns: Sequence[Column] | None = None
    ) -> None:
        self.beginResetModel()
        if columns is not None:
            self.columns = list(columns)
        self._rows = [dict(r) for r in rows]
        self.endResetModel()

    def row(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def find(self, key: str, value: object) -> int | None:
        """The first row whose ``key`` is ``value``."""
        return next((i for i, r in enumerate(self._rows) if r.get(key) == value), None)

    def value(self, row: int, key: str) -> object:
        return self._rows[row].get(key)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        value = row.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return _format(value, column.kind)
        if role == VALUE_ROLE:
            return value
        if role == KIND_ROLE:
            return column.kind
        if role == Qt.ItemDataRole.ToolTipRole:
            reason = row.get(f"{column.key}_reason")
            if reason:
                return str(reason)
            return row.get("_tooltip")
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == KIND_HEADER_ROLE:
            return column.kind
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole header (a narrow column elides it) and what the figure measures.
            hint = HEADER_HINTS.get(column.key.split(".")[0])
            return f"{column.header}: {hint}" if hint else column.header
        return None


#: What a column measures, by its key (before any "."), shown in the header's tooltip.
HEADER_HINTS = {
    "f1_exact": "F1 of spans matching exactly (same label, same start and end)",
    "f1_overlap": "F1 of spans of the same label that overlap",
    "precision_exact": "precision of exact matches",
    "recall_exact": "recall of exact matches",
    "alpha_u": "Krippendorff's unitized alpha over the characters",
    "kappa": "chance-corrected agreement on each character's label, per layer",
    "n": "spans this annotator marked",
    "unmatched_spans": "spans with no exact match in the other annotation",
    "doc_labels_differing": "document labels (page type) the annotators set differently",
    "disputed_chars": "characters labelled differently",
    "chars": "characters in the document",
}


class BarDelegate(QStyledItemDelegate):
    """A score cell as a horizontal bar (0 to 1; a negative value as a short red bar)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        value = index.data(VALUE_ROLE)
        if index.data(KIND_ROLE) == "score" and isinstance(value, float | int):
            painter.save()
            if option.state & QStyle.StateFlag.State_Selected:  # type: ignore[operator]
                painter.fillRect(option.rect, option.palette.highlight())
            rect = option.rect.adjusted(2, 3, -2, -3)
            fraction = min(max(float(value), 0.0), 1.0)
            color = BAR_COLOR if value >= 0.5 else LOW_COLOR
            width = int(rect.width() * fraction) if value >= 0 else max(3, rect.width() // 20)
            painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), color)
            painter.setPen(option.palette.text().color())
            painter.drawText(
                option.rect.adjusted(4, 0, -4, 0),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{value:.3f}",
            )
            painter.restore()
            return
        super().paint(painter, option, index)


# --------------------------------------------------------------------------- result -> rows

OVERALL_COLUMNS = [Column("measure", "measure"), Column("value", "value", "score")]
SCORES = (
    ("f1_exact", "F1 exact"),
    ("f1_overlap", "F1 overlap"),
    ("precision_exact", "precision exact"),
    ("recall_exact", "recall exact"),
    ("alpha_u", "alpha_u"),
)
DISPUTED_COLUMNS = [
    Column("doc_id", "document"),
    Column("unmatched_spans", "unmatched spans", "count"),
    Column("doc_labels_differing", "doc labels differing", "count"),
    Column("disputed_chars", "disputed chars", "count"),
    Column("chars", "chars", "count"),
]


def overall_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Overall scores, character kappa per layer and document-label alpha, one row each."""
    overall = result["overall"]
    rows = []
    for key, title in SCORES:
        rows.append(
            {
                "measure": title,
                "key": key,
                "value": overall.get(key),
                "value_reason": overall.get(f"{key}_reason"),
            }
        )
    method = result.get("kappa_char_method", "")
    reasons = result.get("kappa_char_reasons", {})
    for layer, value in result.get("kappa_char", {}).items():
        rows.append(
            {
                "measure": f"kappa_char {layer} ({method})",
                "key": f"kappa_char.{layer}",
                "value": value,
                "value_reason": reasons.get(layer),
            }
        )
    for name, entry in result.get("doc_labels", {}).items():
        rows.append(
            {
                "measure": f"alpha {name} (document label)",
                "key": f"doc_labels.{name}",
                "value": entry.get("alpha"),
                "value_reason": entry.get("alpha_reason"),
            }
        )
    return rows


def label_columns(annotators: Sequence[str]) -> list[Column]:
    return [
        Column("label", "label"),
        Column("layer", "layer"),
        *[Column(f"n.{a}", f"n {a}", "count") for a in annotators],
        Column("f1_exact", "F1 exact", "score"),
        Column("f1_overlap", "F1 overlap", "score"),
        Column("alpha_u", "alpha_u", "score"),
    ]


def label_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per label somebody marked (as ``annotator agree`` prints them)."""
    rows = []
    for label, entry in result["labels"].items():
        if not any(entry["n"].values()):
            continue
        row = {k: v for k, v in entry.items() if k != "n"}
        row["label"] = label
        row.update({f"n.{a}": n for a, n in entry["n"].items()})
        rows.append(row)
    return rows


def pair_columns(layers: Sequence[str]) -> list[Column]:
    return [
        Column("a", "a"),
        Column("b", "b"),
        Column("f1_exact", "F1 exact", "score"),
        Column("f1_overlap", "F1 overlap", "score"),
        Column("alpha_u", "alpha_u", "score"),
        *[Column(f"kappa.{layer}", f"kappa {layer}", "score") for layer in layers],
    ]


def pair_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for pair in result["pairs"]:
        row: dict[str, Any] = {"a": pair["a"], "b": pair["b"], **pair["overall"]}
        row["alpha_u"] = pair.get("alpha_u")
        row["alpha_u_reason"] = pair.get("alpha_u_reason")
        for layer, value in pair.get("kappa_char", {}).items():
            row[f"kappa.{layer}"] = value
            row[f"kappa.{layer}_reason"] = pair.get("kappa_char_reasons", {}).get(layer)
        rows.append(row)
    return rows


def summary(result: dict[str, Any], what: str) -> str:
    names = ", ".join(result["annotators"])
    n = result["documents"]
    text = f"{what}: {names} on {n} document{'s' * (n != 1)} ({excluded_summary(result)})"
    if result.get("include_unfinished"):
        text += "; unfinished annotations count"
    if result["problems"]:
        text += f"; {len(result['problems'])} unusable file(s): {result['problems'][0]['path']}"
    return text


# --------------------------------------------------------------------------- widgets


def _table(model: QAbstractTableModel, parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setItemDelegate(BarDelegate(table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setDefaultSectionSize(90)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


class FiguresPane(QWidget):
    """The tables of one agreement result (the corpus's or one document's)."""

    def __init__(self, with_disputed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.overall_model = FigureTableModel(OVERALL_COLUMNS, self)
        self.label_model = FigureTableModel(label_columns([]), self)
        self.pair_model = FigureTableModel(pair_columns([]), self)
        self.disputed_model = FigureTableModel(DISPUTED_COLUMNS, self)
        self.overall_table = _table(self.overall_model, self, "overall_table")
        self.overall_table.setColumnWidth(0, 230)
        self.label_table = _table(self.label_model, self, "label_table")
        self.pair_table = _table(self.pair_model, self, "pair_table")
        self.disputed_table = _table(self.disputed_model, self, "disputed_table")
        self.disputed_table.setColumnWidth(0, 200)
        self.disputed_table.setToolTip("Double-click (or Return) opens the document")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.overall_table)
        splitter.addWidget(self.label_table)
        splitter.addWidget(self.pair_table)
        splitter.addWidget(self.disputed_table)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([330, 700, 400, 400])
        self.disputed_table.setVisible(with_disputed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_result(self, result: dict[str, Any], what: str) -> None:
        self.summary.setText(summary(result, what))
        self.overall_model.set_rows(overall_rows(result))
        self.label_model.set_rows(label_rows(result), label_columns(result["annotators"]))
        layers = list(result.get("kappa_char", {}))
        self.pair_model.set_rows(pair_rows(result), pair_columns(layers))
        # One pair is the overall figures again: the pair table only shows for three or more.
        self.pair_table.setVisible(len(result["annotators"]) > 2)
        self.disputed_model.set_rows(result.get("disputed", []))
        self.fit_columns()

    def tables(self) -> list[QTableView]:
        return [self.overall_table, self.label_table, self.pair_table, self.disputed_table]

    def fit_columns(self) -> None:
        """Every column as wide as its header and its cells: no header is elided ("F1 ex…");
        a table narrower than its columns scrolls sideways instead."""
        for table in self.tables():
            table.resizeColumnsToContents()
            model = table.model()
            for column in range(model.columnCount()):
                # A bar needs some length to be read against its neighbours.
                if model.headerData(column, Qt.Orientation.Horizontal, KIND_HEADER_ROLE) == "score":
                    table.setColumnWidth(column, max(table.columnWidth(column), MIN_BAR_WIDTH))

    def show_error(self, message: str) -> None:
        self.summary.setText(message)
        for model in (self.overall_model, self.label_model, self.pair_model, self.disputed_model):
            model.set_rows([])


class AgreementDashboard(QWidget):
    """Corpus and current-document agreement of the compared annotators."""

    #: A document to open (double-click in the most disputed documents).
    documentRequested = Signal(str)

    def __init__(
        self,
        corpus: Corpus,
        annotators: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agreement_dashboard")
        self.corpus = corpus
        self.annotators = list(annotators)
        self.doc_id: str | None = None
        #: The last results shown (tests compare them with compute_agreement's).
        self.corpus_result: dict[str, Any] | None = None
        self.document_result: dict[str, Any] | None = None
        self._corpus_stale = True
        self._document_stale = True

        self.include_unfinished = QCheckBox("include unfinished documents", self)
        self.include_unfinished.setToolTip(
            "Count documents not yet marked done by every compared annotator (corpus figures)"
        )
        self.include_unfinished.toggled.connect(lambda _on: self.invalidate(corpus=True))
        recompute = QPushButton("Recompute", self)
        recompute.setToolTip("Read the annotation files again and measure")
        recompute.clicked.connect(lambda: self.invalidate(corpus=True, document=True))
        top = QHBoxLayout()
        top.addWidget(self.include_unfinished)
        top.addStretch(1)
        top.addWidget(recompute)

        self.tabs = QTabWidget(self)
        self.corpus_pane = FiguresPane(True, self)
        self.document_pane = FiguresPane(False, self)
        self.tabs.addTab(self.corpus_pane, "Corpus")
        self.tabs.addTab(self.document_pane, "This document")
        self.corpus_pane.disputed_table.activated.connect(self._open_disputed)
        self.corpus_pane.disputed_table.doubleClicked.connect(self._open_disputed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    # ---- what to show

    def set_annotators(self, annotators: Sequence[str]) -> None:
        self.annotators = list(annotators)
        self.invalidate(corpus=True, document=True)

    def set_document(self, doc_id: str | None) -> None:
        if doc_id != self.doc_id:
            self.doc_id = doc_id
            self.invalidate(document=True)

    def showing(self) -> bool:
        """On screen: a dock tabbed behind another is "visible" to Qt but shows nothing."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def invalidate(self, corpus: bool = False, document: bool = False) -> None:
        """Mark figures out of date; recomputed now when showing, else at :meth:`refresh`."""
        self._corpus_stale |= corpus
        self._document_stale |= document
        if self.showing():
            self.refresh()

    def refresh(self) -> None:
        """Compute whatever is out of date (both the first time)."""
        if self._corpus_stale:
            self._corpus_stale = False
            self.refresh_corpus()
        if self._document_stale:
            self._document_stale = False
            self.refresh_document()

    def refresh_corpus(self) -> dict[str, Any] | None:
        try:
            result = compute_agreement(
                self.corpus, self.annotators, include_unfinished=self.include_unfinished.isChecked()
            )
        except (AgreementError, CorpusError) as exc:
            self.corpus_result = None
            self.corpus_pane.show_error(f"Corpus agreement not available: {exc}")
            return None
        self.corpus_result = result
        self.corpus_pane.show_result(result, "Corpus")
        return result

    def refresh_document(self) -> dict[str, Any] | None:
        if self.doc_id is None:
            self.document_result = None
            self.document_pane.show_error("No document open")
            return None
        try:
            result = document_agreement(self.corpus, self.doc_id, self.annotators)
        except (AgreementError, CorpusError) as exc:
            self.document_result = None
            self.document_pane.show_error(f"Agreement on {self.doc_id} not available: {exc}")
            return None
        self.document_result = result
        if result["documents"] == 0:
            reasons = "; ".join(e["reason"] for e in result["excluded"]) or "not annotated"
            self.document_pane.show_result(result, f"{self.doc_id} left out ({reasons})")
        else:
            self.document_pane.show_result(result, self.doc_id)
        return result

    def _open_disputed(self, index: QModelIndex) -> None:
        doc_id = self.corpus_pane.disputed_model.value(index.row(), "doc_id")
        if isinstance(doc_id, str):
            self.documentRequested.emit(doc_id)
