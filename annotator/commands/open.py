from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

from annotator.commands.common import UsageError, info
from annotator.demo import DemoError, demo_corpus


def demo_corpus_path() -> Path:
    """The demo corpus to open: the checkout's ``corpora/demo``, or after a plain install the
    user's copy of the installed one, made (and announced on stderr) on first use."""
    try:
        path, copied = demo_corpus()
    except DemoError as exc:
        raise UsageError(str(exc), exc.path) from None
    if copied:
        info(f"copied the demo corpus to {path}; your work on it is saved there")
    return path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open", help="open the desktop app (default: the bundled demo corpus)")
    p.add_argument(
        "corpus",
        nargs="?",
        help="corpus folder (default: the demo corpus; after a plain install, a copy of it "
        "in your user data folder)",
    )
    p.add_argument("--annotator", help="your name (asked and remembered on first run)")
    p.add_argument(
        "--review",
        nargs="+",
        metavar="ANNOTATOR",
        help="open in review mode: compare these annotators (two or more) and edit gold",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = Path(args.corpus) if args.corpus else demo_corpus_path()
    if not (corpus / "corpus.json").is_file():
        raise UsageError(f"{corpus}: not a corpus (no corpus.json)")
    if args.review is not None:
        if len(set(args.review)) < 2:
            raise UsageError("--review needs two or more annotators")
        if args.annotator:
            raise UsageError("--review edits gold: leave out --annotator")
        with _needs_qt():
            from annotator.gui.review_start import run_review_app  # Qt only when the app opens

        return run_review_app(corpus, args.review)
    with _needs_qt():
        from annotator.gui.app import run_app  # Qt is imported only when the app opens

    return run_app(corpus, annotator=args.annotator)


def qt_requirement() -> str:
    """The Qt requirement as the installed package pins it (docs/adr/0003)."""
    try:
        requires = importlib.metadata.requires("article-annotator") or []
    except importlib.metadata.PackageNotFoundError:  # run from a checkout never installed
        requires = []
    pins = [r.split(";")[0].strip() for r in requires if r.lower().startswith("pyside6")]
    return pins[0] if pins else "PySide6-Essentials"


@contextlib.contextmanager
def _needs_qt() -> Iterator[None]:
    """A usage error naming what to install when Qt is missing (a CLI-only install, README
    "Installing with pip"), instead of an ImportError traceback."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("PySide6", "shiboken6"):
            raise
        raise UsageError(
            f"the desktop app needs Qt, which is not installed ({exc.name}): "
            f"pip install '{qt_requirement()}'"
        ) from None
