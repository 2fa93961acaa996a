"""``annotator agree``: terminal table, --json keys, --report HTML, exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from tests.conftest import DEMO_CORPUS
from tests.test_agreement_helpers import save, seed_versions


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


def test_terminal_table(pair_corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", str(pair_corpus.root)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Agreement of alice, bob on 1 documents (none left out)"
    org = next(line.split() for line in lines if line.startswith("ORG"))
    assert org == ["ORG", "entity", "2", "2", "1", "0.500", "1", "0.500", org[-1]]
    assert "Most disputed documents:" in out and any(line.startswith("seed") for line in lines)
    assert "Character kappa (Cohen):" in out


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
    from tests.conftest import add_text

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


@pytest.mark.skipif(not (DEMO_CORPUS / "corpus.json").exists(), reason="corpora/demo not built yet")
def test_demo_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["agree", str(DEMO_CORPUS), "--json", "--include-unfinished"])
    assert code in (0, 1)
    _check_documented_keys(orjson.loads(capsys.readouterr().out))
