"""Starting the app: the annotator's name (asked once, remembered), the lock, `annotator`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator import cli
from annotator.corpus import Corpus
from annotator.gui import app as app_module
from annotator.gui.app import name_problem, remembered_annotator, run_app
from tests.conftest import DEMO_CORPUS, add_text

pytestmark = pytest.mark.gui


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="small")
    add_text(corpus, "d1", "Kim met Lee.\n")
    add_text(corpus, "d2", "Another page.\n")
    return tmp_path / "c"


def close_soon(qapp: QApplication, then: list[str]) -> None:
    """Close the app's main window once the event loop runs (run_app blocks in exec)."""

    def close() -> None:
        for widget in qapp.topLevelWidgets():
            if widget.objectName() == "MainWindow" and widget.isVisible():
                then.append(widget.windowTitle())
                widget.close()

    QTimer.singleShot(200, close)


def test_first_run_asks_the_name_and_remembers_it(
    qapp: QApplication, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([("not a name!", True), ("bob", True)])
    prompts: list[str] = []

    def get_text(_parent: object, _title: str, prompt: str, *_args: object) -> tuple[str, bool]:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    assert remembered_annotator() is None
    titles: list[str] = []
    close_soon(qapp, titles)
    assert run_app(small_corpus) == 0
    assert len(prompts) == 2 and "not a valid name" in prompts[1]
    assert remembered_annotator() == "bob"
    assert titles and "bob" in titles[0] and "small" in titles[0]
    # The window released the lock when it closed.
    assert not Corpus.open(small_corpus).lock("bob").owner_path.exists()

    # Second run: no question; --annotator overrides without replacing the remembered name.
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a: pytest.fail("asked again")))
    titles.clear()
    close_soon(qapp, titles)
    assert run_app(small_corpus, annotator="carol") == 0
    assert "carol" in titles[0]
    assert remembered_annotator() == "bob"


def test_the_app_reopens_the_last_document(qapp: QApplication, small_corpus: Path) -> None:
    app_module.remember_annotator("bob")
    window = app_module.start_window(small_corpus, "bob")
    window.open_document("d2")
    app_module.remember_last_document(window)
    window.close()
    window = app_module.start_window(small_corpus, "bob")
    assert window.session is not None and window.session.doc_id == "d2"
    window.close()


def test_locked_corpus_gives_a_clear_message(
    qapp: QApplication, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, _t, text: shown.append(text)))
    with Corpus.open(small_corpus).lock("bob"):
        assert run_app(small_corpus, annotator="bob") == 1
    assert len(shown) == 1
    assert "being edited by process" in shown[0] and "close that window" in shown[0]


def test_bad_annotator_option_is_a_usage_error(qapp: QApplication, small_corpus: Path) -> None:
    assert run_app(small_corpus, annotator="../etc") == 2
    assert name_problem("suggestions") is not None
    assert name_problem("alice") is None


def test_annotator_with_no_argument_opens_the_demo_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Path, str | None]] = []
    monkeypatch.setattr(app_module, "run_app", lambda path, annotator=None: calls.append((Path(path), annotator)) or 0)
    assert cli.main([]) == 0
    assert calls == [(DEMO_CORPUS.resolve(), None)]
    calls.clear()
    assert cli.main(["--annotator", "bob"]) == 0
    assert calls == [(DEMO_CORPUS.resolve(), "bob")]
