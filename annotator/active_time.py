"""Active time on a document: what ``time_spent_s`` in an annotation file counts.

Raw clock time misleads (a window left open over lunch is not an hour of work), so only
*active* seconds count: the window has the focus and the annotator did something (a key,
a click, the wheel) in the last :data:`IDLE_AFTER_S` seconds. After the last activity at
most that much counts, then nothing until the next one; losing the focus stops the count
at once. Gaining the focus counts as an activity: bringing the window back is the annotator
coming back to the page.

No Qt here: the GUI (``annotator/gui/activity.py``) feeds the events, and a test feeds them
with a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Seconds after the last activity that still count as work (reading, thinking).
IDLE_AFTER_S = 60.0


class ActiveTimer:
    """Active seconds, accumulated from focus and activity events until :meth:`take`.

    ``clock`` returns seconds on a monotonic scale (:func:`time.monotonic`); a test passes
    its own to move time by hand.
    """

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, idle_after_s: float = IDLE_AFTER_S
    ) -> None:
        if idle_after_s <= 0:
            raise ValueError(f"idle_after_s must be positive, not {idle_after_s!r}")
        self._clock = clock
        self._idle_after = idle_after_s
        self._focused = False
        #: When the annotator last did something while the window had the focus (None:
        #: nothing since the focus came): counting runs until this plus ``_idle_after``.
        self._last_activity: float | None = None
        #: The moment up to which active time has been added to ``_seconds``.
        self._counted_to = clock()
        #: Active seconds not yet taken, fraction included.
        self._seconds = 0.0

    @property
    def focused(self) -> bool:
        return self._focused

    @property
    def pending(self) -> float:
        """Active seconds so far not yet taken (with the fraction), up to now."""
        self._settle(self._clock())
        return self._seconds

    def focus_in(self) -> None:
        """The window got the focus (an activity too)."""
        now = self._clock()
        self._settle(now)
        self._focused = True
        self._last_activity = now

    def focus_out(self) -> None:
        """The window lost the focus: nothing counts from now until it comes back."""
        self._settle(self._clock())
        self._focused = False
        self._last_activity = None

    def activity(self) -> None:
        """The annotator did something (key, mouse button, wheel); ignored without focus."""
        now = self._clock()
        self._settle(now)
        if self._focused:
            self._last_activity = now

    def take(self) -> int:
        """The whole active seconds accumulated since the last take; the fraction stays for
        the next one, so rounding loses nothing over many saves."""
        self._settle(self._clock())
        whole = int(self._seconds)
        self._seconds -= whole
        return whole

    def _settle(self, now: float) -> None:
        """Add the active part of ``[_counted_to, now)`` to the seconds."""
        start = self._counted_to
        if now <= start:
            return  # a clock that did not move (or went back): nothing to add
        if self._focused and self._last_activity is not None:
            end = min(now, self._last_activity + self._idle_after)
            if end > start:
                self._seconds += end - start
        self._counted_to = now
