"""Scores of trained suggestions on pages they never saw: the learning curve of ``train --cv K``.

Folds are grouped by site (:func:`annotator.train.data.group_of`): no site has pages on both
sides, so a model cannot score by remembering a site's menus. In each fold, models are
trained on growing random subsets of the training side (each subset holds the smaller
ones) and the test side is suggested with each; trafilatura alone and the built-in
suggestions are scored on the same test pages. The metric is the benchmark's
(:mod:`annotator.evaluate`): the body of the suggested main article (clean text minus
the title, subtitle, byline and date) against the gold body, document scores pooled over
the folds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.corpus import Corpus, CorpusError
from annotator.evaluate import DocScore, overall_scores, score_document
from annotator.export.records import build_articles, entity_labels, main_article_text, sorted_spans
from annotator.model import LabelScheme
from annotator.suggest.engine import BodyLines, DocInput
from annotator.suggest.lines import Line
from annotator.suggest.runner import read_doc, site_statistics, suggest_text
from annotator.train.data import Example, stack
from annotator.train.model import LineModel, article_lines, fit
from annotator.workers import batch_gc, process_pool

#: The sources whose spans make the body (the article, its boilerplate and header parts).
STRUCTURE = ("boilerplate", "article", "title", "byline", "date")
#: Training sizes tried below the whole training side of a fold.
SIZES = (10, 25, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def make_folds(groups: list[str], k: int, seed: int = 0) -> list[list[int]]:
    """``k`` lists of example indices; all examples of a group in one list. Groups go, largest
    first (shuffled among equals), to the list with the fewest examples."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    order = sorted(members)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda g: -len(members[g]))
    folds: list[list[int]] = [[] for _ in range(k)]
    for group in order:
        min(folds, key=len).extend(members[group])
    return [sorted(f) for f in folds]


def body_of(text: str, scheme: LabelScheme, annotation_spans: list[Any]) -> str:
    spans = sorted_spans(annotation_spans)
    return main_article_text(build_articles(text, spans, entity_labels(scheme)), "body")


def suggested_body(
    doc: DocInput, scheme: LabelScheme, repeated: frozenset[str], extracted: str, body_lines: BodyLines | None
) -> str:
    """The body of the main article the suggestions give ``doc``."""
    annotation, _ = suggest_text(
        doc, scheme, only=STRUCTURE, repeated=repeated, extracted=extracted, body_lines=body_lines
    )
    return body_of(doc.text, scheme, annotation.spans)


def fixed_body_lines(predicted: list[bool]) -> BodyLines:
    """The ``body_lines`` hook answering ``predicted`` (lines a model already classified)."""

    def body_lines(doc: DocInput, lines: list[Line], extracted: str) -> list[bool]:
        return predicted

    return body_lines


@dataclass(frozen=True, slots=True)
class ScoreTask:
    """One page to suggest and score: with a model's line choices (``predicted``) or, when
    that is None, with the built-in rules. ``key`` names the result."""

    key: Hashable
    doc_id: str
    site: str
    extracted: str
    gold_body: str
    predicted: list[bool] | None = None


# Worker state, set once per process (the repeated lines of every site can be big).
_SCORING: dict[str, Any] = {}


def _init_scoring(root: str, repeated: dict[str, frozenset[str]]) -> None:
    _SCORING.update(corpus=Corpus.open(root), repeated=repeated)


def _score(task: ScoreTask) -> tuple[Hashable, DocScore | None]:
    corpus: Corpus = _SCORING["corpus"]
    try:
        doc = read_doc(corpus, task.doc_id)
    except CorpusError:
        return task.key, None  # its features were computed: it read fine a moment ago
    lines = None if task.predicted is None else fixed_body_lines(task.predicted)
    seen = _SCORING["repeated"].get(task.site, frozenset())
    body = suggested_body(doc, corpus.scheme, seen, task.extracted, lines)
    return task.key, score_document(task.gold_body, body)


def score_suggested(
    corpus: Corpus,
    tasks: Sequence[ScoreTask],
    jobs: int = 1,
    repeated: dict[str, frozenset[str]] | None = None,
) -> dict[Any, DocScore]:
    """The article-body score of each task's suggestions, by the task's key, suggested in
    ``jobs`` processes. Suggesting is most of the time of scoring a model (the rules run
    on every page again), and each page is independent of the others. ``repeated``: each
    site's repeated lines when the caller has them (:attr:`TrainingSet.repeated`)."""
    if repeated is None:
        _, repeated = site_statistics(corpus)
    if jobs <= 1 or len(tasks) < 2:
        _init_scoring(str(corpus.root), repeated)
        with batch_gc():
            return {key: score for key, score in map(_score, tasks) if score is not None}
    with process_pool(min(jobs, len(tasks)), _init_scoring, (str(corpus.root), repeated), runs_lightgbm=False) as pool:
        return {key: score for key, score in pool.map(_score, tasks, chunksize=4) if score is not None}


def predicted_lines(model: LineModel, examples: Sequence[Example], threads: int = 1) -> list[list[bool]]:
    """Each example's ``body_lines`` from one prediction over all their rows."""
    if not examples:
        return []
    probabilities = model.probabilities(stack(list(examples))[0], threads)
    return article_lines([e.features for e in examples], probabilities, model.threshold)


@dataclass
class Curve:
    k: int
    documents: int
    groups: int
    fold_sizes: list[int]
    rows: list[dict[str, Any]] = field(default_factory=list)
    trafilatura: dict[str, float | None] = field(default_factory=dict)
    builtin: dict[str, float | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "folds": self.k,
            "grouped_by": "site",
            "documents": self.documents,
            "sites": self.groups,
            "test_documents_per_fold": self.fold_sizes,
            "rows": self.rows,
            "trafilatura": self.trafilatura,
            "builtin": self.builtin,
        }

    def table(self) -> str:
        def f(v: float | None) -> str:
            return "    -" if v is None else f"{v:.3f}"

        head = f"{'train docs':>10}  {'trained F1':>10}  {'P':>5}  {'R':>5}  {'trafilatura':>11}  {'built-in':>8}"
        out = [head]
        for row in self.rows:
            t = row["trained"]
            out.append(
                f"{row['train_documents']:>10.0f}  {f(t['f1']):>10}  {f(t['precision']):>5}  {f(t['recall']):>5}  "
                f"{f(self.trafilatura['f1']):>11}  {f(self.builtin['f1']):>8}"
            )
        out.append(
            f"({self.k} folds grouped by site, {self.groups} sites, {self.documents} documents; article-body "
            "shingle F1, pooled over the folds; trafilatura and built-in on the same test pages)"
        )
        return "\n".join(out)


def _overall(scores: dict[str, DocScore]) -> dict[str, float | None]:
    precision, recall, f1 = overall_scores(scores)
    return {k: None if v is None else round(v, 4) for k, v in (("precision", precision), ("recall", recall), ("f1", f1))}


def learning_curve(
    corpus: Corpus,
    examples: list[Example],
    k: int,
    *,
    jobs: int = 1,
    seed: int = 0,
    step: Callable[[str], None] | None = None,
    repeated: dict[str, frozenset[str]] | None = None,
) -> Curve:
    """The learning curve of ``examples`` over ``k`` folds grouped by site."""
    folds = make_folds([e.group for e in examples], k, seed)
    curve = Curve(k, len(examples), len({e.group for e in examples}), [len(f) for f in folds])
    traf = {e.doc_id: score_document(e.gold_body, e.features.extracted) for e in examples}
    # Every page to suggest, with the built-in rules and with each fold's models: the models
    # are fitted first, then all pages are suggested in one pool.
    tasks = [ScoreTask(("builtin", e.doc_id), e.doc_id, e.site, e.features.extracted, e.gold_body) for e in examples]
    train_sides = [[i for i in range(len(examples)) if i not in set(test)] for test in folds]
    smallest = min(len(t) for t in train_sides)
    sizes = [s for s in SIZES if s < smallest]
    trained: dict[int | None, dict[str, DocScore]] = {s: {} for s in [*sizes, None]}
    used: dict[int | None, list[int]] = {s: [] for s in trained}
    rng = random.Random(seed)
    for number, (test, train) in enumerate(zip(folds, train_sides, strict=True), 1):
        order = list(train)
        rng.shuffle(order)
        for size in trained:
            chosen = order if size is None else order[:size]
            if step:
                step(f"fold {number}/{k}: training on {len(chosen)} documents")
            rows, targets = stack([examples[i] for i in chosen])
            if not targets.any() or targets.all():
                continue  # one class only: nothing to learn (a tiny subset)
            model = LineModel(fit(rows, targets.astype(float), jobs), {})
            used[size].append(len(chosen))
            tested = [examples[i] for i in test]
            for e, predicted in zip(tested, predicted_lines(model, tested, jobs), strict=True):
                tasks.append(ScoreTask((size, e.doc_id), e.doc_id, e.site, e.features.extracted, e.gold_body, predicted))
    if step:
        step(f"suggesting {len(tasks)} test pages")
    builtin: dict[str, DocScore] = {}
    for (what, doc_id), score in score_suggested(corpus, tasks, jobs, repeated).items():
        if what == "builtin":
            builtin[doc_id] = score
        else:
            trained[what][doc_id] = score
    # trafilatura on the same pages as the built-in rules (a page that cannot be read is in neither).
    curve.trafilatura = _overall({d: traf[d] for d in builtin})
    curve.builtin = _overall(builtin)
    for size, scores in trained.items():
        if not scores:
            continue
        curve.rows.append(
            {
                "size": "all" if size is None else size,
                "train_documents": sum(used[size]) / len(used[size]),
                "test_documents": len(scores),
                "trained": _overall(scores),
            }
        )
    return curve


def held_out_scores(
    corpus: Corpus,
    examples: list[Example],
    model: LineModel,
    *,
    jobs: int = 1,
    repeated: dict[str, frozenset[str]] | None = None,
) -> dict[str, dict[str, float | None]]:
    """Article-body precision, recall and F1 on ``examples`` (documents the model never saw,
    from ``corpus``) of the suggestions with ``model``, of trafilatura alone and of the
    built-in suggestions: the same metric and the same pages for the three.

    ``examples`` come from :func:`annotator.train.data.training_set` on ``corpus``: their
    features hold the corpus's line counts per site, as ``annotator suggest`` computes them.
    """
    tasks: list[ScoreTask] = []
    for e, predicted in zip(examples, predicted_lines(model, examples, jobs), strict=True):
        tasks.append(ScoreTask(("builtin", e.doc_id), e.doc_id, e.site, e.features.extracted, e.gold_body))
        tasks.append(ScoreTask(("trained", e.doc_id), e.doc_id, e.site, e.features.extracted, e.gold_body, predicted))
    scores: dict[str, dict[str, DocScore]] = {"trained": {}, "trafilatura": {}, "builtin": {}}
    for (what, doc_id), score in score_suggested(corpus, tasks, jobs, repeated).items():
        scores[what][doc_id] = score
    for e in examples:
        if e.doc_id in scores["builtin"]:
            scores["trafilatura"][e.doc_id] = score_document(e.gold_body, e.features.extracted)
    return {name: _overall(by_doc) for name, by_doc in scores.items()}
