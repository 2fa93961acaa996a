"""The README's shown terminal sessions are what the tool prints.

Every fenced block of README.md with a line ``$ annotator ...`` is run from the project root
as a real command (a child process, as a user would type it), and what it prints must be
the lines the README shows under it, exactly. A README that drifts from the tool (or a tool
that prints a number in the wrong column) fails here rather than misleading a reader.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
PROMPT = "$ annotator "
#: The sessions the README must keep showing (issue 10): a test that found no example
#: would pass while checking nothing.
REQUIRED = {"agree corpora/demo", "status corpora/demo", "validate corpora/demo"}


@dataclass(frozen=True)
class Example:
    args: str  # what follows "$ annotator "
    output: list[str]  # the lines shown under it
    line: int  # 1-based line of the "$" line in README.md, for the failure message


def readme_examples(markdown: str) -> list[Example]:
    """Each ``$ annotator ...`` line inside a fenced block, with the lines that follow it up
    to the next ``$`` line or the end of the block."""
    examples: list[Example] = []
    in_block = False
    current: Example | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        if line.startswith("```"):
            in_block = not in_block
            if current is not None:
                examples.append(current)
                current = None
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            if current is not None:
                examples.append(current)
            current = (Example(line[len(PROMPT):], [], number) if line.startswith(PROMPT)
                       else None)
        elif current is not None:
            current.output.append(line)
    return examples


def _strip(lines: list[str]) -> list[str]:
    # Trailing blanks are invisible in the README; the table printer strips them too.
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


EXAMPLES = readme_examples(README.read_text("utf-8"))


def test_the_readme_shows_the_required_sessions() -> None:
    assert {e.args for e in EXAMPLES} >= REQUIRED


def test_parser_finds_sessions_and_their_output() -> None:
    markdown = "text\n```\n$ annotator a x\none\n  two  \n$ ls\nnot ours\n```\n$ annotator b\n"
    assert readme_examples(markdown) == [Example("a x", ["one", "  two  "], 3)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.args for e in EXAMPLES])
def test_readme_session_matches_the_tool(example: Example) -> None:
    # stderr goes into the same stream, as on a terminal: `validate` says "no problems"
    # there, and a warning the README does not show must fail the comparison too.
    result = subprocess.run(
        [sys.executable, "-m", "annotator", *shlex.split(example.args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=90,  # one command on a 6-document corpus takes about a second
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert _strip(result.stdout.splitlines()) == _strip(example.output), (
        f"README.md line {example.line}: `annotator {example.args}` prints something else; "
        "update the README's block to the real output (or fix the tool)"
    )
