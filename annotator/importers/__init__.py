"""Importers: .txt, .html/.htm(.gz) and .jsonl files or folders -> corpus documents.

Public API (other modules and the GUI call these):

- :func:`import_paths` (corpus, paths, encoding=, annotator=, on_progress=) -> :class:`ImportReport`
- :func:`annotator.importers.html.html_to_text` (html) -> :class:`HtmlPage` (text + metadata)
- :func:`annotator.importers.text.decode_bytes` (data, declared=) -> (text, encoding, confidence)
"""

from __future__ import annotations

from annotator.importers.html import HtmlPage, html_to_text, source_html
from annotator.importers.ids import IdAllocator, file_stem, sanitise_id
from annotator.importers.importer import (
    DEFAULT_ANNOTATOR,
    FORMATS,
    ImportedDocument,
    Importer,
    ImportProblem,
    ImportReport,
    InputError,
    import_paths,
)
from annotator.importers.text import DecodeError, decode_bytes, normalise_text

__all__ = [
    "DEFAULT_ANNOTATOR",
    "FORMATS",
    "DecodeError",
    "HtmlPage",
    "IdAllocator",
    "ImportProblem",
    "ImportReport",
    "ImportedDocument",
    "Importer",
    "InputError",
    "decode_bytes",
    "file_stem",
    "html_to_text",
    "import_paths",
    "normalise_text",
    "sanitise_id",
    "source_html",
]
