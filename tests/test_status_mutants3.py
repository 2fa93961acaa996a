"""``annotator status`` on the corners a mutation run of ``annotator/status.py`` found no
test looking at: a planned annotator who has written no file yet, an annotator with files
but no queue, broken files inside a queue, a done document of one second, a pair that both
finished without marking anything (every measure undefined, each with ``agree``'s reason),
and the documents folder listed once when a plan is checked against it.

Equivalent mutants (no behaviour can change), by function:

- ``_count_document`` 23 (``work_in_progress=None`` instead of ``False``): the flag is only
  tested for truth (``not work_in_progress``, ``A if work_in_progress else B``), and None
  is false as False is.
"""

from __future__ import annotations

from typing import Any

import pytest

from annotator.assign import Assignments, save_assignments
from annotator.corpus import Corpus
from annotator.status import corpus_status
from tests.conftest import add_text
from tests.test_agreement_helpers import make_annotation
from tests.test_status_counts import counting

TEXT = "Alice Kim met Bob Lee in Seoul on Monday."
NO_PAIR_YET = "no overlap document finished by both yet"
NO_AGREEMENT = {"pairs": 0, "documents": 0, "mean_f1_exact": None, "mean_f1_overlap": None}


def write(corpus: Corpus, name: str, doc_id: str, status: str, seconds: int) -> None:
    """A valid file of ``doc_id`` by ``name`` with no span, ``status`` and its active time."""
    annotation = make_annotation(TEXT, doc_id, name, [], status)
    corpus.save_annotation(annotation.model_copy(update={"time_spent_s": seconds}))


def time(done: int, timed: int, seconds: int, median: float | None, rate: float | None) -> dict[str, Any]:
    return {"done": done, "timed": timed, "no_time_recorded": done - timed, "active_seconds": seconds,
            "median_active_minutes": median, "docs_per_active_hour": rate}


def assigned(total: int, todo: int = 0, done: int = 0, broken: int = 0) -> dict[str, int]:
    return {"total": total, "todo": todo, "in_progress": 0, "done": done, "skipped": 0, "broken": broken}


@pytest.fixture
def planned(corpus: Corpus) -> Corpus:
    """Four documents; the plan gives alice d1, d2, d3 and carol d3, d4 (d3 is the overlap).

    alice: d1 and d2 are broken (not JSON), d3 done in 1 second. carol: no file at all yet.
    dave: not in the plan, d1 done in 120 seconds.
    """
    for doc_id in ("d1", "d2", "d3", "d4"):
        add_text(corpus, doc_id, TEXT)
    save_assignments(corpus, Assignments(
        schema_version=1, seed=1, overlap=0.25, per_overlap=2,
        annotators={"alice": ["d1", "d2", "d3"], "carol": ["d3", "d4"]},
        documents={"d1": ["alice"], "d2": ["alice"], "d3": ["alice", "carol"], "d4": ["carol"]},
    ))
    write(corpus, "alice", "d3", "done", 1)
    for doc_id in ("d1", "d2"):
        corpus.annotation_path("alice", doc_id).write_bytes(b"{not json")
    write(corpus, "dave", "d1", "done", 120)
    return corpus


def test_team_with_a_planned_annotator_without_files_and_one_without_a_queue(planned: Corpus) -> None:
    report = corpus_status(planned)
    # Progress counts: only who has files (carol has none); the broken files count under no
    # status. alice: d3 done, d4 no file (todo). dave: d1 done, d2 to d4 todo.
    assert report["annotators"] == {
        "alice": {"todo": 1, "in_progress": 0, "done": 1, "skipped": 0},
        "dave": {"todo": 3, "in_progress": 0, "done": 1, "skipped": 0},
    }
    assert report["broken"] == {"alice": 2, "dave": 0}
    assert report["assignments"] == {
        "path": str(planned.root / "assignments.json"),
        "annotators": 2,
        "documents": 4,
        "overlap_documents": 1,  # d3
        "overlap_finished_by_all": 0,  # carol has not done d3
    }
    # The team: every annotator with a file and every one in the plan, sorted.
    assert report["team"] == {
        "alice": {
            # d1 and d2 broken (both counted), d3 done: 0 + 1 + 2 = 3.
            "assigned": assigned(3, done=1, broken=2),
            "overlap": {"assigned": 1, "finished_by_all": 0},
            # One timed second: median 1/60 = 0.0167 min, shown as 0.02; 1 doc * 3600 / 1 s.
            "time": time(1, 1, 1, 0.02, 3600.0),
            "agreement": NO_AGREEMENT,
        },
        "carol": {
            # No file: both of her documents are todo; nothing done, no time.
            "assigned": assigned(2, todo=2),
            "overlap": {"assigned": 1, "finished_by_all": 0},
            "time": time(0, 0, 0, None, None),
            "agreement": NO_AGREEMENT,
        },
        "dave": {
            # Not in the plan: an empty queue, not a missing one.
            "assigned": assigned(0),
            "overlap": {"assigned": 0, "finished_by_all": 0},
            # 120 s: median 2 minutes, 1 * 3600 / 120 = 30 documents an hour.
            "time": time(1, 1, 120, 2.0, 30.0),
            "agreement": NO_AGREEMENT,
        },
    }
    # The planned pair is listed before it has a finished document.
    assert report["agreement_pairs"] == [
        {"a": "alice", "b": "carol", "documents": 0, "kappa_char": {},
         "f1_exact": None, "f1_exact_reason": NO_PAIR_YET, "f1_overlap": None,
         "f1_overlap_reason": NO_PAIR_YET, "alpha_u": None, "alpha_u_reason": NO_PAIR_YET},
    ]


def test_a_pair_that_marked_nothing_gets_agrees_reasons(corpus: Corpus) -> None:
    """alice and bob both finished d1 and marked no span: it is a document both did, but no
    F1 (0 matched of 0 + 0 spans), no alpha_u (no span at all) and no kappa (every
    character unlabelled by both: chance agreement is 1) can be computed; each says why."""
    add_text(corpus, "d1", TEXT)
    write(corpus, "alice", "d1", "done", 60)
    write(corpus, "bob", "d1", "done", 60)
    (pair,) = corpus_status(corpus)["agreement_pairs"]
    neither = "neither annotator marked a span of this label"
    assert {k: v for k, v in pair.items() if k != "kappa_char_reasons"} == {
        "a": "alice", "b": "bob", "documents": 1,
        "f1_exact": None, "f1_exact_reason": neither,
        "f1_overlap": None, "f1_overlap_reason": neither,
        "alpha_u": None, "alpha_u_reason": "no annotator marked any span",
        "kappa_char": {"structure": None, "part": None, "entity": None},
    }
    assert sorted(pair["kappa_char_reasons"]) == ["entity", "part", "structure"]


def test_the_plan_is_checked_against_the_one_listing_of_the_documents(
    planned: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``documents/`` is listed once per status, plan or not (100,000 names is not free)."""
    listings = counting(monkeypatch, Corpus, "doc_ids")
    assert corpus_status(planned)["documents"] == 4
    assert listings == [1]
