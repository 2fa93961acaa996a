"""Label maps pinned exactly: the whole message of an import stopped by unknown labels, a
document label reached through the map, a choice attribute's unknown value counted once,
and where (and why not) the ready-to-edit map is written.

Tests import through :func:`annotator.importers.import_paths` or the real ``annotator
import`` command and assert the saved annotations, the counts of what was not imported and
whole messages. They were written against mutmut's survivors of
``annotator/importers/labelmap.py``.

The one failed write of the map (``os.write`` of a full disk) is injected: the system
gives no such error on demand. Equivalent mutants (no observable behaviour changes): none
in ``annotator/importers/labelmap.py``.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.importers import labelmap as labelmap_module
from annotator.importers.importer import UnknownLabelsError
from tests.cli_helpers import one_line_error, run

# One doccano record whose label the news scheme does not have.
UNKNOWN = '{"id": 3, "text": "Kim visited Seoul.", "label": [[0, 3, "PERSON"], [12, 17, "CITY"]]}\n'
HINT = (
    "(map each to a span label: article, boilerplate, title, subtitle, byline, date, PER, ORG, LOC, MISC; "
    "or to a document label: page_type=VALUE; or to null to leave it out, counted)"
)


def saved(corpus: Corpus, annotator: str, doc_id: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    return data


def test_unknown_labels_stop_the_import_with_the_whole_message(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(UNKNOWN, "utf-8")
    code, out, err = run(capsys, "import", str(corpus.root), str(path))
    assert (code, out) == (2, "")
    template = tmp_path / "export.label-map.json"
    assert one_line_error(err) == (
        "annotator: 2 label(s) of the input are not in the corpus scheme: 'CITY' (1), 'PERSON' (1); "
        f"nothing was imported; a label map to fill in was written to {template}; "
        f"run again with --label-map {template} {HINT}"
    )
    assert json.loads(template.read_text("utf-8")) == {"CITY": "", "PERSON": "PER"}


def test_no_map_beside_a_folder_that_holds_the_corpus_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The map's name beside the input is a folder holding the corpus (and the current folder
    # is that same folder): nowhere to write it, and the reason names the corpus.
    inputs = tmp_path / "in"
    inputs.mkdir()
    path = inputs / "export.jsonl"
    path.write_text(UNKNOWN, "utf-8")
    corpus = Corpus.create(inputs / "export.label-map.json" / "corpus", name="test")
    monkeypatch.chdir(inputs)
    with pytest.raises(UnknownLabelsError) as caught:
        import_paths(corpus, [path])
    assert caught.value.template is None
    assert (
        f"no label map file could be written (holds the corpus {corpus.root}; give a file outside it); "
        f"write one and give it with --label-map FILE {HINT}"
    ) in str(caught.value)
    assert sorted(p.name for p in inputs.iterdir()) == ["export.jsonl", "export.label-map.json"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the file by /proc/self/fd (Linux)")
def test_a_failed_write_of_the_map_says_the_system_error_and_leaves_no_file(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(UNKNOWN, "utf-8")
    monkeypatch.chdir(tmp_path)
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        # Only the map's file is on the "full disk".
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".label-map.json"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(labelmap_module.os, "write", full_disk)
    with pytest.raises(UnknownLabelsError) as caught:
        import_paths(corpus, [path])
    assert caught.value.template is None
    assert (
        f"no label map file could be written ({tmp_path / 'export.label-map.json'}: No space left on device); "
        "write one and give it with --label-map FILE"
    ) in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "export.jsonl"]


def test_a_category_mapped_to_a_document_label_is_imported(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "categories.jsonl"
    path.write_text('{"id": 5, "text": "Kim visited Seoul.", "label": ["news", [0, 3, "PERSON"]]}\n', "utf-8")
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps({"news": "page_type=article", "PERSON": "PER"}), "utf-8")
    report = import_paths(corpus, [path], label_map=label_map)
    assert report.problems == [] and report.not_imported == {}
    annotation = saved(corpus, "imported", "5")
    assert annotation["doc_labels"] == {"page_type": "article"}
    assert annotation["spans"] == [{"id": "s1", "start": 0, "end": 3, "label": "PER", "text": "Kim", "attrs": {}}]


def test_a_choice_attribute_with_an_unknown_value_is_counted_once(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text("Menu Kim visited Seoul.", "utf-8")
    (tmp_path / "page.ann").write_text(
        "T1\tboilerplate 0 4\tMenu\nA1\tKind T1 sidebar\nT2\tPER 5 8\tKim\n", "utf-8"
    )
    report = import_paths(corpus, [tmp_path / "page.txt"])
    assert report.problems == []
    assert report.not_imported == {"attribute Kind=sidebar (not a value of boilerplate.kind)": 1}
    # The span keeps no kind: imported as unfinished work, said in a second warning.
    assert [w.message for w in report.warnings if w.message.startswith("not imported")] == [
        "not imported: 1 attribute Kind=sidebar (not a value of boilerplate.kind)"
    ]
    assert saved(corpus, "imported", "page")["spans"] == [
        {"id": "s1", "start": 0, "end": 4, "label": "boilerplate", "text": "Menu", "attrs": {}},
        {"id": "s2", "start": 5, "end": 8, "label": "PER", "text": "Kim", "attrs": {}},
    ]
