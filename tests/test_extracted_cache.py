"""The extractors' text kept per page (annotator.suggest.extracted, docs/adr/0033): suggest
keeps trafilatura's text, train reuses it (and keeps readability's), results are the same
as without the cache, and a changed page, a changed library or a broken entry is a miss."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.suggest import extract as extract_module
from annotator.suggest import extracted as cache_module
from annotator.suggest.extracted import CACHE_FOLDER, ExtractionCache, extracted_texts, page_key
from annotator.suggest.runner import read_doc
from annotator.sync import GITIGNORE_LINES
from tests.cli_helpers import run

FIXTURES = Path(__file__).parent / "fixtures" / "bodies"


def gold_corpus(root: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, "new", str(root))[0] == 0
    bodies = ["--bodies", str(FIXTURES / "ground-truth.json")]
    assert run(capsys, "import", str(root), str(FIXTURES / "html"), *bodies)[0] == 0
    return root


def suggestions(corpus: Corpus) -> dict[str, dict[str, object]]:
    """Each document's suggestions file, but for when it was written."""
    found = {}
    for doc_id in corpus.doc_ids():
        data = orjson.loads(corpus.annotation_path("suggestions", doc_id).read_bytes())
        del data["updated_at"]
        found[doc_id] = data
    assert all(data["spans"] for data in found.values())
    return found


def refuse(*_: object, **__: object) -> str:
    raise AssertionError("extracted again: the kept text should have been used")


def test_suggest_keeps_trafilaturas_text_for_each_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = gold_corpus(tmp_path / "c", capsys)
    corpus = Corpus.open(root)
    assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    first = suggestions(corpus)
    cache = ExtractionCache(root)
    for doc_id in corpus.doc_ids():
        doc = read_doc(corpus, doc_id)
        entry = orjson.loads(cache.path(doc_id).read_bytes())
        assert entry["key"] == page_key(doc.html or "", doc.url)
        assert entry["texts"] == {"trafilatura": extract_module.extract_main(doc.html or "", doc.url)}
    # Suggested again: nothing is extracted, and the suggestions are the same.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract_module, "extract_main", refuse)
        assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    assert suggestions(corpus) == first


def test_train_reuses_the_kept_texts_and_trains_the_same_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("lightgbm")
    root = gold_corpus(tmp_path / "c", capsys)
    plain = tmp_path / "plain"
    shutil.copytree(root, plain)
    # Trained with nothing kept (the cache then deleted): the reference model.
    assert run(capsys, "train", str(plain), "--jobs", "1")[0] == 0
    shutil.rmtree(plain / CACHE_FOLDER)
    assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract_module, "extract_main", refuse)
        # trafilatura's text from suggest; readability's is made once and kept.
        assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
        mp.setattr(extract_module, "readability_text", refuse)
        assert run(capsys, "train", str(root), "--jobs", "1", "--out", str(tmp_path / "again"))[0] == 0
    reference = (plain / "models" / "model.txt").read_bytes()
    assert (root / "models" / "model.txt").read_bytes() == reference
    assert (tmp_path / "again" / "model.txt").read_bytes() == reference
    corpus = Corpus.open(root)
    texts = orjson.loads(ExtractionCache(root).path(corpus.doc_ids()[0]).read_bytes())["texts"]
    assert set(texts) == {"trafilatura", "readability"}


def test_another_page_url_or_library_version_is_a_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    key = page_key("<p>Hello</p>", "https://a.example/1")
    assert page_key("<p>Hello</p>", "https://a.example/1") == key
    assert page_key("<p>Hello!</p>", "https://a.example/1") != key
    assert page_key("<p>Hello</p>", "https://a.example/2") != key
    assert page_key("<p>Hello</p>", None) != key
    cache_module._versions.cache_clear()
    monkeypatch.setattr(cache_module, "EXTRACTION_VERSION", cache_module.EXTRACTION_VERSION + 1)
    try:
        assert page_key("<p>Hello</p>", "https://a.example/1") != key
    finally:
        cache_module._versions.cache_clear()


PAGE = "<html><body><article><h1>Storm</h1>" + "<p>The storm closed the harbour for two days. </p>" * 20 + "</article></body></html>"


def doc_of(corpus_root: Path, html: str = PAGE) -> object:
    from annotator.suggest.engine import DocInput

    return DocInput("d1", "text", html, "https://a.example/1", {}, None)


@pytest.mark.parametrize(
    "broken",
    [b"", b"{not json", b"[1, 2]", b'{"key": 1}', b'{"key": "KEY", "texts": ["x"]}', b'{"key": "KEY", "texts": {"trafilatura": 7}}'],
)
def test_a_broken_entry_is_a_miss_and_is_written_anew(tmp_path: Path, broken: bytes) -> None:
    cache = ExtractionCache(tmp_path)
    doc = doc_of(tmp_path)
    expected = extract_module.extract_main(PAGE, "https://a.example/1")
    assert "storm closed the harbour" in expected
    cache.folder.mkdir(parents=True)
    key = page_key(PAGE, "https://a.example/1")
    cache.path("d1").write_bytes(broken.replace(b"KEY", key.encode()))
    assert extracted_texts(cache, doc) == (expected, None)  # type: ignore[arg-type]
    assert orjson.loads(cache.path("d1").read_bytes()) == {"key": key, "texts": {"trafilatura": expected}}


def test_an_entry_of_another_page_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ExtractionCache(tmp_path)
    cache.store("d1", page_key("<p>old page</p>", "https://a.example/1"), {"trafilatura": "old text"})
    text, _ = extracted_texts(cache, doc_of(tmp_path))  # type: ignore[arg-type]
    assert text != "old text" and "storm closed" in text
    assert orjson.loads(cache.path("d1").read_bytes())["key"] == page_key(PAGE, "https://a.example/1")
    # Kept for this page now: the next call does not extract.
    monkeypatch.setattr(extract_module, "extract_main", refuse)
    assert extracted_texts(cache, doc_of(tmp_path))[0] == text  # type: ignore[arg-type]


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    (tmp_path / ".cache").write_text("a file where the folder would go")
    cache = ExtractionCache(tmp_path)
    text, read = extracted_texts(cache, doc_of(tmp_path), readability=True)  # type: ignore[arg-type]
    assert "storm closed" in text and "storm closed" in read.lower()  # type: ignore[union-attr]
    assert (tmp_path / ".cache").read_text() == "a file where the folder would go"
    assert not list(tmp_path.glob(".cache*/**/*.tmp"))


def test_git_never_carries_the_cache() -> None:
    assert ".cache/" in GITIGNORE_LINES


def test_suggest_with_a_model_keeps_readabilitys_text_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("lightgbm")
    root = gold_corpus(tmp_path / "c", capsys)
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    shutil.rmtree(root / CACHE_FOLDER)
    assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0  # with CORPUS/models
    corpus = Corpus.open(root)
    first = suggestions(corpus)
    for doc_id in corpus.doc_ids():
        texts = orjson.loads(ExtractionCache(root).path(doc_id).read_bytes())["texts"]
        assert set(texts) == {"trafilatura", "readability"}
    # Suggested again with the model: neither extractor runs, the suggestions are the same.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract_module, "extract_main", refuse)
        mp.setattr(extract_module, "readability_text", refuse)
        assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    assert suggestions(corpus) == first


def test_ordering_by_uncertainty_reads_the_kept_texts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("lightgbm")
    root = gold_corpus(tmp_path / "c", capsys)
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0  # keeps both texts of every page
    plain = tmp_path / "plain"
    shutil.copytree(root, plain)
    shutil.rmtree(plain / CACHE_FOLDER)
    argv = ["--annotators", "a", "b", "--order", "uncertain", "--jobs", "1", "--seed", "1", "--json"]
    code, out, err = run(capsys, "assign", str(plain), *argv)
    assert code == 0, err
    expected = orjson.loads(out)["ordering"]["scores"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract_module, "extract_main", refuse)
        mp.setattr(extract_module, "readability_text", refuse)
        code, out, err = run(capsys, "assign", str(root), *argv)
    assert code == 0, err
    assert orjson.loads(out)["ordering"]["scores"] == expected and len(expected) == 4
    # The run without a cache kept the texts it extracted.
    assert len(list((plain / CACHE_FOLDER).glob("*.json"))) == 4


def test_readability_is_read_from_trafilaturas_own_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/adr/0035: trafilatura runs readability on every page; training with nothing kept
    reads that summary instead of running readability a second time, and gets the very text
    readability gives on its own."""
    pytest.importorskip("lightgbm")
    from annotator.suggest.extract import readability_text

    root = gold_corpus(tmp_path / "c", capsys)
    corpus = Corpus.open(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract_module, "readability_text", refuse)
        assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    cache = ExtractionCache(root)
    read_texts = 0
    for doc_id in corpus.doc_ids():
        doc = read_doc(corpus, doc_id)
        texts = orjson.loads(cache.path(doc_id).read_bytes())["texts"]
        assert texts["readability"] == readability_text(doc.html or "")
        assert texts["trafilatura"] == extract_module.extract_main(doc.html or "", doc.url)
        read_texts += bool(texts["readability"])
    assert read_texts == len(corpus.doc_ids())


def test_readability_runs_apart_when_trafilatura_made_no_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another trafilatura, or a page it cut short: readability's text is made apart."""
    from annotator.suggest.extract import readability_text

    root = gold_corpus(tmp_path / "c", capsys)
    corpus = Corpus.open(root)
    doc = read_doc(corpus, corpus.doc_ids()[0])
    html = doc.html or ""
    expected = (extract_module.extract_main(html, doc.url), readability_text(html))
    assert cache_module.extract_texts(html, doc.url, readability=True) == expected
    monkeypatch.setattr(extract_module, "extract_with_readability", lambda h, u: (extract_module.extract_main(h, u), None))
    assert cache_module.extract_texts(html, doc.url, readability=True) == expected
    assert extracted_texts(ExtractionCache(root), doc, readability=True) == expected


def test_only_a_recording_call_sees_readabilitys_summaries() -> None:
    """The hook records into the calling context alone: a plain extraction records nothing,
    and two recordings do not see each other's summaries."""
    import gzip

    page = sorted((FIXTURES / "html").glob("*.html.gz"))[0]
    html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
    text, summary = extract_module.extract_with_readability(html)
    assert summary is not None and text
    assert extract_module._SUMMARIES.get() is None
    extract_module.extract_main(html)
    assert extract_module._SUMMARIES.get() is None
    assert extract_module.extract_with_readability("<html><body><p>other</p></body></html>")[1] != summary
