"""``annotator export CORPUS --format FMT --out PATH``: a finished corpus for training code."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    MAX_JOBS,
    UsageError,
    add_jobs_option,
    info,
    int_in_range,
    open_corpus,
    print_json,
    progress,
)
from annotator.export import FORMATS, ExportError, ExportOptions, export_corpus
from annotator.export.prepare import PARALLEL_FROM
from annotator.export.selection import Left
from annotator.export.splits import DEFAULT_SPLITS, SplitSpecError, parse_split_spec
from annotator.model import GOLD, STATUSES, SUGGESTIONS

#: How many left-out documents are named on stderr before the rest are only counted.
SHOW_LEFT = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export finished documents (jsonl, conll, parquet, text, doccano, label-studio, "
        "brat, spacy, extraction-benchmark) with a manifest",
        description="Export the documents whose annotation by the source validates and has "
        "the requested status. Writes the files and a manifest.json into --out, atomically.",
    )
    p.add_argument("corpus")
    p.add_argument("--format", required=True, choices=FORMATS, help="output format")
    p.add_argument("--out", required=True, type=Path, help="output folder outside the corpus (new or empty; see --force)")
    p.add_argument(
        "--source",
        default=GOLD,
        help="gold (default), an annotator name, or suggestions (label-studio: predictions)",
    )
    p.add_argument(
        "--status",
        default=None,
        help="status(es) to export, comma-separated (default: done; with --source "
        "suggestions: any, as suggestions are never 'done')",
    )
    p.add_argument(
        "--split",
        nargs="?",
        const=DEFAULT_SPLITS,
        default=None,
        metavar="NAME=FRACTION,...",
        help=f"split by site; with no value: {DEFAULT_SPLITS}",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="also export documents with another status or that break scheme rules "
        "(never ones whose offsets do not fit the text); noted in the manifest",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace --out when it is a previous export (its manifest.json lists all it holds)",
    )
    conll = p.add_argument_group("conll and spacy")
    conll.add_argument(
        "--layer",
        action="append",
        default=None,
        help="scheme layer whose labels become BIO tags (conll) or doc.ents (spacy) "
        "(default: entity); repeatable",
    )
    conll.add_argument(
        "--tokenizer",
        default="default",
        choices=("default", "kiwi"),
        help="default: pure-Python Unicode tokenizer; kiwi: Korean morphemes "
        "(pip install 'article-annotator[korean]')",
    )
    conll.add_argument(
        "--conll-text",
        default="document",
        choices=("document", "articles"),
        help="tag the whole document text (default) or each article's clean text",
    )
    add_jobs_option(p, f"the number of CPUs for {PARALLEL_FROM:,} documents or more, else 1")
    p.add_argument("--json", action="store_true", help="print the manifest on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    int_in_range("--jobs", args.jobs, 1, MAX_JOBS)
    corpus = open_corpus(args.corpus)
    try:
        splits = parse_split_spec(args.split) if args.split else None
    except SplitSpecError as exc:
        raise UsageError(f"--split: {exc}") from exc
    if args.status is None:
        statuses = STATUSES if args.source == SUGGESTIONS else ("done",)
    else:
        statuses = tuple(s.strip() for s in args.status.split(",") if s.strip())
    options = ExportOptions(
        format=args.format,
        out=args.out,
        source=args.source,
        statuses=statuses,
        splits=splits,
        seed=args.seed,
        allow_incomplete=args.allow_incomplete,
        force=args.force,
        layers=tuple(args.layer or ("entity",)),
        tokenizer=args.tokenizer,
        conll_text=args.conll_text,
        jobs=args.jobs,
    )
    shown = 0

    def on_left(left: Left) -> None:
        nonlocal shown
        shown += 1
        if shown <= SHOW_LEFT:
            info(f"left out {left.doc_id}: {left.reason}")

    try:
        result = export_corpus(corpus, options, progress=progress, on_left=on_left)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    manifest = result.manifest
    if shown > SHOW_LEFT:
        info(f"... and {shown - SHOW_LEFT} more left out (all listed in manifest.json)")
    for entry in manifest.included_incomplete:
        info(f"exported anyway (--allow-incomplete) {entry['id']}: {'; '.join(entry['reasons'])}")
    for warning in manifest.warnings:
        info(f"warning: {warning}")
    per_split = ", ".join(f"{name} {c.documents}" for name, c in manifest.splits.items())
    info(
        f"exported {manifest.counts.documents} document(s) ({per_split}) as {args.format} to "
        f"{args.out}; left out {len(result.excluded)}"
    )
    if args.json:
        print_json(manifest.model_dump(mode="json"))
    # Data problems: nothing to export, or finished documents whose files are broken (they
    # were left out, but the lead should hear of it through the exit code too).
    broken = [left for left in result.excluded if left.code not in ("status", "no-annotation", "no-html")]
    return EXIT_PROBLEMS if broken or not manifest.counts.documents else EXIT_OK
