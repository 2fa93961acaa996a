"""Writing an export folder so that it appears whole or not at all.

Everything is written into a hidden staging folder beside ``--out``, which is renamed to
``--out`` at the end. An existing non-empty ``--out`` is replaced only with ``force``, and
then only once the new export is complete (the old one is renamed aside, then removed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class OutputError(Exception):
    """The output folder cannot be used (exists and is not empty, is a file, ...)."""


@dataclass(frozen=True, slots=True)
class FileInfo:
    sha256: str
    bytes: int

    def to_json(self) -> dict[str, str | int]:
        return {"sha256": self.sha256, "bytes": self.bytes}


class HashingFile:
    """A binary file that keeps the sha256 and size of what was written, and fsyncs on close."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("wb")
        self._sha = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes) -> None:
        self._handle.write(data)
        self._sha.update(data)
        self._size += len(data)

    def close(self) -> FileInfo:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        return FileInfo(self._sha.hexdigest(), self._size)

    def abort(self) -> None:
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
    _fsync_dir(out.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
