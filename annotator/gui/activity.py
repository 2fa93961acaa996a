"""Counting the active time on the open document (``time_spent_s``) from the window's events.

The counting rules live in :class:`annotator.active_time.ActiveTimer` (no Qt); this module
feeds it: every key press, mouse button and wheel turn anywhere in the application (an event
filter on the QApplication: the focused widget varies, the text, the span list, a dock),
and the main window's activation changes. At each save (autosave, Ctrl+S, and the flush
before another document opens or the app quits) the whole seconds counted so far go to the
session being saved: the document that was on screen while they were counted, since the
flush before a switch runs while the old document is still open.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QWidget

from annotator.active_time import ActiveTimer
from annotator.gui.persistence import PersistenceController
from annotator.session import DocumentSession

#: The clock a tracker uses when none is given; a test replaces it (monkeypatch) before
#: the window is built, so the real main window runs on a fake clock.
CLOCK: Callable[[], float] = time.monotonic

#: What counts as the annotator doing something. A key bound to a shortcut (a label key,
#: Ctrl+PgDown) arrives as ShortcutOverride then Shortcut, never as KeyPress.
_ACTIVITY = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.ShortcutOverride,
    QEvent.Type.Shortcut,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
})


class ActivityTracker(QObject):
    """Feeds an :class:`ActiveTimer` from ``window``'s events and hands its seconds to each
    session ``persistence`` saves. Lives as long as the window (its child)."""

    def __init__(
        self,
        window: QWidget,
        persistence: PersistenceController,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.timer = ActiveTimer(clock if clock is not None else CLOCK)
        persistence.before_save.append(self.hand_over)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if window.isActiveWindow():
            self.timer.focus_in()

    def hand_over(self, session: DocumentSession) -> None:
        """Add the whole seconds counted so far to ``session`` (about to be saved)."""
        seconds = self.timer.take()
        # Gold shown as the agreed start but not yet written (review mode): looking must
        # write nothing there, so its reading time is not kept.
        if getattr(session, "pending_start", False):
            return
        session.add_active_seconds(seconds)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Called for every event of the application: kept to one set look-up for most.
        kind = event.type()
        if kind in _ACTIVITY:
            self.timer.activity()
        elif kind == QEvent.Type.ActivationChange and watched is self.window:
            if self.window.isActiveWindow():
                self.timer.focus_in()
            else:
                self.timer.focus_out()
        return False
