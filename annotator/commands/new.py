from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import ValidationError

from annotator.commands.common import UsageError, info
from annotator.corpus import Corpus, CorpusError, pydantic_problems, read_json_file
from annotator.model import LabelScheme


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="create an empty corpus")
    p.add_argument("corpus", help="folder to create (must not exist or be empty)")
    p.add_argument("--scheme", help="label scheme JSON file (default: the news scheme)")
    p.add_argument("--name", help="corpus name (default: the folder name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scheme = None
    if args.scheme:
        path = Path(args.scheme)
        if not path.is_file():
            raise UsageError(f"{path}: no such scheme file")
        try:
            scheme = LabelScheme.model_validate(read_json_file(path))
        except ValidationError as exc:
            raise CorpusError(path, "bad label scheme: " + "; ".join(str(p) for p in pydantic_problems(exc))) from exc
    corpus = Corpus.create(args.corpus, name=args.name, scheme=scheme)
    info(f"created corpus {corpus.manifest.name!r} in {corpus.root} with the {corpus.scheme.name!r} scheme")
    return 0
