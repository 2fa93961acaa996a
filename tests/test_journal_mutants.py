"""The crash journal's edges found by mutation testing: what a restart restores, sets aside
(and where, under which name, with which message), the exact bytes a journal holds after
short writes, a full disk and a cut-back that fails, torn, empty and foreign journals, and
journals that meet another writer at the moment they are saved.

The line format is pinned (``test_a_journal_holds_the_header_and_one_state_line_per_change``):
a journal written by one version of the app is replayed by the next one after an upgrade.
Times are fixed by patching ``utc_now`` where a test compares them.

The mutants of ``annotator/journal.py`` that survive these tests are equivalent (no
behaviour can change), so no test can kill them:

- Initial and reset values that are written again before anything reads them:
  ``Journal.__init__`` 6, 7 (``_good``), 8, 9 (``_torn``), ``_create`` 40 (``_torn``
  None instead of False), ``discard`` 4, 5 (``_good``: the next append creates the file and sets it), and
  ``_write_line`` 13, 14 (``_torn`` left True after a successful cut only cuts again to
  the length the file already has).
- ``_create`` 10, 11: the name of the temporary header file. Nothing looks for it: the
  journal folder is git-ignored as a whole and :func:`pending_journals` takes ``*.jsonl``.
- ``_entry_for`` 10 (``touched or True``): with nothing touched, the comprehension over an
  empty set gives the same empty dict; 16, 17, 18 (``model_dump`` mode): a Span holds only
  JSON types (str, int, dict of str or list of str), so both modes dump the same.
- ``plan_recovery`` 24, 26, 28 (``mkdir`` without ``parents``): the parent of
  ``.conflicts/`` is the annotator's folder, which holds the journal being set aside.
- ``plan_recovery`` 78, 81, 91, 94 and ``recover_journal`` 5 (the document text not
  passed on): the callee reads the same text from the corpus. (``recover_journal`` 9 is
  killed in ``test_sample8_core_mutants.py``: with the text file gone, only the text given
  can restore the edit.)
- ``plan_recovery`` 156, 162 (the Replay without ``base_version``) and ``recover_journal``
  18: the save then expects the file by its mtime, and
  :meth:`~annotator.corpus.Corpus.save_annotation` turns an mtime this corpus read into the
  version it read (the content check stays); where there was no file the mtime is None,
  so ``or True`` gives ABSENT as before.
- ``read_journal`` 13 (the empty tail after the last newline kept): it then fails to parse
  as the last line and is dropped, as popping it did; the two differ only for a broken
  line followed by a newline, which the writer never produces (a line's newline is its
  last byte and goes with it in one write).
- ``Journal._write_bytes`` 3 (``written = None``) loops for ever (the run's timeout), and
  ``test_short_writes_are_completed`` hangs on it too.

Two real defects showed up and were fixed in ``annotator/journal.py``: a second journal of
one document set aside within the same second was renamed over the first one (lost edits;
``test_two_journals_set_aside_within_one_second_are_both_kept``), and with
``journal_fsync`` the new journal's name was not made durable (its folder was not fsynced
after the rename; ``test_fsync_covers_the_new_name``).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import annotator.conflicts as conflicts_module
import annotator.edits as edits_module
from annotator.corpus import Corpus, CorpusError
from annotator.edits import EditNotSaved
from annotator.journal import (
    Journal,
    Recovery,
    _entry_for,
    journal_path,
    pending_journals,
    read_journal,
    recover_journals,
)
from annotator.session import DocumentSession
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul."
HEADER = {"journal": 1, "doc_id": "d1", "annotator": "alice", "text_sha256": "0" * 64}


def saved(corpus: Corpus, doc_id: str = "d1") -> dict[str, Any]:
    return orjson.loads(corpus.annotation_path("alice", doc_id).read_bytes())


def crashed_session(corpus: Corpus, marks: list[tuple[str, int, int]], doc_id: str = "d1") -> bytes:
    """Marks made and journaled, never saved; the process dies. The journal's bytes."""
    session = DocumentSession.open(corpus, "alice", doc_id)
    for label, start, end in marks:
        session.mark(label, start, end)
    session.close()
    return journal_path(corpus, "alice", doc_id).read_bytes()


def reimport(corpus: Corpus, doc_id: str, text: str) -> None:
    """The document removed and imported again with another text under the same id."""
    corpus.meta_path(doc_id).unlink()
    corpus.text_path(doc_id).unlink()
    add_text(corpus, doc_id, text)


def set_aside(doc_id: str, reason: str, changes: int, kept: Path) -> Recovery:
    return Recovery(doc_id, "set-aside", changes, f"{doc_id}: unsaved edits not applied ({reason}); kept in {kept}", kept)


def lines(*values: object) -> bytes:
    return b"".join(orjson.dumps(v) + b"\n" for v in values)


def with_header(path: Path, **changes: Any) -> None:
    """Rewrite the journal's header line (``None``: the key removed)."""
    head, rest = path.read_bytes().split(b"\n", 1)
    header = orjson.loads(head)
    for key, value in changes.items():
        if value is None:
            header.pop(key, None)
        else:
            header[key] = value
    path.write_bytes(orjson.dumps(header) + b"\n" + rest)


@pytest.fixture
def corpus(corpus: Corpus) -> Corpus:
    add_text(corpus, "d1", TEXT)
    return corpus


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The time every edit stamps (``updated_at``) and conflict names use: ``clock[0]``."""
    now = ["2024-01-02T03:04:05Z"]
    monkeypatch.setattr(edits_module, "utc_now", lambda: now[0])
    monkeypatch.setattr(conflicts_module, "utc_now", lambda: now[0])
    return now


# --------------------------------------------------------------------------- what a restart restores


def test_the_message_counts_changes_in_the_singular_and_the_plural(corpus: Corpus) -> None:
    add_text(corpus, "d2", TEXT)
    crashed_session(corpus, [("PER", 0, 3)])
    crashed_session(corpus, [("PER", 0, 3), ("PER", 8, 11)], "d2")
    assert [(r.outcome, r.changes, r.message) for r in recover_journals(corpus, "alice")] == [
        ("restored", 1, "d1: restored 1 unsaved change from the last session"),
        ("restored", 2, "d2: restored 2 unsaved changes from the last session"),
    ]


def test_a_last_line_complete_but_for_its_newline_is_restored(corpus: Corpus) -> None:
    """The write stopped just before the newline: the change is all there, and kept."""
    journal = crashed_session(corpus, [("PER", 0, 3), ("PER", 8, 11)])
    path = journal_path(corpus, "alice", "d1")
    path.write_bytes(journal[:-1])
    [result] = recover_journals(corpus, "alice")
    assert (result.outcome, result.changes) == ("restored", 2)
    assert [(s["start"], s["end"]) for s in saved(corpus)["spans"]] == [(0, 3), (8, 11)]


def test_status_and_the_time_of_the_last_edit_are_restored(corpus: Corpus, clock: list[str]) -> None:
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 3)
    session.save()
    clock[0] = "2024-01-02T03:10:00Z"
    session.set_status("skipped")
    session.close()  # dies before the autosave
    clock[0] = "2024-01-03T00:00:00Z"  # the next start, a day later
    assert [r.outcome for r in recover_journals(corpus, "alice")] == ["restored"]
    data = saved(corpus)
    # When the work was done, not when it was recovered.
    assert (data["status"], data["updated_at"]) == ("skipped", "2024-01-02T03:10:00Z")


def test_a_journal_already_saved_is_removed_whatever_the_order_of_its_spans(corpus: Corpus) -> None:
    session = DocumentSession.open(corpus, "alice", "d1")
    _, late = session.mark("LOC", 15, 20)  # type: ignore[misc]
    session.mark("PER", 0, 3)
    session.mark("PER", 8, 11)
    session.delete(late)
    session.mark("LOC", 15, 20)  # a new id, the last one in the list
    journal = journal_path(corpus, "alice", "d1").read_bytes()
    session.save()
    journal_path(corpus, "alice", "d1").write_bytes(journal)  # died between save and delete
    assert recover_journals(corpus, "alice") == [Recovery("d1", "unchanged", 0, "d1: nothing unsaved")]
    assert not journal_path(corpus, "alice", "d1").exists()


def test_a_journal_with_a_header_only_is_removed(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The header was written, the first line was not (disk full), then the app died."""
    real = Journal._write_bytes
    calls = []

    def header_only(fd: int, data: bytes) -> None:
        calls.append(data)
        if len(calls) > 1:
            real(fd, data[:5])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(header_only))
    session = DocumentSession.open(corpus, "alice", "d1")
    with pytest.raises(EditNotSaved):
        session.mark("PER", 0, 3)
    session.close()
    monkeypatch.undo()
    path = journal_path(corpus, "alice", "d1")
    assert path.read_bytes() == calls[0]  # the half line was cut off
    assert recover_journals(corpus, "alice") == [Recovery("d1", "unchanged", 0, "d1: empty journal removed")]
    assert not path.exists() and not corpus.annotation_path("alice", "d1").exists()


def test_a_journal_from_before_content_hashes_goes_by_the_mtime(corpus: Corpus) -> None:
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 3)
    session.save()
    session.mark("LOC", 15, 20)
    session.close()
    path = journal_path(corpus, "alice", "d1")
    with_header(path, base_sha256=None)  # as an older version wrote it
    journal = path.read_bytes()
    assert [r.outcome for r in recover_journals(corpus, "alice")] == ["restored"]
    assert [s["label"] for s in saved(corpus)["spans"]] == ["PER", "LOC"]
    # The same journal on a file someone saved since (another mtime) does not apply.
    other = DocumentSession.open(corpus, "alice", "d1")
    other.delete(other.spans[1].id)  # the LOC the journal puts back
    other.save()
    path.write_bytes(journal)
    [result] = recover_journals(corpus, "alice")
    assert result.kept is not None
    assert result == set_aside("d1", "the file was changed on disk after these edits began", 1, result.kept)
    assert result.kept.read_bytes() == journal


# --------------------------------------------------------------------------- what is set aside, and where


def test_a_journal_for_another_text_is_set_aside_whole(corpus: Corpus, clock: list[str]) -> None:
    journal = crashed_session(corpus, [("PER", 0, 3), ("PER", 8, 11)])
    reimport(corpus, "d1", "Another text altogether.")
    conflicts = corpus.annotator_dir("alice") / ".conflicts"
    conflicts.mkdir()  # an earlier conflict made it
    kept = conflicts / "d1.20240102T030405Z.journal.jsonl"
    assert recover_journals(corpus, "alice") == [set_aside("d1", "the document text changed", 2, kept)]
    assert kept.read_bytes() == journal
    assert not journal_path(corpus, "alice", "d1").exists()
    assert not corpus.annotation_path("alice", "d1").exists()


def test_two_journals_set_aside_within_one_second_are_both_kept(corpus: Corpus, clock: list[str]) -> None:
    first = crashed_session(corpus, [("PER", 0, 3)])
    reimport(corpus, "d1", "Second text.")
    [one] = recover_journals(corpus, "alice")
    second = crashed_session(corpus, [("ORG", 0, 6)])
    reimport(corpus, "d1", "Third text.")
    [two] = recover_journals(corpus, "alice")
    conflicts = corpus.annotator_dir("alice") / ".conflicts"
    assert (one.kept, two.kept) == (
        conflicts / "d1.20240102T030405Z.journal.jsonl",
        conflicts / "d1.20240102T030405Z.journal-2.jsonl",
    )
    assert two == set_aside("d1", "the document text changed", 1, conflicts / "d1.20240102T030405Z.journal-2.jsonl")
    assert (one.kept.read_bytes(), two.kept.read_bytes()) == (first, second)


def test_a_journal_on_a_broken_saved_file_says_what_is_wrong(corpus: Corpus) -> None:
    crashed_session(corpus, [("PER", 0, 3)])
    corpus.annotation_path("alice", "d1").write_bytes(b"not json")
    with pytest.raises(CorpusError) as caught:
        Corpus.open(corpus.root).load_annotation("alice", "d1")
    problem = caught.value.message
    [result] = recover_journals(corpus, "alice")
    assert result.kept is not None
    assert result == set_aside("d1", f"the saved file has problems: {problem}", 1, result.kept)
    assert corpus.annotation_path("alice", "d1").read_bytes() == b"not json"


@pytest.mark.parametrize(
    ("span", "why"),
    [
        ({"id": "s9", "start": 0, "end": 3, "label": "PER", "text": "Lee"}, "another text"),
        ({"id": "s9", "start": 3, "end": 3, "label": "PER", "text": ""}, "empty"),
        ({"id": "s9", "start": 5, "end": 3, "label": "PER", "text": ""}, "backwards"),
    ],
)
def test_a_journal_line_that_does_not_fit_the_text_sets_the_journal_aside(
    corpus: Corpus, span: dict[str, Any], why: str
) -> None:
    crashed_session(corpus, [("PER", 0, 3)])
    path = journal_path(corpus, "alice", "d1")
    journal = path.read_bytes() + lines({"v": 2, "put": [span], "updated_at": "2024-01-02T03:04:05Z"})
    path.write_bytes(journal)
    [result] = recover_journals(corpus, "alice")
    assert result.kept is not None, why
    reason = "a journal line does not apply: span s9 does not match the text"
    assert result == set_aside("d1", reason, 2, result.kept)
    assert result.kept.read_bytes() == journal and not corpus.annotation_path("alice", "d1").exists()


def test_a_span_put_twice_in_one_line_keeps_its_last_state(corpus: Corpus) -> None:
    crashed_session(corpus, [("PER", 0, 3)])
    path = journal_path(corpus, "alice", "d1")
    twice = [
        {"id": "s9", "start": 8, "end": 11, "label": "PER", "text": "Lee"},
        {"id": "s9", "start": 8, "end": 11, "label": "ORG", "text": "Lee"},
    ]
    path.write_bytes(path.read_bytes() + lines({"v": 2, "put": twice}))
    assert [(r.outcome, r.changes) for r in recover_journals(corpus, "alice")] == [("restored", 2)]
    assert [(s["id"], s["label"]) for s in saved(corpus)["spans"]] == [("s1", "PER"), ("s9", "ORG")]


def test_a_journal_broken_before_its_last_line_is_set_aside_with_the_reason(corpus: Corpus) -> None:
    crashed_session(corpus, [("PER", 0, 3), ("PER", 8, 11)])
    path = journal_path(corpus, "alice", "d1")
    head, first, second, _ = path.read_bytes().split(b"\n")
    path.write_bytes(head + b"\n" + first[:-4] + b"\n" + second + b"\n")
    [result] = recover_journals(corpus, "alice")
    assert result.kept is not None and result.changes == 0
    assert re.fullmatch(
        rf"d1: unsaved edits not applied \(line 2 is not valid JSON: .+\); kept in {re.escape(str(result.kept))}",
        result.message,
    ), result.message


def test_a_zero_byte_journal_is_set_aside(corpus: Corpus) -> None:
    """What a power cut can leave of a file whose data never reached the disk."""
    path = journal_path(corpus, "alice", "d1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    [result] = recover_journals(corpus, "alice")
    assert result.kept is not None
    assert result == set_aside("d1", "not an edit journal (no header line)", 0, result.kept)


def test_read_journal_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d1.jsonl"
    entry = {"v": 1, "status": "in_progress"}

    def error(data: bytes | None) -> CorpusError:
        if data is not None:
            path.write_bytes(data)
        with pytest.raises(CorpusError) as caught:
            read_journal(path)
        assert caught.value.path == str(path)
        return caught.value

    assert str(error(lines(HEADER, [1, 2], entry))) == f"{path}: line 2 is not a JSON object"
    assert str(error(lines(entry, entry))) == f"{path}: not an edit journal (no header line)"
    assert str(error(b"")) == f"{path}: not an edit journal (no header line)"
    broken = str(error(lines(HEADER) + b"{oops\n" + lines(entry)))
    assert broken.startswith(f"{path}: line 2 is not valid JSON: "), broken
    path.unlink()
    path.mkdir()  # something not readable as a file
    assert str(error(None)) == f"{path}: cannot read: Is a directory"
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(lines(HEADER, entry) + b'{"v":2,"st')
    assert read_journal(torn) == (HEADER, [entry])


# --------------------------------------------------------------------------- journals that cannot be recovered now


def test_a_journal_of_a_removed_document_waits(corpus: Corpus) -> None:
    journal = crashed_session(corpus, [("PER", 0, 3)])
    text_path = corpus.text_path("d1")
    corpus.meta_path("d1").unlink()
    text_path.unlink()
    assert recover_journals(corpus, "alice") == [
        Recovery("d1", "left", 0, f"d1: unsaved edits not replayed ({text_path}: no document 'd1' in this corpus); left in {journal_path(corpus, 'alice', 'd1')}")
    ]
    assert journal_path(corpus, "alice", "d1").read_bytes() == journal  # left for a later start


def someone_saves_at_that_moment(corpus: Corpus, monkeypatch: pytest.MonkeyPatch, spans: list[tuple[str, int, int]]) -> Path:
    """Another machine writes the annotation file just before the recovery's save."""
    real = corpus.save_annotation
    path = corpus.annotation_path("alice", "d1")

    def racing(*args: Any, **kwargs: Any) -> int:
        other = Corpus.open(corpus.root)  # another process: its own memory of the files
        theirs = other.new_annotation("alice", "d1")
        theirs.spans = [edits_module.make_span(TEXT, a, b, label, f"t{a}") for label, a, b in spans]
        other.save_annotation(theirs)
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus, "save_annotation", racing)
    return path


def test_a_file_created_while_a_journal_is_recovered_is_not_overwritten(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = crashed_session(corpus, [("PER", 0, 3)])
    path = someone_saves_at_that_moment(corpus, monkeypatch, [("ORG", 15, 20)])
    assert recover_journals(corpus, "alice") == [
        Recovery("d1", "left", 0, f"d1: unsaved edits not replayed ({path}: was created on disk by someone else; not overwritten); left in {journal_path(corpus, 'alice', 'd1')}")
    ]
    assert [s["label"] for s in saved(corpus)["spans"]] == ["ORG"]
    assert journal_path(corpus, "alice", "d1").read_bytes() == journal


def test_a_file_rewritten_while_a_journal_is_recovered_is_not_overwritten(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 3)
    session.save()
    session.mark("PER", 8, 11)
    session.close()
    path = someone_saves_at_that_moment(corpus, monkeypatch, [("ORG", 15, 20)])
    assert recover_journals(corpus, "alice") == [
        Recovery("d1", "left", 0, f"d1: unsaved edits not replayed ({path}: changed on disk since it was opened; not overwritten); left in {journal_path(corpus, 'alice', 'd1')}")
    ]
    assert [s["label"] for s in saved(corpus)["spans"]] == ["ORG"]
    assert journal_path(corpus, "alice", "d1").exists()


def test_recover_journals_skips_only_the_documents_it_is_told(corpus: Corpus) -> None:
    for doc_id in ("a", "b", "c"):
        add_text(corpus, doc_id, TEXT)
        crashed_session(corpus, [("PER", 0, 3)], doc_id)
    assert [(r.doc_id, r.outcome) for r in recover_journals(corpus, "alice", skip={"b"})] == [
        ("a", "restored"),
        ("c", "restored"),
    ]
    assert pending_journals(corpus, "alice") == ["b"]


def test_pending_journals_lists_the_last_written_first(corpus: Corpus) -> None:
    folder = corpus.annotator_dir("alice") / ".journal"
    folder.mkdir(parents=True)
    times = {"a": 3, "z": 1, "m": 2, "b": 2, "y": 4}
    for name, seconds in times.items():
        (folder / f"{name}.jsonl").write_bytes(lines(HEADER))
        os.utime(folder / f"{name}.jsonl", ns=(seconds * 10**9, seconds * 10**9))
    (folder / "x.jsonl.tmp").write_bytes(b"")
    assert pending_journals(corpus, "alice") == ["y", "a", "b", "m", "z"]


# --------------------------------------------------------------------------- the journal file


def test_a_journal_holds_the_header_and_one_state_line_per_change(corpus: Corpus, clock: list[str]) -> None:
    session = DocumentSession.open(corpus, "alice", "d1")
    _, per = session.mark("PER", 0, 3)  # type: ignore[misc]
    session.set_doc_label("page_type", "article")
    session.delete(per)
    header, entries = read_journal(journal_path(corpus, "alice", "d1"))
    assert header["journal"] == 1 and header["text_sha256"] == corpus.read_meta("d1").text_sha256
    when = "2024-01-02T03:04:05Z"
    assert entries == [
        {
            "v": 1,
            "put": [{"id": per, "start": 0, "end": 3, "label": "PER", "text": "Kim", "attrs": {}}],
            "status": "in_progress",
            "updated_at": when,
        },
        {"v": 2, "doc_labels": {"page_type": "article"}, "updated_at": when},
        {"v": 3, "del": [per], "updated_at": when},
    ]


def test_a_line_is_the_same_with_or_without_the_span_lookup(corpus: Corpus) -> None:
    session = DocumentSession.open(corpus, "alice", "d1")
    c1, a = session.mark("PER", 0, 3)  # type: ignore[misc]
    c2, b = session.mark("PER", 8, 11)  # type: ignore[misc]
    c3 = session.delete(a)
    change = c1 | c2 | c3
    line = _entry_for(session.annotation, change, 7)
    assert line == _entry_for(session.annotation, change, 7, session.span)
    assert line["put"] == [session.span(b).model_dump(mode="json")]  # type: ignore[union-attr]
    assert line["del"] == [a] and line["status"] == "in_progress"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_journal_api_bytes_count_mode_and_reuse(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / ".journal" / "d1.jsonl"
    journal = Journal(path, HEADER)
    journal.close()  # nothing open yet: nothing to do
    journal.discard()  # nothing written yet: nothing to delete
    one, two = {"v": 1, "status": "in_progress"}, {"v": 2, "del": ["s1"]}
    journal.append(one)
    journal.append(two)
    assert path.read_bytes() == lines(HEADER, one, two)
    assert journal.entries == 2
    assert path.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in path.parent.iterdir()) == ["d1.jsonl"]
    journal.discard()
    assert not path.exists() and journal.entries == 0
    journal.append(two)  # a new journal after a save
    assert path.read_bytes() == lines(HEADER, two) and journal.entries == 1
    journal.close()
    journal.close()
    journal.append(one)  # closed: a new journal replaces the old file
    assert path.read_bytes() == lines(HEADER, one)


def test_a_close_that_reports_an_error_still_discards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Network file systems report a failed write-back at close (EIO): the journal is
    deleted all the same once the save holds its changes."""
    path = tmp_path / "d1.jsonl"
    journal = Journal(path, HEADER)
    journal.append({"v": 1})
    real_close = os.close

    def close_eio(fd: int) -> None:
        real_close(fd)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "close", close_eio)
    journal.discard()
    monkeypatch.undo()
    assert not path.exists() and journal.entries == 0


def fsynced_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each ``os.fsync`` was given, by the path its descriptor had at that moment."""
    seen: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        seen.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


NEEDS_PROC = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


@NEEDS_PROC
def test_fsync_covers_every_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = fsynced_paths(monkeypatch)
    plain = tmp_path / "plain" / "d1.jsonl"
    Journal(plain, HEADER).append({"v": 1})
    Journal(plain, HEADER).append({"v": 1})  # over an old one too
    assert seen == []  # the default: flushed to the kernel, no fsync per keystroke
    path = tmp_path / "safe" / "d1.jsonl"
    journal = Journal(path, HEADER, fsync=True)
    journal.append({"v": 1})
    journal.append({"v": 2})
    header, *files = [p for p in seen if p != str(path.parent)]
    assert files == [str(path), str(path)]
    # The header, before it is renamed to the journal's name (a temporary beside it).
    assert Path(header).parent == path.parent and header != str(path)
    assert path.read_bytes() == lines(HEADER, {"v": 1}, {"v": 2})


@NEEDS_PROC
def test_fsync_covers_the_new_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder is synced after the rename: a power cut then cannot lose the journal's name."""
    seen = fsynced_paths(monkeypatch)
    path = tmp_path / "d1.jsonl"
    Journal(path, HEADER, fsync=True).append({"v": 1})
    assert seen[1:] == [str(tmp_path), str(path)] and seen[0] != str(path)


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``write`` may take part of the bytes (a signal, a network disk): the rest follows."""
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:5])))
    path = tmp_path / "d1.jsonl"
    journal = Journal(path, HEADER)
    journal.append({"v": 1, "status": "done"})
    monkeypatch.undo()
    assert path.read_bytes() == lines(HEADER, {"v": 1, "status": "done"})


def failing_writes(monkeypatch: pytest.MonkeyPatch, fail: Callable[[int], bool]) -> None:
    """Call n of ``_write_bytes`` (0: the header) puts half its bytes, then ENOSPC, when ``fail(n)``."""
    real = Journal._write_bytes
    count = [0]

    def write(fd: int, data: bytes) -> None:
        n = count[0]
        count[0] += 1
        if fail(n):
            real(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(write))


def test_a_failed_write_is_cut_back_and_the_next_line_follows_the_last_good_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_writes(monkeypatch, lambda n: n == 3)
    path = tmp_path / "d1.jsonl"
    journal = Journal(path, HEADER)
    one, two, three, four = ({"v": v, "status": "in_progress"} for v in range(1, 5))
    journal.append(one)
    journal.append(two)
    with pytest.raises(OSError) as caught:
        journal.append(three)
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == lines(HEADER, one, two) and journal.entries == 2
    journal.append(four)
    assert path.read_bytes() == lines(HEADER, one, two, four) and journal.entries == 3


def refuse_one_ftruncate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next ``os.ftruncate`` fails with EIO (a journal's cut back of a torn line)."""
    real_ftruncate = os.ftruncate
    refusals = [1]

    def ftruncate(fd: int, length: int) -> None:
        if refusals[0]:
            refusals[0] -= 1
            raise OSError(errno.EIO, "Input/output error")
        real_ftruncate(fd, length)

    monkeypatch.setattr(os, "ftruncate", ftruncate)


def test_a_cut_back_that_fails_is_done_before_the_next_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing_writes(monkeypatch, lambda n: n == 2)
    refuse_one_ftruncate(monkeypatch)
    path = tmp_path / "d1.jsonl"
    journal = Journal(path, HEADER)
    one, two, three = ({"v": v, "del": ["s1"]} for v in range(1, 4))
    journal.append(one)
    with pytest.raises(OSError) as caught:
        journal.append(two)
    assert caught.value.errno == errno.ENOSPC  # the write's error, not the cut's
    torn = lines(HEADER, one) + lines(two)[: len(lines(two)) // 2]
    assert path.read_bytes() == torn
    assert read_journal(path) == (HEADER, [one])  # a crash now: the torn half is dropped
    journal.append(three)
    assert path.read_bytes() == lines(HEADER, one, three)
    assert read_journal(path) == (HEADER, [one, three])


def test_a_header_that_cannot_be_written_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing_writes(monkeypatch, lambda n: n == 0)
    path = tmp_path / "d1.jsonl"
    journal = Journal(path, HEADER)
    with pytest.raises(OSError) as caught:
        journal.append({"v": 1})
    assert caught.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []
    journal.append({"v": 2})  # space again
    assert path.read_bytes() == lines(HEADER, {"v": 2}) and journal.entries == 1


def test_the_write_error_is_raised_even_when_the_temporary_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cleaning up after a failed header must not replace the error the user is told."""
    path = tmp_path / "d1.jsonl"

    def vanishes(fd: int, data: bytes) -> None:
        for temporary in tmp_path.iterdir():
            temporary.unlink()  # a network share dropped it
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(vanishes))
    with pytest.raises(OSError) as caught:
        Journal(path, HEADER).append({"v": 1})
    assert caught.value.errno == errno.ENOSPC


def test_a_journal_that_cannot_be_replayed_for_the_system_stays_and_says_why(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError while replaying (a folder that cannot be written) does not stop the start:
    the journal stays for the next one, and the report names it and the reason."""
    journal = crashed_session(corpus, [("PER", 0, 3)])

    def refused(*args: Any, **kwargs: Any) -> int:
        raise PermissionError(13, "Permission denied", str(corpus.annotation_path("alice", "d1")))

    monkeypatch.setattr(corpus, "save_annotation", refused)
    path = corpus.annotation_path("alice", "d1")
    assert recover_journals(corpus, "alice") == [
        Recovery("d1", "left", 0, f"d1: unsaved edits not replayed ({path}: Permission denied); left in {journal_path(corpus, 'alice', 'd1')}")
    ]
    assert journal_path(corpus, "alice", "d1").read_bytes() == journal


def test_a_system_error_naming_no_file_gives_its_reason_alone(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk fails the write or the fsync of the open temporary file: the OSError
    names no file, and the message gives the reason alone (no empty name and colon)."""
    journal = crashed_session(corpus, [("PER", 0, 3)])

    def disk_full(*args: Any, **kwargs: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(corpus, "save_annotation", disk_full)
    assert recover_journals(corpus, "alice") == [
        Recovery("d1", "left", 0, f"d1: unsaved edits not replayed (No space left on device); left in {journal_path(corpus, 'alice', 'd1')}")
    ]
    assert journal_path(corpus, "alice", "d1").read_bytes() == journal
    assert not corpus.annotation_path("alice", "d1").exists()
