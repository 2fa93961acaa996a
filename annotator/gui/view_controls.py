"""How the text is looked at, not what it says: find, zoom, hidden layers, selection size.

Nothing here edits; it drives the text view and the find bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStatusBar

from annotator.gui.actions import ActionRegistry
from annotator.gui.find_bar import FindBar
from annotator.gui.textview import SpanTextView
from annotator.model import LabelScheme


class ViewController(QObject):
    def __init__(
        self,
        view: SpanTextView,
        find_bar: FindBar,
        status_bar: QStatusBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.find_bar = find_bar
        self.status_bar = status_bar
        self.layer_actions: dict[str, QAction] = {}
        #: Zoom steps from the default size, so that Ctrl+0 can undo them all.
        self.zoom_steps = 0
        # Matches are highlighted while the bar is open, and only then.
        find_bar.closed.connect(view.clear_find)
        find_bar.cleared.connect(view.clear_find)

    def add_actions(self, registry: ActionRegistry, scheme: LabelScheme) -> None:
        a = registry.add
        a("Find in the document", [QKeySequence.StandardKey.Find], self.open_find, "View")
        a("Find next", ["F3"], lambda: self.find_bar.find(backward=False), "View")
        a("Find previous", ["Shift+F3"], lambda: self.find_bar.find(backward=True), "View")
        a("Zoom in", ["Ctrl++", "Ctrl+="], lambda: self.zoom(1), "View")
        a("Zoom out", ["Ctrl+-"], lambda: self.zoom(-1), "View")
        a("Reset zoom", ["Ctrl+0"], lambda: self.zoom(-self.zoom_steps), "View")
        for i, layer in enumerate(scheme.layers, 1):
            act = a(
                f"Show layer {layer.name}",
                [f"Ctrl+Alt+{i}"] if i <= 9 else [],
                self.apply_hidden_layers,
                "View",
                checkable=True,
                checked=True,
            )
            act.setIconText(layer.name)
            self.layer_actions[layer.name] = act

    def apply_hidden_layers(self) -> None:
        hidden = {name for name, act in self.layer_actions.items() if not act.isChecked()}
        self.view.set_hidden_layers(hidden)

    def open_find(self) -> None:
        """Ctrl+F: the find bar, starting from the selected text if any."""
        start, end = self.view.selection_cp()
        self.find_bar.open_bar(self.view.text()[start:end] if end > start else "")

    def find(self, needle: str, backward: bool, case_sensitive: bool, incremental: bool = False) -> None:
        if incremental:
            # Typing on extends the current match rather than jumping past it.
            start = self.view.selection_cp()[0]
            self.view.select_cp(start, start)
        found = self.view.find_text(needle, backward, case_sensitive)
        self.find_bar.show_result(found, *self.view.find_position())
        if not self.find_bar.isVisible():
            # F3 with the bar closed: the selection shows the match; highlights that no
            # Escape could take away would stay on the page.
            self.view.clear_find()

    def zoom(self, steps: int) -> None:
        if steps:
            self.view.zoom_by(steps)
            self.zoom_steps += steps

    def show_selection(self, start: int, end: int) -> None:
        """The selection's size in the status bar, for a moment (offsets are code points)."""
        if end > start:
            self.status_bar.showMessage(f"selection [{start}, {end}): {end - start} characters", 5000)
