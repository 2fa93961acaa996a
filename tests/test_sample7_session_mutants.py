"""Edges of the editing session, its files, the journal and word steps found by a sample of
mutation testing (issue #10, sample 7): the Problems panel's local re-check after an edit
that adds a span of a label the scheme lacks or sets a document label, the text hashed
once per session, the undo text of a mark that merges, a restored status, a restore whose
journal or save cannot be written, seconds that meet a third writer, a step back over
white space at the start of the text, and a journal rebased after a torn write.

Everything goes through public methods (:class:`DocumentSession`, :class:`Journal`,
:func:`word_step`); faults are injected where the house fault tests inject them
(``Journal._write_bytes``, ``os.ftruncate``, the corpus's own methods).

No mutant of this share is left alive as equivalent.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import orjson
import pytest

import annotator.rules
import annotator.session as session_module
from annotator.corpus import Corpus
from annotator.edits import AddSpan, make_span
from annotator.journal import Journal, Recovery, journal_path
from annotator.rules import check_annotation
from annotator.session import DocumentSession
from annotator.session_text import word_step
from tests.conftest import add_text
from tests.test_journal_mutants import refuse_one_ftruncate

TEXT = "Kim met Lee in Seoul."


def session_on(corpus: Corpus, text: str = TEXT, doc_id: str = "d1") -> DocumentSession:
    add_text(corpus, doc_id, text)
    return DocumentSession.open(corpus, "alice", doc_id)


def saved(corpus: Corpus, doc_id: str = "d1") -> dict[str, Any]:
    return orjson.loads(corpus.annotation_path("alice", doc_id).read_bytes())


def enospc(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


# --------------------------------------------------------------------------- problems()


def test_a_span_of_a_label_the_scheme_lacks_added_after_a_clean_check_is_found(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local re-check finds spans by the scheme's labels around the touched ranges; a
    span whose label the scheme lacks is found by its id only (``_SinceClean.after`` 10:
    the ids of added spans dropped)."""
    monkeypatch.setattr(session_module, "LOCAL_CHECK_FROM", 0)  # the local path on a small page
    s = session_on(corpus)
    assert s.problems() == []
    s.run(AddSpan(make_span(TEXT, 0, 3, "FOO", "x1", {})))
    whole = check_annotation(s.annotation, s.text, s.scheme)
    assert [p.code for p in whole] == ["unknown-label"]
    assert s.problems() == whole


def test_a_document_label_set_after_a_clean_check_is_checked(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document-label edit touches no range and no span: only the "document labels
    changed" flag sends the re-check to them (``_SinceClean.after`` 13: the flag lost when
    it was not set before)."""
    monkeypatch.setattr(session_module, "LOCAL_CHECK_FROM", 0)
    s = session_on(corpus)
    s.set_status("in_progress")  # so the label edit below sets no status with it
    assert s.problems() == []
    s.set_doc_label("page_type", "bogus")
    problems = s.problems()
    assert [p.code for p in problems] == ["bad-doc-label"]
    assert problems[0].message.startswith("document label 'page_type' is 'bogus', not one of [")
    assert problems == check_annotation(s.annotation, s.text, s.scheme)


def test_checking_problems_never_hashes_the_text_again(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The session hashes its text once, when it opens; every check after reuses that hash
    (a 2.6 MB page costs milliseconds to hash). ``problems`` 22: the hash not passed on."""
    s = session_on(corpus)
    s.mark("PER", 0, 3)
    hashed: list[str] = []
    real = annotator.rules.sha256_text

    def counting(text: str) -> str:
        hashed.append(text)
        return real(text)

    monkeypatch.setattr(annotator.rules, "sha256_text", counting)
    assert s.problems() == []
    s.mark("LOC", 15, 20)
    assert s.problems() == []
    assert hashed == []


# --------------------------------------------------------------------------- mark


def test_a_mark_that_merges_is_one_undo_step_named_after_its_label(corpus: Corpus) -> None:
    """Marking an article over another merges them (remove it, add the wider one): one
    undo step, "mark article" (``mark`` 118: the generic "edit")."""
    s = session_on(corpus)
    s.mark("article", 0, 11)  # "Kim met Lee"
    s.mark("article", 8, 21)  # "Lee in Seoul.": overlaps, so the two merge into [0, 21)
    assert [(sp.label, sp.start, sp.end) for sp in s.spans] == [("article", 0, 21)]
    assert s.history.undo_text == "mark article"
    s.undo()
    assert s.history.redo_text == "mark article"
    assert [(sp.start, sp.end) for sp in s.spans] == [(0, 11)]


# --------------------------------------------------------------------------- crash journal


def test_a_restart_restores_a_status_set_after_the_last_save(corpus: Corpus) -> None:
    """``restore_edit`` 37: the status compared the wrong way round, so a changed one was
    not restored."""
    s = session_on(corpus)
    s.mark("PER", 0, 3)  # the document is "in_progress" now
    assert s.save()
    s.set_status("skipped")
    s.close()  # the process dies: the status is only in the journal

    reopened = DocumentSession.open(corpus, "alice", "d1")
    assert reopened.recovery == Recovery("d1", "restored", 1, "d1: restored 1 unsaved change from the last session")
    assert reopened.annotation.status == "skipped"
    assert saved(corpus)["status"] == "skipped"
    reopened.undo()  # back to the file as it was saved
    assert reopened.annotation.status == "in_progress"


def test_a_restore_whose_journal_cannot_be_written_is_left(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The restored state goes to a new journal first; a full disk there leaves the old
    journal and the file as they were, read-only (``restore`` 21: the outcome None)."""
    s = session_on(corpus)
    s.mark("PER", 0, 3)
    s.close()
    journal = journal_path(corpus, "alice", "d1")
    before = journal.read_bytes()
    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(enospc))

    opened = DocumentSession.open(corpus, "alice", "d1")
    reason = (
        f"unsaved edits from the last session could not be restored ([Errno {errno.ENOSPC}] "
        f"No space left on device); they stay in {journal}"
    )
    assert opened.recovery == Recovery("d1", "left", 0, f"d1: {reason}", journal)
    assert opened.read_only and opened.read_only_reason == reason
    assert opened.spans == [] and not opened.history.can_undo
    assert journal.read_bytes() == before
    assert not corpus.annotation_path("alice", "d1").exists()


def test_a_restore_that_cannot_be_saved_says_so_for_its_document(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restored on screen and journaled, but the save fails: the report still names the
    document (``restore`` 37: the doc_id None)."""
    s = session_on(corpus)
    s.mark("PER", 0, 3)
    s.close()
    monkeypatch.setattr(corpus, "write_prepared", enospc)

    opened = DocumentSession.open(corpus, "alice", "d1")
    assert opened.recovery == Recovery(
        "d1",
        "restored",
        1,
        f"d1: restored 1 unsaved change from the last session (not saved yet: [Errno {errno.ENOSPC}] "
        "No space left on device)",
    )
    assert [(sp.label, sp.start, sp.end) for sp in opened.spans] == [("PER", 0, 3)]
    assert opened.dirty and not corpus.annotation_path("alice", "d1").exists()


# --------------------------------------------------------------------------- active seconds


def test_seconds_that_meet_a_third_writer_stay_unsaved(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seconds alone join the version on disk; when yet another writer comes in between
    reading that version and writing it back, nothing is written and the seconds wait for
    the next save (``_save_seconds`` 25: reported as saved)."""
    text = add_text(corpus, "d1", "shared page")
    first = corpus.new_annotation("alice", "d1", text)
    first.time_spent_s = 50
    corpus.save_annotation(first)
    s = DocumentSession.open(corpus, "alice", "d1")

    def write(seconds: int) -> None:
        """Another machine of alice's writes the file (a git pull), ``seconds`` spent."""
        other = Corpus.open(corpus.root)
        annotation = other.new_annotation("alice", "d1", text)
        annotation.time_spent_s = seconds
        other.save_annotation(annotation)

    write(200)  # the session is behind the disk now
    real_load = corpus.load_annotation

    def load_then_third_writer(*args: Any, **kwargs: Any) -> Any:
        loaded = real_load(*args, **kwargs)
        write(300)  # right after the session read the 200 s version
        return loaded

    monkeypatch.setattr(corpus, "load_annotation", load_then_third_writer)
    s.add_active_seconds(20)
    assert s.save() is False
    assert s.unsaved_seconds == 20
    assert saved(corpus)["time_spent_s"] == 300  # the third writer's, untouched


# --------------------------------------------------------------------------- word_step


def test_a_word_step_back_over_leading_white_space_stops_at_the_start() -> None:
    """``word_step`` 24 (``i >= 0``): at offset 0 it read ``text[-1]``, the last character,
    and went on to -1 when the text ends in white space."""
    text = "  ab "
    assert word_step(text, 2, -1) == 0  # over the two spaces to the start, not -1
    assert word_step(text, 1, -1) == 0
    assert word_step(text, 0, -1) == 0
    assert word_step(text, 4, -1) == 2  # the word "ab" [2, 4)


# --------------------------------------------------------------------------- Journal.rebase


def test_a_rebase_after_a_torn_write_keeps_only_the_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that failed and could not even be cut back leaves half a line past the good
    part; a rebase then (a save finishing) copies the good part only (``rebase`` 15: the
    whole file, half line and all)."""
    header = {"journal": 1, "doc_id": "d1", "annotator": "alice", "text_sha256": "0" * 64}
    one, two = {"v": 1, "status": "in_progress"}, {"v": 2, "status": "done"}
    real_write = Journal._write_bytes
    writes = [0]

    def half_second_line(fd: int, data: bytes) -> None:
        writes[0] += 1
        if writes[0] == 3:  # 1: the header, 2: line one, 3: line two
            real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(half_second_line))
    refuse_one_ftruncate(monkeypatch)
    path = tmp_path / "d1.jsonl"
    journal = Journal(path, header)
    journal.append(one)
    with pytest.raises(OSError):
        journal.append(two)
    line_two = orjson.dumps(two) + b"\n"
    good = orjson.dumps(header) + b"\n" + orjson.dumps(one) + b"\n"
    assert path.read_bytes() == good + line_two[: len(line_two) // 2]  # torn

    journal.rebase({"base_mtime_ns": 7, "base_sha256": "a" * 64})
    rebased = {**header, "base_mtime_ns": 7, "base_sha256": "a" * 64}
    assert path.read_bytes() == orjson.dumps(rebased) + b"\n" + orjson.dumps(one) + b"\n"
    journal.append(two)
    assert path.read_bytes() == orjson.dumps(rebased) + b"\n" + orjson.dumps(one) + b"\n" + line_two
    journal.close()

