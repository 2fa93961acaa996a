"""The open document on screen: its :class:`DocumentSession`, the current span, and the views.

Every controller edits through :meth:`DocumentEditor.run` (or hands a session's result to
:meth:`DocumentEditor.apply`), so every view refreshes from the :class:`Change` the core
returns, in one place and in one order. The editor knows nothing about saving, suggestions or
the document list: it announces what happened with signals the main window wires to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QTableView, QWidget

from annotator.corpus import CorpusError
from annotator.edits import Change, EditError, EditNotSaved
from annotator.gui.actions import ActionRegistry
from annotator.gui.attr_editor import AttributeEditor
from annotator.gui.doc_list import DocumentListModel
from annotator.gui.doc_panel import DocumentPanel
from annotator.gui.idle_refresh import IdleRefresh, Panel
from annotator.gui.span_table import SpanTableModel
from annotator.gui.textview import SpanTextView
from annotator.model import LabelScheme
from annotator.rules import CLEAN_CUTS, Problem
from annotator.session import DocumentSession

#: The clean text and the problems are recomputed after this pause, not per keystroke.
PREVIEW_MS = 300

#: A session call that edits: returns what changed (None: nothing did).
Edit = Callable[[DocumentSession], Change | None]


class Notify(Protocol):
    """Tell the user something (the window's status bar and message log)."""

    def __call__(self, text: str, error: bool = False) -> None: ...


def _on_screen(widget: QWidget) -> bool:
    # Tabbed behind another dock, a panel is still isVisible() but has nothing on screen.
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class DocumentEditor(QObject):
    #: A session is now on screen (opened, or reloaded from disk). Emitted after the text and
    #: span views took it and before the document panel, the messages about it and
    #: :attr:`documentOpened`, so that listeners' messages come in the order they always did.
    sessionShown = Signal(object)
    #: The spans changed; emitted mid-refresh, before the current span is restored, so the
    #: ghost spans are redrawn against the new spans (:attr:`last_change` says what changed).
    spansChanged = Signal()
    #: An edit was applied and the views refreshed: schedule the save, update the title.
    applied = Signal()
    #: After :attr:`applied`: everything, title included, shows the edit (review mode follows).
    edited = Signal()
    #: Last thing when a session is shown: its document id.
    documentOpened = Signal(str)
    #: An edit moved a done document back to "in progress"; its problems are listed in the
    #: document panel (the window brings that panel to the front).
    reopened = Signal()

    #: What an edit may raise that the user must be told about instead of a traceback: a
    #: refused edit, one taken back because it could not be journaled (disk full), a file
    #: that cannot be read or written.
    FAILURES = (EditError, CorpusError, OSError)

    def __init__(
        self,
        scheme: LabelScheme,
        *,
        view: SpanTextView,
        span_model: SpanTableModel,
        span_table: QTableView,
        attr_editor: AttributeEditor,
        doc_panel: DocumentPanel,
        preview: QPlainTextEdit,
        doc_model: DocumentListModel,
        message: Notify,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.scheme = scheme
        self.view = view
        self.span_model = span_model
        self.span_table = span_table
        self.attr_editor = attr_editor
        self.doc_panel = doc_panel
        self.preview = preview
        self.doc_model = doc_model
        self.message = message
        self.session: DocumentSession | None = None
        self.current_span: str | None = None
        #: The change being applied (while :attr:`spansChanged` is emitted), None otherwise.
        self.last_change: Change | None = None
        self.undo_action: QAction | None = None
        self.redo_action: QAction | None = None
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(PREVIEW_MS)
        self._refresh_timer.timeout.connect(self._refresh_visible)
        #: The panels repaint (and the document list counts) in idle slices after an edit,
        #: so the text shows it first (issue #11); see :mod:`annotator.gui.idle_refresh`.
        self.idle = IdleRefresh(self)
        #: What an edit holds from painting until then: the panels every edit may change
        #: (the window adds its status bar). The span list's rows, then its header and
        #: scroll bar (a row inserted repaints all three): the rows alone are a slice.
        self.held_on_edit: list[Panel] = [
            (span_table.viewport(),),
            (span_table.horizontalHeader().viewport(), span_table.verticalScrollBar()),
            (attr_editor,),
        ]
        #: And an edit of the status or the document labels (the window adds the list's rows).
        self.held_on_status: list[Panel] = [(doc_panel,)]
        # The clean text and the problems cost a pass over the whole document: computed only
        # for a panel on screen; a hidden one is marked stale and filled when it is shown.
        self._preview_stale = False
        self._problems_stale = False
        self._check_problems = True
        self._warning: QMessageBox | None = None
        #: Set while the editor itself moves the span list's selection (or the list's rows
        #: change under it): only the user's moves make a span current.
        self._moving_row = False
        # Arrow keys in the span list make the span under the selection current as it moves,
        # not only on Enter. (The table shows the span model: set here if not yet, since the
        # selection model to follow is the one that comes with it.)
        if span_table.model() is not span_model:
            span_table.setModel(span_model)
        span_table.selectionModel().currentRowChanged.connect(self._on_row_moved)
        preview.installEventFilter(self)
        doc_panel.installEventFilter(self)

    def add_actions(self, registry: ActionRegistry) -> None:
        self.undo_action = registry.add("Undo", ["Ctrl+Z"], self.undo, "Edit")
        self.redo_action = registry.add("Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.redo, "Edit")

    # ------------------------------------------------------------------ showing a session

    def show_session(self, session: DocumentSession) -> None:
        """Put ``session`` on screen in every view (a new document, or one reloaded)."""
        # An attribute still being typed belongs to the session on screen until now.
        self.attr_editor.commit_pending()
        # The previous document's panels catch up first (its count in the document list).
        self.idle.flush()
        self.session = session
        self.current_span = None
        self.view.set_document(session.text, session.spans, self.scheme)
        self._moving_row = True
        try:
            self.span_model.set_spans(session.spans)
        finally:
            self._moving_row = False
        self.attr_editor.set_span(None)
        self.sessionShown.emit(session)
        self.refresh_doc_panel()
        # A file that loaded has passed every check already: no need to check it again.
        self.refresh_slow_panels(check=False)
        self._update_history_actions()
        if session.recovery is not None:
            self.message(session.recovery.message)
        if session.load_problems:
            self.message(
                f"{session.path} failed to load and is shown read-only (never overwritten): "
                + "; ".join(p.message for p in session.load_problems[:3]),
                error=True,
            )
        elif session.read_only_reason is not None:
            self.message(f"{session.doc_id} is shown read-only: {session.read_only_reason}", error=True)
        if not session.read_only:
            self.doc_model.update_doc(session.doc_id, session.annotation.status, len(session.spans))
        self.documentOpened.emit(session.doc_id)

    def pause_refresh(self) -> None:
        """Closing: the delayed preview and problems are not worth computing any more."""
        self._refresh_timer.stop()
        self.idle.flush()

    # ------------------------------------------------------------------ editing

    def run(self, action: Edit, current: str | None = None) -> Change | None:
        """Run one session edit, show an error instead of raising, refresh."""
        if self.session is None:
            return None
        try:
            change = action(self.session)
        except self.FAILURES as exc:
            self.failed(exc)
            return None
        self.apply(change, current)
        return change

    def failed(self, exc: BaseException) -> None:
        """Tell the user why an edit did not happen (nothing changed on screen)."""
        if isinstance(exc, EditNotSaved):
            # Not a refusal but a fault the user must act on (free some space): say it
            # loudly, without blocking the window (the box is not modal).
            self.message(str(exc), error=True)
            box = QMessageBox(
                QMessageBox.Icon.Warning, "Change not saved", str(exc), parent=self.view.window()
            )
            box.setModal(False)
            box.show()
            self._warning = box
        elif isinstance(exc, OSError) and not isinstance(exc, EditError):
            self.message(f"Not done: {exc.strerror or exc}", error=True)
        else:
            self.message(str(exc), error=True)

    def apply(self, change: Change | None, current: str | None = None) -> None:
        """Refresh every view from what the edit reports; ``current`` becomes the current span."""
        session = self.session
        if change is None or session is None:
            return
        # The panels follow below but paint after the text (one catch-up for a burst of keys).
        self.idle.hold(*self.held_on_edit)
        if change.status or change.doc_labels or session.reopened:
            self.idle.hold(*self.held_on_status)
        if change.spans_changed:
            # Before the span list follows the change: it still knows the removed spans.
            if self._touches_clean_text(change):
                self._preview_stale = True
            self.view.update_spans(session.spans, change)
            # A removed row moves the list's current row to a neighbour: not the user's move.
            self._moving_row = True
            try:
                self.span_model.refresh(session.spans, change, session.span)
            finally:
                self._moving_row = False
            self.last_change = change
            try:
                self.spansChanged.emit()
            finally:
                self.last_change = None
        if current is not None:
            self.set_current_span(current)
        elif self.current_span is not None and session.span(self.current_span) is None:
            self.set_current_span(None)
        elif self.current_span in change.modified:
            self.attr_editor.set_span(session.span(self.current_span))
            self._select_span_row(self.current_span)
        if change.doc_labels or change.status:
            self.refresh_doc_panel()
        if change.status or session.reopened:
            # A status moves the progress counts: shown with the edit.
            self._update_doc_list()
        else:
            # Only the span count in the list: when idle.
            self.idle.later("doc_list", self._update_doc_list)
        # The problems after a pause (every edit restarts it: one check for a burst of keys).
        self._problems_stale = True
        self._check_problems = True
        self._refresh_timer.start()
        if session.reopened:
            # The session moved a done document back to "in progress" (ADR 0013): say why.
            problems = session.reopened
            self.show_problems(problems)
            self.reopened.emit()
            n = len(problems)
            self.message(
                f"Back to in progress: this change breaks {n} rule{'s' * (n != 1)} "
                f"(listed under Document; Ctrl+Z undoes it): {problems[0].message}",
                error=True,
            )
        self._update_history_actions()
        self.applied.emit()
        self.edited.emit()

    def _update_doc_list(self) -> None:
        """The open document's row of the document list: its status and span count now."""
        session = self.session
        if session is not None:
            self.doc_model.update_doc(session.doc_id, session.annotation.status, len(session.spans))

    def undo(self) -> None:
        if self.session is None:
            return
        try:
            change = self.session.undo()
        except self.FAILURES as exc:
            self.failed(exc)
            return
        if change is None:
            self.message("Nothing to undo")
        self.apply(change)

    def redo(self) -> None:
        if self.session is None:
            return
        try:
            change = self.session.redo()
        except self.FAILURES as exc:
            self.failed(exc)
            return
        if change is None:
            self.message("Nothing to redo")
        self.apply(change)

    def _update_history_actions(self) -> None:
        """The Undo and Redo menu entries name what they would undo or redo."""
        session = self.session
        if session is None or self.undo_action is None or self.redo_action is None:
            return
        history = session.history
        self.undo_action.setText("Undo" + (f" {history.undo_text}" if history.can_undo else ""))
        self.redo_action.setText("Redo" + (f" {history.redo_text}" if history.can_redo else ""))

    # ------------------------------------------------------------------ the current span

    def set_current_span(self, span_id: str | None) -> None:
        session = self.session
        span = session.span(span_id) if session and span_id else None
        self.current_span = span.id if span else None
        self.view.set_current_span(self.current_span)
        self.attr_editor.set_span(span, read_only=bool(session and session.read_only))
        self._select_span_row(self.current_span)

    def _select_span_row(self, span_id: str | None) -> None:
        row = self.span_model.row_of(span_id)
        selection = self.span_table.selectionModel()
        self._moving_row = True
        try:
            if row is None:
                selection.clearSelection()
                return
            index = self.span_model.index(row, 0)
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._moving_row = False
        self.span_table.scrollTo(index)

    def _on_row_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The span list's current row moved (arrow keys, Page Down, a click): its span
        becomes current as the selection goes, the text following it."""
        if self._moving_row or not current.isValid():
            return
        span = self.span_model.span_at(current.row())
        if span is not None and span.id != self.current_span:
            self.on_span_row(current)

    def on_span_row(self, index: QModelIndex) -> None:
        """A click in the span list: that span becomes current, the cursor goes to its start."""
        span = self.span_model.span_at(index.row())
        if span is not None:
            self.set_current_span(span.id)
            self.view.select_cp(span.start, span.start)

    def on_problem(self, span_id: str) -> None:
        """A problem in the document panel names a span: make it current."""
        if self.session and self.session.span(span_id):
            self.set_current_span(span_id)

    # ------------------------------------------------------------------ the document panel

    def refresh_doc_panel(self) -> None:
        if self.session is not None:
            self.doc_panel.show_annotation(self.session.annotation, self.session.read_only)

    def _touches_clean_text(self, change: Change) -> bool:
        """Whether ``change`` added, removed or changed a span the clean text depends on
        (an article, or a span cut out of one): else the preview is still right."""
        session = self.session
        if session is None:
            return False
        for span_id in change.added | change.modified | change.removed:
            for span in (session.span(span_id), self.span_model.span(span_id)):
                if span is not None and (span.label == "article" or span.label in CLEAN_CUTS):
                    return True
        return False

    def refresh_slow_panels(self, check: bool = True) -> None:
        """The clean text and the problems: recomputed after a pause, not per keystroke.

        Only the panels on screen are recomputed; the others when they are shown (see
        :meth:`eventFilter`). ``check`` False: show the load problems (a file that loaded
        has passed every check already).
        """
        self._preview_stale = self._problems_stale = True
        self._check_problems = check
        self._refresh_visible()

    def _refresh_visible(self) -> None:
        session = self.session
        if session is None:
            return
        if self._preview_stale and _on_screen(self.preview):
            self._preview_stale = False
            self.preview.setPlainText(session.clean_preview())
        if self._problems_stale and _on_screen(self.doc_panel):
            self._problems_stale = False
            if session.read_only or not self._check_problems:
                self.show_problems(session.load_problems)
            else:
                # Right after an edit that reopened a done document, its reasons (they
                # include "done only" ones, such as no page type, that problems() omits).
                self.show_problems(session.reopened or session.problems())

    def panels_shown(self) -> None:
        """A dock came on screen (tab raised, dock reopened): fill its panel if stale.

        The window wires each dock's ``visibilityChanged`` here: a tab behind another stays
        "visible" to Qt, so a Show event alone would miss a tab being raised.
        """
        if self._preview_stale or self._problems_stale:
            # After the dock's own layout has run, so its visible region is known.
            QTimer.singleShot(0, self._refresh_visible)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A stale panel coming on screen outside a dock (or the window being shown).
        if event.type() == QEvent.Type.Show:
            self.panels_shown()
        return False

    def show_problems(self, problems: Sequence[Problem]) -> None:
        # Shown now (the "done" check, the load problems): up to date until the next edit.
        self._problems_stale = False
        self.doc_panel.show_problems(problems)
