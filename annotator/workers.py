"""Worker process pools that may be started from any process.

A worker forked from a process that has already run LightGBM can hang for ever: LightGBM
runs on OpenMP, whose GNU implementation (libgomp) keeps a pool of threads that fork() does
not copy, and the child blocks on its first OpenMP region, loading a model for instance.
``annotator suggest --jobs 2`` with a trained model did exactly that (found in session 8:
the command loads the model once to check it, then forked its workers, which loaded it
again and never returned). Pools whose workers run LightGBM therefore start them with
``forkserver`` (``spawn`` where there is none): fresh processes that inherit nothing of
this one. Other pools keep ``fork``, which starts faster and shares the parent's memory.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any


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
    """A pool of ``max_workers`` processes, each set up by ``initializer(*initargs)``.

    ``runs_lightgbm``: the workers load or run a LightGBM model; they are then started
    fresh (see the module doc), and ``initargs`` must pickle.
    """
    context = fresh_process_context() if runs_lightgbm else None
    return ProcessPoolExecutor(
        max_workers=max_workers, mp_context=context, initializer=initializer, initargs=initargs
    )
