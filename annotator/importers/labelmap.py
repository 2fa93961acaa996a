"""Mapping other tools' labels onto the corpus scheme (``--label-map FILE``).

The map is a JSON object from the tool's label to what it becomes in the corpus::

    {"PERSON": "PER", "GPE": "LOC", "positive": "page_type=article", "DATE": null}

- a span label of the scheme (``"PER"``);
- ``NAME=VALUE`` for a document label (doccano categories, Label Studio choices);
- ``null``: leave the label out on purpose; its spans are counted in the report.

A label the map does not name keeps its name when the scheme has it (a span label, or a
document label value that only one of the scheme's document labels allows, or a Label
Studio choice whose ``from_name`` is the document label). Any other label is *unknown*:
the import stops before writing anything, lists them, and writes a ready-to-edit map
(:func:`write_template`) with a guess where one is safe and ``""`` to fill in elsewhere.

Attributes (brat ``A`` lines) keep their name when the span's label in the scheme has an
attribute of that name (case ignored); a choice value is matched to one of its values
(case ignored). The others are left out and counted.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from annotator.corpus import CorpusError, read_json_file
from annotator.importers.foreign import AttrValue, ForeignDocument
from annotator.importers.jsonl import JsonlRecord
from annotator.model import SUGGESTIONS, LabelDef, LabelScheme
from annotator.outputs import OutputPathError, check_output_path

MapValue = str | None

#: Safe guesses for a ready-to-edit map: the names spaCy, OntoNotes and CoNLL use.
_GUESSES = {
    "PERSON": "PER",
    "PERS": "PER",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOCATION": "LOC",
    "GPE": "LOC",
}


class LabelMapError(ValueError):
    """A label map file that cannot be used; the message names the file (bad usage)."""


def unknown_labels_message(unknown: Counter[str], template: Path | None, scheme: LabelScheme, why_no_file: str = "") -> str:
    """One line: which labels are unknown, where the map to fill in is, what it may say."""
    listed = ", ".join(f"{label!r} ({count})" for label, count in sorted(unknown.items()))
    spans = ", ".join(label.name for label in scheme.labels())
    docs = ", ".join(f"{d.name}=VALUE" for d in scheme.doc_labels)
    where = (
        f"a label map to fill in was written to {template}; run again with --label-map {template}"
        if template is not None
        else f"no label map file could be written ({why_no_file}); write one and give it with --label-map FILE"
    )
    return (
        f"{len(unknown)} label(s) of the input are not in the corpus scheme: {listed}; nothing was imported; "
        f"{where} (map each to a span label: {spans}"
        + (f"; or to a document label: {docs}" if docs else "")
        + "; or to null to leave it out, counted)"
    )


def load_label_map(path: Path | str) -> dict[str, MapValue]:
    """The entries of a map file; :class:`LabelMapError` naming the file when unusable."""
    try:
        value = read_json_file(path)
    except CorpusError as exc:
        raise LabelMapError(f"{exc.path}: the label map: {exc.message}") from exc
    if not isinstance(value, dict):
        raise LabelMapError(f"{path}: the label map must be a JSON object {{\"THEIRS\": \"OURS\"}}, not {type(value).__name__}")
    for key, target in value.items():
        if target is not None and not isinstance(target, str):
            raise LabelMapError(f"{path}: {key!r} maps to {target!r}: give a label name, NAME=VALUE or null")
    return value


class LabelMapper:
    """Maps one import's labels onto ``scheme`` and builds the jsonl records."""

    def __init__(self, scheme: LabelScheme, entries: dict[str, MapValue] | None = None, path: Path | str | None = None) -> None:
        self.scheme = scheme
        self.entries = dict(entries or {})
        self.path = path
        # By name: one lookup per imported span (scheme.label walks every layer).
        self._label_defs = {label.name: label for label in scheme.labels()}
        self._span_labels = set(self._label_defs)
        self._doc_values = {d.name: set(d.values) for d in scheme.doc_labels}
        for key, target in self.entries.items():
            if target is None or target in self._span_labels or self._doc_target(target) is not None:
                continue
            hint = "fill it in" if target == "" else "it is not a label of the corpus scheme"
            raise LabelMapError(
                f"{path}: {key!r} maps to {target!r}: {hint} (span labels: {', '.join(sorted(self._span_labels))}"
                + (f"; document labels: {', '.join(f'{n}=VALUE' for n in self._doc_values)}" if self._doc_values else "")
                + "; or null to leave it out)"
            )

    def _doc_target(self, target: str) -> tuple[str, str] | None:
        name, sep, value = target.partition("=")
        if sep and value in self._doc_values.get(name, ()):
            return name, value
        return None

    # ---- resolving

    def span_label(self, label: str) -> tuple[bool, str | None]:
        """(known, the scheme label or None when mapped to null)."""
        if label in self.entries:
            target = self.entries[label]
            return (target is None or target in self._span_labels), target
        return label in self._span_labels, label

    def doc_label(self, field: str | None, value: str) -> tuple[bool, tuple[str, str] | None]:
        """(known, (name, value) or None when mapped to null)."""
        if value in self.entries:
            target = self.entries[value]
            if target is None:
                return True, None
            found = self._doc_target(target)
            return found is not None, found
        if field is not None and value in self._doc_values.get(field, ()):
            return True, (field, value)
        owners = [name for name, values in self._doc_values.items() if value in values]
        if len(owners) == 1:
            return True, (owners[0], value)
        return False, None

    def unknown(self, documents: Iterable[ForeignDocument]) -> Counter[str]:
        """Each label of ``documents`` the scheme does not have, with how often it is used."""
        found: Counter[str] = Counter()
        span_seen: dict[str, bool] = {}
        for doc in documents:
            for annotation in doc.annotations:
                for span in annotation.spans:
                    known = span_seen.get(span.label)
                    if known is None:
                        known = span_seen[span.label] = self.span_label(span.label)[0]
                    if not known:
                        found[span.label] += 1
                for field, value in annotation.doc_labels:
                    if not self.doc_label(field, value)[0]:
                        found[value] += 1
        return found

    # ---- building records

    def records(self, doc: ForeignDocument, default_annotator: str) -> list[JsonlRecord]:
        """The document's annotations as jsonl records (spans on ``doc.text``), one per
        annotator; what cannot be imported is counted in ``doc.left_out``. Every label must
        be known (checked by :meth:`unknown` before anything is written)."""
        out: list[JsonlRecord] = []
        seen: set[str] = set()
        for annotation in doc.annotations:
            annotator = annotation.annotator or default_annotator
            if annotator in seen:
                doc.left_out[f"second annotation of {annotator} on one document"] += 1
                continue
            spans: list[dict[str, Any]] = []
            for span in annotation.spans:
                known, label = self.span_label(span.label)
                assert known, span.label
                if label is None:
                    doc.left_out[f"label {span.label} (mapped to null)"] += 1
                    continue
                attrs = self._attrs(doc, self._label_defs.get(label), label, span.attrs) if span.attrs else {}
                spans.append({
                    "id": f"s{len(spans) + 1}", "start": span.start, "end": span.end, "label": label,
                    "text": doc.text[span.start : span.end], "attrs": attrs,
                })
            doc_labels: dict[str, str] = {}
            for field, value in annotation.doc_labels:
                known, target = self.doc_label(field, value)
                assert known, value
                if target is None:
                    doc.left_out[f"label {value} (mapped to null)"] += 1
                elif target[0] in doc_labels and doc_labels[target[0]] != target[1]:
                    doc.left_out[f"second value of document label {target[0]} ({value})"] += 1
                else:
                    doc_labels[target[0]] = target[1]
            # A document nobody labelled carries no annotation (doccano exports every
            # example); a Label Studio submission does, even empty: someone looked.
            if not spans and not doc_labels and (annotation.annotator is None or annotation.suggestion):
                continue
            seen.add(annotator)
            status = "todo" if annotator == SUGGESTIONS or not (spans or doc_labels) else "in_progress"
            out.append(
                JsonlRecord(
                    lineno=doc.line or 0, id=doc.id, text=doc.text, html=None, extra=doc.extra,
                    spans=spans, doc_labels=doc_labels, status=status, annotator=annotator,
                )
            )
        return out

    def _attrs(
        self, doc: ForeignDocument, definition: LabelDef | None, label: str, given: dict[str, AttrValue]
    ) -> dict[str, str | list[str]]:
        attrs: dict[str, str | list[str]] = {}
        for name, value in given.items():
            attr = None
            if definition is not None:
                attr = definition.attr(name) or next(
                    (a for a in definition.attrs if a.name.lower() == name.lower()), None
                )
            if attr is None:
                doc.left_out[f"attribute {name} ({label} has no such attribute)"] += 1
                continue
            if value is None or isinstance(value, list):
                doc.left_out[f"attribute {name} without a value ({label}.{attr.name} needs one)"] += 1
                continue
            if attr.type == "choice":
                match = next((v for v in attr.values or () if v.lower() == value.lower()), None)
                if match is None:
                    doc.left_out[f"attribute {name}={value} (not a value of {label}.{attr.name})"] += 1
                    continue
                value = match
            attrs[attr.name] = [value] if attr.type == "list" else value
        return attrs


def template_entries(unknown: Counter[str], scheme: LabelScheme, given: dict[str, MapValue]) -> dict[str, MapValue]:
    """A ready-to-edit map: the entries already given, then each unknown label with a safe
    guess (the scheme label of the same name ignoring case, or a common alias) or ``""``."""
    names = {label.name.lower(): label.name for label in scheme.labels()}
    entries = dict(given)
    for label in sorted(unknown):
        guess = names.get(label.lower()) or _GUESSES.get(label.upper())
        entries[label] = guess if guess is not None and scheme.label(guess) is not None else ""
    return entries


def write_template(entries: dict[str, MapValue], near: Path, corpus_root: Path) -> tuple[Path | None, str]:
    """Write the map beside ``near`` (``STEM.label-map.json``, else ``-2``, ``-3``...), or
    in the current folder when that is not possible; never over an existing file, never
    inside a corpus. Returns the path written (None when nowhere worked) and why not."""
    data = orjson.dumps(entries, option=orjson.OPT_INDENT_2) + b"\n"
    # Cut to leave room for ".label-map-99.json" within the usual 255-byte name limit.
    stem = os.fsencode(near.name.split(".")[0])[:200].decode("utf-8", "ignore") or "import"
    why = ""
    for folder in (near.parent, Path.cwd()):
        for n in range(1, 100):
            name = f"{stem}.label-map.json" if n == 1 else f"{stem}.label-map-{n}.json"
            path = folder / name
            try:
                check_output_path(path, corpus_root, kind="file")
            except OutputPathError as exc:
                why = exc.reason
                if "exists" in exc.reason:
                    continue
                break  # inside a corpus, a link...: try the next folder
            try:
                # O_EXCL: never over a file that appeared since the check.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            except OSError as exc:
                why = f"{path}: {exc.strerror or exc}"
                break
            try:
                os.write(fd, data)
            except OSError as exc:
                why = f"{path}: {exc.strerror or exc}"
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(path)
                break
            os.close(fd)
            return path, ""
    return None, why
