"""After an edit the text paints first; the side panels catch up in later idle slices (#11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui import idle_refresh
from annotator.gui.main_window import MainWindow
from tests.conftest import add_text

pytestmark = pytest.mark.gui

TEXT = "Kim met Lee in Seoul.\n"


class Paints(QObject):
    """Counts the paint events of one widget."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def mark_key(qtbot: QtBot, window: MainWindow, label: str, start: int, end: int) -> None:
    """Select [start, end) and press the label's own key on the text, as a user would."""
    window.view.select_cp(start, end)
    combo = window.label_actions[label].shortcuts()[0][0]
    qtbot.keyClick(window.view, combo.key(), combo.keyboardModifiers())


def spans_in_list(window: MainWindow) -> object:
    return window.doc_model.index(window.doc_model.row_of["d"], 3).data()


def test_a_mark_paints_the_text_before_the_panels(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A catch-up well after the text's repaint, however slow the machine.
    monkeypatch.setattr(idle_refresh, "CATCH_UP_MS", 400)
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", TEXT)
    window = open_window(tmp_path / "c", autosave_ms=600_000)
    mark_key(qtbot, window, "PER", 0, 3)
    qtbot.waitUntil(lambda: not window.editor.idle.pending)
    text = Paints(window.view.viewport())
    span_list = Paints(window.span_table.viewport())
    status_bar = Paints(window.statusBar())

    mark_key(qtbot, window, "PER", 8, 11)

    # What the next key and the tests read follows at once: the row, the current span.
    assert [window.span_model.span_at(r).text for r in range(2)] == ["Kim", "Lee"]  # type: ignore[union-attr]
    assert window.span_table.selectionModel().currentIndex().row() == 1
    assert window.attr_editor.span_id == window.current_span
    # The text paints alone; the panels are held from painting until the pause.
    qtbot.waitUntil(lambda: text.count > 0)
    assert (span_list.count, status_bar.count) == (0, 0)
    assert not window.span_table.viewport().updatesEnabled()
    assert spans_in_list(window) == 1  # the count in the document list: when idle
    # Then they catch up, one slice each.
    qtbot.waitUntil(lambda: span_list.count > 0 and status_bar.count > 0, timeout=3000)
    assert window.span_table.viewport().updatesEnabled() and window.statusBar().updatesEnabled()
    assert spans_in_list(window) == 2
    assert not window.editor.idle.pending


def test_a_burst_of_edits_is_caught_up_once(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idle_refresh, "CATCH_UP_MS", 400)
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", TEXT)
    window = open_window(tmp_path / "c", autosave_ms=600_000)
    span_list = Paints(window.span_table.viewport())
    for start, end in ((0, 3), (8, 11), (15, 20)):
        mark_key(qtbot, window, "PER", start, end)
        qtbot.wait(50)  # keys 50 ms apart: each restarts the pause
        assert span_list.count == 0
    qtbot.waitUntil(lambda: not window.editor.idle.pending, timeout=3000)
    assert span_list.count >= 1
    assert spans_in_list(window) == 3
    assert window.span_model.rowCount() == 3


def test_switching_document_catches_up_first(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idle_refresh, "CATCH_UP_MS", 60_000)
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", TEXT)
    add_text(corpus, "e", "Another page.\n")
    window = open_window(tmp_path / "c", autosave_ms=600_000)
    assert window.session is not None and window.session.doc_id == "d"
    mark_key(qtbot, window, "PER", 0, 3)
    mark_key(qtbot, window, "PER", 8, 11)
    assert window.editor.idle.pending and not window.span_table.viewport().updatesEnabled()
    assert window.open_document("e")
    # The count of the page left is in the list, and nothing is held for the new page.
    assert spans_in_list(window) == 2
    assert not window.editor.idle.pending
    assert window.span_table.viewport().updatesEnabled() and window.statusBar().updatesEnabled()
