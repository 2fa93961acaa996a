"""``annotator new CORPUS [--scheme FILE] [--name NAME] [--git]``: create an empty corpus.

With ``--git`` the corpus is also a git repository ready for a team (``.gitignore`` for the
runtime files, a first commit): see :func:`annotator.sync.init_repository`.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from pydantic import ValidationError

from annotator.commands.common import UsageError, info
from annotator.corpus import Corpus, CorpusError, pydantic_problems, read_json_file
from annotator.guidelines import write_starting_guidelines
from annotator.model import LabelScheme
from annotator.outputs import check_output_path
from annotator.sync import SyncError, check_ready, init_repository


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="create an empty corpus")
    p.add_argument("corpus", help="folder to create (must not exist or be empty)")
    p.add_argument("--scheme", help="label scheme JSON file (default: the news scheme)")
    p.add_argument("--name", help="corpus name (default: the folder name)")
    p.add_argument(
        "--git", action="store_true",
        help="also make it a git repository for a team (.gitignore, first commit); needs git",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scheme = None
    if args.scheme:
        path = Path(args.scheme)
        if not path.is_file():
            raise UsageError(f"{path}: no such scheme file", path)
        try:
            scheme = LabelScheme.model_validate(read_json_file(path))
        except ValidationError as exc:
            raise CorpusError(path, "bad label scheme: " + "; ".join(str(p) for p in pydantic_problems(exc))) from exc
    # A corpus is an output like any other: not a file, not inside another corpus, not a
    # folder with something in it (usage errors, exit 2). Missing parents are created.
    # With --git, a clone of the team's new, empty repository is an empty folder too.
    keep = frozenset({".git"}) if args.git else frozenset()
    real = check_output_path(
        args.corpus,
        kind="folder",
        replace_hint="choose a new or empty folder",
        parents_must_exist=False,
        ignore=keep,
    )
    if args.git:
        # Before anything is created: no git, or no identity to commit with, leaves nothing behind.
        _git_ready(real)
    made = _first_missing(real)
    try:
        corpus = Corpus.create(args.corpus, name=args.name, scheme=scheme, ignore=keep)
        guidelines = write_starting_guidelines(corpus.root, corpus.scheme)
        # Files that belong in the first commit are written above this line.
        git_messages = _init_git(corpus.root) if args.git else []
    except BaseException:
        _remove_half_corpus(real, made, keep)
        raise
    info(f"created corpus {corpus.manifest.name!r} in {corpus.root} with the {corpus.scheme.name!r} scheme")
    info(f"wrote starting guidelines to {guidelines}: edit them for your team (the app shows them)")
    for line in git_messages:
        info(line)
    return 0


def _git_ready(real: Path) -> None:
    existing = next((p for p in (real, *real.parents) if p.is_dir()), Path.cwd())
    try:
        check_ready(real, cwd=existing)
    except SyncError as exc:
        raise UsageError(str(exc), exc.path) from exc


def _init_git(root: Path) -> list[str]:
    try:
        return init_repository(root)
    except SyncError as exc:
        if exc.usage:
            raise UsageError(str(exc), exc.path) from exc
        raise


def _first_missing(folder: Path) -> Path | None:
    """The outermost of ``folder`` and its parents that does not exist yet (what we create)."""
    missing = None
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _remove_half_corpus(real: Path, made: Path | None, keep: frozenset[str] = frozenset()) -> None:
    # A failed `new` (disk full, read-only) must not leave folders without corpus.json,
    # which the next `new` would refuse as "not empty". The folder was new or empty before
    # (checked above), so everything in it is ours.
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
    elif real.is_dir():
        for child in real.iterdir():
            if child.name in keep:
                continue  # the clone's own .git: it was there before
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
