"""Another writer changes the open document's file: the real paths that notice it.

No test here calls ``check_disk()``: the file is written by a second :class:`Corpus` (as
another process or a ``git pull`` would, atomically, in the watched folder) and the window
must notice on its own, through its folder watcher or when it becomes active again. Only the
question the user answers is patched (``window.ask_conflict``), as a user would click.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from tests.conftest import add_text
from tests.gui.conftest import show_active

pytestmark = pytest.mark.gui

TEXT = "Kim met Lee in Seoul"
#: Long enough that the autosave never runs during a test: the edit stays unsaved.
NO_AUTOSAVE_MS = 600_000


@pytest.fixture
def corpus_path(tmp_path: Path) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", TEXT)
    return tmp_path / "c"


def write_theirs(corpus_path: Path, page_type: str = "broken", status: str = "skipped") -> None:
    """Another writer saves its own version of ``d``: no span, a page type and a status."""
    other = Corpus.open(corpus_path)  # its own Corpus object: nothing shared with the window
    theirs = other.new_annotation("tester", "d")
    theirs.doc_labels["page_type"] = page_type
    theirs.status = status  # type: ignore[assignment]
    other.save_annotation(theirs)


def on_disk(corpus_path: Path) -> dict:
    return orjson.loads((corpus_path / "annotations" / "tester" / "d.json").read_bytes())


def conflict_copies(corpus_path: Path, what: str) -> list[dict]:
    folder = corpus_path / "annotations" / "tester" / ".conflicts"
    return [orjson.loads(p.read_bytes()) for p in sorted(folder.glob(f"d.*.{what}*.json"))]


def settle() -> None:
    """Run what the window queued when it became active (its own disk check, a zero timer)
    before the other writer writes: else that check, not the path under test, notices."""
    QApplication.processEvents()


def mark_kim_unsaved(qtbot: QtBot, window: MainWindow) -> None:
    """Mark "Kim" as PER from the keyboard; with the autosave far off it stays unsaved."""
    window.view.select_cp(0, 3)
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert window.session is not None and window.session.dirty
    assert window.windowTitle().endswith("unsaved")


def shows_theirs(window: MainWindow) -> bool:
    session = window.session
    return session is not None and session.annotation.doc_labels == {"page_type": "broken"}


def test_the_folder_watcher_reloads_a_document_without_unsaved_changes(
    qtbot: QtBot, open_window: Callable[..., MainWindow], corpus_path: Path
) -> None:
    """Kills: the watcher's directoryChanged not connected (or the folder not watched)."""
    window = open_window(corpus_path, autosave_ms=NO_AUTOSAVE_MS)
    settle()
    asked: list[str] = []
    window.ask_conflict = lambda path: asked.append(path) or "keep"  # type: ignore[method-assign]
    write_theirs(corpus_path)
    # Nothing activates the window here: only the watcher can notice.
    qtbot.waitUntil(lambda: shows_theirs(window), timeout=5000)
    assert window.doc_label_combos["page_type"].currentData() == "broken"
    assert window.status_combo.currentData() == "skipped"
    assert not asked  # nothing unsaved: no question
    assert "reloaded" in window.messages[-1]
    assert on_disk(corpus_path)["doc_labels"] == {"page_type": "broken"}  # not written over


def test_watcher_with_unsaved_changes_answered_reload_keeps_mine_in_conflicts(
    qtbot: QtBot, open_window: Callable[..., MainWindow], corpus_path: Path
) -> None:
    """Kills: Reload throwing the unsaved copy away (no ``.conflicts/`` file holding it), and
    the watcher disconnected (the question is never asked)."""
    window = open_window(corpus_path, autosave_ms=NO_AUTOSAVE_MS)
    settle()
    mark_kim_unsaved(qtbot, window)
    asked: list[str] = []
    window.ask_conflict = lambda path: asked.append(path) or "reload"  # type: ignore[method-assign]
    write_theirs(corpus_path)
    qtbot.waitUntil(lambda: shows_theirs(window), timeout=5000)
    assert asked == [str(corpus_path / "annotations" / "tester" / "d.json")]
    # The window shows the disk version: no span, their page type, saved.
    assert window.session is not None and window.session.spans == []
    assert window.span_model.rowCount() == 0
    assert window.doc_label_combos["page_type"].currentData() == "broken"
    assert window.windowTitle().endswith(" saved")
    # Their file is untouched; my unsaved version is the copy in .conflicts/.
    assert on_disk(corpus_path)["spans"] == []
    (mine,) = conflict_copies(corpus_path, "mine")
    assert [(s["label"], s["start"], s["end"], s["text"]) for s in mine["spans"]] == [("PER", 0, 3, "Kim")]
    assert "kept in" in window.messages[-1]


def test_watcher_with_unsaved_changes_answered_keep_mine_saves_mine_and_keeps_theirs(
    qtbot: QtBot, open_window: Callable[..., MainWindow], corpus_path: Path
) -> None:
    """Kills: Keep mine not writing over theirs, or not keeping theirs in ``.conflicts/``."""
    window = open_window(corpus_path, autosave_ms=NO_AUTOSAVE_MS)
    settle()
    mark_kim_unsaved(qtbot, window)
    window.ask_conflict = lambda path: "keep"  # type: ignore[method-assign]
    write_theirs(corpus_path)
    qtbot.waitUntil(lambda: window.windowTitle().endswith(" saved"), timeout=5000)
    assert [s["text"] for s in on_disk(corpus_path)["spans"]] == ["Kim"]
    (theirs,) = conflict_copies(corpus_path, "theirs")
    assert theirs["doc_labels"] == {"page_type": "broken"} and theirs["spans"] == []


def test_activating_the_window_checks_the_disk(
    qtbot: QtBot, open_window: Callable[..., MainWindow], corpus_path: Path
) -> None:
    """Kills: no disk check when the window becomes active (``changeEvent`` not checking).

    The watcher is silenced first, so that only the activation can notice the change (a
    folder watcher misses changes on some network folders: the focus check is the backup).
    """
    window = open_window(corpus_path, autosave_ms=NO_AUTOSAVE_MS)
    settle()
    window.persistence._watcher.blockSignals(True)
    other = QWidget()
    other.setWindowTitle("another application")
    try:
        # The user goes to another window; meanwhile the file changes.
        other.show()
        qtbot.waitExposed(other)
        other.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=5000)
        write_theirs(corpus_path)
        # With the watcher silent, nothing notices while the window stays inactive.
        settle()
        assert not shows_theirs(window)
        # Back in the annotator's window: the change is picked up.
        show_active(qtbot, window)
        qtbot.waitUntil(lambda: shows_theirs(window), timeout=5000)
        assert window.doc_label_combos["page_type"].currentData() == "broken"
        assert "reloaded" in window.messages[-1]
    finally:
        other.close()
        other.deleteLater()


def test_activation_with_unsaved_changes_asks_and_reload_keeps_mine(
    qtbot: QtBot, open_window: Callable[..., MainWindow], corpus_path: Path
) -> None:
    """Kills: activation not checking the disk when there is unsaved work (the dangerous
    case: the next save would otherwise meet the conflict only later) and Reload dropping
    the unsaved copy."""
    window = open_window(corpus_path, autosave_ms=NO_AUTOSAVE_MS)
    settle()
    window.persistence._watcher.blockSignals(True)  # only the activation may notice
    mark_kim_unsaved(qtbot, window)
    asked: list[str] = []
    window.ask_conflict = lambda path: asked.append(path) or "reload"  # type: ignore[method-assign]
    other = QWidget()
    try:
        other.show()
        qtbot.waitExposed(other)
        other.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=5000)
        write_theirs(corpus_path)
        show_active(qtbot, window)
        qtbot.waitUntil(lambda: bool(asked), timeout=5000)
        qtbot.waitUntil(lambda: shows_theirs(window), timeout=5000)
        (mine,) = conflict_copies(corpus_path, "mine")
        assert [s["text"] for s in mine["spans"]] == ["Kim"]
        assert QApplication.activeWindow() is window
    finally:
        other.close()
        other.deleteLater()
