"""Suggestions in the window: ghost spans drawn faintly, stepped through, accepted or rejected.

Which suggestion a key acts on is :class:`SuggestionCursor`'s call; accepting is a session
edit applied through the :class:`DocumentEditor` (so it is undoable), rejecting only hides
the suggestion for this annotator.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from annotator.gui.actions import ActionRegistry
from annotator.gui.editor import DocumentEditor
from annotator.gui.suggestions import SuggestionCursor
from annotator.gui.textview import SpanTextView
from annotator.model import Span
from annotator.session import DocumentSession


class SuggestionController(QObject):
    def __init__(self, editor: DocumentEditor, view: SpanTextView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.view = view
        self.message = editor.message
        self.cursor = SuggestionCursor()

    def add_actions(self, registry: ActionRegistry) -> None:
        # Return, "." and "," mean something else in the side panels: keys of the text only.
        a, v = registry.add, self.view
        a("Next suggestion", ["."], lambda: self.step(1), "Suggestions", widget=v)
        a("Previous suggestion", [","], lambda: self.step(-1), "Suggestions", widget=v)
        a("Accept the suggestion", ["Return", "Enter"], self.accept, "Suggestions", widget=v)
        a("Reject the suggestion", ["Shift+Delete"], self.reject, "Suggestions", widget=v)
        a(
            "Accept all suggestions of its label", ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"],
            lambda: self.accept(all_of_label=True), "Suggestions", widget=v,
        )
        a(
            "Reject all suggestions of its label", ["Ctrl+Shift+Delete"],
            lambda: self.reject(all_of_label=True), "Suggestions", widget=v,
        )

    # ------------------------------------------------------------------ following the editor

    def on_session_shown(self, session: DocumentSession) -> None:
        """A new document: load its suggestions and draw them."""
        self.cursor.clear()
        problems = session.load_suggestions()
        if problems:
            self.message(f"Suggestions not shown: {problems[0]}", error=True)
        self.show_ghosts()

    def on_spans_changed(self) -> None:
        # A marked span may cover a suggestion, which then is no longer pending.
        session = self.editor.session
        if session is not None and session.suggestions:
            self.show_ghosts()

    def show_ghosts(self) -> None:
        session = self.editor.session
        self.view.set_ghost_spans(session.pending_suggestions() if session else [])

    def selection_moved(self, start: int, end: int) -> None:
        self.cursor.selection_moved(start, end)

    def forget(self) -> None:
        """No current suggestion (Escape)."""
        self.cursor.clear()

    # ------------------------------------------------------------------ commands

    def step(self, step: int) -> Span | None:
        """Select the next (or previous) pending suggestion, in text order."""
        session = self.editor.session
        if session is None:
            return None
        target = self.cursor.step(session, step, self.view.cursor_cp())
        if target is None:
            self.message("No suggestions left on this document")
            return None
        self.view.select_cp(target.start, target.end)
        excerpt = " ".join(target.text.split())[:40]
        left = len(session.pending_suggestions())
        self.message(
            f"Suggestion {target.label} {excerpt!r} ({left} left): Return accepts, "
            "Shift+Delete rejects, Ctrl+Shift+Return accepts all of its label"
        )
        return target

    def _target(self) -> Span | None:
        session = self.editor.session
        if session is None:
            return None
        return self.cursor.target(session, self.view.cursor_cp())

    def _ids(self, session: DocumentSession, target: Span, all_of_label: bool) -> list[str]:
        if not all_of_label:
            return [target.id]
        return [g.id for g in session.pending_suggestions() if g.label == target.label]

    def accept(self, all_of_label: bool = False) -> None:
        session = self.editor.session
        target = self._target()
        if session is None or target is None:
            self.message("No suggestion here ('.' goes to the next one)")
            return
        try:
            result = session.accept_suggestions(self._ids(session, target, all_of_label))
        except self.editor.FAILURES as exc:
            self.editor.failed(exc)
            return
        if result is None:
            return
        refused = result.refused_text()
        if result.change is None:
            # Every one would break a rule (ADR 0013): nothing added, the reasons said.
            self.message(f"Nothing accepted: {refused}", error=True)
            return
        new_ids = result.new_ids
        self.cursor.clear()
        self.view.select_cp(target.end, target.end)
        self.editor.apply(result.change, current=new_ids[0] if len(new_ids) == 1 else None)
        n = len(new_ids)
        accepted = f"Accepted {n} {target.label} suggestion{'s' * (n != 1)}"
        if refused:
            self.message(f"{accepted}; {refused}", error=True)
        else:
            self.message(accepted)
        if session.pending_suggestions() and not all_of_label and not refused:
            self.step(1)

    def reject(self, all_of_label: bool = False) -> None:
        session = self.editor.session
        target = self._target()
        if session is None or target is None:
            self.message("No suggestion here ('.' goes to the next one)")
            return
        count = session.reject_suggestions(self._ids(session, target, all_of_label))
        self.cursor.clear()
        self.view.select_cp(target.end, target.end)
        self.show_ghosts()
        self.message(f"Rejected {count} {target.label} suggestion{'s' * (count != 1)}")
        if session.pending_suggestions() and not all_of_label:
            self.step(1)
