"""``annotator train`` and suggestions from a trained model, on four real benchmark pages
made gold with ``import --bodies`` (tests/fixtures/bodies/)."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

lightgbm = pytest.importorskip("lightgbm")

import annotator.cli as cli  # noqa: E402
from annotator.corpus import Corpus  # noqa: E402
from annotator.evaluate import score_document  # noqa: E402
from annotator.export.records import build_articles, entity_labels, main_article_text, sorted_spans  # noqa: E402
from annotator.model import GOLD, SUGGESTIONS  # noqa: E402
from annotator.suggest.lines import split_lines  # noqa: E402
from annotator.train.curve import make_folds  # noqa: E402
from annotator.train.features import FEATURES, FEATURES_VERSION, DocFeatures, dom_lines  # noqa: E402
from annotator.train.model import (  # noqa: E402
    EDGE_FLOOR,
    FORMAT,
    FORMAT_VERSION,
    LineModel,
    ModelError,
    article_lines,
    article_rows,
    fit,
)
from tests.cli_helpers import one_line_error, run  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "bodies"


def test_train_is_a_command_of_the_cli() -> None:
    assert "train" in cli.COMMANDS


def gold_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str], bodies: bool = True) -> Path:
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    extra = ["--bodies", str(FIXTURES / "ground-truth.json")] if bodies else []
    assert run(capsys, "import", str(root), str(FIXTURES / "html"), *extra)[0] == 0
    return root


def body(corpus: Corpus, source: str, doc_id: str) -> str:
    loaded = corpus.load_annotation(source, doc_id)
    assert loaded is not None
    text = corpus.read_text(doc_id)
    spans = sorted_spans(loaded.annotation.spans)
    return main_article_text(build_articles(text, spans, entity_labels(corpus.scheme)), "body")


def test_train_writes_a_text_model_and_its_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = gold_corpus(tmp_path, capsys)
    code, out, err = run(capsys, "train", str(root), "--jobs", "1", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and report["model"] == str(root / "models")
    model_text = (root / "models" / "model.txt").read_text("utf-8")
    assert model_text.startswith("tree\nversion=v4")
    card = json.loads((root / "models" / "model.json").read_text("utf-8"))
    assert card == report["card"]
    assert card["training_documents"] == 4 and card["source"] == GOLD
    assert card["features"] == list(FEATURES)
    assert card["versions"]["lightgbm"] == lightgbm.__version__
    assert sum(card["sites"].values()) == 4
    assert card["cv"] is None
    # The target: every non-blank line of the gold clean texts (whole lines, as --bodies
    # marks them) is a body line, and no other line is.
    corpus = Corpus.open(root)
    clean_lines = 0
    for doc_id in corpus.doc_ids():
        text = corpus.read_text(doc_id)
        loaded = corpus.load_annotation(GOLD, doc_id)
        assert loaded is not None
        articles = build_articles(text, sorted_spans(loaded.annotation.spans), frozenset())
        clean_lines += sum(1 for ln in articles[0]["clean_text"].split("\n") if ln.strip())
    assert card["body_lines"] == clean_lines
    assert card["training_scores"]["lines"]["f1"] >= 0.95
    assert card["training_scores"]["article_body"]["f1"] >= 0.9


def test_model_round_trips_through_its_text_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(400, len(FEATURES)))
    rows[::7, 3] = np.nan  # missing DOM features survive the file too
    targets = (rows[:, 0] + rows[:, 5] > 0).astype(float)
    model = LineModel(fit(rows, targets), {})
    from annotator.train.features import FEATURES_VERSION
    from annotator.train.model import FORMAT, FORMAT_VERSION

    model.card = {"format": FORMAT, "format_version": FORMAT_VERSION, "features": list(FEATURES),
                  "features_version": FEATURES_VERSION, "threshold": 0.5}
    model.save(tmp_path / "m")
    loaded = LineModel.load(tmp_path / "m")
    assert np.array_equal(loaded.probabilities(rows), model.probabilities(rows))
    assert loaded.card == model.card


def test_suggest_uses_the_corpus_model_and_the_built_in_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = gold_corpus(tmp_path, capsys)
    code, out, _ = run(capsys, "suggest", str(root), "--jobs", "1", "--json")
    assert code == 0
    built_in = json.loads(out)
    assert built_in["model"] is None and built_in["methods"] == {"extractor": 4}
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    code, out, err = run(capsys, "suggest", str(root), "--jobs", "2", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["model"] == str(root / "models") and report["methods"] == {"model": 4}
    corpus = Corpus.open(root)
    for doc_id in corpus.doc_ids():
        score = score_document(body(corpus, GOLD, doc_id), body(corpus, SUGGESTIONS, doc_id))
        assert score.f1 >= 0.8, doc_id
    # --model elsewhere: the same model moved out of the corpus is used from there.
    moved = tmp_path / "elsewhere"
    (root / "models").rename(moved)
    code, out, _ = run(capsys, "suggest", str(root), "--model", str(moved), "--jobs", "1", "--json")
    assert code == 0 and json.loads(out)["methods"] == {"model": 4}
    code, out, _ = run(capsys, "suggest", str(root), "--jobs", "1", "--json")
    assert json.loads(out)["methods"] == {"extractor": 4}
    code, _, err = run(capsys, "suggest", str(root), "--model", str(tmp_path / "nope"))
    assert code == 2 and "nope: no such folder" in one_line_error(err)


def test_bad_models_are_refused_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = gold_corpus(tmp_path, capsys)
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    models = root / "models"
    card_path, model_path = models / "model.json", models / "model.txt"
    good_card, good_model = card_path.read_bytes(), model_path.read_bytes()

    def refused(expected: str) -> str:
        code, _, err = run(capsys, "suggest", str(root), "--jobs", "1")
        assert code == 1
        line = one_line_error(err)
        assert expected in line, line
        return line

    # A pickle (code that would run when loaded) is not read at all.
    model_path.write_bytes(pickle.dumps({"not": "a model"}))
    assert refused(f"{model_path}: not a LightGBM text model")
    model_path.write_bytes(b"tree\nversion=v4\nnonsense")
    assert refused(f"{model_path}: not a readable LightGBM model")
    # A model cut short (LightGBM's own words on stderr: tests/test_train.py's next test).
    model_path.write_bytes(good_model[:500])
    assert refused(f"{model_path}: not a readable LightGBM model")
    model_path.write_bytes(good_model)
    card_path.write_bytes(b"{not json")
    assert refused(f"{card_path}: not valid JSON")
    card = json.loads(good_card)
    card["features_version"] = 0
    card_path.write_text(json.dumps(card), "utf-8")
    assert refused(f"{card_path}: trained on other features")
    # The version this code computes, but another list (a hand-edited card): said as such,
    # not as "version 2, this version computes version 2".
    card["features_version"] = json.loads(good_card)["features_version"]
    card["features"] = card["features"][:-8]
    card_path.write_text(json.dumps(card), "utf-8")
    line = refused(f"{card_path}: its features are not those of version {card['features_version']} ")
    assert f"({len(card['features'])} listed, not the {len(card['features']) + 8} " in line
    # A LightGBM model of other columns beside a card that claims ours.
    card_path.write_bytes(good_card)
    other = lightgbm.train({"objective": "binary", "verbosity": -1},
                           lightgbm.Dataset(np.random.default_rng(1).normal(size=(100, 3)),
                                            label=np.arange(100) % 2), num_boost_round=2)
    model_path.write_text(other.model_to_string(), "utf-8")
    assert refused(f"{model_path}: trained on other features")
    model_path.unlink()
    assert refused(f"{model_path}: missing")
    with pytest.raises(ModelError):
        LineModel.load(models)


def test_a_model_cut_short_is_refused_without_lightgbms_own_output(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """LightGBM's C++ code prints "[LightGBM] [Fatal] ..." on the process's stderr before it
    raises: the user saw it above the error's line. Its words are in the error instead."""
    rows = np.random.default_rng(0).normal(size=(200, len(FEATURES)))
    booster = lightgbm.train({"objective": "binary", "verbosity": -1},
                             lightgbm.Dataset(rows, label=np.arange(200) % 2, feature_name=list(FEATURES)),
                             num_boost_round=3)
    folder = tmp_path / "model"
    LineModel(booster, {"format": FORMAT, "format_version": FORMAT_VERSION, "features": list(FEATURES),
                        "features_version": FEATURES_VERSION}).save(folder)
    assert LineModel.load(folder).booster.num_trees() == 3
    text = (folder / "model.txt").read_text("utf-8")
    (folder / "model.txt").write_text(text[:500], "utf-8")
    capfd.readouterr()
    with pytest.raises(ModelError, match=r"not a readable LightGBM model: .+"):
        LineModel.load(folder)
    out, err = capfd.readouterr()
    assert "LightGBM" not in out + err
    print("stderr still works", file=sys.stderr)
    assert capfd.readouterr().err == "stderr still works\n"


def test_train_without_done_documents_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = gold_corpus(tmp_path, capsys, bodies=False)
    code, out, err = run(capsys, "train", str(root), "--json")
    assert code == 1
    assert f"{root / 'gold'}: no done annotations by gold to train on" in one_line_error(err)
    assert json.loads(out)["error"]["code"] == "corpus"
    assert not (root / "models").exists()
    code, _, err = run(capsys, "train", str(root), "--cv", "1")
    assert code == 2 and "--cv must be a whole number from 2" in one_line_error(err)


def test_folds_never_share_a_site() -> None:
    groups = ["a.com"] * 5 + ["b.org"] * 3 + ["c.net"] * 3 + [f"doc:{i}" for i in range(9)] + ["d.de"] * 2
    folds = make_folds(groups, 4)
    assert sorted(i for f in folds for i in f) == list(range(len(groups)))
    for n, fold in enumerate(folds):
        others = {groups[i] for m, f in enumerate(folds) if m != n for i in f}
        assert not {groups[i] for i in fold} & others
    assert sorted(len(f) for f in folds) == [5, 5, 6, 6]


def test_cv_prints_a_learning_curve_beside_the_baselines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = gold_corpus(tmp_path, capsys)
    code, out, err = run(capsys, "train", str(root), "--cv", "2", "--jobs", "1", "--json")
    assert code == 0, err
    curve = json.loads(out)["card"]["cv"]
    assert curve["folds"] == 2 and curve["documents"] == 4 and curve["grouped_by"] == "site"
    assert sum(curve["test_documents_per_fold"]) == 4
    [row] = curve["rows"]  # 2 training documents a fold: only the "all" row
    assert row["size"] == "all" and row["train_documents"] == 2 and row["test_documents"] == 4
    for scores in (row["trained"], curve["trafilatura"], curve["builtin"]):
        assert 0.5 < scores["f1"] <= 1.0
    code, out, _ = run(capsys, "train", str(root), "--cv", "2", "--jobs", "1")
    assert code == 0
    head, first = out.splitlines()[:2]
    assert head.split() == ["train", "docs", "trained", "F1", "P", "R", "trafilatura", "built-in"]
    assert first.split()[0] == "2"
    code, _, err = run(capsys, "train", str(root), "--cv", "5")
    assert code == 2 and "come from 4 site(s)" in one_line_error(err)


def test_dom_lines_map_elements_to_their_features() -> None:
    html = (
        "<html><body><nav class='menu'><a href='/'>Home</a></nav>"
        "<article><p>Text <a href='/x'>link</a> here</p><div class='share-box'>Share this</div></article>"
        "</body></html>"
    )
    found = dom_lines(html)
    names = FEATURES[FEATURES.index("dom_depth") : FEATURES.index("parent_traf")]
    home, text, share = (dict(zip(names, found[k], strict=True)) for k in ("home", "text link here", "share this"))
    assert home["tag_a"] == 1 and home["in_nav"] == 1 and home["cls_menu"] == 1 and home["dom_link_density"] == 1
    assert text["tag_p"] == 1 and text["in_article"] == 1 and text["dom_link_density"] == pytest.approx(4 / 14)
    assert text["in_nav"] == 0 and share["cls_share"] == 1 and share["tag_div"] == 1


def test_dom_lines_read_class_words_in_the_id_and_skip_only_long_containers() -> None:
    """Class and id are searched apart (each class string once a page); a flag ends with
    its element; a container is left unmapped only when its text, squeezed, is too long:
    white space around short text does not count."""
    padding = " \n" * 4000
    long_text = "word " * 1100
    html = (
        "<html><body><div id='top-ad'><p>Buy now</p></div><div class='x' id='comments'>A reply</div>"
        f"<div class='box'><p>Plain</p></div><div>{padding}Short text{padding}</div>"
        f"<div><p>{long_text}</p></div></body></html>"
    )
    found = dom_lines(html)
    names = FEATURES[FEATURES.index("dom_depth") : FEATURES.index("parent_traf")]
    buy, reply, plain = (dict(zip(names, found[k], strict=True)) for k in ("buy now", "a reply", "plain"))
    assert buy["cls_ad"] == 1 and buy["tag_p"] == 1 and buy["cls_comment"] == 0
    assert reply["cls_comment"] == 1 and reply["cls_ad"] == 0
    assert plain["cls_ad"] == 0 and plain["cls_comment"] == 0
    assert found["short text"][names.index("tag_div")] == 1
    assert " ".join(long_text.split()) not in found


def test_a_lines_box_tells_what_the_extractors_keep_of_its_parent_and_of_boxes_like_it() -> None:
    """An article split into boxes of one kind, whose first box trafilatura keeps and whose
    last readability keeps: each line's box columns give the shares of its parent's lines
    and of the lines of every parent with the same path that each extractor keeps."""
    import math

    from annotator.suggest.engine import DocInput
    from annotator.train.features import document_features

    a = "The council voted on Tuesday to close the old bridge for repairs next spring."
    b = "Engineers found cracks in two of its piers during an inspection in March."
    c = "Traffic will be sent over the river road, which adds ten minutes to the trip."
    d = "Sign up for our newsletter to get the best stories in your inbox every day."
    html = (
        f"<html><body><div class='part body'><p>{a}</p><p>{b}</p></div>"
        f"<div class='body part'><p>{c}</p></div><aside><p>{d}</p></aside><p>Loose text</p></body></html>"
    )
    text = "\n\n".join((a, b, c, d, "Loose text", "Not in the markup"))
    features = document_features(DocInput("d", text, html), None, f"{a}\n\n{b}", c)
    columns = FEATURES[FEATURES.index("parent_traf") :]
    rows = [dict(zip(columns, row[-len(columns) :], strict=True)) for row in features.rows]
    first, second, third, aside, loose, unmapped = rows
    assert (first["parent_traf"], first["parent_read"], first["parent_lines"]) == (1.0, 0.0, math.log1p(2))
    assert (third["parent_traf"], third["parent_read"], third["parent_lines"]) == (0.0, 1.0, math.log1p(1))
    # Class order does not matter: the two boxes share one path, three lines, two of them kept.
    for row in (first, second, third):
        assert row["path_traf"] == pytest.approx(2 / 3) and row["path_read"] == pytest.approx(1 / 3)
        assert row["path_lines"] == math.log1p(3)
    assert third["parent_weight"] == math.log1p(len(c))
    assert (aside["path_traf"], aside["path_read"], aside["path_lines"]) == (0.0, 0.0, math.log1p(1))
    # The body's own paragraph: its parent is the body, shared with no other mapped line.
    assert loose["parent_lines"] == math.log1p(1)
    assert all(math.isnan(v) for v in unmapped.values())


def test_the_model_goes_to_models_or_outside_the_corpus_never_elsewhere_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = gold_corpus(tmp_path, capsys)
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for inside in (root / "documents", root / "annotations" / "gold", root):
        code, _, err = run(capsys, "train", str(root), "--jobs", "1", "--out", str(inside))
        assert code == 2, err
        assert "inside the corpus" in err or "is the corpus" in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == files
    # A folder outside holding something else is not replaced; a new one, or a model folder, is.
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("mine")
    code, _, err = run(capsys, "train", str(root), "--jobs", "1", "--out", str(other))
    assert code == 2 and "other files than a model's" in err
    assert (other / "todo.txt").read_text() == "mine"
    elsewhere = tmp_path / "model"
    assert run(capsys, "train", str(root), "--jobs", "1", "--out", str(elsewhere))[0] == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == ["model.json", "model.txt"]
    assert run(capsys, "train", str(root), "--jobs", "1", "--out", str(elsewhere))[0] == 0  # retrained
    assert run(capsys, "train", str(root), "--jobs", "1", "--out", str(root / "models"))[0] == 0


def test_held_out_scores_are_the_suggest_commands_and_trafilaturas_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The three rows of bench_train.py's second table, each against an independent way to
    get the same body: ``annotator suggest`` with and without the model, and trafilatura's
    own text as the features recorded it."""
    from annotator.evaluate import overall_scores
    from annotator.train.curve import held_out_scores
    from annotator.train.data import training_set

    root = gold_corpus(tmp_path, capsys)
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    corpus = Corpus.open(root)
    data = training_set(corpus, GOLD, jobs=1)
    scores = held_out_scores(corpus, data.examples, LineModel.load(root / "models"))

    def pooled(source_bodies: dict[str, str]) -> dict[str, float | None]:
        by_doc = {doc_id: score_document(body(corpus, GOLD, doc_id), got) for doc_id, got in source_bodies.items()}
        return {k: None if v is None else round(v, 4) for k, v in zip(("precision", "recall", "f1"), overall_scores(by_doc), strict=True)}

    ids = corpus.doc_ids()
    assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    assert scores["trained"] == pooled({d: body(corpus, SUGGESTIONS, d) for d in ids})
    (root / "models").rename(tmp_path / "aside")
    assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    assert scores["builtin"] == pooled({d: body(corpus, SUGGESTIONS, d) for d in ids})
    assert scores["trafilatura"] == pooled({e.doc_id: e.features.extracted for e in data.examples})
    assert len(data.examples) == 4 and scores["trafilatura"]["f1"] is not None


def test_scoring_in_processes_gives_the_scores_of_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pages are suggested again to score a model (the card's training scores, the
    learning curve, held-out scores): spread over processes, the scores are the same, key
    by key, as suggesting them one after the other."""
    from annotator.train.curve import ScoreTask, held_out_scores, predicted_lines, score_suggested
    from annotator.train.data import training_set

    root = gold_corpus(tmp_path, capsys)
    corpus = Corpus.open(root)
    data = training_set(corpus, GOLD, jobs=1)
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    model = LineModel.load(root / "models")
    predicted = predicted_lines(model, data.examples)
    # One prediction over all rows is each page's own prediction.
    assert predicted == [model.body_lines(e.features) for e in data.examples]
    tasks = [
        ScoreTask((n, e.doc_id), e.doc_id, e.site, e.features.extracted, e.gold_body, lines)
        for e, lines in zip(data.examples, predicted, strict=True)
        for n in (1, 2)
    ] + [ScoreTask(("builtin", e.doc_id), e.doc_id, e.site, e.features.extracted, e.gold_body) for e in data.examples]
    alone = score_suggested(corpus, tasks, jobs=1)
    assert len(alone) == 12 and alone == score_suggested(corpus, tasks, jobs=2)
    assert held_out_scores(corpus, data.examples, model, jobs=2) == held_out_scores(corpus, data.examples, model)
    # The command: the card's training scores and its learning curve.
    cards = []
    for jobs in ("1", "2"):
        code, out, err = run(capsys, "train", str(root), "--jobs", jobs, "--cv", "2", "--json")
        assert code == 0, err
        card = json.loads(out)["card"]
        cards.append((card["training_scores"], card["cv"]))
    assert cards[0] == cards[1]
    assert cards[0][0]["article_body"]["f1"] >= 0.9 and cards[0][1]["rows"][0]["test_documents"] == 4


def test_the_site_tables_are_made_in_one_pass_as_each_table_alone(tmp_path: Path) -> None:
    """site_tables splits and normalises each text once for both tables: the repeated lines
    must equal repeated_lines of each site's texts, and the line counts SiteLines.add of each."""
    from annotator.suggest.boilerplate import repeated_lines
    from annotator.suggest.runner import site_statistics, site_tables
    from annotator.train.data import training_set
    from annotator.train.features import SiteLines
    from tests.test_export import add_doc

    corpus = Corpus.create(tmp_path / "c")
    menu = "Home  News  Sport\nA\n"
    prose = "This is a long paragraph of prose that tells one page from another page, number {}.\n"
    texts: dict[str, list[str]] = {}
    for i in range(12):
        site = ("one.example", "two.example", None)[i % 3]
        # The same article twice on site one (one page, not two), a one-character line, blanks.
        text = menu + "\n  " + prose.format(i if i != 3 else 0) + ("Footer (c) 2020\n" if i % 2 else "x\n")
        add_doc(corpus, f"d{i}", text, f"https://{site}/{i}" if site else None)
        texts.setdefault(site.removeprefix("www.") if site else "", []).append(text)
    site_of, repeated, lines = site_tables(corpus, with_lines=True)
    assert repeated == {site: repeated_lines(group) for site, group in texts.items()}
    assert repeated["one.example"] == frozenset({"home news sport"})  # "a" has one character
    expected_lines = {}
    for site, group in texts.items():
        if site:
            expected_lines[site] = SiteLines()
            for text in group:
                expected_lines[site].add(text)
    assert lines == expected_lines and lines["one.example"].docs == 4
    assert site_tables(corpus) == (site_of, repeated, {})
    assert (site_of, repeated) == site_statistics(corpus)
    # training_set hands both to the scoring that follows it (no second reading).
    assert training_set(corpus, GOLD, jobs=1).repeated == repeated


def test_predicting_on_several_threads_gives_the_same_probabilities(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(3000, len(FEATURES)))
    targets = (rows[:, 0] + rows[:, 3] > 0).astype(float)
    model = LineModel(fit(rows, targets, 1), {})
    one = model.probabilities(rows)
    assert np.array_equal(model.probabilities(rows, threads=2), one)
    assert np.array_equal(model.chosen(rows, 2), one >= model.threshold)


def test_the_cards_body_scores_suggest_a_fixed_sample_of_a_large_training_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond SCORED_PAGES the card's article-body scores re-suggest a seeded sample of the
    training pages (re-suggesting all cost a fifth of a 1,000-document training); the card
    says how many, and the same corpus gives the same sample."""
    from annotator.commands import train as train_command
    from annotator.train import curve

    root = gold_corpus(tmp_path, capsys)
    seen: list[list[str]] = []
    real = curve.score_suggested

    def spy(corpus: Corpus, tasks: list[curve.ScoreTask], *args: object) -> dict[object, object]:
        seen.append([t.doc_id for t in tasks])
        return real(corpus, tasks, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(curve, "score_suggested", spy)
    code, out, _ = run(capsys, "train", str(root), "--jobs", "1", "--json")
    assert code == 0
    assert json.loads(out)["card"]["training_scores"]["article_body"]["documents"] == 4 == len(seen[-1])
    monkeypatch.setattr(train_command, "SCORED_PAGES", 2)
    for _ in range(2):
        code, out, _ = run(capsys, "train", str(root), "--jobs", "1", "--json")
        assert code == 0
        assert json.loads(out)["card"]["training_scores"]["article_body"]["documents"] == 2
    assert len(seen[-1]) == 2 and seen[-1] == seen[-2] == sorted(seen[-1])
    code, _, err = run(capsys, "train", str(root), "--jobs", "1")
    assert "article-body F1 on 2 of the training documents" in err


def _rows_with_trafilatura(kept: list[float]) -> np.ndarray:
    rows = np.zeros((len(kept), len(FEATURES)))
    rows[:, FEATURES.index("traf")] = kept
    return rows


def test_the_article_run_keeps_trafilaturas_lines_inside_and_grows_over_those_at_its_edges() -> None:
    """ADR 34: the model's chosen rows bound the run; inside it a line trafilatura keeps
    stays; the run grows over trafilatura's lines after (and before) it down to EDGE_FLOOR,
    and stops at the first line trafilatura drops or the model rules out."""
    #        0    1    2    3    4    5    6    7     8    9
    kept = [1.0, 1.0, 1.0, 0.9, 1.0, 0.2, 1.0, 1.0, 1.0, 1.0]
    probs = [0.9, 0.1, 0.3, 0.8, 0.4, 0.1, 0.7, 0.25, 0.2, 0.15]
    got = article_rows(_rows_with_trafilatura(kept), np.array(probs))
    # Chosen: 0, 3 and 6. Inside 0..6, 1, 2 and 4 join (trafilatura's), 5 does not (0.2 of it
    # kept). After 6 the run grows over 7 and 8 (0.25 and 0.2: at least EDGE_FLOOR) and stops
    # at 9 (0.15).
    assert got.tolist() == [True, True, True, True, True, False, True, True, True, False]
    assert EDGE_FLOOR == 0.2
    # Without trafilatura's lines the model's own choice is the answer.
    alone = article_rows(_rows_with_trafilatura([0.0] * 10), np.array(probs))
    assert alone.tolist() == [p >= 0.5 for p in probs]
    # Nothing chosen: nothing grows.
    assert not article_rows(_rows_with_trafilatura(kept), np.full(10, 0.3)).any()
    # Another floor (bench_train_seeds.py chooses it inside each training side): 0.25 stops
    # the run after 7, 0.1 lets it take 9 too.
    assert article_rows(_rows_with_trafilatura(kept), np.array(probs), floor=0.25).tolist()[7:] == [True, False, False]
    assert article_rows(_rows_with_trafilatura(kept), np.array(probs), floor=0.1).tolist()[7:] == [True, True, True]


def test_the_article_run_grows_only_from_its_own_edges_in_each_document() -> None:
    kept = [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    probs = [0.3, 0.3, 0.3, 0.3, 0.9, 0.3, 0.3, 0.3]
    # Chosen: 4 alone. It grows to 3 and 5 and stops at 2 and 6 (dropped by trafilatura):
    # 0, 1 and 7 are trafilatura's too, but not next to the run.
    expected = [False, False, False, True, True, True, False, False]
    assert article_rows(_rows_with_trafilatura(kept), np.array(probs)).tolist() == expected
    text = "\n".join(f"line {i}" for i in range(8))
    documents = [
        DocFeatures(split_lines(text), list(range(8)), _rows_with_trafilatura(kept), ""),
        DocFeatures(split_lines("a\nb"), [0, 1], _rows_with_trafilatura([1.0, 1.0]), ""),
    ]
    # Stacked, the second document's chosen row would stretch the first one's run to its
    # end (row 7 would join): each document's run is made on its own rows.
    assert article_lines(documents, np.array([*probs, 0.3, 0.6])) == [expected, [True, True]]
