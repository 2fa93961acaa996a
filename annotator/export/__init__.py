"""Export a finished corpus for training code: jsonl, CoNLL (BIO), parquet and plain text.

One module per format; :mod:`annotator.export.exporter` selects the documents, builds one
record per document (:mod:`annotator.export.records`), puts each site in one split
(:mod:`annotator.export.splits`), hands the records to the format's writer and writes the
manifest, all in a staging folder that is renamed into place at the end.
"""

from __future__ import annotations

from annotator.export.exporter import (
    FORMATS,
    ExportError,
    ExportOptions,
    ExportResult,
    export_corpus,
)

__all__ = ["FORMATS", "ExportError", "ExportOptions", "ExportResult", "export_corpus"]
