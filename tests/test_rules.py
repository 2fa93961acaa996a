"""Scheme rules: each kind of break is found, valid annotations pass."""

from __future__ import annotations

import pytest

from annotator.default_scheme import news_scheme
from annotator.model import Annotation, Span
from annotator.rules import check_annotation, clean_text, clean_text_map, sha256_text

TEXT = "Menu Home\nTitle of story\nBy Jane Doe\nBody about Seoul and LG.\nPhoto caption\nMore body.\nFooter"


def span(sid: str, needle: str, label: str, occurrence: int = 0, **attrs: object) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(needle, start + 1)
    return Span(id=sid, start=start, end=start + len(needle), label=label, text=needle, attrs=attrs)


def annotation(*spans: Span, **kw: object) -> Annotation:
    return Annotation(doc_id="d", text_sha256=sha256_text(TEXT), annotator="alice", spans=list(spans), **kw)


ARTICLE_TEXT = TEXT[TEXT.index("Title") : TEXT.index("\nFooter")]


def article(sid: str = "a1", role: str = "main") -> Span:
    return span(sid, ARTICLE_TEXT, "article", role=role)


def codes(ann: Annotation) -> list[str]:
    return [p.code for p in check_annotation(ann, TEXT, news_scheme())]


def test_a_valid_nested_annotation_has_no_problems() -> None:
    ann = annotation(
        article(),
        span("t", "Title of story", "title"),
        span("y", "By Jane Doe", "byline", authors=["Jane Doe"]),
        span("p", "Jane Doe", "PER"),
        span("l", "Seoul", "LOC"),
        span("c", "Photo caption", "boilerplate", kind="caption"),
        span("m", "Menu Home", "boilerplate", kind="navigation"),
        doc_labels={"page_type": "article"},
    )
    assert codes(ann) == []


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([span("x", "Seoul", "PLACE")], ["unknown-label"]),
        ([span("t", "Title of story", "title")], ["not-inside"]),
        ([article(), span("p", "Jane Doe", "PER"), span("q", "Jane", "PER")], ["overlap"]),
        ([article(), span("t", "Title of story\nBy", "title"), span("y", "By Jane Doe", "byline")], ["overlap"]),
        ([article(), span("b", "story\nBy Jane", "boilerplate", kind="other")], []),
        ([article(), span("b", "Menu Home\nTitle", "boilerplate", kind="navigation")], ["crosses-edge"]),
        ([article(), article("a2")], ["overlap"]),
        ([article(role="sidebar")], ["bad-attr"]),
        ([span("b", "Footer", "boilerplate")], ["missing-attr"]),
        ([article(), span("y", "By Jane Doe", "byline", email="not-an-address")], ["bad-attr"]),
        ([article(), span("y", "By Jane Doe", "byline", authors="Jane Doe")], ["bad-attr"]),
        ([article(), span("y", "By Jane Doe", "byline", fax="1")], ["unknown-attr"]),
        ([article(), span("d", "Body", "date", value="3 June")], ["bad-attr"]),
        ([article(), span("d", "Body", "date", value="2020-06-03T09:03+09:00")], []),
        ([span("p", "Jane Doe", "PER"), span("p", "Seoul", "LOC")], ["duplicate-id"]),
    ],
)
def test_each_rule_break_is_reported(spans: list[Span], expected: list[str]) -> None:
    assert codes(annotation(*spans)) == expected


def test_offsets_that_do_not_match_the_text_are_reported() -> None:
    bad = Span(id="x", start=0, end=4, label="PER", text="Nope")
    past = Span(id="y", start=len(TEXT) - 2, end=len(TEXT) + 3, label="PER", text="abcde")
    problems = check_annotation(annotation(bad, past), TEXT, news_scheme())
    assert [(p.code, p.span_id) for p in problems] == [("text-mismatch", "x"), ("out-of-range", "y")]
    assert "'Menu'" in problems[0].message


def test_hash_and_doc_label_problems() -> None:
    ann = annotation(doc_labels={"page_type": "blog", "mood": "happy"})
    ann.text_sha256 = "0" * 64
    assert codes(ann) == ["hash-mismatch", "bad-doc-label", "unknown-doc-label"]


def test_empty_spans_and_length_mismatch_are_rule_breaks() -> None:
    empty = Span(id="x", start=3, end=3, label="PER", text="")
    short = Span(id="y", start=0, end=3, label="PER", text="Me")
    problems = check_annotation(annotation(empty, short), TEXT, news_scheme())
    assert [(p.code, p.span_id) for p in problems] == [("empty", "x"), ("text-mismatch", "y")]


def test_clean_text_is_the_article_minus_its_boilerplate() -> None:
    spans = [article(), span("c", "Photo caption\n", "boilerplate", kind="caption")]
    assert clean_text(TEXT, spans[0], spans) == "Title of story\nBy Jane Doe\nBody about Seoul and LG.\nMore body."


def test_clean_text_map_carries_offsets_and_squeezes_blank_lines() -> None:
    text = "\n\nTitle\n\nA caption\n\nBody text here.\n\n"
    art = Span(id="a", start=0, end=len(text), label="article", text=text, attrs={"role": "main"})
    cap = Span(id="c", start=text.index("A caption"), end=text.index("A caption") + 9, label="boilerplate", text="A caption")
    clean, segments = clean_text_map(text, art, [art, cap])
    assert clean == "Title\n\nBody text here."
    for clean_start, doc_start, length in segments:
        assert clean[clean_start : clean_start + length] == text[doc_start : doc_start + length]
    assert sum(length for _, _, length in segments) == len(clean)
