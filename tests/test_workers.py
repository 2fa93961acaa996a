"""Worker pools that run LightGBM start fresh processes (annotator.workers).

``annotator suggest --jobs 2`` with a trained model loads the model once in the command's
own process (to check it), which starts OpenMP's threads there; workers forked from it then
hung for ever on their own first OpenMP call (loading the model). The commands run here as a
user runs them, in a process of their own, with a time limit: with forked workers they never
finish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotator.workers import fresh_process_context, process_pool
from tests.cli_helpers import run

pytest.importorskip("lightgbm")

FIXTURES = Path(__file__).parent / "fixtures" / "bodies"
ROOT = Path(__file__).resolve().parents[1]
#: A normal run takes a few seconds; a hung one never ends.
LIMIT = 180


def annotator(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "annotator", *argv], capture_output=True, text=True, timeout=LIMIT, env=env
    )


@pytest.fixture()
def trained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    bodies = ["--bodies", str(FIXTURES / "ground-truth.json")]
    assert run(capsys, "import", str(root), str(FIXTURES / "html"), *bodies)[0] == 0
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    return root


def test_suggest_with_a_model_in_two_processes_finishes(trained: Path) -> None:
    done = annotator("suggest", str(trained), "--jobs", "2", "--json")
    assert done.returncode == 0, done.stderr
    report = orjson.loads(done.stdout)
    assert (report["written"], report["methods"], report["problems"]) == (4, {"model": 4}, [])
    assert len(list((trained / "annotations" / "suggestions").glob("*.json"))) == 4


def test_assign_by_uncertainty_with_a_model_in_two_processes_finishes(trained: Path) -> None:
    done = annotator("assign", str(trained), "--annotators", "a", "b", "--order", "uncertain", "--jobs", "2", "--json")
    assert done.returncode == 0, done.stderr
    plan = orjson.loads((trained / "assignments.json").read_bytes())
    assert sorted(plan["documents"]) == sorted(p.name[: -len(".meta.json")] for p in (trained / "documents").glob("*.meta.json"))


def _square(x: int) -> int:
    return x * x


def test_pools_that_run_lightgbm_start_fresh_processes() -> None:
    with process_pool(2, print, (), runs_lightgbm=True) as pool:
        assert pool._mp_context.get_start_method() == fresh_process_context().get_start_method()  # type: ignore[attr-defined]
        assert pool._mp_context.get_start_method() in ("forkserver", "spawn")  # type: ignore[attr-defined]
    with process_pool(2, print, (), runs_lightgbm=False) as pool:
        assert list(pool.map(_square, range(5))) == [0, 1, 4, 9, 16]
