"""Batch workers collect garbage as a batch (annotator.workers.batch_gc): every pool's workers
after their initializer, and a ``--jobs 1`` run in the command's own process, which gets
the collector back as it was."""

from __future__ import annotations

import gc

import pytest

from annotator.workers import BATCH_GC_THRESHOLD, batch_gc, process_pool

_GIVEN: list[str] = []


def _remember(value: str) -> None:
    _GIVEN.append(value)


def _worker_state(_: int) -> tuple[list[str], int, int]:
    return list(_GIVEN), gc.get_threshold()[0], gc.get_freeze_count()


@pytest.mark.parametrize("runs_lightgbm", [False, True], ids=["fork", "fresh"])
def test_pool_workers_run_their_initializer_then_collect_as_a_batch(runs_lightgbm: bool) -> None:
    with process_pool(2, _remember, ("state",), runs_lightgbm=runs_lightgbm) as pool:
        states = list(pool.map(_worker_state, range(4)))
    for given, threshold, frozen in states:
        assert given == ["state"]
        assert threshold == BATCH_GC_THRESHOLD
        assert frozen > 0  # the state the initializer made is out of the scans


def test_a_batch_in_this_process_gives_the_collector_back() -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with batch_gc():
        assert gc.get_threshold() == (BATCH_GC_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError), batch_gc():
        raise ValueError("a page that fails")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
