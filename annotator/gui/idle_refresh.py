"""The side panels catch up with an edit in idle slices, after the text has repainted.

An edit changes the text view and several panels (the span list, the attribute editor, the
document list, the status bar). Qt paints every widget marked dirty in one pass, so a mark
used to wait for the span list's repaint (every row below an inserted one moves) and the
others before the text showed it: most of a mark's cost on a 1 MB page (issue #11).

Here the panels' *state* still follows each edit at once (models, fields, labels: what the
next key and the tests read), but their *painting* is held: :meth:`IdleRefresh.hold` turns
a panel's updates off until a single-shot timer, restarted by every edit (a burst of keys
is caught up once), lets it paint again. Work that neither the next key nor the rules need
(the document list's span count) is handed over with :meth:`IdleRefresh.later`. The held
panels and the deferred work then come back one per slice, a few ms each, so the window
never stalls long while the annotator reads on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

#: The pause after the last edit before the panels catch up.
CATCH_UP_MS = 60
#: Between two slices: the event loop paints the previous one in between.
SLICE_GAP_MS = 12

#: Widgets held and painted again together (one slice): a panel.
Panel = Sequence[QWidget]


class IdleRefresh(QObject):
    """Held panels and deferred work of the edits since the last pause, caught up later."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: Panels whose updates this turned off, in the order they come back.
        self._held: list[list[QWidget]] = []
        self._held_ids: set[int] = set()
        #: Deferred work by key: a later call for the same key replaces the earlier one.
        self._later: dict[str, Callable[[], None]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._slice)

    @property
    def pending(self) -> bool:
        return bool(self._held or self._later)

    def hold(self, *panels: Panel) -> None:
        """No painting of the panels' widgets until they catch up (their state may change);
        each panel paints again in its own slice."""
        for panel in panels:
            # Off screen it paints nothing anyway; one whose updates someone else turned
            # off is not ours to turn back on.
            widgets = [
                w for w in panel
                if id(w) not in self._held_ids and w.isVisible() and w.updatesEnabled()
            ]
            for widget in widgets:
                widget.setUpdatesEnabled(False)
                self._held_ids.add(id(widget))
            if widgets:
                self._held.append(widgets)
        self._restart()

    def later(self, key: str, work: Callable[[], None]) -> None:
        """Run ``work`` when the panels catch up (replacing earlier work of the same key)."""
        self._later.pop(key, None)
        self._later[key] = work
        self._restart()

    def _restart(self) -> None:
        if self.pending:
            self._timer.start(CATCH_UP_MS)

    def _slice(self) -> None:
        """One piece of catching up: a deferred work, else one panel painted again."""
        if self._later:
            key = next(iter(self._later))
            self._later.pop(key)()
        elif self._held:
            # Turning updates back on repaints the whole panel: its own slice.
            self._release(self._held.pop(0))
        if self.pending:
            self._timer.start(SLICE_GAP_MS)

    def flush(self) -> None:
        """Catch up now (another document is shown, the window closes)."""
        self._timer.stop()
        while self._later:
            key = next(iter(self._later))
            self._later.pop(key)()
        held, self._held = self._held, []
        for panel in held:
            self._release(panel)

    def _release(self, panel: list[QWidget]) -> None:
        for widget in panel:
            self._held_ids.discard(id(widget))
            widget.setUpdatesEnabled(True)
