"""HTML to the visible text of the whole page (boilerplate included), plus page metadata.

The annotators mark the boilerplate themselves, so this keeps every visible block, not only
the article. Decisions (documented in the README):

- dropped: ``<head>``, ``<script>``, ``<style>``, ``<template>``, ``<noscript>`` (what a
  browser with JavaScript shows is the page itself; noscript blocks are mostly "enable
  JavaScript" notices and duplicate images), ``<iframe>``/``<object>``/``<embed>``/
  ``<video>``/``<audio>``/``<canvas>`` fallback content, inline ``<svg>`` (icon tooltips),
  ``<datalist>``, a ``<dialog>`` that is not ``open``, ruby fallback parentheses ``<rp>``,
  every element with the ``hidden`` attribute (except ``hidden="until-found"``, which the
  reader can reveal) and every element whose inline style says ``display: none`` or
  ``visibility: hidden|collapse``; comments and processing instructions.
- kept: ``aria-hidden="true"`` content (it hides from screen readers, not from the eye: the
  text is on screen and an annotator must be able to mark it), the contents of a closed
  ``<details>`` (one click away), form labels and buttons.
- layout: block elements end a line; paragraphs, headings, lists, tables, block quotes and
  ``<pre>`` are separated by one blank line; every table cell (``td``/``th``) and list item
  is its own line; ``<br>`` is a line break; at most one blank line in a row.
- whitespace: runs of HTML whitespace (space, tab, newlines) and no-break spaces inside a
  block become one space, trimmed at line ends, as a browser renders them; ``<pre>`` and
  ``<textarea>`` keep theirs. Inline elements are joined without adding a space
  (``<b>Hel</b>lo`` is "Hello"), which is why the walk below is ours and not html-text's
  (html-text guesses spaces between inline elements and collapses ``<pre>``); its tag
  lists are reused.
- entities are decoded by the parser (lxml).
- depth: libxml2 stops parsing, dropping the rest of the page, at 2048 nested elements
  (even with ``huge_tree``). A page that hits that limit is parsed again after
  :func:`flatten_html` has removed the tags nested deeper than :data:`MAX_DEPTH` (their text
  stays, block tags become line breaks, hidden elements stay hidden), so no text is lost;
  a page that still cannot be parsed is refused with :class:`HtmlError`, never cut short.
"""

from __future__ import annotations

import gzip
import html.parser
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import html_text
import lxml.etree
import lxml.html

from annotator.importers.text import Decoded, DecodeError, decode

if TYPE_CHECKING:
    from annotator.corpus import Corpus

#: Elements whose whole subtree is not shown.
DROPPED_TAGS = frozenset(
    {
        "head",
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "video",
        "audio",
        "canvas",
        "svg",
        "datalist",
        "rp",
        "title",
        "meta",
        "link",
        "base",
    }
)
#: Blocks followed by a blank line (html-text's list, plus tables parts and sections).
DOUBLE_NEWLINE_TAGS = (html_text.DOUBLE_NEWLINE_TAGS - {"title"}) | {"table", "section", "hr"}
#: Blocks on their own line.
NEWLINE_TAGS = (
    html_text.NEWLINE_TAGS
    | {
        "address",
        "caption",
        "center",
        "dialog",
        "hgroup",
        "menu",
        "summary",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "option",
        "body",
        "html",
    }
) - DOUBLE_NEWLINE_TAGS - {"br"}
#: Elements whose text keeps its whitespace.
PRE_TAGS = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})

#: Elements with no content and no end tag.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "keygen"}
)
#: Nesting kept by :func:`flatten_html`: well under libxml2's 2048, which also counts the
#: elements the parser adds itself (html, body, implied tables parts...).
MAX_DEPTH = 1000


class HtmlError(ValueError):
    """A page that cannot be turned into text; the message says why."""


_WS = re.compile(r"[ \t\n\r\f\xa0]+")
_STYLE_HIDDEN = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\s*(?:!important\s*)?(?:;|$)",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")


@dataclass
class HtmlPage:
    """The visible text of a page and what its markup says about it."""

    text: str
    #: title, canonical, og:*, author, published_time, description, lang, dir (when present).
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        return self.meta.get("og:title") or self.meta.get("title")

    @property
    def url(self) -> str | None:
        return self.meta.get("canonical") or self.meta.get("og:url")


# --------------------------------------------------------------------------- charset


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first bytes (``<meta charset>``, http-equiv, xml)."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_html(data: bytes, forced: str | None = None) -> Decoded:
    """BOM, ``forced``, UTF-8, the declared charset, then detection (see ``text.decode``)."""
    return decode(data, declared=declared_charset(data), forced=forced)


#: ``normalised`` entry of a page whose kept HTML is the decoded page in UTF-8, not the
#: original bytes (import found that its recorded decision would not read them back alike).
KEPT_AS_UTF8 = "html-kept-as-utf-8"


def kept_html_text(data: bytes, encoding: str | None, normalised: list[str]) -> str:
    """The kept original ``data`` decoded exactly as import decoded it.

    ``encoding`` and ``normalised`` are what import recorded (the meta's). A page decoded
    by its BOM, or line by line (``invalid-bytes:...``: no single encoding reads it), gets
    the same decision again (:func:`decode_html` is deterministic); any other page is in
    ``encoding`` as a whole (``ascii`` and a missing one are UTF-8). Bytes that the
    recorded encoding does not read (a corpus imported by an older version that recorded
    "utf-8" for a page decoded line by line, or an edited meta) are decoded as import
    decodes them now instead of being refused. Raises :class:`DecodeError` only for bytes
    that no decision reads.
    """
    if KEPT_AS_UTF8 in normalised:
        return data.decode("utf-8", errors="surrogatepass")
    if "bom" in normalised or any(n.startswith("invalid-bytes") for n in normalised):
        return decode_html(data).text
    try:
        return decode(data, forced=encoding if encoding not in (None, "ascii") else "utf-8").text
    except (DecodeError, LookupError):
        return decode_html(data).text


def source_html(corpus: Corpus, doc_id: str) -> str | None:
    """The kept original HTML of ``doc_id`` as text, or None when it was not imported from HTML.

    ``normalise_text(html_to_text(source_html(...)).text)[0]`` is the document's text when its
    meta's ``normalised`` contains ``html-to-text``: extractors run on it map back to offsets.
    Decoded by :func:`kept_html_text` with the decision import recorded.
    """
    meta = corpus.read_meta(doc_id)
    if not meta.html_source:
        return None
    data = gzip.decompress(corpus.html_path(doc_id).read_bytes())
    return kept_html_text(data, meta.encoding, meta.normalised)


# --------------------------------------------------------------------------- text


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Parse ``html`` (already decoded) with lxml; None when there is nothing to parse.

    Raises :class:`HtmlError` for a page nested too deeply to parse even after flattening.
    """
    root, too_deep = _parse(html)
    if too_deep:
        # libxml2 gave up at its depth limit and dropped the rest: parse a flattened copy.
        root, too_deep = _parse(flatten_html(html))
        if too_deep:
            raise HtmlError(f"elements nested more than {MAX_DEPTH} deep: the page cannot be parsed")
    return root


def _parse(html: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """The tree, and whether the parser stopped at its depth limit (losing what followed)."""
    # Bytes with an explicit UTF-8 parser: lxml refuses str input that carries an XML
    # encoding declaration, and a <meta charset> must not re-decode what is already text.
    data = html.replace("\x00", "").encode("utf-8", errors="replace")
    if not data.strip():
        return None, False
    parser = lxml.html.HTMLParser(
        recover=True, encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
    )
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        root = None
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return root, too_deep


def flatten_html(html: str) -> str:
    """``html`` with the tags nested deeper than :data:`MAX_DEPTH` removed, their text kept.

    Nesting is followed with the standard library's tokenizer (which has no depth limit):
    a start tag opens, an end tag closes up to the nearest open element of its name. Below
    the limit a block tag becomes ``<br>`` (its line break stays), an inline tag goes, and a
    hidden element (see :func:`is_hidden`) goes with everything inside it.
    """
    flattener = _Flattener()
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out)


def hidden_by(tag: str, get: Callable[[str], str | None]) -> bool:
    """Whether an element ``tag`` with attributes ``get(name)`` is not shown by a browser."""
    if tag in DROPPED_TAGS:
        return True
    hidden = get("hidden")
    if hidden is not None and hidden.strip().lower() != "until-found":
        return True
    if tag == "dialog" and get("open") is None:
        return True
    if tag == "input" and (get("type") or "").lower() == "hidden":
        return True
    style = get("style")
    return bool(style and _STYLE_HIDDEN.search(style))


class _Flattener(html.parser.HTMLParser):
    """Copies a page, leaving out the tags nested deeper than :data:`MAX_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        #: Open elements: (tag, whether its tags are copied).
        self.stack: list[tuple[str, bool]] = []
        self.kept = 0  # copied elements on the stack
        self.open_count: dict[str, int] = {}  # open elements per name: an unmatched end tag is O(1)
        self.hiding_at: int | None = None  # stack size when a hidden, dropped element opened

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hiding_at is not None:
            if tag not in VOID_TAGS:
                self._push(tag, False)
            return
        if self.kept < MAX_DEPTH:
            self.out.append(self.get_starttag_text() or "")
            if tag not in VOID_TAGS:
                self._push(tag, True)
            return
        # A bare attribute (``<span hidden>``) comes as None: present, unlike a missing one.
        values = {name: value or "" for name, value in attrs}
        if hidden_by(tag, values.get):
            if tag not in VOID_TAGS:
                self.hiding_at = len(self.stack)
                self._push(tag, False)
            return
        if tag in VOID_TAGS:
            if tag in ("br", "hr", "wbr"):
                self.out.append(self.get_starttag_text() or "")
            return
        self._block_break(tag)
        self._push(tag, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hiding_at is None and (self.kept < MAX_DEPTH or tag in ("br", "hr")):
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.open_count.get(tag):
            return  # closes nothing that is open
        while self.stack:
            name, copied = self.stack.pop()
            self.open_count[name] -= 1
            if copied:
                self.kept -= 1
            if self.hiding_at is not None and len(self.stack) <= self.hiding_at:
                self.hiding_at = None
            elif name == tag and not copied and self.hiding_at is None:
                self._block_break(tag)
            if name == tag:
                if copied:
                    self.out.append(f"</{tag}>")
                return

    def handle_data(self, data: str) -> None:
        if self.hiding_at is None:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.handle_data(f"<!{decl}>")

    def _push(self, tag: str, copied: bool) -> None:
        self.stack.append((tag, copied))
        self.open_count[tag] = self.open_count.get(tag, 0) + 1
        self.kept += copied

    def _block_break(self, tag: str) -> None:
        if tag in DOUBLE_NEWLINE_TAGS or tag in NEWLINE_TAGS:
            self.out.append("<br>")


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    """True for an element a browser does not show (see the module docstring)."""
    tag = el.tag
    if not isinstance(tag, str):
        return True  # comments, processing instructions, entities
    return hidden_by(tag.lower(), el.get)


class _TextBuilder:
    """Collects text with pending line breaks and spaces, the way a browser lays out blocks."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.breaks = 0  # newlines owed before the next text: 0, 1 or 2
        self.space = False  # a collapsed space owed before the next text
        self.trailing_newlines = 2  # newlines at the end of what is written (2 = start)

    def block(self, newlines: int) -> None:
        self.breaks = max(self.breaks, newlines)
        self.space = False

    def line_break(self) -> None:
        # <br>: a forced break, written now so that two of them leave an empty line.
        self.space = False
        if self.trailing_newlines < 2 and self.parts:
            self._write("\n" * max(1, self.breaks - self.trailing_newlines))
            self.breaks = 0

    def text(self, raw: str | None, pre: bool = False) -> None:
        if not raw:
            return
        if pre:
            self._emit(raw)
            return
        if raw[0] in " \t\n\r\f\xa0":
            self.space = True
        words = _WS.sub(" ", raw).strip(" ")
        if words:
            self._emit(words)
            if raw[-1] in " \t\n\r\f\xa0":
                self.space = True

    def _emit(self, content: str) -> None:
        if self.parts and self.breaks > self.trailing_newlines:
            self._write("\n" * (self.breaks - self.trailing_newlines))
        elif self.space and self.trailing_newlines == 0:
            self._write(" ")
        self.breaks = 0
        self.space = False
        self._write(content)

    def _write(self, piece: str) -> None:
        self.parts.append(piece)
        stripped = piece.rstrip("\n")
        if stripped:
            self.trailing_newlines = min(2, len(piece) - len(stripped))
        else:
            self.trailing_newlines = min(2, self.trailing_newlines + len(piece))

    def result(self) -> str:
        text = "".join(self.parts)
        # <pre> blocks may bring their own runs of blank lines and trailing spaces.
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def tree_to_text(root: lxml.html.HtmlElement) -> str:
    """The visible text under ``root`` (see the module docstring for the rules)."""
    out = _TextBuilder()
    pre_depth = 0
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    skipped: set[int] = set()
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if is_hidden(el):
                skipped.add(id(el))
                walker.skip_subtree()
                continue
            _open_block(out, tag)
            if tag in PRE_TAGS:
                pre_depth += 1
                # The parser keeps the newline right after <pre>; browsers drop it.
                text = el.text[1:] if el.text and el.text.startswith("\n") else el.text
                out.text(text, pre=True)
            else:
                out.text(el.text, pre=pre_depth > 0)
        else:
            if id(el) in skipped:
                skipped.discard(id(el))
            else:
                if tag in PRE_TAGS:
                    pre_depth -= 1
                if tag != "br":  # a <br> breaks the line once, at its start
                    _open_block(out, tag)
            if el is not root:
                out.text(el.tail, pre=pre_depth > 0)
    return out.result()


def _open_block(out: _TextBuilder, tag: str) -> None:
    if tag == "br":
        out.line_break()
    elif tag in DOUBLE_NEWLINE_TAGS:
        out.block(2)
    elif tag in NEWLINE_TAGS:
        out.block(1)


def page_meta(root: lxml.html.HtmlElement) -> dict[str, str]:
    """title, canonical, og:*, author, published_time, description, lang, dir."""
    meta: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        value = _WS.sub(" ", value or "").strip()
        if value and key not in meta:
            meta[key] = value

    title = root.find(".//title")
    if title is not None:
        put("title", title.text_content())
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            put("canonical", link.get("href"))
    for tag in root.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip()
        content = tag.get("content")
        low = key.lower()
        if low.startswith("og:"):
            put(low, content)
        elif low in _AUTHOR_KEYS:
            put("author", content)
        elif low in _PUBLISHED_KEYS:
            put("published_time", content)
        elif low in ("article:modified_time", "datemodified"):
            put("modified_time", content)
        elif low == "description":
            put("description", content)
    for key in ("lang", "dir"):
        put(key, root.get(key))
        body = root.find("body")
        if body is not None:
            put(key, body.get(key))
    return meta


_AUTHOR_KEYS = ("author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author")
_PUBLISHED_KEYS = (
    "article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
    "parsely-pub-date",
    "sailthru.date",
)


def html_to_text(html: str) -> HtmlPage:
    """The visible text of the whole page and its metadata (see the module docstring)."""
    root = parse_html(html)
    if root is None:
        return HtmlPage("")
    meta = page_meta(root)
    body = root.find("body")
    return HtmlPage(tree_to_text(body if body is not None else root), meta)
