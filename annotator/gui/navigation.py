"""Moving between documents: opening one (after saving the current), next / previous in the
list as filtered, following the document list panel, and the done/total progress.

A document left keeps its undo history for the rest of the app session: its saved
:class:`DocumentSession` (annotation and History together) is kept, and taken up again when
the document is opened again, unless the file or the text changed on disk meanwhile (someone
else wrote it, or it was reloaded): then its history would undo into a state nobody saved, so
it is dropped and the file opened afresh.

An annotator with a queue in ``assignments.json`` (issue 13) starts on its next unfinished
document (:meth:`DocumentNavigator.first_document`), and "done, then next" follows the queue
(:meth:`DocumentNavigator.next_in_queue`) whatever the list shows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from annotator.assign import next_unfinished
from annotator.corpus import Corpus, CorpusError
from annotator.gui.actions import ActionRegistry
from annotator.gui.doc_browser import DocumentBrowser
from annotator.gui.editor import DocumentEditor
from annotator.session import DocumentSession

#: Opens one annotator's session on one document (review mode passes its own, for gold).
SessionFactory = Callable[[Corpus, str, str], DocumentSession]

#: How many left documents keep their undo history; the one left longest ago goes first.
#: Each holds its text and annotation in memory (a few KB for a page, MBs for a huge one).
KEPT_HISTORIES = 50


class DocumentNavigator(QObject):
    def __init__(
        self,
        editor: DocumentEditor,
        browser: DocumentBrowser,
        *,
        corpus: Corpus,
        annotator: str,
        open_session: SessionFactory,
        flush: Callable[[], bool],
        progress_label: QLabel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.browser = browser
        self.corpus = corpus
        self.annotator = annotator
        self.open_session = open_session
        # Saving is the persistence controller's: a document is left only once it is saved.
        self.flush = flush
        self.progress_label = progress_label
        self.message = editor.message
        #: Left documents with something to undo or redo, by id, the most recently left last.
        self._left: OrderedDict[str, DocumentSession] = OrderedDict()

    def add_actions(self, registry: ActionRegistry) -> None:
        registry.add("Next document", ["Ctrl+PgDown"], lambda: self.step_document(1), "Document")
        registry.add("Previous document", ["Ctrl+PgUp"], lambda: self.step_document(-1), "Document")
        registry.add("Document list: my queue or all documents", ["Ctrl+Shift+L"], self.toggle_queue, "Document")

    # ------------------------------------------------------------------ the queue

    def status_of(self, doc_id: str) -> str:
        """This annotator's status of ``doc_id`` (the list's, read once, kept up to date)."""
        return self.browser.model.info(doc_id, title=False).status

    def first_document(self, start_doc: str | None, last_doc: str | None) -> str | None:
        """The document to open at start: ``start_doc`` if the corpus has it (an explicit
        choice: a crash journal to restore, review mode's pick), else the queue's next
        unfinished document, else ``last_doc`` (the one open last time), else the first.
        Reports a plan that cannot be used, and a queue all done."""
        model = self.browser.model
        if self.browser.queue_problem:
            self.message(self.browser.queue_problem, error=True)
        first = start_doc if start_doc in model.row_of else None
        if first is None and model.queue:
            first = next_unfinished(model.queue, self.status_of)
            if first is None:
                self.message(f"Your queue is finished: all {len(model.queue)} documents assigned to you are done")
        if first is None:
            first = last_doc if last_doc in model.row_of else None
        if first is None and model.ids:
            first = model.ids[0]
        if first is not None and first not in model.queue_pos:
            # Opened outside the queue: the list shows where it is.
            self.browser.show_queue(False)
        return first

    def next_in_queue(self) -> bool:
        """Open the queue's next unfinished document after the open one (wrapping round to
        the ones passed over); when every other one is done, say so and stay. False when
        nothing was opened."""
        model = self.browser.model
        session = self.editor.session
        current = session.doc_id if session is not None else None
        doc_id = next_unfinished(model.queue, self.status_of, after=current)
        if doc_id is None:
            # Staying put, yet the work is finished: saved now, as leaving would have.
            self.flush()
            self.message(f"Your queue is finished: all {len(model.queue)} documents assigned to you are done")
            return False
        return self.open_document(doc_id)

    def toggle_queue(self) -> None:
        """Ctrl+Shift+L: the list shows the queue, or every document."""
        if not self.browser.has_queue:
            self.message(self.browser.queue_problem or "You have no queue in this corpus: the list shows every document")
            return
        self.browser.show_queue(not self.browser.showing_queue)

    def open_document(self, doc_id: str) -> bool:
        """Save the open document, then open ``doc_id``; False if it could not be opened."""
        current = self.editor.session
        if current is not None and doc_id == current.doc_id:
            return True
        if not self.flush():
            return False
        try:
            session = self._taken_up(doc_id) or self.open_session(self.corpus, self.annotator, doc_id)
        except CorpusError as exc:
            self.message(f"Cannot open {doc_id}: {exc}", error=True)
            return False
        # Not ``current``: settling a conflict in the flush may have reloaded it (a fresh
        # session then, with no history: nothing stale is kept).
        left = self.editor.session
        if left is not None:
            left.close()
            self._keep(left)
        self.editor.show_session(session)
        return True

    def kept_history(self, doc_id: str) -> DocumentSession | None:
        """The session kept for ``doc_id`` since it was left (None: none kept)."""
        return self._left.get(doc_id)

    def _keep(self, session: DocumentSession) -> None:
        """Keep a left session for its undo history: only a saved one (the flush before a
        switch saved it) with something to undo or redo, never a read-only one."""
        history = session.history
        if session.read_only or session.dirty or not (history.can_undo or history.can_redo):
            return
        # Its recovery was reported when it was first shown; coming back is no news.
        session.recovery = None
        self._left[session.doc_id] = session
        self._left.move_to_end(session.doc_id)
        while len(self._left) > KEPT_HISTORIES:
            self._left.popitem(last=False)

    def _taken_up(self, doc_id: str) -> DocumentSession | None:
        """The kept session of ``doc_id`` if it still matches the disk, else None (dropped)."""
        session = self._left.pop(doc_id, None)
        if session is None:
            return None
        try:
            same_text = self.corpus.read_text(doc_id) == session.text
            # disk_changed compares content (ADR 15): our own last save is no change.
            if same_text and not session.disk_changed():
                return session
        except (CorpusError, OSError):
            pass  # opened afresh, which reports the problem
        self.message(f"{doc_id} changed on disk since you left it: opened anew, without its undo history")
        return None

    def step_document(self, step: int, predicate: Callable[[str], bool] | None = None) -> bool:
        """Open the next (``step`` 1) or previous document in the list as filtered."""
        session = self.editor.session
        if session is None:
            return False
        rows = self.browser.proxy.rowCount()
        i = self.browser.row_of(session.doc_id)
        for _ in range(rows):
            i += step
            if not 0 <= i < rows:
                break
            doc_id = self.browser.doc_at(i)
            if predicate is None or predicate(doc_id):
                return self.open_document(doc_id)
        self.message("No more documents in this direction")
        return False

    def on_document_chosen(self, doc_id: str) -> None:
        """A row picked in the list; if it cannot open, the list goes back to the open one."""
        if not self.open_document(doc_id) and self.editor.session is not None:
            self.browser.select(self.editor.session.doc_id)

    def on_session_shown(self, session: DocumentSession) -> None:
        self.browser.select(session.doc_id)

    def show_progress(self) -> None:
        model = self.browser.model
        counts = model.counts()
        more = "" if model.statuses_complete else " (counting…)"
        queue = f"queue {model.queue_done()}/{len(model.queue)} · " if model.queue else ""
        self.progress_label.setText(f"{queue}done {counts['done']}/{len(model.ids)}{more}")
