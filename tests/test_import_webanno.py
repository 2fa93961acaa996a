"""Importing WebAnno / INCEpTION TSV 3 files (tests/fixtures/foreign/webanno/).

Each test runs the real ``annotator import`` command and reads back what it saved: the
rebuilt text, the spans (stacked, multi-token, on sub-tokens, after an emoji counted in
UTF-16 units), the labels mapped with ``--label-map``, and what was reported as left out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus
from annotator.importers import webanno
from annotator.rules import sha256_text
from tests.cli_helpers import one_line_error, run

WEBANNO = Path(__file__).parent / "fixtures" / "foreign" / "webanno"
LABEL_MAP = WEBANNO / "label-map.json"

HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"


def saved(corpus: Corpus, annotator: str, doc_id: str) -> dict[str, Any]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    assert data.pop("updated_at")
    assert data.pop("time_spent_s") == 0
    return data


def spans(corpus: Corpus, annotator: str, doc_id: str) -> list[tuple[int, int, str, str]]:
    return [(s["start"], s["end"], s["label"], s["text"]) for s in saved(corpus, annotator, doc_id)["spans"]]


def everything(corpus: Corpus) -> list[str]:
    return sorted(p.relative_to(corpus.root).as_posix() for p in corpus.root.rglob("*"))


def write_tsv(folder: Path, name: str, body: str, header: str = HEADER) -> Path:
    path = folder / name
    path.write_text(header + body, "utf-8")
    return path


def test_stacked_and_multi_token_spans_with_a_label_map(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "import", str(corpus.root), str(WEBANNO / "samsung.tsv"),
        "--label-map", str(LABEL_MAP), "--annotator", "dana", "--json",
    )
    assert code == 0, err
    text = corpus.read_text("samsung")
    # Two #Text= lines, the second sentence's first token at 58: one line break between them.
    assert text == "Samsung Electronics chairman Lee Jae-yong visited Suwon .\nHe met workers there ."
    assert saved(corpus, "dana", "samsung") == {
        "schema_version": 1,
        "doc_id": "samsung",
        "text_sha256": sha256_text(text),
        "annotator": "dana",
        "status": "in_progress",
        "doc_labels": {},
        "spans": [
            # ORG[1] on 1-1 and 1-2: one span over both tokens; ORGpart[2] stacked on 1-1.
            {"id": "s1", "start": 0, "end": 19, "label": "ORG", "text": "Samsung Electronics", "attrs": {}},
            {"id": "s2", "start": 0, "end": 7, "label": "MISC", "text": "Samsung", "attrs": {}},
            {"id": "s3", "start": 29, "end": 41, "label": "PER", "text": "Lee Jae-yong", "attrs": {}},
            {"id": "s4", "start": 50, "end": 55, "label": "LOC", "text": "Suwon", "attrs": {}},
        ],
    }
    assert corpus.read_meta("samsung").extra == {"source_tool": "webanno"}
    # Relations, chains, POS tags and the identifier feature: counted, never dropped silently.
    assert json.loads(out)["not_imported"] == {
        "WebAnno POS annotation (a token-level layer)": 13,
        "WebAnno chain link (CoreferenceLink)": 2,
        "WebAnno relation (Affiliation)": 1,
        "attribute identifier (ORG has no such attribute)": 1,
    }
    assert f"{WEBANNO / 'samsung.tsv'}: not imported: 13 WebAnno POS annotation (a token-level layer); " in err


def test_emoji_before_spans_sub_tokens_and_escapes(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", str(corpus.root), str(WEBANNO / "emoji-byline.tsv"), "--annotator", "dana")
    assert code == 0, err
    text = corpus.read_text("emoji-byline")
    # "\t" unescaped; a sentence of two #Text= lines keeps its line break.
    assert text == "😀 Astronaut lands in Seoul\nBy Kim Min-ji\t(Yonhap | AP)\n🚀 launch at 9 a.m."
    # The file counts UTF-16 units (Astronaut at 3, "9" at 69): one less per emoji before.
    assert saved(corpus, "dana", "emoji-byline")["spans"] == [
        {"id": "s1", "start": 2, "end": 26, "label": "title", "text": "Astronaut lands in Seoul", "attrs": {}},
        # The agency feature (escaped "Yonhap \| AP") is the byline's agency attribute.
        {"id": "s2", "start": 27, "end": 40, "label": "byline", "text": "By Kim Min-ji", "attrs": {"agency": "Yonhap | AP"}},
        {"id": "s3", "start": 34, "end": 37, "label": "PER", "text": "Min", "attrs": {}},
        {"id": "s4", "start": 67, "end": 73, "label": "date", "text": "9 a.m.", "attrs": {}},
    ]
    assert (
        f"{WEBANNO / 'emoji-byline.tsv'}: 1 span(s) on sub-tokens imported at the sub-tokens' offsets "
        "(Zone 'PER' on 2-3.1)"
    ) in err.splitlines()


def test_an_unmapped_label_stops_before_anything_is_written(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inception-export"
    inputs.mkdir()
    shutil.copy(WEBANNO / "samsung.tsv", inputs)
    shutil.copy(WEBANNO / "emoji-byline.tsv", inputs)  # all known labels: still not written
    before = everything(corpus)
    code, out, err = run(capsys, "import", str(corpus.root), str(inputs))
    assert code == 2
    template = tmp_path / "inception-export.label-map.json"
    assert one_line_error(err).startswith(
        "annotator: 3 label(s) of the input are not in the corpus scheme: 'GPE' (1), 'ORGpart' (1), 'PERSON' (1); "
        f"nothing was imported; a label map to fill in was written to {template}"
    )
    assert out == ""
    assert everything(corpus) == before
    assert json.loads(template.read_text("utf-8")) == {"GPE": "LOC", "ORGpart": "", "PERSON": "PER"}


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("#FORMAT=WebAnno TSV 2\n" + HEADER[24:] + "#Text=Kim\n1-1\t0-3\tKim\tPER\n", 1,
         "not a WebAnno TSV 3 file: the first line is '#FORMAT=WebAnno TSV 2', expected '#FORMAT=WebAnno TSV 3.x'"),
        (HEADER + "#Text=Kim met Lee\n1-1\t0-3\tKim\tPER\n1-2\t4-7\tmet\n1-3\t8-11\tLee\tPER\n", 7,
         "expected 4 tab-separated columns (id, offsets, token and the 1 the header declares), found 3"),
        (HEADER + "#Text=Kim met\n1-1\t0-3\tKim\tPER\tX\textra\n", 6,
         "expected 4 tab-separated columns (id, offsets, token and the 1 the header declares), found 6"),
        (HEADER + "#Text=Kim met\n1-1\tzero-3\tKim\tPER\n", 6, "'zero-3' is not a token's offsets (BEGIN-END)"),
        (HEADER + "1-1\t0-3\tKim\tPER\n", 5, "token 1-1 before any #Text= line of its sentence"),
    ],
)
def test_a_malformed_file_is_one_line_naming_the_file_and_line(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, line: int, message: str
) -> None:
    path = tmp_path / "broken.tsv"
    path.write_text(content, "utf-8")
    good = write_tsv(tmp_path, "good.tsv", "#Text=Lee spoke\n1-1\t0-3\tLee\tPER\t\n1-2\t4-9\tspoke\t_\t\n")
    code, _, err = run(capsys, "import", str(corpus.root), str(path), str(good))
    assert code == 1
    assert "Traceback" not in err
    assert [e for e in err.splitlines() if "broken.tsv" in e] == [f"{path}:{line}: {message}"]
    # The broken file brings nothing; the good one beside it still imports.
    assert corpus.doc_ids() == ["good"]
    assert spans(corpus, "imported", "good") == [(0, 3, "PER", "Lee")]


def test_a_span_whose_token_is_not_at_its_offsets_is_reported_never_shifted(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "Seoul" is declared at 9-14 but sits at 8-13: its span is not placed anywhere.
    path = write_tsv(tmp_path, "shifted.tsv", (
        "#Text=Kim in Seoul\n"
        "1-1\t0-3\tKim\tPER\t\n"
        "1-2\t4-6\tin\t_\t\n"
        "1-3\t9-14\tSeoul\tLOC\t\n"
    ))
    code, _, err = run(capsys, "import", str(corpus.root), str(path))
    assert code == 1
    assert f"{path}:8: NamedEntity 'LOC' on 1-3: token 1-3 'Seoul' at 9-14 ends past the text (12 UTF-16 units); not imported" in err.splitlines()
    assert spans(corpus, "imported", "shifted") == [(0, 3, "PER", "Kim")]


def test_a_token_that_does_not_match_the_text_is_reported(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Offsets counted in code points by some other writer: after the emoji they miss by one.
    path = write_tsv(tmp_path, "codepoints.tsv", "#Text=😀 Kim\n1-1\t0-1\t😀\t_\t\n1-2\t2-5\tKim\tPER\t\n")
    code, _, err = run(capsys, "import", str(corpus.root), str(path))
    assert code == 1
    assert f"{path}:7: NamedEntity 'PER' on 1-2: token 1-2 'Kim' is not the text at 2-5: ' Ki'; not imported" in err.splitlines()
    assert not corpus.annotation_path("imported", "codepoints").exists()


def test_sentences_joined_as_inception_rebuilds_them(tmp_path: Path) -> None:
    # The second sentence starts right after the first (no line break), the third 3 units
    # after the second ends (its line break kept, spaces fill the rest: the format cannot
    # record the text between sentences).
    path = write_tsv(tmp_path, "s.tsv", (
        "#Text=Kim.\n1-1\t0-3\tKim\tPER\t\n1-2\t3-4\t.\t_\t\n\n"
        "#Text=Lee\n2-1\t4-7\tLee\tPER\t\n\n"
        "#Text=Park\\\\Choi\n3-1\t10-19\tPark\\Choi\t*\t\n"
    ))
    doc = webanno.parse(path, path.read_bytes())
    assert doc.text == "Kim.Lee\n  Park\\Choi"
    assert [(s.start, s.end, s.label) for s in doc.annotations[0].spans] == [
        (0, 3, "PER"), (4, 7, "PER"), (10, 19, "NamedEntity"),  # "*": the layer's name
    ]


def test_escaped_values_and_stacks(tmp_path: Path) -> None:
    header = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Tag|note|value\n\n\n"
    path = write_tsv(tmp_path, "e.tsv", (
        "#Text=Kim Lee\n"
        "1-1\t0-3\tKim\ta\\|b\\_c\\[1\\][1]|\\*[2]\tPER[1]|X\\[2\\]\\->y[2]\t\n"
        "1-2\t4-7\tLee\ta\\|b\\_c\\[1\\][1]\tPER[1]\t\n"
    ), header)
    doc = webanno.parse(path, path.read_bytes())
    assert [(s.start, s.end, s.label, s.attrs) for s in doc.annotations[0].spans] == [
        (0, 7, "PER", {"note": "a|b_c[1]"}),
        (0, 3, "X[2]->y", {"note": "*"}),
    ]


def test_other_tsv_files_and_other_formats(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scores.tsv").write_text("id\tscore\n1\t0.5\n", "utf-8")
    write_tsv(folder, "kim.tsv", "#Text=Kim\n1-1\t0-3\tKim\tPER\t\n")
    code, _, err = run(capsys, "import", str(corpus.root), str(folder))
    assert code == 0, err
    assert f"{folder / 'scores.tsv'}: skipped: not a WebAnno TSV 3 file (its first line is not '#FORMAT=WebAnno TSV 3.x')" in err
    assert spans(corpus, "imported", "kim") == [(0, 3, "PER", "Kim")]
    # --from another tool leaves .tsv files alone; given by name, a non-WebAnno .tsv is a problem.
    code, _, err = run(capsys, "import", str(corpus.root), str(folder / "kim.tsv"), "--from", "brat")
    assert f"{folder / 'kim.tsv'}: skipped: a .tsv file (--from brat)" in err
    code, _, err = run(capsys, "import", str(corpus.root), str(folder / "scores.tsv"), "--from", "webanno")
    assert code == 1
    assert f"{folder / 'scores.tsv'}:1: not a WebAnno TSV 3 file (its first line is not '#FORMAT=WebAnno TSV 3.x')" in err


def test_tsv_3_1_text_uses_java_escapes(tmp_path: Path) -> None:
    # Before 3.2 INCEpTION wrote the #Text= lines with Java string escapes.
    header = "#FORMAT=WebAnno TSV 3.1\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
    path = write_tsv(tmp_path, "old.tsv", "#Text=Caf\\u00e9 \\\"Kim\\\"\n1-1\t0-4\tCafé\t_\t\n1-2\t5-10\t\"Kim\"\tPER\t\n", header)
    doc = webanno.parse(path, path.read_bytes())
    assert doc.text == 'Café "Kim"'
    assert [(s.start, s.end, s.label) for s in doc.annotations[0].spans] == [(5, 10, "PER")]
