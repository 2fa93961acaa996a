"""``Corpus`` behaviour pinned by what it returns and raises, written against mutmut's
survivors of ``annotator/corpus.py``.
"""

from __future__ import annotations

import pytest

from annotator.corpus import AnnotationFileError, Corpus
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul.\n"


def test_an_annotation_is_checked_against_the_text_the_caller_gives(corpus: Corpus) -> None:
    # The editor loads with the text it has open: the document file is not read again, so an
    # annotation still opens (and its offsets are checked) while that file is gone.
    add_text(corpus, "doc1", TEXT)
    annotation = corpus.new_annotation("alice", "doc1")
    annotation.doc_labels = {"page_type": "article"}
    corpus.save_annotation(annotation, annotator="alice")
    corpus.text_path("doc1").unlink()
    loaded = corpus.load_annotation("alice", "doc1", TEXT)
    assert loaded is not None
    assert loaded.annotation.doc_labels == {"page_type": "article"}
    assert loaded.problems == ()
    # Without the text, the missing document is the file's problem.
    with pytest.raises(AnnotationFileError) as info:
        corpus.load_annotation("alice", "doc1")
    assert [p.code for p in info.value.problems] == ["no-document"]
