"""Krippendorff's alpha for nominal data, with missing values.

Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": build the
coincidence matrix from every unit that at least two coders valued (a coder who gave no
value to a unit is missing there, not disagreeing), then
``alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Alpha:
    value: float | None
    observed: float | None  # D_o
    expected: float | None  # D_e
    pairable: int  # n: values in units with two or more values
    units: int  # units with two or more values
    reason: str | None = None


def krippendorff_alpha_nominal(units: Sequence[Sequence[Hashable | None]]) -> Alpha:
    """Alpha over ``units``: one sequence per unit holding each coder's value or None."""
    values: dict[Hashable, int] = {}
    row_of: list[int] = []
    value_of: list[int] = []
    n_rows = 0
    for unit in units:
        present = [v for v in unit if v is not None]
        if len(present) < 2:
            continue  # unpairable: says nothing about agreement
        row_of += [n_rows] * len(present)
        value_of += [values.setdefault(v, len(values)) for v in present]
        n_rows += 1
    if not n_rows:
        return Alpha(None, None, None, 0, 0, "no unit has values from two or more annotators")
    flat = np.array(row_of, dtype=np.int64) * len(values) + np.array(value_of, dtype=np.int64)
    counts = np.bincount(flat, minlength=n_rows * len(values)).astype(np.float64)
    counts = counts.reshape(n_rows, len(values))
    m = counts.sum(axis=1)
    # o_ck = sum_u n_uc * (n_uk - [c == k]) / (m_u - 1)
    scaled = counts / (m - 1)[:, None]
    coincidence = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    # n is the number of pairable values; the coincidences add up to it only up to float
    # rounding (sums of 1/(m_u - 1)), and int() of 14.999... would report 14.
    n = float(m.sum())
    observed_off = float(coincidence.sum() - np.trace(coincidence))
    expected_off = float(n_c.sum() ** 2 - (n_c * n_c).sum())
    d_o = observed_off / n
    d_e = expected_off / (n * (n - 1))
    if expected_off == 0:
        return Alpha(
            None, d_o, d_e, int(n), n_rows,
            "every annotator gave the same value to every unit: with no variation alpha "
            "is undefined",
        )
    return Alpha(1.0 - (n - 1) * observed_off / expected_off, d_o, d_e, int(n), n_rows)
