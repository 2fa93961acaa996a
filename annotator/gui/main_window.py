"""The main window: wires the widgets to a :class:`DocumentSession`.

It holds no annotation logic. Every change goes through the session (an edit command run by
the core's History), and the widgets refresh from the :class:`Change` it returns. Every
command is a QAction with its shortcut, so menus, palette and the shortcuts help agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QEvent,
    QFileSystemWatcher,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.corpus import AnnotatorLock, ConflictError, Corpus, CorpusError
from annotator.edits import Change, EditError
from annotator.gui.actions import ActionRegistry
from annotator.gui.attr_editor import AttributeEditor
from annotator.gui.doc_list import STATUS_TEXT, DocumentFilter, DocumentListModel
from annotator.gui.doc_panel import DocumentPanel
from annotator.gui.find_bar import FindBar
from annotator.gui.palette import LabelPalette, swatch
from annotator.gui.shortcuts_help import ShortcutsDialog
from annotator.gui.span_table import SpanTableModel
from annotator.gui.suggestions import SuggestionCursor
from annotator.gui.textview import SpanTextView
from annotator.model import STATUSES, AttrValue, Span, Status
from annotator.rules import Problem
from annotator.session import DocumentSession, Recovery, reload_session

AUTOSAVE_MS = 400
PREVIEW_MS = 300



class MainWindow(QMainWindow):
    #: A document was opened (or reloaded): its id. Review mode follows it.
    documentOpened = Signal(str)
    #: An edit, undo or redo changed the open annotation (after every view refreshed).
    edited = Signal()

    def __init__(
        self,
        corpus: Corpus,
        annotator: str,
        *,
        lock: AnnotatorLock | None = None,
        recoveries: Sequence[Recovery] = (),
        notes: Sequence[str] = (),
        autosave_ms: int = AUTOSAVE_MS,
        start_doc: str | None = None,
        session_factory: Callable[[Corpus, str, str], DocumentSession] | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.annotator = annotator
        self.lock = lock
        # Review mode opens gold through its own factory (gold starts from the agreement).
        self._open_session = session_factory or DocumentSession.open
        #: Helpers living as long as the window (review mode's controller).
        self.extensions: list[QObject] = []
        #: Review windows opened from this one (kept alive here).
        self.review_windows: list[QMainWindow] = []
        self.session: DocumentSession | None = None
        self.current_span: str | None = None
        self.suggestion_cursor = SuggestionCursor()
        #: Messages shown to the user (status bar, dialogs), newest last; tests read them.
        self.messages: list[str] = []
        self._switching = False
        self._closing = False
        self._resolving = False
        self._zoom = 0

        self.setObjectName("MainWindow")
        self.resize(1400, 900)
        self._build_widgets()
        self._build_actions()
        self._build_docks()
        self._build_menus()

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(autosave_ms)
        self._autosave.timeout.connect(self.save_now)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(PREVIEW_MS)
        self._refresh_timer.timeout.connect(self._refresh_slow_panels)
        # Someone else writing our file (shared folder, git pull) is noticed at once.
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _p: QTimer.singleShot(0, self.check_disk))

        self.doc_model.progressChanged.connect(self._show_progress)
        self.doc_model.start_fill()
        #: What the start found (an unclean end, restored work), shown once, all together.
        self.startup_report = [*notes, *(r.message for r in recoveries)]
        if self.startup_report:
            self.message(" · ".join(self.startup_report), error=True)
        first = start_doc if start_doc in self.doc_model.row_of else None
        if first is None and self.doc_model.ids:
            first = self.doc_model.ids[0]
        if first is not None:
            self.open_document(first)
        self._show_progress()

    # ------------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        scheme = self.corpus.scheme
        # Centre: the text and the find bar.
        self.view = SpanTextView(self)
        self.view.setObjectName("text_view")
        self.view.spanActivated.connect(self.set_current_span)
        self.view.selectionChangedCp.connect(self._on_selection)
        self.find_bar = FindBar(self)
        self.find_bar.findRequested.connect(self._find)
        self.find_bar.closed.connect(self.view.setFocus)
        centre = QWidget(self)
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(centre)

        # Left: the documents.
        self.doc_model = DocumentListModel(self.corpus, self.annotator, self)
        self.doc_proxy = DocumentFilter(self)
        self.doc_proxy.setSourceModel(self.doc_model)
        self.doc_filter = QLineEdit(self)
        self.doc_filter.setObjectName("doc_filter")
        self.doc_filter.setPlaceholderText("filter by id or title")
        self.doc_filter.setClearButtonEnabled(True)
        self.doc_filter.textChanged.connect(lambda t: self._filter_docs(lambda: self.doc_proxy.set_text(t)))
        self.status_filter = QComboBox(self)
        self.status_filter.addItem("all", None)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_TEXT[status], status)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self._filter_docs(lambda: self.doc_proxy.set_status(self.status_filter.currentData()))
        )
        self.doc_table = QTableView(self)
        self.doc_table.setObjectName("doc_table")
        self.doc_table.setModel(self.doc_proxy)
        self._table_defaults(self.doc_table)
        header = self.doc_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 150), (2, 80), (3, 50)):
            self.doc_table.setColumnWidth(column, width)
        self.doc_table.selectionModel().currentRowChanged.connect(self._on_doc_row)
        docs = QWidget(self)
        docs_layout = QVBoxLayout(docs)
        docs_layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(self.doc_filter, 1)
        row.addWidget(self.status_filter)
        docs_layout.addLayout(row)
        docs_layout.addWidget(self.doc_table)
        self.docs_dock = self._dock("Documents", docs, Qt.DockWidgetArea.LeftDockWidgetArea)

        # Right: spans, attributes, document, clean text.
        self.span_model = SpanTableModel(scheme, self)
        self.span_table = QTableView(self)
        self.span_table.setObjectName("span_table")
        self.span_table.setModel(self.span_model)
        self._table_defaults(self.span_table)
        self.span_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 100), (2, 60), (3, 60)):
            self.span_table.setColumnWidth(column, width)
        self.span_table.clicked.connect(self._on_span_row)
        self.span_table.activated.connect(self._on_span_row)

        self.attr_editor = AttributeEditor(scheme, self)
        self.attr_editor.attrChanged.connect(self._on_attr)

        self.doc_panel = DocumentPanel(scheme, self)
        self.doc_panel.docLabelChosen.connect(self.set_doc_label)
        self.doc_panel.statusChosen.connect(self.set_status)
        self.doc_panel.problemActivated.connect(self._on_problem)
        # Shortcuts for tests and the rest of the window.
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

    @staticmethod
    def _table_defaults(table: QTableView) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        # Fixed row heights: the view never measures 100,000 rows.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setWordWrap(False)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_").lower() + "_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_actions(self) -> None:
        self.registry = ActionRegistry(self)
        self.actions_by_name = self.registry.by_name
        a = self.registry.add
        scheme = self.corpus.scheme

        self.label_actions: dict[str, QAction] = {}
        self.line_actions: dict[str, QAction] = {}
        for label in scheme.labels():
            key = [label.key] if label.key else []
            act = a(f"Mark {label.name}", key, lambda n=label.name: self.mark_label(n), "Marking")
            act.setIcon(swatch(label.color))
            act.setIconText(f"{label.name} ({label.key})" if label.key else label.name)
            act.setToolTip(f"{label.description or label.name} — mark the selection, or relabel the current span")
            self.label_actions[label.name] = act
            line_key = [f"Shift+{label.key.upper()}"] if label.key else []
            self.line_actions[label.name] = a(
                f"Mark line(s) as {label.name}", line_key, lambda n=label.name: self.mark_lines(n), "Line mode"
            )
        self.trim_action = a("Trim white space of new spans", ["Ctrl+T"], lambda: None, "Marking", checkable=True, checked=True)
        a("Mark all occurrences of the current span", ["Ctrl+M"], self.mark_all_occurrences, "Marking")
        a("Delete the current span", ["Delete", "Backspace"], self.delete_current, "Spans")
        # Tab cycles spans in the text only: in the side panels it moves the focus as usual.
        a("Next span", ["Tab"], lambda: self.cycle_span(1), "Spans", widget=self.view)
        a("Previous span", ["Shift+Tab", "Backtab"], lambda: self.cycle_span(-1), "Spans", widget=self.view)
        a("No current span", ["Escape"], self.clear_current, "Spans")
        a("Move span end right", ["Alt+Right"], lambda: self.move_edge("end", 1, "char"), "Spans")
        a("Move span end left", ["Alt+Left"], lambda: self.move_edge("end", -1, "char"), "Spans")
        a("Move span start right", ["Alt+Shift+Right"], lambda: self.move_edge("start", 1, "char"), "Spans")
        a("Move span start left", ["Alt+Shift+Left"], lambda: self.move_edge("start", -1, "char"), "Spans")
        a("Move span end a word right", ["Ctrl+Alt+Right"], lambda: self.move_edge("end", 1, "word"), "Spans")
        a("Move span end a word left", ["Ctrl+Alt+Left"], lambda: self.move_edge("end", -1, "word"), "Spans")
        a("Move span start a word right", ["Ctrl+Alt+Shift+Right"], lambda: self.move_edge("start", 1, "word"), "Spans")
        a("Move span start a word left", ["Ctrl+Alt+Shift+Left"], lambda: self.move_edge("start", -1, "word"), "Spans")
        a("Edit the current span's attributes", ["F2"], self.focus_attributes, "Spans")

        a("Next line", ["Alt+Down"], lambda: self.view.move_lines(1), "Line mode")
        a("Previous line", ["Alt+Up"], lambda: self.view.move_lines(-1), "Line mode")
        a("Extend selection to the next line", ["Alt+Shift+Down"], lambda: self.view.move_lines(1, extend=True), "Line mode")
        a("Extend selection to the previous line", ["Alt+Shift+Up"], lambda: self.view.move_lines(-1, extend=True), "Line mode")
        a("Next block", ["Ctrl+Down"], lambda: self.view.move_blocks(1), "Line mode")
        a("Previous block", ["Ctrl+Up"], lambda: self.view.move_blocks(-1), "Line mode")
        a("Extend selection to the next block", ["Ctrl+Shift+Down"], lambda: self.view.move_blocks(1, extend=True), "Line mode")
        a("Extend selection to the previous block", ["Ctrl+Shift+Up"], lambda: self.view.move_blocks(-1, extend=True), "Line mode")

        v = self.view
        a("Next suggestion", ["."], lambda: self.step_suggestion(1), "Suggestions", widget=v)
        a("Previous suggestion", [","], lambda: self.step_suggestion(-1), "Suggestions", widget=v)
        a("Accept the suggestion", ["Return", "Enter"], self.accept_suggestion, "Suggestions", widget=v)
        a("Reject the suggestion", ["Shift+Delete"], self.reject_suggestion, "Suggestions", widget=v)
        a(
            "Accept all suggestions of its label", ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"],
            lambda: self.accept_suggestion(all_of_label=True), "Suggestions", widget=v,
        )
        a(
            "Reject all suggestions of its label", ["Ctrl+Shift+Delete"],
            lambda: self.reject_suggestion(all_of_label=True), "Suggestions", widget=v,
        )

        self.undo_action = a("Undo", ["Ctrl+Z"], self.undo, "Edit")
        self.redo_action = a("Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.redo, "Edit")
        a("Save now", ["Ctrl+S"], self.save_now, "File")
        a("Reload from disk", ["Ctrl+Shift+R"], self.reload_from_disk, "File")
        a("Review…", ["Ctrl+Shift+G"], self.open_review, "File")
        a("Quit", ["Ctrl+Q"], self.close, "File")

        for i, status in enumerate(STATUSES, 1):
            a(f"Status: {STATUS_TEXT[status]}", [f"Ctrl+{i}"], lambda s=status: self.set_status(s), "Document")
        a("Done, then next document", ["Ctrl+Return", "Ctrl+Enter"], self.done_and_next, "Document")
        for definition in scheme.doc_labels[:1]:
            for i, value in enumerate(definition.values[:9], 1):
                a(
                    f"{definition.name}: {value}",
                    [f"Alt+{i}"],
                    lambda n=definition.name, v=value: self.set_doc_label(n, v),
                    "Document",
                )
        a("Next document", ["Ctrl+PgDown"], lambda: self.step_document(1), "Document")
        a("Previous document", ["Ctrl+PgUp"], lambda: self.step_document(-1), "Document")

        a("Find in the document", [QKeySequence.StandardKey.Find], self.open_find, "View")
        a("Find next", ["F3"], lambda: self.find_bar.find(backward=False), "View")
        a("Find previous", ["Shift+F3"], lambda: self.find_bar.find(backward=True), "View")
        a("Zoom in", ["Ctrl++", "Ctrl+="], lambda: self.zoom(1), "View")
        a("Zoom out", ["Ctrl+-"], lambda: self.zoom(-1), "View")
        a("Reset zoom", ["Ctrl+0"], lambda: self.zoom(-self._zoom), "View")
        self.layer_actions: dict[str, QAction] = {}
        for i, layer in enumerate(scheme.layers, 1):
            act = a(
                f"Show layer {layer.name}",
                [f"Ctrl+Alt+{i}"] if i <= 9 else [],
                self._apply_hidden_layers,
                "View",
                checkable=True,
                checked=True,
            )
            act.setIconText(layer.name)
            self.layer_actions[layer.name] = act
        a("Go to the text", ["Ctrl+J"], self.view.setFocus, "Focus")
        a("Go to the document filter", ["Ctrl+L"], self._focus_doc_filter, "Focus")
        a("Go to the span list", ["Ctrl+K"], self.span_table.setFocus, "Focus")
        a("Keyboard shortcuts", ["F1", "?"], self.show_shortcuts, "Help")

        self.palette = LabelPalette(list(self.label_actions.values()), list(self.layer_actions.values()), self)

    def _build_docks(self) -> None:
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.palette_dock = self._dock("Labels", self.palette, right)
        self.spans_dock = self._dock("Spans", self.span_table, right)
        self.attrs_dock = self._dock("Span attributes", self.attr_editor, right)
        self.doc_dock = self._dock("Document", self.doc_panel, right)
        self.preview_dock = self._dock("Clean text", self.preview, right)
        # The clean text shares a tab with the document panel: both are read now and then.
        self.tabifyDockWidget(self.doc_dock, self.preview_dock)
        self.doc_dock.raise_()
        self.resizeDocks([self.docs_dock, self.palette_dock], [360, 380], Qt.Orientation.Horizontal)

    def _build_menus(self) -> None:
        docks = (self.docs_dock, self.palette_dock, self.spans_dock, self.attrs_dock, self.doc_dock, self.preview_dock)
        self.registry.build_menus(self.menuBar(), {"View": [d.toggleViewAction() for d in docks]})

    # ------------------------------------------------------------------ documents

    def open_document(self, doc_id: str) -> bool:
        """Save the open document, then open ``doc_id``; False if it could not be opened."""
        if self.session is not None and doc_id == self.session.doc_id:
            return True
        if not self.flush():
            return False
        try:
            session = self._open_session(self.corpus, self.annotator, doc_id)
        except CorpusError as exc:
            self.message(f"Cannot open {doc_id}: {exc}", error=True)
            return False
        if self.session is not None:
            self.session.close()
        self._set_session(session)
        return True

    def _set_session(self, session: DocumentSession) -> None:
        self.session = session
        self.current_span = None
        self.suggestion_cursor.clear()
        self.view.set_document(session.text, session.spans, self.corpus.scheme)
        self.span_model.set_spans(session.spans)
        self.attr_editor.set_span(None)
        problems = session.load_suggestions()
        if problems:
            self.message(f"Suggestions not shown: {problems[0]}", error=True)
        self._show_suggestions()
        self._select_doc_row(session.doc_id)
        self._refresh_doc_panel()
        # A file that loaded has passed every check already: no need to check it again.
        self._refresh_slow_panels(check=False)
        self._update_title()
        self._watch(session)
        if session.recovery is not None:
            self.message(session.recovery.message)
        if session.read_only:
            self.message(
                f"{session.path} failed to load and is shown read-only (never overwritten): "
                + "; ".join(p.message for p in session.load_problems[:3]),
                error=True,
            )
        if not session.read_only:
            self.doc_model.update_doc(session.doc_id, session.annotation.status, len(session.spans))
        self.documentOpened.emit(session.doc_id)

    def _watch(self, session: DocumentSession) -> None:
        folder = str(session.path.parent)
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        if session.path.parent.is_dir():
            self._watcher.addPath(folder)

    def _select_doc_row(self, doc_id: str) -> None:
        row = self.doc_model.row_of.get(doc_id)
        if row is None:
            return
        index = self.doc_proxy.mapFromSource(self.doc_model.index(row, 0))
        if not index.isValid():
            return
        self._switching = True
        try:
            self.doc_table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.doc_table.scrollTo(index)
        finally:
            self._switching = False

    def _filter_docs(self, change_filter: Callable[[], None]) -> None:
        """Filtering shows other rows; it must not open another document."""
        self._switching = True
        try:
            change_filter()
        finally:
            self._switching = False
        if self.session is not None:
            self._select_doc_row(self.session.doc_id)

    def _on_doc_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._switching or not current.isValid():
            return
        doc_id = self.doc_proxy.data(current, Qt.ItemDataRole.UserRole)
        if doc_id and not self.open_document(str(doc_id)) and self.session is not None:
            self._select_doc_row(self.session.doc_id)

    def step_document(self, step: int, predicate: Callable[[str], bool] | None = None) -> bool:
        """Open the next (``step`` 1) or previous document in the list as filtered."""
        if self.session is None:
            return False
        rows = self.doc_proxy.rowCount()
        row = self.doc_model.row_of.get(self.session.doc_id)
        here = self.doc_proxy.mapFromSource(self.doc_model.index(row, 0)).row() if row is not None else -1
        i = here
        for _ in range(rows):
            i += step
            if not 0 <= i < rows:
                break
            doc_id = str(self.doc_proxy.data(self.doc_proxy.index(i, 0), Qt.ItemDataRole.UserRole))
            if predicate is None or predicate(doc_id):
                return self.open_document(doc_id)
        self.message("No more documents in this direction")
        return False

    # ------------------------------------------------------------------ refreshing

    def _apply(self, change: Change | None, current: str | None = None) -> None:
        """Refresh every view from what the edit reports; schedule the autosave."""
        session = self.session
        if change is None or session is None:
            return
        if change.spans_changed:
            self.view.update_spans(session.spans, change)
            self.span_model.refresh(session.spans, change)
            if session.suggestions:
                self._show_suggestions()
        if current is not None:
            self.set_current_span(current)
        elif self.current_span is not None and session.span(self.current_span) is None:
            self.set_current_span(None)
        elif self.current_span in change.modified:
            self.attr_editor.set_span(session.span(self.current_span))
            self._select_span_row(self.current_span)
        if change.doc_labels or change.status:
            self._refresh_doc_panel()
        self.doc_model.update_doc(session.doc_id, session.annotation.status, len(session.spans))
        self._refresh_timer.start()
        self._autosave.start()
        self._update_title()
        self.edited.emit()

    def _refresh_doc_panel(self) -> None:
        if self.session is not None:
            self.doc_panel.show_annotation(self.session.annotation, self.session.read_only)

    def _refresh_slow_panels(self, check: bool = True) -> None:
        """The clean text and the problems: recomputed after a pause, not per keystroke."""
        session = self.session
        if session is None:
            return
        self.preview.setPlainText(session.clean_preview())
        if session.read_only or not check:
            self.show_problems(session.load_problems)
        else:
            self.show_problems(session.problems())

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.doc_panel.show_problems(problems)

    def _update_title(self) -> None:
        session = self.session
        name = self.corpus.manifest.name
        if session is None:
            self.setWindowTitle(f"{name} — {self.annotator}")
            return
        if session.read_only:
            state = "read-only"
        elif session.dirty:
            state = "unsaved"
        else:
            state = "saved"
        self.setWindowTitle(f"{session.doc_id} — {name} — {self.annotator} — {state}")
        self.state_label.setText(state)
        self.undo_action.setText("Undo" + (f" {session.history.undo_text}" if session.history.can_undo else ""))
        self.redo_action.setText("Redo" + (f" {session.history.redo_text}" if session.history.can_redo else ""))

    def _show_progress(self) -> None:
        counts = self.doc_model.counts()
        total = len(self.doc_model.ids)
        more = "" if self.doc_model.statuses_complete else " (counting…)"
        self.progress_label.setText(f"done {counts['done']}/{total}{more}")

    def message(self, text: str, error: bool = False) -> None:
        self.messages.append(text)
        # Errors stay until replaced; other news fades after a while.
        self.statusBar().showMessage(text, 0 if error else 15_000)

    # ------------------------------------------------------------------ spans

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
        if row is None:
            selection.clearSelection()
            return
        index = self.span_model.index(row, 0)
        selection.setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.span_table.scrollTo(index)

    def _on_span_row(self, index: QModelIndex) -> None:
        span = self.span_model.span_at(index.row())
        if span is not None:
            self.set_current_span(span.id)
            self.view.select_cp(span.start, span.start)

    def _on_problem(self, span_id: str) -> None:
        if self.session and self.session.span(span_id):
            self.set_current_span(span_id)

    def _on_selection(self, start: int, end: int) -> None:
        self.suggestion_cursor.selection_moved(start, end)
        if end > start:
            self.statusBar().showMessage(f"selection [{start}, {end}): {end - start} characters", 5000)

    def run_edit(self, action: Callable[[DocumentSession], Change | None], current: str | None = None) -> Change | None:
        """Run an edit on the open session as the window's own commands do (review mode)."""
        return self._run(action, current)

    def _run(self, action: Callable[[DocumentSession], Change | None], current: str | None = None) -> Change | None:
        """Run one session edit, show an error instead of raising, refresh."""
        if self.session is None:
            return None
        try:
            change = action(self.session)
        except EditError as exc:
            self.message(str(exc), error=True)
            return None
        self._apply(change, current)
        return change

    def mark_label(self, label: str) -> None:
        """The label's key: mark the selection, or relabel the current span when none."""
        session = self.session
        if session is None:
            return
        start, end = self.view.selection_cp()
        if start == end:
            if self.current_span is not None:
                self._run(lambda s: s.relabel(self.current_span or "", label))
            else:
                self.message(f"Select some text first, then press the key of {label}")
            return
        self._mark(lambda s: s.mark(label, start, end, trim=self.trim_action.isChecked()), end)

    def mark_lines(self, label: str) -> None:
        """Line mode: mark the current line, or every line the selection touches."""
        if self.session is None:
            return
        start, end = self.view.line_range_cp()
        had_selection = self.view.selection_cp()[0] != self.view.selection_cp()[1]
        self._mark(lambda s: s.mark(label, start, end, trim=True), end)
        if not had_selection:
            # Ready for the next line: a menu is marked by pressing the key line after line.
            self.view.move_lines(1)

    def _mark(self, run: Callable[[DocumentSession], tuple[Change, str] | None], collapse_at: int) -> None:
        session = self.session
        if session is None:
            return
        try:
            result = run(session)
        except EditError as exc:
            self.message(str(exc), error=True)
            return
        if result is None:
            self.message("Nothing to mark there (empty, or already marked)")
            return
        change, span_id = result
        self.view.select_cp(collapse_at, collapse_at)
        self._apply(change, current=span_id)

    def mark_all_occurrences(self) -> None:
        session = self.session
        span = session.span(self.current_span) if session else None
        if span is None:
            self.message("Mark one occurrence first (it becomes the current span), then Ctrl+M")
            return
        change = self._run(lambda s: s.mark_occurrences(span.label, span.text, attrs=dict(span.attrs)), span.id)
        if change is None:
            self.message(f"No other unmarked occurrence of {span.text[:30]!r}")
            return
        count = len(change.added)
        self.message(f"Marked {count} more occurrence{'s' * (count != 1)} of {span.text[:30]!r} as {span.label}")

    def delete_current(self) -> None:
        if self.current_span is None:
            self.message("No current span to delete (Tab selects one)")
            return
        span_id = self.current_span
        self._run(lambda s: s.delete(span_id))

    def cycle_span(self, step: int) -> None:
        session = self.session
        if session is None:
            return
        span = session.next_span(self.current_span, step, pos=self.view.cursor_cp())
        self.set_current_span(span.id if span else None)

    def clear_current(self) -> None:
        self.suggestion_cursor.clear()
        self.set_current_span(None)
        pos = self.view.cursor_cp()
        self.view.select_cp(pos, pos)

    def move_edge(self, edge: str, direction: int, unit: str) -> None:
        if self.current_span is None:
            self.message("No current span (Tab selects one)")
            return
        span_id = self.current_span
        self._run(lambda s: s.move_edge(span_id, edge, direction, unit))

    def focus_attributes(self) -> None:
        if not self.attr_editor.focus_first():
            self.message("The current span has no attributes")

    def _on_attr(self, span_id: str, name: str, value: AttrValue | None) -> None:
        self._run(lambda s: s.set_attr(span_id, name, value))

    def set_doc_label(self, name: str, value: str | None) -> None:
        self._run(lambda s: s.set_doc_label(name, value))
        self._refresh_doc_panel()

    def set_status(self, status: Status) -> bool:
        session = self.session
        if session is None:
            return False
        try:
            change, problems = session.set_status(status)
        except EditError as exc:
            self.message(str(exc), error=True)
            self._refresh_doc_panel()
            return False
        if problems:
            self.show_problems(problems)
            self.doc_dock.show()
            self.doc_dock.raise_()
            self.message(
                f"Not done: {len(problems)} problem{'s' * (len(problems) != 1)} to fix first "
                f"(listed under Document): {problems[0].message}",
                error=True,
            )
            self._refresh_doc_panel()
            return False
        self._apply(change)
        self._refresh_doc_panel()
        return True

    def done_and_next(self) -> None:
        if self.set_status("done"):
            model = self.doc_model
            self.step_document(1, lambda d: model.info(d, title=False).status != "done")

    def undo(self) -> None:
        if self.session is None:
            return
        change = self.session.undo()
        if change is None:
            self.message("Nothing to undo")
        self._apply(change)

    def redo(self) -> None:
        if self.session is None:
            return
        change = self.session.redo()
        if change is None:
            self.message("Nothing to redo")
        self._apply(change)

    # ------------------------------------------------------------------ suggestions

    def _show_suggestions(self) -> None:
        session = self.session
        self.view.set_ghost_spans(session.pending_suggestions() if session else [])

    def step_suggestion(self, step: int) -> Span | None:
        """Select the next (or previous) pending suggestion, in text order."""
        if self.session is None:
            return None
        target = self.suggestion_cursor.step(self.session, step, self.view.cursor_cp())
        if target is None:
            self.message("No suggestions left on this document")
            return None
        self.view.select_cp(target.start, target.end)
        excerpt = " ".join(target.text.split())[:40]
        left = len(self.session.pending_suggestions())
        self.message(
            f"Suggestion {target.label} {excerpt!r} ({left} left): Return accepts, "
            "Shift+Delete rejects, Ctrl+Shift+Return accepts all of its label"
        )
        return target

    def _suggestion_target(self) -> Span | None:
        if self.session is None:
            return None
        return self.suggestion_cursor.target(self.session, self.view.cursor_cp())

    def accept_suggestion(self, all_of_label: bool = False) -> None:
        session = self.session
        target = self._suggestion_target()
        if session is None or target is None:
            self.message("No suggestion here ('.' goes to the next one)")
            return
        ids = [g.id for g in session.pending_suggestions() if g.label == target.label] if all_of_label else [target.id]
        try:
            result = session.accept_suggestions(ids)
        except EditError as exc:
            self.message(str(exc), error=True)
            return
        if result is None:
            return
        change, new_ids = result
        self.suggestion_cursor.clear()
        pos = target.end
        self.view.select_cp(pos, pos)
        self._apply(change, current=new_ids[0] if len(new_ids) == 1 else None)
        self.message(f"Accepted {len(new_ids)} {target.label} suggestion{'s' * (len(new_ids) != 1)}")
        if session.pending_suggestions() and not all_of_label:
            self.step_suggestion(1)

    def reject_suggestion(self, all_of_label: bool = False) -> None:
        session = self.session
        target = self._suggestion_target()
        if session is None or target is None:
            self.message("No suggestion here ('.' goes to the next one)")
            return
        ids = [g.id for g in session.pending_suggestions() if g.label == target.label] if all_of_label else [target.id]
        count = session.reject_suggestions(ids)
        self.suggestion_cursor.clear()
        self.view.select_cp(target.end, target.end)
        self._show_suggestions()
        self.message(f"Rejected {count} {target.label} suggestion{'s' * (count != 1)}")
        if session.pending_suggestions() and not all_of_label:
            self.step_suggestion(1)

    # ------------------------------------------------------------------ view

    def _apply_hidden_layers(self) -> None:
        hidden = {name for name, act in self.layer_actions.items() if not act.isChecked()}
        self.view.set_hidden_layers(hidden)

    def open_find(self) -> None:
        start, end = self.view.selection_cp()
        self.find_bar.open_bar(self.view.text()[start:end] if end > start else "")

    def _find(self, needle: str, backward: bool, case_sensitive: bool, incremental: bool = False) -> None:
        if incremental:
            # Typing on extends the current match rather than jumping past it.
            start = self.view.selection_cp()[0]
            self.view.select_cp(start, start)
        self.find_bar.show_result(self.view.find_text(needle, backward, case_sensitive))

    def zoom(self, steps: int) -> None:
        if steps:
            self.view.zoom_by(steps)
            self._zoom += steps

    def _focus_doc_filter(self) -> None:
        self.doc_filter.setFocus()
        self.doc_filter.selectAll()

    def open_review(self) -> None:
        """Ask which annotators to compare, then review them into gold (review mode)."""
        from annotator.gui.review_start import open_review_from  # review mode loads on demand

        open_review_from(self)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.actions_by_name.values(), self)
        dialog.setModal(False)
        dialog.show()
        self._shortcuts_dialog = dialog
        return dialog

    # ------------------------------------------------------------------ saving

    def save_now(self) -> bool:
        """Save the open document if it changed; True when nothing is left unsaved."""
        self._autosave.stop()
        session = self.session
        if session is None or session.read_only:
            return True
        try:
            session.save()
        except ConflictError:
            return self.resolve_conflict()
        except (CorpusError, OSError) as exc:
            # The journal still holds every change: nothing is lost, but say it loudly.
            self.message(f"Could not save {session.path}: {exc}", error=True)
            return False
        self._update_title()
        return True

    def flush(self) -> bool:
        """Before switching document or quitting: save, settling a conflict if any."""
        return self.save_now()

    def ask_conflict(self, path: str) -> str:
        """Ask what to do about a file changed on disk: "reload" or "keep"."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("File changed on disk")
        box.setText(f"{path} was changed on disk by someone else since you opened it.")
        box.setInformativeText(
            "Reload: take their version (yours is kept as a copy in .conflicts/).\n"
            "Keep mine: save your version (theirs is kept as a copy in .conflicts/)."
        )
        reload_button = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep mine", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return "reload" if box.clickedButton() is reload_button else "keep"

    def resolve_conflict(self) -> bool:
        session = self.session
        if session is None:
            return True
        if self._resolving:
            return False  # one question at a time (the autosave may fire while it is open)
        self._resolving = True
        try:
            choice = self.ask_conflict(str(session.path))
        finally:
            self._resolving = False
        try:
            if choice == "reload":
                new, kept = reload_session(session)
                self._set_session(new)
                self.message(
                    f"Reloaded {session.doc_id} from disk"
                    + (f"; your unsaved version is kept in {kept}" if kept else "")
                )
            else:
                kept = session.overwrite_theirs()
                self._update_title()
                self.message(
                    f"Saved your version of {session.doc_id}"
                    + (f"; the version on disk is kept in {kept}" if kept else "")
                )
        except CorpusError as exc:
            self.message(str(exc), error=True)
            return False
        return True

    def check_disk(self) -> None:
        """The file changed under us? Reload when we have nothing unsaved, else ask."""
        session = self.session
        if session is None or self._closing or not session.disk_changed():
            return
        if session.dirty:
            self.resolve_conflict()
            return
        try:
            new, _ = reload_session(session)
        except CorpusError as exc:
            self.message(str(exc), error=True)
            return
        self._set_session(new)
        self.message(f"{session.doc_id} was changed on disk; reloaded (you had no unsaved changes)")

    def reload_from_disk(self) -> None:
        session = self.session
        if session is None:
            return
        new, kept = reload_session(session)
        self._set_session(new)
        self.message(f"Reloaded {session.doc_id}" + (f"; your unsaved version is kept in {kept}" if kept else ""))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(0, self.check_disk)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self._refresh_timer.stop()
        if not self.flush():
            answer = QMessageBox.question(
                self,
                "Not saved",
                "The document could not be saved (see the status bar). Your changes are kept in "
                "the journal and restored at the next start. Quit anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self._closing = False
                event.ignore()
                return
        if self.session is not None:
            self.session.close()
        if self.lock is not None:
            self.lock.release()
        event.accept()
