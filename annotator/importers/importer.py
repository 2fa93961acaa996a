"""Import files and folders into a corpus: the engine behind ``annotator import``.

One run: check every path first (a typo imports nothing), lock the corpus's documents
against a second import (the lock's owner file names the holder to a second import), remove
what a killed import left behind, read the hashes of the documents already there once, then
import file by file, yielding after each document so callers can show progress. A bad file
or line is reported and the rest still import; nothing is half-written (every file is
written atomically, an annotation is validated before its document is added, and the files
of a document that failed half-way are removed).

Hostile inputs (see ``reading``): only regular files are read, and never more than
``max_document_mb`` per document (per line for jsonl), inflating included.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from filelock import FileLock, Timeout
from pydantic import ValidationError

from annotator.attribute_fill import is_time_zone
from annotator.corpus import (
    HTML_SUFFIX,
    META_SUFFIX,
    TEXT_SUFFIX,
    AnnotatorLock,
    Corpus,
    CorpusError,
    LockedError,
    atomic_write_bytes,
    dump_json,
    pydantic_problems,
)
from annotator.importers import detect, foreign
from annotator.importers.foreign import TOOLS, ForeignDocument
from annotator.importers.html import (
    KEPT_AS_UTF8,
    HtmlError,
    decode_html,
    html_to_text,
    kept_html_text,
)
from annotator.importers.ids import IdAllocator, file_stem
from annotator.importers.jsonl import (
    JsonlRecord,
    LineError,
    check_span_offsets,
    normalise_with_spans,
    parse_line,
)
from annotator.importers.labelmap import (
    LabelMapError,
    LabelMapper,
    load_label_map,
    template_entries,
    unknown_labels_message,
    write_template,
)
from annotator.importers.reading import (
    DEFAULT_MAX_DOCUMENT_MB,
    MB,
    InputFileError,
    count_lines,
    open_stream,
    read_document,
    read_line,
)
from annotator.importers.text import BadLine, DecodeError, codec_name, decode, normalise_text
from annotator.loading import gc_paused, is_usable, rule_problems
from annotator.model import GOLD, STATUSES, Annotation, DocumentMeta, is_valid_name, utc_now
from annotator.rules import sha256_text

if TYPE_CHECKING:
    from annotator.importers.bodies import BodyAnnotator

#: Annotator of imported spans when neither --annotator nor the line names one.
DEFAULT_ANNOTATOR = "imported"

#: File name endings import understands, and the kind of each.
FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".txt.gz": "txt",
    ".html": "html",
    ".htm": "html",
    ".html.gz": "html",
    ".htm.gz": "html",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    # Other tools' exports (annotator/importers/foreign.py): the content says which tool.
    ".json": "json",
    ".json.gz": "json",
    ".ann": "brat",
    ".tsv": "webanno",  # WebAnno / INCEpTION TSV 3 (annotator/importers/webanno.py)
}
_KNOWN = ", ".join(FORMATS)


class InputError(ValueError):
    """Bad usage: a missing path, an unknown encoding, a bad annotator name (exit code 2)."""


class UnknownLabelsError(InputError):
    """Labels of other tools' files that the scheme does not have (nothing was imported);
    ``template`` is the ready-to-edit label map written for them, if one could be."""

    def __init__(self, message: str, unknown: Counter[str], template: Path | None) -> None:
        super().__init__(message)
        self.unknown = unknown
        self.template = template


class ImportLockedError(LockedError, InputError):
    """Another import into the corpus is running; the message names it (exit code 1: not bad
    usage). It is an :class:`InputError` only so that callers written when it was one still
    catch it."""


class ImportProblem(NamedTuple):
    """Something about one input: a file, or a line of a jsonl file."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass
class ImportedDocument:
    doc_id: str
    source: str
    annotator: str | None = None  # whose annotation came with it, if any


@dataclass
class ImportReport:
    imported: int = 0
    skipped_duplicates: int = 0
    annotations: int = 0
    #: Inputs that could not be imported (exit code 1).
    problems: list[ImportProblem] = field(default_factory=list)
    #: Inputs left out on purpose: duplicates, unknown file types found in folders.
    skipped: list[ImportProblem] = field(default_factory=list)
    #: Imported, but changed on the way: lines that were not in the file's encoding.
    warnings: list[ImportProblem] = field(default_factory=list)
    documents: list[ImportedDocument] = field(default_factory=list)
    #: Leftovers of an import that was killed, removed before this one started.
    cleaned: int = 0
    #: What other tools' files held that has no place in the corpus, by reason (a relation,
    #: a discontinuous brat span, a label mapped to null): counted, never dropped silently.
    not_imported: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "imported": self.imported,
            "skipped_duplicates": self.skipped_duplicates,
            "annotations": self.annotations,
            "documents": [
                {"id": d.doc_id, "source": d.source, "annotator": d.annotator} for d in self.documents
            ],
            "skipped": [p.to_json() for p in self.skipped],
            "warnings": [p.to_json() for p in self.warnings],
            "problems": [p.to_json() for p in self.problems],
            "cleaned_leftovers": self.cleaned,
            "not_imported": dict(sorted(self.not_imported.items())),
        }


def input_format(path: Path) -> str | None:
    """``txt``, ``html`` or ``jsonl`` from the file name, or None for anything else."""
    low = path.name.lower()
    for suffix, kind in FORMATS.items():
        if low.endswith(suffix):
            return kind
    return None


@dataclass
class _Doc:
    """A document ready to be written, with what its meta file records."""

    text: str
    wanted_id: str
    source: str
    source_format: str
    encoding: str | None
    confidence: float | None
    normalised: list[str]
    url: str | None = None
    title: str | None = None
    html_meta: dict[str, str] = field(default_factory=dict)
    html_gz: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ImportLock:
    """The lock that keeps a second import out of a corpus's ``documents/``.

    ``documents/.import.lock`` (an OS lock: a killed holder releases it) with
    ``.import.lock.owner`` beside it naming the holder (pid, host, since) for the message a
    second import gets, as :class:`annotator.corpus.AnnotatorLock` does for annotators.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.folder = corpus.documents_dir
        self.lock_path = self.folder / ".import.lock"
        self.owner_path = self.folder / ".import.lock.owner"
        self._lock: FileLock | None = None

    def acquire(self) -> ImportLock:
        """Raises :class:`ImportLockedError` when held elsewhere, :class:`CorpusError` when the
        corpus cannot be written (read-only, no permission), with the path in the message."""
        lock = FileLock(str(self.lock_path), timeout=0, is_singleton=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout as exc:
            if not os.access(self.folder, os.W_OK):  # some lock libraries say "busy" for EACCES
                raise CorpusError(self.folder, "cannot write here: permission denied") from exc
            raise ImportLockedError(
                self.corpus.root, f"another import into this corpus is running: {self._holder()}"
            ) from exc
        except OSError as exc:
            raise CorpusError(exc.filename or self.folder, f"cannot write here: {exc.strerror or exc}") from exc
        self._lock = lock
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_now()}
        # The owner file only feeds a message: a full disk must not stop the import here
        # (the documents it cannot write are reported one by one).
        with contextlib.suppress(OSError):
            atomic_write_bytes(self.owner_path, dump_json(owner))
        return self

    def _holder(self) -> str:
        try:
            info = orjson.loads(self.owner_path.read_bytes())
            return f"process {info['pid']} on {info['host']} (since {info['since']})"
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            return "another process"

    def release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self.owner_path.unlink()
            self._lock.release()
            self._lock = None

    def __enter__(self) -> ImportLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class Importer:
    """One import run into ``corpus``. Use :func:`import_paths` unless you need the steps."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        encoding: str | None = None,
        annotator: str | None = None,
        max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB,
        timezone: str | None = None,
        source_format: str | None = None,
        label_map: Path | str | None = None,
        text_key: str | None = None,
        bodies: BodyAnnotator | None = None,
    ) -> None:
        self.corpus = corpus
        #: ``--bodies``: annotations aligned from gold article bodies (importers/bodies.py).
        self.bodies = bodies
        self.report = ImportReport()
        self.total_units = 0
        if not max_document_mb > 0:  # also refuses NaN
            raise InputError(f"--max-document-mb must be more than 0, not {max_document_mb}")
        #: Largest document in bytes (of the file, of what it inflates to, of a jsonl line).
        self.limit = int(max_document_mb * MB)
        try:
            self.encoding = codec_name(encoding) if encoding else None
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}") from exc
        if annotator is not None and not is_valid_name(annotator):
            raise InputError(
                f"annotator name {annotator!r} is not valid (letters, digits, '.', '_', '-'; up to 128)"
            )
        self.annotator = annotator
        if timezone is not None and not is_time_zone(timezone):
            raise InputError(
                f"--timezone {timezone!r} is not a time zone: give an offset (+09:00), "
                "an abbreviation (KST) or a zone name (Asia/Seoul)"
            )
        #: The pages' time zone when a page states none (``extra["timezone"]`` of each
        #: document): what a date span's ISO value may carry (annotator/attribute_fill.py).
        self.timezone = timezone
        if source_format is not None and source_format not in ("jsonl", *TOOLS):
            raise InputError(f"--from {source_format!r}: choose one of jsonl, {', '.join(TOOLS)}")
        #: ``--from``: the format of every .json/.jsonl file (and, for brat, .txt file).
        self.source_format = source_format
        self.text_key = text_key
        try:
            entries = load_label_map(label_map) if label_map is not None else None
            self.mapper = LabelMapper(corpus.scheme, entries, label_map)
        except LabelMapError as exc:
            raise InputError(str(exc)) from exc
        #: Other tools' files, read whole while planning: labels are checked before writing.
        self._foreign: dict[Path, foreign.ForeignFile] = {}
        self._roots: list[Path] = []
        self._hashes: dict[str, str] | None = None
        self._ids: IdAllocator | None = None
        self._locks: dict[str, AnnotatorLock | None] = {}
        self._lock_errors: dict[str, str] = {}

    # ---- planning

    def collect(self, paths: Iterable[Path | str]) -> list[Path]:
        """Every file to import, in order; raises :class:`InputError` before any import."""
        roots = [Path(p) for p in paths]
        if not roots:
            raise InputError("nothing to import: give files or folders")
        corpus_root = self.corpus.root.resolve()
        for root in roots:
            if not root.exists():
                raise InputError(f"{root}: no such file or folder")
            resolved = root.resolve()
            if resolved == corpus_root or corpus_root in resolved.parents:
                raise InputError(f"{root}: is inside the corpus; import from outside it")
        files: list[Path] = []
        explicit = {root for root in roots if not root.is_dir()}
        self._roots = roots
        for root in roots:
            if root.is_dir():
                files.extend(self._walk(root, corpus_root))
            elif input_format(root) is None:
                self.report.problems.append(
                    ImportProblem(str(root), None, f"unknown file type (import reads {_KNOWN})")
                )
            else:
                files.append(root)
        # Other tools' files are parsed whole here and held until they are written: millions
        # of small objects and no reference cycles, which the collector would otherwise walk
        # again and again as they pile up (a third of the parse for Label Studio's lists).
        with gc_paused():
            plan = detect.plan(files, explicit, forced=self.source_format, limit=self.limit, text_key=self.text_key)
        self.report.problems.extend(ImportProblem(*p) for p in plan.problems)
        self.report.skipped.extend(ImportProblem(*p) for p in plan.skipped)
        self._foreign = plan.foreign
        self._check_labels()
        files = plan.files
        self.total_units = sum(self._units(f) for f in files)
        return files

    def _check_labels(self) -> None:
        """Stop before anything is written when other tools' files use labels the scheme
        does not have, with a ready-to-edit label map written for them (never in the corpus)."""
        unknown = self.mapper.unknown(doc for f in self._foreign.values() for doc in f.documents)
        if not unknown:
            return
        entries = template_entries(unknown, self.corpus.scheme, self.mapper.entries)
        first = next(p for p, f in self._foreign.items() if self.mapper.unknown(f.documents)).resolve()
        # Beside the folder given rather than among the files it holds (a re-import would read it).
        near = next((r for r in self._roots if r.is_dir() and r.resolve() in first.parents), first)
        template, why = write_template(entries, near, self.corpus.root)
        raise UnknownLabelsError(
            unknown_labels_message(unknown, template, self.corpus.scheme, why), unknown, template
        )

    def _walk(self, root: Path, corpus_root: Path) -> Iterator[Path]:
        """Files under ``root`` in sorted, depth-first order; hidden names are skipped."""
        seen: set[Path] = set()
        stack = [root]
        while stack:
            folder = stack.pop()
            real = folder.resolve()
            if real in seen or real == corpus_root:
                continue  # a symlink loop, or the corpus itself
            seen.add(real)
            try:
                with os.scandir(folder) as it:
                    entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
            except OSError as exc:
                self.report.problems.append(ImportProblem(str(folder), None, f"cannot list: {exc.strerror or exc}"))
                continue
            subfolders = []
            for entry in entries:
                path = folder / entry.name
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False  # a link to itself: the reader reports it as a file
                if is_dir:
                    subfolders.append(path)
                elif input_format(path) is not None:
                    # Files of a folder come before its subfolders' files.
                    yield path
                else:
                    self.report.skipped.append(
                        ImportProblem(str(path), None, f"skipped: unknown file type (import reads {_KNOWN})")
                    )
            stack.extend(reversed(subfolders))

    def _units(self, path: Path) -> int:
        """Progress units of a file: its lines for jsonl (cheap to count), its records for
        another tool's file, else one."""
        if path in self._foreign:
            return max(1, len(self._foreign[path].documents))
        # Counted through the same guarded reader as the import: a FIFO must not block here.
        return count_lines(path) if input_format(path) == "jsonl" else 1

    # ---- running

    def run(self, files: list[Path]) -> Iterator[str]:
        """Import ``files``; yields each source once it is done (for progress bars)."""
        lock = ImportLock(self.corpus).acquire()
        try:
            self.report.cleaned = self._clean_leftovers()
            self._load_corpus_state()
            for path in files:
                kind = input_format(path)
                if path in self._foreign:
                    yield from self._import_foreign(path)
                elif kind == "jsonl":
                    yield from self._import_jsonl(path)
                else:
                    doc = self._read_file(path, kind or "txt")
                    if doc is not None:
                        self._add_page(doc, ImportProblem(str(path), None, ""))
                    yield str(path)
        finally:
            for held in self._locks.values():
                if held is not None:
                    held.release()
            lock.release()

    def _clean_leftovers(self) -> int:
        """Remove what a killed import left in ``documents/``; returns how many files.

        Runs under the import lock, so nothing found is being written: atomic-write
        temporaries (``.NAME.XXXX.tmp``), and documents that were never committed. The meta
        file commits a document (text first, then meta), so a text or kept HTML without its
        meta is debris; so is a meta without its text, which the older order (meta first)
        left. A document that has an annotation is not debris but damage, left to
        ``annotator validate``.
        """
        folder = self.corpus.documents_dir
        try:
            with os.scandir(folder) as it:
                names = [e.name for e in it if e.is_file(follow_symlinks=False)]
        except OSError:
            return 0
        present = set(names)
        debris = [n for n in names if n.startswith(".") and n.endswith(".tmp")]
        stems: dict[str, set[str]] = {}
        for name in names:
            for suffix in (TEXT_SUFFIX, META_SUFFIX, HTML_SUFFIX):
                if name.endswith(suffix) and not name.startswith("."):
                    stems.setdefault(name[: -len(suffix)], set()).add(suffix)
        annotated: set[str] = set()
        for annotator in [*self.corpus.annotators(), GOLD]:
            annotated |= self.corpus.annotated_ids(annotator)
        for stem, suffixes in stems.items():
            committed = META_SUFFIX in suffixes and TEXT_SUFFIX in suffixes
            if committed or stem in annotated:
                continue
            debris.extend(stem + suffix for suffix in suffixes)
        cleaned = 0
        for name in debris:
            if name not in present:
                continue
            try:
                (folder / name).unlink()
                cleaned += 1
            except OSError:
                pass  # read-only or gone: the ids stay taken below, nothing is overwritten
        return cleaned

    def _load_corpus_state(self) -> None:
        """Hashes and ids of the documents already there: one scan, one meta read each."""
        hashes: dict[str, str] = {}
        taken: set[str] = set()
        try:
            with os.scandir(self.corpus.documents_dir) as it:
                names = [e.name for e in it if not e.name.startswith(".")]
        except FileNotFoundError:
            names = []
        for name in names:
            for suffix in (TEXT_SUFFIX, META_SUFFIX, HTML_SUFFIX):
                if name.endswith(suffix):
                    taken.add(name[: -len(suffix)])
        # Orphan annotation files would otherwise attach themselves to a new document.
        for annotator in [*self.corpus.annotators(), GOLD]:
            taken |= self.corpus.annotated_ids(annotator)
        for doc_id in self.corpus.doc_ids():
            sha = None
            try:
                sha = orjson.loads(self.corpus.meta_path(doc_id).read_bytes()).get("text_sha256")
            except (OSError, orjson.JSONDecodeError, AttributeError, CorpusError):
                sha = None
            if not isinstance(sha, str):
                try:
                    sha = sha256_text(self.corpus.read_text(doc_id))
                except CorpusError:
                    continue  # validate reports it
            hashes.setdefault(sha, doc_id)
        self._hashes = hashes
        self._ids = IdAllocator(taken)

    # ---- reading inputs

    def _read_file(self, path: Path, kind: str) -> _Doc | None:
        where = ImportProblem(str(path), None, "")
        try:
            data, gz = read_document(path, self.limit)
        except InputFileError as exc:
            self._problem(where, str(exc))
            return None
        try:
            decoded = decode_html(data, self.encoding) if kind == "html" else decode(data, forced=self.encoding)
        except DecodeError as exc:
            self._problem(where, str(exc))
            return None
        if decoded.bad_lines:
            self.report.warnings.append(
                where._replace(line=decoded.bad_lines[0].line, message=_bad_lines_message(decoded.bad_lines))
            )
        if kind == "txt":
            text, changes = normalise_text(decoded.text)
            return _Doc(
                text, file_stem(path), str(path), "txt", decoded.encoding, decoded.confidence,
                [*decoded.normalised, *changes],
            )
        try:
            page = html_to_text(decoded.text)
        except HtmlError as exc:
            self._problem(where, str(exc))
            return None
        text, changes = normalise_text(page.text)
        # The original bytes as they were (the .gz file itself when it is one) for extractors.
        raw = gz if gz is not None else gzip.compress(data, mtime=0)
        encoding, normalised = decoded.encoding, [*decoded.normalised, "html-to-text", *changes]
        if kept_html_text(gzip.decompress(raw), encoding, normalised) != decoded.text:
            # What is recorded would not read the kept bytes back as they were decoded here
            # (it always should): keep the page as decoded, in UTF-8, and say so, rather than
            # an original that ``annotator suggest`` would read differently or not at all.
            raw = gzip.compress(decoded.text.encode("utf-8", errors="surrogatepass"), mtime=0)
            encoding, normalised = "utf-8", [KEPT_AS_UTF8, *normalised]
        return _Doc(
            text, file_stem(path), str(path), "html", encoding, decoded.confidence, normalised,
            url=page.url, title=page.title, html_meta=page.meta, html_gz=raw,
        )

    def _import_jsonl(self, path: Path) -> Iterator[str]:
        where = ImportProblem(str(path), None, "")
        try:
            handle = open_stream(path)
        except InputFileError as exc:
            self._problem(where, str(exc))
            yield str(path)
            return
        stem = file_stem(path)
        with handle:
            lineno = 0
            try:
                while True:
                    lineno += 1
                    try:
                        raw = read_line(handle, self.limit)
                    except InputFileError as exc:  # one line too long: the others still import
                        self._problem(where._replace(line=lineno), str(exc))
                        yield f"{path}:{lineno}"
                        continue
                    if raw is None:
                        break
                    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    if not raw.strip():
                        continue
                    self._import_line(path, stem, lineno, raw)
                    yield f"{path}:{lineno}"
            except (OSError, EOFError, zlib.error) as exc:  # a broken gzip stream
                self._problem(where._replace(line=lineno), f"cannot read further: {exc}")
                yield str(path)

    def _import_line(self, path: Path, stem: str, lineno: int, raw: bytes) -> None:
        where = ImportProblem(str(path), lineno, "")
        try:
            record = parse_line(raw, lineno)
        except LineError as exc:
            self._problem(where, str(exc))
            return
        wanted = record.id if record.id is not None else f"{stem}-{lineno}"
        source = f"{path}:{lineno}"
        spans = record.spans
        if record.text is not None:
            if record.text_sha256 is not None and record.text_sha256 != sha256_text(record.text):
                self._problem(where, "'text_sha256' does not match the text: the text was changed after export")
                return
            if spans:
                offset_problems = check_span_offsets(record.text, spans)
                if offset_problems:
                    self._problem(where, "; ".join(offset_problems[:5]))
                    return
                try:
                    text, changes, spans = normalise_with_spans(record.text, spans)
                except LineError as exc:
                    self._problem(where, str(exc))
                    return
            else:
                text, changes = normalise_text(record.text)
            html_gz = gzip.compress(record.html.encode("utf-8"), mtime=0) if record.html else None
            doc = _Doc(text, wanted, source, "jsonl", "utf-8", 1.0, changes, html_gz=html_gz)
            html_meta: dict[str, str] = {}
        else:
            if spans:
                self._problem(where, "has 'spans' but no 'text': spans need the text they were made on")
                return
            assert record.html is not None
            try:
                page = html_to_text(record.html)
            except HtmlError as exc:
                self._problem(where, str(exc))
                return
            text, changes = normalise_text(page.text)
            html_meta = page.meta
            doc = _Doc(
                text, wanted, source, "jsonl", "utf-8", 1.0, ["html-to-text", *changes],
                url=page.url, title=page.title, html_meta=html_meta,
                html_gz=gzip.compress(record.html.encode("utf-8"), mtime=0),
            )
        doc.url = record.url or doc.url
        doc.title = record.title or doc.title
        doc.extra = record.extra
        doc.html_meta = html_meta
        annotator = self.annotator or record.annotator or DEFAULT_ANNOTATOR
        if spans is None:
            self._add_page(doc, where)
        else:
            self._add(doc, [(annotator, record, spans)], where)

    def _import_foreign(self, path: Path) -> Iterator[str]:
        stem = file_stem(path)
        for n, doc in enumerate(self._foreign.pop(path).documents, 1):
            self._import_foreign_doc(path, stem, n, doc)
            yield f"{path}:{doc.line or n}"

    def _import_foreign_doc(self, path: Path, stem: str, n: int, doc: ForeignDocument) -> None:
        """One document of another tool: its labels mapped (:mod:`labelmap`), its text
        normalised with the spans moved as for a jsonl line, then added like one."""
        name = f"{doc.source} ({doc.where})" if doc.line is None and doc.where else str(doc.source)
        where = ImportProblem(name, doc.line, "")
        for line, message in doc.problems:
            self._problem(where._replace(line=line), message)
        for message in doc.warnings:
            self.report.warnings.append(where._replace(message=message))
        records = self.mapper.records(doc, self.annotator or DEFAULT_ANNOTATOR)
        if doc.left_out:
            self.report.not_imported.update(doc.left_out)
            listed = "; ".join(f"{count} {reason}" for reason, count in sorted(doc.left_out.items()))
            self.report.warnings.append(where._replace(message=f"not imported: {listed}"))
        annotations: list[tuple[str, JsonlRecord, list[dict[str, Any]]]] = []
        for record in records:
            try:
                text, changes, spans = normalise_with_spans(doc.text, record.spans or [])
            except LineError as exc:
                self._problem(where, str(exc))
                return
            annotations.append((record.annotator or DEFAULT_ANNOTATOR, record, spans))
        if not records:
            text, changes = normalise_text(doc.text)
        if doc.tool == "brat":
            wanted, source = stem, str(path)
        else:
            wanted = doc.id if doc.id is not None else f"{stem}-{doc.line or n}"
            source = f"{path}:{doc.line}" if doc.line is not None else f"{path}#{n}"
        extra = {**doc.extra, "source_tool": doc.tool}
        self._add(
            _Doc(text, wanted, source, doc.source_format, doc.encoding, 1.0, changes, extra=extra),
            annotations, where,
        )

    # ---- writing

    def _add_page(self, doc: _Doc, where: ImportProblem) -> None:
        """:meth:`_add` a page that brings no annotation of its own: with ``--bodies``, the one
        aligned from its gold body, checked and saved like any other."""
        if self.bodies is None:
            self._add(doc, [], where)
            return
        problems = len(self.report.problems)
        self._add(doc, self.bodies.annotations(doc.wanted_id, doc.source, doc.text), where)
        assert self._hashes is not None
        # No problem reported: the annotation is in the corpus (written, or already there
        # with the same spans when the page's text was).
        self.bodies.placed(doc.source, self._hashes.get(sha256_text(doc.text)), len(self.report.problems) == problems)

    def _add(
        self,
        doc: _Doc,
        annotations: Sequence[tuple[str, JsonlRecord, list[dict[str, Any]]]],
        where: ImportProblem,
    ) -> None:
        """Add ``doc`` with its annotations, each (annotator, record, spans on doc.text);
        when one annotation is refused, nothing of the document is written."""
        assert self._hashes is not None and self._ids is not None
        if not doc.text.strip():
            self._problem(where, "no text to import (empty, or no visible text in the page)")
            return
        sha = sha256_text(doc.text)
        existing = self._hashes.get(sha)
        built: list[tuple[str, Annotation]] = []
        for annotator, record, spans in annotations:
            annotation = self._annotation(record, spans, doc.text, sha, annotator, existing, where)
            if annotation is None:
                return
            built.append((annotator, annotation))
        if existing is not None:
            self.report.skipped_duplicates += 1
            self.report.skipped.append(where._replace(message=f"skipped: same text as document {existing}"))
            for annotator, annotation in built:
                self._attach(annotation.model_copy(update={"doc_id": existing}), annotator, where)
            return
        doc_id = self._ids.allocate(doc.wanted_id, sha)
        try:
            meta = DocumentMeta(
                doc_id=doc_id,
                text_sha256=sha,
                chars=len(doc.text),
                source=doc.source,
                source_format=doc.source_format,  # type: ignore[arg-type]
                url=doc.url,
                title=doc.title,
                encoding=doc.encoding,
                encoding_confidence=doc.confidence,
                normalised=doc.normalised,
                html_meta=doc.html_meta,
                html_source=f"{doc_id}{HTML_SUFFIX}" if doc.html_gz is not None else None,
                extra=(
                    {"timezone": self.timezone, **doc.extra} if self.timezone else doc.extra
                ),
            )
        except ValidationError as exc:
            self._problem(where, f"not imported: {exc}")
            return
        paths = [self.corpus.text_path(doc_id), self.corpus.meta_path(doc_id), self.corpus.html_path(doc_id)]
        there_before = [p.exists() for p in paths]
        try:
            self.corpus.add_document(doc.text, meta, doc.html_gz)
        except (ValueError, CorpusError, OSError) as exc:
            # A disk that filled up between the text and the meta must not leave half a
            # document: remove what this call wrote (never what was there before it).
            for path, before in zip(paths, there_before, strict=True):
                if not before:
                    with contextlib.suppress(OSError):
                        path.unlink()
            self._problem(where, f"not imported: {exc}")
            return
        self._hashes[sha] = doc_id
        self.report.imported += 1
        self.report.documents.append(ImportedDocument(doc_id, doc.source, built[0][0] if built else None))
        for annotator, annotation in built:
            self._save(annotation.model_copy(update={"doc_id": doc_id}), annotator, where)

    def _annotation(
        self,
        record: JsonlRecord,
        spans: list[dict[str, Any]],
        text: str,
        sha: str,
        annotator: str,
        existing: str | None,
        where: ImportProblem,
    ) -> Annotation | None:
        """The line's annotation, checked against the text and the scheme, or None (reported)."""
        if not is_valid_name(annotator):
            self._problem(where, f"annotator name {annotator!r} is not valid")
            return None
        if record.status is not None and record.status not in STATUSES:
            self._problem(where, f"status {record.status!r} is not one of {', '.join(STATUSES)}")
            return None
        # The id is not known yet (it may even be an existing document's): check with a stand-in.
        try:
            annotation = Annotation(
                doc_id=existing or "pending",
                text_sha256=sha,
                annotator=annotator,
                status=record.status or ("in_progress" if spans else "todo"),  # type: ignore[arg-type]
                doc_labels=record.doc_labels or {},
                spans=spans,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            self._problem(where, "bad annotation: " + "; ".join(str(p) for p in pydantic_problems(exc)[:5]))
            return None
        # The same verdict as every reader's (loading.is_usable): rule breaks of unfinished
        # work come in as they are (an `export --allow-incomplete` must import back), with a
        # warning; anything else refuses the line. A "done" line is held to the done rule.
        problems = rule_problems(annotation, text, self.corpus.scheme)
        if not is_usable(problems):
            self._problem(where, "bad annotation: " + "; ".join(str(p) for p in problems[:5]))
            return None
        if problems:
            self.report.warnings.append(
                where._replace(
                    message=f"imported with {len(problems)} rule break(s) of unfinished work "
                    "(`annotator validate` lists them): " + "; ".join(str(p) for p in problems[:3])
                )
            )
        if not self._lock_for(annotator, where):
            return None
        return annotation

    def _lock_for(self, annotator: str, where: ImportProblem) -> bool:
        """Hold ``annotator``'s lock for the run, so an open app does not write over us."""
        if annotator not in self._locks:
            lock = self.corpus.lock(annotator)
            try:
                lock.acquire()
                self._locks[annotator] = lock
            except CorpusError as exc:
                self._locks[annotator] = None
                self._lock_errors[annotator] = exc.message
        if self._locks[annotator] is None:
            reason = self._lock_errors.get(annotator, "")
            self._problem(where, f"annotations of {annotator!r} are locked ({reason}); not imported")
            return False
        return True

    def _attach(self, annotation: Annotation, annotator: str, where: ImportProblem) -> None:
        """Spans for a document already in the corpus: written unless a file is there."""
        path = self.corpus.annotation_path(annotator, annotation.doc_id)
        if path.exists():
            try:
                current = orjson.loads(path.read_bytes())
            except (OSError, orjson.JSONDecodeError):
                current = None
            same = isinstance(current, dict) and (
                current.get("spans") == [s.model_dump() for s in annotation.spans]
                and current.get("doc_labels", {}) == annotation.doc_labels
            )
            if not same:
                self._problem(where, f"{path} already exists with other spans; not overwritten")
            return
        self._save(annotation, annotator, where)

    def _save(self, annotation: Annotation, annotator: str, where: ImportProblem) -> None:
        if annotator == GOLD:
            annotation = annotation.model_copy(update={"annotator": GOLD})
        path = self.corpus.annotation_path(annotator, annotation.doc_id)
        if path.exists():
            self._problem(where, f"{path} already exists; not overwritten")
            return
        try:
            self.corpus.save_annotation(annotation, annotator=annotator)
        except (CorpusError, OSError) as exc:
            self._problem(where, f"annotation not written: {exc}")
            return
        self.report.annotations += 1

    def _problem(self, where: ImportProblem, message: str) -> None:
        self.report.problems.append(where._replace(message=message))


def _bad_lines_message(bad_lines: tuple[BadLine, ...]) -> str:
    """"not UTF-8 like the rest of the file: line 6 read as cp949; line 9 ..."."""
    groups: dict[str, list[int]] = {}
    for bad in bad_lines:
        groups.setdefault(bad.decoded_as, []).append(bad.line)
    parts = []
    for how, lines in groups.items():
        shown = ", ".join(str(n) for n in lines[:10]) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
        what = "bad bytes replaced by U+FFFD" if how == "replaced" else f"read as {how}"
        parts.append(f"{'line' if len(lines) == 1 else 'lines'} {shown} {what}")
    return "not UTF-8 like the rest of the file: " + "; ".join(parts)


def import_paths(
    corpus: Corpus,
    paths: Iterable[Path | str],
    *,
    encoding: str | None = None,
    annotator: str | None = None,
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB,
    timezone: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    source_format: str | None = None,
    label_map: Path | str | None = None,
    text_key: str | None = None,
) -> ImportReport:
    """Import files and folders into ``corpus`` and say what happened.

    ``on_progress(done, total)`` is called after each document (a jsonl line counts as one).
    Raises :class:`InputError` for bad usage (missing path, unknown encoding, bad annotator
    name, a limit that is not positive) before anything is written,
    :class:`ImportLockedError` when another import is running (naming it) and
    :class:`CorpusError` when the corpus cannot be written. A document (a jsonl line) larger
    than ``max_document_mb`` is a problem of the report; the rest still imports.

    Other tools' files (doccano, Label Studio, brat; ``source_format`` forces one) have their
    labels mapped with ``label_map`` (a JSON file); a label the scheme does not have raises
    :class:`UnknownLabelsError` before anything is written.
    """
    importer = Importer(
        corpus, encoding=encoding, annotator=annotator, max_document_mb=max_document_mb,
        timezone=timezone, source_format=source_format, label_map=label_map, text_key=text_key,
    )
    files = importer.collect(paths)
    for done, _ in enumerate(importer.run(files), 1):
        if on_progress is not None:
            on_progress(done, max(done, importer.total_units))
    return importer.report
