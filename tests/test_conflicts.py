"""Both sides of a conflict are kept (annotator/conflicts.py), tested without the GUI.

The window's conflict dialog is tested in tests/gui/test_hardening.py; here the core
functions it calls: where each copy goes, that it is never written over another, and what
"reload" and "keep mine" leave on disk, byte for byte.

Mutants that survive these tests, equivalent (README "Mutation score"):
- ``keep_copy``: ``model_dump(mode=...)`` with any other string or None: every field of an
  annotation is a plain JSON type, so the Python dump is the same value.
- ``overwrite_theirs``: ``mkdir(parents=False)`` (or None, or without ``parents``): their file was just
  read from the annotator's folder, so the parent of ``.conflicts/`` exists; ``saved_version``
  None or -2 instead of -1: any value no history has makes the session dirty, as -1 does.
- ``reload_session`` (in annotator/session.py, as it opens a session): ``recover=`` True,
  None or left out: the journal was discarded on the line before, so there is nothing to
  recover either way.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from annotator import conflicts
from annotator.conflicts import CONFLICT_DIR, conflict_path, keep_copy, overwrite_theirs
from annotator.corpus import Corpus
from annotator.edits import AddSpan, make_span
from annotator.model import Annotation
from annotator.session import DocumentSession, reload_session
from tests.conftest import add_text

TEXT = "Alice Kim met Bob in Seoul.\n"


@pytest.fixture
def session(corpus: Corpus) -> DocumentSession:
    add_text(corpus, "d1", TEXT)
    return DocumentSession.open(corpus, "alice", "d1")


def mark(session: DocumentSession, start: int, end: int, label: str, span_id: str) -> None:
    session.run(AddSpan(make_span(session.text, start, end, label, span_id)))


def write_theirs(session: DocumentSession, label: str) -> bytes:
    """Someone else's version of the file (another machine, a git pull)."""
    theirs = Annotation.from_json(session.path.read_bytes())
    theirs.spans = [make_span(session.text, 14, 17, label, "t1")]
    data = theirs.to_json_bytes()
    session.path.write_bytes(data)
    return data


def test_conflict_paths_are_new_files_in_the_annotators_conflict_folder(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conflicts, "utc_now", lambda: "2026-11-29T23:59:01Z")
    first = conflict_path(corpus, "alice", "d1", "mine")
    assert first == corpus.annotator_dir("alice") / CONFLICT_DIR / "d1.20261129T235901Z.mine.json"
    first.parent.mkdir(parents=True)
    first.write_bytes(b"kept")
    second = conflict_path(corpus, "alice", "d1", "mine")
    assert second.name == "d1.20261129T235901Z.mine-2.json"
    second.write_bytes(b"kept too")
    assert conflict_path(corpus, "alice", "d1", "mine").name == "d1.20261129T235901Z.mine-3.json"
    # Another side, another document, another annotator: their own names.
    assert conflict_path(corpus, "alice", "d1", "theirs").name == "d1.20261129T235901Z.theirs.json"
    assert conflict_path(corpus, "bob", "d2", "mine").parent == corpus.annotator_dir("bob") / CONFLICT_DIR
    assert first.read_bytes() == b"kept"  # nothing was written over


def test_the_stamp_is_the_time_without_separators(corpus: Corpus) -> None:
    name = conflict_path(corpus, "alice", "d1", "journal").name
    assert re.fullmatch(r"d1\.\d{8}T\d{6}(\.\d+)?Z\.journal\.json", name), name


def test_keep_copy_writes_the_sessions_annotation_or_the_one_given(session: DocumentSession) -> None:
    mark(session, 0, 9, "PER", "s1")
    kept = keep_copy(session)
    assert kept.parent == session.corpus.annotator_dir("alice") / CONFLICT_DIR
    assert kept.name.startswith("d1.") and kept.name.endswith(".mine.json")
    assert orjson.loads(kept.read_bytes()) == session.annotation.model_dump(mode="json")
    other = session.annotation.model_copy(deep=True)
    other.spans = []
    kept_other = keep_copy(session, other, "journal")
    assert kept_other != kept and kept_other.name.endswith(".journal.json")
    assert orjson.loads(kept_other.read_bytes())["spans"] == []
    assert orjson.loads(kept.read_bytes())["spans"][0]["id"] == "s1"  # the first copy stays


def test_reload_keeps_my_unsaved_version_and_opens_theirs(session: DocumentSession) -> None:
    mark(session, 0, 9, "PER", "s1")
    session.save()
    mark(session, 21, 26, "LOC", "s2")  # unsaved, journaled
    assert (session.corpus.annotator_dir("alice") / ".journal" / "d1.jsonl").exists()
    theirs = write_theirs(session, "ORG")
    fresh, kept = reload_session(session)
    assert kept is not None
    mine = orjson.loads(kept.read_bytes())
    assert [s["id"] for s in mine["spans"]] == ["s1", "s2"]
    assert [(s.id, s.label) for s in fresh.annotation.spans] == [("t1", "ORG")]
    assert session.path.read_bytes() == theirs  # theirs is untouched
    assert not fresh.dirty
    # The journal of the edits set aside is gone: the next start restores nothing.
    assert not (session.corpus.annotator_dir("alice") / ".journal" / "d1.jsonl").exists()
    reopened = DocumentSession.open(session.corpus, "alice", "d1")
    assert [s.id for s in reopened.annotation.spans] == ["t1"]


def test_reload_of_a_clean_session_keeps_nothing(session: DocumentSession) -> None:
    mark(session, 0, 9, "PER", "s1")
    session.save()
    write_theirs(session, "ORG")
    fresh, kept = reload_session(session)
    assert kept is None
    assert not (session.corpus.annotator_dir("alice") / CONFLICT_DIR).exists()
    assert [s.id for s in fresh.annotation.spans] == ["t1"]


def test_keep_mine_copies_their_bytes_then_saves_mine_over_them(session: DocumentSession) -> None:
    mark(session, 0, 9, "PER", "s1")
    session.save()
    mark(session, 21, 26, "LOC", "s2")
    theirs = write_theirs(session, "ORG")
    kept = overwrite_theirs(session)
    assert kept is not None and kept.name.endswith(".theirs.json")
    assert kept.read_bytes() == theirs  # byte for byte
    on_disk = orjson.loads(session.path.read_bytes())
    assert [s["id"] for s in on_disk["spans"]] == ["s1", "s2"]
    assert not session.dirty


def test_keep_mine_when_their_file_was_deleted_just_saves(session: DocumentSession) -> None:
    mark(session, 0, 9, "PER", "s1")
    session.save()
    mark(session, 21, 26, "LOC", "s2")
    session.path.unlink()
    assert overwrite_theirs(session) is None
    assert [s["id"] for s in orjson.loads(session.path.read_bytes())["spans"]] == ["s1", "s2"]
    assert not Path(session.corpus.annotator_dir("alice") / CONFLICT_DIR).exists()


def test_keep_mine_writes_even_a_clean_session_and_reuses_the_folder(session: DocumentSession) -> None:
    """After an earlier conflict (the folder exists) and with nothing unsaved (a session saved
    at its first version): "keep mine" still puts mine on disk."""
    mark(session, 0, 9, "PER", "s1")
    session.save()
    assert not session.dirty and session.history.version == 1
    (session.corpus.annotator_dir("alice") / CONFLICT_DIR).mkdir()
    theirs = write_theirs(session, "ORG")
    kept = overwrite_theirs(session)
    assert kept is not None and kept.read_bytes() == theirs
    assert [s["id"] for s in orjson.loads(session.path.read_bytes())["spans"]] == ["s1"]
