from __future__ import annotations

import argparse

from annotator.commands.common import EXIT_OK, EXIT_PROBLEMS, error, open_corpus, print_json
from annotator.model import GOLD, STATUSES
from annotator.status import corpus_status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="progress per annotator and status")
    p.add_argument("corpus")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    report = corpus_status(corpus)
    broken = report.get("files_with_problems", [])
    # Exit 1 when some file is broken: it is data with problems, counted under no status.
    code = EXIT_PROBLEMS if broken else EXIT_OK
    if args.json:
        print_json(report)
        return code
    header = ["annotator", *STATUSES, "done %"]
    rows = []
    for name, counts in report["annotators"].items():
        pct = 100.0 * counts["done"] / report["documents"] if report["documents"] else 0.0
        rows.append([name + (" (adjudicated)" if name == GOLD else ""), *(str(counts[s]) for s in STATUSES), f"{pct:.0f}%"])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"{report['name']}: {report['documents']} documents")
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    if broken:
        for entry in broken:
            error(f"{entry['path']}: {entry['message']}")
        files = "file" if len(broken) == 1 else "files"
        print(f"{len(broken)} {files} with problems (run annotator validate), counted under no status")
    return code
