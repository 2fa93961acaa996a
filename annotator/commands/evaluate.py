"""Placeholder: being built (see the issue tracker)."""

from __future__ import annotations

import argparse

from annotator.commands.common import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="(not built yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("'evaluate' is not built yet")
