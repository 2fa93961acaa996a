"""Suggestions for one web page, from its HTML and url alone: the crawl-scale entry point.

:func:`suggest_page` needs no corpus, no files and no shared state, so any engine can map
it over millions of pages (a Dask bag, a Spark ``mapInPandas`` through
:func:`suggest_frame`, a plain ``multiprocessing.Pool``) and keep only the pages worth
annotating before anything is imported.

Its text is the text ``annotator import`` makes of the same page (decoded as the importer
decodes it, the visible text of :func:`annotator.importers.html.html_to_text`, LF newlines
and NFC), so its offsets are the imported document's offsets, and its spans are those
``annotator suggest`` writes for that page in a corpus where nothing ties it to other
pages. What only a corpus knows is left out: the lines repeated across a site's pages
(boilerplate by repetition), the entities people labelled, and a trained model's site line
counts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.default_scheme import news_scheme
from annotator.importers.html import decode_html, html_to_text
from annotator.importers.text import normalise_text
from annotator.model import AttrValue, LabelScheme
from annotator.rules import clean_text
from annotator.suggest.engine import SOURCES, DocInput
from annotator.suggest.extracted import extract_texts
from annotator.suggest.runner import suggest_text

if TYPE_CHECKING:
    import pandas as pd

    from annotator.train.model import LineModel

#: A page whose main article's clean text (article minus the boilerplate inside it) is
#: shorter than this is not worth annotating by default: a section front, a gallery, a
#: login wall. About three short paragraphs; CJK pages say as much in fewer characters,
#: so callers with a stricter or looser idea pass ``min_chars``.
WORTH_MIN_CHARS = 500

#: The columns :func:`suggest_frame` adds to each batch, in order (a Spark schema lists them).
FRAME_COLUMNS = (
    "text",
    "text_sha256",
    "method",
    "main_chars",
    "worth_annotating",
    "spans",
    "doc_labels",
    "error",
)


@dataclass(frozen=True)
class PageSuggestion:
    """What :func:`suggest_page` found on one page: plain, picklable data.

    ``spans`` are dicts ``{"start", "end", "label", "attrs"}`` with offsets into ``text``
    (Unicode code points), in text order; ``method`` says how the main article was found
    (``extractor``, ``text``, ``model`` or ``none``); ``main_chars`` is the length of the
    main article's clean text (0 without one).
    """

    text: str
    text_sha256: str
    url: str | None
    title: str | None
    method: str
    spans: list[dict[str, Any]] = field(default_factory=list)
    doc_labels: dict[str, str] = field(default_factory=dict)
    main_chars: int = 0
    #: A main article was found and its clean text has at least ``min_chars`` characters.
    worth_annotating: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def page_input(
    html: str | bytes, url: str | None = None, *, doc_id: str = "page", timezone: str | None = None
) -> tuple[DocInput, str | None]:
    """The document ``annotator import`` would make of the page, as the suggestion engine
    sees it, and the page's title. Raises ``ValueError`` (the importer's ``DecodeError`` or
    ``HtmlError``, with the reason) for bytes no encoding reads or a page nested too deeply."""
    if isinstance(html, bytes | bytearray | memoryview):
        # The importer's decision (BOM, declared charset, detection), so a page in EUC-KR
        # or windows-1252 gives the imported document's text.
        html = decode_html(bytes(html)).text
    page = html_to_text(html)
    text, _ = normalise_text(page.text)
    # A given url wins over the page's canonical, as a jsonl record's "url" does at import.
    doc = DocInput(doc_id, text, html, url or page.url, dict(page.meta), timezone)
    return doc, page.title


@functools.lru_cache(maxsize=4)
def _load_model(folder: str) -> LineModel:
    # Loaded once per process: a mapped function is called once per page.
    from annotator.train.model import LineModel

    return LineModel.load(Path(folder))


def suggest_page(
    html: str | bytes,
    url: str | None = None,
    *,
    scheme: LabelScheme | None = None,
    model: LineModel | str | Path | None = None,
    only: Iterable[str] = SOURCES,
    timezone: str | None = None,
    min_chars: int = WORTH_MIN_CHARS,
) -> PageSuggestion:
    """Suggested spans for one page, a pure function of its HTML and url.

    ``html``: the page as served (bytes, decoded as ``annotator import`` decodes them) or
    already decoded. ``url``: where it was fetched (else its canonical link). ``scheme``:
    the label scheme the spans must satisfy (default: the built-in news scheme, the one a
    new corpus gets). ``model``: a trained line model (:mod:`annotator.train`), loaded or
    its folder, which then finds the main article; it needs the extra ``train``.
    ``only``: the sources, as ``annotator suggest --only`` (entities need a corpus's
    labels and are never suggested here). ``timezone``: the zone a date without one is in,
    as ``import --timezone``.

    The result's ``text`` and spans are what importing the page and running
    ``annotator suggest`` give for it, apart from what only a corpus knows (see the module
    docstring). Raises ``ValueError`` for a page that cannot be turned into text.
    """
    doc, title = page_input(html, url, timezone=timezone)
    body_lines = None
    extracted = None
    if model is not None:
        loaded = _load_model(str(model)) if isinstance(model, str | Path) else model
        # Both extractors' texts from one trafilatura run (docs/adr/0035).
        read = ""
        if doc.html:
            extracted, read = extract_texts(doc.html, doc.url, readability=True)
        # No corpus, so no site line counts: the model sees the page as a site of its own.
        body_lines = loaded.predictor(None, read)
    annotation, method = suggest_text(
        doc, scheme or news_scheme(), only=only, body_lines=body_lines, extracted=extracted
    )
    spans = annotation.spans
    main = next((s for s in spans if s.label == "article" and s.attrs.get("role") == "main"), None)
    main_chars = len(clean_text(doc.text, main, spans)) if main is not None else 0
    return PageSuggestion(
        text=doc.text,
        text_sha256=annotation.text_sha256,
        url=doc.url,
        title=title,
        method=method,
        spans=[{"start": s.start, "end": s.end, "label": s.label, "attrs": _plain(s.attrs)} for s in spans],
        doc_labels=dict(annotation.doc_labels),
        main_chars=main_chars,
        worth_annotating=main is not None and main_chars >= min_chars,
    )


def _plain(attrs: dict[str, AttrValue]) -> dict[str, Any]:
    # Lists stay lists and values stay JSON types: the dicts go straight into JSON or Arrow.
    return {k: list(v) if isinstance(v, list | tuple) else v for k, v in attrs.items()}


def suggest_frame(
    frames: Iterable[pd.DataFrame],
    *,
    scheme: LabelScheme | None = None,
    model: LineModel | str | Path | None = None,
    min_chars: int = WORTH_MIN_CHARS,
) -> Iterator[pd.DataFrame]:
    """:func:`suggest_page` over batches of pages: Spark's ``mapInPandas`` function as is.

    Each batch needs a column ``html`` (str or bytes) and may have ``url``; the batch comes
    back with :data:`FRAME_COLUMNS` added: ``spans`` and ``doc_labels`` as JSON strings (a
    schema every engine can hold), ``error`` the reason for a page that could not be read
    (its other new columns then empty) and None otherwise. Needs pandas.
    """
    import orjson
    import pandas as pd

    for frame in frames:
        rows: list[dict[str, Any]] = []
        urls = frame["url"] if "url" in frame.columns else [None] * len(frame)
        for html, url in zip(frame["html"], urls, strict=True):
            rows.append(_frame_row(html, url, orjson.dumps, scheme, model, min_chars))
        added = pd.DataFrame(rows, columns=list(FRAME_COLUMNS), index=frame.index)
        added["main_chars"] = added["main_chars"].astype("Int64")
        added["worth_annotating"] = added["worth_annotating"].astype("boolean")
        yield pd.concat([frame, added], axis=1)


def _frame_row(
    html: object,
    url: object,
    dumps: Any,
    scheme: LabelScheme | None,
    model: LineModel | str | Path | None,
    min_chars: int,
) -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(FRAME_COLUMNS)
    if not isinstance(html, str | bytes | bytearray | memoryview):
        # Missing HTML (a null in the parquet, pandas' NaN): a row to report, not a crash
        # that loses the whole partition.
        return {**empty, "error": f"no html (got {type(html).__name__})"}
    try:
        found = suggest_page(
            html, url if isinstance(url, str) and url else None, scheme=scheme, model=model, min_chars=min_chars
        )
    except ValueError as exc:  # undecodable bytes, a page nested too deeply
        return {**empty, "error": str(exc) or type(exc).__name__}
    return {
        "text": found.text,
        "text_sha256": found.text_sha256,
        "method": found.method,
        "main_chars": found.main_chars,
        "worth_annotating": found.worth_annotating,
        "spans": dumps(found.spans).decode("utf-8"),
        "doc_labels": dumps(found.doc_labels).decode("utf-8"),
        "error": None,
    }
