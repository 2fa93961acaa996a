"""The document list panel: a text filter, a status filter and the table of documents.

It only tells which document the user picked (:attr:`DocumentBrowser.documentChosen`);
opening it is :class:`~annotator.gui.navigation.DocumentNavigator`'s job. Rows selected by
the program (the open document) and rows shown by a new filter are not picks.

An annotator with a queue in ``CORPUS/assignments.json`` gets a third filter, "My queue"
(the default: only their documents, in working order) or "All documents"; without a plan,
or with no queue for them in it, the filter is hidden and the list is as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.assign import load_assignments, queue_of
from annotator.corpus import Corpus, CorpusError
from annotator.gui.doc_list import STATUS_TEXT, DocumentFilter, DocumentListModel
from annotator.gui.tables import configure_table
from annotator.model import RESERVED_ANNOTATORS, STATUSES

#: A problem with the plan is shown in the status bar: one line, this long at most.
MAX_PROBLEM_CHARS = 300


def load_queue(
    corpus: Corpus, annotator: str, doc_ids: Collection[str] | None = None
) -> tuple[list[str], str | None]:
    """``annotator``'s queue from the corpus's plan, and the problem that kept it from being
    used (one line naming the file), if any. A broken plan must not keep anyone from
    working: they work without a queue until the lead fixes it."""
    if annotator in RESERVED_ANNOTATORS:
        return [], None  # gold (review mode) and suggestions have no queue
    try:
        return queue_of(load_assignments(corpus, doc_ids), annotator), None
    except (CorpusError, OSError, ValueError) as exc:
        problem = " ".join(str(exc).split())  # pydantic and orjson messages may hold newlines
        if len(problem) > MAX_PROBLEM_CHARS:
            problem = problem[: MAX_PROBLEM_CHARS - 1] + "…"
        return [], f"Working without a queue: {problem}"


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
        # The list's own ids: the plan is checked against them, not a second listing.
        queue, self.queue_problem = load_queue(corpus, annotator, self.model.row_of)
        self.model.set_queue(queue)

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
        self.queue_filter = QComboBox(self)
        self.queue_filter.setObjectName("queue_filter")
        self.queue_filter.setToolTip("Your queue from assignments.json, in working order, or every document")
        self.queue_filter.addItem(f"My queue ({len(self.model.queue)})", "queue")
        self.queue_filter.addItem("All documents", "all")
        self.queue_filter.currentIndexChanged.connect(
            lambda _i: self._filter(lambda: self.proxy.set_queue_only(self.queue_filter.currentData() == "queue"))
        )
        self.queue_filter.setVisible(self.has_queue)
        self.table = QTableView(self)
        self.table.setObjectName("doc_table")
        self.table.setModel(self.proxy)
        configure_table(self.table, {0: 150, 2: 80, 3: 50})
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.queue_filter)
        row.addWidget(self.status_filter)
        layout.addLayout(row)
        layout.addWidget(self.table)
        # The queue first; the combo box was built on "My queue" before it was connected.
        if self.has_queue:
            self._filter(lambda: self.proxy.set_queue_only(True))

    @property
    def has_queue(self) -> bool:
        return bool(self.model.queue)

    @property
    def showing_queue(self) -> bool:
        return self.proxy.queue_only

    def show_queue(self, on: bool) -> None:
        """Show only the queue (``on``) or every document; nothing without a queue."""
        if self.has_queue:
            self.queue_filter.setCurrentIndex(self.queue_filter.findData("queue" if on else "all"))

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
