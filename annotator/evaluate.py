"""The article-body metric of the public article-extraction-benchmark.

4-gram shingles of ``\\w+`` tokens, compared as multisets; TP/FP/FN per document;
precision averaged over the documents where something was predicted (TP+FP > 0), recall
over the documents with a gold body (TP+FN > 0), as the benchmark's own ``evaluate.py``
does; F1 from the two averages.
Used by ``annotator evaluate`` and by the suggestion scoring script.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
NGRAM = 4


def tokenize(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = NGRAM) -> Counter[str]:
    """The multiset of ``n``-token shingles. A text of fewer than ``n`` tokens is one shingle."""
    tokens = tokenize(text)
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


@dataclass(frozen=True)
class DocScore:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_document(gold: str, predicted: str, n: int = NGRAM) -> DocScore:
    true, pred = shingles(gold, n), shingles(predicted, n)
    return DocScore(
        tp=sum((true & pred).values()),
        fp=sum((pred - true).values()),
        fn=sum((true - pred).values()),
    )


@dataclass(frozen=True)
class CorpusScore:
    documents: dict[str, DocScore]
    precision: float
    recall: float
    f1: float


def benchmark_precision(score: DocScore) -> float | None:
    """A document's precision as the benchmark averages it; None where it leaves the
    document out (nothing predicted and nothing to predict: TP + FP = 0)."""
    return score.tp / (score.tp + score.fp) if score.tp + score.fp else None


def benchmark_recall(score: DocScore) -> float | None:
    """A document's recall as the benchmark averages it; None for an empty gold body."""
    return score.tp / (score.tp + score.fn) if score.tp + score.fn else None


def overall_scores(docs: Mapping[str, DocScore]) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 over documents, following the benchmark exactly: precision is
    averaged over the documents it counts (:func:`benchmark_precision`), recall likewise, and
    F1 comes from the two averages. None where no document counts."""
    precisions = [p for d in docs.values() if (p := benchmark_precision(d)) is not None]
    recalls = [r for d in docs.values() if (r := benchmark_recall(d)) is not None]
    precision = sum(precisions) / len(precisions) if precisions else None
    recall = sum(recalls) / len(recalls) if recalls else None
    if precision is None or recall is None:
        return precision, recall, None
    return precision, recall, f1(precision, recall)


def average_scores(docs: Mapping[str, DocScore]) -> tuple[float, float, float]:
    """:func:`overall_scores` with 0 where no document counts (for tables of numbers)."""
    precision, recall, _ = overall_scores(docs)
    precision, recall = precision or 0.0, recall or 0.0
    return precision, recall, f1(precision, recall)


def score_corpus(gold: Mapping[str, str], predicted: Mapping[str, str], n: int = NGRAM) -> CorpusScore:
    """Score every document of ``gold``; a document with no prediction counts as empty."""
    docs = {doc_id: score_document(text, predicted.get(doc_id, ""), n) for doc_id, text in gold.items()}
    return CorpusScore(docs, *average_scores(docs))
