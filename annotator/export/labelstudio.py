"""``label-studio``: a JSON list of tasks per split, importable into Label Studio as it is.

Each task follows Label Studio's documented task format (``data``, ``annotations`` or
``predictions``, each with its ``result`` regions)::

    {"data": {"text": ..., "doc_id": "seed", "url": ...},
     "annotations": [{"result": [
        {"id": "s9", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 120, "end": 124, "text": "LG전자", "labels": ["ORG"]}},
        {"id": "page_type", "from_name": "page_type", "to_name": "text", "type": "choices",
         "value": {"choices": ["article"]}}],
       "ground_truth": true}]}

- Offsets are code points with the region's ``text``, what Label Studio's editor stores
  since its fix of offsets after emoji; an importer that counts UTF-16 units can check
  each region against its ``text``.
- ``--source suggestions`` writes ``predictions`` instead of ``annotations`` (pre-labels to
  review in Label Studio); gold is marked ``ground_truth``.
- No task ``id`` and no ``completed_by``: Label Studio gives its own task ids and counts the
  importing user as the annotator (a foreign user id would not exist there). The corpus id
  is kept in ``data.doc_id``.
- ``label-config.xml`` beside the tasks is the labelling configuration that matches them
  (``<Labels name="label">`` over ``<Text name="text">``, one ``<Choices>`` per document
  label): paste it into the project's settings before importing.
- Span attributes have no place in a ``labels`` region: they are left out and counted in
  the manifest's warnings.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from annotator.export.base import PerSplitFileWriter
from annotator.export.output import FileInfo, HashingFile, write_file
from annotator.model import GOLD, SUGGESTIONS, LabelScheme

CONFIG_NAME = "label-config.xml"
FROM_NAME = "label"
TO_NAME = "text"
MODEL_VERSION = "article-annotator suggestions"


def label_config(scheme: LabelScheme) -> str:
    """The Label Studio labelling configuration (XML) of ``scheme``."""
    lines = ["<View>", f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">']
    for layer in scheme.layers:
        for label in layer.labels:
            lines.append(f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>")
    lines.append("  </Labels>")
    lines.append(f'  <Text name="{TO_NAME}" value="$text"/>')
    for doc_label in scheme.doc_labels:
        lines.append(
            f'  <Choices name={quoteattr(doc_label.name)} toName="{TO_NAME}" choice="single">'
        )
        lines.extend(f"    <Choice value={quoteattr(value)}/>" for value in doc_label.values)
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


class LabelStudioWriter(PerSplitFileWriter):
    name = "label-studio"
    suffix = ".json"

    def __init__(self, folder: Any, split_names: list[str], scheme: LabelScheme, source: str) -> None:
        super().__init__(folder, split_names)
        self.scheme = scheme
        self.predictions = source == SUGGESTIONS
        self.gold = source == GOLD
        self.attrs_left_out = 0
        self._first: set[str] = set()

    def opened(self, handle: HashingFile) -> None:
        handle.write(b"[")

    def closing(self, handle: HashingFile) -> None:
        handle.write(b"\n]\n")

    def write(self, record: dict[str, Any]) -> None:
        result: list[dict[str, Any]] = []
        for span in record["spans"]:
            result.append(
                {
                    "id": span["id"],
                    "from_name": FROM_NAME,
                    "to_name": TO_NAME,
                    "type": "labels",
                    "value": {
                        "start": span["start"],
                        "end": span["end"],
                        "text": span["text"],
                        "labels": [span["label"]],
                    },
                }
            )
            if span["attrs"]:
                self.attrs_left_out += 1
        for name, value in record["doc_labels"].items():
            result.append(
                {
                    "id": f"doc-label-{name}",
                    "from_name": name,
                    "to_name": TO_NAME,
                    "type": "choices",
                    "value": {"choices": [value]},
                }
            )
        data = {"text": record["text"], "doc_id": record["id"], "url": record["url"]}
        task: dict[str, Any] = {"data": data}
        if self.predictions:
            task["predictions"] = [{"model_version": MODEL_VERSION, "result": result}]
        else:
            task["annotations"] = [{"result": result, "ground_truth": self.gold}]
        stem = self.stem(record["split"])
        handle = self.handle_of(stem)
        # A JSON list written as it goes: a comma before every task but the first.
        handle.write(b"\n" if stem not in self._first else b",\n")
        self._first.add(stem)
        handle.write(orjson.dumps(task))

    def close(self) -> dict[str, FileInfo]:
        files = super().close()
        files[CONFIG_NAME] = write_file(self.folder / CONFIG_NAME, label_config(self.scheme).encode())
        if self.attrs_left_out:
            self.warnings.append(
                "Label Studio's labels regions have no attributes: the attributes of "
                f"{self.attrs_left_out} span(s) were left out"
            )
        return files
