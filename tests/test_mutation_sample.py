"""tools/mutation_sample.py: the sample is reproducible and the interval is Wilson's."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mutation_sample", ROOT / "tools" / "mutation_sample.py")
assert _spec is not None and _spec.loader is not None
sample_tool = importlib.util.module_from_spec(_spec)
sys.modules["mutation_sample"] = sample_tool
_spec.loader.exec_module(sample_tool)

NAMES = [f"annotator.rules.x_f__mutmut_{i}" for i in range(1, 200)] + [
    f"annotator.corpus.xǁCorpusǁsave__mutmut_{i}" for i in range(1, 100)
]


def test_the_same_seed_draws_the_same_sample_whatever_the_order_of_the_names() -> None:
    first = sample_tool.draw(NAMES, 50, seed=7)
    again = sample_tool.draw(list(reversed(NAMES)), 50, seed=7)
    other = sample_tool.draw(NAMES, 50, seed=8)
    assert first == again
    assert len(first) == len(set(first)) == 50
    assert set(first) <= set(NAMES)
    assert first != other


def test_a_sample_as_large_as_the_population_is_the_population() -> None:
    assert sample_tool.draw(NAMES[:10], 50, seed=1) == sorted(NAMES[:10])


def test_wilson_interval_matches_the_textbook_value() -> None:
    # 95 successes of 100 at 95%: (0.888, 0.978) in Newcombe (1998), Table I's method 3.
    low, high = sample_tool.wilson(95, 100)
    assert round(low, 3) == 0.888
    assert round(high, 3) == 0.978
    # All killed: the interval still has room below 1 (the normal one would be [1, 1]).
    low, high = sample_tool.wilson(40, 40)
    assert high == 1.0 and round(low, 3) == 0.912
    assert sample_tool.wilson(0, 0) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("annotator.rules.x_check_annotation__mutmut_12", "annotator/rules.py"),
        ("annotator.export.conll.x_write__mutmut_3", "annotator/export/conll.py"),
        ("annotator.corpus.xǁCorpusǁsave_annotation__mutmut_7", "annotator/corpus.py"),
    ],
)
def test_module_of_a_mutant(name: str, module: str) -> None:
    assert sample_tool.module_of(name) == module


def test_report_counts_the_sample_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mutmut")
    meta = tmp_path / "mutants" / "annotator" / "rules.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {f"annotator.rules.x_f__mutmut_{i}": 1 for i in range(1, 9)}  # 1: killed
    codes["annotator.rules.x_f__mutmut_9"] = 0  # survived
    codes["annotator.rules.x_f__mutmut_10"] = None  # not run, and not in the sample
    meta.write_text(json.dumps({"exit_code_by_key": codes}), "utf-8")
    monkeypatch.chdir(tmp_path)
    sample = sorted(name for name in codes if not name.endswith("_10"))
    assert sample_tool.report(sample, sample_tool.all_mutants(), len(codes)) == 0
    out = capsys.readouterr().out
    assert "annotator/rules.py                          9       8         1         0        0" in out
    assert "sample: 9 of 10 mutants; 9 run, 8 killed: score 88.9%" in out
    assert "survived  annotator.rules.x_f__mutmut_9" in out


def test_report_without_a_sample_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert sample_tool.main(["--report"]) == 2
    assert "mutants/sample.json: no sample yet" in capsys.readouterr().err


def test_modules_run_in_full_count_exactly_and_the_sample_stands_for_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("mutmut")
    folder = tmp_path / "mutants" / "annotator"
    folder.mkdir(parents=True)
    # rules.py run in full: 90 of 100 killed. corpus.py: 300 mutants, 10 sampled, 5 killed.
    rules = {f"annotator.rules.x_f__mutmut_{i}": (1 if i <= 90 else 0) for i in range(1, 101)}
    corpus = {f"annotator.corpus.x_g__mutmut_{i}": None for i in range(1, 301)}
    sample = [f"annotator.corpus.x_g__mutmut_{i}" for i in range(1, 11)]
    corpus.update({name: (1 if k < 5 else 0) for k, name in enumerate(sample)})
    (folder / "rules.py.meta").write_text(json.dumps({"exit_code_by_key": rules}), "utf-8")
    (folder / "corpus.py.meta").write_text(json.dumps({"exit_code_by_key": corpus}), "utf-8")
    monkeypatch.chdir(tmp_path)
    line = sample_tool.stratified(sample, sample_tool.all_mutants())
    low, high = sample_tool.wilson(5, 10)
    # (90 + 300 * 0.5) / 400 = 60%; the interval scales Wilson's over the 300 sampled ones.
    assert line == (
        "stratified: 1 module(s) run in full, 90 of 100 killed; the other 300 mutants from the "
        f"sample's 5 of 10: score 60.0% (95% interval {(90 + 300 * low) / 4:.1f}% to {(90 + 300 * high) / 4:.1f}%)"
    )
    assert sample_tool.report(sample, sample_tool.all_mutants(), 400) == 0
    assert line in capsys.readouterr().out


def test_no_stratified_line_when_no_module_ran_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mutmut")
    folder = tmp_path / "mutants" / "annotator"
    folder.mkdir(parents=True)
    codes = {"annotator.rules.x_f__mutmut_1": 1, "annotator.rules.x_f__mutmut_2": None}
    (folder / "rules.py.meta").write_text(json.dumps({"exit_code_by_key": codes}), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert sample_tool.stratified(["annotator.rules.x_f__mutmut_1"], sample_tool.all_mutants()) is None
