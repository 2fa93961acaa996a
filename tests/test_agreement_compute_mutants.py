"""Agreement results found lacking by mutation testing: the reason given when a document
label's alpha or a layer's kappa cannot be computed, how many article edges two annotators
put at the same place, the ``include_unfinished`` flag echoed back, and ``top`` capping the
disputed documents.

Every expected value is worked out by hand from the spans in the test, or is the exact
sentence the measure itself gives, not taken from ``compute.py``.

The mutants of ``annotator/agreement/compute.py`` that survive these tests are equivalent
(no result can change), so no test can kill them:

- ``_load_documents`` 144 (``zip(..., strict=None)``): ``parsed`` holds one entry per
  annotator by construction, so the strict check can never fire.
- ``_to_arrays`` 37 (``arange(n_ann, dtype=None)``): numpy's default integer is int64 on
  every 64-bit platform (numpy >= 2 also on Windows), the dtype it names.
- ``_Measure.painted`` 7 (float64 instead of int64 label lookup): the looked-up values are
  small whole numbers, and ``paint`` writes them into its own int64 array, which casts them
  back exactly; the step functions and so every kappa, confusion and disputed count match.
- ``_to_arrays`` 41 (document offsets ``.astype(None)``, float64): every offset is a whole
  number far below 2**53, so float64 holds it exactly and each start, end and document
  lookup gives the same values (checked: identical JSON for two and three annotators).
- ``measure`` 268 (pair alpha_u rater ``!= b`` instead of ``== b``): only swaps which of
  the pair is rater 0 and which rater 1; alpha_u is symmetric in its raters (checked:
  identical pair alphas for three annotators).
- ``measure`` 384 (label alpha_u without the overall reason): unreachable. ``per_category``
  lacks a label only when no unit has it (already answered above with its own reason) or
  when alpha_u gave up before the categories: under two annotators (``compute_agreement``
  refuses, and ``measure`` itself fails earlier in Fleiss' kappa) or with no text (then
  there are no spans).
"""

from __future__ import annotations

import pytest

from annotator.agreement import compute_agreement
from annotator.agreement.compute import load, measure
from annotator.corpus import Corpus
from tests.conftest import add_text
from tests.test_agreement_helpers import save, seed_versions

SHORT = "Hello world.\nSecond line."


@pytest.fixture
def pair_corpus(seed_corpus: Corpus, seed_text: str) -> Corpus:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article"})
    return seed_corpus


def test_doc_label_alpha_gives_alphas_own_reason(pair_corpus: Corpus) -> None:
    # Both said "article" on the one document: no variation, so alpha says why it is undefined.
    entry = compute_agreement(pair_corpus)["doc_labels"]["page_type"]
    assert entry["alpha"] is None
    assert entry["alpha_reason"] == (
        "every annotator gave the same value to every unit: with no variation alpha is undefined"
    )


def test_article_edges_at_the_same_place_are_counted(pair_corpus: Corpus) -> None:
    # seed_versions: both articles start at the title; alice ends at 1500, bob at 1480.
    pair = compute_agreement(pair_corpus)["articles"]["pairs"][0]
    assert pair["start_chars"] == {"mean": 0.0, "median": 0.0, "max": 0, "zero": 1}
    assert pair["end_chars"] == {"mean": 20.0, "median": 20.0, "max": 20, "zero": 0}


def test_include_unfinished_is_echoed_back(corpus: Corpus) -> None:
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")], status="in_progress")
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG")])
    counted = compute_agreement(corpus, include_unfinished=True)
    assert counted["include_unfinished"] is True
    assert counted["documents"] == 1
    default = compute_agreement(corpus)
    assert default["include_unfinished"] is False
    assert default["documents"] == 0


def test_kappa_of_two_annotators_gives_cohens_reason(corpus: Corpus) -> None:
    # No spans at all: every character is O for both, chance agreement is 1.
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [])
    save(corpus, SHORT, "a", "bob", [])
    r = compute_agreement(corpus)
    why = ("both annotators gave every character the same single label: chance agreement is 1 "
           "and kappa is undefined")
    assert r["kappa_char"] == {"structure": None, "part": None, "entity": None}
    assert r["kappa_char_reasons"] == {"structure": why, "part": why, "entity": why}


def test_top_caps_the_disputed_documents(corpus: Corpus) -> None:
    # "a": one unmatched span on each side (2); "b": alice's one span unmatched (1).
    for doc_id in ("a", "b"):
        add_text(corpus, doc_id, SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")])
    save(corpus, SHORT, "a", "bob", [(6, 11, "ORG")])
    save(corpus, SHORT, "b", "alice", [(0, 5, "PER")])
    save(corpus, SHORT, "b", "bob", [])
    assert [d["doc_id"] for d in compute_agreement(corpus)["disputed"]] == ["a", "b"]
    top = compute_agreement(corpus, top=1)["disputed"]
    assert [(d["doc_id"], d["unmatched_spans"]) for d in top] == [("a", 2)]


def test_pair_counts_both_sides_spans(corpus: Corpus) -> None:
    # alice marks two spans, bob one: n_a/n_b are each side's span count.
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG"), (6, 11, "ORG")])
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG")])
    overall = compute_agreement(corpus)["pairs"][0]["overall"]
    assert (overall["n_a"], overall["n_b"]) == (2, 1)


def test_default_top_keeps_ten_disputed_documents(corpus: Corpus) -> None:
    # Eleven documents, each with alice's one span unmatched: the default shows ten.
    for i in range(11):
        add_text(corpus, f"d{i:02}", SHORT)
        save(corpus, SHORT, f"d{i:02}", "alice", [(0, 5, "ORG")])
        save(corpus, SHORT, f"d{i:02}", "bob", [])
    assert len(compute_agreement(corpus)["disputed"]) == 10


def test_layer_without_labels_does_not_stop_later_layers(corpus: Corpus) -> None:
    # A layer none of whose labels occur is skipped; the layer after it still gets a kappa.
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")])
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG")])
    data = load(corpus, ["alice", "bob"])
    result = measure(data, [("empty", ["NOT_A_LABEL"]), ("entity", ["ORG"])])
    # alice and bob agree on every character: kappa is exactly 1.
    assert result["pairs"][0]["kappa_char"] == {"entity": 1.0}


def test_label_alpha_reports_observed_and_expected(corpus: Corpus) -> None:
    # Text of 25 chars; alice [0,5), bob [1,5): D_o = 2 * 1 / (2 * 1 * 25 * 25).
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")])
    save(corpus, SHORT, "a", "bob", [(1, 5, "ORG")])
    entry = compute_agreement(corpus)["labels"]["ORG"]
    assert entry["alpha_u_observed"] == pytest.approx(1 / 625)
    assert "alpha_u_expected" in entry
