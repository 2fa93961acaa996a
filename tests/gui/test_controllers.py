"""The window's controllers on their own: wired to bare widgets, not to a MainWindow.

The main-window tests cover the wiring; these pin each controller's contract (what it asks
of the others, what it announces), which is what lets the window stay a wiring module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QStatusBar, QTableView, QWidget
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.edits import Change, make_span
from annotator.gui.attr_editor import AttributeEditor
from annotator.gui.doc_browser import DocumentBrowser
from annotator.gui.doc_panel import DocumentPanel
from annotator.gui.document_controller import DocumentController
from annotator.gui.editor import DocumentEditor, Edit
from annotator.gui.find_bar import FindBar
from annotator.gui.marking import MarkingController
from annotator.gui.navigation import DocumentNavigator
from annotator.gui.persistence import PersistenceController
from annotator.gui.span_table import SpanTableModel
from annotator.gui.suggestion_controller import SuggestionController
from annotator.gui.textview import SpanTextView
from annotator.gui.view_controls import ViewController
from annotator.session import DocumentSession
from tests.conftest import add_text

pytestmark = pytest.mark.gui

TEXT = "MENU home\nKim met Lee in Seoul.\nfooter"


@dataclass
class Parts:
    """An editor over real widgets, with the messages it showed."""

    corpus: Corpus
    root: QWidget
    view: SpanTextView
    browser: DocumentBrowser
    editor: DocumentEditor
    messages: list[tuple[str, bool]] = field(default_factory=list)

    def open(self, doc_id: str) -> DocumentSession:
        session = DocumentSession.open(self.corpus, "tester", doc_id)
        self.editor.show_session(session)
        return session


@pytest.fixture
def parts(qtbot: QtBot, tmp_path: Path) -> Parts:
    corpus = Corpus.create(tmp_path / "c", name="p")
    for doc_id in ("a", "b", "c"):
        add_text(corpus, doc_id, TEXT)
    root = QWidget()
    qtbot.addWidget(root)
    scheme = corpus.scheme
    view = SpanTextView(root)
    browser = DocumentBrowser(corpus, "tester", root)
    browser.model.fill_all()
    messages: list[tuple[str, bool]] = []
    editor = DocumentEditor(
        scheme,
        view=view,
        span_model=(span_model := SpanTableModel(scheme, root)),
        span_table=(table := QTableView(root)),
        attr_editor=AttributeEditor(scheme, root),
        doc_panel=DocumentPanel(scheme, root),
        preview=QPlainTextEdit(root),
        doc_model=browser.model,
        message=lambda text, error=False: messages.append((text, error)),
        parent=root,
    )
    table.setModel(span_model)
    return Parts(corpus, root, view, browser, editor, messages)


def mark(label: str, start: int, end: int) -> Edit:
    """A mark as a plain edit (the session also returns the new span's id)."""

    def run(session: DocumentSession) -> Change | None:
        result = session.mark(label, start, end)
        return result[0] if result else None

    return run


def saved(parts: Parts, doc_id: str) -> dict:
    return orjson.loads(parts.corpus.annotation_path("tester", doc_id).read_bytes())


# ---------------------------------------------------------------- editor


def test_editor_announces_a_session_then_the_document_last(parts: Parts) -> None:
    order: list[str] = []
    parts.editor.sessionShown.connect(lambda s: order.append(f"shown {s.doc_id}"))
    parts.editor.documentOpened.connect(lambda d: order.append(f"opened {d}"))
    parts.open("a")
    assert order == ["shown a", "opened a"]
    assert parts.editor.current_span is None


def test_editor_applies_an_edit_then_says_edited(parts: Parts) -> None:
    parts.open("a")
    order: list[str] = []
    parts.editor.spansChanged.connect(lambda: order.append("spans"))
    parts.editor.applied.connect(lambda: order.append("applied"))
    parts.editor.edited.connect(lambda: order.append("edited"))
    change = parts.editor.run(mark("PER", 10, 13))
    assert change is not None and order == ["spans", "applied", "edited"]
    # An edit the core refuses is a message, never an exception.
    parts.editor.run(lambda s: s.delete("no-such-span"))
    assert parts.messages[-1][1] is True


# ---------------------------------------------------------------- marking


def test_marking_marks_the_selection_then_relabels_the_current_span(parts: Parts) -> None:
    marking = MarkingController(parts.editor, parts.view, parts.editor.attr_editor)
    session = parts.open("a")
    parts.view.select_cp(10, 13)
    marking.mark_label("PER")
    assert [(s.label, s.text) for s in session.spans] == [("PER", "Kim")]
    assert parts.editor.current_span == session.spans[0].id
    assert parts.view.selection_cp() == (13, 13)  # collapsed: the key now relabels
    marking.mark_label("ORG")
    assert [s.label for s in session.spans] == ["ORG"]


def test_marking_escape_announces_it(parts: Parts) -> None:
    marking = MarkingController(parts.editor, parts.view, parts.editor.attr_editor)
    parts.open("a")
    cleared: list[bool] = []
    marking.currentCleared.connect(lambda: cleared.append(True))
    marking.clear_current()
    assert cleared == [True]
    marking.delete_current()
    assert "No current span" in parts.messages[-1][0]


def test_line_mode_moves_on_to_the_next_line(parts: Parts) -> None:
    marking = MarkingController(parts.editor, parts.view, parts.editor.attr_editor)
    session = parts.open("a")
    parts.view.select_cp(0, 0)
    marking.mark_lines("boilerplate")
    assert [s.text for s in session.spans] == ["MENU home"]
    marking.mark_lines("boilerplate")
    # The second press marked the next line; right below the block, it joined it.
    assert [s.text for s in session.spans] == ["MENU home\nKim met Lee in Seoul."]


# ---------------------------------------------------------------- suggestions


def test_suggestions_load_with_the_session_and_accept_as_an_edit(parts: Parts) -> None:
    ghost = parts.corpus.new_annotation("suggestions", "a", TEXT)
    ghost.spans.append(make_span(TEXT, 10, 13, "PER", "g1", {}))
    parts.corpus.save_annotation(ghost)
    suggestions = SuggestionController(parts.editor, parts.view)
    parts.editor.sessionShown.connect(suggestions.on_session_shown)
    session = parts.open("a")
    assert suggestions.step(1) is not None
    suggestions.accept()
    assert [(s.label, s.text) for s in session.spans] == [("PER", "Kim")]
    assert session.pending_suggestions() == []
    assert session.history.can_undo  # accepting is undoable, like any edit


# ---------------------------------------------------------------- persistence


def persistence_for(parts: Parts, answer: str = "keep") -> tuple[PersistenceController, list[str]]:
    asked: list[str] = []
    controller = PersistenceController(
        parts.editor,
        parts.root,
        corpus_name="p",
        annotator="tester",
        state_label=QLabel(parts.root),
        ask=lambda path: asked.append(path) or answer,
        autosave_ms=10,
    )
    parts.editor.sessionShown.connect(controller.on_session_shown)
    parts.editor.applied.connect(controller.on_applied)
    return controller, asked


def test_autosave_follows_an_edit_and_the_title_says_so(qtbot: QtBot, parts: Parts) -> None:
    persistence, _ = persistence_for(parts)
    parts.open("a")
    assert parts.root.windowTitle() == "a — p — tester — saved"
    parts.editor.run(mark("PER", 10, 13))
    assert parts.root.windowTitle().endswith("unsaved")
    qtbot.waitUntil(lambda: parts.root.windowTitle().endswith(" saved"), timeout=3000)
    assert [s["text"] for s in saved(parts, "a")["spans"]] == ["Kim"]
    assert persistence.quit()


def test_a_conflict_asks_and_keep_mine_keeps_theirs_aside(parts: Parts) -> None:
    persistence, asked = persistence_for(parts, "keep")
    parts.open("a")
    parts.editor.run(mark("PER", 10, 13))
    assert persistence.save_now()
    theirs = parts.corpus.load_annotation("tester", "a").annotation  # type: ignore[union-attr]
    theirs.status = "skipped"
    parts.corpus.save_annotation(theirs)
    parts.editor.run(mark("PER", 18, 21))
    assert persistence.save_now()
    assert asked and [s["text"] for s in saved(parts, "a")["spans"]] == ["Kim", "Lee"]
    assert "kept in" in parts.messages[-1][0]


def test_disk_changes_are_ignored_while_closing(parts: Parts) -> None:
    persistence, _ = persistence_for(parts)
    session = parts.open("a")
    theirs = parts.corpus.new_annotation("tester", "a")
    theirs.doc_labels["page_type"] = "broken"
    parts.corpus.save_annotation(theirs)
    persistence.closing = True
    persistence.check_disk()
    assert parts.editor.session is session
    persistence.closing = False
    persistence.check_disk()
    assert parts.editor.session is not session
    assert parts.editor.session.annotation.doc_labels == {"page_type": "broken"}  # type: ignore[union-attr]


# ---------------------------------------------------------------- navigation and documents


def navigator_for(parts: Parts, flush: bool = True) -> DocumentNavigator:
    navigator = DocumentNavigator(
        parts.editor,
        parts.browser,
        corpus=parts.corpus,
        annotator="tester",
        open_session=DocumentSession.open,
        flush=lambda: flush,
        progress_label=QLabel(parts.root),
    )
    parts.editor.sessionShown.connect(navigator.on_session_shown)
    parts.browser.documentChosen.connect(navigator.on_document_chosen)
    return navigator


def test_a_document_is_left_only_once_saved(parts: Parts) -> None:
    navigator = navigator_for(parts, flush=False)
    session = parts.open("a")
    assert not navigator.open_document("b")
    assert parts.editor.session is session
    # A row picked in the list that cannot open: the list goes back to the open document.
    parts.browser.table.selectRow(parts.browser.row_of("c"))
    assert parts.editor.session is session
    assert parts.browser.table.currentIndex().row() == parts.browser.row_of("a")


def test_step_document_follows_the_filtered_list(parts: Parts) -> None:
    navigator = navigator_for(parts)
    parts.open("a")
    chosen: list[str] = []
    parts.browser.documentChosen.connect(chosen.append)
    parts.browser.filter_edit.setText("c")
    assert chosen == []  # a filter shows other rows; it picks nothing
    assert navigator.step_document(1) and parts.editor.session.doc_id == "c"  # type: ignore[union-attr]
    assert not navigator.step_document(1)
    assert parts.messages[-1][0] == "No more documents in this direction"


def test_done_refused_on_problems_asks_for_the_panel(parts: Parts) -> None:
    documents = DocumentController(parts.editor, navigator_for(parts))
    parts.open("a")
    shown: list[bool] = []
    documents.problemsShown.connect(lambda: shown.append(True))
    # A title outside any article: the rules keep the document from "done".
    parts.editor.run(mark("title", 10, 13))
    assert not documents.set_status("done")
    assert shown == [True] and parts.messages[-1][0].startswith("Not done")
    assert parts.editor.session.annotation.status != "done"  # type: ignore[union-attr]


# ---------------------------------------------------------------- view


def test_zoom_reset_undoes_every_step(parts: Parts) -> None:
    controls = ViewController(parts.view, FindBar(parts.root), QStatusBar(parts.root))
    parts.open("a")
    size = parts.view.font().pointSizeF()
    controls.zoom(2)
    controls.zoom(1)
    assert parts.view.font().pointSizeF() > size
    controls.zoom(-controls.zoom_steps)
    assert parts.view.font().pointSizeF() == size
