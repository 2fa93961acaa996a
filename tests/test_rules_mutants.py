"""Exact outputs of the rule checks where the mutation run (issue #10) found them unasserted.

Each test pins what a caller relies on: the JSON keys of a problem, the hash and columns a
caller hands over being the ones used, the numpy threshold of the integrity check, the
crossing question of the numpy path, the exact pieces and segments of the clean text and
the body, and the exact "done" messages.

Mutants of ``annotator/rules.py`` left alive on purpose, because no input the tool accepts
can tell them from the original:

- ``check_integrity__mutmut_6``, ``check_columns_integrity__mutmut_17`` and ``_28``:
  ``work_in_progress=None`` instead of ``False``; the flag is only ever read as
  ``if not work_in_progress``, where None and False are the same.
- ``clean_text_pieces__mutmut_14`` (``s.start <= article.end``) and ``_15``
  (``s.end >= article.start``): the extra cut spans only touch the article's edge and clip
  to an empty ``(edge, edge)`` cut that moves nothing. Only an inverted span (end before
  start) could tell, and ``check_annotation`` refuses those ("empty") before any clean text
  is made.
- ``clean_text_map__mutmut_17`` (``run_end < pos``): the one extra run it lets through ends
  exactly where the leading white space ends, and gives an inverted keep stretch that
  adds no text and no segment.
- ``clean_text_map__mutmut_24`` (``pos <= stop``): the extra keep stretch is the empty
  ``(stop, stop)``, which adds no text and no segment.
- ``_span_problems__mutmut_16`` (``zip`` without ``strict=True``): the columns are always
  parallel, made from one list of spans (``_columns_of``) or zipped from one list of rows by
  ``model.parse_annotation_columns``, so the lengths never differ and nothing is cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from annotator import rules
from annotator.default_scheme import news_scheme
from annotator.model import Annotation, LabelDef, LabelScheme, Layer, Span, SpanColumns
from annotator.rules import (
    BODY_CUTS,
    Problem,
    article_body,
    check_annotation,
    check_columns_integrity,
    check_integrity,
    check_span_attrs,
    clean_text_map,
    clean_text_pieces,
    done_problems,
    sha256_text,
)

TEXT = (
    "Menu Home\nTitle of story\nBy Jane Doe\nBody about Seoul and LG.\nPhoto caption\n"
    "More body.\nFooter"
)
# Not the text's hash: a caller that hashed the file's bytes itself hands this one over.
CALLER_SHA = "f" * 64


def span(sid: str, needle: str, label: str, text: str = TEXT, **attrs: Any) -> Span:
    start = text.index(needle)
    return Span(
        id=sid, start=start, end=start + len(needle), label=label, text=needle, attrs=attrs
    )


def main_article(text: str = TEXT) -> Span:
    start, end = text.index("Title"), text.index("\nFooter")
    return Span(
        id="a1", start=start, end=end, label="article", text=text[start:end],
        attrs={"role": "main"},
    )


def annotation(spans: list[Span], sha: str | None = None, **kw: Any) -> Annotation:
    return Annotation(
        doc_id="d", text_sha256=sha or sha256_text(TEXT), annotator="alice", spans=spans, **kw
    )


def columns_of(spans: list[Span]) -> SpanColumns:
    return SpanColumns(
        [s.id for s in spans],
        [s.start for s in spans],
        [s.end for s in spans],
        [s.label for s in spans],
        [s.text for s in spans],
        [s.attrs for s in spans],
    )


def triples(found: list[Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.message, p.span_id) for p in found]


# --------------------------------------------------------------------------- Problem


def test_a_problem_as_json_names_path_span_code_and_message() -> None:
    problem = Problem("overlap", "two spans overlap", "s1").with_path("annotations/a/d.json")
    assert problem.to_json() == {
        "path": "annotations/a/d.json",
        "span": "s1",
        "code": "overlap",
        "message": "two spans overlap",
    }


# --------------------------------------------------------------------------- attributes


def test_check_span_attrs_explains_each_attribute_in_order() -> None:
    scheme = news_scheme()
    byline = Span(
        id="y", start=0, end=4, label="byline", text="Menu",
        attrs={"email": "x", "fax": "1", "authors": ["A"]},
    )
    assert triples(check_span_attrs(byline, scheme)) == [
        ("bad-attr", "attribute 'email' is 'x', not an e-mail address", "y"),
        ("unknown-attr", "label 'byline' has no attribute 'fax'", "y"),
    ]
    bare = Span(id="b", start=0, end=4, label="boilerplate", text="Menu")
    assert triples(check_span_attrs(bare, scheme)) == [
        ("missing-attr", "required attribute 'kind' is missing", "b")
    ]
    fine = Span(id="b", start=0, end=4, label="boilerplate", text="Menu", attrs={"kind": "share"})
    assert check_span_attrs(fine, scheme) == []


# --------------------------------------------------------------------------- integrity

HASH_MISMATCH = (
    "hash-mismatch",
    f"text_sha256 {CALLER_SHA[:12]}… does not match the document text "
    f"({sha256_text(TEXT)[:12]}…): the annotation was made on another text",
    None,
)


def test_the_hash_the_caller_hands_over_is_the_one_compared() -> None:
    spans = [span("p", "Jane Doe", "PER")]
    ann = annotation(spans, sha=CALLER_SHA)
    scheme = news_scheme()
    cols = columns_of(spans)
    assert check_integrity(ann, TEXT, scheme, CALLER_SHA) == []
    assert check_columns_integrity(ann, cols, TEXT, scheme, CALLER_SHA) == []
    # Without it the text is hashed, and the annotation's hash is not the text's.
    assert triples(check_integrity(ann, TEXT, scheme)) == [HASH_MISMATCH]
    assert triples(check_columns_integrity(ann, cols, TEXT, scheme)) == [HASH_MISMATCH]


def test_done_problems_compares_the_hash_the_caller_hands_over() -> None:
    ann = annotation([main_article()], sha=CALLER_SHA, doc_labels={"page_type": "article"})
    assert done_problems(ann, TEXT, news_scheme(), CALLER_SHA) == []
    assert triples(done_problems(ann, TEXT, news_scheme())) == [HASH_MISMATCH]


def parsed_columns_with_a_wrong_text(spans: list[Span]) -> SpanColumns:
    """The columns a parse of the file returned: the file's span "p" says "Jane Dox" where the
    text holds "Jane Doe" (``spans`` hold the right one, so a problem found comes from the
    columns)."""
    cols = columns_of(spans)
    texts = list(cols.texts)
    texts[-1] = "Jane Dox"
    return cols._replace(texts=texts)


TEXT_MISMATCH = ("text-mismatch", "text[28:36] is 'Jane Doe', the span says 'Jane Dox'", "p")


def test_check_integrity_checks_the_columns_it_is_given() -> None:
    spans = [main_article(), span("p", "Jane Doe", "PER")]
    cols = parsed_columns_with_a_wrong_text(spans)
    ann = annotation(spans)
    assert check_integrity(ann, TEXT, news_scheme()) == []
    assert triples(check_integrity(ann, TEXT, news_scheme(), columns=cols)) == [TEXT_MISMATCH]


def test_done_problems_checks_the_columns_it_is_given() -> None:
    spans = [main_article(), span("p", "Jane Doe", "PER")]
    cols = parsed_columns_with_a_wrong_text(spans)
    ann = annotation(spans, doc_labels={"page_type": "article"})
    assert done_problems(ann, TEXT, news_scheme()) == []
    assert triples(done_problems(ann, TEXT, news_scheme(), columns=cols)) == [TEXT_MISMATCH]


def many_entities(n: int, bad: int | None = None) -> tuple[str, list[Span]]:
    """A text of ``n`` words, one PER span each; span ``bad`` says the wrong text."""
    text = " ".join(f"w{i:04d}" for i in range(n))
    spans = [
        Span(
            id=f"p{i}", start=6 * i, end=6 * i + 5, label="PER",
            text="zzzzz" if i == bad else text[6 * i : 6 * i + 5],
        )
        for i in range(n)
    ]
    return text, spans


@pytest.mark.parametrize(("n", "path"), [(rules.NUMPY_FROM - 1, "small"), (rules.NUMPY_FROM, "large")])
def test_the_integrity_of_columns_goes_numpy_at_the_threshold_of_check_annotation(
    monkeypatch: pytest.MonkeyPatch, n: int, path: str
) -> None:
    """Both checks switch to the numpy questions at NUMPY_FROM spans, with the same answer."""
    taken: list[str] = []

    def spy(name: str, real: Callable[..., list[Problem]]) -> Callable[..., list[Problem]]:
        def wrapper(*args: Any, **kwargs: Any) -> list[Problem]:
            taken.append(name)
            return real(*args, **kwargs)

        return wrapper

    # The large path falls back to the small one for the walk: only the first call counts.
    monkeypatch.setattr(rules, "_small_span_problems", spy("small", rules._small_span_problems))
    monkeypatch.setattr(rules, "_large_span_problems", spy("large", rules._large_span_problems))
    text, spans = many_entities(n, bad=150)
    ann = Annotation(doc_id="d", text_sha256=sha256_text(text), annotator="a", spans=spans)
    expected = [("text-mismatch", "text[900:905] is 'w0150', the span says 'zzzzz'", "p150")]
    assert triples(check_columns_integrity(ann, columns_of(spans), text, news_scheme())) == expected
    assert taken[0] == path
    taken.clear()
    assert triples(check_integrity(ann, text, news_scheme())) == expected
    assert taken[0] == path


# --------------------------------------------------------------------------- numpy structure


def test_a_large_file_reports_the_self_overlap_of_a_label_beside_others() -> None:
    """A label's self-overlap is asked of that label's spans, not of the others'."""
    scheme = LabelScheme(
        name="s",
        layers=[
            Layer(
                name="l",
                labels=[
                    LabelDef(name="A", color="#000000", no_self_overlap=True),
                    LabelDef(name="B", color="#ffffff"),
                ],
            )
        ],
    )
    text = "x" * 1000
    spans = [Span(id=f"b{i}", start=2 * i, end=2 * i + 1, label="B", text="x") for i in range(198)]
    spans += [
        Span(id="a1", start=500, end=510, label="A", text="x" * 10),
        Span(id="a2", start=505, end=520, label="A", text="x" * 15),
    ]
    ann = Annotation(doc_id="d", text_sha256=sha256_text(text), annotator="a", spans=spans)
    assert len(spans) >= rules.NUMPY_FROM
    assert triples(check_annotation(ann, text, scheme)) == [
        ("overlap", "A spans may not overlap: A [505, 520) overlaps span a1", "a2")
    ]


def arrays(*pairs: tuple[int, int]) -> tuple[Any, Any]:
    return (
        np.array([a for a, _ in pairs], dtype=np.int64),
        np.array([b for _, b in pairs], dtype=np.int64),
    )


@pytest.mark.parametrize(
    ("container", "inner", "crossing"),
    [
        ((10, 20), (0, 5), False),  # before, apart
        ((10, 20), (25, 30), False),  # after, apart
        ((10, 20), (5, 10), False),  # ends where the container starts
        ((10, 20), (20, 25), False),  # starts where the container ends
        ((10, 20), (10, 15), False),  # inside, same start
        ((10, 20), (15, 20), False),  # inside, same end
        ((10, 20), (12, 18), False),  # strictly inside
        ((10, 20), (10, 30), False),  # around, same start
        ((10, 20), (5, 20), False),  # around, same end
        ((10, 20), (5, 25), False),  # strictly around
        ((10, 20), (5, 15), True),  # over the start edge
        ((10, 20), (15, 25), True),  # over the end edge
    ],
)
def test_the_numpy_crossing_question_is_the_walks(
    container: tuple[int, int], inner: tuple[int, int], crossing: bool
) -> None:
    c_starts, c_ends = arrays(container)
    starts, ends = arrays(inner)
    assert rules._any_crossing(c_starts, c_ends, starts, ends) is crossing
    # The walk's answer, for the same pair.
    a = Span(id="c", start=container[0], end=container[1], label="article", text="")
    b = Span(id="s", start=inner[0], end=inner[1], label="boilerplate", text="")
    assert (rules._Containers([a]).crossing(b) is not None) is crossing


def test_no_container_means_no_crossing() -> None:
    empty = np.array([], dtype=np.int64)
    starts, ends = arrays((5, 15))
    assert rules._any_crossing(empty, empty, starts, ends) is False


def test_too_many_pairs_are_left_to_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above _CROSSING_PAIRS pairs the answer is "maybe" (True); at it, it is computed."""
    c_starts, c_ends = arrays((10, 20), (30, 40))
    starts, ends = arrays((0, 5), (12, 18), (50, 60))  # no crossing: 6 pairs
    monkeypatch.setattr(rules, "_CROSSING_PAIRS", 6)
    assert rules._any_crossing(c_starts, c_ends, starts, ends) is False
    monkeypatch.setattr(rules, "_CROSSING_PAIRS", 5)
    assert rules._any_crossing(c_starts, c_ends, starts, ends) is True


def test_a_crossing_in_a_large_file_with_too_many_pairs_is_found_by_the_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rules, "_CROSSING_PAIRS", 10)
    n = rules.NUMPY_FROM
    text = "x" * (10 * n + 10)
    spans = [
        Span(id=f"a{i}", start=10 * i, end=10 * i + 5, label="article", text="x" * 5,
             attrs={"role": "main"})
        for i in range(n)
    ]
    spans.append(
        Span(id="b", start=3, end=8, label="boilerplate", text="x" * 5, attrs={"kind": "share"})
    )
    ann = Annotation(doc_id="d", text_sha256=sha256_text(text), annotator="a", spans=spans)
    assert triples(check_annotation(ann, text, news_scheme())) == [
        ("crosses-edge", "boilerplate [3, 8) crosses the edge of article a0 [0, 5)", "b")
    ]


# --------------------------------------------------------------------------- clean text

SHOP = "Nav|Body one|Ad|Body two|Share"


def test_clean_text_pieces_has_no_empty_piece_at_a_cut_edge() -> None:
    article = Span(id="a", start=0, end=len(SHOP), label="article", text=SHOP)
    cuts = [
        span("n", "Nav|", "boilerplate", SHOP),
        span("d", "|Ad|", "boilerplate", SHOP),
        span("s", "|Share", "boilerplate", SHOP),
    ]
    assert clean_text_pieces(article, [article, *cuts]) == [(4, 12), (16, 24)]
    clean, segments = clean_text_map(SHOP, article, [article, *cuts])
    assert (clean, segments) == ("Body oneBody two", [(0, 4, 8), (8, 16, 8)])


def test_clean_text_map_places_every_piece_after_the_ones_before() -> None:
    # The trailing line breaks are stripped: the last segment is cut short by its place.
    text = "One.|Ad|Two two.|Ad2|Three three three.\n\n"
    article = Span(id="a", start=0, end=len(text), label="article", text=text)
    cuts = [span("d", "|Ad|", "boilerplate", text), span("e", "|Ad2|", "boilerplate", text)]
    clean, segments = clean_text_map(text, article, [article, *cuts])
    assert clean == "One.Two two.Three three three."
    assert segments == [(0, 0, 4), (4, 8, 8), (12, 21, 18)]


def test_blank_lines_after_leading_ones_are_still_squeezed() -> None:
    text = "\n\n\nA\n\n\n\nB\n\n\nC"
    article = Span(id="a", start=0, end=len(text), label="article", text=text)
    clean, segments = clean_text_map(text, article, [article])
    assert clean == "A\n\nB\n\nC"
    assert segments == [(0, 3, 3), (3, 8, 3), (6, 12, 1)]


def test_the_body_is_the_clean_text_minus_title_byline_and_date() -> None:
    article = main_article()
    spans = [
        article,
        span("t", "Title of story", "title"),
        span("y", "By Jane Doe", "byline"),
        span("c", "Photo caption\n", "boilerplate", kind="caption"),
        span("d", "More", "date"),
    ]
    assert article_body(TEXT, article, spans) == "Body about Seoul and LG.\n body."
    assert clean_text_map(TEXT, article, spans, BODY_CUTS) == (
        "Body about Seoul and LG.\n body.",
        [(0, 37, 25), (25, 80, 6)],
    )


# --------------------------------------------------------------------------- done


def test_done_problems_say_which_document_label_and_article_are_missing() -> None:
    scheme = news_scheme()
    assert triples(done_problems(annotation([]), TEXT, scheme)) == [
        (
            "missing-doc-label",
            "document label 'page_type' is not set "
            "(one of article, article-list, non-article, broken)",
            None,
        )
    ]
    on_article_page = annotation([], doc_labels={"page_type": "article"})
    assert triples(done_problems(on_article_page, TEXT, scheme)) == [
        ("no-article", "the page type is 'article' but no article is marked", None)
    ]
