"""Issue 11, small things that cost time every day: undo history kept per document, the span
list following its selection, a searchable shortcuts help, side panels that give way to the
text, readable dashboard headers. Keys are sent as real key events to the focused widget."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewController
from annotator.gui.shortcuts_help import ShortcutsDialog, key_text, row_matches
from annotator.gui.side_panels import MIN_DOCK_WIDTH, TEXT_SHARE
from tests.conftest import add_text

pytestmark = pytest.mark.gui

NO_AUTOSAVE_MS = 600_000


def key(qtbot: QtBot, keys: str, widget: QWidget | None = None, times: int = 1) -> None:
    """Press ``keys`` as the real key on the focused widget (or ``widget``)."""
    combo = QKeySequence(keys)[0]
    target = widget or QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    for _ in range(times):
        qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def corpus_of(tmp_path: Path, docs: dict[str, str]) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="comforts")
    for doc_id, text in docs.items():
        add_text(corpus, doc_id, text)
    return tmp_path / "c"


def saved(root: Path, doc_id: str) -> dict:
    return orjson.loads((root / "annotations" / "tester" / f"{doc_id}.json").read_bytes())


def spans_of(data: dict) -> list[tuple[str, str]]:
    return sorted((s["label"], s["text"]) for s in data["spans"])


def select(window: MainWindow, word: str) -> None:
    text = window.session.text  # type: ignore[union-attr]
    start = text.index(word)
    window.view.select_cp(start, start + len(word))


# ---------------------------------------------------------------------- undo per document


def test_undo_history_survives_switching_documents(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    """Mark in A, go to B, come back: Ctrl+Z still takes back A's mark (and Ctrl+Shift+Z
    brings it back); B's own history is B's."""
    root = corpus_of(tmp_path, {"a": "Kim met Lee in Seoul", "b": "Park went to Busan"})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == "a"
    select(window, "Kim")
    key(qtbot, "P")
    select(window, "Seoul")
    key(qtbot, "L")
    key(qtbot, "Ctrl+PgDown")
    assert window.session.doc_id == "b"
    assert spans_of(saved(root, "a")) == [("LOC", "Seoul"), ("PER", "Kim")]  # saved on leaving
    select(window, "Busan")
    key(qtbot, "L")
    key(qtbot, "Ctrl+PgUp")
    assert window.session.doc_id == "a"
    assert window.undo_action is not None and window.undo_action.text() == "Undo mark LOC"

    key(qtbot, "Ctrl+Z")
    key(qtbot, "Ctrl+S")
    assert spans_of(saved(root, "a")) == [("PER", "Kim")]
    key(qtbot, "Ctrl+Z")
    key(qtbot, "Ctrl+S")
    assert spans_of(saved(root, "a")) == []
    key(qtbot, "Ctrl+Shift+Z")
    key(qtbot, "Ctrl+S")
    assert spans_of(saved(root, "a")) == [("PER", "Kim")]
    # B kept its own stack: one undo there takes back Busan only.
    key(qtbot, "Ctrl+PgDown")
    assert spans_of(saved(root, "b")) == [("LOC", "Busan")]
    key(qtbot, "Ctrl+Z")
    key(qtbot, "Ctrl+S")
    assert spans_of(saved(root, "b")) == []
    assert "Nothing to undo" not in window.messages


def test_a_document_changed_on_disk_meanwhile_forgets_its_history(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    """Someone else writes A while B is open: back in A, the history that would undo into a
    state nobody saved is gone, and A shows their file."""
    root = corpus_of(tmp_path, {"a": "Kim met Lee in Seoul", "b": "Park went to Busan"})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    select(window, "Kim")
    key(qtbot, "P")
    key(qtbot, "Ctrl+PgDown")
    assert window.navigator.kept_history("a") is not None
    path = root / "annotations" / "tester" / "a.json"
    theirs = saved(root, "a")
    theirs["spans"][0]["label"] = "ORG"
    path.write_bytes(orjson.dumps(theirs))
    key(qtbot, "Ctrl+PgUp")
    assert window.session is not None and window.session.doc_id == "a"
    assert [s.label for s in window.session.spans] == ["ORG"]
    assert any("changed on disk since you left it" in m for m in window.messages)
    key(qtbot, "Ctrl+Z")
    assert window.messages[-1] == "Nothing to undo"
    key(qtbot, "Ctrl+S")
    assert spans_of(saved(root, "a")) == [("ORG", "Kim")]


def test_a_reloaded_document_keeps_no_stale_history(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    """Reload from disk (Ctrl+Shift+R) starts A afresh: after a switch and back there is
    nothing from before the reload to undo."""
    root = corpus_of(tmp_path, {"a": "Kim met Lee in Seoul", "b": "Park went to Busan"})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    select(window, "Kim")
    key(qtbot, "P")
    key(qtbot, "Ctrl+S")
    key(qtbot, "Ctrl+Shift+R")
    key(qtbot, "Ctrl+PgDown")
    assert window.navigator.kept_history("a") is None
    key(qtbot, "Ctrl+PgUp")
    key(qtbot, "Ctrl+Z")
    assert window.messages[-1] == "Nothing to undo"
    assert spans_of(saved(root, "a")) == [("PER", "Kim")]


# ---------------------------------------------------------------------- the span list


def test_arrow_keys_in_the_span_list_move_the_current_span(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    text = "Kim met Lee in Seoul"
    root = corpus_of(tmp_path, {"a": text})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    for word, label in (("Kim", "P"), ("Lee", "P"), ("Seoul", "L")):
        select(window, word)
        key(qtbot, label)
    session = window.session
    assert session is not None
    by_text = {s.text: s.id for s in session.spans}
    window.set_current_span(by_text["Kim"])
    key(qtbot, "Ctrl+K")
    assert window.span_table.hasFocus()

    key(qtbot, "Down")
    assert window.current_span == by_text["Lee"]
    assert window.view.cursor_cp() == text.index("Lee")  # the text follows
    assert window.attr_editor.span_id == by_text["Lee"]
    key(qtbot, "Down")
    assert window.current_span == by_text["Seoul"]
    key(qtbot, "Up", times=2)
    assert window.current_span == by_text["Kim"]
    assert window.span_table.hasFocus()  # the list keeps the keys

    # Deleting from the list removes a row: the neighbour the list moves to is not made
    # current behind the user's back (Del's own rule: no current span after it).
    key(qtbot, "Down")
    key(qtbot, "Delete")
    assert window.current_span is None
    key(qtbot, "Ctrl+S")
    assert spans_of(saved(root, "a")) == [("LOC", "Seoul"), ("PER", "Kim")]


# ---------------------------------------------------------------------- the shortcuts help


def test_keys_are_shown_as_pressed() -> None:
    assert key_text(QKeySequence("A")) == "a"
    assert key_text(QKeySequence("Shift+A")) == "Shift+A"
    assert key_text(QKeySequence("Ctrl+S")) == "Ctrl+S"
    assert key_text(QKeySequence("F2")) == "F2"
    assert key_text(QKeySequence("?")) == "?"
    assert row_matches(["Edit", "Undo", "Ctrl+Z"], "ctrl + z")
    assert row_matches(["Edit", "Redo", "Ctrl+Shift+Z, Ctrl+Y"], "redo ctrl+y")
    assert not row_matches(["Edit", "Undo", "Ctrl+Z"], "undo ctrl+y")


def test_the_shortcuts_help_is_searchable(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    root = corpus_of(tmp_path, {"a": "Kim met Lee"})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    key(qtbot, "F1", widget=window.view)
    dialog = window._shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog)
    rows = dialog.shown_rows()
    assert ("Marking", "Mark boilerplate", "b") in rows
    assert ("Line mode", "Mark line(s) as boilerplate", "Shift+B") in rows
    assert len(rows) == len([a for a in window.actions_by_name.values() if a.shortcuts()])

    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.filter_edit)
    qtbot.keyClicks(dialog.filter_edit, "undo")
    assert dialog.shown_rows() == [("Edit", "Undo", "Ctrl+Z")]
    dialog.filter_edit.clear()
    qtbot.keyClicks(dialog.filter_edit, "shift+b")
    assert dialog.shown_rows() == [("Line mode", "Mark line(s) as boilerplate", "Shift+B")]
    dialog.filter_edit.clear()
    qtbot.keyClicks(dialog.filter_edit, "ctrl+y")
    assert dialog.shown_rows() == [("Edit", "Redo", "Ctrl+Shift+Z, Ctrl+Y")]
    dialog.filter_edit.clear()
    assert len(dialog.shown_rows()) == len(rows)
    dialog.close()


# ---------------------------------------------------------------------- side panels


def test_side_panels_leave_the_text_its_width_on_a_laptop_screen(
    qtbot: QtBot, demo_copy: tuple[Path, str], open_window: Callable[..., MainWindow]
) -> None:
    root, _ = demo_copy
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    docks = window.side_panels.side_docks()
    assert {d.objectName() for d in docks} >= {"documents_dock", "spans_dock", "labels_dock"}
    assert all(d.minimumWidth() >= MIN_DOCK_WIDTH for d in docks)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366)
    # Shown: the docks shrink (not below their minimum) so the text keeps its share.
    qtbot.waitUntil(lambda: window.view.width() >= int(1366 * TEXT_SHARE) - 2)
    assert all(d.width() >= MIN_DOCK_WIDTH for d in docks if d.isVisible())


# ---------------------------------------------------------------------- dashboard headers


def test_dashboard_headers_are_readable(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _ = demo_copy
    window, review = open_review(root)
    window.resize(1366, 768)
    dashboard = review.show_dashboard()
    qtbot.waitUntil(lambda: dashboard.corpus_result is not None)
    checked = 0
    for pane in (dashboard.corpus_pane, dashboard.document_pane):
        for table in pane.tables():
            model, header = table.model(), table.horizontalHeader()
            for column in range(model.columnCount()):
                text = model.headerData(column, Qt.Orientation.Horizontal)
                tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
                assert isinstance(tip, str) and tip.startswith(text), (text, tip)
                # As wide as the header needs: nothing elided.
                assert header.sectionSize(column) >= header.sectionSizeHint(column), text
                checked += 1
    assert checked > 20
    tip = dashboard.corpus_pane.label_model.headerData(
        dashboard.corpus_pane.label_model.columns.index(
            next(c for c in dashboard.corpus_pane.label_model.columns if c.key == "f1_overlap")
        ),
        Qt.Orientation.Horizontal,
        Qt.ItemDataRole.ToolTipRole,
    )
    assert tip == "F1 overlap: F1 of spans of the same label that overlap"
