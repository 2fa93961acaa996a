"""The extractors' text of each page, kept beside the corpus so that they run once a page.

trafilatura (and readability, which the trained model's features also read) take about
half the time of suggesting or training on a page, and what they return is a function of
the page's HTML, its url and the libraries' versions alone. ``annotator suggest`` and
``annotator train`` keep each page's texts in ``CORPUS/.cache/extracted/DOC_ID.json`` under
a key made of those inputs: a page suggested once is not extracted again when a model is
trained on it, nor a page trained on when the model is trained again or when ``annotator
assign --order uncertain`` scores it. A key that differs
(the page imported anew, a library upgraded) is a miss, and the entry is written anew.

The folder is derived data (docs/adr/0033): deleting it costs only time; git ignores it
(:data:`annotator.sync.GITIGNORE_LINES`); a file that cannot be read, parsed or written is a
miss, never an error (a read-only corpus is suggested and trained on as before).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

import orjson

from annotator.corpus import read_umask
from annotator.suggest import extract
from annotator.suggest.engine import DocInput

#: Where the entries live, under the corpus folder.
CACHE_FOLDER = Path(".cache") / "extracted"
#: Bumped when the way a text is extracted changes here (settings, what is kept of it), so
#: that entries made the old way are misses.
EXTRACTION_VERSION = 1
#: The texts an entry may hold.
TRAFILATURA = "trafilatura"
READABILITY = "readability"


@functools.cache
def _versions() -> bytes:
    import lxml.etree
    import trafilatura

    parts = (
        f"extraction {EXTRACTION_VERSION}",
        f"trafilatura {trafilatura.__version__}",
        f"lxml {lxml.etree.LXML_VERSION}",
        f"libxml2 {lxml.etree.LIBXML_VERSION}",
    )
    return "\n".join(parts).encode()


def page_key(html: str, url: str | None) -> str:
    """What an entry must have been made from to be used: the HTML, the url (trafilatura
    reads it) and the versions of the code that extracts."""
    digest = hashlib.sha256(_versions())
    digest.update(b"\0" + (url or "").encode("utf-8", "surrogatepass") + b"\0")
    digest.update(html.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ExtractionCache:
    """The extractors' texts of a corpus's pages (see the module doc)."""

    def __init__(self, corpus_root: Path | str) -> None:
        self.folder = Path(corpus_root) / CACHE_FOLDER

    def path(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.json"

    def load(self, doc_id: str, key: str) -> dict[str, str]:
        """The texts kept for ``doc_id`` under ``key``; empty on a miss of any kind."""
        try:
            entry = orjson.loads(self.path(doc_id).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        if not isinstance(entry, dict) or entry.get("key") != key:
            return {}
        texts = entry.get("texts")
        if not isinstance(texts, dict):
            return {}
        return {k: v for k, v in texts.items() if k in (TRAFILATURA, READABILITY) and isinstance(v, str)}

    def store(self, doc_id: str, key: str, texts: dict[str, str]) -> None:
        """Keep ``texts`` for ``doc_id`` under ``key``, replacing what was there. The file is
        renamed into place whole (a reader sees the old entry or the new); it is not synced
        to disk, since a lost entry costs only its extraction again. Never raises OSError."""
        data = orjson.dumps({"key": key, "texts": texts})
        tmp_name = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{doc_id}.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), 0o666 & ~read_umask())
                handle.write(data)
            os.replace(tmp_name, self.path(doc_id))
        except OSError:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)


def extracted_texts(
    cache: ExtractionCache | None, doc: DocInput, *, readability: bool = False
) -> tuple[str, str | None]:
    """trafilatura's text of ``doc`` and, with ``readability``, readability's (else None):
    from ``cache`` when it holds them for this very page, else extracted (and kept there).
    A page without HTML has empty texts."""
    if not doc.html:
        return "", "" if readability else None
    if cache is None:
        return extract_texts(doc.html, doc.url, readability=readability)
    key = page_key(doc.html, doc.url)
    texts = cache.load(doc.doc_id, key)
    missing = False
    if TRAFILATURA not in texts:
        texts[TRAFILATURA], read = extract_texts(
            doc.html, doc.url, readability=readability and READABILITY not in texts
        )
        if read is not None:
            texts[READABILITY] = read
        missing = True
    if readability and READABILITY not in texts:
        texts[READABILITY] = extract.readability_text(doc.html)
        missing = True
    if missing:
        cache.store(doc.doc_id, key, texts)
    return texts[TRAFILATURA], texts[READABILITY] if readability else None


def extract_texts(html: str, url: str | None, *, readability: bool) -> tuple[str, str | None]:
    """trafilatura's text of a page and, with ``readability``, readability's (else None):
    readability's read from trafilatura's own run when it made one (docs/adr/0035), else
    made apart."""
    if not readability:
        return extract.extract_main(html, url), None
    text, summary = extract.extract_with_readability(html, url)
    return text, extract.readability_text(html) if summary is None else extract.summary_text(summary)
