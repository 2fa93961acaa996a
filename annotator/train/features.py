"""Line features: one row of numbers per non-blank line of a document.

Four families, all cheap next to the extractors themselves:

* the line's text: length, tokens, shares of digits, punctuation, capitals and link-like
  characters (urls, ``@``, ``|``, ``»``), sentence punctuation at its end;
* its place: position among the page's lines and characters;
* the site: how many other pages of the same site hold the same line (menus, footers);
* the votes of the extractors the suggestions already use: the share of the line that
  trafilatura's and readability's extractions cover (aligned as the built-in suggestions
  align them, :func:`annotator.suggest.align.align_lines`), the layout rules of
  :mod:`annotator.suggest.boilerplate`, and the same votes of the neighbouring lines;
* the DOM, where the original HTML is kept: a line is mapped to the innermost element whose
  visible text is the line (white space squeezed, case folded), which gives its tag, depth,
  link density and whether an ancestor is a ``nav``/``header``/``footer``/``aside`` or has a
  class or id such as ``comment``, ``share``, ``related``, ``menu``, ``sidebar``, ``ad``,
  ``article``, ``content``. A line that is not the whole text of one element (a ``<br>``
  inside a paragraph, text beside a block) is not mapped: its DOM features are missing
  (NaN), which LightGBM treats as a value of its own. The tag path itself is not a feature:
  paths differ between sites, and the model must work on sites it never saw.

Changing what a feature means, or the list, changes :data:`FEATURES_VERSION`, so that a
model trained on other features is refused instead of silently misread.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.etree
import numpy as np

from annotator.suggest import boilerplate as bp
from annotator.suggest.align import DocTokens, align_lines, document_tokens
from annotator.suggest.engine import DocInput, _is_byline_line, _is_date_line
from annotator.suggest.lines import Line, norm, split_lines, tokens

#: Bumped whenever a feature's meaning or the list changes.
FEATURES_VERSION = 1

_TEXT = (
    "weight", "log_weight", "tokens", "digit_share", "punct_share", "upper_share",
    "link_like", "ends_sentence", "starts_bullet",
)
_PLACE = ("rel_line", "rel_char", "lines_in_page")
_SITE = ("site_docs", "site_repeat", "site_repeat_share")
_VOTES = (
    "traf", "read", "traf_empty", "read_empty", "traf_inside", "read_inside",
    "layout", "caption", "related_header", "date_line", "byline_line",
    "traf_prev", "traf_next", "read_prev", "read_next", "weight_prev", "weight_next",
    "traf_window", "read_window",
)
_DOM = (
    "dom_found", "dom_depth", "dom_link_density", "tag_p", "tag_heading", "tag_li", "tag_td",
    "tag_a", "tag_div", "in_nav", "in_header", "in_footer", "in_aside", "in_article",
    "cls_comment", "cls_share", "cls_related", "cls_menu", "cls_sidebar", "cls_ad",
    "cls_content", "cls_caption",
)
#: The feature names, in column order (the model's file and card carry them).
FEATURES: tuple[str, ...] = _TEXT + _PLACE + _SITE + _VOTES + _DOM

_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_UPPER = re.compile(r"[A-ZÀ-ÞА-Я]")
#: What reads like a link, an address or a link separator. ``link_like_chars`` counts its
#: matches word by word: ``\S+@\S+`` searched over a long word with no ``@`` backtracks from
#: every position (quadratic: a 3 MB one-word page took hours).
_LINK_LIKE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[|»›>•·]")
_LINK_LIKE_NO_AT = re.compile(r"https?://\S+|www\.\S+|[|»›>•·]")
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’)]$")
_BULLET = re.compile(r"^[-*•·›»▶►◆■□●○]")
_CLASS_WORDS = {
    "cls_comment": re.compile(r"comment|disqus|reply", re.I),
    "cls_share": re.compile(r"share|social|facebook|twitter|sns", re.I),
    "cls_related": re.compile(r"related|recommend|more-|popular|trending|teaser", re.I),
    "cls_menu": re.compile(r"\bnav|menu|breadcrumb|topbar|masthead", re.I),
    "cls_sidebar": re.compile(r"sidebar|widget|aside|rail", re.I),
    "cls_ad": re.compile(r"(?:^|[\s_-])ads?(?:$|[\s_-])|advert|banner|promo|sponsor", re.I),
    "cls_content": re.compile(r"article|content|post|entry|story|body|text", re.I),
    "cls_caption": re.compile(r"caption|credit|figure|photo", re.I),
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
#: Elements with more text than this are never a single line worth mapping.
_MAX_MAPPED = 5000
_WINDOW = 3


@dataclass(slots=True)
class SiteLines:
    """How many pages of one site hold each line (counted once a page), and the pages."""

    docs: int = 0
    lines: Counter[str] = field(default_factory=Counter)

    def add(self, text: str) -> None:
        self.add_keys(bp.keyed_lines(text)[1])

    def add_keys(self, keys: Iterable[str]) -> None:
        """One page, given by the :func:`norm` forms of its non-blank lines."""
        self.docs += 1
        self.lines.update(set(keys))


def readability_text(html: str) -> str:
    """The article readability (trafilatura's fork of readability-lxml) finds, as text."""
    from trafilatura.readability_lxml import Document

    from annotator.importers.html import html_to_text, parse_html

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            root = parse_html(html)
            if root is None:
                return ""
            return html_to_text(Document(root).summary()).text
        except Exception:
            # A page readability cannot read gets no vote from it, like an empty extraction.
            return ""


@dataclass(slots=True)
class _Node:
    el: object
    tag: str
    classes: str
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    #: Its own flags (tag and class words), counted in on its start and out on its end.
    flags: tuple[str, ...] = ()


def dom_lines(html: str) -> dict[str, tuple[float, ...]]:
    """The DOM features (the :data:`_DOM` columns after ``dom_found``) of each innermost
    element, keyed by its visible text in :func:`norm` form."""
    from annotator.importers.html import is_hidden, parse_html

    try:
        root = parse_html(html)
    except ValueError:
        return {}
    if root is None:
        return {}
    out: dict[str, tuple[float, ...]] = {}
    stack: list[_Node] = []
    # Ancestor counts of the flags, so that each element's flags cost O(1).
    flags: Counter[str] = Counter()
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if not tag or tag in _SKIPPED or is_hidden(el):
                walker.skip_subtree()
                if stack and el.tail:
                    stack[-1].parts.append(el.tail)
                continue
            node = _Node(el, tag, f"{el.get('class') or ''} {el.get('id') or ''}")
            node.flags = _node_flags(node)
            stack.append(node)
            for name in node.flags:
                flags[name] += 1
            if el.text:
                node.parts.append(el.text)
            continue
        if not stack or stack[-1].el is not el:
            continue  # the end of a skipped element (its start was not pushed)
        node = stack.pop()
        content = "".join(node.parts)
        squeezed = " ".join(content.split())
        if node.tag == "a":
            node.link_chars = len(squeezed)
        if squeezed and len(squeezed) <= _MAX_MAPPED:
            key = norm(squeezed)
            if key not in out:  # the innermost element with this text ends first
                tag = node.tag
                out[key] = (
                    float(len(stack)),
                    min(1.0, node.link_chars / len(squeezed)),
                    float(tag == "p"), float(tag in _HEADINGS), float(tag == "li"),
                    float(tag in ("td", "th")), float(tag == "a"), float(tag == "div"),
                    *(float(flags[name] > 0) for name in _FLAG_NAMES),
                )
        for name in node.flags:
            flags[name] -= 1
        if stack:
            parent = stack[-1]
            # Block boundaries become spaces here: only the squeezed text is compared.
            parent.parts.append(" " + content + " " if node.tag not in _INLINE else content)
            parent.link_chars += node.link_chars
            if el.tail:
                parent.parts.append(el.tail)
    return out


_INLINE = frozenset({"a", "b", "i", "em", "strong", "span", "small", "sup", "sub", "u", "mark", "abbr", "time", "code", "font", "q", "s", "cite"})
_FLAG_NAMES = ("in_nav", "in_header", "in_footer", "in_aside", "in_article", *_CLASS_WORDS)
_TAG_FLAGS = {"nav": "in_nav", "header": "in_header", "footer": "in_footer", "aside": "in_aside", "article": "in_article", "main": "in_article"}


def _node_flags(node: _Node) -> tuple[str, ...]:
    words = _class_flags(node.classes) if node.classes.strip() else ()
    return (_TAG_FLAGS[node.tag], *words) if node.tag in _TAG_FLAGS else words


@functools.lru_cache(maxsize=4096)
def _class_flags(classes: str) -> tuple[str, ...]:
    # A site repeats a few class strings on thousands of elements: each is searched once.
    return tuple(name for name, pattern in _CLASS_WORDS.items() if pattern.search(classes))


def _ratios(text: str, lines: list[Line], extracted: str, doc_tokens: DocTokens) -> list[float]:
    if not extracted or not tokens(extracted):
        return [0.0] * len(lines)
    return [m.ratio for m in align_lines(text, lines, extracted, doc_tokens=doc_tokens)]


def _inside(values: list[float], index: list[int]) -> list[float]:
    """1 for lines between the first and the last line the extractor kept (its region)."""
    kept = [i for i in index if values[i] >= 0.5]
    if not kept:
        return [0.0] * len(values)
    first, last = kept[0], kept[-1]
    return [float(first <= i <= last) for i in range(len(values))]


@dataclass(slots=True)
class DocFeatures:
    """The rows of one document: ``rows[k]`` describes line ``index[k]`` of ``lines``."""

    lines: list[Line]
    index: list[int]
    rows: np.ndarray
    extracted: str


def link_like_chars(value: str) -> int:
    r"""The characters of ``value`` in ``_LINK_LIKE``'s matches, in linear time.

    No match spans white space, so the words can be searched one by one. In a word with an
    ``@`` that has a character on each side, ``\S+@\S+`` matches from the word's first
    character to its last (every alternative runs to the word's end); in any other word that
    alternative never matches, and the rest cannot backtrack.
    """
    total = 0
    for word in _WORD.findall(value):
        if word.rfind("@", 1, len(word) - 1) >= 1:
            total += len(word)
        else:
            total += sum(len(m.group()) for m in _LINK_LIKE_NO_AT.finditer(word))
    return total


def document_features(
    doc: DocInput, site: SiteLines | None = None, extracted: str | None = None, readability: str | None = None
) -> DocFeatures:
    """The feature rows of ``doc``'s non-blank lines. ``extracted`` and ``readability``:
    trafilatura's and readability's text when the caller already has them; ``site``: the
    line counts of the document's site (this document included)."""
    text = doc.text
    lines = split_lines(text)
    index = [ln.index for ln in lines if not ln.blank]
    if extracted is None:
        from annotator.suggest.extract import extract_main

        extracted = extract_main(doc.html, doc.url) if doc.html else ""
    read = readability
    if read is None:
        read = readability_text(doc.html) if doc.html else ""
    # The document is tokenized once for both extractors' alignments.
    doc_tokens = document_tokens(text, lines)
    traf = _ratios(text, lines, extracted, doc_tokens)
    rd = _ratios(text, lines, read, doc_tokens)
    traf_in, read_in = _inside(traf, index), _inside(rd, index)
    dom = dom_lines(doc.html) if doc.html else {}
    missing_dom = (0.0,) + (math.nan,) * (len(_DOM) - 1)
    n = len(index)
    chars = max(1, len(text))
    rows = np.empty((n, len(FEATURES)), dtype=np.float64)
    weights = [lines[i].weight for i in index]
    for k, i in enumerate(index):
        line = lines[i]
        value = line.text
        size = max(1, len(value))
        key = norm(value)
        repeat = 0.0
        share = math.nan
        if site is not None and site.docs > 1:
            repeat = float(max(0, site.lines.get(key, 1) - 1))
            share = repeat / (site.docs - 1)
        lo, hi = max(0, k - _WINDOW), min(n, k + _WINDOW + 1)
        near = index[lo:hi]
        found = dom.get(key)
        rows[k] = (
            line.weight, math.log1p(line.weight), len(tokens(value)),
            len(_DIGIT.findall(value)) / size, len(_PUNCT.findall(value)) / size,
            len(_UPPER.findall(value)) / size,
            link_like_chars(value) / size,
            float(bool(_SENTENCE_END.search(value))), float(bool(_BULLET.match(value))),
            k / max(1, n - 1), line.start / chars, float(n),
            float(site.docs if site is not None else 0), repeat, share,
            traf[i], rd[i], float(not extracted.strip()), float(not read.strip()),
            traf_in[i], read_in[i],
            float(bp.is_layout_boilerplate(line)), float(bp.is_caption(line)),
            float(bp.is_related_header(line)), float(_is_date_line(line)), float(_is_byline_line(line)),
            traf[index[k - 1]] if k else math.nan, traf[index[k + 1]] if k + 1 < n else math.nan,
            rd[index[k - 1]] if k else math.nan, rd[index[k + 1]] if k + 1 < n else math.nan,
            weights[k - 1] if k else math.nan, weights[k + 1] if k + 1 < n else math.nan,
            sum(traf[j] for j in near) / len(near), sum(rd[j] for j in near) / len(near),
            *((1.0, *found) if found is not None else missing_dom),
        )
    return DocFeatures(lines, index, rows, extracted)
