"""``doccano``: one JSON line per document, as doccano imports and exports them.

``{"id": DOC_ID, "text": ..., "label": [[start, end, "LABEL"], ..., "VALUE"], "url": ...}``

- Spans are ``[start, end, label]`` triples with half-open offsets in code points (Python
  ``str`` indices), what doccano's backend stores; every span of every layer is written.
- Document labels follow the triples in the same ``label`` list as plain strings, each the
  value (``"article"``): doccano's text-classification categories carry no name. A scheme
  where two document labels allow the same value cannot be told apart from the value alone;
  ``annotator import --label-map`` settles that on the way back.
- ``url`` (and any other key) is kept by doccano as the example's metadata.
- Span attributes have no place in doccano: they are left out and counted in the
  manifest's warnings.
"""

from __future__ import annotations

from typing import Any

import orjson

from annotator.export.base import PerSplitFileWriter
from annotator.export.output import FileInfo


class DoccanoWriter(PerSplitFileWriter):
    name = "doccano"
    suffix = ".jsonl"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attrs_left_out = 0

    def write(self, record: dict[str, Any]) -> None:
        labels: list[Any] = []
        for span in record["spans"]:
            labels.append([span["start"], span["end"], span["label"]])
            if span["attrs"]:
                self.attrs_left_out += 1
        labels.extend(record["doc_labels"].values())
        line = {"id": record["id"], "text": record["text"], "label": labels, "url": record["url"]}
        self.handle(record).write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> dict[str, FileInfo]:
        if self.attrs_left_out:
            self.warnings.append(
                f"doccano has no span attributes: the attributes of {self.attrs_left_out} "
                "span(s) were left out"
            )
        return super().close()
