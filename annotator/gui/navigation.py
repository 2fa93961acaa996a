"""Moving between documents: opening one (after saving the current), next / previous in the
list as filtered, following the document list panel, and the done/total progress.

A document left keeps its undo history for the rest of the app session: its saved
:class:`DocumentSession` (annotation and History together) is kept, and taken up again when
the document is opened again, unless the file or the text changed on disk meanwhile (someone
else wrote it, or it was reloaded): then its history would undo into a state nobody saved, so
it is dropped and the file opened afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

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
        self.progress_label.setText(f"done {counts['done']}/{len(model.ids)}{more}")
