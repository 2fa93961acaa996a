"""A file changed on disk is told by its content, not its times (ADR 15, issue 10).

On file systems with coarse timestamps (FAT, some network shares: 2 s) two writes within
one tick share an mtime, and tools set any mtime they like (``os.utime``, ``cp -p``). Every
test here forces the timestamps equal with ``os.utime(ns=...)``, so that only the bytes can
tell; and a ``touch`` (new mtime, same bytes) must not look like someone else's save.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from annotator import conflicts
from annotator.corpus import ConflictError, Corpus
from annotator.session import DocumentSession, journal_path
from tests.conftest import add_text

TEXT = "Alice met Bob in Seoul on Monday."


def stat_key(path: Path) -> tuple[int, int, int, int]:
    """What a stat-based check compares: device, inode, size, mtime."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def rewrite_in_place(path: Path, data: bytes) -> None:
    """Another program rewriting the file in place (same inode) within the same clock tick:
    afterwards device, inode, size and mtime are all what they were."""
    before = os.stat(path)
    assert len(data) == before.st_size, "the test needs a rewrite of the same size"
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def relabelled(path: Path, old: str = "PER", new: str = "LOC") -> bytes:
    """The file's bytes with one span's label changed: same size, another annotation."""
    data = path.read_bytes()
    assert len(old) == len(new) and data.count(f'"{old}"'.encode()) == 1
    return data.replace(f'"{old}"'.encode(), f'"{new}"'.encode())


def labels(path: Path) -> list[str]:
    return [s["label"] for s in orjson.loads(path.read_bytes())["spans"]]


@pytest.fixture
def saved_session(corpus: Corpus) -> DocumentSession:
    """alice's session of a document whose file holds one PER span, saved."""
    add_text(corpus, "d1", TEXT)
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 5)
    assert session.save()
    return session


# --------------------------------------------------------------------------- the session


def test_an_in_place_rewrite_keeping_size_inode_and_mtime_is_a_change(saved_session: DocumentSession) -> None:
    path = saved_session.path
    before = stat_key(path)
    theirs = relabelled(path)
    rewrite_in_place(path, theirs)
    assert stat_key(path) == before  # nothing a stat shows has changed
    assert saved_session.disk_changed()
    saved_session.mark("PER", 10, 13)
    with pytest.raises(ConflictError, match="changed on disk"):
        saved_session.save()
    assert path.read_bytes() == theirs  # their save is not overwritten


def test_two_writers_within_one_tick_the_second_is_refused(corpus: Corpus) -> None:
    """alice's app and another process (its own Corpus) both open the same version; the
    other saves first, in the same tick: alice's save must not silently replace it."""
    add_text(corpus, "d1", TEXT)
    mine = DocumentSession.open(corpus, "alice", "d1")
    mine.mark("PER", 0, 5)
    mine.save()
    opened_mtime = os.stat(mine.path).st_mtime_ns
    other = DocumentSession.open(Corpus.open(corpus.root), "alice", "d1")
    other.relabel(other.spans[0].id, "LOC")
    other.save()
    os.utime(mine.path, ns=(opened_mtime, opened_mtime))  # the same tick as alice's version
    theirs = mine.path.read_bytes()
    assert os.stat(mine.path).st_mtime_ns == mine.mtime_ns
    assert mine.disk_changed()
    mine.mark("ORG", 10, 13)
    with pytest.raises(ConflictError):
        mine.save()
    assert mine.path.read_bytes() == theirs
    assert labels(mine.path) == ["LOC"]


def test_two_sessions_of_one_corpus_each_keep_their_own_version(corpus: Corpus) -> None:
    """The corpus remembers one version per file; a session must not borrow the version
    another session of the same Corpus saved since (that would hide this very change)."""
    add_text(corpus, "d1", TEXT)
    first = DocumentSession.open(corpus, "alice", "d1")
    first.mark("PER", 0, 5)
    first.save()
    second = DocumentSession.open(corpus, "alice", "d1")
    second.relabel(second.spans[0].id, "LOC")
    second.save()
    assert first.mtime_ns is not None
    os.utime(first.path, ns=(first.mtime_ns, first.mtime_ns))
    assert first.disk_changed()
    first.mark("ORG", 10, 13)
    with pytest.raises(ConflictError):
        first.save()
    assert labels(first.path) == ["LOC"]


def test_a_touch_is_not_a_change_and_the_save_goes_through(saved_session: DocumentSession) -> None:
    path = saved_session.path
    st = os.stat(path)
    later = st.st_mtime_ns + 5 * 10**9
    os.utime(path, ns=(later, later))  # `touch`, a backup tool, a `git checkout` of the same bytes
    assert not saved_session.disk_changed()
    saved_session.mark("LOC", 17, 22)
    assert saved_session.save()
    assert labels(path) == ["PER", "LOC"]
    assert not (path.parent / conflicts.CONFLICT_DIR).exists()  # no conflict was raised
    assert not saved_session.disk_changed()


def test_a_deleted_file_is_a_change(saved_session: DocumentSession) -> None:
    saved_session.path.unlink()
    assert saved_session.disk_changed()


def test_keep_mine_replaces_only_the_bytes_it_kept(
    saved_session: DocumentSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"Keep mine" copies theirs aside, then saves over it. A third writer between the two
    (same size, same mtime) must make that save refuse: its work was never kept."""
    path = saved_session.path
    theirs = relabelled(path)
    rewrite_in_place(path, theirs)
    saved_session.mark("ORG", 10, 13)
    with pytest.raises(ConflictError):
        saved_session.save()
    third = relabelled(path, "LOC", "MSC")
    real_write = conflicts.atomic_write_bytes

    def write_then_third_writer(target: Path, data: bytes) -> None:
        real_write(target, data)
        rewrite_in_place(path, third)  # right after "theirs" was copied aside

    monkeypatch.setattr(conflicts, "atomic_write_bytes", write_then_third_writer)
    with pytest.raises(ConflictError):
        saved_session.overwrite_theirs()
    assert path.read_bytes() == third
    kept = sorted((path.parent / conflicts.CONFLICT_DIR).glob("d1.*.theirs.json"))
    assert [k.read_bytes() for k in kept] == [theirs]


def test_keep_mine_after_a_same_tick_change_keeps_theirs_and_writes_mine(
    saved_session: DocumentSession,
) -> None:
    path = saved_session.path
    theirs = relabelled(path)
    rewrite_in_place(path, theirs)
    saved_session.mark("ORG", 10, 13)
    kept = saved_session.overwrite_theirs()
    assert kept is not None and kept.read_bytes() == theirs
    assert labels(path) == ["PER", "ORG"]
    assert not saved_session.disk_changed()


# --------------------------------------------------------------------------- Corpus API


def test_expected_mtime_ns_callers_get_the_content_check_too(corpus: Corpus) -> None:
    """``save_annotation(expected_mtime_ns=...)`` (adjudication, scripts): the mtime names
    the version this Corpus read, and that version's content decides."""
    add_text(corpus, "d1", TEXT)
    ann = corpus.new_annotation("alice", "d1")
    corpus.save_annotation(ann)
    loaded = corpus.load_annotation("alice", "d1")
    assert loaded is not None
    path = corpus.annotation_path("alice", "d1")
    theirs = path.read_bytes().replace(b'"todo"', b'"done"')  # same size, another status
    rewrite_in_place(path, theirs)
    ann.status = "in_progress"
    with pytest.raises(ConflictError, match="changed on disk"):
        corpus.save_annotation(ann, expected_mtime_ns=loaded.mtime_ns)
    assert path.read_bytes() == theirs


def test_expected_mtime_ns_after_a_touch_is_no_conflict(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    ann = corpus.new_annotation("alice", "d1")
    mtime = corpus.save_annotation(ann)
    path = corpus.annotation_path("alice", "d1")
    os.utime(path, ns=(mtime + 3 * 10**9, mtime + 3 * 10**9))
    ann.status = "in_progress"
    corpus.save_annotation(ann, expected_mtime_ns=mtime)
    assert orjson.loads(path.read_bytes())["status"] == "in_progress"


def test_the_version_loaded_is_that_of_the_bytes_read(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    corpus.save_annotation(corpus.new_annotation("alice", "d1"))
    path = corpus.annotation_path("alice", "d1")
    loaded = corpus.load_annotation("alice", "d1")
    assert loaded is not None and loaded.version is not None
    import hashlib

    data = path.read_bytes()
    assert (loaded.version.sha256, loaded.version.size, loaded.version.mtime_ns) == (
        hashlib.sha256(data).hexdigest(),
        len(data),
        os.stat(path).st_mtime_ns,
    )


# --------------------------------------------------------------------------- crash journal


def unsaved_edit_then_crash(corpus: Corpus) -> Path:
    """alice saved one span, then made an edit that only the journal holds; the app died."""
    add_text(corpus, "d1", TEXT)
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 5)
    session.save()
    session.mark("LOC", 17, 22)
    session.close()  # the journal stays, as after a kill
    assert journal_path(corpus, "alice", "d1").exists()
    return session.path


def test_a_journal_is_not_replayed_onto_a_same_tick_rewrite(corpus: Corpus) -> None:
    path = unsaved_edit_then_crash(corpus)
    theirs = relabelled(path, "PER", "ORG")
    rewrite_in_place(path, theirs)
    reopened = DocumentSession.open(Corpus.open(corpus.root), "alice", "d1")
    assert reopened.recovery is not None and reopened.recovery.outcome == "set-aside"
    assert reopened.recovery.kept is not None and reopened.recovery.kept.exists()
    assert path.read_bytes() == theirs
    assert not journal_path(corpus, "alice", "d1").exists()


def test_a_journal_is_replayed_after_a_touch(corpus: Corpus) -> None:
    path = unsaved_edit_then_crash(corpus)
    st = os.stat(path)
    os.utime(path, ns=(st.st_mtime_ns + 4 * 10**9, st.st_mtime_ns + 4 * 10**9))
    reopened = DocumentSession.open(Corpus.open(corpus.root), "alice", "d1")
    assert reopened.recovery is not None and reopened.recovery.outcome == "restored"
    assert labels(path) == ["PER", "LOC"]
