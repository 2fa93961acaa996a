"""``annotator evaluate``: the benchmark metric on hand-counted shingles, bad lines, gold bodies."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.model import Span
from tests.test_export import add_doc, annotate, seed_spans

# Doc c: two main articles (the first with an ad inside) and a related teaser.
TEXT_C = "Alpha one two three\nAD buy now\nfour five\n\nBeta six seven eight nine\n\nTeaser zed\n"


def _span(text: str, sid: str, needle: str, label: str, **attrs: str) -> Span:
    start = text.index(needle)
    return Span(id=sid, start=start, end=start + len(needle), label=label, text=needle, attrs=attrs)


def whole_article(text: str) -> list[Span]:
    body = text.rstrip("\n")
    return [
        Span(id="a1", start=0, end=len(body), label="article", text=body, attrs={"role": "main"})
    ]


@pytest.fixture
def scored_corpus(corpus: Corpus) -> Corpus:
    add_doc(corpus, "a", "one two three four five six\n", "https://a.example/")
    annotate(corpus, "a", whole_article("one two three four five six\n"))
    add_doc(corpus, "b", "alpha beta\n", "https://b.example/")
    annotate(corpus, "b", whole_article("alpha beta\n"))
    add_doc(corpus, "c", TEXT_C, None)
    annotate(
        corpus,
        "c",
        [
            _span(
                TEXT_C, "a1", "Alpha one two three\nAD buy now\nfour five", "article", role="main"
            ),
            _span(TEXT_C, "b1", "AD buy now\n", "boilerplate", kind="advertisement"),
            _span(TEXT_C, "a2", "Beta six seven eight nine", "article", role="main"),
            _span(TEXT_C, "a3", "Teaser zed", "article", role="related"),
        ],
    )
    add_doc(corpus, "d", "la la la la la\n", None)
    annotate(corpus, "d", whole_article("la la la la la\n"))
    add_doc(corpus, "todo", "not finished yet at all\n", None)
    annotate(corpus, "todo", whole_article("not finished yet at all\n"), status="in_progress")
    return corpus


def write_predictions(path: Path, lines: list[object]) -> Path:
    path.write_bytes(
        b"\n".join(line if isinstance(line, bytes) else orjson.dumps(line) for line in lines)
        + b"\n"
    )
    return path


def evaluate_json(
    corpus: Corpus, predictions: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["evaluate", str(corpus.root), "--predictions", str(predictions), "--json"])
    return code, orjson.loads(capsys.readouterr().out)


def test_scores_match_hand_counted_shingles(
    scored_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    predictions = write_predictions(
        tmp_path / "p.jsonl",
        [
            # a: gold shingles {1234, 2345, 3456}; predicted {1234, 2345, 345-seven}: TP 2 FP 1 FN 1
            {"id": "a", "articleBody": "one two three four five seven"},
            # b: no prediction. Gold "alpha beta" is one shingle: TP 0 FP 0 FN 1
            # c: gold is both main articles, ad cut, joined: 11 tokens = 8 shingles; the
            #    prediction adds the teaser: 13 tokens = 10 shingles: TP 8 FP 2 FN 0
            {
                "id": "c",
                "articleBody": "Alpha one two three four five Beta six seven eight nine Teaser zed",
            },
            # d: gold "la la la la" twice (a multiset), predicted once: TP 1 FP 0 FN 1
            {"id": "d", "articleBody": "la la la la"},
        ],
    )
    code, report = evaluate_json(scored_corpus, predictions, capsys)
    assert code == 0
    docs = {d["id"]: d for d in report["per_document"]}
    assert set(docs) == {"a", "b", "c", "d"}  # "todo" is not finished: not scored
    assert [(docs[k]["tp"], docs[k]["fp"], docs[k]["fn"]) for k in "abcd"] == [
        (2, 1, 1),
        (0, 0, 1),
        (8, 2, 0),
        (1, 0, 1),
    ]
    assert docs["a"]["precision"] == pytest.approx(2 / 3) and docs["a"]["recall"] == pytest.approx(
        2 / 3
    )
    assert docs["b"]["precision"] is None and docs["b"]["recall"] == 0.0 and docs["b"]["f1"] == 0.0
    assert docs["b"]["predicted"] is False
    assert docs["c"]["precision"] == pytest.approx(0.8) and docs["c"]["recall"] == 1.0
    assert docs["d"]["precision"] == 1.0 and docs["d"]["recall"] == 0.5
    # The benchmark's averages: precision over a, c, d (b predicted nothing); recall over all four.
    precision = (Fraction(2, 3) + Fraction(4, 5) + 1) / 3
    recall = (Fraction(2, 3) + 0 + 1 + Fraction(1, 2)) / 4
    assert precision == Fraction(37, 45) and recall == Fraction(13, 24)
    assert report["precision"] == pytest.approx(37 / 45)
    assert report["recall"] == pytest.approx(13 / 24)
    assert report["f1"] == pytest.approx(962 / 1473)  # 2PR / (P + R), by hand
    assert report["missing"] == ["b"]
    assert report["documents"] == 4
    assert [x["id"] for x in report["not_scored"]] == ["todo"]


def test_perfect_predictions_score_one(
    scored_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = {
        "a": "one two three four five six",
        "b": "alpha beta",
        "c": "Alpha one two three\nfour five\n\nBeta six seven eight nine",
        "d": "la la la la la",
    }
    predictions = write_predictions(
        tmp_path / "p.jsonl", [{"id": k, "articleBody": v} for k, v in bodies.items()]
    )
    code, report = evaluate_json(scored_corpus, predictions, capsys)
    assert code == 0
    assert (report["precision"], report["recall"], report["f1"]) == (1.0, 1.0, 1.0)


def test_bad_prediction_lines_are_reported_with_line_numbers(
    scored_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    predictions = write_predictions(
        tmp_path / "p.jsonl",
        [
            {"id": "a", "articleBody": "one two three four five six"},
            b"{not json",
            {"id": "b"},
            b"[1, 2]",
            {"id": "a", "articleBody": "again"},
            {"id": "ghost", "articleBody": "no such document"},
            {"articleBody": "no id"},
        ],
    )
    code, report = evaluate_json(scored_corpus, predictions, capsys)
    assert code == 1
    assert [b["line"] for b in report["bad_lines"]] == [2, 3, 4, 5, 7]
    assert "not valid JSON" in report["bad_lines"][0]["message"]
    assert "articleBody" in report["bad_lines"][1]["message"]
    assert "first on line 1" in report["bad_lines"][3]["message"]
    assert report["unknown"] == ["ghost"]
    docs = {d["id"]: d for d in report["per_document"]}
    assert docs["a"]["recall"] == 1.0  # the first line for "a" is the one kept

    capsys.readouterr()
    assert main(["evaluate", str(scored_corpus.root), "--predictions", str(predictions)]) == 1
    captured = capsys.readouterr()
    assert f"{predictions}:2: not valid JSON" in captured.err
    assert f"{predictions}:3:" in captured.err
    table = captured.out.splitlines()
    assert table[0].split()[:4] == ["document", "precision", "recall", "f1"]
    assert table[-1].startswith("overall")
    assert any(line.startswith("b ") and "(no prediction)" in line for line in table)


def test_missing_predictions_file_is_a_usage_error(scored_corpus: Corpus, tmp_path: Path) -> None:
    assert (
        main(["evaluate", str(scored_corpus.root), "--predictions", str(tmp_path / "none.jsonl")])
        == 2
    )


def test_seed_page_gold_body_is_the_article_body(
    seed_corpus: Corpus, seed_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(seed_corpus, "seed", seed_spans(seed_text))
    # The whole page as the prediction. The gold body lacks the photo caption and the header
    # parts, so the only gold shingles the page misses are the 4-grams that bridge a cut: three
    # across the caption ("밝혔다 | 체결식에는 LG전자 CTO" ...), one across the date
    # ("기사입력 | 최종수정 2020년06월03일 09") and three across the byline ("09 05 | LG전자가
    # KT" ...); the boilerplate around lowers precision.
    predictions = write_predictions(
        tmp_path / "p.jsonl", [{"id": "seed", "articleBody": seed_text}]
    )
    code, report = evaluate_json(seed_corpus, predictions, capsys)
    (doc,) = report["per_document"]
    assert code == 0
    assert doc["fn"] == 7
    assert doc["recall"] == doc["tp"] / (doc["tp"] + 7)
    assert 0.0 < doc["precision"] < 0.5  # the related-links box is longer than the article


def test_the_command_and_the_scoring_tool_average_the_same_way() -> None:
    """One averaging rule (annotator.evaluate.overall_scores) for `annotator evaluate` and
    tools/score_suggestions.py: documents the benchmark leaves out are left out of the mean."""
    from annotator.commands.evaluate import overall
    from annotator.evaluate import DocScore, average_scores, overall_scores

    docs = {
        "a": DocScore(tp=3, fp=1, fn=0),  # precision 0.75, recall 1
        "b": DocScore(tp=0, fp=0, fn=4),  # nothing predicted: left out of precision; recall 0
        "c": DocScore(tp=1, fp=1, fn=1),  # 0.5, 0.5
        "d": DocScore(tp=0, fp=2, fn=0),  # empty gold body: left out of recall; precision 0
    }
    precision, recall, f1 = overall_scores(docs)
    assert precision == pytest.approx((0.75 + 0.5 + 0.0) / 3)
    assert recall == pytest.approx((1.0 + 0.0 + 0.5) / 3)
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert overall(docs) == {"precision": precision, "recall": recall, "f1": f1}
    assert average_scores(docs) == (precision, recall, f1)
    assert overall_scores({"e": DocScore(0, 0, 0)}) == (None, None, None)
    assert average_scores({"e": DocScore(0, 0, 0)}) == (0.0, 0.0, 0.0)


TEXT_H = "Headline words here now\nBy Jane Doe\none two three four five\n"


def test_the_gold_is_the_body_without_header_lines_unless_asked(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Title and byline are parts inside the article (never boilerplate): the clean text keeps
    # them, the body (what the benchmark's bodies hold) does not.
    add_doc(corpus, "h", TEXT_H, None)
    annotate(
        corpus,
        "h",
        [
            *whole_article(TEXT_H),
            _span(TEXT_H, "t", "Headline words here now", "title"),
            _span(TEXT_H, "y", "By Jane Doe", "byline"),
        ],
    )
    predictions = write_predictions(
        tmp_path / "p.jsonl", [{"id": "h", "articleBody": "one two three four five"}]
    )
    code, report = evaluate_json(corpus, predictions, capsys)
    (doc,) = report["per_document"]
    assert code == 0 and report["against"] == "body"
    # Body "one two three four five": 2 shingles, both predicted.
    assert (doc["tp"], doc["fp"], doc["fn"]) == (2, 0, 0)

    capsys.readouterr()
    code = main(
        ["evaluate", str(corpus.root), "--predictions", str(predictions), "--json",
         "--against", "clean_text"]
    )
    (doc,) = orjson.loads(capsys.readouterr().out)["per_document"]
    # Clean text: 4 + 3 + 5 = 12 tokens, 9 shingles; the prediction's 2 are among them.
    assert code == 0 and (doc["tp"], doc["fp"], doc["fn"]) == (2, 0, 7)
