"""brat imports (``annotator.importers.brat``) pinned where mutmut's second sample found them
unpinned: the problem reported for a text-bound annotation outside the text.

The test imports a real ``.txt``/``.ann`` pair with :func:`annotator.importers.import_paths`
and asserts the exact problem (file, line, message) and that the import carries on.

Equivalent mutants (no observable behaviour changes): none in this sample.
"""

from __future__ import annotations

from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import import_paths


def test_a_span_past_the_end_of_the_text_is_a_problem_naming_it(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("Kim met Lee.", "utf-8")
    ann = tmp_path / "news.ann"
    ann.write_text("T1\tPER 5 40\tmet Lee.\n", "utf-8")
    report = import_paths(corpus, [ann])
    assert [(p.path, p.line, p.message) for p in report.problems] == [
        (str(ann), 1, "T1: [5, 40) is not inside the text (0..12); not imported")
    ]
