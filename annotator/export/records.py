"""The export record: one per document, the line format of ``jsonl`` and the rows of ``parquet``.

The pydantic models below are the documented contract (``schemas/export-record.schema.json``
is generated from :class:`ExportRecord`). :func:`build_record` builds the same structure as
plain dicts, because it runs once per document on exports of tens of thousands of
documents and pydantic objects would cost more than reading the files; a test checks that
every built record validates against :class:`ExportRecord`.

Offsets are half-open, in Unicode code points (Python ``str`` indices), like the corpus:
``text[start:end] == span text`` and ``clean_text[clean_start:clean_end] == part text``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import islice
from operator import attrgetter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from annotator.model import Annotation, AttrValue, LabelScheme, Span, Status
from annotator.rules import BODY_CUTS, PART_LABELS, clean_text_map, sort_spans

# The names the importer (annotator/importers/) reads back, and the derived ones it skips.
IMPORTED_KEYS = ("id", "url", "text", "spans", "doc_labels", "status", "annotator")
DERIVED_KEYS = ("articles", "split")



class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportSpan(_Record):
    """A span exactly as annotated (offsets into the document ``text``)."""

    id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    label: str
    text: str = Field(description="text[start:end]")
    attrs: dict[str, AttrValue] = Field(default_factory=dict)


class ArticlePart(_Record):
    """A title, subtitle, byline, date or entity of an article, with offsets both ways."""

    span_id: str
    label: str
    start: int = Field(ge=0, description="offset into the document text")
    end: int = Field(ge=0)
    text: str
    attrs: dict[str, AttrValue] = Field(
        default_factory=dict,
        description="the span's attributes (byline: authors, agency, location, email; date: value)",
    )
    clean_start: int | None = Field(
        default=None,
        description="offset into the article's clean_text; null when boilerplate cuts "
        "the span or it lies in a squeezed run of line breaks",
    )
    clean_end: int | None = None


class ExportArticle(_Record):
    """One article span of the document, with its parts and its clean text."""

    span_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    role: str = Field(description="main or related")
    title: ArticlePart | None = Field(default=None, description="the first title inside")
    subtitle: ArticlePart | None = None
    byline: ArticlePart | None = Field(default=None, description="the first byline inside")
    date: ArticlePart | None = None
    clean_text: str = Field(
        description="the article minus the boilerplate inside it (what an extractor "
        "should output): pieces joined, runs of 3+ line breaks squeezed to 2, ends stripped"
    )
    body: str = Field(
        description="the clean text minus the title, subtitle, byline and date spans: the "
        "article's body alone, as the public article-extraction benchmark's bodies are"
    )
    clean_map: list[tuple[int, int, int]] = Field(
        description="(clean_start, doc_start, length) segments: "
        "clean_text[c:c+n] == text[d:d+n] for each"
    )
    entities: list[ArticlePart] = Field(
        default_factory=list, description="entity-layer spans inside the article, in order"
    )


class ExportRecord(_Record):
    """One exported document (a line of the ``jsonl`` export)."""

    id: str
    url: str | None = None
    text: str = Field(description="the document text exactly as annotated")
    status: Status
    annotator: str = Field(description="the source: gold or an annotator name")
    doc_labels: dict[str, str] = Field(default_factory=dict)
    spans: list[ExportSpan] = Field(description="every span, sorted by start then longest first")
    articles: list[ExportArticle] = Field(
        default_factory=list, description="derived: the article spans, in text order"
    )
    split: str | None = Field(default=None, description="derived: train, dev, test, ...")


def _register() -> None:
    from annotator.schemas import EXTRA_SCHEMAS

    EXTRA_SCHEMAS["export-record"] = ExportRecord


_register()


# --------------------------------------------------------------------------- building


def to_clean(
    segments: list[tuple[int, int, int]], seg_doc_starts: list[int], start: int, end: int
) -> tuple[int, int] | None:
    """Where the document stretch ``[start, end)`` sits in the clean text, if it is whole there.

    ``seg_doc_starts`` is ``[d for _, d, _ in segments]`` (sorted, as the segments are).
    """
    i = bisect_right(seg_doc_starts, start) - 1
    if i < 0:
        return None
    clean, doc, length = segments[i]
    if end > doc + length:
        return None
    offset = clean + start - doc
    return offset, offset + end - start


def _part(span: Span, clean: tuple[int, int] | None) -> dict[str, Any]:
    return {
        "span_id": span.id,
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "attrs": span.attrs,
        "clean_start": clean[0] if clean else None,
        "clean_end": clean[1] if clean else None,
    }


def entity_labels(scheme: LabelScheme) -> frozenset[str]:
    layer = next((la for la in scheme.layers if la.name == "entity"), None)
    return frozenset(lb.name for lb in layer.labels) if layer else frozenset()


def build_articles(
    text: str, spans: list[Span], entity_names: frozenset[str]
) -> list[dict[str, Any]]:
    """The ``articles`` of a record. ``spans`` must be sorted by start (longest first)."""
    articles = [s for s in spans if s.label == "article"]
    if not articles:
        return []
    boilerplate = [s for s in spans if s.label == "boilerplate"]
    body_cuts = [s for s in spans if s.label in BODY_CUTS]
    starts = list(map(_START, spans))
    out = []
    for article in articles:
        a_start, a_end = article.start, article.end
        clean, segments = clean_text_map(text, article, boilerplate)
        body = clean_text_map(text, article, body_cuts, BODY_CUTS)[0]
        seg_starts = [d for _, d, _ in segments]
        parts: dict[str, dict[str, Any]] = {}
        entities = []
        # The spans starting inside the article (sorted by start: one slice of the list).
        for span in islice(spans, bisect_left(starts, a_start), bisect_left(starts, a_end)):
            if span.end > a_end:
                continue
            label = span.label
            if label in entity_names:
                entities.append(_part(span, to_clean(segments, seg_starts, span.start, span.end)))
            elif label in _PART_LABELS and label not in parts:
                parts[label] = _part(span, to_clean(segments, seg_starts, span.start, span.end))
        role = article.attrs.get("role", "main")
        out.append(
            {
                "span_id": article.id,
                "start": a_start,
                "end": a_end,
                "role": role if isinstance(role, str) else "main",
                "title": parts.get("title"),
                "subtitle": parts.get("subtitle"),
                "byline": parts.get("byline"),
                "date": parts.get("date"),
                "clean_text": clean,
                "body": body,
                "clean_map": segments,
                "entities": entities,
            }
        )
    return out


_START = attrgetter("start")
_PART_LABELS = frozenset(PART_LABELS)


def sorted_spans(spans: list[Span]) -> list[Span]:
    """Text order, a longer span before a shorter one that starts with it."""
    return sort_spans(spans)


def build_record(
    doc_id: str,
    text: str,
    url: str | None,
    annotation: Annotation,
    source: str,
    entity_names: frozenset[str],
) -> dict[str, Any]:
    """The export record of one document, as plain JSON-ready values (see :class:`ExportRecord`).

    ``split`` is left None: the splitter fills it in once every site is known.
    """
    spans = sort_spans(annotation.spans)
    return {
        "id": doc_id,
        "url": url,
        "text": text,
        "status": annotation.status,
        "annotator": source,
        "doc_labels": annotation.doc_labels,
        # A Span's __dict__ is exactly an ExportSpan: its six fields, in field order (the
        # record is written out and dropped; nothing edits it, so no copy is needed).
        "spans": list(map(vars, spans)),
        "articles": build_articles(text, spans, entity_names),
        "split": None,
    }


def main_article_text(articles: list[dict[str, Any]], field: str = "body") -> str:
    """What an extractor is scored against: the ``field`` (``body`` or ``clean_text``) of
    the main article(s), joined by a blank line."""
    return "\n\n".join(a[field] for a in articles if a["role"] == "main")
