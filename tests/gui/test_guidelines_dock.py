"""The Guidelines dock, its keys, the palette's tooltips and the attributes' descriptions,
on the real main window with real key events."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolButton, QToolTip
from pytestqt.qtbot import QtBot

from annotator.corpus import Corpus
from annotator.default_scheme import news_scheme
from annotator.gui.main_window import MainWindow
from annotator.gui.side_panels import on_screen
from annotator.guidelines import GUIDELINES_FILE, starting_guidelines
from tests.conftest import add_text

pytestmark = pytest.mark.gui

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
NO_AUTOSAVE_MS = 600_000
TEXT = "김민수 기자가 서울에서 LG전자를 만났다.\nKim met Lee in Seoul.\n"
FILLER = "\n\n".join(f"Filler paragraph {i} about nothing in particular." for i in range(60))
GUIDE = f"""# Team guide

Read this first.

## Layer: entity

### PER

**Persons** only: 사람 이름만, 직함은 빼세요.

{FILLER}

### LOC

Places such as 서울 and Seoul. Countries and cities count.

#### Examples

> 서울에서

Mark the city.

### ORG

Companies, *agencies*.

{FILLER}
"""


def corpus_with(tmp_path: Path, guide: str | bytes | None) -> Path:
    root = tmp_path / "c"
    corpus = Corpus.create(root, name="g")
    add_text(corpus, "d", TEXT)
    if isinstance(guide, str):
        (root / GUIDELINES_FILE).write_text(guide, "utf-8")
    elif isinstance(guide, bytes):
        (root / GUIDELINES_FILE).write_bytes(guide)
    return root


@pytest.fixture
def window_with(
    tmp_path: Path, open_window: Callable[..., MainWindow]
) -> Callable[[str | bytes | None], MainWindow]:
    def start(guide: str | bytes | None) -> MainWindow:
        return open_window(corpus_with(tmp_path, guide), autosave_ms=NO_AUTOSAVE_MS)

    return start


def key(qtbot: QtBot, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, k, mods)


def mark(qtbot: QtBot, window: MainWindow, word: str, label_key: Qt.Key) -> None:
    start = TEXT.index(word)
    window.view.select_cp(start, start + len(word))
    key(qtbot, label_key)


def heading_visible(window: MainWindow, label: str) -> bool:
    browser = window.guidelines.panel.browser
    block = window.guidelines.panel.heading_block(label)
    assert block is not None
    rect = browser.document().documentLayout().blockBoundingRect(block)
    top = rect.top() - browser.verticalScrollBar().value()
    return 0 <= top < browser.viewport().height()


def test_the_dock_shows_the_guide_rendered(window_with: Callable[..., MainWindow]) -> None:
    window = window_with(GUIDE)
    assert window.guidelines_dock.windowTitle() == "Guidelines"
    shown = window.guidelines.panel.browser.toPlainText()
    assert "Persons only: 사람 이름만, 직함은 빼세요." in shown
    assert "**" not in shown and "###" not in shown  # rendered, not the Markdown source
    block = window.guidelines.panel.heading_block("LOC")
    assert block is not None and block.blockFormat().headingLevel() == 3
    assert window.guidelines.panel.create_button.isHidden()
    # Tabbed with the clean text, behind the document panel; in the View menu by its key.
    assert window.guidelines_dock in window.tabifiedDockWidgets(window.doc_dock)
    assert window.actions_by_name["Show or hide the guidelines"].shortcut().toString() == "Ctrl+G"


def test_shift_f1_on_the_current_span_shows_its_labels_section(
    qtbot: QtBot, window_with: Callable[..., MainWindow]
) -> None:
    window = window_with(GUIDE)
    mark(qtbot, window, "Seoul", Qt.Key.Key_L)
    assert window.current_span is not None
    assert not on_screen(window.guidelines_dock)  # behind the document panel
    key(qtbot, Qt.Key.Key_F1, SHIFT)
    qtbot.waitUntil(lambda: on_screen(window.guidelines_dock))
    browser = window.guidelines.panel.browser
    assert browser.textCursor().selectedText() == "LOC"
    # Scrolled down past the long PER section, to LOC's heading.
    qtbot.waitUntil(lambda: heading_visible(window, "LOC"))
    assert browser.verticalScrollBar().value() > 0
    assert not heading_visible(window, "PER")
    # The keys stay with the text.
    assert QApplication.focusWidget() is window.view


def test_shift_f1_follows_the_span_list_and_the_cursor(
    qtbot: QtBot, window_with: Callable[..., MainWindow]
) -> None:
    window = window_with(GUIDE)
    mark(qtbot, window, "김민수", Qt.Key.Key_P)
    mark(qtbot, window, "LG전자", Qt.Key.Key_O)
    # The span selected in the span list (Ctrl+K, then Up: from LG전자 to 김민수).
    key(qtbot, Qt.Key.Key_K, CTRL)
    assert QApplication.focusWidget() is window.span_table
    key(qtbot, Qt.Key.Key_Up)
    assert window.session is not None and window.session.span(window.current_span or "").text == "김민수"  # type: ignore[union-attr]
    key(qtbot, Qt.Key.Key_F1, SHIFT)
    assert window.guidelines.panel.browser.textCursor().selectedText() == "PER"
    assert QApplication.focusWidget() is window.span_table
    # No current span: the span at the cursor (inside LG전자) gives the label.
    window.view.setFocus()
    key(qtbot, Qt.Key.Key_Escape)
    assert window.current_span is None
    pos = TEXT.index("LG전자") + 2
    window.view.select_cp(pos, pos)
    key(qtbot, Qt.Key.Key_F1, SHIFT)
    assert window.guidelines.panel.browser.textCursor().selectedText() == "ORG"
    qtbot.waitUntil(lambda: heading_visible(window, "ORG"))
    # Nowhere near a span: said so.
    pos = TEXT.index("met")
    window.view.select_cp(pos, pos)
    key(qtbot, Qt.Key.Key_F1, SHIFT)
    assert window.messages[-1].startswith("No span here")


def test_a_label_without_a_section_is_said(qtbot: QtBot, window_with: Callable[..., MainWindow]) -> None:
    window = window_with(GUIDE)
    mark(qtbot, window, "Lee", Qt.Key.Key_M)
    key(qtbot, Qt.Key.Key_F1, SHIFT)
    assert "has no section for MISC" in window.messages[-1]
    assert on_screen(window.guidelines_dock)


def test_ctrl_g_hides_and_shows_the_dock(qtbot: QtBot, window_with: Callable[..., MainWindow]) -> None:
    window = window_with(GUIDE)
    key(qtbot, Qt.Key.Key_G, CTRL)
    qtbot.waitUntil(lambda: on_screen(window.guidelines_dock))
    key(qtbot, Qt.Key.Key_G, CTRL)
    qtbot.waitUntil(lambda: not window.guidelines_dock.isVisible())
    key(qtbot, Qt.Key.Key_G, CTRL)
    qtbot.waitUntil(lambda: on_screen(window.guidelines_dock))


def test_the_search_finds_text_and_says_when_it_does_not(
    qtbot: QtBot, window_with: Callable[..., MainWindow]
) -> None:
    window = window_with(GUIDE)
    key(qtbot, Qt.Key.Key_G, CTRL)
    panel = window.guidelines.panel
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "countries")
    # Found as typed (case-insensitive), selected in the rendered text.
    assert panel.browser.textCursor().selectedText() == "Countries"
    panel.search.clear()
    shown = panel.browser.toPlainText()
    per_filler = shown.index("Filler paragraph 1 ")
    org_filler = shown.index("Filler paragraph 1 ", per_filler + 1)
    assert shown.count("Filler paragraph 1 ") == 2
    # Typed after the match of "countries" (in LOC): the next one is ORG's filler.
    qtbot.keyClicks(panel.search, "Filler paragraph 1 ")
    assert panel.browser.textCursor().selectionStart() == org_filler
    assert panel.browser.textCursor().selectedText() == "Filler paragraph 1 "
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)  # next: wraps around to PER's filler
    assert panel.browser.textCursor().selectionStart() == per_filler
    qtbot.keyClick(panel.search, Qt.Key.Key_Return, SHIFT)  # previous: wraps back
    assert panel.browser.textCursor().selectionStart() == org_filler
    assert panel.result.isHidden()
    panel.search.clear()
    qtbot.keyClicks(panel.search, "zebra")
    assert panel.result.text() == "not found: zebra" and not panel.result.isHidden()
    assert "background" in panel.search.styleSheet()
    # Escape hands the keys back to the text (and does not clear the current span).
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.view


def hover_tooltip(qtbot: QtBot, button: QToolButton) -> str:
    """Send the tooltip event a hover sends; the text of the tooltip that opens."""
    center = button.rect().center()
    event = QHelpEvent(QEvent.Type.ToolTip, center, button.mapToGlobal(center))
    QApplication.sendEvent(button, event)
    return button.toolTip()


def test_hovering_a_label_shows_its_description_and_guidelines(
    qtbot: QtBot, window_with: Callable[..., MainWindow]
) -> None:
    window = window_with(GUIDE)
    tip = hover_tooltip(qtbot, window.palette.label_buttons["LOC"])
    assert "<b>LOC</b> (L): location" in tip
    assert "Places such as 서울 and Seoul. Countries and cities count." in tip
    assert "서울에서" in tip and "Mark the city." in tip
    assert QToolTip.isVisible() and "Countries and cities count." in QToolTip.text()
    # A long section: its first lines only.
    per = hover_tooltip(qtbot, window.palette.label_buttons["PER"])
    assert "Persons only: 사람 이름만, 직함은 빼세요." in per
    assert "Filler paragraph 4 " in per and "Filler paragraph 5 " not in per
    assert "for the rest" in per
    # No section: the description, and the guide's silence said.
    misc = hover_tooltip(qtbot, window.palette.label_buttons["MISC"])
    assert "<b>MISC</b> (M): other names" in misc and "has no section “MISC”" in misc


def test_the_tooltip_follows_the_guide_on_disk(qtbot: QtBot, window_with: Callable[..., MainWindow]) -> None:
    window = window_with(None)
    tip = hover_tooltip(qtbot, window.palette.label_buttons["PER"])
    assert "<b>PER</b> (P): person" in tip and "Guidelines" not in tip
    (window.corpus.root / GUIDELINES_FILE).write_text("### PER\n\nFull names, 성과 이름.\n", "utf-8")
    assert "Full names, 성과 이름." in hover_tooltip(qtbot, window.palette.label_buttons["PER"])


def test_the_attribute_editor_shows_each_attributes_description(
    qtbot: QtBot, window_with: Callable[..., MainWindow]
) -> None:
    window = window_with(GUIDE)
    mark(qtbot, window, "Kim met Lee in Seoul.", Qt.Key.Key_A)
    role = news_scheme().label("article").attr("role")  # type: ignore[union-attr]
    assert role is not None and role.description
    note = window.attr_editor.findChild(QLabel, "attr_role_description")
    assert note is not None and note.text() == role.description
    qtbot.waitUntil(note.isVisible)  # a widget added to a shown layout shows a moment later
    assert window.attr_editor.fields["role"].toolTip() == role.description
    name = next(w for w in window.attr_editor.findChildren(QLabel) if w.text() == "role *")
    assert name.toolTip() == role.description
    # A label whose attributes have no description: no muted lines.
    mark(qtbot, window, "김민수 기자", Qt.Key.Key_Y)
    assert window.attr_editor.fields.keys() == {"authors", "agency", "location", "email"}
    assert [w for w in window.attr_editor.findChildren(QLabel) if w.objectName().endswith("_description") and w.isVisible()] == []


def test_without_a_guide_the_dock_says_how_to_add_one(
    qtbot: QtBot, window_with: Callable[..., MainWindow]
) -> None:
    window = window_with(None)
    key(qtbot, Qt.Key.Key_G, CTRL)
    panel = window.guidelines.panel
    shown = panel.browser.toPlainText()
    assert "This corpus has no guidelines yet." in shown
    assert str(window.corpus.root / GUIDELINES_FILE) in shown
    assert panel.create_button.isVisible()
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    path = window.corpus.root / GUIDELINES_FILE
    assert path.read_text("utf-8") == starting_guidelines(window.corpus.scheme)
    assert panel.create_button.isHidden()
    assert panel.heading_block("PER") is not None
    assert "박일평" in panel.browser.toPlainText()


def test_a_guide_that_is_not_utf8_is_shown_as_an_error(window_with: Callable[..., MainWindow]) -> None:
    window = window_with("### PER\n\n사람\n".encode("euc-kr"))
    path = window.corpus.root / GUIDELINES_FILE
    shown = window.guidelines.panel.browser.toPlainText()
    assert "The guidelines cannot be shown." in shown and f"{path}: not UTF-8" in shown
    assert any(f"{path}: not UTF-8" in m for m in window.messages)
    assert window.guidelines.panel.create_button.isHidden()  # never over the lead's file

