"""Survivors of the seventh random mutmut sample (share "s7a"): what a second editor is told
when the lock's owner note cannot be read.

Killed here: ``AnnotatorLock._locked_error`` 5 (``ValueError`` in the suppressed exceptions
replaced by ``None``: an unreadable owner note then crashes with TypeError instead of naming
"another process").

Equivalent (no observable change, so no test can kill them):

- ``compute_agreement`` 20 (``"XX, XX".join``): the join runs only for fewer than two
  annotators, and joining zero or one name never inserts the separator.
- ``measure`` 507 (``"NOT COMPUTABLE"`` fallback): every kappa without a value carries a
  reason (``cohen_kappa``/``fleiss_kappa`` always set one; the pair path keeps it), so the
  fallback text is never used.
- ``exact_matches`` 45 (key ``start*width - length``): keys stay distinct per (start, end)
  and equal spans stay together, a's first; only the order of the groups changes, so the same
  pairs come back in another order, and every caller only counts them or makes masks.
- ``max_overlap_matching`` 21 (``bincount`` of b without ``minlength``): ``deg_b`` is only
  indexed by the values it counts.
- ``sorted_unique`` 7 (sort kind ``"STABLE"``): numpy reads the kind case-insensitively, and
  sorted integers are the same whichever sort made them.
- ``render_html`` 288 (``result.get("notes", )``): ``measure`` always sets ``notes`` and the
  only caller (``agree --report``) renders its result.
- ``rules._any_overlap`` 3 (``True`` for fewer than two spans): ``_structure_fine`` then says
  "look closer" and the exact per-span walk runs, which finds the same (no) problems; only
  time changes.
- ``History.rollback`` 19 (``and`` -> ``or`` in the merge branch's internal assert): differs
  only when the history is already inconsistent, which no public call sequence produces.
"""

from __future__ import annotations

import pytest

from annotator.corpus import Corpus, LockedError


@pytest.mark.parametrize(
    "note",
    [
        b"{not json",  # JSONDecodeError, a ValueError
        b"\xff\xfe{}",  # not UTF-8: UnicodeDecodeError, also a ValueError
        b'{"pid": 1, "host": "h"}',  # no "since": KeyError
        b"[1, 2]",  # a list: indexing it with "pid" is a TypeError
    ],
    ids=["bad-json", "not-utf8", "missing-key", "not-an-object"],
)
def test_an_unreadable_owner_note_names_another_process(corpus: Corpus, note: bytes) -> None:
    """The lock is held; its owner note is damaged (a crash mid-write, a foreign tool).
    The second editor still gets the ordinary LockedError, naming no process."""
    first = corpus.lock("alice").acquire()
    try:
        first.owner_path.write_bytes(note)
        with pytest.raises(LockedError) as caught:
            corpus.lock("alice").acquire()
    finally:
        first.release()
    folder = corpus.annotator_dir("alice")
    assert caught.value.path == str(folder)
    assert caught.value.message == (
        "the files of 'alice' are being edited by another process; "
        "close that window or process first"
    )
    assert str(caught.value) == f"{folder}: {caught.value.message}"


def test_a_readable_owner_note_names_the_process(corpus: Corpus) -> None:
    """The contrast: with the note intact the message names its pid, host and time."""
    first = corpus.lock("alice").acquire()
    try:
        first.owner_path.write_bytes(b'{"pid": 4242, "host": "box", "since": "2024-01-02"}')
        with pytest.raises(LockedError) as caught:
            corpus.lock("alice").acquire()
    finally:
        first.release()
    assert caught.value.message == (
        "the files of 'alice' are being edited by process 4242 on box (since 2024-01-02); "
        "close that window or process first"
    )
