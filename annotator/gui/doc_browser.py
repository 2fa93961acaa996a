"""The document list panel: a text filter, a status filter and the table of documents.

It only tells which document the user picked (:attr:`DocumentBrowser.documentChosen`);
opening it is :class:`~annotator.gui.navigation.DocumentNavigator`'s job. Rows selected by
the program (the open document) and rows shown by a new filter are not picks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.corpus import Corpus
from annotator.gui.doc_list import STATUS_TEXT, DocumentFilter, DocumentListModel
from annotator.gui.tables import configure_table
from annotator.model import STATUSES


class DocumentBrowser(QWidget):
    #: The user moved to another row: its document id.
    documentChosen = Signal(str)

    def __init__(self, corpus: Corpus, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(corpus, annotator, self)
        self.proxy = DocumentFilter(self)
        self.proxy.setSourceModel(self.model)
        #: The open document, re-selected whenever a filter shows other rows.
        self.current: str | None = None
        self._switching = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("doc_filter")
        self.filter_edit.setPlaceholderText("filter by id or title")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda t: self._filter(lambda: self.proxy.set_text(t)))
        self.status_filter = QComboBox(self)
        self.status_filter.addItem("all", None)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_TEXT[status], status)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self._filter(lambda: self.proxy.set_status(self.status_filter.currentData()))
        )
        self.table = QTableView(self)
        self.table.setObjectName("doc_table")
        self.table.setModel(self.proxy)
        configure_table(self.table, {0: 150, 2: 80, 3: 50})
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.status_filter)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def select(self, doc_id: str) -> None:
        """Show ``doc_id`` as the open document (selected, scrolled to), without picking it."""
        self.current = doc_id
        row = self.model.row_of.get(doc_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return
        self._switching = True
        try:
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
        finally:
            self._switching = False

    def doc_at(self, row: int) -> str:
        """The document id of ``row`` of the list as filtered."""
        return str(self.proxy.data(self.proxy.index(row, 0), Qt.ItemDataRole.UserRole))

    def row_of(self, doc_id: str) -> int:
        """``doc_id``'s row in the list as filtered; -1 when it is filtered out or unknown."""
        row = self.model.row_of.get(doc_id)
        return self.proxy.mapFromSource(self.model.index(row, 0)).row() if row is not None else -1

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _filter(self, change_filter: Callable[[], None]) -> None:
        """Filtering shows other rows; it must not open another document."""
        self._switching = True
        try:
            change_filter()
        finally:
            self._switching = False
        if self.current is not None:
            self.select(self.current)

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._switching or not current.isValid():
            return
        doc_id = self.proxy.data(current, Qt.ItemDataRole.UserRole)
        if doc_id:
            self.documentChosen.emit(str(doc_id))
