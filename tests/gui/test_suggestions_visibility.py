"""Suggestions that help instead of clutter, through the real main window.

* Ctrl+H and the Suggestions menu hide and show the ghosts; per-layer menu items choose
  which layers' suggestions show; both are remembered (QSettings, a temp folder here).
* A rejected suggestion stays rejected across document switches, restarts and a new run of
  ``annotator suggest``, for the annotator who rejected it only (the file beside their
  annotations).
* Accepting goes through the scheme's rules; what is refused is said, and stays a ghost.
* On the seed page, a suggestions run shows no date with its label, no photo credit as a
  byline and no boilerplate over the title.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.edits import make_span
from annotator.gui.main_window import MainWindow
from annotator.model import Span
from tests.conftest import add_text

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = CTRL | SHIFT
#: No autosave during a test: files change when the test says so.
NO_AUTOSAVE_MS = 600_000

TEXT_A = "MENU home\nKim met Lee and Park in Seoul.\nfooter"
TEXT_B = "Lee went to Seoul with Kim.\n"


def _suggest(corpus: Corpus, doc_id: str, text: str, marks: list[tuple[str, str]], first_id: int = 1) -> None:
    """Write the suggestions file of ``doc_id`` (ids from ``first_id``, as a new run would)."""
    annotation = corpus.new_annotation("suggestions", doc_id, text)
    for i, (label, word) in enumerate(marks, first_id):
        start = text.index(word)
        attrs = {"kind": "navigation"} if label == "boilerplate" else {}
        annotation.spans.append(make_span(text, start, start + len(word), label, f"g{i}", attrs))
    corpus.save_annotation(annotation)


MARKS_A = [("boilerplate", "MENU home"), ("PER", "Kim"), ("PER", "Lee"), ("PER", "Park"), ("LOC", "Seoul"), ("boilerplate", "footer")]
MARKS_B = [("PER", "Lee"), ("LOC", "Seoul"), ("PER", "Kim")]


@pytest.fixture
def two_docs(tmp_path: Path) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="sugg")
    add_text(corpus, "a", TEXT_A)
    add_text(corpus, "b", TEXT_B)
    _suggest(corpus, "a", TEXT_A, MARKS_A)
    _suggest(corpus, "b", TEXT_B, MARKS_B)
    return tmp_path / "c"


def drawn(window: MainWindow) -> list[str]:
    """The ghosts the text view was last given to draw (its own state)."""
    return [g.text for g in window.view._ghosts._spans]


def suggestions_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "Suggestions":
            menu = action.menu()
            assert isinstance(menu, QMenu)
            return menu
    raise AssertionError("no Suggestions menu")


def menu_item(window: MainWindow, text: str) -> QAction:
    found = [a for a in suggestions_menu(window).actions() if a.text() == text]
    assert len(found) == 1, [a.text() for a in suggestions_menu(window).actions()]
    return found[0]


def close(window: MainWindow) -> None:
    window.close()  # saves, releases the lock: the next window is a restart


# --------------------------------------------------------------------------- hide, show, layers


def test_ctrl_h_and_the_menu_hide_and_show_suggestions_and_it_is_remembered(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_docs: Path
) -> None:
    window = open_window(two_docs, autosave_ms=NO_AUTOSAVE_MS)
    assert drawn(window) == ["MENU home", "Kim", "Lee", "Park", "Seoul", "footer"]
    toggle = menu_item(window, "Show suggestions")
    assert toggle.isCheckable() and toggle.isChecked()
    assert toggle.shortcut().toString() == "Ctrl+H"
    qtbot.keyClick(window.view, Qt.Key.Key_H, CTRL)
    assert drawn(window) == [] and not toggle.isChecked()
    assert window.messages[-1] == "Suggestions hidden (6 on this document; Ctrl+H shows them)"
    # Hidden: the suggestion keys act on nothing and say why.
    window.view.select_cp(0, 0)
    qtbot.keyClick(window.view, Qt.Key.Key_Period)
    assert window.view.selection_cp() == (0, 0)
    assert window.messages[-1] == "Suggestions are hidden (Ctrl+H shows them)"
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.session is not None and window.session.spans == []
    # Hidden on the next document too, and after a restart.
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.session.doc_id == "b" and drawn(window) == []
    close(window)
    window = open_window(two_docs, autosave_ms=NO_AUTOSAVE_MS)
    toggle = menu_item(window, "Show suggestions")
    assert not toggle.isChecked() and drawn(window) == []
    toggle.trigger()  # the menu item
    assert toggle.isChecked() and drawn(window) == ["Lee", "Seoul", "Kim"]


def test_which_layers_suggestions_show_is_a_remembered_setting(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_docs: Path
) -> None:
    window = open_window(two_docs, autosave_ms=NO_AUTOSAVE_MS)
    items = [a.text() for a in suggestions_menu(window).actions() if a.text().startswith("Suggestions of layer")]
    assert items == ["Suggestions of layer structure", "Suggestions of layer part", "Suggestions of layer entity"]
    entity = menu_item(window, "Suggestions of layer entity")
    assert entity.isCheckable() and entity.isChecked()
    entity.trigger()
    assert drawn(window) == ["MENU home", "footer"]
    # "." steps only through what is shown; Ctrl+Shift+Return accepts only shown ones.
    window.view.select_cp(0, 0)
    qtbot.keyClick(window.view, Qt.Key.Key_Period)
    qtbot.keyClick(window.view, Qt.Key.Key_Period)
    assert window.view.selection_cp() == (TEXT_A.index("footer"), len(TEXT_A))
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL_SHIFT)
    window.save_now()
    saved = orjson.loads((two_docs / "annotations" / "tester" / "a.json").read_bytes())
    assert sorted((s["label"], s["text"]) for s in saved["spans"]) == [
        ("boilerplate", "MENU home"), ("boilerplate", "footer")
    ]
    close(window)
    window = open_window(two_docs, autosave_ms=NO_AUTOSAVE_MS)
    assert not menu_item(window, "Suggestions of layer entity").isChecked()
    assert menu_item(window, "Suggestions of layer structure").isChecked()
    assert drawn(window) == []  # both boilerplate ghosts accepted, entities not shown
    menu_item(window, "Suggestions of layer entity").trigger()
    assert drawn(window) == ["Kim", "Lee", "Park", "Seoul"]


# --------------------------------------------------------------------------- rejections


def test_a_rejection_stays_across_documents_restarts_and_new_runs(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_docs: Path
) -> None:
    window = open_window(two_docs, annotator="alice", autosave_ms=NO_AUTOSAVE_MS)
    view = window.view
    lee = TEXT_A.index("Lee")
    view.select_cp(lee + 1, lee + 1)
    qtbot.keyClick(view, Qt.Key.Key_Delete, SHIFT)
    assert window.messages[-2] == "Rejected 1 PER suggestion"
    assert "Lee" not in drawn(window)
    path = two_docs / "annotations" / "alice" / ".rejected" / "a.json"
    data = orjson.loads(path.read_bytes())
    assert (data["doc_id"], data["annotator"], data["format"]) == ("a", "alice", "rejected-suggestions")
    assert [(r["label"], r["start"], r["end"], r["text"]) for r in data["rejected"]] == [("PER", lee, lee + 3, "Lee")]
    # Another document: its own "Lee" is not rejected.
    qtbot.keyClick(view, Qt.Key.Key_PageDown, CTRL)
    assert window.session is not None and window.session.doc_id == "b"
    assert drawn(window) == ["Lee", "Seoul", "Kim"]
    qtbot.keyClick(view, Qt.Key.Key_PageUp, CTRL)
    assert window.session.doc_id == "a"
    assert drawn(window) == ["MENU home", "Kim", "Park", "Seoul", "footer"]
    close(window)
    # `annotator suggest` ran again: new ids for the same proposals.
    _suggest(Corpus.open(two_docs), "a", TEXT_A, MARKS_A, first_id=50)
    window = open_window(two_docs, annotator="alice", autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == "a"
    assert drawn(window) == ["MENU home", "Kim", "Park", "Seoul", "footer"]
    # Accept-all of PER takes the shown ones only: the rejected Lee stays out.
    window.view.select_cp(TEXT_A.index("Kim"), TEXT_A.index("Kim"))
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL_SHIFT)
    window.save_now()
    saved = orjson.loads((two_docs / "annotations" / "alice" / "a.json").read_bytes())
    assert sorted((s["label"], s["text"]) for s in saved["spans"]) == [("PER", "Kim"), ("PER", "Park")]
    close(window)
    # Bob never rejected it: he sees it.
    window = open_window(two_docs, annotator="bob", autosave_ms=NO_AUTOSAVE_MS)
    window.open_document("a")
    assert "Lee" in drawn(window)
    assert not (two_docs / "annotations" / "bob" / ".rejected").exists()


def test_a_damaged_rejections_file_is_named_and_kept(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_docs: Path
) -> None:
    path = two_docs / "annotations" / "alice" / ".rejected" / "a.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"format": "rejected-suggestions"')
    window = open_window(two_docs, annotator="alice", autosave_ms=NO_AUTOSAVE_MS)
    assert any(m.startswith(f"Rejected suggestions not read: {path}: not valid JSON") for m in window.messages)
    assert "Lee" in drawn(window)  # shown: hiding every suggestion would be worse
    lee = TEXT_A.index("Lee")
    window.view.select_cp(lee, lee)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete, SHIFT)
    assert "Lee" not in drawn(window)
    assert window.messages[-2].startswith(f"Rejected 1 PER suggestion for this session only: not remembered ({path}")
    assert path.read_bytes() == b'{"format": "rejected-suggestions"'


# --------------------------------------------------------------------------- accepting by the rules


def test_accepting_goes_through_the_rules_and_says_what_it_refused(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_docs: Path
) -> None:
    window = open_window(two_docs, autosave_ms=NO_AUTOSAVE_MS)
    view = window.view
    # By hand: "Kim met" as PER (entities may not overlap), then accept all PER ghosts.
    view.select_cp(TEXT_A.index("Kim"), TEXT_A.index("met") + 3)
    qtbot.keyClick(view, Qt.Key.Key_P)
    kim = TEXT_A.index("Kim")
    view.select_cp(kim, kim)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Kim alone: refused, nothing added
    assert window.messages[-1].startswith("Nothing accepted: not accepted: 1 suggestion that would break a rule — PER 'Kim': ")
    assert "overlap" in window.messages[-1]
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL_SHIFT)
    message = next(m for m in reversed(window.messages) if m.startswith("Accepted"))
    assert message.startswith("Accepted 2 PER suggestions; not accepted: 1 suggestion that would break a rule — PER 'Kim': ")
    assert "Kim" in drawn(window)  # still a ghost: it was not accepted
    window.save_now()
    saved = orjson.loads((two_docs / "annotations" / "tester" / "a.json").read_bytes())
    assert sorted((s["label"], s["text"]) for s in saved["spans"]) == [
        ("PER", "Kim met"), ("PER", "Lee"), ("PER", "Park")
    ]


# --------------------------------------------------------------------------- the seed page


def test_seed_suggestions_in_the_window(
    qtbot: QtBot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> None:
    root, doc_id = demo_copy
    assert main(["suggest", str(root), "--docs", doc_id, "--jobs", "1"]) == 0
    window = open_window(root, annotator="newcomer", autosave_ms=NO_AUTOSAVE_MS)
    window.open_document(doc_id)
    ghosts: list[Span] = list(window.view._ghosts._spans)
    text = window.view.text()

    def of(label: str) -> list[tuple[int, int, str]]:
        return [(g.start, g.end, g.text) for g in ghosts if g.label == label]

    assert of("date")[:2] == [(85, 102, "2020년06월03일 09:03"), (111, 128, "2020년06월03일 09:05")]
    # The main title and the two teasers' titles, as in the seed's gold.
    assert [(a, b) for a, b, _ in of("title")] == [(41, 76), (1742, 1758), (3283, 3304)]
    assert of("title")[0] == (41, 76, text[41:76])
    assert not [g for g in of("byline") if "사진" in g[2]]
    header = [(a, b) for a, b, _ in of("boilerplate") if a < 202]
    # The three menu blocks; nothing over the title, dates or byline.
    assert header == [(0, 30), (32, 34), (36, 39)]
    # Accepting the date first is refused by the rules (a date lies inside an article).
    window.view.select_cp(90, 90)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.messages[-1].startswith("Nothing accepted: not accepted: 1 suggestion that would break a rule — date")
    # The main article (the only ghost on the blank line over the byline), then the
    # date: the saved date is just the date.
    assert text[200:202] == "\n\n"
    window.view.select_cp(201, 201)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    window.view.select_cp(80, 80)
    qtbot.keyClick(window.view, Qt.Key.Key_Period)
    assert window.view.selection_cp() == (85, 102)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    window.save_now()
    saved = orjson.loads((root / "annotations" / "newcomer" / f"{doc_id}.json").read_bytes())
    assert sorted((s["label"], s["start"], s["end"]) for s in saved["spans"]) == [
        ("article", 41, 1723), ("date", 85, 102)
    ]
