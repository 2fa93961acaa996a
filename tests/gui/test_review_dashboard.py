"""The agreement dashboard of review mode: its tables hold compute_agreement's numbers."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from annotator.agreement import compute_agreement
from annotator.corpus import Corpus
from annotator.gui.dashboard import BAR_COLOR, LOW_COLOR, VALUE_ROLE, FigureTableModel
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewController
from annotator.gui.review_state import document_agreement

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NAMES = ["alice", "bob"]
SEED = "000_2c3ea0c0f783ca12"


def cell(model: FigureTableModel, row: int, key: str) -> object:
    column = next(i for i, c in enumerate(model.columns) if c.key == key)
    return model.data(model.index(row, column), VALUE_ROLE)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)
    return a == b


def assert_labels_shown(model: FigureTableModel, result: dict, names: list[str]) -> int:
    """Every label somebody marked has its row, with compute_agreement's values; the count."""
    shown = 0
    for label, entry in result["labels"].items():
        row = model.find("label", label)
        if not any(entry["n"].values()):
            assert row is None
            continue
        assert row is not None, label
        shown += 1
        for key in ("f1_exact", "f1_overlap", "alpha_u"):
            assert same(cell(model, row, key), entry[key]), (label, key)
        assert cell(model, row, "layer") == entry["layer"]
        for name in names:
            assert cell(model, row, f"n.{name}") == entry["n"][name]
    assert model.rowCount() == shown
    return shown


def test_dashboard_shows_compute_agreements_figures(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    window, review = open_review(root)
    dashboard = review.dashboard
    assert dashboard.corpus_result is None  # nothing measured while hidden
    qtbot.keyClick(window.view, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(dashboard.isVisible)

    expected = compute_agreement(Corpus.open(root), NAMES)
    pane = dashboard.corpus_pane
    # One row per label that alice or bob marked at least once, counted here from their own
    # files rather than from compute_agreement's result (which the rows are checked against).
    corpus = Corpus.open(root)
    used = set()
    for name in NAMES:
        for doc in corpus.annotated_ids(name):
            loaded = corpus.load_annotation(name, doc)
            assert loaded is not None and loaded.annotation is not None, (name, doc)
            used |= {s.label for s in loaded.annotation.spans}
    assert used and assert_labels_shown(pane.label_model, expected, NAMES) == len(used)
    overall = pane.overall_model
    for key in ("f1_exact", "f1_overlap", "alpha_u"):
        row = overall.find("key", key)
        assert row is not None and same(cell(overall, row, "value"), expected["overall"][key])
    for layer, value in expected["kappa_char"].items():
        row = overall.find("key", f"kappa_char.{layer}")
        assert row is not None and same(cell(overall, row, "value"), value)
    row = overall.find("key", "doc_labels.page_type")
    assert row is not None and same(
        cell(overall, row, "value"), expected["doc_labels"]["page_type"]["alpha"]
    )
    assert f"on {expected['documents']} documents" in pane.summary.text()
    assert [r["doc_id"] for r in expected["disputed"]] == [
        cell(pane.disputed_model, r, "doc_id") for r in range(pane.disputed_model.rowCount())
    ]
    assert not pane.pair_table.isVisible()  # two annotators: the pair is the overall figures

    # This document's figures: compute_agreement on the document alone.
    doc_expected = document_agreement(Corpus.open(root), SEED, NAMES)
    assert doc_expected["documents"] == 1
    assert_labels_shown(dashboard.document_pane.label_model, doc_expected, NAMES)
    misc = dashboard.document_pane.label_model.find("label", "MISC")
    assert misc is not None
    assert not same(
        cell(dashboard.document_pane.label_model, misc, "f1_exact"),
        expected["labels"]["MISC"]["f1_exact"],
    )

    # Another document: the document figures follow (the dashboard is showing).
    other = "aeb-e7994d550087"
    assert window.open_document(other)
    assert dashboard.doc_id == other
    assert_labels_shown(
        dashboard.document_pane.label_model,
        document_agreement(Corpus.open(root), other, NAMES),
        NAMES,
    )

    # Unfinished documents on request: the numbers move with them.
    data = orjson.loads((root / "annotations" / "bob" / f"{other}.json").read_bytes())
    data["status"] = "in_progress"
    (root / "annotations" / "bob" / f"{other}.json").write_bytes(orjson.dumps(data))
    dashboard.include_unfinished.setChecked(False)
    dashboard.invalidate(corpus=True)
    assert dashboard.corpus_result is not None and dashboard.corpus_result["documents"] == 2
    dashboard.include_unfinished.setChecked(True)
    with_unfinished = compute_agreement(Corpus.open(root), NAMES, include_unfinished=True)
    assert with_unfinished["documents"] == 3
    assert_labels_shown(pane.label_model, with_unfinished, NAMES)

    # The most disputed documents open on double-click.
    row = pane.disputed_model.find("doc_id", "rtp-yahoo-4")
    assert row is not None
    pane.disputed_table.doubleClicked.emit(pane.disputed_model.index(row, 0))
    assert window.session is not None and window.session.doc_id == "rtp-yahoo-4"


def test_score_cells_are_drawn_as_bars(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    _window, review = open_review(root)
    review.show_dashboard()
    table = review.dashboard.corpus_pane.label_table
    model = review.dashboard.corpus_pane.label_model
    row = model.find("label", "PER")  # F1 about 0.99: a bar over nearly the whole cell
    assert row is not None
    column = next(i for i, c in enumerate(model.columns) if c.key == "f1_exact")
    zero = model.find("label", "subtitle")  # exact F1 0: alice and bob split it differently
    assert zero is not None and cell(model, zero, "f1_exact") == 0.0
    table.clearSelection()
    table.window().resize(1400, 1000)
    review.dashboard_dock.setMinimumHeight(400)

    def shown(r: int) -> bool:
        table.scrollTo(model.index(r, column))
        return table.viewport().rect().contains(table.visualRect(model.index(r, column)))

    for r in (row, zero):
        qtbot.waitUntil(lambda r=r: shown(r))
        rect = table.visualRect(model.index(r, column))
        image = table.viewport().grab().toImage()
        y = rect.center().y()
        left, third = (
            QColor(image.pixel(rect.left() + 5, y)),
            QColor(image.pixel(rect.left() + rect.width() // 3, y)),
        )
        if r == row:
            assert left == BAR_COLOR and third == BAR_COLOR
        else:
            assert left not in (BAR_COLOR, LOW_COLOR)
    # A label column is plain text: no bar there.
    text_rect = table.visualRect(model.index(row, 0))
    assert QColor(image.pixel(text_rect.left() + 2, text_rect.top() + 2)) != BAR_COLOR


def test_three_annotators_keys_and_pairs(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _seed = demo_copy
    # carol: alice's annotations with the first span dropped (a third opinion).
    (root / "annotations" / "carol").mkdir()
    for path in (root / "annotations" / "alice").glob("*.json"):
        data = orjson.loads(path.read_bytes())
        data["annotator"] = "carol"
        data["spans"] = data["spans"][1:]
        (root / "annotations" / "carol" / path.name).write_bytes(orjson.dumps(data))
    names = ["alice", "bob", "carol"]
    window, review = open_review(root, names=names)
    assert review.model.headerData(5, Qt.Orientation.Horizontal) == "3: carol"
    assert [k.toString() for k in window.actions_by_name["Take carol's side (3)"].shortcuts()] == [
        "3"
    ]
    dashboard = review.show_dashboard()
    expected = compute_agreement(Corpus.open(root), names)
    pane = dashboard.corpus_pane
    assert_labels_shown(pane.label_model, expected, names)
    assert pane.pair_table.isVisible() and pane.pair_model.rowCount() == 3
    for r, pair in enumerate(expected["pairs"]):
        assert (cell(pane.pair_model, r, "a"), cell(pane.pair_model, r, "b")) == (
            pair["a"],
            pair["b"],
        )
        assert same(cell(pane.pair_model, r, "f1_exact"), pair["overall"]["f1_exact"])
        for layer, value in pair["kappa_char"].items():
            assert same(cell(pane.pair_model, r, f"kappa.{layer}"), value)
    # Take carol's side everywhere: gold becomes carol's annotation of the page.
    qtbot.keyClick(window.view, Qt.Key.Key_3, CTRL | SHIFT)
    carol = orjson.loads((root / "annotations" / "carol" / f"{SEED}.json").read_bytes())
    assert sorted((s.start, s.end, s.label) for s in window.session.spans) == sorted(  # type: ignore[union-attr]
        (s["start"], s["end"], s["label"]) for s in carol["spans"]
    )
