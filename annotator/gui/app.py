"""Starting the desktop app: the annotator's name, the corpus lock, crash recovery, the window.

``annotator open`` calls :func:`run_app`. The pieces are separate functions so that tests
(and the start-up benchmark) can start the real window without a dialog or an event loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from annotator.corpus import Corpus, CorpusError, LockedError
from annotator.gui.main_window import AUTOSAVE_MS, MainWindow
from annotator.gui.settings import APPLICATION, ORGANIZATION, settings
from annotator.model import SUGGESTIONS, is_valid_name
from annotator.session import DocumentSession, pending_journals, recover_journals

NAME_KEY = "annotator/name"


def remembered_annotator() -> str | None:
    value = settings().value(NAME_KEY)
    return str(value) if value and is_valid_name(str(value)) else None


def remember_annotator(name: str) -> None:
    store = settings()
    store.setValue(NAME_KEY, name)
    store.sync()


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an annotator's name, or None."""
    if not is_valid_name(name):
        return (
            f"{name!r} is not a valid name: letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    if name == SUGGESTIONS:
        return f"{name!r} is reserved for machine suggestions"
    return None


def ask_annotator(parent: QWidget | None = None) -> str | None:
    """First run: ask the annotator's name until it is valid (None when cancelled)."""
    prompt = "Your name (saved with every annotation you make; letters, digits, . _ -):"
    name = ""
    while True:
        name, ok = QInputDialog.getText(
            parent, "Who is annotating?", prompt, QLineEdit.EchoMode.Normal, name
        )
        if not ok:
            return None
        name = name.strip()
        problem = name_problem(name)
        if problem is None:
            return name
        prompt = f"{problem}.\nYour name:"


def _corpus_key(corpus: Corpus) -> str:
    return hashlib.sha1(str(corpus.root.resolve()).encode("utf-8")).hexdigest()[:16]


def _previous_owner(corpus: Corpus, annotator: str) -> dict[str, object] | None:
    """Who held the lock last, when their session did not end cleanly (owner file left)."""
    path = corpus.lock(annotator).owner_path
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(path.read_text("utf-8"))
        if isinstance(info, dict):
            return info
    return None


def _last_doc_key(corpus: Corpus, annotator: str) -> str:
    return f"last_doc/{_corpus_key(corpus)}/{annotator}"


def remembered_document(corpus: Corpus, annotator: str) -> str | None:
    """The document this annotator had open last in this corpus (None: not known)."""
    store = settings()
    # Per annotator; before that the key was per corpus only.
    last = store.value(_last_doc_key(corpus, annotator)) or store.value(f"last_doc/{_corpus_key(corpus)}")
    return str(last) if last else None


def remember_document(corpus: Corpus, annotator: str, doc_id: str) -> None:
    """Remember the open document at once, not only at quit: after a crash it is the one
    to reopen."""
    store = settings()
    store.setValue(_last_doc_key(corpus, annotator), doc_id)
    store.setValue(f"last_doc/{_corpus_key(corpus)}", doc_id)
    store.sync()


def start_window(
    corpus_path: Path | str, annotator: str, *, autosave_ms: int = AUTOSAVE_MS
) -> MainWindow:
    """Open the corpus, take the annotator's lock, restore unsaved work, build the window.

    The first document: the one whose crash journal is the newest (its restore is an
    undoable edit, see ``DocumentSession.open``), else the next unfinished one of the
    annotator's queue in ``assignments.json``, else the one open when the last session
    ended (remembered), else the first of the corpus. A corpus that cannot be written (read-only disk or folder)
    opens read-only, saying so. Raises :class:`LockedError` when another window or process
    holds the lock, and :class:`CorpusError` for a corpus that cannot be opened.
    """
    corpus = Corpus.open(corpus_path)
    lock = corpus.lock(annotator)
    previous = _previous_owner(corpus, annotator)
    try:
        lock.acquire()
    except OSError as exc:
        lock.release()  # the lock may be held while its owner note could not be written
        return _read_only_window(corpus, annotator, exc, autosave_ms)
    try:
        unclean = None
        if previous is not None:
            # The lock file's owner note survives only when a session ended without
            # closing (crash, kill, power loss); we hold the lock, so it is gone.
            unclean = (
                f"The last session (process {previous.get('pid')} on {previous.get('host')}, "
                f"since {previous.get('since')}) did not close properly"
            )
        pending = [d for d in pending_journals(corpus, annotator) if corpus.has_document(d)]
        # Unsaved work wins over the queue; the queue over the document remembered.
        start_doc = pending[0] if pending else None
        # The document opened first restores its own journal, undoably; the others now.
        recoveries = recover_journals(corpus, annotator, skip=pending[:1])
        window = MainWindow(
            corpus,
            annotator,
            lock=lock,
            recoveries=recoveries,
            unclean_end=unclean,
            autosave_ms=autosave_ms,
            start_doc=start_doc,
            last_doc=remembered_document(corpus, annotator),
        )
        window.documentOpened.connect(lambda doc_id: remember_document(corpus, annotator, doc_id))
        window.reviewRequested.connect(partial(open_review, window))
        if window.session is not None:
            remember_document(corpus, annotator, window.session.doc_id)
    except BaseException:
        lock.release()
        raise
    return window


def open_review(window: MainWindow) -> None:
    """The "Review…" action of an annotator's window: review mode, loaded on first use."""
    from annotator.gui.review_start import open_review_from

    open_review_from(window)


def _read_only_window(corpus: Corpus, annotator: str, exc: OSError, autosave_ms: int) -> MainWindow:
    """The corpus cannot be written: show it read-only (no lock, no journal, no saving)."""
    reason = f"the corpus at {corpus.root} cannot be written ({exc.strerror or exc})"

    def open_read_only(c: Corpus, a: str, doc_id: str) -> DocumentSession:
        return DocumentSession.open(c, a, doc_id, recover=False, read_only_reason=reason)

    window = MainWindow(
        corpus,
        annotator,
        notes=[f"Opened read-only: {reason}; nothing can be changed or saved"],
        autosave_ms=autosave_ms,
        last_doc=remembered_document(corpus, annotator),
        session_factory=open_read_only,
    )
    window.reviewRequested.connect(partial(open_review, window))
    return window


def remember_last_document(window: MainWindow) -> None:
    """Remember the open document (per corpus and annotator) and the window's size and panels."""
    if window.session is not None:
        remember_document(window.corpus, window.annotator, window.session.doc_id)
    store = settings()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())
    store.sync()


def restore_layout(window: MainWindow) -> None:
    store = settings()
    geometry = store.value("window/geometry")
    state = store.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)


def run_app(corpus_path: Path | str, annotator: str | None = None) -> int:
    """The desktop app on ``corpus_path``; returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    name = annotator or remembered_annotator()
    if annotator is not None:
        problem = name_problem(annotator)
        if problem is not None:
            print(f"annotator: --annotator: {problem}", file=sys.stderr)
            return 2
    if name is None:
        name = ask_annotator()
        if name is None:
            return 1
    if remembered_annotator() is None or annotator is None:
        # --annotator overrides for this run; it becomes the default only on a first run.
        remember_annotator(name)
    try:
        window = start_window(corpus_path, name, autosave_ms=_autosave_ms())
    except LockedError as exc:
        QMessageBox.critical(None, "Already open", str(exc))
        print(f"annotator: {exc}", file=sys.stderr)
        return 1
    except CorpusError as exc:
        QMessageBox.critical(None, "Cannot open the corpus", str(exc))
        print(f"annotator: {exc}", file=sys.stderr)
        return 1
    app.aboutToQuit.connect(lambda: remember_last_document(window))
    restore_layout(window)
    window.show()
    if window.startup_report:
        # Not modal: the window is usable at once; the box says what the start restored.
        box = QMessageBox(QMessageBox.Icon.Information, "Unsaved work", "\n".join(window.startup_report), parent=window)
        box.setModal(False)
        box.show()
    return int(app.exec())


def _autosave_ms() -> int:
    # For the crash-recovery test and for debugging the journal: a long autosave delay
    # leaves the edits in the journal only.
    raw = os.environ.get("ANNOTATOR_AUTOSAVE_MS", "")
    return int(raw) if raw.isdigit() else AUTOSAVE_MS
