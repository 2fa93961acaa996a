"""Survivors of the fifth mutation sample (``SAMPLE=400 SEED=5``) in the session's commands.

Equivalent, not tested: ``EditCommands.mark_lines`` with ``trim=None`` for ``trim=True`` on a
fitted extent: the byline and date parsers give extents with no white space at either end, so
trimming them changes nothing.
"""

from __future__ import annotations

import pytest

from annotator.corpus import Corpus
from annotator.edits import EditError
from annotator.session import DocumentSession
from tests.conftest import add_text

TEXT = "서울 서울고등검찰청\n\nTop\n"


def _session(corpus: Corpus) -> DocumentSession:
    add_text(corpus, "d", TEXT)
    return DocumentSession.open(corpus, "tester", "d")


def test_relabelling_to_an_unknown_label_names_it(corpus: Corpus) -> None:
    session = _session(corpus)
    result = session.mark("LOC", 0, 2)
    assert result is not None
    with pytest.raises(EditError) as info:
        session.relabel(result[1], "NOPE")
    assert str(info.value) == "unknown label 'NOPE'"


def test_mark_occurrences_keeps_whole_words_by_default_and_passes_the_attributes(corpus: Corpus) -> None:
    session = _session(corpus)
    # "서울" twice in the text, once inside "서울고등검찰청": whole words by default, one span.
    assert session.mark_occurrences("LOC", "서울") is not None
    assert [(s.label, s.start, s.end) for s in session.spans] == [("LOC", 0, 2)]
    # The attributes given are the new spans' (not the label's default kind, "other").
    assert session.mark_occurrences("boilerplate", "Top", {"kind": "navigation"}) is not None
    top = [s for s in session.spans if s.label == "boilerplate"]
    assert [(s.text, s.attrs) for s in top] == [("Top", {"kind": "navigation"})]
