"""Writing an export folder so that it appears whole or not at all.

Everything is written into a hidden staging folder beside ``--out``, which is renamed to
``--out`` at the end. An existing non-empty ``--out`` is replaced only with ``force``, and
then only once the new export is complete (the old one is renamed aside, then removed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus import fsync_dir


class OutputError(Exception):
    """The output folder cannot be used (exists and is not empty, is a file, ...)."""


@dataclass(frozen=True, slots=True)
class FileInfo:
    sha256: str
    bytes: int

    def to_json(self) -> dict[str, str | int]:
        return {"sha256": self.sha256, "bytes": self.bytes}


class HashingFile:
    """A binary file that keeps the sha256 and size of what was written, and fsyncs on close.

    Writes are gathered into chunks of a few MB, and a background thread joins, writes and
    hashes each chunk. All three release the GIL, so on a machine with a spare core the
    output's copying, I/O and hashing overlap with the Python work that produces the
    records instead of adding to it. The file's bytes are the same either way.
    """

    #: Bytes gathered before a chunk goes to the writing thread.
    chunk_size = 4 << 20

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("wb")
        self._sha = hashlib.sha256()
        self._size = 0
        self._pending: list[bytes | memoryview] = []
        self._pending_size = 0
        # Started with the first full chunk: small files never start one.
        self._queue: queue.Queue[list[bytes | memoryview] | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, data: bytes | memoryview) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        self._size += len(data)
        if self._pending_size >= self.chunk_size:
            self._send()

    def _send(self) -> None:
        # The pieces themselves go to the thread, which joins them: bytes.join lets go of
        # the GIL while it copies megabytes, so the copy overlaps too.
        chunk = self._pending
        self._pending = []
        self._pending_size = 0
        if self._error is not None:
            raise self._error
        if self._thread is None:
            # Two chunks in flight at most: a slow disk holds the producer back instead of
            # filling the memory.
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(
                target=self._write_chunks, name=f"write {self.path.name}", daemon=True
            )
            self._thread.start()
        assert self._queue is not None
        self._queue.put(chunk)

    def _write_chunks(self) -> None:
        assert self._queue is not None
        while (pieces := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep taking chunks so that the producer never blocks forever
            try:
                chunk = b"".join(pieces)
                self._handle.write(chunk)
                self._sha.update(chunk)
            except BaseException as exc:  # handed to the producer on its next write or close
                self._error = exc

    def _stop_thread(self) -> None:
        if self._thread is not None:
            assert self._queue is not None
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def close(self) -> FileInfo:
        chunk = b"".join(self._pending)
        self._pending = []
        self._stop_thread()
        if self._error is not None:
            self._handle.close()
            raise self._error
        self._handle.write(chunk)
        self._sha.update(chunk)
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        return FileInfo(self._sha.hexdigest(), self._size)

    def abort(self) -> None:
        self._pending = []
        self._stop_thread()
        self._handle.close()


def write_file(path: Path, data: bytes) -> FileInfo:
    handle = HashingFile(path)
    handle.write(data)
    return handle.close()


def hash_file(path: Path) -> FileInfo:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return FileInfo(sha.hexdigest(), size)


def check_output(out: Path, force: bool) -> None:
    """Refuse an ``out`` that is a file, or a non-empty folder without ``force``."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"{out}: folder exists and is not empty; use --force to replace it")
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: no such folder")


@contextlib.contextmanager
def staged_folder(out: Path, force: bool) -> Iterator[Path]:
    """A staging folder that becomes ``out`` when the block ends without an error."""
    out = out.absolute()
    check_output(out, force)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield staging
        _publish(staging, out, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _publish(staging: Path, out: Path, force: bool) -> None:
    # Checked again: another process may have filled ``out`` while we exported.
    check_output(out, force)
    old: Path | None = None
    if out.is_dir():
        if any(out.iterdir()):
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / "previous")
        else:
            out.rmdir()
    try:
        os.replace(staging, out)
    except BaseException:
        if old is not None:  # put the previous export back
            os.replace(old / "previous", out)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    fsync_dir(out.parent)
