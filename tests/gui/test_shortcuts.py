"""Every shortcut the app defines, pressed as a real key, its effect checked.

:data:`SHORTCUT_TESTS` maps each key sequence of every QAction (main window and review
window) to the test below that presses it. Three checks keep it honest:

* ``test_every_shortcut_the_app_defines_has_a_test``: the table's keys are exactly the
  shortcuts the app defines, so a new shortcut without a test (or a removed one still in the
  table) fails;
* the autouse fixture ``_the_test_pressed_its_keys``: after each test, every key the table
  gives that test was really pressed by it (through :func:`press`), so the table cannot lie,
  whichever subset of tests pytest runs;
* ``test_no_two_shortcuts_resolve_to_the_same_key``: no key event triggers two bindings.

Keys are sent as the key events Qt delivers for the physical keys (``Shift+Tab`` arrives as
Backtab with Shift, ``Ctrl++`` and ``Enter`` come from the keypad), to the focused widget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.assign import plan, save_assignments
from annotator.corpus import Corpus
from annotator.edits import make_span
from annotator.gui import review_start
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewController
from annotator.gui.review_state import load_review
from annotator.gui.shortcuts_help import ShortcutsDialog
from annotator.gui.side_panels import on_screen
from annotator.model import GOLD
from tests.conftest import add_text

pytestmark = pytest.mark.gui

NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
#: Long enough that no autosave runs during a test: files change only when a test says so.
NO_AUTOSAVE_MS = 600_000

#: Key sequence (QKeySequence.toString()) -> the test in this module that presses it.
SHORTCUT_TESTS: dict[str, str] = {
    # Marking: a label's key marks the selection; Shift+key marks whole lines.
    **{k: "test_label_keys_mark_the_selection" for k in "ABTSYDPOLM"},
    "Ctrl+S": "test_label_keys_mark_the_selection",
    **{f"Shift+{k}": "test_shift_label_keys_mark_lines" for k in "ABTSYDPOLM"},
    "Ctrl+T": "test_ctrl_t_toggles_trimming",
    "Ctrl+M": "test_mark_all_undo_redo",
    "Ctrl+Z": "test_mark_all_undo_redo",
    "Ctrl+Shift+Z": "test_mark_all_undo_redo",
    "Ctrl+Y": "test_mark_all_undo_redo",
    # Long regions: set the mark, move, a label's key; span edges by a paragraph.
    **{
        k: "test_mark_from_the_set_mark_and_paragraph_edges"
        for k in ("Ctrl+Space", "F4", "Alt+PgDown", "Alt+PgUp", "Alt+Shift+PgDown", "Alt+Shift+PgUp")
    },
    # Spans.
    "Tab": "test_cycle_escape_and_delete_spans",
    "Shift+Tab": "test_cycle_escape_and_delete_spans",
    "Esc": "test_cycle_escape_and_delete_spans",
    "Del": "test_cycle_escape_and_delete_spans",
    "Backspace": "test_cycle_escape_and_delete_spans",
    **{
        k: "test_span_edge_keys"
        for k in (
            "Alt+Right", "Alt+Left", "Alt+Shift+Right", "Alt+Shift+Left",
            "Ctrl+Alt+Right", "Ctrl+Alt+Left", "Ctrl+Alt+Shift+Right", "Ctrl+Alt+Shift+Left",
        )
    },
    "F2": "test_f2_goes_to_the_attributes",
    # Line mode moves.
    **{
        k: "test_line_and_block_moves"
        for k in (
            "Alt+Down", "Alt+Up", "Alt+Shift+Down", "Alt+Shift+Up",
            "Ctrl+Down", "Ctrl+Up", "Ctrl+Shift+Down", "Ctrl+Shift+Up",
        )
    },
    # Suggestions.
    **{
        k: "test_suggestion_keys"
        for k in (
            ".", ",", "Return", "Enter", "Shift+Del",
            "Ctrl+Shift+Return", "Ctrl+Shift+Enter", "Ctrl+Shift+Del",
        )
    },
    "Ctrl+H": "test_ctrl_h_hides_and_shows_suggestions",
    # File.
    "Ctrl+Shift+R": "test_reload_from_disk_keeps_the_unsaved_copy",
    "Ctrl+Q": "test_ctrl_q_saves_and_closes",
    "Ctrl+Shift+G": "test_ctrl_shift_g_opens_review_mode",
    # Document.
    **{f"Ctrl+{i}": "test_status_and_page_type_keys" for i in range(1, 5)},
    **{f"Alt+{i}": "test_status_and_page_type_keys" for i in range(1, 5)},
    "Ctrl+Return": "test_ctrl_enter_marks_done_and_opens_the_next_document",
    "Ctrl+Enter": "test_ctrl_enter_marks_done_and_opens_the_next_document",
    "Ctrl+PgDown": "test_next_and_previous_document",
    "Ctrl+PgUp": "test_next_and_previous_document",
    "Ctrl+Shift+L": "test_ctrl_shift_l_shows_the_queue_or_every_document",
    # View.
    "Ctrl+F": "test_find_keys",
    "Find": "test_find_keys",
    "F3": "test_find_keys",
    "Shift+F3": "test_find_keys",
    "Ctrl++": "test_zoom_keys",
    "Ctrl+=": "test_zoom_keys",
    "Ctrl+-": "test_zoom_keys",
    "Ctrl+0": "test_zoom_keys",
    **{f"Ctrl+Alt+{i}": "test_layer_keys" for i in range(1, 4)},
    "Ctrl+B": "test_side_panels_key",
    "Ctrl+G": "test_guidelines_keys",
    # Focus and help.
    "Ctrl+J": "test_focus_keys",
    "Ctrl+L": "test_focus_keys",
    "Ctrl+K": "test_focus_keys",
    "F1": "test_help_keys",
    "?": "test_help_keys",
    "Shift+F1": "test_guidelines_keys",
    # Review mode (two annotators: alice 1, bob 2).
    "N": "test_review_disagreement_and_side_keys",
    "J": "test_review_disagreement_and_side_keys",
    "K": "test_review_disagreement_and_side_keys",
    "1": "test_review_disagreement_and_side_keys",
    "2": "test_review_disagreement_and_side_keys",
    "Ctrl+Shift+1": "test_review_accept_all_keys",
    "Ctrl+Shift+!": "test_review_accept_all_keys",
    "Ctrl+Shift+2": "test_review_accept_all_keys",
    "Ctrl+Shift+@": "test_review_accept_all_keys",
    "F6": "test_review_view_keys",
    "F8": "test_review_view_keys",
    "Ctrl+Shift+A": "test_review_view_keys",
    "Ctrl+Shift+PgDown": "test_review_document_keys",
    "Ctrl+Shift+PgUp": "test_review_document_keys",
}

#: Keys whose physical key sends another event than the sequence's own combination.
REAL_EVENTS: dict[str, tuple[Qt.Key, Qt.KeyboardModifier]] = {
    # Every platform delivers Shift+Tab as Backtab (with Shift still held).
    "Shift+Tab": (Qt.Key.Key_Backtab, SHIFT),
    # "+" without Shift is the keypad's; so is Enter (Return is the main key).
    "Ctrl++": (Qt.Key.Key_Plus, CTRL | KEYPAD),
    "Enter": (Qt.Key.Key_Enter, KEYPAD),
    "Ctrl+Enter": (Qt.Key.Key_Enter, CTRL | KEYPAD),
    "Ctrl+Shift+Enter": (Qt.Key.Key_Enter, CTRL | SHIFT | KEYPAD),
    # "?" is sent with its character and no modifier, as an input method delivers it. (On a
    # US layout X11 sends Shift with it and xcb's key mapper drops that Shift when matching;
    # the offscreen platform's generic mapper does not, so the Shift cannot be sent here.)
}

#: Test name -> the key sequences it pressed (filled by :func:`press`).
PRESSED: dict[str, set[str]] = defaultdict(set)
_running: list[str] = [""]


@pytest.fixture(autouse=True)
def _the_test_pressed_its_keys(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: it pressed every key the table says it tests."""
    name = request.node.originalname
    _running[0] = name
    yield
    call = getattr(request.node, "rep_call", None)
    if call is None or not call.passed:
        return  # the test's own failure says what went wrong
    expected = {k for k, test in SHORTCUT_TESTS.items() if test == name}
    missing = sorted(expected - PRESSED[name])
    assert not missing, f"{name} is the test of {missing} in SHORTCUT_TESTS but never pressed them"


def press(qtbot: QtBot, keys: str, times: int = 1, widget: QWidget | None = None) -> None:
    """Press ``keys`` (a QKeySequence string) as the real key, on the focused widget."""
    sequence = QKeySequence(keys)
    name = sequence.toString()
    if name in REAL_EVENTS:
        key, mods = REAL_EVENTS[name]
    else:
        combo = sequence[0]
        key, mods = combo.key(), combo.keyboardModifiers()
    target = widget or QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    for _ in range(times):
        if name == "?":
            qtbot.keyClick(target, "?")  # the character form: key "?" with text "?"
        else:
            qtbot.keyClick(target, key, mods)
    PRESSED[_running[0]].add(name)


def all_shortcuts(window: MainWindow) -> dict[str, list[str]]:
    """Key sequence -> the names of the actions bound to it."""
    out: dict[str, list[str]] = defaultdict(list)
    for name, action in window.actions_by_name.items():
        for sequence in action.shortcuts():
            out[sequence.toString()].append(name)
    return out


def saved(root: Path, doc_id: str = "d", annotator: str = "tester") -> dict:
    return orjson.loads((root / "annotations" / annotator / f"{doc_id}.json").read_bytes())


def spans_of(data: dict) -> list[tuple[str, str]]:
    return sorted((s["label"], s["text"]) for s in data["spans"])


def small_corpus(tmp_path: Path, docs: dict[str, str]) -> Path:
    corpus = Corpus.create(tmp_path / "c", name="keys")
    for doc_id, text in docs.items():
        add_text(corpus, doc_id, text)
    return tmp_path / "c"


@pytest.fixture
def one_doc(
    tmp_path: Path, open_window: Callable[..., MainWindow]
) -> Callable[[str], tuple[MainWindow, Path]]:
    """A window on a one-document corpus ("d" holding the given text), the text focused."""

    def start(text: str) -> tuple[MainWindow, Path]:
        root = small_corpus(tmp_path, {"d": text})
        return open_window(root, autosave_ms=NO_AUTOSAVE_MS), root

    return start


def select(window: MainWindow, text: str, word: str, nth: int = 0) -> None:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    window.view.select_cp(start, start + len(word))


# ---------------------------------------------------------------------- the meta-tests


def test_every_shortcut_the_app_defines_has_a_test(
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    open_window: Callable[..., MainWindow],
    demo_copy: tuple[Path, str],
) -> None:
    root, _ = demo_copy
    plain = open_window(root, annotator="carol", show=False)
    review_window, _review = open_review(root)
    defined = set(all_shortcuts(plain)) | set(all_shortcuts(review_window))
    untested = sorted(defined - set(SHORTCUT_TESTS))
    stale = sorted(set(SHORTCUT_TESTS) - defined)
    assert not untested, f"shortcuts no test presses (add each to SHORTCUT_TESTS and press it): {untested}"
    assert not stale, f"SHORTCUT_TESTS lists keys the app no longer defines: {stale}"
    missing_tests = sorted({t for t in SHORTCUT_TESTS.values() if not callable(globals().get(t))})
    assert not missing_tests, f"SHORTCUT_TESTS names tests that do not exist: {missing_tests}"


def test_no_two_shortcuts_resolve_to_the_same_key(
    open_review: Callable[..., tuple[MainWindow, ReviewController]], demo_copy: tuple[Path, str]
) -> None:
    """Two bindings for one key event make Qt call the shortcut ambiguous: the first press
    does nothing. Backtab is what Shift+Tab sends, and the keypad modifier is ignored when
    matching, so those are folded before comparing."""
    root, _ = demo_copy
    window, _review = open_review(root)
    seen: dict[tuple[int, int], str] = {}
    clashes: list[str] = []
    for name, action in window.actions_by_name.items():
        for sequence in action.shortcuts():
            combo = sequence[0]
            key = combo.key()
            mods = combo.keyboardModifiers() & ~KEYPAD
            if key == Qt.Key.Key_Backtab:
                key, mods = Qt.Key.Key_Tab, mods | SHIFT
            resolved = (int(key.value), int(mods.value))
            if resolved in seen:
                clashes.append(f"{sequence.toString()} ({name}) is also {seen[resolved]}")
            else:
                seen[resolved] = f"{sequence.toString()} ({name})"
    assert not clashes, clashes


# ---------------------------------------------------------------------- marking


def test_label_keys_mark_the_selection(
    qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    """Each label's key marks the selected word with that label; Ctrl+S writes the file."""
    window, root = one_doc(" ".join(f"word{i}" for i in range(10)))
    labels = [label for label in window.corpus.scheme.labels() if label.key]
    assert sorted(label.key.upper() for label in labels) == sorted("ABTSYDPOLM")
    text = window.session.text  # type: ignore[union-attr]
    for i, label in enumerate(labels):
        select(window, text, f"word{i}")
        press(qtbot, label.key.upper())
    assert not (root / "annotations" / "tester" / "d.json").exists()  # nothing saved yet
    press(qtbot, "Ctrl+S")
    assert spans_of(saved(root)) == sorted((label.name, f"word{i}") for i, label in enumerate(labels))


def test_shift_label_keys_mark_lines(
    qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    """Shift+key marks the cursor's whole line with the label."""
    window, root = one_doc("\n".join(f"line {i}" for i in range(10)) + "\n")
    labels = [label for label in window.corpus.scheme.labels() if label.key]
    text = window.session.text  # type: ignore[union-attr]
    for i, label in enumerate(labels):
        pos = text.index(f"line {i}") + 2  # inside the line: the whole line is marked
        window.view.select_cp(pos, pos)
        press(qtbot, f"Shift+{label.key.upper()}")
    window.save_now()
    assert spans_of(saved(root)) == sorted((label.name, f"line {i}") for i, label in enumerate(labels))


def test_ctrl_t_toggles_trimming(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    """Ctrl+T off: a selection with spaces is marked as it is; on again: trimmed."""
    text = "a  Seoul  b  Kim  c"
    window, root = one_doc(text)
    assert window.trim_action is not None and window.trim_action.isChecked()
    press(qtbot, "Ctrl+T")
    assert not window.trim_action.isChecked()
    select(window, text, "  Seoul  ")
    press(qtbot, "L")
    press(qtbot, "Ctrl+T")
    assert window.trim_action.isChecked()
    select(window, text, "  Kim  ")
    press(qtbot, "P")
    window.save_now()
    assert spans_of(saved(root)) == [("LOC", "  Seoul  "), ("PER", "Kim")]


def test_mark_all_undo_redo(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    """Ctrl+M marks the other occurrences in one step; Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y."""
    text = "Kim and Kim and Kim"
    window, root = one_doc(text)
    session = window.session
    assert session is not None

    def pers() -> int:
        return sum(s.label == "PER" for s in session.spans)

    select(window, text, "Kim")
    press(qtbot, "P")
    press(qtbot, "Ctrl+M")
    # The confirmation says how many, and Enter marks them.
    dialog = window.marking.mark_all_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert "Mark 2 more occurrences" in dialog.summary.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert pers() == 3
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)  # back to the text
    press(qtbot, "Ctrl+Z")
    assert pers() == 1  # the whole "mark all" is one undo step
    press(qtbot, "Ctrl+Shift+Z")
    assert pers() == 3
    press(qtbot, "Ctrl+Z")
    press(qtbot, "Ctrl+Y")
    assert pers() == 3
    window.save_now()
    assert spans_of(saved(root)) == [("PER", "Kim")] * 3


def test_mark_from_the_set_mark_and_paragraph_edges(
    qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    """Ctrl+Space sets the mark, a label's key marks from it to the cursor; Alt(+Shift)+
    PgDown/PgUp move the current span's end (start) by a paragraph."""
    text = "Title\n\nFirst para\nstill first\n\nSecond para\n\nThird para\n\nfooter"
    window, root = one_doc(text)
    view = window.view
    session = window.session
    assert session is not None
    view.select_cp(0, 0)
    press(qtbot, "Ctrl+Space")
    assert view.mark_position() == 0
    view.select_cp(text.index("Third") + 5, text.index("Third") + 5)  # a click, a jump...
    press(qtbot, "A")
    (article,) = session.spans
    assert article.text == text[: text.index("Third") + 5]
    assert view.mark_position() is None  # used up
    # F4 is the same key for those whose input method takes Ctrl+Space: set, then dropped.
    press(qtbot, "F4")
    assert view.mark_position() == text.index("Third") + 5
    press(qtbot, "F4")
    assert view.mark_position() is None
    assert [s.text for s in session.spans] == [article.text]

    def now() -> str:
        span = session.span(window.current_span)  # type: ignore[arg-type]
        assert span is not None
        return span.text

    steps = [
        ("Alt+PgDown", text[: text.index("Third para") + 10]),  # to its paragraph's end
        ("Alt+PgDown", text[: text.index("footer") + 6]),
        ("Alt+PgUp", text[: text.index("Third para") + 10]),
        ("Alt+PgUp", text[: text.index("Second para") + 11]),
        ("Alt+Shift+PgDown", text[text.index("First") : text.index("Second para") + 11]),
        ("Alt+Shift+PgDown", text[text.index("Second") : text.index("Second para") + 11]),
        ("Alt+Shift+PgUp", text[text.index("First") : text.index("Second para") + 11]),
    ]
    for keys, expected in steps:
        press(qtbot, keys)
        assert now() == expected, keys
    window.save_now()
    assert spans_of(saved(root)) == [("article", "First para\nstill first\n\nSecond para")]


# ---------------------------------------------------------------------- spans


def test_cycle_escape_and_delete_spans(
    qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    text = "Kim met Lee in Seoul"
    window, root = one_doc(text)
    session = window.session
    assert session is not None

    def current() -> str | None:
        span = session.span(window.current_span) if window.current_span else None
        return span.text if span else None

    for word, key in (("Kim", "P"), ("Lee", "P"), ("Seoul", "L")):
        select(window, text, word)
        press(qtbot, key)
    assert current() == "Seoul"
    press(qtbot, "Esc")
    assert current() is None
    assert window.view.selection_cp()[0] == window.view.selection_cp()[1]
    window.view.select_cp(0, 0)
    press(qtbot, "Tab")
    assert current() == "Kim"
    press(qtbot, "Tab")
    assert current() == "Lee"
    press(qtbot, "Shift+Tab")
    assert current() == "Kim"
    press(qtbot, "Tab", times=2)
    assert current() == "Seoul"
    press(qtbot, "Del")
    assert current() is None
    window.view.select_cp(0, 0)
    press(qtbot, "Tab")
    press(qtbot, "Backspace")
    window.save_now()
    assert spans_of(saved(root)) == [("PER", "Lee")]


def test_span_edge_keys(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    """Alt(+Shift)(+Ctrl)+Left/Right move the current span's end (start) by a character
    (a word)."""
    text = "Kim Minsu met Lee Jisu"
    window, root = one_doc(text)
    session = window.session
    assert session is not None
    select(window, text, "Minsu")
    press(qtbot, "P")

    def now() -> str:
        span = session.span(window.current_span)  # type: ignore[arg-type]
        assert span is not None
        return span.text

    steps = [
        ("Alt+Left", "Mins"),
        ("Alt+Right", "Minsu"),
        ("Alt+Shift+Left", " Minsu"),
        ("Alt+Shift+Right", "Minsu"),
        ("Ctrl+Alt+Right", "Minsu met"),
        ("Ctrl+Alt+Left", "Minsu "),  # back to the start of "met"
        ("Alt+Left", "Minsu"),
        ("Ctrl+Alt+Shift+Left", "Kim Minsu"),
        ("Ctrl+Alt+Shift+Right", " Minsu"),  # to the end of "Kim"
        ("Alt+Shift+Right", "Minsu"),
    ]
    for keys, expected in steps:
        press(qtbot, keys)
        assert now() == expected, keys
    window.save_now()
    assert spans_of(saved(root)) == [("PER", "Minsu")]


def test_f2_goes_to_the_attributes(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    text = "By Kim Minsu, Yonhap"
    window, _root = one_doc(text)
    select(window, text, text)
    press(qtbot, "Y")  # a byline: it has attributes
    fields = window.attr_editor.fields
    assert fields
    assert QApplication.focusWidget() is window.view
    press(qtbot, "F2")
    # The focus moves through the window system: wait for it.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is next(iter(fields.values())))


def test_line_and_block_moves(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    """Alt+Down/Up go by lines, Ctrl+Down/Up by blocks (blank-line separated); with Shift
    the selection grows."""
    text = "one\ntwo\nthree\n\nfour\nfive\n\nsix"
    window, _root = one_doc(text)
    view = window.view
    two, three, four, six = (text.index(w) for w in ("two", "three", "four", "six"))
    view.select_cp(0, 0)
    press(qtbot, "Alt+Down")
    assert view.selection_cp() == (two, two)
    press(qtbot, "Alt+Down")
    assert view.selection_cp() == (three, three)
    press(qtbot, "Alt+Up")
    assert view.selection_cp() == (two, two)
    press(qtbot, "Alt+Shift+Down", times=2)
    assert view.selection_cp() == (two, four - 1)  # through "three" and the blank line
    press(qtbot, "Alt+Shift+Up")
    assert view.selection_cp() == (two, three)
    view.select_cp(0, 0)
    press(qtbot, "Ctrl+Down")
    assert view.selection_cp() == (four, four)
    press(qtbot, "Ctrl+Down")
    assert view.selection_cp() == (six, six)
    press(qtbot, "Ctrl+Up")
    assert view.selection_cp() == (four, four)
    press(qtbot, "Ctrl+Shift+Down")
    assert view.selection_cp() == (four, six)
    press(qtbot, "Ctrl+Shift+Up")
    assert view.selection_cp() == (four, four)


# ---------------------------------------------------------------------- suggestions

SUGGESTED = "MENU home\nKim met Lee and Park in Seoul.\nfooter"


def test_suggestion_keys(qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    root = small_corpus(tmp_path, {"d": SUGGESTED})
    corpus = Corpus.open(root)
    annotation = corpus.new_annotation("suggestions", "d", SUGGESTED)
    marks = [("boilerplate", "MENU home"), ("PER", "Kim"), ("PER", "Lee"), ("PER", "Park"),
             ("LOC", "Seoul"), ("boilerplate", "footer")]
    for i, (label, word) in enumerate(marks, 1):
        start = SUGGESTED.index(word)
        attrs = {"kind": "navigation"} if label == "boilerplate" else {}
        annotation.spans.append(make_span(SUGGESTED, start, start + len(word), label, f"g{i}", attrs))
    corpus.save_annotation(annotation)
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    view = window.view
    session = window.session
    assert session is not None

    def pending() -> list[str]:
        return [g.text for g in session.pending_suggestions()]

    def selected() -> str:
        start, end = view.selection_cp()
        return SUGGESTED[start:end]

    view.select_cp(0, 0)
    press(qtbot, ".")
    assert selected() == "MENU home"
    press(qtbot, ".")
    assert selected() == "Kim"
    press(qtbot, ",")
    assert selected() == "MENU home"
    press(qtbot, "Return")  # accepted; on to Kim
    assert selected() == "Kim"
    press(qtbot, "Enter")  # the keypad's: accepted; on to Lee
    assert selected() == "Lee"
    press(qtbot, "Shift+Del")  # rejected; on to Park
    assert "Lee" not in pending() and selected() == "Park"
    press(qtbot, "Ctrl+Shift+Del")  # every PER left: Park
    assert pending() == ["Seoul", "footer"]
    press(qtbot, ".")
    press(qtbot, "Ctrl+Shift+Return")  # every LOC
    press(qtbot, ".")
    assert selected() == "footer"
    press(qtbot, "Ctrl+Shift+Enter")  # every boilerplate left
    assert pending() == []
    window.save_now()
    assert spans_of(saved(root)) == [
        ("LOC", "Seoul"), ("PER", "Kim"), ("boilerplate", "MENU home"), ("boilerplate", "footer")
    ]


def test_ctrl_h_hides_and_shows_suggestions(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """Ctrl+H hides the ghosts (and "." finds none), pressed again shows them."""
    root = small_corpus(tmp_path, {"d": SUGGESTED})
    corpus = Corpus.open(root)
    annotation = corpus.new_annotation("suggestions", "d", SUGGESTED)
    start = SUGGESTED.index("Kim")
    annotation.spans.append(make_span(SUGGESTED, start, start + 3, "PER", "g1"))
    corpus.save_annotation(annotation)
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    view = window.view
    # What the text view was given to draw as ghosts.
    assert [g.text for g in view._ghosts._spans] == ["Kim"]
    press(qtbot, "Ctrl+H")
    assert view._ghosts._spans == [] and not window.actions_by_name["Show suggestions"].isChecked()
    view.select_cp(0, 0)
    press(qtbot, ".")
    assert view.selection_cp() == (0, 0)
    press(qtbot, "Ctrl+H")
    assert [g.text for g in view._ghosts._spans] == ["Kim"]
    press(qtbot, ".")
    assert view.selection_cp() == (start, start + 3)


# ---------------------------------------------------------------------- file


def test_reload_from_disk_keeps_the_unsaved_copy(
    qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    text = "Kim met Lee"
    window, root = one_doc(text)
    select(window, text, "Kim")
    press(qtbot, "P")
    press(qtbot, "Ctrl+Shift+R")
    assert window.session is not None and window.session.spans == []  # the file: nothing yet
    (kept,) = (root / "annotations" / "tester" / ".conflicts").glob("d.*.mine*.json")
    assert spans_of(orjson.loads(kept.read_bytes())) == [("PER", "Kim")]


def test_ctrl_q_saves_and_closes(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    text = "Kim met Lee"
    window, root = one_doc(text)
    select(window, text, "Lee")
    press(qtbot, "P")
    press(qtbot, "Ctrl+Q")
    assert not window.isVisible()
    assert spans_of(saved(root)) == [("PER", "Lee")]


def test_ctrl_shift_g_opens_review_mode(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    demo_copy: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, seed = demo_copy
    window = open_window(root, annotator="carol")
    window.open_document(seed)
    # The annotator choice is a modal dialog: answered here as the user would.
    monkeypatch.setattr(review_start, "ask_annotators", lambda *_a, **_k: ["alice", "bob"])
    press(qtbot, "Ctrl+Shift+G")
    (gold_window,) = window.review_windows
    try:
        assert gold_window.annotator == GOLD  # type: ignore[attr-defined]
        assert gold_window.session.doc_id == seed  # type: ignore[attr-defined]
    finally:
        gold_window.close()


# ---------------------------------------------------------------------- document


def test_status_and_page_type_keys(
    qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]
) -> None:
    window, root = one_doc("Nothing to mark here")
    values = window.corpus.scheme.doc_labels[0].values[:4]
    for i, value in enumerate(values, 1):
        press(qtbot, f"Alt+{i}")
        window.save_now()
        assert saved(root)["doc_labels"] == {"page_type": value}
    # Last: non-article (Alt+3), with which an empty page may be done.
    press(qtbot, "Alt+3")
    for i, status in ((1, "todo"), (2, "in_progress"), (4, "skipped"), (3, "done")):
        press(qtbot, f"Ctrl+{i}")
        window.save_now()
        assert saved(root)["status"] == status, window.messages[-1:]


def test_ctrl_enter_marks_done_and_opens_the_next_document(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """Done is saved on disk AND the next document not done is open (not only the status)."""
    root = small_corpus(tmp_path, {"a": "first", "b": "second", "c": "third"})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    assert window.session is not None and window.session.doc_id == "a"
    press(qtbot, "Alt+3")  # non-article: valid as done without spans
    press(qtbot, "Ctrl+Return")
    assert saved(root, "a")["status"] == "done"
    assert window.session.doc_id == "b"
    press(qtbot, "Alt+3")
    press(qtbot, "Ctrl+Enter")  # the keypad's Enter
    assert saved(root, "b")["status"] == "done"
    assert window.session.doc_id == "c"


def test_next_and_previous_document(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    root = small_corpus(tmp_path, {"a": "first", "b": "second"})
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    press(qtbot, "Ctrl+PgDown")
    assert window.session is not None and window.session.doc_id == "b"
    press(qtbot, "Ctrl+PgUp")
    assert window.session.doc_id == "a"


def test_ctrl_shift_l_shows_the_queue_or_every_document(
    qtbot: QtBot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    """With a queue in assignments.json the list shows it; Ctrl+Shift+L: every document, and back."""
    root = small_corpus(tmp_path, {"a": "first", "b": "second", "c": "third"})
    assignments = plan(["c", "a"], ["tester"], overlap=0.0, seed=1).assignments
    save_assignments(Corpus.open(root), assignments)
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    queue = assignments.annotators["tester"]

    def shown() -> list[str]:
        return [window.browser.doc_at(r) for r in range(window.doc_proxy.rowCount())]

    assert shown() == queue and sorted(queue) == ["a", "c"]
    press(qtbot, "Ctrl+Shift+L")
    assert shown() == ["a", "b", "c"]
    assert window.browser.queue_filter.currentText() == "All documents"
    press(qtbot, "Ctrl+Shift+L")
    assert shown() == queue


# ---------------------------------------------------------------------- view


def test_find_keys(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    """Ctrl+F opens the find bar; F3 / Shift+F3 move the selection to the next / previous
    match; the Find key opens the bar on the selected text."""
    text = "x Seoul y Seoul z Seoul"
    window, _root = one_doc(text)
    view = window.view
    matches = [(i, i + 5) for i in (2, 10, 18)]
    assert [text[a:b] for a, b in matches] == ["Seoul"] * 3
    view.select_cp(0, 0)
    press(qtbot, "Ctrl+F")
    assert window.find_bar.isVisible() and QApplication.focusWidget() is window.find_bar.edit
    qtbot.keyClicks(window.find_bar.edit, "Seoul")
    assert view.selection_cp() == matches[0]
    press(qtbot, "Esc")  # Escape in the bar closes it and gives the text the focus
    assert not window.find_bar.isVisible() and QApplication.focusWidget() is view
    press(qtbot, "F3")
    assert view.selection_cp() == matches[1]
    press(qtbot, "F3")
    assert view.selection_cp() == matches[2]
    press(qtbot, "Shift+F3")
    assert view.selection_cp() == matches[1]
    window.find_bar.edit.clear()
    press(qtbot, "Find")
    assert window.find_bar.isVisible() and window.find_bar.edit.text() == "Seoul"


def test_zoom_keys(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    window, _root = one_doc("Seoul")
    view = window.view

    def size() -> float:
        return view.font().pointSizeF()

    start = size()
    press(qtbot, "Ctrl+=")
    one_up = size()
    assert one_up > start
    press(qtbot, "Ctrl++")  # the keypad's plus
    assert size() > one_up
    press(qtbot, "Ctrl+-")
    assert size() == one_up
    press(qtbot, "Ctrl+0")
    assert size() == start
    press(qtbot, "Ctrl+-")
    assert size() < start
    press(qtbot, "Ctrl+0")
    assert size() == start


def test_layer_keys(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    window, _root = one_doc("Seoul")
    layers = [layer.name for layer in window.corpus.scheme.layers]
    assert len(layers) == 3
    for i, layer in enumerate(layers, 1):
        press(qtbot, f"Ctrl+Alt+{i}")
        assert window.view.hidden_layers() == {layer}
        press(qtbot, f"Ctrl+Alt+{i}")
        assert window.view.hidden_layers() == set()


def test_side_panels_key(
    qtbot: QtBot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> None:
    """Ctrl+B hides every side panel (the text takes the width of a 1366x768 screen) and
    brings the same ones back."""
    root, _ = demo_copy
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366)

    def visible() -> set[str]:
        return {d.objectName() for d in window.side_panels.side_docks() if on_screen(d)}

    shown = visible()
    assert {"documents_dock", "spans_dock", "document_dock"} <= shown
    assert "clean_text_dock" not in shown  # tabbed behind the document panel
    press(qtbot, "Ctrl+B")
    assert visible() == set()
    qtbot.waitUntil(lambda: window.view.width() >= 0.9 * window.width())
    assert QApplication.focusWidget() is window.view
    press(qtbot, "Ctrl+B")
    assert visible() == shown
    qtbot.waitUntil(lambda: window.view.width() >= 0.58 * window.width())


def test_focus_keys(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    """Each focus key works from the panel the previous one went to."""
    window, _root = one_doc("Seoul")
    press(qtbot, "Ctrl+K")
    assert QApplication.focusWidget() is window.span_table
    press(qtbot, "Ctrl+L")
    assert QApplication.focusWidget() is window.doc_filter
    press(qtbot, "Ctrl+J")
    assert QApplication.focusWidget() is window.view


def test_help_keys(qtbot: QtBot, one_doc: Callable[[str], tuple[MainWindow, Path]]) -> None:
    window, _root = one_doc("Seoul")

    def help_dialogs() -> list[QWidget]:
        return [
            w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutsDialog) and w.isVisible()
        ]

    for keys in ("F1", "?"):
        assert help_dialogs() == []
        press(qtbot, keys, widget=window.view)
        (dialog,) = help_dialogs()
        assert dialog.windowTitle() == "Keyboard shortcuts"
        dialog.close()
        window.view.setFocus()


def test_guidelines_keys(qtbot: QtBot, tmp_path: Path, open_window: Callable[..., MainWindow]) -> None:
    """Ctrl+G shows and hides the Guidelines dock; Shift+F1 shows the current span's label's
    section (its heading selected)."""
    root = small_corpus(tmp_path, {"d": "Kim met Lee in Seoul"})
    (root / "guidelines.md").write_text("### PER\n\nPersons.\n\n### LOC\n\nPlaces.\n", "utf-8")
    window = open_window(root, autosave_ms=NO_AUTOSAVE_MS)
    dock = window.guidelines_dock
    assert not on_screen(dock)
    press(qtbot, "Ctrl+G")
    qtbot.waitUntil(lambda: on_screen(dock))
    press(qtbot, "Ctrl+G")
    qtbot.waitUntil(lambda: not dock.isVisible())
    select(window, "Kim met Lee in Seoul", "Seoul")
    press(qtbot, "L")
    press(qtbot, "Shift+F1")
    qtbot.waitUntil(lambda: on_screen(dock))
    assert window.guidelines.panel.browser.textCursor().selectedText() == "LOC"


# ---------------------------------------------------------------------- review mode

DOC = "rtp-yahoo-4"


def test_review_disagreement_and_side_keys(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _ = demo_copy
    window, review = open_review(root, doc=DOC)
    units = review.review.disagreements  # type: ignore[union-attr]
    review.advance_action.setChecked(False)  # stay on the unit a side was taken for
    press(qtbot, "N")
    assert review.current == 0
    press(qtbot, "J")
    assert review.current == 1
    press(qtbot, "K")
    assert review.current == 0 and units[0].kind == "doc_label"
    press(qtbot, "1")
    assert review.model.gold_text(0) == "alice"
    target = next(i for i, d in enumerate(units) if d.kind == "extent" and d.layer == "entity")
    press(qtbot, "N", times=target)
    assert review.current == target
    press(qtbot, "2")
    assert review.model.gold_text(target) == "bob"
    assert window.save_now()
    data = orjson.loads((root / "gold" / f"{DOC}.json").read_bytes())
    assert data["doc_labels"]["page_type"] == units[0].values["alice"]
    ((bob,),) = [units[target].candidates["bob"]]
    assert (bob.start, bob.end, bob.label) in {(s["start"], s["end"], s["label"]) for s in data["spans"]}


def test_review_accept_all_keys(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, _ = demo_copy
    window, _review = open_review(root, doc=DOC)
    annotations = load_review(Corpus.open(root), DOC, ["alice", "bob"]).annotations

    def spans_now() -> set[tuple[int, int, str]]:
        return {(s.start, s.end, s.label) for s in window.session.spans}  # type: ignore[union-attr]

    def spans_of_(name: str) -> set[tuple[int, int, str]]:
        return {(s.start, s.end, s.label) for s in annotations[name].spans}

    assert spans_of_("alice") != spans_of_("bob")
    # Ctrl+Shift+digit arrives as the shifted character on most layouts: both are bound.
    for keys, name in (("Ctrl+Shift+1", "alice"), ("Ctrl+Shift+@", "bob"),
                       ("Ctrl+Shift+!", "alice"), ("Ctrl+Shift+2", "bob")):
        press(qtbot, keys)
        assert spans_now() == spans_of_(name), keys


def test_review_view_keys(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    root, seed = demo_copy
    window, review = open_review(root, doc=seed)
    annotations = review.review.annotations  # type: ignore[union-attr]
    disputed = review.review.disputed_spans()  # type: ignore[union-attr]

    def overlaid() -> dict[str, int]:
        return {name: len(index._spans) for name, index in window.view._compare.items()}

    assert overlaid() == {name: len(spans) for name, spans in disputed.items()}
    assert any(len(disputed[n]) < len(annotations[n].spans) for n in annotations)
    press(qtbot, "F8")
    assert overlaid() == {name: len(a.spans) for name, a in annotations.items()}
    press(qtbot, "F8")
    assert overlaid() == {name: len(spans) for name, spans in disputed.items()}
    press(qtbot, "F6")
    assert all(pane.isVisible() for pane in review.panes.values())
    press(qtbot, "F6")
    assert not any(pane.isVisible() for pane in review.panes.values())
    review.dashboard_dock.hide()  # review mode shows it at start: hidden, so the key shows it
    press(qtbot, "Ctrl+Shift+A")
    assert review.dashboard_dock.isVisible()


def test_review_document_keys(
    qtbot: QtBot,
    open_review: Callable[..., tuple[MainWindow, ReviewController]],
    demo_copy: tuple[Path, str],
) -> None:
    """Ctrl+Shift+PgDown/PgUp skip to documents both annotators marked and gold has not done."""
    root, _ = demo_copy
    window, _review = open_review(root, doc=DOC)
    corpus = Corpus.open(root)
    both = corpus.annotated_ids("alice") & corpus.annotated_ids("bob")
    gold = corpus.statuses(GOLD)
    ids = window.doc_model.ids
    here = ids.index(DOC)
    wanted = [d for d in ids if d in both and gold.get(d) != "done"]
    # The one before DOC in the list that is still to review, then back to DOC.
    before = [d for d in ids[:here] if d in wanted][-1]
    assert ids.index(before) < here - 1, "a document in between must be skipped"
    press(qtbot, "Ctrl+Shift+PgUp")
    assert window.session is not None and window.session.doc_id == before
    press(qtbot, "Ctrl+Shift+PgDown")
    assert window.session.doc_id == DOC
