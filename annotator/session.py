"""The editing session of one document by one annotator, without Qt.

The desktop app wires widgets to a :class:`DocumentSession`; everything that decides what
an edit does, when a file may be written and how unsaved work survives a crash lives here,
so it is tested without a screen.

Never losing work rests on two files:

- the annotation file, written atomically by :meth:`Corpus.save_annotation` (autosave);
- a write-ahead journal (``ANNOTATOR_DIR/.journal/DOC_ID.jsonl``), one JSON line appended and
  flushed per change, holding the *state* of what the change touched (spans put or deleted,
  document labels, status). It is deleted after each successful save. A journal found at the
  next start therefore holds exactly the changes the last save missed; replaying it onto the
  file it was based on restores them (:func:`recover_journals`).

Journal entries record state rather than commands, so undo and redo need nothing special:
an undo is journaled as the spans it put back.

The session is the hub; its parts live beside it, each owned by the session (no mixins):
:mod:`annotator.session_text` (text helpers, :class:`SpanIndex`),
:mod:`annotator.session_editing` (the edit commands), :mod:`annotator.session_suggestions`
and :mod:`annotator.session_saving` (journal, crash restore, saves, the file on disk). Here
stay the history, keeping the span index in step, the rule checks and the promises every
edit keeps (see :class:`DocumentSession`). None of those modules imports this one at run time, so the
import graph has no cycle through the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator import conflicts
from annotator.conflicts import CONFLICT_DIR, conflict_path
from annotator.corpus import AnnotationFileError, Corpus, FileVersion
from annotator.edits import Batch, Change, Edit, EditError, EditNotSaved, History, SetStatus
from annotator.journal import (
    JOURNAL_DIR,
    JOURNAL_VERSION,
    Journal,
    Recovery,
    Replay,
    _apply_entry,
    _entry_for,
    _same_content,
    journal_path,
    pending_journals,
    plan_recovery,
    read_journal,
    recover_journal,
    recover_journals,
)
from annotator.model import Annotation, AttrValue, LabelScheme, Span, Status
from annotator.rules import Problem, check_annotation, clean_text, done_problems, sha256_text
from annotator.session_editing import EditCommands, Occurrences
from annotator.session_saving import PendingSave, SessionFiles, plan_opening, restore_edit
from annotator.session_suggestions import Accepted, SuggestionLayer
from annotator.session_text import (
    SpanIndex,
    adjacent_line_bounds,
    line_range,
    sorted_spans,
    word_step,
)

# Names that moved to the modules beside this one stay importable from here.
__all__ = [
    "CONFLICT_DIR", "JOURNAL_DIR", "JOURNAL_VERSION", "Accepted", "DocumentSession",
    "EditNotSaved", "Journal", "Occurrences", "PendingSave", "Recovery", "Replay", "SpanIndex",
    "_apply_entry", "_entry_for", "_same_content", "adjacent_line_bounds", "conflict_path",
    "journal_path", "line_range", "pending_journals", "plan_recovery", "read_journal",
    "recover_journal", "recover_journals", "reload_session", "restore_edit", "sorted_spans",
    "word_step",
]


#: From this many spans, an edit of a done document re-checks only the spans around it.
LOCAL_CHECK_FROM = 1_000
#: More ranges touched than this since the last check: the whole check is as cheap.
LOCAL_CHECK_RANGES = 2_000


@dataclass(frozen=True)
class _SinceClean:
    """The annotation had no problem at ``stamp`` (see ``DocumentSession._stamp``), but for
    what the edits since may have changed: these ranges and span ids, the document's labels."""

    stamp: tuple[int, int, int]
    ranges: tuple[tuple[int, int], ...] = ()
    ids: frozenset[str] = frozenset()
    doc: bool = False

    def after(self, change: Change, stamp: tuple[int, int, int]) -> _SinceClean:
        return _SinceClean(
            stamp,
            self.ranges + change.ranges,
            self.ids | change.added | change.modified,
            self.doc or change.doc_labels or change.status,
        )


@dataclass
class DocumentSession:
    """One annotator editing one document: load, edit through History, save, journal.

    Create with :meth:`open`. When the annotation file fails to load, the session is
    read-only (:attr:`load_problems` says why) and nothing is ever written over the file;
    also when the caller says so (:attr:`read_only_reason`: a corpus on a read-only disk).

    Two promises hold after every call that edits (:meth:`run`, :meth:`undo`, :meth:`redo`):
    a "done" document passes :func:`rules.done_problems` (an edit that breaks a rule moves it
    back to "in_progress" in the same undo step; :attr:`reopened` says why), and what the
    annotation shows is in the journal (a change that cannot be journaled is taken back and
    :class:`EditNotSaved` raised).
    """

    corpus: Corpus
    annotator: str
    doc_id: str
    text: str
    annotation: Annotation
    mtime_ns: int | None
    load_problems: list[Problem] = field(default_factory=list)
    recovery: Recovery | None = None
    journal_fsync: bool = False
    suggestions: list[Span] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)
    #: Why this session may not write although the file loaded (None: it may).
    read_only_reason: str | None = None
    #: The version of the file read or last saved (None: no file then). It, not
    #: ``mtime_ns``, decides whether someone else wrote the file since (ADR 15);
    #: ``mtime_ns`` is kept in step with it for the callers that read that.
    version: FileVersion | None = None
    history: History = field(init=False)
    saved_version: int = field(init=False, default=0)
    #: The problems that moved this document from "done" back to "in_progress" in the last
    #: edit (empty when the last edit did not).
    reopened: list[Problem] = field(init=False, default_factory=list)
    #: Active seconds added to ``annotation.time_spent_s`` since the last save: written by
    #: the next :meth:`save` even when nothing was edited (see :meth:`add_active_seconds`).
    unsaved_seconds: int = field(init=False, default=0)
    _text_sha: str = field(init=False, default="")
    _index: SpanIndex | None = field(init=False, default=None, repr=False)
    #: What the index was built or last updated against: (the span list, its length, version).
    _index_stamp: tuple[int, int, int] = field(init=False, default=(0, -1, -1), repr=False)
    #: Since :meth:`problems` last found none: the stamp now expected and what the edits
    #: since touched (None: not known to have been clean). See :meth:`problems`.
    _clean_since: _SinceClean | None = field(init=False, default=None, repr=False)
    _step_stamp: tuple[int, int, int] = field(init=False, default=(0, -1, -1), repr=False)
    # The parts the session delegates to (they read and set its state through it); not
    # compared or shown: they hold nothing of their own that defines the session.
    _edits: EditCommands = field(init=False, repr=False, compare=False)
    _suggestions: SuggestionLayer = field(init=False, repr=False, compare=False)
    _files: SessionFiles = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.history = History(self.annotation)
        self._text_sha = sha256_text(self.text)
        self._edits = EditCommands(self)
        self._suggestions = SuggestionLayer(self)
        self._files = SessionFiles(self)

    @classmethod
    def open(
        cls,
        corpus: Corpus,
        annotator: str,
        doc_id: str,
        *,
        recover: bool = True,
        journal_fsync: bool = False,
        read_only_reason: str | None = None,
    ) -> DocumentSession:
        """Open the document; with ``recover``, a journal left by a crash is replayed as one
        undoable edit ("restore ...": Ctrl+Z gives back the file as it was saved) and saved.
        """
        text = corpus.read_text(doc_id)
        plan: Recovery | Replay | None = None
        if recover and read_only_reason is None:
            plan, read_only_reason = plan_opening(corpus, annotator, doc_id, text)
        recovery = plan if isinstance(plan, Recovery) else None
        version: FileVersion | None = None
        if isinstance(plan, Replay):
            annotation, mtime, version = plan.base, plan.base_mtime_ns, plan.base_version
        else:
            try:
                loaded = corpus.load_annotation(annotator, doc_id, text)
            except AnnotationFileError as exc:
                # Shown read-only: the problems are listed and the file is never written.
                annotation = corpus.new_annotation(annotator, doc_id, text)
                return cls(
                    corpus, annotator, doc_id, text, annotation, None, exc.problems, recovery,
                    journal_fsync, read_only_reason=read_only_reason,
                )
            if loaded is None:
                annotation, mtime = corpus.new_annotation(annotator, doc_id, text), None
            else:
                annotation, mtime, version = loaded.annotation, loaded.mtime_ns, loaded.version
        session = cls(
            corpus, annotator, doc_id, text, annotation, mtime, [], recovery, journal_fsync,
            read_only_reason=read_only_reason, version=version,
        )
        if isinstance(plan, Replay):
            session._files.restore(plan)
        return session

    # ---- state

    @property
    def scheme(self) -> LabelScheme:
        return self.corpus.scheme

    @property
    def path(self) -> Path:
        return self.corpus.annotation_path(self.annotator, self.doc_id)

    @property
    def read_only(self) -> bool:
        return bool(self.load_problems) or self.read_only_reason is not None

    @property
    def dirty(self) -> bool:
        """Changed since the last save (or since loading)."""
        return self.history.version != self.saved_version

    @property
    def text_sha256(self) -> str:
        """The text's hash, as the rules and the journal header want it (computed once)."""
        return self._text_sha

    @property
    def spans(self) -> list[Span]:
        return self.annotation.spans

    def span(self, span_id: str | None) -> Span | None:
        return self.index.by_id.get(span_id) if span_id else None

    def _stamp(self) -> tuple[int, int, int]:
        spans = self.annotation.spans
        return (id(spans), len(spans), self.history.version)

    @property
    def index(self) -> SpanIndex:
        """The span index, rebuilt when the spans changed behind the session's back."""
        if self._index is None or self._index_stamp != self._stamp():
            self._index = SpanIndex(self.annotation.spans)
            self._index_stamp = self._stamp()
        return self._index

    def _follow(self, change: Change, fresh: bool) -> None:
        """Bring the index up to date with ``change`` (``fresh``: it was current before)."""
        if not fresh or self._index is None:
            self._index = None  # rebuilt on the next look-up
            return
        self._index.follow(change, self.annotation.spans)
        self._index_stamp = self._stamp()

    def problems(self) -> list[Problem]:
        """The rule breaks of this annotation (what the Problems panel lists).

        A whole check costs tens of milliseconds at 10,000 spans, and the panel asks after
        every edit. When the last check found nothing and only edits through this session
        happened since, only the spans around what they touched are checked (the argument
        of :meth:`_done_problems_after`: every rule is about a span, its attributes, or
        spans overlapping it); if those are fine, so is the whole. Otherwise, and on small
        documents, the whole check runs, so a list with problems is always the full one,
        in its usual order.
        """
        since = self._clean_since
        if (
            since is not None
            and since.stamp == self._stamp()
            and len(self.annotation.spans) >= LOCAL_CHECK_FROM
            and len(since.ranges) <= LOCAL_CHECK_RANGES
            and not self._near_problems(since)
        ):
            self._clean_since = _SinceClean(since.stamp)
            return []
        problems = check_annotation(self.annotation, self.text, self.scheme, self._text_sha)
        self._clean_since = None if problems else _SinceClean(self._stamp())
        return problems

    def _near_problems(self, since: _SinceClean) -> list[Problem]:
        """:func:`check_annotation` of the spans that the edits in ``since`` touched or
        that overlap what they touched (with the document's labels, hash included)."""
        if not since.ranges and not since.ids and not since.doc:
            return []
        index = self.index
        near: dict[str, Span] = {}
        for span_id in since.ids:  # a label the scheme lacks is not in the label search
            span = index.by_id.get(span_id)
            if span is not None:
                near[span_id] = span
        index.collect_overlapping(self._label_names(), since.ranges, near)
        part = self.annotation.model_copy(update={"spans": list(near.values())})
        return check_annotation(part, self.text, self.scheme, self._text_sha)

    def _label_names(self) -> list[str]:
        return [label.name for label in self.scheme.labels()]

    def done_problems(self) -> list[Problem]:
        """What keeps this annotation from being "done" (:func:`rules.done_problems`)."""
        return done_problems(self.annotation, self.text, self.scheme, self._text_sha)

    # ---- running edits

    def run(self, edit: Edit) -> Change:
        """Run ``edit`` through the history, journal it and report what changed.

        The first change of a document still "todo" also sets it "in_progress" (undone
        with it), so progress shows which documents were started. An edit that leaves a
        "done" document breaking a rule sets it back to "in_progress", in the same undo
        step; :attr:`reopened` lists the problems (ADR 0013). Raises :class:`EditNotSaved`
        (the edit taken back) when the journal cannot be written.
        """
        if self.read_only:
            if self.read_only_reason is not None:
                raise EditError(f"{self.path} is read-only: {self.read_only_reason}")
            raise EditError(f"{self.path}: this file failed to load; it is shown read-only")
        if self.annotation.status == "todo" and not isinstance(edit, SetStatus):
            edit = Batch([edit, SetStatus("in_progress")], edit.description)
        was_done = self.annotation.status == "done"
        before = self._before_step()
        change = self.history.run(edit)
        reopened: list[Problem] = []
        # Only a done document is checked again; all other edits stay as cheap as the span
        # index makes them.
        if was_done and self.annotation.status == "done":
            self._follow(change, before[0])  # the check looks spans up in the index
            reopened = self._done_problems_after(change)
            if reopened:
                fresh = self._index_is_fresh()
                extra = self.history.extend_last(SetStatus("in_progress", "not done any more"))
                self._follow(extra, fresh)
                change = change | extra
            before = (self._index_is_fresh(), before[1], before[2])
        self._after_step(change, before)
        self.reopened = reopened
        return change

    def _done_problems_after(self, change: Change) -> list[Problem]:
        """:meth:`done_problems` of a document that passed them before ``change``.

        On a large document only the spans overlapping what the change touched are checked
        (a whole check is tens of milliseconds at 10,000 spans): every structure rule is
        about spans that overlap, and a container of a span overlapping a range overlaps it
        too, so the rule breaks the change can make are all among them.
        """
        if len(self.annotation.spans) < LOCAL_CHECK_FROM:
            return self.done_problems()
        index = self.index
        near: dict[str, Span] = {}
        index.collect_overlapping(self._label_names(), change.ranges, near)
        part = self.annotation.model_copy(update={"spans": list(near.values())})
        problems = [
            p for p in done_problems(part, self.text, self.scheme, self._text_sha) if p.code != "no-article"
        ]
        if (
            self.annotation.doc_labels.get("page_type") == "article"
            and self.scheme.label("article") is not None
            and not index.overlapping("article", 0, len(self.text))
        ):
            problems.extend(p for p in self.done_problems() if p.code == "no-article")
        return problems

    def undo(self) -> Change | None:
        before = self._before_step()
        change = self.history.undo()
        if change is not None:
            self._after_step(change, before)
        self.reopened = []
        return change

    def redo(self) -> Change | None:
        before = self._before_step()
        change = self.history.redo()
        if change is not None:
            self._after_step(change, before)
        self.reopened = []
        return change

    def _before_step(self) -> tuple[bool, bool, str]:
        """What :meth:`_after_step` needs to take a step back: index fresh, clean, updated_at."""
        self._step_stamp = self._stamp()
        return self._index_is_fresh(), not self.dirty, self.annotation.updated_at

    def _after_step(self, change: Change, before: tuple[bool, bool, str]) -> None:
        """Follow ``change`` in the index and journal it; when the journal cannot be written,
        take the step back (the user must never see what a crash would lose) and raise."""
        fresh, clean, updated_at = before
        self._follow(change, fresh)
        try:
            self._files.journal_change(change)
        except OSError as exc:
            fresh_now = self._index_is_fresh()  # before the rollback bumps the version
            back = self.history.rollback()
            if back is not None:
                self._follow(back, fresh_now)
            self.annotation.updated_at = updated_at
            if clean:
                self.saved_version = self.history.version  # back to what is saved
            self.reopened = []
            raise EditNotSaved(journal_path(self.corpus, self.annotator, self.doc_id), exc) from exc
        since = self._clean_since
        if since is not None:
            # Known only while every change went through here (the stamp says none other did).
            self._clean_since = (
                since.after(change, self._stamp()) if since.stamp == self._step_stamp else None
            )

    def _index_is_fresh(self) -> bool:
        return self._index is not None and self._index_stamp == self._stamp()

    # ---- edits the app offers (built in annotator.session_editing, run through run())

    def mark(
        self,
        label: str,
        start: int,
        end: int,
        *,
        trim: bool = True,
        attrs: dict[str, AttrValue] | None = None,
        join_lines: bool = False,
    ) -> tuple[Change, str] | None:
        """Mark ``[start, end)`` with ``label``: the change and the new span's id, or None
        (see :meth:`EditCommands.mark`: trimming, merging same-label neighbours)."""
        return self._edits.mark(label, start, end, trim=trim, attrs=attrs, join_lines=join_lines)

    def mark_lines(self, label: str, start: int, end: int) -> tuple[Change, str] | None:
        """Mark the lines ``[start, end)`` touches (line mode: Shift+B, Shift+A)."""
        return self._edits.mark_lines(label, start, end)

    def plan_occurrences(
        self,
        label: str,
        needle: str,
        attrs: dict[str, AttrValue] | None = None,
        *,
        whole_words: bool = True,
        case_sensitive: bool = True,
    ) -> Occurrences:
        """Where :meth:`mark_occurrences` would mark ``needle``, without marking
        (:meth:`EditCommands.plan_occurrences`)."""
        return self._edits.plan_occurrences(
            label, needle, attrs, whole_words=whole_words, case_sensitive=case_sensitive
        )

    def mark_planned(self, plan: Occurrences) -> Change | None:
        """Add the spans of ``plan`` as one undoable edit (None: nothing to add)."""
        return self._edits.mark_planned(plan)

    def mark_occurrences(
        self,
        label: str,
        needle: str,
        attrs: dict[str, AttrValue] | None = None,
        *,
        whole_words: bool = True,
    ) -> Change | None:
        """Label every occurrence of ``needle`` not yet marked, as one undoable edit."""
        return self._edits.mark_occurrences(label, needle, attrs, whole_words=whole_words)

    def delete(self, span_id: str) -> Change:
        return self._edits.delete(span_id)

    def relabel(self, span_id: str, label: str) -> Change | None:
        return self._edits.relabel(span_id, label)

    def set_attr(self, span_id: str, name: str, value: AttrValue | None) -> Change | None:
        """Set (or with None / empty, remove) one attribute of a span."""
        return self._edits.set_attr(span_id, name, value)

    def move_edge(self, span_id: str, edge: str, direction: int, unit: str = "char") -> Change | None:
        """Move a span's ``start`` or ``end`` by a "char", a "word" or a "block" (paragraph)."""
        return self._edits.move_edge(span_id, edge, direction, unit)

    def set_doc_label(self, name: str, value: str | None) -> Change | None:
        return self._edits.set_doc_label(name, value)

    def set_status(self, status: Status) -> tuple[Change | None, list[Problem]]:
        """Set the status; "done" only when :func:`rules.done_problems` finds none (else
        those problems, and nothing changes)."""
        return self._edits.set_status(status)

    # ---- suggestions (annotations/suggestions/DOC_ID.json; annotator.session_suggestions)

    def load_suggestions(self) -> list[Problem]:
        """Read this document's suggestions; the problems when that file does not load."""
        return self._suggestions.load()

    def pending_suggestions(self) -> list[Span]:
        """Suggestions neither rejected nor already in the annotation (same label and place)."""
        return self._suggestions.pending()

    def accept_suggestions(self, ids: Iterable[str]) -> Accepted | None:
        """Copy these suggestions into the annotation as one undoable edit, refusing those
        that would break a structure rule (:meth:`SuggestionLayer.accept`)."""
        return self._suggestions.accept(ids)

    def reject_suggestions(self, ids: Iterable[str]) -> int:
        """Hide these suggestions for this session; how many were hidden."""
        return self._suggestions.reject(ids)

    # ---- navigation helpers

    def spans_in_order(self) -> list[Span]:
        return sorted_spans(self.spans)

    def next_span(self, current: str | None, step: int, pos: int = 0) -> Span | None:
        """The span after (``step`` 1) or before (-1) ``current`` in text order, cycling.

        With no current span, the first span at or after ``pos`` (or the last before it).
        """
        ordered = self.spans_in_order()
        if not ordered:
            return None
        ids = [s.id for s in ordered]
        if current in ids:
            return ordered[(ids.index(current) + step) % len(ordered)]
        if step > 0:
            return next((s for s in ordered if s.start >= pos), ordered[0])
        return next((s for s in reversed(ordered) if s.start < pos), ordered[-1])

    def clean_preview(self) -> str:
        """What an extractor learns from this page: each article minus its boilerplate."""
        articles = sorted_spans(s for s in self.spans if s.label == "article")
        if not articles:
            return ""
        parts = []
        for article in articles:
            role = article.attrs.get("role", "")
            header = f"── article {article.id}" + (f" ({role})" if role else "") + " ──"
            parts.append(f"{header}\n{clean_text(self.text, article, self.spans)}")
        return "\n\n".join(parts)

    # ---- saving and the file on disk (annotator.session_saving, annotator.conflicts)

    def add_active_seconds(self, seconds: int) -> None:
        """Add ``seconds`` of active work (:mod:`annotator.active_time`) to the annotation's
        ``time_spent_s``; the next :meth:`save` writes them, even with no edit (reading a page
        is work). Not an edit: no undo step, no journal line, ``updated_at`` and
        :attr:`dirty` unchanged, so the title still says "saved" and a file changed on disk
        is reloaded, not argued over. A read-only session keeps nothing (it never writes).
        """
        if seconds < 0:
            raise ValueError(f"active seconds cannot be negative: {seconds}")
        if seconds == 0 or self.read_only:
            return
        self.annotation.time_spent_s += seconds
        self.unsaved_seconds += seconds

    def save(self) -> bool:
        """Write the annotation if it changed (edits, or active seconds alone); True when a
        file was written. Raises :class:`ConflictError` (nothing written) when the file
        changed on disk meanwhile and there are unsaved edits (:meth:`SessionFiles.save`)."""
        return self._files.save()

    def begin_save(self) -> PendingSave | None:
        """A save to finish in another thread (the app's autosave), or None when there is no
        edit to save; then :meth:`finish_save` (see :meth:`SessionFiles.begin_save`)."""
        return self._files.begin_save()

    def finish_save(self, pending: PendingSave, written: FileVersion) -> None:
        """Note a save of ``pending`` as done (``written``: the version now on disk)."""
        self._files.finish_save(pending, written)

    def disk_changed(self) -> bool:
        """Did someone else write (or delete) the file since we read or saved it?"""
        return self._files.disk_changed()

    def keep_copy(self, annotation: Annotation | None = None, what: str = "mine") -> Path:
        """Write a copy of ``annotation`` (ours by default) to ``.conflicts/``; never overwrites."""
        return conflicts.keep_copy(self, annotation, what)

    def overwrite_theirs(self) -> Path | None:
        """Keep mine: copy the file on disk to ``.conflicts/``, then save ours over it."""
        return conflicts.overwrite_theirs(self)

    def discard_journal(self) -> None:
        """Throw the unsaved changes' journal away (the caller kept them some other way)."""
        self._files.discard_journal()

    def close(self) -> None:
        """Stop journaling (call after a final save); the journal stays if unsaved."""
        self._files.close()


def reload_session(session: DocumentSession) -> tuple[DocumentSession, Path | None]:
    """Take theirs: keep our unsaved version in ``.conflicts/`` and open the file anew."""
    # Here rather than in annotator.conflicts (where it was): it opens a DocumentSession,
    # and conflicts importing this module made the import cycle conflicts -> session.
    # conflicts.keep_copy is looked up at call time, as before (tests replace it).
    kept = conflicts.keep_copy(session) if session.dirty else None
    session.discard_journal()
    return DocumentSession.open(session.corpus, session.annotator, session.doc_id, recover=False), kept
