"""HTML to visible text, page metadata, and .html/.html.gz import on real pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.evaluate import score_document
from annotator.importers import html_to_text, import_paths, normalise_text, source_html
from annotator.importers.html import declared_charset

FIXTURES = Path(__file__).parent / "fixtures" / "import"
READABILITY = FIXTURES / "readability"
BENCH = FIXTURES / "article-extraction-benchmark"
BENCH_ID = "14cc2a0ca59c62a8c9f205a171e9ccf4ef4cf69b0c642f51c8c65c051b39024f"

PAGE = """<!doctype html>
<html lang="ko" dir="ltr"><head>
<meta charset="utf-8">
<title>기사 제목 | 뉴스핌</title>
<meta property="og:title" content="기사 제목">
<meta property="og:url" content="https://example.com/og">
<meta property="og:site_name" content="뉴스핌">
<meta name="author" content="심지혜">
<meta property="article:published_time" content="2020-06-03T09:03:00+09:00">
<link rel="canonical" href="https://example.com/a/1">
<style>p { color: red }</style>
<script>var hidden = "script text";</script>
</head>
<body>
<nav><ul><li>전체기사</li><li>최신뉴스</li></ul></nav>
<h1>  "인공지능   경쟁력"
   키우자 </h1>
<p>첫 문단 &amp; 둘째 &lt;부분&gt; &quot;인용&quot;&nbsp;끝</p>
<p><b>Hel</b>lo <i>world</i> , again</p>
<div hidden>hidden attribute</div>
<div style="display:none">display none</div>
<div style="color: red; visibility: hidden">visibility hidden</div>
<span aria-hidden="true">aria hidden</span>
<template><p>template text</p></template>
<noscript><p>noscript text</p></noscript>
<script type="application/ld+json">{"ld": "json text"}</script>
<p>line one<br>line two<br><br>after empty</p>
<table><tr><td>cell 1</td><td>cell 2</td></tr><tr><th>head 3</th><td> cell   4 </td></tr></table>
<pre>  code  line
    indented</pre>
<dialog>closed dialog</dialog>
<footer>© 2020 뉴스핌<svg><title>icon title</title></svg></footer>
</body></html>"""


@pytest.fixture(scope="module")
def page_text() -> str:
    return html_to_text(PAGE).text


def test_hidden_script_and_style_text_is_gone(page_text: str) -> None:
    for gone in (
        "script text",
        "color: red",
        "hidden attribute",
        "display none",
        "visibility hidden",
        "template text",
        "noscript text",
        "json text",
        "closed dialog",
        "icon title",
        "기사 제목 | 뉴스핌",  # <title> is not page text
    ):
        assert gone not in page_text, gone


def test_aria_hidden_is_kept_because_it_is_on_screen(page_text: str) -> None:
    assert "aria hidden" in page_text


CLOSED_DETAILS = (
    "<p>before</p><details><summary>Show the rest</summary><p>Hidden until clicked</p>"
    "</details><p>after</p>"
)


def test_closed_details_content_is_kept() -> None:
    # The README promises it: a closed <details> is one click away, so its body is page text
    # an annotator must be able to mark (unlike a closed <dialog>, which is dropped).
    assert html_to_text(CLOSED_DETAILS).text == (
        "before\n\nShow the rest\n\nHidden until clicked\n\nafter"
    )
    assert html_to_text("<details open><summary>S</summary>body</details>").text == "S\nbody"


def test_closed_details_is_kept_in_a_page_too_deep_for_the_parser() -> None:
    # Below the parser's depth limit the page is flattened by another walk, which decides
    # what is hidden on its own: it must keep closed <details> as well.
    deep = "<div>" * 2100 + CLOSED_DETAILS + "</div>" * 2100
    assert html_to_text(deep).text == "before\n\nShow the rest\n\nHidden until clicked\n\nafter"


def test_import_keeps_closed_details(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{CLOSED_DETAILS}</body></html>", "utf-8")
    report = import_paths(corpus, [path])
    assert report.problems == [] and report.imported == 1
    assert "Hidden until clicked" in corpus.read_text(report.documents[0].doc_id)


def test_blocks_become_lines_and_inline_text_is_joined(page_text: str) -> None:
    assert page_text.split("\n") == [
        "전체기사",
        "최신뉴스",
        "",
        '"인공지능 경쟁력" 키우자',
        "",
        '첫 문단 & 둘째 <부분> "인용" 끝',
        "",
        "Hello world , again",
        "",
        "aria hidden",
        "",
        "line one",
        "line two",
        "",
        "after empty",
        "",
        "cell 1",
        "cell 2",
        "head 3",
        "cell 4",
        "",
        "  code  line",
        "    indented",
        "",
        "© 2020 뉴스핌",
    ]


def test_page_metadata() -> None:
    page = html_to_text(PAGE)
    assert page.meta == {
        "title": "기사 제목 | 뉴스핌",
        "canonical": "https://example.com/a/1",
        "og:title": "기사 제목",
        "og:url": "https://example.com/og",
        "og:site_name": "뉴스핌",
        "author": "심지혜",
        "published_time": "2020-06-03T09:03:00+09:00",
        "lang": "ko",
        "dir": "ltr",
    }
    assert page.title == "기사 제목"
    assert page.url == "https://example.com/a/1"


def test_empty_and_broken_html_give_empty_text() -> None:
    assert html_to_text("").text == ""
    assert html_to_text("   \n").text == ""
    assert html_to_text("<p>unclosed <b>bold").text == "unclosed bold"
    assert html_to_text('<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>').text == "x"


def test_declared_charset_forms() -> None:
    assert declared_charset(b'<meta charset="euc-kr">') == "euc-kr"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">') == "Shift_JIS"
    assert declared_charset(b"<p>none</p>") is None


def test_import_legacy_html_file_with_meta_charset(corpus: Corpus, tmp_path: Path) -> None:
    html = '<html><head><meta charset="euc-kr"><title>제목</title></head><body><p>한국어 기사 본문</p></body></html>'
    path = tmp_path / "korean page.html"
    path.write_bytes(html.encode("cp949"))
    report = import_paths(corpus, [path])
    assert report.problems == []
    doc_id = report.documents[0].doc_id
    assert doc_id == "korean-page"
    assert corpus.read_text(doc_id) == "한국어 기사 본문"
    meta = corpus.read_meta(doc_id)
    assert (meta.encoding, meta.title, meta.source_format) == ("cp949", "제목", "html")
    assert meta.normalised == ["html-to-text"]
    # The original bytes are kept, gzip-compressed, and decode back to the same text.
    assert meta.html_source == "korean-page.source.html.gz"
    assert gzip.decompress(corpus.html_path(doc_id).read_bytes()) == html.encode("cp949")
    assert source_html(corpus, doc_id) == html


def test_readability_hidden_nodes_page(corpus: Corpus) -> None:
    report = import_paths(corpus, [READABILITY / "hidden-nodes" / "source.html.gz"])
    assert report.problems == []
    text = corpus.read_text(report.documents[0].doc_id)
    # The page has three copies of one paragraph, two of them hidden (display:none, hidden);
    # the phrase occurs three times in each copy, so 3 means only the visible one came in.
    assert text.count("At vero eos et accusam") == 3
    assert text.count("Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor invidunt\n") == 1
    assert "Secondary header" in text and "Third header" in text
    lines = text.split("\n")
    assert lines[0].startswith("Lorem ipsum") and lines[1] == ""


def test_readability_visibility_hidden_page() -> None:
    raw = gzip.decompress((READABILITY / "visibility-hidden" / "source.html.gz").read_bytes()).decode()
    text = html_to_text(raw).text
    assert text == (
        "Lorem\n\n"
        "Foo\n\n"
        "Tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis "
        "nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.\n\n"
        "Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat "
        "nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui "
        "officia deserunt mollit anim id est laborum."
    )


def test_japanese_readability_page_html_gz(corpus: Corpus) -> None:
    path = READABILITY / "hukumusume" / "source.html.gz"
    report = import_paths(corpus, [path])
    assert report.problems == []
    doc_id = report.documents[0].doc_id
    assert doc_id == "source"
    text = corpus.read_text(doc_id)
    meta = corpus.read_meta(doc_id)
    expected = json.loads((READABILITY / "hukumusume" / "expected-metadata.json").read_text("utf-8"))
    assert meta.title == expected["title"]
    assert meta.encoding == "utf-8"
    assert "<" not in text and "&amp;" not in text
    assert sum("\u3040" <= ch <= "\u30ff" for ch in text) > 200  # kana: it came in as Japanese
    # A .html.gz is kept as the very file that was imported.
    assert corpus.html_path(doc_id).read_bytes() == path.read_bytes()
    assert normalise_text(html_to_text(source_html(corpus, doc_id) or "").text)[0] == text


def test_benchmark_page_keeps_the_whole_article_and_the_boilerplate(corpus: Corpus) -> None:
    report = import_paths(corpus, [BENCH / f"{BENCH_ID}.html.gz"])
    assert report.problems == []
    doc_id = report.documents[0].doc_id
    assert doc_id == BENCH_ID
    text = corpus.read_text(doc_id)
    gold = json.loads((BENCH / "ground-truth.json").read_text("utf-8"))[BENCH_ID]
    score = score_document(gold["articleBody"], text)
    assert score.recall > 0.97  # the article is all there...
    assert score.precision < 0.9  # ...and so is the boilerplate around it
    assert "Privacy Policy" in text.split("\n")
    meta = corpus.read_meta(doc_id)
    assert meta.url == gold["url"]
    assert meta.html_meta["og:site_name"] == "ScienceAlert"
    assert meta.html_meta["author"] == "Victor Tangermann, Futurism"
    assert "<script" not in text and "function(" not in text
