"""Progress of a corpus: documents per status per annotator."""

from __future__ import annotations

from annotator.corpus import Corpus
from annotator.model import GOLD, STATUSES


def corpus_status(corpus: Corpus) -> dict:
    """``{"name", "documents", "annotators": {NAME: {status: count}}}``.

    A document with no file for an annotator counts as ``todo`` for them; gold is listed
    as the annotator ``gold`` when it has any file.
    """
    doc_ids = corpus.doc_ids()
    total = len(doc_ids)
    known = set(doc_ids)
    names = corpus.annotators()
    if corpus.annotated_ids(GOLD):
        names = [*names, GOLD]
    annotators: dict[str, dict[str, int]] = {}
    for name in names:
        statuses = {d: s for d, s in corpus.statuses(name).items() if d in known}
        counts = dict.fromkeys(STATUSES, 0)
        for status in statuses.values():
            counts[status] += 1
        counts["todo"] += total - len(statuses)
        annotators[name] = counts
    return {"name": corpus.manifest.name, "documents": total, "annotators": annotators}
