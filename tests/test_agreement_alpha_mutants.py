"""Edge cases of Krippendorff's nominal alpha and of unitizing alpha_u found by mutation
testing: unpairable units anywhere in the data, the full result of the undefined cases,
merging of one annotator's overlapping units, and the overall alpha_u's D_o and D_e.

Every expected value is worked out by hand in the test, taken from a published example, or
computed by the brute-force references below (a pair-by-pair coincidence count for alpha;
DKPro's segment-by-segment walk for alpha_u, itself checked against Krippendorff 2004),
never taken from this code.

The mutants that survive these tests are equivalent (no result can change), so no test can
kill them:

``annotator/agreement/alpha.py``

- ``krippendorff_alpha_nominal`` 41, 43, 45, 47 (``np.array`` of Python ints with
  ``dtype=None`` or no dtype): numpy's default integer is int64 on every 64-bit platform;
  49 (``.astype(None)``): ``None`` means float64, the type asked for.

``annotator/agreement/unitizing.py``

- ``_alpha`` 8 (no ``abs_tol``): 0.0 is ``math.isclose``'s default.
- ``_merge`` 3, 5, 7 (``argsort`` kind None/omitted/"STABLE"): the sort only decides the
  order of units with the same start; spans are never empty (``start < end`` is checked
  on load), so units with one start always overlap and merge to the same unit, whichever
  comes first ("STABLE" is also read case-insensitively).
- ``_gaps`` 7, 9, 11 (same for the gaps' sort): of entries sharing a start only the first
  can open a gap, of the same length whichever it is, since every end is >= its start;
  19 (``lengths >= 0``): a zero-length gap fits no unit (``g >= l`` fails for l >= 1),
  so it adds nothing to D_e.
- ``_pair_distance`` 13, 17, 36, 42 and ``category_disagreement`` 52, 58
  (``.astype(None)``): None means float64, the type asked for.
- ``category_disagreement`` 28 (``range(r1 + 1)``): pairs each rater with itself and the
  ones before it instead of after it; the distance is symmetric, and a rater against itself
  costs 0 (merged units overlap only themselves, at distance 0; touching units do not
  overlap), so the sum is the same. 68, 71, 72 (``zip`` strict None/False/omitted): both
  lists are built with one entry per rater. 86 (no ``side``): "left" is the default.
  128, 134 (the ``else`` of ``if denominator``): unreachable, the denominator is never 0.
  Each rater's merged units lie inside the continuum, so sum l (l - 1) <= (L - 1) sum l
  <= L (L - 1) per rater, and R L (R L - 1) - R L (L - 1) = R (R - 1) L^2 > 0 for R >= 2
  (R < 2 or L = 0 already fail in D_o, and ``alpha_u`` rules both out first).

One real defect showed up (in the random comparison) and was fixed: alpha's ``pairable``
was ``int()`` of the summed coincidences, which can add up to 14.999... for 15 values
(``test_pairable_count_is_exact_when_coincidences_round_down``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Sequence
from itertools import combinations, pairwise

import numpy as np
import pytest

from annotator.agreement.alpha import Alpha, krippendorff_alpha_nominal
from annotator.agreement.unitizing import (
    CategoryDisagreement,
    UnitizingAlpha,
    alpha_u,
    category_disagreement,
)

# --------------------------------------------------------------------------- nominal alpha


def _reference_alpha(units: Sequence[Sequence[Hashable | None]]) -> tuple[float, float, float]:
    """Krippendorff (2011) section C, pair by pair: every ordered pair of two different
    coders' values in a unit adds 1/(m_u - 1) to o_ck; alpha = 1 - D_o / D_e with
    D_o = sum_{c != k} o_ck / n and D_e = sum_{c != k} n_c n_k / (n (n - 1))."""
    o: dict[tuple[Hashable, Hashable], float] = {}
    for unit in units:
        present = [v for v in unit if v is not None]
        if len(present) < 2:
            continue
        for i, c in enumerate(present):
            for j, k in enumerate(present):
                if i != j:
                    o[c, k] = o.get((c, k), 0.0) + 1 / (len(present) - 1)
    n_c: dict[Hashable, float] = {}
    for (c, _), v in o.items():
        n_c[c] = n_c.get(c, 0.0) + v
    n = sum(n_c.values())
    d_o = sum(v for (c, k), v in o.items() if c != k) / n
    d_e = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k) / (n * (n - 1))
    return 1 - d_o / d_e, d_o, d_e


KRIPPENDORFF_2011 = list(zip(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    strict=True,
))


def test_unpairable_units_are_skipped_wherever_they_are() -> None:
    # Krippendorff (2011) section C (alpha = 0.743 over 11 pairable units, n = 40) with its
    # one-value unit 12 moved to the front and an all-missing unit in the middle: both are
    # skipped, the units after them still count.
    data = [KRIPPENDORFF_2011[11], *KRIPPENDORFF_2011[:5], (None,) * 4, *KRIPPENDORFF_2011[5:11]]
    result = krippendorff_alpha_nominal(data)
    assert (result.units, result.pairable) == (11, 40)
    assert result.value == pytest.approx(0.743, abs=0.0005)
    assert (result.value, result.observed, result.expected) == pytest.approx(
        _reference_alpha(KRIPPENDORFF_2011)
    )


def test_alpha_by_hand_with_a_leading_single_value() -> None:
    # Units (a), (a, a, b), (b, b): the first is unpairable. Coincidences: unit 2 gives
    # o_aa = 2/2, o_ab = o_ba = 2/2; unit 3 o_bb = 2. n_a = 2, n_b = 3, n = 5;
    # D_o = 2/5; D_e = 2 * 2 * 3 / (5 * 4) = 3/5; alpha = 1 - (2/5)/(3/5) = 1/3.
    result = krippendorff_alpha_nominal([("a", None), ("a", "a", "b"), ("b", "b")])
    assert (result.value, result.observed, result.expected) == pytest.approx((1 / 3, 0.4, 0.6))
    assert (result.pairable, result.units, result.reason) == (5, 2, None)


def test_alpha_of_nothing_pairable_is_reported_in_full() -> None:
    assert krippendorff_alpha_nominal([("x", None), (None, None), ()]) == Alpha(
        None, None, None, 0, 0, "no unit has values from two or more annotators"
    )
    assert krippendorff_alpha_nominal([]) == Alpha(
        None, None, None, 0, 0, "no unit has values from two or more annotators"
    )


def test_alpha_without_variation_is_reported_in_full() -> None:
    # Five pairable values, all "x", in two units: nothing disagrees (D_o = 0) and nothing
    # could (D_e = 0); the unpairable third unit is not counted.
    assert krippendorff_alpha_nominal([("x", "x"), ("x", "x", "x"), ("x", None)]) == Alpha(
        None, 0.0, 0.0, 5, 2,
        "every annotator gave the same value to every unit: with no variation alpha "
        "is undefined",
    )


def test_alpha_matches_the_pairwise_reference_on_random_data() -> None:
    rng = random.Random(20240611)
    for _ in range(200):
        coders = rng.randint(2, 5)
        data = [
            tuple(rng.choice([None, "a", "b", "c", 7]) for _ in range(coders))
            for _ in range(rng.randint(1, 12))
        ]
        pairable = [u for u in data if sum(v is not None for v in u) >= 2]
        values = {v for u in pairable for v in u if v is not None}
        result = krippendorff_alpha_nominal(data)
        assert result.units == len(pairable)
        assert result.pairable == sum(v is not None for u in pairable for v in u)
        if len(values) < 2:
            assert result.value is None
            continue
        assert (result.value, result.observed, result.expected) == pytest.approx(
            _reference_alpha(data)
        )


# --------------------------------------------------------------------------- alpha_u

Unit = tuple[int, int]


def _merge_units(units: list[Unit]) -> tuple[list[Unit], int]:
    """One rater's units with the overlapping ones joined (touching ones stay apart)."""
    out: list[list[int]] = []
    for s, e in sorted(units):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out], len(units) - len(out)


def _segments(units: list[Unit], edges: list[int]) -> list[tuple[int, int, bool]]:
    """The rater's units and the gaps between them, gaps cut at document edges."""
    segs: list[tuple[int, int, bool]] = []
    cuts = sorted({*edges, *(p for u in units for p in u)})
    for a, b in pairwise(cuts):
        if not any(s <= a and b <= e for s, e in units):
            if segs and not segs[-1][2] and segs[-1][1] == a and a not in edges:
                segs[-1] = (segs[-1][0], b, False)  # one gap until a unit or a document edge
            else:
                segs.append((a, b, False))
    segs += [(s, e, True) for s, e in units]
    return sorted(segs)


def _reference_category(
    by_rater: list[list[Unit]], edges: list[int]
) -> tuple[float, float, int, int]:
    """D_o, D_e, N_c and merges of one category, the way DKPro walks it: every pair of
    segments of two raters that share a position; and D_e summed unit by unit, gap by gap."""
    merged = [_merge_units(units) for units in by_rater]
    units = [m[0] for m in merged]
    r = len(units)
    length = edges[-1] - edges[0]
    observed = 0.0
    for r1, r2 in combinations(range(r), 2):
        for b1, e1, unit1 in _segments(units[r1], edges):
            for b2, e2, unit2 in _segments(units[r2], edges):
                if max(b1, b2) >= min(e1, e2):
                    continue  # share no position
                if unit1 and unit2:
                    observed += (b1 - b2) ** 2 + (e1 - e2) ** 2
                elif unit1 and b2 <= b1 and e1 <= e2:
                    observed += (e1 - b1) ** 2
                elif unit2 and b1 <= b2 and e2 <= e1:
                    observed += (e2 - b2) ** 2
    observed = 2 * observed / (r * (r - 1) * length**2)
    lengths = [e - s for us in units for s, e in us]
    gaps = [e - b for us in units for b, e, unit in _segments(us, edges) if not unit]
    n_c = len(lengths)
    total = sum(
        (n_c - 1) * (2 * ln**3 - 3 * ln**2 + ln) / 3 + ln**2 * sum(g - ln + 1 for g in gaps if g >= ln)
        for ln in lengths
    )
    denominator = r * length * (r * length - 1) - sum(ln * (ln - 1) for ln in lengths)
    return observed, 2 * total / length / denominator, n_c, sum(m[1] for m in merged)


def _arrays(units: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, ...]:
    """(rater, start, end, category) tuples as alpha_u's arrays."""
    table = np.array(units, dtype=np.int64).reshape(-1, 4)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3]


def test_reference_reproduces_krippendorff_2004() -> None:
    # The reference is only trusted because it gives the published numbers: Krippendorff
    # (2004: p. 254), continuum [150, 450), category c: D_o .0144, D_e .0532; k: 0, .0490.
    c = [[(225, 295), (370, 400)], [(220, 300), (355, 375), (400, 420)]]
    k = [[(180, 240), (300, 350)], [(180, 240), (300, 350)]]
    d_o, d_e, _, _ = _reference_category(c, [150, 450])
    assert (d_o, d_e) == pytest.approx((0.0144, 0.0532), abs=0.0001)
    d_o, d_e, _, _ = _reference_category(k, [150, 450])
    assert (d_o, d_e) == pytest.approx((0.0, 0.0490), abs=0.0001)


def test_overall_alpha_u_reports_the_mean_disagreements() -> None:
    # Krippendorff (2004: p. 254): the overall D_o and D_e are the means over c and k.
    units = [(0, 225, 295, 0), (0, 370, 400, 0), (1, 220, 300, 0), (1, 355, 375, 0),
             (1, 400, 420, 0), (0, 180, 240, 1), (0, 300, 350, 1), (1, 180, 240, 1),
             (1, 300, 350, 1)]
    overall, per = alpha_u(*_arrays(units), 2, np.array([150, 450]))
    c = _reference_category([[(225, 295), (370, 400)], [(220, 300), (355, 375), (400, 420)]],
                            [150, 450])
    k = _reference_category([[(180, 240), (300, 350)]] * 2, [150, 450])
    assert overall.observed == pytest.approx((c[0] + k[0]) / 2, rel=1e-12)
    assert overall.expected == pytest.approx((c[1] + k[1]) / 2, rel=1e-12)
    assert overall.value == pytest.approx(1 - (c[0] + k[0]) / (c[1] + k[1]), rel=1e-12)
    assert overall.reason is None
    # Disjoint units merge nothing: 2 + 3 units of c, 2 + 2 of k.
    assert [(p.units, p.merged) for p in per.values()] == [(5, 0), (4, 0)]


def test_equal_disagreements_give_zero_with_both_reported() -> None:
    # DKPro UnitizingAgreementTest: one unit [0, 1) by rater 0 of 3, continuum [0, 20).
    # D_o: the unit lies in the gaps of raters 1 and 2, 1^2 each: 2 * 2 / (3 * 2 * 20^2)
    # = 1/600. D_e: N_c = 1, l = 1, gaps 19, 20, 20: sum (g - 1 + 1) = 59;
    # 2/20 * 59 / (60 * 59 - 0) = 1/600. Equal, so alpha is 0.
    overall, per = alpha_u(*_arrays([(0, 0, 1, 0)]), 3, np.array([0, 20]))
    assert overall == UnitizingAlpha(0.0, pytest.approx(1 / 600), pytest.approx(1 / 600))
    assert per[0].alpha == overall
    assert (per[0].units, per[0].merged) == (1, 0)


def test_two_overlapping_units_of_one_rater_are_merged() -> None:
    # Rater 0 marks [0, 4) and [2, 6), rater 1 [0, 6), continuum [0, 10). Merged, rater 0
    # has [0, 6) too: D_o = 0. D_e: N_c = 2, l = 6, each rater's gap [6, 10) is too short;
    # 2 * (1 * (432 - 108 + 6) / 3) = 220; 2/10 * 220 / (20 * 19 - 2 * 30) = 44/320.
    got = category_disagreement(*_arrays([(0, 0, 4, 0), (0, 2, 6, 0), (1, 0, 6, 0)])[:3], 2,
                                np.array([0, 10]))
    assert got == CategoryDisagreement(0.0, pytest.approx(44 / 320), 2, 1)
    assert got.alpha.value == 1.0


def test_a_unit_overlapping_only_the_one_before_it_is_merged() -> None:
    # Rater 0: [0, 2), [3, 6), [5, 8): only the last two overlap. Rater 1: [0, 2), [3, 8).
    # Merged they agree (D_o = 0). D_e over lengths 2, 5, 2, 5 and gaps 1, 2, 1, 2:
    # l = 2: 3 * 6 / 3 + 4 * (2 gaps of 2: 1 + 1) = 14; l = 5: 3 * 180 / 3 = 180;
    # total 388; 2/10 * 388 / (20 * 19 - 44) = 77.6 / 336.
    got = category_disagreement(
        *_arrays([(0, 0, 2, 0), (0, 3, 6, 0), (0, 5, 8, 0), (1, 0, 2, 0), (1, 3, 8, 0)])[:3],
        2, np.array([0, 10]),
    )
    assert got == CategoryDisagreement(0.0, pytest.approx(77.6 / 336), 4, 1)


def test_merged_counts_every_unit_swallowed_by_every_rater() -> None:
    # Rater 0: [0, 5), [1, 3), [2, 9) are one unit [0, 9) (two merged), [9, 10) only touches
    # it and stays apart. Rater 1: [0, 6), [4, 9) are one unit [0, 9) (one merged), and
    # [9, 10). Merged they agree (D_o = 0) and 2 + 1 units were merged.
    units = [(0, 2, 9, 0), (0, 0, 5, 0), (0, 9, 10, 0), (0, 1, 3, 0), (1, 4, 9, 0),
             (1, 0, 6, 0), (1, 9, 10, 0)]
    got = category_disagreement(*_arrays(units)[:3], 2, np.array([0, 12]))
    assert (got.observed, got.units, got.merged) == (0.0, 4, 3)
    # D_e over lengths 9, 1, 9, 1 and gaps 2, 2 ([10, 12) of each rater): l = 9:
    # 3 * (1458 - 243 + 9) / 3 = 1224; l = 1: 0 + 1 * (2 + 2) = 4; total 2456;
    # 2/12 * 2456 / (24 * 23 - 2 * 72) = 2456 / 6 / 408.
    assert got.expected == pytest.approx(2456 / 6 / 408)
    assert got.expected == pytest.approx(_reference_category(
        [[(0, 9), (9, 10)], [(0, 9), (9, 10)]], [0, 12])[1])


def test_alpha_u_matches_the_segment_walk_on_random_data() -> None:
    rng = random.Random(7)
    for _ in range(150):
        n_raters = rng.randint(2, 4)
        edges = [0]
        for _ in range(rng.randint(1, 3)):
            edges.append(edges[-1] + rng.randint(1, 15))
        units: list[tuple[int, int, int, int]] = []
        for _ in range(rng.randint(1, 12)):
            doc = rng.randrange(len(edges) - 1)
            s = rng.randrange(edges[doc], edges[doc + 1])
            e = rng.randint(s + 1, edges[doc + 1])
            units.append((rng.randrange(n_raters), s, e, rng.randrange(2)))
        overall, per = alpha_u(*_arrays(units), n_raters, np.array(edges))
        assert sorted(per) == sorted({u[3] for u in units})
        for c, got in per.items():
            by_rater = [[(s, e) for r, s, e, k in units if (r, k) == (i, c)]
                        for i in range(n_raters)]
            d_o, d_e, n_c, merged = _reference_category(by_rater, edges)
            assert (got.observed, got.expected) == pytest.approx((d_o, d_e), rel=1e-9, abs=1e-15)
            assert (got.units, got.merged) == (n_c, merged)
        d_o = sum(p.observed for p in per.values()) / len(per)
        d_e = sum(p.expected for p in per.values()) / len(per)
        assert (overall.observed, overall.expected) == pytest.approx((d_o, d_e), rel=1e-9)
        want = 0.0 if math.isclose(d_o, d_e, rel_tol=1e-9) else 1 - d_o / d_e
        assert overall.value == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_alpha_is_zero_only_for_rounding_level_differences() -> None:
    # DKPro returns 0 when D_o == D_e; the tolerance only absorbs float rounding (1e-12
    # relative). A real difference of one part in 10^10 is an alpha of 1e-10, not 0.
    close = CategoryDisagreement(1.0, 1.0 + 1e-10, 1, 0).alpha
    assert close.value == pytest.approx(1 - 1 / (1 + 1e-10), rel=1e-6)
    assert close.value != 0.0
    rounding = CategoryDisagreement(0.1 + 0.2, 0.3, 1, 0).alpha  # 0.30000000000000004
    assert rounding == UnitizingAlpha(0.0, 0.1 + 0.2, 0.3)


def test_alpha_with_no_expected_disagreement_is_undefined() -> None:
    # From spans D_e is 0 only when every rater tiles the text with one-character units,
    # and then D_o is 0 too (alpha 0, as DKPro); a D_o > 0 with D_e = 0 can only come from a
    # caller's own numbers and must give "undefined", not a division by zero.
    assert CategoryDisagreement(0.25, 0.0, 3, 0).alpha == UnitizingAlpha(
        None, 0.25, 0.0, "expected disagreement is 0 (no room for the units to vary)"
    )
    tiled = alpha_u(*_arrays([(r, i, i + 1, 0) for r in (0, 1) for i in range(4)]), 2,
                    np.array([0, 4]))[0]
    assert tiled == UnitizingAlpha(0.0, 0.0, 0.0)


def test_pairable_count_is_exact_when_coincidences_round_down() -> None:
    # Regression: n was int() of the summed coincidences, fractions 1/(m_u - 1) that add up
    # to 14.999... here, so 15 pairable values (3 + 4 + 4 + 4) were reported as 14.
    data = [("c", None, "c", "c"), ("a", "b", "c", "c"), ("c", "b", "b", "b"), ("a", 7, "c", "c")]
    result = krippendorff_alpha_nominal(data)
    assert (result.pairable, result.units) == (15, 4)
    assert (result.value, result.observed, result.expected) == pytest.approx(_reference_alpha(data))


def test_alpha_u_of_fewer_than_two_annotators() -> None:
    assert alpha_u(*_arrays([(0, 0, 3, 0)]), 1, np.array([0, 10])) == (
        UnitizingAlpha(None, None, None, "needs two or more annotators"), {}
    )


@pytest.mark.parametrize("edges", [[], [4], [4, 4], [0, 0, 0]])
def test_alpha_u_of_no_text(edges: list[int]) -> None:
    # No document, or only empty ones: nothing to compare, whatever the units say.
    assert alpha_u(*_arrays([(0, 0, 3, 0), (1, 1, 3, 0)]), 2, np.array(edges, dtype=np.int64)) == (
        UnitizingAlpha(None, None, None, "no text to compare"), {}
    )


def test_alpha_u_of_no_spans() -> None:
    assert alpha_u(*_arrays([]), 2, np.array([0, 10])) == (
        UnitizingAlpha(None, None, None, "no annotator marked any span"), {}
    )


def test_empty_documents_change_nothing() -> None:
    # An empty document (two equal offsets) first, or between two others, adds no text and
    # no gap: the same numbers as without it.
    one = [(0, 2, 5, 0), (1, 2, 6, 0), (0, 7, 9, 1)]
    assert alpha_u(*_arrays(one), 2, np.array([0, 0, 10])) == alpha_u(
        *_arrays(one), 2, np.array([0, 10])
    )
    two = [(0, 2, 5, 0), (1, 2, 6, 0), (0, 12, 14, 1), (1, 12, 15, 1)]
    with_empty = alpha_u(*_arrays(two), 2, np.array([0, 10, 10, 20]))
    assert with_empty == alpha_u(*_arrays(two), 2, np.array([0, 10, 20]))
    d_o, d_e, _, _ = _reference_category([[(2, 5)], [(2, 6)]], [0, 10, 20])
    assert (with_empty[1][0].observed, with_empty[1][0].expected) == pytest.approx((d_o, d_e))
