"""Both sides of a conflict are kept: copies in ``ANNOTATOR_DIR/.conflicts/``, never overwritten.

A conflict is a file changed on disk (another machine, a ``git pull``) while a session had
unsaved edits, or a crash journal that no longer applies. Whoever loses the choice ("reload",
"keep mine", a journal set aside) is copied here first, under a new name.
Split out of :mod:`annotator.session` (which re-exports these names). Taking theirs
(``reload_session``, which opens a new session) lives in :mod:`annotator.session`: this module
imports no session module at run time, so there is no import cycle through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotator.corpus import Corpus, atomic_write_bytes, dump_json, read_file_version
from annotator.model import Annotation, utc_now

if TYPE_CHECKING:  # the session imports this module: only for the type hints
    from annotator.session import DocumentSession

CONFLICT_DIR = ".conflicts"


def conflict_path(corpus: Corpus, annotator: str, doc_id: str, what: str) -> Path:
    """A new file name to keep a copy of one side of a conflict; never an existing file."""
    stamp = utc_now().replace(":", "").replace("-", "")
    folder = corpus.annotator_dir(annotator) / CONFLICT_DIR
    path = folder / f"{doc_id}.{stamp}.{what}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{doc_id}.{stamp}.{what}-{n}.json"
    return path


def keep_copy(session: DocumentSession, annotation: Annotation | None = None, what: str = "mine") -> Path:
    """Write a copy of ``annotation`` (the session's by default) to ``.conflicts/``."""
    target = conflict_path(session.corpus, session.annotator, session.doc_id, what)
    value = (annotation or session.annotation).model_dump(mode="json")
    atomic_write_bytes(target, dump_json(value))
    return target


def overwrite_theirs(session: DocumentSession) -> Path | None:
    """Keep mine: copy the file on disk to ``.conflicts/``, then save the session over it."""
    kept = None
    path = session.path
    try:
        # Their bytes and the version they are, from one read: the save below replaces
        # exactly what was kept, and refuses if a third writer came in between (ADR 15).
        theirs, version = read_file_version(path)
    except FileNotFoundError:
        session.mtime_ns, session.version = None, None
    else:
        target = conflict_path(session.corpus, session.annotator, session.doc_id, "theirs")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, theirs)
        kept = target
        session.mtime_ns, session.version = version.mtime_ns, version
    session.saved_version = -1  # force the write
    session.save()
    return kept

