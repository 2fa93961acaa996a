"""``annotator.importers.importer`` pinned where mutmut's second sample found it unpinned:
the whole warning for a line of a mostly UTF-8 file whose bad bytes became U+FFFD.

The test imports a real ``.txt`` file with :func:`annotator.importers.import_paths` and
asserts the exact warning.

Equivalent mutants (no observable behaviour changes): none in this sample.
"""

from __future__ import annotations

from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import import_paths


def test_a_cut_utf8_character_is_reported_as_replaced(corpus: Corpus, tmp_path: Path) -> None:
    # Line 31 holds two whole "é" and one cut one: a UTF-8 line with a cut character, so its
    # bad byte becomes U+FFFD rather than the line being read in a legacy encoding.
    path = tmp_path / "cut.txt"
    path.write_bytes("café ok\n".encode() * 30 + "éé".encode() + b"\xc3 cut\n")
    report = import_paths(corpus, [path])
    assert [(w.path, w.line, w.message) for w in report.warnings] == [
        (str(path), 31, "not UTF-8 like the rest of the file: line 31 bad bytes replaced by U+FFFD")
    ]
    assert report.problems == []
