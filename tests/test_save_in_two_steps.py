"""A save begun in one thread and written in another (the app's autosave, ADR 25).

``begin_save`` snapshots the annotation; ``Corpus.write_prepared`` writes it (anywhere);
``finish_save`` notes it. Edits made while it is written stay unsaved and journaled, and the
journal is rebased on the file just written, so that a crash right after still restores them.
"""

from __future__ import annotations

import threading

import orjson
import pytest

from annotator.corpus import ConflictError, Corpus
from annotator.session import DocumentSession, journal_path, read_journal, recover_journals
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul today"


@pytest.fixture
def session(corpus: Corpus) -> DocumentSession:
    add_text(corpus, "d1", TEXT)
    return DocumentSession.open(corpus, "alice", "d1")


def saved_labels(corpus: Corpus) -> list[str]:
    data = orjson.loads(corpus.annotation_path("alice", "d1").read_bytes())
    return sorted(s["label"] for s in data["spans"])


def test_a_save_with_no_edit_meanwhile_drops_the_journal(session: DocumentSession) -> None:
    session.mark("PER", 0, 3)
    pending = session.begin_save()
    assert pending is not None
    written = session.corpus.write_prepared(pending.prepared)
    session.finish_save(pending, written)
    assert saved_labels(session.corpus) == ["PER"]
    assert not session.dirty
    assert not journal_path(session.corpus, "alice", "d1").exists()
    assert session.begin_save() is None  # nothing left to save


def test_edits_during_the_write_stay_unsaved_and_survive_a_crash(session: DocumentSession) -> None:
    corpus = session.corpus
    session.mark("PER", 0, 3)
    pending = session.begin_save()
    assert pending is not None
    session.mark("LOC", 15, 20)  # while the snapshot is being written
    written = corpus.write_prepared(pending.prepared)
    session.finish_save(pending, written)
    assert saved_labels(corpus) == ["PER"]  # the snapshot, not the later edit
    assert session.dirty
    # The journal now starts from the file just written, and still holds both edits.
    header, entries = read_journal(journal_path(corpus, "alice", "d1"))
    assert header["base_sha256"] == written.sha256
    assert header["base_mtime_ns"] == written.mtime_ns
    assert len(entries) == 2
    # The process dies here: the next start restores the later edit (the first is saved).
    results = recover_journals(corpus, "alice")
    assert [(r.doc_id, r.outcome) for r in results] == [("d1", "restored")]
    assert saved_labels(corpus) == ["LOC", "PER"]


def test_the_next_save_after_a_raced_one_takes_the_rest(session: DocumentSession) -> None:
    session.mark("PER", 0, 3)
    pending = session.begin_save()
    assert pending is not None
    session.mark("LOC", 15, 20)
    session.finish_save(pending, session.corpus.write_prepared(pending.prepared))
    assert session.save()  # over the version just written: no conflict
    assert saved_labels(session.corpus) == ["LOC", "PER"]
    assert not journal_path(session.corpus, "alice", "d1").exists()


def test_the_write_runs_in_another_thread_and_refuses_a_changed_file(session: DocumentSession) -> None:
    session.mark("PER", 0, 3)
    session.save()
    session.mark("LOC", 15, 20)
    pending = session.begin_save()
    assert pending is not None
    # Someone else writes the file after the snapshot was taken.
    theirs = session.corpus.new_annotation("alice", "d1")
    session.corpus.annotation_path("alice", "d1").write_bytes(theirs.to_json_bytes())
    outcome: list[BaseException] = []

    def write() -> None:
        try:
            session.corpus.write_prepared(pending.prepared)
        except ConflictError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert len(outcome) == 1  # refused: theirs is not overwritten
    assert saved_labels(session.corpus) == []
    assert session.dirty and journal_path(session.corpus, "alice", "d1").exists()


def test_active_seconds_counted_during_the_write_stay_for_the_next_save(session: DocumentSession) -> None:
    session.mark("PER", 0, 3)
    session.add_active_seconds(5)
    pending = session.begin_save()
    assert pending is not None
    session.add_active_seconds(7)
    session.finish_save(pending, session.corpus.write_prepared(pending.prepared))
    data = orjson.loads(session.corpus.annotation_path("alice", "d1").read_bytes())
    assert data["time_spent_s"] == 5
    assert session.unsaved_seconds == 7
    assert session.save()
    data = orjson.loads(session.corpus.annotation_path("alice", "d1").read_bytes())
    assert data["time_spent_s"] == 12
