"""``annotator assign CORPUS --annotators A B ...``: plan who annotates what (``assignments.json``)."""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path

from annotator.assign import (
    DEFAULT_OVERLAP,
    DEFAULT_PER_OVERLAP,
    MAX_SEED,
    ORDERS,
    Assignments,
    PlanError,
    PlanResult,
    assignments_path,
    check_options,
    load_assignments,
    plan,
    rebalance,
    save_assignments,
    started_ids,
)
from annotator.commands.common import (
    EXIT_OK,
    MAX_JOBS,
    UsageError,
    add_jobs_option,
    info,
    int_in_range,
    model_option_folder,
    open_corpus,
    print_json,
)
from annotator.corpus import Corpus, CorpusError
from annotator.loading import gc_paused
from annotator.model import is_valid_name


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assign",
        help="plan who annotates which document, with overlap for agreement",
        description="Write CORPUS/assignments.json: each annotator's queue of documents. A fraction "
        "--overlap of the documents goes to --per-overlap annotators, the rest to one. Running again "
        "assigns only documents not planned yet; --rebalance --remove NAME gives NAME's untouched "
        "documents to the others. --order uncertain puts the documents the machine is least sure "
        "about first in each queue, interleaved across sites.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="who receives documents")
    p.add_argument(
        "--overlap", type=float, default=None, metavar="F",
        help=f"fraction of documents given to several annotators, 0 to 1 (default: the plan's, else {DEFAULT_OVERLAP})",
    )
    p.add_argument(
        "--per-overlap", type=int, default=None, metavar="N",
        help=f"annotators per overlap document, at least 2 (default: the plan's, else {DEFAULT_PER_OVERLAP})",
    )
    p.add_argument("--seed", type=int, default=None, metavar="N", help="random seed (default: the plan's, else a new one)")
    p.add_argument("--docs", nargs="+", metavar="ID", help="only these documents (default: all)")
    p.add_argument("--rebalance", action="store_true", help="move documents away from --remove NAME")
    p.add_argument("--remove", metavar="NAME", help="with --rebalance: the annotator who left")
    p.add_argument(
        "--order", choices=ORDERS, default=None,
        help="how new documents are ordered in each queue: given (a seeded shuffle) or uncertain "
        "(most uncertain for the trained model and the extractors first, interleaved across sites; "
        "default: the plan's, else given)",
    )
    p.add_argument(
        "--model", type=Path, metavar="DIR",
        help="with --order uncertain: a model folder from `annotator train` (default: CORPUS/models "
        "when it holds one; else the extractors' disagreement alone)",
    )
    add_jobs_option(p, "the number of CPUs")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    int_in_range("--seed", args.seed, 0, MAX_SEED)
    int_in_range("--jobs", args.jobs, 1, MAX_JOBS)
    if args.remove is not None and not args.rebalance:
        raise UsageError("--remove goes with --rebalance")
    if args.rebalance and args.order is not None:
        raise UsageError("--order does not go with --rebalance (it moves documents, it adds none)")
    # A plan is one list per document and no cycles: the collector, back on while the plan
    # is alive, would walk all of them (a tenth of a first plan's time at 100,000 documents).
    # Paused until the plan is dropped, it finds nothing new to walk.
    with gc_paused():
        previous = load_assignments(corpus)
        ordering: dict[str, object] | None = None
        try:
            if args.rebalance:
                result = _rebalance(corpus, args, previous)
            else:
                result, ordering = _plan(corpus, args, previous)
        except PlanError as exc:
            raise UsageError(str(exc)) from exc
        path = save_assignments(corpus, result.assignments)
        report = _report(result, str(path))
        if ordering is not None:
            report["ordering"] = ordering
        del previous, result
    if args.json:
        print_json(report)
    else:
        _print(report, args.rebalance)
    return EXIT_OK


def _plan(
    corpus: Corpus, args: argparse.Namespace, previous: Assignments | None
) -> tuple[PlanResult, dict[str, object] | None]:
    if not args.annotators:
        raise UsageError("--annotators: name the annotators who receive documents")
    doc_ids = corpus.doc_ids()
    if args.docs:
        bad = [d for d in args.docs if not is_valid_name(d)]
        if bad:
            raise UsageError(
                f"--docs: {', '.join(repr(d) for d in bad)}: not a valid document id "
                "(letters, digits, '.', '_', '-'; up to 128)"
            )
        known = set(doc_ids)
        missing = [d for d in args.docs if d not in known]
        if missing:
            raise UsageError(f"{corpus.root}: no document(s) {', '.join(missing)}", corpus.root)
        doc_ids = list(dict.fromkeys(args.docs))
    # A re-run keeps the plan's options unless told otherwise; a first run with no seed
    # draws one and records it, so that the plan can be made again.
    overlap = args.overlap if args.overlap is not None else (previous.overlap if previous else DEFAULT_OVERLAP)
    per = args.per_overlap if args.per_overlap is not None else (
        previous.per_overlap if previous else DEFAULT_PER_OVERLAP
    )
    seed = args.seed if args.seed is not None else (previous.seed if previous else secrets.randbelow(MAX_SEED + 1))
    order = args.order if args.order is not None else (previous.order if previous else "given")
    if order == "given":
        if args.model is not None:
            raise UsageError("--model goes with --order uncertain")
        result = plan(doc_ids, args.annotators, overlap=overlap, per_overlap=per, seed=seed, previous=previous)
        return result, None
    # Imported here: the extractors load slowly, and the default order needs none of them.
    from annotator.uncertainty import describe, score_corpus, uncertain_order

    # Checked before anything is scored or written: a bad model leaves the plan as it was.
    check_options_early(args.annotators, overlap, per)
    model = uncertainty_model(corpus, args.model)
    planned = previous.documents if previous else {}
    new_ids = [d for d in dict.fromkeys(doc_ids) if d not in planned]
    # Nothing new (a re-run after no import): nothing to score, nothing to say.
    scored = score_corpus(corpus, new_ids, model=model, jobs=args.jobs or os.cpu_count()) if new_ids else []
    scores = {s.doc_id: s.score for s in scored}
    sites = {s.doc_id: s.site for s in scored}
    if new_ids:
        info(describe(model))
    problems = [s.problem for s in scored if s.problem]
    for problem in problems[:5]:
        info(f"could not be scored (score 0): {problem}")

    def arrange(added: list[str], before: list[str]) -> list[str]:
        # The site of the queue's last planned document: the first new one is of another.
        after = _site_of(corpus, before[-1]) if before else None
        return uncertain_order({d: scores[d] for d in added}, sites, after)

    result = plan(
        doc_ids, args.annotators, overlap=overlap, per_overlap=per, seed=seed, previous=previous, arrange=arrange
    )
    ordering: dict[str, object] = {
        "order": "uncertain",
        "model": None if model is None else str(model),
        "scored": len(scored),
        "problems": problems,
        "scores": {s.doc_id: s.to_json() for s in scored},
    }
    return result, ordering


def check_options_early(annotators: list[str], overlap: float, per: int) -> None:
    """Bad names or numbers are refused before the (slow) scoring, as the planner would."""
    try:
        check_options(annotators, overlap, per)
    except PlanError as exc:
        raise UsageError(str(exc)) from exc


def _site_of(corpus: Corpus, doc_id: str) -> str:
    from annotator.suggest.boilerplate import site_of
    from annotator.uncertainty import site_key

    try:
        host = site_of(corpus.read_meta(doc_id))
    except CorpusError:
        host = ""
    return site_key(doc_id, host)


def uncertainty_model(corpus: Corpus, given: Path | None) -> Path | None:
    """The model folder to score with, checked by loading it once; None: the extractors'
    disagreement alone. A bad folder is bad usage (exit 2) naming it, before anything is
    written. A corpus model without LightGBM installed is skipped with a note, as the
    ordering works without it; a model asked for by --model is not."""
    from annotator.train.model import ModelError, has_model

    if given is not None:
        folder = model_option_folder(given)
    else:
        folder = corpus.root / "models"
        if not has_model(folder):
            return None
    try:
        import lightgbm  # noqa: F401
    except ImportError as exc:
        if given is None:
            info(f"{folder}: LightGBM is not installed (pip install 'article-annotator[train]'); model not used")
            return None
        raise UsageError(
            f"{folder}: a trained model needs LightGBM, which is not installed: "
            "pip install 'article-annotator[train]'",
            folder,
        ) from exc
    from annotator.train.model import LineModel

    try:
        LineModel.load(folder)
    except ModelError as exc:
        raise UsageError(str(exc), exc.path) from exc
    return folder


def _rebalance(corpus: Corpus, args: argparse.Namespace, previous: Assignments | None) -> PlanResult:
    if args.remove is None:
        raise UsageError("--rebalance needs --remove NAME (the annotator who left)")
    if previous is None:
        raise UsageError(f"{assignments_path(corpus)}: no plan to rebalance; run annotator assign first", corpus.root)
    for option in ("overlap", "per_overlap", "docs"):
        if getattr(args, option) is not None:
            raise UsageError(f"--{option.replace('_', '-')} does not go with --rebalance")
    if not is_valid_name(args.remove):
        raise UsageError(f"--remove: {args.remove!r}: not a valid annotator name")
    started = started_ids(corpus, args.remove)
    return rebalance(previous, args.remove, started, recipients=args.annotators, seed=args.seed)


def _report(result: PlanResult, path: str) -> dict[str, object]:
    a = result.assignments
    counts, total = result.overlap_counts, result.overlap_documents
    if counts is None or total is None:  # the planner did not count them (a rebalance)
        overlap_ids = set(a.overlap_ids())
        counts = {name: sum(1 for d in queue if d in overlap_ids) for name, queue in a.annotators.items()}
        total = len(overlap_ids)
    return {
        "ok": True,
        "path": path,
        "seed": a.seed,
        "overlap": a.overlap,
        "per_overlap": a.per_overlap,
        "documents": len(a.documents),
        "overlap_documents": total,
        "new_documents": len(result.new_documents),
        "new_overlap_documents": len(result.new_overlap),
        "moved": {name: len(docs) for name, docs in result.moved.items()},
        "kept": result.kept,
        "annotators": {
            name: {"assigned": len(queue), "overlap": counts[name]}
            for name, queue in a.annotators.items()
        },
    }


def _print(report: dict[str, object], rebalanced: bool) -> None:
    if rebalanced:
        moved, kept = report["moved"], report["kept"]
        assert isinstance(moved, dict) and isinstance(kept, list)
        info(f"moved {sum(moved.values())} documents; kept {len(kept)} started ones")
    else:
        info(
            f"assigned {report['new_documents']} new documents ({report['new_overlap_documents']} with overlap); "
            f"seed {report['seed']}"
        )
    annotators = report["annotators"]
    assert isinstance(annotators, dict)
    width = max((len(n) for n in annotators), default=9)
    print(f"{'annotator'.ljust(width)}  assigned  overlap")
    for name, counts in annotators.items():
        print(f"{name.ljust(width)}  {counts['assigned']:>8}  {counts['overlap']:>7}")
    print(f"{report['documents']} documents planned, {report['overlap_documents']} with overlap: {report['path']}")
