"""Find, mark all and long regions through the real main window, with real key events.

The seed page is the demo corpus's (243 no-break spaces, the main article over 20
paragraphs); results are read back from the saved annotation file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from tests.gui.test_main_window import type_text
from tests.gui.test_shortcuts import NO_AUTOSAVE_MS, small_corpus

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def key(qtbot: QtBot, k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    """A real key event to the focused widget (as the keyboard sends it)."""
    target = QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    qtbot.keyClick(target, k, mods)


def saved_spans(root: Path, doc_id: str, annotator: str = "tester") -> list[dict]:
    data = orjson.loads((root / "annotations" / annotator / f"{doc_id}.json").read_bytes())
    return data["spans"]


@pytest.fixture
def seed_window(
    open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> tuple[MainWindow, Path, str]:
    root, seed = demo_copy
    window = open_window(root, annotator="tester", autosave_ms=NO_AUTOSAVE_MS)
    window.open_document(seed)
    window.view.setFocus()
    return window, root, seed


# ---------------------------------------------------------------------- find


def test_find_matches_no_break_spaces_and_highlights_every_match(
    qtbot: QtBot, seed_window: tuple[MainWindow, Path, str]
) -> None:
    window, _root, _seed = seed_window
    view, bar = window.view, window.find_bar
    text = view.text()
    view.select_cp(0, 0)
    key(qtbot, Qt.Key.Key_F, CTRL)
    type_text(bar.edit, "서울 종로구")  # typed with an ordinary space
    start = text.index("서울\u00a0종로구")
    assert view.selection_cp() == (start, start + 6)
    assert bar.result.text() == "1 of 1"
    view.select_cp(0, 0)  # the next search starts from the selection
    bar.edit.clear()
    type_text(bar.edit, "lg전자")  # not case-sensitive unless asked
    assert len(view.find_matches()) == text.count("LG전자") == 12
    assert bar.result.text() == "1 of 12"
    key(qtbot, Qt.Key.Key_Return)
    assert bar.result.text() == "2 of 12"
    assert view.selection_cp() == view.find_matches()[1]
    bar.case.setChecked(True)
    assert view.find_matches() == [] and bar.result.text() == "not found"
    bar.case.setChecked(False)
    assert len(view.find_matches()) == 12
    key(qtbot, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.find_matches() == []


def test_every_match_is_painted_and_the_current_one_is_centred(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    lines = [f"line {i} filler text" for i in range(400)]
    for i in (3, 5, 300):
        lines[i] = f"line {i} with Seoul inside"
    text = "\n".join(lines)
    window = open_window(small_corpus(tmp_path, {"d": text}), autosave_ms=NO_AUTOSAVE_MS)
    view = window.view
    view.select_cp(0, 0)
    key(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.edit, "Seoul")
    assert view.selection_cp()[0] == text.index("Seoul")
    # The second match, on screen but not current: washed in the find colour.
    second = text.index("Seoul", text.index("Seoul") + 1)
    image = view.viewport().grab().toImage()
    rect = view_rect(view, second)
    colour = QColor(image.pixel(rect.center().x(), rect.top() + 2))
    assert colour.blue() < colour.red() - 40, colour.name()  # orange-ish, not white
    # Far down: the match comes to the middle of the view, not to its bottom edge.
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return)
    far = text.index("Seoul", text.index("line 300"))
    assert view.selection_cp() == (far, far + 5)
    middle = view.viewport().height() / 2
    line_height = view.fontMetrics().height()
    assert abs(view.cursorRect().center().y() - middle) <= 2 * line_height


def view_rect(view, cp: int):  # type: ignore[no-untyped-def]
    """The viewport rectangle of the character at ``cp`` (the text is ASCII here)."""
    cursor = view.textCursor()
    cursor.setPosition(cp)
    left = view.cursorRect(cursor)
    cursor.setPosition(cp + 1)
    right = view.cursorRect(cursor)
    return left.united(right)


# ---------------------------------------------------------------------- mark all


def test_ctrl_m_counts_first_keeps_whole_words_and_reports_refusals(
    qtbot: QtBot, seed_window: tuple[MainWindow, Path, str]
) -> None:
    window, root, seed = seed_window
    view, session = window.view, window.session
    assert session is not None
    text = view.text()
    # An ORG over "서울고등검찰청": a LOC inside it would overlap (entities never do).
    court = text.index("서울고등검찰청")
    view.select_cp(court, court + 7)
    key(qtbot, Qt.Key.Key_O)
    first = text.index("서울")
    view.select_cp(first, first + 2)
    key(qtbot, Qt.Key.Key_L)
    key(qtbot, Qt.Key.Key_M, CTRL)
    dialog = window.marking.mark_all_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.summary.text().splitlines() == ["Mark 6 more occurrences of '서울' as LOC?", "1 already marked."]
    key(qtbot, Qt.Key.Key_Escape)  # cancelled: nothing marked
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    assert sum(s.label == "LOC" for s in session.spans) == 1
    key(qtbot, Qt.Key.Key_M, CTRL)
    dialog = window.marking.mark_all_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    assert window.messages[-1] == "Marked 6 more occurrences of '서울' as LOC; 1 already marked"
    window.save_now()
    locs = sorted(s["start"] for s in saved_spans(root, seed) if s["label"] == "LOC")
    assert len(locs) == 7
    assert court not in locs and text.index("서울공관") not in locs
    assert all(text[s : s + 2] == "서울" for s in locs)
    # One undo step takes all six back; inside words (Alt+I) then takes 서울공관 too and
    # refuses the one inside the ORG.
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert sum(s.label == "LOC" for s in session.spans) == 1
    key(qtbot, Qt.Key.Key_M, CTRL)
    dialog = window.marking.mark_all_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    key(qtbot, Qt.Key.Key_I, ALT)
    assert dialog.inside.isChecked()
    assert dialog.summary.text().splitlines()[0] == "Mark 7 more occurrences of '서울' as LOC?"
    assert dialog.summary.text().splitlines()[2].startswith("1 refused by the rules")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    assert "Marked 7 more occurrences" in window.messages[-1]
    assert "1 refused by the rules" in window.messages[-1]
    window.save_now()
    locs = sorted(s["start"] for s in saved_spans(root, seed) if s["label"] == "LOC")
    assert len(locs) == 8 and text.index("서울공관") in locs and court not in locs


# ---------------------------------------------------------------------- long regions


def test_the_seed_main_article_in_a_handful_of_keys(
    qtbot: QtBot, seed_window: tuple[MainWindow, Path, str]
) -> None:
    """Start of the title, Ctrl+Space, find the reporter's e-mail, Escape, A: the gold
    article (20 paragraphs), in 7 key presses and the typed search."""
    window, root, seed = seed_window
    view = window.view
    gold = orjson.loads((root / "gold" / f"{seed}.json").read_bytes())
    (main,) = [s for s in gold["spans"] if s["label"] == "article" and s["attrs"]["role"] == "main"]
    view.select_cp(0, 0)
    for _ in range(3):
        key(qtbot, Qt.Key.Key_Down, CTRL)  # paragraph by paragraph to the title
    assert view.cursor_cp() == main["start"]
    key(qtbot, Qt.Key.Key_Space, CTRL)
    assert view.mark_position() == main["start"]
    key(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.edit, "sjh@")
    key(qtbot, Qt.Key.Key_Escape)  # closes the find bar: the match stays selected
    assert QApplication.focusWidget() is view and view.mark_position() == main["start"]
    key(qtbot, Qt.Key.Key_A)
    assert view.mark_position() is None
    window.save_now()
    # The selection ended inside the e-mail: the article takes it up to the paragraph end.
    (article,) = [s for s in saved_spans(root, seed) if s["label"] == "article"]
    assert article["start"] == main["start"] and article["end"] < main["end"]
    key(qtbot, Qt.Key.Key_PageDown, ALT)
    window.save_now()
    (article,) = [s for s in saved_spans(root, seed) if s["label"] == "article"]
    assert (article["start"], article["end"]) == (main["start"], main["end"])


def test_shift_label_from_the_mark_takes_whole_lines_and_escape_drops_the_mark(
    qtbot: QtBot, one_doc_window: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    text = "menu one\nmenu two\nmenu three\nbody"
    window, root = one_doc_window(text)
    view = window.view
    view.select_cp(2, 2)
    key(qtbot, Qt.Key.Key_Space, CTRL)
    key(qtbot, Qt.Key.Key_Escape)
    assert view.mark_position() is None
    key(qtbot, Qt.Key.Key_Space, CTRL)
    key(qtbot, Qt.Key.Key_Space, CTRL)  # again at the same place: dropped
    assert view.mark_position() is None
    key(qtbot, Qt.Key.Key_Space, CTRL)
    # A click on "three" (the mouse, as an annotator would).
    point = view_rect(view, text.index("three") + 1).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, NONE, QPoint(point.x(), point.y()))
    assert view.text()[view.cursor_cp() - 1 : view.cursor_cp() + 1] in ("th", "hr", "re")
    key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ShiftModifier)
    window.save_now()
    data = orjson.loads((root / "annotations" / "tester" / "d.json").read_bytes())
    assert [(s["label"], s["text"]) for s in data["spans"]] == [
        ("boilerplate", "menu one\nmenu two\nmenu three")
    ]


@pytest.fixture
def one_doc_window(
    tmp_path: Path, open_window: Callable[..., MainWindow]
) -> Callable[[str], tuple[MainWindow, Path]]:
    def start(text: str) -> tuple[MainWindow, Path]:
        root = small_corpus(tmp_path, {"d": text})
        return open_window(root, autosave_ms=NO_AUTOSAVE_MS), root

    return start


# ---------------------------------------------------------------------- right to left


def test_right_to_left_paragraphs_are_right_aligned(
    qtbot: QtBot, one_doc_window: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    text = "Hello world\nمرحبا بالعالم\nשלום עולם\nEnglish with عربي inside"
    window, _root = one_doc_window(text)
    view = window.view
    view.viewport().repaint()
    document = view.document()
    width = view.viewport().width()
    for number, rtl in enumerate((False, True, True, False)):
        block = document.findBlockByNumber(number)
        assert view.is_right_to_left(number) is rtl
        option = block.layout().textOption()
        line = block.layout().lineAt(0).naturalTextRect()
        if rtl:
            assert option.alignment() & Qt.AlignmentFlag.AlignRight
            assert option.textDirection() == Qt.LayoutDirection.RightToLeft
            assert line.right() > width - 20 and line.left() > width / 2
        else:
            assert not option.alignment() & Qt.AlignmentFlag.AlignRight
            assert line.left() < 10
    # A resize lays the blocks out again (left aligned): the next paint aligns them again.
    window.resize(window.width() - 200, window.height())
    view.viewport().repaint()
    block = document.findBlockByNumber(1)
    assert block.layout().lineAt(0).naturalTextRect().right() > view.viewport().width() - 20


def test_ctrl_enter_in_the_find_bar_then_a_label_marks_every_match(
    qtbot: QtBot, seed_window: tuple[MainWindow, Path, str]
) -> None:
    """An entity string in three keys: Ctrl+F (type it), Ctrl+Enter, the label's key."""
    window, root, seed = seed_window
    view, bar = window.view, window.find_bar
    view.select_cp(0, 0)
    key(qtbot, Qt.Key.Key_F, CTRL)
    type_text(bar.edit, "lg전자")  # the bar's matching: not case-sensitive unless asked
    key(qtbot, Qt.Key.Key_Return, CTRL)  # claimed by the bar, not "done, then next document"
    assert not bar.isVisible() and QApplication.focusWidget() is view
    assert window.session is not None and window.session.doc_id == seed
    key(qtbot, Qt.Key.Key_O)
    window.save_now()
    # Every whole-word "LG전자" of the seed, particles after it and all (counted by hand:
    # 가 는 와 의, a space, a dash, a no-break space follow them).
    starts = [58, 220, 273, 364, 479, 930, 1047, 1124, 1341, 1399, 1545, 1604]
    orgs = [s for s in saved_spans(root, seed) if s["label"] == "ORG"]
    assert sorted(s["start"] for s in orgs) == starts
    assert {s["text"] for s in orgs} == {"LG전자"}
    assert window.messages[-1] == "Marked 12 occurrences of 'lg전자' as ORG"
    # One undo step takes them all back.
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert [s for s in window.session.spans if s.label == "ORG"] == []

    # Smart case: a needle with a capital letter matches its case ("Lg전자" is nowhere).
    key(qtbot, Qt.Key.Key_F, CTRL)
    bar.edit.clear()
    type_text(bar.edit, "Lg전자")
    assert len(view.find_matches()) == 12  # the bar itself still ignores case
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert window.messages[-1] == "'Lg전자' does not occur as a whole word: nothing to mark"

    # Esc disarms: the next label key marks only the selection, as usual.
    key(qtbot, Qt.Key.Key_F, CTRL)
    bar.edit.clear()
    type_text(bar.edit, "KT")
    key(qtbot, Qt.Key.Key_Return, CTRL)
    key(qtbot, Qt.Key.Key_Escape)
    start = view.text().index("KT")
    view.select_cp(start, start + 2)
    key(qtbot, Qt.Key.Key_O)
    assert [(s.start, s.end) for s in window.session.spans if s.label == "ORG"] == [(start, start + 2)]
