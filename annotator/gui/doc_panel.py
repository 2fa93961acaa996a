"""The document panel: document labels (page type), status, and the problems list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QListWidget, QListWidgetItem, QWidget

from annotator.gui.doc_list import STATUS_TEXT
from annotator.model import STATUSES, Annotation, LabelScheme
from annotator.rules import Problem


class DocumentPanel(QWidget):
    #: (document label name, value or None)
    docLabelChosen = Signal(str, object)
    statusChosen = Signal(str)
    #: a problem naming a span was clicked (its id)
    problemActivated = Signal(str)

    def __init__(self, scheme: LabelScheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.doc_label_combos: dict[str, QComboBox] = {}
        for definition in scheme.doc_labels:
            combo = QComboBox(self)
            combo.setObjectName(f"doc_label_{definition.name}")
            combo.addItem("(not set)", None)
            for value in definition.values:
                combo.addItem(value, value)
            combo.activated.connect(
                lambda _i, n=definition.name, c=combo: self.docLabelChosen.emit(n, c.currentData())
            )
            self.doc_label_combos[definition.name] = combo
            form.addRow(definition.name, combo)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("status_combo")
        for status in STATUSES:
            self.status_combo.addItem(STATUS_TEXT[status], status)
        self.status_combo.activated.connect(lambda _i: self.statusChosen.emit(self.status_combo.currentData()))
        form.addRow("status", self.status_combo)
        #: The problems listed now.
        self._shown: list[Problem] = []
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("problem_list")
        self.problem_list.itemActivated.connect(self._on_problem)
        self.problem_list.itemClicked.connect(self._on_problem)
        # Wrapped: a long label would hold the whole dock wider than the text can spare.
        heading = QLabel("problems (must be none for done):", self)
        heading.setWordWrap(True)
        form.addRow(heading)
        form.addRow(self.problem_list)

    def show_annotation(self, annotation: Annotation, read_only: bool) -> None:
        for name, combo in self.doc_label_combos.items():
            combo.setCurrentIndex(max(0, combo.findData(annotation.doc_labels.get(name))))
            combo.setEnabled(not read_only)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(annotation.status)))
        self.status_combo.setEnabled(not read_only)

    def show_problems(self, problems: Sequence[Problem]) -> None:
        problems = list(problems)
        if problems == self._shown and self.problem_list.count() == len(problems):
            return  # re-checked after an edit and unchanged: the list (and its selection) stays
        self._shown = problems
        self.problem_list.clear()
        for problem in problems:
            if problem.path:
                text = str(problem)
            else:
                text = (f"{problem.span_id}: " if problem.span_id else "") + problem.message
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, problem.span_id)
            self.problem_list.addItem(item)

    def _on_problem(self, item: QListWidgetItem) -> None:
        span_id = item.data(Qt.ItemDataRole.UserRole)
        if span_id:
            self.problemActivated.emit(str(span_id))
