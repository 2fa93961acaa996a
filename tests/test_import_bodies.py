"""``annotator import --bodies FILE``: gold from existing article bodies, on real pages.

The pages and bodies are four real pages of the article-extraction benchmark and their
ground truth (``tests/fixtures/bodies/``, see its README): every expectation below is what
the saved annotation files, the export's clean text and the ``--json`` report hold.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.default_scheme import news_scheme
from annotator.export.records import build_record, entity_labels, main_article_text
from annotator.importers.bodies import align
from tests.cli_helpers import one_line_error, run

FIXTURES = Path(__file__).parent / "fixtures" / "bodies"
PAGES = FIXTURES / "html"
TRUTH = FIXTURES / "ground-truth.json"
BODIES: dict[str, str] = {k: v["articleBody"] for k, v in json.loads(TRUTH.read_text("utf-8")).items()}

TITAN = "359fee228518d55b921194561e9ca88e428df81940246f8fac7a75398377daea"  # one caption inside
DMEXCO = "ba07d1e64775f4090e39116c382111f5a2cfe9528dd179673f4e9bfcea370c15"  # two lines inside
KINDLE = "f105de6e63ca91ea482f60193f6252092557f969f2fd128ff68c0d4d6b90dd7d"  # Japanese
OMAR = "6ebac05f637ece8aa57c298a2a5e3a8047f546f855d0f29cc683cea60ce85c85"  # hover cards


def squeeze(text: str) -> str:
    return "".join(text.split())


def new_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str], scheme: Path | None = None) -> Path:
    root = tmp_path / "corpus"
    extra = ["--scheme", str(scheme)] if scheme else []
    assert run(capsys, "new", str(root), *extra)[0] == 0
    return root


def import_bodies(
    capsys: pytest.CaptureFixture[str], root: Path, *options: str, pages: Path = PAGES, truth: Path = TRUTH
) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "import", str(root), str(pages), "--bodies", str(truth), *options, "--json")
    return code, json.loads(out), err


def gold(root: Path, doc_id: str, annotator: str = "gold") -> dict:
    folder = root / "gold" if annotator == "gold" else root / "annotations" / annotator
    return json.loads((folder / f"{doc_id}.json").read_text("utf-8"))


def line_numbers(text: str, start: int, end: int) -> tuple[int, int]:
    return text.count("\n", 0, start), text.count("\n", 0, end)


def test_saved_spans_are_the_body_lines_and_the_lines_inside_that_are_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = new_corpus(tmp_path, capsys)
    code, report, _ = import_bodies(capsys, root)
    assert code == 0
    assert report["imported"] == 4 and report["annotations"] == 4
    corpus = Corpus.open(root)

    text = corpus.read_text(TITAN)
    saved = gold(root, TITAN)
    assert (saved["status"], saved["annotator"], saved["doc_labels"]) == ("done", "gold", {"page_type": "article"})
    assert [(s["label"], s["start"], s["end"], s["attrs"]) for s in saved["spans"]] == [
        ("article", 565, 3642, {"role": "main"}),
        ("boilerplate", 1762, 1824, {"kind": "other"}),  # the scheme's default kind
    ]
    article, caption = saved["spans"]
    assert line_numbers(text, article["start"], article["end"]) == (50, 80)
    assert article["text"].startswith("WASHINGTON (Reuters) - Scientists on Monday unveiled")
    assert BODIES[TITAN].startswith("WASHINGTON (Reuters) - Scientists on Monday unveiled")
    assert line_numbers(text, caption["start"], caption["end"]) == (60, 60)
    assert caption["text"] == "The first global geologic map of Titan. (NASA/JPL-Caltech/ASU)"
    assert caption["text"] not in BODIES[TITAN]

    text = corpus.read_text(DMEXCO)
    spans = gold(root, DMEXCO)["spans"]
    assert [(s["label"], s["start"], s["end"]) for s in spans] == [("article", 116, 3086), ("boilerplate", 1897, 2028)]
    assert line_numbers(text, 116, 3086) == (6, 30)
    assert line_numbers(text, 1897, 2028) == (21, 22)  # one span for the two lines in a row
    assert spans[1]["text"].split("\n") == [
        "Wir laden Sie herzlich ein, uns am Stand zu besuchen.",
        "Vereinbaren Sie am besten direkt einen Termin, damit wir uns nicht verpassen.",
    ]

    # The first line of this body is buried in a link's hover card: the article starts at
    # the first line that is body, and a body line swamped by hover cards is cut.
    text = corpus.read_text(OMAR)
    spans = gold(root, OMAR)["spans"]
    assert [(s["label"], s["start"], s["end"]) for s in spans] == [
        ("article", 2435, 5067), ("boilerplate", 2914, 2927), ("boilerplate", 3670, 4316),
    ]
    assert spans[1]["text"] == "ADVERTISEMENT"
    assert spans[2]["text"].startswith("Rep. Alexandria Ocasio-CortezAlexandria Ocasio-CortezSanders")
    assert [(s["label"], s["start"], s["end"]) for s in gold(root, KINDLE)["spans"]] == [("article", 174, 1287)]
    # Saved through the one validating path: validate finds nothing.
    assert run(capsys, "validate", str(root))[0] == 0


def test_the_exported_clean_text_reproduces_the_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_corpus(tmp_path, capsys)
    import_bodies(capsys, root)
    corpus = Corpus.open(root)
    names = entity_labels(corpus.scheme)
    clean = {}
    for doc_id in BODIES:
        loaded = corpus.load_annotation("gold", doc_id)
        assert loaded is not None
        record = build_record(doc_id, corpus.read_text(doc_id), None, loaded.annotation, "gold", names)
        clean[doc_id] = main_article_text(record["articles"], "clean_text")
    for doc_id in (TITAN, DMEXCO, KINDLE):
        assert squeeze(clean[doc_id]) == squeeze(BODIES[doc_id]), doc_id
    # Whole lines cannot give this one exactly (hover cards inside its sentences).
    assert squeeze(clean[OMAR]) != squeeze(BODIES[OMAR])
    assert "Ilhan OmarIlhan OmarHillicon Valley" not in clean[OMAR]


def test_json_reports_the_benchmark_f1_of_each_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_corpus(tmp_path, capsys)
    code, report, err = import_bodies(capsys, root)
    assert code == 0
    bodies = report["bodies"]
    by_id = {r["id"]: r for r in bodies["results"]}
    assert {k: (r["f1"], r["precision"], r["recall"], r["exact"]) for k, r in by_id.items()} == {
        TITAN: (1.0, 1.0, 1.0, True),
        DMEXCO: (1.0, 1.0, 1.0, True),
        # Only spaces differ between page and body ("Kindle for PC" against "Kindle for
        # PC" glued to the Japanese), which merges \w+ tokens: the benchmark's F1 is low, the
        # page is exact but for white space and is annotated.
        KINDLE: (0.8462, 0.8684, 0.825, True),
        OMAR: (0.9135, 0.9912, 0.8471, False),
    }
    assert all(r["annotated"] and r["status"] == "done" and r["reason"] is None for r in by_id.values())
    assert by_id[TITAN]["article"] == [565, 3642] and by_id[TITAN]["boilerplate"] == [[1762, 1824]]
    assert (by_id[TITAN]["body_lines"], by_id[TITAN]["boilerplate_lines"]) == (15, 1)
    assert by_id[TITAN]["doc_id"] == TITAN
    assert {k: bodies[k] for k in ("file", "annotator", "status", "min_f1", "pages", "annotated", "exact",
                                   "left_out", "f1_median", "f1_lowest")} == {
        "file": str(TRUTH), "annotator": "gold", "status": "done", "min_f1": 0.9, "pages": 4,
        "annotated": 4, "exact": 3, "left_out": 0, "f1_median": 0.9568, "f1_lowest": 0.8462,
    }
    assert bodies["ids_not_imported"] == [] and bodies["imported_without_body"] == []
    assert f"{PAGES / OMAR}.html.gz: body aligned with F1 0.914; done for gold" in err
    assert "bodies: 4 of 4 page(s) annotated, 0 left out; F1 median 0.957, lowest 0.846" in err


def test_a_page_under_the_threshold_is_imported_without_annotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = new_corpus(tmp_path, capsys)
    code, report, err = import_bodies(capsys, root, "--min-f1", "0.95")
    assert code == 0 and report["imported"] == 4 and report["annotations"] == 3
    omar = next(r for r in report["bodies"]["results"] if r["id"] == OMAR)
    assert (omar["annotated"], omar["status"], omar["f1"]) == (False, None, 0.9135)
    assert omar["reason"] == "aligned with F1 0.914, below --min-f1 0.95"
    assert f"{PAGES / OMAR}.html.gz: body aligned with F1 0.914; left unannotated: " \
           "aligned with F1 0.914, below --min-f1 0.95" in err
    assert not (root / "gold" / f"{OMAR}.json").exists()
    assert (root / "documents" / f"{OMAR}.txt").exists()  # the page itself is imported
    assert report["bodies"]["left_out"] == 1
    # Exact but for white space: annotated whatever its F1.
    assert (root / "gold" / f"{KINDLE}.json").exists()


def test_ids_without_a_page_and_pages_without_a_body_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = new_corpus(tmp_path, capsys)
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps({TITAN: {"articleBody": BODIES[TITAN]}, "no-such-page": {"articleBody": "x"}}))
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / f"{TITAN}.html.gz").write_bytes((PAGES / f"{TITAN}.html.gz").read_bytes())
    (pages / "notes.txt").write_text("A page nobody wrote a body for.\n")
    code, report, err = import_bodies(capsys, root, pages=pages, truth=truth)
    assert code == 0 and report["imported"] == 2 and report["annotations"] == 1
    assert report["bodies"]["ids_not_imported"] == ["no-such-page"]
    assert report["bodies"]["imported_without_body"] == [{"doc_id": "notes", "source": str(pages / "notes.txt")}]
    assert f"{truth}: 1 id(s) with a body but no imported page: no-such-page" in err
    assert f"1 imported page(s) have no body in {truth}: {pages / 'notes.txt'}" in err
    assert sorted(os.listdir(root / "gold")) == [f"{TITAN}.json"]


def test_pages_already_in_the_corpus_get_their_gold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_corpus(tmp_path, capsys)
    assert run(capsys, "import", str(root), str(PAGES))[0] == 0
    code, report, _ = import_bodies(capsys, root)
    assert code == 0 and report["imported"] == 0 and report["skipped_duplicates"] == 4
    assert report["annotations"] == 4 and report["bodies"]["annotated"] == 4
    assert [(s["start"], s["end"]) for s in gold(root, TITAN)["spans"]] == [(565, 3642), (1762, 1824)]
    # Again: the same spans are there already, nothing is written or refused.
    code, report, _ = import_bodies(capsys, root)
    assert code == 0 and report["annotations"] == 0 and report["bodies"]["annotated"] == 4


def test_as_and_status_choose_the_owner_and_the_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_corpus(tmp_path, capsys)
    code, report, _ = import_bodies(capsys, root, "--as", "alice", "--status", "in_progress")
    assert code == 0 and report["annotations"] == 4
    saved = gold(root, TITAN, "alice")
    assert (saved["annotator"], saved["status"]) == ("alice", "in_progress")
    assert not (root / "gold").exists() or not os.listdir(root / "gold")


def test_done_only_when_the_rules_allow_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scheme whose "done" needs a document label the bodies cannot give: the annotation
    is written in progress, with the done rule's reason."""
    scheme = news_scheme()
    data = scheme.model_dump()
    data["doc_labels"].append({"name": "topic", "values": ["science", "politics"], "description": ""})
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data))
    root = new_corpus(tmp_path, capsys, scheme=path)
    code, report, err = import_bodies(capsys, root)
    assert code == 0 and report["annotations"] == 4
    titan = next(r for r in report["bodies"]["results"] if r["id"] == TITAN)
    assert (titan["annotated"], titan["status"]) == (True, "in_progress")
    assert titan["reason"].startswith("not done: ") and "document label 'topic' is not set" in titan["reason"]
    assert gold(root, TITAN)["status"] == "in_progress"
    assert "in_progress for gold (not done: " in err


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": {"articleBody": "caf\xe9"}}', "not UTF-8: byte 26 (0xe9)"),
        (b'[{"articleBody": "x"}]', 'expected an object {id: {"articleBody": "..."}}, got an array'),
        (b'{"a": "the body"}', "'a' is a string, not an object with 'articleBody'"),
        (b'{"a": {"url": "https://example.com"}}', "'a' has no 'articleBody'"),
        (b'{"a": {"articleBody": 3}}', "'a' 'articleBody' is a number, not a string"),
        (b"{}", "holds no pages"),
    ],
)
def test_a_bad_file_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str
) -> None:
    root = new_corpus(tmp_path, capsys)
    before = _tree(root)
    bad = tmp_path / "truth.json"
    bad.write_bytes(content)
    code, out, err = run(capsys, "import", str(root), str(PAGES), "--bodies", str(bad))
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert line.startswith(f"annotator: {bad}: ") and problem in line
    assert _tree(root) == before


def test_a_missing_file_and_options_without_bodies_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = new_corpus(tmp_path, capsys)
    before = _tree(root)
    code, _, err = run(capsys, "import", str(root), str(PAGES), "--bodies", str(tmp_path / "none.json"))
    assert code == 2 and one_line_error(err).startswith(f"annotator: {tmp_path / 'none.json'}: cannot read")
    code, _, err = run(capsys, "import", str(root), str(PAGES), "--as", "alice", "--min-f1", "0.5")
    assert code == 2 and "--as, --min-f1 only go with --bodies FILE.json" in one_line_error(err)
    code, _, err = run(capsys, "import", str(root), str(PAGES), "--bodies", str(TRUTH), "--min-f1", "1.5")
    assert code == 2 and "--min-f1 must be from 0 to 1, not 1.5" in one_line_error(err)
    code, out, err = run(capsys, "import", str(root), str(PAGES), "--bodies", str(TRUTH), "--as", "../x", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "usage"
    assert _tree(root) == before


def test_alignment_ignores_white_space_differences() -> None:
    text = (
        "Home\u00a0|\u00a0News\n"
        "The  first\u00a0paragraph, with   odd spacing\n"
        "and a line break the body does not have.\n"
        "Photo: a caption\n"
        "Second para\u00adgraph \u201cquoted\u201d \u2014 done.\n"
        "Share this\n"
    )
    body = "The first paragraph, with odd spacing and a line break the body does not have.\n\n" \
           "Second paragraph \"quoted\" - done."
    found = align(text, body)
    lines = text.split("\n")
    assert found.article == (text.index("The  first"), text.index("done.") + len("done."))
    assert found.boilerplate == [(text.index("Photo"), text.index("Photo") + len(lines[3]))]
    assert (found.body_lines, found.boilerplate_lines) == (3, 1)
    # What the page holds, not the body's spelling: the soft hyphen and the curly quotes
    # stay (so the benchmark's tokens differ), and nothing of the menu or the caption.
    assert found.clean_text == "\n".join(lines[1:3]) + "\n\n" + lines[4]


def test_alignment_prefers_the_article_over_a_teaser_repeating_its_first_sentence() -> None:
    first = "Rain fell on the city for the ninth day running on Monday."
    rest = [f"Paragraph {n} tells more of the story with words of its own number {n}." for n in range(8)]
    text = "\n".join(["Menu", f"Top story: {first}", "More news", first, *rest, "Footer"])
    found = align(text, "\n\n".join([first, *rest]))
    assert found.article is not None
    assert text[found.article[0] :].startswith(first + "\n")  # the article, not the teaser
    assert found.boilerplate == [] and found.score.f1 == 1.0


def test_alignment_of_a_one_megabyte_page_takes_linear_time() -> None:
    words = [f"w{n}" for n in range(5000)]
    body_lines = [" ".join(words[(n * 7) % 4990 : (n * 7) % 4990 + 9]) + f" p{n}." for n in range(2000)]
    noise = [f"menu item {n % 50} link {n % 13} of the site" for n in range(40000)]
    text = "\n".join(noise[:20000] + body_lines + noise[20000:])
    assert len(text) > 1_000_000
    start = time.perf_counter()
    found = align(text, "\n\n".join(body_lines))
    took = time.perf_counter() - start
    assert found.score.f1 == 1.0 and found.body_lines == 2000
    # A quadratic alignment takes hours here; this one about a second on a slow machine.
    assert took < 15, took


def test_a_jsonl_line_is_matched_by_its_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_corpus(tmp_path, capsys)
    html = gzip.decompress((PAGES / f"{DMEXCO}.html.gz").read_bytes()).decode("utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "crawl.jsonl").write_text(json.dumps({"id": DMEXCO, "html": html}) + "\n", "utf-8")
    code, report, _ = import_bodies(capsys, root, pages=pages)
    assert code == 0 and report["bodies"]["annotated"] == 1
    assert [(s["label"], s["start"], s["end"]) for s in gold(root, DMEXCO)["spans"]] == [
        ("article", 116, 3086), ("boilerplate", 1897, 2028),
    ]
    assert report["bodies"]["results"][0]["source"] == f"{pages / 'crawl.jsonl'}:1"
