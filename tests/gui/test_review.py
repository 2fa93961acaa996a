"""Review mode in the real window, driven from the keyboard offscreen; assertions on gold files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator import cli
from annotator.adjudicate import agreed_spans
from annotator.corpus import Corpus
from annotator.gui import review_start
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewController
from annotator.gui.review_start import controller_of
from annotator.gui.review_state import load_review
from annotator.model import GOLD

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
NAMES = ["alice", "bob"]
#: A demo document both annotated and nobody adjudicated yet.
DOC = "rtp-yahoo-4"
SEED = "000_2c3ea0c0f783ca12"

Key = tuple[int, int, str]


def press(
    qtbot: QtBot, window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier = NONE, times: int = 1
) -> None:
    for _ in range(times):
        qtbot.keyClick(window.view, key, mods)


def gold_file(root: Path, doc: str = DOC) -> dict:
    return orjson.loads((root / "gold" / f"{doc}.json").read_bytes())


def file_keys(data: dict) -> Counter[Key]:
    return Counter((s["start"], s["end"], s["label"]) for s in data["spans"])


def span_keys(spans: object) -> Counter[Key]:
    return Counter((s.start, s.end, s.label) for s in spans)  # type: ignore[attr-defined]


def test_adjudicating_a_disagreement_writes_gold(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    window, review = open_review(root, doc=DOC)
    assert window.windowTitle().startswith(DOC) and GOLD in window.windowTitle()
    units = review.review.disagreements  # type: ignore[union-attr]
    # The entity disagreement where alice marked MISC and bob a shorter LOC.
    target = next(i for i, d in enumerate(units) if d.kind == "extent" and d.layer == "entity")
    d = units[target]
    (bob_span,) = d.candidates["bob"]
    (alice_span,) = d.candidates["alice"]
    assert review.model.gold_text(target) == "other"  # nobody's side yet: neither is in gold
    assert not (root / "gold" / f"{DOC}.json").exists()  # looking writes nothing

    press(qtbot, window, Qt.Key.Key_N, times=target + 1)
    assert review.current == target
    start, end = window.view.selection_cp()
    assert (start, end) == (d.start, d.end)  # the unit is selected in the gold text

    review.advance_action.setChecked(False)
    press(qtbot, window, Qt.Key.Key_2)  # bob's side
    assert review.model.gold_text(target) == "bob"
    assert window.save_now()

    saved = gold_file(root)
    annotations = load_review(Corpus.open(root), DOC, NAMES).annotations
    expected = span_keys(agreed_spans(annotations)) + span_keys([bob_span])
    assert file_keys(saved) == expected
    assert (alice_span.start, alice_span.end, alice_span.label) not in file_keys(saved)
    assert saved["annotator"] == GOLD and saved["status"] == "in_progress"
    assert "page_type" not in saved["doc_labels"]  # disputed, not decided yet

    # Then alice's page_type (the first disagreement), from the keyboard too.
    press(qtbot, window, Qt.Key.Key_K, times=target)
    assert review.current == 0 and units[0].kind == "doc_label"
    press(qtbot, window, Qt.Key.Key_1)
    assert window.save_now()
    assert gold_file(root)["doc_labels"] == {"page_type": units[0].values["alice"]}


def test_next_and_previous_disagreement(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, seed = demo_copy
    window, review = open_review(root, doc=seed)
    units = review.review.disagreements  # type: ignore[union-attr]
    n = len(units)
    assert n == review.model.rowCount() > 3
    # P is PER's key in this scheme, so it stays PER's; K and J/N move.
    prev_keys = {k.toString() for k in review.previous_action.shortcuts()}
    next_keys = {k.toString() for k in review.next_action.shortcuts()}
    assert prev_keys == {"K"} and next_keys == {"N", "J"}

    assert review.current is None  # a document opens with no current disagreement
    press(qtbot, window, Qt.Key.Key_N)
    assert review.current == 0
    press(qtbot, window, Qt.Key.Key_J, times=2)
    assert review.current == 2
    assert window.view.selection_cp() == (units[2].start, units[2].end)
    assert review.table.selectionModel().currentIndex().row() == 2
    press(qtbot, window, Qt.Key.Key_K)
    assert review.current == 1
    press(qtbot, window, Qt.Key.Key_K, times=2)  # past the first: wraps to the last
    assert review.current == n - 1
    assert window.messages[-2] == "Wrapped around"
    press(qtbot, window, Qt.Key.Key_N)
    assert review.current == 0

    # Clicking into the text makes the disagreement there the current one; N goes on from it.
    inner = units[5]
    window.view.select_cp(inner.start, inner.start)
    assert review.current is not None and units[review.current].start <= inner.start
    press(qtbot, window, Qt.Key.Key_N)
    assert units[review.current].start >= inner.start  # type: ignore[index]


def test_accept_all_of_one_annotator_and_undo_redo(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    window, review = open_review(root, doc=DOC)
    alice = load_review(Corpus.open(root), DOC, NAMES).annotations["alice"]
    before = span_keys(window.session.spans)  # type: ignore[union-attr]

    press(qtbot, window, Qt.Key.Key_1, CTRL | SHIFT)
    session = window.session
    assert session is not None
    assert span_keys(session.spans) == span_keys(alice.spans)
    assert session.annotation.doc_labels == alice.doc_labels
    assert all(review.model.gold_text(r) == "alice" for r in range(review.model.rowCount()))
    assert window.save_now()
    saved = gold_file(root)
    assert file_keys(saved) == span_keys(alice.spans)
    assert {(s["start"], s["label"]): s["attrs"] for s in saved["spans"]} == {
        (s.start, s.label): s.attrs for s in alice.spans
    }

    # One undo takes the whole accept back: gold is the agreed start again.
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert span_keys(session.spans) == before
    assert "page_type" not in session.annotation.doc_labels
    assert any(review.model.gold_text(r) != "alice" for r in range(review.model.rowCount()))
    assert window.save_now()
    assert file_keys(gold_file(root)) == before

    # Redo brings it back.
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert span_keys(session.spans) == span_keys(alice.spans)
    assert all(review.model.gold_text(r) == "alice" for r in range(review.model.rowCount()))


def test_undo_of_one_accepted_side(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, seed = demo_copy
    window, review = open_review(root, doc=seed)  # gold exists for the seed page
    session = window.session
    assert session is not None
    original = (root / "gold" / f"{seed}.json").read_bytes()
    before = span_keys(session.spans)
    units = review.review.disagreements  # type: ignore[union-attr]
    # A disagreement where gold does not say alice's side yet.
    row = next(
        r
        for r in range(len(units))
        if "alice" not in review.model.sides(r) and units[r].kind != "doc_label"
    )
    review.go_to(row)
    press(qtbot, window, Qt.Key.Key_1)
    assert "alice" in review.model.sides(row)
    assert review.current == row + 1  # went on to the next one
    assert span_keys(session.spans) != before
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert span_keys(session.spans) == before
    assert "alice" not in review.model.sides(row)
    assert window.save_now()
    assert file_keys(orjson.loads((root / "gold" / f"{seed}.json").read_bytes())) == file_keys(
        orjson.loads(original)
    )


def test_hand_edit_and_done_only_when_valid(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    window, review = open_review(root, doc=DOC)
    units = review.review.disagreements  # type: ignore[union-attr]
    target = next(i for i, d in enumerate(units) if d.kind == "extent" and d.layer == "entity")
    review.go_to(target)
    # The normal marking keys work on gold: mark the unit as PER by hand (key p).
    press(qtbot, window, Qt.Key.Key_P)
    d = units[target]
    assert any((s.start, s.end, s.label) == (d.start, d.end, "PER") for s in window.session.spans)  # type: ignore[union-attr]
    assert review.model.gold_text(target) == "other"
    # Gold with the article still undecided breaks "title inside article": not done.
    press(qtbot, window, Qt.Key.Key_3, CTRL)
    assert window.session.annotation.status != "done"  # type: ignore[union-attr]
    assert "Not done" in window.messages[-1]
    # Undo the hand edit and take bob's side everywhere: gold is valid; then done is saved.
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not any(s.label == "PER" and s.start == d.start for s in window.session.spans)  # type: ignore[union-attr]
    press(qtbot, window, Qt.Key.Key_2, CTRL | SHIFT)
    press(qtbot, window, Qt.Key.Key_3, CTRL)
    assert window.save_now()
    assert gold_file(root)["status"] == "done"


def test_side_by_side_views_show_each_annotator(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, seed = demo_copy
    window, review = open_review(root, doc=seed)
    annotations = review.review.annotations  # type: ignore[union-attr]
    assert window.view.hidden_layers() == set()
    assert all(not pane.isVisible() for pane in review.panes.values())
    press(qtbot, window, Qt.Key.Key_F6)
    assert review.side_by_side_action.isChecked()
    for name, pane in review.panes.items():
        assert pane.isVisible() and pane.view.text() == window.view.text()
        span = next(s for s in annotations[name].spans if s.label == "PER")
        assert span.id in pane.view.span_ids_at(span.start)
    # Gold in the middle: alice left of it, bob right.
    order = [review.splitter.widget(i) for i in range(review.splitter.count())]
    assert (
        order.index(review.panes["alice"])
        < order.index(review.gold_centre)
        < order.index(review.panes["bob"])
    )
    # Scrolling gold scrolls the annotators to the same place.
    bar = window.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    for pane in review.panes.values():
        other = pane.view.verticalScrollBar()
        assert abs(other.value() / other.maximum() - bar.value() / bar.maximum()) < 0.02
    press(qtbot, window, Qt.Key.Key_F6)
    assert all(not pane.isVisible() for pane in review.panes.values())


def test_review_action_opens_review_mode_from_an_annotator_window(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    demo_copy: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, seed = demo_copy
    window = open_window(root, annotator="carol")
    window.open_document(seed)
    asked: list[list[str]] = []

    def ask(corpus: Corpus, chosen: object = (), parent: object = None) -> list[str]:
        asked.append(review_start.reviewable_annotators(corpus))
        return ["bob", "alice"]

    monkeypatch.setattr(review_start, "ask_annotators", ask)
    qtbot.keyClick(window.view, Qt.Key.Key_G, CTRL | SHIFT)
    assert asked == [["alice", "bob"]]
    assert len(window.review_windows) == 1
    gold_window = window.review_windows[0]
    try:
        assert gold_window.annotator == GOLD and gold_window.session.doc_id == seed  # type: ignore[union-attr]
        controller = controller_of(gold_window)  # type: ignore[arg-type]
        assert controller is not None and controller.annotators == ["bob", "alice"]
        assert controller.model.headerData(3, Qt.Orientation.Horizontal) == "1: bob"
        # A second review of the same corpus: gold is locked, said plainly.
        qtbot.keyClick(window.view, Qt.Key.Key_G, CTRL | SHIFT)
        assert len(window.review_windows) == 1
        assert "Cannot open review mode" in window.messages[-1] and "gold" in window.messages[-1]
    finally:
        gold_window.close()


def test_open_review_option(qapp: QApplication, demo_copy: tuple[Path, str]) -> None:
    root, _seed = demo_copy
    assert cli.main(["open", str(root), "--review", "alice"]) == 2
    assert cli.main(["open", str(root), "--review", "alice", "carol"]) == 2
    titles: list[str] = []

    def close() -> None:
        for widget in qapp.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                titles.append(widget.windowTitle())
                widget.close()

    QTimer.singleShot(300, close)
    assert cli.main(["open", str(root), "--review", "alice", "bob"]) == 0
    assert titles and GOLD in titles[0]
    assert not Corpus.open(root).lock(GOLD).owner_path.exists()  # released at close


def test_switching_documents_with_a_disagreement_selected(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, seed = demo_copy
    window, review = open_review(root, doc=seed)
    press(qtbot, window, Qt.Key.Key_K)  # the last disagreement: a selection near the end
    assert window.view.selection_cp()[1] > 3000
    # The next document to review (longer text): opening it must not trip over the old
    # selection, and the list follows the new document.
    press(qtbot, window, Qt.Key.Key_PageDown, CTRL | SHIFT)
    assert window.session is not None and window.session.doc_id == "aeb-e7994d550087"
    assert review.review is not None and review.review.doc_id == "aeb-e7994d550087"
    assert review.current is None and review.model.rowCount() == len(review.review.disagreements)
    press(qtbot, window, Qt.Key.Key_N)
    assert review.current == 0
    # Documents without two compared annotations are passed over, and so is finished gold
    # (the seed page's gold is done).
    press(qtbot, window, Qt.Key.Key_PageDown, CTRL | SHIFT)
    assert window.session.doc_id == "rtp-yahoo-4"  # type: ignore[union-attr]
    press(qtbot, window, Qt.Key.Key_PageUp, CTRL | SHIFT)
    assert window.session.doc_id == "aeb-e7994d550087"  # type: ignore[union-attr]
    press(qtbot, window, Qt.Key.Key_PageUp, CTRL | SHIFT)
    assert window.session.doc_id == "aeb-e7994d550087"  # type: ignore[union-attr]
    assert window.messages[-1] == "No more documents in this direction"


def test_setup_dialog_needs_two_annotators(qtbot: QtBot) -> None:
    dialog = review_start.ReviewSetupDialog(["alice", "bob", "carol"], ["alice", "carol"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.chosen() == ["alice", "carol"] and ok.isEnabled()
    dialog.boxes["carol"].setChecked(False)
    assert dialog.chosen() == ["alice"] and not ok.isEnabled()
    dialog.boxes["bob"].setChecked(True)
    assert dialog.chosen() == ["alice", "bob"] and ok.isEnabled()


def test_gold_is_autosaved_and_its_journal_kept_until_then(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    window, review = open_review(root, doc=DOC, autosave_ms=200)
    units = review.review.disagreements  # type: ignore[union-attr]
    target = next(i for i, d in enumerate(units) if d.kind == "missing")
    d = units[target]
    side = next(n for n in NAMES if d.candidates[n])  # the one who marked something
    review.go_to(target)
    press(qtbot, window, Qt.Key.Key_1 if side == "alice" else Qt.Key.Key_2)
    (span,) = d.candidates[side]
    journal = root / "gold" / ".journal" / f"{DOC}.jsonl"
    assert journal.is_file()  # the edit is safe before the autosave
    qtbot.waitUntil(lambda: not journal.exists(), timeout=5000)
    assert (span.start, span.end, span.label) in file_keys(gold_file(root))
    assert "saved" in window.windowTitle()
