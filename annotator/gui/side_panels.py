"""The side panels (the docks left and right of the text) give way to the text.

On a laptop screen (1366x768) the documents list and the span panels took more than half the
width. Here: each side dock has a minimum width it can shrink to; whenever the window is
shown or resized, docks that leave the text less than :data:`TEXT_SHARE` of the window are
shrunk (never below their minimum) to give it back; and one key (Ctrl+B, View menu) hides all
side panels at once and brings the same ones back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from annotator.gui.actions import ActionRegistry

#: The share of the window's width the text keeps when the window is resized or shown.
TEXT_SHARE = 0.6
#: No side dock is narrower than this: a list narrower shows nothing useful.
MIN_DOCK_WIDTH = 150
SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


def on_screen(dock: QDockWidget) -> bool:
    """Showing: a dock tabbed behind another is still isVisible() but shows nothing."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


class SidePanels(QObject):
    def __init__(self, window: QMainWindow, text: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.window = window
        self.text = text
        #: The side docks that were showing when they were last hidden together.
        self._hidden: list[QDockWidget] = []
        #: Of those, the ones in front of their tab group.
        self._in_front: list[QDockWidget] = []
        self._fit_pending = False
        window.installEventFilter(self)

    def add_actions(self, registry: ActionRegistry) -> None:
        registry.add("Hide or show the side panels", ["Ctrl+B"], self.toggle, "View")

    # ------------------------------------------------------------------ the docks

    def side_docks(self) -> list[QDockWidget]:
        """Every dock on the left or right (review mode's too, when moved there), floating
        ones excepted: they take nothing from the text."""
        return [
            d
            for d in self.window.findChildren(QDockWidget)
            if d.parent() is self.window and not d.isFloating() and self.window.dockWidgetArea(d) in SIDES
        ]

    def set_minimum_widths(self, docks: list[QDockWidget]) -> None:
        for dock in docks:
            dock.setMinimumWidth(MIN_DOCK_WIDTH)

    def open_docks(self) -> list[QDockWidget]:
        """The side docks not closed (a tab behind another one is open, though not visible)."""
        return [d for d in self.side_docks() if d.toggleViewAction().isChecked()]

    def toggle(self) -> None:
        """Hide every open side panel (remembered), or bring back those hidden, each tab
        group with the same tab in front."""
        shown = self.open_docks()
        if shown:
            self._hidden = shown
            self._in_front = [d for d in shown if on_screen(d)]
            for dock in shown:
                dock.hide()
            self.text.setFocus()
            return
        # Nothing remembered (hidden in an earlier run, whose layout was restored): all.
        for dock in self._hidden or self.side_docks():
            dock.show()
        for dock in self._in_front:
            dock.raise_()
        self._hidden = self._in_front = []
        self.fit()

    # ------------------------------------------------------------------ keeping the text wide

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._schedule_fit()
        return False

    def _schedule_fit(self) -> None:
        # After the layout has placed the docks at the new size.
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self.fit)

    def fit(self) -> None:
        """Shrink the side docks until the text has :data:`TEXT_SHARE` of the window (or
        every dock is at its minimum), each side in proportion to its width."""
        self._fit_pending = False
        width = self.window.width()
        lack = int(width * TEXT_SHARE) - self.text.width()
        if lack <= 0:
            return
        columns: list[tuple[QDockWidget, int, int]] = []  # one dock per side: width, minimum
        for area in SIDES:
            docks = [d for d in self.side_docks() if d.isVisible() and self.window.dockWidgetArea(d) == area]
            if docks:
                dock = docks[0]
                floor = max(max(d.minimumSizeHint().width(), d.minimumWidth()) for d in docks)
                columns.append((dock, dock.width(), floor))
        spare = sum(w - floor for _, w, floor in columns if w > floor)
        if spare <= 0:
            return
        take = min(lack, spare)
        sizes = [w - round(take * max(w - floor, 0) / spare) for _, w, floor in columns]
        self.window.resizeDocks([d for d, _, _ in columns], sizes, Qt.Orientation.Horizontal)
