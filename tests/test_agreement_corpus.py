"""Agreement over a corpus: which documents count, and values checked by hand or against
a slow character-by-character reference."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from annotator.agreement import AgreementError, compute_agreement
from annotator.agreement.metrics import cohen_kappa, fleiss_kappa
from annotator.corpus import Corpus
from tests.conftest import add_text
from tests.test_agreement_helpers import save, seed_versions


@pytest.fixture
def pair_corpus(seed_corpus: Corpus, seed_text: str) -> Corpus:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article-list"})
    return seed_corpus


def _reference_labels(text: str, spans: list, labels: list[str]) -> list[str]:
    """Slow reference: each character's innermost (shortest) covering span of ``labels``."""
    out = []
    for i in range(len(text)):
        cover = [s for s in spans if s[2] in labels and s[0] <= i < s[1]]
        out.append(min(cover, key=lambda s: s[1] - s[0])[2] if cover else "O")
    return out


def test_span_measures_by_hand(pair_corpus: Corpus) -> None:
    r = compute_agreement(pair_corpus)
    assert r["annotators"] == ["alice", "bob"] and r["documents"] == 1 and r["excluded"] == []
    org = r["labels"]["ORG"]
    # alice ORG: LG전자, KT; bob ORG: LG전자, LG유플러스 -> one exact and one overlap match.
    assert org["n"] == {"alice": 2, "bob": 2}
    assert org["f1_exact"] == pytest.approx(0.5) and org["f1_overlap"] == pytest.approx(0.5)
    loc = r["labels"]["LOC"]
    assert loc["n"] == {"alice": 0, "bob": 1} and loc["f1_exact"] == 0.0
    assert loc["recall_exact"] is None and "recall_exact_reason" in loc  # alice marked none
    article = r["labels"]["article"]
    assert article["f1_exact"] == 0.0 and article["f1_overlap"] == 1.0
    assert r["labels"]["PER"]["f1_exact"] == 1.0 and r["labels"]["PER"]["alpha_u"] == 1.0
    assert r["labels"]["MISC"]["f1_exact"] is None and r["labels"]["MISC"]["f1_exact_reason"]
    # overall pools the 7 + 7 spans: exact matches title, byline, ORG LG전자, PER = 4; overlap
    # adds the article (KT as ORG vs LOC differs in label, the caption has no partner) = 5
    assert r["overall"]["f1_exact"] == pytest.approx(2 * 4 / 14)
    assert r["overall"]["f1_overlap"] == pytest.approx(2 * 5 / 14)
    pair = r["pairs"][0]
    assert (pair["a"], pair["b"]) == ("alice", "bob")
    assert pair["overall"]["matched_exact"] == 4 and pair["overall"]["matched_overlap"] == 5


def test_article_boundaries(pair_corpus: Corpus, seed_text: str) -> None:
    r = compute_agreement(pair_corpus)
    assert r["articles"]["found"] == {"alice": 1, "bob": 1}
    p = r["articles"]["pairs"][0]
    assert p["matched"] == 1
    assert p["start_chars"]["max"] == 0 and p["end_chars"]["max"] == 20
    assert p["end_lines"]["max"] == seed_text[1480:1500].count("\n")


def test_char_kappa_matches_slow_reference(pair_corpus: Corpus, seed_text: str) -> None:
    specs = seed_versions(seed_text)
    r = compute_agreement(pair_corpus)
    for layer in pair_corpus.scheme.layers:
        names = [lb.name for lb in layer.labels]
        a = _reference_labels(seed_text, specs["alice"], names)
        b = _reference_labels(seed_text, specs["bob"], names)
        cats = ["O", *names]
        table = np.zeros((len(cats), len(cats)))
        for (x, y), n in Counter(zip(a, b, strict=True)).items():
            table[cats.index(x), cats.index(y)] = n
        expected = cohen_kappa(table).value
        if expected is None:
            assert r["kappa_char"][layer.name] is None and r["kappa_char_reasons"][layer.name]
        else:
            assert r["kappa_char"][layer.name] == pytest.approx(expected)
        assert np.array_equal(np.array(r["confusion"][layer.name]["matrix"]), table)
    # The caption is boilerplate inside alice's article (innermost wins), O in bob's.
    caption = seed_text.find("LG 트윈타워 [사진=LG]")
    structure = r["confusion"]["structure"]
    row = structure["labels"].index("boilerplate")
    assert structure["matrix"][row][structure["labels"].index("article")] == 15
    assert caption > 0


def test_three_annotators_use_fleiss(pair_corpus: Corpus, seed_text: str) -> None:
    specs = seed_versions(seed_text)
    save(pair_corpus, seed_text, "seed", "carol", specs["alice"], doc_labels={"page_type": "article"})
    r = compute_agreement(pair_corpus)
    assert r["kappa_char_method"] == "fleiss" and len(r["pairs"]) == 3
    names = ["PER", "ORG", "LOC", "MISC"]
    votes = [_reference_labels(seed_text, specs[w], names) for w in ("alice", "bob", "alice")]
    cats = ["O", *names]
    counts = np.zeros((len(seed_text), len(cats)))
    for v in votes:
        counts[np.arange(len(seed_text)), [cats.index(x) for x in v]] += 1
    assert r["kappa_char"]["entity"] == pytest.approx(fleiss_kappa(counts).value)
    # page_type: article, article-list, article on one document -> nominal alpha by hand:
    # o(article,article) = 1, o(article,list) = o(list,article) = 1; n = 3
    # alpha = 1 - (n-1) * 2 / (n_article*n_list*2) = 1 - 2*2/(2*1*2) = 0
    assert r["doc_labels"]["page_type"]["alpha"] == pytest.approx(0.0)


def test_what_counts_and_why(pair_corpus: Corpus, seed_text: str) -> None:
    add_text(pair_corpus, "draft", seed_text + "\n")
    add_text(pair_corpus, "lonely", seed_text + "\n\n")
    add_text(pair_corpus, "skip", seed_text + "\n\n\n")
    draft, lonely, skip = seed_text + "\n", seed_text + "\n\n", seed_text + "\n\n\n"
    save(pair_corpus, draft, "draft", "alice", [(0, 10, "PER")])
    save(pair_corpus, draft, "draft", "bob", [(0, 10, "PER")], status="in_progress")
    save(pair_corpus, lonely, "lonely", "alice", [(0, 10, "PER")])
    save(pair_corpus, skip, "skip", "alice", [], status="skipped")
    save(pair_corpus, skip, "skip", "bob", [])
    save(pair_corpus, seed_text, "seed", "suggestions", [(0, 4, "MISC")])
    r = compute_agreement(pair_corpus)
    assert r["annotators"] == ["alice", "bob"]  # never suggestions, never gold
    reasons = {e["doc_id"]: e["reason"] for e in r["excluded"]}
    assert reasons == {
        "draft": "not done by bob (in_progress)",
        "lonely": "no annotation by bob",
        "skip": "skipped by alice",
    }
    assert r["documents"] == 1
    wider = compute_agreement(pair_corpus, include_unfinished=True)
    assert wider["documents"] == 2 and "draft" not in {e["doc_id"] for e in wider["excluded"]}
    assert wider["labels"]["PER"]["n"] == {"alice": 2, "bob": 2}
    with pytest.raises(AgreementError):
        compute_agreement(pair_corpus, ["alice"])
    with pytest.raises(AgreementError):
        compute_agreement(pair_corpus, ["alice", "nobody"])


def test_bad_files_are_left_out_and_named(pair_corpus: Corpus, seed_text: str) -> None:
    other = seed_text.replace("LG", "XX")
    add_text(pair_corpus, "broken", other)
    add_text(pair_corpus, "stale", other + " ")
    add_text(pair_corpus, "offsets", other + "  ")
    save(pair_corpus, other, "broken", "alice", [(0, 5, "PER")])
    (pair_corpus.annotation_path("bob", "broken")).write_bytes(b"{not json")
    save(pair_corpus, other + " ", "stale", "alice", [])
    save(pair_corpus, other, "stale", "bob", [])  # made on another text
    save(pair_corpus, other + "  ", "offsets", "alice", [(0, 5, "PER")])
    save(pair_corpus, other + "  ", "offsets", "bob", [(0, 5, "PER")])
    path = pair_corpus.annotation_path("bob", "offsets")
    path.write_bytes(path.read_bytes().replace(b'"end": 5', b'"end": 99999'))
    r = compute_agreement(pair_corpus)
    assert r["documents"] == 1
    reasons = {e["doc_id"]: e["reason"] for e in r["excluded"]}
    assert "not valid JSON" in reasons["broken"] and "bob/broken.json" in reasons["broken"]
    assert "text_sha256" in reasons["stale"]
    assert "offsets [0, 99999)" in reasons["offsets"]
    assert {p["path"] for p in r["problems"]} == {
        str(pair_corpus.annotation_path("bob", d)) for d in ("broken", "stale", "offsets")
    }


def test_empty_corpus_gives_nulls_with_reasons(corpus: Corpus) -> None:
    for name in ("alice", "bob"):
        corpus.annotator_dir(name).mkdir(parents=True)
    # Named: folders without a file are not listed as annotators by default.
    r = compute_agreement(corpus, ["alice", "bob"])
    assert r["documents"] == 0
    assert r["overall"]["f1_exact"] is None and r["overall"]["f1_exact_reason"]
    assert r["overall"]["alpha_u"] is None and r["overall"]["alpha_u_reason"]
    assert r["doc_labels"]["page_type"]["alpha"] is None
    assert r["disputed"] == []
