"""Who annotates which document, and in what order: ``CORPUS/assignments.json`` (a contract).

::

    {"schema_version": 1, "seed": 7, "overlap": 0.2, "per_overlap": 2,
     "annotators": {"alice": ["doc-3", "doc-1", ...], ...},   # each queue, in working order
     "documents": {"doc-1": ["alice", "bob"], "doc-3": ["alice"], ...},
     "order": "uncertain"}                                     # optional, see below

The plan (:func:`plan`):

* ``round_half_up(overlap * n)`` of the ``n`` documents are *overlap* documents, each given
  to ``per_overlap`` distinct annotators (what agreement is measured on); every other
  document goes to one annotator. On a later run the target is the same fraction of *all*
  planned documents, so the overall fraction stays exact as documents are added.
* Loads are balanced within one document: overlap documents per annotator, single
  documents per annotator and the total, each max - min <= 1 on a fresh plan (an
  incremental run fills the least loaded first, so it stays as level as the old plan
  allows).
* Overlap documents are spread evenly through each queue, not bunched at its end, so an
  annotator who stops half way has still done half of their share of agreement documents.
* Everything random comes from ``numpy.random.default_rng(seed)``: the same seed, corpus
  and options give the same plan, byte for byte.

``order`` (absent: ``given``) is how the last run ordered the documents it added to each
queue: ``given`` keeps the seeded shuffle above; ``uncertain`` hands each queue its new
documents in the order of ``arrange`` (the command passes
:func:`annotator.uncertainty.uncertain_order`: most uncertain first, interleaved across
sites). Who gets which document is the same either way (the same seed gives the same
queues' contents); the overlap documents then fall where their uncertainty puts them
instead of at evenly spaced places (they are a random sample, so spread on average).

Running again assigns only documents not in the plan yet, appended to the queues; nothing
already planned moves. :func:`rebalance` takes an annotator who left off the plan: their
untouched documents go to the others (least loaded first, never twice to the same person),
the ones they started (an annotation file whose status is not ``todo``) stay theirs.

This module is Qt-free; :func:`load_assignments` is the one reader, and names the file and
its problem when it cannot be used (a broken file is never overwritten).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from annotator.corpus import (
    Corpus,
    CorpusError,
    atomic_write_bytes,
    dump_json,
    pydantic_problems,
    read_json_file,
)
from annotator.loading import gc_paused
from annotator.model import RESERVED_ANNOTATORS, AnnotatorName, DocId, is_valid_name

ASSIGNMENTS_FILE = "assignments.json"
SCHEMA_VERSION = 1
DEFAULT_OVERLAP = 0.2
DEFAULT_PER_OVERLAP = 2
#: Seeds are stored in the file; JSON readers outside Python lose integers past 2**53.
MAX_SEED = 2**53 - 1
#: How new documents are ordered in each queue; the first is the default (left out of the file).
ORDERS = ("given", "uncertain")
Order = Literal["given", "uncertain"]
#: Reorders one queue's new documents; gets them and the queue before them.
Arrange = Callable[[list[str], list[str]], list[str]]


class PlanError(ValueError):
    """Options a plan cannot be made from (bad names, fractions, counts): bad usage."""


class Assignments(BaseModel):
    """The plan in ``CORPUS/assignments.json``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1]
    seed: int = Field(ge=0, le=MAX_SEED, strict=True)
    overlap: float = Field(ge=0.0, le=1.0, strict=True)
    per_overlap: int = Field(ge=2, strict=True)
    #: Each annotator's queue, in working order.
    annotators: dict[AnnotatorName, list[DocId]]
    #: Each planned document's annotators, in the order they were given it.
    documents: dict[DocId, tuple[AnnotatorName, ...]]
    #: How the last run ordered the documents it added to each queue (``uncertain``: most
    #: uncertain first, across sites). Left out of the file when ``given``.
    order: Order = "given"

    @model_validator(mode="after")
    def _consistent(self) -> Assignments:
        # The two maps say the same thing twice (one for the app's queue, one for agree):
        # a hand edit that changes one and not the other must not pass.
        problems: list[str] = []
        reserved = sorted(RESERVED_ANNOTATORS & set(self.annotators))
        if reserved:
            problems.append(f"annotators: {', '.join(reserved)}: reserved name, not an annotator")
        queues = {name: set(queue) for name, queue in self.annotators.items()}
        for name, queue in self.annotators.items():
            if len(queues[name]) != len(queue):
                problems.append(f"annotators.{name}: a document is listed twice")
        agree = True
        for doc_id, names in self.documents.items():
            if not names:
                problems.append(f"documents.{doc_id}: no annotator")
            if len(set(names)) != len(names):
                problems.append(f"documents.{doc_id}: an annotator is listed twice")
            for name in names:
                queue = queues.get(name)
                if queue is None or doc_id not in queue:
                    agree = False
        # Every pair in documents is in a queue and there are as many pairs each way: the
        # maps agree (the quick check, run on 100,000-document plans). Else say where.
        if not agree or sum(map(len, queues.values())) != sum(map(len, self.documents.values())):
            pairs = {(doc_id, name) for name, queue in self.annotators.items() for doc_id in queue}
            listed = {(doc_id, name) for doc_id, names in self.documents.items() for name in names}
            for doc_id, name in sorted(pairs - listed)[:5]:
                problems.append(f"annotators.{name} lists {doc_id} but documents.{doc_id} does not list {name}")
            for doc_id, name in sorted(listed - pairs)[:5]:
                problems.append(f"documents.{doc_id} lists {name} but annotators.{name} does not list {doc_id}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_serializer(mode="wrap")
    def _without_default_order(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # The default order is left out, as in the file: a plan dumps as it did before the field.
        data: dict[str, object] = handler(self)
        if data.get("order") == "given":
            del data["order"]
        return data

    def overlap_ids(self) -> list[str]:
        """Documents given to more than one annotator (the ones agreement can use)."""
        return [doc_id for doc_id, names in self.documents.items() if len(names) > 1]


def assignments_path(corpus: Corpus) -> Path:
    return corpus.root / ASSIGNMENTS_FILE


def load_assignments(corpus: Corpus, doc_ids: Collection[str] | None = None) -> Assignments | None:
    """The corpus's plan, None when it has none.

    Raises :class:`CorpusError` naming the file and every problem when it cannot be used
    (does not parse, breaks the schema, the two maps disagree, names a missing document).
    """
    path = assignments_path(corpus)
    if not path.exists():
        return None
    with gc_paused():
        raw = read_json_file(path)
    try:
        with gc_paused():
            plan_ = Assignments.model_validate(raw)
    except ValidationError as exc:
        raise CorpusError(path, "; ".join(p.message for p in pydantic_problems(exc))) from exc
    # ``doc_ids`` (a set or a mapping): the corpus's listing when the caller has it already
    # (the app's document list), sparing a second listing of the folder.
    known: Collection[str] = set(corpus.doc_ids()) if doc_ids is None else doc_ids
    missing = sorted(d for d in plan_.documents if d not in known)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise CorpusError(path, f"documents not in the corpus: {shown}")
    return plan_


def save_assignments(corpus: Corpus, assignments: Assignments) -> Path:
    """Write the plan atomically (a reader never sees half a file)."""
    path = assignments_path(corpus)
    # The fields are plain JSON already: dumping them directly skips pydantic's serializer
    # (most of the time of writing a 100,000-document plan).
    fields = {name: getattr(assignments, name) for name in Assignments.model_fields}
    if fields["order"] == "given":
        del fields["order"]  # the default is left out: plans from before the field stay byte-identical
    atomic_write_bytes(path, dump_json(fields))
    return path


# --------------------------------------------------------------------------- checks


def overlap_count(overlap: float, n: int) -> int:
    """How many of ``n`` documents are overlap documents: ``overlap * n`` rounded half up
    (Python's ``round`` rounds half to even, which would make 0.5 * 3 and 0.5 * 5 differ in
    kind). A tiny epsilon absorbs float noise such as 0.35 * 10 = 3.4999999999999996."""
    return min(n, max(0, math.floor(overlap * n + 0.5 + 1e-9)))


def check_names(annotators: Sequence[str]) -> None:
    """Raise :class:`PlanError` on annotator names a plan cannot hold."""
    if not annotators:
        raise PlanError("--annotators: name at least one annotator")
    bad = [a for a in annotators if not is_valid_name(a)]
    if bad:
        raise PlanError(
            f"--annotators: {', '.join(repr(a) for a in bad)}: not a valid annotator name "
            "(letters, digits, '.', '_', '-'; up to 128)"
        )
    reserved = [a for a in annotators if a in RESERVED_ANNOTATORS]
    if reserved:
        raise PlanError(f"--annotators: {', '.join(reserved)}: reserved name, not an annotator")
    seen: set[str] = set()
    twice = [a for a in annotators if a in seen or seen.add(a)]  # type: ignore[func-returns-value]
    if twice:
        raise PlanError(f"--annotators: {', '.join(dict.fromkeys(twice))} given more than once")


def check_options(annotators: Sequence[str], overlap: float, per_overlap: int) -> None:
    """Raise :class:`PlanError` on names or numbers a plan cannot be made from."""
    check_names(annotators)
    if not 0.0 <= overlap <= 1.0:  # also refuses NaN
        raise PlanError(f"--overlap must be a fraction from 0 to 1, not {overlap}")
    if per_overlap < 2:
        raise PlanError(f"--per-overlap must be at least 2 (one annotator is no overlap), not {per_overlap}")
    if overlap > 0 and per_overlap > len(annotators):
        raise PlanError(
            f"--per-overlap {per_overlap} is more than the {len(annotators)} annotator(s) given"
        )


# --------------------------------------------------------------------------- planning


def _level(
    values: Sequence[int], total: int, caps: Sequence[int], base: Sequence[int], rank: Sequence[int]
) -> list[int]:
    """How many of ``total`` units each annotator gets so that ``values + added`` is as
    level as possible (water filling), each getting at most ``caps[i]``; the units left
    when the level cannot rise for everyone go to the smallest ``(base + added, rank)``."""
    m = len(values)
    if total <= 0 or m == 0:
        return [0] * m

    def filled(level: int) -> int:
        return sum(min(max(0, level - v), c) for v, c in zip(values, caps, strict=True))

    lo, hi = min(values), max(values) + total + 1
    while lo < hi:  # the highest level whose filling fits in total
        mid = (lo + hi + 1) // 2
        if filled(mid) <= total:
            lo = mid
        else:
            hi = mid - 1
    added = [min(max(0, lo - v), c) for v, c in zip(values, caps, strict=True)]
    left = total - sum(added)
    room = [i for i in range(m) if added[i] < caps[i] and values[i] + added[i] == lo]
    for i in sorted(room, key=lambda i: (base[i] + added[i], rank[i]))[:left]:
        added[i] += 1
    return added


def _spread(overlap_docs: np.ndarray, single_docs: np.ndarray) -> np.ndarray:
    """One queue block: the overlap documents at evenly spaced places among the singles
    (both in their order). Works on arrays of any kind (the planner passes indices)."""
    a, t = len(overlap_docs), len(overlap_docs) + len(single_docs)
    if a == 0:
        return single_docs
    # The i-th overlap document sits at the middle of the i-th of a equal stretches; the
    # stretches are at least one long (a <= t), so the places are distinct and increasing.
    places = ((np.arange(a) + 0.5) * t / a).astype(np.int64)
    is_over = np.zeros(t, dtype=bool)
    is_over[places] = True
    block = np.empty(t, dtype=np.result_type(overlap_docs, single_docs))
    block[is_over] = overlap_docs
    block[~is_over] = single_docs
    return block


@dataclass
class PlanResult:
    """A plan and what this run did to it (for the command's report)."""

    assignments: Assignments
    new_documents: list[str] = field(default_factory=list)
    new_overlap: list[str] = field(default_factory=list)
    moved: dict[str, list[str]] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    #: Overlap documents in each queue of the plan and in all, when the planner knows them
    #: (None: count them from the plan). Counting afterwards walks every queue again.
    overlap_counts: dict[str, int] | None = None
    overlap_documents: int | None = None


def plan(
    doc_ids: Iterable[str],
    annotators: Sequence[str],
    *,
    overlap: float = DEFAULT_OVERLAP,
    per_overlap: int = DEFAULT_PER_OVERLAP,
    seed: int = 0,
    previous: Assignments | None = None,
    arrange: Arrange | None = None,
) -> PlanResult:
    """Assign the documents of ``doc_ids`` that ``previous`` has not planned to
    ``annotators``; ``previous``'s assignments are kept as they are (see the module doc).

    ``arrange``: the order of ``uncertain`` plans; it gets each queue's new documents and
    the queue before them and returns the new documents reordered (the same ones).

    Raises :class:`PlanError` on bad options, and on an id that ``doc_ids`` gives twice
    (the command gives the corpus's listing, or ``--docs`` without its repeats).
    """
    # Many small lists and no cycles: the collector would walk them again and again.
    with gc_paused():
        return _plan(doc_ids, annotators, overlap, per_overlap, seed, previous, arrange)


def _runs(owners: Sequence[int], sizes: Sequence[int]) -> np.ndarray:
    """``owners[k]`` repeated ``sizes[owners[k]]`` times, in order: who holds each slot
    when the annotators take consecutive runs of slots in that order."""
    return np.repeat(np.asarray(owners, dtype=np.int64), np.asarray(sizes, dtype=np.int64)[owners])


def _objects(items: Sequence[object]) -> np.ndarray:
    """``items`` as a one-dimensional object array (``np.array`` would make a matrix of
    lists or tuples of equal length)."""
    return np.fromiter(items, dtype=object, count=len(items))


def _distinct_rows(rows: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``rows`` (values below ``base``) and, for each row, the index of
    its distinct row. A row read as a number in ``base`` sorts and compares as one integer,
    much faster than numpy's row-wise unique; rows too long for 63 bits fall back to it."""
    if rows.size == 0 or rows.shape[1] * math.log2(max(base, 2)) >= 63:
        teams, inverse = np.unique(rows, axis=0, return_inverse=True)
        return teams, inverse.reshape(-1)
    codes = rows @ (np.int64(base) ** np.arange(rows.shape[1], dtype=np.int64))
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1)


def _copied(lists: dict[str, list[str]]) -> dict[str, list[str]]:
    """A copy of ``lists`` sharing no list with it (the loop runs in C)."""
    return dict(zip(lists, map(list, lists.values()), strict=True))


def _plan(
    doc_ids: Iterable[str],
    annotators: Sequence[str],
    overlap: float,
    per_overlap: int,
    seed: int,
    previous: Assignments | None,
    arrange: Arrange | None = None,
) -> PlanResult:
    check_options(annotators, overlap, per_overlap)
    if not 0 <= seed <= MAX_SEED:
        raise PlanError(f"--seed must be a whole number from 0 to {MAX_SEED}, not {seed}")
    # A copy of the queues: the new plan shares no list with the old one (the teams are tuples).
    old_annotators = _copied(previous.annotators) if previous else {}
    old_documents = dict(previous.documents) if previous else {}
    new_ids = list(doc_ids)
    if old_documents:
        new_ids = [d for d in new_ids if d not in old_documents]
    rng = np.random.default_rng(seed)
    m, n = len(annotators), len(new_ids)
    # Which documents overlap: the same fraction of all planned documents, never fewer
    # than the old plan already has (nothing moves), never more than the new ones.
    old_overlap = sum(1 for names in old_documents.values() if len(names) > 1)
    n_over = min(n, max(0, overlap_count(overlap, len(old_documents) + n) - old_overlap))
    if n_over and per_overlap > m:
        raise PlanError(f"--per-overlap {per_overlap} is more than the {m} annotator(s) given")
    # The new documents shuffled: the k-th is new_ids[order[k]], and the first n_over of
    # them overlap. Below, a document is its place k in this order (indices are what numpy
    # moves fast); the ids are picked once, at the end.
    order = rng.permutation(n)
    n_single = n - n_over
    # Ties between equally loaded annotators are broken by a seeded random rank, so that
    # who gets one more is not always whoever is named first.
    rank: list[int] = rng.permutation(m).tolist()
    queues = [old_annotators.get(a, []) for a in annotators]
    old_over = [sum(1 for d in q if len(old_documents[d]) > 1) for q in queues]
    old_single = [len(q) - o for q, o in zip(queues, old_over, strict=True)]
    totals = [len(q) for q in queues]
    add_over = _level(old_over, n_over * per_overlap, [n_over] * m, totals, rank)
    after = [totals[i] + add_over[i] for i in range(m)]
    # Singles level the totals; among equal totals, those with fewer singles first, which
    # keeps the singles per annotator level as well.
    add_single = _level(after, n_single, [n_single] * m, old_single, rank)
    by_rank = sorted(range(m), key=lambda i: rank[i])
    # Overlap slots, annotator after annotator (by rank), laid round the overlap documents:
    # slot s is document s mod n_over. A run of at most n_over slots never meets the same
    # document twice, and there are exactly per_overlap * n_over slots (_level hands out
    # all of them: the caps, n_over each, add up to at least that since per_overlap <= m),
    # so document s has slots s, s + n_over, ...: its annotators in the order they took it.
    over_owner = _runs(by_rank, add_over)
    assert len(over_owner) == n_over * per_overlap
    single_owner = _runs(by_rank, add_single)  # singles: consecutive chunks, by rank
    # Each new document's annotators, built in the order given (a new document's place in
    # the shuffled order is ``where``): memory is then walked in order. A team is one tuple
    # shared by all its documents (about 2,500 teams for 100,000 documents, not 100,000
    # lists to make, reference and free); tuples, so that sharing them is safe.
    names = np.array(annotators, dtype=object)
    where = np.empty(n, dtype=np.int64)
    where[order] = np.arange(n)
    is_over = where < n_over
    over_rows = over_owner.reshape(per_overlap, n_over).T[where[is_over]]
    teams, team_of = _distinct_rows(over_rows, m)
    team_names = _objects([tuple(names[t].tolist()) for t in teams])
    alone = _objects([(a,) for a in annotators])
    assignees = np.empty(n, dtype=object)
    assignees[is_over] = team_names[team_of]
    assignees[~is_over] = alone[single_owner[where[~is_over] - n_over]]
    # Each new document's annotators, in the order given (a fresh dict, built in one pass).
    slots = dict(zip(new_ids, assignees.tolist(), strict=True))
    if len(slots) != n:  # found here for free, where a check up front would cost a pass
        twice = sorted(d for d, k in Counter(new_ids).items() if k > 1)
        raise PlanError(f"documents given twice: {', '.join(twice[:5])}")
    blocks: list[np.ndarray] = [np.arange(0)] * m
    over_start = single_start = 0
    for i in by_rank:
        mine_over = (over_start + np.arange(add_over[i])) % n_over if n_over else np.arange(0)
        mine_single = n_over + single_start + np.arange(add_single[i])
        blocks[i] = _spread(mine_over, mine_single)
        over_start += add_over[i]
        single_start += add_single[i]
    new_annotators = dict(old_annotators)
    id_array = _objects(new_ids)
    for i, name in enumerate(annotators):
        added = id_array[order[blocks[i]]].tolist()
        if arrange is not None:
            arranged = arrange(added, queues[i])
            # A reordering only: a lost or doubled document would break the plan's two maps.
            if sorted(arranged) != sorted(added):
                raise ValueError("arrange must return the documents it was given, reordered")
            added = arranged
        new_annotators[name] = queues[i] + added
    # New documents follow the old ones, in the order given (the corpus's: sorted ids).
    documents: dict[str, tuple[str, ...]] = {**old_documents, **slots} if old_documents else slots
    # What the report shows, known here: nothing old moved, so an old queue keeps its count.
    counts = dict(zip(annotators, (o + a for o, a in zip(old_over, add_over, strict=True)), strict=True))
    for name, queue in old_annotators.items():
        if name not in counts:
            counts[name] = sum(1 for d in queue if len(documents[d]) > 1)
    # Built consistent here (tests/test_assign.py checks it); validating 100,000 documents
    # again would cost more than planning them. The file is validated when read back.
    result = Assignments.model_construct(
        schema_version=SCHEMA_VERSION,
        seed=seed,
        overlap=float(overlap),
        per_overlap=per_overlap,
        annotators=new_annotators,
        documents=documents,
        order="given" if arrange is None else "uncertain",
    )
    return PlanResult(
        result,
        new_documents=new_ids,
        new_overlap=id_array[order[:n_over]].tolist(),
        overlap_counts={name: counts[name] for name in new_annotators},
        overlap_documents=old_overlap + n_over,
    )


# --------------------------------------------------------------------------- the app's queue


def queue_of(assignments: Assignments | None, annotator: str) -> list[str]:
    """``annotator``'s queue in working order; empty without a plan or a queue in it."""
    if assignments is None:
        return []
    return list(assignments.annotators.get(annotator, ()))


def next_unfinished(
    queue: Sequence[str], status_of: Callable[[str], str], after: str | None = None
) -> str | None:
    """The first document of ``queue`` whose status is not ``done``, looking from just after
    ``after`` to the end and then from the start (documents passed over earlier come back
    once the later ones are done); ``after`` itself is never the answer. With ``after``
    None or not in the queue, from the start. None: every other document is done.

    ``status_of`` reads one status; it is called in queue order and only until the answer
    is found (the app reads annotation files lazily)."""
    start = 0
    if after is not None:
        try:
            start = queue.index(after) + 1
        except ValueError:
            after = None
    n = len(queue)
    for k in range(n):
        doc_id = queue[(start + k) % n]
        if doc_id != after and status_of(doc_id) != "done":
            return doc_id
    return None


def started_ids(corpus: Corpus, annotator: str) -> set[str]:
    """Documents ``annotator`` has started: a file exists whose status is not ``todo``.

    A file whose status cannot be read counts as started: it is somebody's work, and
    moving its document away would orphan it."""
    present = corpus.annotated_ids(annotator)
    statuses = corpus.statuses(annotator)
    return {d for d in present if statuses.get(d) != "todo"}


def rebalance(
    previous: Assignments,
    remove: str,
    started: set[str],
    *,
    recipients: Sequence[str] | None = None,
    seed: int | None = None,
) -> PlanResult:
    """Move ``remove``'s documents not in ``started`` to ``recipients`` (default: every
    other annotator of the plan), least loaded first, never to someone who already has
    that document. Started documents stay in ``remove``'s queue; with none, ``remove``
    leaves the plan. A document nobody else can take (everyone has it) just loses
    ``remove``. Raises :class:`PlanError` on bad options."""
    if remove not in previous.annotators:
        raise PlanError(f"--remove: {remove!r} is not an annotator of the plan")
    names = [a for a in (recipients if recipients is not None else previous.annotators) if a != remove]
    if not names:
        raise PlanError(f"--remove: nobody is left to take {remove}'s documents")
    check_names(names)
    rng = np.random.default_rng(previous.seed if seed is None else seed)
    rank = {name: int(r) for name, r in zip(names, rng.permutation(len(names)), strict=True)}
    annotators = {name: list(q) for name, q in previous.annotators.items()}
    documents = dict(previous.documents)
    for name in names:
        annotators.setdefault(name, [])
    kinds = {name: [0, 0] for name in names}  # overlap, single
    for name in names:
        for d in annotators[name]:
            kinds[name][0 if len(documents[d]) > 1 else 1] += 1
    moved: dict[str, list[str]] = {}
    kept: list[str] = []
    for doc_id in annotators[remove]:
        if doc_id in started:
            kept.append(doc_id)
            continue
        kind = 0 if len(documents[doc_id]) > 1 else 1
        others = [a for a in documents[doc_id] if a != remove]
        free = [a for a in names if a not in others]
        documents[doc_id] = tuple(others)
        if free:
            to = min(free, key=lambda a: (len(annotators[a]), kinds[a][kind], rank[a]))
            annotators[to].append(doc_id)
            kinds[to][kind] += 1
            documents[doc_id] = (*others, to)
            moved.setdefault(to, []).append(doc_id)
    if kept:
        annotators[remove] = kept
    else:
        del annotators[remove]
    result = Assignments(
        schema_version=SCHEMA_VERSION,
        seed=previous.seed,
        overlap=previous.overlap,
        per_overlap=previous.per_overlap,
        annotators=annotators,
        documents=documents,
        order=previous.order,
    )
    return PlanResult(result, moved=moved, kept=kept)


def _register() -> None:
    # ``annotator schema`` writes schemas/assignments.schema.json from the model.
    from annotator.schemas import EXTRA_SCHEMAS

    EXTRA_SCHEMAS["assignments"] = Assignments


_register()
