"""Attributes without round trips, through the real main window and real key events.

Digits set the choice attribute of the span just marked (:mod:`annotator.gui.attribute_keys`);
the focus comes back to the text after a value is set in the attribute editor; a byline's or
a date's attributes are read from its text when it is marked (:mod:`annotator.attribute_fill`).
Every check reads the annotation file the window saved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewController
from annotator.model import DocumentMeta
from annotator.rules import sha256_text

pytestmark = pytest.mark.gui

NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
NO_AUTOSAVE_MS = 600_000

MENU = "Home News Sports Weather"
ARTICLE = (
    "Rain expected\n"
    "By Jane Doe and John Roe, Reuters\n"
    "2020-06-03 09:03\n"
    "[서울=뉴스핌] 심지혜 기자\n"
    "2020년06월03일 09:03\n"
    "The body of the article."
)
TEXT = f"{MENU}\n\n{ARTICLE}\n\nA photo of the rain"


def start(
    tmp_path: Path,
    open_window: Callable[..., MainWindow],
    text: str = TEXT,
    extra: dict[str, object] | None = None,
) -> tuple[MainWindow, Path]:
    root = tmp_path / "c"
    corpus = Corpus.create(root, name="attrs")
    meta = DocumentMeta(
        doc_id="d", text_sha256=sha256_text(text), chars=len(text), source="test:d",
        source_format="txt", extra=extra or {},
    )
    corpus.add_document(text, meta)
    return open_window(root, autosave_ms=NO_AUTOSAVE_MS), root


def select(window: MainWindow, phrase: str) -> None:
    start = window.view.text().index(phrase)
    window.view.select_cp(start, start + len(phrase))


def key(qtbot: QtBot, k: Qt.Key | str, mods: Qt.KeyboardModifier = NONE) -> None:
    """A real key press on the widget that has the focus (shortcuts are matched as for a user)."""
    target = QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    qtbot.keyClick(target, k, mods)


def saved_spans(window: MainWindow, root: Path) -> dict[str, dict[str, object]]:
    """Save through the window, read the file: span text -> its attributes (+ label)."""
    window.save_now()
    data = orjson.loads((root / "annotations" / "tester" / "d.json").read_bytes())
    return {s["text"]: {"label": s["label"], **s["attrs"]} for s in data["spans"]}


def test_a_digit_sets_the_kind_of_the_boilerplate_just_marked(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window, root = start(tmp_path, open_window)
    select(window, MENU)
    key(qtbot, Qt.Key.Key_B)
    # The palette lists the kinds, numbered, while the digits apply.
    shown = window.palette.choice_text()
    assert "1 navigation" in shown and "4 caption" in shown and "8 other" in shown, shown
    key(qtbot, Qt.Key.Key_4)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "caption"}}
    assert QApplication.focusWidget() is window.view
    # A second digit corrects it; both are one undo step after the mark.
    key(qtbot, Qt.Key.Key_1)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "navigation"}}
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "other"}}


def test_a_digit_sets_the_role_of_an_article_and_the_keypad_works_too(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window, root = start(tmp_path, open_window)
    select(window, "Rain expected")
    key(qtbot, Qt.Key.Key_A)
    assert "1 main" in window.palette.choice_text()
    qtbot.keyClick(window.view, Qt.Key.Key_2, Qt.KeyboardModifier.KeypadModifier)
    assert saved_spans(window, root) == {"Rain expected": {"label": "article", "role": "related"}}
    # There is no third role: nothing changes, the message says which digits apply.
    key(qtbot, Qt.Key.Key_3)
    assert saved_spans(window, root) == {"Rain expected": {"label": "article", "role": "related"}}
    assert window.messages[-1] == "article role has 2 choices: 1..2 (F2 edits it)"


def test_relabelling_offers_the_new_labels_choice(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """A label key with no selection relabels the current span: its choice is offered."""
    window, root = start(tmp_path, open_window)
    select(window, MENU)
    key(qtbot, Qt.Key.Key_A)  # an article by mistake
    key(qtbot, Qt.Key.Key_B)  # no selection now: relabel the current span
    key(qtbot, Qt.Key.Key_5)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "related-links"}}


def test_the_same_labels_key_on_the_current_span_offers_its_choice_again(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """A boilerplate whose kind is wrong (a suggestion accepted as "footer", say): Tab to it,
    its label's key, the digit. Nothing else changes."""
    window, root = start(tmp_path, open_window)
    select(window, MENU)
    key(qtbot, Qt.Key.Key_B)
    key(qtbot, Qt.Key.Key_4)
    key(qtbot, Qt.Key.Key_Escape)  # no current span, no digits offered
    key(qtbot, Qt.Key.Key_1)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "caption"}}
    window.view.select_cp(0, 0)
    key(qtbot, Qt.Key.Key_Tab)  # the menu is current again
    key(qtbot, Qt.Key.Key_B)  # same label: not a relabel, but the kinds are offered
    assert "1 navigation" in window.palette.choice_text()
    key(qtbot, Qt.Key.Key_1)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "navigation"}}


def test_another_key_ends_the_digits(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window, root = start(tmp_path, open_window)
    select(window, MENU)
    key(qtbot, Qt.Key.Key_B)
    assert window.palette.choice_text()
    # The numbered choices stand where the usage lines were: the panel keeps its height.
    assert window.palette.usage.isHidden()
    key(qtbot, Qt.Key.Key_Right)  # the text cursor moves: the digits are plain again
    assert window.palette.choice_text() == ""
    assert window.palette.choices.isHidden()
    assert not window.palette.usage.isHidden()
    key(qtbot, Qt.Key.Key_4)
    assert saved_spans(window, root) == {MENU: {"label": "boilerplate", "kind": "other"}}
    # Another span becoming current ends it too (Tab cycles to the next span).
    select(window, "A photo of the rain")
    key(qtbot, Qt.Key.Key_B)
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_4)
    assert {t: a["kind"] for t, a in saved_spans(window, root).items()} == {
        MENU: "other", "A photo of the rain": "other"
    }


def test_a_choice_set_in_the_editor_gives_the_focus_back_so_ctrl_home_moves_the_cursor(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """F2, "c" picks caption in the drop-down; the focus is back in the text, so Ctrl+Home
    moves the text cursor. (With the focus left in the drop-down, Ctrl+Home chose its first
    item: the caption became "navigation".)"""
    window, root = start(tmp_path, open_window)
    select(window, "A photo of the rain")
    key(qtbot, Qt.Key.Key_B)
    key(qtbot, Qt.Key.Key_F2)
    combo = window.attr_editor.fields["kind"]
    assert isinstance(combo, QComboBox)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    key(qtbot, "c")
    assert combo.currentText() == "caption"
    qtbot.wait(50)  # what the window system does with the focus meanwhile
    key(qtbot, Qt.Key.Key_Home, CTRL)  # to whichever widget has the focus, as a user would
    assert saved_spans(window, root) == {"A photo of the rain": {"label": "boilerplate", "kind": "caption"}}
    assert QApplication.focusWidget() is window.view
    assert window.view.cursor_cp() == 0


def test_a_letter_in_the_drop_down_picks_an_item_not_a_label(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """"a" (advertisement) typed in the kind drop-down is not the article key."""
    window, root = start(tmp_path, open_window)
    select(window, "A photo of the rain")
    key(qtbot, Qt.Key.Key_B)
    key(qtbot, Qt.Key.Key_F2)
    combo = window.attr_editor.fields["kind"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    key(qtbot, "a")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    assert saved_spans(window, root) == {
        "A photo of the rain": {"label": "boilerplate", "kind": "advertisement"}
    }


def test_enter_in_a_field_commits_and_gives_the_focus_back(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window, root = start(tmp_path, open_window)
    line = "By Jane Doe and John Roe, Reuters"
    select(window, line)
    key(qtbot, Qt.Key.Key_Y)
    key(qtbot, Qt.Key.Key_F2)
    field = window.attr_editor.fields["authors"]
    assert isinstance(field, QLineEdit)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    qtbot.keyClicks(field, ", Kim Minsu")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    key(qtbot, Qt.Key.Key_Home, CTRL)
    assert window.view.cursor_cp() == 0
    assert saved_spans(window, root) == {
        line: {"label": "byline", "authors": ["Jane Doe", "John Roe", "Kim Minsu"], "agency": "Reuters"}
    }


def test_marking_fills_the_attributes_the_text_holds(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """Byline and date attributes come from the span's own text, in the mark's undo step;
    no time zone is added when neither the text nor the document says one."""
    window, root = start(tmp_path, open_window)
    # An article first: parts belong inside one.
    window.view.select_cp(len(MENU) + 2, len(MENU) + 2 + len(ARTICLE))
    key(qtbot, Qt.Key.Key_A)
    for phrase, label_key in (
        ("By Jane Doe and John Roe, Reuters", Qt.Key.Key_Y),
        ("[서울=뉴스핌] 심지혜 기자", Qt.Key.Key_Y),
        ("2020년06월03일 09:03", Qt.Key.Key_D),
        ("2020-06-03 09:03", Qt.Key.Key_D),
    ):
        select(window, phrase)
        key(qtbot, label_key)
    spans = saved_spans(window, root)
    assert spans["By Jane Doe and John Roe, Reuters"] == {
        "label": "byline", "authors": ["Jane Doe", "John Roe"], "agency": "Reuters"
    }
    assert spans["[서울=뉴스핌] 심지혜 기자"] == {
        "label": "byline", "authors": ["심지혜"], "agency": "뉴스핌", "location": "서울"
    }
    assert spans["2020년06월03일 09:03"] == {"label": "date", "value": "2020-06-03T09:03"}
    assert spans["2020-06-03 09:03"] == {"label": "date", "value": "2020-06-03T09:03"}
    # One Ctrl+Z takes the last mark back with its value: they were one step.
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert "2020-06-03 09:03" not in saved_spans(window, root)


def test_a_date_gets_the_time_zone_the_document_gives(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window, root = start(tmp_path, open_window, extra={"timezone": "Asia/Seoul"})
    window.view.select_cp(len(MENU) + 2, len(MENU) + 2 + len(ARTICLE))
    key(qtbot, Qt.Key.Key_A)
    select(window, "2020년06월03일 09:03")
    key(qtbot, Qt.Key.Key_D)
    assert saved_spans(window, root)["2020년06월03일 09:03"] == {
        "label": "date", "value": "2020-06-03T09:03+09:00"
    }


def test_review_mode_keeps_its_digits(
    qtbot: QtBot, open_review: Callable[..., tuple[MainWindow, ReviewController]], demo_copy: tuple[Path, str]
) -> None:
    """In review mode 1..9 take an annotator's side: marking offers no digits there."""
    root, doc_id = demo_copy
    window, _review = open_review(root, doc=doc_id)
    text = window.view.text()
    start_cp = text.index("Top으로 이동")  # boilerplate in gold: marked again, merged
    window.view.select_cp(start_cp, start_cp + len("Top으로"))
    key(qtbot, Qt.Key.Key_B)
    assert window.attr_editor.offer is not None, window.messages[-3:]  # offered by marking...
    assert not window.choice_keys.active  # ...but the digits are review mode's
    assert window.palette.choice_text() == ""
