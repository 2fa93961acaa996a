"""What a page's markup says its title and byline are, the way Readability.js reads them.

The readability test suite's expected metadata (and most readers' idea of a page's title)
comes from mozilla/readability (Apache-2.0): ``_getArticleMetadata`` takes the title from
JSON-LD, then ``dc:title``, ``og:title``, ... and only then cleans ``<title>`` with
``_getArticleTitle`` (site names after `` | ``, `` - ``, `` » `` cut off); the byline
from JSON-LD, ``dc:creator``, ``author``, ... or else the first element that looks like a
byline (``rel=author``, ``itemprop=author``, a class or id naming a byline). This module
is a Python port of those rules (same precedence, same regular expressions) that returns
*candidates*: the suggestion engine then looks for them in the document text, because a
title span can only be text of the document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import lxml.html

from annotator.importers.html import parse_html

# Readability.js REGEXPS, kept verbatim where they decide something.
_UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|"
    r"supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.IGNORECASE,
)
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow", re.IGNORECASE)
_BYLINE = re.compile(r"byline|author|dateline|writtenby|p-author", re.IGNORECASE)
_UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
_JSONLD_TYPES = re.compile(
    r"^Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|"
    r"BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|"
    r"SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|"
    r"LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference$"
)
_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.IGNORECASE,
)
# Newer Readability.js also splits on en and em dashes ("Title – Site").
_SEPS = r"|\-–—\\/>»"
_SEPARATOR = re.compile(rf"\s[{_SEPS}]\s")
_HIERARCHICAL = re.compile(r"\s[\\/>»]\s")
_WS = re.compile(r"\s+")
_ENTITY = re.compile(r"&(quot|amp|apos|lt|gt);|&#(?:x([0-9a-f]+)|([0-9]+));", re.IGNORECASE)
_ESCAPES = {"quot": '"', "amp": "&", "apos": "'", "lt": "<", "gt": ">"}
_TITLE_KEYS = (
    "dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title",
    "twitter:title", "parsely-title",
)
_BYLINE_KEYS = ("dc:creator", "dcterm:creator", "author", "parsely-author")


@dataclass(frozen=True, slots=True)
class PageTitles:
    """Title and byline candidates of one page, best first (readability's precedence)."""

    #: readability's metadata title: JSON-LD, dc:title, og:title, ..., else the cleaned <title>.
    title: str | None = None
    #: every other title the markup offers, in the order to try them: the other metadata
    #: titles, the cleaned ``<title>``, ``<title>`` itself.
    alternatives: tuple[str, ...] = ()
    #: the text of the ``<h1>`` elements (a site's logo or greeting is an h1 on some pages).
    headings: tuple[str, ...] = ()
    #: readability's metadata byline (JSON-LD author names, dc:creator, author, ...).
    byline: str | None = None
    #: the text of elements that look like a byline, in document order (readability takes
    #: the first when the metadata names no author).
    byline_elements: tuple[str, ...] = ()

    def titles(self) -> list[str]:
        """All title candidates, best first, each once."""
        out: list[str] = []
        for value in (self.title, *self.alternatives):
            if value and value not in out:
                out.append(value)
        return out


def word_count(value: str) -> int:
    """JavaScript's ``str.split(/\\s+/).length`` (an empty string has one word)."""
    return len(re.split(r"\s+", value))


def _squeeze(value: str | None) -> str:
    return _WS.sub(" ", value or "").strip()


def unescape_entities(value: str | None) -> str | None:
    """Readability's ``_unescapeHtmlEntities``: meta contents are often escaped twice."""
    if not value:
        return value

    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return _ESCAPES[m.group(1).lower()]
        num = int(m.group(2), 16) if m.group(2) else int(m.group(3))
        if num == 0 or num > 0x10FFFF or 0xD800 <= num <= 0xDFFF:
            num = 0xFFFD
        return chr(num)

    return _ENTITY.sub(repl, value)


def article_title(doc_title: str, headings: list[str], h1s: list[str]) -> str:
    """Readability's ``_getArticleTitle``: ``<title>`` without the site name.

    ``headings``: the text of every h1 and h2 (a title with ": " that equals one is kept
    whole); ``h1s``: the text of every h1 (the fallback for a too short or too long title).
    """
    orig = cur = doc_title.strip()
    hierarchical = False
    if _SEPARATOR.search(cur):
        hierarchical = bool(_HIERARCHICAL.search(cur))
        cur = orig[: list(_SEPARATOR.finditer(orig))[-1].start()]
        if word_count(cur) < 3:
            cur = re.sub(rf"^[^{_SEPS}]*[{_SEPS}]", "", orig)
    elif ": " in cur:
        if not any(h.strip() == cur.strip() for h in headings):
            cur = orig[orig.rfind(":") + 1 :]
            if word_count(cur) < 3:
                cur = orig[orig.find(":") + 1 :]
            elif word_count(orig[: orig.find(":")]) > 5:
                cur = orig
    elif (len(cur) > 150 or len(cur) < 15) and len(h1s) == 1:
        cur = h1s[0]
    cur = re.sub(r"\s{2,}", " ", cur.strip())
    count = word_count(cur)
    if count <= 4 and (not hierarchical or count != word_count(re.sub(rf"[{_SEPS}]+", "", orig)) - 1):
        cur = orig
    return cur


def _inner_text(el: lxml.html.HtmlElement) -> str:
    """Readability's ``_getInnerText``: textContent trimmed, runs of 2+ blanks squeezed."""
    return re.sub(r"\s{2,}", " ", el.text_content().strip())


def text_similarity(a: str, b: str) -> float:
    """Readability's ``_textSimilarity``: the share of ``b``'s words also in ``a``."""
    ta = [t for t in re.split(r"\W+", a.lower()) if t]
    tb = [t for t in re.split(r"\W+", b.lower()) if t]
    if not ta or not tb:
        return 0.0
    unique = [t for t in tb if t not in ta]
    return 1 - len(" ".join(unique)) / len(" ".join(tb))


def _is_article(item: dict[str, object]) -> bool:
    kind = item.get("@type")
    return isinstance(kind, str) and bool(_JSONLD_TYPES.search(kind))


def _json_ld(root: lxml.html.HtmlElement, cleaned_title: str) -> tuple[str | None, str | None]:
    """Title and byline of the first schema.org Article in a JSON-LD script."""
    for script in root.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        content = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", script.text or "")
        try:
            parsed = json.loads(content)
        except ValueError:
            continue
        if isinstance(parsed, list):
            parsed = next((it for it in parsed if isinstance(it, dict) and _is_article(it)), None)
        if not isinstance(parsed, dict):
            continue
        context = parsed.get("@context")
        if isinstance(context, dict):
            context = context.get("@vocab")
        if not isinstance(context, str) or not re.match(r"^https?://schema\.org/?$", context):
            continue
        if not parsed.get("@type") and isinstance(parsed.get("@graph"), list):
            parsed = next((it for it in parsed["@graph"] if isinstance(it, dict) and _is_article(it)), None)
        if not isinstance(parsed, dict) or not _is_article(parsed):
            continue
        name, headline = parsed.get("name"), parsed.get("headline")
        title: str | None = None
        if isinstance(name, str) and isinstance(headline, str) and name != headline:
            # Some sites put their own name in "name": take the one like the <title>.
            name_ok = text_similarity(name, cleaned_title) > 0.75
            headline_ok = text_similarity(headline, cleaned_title) > 0.75
            title = headline if headline_ok and not name_ok else name
        elif isinstance(name, str):
            title = name.strip()
        elif isinstance(headline, str):
            title = headline.strip()
        byline: str | None = None
        author = parsed.get("author")
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            byline = author["name"].strip()
        elif isinstance(author, list) and author and isinstance(author[0], dict) and isinstance(author[0].get("name"), str):
            byline = ", ".join(a["name"].strip() for a in author if isinstance(a, dict) and isinstance(a.get("name"), str))
        return title, byline
    return None, None


def _meta_values(root: lxml.html.HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if not content:
            continue
        prop, name = el.get("property"), el.get("name")
        matched = _PROPERTY.search(prop) if prop else None
        if matched:
            values[re.sub(r"\s", "", matched.group(0).lower())] = content.strip()
        elif name and _NAME.match(name):
            values[re.sub(r"\s", "", name.lower()).replace(".", ":")] = content.strip()
    return values


def _visible(el: lxml.html.HtmlElement) -> bool:
    """Readability's ``_isProbablyVisible``."""
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None:
        return False
    return el.get("aria-hidden") != "true" or "fallback-image" in (el.get("class") or "")


def _byline_elements(root: lxml.html.HtmlElement) -> list[str]:
    """Texts of byline-looking elements, walking the page as ``_grabArticle`` does: hidden
    elements, scripts and unlikely candidates (menus, sidebars, comments) are skipped
    with everything inside them; a byline element's inside is not searched again."""
    out: list[str] = []
    stack = [root]
    while stack:
        el = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in ("script", "noscript", "style", "template") or not _visible(el):
            continue
        if el.get("aria-modal") == "true" and el.get("role") == "dialog":
            continue
        match = f"{el.get('class') or ''} {el.get('id') or ''}"
        rel, itemprop = el.get("rel"), el.get("itemprop") or ""
        if rel == "author" or "author" in itemprop or _BYLINE.search(match):
            text = el.text_content().strip()
            if 0 < len(text) < 100:
                out.append(text)
                continue
        if (
            _UNLIKELY.search(match)
            and not _MAYBE.search(match)
            and tag not in ("body", "a")
            and not any(a.tag in ("table", "code") for a in el.iterancestors())
        ) or el.get("role") in _UNLIKELY_ROLES:
            continue
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))
    return out


def page_titles(html: str) -> PageTitles:
    """Title and byline candidates of ``html`` (see the module docstring)."""
    root = parse_html(html)
    if root is None:
        return PageTitles()
    title_el = root.find(".//title")
    doc_title = _squeeze(title_el.text_content()) if title_el is not None else ""
    h1s = [_inner_text(h) for h in root.iter("h1")]
    headings = [h.text_content() for h in root.iter("h1", "h2")]
    cleaned = article_title(doc_title, headings, h1s) if doc_title else ""
    ld_title, ld_byline = _json_ld(root, cleaned)
    values = _meta_values(root)
    metadata_titles = [ld_title, *(values.get(k) for k in _TITLE_KEYS)]
    title = next((t for t in metadata_titles if t), None) or cleaned or None
    alternatives = [t for t in (*metadata_titles, cleaned, doc_title) if t]
    byline = ld_byline or next((values[k] for k in _BYLINE_KEYS if values.get(k)), None)
    return PageTitles(
        title=unescape_entities(title),
        alternatives=tuple(unescape_entities(_squeeze(t)) or "" for t in alternatives),
        headings=tuple(h for h in h1s if h),
        byline=unescape_entities(byline),
        byline_elements=tuple(_byline_elements(root.find("body") if root.find("body") is not None else root)),
    )
