"""``annotator assign --order uncertain``: the scores (model entropy, extractor disagreement,
the text-only share), the interleaving across sites, and the saved queues, on real pages
(tests/fixtures/bodies and tests/fixtures/suggest/aeb) copied onto a few shared sites,
plus text documents without HTML."""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from annotator.assign import Assignments, load_assignments, plan
from annotator.cli import main
from annotator.corpus import Corpus
from annotator.model import DocumentMeta
from annotator.rules import sha256_text
from annotator.suggest.engine import DocInput
from annotator.suggest.lines import split_lines
from annotator.uncertainty import (
    binary_entropy,
    disagreement,
    same_site_neighbours,
    score_corpus,
    score_document,
    site_key,
    text_only_share,
    unavoidable_neighbours,
    uncertain_order,
)
from tests.cli_helpers import one_line_error, run

FIXTURES = Path(__file__).parent / "fixtures"
NO_MODEL = "no trained model: ordering by extractor disagreement only"
PROSE = "This sentence is long enough to read as the prose of an article, with a full stop at its end."


# --------------------------------------------------------------------------- the order


def test_most_uncertain_first_when_every_site_differs() -> None:
    scores = {"a": 0.1, "b": 0.9, "c": 0.5, "d": 0.5}
    sites = {d: d for d in scores}
    assert uncertain_order(scores, sites) == ["b", "c", "d", "a"]  # ties by id


def test_same_site_documents_are_interleaved_by_their_best_remaining_score() -> None:
    scores = {"a1": 0.9, "a2": 0.8, "b1": 0.5, "c1": 0.4, "c2": 0.3}
    sites = {d: d[0] for d in scores}
    # Round one: a, b, c by their best; round two: a, c. Sorting alone would put a1, a2 together.
    assert uncertain_order(scores, sites) == ["a1", "b1", "c1", "a2", "c2"]
    # The queue's last planned document was of site a: the first new one is not.
    assert uncertain_order(scores, sites, after_site="a") == ["b1", "a1", "c1", "a2", "c2"]


def test_a_site_with_half_of_the_documents_is_spread_first() -> None:
    scores = {"a1": 0.3, "a2": 0.2, "a3": 0.1, "b1": 0.95, "c1": 0.9}
    sites = {d: d[0] for d in scores}
    # b1 is the most uncertain, but starting with it would leave a's three pages two
    # separators for two gaps after a leading b: a1 b1 a2 c1 a3 is the only run-free shape.
    assert uncertain_order(scores, sites) == ["a1", "b1", "a2", "c1", "a3"]
    # One site only: nothing to interleave with.
    assert uncertain_order({"x": 0.1, "y": 0.9}, {"x": "s", "y": "s"}) == ["y", "x"]
    assert uncertain_order({}, {}) == []


def test_random_cases_have_the_fewest_same_site_neighbours_possible() -> None:
    rng = random.Random(5)
    for _ in range(400):
        n = rng.randint(1, 30)
        n_sites = rng.randint(1, 6)
        scores = {f"d{i:02d}": round(rng.random(), 2) for i in range(n)}
        sites = {d: f"s{rng.randint(1, n_sites)}" for d in scores}
        if rng.random() < 0.3:  # one big site
            sites.update({d: "big" for d in list(scores)[: n // 2 + 2]})
        order = uncertain_order(scores, sites)
        assert sorted(order) == sorted(scores)
        assert same_site_neighbours(order, sites) == unavoidable_neighbours(sites.values()), (scores, sites, order)
        assert uncertain_order(dict(reversed(scores.items())), sites) == order  # input order does not matter
        # Each site's own documents come most uncertain first.
        for site in set(sites.values()):
            mine = [scores[d] for d in order if sites[d] == site]
            assert mine == sorted(mine, reverse=True)


# --------------------------------------------------------------------------- the parts


def test_entropy_disagreement_and_the_text_only_share() -> None:
    assert binary_entropy(np.array([0.0, 0.5, 1.0, 0.2])).round(4).tolist() == [0.0, 1.0, 0.0, 0.7219]
    weights = np.array([10.0, 30.0, 60.0])
    votes = [np.array([True, True, False]), np.array([True, False, False]), np.array([True, True, True])]
    assert disagreement(votes, weights) == pytest.approx(0.9)  # lines 2 and 3: 30 + 60 of 100
    assert disagreement(votes[:1], weights) == 0.0
    text = "\n".join(["Subscribe", PROSE, "", "Short line of grey", PROSE, "Photo: Reuters"])
    lines = split_lines(text)
    grey = len("Short line of grey")
    prose = len(PROSE)
    # The menu (layout) and the caption are clearly boilerplate, the prose clearly body.
    total = len("Subscribe") + 2 * prose + grey + len("Photo: Reuters")
    assert text_only_share(lines, frozenset()) == pytest.approx(grey / total)
    # A line repeated across the site is clearly boilerplate too.
    assert text_only_share(lines, frozenset({"short line of grey"})) == 0.0


def test_a_document_without_html_gets_the_text_only_score() -> None:
    text = f"{PROSE}\nA grey line\n{PROSE}"
    score = score_document(DocInput("t", text, None, None, {}, None), "doc:t")
    assert score.disagreement is None and score.model is None
    assert score.text_only == score.score == round(len("A grey line") / (len("A grey line") + 2 * len(PROSE)), 6)


# --------------------------------------------------------------------------- the corpus


def _copy_doc(corpus: Corpus, doc_id: str, new_id: str, url: str) -> None:
    meta = corpus.read_meta(doc_id)
    html = corpus.html_path(doc_id).read_bytes()
    copy = meta.model_copy(update={"doc_id": new_id, "url": url, "html_source": f"{new_id}.source.html.gz"})
    corpus.add_document(corpus.read_text(doc_id), copy, html)


def _add_text(corpus: Corpus, doc_id: str, text: str, url: str | None) -> None:
    meta = DocumentMeta(
        doc_id=doc_id, text_sha256=sha256_text(text), chars=len(text), source=f"test:{doc_id}",
        source_format="txt", url=url,
    )
    corpus.add_document(text, meta)


@pytest.fixture(scope="module")
def base_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven real pages (four with gold bodies), copies of four of them on two shared sites
    (near-duplicates), and five text documents, three of one site."""
    root = tmp_path_factory.mktemp("uncertain") / "corpus"
    assert main(["new", str(root)]) == 0
    bodies = FIXTURES / "bodies"
    assert main(["import", str(root), str(bodies / "html"), "--bodies", str(bodies / "ground-truth.json")]) == 0
    assert main(["import", str(root), str(FIXTURES / "suggest" / "aeb" / "0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2.html.gz")]) == 0
    corpus = Corpus.open(root)
    originals = corpus.doc_ids()
    for k, doc_id in enumerate(originals[:4]):
        for j in range(2):
            _copy_doc(corpus, doc_id, f"copy-{k}-{j}", f"https://{'ab'[j]}.example/page-{k}")
    for k in range(5):
        grey = "\n".join(f"Grey line {i} of {k}" for i in range(k + 1))
        _add_text(corpus, f"text-{k}", f"{PROSE}\n{grey}\n{PROSE}", "https://t.example/x" if k < 3 else None)
    return root


@pytest.fixture
def corpus_root(base_corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(base_corpus, root, ignore=shutil.ignore_patterns(".lock*", "models"))
    return root


def _sites(corpus: Corpus) -> dict[str, str]:
    from annotator.suggest.boilerplate import site_of

    return {d: site_key(d, site_of(corpus.read_meta(d))) for d in corpus.doc_ids()}


def _check_queues(corpus: Corpus, saved: Assignments, scores: dict[str, float], before: Assignments | None) -> None:
    """Each queue: the old part as it was, then its new documents in the uncertain order
    (computed here from the scores), with no avoidable same-site neighbours."""
    sites = _sites(corpus)
    for name, queue in saved.annotators.items():
        old = before.annotators.get(name, []) if before else []
        assert queue[: len(old)] == old
        added = queue[len(old) :]
        after = sites[old[-1]] if old else None
        assert added == uncertain_order({d: scores[d] for d in added}, sites, after)
        assert same_site_neighbours(added, sites) == unavoidable_neighbours(sites[d] for d in added)


def test_order_uncertain_without_a_model_saves_queues_in_the_order_of_the_scores(
    capsys: pytest.CaptureFixture[str], corpus_root: Path, tmp_path: Path
) -> None:
    argv = ["assign", str(corpus_root), "--annotators", "alice", "bob", "carol", "--seed", "5", "--overlap", "0.3"]
    code, out, err = run(capsys, *argv, "--order", "uncertain", "--jobs", "1", "--json")
    assert code == 0, err
    assert err.strip().splitlines() == [NO_MODEL + " (text-only score without HTML)"]
    corpus = Corpus.open(corpus_root)
    scored = score_corpus(corpus, corpus.doc_ids(), jobs=1)
    scores = {s.doc_id: s.score for s in scored}
    # The scores are the extractors' disagreement where there is HTML, the text-only share else.
    for s in scored:
        has_html = corpus.read_meta(s.doc_id).html_source is not None
        assert s.model is None and (s.disagreement is not None) == has_html and (s.text_only is None) == has_html
        assert s.score == (s.disagreement if has_html else s.text_only)
    assert len(set(scores.values())) > 4  # the order is not just the ids
    report = json.loads(out)
    assert report["ordering"]["model"] is None
    assert {d: v["score"] for d, v in report["ordering"]["scores"].items()} == scores
    saved_bytes = (corpus_root / "assignments.json").read_bytes()
    saved = load_assignments(corpus)
    assert saved is not None and saved.order == "uncertain" and json.loads(saved_bytes)["order"] == "uncertain"
    _check_queues(corpus, saved, scores, None)
    # The interleaving did something: sorted by score alone, the queues have pages of one
    # site next to each other (the copies score alike); saved, they have none.
    sites = _sites(corpus)
    by_score = [sorted(q, key=lambda d: (-scores[d], d)) for q in saved.annotators.values()]
    assert sum(same_site_neighbours(q, sites) for q in by_score) > 0
    assert sum(same_site_neighbours(q, sites) for q in saved.annotators.values()) == 0
    # Who gets what is the plan of the given order with the same seed; only the order differs.
    given = plan(corpus.doc_ids(), ["alice", "bob", "carol"], overlap=0.3, seed=5).assignments
    assert saved.documents == given.documents
    assert {n: sorted(q) for n, q in saved.annotators.items()} == {n: sorted(q) for n, q in given.annotators.items()}
    assert saved.annotators != given.annotators
    # Deterministic: again, and with two worker processes, the same bytes.
    other = tmp_path / "again"
    shutil.copytree(corpus_root, other)
    (other / "assignments.json").unlink()
    assert run(capsys, "assign", str(other), *argv[2:], "--order", "uncertain", "--jobs", "2")[0] == 0
    assert (other / "assignments.json").read_bytes() == saved_bytes


def test_order_given_is_the_default_and_writes_no_order_field(
    capsys: pytest.CaptureFixture[str], corpus_root: Path
) -> None:
    argv = ["assign", str(corpus_root), "--annotators", "alice", "bob", "--seed", "9"]
    assert run(capsys, *argv)[0] == 0
    default = (corpus_root / "assignments.json").read_bytes()
    (corpus_root / "assignments.json").unlink()
    assert run(capsys, *argv, "--order", "given")[0] == 0
    assert (corpus_root / "assignments.json").read_bytes() == default
    assert "order" not in json.loads(default)
    code, _, err = run(capsys, *argv, "--order", "given", "--model", str(corpus_root))
    assert code == 2 and "--model goes with --order uncertain" in one_line_error(err)
    code, _, err = run(capsys, "assign", str(corpus_root), "--rebalance", "--remove", "bob", "--order", "uncertain")
    assert code == 2 and "--order does not go with --rebalance" in one_line_error(err)
    assert (corpus_root / "assignments.json").read_bytes() == default


def test_an_incremental_run_appends_new_documents_in_uncertain_order_and_moves_nothing(
    capsys: pytest.CaptureFixture[str], corpus_root: Path
) -> None:
    corpus = Corpus.open(corpus_root)
    every = corpus.doc_ids()
    first = [d for d in every if not d.startswith("copy-")]
    code, _, err = run(
        capsys, "assign", str(corpus_root), "--annotators", "alice", "bob", "--seed", "2",
        "--order", "uncertain", "--jobs", "1", "--docs", *first,
    )
    assert code == 0, err
    before = load_assignments(corpus)
    assert before is not None
    # Alice starts her first two documents.
    for doc_id in before.annotators["alice"][:2]:
        annotation = corpus.new_annotation("alice", doc_id)
        annotation.status = "in_progress"
        corpus.save_annotation(annotation, annotator="alice")
    # Again over every document, with no --order: the plan's order is kept.
    code, out, err = run(capsys, "assign", str(corpus_root), "--annotators", "alice", "bob", "--jobs", "1", "--json")
    assert code == 0, err
    assert NO_MODEL in err
    report = json.loads(out)
    new = sorted(set(every) - set(first))
    assert report["new_documents"] == len(new) and sorted(report["ordering"]["scores"]) == new  # only new ones scored
    after = load_assignments(corpus)
    assert after is not None and after.order == "uncertain"
    scores = {s.doc_id: s.score for s in score_corpus(corpus, new, jobs=1)}
    _check_queues(corpus, after, scores, before)
    for name, queue in after.annotators.items():
        assert set(queue[len(before.annotators[name]) :]) <= set(new)


def test_a_bad_model_folder_is_one_line_exit_2_and_leaves_the_plan(
    capsys: pytest.CaptureFixture[str], corpus_root: Path, tmp_path: Path
) -> None:
    argv = ["assign", str(corpus_root), "--annotators", "alice", "bob", "--seed", "1"]
    assert run(capsys, *argv)[0] == 0
    before = (corpus_root / "assignments.json").read_bytes()
    bad = tmp_path / "bad-model"
    bad.mkdir()
    (bad / "model.json").write_text('{"format": "something else"}', "utf-8")
    (bad / "model.txt").write_text("tree\n", "utf-8")
    code, out, err = run(capsys, *argv, "--order", "uncertain", "--model", str(bad))
    assert code == 2 and out == ""
    message = one_line_error(err)
    assert str(bad) in message
    code, _, err = run(capsys, *argv, "--order", "uncertain", "--model", str(tmp_path / "nope"))
    assert code == 2 and "--model " + str(tmp_path / "nope") + ": no such folder" in one_line_error(err)
    assert (corpus_root / "assignments.json").read_bytes() == before


def test_a_trained_model_adds_its_entropy_and_its_vote(
    capsys: pytest.CaptureFixture[str], corpus_root: Path
) -> None:
    pytest.importorskip("lightgbm")
    code, _, err = run(capsys, "train", str(corpus_root), "--jobs", "1")
    assert code == 0, err
    code, out, err = run(
        capsys, "assign", str(corpus_root), "--annotators", "alice", "bob", "--seed", "3",
        "--order", "uncertain", "--jobs", "1", "--json",
    )
    assert code == 0, err
    models = corpus_root / "models"
    assert err.strip().splitlines() == [f"ordering by the uncertainty of the model in {models} and extractor disagreement"]
    assert json.loads(out)["ordering"]["model"] == str(models)
    corpus = Corpus.open(corpus_root)
    scored = score_corpus(corpus, corpus.doc_ids(), model=models, jobs=1)
    for s in scored:
        assert s.model is not None and 0.0 <= s.model <= 1.0
        other = s.disagreement if s.disagreement is not None else s.text_only
        assert other is not None and s.score == pytest.approx((s.model + other) / 2, abs=2e-6)
    saved = load_assignments(corpus)
    assert saved is not None
    _check_queues(corpus, saved, {s.doc_id: s.score for s in scored}, None)


def test_without_lightgbm_a_corpus_model_is_skipped_and_a_given_one_refused(
    capsys: pytest.CaptureFixture[str], corpus_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "lightgbm", None)  # `import lightgbm` now fails: the extra is missing
    models = corpus_root / "models"
    models.mkdir()
    (models / "model.json").write_text("{}", "utf-8")
    argv = ["assign", str(corpus_root), "--annotators", "alice", "bob", "--seed", "4", "--order", "uncertain", "--jobs", "1"]
    code, _, err = run(capsys, *argv, "--model", str(models))
    assert code == 2 and "a trained model needs LightGBM, which is not installed" in one_line_error(err)
    assert not (corpus_root / "assignments.json").exists()
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    assert err.strip().splitlines()[:2] == [
        f"{models}: LightGBM is not installed (pip install 'article-annotator[train]'); model not used",
        NO_MODEL + " (text-only score without HTML)",
    ]
    saved = load_assignments(Corpus.open(corpus_root))
    assert saved is not None and saved.order == "uncertain"
