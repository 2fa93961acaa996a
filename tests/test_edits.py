"""Edit commands and their history: every change undoes and redoes exactly."""

from __future__ import annotations

import pytest

from annotator.default_scheme import news_scheme
from annotator.edits import (
    AddSpan,
    Batch,
    EditError,
    History,
    RemoveSpan,
    SetDocLabel,
    SetStatus,
    UpdateSpan,
    default_attrs,
    make_span,
    trim_whitespace,
)
from annotator.model import Annotation
from annotator.rules import sha256_text

TEXT = "LG전자가 KT와 손잡고\n서울에서 발표했다."


def fresh() -> History:
    return History(Annotation(doc_id="d", text_sha256=sha256_text(TEXT), annotator="alice"))


def snapshot(history: History) -> str:
    return history.annotation.model_dump_json(exclude={"updated_at"})


def test_add_undo_redo() -> None:
    h = fresh()
    change = h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    assert change.added == {"s1"} and change.ranges == ((0, 4),)
    assert [s.text for s in h.annotation.spans] == ["LG전자"]
    assert h.undo_text == "mark ORG"
    h.undo()
    assert h.annotation.spans == [] and h.can_redo and not h.can_undo
    h.redo()
    assert [s.text for s in h.annotation.spans] == ["LG전자"]


def test_every_command_reverts_to_the_exact_state() -> None:
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.run(AddSpan(make_span(TEXT, 6, 8, "ORG", "s2")))
    states = [snapshot(h)]
    commands = [
        UpdateSpan(TEXT, "s1", end=5, description="extend"),
        UpdateSpan(TEXT, "s2", label="MISC"),
        RemoveSpan("s1"),
        SetDocLabel("page_type", "article"),
        SetStatus("done"),
        Batch([AddSpan(make_span(TEXT, 14, 16, "LOC", "s3")), SetDocLabel("page_type", None)], "two"),
    ]
    for command in commands:
        h.run(command)
        states.append(snapshot(h))
    for expected in reversed(states[:-1]):
        h.undo()
        assert snapshot(h) == expected
    for expected in states[1:]:
        h.redo()
        assert snapshot(h) == expected
    assert h.annotation.status == "done"
    assert [s.id for s in h.annotation.spans] == ["s2", "s3"]


def test_update_recomputes_span_text() -> None:
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.run(UpdateSpan(TEXT, "s1", end=5))
    assert h.annotation.spans[0].text == "LG전자가"


def test_a_failing_batch_changes_nothing() -> None:
    h = fresh()
    before = snapshot(h)
    with pytest.raises(EditError):
        h.run(Batch([AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")), RemoveSpan("nope")]))
    assert snapshot(h) == before and not h.can_undo


def test_new_edit_clears_redo_and_version_counts() -> None:
    h = fresh()
    h.run(SetStatus("in_progress"))
    h.undo()
    assert h.can_redo
    h.run(SetStatus("done"))
    assert not h.can_redo
    assert h.version == 3


def test_make_span_refuses_bad_ranges() -> None:
    with pytest.raises(EditError, match="cannot mark"):
        make_span(TEXT, 5, 5, "ORG", "x")
    with pytest.raises(EditError):
        make_span(TEXT, 0, len(TEXT) + 1, "ORG", "x")


def test_trim_whitespace_and_defaults() -> None:
    text = "  hello \n"
    assert trim_whitespace(text, 0, len(text)) == (2, 7)
    assert trim_whitespace("   ", 0, 3) == (0, 3)
    assert default_attrs(news_scheme(), "article") == {"role": "main"}
    assert default_attrs(news_scheme(), "PER") == {}
