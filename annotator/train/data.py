"""The training rows of a corpus: features of every line of the finished annotations, and
whether each line is article body (inside a main article, not boilerplate)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from annotator.corpus import Corpus, CorpusError
from annotator.export.records import build_articles, entity_labels, main_article_text, sorted_spans
from annotator.export.selection import Left, Taken, select_documents
from annotator.model import Span
from annotator.suggest.extracted import ExtractionCache, extracted_texts
from annotator.suggest.lines import Line
from annotator.train.features import DocFeatures, SiteLines, document_features
from annotator.workers import batch_gc, process_pool

Ranges = list[tuple[int, int]]


def group_of(doc_id: str, site: str) -> str:
    """The fold group: the site, or the document alone when it has no url (one unknown site
    each, never all of them as one big site)."""
    return site or f"doc:{doc_id}"


def line_targets(lines: list[Line], index: list[int], articles: Ranges, boilerplate: Ranges) -> np.ndarray:
    """1 for each line (of ``index``) inside a main article with less than half of it boilerplate."""
    out = np.zeros(len(index), dtype=bool)
    for k, i in enumerate(index):
        line = lines[i]
        if not any(a <= line.start and line.end <= b for a, b in articles):
            continue
        cut = sum(max(0, min(b, line.end) - max(a, line.start)) for a, b in boilerplate)
        out[k] = cut * 2 < (line.end - line.start)
    return out


@dataclass(slots=True)
class Example:
    """One finished document: its features, targets, the gold body and trafilatura's text."""

    doc_id: str
    site: str
    group: str
    features: DocFeatures
    targets: np.ndarray
    gold_body: str


def _ranges(spans: list[Span]) -> tuple[Ranges, Ranges]:
    articles = [(s.start, s.end) for s in spans if s.label == "article" and s.attrs.get("role", "main") == "main"]
    boilerplate = [(s.start, s.end) for s in spans if s.label == "boilerplate"]
    return articles, boilerplate


# Worker state, set once per process (the site line counts can be big).
_STATE: dict[str, object] = {}


def _init(root: str, sites: dict[str, SiteLines]) -> None:
    _STATE.update(corpus=Corpus.open(root), sites=sites, extraction_cache=ExtractionCache(root))


def _example(task: tuple[str, str, Ranges, Ranges, str]) -> Example | str:
    from annotator.suggest.runner import read_doc

    doc_id, site, articles, boilerplate, gold_body = task
    corpus: Corpus = _STATE["corpus"]  # type: ignore[assignment]
    sites: dict[str, SiteLines] = _STATE["sites"]  # type: ignore[assignment]
    try:
        doc = read_doc(corpus, doc_id)
    except CorpusError as exc:
        return str(exc)
    cache: ExtractionCache = _STATE["extraction_cache"]  # type: ignore[assignment]
    # What `annotator suggest` extracted of the page is not extracted again (docs/adr/0033).
    extracted, read = extracted_texts(cache, doc, readability=True)
    features = document_features(doc, sites.get(site) if site else None, extracted, read)
    targets = line_targets(features.lines, features.index, articles, boilerplate)
    return Example(doc_id, site, group_of(doc_id, site), features, targets, gold_body)


@dataclass(slots=True)
class TrainingSet:
    examples: list[Example]
    left: list[Left]
    problems: list[str]
    sites: dict[str, SiteLines]
    #: Each site's repeated lines (:func:`annotator.suggest.runner.site_statistics`).
    repeated: dict[str, frozenset[str]]


def training_set(
    corpus: Corpus,
    source: str,
    *,
    jobs: int | None = None,
    progress: Callable[[Iterator[Example | str], int], Iterable[Example | str]] | None = None,
) -> TrainingSet:
    """The examples of the ``done`` annotations of ``source`` that pass every check."""
    from annotator.suggest.runner import site_tables

    # Both site tables from one reading of the corpus: the line counts the features read,
    # and the repeated lines the suggestions that score the model cut as boilerplate.
    site_of, repeated, sites = site_tables(corpus, with_lines=True)
    names = entity_labels(corpus.scheme)
    tasks: list[tuple[str, str, Ranges, Ranges, str]] = []
    left: list[Left] = []
    for item in select_documents(corpus, source, ("done",)):
        if isinstance(item, Left):
            left.append(item)
            continue
        assert isinstance(item, Taken)
        spans = sorted_spans(item.annotation.spans)
        body = main_article_text(build_articles(item.text, spans, names), "body")
        tasks.append((item.doc_id, site_of.get(item.doc_id, ""), *_ranges(spans), body))
    examples: list[Example] = []
    problems: list[str] = []
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(tasks) < 4:
        _init(str(corpus.root), sites)
        results: Iterator[Example | str] = map(_example, tasks)
        with batch_gc():
            _gather(results, progress, len(tasks), examples, problems)
    else:
        with process_pool(jobs, _init, (str(corpus.root), sites), runs_lightgbm=False) as pool:
            _gather(pool.map(_example, tasks, chunksize=2), progress, len(tasks), examples, problems)
    return TrainingSet(examples, left, problems, sites, repeated)


def _gather(
    results: Iterator[Example | str],
    progress: Callable[[Iterator[Example | str], int], Iterable[Example | str]] | None,
    total: int,
    examples: list[Example],
    problems: list[str],
) -> None:
    for result in progress(results, total) if progress else results:
        if isinstance(result, str):
            problems.append(result)
        else:
            examples.append(result)


def stack(examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    """All rows and targets of ``examples``, one matrix."""
    if not examples:
        from annotator.train.features import FEATURES

        return np.empty((0, len(FEATURES))), np.empty(0, dtype=bool)
    return (
        np.vstack([e.features.rows for e in examples]),
        np.concatenate([e.targets for e in examples]),
    )
