"""Ctrl+M's confirmation: how many occurrences mark all will mark, before it marks them.

Keyboard only: Enter marks, Escape cancels, Alt+I (or Space on the box) switches "match
inside words" and the counts follow at once. The dialog only asks; the marking controller
marks through the session when it is accepted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from annotator.session import Occurrences


def describe_plan(plan: Occurrences, needle: str, label: str) -> str:
    """The plan in one or two sentences (the dialog's text)."""
    n = len(plan.spans)
    lines = [
        f"Mark {n} more occurrence{'s' * (n != 1)} of {needle[:40]!r} as {label}?"
        if n
        else f"No other occurrence of {needle[:40]!r} to mark as {label}."
    ]
    if plan.already:
        lines.append(f"{plan.already} already marked.")
    if plan.refused:
        first_span, problems = plan.refused[0]
        k = len(plan.refused)
        lines.append(
            f"{k} refused by the rules (first at {first_span.start}: {problems[0].message})."
        )
    return "\n".join(lines)


class MarkAllDialog(QDialog):
    def __init__(
        self,
        needle: str,
        label: str,
        plan_for: Callable[[bool], Occurrences],
        parent: QWidget | None = None,
    ) -> None:
        """``plan_for(whole_words)`` says what marking would do (recomputed on each switch)."""
        super().__init__(parent)
        self.setWindowTitle("Mark all occurrences")
        self.needle = needle
        self.label = label
        self.plan_for = plan_for
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("mark_all_summary")
        layout.addWidget(self.summary)
        self.inside = QCheckBox("Match inside words (서울 in 서울고등검찰청) — Alt+I", self)
        self.inside.toggled.connect(lambda _on: self.refresh())
        layout.addWidget(self.inside)
        # A shortcut of its own, not a "&" mnemonic: mnemonics are off on some platforms
        # (and offscreen), and both at once would make Alt+I ambiguous where they are on.
        QShortcut(QKeySequence("Alt+I"), self, self.inside.toggle)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.plan = Occurrences([], 0, [])
        self.refresh()
        self.ok.setFocus()

    def whole_words(self) -> bool:
        return not self.inside.isChecked()

    def refresh(self) -> None:
        self.plan = self.plan_for(self.whole_words())
        self.summary.setText(describe_plan(self.plan, self.needle, self.label))
        n = len(self.plan.spans)
        self.ok.setText(f"Mark {n}" if n else "OK")
