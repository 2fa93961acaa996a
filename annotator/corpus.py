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
import errno
import hashlib
import json
import os
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
    utc_now,
)
from annotator.rules import Problem, sha256_text

if os.name == "posix":
    import fcntl

TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
HTML_SUFFIX = ".source.html.gz"

#: ``expected_mtime_ns`` saying "there is no file yet": the save refuses to replace one.
ABSENT = -1

#: How many files a Corpus remembers the version of (what it last read or wrote), for the
#: conflict check; a bound, so that a pass over 100,000 files does not grow without end.
_SEEN_MAX = 4096


class PreparedSave(NamedTuple):
    """An annotation file about to be written (:meth:`Corpus.prepare_save`)."""

    path: Path
    data: bytes
    #: What the file on disk must still be (see :meth:`Corpus.save_annotation_version`).
    expected: FileVersion | int | None


class CorpusError(Exception):
    """Something wrong with a file of the corpus; the message names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in an export's worker process, it crosses back pickled: by its own fields.
        return (type(self), (self.path, self.message))


class AnnotationFileError(CorpusError):
    """An annotation file that cannot be used as it is. It is never overwritten."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.problems = [p.with_path(str(path)) for p in problems]
        summary = "; ".join(
            (f"span {p.span_id}: " if p.span_id else "") + p.message for p in problems[:5]
        )
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(path, summary + more)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.problems))


class ConflictError(CorpusError):
    """The file changed on disk since we read it: someone else wrote it."""


class LockedError(CorpusError):
    """Another process holds the lock on these files."""


# --------------------------------------------------------------------------- file helpers


def _proc_umask() -> int | None:
    """The umask as Linux shows it in ``/proc/self/status`` (None elsewhere)."""
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/self/status", "rb") as handle:
        for line in handle:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    return None


def read_umask() -> int:
    """The process's umask, read without changing it where the system allows.

    ``os.umask`` can only be read by setting it, and a thread creating a file meanwhile
    would get the wrong mode; Linux shows it in ``/proc/self/status``, read at each new
    file (a umask set later by the program counts). Elsewhere the set-and-restore is done
    once, at import, before any thread of ours runs.
    """
    umask = _proc_umask()
    if umask is not None:
        return umask
    if _UMASK_AT_IMPORT is not None:
        return _UMASK_AT_IMPORT
    old = os.umask(0o022)
    os.umask(old)
    return old


_UMASK_AT_IMPORT: int | None = None
_UMASK_AT_IMPORT = read_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never a part.

    Temporary file in the same folder (``.NAME.XXXX.tmp``), fsync, rename over the target,
    fsync the folder. The new file keeps the mode of the file it replaces (a ``chmod`` by the
    user survives saves), or gets the one the umask gives (``mkstemp`` alone makes ``0600``,
    which shuts a second account out of a shared corpus).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) & 0o777
    except OSError:
        mode = 0o666 & ~read_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
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
    return read_file_and_stat(path)[0]


def read_file_and_stat(path: str | Path) -> tuple[bytes, os.stat_result]:
    """The whole file and the ``fstat`` of the descriptor it was read from: the stat
    describes the very file whose bytes these are, even when a writer renames another
    file over ``path`` meanwhile."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        size = st.st_size
        # One byte more than the size: getting exactly the size means the end was reached.
        data = os.read(fd, size + 1)
        if len(data) != size:  # the file changed meanwhile, or a read stopped short
            parts = [data]
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
            data = b"".join(parts)
        return data, st
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class FileVersion:
    """One version of a file, as this process read or wrote it: the sha256 of its bytes,
    which decides whether the file changed, and its size and mtime.

    Times cannot decide it: on file systems with coarse timestamps (FAT and some network
    shares: 2 s) two writes within one tick share an mtime, and ``os.utime``, ``cp -p`` or
    an unpacked archive set any mtime at all; a ``touch`` changes the time and not the
    bytes. A different size is a change for sure, so it spares the hash; ``mtime_ns`` is
    kept for callers that name a version by its mtime (``expected_mtime_ns``).
    (docs/adr/0015-change-detection-by-content.md)
    """

    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, data: bytes, st: os.stat_result, sha256: str | None = None) -> FileVersion:
        """The version holding ``data``; ``st`` is the stat of that file (``sha256``: the
        hash of ``data`` when the caller already has it)."""
        return cls(sha256 or hashlib.sha256(data).hexdigest(), len(data), st.st_mtime_ns)


def read_file_version(path: str | Path) -> tuple[bytes, FileVersion]:
    """The whole file and its :class:`FileVersion` (the hash of exactly these bytes)."""
    data, st = read_file_and_stat(path)
    return data, FileVersion.of(data, st)


def changed_since(path: str | Path, expected: FileVersion | None) -> bool:
    """Does the file at ``path`` differ from ``expected`` (None: there was no file)?

    Decided by content: a file of another size has changed (no need to read it), one of
    the same size is read and hashed, whatever its times say (a rewrite within one clock
    tick keeps the mtime; a ``touch`` changes it and nothing else). A 2.6 MB file (10,000
    spans) costs about 2.3 ms (ADR 15).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return expected is not None
    if expected is None or st.st_size != expected.size:
        return True
    try:
        data, _st = read_file_and_stat(path)
    except FileNotFoundError:
        return True
    return len(data) != expected.size or hashlib.sha256(data).hexdigest() != expected.sha256


def read_json_file(path: Path | str) -> object:
    """A JSON file's value (a UTF-8 BOM is allowed); :class:`CorpusError` naming the file and
    the problem when it cannot be read, is not UTF-8 or is not JSON. Every reader of a JSON
    file a user gives (a scheme, a label map, bodies, the plan) goes through here."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror or exc}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8: byte {exc.start} (0x{data[exc.start]:02x})") from exc
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


# --------------------------------------------------------------------------- locks

#: What flock on a folder gives on a file system without it (some network file systems):
#: the lock falls back to a lock file, as on Windows.
_NO_FOLDER_LOCK = frozenset({errno.EBADF, errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL})

#: How long a save waits for another process's save of the same folder (one write).
SAVE_LOCK_TIMEOUT = 30.0

#: The editing locks this process holds, by absolute folder: a save checks that its
#: folder's lock still covers the folder at that path (see AnnotatorLock.ensure_held).
_HELD: dict[str, AnnotatorLock] = {}


def _open_folder(folder: Path) -> int:
    return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _flock(fd: int, timeout: float) -> bool:
    """Take an exclusive flock on ``fd`` within ``timeout`` seconds (0: one try).

    Polls rather than blocks, so that a stopped process holding the lock costs a
    LockedError, not a hung app. OSError when the file system has no flock for ``fd``.
    """
    deadline = time.monotonic() + timeout
    pause = 0.0002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.01)


class _FolderBusy(Exception):
    """The folder's flock is held by another process (the caller says by whom)."""


def _lock_folder(folder: Path, timeout: float) -> int | None:
    """An flock on the descriptor of ``folder``: the open descriptor (closing it releases
    the lock), None when the file system has no flock for folders (the caller falls back
    to a lock file), :class:`_FolderBusy` when another process holds it past ``timeout``.
    """
    if os.name != "posix":
        return None
    fd = _open_folder(folder)
    try:
        taken = _flock(fd, timeout)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in _NO_FOLDER_LOCK:
            raise
        return None
    except BaseException:
        os.close(fd)
        raise
    if not taken:
        os.close(fd)
        raise _FolderBusy(folder)
    return fd


@contextlib.contextmanager
def save_lock(folder: Path, timeout: float = SAVE_LOCK_TIMEOUT) -> Iterator[None]:
    """Held by a save around its conflict check and rename, so that no other save of the
    files in ``folder`` comes between the two (they would both pass the check, and the
    first one's work would be lost).

    An flock on the descriptor of the folder's parent (``annotations/``, or the corpus root
    for ``gold/``): nothing a stray ``rm`` can pull away, no file to leave behind, and not
    the folder itself, whose flock is the editing lock that the saving process may hold.
    """
    try:
        fd = _lock_folder(folder.parent, timeout)
    except _FolderBusy as exc:
        raise LockedError(folder, f"another process has been saving here for {timeout:.0f} s") from exc
    if fd is not None:
        try:
            yield
        finally:
            os.close(fd)  # releases the flock
        return
    lock = FileLock(str(folder / ".save.lock"), timeout=timeout, is_singleton=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise LockedError(folder, f"another process has been saving here for {timeout:.0f} s") from exc
    try:
        yield
    finally:
        lock.release()


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


@dataclass
class AnnotatorLock:
    """An exclusive lock on one annotator's files (or on gold), held while editing.

    A second app or process asking for the same lock gets :class:`LockedError` naming the
    holder, instead of both writing the same files in turn. On POSIX it is an ``flock`` on
    the descriptor of the folder itself: deleting files in it (``.lock``, ``.lock.owner``)
    cannot release it, and the kernel releases it when the holder dies. ``.lock.owner``
    only names the holder for that message (docs/adr/0014-locking.md).
    """

    folder: Path
    who: str
    #: The folder's descriptor carrying the flock (POSIX).
    _fd: int | None = None
    #: Windows, or a file system without flock on folders: a lock file.
    _file_lock: FileLock | None = None

    @property
    def lock_path(self) -> Path:
        """The lock file where folders cannot be locked (Windows, some network file systems)."""
        return self.folder / ".lock"

    @property
    def owner_path(self) -> Path:
        return self.folder / ".lock.owner"

    @property
    def _key(self) -> str:
        return os.path.abspath(self.folder)

    def acquire(self) -> AnnotatorLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._take()
        _HELD[self._key] = self
        try:
            self._remove_debris()
            self._write_owner()
        except BaseException:
            self.release()
            raise
        return self

    def _take(self) -> None:
        """Lock the folder now at ``self.folder``, or raise LockedError naming the holder."""
        try:
            fd = _lock_folder(self.folder, 0)
        except _FolderBusy as exc:
            raise self._locked_error() from exc
        if fd is not None:
            self._fd = fd
            return
        lock = FileLock(str(self.lock_path), timeout=0, is_singleton=False)
        try:
            lock.acquire()
        except Timeout as exc:
            raise self._locked_error() from exc
        self._file_lock = lock

    def _locked_error(self) -> LockedError:
        holder = "another process"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            info = json.loads(self.owner_path.read_text("utf-8"))
            holder = f"process {info['pid']} on {info['host']} (since {info['since']})"
        return LockedError(
            self.folder,
            f"the files of {self.who!r} are being edited by {holder}; close that window or process first",
        )

    def _write_owner(self) -> None:
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_now()}
        atomic_write_bytes(self.owner_path, dump_json(owner))

    def _remove_debris(self) -> None:
        """Delete the atomic-write temporaries (``.NAME.XXXX.tmp``) a killed process left.

        The folder is ours now, so no editing process is writing in it; the save lock keeps
        off a save by a process that did not take the editing lock.
        """
        with save_lock(self.folder), os.scandir(self.folder) as it:
            stale = [
                e.path
                for e in it
                if e.name.startswith(".") and e.name.endswith(".tmp") and e.is_file(follow_symlinks=False)
            ]
            for path in stale:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)

    def _covers_folder(self) -> bool:
        """Does our flock still cover the folder at ``self.folder`` (not moved, not removed)?"""
        if self._fd is None:
            return self._file_lock is not None
        try:
            return _same_file(os.stat(self.folder), os.fstat(self._fd))
        except FileNotFoundError:
            return False

    def ensure_held(self) -> None:
        """Called by each save: when the folder was moved or removed (and perhaps made
        again) since the lock was taken, lock the folder now at that path before writing
        into it, or raise LockedError if another process locked it meanwhile."""
        if self._fd is None or self._covers_folder():
            return
        old, self._fd = self._fd, None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._take()
        except BaseException:
            self._fd = old  # still ours: the old folder, wherever it went
            raise
        os.close(old)
        self._write_owner()

    def release(self) -> None:
        if not self.held:
            return
        if self._covers_folder():  # not the owner file of whoever has the folder now
            with contextlib.suppress(OSError):
                self.owner_path.unlink()
        if _HELD.get(self._key) is self:
            del _HELD[self._key]
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd = None
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    @property
    def held(self) -> bool:
        return self._fd is not None or self._file_lock is not None

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
    #: The version of the file these bytes came from: what a later save expects to find.
    version: FileVersion | None = None


class Corpus:
    """A corpus folder. Opening it reads ``corpus.json`` only."""

    def __init__(self, root: Path, manifest: CorpusManifest, scheme: LabelScheme) -> None:
        self.root = root
        self.manifest = manifest
        self.scheme = scheme
        # Files that failed to load: they are never overwritten by a save.
        self._broken: set[Path] = set()
        # path -> the version of the file as last read or written here: gives a content
        # check to callers that name the version they expect by its mtime only.
        self._seen: dict[Path, FileVersion] = {}

    # ---- creating and opening

    @classmethod
    def create(
        cls,
        root: Path | str,
        name: str | None = None,
        scheme: LabelScheme | None = None,
        *,
        ignore: Collection[str] = (),
    ) -> Corpus:
        """A new corpus in ``root``: a new folder, or an empty one save for names in
        ``ignore`` (the ``.git`` of a freshly cloned repository)."""
        root = Path(root)
        if (root / "corpus.json").exists():
            raise CorpusError(root / "corpus.json", "a corpus already exists here")
        if root.exists() and not all(child.name in ignore for child in root.iterdir()):
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
        """Sorted ids of every document, from one scan of ``documents/``.

        A document is listed by its meta, written last (:meth:`add_document`): a text
        without meta is an import that did not finish, not a document.
        """
        # Listed as bytes, no DirEntry made, and only the metas' names decoded (as os.listdir
        # would: os.fsdecode): a quarter less than a scandir of the folder, whose 100,000
        # documents are 200,000 names.
        try:
            names = os.listdir(os.fsencode(self.documents_dir))
        except FileNotFoundError:
            return []
        return _meta_ids(names)

    def annotators(self) -> list[str]:
        """Annotators with at least one annotation file under ``annotations/`` (not gold).

        A folder holding only runtime files (the lock's owner note, an empty journal) is
        someone who opened the app and wrote nothing: not an annotator of this corpus, or
        merely opening the bundled demo would change what ``status`` and ``agree`` report.
        """
        try:
            with os.scandir(self.annotations_dir) as it:
                names = [e.name for e in it if e.is_dir() and is_valid_name(e.name)]
        except FileNotFoundError:
            return []
        return sorted(name for name in names if self.annotated_ids(name))

    def annotated_ids(self, annotator: str) -> set[str]:
        """Ids of the documents that have a file for ``annotator`` (one folder scan)."""
        try:
            with os.scandir(self.annotator_dir(annotator)) as it:
                return {e.name[:-5] for e in it if e.name.endswith(".json") and not e.name.startswith(".")}
        except FileNotFoundError:
            return set()

    # ---- documents

    def has_document(self, doc_id: str) -> bool:
        return self.meta_path(doc_id).is_file()

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
        """Write a new document. The text must already be normalised (LF, NFC).

        The meta is written last and commits the document: killed before it, the files
        written are an unfinished import (not listed, replaced by the next add of that id).
        """
        if self.meta_path(meta.doc_id).exists():
            raise CorpusError(self.meta_path(meta.doc_id), "a document with this id already exists")
        if meta.text_sha256 != sha256_text(text) or meta.chars != len(text):
            raise ValueError(f"meta of {meta.doc_id} does not describe its text")
        if html_gz is not None:
            atomic_write_bytes(self.html_path(meta.doc_id), html_gz)
        atomic_write_bytes(self.text_path(meta.doc_id), text.encode("utf-8"))
        # Last: a document is listed once its meta exists, and by then its text is there.
        atomic_write_bytes(self.meta_path(meta.doc_id), dump_json(meta.model_dump(mode="json")))

    # ---- annotations

    def new_annotation(self, annotator: str, doc_id: str, text: str | None = None) -> Annotation:
        text = self.read_text(doc_id) if text is None else text
        return Annotation(doc_id=doc_id, text_sha256=sha256_text(text), annotator=annotator)

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
        # The one decision every reader shares (ADR 5); imported here because it builds on
        # this module's file helpers.
        from annotator.loading import check_annotation_file

        # The bytes are read here, once, so that the version remembered is the hash of the
        # very bytes checked and loaded: a file replaced at any moment in between looks
        # changed to the next save (a needless conflict at worst), never unchanged.
        try:
            data, st = read_file_and_stat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            problem = Problem("unreadable", f"cannot read: {exc.strerror or exc}", path=str(path))
            self._broken.add(path)
            raise AnnotationFileError(path, [problem]) from exc
        checked = check_annotation_file(self, annotator, doc_id, text, data=data)
        if not checked.usable:
            self._broken.add(path)
            raise AnnotationFileError(path, list(checked.problems))
        assert checked.annotation is not None
        self._broken.discard(path)
        version = FileVersion.of(data, st)
        self._remember(path, version)
        return LoadedAnnotation(checked.annotation, st.st_mtime_ns, checked.problems, version)

    def save_annotation(
        self,
        annotation: Annotation,
        *,
        expected_mtime_ns: int | None = None,
        expected: FileVersion | None = None,
        annotator: str | None = None,
    ) -> int:
        """Write ``annotation`` atomically and return the new file's mtime (ns); the version
        written is :meth:`version_of` the file afterwards.

        ``annotator`` defaults to ``annotation.annotator``; pass ``gold`` to write gold.
        Refuse (:class:`ConflictError`) when the file changed on disk since it was read:
        ``expected`` is the :class:`FileVersion` read or last written, compared by content
        (see :meth:`save_annotation_version`). ``expected_mtime_ns`` names that version by
        its mtime (:data:`ABSENT`: there was no file): when this Corpus last read or wrote
        the file with that mtime, its content decides too; otherwise the mtime alone.
        """
        want: FileVersion | int | None = expected if expected is not None else expected_mtime_ns
        if isinstance(want, int) and want != ABSENT:
            seen = self._seen.get(self.annotation_path(annotator or annotation.annotator, annotation.doc_id))
            if seen is not None and seen.mtime_ns == want:
                want = seen
        return self.save_annotation_version(annotation, expected=want, annotator=annotator).mtime_ns

    def save_annotation_version(
        self,
        annotation: Annotation,
        *,
        expected: FileVersion | int | None = None,
        annotator: str | None = None,
    ) -> FileVersion:
        """Write ``annotation`` atomically and return the version written.

        ``expected``: the version the caller read or last wrote (a :class:`FileVersion`
        from :meth:`load_annotation` or from this method); the save is refused
        (:class:`ConflictError`) when the file on disk holds other bytes, whatever its
        times say. :data:`ABSENT`: refused when a file exists. A bare int: an mtime,
        compared as such. None: no check. The check and the rename happen under the
        folder's save lock, so two processes cannot both pass the check. A file that
        failed to load is never overwritten. When this process holds the annotator's
        lock, it is checked (and taken again if the folder was moved away).
        """
        prepared = self.prepare_save(annotation, expected=expected, annotator=annotator)
        version = self.write_prepared(prepared)
        self.remember_version(prepared.path, version)
        return version

    def prepare_save(
        self,
        annotation: Annotation,
        *,
        expected: FileVersion | int | None = None,
        annotator: str | None = None,
    ) -> PreparedSave:
        """The first half of :meth:`save_annotation_version`, in the thread that owns
        ``annotation``: its bytes (a snapshot: later edits do not change them) and the checks
        that read this Corpus's state. :meth:`write_prepared` does the rest, in any thread."""
        name = annotator or annotation.annotator
        path = self.annotation_path(name, annotation.doc_id)
        if path in self._broken:
            raise CorpusError(path, "this file failed to load; fix or move it before saving over it")
        try:
            annotation.check_fields()
        except ValidationError as exc:
            problems = "; ".join(p.message for p in pydantic_problems(exc))
            raise CorpusError(path, f"not saved: {problems}") from exc
        data = annotation.to_json_bytes()
        held = _HELD.get(os.path.abspath(path.parent))
        if held is not None:
            held.ensure_held()
        return PreparedSave(path, data, expected)

    def write_prepared(self, prepared: PreparedSave) -> FileVersion:
        """Write a :meth:`prepare_save` snapshot atomically, refused (:class:`ConflictError`)
        when the file is no longer ``prepared.expected``; the version written. Touches no
        state of this Corpus, so it may run in another thread (the app's autosave does):
        the caller passes the result to :meth:`remember_version` in its own thread."""
        path, data, expected = prepared
        sha256 = hashlib.sha256(data).hexdigest()
        folder = path.parent
        folder.mkdir(parents=True, exist_ok=True)
        with save_lock(folder):
            if expected is not None:
                self._check_unchanged(path, expected)
            atomic_write_bytes(path, data)
            # Under the lock, the file at ``path`` is still the one just written.
            st = os.stat(path)
        return FileVersion.of(data, st, sha256)

    def remember_version(self, path: Path, version: FileVersion) -> None:
        """Note ``version`` as what this Corpus last wrote to ``path`` (conflict checks)."""
        self._remember(path, version)

    def _check_unchanged(self, path: Path, expected: FileVersion | int) -> None:
        if isinstance(expected, FileVersion):
            if changed_since(path, expected):
                raise ConflictError(path, "changed on disk since it was opened; not overwritten")
            return
        try:
            current: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            current = None
        if expected == ABSENT:
            if current is not None:
                raise ConflictError(path, "was created on disk by someone else; not overwritten")
            return
        if current is None or current.st_mtime_ns != expected:
            raise ConflictError(path, "changed on disk since it was opened; not overwritten")

    def version_of(self, path: Path) -> FileVersion | None:
        """The version of ``path`` this Corpus last read or wrote (None: none remembered)."""
        return self._seen.get(path)

    def _remember(self, path: Path, version: FileVersion) -> None:
        seen = self._seen
        seen.pop(path, None)
        seen[path] = version
        if len(seen) > _SEEN_MAX:
            del seen[next(iter(seen))]  # the least recently read or written

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


#: Above this many bytes, the names of ``documents/`` are sorted in Python, not in one
#: numpy array (whose every row is as wide as the longest name, up to 255 bytes).
_SORT_ARRAY_MAX = 64 << 20


def _meta_ids(names: list[bytes]) -> list[str]:
    """The sorted ids of the ``DOC_ID.meta.json`` among a folder's file names."""
    suffix = os.fsencode(META_SUFFIX)
    n = len(suffix)
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    width = max(map(len, names), default=0)
    if names and len(names) * width <= _SORT_ARRAY_MAX:
        import numpy as np  # the CLI and the app load it anyway (assignments, agreement)

        # Filtered and sorted in one contiguous array: sorting 100,000 Python strings
        # scattered in memory costs twice as much. Byte order is code point order for
        # UTF-8, save names that are not UTF-8 (decoded to surrogates): the final sort
        # puts those right, and costs one pass over a list already in order.
        # The width given: numpy need not measure 200,000 names again (a fifth of the listing).
        array = np.array(names, dtype=f"S{width}")
        array = array[np.strings.endswith(array, suffix)]
        array.sort()
        if encoding == "utf-8":
            # Decoded in one piece: each name ends in "/" (never in a file name), the padding
            # NULs (never in one either) go, and "ID.meta.json/" splits the ids apart. Bytes
            # that are not UTF-8 become the same surrogates as name by name: "/" is ASCII, so
            # no sequence runs across it. About 12 ms saved on 100,000 documents.
            joined = np.strings.add(array, b"/").tobytes().replace(b"\0", b"")
            ids = joined.decode(encoding, errors).split(META_SUFFIX + "/")
            ids.pop()  # after the last name's "/"
            ids.sort()
            return ids
        names = array.tolist()
    else:
        names = [name for name in names if name.endswith(suffix)]
    ids = [name[:-n].decode(encoding, errors) for name in names]
    ids.sort()
    return ids


def _decode_text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8 at byte {exc.start}") from exc


def _checked(name: str, what: str = "document id") -> str:
    if not is_valid_name(name):
        raise CorpusError(name, f"not a valid {what} (letters, digits, '.', '_', '-'; up to 128)")
    return name
