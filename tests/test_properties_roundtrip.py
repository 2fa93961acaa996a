"""Export to jsonl, then ``annotator import`` of that jsonl: the same texts and spans.

Hypothesis draws small corpora: texts with Korean, emoji and other astral characters,
combining marks, Hangul jamo and odd white space (normalised, as the corpus holds them),
each with a gold annotation that respects every rule of the news scheme (or, with
``--allow-incomplete``, any status and no page type). The export must take every document,
every article's ``clean_text`` must be the slices its ``clean_map`` names (and what the
README says it is), and importing the export into a new corpus must bring back each text,
url, status, document label and span (id, start, end, label, text, attrs).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

pytest.importorskip("hypothesis")

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from annotator.corpus import Corpus
from annotator.export import ExportOptions, export_corpus
from annotator.export.records import ExportRecord
from annotator.importers import import_paths
from annotator.importers.text import normalise_text
from annotator.model import GOLD, STATUSES, Annotation, DocumentMeta, Span
from annotator.rules import sha256_text
from tests.strategies import news_spans, normalised_texts

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
OTHER_PAGE_TYPES = ["article-list", "non-article", "broken"]
#: A RAM disk when there is one: the corpus fsyncs every file, which is most of the time.
TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
URLS = [None, "https://www.news-a.example/1", "http://b.example/x?y=1", "https://한국.example/기사"]


@dataclass
class Doc:
    doc_id: str
    text: str
    url: str | None
    status: str
    doc_labels: dict[str, str]
    spans: list[dict[str, Any]] = field(default_factory=list)


@st.composite
def corpora(draw: st.DrawFn, incomplete: bool = False) -> list[Doc]:
    """1-3 documents with distinct texts (import skips a text it already has)."""
    docs = []
    for i in range(draw(st.integers(1, 3))):
        text = normalise_text(f"doc {i}\n" + draw(normalised_texts))[0]
        spans = draw(news_spans(text))
        has_article = any(s["label"] == "article" for s in spans)
        if incomplete:
            status = draw(st.sampled_from(STATUSES))
            labels = draw(st.sampled_from([{}, {"page_type": "article"}, {"page_type": "broken"}]))
        else:  # what "done" asks: a page type, and an article when it says "article"
            status = "done"
            page_type = "article" if has_article else draw(st.sampled_from(OTHER_PAGE_TYPES))
            labels = {"page_type": page_type}
        docs.append(Doc(f"d{i}", text, draw(st.sampled_from(URLS)), status, labels, spans))
    return docs


def build_corpus(root: Path, docs: list[Doc]) -> Corpus:
    corpus = Corpus.create(root)
    for doc in docs:
        meta = DocumentMeta(
            doc_id=doc.doc_id,
            text_sha256=sha256_text(doc.text),
            chars=len(doc.text),
            source=f"test:{doc.doc_id}",
            source_format="txt",
            url=doc.url,
        )
        corpus.add_document(doc.text, meta)
        annotation = Annotation(
            doc_id=doc.doc_id,
            text_sha256=sha256_text(doc.text),
            annotator=GOLD,
            status=doc.status,  # type: ignore[arg-type]
            doc_labels=doc.doc_labels,
            spans=[Span(**span) for span in doc.spans],
        )
        corpus.save_annotation(annotation, annotator=GOLD)
    return corpus


def expected_clean_text(text: str, article: dict[str, Any], spans: list[dict[str, Any]]) -> str:
    """The README's clean text, computed character by character: the article minus the
    boilerplate inside it, runs of blank lines squeezed, ends stripped."""
    cut = {i for s in spans if s["label"] == "boilerplate" for i in range(s["start"], s["end"])}
    kept = "".join(text[i] for i in range(article["start"], article["end"]) if i not in cut)
    return re.sub("\n{3,}", "\n\n", kept.strip())


def check_record(record: dict[str, Any], doc: Doc) -> None:
    ExportRecord.model_validate(record)
    text = record["text"]
    assert text == doc.text
    for article in record["articles"]:
        clean = article["clean_text"]
        assert clean == expected_clean_text(text, article, record["spans"])
        position = 0
        for c, d, n in article["clean_map"]:
            assert c == position and n > 0  # consecutive, non-empty segments
            assert clean[c : c + n] == text[d : d + n]
            position += n
        assert position == len(clean)  # the segments name the whole clean text
        parts = [article[k] for k in ("title", "subtitle", "byline", "date") if article[k]]
        for part in [*parts, *article["entities"]]:
            assert text[part["start"] : part["end"]] == part["text"]
            # Clean offsets exactly when one segment holds the whole span.
            whole = [
                c + part["start"] - d
                for c, d, n in article["clean_map"]
                if d <= part["start"] and part["end"] <= d + n
            ]
            if whole:
                assert (part["clean_start"], part["clean_end"]) == (
                    whole[0],
                    whole[0] + part["end"] - part["start"],
                )
                assert clean[part["clean_start"] : part["clean_end"]] == part["text"]
            else:
                assert part["clean_start"] is None and part["clean_end"] is None


def span_order(span: dict[str, Any]) -> tuple[int, int, str]:
    return span["start"], -span["end"], span["id"]


def round_trip(tmp: Path, docs: list[Doc], allow_incomplete: bool) -> None:
    corpus = build_corpus(tmp / "corpus", docs)
    out = tmp / "out"
    result = export_corpus(corpus, ExportOptions("jsonl", out, allow_incomplete=allow_incomplete))
    assert result.exported == len(docs), result.excluded
    lines = (out / "data.jsonl").read_bytes().splitlines()
    records = {r["id"]: r for r in map(orjson.loads, lines)}
    by_id = {doc.doc_id: doc for doc in docs}
    assert sorted(records) == sorted(by_id)
    for doc_id, record in records.items():
        check_record(record, by_id[doc_id])

    again = Corpus.create(tmp / "again")
    report = import_paths(again, [out / "data.jsonl"])
    assert report.problems == []
    assert (report.imported, report.annotations) == (len(docs), len(docs))
    assert again.doc_ids() == sorted(by_id)
    for doc in docs:
        assert again.read_text(doc.doc_id) == doc.text
        assert again.read_meta(doc.doc_id).url == doc.url
        loaded = again.load_annotation(GOLD, doc.doc_id)
        assert loaded is not None
        annotation = loaded.annotation
        assert (annotation.status, annotation.doc_labels) == (doc.status, doc.doc_labels)
        spans = [s.model_dump() for s in annotation.spans]
        assert sorted(spans, key=span_order) == sorted(doc.spans, key=span_order)
        # The file holds them in the export's order.
        assert spans == records[doc.doc_id]["spans"]


@SETTINGS
@given(corpora())
def test_a_finished_corpus_round_trips_through_jsonl(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory(dir=TMP) as tmp:
        round_trip(Path(tmp), docs, allow_incomplete=False)


@SETTINGS
@given(corpora(incomplete=True))
def test_unfinished_work_round_trips_with_allow_incomplete(docs: list[Doc]) -> None:
    """Any status, no page type (or "article" without an article): exported with
    --allow-incomplete, imported back as it was."""
    with tempfile.TemporaryDirectory(dir=TMP) as tmp:
        round_trip(Path(tmp), docs, allow_incomplete=True)


@st.composite
def rule_breaking_corpora(draw: st.DrawFn) -> list[Doc]:
    """Unfinished corpora in which every document breaks a rule of unfinished work (an
    overlap, a part outside any article, a missing required attribute): the corpus loads
    such files, and --allow-incomplete exports them."""
    docs = draw(corpora(incomplete=True))
    for doc in docs:
        kind = draw(st.sampled_from(["overlap", "not-inside", "missing-attr"]))
        with_attrs = [s for s in doc.spans if s["label"] in ("article", "boilerplate")]
        if kind == "overlap" and doc.spans:
            twin = draw(st.sampled_from(doc.spans))
            doc.spans.append({**twin, "id": "~twin"})  # every label's spans may not overlap
        elif kind == "missing-attr" and with_attrs:
            draw(st.sampled_from(with_attrs))["attrs"] = {}  # role or kind is required
        else:
            doc.spans = [s for s in doc.spans if s["label"] != "article"]
            first = doc.text[:1]
            doc.spans.append(
                {"id": "~title", "start": 0, "end": 1, "label": "title", "text": first, "attrs": {}}
            )
    return docs


@settings(max_examples=5, deadline=None, derandomize=True, phases=[Phase.generate])
@given(rule_breaking_corpora())
def test_rule_breaks_of_unfinished_work_round_trip_with_allow_incomplete(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory(dir=TMP) as tmp:
        round_trip(Path(tmp), docs, allow_incomplete=True)
