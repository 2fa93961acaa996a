"""The real main window, driven from the keyboard offscreen; assertions on the saved files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from annotator.corpus import Corpus, LockedError
from annotator.gui.main_window import MainWindow
from annotator.gui.shortcuts_help import shortcut_rows
from tests.conftest import add_text

pytestmark = pytest.mark.gui

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


def key(qtbot, window: MainWindow, k: Qt.Key | str, mods: Qt.KeyboardModifier = NONE, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.view, k, mods)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` as key events carrying the characters.

    QTest.keyClicks only knows ASCII (it aborts on Hangul), so each character is sent as an
    input method would: a key event with the character as its text.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, NONE, char))


def focus(qtbot, widget: QWidget) -> None:
    """Give ``widget`` the keyboard focus as a click would (once it is shown)."""
    qtbot.waitUntil(widget.isVisible)
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def saved(corpus_path: Path, doc_id: str, annotator: str = "tester") -> dict:
    return orjson.loads((corpus_path / "annotations" / annotator / f"{doc_id}.json").read_bytes())


def line_start(text: str, line: int) -> int:
    """Code point offset of the start of 1-based ``line``."""
    pos = 0
    for _ in range(line - 1):
        pos = text.index("\n", pos) + 1
    return pos


def by_label(data: dict, label: str) -> list[dict]:
    return [s for s in data["spans"] if s["label"] == label]


def test_keyboard_annotation_of_the_seed_page_is_saved(
    qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> None:
    root, seed_id = demo_copy
    window = open_window(root)
    assert window.open_document(seed_id)
    text = window.session.text  # type: ignore[union-attr]
    view = window.view

    # Menu lines 1-3: three Alt+Shift+Down, then Shift+B: one boilerplate span.
    view.select_cp(0, 0)
    key(qtbot, window, Qt.Key.Key_Down, ALT | SHIFT, times=3)
    key(qtbot, window, Qt.Key.Key_B, SHIFT)

    # The article in line mode: from the title line (9) to the e-mail line (48).
    view.select_cp(line_start(text, 9), line_start(text, 9))
    key(qtbot, window, Qt.Key.Key_Down, ALT | SHIFT, times=40)
    key(qtbot, window, Qt.Key.Key_A, SHIFT)

    # The photo caption inside the article: the current line, one key.
    view.select_cp(line_start(text, 22), line_start(text, 22))
    key(qtbot, window, Qt.Key.Key_B, SHIFT)

    # The footer, by blocks: from line 50 two blocks down, then Shift+B.
    view.select_cp(line_start(text, 50), line_start(text, 50))
    key(qtbot, window, Qt.Key.Key_Down, CTRL | SHIFT, times=2)
    key(qtbot, window, Qt.Key.Key_B, SHIFT)

    # The byline: select it, press "y", give its attributes in the editor.
    byline = "[서울=뉴스핌] 심지혜 기자"
    b = text.index(byline)
    view.select_cp(b, b + len(byline))
    key(qtbot, window, Qt.Key.Key_Y)
    editor = window.attr_editor
    # Authors, agency and location were filled in from the byline's own text, the e-mail
    # from the address the article signs off with. Retyping the e-mail:
    assert [editor.fields[n].text() for n in ("authors", "agency", "location", "email")] == [  # type: ignore[union-attr]
        "심지혜", "뉴스핌", "서울", "sjh@newspim.com"
    ]
    field = editor.fields["email"]
    focus(qtbot, field)
    field.selectAll()  # type: ignore[union-attr]
    type_text(field, "sjh@newspim")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    # An invalid e-mail turns the field red while it is wrong, and is fixed by typing on.
    assert editor.fields["email"].property("invalid") is True
    qtbot.keyClicks(editor.fields["email"], ".com")
    assert editor.fields["email"].property("invalid") is False
    qtbot.keyClick(editor.fields["email"], Qt.Key.Key_Return)

    # An entity, then every other occurrence of it (Ctrl+M): one undoable edit.
    window.view.setFocus()
    e = text.index("LG유플러스")
    view.select_cp(e, e + len("LG유플러스"))
    key(qtbot, window, Qt.Key.Key_O)
    key(qtbot, window, Qt.Key.Key_M, CTRL)
    # Ctrl+M first says how many it will mark; Enter marks them.
    dialog = window.marking.mark_all_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    orgs = [s for s in window.session.spans if s.label == "ORG"]  # type: ignore[union-attr]
    assert len(orgs) == text.count("LG유플러스")

    # Undo takes back the whole "mark all", redo brings it back.
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert len([s for s in window.session.spans if s.label == "ORG"]) == 1  # type: ignore[union-attr]
    key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len([s for s in window.session.spans if s.label == "ORG"]) == len(orgs)  # type: ignore[union-attr]

    # Page type (Alt+1: article) and done (Ctrl+3): the annotation validates.
    key(qtbot, window, Qt.Key.Key_1, ALT)
    key(qtbot, window, Qt.Key.Key_3, CTRL)
    assert window.session.annotation.status == "done", window.messages  # type: ignore[union-attr]

    # Switching document saves at once.
    window.open_document(next(d for d in window.doc_model.ids if d != seed_id))
    data = saved(root, seed_id)
    assert data["status"] == "done"
    assert data["doc_labels"] == {"page_type": "article"}
    for span in data["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
    boiler = sorted(by_label(data, "boilerplate"), key=lambda s: s["start"])
    assert [s["text"] for s in boiler[:2]] == ["전체기사 최신뉴스 GAM\nKYD 디데이\n산업 재계·경영", "LG 트윈타워 [사진=LG]"]
    assert boiler[2]["text"].startswith("[뉴스핌 베스트 기사]") and boiler[2]["text"].endswith("Top으로 이동")
    (article,) = by_label(data, "article")
    assert article["text"].startswith('"인공지능 경쟁력 키우자"') and article["text"].endswith("sjh@newspim.com")
    assert article["attrs"] == {"role": "main"}
    (by,) = by_label(data, "byline")
    assert by["text"] == byline
    assert by["attrs"] == {"authors": ["심지혜"], "agency": "뉴스핌", "location": "서울", "email": "sjh@newspim.com"}
    assert {s["text"] for s in by_label(data, "ORG")} == {"LG유플러스"}
    assert len(by_label(data, "ORG")) == text.count("LG유플러스")


def test_emoji_before_the_spans_gives_code_point_offsets(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    text = "👍🏽 e\u0301 🇰🇷 😀😀\r\n서울 Seoul 😀 LG전자\n"
    corpus = Corpus.create(tmp_path / "c", name="emoji")
    add_text(corpus, "emoji", text)
    window = open_window(tmp_path / "c")
    view = window.view
    # Select "Seoul" the way a user does, in Qt's UTF-16 positions.
    u16 = len(text[: text.index("Seoul")].encode("utf-16-le")) // 2
    assert u16 == text.index("Seoul") + 6  # six characters outside the BMP before it
    assert view.document().characterAt(u16) == "S"
    cursor = view.textCursor()
    cursor.setPosition(u16)
    cursor.setPosition(u16 + 5, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    key(qtbot, window, Qt.Key.Key_L)
    lg = text.index("LG전자")
    view.select_cp(lg, lg + 4)
    key(qtbot, window, Qt.Key.Key_O)
    window.save_now()
    data = saved(tmp_path / "c", "emoji")
    spans = {s["label"]: s for s in data["spans"]}
    start = text.index("Seoul")
    assert (spans["LOC"]["start"], spans["LOC"]["end"], spans["LOC"]["text"]) == (start, start + 5, "Seoul")
    assert (spans["ORG"]["start"], spans["ORG"]["end"], spans["ORG"]["text"]) == (lg, lg + 4, "LG전자")


def test_span_keys_cycle_move_relabel_delete(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    text = "Kim Minsu met Lee in Seoul today"
    corpus = Corpus.create(tmp_path / "c", name="keys")
    add_text(corpus, "d", text)
    window = open_window(tmp_path / "c")
    view = window.view
    for word, k in (("Kim", Qt.Key.Key_P), ("Lee", Qt.Key.Key_P), ("Seoul", Qt.Key.Key_L)):
        i = text.index(word)
        view.select_cp(i, i + len(word))
        key(qtbot, window, k)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.current_span is None
    view.select_cp(0, 0)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.session.span(window.current_span).text == "Kim"  # type: ignore[union-attr]
    # Alt+Ctrl+Right: the end moves a word to the right ("Kim Minsu").
    key(qtbot, window, Qt.Key.Key_Right, CTRL | ALT)
    assert window.session.span(window.current_span).text == "Kim Minsu"  # type: ignore[union-attr]
    key(qtbot, window, Qt.Key.Key_Left, ALT)
    assert window.session.span(window.current_span).text == "Kim Mins"  # type: ignore[union-attr]
    key(qtbot, window, Qt.Key.Key_Right, ALT)
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.session.span(window.current_span).text == "Seoul"  # type: ignore[union-attr]
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    lee = window.current_span
    # No selection + a label key: relabel the current span.
    key(qtbot, window, Qt.Key.Key_M)
    assert window.session.span(lee).label == "MISC"  # type: ignore[union-attr]
    key(qtbot, window, Qt.Key.Key_Delete)
    assert window.session.span(lee) is None  # type: ignore[union-attr]
    assert window.current_span is None
    # The span list follows, in text order.
    assert [window.span_model.span_at(r).text for r in range(window.span_model.rowCount())] == ["Kim Minsu", "Seoul"]  # type: ignore[union-attr]
    window.save_now()
    assert [(s["label"], s["text"]) for s in saved(tmp_path / "c", "d")["spans"]] == [("PER", "Kim Minsu"), ("LOC", "Seoul")]


def test_done_is_refused_with_the_problems_shown(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "A title\nbody")
    window = open_window(tmp_path / "c")
    window.view.select_cp(0, 7)
    key(qtbot, window, Qt.Key.Key_T)  # a title outside any article
    key(qtbot, window, Qt.Key.Key_3, CTRL)
    assert window.session.annotation.status == "in_progress"  # type: ignore[union-attr]
    assert window.problem_list.count() == 2  # and no page type set
    assert "must lie inside article" in window.problem_list.item(0).text()
    assert "page_type" in window.problem_list.item(1).text()
    assert window.status_combo.currentData() == "in_progress"
    assert "Not done" in window.messages[-1]


def test_autosave_after_a_pause(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Seoul")
    window = open_window(tmp_path / "c", autosave_ms=50)
    window.view.select_cp(0, 5)
    key(qtbot, window, Qt.Key.Key_L)
    path = tmp_path / "c" / "annotations" / "tester" / "d.json"
    qtbot.waitUntil(path.exists, timeout=5000)
    assert saved(tmp_path / "c", "d")["spans"][0]["text"] == "Seoul"
    # Written in the autosave's thread; the title follows when the save lands on this one.
    qtbot.waitUntil(lambda: window.windowTitle().endswith(" saved"), timeout=5000)


def test_quitting_saves_and_releases_the_lock(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Seoul")
    window = open_window(tmp_path / "c", autosave_ms=60_000)
    window.view.select_cp(0, 5)
    key(qtbot, window, Qt.Key.Key_L)
    assert window.windowTitle() == "d — p — tester — unsaved"
    key(qtbot, window, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()
    assert saved(tmp_path / "c", "d")["spans"][0]["label"] == "LOC"
    assert not corpus.lock("tester").owner_path.exists()
    assert not list((tmp_path / "c" / "annotations" / "tester" / ".journal").glob("*.jsonl"))


def test_file_changed_on_disk_is_not_overwritten_silently(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Kim and Lee")
    window = open_window(tmp_path / "c", autosave_ms=60_000)
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    window.save_now()
    # Someone else writes the file; we edit meanwhile.
    theirs = corpus.load_annotation("tester", "d").annotation  # type: ignore[union-attr]
    theirs.status = "skipped"
    corpus.save_annotation(theirs)
    window.view.select_cp(8, 11)
    key(qtbot, window, Qt.Key.Key_P)
    asked: list[str] = []
    monkeypatch.setattr(window, "ask_conflict", lambda path: asked.append(path) or "keep")
    window.save_now()
    assert asked
    data = saved(tmp_path / "c", "d")
    assert [s["text"] for s in data["spans"]] == ["Kim", "Lee"]
    kept = list((tmp_path / "c" / "annotations" / "tester" / ".conflicts").glob("d.*.theirs.json"))
    assert len(kept) == 1 and orjson.loads(kept[0].read_bytes())["status"] == "skipped"
    assert "kept in" in window.messages[-1]


def test_unchanged_document_reloads_when_the_file_changes(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Kim and Lee")
    window = open_window(tmp_path / "c")
    theirs = corpus.new_annotation("tester", "d")
    theirs.doc_labels["page_type"] = "broken"
    corpus.save_annotation(theirs)
    # The folder watcher or the next focus check notices it.
    window.check_disk()
    assert window.session.annotation.doc_labels == {"page_type": "broken"}  # type: ignore[union-attr]
    assert window.doc_label_combos["page_type"].currentData() == "broken"
    assert "reloaded" in window.messages[-1]


def test_broken_file_is_shown_read_only_and_kept(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    add_text(corpus, "d", "Kim and Lee")
    path = corpus.annotation_path("tester", "d")
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"schema_version": 1, "doc_id": "d"')
    window = open_window(tmp_path / "c")
    assert window.session.read_only  # type: ignore[union-attr]
    assert str(path) in window.messages[-1] and "read-only" in window.messages[-1]
    assert window.problem_list.count() >= 1
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    window.close()
    assert path.read_bytes() == b'{"schema_version": 1, "doc_id": "d"'
    assert "read-only" in window.windowTitle()


def test_a_second_window_gets_a_clear_message(open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]) -> None:
    root, _ = demo_copy
    open_window(root, show=False)
    with pytest.raises(LockedError, match="being edited by process"):
        open_window(root, show=False)
    # Another annotator may work at the same time.
    assert open_window(root, annotator="bob", show=False).annotator == "bob"


def test_document_list_filters_and_progress(qtbot, open_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="p")
    for i in range(5):
        add_text(corpus, f"doc{i}", f"text {i}")
    done = corpus.new_annotation("tester", "doc3")
    done.status = "done"
    corpus.save_annotation(done)
    window = open_window(tmp_path / "c")
    window.doc_model.fill_all()
    window._show_progress()
    assert window.doc_model.index(4, 1).data() == "text 4"  # no title: the first line
    assert window.progress_label.text() == "done 1/5"
    window.status_filter.setCurrentIndex(window.status_filter.findData("done"))
    assert window.doc_proxy.rowCount() == 1
    window.status_filter.setCurrentIndex(window.status_filter.findData(None))
    qtbot.keyClicks(window.doc_filter, "doc4")
    assert window.doc_proxy.rowCount() == 1
    assert window.doc_proxy.index(0, 0).data() == "doc4"
    assert window.session.doc_id == "doc0"  # filtering does not switch document  # type: ignore[union-attr]
    # Ctrl+PgDown from doc0 in the unfiltered list goes to doc1.
    window.doc_filter.clear()
    key(qtbot, window, Qt.Key.Key_PageDown, CTRL)
    assert window.session.doc_id == "doc1"  # type: ignore[union-attr]


def test_shortcuts_help_lists_every_action(qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]) -> None:
    root, _ = demo_copy
    window = open_window(root)
    key(qtbot, window, Qt.Key.Key_F1)
    dialog = window._shortcuts_dialog
    with_keys = [a for a in window.actions_by_name.values() if a.shortcuts()]
    assert len(dialog.rows) == len(with_keys) == dialog.view.model().rowCount()
    texts = {r[1] for r in shortcut_rows(with_keys)}
    assert {"Mark boilerplate", "Mark line(s) as boilerplate", "Undo", "Find in the document"} <= texts
    # No two actions share a key.
    keys = [k.toString() for a in with_keys for k in a.shortcuts()]
    assert len(keys) == len(set(keys))
    dialog.close()


def test_find_and_zoom(qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]) -> None:
    root, seed_id = demo_copy
    window = open_window(root)
    window.open_document(seed_id)
    key(qtbot, window, Qt.Key.Key_F, CTRL)
    assert window.find_bar.isVisible()
    type_text(window.find_bar.edit, "LG유플러스")
    text = window.session.text  # type: ignore[union-attr]
    first = text.index("LG유플러스")
    assert window.view.selection_cp() == (first, first + len("LG유플러스"))
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    second = text.index("LG유플러스", first + 1)
    assert window.view.selection_cp() == (second, second + len("LG유플러스"))
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    size = window.view.font().pointSizeF()
    key(qtbot, window, Qt.Key.Key_Equal, CTRL)
    assert window.view.font().pointSizeF() > size


def test_layers_can_be_hidden(qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]) -> None:
    root, _ = demo_copy
    window = open_window(root)
    key(qtbot, window, Qt.Key.Key_3, CTRL | ALT)
    assert window.view.hidden_layers() == {"entity"}
    key(qtbot, window, Qt.Key.Key_3, CTRL | ALT)
    assert window.view.hidden_layers() == set()


def test_shift_b_line_after_line_marks_one_menu_block(
    qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> None:
    root, seed_id = demo_copy
    window = open_window(root)
    assert window.open_document(seed_id)
    window.view.select_cp(0, 0)
    key(qtbot, window, Qt.Key.Key_B, SHIFT, times=3)  # the three menu lines
    text = window.session.text  # type: ignore[union-attr]
    after_blank = text.index("속보")
    window.view.select_cp(after_blank, after_blank)
    key(qtbot, window, Qt.Key.Key_B, SHIFT)  # past a blank line: a block of its own
    window.save_now()
    blocks = sorted((s["start"], s["text"]) for s in by_label(saved(root, seed_id), "boilerplate"))
    assert [t for _, t in blocks] == ["전체기사 최신뉴스 GAM\nKYD 디데이\n산업 재계·경영", "속보"]
