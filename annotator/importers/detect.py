"""Which files of an import are other tools' exports, read whole before anything is written.

Detection, unless ``--from`` forces a format:

- ``.jsonl(.gz)``: the first record's keys (:func:`foreign.detect_record`); a record of this
  tool's own jsonl (or one that says nothing clear) keeps the file on the jsonl path;
- ``.json(.gz)``: the same on the file's first record (a list of tasks, one task, or JSON
  lines); a ``.json`` found in a folder that is no export is skipped (listed), one given by
  name is a problem;
- ``NAME.txt`` with ``NAME.ann`` beside it is a brat pair (so is ``NAME.ann`` given alone);
- ``.tsv``: WebAnno / INCEpTION TSV 3 when its first line says ``#FORMAT=WebAnno TSV``; any
  other ``.tsv`` found in a folder is skipped (listed), one given by name is a problem.

Foreign files are read whole here, so that every label is known (and checked against the
scheme) before the first document is written. A whole JSON file may hold up to
:data:`FILE_FACTOR` times ``--max-document-mb`` (a Label Studio export is one JSON document
with every task in it); each JSON line, each brat file and each TSV file at most the
document limit.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from annotator.importers import brat, doccano, labelstudio, webanno
from annotator.importers.foreign import (
    ForeignError,
    ForeignFile,
    detect_record,
    read_json_items,
)
from annotator.importers.reading import InputFileError, open_stream, read_document, read_line

#: A whole JSON export may be this many times the per-document limit.
FILE_FACTOR = 20
_JSON = (".json", ".json.gz")
_JSONL = (".jsonl", ".jsonl.gz")

Problem = tuple[str, int | None, str]  # path, line, message: an ImportProblem's fields


@dataclass
class Plan:
    files: list[Path] = field(default_factory=list)
    foreign: dict[Path, ForeignFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)


def plan(
    files: list[Path], explicit: set[Path], *, forced: str | None, limit: int, text_key: str | None
) -> Plan:
    """``files`` with other tools' files read (brat pairs under their ``.txt``)."""
    out = Plan()
    listed = set(files)
    users = labelstudio.Annotators()  # one run, one name per Label Studio user
    for path in files:
        low = path.name.lower()
        if low.endswith(".ann"):
            txt = brat.txt_path(path)
            if txt in listed:
                continue  # read with its .txt
            if forced not in (None, "brat"):
                out.skipped.append((str(path), None, f"skipped: a brat .ann file (--from {forced})"))
                continue
            if not txt.is_file():
                out.problems.append((str(path), None, f"no {txt.name} beside it: a brat .ann needs its text"))
                continue
            _brat(out, txt, path, limit)
        elif low.endswith(".txt") and forced in (None, "brat"):
            ann = brat.ann_path(path)
            if ann.is_file():
                _brat(out, path, ann, limit)
            elif forced == "brat":
                out.problems.append((str(path), None, f"--from brat: no {ann.name} beside it"))
            else:
                out.files.append(path)
        elif low.endswith(webanno.SUFFIX):
            _webanno(out, path, path in explicit, forced, limit)
        elif low.endswith(_JSON + _JSONL):
            _json_file(out, path, path in explicit, forced, limit, text_key, users)
        else:
            out.files.append(path)
    return out


def _brat(out: Plan, txt: Path, ann: Path, limit: int) -> None:
    try:
        text = brat.decode(read_document(txt, limit)[0], "the text")
    except (InputFileError, ForeignError) as exc:
        out.problems.append((str(txt), None, str(exc)))
        return
    try:
        ann_text = brat.decode(read_document(ann, limit)[0], "the annotation file")
    except (InputFileError, ForeignError) as exc:
        out.problems.append((str(ann), None, str(exc)))
        return
    out.foreign[txt] = ForeignFile(txt, "brat", [brat.parse(txt, text, ann, ann_text)])
    out.files.append(txt)


def _webanno(out: Plan, path: Path, explicit: bool, forced: str | None, limit: int) -> None:
    if forced not in (None, "webanno"):
        out.skipped.append((str(path), None, f"skipped: a .tsv file (--from {forced})"))
        return
    try:
        data = read_document(path, limit)[0]
    except InputFileError as exc:
        out.problems.append((str(path), None, str(exc)))
        return
    if not webanno.is_webanno(data[:64]):
        message = "not a WebAnno TSV 3 file (its first line is not '#FORMAT=WebAnno TSV 3.x')"
        if explicit or forced == "webanno":
            out.problems.append((str(path), 1, message))
        else:
            out.skipped.append((str(path), None, f"skipped: {message}"))
        return
    try:
        document = webanno.parse(path, data)
    except webanno.TsvError as exc:
        out.problems.append((str(path), exc.line, str(exc)))
        return
    out.foreign[path] = ForeignFile(path, "webanno", [document])
    out.files.append(path)


def _json_file(
    out: Plan, path: Path, explicit: bool, forced: str | None, limit: int, text_key: str | None,
    users: labelstudio.Annotators,
) -> None:
    is_jsonl = path.name.lower().endswith(_JSONL)
    tool = forced if forced in ("doccano", "label-studio") else None
    if forced in ("jsonl", "brat", "webanno"):
        if is_jsonl:
            out.files.append(path)
        else:
            out.skipped.append((str(path), None, f"skipped: --from {forced} does not read .json files"))
        return
    if tool is None and is_jsonl:
        tool = detect_record(_first_record(path, limit))
        if tool not in ("doccano", "label-studio"):
            out.files.append(path)  # this tool's own jsonl; its import reports what is wrong
            return
    try:
        data, _ = read_document(path, limit * FILE_FACTOR)
        items, problems = read_json_items(data, limit, lines=is_jsonl)
    except (InputFileError, ForeignError) as exc:
        out.problems.append((str(path), None, str(exc)))
        return
    if tool is None:
        first = next((item.value for item in items if isinstance(item.value, dict)), None)
        tool = detect_record(first)
        if tool not in ("doccano", "label-studio"):
            message = "not a doccano or Label Studio export (no 'data' with 'annotations', no 'text' with 'label' or 'entities'); give --from to say which"
            if explicit:
                out.problems.append((str(path), None, message))
            else:
                out.skipped.append((str(path), None, f"skipped: {message}"))
            return
    file = ForeignFile(path, tool, problems=problems)
    for item in items:
        if tool == "label-studio":
            item.where = item.where.replace("record", "task", 1)
        try:
            if tool == "doccano":
                file.documents.append(doccano.parse_record(item, path))
            else:
                file.documents.append(labelstudio.parse_task(item, path, text_key, users))
        except ForeignError as exc:
            name = f"{path} ({item.where})" if item.line is None and item.where else str(path)
            out.problems.append((name, item.line, str(exc)))
    out.problems.extend((str(path), line, message) for line, message in file.problems)
    out.foreign[path] = file
    out.files.append(path)


def _first_record(path: Path, limit: int) -> object:
    """The first non-empty line of a jsonl file, parsed; None when there is none to read."""
    try:
        with open_stream(path) as handle:
            while (raw := read_line(handle, limit)) is not None:
                if raw.strip():
                    return orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    except (InputFileError, OSError, EOFError, zlib.error, orjson.JSONDecodeError, ValueError):
        return None
    return None
