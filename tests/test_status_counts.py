"""`annotator status` counts exactly: the reserved annotator ``suggestions`` is nobody's
progress and is not listed, every broken file of an annotator counts, a text that cannot be
read makes each of its files broken with the text's problem; and it does each document's
work once (one read and one hash of each text, no Span objects built), which is what keeps
``status`` on 100,000 documents fast.

Mutants of ``annotator/status.py`` that no test can kill (behaviour unchanged):

- ``_count_document``: ``work_in_progress=None`` instead of ``False``; the flag is only
  tested for truth, and None is false as False is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import annotator.loading
import annotator.model
import annotator.rules
from annotator.corpus import Corpus
from annotator.model import Span
from annotator.status import corpus_status
from tests.cli_helpers import run
from tests.conftest import add_text

# The audit-hook recorder of validate's read-once test: hooks cannot be removed, so one.
from tests.test_validate_messages import files_opened

TEXT = "Title line\nBy Jane Doe in Seoul\nBody."


def annotate(corpus: Corpus, annotator: str, doc_id: str, text: str = TEXT, **changes: Any) -> Path:
    """A valid annotation of ``doc_id`` by ``annotator`` (fields from ``changes``), written by the corpus."""
    annotation = corpus.new_annotation(annotator, doc_id, text).model_copy(update=changes)
    corpus.save_annotation(annotation, annotator=annotator)
    return corpus.annotation_path(annotator, doc_id)


def quiet_team(*names: str) -> dict[str, Any]:
    """The team keys of a corpus with no plan, no time recorded and no pair to compare (the
    keys are there all the same: a reader of ``--json`` need not test for them)."""
    time = {"done": 0, "timed": 0, "no_time_recorded": 0, "active_seconds": 0,
            "median_active_minutes": None, "docs_per_active_hour": None}
    agreement = {"pairs": 0, "documents": 0, "mean_f1_exact": None, "mean_f1_overlap": None}
    return {
        "assignments": None,
        "team": {n: {"assigned": None, "overlap": None, "time": time, "agreement": agreement} for n in names},
        "agreement_pairs": [],
    }


def status_json(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "status", str(corpus.root), "--json")
    assert "Traceback" not in err
    return code, orjson.loads(out)


def test_suggestions_are_not_listed(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    add_text(corpus, "doc1", TEXT)
    add_text(corpus, "doc2", "Another page\nWith a body.")
    annotate(corpus, "alice", "doc1", status="in_progress")
    code, _out, err = run(capsys, "suggest", str(corpus.root))
    assert code == 0, err
    assert corpus.annotated_ids("suggestions") == {"doc1", "doc2"}  # what status must not count

    assert run(capsys, "status", str(corpus.root)) == (
        0,
        "test: 2 documents\n"
        "annotator  todo  in_progress  done  skipped  done %\n"
        "alice         1            1     0        0      0%\n",
        "",
    )
    assert status_json(corpus, capsys) == (
        0,
        {
            "name": "test",
            "documents": 2,
            "annotators": {"alice": {"todo": 1, "in_progress": 1, "done": 0, "skipped": 0}},
            "broken": {"alice": 0},
            "files_with_problems": [],
            **quiet_team("alice"),
        },
    )


def test_every_broken_file_of_an_annotator_is_counted(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """bob's two files copied into alice's folder: both are broken, both are named."""
    add_text(corpus, "doc1", TEXT)
    add_text(corpus, "doc2", TEXT)
    add_text(corpus, "doc3", TEXT)
    annotate(corpus, "alice", "doc3", status="in_progress")
    paths = []
    for doc_id in ("doc1", "doc2"):
        path = corpus.annotation_path("alice", doc_id)
        path.write_bytes(annotate(corpus, "bob", doc_id).read_bytes())
        paths.append(path)
    code, out, err = run(capsys, "status", str(corpus.root))
    assert (code, out) == (
        1,
        "test: 3 documents\n"
        "annotator  todo  in_progress  done  skipped  done %\n"
        "alice         0            1     0        0      0%\n"
        "bob           3            0     0        0      0%\n"  # doc3 has no file; doc1, doc2 say todo
        "2 files with problems (run annotator validate), counted under no status\n",
    )
    assert err.splitlines() == [
        f"annotator: {path}: annotator 'bob' in a file of 'alice' [wrong-annotator]" for path in paths
    ]
    code, report = status_json(corpus, capsys)
    assert (code, report["broken"]) == (1, {"alice": 2, "bob": 0})
    assert [(f["annotator"], f["doc_id"], f["path"]) for f in report["files_with_problems"]] == [
        ("alice", "doc1", str(paths[0])),
        ("alice", "doc2", str(paths[1])),
    ]


def test_a_text_that_is_not_utf8_makes_each_of_its_files_broken(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    add_text(corpus, "doc1", "Café")
    alice = annotate(corpus, "alice", "doc1", "Café", status="in_progress")
    bob = annotate(corpus, "bob", "doc1", "Café", status="in_progress")
    corpus.text_path("doc1").write_bytes("Café".encode("latin-1"))  # saved by the wrong editor

    def entry(annotator: str, path: Path) -> dict[str, Any]:
        problem = {"path": str(path), "span": None, "code": "no-document", "message": "not UTF-8 at byte 3"}
        return {
            "annotator": annotator,
            "doc_id": "doc1",
            "path": str(path),
            "message": "not UTF-8 at byte 3 [no-document]",
            "problems": [problem],
        }

    assert status_json(corpus, capsys) == (
        1,
        {
            "name": "test",
            "documents": 1,
            "annotators": {
                "alice": {"todo": 0, "in_progress": 0, "done": 0, "skipped": 0},
                "bob": {"todo": 0, "in_progress": 0, "done": 0, "skipped": 0},
            },
            "broken": {"alice": 1, "bob": 1},
            "files_with_problems": [entry("alice", alice), entry("bob", bob)],
            **quiet_team("alice", "bob"),
        },
    )


@pytest.fixture
def three_files(corpus: Corpus) -> Corpus:
    """doc1 annotated, with a span each, by alice, bob and gold."""
    add_text(corpus, "doc1", TEXT)
    span = Span(id="s1", start=14, end=22, label="PER", text="Jane Doe")
    for who in ("alice", "bob", "gold"):
        annotate(corpus, who, "doc1", status="in_progress", spans=[span])
    return corpus


EXPECTED = {
    "name": "test",
    "documents": 1,
    "annotators": {who: {"todo": 0, "in_progress": 1, "done": 0, "skipped": 0} for who in ("alice", "bob", "gold")},
    "broken": {"alice": 0, "bob": 0, "gold": 0},
    "files_with_problems": [],
    **quiet_team("alice", "bob"),  # gold is adjudication, not a team member
}


def test_each_text_is_read_once_for_all_its_files(three_files: Corpus) -> None:
    with files_opened() as opened:
        assert corpus_status(three_files) == EXPECTED
    assert [p for p in opened if p.endswith(".txt")] == [str(three_files.text_path("doc1"))]


def counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """Replace ``module.name`` by a wrapper that counts its calls (one list item per call)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_each_text_is_hashed_once_from_its_bytes(three_files: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hash of the bytes just read serves every file: the text is never encoded and
    hashed again per file (``rules.sha256_text``)."""
    rehashed = counting(monkeypatch, annotator.rules, "sha256_text")
    assert corpus_status(three_files) == EXPECTED
    assert rehashed == []


def test_status_builds_no_span_objects(three_files: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a file is usable is answered from the spans' fields as parsed; building the
    Span objects (and running the work-in-progress rules on them) would cost a third more."""
    built = counting(monkeypatch, annotator.model, "attach_spans")
    built_later = counting(monkeypatch, annotator.loading, "attach_spans")
    assert corpus_status(three_files) == EXPECTED
    assert (built, built_later) == ([], [])
