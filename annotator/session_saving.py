"""The editing session's files: saving the annotation, the journal, the file on disk.

Split out of :mod:`annotator.session`: a :class:`~annotator.session.DocumentSession` owns one
:class:`SessionFiles`; its ``save``, ``begin_save``, ``finish_save``, ``disk_changed``,
``discard_journal`` and ``close`` delegate here, and ``open`` replays a crash journal through
it. What a save leaves behind (``mtime_ns``, ``version``, ``saved_version``,
``unsaved_seconds``) stays on the session, where the window and :mod:`annotator.conflicts`
read and set it; this object owns the write-ahead journal (:class:`~annotator.journal.Journal`)
and decides when the annotation file may be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.corpus import (
    ABSENT,
    AnnotationFileError,
    ConflictError,
    Corpus,
    CorpusError,
    FileVersion,
    PreparedSave,
    changed_since,
)
from annotator.edits import (
    AddSpan,
    Batch,
    Change,
    Edit,
    History,
    RemoveSpan,
    SetDocLabel,
    SetStatus,
    UpdateSpan,
)
from annotator.journal import (
    JOURNAL_VERSION,
    Journal,
    Recovery,
    Replay,
    _entry_for,
    journal_path,
    plan_recovery,
)
from annotator.model import Annotation, utc_now

if TYPE_CHECKING:  # the session owns this object: only for the type hints
    from annotator.session import DocumentSession


def plan_opening(
    corpus: Corpus, annotator: str, doc_id: str, text: str
) -> tuple[Recovery | Replay | None, str | None]:
    """What a crash journal asks of opening the document (:func:`plan_recovery`), and why
    the session must then be read-only (None: it need not)."""
    try:
        return plan_recovery(corpus, annotator, doc_id, text), None
    except (OSError, CorpusError) as exc:
        # Cannot even set it aside (read-only folder...): leave it where it is, and write
        # nothing that could replace it.
        path = journal_path(corpus, annotator, doc_id)
        reason = f"unsaved edits from the last session could not be restored ({exc}); they stay in {path}"
        return Recovery(doc_id, "left", 0, f"{doc_id}: {reason}", path), reason


def restore_edit(text: str, base: Annotation, replayed: Annotation, changes: int) -> Batch:
    """One edit turning ``base`` (the saved file) into ``replayed`` (it plus a crash journal)."""
    before = {s.id: s for s in base.spans}
    after = {s.id: s for s in replayed.spans}
    edits: list[Edit] = [RemoveSpan(s.id) for s in base.spans if s.id not in after]
    for span in replayed.spans:
        old = before.get(span.id)
        if old is None:
            edits.append(AddSpan(span))
        elif old != span:
            edits.append(
                UpdateSpan(text, span.id, span.start, span.end, span.label, dict(span.attrs))
            )
    for name in sorted(base.doc_labels.keys() | replayed.doc_labels.keys()):
        value = replayed.doc_labels.get(name)
        if base.doc_labels.get(name) != value:
            edits.append(SetDocLabel(name, value))
    if base.status != replayed.status:
        edits.append(SetStatus(replayed.status))
    return Batch(edits, f"restore {changes} unsaved change{'s' * (changes != 1)}")


@dataclass(frozen=True)
class PendingSave:
    """A save begun (:meth:`DocumentSession.begin_save`): the bytes to write, and the edits
    and active seconds they hold."""

    prepared: PreparedSave
    history_version: int
    seconds: int


class SessionFiles:
    """The journal and the annotation file of one session; see the session's methods of the
    same names."""

    def __init__(self, session: DocumentSession) -> None:
        self._session = session
        #: The journal of the edits since the last save (None: none since, or it was set
        #: aside); created by the first edit that needs it.
        self.journal: Journal | None = None

    # ---- the journal

    def restore(self, plan: Replay) -> None:
        """Apply a crash journal as one undoable edit, journal that, then save (the session
        just opened: :meth:`DocumentSession.open`)."""
        s = self._session
        edit = restore_edit(s.text, plan.base, plan.replayed, plan.changes)
        change = s.history.run(edit)
        try:
            # The new journal (header and one line with the restored state) replaces the
            # old one atomically: a crash now still finds every restored change.
            self.journal_change(change)
        except OSError as exc:
            s.history.rollback()
            s.history = History(s.annotation)  # nothing to undo: nothing was done
            self.journal = None  # the old journal stays as it is, for the next start
            s.saved_version = s.history.version
            reason = f"unsaved edits from the last session could not be restored ({exc}); they stay in {plan.path}"
            s.recovery = Recovery(s.doc_id, "left", 0, f"{s.doc_id}: {reason}", plan.path)
            s.read_only_reason = reason
            return
        recovery = plan.recovery(s.doc_id)
        try:
            s.save()  # the session's: a subclass's save is the one that runs
        except (OSError, CorpusError) as exc:
            # The journal holds them: restored on screen, saved by the next autosave.
            recovery = Recovery(
                s.doc_id, "restored", recovery.changes, f"{recovery.message} (not saved yet: {exc})"
            )
        s.recovery = recovery

    def journal_change(self, change: Change) -> None:
        """Append ``change`` to the journal, creating it first (raises OSError)."""
        s = self._session
        if self.journal is None:
            header = {
                "journal": JOURNAL_VERSION,
                "doc_id": s.doc_id,
                "annotator": s.annotator,
                "text_sha256": s.text_sha256,
                "base_mtime_ns": s.mtime_ns,
                # What decides at replay whether the file is still the one these edits
                # began from (ADR 15): its content, not its mtime.
                "base_sha256": s.version.sha256 if s.version is not None else None,
                "started": utc_now(),
            }
            self.journal = Journal(journal_path(s.corpus, s.annotator, s.doc_id), header, s.journal_fsync)
        self.journal.append(_entry_for(s.annotation, change, s.history.version, s.span))

    def discard_journal(self) -> None:
        """Throw the unsaved changes' journal away (the caller kept them some other way)."""
        if self.journal is not None:
            self.journal.discard()
            self.journal = None

    def close(self) -> None:
        """Stop journaling (call after a final save); the journal stays if unsaved."""
        if self.journal is not None:
            self.journal.close()

    # ---- saving

    def save(self) -> bool:
        """Write the annotation if it changed (edits, or active seconds alone); True when a
        file was written.

        Raises :class:`ConflictError` (nothing written) when the file changed on disk since
        it was read or last saved and there are unsaved edits: the caller asks whether to
        reload or keep a copy. Seconds alone never raise it (see :meth:`_save_seconds`).
        """
        s = self._session
        if s.read_only or not (s.dirty or s.unsaved_seconds):
            return False
        if not s.dirty:
            return self._save_seconds()
        self._write()
        return True

    def _save_seconds(self) -> bool:
        """Write the unsaved active seconds when nothing else changed.

        When someone else wrote the file meanwhile (another machine, a ``git pull``), the
        seconds are added to *their* version: time is no work to choose between, and asking
        "Reload or Keep mine" over it would be a conflict the annotator did not make. This
        session is then behind the disk, as after any outside write: the next check of the
        disk reloads it (nothing unsaved, so without a question), and an edit before that
        meets the conflict its file really has. Their file gone or unreadable: nothing is
        written, the seconds stay unsaved (False).
        """
        s = self._session
        try:
            self._write()
            return True
        except ConflictError:
            pass
        try:
            loaded = s.corpus.load_annotation(s.annotator, s.doc_id, s.text)
        except (AnnotationFileError, OSError):
            return False
        if loaded is None:
            return False
        theirs = loaded.annotation
        theirs.time_spent_s += s.unsaved_seconds
        try:
            if loaded.version is not None:
                s.corpus.save_annotation(theirs, expected=loaded.version)
            else:
                s.corpus.save_annotation(theirs, expected_mtime_ns=loaded.mtime_ns)
        except ConflictError:
            return False  # a third writer came in between: try again at the next save
        s.unsaved_seconds = 0
        return True

    def _write(self) -> None:
        """Write the annotation over the version read or last saved (:class:`ConflictError`
        when the file on disk is another one) and drop the journal it makes redundant."""
        pending = self._snapshot()
        self.finish_save(pending, self._session.corpus.write_prepared(pending.prepared))

    def begin_save(self) -> PendingSave | None:
        """A save to finish in another thread (the app's autosave): the annotation's bytes as
        they are now, or None when there is nothing to save but active seconds (:meth:`save`
        writes those). Run ``corpus.write_prepared(pending.prepared)`` anywhere, then
        :meth:`finish_save` here with the version it returns; or, when it raised
        :class:`ConflictError`, settle the conflict as after :meth:`save`. Edits may go on
        meanwhile: they stay unsaved (and journaled) for the next save."""
        s = self._session
        if s.read_only or not s.dirty:
            return None
        return self._snapshot()

    def _snapshot(self) -> PendingSave:
        # ABSENT: a file that appeared since we opened is someone else's (checked under the
        # save lock, so two first saves cannot both pass).
        s = self._session
        prepared = s.corpus.prepare_save(s.annotation, expected=self._resolved_expected())
        return PendingSave(prepared, s.history.version, s.unsaved_seconds)

    def _resolved_expected(self) -> FileVersion | int:
        expected = self._expected()
        if isinstance(expected, int) and expected != ABSENT:
            # A bare mtime this Corpus has seen: its content decides too (save_annotation).
            seen = self._session.corpus.version_of(self._session.path)
            if seen is not None and seen.mtime_ns == expected:
                return seen
        return expected

    def finish_save(self, pending: PendingSave, written: FileVersion) -> None:
        """Note a save of ``pending`` as done: what is on disk now, which edits it holds, and
        the journal: dropped when no edit came after the snapshot, else rebased on the file
        just written (its lines put states, so replaying those already saved changes nothing)."""
        s = self._session
        s.corpus.remember_version(pending.prepared.path, written)
        s.mtime_ns = written.mtime_ns
        s.version = written
        s.saved_version = pending.history_version
        s.unsaved_seconds = max(0, s.unsaved_seconds - pending.seconds)
        if self.journal is None:
            return
        if s.history.version == pending.history_version:
            self.journal.discard()
            self.journal = None
        else:
            self.journal.rebase({"base_mtime_ns": written.mtime_ns, "base_sha256": written.sha256})

    # ---- the file on disk

    def _expected(self) -> FileVersion | int:
        """What the file on disk must still be for a save to go through."""
        s = self._session
        if s.mtime_ns is None:
            return ABSENT
        if s.version is not None and s.version.mtime_ns == s.mtime_ns:
            return s.version
        # Someone set ``mtime_ns`` alone (older callers): that mtime is all we know.
        return s.mtime_ns

    def disk_changed(self) -> bool:
        """Did someone else write (or delete) the file since we read or saved it?

        By content (ADR 15): a rewrite that kept the size and the mtime is a change, a
        ``touch`` is not. A stat first (another size: changed, nothing read), then, for a
        file of the same size, one read and hash: about 2.3 ms for 10,000 spans (2.6 MB),
        on window focus and folder-watcher events, never per keystroke.
        """
        s = self._session
        if s.read_only:
            return False
        expected = self._expected()
        if isinstance(expected, FileVersion):
            return changed_since(s.path, expected)
        try:
            current: int | None = s.path.stat().st_mtime_ns
        except FileNotFoundError:
            current = None
        return current != s.mtime_ns
