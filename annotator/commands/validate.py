from __future__ import annotations

import argparse

from annotator.commands.common import EXIT_OK, EXIT_PROBLEMS, info, open_corpus, print_json
from annotator.validate import validate_corpus


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check every file; exit 1 and list each problem when any")
    p.add_argument("corpus")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    problems, counts = validate_corpus(corpus)
    if args.json:
        print_json({"ok": not problems, **counts, "problems": [p.to_json() for p in problems]})
    else:
        for problem in problems:
            print(problem)
        verdict = f"{len(problems)} problem(s)" if problems else "no problems"
        info(f"checked {counts['documents']} documents and {counts['annotations']} annotation files: {verdict}")
    return EXIT_PROBLEMS if problems else EXIT_OK
