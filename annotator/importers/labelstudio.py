"""Label Studio exports: the JSON export (a list of tasks), tasks as JSON lines, JSON-MIN.

A task is ``{"id", "data": {"text": ...}, "annotations": [...], "predictions": [...]}``.
The text is ``data[--text-key]``, else ``data["text"]``, else the only string in ``data``.

- Each annotation (``annotations[]``) is one person's work: ``completed_by`` names the
  annotator folder (the e-mail's local part when the export has it, in ``completed_by`` or
  ``created_username``, else ``user-ID``); two users whose names would clash keep their id.
  Cancelled annotations (``was_cancelled``) are left out and counted.
- ``predictions[]`` become the spans of the reserved ``suggestions`` annotator (ADR 9):
  shown as ghost spans in the app, never counted as anyone's work until accepted.
- In ``result[]``: ``labels`` regions become spans (one per label when a region has
  several), ``choices`` become document labels; relations, text areas, ratings, HTML
  regions (XPath offsets) and the rest are left out and counted by kind.

Offsets: Label Studio counts ``value.start``/``value.end`` in UTF-16 code units on some
paths (its editor is JavaScript) and in code points on others. Each region is checked
against its ``value.text``: code points first, then UTF-16 units converted to code points;
a region that fits neither is a problem (the others still import). A region without
``value.text`` in a text with characters outside the BMP (emoji) takes the unit the task's
other regions showed, else code points, with a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.importers.foreign import (
    ForeignAnnotation,
    ForeignDocument,
    ForeignError,
    ForeignSpan,
    JsonItem,
    Utf16Offsets,
    is_int,
    record_id,
    span_range_problem,
)
from annotator.importers.ids import sanitise_id
from annotator.model import SUGGESTIONS

_TASK_KEYS = frozenset({"id", "data", "annotations", "predictions"})
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id"})


class Annotators:
    """Annotator folder names of one file's ``completed_by`` users, kept apart when two
    users' names would be the same."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}  # user key -> name
        self._owners: dict[str, str] = {}  # name -> user key

    def name(self, completed_by: object, created_username: object = None) -> str | None:
        user_id: str | None = None
        email: str | None = None
        if isinstance(completed_by, dict):
            user_id = str(completed_by["id"]) if "id" in completed_by else None
            email = completed_by.get("email") if isinstance(completed_by.get("email"), str) else None
        elif is_int(completed_by) or isinstance(completed_by, str):
            user_id = str(completed_by)
        if email is None and isinstance(created_username, str) and "@" in created_username:
            email = created_username.split(",")[0].strip()  # "alice@example.com, 1"
        if user_id is None and email is None:
            return None
        key = user_id or email or ""
        if key in self._names:
            return self._names[key]
        wanted = sanitise_id(email.split("@")[0]) if email else ""
        if not wanted or wanted == SUGGESTIONS:
            wanted = f"user-{sanitise_id(user_id or '') or 'unknown'}"
        if self._owners.get(wanted, key) != key:
            wanted = f"{wanted}-{sanitise_id(user_id or key)}"
        self._names[key] = wanted
        self._owners[wanted] = key
        return wanted


def parse_task(item: JsonItem, source: Path, text_key: str | None, annotators: Annotators) -> ForeignDocument:
    """One task (or one JSON-MIN record); :class:`ForeignError` when it is neither."""
    value = item.value
    if not isinstance(value, dict):
        raise ForeignError(f"expected a JSON object (a Label Studio task), got {type(value).__name__}")
    data = value.get("data")
    if not isinstance(data, dict):
        if isinstance(value.get(text_key or "text"), str):
            return _parse_min(item, value, source, text_key, annotators)
        raise ForeignError("has no 'data' object (a Label Studio task)")
    key = _text_key(data, text_key)
    doc = ForeignDocument(
        tool="label-studio", source=source, line=item.line, where=item.where, id=record_id(value),
        text=data[key],
        extra={
            **{k: v for k, v in data.items() if k != key},
            **{k: v for k, v in value.items() if k not in _TASK_KEYS and k in ("meta",)},
        },
    )
    units = _Units(doc)
    for n, annotation in enumerate(_list(value, "annotations"), 1):
        if not isinstance(annotation, dict):
            doc.problems.append((item.line, f"annotation #{n} is not an object"))
            continue
        if annotation.get("was_cancelled"):
            doc.left_out["cancelled Label Studio annotation"] += 1
            continue
        who = annotators.name(annotation.get("completed_by"), annotation.get("created_username"))
        doc.annotations.append(_annotation(doc, annotation, who, units, f"annotation #{n}"))
    predictions = [p for p in _list(value, "predictions") if isinstance(p, dict)]
    if predictions:
        merged = ForeignAnnotation(annotator=SUGGESTIONS, suggestion=True)
        seen: set[tuple[int, int, str]] = set()
        for n, prediction in enumerate(predictions, 1):
            one = _annotation(doc, prediction, SUGGESTIONS, units, f"prediction #{n}")
            # Several model versions may predict the same region: one suggestion of it.
            for span in one.spans:
                if (span.start, span.end, span.label) not in seen:
                    seen.add((span.start, span.end, span.label))
                    merged.spans.append(span)
            merged.doc_labels.extend(one.doc_labels)
        doc.annotations.append(merged)
    units.finish()
    return doc


def _text_key(data: dict[str, Any], text_key: str | None) -> str:
    if text_key is not None:
        if not isinstance(data.get(text_key), str):
            raise ForeignError(f"'data' has no text under {text_key!r} (--text-key); its keys: {', '.join(data)}")
        return text_key
    if isinstance(data.get("text"), str):
        return "text"
    strings = [k for k, v in data.items() if isinstance(v, str)]
    if len(strings) == 1:
        return strings[0]
    raise ForeignError(
        f"cannot tell which key of 'data' holds the text (keys: {', '.join(data) or 'none'}); "
        "give it with --text-key"
    )


def _list(value: dict[str, Any], key: str) -> list[Any]:
    found = value.get(key)
    if found is None:
        return []
    if not isinstance(found, list):
        raise ForeignError(f"'{key}' must be a list, not {type(found).__name__}")
    return found


class _Units:
    """Which unit a task's offsets are in, learnt from its regions that carry their text."""

    def __init__(self, doc: ForeignDocument) -> None:
        self.doc = doc
        self.utf16 = Utf16Offsets(doc.text)
        self.seen: str | None = None  # "code points" or "UTF-16 units", once a region showed it
        self.guessed: list[str] = []

    def place(self, start: Any, end: Any, given: Any, ref: str) -> tuple[int, int] | None:
        text = self.doc.text
        problem = span_range_problem(text, start, end)
        if not self.utf16.differs:
            if problem is None and (not isinstance(given, str) or text[start:end] == given):
                return start, end
            if problem is None:
                problem = f"its text {given!r} is not the text at [{start}, {end}): {text[start:end]!r}"
            self.doc.problems.append((self.doc.line, f"{ref}: {problem}; not imported"))
            return None
        if not is_int(start) or not is_int(end):
            self.doc.problems.append((self.doc.line, f"{ref}: offsets {start!r}, {end!r} are not integers; not imported"))
            return None
        as_points = (start, end) if problem is None else None
        a, b = self.utf16.to_code_points(start), self.utf16.to_code_points(end)
        as_units = (a, b) if a is not None and b is not None and span_range_problem(text, a, b) is None else None
        if isinstance(given, str):
            for found, unit in ((as_points, "code points"), (as_units, "UTF-16 units")):
                if found is not None and text[found[0] : found[1]] == given:
                    self.seen = self.seen or unit
                    return found
            self.doc.problems.append(
                (self.doc.line, f"{ref}: its text {given!r} is not at [{start}, {end}) counted in code points "
                 "nor in UTF-16 units; not imported")
            )
            return None
        self.guessed.append(ref)
        if self.seen == "UTF-16 units" and as_units is not None:
            return as_units
        if as_points is None:
            self.guessed.pop()
            self.doc.problems.append((self.doc.line, f"{ref}: {problem}; not imported"))
        return as_points

    def finish(self) -> None:
        if self.guessed:
            self.doc.warnings.append(
                f"{len(self.guessed)} region(s) without 'text' in a text with characters outside the BMP: "
                f"offsets read as {self.seen or 'code points'} ({', '.join(self.guessed[:5])})"
            )


def _annotation(
    doc: ForeignDocument, annotation: dict[str, Any], who: str | None, units: _Units, what: str
) -> ForeignAnnotation:
    out = ForeignAnnotation(annotator=who, suggestion=who == SUGGESTIONS)
    result = annotation.get("result")
    if not isinstance(result, list):
        doc.problems.append((doc.line, f"{what}: 'result' is not a list; not imported"))
        return out
    for n, region in enumerate(result, 1):
        value = region.get("value") if isinstance(region, dict) else None
        if not isinstance(value, dict):
            kind = region.get("type") if isinstance(region, dict) else None
            doc.left_out[f"Label Studio {kind or 'unreadable'} result"] += 1
            continue
        ref = f"{what} region {region.get('id', f'#{n}')}"
        kind = region.get("type") or ("labels" if "labels" in value else "choices" if "choices" in value else "?")
        if kind == "choices" and isinstance(value.get("choices"), list):
            field_name = region.get("from_name") if isinstance(region.get("from_name"), str) else None
            out.doc_labels.extend((field_name, c) for c in value["choices"] if isinstance(c, str))
            continue
        if kind != "labels" or not isinstance(value.get("labels"), list):
            reason = "HTML region (XPath offsets)" if kind == "hypertextlabels" else f"{kind} result"
            doc.left_out[f"Label Studio {reason}"] += 1
            continue
        placed = units.place(value.get("start"), value.get("end"), value.get("text"), ref)
        if placed is None:
            continue
        for label in value["labels"]:
            if isinstance(label, str):
                out.spans.append(ForeignSpan(placed[0], placed[1], label, ref))
    return out


def _parse_min(
    item: JsonItem, value: dict[str, Any], source: Path, text_key: str | None, annotators: Annotators
) -> ForeignDocument:
    """A JSON-MIN record: the task's data keys at the top, each control's regions a list."""
    key = text_key or "text"
    region_keys = [
        k for k, v in value.items()
        if isinstance(v, list) and v and all(isinstance(r, dict) and "labels" in r for r in v)
    ]
    doc = ForeignDocument(
        tool="label-studio", source=source, line=item.line, where=item.where, id=record_id(value),
        text=value[key],
        extra={k: v for k, v in value.items() if k != key and k not in region_keys and k not in _MIN_KEYS},
    )
    units = _Units(doc)
    who = annotators.name(value.get("annotator"))
    annotation = ForeignAnnotation(annotator=who)
    for field_name in region_keys:
        for n, region in enumerate(value[field_name], 1):
            ref = f"{field_name} #{n}"
            placed = units.place(region.get("start"), region.get("end"), region.get("text"), ref)
            if placed is not None:
                annotation.spans.extend(
                    ForeignSpan(placed[0], placed[1], label, ref) for label in region["labels"] if isinstance(label, str)
                )
    doc.annotations.append(annotation)
    units.finish()
    return doc
