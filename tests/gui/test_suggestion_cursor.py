"""Which suggestion the keys act on (:class:`SuggestionCursor`), found by bisecting the shown
list in text order, and the selection after the last suggestion is accepted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.corpus import Corpus
from annotator.edits import make_span
from annotator.gui.main_window import MainWindow
from annotator.gui.suggestions import SuggestionCursor
from annotator.model import Span
from annotator.session import sorted_spans
from tests.conftest import add_text

pytestmark = pytest.mark.gui

TEXT = "Kim met Lee and Park in Seoul, South Korea."


def ghosts() -> list[Span]:
    """Shown suggestions in text order, one nested in another ("Seoul" in "Seoul, South")."""
    places = [("Kim", "PER"), ("Lee", "PER"), ("Park", "PER"), ("Seoul, South", "LOC"), ("Seoul", "LOC")]
    spans = []
    for i, (word, label) in enumerate(places, 1):
        start = TEXT.index(word)
        spans.append(make_span(TEXT, start, start + len(word), label, f"g{i}"))
    return sorted_spans(spans)


def texts(spans: list[Span | None]) -> list[str | None]:
    return [s.text if s else None for s in spans]


def test_step_from_the_cursor_and_from_the_current_one() -> None:
    shown = ghosts()
    cursor = SuggestionCursor()
    at_and = TEXT.index("and")
    assert texts([cursor.step(shown, 1, at_and)]) == ["Park"]  # the first at or after
    assert texts([cursor.step(shown, 1, 0), cursor.step(shown, 1, 0)]) == ["Seoul, South", "Seoul"]
    assert texts([cursor.step(shown, 1, 0)]) == ["Kim"]  # from the current one, cycling
    cursor.clear()
    assert texts([cursor.step(shown, -1, at_and)]) == ["Lee"]  # the last before
    cursor.clear()
    assert texts([cursor.step(shown, -1, 0)]) == ["Seoul"]  # none before: the last
    cursor.clear()
    assert texts([cursor.step(shown, 1, len(TEXT))]) == ["Kim"]  # none after: the first
    assert cursor.step([], 1, 0) is None and cursor.current is None


def test_target_is_the_current_one_while_shown_else_the_innermost_at_the_cursor() -> None:
    shown = ghosts()
    cursor = SuggestionCursor()
    seoul = TEXT.index("Seoul")
    assert texts([cursor.target(shown, seoul + 1)]) == ["Seoul"]  # innermost of the two
    assert texts([cursor.target(shown, TEXT.index("South"))]) == ["Seoul, South"]
    assert cursor.target(shown, TEXT.index("met")) is None
    cursor.step(shown, 1, TEXT.index("Lee"))
    assert texts([cursor.target(shown, 0)]) == ["Lee"]  # the current one, wherever the cursor
    without_lee = [g for g in shown if g.text != "Lee"]  # accepted meanwhile: not shown
    assert texts([cursor.target(without_lee, 0)]) == ["Kim"]


def test_accepting_the_last_suggestion_leaves_the_cursor_after_it(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="sugg")
    add_text(corpus, "d", TEXT)
    annotation = corpus.new_annotation("suggestions", "d", TEXT)
    annotation.spans = ghosts()[:2]  # Kim, Lee
    corpus.save_annotation(annotation)
    window = open_window(tmp_path / "c", autosave_ms=600_000)
    view = window.view
    view.select_cp(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Kim accepted: on to Lee
    lee = TEXT.index("Lee")
    assert view.selection_cp() == (lee, lee + 3)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Lee accepted: none left
    assert view.selection_cp() == (lee + 3, lee + 3)
    assert [(s.text, s.label) for s in sorted_spans(window.session.spans)] == [("Kim", "PER"), ("Lee", "PER")]  # type: ignore[union-attr]
    assert window.suggestions.shown() == [] and window.messages[-1] == "Accepted 1 PER suggestion"
