"""Run an export: select, build records, split by site, write a format, write the manifest.

Two passes, so that splits can be balanced over whole sites without holding every record
in memory: pass 1 reads and checks each document and spools its record (one JSON line)
into the staging folder; pass 2 assigns the splits and feeds the spooled records to the
format's writer. The staging folder becomes ``--out`` only when everything succeeded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson

from annotator import __version__
from annotator.corpus import Corpus
from annotator.export.base import NO_SPLIT, Writer
from annotator.export.card import CARD_NAME, dataset_card
from annotator.export.conll import ConllWriter
from annotator.export.manifest import MANIFEST_NAME, DocSummary, ExportManifest, Tally
from annotator.export.output import FileInfo, staged_folder, write_file
from annotator.export.prepare import Job, prepare_documents
from annotator.export.records import entity_labels
from annotator.export.selection import Left
from annotator.export.splits import assign_splits
from annotator.loading import gc_paused
from annotator.model import GOLD, STATUSES, is_valid_name, utc_now

FORMATS = (
    "jsonl",
    "conll",
    "parquet",
    "text",
    "doccano",
    "label-studio",
    "brat",
    "spacy",
    "extraction-benchmark",
)
#: Formats whose tokens come from --tokenizer and whose tags or entities from --layer.
TOKENIZED = ("conll", "spacy")
CONLL_TEXTS = ("document", "articles")
SPOOL_NAME = ".records.spool"
#: Records are tens of kB each: a large buffer saves most of the spool's system calls.
SPOOL_BUFFER = 1 << 20

T = TypeVar("T")


class ExportError(Exception):
    """The export cannot run as asked (bad option, missing dependency).

    An unusable ``--out`` raises :class:`annotator.outputs.OutputPathError` instead.
    """


@dataclass
class ExportOptions:
    format: str
    out: Path
    source: str = GOLD
    statuses: tuple[str, ...] = ("done",)
    splits: list[tuple[str, float]] | None = None
    seed: int = 0
    allow_incomplete: bool = False
    force: bool = False
    # conll only
    layers: tuple[str, ...] = ("entity",)
    tokenizer: str = "default"
    conll_text: str = "document"
    #: Worker processes for reading and checking (None: the cores, for large exports).
    jobs: int | None = None

    def to_json(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "format": self.format,
            "source": self.source,
            "status": list(self.statuses),
            "split": dict(self.splits) if self.splits else None,
            "seed": self.seed,
            "allow_incomplete": self.allow_incomplete,
        }
        if self.format == "conll":
            options.update(layers=list(self.layers), tokenizer=self.tokenizer, text=self.conll_text)
        if self.format == "spacy":
            options.update(layers=list(self.layers), tokenizer=self.tokenizer)
        return options


@dataclass
class ExportResult:
    out: Path
    manifest: ExportManifest
    excluded: list[Left] = field(default_factory=list)

    @property
    def exported(self) -> int:
        return self.manifest.counts.documents


def _identity(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
    yield from items


def _check(corpus: Corpus, options: ExportOptions) -> None:
    if options.format not in FORMATS:
        raise ExportError(f"unknown format {options.format!r}; choose one of {', '.join(FORMATS)}")
    if not is_valid_name(options.source):
        raise ExportError(f"{options.source!r} is not a valid annotator name")
    if options.source != GOLD and options.source not in corpus.annotators():
        known = ", ".join([GOLD, *corpus.annotators()])
        raise ExportError(f"no annotator {options.source!r} in this corpus (there is: {known})")
    bad = [s for s in options.statuses if s not in STATUSES]
    if bad or not options.statuses:
        raise ExportError(f"status must be among {', '.join(STATUSES)}, not {', '.join(bad)}")
    layer_names = [layer.name for layer in corpus.scheme.layers]
    for name in options.layers:
        if name not in layer_names:
            raise ExportError(
                f"no layer {name!r} in the scheme (there is: {', '.join(layer_names)})"
            )
    if options.conll_text not in CONLL_TEXTS:
        raise ExportError(f"conll text must be one of {', '.join(CONLL_TEXTS)}")
    if options.format == "extraction-benchmark" and options.splits:
        raise ExportError("the extraction-benchmark format has no splits: leave out --split")
    # --out is checked by staged_folder (annotator.outputs.check_output_path), before any work.


def _tokenizer(options: ExportOptions) -> Callable[[str], list[tuple[int, int]]]:
    from annotator.export.tokenize import KiwiMissingError, get_tokenizer

    try:
        return get_tokenizer(options.tokenizer)
    except (KiwiMissingError, ValueError) as exc:
        raise ExportError(str(exc)) from exc


def _make_writer(corpus: Corpus, options: ExportOptions, folder: Path, splits: list[str]) -> Writer:
    # Imported here: a format's optional dependency is only needed when it is used.
    if options.format == "jsonl":
        from annotator.export.jsonl import JsonlWriter

        return JsonlWriter(folder, splits)
    if options.format == "doccano":
        from annotator.export.doccano import DoccanoWriter

        return DoccanoWriter(folder, splits)
    if options.format == "label-studio":
        from annotator.export.labelstudio import LabelStudioWriter

        return LabelStudioWriter(folder, splits, corpus.scheme, options.source)
    if options.format == "brat":
        from annotator.export.brat import BratWriter

        return BratWriter(folder, splits, corpus.scheme)
    if options.format == "extraction-benchmark":
        from annotator.export.benchmark import BenchmarkWriter

        return BenchmarkWriter(folder, splits, corpus)
    if options.format == "spacy":
        from annotator.export.spacy_docbin import SpacyMissingError, SpacyWriter

        try:
            return SpacyWriter(
                folder, splits, corpus.scheme, options.layers, _tokenizer(options)
            )
        except SpacyMissingError as exc:
            raise ExportError(str(exc)) from exc
    if options.format == "conll":
        tokenizer = _tokenizer(options)
        labels = frozenset(
            lb.name
            for layer in corpus.scheme.layers
            if layer.name in options.layers
            for lb in layer.labels
        )
        return ConllWriter(folder, splits, labels, tokenizer, options.conll_text)
    if options.format == "parquet":
        from annotator.export.parquet import ParquetWriter, PyarrowMissingError

        try:
            return ParquetWriter(folder, splits)
        except PyarrowMissingError as exc:
            raise ExportError(str(exc)) from exc
    from annotator.export.text import TextWriter

    return TextWriter(folder, splits)


def _preflight(corpus: Corpus, options: ExportOptions) -> None:
    """Fail on a missing optional dependency before reading the whole corpus."""
    if options.format == "parquet":
        from annotator.export.parquet import PyarrowMissingError, _pyarrow

        try:
            _pyarrow()
        except PyarrowMissingError as exc:
            raise ExportError(str(exc)) from exc
    if options.format == "spacy":
        from annotator.export.spacy_docbin import SpacyMissingError, _spacy

        try:
            _spacy()
        except SpacyMissingError as exc:
            raise ExportError(str(exc)) from exc
    if options.format in TOKENIZED:
        _tokenizer(options)


def export_corpus(
    corpus: Corpus,
    options: ExportOptions,
    progress: Callable[..., Iterator[Any]] = _identity,
    on_left: Callable[[Left], None] | None = None,
) -> ExportResult:
    """Export ``corpus`` as ``options`` say; ``on_left`` hears of each document left out."""
    _check(corpus, options)
    _preflight(corpus, options)
    entity_names = entity_labels(corpus.scheme)
    split_names = [name for name, _ in options.splits] if options.splits else []
    excluded: list[Left] = []
    incomplete: list[dict[str, Any]] = []
    summaries: list[DocSummary] = []
    with staged_folder(options.out, options.force, corpus.root) as staging:
        writer = _make_writer(corpus, options, staging, split_names)
        spool_path = staging / SPOOL_NAME
        spool = None
        try:
            # Without splits each record goes straight to the writer; with splits it
            # waits in the spool until every site is known.
            spool = spool_path.open("wb", buffering=SPOOL_BUFFER) if options.splits else None
            doc_ids = corpus.doc_ids()
            job = Job(
                str(corpus.root),
                options.source,
                options.statuses,
                options.allow_incomplete,
                options.format == "extraction-benchmark",
                entity_names,
            )
            prepared = prepare_documents(job, corpus, doc_ids, options.jobs)
            # Each document's parsed file and record are dropped once written and make no
            # reference cycles: the collector would only walk them again (see gc_paused).
            with gc_paused():
                for item in progress(prepared, total=len(doc_ids), desc="export"):
                    if isinstance(item, Left):
                        excluded.append(item)
                        if on_left:
                            on_left(item)
                        continue
                    summaries.append(item.summary)
                    if item.notes:
                        incomplete.append({"id": item.summary.doc_id, "reasons": item.notes})
                    if spool is None:
                        writer.write_serialized(item.line, None)
                    else:
                        spool.write(item.line)
            assignment = _assign(options, summaries)
            if spool is not None:
                spool.close()
                with spool_path.open("rb", buffering=SPOOL_BUFFER) as lines:
                    for doc, line in zip(summaries, lines, strict=True):
                        writer.write_serialized(line, assignment[doc.site])
                spool_path.unlink()
            files = writer.close()
        except BaseException:
            if spool is not None:
                spool.close()  # before the staging folder is removed (Windows)
            writer.abort()
            raise
        manifest = _manifest(corpus, options, writer, files, summaries, assignment)
        manifest.excluded = [left.to_json() for left in excluded]
        manifest.included_incomplete = incomplete
        # The card describes the files written so far and is itself one of them, listed in
        # the manifest so that a later --force export may replace the whole folder.
        card = write_file(staging / CARD_NAME, dataset_card(manifest).encode())
        manifest.files[CARD_NAME] = card.to_json()
        write_file(
            staging / MANIFEST_NAME,
            orjson.dumps(manifest.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n",
        )
    return ExportResult(options.out, manifest, excluded)


def _assign(options: ExportOptions, summaries: list[DocSummary]) -> dict[str, str]:
    site_sizes = Counter(doc.site for doc in summaries)
    if options.splits and summaries:
        return assign_splits(dict(site_sizes), options.splits, options.seed)
    return dict.fromkeys(site_sizes, NO_SPLIT)


def _manifest(
    corpus: Corpus,
    options: ExportOptions,
    writer: Writer,
    files: dict[str, FileInfo],
    summaries: list[DocSummary],
    assignment: dict[str, str],
) -> ExportManifest:
    warnings: list[str] = list(writer.warnings)
    split_names = [name for name, _ in options.splits] if options.splits else [NO_SPLIT]
    total = Tally()
    tallies = {name: Tally() for name in split_names}
    documents: dict[str, list[str]] = {name: [] for name in split_names}
    for doc in summaries:
        name = assignment[doc.site]
        tallies[name].add(doc)
        total.add(doc)
        documents[name].append(doc.doc_id)
    if isinstance(writer, ConllWriter):
        documents = writer.documents
        if writer.dropped_spans:
            warnings.append(
                f"{writer.dropped_spans} span(s) cut by boilerplate were left out of the "
                "articles' clean text"
            )
    if options.splits:
        for name in split_names:
            if not tallies[name].documents:
                warnings.append(
                    f"split {name!r} has no documents ({len(assignment)} site(s) in all): "
                    "a site is never divided between splits"
                )
    return ExportManifest(
        tool_version=__version__,
        created=utc_now(),
        corpus=corpus.manifest.name,
        corpus_path=str(corpus.root.absolute()),
        format=options.format,
        source=options.source,
        options=options.to_json(),
        allow_incomplete=options.allow_incomplete,
        scheme=corpus.scheme,
        counts=total.to_model(),
        splits={name: tally.to_model() for name, tally in tallies.items()},
        documents=documents,
        files={path: info.to_json() for path, info in sorted(files.items())},
        excluded=[],
        warnings=warnings,
    )
