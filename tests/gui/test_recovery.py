"""Kill -9 the running app mid-work; the next start restores every change and says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from tests.conftest import ROOT, add_text

pytestmark = [pytest.mark.gui, pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")]

TEXT = "MENU home news\n\nTitle of the story\n\n[Seoul] Kim Minsu reporter\nBody with 😀 Seoul.\n\nfooter links\n"

# The child: the real app window on the corpus, edits made through the window's own
# commands (as the keys run them), an autosave an hour away so that only the journal has
# them, then it waits for the kill.
CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
    app = QApplication([])
    from annotator.gui.app import start_window
    window = start_window(sys.argv[1], "tester", autosave_ms=3_600_000)
    window.show()
    text = window.session.text
    view = window.view
    view.select_cp(0, 0)
    window.mark_lines("boilerplate")                      # line mode on the menu
    view.select_cp(text.index("Title"), text.index("footer") - 2)
    window.mark_lines("article")                          # the article's lines
    b = text.index("[Seoul]")
    view.select_cp(b, text.index(" reporter") + 9)
    window.mark_label("byline")
    window._on_attr(window.current_span, "authors", ["Kim Minsu"])
    s = text.index("Seoul.")
    view.select_cp(s, s + 5)
    window.mark_label("LOC")                              # after an emoji
    window.set_doc_label("page_type", "article")
    print("READY", len(window.session.spans), flush=True)
    app.exec()
    """
)


def test_kill_9_then_restart_restores_and_says_so(
    tmp_path: Path, open_window: Callable[..., MainWindow], isolated_settings: Path
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="crash")
    add_text(corpus, "d", TEXT)
    script = tmp_path / "child.py"
    script.write_text(CHILD, "utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "c"), str(isolated_settings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.split() == ["READY", "4"], child.stderr.read() if child.stderr else line
        annotation_file = tmp_path / "c" / "annotations" / "tester" / "d.json"
        assert not annotation_file.exists()  # nothing saved yet: only the journal has the work
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    window = open_window(tmp_path / "c")
    said = "\n".join(window.messages)
    assert "did not close properly" in said
    assert "d: restored 6 unsaved changes from the last session" in said
    assert "restored 6 unsaved changes" in window.statusBar().currentMessage()
    data = orjson.loads(annotation_file.read_bytes())
    spans = {s["label"]: s for s in data["spans"]}
    assert spans["boilerplate"]["text"] == "MENU home news"
    assert spans["article"]["text"].startswith("Title of the story") and spans["article"]["text"].endswith("Seoul.")
    assert spans["byline"]["text"] == "[Seoul] Kim Minsu reporter"
    assert spans["byline"]["attrs"] == {"authors": ["Kim Minsu"]}
    loc = TEXT.index("Seoul.")
    assert (spans["LOC"]["start"], spans["LOC"]["end"]) == (loc, loc + 5)  # code points
    assert data["doc_labels"] == {"page_type": "article"}
    assert data["status"] == "in_progress"
    # The window shows the restored work, and the journal is gone.
    assert len(window.session.spans) == 4  # type: ignore[union-attr]
    assert not list((tmp_path / "c" / "annotations" / "tester" / ".journal").glob("*.jsonl"))
