"""What `annotator validate` prints for each problem outside a file's content: the exact line
the user reads (``PATH: message [code]``, naming the file and what is wrong), the count line on
stderr, and that one problem does not stop the check of the files after it. Also that the
files the tool itself keeps (temporary files of a write, the editing lock) are not problems,
and that each document's text is read once, however many files annotate it.

Mutants of ``annotator/validate.py`` that no test can kill: none; every mutant of
``validate_corpus`` changes what is printed, counted or read.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.validate import validate_corpus
from tests.cli_helpers import run
from tests.conftest import add_text

TEXT = "Title line\nBy Jane Doe in Seoul\nBody."


def validate(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    """Exit code, the problem lines on stdout, and the count line on stderr."""
    code, out, err = run(capsys, "validate", str(corpus.root))
    assert "Traceback" not in err
    return code, out.splitlines(), err.strip()


def annotate(corpus: Corpus, annotator: str, doc_id: str, text: str = TEXT) -> Path:
    """A valid, empty annotation of ``doc_id`` by ``annotator``, written by the corpus."""
    corpus.save_annotation(corpus.new_annotation(annotator, doc_id, text), annotator=annotator)
    return corpus.annotation_path(annotator, doc_id)


@pytest.fixture
def clean(corpus: Corpus) -> Corpus:
    """doc1, annotated by alice: no problems."""
    add_text(corpus, "doc1", TEXT)
    annotate(corpus, "alice", "doc1")
    return corpus


# ---- documents/ -------------------------------------------------------------------------


def test_a_stray_file_in_documents_is_named(clean: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    path = clean.documents_dir / "notes.docx"
    path.write_bytes(b"PK\x03\x04")
    assert validate(clean, capsys) == (
        1,
        [f"{path}: not a document, meta or source file [stray-file]"],
        "checked 1 documents and 1 annotation files: 1 problem(s)",
    )


def test_a_document_file_with_a_bad_id_is_named(clean: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    path = clean.documents_dir / "doc 2.txt"  # a space: no document id can have one
    path.write_text("copied by hand", "utf-8")
    assert validate(clean, capsys) == (
        1,
        [f"{path}: 'doc 2' is not a valid document id [bad-id]"],
        "checked 1 documents and 1 annotation files: 1 problem(s)",
    )


def test_a_text_without_its_meta_is_named_as_an_unfinished_import(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    path = clean.documents_dir / "ghost.txt"
    path.write_text("half imported", "utf-8")
    assert validate(clean, capsys) == (
        1,
        [f"{path}: no document meta ghost.meta.json for this file (an import that did not finish?) [orphan]"],
        "checked 1 documents and 1 annotation files: 1 problem(s)",
    )


def test_hidden_files_in_documents_are_not_problems_and_do_not_end_the_check(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """The temporary file of an import writing doc2 right now (``.NAME.XXXX.tmp``, see
    ``atomic_write_bytes``) is not reported; the stray file listed after it still is."""
    (clean.documents_dir / ".doc2.txt.k3j9x.tmp").write_text("being written", "utf-8")
    stray = clean.documents_dir / "notes.docx"
    stray.write_bytes(b"PK\x03\x04")
    assert validate(clean, capsys) == (
        1,
        [f"{stray}: not a document, meta or source file [stray-file]"],
        "checked 1 documents and 1 annotation files: 1 problem(s)",
    )


def test_a_corpus_without_a_documents_folder_is_checked(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """A corpus kept in git loses its empty folders: no documents/ is no documents, not an
    error; alice's file is then a file without its document."""
    shutil.rmtree(clean.documents_dir)
    assert validate(clean, capsys) == (
        1,
        [f"{clean.annotation_path('alice', 'doc1')}: no document 'doc1' in this corpus [no-document]"],
        "checked 0 documents and 1 annotation files: 1 problem(s)",
    )
    clean.annotation_path("alice", "doc1").unlink()
    assert validate(clean, capsys) == (0, [], "checked 0 documents and 0 annotation files: no problems")


def test_a_text_that_is_not_utf8_is_named_and_the_next_documents_are_still_checked(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    add_text(corpus, "doc1", "Café")
    annotate(corpus, "alice", "doc1", "Café")
    cr_text = "Title\r\nBody."
    add_text(corpus, "doc2", cr_text)
    annotate(corpus, "alice", "doc2", cr_text)
    corpus.text_path("doc1").write_bytes("Café".encode("latin-1"))  # saved by the wrong editor
    assert validate(corpus, capsys) == (
        1,
        [
            f"{corpus.text_path('doc1')}: not UTF-8 at byte 3 [bad-text]",
            f"{corpus.text_path('doc2')}: text holds CR characters; import normalises them to LF [crlf]",
        ],
        # Both annotation files are counted; alice's doc1 cannot be checked against its text.
        "checked 2 documents and 2 annotation files: 2 problem(s)",
    )


def test_a_broken_meta_is_named_and_the_next_documents_are_still_checked(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    add_text(corpus, "doc1", TEXT)
    add_text(corpus, "doc2", TEXT)
    corpus.meta_path("doc1").write_bytes(b'{"doc_id": "doc1",')  # cut short
    corpus.text_path("doc2").write_text(TEXT + " Edited.", "utf-8")
    try:
        orjson.loads(b'{"doc_id": "doc1",')
    except orjson.JSONDecodeError as exc:
        reason = str(exc)
    assert validate(corpus, capsys) == (
        1,
        [
            f"{corpus.meta_path('doc1')}: not valid JSON: {reason} [bad-meta]",
            f"{corpus.meta_path('doc2')}: text_sha256 does not match the document text "
            "(was the .txt edited?) [hash-mismatch]",
        ],
        "checked 2 documents and 0 annotation files: 2 problem(s)",
    )


def test_a_meta_copied_from_another_document_is_named(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """doc1 duplicated by copying its two files: the copy's meta still says doc1."""
    shutil.copyfile(clean.text_path("doc1"), clean.documents_dir / "copy.txt")
    shutil.copyfile(clean.meta_path("doc1"), clean.documents_dir / "copy.meta.json")
    assert validate(clean, capsys) == (
        1,
        [f"{clean.meta_path('copy')}: doc_id 'doc1' does not match the file name [wrong-doc]"],
        "checked 2 documents and 1 annotation files: 1 problem(s)",
    )


# ---- annotation folders -----------------------------------------------------------------


def test_a_stray_file_and_a_file_without_document_are_both_named(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stray file sorts first ("N" < "d"); the files after it are still checked."""
    stray = clean.annotator_dir("alice") / "NOTES.txt"
    stray.write_text("to ask carol", "utf-8")
    ghost = clean.annotation_path("alice", "ghost")
    ghost.write_bytes(clean.annotation_path("alice", "doc1").read_bytes())
    assert validate(clean, capsys) == (
        1,
        [
            f"{stray}: not an annotation file (DOC_ID.json) [stray-file]",
            f"{ghost}: no document 'ghost' in this corpus [no-document]",
        ],
        "checked 1 documents and 2 annotation files: 2 problem(s)",
    )


def test_a_json_file_whose_name_is_not_a_document_id_is_stray(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file manager's copy: the whole name before .json is judged, not a part of it."""
    path = clean.annotator_dir("alice") / "doc10 (copy).json"
    path.write_bytes(clean.annotation_path("alice", "doc1").read_bytes())
    assert validate(clean, capsys) == (
        1,
        [f"{path}: not an annotation file (DOC_ID.json) [stray-file]"],
        "checked 1 documents and 1 annotation files: 1 problem(s)",
    )


def test_a_one_character_document_id_is_a_valid_annotation_file(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    add_text(corpus, "7", TEXT)
    annotate(corpus, "alice", "7")
    assert validate(corpus, capsys) == (0, [], "checked 1 documents and 1 annotation files: no problems")


def test_the_editing_lock_files_are_not_problems(clean: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    """alice has the app open: its lock files (.lock, .lock.owner) sit in her folder."""
    with clean.lock("alice"):
        hidden = sorted(p.name for p in clean.annotator_dir("alice").iterdir() if p.name.startswith("."))
        assert hidden  # the check below is about these files
        assert validate(clean, capsys) == (0, [], "checked 1 documents and 1 annotation files: no problems")


def test_a_corpus_without_a_gold_folder_still_has_its_annotators_checked(
    clean: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """No gold/ (nothing adjudicated yet, and git keeps no empty folder): alice's files are
    checked all the same."""
    clean.gold_dir.rmdir()
    ghost = clean.annotation_path("alice", "ghost")
    ghost.write_bytes(clean.annotation_path("alice", "doc1").read_bytes())
    assert validate(clean, capsys) == (
        1,
        [f"{ghost}: no document 'ghost' in this corpus [no-document]"],
        "checked 1 documents and 2 annotation files: 1 problem(s)",
    )


# ---- the API: progress and reads ------------------------------------------------------------


def test_on_document_is_told_each_document_in_order(clean: Corpus) -> None:
    add_text(clean, "doc2", TEXT)
    seen: list[str] = []
    problems, counts = validate_corpus(clean, on_document=seen.append)
    assert (problems, counts, seen) == ([], {"documents": 2, "annotations": 1}, ["doc1", "doc2"])


_opened: list[str] | None = None
_hook_added = False


def _record_open(event: str, args: tuple[object, ...]) -> None:
    # Audit hooks cannot be removed: this one records only inside ``files_opened``.
    if _opened is not None and event == "open" and isinstance(args[0], (str, os.PathLike)):
        _opened.append(os.fspath(args[0]))  # type: ignore[arg-type]


@contextmanager
def files_opened() -> Iterator[list[str]]:
    """Every path opened inside the block (``open()`` and ``os.open()`` alike), seen
    through the interpreter's audit events, so however the code under test reads."""
    global _opened, _hook_added
    if not _hook_added:  # once per process, and only in a process that uses it
        sys.addaudithook(_record_open)
        _hook_added = True
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def test_each_text_is_read_once_however_many_files_annotate_it(corpus: Corpus) -> None:
    """doc1 has files by alice, bob and gold: its text is read once for the four checks."""
    add_text(corpus, "doc1", TEXT)
    for who in ("alice", "bob", "gold"):
        annotate(corpus, who, "doc1")
    with files_opened() as opened:
        problems, counts = validate_corpus(corpus)
    assert (problems, counts) == ([], {"documents": 1, "annotations": 3})
    assert [p for p in opened if p.endswith(".txt")] == [str(corpus.text_path("doc1"))]
