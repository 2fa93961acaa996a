"""The document list: a table model over the corpus listing, filled lazily.

Opening a corpus of 100,000 documents must be instant, so the model starts from
``corpus.doc_ids()`` (one directory scan) and ``annotated_ids`` (one more) only. Each row's
title, status and span count are read the first time the row is shown, and a background
fill (a timer, a few hundred rows per tick) reads the rest: first the annotator's own files
(for the status filter and the progress count), then the titles (for the text filter).

An annotator with a queue in ``assignments.json`` (issue 13) sees it first:
:class:`DocumentFilter` can show only the queue, in the queue's working order (a sort by
queue position over the queue's rows only; the whole corpus keeps the source order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)

from annotator.corpus import Corpus
from annotator.model import STATUSES

Index = QModelIndex | QPersistentModelIndex

STATUS_TEXT = {"todo": "todo", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


@dataclass
class DocInfo:
    status: str = "todo"
    spans: int = 0
    title: str | None = None  # None: not read yet
    broken: bool = False


class DocumentListModel(QAbstractTableModel):
    """Rows: the corpus's documents. Columns: id, title, status, spans."""

    COLUMNS = ("id", "title", "status", "spans")
    #: Emitted when the count of documents per status may have changed.
    progressChanged = Signal()

    def __init__(self, corpus: Corpus, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.corpus = corpus
        self.annotator = annotator
        self.ids = corpus.doc_ids()
        self.row_of = {doc_id: row for row, doc_id in enumerate(self.ids)}
        self._annotated = corpus.annotated_ids(annotator)
        self._status_read: set[str] = set()
        self._info: dict[str, DocInfo] = {}
        # The fill works through these queues from the front; both are cheap to build.
        self._status_queue = [d for d in self.ids if d in self._annotated]
        self._title_queue_pos = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._fill_some)
        #: The annotator's queue in working order (empty: no queue), and each one's place.
        self.queue: list[str] = []
        self.queue_pos: dict[str, int] = {}

    def set_queue(self, queue: Sequence[str]) -> None:
        """The annotator's queue; documents the corpus does not have are left out."""
        self.queue = [d for d in dict.fromkeys(queue) if d in self.row_of]
        self.queue_pos = {d: i for i, d in enumerate(self.queue)}
        self.progressChanged.emit()

    # ---- reading

    def info(self, doc_id: str, *, title: bool = True) -> DocInfo:
        info = self._info.get(doc_id)
        if info is None:
            info = self._info[doc_id] = DocInfo()
        if doc_id not in self._status_read:
            self._read_status(doc_id, info)
        if title and info.title is None:
            info.title = self._read_title(doc_id)
        return info

    def _read_status(self, doc_id: str, info: DocInfo) -> None:
        self._status_read.add(doc_id)
        if doc_id not in self._annotated:
            return
        try:
            data = orjson.loads(self.corpus.annotation_path(self.annotator, doc_id).read_bytes())
            status = data.get("status", "todo")
            info.status = status if status in STATUSES else "todo"
            info.spans = len(data.get("spans") or ())
        except (OSError, orjson.JSONDecodeError, AttributeError, TypeError):
            info.broken = True

    def _read_title(self, doc_id: str) -> str:
        # orjson and one key, not the pydantic model: this runs for every row in the fill.
        try:
            data = orjson.loads(self.corpus.meta_path(doc_id).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return ""
        if not isinstance(data, dict):
            return ""
        title = data.get("title") or (data.get("html_meta") or {}).get("title") or ""
        if not title:
            title = self._first_line(doc_id)
        return " ".join(str(title).split())

    def _first_line(self, doc_id: str) -> str:
        """A plain-text import has no title: show its first line (reads 1 KB, not the text)."""
        try:
            with open(self.corpus.text_path(doc_id), "rb") as handle:
                head = handle.read(1024).decode("utf-8", errors="ignore")
        except OSError:
            return ""
        return next((line.strip() for line in head.split("\n") if line.strip()), "")[:200]

    def title_loaded(self, doc_id: str) -> str | None:
        info = self._info.get(doc_id)
        return info.title if info else None

    # ---- background fill

    def start_fill(self) -> None:
        self._timer.start()

    @property
    def filling(self) -> bool:
        return self._timer.isActive()

    @property
    def statuses_complete(self) -> bool:
        return not self._status_queue

    def fill_all(self) -> None:
        """Read everything now (tests, small corpora)."""
        while self._fill_some(10_000):
            pass

    def _fill_some(self, budget: int = 300) -> bool:
        """Read up to ``budget`` rows; False when everything is read."""
        if self._status_queue:
            chunk, self._status_queue = self._status_queue[:budget], self._status_queue[budget:]
            for doc_id in chunk:
                self.info(doc_id, title=False)
            self._rows_changed(chunk)
            if not self._status_queue:
                self.progressChanged.emit()
            return True
        if self._title_queue_pos < len(self.ids):
            start = self._title_queue_pos
            stop = min(len(self.ids), start + budget)
            for doc_id in self.ids[start:stop]:
                self.info(doc_id)
            self._title_queue_pos = stop
            self.dataChanged.emit(self.index(start, 1), self.index(stop - 1, 1))
            return True
        self._timer.stop()
        return False

    def _rows_changed(self, doc_ids: list[str]) -> None:
        rows = sorted(self.row_of[d] for d in doc_ids)
        if rows:
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], self.columnCount() - 1))

    # ---- updates from the open document

    def update_doc(self, doc_id: str, status: str, spans: int) -> None:
        # Straight from the open session: never re-read (and re-parse) its file here.
        info = self._info.get(doc_id)
        if info is None:
            info = self._info[doc_id] = DocInfo()
        self._status_read.add(doc_id)
        self._annotated.add(doc_id)
        old = info.status
        info.status, info.spans, info.broken = status, spans, False
        row = self.row_of.get(doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 2), self.index(row, 3))
        if old != status:
            self.progressChanged.emit()

    def counts(self) -> dict[str, int]:
        """Documents per status for this annotator (files not read yet count as todo)."""
        counts = dict.fromkeys(STATUSES, 0)
        counts["todo"] = len(self.ids)
        for doc_id in self._annotated:
            info = self._info.get(doc_id)
            if info is not None and doc_id in self._status_read and info.status != "todo":
                counts[info.status] += 1
                counts["todo"] -= 1
        return counts

    def queue_done(self) -> int:
        """Documents of the queue done (like :meth:`counts`, files not read yet are not)."""
        done = 0
        for doc_id in self.queue:
            info = self._info.get(doc_id)
            if info is not None and doc_id in self._status_read and info.status == "done":
                done += 1
        return done

    # ---- Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        doc_id = self.ids[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return doc_id
            info = self.info(doc_id, title=column == 1)
            if column == 1:
                return info.title
            if column == 2:
                return "broken" if info.broken else STATUS_TEXT.get(info.status, info.status)
            return info.spans
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return self.info(doc_id).title
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return doc_id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None


class DocumentFilter(QSortFilterProxyModel):
    """Filter by this annotator's status and by text in the id or (once read) the title;
    optionally only the annotator's queue, in queue order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status: str | None = None
        self._text = ""
        self._queue_only = False

    @property
    def queue_only(self) -> bool:
        return self._queue_only

    def set_queue_only(self, on: bool) -> None:
        self.beginFilterChange()
        self._queue_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        # The queue is shown in working order (sorted by queue position, see lessThan); the
        # whole corpus in the source's order (column -1: no sort, nothing compared).
        self.sort(0 if on else -1)

    def set_status(self, status: str | None) -> None:
        self.beginFilterChange()
        self._status = status or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, DocumentListModel)
        doc_id = model.ids[row]
        if self._queue_only and doc_id not in model.queue_pos:
            return False
        if self._status is not None and model.info(doc_id, title=False).status != self._status:
            return False
        if self._text:
            # Titles not read yet do not match; the fill reads them and the proxy re-checks
            # the rows as their dataChanged arrives.
            title = model.title_loaded(doc_id) or ""
            return self._text in doc_id.casefold() or self._text in title.casefold()
        return True

    def lessThan(self, left: Index, right: Index) -> bool:
        # Sorting runs only while the queue is shown (set_queue_only): queue positions.
        model = self.sourceModel()
        assert isinstance(model, DocumentListModel)
        pos = model.queue_pos
        return pos.get(model.ids[left.row()], -1) < pos.get(model.ids[right.row()], -1)
