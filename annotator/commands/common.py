"""What every subcommand shares: opening a corpus, printing, exit codes, progress bars."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import orjson

from annotator.corpus import Corpus

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

T = TypeVar("T")


class UsageError(Exception):
    """Bad usage: a missing folder, a wrong option value (exit code 2)."""


def error(message: str) -> None:
    print(f"annotator: {message}", file=sys.stderr)


def info(message: str) -> None:
    print(message, file=sys.stderr)


def print_json(value: object) -> None:
    """The one JSON document a ``--json`` command prints on stdout."""
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    sys.stdout.flush()


def open_corpus(path: str | Path) -> Corpus:
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such folder")
    if not (path / "corpus.json").exists():
        raise UsageError(f"{path}: not a corpus (no corpus.json); create one with `annotator new {path}`")
    return Corpus.open(path)


def progress(items: Iterable[T], total: int | None = None, desc: str = "", unit: str = "doc") -> Iterator[T]:
    """A progress bar on stderr when it is a terminal and there is enough to wait for."""
    from tqdm import tqdm

    show = sys.stderr.isatty() and (total is None or total >= 50)
    yield from tqdm(items, total=total, desc=desc, unit=unit, disable=not show, file=sys.stderr, leave=False)
