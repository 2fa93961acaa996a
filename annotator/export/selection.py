"""Which documents an export (or a scoring run) takes, and why it leaves the others out.

A document is taken when its annotation by the source exists, parses, has one of the
requested statuses and passes every scheme rule (:func:`annotator.rules.check_annotation`).
``allow_incomplete`` also takes documents with another status and documents that break a
scheme rule (overlaps, missing attributes, ...), noting why; it never takes a document
whose annotation cannot be read or whose offsets do not fit its text, because every offset
of the export would then be wrong.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from annotator.corpus import (
    META_SUFFIX,
    TEXT_SUFFIX,
    Corpus,
    CorpusError,
    pydantic_problems,
    read_file_bytes,
)
from annotator.model import GOLD, Annotation, DocumentMeta, is_valid_name, parse_annotation_json
from annotator.rules import Problem, check_annotation, sha256_text

#: Problems that make the spans' offsets meaningless: never exported, whatever the options.
FATAL_CODES = frozenset(
    {
        "hash-mismatch",
        "out-of-range",
        "text-mismatch",
        "duplicate-id",
        "empty",
        "wrong-doc",
        "schema",
        "bad-json",
        "unreadable",
    }
)


@dataclass(slots=True)
class Taken:
    """A document to export, with what was wrong with it when ``allow_incomplete`` let it in."""

    doc_id: str
    text: str
    url: str | None
    annotation: Annotation
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Left:
    """A document left out, and why."""

    doc_id: str
    code: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.doc_id, "code": self.code, "reason": self.reason}


def _summary(problems: list[Problem], limit: int = 3) -> str:
    shown = "; ".join(
        (f"span {p.span_id}: " if p.span_id else "") + f"{p.message} [{p.code}]"
        for p in problems[:limit]
    )
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    return shown + more


def select_documents(
    corpus: Corpus,
    source: str,
    statuses: tuple[str, ...] = ("done",),
    allow_incomplete: bool = False,
    doc_ids: list[str] | None = None,
) -> Iterator[Taken | Left]:
    """One :class:`Taken` or :class:`Left` per document of the corpus, in id order."""
    annotated = corpus.annotated_ids(source)
    # Plain string paths: this loop runs once per document of large corpora, and pathlib
    # objects cost more than the reads. Errors go back through the Corpus methods, whose
    # messages name the file and the problem.
    docs_dir = os.fspath(corpus.documents_dir)
    source_dir = os.fspath(corpus.annotator_dir(source))
    for doc_id in corpus.doc_ids() if doc_ids is None else doc_ids:
        if not is_valid_name(doc_id):
            yield Left(doc_id, "bad-id", f"{doc_id!r} is not a valid document id")
            continue
        if doc_id not in annotated:
            yield Left(doc_id, "no-annotation", f"no annotation by {source!r}")
            continue
        path = f"{source_dir}{os.sep}{doc_id}.json"
        try:
            data = read_file_bytes(path)
        except OSError as exc:
            yield Left(doc_id, "unreadable", f"{path}: cannot read: {exc.strerror or exc}")
            continue
        try:
            annotation, columns = parse_annotation_json(data)
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                yield Left(doc_id, "bad-json", f"{path}: not valid JSON")
            else:
                yield Left(doc_id, "schema", f"{path}: {_summary(pydantic_problems(exc))}")
            continue
        notes: list[str] = []
        if annotation.status not in statuses:
            reason = f"status is {annotation.status!r}, not {' or '.join(statuses)}"
            if not allow_incomplete:
                yield Left(doc_id, "status", reason)
                continue
            notes.append(reason)
        try:
            text, text_sha = _read_text(corpus, docs_dir, doc_id)
            meta = _read_meta(corpus, docs_dir, doc_id)
        except CorpusError as exc:
            yield Left(doc_id, "bad-document", str(exc))
            continue
        problems = check_annotation(annotation, text, corpus.scheme, text_sha, columns=columns)
        if annotation.doc_id != doc_id:
            problems.append(Problem("wrong-doc", f"doc_id {annotation.doc_id!r} in {doc_id}.json"))
        if source != GOLD and annotation.annotator != source:
            # Not fatal: the spans still fit the text; but the file is in the wrong folder.
            problems.append(
                Problem(
                    "wrong-annotator", f"annotator {annotation.annotator!r} in a file of {source!r}"
                )
            )
        if problems:
            fatal = [p for p in problems if p.code in FATAL_CODES]
            if fatal or not allow_incomplete:
                yield Left(doc_id, "invalid", f"{path}: {_summary(fatal or problems)}")
                continue
            notes.append(_summary(problems))
        yield Taken(doc_id, text, meta.url, annotation, notes)


def _read_text(corpus: Corpus, docs_dir: str, doc_id: str) -> tuple[str, str]:
    """The document's text and the sha256 of its bytes (hashing the bytes read spares
    encoding the text again to hash it)."""
    try:
        data = read_file_bytes(f"{docs_dir}{os.sep}{doc_id}{TEXT_SUFFIX}")
        return data.decode("utf-8"), hashlib.sha256(data).hexdigest()
    except (OSError, UnicodeDecodeError):
        text = corpus.read_text(doc_id)  # raises CorpusError naming the file and the problem
        return text, sha256_text(text)


def _read_meta(corpus: Corpus, docs_dir: str, doc_id: str) -> DocumentMeta:
    path = f"{docs_dir}{os.sep}{doc_id}{META_SUFFIX}"
    try:
        data = read_file_bytes(path)
    except OSError:
        return corpus.read_meta(doc_id)  # raises CorpusError naming the file and the problem
    try:
        return DocumentMeta.model_validate_json(data)
    except ValidationError as exc:
        raise CorpusError(path, "; ".join(str(p) for p in pydantic_problems(exc))) from exc
