"""The agreement measures against PUBLISHED worked examples.

Each test names its source. The expected numbers are the ones printed in the paper or
asserted by DKPro Agreement's own tests (dkpro/dkpro-statistics, Apache-2.0,
``dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/agreement/...``), not
values produced by this code.
"""

from __future__ import annotations

import numpy as np
import pytest

from annotator.agreement.alpha import krippendorff_alpha_nominal
from annotator.agreement.metrics import (
    PRF,
    cohen_kappa,
    exact_matches,
    fleiss_kappa,
    max_overlap_matching,
    paint,
)
from annotator.agreement.unitizing import alpha_u, category_disagreement

# --------------------------------------------------------------------------- Krippendorff alpha


def test_krippendorff_2011_nominal_with_missing_values() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 observers, 12 units, missing values; nominal alpha = 0.743. The same data, with
    letters for the symbols, is Krippendorff (2004: p. 230), for which DKPro's
    coding/Krippendorff2004Test asserts D_o = 0.200, D_e = 0.779 and alpha = 0.743."""
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    c = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    result = krippendorff_alpha_nominal(list(zip(a, b, c, d, strict=True)))
    assert result.value == pytest.approx(0.743, abs=0.0005)
    assert result.observed == pytest.approx(0.200, abs=0.0005)
    assert result.expected == pytest.approx(0.779, abs=0.0005)
    # Unit 12 has one value only: it is unpairable and left out (n = 40 pairable values).
    assert result.units == 11
    assert result.pairable == 40


def test_krippendorff_2004_two_coders() -> None:
    """Krippendorff (2004: p. 224 and p. 227), via DKPro coding/Krippendorff2004Test:
    binary data alpha = 0.095; three categories alpha = 0.734 (D_o .1667, D_e .6268)."""
    binary = [(1, 0), (1, 1), (0, 1), (0, 0), (0, 0), (0, 1), (0, 0), (0, 1), (0, 0), (0, 0)]
    assert krippendorff_alpha_nominal(binary).value == pytest.approx(0.095, abs=0.0005)
    pairs = [("a", "a"), ("a", "b"), *[("b", "b")] * 4, ("b", "c"), *[("c", "c")] * 5]
    result = krippendorff_alpha_nominal(pairs)
    assert result.value == pytest.approx(0.734, abs=0.0005)
    assert result.observed == pytest.approx(0.1667, abs=0.0005)
    assert result.expected == pytest.approx(0.6268, abs=0.0005)


def test_alpha_missing_is_not_disagreement() -> None:
    # Adding a coder who valued nothing changes nothing; no variation gives no alpha.
    data = [("x", "x"), ("x", "y"), ("y", "y"), ("y", "y")]
    with_absent = [(*u, None) for u in data]
    assert krippendorff_alpha_nominal(with_absent).value == krippendorff_alpha_nominal(data).value
    same = krippendorff_alpha_nominal([("x", "x"), ("x", "x", None)])
    assert same.value is None and "no variation" in (same.reason or "")
    nothing = krippendorff_alpha_nominal([("x", None), (None, None)])
    assert nothing.value is None and nothing.units == 0


# --------------------------------------------------------------------------- kappa


def test_cohen_1960_example() -> None:
    """Cohen (1960: p. 45), 200 items, 3 categories: p_o = .70, p_c = .41,
    kappa = .492 (DKPro coding/Cohen1960Test.testExample2)."""
    table = np.array([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    kappa = cohen_kappa(table)
    assert kappa.observed == pytest.approx(0.70)
    assert kappa.expected == pytest.approx(0.41)
    assert kappa.value == pytest.approx(0.492, abs=0.0005)


def test_cohen_undefined_when_one_category() -> None:
    kappa = cohen_kappa(np.array([[50, 0], [0, 0]]))
    assert kappa.value is None and "undefined" in (kappa.reason or "")


FLEISS_1971 = [  # Fleiss (1971: p. 379): 30 subjects, 6 raters, 5 diagnoses
    (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
    (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
    (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
    (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
    (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
    (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
    (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
    (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
]


def _fleiss_counts(rows: list[tuple[int, ...]]) -> np.ndarray:
    counts = np.zeros((len(rows), 5))
    for i, row in enumerate(rows):
        for v in row:
            counts[i, v - 1] += 1
    return counts


def test_fleiss_1971_example() -> None:
    """Fleiss (1971: p. 379), the 30-subject, 6-rater example: P = .556, P_e = .220,
    kappa = .430 (DKPro coding/Fleiss1971Test)."""
    kappa = fleiss_kappa(_fleiss_counts(FLEISS_1971))
    assert kappa.observed == pytest.approx(0.5556, abs=0.001)
    assert kappa.expected == pytest.approx(0.2201, abs=0.001)
    assert kappa.value == pytest.approx(0.430, abs=0.0005)


def test_fleiss_weights_equal_repeated_rows() -> None:
    # A run of characters is one weighted row: the same as repeating the row.
    counts = _fleiss_counts(FLEISS_1971)
    weights = np.arange(1, 31, dtype=float)
    repeated = np.repeat(counts, weights.astype(int), axis=0)
    assert fleiss_kappa(counts, weights).value == pytest.approx(fleiss_kappa(repeated).value)


def test_fleiss_with_two_raters_is_scott_pi_not_cohen() -> None:
    """Krippendorff (2004: p. 246, example 4b; DKPro coding/Krippendorff2004Test):
    with skewed marginals Scott's pi = .186 while Cohen's kappa = .258. Fleiss' kappa with
    two raters is Scott's pi."""
    cells = {("a", "a"): 12, ("a", "b"): 18, ("a", "c"): 18, ("b", "b"): 14, ("b", "c"): 18,
             ("c", "c"): 20}
    idx = {"a": 0, "b": 1, "c": 2}
    table = np.zeros((3, 3))
    rows = []
    for (x, y), n in cells.items():
        table[idx[x], idx[y]] = n
        row = np.zeros(3)
        row[idx[x]] += 1
        row[idx[y]] += 1
        rows += [row] * n
    assert cohen_kappa(table).value == pytest.approx(0.258, abs=0.0005)
    assert fleiss_kappa(np.array(rows)).value == pytest.approx(0.186, abs=0.0005)


# --------------------------------------------------------------------------- alpha_u


def _study(units: list[tuple[int, int, int, str]], begin: int, length: int):
    """DKPro's addUnit(offset, length, rater, category) as arrays."""
    cats = sorted({u[3] for u in units})
    rater = np.array([u[2] for u in units])
    start = np.array([u[0] for u in units])
    end = start + np.array([u[1] for u in units])
    category = np.array([cats.index(u[3]) for u in units])
    return rater, start, end, category, np.array([begin, begin + length]), cats


def test_alpha_u_krippendorff_2004() -> None:
    """Krippendorff (2004: p. 254) unitizing example, as in DKPro
    unitizing/Krippendorff2004Test: continuum [150, 450), 2 raters; category c:
    D_o = .0144, D_e = .0532, alpha = .7286; category k: D_o = 0, D_e = .0490, alpha = 1;
    overall alpha_u = .8591 (+-.0005)."""
    units = [(225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
             (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
             (300, 50, 1, "k")]
    rater, start, end, category, edges, cats = _study(units, 150, 300)
    overall, per = alpha_u(rater, start, end, category, 2, edges)
    c, k = per[cats.index("c")], per[cats.index("k")]
    assert c.observed == pytest.approx(0.0144, abs=0.0001)
    assert c.expected == pytest.approx(0.0532, abs=0.0001)
    assert c.alpha.value == pytest.approx(0.7286, abs=0.0001)
    assert k.observed == pytest.approx(0.0, abs=0.0001)
    assert k.expected == pytest.approx(0.0490, abs=0.0001)
    assert k.alpha.value == pytest.approx(1.0)
    assert overall.value == pytest.approx(0.8591, abs=0.0005)


def _krippendorff_1995(stretch: float):
    """Krippendorff (1995: p. 57) four categories A-D, as built by DKPro
    unitizing/Krippendorff1995Test.createExample."""
    raw = {
        "A": [(2, 8, 0), (14, 6, 0), (4, 4, 1), (15, 2, 1)],
        "B": [(0, 18, 0), (0, 2, 1), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 1), (6, 3, 1),
              (9, 1, 1)],
        "C": [(2, 6, 0), (10, 2, 0), (14, 4, 0), (20, 2, 0), (0, 2, 1), (4, 4, 1), (10, 4, 1),
              (16, 2, 1), (20, 2, 1)],
        "D": [(0, 2, 0), (2, 8, 0), (10, 4, 0), (14, 6, 0), (20, 4, 0), (0, 4, 1), (4, 4, 1),
              (8, 7, 1), (15, 2, 1), (17, 7, 1)],
    }
    units = [(int(o * stretch), int(n * stretch), r, cat) for cat, us in raw.items() for o, n, r in us]
    return _study(units, 0, int(24 * stretch))


def test_alpha_u_krippendorff_1995() -> None:
    """Krippendorff (1995: p. 57), DKPro unitizing/Krippendorff1995Test.testAgreement:
    D_o A .03125, B 2.26736, C .02777, D .38715; with the continuum stretched to
    1,200,000: D_e A .06990, B 1.17731, C .08642, D .41445 (+-.005) and alpha
    A .553, B -.926, C .679, D .066 (+-.02)."""
    rater, start, end, category, edges, cats = _krippendorff_1995(1)
    _, per = alpha_u(rater, start, end, category, 2, edges)
    observed = {cats[k]: v.observed for k, v in per.items()}
    assert observed == pytest.approx({"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715},
                                     abs=0.00001)
    rater, start, end, category, edges, cats = _krippendorff_1995(1_200_000 / 24)
    _, per = alpha_u(rater, start, end, category, 2, edges)
    expected = {cats[k]: v.expected for k, v in per.items()}
    assert expected == pytest.approx({"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445},
                                     abs=0.005)
    alphas = {cats[k]: v.alpha.value for k, v in per.items()}
    assert alphas == pytest.approx({"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}, abs=0.02)


def test_alpha_u_dkpro_unitizing_agreement_test() -> None:
    """DKPro unitizing/UnitizingAgreementTest: one long unit against three short ones,
    D_o .9100, D_e .5351, alpha -.7003; one unit by one of three raters: alpha 0."""
    rater, start, end, category, edges, _ = _study(
        [(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")], 0, 10
    )
    _, per = alpha_u(rater, start, end, category, 2, edges)
    assert per[0].observed == pytest.approx(0.9100, abs=0.0001)
    assert per[0].expected == pytest.approx(0.5351, abs=0.0001)
    assert per[0].alpha.value == pytest.approx(-0.7003, abs=0.0001)
    rater, start, end, category, edges, _ = _study([(0, 1, 0, "X")], 0, 20)
    assert alpha_u(rater, start, end, category, 3, edges)[0].value == 0.0


def test_alpha_u_documents_as_one_continuum() -> None:
    # Observed disagreement only depends on units; cutting the gaps at a document edge
    # that no unit crosses changes D_e only, and perfect agreement stays 1.
    rater = np.array([0, 1, 0, 1])
    start, end = np.array([2, 2, 12, 13]), np.array([5, 5, 15, 15])
    one = category_disagreement(rater, start, end, 2, np.array([0, 20]))
    two = category_disagreement(rater, start, end, 2, np.array([0, 10, 20]))
    assert one.observed == two.observed
    assert one.expected != two.expected
    same = alpha_u(np.array([0, 1]), np.array([2, 2]), np.array([5, 5]), np.array([0, 0]), 2,
                   np.array([0, 10, 20]))[0]
    assert same.value == 1.0


# --------------------------------------------------------------------------- span matching


def _arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_exact_matches_use_each_span_once() -> None:
    a_s, a_e = _arr(0, 0, 10), _arr(5, 5, 20)
    b_s, b_e = _arr(0, 10, 10), _arr(5, 20, 21)
    ia, jb = exact_matches(a_s, a_e, b_s, b_e)
    assert sorted(zip(ia.tolist(), jb.tolist(), strict=True)) in ([(0, 0), (2, 1)], [(1, 0), (2, 1)])


def test_overlap_matching_is_maximum_not_greedy() -> None:
    # a0 = [1, 12) overlaps b0 = [0, 10) by 9 and b1 = [11, 20) by 1; a1 = [0, 1) overlaps
    # only b0. Greedy by largest overlap takes a0-b0 and then finds nothing for a1 or b1
    # (1 pair); the maximum matching pairs a0-b1 and a1-b0 (2 pairs).
    a_s, a_e = _arr(1, 0), _arr(12, 1)
    b_s, b_e = _arr(0, 11), _arr(10, 20)
    ia, jb = max_overlap_matching(a_s, a_e, b_s, b_e)
    assert sorted(zip(ia.tolist(), jb.tolist(), strict=True)) == [(0, 1), (1, 0)]
    a_s, a_e = _arr(0, 12), _arr(10, 20)
    b_s, b_e = _arr(2, 9), _arr(8, 15)
    ia, jb = max_overlap_matching(a_s, a_e, b_s, b_e)
    assert len(ia) == 2


def test_overlap_matching_split_span_matches_once() -> None:
    # One annotator marks [0, 20), the other splits it in two: one match, not two.
    ia, _ = max_overlap_matching(_arr(0), _arr(20), _arr(0, 10), _arr(10, 20))
    assert len(ia) == 1 and ia[0] == 0
    touching = max_overlap_matching(_arr(0), _arr(10), _arr(10), _arr(20))
    assert len(touching[0]) == 0  # sharing an edge is not sharing a character


def test_prf_values() -> None:
    prf = PRF(matched=3, n_ref=4, n_pred=6)
    assert (prf.precision, prf.recall, prf.f1) == (0.5, 0.75, 0.6)
    none = PRF(0, 0, 0)
    assert none.f1 is None and none.reason()


def test_paint_innermost_wins() -> None:
    # article [0, 10) with a caption (boilerplate) [3, 5) inside it
    bounds, labels = paint(_arr(0, 3), _arr(10, 5), _arr(1, 2), 12)
    assert bounds.tolist() == [0, 3, 5, 10, 12]
    assert labels.tolist() == [1, 2, 1, 0]
