"""Span matching, precision/recall/F1 and kappa: pure functions over numpy arrays.

Everything here works on flat arrays of intervals so that a whole corpus is measured in a
handful of vectorised numpy calls instead of a Python loop per span or per character.

Intervals are half-open ``[start, end)``. Callers put spans of different labels (and of
different documents) on separate stretches of one number line ("lanes"), so two intervals
overlap only when they share a label and a document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------- helpers


def expand_ranges(lo: IntArray, count: IntArray) -> IntArray:
    """``concatenate([arange(l, l + c) for l, c in zip(lo, count)])`` without a Python loop."""
    count = np.maximum(count, 0)
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    owner_first = np.cumsum(count) - count
    steps = np.arange(total, dtype=np.int64) - np.repeat(owner_first, count)
    return np.repeat(lo.astype(np.int64), count) + steps


def sorted_unique(values: IntArray) -> IntArray:
    """``np.unique`` for integers by sorting; numpy 2's hash-based unique is several times
    slower on the large, mostly distinct arrays of span edges."""
    values = np.sort(values, kind="stable")  # timsort: span edges arrive in nearly sorted runs
    if len(values) < 2:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def safe_div(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 of ``pred`` against ``ref`` (None when undefined)."""

    matched: int
    n_ref: int
    n_pred: int

    @property
    def precision(self) -> float | None:
        return safe_div(self.matched, self.n_pred)

    @property
    def recall(self) -> float | None:
        return safe_div(self.matched, self.n_ref)

    @property
    def f1(self) -> float | None:
        # 2PR/(P+R) simplifies to this, which is also defined when one side is empty.
        return safe_div(2 * self.matched, self.n_ref + self.n_pred)

    def reason(self) -> str | None:
        if self.n_ref + self.n_pred == 0:
            return "neither annotator marked a span of this label"
        return None


# --------------------------------------------------------------------------- exact match


def exact_matches(
    a_start: IntArray, a_end: IntArray, b_start: IntArray, b_end: IntArray
) -> tuple[IntArray, IntArray]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]`` (same start and end), each span used once.

    Duplicated spans on one side are matched at most as often as they occur on the other.
    """
    na = len(a_start)
    starts = np.concatenate([a_start, b_start])
    ends = np.concatenate([a_end, b_end])
    side_b = np.arange(len(starts)) >= na
    # Sort by (start, end, side) so that within a group of equal spans the a's come first;
    # one combined integer key when it fits in 63 bits (the usual case), else lexsort.
    if len(starts) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    width = int((ends - starts).max()) + 1
    if int(starts.max()) < (1 << 62) // (2 * width) and int(starts.min()) >= 0:
        order = np.argsort((starts * width + (ends - starts)) * 2 + side_b, kind="stable")
    else:
        order = np.lexsort((side_b, ends, starts))
    s, e, sb = starts[order], ends[order], side_b[order]
    new_group = np.r_[True, (s[1:] != s[:-1]) | (e[1:] != e[:-1])]
    group = np.cumsum(new_group) - 1
    group_first = np.flatnonzero(new_group)
    n_a = np.bincount(group, weights=~sb).astype(np.int64)
    n_b = np.bincount(group, weights=sb).astype(np.int64)
    k = np.minimum(n_a, n_b)
    # The k-th a of a group pairs with the k-th b of that group.
    a_pos = expand_ranges(group_first, k)
    b_pos = expand_ranges(group_first + n_a, k)
    return order[a_pos].astype(np.int64), (order[b_pos] - na).astype(np.int64)


# --------------------------------------------------------------------------- overlap match


def overlap_candidates(
    a_start: IntArray, a_end: IntArray, b_start: IntArray, b_end: IntArray
) -> tuple[IntArray, IntArray]:
    """Every pair ``(i, j)`` of intervals that share at least one position."""
    if len(a_start) == 0 or len(b_start) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    b_order = np.argsort(b_start, kind="stable")  # timsort: nearly sorted already
    bs, be = b_start[b_order], b_end[b_order]
    # prefix_max[k]: the furthest end among the first k+1 b's; b's before `lo` all end at or
    # before a.start, so they cannot overlap. When b's do not overlap each other (the
    # usual case) [lo, hi) holds exactly the overlapping ones.
    prefix_max = np.maximum.accumulate(be)
    lo = np.searchsorted(prefix_max, a_start, side="right")
    hi = np.searchsorted(bs, a_end, side="left")
    count = np.maximum(hi - lo, 0)
    ai = np.repeat(np.arange(len(a_start), dtype=np.int64), count)
    bj = expand_ranges(lo, count)
    keep = be[bj] > a_start[ai]
    return ai[keep], b_order[bj[keep]].astype(np.int64)


def max_overlap_matching(
    a_start: IntArray, a_end: IntArray, b_start: IntArray, b_end: IntArray
) -> tuple[IntArray, IntArray]:
    """A maximum matching between overlapping intervals: each interval used at most once.

    The number of pairs is the largest possible (Kuhn's augmenting paths). Among matchings
    of that size, pairs with a larger overlap are preferred: each interval tries its
    partners in order of decreasing overlap, so two annotators' versions of the same
    article pair up rather than one article with a neighbour it merely touches.
    Unambiguous pairs (both intervals overlap only each other) are taken in one vectorised
    step; only the rare tangles (one span split into two by the other annotator) go
    through the Python search.
    """
    ai, bj = overlap_candidates(a_start, a_end, b_start, b_end)
    if len(ai) == 0:
        return ai, bj
    deg_a = np.bincount(ai, minlength=len(a_start))
    deg_b = np.bincount(bj, minlength=len(b_start))
    simple = (deg_a[ai] == 1) & (deg_b[bj] == 1)
    m_a, m_b = [ai[simple]], [bj[simple]]
    if not simple.all():
        ci, cj = ai[~simple], bj[~simple]
        overlap = np.minimum(a_end[ci], b_end[cj]) - np.maximum(a_start[ci], b_start[cj])
        order = np.lexsort((cj, -overlap, ci))
        adjacency: dict[int, list[int]] = {}
        best: dict[int, int] = {}
        for i, j, size in zip(ci[order].tolist(), cj[order].tolist(), overlap[order].tolist(), strict=True):
            adjacency.setdefault(i, []).append(j)
            best.setdefault(i, size)  # options come largest overlap first
        match_of_b: dict[int, int] = {}
        # The interval with the largest overlap chooses first, from either side's point of
        # view: B's [99, 1000) pairs with A's [100, 1000) (900 shared), not with A's [0, 100)
        # that starts earlier and shares 1. Augmenting paths keep the number of pairs maximal
        # whatever the order.
        for i in sorted(adjacency, key=lambda x: (-best[x], int(a_start[x]))):
            _augment(i, adjacency, match_of_b, set())
        if match_of_b:
            pairs = sorted((i, j) for j, i in match_of_b.items())
            m_a.append(np.array([p[0] for p in pairs], dtype=np.int64))
            m_b.append(np.array([p[1] for p in pairs], dtype=np.int64))
    return np.concatenate(m_a), np.concatenate(m_b)


def _augment(i: int, adjacency: dict[int, list[int]], match_of_b: dict[int, int], seen: set[int]) -> bool:
    # Iterative depth-first search for an augmenting path from a-node i (Kuhn's algorithm);
    # iterative so that a long chain of split spans cannot hit the recursion limit.
    stack: list[tuple[int, int]] = [(i, 0)]
    path: list[tuple[int, int]] = []
    while stack:
        node, k = stack.pop()
        options = adjacency[node]
        while k < len(options) and options[k] in seen:
            k += 1
        if k == len(options):
            if path:
                path.pop()
            continue
        j = options[k]
        seen.add(j)
        stack.append((node, k + 1))
        path.append((node, j))
        owner = match_of_b.get(j)
        if owner is None:
            for a_node, b_node in path:
                match_of_b[b_node] = a_node
            return True
        stack.append((owner, 0))
    return False


# --------------------------------------------------------------------------- kappa


@dataclass(frozen=True, slots=True)
class Kappa:
    value: float | None
    observed: float | None
    expected: float | None
    reason: str | None = None


def cohen_kappa(confusion: NDArray[np.float64] | NDArray[np.int64]) -> Kappa:
    """Cohen's (1960) kappa from a square confusion matrix of counts (or weights).

    ``confusion[i, j]`` counts items that the first rater put in category i and the second
    in category j.
    """
    table = np.asarray(confusion, dtype=np.float64)
    total = table.sum()
    if total <= 0:
        return Kappa(None, None, None, "nothing to compare (no characters)")
    observed = float(np.trace(table) / total)
    expected = float((table.sum(axis=1) / total) @ (table.sum(axis=0) / total))
    if expected >= 1.0:
        return Kappa(
            None, observed, expected,
            "both annotators gave every character the same single label: chance agreement "
            "is 1 and kappa is undefined",
        )
    return Kappa((observed - expected) / (1.0 - expected), observed, expected)


def fleiss_kappa(counts: NDArray[np.float64] | NDArray[np.int64], weights: FloatArray | None = None) -> Kappa:
    """Fleiss' (1971) kappa. ``counts[i, j]``: raters who put item i in category j.

    Every item must have the same number of ratings. ``weights`` repeats item i
    ``weights[i]`` times (a run of characters with the same ratings is one row).
    """
    table = np.asarray(counts, dtype=np.float64)
    if table.size == 0:
        return Kappa(None, None, None, "nothing to compare (no items)")
    raters = table.sum(axis=1)
    n = raters[0]
    if not np.all(raters == n) or n < 2:
        raise ValueError("Fleiss' kappa needs the same number (>= 2) of ratings for every item")
    w = np.ones(len(table)) if weights is None else np.asarray(weights, dtype=np.float64)
    total = w.sum()
    if total <= 0:
        return Kappa(None, None, None, "nothing to compare (no items)")
    p_item = ((table * table).sum(axis=1) - n) / (n * (n - 1))
    observed = float((w * p_item).sum() / total)
    p_cat = (w[:, None] * table).sum(axis=0) / (total * n)
    expected = float((p_cat * p_cat).sum())
    if expected >= 1.0:
        return Kappa(
            None, observed, expected,
            "every rater gave every item the same single category: kappa is undefined",
        )
    return Kappa((observed - expected) / (1.0 - expected), observed, expected)


# --------------------------------------------------------------------------- labelling


def paint(
    starts: IntArray, ends: IntArray, values: IntArray, length: int
) -> tuple[IntArray, IntArray]:
    """The label of every position of ``[0, length)`` as a step function.

    Returns ``(bounds, labels)``: positions ``bounds[k] <= p < bounds[k+1]`` carry
    ``labels[k]`` (0 where no span covers them; ``values`` should therefore be >= 1).
    Where spans overlap, the innermost wins: the shortest covering span, then the one
    starting last (a caption marked as boilerplate inside an article is boilerplate).
    """
    bounds = sorted_unique(np.concatenate([[0, length], starts, ends]).astype(np.int64))
    labels = np.zeros(len(bounds) - 1, dtype=np.int64)
    if len(starts) == 0:
        return bounds, labels
    lo = np.searchsorted(bounds, starts)
    hi = np.searchsorted(bounds, ends)
    count = hi - lo
    if np.all(count == 1) and len(sorted_unique(lo)) == len(lo):
        labels[lo] = values  # no two spans share a position: nothing to decide
        return bounds, labels
    # Rank spans: shortest first, then latest start; each piece takes its best-ranked cover.
    order = np.lexsort((-starts, ends - starts))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    piece = expand_ranges(lo, count)
    piece_rank = np.repeat(rank, count)
    o = np.lexsort((piece_rank, piece))
    piece, piece_rank = piece[o], piece_rank[o]
    first = np.r_[True, piece[1:] != piece[:-1]]
    labels[piece[first]] = values[order[piece_rank[first]]]
    return bounds, labels


def sample_steps(bounds: IntArray, labels: IntArray, points: IntArray) -> IntArray:
    """The value of the step function ``(bounds, labels)`` at each of ``points``."""
    k = np.searchsorted(bounds, points, side="right") - 1
    return labels[np.clip(k, 0, len(labels) - 1)]


def joint_steps(
    functions: list[tuple[IntArray, IntArray]],
) -> tuple[IntArray, IntArray, NDArray[np.int64]]:
    """Several step functions over the same ``[0, length)`` cut at all their bounds.

    Returns ``(starts, widths, values)`` with ``values[r, k]`` the value of function r on
    the k-th common piece.
    """
    bounds = sorted_unique(np.concatenate([b for b, _ in functions]))
    starts, widths = bounds[:-1], np.diff(bounds)
    values = np.stack([sample_steps(b, v, starts) for b, v in functions])
    return starts, widths, values
