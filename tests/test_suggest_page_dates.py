"""Suggested dates on imported pages: the page's zone when it states one, never the label.

Issue #14: "Dates carry the page's time zone when the page states one (metadata or text),
and never include labels such as ``기사입력 :``; photo credits such as ``[사진=LG]`` are not
bylines." Each page goes through ``annotator import`` and ``annotator suggest``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.attribute_fill import zone_after
from annotator.corpus import Corpus
from annotator.model import SUGGESTIONS, Span

BODY = "<p>" + "LG전자가 KT, LG유플러스와 인공지능 경쟁력 강화를 위해 손을 잡았다. " * 6 + "</p>"
TITLE = "인공지능 경쟁력 키우자 맞손"

#: name -> (extra <head> markup, header lines, expected date spans as (text, value)).
PAGES: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "meta": (
        '<meta property="article:published_time" content="2020-06-03T09:03:00+09:00">',
        "<p>기사입력 : 2020년06월03일 09:03</p>",
        [("2020년06월03일 09:03", "2020-06-03T09:03+09:00")],
    ),
    "kst": ("", "<p>기사입력 : 2020년06월03일 09:03 KST</p>", [("2020년06월03일 09:03 KST", "2020-06-03T09:03+09:00")]),
    "paren": ("", "<p>입력 : 2020-06-03 09:03 (KST)</p>", [("2020-06-03 09:03 (KST)", "2020-06-03T09:03+09:00")]),
    "offset": ("", "<p>Published 2020-06-03 09:03 +09:00</p>", [("2020-06-03 09:03 +09:00", "2020-06-03T09:03+09:00")]),
    "utc": (
        "", "<p>Updated June 3, 2020 9:03 AM (UTC+9)</p>", [("June 3, 2020 9:03 AM (UTC+9)", "2020-06-03T09:03+09:00")]
    ),
    "edt": ("", "<p>Updated Nov. 18, 2019 10:00 PM EDT</p>", [("Nov. 18, 2019 10:00 PM EDT", "2019-11-18T22:00-04:00")]),
    "iso_z": ("", "<p>2019-11-18T22:00:00Z</p>", [("2019-11-18T22:00:00Z", "2019-11-18T22:00+00:00")]),
    # No zone anywhere: none is made up; "최종수정 :" stays out of the span too.
    "none": ("", "<p>최종수정 : 2020년06월03일 09:05</p>", [("2020년06월03일 09:05", "2020-06-03T09:05")]),
    "photo": (
        "",
        "<p>LG 트윈타워 [사진=LG]</p><p>[서울=뉴스핌] 심지혜 기자 = 본문</p><p>기사입력 : 2020년06월03일 09:03</p>",
        [("2020년06월03일 09:03", "2020-06-03T09:03")],
    ),
}


@pytest.fixture(scope="module")
def suggested(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    from annotator.cli import main

    tmp = tmp_path_factory.mktemp("dates")
    (tmp / "in").mkdir()
    for name, (head, top, _) in PAGES.items():
        html = (
            f"<html><head><meta charset='utf-8'><title>{TITLE}</title>{head}</head><body>"
            f"<h1>{TITLE}</h1>{top}{BODY}<p>{name} sjh@newspim.com</p></body></html>"
        )
        (tmp / "in" / f"{name}.html").write_text(html, "utf-8")
    root = tmp / "corpus"
    assert main(["new", str(root)]) == 0
    assert main(["import", str(root), str(tmp / "in")]) == 0
    assert main(["suggest", str(root), "--jobs", "1"]) == 0
    return Corpus.open(root)


@pytest.mark.parametrize("name", list(PAGES))
def test_date_spans_carry_the_stated_zone_and_no_label(suggested: Corpus, name: str) -> None:
    (doc_id,) = [d for d in suggested.doc_ids() if Path(suggested.read_meta(d).source).stem == name]
    loaded = suggested.load_annotation(SUGGESTIONS, doc_id)
    assert loaded is not None
    spans = loaded.annotation.spans
    assert [(s.text, s.attrs["value"]) for s in spans if s.label == "date"] == PAGES[name][2]
    assert not any(s.label == "byline" and "사진" in s.text for s in spans)


def test_photo_credit_is_no_byline_on_an_imported_page(suggested: Corpus) -> None:
    (doc_id,) = [d for d in suggested.doc_ids() if Path(suggested.read_meta(d).source).stem == "photo"]
    loaded = suggested.load_annotation(SUGGESTIONS, doc_id)
    assert loaded is not None
    bylines = [s.text for s in loaded.annotation.spans if s.label == "byline"]
    assert bylines == ["[서울=뉴스핌] 심지혜 기자", "sjh@newspim.com"]


@pytest.mark.parametrize(
    ("text", "iso", "expected"),
    [
        ("09:03 KST tail", False, ("+09:00", 9)),
        ("09:03 (KST) tail", False, ("+09:00", 11)),
        ("09:03 (UTC+9)", False, ("+09:00", 13)),
        ("09:03Z", True, ("+00:00", 6)),
        ("09:03-05:00", True, ("-05:00", 11)),
        ("09:03-10:00", False, None),  # a range, not a zone
        ("09:03 CST", False, None),  # ambiguous: no zone rather than a wrong one
        ("09:03 in Seoul", False, None),
    ],
)
def test_zone_after(text: str, iso: bool, expected: tuple[str, int] | None) -> None:
    assert zone_after(text, 5, iso) == expected




def suggested_page(tmp_path: Path, html: str) -> tuple[Corpus, str, list[Span]]:
    """One page through ``annotator import`` and ``annotator suggest``: the corpus, the
    document and its suggested spans."""
    from annotator.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(html, "utf-8")
    root = tmp_path / "corpus"
    assert main(["new", str(root)]) == 0
    assert main(["import", str(root), str(tmp_path / "in")]) == 0
    assert main(["suggest", str(root), "--jobs", "1"]) == 0
    corpus = Corpus.open(root)
    (doc_id,) = corpus.doc_ids()
    loaded = corpus.load_annotation(SUGGESTIONS, doc_id)
    assert loaded is not None
    return corpus, doc_id, loaded.annotation.spans


def test_dates_inside_the_body_stay_body(tmp_path: Path) -> None:
    """Only the article's own date is a date span: one in its header (down to the first
    paragraph and a few short lines under it, where a standfirst's byline and date stand)
    and one in its last lines. The dates further down, above the last paragraph (a reference
    list, a table of a log) are what the article says: before, each was cut out of the body
    (a Wikipedia page lost a sixth of its body, the dates of every reference)."""
    from annotator.train.curve import body_of

    paragraph = "The committee met again to review the findings of the inquiry in detail. " * 3
    second = "Its members heard from the engineers who had warned the council about the bridge. " * 3
    third = "The council will vote on the repairs next month, after a last public hearing. " * 3
    middle = "".join(f"<p>Report {n}. The Tribune. 2019-02-1{n}. Retrieved 2022-03-23.</p>" for n in range(4))
    html = (
        f"<html><head><meta charset='utf-8'><title>The inquiry</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><h1>The inquiry</h1>"
        f"<p>Published March 3, 2020</p><p>{paragraph}</p><p>{second}</p>{middle}<p>{third}</p>"
        f"<p>Updated March 4, 2020</p><footer>All rights reserved</footer></body></html>"
    )
    corpus, doc_id, spans = suggested_page(tmp_path, html)
    assert [s.text for s in spans if s.label == "date"] == ["March 3, 2020", "March 4, 2020"]
    body = body_of(corpus.read_text(doc_id), corpus.scheme, spans)
    assert "Report 0. The Tribune. 2019-02-10. Retrieved 2022-03-23." in body
    assert "Report 3. The Tribune. 2019-02-13. Retrieved 2022-03-23." in body
    assert "March 3, 2020" not in body and "March 4, 2020" not in body


def test_the_date_in_an_articles_last_lines_is_its_date_and_those_above_are_body() -> None:
    from annotator.default_scheme import news_scheme
    from annotator.suggest.engine import DocInput
    from annotator.suggest.runner import suggest_text

    paragraph = "The committee met again to review the findings of the inquiry in detail. " * 3
    refs = "\n".join(f"Report {n}. The Tribune. 2019-02-1{n}. Retrieved 2022-03-23." for n in range(4))
    text = f"Home | World | Sports\n\n{paragraph}\n\n{paragraph}\n\n{refs}\n\n{paragraph}\n\nUpdated March 4, 2020\n"
    annotation, method = suggest_text(DocInput("d", text), news_scheme())
    assert method == "text"
    assert [(s.text, s.attrs["value"]) for s in annotation.spans if s.label == "date"] == [("March 4, 2020", "2020-03-04")]


def test_the_header_date_under_a_long_title_and_a_standfirst_is_the_articles_date(tmp_path: Path) -> None:
    """Found on benchmark pages: a title, or a standfirst right under it, long enough to
    read as a paragraph, above the byline and date. That date is the article's; the dates
    of a table deep in the body are not."""
    title = "Eastern Michigan routs Northern Illinois to become bowl eligible for a second season"
    standfirst = "The Eagles snapped an eleven-game losing streak against the Huskies dating back to 2007 on Tuesday."
    paragraph = "The quarterback threw for three touchdowns and ran for another as the defence held firm. " * 2
    table = "".join(f"<tr><td>Game {n}</td><td>October 1{n}, 2019</td></tr>" for n in range(4))
    html = (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/sports'>Sports</a></nav><h1>{title}</h1><p>{standfirst}</p>"
        f"<p>By Jane Doe</p><p>Published November 19, 2019</p><p>{paragraph}</p><p>{paragraph}</p>"
        f"<table>{table}</table><p>{paragraph}</p><p>{paragraph}</p><footer>All rights reserved</footer></body></html>"
    )
    _, _, spans = suggested_page(tmp_path, html)
    assert [s.text for s in spans if s.label == "date"] == ["November 19, 2019"]
