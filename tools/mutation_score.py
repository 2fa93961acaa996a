"""Print the mutation score per module from mutmut's results (``make mutate``).

mutmut 3 keeps one ``mutants/PATH.meta`` JSON per mutated file with the exit code of the test
run against each mutant; this turns them into one table and lists the survivors, so the
README's figures come from one command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

MUTANTS = Path("mutants")


def main() -> int:
    metas = sorted(MUTANTS.rglob("*.py.meta"))
    if not metas:
        print("no mutmut results: run `make mutate` first", file=sys.stderr)
        return 2
    print(f"{'module':32} {'mutants':>8} {'killed':>7} {'survived':>9} {'no tests':>9} {'other':>6} {'score':>7}")
    totals = {"mutants": 0, "killed": 0, "survived": 0, "no tests": 0, "other": 0}
    survivors: list[str] = []
    for meta in metas:
        codes: dict[str, int | None] = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
        if not codes:
            continue
        row = {"mutants": len(codes), "killed": 0, "survived": 0, "no tests": 0, "other": 0}
        for name, code in codes.items():
            status = status_by_exit_code[code]
            if status in ("killed", "timeout", "caught by type check"):
                row["killed"] += 1
            elif status in ("survived", "no tests"):
                row[status] += 1
                survivors.append(f"{status:9} {name}")
            else:
                row["other"] += 1
        for key in totals:
            totals[key] += row[key]
        module = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
        print(_line(module, row))
    print(_line("total", totals))
    print()
    print("survivors (inspect one with `mutmut show NAME`):")
    for line in survivors:
        print(f"  {line}")
    return 0


def _line(module: str, row: dict[str, int]) -> str:
    # Score as mutmut's badge counts it: killed (and timed out) of those tested.
    tested = row["mutants"] - row["other"]
    score = 100.0 * row["killed"] / tested if tested else 0.0
    return (
        f"{module:32} {row['mutants']:>8} {row['killed']:>7} {row['survived']:>9} "
        f"{row['no tests']:>9} {row['other']:>6} {score:>6.1f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
