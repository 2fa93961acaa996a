"""The autosave writes in a worker thread (ADR 25): the window goes on while the file is
written, edits made meanwhile are saved next, and closing waits for the write."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from annotator.session import journal_path
from tests.conftest import add_text
from tests.gui.test_main_window import key

TEXT = "Kim met Lee in Seoul today"


def labels_on_disk(path: Path) -> list[str]:
    return sorted(s["label"] for s in orjson.loads(path.read_bytes())["spans"])


@pytest.fixture
def blocked_writes(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[str]]:
    """Every annotation write waits for the event; the names of the threads that wrote."""
    release = threading.Event()
    threads: list[str] = []
    real = Corpus.write_prepared

    def write(self: Corpus, prepared: object) -> object:
        threads.append(threading.current_thread().name)
        assert release.wait(10), "the test never released the write"
        return real(self, prepared)  # type: ignore[arg-type]

    monkeypatch.setattr(Corpus, "write_prepared", write)
    return release, threads


def window_on_a_page(open_window: Callable[..., MainWindow], tmp_path: Path) -> tuple[Corpus, MainWindow, Path]:
    """A window on a one-page corpus, its autosave after 30 ms; the page's annotation file."""
    corpus = Corpus.create(tmp_path / "c", name="t")
    add_text(corpus, "d", TEXT)
    window = open_window(tmp_path / "c", autosave_ms=30)
    return corpus, window, tmp_path / "c" / "annotations" / "tester" / "d.json"


def mark_until_the_write_waits(qtbot, window: MainWindow, threads: list[str]) -> None:
    """Mark "Kim" (PER) and wait until the autosave's write is held by ``blocked_writes``."""
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: len(threads) == 1, timeout=5000)


def test_the_autosave_writes_in_a_thread_and_edits_made_meanwhile_follow(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path,
    blocked_writes: tuple[threading.Event, list[str]],
) -> None:
    release, threads = blocked_writes
    corpus, window, path = window_on_a_page(open_window, tmp_path)
    mark_until_the_write_waits(qtbot, window, threads)
    assert threads == ["autosave"]  # not the GUI thread: the window is free meanwhile
    # The window answers while the write waits: another mark, journaled.
    window.view.select_cp(15, 20)
    key(qtbot, window, Qt.Key.Key_L)
    assert sorted(s.label for s in window.session.spans) == ["LOC", "PER"]  # type: ignore[union-attr]
    assert not path.exists()
    assert window.windowTitle().endswith("unsaved")
    release.set()
    qtbot.waitUntil(lambda: path.exists() and labels_on_disk(path) == ["LOC", "PER"], timeout=5000)
    qtbot.waitUntil(lambda: window.windowTitle().endswith("saved") and not window.windowTitle().endswith("unsaved"))
    assert not journal_path(corpus, "tester", "d").exists()
    assert threads == ["autosave", "autosave"]


def test_closing_waits_for_the_write_in_flight(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path,
    blocked_writes: tuple[threading.Event, list[str]],
) -> None:
    release, threads = blocked_writes
    corpus, window, path = window_on_a_page(open_window, tmp_path)
    mark_until_the_write_waits(qtbot, window, threads)
    window.view.select_cp(15, 20)
    key(qtbot, window, Qt.Key.Key_L)
    threading.Timer(0.2, release.set).start()
    window.close()  # lands the write in flight, then saves the rest, on this thread
    assert labels_on_disk(path) == ["LOC", "PER"]
    assert threads == ["autosave", "MainThread"]
    assert not journal_path(corpus, "tester", "d").exists()


def test_our_own_write_landing_is_no_conflict(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path,
    blocked_writes: tuple[threading.Event, list[str]],
) -> None:
    """The folder watcher and the focus check see the file change while our write lands:
    neither may take it for someone else's."""
    release, threads = blocked_writes
    _corpus, window, path = window_on_a_page(open_window, tmp_path)
    asked: list[str] = []
    window.ask_conflict = lambda p: asked.append(p) or "keep"  # type: ignore[method-assign]
    mark_until_the_write_waits(qtbot, window, threads)
    release.set()
    flight = window.persistence._in_flight
    assert flight is not None
    flight.thread.join()  # written and renamed, not yet landed (no event processed)
    assert path.exists()
    window.persistence.check_disk()  # as the window's activation would, right then
    qtbot.wait(300)  # the landing, the watcher's event and the deferred check run
    assert asked == []
    assert not any("changed on disk" in m for m in window.messages)
    assert labels_on_disk(path) == ["PER"]
