"""Whether an annotation file can be used, and what is wrong with it: decided here, once.

Every reader of annotation files (``validate``, ``agree``, ``export``, ``status``, and
through :meth:`Corpus.load_annotation` the editor, review, adjudication and suggest's
gazetteer) asks the same question and must get the same answer, or a file the editor opens
read-only gets counted, exported or measured anyway. The answer (ADR 5):

* the file parses and validates against the pydantic model (strict types: offsets are JSON
  integers, see ``model.Span``), through :func:`model.parse_annotation_json`;
* it is the file of its document and annotator (``doc_id``, ``annotator``);
* :func:`rules.check_annotation` finds, against the document text and the scheme, only
  rule breaks of work in progress (``rules.WORK_IN_PROGRESS_CODES``).

A file that passes is *usable* (:attr:`CheckedAnnotation.usable`); its work-in-progress
problems, if any, are still listed. Checking is split in two steps, :func:`parse_annotation_data`
and :func:`check_parsed`, so that a reader can look at a file's status before it reads the
document text (agreement skips unfinished documents without reading their texts).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from collections.abc import Iterable, Iterator

from pydantic import ValidationError

from annotator.corpus import TEXT_SUFFIX, Corpus, CorpusError, pydantic_problems, read_file_bytes
from annotator.model import (
    GOLD,
    Annotation,
    LabelScheme,
    SpanColumns,
    Status,
    attach_spans,
    parse_annotation_columns,
    parse_annotation_json,
)
from annotator.rules import (
    WORK_IN_PROGRESS_CODES,
    Problem,
    check_annotation,
    check_columns_integrity,
    check_integrity,
    done_problems,
)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many files are checked in a row.

    Each parsed file is dropped as soon as what is needed is copied out, and none makes
    reference cycles; the collector would otherwise walk every freshly parsed span again
    and again, costing about what parsing does.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def is_usable(problems: Iterable[Problem]) -> bool:
    """Whether a file that parsed with these problems can be used (read, measured, exported)."""
    return all(p.code in WORK_IN_PROGRESS_CODES for p in problems)


class CheckedAnnotation:
    """One annotation file, checked: the annotation (None when it did not parse or
    validate) and every problem found, each naming the file.

    Parsed by :func:`parse_annotation_columns`, the annotation's Span objects are only
    built when :attr:`annotation` is first read; readers that need the spans' fields only
    use :attr:`columns` (and :attr:`status`, :attr:`doc_labels`) and never pay for them.
    """

    __slots__ = ("_annotation", "_spans_pending", "columns", "path", "problems")

    def __init__(
        self,
        path: str,
        annotation: Annotation | None,
        problems: tuple[Problem, ...] = (),
        columns: SpanColumns | None = None,
        *,
        spans_pending: bool = False,
    ) -> None:
        self.path = path
        self._annotation = annotation
        self.problems = tuple(problems)
        #: The spans' fields as the fast parse read them (see ``model.SpanColumns``), or None.
        self.columns = columns
        # True while the annotation's spans are only in ``columns`` (see model.ColumnsParse).
        self._spans_pending = spans_pending and annotation is not None and columns is not None

    @property
    def annotation(self) -> Annotation | None:
        if self._spans_pending:
            assert self._annotation is not None and self.columns is not None
            attach_spans(self._annotation, self.columns)
            self._spans_pending = False
        return self._annotation

    @property
    def parsed(self) -> bool:
        """Whether the file parsed and validated (it has an annotation)."""
        return self._annotation is not None

    @property
    def status(self) -> Status | None:
        """The annotation's status (None when it did not parse), without building spans."""
        return None if self._annotation is None else self._annotation.status

    @property
    def time_spent_s(self) -> int:
        """The annotation's active seconds (0 when it did not parse), without building spans."""
        return 0 if self._annotation is None else self._annotation.time_spent_s

    @property
    def doc_labels(self) -> dict[str, str]:
        """The annotation's document labels, without building spans."""
        return {} if self._annotation is None else self._annotation.doc_labels

    @property
    def n_spans(self) -> int:
        if self._spans_pending:
            assert self.columns is not None
            return len(self.columns.starts)
        return 0 if self._annotation is None else len(self._annotation.spans)

    def with_problems(self, problems: tuple[Problem, ...]) -> CheckedAnnotation:
        """The same file and annotation with these problems."""
        return CheckedAnnotation(
            self.path,
            self._annotation,
            problems,
            self.columns,
            spans_pending=self._spans_pending,
        )

    def __repr__(self) -> str:
        return (
            f"CheckedAnnotation(path={self.path!r}, annotation={self.annotation!r}, "
            f"problems={self.problems!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CheckedAnnotation):
            return NotImplemented
        return (self.path, self.annotation, self.problems, self.columns) == (
            other.path,
            other.annotation,
            other.problems,
            other.columns,
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def usable(self) -> bool:
        return self._annotation is not None and is_usable(self.problems)

    @property
    def blocking(self) -> list[Problem]:
        """The problems that make the file unusable (empty when it is usable)."""
        return [p for p in self.problems if p.code not in WORK_IN_PROGRESS_CODES]

    def summary(self, limit: int = 3) -> str:
        """The blocking problems (or all, when none blocks) in one line."""
        shown = self.blocking or list(self.problems)
        text = "; ".join(
            (f"span {p.span_id}: " if p.span_id else "") + f"{p.message} [{p.code}]"
            for p in shown[:limit]
        )
        more = f" (and {len(shown) - limit} more)" if len(shown) > limit else ""
        return text + more


def parse_annotation_data(data: bytes, path: str) -> CheckedAnnotation:
    """Step one: the file's bytes as an annotation (JSON, schema, strict types)."""
    try:
        annotation, columns = parse_annotation_json(data)
    except ValidationError as exc:
        return CheckedAnnotation(path, None, _parse_problems(exc, path))
    return CheckedAnnotation(path, annotation, (), columns)


def parse_annotation_columns_data(data: bytes, path: str) -> CheckedAnnotation:
    """Step one, for readers that need the spans' fields only (agreement): the same
    verdict and problems as :func:`parse_annotation_data`, but on the fast path the Span
    objects are built only if :attr:`CheckedAnnotation.annotation` is read (see
    ``model.parse_annotation_columns``)."""
    try:
        annotation, columns, pending, _ = parse_annotation_columns(data)
    except ValidationError as exc:
        return CheckedAnnotation(path, None, _parse_problems(exc, path))
    return CheckedAnnotation(path, annotation, (), columns, spans_pending=pending)


def _parse_problems(exc: ValidationError, path: str) -> tuple[Problem, ...]:
    errors = exc.errors()
    if any(e["type"] == "json_invalid" for e in errors):
        problems = [Problem("bad-json", f"not valid JSON: {errors[0]['msg']}")]
    else:
        problems = pydantic_problems(exc)
    return tuple(p.with_path(path) for p in problems)


def rule_problems(
    annotation: Annotation,
    text: str,
    scheme: LabelScheme,
    text_sha256: str | None = None,
    *,
    columns: SpanColumns | None = None,
) -> list[Problem]:
    """Every rule break of ``annotation``: an annotation that says "done" is held to what
    "done" means (ADR 13) wherever it is read or imported, any other to the scheme's rules."""
    check = done_problems if annotation.status == "done" else check_annotation
    return check(annotation, text, scheme, text_sha256, columns=columns)


def check_parsed(
    parsed: CheckedAnnotation,
    scheme: LabelScheme,
    *,
    doc_id: str,
    annotator: str,
    text: str,
    text_sha256: str | None = None,
    work_in_progress: bool = True,
) -> CheckedAnnotation:
    """Step two: a parsed file against its place (document, annotator), its text and the
    scheme. ``text_sha256``, when known (hashed from the text file's bytes), spares
    hashing the text again.

    With ``work_in_progress`` False, the problems of unfinished work (attributes, overlap,
    nesting, document labels) are not looked for: a reader that only needs to know
    whether the file is usable gets the same answer (:func:`rules.check_integrity`),
    several times faster, and its problems are exactly the blocking ones.
    """
    head = parsed._annotation  # the top-level fields (its spans may still be pending)
    if head is None:
        return parsed
    problems: list[Problem] = []
    if head.doc_id != doc_id:
        problems.append(
            Problem("wrong-doc", f"doc_id {head.doc_id!r} does not match the file name")
        )
    if not work_in_progress and parsed._spans_pending:
        assert parsed.columns is not None
        # check_integrity, on the spans' fields as parsed: no Span object is built.
        problems += check_columns_integrity(head, parsed.columns, text, scheme, text_sha256)
    else:
        annotation = parsed.annotation
        assert annotation is not None
        check = rule_problems if work_in_progress else check_integrity
        problems += check(annotation, text, scheme, text_sha256, columns=parsed.columns)
    if annotator != GOLD and head.annotator != annotator:
        problems.append(
            Problem("wrong-annotator", f"annotator {head.annotator!r} in a file of {annotator!r}")
        )
    if not problems:
        return parsed
    path = parsed.path
    return parsed.with_problems((*parsed.problems, *(p.with_path(path) for p in problems)))


def check_annotation_data(
    data: bytes,
    path: str,
    scheme: LabelScheme,
    *,
    doc_id: str,
    annotator: str,
    text: str,
    text_sha256: str | None = None,
    work_in_progress: bool = True,
) -> CheckedAnnotation:
    """Both steps on a file's bytes."""
    return check_parsed(
        parse_annotation_data(data, path),
        scheme,
        doc_id=doc_id,
        annotator=annotator,
        text=text,
        text_sha256=text_sha256,
        work_in_progress=work_in_progress,
    )


def read_document_text(corpus: Corpus, doc_id: str) -> tuple[str, str]:
    """A document's text and the sha256 of its bytes (hashing the bytes just read spares
    encoding the text again). Raises :class:`CorpusError` naming the file."""
    return read_document_text_in(os.fspath(corpus.documents_dir) + os.sep, doc_id)


def read_document_text_in(folder: str, doc_id: str) -> tuple[str, str]:
    """:func:`read_document_text` with the corpus's documents folder given (ending in a
    separator), for a reader of many texts."""
    path = f"{folder}{doc_id}{TEXT_SUFFIX}"
    try:
        data = read_file_bytes(path)
    except FileNotFoundError as exc:
        raise CorpusError(path, f"no document {doc_id!r} in this corpus") from exc
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8"), hashlib.sha256(data).hexdigest()
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8 at byte {exc.start}") from exc


def check_annotation_file(
    corpus: Corpus,
    annotator: str,
    doc_id: str,
    text: str | None = None,
    text_sha256: str | None = None,
    work_in_progress: bool = True,
    data: bytes | None = None,
) -> CheckedAnnotation:
    """The file of ``doc_id`` by ``annotator`` (``gold`` for gold), checked. The text is
    read when not given; a file that cannot be read is a problem like any other.
    ``data``: the file's bytes when the caller has just read them (and must check exactly
    those, as the editor's loader does to remember their hash)."""
    path = os.fspath(corpus.annotation_path(annotator, doc_id))
    if data is None:
        try:
            data = read_file_bytes(path)
        except OSError as exc:
            problem = Problem("unreadable", f"cannot read: {exc.strerror or exc}", path=path)
            return CheckedAnnotation(path, None, (problem,))
    # A reader that only needs the verdict never has Span objects built (see check_parsed).
    parse = parse_annotation_data if work_in_progress else parse_annotation_columns_data
    parsed = parse(data, path)
    if not parsed.parsed:
        return parsed
    if text is None:
        try:
            text, text_sha256 = read_document_text(corpus, doc_id)
        except CorpusError as exc:
            return parsed.with_problems((Problem("no-document", exc.message, path=path),))
    return check_parsed(
        parsed,
        corpus.scheme,
        doc_id=doc_id,
        annotator=annotator,
        text=text,
        text_sha256=text_sha256,
        work_in_progress=work_in_progress,
    )
