"""The corpus on disk: layout, atomic writes, locks, listing and annotation files.

Layout (a contract, see README "Corpus on disk")::

    CORPUS/
      corpus.json
      documents/DOC_ID.txt              text exactly as annotated, UTF-8, LF
      documents/DOC_ID.meta.json        DocumentMeta
      documents/DOC_ID.source.html.gz   the original HTML, when imported from HTML
      annotations/ANNOTATOR/DOC_ID.json one Annotation per annotator per document
      gold/DOC_ID.json                  adjudicated Annotation
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from filelock import FileLock, Timeout
from pydantic import ValidationError

from annotator.default_scheme import news_scheme
from annotator.model import (
    GOLD,
    Annotation,
    CorpusManifest,
    DocumentMeta,
    LabelScheme,
    Status,
    is_valid_name,
    parse_annotation_json,
    utc_now,
)
from annotator.rules import WORK_IN_PROGRESS_CODES, Problem, check_annotation, sha256_text

TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
HTML_SUFFIX = ".source.html.gz"


class CorpusError(Exception):
    """Something wrong with a file of the corpus; the message names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


class AnnotationFileError(CorpusError):
    """An annotation file that cannot be used as it is. It is never overwritten."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.problems = [p.with_path(str(path)) for p in problems]
        summary = "; ".join(
            (f"span {p.span_id}: " if p.span_id else "") + p.message for p in problems[:5]
        )
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(path, summary + more)


class ConflictError(CorpusError):
    """The file changed on disk since we read it: someone else wrote it."""


class LockedError(CorpusError):
    """Another process holds the lock on these files."""


# --------------------------------------------------------------------------- file helpers


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never a part.

    Temporary file in the same folder, fsync, rename over the target, fsync the folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def dump_json(value: object) -> bytes:
    """The project's JSON style: UTF-8, two-space indent, keys in model order, final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def read_file_bytes(path: str | Path) -> bytes:
    """The whole file, read with plain system calls (open, fstat, read, close).

    A third of the cost of ``Path.read_bytes()`` on the small files of a corpus, which
    matters when an export or a check reads tens of thousands of them. Raises OSError
    like ``open()`` does.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        # One byte more than the size: getting exactly the size means the end was reached.
        data = os.read(fd, size + 1)
        if len(data) != size:  # the file changed meanwhile, or a read stopped short
            parts = [data]
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
            data = b"".join(parts)
        return data
    finally:
        os.close(fd)


def read_json_file(path: Path) -> object:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CorpusError(path, f"not valid JSON: {exc}") from exc


def pydantic_problems(exc: ValidationError) -> list[Problem]:
    """pydantic's errors as Problems, naming the span when the error is inside one."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc", ())
        span_id = None
        if len(loc) >= 2 and loc[0] == "spans" and isinstance(loc[1], int):
            span_id = f"#{loc[1]}"
        where = ".".join(str(p) for p in loc)
        problems.append(Problem("schema", f"{where}: {err['msg']}" if where else err["msg"], span_id))
    return problems


# --------------------------------------------------------------------------- lock


@dataclass
class AnnotatorLock:
    """An exclusive lock on one annotator's files (or on gold), held while editing.

    A second app or process asking for the same lock gets :class:`LockedError` naming the
    holder, instead of both writing the same files in turn.
    """

    folder: Path
    who: str
    _lock: FileLock | None = None

    @property
    def lock_path(self) -> Path:
        return self.folder / ".lock"

    @property
    def owner_path(self) -> Path:
        return self.folder / ".lock.owner"

    def acquire(self) -> AnnotatorLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=0, is_singleton=False)
        try:
            lock.acquire()
        except Timeout as exc:
            holder = "another process"
            with contextlib.suppress(OSError, ValueError):
                info = json.loads(self.owner_path.read_text("utf-8"))
                holder = f"process {info['pid']} on {info['host']} (since {info['since']})"
            raise LockedError(
                self.folder,
                f"the files of {self.who!r} are being edited by {holder}; "
                "close that window or process first",
            ) from exc
        self._lock = lock
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_now()}
        atomic_write_bytes(self.owner_path, dump_json(owner))
        return self

    def release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self.owner_path.unlink()
            self._lock.release()
            self._lock = None

    @property
    def held(self) -> bool:
        return self._lock is not None

    def __enter__(self) -> AnnotatorLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True, slots=True)
class LoadedAnnotation:
    annotation: Annotation
    mtime_ns: int
    #: Rule breaks of work in progress (see ``rules.WORK_IN_PROGRESS_CODES``): the file
    #: loaded, but the annotation is not valid yet.
    problems: tuple[Problem, ...] = ()


class Corpus:
    """A corpus folder. Opening it reads ``corpus.json`` only."""

    def __init__(self, root: Path, manifest: CorpusManifest, scheme: LabelScheme) -> None:
        self.root = root
        self.manifest = manifest
        self.scheme = scheme
        # Files that failed to load: they are never overwritten by a save.
        self._broken: set[Path] = set()

    # ---- creating and opening

    @classmethod
    def create(
        cls, root: Path | str, name: str | None = None, scheme: LabelScheme | None = None
    ) -> Corpus:
        root = Path(root)
        if (root / "corpus.json").exists():
            raise CorpusError(root / "corpus.json", "a corpus already exists here")
        if root.exists() and any(root.iterdir()):
            raise CorpusError(root, "folder is not empty; choose a new or empty folder")
        manifest = CorpusManifest(name=name or root.name, scheme=scheme or news_scheme())
        for sub in ("documents", "annotations", "gold"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(root / "corpus.json", dump_json(manifest.model_dump(mode="json")))
        return cls.open(root)

    @classmethod
    def open(cls, root: Path | str) -> Corpus:
        root = Path(root)
        manifest_path = root / "corpus.json"
        if not manifest_path.is_file():
            raise CorpusError(root, "not a corpus: corpus.json is missing (create one with `annotator new`)")
        raw = read_json_file(manifest_path)
        try:
            manifest = CorpusManifest.model_validate(raw)
        except ValidationError as exc:
            raise CorpusError(manifest_path, "; ".join(str(p) for p in pydantic_problems(exc))) from exc
        if isinstance(manifest.scheme, str):
            scheme_path = (root / manifest.scheme).resolve()
            try:
                scheme = LabelScheme.model_validate(read_json_file(scheme_path))
            except ValidationError as exc:
                problems = "; ".join(str(p) for p in pydantic_problems(exc))
                raise CorpusError(scheme_path, f"bad label scheme: {problems}") from exc
        else:
            scheme = manifest.scheme
        return cls(root, manifest, scheme)

    # ---- folders and paths

    @property
    def documents_dir(self) -> Path:
        return self.root / "documents"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def gold_dir(self) -> Path:
        return self.root / "gold"

    def text_path(self, doc_id: str) -> Path:
        return self.documents_dir / f"{_checked(doc_id)}{TEXT_SUFFIX}"

    def meta_path(self, doc_id: str) -> Path:
        return self.documents_dir / f"{_checked(doc_id)}{META_SUFFIX}"

    def html_path(self, doc_id: str) -> Path:
        return self.documents_dir / f"{_checked(doc_id)}{HTML_SUFFIX}"

    def annotator_dir(self, annotator: str) -> Path:
        """``gold/`` for the reserved name ``gold``, ``annotations/NAME/`` otherwise."""
        if annotator == GOLD:
            return self.gold_dir
        return self.annotations_dir / _checked(annotator, "annotator name")

    def annotation_path(self, annotator: str, doc_id: str) -> Path:
        return self.annotator_dir(annotator) / f"{_checked(doc_id)}.json"

    # ---- listing (never reads a document's text)

    def doc_ids(self) -> list[str]:
        """Sorted ids of every document, from one scan of ``documents/``."""
        n = len(TEXT_SUFFIX)
        try:
            with os.scandir(self.documents_dir) as it:
                ids = [e.name[:-n] for e in it if e.name.endswith(TEXT_SUFFIX)]
        except FileNotFoundError:
            return []
        ids.sort()
        return ids

    def annotators(self) -> list[str]:
        """Annotators with a folder under ``annotations/`` (not gold)."""
        try:
            with os.scandir(self.annotations_dir) as it:
                names = [e.name for e in it if e.is_dir() and is_valid_name(e.name)]
        except FileNotFoundError:
            return []
        return sorted(names)

    def annotated_ids(self, annotator: str) -> set[str]:
        """Ids of the documents that have a file for ``annotator`` (one folder scan)."""
        try:
            with os.scandir(self.annotator_dir(annotator)) as it:
                return {e.name[:-5] for e in it if e.name.endswith(".json") and not e.name.startswith(".")}
        except FileNotFoundError:
            return set()

    # ---- documents

    def has_document(self, doc_id: str) -> bool:
        return self.text_path(doc_id).is_file()

    def read_text(self, doc_id: str) -> str:
        return _decode_text(self.text_path(doc_id), self._read_text_bytes(doc_id))

    def _read_text_bytes(self, doc_id: str) -> bytes:
        path = self.text_path(doc_id)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise CorpusError(path, f"no document {doc_id!r} in this corpus") from exc

    def read_meta(self, doc_id: str) -> DocumentMeta:
        path = self.meta_path(doc_id)
        try:
            return DocumentMeta.model_validate(read_json_file(path))
        except ValidationError as exc:
            raise CorpusError(path, "; ".join(str(p) for p in pydantic_problems(exc))) from exc

    def add_document(self, text: str, meta: DocumentMeta, html_gz: bytes | None = None) -> None:
        """Write a new document. The text must already be normalised (LF, NFC)."""
        if self.text_path(meta.doc_id).exists():
            raise CorpusError(self.text_path(meta.doc_id), "a document with this id already exists")
        if meta.text_sha256 != sha256_text(text) or meta.chars != len(text):
            raise ValueError(f"meta of {meta.doc_id} does not describe its text")
        if html_gz is not None:
            atomic_write_bytes(self.html_path(meta.doc_id), html_gz)
        # Meta before text: a document is listed once its text exists, and by then its
        # meta is there too.
        atomic_write_bytes(self.meta_path(meta.doc_id), dump_json(meta.model_dump(mode="json")))
        atomic_write_bytes(self.text_path(meta.doc_id), text.encode("utf-8"))

    # ---- annotations

    def new_annotation(self, annotator: str, doc_id: str, text: str | None = None) -> Annotation:
        text = self.read_text(doc_id) if text is None else text
        return Annotation(doc_id=doc_id, text_sha256=sha256_text(text), annotator=annotator)

    def check_annotation_file(
        self, path: Path, text: str | None = None, doc_id: str | None = None
    ) -> tuple[Annotation | None, list[Problem]]:
        """Parse and check one annotation file: JSON, schema, file name, offsets, rules."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, [Problem("unreadable", f"cannot read: {exc.strerror or exc}", path=str(path))]
        try:
            annotation, columns = parse_annotation_json(data)
        except ValidationError as exc:
            problems = pydantic_problems(exc)
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                problems = [Problem("bad-json", f"not valid JSON: {exc.errors()[0]['msg']}")]
            return None, [p.with_path(str(path)) for p in problems]
        expected_id = doc_id or path.name.removesuffix(".json")
        problems: list[Problem] = []
        if annotation.doc_id != expected_id:
            problems.append(
                Problem("wrong-doc", f"doc_id {annotation.doc_id!r} does not match the file name")
            )
        text_sha = None
        if text is None:
            try:
                raw_text = self._read_text_bytes(annotation.doc_id)
                text = _decode_text(self.text_path(annotation.doc_id), raw_text)
            except CorpusError as exc:
                return annotation, [Problem("no-document", exc.message, path=str(path))]
            # Hashing the bytes just read spares encoding the text again to hash it.
            text_sha = hashlib.sha256(raw_text).hexdigest()
        problems.extend(check_annotation(annotation, text, self.scheme, text_sha, columns=columns))
        return annotation, [p.with_path(str(path)) for p in problems]

    def load_annotation(
        self, annotator: str, doc_id: str, text: str | None = None
    ) -> LoadedAnnotation | None:
        """The annotation of ``doc_id`` by ``annotator`` (``gold`` for gold), or None if none.

        Raises :class:`AnnotationFileError` listing every problem when the file is broken;
        that file is then protected from being overwritten by :meth:`save_annotation`. A
        file whose only problems are rule breaks of unfinished work loads, with those
        problems in :attr:`LoadedAnnotation.problems`.
        """
        path = self.annotation_path(annotator, doc_id)
        try:
            mtime_ns = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        annotation, problems = self.check_annotation_file(path, text, doc_id)
        if annotation is not None and annotation.annotator != annotator and annotator != GOLD:
            problems.append(
                Problem("wrong-annotator", f"annotator {annotation.annotator!r} in a file of {annotator!r}", path=str(path))
            )
        if annotation is None or any(p.code not in WORK_IN_PROGRESS_CODES for p in problems):
            self._broken.add(path)
            raise AnnotationFileError(path, problems)
        self._broken.discard(path)
        return LoadedAnnotation(annotation, mtime_ns, tuple(problems))

    def save_annotation(
        self, annotation: Annotation, *, expected_mtime_ns: int | None = None, annotator: str | None = None
    ) -> int:
        """Write ``annotation`` atomically and return the new file's mtime (ns).

        ``annotator`` defaults to ``annotation.annotator``; pass ``gold`` to write gold.
        With ``expected_mtime_ns``, refuse (:class:`ConflictError`) when the file changed
        on disk since it was read. A file that failed to load is never overwritten.
        """
        path = self.annotation_path(annotator or annotation.annotator, annotation.doc_id)
        if path in self._broken:
            raise CorpusError(path, "this file failed to load; fix or move it before saving over it")
        if expected_mtime_ns is not None:
            try:
                current = path.stat().st_mtime_ns
            except FileNotFoundError:
                current = None
            if current != expected_mtime_ns:
                raise ConflictError(path, "changed on disk since it was opened; not overwritten")
        atomic_write_bytes(path, annotation.to_json_bytes())
        return path.stat().st_mtime_ns

    def lock(self, annotator: str) -> AnnotatorLock:
        """The lock on ``annotator``'s files; call ``acquire()`` or use ``with``."""
        return AnnotatorLock(self.annotator_dir(annotator), annotator)

    def iter_annotations(self, annotator: str) -> Iterator[tuple[str, Path]]:
        for doc_id in sorted(self.annotated_ids(annotator)):
            yield doc_id, self.annotation_path(annotator, doc_id)

    def statuses(self, annotator: str) -> dict[str, Status]:
        """The status of each document that has a file for ``annotator``.

        Reads only the ``status`` field of each file; unreadable files are left out
        (``validate`` reports them).
        """
        result: dict[str, Status] = {}
        for doc_id, path in self.iter_annotations(annotator):
            try:
                status = orjson.loads(path.read_bytes()).get("status")
            except (OSError, orjson.JSONDecodeError, AttributeError):
                continue
            if status in ("todo", "in_progress", "done", "skipped"):
                result[doc_id] = status
        return result


def _decode_text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8 at byte {exc.start}") from exc


def _checked(name: str, what: str = "document id") -> str:
    if not is_valid_name(name):
        raise CorpusError(name, f"not a valid {what} (letters, digits, '.', '_', '-'; up to 128)")
    return name
