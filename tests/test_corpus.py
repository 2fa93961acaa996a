"""Corpus storage: layout, atomic writes, locks, loading and the never-overwrite rule."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotator.corpus import (
    AnnotationFileError,
    ConflictError,
    Corpus,
    CorpusError,
    LockedError,
    atomic_write_bytes,
)
from annotator.edits import AddSpan, History, make_span
from annotator.model import Span
from tests.conftest import add_text


def test_new_corpus_has_the_documented_layout(tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="news")
    assert sorted(p.name for p in corpus.root.iterdir()) == ["annotations", "corpus.json", "documents", "gold"]
    manifest = orjson.loads((corpus.root / "corpus.json").read_bytes())
    assert manifest["name"] == "news"
    assert manifest["scheme"]["name"] == "news"
    reopened = Corpus.open(corpus.root)
    assert [lb.name for lb in reopened.scheme.labels()][:2] == ["article", "boilerplate"]


def test_create_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(CorpusError, match="not empty"):
        Corpus.create(tmp_path / "x")
    assert (tmp_path / "x" / "notes.txt").read_text() == "mine"


def test_scheme_may_be_a_path(tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c")
    scheme = orjson.loads((corpus.root / "corpus.json").read_bytes())["scheme"]
    scheme["name"] = "custom"
    (corpus.root / "scheme.json").write_bytes(orjson.dumps(scheme))
    (corpus.root / "corpus.json").write_bytes(orjson.dumps({"schema_version": 1, "name": "c", "scheme": "scheme.json"}))
    assert Corpus.open(corpus.root).scheme.name == "custom"


def test_broken_manifest_names_the_file(tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c")
    (corpus.root / "corpus.json").write_text('{"name": "c"}')
    with pytest.raises(CorpusError, match=r"corpus.json: scheme: Field required"):
        Corpus.open(corpus.root)


def test_atomic_write_leaves_old_file_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no temporary file left


def test_doc_ids_are_listed_without_reading_texts(corpus: Corpus) -> None:
    for doc_id in ("b", "a", "c"):
        add_text(corpus, doc_id, f"text {doc_id}")
    (corpus.documents_dir / "a.txt").chmod(0)  # listing must not open the files
    try:
        assert corpus.doc_ids() == ["a", "b", "c"]
    finally:
        (corpus.documents_dir / "a.txt").chmod(0o644)


def test_ids_that_would_leave_the_corpus_are_refused(corpus: Corpus) -> None:
    for bad in ("../x", "a/b", "", ".hidden", "x" * 129):
        with pytest.raises(CorpusError, match="not a valid"):
            corpus.text_path(bad)
    with pytest.raises(CorpusError, match="annotator name"):
        corpus.annotation_path("../../etc", "doc")


def test_save_and_load_round_trip(seed_corpus: Corpus, seed_text: str) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    start = seed_text.index("심지혜")
    History(ann).run(AddSpan(make_span(seed_text, start, start + 3, "PER", "s1")))
    seed_corpus.save_annotation(ann)
    path = seed_corpus.annotation_path("alice", "seed")
    assert path == seed_corpus.root / "annotations" / "alice" / "seed.json"
    saved = orjson.loads(path.read_bytes())
    assert saved["spans"] == [{"id": "s1", "start": start, "end": start + 3, "label": "PER", "text": "심지혜", "attrs": {}}]
    loaded = seed_corpus.load_annotation("alice", "seed")
    assert loaded is not None and loaded.annotation == ann


def test_gold_is_written_to_the_gold_folder(seed_corpus: Corpus) -> None:
    ann = seed_corpus.new_annotation("gold", "seed")
    seed_corpus.save_annotation(ann, annotator="gold")
    assert (seed_corpus.root / "gold" / "seed.json").is_file()
    assert seed_corpus.load_annotation("gold", "seed") is not None


def _write_annotation(corpus: Corpus, annotator: str, doc_id: str, spans: list[dict]) -> Path:
    ann = corpus.new_annotation(annotator, doc_id).model_dump(mode="json")
    ann["spans"] = spans
    path = corpus.annotation_path(annotator, doc_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(ann))
    return path


def test_broken_file_is_reported_with_span_and_never_overwritten(seed_corpus: Corpus) -> None:
    path = _write_annotation(
        seed_corpus, "alice", "seed", [{"id": "s1", "start": 0, "end": 2, "label": "PER", "text": "zz", "attrs": {}}]
    )
    before = path.read_bytes()
    with pytest.raises(AnnotationFileError) as info:
        seed_corpus.load_annotation("alice", "seed")
    assert str(path) in str(info.value)
    assert "span s1" in str(info.value) and "text[0:2]" in str(info.value)
    with pytest.raises(CorpusError, match="failed to load"):
        seed_corpus.save_annotation(seed_corpus.new_annotation("alice", "seed"))
    assert path.read_bytes() == before


def test_bad_json_names_the_file(seed_corpus: Corpus) -> None:
    path = seed_corpus.annotation_path("alice", "seed")
    path.parent.mkdir(parents=True)
    path.write_text('{"doc_id": "seed",')
    with pytest.raises(AnnotationFileError, match=r"alice/seed.json: not valid JSON"):
        seed_corpus.load_annotation("alice", "seed")
    assert path.read_text() == '{"doc_id": "seed",'


def test_a_file_changed_on_disk_is_not_overwritten(seed_corpus: Corpus) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    mtime = seed_corpus.save_annotation(ann)
    path = seed_corpus.annotation_path("alice", "seed")
    other = orjson.loads(path.read_bytes())
    other["status"] = "skipped"
    path.write_bytes(orjson.dumps(other))
    os.utime(path, ns=(mtime + 10**9, mtime + 10**9))
    with pytest.raises(ConflictError, match="changed on disk"):
        seed_corpus.save_annotation(ann, expected_mtime_ns=mtime)
    assert orjson.loads(path.read_bytes())["status"] == "skipped"


def test_second_process_cannot_take_the_same_annotator_lock(seed_corpus: Corpus) -> None:
    with seed_corpus.lock("alice"):
        code = (
            "import sys\nfrom annotator.corpus import Corpus, LockedError\n"
            f"c = Corpus.open({str(seed_corpus.root)!r})\n"
            "try:\n    c.lock('alice').acquire()\nexcept LockedError as e:\n    print(e); sys.exit(3)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 3
        assert f"process {os.getpid()}" in result.stdout
        with pytest.raises(LockedError):
            seed_corpus.lock("alice").acquire()  # a second lock object in this process too
        seed_corpus.lock("bob").acquire().release()  # other annotators are free
    seed_corpus.lock("alice").acquire().release()  # released on exit


def test_statuses_read_only_the_status(seed_corpus: Corpus) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    ann.status = "done"
    seed_corpus.save_annotation(ann)
    assert seed_corpus.statuses("alice") == {"seed": "done"}
    assert seed_corpus.annotators() == ["alice"]


def test_span_offsets_are_code_points_after_an_emoji(corpus: Corpus) -> None:
    text = add_text(corpus, "emoji", "👍🏽 Great day in Seoul\nsee 🇰🇷 Korea")
    start = text.index("Seoul")
    ann = corpus.new_annotation("alice", "emoji")
    History(ann).run(AddSpan(make_span(text, start, start + 5, "LOC", "s1")))
    k = text.index("Korea")
    History(ann).run(AddSpan(make_span(text, k, k + 5, "LOC", "s2")))
    corpus.save_annotation(ann)
    saved = orjson.loads(corpus.annotation_path("alice", "emoji").read_bytes())["spans"]
    # 👍🏽 is two code points (four UTF-16 units), 🇰🇷 two more: in UTF-16 "Seoul" would
    # start at 18 and "Korea" at 33.
    assert [(s["start"], s["end"]) for s in saved] == [(16, 21), (29, 34)]
    assert all(text[s["start"] : s["end"]] == s["text"] for s in saved)
    assert Span.model_validate(saved[0]).text == "Seoul"


def test_unfinished_work_breaking_a_rule_loads_with_its_problems(seed_corpus: Corpus, seed_text: str) -> None:
    # A title marked before its article: the file must open again (not read-only), with
    # the problem reported, so the annotator can go on; "done" is what the rules block.
    start = seed_text.index('"인공지능 경쟁력 키우자"')
    title = {"id": "s1", "start": start, "end": start + 14, "label": "title", "text": seed_text[start : start + 14], "attrs": {}}
    path = _write_annotation(seed_corpus, "alice", "seed", [title])
    loaded = seed_corpus.load_annotation("alice", "seed")
    assert loaded is not None
    assert [p.code for p in loaded.problems] == ["not-inside"]
    assert loaded.problems[0].path == str(path)
    seed_corpus.save_annotation(loaded.annotation)  # not protected: it loaded
    # Offsets that do not match the text are another matter: refused, protected.
    title["text"] = "something else"
    _write_annotation(seed_corpus, "alice", "seed", [title])
    with pytest.raises(AnnotationFileError, match=r"the span says .something else."):
        seed_corpus.load_annotation("alice", "seed")


def test_a_session_reopens_unfinished_work_editable(seed_corpus: Corpus, seed_text: str) -> None:
    from annotator.session import DocumentSession

    session = DocumentSession.open(seed_corpus, "alice", "seed")
    start = seed_text.index("기사입력")
    session.mark("date", start, start + 4)  # no article yet: breaks "inside article"
    assert session.save()
    reopened = DocumentSession.open(seed_corpus, "alice", "seed")
    assert not reopened.read_only
    assert [s.label for s in reopened.spans] == ["date"]
    change, problems = reopened.set_status("done")
    assert change is None and [p.code for p in problems] == ["not-inside", "missing-doc-label"]


def test_an_annotator_who_wrote_nothing_is_not_listed(seed_corpus: Corpus, seed_text: str) -> None:
    """An app that opened the corpus and was killed leaves only its lock's owner note: that
    changes nothing `status` or `agree` report (the README's demo outputs stay true)."""
    from annotator.status import corpus_status

    left = seed_corpus.annotator_dir("zed")
    left.mkdir(parents=True)
    (left / ".lock.owner").write_text('{"pid": 1, "host": "h", "since": "then"}', "utf-8")
    seed_corpus.save_annotation(seed_corpus.new_annotation("alice", "seed", seed_text))
    assert seed_corpus.annotators() == ["alice"]
    assert list(corpus_status(seed_corpus)["annotators"]) == ["alice"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_spent_s", 120.5, "time_spent_s: Input should be a valid integer"),
        ("time_spent_s", -1, "time_spent_s: Input should be greater than or equal to 0"),
        ("status", "finished", "status: Input should be 'todo', 'in_progress', 'done' or 'skipped'"),
        ("updated_at", "yesterday", "updated_at: "),
    ],
)
def test_a_field_set_to_what_the_schema_refuses_is_not_saved(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    """pydantic checks a model's values when it is made, not when a field is set later: a
    script that sets ``time_spent_s = 120.5`` must get an error naming the file, not a file
    that every reader then refuses. The file on disk stays as it was."""
    corpus = Corpus.create(tmp_path / "c", name="c")
    add_text(corpus, "d1", "Hello world.")
    annotation = corpus.new_annotation("zed", "d1", corpus.read_text("d1"))
    corpus.save_annotation(annotation)
    path = corpus.annotation_path("zed", "d1")
    before = path.read_bytes()
    setattr(annotation, field, value)
    with pytest.raises(CorpusError) as caught:
        corpus.save_annotation(annotation)
    assert str(caught.value).startswith(f"{path}: not saved: {message}")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["d1.json"]  # no temporary left
    assert Corpus.open(tmp_path / "c").load_annotation("zed", "d1").annotation.status == "todo"
