"""Edges of the editing session found by mutation testing (issue #10): stepping through spans
with no current one, marking line by line from the first line, a restart restoring a
changed attribute, the journal's header, attributes of "mark all", the e-mail of a label
that has nothing but an e-mail attribute, the reasons a large "done" document reopens, the
undo text of accepted suggestions and a journal that cannot even be set aside.

Everything goes through :class:`DocumentSession`'s public methods and :class:`Corpus`, so
the tests hold whether the session lives in one module or is split into parts.

Mutants of ``annotator/session.py`` (sample of ``make mutate-sample``) left alive on
purpose, because no behaviour can tell them from the original:

- ``SpanIndex.overlapping`` 6 (``lo = None``: search from the first entry) and 11 (start the
  search two places lower): the entries taken in addition all start at or before
  ``start - max_len`` and so end at or before ``start``; the ``e > start`` filter drops
  them. Same ids, same order; only slower.
- ``span`` 2 (``if span_id or True``): ``by_id.get(None)`` and ``by_id.get("")`` are None
  too, since no span can have an empty id (``Span.id`` has ``min_length=1``; a file with
  one is refused at load, with a ``schema`` problem).
- ``_restore`` 12 (the index reset to ``""`` instead of None): nothing built an index
  before, so its stamp never matches and ``""`` is rebuilt exactly like None (the split
  session no longer resets it at all).
- ``_done_problems_after`` 30 (``page_type == "article" or (label and no article)``): the
  extra cases add only :meth:`done_problems`'s "no-article" problems, which it reports only
  when the page type is "article" and the scheme has the label, the original's own test.
- ``_save_seconds`` 15 (the file's version passed as its mtime): ``load_annotation`` has
  just remembered that version, and ``save_annotation`` turns an mtime it remembers back
  into that version (the content check stays); 23 (the ``else`` without the mtime): dead
  code, ``load_annotation`` always returns a version.
- ``run`` 42 (the reopening ``SetStatus`` without its description "not done any more"):
  ``History.extend_last`` folds it into the step of the edit, whose description is the one
  undo and redo show; an inner edit's description is never read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from annotator.corpus import Corpus
from annotator.default_scheme import news_scheme
from annotator.edits import make_span
from annotator.journal import Recovery, journal_path, read_journal
from annotator.model import AttributeDef, LabelDef
from annotator.rules import sha256_text
from annotator.session import DocumentSession, adjacent_line_bounds
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul."


def saved(corpus: Corpus, doc_id: str = "d1") -> dict[str, Any]:
    return orjson.loads(corpus.annotation_path("alice", doc_id).read_bytes())


def session_on(corpus: Corpus, text: str = TEXT, doc_id: str = "d1") -> DocumentSession:
    add_text(corpus, doc_id, text)
    return DocumentSession.open(corpus, "alice", doc_id)


# --------------------------------------------------------------------------- next_span


def three_names(corpus: Corpus) -> tuple[DocumentSession, list[str]]:
    """Kim [0, 3), Lee [8, 11), Seoul [15, 20), marked out of text order."""
    s = session_on(corpus)
    ids = []
    for start, end in ((8, 11), (0, 3), (15, 20)):
        _, span_id = s.mark("PER", start, end)  # type: ignore[misc]
        ids.append(span_id)
    lee, kim, seoul = ids
    return s, [kim, lee, seoul]


def test_next_span_without_a_current_span_starts_from_the_position(corpus: Corpus) -> None:
    s, (kim, lee, seoul) = three_names(corpus)

    def found(step: int, pos: int) -> str | None:
        span = s.next_span(None, step, pos)
        return span.id if span else None

    assert found(1, 0) == kim
    assert found(1, 4) == lee
    assert found(1, 8) == lee  # a span starting at the position is the next one
    assert found(-1, 12) == lee
    assert found(-1, 8) == kim  # ... but not the previous one
    assert found(-1, 21) == seoul


def test_next_span_without_a_current_span_wraps_around(corpus: Corpus) -> None:
    s, (kim, _lee, seoul) = three_names(corpus)
    # Past the last span going forward: the first; before the first going back: the last.
    assert s.next_span(None, 1, 16).id == kim  # type: ignore[union-attr]
    assert s.next_span(None, 1, len(TEXT)).id == kim  # type: ignore[union-attr]
    assert s.next_span(None, -1, 0).id == seoul  # type: ignore[union-attr]
    assert s.next_span("gone", -1, 0).id == seoul  # type: ignore[union-attr]  # an id no longer there


def test_next_span_of_an_empty_document_is_none(corpus: Corpus) -> None:
    s = session_on(corpus)
    assert s.next_span(None, 1) is None and s.next_span(None, -1) is None


# --------------------------------------------------------------------------- marking line by line


def test_a_line_marked_under_a_one_character_first_line_joins_its_block(corpus: Corpus) -> None:
    """The line just before may begin at offset 0 (here the one-letter line "A")."""
    text = "A\nB\n\nC"
    assert adjacent_line_bounds(text, 2, 3) == (0, 3)  # a blank line after: not touching
    assert adjacent_line_bounds(text, 0, 1) == (0, 3)
    assert adjacent_line_bounds(text, 5, 6) == (5, 6)  # a blank line between: not touching
    s = session_on(corpus, text)
    s.mark_lines("boilerplate", 0, 0)
    s.mark_lines("boilerplate", 2, 2)
    assert [(sp.start, sp.end, sp.text) for sp in s.spans] == [(0, 3, "A\nB")]
    s.mark_lines("boilerplate", 5, 5)
    assert [(sp.start, sp.end) for sp in s.spans] == [(0, 3), (5, 6)]


# --------------------------------------------------------------------------- crash journal


def test_a_restart_restores_an_attribute_changed_after_the_last_save(corpus: Corpus) -> None:
    s = session_on(corpus)
    _, span_id = s.mark("article", 0, len(TEXT))  # type: ignore[misc]
    assert s.save()
    s.set_attr(span_id, "role", "related")
    s.close()  # the process dies: the change is only in the journal

    reopened = DocumentSession.open(corpus, "alice", "d1")
    assert reopened.recovery is not None and reopened.recovery.outcome == "restored"
    assert reopened.span(span_id).attrs == {"role": "related"}  # type: ignore[union-attr]
    assert [sp["attrs"] for sp in saved(corpus)["spans"]] == [{"role": "related"}]
    reopened.undo()  # the restore is one undoable step back to the file as it was saved
    assert reopened.span(span_id).attrs == {"role": "main"}  # type: ignore[union-attr]


def test_the_journal_header_names_the_document_annotator_and_text(corpus: Corpus) -> None:
    s = session_on(corpus)
    s.mark("PER", 0, 3)
    header, _ = read_journal(journal_path(corpus, "alice", "d1"))
    assert isinstance(header.pop("started"), str)
    assert header == {
        "journal": 1,
        "doc_id": "d1",
        "annotator": "alice",
        "text_sha256": sha256_text(TEXT),
        "base_mtime_ns": None,
        "base_sha256": None,
    }


def test_a_journal_that_cannot_be_set_aside_is_left_and_the_session_is_read_only(corpus: Corpus) -> None:
    s = session_on(corpus)
    s.mark("PER", 0, 3)
    s.close()
    journal = journal_path(corpus, "alice", "d1")
    journal.write_bytes(b"{not json\n")  # broken: to be set aside in .conflicts/ ...
    (corpus.annotator_dir("alice") / ".conflicts").write_bytes(b"")  # ... which cannot be made

    opened = DocumentSession.open(corpus, "alice", "d1")
    recovery = opened.recovery
    assert isinstance(recovery, Recovery)
    assert (recovery.doc_id, recovery.outcome, recovery.changes, recovery.kept) == ("d1", "left", 0, journal)
    assert recovery.message.startswith("d1: unsaved edits from the last session could not be restored (")
    assert recovery.message.endswith(f"); they stay in {journal}")
    assert opened.read_only and opened.read_only_reason == recovery.message.removeprefix("d1: ")
    assert journal.read_bytes() == b"{not json\n"


# --------------------------------------------------------------------------- attributes of new spans


def test_mark_all_gives_every_occurrence_the_label_defaults_or_the_attributes_given(corpus: Corpus) -> None:
    s = session_on(corpus, "menu\n\nnews\n\nmenu")
    plan = s.plan_occurrences("boilerplate", "menu")
    assert [(sp.start, sp.attrs) for sp in plan.spans] == [(0, {"kind": "other"}), (12, {"kind": "other"})]
    chosen = s.plan_occurrences("boilerplate", "menu", {"kind": "navigation"})
    assert [sp.attrs for sp in chosen.spans] == [{"kind": "navigation"}] * 2
    s.mark_planned(chosen)
    assert s.save()
    assert [sp["attrs"] for sp in saved(corpus)["spans"]] == [{"kind": "navigation"}] * 2


def test_a_label_with_only_an_email_attribute_takes_the_articles_address(tmp_path: Path) -> None:
    scheme = news_scheme()
    part = next(layer for layer in scheme.layers if layer.name == "part")
    part.labels.append(
        LabelDef(
            name="contact", color="#123456", inside=["article"],
            attrs=[AttributeDef(name="email", type="email")],
        )
    )
    corpus = Corpus.create(tmp_path / "c", scheme=scheme)
    text = "Title\nBy Kim\nBody text.\nkim@example.com\nMenu"
    s = session_on(corpus, text)
    s.mark("article", 0, text.index("\nMenu"))
    _, contact = s.mark("contact", 6, 12)  # type: ignore[misc]
    assert s.span(contact).attrs == {"email": "kim@example.com"}  # type: ignore[union-attr]
    _, byline = s.mark("byline", 6, 12, trim=True)  # type: ignore[misc]
    assert s.span(byline).attrs["email"] == "kim@example.com"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- suggestions


def test_accepting_suggestions_is_one_undo_step_named_by_their_number(corpus: Corpus) -> None:
    s = session_on(corpus)
    s.suggestions = [
        make_span(TEXT, 0, 3, "PER", "g1"),
        make_span(TEXT, 8, 11, "PER", "g2"),
        make_span(TEXT, 15, 20, "LOC", "g3"),
    ]
    accepted = s.accept_suggestions(["g1", "g2"])
    assert accepted is not None and len(accepted.new_ids) == 2 and not accepted.refused
    assert s.history.undo_text == "accept 2 suggestions"
    s.accept_suggestions(["g3"])
    assert s.history.undo_text == "accept 1 suggestion"
    s.undo()
    assert s.history.redo_text == "accept 1 suggestion" and s.history.undo_text == "accept 2 suggestions"


# --------------------------------------------------------------------------- a large done document


def test_a_large_done_document_reopens_for_what_the_edit_broke_only(corpus: Corpus) -> None:
    """From 1,000 spans an edit of a done document is checked around what it touched: the
    reasons given are the edit's, not a break elsewhere that the file came with (a scheme
    made stricter since it was set done)."""
    words = 1001
    text = "Kim " * words
    annotation = corpus.new_annotation("alice", "d1", add_text(corpus, "d1", text))
    annotation.spans = [make_span(text, 4 * i, 4 * i + 3, "PER", f"p{i}") for i in range(words - 1)]
    far = annotation.spans[-1]
    annotation.spans[-1] = far.model_copy(update={"attrs": {"age": "40"}})  # not in the scheme
    annotation.doc_labels = {"page_type": "non-article"}
    annotation.status = "done"
    corpus.save_annotation(annotation)

    s = DocumentSession.open(corpus, "alice", "d1")
    assert not s.load_problems and s.annotation.status == "done"
    assert [p.code for p in s.done_problems()] == ["unknown-attr"]
    _, loc = s.mark("LOC", 0, 3)  # type: ignore[misc]  # over the PER "p0": an overlap
    assert [(p.code, p.message, p.span_id) for p in s.reopened] == [
        ("overlap", "spans of layer 'entity' may not overlap: LOC [0, 3) overlaps span p0", loc)
    ]
    assert s.annotation.status == "in_progress"
    assert saved(corpus)["status"] == "done"  # nothing saved yet
    s.save()
    assert saved(corpus)["status"] == "in_progress"

