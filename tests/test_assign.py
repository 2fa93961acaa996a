"""``annotator assign``: the plan's balance, overlap, spread, determinism, incremental runs,
rebalancing around started work, and the errors that leave nothing written."""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from annotator.assign import (
    Assignments,
    PlanError,
    _distinct_rows,
    load_assignments,
    overlap_count,
    plan,
    rebalance,
)
from annotator.corpus import Corpus, CorpusError
from tests.cli_helpers import one_line_error, run
from tests.conftest import add_text

NAMES = ["alice", "bob", "carol", "dave", "erin"]


def ids(n: int, start: int = 0) -> list[str]:
    return [f"doc-{i:04d}" for i in range(start, start + n)]


def add_docs(corpus: Corpus, doc_ids: list[str]) -> None:
    for doc_id in doc_ids:
        add_text(corpus, doc_id, f"The text of {doc_id}.")


def spread(values: list[int]) -> int:
    return max(values) - min(values)


def kinds(a: Assignments, name: str) -> tuple[int, int]:
    """(overlap, single) documents in ``name``'s queue."""
    over = sum(1 for d in a.annotators[name] if len(a.documents[d]) > 1)
    return over, len(a.annotators[name]) - over


def check_consistent(a: Assignments, doc_ids: list[str]) -> None:
    Assignments.model_validate(a.model_dump(mode="json"))  # what the file's reader accepts
    assert sorted(a.documents) == sorted(doc_ids)
    for doc_id, names in a.documents.items():
        for name in names:
            assert doc_id in a.annotators[name]
    assert sum(len(q) for q in a.annotators.values()) == sum(len(n) for n in a.documents.values())


# --------------------------------------------------------------------------- the plan


@pytest.mark.parametrize(
    ("n", "m", "overlap", "per"),
    [(100, 3, 0.2, 2), (101, 5, 0.3, 3), (7, 2, 0.5, 2), (50, 4, 1.0, 4), (37, 5, 0.0, 2), (1000, 7, 0.15, 3)],
)
def test_fresh_plan_is_balanced_per_kind_and_in_total(n: int, m: int, overlap: float, per: int) -> None:
    names = NAMES[:m] if m <= len(NAMES) else [f"a{i}" for i in range(m)]
    a = plan(ids(n), names, overlap=overlap, per_overlap=per, seed=3).assignments
    check_consistent(a, ids(n))
    assert list(a.annotators) == names
    over = [kinds(a, name)[0] for name in names]
    single = [kinds(a, name)[1] for name in names]
    total = [len(a.annotators[name]) for name in names]
    assert spread(over) <= 1 and spread(single) <= 1 and spread(total) <= 1, (over, single, total)
    # Exactly the rounded fraction overlaps, each with `per` distinct annotators; the rest one.
    overlap_docs = a.overlap_ids()
    assert len(overlap_docs) == overlap_count(overlap, n)
    for doc_id, assignees in a.documents.items():
        assert len(set(assignees)) == len(assignees)
        assert len(assignees) == (per if doc_id in overlap_docs else 1)


def test_overlap_count_rounds_half_up() -> None:
    assert [overlap_count(0.5, n) for n in (1, 3, 5, 7)] == [1, 2, 3, 4]  # not half to even
    assert overlap_count(0.35, 10) == 4  # 3.4999999999999996 in floats
    assert overlap_count(0.2, 10) == 2
    assert overlap_count(0.24, 10) == 2
    assert overlap_count(0.0, 10) == 0
    assert overlap_count(1.0, 7) == 7


def test_overlap_documents_are_spread_through_each_queue() -> None:
    a = plan(ids(300), NAMES[:4], overlap=0.2, per_overlap=2, seed=11).assignments
    overlap_docs = set(a.overlap_ids())
    for name, queue in a.annotators.items():
        positions = [i for i, d in enumerate(queue) if d in overlap_docs]
        assert positions, name
        step = len(queue) / len(positions)
        # Gaps between neighbours, and from the queue's start and to its end: none much
        # longer than an even spacing (bunched at the end, the first gap would be ~60).
        gaps = [b - a for a, b in zip([-1, *positions], [*positions, len(queue)], strict=True)]
        assert max(gaps) <= math.ceil(step) + 1, (name, gaps)
        assert positions[0] < step and positions[-1] >= len(queue) - step - 1


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    def dumped(seed: int) -> str:
        return plan(ids(60), NAMES, overlap=0.25, per_overlap=3, seed=seed).assignments.model_dump_json()

    assert dumped(42) == dumped(42)
    assert dumped(42) != dumped(43)


def test_an_id_given_twice_is_refused() -> None:
    """The planner gets each id once (the command gives the corpus's listing, or ``--docs``
    without its repeats): a repeat would plan one document twice."""
    for given in (sorted([*ids(30), "doc-0007"]), [*reversed(ids(30)), "doc-0012", "doc-0003", "doc-0012"]):
        with pytest.raises(PlanError, match=r"documents given twice: doc-00(07|03, doc-0012)$"):
            plan(given, NAMES[:3], overlap=0.3, seed=4)
    first = plan(ids(30), NAMES[:3], overlap=0.3, seed=4).assignments
    with pytest.raises(PlanError, match=r"documents given twice: doc-0031$"):
        plan([*ids(32), "doc-0031"], NAMES[:3], seed=4, previous=first)
    # Not planned before: an iterator is taken as well as a list.
    assert plan(iter(ids(30)), NAMES[:3], overlap=0.3, seed=4).assignments == first


@pytest.mark.parametrize(("m", "per"), [(40, 3), (70, 11)], ids=["rows-as-numbers", "rows-too-long"])
def test_teams_of_many_annotators_are_each_documents_own(m: int, per: int) -> None:
    """An overlap document's team (its annotators in the order they took it) is found by
    reading its row of annotator numbers as one number, or row by row when the row is too
    long for 63 bits (11 annotators of 70): either way each row maps back to itself."""
    rows = np.random.default_rng(m).integers(0, m, size=(500, per))
    rows[250:] = rows[:250]  # repeats, which share one team
    teams, team_of = _distinct_rows(rows, m)
    assert np.array_equal(teams[team_of], rows)
    assert len(teams) == len({tuple(r) for r in rows.tolist()})
    names = [f"n{i:02d}" for i in range(m)]
    a = plan(ids(400), names, overlap=0.5, per_overlap=per, seed=6).assignments
    check_consistent(a, ids(400))
    teams_planned = [team for team in a.documents.values() if len(team) > 1]
    assert len(teams_planned) == 200 and all(len(set(team)) == per for team in teams_planned)


def test_incremental_plan_keeps_everything_and_assigns_only_new_documents() -> None:
    first = plan(ids(40), NAMES[:3], overlap=0.2, per_overlap=2, seed=1).assignments
    second = plan(ids(55), NAMES[:3], overlap=0.2, per_overlap=2, seed=1, previous=first)
    a = second.assignments
    check_consistent(a, ids(55))
    assert second.new_documents == ids(15, start=40)
    for name, queue in first.annotators.items():
        assert a.annotators[name][: len(queue)] == queue  # the old queue is untouched, in order
        assert set(a.annotators[name][len(queue) :]) <= set(ids(15, start=40))
    for doc_id, names in first.documents.items():
        assert a.documents[doc_id] == names
    # The overall fraction stays exact, and the loads level.
    assert len(a.overlap_ids()) == overlap_count(0.2, 55)
    assert spread([len(q) for q in a.annotators.values()]) <= 1
    # Nothing new: the plan is the same.
    again = plan(ids(55), NAMES[:3], overlap=0.2, per_overlap=2, seed=9, previous=a)
    assert again.new_documents == [] and again.assignments.annotators == a.annotators


def test_incremental_plan_gives_a_new_annotator_the_new_documents_first() -> None:
    first = plan(ids(30), ["alice", "bob"], overlap=0.0, seed=1).assignments
    a = plan(ids(45), ["alice", "bob", "carol"], overlap=0.0, seed=1, previous=first).assignments
    assert [len(a.annotators[n]) for n in ("alice", "bob", "carol")] == [15, 15, 15]


def test_rebalance_moves_only_untouched_documents_to_the_least_loaded() -> None:
    first = plan(ids(40), NAMES[:4], overlap=0.2, per_overlap=2, seed=5).assignments
    bob = first.annotators["bob"]
    started = {bob[0], bob[3]}
    result = rebalance(first, "bob", started)
    a = result.assignments
    check_consistent(a, ids(40))
    assert a.annotators["bob"] == [bob[0], bob[3]]
    assert result.kept == [bob[0], bob[3]]
    moved = [d for d in bob if d not in started]
    assert sorted(d for docs in result.moved.values() for d in docs) == sorted(moved)
    for doc_id in moved:
        assert "bob" not in a.documents[doc_id]
        assert len(a.documents[doc_id]) == len(first.documents[doc_id])  # still as many eyes
        assert len(set(a.documents[doc_id])) == len(a.documents[doc_id])
    for name in ("alice", "carol", "dave"):
        assert a.annotators[name][: len(first.annotators[name])] == first.annotators[name]
    assert spread([len(a.annotators[n]) for n in ("alice", "carol", "dave")]) <= 1


def test_rebalance_with_nothing_started_takes_the_annotator_off_the_plan() -> None:
    first = plan(ids(12), ["alice", "bob"], overlap=0.5, per_overlap=2, seed=5).assignments
    a = rebalance(first, "bob", set()).assignments
    assert list(a.annotators) == ["alice"]
    # Overlap documents alice already had just lose bob (no one else can take them).
    assert sorted(a.annotators["alice"]) == ids(12)
    assert all(names == ("alice",) for names in a.documents.values())


def test_plan_refuses_bad_options() -> None:
    with pytest.raises(PlanError, match="more than the 2 annotator"):
        plan(ids(5), ["a", "b"], overlap=0.2, per_overlap=3)
    with pytest.raises(PlanError, match="not an annotator of the plan"):
        rebalance(plan(ids(5), ["a", "b"]).assignments, "zed", set())


# --------------------------------------------------------------------------- the command


@pytest.fixture
def docs_corpus(corpus: Corpus) -> Corpus:
    add_docs(corpus, ids(30))
    return corpus


def _assign(capsys: pytest.CaptureFixture[str], corpus: Corpus, *argv: str) -> dict:
    code, out, err = run(capsys, "assign", str(corpus.root), *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_assign_writes_the_plan_and_reports_it(capsys: pytest.CaptureFixture[str], docs_corpus: Corpus) -> None:
    report = _assign(capsys, docs_corpus, "--annotators", "alice", "bob", "carol", "--seed", "7", "--overlap", "0.2")
    path = docs_corpus.root / "assignments.json"
    saved = json.loads(path.read_bytes())
    assert list(saved) == ["schema_version", "seed", "overlap", "per_overlap", "annotators", "documents"]
    assert saved["schema_version"] == 1 and saved["seed"] == 7 and saved["overlap"] == 0.2
    assert saved["per_overlap"] == 2
    assert report["path"] == str(path)
    assert report["documents"] == 30 and report["new_documents"] == 30
    assert report["overlap_documents"] == 6 == sum(1 for v in saved["documents"].values() if len(v) == 2)
    assert {n: c["assigned"] for n, c in report["annotators"].items()} == {
        n: len(q) for n, q in saved["annotators"].items()
    }
    # The same command again with the same seed elsewhere gives the same bytes.
    first = path.read_bytes()
    path.unlink()
    _assign(capsys, docs_corpus, "--annotators", "alice", "bob", "carol", "--seed", "7", "--overlap", "0.2")
    assert path.read_bytes() == first


def test_assign_again_after_an_import_assigns_only_the_new_documents(
    capsys: pytest.CaptureFixture[str], docs_corpus: Corpus
) -> None:
    _assign(capsys, docs_corpus, "--annotators", "alice", "bob", "carol")  # seed drawn and recorded
    before = json.loads((docs_corpus.root / "assignments.json").read_bytes())
    add_docs(docs_corpus, ids(10, start=30))
    report = _assign(capsys, docs_corpus, "--annotators", "alice", "bob", "carol")
    after = json.loads((docs_corpus.root / "assignments.json").read_bytes())
    assert report["new_documents"] == 10
    assert after["seed"] == before["seed"]
    for name, queue in before["annotators"].items():
        assert after["annotators"][name][: len(queue)] == queue
    assert {d: after["documents"][d] for d in before["documents"]} == before["documents"]
    assert sorted(set(after["documents"]) - set(before["documents"])) == ids(10, start=30)


def test_rebalance_never_moves_a_started_document(capsys: pytest.CaptureFixture[str], docs_corpus: Corpus) -> None:
    _assign(capsys, docs_corpus, "--annotators", "alice", "bob", "carol", "--seed", "2")
    before = json.loads((docs_corpus.root / "assignments.json").read_bytes())
    bob = before["annotators"]["bob"]
    for doc_id, status in zip(bob[:3], ["in_progress", "done", "todo"], strict=True):
        annotation = docs_corpus.new_annotation("bob", doc_id, docs_corpus.read_text(doc_id))
        annotation.status = status
        docs_corpus.save_annotation(annotation, annotator="bob")
    # A file that cannot be read is somebody's work too: it stays.
    (docs_corpus.annotation_path("bob", bob[3])).write_text("{not json", "utf-8")
    report = _assign(capsys, docs_corpus, "--rebalance", "--remove", "bob")
    after = json.loads((docs_corpus.root / "assignments.json").read_bytes())
    assert after["annotators"]["bob"] == [bob[0], bob[1], bob[3]]
    assert report["kept"] == [bob[0], bob[1], bob[3]]
    assert sum(report["moved"].values()) == len(bob) - 3
    assert "bob" not in after["documents"][bob[2]]  # a todo file is not started
    for doc_id in bob[4:]:
        assert "bob" not in after["documents"][doc_id]
    for name in ("alice", "carol"):
        assert after["annotators"][name][: len(before["annotators"][name])] == before["annotators"][name]
    assert abs(len(after["annotators"]["alice"]) - len(after["annotators"]["carol"])) <= 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--annotators", "alice", "bob", "--docs", "doc-0001", "nope"], "no document(s) nope"),
        (["--annotators", "alice", "bob", "--docs", "../x"], "'../x': not a valid document id"),
        (["--annotators", "alice", "alice"], "alice given more than once"),
        (["--annotators", "alice", "a/b"], "'a/b': not a valid annotator name"),
        (["--annotators", "alice", "gold"], "gold: reserved name"),
        (["--annotators", "alice", "suggestions"], "suggestions: reserved name"),
        (["--annotators", "alice", "bob", "--overlap", "1.5"], "--overlap must be a fraction from 0 to 1, not 1.5"),
        (["--annotators", "alice", "bob", "--overlap", "-0.1"], "--overlap must be a fraction from 0 to 1"),
        (["--annotators", "alice", "bob", "--overlap", "nan"], "--overlap must be a fraction from 0 to 1"),
        (["--annotators", "alice", "bob", "--per-overlap", "1"], "--per-overlap must be at least 2"),
        (["--annotators", "alice", "bob", "--per-overlap", "3"], "--per-overlap 3 is more than the 2 annotator(s)"),
        (["--annotators", "alice", "bob", "--seed", "-1"], "--seed must be a whole number"),
        (["--annotators", "alice", "--remove", "bob"], "--remove goes with --rebalance"),
        ([], "--annotators: name the annotators"),
        (["--rebalance", "--remove", "bob"], "no plan to rebalance"),
        (["--rebalance"], "--rebalance needs --remove NAME"),
    ],
)
def test_bad_usage_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], docs_corpus: Corpus, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "assign", str(docs_corpus.root), *argv)
    assert code == 2
    assert message in one_line_error(err)
    assert out == ""
    assert not (docs_corpus.root / "assignments.json").exists()


def test_rebalance_of_an_unknown_annotator_leaves_the_plan_alone(
    capsys: pytest.CaptureFixture[str], docs_corpus: Corpus
) -> None:
    _assign(capsys, docs_corpus, "--annotators", "alice", "bob")
    before = (docs_corpus.root / "assignments.json").read_bytes()
    code, _out, err = run(capsys, "assign", str(docs_corpus.root), "--rebalance", "--remove", "zed")
    assert code == 2
    assert "--remove: 'zed' is not an annotator of the plan" in one_line_error(err)
    assert (docs_corpus.root / "assignments.json").read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"schema_version": 1}', "seed: Field required"),
        (
            b'{"schema_version": 1, "seed": 1, "overlap": 0.2, "per_overlap": 2, "extra": 1,'
            b' "annotators": {}, "documents": {}}',
            "extra: Extra inputs are not permitted",
        ),
        (
            b'{"schema_version": 1, "seed": 1, "overlap": 0.2, "per_overlap": 2,'
            b' "annotators": {"alice": ["doc-0001"]}, "documents": {"doc-0001": ["bob"]}}',
            "annotators.alice lists doc-0001 but documents.doc-0001 does not list alice",
        ),
        (
            b'{"schema_version": 1, "seed": 1, "overlap": 0.2, "per_overlap": 2,'
            b' "annotators": {"alice": ["gone"]}, "documents": {"gone": ["alice"]}}',
            "documents not in the corpus: gone",
        ),
    ],
)
def test_a_broken_plan_is_named_and_never_overwritten(
    capsys: pytest.CaptureFixture[str], docs_corpus: Corpus, content: bytes, message: str
) -> None:
    path: Path = docs_corpus.root / "assignments.json"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=r"assignments\.json"):
        load_assignments(docs_corpus)
    code, _out, err = run(capsys, "assign", str(docs_corpus.root), "--annotators", "alice", "bob")
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {path}: ") and message in line
    assert path.read_bytes() == content


# --------------------------------------------------------------------------- pinned bytes


def _pinned_outputs(capsys: pytest.CaptureFixture[str], corpus: Corpus) -> dict[str, bytes]:
    """What ``annotator assign`` writes and prints, and what :func:`plan` and
    :func:`rebalance` make, over fresh, incremental, ``--docs`` and rebalancing runs."""
    path = corpus.root / "assignments.json"
    outputs: dict[str, bytes] = {}

    def cli(key: str, *argv: str) -> None:
        code, out, err = run(capsys, "assign", str(corpus.root), *argv)
        assert code == 0, err
        outputs[f"{key}.plan"] = path.read_bytes()
        # The report names the plan's path, which is tmp_path's: keep it out of the bytes.
        outputs[f"{key}.out"] = (out + err).replace(str(path), "PATH").encode()

    add_docs(corpus, ids(60))
    five = ["alice", "bob", "carol", "dave", "erin"]
    fresh = ("--annotators", *five, "--seed", "7", "--overlap", "0.25", "--per-overlap", "3")
    cli("fresh-text", *fresh)
    path.unlink()
    cli("fresh-json", *fresh, "--json")
    add_docs(corpus, ids(23, start=60))
    cli("incremental", "--annotators", *five, "frank", "--overlap", "0.3", "--json")
    for doc_id, status in zip(json.loads(path.read_bytes())["annotators"]["bob"][:4], ["in_progress", "done", "todo", "skipped"], strict=True):
        annotation = corpus.new_annotation("bob", doc_id, corpus.read_text(doc_id))
        annotation.status = status
        corpus.save_annotation(annotation, annotator="bob")
    cli("rebalance", "--rebalance", "--remove", "bob", "--json")
    cli("rebalance-text", "--rebalance", "--remove", "carol", "--annotators", "alice", "dave", "--seed", "4")
    path.unlink()
    cli("docs", "--annotators", "zed", "amy", "--docs", "doc-0042", "doc-0003", "doc-0077", "doc-0003", "doc-0010",
        "--overlap", "0.5", "--seed", "11", "--json")

    def dumped(a: Assignments) -> bytes:
        return json.dumps(a.model_dump(mode="json")).encode()

    fifty = [f"a{i:02d}" for i in range(50)]
    big = plan(ids(5000), fifty, seed=1).assignments
    outputs["plan-5000x50"] = dumped(big)
    outputs["plan-1000x7"] = dumped(plan(ids(1000), [f"n{i}" for i in range(7)], overlap=0.15, per_overlap=3, seed=3).assignments)
    grown = plan(ids(6234), [*fifty, "new1", "new2"], overlap=0.3, per_overlap=4, seed=2, previous=big)
    outputs["plan-grown"] = dumped(grown.assignments) + json.dumps([grown.new_documents, grown.new_overlap]).encode()
    moved = rebalance(big, "a13", set(big.annotators["a13"][::3]))
    outputs["rebalance-a13"] = dumped(moved.assignments) + json.dumps([moved.moved, moved.kept]).encode()
    return outputs


#: sha256 of each output of :func:`_pinned_outputs`, taken from the implementation before
#: it was made faster (issue 13): the plan is a contract, the same seed and corpus must give
#: the same bytes whatever the code that computes it.
PINNED = {
    "fresh-text.plan": "b2a58eb6d9cdbd2def10800d3423f25d6963521ae64752eab81f7d38637b2926",
    "fresh-text.out": "2dd9cfff2a24156e626d7394e6e60805cf03f4b8c0abf7134293d37bc7001def",
    "fresh-json.plan": "b2a58eb6d9cdbd2def10800d3423f25d6963521ae64752eab81f7d38637b2926",
    "fresh-json.out": "c647693e10ce83deb6f568253084541ccfbd85612a6222cb71ce3b365a49423b",
    "incremental.plan": "c92717a576f54286ba280bf0c70e470a7943c1cab575b3f6acb84443d694a25a",
    "incremental.out": "49e2cf0dd34be02fe123a250cf31d5be7db6728125c0332c7f949e80d58b698e",
    "rebalance.plan": "f29556423754d453f519aa8b8bb9dbb5507ba71d1ad1607f93277724a85e9485",
    "rebalance.out": "63e018245ef5d92019b177348ddaf3db121a2449923b31a5751c1d2f3ee71d7e",
    "rebalance-text.plan": "c495f5cc9f529896430a6a6b5f38e91540c064c3a9a78ffe05c2c395c9b23935",
    "rebalance-text.out": "3a44b52a0ec1335e788578570739b9c20c44870638cd866c2259a08b6f1f9a26",
    "docs.plan": "fd1401be0223536124916214731ac9e51fa4fa164a0d3546a321a2478f74ee88",
    "docs.out": "b1893b01b23b3c8df7a836453c4fbcbf7360a70017b786ed1b89b82d7dc9261c",
    "plan-5000x50": "691edc6c131501fd6bce04e08dacf45d627676ae64478e54d0a4ace04864d1a9",
    "plan-1000x7": "ce22c6a5ef1198b97a453a42c1f9f82a45ac012ed9e95344b466b78a507111d0",
    "plan-grown": "216e5eccbcc7f0b8e4012ef151ca625782f8b748f7045e4f1a5470cd16e8fe3c",
    "rebalance-a13": "c837c3bdc4c68f51294abdcdb9a214caa5370237e7f5a24d5349eaa248836133",
}


def test_plans_and_reports_are_byte_identical_to_the_pinned_ones(
    capsys: pytest.CaptureFixture[str], corpus: Corpus
) -> None:
    got = {key: hashlib.sha256(data).hexdigest() for key, data in _pinned_outputs(capsys, corpus).items()}
    assert got == PINNED


@pytest.mark.parametrize("utf8_only", [True, False], ids=["utf8-names", "a-name-not-utf8"])
@pytest.mark.parametrize("in_array", [True, False], ids=["numpy-sort", "python-sort"])
def test_doc_ids_lists_the_documents_with_a_meta_sorted_by_code_point(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, in_array: bool, utf8_only: bool
) -> None:
    """``Corpus.doc_ids``, which ``assign`` lists the corpus with, sorts the names as bytes
    in one array when it is small enough, else in Python: either way the ids are sorted as
    strings, and a text without its meta (an import that did not finish) is no document."""
    add_docs(corpus, ["b-2", "a-10", "a-9", "Z"])
    documents = corpus.documents_dir
    (documents / "half.txt").write_text("no meta yet", "utf-8")
    # Names no import writes: one not UTF-8 (decoded to a surrogate, as os.listdir does),
    # whose byte order (0xE1 before 0xE3) is not its code point order (U+DCE1 after U+3042).
    for name in ("\u3042".encode(), "\u00e9".encode()) if utf8_only else (b"\xe1", "\u3042".encode(), "\u00e9".encode()):
        with open(os.path.join(os.fsencode(documents), name + b".meta.json"), "wb") as handle:
            handle.write(b"{}")
    if not in_array:
        monkeypatch.setattr("annotator.corpus._SORT_ARRAY_MAX", 0)
    expected = ["Z", "a-10", "a-9", "b-2", "\u00e9", "\u3042", "\udce1"]
    assert corpus.doc_ids() == (expected[:-1] if utf8_only else expected)
