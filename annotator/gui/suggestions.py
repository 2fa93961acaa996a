"""Which suggestion (ghost span) the keys act on: the one last stepped to, else the one
under the cursor. Accepting and rejecting are session edits; this only picks."""

from __future__ import annotations

from annotator.model import Span
from annotator.session import DocumentSession


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

    def target(self, session: DocumentSession, cursor: int) -> Span | None:
        """The current suggestion if still pending, else the innermost one at ``cursor``."""
        pending = session.pending_suggestions()
        found = next((g for g in pending if g.id == self.current), None)
        if found is None:
            under = [g for g in pending if g.start <= cursor < g.end]
            found = min(under, key=lambda g: g.end - g.start) if under else None
        return found

    def step(self, session: DocumentSession, step: int, cursor: int) -> Span | None:
        """The next (``step`` 1) or previous pending suggestion in text order, cycling."""
        pending = session.pending_suggestions()
        if not pending:
            self.current = None
            return None
        ids = [g.id for g in pending]
        if self.current in ids:
            target = pending[(ids.index(self.current) + step) % len(pending)]
        elif step > 0:
            target = next((g for g in pending if g.start >= cursor), pending[0])
        else:
            target = next((g for g in reversed(pending) if g.start < cursor), pending[-1])
        self.current = target.id
        self.range = (target.start, target.end)
        return target
