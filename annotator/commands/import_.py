"""``annotator import CORPUS PATH... [--encoding ENC] [--annotator NAME] [--max-document-mb N]
[--timezone ZONE] [--from FORMAT] [--label-map FILE] [--text-key KEY] [--json]``."""

from __future__ import annotations

import argparse

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    info,
    open_corpus,
    print_json,
    progress,
)
from annotator.corpus import CorpusError
from annotator.importers import Importer, InputError
from annotator.importers.foreign import TOOLS
from annotator.importers.importer import ImportProblem
from annotator.importers.reading import DEFAULT_MAX_DOCUMENT_MB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="add .txt, .html/.htm(.gz) and .jsonl files or folders; doccano, Label Studio and brat exports",
        description="Add documents to a corpus. Folders are read recursively in sorted order "
        "(hidden files skipped). Text already in the corpus is skipped. jsonl lines with "
        "'spans' also bring their annotation. doccano (.jsonl/.json), Label Studio (.json/.jsonl) "
        "and brat (NAME.txt + NAME.ann) exports are recognised from their content and bring "
        "their annotations, labels mapped onto the corpus scheme.",
    )
    p.add_argument("corpus", help="the corpus folder")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument(
        "--encoding",
        help="decode every .txt/.html file with this encoding instead of detecting it",
    )
    p.add_argument(
        "--annotator",
        help="owner of the spans imported from jsonl (default: the line's 'annotator', "
        "else 'imported')",
    )
    p.add_argument(
        "--max-document-mb",
        type=float,
        default=DEFAULT_MAX_DOCUMENT_MB,
        metavar="N",
        help="refuse a document (a file, what a .gz inflates to, a jsonl line) larger than N MB "
        f"(default {DEFAULT_MAX_DOCUMENT_MB:g}); the other files still import",
    )
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the pages' time zone where a page states none (+09:00, KST or Asia/Seoul): "
        "a date span's value gets its offset only from the page or from this",
    )
    p.add_argument(
        "--from",
        dest="source_format",
        choices=("jsonl", *TOOLS),
        metavar="FORMAT",
        help="read every .json/.jsonl file (and for brat every .txt) as this format instead of "
        f"detecting it: jsonl, {', '.join(TOOLS)}",
    )
    p.add_argument(
        "--label-map",
        metavar="FILE",
        help='JSON object mapping other tools\' labels onto the scheme: {"PERSON": "PER", '
        '"positive": "page_type=article", "DATE": null} (null leaves a label out, counted); '
        "an unknown label stops the import before anything is written and writes a map to fill in",
    )
    p.add_argument(
        "--text-key",
        metavar="KEY",
        help="Label Studio: the key of each task's 'data' that holds the text (default: 'text', "
        "else the only string in 'data')",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=run)


#: Lines shown per input file and kind; the rest are counted (``--json`` lists them all). A
#: binary file given as jsonl has one bad "line" per newline byte: thousands.
LINES_PER_FILE = 20


def capped_lines(items: list[ImportProblem]) -> list[str]:
    """One line per item, at most :data:`LINES_PER_FILE` per file, then one line saying how
    many more that file had."""
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    lines: list[str] = []
    for item in items:
        if shown.get(item.path, 0) < LINES_PER_FILE:
            shown[item.path] = shown.get(item.path, 0) + 1
            lines.append(str(item))
        else:
            hidden[item.path] = hidden.get(item.path, 0) + 1
    lines.extend(f"{path}: {count} more like these (--json lists every one)" for path, count in hidden.items())
    return lines


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    try:
        importer = Importer(
            corpus, encoding=args.encoding, annotator=args.annotator,
            max_document_mb=args.max_document_mb, timezone=args.timezone,
            source_format=args.source_format, label_map=args.label_map, text_key=args.text_key,
        )
        files = importer.collect(args.paths)
        for _ in progress(importer.run(files), total=importer.total_units, desc="import", unit="doc"):
            pass
    except InputError as exc:
        if isinstance(exc, CorpusError):
            # Another import running is no bad usage: the CLI reports it with exit code 1.
            raise
        raise UsageError(str(exc)) from exc
    report = importer.report
    # Details go to stderr in both modes: --json keeps stdout for the one JSON document.
    if report.cleaned:
        info(f"removed {report.cleaned} leftover file(s) of an import that was interrupted")
    for items in (report.skipped, report.warnings, report.problems):
        for line in capped_lines(items):
            info(line)
    if report.not_imported:
        listed = "; ".join(f"{count} {reason}" for reason, count in sorted(report.not_imported.items()))
        info(f"not imported (no place in the corpus): {listed}")
    if args.json:
        print_json(report.to_json())
    annotations = f" with {report.annotations} annotation(s)" if report.annotations else ""
    info(
        f"imported {report.imported} document(s){annotations} into {corpus.root}; "
        f"skipped {report.skipped_duplicates} duplicate(s); {len(report.problems)} problem(s)"
    )
    return EXIT_PROBLEMS if report.problems else EXIT_OK
