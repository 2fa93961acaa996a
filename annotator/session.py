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

import contextlib
import os
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.corpus import (
    AnnotationFileError,
    ConflictError,
    Corpus,
    CorpusError,
    atomic_write_bytes,
    dump_json,
)
from annotator.edits import (
    AddSpan,
    Batch,
    Change,
    Edit,
    EditError,
    History,
    RemoveSpan,
    SetDocLabel,
    SetStatus,
    UpdateSpan,
    default_attrs,
    make_span,
    trim_whitespace,
)
from annotator.model import SUGGESTIONS, Annotation, AttrValue, LabelScheme, Span, Status, utc_now
from annotator.rules import Problem, check_annotation, clean_text, sha256_text

JOURNAL_DIR = ".journal"
CONFLICT_DIR = ".conflicts"
JOURNAL_VERSION = 1


# --------------------------------------------------------------------------- text helpers


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every non-overlapping ``[start, end)`` where ``needle`` occurs in ``text``.

    A match whose first or last character is an ASCII letter or digit and that continues a
    word of ASCII letters or digits is skipped ("KT" in "KTX"), but Hangul and other
    scripts that glue particles to names ("LG전자는") still match.
    """
    if not needle:
        return []
    found = []
    pos = text.find(needle)
    n = len(needle)
    while pos >= 0:
        end = pos + n
        if not (_ascii_word_joins(text, pos - 1, needle[0]) or _ascii_word_joins(text, end, needle[-1])):
            found.append((pos, end))
            pos = text.find(needle, end)
        else:
            pos = text.find(needle, pos + 1)
    return found


def _ascii_word_joins(text: str, index: int, edge: str) -> bool:
    if not (0 <= index < len(text)) or not (edge.isascii() and edge.isalnum()):
        return False
    c = text[index]
    return c.isascii() and c.isalnum()


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


# --------------------------------------------------------------------------- journal


def journal_path(corpus: Corpus, annotator: str, doc_id: str) -> Path:
    return corpus.annotator_dir(annotator) / JOURNAL_DIR / f"{doc_id}.jsonl"


def conflict_path(corpus: Corpus, annotator: str, doc_id: str, what: str) -> Path:
    """A new file name to keep a copy of one side of a conflict; never an existing file."""
    stamp = utc_now().replace(":", "").replace("-", "")
    folder = corpus.annotator_dir(annotator) / CONFLICT_DIR
    path = folder / f"{doc_id}.{stamp}.{what}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{doc_id}.{stamp}.{what}-{n}.json"
    return path


class Journal:
    """The write-ahead journal of one document's unsaved changes (appended, flushed)."""

    def __init__(self, path: Path, header: dict[str, Any], fsync: bool = False) -> None:
        self.path = path
        self.header = header
        self.fsync = fsync
        self._handle: IO[bytes] | None = None
        self.entries = 0

    def append(self, entry: dict[str, Any]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # "wb": a journal left from before was replayed (or set aside) when the
            # session opened, so whatever is there now is stale.
            self._handle = open(self.path, "wb")  # noqa: SIM115 - kept open across changes
            self._write(self.header)
        self._write(entry)
        self.entries += 1

    def _write(self, value: dict[str, Any]) -> None:
        assert self._handle is not None
        self._handle.write(orjson.dumps(value) + b"\n")
        # flush: survives a kill -9 (the data is in the kernel); fsync: survives power loss.
        self._handle.flush()
        if self.fsync:
            os.fsync(self._handle.fileno())

    def discard(self) -> None:
        """Close and delete: the changes are in the saved file now."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.entries = 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _entry_for(
    annotation: Annotation,
    change: Change,
    version: int,
    span_of: Callable[[str], Span | None] | None = None,
) -> dict[str, Any]:
    """The state of everything ``change`` touched, as one journal line.

    ``span_of`` looks a span up by id (the session's index); without it, one pass finds them.
    """
    touched = change.added | change.modified | change.removed
    if span_of is not None:
        by_id = {i: span for i in touched if (span := span_of(i)) is not None}
    else:
        by_id = {s.id: s for s in annotation.spans if s.id in touched} if touched else {}
    entry: dict[str, Any] = {"v": version}
    puts = [by_id[i].model_dump(mode="json") for i in sorted(touched) if i in by_id]
    dels = sorted(i for i in touched if i not in by_id)
    if puts:
        entry["put"] = puts
    if dels:
        entry["del"] = dels
    if change.doc_labels:
        entry["doc_labels"] = dict(annotation.doc_labels)
    if change.status:
        entry["status"] = annotation.status
    entry["updated_at"] = annotation.updated_at
    return entry


def _apply_entry(annotation: Annotation, entry: dict[str, Any], text: str) -> None:
    index = {s.id: i for i, s in enumerate(annotation.spans)}
    for raw in entry.get("put", ()):
        span = Span.model_validate(raw)
        if span.start >= span.end or text[span.start : span.end] != span.text:
            raise ValueError(f"span {span.id} does not match the text")
        if span.id in index:
            annotation.spans[index[span.id]] = span
        else:
            index[span.id] = len(annotation.spans)
            annotation.spans.append(span)
    dels = set(entry.get("del", ()))
    if dels:
        annotation.spans = [s for s in annotation.spans if s.id not in dels]
    if "doc_labels" in entry:
        annotation.doc_labels = dict(entry["doc_labels"])
    if "status" in entry:
        annotation.status = entry["status"]
    if "updated_at" in entry:
        annotation.updated_at = entry["updated_at"]


def read_journal(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Header and entries. A last line cut short by a crash is dropped; any other bad line
    is an error naming the file and the line."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror or exc}") from exc
    if lines and lines[-1] == b"":
        lines.pop()
    parsed: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if number == len(lines):
                break  # the write in progress when the process died
            raise CorpusError(path, f"line {number} is not valid JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise CorpusError(path, f"line {number} is not a JSON object")
        parsed.append(value)
    if not parsed or parsed[0].get("journal") != JOURNAL_VERSION:
        raise CorpusError(path, "not an edit journal (no header line)")
    return parsed[0], parsed[1:]


@dataclass(frozen=True)
class Recovery:
    """What a journal found at start did."""

    doc_id: str
    #: "restored": its changes were saved; "unchanged": nothing was missing from the file;
    #: "set-aside": it could not be applied and was moved to ``kept``.
    outcome: str
    changes: int
    message: str
    kept: Path | None = None


def recover_journal(
    corpus: Corpus, annotator: str, doc_id: str, text: str | None = None
) -> Recovery | None:
    """Replay the journal of ``doc_id`` (if any) onto its saved file and save the result.

    The caller must hold the annotator's lock. Never loses either side: when the journal
    cannot be applied (the file changed meanwhile, or is broken) it is moved to
    ``.conflicts/`` and the message says where.
    """
    path = journal_path(corpus, annotator, doc_id)
    if not path.is_file():
        return None

    def set_aside(reason: str, changes: int = 0) -> Recovery:
        kept = conflict_path(corpus, annotator, doc_id, "journal").with_suffix(".jsonl")
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, kept)
        return Recovery(
            doc_id, "set-aside", changes, f"{doc_id}: unsaved edits not applied ({reason}); kept in {kept}", kept
        )

    try:
        header, entries = read_journal(path)
    except CorpusError as exc:
        return set_aside(exc.message)
    if not entries:
        path.unlink()
        return Recovery(doc_id, "unchanged", 0, f"{doc_id}: empty journal removed")
    if text is None:
        text = corpus.read_text(doc_id)
    if header.get("text_sha256") != sha256_text(text):
        return set_aside("the document text changed", len(entries))
    try:
        loaded = corpus.load_annotation(annotator, doc_id, text)
    except AnnotationFileError as exc:
        return set_aside(f"the saved file has problems: {exc.message}", len(entries))
    base = (
        loaded.annotation.model_copy(deep=True)
        if loaded
        else corpus.new_annotation(annotator, doc_id, text)
    )
    replayed = base.model_copy(deep=True)
    try:
        for entry in entries:
            _apply_entry(replayed, entry, text)
    except (ValueError, KeyError, TypeError) as exc:
        return set_aside(f"a journal line does not apply: {exc}", len(entries))
    current_mtime = loaded.mtime_ns if loaded else None
    if _same_content(replayed, base):
        # Saved after all (the process died between saving and removing the journal).
        path.unlink()
        return Recovery(doc_id, "unchanged", 0, f"{doc_id}: nothing unsaved")
    if header.get("base_mtime_ns") != current_mtime:
        return set_aside("the file was changed on disk after these edits began", len(entries))
    corpus.save_annotation(replayed, expected_mtime_ns=current_mtime)
    path.unlink()
    n = len(entries)
    return Recovery(
        doc_id, "restored", n, f"{doc_id}: restored {n} unsaved change{'s' * (n != 1)} from the last session"
    )


def recover_journals(corpus: Corpus, annotator: str) -> list[Recovery]:
    """Replay every journal left by a session that did not close (see :func:`recover_journal`)."""
    folder = corpus.annotator_dir(annotator) / JOURNAL_DIR
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".jsonl"))
    except FileNotFoundError:
        return []
    results = []
    for name in names:
        doc_id = name.removesuffix(".jsonl")
        try:
            result = recover_journal(corpus, annotator, doc_id)
        except CorpusError as exc:
            result = Recovery(doc_id, "set-aside", 0, str(exc))
        if result is not None:
            results.append(result)
    return results


def _same_content(a: Annotation, b: Annotation) -> bool:
    key = lambda s: s.id  # noqa: E731
    return (
        a.status == b.status
        and a.doc_labels == b.doc_labels
        and sorted(a.spans, key=key) == sorted(b.spans, key=key)
    )


# --------------------------------------------------------------------------- session


@dataclass
class DocumentSession:
    """One annotator editing one document: load, edit through History, save, journal.

    Create with :meth:`open`. When the annotation file fails to load, the session is
    read-only (:attr:`load_problems` says why) and nothing is ever written over the file.
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
    history: History = field(init=False)
    saved_version: int = field(init=False, default=0)
    _journal: Journal | None = field(init=False, default=None)
    _text_sha: str = field(init=False, default="")
    _index: SpanIndex | None = field(init=False, default=None, repr=False)
    #: What the index was built or last updated against: (the span list, its length, version).
    _index_stamp: tuple[int, int, int] = field(init=False, default=(0, -1, -1), repr=False)

    def __post_init__(self) -> None:
        self.history = History(self.annotation)
        self._text_sha = sha256_text(self.text)

    @classmethod
    def open(
        cls, corpus: Corpus, annotator: str, doc_id: str, *, recover: bool = True, journal_fsync: bool = False
    ) -> DocumentSession:
        text = corpus.read_text(doc_id)
        recovery = recover_journal(corpus, annotator, doc_id, text) if recover else None
        try:
            loaded = corpus.load_annotation(annotator, doc_id, text)
        except AnnotationFileError as exc:
            # Shown read-only: the problems are listed and the file is never written.
            annotation = corpus.new_annotation(annotator, doc_id, text)
            return cls(corpus, annotator, doc_id, text, annotation, None, exc.problems, recovery, journal_fsync)
        if loaded is None:
            annotation, mtime = corpus.new_annotation(annotator, doc_id, text), None
        else:
            annotation, mtime = loaded.annotation, loaded.mtime_ns
        return cls(corpus, annotator, doc_id, text, annotation, mtime, [], recovery, journal_fsync)

    # ---- state

    @property
    def scheme(self) -> LabelScheme:
        return self.corpus.scheme

    @property
    def path(self) -> Path:
        return self.corpus.annotation_path(self.annotator, self.doc_id)

    @property
    def read_only(self) -> bool:
        return bool(self.load_problems)

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
        """What keeps this annotation from being "done"."""
        return check_annotation(self.annotation, self.text, self.scheme, self._text_sha)

    # ---- running edits

    def run(self, edit: Edit) -> Change:
        """Run ``edit`` through the history, journal it and report what changed.

        The first change of a document still "todo" also sets it "in_progress" (undone
        with it), so progress shows which documents were started.
        """
        if self.read_only:
            raise EditError(f"{self.path}: this file failed to load; it is shown read-only")
        if self.annotation.status == "todo" and not isinstance(edit, SetStatus):
            edit = Batch([edit, SetStatus("in_progress")], edit.description)
        fresh = self._index_is_fresh()
        change = self.history.run(edit)
        self._follow(change, fresh)
        self._journal_change(change)
        return change

    def undo(self) -> Change | None:
        fresh = self._index_is_fresh()
        change = self.history.undo()
        if change is not None:
            self._follow(change, fresh)
            self._journal_change(change)
        return change

    def redo(self) -> Change | None:
        fresh = self._index_is_fresh()
        change = self.history.redo()
        if change is not None:
            self._follow(change, fresh)
            self._journal_change(change)
        return change

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
        new_attrs = default_attrs(self.scheme, label) if attrs is None else attrs
        edits: list[Edit] = []
        lo, hi = adjacent_line_bounds(self.text, start, end) if join_lines else (start, end)
        # The index says whether anything overlaps; only then the (list-ordered) merge pass.
        if self._label_no_self_overlap(label) and index.overlapping(label, lo, hi):
            for other in self.spans:
                if other.label == label and other.start < hi and lo < other.end:
                    start, end = min(start, other.start), max(end, other.end)
                    if attrs is None:
                        new_attrs = {**new_attrs, **other.attrs}
                    edits.append(RemoveSpan(other.id))
        span_id = self._next_id()
        edits.append(AddSpan(make_span(self.text, start, end, label, span_id, new_attrs)))
        edit: Edit = edits[0] if len(edits) == 1 else Batch(edits, f"mark {label}")
        return self.run(edit), span_id

    def mark_lines(self, label: str, start: int, end: int) -> tuple[Change, str] | None:
        """Mark the lines ``[start, end)`` touches (line mode: Shift+B, Shift+A)."""
        a, b = line_range(self.text, start, end)
        return self.mark(label, a, b, trim=True, join_lines=True)

    def mark_occurrences(self, label: str, needle: str, attrs: dict[str, AttrValue] | None = None) -> Change | None:
        """Label every occurrence of ``needle`` not yet marked, as one undoable edit.

        Skips places already holding a span of the label, and, when the label's layer or
        the label forbids overlap, places that would overlap such a span.
        """
        definition = self.scheme.label(label)
        if definition is None:
            raise EditError(f"unknown label {label!r}")
        layer = self.scheme.layer_of(label)
        layer_labels = {lb.name for lb in layer.labels} if layer and layer.no_overlap else set()
        if definition.no_self_overlap:
            layer_labels.add(label)
        blockers = [s for s in self.spans if s.label in layer_labels or s.label == label]
        edits: list[Edit] = []
        taken: list[tuple[int, int]] = []
        used = {s.id for s in self.spans}
        base_attrs = default_attrs(self.scheme, label) if attrs is None else attrs
        for start, end in occurrences(self.text, needle.strip() or needle):
            same = any(s.label == label and s.start == start and s.end == end for s in blockers)
            clash = any(
                s.start < end and start < s.end and (s.label in layer_labels) for s in blockers
            )
            if same or clash or any(a < end and start < b for a, b in taken):
                continue
            span_id = self._next_id(used)
            used.add(span_id)
            edits.append(AddSpan(make_span(self.text, start, end, label, span_id, dict(base_attrs))))
            taken.append((start, end))
        if not edits:
            return None
        return self.run(Batch(edits, f"mark {len(edits)} × {label}"))

    def _label_no_self_overlap(self, label: str) -> bool:
        definition = self.scheme.label(label)
        layer = self.scheme.layer_of(label)
        return bool(definition and definition.no_self_overlap) or bool(layer and layer.no_overlap)

    def _next_id(self, used: set[str] | dict[str, Span] | None = None) -> str:
        used = used if used is not None else self.index.by_id
        n = len(self.spans) + 1
        while f"s{n}" in used:
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
        return self.run(UpdateSpan(self.text, span_id, attrs=attrs, description=f"set {name}"))

    def move_edge(self, span_id: str, edge: str, direction: int, unit: str = "char") -> Change | None:
        """Move a span's ``start`` or ``end`` by a character or a word (``direction`` ±1)."""
        span = self.span(span_id)
        if span is None:
            return None
        pos = span.start if edge == "start" else span.end
        new = word_step(self.text, pos, direction) if unit == "word" else pos + direction
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
        """Set the status; "done" only when the annotation validates (else the problems)."""
        if status == "done":
            problems = self.problems()
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
        have = {(s.label, s.start, s.end) for s in self.spans}
        return sorted_spans(
            s for s in self.suggestions
            if s.id not in self.rejected and (s.label, s.start, s.end) not in have
        )

    def accept_suggestions(self, ids: Iterable[str]) -> tuple[Change, list[str]] | None:
        """Copy these suggestions into the annotation as one undoable edit (new span ids)."""
        wanted = set(ids)
        chosen = [s for s in self.pending_suggestions() if s.id in wanted]
        if not chosen:
            return None
        used = {s.id for s in self.spans}
        edits: list[Edit] = []
        new_ids = []
        for suggestion in chosen:
            span_id = self._next_id(used)
            used.add(span_id)
            new_ids.append(span_id)
            span = make_span(
                self.text, suggestion.start, suggestion.end, suggestion.label, span_id, dict(suggestion.attrs)
            )
            edits.append(AddSpan(span))
        n = len(edits)
        description = f"accept {n} suggestion{'s' * (n != 1)}"
        return self.run(Batch(edits, description)), new_ids

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

    def save(self) -> bool:
        """Write the annotation if it changed; True when a file was written.

        Raises :class:`ConflictError` (nothing written) when the file changed on disk since
        it was read or last saved: the caller asks whether to reload or keep a copy.
        """
        if self.read_only or not self.dirty:
            return False
        if self.mtime_ns is None and self.path.exists():
            raise ConflictError(self.path, "was created on disk by someone else; not overwritten")
        version = self.history.version
        self.mtime_ns = self.corpus.save_annotation(self.annotation, expected_mtime_ns=self.mtime_ns)
        self.saved_version = version
        if self._journal is not None:
            self._journal.discard()
            self._journal = None
        return True

    def disk_changed(self) -> bool:
        """Did someone else write (or delete) the file since we read or saved it?"""
        if self.read_only:
            return False
        try:
            current: int | None = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            current = None
        return current != self.mtime_ns

    def keep_copy(self, annotation: Annotation | None = None, what: str = "mine") -> Path:
        """Write a copy of ``annotation`` (ours by default) to ``.conflicts/``; never overwrites."""
        target = conflict_path(self.corpus, self.annotator, self.doc_id, what)
        value = (annotation or self.annotation).model_dump(mode="json")
        atomic_write_bytes(target, dump_json(value))
        return target

    def overwrite_theirs(self) -> Path | None:
        """Keep mine: copy the file on disk to ``.conflicts/``, then save ours over it."""
        kept = None
        if self.path.exists():
            target = conflict_path(self.corpus, self.annotator, self.doc_id, "theirs")
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, self.path.read_bytes())
            kept = target
            self.mtime_ns = self.path.stat().st_mtime_ns
        else:
            self.mtime_ns = None
        self.saved_version = -1  # force the write
        self.save()
        return kept

    def close(self) -> None:
        """Stop journaling (call after a final save); the journal stays if unsaved."""
        if self._journal is not None:
            self._journal.close()


def reload_session(session: DocumentSession) -> tuple[DocumentSession, Path | None]:
    """Take theirs: keep our unsaved version in ``.conflicts/`` and open the file anew."""
    kept = session.keep_copy() if session.dirty else None
    if session._journal is not None:
        session._journal.discard()
    return DocumentSession.open(session.corpus, session.annotator, session.doc_id, recover=False), kept
