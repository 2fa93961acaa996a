"""Label Studio imports (``annotator.importers.labelstudio``) pinned where mutmut's second
sample found them unpinned: predictions without results give no suggestions annotation,
and the whole message for a task without ``data`` under ``--from label-studio``.

Tests write a small export, import it with :func:`annotator.importers.import_paths` and
assert the saved annotators and the exact problem.

Equivalent mutants of ``annotator/importers/labelstudio.py`` (no observable behaviour
changes), by mutmut name:

- ``x__annotation__mutmut_3`` (``suggestion=None`` for ``suggestion=who == SUGGESTIONS``):
  annotators' names never equal the reserved ``suggestions`` (they are renamed), so the flag
  is False or None, both falsy; the one annotation read as ``suggestions`` (each prediction)
  is only mined for its spans and labels, its flag is never read (the merged annotation
  carries its own).
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import import_paths


def test_predictions_without_results_give_no_suggestions(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(
        json.dumps([{"id": 2, "data": {"text": "Kim met Lee."}, "annotations": [], "predictions": [{"result": []}]}]),
        "utf-8",
    )
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert corpus.doc_ids() == ["2"]
    assert corpus.annotators() == []


def test_a_task_without_data_names_what_is_missing(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"id": 1, "foo": "bar"}]), "utf-8")
    report = import_paths(corpus, [path], source_format="label-studio")
    assert [(p.path, p.message) for p in report.problems] == [
        (f"{path} (task 1 of the list)", "has no 'data' object (a Label Studio task)")
    ]
    assert corpus.doc_ids() == []
