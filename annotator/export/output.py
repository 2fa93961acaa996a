"""Writing an export folder so that it appears whole or not at all.

Everything is written into a hidden staging folder beside ``--out``
(``.OUT.RANDOM.partial``), which is renamed to ``--out`` at the end. An existing non-empty
``--out`` is replaced only with ``force`` and only when it is a previous export, and then only
once the new export is complete (the old one is renamed aside into ``.OUT.RANDOM.old``, then
removed). ``--out`` itself goes through :func:`annotator.outputs.check_output_path`.

The staging and aside folders hold a small ``.owner`` file (pid, host, the ``--out`` they are
for). A process killed meanwhile leaves them behind; the next export to the same ``--out`` on
the same host removes those whose process is gone, and puts back a previous export that was
set aside and never replaced (ADR 12).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import secrets
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.corpus import fsync_dir
from annotator.export.manifest import MANIFEST_NAME, ExportManifest
from annotator.model import utc_now
from annotator.outputs import check_output_path, name_the_output

#: Inside a staging or aside folder: who made it, so that leftovers can be told from work.
OWNER_NAME = ".owner"
#: What ``manifest.json`` says made an export.
TOOL = ExportManifest.model_fields["tool"].default


@dataclass(frozen=True, slots=True)
class FileInfo:
    sha256: str
    bytes: int

    def to_json(self) -> dict[str, str | int]:
        return {"sha256": self.sha256, "bytes": self.bytes}


#: fdatasync where the system has it (Linux): the file's data without its times.
_sync_data = getattr(os, "fdatasync", os.fsync)


class HashingFile:
    """A binary file that keeps the sha256 and size of what was written, and fsyncs on close.

    Writes are gathered into chunks of a few MB, and a background thread joins, writes,
    syncs and hashes each chunk. All three release the GIL, so on a machine with a spare core the
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
                self._handle.flush()
                # Flushed to disk chunk by chunk, while the producer is still busy: the
                # disk's work then overlaps with the records', and the fsync of close()
                # has only the last chunk left to wait for (a quarter of a second at the
                # end of a 140 MB export otherwise, measured in bench_export.py).
                _sync_data(self._handle.fileno())
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


def previous_export_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a previous export that ``--force`` may replace (None: it is one).

    A previous export has an export ``manifest.json`` and nothing the manifest does not
    account for: a file someone added to it would be lost with it.
    """
    try:
        manifest = orjson.loads((folder / MANIFEST_NAME).read_bytes())
    except FileNotFoundError:
        return f"it is not a previous export (no {MANIFEST_NAME}); --force replaces only those"
    except (OSError, orjson.JSONDecodeError) as exc:
        return f"it is not a previous export ({MANIFEST_NAME} cannot be read: {exc})"
    if (
        not isinstance(manifest, dict)
        or manifest.get("tool") != TOOL
        or not isinstance(manifest.get("files"), dict)
    ):
        return f"it is not a previous export ({MANIFEST_NAME} is not an export manifest)"
    splits = manifest.get("splits")
    known = {
        MANIFEST_NAME,
        *(str(name).split("/")[0] for name in manifest["files"]),
        *(splits if isinstance(splits, dict) else ()),  # empty split folders (text format)
    }
    strangers = sorted(p.name for p in folder.iterdir() if p.name not in known)
    if strangers:
        more = f" and {len(strangers) - 3} more" if len(strangers) > 3 else ""
        return (
            f"it holds {', '.join(strangers[:3])}{more}, which the previous export did not "
            "write; move it away first"
        )
    return None


def check_output(out: Path, force: bool, corpus_root: Path | None = None) -> Path:
    """The export's use of the one output check; returns the real path of ``out``."""
    return check_output_path(
        out,
        corpus_root,
        kind="folder",
        replace=force,
        foreign=previous_export_problem,
        replace_hint="use --force to replace a previous export",
    )


@contextlib.contextmanager
def staged_folder(out: Path, force: bool, corpus_root: Path | None = None) -> Iterator[Path]:
    """A staging folder that becomes ``out`` when the block ends without an error.

    An ``OSError`` names ``out`` (or the file in it), not the hidden staging folder.
    """
    real = check_output(out, force, corpus_root)
    if remove_leftovers(real):  # a previous export came back: check again
        real = check_output(out, force, corpus_root)
    staging = _aside_path(real, "partial")
    created = False
    try:
        _make_aside(staging, real)
        created = True
        yield staging
        _publish(staging, real, out, force, corpus_root)
    except OSError as exc:
        if created:
            shutil.rmtree(staging, ignore_errors=True)
        raise name_the_output(exc, staging, out) from exc
    except BaseException:
        if created:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _aside_path(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{secrets.token_hex(6)}.{kind}"


def _make_aside(folder: Path, out: Path) -> None:
    # os.mkdir with 0o777, not tempfile.mkdtemp (0o700): the folder becomes the published
    # export, which must get the modes the user's umask gives, like any mkdir.
    os.mkdir(folder, 0o777)
    try:
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_now(), "out": str(out)}
        (folder / OWNER_NAME).write_bytes(orjson.dumps(owner))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _publish(staging: Path, out: Path, given: Path, force: bool, corpus_root: Path | None) -> None:
    # Checked again: another process may have filled ``out`` while we exported.
    check_output(given, force, corpus_root)
    # Not part of the export. (Killed right after this, the staging folder has no owner and
    # stays: a narrow window, against an owner file published with every export.)
    (staging / OWNER_NAME).unlink()
    old: Path | None = None
    if out.is_dir():
        if any(out.iterdir()):
            old = _aside_path(out, "old")
            _make_aside(old, out)
            try:
                os.replace(out, old / "previous")
            except BaseException:
                shutil.rmtree(old, ignore_errors=True)
                raise
        else:
            out.rmdir()
    try:
        os.replace(staging, out)
    except BaseException:
        if old is not None:  # put the previous export back
            os.replace(old / "previous", out)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    fsync_dir(out.parent)


def _read_owner(folder: Path) -> dict[str, Any] | None:
    try:
        owner = orjson.loads((folder / OWNER_NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return owner if isinstance(owner, dict) else None


def _process_gone(owner: dict[str, Any]) -> bool:
    """True only when the owner ran on this host and its process no longer exists."""
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False  # another machine's (a shared folder), or not ours to judge
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: alive, another user's
        return False
    return False


def remove_leftovers(out: Path) -> bool:
    """Remove the staging and aside folders of dead exports to ``out`` (a real path).

    A previous export that a dead process had set aside, and whose place is still empty,
    is put back. Returns True when that happened. Folders without a readable owner (made by
    an older version, or by another host) are left alone.
    """
    restored = False
    prefix = f".{out.name}."
    try:
        entries = [e.name for e in os.scandir(out.parent)]
    except OSError:
        return False
    for name in entries:
        if not name.startswith(prefix) or not name.endswith((".partial", ".old")):
            continue
        folder = out.parent / name
        owner = _read_owner(folder)
        if owner is None or owner.get("out") != str(out) or not _process_gone(owner):
            continue
        previous = folder / "previous"
        if name.endswith(".old") and previous.is_dir() and not os.path.lexists(out):
            os.replace(previous, out)
            restored = True
        shutil.rmtree(folder, ignore_errors=True)
    return restored
