"""The per-edit path of the real window: views follow each Change, slow panels only when shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.gui.main_window import MainWindow
from annotator.session import sorted_spans
from tests.conftest import add_text

pytestmark = pytest.mark.gui


def rows(window: MainWindow) -> list[str]:
    model = window.span_model
    return [model.span_at(r).id for r in range(model.rowCount())]  # type: ignore[union-attr]


def mark_all(window: MainWindow) -> None:
    """Ctrl+M's command, confirmed as Enter would (it asks first)."""
    window.marking.mark_all_occurrences()
    dialog = window.marking.mark_all_dialog
    assert dialog is not None
    dialog.accept()


def test_span_list_follows_edits_row_by_row(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Kim met Lee in Seoul. Kim left Seoul.\nMenu\nMore menu\n")
    window = open_window(tmp_path / "c")
    session = window.session
    assert session is not None
    resets: list[int] = []
    window.span_model.modelReset.connect(lambda: resets.append(1))

    def check() -> None:
        assert rows(window) == [s.id for s in sorted_spans(session.spans)]
        for row, span_id in enumerate(rows(window)):
            assert window.span_model.row_of(span_id) == row
            assert window.span_model.span_at(row) is session.span(span_id)
        current = window.current_span
        selected = window.span_table.selectionModel().currentIndex().row()
        assert current is None or selected == window.span_model.row_of(current)

    def select_and(start: int, end: int, label: str) -> None:
        window.view.select_cp(start, end)
        window.mark_label(label)

    steps: list[Callable[[], object]] = [
        lambda: select_and(22, 25, "PER"),  # the second Kim, before the first in the file
        lambda: select_and(0, 3, "PER"),
        lambda: select_and(15, 20, "LOC"),
        lambda: window.mark_label("ORG"),  # relabel the current span in place
        lambda: window.run_edit(lambda s: s.move_edge(window.current_span or "", "start", 1)),
        lambda: mark_all(window),
        lambda: select_and(38, 42, "boilerplate"),
        lambda: select_and(40, 52, "boilerplate"),  # merged with the one above
        lambda: window.marking.delete_current(),
    ]
    for step in steps:
        step()
        check()
    while session.history.can_undo:
        window.undo()
        check()
    while session.history.can_redo:
        window.redo()
        check()
    assert resets == []  # never a reset of the whole list for an edit


def test_hidden_clean_text_is_computed_when_shown(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Title\nBody text.\nMenu")
    window = open_window(tmp_path / "c")
    window.doc_dock.raise_()  # the clean text is the tab behind the document panel
    qtbot.waitUntil(lambda: window.preview.visibleRegion().isEmpty())
    calls: list[int] = []
    session = window.session
    assert session is not None
    original = session.clean_preview

    def counted() -> str:
        calls.append(1)
        return original()

    session.clean_preview = counted  # type: ignore[method-assign]
    window.view.select_cp(0, 16)
    window.mark_label("article")
    window.view.select_cp(0, 5)
    window.mark_label("title")
    # The problems panel is on screen: it follows after the pause.
    window.view.select_cp(17, 21)
    window.mark_label("title")  # a title outside any article: a problem
    qtbot.waitUntil(lambda: window.problem_list.count() == 1)
    assert "must lie inside article" in window.problem_list.item(0).text()
    assert calls == [] and window.preview.toPlainText() == ""
    window.preview_dock.raise_()
    qtbot.waitUntil(lambda: calls == [1])
    assert window.preview.toPlainText().splitlines()[1:] == ["Title", "Body text."]
    # Shown and current: another raise does not compute it again.
    window.doc_dock.raise_()
    window.preview_dock.raise_()
    qtbot.wait(50)
    assert calls == [1]
