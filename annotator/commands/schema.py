"""``annotator schema [--out FOLDER]``: write the JSON Schemas generated from the models.

The default is ``schemas/`` in the current folder: in a checkout's root that regenerates the
repository's ``schemas/`` (``make schema``), and an installed package never writes into its
own folder in ``site-packages`` (ADR 0020)."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.commands.common import info
from annotator.outputs import check_output_path
from annotator.schemas import render_schemas, write_schemas

#: ``--out`` when none is given, relative to the current folder.
DEFAULT_OUT = Path("schemas")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="write the JSON Schemas of every file to a folder")
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="folder (default: schemas/ in the current folder, created when missing)",
    )
    p.set_defaults(func=run)


def schema_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a schema folder (None: it holds only files `schema` writes,
    which it updates in place)."""
    ours = set(render_schemas())
    strangers = sorted(p.name for p in folder.iterdir() if p.name not in ours)
    if strangers:
        return f"it holds {', '.join(strangers[:3])}, which `annotator schema` does not write"
    return None


def run(args: argparse.Namespace) -> int:
    folder: Path = args.out
    # The same check as every output; updating its own files in place counts as replacing.
    check_output_path(
        folder, kind="folder", replace=True, foreign=schema_folder_problem, parents_must_exist=False
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = write_schemas(folder)
    info(f"{len(written)} schema file(s) updated in {folder}" if written else f"{folder} is up to date")
    return 0
