"""Suggest for a whole corpus: site statistics, worker processes, valid files, the lock.

Suggestions are the annotation of the reserved annotator ``suggestions``
(``annotations/suggestions/DOC_ID.json``), in the same format as a person's and valid
under the same rules, so they can be inspected, validated and never mixed into anyone's
work.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.attribute_fill import date_value, page_clock_of
from annotator.corpus import Corpus, CorpusError
from annotator.model import SUGGESTIONS, Annotation, LabelScheme, Span
from annotator.rules import check_annotation, sha256_text
from annotator.suggest import boilerplate as bp
from annotator.suggest.engine import (
    SOURCES,
    STRUCTURE_SOURCES,
    BodyLines,
    DocInput,
    Proposal,
    suggest,
    to_spans,
)
from annotator.suggest.entities import CorpusGazetteer, Gazetteer, corpus_gazetteer
from annotator.suggest.extracted import ExtractionCache, extracted_texts
from annotator.workers import batch_gc, process_pool

if TYPE_CHECKING:
    from annotator.train.features import SiteLines

# Which span survives when two of a layer overlap: the first in this order.
_PRIORITY = {"article": 0, "title": 0, "subtitle": 0, "byline": 1, "date": 2, "boilerplate": 0}


@dataclass
class DocOutcome:
    doc_id: str
    method: str = "none"
    counts: dict[str, int] = field(default_factory=dict)
    problem: str | None = None


@dataclass
class SuggestReport:
    documents: int = 0
    written: int = 0
    seconds: float = 0.0
    methods: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "written": self.written,
            "seconds": round(self.seconds, 3),
            "pages_per_second": round(self.pages_per_second, 2),
            "methods": dict(self.methods),
            "spans": dict(self.counts),
            "problems": self.problems,
        }


def normalise_only(only: Iterable[str] | None) -> frozenset[str]:
    """The sources asked for; title, byline and date bring their article (they must lie in one)."""
    wanted = frozenset(only or SOURCES)
    unknown = wanted - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(sorted(unknown))}; choose from {', '.join(SOURCES)}")
    if wanted & {"title", "byline", "date"}:
        wanted |= {"article"}
    return wanted


def resolve(text: str, proposals: list[Proposal], scheme: LabelScheme) -> list[Span]:
    """Spans that together pass :func:`rules.check_annotation`.

    Overlaps inside a no-overlap layer are settled by priority (title over byline over
    date; entities longest first), then anything the rules still reject is dropped, the
    spans the checker names first, until the rules hold.
    """
    kept: list[Proposal] = []
    by_layer: dict[str, list[tuple[int, int]]] = {}
    layer_of = {lb.name: layer for layer in scheme.layers for lb in layer.labels}
    ordered = sorted(proposals, key=lambda p: (_PRIORITY.get(p.label, 3), -(p.end - p.start), p.start))
    for p in ordered:
        layer = layer_of.get(p.label)
        if layer is None:
            continue
        label = scheme.label(p.label)
        key = layer.name if layer.no_overlap else (p.label if label and label.no_self_overlap else None)
        if key is not None:
            taken = by_layer.setdefault(key, [])
            if any(p.start < b and a < p.end for a, b in taken):
                continue
            taken.append((p.start, p.end))
        kept.append(p)
    spans = to_spans(text, kept)
    sha = sha256_text(text)
    for _ in range(20):
        annotation = Annotation(doc_id="x", text_sha256=sha, annotator=SUGGESTIONS, spans=spans)
        bad = {p.span_id for p in check_annotation(annotation, text, scheme, sha) if p.span_id}
        if not bad:
            break
        spans = [s for s in spans if s.id not in bad]
    return spans


def with_page_zone(spans: list[Span], doc: DocInput) -> list[Span]:
    """The date spans' values with the zone the page or the corpus gives, exactly as a date
    marked by hand gets it (:func:`annotator.attribute_fill.date_value`); others unchanged."""
    clock = page_clock_of(doc.timezone, doc.html_meta)
    out = []
    for span in spans:
        if span.label == "date" and isinstance(span.attrs.get("value"), str):
            value = date_value(span.text, lambda: clock)
            if value is not None and value != span.attrs["value"]:
                span = span.model_copy(update={"attrs": {**span.attrs, "value": value}})
        out.append(span)
    return out


def suggest_text(
    doc: DocInput,
    scheme: LabelScheme,
    *,
    only: Iterable[str] = SOURCES,
    repeated: frozenset[str] = frozenset(),
    gazetteer: Gazetteer | None = None,
    extracted: str | None = None,
    body_lines: BodyLines | None = None,
) -> tuple[Annotation, str]:
    """The suggestions annotation of one document (valid under ``scheme``) and the method."""
    wanted = normalise_only(only)
    result = suggest(
        doc, only=wanted, repeated=repeated, gazetteer=gazetteer, extracted=extracted, body_lines=body_lines
    )
    spans = with_page_zone(resolve(doc.text, result.spans, scheme), doc)
    doc_labels: dict[str, str] = {}
    page_type = scheme.doc_label("page_type")
    if "article" in wanted and page_type and "article" in page_type.values and any(
        s.label == "article" and s.attrs.get("role") == "main" for s in spans
    ):
        doc_labels["page_type"] = "article"
    annotation = Annotation(
        doc_id=doc.doc_id,
        text_sha256=sha256_text(doc.text),
        annotator=SUGGESTIONS,
        status="todo",
        doc_labels=doc_labels,
        spans=spans,
    )
    return annotation, result.method


# --------------------------------------------------------------------------- corpus


def read_doc(corpus: Corpus, doc_id: str) -> DocInput:
    """The text, metadata and (when imported from HTML) the kept original HTML of a document."""
    from annotator.importers.html import source_html

    text = corpus.read_text(doc_id)
    meta = corpus.read_meta(doc_id)
    html = None
    if meta.html_source:
        try:
            # Decoded as at import (its detected encoding), so the extractor sees the same page.
            html = source_html(corpus, doc_id)
        except (OSError, EOFError, ValueError) as exc:
            path = corpus.documents_dir / meta.html_source
            raise CorpusError(path, f"cannot read the kept HTML: {exc}") from exc
    url = meta.url or meta.html_meta.get("canonical") or meta.html_meta.get("og:url")
    timezone = meta.extra.get("timezone")
    return DocInput(
        doc_id, text, html, url, dict(meta.html_meta), timezone if isinstance(timezone, str) else None
    )


def site_statistics(corpus: Corpus) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Each document's site, and each site's repeated lines (see :func:`bp.repeated_lines`)."""
    site_of, repeated, _ = site_tables(corpus)
    return site_of, repeated


def site_tables(
    corpus: Corpus, *, with_lines: bool = False
) -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, SiteLines]]:
    """:func:`site_statistics`, and with ``with_lines`` each site's line counts (what a trained
    model's repetition features read, :class:`annotator.train.features.SiteLines`), from one
    reading of every document's meta and text."""
    site_of: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    for doc_id in corpus.doc_ids():
        try:
            site = bp.site_of(corpus.read_meta(doc_id))
            text = corpus.read_text(doc_id)
        except CorpusError:
            continue  # the document itself is reported when it is suggested
        site_of[doc_id] = site
        texts.setdefault(site, []).append(text)
    lines: dict[str, SiteLines] = {}
    repeated: dict[str, frozenset[str]] = {}
    if with_lines:
        from annotator.train.features import SiteLines
    for site, group in texts.items():
        # Each text split and normalised once, for both tables.
        counts = SiteLines() if with_lines and site else None  # pages with no url share no site
        if counts is not None:
            lines[site] = counts
        pages = []
        for text in group:
            page, keys = bp.keyed_lines(text)
            if counts is not None:
                counts.add_keys(keys)
            pages.append(bp.page_lines(page, keys))
        repeated[site] = bp.repeated_of_pages(pages)
    return site_of, repeated, lines


#: Runs ``(doc_id, site)`` tasks elsewhere given the corpus and the shared state (see
#: :func:`suggest_corpus`), yielding their outcomes in order.
Distribute = Callable[[Corpus, list[tuple[str, str]], dict[str, Any]], Iterator[DocOutcome]]

# Worker state, set once per process by _init (the gazetteer and site lines can be big).
_STATE: dict[str, object] = {}


def _init(
    root: str,
    only: frozenset[str],
    repeated: dict[str, frozenset[str]],
    gazetteer: CorpusGazetteer | None,
    model: str | None = None,
    site_lines: dict[str, object] | None = None,
) -> None:
    _STATE.update(
        corpus=Corpus.open(root),
        only=only,
        repeated=repeated,
        gazetteer=gazetteer,
        model=None,
        extraction_cache=ExtractionCache(root),
    )
    if model is not None:
        # The trained model (checked by the caller before the workers start) and the line
        # counts of every site, which its features need.
        from annotator.train.model import LineModel

        _STATE.update(model=LineModel.load(Path(model)), site_lines=site_lines or {})


def _body_lines(state: Mapping[str, Any], site: str, readability: str | None = None) -> BodyLines | None:
    model = state.get("model")
    if model is None:
        return None
    site_lines = state["site_lines"].get(site) if site else None
    return model.predictor(site_lines, readability)  # type: ignore[no-any-return]


def suggest_document(
    state: Mapping[str, Any],
    scheme: LabelScheme,
    doc: DocInput,
    site: str,
    extracted: str | None = None,
    readability: str | None = None,
) -> tuple[Annotation, str]:
    """One document's suggestions given the corpus-wide ``state`` (the sources wanted,
    each site's repeated lines, the gazetteer, the loaded model and site line counts):
    what a worker process, or a Dask worker, computes. No files are read or written.
    ``extracted`` and ``readability``: the extractors' text of the page when the caller
    has them (readability's is read by a model's features only)."""
    repeated: dict[str, frozenset[str]] = state["repeated"]
    gazetteer: CorpusGazetteer | None = state["gazetteer"]
    return suggest_text(
        doc,
        scheme,
        only=state["only"],
        repeated=repeated.get(site, frozenset()),
        # Nobody's marks on this very document: it learns from gold and other documents.
        gazetteer=gazetteer.for_document(doc.doc_id) if gazetteer is not None else None,
        extracted=extracted,
        body_lines=_body_lines(state, site, readability),
    )


def read_for_suggestions(corpus: Corpus, doc_id: str) -> DocInput:
    """:func:`read_doc`, refused (:class:`CorpusError`) when the document's suggestions
    file does not load: one edited by hand or damaged is never overwritten."""
    doc = read_doc(corpus, doc_id)
    corpus.load_annotation(SUGGESTIONS, doc_id, doc.text)
    return doc


def save_suggestions(corpus: Corpus, outcome: DocOutcome, annotation: Annotation) -> DocOutcome:
    """Write ``annotation`` and complete ``outcome`` (its span counts, or the problem)."""
    try:
        corpus.save_annotation(annotation)
    except CorpusError as exc:
        outcome.problem = str(exc)
        return outcome
    outcome.counts = dict(Counter(s.label for s in annotation.spans))
    return outcome


def _work(task: tuple[str, str]) -> DocOutcome:
    doc_id, site = task
    corpus: Corpus = _STATE["corpus"]  # type: ignore[assignment]
    outcome = DocOutcome(doc_id)
    try:
        doc = read_for_suggestions(corpus, doc_id)
    except CorpusError as exc:
        outcome.problem = str(exc)
        return outcome
    extracted = read = None
    if doc.html and _STATE["only"] & STRUCTURE_SOURCES:
        # Kept for the next suggestion of this page and for training on it (docs/adr/0033);
        # readability's text too when a model reads it.
        with_model = _STATE.get("model") is not None
        extracted, read = extracted_texts(_STATE["extraction_cache"], doc, readability=with_model)
    annotation, outcome.method = suggest_document(_STATE, corpus.scheme, doc, site, extracted, read)
    return save_suggestions(corpus, outcome, annotation)


def suggest_corpus(
    corpus: Corpus,
    doc_ids: list[str] | None = None,
    *,
    only: Iterable[str] | None = None,
    jobs: int | None = None,
    progress: Callable[[Iterator[DocOutcome], int], Iterable[DocOutcome]] | None = None,
    model: Path | None = None,
    distribute: Distribute | None = None,
) -> SuggestReport:
    """Write suggestions for ``doc_ids`` (all documents by default) with ``jobs`` processes.

    ``model``: a folder holding a trained line model (:mod:`annotator.train`), which then
    finds the main article; the caller has loaded it once to check it.

    ``distribute``: runs the documents elsewhere instead of ``jobs`` processes (a Dask
    cluster: :func:`annotator.suggest.cluster.on_cluster`); it is given the corpus, the
    ``(doc_id, site)`` tasks and the corpus-wide state of :func:`suggest_document` (the
    model loaded) and yields the outcomes in task order, having written each file with
    :func:`read_for_suggestions` and :func:`save_suggestions` as the local path does.

    Holds the lock on the ``suggestions`` files for the whole run. Problems with single
    documents are collected in the report, the other documents go on.
    """
    wanted = normalise_only(only)
    ids = corpus.doc_ids() if doc_ids is None else list(doc_ids)
    missing = [d for d in ids if not corpus.has_document(d)]
    if missing:
        raise CorpusError(corpus.documents_dir, f"no document(s) {', '.join(missing[:5])}")
    jobs = max(1, jobs or os.cpu_count() or 1)
    report = SuggestReport(documents=len(ids))
    started = time.perf_counter()
    with corpus.lock(SUGGESTIONS):
        site_lines = None
        if wanted & {"boilerplate", "article", "title", "byline", "date"}:
            # One reading of the corpus for both tables (a model reads the line counts).
            site_of, repeated, lines = site_tables(corpus, with_lines=model is not None)
            site_lines = lines if model is not None else None
        else:
            site_of, repeated = {}, {}
        gazetteer: CorpusGazetteer | None = None
        if "entity" in wanted:
            gazetteer, problems = corpus_gazetteer(corpus)
            report.problems += problems
        tasks = [(d, site_of.get(d, "")) for d in ids]
        init_args = (
            str(corpus.root), wanted, repeated, gazetteer, None if model is None else str(model), site_lines
        )
        if distribute is not None:
            state = _shared_state(corpus, wanted, repeated, gazetteer, model, site_lines)
            _collect(report, distribute(corpus, tasks, state), progress, len(ids))
        elif jobs == 1 or len(ids) < 4:
            _init(*init_args)
            outcomes: Iterator[DocOutcome] = map(_work, tasks)
            with batch_gc():
                _collect(report, outcomes, progress, len(ids))
        else:
            with process_pool(jobs, _init, init_args, runs_lightgbm=model is not None) as pool:
                chunk = max(1, min(16, len(ids) // (jobs * 8)))
                _collect(report, pool.map(_work, tasks, chunksize=chunk), progress, len(ids))
    report.seconds = time.perf_counter() - started
    return report


def _shared_state(
    corpus: Corpus,
    only: frozenset[str],
    repeated: dict[str, frozenset[str]],
    gazetteer: CorpusGazetteer | None,
    model: Path | None,
    site_lines: dict[str, Any] | None,
) -> dict[str, Any]:
    """What :func:`suggest_document` needs, for a ``distribute`` function to send once to
    every worker: the model goes loaded (workers need not see the model folder, only have
    LightGBM installed)."""
    state: dict[str, Any] = {
        "scheme": corpus.scheme, "only": only, "repeated": repeated, "gazetteer": gazetteer, "model": None
    }
    if model is not None:
        from annotator.train.model import LineModel

        state.update(model=LineModel.load(model), site_lines=site_lines or {})
    return state


def _collect(
    report: SuggestReport,
    outcomes: Iterator[DocOutcome],
    progress: Callable[[Iterator[DocOutcome], int], Iterable[DocOutcome]] | None,
    total: int,
) -> None:
    for outcome in progress(outcomes, total) if progress else outcomes:
        if outcome.problem:
            report.problems.append(outcome.problem)
            continue
        report.written += 1
        report.methods[outcome.method] += 1
        report.counts.update(outcome.counts)
