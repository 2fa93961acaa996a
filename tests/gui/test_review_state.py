"""Review mode's decisions without a screen: gold's side, navigation, the gold session, figures."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import orjson
import pytest

from annotator.adjudicate import accept_side, agreed_spans
from annotator.agreement import compute_agreement
from annotator.corpus import Corpus
from annotator.edits import EditError
from annotator.gui.review_state import (
    GoldSession,
    at_position,
    check_annotators,
    document_agreement,
    gold_sides,
    load_review,
    open_gold_session,
    step,
)
from annotator.model import GOLD, Span
from annotator.session import journal_path, recover_journal
from tests.conftest import copy_demo_for_review

NAMES = ["alice", "bob"]
#: The demo document without gold, where alice and bob differ in page_type and in spans.
DOC = "rtp-yahoo-4"
SEED = "000_2c3ea0c0f783ca12"


@pytest.fixture
def demo(tmp_path: Path) -> Corpus:
    return Corpus.open(copy_demo_for_review(tmp_path / "demo"))


def keys(spans: object) -> Counter[tuple[int, int, str]]:
    return Counter((s.start, s.end, s.label) for s in spans)  # type: ignore[attr-defined]


def test_load_review_compares_the_chosen_annotators(demo: Corpus) -> None:
    review = load_review(demo, DOC, NAMES)
    assert list(review.annotations) == NAMES and review.missing == [] and review.problems == []
    assert review.disagreements and review.disagreements[0].kind == "doc_label"
    # The disputed spans are exactly the candidates: what neither agrees on.
    disputed = review.disputed_spans()
    agreed = keys(agreed_spans(review.annotations))
    for name in NAMES:
        assert keys(disputed[name]) + agreed == keys(review.annotations[name].spans)


def test_a_broken_annotation_file_is_left_out_and_named(demo: Corpus) -> None:
    path = demo.annotation_path("bob", DOC)
    path.write_bytes(b"{not json")
    review = load_review(demo, DOC, NAMES)
    assert list(review.annotations) == ["alice"] and review.disagreements == []
    assert len(review.problems) == 1 and str(path) in review.problems[0]


def test_check_annotators_needs_two_known_ones(demo: Corpus) -> None:
    assert check_annotators(demo, ["bob", "alice", "bob"]) == ["bob", "alice"]
    with pytest.raises(ValueError, match="two or more"):
        check_annotators(demo, ["alice"])
    with pytest.raises(ValueError, match="carol"):
        check_annotators(demo, ["alice", "carol"])


def test_gold_sides_follow_each_accepted_side(demo: Corpus) -> None:
    session = open_gold_session(demo, DOC, NAMES)
    review = load_review(demo, DOC, NAMES)
    scheme = demo.scheme
    for d in review.disagreements:
        for name in NAMES:
            batch = accept_side(session.annotation, d, name, review.text)
            if batch.edits:
                session.run(batch)
            assert gold_sides(d, session.annotation, scheme) == [name], d.describe()
    # A hand edit that neither annotator made: gold agrees with nobody there.
    d = next(x for x in review.disagreements if x.kind == "extent" and x.layer == "entity")
    (bob_span,) = d.candidates["bob"]
    gold_span = next(s for s in session.spans if keys([s]) == keys([bob_span]))
    session.relabel(gold_span.id, "PER" if bob_span.label != "PER" else "ORG")
    assert gold_sides(d, session.annotation, scheme) == []
    session.undo()
    assert gold_sides(d, session.annotation, scheme) == ["bob"]


def test_step_cycles_and_starts_from_the_cursor(demo: Corpus) -> None:
    units = load_review(demo, DOC, NAMES).disagreements
    n = len(units)
    assert step(units, None, 1, 0) == 0
    assert step(units, 0, 1) == 1
    assert step(units, n - 1, 1) == 0
    assert step(units, 0, -1) == n - 1
    later = units[3].start
    assert units[step(units, None, 1, later)].start >= later  # type: ignore[index]
    assert units[step(units, None, -1, later)].start < later  # type: ignore[index]
    assert step([], None, 1) is None
    # The innermost unit holding a position; the document label never holds one.
    i = at_position(units, units[4].start)
    assert i is not None and units[i].start <= units[4].start < units[i].end
    assert all(
        units[i].end - units[i].start <= u.end - u.start
        for u in units
        if u.kind != "doc_label" and u.start <= units[4].start < u.end
    )


def test_gold_starts_from_the_agreement_and_is_written_at_the_first_edit(demo: Corpus) -> None:
    session = open_gold_session(demo, DOC, NAMES)
    assert isinstance(session, GoldSession) and session.pending_start
    review = load_review(demo, DOC, NAMES)
    assert keys(session.spans) == keys(agreed_spans(review.annotations))
    assert not session.path.exists()
    assert session.save() is False  # looking writes nothing
    assert not session.path.exists()

    d = next(x for x in review.disagreements if x.kind == "missing")
    batch = accept_side(
        session.annotation, d, "alice" if d.candidates["alice"] else "bob", review.text
    )
    session.run(batch)
    # The start is on disk (before the edit); the edit is in the journal only.
    saved = orjson.loads(session.path.read_bytes())
    assert keys(Span.model_validate(s) for s in saved["spans"]) == keys(
        agreed_spans(review.annotations)
    )
    assert saved["annotator"] == GOLD and saved["status"] == "todo"
    assert journal_path(demo, GOLD, DOC).is_file()

    # The agreed start keeps titles whose article is still disputed: a rule break that
    # unfinished work may have. The file loads, with the problem reported beside it.
    loaded = demo.load_annotation(GOLD, DOC)
    assert loaded is not None
    assert {p.code for p in loaded.problems} == {"not-inside"}

    # A crash now: replaying the journal onto the saved start restores the edit.
    session.close()
    recovery = recover_journal(demo, GOLD, DOC)
    assert recovery is not None and recovery.outcome == "restored", recovery
    reopened = open_gold_session(Corpus.open(demo.root), DOC, NAMES)
    assert not reopened.read_only and not isinstance(reopened, GoldSession)
    assert keys(reopened.spans) == keys(session.spans)
    assert reopened.annotation.status == "in_progress"
    # It is still not "done": the rules hold for that.
    change, problems = reopened.set_status("done")
    assert change is None and "not-inside" in {p.code for p in problems}


def test_gold_with_a_real_problem_stays_read_only(demo: Corpus) -> None:
    session = open_gold_session(demo, DOC, NAMES)
    review = load_review(demo, DOC, NAMES)
    session.run(accept_side(session.annotation, review.disagreements[0], "bob", review.text))
    session.save()
    data = orjson.loads(session.path.read_bytes())
    data["spans"][0]["text"] = "not the text there"
    session.path.write_bytes(orjson.dumps(data))
    before = session.path.read_bytes()
    reopened = open_gold_session(Corpus.open(demo.root), DOC, NAMES)
    assert reopened.read_only and {p.code for p in reopened.load_problems} >= {"text-mismatch"}
    with pytest.raises(EditError):
        reopened.run(
            accept_side(reopened.annotation, review.disagreements[0], "alice", review.text)
        )
    assert session.path.read_bytes() == before


def test_existing_gold_is_opened_as_it_is(demo: Corpus) -> None:
    session = open_gold_session(demo, SEED, NAMES)
    assert not isinstance(session, GoldSession)
    on_disk = demo.load_annotation(GOLD, SEED)
    assert on_disk is not None and session.annotation == on_disk.annotation


def test_gold_created_elsewhere_meanwhile_is_not_overwritten(demo: Corpus) -> None:
    session = open_gold_session(demo, DOC, NAMES)
    theirs = b'{"written": "by someone else"}'
    session.path.write_bytes(theirs)
    review = load_review(demo, DOC, NAMES)
    with pytest.raises(EditError, match="created by someone else"):
        session.run(accept_side(session.annotation, review.disagreements[0], "bob", review.text))
    assert session.path.read_bytes() == theirs


def test_document_agreement_is_compute_agreement_on_that_document_alone(
    demo: Corpus, tmp_path: Path
) -> None:
    # The same document in a corpus of its own, measured by compute_agreement directly.
    alone = Corpus.create(tmp_path / "alone", scheme=demo.scheme)
    for suffix in (".txt", ".meta.json"):
        shutil.copy(demo.documents_dir / f"{SEED}{suffix}", alone.documents_dir)
    for name in NAMES:
        (alone.annotations_dir / name).mkdir()
        shutil.copy(demo.annotation_path(name, SEED), alone.annotation_path(name, SEED))
    expected = compute_agreement(alone, NAMES, include_unfinished=True)
    got = document_agreement(demo, SEED, NAMES)
    assert got["documents"] == 1
    for key in ("labels", "overall", "kappa_char", "doc_labels"):
        assert got[key] == expected[key]
    # And it differs from the corpus's (three documents): it really is one document.
    assert got["overall"] != compute_agreement(demo, NAMES)["overall"]
