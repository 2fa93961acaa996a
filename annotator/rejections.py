"""Suggestions an annotator rejected, remembered across documents, restarts and re-runs.

One file per annotator per document, beside that annotator's annotation files::

    annotations/ANNOTATOR/.rejected/DOC_ID.json

A rejection names the suggestion by what it says, not by its id: label, exact code-point
offsets and the text there. ``annotator suggest`` renumbers its spans at every run, so an
id would point at another suggestion next time; the same label on the same text at the same
place is the same proposal, and stays hidden for this annotator whatever run made it. The
suggestions file itself is shared and untouched (it may still hold the proposal): only this
annotator's view is filtered.

The folder name starts with a dot so that listing an annotator's documents (files
``DOC_ID.json``) and ``validate``'s stray-file check pass over it, as they pass over
``.journal``; a folder holding only rejections is not an annotator (nothing was annotated).

Every reader goes through :func:`load_rejections`, the one place that decides whether such
a file can be used (it parses, validates, is the file of its document and annotator, and
each rejection's text is the document's text at its offsets): a file that fails is named
with its problem and never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from annotator.corpus import (
    Corpus,
    CorpusError,
    atomic_write_bytes,
    dump_json,
    pydantic_problems,
    read_json_file,
)
from annotator.model import AnnotatorName, DocId, Sha256, Span, utc_now
from annotator.rules import sha256_text

REJECTED_DIR = ".rejected"
FORMAT_VERSION = 1

#: What identifies a rejected suggestion: label, start, end, text.
Key = tuple[str, int, int, str]


class RejectedSuggestion(BaseModel):
    """One rejected suggestion: its label and where it stood, with the text there."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1)
    start: int = Field(ge=0, strict=True)
    end: int = Field(ge=0, strict=True)
    text: str
    rejected_at: str = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _ordered(self) -> RejectedSuggestion:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        return self

    @property
    def key(self) -> Key:
        return (self.label, self.start, self.end, self.text)


class RejectedSuggestions(BaseModel):
    """An annotator's rejected suggestions on one document
    (``annotations/ANNOTATOR/.rejected/DOC_ID.json``)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["rejected-suggestions"] = "rejected-suggestions"
    version: Literal[1] = FORMAT_VERSION
    doc_id: DocId
    annotator: AnnotatorName
    text_sha256: Sha256
    rejected: list[RejectedSuggestion] = Field(default_factory=list)

    def keys(self) -> set[Key]:
        return {r.key for r in self.rejected}


def key_of(span: Span) -> Key:
    return (span.label, span.start, span.end, span.text)


def rejections_path(corpus: Corpus, annotator: str, doc_id: str) -> Path:
    # annotation_path checks both names (no path can leave the corpus).
    return corpus.annotation_path(annotator, doc_id).parent / REJECTED_DIR / f"{doc_id}.json"


def load_rejections(corpus: Corpus, annotator: str, doc_id: str, text: str) -> RejectedSuggestions:
    """The rejections of ``annotator`` on ``doc_id`` (none yet: an empty record).

    Raises :class:`CorpusError` naming the file and every problem when it cannot be used.
    """
    path = rejections_path(corpus, annotator, doc_id)
    sha = sha256_text(text)
    if not path.exists():
        return RejectedSuggestions(doc_id=doc_id, annotator=annotator, text_sha256=sha)
    raw = read_json_file(path)
    try:
        record = RejectedSuggestions.model_validate(raw)
    except ValidationError as exc:
        raise CorpusError(path, "; ".join(p.message for p in pydantic_problems(exc))) from exc
    problems: list[str] = []
    if record.doc_id != doc_id:
        problems.append(f"doc_id {record.doc_id!r} is not this file's document {doc_id!r}")
    if record.annotator != annotator:
        problems.append(f"annotator {record.annotator!r} is not this folder's annotator {annotator!r}")
    if record.text_sha256 != sha:
        problems.append("text_sha256 does not match the document text (rejections of another text)")
    for i, r in enumerate(record.rejected):
        if r.end > len(text):
            problems.append(f"rejected.{i}: end {r.end} is past the text's end ({len(text)})")
        elif text[r.start : r.end] != r.text:
            problems.append(f"rejected.{i}: text {r.text!r} is not the document's text at [{r.start}, {r.end})")
    if problems:
        raise CorpusError(path, "; ".join(problems))
    return record


def add_rejections(
    corpus: Corpus, annotator: str, doc_id: str, text: str, spans: Iterable[Span]
) -> tuple[Path, int]:
    """Remember ``spans`` (suggestions) as rejected by ``annotator``; the file and how many
    were new. Written atomically; a file that does not load is reported, never replaced."""
    record = load_rejections(corpus, annotator, doc_id, text)
    have = record.keys()
    added = 0
    for span in spans:
        if key_of(span) in have or text[span.start : span.end] != span.text:
            continue
        record.rejected.append(RejectedSuggestion(label=span.label, start=span.start, end=span.end, text=span.text))
        have.add(key_of(span))
        added += 1
    path = rejections_path(corpus, annotator, doc_id)
    if added:
        record.rejected.sort(key=lambda r: (r.start, -r.end, r.label))
        atomic_write_bytes(path, dump_json(record.model_dump(mode="json")))
    return path, added


def rejected_ids(record: RejectedSuggestions, suggestions: Iterable[Span]) -> set[str]:
    """The ids of ``suggestions`` (this run's) that ``record`` rejected."""
    keys = record.keys()
    return {s.id for s in suggestions if key_of(s) in keys}


def _register() -> None:
    # ``annotator schema`` writes schemas/rejected-suggestions.schema.json from the model.
    from annotator.schemas import EXTRA_SCHEMAS

    EXTRA_SCHEMAS["rejected-suggestions"] = RejectedSuggestions


_register()
