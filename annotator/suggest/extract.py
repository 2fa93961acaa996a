"""Main-content extraction from the kept original HTML (trafilatura), as plain text."""

from __future__ import annotations

import functools
import gzip
import logging
import warnings
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# trafilatura logs every page it finds hard at WARNING; the suggestion run reports its own.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("readability").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None = None
    author: str | None = None
    date: str | None = None


def read_html(path: Path) -> str:
    """The HTML of a ``.source.html.gz`` file as text (UTF-8, bad bytes replaced)."""
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def extract_main(html: str, url: str | None = None) -> str:
    """The main article of ``html`` as trafilatura sees it ('' when it finds none).

    trafilatura's defaults score well on the article-extraction benchmark (0.958 F1;
    favor_precision 0.959 before our mapping, favor_recall 0.952, without tables 0.950).
    ``fast=True`` (no fallback extractors, a third faster) scores 0.962 against 0.960 on
    the benchmark's pages alone with trafilatura 2.3, but loses recall on the readability
    test pages (0.900 against 0.923), so the defaults it is; tables stay in because news
    pages put real content in them.
    """
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
        except Exception:
            return ""
    return result or ""


#: The readability summaries trafilatura makes during one :func:`extract_with_readability`
#: call (a list while it runs; None otherwise, so that other callers record nothing).
_SUMMARIES: ContextVar[list[str] | None] = ContextVar("readability_summaries", default=None)


def extract_with_readability(html: str, url: str | None = None) -> tuple[str, str | None]:
    """:func:`extract_main`'s text of ``html`` and the HTML of the article readability found
    on the way, or None when trafilatura did not run readability this time.

    trafilatura compares its own extraction with readability's (its fork of readability-lxml)
    on every page, so the trained model's readability vote need not run readability a second
    time: the summary is read as trafilatura makes it (docs/adr/0035). Its text was the one
    :func:`readability_text` makes from the raw page on all 298 pages measured; a caller
    that gets None makes it that way.
    """
    if not _record_readability():
        return extract_main(html, url), None
    seen: list[str] = []
    token = _SUMMARIES.set(seen)
    try:
        text = extract_main(html, url)
    finally:
        _SUMMARIES.reset(token)
    # The first summary is of the page as it came; a retry in recall mode makes a second.
    return text, seen[0] if seen else None


@functools.cache
def _record_readability() -> bool:
    """Make trafilatura's readability report its summaries to :data:`_SUMMARIES` (once per
    process); False when this trafilatura has no readability to hook (another version)."""
    try:
        import trafilatura.external as external

        base: Any = external.ReadabilityDocument
        base.summary  # noqa: B018 - the method recorded below must exist
    except (ImportError, AttributeError):
        return False

    class RecordingDocument(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        def summary(self) -> str:
            result: str = super().summary()
            seen = _SUMMARIES.get()
            if seen is not None:
                seen.append(result)
            return result

    external.ReadabilityDocument = RecordingDocument
    return True


def page_meta(html: str) -> PageMeta:
    """Title, author and date that trafilatura reads from the page's metadata."""
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            meta = trafilatura.extract_metadata(html)
        except Exception:
            return PageMeta()
    if meta is None:
        return PageMeta()
    return PageMeta(title=meta.title or None, author=meta.author or None, date=meta.date or None)


def readability_text(html: str) -> str:
    """The article readability (trafilatura's fork of readability-lxml) finds, as text."""
    from trafilatura.readability_lxml import Document

    from annotator.importers.html import parse_html

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            root = parse_html(html)
            if root is None:
                return ""
            return summary_text(Document(root).summary())
        except Exception:
            # A page readability cannot read gets no vote from it, like an empty extraction.
            return ""


def summary_text(summary: str) -> str:
    """The visible text of readability's summary (the HTML of the article it found)."""
    from annotator.importers.html import html_to_text

    try:
        return html_to_text(summary).text
    except Exception:
        return ""  # as readability_text: no vote rather than an error
