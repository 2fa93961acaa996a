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
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator import conflicts
from annotator.attribute_fill import PageClock, article_email, fill_attrs, page_clock
from annotator.conflicts import CONFLICT_DIR, conflict_path, reload_session
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
    EditError,
    EditNotSaved,
    History,
    RemoveSpan,
    SetDocLabel,
    SetStatus,
    UpdateSpan,
    default_attrs,
    make_span,
    trim_whitespace,
)
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
from annotator.model import SUGGESTIONS, Annotation, AttrValue, LabelScheme, Span, Status, utc_now
from annotator.rules import Problem, check_annotation, clean_text, done_problems, sha256_text
from annotator.text_search import find_all, paragraph_step

# The journal and the conflict helpers moved to their own modules; their names stay
# importable from here.
__all__ = [
    "CONFLICT_DIR",
    "JOURNAL_DIR",
    "JOURNAL_VERSION",
    "Accepted",
    "DocumentSession",
    "EditNotSaved",
    "Journal",
    "Occurrences",
    "Recovery",
    "Replay",
    "SpanIndex",
    "_apply_entry",
    "_entry_for",
    "_same_content",
    "adjacent_line_bounds",
    "conflict_path",
    "journal_path",
    "line_range",
    "pending_journals",
    "plan_recovery",
    "read_journal",
    "recover_journal",
    "recover_journals",
    "reload_session",
    "restore_edit",
    "sorted_spans",
    "word_step",
]


# --------------------------------------------------------------------------- text helpers


def adjacent_line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened by one character into the line just before and just after
    when only a single line break (and spaces) separates them, so that a span ending on the
    previous line or starting on the next one counts as touching; a blank line does not."""
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    lo = i - 1 if i > 0 and text.count("\n", i, start) == 1 else start
    j = end
    while j < len(text) and text[j].isspace():
        j += 1
    hi = j + 1 if j < len(text) and text.count("\n", end, j) == 1 else end
    return lo, hi


def line_range(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines that ``[start, end)`` touches, without the final line break.

    A selection ending right at the start of a line (after a line break) does not take
    that line: selecting whole lines with Shift+Down ends there.
    """
    if end > start and text[end - 1 : end] == "\n":
        end -= 1
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", max(end, start))
    if line_end < 0:
        line_end = len(text)
    return line_start, line_end


def word_step(text: str, pos: int, direction: int) -> int:
    """The next word edge after ``pos`` (``direction`` +1) or before it (-1)."""
    n = len(text)
    if direction > 0:
        i = pos
        while i < n and text[i].isspace():
            i += 1
        if i < n and not _is_word(text[i]):
            return i + 1
        while i < n and _is_word(text[i]):
            i += 1
        return i
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i > 0 and not _is_word(text[i - 1]):
        return i - 1
    while i > 0 and _is_word(text[i - 1]):
        i -= 1
    return i


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def sorted_spans(spans: Iterable[Span]) -> list[Span]:
    """Spans in text order: by start, the outer one first."""
    return sorted(spans, key=lambda s: (s.start, -s.end, s.id))


# --------------------------------------------------------------------------- span index


class SpanIndex:
    """Spans by id and, per label, by position: what one edit needs to look up.

    Marking a word among 10,000 spans must not walk them all (the per-edit budget is one
    frame): the duplicate check, the merge of overlapping same-label spans, new ids and
    ``span(id)`` are answered here. The session keeps it in step with each :class:`Change`.
    """

    def __init__(self, spans: Iterable[Span]) -> None:
        self.by_id: dict[str, Span] = {}
        #: label -> sorted (start, end, id)
        self._by_label: dict[str, list[tuple[int, int, str]]] = {}
        #: label -> the longest span of that label ever indexed: bounds an overlap search
        #: (never shrinks on removal, which keeps it a valid bound).
        self._max_len: dict[str, int] = {}
        for span in spans:
            self.by_id[span.id] = span
            self._by_label.setdefault(span.label, []).append((span.start, span.end, span.id))
            self._max_len[span.label] = max(self._max_len.get(span.label, 0), span.end - span.start)
        for entries in self._by_label.values():
            entries.sort()

    def add(self, span: Span) -> None:
        self.by_id[span.id] = span
        insort(self._by_label.setdefault(span.label, []), (span.start, span.end, span.id))
        self._max_len[span.label] = max(self._max_len.get(span.label, 0), span.end - span.start)

    def remove(self, span_id: str) -> None:
        span = self.by_id.pop(span_id, None)
        if span is None:
            return
        entries = self._by_label[span.label]
        i = bisect_left(entries, (span.start, span.end, span.id))
        if i < len(entries) and entries[i][2] == span_id:
            del entries[i]

    def has(self, label: str, start: int, end: int) -> bool:
        """A span of ``label`` on exactly ``[start, end)``."""
        entries = self._by_label.get(label, [])
        i = bisect_left(entries, (start, end))
        return i < len(entries) and entries[i][:2] == (start, end)

    def overlapping(self, label: str, start: int, end: int) -> list[str]:
        """Ids of the spans of ``label`` overlapping ``[start, end)``."""
        entries = self._by_label.get(label, [])
        # A span of length <= max_len overlapping [start, end) starts after start - max_len.
        lo = bisect_left(entries, (start - self._max_len.get(label, 0) + 1,))
        hi = bisect_left(entries, (end,))
        return [i for s, e, i in entries[lo:hi] if e > start]


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


# --------------------------------------------------------------------------- restoring


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


@dataclass
class Occurrences:
    """What marking every occurrence of a text would do (planned, not yet run): the spans
    to add, how many places already hold the same span, and each place refused with the
    rules a span there would break."""

    spans: list[Span]
    already: int
    refused: list[tuple[Span, list[Problem]]]


@dataclass
class Accepted:
    """What accepting suggestions did: the edit (None when every one was refused), the new
    spans' ids, and each refused suggestion with the rules it would have broken."""

    change: Change | None
    new_ids: list[str]
    refused: list[tuple[Span, list[Problem]]]

    def refused_text(self) -> str:
        """The refused ones in a sentence for the status bar ("" when none)."""
        if not self.refused:
            return ""
        first, problems = self.refused[0]
        excerpt = " ".join(first.text.split())[:30]
        more = f" (and {len(self.refused) - 1} more)" if len(self.refused) > 1 else ""
        return (
            f"not accepted: {len(self.refused)} suggestion{'s' * (len(self.refused) != 1)} "
            f"that would break a rule — {first.label} {excerpt!r}: {problems[0].message}{more}"
        )


# --------------------------------------------------------------------------- session


@dataclass(frozen=True)
class PendingSave:
    """A save begun (:meth:`DocumentSession.begin_save`): the bytes to write, and the edits
    and active seconds they hold."""

    prepared: PreparedSave
    history_version: int
    seconds: int


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
    _journal: Journal | None = field(init=False, default=None)
    _text_sha: str = field(init=False, default="")
    _index: SpanIndex | None = field(init=False, default=None, repr=False)
    #: What the index was built or last updated against: (the span list, its length, version).
    _index_stamp: tuple[int, int, int] = field(init=False, default=(0, -1, -1), repr=False)
    #: Since :meth:`problems` last found none: the stamp now expected and what the edits
    #: since touched (None: not known to have been clean). See :meth:`problems`.
    _clean_since: _SinceClean | None = field(init=False, default=None, repr=False)
    _step_stamp: tuple[int, int, int] = field(init=False, default=(0, -1, -1), repr=False)
    #: The suggestions in text order, and the list they were sorted from.
    _sorted_suggestions: tuple[list[Span], int, list[Span]] | None = field(
        init=False, default=None, repr=False
    )

    def __post_init__(self) -> None:
        self.history = History(self.annotation)
        self._text_sha = sha256_text(self.text)

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
            try:
                plan = plan_recovery(corpus, annotator, doc_id, text)
            except (OSError, CorpusError) as exc:
                # Cannot even set it aside (read-only folder...): leave it where it is, and
                # write nothing that could replace it.
                path = journal_path(corpus, annotator, doc_id)
                reason = f"unsaved edits from the last session could not be restored ({exc}); they stay in {path}"
                plan = Recovery(doc_id, "left", 0, f"{doc_id}: {reason}", path)
                read_only_reason = reason
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
            session._restore(plan)
        return session

    def _restore(self, plan: Replay) -> None:
        """Apply a crash journal as one undoable edit, journal that, then save."""
        edit = restore_edit(self.text, plan.base, plan.replayed, plan.changes)
        change = self.history.run(edit)
        self._index = None
        try:
            # The new journal (header and one line with the restored state) replaces the
            # old one atomically: a crash now still finds every restored change.
            self._journal_change(change)
        except OSError as exc:
            self.history.rollback()
            self.history = History(self.annotation)  # nothing to undo: nothing was done
            self._journal = None  # the old journal stays as it is, for the next start
            self.saved_version = self.history.version
            reason = f"unsaved edits from the last session could not be restored ({exc}); they stay in {plan.path}"
            self.recovery = Recovery(self.doc_id, "left", 0, f"{self.doc_id}: {reason}", plan.path)
            self.read_only_reason = reason
            return
        recovery = plan.recovery(self.doc_id)
        try:
            self.save()
        except (OSError, CorpusError) as exc:
            # The journal holds them: restored on screen, saved by the next autosave.
            recovery = Recovery(
                self.doc_id, "restored", recovery.changes, f"{recovery.message} (not saved yet: {exc})"
            )
        self.recovery = recovery

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
        index = self._index
        for span_id in change.removed | change.modified:
            index.remove(span_id)
        wanted = set(change.added | change.modified)
        spans = self.annotation.spans
        # AddSpan appends, so added spans are at the end: look there before a full pass.
        for span in reversed(spans[-len(wanted):] if wanted else []):
            if span.id in wanted:
                index.add(span)
                wanted.discard(span.id)
        if wanted:
            for span in spans:
                if span.id in wanted:
                    index.add(span)
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
        labels = [label.name for label in self.scheme.labels()]
        near: dict[str, Span] = {}
        for span_id in since.ids:  # a label the scheme lacks is not in the label search
            span = index.by_id.get(span_id)
            if span is not None:
                near[span_id] = span
        for start, end in since.ranges:
            for label in labels:
                for span_id in index.overlapping(label, start, end):
                    near[span_id] = index.by_id[span_id]
        part = self.annotation.model_copy(update={"spans": list(near.values())})
        return check_annotation(part, self.text, self.scheme, self._text_sha)

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
        labels = [label.name for label in self.scheme.labels()]
        near: dict[str, Span] = {}
        for start, end in change.ranges:
            for label in labels:
                for span_id in index.overlapping(label, start, end):
                    near[span_id] = index.by_id[span_id]
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
            self._journal_change(change)
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

    def _journal_change(self, change: Change) -> None:
        if self._journal is None:
            header = {
                "journal": JOURNAL_VERSION,
                "doc_id": self.doc_id,
                "annotator": self.annotator,
                "text_sha256": self._text_sha,
                "base_mtime_ns": self.mtime_ns,
                # What decides at replay whether the file is still the one these edits
                # began from (ADR 15): its content, not its mtime.
                "base_sha256": self.version.sha256 if self.version is not None else None,
                "started": utc_now(),
            }
            self._journal = Journal(
                journal_path(self.corpus, self.annotator, self.doc_id), header, self.journal_fsync
            )
        self._journal.append(_entry_for(self.annotation, change, self.history.version, self.span))

    # ---- edits the app offers

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
        """Mark ``[start, end)`` with ``label``; returns the change and the new span's id.

        Returns None when there is nothing to mark (empty or all white space) or the same
        span already exists. For a label whose spans may not overlap each other (article,
        boilerplate), spans of that label overlapping the new one are merged into it; with
        ``join_lines`` also those on the line just before or after (no blank line between),
        so marking a menu line by line keeps one block.
        """
        if self.scheme.label(label) is None:
            raise EditError(f"unknown label {label!r}")
        if trim:
            start, end = trim_whitespace(self.text, start, end)
            if not self.text[start:end].strip():
                return None
        if not 0 <= start < end <= len(self.text):
            return None
        index = self.index
        if index.has(label, start, end):
            return None
        # Attributes the merged spans had (the annotator's) win over those read from the text.
        carried: dict[str, AttrValue] = {}
        edits: list[Edit] = []
        lo, hi = adjacent_line_bounds(self.text, start, end) if join_lines else (start, end)
        # The index says whether anything overlaps; only then the (list-ordered) merge pass.
        if self._label_no_self_overlap(label) and index.overlapping(label, lo, hi):
            for other in self.spans:
                if other.label == label and other.start < hi and lo < other.end:
                    start, end = min(start, other.start), max(end, other.end)
                    carried.update(other.attrs)
                    edits.append(RemoveSpan(other.id))
        if attrs is None:
            # What the span's own text says (a byline's authors, a date's ISO value), in
            # the same undo step as the mark: confirmed or corrected, never retyped.
            filled = fill_attrs(self.scheme, label, self.text[start:end], self._page_clock)
            for name, value in self._email_in_article(label, start, end).items():
                filled.setdefault(name, value)
            new_attrs = {**default_attrs(self.scheme, label), **filled, **carried}
        else:
            new_attrs = attrs
        span_id = self._next_id()
        edits.append(AddSpan(make_span(self.text, start, end, label, span_id, new_attrs)))
        edit: Edit = edits[0] if len(edits) == 1 else Batch(edits, f"mark {label}")
        return self.run(edit), span_id

    def _email_in_article(self, label: str, start: int, end: int) -> dict[str, AttrValue]:
        """The reporter's address further down the byline's article (innermost), if any."""
        definition = self.scheme.label(label)
        if definition is None or not any(a.type == "email" for a in definition.attrs):
            return {}
        around = [s for s in self.spans if s.label == "article" and s.start <= start and end <= s.end]
        if not around:
            return {}
        article = min(around, key=lambda s: s.end - s.start)
        # An address in the article's boilerplate (a photo caption's) is not the reporter's.
        skip = [
            (s.start, s.end)
            for s in self.spans
            if s.label == "boilerplate" and s.end > end and s.start < article.end
        ]
        return article_email(self.scheme, label, self.text, end, article.end, skip)

    def _page_clock(self) -> PageClock:
        """What this document's meta says about its time zone (read when a date needs it)."""
        try:
            meta = self.corpus.read_meta(self.doc_id)
        except (CorpusError, OSError, ValueError):
            meta = None  # no meta, or unreadable: the page says nothing, no zone is added
        return page_clock(meta)

    def mark_lines(self, label: str, start: int, end: int) -> tuple[Change, str] | None:
        """Mark the lines ``[start, end)`` touches (line mode: Shift+B, Shift+A)."""
        a, b = line_range(self.text, start, end)
        return self.mark(label, a, b, trim=True, join_lines=True)

    def plan_occurrences(
        self,
        label: str,
        needle: str,
        attrs: dict[str, AttrValue] | None = None,
        *,
        whole_words: bool = True,
        case_sensitive: bool = True,
    ) -> Occurrences:
        """Where :meth:`mark_occurrences` would mark ``needle`` as ``label``, without marking.

        The needle is found as :func:`annotator.text_search.find_all` finds it (any space
        separator matches any other; with ``whole_words``, not inside a longer word but
        followed by Korean particles). A place that already holds the same span is counted
        in ``already``; one where the span would break a structure rule (overlap in a
        no-overlap layer, outside the article it belongs in, crossing an edge) is refused,
        exactly as an accepted suggestion would be.
        """
        if self.scheme.label(label) is None:
            raise EditError(f"unknown label {label!r}")
        index = self.index
        used = set(index.by_id)
        base_attrs = default_attrs(self.scheme, label) if attrs is None else attrs
        plan = Occurrences([], 0, [])
        found = find_all(
            self.text, needle.strip() or needle, whole_words=whole_words, case_sensitive=case_sensitive
        )
        for start, end in found:
            if index.has(label, start, end):
                plan.already += 1
                continue
            span_id = self._next_id(used)
            span = make_span(self.text, start, end, label, span_id, dict(base_attrs))
            problems = self._rule_breaks(span, plan.spans)
            if problems:
                plan.refused.append((span, problems))
                continue
            used.add(span_id)
            plan.spans.append(span)
        return plan

    def mark_planned(self, plan: Occurrences) -> Change | None:
        """Add the spans of ``plan`` as one undoable edit (None: nothing to add)."""
        if not plan.spans:
            return None
        label = plan.spans[0].label
        return self.run(Batch([AddSpan(s) for s in plan.spans], f"mark {len(plan.spans)} × {label}"))

    def mark_occurrences(
        self,
        label: str,
        needle: str,
        attrs: dict[str, AttrValue] | None = None,
        *,
        whole_words: bool = True,
    ) -> Change | None:
        """Label every occurrence of ``needle`` not yet marked, as one undoable edit
        (see :meth:`plan_occurrences` for which occurrences)."""
        return self.mark_planned(self.plan_occurrences(label, needle, attrs, whole_words=whole_words))

    def _label_no_self_overlap(self, label: str) -> bool:
        definition = self.scheme.label(label)
        layer = self.scheme.layer_of(label)
        return bool(definition and definition.no_self_overlap) or bool(layer and layer.no_overlap)

    def _next_id(self, used: set[str] | dict[str, Span] | None = None, also: set[str] | None = None) -> str:
        used = used if used is not None else self.index.by_id
        also = also or set()
        n = len(self.spans) + 1
        while f"s{n}" in used or f"s{n}" in also:
            n += 1
        return f"s{n}"

    def delete(self, span_id: str) -> Change:
        return self.run(RemoveSpan(span_id))

    def relabel(self, span_id: str, label: str) -> Change | None:
        span = self.span(span_id)
        if span is None or span.label == label:
            return None
        definition = self.scheme.label(label)
        if definition is None:
            raise EditError(f"unknown label {label!r}")
        # Keep the attributes the new label also has; take its defaults for the rest.
        names = {a.name for a in definition.attrs}
        attrs = {**default_attrs(self.scheme, label), **{k: v for k, v in span.attrs.items() if k in names}}
        return self.run(
            UpdateSpan(self.text, span_id, label=label, attrs=attrs, description=f"relabel as {label}")
        )

    def set_attr(self, span_id: str, name: str, value: AttrValue | None) -> Change | None:
        """Set (or with None / empty, remove) one attribute of a span."""
        span = self.span(span_id)
        if span is None:
            raise EditError(f"no span {span_id!r}")
        attrs = dict(span.attrs)
        if value is None or value == "" or value == []:
            if name not in attrs:
                return None
            del attrs[name]
        else:
            if attrs.get(name) == value:
                return None
            attrs[name] = value
        # The same attribute of the same span set again right after (committed while it is
        # typed) is one undo step with the previous setting.
        return self.run(
            UpdateSpan(self.text, span_id, attrs=attrs, description=f"set {name}", merge_key=f"{span_id}/{name}")
        )

    def move_edge(self, span_id: str, edge: str, direction: int, unit: str = "char") -> Change | None:
        """Move a span's ``start`` or ``end`` by a character, a word or (``unit`` "block") a
        paragraph: to the next or previous paragraph edge (``direction`` ±1)."""
        span = self.span(span_id)
        if span is None:
            return None
        pos = span.start if edge == "start" else span.end
        if unit == "word":
            new = word_step(self.text, pos, direction)
        elif unit == "block":
            new = paragraph_step(self.text, pos, direction, edge)
        else:
            new = pos + direction
        new = max(0, min(len(self.text), new))
        start, end = (new, span.end) if edge == "start" else (span.start, new)
        if end <= start or new == pos:
            return None
        return self.run(
            UpdateSpan(self.text, span_id, start=start, end=end, description=f"move {edge}")
        )

    def set_doc_label(self, name: str, value: str | None) -> Change | None:
        if self.annotation.doc_labels.get(name) == value:
            return None
        return self.run(SetDocLabel(name, value))

    def set_status(self, status: Status) -> tuple[Change | None, list[Problem]]:
        """Set the status; "done" only when :func:`rules.done_problems` finds none (else
        those problems, and nothing changes)."""
        if status == "done":
            problems = self.done_problems()
            if problems:
                return None, problems
        if self.annotation.status == status:
            return None, []
        return self.run(SetStatus(status, f"set status {status}")), []

    # ---- suggestions (annotations/suggestions/DOC_ID.json, from `annotator suggest`)

    def load_suggestions(self) -> list[Problem]:
        """Read this document's suggestions; the problems when that file does not load."""
        self.suggestions = []
        try:
            loaded = self.corpus.load_annotation(SUGGESTIONS, self.doc_id, self.text)
        except AnnotationFileError as exc:
            return exc.problems
        if loaded is not None:
            self.suggestions = list(loaded.annotation.spans)
        return []

    def pending_suggestions(self) -> list[Span]:
        """Suggestions neither rejected nor already in the annotation (same label and place).

        An accepted suggestion that is undone is pending again.
        """
        # Asked after every edit (the ghosts follow the spans): the span index answers
        # "marked already?" per suggestion, and the suggestions are sorted once.
        suggestions = self.suggestions
        cached = self._sorted_suggestions
        if cached is None or cached[0] is not suggestions or cached[1] != len(suggestions):
            cached = self._sorted_suggestions = (suggestions, len(suggestions), sorted_spans(suggestions))
        index, rejected = self.index, self.rejected
        return [s for s in cached[2] if s.id not in rejected and not index.has(s.label, s.start, s.end)]

    def accept_suggestions(self, ids: Iterable[str]) -> Accepted | None:
        """Copy these suggestions into the annotation as one undoable edit (new span ids).

        Each goes through the rules a finished annotation must pass, against the spans
        there and the suggestions accepted before it (structure labels first, so that an
        accepted article can hold accepted titles): one that would overlap a span of a
        no-overlap layer, lie outside the article it belongs in, cross an article's edge...
        is not added; :attr:`Accepted.refused` says which and why. None: none chosen.
        """
        wanted = set(ids)
        index = self.index
        # The pending ones among those wanted (as pending_suggestions() says), without asking
        # about every suggestion of the document: accepting one of 1,000 stays cheap.
        chosen = [
            s for s in self.suggestions
            if s.id in wanted and s.id not in self.rejected and not index.has(s.label, s.start, s.end)
        ]
        if not chosen:
            return None
        order = {label.name: i for i, label in enumerate(self.scheme.labels())}
        chosen.sort(key=lambda s: (order.get(s.label, len(order)), s.start, -s.end, s.id))
        used: set[str] = set()  # ids given in this batch, besides those of the spans there
        taken: list[Span] = []
        edits: list[Edit] = []
        refused: list[tuple[Span, list[Problem]]] = []
        for suggestion in chosen:
            if self.scheme.label(suggestion.label) is None:
                refused.append((suggestion, [Problem("unknown-label", f"unknown label {suggestion.label!r}")]))
                continue
            span_id = self._next_id(index.by_id, used)
            attrs = {**default_attrs(self.scheme, suggestion.label), **suggestion.attrs}
            span = make_span(self.text, suggestion.start, suggestion.end, suggestion.label, span_id, attrs)
            problems = self._rule_breaks(span, taken)
            if problems:
                refused.append((suggestion, problems))
                continue
            used.add(span_id)
            taken.append(span)
            edits.append(AddSpan(span))
        if not edits:
            return Accepted(None, [], refused)
        n = len(edits)
        description = f"accept {n} suggestion{'s' * (n != 1)}"
        return Accepted(self.run(Batch(edits, description)), [s.id for s in taken], refused)

    def _rule_breaks(self, span: Span, pending: list[Span]) -> list[Problem]:
        """The structure rules (overlap, nesting, edges) ``span`` would break, added to the
        annotation with ``pending``. Every such rule is about spans overlapping it, so only
        those are checked: a few, whatever the document's size."""
        near: dict[str, Span] = {}
        index = self.index
        for label in self.scheme.labels():
            for other_id in index.overlapping(label.name, span.start, span.end):
                near[other_id] = index.by_id[other_id]
        for other in pending:
            if other.start < span.end and span.start < other.end:
                near[other.id] = other
        without = self.annotation.model_copy(update={"spans": list(near.values()), "doc_labels": {}})
        with_it = self.annotation.model_copy(update={"spans": [*near.values(), span], "doc_labels": {}})
        structure = {"overlap", "not-inside", "crosses-edge"}

        def breaks(annotation: Annotation) -> list[Problem]:
            found = check_annotation(annotation, self.text, self.scheme, self._text_sha)
            return [p for p in found if p.code in structure]

        before = {(p.code, p.span_id) for p in breaks(without)}
        return [p for p in breaks(with_it) if (p.code, p.span_id) not in before]

    def reject_suggestions(self, ids: Iterable[str]) -> int:
        """Hide these suggestions for this session; how many were hidden."""
        before = len(self.rejected)
        pending = {s.id for s in self.pending_suggestions()}
        self.rejected.update(i for i in ids if i in pending)
        return len(self.rejected) - before

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

    # ---- saving and the file on disk

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
        file was written.

        Raises :class:`ConflictError` (nothing written) when the file changed on disk since
        it was read or last saved and there are unsaved edits: the caller asks whether to
        reload or keep a copy. Seconds alone never raise it (see :meth:`_save_seconds`).
        """
        if self.read_only or not (self.dirty or self.unsaved_seconds):
            return False
        if not self.dirty:
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
        try:
            self._write()
            return True
        except ConflictError:
            pass
        try:
            loaded = self.corpus.load_annotation(self.annotator, self.doc_id, self.text)
        except (AnnotationFileError, OSError):
            return False
        if loaded is None:
            return False
        theirs = loaded.annotation
        theirs.time_spent_s += self.unsaved_seconds
        try:
            if loaded.version is not None:
                self.corpus.save_annotation(theirs, expected=loaded.version)
            else:
                self.corpus.save_annotation(theirs, expected_mtime_ns=loaded.mtime_ns)
        except ConflictError:
            return False  # a third writer came in between: try again at the next save
        self.unsaved_seconds = 0
        return True

    def _write(self) -> None:
        """Write the annotation over the version read or last saved (:class:`ConflictError`
        when the file on disk is another one) and drop the journal it makes redundant."""
        pending = self._snapshot()
        self.finish_save(pending, self.corpus.write_prepared(pending.prepared))

    def begin_save(self) -> PendingSave | None:
        """A save to finish in another thread (the app's autosave): the annotation's bytes as
        they are now, or None when there is nothing to save but active seconds (:meth:`save`
        writes those). Run ``corpus.write_prepared(pending.prepared)`` anywhere, then
        :meth:`finish_save` here with the version it returns; or, when it raised
        :class:`ConflictError`, settle the conflict as after :meth:`save`. Edits may go on
        meanwhile: they stay unsaved (and journaled) for the next save."""
        if self.read_only or not self.dirty:
            return None
        return self._snapshot()

    def _snapshot(self) -> PendingSave:
        # ABSENT: a file that appeared since we opened is someone else's (checked under the
        # save lock, so two first saves cannot both pass).
        prepared = self.corpus.prepare_save(self.annotation, expected=self._resolved_expected())
        return PendingSave(prepared, self.history.version, self.unsaved_seconds)

    def _resolved_expected(self) -> FileVersion | int:
        expected = self._expected()
        if isinstance(expected, int) and expected != ABSENT:
            # A bare mtime this Corpus has seen: its content decides too (save_annotation).
            seen = self.corpus.version_of(self.path)
            if seen is not None and seen.mtime_ns == expected:
                return seen
        return expected

    def finish_save(self, pending: PendingSave, written: FileVersion) -> None:
        """Note a save of ``pending`` as done: what is on disk now, which edits it holds, and
        the journal: dropped when no edit came after the snapshot, else rebased on the file
        just written (its lines put states, so replaying those already saved changes nothing)."""
        self.corpus.remember_version(pending.prepared.path, written)
        self.mtime_ns = written.mtime_ns
        self.version = written
        self.saved_version = pending.history_version
        self.unsaved_seconds = max(0, self.unsaved_seconds - pending.seconds)
        if self._journal is None:
            return
        if self.history.version == pending.history_version:
            self._journal.discard()
            self._journal = None
        else:
            self._journal.rebase({"base_mtime_ns": written.mtime_ns, "base_sha256": written.sha256})

    def _expected(self) -> FileVersion | int:
        """What the file on disk must still be for a save to go through."""
        if self.mtime_ns is None:
            return ABSENT
        if self.version is not None and self.version.mtime_ns == self.mtime_ns:
            return self.version
        # Someone set ``mtime_ns`` alone (older callers): that mtime is all we know.
        return self.mtime_ns

    def disk_changed(self) -> bool:
        """Did someone else write (or delete) the file since we read or saved it?

        By content (ADR 15): a rewrite that kept the size and the mtime is a change, a
        ``touch`` is not. A stat first (another size: changed, nothing read), then, for a
        file of the same size, one read and hash: about 2.3 ms for 10,000 spans (2.6 MB),
        on window focus and folder-watcher events, never per keystroke.
        """
        if self.read_only:
            return False
        expected = self._expected()
        if isinstance(expected, FileVersion):
            return changed_since(self.path, expected)
        try:
            current: int | None = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            current = None
        return current != self.mtime_ns

    def keep_copy(self, annotation: Annotation | None = None, what: str = "mine") -> Path:
        """Write a copy of ``annotation`` (ours by default) to ``.conflicts/``; never overwrites."""
        return conflicts.keep_copy(self, annotation, what)

    def overwrite_theirs(self) -> Path | None:
        """Keep mine: copy the file on disk to ``.conflicts/``, then save ours over it."""
        return conflicts.overwrite_theirs(self)

    def discard_journal(self) -> None:
        """Throw the unsaved changes' journal away (the caller kept them some other way)."""
        if self._journal is not None:
            self._journal.discard()
            self._journal = None

    def close(self) -> None:
        """Stop journaling (call after a final save); the journal stays if unsaved."""
        if self._journal is not None:
            self._journal.close()
