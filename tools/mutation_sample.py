"""Estimate the core's mutation score from a random sample of its mutants (``make mutate-sample``).

Running every mutant of the Qt-free core (about 16,000 with mutmut 3) takes many hours on a
2-core machine, because most mutants are covered by hundreds of tests and a survivor runs all of
them. A simple random sample of the mutants, drawn with a fixed seed from every mutant mutmut
generates for the modules in ``setup.cfg``'s ``only_mutate``, gives an unbiased estimate of the
score with a confidence interval (Wilson's), in bounded time. The survivors of the sample are
listed, so each one can be killed by a new test or named as equivalent.

Steps (each one a plain ``mutmut`` command, so a run can be resumed or inspected):

1. ``mutmut run 'annotator.status.x_*'`` generates the mutants, records which tests cover which
   function (the statistics pass) and runs the small ``status`` module; skipped when
   ``mutants/mutmut-stats.json`` already exists.
2. The sample is drawn from the mutant names in ``mutants/**/*.py.meta`` and written to
   ``mutants/sample.json``.
3. ``mutmut run NAME...`` runs the sampled mutants that have no result yet (all of them with
   ``--again``), so an interrupted run resumes; ``--survivors`` runs the sample's survivors
   again, after new tests were written for them (the same sample: the seed and the names are
   kept in ``mutants/sample.json``).
4. The table: per module, then the estimate over the sample with its 95% interval. When some
   modules were run in full (``mutmut run 'annotator.MODULE.x*'``), a stratified estimate
   follows: their exact counts plus the sample's rate over the other modules.

``--report`` prints step 4 again from the results on disk.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
SAMPLE_FILE = MUTANTS / "sample.json"
#: Run first, to generate the mutants and collect statistics: the core's smallest module.
FIRST_RUN = "annotator.status.x_*"
#: mutmut's exit codes (``mutmut.stats.status_by_exit_code``) that count as killed.
KILLED = ("killed", "timeout", "caught by type check")


def all_mutants() -> dict[str, int | None]:
    """Every generated mutant's name and its last exit code (None: not run)."""
    codes: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes.update(json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {}))
    return codes


def draw(names: list[str], size: int, seed: int) -> list[str]:
    """A simple random sample of ``size`` names, the same for the same names and seed."""
    population = sorted(names)
    if size >= len(population):
        return population
    return sorted(random.Random(seed).sample(population, size))


def wilson(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson's score interval for a proportion: sound near 100%, unlike the normal one."""
    if n == 0:
        return 0.0, 0.0
    p = killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def module_of(name: str) -> str:
    """``annotator.export.conll.x_f__mutmut_3`` -> ``annotator/export/conll.py``."""
    dotted = name.split(".x", 1)[0] if ".x_" in name else name.split(".xǁ", 1)[0]
    return dotted.replace(".", "/") + ".py"


def report(sample: list[str], codes: dict[str, int | None], population: int) -> int:
    from mutmut.stats import status_by_exit_code

    rows: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    for name in sample:
        status = status_by_exit_code[codes.get(name)]
        verdict = "killed" if status in KILLED else status
        rows.setdefault(module_of(name), Counter())[verdict] += 1
        if verdict in ("survived", "no tests"):
            survivors.append(f"{verdict:9} {name}")
    print(f"{'module':36} {'sampled':>8} {'killed':>7} {'survived':>9} {'no tests':>9} {'not run':>8}")
    total: Counter[str] = Counter()
    for module in sorted(rows):
        row = rows[module]
        total.update(row)
        print(_line(module, row))
    print(_line("total", total))
    tested = total["killed"] + total["survived"] + total["no tests"]
    low, high = wilson(total["killed"], tested)
    print()
    print(
        f"sample: {len(sample)} of {population} mutants; {tested} run, {total['killed']} killed: "
        f"score {100 * total['killed'] / tested if tested else 0:.1f}% "
        f"(95% interval {100 * low:.1f}% to {100 * high:.1f}%)"
    )
    estimate = stratified(sample, codes)
    if estimate is not None:
        print(estimate)
    print()
    print("survivors (inspect one with `mutmut show NAME`):")
    for line in survivors:
        print(f"  {line}")
    return 0


def stratified(sample: list[str], codes: dict[str, int | None]) -> str | None:
    """The score over every mutant, when some modules were run in full (``mutmut run
    'annotator.MODULE.x*'``): their exact counts, plus the sample's rate over the other modules
    times their number of mutants. The interval is Wilson's on the sampled part only (the
    full part has none). None when no module was run in full, or none is left to sample.
    """
    from mutmut.stats import status_by_exit_code

    by_module: dict[str, list[str]] = {}
    for name in codes:
        by_module.setdefault(module_of(name), []).append(name)
    full = {m for m, names in by_module.items() if all(codes[n] is not None for n in names)}
    if not full:
        return None

    def killed(name: str) -> bool:
        return status_by_exit_code[codes.get(name)] in KILLED

    full_total = sum(len(by_module[m]) for m in full)
    full_killed = sum(killed(n) for m in full for n in by_module[m])
    rest_total = len(codes) - full_total
    rest_sample = [n for n in sample if module_of(n) not in full and codes.get(n) is not None]
    if not rest_sample:
        return None
    rest_killed = sum(killed(n) for n in rest_sample)
    low, high = wilson(rest_killed, len(rest_sample))
    rate = rest_killed / len(rest_sample)

    def share(r: float) -> float:
        return 100 * (full_killed + rest_total * r) / len(codes)

    return (
        f"stratified: {len(full)} module(s) run in full, {full_killed} of {full_total} killed; "
        f"the other {rest_total} mutants from the sample's {rest_killed} of {len(rest_sample)}: "
        f"score {share(rate):.1f}% (95% interval {share(low):.1f}% to {share(high):.1f}%)"
    )


def _line(module: str, row: Counter[str]) -> str:
    sampled = sum(row.values())
    return (
        f"{module:36} {sampled:>8} {row['killed']:>7} {row['survived']:>9} {row['no tests']:>9} "
        f"{row['not checked']:>8}"
    )


def mutmut(args: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.call([sys.executable, "-m", "mutmut", *args], env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="mutants in the sample (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the sample (default 1)")
    parser.add_argument("--max-children", type=int, default=2, help="mutmut's parallel children")
    parser.add_argument("--again", action="store_true", help="run sampled mutants that have a result too")
    parser.add_argument(
        "--survivors", action="store_true", help="run again only the sample's survivors (after new tests)"
    )
    parser.add_argument("--report", action="store_true", help="only print the table of the last sample")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be at least 1")

    if args.report:
        if not SAMPLE_FILE.is_file():
            print(f"{SAMPLE_FILE}: no sample yet: run `make mutate-sample` first", file=sys.stderr)
            return 2
        saved = json.loads(SAMPLE_FILE.read_text("utf-8"))
        return report(saved["names"], all_mutants(), saved["population"])

    if not (MUTANTS / "mutmut-stats.json").is_file():
        mutmut(["run", "--max-children", str(args.max_children), FIRST_RUN])
    codes = all_mutants()
    if not codes:
        print("mutmut generated no mutants: check only_mutate in setup.cfg", file=sys.stderr)
        return 2
    if args.survivors and SAMPLE_FILE.is_file():
        # The same sample as before, whatever the population is now (a fixed file can add
        # mutants): its survivors are what the new tests were written for.
        saved = json.loads(SAMPLE_FILE.read_text("utf-8"))
        sample = [name for name in saved["names"] if name in codes]
    else:
        sample = draw(list(codes), args.size, args.seed)
        SAMPLE_FILE.write_text(
            json.dumps({"seed": args.seed, "population": len(codes), "names": sample}, indent=1), "utf-8"
        )
    # A result on disk stands (an interrupted run resumes where it stopped); --again runs all.
    pending = [name for name in sample if args.again or codes[name] is None]
    if args.survivors:
        from mutmut.stats import status_by_exit_code

        # And any whose result was reset (mutmut forgets the results of a file that changed).
        pending = [n for n in sample if status_by_exit_code[codes[n]] in ("survived", "no tests", "not checked")]
    if pending:
        mutmut(["run", "--max-children", str(args.max_children), *pending])
    return report(sample, all_mutants(), len(codes))


if __name__ == "__main__":
    sys.exit(main())
