"""Keeping the open document saved: the autosave, saving on switch and quit, conflicts.

The session does the writing (atomic, journalled) and detects a file changed on disk; this
module decides *when*: 0.4 s after the last edit, before another document opens, on quit,
and it notices other writers through a folder watcher and the window's focus. When both
sides changed it asks Reload or Keep mine; the other version is kept in ``.conflicts/``.
It also owns the title bar, because the title says whether the document is saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from annotator.corpus import AnnotatorLock, ConflictError, CorpusError, FileVersion
from annotator.gui.actions import ActionRegistry
from annotator.gui.editor import DocumentEditor
from annotator.session import DocumentSession, PendingSave, reload_session

AUTOSAVE_MS = 400
#: After a failed save (disk full, folder not writable): try again this much later.
RETRY_MS = 5_000

#: Asks what to do about a file changed on disk (its path): "reload" or "keep".
AskConflict = Callable[[str], str]
#: Adds to the open session what belongs in its next save (the active time counted since).
BeforeSave = Callable[[DocumentSession], None]


def ask_conflict_dialog(parent: QWidget, path: str) -> str:
    """Ask what to do about a file changed on disk: "reload" or "keep"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("File changed on disk")
    box.setText(f"{path} was changed on disk by someone else since you opened it.")
    box.setInformativeText(
        "Reload: take their version (yours is kept as a copy in .conflicts/).\n"
        "Keep mine: save your version (theirs is kept as a copy in .conflicts/)."
    )
    reload_button = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep mine", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return "reload" if box.clickedButton() is reload_button else "keep"


class _SaveInFlight:
    """An autosave being written in a worker thread: the session it belongs to, its snapshot,
    and, once the thread ends, the version written or the error."""

    def __init__(self, session: DocumentSession, pending: PendingSave, done: Callable[[], None]) -> None:
        self.session = session
        self.pending = pending
        self.written: FileVersion | None = None
        self.error: BaseException | None = None
        self._done = done
        self.thread = threading.Thread(target=self._run, name="autosave", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.written = self.session.corpus.write_prepared(self.pending.prepared)
        except BaseException as exc:  # handed to the GUI thread, which decides
            self.error = exc
        self._done()


class PersistenceController(QObject):
    #: A save written in the worker thread has ended (emitted from that thread).
    _landed = Signal()

    def __init__(
        self,
        editor: DocumentEditor,
        window: QWidget,
        *,
        corpus_name: str,
        annotator: str,
        state_label: QLabel,
        ask: AskConflict,
        lock: AnnotatorLock | None = None,
        autosave_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(window)
        self.editor = editor
        self.window = window
        self.corpus_name = corpus_name
        self.annotator = annotator
        self.state_label = state_label
        # Looked up through the caller at each conflict, so a test can answer for the user.
        self.ask = ask
        self.lock = lock
        self.message = editor.message
        #: Set while the window closes: a late watcher or focus check must not reload then.
        self.closing = False
        self._resolving = False
        #: Called with the open session right before each save (the autosave, Ctrl+S, and
        #: the flush before a switch or quit): the activity tracker hands its seconds over.
        self.before_save: list[BeforeSave] = []
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(autosave_ms)
        self._autosave_ms = autosave_ms
        self._autosave.timeout.connect(self.autosave)
        #: The autosave being written in a worker thread, if any (see :meth:`autosave`).
        self._in_flight: _SaveInFlight | None = None
        self._recheck_disk = False
        self._landed.connect(self.land)
        # Someone else writing our file (shared folder, git pull) is noticed at once.
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _p: QTimer.singleShot(0, self.check_disk))

    def add_actions(self, registry: ActionRegistry) -> None:
        registry.add("Save now", ["Ctrl+S"], self.save_now, "File")
        registry.add("Reload from disk", ["Ctrl+Shift+R"], self.reload_from_disk, "File")

    # ------------------------------------------------------------------ following the editor

    def on_session_shown(self, session: DocumentSession) -> None:
        self.update_title()
        self._watch(session)

    def on_applied(self) -> None:
        """An edit: save after a pause (every further edit restarts it); the title says unsaved."""
        self._autosave.start(self._autosave_ms)
        self.update_title()

    def _watch(self, session: DocumentSession) -> None:
        """Watch only the open document's folder: one watched folder, whatever the corpus size."""
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        if session.path.parent.is_dir():
            self._watcher.addPath(str(session.path.parent))

    def update_title(self) -> None:
        session = self.editor.session
        if session is None:
            self.window.setWindowTitle(f"{self.corpus_name} — {self.annotator}")
            return
        if session.read_only:
            state = "read-only"
        elif session.dirty:
            state = "unsaved"
        else:
            state = "saved"
        self.window.setWindowTitle(f"{session.doc_id} — {self.corpus_name} — {self.annotator} — {state}")
        self.state_label.setText(state)

    # ------------------------------------------------------------------ saving

    def autosave(self) -> None:
        """The pause after an edit: write the annotation in a worker thread.

        Serialising is done here (a snapshot: the annotator may go on editing); the write,
        its fsyncs and the rename (tens of ms on a 1 MB page) are not, so the window does not
        stall while its user reads on. Every change is in the journal meanwhile. A save
        already in flight lands first; a failure or a conflict is handled when it lands,
        as :meth:`save_now` does.
        """
        if self._in_flight is not None:
            self._autosave.start(self._autosave_ms)
            return
        self.editor.attr_editor.commit_pending()
        self._autosave.stop()  # the commit restarted it
        session = self.editor.session
        if session is None or session.read_only:
            return
        for hook in self.before_save:
            hook(session)
        try:
            pending = session.begin_save()
        except (CorpusError, OSError) as exc:
            self._save_failed(session, exc)
            return
        if pending is None:
            if session.unsaved_seconds:
                self.save_now()  # active seconds alone: small, and they may need a merge
            return
        # A queued signal: the thread only says it ended; the GUI thread lands the save.
        self._in_flight = _SaveInFlight(session, pending, self._landed.emit)

    def land(self) -> bool:
        """Finish the save in flight, if any (waiting for its thread): note what was written,
        or settle its conflict or failure. True when it left nothing to settle."""
        flight = self._in_flight
        if flight is None:
            return True
        flight.thread.join()
        self._in_flight = None
        session, error = flight.session, flight.error
        ok = True
        if error is None:
            assert flight.written is not None
            session.finish_save(flight.pending, flight.written)
            if session.dirty and session is self.editor.session and not self.closing:
                self._autosave.start(self._autosave_ms)  # edits made while it was written
        elif isinstance(error, ConflictError):
            ok = self.resolve_conflict() if session is self.editor.session else False
        elif isinstance(error, (CorpusError, OSError)):
            self._save_failed(session, error)
            ok = False
        else:
            raise error
        self.update_title()
        if self._recheck_disk:
            self._recheck_disk = False
            QTimer.singleShot(0, self.check_disk)
        return ok

    def _save_failed(self, session: DocumentSession, exc: BaseException) -> None:
        # The journal still holds every change: nothing is lost, but say it loudly, and try
        # again later (space may come back) while the user goes on.
        self.message(
            f"Could not save {session.path}: {exc}. Your changes are kept in the journal; "
            f"trying again in {RETRY_MS // 1000} s",
            error=True,
        )
        if not self.closing:
            self._autosave.start(RETRY_MS)
        self.update_title()

    def save_now(self) -> bool:
        """Save the open document if it changed; True when nothing is left unsaved."""
        self._autosave.stop()
        if not self.land():
            return False
        # An attribute being typed is part of what is saved (and journaled first).
        self.editor.attr_editor.commit_pending()
        self._autosave.stop()  # the commit restarted it
        session = self.editor.session
        if session is not None:
            for hook in self.before_save:
                hook(session)
        if session is None or session.read_only:
            return True
        try:
            session.save()
        except ConflictError:
            return self.resolve_conflict()
        except (CorpusError, OSError) as exc:
            self._save_failed(session, exc)
            return False
        self.update_title()
        return True

    def flush(self) -> bool:
        """Before switching document or quitting: save, settling a conflict if any."""
        return self.save_now()

    def resolve_conflict(self) -> bool:
        session = self.editor.session
        if session is None:
            return True
        if self._resolving:
            return False  # one question at a time (the autosave may fire while it is open)
        self._resolving = True
        try:
            choice = self.ask(str(session.path))
        finally:
            self._resolving = False
        try:
            if choice == "reload":
                new, kept = self._reload(session)
                self.editor.show_session(new)
                self.message(
                    f"Reloaded {session.doc_id} from disk"
                    + (f"; your unsaved version is kept in {kept}" if kept else "")
                )
            else:
                kept = session.overwrite_theirs()
                self.update_title()
                self.message(
                    f"Saved your version of {session.doc_id}"
                    + (f"; the version on disk is kept in {kept}" if kept else "")
                )
        except (CorpusError, OSError) as exc:  # a full disk while keeping a copy, ...
            self.message(str(exc), error=True)
            return False
        return True

    def check_disk(self) -> None:
        """The file changed under us? Reload when we have nothing unsaved, else ask."""
        if self._in_flight is not None:
            # Our own write is landing (the folder watcher saw it): look once it has.
            self._recheck_disk = True
            return
        session = self.editor.session
        if session is None or self.closing or not session.disk_changed():
            return
        if session.dirty:
            self.resolve_conflict()
            return
        try:
            new, _ = self._reload(session)
        except (CorpusError, OSError) as exc:
            self.message(str(exc), error=True)
            return
        self.editor.show_session(new)
        self.message(f"{session.doc_id} was changed on disk; reloaded (you had no unsaved changes)")

    def reload_from_disk(self) -> None:
        self.land()
        session = self.editor.session
        if session is None:
            return
        try:
            new, kept = self._reload(session)
        except (CorpusError, OSError) as exc:  # nothing was thrown away: the session stays
            self.message(str(exc), error=True)
            return
        self.editor.show_session(new)
        self.message(
            f"Reloaded {session.doc_id}" + (f"; your unsaved version is kept in {kept}" if kept else "")
        )

    def _reload(self, session: DocumentSession) -> tuple[DocumentSession, Path | None]:
        """:func:`reload_session`, keeping the active seconds not yet written: time spent on
        the document stays the annotator's whichever version of the file wins."""
        new, kept = reload_session(session)
        new.add_active_seconds(session.unsaved_seconds)
        return new, kept

    def quit(self) -> bool:
        """The window closes: save (or have the user accept the journal), release everything.

        False when the user chose to stay because the save failed.
        """
        self.closing = True
        if not self.flush():
            answer = QMessageBox.question(
                self.window,
                "Not saved",
                "The document could not be saved (see the status bar). Your changes are kept in "
                "the journal and restored at the next start. Quit anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.closing = False
                return False
        if self.editor.session is not None:
            self.editor.session.close()
        if self.lock is not None:
            self.lock.release()
        return True
