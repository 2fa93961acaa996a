"""Progress of a corpus: documents per status per annotator, and the files that are broken."""

from __future__ import annotations

from typing import Any

from annotator.corpus import Corpus, CorpusError
from annotator.loading import (
    CheckedAnnotation,
    check_annotation_file,
    gc_paused,
    read_document_text,
)
from annotator.model import GOLD, STATUSES, SUGGESTIONS


def corpus_status(corpus: Corpus) -> dict[str, Any]:
    """``{"name", "documents", "annotators": {NAME: {status: count}}, "broken": {NAME:
    count}, "files_with_problems": [{"annotator", "doc_id", "path", "problems"}]}``.

    A document with no file for an annotator counts as ``todo`` for them; gold is listed
    as the annotator ``gold`` when it has any file. The reserved annotator ``suggestions``
    (the tool's own proposals) is nobody's progress and is not listed; ``validate`` still
    checks its files. A file that is not usable (see :mod:`annotator.loading`: it does not
    parse, does not fit its text, has an unknown label...) counts under no status, whatever
    it says, but as broken, with its problems: a file the editor opens read-only and that
    ``agree`` and ``export`` leave out is not progress. Each document's text is read once,
    for all its files.
    """
    doc_ids = corpus.doc_ids()
    names = [name for name in corpus.annotators() if name != SUGGESTIONS]
    if corpus.annotated_ids(GOLD):
        names = [*names, GOLD]
    present = {name: corpus.annotated_ids(name) for name in names}
    counts = {name: dict.fromkeys(STATUSES, 0) for name in names}
    broken = dict.fromkeys(names, 0)
    files: list[dict[str, Any]] = []
    with gc_paused():
        for doc_id in doc_ids:
            _count_document(corpus, doc_id, names, present, counts, broken, files)
    return {
        "name": corpus.manifest.name,
        "documents": len(doc_ids),
        "annotators": counts,
        "broken": broken,
        "files_with_problems": files,
    }


def _count_document(
    corpus: Corpus,
    doc_id: str,
    names: list[str],
    present: dict[str, set[str]],
    counts: dict[str, dict[str, int]],
    broken: dict[str, int],
    files: list[dict[str, Any]],
) -> None:
    """Count one document's files (its text read once, for all of them)."""
    have = [name for name in names if doc_id in present[name]]
    for name in names:
        if doc_id not in present[name]:
            counts[name]["todo"] += 1
    if not have:
        return
    try:
        text: str | None
        text, sha = read_document_text(corpus, doc_id)
    except CorpusError:
        text = sha = None  # each file then reports the document's problem itself
    for name in have:
        # Usable or not is the question: unfinished work need not be looked for.
        checked = check_annotation_file(corpus, name, doc_id, text, sha, work_in_progress=False)
        if checked.usable:
            assert checked.status is not None
            counts[name][checked.status] += 1
        else:
            broken[name] += 1
            files.append(_broken_entry(name, doc_id, checked))


def _broken_entry(annotator: str, doc_id: str, checked: CheckedAnnotation) -> dict[str, Any]:
    return {
        "annotator": annotator,
        "doc_id": doc_id,
        "path": checked.path,
        "message": checked.summary(),
        "problems": [p.to_json() for p in checked.blocking],
    }
