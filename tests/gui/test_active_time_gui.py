"""Active time in the real main window: real key presses on a fake clock, the seconds saved
in ``time_spent_s`` of the document that was open while they were counted, idle time and
time without the focus left out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui import activity
from annotator.gui.main_window import MainWindow
from tests.conftest import add_text
from tests.gui.conftest import show_active
from tests.test_active_time import FakeClock

pytestmark = pytest.mark.gui

#: No autosave during the test: files change only at the switches and the close.
NO_AUTOSAVE_MS = 600_000


def saved_seconds(root: Path, doc_id: str) -> int:
    data = orjson.loads((root / "annotations" / "tester" / f"{doc_id}.json").read_bytes())
    seconds = data["time_spent_s"]
    assert isinstance(seconds, int)
    return seconds


@pytest.fixture
def two_pages(tmp_path: Path) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="time")
    add_text(corpus, "a", "The first page.\nIt has two lines.")
    add_text(corpus, "b", "The second page, read only.")
    return tmp_path / "c"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock every window built in this test counts with."""
    fake = FakeClock()
    monkeypatch.setattr(activity, "CLOCK", fake)
    return fake


def key(qtbot: QtBot, window: MainWindow, name: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A real key press on the text (as the annotator reads and moves through it)."""
    window.view.setFocus()
    qtbot.keyClick(window.view, name, mods)


def test_time_per_document_counts_active_seconds_only(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_pages: Path, clock: FakeClock
) -> None:
    window = open_window(two_pages, autosave_ms=NO_AUTOSAVE_MS)  # active from the fake t0
    assert window.session is not None and window.session.doc_id == "a"
    ctrl = Qt.KeyboardModifier.ControlModifier

    clock.advance(20)
    key(qtbot, window, Qt.Key.Key_Down)  # 20 s reading, then a key
    clock.advance(600)  # ten minutes away from the keyboard: one minute of it counts
    key(qtbot, window, Qt.Key.Key_Right)
    clock.advance(5)
    key(qtbot, window, Qt.Key.Key_PageDown, ctrl)  # next document: "a" is flushed first
    assert window.session.doc_id == "b"
    assert saved_seconds(two_pages, "a") == 20 + 60 + 5  # not 625: idle time left out
    # Time alone is no edit: "a" has nothing to undo and was not started.
    kept = window.navigator.kept_history("a")
    assert kept is None or not kept.history.can_undo
    data = orjson.loads((two_pages / "annotations" / "tester" / "a.json").read_bytes())
    assert (data["status"], data["spans"]) == ("todo", [])

    clock.advance(7)
    key(qtbot, window, Qt.Key.Key_PageUp, ctrl)  # back to "a": "b" only read, 7 s
    assert window.session.doc_id == "a"
    assert saved_seconds(two_pages, "b") == 7
    assert saved_seconds(two_pages, "a") == 85  # b's seconds went to b, not the next one
    assert window.state_label.text() == "saved"

    # Another window takes the focus: the 30 s there do not count for "a".
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    other.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=5000)
    clock.advance(30)
    show_active(qtbot, window)  # back in the window
    clock.advance(4)
    window.close()  # quitting saves what was counted since the last save
    assert saved_seconds(two_pages, "a") == 85 + 4
    assert saved_seconds(two_pages, "b") == 7


def test_seconds_of_an_edited_document_are_saved_with_its_edits(
    qtbot: QtBot, open_window: Callable[..., MainWindow], two_pages: Path, clock: FakeClock
) -> None:
    window = open_window(two_pages, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None
    cursor = window.view.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(9, cursor.MoveMode.KeepAnchor)  # "The first"
    window.view.setTextCursor(cursor)
    clock.advance(12)
    key(qtbot, window, Qt.Key.Key_A)  # the article label's key marks the selection
    assert len(window.session.spans) == 1
    clock.advance(3)
    key(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # save now
    data = orjson.loads((two_pages / "annotations" / "tester" / "a.json").read_bytes())
    assert data["time_spent_s"] == 15 and len(data["spans"]) == 1
    # Undoing the mark takes back the mark only: the 15 s stay spent.
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    clock.advance(2)
    window.flush()
    data = orjson.loads((two_pages / "annotations" / "tester" / "a.json").read_bytes())
    assert data["time_spent_s"] == 17 and data["spans"] == []
