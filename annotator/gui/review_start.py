"""Starting review mode: choose the annotators, take the gold lock, open the gold window.

Review mode is a main window for annotator ``gold`` (its files are ``gold/DOC_ID.json``, its
lock is gold's), opened with :func:`~annotator.gui.review_state.gold_session_factory` and a
:class:`~annotator.gui.review.ReviewController` attached. It starts from

* ``annotator open [CORPUS] --review A B ...`` (:func:`run_review_app`), or
* the "Review…" action of an annotator's window (:func:`open_review_from`), which opens it
  as a second window; in a review window the same action changes the compared annotators.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.corpus import Corpus, CorpusError, LockedError
from annotator.gui.main_window import AUTOSAVE_MS, MainWindow
from annotator.gui.review import ReviewController
from annotator.gui.review_state import (
    check_annotators,
    gold_session_factory,
    reviewable_annotators,
)
from annotator.model import GOLD
from annotator.session import recover_journals


class ReviewSetupDialog(QDialog):
    """Which annotators to compare: a check box each; OK needs two or more."""

    def __init__(
        self, annotators: Sequence[str], chosen: Sequence[str] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review annotators into gold")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Compare these annotators (two or more); 1..9 take their sides:", self)
        )
        self.boxes: dict[str, QCheckBox] = {}
        for name in annotators:
            box = QCheckBox(name, self)
            box.setChecked(not chosen or name in chosen)
            box.toggled.connect(lambda _on: self._update())
            layout.addWidget(box)
            self.boxes[name] = box
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def chosen(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(self.chosen()) >= 2)


def ask_annotators(
    corpus: Corpus, chosen: Sequence[str] = (), parent: QWidget | None = None
) -> list[str] | None:
    """The annotators to compare, or None (cancelled, or fewer than two in the corpus)."""
    names = reviewable_annotators(corpus)
    if len(names) < 2:
        QMessageBox.information(
            parent, "Review", f"Review needs two or more annotators; this corpus has {len(names)}."
        )
        return None
    dialog = ReviewSetupDialog(names, chosen, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()


def first_document_to_review(corpus: Corpus, annotators: Sequence[str]) -> str | None:
    """The first document two of ``annotators`` marked whose gold is not done (else any of them)."""
    present = [corpus.annotated_ids(a) for a in annotators]
    shared = [d for d in corpus.doc_ids() if sum(d in ids for ids in present) >= 2]
    statuses = corpus.statuses(GOLD)
    return next((d for d in shared if statuses.get(d) != "done"), shared[0] if shared else None)


def start_review_window(
    corpus_path: Path | str,
    annotators: Sequence[str],
    *,
    start_doc: str | None = None,
    autosave_ms: int = AUTOSAVE_MS,
) -> MainWindow:
    """Open the corpus, take gold's lock, restore unsaved gold, build the review window.

    Raises :class:`ValueError` for annotators that cannot be compared, :class:`LockedError`
    when gold is being edited elsewhere, :class:`CorpusError` for a corpus that cannot open.
    """
    corpus = Corpus.open(corpus_path)
    names = check_annotators(corpus, annotators)
    lock = corpus.lock(GOLD)
    lock.acquire()
    try:
        recoveries = recover_journals(corpus, GOLD)
        compared = list(names)  # read by the factory: the Review… action may change it
        window = MainWindow(
            corpus,
            GOLD,
            lock=lock,
            recoveries=recoveries,
            autosave_ms=autosave_ms,
            start_doc=start_doc or first_document_to_review(corpus, names),
            session_factory=gold_session_factory(lambda: compared),
        )
        controller = ReviewController(window, names)
        # The controller's list is the one in force; the factory reads it at each opening.
        controller.annotators = compared
        # In a review window the same action changes the compared annotators.
        window.reviewRequested.connect(partial(open_review_from, window))
    except BaseException:
        lock.release()
        raise
    return window


def controller_of(window: MainWindow) -> ReviewController | None:
    return next((e for e in window.extensions if isinstance(e, ReviewController)), None)


def open_review_from(window: MainWindow) -> MainWindow | None:
    """The "Review…" action: in a review window, change the annotators; else open one."""
    controller = controller_of(window)
    if controller is not None:
        names = ask_annotators(window.corpus, controller.annotators, window)
        if names:
            controller.set_annotators(names)
        return window
    names = ask_annotators(window.corpus, (), window)
    if not names:
        return None
    if not window.flush():
        return None
    start = window.session.doc_id if window.session is not None else None
    try:
        review = start_review_window(window.corpus.root, names, start_doc=start)
    except (LockedError, CorpusError, ValueError) as exc:
        window.message(f"Cannot open review mode: {exc}", error=True)
        return None
    window.review_windows.append(review)
    review.show()
    return review


def run_review_app(
    corpus_path: Path | str, annotators: Sequence[str], autosave_ms: int = AUTOSAVE_MS
) -> int:
    """``annotator open CORPUS --review A B ...``: the app straight in review mode."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        window = start_review_window(corpus_path, annotators, autosave_ms=autosave_ms)
    except ValueError as exc:
        print(f"annotator: --review: {exc}", file=sys.stderr)
        return 2
    except (LockedError, CorpusError) as exc:
        QMessageBox.critical(None, "Cannot open review mode", str(exc))
        print(f"annotator: {exc}", file=sys.stderr)
        return 1
    window.show()
    if window.startup_report:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Unsaved work",
            "\n".join(window.startup_report),
            parent=window,
        )
        box.setModal(False)
        box.show()
    return int(app.exec())
