"""``jsonl``: one :class:`~annotator.export.records.ExportRecord` per line, UTF-8."""

from __future__ import annotations

from typing import Any

import orjson

from annotator.export.base import PerSplitFileWriter

#: How every serialized record ends: ``split`` is its last key (see records.build_record).
NULL_SPLIT_TAIL = b'"split":null}\n'


class JsonlWriter(PerSplitFileWriter):
    name = "jsonl"
    suffix = ".jsonl"

    def write(self, record: dict[str, Any]) -> None:
        self.handle(record).write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))

    def write_serialized(self, line: bytes, split: str | None) -> None:
        # The spooled line is already the record: only its last key changes. Patching the
        # bytes spares a parse and a dump per document.
        handle = self.handle_of(self.stem(split))
        if split is None:
            handle.write(line)
            return
        if not line.endswith(NULL_SPLIT_TAIL):
            raise ValueError("a spooled record does not end with its split")
        # The record without its tail (a view: no copy of the tens of kB), then the new tail.
        handle.write(memoryview(line)[: -len(NULL_SPLIT_TAIL)])
        handle.write(b'"split":%s}\n' % orjson.dumps(split))
