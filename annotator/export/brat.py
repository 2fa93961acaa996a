"""``brat``: brat standoff, ``SPLIT/DOC_ID.txt`` and ``SPLIT/DOC_ID.ann`` per document.

- ``.txt``: the document text exactly, UTF-8 (LF line ends), so brat's offsets (code
  points, brat on Python 3) are the corpus offsets.
- ``.ann``: one ``T`` line per span, ``T3<TAB>ORG 120 124<TAB>LG전자``, in text order. A span
  over a line break stays one continuous span; the ``.ann`` line cannot hold the break, so
  its text field shows each run of whitespace as one space, as brat does.
- ``A`` lines for the attributes whose scheme type is ``choice`` (``A1<TAB>role T1 main``);
  the other attributes (text, list, date, e-mail: free values that an ``A`` line cannot
  carry) are left out and counted in the manifest's warnings.
- ``annotation.conf`` at the top of the export declares every label as an entity type,
  the choice attributes with their values, and allows spans to overlap and nest
  (``<OVERLAP>``): an article holds its title and entities.
- Document labels have no brat equivalent: left out and counted in the warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.export.base import Writer
from annotator.export.output import FileInfo, write_file
from annotator.model import LabelScheme

CONF_NAME = "annotation.conf"


def choice_attributes(scheme: LabelScheme) -> dict[str, tuple[list[str], list[str]]]:
    """Attribute name -> (labels that have it as a choice, its values), in scheme order."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for layer in scheme.layers:
        for label in layer.labels:
            for attr in label.attrs:
                if attr.type != "choice" or not attr.values:
                    continue
                labels, values = found.setdefault(attr.name, ([], []))
                labels.append(label.name)
                values.extend(v for v in attr.values if v not in values and _plain(v))
    return found


def _plain(value: str) -> bool:
    """A value an ``A`` line can carry: no whitespace, no ``|`` or ``,`` of the conf syntax."""
    return bool(value) and not any(c.isspace() or c in "|," for c in value)


def annotation_conf(scheme: LabelScheme) -> str:
    lines = ["[entities]"]
    lines.extend(label.name for layer in scheme.layers for label in layer.labels)
    lines += ["", "[relations]", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]
    lines += ["", "[events]", "", "[attributes]"]
    for name, (labels, values) in choice_attributes(scheme).items():
        lines.append(f"{name}\tArg:{'|'.join(labels)}, Value:{'|'.join(values)}")
    return "\n".join(lines) + "\n"


class BratWriter(Writer):
    name = "brat"
    suffix = ".ann"

    def __init__(self, folder: Path, split_names: list[str], scheme: LabelScheme) -> None:
        super().__init__(folder, split_names)
        self.scheme = scheme
        self.choices = {
            (label.name, attr.name)
            for layer in scheme.layers
            for label in layer.labels
            for attr in label.attrs
            if attr.type == "choice"
        }
        self.attrs_left_out = 0
        self.doc_labels_left_out = 0

    def write(self, record: dict[str, Any]) -> None:
        stem = f"{self.stem(record['split'])}/{record['id']}"
        lines: list[str] = []
        attr_lines: list[str] = []
        for n, span in enumerate(record["spans"], start=1):
            shown = " ".join(span["text"].split())
            lines.append(f"T{n}\t{span['label']} {span['start']} {span['end']}\t{shown}")
            for name, value in span["attrs"].items():
                if (span["label"], name) in self.choices and isinstance(value, str) and _plain(value):
                    attr_lines.append(f"A{len(attr_lines) + 1}\t{name} T{n} {value}")
                else:
                    self.attrs_left_out += 1
        self.doc_labels_left_out += len(record["doc_labels"])
        ann = "".join(f"{line}\n" for line in (*lines, *attr_lines))
        self.files[f"{stem}.txt"] = write_file(self.folder / f"{stem}.txt", record["text"].encode())
        self.files[f"{stem}.ann"] = write_file(self.folder / f"{stem}.ann", ann.encode())

    def close(self) -> dict[str, FileInfo]:
        self.files[CONF_NAME] = write_file(
            self.folder / CONF_NAME, annotation_conf(self.scheme).encode()
        )
        if self.attrs_left_out:
            self.warnings.append(
                f"brat A lines carry choice attributes only: {self.attrs_left_out} other "
                "attribute value(s) were left out"
            )
        if self.doc_labels_left_out:
            self.warnings.append(
                f"brat has no document labels: {self.doc_labels_left_out} were left out"
            )
        return self.files
