"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every void Qt call and aborts
("none_dealloc") after a few thousand: the text view makes such calls on every paint. This
guards the pin (<6.12, docs/adr/0003) with the real calls, in a subprocess so that a crash
fails this test instead of killing pytest."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import PySide6

CALLS = 20_000

SCRIPT = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtGui import QTextCursor, QTextDocument
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication([])
    label = QLabel()
    document = QTextDocument("x" * 100)
    cursor = QTextCursor(document)
    before = sys.getrefcount(None)
    for i in range({CALLS} // 3 + 1):
        label.setText("a" if i % 2 else "b")      # void
        label.setObjectName("n" if i % 2 else "m")  # void
        cursor.setPosition(i % 100)               # void
    after = sys.getrefcount(None)
    print(after - before)
    """
)


def test_void_calls_keep_none_alive() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, (
        f"PySide6 {PySide6.__version__} crashed after void calls "
        f"(exit {result.returncode}): {result.stderr[-2000:]}"
    )
    delta = int(result.stdout.strip().splitlines()[-1])
    # A leak of one reference per call would show as about -20,000.
    assert delta > -1000, f"sys.getrefcount(None) fell by {-delta} over {CALLS} void calls"
