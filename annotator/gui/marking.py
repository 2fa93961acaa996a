"""Marking and changing spans from the keyboard: label keys, line mode, mark all, relabel,
edge moves, span cycling, deleting, attributes.

Each command turns the view's selection or the current span into one session edit run
through the :class:`DocumentEditor`; the session decides what the edit does (trimming,
overlap rules), this module only decides which edit the key means.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from annotator.edits import Change
from annotator.gui.actions import ActionRegistry
from annotator.gui.attr_editor import AttributeEditor
from annotator.gui.editor import DocumentEditor
from annotator.gui.mark_all_dialog import MarkAllDialog
from annotator.gui.palette import swatch
from annotator.gui.textview import SpanTextView
from annotator.model import AttrValue, Span
from annotator.session import DocumentSession, Occurrences
from annotator.text_search import find_all

#: A session call that marks: what changed and the new span's id (None: nothing to mark).
MarkEdit = Callable[[DocumentSession], tuple[Change, str] | None]


class MarkingController(QObject):
    #: Escape: no current span. The current suggestion goes too (wired by the window).
    currentCleared = Signal()

    def __init__(
        self,
        editor: DocumentEditor,
        view: SpanTextView,
        attr_editor: AttributeEditor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.view = view
        self.attr_editor = attr_editor
        self.message = editor.message
        self.label_actions: dict[str, QAction] = {}
        self.line_actions: dict[str, QAction] = {}
        self.trim_action: QAction | None = None
        #: The find needle armed by Ctrl+Enter in the find bar: the next label key marks
        #: every whole-word match of it (Esc disarms).
        self.armed_needle: tuple[str, bool] | None = None
        #: The last Ctrl+M confirmation (tests answer it).
        self.mark_all_dialog: MarkAllDialog | None = None

    def add_actions(self, registry: ActionRegistry) -> None:
        a = registry.add
        for label in self.editor.scheme.labels():
            key = [label.key] if label.key else []
            act = a(f"Mark {label.name}", key, lambda n=label.name: self.mark_label_or_region(n), "Marking")
            act.setIcon(swatch(label.color))
            act.setIconText(f"{label.name} ({label.key})" if label.key else label.name)
            act.setToolTip(
                f"{label.description or label.name} — mark the selection (from the set mark, "
                "Ctrl+Space, when one is set), or relabel the current span"
            )
            self.label_actions[label.name] = act
            line_key = [f"Shift+{label.key.upper()}"] if label.key else []
            self.line_actions[label.name] = a(
                f"Mark line(s) as {label.name}",
                line_key,
                lambda n=label.name: self.mark_lines_or_region(n),
                "Line mode",
            )
        self.trim_action = a(
            "Trim white space of new spans", ["Ctrl+T"], lambda: None, "Marking",
            checkable=True, checked=True,
        )
        a("Mark all occurrences of the current span", ["Ctrl+M"], self.mark_all_occurrences, "Marking")
        a("Delete the current span", ["Delete", "Backspace"], self.delete_current, "Spans")
        # Tab cycles spans in the text only: in the side panels it moves the focus as usual.
        v = self.view
        a("Next span", ["Tab"], lambda: self.cycle_span(1), "Spans", widget=v)
        # Only "Shift+Tab": the key arrives as Backtab+Shift, which Qt matches to it; a second
        # "Backtab" binding would be a clash (and never matched by a real Shift+Tab anyway).
        a("Previous span", ["Shift+Tab"], lambda: self.cycle_span(-1), "Spans", widget=v)
        a("No current span", ["Escape"], self.clear_current, "Spans")
        for text, keys, edge, direction, unit in (
            ("Move span end right", "Alt+Right", "end", 1, "char"),
            ("Move span end left", "Alt+Left", "end", -1, "char"),
            ("Move span start right", "Alt+Shift+Right", "start", 1, "char"),
            ("Move span start left", "Alt+Shift+Left", "start", -1, "char"),
            ("Move span end a word right", "Ctrl+Alt+Right", "end", 1, "word"),
            ("Move span end a word left", "Ctrl+Alt+Left", "end", -1, "word"),
            ("Move span start a word right", "Ctrl+Alt+Shift+Right", "start", 1, "word"),
            ("Move span start a word left", "Ctrl+Alt+Shift+Left", "start", -1, "word"),
        ):
            a(text, [keys], lambda e=edge, d=direction, u=unit: self.move_edge(e, d, u), "Spans")
        a("Edit the current span's attributes", ["F2"], self.focus_attributes, "Spans")

        # Moving by lines and blocks belongs with line mode: it is how a block is walked.
        a("Next line", ["Alt+Down"], lambda: v.move_lines(1), "Line mode")
        a("Previous line", ["Alt+Up"], lambda: v.move_lines(-1), "Line mode")
        a("Extend selection to the next line", ["Alt+Shift+Down"],
          lambda: v.move_lines(1, extend=True), "Line mode")
        a("Extend selection to the previous line", ["Alt+Shift+Up"],
          lambda: v.move_lines(-1, extend=True), "Line mode")
        a("Next block", ["Ctrl+Down"], lambda: v.move_blocks(1), "Line mode")
        a("Previous block", ["Ctrl+Up"], lambda: v.move_blocks(-1), "Line mode")
        a("Extend selection to the next block", ["Ctrl+Shift+Down"],
          lambda: v.move_blocks(1, extend=True), "Line mode")
        a("Extend selection to the previous block", ["Ctrl+Shift+Up"],
          lambda: v.move_blocks(-1, extend=True), "Line mode")
        self._add_region_actions(registry)

    # ------------------------------------------------------------------ marking

    def mark_label(self, label: str) -> None:
        """The label's key: mark the selection, or relabel the current span when none."""
        if self.editor.session is None:
            return
        start, end = self.view.selection_cp()
        if start == end:
            current = self.editor.current_span
            if current is not None:
                session = self.editor.session
                span = session.span(current)
                if self.editor.run(lambda s: s.relabel(current, label)) is not None or (
                    span is not None and span.label == label
                ):
                    # Relabelled as boilerplate (say), or already one: its kind is a digit
                    # away (a suggested "footer" made an "advertisement" in two keys).
                    self.attr_editor.offer_choices(session.span(current))
            else:
                self.message(f"Select some text first, then press the key of {label}")
            return
        trim = self.trim_action is None or self.trim_action.isChecked()
        self._mark(lambda s: s.mark(label, start, end, trim=trim), end)

    def mark_lines(self, label: str) -> None:
        """Line mode: mark the current line, or every line the selection touches."""
        if self.editor.session is None:
            return
        start, end = self.view.line_range_cp()
        had_selection = self.view.selection_cp()[0] != self.view.selection_cp()[1]
        self._mark(lambda s: s.mark_lines(label, start, end), end)
        if not had_selection:
            # Ready for the next line: a menu is marked by pressing the key line after line.
            self.view.move_lines(1)

    def _mark(self, run: MarkEdit, collapse_at: int) -> None:
        session = self.editor.session
        if session is None:
            return
        try:
            result = run(session)
        except self.editor.FAILURES as exc:
            self.editor.failed(exc)
            return
        if result is None:
            self.message("Nothing to mark there (empty, or already marked)")
            return
        change, span_id = result
        # The selection collapses first: the new span, not the selection, is what is current.
        self.view.select_cp(collapse_at, collapse_at)
        self.editor.apply(change, current=span_id)
        # A choice attribute (boilerplate kind, article role) is now a digit away.
        self.attr_editor.offer_choices(session.span(span_id))

    def mark_all_occurrences(self) -> None:
        """Ctrl+M: say how many occurrences of the current span's text would be marked
        (whole words by default), and mark them, in one undo step, once confirmed."""
        session = self.editor.session
        span = session.span(self.editor.current_span) if session else None
        if session is None or span is None:
            self.message("Mark one occurrence first (it becomes the current span), then Ctrl+M")
            return
        attrs = dict(span.attrs)

        def plan_for(whole_words: bool) -> Occurrences:
            return session.plan_occurrences(span.label, span.text, attrs, whole_words=whole_words)

        if self.mark_all_dialog is not None:
            self.mark_all_dialog.deleteLater()
        dialog = MarkAllDialog(span.text, span.label, plan_for, self.view.window())
        dialog.accepted.connect(lambda: self._mark_all_confirmed(span, attrs, dialog.whole_words()))
        # Confirmed or not, the keys go on to the text.
        dialog.finished.connect(lambda _result: self._back_to_text())
        self.mark_all_dialog = dialog
        # open(), not exec(): window-modal without a nested event loop.
        dialog.open()

    def _back_to_text(self) -> None:
        self.view.window().activateWindow()
        self.view.setFocus()

    def _mark_all_confirmed(self, span: Span, attrs: dict[str, AttrValue], whole_words: bool) -> None:
        session = self.editor.session
        if session is None or session.span(span.id) is None:
            return
        # Planned again: the same answer as shown unless something changed meanwhile.
        plan = session.plan_occurrences(span.label, span.text, attrs, whole_words=whole_words)
        what = f"{span.text[:30]!r} as {span.label}"
        tail = self._plan_notes(plan)
        if not plan.spans:
            self.message(f"No other unmarked occurrence of {what}{tail}")
            return
        if self.editor.run(lambda s: s.mark_planned(plan), span.id) is None:
            return  # refused by the session: the editor said why
        count = len(plan.spans)
        self.message(f"Marked {count} more occurrence{'s' * (count != 1)} of {what}{tail}")

    @staticmethod
    def _plan_notes(plan: Occurrences) -> str:
        """"; 2 refused by the rules (first at N: why); 1 already marked", or ""."""
        notes = []
        if plan.refused:
            first, problems = plan.refused[0]
            notes.append(
                f"{len(plan.refused)} refused by the rules (first at {first.start}: {problems[0].message})"
            )
        if plan.already:
            notes.append(f"{plan.already} already marked")
        return "; " + "; ".join(notes) if notes else ""

    # ------------------------------------------------------------------ long regions

    def _add_region_actions(self, registry: ActionRegistry) -> None:
        a = registry.add
        a(
            "Set the mark here (then a label's key marks from the mark to the cursor)",
            # F4 too: Ctrl+Space is the input-method switch of fcitx5 and some ibus setups,
            # so a Korean or Japanese annotator may never see it reach the app.
            ["Ctrl+Space", "F4"], self.toggle_mark, "Marking",
        )
        for text, keys, edge, direction in (
            ("Move span end a paragraph down", "Alt+PgDown", "end", 1),
            ("Move span end a paragraph up", "Alt+PgUp", "end", -1),
            ("Move span start a paragraph down", "Alt+Shift+PgDown", "start", 1),
            ("Move span start a paragraph up", "Alt+Shift+PgUp", "start", -1),
        ):
            a(text, [keys], lambda e=edge, d=direction: self.move_edge(e, d, "block"), "Spans")

    def toggle_mark(self) -> None:
        """Ctrl+Space: set the mark at the cursor (again at the same place: drop it)."""
        if self.editor.session is None:
            return
        pos = self.view.cursor_cp()
        if self.view.mark_position() == pos:
            self.view.set_mark(None)
            self.message("Mark dropped")
            return
        self.view.set_mark(pos)
        self.message(
            "Mark set: go to the other end (find, click, jump), then press a label's key to mark "
            "from the mark (Shift+key: whole lines); Escape drops it"
        )

    def _select_from_mark(self) -> bool:
        """With a mark set, select from it to the cursor (through the selection, if any)
        and drop the mark; False when no mark is set."""
        mark = self.view.mark_position()
        if mark is None:
            return False
        start, end = self.view.selection_cp()
        self.view.set_mark(None)
        self.view.select_cp(min(mark, start), max(mark, end))
        return True

    def mark_label_or_region(self, label: str) -> None:
        """A label's key: every match of the armed find needle (Ctrl+Enter in the find bar),
        else from the set mark to the cursor if a mark is set, else as usual."""
        armed, self.armed_needle = self.armed_needle, None
        if armed is not None and self.editor.session is not None:
            self.mark_every_match(*armed, label)
            return
        if self.editor.session is not None:
            self._select_from_mark()
        self.mark_label(label)

    def arm_mark_every_match(self, needle: str, case_sensitive: bool) -> None:
        """Ctrl+Enter in the find bar: the next label key marks every match of ``needle``.

        Smart case: a needle with a capital letter matches its case even when the bar does
        not ("Associated Press" is not "ASSOCIATED PRESS"); an all-lowercase one matches any.
        """
        session = self.editor.session
        if session is None:
            return
        case_sensitive = case_sensitive or needle != needle.lower()
        count = len(find_all(session.text, needle, whole_words=True, case_sensitive=case_sensitive))
        if not count:
            self.message(f"{needle!r} does not occur as a whole word: nothing to mark")
            return
        self.armed_needle = (needle, case_sensitive)
        self.message(
            f"{count} whole-word match{'es' * (count != 1)} of {needle!r}: press a label's key "
            "to mark them all (Esc: no)"
        )

    def mark_every_match(self, needle: str, case_sensitive: bool, label: str) -> None:
        """Mark every whole-word match of ``needle`` as ``label``: one undo step; the status
        bar says how many, and how many the rules refused or were marked already."""
        session = self.editor.session
        assert session is not None
        plan = session.plan_occurrences(label, needle, case_sensitive=case_sensitive)
        what = f"{needle[:30]!r} as {label}"
        tail = self._plan_notes(plan)
        if not plan.spans:
            self.message(f"Nothing left to mark of {what}{tail}")
            return
        if self.editor.run(lambda s: s.mark_planned(plan), plan.spans[0].id) is None:
            return  # refused by the session: the editor said why
        count = len(plan.spans)
        self.message(f"Marked {count} occurrence{'s' * (count != 1)} of {what}{tail}")

    def mark_lines_or_region(self, label: str) -> None:
        """Shift + a label's key: the whole lines from the set mark to the cursor if a mark
        is set, else as usual."""
        if self.editor.session is not None:
            self._select_from_mark()
        self.mark_lines(label)

    # ------------------------------------------------------------------ the current span

    def delete_current(self) -> None:
        span_id = self.editor.current_span
        if span_id is None:
            self.message("No current span to delete (Tab selects one)")
            return
        self.editor.run(lambda s: s.delete(span_id))

    def cycle_span(self, step: int) -> None:
        session = self.editor.session
        if session is None:
            return
        span = session.next_span(self.editor.current_span, step, pos=self.view.cursor_cp())
        self.editor.set_current_span(span.id if span else None)

    def clear_current(self) -> None:
        self.armed_needle = None
        self.view.set_mark(None)
        self.currentCleared.emit()
        self.editor.set_current_span(None)
        pos = self.view.cursor_cp()
        self.view.select_cp(pos, pos)

    def move_edge(self, edge: str, direction: int, unit: str) -> None:
        span_id = self.editor.current_span
        if span_id is None:
            self.message("No current span (Tab selects one)")
            return
        self.editor.run(lambda s: s.move_edge(span_id, edge, direction, unit))

    def focus_attributes(self) -> None:
        if not self.attr_editor.focus_first():
            self.message("The current span has no attributes")

    def set_attr(self, span_id: str, name: str, value: AttrValue | None) -> None:
        """An attribute typed in the attribute editor (already validated there)."""
        session = self.editor.session
        if session is None or session.span(span_id) is None:
            return  # typed for a span deleted meanwhile: nothing to set
        self.editor.run(lambda s: s.set_attr(span_id, name, value))
