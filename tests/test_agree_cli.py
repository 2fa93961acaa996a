"""``annotator agree``: terminal table, --json keys, --report HTML, exit codes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import orjson
import pytest

from annotator.agreement.metrics import exact_matches, max_overlap_matching
from annotator.agreement.unitizing import alpha_u, category_disagreement
from annotator.cli import main
from annotator.corpus import Corpus
from tests.conftest import DEMO_CORPUS, add_text
from tests.test_agreement_helpers import save, seed_versions

#: One annotator's spans over a corpus laid end to end: (start, end, label), offsets already
#: shifted by the document's place in the continuum.
Spans = list[tuple[int, int, str]]


@pytest.fixture
def pair_corpus(seed_corpus: Corpus, seed_text: str) -> Corpus:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article"})
    return seed_corpus


def _check_documented_keys(r: dict) -> None:
    assert {"annotators", "documents", "excluded", "labels", "overall", "kappa_char",
            "doc_labels", "pairs"} <= set(r)
    for entry in r["labels"].values():
        for k in ("f1_exact", "f1_overlap", "alpha_u"):
            assert k in entry and (entry[k] is not None or entry[f"{k}_reason"])
        assert set(entry["n"]) == set(r["annotators"])
    for k in ("f1_exact", "f1_overlap", "alpha_u"):
        assert k in r["overall"]
    for name, entry in r["doc_labels"].items():
        assert "alpha" in entry, name
    assert all({"a", "b"} <= set(p) for p in r["pairs"])


def test_json_has_the_documented_keys(pair_corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", str(pair_corpus.root), "--json"]) == 0
    out = capsys.readouterr()
    r = orjson.loads(out.out)  # stdout is one JSON document and nothing else
    _check_documented_keys(r)
    assert r["annotators"] == ["alice", "bob"] and r["documents"] == 1
    assert r["labels"]["ORG"]["n"] == {"alice": 2, "bob": 2}
    assert r["labels"]["ORG"]["f1_exact"] == pytest.approx(0.5)
    assert r["doc_labels"]["page_type"]["alpha"] is None  # both said "article": no variation
    assert r["doc_labels"]["page_type"]["alpha_reason"]
    assert r["pairs"][0]["a"] == "alice" and r["pairs"][0]["b"] == "bob"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _arrays(spans: Spans) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([s[0] for s in spans], dtype=np.int64),
            np.array([s[1] for s in spans], dtype=np.int64))


def _expected_rows(a: Spans, b: Spans, edges: list[int],
                   labels: list[str]) -> dict[str, dict[str, str]]:
    """The table's cells computed without compute.py or report.py: the matchings and alpha_u
    of annotator.agreement.metrics/unitizing called directly on each label's spans, and F1 by
    its textbook formula. So a column that prints another column's value (the bug of issue
    10: F1 in the alpha_u column) or a value measured on the wrong spans shows up."""
    edges_arr = np.array(edges, dtype=np.int64)
    rows: dict[str, dict[str, str]] = {}
    total_exact = total_overlap = 0
    for label in labels:
        la = [s for s in a if s[2] == label]
        lb = [s for s in b if s[2] == label]
        if not la and not lb:
            continue
        (sa, ea), (sb, eb) = _arrays(la), _arrays(lb)
        exact = len(exact_matches(sa, ea, sb, eb)[0])
        overlap = len(max_overlap_matching(sa, ea, sb, eb)[0])
        total_exact, total_overlap = total_exact + exact, total_overlap + overlap
        rater = np.array([0] * len(la) + [1] * len(lb), dtype=np.int64)
        alpha = category_disagreement(rater, np.r_[sa, sb], np.r_[ea, eb], 2, edges_arr).alpha
        rows[label] = {
            "n alice": str(len(la)), "n bob": str(len(lb)),
            "exact": str(exact), "F1 exact": _fmt(2 * exact / (len(la) + len(lb))),
            "overlap": str(overlap), "F1 overlap": _fmt(2 * overlap / (len(la) + len(lb))),
            "alpha_u": _fmt(alpha.value),
        }
    both = a + b
    category = np.array([labels.index(s[2]) for s in both], dtype=np.int64)
    overall, _ = alpha_u(np.array([0] * len(a) + [1] * len(b), dtype=np.int64),
                         *_arrays(both), category, 2, edges_arr)
    rows["overall"] = {
        "n alice": str(len(a)), "n bob": str(len(b)),
        "exact": str(total_exact), "F1 exact": _fmt(2 * total_exact / (len(a) + len(b))),
        "overlap": str(total_overlap), "F1 overlap": _fmt(2 * total_overlap / (len(a) + len(b))),
        "alpha_u": _fmt(overall.value),
    }
    return rows


def _printed_rows(out: str) -> dict[str, dict[str, str]]:
    """The per-label table of ``annotator agree``'s terminal output, cell by column name."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("label "))
    header = re.split(r" {2,}", lines[start].strip())
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        cells = line.split()
        if cells[0] == "overall":
            cells.insert(1, "")  # the overall row has no layer
        assert len(cells) == len(header), line
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


def _scheme_labels(corpus: Corpus) -> list[str]:
    return [lb.name for layer in corpus.scheme.layers for lb in layer.labels]


def _check_table(out: str, corpus: Corpus, a: Spans, b: Spans, edges: list[int]) -> None:
    expected = _expected_rows(a, b, edges, _scheme_labels(corpus))
    printed = _printed_rows(out)
    # Same rows, in the scheme's order, overall last.
    assert list(printed) == list(expected)
    for label, cells in expected.items():
        for column, value in cells.items():
            assert printed[label][column] == value, (label, column)


def test_terminal_table(pair_corpus: Corpus, seed_text: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", str(pair_corpus.root)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Agreement of alice, bob on 1 documents (none left out)"
    specs = seed_versions(seed_text)
    alice = [(s[0], s[1], s[2]) for s in specs["alice"]]
    bob = [(s[0], s[1], s[2]) for s in specs["bob"]]
    _check_table(out, pair_corpus, alice, bob, [0, len(seed_text)])
    # The layer column names each label's layer.
    layer_of = {lb.name: layer.name for layer in pair_corpus.scheme.layers for lb in layer.labels}
    printed = _printed_rows(out)
    assert all(cells["layer"] == layer_of[label]
               for label, cells in printed.items() if label != "overall")
    assert "Most disputed documents:" in out and any(line.startswith("seed") for line in lines)
    assert "Character kappa (Cohen):" in out


def test_most_disputed_documents_in_order(corpus: Corpus,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Ordered by unmatched spans (plus differing document labels), then by disputed
    characters; documents in full agreement are not listed."""
    text = "".join(f"word{i:02d} " for i in range(40))  # 280 characters
    # doc: alice's spans; bob marks none, so each of alice's spans is unmatched.
    plan: dict[str, list[tuple[int, int, str]]] = {
        "aaa": [(0, 30, "PER")],                                  # 1 unmatched, 30 chars
        "bbb": [(0, 1, "PER"), (7, 8, "PER"), (14, 15, "PER")],  # 3 unmatched, 3 chars
        "ccc": [(0, 2, "PER"), (7, 9, "PER")],                    # 2 unmatched, 4 chars
        "ddd": [(0, 10, "PER"), (14, 24, "PER")],                 # 2 unmatched, 20 chars
    }
    for i, (doc_id, spans) in enumerate(plan.items()):
        doc_text = add_text(corpus, doc_id, text + "x" * i)  # distinct texts
        save(corpus, doc_text, doc_id, "alice", list(spans))
        save(corpus, doc_text, doc_id, "bob", [])
    agreed = add_text(corpus, "eee", text + "agreed")
    save(corpus, agreed, "eee", "alice", [(0, 6, "PER")])
    save(corpus, agreed, "eee", "bob", [(0, 6, "PER")])
    # Neither alphabetical order, nor by characters, nor reversed: only the documented one.
    wanted = ["bbb", "ddd", "ccc", "aaa"]
    assert main(["agree", str(corpus.root), "--json"]) == 0
    disputed = orjson.loads(capsys.readouterr().out)["disputed"]
    assert [d["doc_id"] for d in disputed] == wanted
    assert [(d["unmatched_spans"], d["disputed_chars"]) for d in disputed] == [
        (3, 3), (2, 20), (2, 4), (1, 30)
    ]
    assert main(["agree", str(corpus.root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index("Most disputed documents:") + 2:]
    assert [line.split()[0] for line in table] == wanted
    assert main(["agree", str(corpus.root), "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[lines.index("Most disputed documents:") + 2:]] == [
        "bbb", "ddd"
    ]


def test_report_is_self_contained_html(pair_corpus: Corpus, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "agree.html"
    assert main(["agree", str(pair_corpus.root), "--report", str(report)]) == 0
    html = report.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "<link" not in html and "@import" not in html
    svgs = [chunk.split("</svg>")[0] + "</svg>" for chunk in html.split("<svg")[1:]]
    assert len(svgs) >= 3  # per-label bars, confusion matrices, disputed documents
    for svg in svgs:
        ET.fromstring("<svg" + svg)  # each chart is well-formed
    assert "Label confusion" in html and "Most disputed documents" in html and "seed" in html


def test_usage_errors(pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", str(pair_corpus.root), "--annotators", "alice"]) == 2
    assert main(["agree", str(pair_corpus.root), "--annotators", "alice", "zed"]) == 2
    assert "zed" in capsys.readouterr().err
    assert main(["agree", str(tmp_path / "nowhere")]) == 2
    assert main(["agree", str(pair_corpus.root), "--report", str(tmp_path / "no" / "r.html")]) == 2


def test_broken_file_exits_1_and_says_which(pair_corpus: Corpus, seed_text: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    add_text(pair_corpus, "second", seed_text + "\n")
    save(pair_corpus, seed_text + "\n", "second", "alice", [])
    pair_corpus.annotation_path("bob", "second").write_bytes(b"[1, 2")
    assert main(["agree", str(pair_corpus.root), "--json"]) == 1
    out = capsys.readouterr()
    r = orjson.loads(out.out)
    assert r["documents"] == 1
    assert "bob/second.json" in out.err and "not valid JSON" in out.err


def test_named_gold_is_compared(pair_corpus: Corpus, seed_text: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    specs = seed_versions(seed_text)
    gold = save(pair_corpus, seed_text, "seed", "gold", specs["bob"])
    assert gold.annotator == "gold"
    assert main(["agree", str(pair_corpus.root), "--json", "--annotators", "bob", "gold"]) == 0
    r = orjson.loads(capsys.readouterr().out)
    assert r["overall"]["f1_exact"] == 1.0 and r["overall"]["alpha_u"] == 1.0


def _demo_spans(demo: Corpus, doc_ids: list[str]) -> tuple[Spans, Spans, list[int]]:
    """alice's and bob's spans on ``doc_ids`` laid end to end, and the document edges."""
    spans: dict[str, Spans] = {"alice": [], "bob": []}
    edges = [0]
    for doc_id in doc_ids:
        for name, out in spans.items():
            loaded = demo.load_annotation(name, doc_id)
            assert loaded is not None
            out += [(edges[-1] + s.start, edges[-1] + s.end, s.label)
                    for s in loaded.annotation.spans]
        edges.append(edges[-1] + len(demo.read_text(doc_id)))
    return spans["alice"], spans["bob"], edges


def test_demo_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    # The bundled corpus is valid and alice and bob finished the same three documents:
    # anything but exit 0 is a regression (a file agree refuses, a crash).
    assert main(["agree", str(DEMO_CORPUS), "--json", "--include-unfinished"]) == 0
    r = orjson.loads(capsys.readouterr().out)
    _check_documented_keys(r)
    demo = Corpus.open(DEMO_CORPUS)
    annotated = sorted(set(demo.annotated_ids("alice")) & set(demo.annotated_ids("bob")))
    assert len(annotated) == 3
    assert r["annotators"] == ["alice", "bob"] and r["documents"] == 3 and r["problems"] == []
    # The other documents nobody annotated: left out, and said why.
    assert r["excluded"] == [
        {"doc_id": d, "reason": "no annotation by alice, bob"}
        for d in demo.doc_ids() if d not in annotated
    ]
    alice, bob, edges = _demo_spans(demo, annotated)
    expected = _expected_rows(alice, bob, edges, _scheme_labels(demo))
    for label, cells in expected.items():
        entry = r["overall"] if label == "overall" else r["labels"][label]
        assert entry["n"] == {"alice": int(cells["n alice"]), "bob": int(cells["n bob"])}
        for key, column in (("f1_exact", "F1 exact"), ("f1_overlap", "F1 overlap"),
                            ("alpha_u", "alpha_u")):
            assert _fmt(entry[key]) == cells[column], (label, key)
    assert r["doc_labels"]["page_type"] == {
        "alpha": pytest.approx(0.0), "units": 3, "n": {"alice": 3, "bob": 3},
        "documents_differing": 1,
    }


def test_demo_terminal_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo's terminal table, every cell, against values computed on the spans."""
    assert main(["agree", str(DEMO_CORPUS)]) == 0
    out = capsys.readouterr().out
    demo = Corpus.open(DEMO_CORPUS)
    annotated = sorted(set(demo.annotated_ids("alice")) & set(demo.annotated_ids("bob")))
    alice, bob, edges = _demo_spans(demo, annotated)
    _check_table(out, demo, alice, bob, edges)
