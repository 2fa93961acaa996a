"""GUI test fixtures: settings in a temporary folder, a corpus copy in tmp, the real window."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.gui.app import start_window
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewController
from annotator.gui.review_start import controller_of, start_review_window
from annotator.rules import sha256_text
from tests.conftest import DEMO_CORPUS, SEED_PATH, copy_demo_for_review


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item (``item.rep_call``): a fixture's teardown
    can then skip its own checks for a test that already failed (test_shortcuts.py)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """QSettings go to a temporary INI folder: tests never touch the user's settings."""
    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def frozen_activity_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The active-time clock stands still unless a test moves it: a test that happens to run
    for a second must not write ``time_spent_s`` (or a file for a page it only opened)."""
    from annotator.gui import activity

    monkeypatch.setattr(activity, "CLOCK", lambda: 1000.0)


def seed_text() -> str:
    return unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))


def find_doc_with_text(corpus: Corpus, text: str) -> str | None:
    sha = sha256_text(text)
    for doc_id in corpus.doc_ids():
        try:
            if corpus.read_meta(doc_id).text_sha256 == sha:
                return doc_id
        except Exception:
            continue
    return None


@pytest.fixture
def demo_copy(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the demo corpus in tmp (never the repo's), and the seed page's doc id in it."""
    root = copy_demo_for_review(tmp_path / "demo")
    doc_id = find_doc_with_text(Corpus.open(root), seed_text())
    assert doc_id is not None, f"the seed page {SEED_PATH.name} is not in {DEMO_CORPUS}"
    return root, doc_id


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[..., MainWindow]]:
    """Start the real main window (lock, recovery and all) and close it after the test."""
    windows: list[MainWindow] = []

    def start(
        corpus_path: Path, annotator: str = "tester", autosave_ms: int = 400, show: bool = True
    ) -> MainWindow:
        window = start_window(corpus_path, annotator, autosave_ms=autosave_ms)
        windows.append(window)
        if show:
            show_active(qtbot, window)
        return window

    yield start
    for window in windows:
        window.close()
        window.deleteLater()


def show_active(qtbot: QtBot, window: MainWindow) -> None:
    """Show ``window``, make it active and focus the text: window shortcuts fire only in the
    active window."""
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.view.setFocus()


@pytest.fixture
def open_review(qtbot: QtBot) -> Iterator[Callable[..., tuple[MainWindow, ReviewController]]]:
    """Start review mode (alice and bob by default) on a corpus; closed after the test."""
    windows: list[MainWindow] = []

    def start(
        root: Path,
        doc: str = "000_2c3ea0c0f783ca12",
        names: list[str] | None = None,
        autosave_ms: int = 60_000,
    ) -> tuple[MainWindow, ReviewController]:
        window = start_review_window(
            root, names or ["alice", "bob"], start_doc=doc, autosave_ms=autosave_ms
        )
        windows.append(window)
        show_active(qtbot, window)
        controller = controller_of(window)
        assert controller is not None
        return window, controller

    yield start
    for window in windows:
        window.close()
        window.deleteLater()
