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
from collections.abc import Callable, Iterable, Iterator, Set
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate, compress, repeat
from operator import attrgetter, lt
from typing import Any

from annotator.model import (
    Annotation,
    AttributeDef,
    DocLabelDef,
    LabelDef,
    LabelScheme,
    Layer,
    Span,
    SpanColumns,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


#: Rule breaks a person makes on the way to a finished annotation (a title marked before its
#: article, a required attribute not filled in yet...). A file with only these loads and can be
#: edited; the app refuses "done" and ``validate`` reports them until they are fixed. Every other
#: problem (bad JSON, schema, offsets or text that do not match, hash, unknown label) means the
#: file cannot be trusted: it is refused and never overwritten.
WORK_IN_PROGRESS_CODES = frozenset(
    {
        "overlap",
        "not-inside",
        "crosses-edge",
        "missing-attr",
        "bad-attr",
        "unknown-attr",
        "bad-doc-label",
        "unknown-doc-label",
        # What "done" asks beyond the rules (see done_problems).
        "missing-doc-label",
        "no-article",
    }
)


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
    #: Per attribute, a quick "this value is fine"; a False is explained by check_attr_value.
    accepts: dict[str, Callable[[object], bool]]


def _accepts(attr: AttributeDef) -> Callable[[object], bool]:
    """A cheap test that is True only for values :func:`check_attr_value` accepts."""
    if attr.type == "list":
        return lambda v: type(v) is list and all(type(x) is str for x in v)
    if attr.type == "choice":
        values = frozenset(attr.values or ())
        return lambda v: type(v) is str and v in values
    if attr.type == "date":
        return lambda v: type(v) is str and is_iso_date(v)
    if attr.type == "email":
        return lambda v: type(v) is str and EMAIL_RE.match(v) is not None
    return lambda v: type(v) is str


@dataclass(frozen=True, slots=True)
class LabelPlan:
    """The structure rules of one label, as :func:`_structure_problems` applies them."""

    name: str
    self_overlap: bool  # no_self_overlap, and not already covered by the layer's rule
    inside: tuple[str, ...]
    no_cross: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LayerPlan:
    name: str
    no_overlap: bool
    names: frozenset[str]
    labels: tuple[LabelPlan, ...]  # only the labels with some structure rule, in order


class SchemeRules:
    """The lookups :func:`check_annotation` needs from a scheme, built once per scheme.

    ``LabelScheme.label()`` and ``LabelDef.attr()`` are linear searches; asked once per
    span they cost more than the checks themselves on a large file.
    """

    __slots__ = (
        "codes",
        "doc_labels",
        "label_names",
        "labels",
        "layers",
        "overlap_layer",
        "with_attrs",
    )

    def __init__(self, scheme: LabelScheme) -> None:
        self.labels: dict[str, LabelRules] = {}
        for label in scheme.labels():
            attrs: dict[str, AttributeDef] = {}
            for attr in label.attrs:
                attrs.setdefault(attr.name, attr)  # the first wins, as in LabelDef.attr()
            required = tuple(a.name for a in label.attrs if a.required)
            accepts = {name: _accepts(attr) for name, attr in attrs.items()}
            self.labels.setdefault(label.name, LabelRules(label, attrs, required, accepts))
        self.label_names = frozenset(self.labels)
        #: A small integer per label, for the vectorised checks of large files.
        self.codes = {name: i for i, name in enumerate(self.labels)}
        self.with_attrs = frozenset(name for name, lr in self.labels.items() if lr.label.attrs)
        self.layers = tuple(
            LayerPlan(
                layer.name,
                layer.no_overlap,
                frozenset(lb.name for lb in layer.labels),
                tuple(
                    LabelPlan(
                        lb.name,
                        lb.no_self_overlap and not layer.no_overlap,
                        tuple(lb.inside),
                        tuple(lb.no_cross),
                    )
                    for lb in layer.labels
                    if (lb.no_self_overlap and not layer.no_overlap) or lb.inside or lb.no_cross
                ),
            )
            for layer in scheme.layers
        )
        #: label -> the index of its layer, for the layers whose spans may not overlap.
        self.overlap_layer: dict[str, int] = {}
        for index, layer in enumerate(scheme.layers):
            if layer.no_overlap:
                for lb in layer.labels:
                    self.overlap_layer.setdefault(lb.name, index)
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
    accepts = label.accepts
    for name, value in attrs.items():
        accept = accepts.get(name)
        if accept is not None and accept(value):
            continue
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
            problems.append(
                Problem("missing-attr", f"required attribute {name!r} is missing", span.id)
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
                Problem(
                    code,
                    f"{what}: {span.label} [{span.start}, {span.end}) overlaps span {reach_id}",
                    span.id,
                )
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


def _span_problems(columns: SpanColumns, text: str, known: Set[str]) -> list[Problem]:
    """Ids, offsets, texts and labels, span by span (``columns``: the spans' fields)."""
    problems = []
    seen_ids: set[str] = set()
    text_len = len(text)
    ids, starts, ends, labels, texts, _ = columns
    for span_id, start, end, label, span_text in zip(ids, starts, ends, labels, texts, strict=True):
        if span_id in seen_ids:
            problems.append(Problem("duplicate-id", f"span id {span_id!r} is used twice", span_id))
        seen_ids.add(span_id)
        if end <= start:
            problems.append(Problem("empty", f"end {end} must be after start {start}", span_id))
        elif end > text_len:
            problems.append(
                Problem(
                    "out-of-range",
                    f"offsets [{start}, {end}) run past the end of the text ({text_len})",
                    span_id,
                )
            )
        elif text[start:end] != span_text:
            problems.append(
                Problem(
                    "text-mismatch",
                    f"text[{start}:{end}] is {text[start:end][:40]!r}, "
                    f"the span says {span_text[:40]!r}",
                    span_id,
                )
            )
        if label not in known:
            problems.append(Problem("unknown-label", f"unknown label {label!r}", span_id))
    return problems


def _columns_of(spans: list[Span]) -> SpanColumns:
    return SpanColumns(*(list(map(get, spans)) for get in _COLUMN_GETTERS))


def sort_spans(spans: list[Span]) -> list[Span]:
    """Spans in text order, a longer span before a shorter one that starts with it."""
    # Two stable sorts with C-level keys: much cheaper than a tuple-building lambda.
    return sorted(sorted(spans, key=_END, reverse=True), key=_START)


_ID = attrgetter("id")
_START = attrgetter("start")
_END = attrgetter("end")
_LABEL = attrgetter("label")
_TEXT = attrgetter("text")
_ATTRS = attrgetter("attrs")

#: From this many spans on, the whole-list questions are asked with numpy.
NUMPY_FROM = 200


def check_annotation(
    annotation: Annotation,
    text: str,
    scheme: LabelScheme,
    text_sha256: str | None = None,
    *,
    columns: SpanColumns | None = None,
    work_in_progress: bool = True,
) -> list[Problem]:
    """Every rule break in ``annotation`` against ``text`` and ``scheme``.

    ``text_sha256``, when the caller knows it (from the file's bytes, say), spares hashing
    the text again; ``columns``, the spans' fields as :func:`model.parse_annotation_json`
    returned them, spares reading them from the spans again. With ``work_in_progress``
    False, see :func:`check_integrity`.
    """
    problems = _hash_problems(annotation, text, text_sha256)
    rules = scheme_rules(scheme)
    spans = annotation.spans
    if columns is not None and len(columns.starts) != len(spans):
        columns = None  # not these spans' columns
    if not spans:
        pass
    elif len(spans) < NUMPY_FROM:
        problems.extend(_small_span_problems(spans, text, rules, columns, work_in_progress))
    else:
        if columns is None:
            columns = _columns_of(spans)
        problems.extend(_large_span_problems(spans, columns, text, rules, work_in_progress))
    if not work_in_progress:
        return problems

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


def _hash_problems(annotation: Annotation, text: str, text_sha256: str | None) -> list[Problem]:
    expected_sha = text_sha256 or sha256_text(text)
    if annotation.text_sha256 == expected_sha:
        return []
    return [
        Problem(
            "hash-mismatch",
            f"text_sha256 {annotation.text_sha256[:12]}… does not match the document text "
            f"({expected_sha[:12]}…): the annotation was made on another text",
        )
    ]


def check_integrity(
    annotation: Annotation,
    text: str,
    scheme: LabelScheme,
    text_sha256: str | None = None,
    *,
    columns: SpanColumns | None = None,
) -> list[Problem]:
    """The problems of :func:`check_annotation` that make an annotation unusable whatever
    its state of work (every code not in :data:`WORK_IN_PROGRESS_CODES`: hash, ids,
    offsets, span texts, labels), in the same order, without asking the attribute,
    structure and document-label rules. Those can only add work-in-progress problems, so
    whether a file is usable is the same question, answered at a fraction of the cost.
    """
    return check_annotation(
        annotation, text, scheme, text_sha256, columns=columns, work_in_progress=False
    )


def check_columns_integrity(
    annotation: Annotation,
    columns: SpanColumns,
    text: str,
    scheme: LabelScheme,
    text_sha256: str | None = None,
) -> list[Problem]:
    """:func:`check_integrity` of ``annotation`` with the spans whose fields are
    ``columns``, without reading ``annotation.spans`` (a parse that left them pending, see
    ``model.parse_annotation_columns``): the same problems, by the same code, and no Span
    object is needed.
    """
    problems = _hash_problems(annotation, text, text_sha256)
    rules = scheme_rules(scheme)
    n = len(columns.starts)
    if not n:
        pass
    elif n < NUMPY_FROM:
        problems.extend(_small_span_problems(None, text, rules, columns, False))
    else:
        problems.extend(_large_span_problems(None, columns, text, rules, False))
    return problems


_COLUMN_GETTERS = (_ID, _START, _END, _LABEL, _TEXT, _ATTRS)


def _small_span_problems(
    spans: list[Span] | None,
    text: str,
    rules: SchemeRules,
    columns: SpanColumns | None = None,
    work_in_progress: bool = True,
) -> list[Problem]:
    """Offsets, texts, labels, attributes and structure: the reference implementation,
    and the fastest one for the few dozen spans of a usual document. ``spans`` may be
    None when ``columns`` are given and ``work_in_progress`` is False."""
    problems = []
    n = len(text)
    known = rules.label_names
    with_attrs = rules.with_attrs
    # A quick whole-list question first; the spans are walked one by one only if it fails.
    if columns is not None:
        ids, starts, ends, labels, texts, _ = columns
        fine = (
            len(set(ids)) == len(ids)
            and min(starts) >= 0
            and max(ends) <= n
            and all(map(lt, starts, ends))
            # The text there starts with each span's text, so no span text is longer than
            # its stretch; the lengths add up, so none is shorter: equal, without a copy.
            and all(map(text.startswith, texts, starts, ends))
            and sum(map(len, texts)) == sum(ends) - sum(starts)
            and known.issuperset(labels)
        )
    else:
        assert spans is not None
        fine = (
            len({s.id for s in spans}) == len(spans)
            and all(0 <= s.start < s.end <= n and text[s.start : s.end] == s.text for s in spans)
            and known.issuperset(map(_LABEL, spans))
        )
    if not fine:
        if columns is None:
            assert spans is not None
            columns = _columns_of(spans)
        problems.extend(_span_problems(columns, text, known))
    if not work_in_progress:
        return problems
    assert spans is not None
    for span in spans:
        if span.attrs or span.label in with_attrs:
            problems.extend(_attr_problems(span, rules))
    problems.extend(_structure_problems(sort_spans(spans), rules))
    return problems


def _structure_problems(ordered: list[Span], rules: SchemeRules) -> list[Problem]:
    """Overlap, nesting and edge rules; ``ordered`` is in :func:`sort_spans` order."""
    problems: list[Problem] = []
    by_label: dict[str, list[Span]] = {}
    by_layer: dict[int, list[Span]] = {}  # of the layers with no_overlap, by index
    overlap_layer = rules.overlap_layer
    for span in ordered:
        label = span.label
        group = by_label.get(label)
        if group is None:
            by_label[label] = [span]
        else:
            group.append(span)
        layer_index = overlap_layer.get(label)
        if layer_index is not None:
            group = by_layer.get(layer_index)
            if group is None:
                by_layer[layer_index] = [span]
            else:
                group.append(span)
    containers: dict[tuple[str, ...], _Containers] = {}

    def containers_of(names: tuple[str, ...]) -> _Containers:
        found = containers.get(names)
        if found is None:
            if len(names) == 1:  # one label's spans are in order already
                found = _Containers(by_label.get(names[0], []), presorted=True)
            else:
                found = _Containers([s for name in names for s in by_label.get(name, ())])
            containers[names] = found
        return found

    for layer_index, layer in enumerate(rules.layers):
        if layer.no_overlap:
            in_layer = by_layer.get(layer_index, [])
            what = f"spans of layer {layer.name!r} may not overlap"
            problems.extend(_overlaps(in_layer, "overlap", what))
        for label in layer.labels:
            spans = by_label.get(label.name)
            if not spans:
                continue
            if label.self_overlap:
                problems.extend(_overlaps(spans, "overlap", f"{label.name} spans may not overlap"))
            if label.inside:
                outer = containers_of(label.inside)
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
                edges = containers_of(label.no_cross)
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


# --------------------------------------------------------------------------- large files
#
# Tens of thousands of spans: every question is first asked of whole columns (C-level
# builtins and numpy, no Python code per span). Only when one says "something is wrong"
# do the per-span walks above run, to say what and where, so the problems reported are
# exactly the ones (and in the order) of the small-file path.


def _large_span_problems(
    spans: list[Span] | None,
    columns: SpanColumns,
    text: str,
    rules: SchemeRules,
    work_in_progress: bool = True,
) -> list[Problem]:
    import numpy as np  # only here: numpy costs a noticeable part of the app's start-up

    ids, starts, ends, labels, texts, attrs = columns
    n = len(starts)
    try:
        s = np.array(starts, dtype=np.int64)
        e = np.array(ends, dtype=np.int64)
    except OverflowError:  # an offset beyond int64 is out of range anyway
        return _small_span_problems(spans, text, rules, columns, work_in_progress)
    codes = np.fromiter(map(rules.codes.get, labels, repeat(-1)), np.intp, n)  # -1: unknown
    if not (
        len(set(ids)) == n
        and s.min() >= 0
        and e.max() <= len(text)
        and bool((s < e).all())
        and bool((np.fromiter(map(len, texts), np.int64, n) == e - s).all())
        # Same length, and the text there starts with it: equal, without copying slices.
        and all(map(text.startswith, texts, starts, ends))
        and codes.min() >= 0
    ):
        return _small_span_problems(spans, text, rules, columns, work_in_progress)
    problems: list[Problem] = []
    if not work_in_progress:
        return problems
    assert spans is not None
    # Attributes: the spans that have some, and those whose label has some (a required
    # one may be missing), in span order.
    has_attrs = np.zeros(len(rules.codes), dtype=bool)
    has_attrs[[rules.codes[name] for name in rules.with_attrs]] = True
    to_check = np.flatnonzero(has_attrs[codes]).tolist()
    carrying = list(compress(range(n), attrs))
    if carrying:
        to_check = sorted({*to_check, *carrying})
    for i in to_check:
        problems.extend(_attr_problems(spans[i], rules))
    if bool((s[1:] > s[:-1]).all()):
        order = None  # strictly increasing starts: already in sort_spans order
    else:
        order = np.lexsort((-e, s))  # stable, by start then longest first, as sort_spans
        s, e, codes = s[order], e[order], codes[order]
    if not _structure_fine(s, e, codes, rules):
        ordered = spans if order is None else list(map(spans.__getitem__, order.tolist()))
        problems.extend(_structure_problems(ordered, rules))
    return problems


def _structure_fine(s: Any, e: Any, codes: Any, rules: SchemeRules) -> bool:
    """Whether the spans (as start, end and label-code arrays in sort_spans order) break
    no overlap, nesting or edge rule."""
    import numpy as np

    code_of = rules.codes

    def mask(names: Iterable[str]) -> Any:
        return np.isin(codes, [code_of[name] for name in names])

    for layer in rules.layers:
        if layer.no_overlap:
            m = mask(layer.names)
            if _any_overlap(s[m], e[m]):
                return False
        for label in layer.labels:
            m = codes == code_of[label.name]
            if not m.any():
                continue
            ls, le = s[m], e[m]
            if label.self_overlap and _any_overlap(ls, le):
                return False
            if label.inside:
                c = mask(label.inside)
                if not _all_covered(s[c], e[c], ls, le):
                    return False
            if label.no_cross:
                c = mask(label.no_cross)
                if _any_crossing(s[c], e[c], ls, le):
                    return False
    return True


def _any_overlap(starts: Any, ends: Any) -> bool:
    """Whether a span starts before the furthest end of the ones before it (sorted)."""
    import numpy as np

    if len(starts) < 2:
        return False
    return bool((starts[1:] < np.maximum.accumulate(ends)[:-1]).any())


def _all_covered(c_starts: Any, c_ends: Any, starts: Any, ends: Any) -> bool:
    """Whether each span lies inside some container (containers sorted by start):
    as :meth:`_Containers.covers`."""
    import numpy as np

    if not len(c_starts):
        return False
    last = np.searchsorted(c_starts, starts, side="right") - 1
    reach = np.maximum.accumulate(c_ends)
    return bool(((last >= 0) & (reach[np.maximum(last, 0)] >= ends)).all())


#: Above this many span-container pairs the crossing question goes to the Python walk.
_CROSSING_PAIRS = 4_000_000


def _any_crossing(c_starts: Any, c_ends: Any, starts: Any, ends: Any) -> bool:
    """Whether a span overlaps a container without lying inside it or around it."""
    if not len(c_starts):
        return False
    if len(c_starts) * len(starts) > _CROSSING_PAIRS:
        return True  # not asked here: the walk finds the answer
    cs, ce = c_starts[:, None], c_ends[:, None]
    overlapping = (cs < ends) & (ce > starts)
    inside = (cs <= starts) & (ends <= ce)
    around = (starts <= cs) & (ce <= ends)
    return bool((overlapping & ~inside & ~around).any())


#: The labels of an article's header: parts inside the article, never boilerplate. The
#: article's *body* is its clean text minus these (what the public article-extraction
#: benchmark's bodies hold); the clean text keeps them.
PART_LABELS = ("title", "subtitle", "byline", "date")
#: What the clean text cuts out of an article, and what the body cuts besides.
CLEAN_CUTS = frozenset({"boilerplate"})
BODY_CUTS = CLEAN_CUTS | frozenset(PART_LABELS)


def clean_text_pieces(
    article: Span, spans: list[Span], cuts: frozenset[str] = CLEAN_CUTS
) -> list[tuple[int, int]]:
    """The stretches of ``article`` left once the spans inside it labelled one of ``cuts``
    (by default the boilerplate) are cut out.

    This is what an extractor learns to produce: the article minus its captions, share
    buttons and related-link boxes.
    """
    cut_spans = sorted(
        (max(s.start, article.start), min(s.end, article.end))
        for s in spans
        if s.label in cuts and s.start < article.end and s.end > article.start
    )
    pieces = []
    pos = article.start
    for start, end in cut_spans:
        if start > pos:
            pieces.append((pos, start))
        pos = max(pos, end)
    if pos < article.end:
        pieces.append((pos, article.end))
    return pieces


def clean_text_map(
    text: str, article: Span, spans: list[Span], cuts: frozenset[str] = CLEAN_CUTS
) -> tuple[str, list[tuple[int, int, int]]]:
    """The article's clean text and how it maps back to the document.

    The clean text is the article's pieces (see :func:`clean_text_pieces`) joined, with
    runs of three or more line breaks squeezed to two and the ends stripped. The map is a
    list of ``(clean_start, doc_start, length)`` segments: ``clean[c:c+n] ==
    text[d:d+n]`` for each, so entity offsets can be carried into the clean text.
    """
    pieces = clean_text_pieces(article, spans, cuts)
    joined = "".join(text[a:b] for a, b in pieces)
    # Stretches of ``joined`` to keep, as (start, end) in joined coordinates.
    keep: list[tuple[int, int]] = []
    pos = len(joined) - len(joined.lstrip())
    stop = len(joined.rstrip())
    for run_start, run_end in _line_break_runs(joined):
        if run_end <= pos or run_start >= stop:
            continue
        keep.append((pos, run_start + 2))
        pos = run_end
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


_LINE_BREAKS = re.compile(r"\n*")


def _line_break_runs(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of three or more line breaks: the matches of
    ``re.finditer(r"\\n{3,}", text)``. ``str.find`` looks for them many times faster than
    the regex engine scans a non-ASCII string; the regex only measures each run."""
    start = text.find("\n\n\n")
    while start >= 0:
        end = _LINE_BREAKS.match(text, start).end()  # type: ignore[union-attr]
        yield start, end
        start = text.find("\n\n\n", end)


def clean_text(text: str, article: Span, spans: list[Span]) -> str:
    """The article's clean text: the article minus the boilerplate inside it."""
    return clean_text_map(text, article, spans)[0]


def article_body(text: str, article: Span, spans: list[Span]) -> str:
    """The article's body: its clean text minus its title, subtitle, byline and date."""
    return clean_text_map(text, article, spans, BODY_CUTS)[0]


# --------------------------------------------------------------------------- may it be done?


def done_problems(
    annotation: Annotation,
    text: str,
    scheme: LabelScheme,
    text_sha256: str | None = None,
    *,
    columns: SpanColumns | None = None,
) -> list[Problem]:
    """Why ``annotation`` may not be "done"; empty when it may (ADR 0013).

    The one place that decides: the session asks it before setting "done" and again after
    every edit of a done document; ``validate`` and ``export`` may ask it of done files.
    Every rule of :func:`check_annotation`, and also: every document label of the scheme has
    a value (a page's type is part of a finished annotation), and a page whose ``page_type``
    is ``article`` has an ``article`` span.
    """
    problems = check_annotation(annotation, text, scheme, text_sha256, columns=columns)
    labels = annotation.doc_labels
    for definition in scheme.doc_labels:
        if definition.name not in labels:
            problems.append(
                Problem(
                    "missing-doc-label",
                    f"document label {definition.name!r} is not set "
                    f"(one of {', '.join(definition.values)})",
                )
            )
    if (
        labels.get("page_type") == "article"
        and scheme.label("article") is not None
        and not any(span.label == "article" for span in annotation.spans)
    ):
        problems.append(
            Problem("no-article", "the page type is 'article' but no article is marked")
        )
    return problems
