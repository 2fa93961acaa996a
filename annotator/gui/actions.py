"""The window's commands as QActions: one place that gives each its keys, scope and group.

The menus, the palette buttons and the shortcuts help are all built from this registry,
so a key shown anywhere is the key that works.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenuBar, QWidget

from annotator.gui.shortcuts_help import GROUP_PROPERTY

KeySpec = str | QKeySequence.StandardKey

#: Menu order.
GROUPS = ("File", "Edit", "Marking", "Line mode", "Spans", "Suggestions", "Document", "View", "Focus", "Help")


class ActionRegistry:
    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.by_name: dict[str, QAction] = {}

    def add(
        self,
        text: str,
        keys: Sequence[KeySpec],
        slot: Callable[[], object],
        group: str,
        *,
        checkable: bool = False,
        checked: bool = False,
        widget: QWidget | None = None,
    ) -> QAction:
        """A new action; ``widget`` limits its keys to that widget (and its children)."""
        action = QAction(text, self.window)
        shortcuts: list[QKeySequence] = []
        for key in keys:
            if isinstance(key, QKeySequence.StandardKey):
                shortcuts.extend(QKeySequence.keyBindings(key))
            else:
                shortcuts.append(QKeySequence(key))
        action.setShortcuts(shortcuts)
        action.setProperty(GROUP_PROPERTY, group)
        if checkable:
            action.setCheckable(True)
            action.setChecked(checked)
            action.toggled.connect(lambda _on: slot())
        else:
            action.triggered.connect(lambda _c=False: slot())
        if widget is not None:
            # Keys that mean something else in a line edit or a list (Return, Tab, ".")
            # act only while the text has the focus.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            widget.addAction(action)
        else:
            # Window-wide: the shortcuts work whichever panel has the focus (a line edit
            # still gets its typed letters: it claims them before shortcuts are matched).
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)
        self.by_name[text] = action
        return action

    def build_menus(self, bar: QMenuBar, extra: dict[str, Sequence[QAction]] | None = None) -> None:
        """One menu per group, in :data:`GROUPS` order, plus ``extra`` actions at the end."""
        groups: dict[str, list[QAction]] = {}
        for action in self.by_name.values():
            groups.setdefault(str(action.property(GROUP_PROPERTY)), []).append(action)
        for group in GROUPS:
            menu = bar.addMenu(f"&{group}")
            for action in groups.get(group, []):
                menu.addAction(action)
            if extra and group in extra:
                menu.addSeparator()
                for action in extra[group]:
                    menu.addAction(action)
