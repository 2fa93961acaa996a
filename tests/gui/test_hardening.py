"""Issue 9, hardening, in the real window: a done document stays valid, a change that cannot
be journaled is not shown, typed attributes reach the journal without Enter, the start reopens
the document being edited and says truthfully what it restored, a read-only corpus opens."""

from __future__ import annotations

import errno
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from annotator.corpus import Corpus
from annotator.edits import make_span
from annotator.gui.main_window import MainWindow, startup_report
from annotator.journal import Journal
from annotator.session import DocumentSession, Recovery, journal_path, read_journal
from tests.conftest import add_text
from tests.faults.conftest import make_read_only  # noqa: F401 - the fixture, used below
from tests.gui.test_main_window import CTRL, focus, key, type_text

pytestmark = pytest.mark.gui

SEED = "000_2c3ea0c0f783ca12"
BROKEN = "LG전자는 3일\xa0서울"


def alice_done_seed(demo_copy: tuple[Path, str]) -> tuple[Path, str, int]:
    """The demo copy, where alice's seed page is done and valid; where the issue's words are."""
    root, doc = demo_copy
    if doc != SEED:
        pytest.skip("needs corpora/demo with alice's done seed page")
    text = (root / "documents" / f"{doc}.txt").read_text("utf-8")
    assert json.loads((root / "annotations" / "alice" / f"{doc}.json").read_text("utf-8"))["status"] == "done"
    return root, doc, text.index(BROKEN)


def died(corpus: Corpus, annotator: str = "tester") -> None:
    """What an unclean end leaves behind besides the journal: the lock's owner note."""
    owner = corpus.lock(annotator).owner_path
    owner.parent.mkdir(parents=True, exist_ok=True)
    owner.write_text(json.dumps({"pid": 1, "host": "h", "since": "then"}), "utf-8")


def status_on_disk(root: Path, doc: str, annotator: str = "alice") -> str:
    return orjson.loads((root / "annotations" / annotator / f"{doc}.json").read_bytes())["status"]


def test_an_overlapping_mark_on_a_done_page_moves_it_back_to_in_progress(
    qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> None:
    root, doc, at = alice_done_seed(demo_copy)
    window = open_window(root, "alice", autosave_ms=50)
    window.open_document(doc)
    assert window.session.annotation.status == "done"  # type: ignore[union-attr]
    before = len(window.session.spans)  # type: ignore[union-attr]
    window.view.select_cp(at, at + len(BROKEN))
    key(qtbot, window, Qt.Key.Key_P)  # PER over "LG전자" (ORG) and "서울" (LOC)
    session = window.session
    assert session is not None and len(session.spans) == before + 1
    assert session.annotation.status == "in_progress"
    assert window.doc_model.info(doc, title=False).status == "in_progress"  # the list says so
    assert window.status_combo.currentData() == "in_progress"
    overlaps = [window.problem_list.item(i).text() for i in range(window.problem_list.count())]
    assert len(overlaps) == 2 and all("may not overlap" in t for t in overlaps)
    assert "Back to in progress" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: status_on_disk(root, doc) == "in_progress", timeout=5000)
    # One Ctrl+Z: the span goes and "done" comes back, on disk too.
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert session.annotation.status == "done" and len(session.spans) == before
    qtbot.waitUntil(lambda: status_on_disk(root, doc) == "done", timeout=5000)


def test_a_suggestion_that_would_break_a_rule_is_not_accepted(
    qtbot, open_window: Callable[..., MainWindow], demo_copy: tuple[Path, str]
) -> None:
    root, doc, at = alice_done_seed(demo_copy)
    corpus = Corpus.open(root)
    text = corpus.read_text(doc)
    suggestions = corpus.new_annotation("suggestions", doc, text)
    suggestions.spans.append(make_span(text, at, at + len(BROKEN), "PER", "g1"))
    corpus.save_annotation(suggestions)
    window = open_window(root, "alice", autosave_ms=60_000)
    window.open_document(doc)
    before = list(window.session.spans)  # type: ignore[union-attr]
    window.view.select_cp(at, at)
    key(qtbot, window, Qt.Key.Key_Period)
    key(qtbot, window, Qt.Key.Key_Return)
    assert window.session.spans == before  # type: ignore[union-attr]
    assert window.session.annotation.status == "done"  # type: ignore[union-attr]
    said = window.statusBar().currentMessage()
    assert "Nothing accepted" in said and "would break a rule" in said and "overlap" in said


def test_a_label_key_whose_change_cannot_be_journaled_shows_nothing_but_a_message(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="full")
    add_text(corpus, "d", "Kim met Lee in Seoul")
    window = open_window(tmp_path / "c", autosave_ms=60_000)

    def no_space(_fd: int, _data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "_write_bytes", staticmethod(no_space))
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)  # an exception escaping the slot fails the test
    assert window.session.spans == []  # type: ignore[union-attr]
    assert window.span_model.rowCount() == 0
    assert "could not be written" in window.statusBar().currentMessage()
    assert "No space left" in window.messages[-1]
    # Space again: the same key works.
    monkeypatch.undo()
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    assert [s.text for s in window.session.spans] == ["Kim"]  # type: ignore[union-attr]


def test_a_failing_autosave_says_so_and_tries_again(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.gui import persistence

    monkeypatch.setattr(persistence, "RETRY_MS", 100)
    corpus = Corpus.create(tmp_path / "c", name="full")
    add_text(corpus, "d", "Kim met Lee in Seoul")
    window = open_window(tmp_path / "c", autosave_ms=50)
    session = window.session
    assert session is not None
    failures = [2]
    real_write = session.corpus.write_prepared

    def write(*args: object, **kwargs: object) -> object:
        # Every save of an annotation writes through here (the autosave in its thread too).
        if failures[0]:
            failures[0] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session.corpus, "write_prepared", write)
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: any("Could not save" in m for m in window.messages), timeout=5000)
    assert journal_path(session.corpus, "tester", "d").exists()  # the journal keeps it
    path = tmp_path / "c" / "annotations" / "tester" / "d.json"
    qtbot.waitUntil(path.exists, timeout=5000)  # retried by itself
    # Written in the autosave's thread; the journal goes when the save lands on this one.
    qtbot.waitUntil(lambda: not journal_path(session.corpus, "tester", "d").exists(), timeout=5000)
    assert [s["label"] for s in orjson.loads(path.read_bytes())["spans"]] == ["PER"]
    assert window.windowTitle().endswith("saved")


def test_typed_attribute_text_reaches_the_journal_without_enter(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    text = "[서울=뉴스핌] 심지혜 기자\nbody"
    corpus = Corpus.create(tmp_path / "c", name="attrs")
    add_text(corpus, "d", text)
    window = open_window(tmp_path / "c", autosave_ms=60_000)  # only the journal has it
    window.view.select_cp(0, text.index("\n"))
    key(qtbot, window, Qt.Key.Key_Y)
    field = window.attr_editor.fields["authors"]
    assert isinstance(field, QLineEdit)
    assert field.text() == "심지혜"  # filled in from the byline's own text when it was marked
    focus(qtbot, field)
    field.end(False)
    type_text(field, ", 김")  # no Enter, focus stays
    path = journal_path(corpus, "tester", "d")

    def journaled(value: list[str]) -> Callable[[], bool]:
        def check() -> bool:
            _, entries = read_journal(path)
            return any(s["attrs"].get("authors") == value for e in entries for s in e.get("put", ()))

        return check

    qtbot.waitUntil(journaled(["심지혜", "김"]), timeout=5000)
    assert field.hasFocus() and field.text() == "심지혜, 김"
    span_id = window.current_span
    assert window.session.span(span_id).attrs["authors"] == ["심지혜", "김"]  # type: ignore[union-attr]
    # Typed in bursts, committed several times: one undo takes the whole typed value back.
    type_text(field, ", 이")
    qtbot.waitUntil(journaled(["심지혜", "김", "이"]), timeout=5000)
    assert field.text() == "심지혜, 김, 이"
    window.undo()
    assert window.session.span(span_id).attrs["authors"] == ["심지혜"]  # type: ignore[union-attr]


def test_the_start_reopens_the_crashed_document_and_the_restore_undoes(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="crash")
    add_text(corpus, "a-first", "The first document.")
    add_text(corpus, "b-second", "Kim met Lee in Seoul")
    session = DocumentSession.open(corpus, "tester", "b-second")
    session.mark("PER", 0, 3)
    session.close()  # the process dies: the journal is all there is
    died(corpus)
    window = open_window(tmp_path / "c", autosave_ms=60_000)
    assert window.session is not None and window.session.doc_id == "b-second"
    assert [s.text for s in window.session.spans] == ["Kim"]
    said = " ".join(window.startup_report)
    assert "did not close properly" in said and "b-second: restored 1 unsaved change" in said
    assert "lost" not in said
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.session.spans == []
    assert window.span_model.rowCount() == 0


def test_the_start_report_says_where_a_set_aside_journal_is(tmp_path: Path) -> None:
    kept = tmp_path / ".conflicts" / "d.journal.jsonl"
    recoveries = [Recovery("d", "set-aside", 2, f"d: unsaved edits not applied (the document text changed); kept in {kept}", kept)]
    report = startup_report([], "The last session did not close properly", recoveries)
    assert any(str(kept) in line for line in report)
    assert not any("lost" in line or "nothing" in line for line in report)
    # No journal at all: it says what it found, not that nothing was lost.
    assert startup_report([], "The last session did not close properly", []) == [
        "The last session did not close properly",
        "no unsaved edits were found to restore",
    ]


def test_a_set_aside_journal_is_reported_with_its_path_at_start(
    open_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    corpus = Corpus.create(tmp_path / "c", name="aside")
    add_text(corpus, "d", "Kim met Lee")
    session = DocumentSession.open(corpus, "tester", "d")
    session.mark("PER", 0, 3)
    session.close()
    # Someone else saved the file meanwhile: the journal no longer applies.
    theirs = corpus.new_annotation("tester", "d")
    theirs.spans.append(make_span("Kim met Lee", 8, 11, "ORG", "s1"))
    corpus.save_annotation(theirs)
    died(corpus)
    window = open_window(tmp_path / "c", autosave_ms=60_000)
    said = "\n".join(window.startup_report)
    assert "did not close properly" in said
    kept = list((tmp_path / "c" / "annotations" / "tester" / ".conflicts").glob("*.jsonl"))
    assert len(kept) == 1 and str(kept[0]) in said and "not applied" in said
    assert "nothing" not in said


def test_a_read_only_corpus_opens_read_only(
    qtbot,
    open_window: Callable[..., MainWindow],
    demo_copy: tuple[Path, str],
    make_read_only: Callable[[Path], Path],  # noqa: F811 - the fixture imported above
) -> None:
    root, _doc = demo_copy
    shutil.rmtree(root / "annotations" / "bob")  # any content will do; smaller is quicker
    read_only = make_read_only(root)
    window = open_window(read_only, "alice")
    assert window.session is not None and window.session.read_only
    said = " ".join(window.messages)
    assert "read-only" in said and str(read_only) in said
    assert window.windowTitle().endswith("read-only")
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    assert "read-only" in window.statusBar().currentMessage()


def test_reload_that_cannot_keep_the_unsaved_copy_keeps_the_session(
    qtbot, open_window: Callable[..., MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File → Reload when the unsaved version cannot be kept aside (a full disk): nothing is
    thrown away, the window says why, no exception escapes the slot."""
    from annotator import conflicts

    corpus = Corpus.create(tmp_path / "c", name="full")
    add_text(corpus, "d", "Kim met Lee in Seoul")
    window = open_window(tmp_path / "c", autosave_ms=60_000)
    window.view.select_cp(0, 3)
    key(qtbot, window, Qt.Key.Key_P)
    session = window.session
    assert session is not None and session.dirty

    def no_space(*_args: object, **_kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "c"))

    monkeypatch.setattr(conflicts, "keep_copy", no_space)
    window.persistence.reload_from_disk()
    assert window.session is session  # still the unsaved work
    assert [s.text for s in session.spans] == ["Kim"]
    assert "No space left" in window.statusBar().currentMessage()
