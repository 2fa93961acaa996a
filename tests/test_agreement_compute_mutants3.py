"""The whole agreement result of a small three-annotator corpus, worked out by hand.

Mutation testing of ``annotator/agreement/compute.py`` found whole parts of the result that
no test compared exactly: the reasons of the excluded documents and the problems, the
per-label means over pairs, every pair's per-label precision/recall/F1, the confusion
matrices, the disputed documents, the document labels and the refusals of
``compute_agreement``. The tests below build one corpus with the real save path, run the
real measure once, and compare those parts whole. Each expected number says in a comment
how it was counted from the spans below; kappas are checked with the textbook formulas and
a character-by-character reference, alpha_u against ``unitizing.alpha_u`` called on the
spans written out by hand.

The corpus (``TRIO``): two documents count, ``a`` and ``z``; six others are left out, one
for each reason, sorted between them so that a loop that stops at the first one left out
loses ``z``.

Equivalent mutants (no result can change), by function:
- ``_load_documents`` 18, 21, 22, 73, 76, 77, 93, 96, 97, 144, 147, 148 (``strict=`` of
  zips of the annotators with lists built one entry per annotator): lengths always match.
- ``_load_documents`` 43, 46 (the unreadable file's Problem without its path): the file is
  reported by ``CheckedAnnotation.path``; the problem's own path is never shown here.
- ``_load_documents`` 132, 139 (no ``text_sha256``): the hash is then taken from the text,
  the same bytes, so the same verdict; 140, 141 (``work_in_progress`` True): the extra
  unfinished-work problems never block, and only blocking ones count here; 157 (``got =
  None``): the spans are then read from the annotation, the same values.
- ``_to_arrays`` (its ``dtype`` mutants), ``measure`` 39, 41, 44, 46, 266, ``_articles`` 14, 16, 19, 21,
  ``_doc_labels`` 11, 13, 52, 54, ``_Measure.painted`` 5, 7 (``dtype`` None): numpy's default
  int64/float64 hold these small whole numbers exactly, and every output is cast by int().
- ``_Measure.__init__`` 4, ``measure`` 5 (``layers`` not kept): the attribute is never read;
  ``__init__`` 9 (lanes ``length + 2`` apart): still never overlapping.
- ``_put`` 5, 6 (``"not computable"``): every caller passing None as the
  value passes a reason too.
- ``compute_agreement`` 20 (the join of the names found): shown only for fewer than two.
- ``measure`` 220, 506, 507 (fallback reasons): Cohen's and Fleiss' kappa always give a
  reason with None; 268 (pair rater ``!= b``): alpha_u is symmetric in its two raters;
  378-386 (label missing from ``per_category``): unreachable, see
  test_agreement_compute_mutants.py; 482 (``painted(..., None)``): every layer's painting
  is cached by the pair loop before; 489 (one more Fleiss column): an empty category adds 0.
- ``_articles`` 24, 26 (``>= 0``): an edge at the same place counts 0 newlines anyway.
- ``_doc_labels`` 50, 55 (``or True`` / ``else 1``): differ only with no document, when the
  differences array is empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from annotator.agreement import AgreementError, compute_agreement
from annotator.agreement.compute import load, measure
from annotator.agreement.unitizing import alpha_u
from annotator.corpus import Corpus
from annotator.rules import sha256_text
from tests.cli_helpers import run
from tests.conftest import add_text
from tests.test_agreement_helpers import SpanSpec, save

NAMES = ["alice", "bob", "carol"]

# "a": "Ann Lee" [0,7), "Ann" [0,3), "Bob" [12,15), "Acme" [19,23) and [25,29), the
# newline at 24, "Ann" [36,39); 41 characters.
A = "Ann Lee met Bob at Acme.\nAcme hired Ann.\n"
# "z": "Kim" [0,3), "Oslo" [9,13), "Rome" [18,22) and [24,28), newline at 23; 39 characters.
Z = "Kim left Oslo for Rome.\nRome was warm.\n"
FILLER = "Filler text.\n"
ROLE = {"role": "main"}

SPANS: dict[str, dict[str, list[SpanSpec]]] = {
    "a": {
        "alice": [(0, 41, "article", ROLE), (0, 7, "PER"), (12, 15, "PER"), (19, 23, "ORG"),
                  (25, 29, "ORG")],
        "bob": [(0, 25, "article", ROLE), (0, 3, "PER"), (12, 15, "PER"), (19, 23, "ORG"),
                (25, 29, "LOC")],
        "carol": [(0, 41, "article", ROLE), (0, 7, "PER"), (12, 15, "PER"), (19, 23, "ORG"),
                  (25, 29, "ORG"), (36, 39, "PER")],
    },
    "z": {
        "alice": [(0, 3, "PER"), (9, 13, "LOC"), (18, 22, "LOC")],
        "bob": [(0, 3, "PER"), (9, 13, "LOC"), (24, 28, "LOC")],
        "carol": [(9, 13, "LOC"), (18, 22, "MISC")],
    },
}
PAGE_TYPES = {
    "a": {"alice": "article", "bob": "article", "carol": "article-list"},
    "z": {"alice": "non-article", "carol": "non-article"},
}
#: Where each counted document starts on the number line (a, then z).
OFFSETS = {"a": 0, "z": len(A)}


def build_trio(root: Path) -> Corpus:
    corpus = Corpus.create(root, name="trio")
    for doc_id, text in (("a", A), ("z", Z)):
        add_text(corpus, doc_id, text)
        for who in NAMES:
            labels = PAGE_TYPES[doc_id].get(who)
            save(corpus, text, doc_id, who, SPANS[doc_id][who],
                 doc_labels={"page_type": labels} if labels else None)
    # bob's "z" without the spans' empty attrs: a valid file the fast column parse leaves
    # to pydantic, so both ways of reading spans feed the same arrays.
    path = corpus.annotation_path("bob", "z")
    raw = orjson.loads(path.read_bytes())
    for span in raw["spans"]:
        del span["attrs"]
    path.write_bytes(orjson.dumps(raw))
    for doc_id in ("l_lonely", "m_missing", "n_skipped", "o_unfinished", "p_broken",
                   "p_stale", "q_unreadable", "r_notext"):
        add_text(corpus, doc_id, FILLER)
    save(corpus, FILLER, "l_lonely", "alice", [])
    save(corpus, FILLER, "m_missing", "alice", [])
    save(corpus, FILLER, "m_missing", "bob", [])
    for who, status in zip(NAMES, ("done", "skipped", "skipped"), strict=True):
        save(corpus, FILLER, "n_skipped", who, [], status=status)
    for who, status in zip(NAMES, ("in_progress", "done", "todo"), strict=True):
        save(corpus, FILLER, "o_unfinished", who, [], status=status)
    for who in NAMES:
        save(corpus, FILLER, "p_broken", who, [])
        save(corpus, FILLER, "r_notext", who, [])
    corpus.annotation_path("bob", "p_broken").write_bytes(b"{oops")
    carol = corpus.annotation_path("carol", "p_broken")
    carol.write_bytes(carol.read_bytes().replace(b'"done"', b'"finished"'))
    # carol's p_stale parses, but breaks two rules: made on another text, with a label the
    # scheme does not have.
    save(corpus, FILLER, "p_stale", "alice", [])
    save(corpus, FILLER, "p_stale", "bob", [])
    save(corpus, FILLER + "x", "p_stale", "carol", [(0, 6, "WHO")])
    save(corpus, FILLER, "q_unreadable", "alice", [])
    corpus.annotation_path("bob", "q_unreadable").mkdir()  # listed, but cannot be read
    corpus.annotation_path("carol", "q_unreadable").write_bytes(b"{oops")  # after bob's
    corpus.text_path("r_notext").unlink()  # listed by its meta, but its text is gone
    return corpus


@pytest.fixture(scope="module")
def trio(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Built once: no test changes it."""
    return build_trio(tmp_path_factory.mktemp("trio") / "corpus")


# Function-scoped on purpose: a test that reads a result measured once for the module
# would not count as running the measure, and mutmut would skip it for those mutants.


@pytest.fixture
def result(trio: Corpus) -> dict[str, Any]:
    return compute_agreement(trio)


def approx_tree(value: Any) -> Any:
    """``value`` with every float wrapped in pytest.approx, so whole dicts compare exactly
    in their keys, strings, ints and Nones, and to rounding in their floats."""
    if isinstance(value, float):
        return pytest.approx(value, abs=1e-12)
    if isinstance(value, dict):
        return {k: approx_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [approx_tree(v) for v in value]
    return value


def prf(matched: int, n_a: int, n_b: int, why: str = "one annotator marked none") -> dict[str, Any]:
    """One pair's JSON for one kind of match, by the textbook definitions: precision =
    matched / n_b (b is predicted against a), recall = matched / n_a, F1 = 2 matched /
    (n_a + n_b); a division by zero is None with the reason."""
    out: dict[str, Any] = {}
    for key, den in (("precision", n_b), ("recall", n_a), ("f1", n_a + n_b)):
        out[key] = (2 * matched if key == "f1" else matched) / den if den else None
        if not den:
            out[f"{key}_reason"] = why
    out["matched"] = matched
    return out


def pair_json(exact: int, overlap: int, n_a: int, n_b: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, matched in (("exact", exact), ("overlap", overlap)):
        for key, value in prf(matched, n_a, n_b).items():
            # precision_reason -> precision_exact_reason
            metric, _, reason = key.partition("_")
            out[f"{metric}_{kind}" + (f"_{reason}" if reason else "")] = value
    out["n_a"], out["n_b"] = n_a, n_b
    return out


def test_excluded_documents_and_problems_word_for_word(trio: Corpus,
                                                       result: dict[str, Any]) -> None:
    root = str(trio.root)
    bob_broken = f"{root}/annotations/bob/p_broken.json"
    carol_broken = f"{root}/annotations/carol/p_broken.json"
    bob_dir = f"{root}/annotations/bob/q_unreadable.json"
    carol_oops = f"{root}/annotations/carol/q_unreadable.json"
    carol_stale = f"{root}/annotations/carol/p_stale.json"
    # The first twelve hex digits of each text's SHA-256, as the problem shows them.
    stale = (f"text_sha256 {sha256_text(FILLER + 'x')[:12]}… does not match the document text "
             f"({sha256_text(FILLER)[:12]}…): the annotation was made on another text "
             "[hash-mismatch]")
    unknown = "span s1: unknown label 'WHO' [unknown-label]"
    bad_json = "not valid JSON: Invalid JSON: key must be a string at line 1 column 2 [bad-json]"
    bad_status = "status: Input should be 'todo', 'in_progress', 'done' or 'skipped' [schema]"
    no_text = f"{root}/documents/r_notext.txt"
    assert result["annotators"] == NAMES
    assert result["documents"] == 2  # a and z
    assert result["include_unfinished"] is False
    assert result["excluded"] == [
        {"doc_id": "l_lonely", "reason": "no annotation by bob, carol"},
        {"doc_id": "m_missing", "reason": "no annotation by carol"},
        {"doc_id": "n_skipped", "reason": "skipped by bob, carol"},
        {"doc_id": "o_unfinished", "reason": "not done by alice (in_progress), carol (todo)"},
        {"doc_id": "p_broken", "reason": f"unusable file {bob_broken}: {bad_json}; "
                                         f"unusable file {carol_broken}: {bad_status}"},
        # The reason shows a file's first problem only; the problem lists them all.
        {"doc_id": "p_stale", "reason": f"unusable file {carol_stale}: {stale} (and 1 more)"},
        {"doc_id": "q_unreadable",
         "reason": f"unusable file {bob_dir}: cannot read: Is a directory [unreadable]; "
                   f"unusable file {carol_oops}: {bad_json}"},
        {"doc_id": "r_notext", "reason": f"{no_text}: no document 'r_notext' in this corpus"},
    ]
    assert result["problems"] == [
        {"path": bob_broken, "message": bad_json, "codes": ["bad-json"]},
        {"path": carol_broken, "message": bad_status, "codes": ["schema"]},
        {"path": carol_stale, "message": f"{stale}; {unknown}",
         "codes": ["hash-mismatch", "unknown-label"]},
        {"path": bob_dir, "message": "cannot read: Is a directory [unreadable]",
         "codes": ["unreadable"]},
        {"path": carol_oops, "message": bad_json, "codes": ["bad-json"]},
        {"path": no_text, "message": "no document 'r_notext' in this corpus"},
    ]


# Matches per pair and label (exact, overlap), from SPANS:
# alice-bob: article 0/1 (41 vs 25 chars, overlapping); PER 2/3 ("Bob", "Kim" exact; "Ann
#   Lee" vs "Ann" overlaps); ORG 1/1 (bob has one ORG); LOC 1/1 ("Oslo"; the two "Rome"s are
#   different occurrences); MISC none.
# alice-carol: article 1/1; PER 2/2 (carol has no "Kim", alice no second "Ann"); ORG 2/2;
#   LOC 1/1 ("Oslo"); MISC 0/0 (carol's one, alice none).
# bob-carol: article 0/1; PER 1/2 ("Bob" exact, "Ann" in "Ann Lee"); ORG 1/1; LOC 1/1; MISC 0/0.
# Span counts: alice article 1, PER 3, ORG 2, LOC 2 (8); bob article 1, PER 3, ORG 1, LOC 3
# (8); carol article 1, PER 3, ORG 2, LOC 1, MISC 1 (8).
PAIRS = [
    ("alice", "bob", {"article": (0, 1, 1, 1), "PER": (2, 3, 3, 3), "ORG": (1, 1, 2, 1),
                      "LOC": (1, 1, 2, 3)}, (4, 6)),
    ("alice", "carol", {"article": (1, 1, 1, 1), "PER": (2, 2, 3, 3), "ORG": (2, 2, 2, 2),
                        "LOC": (1, 1, 2, 1), "MISC": (0, 0, 0, 1)}, (6, 6)),
    ("bob", "carol", {"article": (0, 1, 1, 1), "PER": (1, 2, 3, 3), "ORG": (1, 1, 1, 2),
                      "LOC": (1, 1, 3, 1), "MISC": (0, 0, 0, 1)}, (3, 5)),
]


def test_every_pair_per_label_and_pooled(result: dict[str, Any]) -> None:
    assert len(result["pairs"]) == 3
    for got, (a, b, labels, (exact, overlap)) in zip(result["pairs"], PAIRS, strict=True):
        assert (got["a"], got["b"]) == (a, b)
        # A label neither side marked (MISC for alice-bob, the unused ones) is left out.
        assert got["labels"] == approx_tree({
            name: pair_json(*counts) for name, counts in labels.items()
        })
        # Pooled over labels: 8 spans each side.
        assert got["overall"] == approx_tree(pair_json(exact, overlap, 8, 8))


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def test_labels_are_means_over_the_pairs(result: dict[str, Any]) -> None:
    labels = result["labels"]
    unused = "no annotator marked a span of this label"
    for name, layer in (("boilerplate", "structure"), ("title", "part"), ("subtitle", "part"),
                        ("byline", "part"), ("date", "part")):
        assert labels[name] == {
            "layer": layer, "f1_exact": None, "f1_exact_reason": unused,
            "f1_overlap": None, "f1_overlap_reason": unused, "alpha_u": None,
            "alpha_u_reason": unused, "n": {"alice": 0, "bob": 0, "carol": 0},
        }
    counts = {"article": (1, 1, 1), "PER": (3, 3, 3), "ORG": (2, 1, 2), "LOC": (2, 3, 1),
              "MISC": (0, 0, 1)}
    layers = {"article": "structure", "PER": "entity", "ORG": "entity", "LOC": "entity",
              "MISC": "entity"}
    for name, n in counts.items():
        expected: dict[str, Any] = {"layer": layers[name]}
        for kind, idx in (("exact", 0), ("overlap", 1)):
            # Each pair's figure for this label (a pair where neither marked it: 0 of 0,
            # so all three undefined), then their mean over the pairs that have one.
            per_pair = [prf(labels_[name][idx], labels_[name][2], labels_[name][3])
                        if name in labels_ else prf(0, 0, 0) for _, _, labels_, _ in PAIRS]
            for metric in ("precision", "recall", "f1"):
                value = _mean([p[metric] for p in per_pair])
                expected[f"{metric}_{kind}"] = value
                if value is None:
                    expected[f"{metric}_{kind}_reason"] = (
                        "undefined for every pair (one side marked none)")
            expected[f"matched_{kind}"] = sum(p["matched"] for p in per_pair)
        got = dict(labels[name])
        alpha_keys = ("alpha_u", "alpha_u_observed", "alpha_u_expected")
        assert all(key in got for key in alpha_keys), name  # checked in the alpha_u test
        for key in alpha_keys:
            del got[key]
        expected["n"] = dict(zip(NAMES, n, strict=True))
        assert got == approx_tree(expected), name
    # A few of those means written out: PER exact precision (2/3 + 2/3 + 1/3) / 3 = 5/9;
    # LOC exact F1 (2/5 + 2/3 + 1/2) / 3; MISC recall is 0/0 for every pair.
    assert labels["PER"]["precision_exact"] == pytest.approx(5 / 9)
    assert labels["LOC"]["f1_exact"] == pytest.approx((2 / 5 + 2 / 3 + 1 / 2) / 3)
    assert labels["MISC"]["recall_overlap"] is None
    assert labels["MISC"]["precision_exact"] == 0.0  # 0/1 for the two pairs with carol


def test_overall_is_the_mean_of_the_pooled_pairs(result: dict[str, Any]) -> None:
    overall = dict(result["overall"])
    assert "alpha_u" in overall
    del overall["alpha_u"]
    # Pooled exact matches 4, 6, 3 of 8 each; overlap 6, 6, 5 of 8: P = R = F1 per pair.
    exact, overlap = (4 / 8 + 6 / 8 + 3 / 8) / 3, (6 / 8 + 6 / 8 + 5 / 8) / 3
    assert overall == approx_tree({
        "precision_exact": exact, "recall_exact": exact, "f1_exact": exact,
        "precision_overlap": overlap, "recall_overlap": overlap, "f1_overlap": overlap,
        "n": {"alice": 8, "bob": 8, "carol": 8},
    })


def _spans_on_the_line() -> tuple[np.ndarray, ...]:
    """Every counted span as (rater, start, end, label id) on the documents laid end to end."""
    label_ids = {"article": 0, "PER": 6, "ORG": 7, "LOC": 8, "MISC": 9}  # scheme order
    rows = [(NAMES.index(who), OFFSETS[doc] + s[0], OFFSETS[doc] + s[1], label_ids[s[2]])
            for doc in ("a", "z") for who in NAMES for s in SPANS[doc][who]]
    return tuple(np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))


def test_alpha_u_per_label_overall_and_per_pair(trio: Corpus, result: dict[str, Any]) -> None:
    rater, start, end, label = _spans_on_the_line()
    edges = np.array([0, len(A), len(A) + len(Z)], dtype=np.int64)
    overall, per = alpha_u(rater, start, end, label, 3, edges)
    assert result["overall"]["alpha_u"] == pytest.approx(overall.value)
    for name, k in (("article", 0), ("PER", 6), ("ORG", 7), ("LOC", 8), ("MISC", 9)):
        entry = result["labels"][name]
        assert entry["alpha_u"] == pytest.approx(per[k].alpha.value), name
        assert entry["alpha_u_observed"] == pytest.approx(per[k].observed), name
        assert entry["alpha_u_expected"] == pytest.approx(per[k].expected), name
        assert "alpha_u_merged_overlaps" not in entry  # nobody's spans of a label overlap
    # A pair's alpha_u is the alpha_u of those two alone: the overall value of the same
    # two documents compared for that pair only (other documents count for some pairs).
    for pair in result["pairs"]:
        alone = compute_agreement(trio, [pair["a"], pair["b"]], doc_ids=["a", "z"])
        assert alone["documents"] == 2 and alone["excluded"] == []
        alone = alone["overall"]["alpha_u"]
        assert pair["alpha_u"] == pytest.approx(alone)
        assert "alpha_u_reason" not in pair
    values = [p["alpha_u"] for p in result["pairs"]]
    assert len(set(values)) == 3  # three different pairs, three different values


# --------------------------------------------------------------------------- kappa


def innermost(length: int, spans: list[SpanSpec], names: list[str]) -> list[str]:
    """Slow reference: each character's innermost (shortest) covering span of ``names``."""
    out = []
    for i in range(length):
        cover = [s for s in spans if s[2] in names and s[0] <= i < s[1]]
        out.append(min(cover, key=lambda s: s[1] - s[0])[2] if cover else "O")
    return out


def char_labels(who: str, names: list[str]) -> list[str]:
    return [*innermost(len(A), SPANS["a"][who], names), *innermost(len(Z), SPANS["z"][who], names)]


def cohen(x: list[str], y: list[str]) -> float:
    """Textbook Cohen's kappa of two label sequences."""
    n = len(x)
    p_o = sum(a == b for a, b in zip(x, y, strict=True)) / n
    p_e = sum((x.count(c) / n) * (y.count(c) / n) for c in set(x) | set(y))
    return (p_o - p_e) / (1 - p_e)


def fleiss(votes: list[list[str]]) -> float:
    """Textbook Fleiss' kappa, one item per character."""
    raters, items = len(votes), len(votes[0])
    cats = sorted({c for v in votes for c in v})
    table = [[sum(v[i] == c for v in votes) for c in cats] for i in range(items)]
    p_i = [(sum(n * n for n in row) - raters) / (raters * (raters - 1)) for row in table]
    p_j = [sum(row[j] for row in table) / (items * raters) for j in range(len(cats))]
    p_bar, p_e = sum(p_i) / items, sum(p * p for p in p_j)
    return (p_bar - p_e) / (1 - p_e)


ENTITY = ["PER", "ORG", "LOC", "MISC"]
STRUCTURE = ["article", "boilerplate"]
COHEN_SAME = ("both annotators gave every character the same single label: chance agreement "
              "is 1 and kappa is undefined")


def test_kappa_per_pair_and_fleiss_over_all(result: dict[str, Any]) -> None:
    # structure, alice-bob: 80 characters; they differ on a[25,41) only (16), so p_o = 64/80;
    # alice has 41 article and 39 O, bob 25 article and 55 O: p_e = (41*25 + 39*55) / 80^2.
    p_e = (41 * 25 + 39 * 55) / 6400
    assert result["pairs"][0]["kappa_char"]["structure"] == pytest.approx((0.8 - p_e) / (1 - p_e))
    for pair in result["pairs"]:
        x, y = pair["a"], pair["b"]
        assert pair["kappa_char"] == pytest.approx({
            "structure": cohen(char_labels(x, STRUCTURE), char_labels(y, STRUCTURE)),
            "part": None,  # nobody marked a part: all O
            "entity": cohen(char_labels(x, ENTITY), char_labels(y, ENTITY)),
        })
        assert pair["kappa_char_reasons"] == {"part": COHEN_SAME}
    assert result["pairs"][1]["kappa_char"]["structure"] == 1.0  # alice, carol: same article
    # Fleiss over the three, structure: 25 + 39 characters all agree (P_i = 1), 16 split
    # 2-1 (P_i = (4 + 1 - 3) / 6 = 1/3); article votes 25*3 + 16*2 = 107 of 240.
    p_bar = (64 + 16 / 3) / 80
    p_e = (107 / 240) ** 2 + (133 / 240) ** 2
    assert result["kappa_char_method"] == "fleiss"
    assert result["kappa_char"] == pytest.approx({
        "structure": (p_bar - p_e) / (1 - p_e),
        "part": None,
        "entity": fleiss([char_labels(w, ENTITY) for w in NAMES]),
    })
    assert result["kappa_char_reasons"] == {
        "part": "every rater gave every item the same single category: kappa is undefined"
    }


UNIT = "characters, summed over pairs (rows: first annotator of each pair)"


def test_confusion_matrices(result: dict[str, Any]) -> None:
    # structure: 3 pairs x 80 characters = 240. O/O: z's 39 in each pair (117). alice-bob:
    # a[25,41) article/O (16), a[0,25) article/article; alice-carol: 41 article/article;
    # bob-carol: a[25,41) O/article (16), 25 article/article. Article/article 25+41+25 = 91.
    # entity, counted pair by pair (rows: the pair's first annotator):
    #   PER/PER: ab 3+3+3, ac 7+3, bc 3+3 = 25; PER/O: ab a[3,7), ac z[0,3), bc z[0,3) = 10;
    #   O/PER: ac a[36,39), bc a[3,7) and a[36,39) = 10; ORG/ORG: 4 + 8 + 4 = 16;
    #   ORG/LOC: ab a[25,29) = 4; LOC/ORG: bc a[25,29) = 4; LOC/LOC: "Oslo" x 3 = 12;
    #   LOC/O: ab z[18,22), bc z[24,28) = 8; O/LOC: ab z[24,28) = 4; LOC/MISC: ac z[18,22) = 4;
    #   O/MISC: bc z[18,22) = 4; O/O: the rest of 240 = 139.
    assert result["confusion"] == {
        "structure": {"labels": ["O", "article", "boilerplate"],
                      "matrix": [[117, 16, 0], [16, 91, 0], [0, 0, 0]], "unit": UNIT},
        "part": {"labels": ["O", "title", "subtitle", "byline", "date"],
                 "matrix": [[240, 0, 0, 0, 0], *[[0] * 5] * 4], "unit": UNIT},
        "entity": {"labels": ["O", *ENTITY],
                   "matrix": [[139, 10, 0, 4, 4], [10, 25, 0, 0, 0], [0, 0, 16, 4, 0],
                              [8, 0, 4, 12, 4], [0, 0, 0, 0, 0]], "unit": UNIT},
    }


def test_articles_doc_labels_and_disputed(result: dict[str, Any]) -> None:
    same = {"mean": 0.0, "median": 0.0, "max": 0, "zero": 1}
    # bob's article ends at 25, the others' at 41: 16 characters and one newline (at 40)
    # apart; every article starts at 0.
    off = {"start_chars": same, "end_chars": {"mean": 16.0, "median": 16.0, "max": 16, "zero": 0},
           "start_lines": same, "end_lines": {"mean": 1.0, "median": 1.0, "max": 1, "zero": 0}}
    assert result["articles"] == {
        "found": {"alice": 1, "bob": 1, "carol": 1},
        "pairs": [
            {"a": "alice", "b": "bob", "matched": 1, **off},
            {"a": "alice", "b": "carol", "matched": 1, "start_chars": same, "end_chars": same,
             "start_lines": same, "end_lines": same},
            {"a": "bob", "b": "carol", "matched": 1, **off},
        ],
    }
    # page_type: a = article, article, article-list; z = non-article, (bob none),
    # non-article. Coincidences: a gives (art,art) 2*1/2 = 1, (art,list) and (list,art) 1
    # each; z gives (non,non) 2*1/1 = 2. n = 5, marginals art 2, list 1, non 2:
    # alpha = 1 - (n - 1) * 2 / (25 - 4 - 1 - 4) = 1 - 8/16 = 0.5.
    assert result["doc_labels"] == {
        "page_type": {"alpha": 0.5, "units": 2, "n": {"alice": 2, "bob": 1, "carol": 2},
                      "documents_differing": 1},
    }
    # Unmatched spans per document: for each pair, its spans there minus twice its exact
    # matches there. a: ab 5+5-2*2, ac 5+6-2*5, bc 5+6-2*2 = 6+1+7 = 14 (plus a's differing
    # page_type). z: ab 3+3-2*2, ac 3+2-2*1, bc 3+2-2*1 = 2+3+3 = 8.
    # Disputed characters, per pair and layer: a structure 16 (ab) + 16 (bc); a entity ab
    # [3,7) + [25,29) = 8, ac [36,39) = 3, bc 4 + 4 + 3 = 11: 32 + 22 = 54. z entity ab
    # [18,22) + [24,28) = 8, ac [0,3) + [18,22) = 7, bc 3 + 4 + 4 = 11: 26.
    assert result["disputed"] == [
        {"doc_id": "a", "unmatched_spans": 14, "doc_labels_differing": 1, "disputed_chars": 54,
         "chars": 41},
        {"doc_id": "z", "unmatched_spans": 8, "doc_labels_differing": 0, "disputed_chars": 26,
         "chars": 39},
    ]


# --------------------------------------------------------------------------- other paths


def test_two_annotators_through_the_cli(trio: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "agree", str(trio.root), "--annotators", "alice", "bob",
                         "--json")
    # Files left out as unusable or missing: exit 1, each named on stderr.
    root = trio.root
    assert code == 1
    assert err.splitlines() == [
        f"annotator: {root}/annotations/bob/p_broken.json: not valid JSON: Invalid JSON: key "
        "must be a string at line 1 column 2 [bad-json]",
        f"annotator: {root}/annotations/bob/q_unreadable.json: cannot read: Is a directory "
        "[unreadable]",
        f"annotator: {root}/documents/r_notext.txt: no document 'r_notext' in this corpus",
    ]
    r = orjson.loads(out)
    # For alice and bob alone, m_missing and p_stale count (both done, no spans); carol's
    # files do not matter any more, so p_broken is bob's broken file only and q_unreadable
    # his folder.
    assert r["annotators"] == ["alice", "bob"] and r["documents"] == 4
    assert [e["doc_id"] for e in r["excluded"]] == [
        "l_lonely", "n_skipped", "o_unfinished", "p_broken", "q_unreadable", "r_notext"]
    assert r["excluded"][0]["reason"] == "no annotation by bob"
    assert r["excluded"][1]["reason"] == "skipped by bob"
    assert r["excluded"][2]["reason"] == "not done by alice (in_progress)"
    pair = r["pairs"][0]
    assert len(r["pairs"]) == 1 and (pair["a"], pair["b"]) == ("alice", "bob")
    # The same spans as in the three-annotator run: the same per-label figures.
    assert pair["labels"] == approx_tree({n: pair_json(*c) for n, c in PAIRS[0][2].items()})
    # Two annotators: the corpus kappa is the pair's Cohen kappa, reasons included; the
    # pair's alpha_u is the overall one. m_missing and p_stale (between a and z) add 13
    # characters of O each for both.
    assert r["kappa_char_method"] == "cohen"
    assert r["kappa_char"] == pair["kappa_char"]
    filler = ["O"] * (2 * len(FILLER))
    for layer, names in (("structure", STRUCTURE), ("entity", ENTITY)):
        x = char_labels("alice", names)
        y = char_labels("bob", names)
        expected = cohen(x[:len(A)] + filler + x[len(A):], y[:len(A)] + filler + y[len(A):])
        assert r["kappa_char"][layer] == pytest.approx(expected)
    assert r["kappa_char_reasons"] == {"part": COHEN_SAME}
    assert pair["alpha_u"] == r["overall"]["alpha_u"]
    # Character counts are printed as JSON integers, not 117.0.
    assert all(type(v) is int for row in r["confusion"]["entity"]["matrix"] for v in row)
    # m_missing and p_stale, in agreement everywhere, are not among the disputed documents.
    assert [d["doc_id"] for d in r["disputed"]] == ["a", "z"]


def test_unfinished_counted_on_request_and_fewer_documents(trio: Corpus,
                                                           result: dict[str, Any]) -> None:
    # load() on its own counts done work only unless told otherwise, like the command.
    assert load(trio, NAMES).doc_ids == ["a", "z"]
    assert load(trio, NAMES, include_unfinished=True).doc_ids == ["a", "o_unfinished", "z"]
    wider = compute_agreement(trio, include_unfinished=True)
    assert wider["include_unfinished"] is True
    assert wider["documents"] == 3  # a, o_unfinished, z
    assert [e["doc_id"] for e in wider["excluded"]] == [
        "l_lonely", "m_missing", "n_skipped", "p_broken", "p_stale", "q_unreadable",
        "r_notext"]
    assert wider["disputed"] == result["disputed"]  # o_unfinished: nobody marked anything
    assert wider["labels"]["PER"]["n"] == result["labels"]["PER"]["n"]
    # The disputed list keeps the top ones only; the documents asked for only.
    assert [d["doc_id"] for d in compute_agreement(trio, top=1)["disputed"]] == ["a"]
    only_z = compute_agreement(trio, doc_ids=["z", "n_skipped"])
    assert only_z["documents"] == 1
    assert only_z["excluded"] == [{"doc_id": "n_skipped", "reason": "skipped by bob, carol"}]
    assert only_z["labels"]["PER"]["n"] == {"alice": 1, "bob": 1, "carol": 0}
    assert only_z["disputed"] == [{"doc_id": "z", "unmatched_spans": 8,
                                   "doc_labels_differing": 0, "disputed_chars": 26,
                                   "chars": 39}]


def test_refusals_name_the_problem(trio: Corpus) -> None:
    refusals = [
        ([], "agreement needs two or more annotators (found: none)"),
        (["alice"], "agreement needs two or more annotators (found: alice)"),
        (["alice", "alice"], "agreement needs two or more annotators (found: alice)"),
        (["alice", "bad name"], "'bad name' is not a valid annotator name"),
        (["alice", "dave"], f"annotator 'dave' has no annotations in {trio.root}"),
    ]
    for names, message in refusals:
        with pytest.raises(AgreementError) as caught:
            compute_agreement(trio, names)
        assert str(caught.value) == message
    # A name given twice counts once.
    assert compute_agreement(trio, ["carol", "alice", "carol"])["annotators"] == ["carol", "alice"]


def test_no_spans_anywhere_says_why_each_figure_is_missing(corpus: Corpus) -> None:
    add_text(corpus, "d", FILLER)
    for who in ("alice", "bob"):
        save(corpus, FILLER, "d", who, [])
    r = compute_agreement(corpus)
    why = "no spans in the compared documents"
    assert r["overall"] == {
        **{f"{m}_{k}": None for k in ("exact", "overlap") for m in ("precision", "recall", "f1")},
        **{f"{m}_{k}_reason": why for k in ("exact", "overlap")
           for m in ("precision", "recall", "f1")},
        "alpha_u": None, "alpha_u_reason": "no annotator marked any span",
        "n": {"alice": 0, "bob": 0},
    }
    neither = "neither annotator marked a span of this label"
    pair = r["pairs"][0]
    assert pair["labels"] == {}
    assert pair["overall"] == {
        **{f"{m}_{k}": None for k in ("exact", "overlap") for m in ("precision", "recall", "f1")},
        **{f"{m}_{k}_reason": neither for k in ("exact", "overlap")
           for m in ("precision", "recall", "f1")},
        "matched_exact": 0, "matched_overlap": 0, "n_a": 0, "n_b": 0,
    }
    assert pair["alpha_u"] is None and pair["alpha_u_reason"] == "no annotator marked any span"
    assert r["disputed"] == []
    # The scheme's document label is listed even though nobody gave one.
    assert r["doc_labels"] == {"page_type": {
        "alpha": None, "alpha_reason": "no unit has values from two or more annotators",
        "units": 0, "n": {"alice": 0, "bob": 0}, "documents_differing": 0,
    }}


def test_overlapping_spans_of_one_label_are_merged_for_alpha(corpus: Corpus) -> None:
    text = "Acme Corp Ltd is here.\n"
    add_text(corpus, "d", text)
    # alice's two ORG spans [0,9) and [5,13) overlap: alpha_u merges them into [0,13), which
    # is bob's span, so alpha_u is 1 and one merge is reported.
    save(corpus, text, "d", "alice", [(0, 9, "ORG"), (5, 13, "ORG")])
    save(corpus, text, "d", "bob", [(0, 13, "ORG")])
    org = compute_agreement(corpus)["labels"]["ORG"]
    assert org["alpha_u_merged_overlaps"] == 1
    assert org["alpha_u"] == 1.0
    assert org["n"] == {"alice": 2, "bob": 1}


def test_spans_of_different_labels_never_overlap_match(corpus: Corpus) -> None:
    text = "Menu. The article runs to the end.\n"
    add_text(corpus, "d", text)
    # alice's article ends where the text (the whole number line) ends; bob's boilerplate,
    # the next label in the scheme, starts at 0. Different labels: no overlap match.
    save(corpus, text, "d", "alice", [(6, len(text), "article", ROLE)])
    save(corpus, text, "d", "bob", [(0, 5, "boilerplate", {"kind": "navigation"})])
    r = compute_agreement(corpus)
    pair = r["pairs"][0]
    assert pair["overall"]["matched_overlap"] == 0
    # No article pair to measure the edges of: every figure empty.
    empty = {"mean": None, "median": None, "max": None, "zero": 0}
    assert r["articles"] == {"found": {"alice": 1, "bob": 0}, "pairs": [
        {"a": "alice", "b": "bob", "matched": 0, "start_chars": empty, "end_chars": empty,
         "start_lines": empty, "end_lines": empty},
    ]}
    assert pair["labels"]["article"] == approx_tree(pair_json(0, 0, 1, 0))
    assert pair["labels"]["boilerplate"] == approx_tree(pair_json(0, 0, 0, 1))


def test_measure_called_directly_uses_its_defaults(trio: Corpus, corpus: Corpus) -> None:
    layers = [(layer.name, [lb.name for lb in layer.labels]) for layer in trio.scheme.layers]
    # A layer none of whose labels is known is skipped, the later ones still measured.
    r = measure(load(trio, NAMES), [("empty", ["NOT_A_LABEL"]), *layers])
    assert r["include_unfinished"] is False
    assert [set(p["kappa_char"]) for p in r["pairs"]] == [{"structure", "part", "entity"}] * 3
    assert set(r["kappa_char"]) == {"structure", "part", "entity"}
    # Two annotators and one layer whose kappa is defined: no reasons anywhere.
    two = measure(load(trio, ["alice", "bob"], doc_ids=["a", "z"]), [("entity", ENTITY)])
    assert two["kappa_char"] == pytest.approx(
        {"entity": cohen(char_labels("alice", ENTITY), char_labels("bob", ENTITY))})
    assert "kappa_char_reasons" not in two and "kappa_char_reasons" not in two["pairs"][0]
    # Eleven documents, each with alice's one span unmatched: ten are listed by default.
    for i in range(11):
        add_text(corpus, f"d{i:02}", FILLER)
        save(corpus, FILLER, f"d{i:02}", "alice", [(0, 6, "ORG")])
        save(corpus, FILLER, f"d{i:02}", "bob", [])
    assert len(measure(load(corpus, ["alice", "bob"]), layers)["disputed"]) == 10
    assert len(compute_agreement(corpus)["disputed"]) == 10


def test_article_edges_in_a_later_document_and_label_only_disputes(corpus: Corpus) -> None:
    lines = "L0\nL1\nL2\nL3\nL4\nL5\n"  # newlines at 2, 5, 8, 11, 14, 17
    add_text(corpus, "a", FILLER)
    add_text(corpus, "b", lines)
    save(corpus, FILLER, "a", "alice", [], doc_labels={"page_type": "article"})
    save(corpus, FILLER, "a", "bob", [], doc_labels={"page_type": "non-article"})
    save(corpus, lines, "b", "alice", [(3, 9, "article", ROLE)])
    save(corpus, lines, "b", "bob", [(6, 15, "article", ROLE)])
    r = compute_agreement(corpus)
    # b starts 13 characters into the line; its edges are counted in its own text: starts 3
    # apart with one newline (5) between, ends 6 apart with two (11, 14).
    assert r["articles"]["pairs"] == [{
        "a": "alice", "b": "bob", "matched": 1,
        "start_chars": {"mean": 3.0, "median": 3.0, "max": 3, "zero": 0},
        "end_chars": {"mean": 6.0, "median": 6.0, "max": 6, "zero": 0},
        "start_lines": {"mean": 1.0, "median": 1.0, "max": 1, "zero": 0},
        "end_lines": {"mean": 2.0, "median": 2.0, "max": 2, "zero": 0},
    }]
    # b: both articles unmatched exactly (2), characters [3,6) and [9,15) disputed (9);
    # a: no span, but the page types differ (1): still a disputed document.
    assert r["disputed"] == [
        {"doc_id": "b", "unmatched_spans": 2, "doc_labels_differing": 0, "disputed_chars": 9,
         "chars": 18},
        {"doc_id": "a", "unmatched_spans": 0, "doc_labels_differing": 1, "disputed_chars": 0,
         "chars": 13},
    ]
    assert len(r["notes"]) == 6 and r["notes"][0].startswith("Documents count only when")
