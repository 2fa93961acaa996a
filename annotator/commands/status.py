from __future__ import annotations

import argparse
from typing import Any

from annotator.commands.common import EXIT_OK, EXIT_PROBLEMS, error, open_corpus, print_json
from annotator.model import GOLD, STATUSES
from annotator.status import corpus_status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status",
        help="progress per annotator and status; assigned work, time and agreement per annotator",
    )
    p.add_argument("corpus")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args.corpus)
    report = corpus_status(corpus)
    broken = report.get("files_with_problems", [])
    # Exit 1 when some file is broken: it is data with problems, counted under no status.
    code = EXIT_PROBLEMS if broken else EXIT_OK
    if args.json:
        print_json(report)
        return code
    header = ["annotator", *STATUSES, "done %"]
    rows = []
    for name, counts in report["annotators"].items():
        pct = 100.0 * counts["done"] / report["documents"] if report["documents"] else 0.0
        rows.append([name + (" (adjudicated)" if name == GOLD else ""), *(str(counts[s]) for s in STATUSES), f"{pct:.0f}%"])
    print(f"{report['name']}: {report['documents']} documents")
    _print_table(header, rows)
    if _has_team_news(report):
        print()
        _print_team(report)
    if broken:
        for entry in broken:
            error(f"{entry['path']}: {entry['message']}")
        files = "file" if len(broken) == 1 else "files"
        print(f"{len(broken)} {files} with problems (run annotator validate), counted under no status")
    return code


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))))


def _has_team_news(report: dict[str, Any]) -> bool:
    """Whether the team tables say anything: a plan, some recorded time or a compared pair.
    Without any, they would be all dashes, so the progress table stands alone."""
    team = report.get("team", {})
    return bool(
        report.get("assignments") is not None
        or any(entry["time"]["timed"] for entry in team.values())
        or report.get("agreement_pairs")
    )


def _num(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _print_team(report: dict[str, Any]) -> None:
    plan = report.get("assignments")
    header = ["annotator", "assigned", "done", "in progress", "todo", "overlap", "min/doc",
              "docs/h", "no time", "F1 w/ others"]
    rows = []
    for name, entry in report["team"].items():
        assigned, overlap, time = entry["assigned"], entry["overlap"], entry["time"]
        if assigned is None or overlap is None:
            planned = ["-"] * 5
        else:
            planned = [str(assigned["total"]), str(assigned["done"]), str(assigned["in_progress"]),
                       str(assigned["todo"]), f"{overlap['finished_by_all']}/{overlap['assigned']}"]
        rows.append([
            name, *planned,
            _num(time["median_active_minutes"], 2), _num(time["docs_per_active_hour"], 2),
            str(time["no_time_recorded"]), _num(entry["agreement"]["mean_f1_overlap"], 3),
        ])
    _print_table(header, rows)
    print("(assigned to todo: their queue; overlap: finished by every assignee / in their queue; min/doc,")
    print(" docs/h: active time of all their done documents except the \"no time\" ones)")
    if plan is None:
        print("No assignments.json: run `annotator assign` to plan queues and overlap.")
    else:
        print(f"Overlap documents finished by every assignee: {plan['overlap_finished_by_all']} "
              f"of {plan['overlap_documents']} (what agree compares)")
    pairs = report.get("agreement_pairs", [])
    if not pairs:
        return
    layers = list(dict.fromkeys(layer for p in pairs for layer in p["kappa_char"]))
    print()
    where = ("overlap documents every assignee finished" if plan is not None
             else "documents both marked done")
    print(f"Agreement per pair, on the {where}:")
    _print_table(
        ["pair", "documents", "F1 exact", "F1 overlap", "alpha_u", *[f"kappa {x}" for x in layers]],
        [[f"{p['a']}/{p['b']}", str(p["documents"]), _num(p["f1_exact"], 3), _num(p["f1_overlap"], 3),
          _num(p["alpha_u"], 3), *[_num(p["kappa_char"].get(x), 3) for x in layers]] for p in pairs],
    )
