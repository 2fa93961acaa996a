"""``extraction-benchmark``: the corpus laid out as the public article-extraction benchmark.

The benchmark (scrapinghub/article-extraction-benchmark) is a folder with
``ground-truth.json`` and ``html/ID.html.gz``; its extractors read each page with
``gzip.open(path, "rt", encoding="utf8")`` and write ``{ID: {"articleBody": ...}}``, which
its ``evaluate.py`` scores against the ground truth. This export writes the same two:

- ``ground-truth.json``: ``{DOC_ID: {"articleBody": ..., "url": ...}}``, sorted by id, the
  body being :func:`annotator.export.records.main_article_text` (the ``body`` of the main
  article(s), joined by a blank line; ``""`` for a page without one, which scores
  an extractor's precision on non-article pages);
- ``html/DOC_ID.html.gz``: the page's original HTML as kept at import
  (``documents/DOC_ID.source.html.gz``), as UTF-8: a page in another encoding is decoded
  with the encoding detected at import and written again as UTF-8.

A document imported from text or jsonl without HTML has nothing to extract from: it is
left out (``excluded`` in the manifest, code ``no-html``), since the benchmark's
``evaluate.py`` requires a prediction for every id of the ground truth. No splits: the
benchmark has none.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from annotator.corpus import Corpus, read_file_bytes
from annotator.export.base import Writer
from annotator.export.output import FileInfo, write_file
from annotator.export.records import main_article_text
from annotator.importers.html import KEPT_AS_UTF8, kept_html_text
from annotator.importers.text import DecodeError

GROUND_TRUTH = "ground-truth.json"
HTML_DIR = "html"
_UTF8 = frozenset({"utf-8", "utf_8", "utf8", "ascii", "us-ascii", "utf-8-sig"})


def utf8_html_gz(data: bytes, encoding: str | None, normalised: Sequence[str] = ()) -> bytes:
    """The kept ``.html.gz`` bytes as a gzip of UTF-8 HTML, decoded as import decoded them
    (:func:`kept_html_text`: a page decoded line by line is recorded as "utf-8" but is not)."""
    marked = any(n == "bom" or n.startswith(("invalid-bytes", KEPT_AS_UTF8)) for n in normalised)
    raw = gzip.decompress(data)
    if not marked and (encoding is None or encoding.lower() in _UTF8) and _is_utf8(raw):
        return data  # already what the benchmark's readers expect: copied as it is
    try:
        html = kept_html_text(raw, encoding, list(normalised))
    except DecodeError:
        html = raw.decode("utf-8", errors="replace")
    return gzip.compress(html.encode("utf-8", errors="replace"), mtime=0)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False  # an older import recorded "utf-8" for a page decoded line by line
    return True


class BenchmarkWriter(Writer):
    name = "extraction-benchmark"
    suffix = ".html.gz"

    def __init__(self, folder: Path, split_names: list[str], corpus: Corpus) -> None:
        super().__init__(folder, split_names)
        self.corpus = corpus
        self.truth: dict[str, dict[str, Any]] = {}
        self.dotted: list[str] = []

    def write(self, record: dict[str, Any]) -> None:
        doc_id = record["id"]
        self.truth[doc_id] = {
            "articleBody": main_article_text(record["articles"], "body"),
            "url": record["url"],
        }
        meta = self.corpus.read_meta(doc_id)
        data = read_file_bytes(self.corpus.html_path(doc_id))
        rel = f"{HTML_DIR}/{doc_id}{self.suffix}"
        self.files[rel] = write_file(self.folder / rel, utf8_html_gz(data, meta.encoding, meta.normalised))
        if "." in doc_id:
            self.dotted.append(doc_id)

    def close(self) -> dict[str, FileInfo]:
        body = orjson.dumps(
            dict(sorted(self.truth.items())), option=orjson.OPT_INDENT_2
        ) + b"\n"
        self.files[GROUND_TRUTH] = write_file(self.folder / GROUND_TRUTH, body)
        if self.dotted:
            self.warnings.append(
                f"{len(self.dotted)} id(s) hold a dot (e.g. {self.dotted[0]!r}): the benchmark's "
                "extractor scripts take the id as the file name up to its first dot"
            )
        return self.files


def has_html(corpus: Corpus, doc_id: str) -> bool:
    return corpus.html_path(doc_id).is_file()
