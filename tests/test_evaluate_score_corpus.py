"""The article-body metric (``annotator.evaluate``) on hand-counted shingles: ``score_corpus``
(used by ``tools/score_suggestions.py``), the shingle size passed through, and the edges of
the benchmark's averaging (a document with nothing predicted, a gold body matched by half).

Mutants of ``annotator/evaluate.py`` that no test can kill (behaviour unchanged):

- ``score_corpus`` 9 and 11 make a document without a prediction score against ``None``
  instead of ``""``: ``tokenize`` reads ``text or ""``, so both are the empty text.
"""

from __future__ import annotations

from collections import Counter

import pytest

from annotator.evaluate import (
    NGRAM,
    CorpusScore,
    DocScore,
    average_scores,
    benchmark_precision,
    benchmark_recall,
    overall_scores,
    score_corpus,
    score_document,
    shingles,
)


def test_shingles_are_runs_of_n_tokens_joined_by_one_space() -> None:
    # Six tokens: three 4-grams. Punctuation is not a token.
    assert shingles("The cat sat on the mat.") == Counter(
        {"The cat sat on": 1, "cat sat on the": 1, "sat on the mat": 1}
    )
    # A multiset: the same run twice counts twice.
    assert shingles("la la la la la") == Counter({"la la la la": 2})
    # Fewer tokens than n: the whole text is one shingle; no token, no shingle.
    assert shingles("two words") == Counter({"two words": 1})
    assert shingles(" ... ") == Counter()
    assert shingles("a b c", 2) == Counter({"a b": 1, "b c": 1})


def test_score_document_uses_the_shingle_size_it_is_given() -> None:
    # Bigrams: gold {a b, b c, c d}, predicted {a b, b c, c e}.
    assert score_document("a b c d", "a b c e", n=2) == DocScore(tp=2, fp=1, fn=1)
    # The same texts in 4-grams share nothing: each is one different shingle.
    assert score_document("a b c d", "a b c e") == DocScore(tp=0, fp=1, fn=1)


def test_a_gold_body_found_by_half_has_recall_one_half() -> None:
    # tp == fn: recall is 2 / 4, not "no gold body" (None).
    assert benchmark_recall(DocScore(tp=2, fp=0, fn=2)) == 0.5
    assert benchmark_precision(DocScore(tp=2, fp=2, fn=0)) == 0.5
    assert benchmark_recall(DocScore(tp=0, fp=3, fn=0)) is None  # empty gold body: left out
    assert benchmark_precision(DocScore(tp=0, fp=0, fn=3)) is None  # nothing predicted: left out


def test_an_extractor_that_predicts_nothing_has_no_precision_and_no_f1() -> None:
    """Nothing predicted for any document: precision is undefined (the benchmark leaves
    every document out of it), recall is 0, and so F1 is undefined, not an error."""
    docs = {"a": DocScore(tp=0, fp=0, fn=4), "b": DocScore(tp=0, fp=0, fn=1)}
    assert overall_scores(docs) == (None, 0.0, None)
    assert average_scores(docs) == (0.0, 0.0, 0.0)
    # And the other way round: documents with empty gold bodies only.
    assert overall_scores({"c": DocScore(tp=0, fp=2, fn=0)}) == (0.0, None, None)


GOLD = {
    "d1": "alpha beta gamma",  # bigrams: alpha beta, beta gamma
    "d2": "one two three four",  # one two, two three, three four
    "d3": "lost words here",  # lost words, words here
}
PREDICTED = {
    "d1": "alpha beta gamma",  # all of it: TP 2
    "d2": "one two three five six",  # one two, two three | three five, five six: TP 2 FP 2 FN 1
    # d3: no prediction, scored as empty: FN 2
    "extra": "a document gold does not have",  # not scored
}


def test_score_corpus_scores_every_gold_document_by_hand_count() -> None:
    score = score_corpus(GOLD, PREDICTED, n=2)
    assert isinstance(score, CorpusScore)
    assert score.documents == {
        "d1": DocScore(tp=2, fp=0, fn=0),
        "d2": DocScore(tp=2, fp=2, fn=1),
        "d3": DocScore(tp=0, fp=0, fn=2),
    }
    # Precision over d1 and d2 (d3 predicted nothing): (2/2 + 2/4) / 2.
    assert score.precision == 0.75
    # Recall over all three: (2/2 + 2/3 + 0/2) / 3 = 5/9.
    assert score.recall == pytest.approx(5 / 9)
    # F1 of the averages: 2 * 3/4 * 5/9 / (3/4 + 5/9) = 30/47.
    assert score.f1 == pytest.approx(30 / 47)


def test_score_corpus_counts_a_missing_prediction_as_empty() -> None:
    # Only d3 is missing: it predicts nothing, so it adds no false positive (precision
    # stays 1) and misses both of its shingles.
    score = score_corpus({"d3": GOLD["d3"], "d1": GOLD["d1"]}, {"d1": GOLD["d1"]}, n=2)
    assert score.documents == {"d3": DocScore(tp=0, fp=0, fn=2), "d1": DocScore(tp=2, fp=0, fn=0)}
    assert (score.precision, score.recall, score.f1) == (1.0, 0.5, pytest.approx(2 / 3))


def test_score_corpus_uses_4_grams_unless_told() -> None:
    assert NGRAM == 4
    gold = {"d": "one two three four five"}  # 4-grams: 1234, 2345
    score = score_corpus(gold, {"d": "one two three four six"})  # 1234, 2346
    assert score.documents == {"d": DocScore(tp=1, fp=1, fn=1)}
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)
    assert score_corpus(gold, {"d": "one two three four six"}, n=2).documents == {
        "d": DocScore(tp=3, fp=1, fn=1)
    }
