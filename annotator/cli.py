"""The ``annotator`` command. Each subcommand lives in ``annotator/commands/NAME.py``
with a ``register(subparsers)`` function that adds its parser and sets ``func``.

Conventions (a contract): ``--json`` prints one JSON document on stdout and nothing else
there; messages go to stderr. Exit codes: 0 success, 1 the data has problems (also a
file system that refuses: read-only, full, missing), 2 bad usage, 130 interrupted.

Errors are handled here, once for every command: each becomes one line on stderr,
``annotator: PATH: what is wrong``, never a traceback. With ``--json``, a command that
fails before printing its document prints this one instead (ADR 12)::

    {"ok": false, "error": {"code": "usage" | "corpus" | "os" | "interrupted",
                            "message": "PATH: what is wrong", "path": "PATH" | null}}

``code``: ``usage`` bad usage (exit 2: a wrong option, a missing corpus, an output path
refused by :mod:`annotator.outputs`); ``corpus`` a corpus file that cannot be used (exit 1);
``os`` the system refused (exit 1: read-only, disk full, permission); ``interrupted`` Ctrl+C
(exit 130). ``message`` is the stderr line without ``annotator: ``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from annotator import __version__
from annotator.commands import common
from annotator.commands.common import EXIT_PROBLEMS, EXIT_USAGE, UsageError, error
from annotator.corpus import CorpusError
from annotator.outputs import OutputPathError

#: Exit code of an interrupted command (128 + SIGINT), as shells do.
EXIT_INTERRUPTED = 130

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS = (
    "open",
    "new",
    "import_",
    "validate",
    "status",
    "agree",
    "assign",
    "export",
    "evaluate",
    "suggest",
    "train",
    "sync",
    "schema",
)


class _ArgumentsRefused(SystemExit):
    """argparse's refusal (exit 2), carrying its message for the ``--json`` error document.
    A SystemExit still, so callers see what argparse always did."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_USAGE)
        self.message = message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise _ArgumentsRefused(f"{self.prog}: {message}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of ``command`` alone when it is one of them.

    A command run parses its own arguments only: building all thirteen parsers (and importing
    their modules) took about 20 ms of the 290 ms ``assign`` needs for 100,000 documents.
    ``--help``, no command and an unknown one get every subcommand (the list and the choices).
    """
    parser = _Parser(
        prog="annotator",
        description="Turn raw web articles into labelled training corpora.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    by_name = {module.rstrip("_"): module for module in COMMANDS}  # import_: import
    modules = [by_name[command]] if command in by_name else COMMANDS
    for name in modules:
        importlib.import_module(f"annotator.commands.{name}").register(sub)
    return parser


def _os_error_path(exc: OSError, args: argparse.Namespace) -> str | None:
    """The file the system refused, else what the command was working on (its corpus)."""
    for name in (exc.filename, exc.filename2):
        if name is not None:
            return os.fsdecode(name) if isinstance(name, bytes) else str(name)
    corpus = getattr(args, "corpus", None)
    return None if corpus is None else str(corpus)


def _fail(args: argparse.Namespace, code: str, message: str, path: str | None) -> None:
    """The one stderr line of a failed command; with --json, also the error document."""
    error(message)
    wants_json = bool(getattr(args, "json", False))
    if wants_json and not common.json_printed:
        common.print_json({"ok": False, "error": {"code": code, "message": message, "path": path}})


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("--") and argv[0] not in ("--help", "--version")):
        argv = ["open", *argv]  # `annotator` alone opens the app on the demo corpus
    common.json_printed = False
    parser = build_parser(argv[0])
    try:
        args = parser.parse_args(argv)
    except _ArgumentsRefused as exc:
        # The usage and message are on stderr already; the document too when --json was asked.
        if "--json" in argv:
            common.print_json({"ok": False, "error": {"code": "usage", "message": exc.message, "path": None}})
        raise
    try:
        return int(args.func(args) or 0)
    except (UsageError, OutputPathError) as exc:
        _fail(args, "usage", str(exc), exc.path)
        return EXIT_USAGE
    except CorpusError as exc:
        _fail(args, "corpus", str(exc), exc.path)
        return EXIT_PROBLEMS
    except OSError as exc:
        # The system said no (read-only, full, gone, no permission): the data's environment,
        # not the usage. One line naming the path, never a traceback.
        path = _os_error_path(exc, args)
        cause = exc.strerror or str(exc)
        message = f"{path}: {cause}" if path else cause
        _fail(args, "os", message, path)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        _fail(args, "interrupted", "interrupted", None)
        return EXIT_INTERRUPTED
