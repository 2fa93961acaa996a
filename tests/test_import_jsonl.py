"""jsonl import: bad lines with their line numbers, metadata, and the export round trip."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.rules import sha256_text
from annotator.validate import validate_corpus

SEED_LEAD = "[서울=뉴스핌] 심지혜 기자 = LG전자가 KT, LG유플러스 등 이통사들과 손잡고 인공지능(AI) 경쟁력 강화에 나선다."


def _write_jsonl(path: Path, lines: list[Any]) -> Path:
    out = []
    for line in lines:
        out.append(line if isinstance(line, str) else orjson.dumps(line).decode())
    path.write_text("\n".join(out) + "\n", "utf-8")
    return path


def _exported_record(text: str, byline: str = "[서울=뉴스핌] 심지혜 기자", **extra: Any) -> dict[str, Any]:
    """A record shaped like the export engineer's jsonl."""
    start = text.index(byline)
    return {
        "id": "newspim-20200603",
        "url": "https://www.newspim.com/news/view/20200603000123",
        "text": text,
        "spans": [
            {"id": "s1", "start": 0, "end": len(text), "label": "article", "text": text, "attrs": {"role": "main"}},
            {
                "id": "s2",
                "start": start,
                "end": start + len(byline),
                "label": "byline",
                "text": byline,
                "attrs": {"authors": ["심지혜"], "agency": "뉴스핌", "location": "서울"},
            },
        ],
        "doc_labels": {"page_type": "article"},
        "status": "done",
        "annotator": "alice",
        "articles": [{"start": 0, "end": len(text), "clean_text": text}],
        "clean_text": text,
        "split": "train",
        **extra,
    }


def test_bad_lines_are_reported_with_their_line_numbers_and_good_lines_import(
    corpus: Corpus, tmp_path: Path
) -> None:
    path = _write_jsonl(
        tmp_path / "batch.jsonl",
        [
            {"id": "a", "text": "first good"},
            "{not json",
            {"id": "b"},
            "",  # blank lines are skipped, not reported
            {"text": 42},
            ["a", "list"],
            {"id": "c", "text": "second good", "url": "https://x.test/c", "title": "C", "lang": "en", "tags": ["t"]},
            {"html": "<p>third <b>good</b></p><script>x()</script>"},
            {"id": {"no": 1}, "text": "bad id type"},
        ],
    )
    report = import_paths(corpus, [path])
    assert report.imported == 3
    assert [(p.line, p.message.split(":")[0]) for p in report.problems] == [
        (2, "not valid JSON"),
        (3, "has neither 'text' nor 'html'"),
        (5, "'text' must be a string, not int"),
        (6, "expected a JSON object, got list"),
        (9, "'id' must be a string or an integer, not dict"),
    ]
    assert all(p.path == str(path) for p in report.problems)
    assert corpus.doc_ids() == ["a", "batch-8", "c"]
    meta = corpus.read_meta("c")
    assert (meta.url, meta.title, meta.source, meta.source_format) == ("https://x.test/c", "C", f"{path}:7", "jsonl")
    assert meta.extra == {"lang": "en", "tags": ["t"]}
    assert corpus.read_text("batch-8") == "third good"
    assert corpus.read_meta("batch-8").normalised == ["html-to-text"]
    assert corpus.read_meta("batch-8").html_source == "batch-8.source.html.gz"


def test_round_trip_of_an_exported_line_writes_the_annotation(corpus: Corpus, tmp_path: Path) -> None:
    text = "제목\n\n" + SEED_LEAD + "\n"
    path = _write_jsonl(tmp_path / "export.jsonl", [_exported_record(text)])
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert (report.imported, report.annotations) == (1, 1)
    assert corpus.read_text("newspim-20200603") == text
    loaded = corpus.load_annotation("alice", "newspim-20200603")
    assert loaded is not None
    ann = loaded.annotation
    assert (ann.status, ann.doc_labels, ann.text_sha256) == ("done", {"page_type": "article"}, sha256_text(text))
    assert [(s.id, s.label, s.start, s.end, s.text) for s in ann.spans][1] == (
        "s2", "byline", 4, 4 + len("[서울=뉴스핌] 심지혜 기자"), "[서울=뉴스핌] 심지혜 기자",
    )
    assert ann.spans[1].attrs["authors"] == ["심지혜"]
    # Derived keys are not metadata.
    assert corpus.read_meta("newspim-20200603").extra == {}


def test_annotator_option_overrides_the_line(corpus: Corpus, tmp_path: Path) -> None:
    record = _exported_record("본문 " + SEED_LEAD)
    del record["annotator"]
    path = _write_jsonl(tmp_path / "e.jsonl", [record])
    import_paths(corpus, [path])
    assert corpus.annotated_ids("imported") == {"newspim-20200603"}
    path2 = _write_jsonl(tmp_path / "f.jsonl", [_exported_record("다른 본문 " + SEED_LEAD)])
    import_paths(corpus, [path2], annotator="bob")
    assert corpus.annotated_ids("bob") == {"newspim-20200603-2"}
    assert corpus.annotated_ids("alice") == set()


def test_a_bad_annotation_is_reported_and_nothing_is_written(corpus: Corpus, tmp_path: Path) -> None:
    good = _exported_record("A " + SEED_LEAD)
    wrong_text = _exported_record("B " + SEED_LEAD)
    wrong_text["spans"][1]["text"] = "something else"
    unknown_label = _exported_record("C " + SEED_LEAD)
    unknown_label["spans"][1]["label"] = "nonsense"
    crossing = _exported_record("D " + SEED_LEAD)
    crossing["spans"][0]["end"] = 5  # the byline sticks out of its article
    crossing["spans"][0]["text"] = crossing["text"][:5]
    path = _write_jsonl(tmp_path / "mixed.jsonl", [good, wrong_text, unknown_label, crossing])
    report = import_paths(corpus, [path])
    # Offsets or labels that do not fit refuse the line; a rule break of unfinished work (the
    # byline sticking out) comes in as it is, with a warning: the same verdict as every
    # reader's, so an `export --allow-incomplete` imports back.
    assert report.imported == 2 and report.annotations == 2
    assert [p.line for p in report.problems] == [2, 3]
    assert "is not the text at" in report.problems[0].message
    assert "nonsense" in report.problems[1].message
    assert [(w.line, "rule break" in w.message, "not-inside" in w.message) for w in report.warnings] == [
        (4, True, True)
    ]
    # The refused lines left no document and no annotation behind.
    assert len(corpus.doc_ids()) == 2
    assert len(corpus.annotated_ids("alice")) == 2
    assert validate_corpus(corpus)[0]  # the imported rule break is reported, not hidden


def test_spans_move_with_crlf_and_nfc_normalisation(corpus: Corpus, tmp_path: Path) -> None:
    lead = unicodedata.normalize("NFD", SEED_LEAD)
    text = "제목\r\n\r\n" + lead + "\r\n"
    record = _exported_record(text, byline=unicodedata.normalize("NFD", "[서울=뉴스핌] 심지혜 기자"))
    path = _write_jsonl(tmp_path / "crlf.jsonl", [record])
    report = import_paths(corpus, [path])
    assert report.problems == []
    doc_text = corpus.read_text("newspim-20200603")
    assert doc_text == "제목\n\n" + SEED_LEAD + "\n"
    assert corpus.read_meta("newspim-20200603").normalised == ["crlf", "nfc"]
    loaded = corpus.load_annotation("alice", "newspim-20200603")
    assert loaded is not None
    byline = loaded.annotation.spans[1]
    assert doc_text[byline.start : byline.end] == byline.text == "[서울=뉴스핌] 심지혜 기자"
    assert loaded.annotation.spans[0].end == len(doc_text)


def test_a_span_edge_inside_a_crlf_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    text = "title\r\nbody text here"
    record = {
        "id": "x",
        "text": text,
        "spans": [{"id": "s1", "start": 0, "end": 6, "label": "article", "text": "title\r", "attrs": {}}],
    }
    report = import_paths(corpus, [_write_jsonl(tmp_path / "x.jsonl", [record])])
    assert report.imported == 0
    assert report.problems[0].line == 1
    assert "span s1: starts or ends inside a sequence that import normalises (crlf)" in report.problems[0].message


def test_duplicate_text_with_spans_attaches_to_the_existing_document(corpus: Corpus, tmp_path: Path) -> None:
    text = "본문 " + SEED_LEAD
    (tmp_path / "page.txt").write_text(text, "utf-8")
    import_paths(corpus, [tmp_path / "page.txt"])
    path = _write_jsonl(tmp_path / "e.jsonl", [_exported_record(text)])
    report = import_paths(corpus, [path])
    assert (report.imported, report.skipped_duplicates, report.annotations) == (0, 1, 1)
    assert report.problems == []
    assert corpus.doc_ids() == ["page"]
    loaded = corpus.load_annotation("alice", "page")
    assert loaded is not None and loaded.annotation.doc_id == "page"
    # Again: same spans, nothing to do; other spans are refused, the file is kept.
    again = import_paths(corpus, [path])
    assert (again.annotations, again.problems) == (0, [])
    changed = _exported_record(text)
    changed["spans"] = changed["spans"][:1]
    before = corpus.annotation_path("alice", "page").read_bytes()
    third = import_paths(corpus, [_write_jsonl(tmp_path / "g.jsonl", [changed])])
    assert "already exists with other spans; not overwritten" in third.problems[0].message
    assert corpus.annotation_path("alice", "page").read_bytes() == before


def test_text_sha256_mismatch_is_reported(corpus: Corpus, tmp_path: Path) -> None:
    record = _exported_record("X " + SEED_LEAD, text_sha256="0" * 64)
    report = import_paths(corpus, [_write_jsonl(tmp_path / "s.jsonl", [record])])
    assert report.imported == 0
    assert "'text_sha256' does not match the text" in report.problems[0].message


@pytest.mark.parametrize("name", ["../escape", "gold/../x", "a b"])
def test_bad_annotator_in_a_line_is_reported(corpus: Corpus, tmp_path: Path, name: str) -> None:
    record = _exported_record("Y " + SEED_LEAD, annotator=name)
    report = import_paths(corpus, [_write_jsonl(tmp_path / "n.jsonl", [record])])
    assert report.imported == 0
    assert f"annotator name {name!r} is not valid" in report.problems[0].message
    assert not any(corpus.root.parent.glob("escape*"))


def test_text_wins_over_html_and_the_html_is_kept(corpus: Corpus, tmp_path: Path) -> None:
    import gzip

    record = {"id": "both", "text": "the annotated text", "html": "<p>the page</p>"}
    report = import_paths(corpus, [_write_jsonl(tmp_path / "b.jsonl", [record])])
    assert report.problems == []
    assert corpus.read_text("both") == "the annotated text"
    meta = corpus.read_meta("both")
    assert meta.normalised == []
    assert gzip.decompress(corpus.html_path("both").read_bytes()) == b"<p>the page</p>"


def test_gold_lines_go_to_the_gold_folder(corpus: Corpus, tmp_path: Path) -> None:
    record = _exported_record("G " + SEED_LEAD, annotator="gold")
    report = import_paths(corpus, [_write_jsonl(tmp_path / "g.jsonl", [record])])
    assert report.problems == [] and report.annotations == 1
    assert (corpus.gold_dir / "newspim-20200603.json").is_file()
    loaded = corpus.load_annotation("gold", "newspim-20200603")
    assert loaded is not None and loaded.annotation.annotator == "gold"


def test_locked_annotator_refuses_the_line_without_writing(corpus: Corpus, tmp_path: Path) -> None:
    record = _exported_record("L " + SEED_LEAD)
    path = _write_jsonl(tmp_path / "l.jsonl", [record])
    lock = corpus.lock("alice").acquire()
    try:
        # Another holder: a second lock object on the same files.
        report = import_paths(Corpus.open(corpus.root), [path])
    finally:
        lock.release()
    assert report.imported == 0
    assert "annotations of 'alice' are locked" in report.problems[0].message
    assert corpus.doc_ids() == []
    assert import_paths(corpus, [path]).annotations == 1
