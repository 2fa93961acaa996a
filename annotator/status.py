"""Progress of a corpus: documents per status per annotator, the files that are broken, and
what a project lead needs to see who needs help: each annotator's assigned work (from
``assignments.json``), active time per done document, and agreement with the others on the
overlap documents."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotator.agreement.compute import compute_agreement
from annotator.assign import Assignments, assignments_path, load_assignments
from annotator.corpus import Corpus, CorpusError
from annotator.loading import (
    CheckedAnnotation,
    check_annotation_file,
    gc_paused,
    read_document_text,
)
from annotator.model import GOLD, STATUSES, SUGGESTIONS, Status

#: Decimal places of the time figures (minutes, documents per hour): a lead reads them, and
#: the seconds they come from are whole numbers anyway.
TIME_DIGITS = 2


@dataclass
class _Tally:
    """What one pass over the corpus found, per annotator."""

    counts: dict[str, dict[str, int]]
    broken: dict[str, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    #: The status of each usable file (a broken file is in none).
    statuses: dict[str, dict[str, Status]] = field(default_factory=dict)
    #: The broken files' documents.
    broken_ids: dict[str, set[str]] = field(default_factory=dict)
    #: ``time_spent_s`` of each usable done file.
    seconds: dict[str, list[int]] = field(default_factory=dict)


def corpus_status(corpus: Corpus) -> dict[str, Any]:
    """``{"name", "documents", "annotators": {NAME: {status: count}}, "broken": {NAME:
    count}, "files_with_problems": [{"annotator", "doc_id", "path", "problems"}],
    "assignments", "team", "agreement_pairs"}``.

    A document with no file for an annotator counts as ``todo`` for them; gold is listed
    as the annotator ``gold`` when it has any file. The reserved annotator ``suggestions``
    (the tool's own proposals) is nobody's progress and is not listed; ``validate`` still
    checks its files. A file that is not usable (see :mod:`annotator.loading`: it does not
    parse, does not fit its text, has an unknown label...) counts under no status, whatever
    it says, but as broken, with its problems: a file the editor opens read-only and that
    ``agree`` and ``export`` leave out is not progress. Each document's text is read once,
    for all its files.

    The team keys (see :func:`_team_report`) come from the same pass, the plan in
    ``assignments.json`` (None without one; a plan that cannot be used raises
    :class:`CorpusError` naming it) and ``agree``'s measures on the overlap documents.
    """
    doc_ids = corpus.doc_ids()
    # The plan before any file is read: a broken plan is refused at once (checked against
    # this listing, not a second one).
    plan = load_assignments(corpus, set(doc_ids))
    names = [name for name in corpus.annotators() if name != SUGGESTIONS]
    if corpus.annotated_ids(GOLD):
        names = [*names, GOLD]
    tally = _tally(corpus, doc_ids, names)
    report: dict[str, Any] = {
        "name": corpus.manifest.name,
        "documents": len(doc_ids),
        "annotators": tally.counts,
        "broken": tally.broken,
        "files_with_problems": tally.files,
    }
    report.update(_team_report(corpus, plan, tally))
    return report


def annotator_time(corpus: Corpus, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The time figures (:func:`time_figures`) of each of ``names``, over their usable done
    files: what ``agree`` lists beside its annotators, the same numbers ``status`` shows."""
    tally = _tally(corpus, corpus.doc_ids(), list(names))
    return {name: time_figures(tally.seconds[name]) for name in names}


def time_figures(seconds: Iterable[int]) -> dict[str, Any]:
    """Active time of one annotator's done documents (``time_spent_s`` of each).

    A document with 0 seconds was done where no time was counted (an older app, an import,
    a hand edit): it is counted in ``no_time_recorded`` and left out of the median and the
    rate, which it would otherwise drag towards zero time and an endless rate.
    """
    values = list(seconds)
    timed = [s for s in values if s > 0]
    total = sum(timed)
    return {
        "done": len(values),
        "timed": len(timed),
        "no_time_recorded": len(values) - len(timed),
        "active_seconds": total,
        "median_active_minutes": round(statistics.median(timed) / 60, TIME_DIGITS) if timed else None,
        "docs_per_active_hour": round(len(timed) * 3600 / total, TIME_DIGITS) if total else None,
    }


def _team_report(corpus: Corpus, plan: Assignments | None, tally: _Tally) -> dict[str, Any]:
    """``{"assignments", "team", "agreement_pairs"}`` (see the README's ``status --json``).

    The team is every annotator with a file (not gold, not suggestions) and every annotator
    in the plan. Overlap documents are the plan's documents with more than one assignee; one
    is *finished by all* when every assignee's file is usable and ``done``: those are what
    ``agree`` can use. A pair's agreement is ``agree``'s, for those two annotators, over the
    overlap documents both are assigned that are finished by all (without a plan: the
    documents both marked done, as ``agree --annotators A B`` counts).
    """
    names = sorted({n for n in tally.counts if n != GOLD} | set(plan.annotators if plan else ()))
    statuses = {name: tally.statuses.get(name, {}) for name in names}
    done = {name: {d for d, s in statuses[name].items() if s == "done"} for name in names}
    team: dict[str, dict[str, Any]] = {}
    for name in names:
        team[name] = {
            "assigned": None,
            "overlap": None,
            "time": time_figures(tally.seconds.get(name, [])),
        }
    shared: dict[tuple[str, str], list[str]] = {}
    assignments: dict[str, Any] | None = None
    if plan is not None:
        overlap_ids = plan.overlap_ids()
        finished = {d for d in overlap_ids if all(d in done[n] for n in plan.documents[d])}
        for name in names:
            queue = plan.annotators.get(name, [])
            team[name]["assigned"] = _assigned(queue, statuses[name], tally.broken_ids.get(name, set()))
            mine = [d for d in queue if len(plan.documents[d]) > 1]
            team[name]["overlap"] = {
                "assigned": len(mine),
                "finished_by_all": sum(1 for d in mine if d in finished),
            }
        for doc_id in overlap_ids:
            for pair in combinations(sorted(plan.documents[doc_id]), 2):
                # A planned pair is listed even before it has a finished document.
                docs = shared.setdefault(pair, [])
                if doc_id in finished:
                    docs.append(doc_id)
        assignments = {
            "path": str(assignments_path(corpus)),
            "annotators": len(plan.annotators),
            "documents": len(plan.documents),
            "overlap_documents": len(overlap_ids),
            "overlap_finished_by_all": len(finished),
        }
    else:
        for a, b in combinations(names, 2):
            both = done[a] & done[b]
            if both:
                shared[(a, b)] = sorted(both)
    pairs = [_pair(corpus, a, b, sorted(shared[(a, b)])) for a, b in sorted(shared)]
    for name in names:
        team[name]["agreement"] = _summary(name, pairs)
    return {"assignments": assignments, "team": team, "agreement_pairs": pairs}


def _assigned(queue: list[str], statuses: dict[str, Status], broken: set[str]) -> dict[str, int]:
    """One queue's documents by where its annotator is: no file is ``todo``, a file that is
    not usable is ``broken`` (as in the status counts), so the parts add up to ``total``."""
    out = {"total": len(queue), **dict.fromkeys(STATUSES, 0), "broken": 0}
    for doc_id in queue:
        if doc_id in broken:
            out["broken"] += 1
        else:
            out[statuses.get(doc_id, "todo")] += 1
    return out


def _pair(corpus: Corpus, a: str, b: str, doc_ids: list[str]) -> dict[str, Any]:
    """``agree``'s overall figures for ``a`` and ``b`` on ``doc_ids``."""
    entry: dict[str, Any] = {"a": a, "b": b, "documents": 0}
    if not doc_ids:
        for key in ("f1_exact", "f1_overlap", "alpha_u"):
            entry[key] = None
            entry[f"{key}_reason"] = "no overlap document finished by both yet"
        entry["kappa_char"] = {}
        return entry
    result = compute_agreement(corpus, [a, b], doc_ids=doc_ids)
    (measured,) = result["pairs"]
    entry["documents"] = result["documents"]
    overall = measured["overall"]
    for key in ("f1_exact", "f1_overlap"):
        entry[key] = overall[key]
        if f"{key}_reason" in overall:
            entry[f"{key}_reason"] = overall[f"{key}_reason"]
    entry["alpha_u"] = measured["alpha_u"]
    if "alpha_u_reason" in measured:
        entry["alpha_u_reason"] = measured["alpha_u_reason"]
    entry["kappa_char"] = measured["kappa_char"]
    if "kappa_char_reasons" in measured:
        entry["kappa_char_reasons"] = measured["kappa_char_reasons"]
    return entry


def _summary(name: str, pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """``name``'s agreement with the others: the mean over the pairs with a value."""
    mine = [p for p in pairs if name in (p["a"], p["b"]) and p["documents"]]
    out: dict[str, Any] = {"pairs": len(mine), "documents": sum(p["documents"] for p in mine)}
    for key in ("f1_exact", "f1_overlap"):
        values = [p[key] for p in mine if p[key] is not None]
        out[f"mean_{key}"] = statistics.fmean(values) if values else None
    return out


# --------------------------------------------------------------------------- the pass


def _tally(corpus: Corpus, doc_ids: list[str], names: list[str]) -> _Tally:
    present = {name: corpus.annotated_ids(name) for name in names}
    tally = _Tally(
        counts={name: dict.fromkeys(STATUSES, 0) for name in names},
        broken=dict.fromkeys(names, 0),
        statuses={name: {} for name in names},
        broken_ids={name: set() for name in names},
        seconds={name: [] for name in names},
    )
    with gc_paused():
        for doc_id in doc_ids:
            _count_document(corpus, doc_id, names, present, tally)
    return tally


def _count_document(
    corpus: Corpus, doc_id: str, names: list[str], present: dict[str, set[str]], tally: _Tally
) -> None:
    """Count one document's files (its text read once, for all of them)."""
    counts = tally.counts
    have = [name for name in names if doc_id in present[name]]
    for name in names:
        if doc_id not in present[name]:
            counts[name]["todo"] += 1
    if not have:
        return
    try:
        text: str | None
        text, sha = read_document_text(corpus, doc_id)
    except CorpusError:
        text = sha = None  # each file then reports the document's problem itself
    for name in have:
        # Usable or not is the question: unfinished work need not be looked for.
        checked = check_annotation_file(corpus, name, doc_id, text, sha, work_in_progress=False)
        if checked.usable:
            status = checked.status
            assert status is not None
            counts[name][status] += 1
            tally.statuses[name][doc_id] = status
            if status == "done":
                tally.seconds[name].append(checked.time_spent_s)
        else:
            tally.broken[name] += 1
            tally.broken_ids[name].add(doc_id)
            tally.files.append(_broken_entry(name, doc_id, checked))


def _broken_entry(annotator: str, doc_id: str, checked: CheckedAnnotation) -> dict[str, Any]:
    return {
        "annotator": annotator,
        "doc_id": doc_id,
        "path": checked.path,
        "message": checked.summary(),
        "problems": [p.to_json() for p in checked.blocking],
    }
