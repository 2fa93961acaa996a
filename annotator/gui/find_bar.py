"""The find bar under the text (Ctrl+F): type to search, Enter / F3 next, Shift+Enter /
Shift+F3 previous, Escape closes and gives the focus back to the text, Ctrl+Enter closes it
and arms "mark every match": the next label key marks them all (an entity string in three
keys: Ctrl+F, Ctrl+Enter, the label).

A typed space also finds no-break spaces (see :mod:`annotator.text_search`); the bar shows
which match is selected out of how many, and the view highlights them all while it is open.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindBar(QWidget):
    #: (needle, backward, case sensitive, incremental: search again from the match's start)
    findRequested = Signal(str, bool, bool, bool)
    #: The needle was erased: nothing to highlight any more.
    cleared = Signal()
    closed = Signal()
    #: Ctrl+Enter: mark every whole-word match of this needle (case sensitive or not, as
    #: the bar matches) with the next label key.
    markAllRequested = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(QLabel("Find:"))
        self.edit = QLineEdit(self)
        self.edit.setObjectName("find_edit")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(lambda: self.find(backward=False))
        self.edit.textEdited.connect(self._on_edited)
        self.edit.installEventFilter(self)
        layout.addWidget(self.edit, 1)
        self.case = QCheckBox("Match case", self)
        self.case.toggled.connect(lambda _on: self.find(backward=False, incremental=True))
        layout.addWidget(self.case)
        for text, backward in (("Previous", True), ("Next", False)):
            button = QToolButton(self)
            button.setText(text)
            button.clicked.connect(lambda _c=False, b=backward: self.find(backward=b))
            layout.addWidget(button)
        self.result = QLabel("", self)
        layout.addWidget(self.result)
        close = QToolButton(self)
        close.setText("✕")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.hide()

    def open_bar(self, initial: str = "") -> None:
        if initial and "\n" not in initial:
            self.edit.setText(initial)
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def find(self, backward: bool = False, incremental: bool = False) -> None:
        needle = self.edit.text()
        if needle:
            self.findRequested.emit(needle, backward, self.case.isChecked(), incremental)

    def _on_edited(self, text: str) -> None:
        if text:
            self.find(backward=False, incremental=True)
        else:
            self.show_result(True)
            self.cleared.emit()

    def show_result(self, found: bool, index: int = -1, count: int = 0) -> None:
        """Found or not; ``index`` (0-based) of ``count`` matches is the selected one."""
        if not found:
            self.result.setText("not found")
        elif count:
            self.result.setText(f"{index + 1} of {count}")
        else:
            self.result.setText("")
        self.edit.setStyleSheet("" if found else "QLineEdit { background: #ffd6d6; }")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Keys inside the line edit: Escape closes, Shift+Enter searches backwards, Ctrl+Enter
        # arms "mark every match".
        if (
            watched is self.edit
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (event.key() == Qt.Key.Key_Escape or _is_ctrl_enter(event))
        ):
            # Claimed before the window's shortcuts on the same keys ("no current span",
            # "done, then next document").
            event.accept()
            return True
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if _is_ctrl_enter(event):
                needle = self.edit.text()
                self.close_bar()
                if needle:
                    self.markAllRequested.emit(needle, self.case.isChecked())
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.find(backward=True)
                return True
        return super().eventFilter(watched, event)


def _is_ctrl_enter(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )
