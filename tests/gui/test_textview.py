"""The span text view: offsets, navigation, drawing (the formats Qt really gets), clicks."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.default_scheme import news_scheme
from annotator.edits import AddSpan, Change, History, RemoveSpan, UpdateSpan, make_span
from annotator.gui.offsets import OffsetMap
from annotator.gui.textview import SpanTextView, span_style
from annotator.model import Annotation, Span
from annotator.rules import sha256_text

SCHEME = news_scheme()


@pytest.fixture
def view(qtbot: QtBot) -> SpanTextView:
    widget = SpanTextView()
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    widget.setCursorWidth(0)  # no blinking cursor in pixel comparisons
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def span(text: str, needle: str, label: str, span_id: str, nth: int = 0) -> Span:
    """A span over the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return make_span(text, start, start + len(needle), label, span_id)


def block_ranges(view: SpanTextView, block_number: int) -> list[tuple[int, int, object]]:
    """(start, length, format) of the formats Qt holds for a block, after a real paint."""
    view.grab()
    block = view.document().findBlockByNumber(block_number)
    return [(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()]


def backgrounds(view: SpanTextView, block_number: int, color: QColor) -> list[tuple[int, int]]:
    return [
        (start, length)
        for start, length, fmt in block_ranges(view, block_number)
        if fmt.background().style() != Qt.BrushStyle.NoBrush and fmt.background().color() == color
    ]


def viewport_image(view: SpanTextView) -> QImage:
    return view.viewport().grab().toImage()


def char_center(view: SpanTextView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point ``cp``."""
    omap = OffsetMap(view.text())
    cursor = QTextCursor(view.document())
    cursor.setPosition(omap.to_utf16(cp))
    left = view.cursorRect(cursor)
    cursor.setPosition(omap.to_utf16(cp + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


# ---------------------------------------------------------------- positions


def test_select_cp_round_trip_across_emoji(view: SpanTextView, qtbot: QtBot) -> None:
    text = "a😀b😀c\nnext"
    view.set_document(text, [], SCHEME)
    with qtbot.waitSignal(view.selectionChangedCp) as blocker:
        view.select_cp(1, 4)
    assert blocker.args == [1, 4]
    assert view.selection_cp() == (1, 4)
    assert view.textCursor().selectedText() == "😀b😀"  # Qt holds the whole pairs
    assert view.textCursor().selectionEnd() == 6  # 3 code points + 2 surrogate extras
    assert view.cursor_cp() == 4


def test_keyboard_selection_reports_code_points(view: SpanTextView, qtbot: QtBot) -> None:
    view.set_document("a😀b", [], SCHEME)
    view.select_cp(1, 1)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_cp() == (1, 2)  # the emoji is one character, not two
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_cp() == (1, 3)


def test_selection_cp_without_selection_is_the_cursor(view: SpanTextView) -> None:
    view.set_document("😀😀 abc", [], SCHEME)
    view.select_cp(4, 4)
    assert view.selection_cp() == (4, 4)
    view.select_cp(5, 2)  # backwards: anchor 5, cursor 2
    assert view.selection_cp() == (2, 5)
    assert view.cursor_cp() == 2


def test_line_range_cp(view: SpanTextView) -> None:
    text = "one\ntwo\nthree\nfour"
    view.set_document(text, [], SCHEME)
    view.select_cp(5, 9)  # "wo\nt": touches lines two and three
    start, end = view.line_range_cp()
    assert text[start:end] == "two\nthree"
    view.select_cp(4, 8)  # all of "two\n": ends at the start of "three", which it does not touch
    assert text[slice(*view.line_range_cp())] == "two"
    view.select_cp(10, 10)  # just a cursor
    assert text[slice(*view.line_range_cp())] == "three"
    view.select_cp(16, 16)
    assert view.line_range_cp() == (14, 18)  # the last line has no "\n"
    view.select_cp(0, len(text))
    assert view.line_range_cp() == (0, len(text))


def test_line_range_cp_after_emoji(view: SpanTextView) -> None:
    text = "😀😀\nπ😀 line\nend"
    view.set_document(text, [], SCHEME)
    view.select_cp(5, 6)
    start, end = view.line_range_cp()
    assert text[start:end] == "π😀 line"


def test_move_lines(view: SpanTextView) -> None:
    text = "l0\nline1\n\nl3"
    view.set_document(text, [], SCHEME)
    view.move_lines(1)
    assert view.cursor_cp() == 3
    view.move_lines(2)
    assert view.cursor_cp() == 10
    view.move_lines(5)  # past the last line: the end of the text
    assert view.cursor_cp() == len(text)
    view.select_cp(5, 5)
    view.move_lines(-1)  # inside a line: first to its start
    assert view.cursor_cp() == 3
    view.move_lines(-1)
    assert view.cursor_cp() == 0
    view.move_lines(1, extend=True)
    view.move_lines(1, extend=True)
    assert view.selection_cp() == (0, 9)


def test_move_blocks(view: SpanTextView) -> None:
    text = "p1 a\np1 b\n\np2\n \n\np3 a\np3 b"
    starts = [0, text.index("p2"), text.index("p3 a")]
    view.set_document(text, [], SCHEME)
    view.move_blocks(1)
    assert view.cursor_cp() == starts[1]
    view.move_blocks(1)
    assert view.cursor_cp() == starts[2]
    view.move_blocks(1)
    assert view.cursor_cp() == len(text)
    view.move_blocks(-1)
    assert view.cursor_cp() == starts[2]
    view.move_blocks(-2)
    assert view.cursor_cp() == starts[0]
    view.move_blocks(2, extend=True)  # select two paragraphs (and the blank lines after)
    start, end = view.selection_cp()
    assert text[start:end] == "p1 a\np1 b\n\np2\n \n\n"


def test_span_ids_at_outermost_first(view: SpanTextView) -> None:
    text = "Title line\nSeoul caption Kim Jong\nbody text"
    spans = [
        span(text, "Kim", "PER", "per"),
        span(text, "Seoul caption Kim Jong", "boilerplate", "bp"),
        make_span(text, 0, len(text), "article", "art"),
        span(text, "Title", "title", "title"),
    ]
    view.set_document(text, spans, SCHEME)
    assert view.span_ids_at(text.index("Kim") + 1) == ["art", "bp", "per"]
    assert view.span_ids_at(1) == ["art", "title"]
    assert view.span_ids_at(text.index("body")) == ["art"]
    assert view.span_ids_at(len(text)) == []


def test_find_text(view: SpanTextView) -> None:
    text = "Apple apple\nAPPLE 😀 apple"
    view.set_document(text, [], SCHEME)
    found = []
    for _ in range(5):
        assert view.find_text("apple")
        found.append(view.selection_cp())
    assert found == [(0, 5), (6, 11), (12, 17), (20, 25), (0, 5)]  # wraps around
    view.select_cp(0, 0)
    assert view.find_text("apple", case_sensitive=True)
    assert view.selection_cp() == (6, 11)
    assert view.find_text("apple", backward=True)
    assert view.selection_cp() == (0, 5)  # "Apple" matches without case
    assert view.find_text("apple", backward=True, case_sensitive=True)
    assert view.selection_cp() == (20, 25)  # wrapped backwards to the last one
    assert view.find_text("APPLE", backward=True, case_sensitive=True)
    assert view.selection_cp() == (12, 17)
    assert not view.find_text("pear")
    assert view.selection_cp() == (12, 17)


def test_carriage_returns_keep_offsets(view: SpanTextView) -> None:
    # Qt would merge "\r\n" into one separator and shift every later offset by one.
    text = "first\r\nsecond Kim\rthird"
    spans = [span(text, "Kim", "PER", "per")]
    view.set_document(text, spans, SCHEME)
    assert view.document().characterCount() - 1 == len(text)
    color = view.format_for("PER").background().color()
    block = view.document().findBlock(text.index("Kim"))
    rel = text.index("Kim") - block.position()
    assert backgrounds(view, block.blockNumber(), color) == [(rel, 3)]
    assert view.span_ids_at(text.index("Kim")) == ["per"]


# ---------------------------------------------------------------- formats


def test_entity_background_covers_exactly_its_characters(view: SpanTextView) -> None:
    text = "intro line\n😀 met 🎉 Kim today, 박지성 too\n"
    spans = [span(text, "Kim", "PER", "p1"), span(text, "박지성", "PER", "p2")]
    view.set_document(text, spans, SCHEME)
    color = view.format_for("PER").background().color()
    assert color.isValid()
    line = text.split("\n")[1]
    kim16 = len(line[: line.index("Kim")].encode("utf-16-le")) // 2
    park16 = len(line[: line.index("박지성")].encode("utf-16-le")) // 2
    assert kim16 == line.index("Kim") + 2  # two emoji before it, two extra units
    assert backgrounds(view, 1, color) == [(kim16, 3), (park16, 3)]
    assert backgrounds(view, 0, color) == []


def test_boilerplate_greyed_and_parts_underlined(view: SpanTextView) -> None:
    text = "Big title\nPhoto: caption with Kim\nbody"
    spans = [
        make_span(text, 0, len(text), "article", "art"),
        span(text, "Big title", "title", "t"),
        span(text, "Photo: caption with Kim", "boilerplate", "bp"),
        span(text, "Kim", "PER", "per"),
    ]
    view.set_document(text, spans, SCHEME)
    title = block_ranges(view, 0)
    assert [(s, n) for s, n, f in title if f.fontUnderline()] == [(0, 9)]
    underline = next(f for _, _, f in title if f.fontUnderline())
    assert underline.underlineColor() == QColor(SCHEME.label("title").color)
    ranges = block_ranges(view, 1)
    grey = [(s, n) for s, n, f in ranges if f.foreground().style() != Qt.BrushStyle.NoBrush]
    assert grey == [(0, len("Photo: caption with Kim"))]
    per = view.format_for("PER").background().color()
    assert backgrounds(view, 1, per) == [(len("Photo: caption with "), 3)]
    # The article itself puts no format on the text (it is a bar in the margin).
    assert block_ranges(view, 2) == []


def test_styles_follow_the_scheme() -> None:
    styles = {label.name: span_style(SCHEME, label.name) for label in SCHEME.labels()}
    assert styles == {
        "article": "bar",
        "boilerplate": "grey",
        "title": "underline",
        "subtitle": "underline",
        "byline": "underline",
        "date": "underline",
        "PER": "background",
        "ORG": "background",
        "LOC": "background",
        "MISC": "background",
    }
    assert span_style(SCHEME, "not-in-scheme") == "background"


def test_hidden_layers(view: SpanTextView) -> None:
    text = "Kim works at Samsung\nline two"
    spans = [span(text, "Kim", "PER", "per"), span(text, "Samsung", "ORG", "org")]
    view.set_document(text, spans, SCHEME)
    per = view.format_for("PER").background().color()
    assert backgrounds(view, 0, per) == [(0, 3)]
    view.set_hidden_layers({"entity"})
    assert backgrounds(view, 0, per) == []
    assert block_ranges(view, 0) == []
    assert view.span_ids_at(1) == []
    view.set_hidden_layers(set())
    assert backgrounds(view, 0, per) == [(0, 3)]
    assert view.span_ids_at(1) == ["per"]


def test_unknown_label_is_still_drawn(view: SpanTextView) -> None:
    text = "a strange label"
    view.set_document(text, [span(text, "strange", "WEIRD", "w")], SCHEME)
    color = view.format_for("WEIRD").background().color()
    assert backgrounds(view, 0, color) == [(2, 7)]


def test_spans_outside_the_text_are_skipped(view: SpanTextView) -> None:
    text = "short"
    bad = Span(id="bad", start=3, end=40, label="PER", text="x" * 37)
    good = span(text, "sh", "PER", "good")
    view.set_document(text, [bad, good], SCHEME)
    color = view.format_for("PER").background().color()
    assert backgrounds(view, 0, color) == [(0, 2)]


# ---------------------------------------------------------------- incremental updates


def _lines_doc(n: int) -> str:
    return "\n".join(f"line {i:03d} with Kim and Lee" for i in range(n))


def _record_formatting(view: SpanTextView, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = view._apply_block_formats

    def spy(block: object) -> None:
        calls.append(block.blockNumber())  # type: ignore[attr-defined]
        original(block)  # type: ignore[arg-type]

    monkeypatch.setattr(view, "_apply_block_formats", spy)
    return calls


def test_update_spans_touches_only_the_changed_blocks(
    view: SpanTextView, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _lines_doc(400)
    spans = [span(text, "Kim", "PER", f"k{i}", nth=i) for i in range(0, 400, 2)]
    annotation = Annotation(
        doc_id="d", text_sha256=sha256_text(text), annotator="alice", spans=list(spans)
    )
    history = History(annotation)
    view.set_document(text, annotation.spans, SCHEME)
    view.grab()
    calls = _record_formatting(view, monkeypatch)
    per = view.format_for("PER").background().color()
    lee = text.split("\n")[3].index("Lee")

    change = history.run(AddSpan(span(text, "Lee", "PER", "new", nth=3)))
    view.update_spans(annotation.spans, change)
    assert backgrounds(view, 3, per) == [(lee, 3)]
    assert calls == [3]

    calls.clear()
    change = history.run(UpdateSpan(text, "new", label="ORG"))
    view.update_spans(annotation.spans, change)
    org = view.format_for("ORG").background().color()
    assert backgrounds(view, 3, org) == [(lee, 3)]
    assert calls == [3]

    calls.clear()
    change = history.undo()
    assert change is not None
    view.update_spans(annotation.spans, change)
    assert backgrounds(view, 3, per) == [(lee, 3)]
    assert calls == [3]

    calls.clear()
    change = history.run(RemoveSpan("k2"))  # the Kim on line 2
    view.update_spans(annotation.spans, change)
    assert backgrounds(view, 2, per) == []
    assert calls == [2]


def test_offscreen_edit_is_formatted_when_scrolled_to(
    view: SpanTextView, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _lines_doc(400)
    spans: list[Span] = []
    view.set_document(text, spans, SCHEME)
    view.grab()
    calls = _record_formatting(view, monkeypatch)
    spans.append(span(text, "Kim", "PER", "far", nth=350))
    view.update_spans(spans, Change(added=frozenset({"far"})))
    view.grab()
    assert calls == []  # not visible: nothing formatted yet
    view.set_current_span("far")
    per = view.format_for("PER").background().color()
    assert backgrounds(view, 350, per) == [(len("line 350 with "), 3)]
    assert 350 in calls
    assert len(calls) < 60  # only the newly visible blocks, not the document


def test_inconsistent_change_falls_back_to_the_span_list(view: SpanTextView) -> None:
    text = "Kim and Lee"
    view.set_document(text, [], SCHEME)
    spans = [span(text, "Lee", "PER", "lee")]
    view.update_spans(spans, Change(added=frozenset({"not-there"})))
    per = view.format_for("PER").background().color()
    assert backgrounds(view, 0, per) == [(8, 3)]
    assert view.span_ids_at(9) == ["lee"]


def test_many_spans_in_long_and_short_blocks(view: SpanTextView) -> None:
    # Spans over many lines (kept apart from the per-line buckets) and edits of both kinds.
    text = _lines_doc(300)
    long_bp = make_span(text, 0, text.index("line 200"), "boilerplate", "bp")
    spans = [long_bp, *(span(text, "Kim", "PER", f"k{i}", nth=i) for i in range(300))]
    view.set_document(text, spans, SCHEME)
    assert view.span_ids_at(text.index("Kim")) == ["bp", "k0"]
    assert view.span_ids_at(text.index("line 250")) == []
    spans = [s for s in spans if s.id != "bp"]
    view.update_spans(spans, Change(removed=frozenset({"bp"})))
    assert view.span_ids_at(text.index("Kim")) == ["k0"]
    assert block_ranges(view, 0)[0][0] == len("line 000 with ")  # the grey is gone
    new_bp = make_span(text, text.index("line 100"), len(text), "boilerplate", "bp2")
    spans.append(new_bp)
    view.update_spans(spans, Change(added=frozenset({"bp2"})))
    assert view.span_ids_at(text.index("Kim", text.index("line 299"))) == ["bp2", "k299"]


# ---------------------------------------------------------------- painting


def char_box(view: SpanTextView, start: int, end: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in viewport pixels of the characters [start, end) on one line."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(start)
    left = view.cursorRect(cursor)
    cursor.setPosition(end)
    right = view.cursorRect(cursor)
    return left.x(), left.top(), right.x(), left.bottom()


def pixels_of(image: QImage, box: tuple[int, int, int, int], color: QColor) -> int:
    """How many pixels inside ``box`` (inclusive) have exactly ``color``.

    Compared as RGB values: QColor's ``==`` also compares the colour spec, and ``darker()``
    answers in another spec than a pixel."""
    x0, y0, x1, y1 = box
    rgb = color.rgb()
    return sum(
        image.pixelColor(x, y).rgb() == rgb
        for x in range(max(x0, 0), min(x1, image.width() - 1) + 1)
        for y in range(max(y0, 0), min(y1, image.height() - 1) + 1)
    )


def test_current_span_outline_and_ghosts_paint(view: SpanTextView) -> None:
    """The outline, the ghosts' dashed outline and the review lines are drawn in their colour
    at their span's place, and nowhere else."""
    text = "Kim met Lee in Seoul\nnext line"
    spans = [span(text, "Kim", "PER", "kim"), span(text, "Seoul", "LOC", "seoul")]
    view.set_document(text, spans, SCHEME)
    per = QColor(SCHEME.label("PER").color)
    outline = per.darker(130)
    kim = char_box(view, 0, 3)
    lee = char_box(view, 8, 11)
    seoul = char_box(view, 15, 20)

    def edge(box: tuple[int, int, int, int], side: str) -> tuple[int, int, int, int]:
        """A 5-pixel-wide strip around one vertical edge of ``box``, its middle half."""
        x = box[0] if side == "left" else box[2]
        quarter = (box[3] - box[1]) // 4
        return x - 3, box[1] + quarter, x + 2, box[3] - quarter

    plain = viewport_image(view)
    assert pixels_of(plain, edge(kim, "left"), outline) == 0
    view.set_current_span("kim")
    outlined = viewport_image(view)
    # A 2-pixel pen in PER's colour darkened, down both sides of "Kim".
    for side in ("left", "right"):
        assert pixels_of(outlined, edge(kim, side), outline) >= 2 * (kim[3] - kim[1]) // 2 - 2, side
    assert pixels_of(outlined, (lee[0] - 3, lee[1], seoul[2] + 3, seoul[3]), outline) == 0
    view.set_current_span("no-such-span")
    view.set_current_span(None)
    assert viewport_image(view) == plain

    # A suggestion: a dashed outline in the label's own colour around "Lee" only.
    view.set_ghost_spans([span(text, "Lee", "PER", "g1")])
    ghosted = viewport_image(view)
    assert pixels_of(ghosted, (lee[0] - 3, lee[1] - 2, lee[2] + 3, lee[1] + 1), per) > 0
    assert pixels_of(plain, (lee[0] - 3, lee[1] - 2, lee[2] + 3, lee[1] + 1), per) == 0
    view.set_ghost_spans([])

    # Review lines under each annotator's spans: alice's (first) on the bottom row under
    # "Lee", bob's three pixels higher under "Kim"; nothing under "Lee" from bob.
    view.set_compare_spans({"alice": [span(text, "Lee", "PER", "a1")], "bob": spans})
    compared = viewport_image(view)
    mid_lee = (lee[0] + lee[2]) // 2
    mid_kim = (kim[0] + kim[2]) // 2
    assert pixels_of(compared, (mid_lee, lee[3] - 3, mid_lee, lee[3] + 1), per) >= 2
    assert pixels_of(compared, (mid_kim, kim[3] - 6, mid_kim, kim[3] - 2), per) >= 2
    assert pixels_of(plain, (mid_lee, lee[3] - 6, mid_lee, lee[3] + 1), per) == 0
    view.set_compare_spans({})
    assert viewport_image(view) == plain


def test_current_span_is_scrolled_into_view(view: SpanTextView) -> None:
    text = _lines_doc(500)
    spans = [span(text, "Lee", "PER", "far", nth=420)]
    view.set_document(text, spans, SCHEME)
    view.grab()
    view.set_current_span("far")
    view.grab()
    block = view.document().findBlockByNumber(420)
    top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
    assert 0 <= top < view.viewport().height() - 10
    assert view.cursor_cp() == 0  # the cursor (and selection) did not move


def test_article_bars_in_the_margin(view: SpanTextView, qtbot: QtBot) -> None:
    text = "\n".join(f"line {i}" for i in range(12))
    main = make_span(text, 0, len(text), "article", "main")
    teaser = make_span(
        text, text.index("line 4"), text.index("line 7"), "article", "teaser", {"role": "related"}
    )
    view.set_document(text, [main, teaser], SCHEME)
    margin = view._margin
    image = margin.grab().toImage()
    color = QColor(SCHEME.label("article").color)
    block = view.document().findBlockByNumber(5)
    y = int(view.blockBoundingGeometry(block).translated(view.contentOffset()).center().y())
    y += view.viewport().geometry().top() - margin.geometry().top()
    columns = [image.pixelColor(x, y) for x in range(margin.width())]
    assert color in columns  # the main article's bar
    assert sum(1 for c in columns if c != color and c.saturation() > 0) > 0  # the teaser's
    # Outside the teaser only the main bar shows.
    block = view.document().findBlockByNumber(1)
    y1 = int(view.blockBoundingGeometry(block).translated(view.contentOffset()).center().y())
    y1 += view.viewport().geometry().top() - margin.geometry().top()
    row1 = [image.pixelColor(x, y1) for x in range(margin.width())]
    assert [c for c in row1 if c.saturation() > 0 and c != color] == []
    # Clicking the teaser's bar activates it.
    x = next(x for x, c in enumerate(columns) if c != color and c.saturation() > 0)
    with qtbot.waitSignal(view.spanActivated) as blocker:
        qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert blocker.args == ["teaser"]

    # A suggested article is a dashed bar in a column of its own, and not clickable.
    width = margin.width()
    ghost = make_span(text, text.index("line 9"), len(text), "article", "ghost-art")
    view.set_ghost_spans([ghost])
    assert margin.width() > width  # one more column
    block = view.document().findBlockByNumber(10)
    y10 = int(view.blockBoundingGeometry(block).translated(view.contentOffset()).center().y())
    y10 += view.viewport().geometry().top() - margin.geometry().top()
    image = margin.grab().toImage()
    row = [image.pixelColor(x, y10) for x in range(margin.width())]
    ghost_x = [x for x, c in enumerate(row) if c.saturation() > 0 and x > width - 2]
    assert ghost_x  # the dashed outline's sides
    got: list[str] = []
    view.spanActivated.connect(got.append)
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=QPoint(ghost_x[0], y10))
    assert got == []
    view.set_ghost_spans([])
    assert margin.width() == width


@pytest.mark.parametrize(
    "text",
    [
        "שלום עולם, זהו טקסט בעברית עם Kim\nמרحبا بالعالم، هذا نص عربي 123",
        "[서울=뉴스핌] 심지혜 기자 = LG유플러스가 KT와 손잡고 AI 원팀에 합류했다.\n둘째 줄",
    ],
    ids=["rtl", "korean"],
)
def test_rtl_and_korean_render(view: SpanTextView, text: str) -> None:
    spans = [make_span(text, 0, 4, "PER", "p"), make_span(text, 6, 10, "title", "t")]
    view.set_document(text, spans, SCHEME)
    per = view.format_for("PER").background().color()
    assert backgrounds(view, 0, per) == [(0, 4)]
    # And on screen: the PER background in the box of each of the span's characters,
    # wherever the bidi layout put them; none in the title's. (Counted over the box: which
    # of its pixels the glyph covers depends on the fonts the machine has; without a
    # Korean font Hangul is drawn as boxes.)
    viewport = viewport_image(view)

    def painted(cp: int) -> int:
        left, top, right, bottom = char_box(view, cp, cp + 1)
        return pixels_of(viewport, (min(left, right), top, max(left, right) - 1, bottom), per)

    for cp in range(4):
        assert painted(cp) > 0, cp
    assert painted(8) == 0


# ---------------------------------------------------------------- mouse


def _click_and_collect(qtbot: QtBot, view: SpanTextView, point: QPoint) -> list[str]:
    got: list[str] = []
    view.spanActivated.connect(got.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    view.spanActivated.disconnect(got.append)
    return got


def test_click_activates_the_innermost_span(view: SpanTextView, qtbot: QtBot) -> None:
    text = "😀😀 caption: Kim Jong-un 🎉 end\nsecond"
    spans = [
        span(text, "caption: Kim Jong-un", "boilerplate", "bp"),
        span(text, "Kim Jong-un", "PER", "per"),
    ]
    view.set_document(text, spans, SCHEME)
    view.grab()
    with qtbot.waitSignal(view.spanActivated) as blocker:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, text.index("Jong"))
        )
    assert blocker.args == ["per"]
    assert _click_and_collect(qtbot, view, char_center(view, text.index("caption"))) == ["bp"]
    assert _click_and_collect(qtbot, view, char_center(view, text.index("end"))) == []
    # Far right of the first line: past the text, nothing is activated.
    y = char_center(view, 0).y()
    assert _click_and_collect(qtbot, view, QPoint(view.viewport().width() - 5, y)) == []


def test_tooltip_names_the_spans_under_the_mouse(view: SpanTextView) -> None:
    text = "by Kim Jong, Seoul"
    spans = [
        make_span(text, 0, 11, "byline", "by", {"authors": ["Kim Jong"], "agency": "X"}),
        span(text, "Kim Jong", "PER", "per"),
    ]
    view.set_document(text, spans, SCHEME)
    view.set_ghost_spans([span(text, "Kim", "ORG", "g")])
    view.grab()
    tip = view._tooltip_at(char_center(view, 4))
    assert tip.index("byline") < tip.index("PER") < tip.index("suggestion: <b>ORG")
    assert "authors=Kim Jong" in tip
    assert view._tooltip_at(char_center(view, text.index("Seoul"))) == ""
    event = QHelpEvent(
        QHelpEvent.Type.ToolTip, char_center(view, 4), view.mapToGlobal(char_center(view, 4))
    )
    QApplication.sendEvent(view.viewport(), event)  # the real path does not raise


def test_zoom_changes_the_font_size(view: SpanTextView) -> None:
    view.set_document("text", [], SCHEME)
    before = view.font().pointSizeF()
    view.zoom_by(3)
    assert view.font().pointSizeF() > before
    view.zoom_by(-3)
    assert view.font().pointSizeF() == before


def test_view_is_read_only_and_binds_no_letter_keys(view: SpanTextView, qtbot: QtBot) -> None:
    text = "abc def"
    view.set_document(text, [], SCHEME)
    view.setFocus()
    qtbot.keyClicks(view, "pxyz")
    assert view.document().toPlainText() == text
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.cursor_cp() == len(text)


def test_set_document_resets_per_document_state(view: SpanTextView) -> None:
    text = "Kim"
    view.set_document(text, [span(text, "Kim", "PER", "k")], SCHEME)
    view.set_current_span("k")
    view.set_ghost_spans([span(text, "Kim", "PER", "g")])
    view.set_hidden_layers({"part"})
    view.set_document("other text", [], SCHEME)
    assert view.current_span() is None
    assert view.span_ids_at(0) == []
    assert view.hidden_layers() == {"part"}  # a view setting, kept across documents


def test_click_in_right_to_left_text(view: SpanTextView, qtbot: QtBot) -> None:
    text = "שלום עולם יפה מאוד\nمرحبا بالعالم"
    spans = [span(text, "עולם", "LOC", "world"), span(text, "بالعالم", "ORG", "ar")]
    view.set_document(text, spans, SCHEME)
    view.grab()
    assert _click_and_collect(qtbot, view, char_center(view, text.index("עולם") + 1)) == ["world"]
    assert _click_and_collect(qtbot, view, char_center(view, text.index("יפה") + 1)) == []
    assert _click_and_collect(qtbot, view, char_center(view, text.index("بالعالم") + 2)) == ["ar"]


def test_real_korean_seed_page(view: SpanTextView, seed_text: str, qtbot: QtBot) -> None:
    # The page the project started from, with a byline whose offsets the DESIGN gives.
    byline = "[서울=뉴스핌] 심지혜 기자"
    start = seed_text.index(byline)
    spans = [
        make_span(seed_text, start, start + len(byline), "byline", "by"),
        make_span(seed_text, start + 9, start + 12, "PER", "per"),
    ]
    assert spans[1].text == "심지혜"
    view.set_document(seed_text, spans, SCHEME)
    view.set_current_span("by")
    assert not view.grab().isNull()
    block = view.document().findBlock(OffsetMap(seed_text).to_utf16(start))
    rel = start - block.position()  # the seed page is all BMP: units == code points
    per = view.format_for("PER").background().color()
    assert backgrounds(view, block.blockNumber(), per) == [(rel + 9, 3)]
    underlined = [
        (s, n) for s, n, f in block_ranges(view, block.blockNumber()) if f.fontUnderline()
    ]
    assert underlined == [(rel, len(byline))]
    with qtbot.waitSignal(view.spanActivated) as blocker:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, start + 10)
        )
    assert blocker.args == ["per"]


def test_very_long_line_is_painted_not_formatted(view: SpanTextView) -> None:
    # A page without line breaks: one block of 6,000 characters.
    text = ("word " * 1200).strip()
    spans = [make_span(text, 10, 14, "PER", "per"), make_span(text, 20, 60, "boilerplate", "bp")]
    view.set_document(text, spans, SCHEME)
    assert block_ranges(view, 0) == []  # no formats on the huge block...
    image = viewport_image(view)
    per = view.format_for("PER").background().color()
    cursor = QTextCursor(view.document())
    cursor.setPosition(12)
    rect = view.cursorRect(cursor)
    # ...but the span's background is painted: the top row of its box (above the glyphs).
    assert image.pixelColor(rect.x(), rect.top() + 1) == per
    cursor.setPosition(40)
    rect = view.cursorRect(cursor)
    grey = view.format_for("boilerplate").background().color()
    # The boilerplate background with the whitening veil (alpha 150) over it.
    expected = [round(c + (255 - c) * 150 / 255) for c in grey.getRgb()[:3]]
    got = image.pixelColor(rect.x(), rect.top() + 1).getRgb()[:3]
    assert all(abs(a - b) <= 3 for a, b in zip(got, expected, strict=True)), (got, expected)
    assert got != (255, 255, 255)
    assert view.span_ids_at(12) == ["per"]


def test_current_span_deep_in_a_long_line_is_scrolled_into_view(view: SpanTextView) -> None:
    text = "head\n" + ("word " * 3000) + "target " + ("word " * 50)
    start = text.index("target")
    view.set_document(text, [make_span(text, start, start + 6, "PER", "t")], SCHEME)
    view.grab()
    view.set_current_span("t")
    view.grab()
    cursor = QTextCursor(view.document())
    cursor.setPosition(start)
    rect = view.cursorRect(cursor)
    assert rect.top() >= 0 and rect.bottom() <= view.viewport().height()
    # Asking again does not move the view.
    value = view.verticalScrollBar().value()
    view.set_current_span("t")
    assert view.verticalScrollBar().value() == value


def test_a_fresh_view_without_a_document_answers(view: SpanTextView) -> None:
    view.set_ghost_spans([])
    view.set_compare_spans({"alice": []})
    view.set_current_span("nothing")
    view.set_hidden_layers({"entity"})
    assert view.span_ids_at(0) == []
    assert view.selection_cp() == (0, 0)
    assert view.line_range_cp() == (0, 0)
    view.move_lines(1)
    view.move_blocks(-1)
    assert view.cursor_cp() == 0
    assert not view.find_text("a")
    assert not view.grab().isNull()


def test_span_index_matches_brute_force_through_edits(view: SpanTextView) -> None:
    # Random spans of every length (inside one line, over a few lines, over hundreds) and
    # random edits: span_ids_at must always equal a plain scan of the span list.
    rng = random.Random(3)
    text = "\n".join("x" * rng.randint(0, 12) + "😀" * rng.randint(0, 1) for _ in range(400))
    labels = ["PER", "ORG", "boilerplate", "title", "article"]

    def random_span(span_id: str) -> Span:
        start = rng.randrange(len(text) - 1)
        length = rng.choice([1, 3, 20, 200, 3000])
        return make_span(text, start, min(len(text), start + length), rng.choice(labels), span_id)

    spans = [random_span(f"s{i}") for i in range(150)]
    view.set_document(text, spans, SCHEME)
    probes = rng.sample(range(len(text)), 300)

    def check() -> None:
        for pos in probes:
            expected = {s.id for s in spans if s.start <= pos < s.end}
            assert set(view.span_ids_at(pos)) == expected, pos

    check()
    for step in range(60):
        kind = rng.choice(["add", "remove", "modify"])
        if kind == "add" or not spans:
            new = random_span(f"n{step}")
            spans.append(new)
            view.update_spans(spans, Change(added=frozenset({new.id})))
        elif kind == "remove":
            gone = spans.pop(rng.randrange(len(spans)))
            view.update_spans(spans, Change(removed=frozenset({gone.id})))
        else:
            i = rng.randrange(len(spans))
            spans[i] = random_span(spans[i].id)
            view.update_spans(spans, Change(modified=frozenset({spans[i].id})))
        check()
