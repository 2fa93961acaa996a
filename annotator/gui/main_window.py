"""The main window: builds the widgets and docks and wires them to the controllers.

Wiring only (the team's rule, learned from labelme's 3,000-line app.py); behaviour lives in
small modules, each adding its own QActions (so menus, palette and shortcuts help agree):
editor (the open session, the current span, refreshing views from each edit's Change),
marking, suggestion_controller, persistence (saving, conflicts, title), navigation and
doc_browser (the document list), document_controller (page type, status), view_controls
(find, zoom, layers), side_panels (docks that give way to the text, Ctrl+B). The methods at
the end are the window's public surface for review mode and the tests; each hands over to a
controller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.corpus import AnnotatorLock, Corpus
from annotator.edits import Change
from annotator.gui.actions import ActionRegistry
from annotator.gui.activity import ActivityTracker
from annotator.gui.attr_editor import AttributeEditor
from annotator.gui.attribute_keys import ChoiceKeys
from annotator.gui.doc_browser import DocumentBrowser
from annotator.gui.doc_panel import DocumentPanel
from annotator.gui.document_controller import DocumentController
from annotator.gui.editor import DocumentEditor, Edit
from annotator.gui.find_bar import FindBar
from annotator.gui.guidelines_dock import GuidelinesController
from annotator.gui.marking import MarkingController
from annotator.gui.navigation import DocumentNavigator, SessionFactory
from annotator.gui.palette import LabelPalette
from annotator.gui.persistence import AUTOSAVE_MS, PersistenceController, ask_conflict_dialog
from annotator.gui.shortcuts_help import ShortcutsDialog
from annotator.gui.side_panels import SidePanels
from annotator.gui.span_table import SpanTableModel
from annotator.gui.suggestion_controller import SuggestionController
from annotator.gui.tables import configure_table
from annotator.gui.textview import SpanTextView
from annotator.gui.view_controls import ViewController
from annotator.model import AttrValue, Status
from annotator.session import DocumentSession, Recovery

__all__ = ["AUTOSAVE_MS", "MainWindow", "startup_report"]


def startup_report(notes: Sequence[str], unclean_end: str | None, recoveries: Sequence[Recovery]) -> list[str]:
    """What to tell the user at start, derived only from what recovery reported: restored
    changes, journals set aside (and where), journals left in place. Never "nothing was
    lost": after an unclean end with no journal, it says that no unsaved edits were found."""
    lines = [*notes]
    if unclean_end:
        lines.append(unclean_end)
    lines.extend(r.message for r in recoveries)
    if unclean_end and not any(r.outcome in ("restored", "set-aside", "left") for r in recoveries):
        lines.append("no unsaved edits were found to restore")
    return lines


class MainWindow(QMainWindow):
    #: A document was opened (or reloaded): its id. Review mode follows it.
    documentOpened = Signal(str)
    #: An edit, undo or redo changed the open annotation (after every view refreshed).
    edited = Signal()
    #: The "Review…" action was triggered (``gui.app`` and ``gui.review_start`` answer it).
    reviewRequested = Signal()

    def __init__(
        self,
        corpus: Corpus,
        annotator: str,
        *,
        lock: AnnotatorLock | None = None,
        recoveries: Sequence[Recovery] = (),
        notes: Sequence[str] = (),
        unclean_end: str | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        start_doc: str | None = None,
        last_doc: str | None = None,
        session_factory: SessionFactory | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.annotator = annotator
        self.lock = lock
        #: Helpers living as long as the window (review mode's controller).
        self.extensions: list[QObject] = []
        #: Review windows opened from this one (kept alive here).
        self.review_windows: list[QMainWindow] = []
        #: Messages shown to the user (status bar, dialogs), newest last; tests read them.
        self.messages: list[str] = []
        self.setObjectName("MainWindow")
        self.resize(1400, 900)

        self._build_widgets()
        self.editor = DocumentEditor(
            corpus.scheme, view=self.view, span_model=self.span_model, span_table=self.span_table,
            attr_editor=self.attr_editor, doc_panel=self.doc_panel, preview=self.preview,
            doc_model=self.doc_model, message=self.message, parent=self,
        )
        # The status bar (state, messages) and the document list paint after the text too:
        # see editor.idle.
        self.editor.held_on_edit.append((self.statusBar(),))
        self.editor.held_on_status.append((self.doc_table.viewport(),))
        self.persistence = PersistenceController(
            self.editor, self, corpus_name=corpus.manifest.name, annotator=annotator,
            state_label=self.state_label, lock=lock, autosave_ms=autosave_ms,
            # Through the window at each conflict, so a test can answer in the user's place.
            ask=lambda path: self.ask_conflict(path),
        )
        # Active seconds on the open document, written with it (time_spent_s).
        self.activity = ActivityTracker(self, self.persistence)
        self.navigator = DocumentNavigator(
            self.editor, self.browser, corpus=corpus, annotator=annotator,
            # Review mode opens gold through its own factory (gold starts from the agreement).
            open_session=session_factory or DocumentSession.open,
            flush=self.persistence.flush, progress_label=self.progress_label, parent=self,
        )
        self.marking = MarkingController(self.editor, self.view, self.attr_editor, self)
        self.suggestions = SuggestionController(self.editor, self.view, self)
        self.documents = DocumentController(self.editor, self.navigator, self)
        self.view_controls = ViewController(self.view, self.find_bar, self.statusBar(), self)
        self.side_panels = SidePanels(self, self.view)
        self.guidelines = GuidelinesController(corpus.root, self.editor, self.view, self.message, self)
        self.suggestion_cursor = self.suggestions.cursor

        self._build_actions()
        self._build_docks()
        self._connect()

        self.doc_model.start_fill()
        # start_doc (explicit) wins, then the annotator's queue, then last_doc, then the first.
        first = self.navigator.first_document(start_doc, last_doc)
        if first is not None:
            self.open_document(first)
        # The document opened first restored its own journal (undoably): part of the report.
        opened = self.session.recovery if self.session is not None else None
        #: Every journal the start found and what became of it.
        self.recoveries: list[Recovery] = [*recoveries, *([opened] if opened else [])]
        #: What the start found (an unclean end, restored work), shown once, all together.
        self.startup_report = startup_report(notes, unclean_end, self.recoveries)
        if self.startup_report:
            self.message(" · ".join(self.startup_report), error=True)
        self._show_progress()

    # ------------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        scheme = self.corpus.scheme
        # Centre: the text and the find bar.
        self.view = SpanTextView(self)
        self.view.setObjectName("text_view")
        self.find_bar = FindBar(self)
        centre = QWidget(self)
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(centre)

        # Left: the documents. The short names are the ones tests and review mode use.
        self.browser = DocumentBrowser(self.corpus, self.annotator, self)
        self.doc_model = self.browser.model
        self.doc_proxy = self.browser.proxy
        self.doc_filter = self.browser.filter_edit
        self.status_filter = self.browser.status_filter
        self.doc_table = self.browser.table

        # Right: spans, attributes, document, clean text.
        self.span_model = SpanTableModel(scheme, self)
        self.span_table = QTableView(self)
        self.span_table.setObjectName("span_table")
        self.span_table.setModel(self.span_model)
        configure_table(self.span_table, {0: 100, 2: 60, 3: 60})
        self.attr_editor = AttributeEditor(scheme, self)
        self.doc_panel = DocumentPanel(scheme, self)
        self.doc_label_combos = self.doc_panel.doc_label_combos
        self.status_combo = self.doc_panel.status_combo
        self.problem_list = self.doc_panel.problem_list
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("clean_preview")
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText("Mark an article to see its clean text here.")

        self.progress_label = QLabel(self)
        self.state_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.state_label)
        self.statusBar().addPermanentWidget(self.progress_label)

    def _build_actions(self) -> None:
        """Each controller adds its own; the order here is the order of menus and help."""
        self.registry = ActionRegistry(self)
        self.actions_by_name = self.registry.by_name
        a = self.registry.add
        self.marking.add_actions(self.registry)
        self.suggestions.add_actions(self.registry)
        self.editor.add_actions(self.registry)
        self.persistence.add_actions(self.registry)
        a("Review…", ["Ctrl+Shift+G"], self.open_review, "File")
        a("Quit", ["Ctrl+Q"], self.close, "File")
        self.documents.add_actions(self.registry)
        self.navigator.add_actions(self.registry)
        self.view_controls.add_actions(self.registry, self.corpus.scheme)
        self.side_panels.add_actions(self.registry)
        self.guidelines.add_actions(self.registry)
        a("Go to the text", ["Ctrl+J"], self.view.setFocus, "Focus")
        a("Go to the document filter", ["Ctrl+L"], self.browser.focus_filter, "Focus")
        a("Go to the span list", ["Ctrl+K"], self.span_table.setFocus, "Focus")
        a("Keyboard shortcuts", ["F1", "?"], self.show_shortcuts, "Help")

        self.label_actions = self.marking.label_actions
        self.line_actions = self.marking.line_actions
        self.trim_action = self.marking.trim_action
        self.undo_action = self.editor.undo_action
        self.redo_action = self.editor.redo_action
        self.layer_actions = self.view_controls.layer_actions
        self.palette = LabelPalette(
            self.label_actions, list(self.layer_actions.values()), self,
            scheme=self.corpus.scheme, guidelines=self.guidelines.tooltip_html,
        )

    def _build_docks(self) -> None:
        self.docs_dock = self._dock("Documents", self.browser, Qt.DockWidgetArea.LeftDockWidgetArea)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.palette_dock = self._dock("Labels", self.palette, right)
        self.spans_dock = self._dock("Spans", self.span_table, right)
        self.attrs_dock = self._dock("Span attributes", self.attr_editor, right)
        self.doc_dock = self._dock("Document", self.doc_panel, right)
        self.preview_dock = self._dock("Clean text", self.preview, right)
        # The clean text shares a tab with the document panel: both are read now and then.
        self.tabifyDockWidget(self.doc_dock, self.preview_dock)
        # The guidelines too: read now and then, brought forward by Ctrl+G or Shift+F1.
        self.guidelines_dock = self._dock("Guidelines", self.guidelines.panel, right)
        self.tabifyDockWidget(self.preview_dock, self.guidelines_dock)
        self.guidelines.attach(self.guidelines_dock)
        self.doc_dock.raise_()
        docks = (self.docs_dock, self.palette_dock, self.spans_dock, self.attrs_dock,
                 self.doc_dock, self.preview_dock)
        # Narrow enough for a laptop; SidePanels shrinks them further when the window is
        # small, so the text keeps most of the width.
        self.side_panels.set_minimum_widths([*docks, self.guidelines_dock])
        self.resizeDocks([self.docs_dock, self.palette_dock], [300, 340], Qt.Orientation.Horizontal)
        self.registry.build_menus(self.menuBar(), {"View": [d.toggleViewAction() for d in docks]})

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_").lower() + "_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        editor = self.editor
        # A session on screen: each part adds its own (in this order: see sessionShown).
        editor.sessionShown.connect(self.suggestions.on_session_shown)
        editor.sessionShown.connect(self.navigator.on_session_shown)
        editor.sessionShown.connect(self.persistence.on_session_shown)
        editor.spansChanged.connect(self.suggestions.on_spans_changed)
        editor.applied.connect(self.persistence.on_applied)
        editor.edited.connect(self.edited.emit)
        editor.documentOpened.connect(self.documentOpened.emit)

        self.view.spanActivated.connect(editor.set_current_span)
        # Moving the selection forgets the current suggestion, then shows the selection size.
        self.view.selectionChangedCp.connect(self.suggestions.selection_moved)
        self.view.selectionChangedCp.connect(self.view_controls.show_selection)
        self.find_bar.findRequested.connect(self.view_controls.find)
        self.find_bar.closed.connect(self.view.setFocus)
        self.find_bar.markAllRequested.connect(self.marking.arm_mark_every_match)
        self.browser.documentChosen.connect(self.navigator.on_document_chosen)
        self.doc_model.progressChanged.connect(self.navigator.show_progress)
        self.span_table.clicked.connect(editor.on_span_row)
        self.span_table.activated.connect(editor.on_span_row)
        self.attr_editor.attrChanged.connect(self.marking.set_attr)
        # Digits set the choice of the span just marked; a value set gives the text the focus.
        self.choice_keys = ChoiceKeys(self.view, self.attr_editor, self.palette, self.message, self)
        self.doc_panel.docLabelChosen.connect(self.documents.set_doc_label)
        self.doc_panel.statusChosen.connect(self.documents.set_status)
        self.doc_panel.problemActivated.connect(editor.on_problem)
        self.documents.problemsShown.connect(self.doc_dock.show)
        # The clean text and the problems are computed only on screen: a dock coming back
        # fills its stale panel.
        self.preview_dock.visibilityChanged.connect(lambda shown: shown and editor.panels_shown())
        self.doc_dock.visibilityChanged.connect(lambda shown: shown and editor.panels_shown())
        self.documents.problemsShown.connect(self.doc_dock.raise_)
        # An edit moved a done document back to in progress: its problems come to the front.
        editor.reopened.connect(self.doc_dock.show)
        editor.reopened.connect(self.doc_dock.raise_)
        self.marking.currentCleared.connect(self.suggestions.forget)

    # ------------------------------------------------------------------ Qt events

    def changeEvent(self, event: QEvent) -> None:
        # Back in the window: someone may have written our file meanwhile.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(0, self.check_disk)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.attr_editor.commit_pending()  # typed but not confirmed: saved like the rest
        self.editor.pause_refresh()
        if self.persistence.quit():
            event.accept()
        else:
            event.ignore()

    # ------------------------------------------------------------------ public surface

    @property
    def session(self) -> DocumentSession | None:
        return self.editor.session

    @property
    def current_span(self) -> str | None:
        return self.editor.current_span

    def message(self, text: str, error: bool = False) -> None:
        self.messages.append(text)
        # Errors stay until replaced; other news fades after a while.
        self.statusBar().showMessage(text, 0 if error else 15_000)

    def open_document(self, doc_id: str) -> bool:
        return self.navigator.open_document(doc_id)

    def step_document(self, step: int, predicate: Callable[[str], bool] | None = None) -> bool:
        return self.navigator.step_document(step, predicate)

    def save_now(self) -> bool:
        return self.persistence.save_now()

    def flush(self) -> bool:
        return self.persistence.flush()

    def check_disk(self) -> None:
        self.persistence.check_disk()

    def ask_conflict(self, path: str) -> str:
        """Ask what to do about a file changed on disk: "reload" or "keep"."""
        return ask_conflict_dialog(self, path)

    def run_edit(self, action: Edit, current: str | None = None) -> Change | None:
        """Run an edit on the open session as the window's own commands do (review mode)."""
        return self.editor.run(action, current)

    def set_current_span(self, span_id: str | None) -> None:
        self.editor.set_current_span(span_id)

    def undo(self) -> None:
        self.editor.undo()

    def redo(self) -> None:
        self.editor.redo()

    def mark_label(self, label: str) -> None:
        self.marking.mark_label(label)

    def mark_lines(self, label: str) -> None:
        self.marking.mark_lines(label)

    def _on_attr(self, span_id: str, name: str, value: AttrValue | None) -> None:
        # The attribute editor's edit, called directly by the crash-recovery test.
        self.marking.set_attr(span_id, name, value)

    def set_doc_label(self, name: str, value: str | None) -> None:
        self.documents.set_doc_label(name, value)

    def set_status(self, status: Status) -> bool:
        return self.documents.set_status(status)

    def done_and_next(self) -> None:
        self.documents.done_and_next()

    def _show_progress(self) -> None:
        # Tests call it after filling the whole list at once.
        self.navigator.show_progress()

    def open_review(self) -> None:
        """The "Review…" action: whoever opened this window answers :attr:`reviewRequested`
        (review mode builds on this module, so this module does not import it)."""
        self.reviewRequested.emit()

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.actions_by_name.values(), self)
        dialog.setModal(False)
        dialog.show()
        self._shortcuts_dialog = dialog
        return dialog
