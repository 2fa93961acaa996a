"""Pre-annotation suggestions: the seed page, patterns, alignment, gazetteer, files and CLI."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus, CorpusError, LockedError
from annotator.default_scheme import news_scheme
from annotator.evaluate import score_document
from annotator.model import GOLD, SUGGESTIONS, Annotation, DocumentMeta, LabelScheme, Span
from annotator.rules import article_body, check_annotation, clean_text, sha256_text
from annotator.suggest import DocInput, suggest_corpus, suggest_text
from annotator.suggest.align import align_lines
from annotator.suggest.boilerplate import repeated_lines
from annotator.suggest.htmlmeta import article_title, page_titles
from annotator.suggest.lines import split_lines
from annotator.suggest.locate import find_in_line, fold
from annotator.suggest.patterns import find_bylines, find_dates
from tests.conftest import DEMO_CORPUS, add_text

SEED_ID = "000_2c3ea0c0f783ca12"
FIXTURES = Path(__file__).parent / "fixtures" / "suggest"


def _suggested(corpus: Corpus, doc_id: str) -> Annotation:
    loaded = corpus.load_annotation(SUGGESTIONS, doc_id)  # re-validates the file on disk
    assert loaded is not None
    return loaded.annotation


def _one(spans: list[Span], label: str, text: str) -> Span:
    found = [s for s in spans if s.label == label and s.text == text]
    assert len(found) == 1, f"{label} {text!r}: {[(s.label, s.text[:40]) for s in spans]}"
    return found[0]


def _no_boilerplate_over_parts(spans: list[Span]) -> None:
    parts = [s for s in spans if s.label in ("title", "subtitle", "byline", "date")]
    over = [
        (b.text, p.text)
        for b in spans
        if b.label == "boilerplate"
        for p in parts
        if b.start < p.end and p.start < b.end
    ]
    assert over == [], f"boilerplate over a title, subtitle, byline or date: {over}"


def _covering(spans: list[Span], label: str, start: int, end: int) -> Span:
    found = [s for s in spans if s.label == label and s.start <= start and end <= s.end]
    assert found, f"no {label} over [{start}, {end})"
    return found[0]


# --------------------------------------------------------------------------- the seed page


@pytest.fixture
def seed_suggestions(corpus: Corpus, seed_text: str) -> tuple[Corpus, str, Annotation]:
    add_text(corpus, SEED_ID, seed_text)
    report = suggest_corpus(corpus, jobs=1)
    assert report.problems == [] and report.written == 1
    return corpus, seed_text, _suggested(corpus, SEED_ID)


def test_seed_file_is_valid_and_where_it_belongs(seed_suggestions: tuple[Corpus, str, Annotation]) -> None:
    corpus, text, annotation = seed_suggestions
    path = corpus.root / "annotations" / "suggestions" / f"{SEED_ID}.json"
    assert path.is_file()
    assert orjson.loads(path.read_bytes())["annotator"] == SUGGESTIONS
    assert check_annotation(annotation, text, corpus.scheme) == []
    assert annotation.doc_labels == {"page_type": "article"}


def test_seed_byline_email_and_dates(seed_suggestions: tuple[Corpus, str, Annotation]) -> None:
    annotation = seed_suggestions[2]
    byline = _one(annotation.spans, "byline", "[서울=뉴스핌] 심지혜 기자")
    assert byline.attrs == {
        "authors": ["심지혜"],
        "agency": "뉴스핌",
        "location": "서울",
        "email": "sjh@newspim.com",
    }
    email = _one(annotation.spans, "byline", "sjh@newspim.com")
    assert email.attrs == {"email": "sjh@newspim.com"}
    # The date span is just the date, never its label "기사입력 : " (as in the seed's gold).
    dates = [(s.start, s.end, s.text, s.attrs) for s in annotation.spans if s.label == "date"]
    assert dates[:2] == [
        (85, 102, "2020년06월03일 09:03", {"value": "2020-06-03T09:03"}),
        (111, 128, "2020년06월03일 09:05", {"value": "2020-06-03T09:05"}),
    ]
    title = [(s.start, s.end, s.text) for s in annotation.spans if s.label == "title"]
    assert title[0] == (41, 76, '"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손')
    # The photo credit "[사진=LG]" is no byline.
    bylines = [(s.start, s.end) for s in annotation.spans if s.label == "byline"]
    assert bylines[:2] == [(202, 217), (1708, 1723)]
    assert not any(s.label == "byline" and "사진" in s.text for s in annotation.spans)
    # Title, date and byline lines are parts inside the article, never boilerplate.
    _no_boilerplate_over_parts(annotation.spans)
    top = [(s.start, s.end, s.attrs["kind"]) for s in annotation.spans if s.label == "boilerplate" and s.start < 341]
    # The menus: a block where the kind changes ("속보" is the breaking-news ticker).
    assert top == [(0, 30, "navigation"), (32, 34, "related-links"), (36, 39, "navigation")]


def test_suggested_dates_carry_the_zone_the_corpus_states(corpus: Corpus, seed_text: str) -> None:
    """Imported with --timezone Asia/Seoul, the seed's suggested dates carry +09:00, as its
    gold does and as a date marked by hand gets it; without it they carry none (above)."""
    meta = DocumentMeta(
        doc_id=SEED_ID, text_sha256=sha256_text(seed_text), chars=len(seed_text),
        source="test", source_format="txt", extra={"timezone": "Asia/Seoul"},
    )
    corpus.add_document(seed_text, meta)
    assert suggest_corpus(corpus, jobs=1).written == 1
    dates = [(s.start, s.end, s.attrs) for s in _suggested(corpus, SEED_ID).spans if s.label == "date"]
    gold = Corpus.open(DEMO_CORPUS).load_annotation(GOLD, "000_2c3ea0c0f783ca12")
    assert gold is not None
    gold_dates = [(s.start, s.end, s.attrs) for s in gold.annotation.spans if s.label == "date"]
    assert dates == gold_dates
    assert dates[0] == (85, 102, {"value": "2020-06-03T09:03+09:00"})


def test_seed_navigation_footer_and_teasers(seed_suggestions: tuple[Corpus, str, Annotation]) -> None:
    _, text, annotation = seed_suggestions
    spans = annotation.spans
    assert _one(spans, "boilerplate", "더보기").attrs["kind"] == "navigation"
    # "Top으로 이동" moves the page: navigation, a block apart from the footer above it.
    to_top = _one(spans, "boilerplate", "Top으로 이동")
    assert to_top.attrs["kind"] == "navigation"
    assert _one(spans, "boilerplate", "안다쇼핑").attrs["kind"] == "footer"
    box = _one(spans, "boilerplate", "[뉴스핌 베스트 기사]")
    assert box.attrs["kind"] == "related-links"

    articles = sorted((s for s in spans if s.label == "article"), key=lambda s: s.start)
    assert [a.attrs["role"] for a in articles] == ["main", "related", "related"]
    main_article, *teasers = articles
    assert teasers[0].text.startswith("정부조직 개편 방식 '안갯속' [서울=뉴스핌] 윤채영 기자")
    assert teasers[0].text.endswith("ycy1486@newspim.com 2025-07-26 07:00")
    assert teasers[1].text.startswith("특검, 한덕수 자택·총리공관 압수수색")
    # Each teaser carries its own byline and date.
    assert _one(spans, "byline", "[서울=뉴스핌] 윤채영 기자").attrs["authors"] == ["윤채영"]
    assert _one(spans, "date", "2025-07-24 13:54").attrs == {"value": "2025-07-24T13:54"}

    # The main article runs from the title to the reporter's e-mail; its clean text keeps
    # the header lines (parts inside it), its body (clean text minus the parts) keeps only
    # the date labels of those lines, as the seed's gold does; the photo caption is out.
    assert (main_article.start, main_article.end) == (41, 1723)
    clean = clean_text(text, main_article, spans)
    assert clean.startswith('"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손\n\n기사입력 : 2020년06월03일 09:03')
    body = article_body(text, main_article, spans)
    # The two subtitle lines are parts too (as in the gold): the body goes on at the byline.
    assert body.startswith("기사입력 : \n\n최종수정 : \n\n = LG전자가 KT")
    assert "LG 트윈타워 [사진=LG]" not in clean
    assert "[서울=뉴스핌] 심지혜 기자 = LG전자가 KT" in clean
    assert " = LG전자가 KT" in body and "심지혜 기자" not in body
    caption = _one(spans, "boilerplate", "LG 트윈타워 [사진=LG]")
    assert caption.attrs["kind"] == "caption"


def test_people_files_are_never_touched(corpus: Corpus, seed_text: str) -> None:
    add_text(corpus, SEED_ID, seed_text)
    mine = corpus.new_annotation("alice", SEED_ID, seed_text)
    corpus.save_annotation(mine)
    before = corpus.annotation_path("alice", SEED_ID).read_bytes()
    suggest_corpus(corpus, jobs=1)
    assert corpus.annotation_path("alice", SEED_ID).read_bytes() == before
    assert corpus.annotated_ids("gold") == set()
    assert corpus.annotated_ids(SUGGESTIONS) == {SEED_ID}


# --------------------------------------------------------------------------- options


def test_only_limits_the_sources(corpus: Corpus, seed_text: str) -> None:
    add_text(corpus, SEED_ID, seed_text)
    suggest_corpus(corpus, only=["boilerplate"], jobs=1)
    labels = {s.label for s in _suggested(corpus, SEED_ID).spans}
    assert labels == {"boilerplate"}
    # A byline must lie inside an article, so asking for bylines brings the articles.
    suggest_corpus(corpus, only=["byline"], jobs=1)
    labels = {s.label for s in _suggested(corpus, SEED_ID).spans}
    assert labels == {"byline", "article"}


def test_unknown_source_is_a_usage_error(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", str(corpus.root), "--only", "article,colour"]) == 2
    assert "colour" in capsys.readouterr().err


def test_a_broken_suggestions_file_is_not_overwritten(corpus: Corpus, seed_text: str) -> None:
    add_text(corpus, SEED_ID, seed_text)
    path = corpus.annotation_path(SUGGESTIONS, SEED_ID)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"spans": [')
    report = suggest_corpus(corpus, jobs=1)
    assert report.written == 0
    assert len(report.problems) == 1 and str(path) in report.problems[0]
    assert path.read_bytes() == b'{"spans": ['


def test_the_suggestions_lock_is_taken(corpus: Corpus, seed_text: str) -> None:
    add_text(corpus, SEED_ID, seed_text)
    with corpus.lock(SUGGESTIONS), pytest.raises(LockedError):
        suggest_corpus(Corpus.open(corpus.root), jobs=1)
    assert corpus.annotated_ids(SUGGESTIONS) == set()


def test_unknown_document_is_refused(corpus: Corpus) -> None:
    with pytest.raises(CorpusError, match="nope"):
        suggest_corpus(corpus, ["nope"], jobs=1)


# --------------------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    ("text", "span", "attrs"),
    [
        (
            "(서울=연합뉴스) 홍길동·김철수 기자 = 정부가",
            "(서울=연합뉴스) 홍길동·김철수 기자",
            {"authors": ["홍길동", "김철수"], "agency": "연합뉴스", "location": "서울"},
        ),
        ("[워싱턴=뉴스핌] 김근철 특파원 = 미국", "[워싱턴=뉴스핌] 김근철 특파원",
         {"authors": ["김근철"], "agency": "뉴스핌", "location": "워싱턴"}),
        ("홍길동 기자 hong@example.co.kr", "홍길동 기자 hong@example.co.kr",
         {"authors": ["홍길동"], "email": "hong@example.co.kr"}),
        ("By Jane Doe and John Roe, Reuters", "By Jane Doe and John Roe, Reuters",
         {"authors": ["Jane Doe", "John Roe"], "agency": "Reuters"}),
        ("By Jane Doe", "By Jane Doe", {"authors": ["Jane Doe"]}),
    ],
)
def test_bylines(text: str, span: str, attrs: dict[str, object]) -> None:
    found = find_bylines(text)
    assert [(text[f.start : f.end], f.attrs) for f in found] == [(span, attrs)]


def test_no_byline_in_plain_prose() -> None:
    assert find_bylines("The committee met by the river on Monday and agreed.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("기사입력 : 2020년06월03일 09:03", "2020-06-03T09:03"),
        ("2020년 6월 3일 오후 3:05", "2020-06-03T15:05"),
        ("2025-07-26 07:00", "2025-07-26T07:00"),
        ("2025.07.02", "2025-07-02"),
        ("Updated Nov. 18, 2019 10:00 PM", "2019-11-18T22:00"),
        ("3 June 2020", "2020-06-03"),
    ],
)
def test_dates(text: str, value: str) -> None:
    assert [f.attrs["value"] for f in find_dates(text)] == [value]


def test_impossible_dates_are_ignored() -> None:
    assert find_dates("2020-13-45 and 2019년 2월 30일") == []


# --------------------------------------------------------------------------- alignment


def test_alignment_keeps_the_extracted_lines_once_and_in_order() -> None:
    text = (
        "Home News Sport\n"
        "Storm closes the harbour for two days\n"  # the title, repeated in the body's first line
        "Share\n"
        "Storm closes the harbour for two days, the port authority said on Monday.\n"
        "Advertisement\n"
        "Ships waited outside while the wind blew at ninety knots. Read more: weather live blog today\n"
        "Why it matters\n"
        "Fishing boats lost a week of work in the middle of the season.\n"
        "Footer links Contact\n"
    )
    extracted = (
        "Storm closes the harbour for two days, the port authority said on Monday. "
        "Ships waited outside while the wind blew at ninety knots.\n\n"
        "Why it matters\nFishing boats lost a week of work in the middle of the season."
    )
    lines = split_lines(text)
    matches = align_lines(text, lines, extracted)
    kept = [m.line.text for m in matches if m.total and m.ratio >= 0.5]
    assert kept == [
        "Storm closes the harbour for two days, the port authority said on Monday.",
        "Ships waited outside while the wind blew at ninety knots. Read more: weather live blog today",
        "Why it matters",
        "Fishing boats lost a week of work in the middle of the season.",
    ]
    gaps = [text[a:b] for m in matches if m.ratio >= 0.5 for a, b in m.gaps]
    assert gaps == ["Read more: weather live blog today"]


def test_extractor_output_becomes_article_minus_boilerplate() -> None:
    text = (
        "Menu\nSearch\n\nA quiet town gets a new bridge\n\nBy Jane Doe\n\n"
        "The new bridge opened on Tuesday after three years of building work.\n\n"
        "Sponsored\n\n"
        "Traffic is expected to fall by a third in the old town centre.\n\n"
        "Related stories\nOther town news\n© 2024 The Paper\n"
    )
    extracted = (
        "The new bridge opened on Tuesday after three years of building work.\n"
        "Traffic is expected to fall by a third in the old town centre."
    )
    doc = DocInput("d1", text, html_meta={"og:title": "A quiet town gets a new bridge | The Paper", "author": "Jane Doe"})
    annotation, method = suggest_text(doc, _scheme(), extracted=extracted)
    assert method == "extractor"
    spans = annotation.spans
    main_article = _one(spans, "article", text[text.index("A quiet") : text.index("centre.") + 7])
    # The title and byline lines are parts inside the article: its body is the extractor's.
    assert article_body(text, main_article, spans) == extracted.replace("\n", "\n\n")
    assert _one(spans, "title", "A quiet town gets a new bridge")
    assert _one(spans, "byline", "By Jane Doe").attrs == {"authors": ["Jane Doe"]}
    assert _one(spans, "boilerplate", "Sponsored").attrs["kind"] == "advertisement"
    assert _covering(spans, "boilerplate", 0, 11).attrs["kind"] == "navigation"
    assert check_annotation(annotation, text, _scheme()) == []


def _scheme() -> LabelScheme:
    return news_scheme()


# --------------------------------------------------------------------------- repeated lines


def test_repeated_lines_of_a_site_become_boilerplate(corpus: Corpus) -> None:
    body = [
        "The council voted on Monday to keep the library open for another five years at least.",
        "Farmers in the valley report the best harvest of apples since the records began in 1950.",
        "A new bus line will link the station to the hospital from the first of next month on.",
    ]
    for i, line in enumerate(body):
        text = f"Local Gazette\nWeather Jobs Cars\n\n{line}\n{line}\n\nSubscribe to our newsletter today\n"
        meta = DocumentMeta(
            doc_id=f"p{i}", text_sha256=sha256_text(text), chars=len(text), source=f"t{i}",
            source_format="txt", url=f"https://www.gazette.example/news/{i}",
        )
        corpus.add_document(text, meta)
    assert repeated_lines([corpus.read_text(d) for d in corpus.doc_ids()]) == frozenset(
        {"local gazette", "weather jobs cars", "subscribe to our newsletter today"}
    )
    suggest_corpus(corpus, jobs=1)
    text = corpus.read_text("p1")
    spans = _suggested(corpus, "p1").spans
    last = text.index("Subscribe")
    tail = _covering(spans, "boilerplate", last, last + len("Subscribe to our newsletter today"))
    assert tail.attrs["kind"] == "footer"
    assert _covering(spans, "boilerplate", 0, text.index("\n\n")).attrs["kind"] == "navigation"


def test_identical_pages_are_not_a_site() -> None:
    assert repeated_lines(["Menu\nBody text here\n"] * 5) == frozenset()


# --------------------------------------------------------------------------- entities


def test_entities_come_from_what_people_labelled(corpus: Corpus) -> None:
    first = add_text(corpus, "a", "LG전자와 KT가 손잡았다. 심지혜 기자가 썼다.\n")
    second = add_text(corpus, "b", "KT는 LG전자가 만든 제품을 판다. KTX는 기차다.\n")

    def span(text: str, i: int, surface: str, label: str) -> Span:
        start = text.index(surface)
        return Span(id=f"s{i}", start=start, end=start + len(surface), label=label, text=surface)

    people = corpus.new_annotation("alice", "a", first)
    people.spans = [span(first, 1, "LG전자", "ORG"), span(first, 2, "KT", "ORG"), span(first, 3, "심지혜", "PER")]
    corpus.save_annotation(people)
    # What the tool suggested itself is no evidence.
    own = corpus.new_annotation(SUGGESTIONS, "a", first)
    own.spans = [span(first, 1, "손잡았다", "MISC")]
    corpus.save_annotation(own)

    suggest_corpus(corpus, ["b"], only=["entity"], jobs=1)
    found = [(s.text, s.label, s.start) for s in _suggested(corpus, "b").spans]
    assert found == [("KT", "ORG", 0), ("LG전자", "ORG", second.index("LG전자"))]


# --------------------------------------------------------------------------- command line


def test_cli_with_two_workers(corpus: Corpus, seed_text: str, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(5):
        add_text(corpus, f"seed{i}", seed_text + "\n" * i)
    code = main(["suggest", str(corpus.root), "--jobs", "2", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["documents"] == 5 and summary["written"] == 5 and summary["problems"] == []
    assert summary["spans"]["article"] == 15
    for i in range(5):
        spans = _suggested(corpus, f"seed{i}").spans
        assert _one(spans, "byline", "[서울=뉴스핌] 심지혜 기자").attrs["email"] == "sjh@newspim.com"


def test_cli_docs_option(corpus: Corpus, seed_text: str, capsys: pytest.CaptureFixture[str]) -> None:
    add_text(corpus, "one", seed_text)
    add_text(corpus, "two", seed_text + "\n")
    assert main(["suggest", str(corpus.root), "--docs", "two", "--jobs", "1"]) == 0
    assert corpus.annotated_ids(SUGGESTIONS) == {"two"}
    assert main(["suggest", str(corpus.root), "--docs", "three"]) == 2
    assert "three" in capsys.readouterr().err


# --------------------------------------------------------------------------- HTML sources


def _import_html(corpus: Corpus, folder: Path, name: str, data: bytes) -> str:
    """Import one HTML page with ``annotator import`` and return its document id."""
    path = folder / f"{name}.html"
    path.write_bytes(data)
    before = set(corpus.doc_ids())
    assert main(["import", str(corpus.root), str(path)]) == 0
    (doc_id,) = set(corpus.doc_ids()) - before
    meta = corpus.read_meta(doc_id)
    assert meta.html_source and (corpus.documents_dir / meta.html_source).is_file()
    return doc_id


def test_html_pages_match_the_ground_truth(corpus: Corpus, tmp_path: Path) -> None:
    truth = json.loads((FIXTURES / "aeb" / "ground-truth.json").read_text("utf-8"))
    ids = {}
    for key in truth:
        data = gzip.decompress((FIXTURES / "aeb" / f"{key}.html.gz").read_bytes())
        ids[key] = _import_html(corpus, tmp_path, key[:16], data)
    report = suggest_corpus(corpus, jobs=1)
    assert report.problems == [] and report.methods == {"extractor": 3}
    for key, entry in truth.items():
        text = corpus.read_text(ids[key])
        spans = _suggested(corpus, ids[key]).spans
        main_article = [s for s in spans if s.label == "article" and s.attrs["role"] == "main"]
        assert len(main_article) == 1
        score = score_document(entry["articleBody"], article_body(text, main_article[0], spans))
        assert score.f1 >= 0.95, (key, score)


def test_html_title_is_located_without_the_site_name(corpus: Corpus, tmp_path: Path) -> None:
    case = FIXTURES / "readability" / "001"
    expected = json.loads((case / "expected-metadata.json").read_text("utf-8"))
    doc_id = _import_html(corpus, tmp_path, "r001", gzip.decompress((case / "source.html.gz").read_bytes()))
    suggest_corpus(corpus, jobs=1)
    spans = _suggested(corpus, doc_id).spans
    # <title> is "Get your Frontend JavaScript Code Covered | Code | Nicolas Perriault";
    # the page's heading is the part without the site name.
    assert [s.text for s in spans if s.label == "title"] == ["Get your Frontend JavaScript Code Covered"]
    assert expected["title"].startswith("Get your Frontend JavaScript Code Covered")
    main_article = next(s for s in spans if s.label == "article")
    assert main_article.text.startswith("Get your Frontend JavaScript Code Covered\n")
    # The extractor kept the heading with the body here, so the clean text has it too; the
    # site's greeting above is boilerplate outside the article.
    text = corpus.read_text(doc_id)
    assert clean_text(text, main_article, spans).startswith("Get your Frontend JavaScript Code Covered\n\nSo finally")
    assert _covering(spans, "boilerplate", 0, text.index("I write rants.")).start == 0


def test_html_byline_from_the_page(corpus: Corpus, tmp_path: Path) -> None:
    case = FIXTURES / "readability" / "002"
    expected = json.loads((case / "expected-metadata.json").read_text("utf-8"))
    doc_id = _import_html(corpus, tmp_path, "r002", gzip.decompress((case / "source.html.gz").read_bytes()))
    suggest_corpus(corpus, jobs=1)
    spans = _suggested(corpus, doc_id).spans
    bylines = [s for s in spans if s.label == "byline"]
    assert [s.attrs.get("authors") for s in bylines] == [[expected["byline"]]]
    assert [s.text for s in spans if s.label == "title"] == [expected["title"]]


def test_copies_of_one_article_are_not_a_site() -> None:
    prose = "A long paragraph of the article that is certainly prose and not a menu of the site at all."
    copies = [f"Menu\n{prose}\nCopy {i}\n" for i in range(5)]
    assert repeated_lines(copies) == frozenset()
    others = [f"Menu\nAnother article number {i} with its own long paragraph of prose in it, a real one.\n" for i in range(3)]
    assert repeated_lines(copies + others) == frozenset({"menu"})


# --------------------------------------------------------------------------- titles and bylines from the markup


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The site's name after the last separator goes; what is left has 3+ words.
        ("Get your Frontend JavaScript Code Covered | Code | Nicolas Perriault",
         "Get your Frontend JavaScript Code Covered | Code"),
        ("Lorem ipsum dolor sit amet – My website", "Lorem ipsum dolor sit amet"),
        # Too few words left: the whole title stays.
        ("Mozilla - Wikipedia", "Mozilla - Wikipedia"),
        ("Evolve: Shared Mutable History — evolve extension for Mercurial",
         "Evolve: Shared Mutable History — evolve extension for Mercurial"),
        # No separator, a colon and no heading equal to it: the part after the colon.
        ("Daring Fireball: Some rather long article title here", "Some rather long article title here"),
    ],
)
def test_readability_title_rules(title: str, expected: str) -> None:
    assert article_title(title, [], []) == expected


def test_readability_title_colon_kept_when_a_heading_says_it() -> None:
    title = "This is a long title with a colon: Hello there"
    assert article_title(title, [title], [title]) == title


def test_page_titles_follow_readability_precedence() -> None:
    html = """<html><head><title>Cleaned Title Of The Page | Site</title>
    <meta property="og:title" content="The Open Graph title">
    <meta name="DC.Creator" content="First, Author"><meta name="DC.Creator" content="Second, Author">
    <script type="application/ld+json">[{"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "The JSON-LD headline", "author": [{"name": "Jane Doe"}, {"name": "John Roe"}]}]</script>
    </head><body><h1>Site logo</h1><h1>The JSON-LD headline</h1>
    <div class="sidebar"><span class="author">Not The Author</span></div>
    <p class="byline" style="display: none">Hidden Byline</p><p class="byline">By Jane Doe</p>
    </body></html>"""
    page = page_titles(html)
    assert page.title == "The JSON-LD headline"  # JSON-LD first, even inside a list
    assert page.titles()[:4] == [
        "The JSON-LD headline", "The Open Graph title", "Cleaned Title Of The Page", "Cleaned Title Of The Page | Site",
    ]
    assert page.headings == ("Site logo", "The JSON-LD headline")
    assert page.byline == "Jane Doe, John Roe"  # JSON-LD authors before dc:creator
    # Hidden elements and unlikely boxes (a sidebar) are skipped, as readability does.
    assert page.byline_elements == ("By Jane Doe",)
    meta_only = page_titles(html.replace("application/ld+json", "text/plain"))
    assert meta_only.title == "The Open Graph title"
    assert meta_only.byline == "Second, Author"  # the last dc:creator wins, as in readability


def test_fold_keeps_offsets_into_the_text() -> None:
    folded, offsets = fold("“Burned  Her” — Up")
    assert folded == '"burned her" - up'
    assert [offsets[i] for i in (0, 7, 8, 11, 13)] == [0, 7, 9, 12, 14]


@pytest.mark.parametrize(
    ("line", "candidate", "found", "whole"),
    [
        ("Student Dies “Burned Her Up”", 'Student Dies "Burned Her Up"', "Student Dies “Burned Her Up”", True),
        ("Mac & i > News > 2015 > 1Password für Mac generiert Einmal-Passwörter",
         "1Password für Mac generiert Einmal-Passwörter", "1Password für Mac generiert Einmal-Passwörter", False),
        # Not set apart by a separator: "The" belongs to the heading, no part of it is the title.
        ("The seven secrets that hotel owners don't want you to know",
         "Seven secrets that hotel owners don't want you to know", None, False),
        # Too short to be a title inside a longer line.
        ("Home | News | Sport", "News", None, False),
    ],
)
def test_find_title_in_a_line(line: str, candidate: str, found: str | None, whole: bool) -> None:
    (parsed,) = split_lines(line)
    hit = find_in_line(parsed, candidate)
    if found is None:
        assert hit is None
    else:
        assert hit is not None and line[hit.start : hit.end] == found and hit.whole == whole


def _suggest_html(text: str, html: str, extracted: str) -> list[Span]:
    annotation, method = suggest_text(DocInput("d", text, html=html), _scheme(), extracted=extracted)
    assert method == "extractor"
    assert check_annotation(annotation, text, _scheme()) == []
    return annotation.spans


def test_title_above_a_teaser_box_and_byline_with_its_date_left_out() -> None:
    text = (
        "Menu\n\nThe Spectacular Story Of Metroid, One Of Gaming's Richest Universes\n\n"
        "You may also like\n\nA teaser about something else entirely that is here\n\n"
        "By Jane Doe March 11, 2015 3:46 PM Follow @janedoe\n\n"
        "The first paragraph of the story is long enough to be the body of the article.\n\n"
        "The second paragraph of the story is also long and ends the article here.\n"
    )
    html = (
        "<html><head><title>The Spectacular Story Of Metroid, One Of Gaming's Richest Universes | Site</title>"
        "</head><body><p class='byline'>By Jane Doe March 11, 2015 3:46 PM</p></body></html>"
    )
    extracted = (
        "The first paragraph of the story is long enough to be the body of the article.\n"
        "The second paragraph of the story is also long and ends the article here."
    )
    spans = _suggest_html(text, html, extracted)
    title = _one(spans, "title", "The Spectacular Story Of Metroid, One Of Gaming's Richest Universes")
    article = _one(spans, "article", text[title.start : text.index("here.\n") + 5])
    assert article.attrs["role"] == "main"
    # The byline element's date is the date's own span, not part of the byline.
    assert _one(spans, "byline", "By Jane Doe").attrs == {"authors": ["Jane Doe"]}
    assert _one(spans, "date", "March 11, 2015 3:46 PM").attrs == {"value": "2015-03-11T15:46"}
    assert article_body(text, article, spans) == extracted.replace("\n", "\n\n")
    # What the header line holds besides the byline and the date is header boilerplate;
    # no boilerplate covers the title, the byline or the date.
    assert _one(spans, "boilerplate", "Follow @janedoe").attrs == {"kind": "header"}
    _no_boilerplate_over_parts(spans)


def test_byline_just_above_the_article_widens_it() -> None:
    text = (
        "Sign in\n\nby Eleanor Roy (reporting) and Adrian Malloch (photography)\n\n"
        "Whales come ashore\n\n"
        "The first paragraph of the story is long enough to be the body of the article.\n"
    )
    html = (
        "<html><head><title>Whales come ashore | Paper</title><meta name='author' content='Eleanor Roy'>"
        "</head><body></body></html>"
    )
    extracted = "The first paragraph of the story is long enough to be the body of the article."
    spans = _suggest_html(text, html, extracted)
    line = "by Eleanor Roy (reporting) and Adrian Malloch (photography)"
    # The whole "by ..." line; the authors are the ones the metadata names.
    assert _one(spans, "byline", line).attrs == {"authors": ["Eleanor Roy"]}
    article = next(s for s in spans if s.label == "article")
    assert article.start == text.index(line)
    assert _one(spans, "title", "Whales come ashore")
    assert article_body(text, article, spans) == extracted
    _no_boilerplate_over_parts(spans)


def test_a_name_in_prose_or_a_breadcrumb_is_no_byline() -> None:
    text = (
        "Mac & i > News > 2015 > A new version of the password manager\n\n"
        "A new version of the password manager\n\n"
        "The first paragraph of the story mentions Mac & i in its text, which is long enough to be prose "
        "of the body and no byline at all, whatever the metadata says about the author of it.\n"
    )
    html = (
        "<html><head><title>A new version of the password manager | Mac &amp; i</title>"
        "<meta name='author' content='Mac & i'></head><body></body></html>"
    )
    spans = _suggest_html(text, html, text.splitlines()[-1])
    assert [s for s in spans if s.label == "byline"] == []
    # The heading line, not the same words at the end of the breadcrumb.
    assert _one(spans, "title", "A new version of the password manager").start == text.index("\n\nA new") + 2


@pytest.mark.parametrize(
    ("case", "title", "byline"),
    [
        # og:title is the heading line, not the same words at the end of the breadcrumb above it.
        ("heise", "1Password für Mac generiert Einmal-Passwörter", None),
        # dc:title, a line inside the extracted body (a <pre> page).
        ("ietf-1", "remoteStorage", None),
        # The first byline element; the "Follow @..." element after it is not a person.
        ("wapo-1", "Attack stokes instability fears in North Africa", ("By Erin Cunningham", ["Erin Cunningham"])),
    ],
)
def test_readability_pages_title_and_byline(
    corpus: Corpus, tmp_path: Path, case: str, title: str, byline: tuple[str, list[str]] | None
) -> None:
    folder = FIXTURES / "readability" / case
    expected = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
    doc_id = _import_html(corpus, tmp_path, case, gzip.decompress((folder / "source.html.gz").read_bytes()))
    suggest_corpus(corpus, jobs=1)
    spans = _suggested(corpus, doc_id).spans
    text = corpus.read_text(doc_id)
    assert [s.text for s in spans if s.label == "title"] == [title] == [expected["title"]]
    assert check_annotation(_suggested(corpus, doc_id), text, corpus.scheme) == []
    named = [(s.text, s.attrs.get("authors")) for s in spans if s.label == "byline" and "authors" in s.attrs]
    assert named == ([byline] if byline else [])
    if byline:
        assert byline[0] == expected["byline"]


# --------------------------------------------------------------------------- the seed's gold


def _structure(spans: list[Span]) -> set[tuple[str, int, int, str]]:
    return {
        (s.label, s.start, s.end, orjson.dumps(s.attrs, option=orjson.OPT_SORT_KEYS).decode())
        for s in spans
        if s.label not in ("PER", "ORG", "LOC", "MISC")
    }


def test_seed_structure_suggestions_are_its_gold_but_one_kind(corpus: Corpus, seed_text: str) -> None:
    """Imported as the demo has it (Asia/Seoul), the seed's structure and part suggestions
    are its gold span for span: the menus as three blocks, subtitles, the teasers' titles,
    their bylines with the e-mail at their end, their photo captions as caption boilerplate
    (never bylines). Only the "안다쇼핑" ad is a footer by its look."""
    meta = DocumentMeta(
        doc_id=SEED_ID, text_sha256=sha256_text(seed_text), chars=len(seed_text),
        source="test", source_format="txt", extra={"timezone": "Asia/Seoul"},
    )
    corpus.add_document(seed_text, meta)
    assert suggest_corpus(corpus, jobs=1, only=["boilerplate", "article", "byline", "title", "date"]).written == 1
    got = _structure(_suggested(corpus, SEED_ID).spans)
    gold = Corpus.open(DEMO_CORPUS).load_annotation(GOLD, SEED_ID)
    assert gold is not None
    want = _structure(gold.annotation.spans)
    assert want - got == {("boilerplate", 3728, 3732, '{"kind":"advertisement"}')}
    assert got - want == {("boilerplate", 3728, 3732, '{"kind":"footer"}')}


def test_seed_teasers_parts_and_photo_captions(seed_suggestions: tuple[Corpus, str, Annotation]) -> None:
    _, text, annotation = seed_suggestions
    spans = annotation.spans
    titles = [(s.start, s.end, s.text) for s in spans if s.label == "title"]
    assert titles[1:] == [
        (1742, 1758, "정부조직 개편 방식 '안갯속'"),
        (3283, 3304, '특검, 한덕수 자택·총리공관 압수수색"'),
    ]
    subtitles = [(s.start, s.end) for s in spans if s.label == "subtitle"]
    assert subtitles == [(130, 171), (172, 200)]
    # A photographer's credit in a caption is no byline; the teaser's byline gets the
    # e-mail at the teaser's end, not the photographer's.
    bylines = {s.text: s.attrs.get("email") for s in spans if s.label == "byline"}
    assert bylines == {
        "[서울=뉴스핌] 심지혜 기자": "sjh@newspim.com",
        "sjh@newspim.com": "sjh@newspim.com",
        "[서울=뉴스핌] 윤채영 기자": "ycy1486@newspim.com",
        "ycy1486@newspim.com": "ycy1486@newspim.com",
        "[세종=뉴스핌] 양가희 기자": "sheep@newspim.com",
        "sheep@newspim.com": "sheep@newspim.com",
    }
    captions = [(s.start, s.end) for s in spans if s.label == "boilerplate" and s.attrs["kind"] == "caption"]
    assert captions == [(341, 356), (1739, 1741), (2001, 2062), (3280, 3282), (3443, 3561)]
    assert text[2001:2062].endswith("2025.07.22 gdlee@newspim.com")


def test_no_subtitle_when_a_paragraph_comes_before_the_byline(corpus: Corpus, seed_text: str) -> None:
    """Only short lines between the title block and the byline are subtitles: a paragraph
    there means the header is not the one the rule knows, and nothing is suggested."""
    line = "감염병 등 사회문제 해결, 인재육성 등에 공동 노력"
    text = seed_text.replace(line, line + " 그리고 아주 긴 문장이 이어져서 이 줄은 부제목이 아니라 본문의 한 문단처럼 읽힌다." * 2)
    add_text(corpus, SEED_ID, text)
    suggest_corpus(corpus, jobs=1)
    spans = _suggested(corpus, SEED_ID).spans
    assert [s for s in spans if s.label == "subtitle"] == []
    assert _one(spans, "byline", "[서울=뉴스핌] 심지혜 기자").start == text.index("[서울=뉴스핌] 심지혜")
