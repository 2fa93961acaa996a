"""What every format writer does: take records one by one, then say which files it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from annotator.export.output import FileInfo, HashingFile

#: File stem used when the export has no splits.
NO_SPLIT = "data"


class Writer:
    """Base of the format writers. Paths in the result are relative to the export folder."""

    name = ""
    suffix = ""

    def __init__(self, folder: Path, split_names: list[str]) -> None:
        self.folder = folder
        self.split_names = split_names or [NO_SPLIT]
        self.files: dict[str, FileInfo] = {}

    def stem(self, split: str | None) -> str:
        return split or NO_SPLIT

    def write(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def write_serialized(self, line: bytes, split: str | None) -> None:
        """Write a record spooled as a JSON line (its ``split`` still null)."""
        record = orjson.loads(line)
        record["split"] = split
        self.write(record)

    def close(self) -> dict[str, FileInfo]:
        return self.files

    def abort(self) -> None:
        """Called on an error; the staging folder is removed afterwards anyway."""


class PerSplitFileWriter(Writer):
    """One file per split (``train.jsonl``, ``dev.jsonl``, ...), all created up front so that
    training code finds every split it asked for, even an empty one."""

    def __init__(self, folder: Path, split_names: list[str]) -> None:
        super().__init__(folder, split_names)
        self.handles: dict[str, HashingFile] = {
            name: HashingFile(folder / f"{name}{self.suffix}") for name in self.split_names
        }

    def handle(self, record: dict[str, Any]) -> HashingFile:
        return self.handles[self.stem(record["split"])]

    def close(self) -> dict[str, FileInfo]:
        for name, handle in self.handles.items():
            self.files[f"{name}{self.suffix}"] = handle.close()
        return self.files

    def abort(self) -> None:
        for handle in self.handles.values():
            handle.abort()
