from __future__ import annotations

import argparse
from pathlib import Path

from annotator.commands.common import info
from annotator.schemas import default_schema_dir, write_schemas


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="regenerate schemas/ from the models")
    p.add_argument("--out", type=Path, default=None, help="folder (default: the project's schemas/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder = args.out or default_schema_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = write_schemas(folder)
    info(f"{len(written)} schema file(s) updated in {folder}" if written else f"{folder} is up to date")
    return 0
