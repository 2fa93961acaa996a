"""The shortcuts help (F1 / "?"), generated from the window's QActions so it cannot go stale.

It is searchable: the line at the top filters the rows as one types, by what an action does
or by its keys ("undo", "ctrl+z", "shift+a"). Keys are shown as they are pressed: a bare
letter key is its lowercase letter (``a``: the unshifted key), ``Shift+A`` stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

GROUP_PROPERTY = "helpGroup"
#: Columns of the help's model.
GROUP, ACTION, KEYS = range(3)


def key_text(sequence: QKeySequence) -> str:
    """``sequence`` as the user presses it: a letter key alone is lowercase (pressing "A"
    would mean Shift); with a modifier it keeps the usual capital (``Ctrl+S``, ``Shift+A``)."""
    shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    if sequence.count() == 1:
        combo = sequence[0]
        key = combo.key()
        if combo.keyboardModifiers() == Qt.KeyboardModifier.NoModifier and (
            Qt.Key.Key_A.value <= key.value <= Qt.Key.Key_Z.value
        ):
            return shown.lower()
    return shown


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(group, what it does, keys) for every action that has a shortcut, grouped."""
    rows = []
    for action in actions:
        keys = action.shortcuts()
        if not keys:
            continue
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        shown = ", ".join(key_text(k) for k in keys)
        group = str(action.property(GROUP_PROPERTY) or "Other")
        rows.append((group, text, shown))
    order: dict[str, int] = {}
    for group, _, _ in rows:
        order.setdefault(group, len(order))
    return sorted(rows, key=lambda r: order[r[0]])


def row_matches(row: Iterable[str], query: str) -> bool:
    """Every word of ``query`` is in one of the row's texts (any case); an empty query
    matches all. Spaces around "+" are ignored, so "ctrl + z" finds Ctrl+Z."""
    haystack = " | ".join(row).casefold()
    words = query.casefold().replace(" +", "+").replace("+ ", "+").split()
    return all(word in haystack for word in words)


class ShortcutFilter(QSortFilterProxyModel):
    """Keeps the rows whose group, action or keys hold every word typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._query = ""

    def set_query(self, query: str) -> None:
        self._query = query
        # Refilters (the pattern itself is unused: filterAcceptsRow reads the query).
        self.setFilterFixedString(query)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        texts = [str(model.index(source_row, c, source_parent).data() or "") for c in (GROUP, ACTION, KEYS)]
        return row_matches(texts, self._query)


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
        self.model = model
        self.proxy = ShortcutFilter(self)
        self.proxy.setSourceModel(model)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("shortcut_filter")
        self.filter_edit.setPlaceholderText("Search: what it does or its keys (undo, ctrl+z)…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_query)
        view = QTableView(self)
        view.setModel(self.proxy)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(ACTION, QHeaderView.ResizeMode.Stretch)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.resizeColumnsToContents()
        self.view = view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, Qt.Orientation.Horizontal, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(view)
        layout.addWidget(buttons)
        # Typing searches at once: the help opens with the search line focused.
        self.filter_edit.setFocus()

    def shown_rows(self) -> list[tuple[str, str, str]]:
        """The rows the filter lets through, as shown (group, action, keys)."""
        proxy = self.proxy
        return [
            tuple(str(proxy.index(r, c).data()) for c in (GROUP, ACTION, KEYS))  # type: ignore[misc]
            for r in range(proxy.rowCount())
        ]
