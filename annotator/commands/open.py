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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = Path(args.corpus) if args.corpus else demo_corpus_path()
    if not (corpus / "corpus.json").is_file():
        raise UsageError(f"{corpus}: not a corpus (no corpus.json)")
    from annotator.gui.app import run_app  # Qt is imported only when the app opens

    return run_app(corpus, annotator=args.annotator)
