"""Hardening of the corpus layer (issue 9): file modes follow the umask, a document is
committed by its meta, debris of a dead process goes at the next lock, and the conflict
check of a save cannot be fooled by a same-mtime rewrite."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import annotator.corpus as corpus_module
from annotator.corpus import ConflictError, Corpus, CorpusError
from annotator.model import DocumentMeta
from annotator.rules import sha256_text
from tests.conftest import ROOT, add_text

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- umask


WRITE_IN_CHILD = """
import sys
from pathlib import Path
from annotator.corpus import Corpus, atomic_write_bytes
from tests.conftest import add_text
corpus = Corpus.create(Path(sys.argv[1]))
add_text(corpus, "d", "Some text.")
corpus.save_annotation(corpus.new_annotation("alice", "d"))
atomic_write_bytes(Path(sys.argv[1]) / "plain.bin", b"x")
"""


@posix_only
@pytest.mark.parametrize(
    ("umask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)], ids=["022", "002", "077"]
)
def test_new_files_follow_the_umask_of_the_process(tmp_path: Path, umask: int, expected: int) -> None:
    # A fresh process, as the app or a CLI command starts: the umask is read once, at import.
    root = tmp_path / "c"
    subprocess.run(
        [sys.executable, "-c", WRITE_IN_CHILD, str(root)], cwd=ROOT, umask=umask, check=True, timeout=60
    )
    files = [
        root / "corpus.json",
        root / "plain.bin",
        root / "documents" / "d.txt",
        root / "documents" / "d.meta.json",
        root / "annotations" / "alice" / "d.json",
    ]
    assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(expected) for f in files}
    # Folders come from mkdir, which honours the umask by itself.
    assert mode(root / "annotations" / "alice") == 0o777 & ~umask


@posix_only
@pytest.mark.parametrize("chosen", [0o664, 0o644, 0o640], ids=oct)
def test_a_mode_the_user_chose_survives_saves(seed_corpus: Corpus, chosen: int) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    mtime = seed_corpus.save_annotation(ann)
    path = seed_corpus.annotation_path("alice", "seed")
    path.chmod(chosen)
    ann.status = "in_progress"
    mtime = seed_corpus.save_annotation(ann, expected_mtime_ns=mtime)
    ann.status = "done"
    seed_corpus.save_annotation(ann, expected_mtime_ns=mtime)
    assert oct(mode(path)) == oct(chosen)
    assert orjson.loads(path.read_bytes())["status"] == "done"


@posix_only
def test_umask_is_read_without_changing_it() -> None:
    before = os.umask(0o027)
    try:
        assert corpus_module.read_umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what we set: reading did not change it
    finally:
        os.umask(before)


# --------------------------------------------------------------------------- documents


def _meta(doc_id: str, text: str) -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, text_sha256=sha256_text(text), chars=len(text), source="t", source_format="txt")


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_an_interrupted_add_leaves_no_half_document(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    """Killed after any write of add_document: the document is all there, or not listed and
    no meta of it exists (the meta is the commit), and adding it again works."""
    real = corpus_module.atomic_write_bytes
    calls: list[Path] = []

    def dying(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == fail_at:
            raise KeyboardInterrupt  # stands for the kill
        real(path, data)

    monkeypatch.setattr(corpus_module, "atomic_write_bytes", dying)
    text = "Title\nBody."
    with pytest.raises(KeyboardInterrupt):
        corpus.add_document(text, _meta("d", text), html_gz=b"\x1f\x8b fake")
    monkeypatch.undo()
    assert corpus.doc_ids() == []
    assert not corpus.has_document("d")
    assert not corpus.meta_path("d").exists()
    corpus.add_document(text, _meta("d", text), html_gz=b"\x1f\x8b fake")
    assert corpus.doc_ids() == ["d"]
    assert corpus.read_text("d") == text


def test_a_text_without_meta_is_not_a_document(corpus: Corpus) -> None:
    add_text(corpus, "kept", "A document.")
    (corpus.documents_dir / "uncommitted.txt").write_text("left by a killed import")
    assert corpus.doc_ids() == ["kept"]
    assert not corpus.has_document("uncommitted")
    assert corpus.has_document("kept")
    add_text(corpus, "uncommitted", "The import again.")  # takes its id, not "uncommitted-2"
    assert corpus.doc_ids() == ["kept", "uncommitted"]
    assert corpus.read_text("uncommitted") == "The import again."


def test_a_committed_document_cannot_be_added_twice(corpus: Corpus) -> None:
    add_text(corpus, "d", "One.")
    with pytest.raises(CorpusError, match="already exists"):
        add_text(corpus, "d", "Two.")
    assert corpus.read_text("d") == "One."


# --------------------------------------------------------------------------- debris


def test_debris_of_a_dead_writer_goes_when_the_lock_is_taken(seed_corpus: Corpus) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    seed_corpus.save_annotation(ann)
    folder = seed_corpus.annotator_dir("alice")
    debris = [folder / ".seed.json.k2j3h4.tmp", folder / ".lock.owner.abcd12.tmp"]
    for path in debris:
        path.write_bytes(b"half a fil")
    keep = [folder / "seed.json", folder / "notes.tmp", folder / ".journal" / "seed.jsonl"]
    keep[1].write_bytes(b"not ours: no leading dot")
    keep[2].parent.mkdir()
    keep[2].write_bytes(b"{}\n")
    before = {p: p.read_bytes() for p in keep}
    with seed_corpus.lock("alice"):
        assert [p for p in debris if p.exists()] == []
        assert {p: p.read_bytes() for p in keep} == before


def test_gold_debris_goes_too(seed_corpus: Corpus) -> None:
    seed_corpus.gold_dir.mkdir(exist_ok=True)
    stray = seed_corpus.gold_dir / ".seed.json.x1y2z3.tmp"
    stray.write_bytes(b"{")
    with seed_corpus.lock("gold"):
        assert not stray.exists()


# --------------------------------------------------------------------------- conflicts


def test_a_rewrite_with_the_same_mtime_is_still_a_conflict(seed_corpus: Corpus) -> None:
    """File systems with coarse timestamps give two quick writes the same mtime; the check
    also compares the file itself (inode and size) with what this corpus read or wrote."""
    ann = seed_corpus.new_annotation("alice", "seed")
    mtime = seed_corpus.save_annotation(ann)
    path = seed_corpus.annotation_path("alice", "seed")
    other = orjson.loads(path.read_bytes())
    other["status"] = "skipped"
    corpus_module.atomic_write_bytes(path, orjson.dumps(other))  # another writer, same tool
    os.utime(path, ns=(mtime, mtime))  # within the same clock tick
    with pytest.raises(ConflictError, match="changed on disk"):
        seed_corpus.save_annotation(ann, expected_mtime_ns=mtime)
    assert orjson.loads(path.read_bytes())["status"] == "skipped"


def test_the_returned_mtime_is_that_of_the_file_written(seed_corpus: Corpus) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    mtime = seed_corpus.save_annotation(ann)
    assert mtime == seed_corpus.annotation_path("alice", "seed").stat().st_mtime_ns
    loaded = seed_corpus.load_annotation("alice", "seed")
    assert loaded is not None and loaded.mtime_ns == mtime
    ann.status = "in_progress"
    seed_corpus.save_annotation(ann, expected_mtime_ns=loaded.mtime_ns)  # no false conflict


def test_expecting_no_file_refuses_to_overwrite_one(seed_corpus: Corpus) -> None:
    ann = seed_corpus.new_annotation("alice", "seed")
    seed_corpus.save_annotation(ann, expected_mtime_ns=corpus_module.ABSENT)  # creates it
    ann.status = "skipped"
    with pytest.raises(ConflictError):
        seed_corpus.save_annotation(ann, expected_mtime_ns=corpus_module.ABSENT)
    path = seed_corpus.annotation_path("alice", "seed")
    assert orjson.loads(path.read_bytes())["status"] == "todo"


def test_saving_while_holding_the_editing_lock_works(seed_corpus: Corpus) -> None:
    """The save lock is not the editing lock: the process holding one takes the other."""
    with seed_corpus.lock("alice"), seed_corpus.lock("gold"):
        ann = seed_corpus.new_annotation("alice", "seed")
        seed_corpus.save_annotation(ann)
        gold = seed_corpus.new_annotation("gold", "seed")
        seed_corpus.save_annotation(gold, annotator="gold")
    assert seed_corpus.load_annotation("alice", "seed") is not None
    assert seed_corpus.load_annotation("gold", "seed") is not None
