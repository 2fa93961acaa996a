"""``annotator suggest CORPUS``: pre-annotate documents as the reserved annotator ``suggestions``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    MAX_JOBS,
    UsageError,
    add_jobs_option,
    error,
    info,
    int_in_range,
    model_option_folder,
    open_corpus,
    print_json,
    progress,
)
from annotator.corpus import Corpus, CorpusError
from annotator.model import is_valid_name
from annotator.suggest import SOURCES, SuggestReport, normalise_only, suggest_corpus
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
        "--model", type=Path, metavar="DIR",
        help="a model folder from `annotator train` (default: CORPUS/models when it holds one; "
        "else the built-in suggestions)",
    )
    add_jobs_option(p, "the number of CPUs")
    p.add_argument(
        "--dask", metavar="ADDRESS",
        help="suggest on a Dask cluster: the scheduler's address (tcp://host:8786), or 'local' "
        "for a cluster of --jobs worker processes on this machine. This process reads the "
        "corpus and writes every file; the workers need article-annotator installed, not the "
        "corpus. Needs the extra dask",
    )
    p.add_argument(
        "--dask-timeout", type=float, default=None, metavar="SECONDS",
        help="seconds to wait for the Dask scheduler (default: 10)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=run)


def model_folder(corpus_root: Path, given: Path | None) -> Path | None:
    """The model folder to use, checked by loading it once (a bad model is an error here,
    before any worker starts); None for the built-in suggestions."""
    from annotator.train.model import has_model

    if given is not None:
        folder = model_option_folder(given)
    else:
        folder = corpus_root / "models"
        if not has_model(folder):
            return None
    try:
        import lightgbm  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"{folder}: a trained model needs LightGBM, which is not installed: "
            "pip install 'article-annotator[train]'",
            folder,
        ) from exc
    from annotator.train.model import LineModel

    LineModel.load(folder)
    return folder


def _on_cluster(
    args: argparse.Namespace,
    corpus: Corpus,
    only: frozenset[str],
    jobs: int,
    bar: Callable[[Iterator[DocOutcome], int], Iterable[DocOutcome]],
    model: Path | None,
) -> SuggestReport:
    """``suggest_corpus`` on the Dask cluster ``--dask`` names. Connected before the lock is
    taken or anything is read: a missing extra or an unreachable scheduler is a usage
    error with nothing written."""
    from annotator.suggest.cluster import CONNECT_TIMEOUT, ClusterError, dask_client, on_cluster

    timeout = CONNECT_TIMEOUT if args.dask_timeout is None else args.dask_timeout
    if not timeout > 0:
        raise UsageError(f"--dask-timeout must be a number of seconds above 0, not {args.dask_timeout}")
    try:
        with dask_client(args.dask, workers=jobs, timeout=timeout) as client:
            try:
                return suggest_corpus(
                    corpus, args.docs, only=only, progress=bar, model=model, distribute=on_cluster(client)
                )
            except ClusterError as exc:
                # A worker failed midway: what was written stays, as after an interrupt.
                raise CorpusError(corpus.root, str(exc)) from exc
    except ClusterError as exc:
        raise UsageError(str(exc)) from exc


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

    model = model_folder(corpus.root, args.model)
    jobs = args.jobs or os.cpu_count() or 1
    if args.dask is None:
        if args.dask_timeout is not None:
            raise UsageError("--dask-timeout needs --dask")
        report = suggest_corpus(corpus, args.docs, only=only, jobs=jobs, progress=bar, model=model)
    else:
        report = _on_cluster(args, corpus, only, jobs, bar, model)
    for problem in report.problems:
        error(problem)
    if args.json:
        print_json({**report.to_json(), "model": None if model is None else str(model)})
    else:
        spans = ", ".join(f"{n} {label}" for label, n in sorted(report.counts.items())) or "no spans"
        if model is not None:
            info(f"main articles from the trained model in {model}")
        info(
            f"suggested {report.written} of {report.documents} document(s) in {report.seconds:.1f}s "
            f"({report.pages_per_second:.1f} pages/s): {spans}"
        )
    return EXIT_PROBLEMS if report.problems else EXIT_OK
