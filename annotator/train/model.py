"""The line model: fitting, its files, and the loader that refuses anything else.

A model folder holds two files:

* ``model.txt``: the LightGBM booster in LightGBM's own text format (trees as numbers);
  loading it parses numbers and never runs code, unlike a pickle, which matters for a
  corpus that arrives through git;
* ``model.json``: the model card: the format, the feature names and their version, the
  training documents and sites, scores, the threshold, library versions.

The loader checks the card, that the features are the ones this version computes, and
that the booster file is a LightGBM model with those features; each failure is a
:class:`ModelError` naming the file and the problem.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from annotator.corpus import CorpusError, atomic_write_bytes, dump_json
from annotator.suggest.engine import BodyLines, DocInput
from annotator.suggest.lines import Line
from annotator.train.features import (
    FEATURES,
    FEATURES_VERSION,
    DocFeatures,
    SiteLines,
    document_features,
)

MODEL_FILE = "model.txt"
CARD_FILE = "model.json"
#: The card's ``format``: what kind of file this is, and its version.
FORMAT = "article-annotator/line-model"
FORMAT_VERSION = 1
#: A line is body when the model's probability reaches this.
THRESHOLD = 0.5
#: The article's run of lines grows over the lines trafilatura keeps right before and
#: after it unless the model gives them less than this (see :func:`article_rows`, ADR 34).
EDGE_FLOOR = 0.2
#: The feature column of how much of a line trafilatura keeps (0 to 1).
_TRAF = FEATURES.index("traf")

#: LightGBM settings: small trees and few rounds are enough for a few dozen features, and
#: ``deterministic`` makes the same gold give the same file (reviewable in git).
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.9,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 0,
    "deterministic": True,
    "force_row_wise": True,
    "verbosity": -1,
}
ROUNDS = 300


class ModelError(CorpusError):
    """A model folder or file that cannot be used (exit 1: the data has a problem)."""


def has_model(folder: Path) -> bool:
    """Whether ``folder`` holds a model (either of its files: a half-copied model is an error,
    not the built-in behaviour)."""
    return (folder / MODEL_FILE).exists() or (folder / CARD_FILE).exists()


def library_versions() -> dict[str, str]:
    import lightgbm
    import trafilatura

    from annotator import __version__

    return {
        "python": platform.python_version(),
        "lightgbm": lightgbm.__version__,
        "numpy": np.__version__,
        "trafilatura": trafilatura.__version__,
        "article-annotator": __version__,
    }


def fit(rows: np.ndarray, targets: np.ndarray, jobs: int = 1, seed: int = PARAMS["seed"]) -> Any:
    """A LightGBM booster of ``targets`` (1: body line) from ``rows`` (:data:`FEATURES`);
    ``seed``: its bagging's (another one measures how much of a score is chance)."""
    import lightgbm

    data = lightgbm.Dataset(rows, label=targets, feature_name=list(FEATURES), free_raw_data=True)
    return lightgbm.train({**PARAMS, "num_threads": max(1, jobs), "seed": seed}, data, num_boost_round=ROUNDS)


def lines_of_rows(documents: Sequence[DocFeatures], chosen: np.ndarray) -> list[list[bool]]:
    """``chosen`` (one value per row of ``documents``, their rows stacked in order) laid out
    on each document's lines (blank lines False): one prediction serves many pages, where
    a call per page would pay LightGBM's setup per page."""
    out: list[list[bool]] = []
    at = 0
    for features in documents:
        lines = [False] * len(features.lines)
        for i in features.index:
            lines[i] = bool(chosen[at])
            at += 1
        out.append(lines)
    return out


def article_rows(
    rows: np.ndarray, probabilities: np.ndarray, threshold: float = THRESHOLD, floor: float = EDGE_FLOOR
) -> np.ndarray:
    """Per row of one document: whether its line is in the article (ADR 34).

    The rows the model chooses (probability at least ``threshold``) bound the article's
    run, from the first to the last. Inside it a line trafilatura keeps (most of its tokens)
    stays in, whatever the model says; the run then grows, line after line, over the lines
    trafilatura keeps right before its start and after its end, as long as the model gives
    them at least ``floor`` (:data:`EDGE_FLOOR`). The model alone cut real paragraphs at the article's
    edges and in its middle (recall 0.922 against trafilatura's 0.932 on the readability
    test pages); trafilatura alone keeps more boilerplate (precision 0.943 against 0.955).
    """
    chosen = probabilities >= threshold
    picked = np.flatnonzero(chosen)
    if not len(picked):
        return chosen
    kept = rows[:, _TRAF] > 0.5
    first, last = int(picked[0]), int(picked[-1])
    chosen[first : last + 1] |= kept[first : last + 1]
    grows = kept & (probabilities >= floor)
    start, stop = first, last
    while start > 0 and grows[start - 1]:
        start -= 1
    while stop + 1 < len(chosen) and grows[stop + 1]:
        stop += 1
    chosen[start:first] = True
    chosen[last + 1 : stop + 1] = True
    return chosen


def article_lines(
    documents: Sequence[DocFeatures],
    probabilities: np.ndarray,
    threshold: float = THRESHOLD,
    floor: float = EDGE_FLOOR,
) -> list[list[bool]]:
    """Per line of each document (blank lines False): whether it is in the article, from
    one prediction over all their rows stacked in order (:func:`article_rows` on each)."""
    out: list[np.ndarray] = []
    at = 0
    for features in documents:
        n = len(features.rows)
        out.append(article_rows(features.rows, probabilities[at : at + n], threshold, floor))
        at += n
    return lines_of_rows(documents, np.concatenate(out) if out else np.zeros(0, dtype=bool))


@dataclass
class LineModel:
    """A loaded (or just trained) line model."""

    booster: Any
    card: dict[str, Any]
    threshold: float = THRESHOLD

    def probabilities(self, rows: np.ndarray, threads: int = 1) -> np.ndarray:
        """Per row: the probability that its line is article body. ``threads``: one by
        default (a page's few hundred rows, often inside a worker process already); the
        rows of a whole training set are worth the cores (each row's answer is the same)."""
        if not len(rows):
            return np.zeros(0)
        return np.asarray(self.booster.predict(rows, num_threads=max(1, threads)), dtype=np.float64)

    def chosen(self, rows: np.ndarray, threads: int = 1) -> np.ndarray:
        """Per row: whether its line is article body."""
        return self.probabilities(rows, threads) >= self.threshold

    def body_lines(self, features: DocFeatures) -> list[bool]:
        """Per line of the document (blank lines False): whether it is in the article."""
        return article_lines([features], self.probabilities(features.rows), self.threshold)[0]

    def predictor(self, site: SiteLines | None, readability: str | None = None) -> BodyLines:
        """The ``body_lines`` hook of :func:`annotator.suggest.engine.suggest` for a page of
        the site whose line counts are ``site``; ``readability``: readability's text of that
        page when the caller has it."""

        def body_lines(doc: DocInput, lines: list[Line], extracted: str) -> list[bool]:
            return self.body_lines(document_features(doc, site, extracted, readability))

        return body_lines

    def save(self, folder: Path) -> None:
        """``model.txt`` then ``model.json``, each written whole (a reader never sees a part)."""
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / MODEL_FILE, self.booster.model_to_string().encode("utf-8"))
        atomic_write_bytes(folder / CARD_FILE, dump_json(self.card))

    @classmethod
    def load(cls, folder: Path) -> LineModel:
        """The model in ``folder``; :class:`ModelError` naming the file when it is not one."""
        card_path, model_path = folder / CARD_FILE, folder / MODEL_FILE
        for path in (card_path, model_path):
            if not path.is_file():
                raise ModelError(path, "missing: a model folder holds model.txt and model.json (`annotator train` writes both)")
        card = _read_card(card_path)
        try:
            text = model_path.read_text("utf-8")
        except UnicodeDecodeError as exc:
            raise ModelError(model_path, f"not a LightGBM text model (not UTF-8 text: {exc.reason})") from exc
        # LightGBM's text format opens with the line "tree": anything else is refused before
        # the library sees it (it would print its own fatal message on stderr).
        if text.split("\n", 1)[0].strip() != "tree":
            raise ModelError(model_path, "not a LightGBM text model (it does not start with 'tree')")
        import lightgbm

        try:
            with _native_stderr_discarded():
                booster = lightgbm.Booster(model_str=text)
        except lightgbm.basic.LightGBMError as exc:
            raise ModelError(model_path, f"not a readable LightGBM model: {exc}") from exc
        names = list(booster.feature_name())
        if names != list(FEATURES):
            raise ModelError(
                model_path,
                f"trained on other features ({len(names)} columns, not the {len(FEATURES)} of "
                f"feature version {FEATURES_VERSION}): retrain with `annotator train`",
            )
        threshold = card.get("threshold", THRESHOLD)
        if not isinstance(threshold, int | float) or not 0 < threshold < 1:
            raise ModelError(card_path, f"threshold must be a number between 0 and 1, not {threshold!r}")
        return cls(booster, card, float(threshold))


@contextlib.contextmanager
def _native_stderr_discarded() -> Iterator[None]:
    """LightGBM's C++ code writes "[LightGBM] [Fatal] ..." straight to the process's stderr
    before it raises, whatever its verbosity; the exception holds the same words, which go
    into the one line of the error. The file descriptor is swapped for the moment of the
    call (Python's ``sys.stderr`` never sees those bytes)."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to keep clean
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _read_card(path: Path) -> dict[str, Any]:
    try:
        card = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ModelError(path, f"not valid JSON: {exc}") from exc
    if not isinstance(card, dict):
        raise ModelError(path, f"expected a JSON object, got {type(card).__name__}")
    if card.get("format") != FORMAT:
        raise ModelError(path, f"not a model card (format is {card.get('format')!r}, not {FORMAT!r})")
    version = card.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(path, f"model card format version {version!r}; this version reads {FORMAT_VERSION}")
    if card.get("features_version") != FEATURES_VERSION:
        raise ModelError(
            path,
            f"trained on other features (version {card.get('features_version')!r}, this version "
            f"computes version {FEATURES_VERSION}): retrain with `annotator train`",
        )
    features = card.get("features")
    if features != list(FEATURES):
        listed = f"{len(features)} listed" if isinstance(features, list) else "none listed"
        raise ModelError(
            path,
            f"its features are not those of version {FEATURES_VERSION} ({listed}, not the "
            f"{len(FEATURES)} this version computes): retrain with `annotator train`",
        )
    return card


def line_scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of body lines."""
    tp = int(np.sum(truth & predicted))
    fp = int(np.sum(~truth & predicted))
    fn = int(np.sum(truth & ~predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = float(np.mean(truth == predicted)) if len(truth) else math.nan
    return {
        "lines": len(truth),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round(accuracy, 4),
    }
