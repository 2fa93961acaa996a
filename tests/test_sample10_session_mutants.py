"""Survivors of the tenth mutation sample (``SAMPLE=400 SEED=7``) in the session and the
core around it: word steps at the text's ends, the span index after a short span, an
article without a role in the clean preview, marking occurrences inside words, the journal
path of an edit that could not be written, an annotation file with two bad spans, and the
rule check of a large annotation with an offset beyond 64 bits.

Equivalent, not tested (no result can change):

- ``importers.text._line_by_line`` 84 (``_rank_legacy(None)``): that per-line detection
  branch is never reached (already argued in tests/test_import_text_mutants3.py: the joint
  ranking is never empty and its encoding decodes every bad line, so ``fitted`` is never
  None).
- ``importers.webanno._Reader._declare`` 35 (a slot-role column without its feature name):
  only columns of role "feature" ever read ``feature``; a slot role is counted by its role.
- ``edits.History.extend_last`` 44 (``undone=None`` in a "merge" step): a merge step's
  ``undone`` is never read (already named in tests/test_edits_mutants.py).
- ``rules._large_span_problems`` 55 (``np.fromiter(..., None, n)``): numpy reads the dtype
  None as float64, which holds every string length exactly, so the comparison is the same.
- ``DocumentSession._after_step`` 3 (``_follow(change, None)``): the span index is dropped
  and rebuilt from the same spans on the next look-up instead of following the change; it
  answers the same (as ``_after_step`` 7 in tests/test_sample8_core_mutants.py).
- ``session_suggestions.rule_breaks`` 21 (``"DOC_LABELS"`` for ``"doc_labels"`` in the
  copy without the span): the copy then keeps the annotation's document labels, which only
  give document-label problems; ``rule_breaks`` keeps only overlap, not-inside and
  crosses-edge, which are about spans alone.
"""

from __future__ import annotations

import errno

import orjson
import pytest

from annotator.corpus import AnnotationFileError, Corpus
from annotator.default_scheme import news_scheme
from annotator.edits import EditNotSaved
from annotator.journal import Journal
from annotator.model import Annotation, Span
from annotator.rules import check_annotation, sha256_text
from annotator.session import DocumentSession, word_step
from tests.conftest import add_text


def _session(corpus: Corpus, text: str) -> DocumentSession:
    add_text(corpus, "d", text)
    return DocumentSession.open(corpus, "tester", "d")


# --------------------------------------------------------------------------- word_step


def test_a_word_step_forward_over_trailing_spaces_stops_at_the_end() -> None:
    # From 1, the spaces run to the end (3): no character left to look at, so 3.
    assert word_step("a  ", 1, 1) == 3


def test_a_word_step_back_from_just_after_a_leading_punctuation_mark_goes_before_it() -> None:
    # From 1 back: text[0] is ",", not a word character, so the step is that one mark: 0.
    assert word_step(",ab", 1, -1) == 0


# --------------------------------------------------------------------------- span index


def test_an_article_overlapping_a_long_one_merges_after_a_short_one_was_marked(corpus: Corpus) -> None:
    #       0         10   15  19 21
    text = "aaaaaaaaaa bbbb cc dd ee ff"
    session = _session(corpus, text)
    assert session.mark("article", 0, 15) is not None  # s1, 15 characters
    assert session.mark("article", 19, 21) is not None  # s2, 2 characters
    # [12, 14) lies inside s1: articles may not overlap, so s1 is merged into the new one
    # (s3 on [0, 15)). The index must still know s1 is 15 long after the 2-long s2.
    result = session.mark("article", 12, 14)
    assert result is not None
    change, new_id = result
    assert new_id == "s3" and change.removed == {"s1"}
    assert sorted((s.label, s.start, s.end, s.id) for s in session.spans) == [
        ("article", 0, 15, "s3"),
        ("article", 19, 21, "s2"),
    ]


# --------------------------------------------------------------------------- clean_preview


def test_clean_preview_of_an_article_without_a_role_has_a_bare_header(corpus: Corpus) -> None:
    session = _session(corpus, "Title\nbody text")
    result = session.mark("article", 0, 15)
    assert result is not None
    span_id = result[1]
    session.set_attr(span_id, "role", None)  # None removes the attribute
    span = session.span(span_id)
    assert span is not None and "role" not in span.attrs
    assert session.clean_preview() == f"── article {span_id} ──\nTitle\nbody text"


# --------------------------------------------------------------------------- mark_occurrences


def test_marking_occurrences_not_as_whole_words_marks_them_inside_words(corpus: Corpus) -> None:
    #       0   4        13
    session = _session(corpus, "Kim Kimberly Kim")
    change = session.mark_occurrences("PER", "Kim", whole_words=False)
    assert change is not None
    # "Kim" at 0, at 4 (inside "Kimberly") and at 13; whole words would skip the one at 4.
    assert sorted((s.label, s.start, s.end) for s in session.spans) == [
        ("PER", 0, 3),
        ("PER", 4, 7),
        ("PER", 13, 16),
    ]


# --------------------------------------------------------------------------- _after_step


def test_an_edit_not_journaled_names_this_documents_journal(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(corpus, "Kim met Lee")

    def disk_full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(disk_full))
    with pytest.raises(EditNotSaved) as info:
        session.mark("PER", 0, 3)
    path = corpus.annotator_dir("tester") / ".journal" / "d.jsonl"
    assert info.value.path == path
    assert str(info.value) == (
        f"Not done: the change could not be written to {path} (No space left on device); it was undone"
    )
    assert session.spans == []


# --------------------------------------------------------------------------- AnnotationFileError


def test_an_annotation_file_with_two_bad_spans_lists_both_separated_by_a_semicolon(corpus: Corpus) -> None:
    add_text(corpus, "m", "Kim Kimberly Kim")
    annotation = corpus.new_annotation("alice", "m")
    annotation.spans = [
        Span(id="s1", start=0, end=3, label="PER", text="Kim"),
        Span(id="s2", start=4, end=7, label="PER", text="Kim"),
    ]
    corpus.save_annotation(annotation, annotator="alice")
    path = corpus.annotation_path("alice", "m")
    raw = orjson.loads(path.read_bytes())
    raw["spans"][0]["text"] = "zz"
    raw["spans"][1]["text"] = "yy"
    path.write_bytes(orjson.dumps(raw))
    with pytest.raises(AnnotationFileError) as info:
        corpus.load_annotation("alice", "m")
    assert str(info.value) == (
        f"{path}: span s1: text[0:3] is 'Kim', the span says 'zz'; "
        "span s2: text[4:7] is 'Kim', the span says 'yy'"
    )


# --------------------------------------------------------------------------- rules


def test_a_large_annotation_with_an_offset_beyond_64_bits_reports_it_out_of_range() -> None:
    # 250 spans (the numpy path starts at 200); one starts at 2**63, which int64 cannot
    # hold, so the check falls back to the per-span path, with the text.
    words = [f"w{i:03d}" for i in range(250)]
    text = " ".join(words)  # 250 * 5 - 1 = 1249 characters
    spans = [Span(id=f"p{i}", start=i * 5, end=i * 5 + 4, label="PER", text=words[i]) for i in range(250)]
    spans.append(Span(id="far", start=2**63, end=2**63 + 3, label="PER", text="abc"))
    annotation = Annotation(doc_id="d", text_sha256=sha256_text(text), annotator="x", spans=spans)
    problems = check_annotation(annotation, text, news_scheme())
    assert [(p.code, p.span_id, p.message) for p in problems] == [
        (
            "out-of-range",
            "far",
            "offsets [9223372036854775808, 9223372036854775811) run past the end of the text (1249)",
        )
    ]
