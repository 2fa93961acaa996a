"""What every subcommand shares: opening a corpus, printing, exit codes, progress bars."""

from __future__ import annotations

import argparse
import os
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
    """Bad usage: a missing folder, a wrong option value (exit code 2).

    ``path``, when the error is about one, goes into the ``--json`` error document.
    """

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


def error(message: str) -> None:
    print(f"annotator: {message}", file=sys.stderr)


def info(message: str) -> None:
    print(message, file=sys.stderr)


#: Set once a command has printed its JSON document, so that ``cli.main`` never adds a
#: second one (an error document) after it.
json_printed = False


def print_json(value: object) -> None:
    """The one JSON document a ``--json`` command prints on stdout."""
    global json_printed
    json_printed = True
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    sys.stdout.flush()


#: More worker processes than this only waits on memory and the disk; a typo such as
#: ``--jobs 99999999999999999999`` must be an error, not a fork bomb.
MAX_JOBS = max(64, 4 * (os.cpu_count() or 1))


def add_jobs_option(parser: argparse.ArgumentParser, default: str) -> None:
    """``--jobs N``, the same for every command that runs worker processes."""
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help=f"worker processes, 1 to {MAX_JOBS} (default: {default})",
    )


def int_in_range(option: str, value: int | None, low: int, high: int) -> int | None:
    """``value`` of ``option`` when it is None or within ``low..high``; else a usage error."""
    if value is not None and not low <= value <= high:
        raise UsageError(f"{option} must be a whole number from {low} to {high}, not {value}")
    return value


def model_option_folder(given: Path) -> Path:
    """The folder ``--model`` names; a usage error naming it when it is missing or a file
    (the commands that take ``--model``: suggest and assign)."""
    if given.is_dir():
        return given
    if given.exists():
        raise UsageError(f"--model {given}: a file, not a model folder (the folder `annotator train` writes)", given)
    raise UsageError(f"--model {given}: no such folder", given)


def open_corpus(path: str | Path) -> Corpus:
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such folder", path)
    if not (path / "corpus.json").exists():
        raise UsageError(
            f"{path}: not a corpus (no corpus.json); create one with `annotator new {path}`", path
        )
    return Corpus.open(path)


def progress(items: Iterable[T], total: int | None = None, desc: str = "", unit: str = "doc") -> Iterator[T]:
    """A progress bar on stderr when it is a terminal and there is enough to wait for."""
    from tqdm import tqdm

    show = sys.stderr.isatty() and (total is None or total >= 50)
    yield from tqdm(items, total=total, desc=desc, unit=unit, disable=not show, file=sys.stderr, leave=False)
