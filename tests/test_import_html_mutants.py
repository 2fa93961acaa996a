"""Flattening pages nested too deeply to parse (``annotator.importers.html``), pinned where
mutmut found it unpinned: below :data:`MAX_DEPTH` only line-breaking void tags (``<br>``,
``<hr>``, ``<wbr>``; self-closed ``<br/>`` and ``<hr/>``) are kept, every other tag goes and
its text stays. Checked on :func:`flatten_html`'s exact output and on the text import gets
from such a page.
"""

from __future__ import annotations

from annotator.importers.html import MAX_DEPTH, flatten_html, html_to_text

#: Exactly MAX_DEPTH open elements: whatever follows is nested deeper than the limit.
AT_LIMIT = "<div>" * MAX_DEPTH


def test_self_closed_tags_past_the_limit_keep_only_line_breaks() -> None:
    page = AT_LIMIT + 'a<img src="x.png" />b<hr/>c<br/>d<span/>e'
    assert flatten_html(page) == AT_LIMIT + "ab<hr/>c<br/>de"


def test_self_closed_tags_within_the_limit_are_kept() -> None:
    below = "<div>" * (MAX_DEPTH - 1)
    page = below + 'a<img src="x.png" />b<span/>c'
    assert flatten_html(page) == page


def test_void_tags_past_the_limit_keep_only_line_breaks() -> None:
    page = AT_LIMIT + 'a<img src="x.png">b<br>c<wbr>d<input name="q">e<hr>f'
    assert flatten_html(page) == AT_LIMIT + "ab<br>c<wbr>de<hr>f"


def test_line_breaks_survive_in_a_page_too_deep_to_parse() -> None:
    # 3000 levels: past libxml2's own limit, so the text comes from the flattened copy.
    deep = "<div>" * 3000
    assert html_to_text(deep + "one<hr/>two<br/>three<br>four").text == "one\n\ntwo\nthree\nfour"
