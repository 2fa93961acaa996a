"""``annotator sync CORPUS (--annotator NAME | --lead) [--message TEXT] [--json]``: share through git.

Commits that person's own files, pulls with rebase and pushes (:mod:`annotator.sync`). Needs
the ``git`` command; nothing else in the tool does.
"""

from __future__ import annotations

import argparse

from annotator.commands.common import EXIT_OK, UsageError, info, open_corpus, print_json
from annotator.sync import SyncError, sync


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sync",
        help="commit your files, pull the team's and push yours (git)",
        description="Commit the annotator's own files (annotations/NAME/), or with --lead the lead's "
        "(documents, corpus.json, assignments.json, guidelines.md, gold), then pull with rebase and push. "
        "Never commits another annotator's files; stops and restores on a conflict. Needs git.",
    )
    p.add_argument("corpus", help="corpus folder (a git clone)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--annotator", metavar="NAME", help="sync this annotator's files")
    who.add_argument("--lead", action="store_true", help="sync the lead's files")
    p.add_argument("--message", "-m", metavar="TEXT", help="commit message (default: who and how many files)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    try:
        result = sync(corpus.root, args.annotator, lead=args.lead, message=args.message)
    except SyncError as exc:
        if exc.usage:
            raise UsageError(str(exc), exc.path) from exc
        raise  # a CorpusError: one line, exit 1
    if args.json:
        print_json(result.to_json())
    for line in result.messages:
        info(line)
    return EXIT_OK
