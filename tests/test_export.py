"""The export: jsonl records, CoNLL tags, parquet, text, splits by site, manifest, atomic output."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.export import ExportError, ExportOptions, export_corpus
from annotator.export.conll import bio_tokens
from annotator.export.records import ExportRecord, main_article_text
from annotator.export.splits import assign_splits, parse_split_spec, site_of
from annotator.export.tokenize import default_tokenize
from annotator.model import DocumentMeta, Span
from annotator.rules import clean_text, sha256_text
from tests.conftest import DEMO_CORPUS, add_text

# --------------------------------------------------------------------------- test corpus


def find(text: str, needle: str, nth: int = 0, after: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``needle`` at or after ``after``."""
    pos = after - 1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return pos, pos + len(needle)


def line_span(text: str, first: str, last: str) -> tuple[int, int]:
    """From the start of ``first`` to the end of ``last`` (found after it)."""
    start = text.index(first)
    end = text.index(last, start) + len(last)
    return start, end


def seed_spans(text: str) -> list[Span]:
    """A hand-made gold annotation of the Korean seed page."""
    spans: list[tuple[str, tuple[int, int], dict[str, Any]]] = []
    article = line_span(text, '"인공지능 경쟁력 키우자"', "sjh@newspim.com")
    spans.append(("article", article, {"role": "main"}))
    spans.append(("boilerplate", line_span(text, "전체기사", "더보기"), {"kind": "navigation"}))
    spans.append(("boilerplate", find(text, "LG 트윈타워 [사진=LG]"), {"kind": "caption"}))
    spans.append(
        (
            "boilerplate",
            line_span(text, "[뉴스핌 베스트 기사]", "Top으로 이동"),
            {"kind": "related-links"},
        )
    )
    spans.append(("title", find(text, '"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손'), {}))
    spans.append(
        ("date", find(text, "2020년06월03일 09:03"), {"value": "2020-06-03T09:03:00+09:00"})
    )
    spans.append(("subtitle", line_span(text, "'AI 사업협력' MOU", "인재육성 등에 공동 노력"), {}))
    spans.append(
        (
            "byline",
            find(text, "[서울=뉴스핌] 심지혜 기자"),
            {
                "authors": ["심지혜"],
                "agency": "뉴스핌",
                "location": "서울",
                "email": "sjh@newspim.com",
            },
        )
    )
    body = text.index("= LG전자가")
    spans.append(
        ("ORG", find(text, "LG전자", after=body), {})
    )  # "LG전자가": the entity stops mid-word
    spans.append(("ORG", find(text, "KT", after=body), {}))
    spans.append(("PER", find(text, "박일평", after=body), {}))
    spans.append(("LOC", find(text, "종로구", after=body), {}))
    spans.append(("ORG", find(text, "LG", after=text.index("[사진=")), {}))  # inside the caption
    return [
        Span(id=f"s{i}", start=a, end=b, label=label, text=text[a:b], attrs=attrs)
        for i, (label, (a, b), attrs) in enumerate(spans, start=1)
    ]


def annotate(
    corpus: Corpus, doc_id: str, spans: list[Span], status: str = "done", annotator: str = "gold"
) -> None:
    text = corpus.read_text(doc_id)
    annotation = corpus.new_annotation(annotator if annotator != "gold" else "alice", doc_id, text)
    annotation.status = status  # type: ignore[assignment]
    annotation.spans = spans
    annotation.doc_labels = {"page_type": "article"}
    corpus.save_annotation(annotation, annotator=annotator)


def add_doc(corpus: Corpus, doc_id: str, text: str, url: str | None) -> None:
    meta = DocumentMeta(
        doc_id=doc_id,
        text_sha256=sha256_text(text),
        chars=len(text),
        source=url or f"test:{doc_id}",
        source_format="txt",
        url=url,
    )
    corpus.add_document(text, meta)


def small_article(text: str, entity: str, label: str = "PER") -> list[Span]:
    a, b = 0, len(text)
    e0, e1 = find(text, entity)
    return [
        Span(id="a1", start=a, end=b, label="article", text=text, attrs={"role": "main"}),
        Span(id="e1", start=e0, end=e1, label=label, text=entity),
    ]


@pytest.fixture
def export_corpus_dir(seed_corpus: Corpus, seed_text: str) -> Corpus:
    """The seed (done, gold) plus documents from several sites, one unfinished, one broken."""
    corpus = seed_corpus
    annotate(corpus, "seed", seed_spans(seed_text))
    sites = [
        "https://www.news-a.example/1",
        "http://NEWS-A.example/2",
        "https://b.example/x",
        "https://c.example/y",
        "https://d.example/z",
        None,
    ]
    for i, url in enumerate(sites):
        text = f"Doc {i}. Alice Kim met Bob in Seoul on day {i}.\nSecond line.\n"
        add_doc(corpus, f"d{i}", text, url)
        annotate(corpus, f"d{i}", small_article(text, "Alice Kim"))
    add_doc(corpus, "todo1", "Unfinished text by Carol.\n", "https://e.example/t")
    annotate(
        corpus, "todo1", small_article("Unfinished text by Carol.\n", "Carol"), status="in_progress"
    )
    add_doc(corpus, "broken", "Broken text by Dave.\n", "https://f.example/b")
    bad = small_article("Broken text by Dave.\n", "Dave")
    bad.append(Span(id="e2", start=0, end=6, label="ORG", text="Broken"))
    bad.append(Span(id="e3", start=3, end=9, label="LOC", text="ken te"))  # overlaps e2: rule break
    annotate(corpus, "broken", bad)
    add_doc(corpus, "none", "Never annotated.\n", None)
    return corpus


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def run_cli(*argv: str) -> int:
    try:
        return main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        return int(exc.code or 0)


# --------------------------------------------------------------------------- jsonl


def test_jsonl_records_slice_exactly(
    export_corpus_dir: Corpus, tmp_path: Path, seed_text: str
) -> None:
    out = tmp_path / "out"
    assert (
        run_cli("export", str(export_corpus_dir.root), "--format", "jsonl", "--out", str(out)) == 1
    )
    records = read_jsonl(out / "data.jsonl")
    assert [r["id"] for r in records] == ["d0", "d1", "d2", "d3", "d4", "d5", "seed"]
    for record in records:
        ExportRecord.model_validate(record)  # the documented schema holds
        text = record["text"]
        assert record["annotator"] == "gold" and record["status"] == "done"
        for span in record["spans"]:
            assert text[span["start"] : span["end"]] == span["text"]
        for article in record["articles"]:
            clean = article["clean_text"]
            for c, d, n in article["clean_map"]:
                assert clean[c : c + n] == text[d : d + n]
            parts = [article[k] for k in ("title", "subtitle", "byline", "date") if article[k]]
            for part in [*parts, *article["entities"]]:
                assert text[part["start"] : part["end"]] == part["text"]
                if part["clean_start"] is not None:
                    assert clean[part["clean_start"] : part["clean_end"]] == part["text"]

    seed = records[-1]
    assert seed["text"] == seed_text
    (article,) = seed["articles"]
    assert article["role"] == "main"
    assert article["title"]["text"] == '"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손'
    assert article["byline"]["attrs"]["authors"] == ["심지혜"]
    assert article["date"]["attrs"] == {"value": "2020-06-03T09:03:00+09:00"}
    # The caption is cut out of the clean text, and the entity inside it has no clean offsets.
    assert "LG 트윈타워" not in article["clean_text"]
    assert "사진=" not in article["clean_text"]
    assert article["clean_text"].startswith('"인공지능 경쟁력 키우자"')
    assert article["clean_text"].endswith("sjh@newspim.com")
    spans = [Span.model_validate(s) for s in seed["spans"]]
    art_span = next(s for s in spans if s.label == "article")
    assert article["clean_text"] == clean_text(seed_text, art_span, spans)
    by_text = {e["text"]: e for e in article["entities"]}
    assert set(by_text) == {"LG전자", "KT", "박일평", "종로구", "LG"}
    assert by_text["LG"]["clean_start"] is None
    assert by_text["박일평"]["clean_start"] is not None
    assert main_article_text(seed["articles"], "clean_text") == article["clean_text"]
    # The body leaves the header parts out (title, subtitle, date, the byline that opens the
    # first paragraph) and keeps the rest of the clean text as it is.
    body = article["body"]
    assert main_article_text(seed["articles"]) == body
    expected = article["clean_text"]
    for key in ("title", "subtitle", "byline", "date"):
        assert article[key]["text"] in expected
        expected = expected.replace(article[key]["text"], "", 1)
    assert body == re.sub(r"\n{3,}", "\n\n", expected).strip()
    assert body.startswith("기사입력 : \n\n최종수정 : 2020년06월03일 09:05\n\n = LG전자가")


def test_unfinished_and_broken_documents_are_left_out_and_listed(
    export_corpus_dir: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = run_cli("export", str(export_corpus_dir.root), "--format", "jsonl", "--out", str(out))
    err = capsys.readouterr().err
    assert code == 1  # a finished document with a broken annotation is a data problem
    ids = {r["id"] for r in read_jsonl(out / "data.jsonl")}
    assert not ids & {"todo1", "broken", "none"}
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    excluded = {e["id"]: e for e in manifest["excluded"]}
    assert excluded["todo1"]["code"] == "status" and "in_progress" in excluded["todo1"]["reason"]
    assert excluded["broken"]["code"] == "invalid" and "overlap" in excluded["broken"]["reason"]
    assert excluded["none"]["code"] == "no-annotation"
    assert manifest["allow_incomplete"] is False and manifest["included_incomplete"] == []
    for doc_id in ("todo1", "broken", "none"):
        assert f"left out {doc_id}:" in err


def test_allow_incomplete_exports_them_and_says_so(
    export_corpus_dir: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["export", str(export_corpus_dir.root), "--format", "jsonl", "--out", str(out)]
    assert run_cli(*args, "--allow-incomplete") == 0
    records = {r["id"]: r for r in read_jsonl(out / "data.jsonl")}
    assert records["todo1"]["status"] == "in_progress"
    assert "broken" in records
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["allow_incomplete"] is True
    assert manifest["options"]["allow_incomplete"] is True
    incomplete = {e["id"]: e["reasons"] for e in manifest["included_incomplete"]}
    assert set(incomplete) == {"todo1", "broken"}
    assert [e["id"] for e in manifest["excluded"]] == ["none"]


def test_offsets_that_do_not_fit_are_never_exported(corpus: Corpus, tmp_path: Path) -> None:
    add_doc(corpus, "doc", "Some text here.\n", None)
    annotate(corpus, "doc", small_article("Some text here.\n", "text"))
    # The text changes under the annotation: its hash no longer matches.
    path = corpus.text_path("doc")
    path.write_text("Other text here.\n", "utf-8")
    out = tmp_path / "out"
    args = [
        "export",
        str(corpus.root),
        "--format",
        "jsonl",
        "--out",
        str(out),
        "--allow-incomplete",
    ]
    assert run_cli(*args) == 1
    assert not (out / "data.jsonl").exists()  # no document: no empty file
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert (
        manifest["excluded"][0]["id"] == "doc"
        and "hash-mismatch" in manifest["excluded"][0]["reason"]
    )


# --------------------------------------------------------------------------- manifest, output


def test_manifest_counts_files_and_options(export_corpus_dir: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(
        "export",
        str(export_corpus_dir.root),
        "--format",
        "jsonl",
        "--out",
        str(out),
        "--split",
        "train=0.5,dev=0.25,test=0.25",
        "--seed",
        "3",
    )
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["tool"] == "article-annotator" and manifest["tool_version"]
    assert manifest["source"] == "gold" and manifest["format"] == "jsonl"
    assert manifest["scheme"]["name"] == "news"
    assert manifest["options"]["split"] == {"train": 0.5, "dev": 0.25, "test": 0.25}
    assert manifest["options"]["seed"] == 3
    assert set(manifest["files"]) == {"train.jsonl", "dev.jsonl", "test.jsonl", "README.md"}
    labels: dict[str, int] = defaultdict(int)
    for name, info in manifest["files"].items():
        data = (out / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if name == "README.md":
            continue
        split = name.removesuffix(".jsonl")
        records = read_jsonl(out / name)
        assert manifest["splits"][split]["documents"] == len(records)
        assert manifest["documents"][split] == [r["id"] for r in records]
        for r in records:
            assert r["split"] == split
            for s in r["spans"]:
                labels[s["label"]] += 1
    assert manifest["counts"]["documents"] == 7
    assert manifest["counts"]["labels"] == dict(sorted(labels.items()))
    assert manifest["counts"]["labels"]["PER"] == 7  # Alice Kim x6 + 박일평
    assert manifest["counts"]["doc_labels"] == {"page_type": {"article": 7}}
    assert not any(p.name.startswith(".") for p in out.iterdir())  # no spool or staging left


def test_existing_output_is_not_overwritten_without_force(
    export_corpus_dir: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious", "utf-8")
    args = ["export", str(export_corpus_dir.root), "--format", "jsonl", "--out", str(out)]
    assert run_cli(*args) == 2
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    # --force replaces only a previous export: a folder of someone's files stays as it is.
    assert run_cli(*args, "--force") == 2
    assert "not a previous export" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    (out / "keep.txt").unlink()
    assert run_cli(*args) == 1  # 1: the broken document; the export is written
    assert run_cli(*args) == 2  # a previous export is not replaced without --force
    assert run_cli(*args, "--force") == 1
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "data.jsonl", "manifest.json"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_export_leaves_nothing(
    export_corpus_dir: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_corpus(export_corpus_dir, ExportOptions("jsonl", out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from annotator.export import jsonl

    def boom(self: object, line: bytes, split: str | None) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(jsonl.JsonlWriter, "write_serialized", boom)
    with pytest.raises(OSError, match="disk full"):
        export_corpus(export_corpus_dir, ExportOptions("jsonl", out, force=True))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous export stays
    assert [p.name for p in tmp_path.iterdir()] == ["corpus", "out"]  # no staging folder left


def test_bad_options_are_usage_errors(export_corpus_dir: Corpus, tmp_path: Path) -> None:
    root = str(export_corpus_dir.root)
    out = str(tmp_path / "out")
    assert (
        run_cli("export", root, "--format", "jsonl", "--out", out, "--split", "train=0.8,dev=0.1")
        == 2
    )
    assert run_cli("export", root, "--format", "jsonl", "--out", out, "--source", "nobody") == 2
    assert run_cli("export", root, "--format", "conll", "--out", out, "--layer", "nope") == 2
    assert run_cli("export", root, "--format", "jsonl", "--out", out, "--status", "finished") == 2
    assert (
        run_cli("export", root, "--format", "jsonl", "--out", str(export_corpus_dir.root / "x"))
        == 2
    )
    assert not (tmp_path / "out").exists()
    with pytest.raises(ExportError, match="unknown format"):
        export_corpus(export_corpus_dir, ExportOptions("xml", tmp_path / "o"))


def test_source_annotator_and_json_output(
    export_corpus_dir: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = export_corpus_dir
    text = corpus.read_text("d0")
    annotate(corpus, "d0", small_article(text, "Bob"), annotator="alice")
    out = tmp_path / "out"
    capsys.readouterr()
    code = run_cli(
        "export",
        str(corpus.root),
        "--format",
        "jsonl",
        "--out",
        str(out),
        "--source",
        "alice",
        "--json",
    )
    assert code == 0
    printed = orjson.loads(capsys.readouterr().out)  # stdout holds the manifest and nothing else
    assert printed["source"] == "alice" and printed["counts"]["documents"] == 1
    (record,) = read_jsonl(out / "data.jsonl")
    assert record["annotator"] == "alice" and record["spans"][1]["text"] == "Bob"


# --------------------------------------------------------------------------- splits


def test_site_key() -> None:
    assert site_of("https://www.Example.COM/a?b", "x") == "example.com"
    assert site_of("http://example.com:8080/", "x") == "example.com"
    assert site_of("https://news.example.com/", "x") == "news.example.com"
    assert site_of(None, "doc1") == "id:doc1"
    assert site_of("not a url", "doc2") == "id:doc2"
    assert site_of("http://user@WWW.x.example/", "x") == "x.example"
    assert site_of("http://[::1]:80/", "x") == "::1"


def test_split_spec_parsing() -> None:
    assert parse_split_spec("train=0.8,dev=0.1,test=0.1") == [
        ("train", 0.8),
        ("dev", 0.1),
        ("test", 0.1),
    ]
    for bad in ("train=0.8", "train=0.5,train=0.5", "train=x,dev=1", "a/b=1", "train", "t=0,d=1"):
        with pytest.raises(ValueError):
            parse_split_spec(bad)


def test_splits_are_deterministic_balanced_and_never_divide_a_site() -> None:
    sites = {f"site{i}.example": 1 + i % 7 for i in range(300)}
    spec = parse_split_spec("train=0.8,dev=0.1,test=0.1")
    first = assign_splits(sites, spec, seed=1)
    assert first == assign_splits(dict(reversed(sites.items())), spec, seed=1)
    assert first != assign_splits(sites, spec, seed=2)
    total = sum(sites.values())
    for name, fraction in spec:
        docs = sum(n for s, n in sites.items() if first[s] == name)
        assert abs(docs / total - fraction) < 0.02, (name, docs / total)


def test_exported_splits_keep_each_site_whole(corpus: Corpus, tmp_path: Path) -> None:
    for i in range(60):
        text = f"Story {i} about Alice.\n"
        add_doc(
            corpus, f"n{i:02d}", text, f"https://{'www.' if i % 2 else ''}site{i % 13}.example/{i}"
        )
        annotate(corpus, f"n{i:02d}", small_article(text, "Alice"))
    outs = []
    for run in range(2):
        out = tmp_path / f"out{run}"
        assert (
            run_cli(
                "export",
                str(corpus.root),
                "--format",
                "jsonl",
                "--out",
                str(out),
                "--split",
                "--seed",
                "7",
            )
            == 0
        )
        outs.append(out)
    site_split: dict[str, set[str]] = defaultdict(set)
    for name in ("train", "dev", "test"):
        assert (outs[0] / f"{name}.jsonl").read_bytes() == (outs[1] / f"{name}.jsonl").read_bytes()
        for record in read_jsonl(outs[0] / f"{name}.jsonl"):
            site_split[site_of(record["url"], record["id"])].add(name)
    assert len(site_split) == 13
    assert all(len(names) == 1 for names in site_split.values())
    assert len(set().union(*site_split.values())) == 3


# --------------------------------------------------------------------------- conll


def parse_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Documents -> tokens with tags, from a CoNLL file (sentences joined)."""
    docs: list[list[tuple[str, str]]] = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif line:
            token, tag = line.split(" ")
            docs[-1].append((token, tag))
    return docs


def bio_chunks(tags: list[str]) -> list[tuple[int, int, str]]:
    """Token ranges (start, end) of BIO chunks."""
    chunks: list[tuple[int, int, str]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            chunks.append((i, i + 1, tag[2:]))
        elif tag.startswith("I-"):
            assert chunks and chunks[-1][1] == i and chunks[-1][2] == tag[2:], f"stray {tag} at {i}"
            chunks[-1] = (chunks[-1][0], i + 1, tag[2:])
    return chunks


def test_conll_korean_token_stops_at_entity_edge() -> None:
    text = "LG전자가 KT와 손잡고"
    tokens, tags = bio_tokens(text, [(0, 4, "ORG"), (6, 8, "ORG")], default_tokenize)
    assert [(text[a:b], t) for (a, b), t in zip(tokens, tags, strict=True)] == [
        ("LG전자", "B-ORG"),
        ("가", "O"),
        ("KT", "B-ORG"),
        ("와", "O"),
        ("손잡고", "O"),
    ]


def test_conll_tags_match_spans_and_no_token_crosses_an_edge(
    export_corpus_dir: Corpus, tmp_path: Path, seed_text: str
) -> None:
    out = tmp_path / "out"
    run_cli("export", str(export_corpus_dir.root), "--format", "conll", "--out", str(out))
    records = {r["id"]: r for r in read_jsonl(_jsonl(export_corpus_dir, tmp_path) / "data.jsonl")}
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    docs = parse_conll(out / "data.conll")
    assert manifest["documents"]["data"] == list(records)
    for doc_id, tokens in zip(manifest["documents"]["data"], docs, strict=True):
        record = records[doc_id]
        text = record["text"]
        # Tokens are the text's non-space characters, in order, and locate exactly.
        assert "".join(t for t, _ in tokens) == "".join(text.split())
        offsets = []
        pos = 0
        for token, _ in tokens:
            pos = text.index(token, pos)
            offsets.append((pos, pos + len(token)))
            pos += len(token)
        entity_spans = [s for s in record["spans"] if s["label"] in {"PER", "ORG", "LOC", "MISC"}]
        edges = {e for s in record["spans"] for e in (s["start"], s["end"])}
        for a, b in offsets:
            assert not any(a < e < b for e in edges), text[a:b]
        chunks = [
            (offsets[i][0], offsets[j - 1][1], label)
            for i, j, label in bio_chunks([t for _, t in tokens])
        ]
        assert chunks == [(s["start"], s["end"], s["label"]) for s in entity_spans]
    seed_tokens = docs[manifest["documents"]["data"].index("seed")]
    i = seed_tokens.index(("LG전자", "B-ORG"))
    assert seed_tokens[i + 1] == ("가", "O")
    # The conll tokens of the seed are the seed page itself, not only the exported record's
    # text (which the loop above compares with): every non-space character of the original,
    # in order, Korean included.
    assert "".join(t for t, _ in seed_tokens) == "".join(seed_text.split())


def _jsonl(corpus: Corpus, tmp_path: Path) -> Path:
    out = tmp_path / "jsonl-ref"
    if not out.exists():
        export_corpus(corpus, ExportOptions("jsonl", out))
    return out


def test_conll_part_layer_and_article_text(export_corpus_dir: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "parts"
    run_cli(
        "export",
        str(export_corpus_dir.root),
        "--format",
        "conll",
        "--out",
        str(out),
        "--layer",
        "part",
    )
    seed = parse_conll(out / "data.conll")[-1]
    tags = {tag[2:] for _, tag in seed if tag != "O"}
    assert tags == {"title", "subtitle", "byline", "date"}
    # A title split over sentences would break its chunk: it is one chunk.
    title_chunks = [c for c in bio_chunks([t for _, t in seed]) if c[2] == "title"]
    assert len(title_chunks) == 1

    out = tmp_path / "articles"
    run_cli(
        "export",
        str(export_corpus_dir.root),
        "--format",
        "conll",
        "--out",
        str(out),
        "--conll-text",
        "articles",
    )
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["documents"]["data"][-1] == "seed#s1"
    seed = parse_conll(out / "data.conll")[-1]
    words = [t for t, _ in seed]
    assert "트윈타워" not in words  # the caption is not in the clean text
    assert ("박일평", "B-PER") in seed
    assert any("cut by boilerplate" in w for w in manifest["warnings"])


def test_conll_with_kiwi_tokenizer(export_corpus_dir: Corpus, tmp_path: Path) -> None:
    pytest.importorskip("kiwipiepy")
    out = tmp_path / "kiwi"
    run_cli(
        "export",
        str(export_corpus_dir.root),
        "--format",
        "conll",
        "--out",
        str(out),
        "--tokenizer",
        "kiwi",
    )
    seed = parse_conll(out / "data.conll")[-1]
    text = export_corpus_dir.read_text("seed")
    assert "".join(t for t, _ in seed) == "".join(text.split())
    assert ("LG전자", "B-ORG") in seed or ("LG", "B-ORG") in seed
    i = next(k for k, (t, tag) in enumerate(seed) if tag == "B-ORG" and t.startswith("LG"))
    chunk = seed[i][0]
    while seed[i + 1][1] == "I-ORG":
        i += 1
        chunk += seed[i][0]
    assert chunk == "LG전자"
    assert seed[i + 1][1] == "O"


def test_default_tokenizer_is_unicode_aware() -> None:
    def words(text: str) -> list[str]:
        return [text[a:b] for a, b in default_tokenize(text)]

    assert words("LG전자가 KT, 3.5조원") == ["LG전자가", "KT", ",", "3.5", "조원"]
    assert words("हिन्दी भाषा") == ["हिन्दी", "भाषा"]  # vowel signs stay in the word
    assert words("東京に住む") == ["東", "京", "に", "住", "む"]
    assert words("café 😀!") == ["café", "😀", "!"]


# --------------------------------------------------------------------------- parquet, text


def test_parquet_holds_the_jsonl_records(export_corpus_dir: Corpus, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "pq"
    assert (
        run_cli(
            "export",
            str(export_corpus_dir.root),
            "--format",
            "parquet",
            "--out",
            str(out),
            "--split",
        )
        == 1
    )
    jsonl_out = tmp_path / "js"
    run_cli(
        "export",
        str(export_corpus_dir.root),
        "--format",
        "jsonl",
        "--out",
        str(jsonl_out),
        "--split",
    )
    for name in ("train", "dev", "test"):
        if not (jsonl_out / f"{name}.jsonl").exists():  # a split without documents: no file
            assert not (out / f"{name}.parquet").exists()
            continue
        rows = pq.read_table(out / f"{name}.parquet").to_pylist()
        records = read_jsonl(jsonl_out / f"{name}.jsonl")
        assert [r["id"] for r in rows] == [r["id"] for r in records]
        for row, record in zip(rows, records, strict=True):
            assert row["text"] == record["text"] and row["split"] == record["split"] == name
            assert orjson.loads(row["doc_labels"]) == record["doc_labels"]  # JSON text
            assert [orjson.loads(s["attrs"]) for s in row["spans"]] == [
                s["attrs"] for s in record["spans"]
            ]
            assert [(s["start"], s["end"], s["text"]) for s in row["spans"]] == [
                (s["start"], s["end"], s["text"]) for s in record["spans"]
            ]
            for ra, ja in zip(row["articles"], record["articles"], strict=True):
                assert ra["clean_text"] == ja["clean_text"]
                assert [list(m) for m in ra["clean_map"]] == ja["clean_map"]
                assert [e["clean_start"] for e in ra["entities"]] == [
                    e["clean_start"] for e in ja["entities"]
                ]


def test_parquet_without_pyarrow_says_how_to_install(
    export_corpus_dir: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None\n"
        "from annotator.cli import main\n"
        f"sys.exit(main(['export', {str(export_corpus_dir.root)!r}, '--format', 'parquet', "
        f"'--out', {str(tmp_path / 'pq')!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "pip install 'article-annotator[parquet]'" in proc.stderr
    assert not (tmp_path / "pq").exists()


def test_text_files_hold_each_articles_clean_text(
    export_corpus_dir: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "txt"
    run_cli("export", str(export_corpus_dir.root), "--format", "text", "--out", str(out))
    records = {r["id"]: r for r in read_jsonl(_jsonl(export_corpus_dir, tmp_path) / "data.jsonl")}
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert files == [f"data/{doc_id}.01.main.txt" for doc_id in sorted(records)]
    seed = (out / "data/seed.01.main.txt").read_text("utf-8")
    assert seed == records["seed"]["articles"][0]["clean_text"]  # exactly, no newline added
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert set(manifest["files"]) == {*files, "README.md"}


# --------------------------------------------------------------------------- round trip, demo


def test_import_of_an_export_round_trips(export_corpus_dir: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_corpus(export_corpus_dir, ExportOptions("jsonl", out))
    target = tmp_path / "again"
    assert run_cli("new", str(target)) == 0
    assert run_cli("import", str(target), str(out / "data.jsonl")) == 0
    again = Corpus.open(target)
    assert again.doc_ids() == sorted(r["id"] for r in read_jsonl(out / "data.jsonl"))
    for record in read_jsonl(out / "data.jsonl"):
        assert again.read_text(record["id"]) == record["text"]
        loaded = again.load_annotation(record["annotator"], record["id"])
        assert loaded is not None
        annotation = loaded.annotation
        assert annotation.status == record["status"]
        assert annotation.doc_labels == record["doc_labels"]
        spans = [s.model_dump() for s in annotation.spans]
        assert sorted(spans, key=lambda s: (s["start"], -s["end"], s["id"])) == sorted(
            record["spans"], key=lambda s: (s["start"], -s["end"], s["id"])
        )


def test_demo_corpus_exports(tmp_path: Path) -> None:
    demo = Corpus.open(DEMO_CORPUS)
    result = export_corpus(demo, ExportOptions("jsonl", tmp_path / "demo", allow_incomplete=True))
    records = read_jsonl(tmp_path / "demo" / "data.jsonl")
    # gold (done) of three pages: the seed with its three articles, the AP story and the
    # Yahoo page with one each; every span of each.
    assert result.exported == 3
    assert [(r["id"], r["status"], len(r["articles"])) for r in records] == [
        ("000_2c3ea0c0f783ca12", "done", 3),
        ("aeb-e7994d550087", "done", 1),
        ("rtp-yahoo-4", "done", 1),
    ]
    for record in records:
        gold = demo.load_annotation("gold", record["id"])
        assert gold is not None
        assert len(record["spans"]) == len(gold.annotation.spans)
    for record in records:
        ExportRecord.model_validate(record)
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
        for article in record["articles"]:
            for e in article["entities"]:
                if e["clean_start"] is not None:
                    assert article["clean_text"][e["clean_start"] : e["clean_end"]] == e["text"]


def test_add_text_helper_documents_have_no_url(corpus: Corpus, tmp_path: Path) -> None:
    # Documents without a url form one group each, keyed by id.
    for i in range(4):
        text = add_text(corpus, f"u{i}", f"Text {i} of Eve.\n")
        annotate(corpus, f"u{i}", small_article(text, "Eve"))
    result = export_corpus(
        corpus, ExportOptions("jsonl", tmp_path / "o", splits=parse_split_spec("a=0.5,b=0.5"))
    )
    assert result.manifest.splits["a"].sites + result.manifest.splits["b"].sites == 4
    assert result.manifest.splits["a"].documents == 2
