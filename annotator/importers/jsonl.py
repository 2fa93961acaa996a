"""jsonl lines: one document per line, optionally with the spans of an exported annotation.

A line is an object with ``text`` or ``html`` (strings), optional ``id`` (string or integer),
``url``, ``title``; other keys go to ``DocumentMeta.extra``, except the annotation keys
(``spans``, ``doc_labels``, ``status``, ``annotator``) and the keys exports derive from the
annotation (:data:`DERIVED_KEYS`), which are not metadata.

Offsets and normalisation: a text with spans is normalised like any other (LF, NFC) and the
span offsets are moved with it, cut point by cut point. When a span starts or ends inside
something normalisation merges (between the CR and LF of a CRLF, or between a letter and
the combining mark NFC composes it with), the line is refused with a message saying which
span: moving it would silently change what was annotated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import orjson

from annotator.importers.text import normalise_text

#: Keys an export derives from the annotation: ignored on import (recomputed when needed).
DERIVED_KEYS = frozenset(
    {
        "articles",
        "clean_text",
        "split",
        "text_sha256",
        "chars",
        "schema_version",
        "updated_at",
        "html_source",
        "source_format",
        "normalised",
        "imported_at",
    }
)
ANNOTATION_KEYS = frozenset({"spans", "doc_labels", "status", "annotator"})
DOCUMENT_KEYS = frozenset({"id", "url", "title", "text", "html"})


class LineError(ValueError):
    """A jsonl line that cannot be imported; the message says why."""


@dataclass
class JsonlRecord:
    lineno: int
    id: str | None
    text: str | None
    html: str | None
    url: str | None = None
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    spans: list[dict[str, Any]] | None = None
    doc_labels: dict[str, Any] | None = None
    status: str | None = None
    annotator: str | None = None
    text_sha256: str | None = None


def parse_line(raw: bytes, lineno: int) -> JsonlRecord:
    """One line of a jsonl file as a record; :class:`LineError` when it is not usable."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LineError(f"not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise LineError(f"expected a JSON object, got {type(value).__name__}")
    text, html = value.get("text"), value.get("html")
    if text is None and html is None:
        raise LineError("has neither 'text' nor 'html'")
    for key in ("text", "html", "url", "title", "status", "annotator", "text_sha256"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise LineError(f"'{key}' must be a string, not {type(value[key]).__name__}")
    doc_id = value.get("id")
    if doc_id is not None:
        if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
            raise LineError(f"'id' must be a string or an integer, not {type(doc_id).__name__}")
        doc_id = str(doc_id)
    spans = value.get("spans")
    if spans is not None and not (isinstance(spans, list) and all(isinstance(s, dict) for s in spans)):
        raise LineError("'spans' must be a list of objects")
    doc_labels = value.get("doc_labels")
    if doc_labels is not None and not isinstance(doc_labels, dict):
        raise LineError("'doc_labels' must be an object")
    extra = {
        k: v
        for k, v in value.items()
        if k not in DOCUMENT_KEYS and k not in ANNOTATION_KEYS and k not in DERIVED_KEYS
    }
    return JsonlRecord(
        lineno=lineno,
        id=doc_id,
        text=text,
        html=html,
        url=value.get("url"),
        title=value.get("title"),
        extra=extra,
        spans=spans,
        doc_labels=doc_labels,
        status=value.get("status"),
        annotator=value.get("annotator"),
        text_sha256=value.get("text_sha256"),
    )


def check_span_offsets(text: str, spans: list[dict[str, Any]]) -> list[str]:
    """Problems with the spans' offsets against the text they were made on (before moving)."""
    problems = []
    for n, span in enumerate(spans):
        name = span.get("id", f"#{n}")
        start, end = span.get("start"), span.get("end")
        if not _is_int(start) or not _is_int(end):
            problems.append(f"span {name}: 'start' and 'end' must be integers")
            continue
        if not 0 <= start < end <= len(text):
            problems.append(f"span {name}: [{start}, {end}) is not inside the text (0..{len(text)})")
            continue
        given = span.get("text")
        if given is not None and given != text[start:end]:
            problems.append(
                f"span {name}: its text {given!r} is not the text at [{start}, {end}): "
                f"{text[start:end]!r}"
            )
    return problems


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def normalise_with_spans(
    text: str, spans: list[dict[str, Any]]
) -> tuple[str, list[str], list[dict[str, Any]]]:
    """Normalise ``text`` (LF, NFC) and move the spans with it.

    Spans must have passed :func:`check_span_offsets`. Returns the text, what changed and
    new span dicts (``text`` filled from the new text; ``id`` given when missing). Raises
    :class:`LineError` when a span edge falls inside a sequence normalisation merges.
    """
    new_text, changes = normalise_text(text)
    if not changes:
        return text, [], [_completed(span, n, text) for n, span in enumerate(spans)]
    cuts = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    moved = {0: 0}
    position = 0
    pieces = []
    for a, b in pairwise(cuts):
        piece = normalise_text(text[a:b])[0]
        pieces.append(piece)
        position += len(piece)
        moved[b] = position
    if "".join(pieces) != new_text:
        bad = _first_bad_span(text, spans)
        raise LineError(
            f"span {bad}: starts or ends inside a sequence that import normalises ({', '.join(changes)}): "
            "a CRLF pair or a character and its combining mark; fix the offsets or give "
            "the text already normalised (LF newlines, NFC)"
        )
    result = []
    for n, span in enumerate(spans):
        start, end = moved[span["start"]], moved[span["end"]]
        result.append({**_completed(span, n, text), "start": start, "end": end, "text": new_text[start:end]})
    return new_text, changes, result


def _completed(span: dict[str, Any], n: int, text: str) -> dict[str, Any]:
    """The span with its ``id`` and ``text`` filled in when a hand-written line left them out."""
    out = dict(span)
    out.setdefault("id", f"s{n + 1}")
    out.setdefault("text", text[span["start"] : span["end"]])
    return out


def _first_bad_span(text: str, spans: list[dict[str, Any]]) -> str:
    for n, span in enumerate(spans):
        for edge in (span["start"], span["end"]):
            left, right = text[:edge], text[edge:]
            if normalise_text(left)[0] + normalise_text(right)[0] != normalise_text(text)[0]:
                return str(span.get("id", f"#{n}"))
    return "?"
