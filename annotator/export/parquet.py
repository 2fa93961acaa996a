"""``parquet``: the jsonl records as a table per split (pyarrow, optional extra ``parquet``).

The columns are the record's keys with a fixed schema (so that a split where every title
is missing still has a struct column, not a null one). Two differences from jsonl:

- span and part ``attrs`` are JSON text (``'{"authors": ["심지혜"]}'``), because their
  values mix strings and lists of strings, which a parquet column cannot hold;
- ``doc_labels`` is JSON text too (``'{"page_type": "article"}'``): an Arrow map has no
  Hugging Face ``datasets`` equivalent (``load_dataset("parquet")`` fails on it), and a
  struct would need one field per document label of the scheme, which a scheme without
  document labels cannot give (parquet holds no struct without fields).

A split without documents gets no file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from annotator.export.base import Writer
from annotator.export.output import FileInfo, hash_file

PYARROW_HINT = "the parquet format needs pyarrow: pip install 'article-annotator[parquet]'"
BATCH = 512


class PyarrowMissingError(RuntimeError):
    """pyarrow is not installed."""


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise PyarrowMissingError(PYARROW_HINT) from exc
    return pa, pq


def arrow_schema() -> Any:
    pa, _ = _pyarrow()
    part = pa.struct(
        [
            ("span_id", pa.string()),
            ("label", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("attrs", pa.string()),
            ("clean_start", pa.int64()),
            ("clean_end", pa.int64()),
        ]
    )
    span = pa.struct(
        [
            ("id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("label", pa.string()),
            ("text", pa.string()),
            ("attrs", pa.string()),
        ]
    )
    article = pa.struct(
        [
            ("span_id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("role", pa.string()),
            ("title", part),
            ("subtitle", part),
            ("byline", part),
            ("date", part),
            ("clean_text", pa.string()),
            ("body", pa.string()),
            ("clean_map", pa.list_(pa.list_(pa.int64(), 3))),
            ("entities", pa.list_(part)),
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("url", pa.string()),
            ("text", pa.string()),
            ("status", pa.string()),
            ("annotator", pa.string()),
            ("doc_labels", pa.string()),
            ("spans", pa.list_(span)),
            ("articles", pa.list_(article)),
            ("split", pa.string()),
        ]
    )


def _json(attrs: dict[str, Any]) -> str:
    return orjson.dumps(attrs).decode()


def _part(part: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if part is None else {**part, "attrs": _json(part["attrs"])}


def to_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record with its ``attrs`` and ``doc_labels`` as JSON text."""
    return {
        **record,
        "doc_labels": _json(record["doc_labels"]),
        "spans": [{**s, "attrs": _json(s["attrs"])} for s in record["spans"]],
        "articles": [
            {
                **a,
                "title": _part(a["title"]),
                "subtitle": _part(a["subtitle"]),
                "byline": _part(a["byline"]),
                "date": _part(a["date"]),
                "entities": [_part(e) for e in a["entities"]],
            }
            for a in record["articles"]
        ],
    }


class ParquetWriter(Writer):
    name = "parquet"
    suffix = ".parquet"

    def __init__(self, folder: Path, split_names: list[str]) -> None:
        super().__init__(folder, split_names)
        self.pa, self.pq = _pyarrow()
        self.schema = arrow_schema()
        # Opened with a split's first rows: an empty split gets no file.
        self.writers: dict[str, Any] = {}
        self.pending: dict[str, list[dict[str, Any]]] = {name: [] for name in self.split_names}

    def write(self, record: dict[str, Any]) -> None:
        name = self.stem(record["split"])
        rows = self.pending[name]
        rows.append(to_row(record))
        if len(rows) >= BATCH:
            self._flush(name)

    def _flush(self, name: str) -> None:
        rows = self.pending[name]
        if rows:
            writer = self.writers.get(name)
            if writer is None:
                path = str(self.folder / f"{name}{self.suffix}")
                writer = self.writers[name] = self.pq.ParquetWriter(path, self.schema)
            writer.write_table(self.pa.Table.from_pylist(rows, schema=self.schema))
            rows.clear()

    def close(self) -> dict[str, FileInfo]:
        for name in self.split_names:
            self._flush(name)
            writer = self.writers.get(name)
            if writer is None:
                continue
            writer.close()
            self.files[f"{name}{self.suffix}"] = hash_file(self.folder / f"{name}{self.suffix}")
        return self.files

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.close()
