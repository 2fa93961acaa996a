"""Survivors of the eighth mutation sample (``SAMPLE=400 SEED=5``) in the Qt-free core:
Fleiss' kappa with half-precision weights, an annotation file that cannot be read, journal
recovery with the caller's text and with an error that carries only a message, and
suggestions of labels the scheme lacks.

Equivalent, not tested (no result can change):

- ``unitizing.category_disagreement`` 52 (``astype(None)`` for ``astype(np.float64)``):
  numpy reads the dtype ``None`` as float64, so the cast is the same one.
- ``rules._large_span_problems`` 53 (the span-text length check is ``bool(None)``): every
  file then takes the per-span path, which by design reports exactly the same problems in
  the same order (the fast path only answers "nothing wrong" sooner).
- ``DocumentSession._after_step`` 7 (``fresh_now = None`` when the journal cannot be
  written): the span index is then dropped and rebuilt from the same spans on the next
  look-up instead of following the rollback; it answers the same.
- ``DocumentSession._done_problems_after`` 1 (``<=`` for ``<``): at exactly
  ``LOCAL_CHECK_FROM`` spans the whole done-check runs instead of the local one, which gives
  the same problems (``tests/test_done_valid.py`` runs every case both ways).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from annotator.agreement.metrics import fleiss_kappa
from annotator.corpus import AnnotationFileError, Corpus
from annotator.edits import make_span
from annotator.journal import Recovery, journal_path, recover_journal, recover_journals
from annotator.rules import Problem
from annotator.session import DocumentSession
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul."


def crashed_session(corpus: Corpus) -> bytes:
    """"Kim" marked PER and journaled, never saved; the process dies. The journal's bytes."""
    add_text(corpus, "d1", TEXT)
    session = DocumentSession.open(corpus, "alice", "d1")
    session.mark("PER", 0, 3)
    session.close()
    return journal_path(corpus, "alice", "d1").read_bytes()


# --------------------------------------------------------------------------- agreement


def test_fleiss_kappa_counts_half_precision_weights_exactly() -> None:
    # Two items, both raters agree on each: observed agreement 1. Weights 2048 and 1 total
    # 2049, which float16 cannot hold (it rounds to 2048): summed as given, the observed
    # agreement would come out as 2049/2048 > 1 and kappa undefined.
    # p = (2048/2049, 1/2049); P_e = (2048^2 + 1) / 2049^2 = 4194305/4198401; kappa = 1.
    kappa = fleiss_kappa(np.array([[2, 0], [0, 2]]), np.array([2048, 1], dtype=np.float16))
    assert kappa.reason is None
    assert kappa.observed == pytest.approx(1.0, abs=1e-12)
    assert kappa.expected == pytest.approx(4194305 / 4198401, abs=1e-12)
    assert kappa.value == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- corpus


def test_an_unreadable_annotation_file_is_reported_by_name_and_problem(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    path = corpus.annotation_path("alice", "d1")
    path.mkdir(parents=True)  # there but not readable as a file
    with pytest.raises(AnnotationFileError) as caught:
        corpus.load_annotation("alice", "d1")
    assert str(caught.value) == f"{path}: cannot read: Is a directory"
    assert caught.value.problems == [Problem("unreadable", "cannot read: Is a directory", path=str(path))]


# --------------------------------------------------------------------------- journal


def test_recover_journal_uses_the_text_it_is_given(corpus: Corpus) -> None:
    """A caller holding the document's text passes it: the text file is not read again
    (here it is gone, and the replay still works from the text given)."""
    crashed_session(corpus)
    corpus.text_path("d1").unlink()
    assert recover_journal(corpus, "alice", "d1", TEXT) == Recovery(
        "d1", "restored", 1, "d1: restored 1 unsaved change from the last session"
    )
    saved = corpus.load_annotation("alice", "d1", TEXT)
    assert saved is not None
    assert [(s.label, s.text) for s in saved.annotation.spans] == [("PER", "Kim")]
    assert not journal_path(corpus, "alice", "d1").exists()


def test_a_system_error_with_only_a_message_is_reported_by_that_message(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError raised with a message alone (no errno, no file name, as some libraries
    raise it) gives that message as the reason the journal was left."""
    journal = crashed_session(corpus)

    def gone(*args: Any, **kwargs: Any) -> int:
        raise OSError("the network share went away")

    monkeypatch.setattr(corpus, "save_annotation", gone)
    assert recover_journals(corpus, "alice") == [
        Recovery(
            "d1", "left", 0,
            f"d1: unsaved edits not replayed (the network share went away); left in {journal_path(corpus, 'alice', 'd1')}",
        )
    ]
    assert journal_path(corpus, "alice", "d1").read_bytes() == journal


# --------------------------------------------------------------------------- suggestions


def test_every_suggestion_of_an_unknown_label_is_refused_and_the_rest_accepted(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    session = DocumentSession.open(corpus, "alice", "d1")
    # Suggestions as the window finds them on the session; labels the scheme lacks sort
    # after its own ones, by start: NOPE at 0, then ALSO at 8.
    session.suggestions = [
        make_span(TEXT, 8, 11, "ALSO", "g2", {}),
        make_span(TEXT, 0, 3, "NOPE", "g1", {}),
        make_span(TEXT, 15, 20, "LOC", "g3", {}),
    ]
    accepted = session.accept_suggestions(["g1", "g2", "g3"])
    assert accepted is not None
    assert [(s.id, problems) for s, problems in accepted.refused] == [
        ("g1", [Problem("unknown-label", "unknown label 'NOPE'")]),
        ("g2", [Problem("unknown-label", "unknown label 'ALSO'")]),
    ]
    assert accepted.new_ids == ["s1"]
    assert [(s.id, s.label, s.text) for s in session.spans] == [("s1", "LOC", "Seoul")]
