"""Edge cases of the agreement building blocks found by mutation testing: kappa's undefined
and degenerate cases, Fleiss' input checks, exact matching of nested, duplicated and far-apart
spans, which partner the overlap matching picks, and how ``paint`` settles overlapping spans.

Every expected value is worked out by hand in the test (or, for the random test, by a brute
force search), not taken from this code.

The mutants of ``annotator/agreement/metrics.py`` that survive these tests are equivalent
(no result can change), so no test can kill them:

- dtype=None / no dtype on ``arange`` or ``np.array`` of Python ints (``expand_ranges`` 22,
  24; ``overlap_candidates`` 57, 59; ``max_overlap_matching`` 78, 80, 84, 86): numpy's
  default integer is int64 on every 64-bit platform (numpy >= 2 also on Windows).
- sort kind None/omitted/"STABLE" on plain integers (``sorted_unique`` 3, 5, 7): sorted
  integers are the same whichever sort made them; "STABLE" is read case-insensitively
  (also ``exact_matches`` 50 and ``overlap_candidates`` 22).
- ``overlap_candidates`` 18, 20 (unstable argsort of b starts) and ``exact_matches`` 45
  (key ``start*width - length``): the same set of pairs in another order; every caller only
  counts pairs (``bincount``) or re-sorts them (``max_overlap_matching``'s lexsort).
- ``exact_matches`` 24, 25, 28, 29, 30, 31, 32, 34, 36, 37 only move the line between the
  combined-key sort and ``np.lexsort``, which order spans the same way, and never towards an
  overflowing key: the threshold keeps a factor 2 of headroom, so ``<=``, ``/``, ``2 << 62``
  and ``1 << 63`` still fit in int64; 47 (key ``start*(width+2) + length``) and 48 (``*3``)
  keep keys distinct and ordered within that headroom.
- ``overlap_candidates`` 1 (``or`` -> ``and``): with one side empty the general path also
  returns two empty int64 arrays; 32 (``side="left"``) only adds b's that end exactly at
  a.start, which ``keep`` drops; 41 drops ``side="left"``, numpy's default.
- ``max_overlap_matching`` 11 (``== 1``): one candidate pair is always a "simple" pair and
  returned as is; 16, 21 (``bincount`` without ``minlength``) only shorten arrays that are
  indexed by values they count; 49, 52, 53 change ``zip(strict=...)`` over equal lengths.
- ``_augment`` 24, 27 flip its return value, which its only caller ignores.
- ``cohen_kappa`` 3, 5 and ``fleiss_kappa`` 38 drop the float64 cast of the table or
  weights: for integer input ``sum``/``trace`` promote to 64 bits and the divisions give
  float64 anyway (only float16 input would round differently: ``fleiss_kappa`` 36 is killed
  that way in ``test_sample8_core_mutants.py``).
- ``paint`` 28 (``np.all(None)``): always takes the general path, which gives disjoint spans
  the same labels as the shortcut.

One real defect showed up and was fixed: a span of the second annotator went to whichever
first-annotator span started earliest, even one it shared a single character with
(``test_overlap_matching_prefers_overlap_from_the_b_side_too``).
"""

from __future__ import annotations

import numpy as np
import pytest

from annotator.agreement.metrics import (
    PRF,
    Kappa,
    cohen_kappa,
    exact_matches,
    fleiss_kappa,
    max_overlap_matching,
    overlap_candidates,
    paint,
    sample_steps,
    sorted_unique,
)


def _arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _pairs(result: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    return sorted(zip(result[0].tolist(), result[1].tolist(), strict=True))


# --------------------------------------------------------------------------- helpers


def test_sorted_unique_removes_duplicates_of_short_arrays() -> None:
    assert sorted_unique(_arr(4, 4)).tolist() == [4]
    assert sorted_unique(_arr(9, 2, 9)).tolist() == [2, 9]
    assert sorted_unique(_arr(7)).tolist() == [7]
    assert sorted_unique(_arr()).tolist() == []


# --------------------------------------------------------------------------- PRF


def test_prf_reason_only_when_both_sides_are_empty() -> None:
    assert PRF(0, 0, 0).reason() == "neither annotator marked a span of this label"
    # Equal non-zero counts on both sides are a defined score, not "nothing marked".
    same = PRF(matched=2, n_ref=3, n_pred=3)
    assert same.reason() is None
    assert same.f1 == pytest.approx(2 / 3)
    # Only the prediction marked anything: recall is undefined, precision and F1 are 0.
    one_sided = PRF(matched=0, n_ref=0, n_pred=4)
    assert (one_sided.precision, one_sided.recall, one_sided.f1) == (0.0, None, 0.0)
    assert one_sided.reason() is None


# --------------------------------------------------------------------------- Cohen's kappa


def test_cohen_kappa_of_an_empty_table() -> None:
    nothing = Kappa(None, None, None, "nothing to compare (no characters)")
    assert cohen_kappa(np.zeros((2, 2))) == nothing
    assert cohen_kappa(np.zeros((0, 0), dtype=np.int64)) == nothing


def test_cohen_kappa_with_one_label_everywhere() -> None:
    # Both annotators put all 50 characters in category 0: p_o = 1 and p_e = 1 * 1 = 1.
    assert cohen_kappa(np.array([[50, 0], [0, 0]])) == Kappa(
        None, 1.0, 1.0,
        "both annotators gave every character the same single label: chance agreement "
        "is 1 and kappa is undefined",
    )


def test_cohen_kappa_of_proportions_summing_to_one() -> None:
    # Weights rather than counts, total 1: p_o = .25 + .5 = .75; row marginals (.5, .5),
    # column marginals (.25, .75), so p_e = .5*.25 + .5*.75 = .5 and kappa = .25/.5 = .5.
    kappa = cohen_kappa(np.array([[0.25, 0.25], [0.0, 0.5]]))
    assert (kappa.value, kappa.observed, kappa.expected) == pytest.approx((0.5, 0.75, 0.5))
    assert kappa.reason is None


# --------------------------------------------------------------------------- Fleiss' kappa


def test_fleiss_kappa_of_one_item() -> None:
    # 3 raters, two say A and one B: P_1 = (2^2 + 1^2 - 3) / (3 * 2) = 1/3;
    # p_A = 2/3, p_B = 1/3, P_e = 4/9 + 1/9 = 5/9; kappa = (1/3 - 5/9) / (4/9) = -1/2.
    kappa = fleiss_kappa(np.array([[2, 1]]))
    assert kappa.observed == pytest.approx(1 / 3)
    assert kappa.expected == pytest.approx(5 / 9)
    assert kappa.value == pytest.approx(-0.5)
    assert kappa.reason is None


FLEISS_MESSAGE = "Fleiss' kappa needs the same number (>= 2) of ratings for every item"


@pytest.mark.parametrize(
    "counts",
    [
        [[2, 0], [1, 2]],  # item 1 has three ratings, item 0 two
        [[1, 0], [0, 1]],  # one rating per item: no pair of raters to agree
    ],
)
def test_fleiss_kappa_rejects_bad_rating_counts(counts: list[list[int]]) -> None:
    with pytest.raises(ValueError) as error:
        fleiss_kappa(np.array(counts))
    assert str(error.value) == FLEISS_MESSAGE


def test_fleiss_kappa_with_nothing_to_compare() -> None:
    nothing = Kappa(None, None, None, "nothing to compare (no items)")
    assert fleiss_kappa(np.zeros((0, 3))) == nothing
    # Every row weighted 0 (pieces of zero width) is no items either.
    assert fleiss_kappa(np.array([[2, 0], [1, 1]]), weights=np.array([0.0, 0.0])) == nothing


@pytest.mark.parametrize("counts", [[[3]], [[3, 0], [3, 0]]])
def test_fleiss_kappa_with_one_category_everywhere(counts: list[list[int]]) -> None:
    # Every rater chose the first category: P = 1 and P_e = 1^2 = 1.
    assert fleiss_kappa(np.array(counts)) == Kappa(
        None, 1.0, 1.0, "every rater gave every item the same single category: kappa is undefined"
    )


def test_fleiss_kappa_counts_in_a_small_integer_type() -> None:
    # 16 raters; item 0 all in A, item 1 split 8/8. P_0 = 1, P_1 = (64 + 64 - 16)/240 = 7/15,
    # P = 11/15; p = (24/32, 8/32), P_e = 10/16; kappa = (11/15 - 5/8) / (3/8) = 13/45.
    # Squaring 16 in uint8 would wrap to 0.
    kappa = fleiss_kappa(np.array([[16, 0], [8, 8]], dtype=np.uint8))
    assert kappa.observed == pytest.approx(11 / 15)
    assert kappa.expected == pytest.approx(5 / 8)
    assert kappa.value == pytest.approx(13 / 45)


# --------------------------------------------------------------------------- exact match


def test_exact_matches_of_nothing() -> None:
    ia, jb = exact_matches(_arr(), _arr(), _arr(), _arr())
    assert (ia.tolist(), jb.tolist()) == ([], [])
    labels = np.array(["ORG", "PER"])
    # The indices must index the caller's arrays, also when there are none.
    assert labels[ia].tolist() == [] and labels[jb].tolist() == []


def test_exact_matches_indices_index_the_callers_arrays() -> None:
    ia, jb = exact_matches(_arr(0, 5), _arr(3, 9), _arr(5, 0, 20), _arr(9, 3, 25))
    assert _pairs((ia, jb)) == [(0, 1), (1, 0)]
    b_labels = np.array(["x", "y", "z"])
    assert sorted(b_labels[jb].tolist()) == ["x", "y"]


def test_exact_matches_nested_spans_sharing_starts() -> None:
    # A phrase [0, 3) with its words [0, 1) and [1, 2): each matches only its own copy,
    # although the start of one is the end of another and two share a start.
    a = _arr(0, 1, 0), _arr(3, 2, 1)
    b = _arr(1, 0, 0), _arr(2, 1, 3)
    assert _pairs(exact_matches(*a, *b)) == [(0, 2), (1, 0), (2, 1)]


def test_exact_matches_far_apart_on_the_number_line() -> None:
    # Lanes put documents and labels far apart. [0, 1) and [2^61, 2^61 + 1) are different
    # spans; a combined sort key start * width would wrap around int64 and mix them up.
    far = 1 << 61
    a = _arr(0, far, 10), _arr(1, far + 1, 13)
    b = _arr(far, 0), _arr(far + 1, 1)
    assert _pairs(exact_matches(*a, *b)) == [(0, 1), (1, 0)]


def test_exact_matches_pair_duplicates_in_order_of_occurrence() -> None:
    # 8 distinct spans, 3 copies of each in a (interleaved) and 2 in b (in reverse order):
    # the k-th copy in a pairs with the k-th copy in b, so the result is reproducible.
    spans = [(s, s + 2) for s in range(0, 16, 2)]
    a = [spans[i % 8] for i in range(24)]  # copy c of span g is at index g + 8c
    b = [spans[7 - (i % 8)] for i in range(16)]  # copy c of span g is at 7 - g + 8c
    ia, jb = exact_matches(
        _arr(*(s for s, _ in a)), _arr(*(e for _, e in a)),
        _arr(*(s for s, _ in b)), _arr(*(e for _, e in b)),
    )
    expected = sorted((g + 8 * c, 7 - g + 8 * c) for g in range(8) for c in range(2))
    assert _pairs((ia, jb)) == expected


# --------------------------------------------------------------------------- overlap match


def test_overlap_candidates_touching_is_not_overlap_behind_a_long_span() -> None:
    # b0 = [0, 10) reaches past a = [5, 8), so the scan window for a starts at b0 and also
    # holds b1 = [2, 5), which only touches a at 5: only b0 shares a character.
    assert _pairs(overlap_candidates(_arr(5), _arr(8), _arr(0, 2), _arr(10, 5))) == [(0, 0)]


def test_overlap_matching_prefers_the_larger_overlap() -> None:
    # a = [0, 10) against b0 = [0, 8) (8 shared) and b1 = [8, 10) (2 shared).
    assert _pairs(max_overlap_matching(_arr(0), _arr(10), _arr(0, 8), _arr(8, 10))) == [(0, 0)]


def test_overlap_matching_earlier_span_goes_first() -> None:
    # b = [5, 15) overlaps a0 = [10, 20) by 5 and a1 = [0, 14) by 9. The a's are tried in
    # order of start, so a1 (listed second) gets b.
    result = max_overlap_matching(_arr(10, 0), _arr(20, 14), _arr(5), _arr(15))
    assert _pairs(result) == [(1, 0)]


def test_overlap_matching_next_best_partner_after_losing_the_best() -> None:
    # a0 = [4, 10) overlaps only b0 = [8, 16) and takes it first. a1 = [10, 20) overlaps
    # b0 by 6, b1 = [16, 19) by 3 and b2 = [19, 22) by 1; it cannot take b0 from a0 and
    # falls back to its next best, b1, not to b2.
    a = _arr(4, 10), _arr(10, 20)
    b = _arr(8, 16, 19), _arr(16, 19, 22)
    assert _pairs(max_overlap_matching(*a, *b)) == [(0, 0), (1, 1)]


def test_overlap_matching_reroutes_through_a_first_choice() -> None:
    # Three overlapping spans on each side (partners in order of decreasing overlap, ties by
    # index): a0 = [9, 12): b0 3, b1 3, b2 1; a1 = [11, 13): b1 2, b2 2, b0 1;
    # a2 = [8, 12): b0 4, b1 3, b2 1. In order of start: a2 takes b0; a0 wants b0, so a2
    # moves on to b1. a1 wants b1: a2 starts over from its first choice b0, whose owner a0
    # moves to b2 (b0, b1 are on the path already). Result a0-b2, a1-b1, a2-b0.
    a = _arr(9, 11, 8), _arr(12, 13, 12)
    b = _arr(8, 9, 11), _arr(12, 14, 16)
    assert _pairs(max_overlap_matching(*a, *b)) == [(0, 2), (1, 1), (2, 0)]


@pytest.mark.timeout(20)
def test_overlap_matching_chain_of_split_spans() -> None:
    # a0 = [1, 4) | a1 = [9, 12) | a2 = [13, 14) against b0 = [1, 10) | b1 = [11, 15):
    # a1 bridges b0 and b1. Two pairs at most; the search for a2 must give up after
    # trying both of a1's partners rather than loop.
    a = _arr(1, 9, 13), _arr(4, 12, 14)
    b = _arr(1, 11), _arr(10, 15)
    assert _pairs(max_overlap_matching(*a, *b)) == [(0, 0), (1, 1)]


def _brute_force_max(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    def best(i: int, used: frozenset[int]) -> int:
        if i == len(a):
            return 0
        options = [best(i + 1, used)]
        for j, (bs, be) in enumerate(b):
            if j not in used and min(a[i][1], be) > max(a[i][0], bs):
                options.append(1 + best(i + 1, used | {j}))
        return max(options)

    return best(0, frozenset())


@pytest.mark.timeout(60)
def test_overlap_matching_is_maximum_on_random_spans() -> None:
    rng = np.random.default_rng(20240611)
    for _ in range(300):
        spans = []
        for n in rng.integers(1, 6, size=2):
            start = rng.integers(0, 20, size=n)
            spans.append((start, start + rng.integers(1, 8, size=n)))
        (a_s, a_e), (b_s, b_e) = spans
        ia, jb = max_overlap_matching(a_s, a_e, b_s, b_e)
        a = list(zip(a_s.tolist(), a_e.tolist(), strict=True))
        b = list(zip(b_s.tolist(), b_e.tolist(), strict=True))
        assert len(set(ia.tolist())) == len(ia) and len(set(jb.tolist())) == len(jb)
        for i, j in zip(ia.tolist(), jb.tolist(), strict=True):
            assert min(a[i][1], b[j][1]) > max(a[i][0], b[j][0]), (a, b, i, j)
        assert len(ia) == _brute_force_max(a, b), (a, b)


def test_overlap_matching_prefers_overlap_from_the_b_side_too() -> None:
    # A marks two articles [0, 100) and [100, 1000); B marks one [99, 1000). B's article is
    # A's second one (900 shared characters), not the first (1 shared character), which is
    # what the docstring promises ("two annotators' versions of the same article pair up
    # rather than one article with a neighbour it merely touches"). It used to pair a0-b0.
    result = max_overlap_matching(_arr(0, 100), _arr(100, 1000), _arr(99), _arr(1000))
    assert _pairs(result) == [(1, 0)]


# --------------------------------------------------------------------------- paint


def test_paint_empty_document() -> None:
    bounds, labels = paint(_arr(), _arr(), _arr(), 0)
    assert bounds.tolist() == [0]
    assert labels.tolist() == []


def test_paint_bounds_slice_the_text() -> None:
    text = "abcdefghij"
    bounds, labels = paint(_arr(2), _arr(5), _arr(1), len(text))
    pieces = [text[bounds[k]:bounds[k + 1]] for k in range(len(labels))]
    assert pieces == ["ab", "cde", "fghij"]
    assert labels.tolist() == [0, 1, 0]


def test_paint_crossing_spans_of_equal_length() -> None:
    # [0, 10) labelled 1 and [5, 15) labelled 2 cross; on the shared [5, 10) the one starting
    # last wins, and each keeps its own part.
    bounds, labels = paint(_arr(0, 5), _arr(10, 15), _arr(1, 2), 20)
    assert bounds.tolist() == [0, 5, 10, 15, 20]
    assert labels.tolist() == [1, 2, 2, 0]


def test_paint_short_span_near_the_end_of_a_long_one() -> None:
    # A caption [7, 9) near the end of an article [0, 10): shorter wins, wherever it sits.
    bounds, labels = paint(_arr(0, 7), _arr(10, 9), _arr(1, 2), 10)
    assert bounds.tolist() == [0, 7, 9, 10]
    assert labels.tolist() == [1, 2, 1]


def test_paint_identical_spans_first_listed_wins() -> None:
    # The same characters marked twice with two labels of one layer: same length, same
    # start, so the tie goes to the span listed first, whatever numpy's write order.
    bounds, labels = paint(_arr(2, 2), _arr(6, 6), _arr(1, 2), 8)
    assert bounds.tolist() == [0, 2, 6, 8]
    assert labels.tolist() == [0, 1, 0]


# --------------------------------------------------------------------------- sample_steps


def test_sample_steps_clamps_points_outside_the_bounds() -> None:
    # Pieces [0, 4) -> 1 and [4, 10) -> 2; the end 10 and beyond belong to the last piece,
    # points before 0 to the first.
    points = _arr(-2, 0, 3, 4, 9, 10, 12)
    assert sample_steps(_arr(0, 4, 10), _arr(1, 2), points).tolist() == [1, 1, 1, 2, 2, 2, 2]


# --------------------------------------------------------------------------- all of it


def test_swapping_the_annotators() -> None:
    # Swapping the two annotators swaps the pairs of an exact matching and transposes Cohen's
    # table (kappa unchanged).
    a = _arr(0, 1, 0), _arr(3, 2, 1)
    b = _arr(1, 0, 0), _arr(2, 1, 3)
    forward = _pairs(exact_matches(*a, *b))
    backward = _pairs(exact_matches(*b, *a))
    assert backward == sorted((j, i) for i, j in forward)
    table = np.array([[0.25, 0.25], [0.0, 0.5]])
    assert cohen_kappa(table.T).value == pytest.approx(cohen_kappa(table).value)

