"""The document as a whole: its document labels (page type), its status, "done, then next".

Marking a document done runs the scheme's rules in the session; when they fail, the problems
are listed in the document panel and :attr:`DocumentController.problemsShown` asks the window
to bring that panel to the front.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.gui.actions import ActionRegistry
from annotator.gui.doc_list import STATUS_TEXT
from annotator.gui.editor import DocumentEditor
from annotator.gui.navigation import DocumentNavigator
from annotator.model import STATUSES, Status


class DocumentController(QObject):
    #: Setting a status failed on problems, now listed in the document panel.
    problemsShown = Signal()

    def __init__(
        self, editor: DocumentEditor, navigator: DocumentNavigator, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.navigator = navigator
        self.message = editor.message

    def add_actions(self, registry: ActionRegistry) -> None:
        a = registry.add
        for i, status in enumerate(STATUSES, 1):
            a(f"Status: {STATUS_TEXT[status]}", [f"Ctrl+{i}"], lambda s=status: self.set_status(s), "Document")
        a("Done, then next document", ["Ctrl+Return", "Ctrl+Enter"], self.done_and_next, "Document")
        # Keys for the first document label only (page type): Alt+1..9 are its values.
        for definition in self.editor.scheme.doc_labels[:1]:
            for i, value in enumerate(definition.values[:9], 1):
                a(
                    f"{definition.name}: {value}",
                    [f"Alt+{i}"],
                    lambda n=definition.name, v=value: self.set_doc_label(n, v),
                    "Document",
                )

    def set_doc_label(self, name: str, value: str | None) -> None:
        self.editor.run(lambda s: s.set_doc_label(name, value))
        # Also when nothing changed: the panel's combo box goes back to the stored value.
        self.editor.refresh_doc_panel()

    def set_status(self, status: Status) -> bool:
        """Set the status; False (problems shown, status unchanged) when the rules refuse."""
        session = self.editor.session
        if session is None:
            return False
        try:
            change, problems = session.set_status(status)
        except self.editor.FAILURES as exc:
            self.editor.failed(exc)
            self.editor.refresh_doc_panel()
            return False
        if problems:
            self.editor.show_problems(problems)
            self.problemsShown.emit()
            self.message(
                f"Not done: {len(problems)} problem{'s' * (len(problems) != 1)} to fix first "
                f"(listed under Document): {problems[0].message}",
                error=True,
            )
            self.editor.refresh_doc_panel()
            return False
        self.editor.apply(change)
        self.editor.refresh_doc_panel()
        return True

    def done_and_next(self) -> None:
        """Ctrl+Return: done, then the next document not done yet: the queue's, for an
        annotator with a queue (whatever the list shows), else the list's."""
        if not self.set_status("done"):
            return
        if self.navigator.browser.has_queue:
            self.navigator.next_in_queue()
        else:
            self.navigator.step_document(1, lambda d: self.navigator.status_of(d) != "done")
