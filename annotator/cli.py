"""The ``annotator`` command. Each subcommand lives in ``annotator/commands/NAME.py``
with a ``register(subparsers)`` function that adds its parser and sets ``func``.

Conventions (a contract): ``--json`` prints one JSON document on stdout and nothing else
there; messages go to stderr. Exit codes: 0 success, 1 the data has problems, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from annotator import __version__
from annotator.commands.common import EXIT_USAGE, UsageError, error
from annotator.corpus import CorpusError

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS = (
    "open",
    "new",
    "import_",
    "validate",
    "status",
    "agree",
    "export",
    "evaluate",
    "suggest",
    "schema",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator",
        description="Turn raw web articles into labelled training corpora.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"annotator.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("--") and argv[0] not in ("--help", "--version")):
        argv = ["open", *argv]  # `annotator` alone opens the app on the demo corpus
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except CorpusError as exc:
        error(str(exc))
        return 1
    except KeyboardInterrupt:
        error("interrupted")
        return 130
