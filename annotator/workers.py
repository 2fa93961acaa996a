"""Worker process pools that may be started from any process.

A worker forked from a process that has already run LightGBM can hang for ever: LightGBM
runs on OpenMP, whose GNU implementation (libgomp) keeps a pool of threads that fork() does
not copy, and the child blocks on its first OpenMP region, loading a model for instance.
``annotator suggest --jobs 2`` with a trained model did exactly that (found in session 8:
the command loads the model once to check it, then forked its workers, which loaded it
again and never returned). Pools whose workers run LightGBM therefore start them with
``forkserver`` (``spawn`` where there is none): fresh processes that inherit nothing of
this one. Other pools keep ``fork``, which starts faster and shares the parent's memory.

Workers handle many pages each, and make and drop many small objects a page (tokens,
lines, spans): the garbage collector's youngest generation, collected every 700
allocations, scanned them over and over, and each full collection walked the state the
worker was given (a corpus's site tables). :func:`batch_gc` collects every
:data:`BATCH_GC_THRESHOLD` allocations instead and leaves the state given out of its scans
(``gc.freeze``). What a worker computes does not change; it runs about 5% faster (``annotator
suggest`` on 1,000 pages, 2 processes, measured in session 11).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import Any

#: Allocations between two collections of the youngest generation in a batch (CPython's
#: default is 700); the older generations keep their default ratios.
BATCH_GC_THRESHOLD = 100_000


def _batch_thresholds() -> None:
    gc.freeze()  # what exists now (the state given) is never scanned again
    gc.set_threshold(BATCH_GC_THRESHOLD, *gc.get_threshold()[1:])


@contextmanager
def batch_gc() -> Iterator[None]:
    """A batch of pages in this process (``--jobs 1``): collected as a worker is, and the
    collector as it was afterwards."""
    thresholds = gc.get_threshold()
    _batch_thresholds()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _start_worker(initializer: Callable[..., object], *initargs: Any) -> None:
    initializer(*initargs)
    _batch_thresholds()  # for the life of the worker


def fresh_process_context() -> BaseContext:
    """Workers that start from a clean process: forkserver, else spawn (Windows)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def process_pool(
    max_workers: int,
    initializer: Callable[..., object],
    initargs: tuple[Any, ...],
    *,
    runs_lightgbm: bool,
) -> ProcessPoolExecutor:
    """A pool of ``max_workers`` processes, each set up by ``initializer(*initargs)``, then
    collected as a batch (:func:`batch_gc`).

    ``runs_lightgbm``: the workers load or run a LightGBM model; they are then started
    fresh (see the module doc), and ``initargs`` must pickle.
    """
    context = fresh_process_context() if runs_lightgbm else None
    return ProcessPoolExecutor(
        max_workers=max_workers, mp_context=context, initializer=_start_worker, initargs=(initializer, *initargs)
    )
