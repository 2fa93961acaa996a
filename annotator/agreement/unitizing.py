"""Krippendorff's unitizing alpha (alpha_u), as implemented in DKPro Agreement.

DKPro Agreement (``KrippendorffAlphaUnitizingAgreement``, used by INCEpTION) follows
Krippendorff (1995, "On the reliability of unitizing contiguous data") and (2004,
"Content Analysis", 2nd ed., section 12.7). For each category c, every rater's units of c
and the gaps between them cut the continuum into segments; then

* observed disagreement: for every pair of raters and every pair of their segments that
  share a position, two overlapping units cost ``(b1 - b2)^2 + (e1 - e2)^2``, a unit
  lying wholly inside the other rater's gap costs ``length^2``, anything else 0; summed,
  times 2, divided by ``R (R - 1) L^2``;
* expected disagreement: ``2/L * sum_units [(N_c - 1)(2l^3 - 3l^2 + l)/3 +
  l^2 * sum_{gaps g >= l} (g - l + 1)] / (R L (R L - 1) - sum_units l (l - 1))``;
* alpha_c = 1 - D_o / D_e (0 when they are equal, as DKPro returns); the overall value is
  1 - mean_c(D_o) / mean_c(D_e) over the categories that occur.

This module does the same with numpy instead of DKPro's position-by-position walk (see
:func:`_pair_distance` for why only unit overlaps and lone units need finding).

A corpus is one continuum: the documents laid end to end. Gaps are cut at document edges
(so no unit is imagined straddling two documents), which leaves D_o unchanged and makes
D_e count only placements inside one document. Units of one category by one rater that
overlap each other (which the default scheme forbids) are merged first, as DKPro requires
them not to overlap; ``merged`` reports how many.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.metrics import overlap_candidates

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class UnitizingAlpha:
    value: float | None
    observed: float | None
    expected: float | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryDisagreement:
    """D_o and D_e of one category; ``units`` is N_c after merging."""

    observed: float
    expected: float
    units: int
    merged: int

    @property
    def alpha(self) -> UnitizingAlpha:
        return _alpha(self.observed, self.expected)


def _alpha(d_o: float, d_e: float) -> UnitizingAlpha:
    if math.isclose(d_o, d_e, rel_tol=1e-12, abs_tol=0.0):
        return UnitizingAlpha(0.0, d_o, d_e)  # DKPro: D_o == D_E gives 0, also when both 0
    if d_e == 0:
        return UnitizingAlpha(
            None, d_o, d_e, "expected disagreement is 0 (no room for the units to vary)"
        )
    return UnitizingAlpha(1.0 - d_o / d_e, d_o, d_e)


def _merge(start: IntArray, end: IntArray) -> tuple[IntArray, IntArray, int]:
    """Sort one rater's units and merge those that overlap (touching units stay apart)."""
    order = np.argsort(start, kind="stable")
    s, e = start[order], end[order]
    if len(s) < 2:
        return s, e, 0
    reach = np.maximum.accumulate(e)
    new = np.r_[True, s[1:] >= reach[:-1]]
    if new.all():
        return s, e, 0
    merged_end = np.maximum.reduceat(e, np.flatnonzero(new))
    return s[new], merged_end, int(len(s) - new.sum())


def _gaps(start: IntArray, end: IntArray, edges: IntArray) -> IntArray:
    """Lengths of one rater's gaps: the stretches no unit covers, cut at document edges.

    ``start``/``end`` are sorted, non-overlapping units that cross no document edge.
    """
    # Units and the edges (as empty intervals) in order; a gap runs from the end of one
    # to the start of the next.
    s = np.concatenate([start, edges])
    e = np.concatenate([end, edges])
    order = np.argsort(s, kind="stable")
    s, reach = s[order], np.maximum.accumulate(e[order])
    lengths = s[1:] - reach[:-1]
    return lengths[lengths > 0]


def _pair_distance(s1: IntArray, e1: IntArray, s2: IntArray, e2: IntArray) -> float:
    """Sum of DKPro's distances over the segments of two raters that share a position.

    Only two kinds of pairs cost anything: two overlapping units, ``(b1 - b2)^2 +
    (e1 - e2)^2``; and a unit lying wholly inside the other rater's gap, ``length^2``,
    which is exactly a unit that overlaps no unit of the other rater (units never cross a
    document edge, where gaps are cut).
    """
    i, j = overlap_candidates(s1, e1, s2, e2)
    both = ((s1[i] - s2[j]).astype(np.float64) ** 2 + (e1[i] - e2[j]).astype(np.float64) ** 2).sum()
    alone1 = np.bincount(i, minlength=len(s1)) == 0
    alone2 = np.bincount(j, minlength=len(s2)) == 0
    lone = ((e1 - s1)[alone1].astype(np.float64) ** 2).sum()
    lone += ((e2 - s2)[alone2].astype(np.float64) ** 2).sum()
    return float(both + lone)


def category_disagreement(
    rater: IntArray, start: IntArray, end: IntArray, n_raters: int, edges: IntArray
) -> CategoryDisagreement:
    """D_o and D_e of the units of one category.

    ``rater`` holds each unit's rater index (0 .. n_raters - 1); ``edges`` the sorted
    document edges of the continuum, from its begin to its end.
    """
    length = float(edges[-1] - edges[0])
    units_s, units_e = [], []
    merged = 0
    for r in range(n_raters):
        mask = rater == r
        s, e, m = _merge(start[mask], end[mask])
        merged += m
        units_s.append(s)
        units_e.append(e)
    observed = 0.0
    for r1 in range(n_raters):
        for r2 in range(r1 + 1, n_raters):
            observed += _pair_distance(units_s[r1], units_e[r1], units_s[r2], units_e[r2])
    observed = 2.0 * observed / (n_raters * (n_raters - 1) * length * length)

    lengths = np.concatenate(units_e).astype(np.float64) - np.concatenate(units_s)
    n_c = len(lengths)
    gaps = np.sort(np.concatenate(
        [_gaps(s, e, edges) for s, e in zip(units_s, units_e, strict=True)]
    ).astype(np.float64))
    # sum over gaps g >= l of (g - l + 1), for every unit length l at once.
    suffix = np.r_[np.cumsum(gaps[::-1])[::-1], 0.0]
    first = np.searchsorted(gaps, lengths, side="left")
    fits = suffix[first] - (len(gaps) - first) * (lengths - 1.0)
    total = ((n_c - 1) * (2 * lengths**3 - 3 * lengths**2 + lengths) / 3.0 + lengths**2 * fits).sum()
    rl = n_raters * length
    denominator = rl * (rl - 1) - float((lengths * (lengths - 1)).sum())
    expected = float(total * 2.0 / length / denominator) if denominator else 0.0
    return CategoryDisagreement(observed, expected, n_c, merged)


def alpha_u(
    rater: IntArray,
    start: IntArray,
    end: IntArray,
    category: IntArray,
    n_raters: int,
    edges: IntArray,
) -> tuple[UnitizingAlpha, dict[int, CategoryDisagreement]]:
    """Overall alpha_u and each occurring category's D_o/D_e (see the module doc)."""
    if n_raters < 2:
        return UnitizingAlpha(None, None, None, "needs two or more annotators"), {}
    if len(edges) < 2 or edges[-1] <= edges[0]:
        return UnitizingAlpha(None, None, None, "no text to compare"), {}
    per: dict[int, CategoryDisagreement] = {}
    for c in np.unique(category).tolist():
        mask = category == c
        per[int(c)] = category_disagreement(rater[mask], start[mask], end[mask], n_raters, edges)
    if not per:
        return UnitizingAlpha(None, None, None, "no annotator marked any span"), per
    d_o = float(np.mean([p.observed for p in per.values()]))
    d_e = float(np.mean([p.expected for p in per.values()]))
    return _alpha(d_o, d_e), per
