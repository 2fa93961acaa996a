"""The shortcuts help (F1 / "?"), generated from the window's QActions so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

GROUP_PROPERTY = "helpGroup"


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(group, what it does, keys) for every action that has a shortcut, grouped."""
    rows = []
    for action in actions:
        keys = action.shortcuts()
        if not keys:
            continue
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        shown = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        group = str(action.property(GROUP_PROPERTY) or "Other")
        rows.append((group, text, shown))
    order: dict[str, int] = {}
    for group, _, _ in rows:
        order.setdefault(group, len(order))
    return sorted(rows, key=lambda r: order[r[0]])


class ShortcutsDialog(QDialog):
    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(640, 640)
        self.rows = shortcut_rows(actions)
        model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels(["group", "action", "keys"])
        for group, text, keys in self.rows:
            items = [QStandardItem(group), QStandardItem(text), QStandardItem(keys)]
            for item in items:
                item.setEditable(False)
            model.appendRow(items)
        view = QTableView(self)
        view.setModel(model)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.resizeColumnsToContents()
        self.view = view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, Qt.Orientation.Horizontal, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
