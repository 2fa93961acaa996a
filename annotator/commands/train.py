"""``annotator train CORPUS``: learn which lines are article body from the finished annotations.

Fits a LightGBM line classifier (the extra ``train``) on the ``done`` annotations of
``--source`` and writes it to ``--out`` (default ``CORPUS/models/``): ``model.txt`` in
LightGBM's own text format and the model card ``model.json`` (see
:mod:`annotator.train.model`). ``annotator suggest`` uses it from then on. ``--cv K`` first
prints the learning curve over K folds grouped by site (:mod:`annotator.train.curve`).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from annotator.commands.common import (
    EXIT_OK,
    MAX_JOBS,
    UsageError,
    add_jobs_option,
    error,
    info,
    int_in_range,
    open_corpus,
    print_json,
    progress,
)
from annotator.corpus import CorpusError
from annotator.model import GOLD, is_valid_name
from annotator.outputs import check_output_path, real_path

#: What a model folder holds (annotator/train/model.py): a folder of these alone is ours.
MODEL_FOLDER_FILES = frozenset({"model.txt", "model.json"})

MAX_FOLDS = 20
#: The card's article-body scores suggest at most this many training pages again (a fixed
#: sample beyond it: the scores of the whole set would cost a fifth of a large training).
SCORED_PAGES = 300


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train the suggestions on the finished annotations (extra 'train')",
        description="Fit a model of which lines are article body (inside the main article, "
        "not boilerplate) from the done annotations, and save it where `annotator suggest` "
        "finds it. Needs LightGBM: pip install 'article-annotator[train]'.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--source", default=GOLD, help="gold (default) or an annotator name")
    p.add_argument("--out", type=Path, metavar="DIR", help="model folder (default: CORPUS/models)")
    p.add_argument(
        "--cv", type=int, metavar="K",
        help=f"first print a learning curve over K folds grouped by site (2 to {MAX_FOLDS})",
    )
    add_jobs_option(p, "the number of CPUs")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=run)


def _lightgbm_version() -> str:
    try:
        import lightgbm
    except ImportError as exc:
        raise UsageError(
            "training needs LightGBM, which is not installed: pip install 'article-annotator[train]'"
        ) from exc
    return str(lightgbm.__version__)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    if args.source != GOLD and not is_valid_name(args.source):
        raise UsageError(f"--source: {args.source!r} is not gold or an annotator name")
    int_in_range("--jobs", args.jobs, 1, MAX_JOBS)
    int_in_range("--cv", args.cv, 2, MAX_FOLDS)
    _lightgbm_version()
    jobs = args.jobs or os.cpu_count() or 1
    out = _model_folder(corpus.root, args.out)

    from annotator.train.curve import ScoreTask, learning_curve, score_suggested
    from annotator.train.data import stack, training_set
    from annotator.train.features import FEATURES, FEATURES_VERSION
    from annotator.train.model import (
        FORMAT,
        FORMAT_VERSION,
        THRESHOLD,
        LineModel,
        article_lines,
        fit,
        library_versions,
        line_scores,
    )

    started = time.perf_counter()
    data = training_set(
        corpus, args.source, jobs=jobs,
        progress=lambda items, total: progress(items, total=total, desc="features", unit="doc"),
    )
    for problem in data.problems:
        error(problem)
    examples = data.examples
    where = corpus.root / (GOLD if args.source == GOLD else f"annotations/{args.source}")
    if not examples:
        left = Counter(item.code for item in data.left)
        why = ", ".join(f"{n} {code}" for code, n in sorted(left.items())) or "none annotated"
        raise CorpusError(where, f"no done annotations by {args.source} to train on ({why})")
    rows, targets = stack(examples)
    if targets.all() or not targets.any():
        what = "article body" if targets.all() else "outside the article body"
        raise CorpusError(where, f"every line of the {len(examples)} done document(s) is {what}: nothing to learn")
    groups = {e.group for e in examples}
    curve = None
    if args.cv is not None:
        if len(groups) < args.cv:
            raise UsageError(
                f"--cv {args.cv}: the {len(examples)} done document(s) come from {len(groups)} site(s); "
                "folds grouped by site need at least one site each"
            )
        curve = learning_curve(
            corpus, examples, args.cv, jobs=jobs, step=info if not args.json else None, repeated=data.repeated
        )

    model = LineModel(fit(rows, targets.astype(float), jobs), {})
    from annotator.evaluate import overall_scores

    probabilities = model.probabilities(rows, jobs)
    predicted = probabilities >= model.threshold  # the line scores: the model's own choice
    # The rows were computed with this corpus's site lines, as the model's predictor would
    # compute them again: scoring reuses them (and trafilatura's text) instead of running the
    # extractors twice, and suggests the pages in ``jobs`` processes. Suggesting every page
    # again cost a fifth of a training on 1,000 documents: beyond SCORED_PAGES, a fixed
    # sample of the training documents is scored (the card says how many).
    tasks = [
        ScoreTask(e.doc_id, e.doc_id, e.site, e.features.extracted, e.gold_body, lines)
        for e, lines in zip(examples, article_lines([e.features for e in examples], probabilities, model.threshold), strict=True)
    ]
    if len(tasks) > SCORED_PAGES:
        tasks = sorted(random.Random(0).sample(tasks, SCORED_PAGES), key=lambda t: t.doc_id)
    body_scores = score_suggested(corpus, tasks, jobs, data.repeated)
    precision, recall, f1 = overall_scores(body_scores)
    sites = Counter(e.site or "(no url)" for e in examples)
    card: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_file": "model.txt",
        "model_format": "LightGBM text model (no code runs when it is loaded)",
        "target": "the line is inside a main article and not boilerplate",
        "threshold": THRESHOLD,
        "source": args.source,
        "training_documents": len(examples),
        "training_lines": len(targets),
        "body_lines": int(targets.sum()),
        "sites": dict(sorted(sites.items(), key=lambda kv: (-kv[1], kv[0]))),
        "features_version": FEATURES_VERSION,
        "features": list(FEATURES),
        "training_scores": {
            "lines": line_scores(targets, predicted),
            "article_body": {
                "precision": round(precision or 0.0, 4),
                "recall": round(recall or 0.0, 4),
                "f1": round(f1 or 0.0, 4),
                "documents": len(tasks),
            },
        },
        "cv": curve.to_json() if curve is not None else None,
        "versions": library_versions(),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    model.card = card
    model.save(out)
    if args.json:
        print_json({"ok": True, "model": str(out), "card": card, "problems": data.problems})
    else:
        if curve is not None:
            print(curve.table())
        train_f1 = card["training_scores"]["article_body"]["f1"]
        scored = "the training documents" if len(tasks) == len(examples) else f"{len(tasks)} of the training documents"
        info(
            f"trained on {len(examples)} document(s) from {len(sites)} site(s) in {card['seconds']}s "
            f"(article-body F1 on {scored} {train_f1:.3f}): {out}"
        )
    return EXIT_OK


def _model_folder(corpus_root: Path, given: Path | None) -> Path:
    """Where the model goes: ``CORPUS/models`` (the place ``suggest`` looks, inside the corpus
    by design), or a folder outside the corpus that is new, empty or a model folder already;
    never anywhere else inside the corpus (its documents, an annotator's files), through
    the output check every command uses."""
    default = corpus_root / "models"
    if given is None or real_path(given) == real_path(default):
        if default.exists() and not default.is_dir():
            raise UsageError(f"{default}: not a folder", default)
        return default

    def ours(folder: Path) -> str | None:
        names = {p.name for p in folder.iterdir()}
        return None if names <= MODEL_FOLDER_FILES else "it holds other files than a model's"

    check_output_path(
        given, corpus_root, kind="folder", replace=True, foreign=ours,
        replace_hint="give a new folder, or a model folder to replace", parents_must_exist=False,
    )
    return given
