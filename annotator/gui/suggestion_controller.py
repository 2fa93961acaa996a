"""Suggestions in the window: ghost spans drawn faintly, stepped through, accepted or rejected.

Which suggestion a key acts on is :class:`SuggestionCursor`'s call, among the suggestions
*shown*: pending ones (see ``DocumentSession.pending_suggestions``) of the layers the
annotator chose, none while suggestions are hidden (Ctrl+H). Both choices are view
settings, kept in the app's QSettings.

Accepting is a session edit applied through the :class:`DocumentEditor` (undoable, and
through the scheme's rules like marking by hand: what would break one is not added, and
the status bar says which and why). Rejecting hides the suggestion for this annotator for
good: it is written to the annotator's rejections file (:mod:`annotator.rejections`), read
back at every document opened, so it stays rejected across documents, restarts and new
runs of ``annotator suggest``.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction

from annotator.corpus import CorpusError
from annotator.gui.actions import ActionRegistry
from annotator.gui.editor import DocumentEditor
from annotator.gui.settings import settings
from annotator.gui.suggestions import SuggestionCursor, text_order
from annotator.gui.textview import SpanTextView
from annotator.model import Span
from annotator.rejections import add_rejections, load_rejections, rejected_ids
from annotator.session import DocumentSession

#: QSettings keys: whether the ghosts are drawn, and the layers whose ghosts are not.
VISIBLE_KEY = "suggestions/visible"
HIDDEN_LAYERS_KEY = "suggestions/hidden_layers"
TOGGLE_KEY = "Ctrl+H"


def _settings() -> QSettings:
    return settings()


class SuggestionController(QObject):
    def __init__(self, editor: DocumentEditor, view: SpanTextView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.view = view
        self.message = editor.message
        self.cursor = SuggestionCursor()
        store = _settings()
        self.visible = bool(store.value(VISIBLE_KEY, True, type=bool))
        hidden = str(store.value(HIDDEN_LAYERS_KEY, "") or "")
        self.hidden_layers = {name for name in hidden.split(",") if name}
        self.toggle_action: QAction | None = None
        #: Layer name -> its "Suggestions of layer ..." action.
        self.layer_actions: dict[str, QAction] = {}
        # What shown() returns, kept in step with each edit (an edit among 10,000 spans must
        # not re-ask about 1,000 suggestions): None when it must be computed again.
        self._shown: list[Span] | None = None
        self._shown_ids: set[str] = set()
        #: The open document's suggestions by place: an edit's ranges name the ones it may
        #: have marked or unmarked.
        self._by_place: dict[tuple[int, int], list[Span]] = {}
        self._places_of: list[Span] | None = None  # the list _by_place was built from

    def add_actions(self, registry: ActionRegistry) -> None:
        # Return, "." and "," mean something else in the side panels: keys of the text only.
        a, v = registry.add, self.view
        self.toggle_action = a(
            "Show suggestions", [TOGGLE_KEY], self._visibility_changed, "Suggestions",
            checkable=True, checked=self.visible,
        )
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
        for layer in self.editor.scheme.layers:
            act = a(
                f"Suggestions of layer {layer.name}", [], self._layers_changed, "Suggestions",
                checkable=True, checked=layer.name not in self.hidden_layers,
            )
            self.layer_actions[layer.name] = act

    # ------------------------------------------------------------------ what is shown

    def shown(self) -> list[Span]:
        """The suggestions drawn and acted on: pending, of a shown layer; none when hidden.

        In text order; the list is the controller's own (do not change it)."""
        if self._shown is None:
            self._shown = self._compute_shown()
            self._shown_ids = {g.id for g in self._shown}
        return self._shown

    def _compute_shown(self) -> list[Span]:
        session = self.editor.session
        if session is None or not self.visible:
            return []
        pending = session.pending_suggestions()
        if not self.hidden_layers:
            return pending
        return [g for g in pending if self._layer_shown(g)]

    def _layer_shown(self, ghost: Span) -> bool:
        layer = self.editor.scheme.layer_of(ghost.label)
        return layer is None or layer.name not in self.hidden_layers

    def _visibility_changed(self) -> None:
        assert self.toggle_action is not None
        self.visible = self.toggle_action.isChecked()
        _settings().setValue(VISIBLE_KEY, self.visible)
        self.cursor.clear()
        self.show_ghosts()
        session = self.editor.session
        left = len(session.pending_suggestions()) if session is not None else 0
        if self.visible:
            self.message(f"Suggestions shown ({len(self.shown())} on this document)")
        else:
            self.message(f"Suggestions hidden ({left} on this document; {TOGGLE_KEY} shows them)")

    def _layers_changed(self) -> None:
        self.hidden_layers = {name for name, act in self.layer_actions.items() if not act.isChecked()}
        _settings().setValue(HIDDEN_LAYERS_KEY, ",".join(sorted(self.hidden_layers)))
        self.cursor.clear()
        self.show_ghosts()

    # ------------------------------------------------------------------ following the editor

    def on_session_shown(self, session: DocumentSession) -> None:
        """A new document: load its suggestions, drop the ones this annotator rejected, draw."""
        self.cursor.clear()
        problems = session.load_suggestions()
        self._by_place = {}
        self._places_of = session.suggestions
        for ghost in session.suggestions:
            self._by_place.setdefault((ghost.start, ghost.end), []).append(ghost)
        if problems:
            self.message(f"Suggestions not shown: {problems[0]}", error=True)
        elif session.suggestions:
            try:
                record = load_rejections(session.corpus, session.annotator, session.doc_id, session.text)
            except CorpusError as exc:
                # Shown anyway: hiding every suggestion for a damaged file would be worse.
                self.message(f"Rejected suggestions not read: {exc}", error=True)
            else:
                session.rejected.update(rejected_ids(record, session.suggestions))
        self.show_ghosts()

    def on_spans_changed(self) -> None:
        """A span marked where a suggestion is makes it no longer pending (undone: pending
        again). Only the suggestions at the places the edit touched are looked at, and only
        those that came or went are redrawn."""
        session = self.editor.session
        if session is None or not session.suggestions:
            return
        change = self.editor.last_change
        if change is None or self._shown is None or session.suggestions is not self._places_of:
            self.show_ghosts()
            return
        candidates = {g.id: g for r in change.ranges for g in self._by_place.get(r, ())}
        if not candidates:
            return
        index, rejected = session.index, session.rejected
        came: list[Span] = []
        went: list[str] = []
        for ghost in candidates.values():
            now = (
                self.visible
                and ghost.id not in rejected
                and not index.has(ghost.label, ghost.start, ghost.end)
                and self._layer_shown(ghost)
            )
            if now and ghost.id not in self._shown_ids:
                came.append(ghost)
            elif not now and ghost.id in self._shown_ids:
                went.append(ghost.id)
        if not came and not went:
            return
        gone = set(went)
        shown = self._shown  # a list of our own (see shown()): changed in place, by bisect
        for ghost_id in went:
            ghost = candidates[ghost_id]
            i = bisect_left(shown, text_order(ghost), key=text_order)
            if i < len(shown) and shown[i].id == ghost_id:
                del shown[i]
        for ghost in came:
            insort(shown, ghost, key=text_order)
        self._shown_ids = (self._shown_ids - gone) | {g.id for g in came}
        self.view.update_ghost_spans(came, went)

    def show_ghosts(self) -> None:
        """Draw the shown suggestions anew (a new document, layers or visibility changed)."""
        self._shown = None
        self.view.set_ghost_spans(self.shown())

    def selection_moved(self, start: int, end: int) -> None:
        self.cursor.selection_moved(start, end)

    def forget(self) -> None:
        """No current suggestion (Escape)."""
        self.cursor.clear()

    # ------------------------------------------------------------------ commands

    def _none_here(self) -> None:
        if not self.visible:
            self.message(f"Suggestions are hidden ({TOGGLE_KEY} shows them)")
        else:
            self.message("No suggestion here ('.' goes to the next one)")

    def step(self, step: int, pos: int | None = None) -> Span | None:
        """Select the next (or previous) shown suggestion, in text order, from the current
        one, else from ``pos`` (default: the cursor)."""
        session = self.editor.session
        if session is None:
            return None
        shown = self.shown()
        target = self.cursor.step(shown, step, self.view.cursor_cp() if pos is None else pos)
        if target is None:
            if not self.visible:
                self._none_here()
            else:
                self.message("No suggestions left on this document")
            return None
        self.view.select_cp(target.start, target.end)
        excerpt = " ".join(target.text.split())[:40]
        self.message(
            f"Suggestion {target.label} {excerpt!r} ({len(shown)} left): Return accepts, "
            "Shift+Delete rejects, Ctrl+Shift+Return accepts all of its label"
        )
        return target

    def _target(self) -> Span | None:
        if self.editor.session is None:
            return None
        return self.cursor.target(self.shown(), self.view.cursor_cp())

    def _chosen(self, target: Span, all_of_label: bool) -> list[Span]:
        if not all_of_label:
            return [target]
        return [g for g in self.shown() if g.label == target.label]

    def accept(self, all_of_label: bool = False) -> None:
        session = self.editor.session
        target = self._target()
        if session is None or target is None:
            self._none_here()
            return
        try:
            result = session.accept_suggestions([g.id for g in self._chosen(target, all_of_label)])
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
        # On to the next suggestion after a plain accept: the selection moves there once
        # (each move of the selection costs a cursor update and its listeners).
        stepping = not all_of_label and not refused
        if not stepping:
            self.view.select_cp(target.end, target.end)
        self.editor.apply(result.change, current=new_ids[0] if len(new_ids) == 1 else None)
        n = len(new_ids)
        accepted = f"Accepted {n} {target.label} suggestion{'s' * (n != 1)}"
        if refused:
            self.message(f"{accepted}; {refused}", error=True)
        else:
            self.message(accepted)
        if stepping and not (self.shown() and self.step(1, pos=target.end)):
            self.view.select_cp(target.end, target.end)

    def reject(self, all_of_label: bool = False) -> None:
        session = self.editor.session
        target = self._target()
        if session is None or target is None:
            self._none_here()
            return
        chosen = self._chosen(target, all_of_label)
        count = session.reject_suggestions([g.id for g in chosen])
        self.cursor.clear()
        self.view.select_cp(target.end, target.end)
        self.show_ghosts()
        said = f"Rejected {count} {target.label} suggestion{'s' * (count != 1)}"
        remembered = self._remember(session, chosen)
        self.message(f"{said}{remembered}", error=bool(remembered))
        if self.shown() and not all_of_label:
            self.step(1)

    def _remember(self, session: DocumentSession, rejected: list[Span]) -> str:
        """Write the rejections to the annotator's file; "" when done, else why not."""
        if session.read_only:
            return " for this session only (the document is read-only)"
        try:
            add_rejections(session.corpus, session.annotator, session.doc_id, session.text, rejected)
        except (CorpusError, OSError) as exc:
            return f" for this session only: not remembered ({exc})"
        return ""
