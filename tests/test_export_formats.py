"""Exports for other tools and training stacks: doccano, Label Studio, brat, spaCy, the
article-extraction benchmark, CoNLL for ``spacy convert``, and Hugging Face ``datasets``.

Round trips go through the real commands: ``annotator export`` to a format, then
``annotator import`` of that export into a new corpus, which must hold the same texts and
the same spans. Tests of optional libraries (spaCy, ``datasets``) skip when they are not
installed.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.export.records import main_article_text
from annotator.model import DocumentMeta, Span
from annotator.rules import sha256_text
from tests.test_export import (  # noqa: F401  (export_corpus_dir is a fixture)
    add_doc,
    annotate,
    export_corpus_dir,
    find,
    read_jsonl,
    run_cli,
    small_article,
)

EMOJI_TEXT = "Hi 😀 there. 👍🏽 Alice Kim met 🇰🇷 Bob Lee in Seoul.\n"


@pytest.fixture
def rich_corpus(export_corpus_dir: Corpus) -> Corpus:  # noqa: F811
    """The export corpus plus a document whose entities follow emoji (astral code points)."""
    corpus = export_corpus_dir
    add_doc(corpus, "emoji", EMOJI_TEXT, "https://g.example/e")
    spans = small_article(EMOJI_TEXT, "Alice Kim")
    b0, b1 = find(EMOJI_TEXT, "Bob Lee")
    s0, s1 = find(EMOJI_TEXT, "Seoul")
    spans.append(Span(id="e2", start=b0, end=b1, label="PER", text="Bob Lee"))
    spans.append(Span(id="e3", start=s0, end=s1, label="LOC", text="Seoul"))
    annotate(corpus, "emoji", spans)
    return corpus


def export(corpus: Corpus, out: Path, fmt: str, *extra: str) -> int:
    return run_cli("export", str(corpus.root), "--format", fmt, "--out", str(out), *extra)


def reference(corpus: Corpus, tmp_path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    """The jsonl records of the same export: what every other format must carry."""
    out = tmp_path / f"reference{len(extra)}"
    export(corpus, out, "jsonl", *extra)
    return {r["id"]: r for path in sorted(out.glob("*.jsonl")) for r in read_jsonl(path)}


def span_set(spans: list[dict[str, Any]]) -> set[tuple[int, int, str]]:
    return {(s["start"], s["end"], s["label"]) for s in spans}


def imported(target: Path, *inputs: str) -> dict[str, dict[str, Any]]:
    """Import ``inputs`` into a new corpus; its documents by text: spans, doc labels, who."""
    assert run_cli("new", str(target)) == 0
    assert run_cli("import", str(target), *inputs) == 0
    corpus = Corpus.open(target)
    by_text: dict[str, dict[str, Any]] = {}
    for doc_id in corpus.doc_ids():
        text = corpus.read_text(doc_id)
        entry = by_text.setdefault(text, {"id": doc_id, "annotations": {}})
        for annotator in corpus.annotators():
            loaded = corpus.load_annotation(annotator, doc_id)
            if loaded is not None:
                entry["annotations"][annotator] = loaded.annotation
    return by_text


def assert_same_documents(
    records: dict[str, dict[str, Any]], again: dict[str, dict[str, Any]], annotator: str
) -> None:
    assert sorted(again) == sorted(r["text"] for r in records.values())
    for record in records.values():
        annotation = again[record["text"]]["annotations"][annotator]
        assert span_set([s.model_dump() for s in annotation.spans]) == span_set(record["spans"])


# --------------------------------------------------------------------------- doccano


def test_doccano_lines_and_round_trip(rich_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "doccano"
    assert export(rich_corpus, out, "doccano") == 1  # 1: the broken document, left out
    records = reference(rich_corpus, tmp_path)
    lines = read_jsonl(out / "data.jsonl")
    assert [line["id"] for line in lines] == sorted(records)
    for line in lines:
        record = records[line["id"]]
        assert line["text"] == record["text"] and line["url"] == record["url"]
        triples = [x for x in line["label"] if isinstance(x, list)]
        assert triples == [[s["start"], s["end"], s["label"]] for s in record["spans"]]
        for (start, end, _), span in zip(triples, record["spans"], strict=True):
            assert line["text"][start:end] == span["text"]  # code points: str indices
        assert [x for x in line["label"] if isinstance(x, str)] == ["article"]
    emoji = next(line for line in lines if line["id"] == "emoji")
    assert [emoji["text"][a:b] for a, b, _ in emoji["label"][1:3]] == ["Alice Kim", "Bob Lee"]
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert any("doccano has no span attributes" in w for w in manifest["warnings"])
    again = imported(tmp_path / "again", str(out / "data.jsonl"), "--annotator", "alice")
    assert_same_documents(records, again, "alice")
    for record in records.values():
        assert again[record["text"]]["annotations"]["alice"].doc_labels == record["doc_labels"]


# --------------------------------------------------------------------------- Label Studio


def test_label_studio_tasks_config_and_round_trip(rich_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "ls"
    export(rich_corpus, out, "label-studio")
    records = reference(rich_corpus, tmp_path)
    tasks = orjson.loads((out / "data.json").read_bytes())
    assert isinstance(tasks, list) and len(tasks) == len(records)
    for task in tasks:
        assert set(task) == {"data", "annotations"}
        record = records[task["data"]["doc_id"]]
        assert task["data"]["text"] == record["text"]
        (annotation,) = task["annotations"]
        assert annotation["ground_truth"] is True
        regions = [r for r in annotation["result"] if r["type"] == "labels"]
        assert [
            (r["value"]["start"], r["value"]["end"], r["value"]["labels"]) for r in regions
        ] == [(s["start"], s["end"], [s["label"]]) for s in record["spans"]]
        for r in regions:
            assert (r["from_name"], r["to_name"]) == ("label", "text")
            assert r["value"]["text"] == record["text"][r["value"]["start"] : r["value"]["end"]]
        choices = [r for r in annotation["result"] if r["type"] == "choices"]
        assert [(r["from_name"], r["value"]["choices"]) for r in choices] == [
            ("page_type", ["article"])
        ]
    # The labelling configuration names every label and the same from/to names.
    config = ET.fromstring((out / "label-config.xml").read_text("utf-8"))
    labels = config.find("Labels")
    assert labels is not None and labels.get("name") == "label" and labels.get("toName") == "text"
    names = {e.get("value") for e in labels.findall("Label")}
    assert {"article", "title", "PER", "ORG", "LOC", "MISC"} <= names
    assert config.find("Text").get("value") == "$text"  # type: ignore[union-attr]
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert "label-config.xml" in manifest["files"]
    again = imported(tmp_path / "again", str(out / "data.json"))
    (who,) = {a for doc in again.values() for a in doc["annotations"]}
    assert_same_documents(records, again, who)


def test_label_studio_suggestions_are_predictions(corpus: Corpus, tmp_path: Path) -> None:
    add_doc(corpus, "emoji", EMOJI_TEXT, "https://g.example/e")
    a0, a1 = find(EMOJI_TEXT, "Alice Kim")
    annotate(
        corpus,
        "emoji",
        [Span(id="g1", start=a0, end=a1, label="PER", text="Alice Kim")],
        status="todo",
        annotator="suggestions",
    )
    out = tmp_path / "ls"
    assert export(corpus, out, "label-studio", "--source", "suggestions") == 0
    (task,) = orjson.loads((out / "data.json").read_bytes())
    assert "annotations" not in task
    (prediction,) = task["predictions"]
    assert prediction["model_version"] and prediction["result"][0]["value"]["start"] == a0
    again = imported(tmp_path / "again", str(out / "data.json"))
    suggestions = again[EMOJI_TEXT]["annotations"]["suggestions"]
    assert [(s.start, s.end, s.label) for s in suggestions.spans] == [(a0, a1, "PER")]


# --------------------------------------------------------------------------- brat


def test_brat_standoff_conf_and_round_trip(rich_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    export(rich_corpus, out, "brat")
    records = reference(rich_corpus, tmp_path)
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(
        f"{doc_id}{suffix}" for doc_id in records for suffix in (".ann", ".txt")
    )
    seed = records["seed"]
    assert (out / "data" / "seed.txt").read_bytes() == seed["text"].encode()
    ann = (out / "data" / "seed.ann").read_text("utf-8").splitlines()
    t_lines = [line.split("\t") for line in ann if line.startswith("T")]
    for n, ((ident, head, shown), span) in enumerate(zip(t_lines, seed["spans"], strict=True), 1):
        assert ident == f"T{n}"
        assert head == f"{span['label']} {span['start']} {span['end']}"
        assert shown == " ".join(span["text"].split())  # line breaks shown as spaces
    a_lines = [line for line in ann if line.startswith("A")]
    assert "A1\trole T1 main" in a_lines or any(
        line.endswith(" main") and "\trole T" in line for line in a_lines
    )
    assert any("\tkind T" in line and line.endswith(" navigation") for line in a_lines)
    conf = (out / "annotation.conf").read_text("utf-8")
    assert "[entities]\narticle\n" in conf and "\nPER\n" in conf
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>" in conf
    assert "role\tArg:article, Value:main|related" in conf
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert any("choice attributes only" in w for w in manifest["warnings"])
    again = imported(tmp_path / "again", str(out / "data"), "--annotator", "alice")
    assert_same_documents(records, again, "alice")
    # The choice attributes came back with their spans.
    spans = {s.id: s for s in again[seed["text"]]["annotations"]["alice"].spans}
    back = {(s.start, s.end, s.label): s.attrs for s in spans.values()}
    for span in seed["spans"]:
        for name in ("role", "kind"):
            if name in span["attrs"]:
                assert back[(span["start"], span["end"], span["label"])][name] == span["attrs"][name]


# --------------------------------------------------------------------------- spaCy, CoNLL


def test_spacy_docbin_keeps_every_entity_on_korean_particles(
    rich_corpus: Corpus, tmp_path: Path
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "spacy"
    export(rich_corpus, out, "spacy")
    records = reference(rich_corpus, tmp_path)
    nlp = spacy.blank("xx")
    docs = list(DocBin().from_disk(out / "data.spacy").get_docs(nlp.vocab))
    assert [d.user_data["id"] for d in docs] == sorted(records)
    for doc in docs:
        record = records[doc.user_data["id"]]
        assert doc.text == record["text"]
        entities = [
            (s["start"], s["end"], s["label"])
            for s in record["spans"]
            if s["label"] in ("PER", "ORG", "LOC", "MISC")
        ]
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == entities
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["part"]} == {
            (s["start"], s["end"], s["label"])
            for s in record["spans"]
            if s["label"] in ("title", "subtitle", "byline", "date")
        }
        assert doc.cats["article"] == 1.0 and doc.cats["broken"] == 0.0
    seed = next(d for d in docs if d.user_data["id"] == "seed")
    # "LG전자가": the entity LG전자 stops before the particle, and is still an entity.
    lg = next(e for e in seed.ents if e.text == "LG전자")
    assert seed[lg.end].text == "가"


def test_spacy_missing_says_how_to_install(rich_corpus: Corpus, tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['spacy'] = None\n"
        "from annotator.cli import main\n"
        f"sys.exit(main(['export', {str(rich_corpus.root)!r}, '--format', 'spacy', "
        f"'--out', {str(tmp_path / 'sp')!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "pip install 'article-annotator[spacy]'" in proc.stderr
    assert not (tmp_path / "sp").exists()


def test_conll_docstart_is_read_by_spacy_convert(rich_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "conll"
    export(rich_corpus, out, "conll")
    records = reference(rich_corpus, tmp_path)
    data = (out / "data.conll").read_text("utf-8")
    assert data.count("-DOCSTART- -X- O O\n\n") == len(records)
    assert "-DOCSTART- O\n" not in data
    pytest.importorskip("spacy")
    import spacy
    from spacy.tokens import DocBin

    converted = tmp_path / "converted"
    converted.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(out / "data.conll"), str(converted),
         "--converter", "ner"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    docs = list(DocBin().from_disk(converted / "data.spacy").get_docs(spacy.blank("xx").vocab))
    assert len(docs) == len(records)  # one spaCy document per exported document
    for doc, record in zip(docs, [records[k] for k in sorted(records)], strict=True):
        assert [e.text for e in doc.ents] == [
            s["text"] for s in record["spans"] if s["label"] in ("PER", "ORG", "LOC", "MISC")
        ]


# --------------------------------------------------------------------------- benchmark


def test_extraction_benchmark_layout(rich_corpus: Corpus, tmp_path: Path) -> None:
    corpus = rich_corpus
    text = "Title line\nBody of the page with Alice Kim in it.\n"
    html = f"<html><head><meta charset='euc-kr'></head><body>{text}한국어</body></html>"
    meta = DocumentMeta(
        doc_id="page",
        text_sha256=sha256_text(text),
        chars=len(text),
        source="page.html",
        source_format="html",
        url="https://h.example/p",
        encoding="euc-kr",
        html_source="page.source.html.gz",
    )
    corpus.add_document(text, meta, gzip.compress(html.encode("euc-kr"), mtime=0))
    t0, t1 = find(text, "Title line")
    spans = small_article(text, "Alice Kim")
    spans.append(Span(id="t1", start=t0, end=t1, label="title", text="Title line"))
    annotate(corpus, "page", spans)
    out = tmp_path / "bench"
    assert export(corpus, out, "extraction-benchmark") == 1  # 1: the broken document
    truth = orjson.loads((out / "ground-truth.json").read_bytes())
    records = reference(corpus, tmp_path)
    assert truth == {
        "page": {
            "articleBody": main_article_text(records["page"]["articles"], "body"),
            "url": "https://h.example/p",
        }
    }
    assert truth["page"]["articleBody"] == "Body of the page with Alice Kim in it."
    # The benchmark's extractors read every page this way: UTF-8 inside the gzip.
    with gzip.open(out / "html" / "page.html.gz", "rt", encoding="utf8") as handle:
        assert handle.read() == html
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    no_html = sorted(e["id"] for e in manifest["excluded"] if e["code"] == "no-html")
    assert no_html == sorted(set(records) - {"page"})
    assert manifest["counts"]["documents"] == 1
    assert export(corpus, tmp_path / "b2", "extraction-benchmark", "--split") == 2


# --------------------------------------------------------------------------- datasets


def test_datasets_loads_every_export_and_empty_splits_have_no_file(
    rich_corpus: Corpus, tmp_path: Path
) -> None:
    # Eight sites: with 2% for dev and test, both stay empty.
    split = "train=0.96,dev=0.02,test=0.02"
    for fmt in ("jsonl", "parquet", "doccano", "label-studio", "conll", "text"):
        if fmt == "parquet":
            pytest.importorskip("pyarrow")
        out = tmp_path / fmt
        export(rich_corpus, out, fmt, "--split", split)
        manifest = orjson.loads((out / "manifest.json").read_bytes())
        assert manifest["splits"]["dev"]["documents"] == manifest["splits"]["test"]["documents"] == 0
        assert not [p for p in out.rglob("*") if p.name.startswith(("dev", "test"))]
        assert "README.md" in manifest["files"]
        card = (out / "README.md").read_text("utf-8")
        assert card.startswith("---\nlicense: unknown\n")
        assert "| dev (no file: no documents) | 0 | 0 | 0 |" in card
        # --force replaces it: the card is one of the files the manifest lists.
        assert export(rich_corpus, out, fmt, "--split", split, "--force") == 1
    datasets = pytest.importorskip("datasets")
    records = reference(rich_corpus, tmp_path)
    for fmt, builder, name in (
        ("jsonl", "json", "train.jsonl"),
        ("parquet", "parquet", "train.parquet"),
        ("doccano", "json", "train.jsonl"),
        ("label-studio", "json", "train.json"),
    ):
        folder = tmp_path / fmt
        loaded = datasets.load_dataset(builder, data_files={"train": str(folder / name)})
        assert loaded["train"].num_rows == len(records)
        # The card's configs make the folder itself loadable, with no data_files at all.
        assert datasets.load_dataset(str(folder))["train"].num_rows == len(records)
    rows = datasets.load_dataset(
        "parquet", data_files={"train": str(tmp_path / "parquet" / "train.parquet")}
    )["train"]
    assert rows.features["doc_labels"].dtype == "string"
    assert [orjson.loads(r) for r in rows["doc_labels"]] == [
        records[i]["doc_labels"] for i in rows["id"]
    ]
    text_rows = datasets.load_dataset("json", data_files=str(tmp_path / "jsonl" / "train.jsonl"))
    assert sorted(text_rows["train"]["text"]) == sorted(r["text"] for r in records.values())
