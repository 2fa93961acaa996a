"""Survivors of the ninth mutation sample (``SAMPLE=400 SEED=6``) in the session.

Everything goes through :class:`DocumentSession`'s public methods and the files it writes.

Equivalent, not tested:

- ``DocumentSession.open`` 32 (``new_annotation(annotator, doc_id, None)`` for a file that
  fails to load): ``Corpus.new_annotation`` reads the text with ``corpus.read_text(doc_id)``
  when given None, the very call ``open`` made a few lines above for ``text``; the same
  text, so the same ``text_sha256``. Only one more read.
- ``DocumentSession.run`` 42 (the reopening ``SetStatus`` without its description "not done
  any more"): ``History.extend_last`` folds it into the step of the edit, whose description
  is the one undo and redo show; an inner edit's description is never read (already named
  in tests/test_session_mutants.py).
"""

from __future__ import annotations

import errno

import orjson
import pytest

from annotator.conflicts import CONFLICT_DIR
from annotator.corpus import Corpus
from annotator.edits import EditNotSaved
from annotator.journal import Journal
from annotator.session import DocumentSession
from tests.conftest import add_text


def _session(corpus: Corpus, text: str) -> DocumentSession:
    add_text(corpus, "d", text)
    return DocumentSession.open(corpus, "tester", "d")


# --------------------------------------------------------------------------- clean_preview


def test_clean_preview_names_each_articles_role_and_leaves_a_blank_line_between(corpus: Corpus) -> None:
    #       0    5 6   10 11
    text = "First one\n\nSecond one"
    session = _session(corpus, text)
    first = session.mark("article", 0, 9)
    second = session.mark("article", 11, 21)
    assert first is not None and second is not None
    session.set_attr(second[1], "role", "related")
    # Each article's header carries its role ("main" is the label's default), then its text;
    # the two parts are joined by one blank line.
    assert session.clean_preview() == (
        f"── article {first[1]} (main) ──\nFirst one\n\n── article {second[1]} (related) ──\nSecond one"
    )


# --------------------------------------------------------------------------- keep_copy


def test_keep_copy_writes_the_annotation_under_conflicts_named_by_what_is_kept(corpus: Corpus) -> None:
    session = _session(corpus, "Kim met Lee.")
    session.mark("PER", 0, 3)
    folder = corpus.annotator_dir("tester") / CONFLICT_DIR
    # By default it is "mine", the session's own annotation: d.<stamp>.mine.json.
    kept = session.keep_copy()
    assert kept.parent == folder
    assert kept.name.startswith("d.") and kept.name.endswith(".mine.json")
    assert orjson.loads(kept.read_bytes()) == session.annotation.model_dump(mode="json")
    # Another annotation under another name; the first copy stays as it was.
    other = corpus.new_annotation("tester", "d")
    journal_copy = session.keep_copy(other, "journal")
    assert journal_copy.parent == folder and journal_copy.name.endswith(".journal.json")
    assert orjson.loads(journal_copy.read_bytes()) == other.model_dump(mode="json")
    assert orjson.loads(kept.read_bytes())["spans"][0]["text"] == "Kim"


# --------------------------------------------------------------------------- run


def test_an_edit_not_journaled_on_a_done_document_leaves_earlier_unsaved_edits_unsaved(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(corpus, "Title\nbody text")
    session.mark("article", 0, 15)
    session.set_doc_label("page_type", "article")
    change, problems = session.set_status("done")
    assert problems == [] and change is not None
    assert session.dirty  # nothing saved yet

    def disk_full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(disk_full))
    with pytest.raises(EditNotSaved):
        session.mark("PER", 6, 10)  # keeps the document done, so the "done" path runs
    # The failed edit is taken back; the article, page type and status still are not saved.
    assert [(s.label, s.start, s.end) for s in session.spans] == [("article", 0, 15)]
    assert session.annotation.status == "done"
    assert session.dirty


# --------------------------------------------------------------------------- move_edge


def test_moving_an_end_by_a_block_goes_to_the_paragraph_end_not_the_next_start(corpus: Corpus) -> None:
    #       0  3   7 8 9  12  16 17 18
    text = "aaa bbb\n\nccc ddd\n\neee"
    session = _session(corpus, text)
    result = session.mark("PER", 0, 3)
    assert result is not None
    span_id = result[1]
    # Paragraphs [0, 7), [9, 16), [18, 21): the end at 3 goes to 7 (its paragraph's end),
    # not to 9 (the next paragraph's start).
    assert session.move_edge(span_id, "end", 1, "block") is not None
    span = session.span(span_id)
    assert span is not None and (span.start, span.end) == (0, 7)
    # And again: to the next paragraph's end, 16.
    session.move_edge(span_id, "end", 1, "block")
    span = session.span(span_id)
    assert span is not None and (span.start, span.end) == (0, 16)
