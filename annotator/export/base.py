"""What every format writer does: take records one by one, then say which files it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from annotator.export.output import FileInfo, HashingFile

#: File stem used when the export has no splits.
NO_SPLIT = "data"


class Writer:
    """Base of the format writers. Paths in the result are relative to the export folder.

    A split that receives no document gets no file (an empty file breaks loaders such as
    Hugging Face ``datasets``); the manifest still lists it with 0 documents.
    """

    name = ""
    suffix = ""

    def __init__(self, folder: Path, split_names: list[str]) -> None:
        self.folder = folder
        self.split_names = split_names or [NO_SPLIT]
        self.files: dict[str, FileInfo] = {}
        #: What the format could not carry (attributes, spans), said in the manifest.
        self.warnings: list[str] = []

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
    """One file per split (``train.jsonl``, ``dev.jsonl``, ...), opened with the split's
    first record, so that a split without documents leaves no empty file behind."""

    def __init__(self, folder: Path, split_names: list[str]) -> None:
        super().__init__(folder, split_names)
        self.handles: dict[str, HashingFile] = {}

    def handle_of(self, stem: str) -> HashingFile:
        handle = self.handles.get(stem)
        if handle is None:
            handle = self.handles[stem] = HashingFile(self.folder / f"{stem}{self.suffix}")
            self.opened(handle)
        return handle

    def opened(self, handle: HashingFile) -> None:
        """Called once per file when it is created (a format's header goes here)."""

    def closing(self, handle: HashingFile) -> None:
        """Called once per file before it is closed (a format's footer goes here)."""

    def handle(self, record: dict[str, Any]) -> HashingFile:
        return self.handle_of(self.stem(record["split"]))

    def close(self) -> dict[str, FileInfo]:
        # In split order, so that the manifest's files read like the splits asked for.
        for name in self.split_names:
            handle = self.handles.get(name)
            if handle is not None:
                self.closing(handle)
                self.files[f"{name}{self.suffix}"] = handle.close()
        return self.files

    def abort(self) -> None:
        for handle in self.handles.values():
            handle.abort()
