"""Marks by hand that read the page, through the real main window and real key events: a
boilerplate's kind and a teaser's role come from the span's words and place (no digit when
they are right), Shift+D / Shift+Y on a line mark the date / byline in it, and Shift+S on two
consecutive lines makes two subtitles. Every check reads the annotation file the window saved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from annotator.model import DocumentMeta
from annotator.rules import sha256_text

pytestmark = pytest.mark.gui

SHIFT = Qt.KeyboardModifier.ShiftModifier
CAPTION = "[서울=뉴스핌] 이길동 기자 =이한주 국정기획위원회 위원장.2025.07.22 gdlee@newspim.com"
TEXT = (
    "전체기사 최신뉴스\n\n"
    "제목이다\n"
    "기사입력 : 2020년06월03일 09:03\n"
    "첫 부제\n둘째 부제\n"
    "[서울=뉴스핌] 심지혜 기자 = LG전자가 인공지능 협의체에 합류했다.\n"
    "본문 마지막 줄\n\n"
    f"{CAPTION}\n\n"
    "다른 기사 제목 [세종=뉴스핌] 양가희 기자 = 내용\n\n"
    "Top으로 이동"
)


def at(needle: str) -> int:
    return TEXT.index(needle)


def start(tmp_path: Path, open_window: Callable[..., MainWindow]) -> tuple[MainWindow, Path]:
    root = tmp_path / "c"
    corpus = Corpus.create(root, name="read")
    meta = DocumentMeta(
        doc_id="d", text_sha256=sha256_text(TEXT), chars=len(TEXT), source="test:d",
        source_format="txt", extra={"timezone": "Asia/Seoul"},
    )
    corpus.add_document(TEXT, meta)
    return open_window(root, autosave_ms=600_000), root


def key(qtbot: QtBot, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    qtbot.keyClick(target, k, mods)


def line_key(qtbot: QtBot, window: MainWindow, needle: str, k: Qt.Key) -> None:
    """The caret on the line of ``needle``, then Shift and the label's key."""
    window.view.select_cp(at(needle), at(needle))
    key(qtbot, k, SHIFT)


def saved(window: MainWindow, root: Path) -> list[tuple[str, str, dict[str, object]]]:
    window.save_now()
    data = orjson.loads((root / "annotations" / "tester" / "d.json").read_bytes())
    return [(s["label"], s["text"], s["attrs"]) for s in sorted(data["spans"], key=lambda s: s["start"])]


def test_kinds_roles_dates_bylines_and_subtitles_from_the_page(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window, root = start(tmp_path, open_window)
    main_end = at("본문 마지막 줄") + len("본문 마지막 줄")
    window.view.select_cp(at("제목이다"), main_end)
    key(qtbot, Qt.Key.Key_A)
    line_key(qtbot, window, "전체기사", Qt.Key.Key_B)
    line_key(qtbot, window, "기사입력", Qt.Key.Key_D)
    line_key(qtbot, window, "첫 부제", Qt.Key.Key_S)
    key(qtbot, Qt.Key.Key_S, SHIFT)  # the caret moved on to the second subtitle line
    line_key(qtbot, window, "[서울=뉴스핌] 심", Qt.Key.Key_Y)
    line_key(qtbot, window, "[서울=뉴스핌] 이길동", Qt.Key.Key_B)
    line_key(qtbot, window, "다른 기사", Qt.Key.Key_A)
    line_key(qtbot, window, "Top으로", Qt.Key.Key_B)
    assert saved(window, root) == [
        ("boilerplate", "전체기사 최신뉴스", {"kind": "navigation"}),
        ("article", TEXT[at("제목이다") : main_end], {"role": "main"}),
        ("date", "2020년06월03일 09:03", {"value": "2020-06-03T09:03+09:00"}),
        ("subtitle", "첫 부제", {}),
        ("subtitle", "둘째 부제", {}),
        ("byline", "[서울=뉴스핌] 심지혜 기자", {"authors": ["심지혜"], "agency": "뉴스핌", "location": "서울"}),
        ("boilerplate", CAPTION, {"kind": "caption"}),
        ("article", "다른 기사 제목 [세종=뉴스핌] 양가희 기자 = 내용", {"role": "related"}),
        ("boilerplate", "Top으로 이동", {"kind": "navigation"}),
    ]
    # A guess the annotator disagrees with is one digit away, as before.
    assert QApplication.focusWidget() is window.view
    key(qtbot, Qt.Key.Key_6)
    assert saved(window, root)[-1] == ("boilerplate", "Top으로 이동", {"kind": "advertisement"})
