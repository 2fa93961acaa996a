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
* the line's box, where its element is mapped: how much of the other lines in the same
  parent element, and in every parent with the same path of tags and classes (a site that
  splits its article into several boxes of one kind), trafilatura and readability keep,
  and how many lines and how much text those hold. One extractor keeping the first boxes
  of an article and the other the last ones was the largest miss of the votes alone.

Changing what a feature means, or the list, changes :data:`FEATURES_VERSION`, so that a
model trained on other features is refused instead of silently misread.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.etree
import numpy as np

from annotator.suggest import boilerplate as bp
from annotator.suggest import extract
from annotator.suggest.align import DocTokens, document_tokens, line_ratios
from annotator.suggest.engine import DocInput, _is_byline_line, _is_date_line
from annotator.suggest.lines import TOKEN_RE, Line, norm, split_lines, tokens

#: Bumped whenever a feature's meaning or the list changes.
FEATURES_VERSION = 2

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
_BOX = (
    "parent_traf", "parent_read", "parent_lines", "parent_weight",
    "path_traf", "path_read", "path_lines", "path_weight",
)
#: The feature names, in column order (the model's file and card carry them).
FEATURES: tuple[str, ...] = _TEXT + _PLACE + _SITE + _VOTES + _DOM + _BOX

_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_UPPER = re.compile(r"[A-ZÀ-ÞА-Я]")
#: What reads like a link, an address or a link separator. ``link_like_chars`` counts its
#: matches word by word: ``\S+@\S+`` searched over a long word with no ``@`` backtracks from
#: every position (quadratic: a 3 MB one-word page took hours).
_LINK_LIKE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[|»›>•·]")
_LINK_LIKE_NO_AT = re.compile(r"https?://\S+|www\.\S+|[|»›>•·]")
#: What every match of ``_LINK_LIKE`` holds.
_LINK_HINT = re.compile(r"https?://|www\.|@|[|»›>•·]")
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


#: A mapped element's box: its parent's number in the walk, and the number of the parent's
#: path (each ancestor's tag and sorted classes; one number per distinct path of the page).
Box = tuple[int, int]


def dom_lines(html: str, boxes: dict[str, Box] | None = None) -> dict[str, tuple[float, ...]]:
    """The DOM features (the :data:`_DOM` columns after ``dom_found``) of each innermost
    element, keyed by its visible text in :func:`norm` form; ``boxes``, when given, gets
    each such element's :data:`Box` under the same key."""
    from annotator.importers.html import hidden_by, parse_html

    try:
        root = parse_html(html)
    except ValueError:
        return {}
    if root is None:
        return {}
    out: dict[str, tuple[float, ...]] = {}
    # The open elements, one entry each in these stacks (a walk visits thousands of
    # elements a page: plain lists, no object per element).
    elements: list[object] = []
    tags: list[str] = []
    pieces: list[list[str]] = []  # its text so far, in pieces joined when it ends
    #: Its characters that are not white space: a bound below its squeezed length, so that
    #: a container far longer than _MAX_MAPPED (the body, the page's wrappers) is never
    #: joined and squeezed at every level.
    solid: list[int] = []
    link_chars: list[int] = []
    own_flags: list[tuple[str, ...]] = []
    serials: list[int] = []
    paths: list[int] = []
    # A path is numbered from its parent's number and its last step: a deep page makes no
    # long strings (a path of 6,000 elements would be one per level).
    path_numbers: dict[tuple[int, str], int] = {}
    serial = 0
    # Ancestor counts of the flags, and the flag columns they give, remade only when a
    # count goes from 0 to 1 or back.
    counts: Counter[str] = Counter()
    columns = (0.0,) * len(_FLAG_NAMES)
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if not tag or tag in _SKIPPED or hidden_by(tag, el.get):
                walker.skip_subtree()
                tail = el.tail
                if pieces and tail:
                    pieces[-1].append(tail)
                    solid[-1] += _solid_length(tail)
                continue
            flags = _element_flags(tag, el.get("class"), el.get("id"))
            if flags:
                changed = False
                for name in flags:
                    counts[name] += 1
                    changed |= counts[name] == 1
                if changed:
                    columns = tuple(float(counts[name] > 0) for name in _FLAG_NAMES)
            elements.append(el)
            tags.append(tag)
            serial += 1
            serials.append(serial)
            step = (paths[-1] if paths else 0, _path_step(tag, el.get("class")))
            number = path_numbers.get(step)
            if number is None:
                number = path_numbers[step] = len(path_numbers) + 1
            paths.append(number)
            link_chars.append(0)
            own_flags.append(flags)
            text = el.text
            pieces.append([text] if text else [])
            solid.append(_solid_length(text) if text else 0)
            continue
        if not elements or elements[-1] is not el:
            continue  # the end of a skipped element (its start was not pushed)
        elements.pop()
        tag = tags.pop()
        parts = pieces.pop()
        own_solid = solid.pop()
        links = link_chars.pop()
        flags = own_flags.pop()
        serials.pop()
        paths.pop()
        if own_solid <= _MAX_MAPPED or tag == "a":
            squeezed = " ".join("".join(parts).split())
            if tag == "a":
                links = len(squeezed)
            if squeezed and len(squeezed) <= _MAX_MAPPED:
                key = norm(squeezed)
                if key not in out:  # the innermost element with this text ends first
                    out[key] = (float(len(elements)), min(1.0, links / len(squeezed)), *_tag_columns(tag), *columns)
                    if boxes is not None:
                        boxes[key] = (serials[-1], paths[-1]) if serials else (0, 0)
        if flags:
            changed = False
            for name in flags:
                counts[name] -= 1
                changed |= counts[name] == 0
            if changed:
                columns = tuple(float(counts[name] > 0) for name in _FLAG_NAMES)
        if pieces:
            parent = pieces[-1]
            # Block boundaries become spaces here: only the squeezed text is compared.
            if tag in _INLINE:
                parent.extend(parts)
            else:
                parent.append(" ")
                parent.extend(parts)
                parent.append(" ")
            solid[-1] += own_solid
            link_chars[-1] += links
            tail = el.tail
            if tail:
                parent.append(tail)
                solid[-1] += _solid_length(tail)
    return out


def _solid_length(text: str) -> int:
    """The characters of ``text`` that are not white space."""
    return sum(map(len, text.split()))


_INLINE = frozenset({"a", "b", "i", "em", "strong", "span", "small", "sup", "sub", "u", "mark", "abbr", "time", "code", "font", "q", "s", "cite"})
_FLAG_NAMES = ("in_nav", "in_header", "in_footer", "in_aside", "in_article", *_CLASS_WORDS)
_TAG_FLAGS = {"nav": "in_nav", "header": "in_header", "footer": "in_footer", "aside": "in_aside", "article": "in_article", "main": "in_article"}
#: Any of the class words: most class strings and ids hold none, and are searched once.
_ANY_CLASS_WORD = re.compile("|".join(f"(?:{p.pattern})" for p in _CLASS_WORDS.values()), re.I)
_TAG_COLUMNS: dict[str, tuple[float, ...]] = {}


@functools.lru_cache(maxsize=16384)
def _path_step(tag: str, classes: str | None) -> str:
    """One element's step of a path: its tag and its classes in order (a site repeats few)."""
    return f"{tag}.{'.'.join(sorted(classes.split()))}" if classes and classes.strip() else tag


def _element_flags(tag: str, classes: str | None, ident: str | None) -> tuple[str, ...]:
    """The flags an element sets for itself and what it holds: its tag's, and the class
    words of its class and id. No class word runs across the space between the two (each
    is a word or ends at a boundary), so each is searched alone, and a site's few class
    strings are each searched once."""
    words = _class_flags(classes) if classes else ()
    if ident:
        more = _class_flags(ident)
        if more:
            words = tuple(name for name in _CLASS_WORDS if name in words or name in more)
    return (_TAG_FLAGS[tag], *words) if tag in _TAG_FLAGS else words


@functools.lru_cache(maxsize=16384)
def _class_flags(classes: str) -> tuple[str, ...]:
    if not _ANY_CLASS_WORD.search(classes):
        return ()
    return tuple(name for name, pattern in _CLASS_WORDS.items() if pattern.search(classes))


def _tag_columns(tag: str) -> tuple[float, ...]:
    """The tag columns of :data:`_DOM` (p, heading, li, td, a, div)."""
    found = _TAG_COLUMNS.get(tag)
    if found is None:
        found = _TAG_COLUMNS[tag] = (
            float(tag == "p"), float(tag in _HEADINGS), float(tag == "li"),
            float(tag in ("td", "th")), float(tag == "a"), float(tag == "div"),
        )
    return found


def _ratios(text: str, lines: list[Line], extracted: str, doc_tokens: DocTokens) -> list[float]:
    if not extracted or not tokens(extracted):
        return [0.0] * len(lines)
    return line_ratios(text, lines, extracted, doc_tokens=doc_tokens)


def _box_columns(
    keys: list[str], boxes: dict[str, Box], traf: list[float], read: list[float], weights: list[int], index: list[int]
) -> list[tuple[float, ...]]:
    """The :data:`_BOX` columns of each line (``keys``: their :func:`norm` forms), NaN for a
    line whose element is not mapped."""
    found = [boxes.get(key) for key in keys]
    # Per parent and per path: lines, lines trafilatura keeps, lines readability keeps, weight.
    totals: list[dict[int, list[float]]] = [{}, {}]
    for k, box in enumerate(found):
        if box is None:
            continue
        i = index[k]
        for side, group in zip(totals, box, strict=True):
            sums = side.get(group)
            if sums is None:
                sums = side[group] = [0.0, 0.0, 0.0, 0.0]
            sums[0] += 1
            sums[1] += traf[i] >= 0.5
            sums[2] += read[i] >= 0.5
            sums[3] += weights[k]
    missing = (math.nan,) * len(_BOX)
    out: list[tuple[float, ...]] = []
    for box in found:
        if box is None:
            out.append(missing)
            continue
        row: list[float] = []
        for side, group in zip(totals, box, strict=True):
            lines, by_traf, by_read, weight = side[group]
            row += (by_traf / lines, by_read / lines, math.log1p(lines), math.log1p(weight))
        out.append(tuple(row))
    return out


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
    if not _LINK_HINT.search(value):
        return 0  # most lines: no word to look at
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
    read = readability
    if extracted is None:
        from annotator.suggest.extracted import extract_texts

        extracted, made = extract_texts(doc.html, doc.url, readability=read is None) if doc.html else ("", "")
        read = made if read is None else read
    if read is None:
        read = extract.readability_text(doc.html) if doc.html else ""
    # The document is tokenized once for both extractors' alignments.
    doc_tokens = document_tokens(text, lines)
    traf = _ratios(text, lines, extracted, doc_tokens)
    rd = _ratios(text, lines, read, doc_tokens)
    traf_in, read_in = _inside(traf, index), _inside(rd, index)
    boxes: dict[str, Box] = {}
    dom = dom_lines(doc.html, boxes) if doc.html else {}
    missing_dom = (0.0,) + (math.nan,) * (len(_DOM) - 1)
    n = len(index)
    chars = max(1, len(text))
    table: list[tuple[float, ...]] = []
    weights = [lines[i].weight for i in index]
    keys = [norm(lines[i].text) for i in index]
    box_columns = _box_columns(keys, boxes, traf, rd, weights, index)
    for k, i in enumerate(index):
        line = lines[i]
        value = line.text
        size = max(1, len(value))
        key = keys[k]
        repeat = 0.0
        share = math.nan
        if site is not None and site.docs > 1:
            repeat = float(max(0, site.lines.get(key, 1) - 1))
            share = repeat / (site.docs - 1)
        lo, hi = max(0, k - _WINDOW), min(n, k + _WINDOW + 1)
        near = index[lo:hi]
        found = dom.get(key)
        table.append((
            line.weight, math.log1p(line.weight), len(TOKEN_RE.findall(value)),
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
            *box_columns[k],
        ))
    # One conversion of the whole table, not one per row.
    rows = np.array(table, dtype=np.float64).reshape(n, len(FEATURES))
    return DocFeatures(lines, index, rows, extracted)
