"""Scheme rules as pure functions: offsets, overlap, nesting, attributes, document labels.

Every check returns a list of :class:`Problem`; an empty list means the annotation is valid.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter

from annotator.model import Annotation, AttributeDef, LabelScheme, Span

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file. ``path`` is filled in by whoever read the file."""

    code: str
    message: str
    span_id: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        span = f"span {self.span_id}: " if self.span_id else ""
        return f"{where}{span}{self.message} [{self.code}]"

    def with_path(self, path: str) -> Problem:
        return Problem(self.code, self.message, self.span_id, path)

    def to_json(self) -> dict[str, str | None]:
        return {"path": self.path, "span": self.span_id, "code": self.code, "message": self.message}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_attr_value(attr: AttributeDef, value: object) -> str | None:
    """Why ``value`` is not valid for ``attr``, or None when it is."""
    if attr.type == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"attribute {attr.name!r} must be a list of strings"
        return None
    if not isinstance(value, str):
        return f"attribute {attr.name!r} must be a string"
    if attr.type == "choice":
        if value not in (attr.values or []):
            return f"attribute {attr.name!r} is {value!r}, not one of {attr.values}"
    elif attr.type == "date":
        if not is_iso_date(value):
            return f"attribute {attr.name!r} is {value!r}, not an ISO 8601 date or time"
    elif attr.type == "email" and not EMAIL_RE.match(value):
        return f"attribute {attr.name!r} is {value!r}, not an e-mail address"
    return None


def is_iso_date(value: str) -> bool:
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_span_attrs(span: Span, scheme: LabelScheme) -> list[Problem]:
    label = scheme.label(span.label)
    if label is None:
        return []
    problems = []
    for name, value in span.attrs.items():
        attr = label.attr(name)
        if attr is None:
            problems.append(
                Problem("unknown-attr", f"label {span.label!r} has no attribute {name!r}", span.id)
            )
            continue
        reason = check_attr_value(attr, value)
        if reason:
            problems.append(Problem("bad-attr", reason, span.id))
    for attr in label.attrs:
        if attr.required and attr.name not in span.attrs:
            problems.append(
                Problem("missing-attr", f"required attribute {attr.name!r} is missing", span.id)
            )
    return problems


def _overlaps(spans: list[Span], code: str, what: str) -> list[Problem]:
    """Report each span that overlaps an earlier one (``spans`` sorted by start)."""
    problems = []
    reach_end = -1
    reach_id = ""
    for span in spans:
        if span.start < reach_end:
            problems.append(
                Problem(code, f"{what}: {span.label} [{span.start}, {span.end}) overlaps span {reach_id}", span.id)
            )
        if span.end > reach_end:
            reach_end, reach_id = span.end, span.id
    return problems


class _Containers:
    """Spans of some labels, for 'inside' and 'no-cross' questions."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sort_spans(spans)
        self.starts = [s.start for s in self.spans]
        # prefix_max_end[i]: the furthest end among the first i+1 containers.
        self.prefix_max_end: list[int] = []
        furthest = -1
        for s in self.spans:
            furthest = max(furthest, s.end)
            self.prefix_max_end.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, start + 1) - 1  # last container starting at or before start
        return i >= 0 and self.prefix_max_end[i] >= end

    def crossing(self, span: Span) -> Span | None:
        last = bisect_left(self.starts, span.end)  # containers starting before span.end
        for c in self.spans[:last]:
            if c is span or c.end <= span.start:
                continue
            inside = c.start <= span.start and span.end <= c.end
            around = span.start <= c.start and c.end <= span.end
            if not inside and not around:
                return c
        return None


def _spans_look_fine(spans: list[Span], text: str, labels: Iterable[str]) -> bool:
    """A quick whole-list check (comprehensions, no branches per span) of ids, offsets,
    texts and labels; :func:`_span_problems` walks the spans one by one only when it fails."""
    n = len(text)
    return (
        len({s.id for s in spans}) == len(spans)
        and all(0 <= s.start < s.end <= n for s in spans)
        and [text[s.start : s.end] for s in spans] == [s.text for s in spans]
        and {s.label for s in spans} <= set(labels)
    )


def _span_problems(spans: list[Span], text: str, labels: Iterable[str]) -> list[Problem]:
    problems = []
    known = set(labels)
    seen_ids: set[str] = set()
    text_len = len(text)
    for span in spans:
        if span.id in seen_ids:
            problems.append(Problem("duplicate-id", f"span id {span.id!r} is used twice", span.id))
        seen_ids.add(span.id)
        start, end = span.start, span.end
        if end <= start:
            problems.append(Problem("empty", f"end {end} must be after start {start}", span.id))
        elif end > text_len:
            problems.append(
                Problem(
                    "out-of-range",
                    f"offsets [{start}, {end}) run past the end of the text ({text_len})",
                    span.id,
                )
            )
        elif text[start:end] != span.text:
            problems.append(
                Problem(
                    "text-mismatch",
                    f"text[{start}:{end}] is {text[start:end][:40]!r}, "
                    f"the span says {span.text[:40]!r}",
                    span.id,
                )
            )
        if span.label not in known:
            problems.append(Problem("unknown-label", f"unknown label {span.label!r}", span.id))
    return problems


def sort_spans(spans: list[Span]) -> list[Span]:
    """Spans in text order, a longer span before a shorter one that starts with it."""
    # Two stable sorts with C-level keys: much cheaper than a tuple-building lambda.
    return sorted(sorted(spans, key=_END, reverse=True), key=_START)


_START = attrgetter("start")
_END = attrgetter("end")


def check_annotation(
    annotation: Annotation, text: str, scheme: LabelScheme, text_sha256: str | None = None
) -> list[Problem]:
    """Every rule break in ``annotation`` against ``text`` and ``scheme``."""
    problems: list[Problem] = []
    expected_sha = text_sha256 or sha256_text(text)
    if annotation.text_sha256 != expected_sha:
        problems.append(
            Problem(
                "hash-mismatch",
                f"text_sha256 {annotation.text_sha256[:12]}… does not match the document text "
                f"({expected_sha[:12]}…): the annotation was made on another text",
            )
        )
    labels = {label.name: label for label in scheme.labels()}
    with_attrs = {label.name for label in scheme.labels() if label.attrs}
    spans = annotation.spans
    if not _spans_look_fine(spans, text, labels.keys()):
        problems.extend(_span_problems(spans, text, labels.keys()))
    for span in spans:
        if span.label in with_attrs or (span.attrs and span.label in labels):
            problems.extend(check_span_attrs(span, scheme))

    ordered = sort_spans(annotation.spans)
    by_label: dict[str, list[Span]] = defaultdict(list)
    for span in ordered:
        by_label[span.label].append(span)

    for layer in scheme.layers:
        if layer.no_overlap:
            names = {lb.name for lb in layer.labels}
            in_layer = [s for s in ordered if s.label in names]
            problems.extend(_overlaps(in_layer, "overlap", f"spans of layer {layer.name!r} may not overlap"))
        for label in layer.labels:
            spans = by_label.get(label.name, [])
            if not spans:
                continue
            if label.no_self_overlap and not layer.no_overlap:
                problems.extend(_overlaps(spans, "overlap", f"{label.name} spans may not overlap"))
            if label.inside:
                outer = _Containers([s for name in label.inside for s in by_label.get(name, ())])
                for span in spans:
                    if not outer.covers(span.start, span.end):
                        problems.append(
                            Problem(
                                "not-inside",
                                f"{label.name} [{span.start}, {span.end}) must lie inside "
                                f"{' or '.join(label.inside)}",
                                span.id,
                            )
                        )
            if label.no_cross:
                edges = _Containers([s for name in label.no_cross for s in by_label.get(name, ())])
                for span in spans:
                    crossed = edges.crossing(span)
                    if crossed is not None:
                        problems.append(
                            Problem(
                                "crosses-edge",
                                f"{label.name} [{span.start}, {span.end}) crosses the edge of "
                                f"{crossed.label} {crossed.id} [{crossed.start}, {crossed.end})",
                                span.id,
                            )
                        )

    for name, value in annotation.doc_labels.items():
        definition = scheme.doc_label(name)
        if definition is None:
            problems.append(Problem("unknown-doc-label", f"unknown document label {name!r}"))
        elif value not in definition.values:
            problems.append(
                Problem(
                    "bad-doc-label",
                    f"document label {name!r} is {value!r}, not one of {definition.values}",
                )
            )
    return problems


def clean_text_pieces(article: Span, spans: list[Span]) -> list[tuple[int, int]]:
    """The stretches of ``article`` left once the boilerplate spans inside it are cut out.

    This is what an extractor learns to produce: the article minus its captions, share
    buttons and related-link boxes.
    """
    cuts = sorted(
        (max(s.start, article.start), min(s.end, article.end))
        for s in spans
        if s.label == "boilerplate" and s.start < article.end and s.end > article.start
    )
    pieces = []
    pos = article.start
    for start, end in cuts:
        if start > pos:
            pieces.append((pos, start))
        pos = max(pos, end)
    if pos < article.end:
        pieces.append((pos, article.end))
    return pieces


def clean_text_map(
    text: str, article: Span, spans: list[Span]
) -> tuple[str, list[tuple[int, int, int]]]:
    """The article's clean text and how it maps back to the document.

    The clean text is the article's pieces (see :func:`clean_text_pieces`) joined, with
    runs of three or more line breaks squeezed to two and the ends stripped. The map is a
    list of ``(clean_start, doc_start, length)`` segments: ``clean[c:c+n] ==
    text[d:d+n]`` for each, so entity offsets can be carried into the clean text.
    """
    pieces = clean_text_pieces(article, spans)
    joined = "".join(text[a:b] for a, b in pieces)
    # Stretches of ``joined`` to keep, as (start, end) in joined coordinates.
    keep: list[tuple[int, int]] = []
    pos = len(joined) - len(joined.lstrip())
    stop = len(joined.rstrip())
    for m in re.finditer(r"\n{3,}", joined):
        if m.end() <= pos or m.start() >= stop:
            continue
        keep.append((pos, m.start() + 2))
        pos = m.end()
    if pos < stop:
        keep.append((pos, stop))
    # Compose the kept stretches with the pieces' places in the document.
    piece_starts = []
    acc = 0
    for a, b in pieces:
        piece_starts.append((acc, a, b - a))
        acc += b - a
    segments: list[tuple[int, int, int]] = []
    out: list[str] = []
    clean_pos = 0
    for k_start, k_end in keep:
        for j_start, doc_start, length in piece_starts:
            lo, hi = max(k_start, j_start), min(k_end, j_start + length)
            if lo < hi:
                segments.append((clean_pos, doc_start + lo - j_start, hi - lo))
                clean_pos += hi - lo
        out.append(joined[k_start:k_end])
    return "".join(out), segments


def clean_text(text: str, article: Span, spans: list[Span]) -> str:
    """The article's clean text: the article minus the boilerplate inside it."""
    return clean_text_map(text, article, spans)[0]
