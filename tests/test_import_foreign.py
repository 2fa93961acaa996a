"""Importing other tools' exports: doccano, Label Studio and brat (tests/fixtures/foreign/).

Each test imports a realistic export through the real ``annotator import`` command and
reads back the saved annotation files: offsets (code points after the text's
normalisation), labels (mapped with ``--label-map``), annotator folders (Label Studio's
``completed_by``), suggestions (Label Studio's ``predictions``), and what was left out.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.importers.foreign import Utf16Offsets
from annotator.importers.importer import UnknownLabelsError
from annotator.rules import sha256_text
from annotator.validate import validate_corpus
from tests.cli_helpers import one_line_error, run

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"


def saved(corpus: Corpus, annotator: str, doc_id: str) -> dict[str, Any]:
    """The annotation file as written, without the time it was written (and with no active
    time counted: an import is nobody's work in this tool)."""
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    assert data.pop("updated_at")
    assert data.pop("time_spent_s") == 0
    return data


def spans(corpus: Corpus, annotator: str, doc_id: str) -> list[tuple[int, int, str, str]]:
    return [(s["start"], s["end"], s["label"], s["text"]) for s in saved(corpus, annotator, doc_id)["spans"]]


def annotation_files(corpus: Corpus) -> list[str]:
    return sorted(p.relative_to(corpus.annotations_dir).as_posix() for p in corpus.annotations_dir.rglob("*.json"))


def copy_fixture(name: str, tmp_path: Path) -> Path:
    """A fixture folder copied out of the repository (a stopped import writes a map beside it)."""
    return Path(shutil.copytree(FOREIGN / name, tmp_path / name))


# --------------------------------------------------------------------------- doccano


def test_doccano_label_and_entities_with_a_label_map(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "import", str(corpus.root),
        str(FOREIGN / "doccano" / "sequence.jsonl"), str(FOREIGN / "doccano" / "entities.jsonl"),
        "--label-map", str(FOREIGN / "doccano" / "label-map.json"), "--annotator", "carol",
    )
    assert code == 0, err
    assert corpus.doc_ids() == ["21", "7", "8", "9"]
    text7 = corpus.read_text("7")
    assert text7 == "Lee Jae-yong met Samsung Electronics staff in Suwon on Monday."
    assert saved(corpus, "carol", "7") == {
        "schema_version": 1,
        "doc_id": "7",
        "text_sha256": sha256_text(text7),
        "annotator": "carol",
        "status": "in_progress",
        "doc_labels": {},
        "spans": [
            {"id": "s1", "start": 0, "end": 12, "label": "PER", "text": "Lee Jae-yong", "attrs": {}},
            {"id": "s2", "start": 17, "end": 36, "label": "ORG", "text": "Samsung Electronics", "attrs": {}},
            {"id": "s3", "start": 46, "end": 51, "label": "LOC", "text": "Suwon", "attrs": {}},
        ],
    }
    # The Korean record was exported in NFD (doccano counted its jamo): NFC text, moved spans.
    text8 = corpus.read_text("8")
    assert text8 == unicodedata.normalize("NFC", "삼성전자 서울 본사에서 갤럭시 S24를 공개했다.")
    assert spans(corpus, "carol", "8") == [(0, 4, "ORG", "삼성전자"), (5, 7, "LOC", "서울")]
    assert corpus.read_meta("8").normalised == ["nfc"]
    # A category is a document label (the only scheme label that allows the value).
    assert saved(corpus, "carol", "9")["doc_labels"] == {"page_type": "article-list"}
    assert saved(corpus, "carol", "9")["spans"] == []
    # entities/start_offset: the newer export, its relation counted as left out.
    assert spans(corpus, "carol", "21") == [
        (0, 8, "PER", "Kim Yuna"), (24, 31, "LOC", "Bucheon"), (44, 63, "ORG", "Korea Skating Union"),
    ]
    assert corpus.read_meta("21").extra == {"Comments": [], "source_tool": "doccano"}
    # PRODUCT maps to null: left out, and said so (never silently).
    assert "sequence.jsonl:2: not imported: 1 label PRODUCT (mapped to null)" in err
    assert "entities.jsonl:1: not imported: 1 doccano relation (the corpus has no relations)" in err
    assert validate_corpus(corpus)[0] == []


def test_unknown_labels_stop_before_anything_is_written_and_leave_a_map_to_fill(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = copy_fixture("doccano", tmp_path)
    (inputs / "label-map.json").unlink()
    plain = tmp_path / "plain.txt"
    plain.write_text("a plain page imported in the same run", "utf-8")
    before = sorted(p.relative_to(corpus.root) for p in corpus.root.rglob("*"))
    code, out, err = run(capsys, "import", str(corpus.root), str(plain), str(inputs / "sequence.jsonl"))
    assert code == 2
    line = one_line_error(err)
    template = inputs / "sequence.label-map.json"
    assert "3 label(s) of the input are not in the corpus scheme: 'GPE' (2), 'PERSON' (1), 'PRODUCT' (1)" in line
    assert f"written to {template}; run again with --label-map {template}" in line
    assert out == ""
    # Nothing was written into the corpus: not even the plain text given first.
    assert sorted(p.relative_to(corpus.root) for p in corpus.root.rglob("*")) == before
    # Safe guesses filled in, the rest left to fill.
    assert json.loads(template.read_text("utf-8")) == {"GPE": "LOC", "PERSON": "PER", "PRODUCT": ""}
    # A second stop never overwrites the first map; a map left unfilled is refused by name.
    code, _, err = run(capsys, "import", str(corpus.root), str(inputs / "sequence.jsonl"))
    assert code == 2
    assert (inputs / "sequence.label-map-2.json").is_file()
    code, _, err = run(capsys, "import", str(corpus.root), str(inputs / "sequence.jsonl"), "--label-map", str(template))
    assert code == 2
    assert one_line_error(err) == (
        f"annotator: {template}: 'PRODUCT' maps to '': fill it in (span labels: LOC, MISC, ORG, PER, article, "
        "boilerplate, byline, date, subtitle, title; document labels: page_type=VALUE; or null to leave it out)"
    )
    # Filled in: it imports.
    template.write_text(json.dumps({"GPE": "LOC", "PERSON": "PER", "PRODUCT": "MISC"}), "utf-8")
    code, _, err = run(capsys, "import", str(corpus.root), str(inputs / "sequence.jsonl"), "--label-map", str(template))
    assert code == 0, err
    assert spans(corpus, "imported", "8")[-1] == (17, 20, "MISC", "S24")


def test_the_map_is_never_written_inside_a_corpus(corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The export sits inside another corpus (read-only for us): the map goes to the current folder.
    other = Corpus.create(tmp_path / "other", name="other")
    inside = other.root / "exports"
    inside.mkdir()
    shutil.copy(FOREIGN / "doccano" / "entities.jsonl", inside)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with pytest.raises(UnknownLabelsError) as caught:
        import_paths(corpus, [inside / "entities.jsonl"])
    assert caught.value.template == work / "entities.label-map.json"
    assert list(inside.iterdir()) == [inside / "entities.jsonl"]
    assert json.loads(caught.value.template.read_text("utf-8")) == {"GPE": "LOC", "PERSON": "PER"}


# --------------------------------------------------------------------------- Label Studio


def test_label_studio_tasks_with_emoji_two_annotators_and_predictions(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "import", str(corpus.root), str(FOREIGN / "label-studio" / "tasks.json"),
        "--label-map", str(FOREIGN / "label-studio" / "label-map.json"), "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["not_imported"] == {"Label Studio relation result": 1, "cancelled Label Studio annotation": 1}
    assert annotation_files(corpus) == [
        "alice/101.json", "alice/102.json", "bob/101.json", "suggestions/101.json",
    ]
    text = corpus.read_text("101")
    assert text == "Samsung 🚀 unveiled the Galaxy in Seoul 😀 today, and Lee Jae-yong spoke."
    # alice's and bob's offsets were UTF-16 units (Label Studio's editor): converted.
    assert saved(corpus, "alice", "101") == {
        "schema_version": 1,
        "doc_id": "101",
        "text_sha256": sha256_text(text),
        "annotator": "alice",
        "status": "in_progress",
        "doc_labels": {},
        "spans": [
            {"id": "s1", "start": 0, "end": 7, "label": "ORG", "text": "Samsung", "attrs": {}},
            {"id": "s2", "start": 33, "end": 38, "label": "LOC", "text": "Seoul", "attrs": {}},
            {"id": "s3", "start": 52, "end": 64, "label": "PER", "text": "Lee Jae-yong", "attrs": {}},
        ],
    }
    assert spans(corpus, "bob", "101") == [(0, 7, "ORG", "Samsung"), (52, 64, "PER", "Lee Jae-yong")]
    # The predictions counted code points (a Python model): kept as they are, as suggestions.
    suggestions = saved(corpus, "suggestions", "101")
    assert (suggestions["annotator"], suggestions["status"]) == ("suggestions", "todo")
    assert spans(corpus, "suggestions", "101") == [(23, 29, "MISC", "Galaxy"), (33, 38, "LOC", "Seoul")]
    # The choice became the document label; the cancelled annotation of bob left no file.
    assert saved(corpus, "alice", "102")["doc_labels"] == {"page_type": "article"}
    assert spans(corpus, "alice", "102") == [(0, 13, "ORG", "Hyundai Motor"), (32, 37, "LOC", "Ulsan")]
    assert corpus.read_meta("101").extra == {"source": "wire", "meta": {}, "source_tool": "label-studio"}
    assert "tasks.json (task 1 of the list): not imported: 1 Label Studio relation result" in err
    assert validate_corpus(corpus)[0] == []


def test_label_studio_jsonl_with_a_text_key_and_a_region_that_fits_no_unit(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "🎉 Seoul hosts the summit 🎉"
    tasks = [
        {"id": 5, "data": {"body": text, "url": "https://x.test/5"}, "annotations": [{"completed_by": 3, "result": [
            {"id": "r1", "type": "labels", "value": {"start": 3, "end": 8, "text": "Seoul", "labels": ["LOC"]}},
            {"id": "r2", "type": "labels", "value": {"start": 0, "end": 4, "text": "Busan", "labels": ["LOC"]}},
        ]}]},
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), "utf-8")
    code, _, err = run(capsys, "import", str(corpus.root), str(path), "--text-key", "body")
    assert code == 1
    assert f"{path}:1: annotation #1 region r2: its text 'Busan' is not at [0, 4) counted in code points nor in UTF-16 units; not imported" in err
    assert spans(corpus, "user-3", "5") == [(2, 7, "LOC", "Seoul")]
    assert corpus.read_meta("5").extra == {"url": "https://x.test/5", "source_tool": "label-studio"}


# --------------------------------------------------------------------------- brat


def test_brat_crlf_discontinuous_fragment_and_attributes(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "import", str(corpus.root), str(FOREIGN / "brat" / "news-0001.txt"),
        "--label-map", str(FOREIGN / "brat" / "label-map.json"),
    )
    assert code == 0, err
    text = corpus.read_text("news-0001")
    # brat counted each CRLF as two characters; the corpus text has LF, the spans moved with it.
    assert text == "Seoul Daily\nHome | World | Sports\nLG Electronics teams up with KT in Seoul.\nReporter Shim Ji-hye, Seoul.\n"
    assert corpus.read_meta("news-0001").normalised == ["crlf"]
    assert saved(corpus, "imported", "news-0001") == {
        "schema_version": 1,
        "doc_id": "news-0001",
        "text_sha256": sha256_text(text),
        "annotator": "imported",
        "status": "in_progress",
        "doc_labels": {},
        "spans": [
            {"id": "s1", "start": 34, "end": 104, "label": "article",
             "text": "LG Electronics teams up with KT in Seoul.\nReporter Shim Ji-hye, Seoul.", "attrs": {"role": "main"}},
            {"id": "s2", "start": 12, "end": 33, "label": "boilerplate", "text": "Home | World | Sports",
             "attrs": {"kind": "navigation"}},
            {"id": "s3", "start": 34, "end": 48, "label": "ORG", "text": "LG Electronics", "attrs": {}},
            {"id": "s4", "start": 63, "end": 65, "label": "ORG", "text": "KT", "attrs": {}},
            {"id": "s5", "start": 85, "end": 96, "label": "PER", "text": "Shim Ji-hye", "attrs": {}},
            {"id": "s6", "start": 98, "end": 103, "label": "LOC", "text": "Seoul", "attrs": {}},
        ],
    }
    assert (
        "news-0001.ann: not imported: 1 attribute Negated (PER has no such attribute); "
        "1 brat attribute of a span left out; 1 brat discontinuous span (several fragments); "
        "1 brat note; 1 brat relation"
    ) in err
    assert validate_corpus(corpus)[0] == []


# --------------------------------------------------------------------------- broken inputs


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.json", '[{"id": 1, "data": {"text": "x"}, ', "{path}: not valid JSON: "),
        ("tasks.json", '[{"id": 1, "data": {"body": "a", "title": "b"}, "annotations": []}]',
         "{path} (task 1 of the list): cannot tell which key of 'data' holds the text (keys: body, title); give it with --text-key"),
        ("dc.jsonl", '{"text": "ok", "label": [[0, 2, "PER"]]}\n{"text": "bad", "label": [[1, 9, "PER"]]}\n{"label": []}\n',
         "{path}:2: label #1 [1, 9, 'PER']: [1, 9) is not inside the text (0..3); not imported"),
        ("dc2.jsonl", '{"text": "ok", "label": [[0, 2, "PER"]]}\n{"label": [[0, 1, "PER"]]}\n',
         "{path}:2: has no 'text' string (a doccano record)"),
    ],
)
def test_broken_inputs_give_one_line_naming_the_file(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    code, _, err = run(capsys, "import", str(corpus.root), str(path), "--from",
                       "label-studio" if name.endswith(".json") else "doccano")
    assert code == 1
    assert "Traceback" not in err
    assert any(line.startswith(expected.format(path=path)) for line in err.splitlines()), err


def test_broken_brat_files_name_the_file_and_line(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Kim met Lee.", "utf-8")
    (tmp_path / "a.ann").write_text("T1\tPER 0 3\tKim\nT2\tPER 8 x\tLee\nT3\tPER 8 11\tLea\n", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe not utf-8 \xc3")
    (tmp_path / "b.ann").write_text("", "utf-8")
    (tmp_path / "orphan.ann").write_text("T1\tPER 0 1\tx\n", "utf-8")
    code, _, err = run(capsys, "import", str(corpus.root), str(tmp_path))
    assert code == 1
    assert "Traceback" not in err
    lines = err.splitlines()
    assert f"{tmp_path / 'a.ann'}:2: cannot read T2: expected LABEL START END, got 'PER 8 x'" in lines
    assert f"{tmp_path / 'a.ann'}:3: T3: its text 'Lea' is not the text at [8, 11): 'Lee'; not imported" in lines
    assert any(line.startswith(f"{tmp_path / 'b.txt'}: the text is not UTF-8 (brat reads only UTF-8)") for line in lines)
    assert f"{tmp_path / 'orphan.ann'}: no orphan.txt beside it: a brat .ann needs its text" in lines
    assert spans(corpus, "imported", "a") == [(0, 3, "PER", "Kim")]


def test_a_bad_label_map_is_refused_by_name(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "map.json"
    bad.write_text('{"PERSON": "HUMAN"}', "utf-8")
    code, _, err = run(capsys, "import", str(corpus.root), str(FOREIGN / "doccano" / "entities.jsonl"), "--label-map", str(bad))
    assert code == 2
    assert one_line_error(err).startswith(f"annotator: {bad}: 'PERSON' maps to 'HUMAN': it is not a label of the corpus scheme")
    bad.write_text("[1, 2]", "utf-8")
    code, _, err = run(capsys, "import", str(corpus.root), str(FOREIGN / "doccano" / "entities.jsonl"), "--label-map", str(bad))
    assert one_line_error(err) == f'annotator: {bad}: the label map must be a JSON object {{"THEIRS": "OURS"}}, not list'
    assert corpus.doc_ids() == []


def test_plain_jsonl_is_still_read_as_this_tools_own(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "own.jsonl"
    path.write_text('{"id": "x", "text": "plain text", "label": "kept as metadata"}\n', "utf-8")
    report = import_paths(corpus, [path])
    assert report.imported == 1 and report.problems == []
    assert corpus.read_meta("x").extra == {"label": "kept as metadata"}
    assert corpus.read_meta("x").source_format == "jsonl"


def test_from_jsonl_forces_this_tools_own_reading(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "looks-like-doccano.jsonl"
    path.write_text('{"id": "y", "text": "Kim met Lee.", "label": [[0, 3, "PERSON"]]}\n', "utf-8")
    report = import_paths(corpus, [path], source_format="jsonl")
    assert report.imported == 1 and report.problems == [] and report.annotations == 0
    assert corpus.read_meta("y").extra == {"label": [[0, 3, "PERSON"]]}


@pytest.mark.parametrize(
    "text",
    ["", "plain ascii", "한국어 텍스트", "😀", "a😀b😀😀c", "\U0010ffff\uffff", "x\ud800y😀", "뉴스 🚀\n" * 50],
)
def test_utf16_positions_are_those_of_every_astral_character(text: str) -> None:
    """The fast scan (UTF-16 length, then a regex) finds exactly the characters above the
    BMP that a per-character walk finds; a lone surrogate is one UTF-16 unit, not two."""
    walked = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    offsets = Utf16Offsets(text)
    assert offsets.differs == bool(walked)
    for n, i in enumerate(walked):
        assert offsets.to_code_points(i + n) == i  # the astral character's first unit
        assert offsets.to_code_points(i + n + 1) is None  # between its two units
    assert offsets.to_code_points(len(text) + len(walked)) == len(text)
