"""The ghosts drawn follow each edit without being rebuilt (issue #11, performance): a mark
on a suggestion's place hides its ghost, the undo brings it back, only there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.corpus import Corpus
from annotator.edits import make_span
from annotator.gui.main_window import MainWindow
from tests.conftest import add_text

pytestmark = pytest.mark.gui

TEXT = "Kim met Lee and Park in Seoul."


@pytest.fixture
def suggested(tmp_path: Path) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="ghosts")
    add_text(corpus, "d", TEXT)
    annotation = corpus.new_annotation("suggestions", "d", TEXT)
    for i, word in enumerate(["Kim", "Lee", "Park"], 1):
        start = TEXT.index(word)
        annotation.spans.append(make_span(TEXT, start, start + len(word), "PER", f"g{i}"))
    corpus.save_annotation(annotation)
    return tmp_path / "c"


def test_marking_and_undoing_on_a_ghost_redraws_only_that_ghost(
    qtbot, open_window: Callable[..., MainWindow], suggested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(suggested)
    view = window.view
    kim, lee, park = (TEXT.index(w) for w in ("Kim", "Lee", "Park"))
    assert [view.ghost_ids_at(p) for p in (kim, lee, park)] == [["g1"], ["g2"], ["g3"]]
    rebuilt: list[int] = []
    real = view.set_ghost_spans
    monkeypatch.setattr(view, "set_ghost_spans", lambda spans: (rebuilt.append(len(spans)), real(spans)))

    view.setFocus()
    view.select_cp(lee, lee + 3)
    QTest.keyClick(view, Qt.Key.Key_P)  # PER on "Lee": that suggestion is taken
    assert any((s.start, s.label) == (lee, "PER") for s in window.session.spans)  # type: ignore[union-attr]
    assert [view.ghost_ids_at(p) for p in (kim, lee, park)] == [["g1"], [], ["g3"]]
    assert [g.id for g in window.suggestions.shown()] == ["g1", "g3"]

    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: pending again
    assert [view.ghost_ids_at(p) for p in (kim, lee, park)] == [["g1"], ["g2"], ["g3"]]
    assert [g.id for g in window.suggestions.shown()] == ["g1", "g2", "g3"]

    view.select_cp(kim, kim)
    QTest.keyClick(view, Qt.Key.Key_Return)  # accept "Kim"
    assert view.ghost_ids_at(kim) == [] and view.ghost_ids_at(park) == ["g3"]
    assert [g.id for g in window.suggestions.shown()] == ["g2", "g3"]
    assert rebuilt == []  # each edit moved single ghosts; the drawn set was never rebuilt
