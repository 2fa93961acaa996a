"""Edge cases of edit commands and History found by mutation testing: what a view redraws
after undo, merged typing runs, extend_last and rollback leaving both stacks exact.

The 14 mutants of ``annotator/edits.py`` that still survive ``make mutate`` are equivalent
(behaviour unchanged), so no test can kill them:

- ``History.run`` 61 and ``extend_last`` 44 store ``undone=None`` in a "merge" step, a field
  read only for "run" steps; ``undo`` 9, 10 and ``redo`` 9, 10 store None as the pushed-out or
  undone edits of undo and redo steps, which are never read for those kinds.
- ``redo`` 7, 15, 16 change the "redo" step's label: rollback's last branch handles every kind
  other than run, merge and undo, and ``extend_last`` refuses the real and the changed label.
- ``rollback`` 7, 19, 20, 37, 44 weaken its internal consistency asserts (``and`` to ``or``),
  which only fail when the stacks are out of step, which no public method can cause.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import annotator.edits as edits_module
from annotator.edits import (
    MERGE_SECONDS,
    AddSpan,
    Batch,
    EditError,
    EditNotSaved,
    History,
    RemoveSpan,
    SetDocLabel,
    SetStatus,
    UpdateSpan,
    make_span,
    trim_whitespace,
)
from annotator.model import Annotation
from annotator.rules import sha256_text

TEXT = "LG전자가 KT와 손잡고\n서울에서 발표했다."


def fresh(limit: int = 1000) -> History:
    return History(
        Annotation(doc_id="d", text_sha256=sha256_text(TEXT), annotator="alice"), limit=limit
    )


def with_span(limit: int = 1000) -> History:
    """A history whose annotation already has span s1 = "LG전자" (that step undone by nobody)."""
    h = fresh(limit)
    h.annotation.spans.append(make_span(TEXT, 0, 4, "ORG", "s1", {"name": ""}))
    return h


def typing(value: str) -> UpdateSpan:
    """One commit of an attribute being typed: these merge into one undo step."""
    return UpdateSpan(
        TEXT, "s1", attrs={"name": value}, description="type name", merge_key="s1.name"
    )


def name_of(h: History) -> object:
    return h.annotation.spans[0].attrs["name"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A monotonic clock the test moves by hand, so merging does not depend on speed."""
    fake = SimpleNamespace(now=100.0)
    fake.monotonic = lambda: fake.now
    monkeypatch.setattr(edits_module, "time", fake)
    return fake


# --------------------------------------------------------------------------- Change


def test_batch_change_joins_ranges_flags_and_modified_sets() -> None:
    """A batch must report every span and range it touched, or the view misses a redraw."""
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.run(AddSpan(make_span(TEXT, 6, 8, "ORG", "s2")))
    change = h.run(
        Batch(
            [
                UpdateSpan(TEXT, "s1", label="MISC"),
                UpdateSpan(TEXT, "s2", label="MISC"),
                SetDocLabel("p", "x"),
            ]
        )
    )
    assert change.modified == {"s1", "s2"}
    assert change.ranges == ((0, 4), (0, 4), (6, 8), (6, 8))
    assert change.doc_labels and not change.status
    change = h.run(Batch([SetStatus("done"), AddSpan(make_span(TEXT, 14, 16, "LOC", "s3"))]))
    assert change.status and not change.doc_labels
    assert change.added == {"s3"} and change.ranges == ((14, 16),)


# --------------------------------------------------------------------------- errors


def test_edit_not_saved_names_the_file_and_the_reason() -> None:
    """The user is told where the write failed and why (strerror, else the error's text)."""
    path = Path("/tmp/journal.jsonl")
    cause = OSError(28, "No space left on device")
    error = EditNotSaved(path, cause)
    assert error.path == path and error.cause is cause
    assert (
        str(error)
        == f"Not done: the change could not be written to {path} (No space left on device); it was undone"
    )
    assert isinstance(error, EditError)
    bare = EditNotSaved(path, OSError("disk on fire"))
    assert "(disk on fire)" in str(bare)


def test_unknown_span_is_an_edit_error_even_on_an_empty_annotation() -> None:
    """Deleting a span that is not there is refused cleanly, with its id in the message."""
    h = fresh()
    with pytest.raises(EditError, match=r"no span 'ghost' in d"):
        h.run(RemoveSpan("ghost"))
    assert not h.can_undo


def test_duplicate_span_id_is_refused_with_its_id() -> None:
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    with pytest.raises(EditError, match=r"span id 's1' is already used"):
        h.run(AddSpan(make_span(TEXT, 6, 8, "ORG", "s1")))
    assert [s.id for s in h.annotation.spans] == ["s1"]


def test_revert_before_apply_is_reported() -> None:
    """A command reverted before it ran is a programming error, said plainly."""
    h = fresh()
    with pytest.raises(AssertionError, match=r"^revert before apply$"):
        RemoveSpan("s1").revert(h.annotation)
    with pytest.raises(AssertionError, match=r"^revert before apply$"):
        UpdateSpan(TEXT, "s1", end=5).revert(h.annotation)


# --------------------------------------------------------------------------- helpers


def test_trim_whitespace_odd_leading_space_and_empty_text() -> None:
    """One leading space is trimmed by exactly one; an empty range comes back unchanged."""
    assert trim_whitespace(" hello", 0, 6) == (1, 6)
    assert trim_whitespace("a   b", 1, 4) == (1, 4)
    assert trim_whitespace("", 0, 0) == (0, 0)


def test_clearing_an_absent_document_label_is_harmless() -> None:
    """Setting a document label to None when it was never set is a no-op that undoes."""
    h = fresh()
    change = h.run(SetDocLabel("page_type", None))
    assert change.doc_labels and h.annotation.doc_labels == {}
    h.undo()
    assert h.annotation.doc_labels == {}


# --------------------------------------------------------------------------- undo redraws


def test_undo_reports_the_ranges_to_redraw() -> None:
    """Undo of each span command names the ranges whose drawing changed."""
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    change = h.undo()
    assert change is not None and change.removed == {"s1"} and change.ranges == ((0, 4),)
    h.redo()

    change = h.run(RemoveSpan("s1"))
    assert change.removed == {"s1"} and change.ranges == ((0, 4),)
    change = h.undo()
    assert change is not None and change.added == {"s1"} and change.ranges == ((0, 4),)

    h.run(UpdateSpan(TEXT, "s1", end=5))
    change = h.undo()
    assert change is not None and change.modified == {"s1"}
    assert change.ranges == ((0, 4), (0, 5))


def test_undo_of_a_status_change_says_the_status_changed() -> None:
    h = fresh()
    h.run(SetStatus("done"))
    change = h.undo()
    assert change is not None and change.status and h.annotation.status == "todo"


# --------------------------------------------------------------------------- run_all


def test_run_all_is_one_step_with_its_description() -> None:
    """Mark all occurrences: adds every span at once and one undo removes them all."""
    h = fresh()
    change = h.run_all(
        (AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")), AddSpan(make_span(TEXT, 6, 8, "ORG", "s2"))),
        "mark all",
    )
    assert change.added == {"s1", "s2"}
    assert [s.id for s in h.annotation.spans] == ["s1", "s2"]
    assert h.undo_text == "mark all"
    h.undo()
    assert h.annotation.spans == [] and not h.can_undo and h.redo_text == "mark all"


# --------------------------------------------------------------------------- merging


def test_typing_merges_exactly_up_to_merge_seconds(clock: SimpleNamespace) -> None:
    """Commits MERGE_SECONDS apart still merge; a longer pause starts a new undo step."""
    h = with_span()
    h.run(typing("심"))
    clock.now += MERGE_SECONDS
    h.run(typing("심지"))
    assert h.undo_text == "type name"
    clock.now += MERGE_SECONDS + 0.5
    h.run(typing("심지혜"))
    h.undo()
    assert name_of(h) == "심지"
    h.undo()
    assert name_of(h) == "" and not h.can_undo


def test_merged_step_keeps_the_first_description(clock: SimpleNamespace) -> None:
    h = with_span()
    h.run(typing("a"))
    h.run(UpdateSpan(TEXT, "s1", attrs={"name": "ab"}, description="other", merge_key="s1.name"))
    assert h.undo_text == "type name"
    h.undo()
    assert name_of(h) == "" and h.redo_text == "type name"


def test_a_long_typing_run_undoes_in_one_step(clock: SimpleNamespace) -> None:
    """Merged commits stay one flat batch: a long run undoes without deep recursion."""
    h = with_span()
    for n in range(1, 1501):
        h.run(typing("x" * n))
    assert name_of(h) == "x" * 1500
    h.undo()
    assert name_of(h) == "" and not h.can_undo
    h.redo()
    assert name_of(h) == "x" * 1500


def test_rollback_of_a_merge_takes_back_only_the_last_commit(clock: SimpleNamespace) -> None:
    h = with_span()
    h.run(typing("a"))
    h.run(typing("ab"))
    h.run(typing("abc"))
    change = h.rollback()
    assert change is not None and change.modified == {"s1"}
    assert name_of(h) == "ab" and h.undo_text == "type name" and not h.can_redo
    h.undo()
    assert name_of(h) == "" and not h.can_undo


# --------------------------------------------------------------------------- extend_last


def test_extend_last_after_a_run_undoes_and_rolls_back_together() -> None:
    """The status change joined to an edit undoes with it and keeps its description."""
    h = fresh()
    h.run(SetStatus("in_progress", description="first"))
    h.undo()  # leaves "first" to redo...
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))  # ...which this run cleared
    change = h.extend_last(SetStatus("done"))
    assert change.status and h.undo_text == "mark ORG"
    change = h.rollback()
    assert change is not None and change.removed == {"s1"} and change.status
    assert h.annotation.spans == [] and h.annotation.status == "todo"
    assert not h.can_undo and h.can_redo and h.redo_text == "first"  # the cleared redo is back


def test_extend_last_after_a_run_is_one_undo_step() -> None:
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.extend_last(SetStatus("done"))
    h.undo()
    assert h.annotation.spans == [] and h.annotation.status == "todo" and not h.can_undo
    assert h.redo_text == "mark ORG"


def test_rollback_of_an_extended_run_restores_pushed_out_edits() -> None:
    """With a full history, rollback gives back the oldest step the run pushed out."""
    h = fresh(limit=1)
    h.run(SetDocLabel("page_type", "article", description="label"))
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.extend_last(SetStatus("done"))
    h.rollback()
    assert h.undo_text == "label" and not h.can_redo
    h.undo()
    assert h.annotation.doc_labels == {} and not h.can_undo


def test_extend_last_after_a_merge(clock: SimpleNamespace) -> None:
    """Extending a typing run: undo takes back all of it, rollback only the extension and
    the last commit, leaving the earlier commit of the run."""
    h = with_span()
    h.run(typing("a"))
    h.run(typing("ab"))
    h.extend_last(SetStatus("in_progress"))
    assert h.undo_text == "type name" and h.annotation.status == "in_progress"
    change = h.rollback()
    assert change is not None and change.status and change.modified == {"s1"}
    assert name_of(h) == "a" and h.annotation.status == "todo"
    assert h.undo_text == "type name" and not h.can_redo
    h.undo()
    assert name_of(h) == "" and not h.can_undo


def test_extended_merge_undoes_as_one_step(clock: SimpleNamespace) -> None:
    h = with_span()
    h.run(typing("a"))
    h.run(typing("ab"))
    h.extend_last(SetStatus("in_progress"))
    h.undo()
    assert name_of(h) == "" and h.annotation.status == "todo" and not h.can_undo
    assert h.redo_text == "type name"
    h.redo()
    assert name_of(h) == "ab" and h.annotation.status == "in_progress"


def test_extend_last_refuses_after_undo_or_redo() -> None:
    """Only a step just run can be extended: not one undone or redone."""
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.run(AddSpan(make_span(TEXT, 6, 8, "ORG", "s2")))
    h.undo()
    with pytest.raises(AssertionError):
        h.extend_last(SetStatus("done"))
    h.redo()
    with pytest.raises(AssertionError):
        h.extend_last(SetStatus("done"))
    assert h.annotation.status == "todo"


# --------------------------------------------------------------------------- rollback


def test_rollback_of_a_run_leaves_nothing_to_undo_or_redo() -> None:
    """A run taken back is gone: not on the undo stack and not offered as redo."""
    h = fresh()
    change = h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    assert change.added == {"s1"}
    change = h.rollback()
    assert change is not None and change.removed == {"s1"} and change.ranges == ((0, 4),)
    assert h.annotation.spans == [] and not h.can_undo and not h.can_redo


def test_rollback_of_a_run_with_a_limit_restores_exactly_what_was_pushed_out() -> None:
    h = fresh(limit=2)
    for i, status in enumerate(("in_progress", "done", "skipped")):
        h.run(SetStatus(status, description=f"status {i}"))
    h.rollback()
    assert h.annotation.status == "done" and h.undo_text == "status 1"
    h.undo()
    assert h.annotation.status == "in_progress" and h.undo_text == "status 0"
    h.undo()
    assert h.annotation.status == "todo" and not h.can_undo


def test_rollback_of_an_undo_puts_the_edit_back_on_the_undo_stack() -> None:
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.undo()
    change = h.rollback()
    assert change is not None and change.added == {"s1"}
    assert [s.id for s in h.annotation.spans] == ["s1"]
    assert h.undo_text == "mark ORG" and not h.can_redo
    h.undo()
    assert h.annotation.spans == []


def test_rollback_of_a_redo_puts_the_edit_back_on_the_redo_stack() -> None:
    h = fresh()
    h.run(AddSpan(make_span(TEXT, 0, 4, "ORG", "s1")))
    h.undo()
    h.redo()
    change = h.rollback()
    assert change is not None and change.removed == {"s1"}
    assert h.annotation.spans == [] and not h.can_undo and h.redo_text == "mark ORG"
    h.redo()
    assert [s.id for s in h.annotation.spans] == ["s1"]
