"""The annotator's queue from ``assignments.json`` in the app (issue 13): the window opens on
the next unfinished queued document, the list shows the queue first (the whole corpus one
filter away), Ctrl+Enter follows the queue, and a broken plan never stops the app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.assign import assignments_path, next_unfinished, plan, queue_of, save_assignments
from annotator.corpus import Corpus
from annotator.gui.app import remember_document
from annotator.gui.main_window import MainWindow
from tests.conftest import add_text

pytestmark = pytest.mark.gui

#: No autosave during a test: files change only when a test says so.
NO_AUTOSAVE_MS = 600_000
#: The corpus a..k; the plan covers b, d, f, h, j only, so that every planned document has
#: an unplanned one after it in the corpus's order (what the old Ctrl+Enter would open).
CORPUS_IDS = list("abcdefghijk")
PLANNED = list("bdfhj")
CTRL = Qt.KeyboardModifier.ControlModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier


def make_corpus(tmp_path: Path) -> tuple[Path, Corpus]:
    corpus = Corpus.create(tmp_path / "c", name="queue")
    for doc_id in CORPUS_IDS:
        add_text(corpus, doc_id, f"The text of document {doc_id}.")
    return tmp_path / "c", corpus


def assign(corpus: Corpus, doc_ids: list[str] = PLANNED) -> list[str]:
    """Plan ``doc_ids`` for tester and bob as ``annotator assign`` does; tester's queue."""
    result = plan(doc_ids, ["tester", "bob"], overlap=0.4, per_overlap=2, seed=0)
    save_assignments(corpus, result.assignments)
    queue = queue_of(result.assignments, "tester")
    # The tests below need a queue in an order of its own, not the corpus's.
    assert len(queue) == 4 and queue != sorted(queue), queue
    return queue


def mark_done(corpus: Corpus, doc_id: str) -> None:
    """Tester finished ``doc_id`` in an earlier session: its saved file says done."""
    annotation = corpus.new_annotation("tester", doc_id)
    annotation.doc_labels["page_type"] = "non-article"
    annotation.status = "done"
    corpus.save_annotation(annotation)


def saved_status(root: Path, doc_id: str) -> str:
    return orjson.loads((root / "annotations" / "tester" / f"{doc_id}.json").read_bytes())["status"]


def rows(window: MainWindow) -> list[str]:
    """The document list as shown, top to bottom."""
    return [window.browser.doc_at(r) for r in range(window.doc_proxy.rowCount())]


def key(qtbot: QtBot, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A real key press, to the focused widget (window shortcuts take it from there)."""
    target = QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    qtbot.keyClick(target, k, mods)


@pytest.fixture
def direct_windows(qtbot: QtBot) -> Iterator[Callable[..., MainWindow]]:
    """MainWindow built directly (no lock), for the start_doc argument; closed afterwards."""
    windows: list[MainWindow] = []

    def start(corpus: Corpus, **kwargs: object) -> MainWindow:
        window = MainWindow(corpus, "tester", autosave_ms=NO_AUTOSAVE_MS, **kwargs)  # type: ignore[arg-type]
        windows.append(window)
        return window

    yield start
    for window in windows:
        window.close()
        window.deleteLater()


def test_next_unfinished_wraps_round_and_never_returns_the_current() -> None:
    status = {"a": "done", "b": "todo", "c": "done", "d": "skipped"}.__getitem__
    assert next_unfinished(list("abcd"), status) == "b"
    assert next_unfinished(list("abcd"), status, after="b") == "d"
    assert next_unfinished(list("abcd"), status, after="d") == "b"  # wraps to the one passed over
    assert next_unfinished(list("ab"), status, after="b") is None  # nothing else left
    assert next_unfinished(list("abcd"), status, after="zz") == "b"  # not in the queue: from the start
    assert next_unfinished([], status) is None


def test_opens_the_first_unfinished_queued_document_and_lists_the_queue_first(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    root, corpus = make_corpus(tmp_path)
    queue = assign(corpus)
    mark_done(corpus, queue[0])
    # The document open last time is not where the queue is: the queue wins.
    remember_document(corpus, "tester", "a")
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == queue[1]

    # "My queue" by default: only tester's documents, in the queue's order.
    browser = window.browser
    assert not browser.queue_filter.isHidden()
    assert browser.queue_filter.currentText() == "My queue (4)"
    assert rows(window) == queue
    assert window.doc_table.currentIndex().row() == 1  # the open document is selected
    window.doc_model.fill_all()
    window.navigator.show_progress()
    assert window.progress_label.text() == f"queue 1/4 · done 1/{len(CORPUS_IDS)}"

    # One click away: the whole corpus, in its own order; and back.
    browser.queue_filter.setCurrentIndex(browser.queue_filter.findText("All documents"))
    assert rows(window) == CORPUS_IDS
    assert window.doc_table.currentIndex().row() == CORPUS_IDS.index(queue[1])
    # The queue combines with the status filter: tester's documents still to do.
    browser.queue_filter.setCurrentIndex(browser.queue_filter.findText("My queue (4)"))
    browser.status_filter.setCurrentIndex(browser.status_filter.findData("done"))
    assert rows(window) == [queue[0]]


def test_ctrl_enter_follows_the_queue_and_says_when_it_is_finished(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    root, corpus = make_corpus(tmp_path)
    queue = assign(corpus)
    mark_done(corpus, queue[2])
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == queue[0]
    # The annotator passes over the first one and works on the second, with every
    # document listed: the row after it in the list is a document not in the queue.
    window.browser.show_queue(False)
    assert rows(window) == CORPUS_IDS
    assert window.open_document(queue[1])
    after = CORPUS_IDS[CORPUS_IDS.index(queue[1]) + 1]
    assert after not in queue

    window.view.setFocus()
    key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # non-article: done without spans
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert saved_status(root, queue[1]) == "done"
    # Not the next row (``after``), not queue[2] (done already): the queue's next unfinished.
    assert window.session.doc_id == queue[3]

    key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    key(qtbot, Qt.Key.Key_Enter, CTRL | KEYPAD)  # the keypad's Enter
    assert saved_status(root, queue[3]) == "done"
    assert window.session.doc_id == queue[0]  # wrapped round to the one passed over

    key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert saved_status(root, queue[0]) == "done"
    assert window.session.doc_id == queue[0]  # nothing left: it stays
    finished = "Your queue is finished: all 4 documents assigned to you are done"
    assert window.messages[-1] == finished
    assert window.statusBar().currentMessage() == finished
    assert not (root / "annotations" / "tester" / f"{after}.json").exists()


def test_a_finished_queue_opens_as_before_and_says_so(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    root, corpus = make_corpus(tmp_path)
    queue = assign(corpus)
    for doc_id in queue:
        mark_done(corpus, doc_id)
    remember_document(corpus, "tester", "e")
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == "e"  # the one remembered
    finished = "Your queue is finished: all 4 documents assigned to you are done"
    assert finished in window.messages
    assert window.statusBar().currentMessage() == finished
    # The open document is not in the queue: the list shows it among all the documents.
    assert rows(window) == CORPUS_IDS
    assert window.browser.queue_filter.currentText() == "All documents"


def test_an_explicit_start_document_wins_over_the_queue(
    qtbot: QtBot, tmp_path: Path, direct_windows: Callable[..., MainWindow]
) -> None:
    _root, corpus = make_corpus(tmp_path)
    queue = assign(corpus)
    window = direct_windows(corpus, start_doc=queue[2], last_doc="a")
    assert window.session is not None and window.session.doc_id == queue[2]
    assert rows(window) == queue
    # Without a start document the queue beats the one open last time.
    window = direct_windows(corpus, last_doc="a")
    assert window.session is not None and window.session.doc_id == queue[0]


@pytest.mark.parametrize("broken", ["not json", "missing document"])
def test_a_broken_plan_is_named_and_the_app_works_without_a_queue(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow], broken: str
) -> None:
    root, corpus = make_corpus(tmp_path)
    path = assignments_path(corpus)
    if broken == "not json":
        path.write_text('{"schema_version": 1, "annotators": {"tester": ["b"', "utf-8")
        problem = "not valid JSON"
    else:
        # A plan naming a document the corpus does not have (deleted after assigning).
        save_assignments(corpus, plan([*PLANNED, "zz"], ["tester"], overlap=0.0).assignments)
        problem = "documents not in the corpus: zz"
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == "a"  # as without a plan
    shown = [m for m in window.messages if "Working without a queue" in m]
    assert len(shown) == 1 and "\n" not in shown[0]
    assert shown[0].startswith(f"Working without a queue: {path}: {problem}")
    assert window.statusBar().currentMessage() == shown[0]
    assert window.browser.queue_filter.isHidden()
    assert rows(window) == CORPUS_IDS
    # Ctrl+Enter goes on down the list, as without a plan.
    key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert saved_status(root, "a") == "done"
    assert window.session.doc_id == "b"


def test_no_queue_for_this_annotator_changes_nothing(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]
) -> None:
    root, corpus = make_corpus(tmp_path)
    save_assignments(corpus, plan(PLANNED, ["alice", "bob"], overlap=0.4, seed=0).assignments)
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == "a"
    assert window.browser.queue_filter.isHidden()
    assert rows(window) == CORPUS_IDS
    assert not any("queue" in m for m in window.messages)
    window.doc_model.fill_all()
    window.navigator.show_progress()
    assert window.progress_label.text() == f"done 0/{len(CORPUS_IDS)}"
    key(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert saved_status(root, "a") == "done"
    assert window.session.doc_id == "b"
