"""Which documents an export (or a scoring run) takes, and why it leaves the others out.

A document is taken when its annotation by the source has one of the requested statuses
and passes every check (:func:`annotator.rules.check_annotation`). ``allow_incomplete``
also takes documents with another status and documents whose only problems are rule breaks
of unfinished work (overlaps, missing attributes, ...), noting why. Whether a file is usable
at all is decided by :mod:`annotator.loading`, as for every other reader: a file that does
not parse, does not fit its text or breaks any other rule (an unknown label, a duplicate
id...) is never exported, whatever the options, because its offsets or labels cannot be
trusted.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from annotator.corpus import (
    META_SUFFIX,
    Corpus,
    CorpusError,
    pydantic_problems,
    read_file_bytes,
)
from annotator.loading import check_parsed, parse_annotation_data, read_document_text
from annotator.model import Annotation, DocumentMeta, is_valid_name


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


def select_documents(
    corpus: Corpus,
    source: str,
    statuses: tuple[str, ...] = ("done",),
    allow_incomplete: bool = False,
    doc_ids: list[str] | None = None,
    annotated: Container[str] | None = None,
) -> Iterator[Taken | Left]:
    """One :class:`Taken` or :class:`Left` per document of the corpus (or of ``doc_ids``),
    in that order. ``annotated``: the ids the source has a file for, when already listed."""
    if annotated is None:
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
        parsed = parse_annotation_data(data, path)
        if parsed.annotation is None:  # bad JSON, or not an annotation (schema)
            yield Left(doc_id, parsed.problems[0].code, f"{path}: {parsed.summary()}")
            continue
        notes: list[str] = []
        status = parsed.annotation.status
        if status not in statuses:
            reason = f"status is {status!r}, not {' or '.join(statuses)}"
            if not allow_incomplete:
                yield Left(doc_id, "status", reason)
                continue
            notes.append(reason)
        try:
            text, text_sha = read_document_text(corpus, doc_id)
            meta = _read_meta(corpus, docs_dir, doc_id)
        except CorpusError as exc:
            yield Left(doc_id, "bad-document", str(exc))
            continue
        checked = check_parsed(
            parsed, corpus.scheme, doc_id=doc_id, annotator=source, text=text, text_sha256=text_sha
        )
        if checked.problems:
            if not checked.usable or not allow_incomplete:
                yield Left(doc_id, "invalid", f"{path}: {checked.summary()}")
                continue
            notes.append(checked.summary())
        yield Taken(doc_id, text, meta.url, parsed.annotation, notes)


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
