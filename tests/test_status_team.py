"""``annotator status`` and ``agree`` for a project lead (issue 13): each annotator's assigned
work from ``assignments.json``, the overlap documents every assignee finished, active time
per done document, and agreement with the others (``agree``'s own numbers, per pair).

The corpus: nine documents planned by :func:`annotator.assign.plan` for alice, bob and carol
with a third overlapping by two. Whatever the seed, that makes three overlap documents, one
per pair, and four documents per queue (two overlap, two single): the test reads which ones
from the plan and writes each annotator's files with known statuses and ``time_spent_s``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.agreement import compute_agreement
from annotator.assign import plan, save_assignments
from annotator.corpus import Corpus
from tests.cli_helpers import one_line_error, run
from tests.conftest import add_text
from tests.test_agreement_helpers import SpanSpec, make_annotation

NAMES = ["alice", "bob", "carol"]
TEXT = "Alice Kim met Bob Lee in Seoul on Monday."
#: Everything, right.
FULL: list[SpanSpec] = [(0, 9, "PER"), (14, 21, "PER"), (25, 30, "LOC")]
#: Bob Lee as an ORG and no LOC: one exact match of alice's three spans, F1 2/5.
PARTIAL: list[SpanSpec] = [(0, 9, "PER"), (14, 21, "ORG")]


def write(corpus: Corpus, name: str, doc_id: str, status: str, seconds: int, spans: list[SpanSpec]) -> None:
    annotation = make_annotation(TEXT, doc_id, name, spans, status)
    corpus.save_annotation(annotation.model_copy(update={"time_spent_s": seconds}))


@pytest.fixture
def team(corpus: Corpus) -> dict[str, str]:
    """The planned corpus with everyone's files; returns the documents by role: ``ab``,
    ``ac``, ``bc`` (overlap, by pair) and ``alice1``, ``alice2``... (singles, queue order)."""
    ids = [f"doc-{i}" for i in range(9)]
    for doc_id in ids:
        add_text(corpus, doc_id, TEXT)
    assignments = plan(ids, NAMES, overlap=1 / 3, per_overlap=2, seed=5).assignments
    save_assignments(corpus, assignments)
    docs: dict[str, str] = {}
    for doc_id, names in assignments.documents.items():
        if len(names) == 2:
            docs["".join(sorted(n[0] for n in names))] = doc_id
    for name in NAMES:
        singles = [d for d in assignments.annotators[name] if len(assignments.documents[d]) == 1]
        assert len(singles) == 2 and len(assignments.annotators[name]) == 4
        docs[f"{name}1"], docs[f"{name}2"] = singles
    assert sorted(docs) == sorted(["ab", "ac", "bc", "alice1", "alice2", "bob1", "bob2", "carol1", "carol2"])
    write(corpus, "alice", docs["ab"], "done", 600, FULL)
    write(corpus, "alice", docs["ac"], "done", 300, FULL)
    write(corpus, "alice", docs["alice1"], "done", 0, FULL)  # done where no time was counted
    write(corpus, "alice", docs["alice2"], "in_progress", 50, FULL)
    write(corpus, "bob", docs["ab"], "done", 240, PARTIAL)
    write(corpus, "bob", docs["bc"], "in_progress", 100, FULL)  # bc is not finished by all
    write(corpus, "bob", docs["bob1"], "done", 480, FULL)
    write(corpus, "carol", docs["bc"], "done", 100, FULL)
    write(corpus, "carol", docs["ac"], "done", 200, FULL)
    write(corpus, "carol", docs["carol1"], "done", 900, FULL)
    return docs


def status_json(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(capsys, "status", str(corpus.root), "--json")
    assert (code, err) == (0, "")
    return orjson.loads(out)


def measured(corpus: Corpus, a: str, b: str) -> dict[str, Any]:
    """``agree``'s pair entry for a and b over the whole corpus, computed here on its own:
    in this corpus the documents both finished are exactly their finished overlap."""
    result = compute_agreement(corpus, [a, b])
    (pair,) = result["pairs"]
    entry = {
        "a": a, "b": b, "documents": result["documents"],
        "f1_exact": pair["overall"]["f1_exact"], "f1_overlap": pair["overall"]["f1_overlap"],
        "alpha_u": pair["alpha_u"], "kappa_char": pair["kappa_char"],
    }
    if "kappa_char_reasons" in pair:  # a layer nobody marked: kappa undefined, and why
        entry["kappa_char_reasons"] = pair["kappa_char_reasons"]
    return entry


def time(done: int, timed: int, seconds: int, median: float | None, rate: float | None) -> dict[str, Any]:
    return {"done": done, "timed": timed, "no_time_recorded": done - timed, "active_seconds": seconds,
            "median_active_minutes": median, "docs_per_active_hour": rate}


ALICE_TIME = time(3, 2, 900, 7.5, 8.0)  # 600 s and 300 s; the 0-second document apart
BOB_TIME = time(2, 2, 720, 6.0, 10.0)  # 240 s and 480 s
CAROL_TIME = time(3, 3, 1200, 3.33, 9.0)  # 100, 200, 900 s: median 200 s


def test_json_per_annotator_assigned_overlap_time_and_agreement(
    corpus: Corpus, team: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    report = status_json(corpus, capsys)
    assert report["assignments"] == {
        "path": str(corpus.root / "assignments.json"),
        "annotators": 3,
        "documents": 9,
        "overlap_documents": 3,
        "overlap_finished_by_all": 2,  # ab and ac; bc waits for bob
    }
    ab = measured(corpus, "alice", "bob")
    ac = measured(corpus, "alice", "carol")
    assert (ab["documents"], ab["f1_exact"], ab["f1_overlap"]) == (1, 0.4, 0.4)
    assert (ac["documents"], ac["f1_exact"], ac["kappa_char"]["entity"]) == (1, 1.0, 1.0)
    no_pair_yet = "no overlap document finished by both yet"
    assert report["agreement_pairs"] == [
        ab,
        ac,
        {"a": "bob", "b": "carol", "documents": 0, "kappa_char": {},
         "f1_exact": None, "f1_exact_reason": no_pair_yet, "f1_overlap": None,
         "f1_overlap_reason": no_pair_yet, "alpha_u": None, "alpha_u_reason": no_pair_yet},
    ]

    def assigned(done: int, in_progress: int, todo: int) -> dict[str, int]:
        return {"total": 4, "todo": todo, "in_progress": in_progress, "done": done, "skipped": 0, "broken": 0}

    assert report["team"] == {
        "alice": {
            "assigned": assigned(3, 1, 0),
            "overlap": {"assigned": 2, "finished_by_all": 2},
            "time": ALICE_TIME,
            "agreement": {"pairs": 2, "documents": 2, "mean_f1_exact": 0.7, "mean_f1_overlap": 0.7},
        },
        "bob": {
            "assigned": assigned(2, 1, 1),  # bob2 has no file: todo
            "overlap": {"assigned": 2, "finished_by_all": 1},
            "time": BOB_TIME,
            "agreement": {"pairs": 1, "documents": 1, "mean_f1_exact": 0.4, "mean_f1_overlap": 0.4},
        },
        "carol": {
            "assigned": assigned(3, 0, 1),
            "overlap": {"assigned": 2, "finished_by_all": 1},
            "time": CAROL_TIME,
            "agreement": {"pairs": 1, "documents": 1, "mean_f1_exact": 1.0, "mean_f1_overlap": 1.0},
        },
    }
    # The progress counts stay what they were: every document, not only the queue.
    assert report["annotators"]["bob"] == {"todo": 6, "in_progress": 1, "done": 2, "skipped": 0}


def test_plain_table(corpus: Corpus, team: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "status", str(corpus.root))
    assert (code, err) == (0, "")
    ab, ac = measured(corpus, "alice", "bob"), measured(corpus, "alice", "carol")
    # No structure or part span anywhere: those kappas are undefined (n/a), as agree says.
    assert [ab["kappa_char"]["structure"], ac["kappa_char"]["part"]] == [None, None]
    assert out.splitlines()[5:] == [
        "",
        "annotator  assigned  done  in progress  todo  overlap  min/doc  docs/h  no time  F1 w/ others",
        "alice             4     3            1     0      2/2     7.50    8.00        1         0.700",
        "bob               4     2            1     1      1/2     6.00   10.00        0         0.400",
        "carol             4     3            0     1      1/2     3.33    9.00        0         1.000",
        "(assigned to todo: their queue; overlap: finished by every assignee / in their queue; min/doc,",
        ' docs/h: active time of all their done documents except the "no time" ones)',
        "Overlap documents finished by every assignee: 2 of 3 (what agree compares)",
        "",
        "Agreement per pair, on the overlap documents every assignee finished:",
        "pair         documents  F1 exact  F1 overlap  alpha_u  kappa structure  kappa part  kappa entity",
        f"alice/bob            1     0.400       0.400    {ab['alpha_u']:.3f}              n/a         n/a"
        f"         {ab['kappa_char']['entity']:.3f}",
        "alice/carol          1     1.000       1.000    1.000              n/a         n/a         1.000",
        "bob/carol            0       n/a         n/a      n/a              n/a         n/a           n/a",
    ]
    assert f"{ab['alpha_u']:.3f} {ab['kappa_char']['entity']:.3f}" == "0.313 0.526"  # as shown


def test_pairs_count_only_documents_planned_for_both(
    corpus: Corpus, team: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """bob also does alice's single document (not in his queue): agree over everything counts
    it, the status's pair does not, since it is no overlap document of theirs."""
    before = measured(corpus, "alice", "bob")
    write(corpus, "bob", team["alice1"], "done", 60, [])
    assert compute_agreement(corpus, ["alice", "bob"])["documents"] == 2
    report = status_json(corpus, capsys)
    assert report["agreement_pairs"][0] == before
    assert report["team"]["bob"]["assigned"]["done"] == 2  # not in his queue
    assert report["team"]["bob"]["time"] == time(3, 3, 780, 4.0, 13.85)  # every done document


def test_without_assignments_the_status_still_works(
    corpus: Corpus, team: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """No plan: no assigned counts (null), and each pair compared on the documents both
    marked done, as `agree --annotators A B` does."""
    write(corpus, "bob", team["alice1"], "done", 60, [])
    (corpus.root / "assignments.json").unlink()
    report = status_json(corpus, capsys)
    assert report["assignments"] is None
    assert {name: (e["assigned"], e["overlap"]) for name, e in report["team"].items()} == {
        name: (None, None) for name in NAMES
    }
    assert report["team"]["alice"]["time"] == ALICE_TIME
    ab = measured(corpus, "alice", "bob")
    assert ab["documents"] == 2
    assert report["agreement_pairs"] == [ab, measured(corpus, "alice", "carol")]  # bob/carol: none both done
    code, out, _ = run(capsys, "status", str(corpus.root))
    assert code == 0
    assert f"{ab['alpha_u']:.3f} {ab['kappa_char']['entity']:.3f}" == "0.056 0.287"
    assert out.splitlines()[5:] == [
        "",
        "annotator  assigned  done  in progress  todo  overlap  min/doc  docs/h  no time  F1 w/ others",
        "alice             -     -            -     -        -     7.50    8.00        1         0.625",
        "bob               -     -            -     -        -     4.00   13.85        0         0.250",
        "carol             -     -            -     -        -     3.33    9.00        0         1.000",
        "(assigned to todo: their queue; overlap: finished by every assignee / in their queue; min/doc,",
        ' docs/h: active time of all their done documents except the "no time" ones)',
        "No assignments.json: run `annotator assign` to plan queues and overlap.",
        "",
        "Agreement per pair, on the documents both marked done:",
        "pair         documents  F1 exact  F1 overlap  alpha_u  kappa structure  kappa part  kappa entity",
        "alice/bob            2     0.250       0.250    0.056              n/a         n/a         0.287",
        "alice/carol          1     1.000       1.000    1.000              n/a         n/a         1.000",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"schema_version": 1, "seed": 1', "not valid JSON"),
        (b'{"schema_version": 1, "seed": 1, "overlap": 0.5, "per_overlap": 2, '
         b'"annotators": {"alice": ["nope"]}, "documents": {"nope": ["alice"]}}',
         "documents not in the corpus: nope"),
    ],
)
def test_a_broken_assignments_file_is_one_line_naming_it(
    corpus: Corpus, team: dict[str, str], capsys: pytest.CaptureFixture[str], content: bytes, problem: str
) -> None:
    path = corpus.root / "assignments.json"
    path.write_bytes(content)
    code, out, err = run(capsys, "status", str(corpus.root))
    assert code == 1 and out == ""
    line = one_line_error(err)
    assert line.startswith(f"annotator: {path}: ") and problem in line, line
    code, out, err = run(capsys, "status", str(corpus.root), "--json")
    assert code == 1
    document = orjson.loads(out)
    assert document["ok"] is False and document["error"]["code"] == "corpus"
    assert document["error"]["path"] == str(path) and problem in document["error"]["message"]


# --------------------------------------------------------------------------- agree


def test_agree_lists_the_same_time_figures(
    corpus: Corpus, team: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "agree", str(corpus.root), "--annotators", "alice", "bob", "--json")
    assert code == 0, err
    result = orjson.loads(out)
    assert result["time"] == {"alice": ALICE_TIME, "bob": BOB_TIME}
    assert result["time"] == {n: status_json(corpus, capsys)["team"][n]["time"] for n in ("alice", "bob")}

    report = tmp_path / "report.html"
    code, out, err = run(capsys, "agree", str(corpus.root), "--annotators", "alice", "bob", "carol",
                         "--report", str(report))
    assert code == 0, err
    assert out.splitlines()[:8] == [
        "Agreement of alice, bob, carol on 0 documents (9 left out: 9 no annotation)",
        "",
        "Time per done document (all their done documents; no time: done with none recorded):",
        "annotator    done  median min/doc  docs/active h  no time",
        "alice           3            7.50           8.00        1",
        "bob             2            6.00          10.00        0",
        "carol           3            3.33           9.00        0",
        "",
    ]
    html = report.read_text("utf-8")
    assert ("<tr><td>carol</td><td>3</td><td>3.330</td><td>9.000</td><td>0</td></tr>") in html


def test_agree_without_recorded_time_prints_no_time_table(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    for doc_id in ("d1", "d2"):
        add_text(corpus, doc_id, TEXT)
        write(corpus, "alice", doc_id, "done", 0, FULL)
        write(corpus, "bob", doc_id, "done", 0, PARTIAL)
    code, out, _ = run(capsys, "agree", str(corpus.root))
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["Agreement of alice, bob on 2 documents (none left out)", ""]
    assert lines[2].startswith("label ")  # straight to the agreement table
    assert "Time per done document" not in out
    code, out, _ = run(capsys, "agree", str(corpus.root), "--json")
    assert orjson.loads(out)["time"]["bob"] == time(2, 0, 0, None, None)
