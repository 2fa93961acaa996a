"""The write-ahead journal of unsaved edits, and replaying it after a crash (ADR 0006).

One file per document being edited, ``ANNOTATOR_DIR/.journal/DOC_ID.jsonl``: a header line,
then one JSON line per change holding the *state* of what the change touched (spans put or
deleted, document labels, status). Appended and flushed per change, deleted after each
successful save, so a journal found at the next start holds exactly what the last save missed.

A journal file only ever holds whole lines, except for a last line cut short by a crash: a
write that fails (disk full) is cut back to the last good length before the error is raised,
so a later append never follows a torn line (:meth:`Journal.append`).

Split out of :mod:`annotator.session` (which re-exports these names).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.conflicts import conflict_path
from annotator.corpus import (
    ABSENT,
    AnnotationFileError,
    Corpus,
    CorpusError,
    FileVersion,
    fsync_dir,
)
from annotator.edits import Change
from annotator.model import Annotation, Span
from annotator.rules import sha256_text

JOURNAL_DIR = ".journal"
JOURNAL_VERSION = 1


def journal_path(corpus: Corpus, annotator: str, doc_id: str) -> Path:
    return corpus.annotator_dir(annotator) / JOURNAL_DIR / f"{doc_id}.jsonl"


class Journal:
    """The write-ahead journal of one document's unsaved changes (appended, flushed).

    Written with plain system calls on one descriptor, so that the length of the good part
    is always known: a failed write is cut back to it (``ftruncate`` needs no free space).
    """

    def __init__(self, path: Path, header: dict[str, Any], fsync: bool = False) -> None:
        self.path = path
        self.header = header
        self.fsync = fsync
        self._fd: int | None = None
        #: Bytes of whole lines on disk; what a failed write is cut back to.
        self._good = 0
        #: A failed write could not be cut back: cut again before the next line.
        self._torn = False
        self.entries = 0

    def append(self, entry: dict[str, Any]) -> None:
        """Add one line. Raises OSError when it could not be written; the file then holds
        what it held before (or, when even cutting back failed, is cut before the next line)."""
        if self._fd is None:
            self._create()
        self._write_line(orjson.dumps(entry) + b"\n")
        self.entries += 1

    def _create(self) -> None:
        # Header first in a new file, renamed over whatever is there: a journal left from
        # before was replayed (or set aside) when the session opened, so it is stale, and
        # a crash mid-creation leaves the old file or the new one, never an empty one.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            data = orjson.dumps(self.header) + b"\n"
            self._write_bytes(fd, data)
            if self.fsync:
                os.fsync(fd)
            os.replace(tmp, self.path)
            if self.fsync:
                fsync_dir(self.path.parent)  # the new name, too, must survive a power cut
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._fd = fd
        self._good = len(data)
        self._torn = False

    def _write_line(self, data: bytes) -> None:
        fd = self._fd
        assert fd is not None
        if self._torn:
            os.ftruncate(fd, self._good)  # raises again when it still cannot be cut
            os.lseek(fd, self._good, os.SEEK_SET)
            self._torn = False
        try:
            self._write_bytes(fd, data)
            # The data is in the kernel after write(): survives a kill -9. fsync: power loss.
            if self.fsync:
                os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, self._good)
                os.lseek(fd, self._good, os.SEEK_SET)
            except OSError:
                self._torn = True
            raise
        self._good += len(data)

    @staticmethod
    def _write_bytes(fd: int, data: bytes) -> None:
        """All of ``data`` (``os.write`` may write part of it); the fault tests patch this."""
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]

    def rebase(self, base: dict[str, Any]) -> None:
        """Point the journal at a newer saved file (``base``: its ``base_mtime_ns`` and
        ``base_sha256``), keeping every line: a save that finished while edits went on holds
        some of them, and replaying a line whose state is saved already changes nothing.

        The whole file is written anew and renamed over the old one, so a crash leaves one
        of the two complete journals, never the new header without the lines.
        """
        if self._fd is None:
            self.header = {**self.header, **base}
            return
        with open(self.path, "rb") as old:
            lines = old.read(self._good).split(b"\n", 1)[1]
        header = {**self.header, **base}
        data = orjson.dumps(header) + b"\n" + lines
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            self._write_bytes(fd, data)
            if self.fsync:
                os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.close()
        self._fd = fd
        self.header = header
        self._good = len(data)
        self._torn = False

    def discard(self) -> None:
        """Close and delete: the changes are in the saved file now."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.entries = 0
        self._good = 0

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


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


@dataclass
class Replay:
    """A journal that applies: the saved file it was based on and the state it leads to."""

    path: Path
    base: Annotation
    base_mtime_ns: int | None
    replayed: Annotation
    changes: int
    #: The version of that saved file: what the replay's save expects to find.
    base_version: FileVersion | None = None

    def recovery(self, doc_id: str) -> Recovery:
        n = self.changes
        return Recovery(
            doc_id, "restored", n, f"{doc_id}: restored {n} unsaved change{'s' * (n != 1)} from the last session"
        )


def _set_aside_path(corpus: Corpus, annotator: str, doc_id: str) -> Path:
    """A new ``.conflicts/DOC_ID.STAMP.journal.jsonl``, never an existing file.

    :func:`conflict_path` avoids the ``.json`` names only, and its stamp has whole seconds:
    a second journal of the same document set aside within that second would be renamed over
    the first one.
    """
    first = conflict_path(corpus, annotator, doc_id, "journal").with_suffix(".jsonl")
    kept, n = first, 1
    while kept.exists():
        n += 1
        kept = first.with_name(f"{first.stem}-{n}.jsonl")
    return kept


def plan_recovery(
    corpus: Corpus, annotator: str, doc_id: str, text: str | None = None
) -> Recovery | Replay | None:
    """What the journal of ``doc_id`` holds: nothing (None), a finished :class:`Recovery`
    (nothing missing: removed; does not apply: set aside), or a :class:`Replay` to apply.

    The caller must hold the annotator's lock. Never loses either side: when the journal
    cannot be applied (the file changed meanwhile, or is broken) it is moved to
    ``.conflicts/`` and the message says where.
    """
    path = journal_path(corpus, annotator, doc_id)
    if not path.is_file():
        return None

    def set_aside(reason: str, changes: int = 0) -> Recovery:
        kept = _set_aside_path(corpus, annotator, doc_id)
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
    base = loaded.annotation if loaded else corpus.new_annotation(annotator, doc_id, text)
    replayed = base.model_copy(deep=True)
    try:
        for entry in entries:
            _apply_entry(replayed, entry, text)
    except (ValueError, KeyError, TypeError) as exc:
        return set_aside(f"a journal line does not apply: {exc}", len(entries))
    current_mtime = loaded.mtime_ns if loaded else None
    current_version = loaded.version if loaded else None
    if same_content(replayed, base):
        # Saved after all (the process died between saving and removing the journal).
        path.unlink()
        return Recovery(doc_id, "unchanged", 0, f"{doc_id}: nothing unsaved")
    if "base_sha256" in header:
        # By content (ADR 15): a rewrite within one clock tick keeps the mtime, a touch
        # changes only the mtime.
        current_sha = current_version.sha256 if current_version is not None else None
        moved_on = header["base_sha256"] != current_sha
    else:  # a journal written before content hashes: its mtime is all it says
        moved_on = header.get("base_mtime_ns") != current_mtime
    if moved_on:
        return set_aside("the file was changed on disk after these edits began", len(entries))
    return Replay(path, base, current_mtime, replayed, len(entries), current_version)


def recover_journal(
    corpus: Corpus, annotator: str, doc_id: str, text: str | None = None
) -> Recovery | None:
    """Replay the journal of ``doc_id`` (if any) onto its saved file and save the result.

    For a document that is not opened now; the one opened replays its journal as an
    undoable edit instead (:meth:`DocumentSession.open`).
    """
    plan = plan_recovery(corpus, annotator, doc_id, text)
    if not isinstance(plan, Replay):
        return plan
    if plan.base_version is not None:
        corpus.save_annotation(plan.replayed, expected=plan.base_version)
    else:
        expected = ABSENT if plan.base_mtime_ns is None else plan.base_mtime_ns
        corpus.save_annotation(plan.replayed, expected_mtime_ns=expected)
    plan.path.unlink()
    return plan.recovery(doc_id)


def pending_journals(corpus: Corpus, annotator: str) -> list[str]:
    """The documents with a journal left by a session that did not close, the most recently
    written first (that is the document that was being edited)."""
    folder = corpus.annotator_dir(annotator) / JOURNAL_DIR
    try:
        found = [
            (e.stat().st_mtime_ns, e.name.removesuffix(".jsonl"))
            for e in os.scandir(folder)
            if e.name.endswith(".jsonl")
        ]
    except FileNotFoundError:
        return []
    return [doc_id for _, doc_id in sorted(found, key=lambda f: (-f[0], f[1]))]


def recover_journals(corpus: Corpus, annotator: str, skip: Collection[str] = ()) -> list[Recovery]:
    """Replay every journal left by a session that did not close (see :func:`recover_journal`),
    except those of ``skip`` (the document about to be opened replays its own, undoably)."""
    results = []
    for doc_id in sorted(pending_journals(corpus, annotator)):
        if doc_id in skip:
            continue
        try:
            result = recover_journal(corpus, annotator, doc_id)
        except (CorpusError, OSError) as exc:
            # Not replayed (another writer won the race, a folder that cannot be written):
            # the journal stays where it is, for the next start; the app opens anyway.
            if isinstance(exc, CorpusError):
                reason = str(exc)
            else:  # a failed write or fsync names no file: then the reason alone
                detail = exc.strerror or str(exc)
                reason = f"{exc.filename}: {detail}" if exc.filename else detail
            path = journal_path(corpus, annotator, doc_id)
            result = Recovery(doc_id, "left", 0, f"{doc_id}: unsaved edits not replayed ({reason}); left in {path}")
        if result is not None:
            results.append(result)
    return results


def same_content(a: Annotation, b: Annotation) -> bool:
    key = lambda s: s.id  # noqa: E731
    return (
        a.status == b.status
        and a.doc_labels == b.doc_labels
        and sorted(a.spans, key=key) == sorted(b.spans, key=key)
    )


_same_content = same_content  # the name it had in annotator.session
