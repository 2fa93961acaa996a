"""What the importers of other tools' files share: their records, reading, and detection.

Each tool's module (``doccano``, ``labelstudio``, ``brat``, ``webanno``) turns a file into
:class:`ForeignDocument` records: the text exactly as the tool counted its offsets (CRLF
kept), and per annotator the spans with code-point offsets into that text and the tool's
own label names. Nothing is mapped or normalised here: :mod:`labelmap` maps the labels
onto the corpus scheme and turns each annotation into the same ``JsonlRecord`` the jsonl
import uses, and the importer normalises the text and moves the spans with it exactly as it
does for a jsonl line.

Anything a tool's file holds that cannot become a span of the corpus (a relation, a
discontinuous brat fragment, a cancelled Label Studio annotation) is counted in
:attr:`ForeignDocument.left_out` under a short reason, never dropped silently; a span whose
offsets do not fit the text is a problem of :attr:`ForeignDocument.problems` (the rest of
the document still imports).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

#: The tools whose files ``annotator import`` reads, as ``--from`` spells them.
TOOLS = ("doccano", "label-studio", "brat", "webanno")

AttrValue = str | list[str] | None  # None: a brat attribute that is set without a value


class ForeignError(ValueError):
    """A record (or a whole file) of another tool that cannot be read; the message says why."""


@dataclass
class ForeignSpan:
    start: int  # code points into ForeignDocument.text
    end: int
    label: str  # the tool's label name, before mapping
    ref: str  # how the tool names it in messages: "T3", a result id, "label #2"
    attrs: dict[str, AttrValue] = field(default_factory=dict)


@dataclass
class ForeignAnnotation:
    """One person's (or one model's) work on a document."""

    annotator: str | None  # None: --annotator, else the default annotator
    spans: list[ForeignSpan] = field(default_factory=list)
    #: Document labels: (the tool's field name, e.g. Label Studio's from_name, or None; value).
    doc_labels: list[tuple[str | None, str]] = field(default_factory=list)
    suggestion: bool = False  # Label Studio predictions: the reserved suggestions annotator


@dataclass
class ForeignDocument:
    tool: str
    source: Path  # the file problems name (the .ann of a brat pair)
    line: int | None  # line of a JSON-lines file; None for a whole file or a list item
    where: str  # "line 3", "task 2 of the list", "" for a brat pair: for messages
    id: str | None
    text: str  # as the tool counted its offsets
    annotations: list[ForeignAnnotation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    left_out: Counter[str] = field(default_factory=Counter)
    #: Spans that could not be placed, each with the line of the file it is on (brat).
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    #: Imported, but with an assumption the user should know about.
    warnings: list[str] = field(default_factory=list)
    source_format: str = "jsonl"  # DocumentMeta.source_format of the document
    encoding: str = "utf-8"


@dataclass
class ForeignFile:
    path: Path
    tool: str
    documents: list[ForeignDocument] = field(default_factory=list)
    #: Records that could not be read at all: (line or None, message).
    problems: list[tuple[int | None, str]] = field(default_factory=list)


@dataclass
class JsonItem:
    """One record of a JSON or JSON-lines file, with where it sits for messages."""

    value: Any
    line: int | None
    where: str


def read_json_items(
    data: bytes, line_limit: int, *, lines: bool = False
) -> tuple[list[JsonItem], list[tuple[int | None, str]]]:
    """The records of a JSON file (a list, or one object) or of a JSON-lines file
    (``lines``: a ``.jsonl`` file is always read line by line).

    A file that starts with ``[`` is one JSON list (a broken one is one problem, not a
    problem per line); one that parses as a whole is that value; anything else is read
    line by line, each bad line a problem of its own and no line longer than ``line_limit``
    bytes. Raises :class:`ForeignError` when the file holds nothing usable at all.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data.lstrip()
    if not head:
        raise ForeignError("the file is empty")
    if not lines and head[:1] in (b"[", b"{"):
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if head[:1] == b"[":
                raise ForeignError(f"not valid JSON: {exc}") from exc
        else:
            if isinstance(value, list):
                return [JsonItem(v, None, f"record {n} of the list") for n, v in enumerate(value, 1)], []
            return [JsonItem(value, None, "")], []
    items: list[JsonItem] = []
    problems: list[tuple[int | None, str]] = []
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        if len(raw.rstrip(b"\r")) > line_limit:
            problems.append((lineno, f"larger than the limit of {line_limit / 1048576:g} MB (--max-document-mb)"))
            continue
        try:
            items.append(JsonItem(orjson.loads(raw), lineno, f"line {lineno}"))
        except orjson.JSONDecodeError as exc:
            problems.append((lineno, f"not valid JSON: {exc}"))
    return items, problems


def detect_record(value: object) -> str | None:
    """The tool a JSON record comes from, from its keys: ``label-studio``, ``doccano``,
    ``jsonl`` (this tool's own lines) or None when it says nothing clear."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("data"), dict) and ("annotations" in value or "predictions" in value or "id" in value):
        return "label-studio"
    if "spans" in value or "html" in value or "doc_labels" in value:
        return "jsonl"
    if not isinstance(value.get("text"), str):
        return None
    labels = value.get("label", value.get("labels"))
    if "entities" in value or (isinstance(labels, list) and not _is_label_studio_min(labels)):
        return "doccano"
    if isinstance(labels, list):
        return "label-studio"  # Label Studio's JSON-MIN export: {"text", "label": [{start, end, labels}]}
    return None


def _is_label_studio_min(labels: list[Any]) -> bool:
    return bool(labels) and isinstance(labels[0], dict) and "labels" in labels[0]


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def record_id(value: dict[str, Any]) -> str | None:
    doc_id = value.get("id")
    if is_int(doc_id) or isinstance(doc_id, str):
        return str(doc_id)
    return None


def span_range_problem(text: str, start: object, end: object) -> str | None:
    """Why ``[start, end)`` is not a span of ``text``, or None."""
    if not is_int(start) or not is_int(end):
        return f"offsets {start!r}, {end!r} are not integers"
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        return f"[{start}, {end}) is not inside the text (0..{len(text)})"
    return None


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _no_astral(text: str) -> bool:
    """Whether every character of ``text`` is in the BMP (one UTF-16 code unit each;
    ``surrogatepass``: a lone surrogate is one unit too, as ``ord`` says)."""
    return text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


class Utf16Offsets:
    """Converts UTF-16 code unit offsets (what JavaScript counts) to code points.

    Only characters outside the BMP (emoji, rare Han) count twice in UTF-16; a text without
    them has the same offsets either way, and :attr:`differs` says so.
    """

    def __init__(self, text: str) -> None:
        # UTF-16 position of each astral character: its code point index plus the astral
        # characters before it. Most texts have none, which their UTF-16 length tells at C
        # speed; else the regex engine finds them (a Python loop over every character cost
        # more than the rest of a Label Studio task's parse).
        self._positions = [] if _no_astral(text) else [
            m.start() + n for n, m in enumerate(_ASTRAL.finditer(text))
        ]

    @property
    def differs(self) -> bool:
        return bool(self._positions)

    def to_code_points(self, unit: int) -> int | None:
        """The code point offset of UTF-16 offset ``unit``; None inside a surrogate pair."""
        before = bisect_left(self._positions, unit)  # astral characters starting before unit
        if before and self._positions[before - 1] == unit - 1:
            return None  # between the two halves of one character
        return unit - before
