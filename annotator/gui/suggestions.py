"""Which suggestion (ghost span) the keys act on: the one last stepped to, else the one
under the cursor. Accepting and rejecting are session edits; this only picks.

It picks among the suggestions *shown* (the controller's list: pending, not rejected, of a
layer shown, none while suggestions are hidden), so a key never acts on a ghost the
annotator cannot see.
"""

from __future__ import annotations

from bisect import bisect_left

from annotator.model import Span


def text_order(span: Span) -> tuple[int, int, str]:
    return (span.start, -span.end, span.id)  # the order of session.sorted_spans


def _start(span: Span) -> int:
    return span.start


class SuggestionCursor:
    def __init__(self) -> None:
        self.current: str | None = None
        self.range = (0, 0)

    def clear(self) -> None:
        self.current = None

    def selection_moved(self, start: int, end: int) -> None:
        """The user moved the selection away from the current suggestion: forget it."""
        if self.current is not None and (start, end) != self.range:
            self.current = None

    def _current_index(self, shown: list[Span]) -> int | None:
        """Where the current suggestion is in ``shown`` (text order: a bisect, not a scan of
        1,000 ghosts per key), None when it is not shown."""
        if self.current is None:
            return None
        start, end = self.range
        i = bisect_left(shown, (start, -end, self.current), key=text_order)
        return i if i < len(shown) and shown[i].id == self.current else None

    def target(self, shown: list[Span], cursor: int) -> Span | None:
        """The current suggestion if still shown, else the innermost one at ``cursor``."""
        i = self._current_index(shown)
        found = None if i is None else shown[i]
        if found is None:
            under = [g for g in shown if g.start <= cursor < g.end]
            found = min(under, key=lambda g: g.end - g.start) if under else None
        return found

    def step(self, shown: list[Span], step: int, cursor: int) -> Span | None:
        """The next (``step`` 1) or previous shown suggestion in text order, cycling."""
        if not shown:
            self.current = None
            return None
        i = self._current_index(shown)
        if i is not None:
            target = shown[(i + step) % len(shown)]
        else:
            # The first suggestion starting at or after the cursor (or the last before it).
            first = bisect_left(shown, cursor, key=_start)
            if step > 0:
                target = shown[first] if first < len(shown) else shown[0]
            else:
                target = shown[first - 1] if first > 0 else shown[-1]
        self.current = target.id
        self.range = (target.start, target.end)
        return target
