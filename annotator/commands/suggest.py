"""``annotator suggest CORPUS``: pre-annotate documents as the reserved annotator ``suggestions``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    MAX_JOBS,
    UsageError,
    add_jobs_option,
    error,
    info,
    int_in_range,
    open_corpus,
    print_json,
    progress,
)
from annotator.model import is_valid_name
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
    add_jobs_option(p, "the number of CPUs")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    try:
        only = normalise_only([s.strip() for s in args.only.split(",") if s.strip()] if args.only else None)
    except ValueError as exc:
        raise UsageError(f"--only: {exc}") from exc
    int_in_range("--jobs", args.jobs, 1, MAX_JOBS)
    if args.docs:
        # A document id is a name, never a path: "../../etc/passwd" is bad usage like "nope".
        bad = [d for d in args.docs if not is_valid_name(d)]
        if bad:
            raise UsageError(
                f"--docs: {', '.join(repr(d) for d in bad)}: not a valid document id "
                "(letters, digits, '.', '_', '-'; up to 128)"
            )
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
