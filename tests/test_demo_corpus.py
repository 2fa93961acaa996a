"""The bundled demo corpus (corpora/demo) and the tool that rebuilds it.

These tests read the checked-in corpus and its sources only (never ../shared).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from annotator.cli import main as cli_main
from annotator.corpus import Corpus
from annotator.model import GOLD, Annotation, Span
from annotator.rules import clean_text, is_iso_date
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
    # gold of the seed, and seed + two other documents for each of alice and bob
    assert counts["annotations"] == 1 + 3 + 3


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


def test_find_and_show_help_write_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    out = str(DEMO_CORPUS)
    assert tool.main(["--out", out, "--find", "AI\\xa0원팀", "--doc", SEED_ID]) == 0
    found = capsys.readouterr().out.splitlines()
    assert len(found) == 3 and all("AI⍽원팀" in line for line in found)
    assert tool.main(["--out", out, "--show", SEED_ID, "--annotator", "bob"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == len(_load(Corpus.open(DEMO_CORPUS), "bob", SEED_ID).spans)
    assert any("⟦산업 재계·경영⟧" in line for line in shown)
