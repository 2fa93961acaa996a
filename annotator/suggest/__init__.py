"""Pre-annotation: suggestions written as the reserved annotator ``suggestions``.

Sources: boilerplate (lines repeated across a site, layout cues), the main article
(trafilatura on the kept HTML mapped back to the text, or the densest block of long
lines), related teasers, title, byline and date (page metadata and patterns), and
entities (a gazetteer of what people labelled). See :mod:`annotator.suggest.engine`.
"""

from __future__ import annotations

from annotator.suggest.engine import SOURCES, DocInput
from annotator.suggest.runner import SuggestReport, normalise_only, suggest_corpus, suggest_text

__all__ = ["SOURCES", "DocInput", "SuggestReport", "normalise_only", "suggest_corpus", "suggest_text"]
