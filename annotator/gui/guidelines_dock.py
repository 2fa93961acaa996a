"""The Guidelines dock: ``CORPUS/guidelines.md`` rendered beside the text, searchable.

Two keys (View and Help menus): Ctrl+G shows or hides the dock; Shift+F1 (Qt's "what's
this?" key) shows the section of the current span's label, the span made current in the
text or the span list, else the innermost span at the cursor. The palette's tooltips take
the first lines of a label's section from here (:meth:`GuidelinesController.preview`).

A label's section is the one :func:`annotator.guidelines.section_for` finds (a heading named
after the label); here the same heading is found in the rendered document by its text, and
scrolled to the top of the dock with its name selected.

The file is read again whenever it changed on disk (a lead's ``annotator sync`` may bring a
new version while the app is open): checked by its size and time, at each use.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextBlock, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.corpus import CorpusError
from annotator.gui.actions import ActionRegistry
from annotator.gui.editor import DocumentEditor, Notify
from annotator.gui.side_panels import on_screen
from annotator.gui.textview import SpanTextView
from annotator.guidelines import (
    GUIDELINES_FILE,
    guidelines_path,
    heading_text,
    load_guidelines,
    section_body,
    section_for,
    write_starting_guidelines,
)

TOGGLE_KEY = "Ctrl+G"
SECTION_KEY = "Shift+F1"
#: Lines of a label's section shown in the palette's tooltip, and their width.
PREVIEW_LINES = 6
PREVIEW_WIDTH = 110
NOT_FOUND_STYLE = "QLineEdit { background: #ffd6d6; }"


def no_guide_text(root: Path) -> str:
    return (
        f"This corpus has no guidelines yet.\n\nWrite them in Markdown in {root / GUIDELINES_FILE}: "
        "one heading per label, named exactly after it (### PER), and they show here, beside "
        "the text. Hovering a label in the palette, or pressing Shift+F1 on a span, shows its "
        "section.\n\nThe button below writes a starting guide from the corpus's label scheme."
    )


class GuidelinesPanel(QWidget):
    """The dock's contents: a search row over the rendered guide."""

    #: Escape in the search field: the text takes the focus back.
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("guidelines_find")
        self.search.setPlaceholderText("Search the guidelines (Enter: next)")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(lambda: self.find(backward=False))
        self.search.textEdited.connect(lambda _t: self.find(incremental=True))
        self.search.installEventFilter(self)
        row.addWidget(self.search, 1)
        for text, backward in (("Previous", True), ("Next", False)):
            button = QToolButton(self)
            button.setText(text)
            button.clicked.connect(lambda _c=False, b=backward: self.find(backward=b))
            row.addWidget(button)
        layout.addLayout(row)
        self.result = QLabel("", self)
        self.result.setObjectName("guidelines_result")
        self.result.hide()
        layout.addWidget(self.result)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guidelines_view")
        self.browser.setOpenExternalLinks(True)
        layout.addWidget(self.browser, 1)
        self.create_button = QPushButton("Write a starting guide", self)
        self.create_button.setObjectName("guidelines_create")
        self.create_button.hide()
        layout.addWidget(self.create_button)

    # ------------------------------------------------------------------ content

    def show_markdown(self, markdown: str) -> None:
        self.browser.setMarkdown(markdown)
        self.create_button.hide()

    def show_note(self, text: str, can_create: bool) -> None:
        """No guide to show: say why (and how to add one)."""
        self.browser.setPlainText(text)
        self.create_button.setVisible(can_create)

    # ------------------------------------------------------------------ searching

    def find(self, backward: bool = False, incremental: bool = False) -> bool:
        """Select the next (previous) occurrence of the search text in the rendered guide,
        wrapping around; "not found" and a red field when there is none."""
        needle = self.search.text()
        if not needle:
            self._show_result(True, "")
            return False
        if incremental:
            # Typing on extends the match rather than jumping past it.
            cursor = self.browser.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.browser.setTextCursor(cursor)
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        found = self.browser.find(needle, flags)
        if not found:
            cursor = self.browser.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            found = self.browser.find(needle, flags)
        self._show_result(found, "" if found else f"not found: {needle}")
        return found

    def _show_result(self, found: bool, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(bool(text))
        self.search.setStyleSheet("" if found else NOT_FOUND_STYLE)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and isinstance(event, QKeyEvent):
            # Escape belongs to the field here, not to the window's "no current span".
            if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                if event.key() == Qt.Key.Key_Escape:
                    self.closed.emit()
                    return True
                if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                ):
                    self.find(backward=True)
                    return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ sections

    def heading_block(self, label: str) -> QTextBlock | None:
        """The rendered heading named after ``label`` (as :func:`find_heading` matches:
        exactly, else in another case)."""
        folded: QTextBlock | None = None
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                text = heading_text(block.text())
                if text == label:
                    return block
                if folded is None and text.casefold() == label.casefold():
                    folded = block
            block = block.next()
        return folded

    def scroll_to_heading(self, label: str) -> bool:
        """Select the heading of ``label`` and scroll it to the top; False when none."""
        block = self.heading_block(label)
        if block is None:
            return False
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        self.browser.setTextCursor(cursor)
        self._scroll_top(label)
        # A dock just shown is laid out after this: scroll again once it has its size (the
        # block is found again: the guide may have been reloaded meanwhile).
        QTimer.singleShot(0, self, lambda: self._scroll_top(label))
        return True

    def _scroll_top(self, label: str) -> None:
        block = self.heading_block(label)
        if block is not None:
            top = self.browser.document().documentLayout().blockBoundingRect(block).top()
            self.browser.verticalScrollBar().setValue(int(top))


class GuidelinesController(QObject):
    def __init__(
        self,
        corpus_root: Path,
        editor: DocumentEditor,
        view: SpanTextView,
        message: Notify,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.root = Path(corpus_root)
        self.path = guidelines_path(self.root)
        self.editor = editor
        self.view = view
        self.message = message
        self.panel = GuidelinesPanel()
        self.panel.closed.connect(view.setFocus)
        self.panel.create_button.clicked.connect(self.write_starting_guide)
        self.dock: QDockWidget | None = None
        #: The guide's text (None: no guide, or one that cannot be read).
        self.markdown: str | None = None
        #: Why the guide cannot be shown (a bad file), None when it can.
        self.error: str | None = None
        # Never a real stamp: the first reload reads the file.
        self._stamp: tuple[int, int] | None = (-1, -1)
        self.reload()

    def add_actions(self, registry: ActionRegistry) -> None:
        registry.add("Show or hide the guidelines", [TOGGLE_KEY], self.toggle, "View")
        registry.add("Guidelines of the current span's label", [SECTION_KEY], self.show_current_label, "Help")

    def attach(self, dock: QDockWidget) -> None:
        """The dock holding :attr:`panel`: a dock coming on screen reads a changed file."""
        self.dock = dock
        dock.visibilityChanged.connect(lambda shown: shown and self.reload())

    # ------------------------------------------------------------------ the file

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def reload(self) -> None:
        """Read the guide again if it changed on disk (or was never read)."""
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self.markdown, self.error = load_guidelines(self.root), None
        except CorpusError as exc:
            self.markdown, self.error = None, str(exc)
            self.message(f"The guidelines cannot be shown: {exc}", error=True)
        if self.markdown is not None:
            self.panel.show_markdown(self.markdown)
        elif self.error is not None:
            self.panel.show_note(f"The guidelines cannot be shown.\n\n{self.error}", can_create=False)
        else:
            self.panel.show_note(no_guide_text(self.root), can_create=True)

    def write_starting_guide(self) -> None:
        try:
            path = write_starting_guidelines(self.root, self.editor.scheme)
        except (CorpusError, OSError) as exc:
            self.message(f"No guide written: {exc}", error=True)
            return
        self.message(f"Wrote {path}: edit it to make it the team's")
        self.reload()

    # ------------------------------------------------------------------ sections

    def section(self, label: str) -> str | None:
        self.reload()
        return section_for(self.markdown, label) if self.markdown is not None else None

    def preview(self, label: str) -> list[str] | None:
        """The first lines of ``label``'s section as rendered (no Markdown marks), for a
        tooltip; None when the guide has no section for it."""
        section = self.section(label)
        if section is None:
            return None
        doc = QTextDocument()
        doc.setMarkdown(section_body(section))
        lines = [line.strip() for line in doc.toPlainText().splitlines() if line.strip()]
        shown = [line if len(line) <= PREVIEW_WIDTH else line[: PREVIEW_WIDTH - 1] + "…" for line in lines[:PREVIEW_LINES]]
        if len(lines) > PREVIEW_LINES:
            shown.append("… (Shift+F1 on a span, or the Guidelines dock, for the rest)")
        return shown

    def tooltip_html(self, label: str) -> str:
        """The guidelines part of a label's tooltip (HTML), "" when there is nothing to say."""
        lines = self.preview(label)
        if lines is None:
            if self.markdown is None:
                return ""
            return f"<p><i>{GUIDELINES_FILE} has no section “{html.escape(label)}”.</i></p>"
        body = "<br>".join(html.escape(line) for line in lines)
        return f"<p><i>Guidelines:</i><br>{body}</p>"

    def current_label(self) -> str | None:
        """The label of the current span, else of the innermost span at the cursor."""
        session = self.editor.session
        if session is None:
            return None
        span = session.span(self.editor.current_span) if self.editor.current_span else None
        if span is None:
            at = self.view.span_ids_at(self.view.cursor_cp())
            span = session.span(at[-1]) if at else None
        return span.label if span is not None else None

    # ------------------------------------------------------------------ showing

    def show_dock(self) -> None:
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
        self.reload()

    def toggle(self) -> None:
        if self.dock is not None and on_screen(self.dock):
            self.dock.hide()
            return
        self.show_dock()

    def show_label(self, label: str) -> bool:
        """Bring the dock forward at ``label``'s section; False (and a message) when the
        guide has none."""
        self.show_dock()
        if self.markdown is None:
            self.message(self.error or f"No guidelines yet: write them in {self.path}", error=self.error is not None)
            return False
        if not self.panel.scroll_to_heading(label):
            self.message(f"{self.path} has no section for {label} (a heading named “{label}”)")
            return False
        return True

    def show_current_label(self) -> None:
        label = self.current_label()
        if label is None:
            self.message("No span here: select one (Tab, or the span list) to see its label's guidelines")
            self.show_dock()
            return
        self.show_label(label)
