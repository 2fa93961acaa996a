"""The one validity check (``annotator.loading``), pinned where mutmut found it unpinned.

``tests/test_one_validity.py`` checks that every reader refuses the same files; these tests
pin what :class:`CheckedAnnotation` itself promises: the one-line summary every reader
prints (which problems, in what words, how many more), equality, that a file checked again
with new problems keeps its lazily built spans, and that :func:`check_annotation_data`
decides exactly as :func:`check_annotation_file` does on the same bytes; also the exact
problems of files that cannot be read, the done rule, the caller's text hash being the one
compared, and that a verdict-only check builds no Span objects (ADR 11). Every file is a
real annotation saved by the corpus, then changed by hand where it is meant to be broken.

Equivalent mutants of ``annotator/loading.py`` (no observable outcome changes), by mutmut name:

- ``x_rule_problems__mutmut_11``, ``_16`` and ``x_check_parsed__mutmut_39``, ``_44``: the
  parsed ``columns`` not handed to the rule check, which then derives the same columns from
  the spans (``rules.check_annotation``); same problems, only slower.
- ``x_read_document_text_in__mutmut_15``: ``decode("UTF-8")`` is the same codec as ``"utf-8"``.
- ``x_check_annotation_file__mutmut_27``: the columns parse also for the full check; the same
  verdict and problems (ADR 11), and the full check builds the spans once either way.
"""

from __future__ import annotations

import shutil
from typing import Any

import orjson
import pytest

import annotator.loading
import annotator.model
from annotator.corpus import Corpus, CorpusError
from annotator.loading import (
    CheckedAnnotation,
    check_annotation_data,
    check_annotation_file,
    check_parsed,
    parse_annotation_columns_data,
    parse_annotation_data,
    read_document_text,
    read_document_text_in,
)
from annotator.rules import Problem, sha256_text
from tests.conftest import add_text
from tests.test_agreement_helpers import save

TEXT = "Zeta Holdings hired Omar Quill in Lisbon.\n"
# Four entities, the last overlapping the first: a rule break of work in progress only.
SPANS: list[Any] = [(0, 13, "ORG"), (20, 30, "PER"), (34, 40, "LOC"), (5, 13, "ORG")]
OVERLAP = "span s4: spans of layer 'entity' may not overlap: ORG [5, 13) overlaps span s1 [overlap]"


@pytest.fixture
def wip(corpus: Corpus) -> Corpus:
    """alice's file of d1: usable, its one problem the overlap (work in progress)."""
    add_text(corpus, "d1", TEXT)
    save(corpus, TEXT, "d1", "alice", SPANS, status="in_progress")
    return corpus


def edit(corpus: Corpus, annotator: str, doc_id: str, change: Any) -> bytes:
    """Change the file by hand, as a tester would; returns the new bytes."""
    path = corpus.annotation_path(annotator, doc_id)
    raw = orjson.loads(path.read_bytes())
    change(raw)
    data = orjson.dumps(raw, option=orjson.OPT_INDENT_2)
    path.write_bytes(data)
    return data


def blank_texts(raw: dict[str, Any], count: int = 4) -> None:
    for span in raw["spans"][:count]:
        span["text"] = "zz"


MISMATCH = [
    "span s1: text[0:13] is 'Zeta Holdings', the span says 'zz' [text-mismatch]",
    "span s2: text[20:30] is 'Omar Quill', the span says 'zz' [text-mismatch]",
    "span s3: text[34:40] is 'Lisbon', the span says 'zz' [text-mismatch]",
    "span s4: text[5:13] is 'Holdings', the span says 'zz' [text-mismatch]",
]


# --------------------------------------------------------------------------- summary


def test_summary_shows_three_blocking_problems_and_counts_the_rest(wip: Corpus) -> None:
    edit(wip, "alice", "d1", blank_texts)
    checked = check_annotation_file(wip, "alice", "d1")
    assert [p.code for p in checked.problems] == ["text-mismatch"] * 4 + ["overlap"]
    # The overlap is left out: it does not make the file unusable.
    assert checked.summary() == "; ".join(MISMATCH[:3]) + " (and 1 more)"
    assert checked.summary(1) == MISMATCH[0] + " (and 3 more)"
    assert checked.summary(4) == "; ".join(MISMATCH)
    assert checked.summary(5) == "; ".join(MISMATCH)


def test_summary_of_exactly_the_limit_has_no_more(wip: Corpus) -> None:
    edit(wip, "alice", "d1", lambda raw: blank_texts(raw, 3))
    checked = check_annotation_file(wip, "alice", "d1")
    assert checked.summary() == "; ".join(MISMATCH[:3])
    save(wip, TEXT, "d1", "alice", SPANS, status="in_progress")
    edit(wip, "alice", "d1", lambda raw: blank_texts(raw, 1))
    assert check_annotation_file(wip, "alice", "d1").summary() == MISMATCH[0]


def test_summary_of_a_usable_file_lists_its_work_in_progress(wip: Corpus) -> None:
    checked = check_annotation_file(wip, "alice", "d1")
    assert checked.usable
    assert checked.summary() == OVERLAP


def test_summary_of_a_problem_of_no_span_has_no_span_prefix(wip: Corpus) -> None:
    # A file copied under another document's name.
    add_text(wip, "d2", TEXT)
    shutil.copyfile(wip.annotation_path("alice", "d1"), wip.annotation_path("alice", "d2"))
    checked = check_annotation_file(wip, "alice", "d2")
    assert not checked.usable
    assert checked.summary() == "doc_id 'd1' does not match the file name [wrong-doc]"
    assert check_annotation_file(wip, "alice", "d1").summary(0) == " (and 1 more)"


# --------------------------------------------------------------------------- equality


def test_the_same_file_checked_twice_is_equal(wip: Corpus) -> None:
    first = check_annotation_file(wip, "alice", "d1")
    second = check_annotation_file(wip, "alice", "d1")
    assert first is not second
    assert (first == second) is True
    moved = first.with_problems(())
    assert (moved == first) is False
    assert (first == first.path) is False  # not a CheckedAnnotation: not equal, and no error


# --------------------------------------------------------------------------- with_problems


@pytest.mark.parametrize("work_in_progress", [True, False])
def test_problems_added_later_keep_the_spans(wip: Corpus, work_in_progress: bool) -> None:
    """A file found wrong after the fast parse keeps its spans (built lazily) and columns."""
    data = wip.annotation_path("alice", "d1").read_bytes()
    path = str(wip.annotation_path("alice", "d1"))
    reference = parse_annotation_data(data, path).annotation
    assert reference is not None and len(reference.spans) == 4
    parsed = parse_annotation_columns_data(data, path)
    assert parsed.columns is not None
    assert list(parsed.columns.starts) == [0, 20, 34, 5]
    # Checked as bob's file: one more problem, found before any Span object is built.
    checked = check_parsed(
        parsed, wip.scheme, doc_id="d1", annotator="bob", text=TEXT, work_in_progress=work_in_progress
    )
    codes = [p.code for p in checked.problems]
    assert codes == (["overlap", "wrong-annotator"] if work_in_progress else ["wrong-annotator"])
    assert checked.columns is parsed.columns
    assert checked.n_spans == 4
    assert checked.annotation is not None
    assert checked.annotation.spans == reference.spans


def test_with_problems_keeps_file_annotation_and_columns(wip: Corpus) -> None:
    checked = check_annotation_file(wip, "alice", "d1")
    problem = Problem("wrong-doc", "as if", path=checked.path)
    again = checked.with_problems((problem,))
    assert (again.path, again.annotation, again.columns) == (checked.path, checked.annotation, checked.columns)
    assert again.columns is not None and list(again.columns.labels) == ["ORG", "PER", "LOC", "ORG"]
    assert again.problems == (problem,)


# --------------------------------------------------------------------------- check_annotation_data


def test_check_annotation_data_decides_as_the_file_check(wip: Corpus) -> None:
    path = wip.annotation_path("alice", "d1")
    data = path.read_bytes()
    args: dict[str, Any] = {"doc_id": "d1", "annotator": "alice", "text": TEXT}
    checked = check_annotation_data(data, str(path), wip.scheme, **args)
    assert checked == check_annotation_file(wip, "alice", "d1")
    assert checked.summary() == OVERLAP  # work in progress is looked for by default
    quick = check_annotation_data(data, str(path), wip.scheme, work_in_progress=False, **args)
    assert quick.problems == () and quick.usable
    assert quick == check_annotation_file(wip, "alice", "d1", work_in_progress=False)

    # Its place: the document and annotator it is checked as.
    as_bob = check_annotation_data(data, str(path), wip.scheme, doc_id="d1", annotator="bob", text=TEXT)
    assert [p.code for p in as_bob.problems] == ["overlap", "wrong-annotator"]
    as_d2 = check_annotation_data(data, str(path), wip.scheme, doc_id="d2", annotator="alice", text=TEXT)
    assert [p.code for p in as_d2.problems] == ["wrong-doc", "overlap"]
    assert {p.path for p in as_d2.problems} == {str(path)}

    # The text it is checked against, and the hash of that text when the caller knows it.
    other = check_annotation_data(data, str(path), wip.scheme, doc_id="d1", annotator="alice", text=TEXT.upper())
    assert [p.code for p in other.problems] == ["hash-mismatch"] + ["text-mismatch"] * 4 + ["overlap"]
    assert other.problems[1].message == "text[0:13] is 'ZETA HOLDINGS', the span says 'Zeta Holdings'"
    wrong_sha = check_annotation_data(data, str(path), wip.scheme, text_sha256=sha256_text("x"), **args)
    assert [p.code for p in wrong_sha.problems] == ["hash-mismatch", "overlap"]
    assert wrong_sha.problems[0].message == (
        f"text_sha256 {sha256_text(TEXT)[:12]}… does not match the document text "
        f"({sha256_text('x')[:12]}…): the annotation was made on another text"
    )

    # And the bytes: a file that does not parse is a problem of that path.
    broken = check_annotation_data(b"{", "broken.json", wip.scheme, **args)
    assert not broken.parsed and [p.path for p in broken.problems] == ["broken.json"]
    assert broken.problems[0].code == "bad-json"


def test_checked_annotation_direct_construction() -> None:
    problem = Problem("unreadable", "cannot read: Permission denied", path="a.json")
    checked = CheckedAnnotation("a.json", None, (problem,))
    assert not checked.parsed and not checked.usable
    assert checked.status is None and checked.doc_labels == {} and checked.n_spans == 0
    assert checked.summary() == "cannot read: Permission denied [unreadable]"
    assert checked == CheckedAnnotation("a.json", None, (problem,))
    assert checked != CheckedAnnotation("b.json", None, (problem,))


# --------------------------------------------------------------------------- check_parsed


def test_check_parsed_looks_for_work_in_progress_by_default(wip: Corpus) -> None:
    path = str(wip.annotation_path("alice", "d1"))
    parsed = parse_annotation_data(wip.annotation_path("alice", "d1").read_bytes(), path)
    checked = check_parsed(parsed, wip.scheme, doc_id="d1", annotator="alice", text=TEXT)
    assert checked.summary() == OVERLAP


def test_a_verdict_only_check_keeps_every_problem_of_place_and_names_the_annotator(wip: Corpus) -> None:
    path = str(wip.annotation_path("alice", "d1"))
    # Checked as bob's file of d2, on the fast path (spans pending), with a span text wrong.
    edit(wip, "alice", "d1", lambda raw: blank_texts(raw, 1))
    data = wip.annotation_path("alice", "d1").read_bytes()
    parsed = parse_annotation_columns_data(data, path)
    checked = check_parsed(
        parsed, wip.scheme, doc_id="d2", annotator="bob", text=TEXT, work_in_progress=False
    )
    assert [str(p) for p in checked.problems] == [
        f"{path}: doc_id 'd1' does not match the file name [wrong-doc]",
        f"{path}: {MISMATCH[0]}",
        f"{path}: annotator 'alice' in a file of 'bob' [wrong-annotator]",
    ]


@pytest.mark.parametrize("work_in_progress", [True, False])
def test_the_hash_given_by_the_caller_is_the_one_compared(wip: Corpus, work_in_progress: bool) -> None:
    """``text_sha256``, hashed by the caller from the file's bytes, is used as given (the
    text is not hashed again): a hash that does not match the annotation's is a problem."""
    path = str(wip.annotation_path("alice", "d1"))
    data = wip.annotation_path("alice", "d1").read_bytes()
    parse = parse_annotation_data if work_in_progress else parse_annotation_columns_data
    checked = check_parsed(
        parse(data, path), wip.scheme, doc_id="d1", annotator="alice", text=TEXT,
        text_sha256=sha256_text("another text"), work_in_progress=work_in_progress,
    )
    assert checked.problems[0].code == "hash-mismatch"
    file_check = check_annotation_file(
        wip, "alice", "d1", TEXT, sha256_text("another text"), work_in_progress=work_in_progress
    )
    assert file_check == checked
    assert check_annotation_file(wip, "alice", "d1", TEXT, sha256_text(TEXT)).usable


# --------------------------------------------------------------------------- what "done" means


def test_a_done_file_is_held_to_the_done_rule(wip: Corpus) -> None:
    save(wip, TEXT, "d1", "alice", SPANS[:3], status="done")
    checked = check_annotation_file(wip, "alice", "d1")
    path = str(wip.annotation_path("alice", "d1"))
    assert checked.problems == (
        Problem(
            "missing-doc-label",
            "document label 'page_type' is not set (one of article, article-list, non-article, broken)",
            path=path,
        ),
    )
    assert checked.usable  # a done file missing its page type is still read, its problem listed
    save(wip, TEXT, "d1", "alice", SPANS[:3], status="in_progress")  # not done: no such rule
    assert check_annotation_file(wip, "alice", "d1").problems == ()


# --------------------------------------------------------------------------- files that cannot be read


def test_an_annotation_file_that_cannot_be_read(wip: Corpus) -> None:
    path = wip.annotation_path("bob", "d1")
    path.mkdir(parents=True)  # a folder where the file should be: reading it fails
    checked = check_annotation_file(wip, "bob", "d1")
    assert checked == CheckedAnnotation(
        str(path), None, (Problem("unreadable", "cannot read: Is a directory", path=str(path)),)
    )
    assert checked.path == str(path) and not checked.parsed
    assert checked.summary() == "cannot read: Is a directory [unreadable]"


def test_an_annotation_of_a_missing_document(wip: Corpus) -> None:
    (wip.documents_dir / "d1.txt").unlink()
    checked = check_annotation_file(wip, "alice", "d1")
    path = str(wip.annotation_path("alice", "d1"))
    assert checked.parsed and not checked.usable
    assert checked.problems == (Problem("no-document", "no document 'd1' in this corpus", path=path),)


def test_a_broken_file_is_named_by_its_path(wip: Corpus) -> None:
    edit(wip, "alice", "d1", lambda raw: raw.update(spans="none"))
    path = str(wip.annotation_path("alice", "d1"))
    for work_in_progress in (True, False):
        checked = check_annotation_file(wip, "alice", "d1", work_in_progress=work_in_progress)
        assert checked.path == path and not checked.parsed
        assert [(p.code, p.path) for p in checked.problems] == [("schema", path)]
    assert parse_annotation_data(b"[", "x.json").path == "x.json"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no document 'd1' in this corpus"),
        (lambda p: p.mkdir(), "cannot read: Is a directory"),
        (lambda p: p.write_bytes(b"ab\xffc"), "not UTF-8 at byte 2"),
    ],
)
def test_a_document_text_that_cannot_be_read_names_its_file(
    wip: Corpus, make: Any, message: str
) -> None:
    text_path = wip.documents_dir / "d1.txt"
    text_path.unlink()
    make(text_path)
    with pytest.raises(CorpusError) as info:
        read_document_text(wip, "d1")
    assert (info.value.path, info.value.message) == (str(text_path), message)
    assert str(info.value) == f"{text_path}: {message}"


def test_a_document_text_and_the_hash_of_its_bytes(wip: Corpus) -> None:
    assert read_document_text(wip, "d1") == (TEXT, sha256_text(TEXT))
    folder = str(wip.documents_dir) + "/"
    assert read_document_text_in(folder, "d1") == (TEXT, sha256_text(TEXT))


def test_a_verdict_only_check_builds_no_span_objects(wip: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """``status``, agreement and suggest ask only whether a file is usable: its spans are
    built once, and only if the annotation is read after all (ADR 11)."""
    built: list[int] = []

    def counting(real: Any) -> Any:
        def attach(annotation: Any, columns: Any, *rest: Any) -> None:
            built.append(len(columns.starts))
            real(annotation, columns, *rest)

        return attach

    monkeypatch.setattr(annotator.model, "attach_spans", counting(annotator.model.attach_spans))
    monkeypatch.setattr(annotator.loading, "attach_spans", counting(annotator.loading.attach_spans))
    checked = check_annotation_file(wip, "alice", "d1", work_in_progress=False)
    assert checked.usable and checked.problems == () and checked.n_spans == 4
    assert built == []
    assert checked.annotation is not None and [s.label for s in checked.annotation.spans] == [
        "ORG", "PER", "LOC", "ORG"
    ]
    assert checked.annotation is not None and len(checked.annotation.spans) == 4
    assert built == [4]  # once, when first read
    full = check_annotation_file(wip, "alice", "d1")  # the editor's full check needs them
    assert built == [4, 4] and full.annotation is not None and len(full.annotation.spans) == 4
