"""Moving between documents: opening one (after saving the current), next / previous in the
list as filtered, following the document list panel, and the done/total progress.
"""

from __future__ import annotations

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
            session = self.open_session(self.corpus, self.annotator, doc_id)
        except CorpusError as exc:
            self.message(f"Cannot open {doc_id}: {exc}", error=True)
            return False
        # Not ``current``: settling a conflict in the flush may have reloaded it.
        if self.editor.session is not None:
            self.editor.session.close()
        self.editor.show_session(session)
        return True

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
