"""``annotator evaluate CORPUS --predictions FILE.jsonl``: score an article extractor.

Each prediction line is ``{"id": DOC_ID, "articleBody": TEXT}``. The gold body of a
document is the ``body`` of its main article(s) (role ``main``; several joined by a blank
line): the clean text minus the title, subtitle, byline and date, as the benchmark's bodies
are; ``--against clean_text`` keeps those header lines. Both come from the annotations of
``--source`` that validate and have the requested status, exactly as ``annotator export``
writes them.

The metric is the public article-extraction-benchmark's: shingles of 4 ``\\w+`` tokens as
multisets, TP/FP/FN per document (:func:`annotator.evaluate.score_document`). As in that
benchmark's ``evaluate.py``, precision is averaged over the documents where something
was predicted or expected to be predicted (TP + FP > 0) and recall over those with a gold
body (TP + FN > 0); F1 comes from the two averages. A document with no prediction counts as
an empty prediction.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    info,
    open_corpus,
    print_json,
    progress,
)
from annotator.corpus import Corpus
from annotator.evaluate import (
    DocScore,
    benchmark_precision,
    benchmark_recall,
    overall_scores,
    score_document,
)
from annotator.export.records import build_articles, entity_labels, main_article_text, sorted_spans
from annotator.export.selection import Left, select_documents
from annotator.model import GOLD, STATUSES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score extractor predictions against the gold article bodies",
        description='Score predicted article bodies (jsonl lines {"id", "articleBody"}) '
        "against the body of each document's main article(s).",
    )
    p.add_argument("corpus")
    p.add_argument("--predictions", required=True, type=Path, help="jsonl file of predictions")
    p.add_argument("--source", default=GOLD, help="gold (default) or an annotator name")
    p.add_argument("--status", default="done", help="status(es) to score, comma-separated")
    p.add_argument(
        "--against",
        choices=("body", "clean_text"),
        default="body",
        help="the gold text: the article body (default; header lines left out) or the "
        "clean text (title, subtitle, byline and date kept)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=run)


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


def read_predictions(path: Path) -> tuple[dict[str, str], list[BadLine], dict[str, int]]:
    """Predictions by id, the bad lines, and the line number of each id."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    data = data.removeprefix(b"\xef\xbb\xbf")  # a BOM from Windows tools is not an error
    predictions: dict[str, str] = {}
    lines: dict[str, int] = {}
    bad: list[BadLine] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            item = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            bad.append(BadLine(number, f"not valid JSON: {exc}"))
            continue
        if not isinstance(item, dict):
            bad.append(BadLine(number, f"expected an object, got {type(item).__name__}"))
            continue
        doc_id, body = item.get("id"), item.get("articleBody")
        if not isinstance(doc_id, str) or not doc_id:
            bad.append(BadLine(number, 'no "id" string'))
            continue
        if not isinstance(body, str):
            what = "missing" if body is None else f"a {type(body).__name__}, not a string"
            bad.append(BadLine(number, f'"articleBody" of {doc_id!r} is {what}'))
            continue
        if doc_id in predictions:
            bad.append(
                BadLine(
                    number, f"id {doc_id!r} again (first on line {lines[doc_id]}); kept the first"
                )
            )
            continue
        predictions[doc_id] = body
        lines[doc_id] = number
    return predictions, bad, lines


def gold_bodies(
    corpus: Corpus, source: str, statuses: tuple[str, ...], against: str = "body"
) -> tuple[dict[str, str], list[Left]]:
    """The gold article body of each selected document, and the documents left out."""
    entity_names = entity_labels(corpus.scheme)
    gold: dict[str, str] = {}
    left: list[Left] = []
    doc_ids = corpus.doc_ids()
    for item in progress(
        select_documents(corpus, source, statuses, False, doc_ids), total=len(doc_ids), desc="gold"
    ):
        if isinstance(item, Left):
            left.append(item)
            continue
        spans = sorted_spans(item.annotation.spans)
        gold[item.doc_id] = main_article_text(
            build_articles(item.text, spans, entity_names), against
        )
    return gold, left


def overall(scores: dict[str, DocScore]) -> dict[str, float | None]:
    precision, recall, f1 = overall_scores(scores)
    return {"precision": precision, "recall": recall, "f1": f1}


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    statuses = tuple(s.strip() for s in args.status.split(",") if s.strip())
    if not statuses or any(s not in STATUSES for s in statuses):
        raise UsageError(f"--status must be among {', '.join(STATUSES)}")
    if args.source != GOLD and args.source not in corpus.annotators():
        raise UsageError(f"no annotator {args.source!r} in this corpus")
    if not args.predictions.is_file():
        raise UsageError(f"{args.predictions}: no such file")
    predictions, bad, _ = read_predictions(args.predictions)
    gold, left = gold_bodies(corpus, args.source, statuses, args.against)
    scores = {
        doc_id: score_document(body, predictions.get(doc_id, "")) for doc_id, body in gold.items()
    }
    missing = [doc_id for doc_id in gold if doc_id not in predictions]
    unknown = [doc_id for doc_id in predictions if doc_id not in gold]
    totals = overall(scores)
    documents = [
        {
            "id": doc_id,
            "precision": benchmark_precision(s),
            "recall": benchmark_recall(s),
            # Per document, the harmonic mean of its precision and recall (0 when nothing
            # matched); None when both texts are empty, which the benchmark skips.
            "f1": 2 * s.tp / (2 * s.tp + s.fp + s.fn) if s.tp + s.fp + s.fn else None,
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
            "predicted": doc_id in predictions,
        }
        for doc_id, s in scores.items()
    ]
    for item in bad:
        info(f"{args.predictions}:{item.line}: {item.message}")
    if unknown:
        info(
            f"{len(unknown)} prediction(s) for documents not scored (not in the corpus, or not "
            f"finished and valid for {args.source!r}): {', '.join(unknown[:10])}"
            + (" ..." if len(unknown) > 10 else "")
        )
    if missing:
        info(
            f"{len(missing)} scored document(s) have no prediction (scored as empty): "
            f"{', '.join(missing[:10])}" + (" ..." if len(missing) > 10 else "")
        )
    if args.json:
        print_json(
            {
                "source": args.source,
                "predictions": str(args.predictions),
                "against": args.against,
                "metric": "article-extraction-benchmark shingles (n=4)",
                "documents": len(scores),
                **totals,
                "per_document": documents,
                "bad_lines": [b.to_json() for b in bad],
                "missing": missing,
                "unknown": unknown,
                "not_scored": [x.to_json() for x in left],
            }
        )
    else:
        width = max([len("document"), *(len(d["id"]) for d in documents)])
        print(f"{'document':<{width}}  precision  recall     f1     tp     fp     fn")
        for d in documents:
            mark = "" if d["predicted"] else "  (no prediction)"
            print(
                f"{d['id']:<{width}}  {_fmt(d['precision']):>9}  {_fmt(d['recall']):>6}  "
                f"{_fmt(d['f1']):>5}  {d['tp']:>5}  {d['fp']:>5}  {d['fn']:>5}{mark}"
            )
        print(
            f"{'overall':<{width}}  {_fmt(totals['precision']):>9}  {_fmt(totals['recall']):>6}  "
            f"{_fmt(totals['f1']):>5}  ({len(scores)} documents)"
        )
    if not scores:
        info(f"no document of {args.source!r} is finished and valid: nothing to score")
    return EXIT_PROBLEMS if bad or not scores else EXIT_OK
