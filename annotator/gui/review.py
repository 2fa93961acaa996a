"""Review mode: the main window editing gold, with the compared annotators beside it.

A :class:`ReviewController` attaches to a :class:`MainWindow` opened for annotator ``gold``
(see :mod:`annotator.gui.review_start`). The window keeps doing what it does for any
annotator (marking keys, undo, autosave, journal, conflicts, "done only when valid"); the
controller adds

* the disagreement list (:class:`~annotator.gui.review_model.DisagreementModel` over
  :func:`annotator.adjudicate.compare`), with whose side gold takes, refreshed after every
  edit, undo and redo;
* the annotators' spans: overlaid under the gold text (only the disputed ones by default),
  or side by side, one read-only view per annotator, scrolled together with gold;
* commands: next / previous disagreement, take annotator i's side (1..9), take all of
  annotator i (Ctrl+Shift+1..9), each one undoable edit
  (:func:`~annotator.adjudicate.accept_side`, :func:`~annotator.adjudicate.accept_all`);
* the agreement dashboard (:mod:`annotator.gui.dashboard`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.adjudicate import Disagreement, accept_all, accept_side
from annotator.corpus import CorpusError
from annotator.gui.dashboard import AgreementDashboard
from annotator.gui.main_window import MainWindow
from annotator.gui.review_model import DisagreementModel
from annotator.gui.review_state import (
    DocumentReview,
    GoldSession,
    all_gold_sides,
    at_position,
    load_review,
    step,
    unit_gold_spans,
)
from annotator.gui.textview import SpanTextView
from annotator.model import GOLD, Span

GROUP = "Review"
MAX_KEYED = 9
#: Shift+digit on a US keyboard: Qt may report the symbol rather than the digit.
SHIFTED_DIGITS = "!@#$%^&*("


class AnnotatorPane(QWidget):
    """One annotator's read-only view of the document (side-by-side mode)."""

    def __init__(self, name: str, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.title = QLabel(
            f"<b>{number}: {name}</b>" if number <= MAX_KEYED else f"<b>{name}</b>", self
        )
        self.view = SpanTextView(self)
        self.view.setObjectName(f"review_view_{name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)


class ReviewController(QObject):
    """Review mode wired onto a gold main window (see module doc)."""

    def __init__(self, window: MainWindow, annotators: Sequence[str]) -> None:
        super().__init__(window)
        if window.annotator != GOLD:
            raise ValueError(f"review mode edits gold, not {window.annotator!r}")
        self.window = window
        self.corpus = window.corpus
        self.annotators = list(annotators)
        self.review: DocumentReview | None = None
        #: Index of the current disagreement in ``review.disagreements``.
        self.current: int | None = None
        self._navigating = False
        self._syncing = False
        self.panes: dict[str, AnnotatorPane] = {}
        window.extensions.append(self)

        self._build_list()
        self._build_side_by_side()
        self.dashboard = AgreementDashboard(self.corpus, self.annotators, window)
        self.dashboard.documentRequested.connect(window.open_document)
        self.dashboard_dock = self._dock("Agreement", self.dashboard)
        # Measured when its tab comes up (and kept up to date while it shows).
        self.dashboard_dock.visibilityChanged.connect(
            lambda shown: shown and self.dashboard.refresh()
        )
        window.tabifyDockWidget(self.list_dock, self.dashboard_dock)
        self.list_dock.raise_()
        window.resizeDocks([self.list_dock], [280], Qt.Orientation.Vertical)
        self._build_actions()

        self.status = QLabel(window)
        window.statusBar().addPermanentWidget(self.status)
        window.documentOpened.connect(self._on_document)
        window.edited.connect(self.refresh_sides)
        window.view.selectionChangedCp.connect(self._on_cursor)
        for act in window.layer_actions.values():
            act.toggled.connect(lambda _on: self._sync_hidden_layers())
        if window.session is not None:
            self._on_document(window.session.doc_id)

    # ------------------------------------------------------------------ building

    def _dock(self, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(title.lower() + "_review_dock")
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        return dock

    def _build_list(self) -> None:
        self.model = DisagreementModel(self)
        table = QTableView(self.window)
        table.setObjectName("disagreement_table")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.horizontalHeader().setDefaultSectionSize(260)
        for column, width in ((0, 40), (1, 80), (2, 160)):
            table.setColumnWidth(column, width)
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(False)
        table.clicked.connect(self._on_row)
        table.activated.connect(self._on_row)
        self.table = table
        self.legend = QLabel(self.window)
        self.legend.setWordWrap(True)
        box = QWidget(self.window)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.legend)
        layout.addWidget(table, 1)
        self.list_dock = self._dock("Disagreements", box)

    def _build_side_by_side(self) -> None:
        """Put the gold view in a splitter, the annotators' views left and right of it."""
        window = self.window
        inner = window.takeCentralWidget()
        # A title over gold as over each annotator (side by side only): the three views
        # then start at the same height and show the same lines.
        self.gold_title = QLabel("<b>gold</b>", window)
        self.gold_title.setVisible(False)
        self.gold_centre = QWidget(window)
        column = QVBoxLayout(self.gold_centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.gold_title)
        column.addWidget(inner, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, window)
        self.splitter.setObjectName("review_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.gold_centre)
        window.setCentralWidget(self.splitter)
        self._place_panes()
        window.view.verticalScrollBar().valueChanged.connect(
            lambda _v: self._sync_scroll(window.view)
        )

    def _place_panes(self) -> None:
        """One hidden pane per compared annotator; gold in the middle of them."""
        for pane in self.panes.values():
            pane.hide()
            pane.setParent(None)
            pane.deleteLater()
        self.panes = {}
        for number, name in enumerate(self.annotators, 1):
            pane = AnnotatorPane(name, number, self.splitter)
            pane.setVisible(False)
            bar = pane.view.verticalScrollBar()
            bar.valueChanged.connect(lambda _v, v=pane.view: self._sync_scroll(v))
            # Laid out (shown, resized): take gold's place again.
            bar.rangeChanged.connect(lambda _a, _b: self._sync_scroll(self.window.view))
            self.panes[name] = pane
        panes = list(self.panes.values())
        half = (len(panes) + 1) // 2
        for position, widget in enumerate([*panes[:half], self.gold_centre, *panes[half:]]):
            self.splitter.insertWidget(position, widget)

    def _add(self, text: str, keys: Sequence[str], slot: object, **kw: bool) -> QAction:
        return self.window.registry.add(text, list(keys), slot, GROUP, **kw)  # type: ignore[arg-type]

    def _free(self, keys: Sequence[str]) -> list[str]:
        """``keys`` that no other action of the window uses (a label may own P, say)."""
        used = {
            k.toString() for act in self.window.actions_by_name.values() for k in act.shortcuts()
        }
        return [k for k in keys if QKeySequence(k).toString() not in used]

    def _build_actions(self) -> None:
        self.next_action = self._add(
            "Next disagreement", self._free(["N", "J"]), lambda: self.step(1)
        )
        self.previous_action = self._add(
            "Previous disagreement", self._free(["P", "K"]), lambda: self.step(-1)
        )
        self.advance_action = self._add(
            "After taking a side, go to the next disagreement",
            [],
            lambda: None,
            checkable=True,
            checked=True,
        )
        self.side_by_side_action = self._add(
            "Side by side", self._free(["F6"]), self._show_annotators, checkable=True, checked=False
        )
        self.overlay_all_action = self._add(
            "Overlay all annotator spans (not only disputed ones)",
            self._free(["F8"]),
            self._show_annotators,
            checkable=True,
            checked=False,
        )
        self._add("Agreement dashboard", self._free(["Ctrl+Shift+A"]), self.show_dashboard)
        self._add(
            "Next document to review",
            self._free(["Ctrl+Shift+PgDown"]),
            lambda: self.step_document(1),
        )
        self._add(
            "Previous document to review",
            self._free(["Ctrl+Shift+PgUp"]),
            lambda: self.step_document(-1),
        )
        self.menu = QMenu("&Review", self.window)
        bar = self.window.menuBar()
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)
        else:
            bar.addMenu(self.menu)
        self._side_actions: list[QAction] = []
        self._rebuild_side_actions()

    def _rebuild_side_actions(self) -> None:
        """Take-a-side actions, one pair per compared annotator (keys for the first nine)."""
        for act in self._side_actions:
            self.window.removeAction(act)
            self.window.registry.by_name.pop(act.text(), None)
            act.deleteLater()
        self._side_actions = []
        for i, name in enumerate(self.annotators):
            n = i + 1
            keyed = n <= MAX_KEYED
            self._side_actions.append(
                self._add(
                    f"Take {name}'s side ({n})",
                    self._free([str(n)] if keyed else []),
                    lambda k=i: self.accept(k),
                )
            )
            all_keys = [f"Ctrl+Shift+{n}", f"Ctrl+Shift+{SHIFTED_DIGITS[i]}"] if keyed else []
            self._side_actions.append(
                self._add(
                    f"Accept all of {name}", self._free(all_keys), lambda k=i: self.accept_all(k)
                )
            )
        self.menu.clear()
        fixed = [
            self.next_action,
            self.previous_action,
            *self._side_actions,
            self.advance_action,
            self.side_by_side_action,
            self.overlay_all_action,
        ]
        for act in fixed:
            self.menu.addAction(act)
        self.menu.addSeparator()
        for text in (
            "Agreement dashboard",
            "Next document to review",
            "Previous document to review",
            "Review…",
        ):
            act = self.window.actions_by_name.get(text)
            if act is not None:
                self.menu.addAction(act)
        self.menu.addSeparator()
        self.menu.addAction(self.list_dock.toggleViewAction())
        self.menu.addAction(self.dashboard_dock.toggleViewAction())

    # ------------------------------------------------------------------ documents

    def set_annotators(self, annotators: Sequence[str]) -> None:
        """Compare other annotators (the Review… action in a review window)."""
        # In place: the gold session factory reads this very list (see review_start).
        self.annotators[:] = list(annotators)
        self._place_panes()
        self._rebuild_side_actions()
        self.dashboard.set_annotators(self.annotators)
        if self.window.session is not None:
            self._on_document(self.window.session.doc_id)

    def _on_document(self, doc_id: str) -> None:
        self.current = None
        for pane in self.panes.values():
            pane.setProperty("doc", None)  # opened or reloaded: the panes read it again
        try:
            self.review = load_review(self.corpus, doc_id, self.annotators)
        except CorpusError as exc:
            self.review = None
            self.window.message(f"Cannot compare {doc_id}: {exc}", error=True)
            self.model.set_disagreements(self.annotators, [], [])
            return
        review = self.review
        self.model.set_disagreements(self.annotators, review.disagreements, self._sides())
        self._show_annotators()
        self.dashboard.set_document(doc_id)
        self._update_status()
        notes = list(review.problems)
        if len(review.annotations) < 2:
            have = ", ".join(review.annotations) or "none of them"
            notes.append(f"{doc_id}: nothing to compare (annotated by {have})")
        elif review.missing:
            notes.append(f"{doc_id}: no annotation by {', '.join(review.missing)}")
        session = self.window.session
        if isinstance(session, GoldSession) and session.pending_start:
            notes.append(
                f"gold starts from what all agree on ({len(session.spans)} spans); "
                "it is written at your first decision"
            )
        if notes:
            self.window.message(" · ".join(notes), error=bool(review.problems))

    def _sides(self) -> list[list[str]]:
        session = self.window.session
        if self.review is None or session is None:
            return []
        return all_gold_sides(self.review.disagreements, session.annotation, self.corpus.scheme)

    def refresh_sides(self) -> None:
        """After an edit, undo or redo: whose side gold takes, per disagreement."""
        self.model.set_sides(self._sides())
        self._update_status()

    def _update_status(self) -> None:
        review = self.review
        if review is None:
            self.status.setText("")
            return
        n = len(review.disagreements)
        counts = {name: 0 for name in review.annotations}
        other = 0
        for row in range(n):
            sides = self.model.sides(row)
            other += not sides
            for name in sides:
                counts[name] = counts.get(name, 0) + 1
        shown = ", ".join(f"{a} {c}" for a, c in counts.items())
        self.status.setText(
            f"review {', '.join(self.annotators)} · {n} disagreement{'s' * (n != 1)}"
            + (f" · gold agrees with {shown}, other {other}" if n else "")
        )

    # ------------------------------------------------------------------ annotators' spans

    def _show_annotators(self) -> None:
        """Overlay (annotators under the gold text) or side by side (a view per annotator)."""
        review = self.review
        side = self.side_by_side_action.isChecked()
        every = self.overlay_all_action.isChecked()
        annotations = review.annotations if review is not None else {}
        disputed = review.disputed_spans() if review is not None else {}
        shown: dict[str, Sequence[Span]] = (
            {a: ann.spans for a, ann in annotations.items()} if every else dict(disputed)
        )
        # Side by side, gold is shown clean: the annotators are next to it.
        self.window.view.set_compare_spans({} if side else shown)
        for name, pane in self.panes.items():
            annotation = annotations.get(name)
            visible = side and annotation is not None
            if visible and review is not None and annotation is not None:
                if pane.property("doc") != review.doc_id:
                    pane.view.set_document(review.text, annotation.spans, self.corpus.scheme)
                    pane.setProperty("doc", review.doc_id)
                pane.view.set_compare_spans({name: disputed.get(name, [])})
                pane.view.set_hidden_layers(self.window.view.hidden_layers())
            pane.setVisible(visible)
        self.gold_title.setVisible(side)
        if side:
            self.splitter.setSizes([1000] * self.splitter.count())  # equal widths: same lines
            d = self.disagreement()
            if d is not None and d.kind != "doc_label":
                for pane in self.panes.values():
                    if pane.isVisible():
                        pane.view.select_cp(d.end, d.start)
        names = ", ".join(annotations)
        if not names:
            self.legend.setText("Nothing to compare on this document.")
        elif side:
            self.legend.setText(
                f"Side by side: {names}, each with all their spans; disputed ones underlined."
            )
        else:
            which = "all their spans" if every else "disputed spans only"
            self.legend.setText(
                f"Under the gold text, one line per annotator, lowest first: {names} ({which}). "
                "The gold column says whose side gold takes now; red: nobody's."
            )
        self._sync_scroll(self.window.view)

    def _sync_hidden_layers(self) -> None:
        hidden = self.window.view.hidden_layers()
        for pane in self.panes.values():
            pane.view.set_hidden_layers(hidden)

    def _sync_scroll(self, source: SpanTextView) -> None:
        """Scroll the other views to the same place (same text, same width: same lines)."""
        if self._syncing:
            return
        self._syncing = True
        try:
            bar = source.verticalScrollBar()
            fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
            views = [self.window.view, *(p.view for p in self.panes.values() if p.isVisible())]
            for view in views:
                if view is not source:
                    other = view.verticalScrollBar()
                    other.setValue(round(fraction * other.maximum()))
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ navigation

    def disagreement(self) -> Disagreement | None:
        """The current disagreement, else the one at the cursor."""
        review = self.review
        if review is None:
            return None
        if self.current is not None and 0 <= self.current < len(review.disagreements):
            return review.disagreements[self.current]
        i = at_position(review.disagreements, self.window.view.cursor_cp())
        return review.disagreements[i] if i is not None else None

    def step(self, direction: int) -> Disagreement | None:
        """Go to the next (1) or previous (-1) disagreement, cycling; None when there is none."""
        review = self.review
        if review is None or not review.disagreements:
            self.window.message("No disagreements on this document")
            return None
        i = step(review.disagreements, self.current, direction, self.window.view.cursor_cp())
        assert i is not None
        if self.current is not None and (i - self.current) * direction < 0:
            self.window.message("Wrapped around")
        return self.go_to(i)

    def go_to(self, i: int) -> Disagreement | None:
        review = self.review
        session = self.window.session
        if review is None or session is None or not 0 <= i < len(review.disagreements):
            return None
        d = review.disagreements[i]
        self.current = i
        self._navigating = True
        try:
            self._select_row(i)
            if d.kind == "doc_label":
                self.window.doc_dock.show()
                self.window.doc_dock.raise_()
            else:
                # Anchor at the end, cursor at the start: a long unit (an article) shows its start.
                self.window.view.select_cp(d.end, d.start)
                for pane in self.panes.values():
                    if pane.isVisible():
                        pane.view.select_cp(d.end, d.start)
                gold = unit_gold_spans(d, session.spans, self.corpus.scheme)
                self.window.set_current_span(gold[0].id if len(gold) == 1 else None)
                self.window.view.select_cp(d.end, d.start)
        finally:
            self._navigating = False
        sides = self.model.gold_text(i)
        keys = ", ".join(f"{n} {a}" for n, a in enumerate(self.annotators, 1) if n <= MAX_KEYED)
        self.window.message(
            f"{i + 1}/{len(review.disagreements)} {d.describe()} — gold: {sides} · {keys}"
        )
        return d

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _on_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.go_to(index.row())

    def _on_cursor(self, start: int, _end: int) -> None:
        """A click or arrow in the text: the disagreement there becomes the current one."""
        if self._navigating or self.review is None:
            return
        i = at_position(self.review.disagreements, start)
        current = self.review.disagreements[self.current] if self.current is not None else None
        if (
            current is not None
            and current.kind != "doc_label"
            and current.start <= start < current.end
        ):
            return  # still inside the current one (a nested unit is reached with N)
        self.current = i
        if i is None:
            self.table.selectionModel().clearSelection()
        else:
            self._select_row(i)

    def step_document(self, direction: int) -> bool:
        """The next document two compared annotators marked and gold has not finished."""
        present = [self.corpus.annotated_ids(a) for a in self.annotators]
        statuses = self.corpus.statuses(GOLD)

        def wanted(doc_id: str) -> bool:
            return sum(doc_id in ids for ids in present) >= 2 and statuses.get(doc_id) != "done"

        return self.window.step_document(direction, wanted)

    # ------------------------------------------------------------------ taking sides

    def accept(self, k: int) -> bool:
        """Gold takes the ``k``-th (0-based) annotator's side in the current disagreement."""
        review, session = self.review, self.window.session
        if review is None or session is None or not 0 <= k < len(self.annotators):
            return False
        name = self.annotators[k]
        if name not in review.annotations:
            self.window.message(f"{name} did not annotate {review.doc_id}")
            return False
        d = self.disagreement()
        if d is None:
            self.window.message("No disagreement here (N goes to the next one)")
            return False
        batch = accept_side(session.annotation, d, name, review.text)
        row = review.disagreements.index(d)
        if not batch.edits:
            self.window.message(f"Gold already says what {name} says in {row + 1}")
        else:
            change = self.window.run_edit(lambda s: s.run(batch))
            if change is None:
                return False
            self.window.message(f"Took {name}'s side in {row + 1} ({d.kind})")
        if self.advance_action.isChecked() and row + 1 < len(review.disagreements):
            self.go_to(row + 1)
        else:
            self.current = row
        return True

    def accept_all(self, k: int) -> bool:
        """Gold takes the ``k``-th annotator's side in every disagreement (one undo step)."""
        review, session = self.review, self.window.session
        if review is None or session is None or not 0 <= k < len(self.annotators):
            return False
        name = self.annotators[k]
        if name not in review.annotations or len(review.annotations) < 2:
            self.window.message(f"Nothing to take from {name} on {review.doc_id}")
            return False
        batch = accept_all(
            session.annotation,
            review.annotations,
            name,
            review.text,
            self.corpus.scheme,
            review.disagreements,
        )
        if not batch.edits:
            self.window.message(f"Gold already says what {name} says everywhere")
            return False
        if self.window.run_edit(lambda s: s.run(batch)) is None:
            return False
        self.window.message(
            f"Took {name}'s side in all {len(review.disagreements)} disagreements (Ctrl+Z undoes it)"
        )
        return True

    # ------------------------------------------------------------------ dashboard

    def show_dashboard(self) -> AgreementDashboard:
        self.dashboard_dock.show()
        self.dashboard_dock.raise_()
        self.dashboard.refresh()
        return self.dashboard
