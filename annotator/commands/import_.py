"""``annotator import CORPUS PATH... [--encoding ENC] [--annotator NAME] [--max-document-mb N]
[--timezone ZONE] [--from FORMAT] [--label-map FILE] [--text-key KEY]
[--bodies FILE.json [--as gold|NAME] [--status done|in_progress] [--min-f1 F]] [--json]``."""

from __future__ import annotations

import argparse
import math

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    info,
    open_corpus,
    print_json,
    progress,
)
from annotator.corpus import Corpus, CorpusError
from annotator.importers import Importer, InputError
from annotator.importers.bodies import (
    BODY_STATUSES,
    DEFAULT_MIN_F1,
    BodiesError,
    BodyAnnotator,
    load_bodies,
)
from annotator.importers.foreign import TOOLS
from annotator.importers.importer import ImportProblem
from annotator.importers.reading import DEFAULT_MAX_DOCUMENT_MB
from annotator.model import GOLD, is_valid_name


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="add .txt, .html/.htm(.gz) and .jsonl files or folders; doccano, Label Studio, brat "
        "and WebAnno TSV exports",
        description="Add documents to a corpus. Folders are read recursively in sorted order "
        "(hidden files skipped). Text already in the corpus is skipped. jsonl lines with "
        "'spans' also bring their annotation. doccano (.jsonl/.json), Label Studio (.json/.jsonl), "
        "brat (NAME.txt + NAME.ann) and WebAnno / INCEpTION TSV 3 (.tsv) exports are recognised "
        "from their content and bring their annotations, labels mapped onto the corpus scheme.",
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
        help="read every .json/.jsonl file (for brat every .txt, for webanno every .tsv) as this format instead of "
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
    p.add_argument(
        "--bodies",
        metavar="FILE.json",
        help='gold article bodies, {ID: {"articleBody": "..."}} (the article-extraction '
        "benchmark's ground-truth.json): each imported page whose id is in FILE gets an "
        "annotation whose main article's clean text reproduces its body",
    )
    p.add_argument(
        "--as",
        dest="bodies_as",
        metavar="gold|NAME",
        help=f"with --bodies: whose annotations they are (default {GOLD})",
    )
    p.add_argument(
        "--status",
        dest="bodies_status",
        choices=BODY_STATUSES,
        help="with --bodies: the annotations' status (default done; a page the done rule "
        "refuses is written in_progress, with the reason)",
    )
    p.add_argument(
        "--min-f1",
        type=float,
        metavar="F",
        help=f"with --bodies: leave pages whose alignment scores below this shingle F1 "
        f"unannotated (default {DEFAULT_MIN_F1:g})",
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


def body_annotator(args: argparse.Namespace, corpus: Corpus) -> BodyAnnotator | None:
    """The ``--bodies`` hook, with FILE read and checked whole before anything is imported
    (a bad FILE writes nothing); None without ``--bodies``."""
    if args.bodies is None:
        given = [name for name, value in (("--as", args.bodies_as), ("--status", args.bodies_status),
                                          ("--min-f1", args.min_f1)) if value is not None]
        if given:
            raise UsageError(f"{', '.join(given)} only go with --bodies FILE.json")
        return None
    name = GOLD if args.bodies_as is None else args.bodies_as
    if not is_valid_name(name):
        raise UsageError(f"--as {name!r} is not a valid annotator name (letters, digits, '.', '_', '-')")
    min_f1 = DEFAULT_MIN_F1 if args.min_f1 is None else args.min_f1
    if not (math.isfinite(min_f1) and 0 <= min_f1 <= 1):
        raise UsageError(f"--min-f1 must be from 0 to 1, not {args.min_f1}")
    try:
        return BodyAnnotator(
            load_bodies(args.bodies), args.bodies, corpus.scheme, annotator=name,
            status=args.bodies_status or "done", min_f1=min_f1,
        )
    except BodiesError as exc:
        raise UsageError(str(exc), args.bodies) from exc


def body_lines(bodies: BodyAnnotator) -> list[str]:
    """The human report of ``--bodies``: one line per page, then what did not meet."""
    lines = []
    for page in bodies.pages:
        if page.written:
            what = f"{page.status} for {bodies.annotator}" + (f" ({page.reason})" if page.reason else "")
        else:
            what = f"left unannotated: {page.reason}"
        exact = ", exact but for white space" if page.exact else ""
        lines.append(f"{page.source}: body aligned with F1 {page.f1:.3f}{exact}; {what}")
    missing = bodies.not_imported
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        lines.append(f"{bodies.path}: {len(missing)} id(s) with a body but no imported page: {shown}")
    without = [s for s, doc_id in bodies.no_body.items() if doc_id]
    if without:
        shown = ", ".join(without[:10]) + (f" and {len(without) - 10} more" if len(without) > 10 else "")
        lines.append(f"{len(without)} imported page(s) have no body in {bodies.path}: {shown}")
    summary = bodies.summary()
    if summary["pages"]:
        lines.append(
            f"bodies: {summary['annotated']} of {summary['pages']} page(s) annotated, "
            f"{summary['left_out']} left out; F1 median {summary['f1_median']:.3f}, lowest {summary['f1_lowest']:.3f}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    bodies = body_annotator(args, corpus)
    try:
        importer = Importer(
            corpus, encoding=args.encoding, annotator=args.annotator,
            max_document_mb=args.max_document_mb, timezone=args.timezone,
            source_format=args.source_format, label_map=args.label_map, text_key=args.text_key,
            bodies=bodies,
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
    if bodies is not None:
        for line in body_lines(bodies):
            info(line)
    if args.json:
        print_json(report.to_json() | ({"bodies": bodies.to_json()} if bodies is not None else {}))
    annotations = f" with {report.annotations} annotation(s)" if report.annotations else ""
    info(
        f"imported {report.imported} document(s){annotations} into {corpus.root}; "
        f"skipped {report.skipped_duplicates} duplicate(s); {len(report.problems)} problem(s)"
    )
    return EXIT_PROBLEMS if report.problems else EXIT_OK
