"""The session when the disk says no: an edit that cannot be journaled is taken back.

Injected errors (the journal's write patched to fail with ENOSPC, half-way through a line)
and a real full disk (a small tmpfs filled up, see conftest.py).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.edits import EditNotSaved
from annotator.journal import Journal
from annotator.session import DocumentSession, journal_path, read_journal
from tests.conftest import add_text
from tests.faults.conftest import fill_disk

TEXT = "Kim met Lee in Seoul and Busan with Park.\n" * 40


@pytest.fixture
def session(tmp_path: Path) -> DocumentSession:
    corpus = Corpus.create(tmp_path / "c", name="faults")
    add_text(corpus, "d1", TEXT)
    return DocumentSession.open(corpus, "alice", "d1")


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """While ``full[0]`` is True, every journal write puts half of its bytes, then ENOSPC."""
    full = [False]
    real = Journal._write_bytes

    def write(fd: int, data: bytes) -> None:
        if full[0]:
            real(fd, data[: len(data) // 2])  # a torn line is left behind...
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(write))
    yield full


def test_an_edit_that_cannot_be_journaled_is_taken_back(session: DocumentSession, disk_full: list[bool]) -> None:
    session.mark("PER", 0, 3)
    session.mark("PER", 8, 11)
    session.undo()  # "Lee" is on the redo stack
    spans = list(session.spans)
    version_text = session.history.undo_text
    disk_full[0] = True
    with pytest.raises(EditNotSaved) as caught:
        session.mark("LOC", 15, 20)
    assert "No space left" in str(caught.value) and str(journal_path(session.corpus, "alice", "d1")) in str(caught.value)
    # Not shown, not in the index, the stacks as before (the redo of "Lee" still there).
    assert session.spans == spans and session.span("s2") is None
    assert not session.index.has("LOC", 15, 20)
    assert session.history.undo_text == version_text and session.history.can_redo
    # Undo and redo that cannot be journaled are taken back too.
    with pytest.raises(EditNotSaved):
        session.undo()
    assert session.spans == spans
    with pytest.raises(EditNotSaved):
        session.redo()
    assert session.spans == spans
    # Space again: the next line follows the last good one, not the torn half-line.
    disk_full[0] = False
    session.mark("LOC", 15, 20)
    _, entries = read_journal(journal_path(session.corpus, "alice", "d1"))
    assert len(entries) == 4  # mark, mark, undo, mark: nothing of the failed ones
    # A crash now: the journal restores exactly what the user saw.
    seen = sorted((s.label, s.start, s.end) for s in session.spans)
    session.close()
    reopened = DocumentSession.open(session.corpus, "alice", "d1")
    assert sorted((s.label, s.start, s.end) for s in reopened.spans) == seen


def test_the_first_edit_after_a_save_cannot_create_the_journal(
    session: DocumentSession, disk_full: list[bool]
) -> None:
    session.mark("PER", 0, 3)
    session.save()
    disk_full[0] = True
    with pytest.raises(EditNotSaved):
        session.mark("LOC", 15, 20)
    assert [s.label for s in session.spans] == ["PER"]
    assert not session.dirty  # back to what is saved: nothing for the autosave to do
    assert not journal_path(session.corpus, "alice", "d1").exists()
    assert not list(journal_path(session.corpus, "alice", "d1").parent.glob("*.tmp"))


def test_a_save_that_fails_keeps_the_journal(session: DocumentSession, monkeypatch: pytest.MonkeyPatch) -> None:
    session.mark("PER", 0, 3)

    def no_space(*_a: object, **_k: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(session.corpus, "write_prepared", no_space)
    with pytest.raises(OSError):
        session.save()
    assert session.dirty and journal_path(session.corpus, "alice", "d1").exists()
    session.mark("LOC", 15, 20)  # editing goes on, journaled
    monkeypatch.undo()
    assert session.save() and not journal_path(session.corpus, "alice", "d1").exists()


def test_a_full_disk_for_real(tmp_path: Path, small_disk: Path) -> None:
    corpus = Corpus.create(small_disk / "c", name="full")
    add_text(corpus, "d1", TEXT)
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 3)
    session.save()
    session.mark("LOC", 15, 20)  # only in the journal
    fill_disk(small_disk)
    # Each mark needs more journal; the journal's last page fills and one does not fit.
    acknowledged = [(s.label, s.start, s.end) for s in session.spans]
    failed = None
    line = len("Kim met Lee in Seoul and Busan with Park.\n")
    for n in range(1, 40):
        start = n * line + 8
        try:
            session.mark("PER", start, start + 3)
        except EditNotSaved as exc:
            failed = (start, exc)
            break
        acknowledged.append(("PER", start, start + 3))
    assert failed is not None, "the disk never filled up"
    assert len(acknowledged) > 2  # some marks went to the journal on the full disk
    start, exc = failed
    assert exc.cause.errno == errno.ENOSPC
    assert ("PER", start, start + 3) not in [(s.label, s.start, s.end) for s in session.spans]
    assert sorted((s.label, s.start, s.end) for s in session.spans) == sorted(acknowledged)
    # The autosave cannot write either; it raises and leaves the journal alone.
    with pytest.raises(OSError):
        session.save()
    # Crash: the session is dropped unsaved. Space comes back; the next start recovers.
    session.close()
    del session
    for filler in small_disk.glob(".filler-*"):
        filler.unlink()
    reopened = DocumentSession.open(corpus, "alice", "d1")
    assert reopened.recovery is not None and reopened.recovery.outcome in ("restored", "unchanged")
    assert sorted((s.label, s.start, s.end) for s in reopened.spans) == sorted(acknowledged)
