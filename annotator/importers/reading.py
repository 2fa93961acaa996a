"""Reading import inputs safely: regular files only, never more than the size limit.

Every input file is opened by :func:`open_regular`: ``stat`` (following links) must say a
regular file, so a FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket, a looping or
dangling link is refused with a message instead of blocking or reading forever; the file is
then opened with ``O_NONBLOCK`` and checked again with ``fstat``, so that a FIFO swapped in
after the check cannot block either. Documents are read and inflated through
:func:`read_document`, which stops at the limit plus one byte: a 9 MB gzip that inflates to
2 GB costs the limit in memory, not 2 GB.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

#: Default of ``--max-document-mb``: the largest document (bytes of text or HTML) import reads.
DEFAULT_MAX_DOCUMENT_MB = 50.0
MB = 1024 * 1024
_CHUNK = 1024 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class InputFileError(Exception):
    """An input file that cannot be read; the message (without the path) says why."""


class TooLargeError(InputFileError):
    """A document larger than the limit."""


def limit_message(limit_bytes: int) -> str:
    return f"larger than the limit of {limit_bytes / MB:g} MB (--max-document-mb)"


def is_gzip_name(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file ({kind})"


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a regular file (links followed), else an error."""
    try:
        reason = _not_regular(os.stat(path).st_mode)
    except OSError as exc:  # ELOOP (a link to itself), ENOENT (a dangling link), EACCES
        raise InputFileError(f"cannot read: {exc.strerror or exc}") from exc
    if reason is not None:
        raise InputFileError(reason)  # not even opened: opening a device can have effects
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}") from exc
    # Checked again on what was opened: the name may have been swapped since the stat.
    reason = _not_regular(os.fstat(fd).st_mode)
    if reason is not None:
        os.close(fd)
        raise InputFileError(reason)
    return os.fdopen(fd, "rb")


def read_document(path: Path, limit: int) -> tuple[bytes, bytes | None]:
    """The document's bytes (inflated when ``path`` ends in ``.gz``) and, for a gzip file,
    its compressed bytes as they are. Reads at most ``limit + 1`` bytes of each.

    Raises :class:`TooLargeError` past ``limit`` and :class:`InputFileError` for anything
    unreadable (with the reason).
    """
    try:
        with open_regular(path) as handle:
            raw = handle.read(limit + 1)
            if len(raw) > limit:
                raise TooLargeError(limit_message(limit))
        if not is_gzip_name(path):
            return raw, None
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as inflating:
            data = inflating.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(limit_message(limit))
        return data, raw
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # BadGzipFile is an OSError
        raise InputFileError(f"not a valid gzip file: {exc}") from exc
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}") from exc


def open_stream(path: Path) -> BinaryIO:
    """A regular file opened for streaming (inflated on the fly when it ends in ``.gz``)."""
    handle = open_regular(path)
    if is_gzip_name(path):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def read_line(handle: BinaryIO, limit: int) -> bytes | None:
    """The next line (with its newline) or None at the end; never holds more than ``limit``.

    A longer line is read on to its end without being kept, then :class:`TooLargeError`
    is raised, so the caller can go on with the next line.
    """
    # limit + 2: the line's end (LF or CRLF) does not count against the limit.
    line = handle.readline(limit + 2)
    if not line:
        return None
    if len(line.rstrip(b"\r\n")) <= limit:
        return line
    while not line.endswith(b"\n"):  # the rest of the line, in bounded pieces, not kept
        line = handle.readline(_CHUNK)
        if not line:
            break
    raise TooLargeError(limit_message(limit))


def count_lines(path: Path) -> int:
    """Lines of a (possibly gzip) file, counted in fixed-size pieces; 1 when unreadable."""
    try:
        with open_stream(path) as handle:
            count = 0
            last = b"\n"
            while chunk := handle.read(_CHUNK):
                count += chunk.count(b"\n")
                last = chunk[-1:]
            return max(1, count + (last != b"\n"))
    except (InputFileError, OSError, EOFError, zlib.error):
        return 1
