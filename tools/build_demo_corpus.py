#!/usr/bin/env python
"""Rebuild the demo corpus ``corpora/demo/`` from ``corpora/demo-sources/``.

    .venv/bin/python tools/build_demo_corpus.py            # rebuild corpora/demo
    .venv/bin/python tools/build_demo_corpus.py --out /tmp/demo
    .venv/bin/python tools/build_demo_corpus.py --show 000_2c3ea0c0f783ca12 --annotator gold
    .venv/bin/python tools/build_demo_corpus.py --find 'AI 원팀' --doc 000_2c3ea0c0f783ca12

The corpus is made the way a user makes one: ``annotator new`` and ``annotator import``
on the raw source files. Then the hand annotations below are written: gold for the seed
page, the AP story and the Yahoo! News Japan page, and the work of two annotators, alice
and bob, who disagree in a few places on purpose (the agreement and adjudication features
need real disagreements to show).

The annotations are written as a readable spec, never as hand-typed offsets: each
:class:`Mark` names a label, the exact text it covers (``quote``), which occurrence, and
its attributes. The code finds the offsets in the imported text and checks that
``text[start:end] == quote``; a quote that is not found, or found fewer times than asked,
stops the build with a message naming the document, the annotator and the quote.

Conventions of the hand annotation (the README of the demo corpus repeats them):

- A page's reporter e-mail line (``sjh@newspim.com``) is byline text, so it is a
  ``byline`` span of its own with attribute ``email``; the article's main byline carries
  the same ``email`` too, so one byline span holds the reporter's whole record.
- Dates carry ``value`` in ISO 8601. The gold of the AP and Yahoo pages gives an offset
  only where the page states a zone ("6:02 AM EST" is -05:00); the Yahoo page states none,
  so its values have none. (The seed's gold, older, gives +09:00, Korea's time.)
- Header lines (title, subtitle, byline, date) are parts inside the article, never
  boilerplate; a label printed beside a date ("기사입력 :", "配信", "最終更新:") is not part
  of the date. Byline attributes are spelled as the page prints them.
- Entities are marked in article text and in captions, never inside navigation menus,
  advertisements or related-link lists. Korean references by surname and title ("이 대통령",
  "한 전 총리") are not marked; an English surname re-mention ("Johnson") is.
  Internal departments ("AI/DX융합사업부문") are not organisations. Product names are MISC,
  law names are MISC, buildings and official residences are LOC.
- The seed page's text holds no-break spaces (U+00A0) between many words; quotes spell
  them ``{NB}`` (f-strings) because a quote must match the text exactly. ``--find`` shows
  where they are (type ``\\xa0`` in its quote).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from annotator.corpus import Corpus, atomic_write_bytes, dump_json  # noqa: E402
from annotator.model import GOLD, Annotation, AttrValue, Span, Status  # noqa: E402
from annotator.rules import check_annotation, sha256_text  # noqa: E402
from annotator.validate import validate_corpus  # noqa: E402

SOURCES_DIR = ROOT / "corpora" / "demo-sources"
DEMO_DIR = ROOT / "corpora" / "demo"

#: The source files, in import order (paths relative to ``corpora/demo-sources``).
SOURCE_FILES: tuple[str, ...] = (
    "seed/000_2c3ea0c0f783ca12.txt",
    "readability-test-pages/rtp-gmw.html",
    "readability-test-pages/rtp-yahoo-4.html",
    "readability-test-pages/rtp-rtl-1.html",
    "article-extraction-benchmark/aeb-e7994d550087.html",
    "article-extraction-benchmark/aeb-5a822960e9a2.html",
)

SEED = "000_2c3ea0c0f783ca12.txt"


class SpecError(Exception):
    """A mark of the spec that does not fit the imported text."""


# -------------------- the spec language

Occurrence = int | tuple[int, ...] | Literal["all"]
Region = str | tuple[str, str]


@dataclass(frozen=True)
class Mark:
    """One or more spans of ``label`` over the text ``quote``.

    - ``n``: which occurrence of ``quote`` (1-based), several (a tuple), or ``"all"``;
      counted inside ``within`` when given.
    - ``to``: the span runs from the start of ``quote`` to the end of the first ``to``
      after it (for long spans such as a whole article).
    - ``within``: look only inside this region of the text: a quote that occurs once in the
      document, or ``(first, last)`` for the stretch from ``first`` to the end of the first
      ``last`` after it.
    - ``key``: a name the annotator variants use to drop or replace this mark.
    """

    label: str
    quote: str
    n: Occurrence = 1
    to: str | None = None
    within: Region | None = None
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)
    key: str | None = None


@dataclass(frozen=True)
class DocSpec:
    """One annotator's annotation of one source file."""

    source: str  # file name in corpora/demo-sources (any folder)
    annotator: str
    marks: tuple[Mark, ...]
    page_type: str = "article"
    status: Status = "done"
    # A fixed time, so that rebuilding the corpus does not change every annotation file.
    updated_at: str = "2026-01-15T09:00:00Z"


def revise(
    base: Iterable[Mark],
    *,
    drop: Iterable[str] = (),
    change: Mapping[str, Mark | Sequence[Mark]] | None = None,
    add: Iterable[Mark] = (),
) -> tuple[Mark, ...]:
    """``base`` with the marks of the keys in ``drop`` removed, those in ``change``
    replaced, and ``add`` appended: how an annotator's work differs from another's."""
    base = tuple(base)
    change = dict(change or {})
    keys = {m.key for m in base if m.key}
    unknown = (set(drop) | set(change)) - keys
    if unknown:
        raise SpecError(f"revise: no marks with the keys {sorted(unknown)}")
    dropped = set(drop)
    out: list[Mark] = []
    for mark in base:
        if mark.key in dropped:
            continue
        if mark.key in change:
            new = change[mark.key]
            out.extend([new] if isinstance(new, Mark) else new)
            continue
        out.append(mark)
    out.extend(add)
    return tuple(out)


def _find_all(text: str, quote: str, start: int, end: int) -> list[int]:
    found = []
    i = text.find(quote, start, end)
    while i >= 0:
        found.append(i)
        i = text.find(quote, i + 1, end)
    return found


def _region(text: str, within: Region | None) -> tuple[int, int]:
    if within is None:
        return 0, len(text)
    first, last = (within, None) if isinstance(within, str) else within
    hits = _find_all(text, first, 0, len(text))
    if len(hits) != 1:
        raise SpecError(f"region {first!r} must occur once in the text, found {len(hits)} times")
    start = hits[0]
    if last is None:
        return start, start + len(first)
    end = text.find(last, start + len(first))
    if end < 0:
        raise SpecError(f"region end {last!r} not found after {first!r}")
    return start, end + len(last)


def resolve(text: str, mark: Mark) -> list[tuple[int, int]]:
    """The ``[start, end)`` offsets ``mark`` stands for in ``text``."""
    lo, hi = _region(text, mark.within)
    hits = _find_all(text, mark.quote, lo, hi)
    # A hit must end inside the region too.
    hits = [h for h in hits if h + len(mark.quote) <= hi]
    if not hits:
        where = f" in {mark.within!r}" if mark.within else ""
        raise SpecError(f"{mark.label} {mark.quote!r}: not found{where}")
    if mark.n == "all":
        chosen = hits
    else:
        wanted = (mark.n,) if isinstance(mark.n, int) else mark.n
        if any(k < 1 or k > len(hits) for k in wanted):
            raise SpecError(
                f"{mark.label} {mark.quote!r}: occurrence {mark.n} asked, "
                f"{len(hits)} found{' in ' + repr(mark.within) if mark.within else ''}"
            )
        chosen = [hits[k - 1] for k in wanted]
    spans = []
    for start in chosen:
        end = start + len(mark.quote)
        if mark.to is not None:
            to_at = text.find(mark.to, end)
            if to_at < 0:
                raise SpecError(f"{mark.label} {mark.quote!r}: end {mark.to!r} not found after it")
            end = to_at + len(mark.to)
            assert text[start:end].startswith(mark.quote) and text[start:end].endswith(mark.to)
        else:
            assert text[start:end] == mark.quote, (text[start:end], mark.quote)
        spans.append((start, end))
    return spans


def build_annotation(spec: DocSpec, doc_id: str, text: str, corpus: Corpus) -> Annotation:
    """The annotation ``spec`` describes, checked against the scheme's rules."""
    placed: dict[tuple[int, int, str], Mapping[str, AttrValue]] = {}
    for mark in spec.marks:
        try:
            offsets = resolve(text, mark)
        except SpecError as exc:
            raise SpecError(f"{spec.source} ({spec.annotator}): {exc}") from exc
        for start, end in offsets:
            if (start, end, mark.label) in placed:
                raise SpecError(
                    f"{spec.source} ({spec.annotator}): {mark.label} {mark.quote!r} at "
                    f"[{start}, {end}) is marked twice"
                )
            placed[(start, end, mark.label)] = mark.attrs
    ordered = sorted(placed.items(), key=lambda item: (item[0][0], -item[0][1], item[0][2]))
    spans = [
        Span(
            id=f"s{i}",
            start=start,
            end=end,
            label=label,
            text=text[start:end],
            attrs={k: list(v) if isinstance(v, list | tuple) else v for k, v in attrs.items()},
        )
        for i, ((start, end, label), attrs) in enumerate(ordered, 1)
    ]
    annotation = Annotation(
        doc_id=doc_id,
        text_sha256=sha256_text(text),
        annotator=spec.annotator,
        status=spec.status,
        updated_at=spec.updated_at,
        doc_labels={"page_type": spec.page_type},
        spans=spans,
    )
    problems = check_annotation(annotation, text, corpus.scheme)
    if problems:
        lines = "\n  ".join(str(p) for p in problems)
        raise SpecError(f"{spec.source} ({spec.annotator}) breaks the scheme's rules:\n  {lines}")
    return annotation


# -------------------- seed page: gold

NB = "\xa0"  # the seed page's no-break space, for the few quotes built with it below

MAIN: Region = ('"인공지능 경쟁력 키우자"', "sjh@newspim.com")
TEASER1: Region = ("정부조직 개편 방식 '안갯속'", "2025-07-26 07:00")
TEASER2: Region = ("특검, 한덕수 자택·총리공관 압수수색", "2025-07-24 13:54")
AFTER_MAIN: Region = ("[뉴스핌 베스트 기사]", "Top으로 이동")
CAPTION1 = "[서울=뉴스핌] 이길동 기자 =이한주 국정기획위원회 위원장.2025.07.22 gdlee@newspim.com"
CAPTION2_START = "[서울=뉴스핌] 이형석 기자 = 한덕수 전 국무총리가"
CAPTION2_END = "2025.07.02 leehs@newspim.com"

SEED_BOILERPLATE: tuple[Mark, ...] = (
    # The site's menus above the article: one navigation block.
    Mark(
        "boilerplate",
        "전체기사 최신뉴스 GAM",
        to="산업 재계·경영",
        attrs={"kind": "navigation"},
        key="nav",
    ),
    # The breaking-news ticker's heading and its "more" link (its headlines are not in the text).
    Mark("boilerplate", "속보", attrs={"kind": "related-links"}, key="ticker"),
    Mark("boilerplate", "더보기", attrs={"kind": "navigation"}, key="more"),
    # Photo caption inside the main article: cut from the clean text.
    Mark("boilerplate", "LG 트윈타워 [사진=LG]", attrs={"kind": "caption"}, key="caption-main"),
    # The "best articles" box after the article: its heading and the thumbnails' labels.
    Mark("boilerplate", "[뉴스핌 베스트 기사]", attrs={"kind": "related-links"}, key="best-header"),
    Mark(
        "boilerplate",
        "사진",
        n=(1, 2),
        within=AFTER_MAIN,
        attrs={"kind": "caption"},
        key="photo-labels",
    ),
    # Photo captions inside the two teasers.
    Mark("boilerplate", CAPTION1, attrs={"kind": "caption"}),
    Mark("boilerplate", CAPTION2_START, to=CAPTION2_END, attrs={"kind": "caption"}),
    # Shopping link and the back-to-top link at the foot of the page.
    Mark("boilerplate", "안다쇼핑", attrs={"kind": "advertisement"}),
    Mark("boilerplate", "Top으로 이동", attrs={"kind": "navigation"}),
)

MAIN_BYLINE_ATTRS: dict[str, AttrValue] = {
    "authors": ["심지혜"],
    "agency": "뉴스핌",
    "location": "서울",
    "email": "sjh@newspim.com",
}

SEED_MAIN: tuple[Mark, ...] = (
    Mark("article", MAIN[0], to=MAIN[1], attrs={"role": "main"}, key="main"),
    Mark("title", '"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손', key="main-title"),
    Mark(
        "date", "2020년06월03일 09:03", attrs={"value": "2020-06-03T09:03+09:00"}, key="published"
    ),
    Mark("date", "2020년06월03일 09:05", attrs={"value": "2020-06-03T09:05+09:00"}, key="modified"),
    Mark("subtitle", "'AI 사업협력' MOU 체결...LG, 산학연 협의체 'AI 원팀' 합류", key="subtitle1"),
    Mark("subtitle", "감염병 등 사회문제 해결, 인재육성 등에 공동 노력", key="subtitle2"),
    Mark("byline", "[서울=뉴스핌] 심지혜 기자", attrs=MAIN_BYLINE_ATTRS, key="main-byline"),
    Mark("byline", "sjh@newspim.com", attrs={"email": "sjh@newspim.com"}, key="main-email"),
)

SEED_MAIN_ENTITIES: tuple[Mark, ...] = (
    # Companies. "KT" is left out where it starts the building name "KT 광화문빌딩" (a LOC).
    Mark("ORG", "LG전자", n="all", within=MAIN),
    Mark("ORG", "LG유플러스", n="all", within=MAIN),
    Mark("ORG", "KT", n=(1, 2, 4, 5, 6, 7, 8, 9, 10, 11), within=MAIN, key="kt"),
    Mark("ORG", "LG", within="체결...LG, 산학연"),
    Mark("ORG", "LG", within="[사진=LG]"),
    Mark("ORG", "뉴스핌", within="[서울=뉴스핌] 심지혜"),
    Mark("ORG", "현대중공업지주"),
    Mark("ORG", "카이스트"),
    Mark("ORG", "한양대"),
    Mark("ORG", "한국전자통신연구원"),
    Mark("ORG", "ETRI"),
    # The industry-academia consortium, spelled with a space or a no-break space.
    Mark("ORG", "AI 원팀", n="all", within=MAIN, key="ai-one-team"),
    Mark("ORG", f"AI{NB}원팀", n="all", within=MAIN, key="ai-one-team-nb"),
    Mark("ORG", "AI One Team", key="ai-one-team-en"),
    # People.
    Mark("PER", "심지혜"),
    Mark("PER", "박일평", n="all"),
    Mark("PER", "전홍범", n="all"),
    Mark("PER", "이상민", key="lee-sangmin"),
    # Places and buildings.
    Mark("LOC", "서울", n="all", within=MAIN),
    Mark("LOC", "종로구"),
    Mark("LOC", f"KT{NB}광화문빌딩", key="kt-building"),
    Mark("LOC", "LG 트윈타워"),
    Mark("LOC", "대한민국"),
    Mark("LOC", "미국"),
    Mark("LOC", "실리콘밸리"),
    Mark("LOC", "캐나다"),
    Mark("LOC", "토론토"),
    # Products.
    Mark("MISC", "기가지니"),
    Mark("MISC", f"LG{NB}씽큐"),
    Mark("MISC", "LG ThinQ", key="thinq"),
)

SEED_TEASER1: tuple[Mark, ...] = (
    Mark("article", TEASER1[0], to=TEASER1[1], attrs={"role": "related"}),
    Mark("title", "정부조직 개편 방식 '안갯속'"),
    Mark(
        "byline",
        "[서울=뉴스핌] 윤채영 기자",
        attrs={
            "authors": ["윤채영"],
            "agency": "뉴스핌",
            "location": "서울",
            "email": "ycy1486@newspim.com",
        },
    ),
    Mark("byline", "ycy1486@newspim.com", attrs={"email": "ycy1486@newspim.com"}),
    Mark("date", "2025-07-26 07:00", attrs={"value": "2025-07-26T07:00+09:00"}),
    # People.
    Mark("PER", "윤채영"),
    Mark("PER", "이재명", n="all", within=TEASER1),
    Mark("PER", "이길동"),
    Mark("PER", "이한주"),
    Mark("PER", "조승래"),
    Mark("PER", "김용민"),
    # Places: the dateline's city, in the byline and in the photo credit.
    Mark("LOC", "서울", n=(1, 2), within=TEASER1),
    # Organisations. "국정기획위원회" and its short form "국정위"; "기획재정부" and "기재부";
    # "검찰" (the prosecution) but not inside "검찰청" or the law name "검찰개혁 4법".
    Mark("ORG", "뉴스핌", n="all", within=TEASER1),
    Mark("ORG", "국정기획위원회", n="all", within=TEASER1),
    Mark("ORG", "국정위", n="all", within=TEASER1),
    Mark("ORG", "기획재정부", n="all", within=TEASER1),
    Mark("ORG", "기재부", n="all", within=TEASER1),
    Mark("ORG", "검찰", n=(1, 5, 6, 8), within=TEASER1),
    Mark("ORG", "검찰청", n="all", within=TEASER1),
    Mark("ORG", "환경부"),
    Mark("ORG", "산업자원통상부"),
    Mark("ORG", "기후에너지부"),
    Mark("ORG", "기획예산처", n="all", within=TEASER1),
    Mark("ORG", "재정경제부", n="all", within=TEASER1),
    Mark("ORG", "예산처", within="▲예산처가 아니라"),
    Mark("ORG", "재무부"),
    Mark("ORG", "더불어민주당"),
    Mark("ORG", "법무부", n="all", within=TEASER1),
    Mark("ORG", "공소청"),
    Mark("ORG", "행정안전부"),
    Mark("ORG", "중대범죄수사청"),
    Mark("ORG", "행안부"),
    Mark("ORG", "금융위원회"),
    Mark("ORG", "금융감독원"),
    Mark("ORG", "금융위", n=(2, 3, 4, 5, 6), within=TEASER1),  # 1 is inside "금융위원회"
    Mark("MISC", "검찰개혁 4법"),
)

SEED_TEASER2: tuple[Mark, ...] = (
    Mark("article", TEASER2[0], to=TEASER2[1], attrs={"role": "related"}),
    # The title as printed, with its stray closing quote mark.
    Mark("title", '특검, 한덕수 자택·총리공관 압수수색"', key="teaser2-title"),
    Mark(
        "byline",
        "[세종=뉴스핌] 양가희 기자",
        attrs={
            "authors": ["양가희"],
            "agency": "뉴스핌",
            "location": "세종",
            "email": "sheep@newspim.com",
        },
    ),
    Mark("byline", "sheep@newspim.com", attrs={"email": "sheep@newspim.com"}),
    Mark("date", "2025-07-24 13:54", attrs={"value": "2025-07-24T13:54+09:00"}),
    Mark("PER", "한덕수", n="all", within=TEASER2),
    Mark("PER", "양가희"),
    Mark("PER", "이형석"),
    Mark("PER", "윤석열"),
    Mark("LOC", "세종"),
    Mark("LOC", "서울", within=CAPTION2_START),
    Mark("LOC", "서울", within="오후 서울 서초구"),
    Mark("LOC", "서초구"),
    Mark("LOC", "국무총리 서울공관"),
    Mark("LOC", "총리공관"),
    Mark("ORG", "뉴스핌", n="all", within=TEASER2),
    # The special counsel: "특검", its team "내란특검팀" / "특검팀", and "내란 특검".
    Mark("ORG", "특검", n=(1, 4, 6), within=TEASER2),
    Mark("ORG", "내란특검팀"),
    Mark("ORG", "특검팀", within="특검팀의"),
    Mark("ORG", "내란 특검"),
    Mark("ORG", "국무총리실"),
    Mark("ORG", "서울고등검찰청"),
)

SEED_GOLD: tuple[Mark, ...] = (
    *SEED_BOILERPLATE,
    *SEED_MAIN,
    *SEED_MAIN_ENTITIES,
    *SEED_TEASER1,
    *SEED_TEASER2,
)


# -------------------- seed page: alice and bob

# alice works close to gold. She marks the two sub-headings as one subtitle, splits the
# building "KT 광화문빌딩" into the company and the building, does not mark the product
# "LG ThinQ", and marks only the publication date (not "최종수정", the last update).
SEED_ALICE = revise(
    SEED_GOLD,
    drop=["subtitle2", "thinq", "modified", "kt-building"],
    change={
        "subtitle1": Mark(
            "subtitle", "'AI 사업협력' MOU 체결...LG, 산학연 협의체 'AI 원팀' 합류", to="공동 노력"
        ),
        "kt": Mark("ORG", "KT", n="all", within=MAIN),
    },
    add=[Mark("LOC", "광화문빌딩")],
)

# bob is quicker and rougher: he splits the top menu from the section breadcrumb, takes
# the ticker heading and its "more" link as one block, runs the main article on to the
# "best articles" heading, misses the person 이상민, takes the consortium "AI 원팀" for a
# product (MISC), leaves the stray quote mark out of the second teaser's title, and does
# not mark the reporter's e-mail line as a byline.
SEED_BOB = revise(
    SEED_GOLD,
    drop=["lee-sangmin", "main-email", "more"],
    change={
        "nav": [
            Mark(
                "boilerplate",
                "전체기사 최신뉴스 GAM",
                to="KYD 디데이",
                attrs={"kind": "navigation"},
            ),
            Mark("boilerplate", "산업 재계·경영", attrs={"kind": "navigation"}),
        ],
        "ticker": Mark("boilerplate", "속보", to="더보기", attrs={"kind": "related-links"}),
        "main": Mark("article", MAIN[0], to="[뉴스핌 베스트 기사]", attrs={"role": "main"}),
        "ai-one-team": Mark("MISC", "AI 원팀", n="all", within=MAIN),
        "ai-one-team-nb": Mark("MISC", f"AI{NB}원팀", n="all", within=MAIN),
        "ai-one-team-en": Mark("MISC", "AI One Team"),
        "teaser2-title": Mark("title", "특검, 한덕수 자택·총리공관 압수수색"),
    },
)


# -------------------- AP story: alice and bob

AP = "aeb-e7994d550087.html"
AP_ARTICLE: Region = ("Nov. 20, 2019 6:02 AM EST", "Clegg now works for Facebook.")
AP_TITLE = "UK Tories under fire for Twitter name switch during debate"

AP_ALICE: tuple[Mark, ...] = (
    Mark("boilerplate", "Skip to main content", to="E-Edition", attrs={"kind": "navigation"}),
    # The dated header line opens the article, so the date lies inside it.
    Mark("article", AP_ARTICLE[0], to=AP_ARTICLE[1], attrs={"role": "main"}, key="article"),
    Mark(
        "date", "Nov. 20, 2019 6:02 AM EST", attrs={"value": "2019-11-20T06:02-05:00"}, key="date"
    ),
    Mark("title", AP_TITLE),
    Mark(
        "byline",
        "By DANICA KIRKA and JILL LAWLESS",
        to="Associated Press",
        attrs={
            "authors": ["Danica Kirka", "Jill Lawless"],
            "agency": "Associated Press",
            "location": "London",
        },
        key="byline",
    ),
    # The lead photo's credit and the gallery link sit inside the article.
    Mark("boilerplate", "ITV, ASSOCIATED PRESS", attrs={"kind": "caption"}),
    Mark("boilerplate", "View all (4)", attrs={"kind": "navigation"}, key="gallery"),
    # After the article: a coverage link, the story's tags, "trending", local news, footer.
    Mark("boilerplate", "___", to="www.apnews.com/Brexit", attrs={"kind": "related-links"}),
    Mark(
        "boilerplate",
        "Topics",
        to="Brexit referendum",
        attrs={"kind": "related-links"},
        key="topics",
    ),
    Mark(
        "boilerplate",
        "Places in this Story",
        to="Boris Johnson",
        attrs={"kind": "related-links"},
        key="people",
    ),
    Mark(
        "boilerplate",
        "Trending",
        to="engineer says",
        attrs={"kind": "related-links"},
        key="trending",
    ),
    Mark(
        "boilerplate",
        "Wilkes-Barre News",
        to="Yudichak leaves Democratic Party\nNov. 20, 2019 12:00 AM EST",
        attrs={"kind": "related-links"},
        key="local",
    ),
    Mark(
        "boilerplate", "©2019 The Associated Press.", to="Privacy Policy.", attrs={"kind": "footer"}
    ),
    # Entities of the article text (not of the tag lists below it).
    Mark("PER", "Boris Johnson", within=AP_ARTICLE),
    Mark("PER", "Johnson", n=(2, 3, 4, 5), within=AP_ARTICLE),
    Mark("PER", "Jeremy Corbyn", within=AP_ARTICLE),
    Mark("PER", "Corbyn", n=(2, 3, 4), within=AP_ARTICLE),
    Mark("PER", "Will Moy"),
    Mark("PER", "Dominic Raab"),
    Mark("PER", "Raab", n=2),
    Mark("PER", "Keir Starmer"),
    Mark("PER", "Starmer", n=2),
    Mark("PER", "Nick Clegg", within=AP_ARTICLE),
    Mark("PER", "Clegg", n=3, within=AP_ARTICLE),
    Mark("PER", "DANICA KIRKA"),
    Mark("PER", "JILL LAWLESS"),
    Mark("ORG", "Associated Press", within="JILL LAWLESS\nAssociated Press"),
    Mark("ORG", "ITV"),
    Mark("ORG", "ASSOCIATED PRESS", within="ITV, ASSOCIATED PRESS"),
    Mark("ORG", "AP", within="LONDON (AP)"),
    Mark("ORG", "Conservative Party", n="all", within=AP_ARTICLE),
    Mark("ORG", "Conservatives", n="all", within=AP_ARTICLE),
    Mark("ORG", "Labour Party", n="all", within=AP_ARTICLE),
    Mark("ORG", "Twitter", n="all", within=AP_ARTICLE),
    Mark("ORG", "Full Fact", key="full-fact"),
    Mark("ORG", "BBC", n="all"),
    Mark("ORG", "Electoral Commission"),
    Mark("ORG", "EU"),
    Mark("ORG", "Liberal Democrat"),
    Mark("ORG", "Facebook", within=AP_ARTICLE),
    Mark("LOC", "LONDON"),
    Mark("LOC", "London", within="London-based"),
    Mark("LOC", "Britain", n="all", within=AP_ARTICLE),
    Mark("LOC", "U.K."),
    Mark("MISC", "factcheckUK"),
    Mark("MISC", "CCHQ Press"),
    Mark("MISC", "Brexit", n="all", within=AP_ARTICLE, key="brexit"),
    Mark("MISC", "Cleggmania", key="cleggmania"),
)

# bob starts the article at its title, so he has no date inside it to mark; takes only the
# first line as the byline and keeps the names as printed; takes the fact-checking charity
# "Full Fact" for a product; does not mark "Brexit" nor "Cleggmania"; and takes the story's
# tags and the two news lists after it as one block each.
AP_BOB = revise(
    AP_ALICE,
    drop=["date", "brexit", "cleggmania", "people", "local"],
    change={
        "article": Mark("article", AP_TITLE, to=AP_ARTICLE[1], attrs={"role": "main"}),
        "byline": Mark(
            "byline",
            "By DANICA KIRKA and JILL LAWLESS",
            attrs={"authors": ["DANICA KIRKA", "JILL LAWLESS"], "agency": "Associated Press"},
        ),
        "full-fact": Mark("MISC", "Full Fact"),
        "topics": Mark(
            "boilerplate", "Topics", to="Boris Johnson", attrs={"kind": "related-links"}
        ),
        "trending": Mark(
            "boilerplate",
            "Trending",
            to="Yudichak leaves Democratic Party\nNov. 20, 2019 12:00 AM EST",
            attrs={"kind": "related-links"},
        ),
    },
)


# -------------------- Yahoo! News Japan page: alice and bob

YAHOO = "rtp-yahoo-4.html"
YAHOO_TITLE = "トレンドマイクロ、公衆無線LANを安全に使うためのアプリ「フリーWi-Fiプロテクション」"
YAHOO_ARTICLE: Region = (YAHOO_TITLE, "ブロックできるという。")
YAHOO_RELATED: Region = ("【関連記事】", "絶対にギークしか買わない32枚のTシャツ")

YAHOO_ALICE: tuple[Mark, ...] = (
    # A promoted headline of another story, then the site's menus.
    Mark(
        "boilerplate",
        "「子どもの貧困」に取り組む25歳。母を自殺で失ってからの軌跡",
        attrs={"kind": "related-links"},
        key="promo",
    ),
    Mark("boilerplate", "キーワード", to="テクノロジー", attrs={"kind": "navigation"}, key="nav"),
    Mark("article", YAHOO_ARTICLE[0], to=YAHOO_ARTICLE[1], attrs={"role": "main"}, key="article"),
    Mark("title", YAHOO_TITLE),
    # "CNET Japan 3/9(木) 18:45配信": the providing agency, then the time it was delivered.
    Mark("byline", "CNET Japan", attrs={"agency": "CNET Japan"}),
    Mark("date", "3/9(木) 18:45", attrs={"value": "2017-03-09T18:45+09:00"}),
    Mark("boilerplate", "ツイート\nシェアする", n=1, attrs={"kind": "share"}, key="share-top"),
    # After the article.
    Mark("boilerplate", YAHOO_RELATED[0], to=YAHOO_RELATED[1], attrs={"kind": "related-links"}),
    Mark("boilerplate", "ツイート\nシェアする", n=2, attrs={"kind": "share"}),
    Mark("boilerplate", "※コメントは個人の見解", to="コメント非表示", attrs={"kind": "other"}),
    Mark(
        "boilerplate",
        "注目のビジネスニュース",
        to="ニュースイッチ 3/9(木) 18:11",
        attrs={"kind": "related-links"},
    ),
    Mark(
        "boilerplate",
        "アクセスランキング（IT総合）",
        to="BUSINESS INSIDER JAPAN 3/4(土) 20:10",
        attrs={"kind": "related-links"},
    ),
    Mark(
        "boilerplate",
        "雑誌アクセスランキング",
        to="＠ＤＩＭＥ 3/9(木) 7:10",
        attrs={"kind": "related-links"},
    ),
    Mark("boilerplate", "お得情報", to="キャンペーン実施中！", attrs={"kind": "advertisement"}),
    Mark("boilerplate", "その他のキャンペーン", to="急上昇ワード", attrs={"kind": "navigation"}),
    Mark(
        "boilerplate",
        "プライバシーポリシー",
        to="Yahoo Japan Corporation. All Rights Reserved.",
        attrs={"kind": "footer"},
    ),
    # Entities of the article.
    Mark("ORG", "トレンドマイクロ", n="all", within=YAHOO_ARTICLE),
    Mark("ORG", "CNET Japan"),
    # The app; "フリーWi-Fiプロテクションインフラ" (its servers) is not the product's name.
    Mark("MISC", "フリーWi-Fiプロテクション", n=(1, 2, 3, 4), within=YAHOO_ARTICLE),
    Mark("MISC", "App Store"),
    Mark("MISC", "Google Play"),
    Mark("MISC", "ウイルスバスター モバイル"),
    Mark("MISC", "東京オリンピック・パラリンピック", key="olympics"),
    Mark("MISC", "Trend Micro Smart Protection Network"),
    Mark("MISC", "SPN", key="spn"),
)

# bob takes the promoted headline and the menus as one navigation block, does not mark the
# share buttons inside the article, runs the article on to its "last updated" line (the
# related-articles list then inside it, and a second date), marks "東京" as a place instead
# of the Games as an event, misses "SPN", and calls the page an article list because of all
# the rankings around the story.
YAHOO_BOB = revise(
    YAHOO_ALICE,
    drop=["promo", "share-top", "spn"],
    change={
        "nav": Mark(
            "boilerplate", "「子どもの貧困」", to="テクノロジー", attrs={"kind": "navigation"}
        ),
        "article": Mark(
            "article", YAHOO_TITLE, to="最終更新:3/9(木) 18:45", attrs={"role": "main"}
        ),
        "olympics": Mark("LOC", "東京"),
    },
    add=[Mark("date", "3/9(木) 18:45", n=2, attrs={"value": "2017-03-09T18:45+09:00"})],
)


# -------------------- AP story: gold

# The article runs from its dated header line to its last sentence. The "___" rule and the
# "Follow AP's full coverage" link after it are AP's standard tag, a link to other stories,
# not the story (the benchmark's gold body keeps the rule, which costs nothing measurable).
# Byline attributes are spelled as printed ("DANICA KIRKA", the dateline's "LONDON"): the
# gold records what the page says, not a normalised name. The header line's "EST" is the
# zone the page states, so the value carries -05:00.
AP_GOLD: tuple[Mark, ...] = (
    Mark("boilerplate", "Skip to main content", to="E-Edition", attrs={"kind": "navigation"}),
    Mark("article", AP_ARTICLE[0], to=AP_ARTICLE[1], attrs={"role": "main"}),
    Mark("date", "Nov. 20, 2019 6:02 AM EST", attrs={"value": "2019-11-20T06:02-05:00"}),
    Mark("title", AP_TITLE),
    Mark(
        "byline",
        "By DANICA KIRKA and JILL LAWLESS",
        to="Associated Press",
        attrs={
            "authors": ["DANICA KIRKA", "JILL LAWLESS"],
            "agency": "Associated Press",
            "location": "LONDON",
        },
    ),
    # The lead photo's credit line and the gallery link sit inside the article.
    Mark("boilerplate", "ITV, ASSOCIATED PRESS", attrs={"kind": "caption"}),
    Mark("boilerplate", "View all (4)", attrs={"kind": "navigation"}),
    # After the article: AP's coverage link, the story's tag list, its "in this story" lists
    # (places, organisations, people), the site's trending and local headlines, the footer.
    Mark("boilerplate", "___", to="www.apnews.com/Brexit", attrs={"kind": "related-links"}),
    Mark("boilerplate", "Topics", to="Brexit referendum", attrs={"kind": "related-links"}),
    Mark(
        "boilerplate",
        "Places in this Story",
        to="Boris Johnson",
        attrs={"kind": "related-links"},
    ),
    Mark("boilerplate", "Trending", to="engineer says", attrs={"kind": "related-links"}),
    Mark(
        "boilerplate",
        "Wilkes-Barre News",
        to="Yudichak leaves Democratic Party\nNov. 20, 2019 12:00 AM EST",
        attrs={"kind": "related-links"},
    ),
    Mark(
        "boilerplate", "©2019 The Associated Press.", to="Privacy Policy.", attrs={"kind": "footer"}
    ),
    # People. A surname alone ("Johnson") is how English news names a person again, so it
    # is marked; "Clegg" inside "Cleggmania" (occurrence 2) is not.
    Mark("PER", "DANICA KIRKA"),
    Mark("PER", "JILL LAWLESS"),
    Mark("PER", "Boris Johnson", within=AP_ARTICLE),
    Mark("PER", "Johnson", n=(2, 3, 4, 5), within=AP_ARTICLE),
    Mark("PER", "Jeremy Corbyn", within=AP_ARTICLE),
    Mark("PER", "Corbyn", n=(2, 3, 4), within=AP_ARTICLE),
    Mark("PER", "Will Moy"),
    Mark("PER", "Dominic Raab"),
    Mark("PER", "Raab", n=2),
    Mark("PER", "Keir Starmer"),
    Mark("PER", "Starmer", n=2),
    Mark("PER", "Nick Clegg", within=AP_ARTICLE),
    Mark("PER", "Clegg", n=3, within=AP_ARTICLE),
    # Organisations, the photo credit's included; "Tories" is the Conservatives' byname.
    Mark("ORG", "Tories"),
    Mark("ORG", "Associated Press", within="JILL LAWLESS\nAssociated Press"),
    Mark("ORG", "ITV"),
    Mark("ORG", "ASSOCIATED PRESS", within="ITV, ASSOCIATED PRESS"),
    Mark("ORG", "AP", within="LONDON (AP)"),
    Mark("ORG", "Conservative Party", n="all", within=AP_ARTICLE),
    Mark("ORG", "Conservatives", n="all", within=AP_ARTICLE),
    Mark("ORG", "Labour Party", n="all", within=AP_ARTICLE),
    Mark("ORG", "Twitter", n="all", within=AP_ARTICLE),
    Mark("ORG", "Full Fact"),
    Mark("ORG", "BBC", n="all", within=AP_ARTICLE),
    Mark("ORG", "Electoral Commission"),
    Mark("ORG", "EU"),
    Mark("ORG", "Liberal Democrat"),
    Mark("ORG", "Facebook", within=AP_ARTICLE),
    # Places: the title's "UK" (not the one inside "factcheckUK"), the dateline, the rest.
    Mark("LOC", "UK", within=AP_TITLE),
    Mark("LOC", "LONDON"),
    Mark("LOC", "London", within="London-based"),
    Mark("LOC", "Britain", n="all", within=AP_ARTICLE),
    Mark("LOC", "U.K."),
    # The Twitter account's two names, the event "Brexit" (also inside "Brexit-weary"), and
    # the "Cleggmania" wave.
    Mark("MISC", "factcheckUK"),
    Mark("MISC", "CCHQ Press"),
    Mark("MISC", "Brexit", n="all", within=AP_ARTICLE),
    Mark("MISC", "Cleggmania"),
)


# -------------------- Yahoo! News Japan page: gold

# The article is Yahoo's article box from its headline to its "last updated" line: the
# header ("CNET Japan 3/9(木) 18:45配信": the providing agency and the delivery time), the
# share bar, the body, the related-articles list and the footer line with the last update.
# Neither date line gives a zone (nor a year: 2017 is in the page's url and copyright), so
# the values have no offset. No author is named, so the byline has only its agency.
# Entities are marked in the title and body, not in the related-articles headlines.
YAHOO_LAST = "最終更新:3/9(木) 18:45"
YAHOO_BODY: Region = (YAHOO_TITLE, "ブロックできるという。")

YAHOO_GOLD: tuple[Mark, ...] = (
    # The masthead: a promoted headline and a points offer (both served through Yahoo's ad
    # links), the search box, sign-up and login, the Yahoo! JAPAN and help links.
    Mark(
        "boilerplate",
        "「子どもの貧困」に取り組む25歳。母を自殺で失ってからの軌跡",
        attrs={"kind": "advertisement"},
    ),
    Mark("boilerplate", "キーワード：", to="ログイン", attrs={"kind": "header"}),
    Mark(
        "boilerplate",
        "今なら5,000ポイントもらえるチャンス！　YJFX!",
        attrs={"kind": "advertisement"},
    ),
    Mark("boilerplate", "Yahoo! JAPAN\nヘルプ", attrs={"kind": "header"}),
    # The news search tabs, the user menu, the site's and the section's menus.
    Mark("boilerplate", "ニュース\n\n条件指定", to="テクノロジー", attrs={"kind": "navigation"}),
    Mark("article", YAHOO_TITLE, to=YAHOO_LAST, attrs={"role": "main"}),
    Mark("title", YAHOO_TITLE),
    Mark("byline", "CNET Japan", attrs={"agency": "CNET Japan"}),
    Mark("date", "3/9(木) 18:45", n=1, attrs={"value": "2017-03-09T18:45"}),
    Mark("boilerplate", "ツイート\nシェアする", n=1, attrs={"kind": "share"}),
    Mark("boilerplate", YAHOO_RELATED[0], to=YAHOO_RELATED[1], attrs={"kind": "related-links"}),
    Mark("date", "3/9(木) 18:45", n=1, within=YAHOO_LAST, attrs={"value": "2017-03-09T18:45"}),
    # After the article: the second share bar, the comments' notice, three headline lists,
    # the campaign box, the site's lower menus, and the footer with its search bar.
    Mark("boilerplate", "ツイート\nシェアする", n=2, attrs={"kind": "share"}),
    Mark("boilerplate", "※コメントは個人の見解", to="コメント非表示", attrs={"kind": "other"}),
    Mark(
        "boilerplate",
        "注目のビジネスニュース",
        to="ニュースイッチ 3/9(木) 18:11",
        attrs={"kind": "related-links"},
    ),
    Mark(
        "boilerplate",
        "アクセスランキング（IT総合）",
        to="BUSINESS INSIDER JAPAN 3/4(土) 20:10",
        attrs={"kind": "related-links"},
    ),
    Mark(
        "boilerplate",
        "雑誌アクセスランキング",
        to="＠ＤＩＭＥ 3/9(木) 7:10",
        attrs={"kind": "related-links"},
    ),
    Mark("boilerplate", "お得情報", to="その他のキャンペーン", attrs={"kind": "advertisement"}),
    Mark(
        "boilerplate",
        "アプリ\n\nアプリデータ先読み",
        to="新聞記事横断検索",
        attrs={"kind": "navigation"},
    ),
    Mark(
        "boilerplate",
        "Yahoo!Japan",
        to="Yahoo Japan Corporation. All Rights Reserved.",
        attrs={"kind": "footer"},
    ),
    # Entities of the title and body.
    Mark("ORG", "CNET Japan"),
    Mark("ORG", "トレンドマイクロ", n="all", within=YAHOO_BODY),
    # Products: the app ("フリーWi-Fiプロテクションインフラ", its servers, is not the
    # product's name: occurrences 5 to 7), the systems it runs on, the stores that sell it,
    # the company's other app, and its cloud platform with its short name.
    Mark("MISC", "フリーWi-Fiプロテクション", n=(1, 2, 3, 4), within=YAHOO_BODY),
    Mark("MISC", "iOS"),
    Mark("MISC", "Android"),
    Mark("MISC", "App Store"),
    Mark("MISC", "Google Play"),
    Mark("MISC", "ウイルスバスター モバイル"),
    Mark("MISC", "Trend Micro Smart Protection Network"),
    Mark("MISC", "SPN"),
    # The Games, an event: one name, so "東京" inside it is not a place of its own.
    Mark("MISC", "東京オリンピック・パラリンピック"),
)


# -------------------- all the specs

SPECS: tuple[DocSpec, ...] = (
    DocSpec(SEED, GOLD, SEED_GOLD),
    DocSpec(AP, GOLD, AP_GOLD, updated_at="2026-01-16T09:00:00Z"),
    DocSpec(YAHOO, GOLD, YAHOO_GOLD, updated_at="2026-01-16T09:30:00Z"),
    DocSpec(SEED, "alice", SEED_ALICE, updated_at="2026-01-12T14:20:00Z"),
    DocSpec(SEED, "bob", SEED_BOB, updated_at="2026-01-13T10:05:00Z"),
    DocSpec(AP, "alice", AP_ALICE, updated_at="2026-01-12T15:02:00Z"),
    DocSpec(AP, "bob", AP_BOB, updated_at="2026-01-13T10:31:00Z"),
    DocSpec(YAHOO, "alice", YAHOO_ALICE, updated_at="2026-01-12T15:40:00Z"),
    DocSpec(YAHOO, "bob", YAHOO_BOB, page_type="article-list", updated_at="2026-01-13T11:12:00Z"),
)


# -------------------- building

#: Written to ``corpora/demo/README.md``: what the corpus is and how its annotations were made.
DEMO_README = """\
# The demo corpus

Made by `tools/build_demo_corpus.py` from `corpora/demo-sources/` (see its `SOURCES.md`
for where each page came from and under which licence): `annotator new`, `annotator import`,
then hand annotations written in that script as quotes, never as typed offsets. Do not edit
the files here by hand; change the script and run

    .venv/bin/python tools/build_demo_corpus.py

Complete gold annotations (main article, related teasers, titles, subtitles, bylines,
dates, every PER/ORG/LOC entity, product names as MISC, every boilerplate block with its
kind, the page type), all `done`:

- `gold/000_2c3ea0c0f783ca12.json`: the Korean seed page (main article and two related
  teasers).
- `gold/aeb-e7994d550087.json`: the English AP story. The main article's body (its clean
  text minus title, byline and date) matches the article-extraction-benchmark's gold
  `articleBody` at F1 0.999 (its one missing shingle is the "___" rule after the story).
- `gold/rtp-yahoo-4.json`: the Japanese Yahoo! News page carrying a CNET Japan article. Its
  body holds readability's expected paragraphs, plus the labels "配信" and "最終更新:" of its
  two date lines. readability's expected byline, "個人", is the site menu's "Individuals"
  link, not a byline: the page names no author, so the byline is the agency, "CNET Japan".

`annotations/alice/`, `annotations/bob/`: two annotators on the seed page, the AP story and
the Yahoo page, with real disagreements between them (article extent, boilerplate blocks
split differently, a missed entity, ORG taken for MISC, a different page type).

Conventions: header lines (title, subtitle, byline, date) are parts inside the article,
never boilerplate; the reporter e-mail line is a byline span of its own (attribute `email`)
and the main byline carries the same `email`; byline attributes are spelled as printed.
Date values are ISO 8601, with an offset only where the page states a zone (the AP story's
"EST" is -05:00; the Yahoo page states none, so its values have no offset; the seed's older
gold gives Korea's +09:00, which its page does not print). A label beside a date
("기사입력 :", "配信") is not part of the date. Entities are marked in article text and
captions, not in menus, advertisements or related-link lists; Korean surname-and-title
references ("이 대통령") are not marked, English surname re-mentions ("Johnson") are;
products, events and law names are MISC, buildings are LOC.
"""


def source_doc_ids(corpus: Corpus) -> dict[str, str]:
    """Source file name -> doc id, from each document's meta (whatever id import chose)."""
    found: dict[str, str] = {}
    for doc_id in corpus.doc_ids():
        source = corpus.read_meta(doc_id).source
        found[Path(source.split("#", 1)[0]).name] = doc_id
    return found


def annotations_for(corpus: Corpus, specs: Sequence[DocSpec] | None = None) -> list[Annotation]:
    """Every annotation of ``specs`` (default: :data:`SPECS`) resolved against the texts."""
    ids = source_doc_ids(corpus)
    result = []
    for spec in SPECS if specs is None else specs:
        if spec.source not in ids:
            raise SpecError(f"{spec.source}: no document imported from this file")
        doc_id = ids[spec.source]
        result.append(build_annotation(spec, doc_id, corpus.read_text(doc_id), corpus))
    return result


def _run_annotator(*argv: str, cwd: Path) -> None:
    """Run the real ``annotator`` command, as a user would."""
    command = [sys.executable, "-m", "annotator", *argv]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SpecError(
            f"`annotator {' '.join(argv)}` failed with exit code {done.returncode}:\n{done.stderr}"
        )


def _keep_stamps(work: Path, old: Path) -> None:
    """Give the fresh corpus in ``work`` the time stamps of the corpus ``old`` it replaces
    wherever nothing else changed: the manifest's ``created`` and each document's
    ``imported_at``. A rebuild then changes in git only what the sources or the spec changed,
    not every meta file by the clock."""

    def carry(new_path: Path, old_path: Path, key: str) -> None:
        if not old_path.is_file():
            return
        new_value, old_value = json.loads(new_path.read_bytes()), json.loads(old_path.read_bytes())
        if not isinstance(old_value, dict) or key not in old_value:
            return
        if {**new_value, key: old_value[key]} == old_value:
            # dict order is the file's key order, so the file keeps the model's layout.
            atomic_write_bytes(new_path, dump_json({**new_value, key: old_value[key]}))

    carry(work / "corpus.json", old / "corpus.json", "created")
    for meta in sorted((work / "documents").glob("*.meta.json")):
        text = meta.with_name(meta.name.removesuffix(".meta.json") + ".txt")
        old_text = old / "documents" / text.name
        if old_text.is_file() and old_text.read_bytes() == text.read_bytes():
            carry(meta, old / "documents" / meta.name, "imported_at")


def build(out: Path, sources: Path = SOURCES_DIR, specs: Sequence[DocSpec] | None = None) -> Corpus:
    """Build the corpus in a fresh folder next to ``out``, check it, then swap it in.

    The old corpus is replaced only once the new one is complete and valid.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.build"
    if work.exists():
        shutil.rmtree(work)  # left over from a build that failed
    try:
        _run_annotator("new", str(work), "--name", out.name, cwd=sources)
        # Relative paths from the sources folder: each document's meta then names its source
        # as "seed/000_….txt", the same on every machine.
        # The seed page states no time zone; it is a Seoul paper, so the corpus says so
        # (its dates' gold values carry +09:00: annotator/attribute_fill.py fills them so).
        _run_annotator("import", str(work), SOURCE_FILES[0], "--timezone", "Asia/Seoul", cwd=sources)
        _run_annotator("import", str(work), *SOURCE_FILES[1:], cwd=sources)
        # The importer's lock file is of no use in a finished corpus checked into git.
        (work / "documents" / ".import.lock").unlink(missing_ok=True)
        _keep_stamps(work, out)
        corpus = Corpus.open(work)
        for annotation in annotations_for(corpus, specs):
            annotator = GOLD if annotation.annotator == GOLD else annotation.annotator
            corpus.save_annotation(annotation, annotator=annotator)
        atomic_write_bytes(work / "README.md", DEMO_README.encode("utf-8"))
        problems, _counts = validate_corpus(corpus)
        if problems:
            raise SpecError(
                "the built corpus does not validate:\n  " + "\n  ".join(map(str, problems))
            )
        # Atomic writes create private (0600) files; the checked-in corpus is for everyone.
        for path in work.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if out.exists():
        old = out.parent / f".{out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        work.rename(out)
        shutil.rmtree(old)
    else:
        work.rename(out)
    return Corpus.open(out)


# -------------------- helpers for writing specs


def _visible(snippet: str) -> str:
    """Line breaks as ⏎ and no-break spaces as ⍽, so that a quote can be copied right."""
    return snippet.replace("\n", "⏎").replace(NB, "⍽")


def show(corpus: Corpus, doc_id: str, annotator: str) -> None:
    """Print the resolved spans of one annotation with some context, to review the spec."""
    text = corpus.read_text(doc_id)
    ids = {v: k for k, v in source_doc_ids(corpus).items()}
    for spec in SPECS:
        if spec.annotator == annotator and spec.source == ids.get(doc_id):
            annotation = build_annotation(spec, doc_id, text, corpus)
            for s in annotation.spans:
                before = _visible(text[max(0, s.start - 8) : s.start])
                after = _visible(text[s.end : s.end + 8])
                body = s.text if len(s.text) < 60 else s.text[:28] + " … " + s.text[-28:]
                body = _visible(body)
                where = f"[{s.start:>5},{s.end:>5})"
                print(f"{s.id:>5} {s.label:<11} {where} {before}⟦{body}⟧{after}  {s.attrs or ''}")


def find(text: str, quote: str) -> None:
    """Print every occurrence of ``quote``, numbered, to choose ``n``."""
    for k, i in enumerate(_find_all(text, quote, 0, len(text)), 1):
        around = _visible(text[max(0, i - 15) : i + len(quote) + 15])
        print(f"{k:>3} @{i:<6} {around}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help="corpus folder to (re)build")
    parser.add_argument("--sources", type=Path, default=SOURCES_DIR)
    parser.add_argument(
        "--show", metavar="DOC_ID", help="print the spans of a built corpus's document"
    )
    parser.add_argument("--annotator", default=GOLD, help="with --show: whose spans")
    parser.add_argument("--find", metavar="QUOTE", help="print the occurrences of QUOTE in --doc")
    parser.add_argument("--doc", metavar="DOC_ID", help="with --find: the document")
    args = parser.parse_args(argv)
    if args.show or args.find:
        corpus = Corpus.open(args.out)
        if args.show:
            show(corpus, args.show, args.annotator)
        else:
            find(corpus.read_text(args.doc), args.find.replace("\\xa0", NB))
        return 0
    try:
        corpus = build(args.out, args.sources)
    except SpecError as exc:
        print(f"build_demo_corpus: {exc}", file=sys.stderr)
        return 1
    counts = {name: len(corpus.annotated_ids(name)) for name in [GOLD, *corpus.annotators()]}
    print(
        f"built {corpus.root}: {len(corpus.doc_ids())} documents, annotations {counts}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
