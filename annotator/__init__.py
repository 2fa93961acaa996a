"""article-annotator: turn raw web articles into labelled training corpora."""

__version__ = "0.1.0"
