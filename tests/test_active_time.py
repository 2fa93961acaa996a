"""Active time per document: the timer's rules (fake clock) and the session saving the
seconds in ``time_spent_s`` without making them an edit."""

from __future__ import annotations

import orjson
import pytest

from annotator.active_time import IDLE_AFTER_S, ActiveTimer
from annotator.corpus import ConflictError, Corpus
from annotator.edits import make_span
from annotator.session import DocumentSession, journal_path
from tests.conftest import add_text


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# --------------------------------------------------------------------------- the timer


def test_idle_time_counts_one_minute_at_most(clock: FakeClock) -> None:
    timer = ActiveTimer(clock)
    timer.focus_in()
    clock.advance(10)
    timer.activity()
    clock.advance(600)  # ten minutes without a key: only the first minute after it counts
    assert timer.take() == 10 + IDLE_AFTER_S == 70
    clock.advance(300)
    assert timer.take() == 0  # still idle: nothing more
    timer.activity()  # back at work: counting again from here
    clock.advance(25)
    assert timer.take() == 25


def test_each_activity_restarts_the_minute(clock: FakeClock) -> None:
    timer = ActiveTimer(clock)
    timer.focus_in()
    for _ in range(5):
        clock.advance(50)  # a key every 50 s: never idle
        timer.activity()
    clock.advance(59)
    assert timer.take() == 5 * 50 + 59


def test_losing_the_focus_stops_counting_at_once(clock: FakeClock) -> None:
    timer = ActiveTimer(clock)
    timer.focus_in()
    clock.advance(5)
    timer.activity()
    clock.advance(15)
    timer.focus_out()  # 20 s so far; the minute after the last key no longer counts
    clock.advance(40)
    timer.activity()  # a wheel over the window in the background: not work on it
    clock.advance(40)
    assert timer.pending == 20
    timer.focus_in()  # back: gaining the focus counts as an activity
    clock.advance(10)
    assert timer.take() == 30
    assert timer.focused


def test_nothing_counts_before_the_window_has_the_focus(clock: FakeClock) -> None:
    timer = ActiveTimer(clock)
    timer.activity()
    clock.advance(30)
    assert timer.take() == 0


def test_several_stretches_sum_and_fractions_carry_to_the_next_take(clock: FakeClock) -> None:
    timer = ActiveTimer(clock)
    timer.focus_in()
    taken = []
    for _ in range(10):
        clock.advance(0.7)
        timer.activity()
        taken.append(timer.take())
    # 7 s in ten takes of 0.7 s: rounding each down would give 0; the fractions carry.
    assert sum(taken) == 7
    assert taken[0] == 0 and taken[1] == 1
    assert timer.pending == pytest.approx(0.0, abs=1e-9)
    clock.advance(2.5)
    assert timer.take() == 2
    assert timer.pending == pytest.approx(0.5)


def test_a_clock_going_back_adds_nothing(clock: FakeClock) -> None:
    timer = ActiveTimer(clock)
    timer.focus_in()
    clock.advance(10)
    assert timer.take() == 10
    clock.advance(-5)
    timer.activity()
    assert timer.take() == 0


def test_the_idle_limit_must_be_positive(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="idle_after_s must be positive"):
        ActiveTimer(clock, idle_after_s=0)


# --------------------------------------------------------------------------- the session


def saved(corpus: Corpus, doc_id: str, annotator: str = "alice") -> dict:
    return orjson.loads(corpus.annotation_path(annotator, doc_id).read_bytes())


def write_file(corpus: Corpus, doc_id: str, text: str, seconds: int, spans: int = 0) -> None:
    """An annotation file by alice holding ``seconds`` of earlier sessions."""
    annotation = corpus.new_annotation("alice", doc_id, text)
    annotation.time_spent_s = seconds
    for i in range(spans):
        annotation.spans.append(make_span(text, i, i + 1, "title", f"s{i + 1}", {}))
    annotation.status = "in_progress" if spans else "todo"
    corpus.save_annotation(annotation)


def test_seconds_alone_are_saved_added_to_earlier_sessions_and_are_no_edit(corpus: Corpus) -> None:
    text = add_text(corpus, "d1", "one page of text")
    write_file(corpus, "d1", text, 100)
    session = DocumentSession.open(corpus, "alice", "d1")
    assert session.annotation.time_spent_s == 100
    updated_at = session.annotation.updated_at
    version = session.history.version

    session.add_active_seconds(30)
    # Not an edit: nothing to undo, not "unsaved", no journal line.
    assert not session.dirty
    assert session.history.version == version
    assert not session.history.can_undo and not session.history.can_redo
    assert not journal_path(corpus, "alice", "d1").exists()

    assert session.save() is True
    data = saved(corpus, "d1")
    assert data["time_spent_s"] == 130
    assert data["updated_at"] == updated_at  # reading is no change to the annotation
    assert data["status"] == "todo"
    assert session.unsaved_seconds == 0
    assert session.save() is False  # nothing more to write
    assert not session.disk_changed()  # our own write is no outside change

    # The next session goes on from there.
    again = DocumentSession.open(Corpus.open(corpus.root), "alice", "d1")
    again.add_active_seconds(5)
    again.save()
    assert saved(corpus, "d1")["time_spent_s"] == 135


def test_seconds_on_a_page_only_read_create_its_file(corpus: Corpus) -> None:
    add_text(corpus, "d1", "a page nobody marked")
    session = DocumentSession.open(corpus, "alice", "d1")
    session.add_active_seconds(0)
    assert session.save() is False and not session.path.exists()
    session.add_active_seconds(12)
    assert session.save() is True
    data = saved(corpus, "d1")
    assert (data["time_spent_s"], data["status"], data["spans"]) == (12, "todo", [])


def test_a_file_from_before_time_spent_s_starts_at_zero(corpus: Corpus) -> None:
    text = add_text(corpus, "d1", "older file")
    write_file(corpus, "d1", text, 0)
    path = corpus.annotation_path("alice", "d1")
    old = orjson.loads(path.read_bytes())
    del old["time_spent_s"]
    path.write_bytes(orjson.dumps(old))
    session = DocumentSession.open(Corpus.open(corpus.root), "alice", "d1")
    session.add_active_seconds(7)
    session.save()
    assert saved(corpus, "d1")["time_spent_s"] == 7


def test_seconds_ride_along_with_edits_and_undo_leaves_them(corpus: Corpus) -> None:
    text = add_text(corpus, "d1", "Title here and body")
    write_file(corpus, "d1", text, 40)
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("title", 0, 10)
    session.add_active_seconds(3)
    session.save()
    assert saved(corpus, "d1")["time_spent_s"] == 43
    session.undo()  # the mark goes; the time spent on it stays
    session.add_active_seconds(2)
    session.save()
    data = saved(corpus, "d1")
    assert (data["time_spent_s"], data["spans"]) == (45, [])


def test_seconds_alone_never_make_a_conflict_they_join_the_version_on_disk(corpus: Corpus) -> None:
    text = add_text(corpus, "d1", "shared page")
    write_file(corpus, "d1", text, 50)
    session = DocumentSession.open(corpus, "alice", "d1")
    # Meanwhile another machine of alice's (a git pull) writes the file: 3 spans, 200 s.
    write_file(Corpus.open(corpus.root), "d1", text, 200, spans=3)
    session.add_active_seconds(20)
    assert session.save() is True  # no ConflictError: time is nothing to choose between
    data = saved(corpus, "d1")
    assert data["time_spent_s"] == 220 and len(data["spans"]) == 3  # theirs, plus our seconds
    assert session.unsaved_seconds == 0
    # The session is behind the disk now: the next check reloads it (it has no edits).
    assert session.disk_changed() and not session.dirty
    reloaded = DocumentSession.open(Corpus.open(corpus.root), "alice", "d1")
    assert reloaded.annotation.time_spent_s == 220


def test_edits_and_seconds_on_a_changed_file_still_conflict(corpus: Corpus) -> None:
    text = add_text(corpus, "d1", "shared page")
    write_file(corpus, "d1", text, 50)
    session = DocumentSession.open(corpus, "alice", "d1")
    write_file(Corpus.open(corpus.root), "d1", text, 200, spans=3)
    before = corpus.annotation_path("alice", "d1").read_bytes()
    session.mark("title", 0, 6)
    session.add_active_seconds(20)
    with pytest.raises(ConflictError):
        session.save()
    assert corpus.annotation_path("alice", "d1").read_bytes() == before
    assert session.unsaved_seconds == 20  # kept for whichever version wins


def test_a_read_only_session_keeps_no_seconds_and_negative_ones_are_refused(corpus: Corpus) -> None:
    add_text(corpus, "d1", "text")
    session = DocumentSession.open(corpus, "alice", "d1", read_only_reason="read-only disk")
    session.add_active_seconds(30)
    assert session.annotation.time_spent_s == 0 and session.save() is False
    with pytest.raises(ValueError, match="cannot be negative"):
        DocumentSession.open(corpus, "alice", "d1").add_active_seconds(-1)
