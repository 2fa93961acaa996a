"""Undoable edit commands and their history, in pure Python.

The GUI never changes an annotation itself: it builds one of these commands, runs it
through :class:`History`, and refreshes what the returned :class:`Change` names. Undo and
redo therefore work (and are tested) without a screen.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Protocol

from annotator.model import Annotation, AttrValue, LabelScheme, Span, Status, utc_now

_SPAN_ID = attrgetter("id")


@dataclass(frozen=True)
class Change:
    """What an edit changed, so a view can redraw only that."""

    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    modified: frozenset[str] = frozenset()
    #: Character ranges (code points, half-open) whose drawing may have changed.
    ranges: tuple[tuple[int, int], ...] = ()
    doc_labels: bool = False
    status: bool = False

    def __or__(self, other: Change) -> Change:
        return Change(
            self.added | other.added,
            self.removed | other.removed,
            self.modified | other.modified,
            self.ranges + other.ranges,
            self.doc_labels or other.doc_labels,
            self.status or other.status,
        )

    @property
    def spans_changed(self) -> bool:
        return bool(self.added or self.removed or self.modified)


class Edit(Protocol):
    description: str

    def apply(self, annotation: Annotation) -> Change: ...

    def revert(self, annotation: Annotation) -> Change: ...


class EditError(ValueError):
    """An edit that cannot be applied (unknown span, empty range...)."""


class EditNotSaved(EditError):
    """The edit was taken back because it could not be written to the journal (disk full,
    folder read-only...): the user must not see a change that a crash would lose."""

    def __init__(self, path: Path, cause: OSError) -> None:
        self.path = path
        self.cause = cause
        reason = cause.strerror or str(cause)
        super().__init__(f"Not done: the change could not be written to {path} ({reason}); it was undone")


def _index(annotation: Annotation, span_id: str) -> int:
    # From the end: AddSpan appends, so undoing a mark (the usual undo) finds its span at
    # once instead of after a pass over every span (ids are unique: same result).
    spans = annotation.spans
    for i in range(len(spans) - 1, -1, -1):
        if spans[i].id == span_id:
            return i
    raise EditError(f"no span {span_id!r} in {annotation.doc_id}")


def make_span(
    text: str, start: int, end: int, label: str, span_id: str, attrs: dict[str, AttrValue] | None = None
) -> Span:
    """A span over ``text[start:end]`` (code points)."""
    if not 0 <= start < end <= len(text):
        raise EditError(f"cannot mark [{start}, {end}) in a text of {len(text)} characters")
    return Span(id=span_id, start=start, end=end, label=label, text=text[start:end], attrs=attrs or {})


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the white space at its ends (unchanged if all white space)."""
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else (start, end)


def default_attrs(scheme: LabelScheme, label: str) -> dict[str, AttrValue]:
    """The attributes a new span of ``label`` starts with (the scheme's defaults)."""
    definition = scheme.label(label)
    if definition is None:
        return {}
    return {a.name: a.default for a in definition.attrs if a.default is not None}


# --------------------------------------------------------------------------- commands


@dataclass
class AddSpan:
    span: Span
    description: str = ""

    def __post_init__(self) -> None:
        self.description = self.description or f"mark {self.span.label}"

    def apply(self, annotation: Annotation) -> Change:
        # In C (attrgetter over the list): 10,000 spans must not cost a Python loop per mark.
        if self.span.id in map(_SPAN_ID, annotation.spans):
            raise EditError(f"span id {self.span.id!r} is already used")
        annotation.spans.append(self.span)
        return Change(added=frozenset({self.span.id}), ranges=((self.span.start, self.span.end),))

    def revert(self, annotation: Annotation) -> Change:
        del annotation.spans[_index(annotation, self.span.id)]
        return Change(removed=frozenset({self.span.id}), ranges=((self.span.start, self.span.end),))


@dataclass
class RemoveSpan:
    span_id: str
    description: str = "delete span"
    _removed: Span | None = None
    _position: int = 0

    def apply(self, annotation: Annotation) -> Change:
        self._position = _index(annotation, self.span_id)
        self._removed = annotation.spans.pop(self._position)
        r = self._removed
        return Change(removed=frozenset({r.id}), ranges=((r.start, r.end),))

    def revert(self, annotation: Annotation) -> Change:
        assert self._removed is not None, "revert before apply"
        annotation.spans.insert(self._position, self._removed)
        r = self._removed
        return Change(added=frozenset({r.id}), ranges=((r.start, r.end),))


@dataclass
class UpdateSpan:
    """Change a span's edges, label or attributes (``None`` leaves a field as it is)."""

    text: str
    span_id: str
    start: int | None = None
    end: int | None = None
    label: str | None = None
    attrs: dict[str, AttrValue] | None = None
    description: str = "change span"
    #: Consecutive edits with the same key (not None) are one undo step: an attribute
    #: committed while it is typed (see :meth:`History.run`).
    merge_key: str | None = None
    _before: Span | None = None

    def apply(self, annotation: Annotation) -> Change:
        i = _index(annotation, self.span_id)
        old = annotation.spans[i]
        new = make_span(
            self.text,
            old.start if self.start is None else self.start,
            old.end if self.end is None else self.end,
            old.label if self.label is None else self.label,
            old.id,
            dict(old.attrs) if self.attrs is None else self.attrs,
        )
        self._before = old
        annotation.spans[i] = new
        return Change(
            modified=frozenset({old.id}), ranges=((old.start, old.end), (new.start, new.end))
        )

    def revert(self, annotation: Annotation) -> Change:
        assert self._before is not None, "revert before apply"
        i = _index(annotation, self.span_id)
        new = annotation.spans[i]
        annotation.spans[i] = self._before
        b = self._before
        return Change(modified=frozenset({b.id}), ranges=((b.start, b.end), (new.start, new.end)))


@dataclass
class SetDocLabel:
    name: str
    value: str | None
    description: str = "set document label"
    _before: str | None = None

    def apply(self, annotation: Annotation) -> Change:
        self._before = annotation.doc_labels.get(self.name)
        _set_or_drop(annotation.doc_labels, self.name, self.value)
        return Change(doc_labels=True)

    def revert(self, annotation: Annotation) -> Change:
        _set_or_drop(annotation.doc_labels, self.name, self._before)
        return Change(doc_labels=True)


def _set_or_drop(mapping: dict[str, str], key: str, value: str | None) -> None:
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value


@dataclass
class SetStatus:
    status: Status
    description: str = "set status"
    _before: Status = "todo"

    def apply(self, annotation: Annotation) -> Change:
        self._before = annotation.status
        annotation.status = self.status
        return Change(status=True)

    def revert(self, annotation: Annotation) -> Change:
        annotation.status = self._before
        return Change(status=True)


@dataclass
class Batch:
    """Several edits that undo and redo as one (mark all occurrences, accept all...)."""

    edits: Sequence[Edit]
    description: str = "edit"
    merge_key: str | None = None

    def apply(self, annotation: Annotation) -> Change:
        change = Change()
        done: list[Edit] = []
        try:
            for edit in self.edits:
                change = change | edit.apply(annotation)
                done.append(edit)
        except Exception:
            for edit in reversed(done):
                edit.revert(annotation)
            raise
        return change

    def revert(self, annotation: Annotation) -> Change:
        change = Change()
        for edit in reversed(self.edits):
            change = change | edit.revert(annotation)
        return change


# --------------------------------------------------------------------------- history


#: Edits with the same merge key merge only when they follow each other within this time.
MERGE_SECONDS = 5.0


@dataclass
class _Step:
    """How to take back the last step of a :class:`History` (see :meth:`History.rollback`)."""

    kind: str  # "run", "merge", "undo" or "redo"
    edit: Edit  # what is now on top of the stack it went to
    #: run: the oldest edits pushed out by the limit; merge: the edit it was merged into.
    pushed_out: list[Edit]
    #: run: the redo stack it cleared.
    undone: list[Edit]
    #: merge: how many of ``edit.edits`` (at the end) this step added.
    tail: int = 0


@dataclass
class History:
    """The undo and redo stacks of one annotation.

    ``version`` counts changes (undo counts as one too), so a caller can tell whether what
    it saved is still current: compare with the version it recorded at save time.

    The last step (run, undo or redo) can be taken back entirely with :meth:`rollback`, as if
    it never happened, stacks included: the session does so when it cannot journal it.
    """

    annotation: Annotation
    limit: int = 1000
    _done: list[Edit] = field(default_factory=list)
    _undone: list[Edit] = field(default_factory=list)
    version: int = 0
    _last: _Step | None = field(default=None, repr=False)
    _last_time: float = field(default=0.0, repr=False)

    def run(self, edit: Edit) -> Change:
        change = edit.apply(self.annotation)
        key = getattr(edit, "merge_key", None)
        previous = self._done[-1] if self._done else None
        now = time.monotonic()
        last = self._last
        if (
            key is not None
            and previous is not None
            and getattr(previous, "merge_key", None) == key
            and last is not None
            and last.kind in ("run", "merge")
            and last.edit is previous
            and now - self._last_time <= MERGE_SECONDS
        ):
            # Typing "심지혜" commits several times; it undoes as one step.
            parts = list(previous.edits) if isinstance(previous, Batch) else [previous]
            merged = Batch([*parts, edit], previous.description, merge_key=key)
            self._done[-1] = merged
            self._last = _Step("merge", merged, [previous], [], 1)
        else:
            self._done.append(edit)
            dropped = self._done[: -self.limit]
            del self._done[: -self.limit]
            undone, self._undone = self._undone, []
            self._last = _Step("run", edit, dropped, undone)
        self._last_time = now
        return self._touched(change)

    def extend_last(self, edit: Edit) -> Change:
        """Apply ``edit`` as part of the last step run (one undo for both), e.g. the status
        going back to "in_progress" with the edit that made a done document invalid."""
        last = self._last
        assert last is not None and last.kind in ("run", "merge") and self._done[-1] is last.edit
        change = edit.apply(self.annotation)
        first = last.edit
        if last.kind == "run":
            both = Batch([first, edit], first.description)
            self._last = _Step("run", both, last.pushed_out, last.undone)
        else:
            # No further merging into it: the status change ends the typing run.
            assert isinstance(first, Batch)
            both = Batch([*first.edits, edit], first.description)
            self._last = _Step("merge", both, last.pushed_out, [], last.tail + 1)
        self._done[-1] = both
        return self._touched(change)

    def run_all(self, edits: Iterable[Edit], description: str) -> Change:
        return self.run(Batch(list(edits), description))

    def undo(self) -> Change | None:
        if not self._done:
            return None
        edit = self._done.pop()
        change = edit.revert(self.annotation)
        self._undone.append(edit)
        self._last = _Step("undo", edit, [], [])
        return self._touched(change)

    def redo(self) -> Change | None:
        if not self._undone:
            return None
        edit = self._undone.pop()
        change = edit.apply(self.annotation)
        self._done.append(edit)
        self._last = _Step("redo", edit, [], [])
        return self._touched(change)

    def rollback(self) -> Change | None:
        """Take back the last run, undo or redo as if it never happened: the annotation and
        both stacks are as before it (a run is not left to redo). None when there is none."""
        last, self._last = self._last, None
        if last is None:
            return None
        edit = last.edit
        if last.kind == "run":
            assert self._done and self._done[-1] is edit
            self._done.pop()
            change = edit.revert(self.annotation)
            self._done[:0] = last.pushed_out
            self._undone = last.undone
        elif last.kind == "merge":
            assert isinstance(edit, Batch) and self._done and self._done[-1] is edit
            change = Change()
            for part in reversed(edit.edits[-last.tail :]):
                change = change | part.revert(self.annotation)
            self._done[-1] = last.pushed_out[0]
        elif last.kind == "undo":
            assert self._undone and self._undone[-1] is edit
            self._undone.pop()
            change = edit.apply(self.annotation)
            self._done.append(edit)
        else:
            assert self._done and self._done[-1] is edit
            self._done.pop()
            change = edit.revert(self.annotation)
            self._undone.append(edit)
        return self._touched(change)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        return self._done[-1].description if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].description if self._undone else ""

    def _touched(self, change: Change) -> Change:
        self.version += 1
        self.annotation.updated_at = utc_now()
        return change
