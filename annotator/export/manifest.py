"""``manifest.json``, written beside every export: what is in it and how it was made."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import itemgetter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from annotator.model import LabelScheme

MANIFEST_NAME = "manifest.json"


class SplitCounts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: int = 0
    sites: int = 0
    articles: int = 0
    labels: dict[str, int] = Field(default_factory=dict, description="spans per label")
    doc_labels: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="documents per document label and value"
    )


class ExportManifest(BaseModel):
    """The contents of ``manifest.json``."""

    model_config = ConfigDict(extra="forbid")

    tool: str = "article-annotator"
    tool_version: str
    created: str
    corpus: str = Field(description="the corpus's name")
    corpus_path: str
    format: str
    source: str = Field(description="gold or the annotator whose files were exported")
    options: dict[str, Any] = Field(description="the options of the export, as given")
    allow_incomplete: bool = Field(
        description="true when documents that are not finished or break scheme rules "
        "were exported on purpose (listed in included_incomplete)"
    )
    scheme: LabelScheme
    counts: SplitCounts = Field(description="all splits together")
    splits: dict[str, SplitCounts] = Field(description='per split ("data" with no splits)')
    documents: dict[str, list[str]] = Field(
        description="exported document ids per split, in file order "
        "(for conll with text=articles: DOC_ID#ARTICLE_SPAN_ID)"
    )
    files: dict[str, dict[str, Any]] = Field(description="path -> sha256 and bytes")
    excluded: list[dict[str, str]] = Field(description="documents left out: id, code, reason")
    included_incomplete: list[dict[str, Any]] = Field(
        default_factory=list, description="documents exported despite: id, reasons"
    )
    warnings: list[str] = Field(default_factory=list)


_LABEL = itemgetter("label")


class DocSummary:
    """What the manifest counts of one document, kept between the two passes of an export."""

    __slots__ = ("articles", "doc_id", "doc_labels", "labels", "site")

    def __init__(self, doc_id: str, site: str, record: dict[str, Any]) -> None:
        self.doc_id = doc_id
        self.site = site
        self.articles = len(record["articles"])
        # The span labels as they come; counted once per split at the end (a Counter per
        # document, merged one by one, cost more than the rest of the manifest).
        self.labels: tuple[str, ...] = tuple(map(_LABEL, record["spans"]))
        self.doc_labels: dict[str, str] = record["doc_labels"]


class Tally:
    """Counts of one split (or of the whole export), gathered document by document."""

    def __init__(self) -> None:
        self.documents = 0
        self.sites: set[str] = set()
        self.articles = 0
        self._labels: list[tuple[str, ...]] = []
        self.doc_labels: dict[str, Counter[str]] = {}

    @property
    def labels(self) -> Counter[str]:
        return Counter(chain.from_iterable(self._labels))

    def add(self, doc: DocSummary) -> None:
        self.documents += 1
        self.sites.add(doc.site)
        self.articles += doc.articles
        self._labels.append(doc.labels)
        for name, value in doc.doc_labels.items():
            counts = self.doc_labels.get(name)
            if counts is None:
                counts = self.doc_labels[name] = Counter()
            counts[value] += 1

    def to_model(self) -> SplitCounts:
        return SplitCounts(
            documents=self.documents,
            sites=len(self.sites),
            articles=self.articles,
            labels=dict(sorted(self.labels.items())),
            doc_labels={k: dict(sorted(v.items())) for k, v in sorted(self.doc_labels.items())},
        )
