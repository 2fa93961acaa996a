"""``annotator agree CORPUS [--annotators A B ...] [--json] [--report FILE.html]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.agreement.compute import AgreementError, compute_agreement
from annotator.agreement.report import GENERATOR_MARK, format_text, render_html
from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    error,
    info,
    open_corpus,
    print_json,
)
from annotator.outputs import check_output_path, write_output_file
from annotator.status import annotator_time

#: How far into an existing file the mark is looked for (it sits in <head>, first thing).
MARK_WITHIN = 4096


def report_problem(path: Path) -> str | None:
    """Why the existing file ``path`` is not a report this tool wrote (None: it is one)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MARK_WITHIN)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if GENERATOR_MARK.encode() in head:
        return None
    return "it was not written by annotator agree"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agree",
        help="inter-annotator agreement: span F1, character kappa, alpha, alpha_u",
        description="Measure how far annotators agree. Only documents every compared "
        "annotator marked done count, unless --include-unfinished.",
    )
    p.add_argument("corpus")
    p.add_argument(
        "--annotators", nargs="+", metavar="NAME",
        help="who to compare (default: every annotator except suggestions; gold only if named)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    p.add_argument(
        "--include-unfinished", action="store_true",
        help="also count documents that are todo or in progress for someone",
    )
    p.add_argument("--top", type=int, default=10, help="how many disputed documents to list")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    if args.top < 0:
        raise UsageError("--top must be 0 or more")
    report_path = Path(args.report) if args.report is not None else None
    if report_path is not None:  # refused before the work, not after it
        check_output_path(report_path, corpus.root, kind="file", foreign=report_problem)
    try:
        result = compute_agreement(
            corpus, args.annotators, include_unfinished=args.include_unfinished, top=args.top
        )
    except AgreementError as exc:
        raise UsageError(str(exc)) from exc
    # Beside the annotators, what a lead reads with their agreement: time per done document.
    result["time"] = annotator_time(corpus, result["annotators"])
    for problem in result["problems"]:
        error(f"{problem['path']}: {problem['message']}")
    if report_path is not None:
        html = render_html(result, title=f"Agreement: {corpus.manifest.name}")
        # Checked again: the file may have appeared while the agreement was computed.
        real = check_output_path(report_path, corpus.root, kind="file", foreign=report_problem)
        write_output_file(real, html.encode("utf-8"), report_path)
        info(f"report written to {report_path}")
    if args.json:
        print_json(result)
    else:
        print(format_text(result, top=args.top), end="")
    if result["documents"] == 0:
        info("no document counts for agreement: " + ", ".join(
            sorted({e["reason"] for e in result["excluded"]})[:3]) if result["excluded"]
            else "no document counts for agreement: the corpus has no documents")
    return EXIT_PROBLEMS if result["problems"] else EXIT_OK
