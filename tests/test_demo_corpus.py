"""The bundled demo corpus (corpora/demo) and the tool that rebuilds it.

These tests read the checked-in corpus and its sources only (never ../shared).
"""

from __future__ import annotations

import gzip
import html
import importlib.util
import json
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

from annotator.cli import main as cli_main
from annotator.corpus import Corpus
from annotator.evaluate import score_document
from annotator.model import GOLD, Annotation, Span
from annotator.rules import PART_LABELS, article_body, clean_text, done_problems, is_iso_date
from annotator.validate import validate_corpus
from tests.conftest import DEMO_CORPUS, ROOT, SEED_PATH

SEED_ID = "000_2c3ea0c0f783ca12"
SOURCES = ROOT / "corpora" / "demo-sources"
ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?$")


def _load_tool() -> ModuleType:
    path = ROOT / "tools" / "build_demo_corpus.py"
    spec = importlib.util.spec_from_file_location("build_demo_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def demo() -> Corpus:
    return Corpus.open(DEMO_CORPUS)


def _load(corpus: Corpus, annotator: str, doc_id: str) -> Annotation:
    loaded = corpus.load_annotation(annotator, doc_id)
    assert loaded is not None, f"no annotation of {doc_id} by {annotator}"
    return loaded.annotation


def _spans(annotation: Annotation, label: str) -> list[Span]:
    return [s for s in annotation.spans if s.label == label]


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


# --------------------------------------------------------------------------- the corpus as a whole


def test_demo_corpus_validates(demo: Corpus) -> None:
    problems, counts = validate_corpus(demo)
    assert problems == []
    assert counts["documents"] == len(tool.SOURCE_FILES)
    # gold of the seed, the AP story and the Yahoo page; the same three for alice and bob
    assert counts["annotations"] == 3 + 3 + 3


def test_validate_command_passes_on_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["validate", str(DEMO_CORPUS), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["problems"] == []
    assert report["documents"] == len(tool.SOURCE_FILES)


def test_corpus_was_imported_from_the_sources(demo: Corpus) -> None:
    by_source = tool.source_doc_ids(demo)
    assert sorted(by_source) == sorted(Path(name).name for name in tool.SOURCE_FILES)
    # The seed imports unchanged apart from NFC, under its own name.
    assert by_source[tool.SEED] == SEED_ID
    seed = unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))
    assert demo.read_text(SEED_ID) == seed
    for name in tool.SOURCE_FILES:
        assert (SOURCES / name).is_file(), name


def test_sources_keep_their_licences() -> None:
    assert "Apache License" in (SOURCES / "readability-test-pages" / "LICENSE.md").read_text(
        "utf-8"
    )
    assert "MIT License" in (SOURCES / "article-extraction-benchmark" / "LICENSE").read_text(
        "utf-8"
    )
    sources_md = (SOURCES / "SOURCES.md").read_text("utf-8")
    for name in tool.SOURCE_FILES:
        assert Path(name).name in sources_md, f"{name} is not described in SOURCES.md"


def test_corpora_folder_stays_small() -> None:
    total = sum(p.stat().st_size for p in (ROOT / "corpora").rglob("*") if p.is_file())
    assert total < 5 * 1024 * 1024, f"corpora/ holds {total} bytes"


def _han_kana_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    cjk = [
        c
        for c in letters
        if unicodedata.name(c, "").startswith(("CJK UNIFIED", "HIRAGANA", "KATAKANA"))
    ]
    return len(cjk) / max(1, len(letters))


def test_there_is_a_non_latin_document(demo: Corpus) -> None:
    shares = {doc_id: _han_kana_share(demo.read_text(doc_id)) for doc_id in demo.doc_ids()}
    # Chinese and Japanese pages: most of their letters are Han characters or kana.
    assert sum(share > 0.5 for share in shares.values()) >= 2, shares


def test_there_is_a_right_to_left_document(demo: Corpus) -> None:
    rtl = []
    for doc_id in demo.doc_ids():
        meta = demo.read_meta(doc_id)
        if meta.html_source is None:
            continue
        html = gzip.decompress((demo.documents_dir / meta.html_source).read_bytes()).decode("utf-8")
        if re.search(r"<html[^>]*\bdir=\"rtl\"", html):
            rtl.append(doc_id)
    assert rtl, "no document whose page is set right to left"


# --------------------------------------------------------------------------- the seed's gold


@pytest.fixture(scope="module")
def seed_gold(demo: Corpus) -> Annotation:
    return _load(demo, GOLD, SEED_ID)


def test_seed_gold_is_done_article_by_gold(seed_gold: Annotation) -> None:
    assert seed_gold.status == "done"
    assert seed_gold.annotator == GOLD
    assert seed_gold.doc_labels == {"page_type": "article"}


def test_seed_gold_has_one_main_and_two_related_articles(seed_gold: Annotation) -> None:
    articles = _spans(seed_gold, "article")
    assert len(articles) == 3
    assert sorted(a.attrs["role"] for a in articles) == ["main", "related", "related"]
    main = next(a for a in articles if a.attrs["role"] == "main")
    assert main.text.startswith('"인공지능 경쟁력 키우자"')
    assert main.text.endswith("sjh@newspim.com")
    related = sorted((a for a in articles if a.attrs["role"] == "related"), key=lambda a: a.start)
    assert related[0].text.startswith("정부조직 개편 방식 '안갯속'")
    assert related[1].text.startswith("특검, 한덕수")


def test_every_seed_article_has_a_title_inside(seed_gold: Annotation) -> None:
    titles = _spans(seed_gold, "title")
    for article in _spans(seed_gold, "article"):
        inside = [t for t in titles if _inside(t, article)]
        assert len(inside) == 1, article.text[:30]
        assert inside[0].start == article.start  # each article opens with its title


def test_main_byline_attributes(seed_gold: Annotation) -> None:
    main = next(a for a in _spans(seed_gold, "article") if a.attrs["role"] == "main")
    bylines = [b for b in _spans(seed_gold, "byline") if _inside(b, main)]
    first = min(bylines, key=lambda b: b.start)
    assert first.text == "[서울=뉴스핌] 심지혜 기자"
    assert first.attrs == {
        "authors": ["심지혜"],
        "agency": "뉴스핌",
        "location": "서울",
        "email": "sjh@newspim.com",
    }
    # The e-mail line at the end is byline text of its own, with the same address.
    email_line = [b for b in bylines if b.text == "sjh@newspim.com"]
    assert [b.attrs for b in email_line] == [{"email": "sjh@newspim.com"}]


def test_every_date_value_is_iso_8601(demo: Corpus) -> None:
    dates = []
    for annotator in [GOLD, *demo.annotators()]:
        for doc_id in demo.annotated_ids(annotator):
            dates += _spans(_load(demo, annotator, doc_id), "date")
    assert len(dates) >= 5
    for span in dates:
        value = span.attrs["value"]
        assert isinstance(value, str) and ISO_DATE_TIME.match(value) and is_iso_date(value), value


def test_seed_dates(seed_gold: Annotation) -> None:
    values = {s.text: s.attrs["value"] for s in _spans(seed_gold, "date")}
    assert values == {
        "2020년06월03일 09:03": "2020-06-03T09:03+09:00",
        "2020년06월03일 09:05": "2020-06-03T09:05+09:00",
        "2025-07-26 07:00": "2025-07-26T07:00+09:00",
        "2025-07-24 13:54": "2025-07-24T13:54+09:00",
    }


def test_main_article_clean_text(demo: Corpus, seed_gold: Annotation) -> None:
    text = demo.read_text(SEED_ID)
    main = next(a for a in _spans(seed_gold, "article") if a.attrs["role"] == "main")
    title = next(t for t in _spans(seed_gold, "title") if _inside(t, main))
    clean = clean_text(text, main, seed_gold.spans)
    assert clean.startswith(title.text)
    assert "LG 트윈타워 [사진=LG]" in main.text
    assert "LG 트윈타워 [사진=LG]" not in clean
    assert "사진=LG" not in clean
    assert clean.endswith("sjh@newspim.com")


def test_seed_boilerplate_blocks(seed_gold: Annotation) -> None:
    kinds = {s.text: s.attrs["kind"] for s in _spans(seed_gold, "boilerplate")}
    assert kinds["LG 트윈타워 [사진=LG]"] == "caption"
    for block in ("속보", "더보기", "[뉴스핌 베스트 기사]", "사진", "안다쇼핑", "Top으로 이동"):
        assert block in kinds, block
    assert kinds["전체기사 최신뉴스 GAM\nKYD 디데이\n산업 재계·경영"] == "navigation"
    # Both teasers' photo captions are boilerplate inside their articles.
    assert sum(1 for s in kinds if s.startswith("[서울=뉴스핌] 이")) == 2


def test_seed_entities(seed_gold: Annotation) -> None:
    by_label: dict[str, set[str]] = {}
    for span in seed_gold.spans:
        by_label.setdefault(span.label, set()).add(span.text.replace("\xa0", " "))
    assert {"심지혜", "박일평", "전홍범", "이상민", "윤채영", "한덕수"} <= by_label["PER"]
    assert {"LG전자", "KT", "LG유플러스", "뉴스핌", "카이스트", "AI 원팀"} <= by_label["ORG"]
    assert {"서울", "종로구", "실리콘밸리", "토론토"} <= by_label["LOC"]
    assert "기가지니" in by_label["MISC"]
    # Every mention of the three companies in the main article is marked.
    main = next(a for a in _spans(seed_gold, "article") if a.attrs["role"] == "main")
    for name in ("LG전자", "LG유플러스"):
        marked = [
            s for s in seed_gold.spans if s.label == "ORG" and s.text == name and _inside(s, main)
        ]
        assert len(marked) == main.text.count(name), name


# --------------------------------------------------------------------------- gold of the AP and Yahoo pages

AP_ID = "aeb-e7994d550087"
YAHOO_ID = "rtp-yahoo-4"
READABILITY = SOURCES / "readability-test-pages"


def _main_article(annotation: Annotation) -> Span:
    mains = [a for a in _spans(annotation, "article") if a.attrs["role"] == "main"]
    assert len(mains) == 1
    return mains[0]


def _body(demo: Corpus, doc_id: str) -> str:
    gold = _load(demo, GOLD, doc_id)
    return article_body(demo.read_text(doc_id), _main_article(gold), gold.spans)


@pytest.mark.parametrize("doc_id", [AP_ID, YAHOO_ID])
def test_new_gold_is_done_and_valid(demo: Corpus, doc_id: str) -> None:
    gold = _load(demo, GOLD, doc_id)  # loading checks the file against the scheme's rules
    assert gold.status == "done"
    assert gold.annotator == GOLD
    assert gold.doc_labels == {"page_type": "article"}
    assert done_problems(gold, demo.read_text(doc_id), demo.scheme) == []
    assert [a.attrs["role"] for a in _spans(gold, "article")] == ["main"]


@pytest.mark.parametrize("doc_id", [SEED_ID, AP_ID, YAHOO_ID])
def test_gold_leaves_no_text_outside_articles_and_boilerplate(demo: Corpus, doc_id: str) -> None:
    """Complete gold: every visible character is in an article or a boilerplate block."""
    text = demo.read_text(doc_id)
    covered = bytearray(len(text))
    for span in _load(demo, GOLD, doc_id).spans:
        if span.label in ("article", "boilerplate"):
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
    left = "".join(c for i, c in enumerate(text) if not covered[i] and not c.isspace())
    assert left == ""


@pytest.mark.parametrize("doc_id", [SEED_ID, AP_ID, YAHOO_ID])
def test_gold_header_parts_are_never_boilerplate(demo: Corpus, doc_id: str) -> None:
    gold = _load(demo, GOLD, doc_id)
    boilerplate = _spans(gold, "boilerplate")
    for part in (s for s in gold.spans if s.label in PART_LABELS):
        assert any(_inside(part, a) for a in _spans(gold, "article")), part.text
        assert not any(b.start < part.end and part.start < b.end for b in boilerplate), part.text


@pytest.mark.parametrize("doc_id", [SEED_ID, AP_ID, YAHOO_ID])
def test_gold_entities_are_in_article_text_or_captions(demo: Corpus, doc_id: str) -> None:
    gold = _load(demo, GOLD, doc_id)
    entities = [s for s in gold.spans if s.label in ("PER", "ORG", "LOC", "MISC")]
    assert entities
    for entity in entities:
        assert any(_inside(entity, a) for a in _spans(gold, "article")), entity.text
        around = [b for b in _spans(gold, "boilerplate") if _inside(entity, b)]
        assert all(b.attrs["kind"] == "caption" for b in around), (entity.text, around)


def test_ap_gold_body_matches_the_benchmark(demo: Corpus) -> None:
    truth = json.loads((SOURCES / "article-extraction-benchmark" / "ground-truth.json").read_text())
    url = demo.read_meta(AP_ID).url
    [expected] = [entry["articleBody"] for entry in truth.values() if entry["url"] == url]
    score = score_document(expected, _body(demo, AP_ID))
    # The benchmark's body ends with AP's "___" rule, which the gold leaves to the
    # coverage link after the story: one 4-gram of 648 missed, nothing extra.
    assert (score.tp, score.fp, score.fn) == (647, 0, 1)
    assert score.f1 >= 0.95
    assert round(score.f1, 4) == 0.9992


def test_ap_gold_header(demo: Corpus) -> None:
    gold, meta = _load(demo, GOLD, AP_ID), demo.read_meta(AP_ID)
    main = _main_article(gold)
    # The title is the page's og:title, and the <title> less the site's name.
    [title] = [t for t in _spans(gold, "title") if _inside(t, main)]
    assert title.text == meta.html_meta["og:title"] == meta.title
    assert meta.html_meta["title"] == f"{title.text} | Hosted"
    [byline] = _spans(gold, "byline")
    assert byline.text == "By DANICA KIRKA and JILL LAWLESS\nAssociated Press"
    assert byline.attrs == {
        "authors": ["DANICA KIRKA", "JILL LAWLESS"],
        "agency": "Associated Press",
        "location": "LONDON",
    }
    # Attributes as printed: each is text of the article (the location is the dateline's).
    for value in [*byline.attrs["authors"], byline.attrs["agency"], byline.attrs["location"]]:
        assert value in main.text
    assert "LONDON (AP) —" in main.text
    # "EST" is printed, so the value has -05:00: the page's modified_time to the minute.
    [date] = _spans(gold, "date")
    assert (date.text, date.attrs["value"]) == (
        "Nov. 20, 2019 6:02 AM EST",
        "2019-11-20T06:02-05:00",
    )
    modified = datetime.fromisoformat(meta.html_meta["modified_time"]).replace(second=0)
    assert datetime.fromisoformat(date.attrs["value"]) == modified
    assert main.start == date.start  # the dated header line opens the article


def test_ap_gold_entities(demo: Corpus) -> None:
    gold = _load(demo, GOLD, AP_ID)
    main = _main_article(gold)
    marked = {(s.label, s.text) for s in gold.spans if _inside(s, main)}
    people = {
        "Boris Johnson",
        "Jeremy Corbyn",
        "Will Moy",
        "Dominic Raab",
        "Keir Starmer",
        "Nick Clegg",
        "DANICA KIRKA",
        "JILL LAWLESS",
        "Johnson",
        "Corbyn",
        "Clegg",
    }
    assert {("PER", p) for p in people} <= marked
    orgs = {
        "Conservative Party",
        "Labour Party",
        "Twitter",
        "Full Fact",
        "BBC",
        "EU",
        "Electoral Commission",
        "Facebook",
        "Tories",
        "ITV",
        "AP",
        "Associated Press",
    }
    assert {("ORG", o) for o in orgs} <= marked
    assert {("LOC", p) for p in ("UK", "LONDON", "London", "Britain", "U.K.")} <= marked
    assert {("MISC", m) for m in ("factcheckUK", "CCHQ Press", "Brexit")} <= marked
    # Every full mention of the two leaders and of the parties in the article is marked.
    text = demo.read_text(AP_ID)
    for label, name in [
        ("PER", "Johnson"),
        ("PER", "Corbyn"),
        ("ORG", "Conservative Party"),
        ("ORG", "Twitter"),
        ("LOC", "Britain"),
    ]:
        found = [s for s in gold.spans if s.label == label and name in s.text and _inside(s, main)]
        assert len(found) == text[main.start : main.end].count(name), name
    # The tag lists under the story name people too, but they are boilerplate: not marked.
    assert not any(s.label == "PER" and s.start > main.end for s in gold.spans)


def _readability_paragraphs(page: str) -> list[str]:
    markup = (READABILITY / f"{page}.expected.html").read_text("utf-8")
    paragraphs = re.findall(r"<p>(.*?)</p>", markup, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in paragraphs]


def test_yahoo_gold_body_is_readabilitys_article(demo: Corpus) -> None:
    expected = _readability_paragraphs(YAHOO_ID)
    assert len(expected) == 9
    body = _body(demo, YAHOO_ID)
    # The body is readability's nine paragraphs, with the labels of the two date lines
    # ("配信", delivered; "最終更新:", last updated), which are not dates themselves.
    assert [p.strip() for p in body.split("\n\n")] == ["配信", *expected, "最終更新:"]
    score = score_document("\n\n".join(expected), body)
    assert score.fn == 0 and score.f1 >= 0.95


def test_yahoo_gold_header_against_readability_metadata(demo: Corpus) -> None:
    gold = _load(demo, GOLD, YAHOO_ID)
    text = demo.read_text(YAHOO_ID)
    main = _main_article(gold)
    metadata = json.loads((READABILITY / f"{YAHOO_ID}.expected-metadata.json").read_text())
    # readability's title is the headline with the agency and the site's name after it.
    [title] = _spans(gold, "title")
    assert title.start == main.start
    assert metadata["title"] == f"{title.text}（CNET Japan） - Yahoo!ニュース"
    # The page names no author; the agency is the byline. readability's byline "個人"
    # ("individuals") is a link of the site's menus: every "個人" of the page is boilerplate.
    [byline] = _spans(gold, "byline")
    assert (byline.text, byline.attrs) == ("CNET Japan", {"agency": "CNET Japan"})
    assert metadata["byline"] == "個人"
    boilerplate = _spans(gold, "boilerplate")
    hits = [m.start() for m in re.finditer(metadata["byline"], text)]
    assert len(hits) == 4
    assert all(any(b.start <= h and h + 2 <= b.end for b in boilerplate) for h in hits)
    # Published and last updated; no zone nor year is printed: no offset is invented.
    dates = _spans(gold, "date")
    assert [d.text for d in dates] == ["3/9(木) 18:45", "3/9(木) 18:45"]
    assert text[dates[1].start - 5 : dates[1].start] == "最終更新:"
    assert dates[1].end == main.end  # the last-updated line closes the article
    for date in dates:
        assert date.attrs["value"] == "2017-03-09T18:45"
        assert datetime.fromisoformat(date.attrs["value"]).tzinfo is None
    assert not re.search(r"JST|\+09:?00|UTC|GMT", text)


def test_yahoo_gold_entities(demo: Corpus) -> None:
    gold = _load(demo, GOLD, YAHOO_ID)
    by_text = {s.text: s.label for s in gold.spans if s.label in ("PER", "ORG", "LOC", "MISC")}
    assert by_text == {
        "トレンドマイクロ": "ORG",
        "CNET Japan": "ORG",
        "フリーWi-Fiプロテクション": "MISC",
        "iOS": "MISC",
        "Android": "MISC",
        "App Store": "MISC",
        "Google Play": "MISC",
        "ウイルスバスター モバイル": "MISC",
        "東京オリンピック・パラリンピック": "MISC",
        "Trend Micro Smart Protection Network": "MISC",
        "SPN": "MISC",
    }
    # The app's name four times; its servers ("…インフラ") are not the product.
    app = [s for s in gold.spans if s.text == "フリーWi-Fiプロテクション"]
    assert len(app) == 4
    text = demo.read_text(YAHOO_ID)
    assert all(not text[s.end :].startswith("インフラ") for s in app)
    # The company's three mentions in title and body; not the one in the related headlines.
    assert len([s for s in gold.spans if s.text == "トレンドマイクロ"]) == 3
    assert text.count("トレンドマイクロ") == 4


# --------------------------------------------------------------------------- alice and bob


def test_alice_and_bob_each_annotate_three_documents(demo: Corpus) -> None:
    assert demo.annotators() == ["alice", "bob"]
    alice, bob = demo.annotated_ids("alice"), demo.annotated_ids("bob")
    assert alice == bob
    assert len(alice) == 3 and SEED_ID in alice
    for name in ("alice", "bob"):
        assert set(demo.statuses(name).values()) == {"done"}
        for doc_id in alice:
            annotation = _load(demo, name, doc_id)
            assert annotation.annotator == name
            labels = {s.label for s in annotation.spans}
            assert {"article", "title", "boilerplate"} <= labels, (name, doc_id)
            assert labels & {"PER", "ORG", "LOC", "MISC"}, (name, doc_id)


def _keys(annotation: Annotation) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in annotation.spans}


def test_alice_and_bob_disagree_on_the_seed(demo: Corpus) -> None:
    alice, bob = _load(demo, "alice", SEED_ID), _load(demo, "bob", SEED_ID)
    only_alice, only_bob = _keys(alice) - _keys(bob), _keys(bob) - _keys(alice)
    assert only_alice and only_bob
    # The kinds of disagreement the agreement report must show:
    bob_main = next(s for s in _spans(bob, "article") if s.attrs["role"] == "main")
    alice_main = next(s for s in _spans(alice, "article") if s.attrs["role"] == "main")
    assert bob_main.start == alice_main.start and bob_main.end > alice_main.end  # a longer article
    assert any(s.label == "MISC" and s.text == "AI 원팀" for s in bob.spans)  # ORG taken for MISC
    assert any(s.label == "ORG" and s.text == "AI 원팀" for s in alice.spans)
    assert "이상민" in {s.text for s in alice.spans} - {s.text for s in bob.spans}  # a miss
    # ...and still agree on most of it.
    assert len(_keys(alice) & _keys(bob)) > 0.7 * len(_keys(alice) | _keys(bob))


def test_alice_and_bob_disagree_on_a_page_type(demo: Corpus) -> None:
    differ = [
        doc_id
        for doc_id in demo.annotated_ids("alice")
        if _load(demo, "alice", doc_id).doc_labels != _load(demo, "bob", doc_id).doc_labels
    ]
    assert len(differ) == 1


# --------------------------------------------------------------------------- the spec and the tool


def test_checked_in_annotations_match_the_spec(demo: Corpus) -> None:
    """Someone who edits a file by hand, or the spec without rebuilding, is told here."""
    expected = {(a.annotator, a.doc_id): a for a in tool.annotations_for(demo)}
    found = {}
    for annotator in [GOLD, *demo.annotators()]:
        for doc_id in demo.annotated_ids(annotator):
            found[(annotator, doc_id)] = _load(demo, annotator, doc_id)
    assert sorted(found) == sorted(expected)
    for key, annotation in expected.items():
        assert found[key].model_dump() == annotation.model_dump(), key


def test_resolve_finds_quotes_and_checks_them() -> None:
    text = "AB 서울 CD 서울 EF\n서울=뉴스핌"
    mark = tool.Mark
    assert tool.resolve(text, mark("LOC", "서울")) == [(3, 5)]
    assert tool.resolve(text, mark("LOC", "서울", n=2)) == [(9, 11)]
    assert tool.resolve(text, mark("LOC", "서울", n="all")) == [(3, 5), (9, 11), (15, 17)]
    assert tool.resolve(text, mark("LOC", "서울", within="서울=뉴스핌")) == [(15, 17)]
    assert tool.resolve(text, mark("LOC", "서울", n="all", within=("CD", "EF"))) == [(9, 11)]
    assert tool.resolve(text, mark("article", "AB", to="EF")) == [(0, 14)]


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        (("LOC", "부산"), "not found"),
        (("LOC", "서울", 4), "occurrence 4 asked, 3 found"),
        (("LOC", "서울", 1, None, "서울"), "must occur once"),
        (("article", "AB", 1, "XY"), "end 'XY' not found"),
    ],
)
def test_resolve_rejects_what_is_not_in_the_text(mark: tuple, message: str) -> None:
    text = "AB 서울 CD 서울 EF\n서울=뉴스핌"
    with pytest.raises(tool.SpecError, match=message):
        tool.resolve(text, tool.Mark(*mark))


def test_a_spec_that_breaks_the_rules_is_refused(seed_corpus: Corpus, seed_text: str) -> None:
    spec = tool.DocSpec(
        "seed.txt",
        "alice",
        (
            tool.Mark("article", "전체기사", to="맞손", attrs={"role": "main"}),
            tool.Mark("title", "산업 재계·경영"),
            tool.Mark("byline", "sjh@newspim.com"),  # outside every article
        ),
    )
    with pytest.raises(tool.SpecError, match=r"byline .* must lie inside article"):
        tool.build_annotation(spec, "seed", seed_text, seed_corpus)


def test_revise_refuses_unknown_keys() -> None:
    base = (tool.Mark("PER", "a", key="x"),)
    assert tool.revise(base, drop=["x"], add=[tool.Mark("ORG", "b")]) == (tool.Mark("ORG", "b"),)
    with pytest.raises(tool.SpecError, match="no marks with the keys"):
        tool.revise(base, drop=["y"])


# --------------------------------------------------------------------------- rebuilding


def _annotation_files(corpus: Corpus) -> dict[str, dict]:
    files = {}
    for annotator in [GOLD, *corpus.annotators()]:
        for doc_id, path in corpus.iter_annotations(annotator):
            files[f"{annotator}/{doc_id}"] = json.loads(path.read_bytes())
    return files


@pytest.mark.slow
def test_rebuild_reproduces_the_checked_in_corpus(tmp_path: Path, demo: Corpus) -> None:
    """`annotator new` + `annotator import` + the spec give the corpus that is checked in."""
    rebuilt = tool.build(tmp_path / "demo")
    stale = "corpora/demo is stale: run .venv/bin/python tools/build_demo_corpus.py"
    assert rebuilt.doc_ids() == demo.doc_ids(), stale
    for doc_id in demo.doc_ids():
        assert rebuilt.read_text(doc_id) == demo.read_text(doc_id), f"{doc_id}: {stale}"
        fresh = rebuilt.read_meta(doc_id).model_dump(exclude={"imported_at"})
        assert fresh == demo.read_meta(doc_id).model_dump(exclude={"imported_at"}), doc_id
    assert _annotation_files(rebuilt) == _annotation_files(demo), stale
    assert validate_corpus(rebuilt)[0] == []
    # No work folder or importer lock left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]
    assert not (tmp_path / "demo" / "documents" / ".import.lock").exists()


@pytest.mark.slow
def test_a_failed_rebuild_leaves_the_old_corpus_alone(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    tool.build(out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = (*tool.SPECS, tool.DocSpec(tool.SEED, "carol", (tool.Mark("PER", "홍길동"),)))
    with pytest.raises(tool.SpecError, match="홍길동"):
        tool.build(out, specs=broken)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


@pytest.mark.slow
def test_a_rebuild_changes_no_file_when_nothing_changed(tmp_path: Path) -> None:
    """The import's time stamps are carried over, so a rebuild is not a diff of every meta."""
    out = tmp_path / "demo"
    tool.build(out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # Pretend the first build was older, so a clock stamp could not match by chance.
    for path in [out / "corpus.json", *(out / "documents").glob("*.meta.json")]:
        data = json.loads(path.read_bytes())
        key = "created" if path.name == "corpus.json" else "imported_at"
        data[key] = "2020-01-01T00:00:00Z"
        path.write_bytes(tool.dump_json(data))
    stamped = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert stamped != before
    tool.build(out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == stamped
    # A document whose text changed is a new import, with a new stamp.
    text = out / "documents" / f"{SEED_ID}.txt"
    text.write_text(text.read_text("utf-8") + "x", "utf-8")
    tool.build(out)
    meta = json.loads((out / "documents" / f"{SEED_ID}.meta.json").read_bytes())
    assert meta["imported_at"] != "2020-01-01T00:00:00Z"
    assert json.loads((out / "corpus.json").read_bytes())["created"] == "2020-01-01T00:00:00Z"


def test_find_and_show_help_write_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    out = str(DEMO_CORPUS)
    assert tool.main(["--out", out, "--find", "AI\\xa0원팀", "--doc", SEED_ID]) == 0
    found = capsys.readouterr().out.splitlines()
    assert len(found) == 3 and all("AI⍽원팀" in line for line in found)
    assert tool.main(["--out", out, "--show", SEED_ID, "--annotator", "bob"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == len(_load(Corpus.open(DEMO_CORPUS), "bob", SEED_ID).spans)
    assert any("⟦산업 재계·경영⟧" in line for line in shown)
