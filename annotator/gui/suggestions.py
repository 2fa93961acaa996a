"""Which suggestion (ghost span) the keys act on: the one last stepped to, else the one
under the cursor. Accepting and rejecting are session edits; this only picks.

It picks among the suggestions *shown* (the controller's list: pending, not rejected, of a
layer shown, none while suggestions are hidden), so a key never acts on a ghost the
annotator cannot see.
"""

from __future__ import annotations

from annotator.model import Span


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

    def target(self, shown: list[Span], cursor: int) -> Span | None:
        """The current suggestion if still shown, else the innermost one at ``cursor``."""
        found = next((g for g in shown if g.id == self.current), None)
        if found is None:
            under = [g for g in shown if g.start <= cursor < g.end]
            found = min(under, key=lambda g: g.end - g.start) if under else None
        return found

    def step(self, shown: list[Span], step: int, cursor: int) -> Span | None:
        """The next (``step`` 1) or previous shown suggestion in text order, cycling."""
        if not shown:
            self.current = None
            return None
        ids = [g.id for g in shown]
        if self.current in ids:
            target = shown[(ids.index(self.current) + step) % len(shown)]
        elif step > 0:
            target = next((g for g in shown if g.start >= cursor), shown[0])
        else:
            target = next((g for g in reversed(shown) if g.start < cursor), shown[-1])
        self.current = target.id
        self.range = (target.start, target.end)
        return target
