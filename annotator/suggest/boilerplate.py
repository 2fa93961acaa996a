"""Boilerplate cues: lines repeated across a site, and the look of menus, footers, captions.

The kind names are the default scheme's ``boilerplate.kind`` values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from annotator.model import DocumentMeta
from annotator.suggest.lines import Line, norm, split_lines
from annotator.suggest.patterns import KO_BYLINE_RE, PHOTO_STAMP_RE

#: "Back to top": a link that moves the page, navigation (as the seed's gold has it).
_TO_TOP_RE = re.compile(r"^(top\s*으로\s*이동|맨\s*위로(\s*가기)?|위로\s*가기|(back )?to top|top)$", re.IGNORECASE)
_FOOTER_RE = re.compile(
    r"(top\s*으로\s*이동|맨\s*위로|위로\s*가기|back to top|copyright|ⓒ|©|\(c\)\s*\d{4}|all rights reserved|"
    r"무단\s*전재|재배포\s*금지|저작권자|privacy policy|terms of (use|service)|cookie|개인정보\s*처리|"
    r"이용약관|청소년\s*보호|사업자\s*등록|고객센터|contact us|about us|회사\s*소개|광고\s*문의|제휴\s*문의|"
    r"대표\s*전화|등록번호|발행인|편집인)",
    re.IGNORECASE,
)
_SHARE_RE = re.compile(
    r"^(share( this( article| story)?)?|tweet|email|print|facebook|twitter|linkedin|whatsapp|reddit|"
    r"pinterest|카카오톡|카카오스토리|페이스북|트위터|밴드|공유(하기)?|스크랩|인쇄|글자\s*크기|"
    r"url\s*복사|copy link|comments?|댓글)(\s*[|/·,]?\s*(share|tweet|email|print|facebook|twitter|"
    r"linkedin|whatsapp|reddit|pinterest|카카오톡|페이스북|트위터|밴드|공유|스크랩|인쇄|댓글))*\s*\d*$",
    re.IGNORECASE,
)
_AD_RE = re.compile(r"^(advertisement|advertising|sponsored( content)?|ad|광고|AD|promoted)$", re.IGNORECASE)
_CAPTION_RE = re.compile(
    r"(\[사진\s*=|\(사진\s*=|^사진$|^사진\s*[:=]|^(photo|image|picture)\b|\b(photo|image)\s*(credit|:)|"
    r"/\s*(getty images|afp|ap|reuters)\b|\((getty|ap|afp|reuters)[^)]*\)$|getty images$)",
    re.IGNORECASE,
)
#: Headers of a box of teasers: "[뉴스핌 베스트 기사]", "Related articles", "More from ...".
RELATED_HEADER_RE = re.compile(
    r"^(\[[^\]]{0,12}(베스트|추천|인기|관련|많이\s*본|주요|핫|포토)[^\]]{0,12}\]"
    r"|(관련|추천|인기|많이\s*본|베스트)\s*(기사|뉴스|포스트)"
    r"|related( (articles?|stories|posts|content|coverage|news))?|more (from|on|stories|news)\b.{0,30}"
    r"|you (may|might) (also )?like|recommended( for you| stories| reading)?|read (more|next|also)"
    r"|also read|most (read|popular|viewed)|trending( now)?|top stories|editor'?s picks?"
    r"|what to read next|see also|further reading)\s*:?$",
    re.IGNORECASE,
)


def is_related_header(line: Line) -> bool:
    return len(line.text) <= 40 and bool(RELATED_HEADER_RE.match(line.text))


#: A lone "속보" / "Breaking news": the ticker of the latest headlines, a list of links to
#: other articles (related-links in the seed's gold), not a menu of the site's sections.
_TICKER_RE = re.compile(r"^(속보|breaking news)$", re.IGNORECASE)
_NAV_WORDS = re.compile(
    r"^(home|menu|search|login|log in|sign in|sign up|subscribe|로그인|회원가입|검색|메뉴|홈|"
    r"전체\s*메뉴|더\s*보기|더보기|전체기사|최신뉴스|skip to (main )?content|next|previous|"
    r"다음|이전|목록)$",
    re.IGNORECASE,
)


def guess_kind(line: Line, where: str) -> str:
    """The kind of a boilerplate line: from its words, else from where it is.

    ``where`` is ``"top"`` (before the main article), ``"bottom"`` (after it) or
    ``"inside"``.
    """
    return kind_from_words(line) or kind_from_place(where)


def kind_from_words(line: Line) -> str | None:
    """The kind a boilerplate line's own words give (a share bar, an advertisement, a
    caption, a box of teasers, a link to the top, a footer, a menu word); None if they
    give none."""
    value = line.text
    if _SHARE_RE.match(value):
        return "share"
    if _AD_RE.match(value):
        return "advertisement"
    if _CAPTION_RE.search(value) and len(value) < 200:
        return "caption"
    if is_related_header(line) or _TICKER_RE.match(value):
        return "related-links"
    if _TO_TOP_RE.match(value):
        return "navigation"
    if _FOOTER_RE.search(value) and len(value) < 300:
        return "footer"
    if _NAV_WORDS.match(value):
        return "navigation"
    return None


def kind_from_place(where: str) -> str:
    """A boilerplate line's kind from where it is alone: above the main article a menu,
    below it the footer; ``"inside"`` or an unknown place says nothing (``other``)."""
    return {"top": "navigation", "bottom": "footer"}.get(where, "other")


def span_kind(text: str, where: str) -> str:
    """The kind of a boilerplate span marked by hand on ``text`` (one line or a block).

    A Korean photo caption, whose credit reads like a byline and which closes with its
    stamp ("[서울=뉴스핌] 이길동 기자 =이한주 위원장.2025.07.22 gdlee@newspim.com"), is a
    caption; else the first line whose words give a kind decides (a menu block opening
    with "Skip to main content"); else where the span is (:func:`kind_from_place`).
    """
    content = text.strip()
    stamp = PHOTO_STAMP_RE.search(content)
    if stamp is not None and stamp.end() == len(content) and KO_BYLINE_RE.match(content):
        return "caption"
    for line in split_lines(text):
        kind = None if line.blank else kind_from_words(line)
        if kind is not None:
            return kind
    return kind_from_place(where)


def is_layout_boilerplate(line: Line) -> bool:
    """A line that is boilerplate by its look alone, wherever it is."""
    value = line.text
    return bool(
        _SHARE_RE.match(value)
        or _AD_RE.match(value)
        or _NAV_WORDS.match(value)
        or _TICKER_RE.match(value)
        or (_FOOTER_RE.search(value) and len(value) < 120)
    )


def is_caption(line: Line) -> bool:
    return bool(_CAPTION_RE.search(line.text)) and len(line.text) < 200


def site_of(meta: DocumentMeta) -> str:
    """The site a document comes from, for grouping repeated lines: its url's host."""
    for url in (meta.url, meta.html_meta.get("og:url"), meta.html_meta.get("canonical")):
        if url:
            host = urlsplit(url).netloc.lower()
            if host:
                return host.removeprefix("www.")
    return ""


def repeated_lines(texts: Iterable[str], min_docs: int = 3, share: float = 0.3) -> frozenset[str]:
    """Normalised lines found in many of ``texts`` (the documents of one site).

    A line counts once per document. It is repeated when at least ``min_docs`` documents,
    and at least ``share`` of them, hold it: menus and footers, not a phrase two articles
    happen to share. Pages with the same prose lines count once (a page imported twice is
    not a site).
    """
    return repeated_of_pages((page_lines(*keyed_lines(text)) for text in texts), min_docs, share)


def keyed_lines(text: str) -> tuple[list[Line], list[str]]:
    """The non-blank lines of ``text`` and their :func:`norm` forms, one each: what the
    site tables count (repeated lines, and the trained model's line counts)."""
    lines = [line for line in split_lines(text) if not line.blank]
    return lines, [norm(line.text) for line in lines]


#: One page as :func:`repeated_of_pages` counts it: its normalised lines of two characters or
#: more, and its prose lines (what tells two pages apart).
PageLines = tuple[frozenset[str], frozenset[str]]


def page_lines(lines: list[Line], keys: list[str]) -> PageLines:
    """``lines`` (a page's non-blank lines) and ``keys`` (their :func:`norm` forms, one
    each) as :func:`repeated_of_pages` counts them. A caller that needs the normalised lines
    for something else too computes them once."""
    counted = [(line, key) for line, key in zip(lines, keys, strict=True) if len(line.text) >= 2]
    found = frozenset(key for _, key in counted)
    prose = frozenset(key for line, key in counted if line.weight >= 80) or found
    return found, prose


def repeated_of_pages(pages: Iterable[PageLines], min_docs: int = 3, share: float = 0.3) -> frozenset[str]:
    """:func:`repeated_lines` of pages already split (see :func:`page_lines`)."""
    seen: set[frozenset[str]] = set()
    counts: Counter[str] = Counter()
    n = 0
    for found, prose in pages:
        # The same article imported twice (with another menu line or blank lines) is one
        # page, not a site: pages are told apart by their prose lines.
        if prose in seen:
            continue
        seen.add(prose)
        n += 1
        counts.update(found)
    if n < min_docs:
        return frozenset()
    need = max(min_docs, int(n * share + 0.999))
    return frozenset(line for line, c in counts.items() if c >= need)
