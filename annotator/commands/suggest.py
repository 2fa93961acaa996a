"""``annotator suggest CORPUS``: pre-annotate documents as the reserved annotator ``suggestions``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    error,
    info,
    open_corpus,
    print_json,
    progress,
)
from annotator.suggest import SOURCES, normalise_only, suggest_corpus
from annotator.suggest.runner import DocOutcome


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "suggest",
        help="pre-annotate documents (written as annotator 'suggestions')",
        description="Suggest articles, boilerplate, titles, bylines, dates and entities. The "
        "suggestions are written to annotations/suggestions/DOC_ID.json, never into a person's "
        "files; running again replaces them.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--docs", nargs="+", metavar="ID", help="only these documents (default: all)")
    p.add_argument(
        "--only",
        metavar="LIST",
        help=f"comma-separated sources to suggest (default: all): {','.join(SOURCES)}; "
        "title, byline and date bring their article with them",
    )
    p.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: the number of CPUs)"
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    try:
        only = normalise_only([s.strip() for s in args.only.split(",") if s.strip()] if args.only else None)
    except ValueError as exc:
        raise UsageError(f"--only: {exc}") from exc
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    if args.docs:
        missing = [d for d in args.docs if not corpus.has_document(d)]
        if missing:
            raise UsageError(f"{corpus.root}: no document(s) {', '.join(missing)}")

    def bar(outcomes: Iterator[DocOutcome], total: int) -> Iterable[DocOutcome]:
        return progress(outcomes, total=total, desc="suggest", unit="page")

    report = suggest_corpus(corpus, args.docs, only=only, jobs=args.jobs or os.cpu_count(), progress=bar)
    for problem in report.problems:
        error(problem)
    if args.json:
        print_json(report.to_json())
    else:
        spans = ", ".join(f"{n} {label}" for label, n in sorted(report.counts.items())) or "no spans"
        info(
            f"suggested {report.written} of {report.documents} document(s) in {report.seconds:.1f}s "
            f"({report.pages_per_second:.1f} pages/s): {spans}"
        )
    return EXIT_PROBLEMS if report.problems else EXIT_OK
