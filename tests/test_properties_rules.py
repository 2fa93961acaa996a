"""``rules.check_annotation`` reports exactly what the plain reference implementation reports.

The reference is ``tests/fixtures/perf/reference_rules.py`` (the per-span checks before the
fast paths), as in ``tests/test_fast_paths.py``; here Hypothesis draws the annotations
(overlapping and nested spans of every label, duplicate ids, offsets out of range, texts that
do not match, unknown labels, attribute values out of range) and, in one property, the scheme
itself. Each is checked on the small-file path and on the numpy path (``NUMPY_FROM``), with
and without the parsed columns, and ``check_integrity`` is the reference minus the
work-in-progress codes.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import model, rules
from annotator.default_scheme import news_scheme
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
from annotator.rules import WORK_IN_PROGRESS_CODES, sha256_text
from tests.strategies import news_spans

_spec = importlib.util.spec_from_file_location(
    "reference_rules_for_properties",
    Path(__file__).parent / "fixtures" / "perf" / "reference_rules.py",
)
assert _spec and _spec.loader
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True)

TEXT = "[서울=뉴스핌] 심지혜 기자 = LG전자가 KT와 손잡고 😀 AI 경쟁력\n\n강화에 나선다. Alice Kim met Bob.\n"
TEXT_SHA = sha256_text(TEXT)
N = len(TEXT)
NEWS = news_scheme()
NEWS_LABELS = [label.name for label in NEWS.labels()]
COLUMN_GETTERS = [attrgetter(name) for name in model._SPAN_FIELDS]

#: Attributes of every label, valid and not: out-of-range choices, wrong types, bad dates and
#: e-mails, unknown names.
ATTRS: list[dict[str, Any]] = [
    {}, {"role": "main"}, {"role": "related"}, {"role": "sidebar"}, {"role": ["main"]},
    {"kind": "caption"}, {"kind": "nope"}, {"kind": "caption", "role": "main"},
    {"authors": ["a", "b"]}, {"authors": "a"}, {"authors": ["a", 1]}, {"agency": "x"},
    {"agency": ["x"]}, {"email": "a@b.cc"}, {"email": "nope"}, {"email": "a@b"},
    {"value": "2020-01-01"}, {"value": "2020-13-45"}, {"value": "2020-06-03T09:03:00+09:00"},
    {"value": "2020-06-03T09:03:00Z"}, {"value": "yesterday"}, {"value": 5}, {"fax": "1"},
    {"x": None}, {"authors": [], "location": "서울", "email": "sjh@newspim.com"},
]  # fmt: skip


def problems(found: list[rules.Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.message, p.span_id) for p in found]


@contextmanager
def numpy_from(threshold: int) -> Iterator[None]:
    saved = rules.NUMPY_FROM
    rules.NUMPY_FROM = threshold
    try:
        yield
    finally:
        rules.NUMPY_FROM = saved


def annotation(spans: list[Span], doc_labels: dict[str, Any], sha: str = TEXT_SHA) -> Annotation:
    ann = Annotation(doc_id="d", text_sha256=sha, annotator="alice", doc_labels=doc_labels)
    ann.__dict__["spans"] = spans  # unvalidated on purpose: the rules see everything
    return ann


def assert_every_path_agrees(
    ann: Annotation, scheme: LabelScheme, text: str = TEXT
) -> list[tuple[str, str, str | None]]:
    """check_annotation on every path == the reference; check_integrity == the reference
    without the work-in-progress codes. Returns the expected problems."""
    expected = problems(reference.check_annotation(ann, text, scheme))
    integrity = [p for p in expected if p[0] not in WORK_IN_PROGRESS_CODES]
    spans = ann.spans
    columns = SpanColumns(*(list(map(get, spans)) for get in COLUMN_GETTERS))
    for threshold in (rules.NUMPY_FROM, 1):  # the small-file path, then the numpy path
        with numpy_from(threshold):
            for cols in (None, columns):
                got = problems(rules.check_annotation(ann, text, scheme, columns=cols))
                assert got == expected, (threshold, cols is not None)
                got = problems(rules.check_integrity(ann, text, scheme, columns=cols))
                assert got == integrity, (threshold, cols is not None, "integrity")
    return expected


# --------------------------------------------------------------------------- strategies


ORDERS = ["drawn", "start", "text"]


def in_order(spans: list[Span], order: str) -> list[Span]:
    """As drawn, by start only (ties as drawn: not the checker's order), or in text order."""
    if order == "start":
        return sorted(spans, key=attrgetter("start"))
    if order == "text":
        return rules.sort_spans(spans)
    return list(spans)


def in_some_order(draw: st.DrawFn, spans: list[Span]) -> list[Span]:
    return in_order(spans, draw(st.sampled_from(ORDERS)))


@st.composite
def wild_span(draw: st.DrawFn, labels: list[str], n: int = N, text: str = TEXT) -> Span:
    """Any span: empty, reversed, past the end, with a text that does not match..."""
    start = draw(st.integers(0, n + 3))
    end = max(0, start + draw(st.integers(-2, 30)))
    return Span.model_construct(
        id=draw(st.sampled_from([f"s{i}" for i in range(12)])),
        start=start,
        end=end,
        label=draw(st.sampled_from([*labels, "XX"])),
        text=text[start:end] if draw(st.integers(0, 9)) else "zz",
        attrs=dict(draw(st.sampled_from(ATTRS))),
    )


@st.composite
def well_formed_spans(
    draw: st.DrawFn, labels: list[str], text: str = TEXT, max_size: int = 14
) -> list[Span]:
    """Spans whose ids, offsets, texts and labels are fine, so that only the attribute and
    structure rules speak (and the numpy path asks them itself): random nesting and
    overlaps, edges shared with other spans."""
    n = len(text)
    spans = []
    for i in range(draw(st.integers(0, max_size))):
        if spans and draw(st.booleans()):
            # Reuse an edge of an earlier span: the ties that sorting and nesting get wrong.
            other = draw(st.sampled_from(spans))
            start = draw(st.sampled_from([other.start, other.end, other.start + 1]))
            start = min(start, n - 1)
        else:
            start = draw(st.integers(0, n - 1))
        later_edges = sorted({e for s in spans for e in (s.start, s.end) if e > start})
        if later_edges and draw(st.booleans()):
            end = draw(st.sampled_from(later_edges))  # ends with another span's edge
        else:
            end = draw(st.integers(start + 1, n))
        spans.append(
            Span.model_construct(
                id=f"w{i}",
                start=start,
                end=end,
                label=draw(st.sampled_from(labels)),
                text=text[start:end],
                attrs=dict(draw(st.sampled_from(ATTRS))),
            )
        )
    return in_some_order(draw, spans)


@st.composite
def near_valid_news_spans(draw: st.DrawFn) -> list[Span]:
    """A valid news annotation (articles, captions inside them, parts, entities) with up to
    three small changes: an edge moved by one or onto (next to) another span's edge,
    attributes swapped, a label changed, a text replaced by another of the same length, a
    wild span added. The structure checks meet their edge cases here."""
    spans = [Span.model_construct(**fields) for fields in draw(news_spans(TEXT))]
    for _ in range(draw(st.integers(0, 3))):
        change = draw(
            st.sampled_from(["shift", "snap", "snap", "attrs", "relabel", "retext", "wild"])
        )
        if change == "wild" or not spans:
            spans.append(draw(wild_span(NEWS_LABELS)))
            continue
        i = draw(st.integers(0, len(spans) - 1))
        fields = dict(vars(spans[i]))
        if change == "shift":
            edge = draw(st.sampled_from(["start", "end"]))
            fields[edge] = max(0, fields[edge] + draw(st.sampled_from([-1, 1])))
            if draw(st.integers(0, 4)):  # mostly with the text that goes with it
                fields["text"] = TEXT[fields["start"] : fields["end"]]
        elif change == "snap":  # an edge to (next to) another span's edge
            other = draw(st.sampled_from(spans))
            target = draw(st.sampled_from([other.start, other.end]))
            edge = draw(st.sampled_from(["start", "end"]))
            fields[edge] = min(N, max(0, target + draw(st.sampled_from([-1, 0, 1]))))
            if fields["start"] >= fields["end"]:
                continue
            fields["text"] = TEXT[fields["start"] : fields["end"]]
        elif change == "retext":  # the same length, another text
            fields["text"] = "".join("x" if c != "x" else "y" for c in fields["text"])
        elif change == "attrs":
            fields["attrs"] = dict(draw(st.sampled_from(ATTRS)))
        else:
            fields["label"] = draw(st.sampled_from(NEWS_LABELS))
        spans[i] = Span.model_construct(**fields)
    return in_some_order(draw, spans)


doc_labels = st.sampled_from(
    [{}, {"page_type": "article"}, {"page_type": "x"}, {"mood": "y"}, {"page_type": "broken"}]
)


def news_annotations() -> st.SearchStrategy[Annotation]:
    return st.builds(
        annotation,
        st.one_of(
            st.lists(wild_span(NEWS_LABELS), max_size=14),
            well_formed_spans(NEWS_LABELS),
            near_valid_news_spans(),
            near_valid_news_spans(),
            # Well-formed with one wild span thrown in.
            st.tuples(well_formed_spans(NEWS_LABELS), wild_span(NEWS_LABELS)).map(
                lambda pair: [*pair[0], pair[1]]
            ),
        ),
        doc_labels,
        st.sampled_from([TEXT_SHA, TEXT_SHA, TEXT_SHA, "0" * 64]),
    )


# --------------------------------------------------------------------------- news scheme


@SETTINGS
@given(news_annotations())
def test_news_annotations_get_the_reference_problems_on_every_path(ann: Annotation) -> None:
    assert_every_path_agrees(ann, NEWS)


def one_edge_moved(spans: list[Span]) -> Iterator[list[Span]]:
    """Every copy of ``spans`` with one edge moved by one character (its text following)."""
    for i, span in enumerate(spans):
        for edge in ("start", "end"):
            for delta in (-1, 1):
                fields = dict(vars(span))
                fields[edge] += delta
                if 0 <= fields["start"] < fields["end"] <= N:
                    fields["text"] = TEXT[fields["start"] : fields["end"]]
                    yield [*spans[:i], Span.model_construct(**fields), *spans[i + 1 :]]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(news_spans(TEXT), st.data())
def test_every_edge_moved_by_one_gets_the_reference_problems(
    fields: list[dict[str, Any]], data: st.DataObject
) -> None:
    """A valid news annotation, then each of its edges moved by one: the only rule break, if
    any, is at that edge (a part or caption sticking out of its article by one character, two
    spans overlapping by one): where the numpy path's whole-array questions are off by one
    if anywhere."""
    spans = in_order(
        [Span.model_construct(**f) for f in fields], data.draw(st.sampled_from(ORDERS))
    )
    assert assert_every_path_agrees(annotation(spans, {"page_type": "article"}), NEWS) == []
    for moved in one_edge_moved(spans):
        assert_every_path_agrees(annotation(moved, {"page_type": "article"}), NEWS)


# --------------------------------------------------------------------------- any scheme

LABEL_NAMES = ["A", "B", "C", "D", "E", "F"]
ATTR_POOL = [
    AttributeDef(name="role", type="choice", values=["main", "related"], required=True),
    AttributeDef(name="role", type="choice", values=["sidebar"]),  # a second definition
    AttributeDef(name="kind", type="choice", values=["caption", "other"]),
    AttributeDef(name="authors", type="list", required=True),
    AttributeDef(name="agency", type="text"),
    AttributeDef(name="email", type="email"),
    AttributeDef(name="value", type="date", required=True),
]


@st.composite
def schemes(draw: st.DrawFn) -> LabelScheme:
    """A scheme of 2-6 labels in 1-3 layers (names may repeat), each layer with or without
    no_overlap, each label with random no_self_overlap, inside, no_cross and attributes."""
    names = draw(st.permutations(LABEL_NAMES))[: draw(st.integers(2, len(LABEL_NAMES)))]
    cuts = sorted(draw(st.lists(st.integers(1, len(names) - 1), max_size=2, unique=True)))
    groups = [names[a:b] for a, b in zip([0, *cuts], [*cuts, len(names)], strict=True)]
    layers = []
    for group in groups:
        labels = [
            LabelDef(
                name=name,
                color="#000000",
                no_self_overlap=draw(st.booleans()),
                inside=draw(st.lists(st.sampled_from(names), max_size=2, unique=True)),
                no_cross=draw(st.lists(st.sampled_from(names), max_size=2, unique=True)),
                attrs=draw(st.lists(st.sampled_from(ATTR_POOL), max_size=3)),
            )
            for name in group
        ]
        layers.append(
            Layer(
                name=draw(st.sampled_from(["one", "two", "three"])),
                no_overlap=draw(st.booleans()),
                labels=labels,
            )
        )
    return LabelScheme(
        name="random",
        layers=layers,
        doc_labels=[DocLabelDef(name="page_type", values=["article", "broken"])],
    )


@st.composite
def scheme_and_annotation(draw: st.DrawFn) -> tuple[LabelScheme, Annotation]:
    scheme = draw(schemes())
    labels = [label.name for label in scheme.labels()]
    spans = draw(
        st.one_of(
            well_formed_spans(labels),
            st.lists(wild_span(labels), max_size=10),
        )
    )
    return scheme, annotation(spans, draw(doc_labels))


@SETTINGS
@given(scheme_and_annotation())
def test_any_scheme_gets_the_reference_problems_on_every_path(
    case: tuple[LabelScheme, Annotation],
) -> None:
    scheme, ann = case
    assert_every_path_agrees(ann, scheme)


# --------------------------------------------------------------------------- large files


def reversed_list(spans: list[Span]) -> list[Span]:
    return spans[::-1]


def sorted_by_start(spans: list[Span]) -> list[Span]:
    return sorted(spans, key=attrgetter("start"))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.data())
def test_large_annotations_take_the_numpy_path_with_the_reference_problems(
    data: st.DataObject,
) -> None:
    """At the real threshold: a pattern of well-formed spans repeated along a long text
    (hundreds of spans), sometimes with one span broken; in text order, reversed, or by start
    only (ties in the pattern's order)."""
    valid = news_spans(TEXT).map(lambda spans: [Span.model_construct(**f) for f in spans])
    pattern = data.draw(st.one_of(well_formed_spans(NEWS_LABELS, max_size=10), valid).filter(bool))
    copies = -(-rules.NUMPY_FROM // len(pattern))  # enough for the numpy path
    text = TEXT * copies
    spans = [
        Span.model_construct(
            id=f"{span.id}-{k}",
            start=span.start + k * N,
            end=span.end + k * N,
            label=span.label,
            text=span.text,
            attrs=dict(span.attrs),
        )
        for k in range(copies)
        for span in pattern
    ]
    if data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(spans) - 1))
        spans[i] = data.draw(wild_span(NEWS_LABELS, len(text), text))
    spans = data.draw(st.sampled_from([list, reversed_list, sorted_by_start]))(spans)
    ann = annotation(spans, data.draw(doc_labels), sha256_text(text))
    expected = problems(reference.check_annotation(ann, text, NEWS))
    columns = SpanColumns(*(list(map(get, spans)) for get in COLUMN_GETTERS))
    assert len(spans) >= rules.NUMPY_FROM
    for cols in (None, columns):
        assert problems(rules.check_annotation(ann, text, NEWS, columns=cols)) == expected
