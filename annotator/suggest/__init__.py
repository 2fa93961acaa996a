"""Pre-annotation: suggestions written as the reserved annotator ``suggestions``.

Sources: boilerplate (lines repeated across a site, layout cues), the main article
(trafilatura on the kept HTML mapped back to the text, or the densest block of long
lines), related teasers, title, byline and date (page metadata and patterns), and
entities (a gazetteer of what people labelled). See :mod:`annotator.suggest.engine`;
:func:`suggest_page` is the same for one page from its HTML alone (crawl scale).
"""

from __future__ import annotations

from annotator.suggest.engine import SOURCES, DocInput
from annotator.suggest.page import PageSuggestion, suggest_frame, suggest_page
from annotator.suggest.runner import SuggestReport, normalise_only, suggest_corpus, suggest_text

__all__ = [
    "SOURCES",
    "DocInput",
    "PageSuggestion",
    "SuggestReport",
    "normalise_only",
    "suggest_corpus",
    "suggest_frame",
    "suggest_page",
    "suggest_text",
]
