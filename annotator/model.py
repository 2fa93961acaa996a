"""pydantic models: the single source of truth for every file the tool reads or writes.

The JSON Schemas in ``schemas/`` are generated from these classes (``annotator schema``)
and a test fails when they are stale.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import chain, repeat
from operator import itemgetter
from typing import Annotated, Literal, NamedTuple

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1

#: Document ids and annotator names: safe as a file name on every platform, never a path.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
NAME_RE = re.compile(NAME_PATTERN)

Status = Literal["todo", "in_progress", "done", "skipped"]
STATUSES: tuple[Status, ...] = ("todo", "in_progress", "done", "skipped")

#: Annotator names the tool uses for itself.
GOLD = "gold"
SUGGESTIONS = "suggestions"
RESERVED_ANNOTATORS = frozenset({GOLD, SUGGESTIONS})

AttrValue = str | list[str]
DocId = Annotated[str, Field(pattern=NAME_PATTERN)]
AnnotatorName = Annotated[str, Field(pattern=NAME_PATTERN)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def utc_now() -> str:
    """ISO 8601 time in UTC with a trailing Z, as written in every file."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_valid_name(name: str) -> bool:
    return bool(NAME_RE.match(name))


class _Strict(BaseModel):
    # Unknown keys are an error: a typo in a hand-edited file must not pass silently.
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- scheme


class AttributeDef(_Strict):
    """One attribute a label's spans may carry."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    type: Literal["text", "list", "choice", "date", "email"] = Field(
        description="text: one string; list: several strings; choice: one of `values`; "
        "date: ISO 8601 date or date-time; email: one address"
    )
    values: list[str] | None = Field(default=None, description="allowed values of a choice")
    required: bool = False
    default: str | None = Field(default=None, description="value given to new spans")
    description: str = ""

    @model_validator(mode="after")
    def _choice_needs_values(self) -> AttributeDef:
        if self.type == "choice" and not self.values:
            raise ValueError(f"choice attribute {self.name!r} needs a list of values")
        if self.default is not None and self.values and self.default not in self.values:
            raise ValueError(f"default {self.default!r} of {self.name!r} is not one of its values")
        return self


class LabelDef(_Strict):
    """A span label with its display and its rules."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    key: str | None = Field(
        default=None, pattern=r"^[a-z0-9]$", description="shortcut key in the app"
    )
    description: str = ""
    attrs: list[AttributeDef] = Field(default_factory=list)
    no_self_overlap: bool = Field(
        default=False, description="spans of this label may not overlap each other"
    )
    inside: list[str] = Field(
        default_factory=list,
        description="when not empty, each span must lie inside a span of one of these labels",
    )
    no_cross: list[str] = Field(
        default_factory=list,
        description="spans may sit inside or outside these labels' spans but not cross their edges",
    )

    def attr(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attrs if a.name == name), None)


class Layer(_Strict):
    """A group of labels drawn and compared together."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")
    description: str = ""
    no_overlap: bool = Field(
        default=False, description="no two spans of this layer may overlap, whatever their labels"
    )
    labels: list[LabelDef]


class DocLabelDef(_Strict):
    """A label of the whole document, one value per document."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    values: list[str] = Field(min_length=1)
    description: str = ""


class LabelScheme(_Strict):
    """Labels, colours, keys, attributes and rules of a corpus."""

    name: str
    version: int = 1
    description: str = ""
    layers: list[Layer]
    doc_labels: list[DocLabelDef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_are_consistent(self) -> LabelScheme:
        seen: set[str] = set()
        keys: dict[str, str] = {}
        for layer in self.layers:
            for label in layer.labels:
                if label.name in seen:
                    raise ValueError(f"label {label.name!r} is defined twice")
                seen.add(label.name)
                if label.key:
                    if label.key in keys:
                        raise ValueError(
                            f"labels {keys[label.key]!r} and {label.name!r} share the key {label.key!r}"
                        )
                    keys[label.key] = label.name
        for layer in self.layers:
            for label in layer.labels:
                for other in (*label.inside, *label.no_cross):
                    if other not in seen:
                        raise ValueError(f"label {label.name!r} refers to unknown label {other!r}")
        return self

    def labels(self) -> list[LabelDef]:
        return [label for layer in self.layers for label in layer.labels]

    def label(self, name: str) -> LabelDef | None:
        return next((label for label in self.labels() if label.name == name), None)

    def layer_of(self, label_name: str) -> Layer | None:
        return next(
            (layer for layer in self.layers if any(lb.name == label_name for lb in layer.labels)),
            None,
        )

    def doc_label(self, name: str) -> DocLabelDef | None:
        return next((d for d in self.doc_labels if d.name == name), None)


# --------------------------------------------------------------------------- annotation


class Span(_Strict):
    """A labelled stretch of the document text.

    ``start``/``end`` are half-open offsets in Unicode code points (Python ``str``
    indices): ``text[start:end] == span.text``. That, and ``start < end``, are checked by
    ``rules.check_annotation`` against the document text, not here: a span alone cannot
    know its text, and ten thousand Python validators would triple the load time.
    """

    id: str = Field(min_length=1, max_length=64)
    # Strict: a JSON integer, never "12", 12.0 or true. A lax conversion would let a file
    # pass here that other readers of the raw JSON (and the schema) call broken.
    start: int = Field(ge=0, strict=True)
    end: int = Field(ge=0, strict=True)
    label: str
    text: str
    attrs: dict[str, AttrValue] = Field(default_factory=dict)


class Annotation(_Strict):
    """One annotator's work on one document (``annotations/ANNOTATOR/DOC_ID.json``)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    doc_id: DocId
    text_sha256: Sha256
    annotator: AnnotatorName
    status: Status = "todo"
    updated_at: str = Field(default_factory=utc_now)
    time_spent_s: int = Field(
        default=0,
        ge=0,
        strict=True,
        description="active seconds spent on this document, summed over sessions: counted only "
        "while the window had focus and the annotator did something in the last minute",
    )
    doc_labels: dict[str, str] = Field(default_factory=dict)
    spans: list[Span] = Field(default_factory=list)

    @field_validator("schema_version", mode="before")
    @classmethod
    def _integer_version(cls, value: object) -> object:
        # A Literal cannot be strict, and the lax one takes 1.0 and true for 1.
        if type(value) is not int:
            raise ValueError(f"schema_version must be the integer 1, not {value!r}")
        return value

    @field_validator("updated_at")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"updated_at {value!r} is not an ISO 8601 time") from exc
        return value

    @classmethod
    def from_json(cls, data: bytes | str) -> Annotation:
        """An annotation file's contents, validated: the same result as
        ``model_validate_json(data)``, and the same :class:`~pydantic.ValidationError` when
        the file is invalid, but faster on large files (see :func:`parse_annotation_json`).
        """
        return parse_annotation_json(data)[0]

    def check_fields(self) -> None:
        """Raise ValidationError when a field other than ``spans`` no longer holds what the
        schema allows. pydantic checks values when the model is made, not when a field is
        set later (``annotation.time_spent_s = 1.5``): without this a save would write a
        file that every reader refuses. The spans are left out: each was checked when made,
        and checking thousands again on every save would cost more than the save."""
        type(self).model_validate({**self.__dict__, "spans": []})

    def to_json_bytes(self) -> bytes:
        """The file's bytes: two-space indented JSON in field order, final newline.

        Equal to ``model_dump_json(indent=2)`` (a test checks it) but several times faster on
        large files, since every field is a plain JSON type already.
        """
        data = {**self.__dict__, "spans": [span.__dict__ for span in self.spans]}
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)

    def next_span_id(self) -> str:
        used = {s.id for s in self.spans}
        n = len(self.spans) + 1
        while f"s{n}" in used:
            n += 1
        return f"s{n}"


# --------------------------------------------------------------------------- documents


class DocumentMeta(_Strict):
    """What the tool knows about a document besides its text (``documents/DOC_ID.meta.json``)."""

    schema_version: Literal[1] = SCHEMA_VERSION
    doc_id: DocId
    text_sha256: Sha256
    chars: int = Field(ge=0, description="length of the text in code points")
    source: str = Field(description="the file (and line, for jsonl) or url the text came from")
    source_format: Literal["txt", "html", "jsonl", "export"]
    url: str | None = None
    title: str | None = None
    encoding: str | None = Field(default=None, description="encoding detected in the source bytes")
    encoding_confidence: float | None = None
    normalised: list[str] = Field(
        default_factory=list,
        description="what import changed: bom, crlf, cr, nfc, html-to-text, ...",
    )
    imported_at: str = Field(default_factory=utc_now)
    html_meta: dict[str, str] = Field(
        default_factory=dict,
        description="page metadata found in HTML: title, canonical, og:*, author, published_time",
    )
    html_source: str | None = Field(
        default=None,
        description="file name (in documents/) of the kept original HTML, gzip-compressed, "
        "so that extractors can be run later and mapped back to offsets",
    )
    extra: dict[str, object] = Field(
        default_factory=dict, description="other metadata given at import (jsonl keys)"
    )


class CorpusManifest(_Strict):
    """``corpus.json``: the corpus's name and label scheme."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = Field(min_length=1)
    description: str = ""
    created: str = Field(default_factory=utc_now)
    scheme: LabelScheme | str = Field(
        description="the label scheme inline, or a path relative to the corpus folder"
    )


# --------------------------------------------------------------------------- fast parsing
#
# pydantic builds each Span in about three times the time orjson takes to parse it, and an
# annotation file can hold tens of thousands of spans. ``Annotation.from_json`` therefore
# checks the orjson result against the Span schema with whole-list builtins (no Python
# code per span) and builds the Span objects the way pydantic's ``model_construct`` does.
# It accepts only what pydantic accepts *strictly* (exact types, every constraint), so it
# can only ever agree with ``model_validate_json``; whatever it does not accept (a lax
# coercion, an error, an unusual key order) is handed to pydantic, unchanged.

_SPAN_FIELDS = ("id", "start", "end", "label", "text", "attrs")
# Span.id's length limits, read from the model so that the two cannot drift apart.
_SPAN_ID_LENGTH = tuple(
    getattr(m, name)
    for name in ("min_length", "max_length")
    for m in Span.model_fields["id"].metadata
    if hasattr(m, name)
)
_SPAN_COLUMNS = tuple(itemgetter(name) for name in _SPAN_FIELDS)
_STR = {str}
_INT = {int}
_DICT = {dict}
# Every Span built here has all six fields set. pydantic only ever *adds* field names to
# ``__pydantic_fields_set__`` (on assignment; copies get their own set), and all six are
# in already, so one set serves them all instead of one per span.
_ALL_SPAN_FIELDS_SET = set(_SPAN_FIELDS)
_new_object = object.__new__


def _setter(name: str) -> Callable[[object, object], None]:
    """The ``__set__`` of the descriptor behind ``Span.name``: what ``object.__setattr__``
    ends up calling, without looking the name up along the MRO for each span."""
    descriptor = next(vars(c)[name] for c in Span.__mro__ if name in vars(c))
    return descriptor.__set__  # type: ignore[no-any-return]


_SET_DICT = _setter("__dict__")
_SET_FIELDS_SET = _setter("__pydantic_fields_set__")
_SET_EXTRA = _setter("__pydantic_extra__")
_SET_PRIVATE = _setter("__pydantic_private__")


class SpanColumns(NamedTuple):
    """The fields of an annotation's spans as parallel lists, in span order.

    The fast parse reads them anyway; handed to ``rules.check_annotation`` they spare it
    reading every span's attributes again.
    """

    ids: Sequence[str]
    starts: Sequence[int]
    ends: Sequence[int]
    labels: Sequence[str]
    texts: Sequence[str]
    attrs: Sequence[dict[str, AttrValue]]


def parse_annotation_json(data: bytes | str) -> tuple[Annotation, SpanColumns | None]:
    """An annotation file's contents, validated, and its spans' columns when at hand.

    The same annotation as ``Annotation.model_validate_json(data)`` and the same
    :class:`~pydantic.ValidationError` when the file is invalid. The file is parsed by
    orjson; when everything in it has the plain shape the tool writes (see
    :func:`_columns_from_plain`) the spans are built directly, else (valid or not) pydantic
    parses the bytes itself and decides.
    """
    parsed = parse_annotation_columns(data)
    annotation = parsed.annotation
    if parsed.spans_pending:
        attach_spans(annotation, parsed.columns, parsed.raw_spans)
    return annotation, parsed.columns


class ColumnsParse(NamedTuple):
    """What :func:`parse_annotation_columns` found.

    When ``spans_pending`` is True, ``annotation`` is complete but for its spans (its
    ``spans`` list is empty) and ``columns`` hold them, validated: :func:`attach_spans`
    completes it. Else ``annotation`` is complete and ``columns`` are its spans' (or None).
    """

    annotation: Annotation
    columns: SpanColumns | None
    spans_pending: bool
    #: The parsed span objects the columns came from: when they are in field order (as the
    #: tool writes them) they become the spans' ``__dict__`` as they are, sparing a pass.
    raw_spans: list[object] | None = None


def parse_annotation_columns(data: bytes | str) -> ColumnsParse:
    """An annotation file's contents, validated exactly as by :func:`parse_annotation_json`
    (the same :class:`~pydantic.ValidationError` when invalid), for readers that need the
    spans' fields only (offsets, labels, ids...): on the fast path the span fields are
    checked and returned as columns, and no Span object is built (see :class:`ColumnsParse`).
    """
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError:
        raw = None
    if type(raw) is dict:
        fast = _annotation_from_plain(raw)
        if fast is not None:
            return fast
    return ColumnsParse(Annotation.model_validate_json(data), None, False)


def attach_spans(
    annotation: Annotation, columns: SpanColumns, raw_spans: list[object] | None = None
) -> None:
    """Complete an annotation whose spans :func:`parse_annotation_columns` left pending
    (``raw_spans``: see :attr:`ColumnsParse.raw_spans`)."""
    if raw_spans is not None and set(map(tuple, raw_spans)) == {_SPAN_FIELDS}:  # type: ignore[arg-type]
        annotation.__dict__["spans"] = _spans_from_fields(raw_spans)  # type: ignore[arg-type]
    else:
        annotation.__dict__["spans"] = _spans_from_columns(columns)


def _annotation_from_plain(raw: dict[str, object]) -> ColumnsParse | None:
    """``raw`` (parsed JSON, ours to change) as an Annotation, or None to let pydantic
    decide."""
    spans = raw.get("spans", [])
    if type(spans) is not list:
        return None
    if spans:
        raw["spans"] = []
    annotation = _head_from_plain(raw)
    if annotation is None:
        try:
            # The few top-level fields: pydantic itself, strict (a subset of what the JSON
            # mode accepts, with the same results), so the patterns and validators all apply.
            annotation = Annotation.model_validate(raw, strict=True)
        except ValidationError:
            return None
    if not spans:
        return ColumnsParse(annotation, None, False)
    columns = _columns_from_plain(spans)
    if columns is None:
        return None
    return ColumnsParse(annotation, columns, True, spans)


_ANNOTATION_FIELDS = tuple(Annotation.model_fields)
_TIME_INDEX = _ANNOTATION_FIELDS.index("time_spent_s")
_FIELDS_BEFORE_TIME = tuple(f for f in _ANNOTATION_FIELDS if f != "time_spent_s")
_NAME_MATCH = re.compile(NAME_PATTERN).fullmatch
_SHA_MATCH = re.compile(
    next(m.pattern for m in Annotation.model_fields["text_sha256"].metadata if hasattr(m, "pattern"))
).fullmatch
_STATUS_SET = frozenset(STATUSES)


def _head_from_plain(raw: dict[str, object]) -> Annotation | None:
    """The annotation of ``raw`` (its spans an empty list) when it has every field, in
    field order (as the tool writes them), each of the strict type and within the
    constraints; None otherwise (then pydantic decides). As ``model_validate(raw,
    strict=True)``, a few times faster."""
    keys = tuple(raw)
    if keys == _FIELDS_BEFORE_TIME:
        # A file written before time_spent_s existed: the field's default, in field order.
        raw = {**{k: raw[k] for k in keys[:_TIME_INDEX]}, "time_spent_s": 0, **{k: raw[k] for k in keys[_TIME_INDEX:]}}
    elif keys != _ANNOTATION_FIELDS:
        return None
    version, doc_id, sha, annotator, status, updated_at, seconds, doc_labels, _ = raw.values()
    if not (
        type(version) is int
        and version == SCHEMA_VERSION
        and type(doc_id) is str
        and _NAME_MATCH(doc_id)
        and type(sha) is str
        and _SHA_MATCH(sha)
        and type(annotator) is str
        and _NAME_MATCH(annotator)
        and type(status) is str
        and status in _STATUS_SET
        and type(updated_at) is str
        and type(seconds) is int
        and seconds >= 0
        and type(doc_labels) is dict
        and set(map(type, doc_labels.values())) <= _STR  # keys: JSON strings already
    ):
        return None
    try:
        Annotation._iso_time(updated_at)
    except ValueError:
        return None
    # As for the spans below: model_construct's result, the parsed object as __dict__.
    annotation: Annotation = _new_object(Annotation)
    _SET_DICT(annotation, raw)
    _SET_FIELDS_SET(annotation, set(keys))
    _SET_EXTRA(annotation, None)
    _SET_PRIVATE(annotation, None)
    return annotation


_SPAN_ROW = itemgetter(*_SPAN_FIELDS)
_SPAN_WIDTH = {len(_SPAN_FIELDS)}


def _columns_from_plain(raw: list[object]) -> SpanColumns | None:
    """The spans' fields as columns when every item is a JSON object with exactly the six
    fields (in any order), each of the strict type, within the constraints; None
    otherwise. Whatever passes here, pydantic accepts with the same values."""
    try:
        # len() of an item that is no container raises TypeError; a string or a list of
        # six raises TypeError below (an item by name), an object with another key KeyError.
        if set(map(len, raw)) != _SPAN_WIDTH:  # type: ignore[arg-type]
            return None
        # One pass over the objects (a tuple of the six values each), then transposed.
        columns = SpanColumns(*zip(*map(_SPAN_ROW, raw), strict=True))
    except (TypeError, KeyError):
        return None
    ids, starts, ends, labels, texts, attrs = columns
    try:
        # str.join takes strings only: the cheapest whole-list type check of short strings.
        "".join(ids)
        "".join(labels)
    except TypeError:
        return None
    id_lengths = set(map(len, ids))
    if not (
        set(map(type, texts)) == _STR
        and set(map(type, chain(starts, ends))) == _INT  # not bool: type(True) is bool
        and set(map(type, attrs)) == _DICT
        and min(starts) >= 0
        and min(ends) >= 0
        and min(id_lengths) >= _SPAN_ID_LENGTH[0]
        and max(id_lengths) <= _SPAN_ID_LENGTH[1]
    ):
        return None
    for attr_values in map(dict.values, filter(None, attrs)):
        # AttrValue: a string or a list of strings (JSON object keys are strings already).
        for value in attr_values:
            if type(value) is not str and (
                type(value) is not list or not set(map(type, value)) <= _STR
            ):
                return None
    return columns


def _spans_from_columns(columns: SpanColumns) -> list[Span]:
    """Span objects with these fields, as ``model_construct`` would build them."""
    fields = list(map(dict, map(zip, repeat(_SPAN_FIELDS), zip(*columns, strict=True))))
    return _spans_from_fields(fields)


def _spans_from_fields(fields: list[dict[str, object]]) -> list[Span]:
    # What model_construct does, per span, with C-level maps: a bare instance whose
    # __dict__ is the object of its fields (in field order) and whose other slots hold
    # what pydantic puts there for a model without extras or private attributes.
    spans: list[Span] = list(map(_new_object, repeat(Span, len(fields))))
    deque(map(_SET_DICT, spans, fields), maxlen=0)
    deque(map(_SET_FIELDS_SET, spans, repeat(_ALL_SPAN_FIELDS_SET)), maxlen=0)
    deque(map(_SET_EXTRA, spans, repeat(None)), maxlen=0)
    deque(map(_SET_PRIVATE, spans, repeat(None)), maxlen=0)
    return spans
