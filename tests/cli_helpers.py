"""Running the ``annotator`` command in-process and reading what a refusal printed."""

from __future__ import annotations

import pytest

from annotator.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``annotator ARGV``."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(err: str) -> str:
    """The one ``annotator: ...`` line a refused command prints; no traceback."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("annotator: ")]
    assert len(lines) == 1, err
    return lines[0]
