"""``annotator suggest --dask ADDRESS``: the per-document suggestions on a Dask cluster.

This process keeps everything that touches the corpus: it computes the corpus-wide state
(site lines, gazetteer, model), holds the ``suggestions`` lock, reads each document and
writes each file through the same code as the local path. Only
:func:`annotator.suggest.runner.suggest_document` runs on the workers, so they need
``article-annotator`` (and LightGBM with ``--model``) installed, not the corpus folder.

Results come back in document order, a bounded number in flight, so a corpus of millions
of documents never sits in memory at once and the report lists problems in the order the
local path does.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from annotator.corpus import Corpus, CorpusError
from annotator.model import Annotation, LabelScheme
from annotator.suggest.engine import DocInput
from annotator.suggest.runner import (
    Distribute,
    DocOutcome,
    read_for_suggestions,
    save_suggestions,
    suggest_document,
)

#: ``--dask local``: start a cluster on this machine instead of joining one.
LOCAL = "local"
#: Seconds to wait for the scheduler before giving up (``--dask-timeout``).
CONNECT_TIMEOUT = 10.0
#: Documents in flight per worker thread: enough to keep every worker busy while this
#: process reads and writes, few enough to bound memory.
IN_FLIGHT_PER_THREAD = 4
MISSING_EXTRA = "--dask needs the extra dask: pip install 'article-annotator[dask]'"


class ClusterError(Exception):
    """The cluster cannot be used (not installed, unreachable) or failed; one line."""


@contextmanager
def dask_client(address: str, *, workers: int, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A ``distributed.Client`` connected to the scheduler at ``address``, or to a new
    :class:`distributed.LocalCluster` of ``workers`` single-threaded processes when
    ``address`` is ``local``; closed (and the local cluster stopped) on exit.

    Raises :class:`ClusterError` when the extra is not installed or the scheduler does
    not answer within ``timeout`` seconds.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(MISSING_EXTRA) from exc
    cluster = None
    try:
        if address == LOCAL:
            # Processes, one thread each: the engine is pure Python and holds the GIL.
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster, timeout=timeout)
        else:
            client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise ClusterError(f"--dask {address}: cannot reach the Dask scheduler: {message}") from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _remote(state: dict[str, Any], doc: DocInput, site: str) -> tuple[Annotation, str]:
    # Module level, so workers import it by name (a closure would be pickled by value).
    scheme: LabelScheme = state["scheme"]
    return suggest_document(state, scheme, doc, site)


def _threads(client: Any) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # a scheduler that does not say: assume a small cluster
        return 1


def on_cluster(client: Any) -> Distribute:
    """The ``distribute`` argument of :func:`annotator.suggest.runner.suggest_corpus` that
    runs the documents on ``client``'s workers."""
    return functools.partial(run_on_cluster, client)


def run_on_cluster(
    client: Any, corpus: Corpus, tasks: list[tuple[str, str]], state: dict[str, Any]
) -> Iterator[DocOutcome]:
    """Each ``(doc_id, site)`` of ``tasks`` suggested on ``client``'s workers and written
    here; the outcomes in task order. Raises :class:`ClusterError` when a worker fails
    (a worker without ``article-annotator``, a worker lost): what was written stays, as
    after an interrupted local run."""
    # Sent once to every worker, not with each task: the gazetteer and site lines can be big.
    shared = client.scatter(state, broadcast=True, hash=False)
    window = IN_FLIGHT_PER_THREAD * _threads(client)
    pending: deque[tuple[DocOutcome, Any]] = deque()

    def finish() -> DocOutcome:
        outcome, future = pending.popleft()
        if future is None:
            return outcome  # not readable here: its problem is already set
        try:
            annotation, outcome.method = future.result()
        except Exception as exc:
            for _, other in pending:
                if other is not None:
                    other.cancel()
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise ClusterError(
                f"the Dask cluster failed on document {outcome.doc_id}: {type(exc).__name__}: {detail}"
            ) from exc
        return save_suggestions(corpus, outcome, annotation)

    for doc_id, site in tasks:
        outcome = DocOutcome(doc_id)
        try:
            doc = read_for_suggestions(corpus, doc_id)
        except CorpusError as exc:
            outcome.problem = str(exc)
            pending.append((outcome, None))
        else:
            pending.append((outcome, client.submit(_remote, shared, doc, site, pure=False)))
        while len(pending) > window:
            yield finish()
    while pending:
        yield finish()
