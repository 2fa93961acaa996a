"""Scheme rules as pure functions: offsets, overlap, nesting, attributes, document labels.

Every check returns a list of :class:`Problem`; an empty list means the annotation is valid.

Speed: :func:`check_annotation` runs on every load, save check and export, on files of up
to tens of thousands of spans. Each rule first asks a whole-list question with C-level
builtins (``map``, ``min``, ``accumulate``, slicing); only when the answer is "something is
wrong" does it walk the spans one by one in Python to say what and where. The lookups it
needs from the scheme are built once per scheme object (:func:`scheme_rules`).
"""

from __future__ import annotations

import hashlib
import re
import weakref
from bisect import bisect_left
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate, chain, compress, islice
from operator import attrgetter, lt, or_

from annotator.model import (
    Annotation,
    AttributeDef,
    DocLabelDef,
    LabelDef,
    LabelScheme,
    Layer,
    Span,
)

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


# --------------------------------------------------------------------------- scheme index


@dataclass(frozen=True, slots=True)
class LabelRules:
    """One label's definition with its attributes by name."""

    label: LabelDef
    attrs: dict[str, AttributeDef]
    required: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LayerRules:
    layer: Layer
    names: frozenset[str]


class SchemeRules:
    """The lookups :func:`check_annotation` needs from a scheme, built once per scheme.

    ``LabelScheme.label()`` and ``LabelDef.attr()`` are linear searches; asked once per
    span they cost more than the checks themselves on a large file.
    """

    __slots__ = ("doc_labels", "label_names", "labels", "layers", "with_attrs")

    def __init__(self, scheme: LabelScheme) -> None:
        self.labels: dict[str, LabelRules] = {}
        for label in scheme.labels():
            attrs: dict[str, AttributeDef] = {}
            for attr in label.attrs:
                attrs.setdefault(attr.name, attr)  # the first wins, as in LabelDef.attr()
            required = tuple(a.name for a in label.attrs if a.required)
            self.labels.setdefault(label.name, LabelRules(label, attrs, required))
        self.label_names = frozenset(self.labels)
        self.with_attrs = frozenset(name for name, lr in self.labels.items() if lr.label.attrs)
        self.layers = tuple(
            LayerRules(layer, frozenset(lb.name for lb in layer.labels)) for layer in scheme.layers
        )
        self.doc_labels: dict[str, DocLabelDef] = {}
        for definition in scheme.doc_labels:
            self.doc_labels.setdefault(definition.name, definition)


# id(scheme) -> (weak reference to the scheme, its rules, the lists they were built from).
_RULES: dict[int, tuple[weakref.ref[LabelScheme], SchemeRules, list[Layer], list[DocLabelDef]]] = {}


def scheme_rules(scheme: LabelScheme) -> SchemeRules:
    """The :class:`SchemeRules` of ``scheme``, built on first use and kept while it lives.

    Schemes are not edited in place anywhere in the tool (a changed scheme is a new
    object); a scheme whose ``layers`` or ``doc_labels`` list was replaced is re-indexed.
    """
    key = id(scheme)
    entry = _RULES.get(key)
    if (
        entry is not None
        and entry[0]() is scheme
        and entry[2] is scheme.layers
        and entry[3] is scheme.doc_labels
    ):
        return entry[1]
    rules = SchemeRules(scheme)

    def forget(ref: weakref.ref[LabelScheme]) -> None:
        # Only our own entry: the id may already belong to a newer scheme.
        if _RULES.get(key, (None,))[0] is ref:
            _RULES.pop(key, None)

    _RULES[key] = (weakref.ref(scheme, forget), rules, scheme.layers, scheme.doc_labels)
    return rules


# --------------------------------------------------------------------------- span checks


def check_span_attrs(span: Span, scheme: LabelScheme) -> list[Problem]:
    return _attr_problems(span, scheme_rules(scheme))


def _attr_problems(span: Span, rules: SchemeRules) -> list[Problem]:
    label = rules.labels.get(span.label)
    if label is None:
        return []
    problems = []
    attrs = span.attrs
    for name, value in attrs.items():
        attr = label.attrs.get(name)
        if attr is None:
            problems.append(
                Problem("unknown-attr", f"label {span.label!r} has no attribute {name!r}", span.id)
            )
            continue
        reason = check_attr_value(attr, value)
        if reason:
            problems.append(Problem("bad-attr", reason, span.id))
    for name in label.required:
        if name not in attrs:
            problems.append(Problem("missing-attr", f"required attribute {name!r} is missing", span.id))
    return problems


def _overlaps(spans: list[Span], code: str, what: str) -> list[Problem]:
    """Report each span that overlaps an earlier one (``spans`` sorted by start)."""
    # A span overlaps an earlier one when it starts before the furthest end so far; asked of
    # the whole list at once first, since most lists have no overlap.
    reach = accumulate(map(_END, spans), max)
    if not any(map(lt, map(_START, spans), chain((-1,), reach))):
        return []
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

    def __init__(self, spans: list[Span], presorted: bool = False) -> None:
        self.spans = spans if presorted else sort_spans(spans)
        self.starts = list(map(_START, self.spans))
        # prefix_max_end[i]: the furthest end among the first i+1 containers.
        self.prefix_max_end = list(accumulate(map(_END, self.spans), max))

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


def _spans_look_fine(
    spans: list[Span], starts: list[int], ends: list[int], labels: list[str], text: str,
    names: Set[str],
) -> bool:
    """A quick whole-list check (C-level builtins, no Python code per span) of ids, offsets,
    texts and labels; :func:`_span_problems` walks the spans one by one only when it fails."""
    return (
        len(set(map(_ID, spans))) == len(spans)
        and min(starts) >= 0
        and max(ends) <= len(text)
        and all(map(lt, starts, ends))
        and list(map(text.__getitem__, map(slice, starts, ends))) == list(map(_TEXT, spans))
        and names.issuperset(labels)
    )


def _span_problems(spans: list[Span], text: str, known: Set[str]) -> list[Problem]:
    problems = []
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


def _in_text_order(starts: list[int]) -> bool:
    """True when spans with these starts are already as :func:`sort_spans` would put them
    (strictly increasing starts; ties are left to the sort, which also orders by end)."""
    return all(map(lt, starts, islice(starts, 1, None)))


_ID = attrgetter("id")
_START = attrgetter("start")
_END = attrgetter("end")
_LABEL = attrgetter("label")
_TEXT = attrgetter("text")
_ATTRS = attrgetter("attrs")


def check_annotation(
    annotation: Annotation, text: str, scheme: LabelScheme, text_sha256: str | None = None
) -> list[Problem]:
    """Every rule break in ``annotation`` against ``text`` and ``scheme``.

    ``text_sha256``, when the caller knows it (from the file's bytes, say), spares hashing
    the text again.
    """
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
    rules = scheme_rules(scheme)
    spans = annotation.spans
    if spans:
        starts = list(map(_START, spans))
        labels = list(map(_LABEL, spans))
        if not _spans_look_fine(spans, starts, list(map(_END, spans)), labels, text, rules.label_names):
            problems.extend(_span_problems(spans, text, rules.label_names))
        # Spans that carry attributes or whose label has some (required ones may be missing).
        attr_check = map(or_, map(bool, map(_ATTRS, spans)), map(rules.with_attrs.__contains__, labels))
        for span in compress(spans, attr_check):
            problems.extend(_attr_problems(span, rules))
        ordered = spans if _in_text_order(starts) else sort_spans(spans)
        problems.extend(_structure_problems(ordered, rules))

    for name, value in annotation.doc_labels.items():
        definition = rules.doc_labels.get(name)
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


def _structure_problems(ordered: list[Span], rules: SchemeRules) -> list[Problem]:
    """Overlap, nesting and edge rules; ``ordered`` is in :func:`sort_spans` order."""
    problems: list[Problem] = []
    by_label: dict[str, list[Span]] = {}
    for span in ordered:
        group = by_label.get(span.label)
        if group is None:
            by_label[span.label] = [span]
        else:
            group.append(span)

    ordered_labels: list[str] | None = None
    for layer_rules in rules.layers:
        layer = layer_rules.layer
        if layer.no_overlap:
            present = [name for name in layer_rules.names if name in by_label]
            if len(present) == 1:
                in_layer = by_label[present[0]]
            elif present:
                if ordered_labels is None:
                    ordered_labels = list(map(_LABEL, ordered))
                in_layer = list(compress(ordered, map(layer_rules.names.__contains__, ordered_labels)))
            else:
                in_layer = []
            problems.extend(_overlaps(in_layer, "overlap", f"spans of layer {layer.name!r} may not overlap"))
        for label in layer.labels:
            spans = by_label.get(label.name)
            if not spans:
                continue
            if label.no_self_overlap and not layer.no_overlap:
                problems.extend(_overlaps(spans, "overlap", f"{label.name} spans may not overlap"))
            if label.inside:
                outer = _containers(label.inside, by_label)
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
                edges = _containers(label.no_cross, by_label)
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
    return problems


def _containers(names: list[str], by_label: dict[str, list[Span]]) -> _Containers:
    # One label's spans are already in order (they come from the ordered list); several
    # labels' spans are put in order together, as before.
    if len(names) == 1:
        return _Containers(by_label.get(names[0], []), presorted=True)
    return _Containers([s for name in names for s in by_label.get(name, ())])


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
