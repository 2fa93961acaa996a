"""Document ids from file names and jsonl ids: always safe, never a path.

Rule (a contract, see the README): the file stem without .txt/.html/.htm/.jsonl (and .gz);
characters outside ``[A-Za-z0-9._-]`` become ``-``; runs of ``-`` are squeezed; leading
non-alphanumerics are stripped; cut to 120 characters; an empty result becomes
``doc-`` + the first 12 hex digits of the text's sha256; an id already taken gets ``-2``,
``-3``... The result always matches ``model.NAME_PATTERN``, so it can never leave
``documents/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from annotator.model import is_valid_name

MAX_STEM = 120
#: Suffixes stripped from a file name to make its id, longest first.
KNOWN_SUFFIXES = (
    ".html.gz",
    ".htm.gz",
    ".txt.gz",
    ".jsonl.gz",
    ".json.gz",
    ".html",
    ".htm",
    ".txt",
    ".jsonl",
    ".json",
    ".ann",
)
_OUTSIDE = re.compile(r"[^A-Za-z0-9._-]")
_DASHES = re.compile(r"-{2,}")
_LEADING = re.compile(r"^[^A-Za-z0-9]+")
#: Names Windows reserves for devices, whatever the extension ("con.txt" cannot be created).
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def file_stem(path: Path | str) -> str:
    """The file name without its import suffix (case-insensitive)."""
    name = Path(path).name
    low = name.lower()
    for suffix in KNOWN_SUFFIXES:
        if low.endswith(suffix):
            return name[: -len(suffix)]
    return Path(name).stem


def sanitise_id(name: str) -> str:
    """``name`` made safe as a document id, or "" when nothing usable is left."""
    safe = _OUTSIDE.sub("-", name)
    safe = _DASHES.sub("-", safe)
    safe = _LEADING.sub("", safe)
    return safe[:MAX_STEM]


class IdAllocator:
    """Hands out unique ids. Comparison ignores case: on macOS and Windows "Doc" and "doc"
    are the same file."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = {name.lower() for name in taken}

    def is_taken(self, doc_id: str) -> bool:
        low = doc_id.lower()
        return low in self._taken or low.split(".")[0] in _WINDOWS_DEVICES

    def allocate(self, wanted: str, text_sha256: str) -> str:
        base = sanitise_id(wanted) or f"doc-{text_sha256[:12]}"
        if "." in base and base.split(".")[0].lower() in _WINDOWS_DEVICES:
            base = base.replace(".", "-", 1)  # "con.x-2" would still be a device name
        doc_id = base
        n = 2
        while self.is_taken(doc_id):
            doc_id = f"{base}-{n}"
            n += 1
        assert is_valid_name(doc_id), doc_id  # guaranteed by sanitise_id; a path never leaks
        self._taken.add(doc_id.lower())
        return doc_id
