"""Label map templates (``annotator.importers.labelmap``) pinned where mutmut's second
sample found them unpinned: a common alias is only guessed when the scheme has its target.

The test builds the template for real unknown labels against a real scheme (the news scheme
without ``PER``) and asserts the whole mapping.

Equivalent mutants (no observable behaviour changes): none in this sample.
"""

from __future__ import annotations

from collections import Counter

from annotator.default_scheme import news_scheme
from annotator.importers.labelmap import template_entries


def test_an_alias_whose_target_the_scheme_lacks_is_left_blank() -> None:
    news = news_scheme()
    without_per = news.model_copy(
        update={
            "layers": [
                layer.model_copy(update={"labels": [lb for lb in layer.labels if lb.name != "PER"]})
                for layer in news.layers
            ]
        }
    )
    # "PERSON" is a known alias of PER, which this scheme does not have: no guess. "Org"
    # matches ORG ignoring case.
    assert template_entries(Counter({"PERSON": 1, "Org": 2}), without_per, {}) == {"Org": "ORG", "PERSON": ""}
