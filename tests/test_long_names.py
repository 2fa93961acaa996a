"""Names longer than the file system allows (255 bytes): an output path is refused with the
system's reason, naming the path; a label map for an input with such a name is still written,
under a shortened name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.importers.labelmap import write_template
from annotator.outputs import OutputPathError, check_output_path
from tests.cli_helpers import one_line_error, run

LABEL_STUDIO_TASK = [
    {
        "id": 1,
        "data": {"text": "Alice met Bob."},
        "annotations": [
            {
                "id": 1,
                "completed_by": 1,
                "result": [
                    {
                        "id": "r1",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["WEIRD"]},
                    }
                ],
            }
        ],
    }
]


def test_an_output_name_too_long_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300) / "out.jsonl"
    with pytest.raises(OutputPathError) as exc:
        check_output_path(path, None, kind="file")
    assert exc.value.path == str(path)
    assert exc.value.reason == "File name too long"


def test_a_label_map_beside_a_long_named_input_gets_a_shorter_name(tmp_path: Path) -> None:
    near = tmp_path / ("가" * 80 + ".json")  # 240 bytes of stem
    written, why = write_template({"WEIRD": ""}, near, tmp_path / "corpus")
    assert why == ""
    assert written is not None and written.parent == tmp_path
    # 200 bytes of the stem at most, cut on a character: 66 syllables of three bytes.
    assert written.name == "가" * 66 + ".label-map.json"
    assert json.loads(written.read_text(encoding="utf-8")) == {"WEIRD": ""}


def test_importing_a_long_named_export_writes_its_label_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    source = tmp_path / ("b" * 245 + ".json")
    source.write_text(json.dumps(LABEL_STUDIO_TASK), encoding="utf-8")
    code, _, err = run(capsys, "import", str(root), str(source))
    assert code == 2  # a label map is needed: bad usage, as for any unknown label
    template = tmp_path / ("b" * 200 + ".label-map.json")
    assert f"a label map to fill in was written to {template}" in one_line_error(err)
    assert json.loads(template.read_text(encoding="utf-8")) == {"WEIRD": ""}
