"""Check every file of a corpus and report each problem (``annotator validate``)."""

from __future__ import annotations

import os
from collections.abc import Callable

from annotator.corpus import HTML_SUFFIX, META_SUFFIX, TEXT_SUFFIX, Corpus, CorpusError
from annotator.loading import check_annotation_file
from annotator.model import GOLD, is_valid_name
from annotator.rules import Problem, sha256_text


def validate_corpus(
    corpus: Corpus, on_document: Callable[[str], None] | None = None
) -> tuple[list[Problem], dict[str, int]]:
    """Every problem in every file of ``corpus``, and counts of what was checked."""
    problems: list[Problem] = []
    counts = {"documents": 0, "annotations": 0}
    texts: dict[str, str] = {}
    doc_ids = corpus.doc_ids()
    known = set(doc_ids)

    for name in sorted(os.listdir(corpus.documents_dir)) if corpus.documents_dir.is_dir() else []:
        if name.startswith("."):
            continue
        base = _strip_suffix(name, (TEXT_SUFFIX, META_SUFFIX, HTML_SUFFIX))
        path = corpus.documents_dir / name
        if base is None:
            problems.append(Problem("stray-file", "not a document, meta or source file", path=str(path)))
        elif not is_valid_name(base):
            problems.append(Problem("bad-id", f"{base!r} is not a valid document id", path=str(path)))
        elif base not in known:
            problems.append(Problem("orphan", f"no document meta {base}{META_SUFFIX} for this file (an import that did not finish?)", path=str(path)))

    for doc_id in doc_ids:
        counts["documents"] += 1
        if on_document:
            on_document(doc_id)
        try:
            text = corpus.read_text(doc_id)
        except CorpusError as exc:
            problems.append(Problem("bad-text", exc.message, path=exc.path))
            continue
        texts[doc_id] = text
        if "\r" in text:
            problems.append(Problem("crlf", "text holds CR characters; import normalises them to LF", path=str(corpus.text_path(doc_id))))
        try:
            meta = corpus.read_meta(doc_id)
        except CorpusError as exc:
            problems.append(Problem("bad-meta", exc.message, path=exc.path))
            continue
        sha = sha256_text(text)
        if meta.text_sha256 != sha:
            problems.append(Problem("hash-mismatch", "text_sha256 does not match the document text (was the .txt edited?)", path=str(corpus.meta_path(doc_id))))
        if meta.doc_id != doc_id:
            problems.append(Problem("wrong-doc", f"doc_id {meta.doc_id!r} does not match the file name", path=str(corpus.meta_path(doc_id))))

    for annotator in [GOLD, *corpus.annotators()]:
        folder = corpus.annotator_dir(annotator)
        if not folder.is_dir():
            continue
        for name in sorted(os.listdir(folder)):
            if name.startswith("."):
                continue
            path = folder / name
            if not name.endswith(".json") or not is_valid_name(name[:-5]):
                problems.append(Problem("stray-file", "not an annotation file (DOC_ID.json)", path=str(path)))
                continue
            doc_id = name[:-5]
            counts["annotations"] += 1
            if doc_id not in known:
                problems.append(Problem("no-document", f"no document {doc_id!r} in this corpus", path=str(path)))
                continue
            if doc_id not in texts:
                continue  # the text itself is broken, reported above
            # The one check every reader makes (annotator.loading), here with every problem.
            problems.extend(check_annotation_file(corpus, annotator, doc_id, texts[doc_id]).problems)
    return problems, counts


def _strip_suffix(name: str, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None
