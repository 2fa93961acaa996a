"""Suggestions in the window: ghost spans, accepted or rejected from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.corpus import Corpus
from annotator.edits import make_span
from annotator.gui.main_window import MainWindow
from tests.conftest import add_text

pytestmark = pytest.mark.gui

TEXT = "MENU home\nKim met Lee and Park in Seoul.\nfooter"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def suggested(tmp_path: Path) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="sugg")
    add_text(corpus, "d", TEXT)
    annotation = corpus.new_annotation("suggestions", "d", TEXT)
    marks = [("boilerplate", "MENU home"), ("PER", "Kim"), ("PER", "Lee"), ("PER", "Park"), ("LOC", "Seoul"), ("boilerplate", "footer")]
    for i, (label, word) in enumerate(marks, 1):
        start = TEXT.index(word)
        attrs = {"kind": "navigation"} if label == "boilerplate" else {}
        annotation.spans.append(make_span(TEXT, start, start + len(word), label, f"g{i}", attrs))
    corpus.save_annotation(annotation)
    return tmp_path / "c"


def ghost_texts(window: MainWindow) -> list[str]:
    return [g.text for g in window.session.pending_suggestions()]  # type: ignore[union-attr]


def test_accept_and_reject_suggestions_from_the_keyboard(
    qtbot, open_window: Callable[..., MainWindow], suggested: Path
) -> None:
    window = open_window(suggested)
    view = window.view
    assert ghost_texts(window) == ["MENU home", "Kim", "Lee", "Park", "Seoul", "footer"]
    view.select_cp(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Period)  # the first suggestion: the menu
    assert view.selection_cp() == (0, 9)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # accept; the next one (Kim) is selected
    assert window.session.span(window.current_span).text == "MENU home"  # type: ignore[union-attr]
    assert view.selection_cp() == (TEXT.index("Kim"), TEXT.index("Kim") + 3)
    qtbot.keyClick(view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)  # reject Kim
    assert "Kim" not in ghost_texts(window)
    # Every other PER at once: one edit, one undo.
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL_SHIFT)
    assert sorted(s.text for s in window.session.spans if s.label == "PER") == ["Lee", "Park"]  # type: ignore[union-attr]
    assert ghost_texts(window) == ["Seoul", "footer"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ghost_texts(window) == ["Lee", "Park", "Seoul", "footer"]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL_SHIFT)
    # The cursor inside a ghost: Return accepts that one.
    loc = TEXT.index("Seoul")
    view.select_cp(loc + 2, loc + 2)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert any(s.label == "LOC" and s.text == "Seoul" for s in window.session.spans)  # type: ignore[union-attr]
    window.save_now()
    data = orjson.loads((suggested / "annotations" / "tester" / "d.json").read_bytes())
    assert sorted((s["label"], s["text"]) for s in data["spans"]) == [
        ("LOC", "Seoul"), ("PER", "Lee"), ("PER", "Park"), ("boilerplate", "MENU home")
    ]
    assert next(s for s in data["spans"] if s["label"] == "boilerplate")["attrs"] == {"kind": "navigation"}
    assert ghost_texts(window) == ["footer"]


def test_return_in_a_line_edit_is_not_taken_by_the_suggestion_keys(
    qtbot, open_window: Callable[..., MainWindow], suggested: Path
) -> None:
    window = open_window(suggested)
    window.view.select_cp(0, 4)
    qtbot.keyClick(window.view, Qt.Key.Key_Y)  # a byline (invalid outside an article; fine)
    # F2: the attribute editor takes the focus (its first field), Tab goes to the next.
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    field = window.attr_editor.fields["agency"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.attr_editor.fields["authors"])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, "Yonhap")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.session.span(window.current_span).attrs == {"agency": "Yonhap"}  # type: ignore[union-attr]
    assert ghost_texts(window)[0] == "MENU home"  # nothing accepted
