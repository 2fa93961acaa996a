"""Pass 1 of an export, in this process or in worker processes: read, check, build records.

Most of an export's time is spent per document before anything is written: parsing the
annotation, checking every rule, cutting the clean text, building the record. That work is
independent from one document to the next, so on a machine with several cores it runs in
worker processes, each reading its share of the documents straight from the corpus folder;
this process only writes what they send back, in id order. The records are sent as the
JSON lines the writers take (:meth:`~annotator.export.base.Writer.write_serialized`), so a
record is serialised once, where it is built.

Small exports run here, in one process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

import orjson

from annotator.corpus import Corpus
from annotator.export.benchmark import has_html
from annotator.export.manifest import DocSummary
from annotator.export.records import build_record
from annotator.export.selection import Left, Taken, select_documents
from annotator.export.splits import site_of

#: Below this many documents an export runs in one process.
PARALLEL_FROM = 2000
#: Documents per task sent to a worker: large enough that the hand-over costs little,
#: small enough that the workers finish together.
CHUNK = 200
#: Tasks in flight per worker: the output keeps up, and memory stays bounded.
AHEAD = 3


@dataclass(frozen=True, slots=True)
class Job:
    """What every document of one export is prepared with (picklable: sent to workers)."""

    root: str
    source: str
    statuses: tuple[str, ...]
    allow_incomplete: bool
    benchmark: bool
    entity_names: frozenset[str]


@dataclass(slots=True)
class Prepared:
    """A document taken: its record as one JSON line (``split`` still null), what the
    manifest counts of it, and why it was let in incomplete (``notes``)."""

    summary: DocSummary
    line: bytes
    notes: list[str]


def _prepare(job: Job, corpus: Corpus, item: Taken | Left) -> Prepared | Left:
    if job.benchmark and isinstance(item, Taken) and not has_html(corpus, item.doc_id):
        return Left(
            item.doc_id,
            "no-html",
            "no original HTML kept (imported from text or jsonl without html): "
            "nothing for an extractor to run on",
        )
    if isinstance(item, Left):
        return item
    record = build_record(
        item.doc_id, item.text, item.url, item.annotation, job.source, job.entity_names
    )
    summary = DocSummary(item.doc_id, site_of(item.url, item.doc_id), record)
    return Prepared(summary, orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE), item.notes)


def _prepare_all(
    job: Job, corpus: Corpus, doc_ids: list[str], annotated: Container[str] | None = None
) -> Iterator[Prepared | Left]:
    chosen = select_documents(
        corpus, job.source, job.statuses, job.allow_incomplete, doc_ids, annotated
    )
    for item in chosen:
        yield _prepare(job, corpus, item)


# --------------------------------------------------------------------------- workers

_worker: tuple[Job, Corpus, set[str]] | None = None


def _init_worker(job: Job) -> None:
    global _worker
    corpus = Corpus.open(job.root)
    # Once per worker, not once per task: a listing of the source's folder.
    _worker = (job, corpus, corpus.annotated_ids(job.source))


def _work(doc_ids: list[str]) -> list[Prepared | Left]:
    assert _worker is not None, "the worker was not initialised"
    job, corpus, annotated = _worker
    return list(_prepare_all(job, corpus, doc_ids, annotated))


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def prepare_documents(
    job: Job, corpus: Corpus, doc_ids: list[str], jobs: int | None = None
) -> Iterator[Prepared | Left]:
    """One :class:`Prepared` or :class:`~annotator.export.selection.Left` per document, in
    the order of ``doc_ids``; with ``jobs`` > 1 (by default: the cores, for exports of at
    least :data:`PARALLEL_FROM` documents) in that many worker processes."""
    workers = default_jobs() if jobs is None else max(1, jobs)
    if workers == 1 or (jobs is None and len(doc_ids) < PARALLEL_FROM):
        yield from _prepare_all(job, corpus, doc_ids)
        return
    chunks = iter([doc_ids[i : i + CHUNK] for i in range(0, len(doc_ids), CHUNK)])
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(job,)) as pool:
        pending: list[Future[list[Prepared | Left]]] = [
            pool.submit(_work, chunk) for chunk in islice(chunks, workers * AHEAD)
        ]
        try:
            while pending:
                done = pending.pop(0).result()  # a worker's error is raised here
                following = next(chunks, None)
                if following is not None:
                    pending.append(pool.submit(_work, following))
                yield from done
        finally:
            for future in pending:
                future.cancel()
