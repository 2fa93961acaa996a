"""More edges of the editing session found by mutation testing (issue #10), second sample:
the status-bar sentence of refused suggestions, the text order of spans sharing a start, and
the id of an accepted suggestion once a span has been deleted.

Everything goes through :class:`DocumentSession`'s public methods, :class:`Corpus` and names
that :mod:`annotator.session` exports, so the tests hold whether the session lives in one
module or is split into parts.

Mutants of ``annotator/session.py`` (second sample of ``make mutate-sample``) left alive on
purpose, because no behaviour can tell them from the original:

- ``_rule_breaks`` 10 (a pending suggestion counted as near when it overlaps *or* not): the
  structure rules (overlap, not-inside, crosses-edge) only ever tie a span to spans that
  overlap it, so a far pending span brings the same problems into both the "without" and
  the "with" check, and the difference of the two is unchanged.
"""

from __future__ import annotations

import os

import pytest

from annotator.corpus import ConflictError, Corpus
from annotator.edits import make_span
from annotator.rules import Problem
from annotator.session import Accepted, DocumentSession, sorted_spans
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul."


def write_suggestions(corpus: Corpus, marks: list[tuple[str, int, int]]) -> None:
    annotation = corpus.new_annotation("suggestions", "d1", TEXT)
    for i, (label, start, end) in enumerate(marks, 1):
        annotation.spans.append(make_span(TEXT, start, end, label, f"g{i}"))
    corpus.save_annotation(annotation)


def test_refused_text_is_empty_when_nothing_was_refused(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    write_suggestions(corpus, [("PER", 0, 3)])
    s.load_suggestions()
    accepted = s.accept_suggestions(["g1"])
    assert accepted is not None and accepted.refused == []
    assert accepted.refused_text() == ""


def test_refused_text_of_one_refusal_says_no_more(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    s.mark("PER", 0, 3)
    # "Kim met" overlaps the entity PER "Kim": refused.
    write_suggestions(corpus, [("ORG", 0, 7)])
    s.load_suggestions()
    accepted = s.accept_suggestions(["g1"])
    assert accepted is not None and accepted.change is None
    message = accepted.refused[0][1][0].message
    assert accepted.refused_text() == (
        f"not accepted: 1 suggestion that would break a rule — ORG 'Kim met': {message}"
    )


def test_refused_text_counts_the_others() -> None:
    spans = [make_span(TEXT, 0, 3, "PER", "g1"), make_span(TEXT, 8, 11, "PER", "g2")]
    problem = Problem("overlap", "overlaps X")
    accepted = Accepted(None, [], [(spans[0], [problem]), (spans[1], [problem])])
    assert accepted.refused_text() == (
        "not accepted: 2 suggestions that would break a rule — PER 'Kim': overlaps X (and 1 more)"
    )


def test_sorted_spans_puts_the_outer_span_first_at_a_shared_start() -> None:
    inner = make_span(TEXT, 0, 3, "PER", "a")
    outer = make_span(TEXT, 0, 11, "ORG", "b")
    later = make_span(TEXT, 8, 11, "PER", "c")
    assert [s.id for s in sorted_spans([later, inner, outer])] == ["b", "a", "c"]


def test_an_accepted_suggestion_never_takes_the_id_of_a_span_there(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    _, first = s.mark("PER", 0, 3)  # type: ignore[misc]
    _, second = s.mark("PER", 8, 11)  # type: ignore[misc]
    s.delete(first)
    # One span left, whose id is the one a count-based id would give next.
    write_suggestions(corpus, [("LOC", 15, 20)])
    s.load_suggestions()
    accepted = s.accept_suggestions(["g1"])
    assert accepted is not None and len(accepted.new_ids) == 1
    new_id = accepted.new_ids[0]
    assert new_id != second
    assert sorted((sp.id, sp.text) for sp in s.spans) == sorted([(second, "Lee"), (new_id, "Seoul")])


def test_a_bare_mtime_still_has_the_content_checked_before_a_save(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    s.mark("PER", 0, 3)
    assert s.save()
    path = corpus.annotation_path("alice", "d1")
    before = path.stat()
    # Someone else rewrites the file, same size, and puts its mtime back.
    path.write_bytes(path.read_bytes().replace(b'"PER"', b'"LOC"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    # An older caller that knows only the mtime: the version this Corpus saw decides.
    s.version = None
    s.mtime_ns = before.st_mtime_ns
    s.mark("PER", 8, 11)
    pending = s.begin_save()
    assert pending is not None
    with pytest.raises(ConflictError):
        corpus.write_prepared(pending.prepared)
    assert b'"LOC"' in path.read_bytes()
