from __future__ import annotations

import argparse
from pathlib import Path

from annotator.commands.common import UsageError


def demo_corpus_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "corpora" / "demo"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open", help="open the desktop app (default: the bundled demo corpus)")
    p.add_argument("corpus", nargs="?", help="corpus folder (default: corpora/demo)")
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
        from annotator.gui.review_start import run_review_app  # Qt only when the app opens

        return run_review_app(corpus, args.review)
    from annotator.gui.app import run_app  # Qt is imported only when the app opens

    return run_app(corpus, annotator=args.annotator)
