"""Attributes a span's own text already holds, filled in when the span is marked.

Marking ``[서울=뉴스핌] 심지혜 기자`` as a byline gives it ``authors`` [심지혜], ``agency``
뉴스핌 and ``location`` 서울; marking ``2020년06월03일 09:03`` as a date gives it the ``value``
``2020-06-03T09:03``. The annotator confirms or corrects them (F2); nothing is retyped.

The parsing is the suggestion engine's (:mod:`annotator.suggest.patterns`): one reading of
bylines and dates for suggestions and for marking by hand. Which attributes are filled is
decided by the scheme, not by label names: the byline parser's attributes (``authors``,
``agency``, ``location``, ``email``) go to a label defining an attribute of that name and a
fitting type, a date's ISO value to a label's ``date`` attribute; every value passes
:func:`rules.check_attr_value` or is left out.

A time zone is added to a date's value only when something says which one (never guessed
from the script or the site): an offset or zone name right after the date in the span's
text (``+09:00``, ``KST``, ``UTC+9``), else what the page or the corpus says
(:class:`PageClock`): a ``timezone`` given with the document at import (its meta's
``extra``), a time of the page's HTML metadata with an offset and the same date and time
as the span, or a corpus-wide offset the caller passes. A setting that names no known
offset is ignored (no zone), as is an ambiguous abbreviation such as ``CST`` or ``IST``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from types import ModuleType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from annotator.model import AttributeDef, AttrValue, DocumentMeta, LabelScheme, Span
from annotator.rules import check_attr_value

#: The byline parser's attributes, and the attribute types each may fill.
BYLINE_ATTRS: dict[str, frozenset[str]] = {
    "authors": frozenset({"list"}),
    "agency": frozenset({"text"}),
    "location": frozenset({"text"}),
    "email": frozenset({"email", "text"}),
}

#: Zone abbreviations that name one offset. Ambiguous ones (CST: China or US Central, IST:
#: India, Israel or Ireland, BST) are left out on purpose: no zone rather than a wrong one.
ZONE_ABBREVIATIONS: dict[str, str] = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00",
    "KST": "+09:00", "JST": "+09:00", "HKT": "+08:00", "SGT": "+08:00",
    "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00",
    "EST": "-05:00", "EDT": "-04:00", "MST": "-07:00", "MDT": "-06:00",
    "PST": "-08:00", "PDT": "-07:00", "AEST": "+10:00", "AEDT": "+11:00",
    "한국시간": "+09:00", "한국 시간": "+09:00",
}

_ABBREVIATION = "|".join(sorted((re.escape(k) for k in ZONE_ABBREVIATIONS if k != "Z"), key=len, reverse=True))
#: What may follow a date in the span's text to give its zone: "+09:00", "(KST)", "UTC+9".
#: A "-05:00" only right after the time (ISO style): "09:00 - 10:00" is a range, not a zone.
_ZONE_AFTER_RE = re.compile(
    r"(?:(?P<iso>Z|[+-]\d{2}:?\d{2})(?![\d:])"
    r"|\s*\(?\s*(?:(?P<prefix>UTC|GMT)\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?"
    rf"|\+(?P<plus>\d{{2}}:?\d{{2}})|(?P<name>{_ABBREVIATION}))(?![\w:]))"
)
_OFFSET_RE = re.compile(r"^(?:(?:UTC|GMT)\s*)?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$")


@cache
def load_parsers() -> ModuleType:
    """The suggestion engine's byline and date patterns, imported on first use.

    Importing them loads the whole ``annotator.suggest`` package (lxml among others, about
    150 ms): the command line and the app's start do not pay for it; the app calls this
    once it is idle, so that the first byline marked does not either.
    """
    from annotator.suggest import patterns

    return patterns


@dataclass(frozen=True, slots=True)
class PageClock:
    """What the page or the corpus says about the time zone of the times on the page."""

    #: The offset a setting gives ("+09:00"): the document's, else the corpus's.
    offset: str | None = None
    #: An IANA zone a setting gives ("Asia/Seoul"): its offset is that of the date itself.
    zone: str | None = None
    #: The page's own times with an offset (its HTML metadata's published/modified times).
    stamps: tuple[datetime, ...] = ()

    def offset_for(self, local: datetime) -> str | None:
        """The offset the page gives to the wall-clock time ``local`` (None: it does not say)."""
        for stamp in self.stamps:
            if stamp.replace(second=0, microsecond=0, tzinfo=None) == local:
                return _format_offset(stamp.utcoffset())
        if self.offset is not None:
            return self.offset
        if self.zone is not None:
            return _format_offset(local.replace(tzinfo=ZoneInfo(self.zone)).utcoffset())
        return None


def parse_offset(raw: str) -> str | None:
    """``raw`` ("+09:00", "+0900", "UTC+9", "KST") as ``+HH:MM``; None when it names no one offset."""
    value = raw.strip()
    if value.upper() in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[value.upper()]
    if value in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[value]
    m = _OFFSET_RE.match(value.upper())
    if m is None:
        return None
    return _offset(m.group("sign"), m.group("hours"), m.group("minutes"))


def _offset(sign: str, hours: str, minutes: str | None) -> str | None:
    h, mm = int(hours), int(minutes or 0)
    # The offsets in use run from -12:00 to +14:00.
    if mm >= 60 or (sign == "+" and (h, mm) > (14, 0)) or (sign == "-" and (h, mm) > (12, 0)):
        return None
    return f"{sign}{h:02d}:{mm:02d}"


def _format_offset(delta: timedelta | None) -> str | None:
    if delta is None:
        return None
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    h, mm = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{mm:02d}"


def _zone_name(raw: str) -> str | None:
    """``raw`` when it is an IANA zone this system knows ("Asia/Seoul")."""
    if "/" not in raw:
        return None
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return raw


def is_time_zone(raw: str) -> bool:
    """Whether ``raw`` names one offset, abbreviation or IANA zone (a valid ``--timezone``)."""
    return parse_offset(raw) is not None or _zone_name(raw.strip()) is not None


def page_clock(meta: DocumentMeta | None, corpus_timezone: str | None = None) -> PageClock:
    """What ``meta`` (and a corpus-wide setting) say about the page's time zone.

    The document's ``extra["timezone"]`` (an offset, an abbreviation or an IANA name) wins
    over ``corpus_timezone``; HTML metadata times with an offset are kept as stamps.
    """
    stated = meta.extra.get("timezone") if meta else None
    return page_clock_of(
        stated if isinstance(stated, str) and stated.strip() else corpus_timezone,
        meta.html_meta if meta else {},
    )


def page_clock_of(timezone: str | None, html_meta: dict[str, str]) -> PageClock:
    """The page clock of a stated ``timezone`` (or None) and the page's HTML metadata."""
    offset: str | None = None
    zone: str | None = None
    if isinstance(timezone, str) and timezone.strip():
        offset, zone = parse_offset(timezone), _zone_name(timezone.strip())
    stamps: list[datetime] = []
    for key, raw_time in html_meta.items():
        if not key.endswith(("published_time", "modified_time")):
            continue
        try:
            stamp = datetime.fromisoformat(raw_time.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if stamp.tzinfo is not None:
            stamps.append(stamp)
    return PageClock(offset, zone, tuple(stamps))


def byline_attrs(text: str) -> dict[str, AttrValue]:
    """What the byline parser reads in ``text``: authors (all of them, in order), then the
    first agency, location and e-mail it gives."""
    out: dict[str, AttrValue] = {}
    authors: list[str] = []
    for found in load_parsers().find_bylines(text):
        for name, value in found.attrs.items():
            if name == "authors" and isinstance(value, list):
                authors.extend(a for a in value if a not in authors)
            else:
                out.setdefault(name, value)
    if authors:
        out = {"authors": authors, **out}
    return out


def date_value(text: str, clock: Callable[[], PageClock] = PageClock) -> str | None:
    """The ISO value of the one date in ``text`` (None: no date, or several different ones).

    "2020년06월03일 09:03" -> "2020-06-03T09:03"; with "+09:00" or "KST" after it, or a page
    clock that gives the zone, "2020-06-03T09:03+09:00". ``clock`` is asked only when the
    text has a time and no zone of its own.
    """
    found = load_parsers().find_dates(text)
    values = {str(f.attrs["value"]) for f in found}
    if len(values) != 1:
        return None
    first = found[0]
    value = str(first.attrs["value"])
    if "T" not in value:
        return value  # a date alone has no zone
    offset = _zone_after(text, first.end, iso="T" in text[first.start : first.end])
    if offset is None:
        offset = clock().offset_for(datetime.fromisoformat(value))
    return value + offset if offset else value


def _zone_after(text: str, pos: int, iso: bool) -> str | None:
    """The zone written right after the date ending at ``pos`` (``iso``: written with a T)."""
    found = zone_after(text, pos, iso)
    return found[0] if found is not None else None


def zone_after(text: str, pos: int, iso: bool) -> tuple[str, int] | None:
    """The offset written right after the date ending at ``pos`` and where its writing ends
    (a closing parenthesis included): "09:03 (KST)" -> ("+09:00", after ")"). ``iso``: the
    date is written with a T, so that a glued "-05:00" is its zone, not a time range."""
    m = _ZONE_AFTER_RE.match(text, pos)
    if m is None:
        return None
    end = m.end()
    if "(" in text[pos:end] and text[end : end + 1] == ")":
        end += 1
    attached = m.group("iso")
    offset: str | None
    if attached:
        # "09:00-10:00" is a range; "2020-06-03T09:00-05:00" is a zone.
        offset = "+00:00" if attached == "Z" else parse_offset(attached) if attached[0] == "+" or iso else None
    elif m.group("prefix"):
        offset = _offset(m.group("sign"), m.group("hours"), m.group("minutes"))
    elif m.group("plus"):
        offset = parse_offset("+" + m.group("plus"))
    else:
        offset = ZONE_ABBREVIATIONS.get(m.group("name"))
    return (offset, end) if offset is not None else None


def fill_attrs(
    scheme: LabelScheme, label: str, text: str, clock: Callable[[], PageClock] = PageClock
) -> dict[str, AttrValue]:
    """The attributes of a new ``label`` span on ``text`` that its text gives, each valid
    for the scheme ({} for a label with none of them, such as article or PER)."""
    definition = scheme.label(label)
    if definition is None:
        return {}
    out: dict[str, AttrValue] = {}
    wanted = [a for a in definition.attrs if a.type in BYLINE_ATTRS.get(a.name, ())]
    if wanted:
        found = byline_attrs(text)
        for attr in wanted:
            _put(out, attr, found.get(attr.name))
    dates = [a for a in definition.attrs if a.type == "date"]
    # One date attribute: the date is its value. With several (published, updated...),
    # which one a date is cannot be read from it.
    if len(dates) == 1:
        _put(out, dates[0], date_value(text, clock))
    return out


def article_email(
    scheme: LabelScheme,
    label: str,
    text: str,
    end: int,
    article_end: int,
    skip: Sequence[tuple[int, int]] = (),
) -> dict[str, AttrValue]:
    """A byline's ``email`` when its own text has none: the first e-mail address after it in
    its article (``text[end:article_end]``), where news pages sign off with the reporter's
    address; not one inside ``skip`` (the article's boilerplate: a photo caption's address
    is the photographer's). {} when the label has no e-mail attribute or the article gives
    none."""
    definition = scheme.label(label)
    attr = next((a for a in definition.attrs if a.type == "email"), None) if definition else None
    if attr is None:
        return {}
    found = next(
        (
            m
            for m in load_parsers().EMAIL_RE.finditer(text, end, article_end)
            if not any(a <= m.start() < b for a, b in skip)
        ),
        None,
    )
    out: dict[str, AttrValue] = {}
    _put(out, attr, found.group() if found else None)
    return out


#: The ``role`` choices of an article: the page's own article, and a teaser of another.
MAIN_ROLE, TEASER_ROLE = "main", "related"


def context_attrs(
    scheme: LabelScheme, label: str, text: str, start: int, end: int, spans: Sequence[Span]
) -> dict[str, AttrValue]:
    """The choice attributes a new ``label`` span on ``text[start:end]`` gets from its text
    and its place among ``spans`` (the document's; only those with a ``role`` count, so a
    caller may pass just the spans of labels that have one), instead of the scheme's default,
    for a label with such attributes (the news scheme's ``boilerplate`` and ``article``):

    * a ``kind`` choice: what :func:`annotator.suggest.boilerplate.span_kind` reads (a photo
      caption, a share bar, "Top으로 이동", a menu word...), else above the page's main
      article (a span with ``role`` ``main``) a menu, below it the footer;
    * a ``role`` choice of ``main`` and ``related``: ``related`` when another span of the
      label, outside this one, is already the page's ``main`` (a page has one main article;
      the others are teasers).

    Only values the attribute allows; the annotator's digit or F2 corrects a wrong guess.
    """
    definition = scheme.label(label)
    if definition is None:
        return {}
    out: dict[str, AttrValue] = {}
    for attr in definition.attrs:
        if attr.type != "choice":
            continue
        if attr.name == "role" and {MAIN_ROLE, TEASER_ROLE} <= set(attr.values):
            if any(
                s.label == label and s.attrs.get(attr.name) == MAIN_ROLE and (s.end <= start or end <= s.start)
                for s in spans
            ):
                _put(out, attr, TEASER_ROLE)
        elif attr.name == "kind":
            from annotator.suggest.boilerplate import span_kind  # loaded with the parsers

            _put(out, attr, span_kind(text[start:end], _place(start, end, spans)))
    return out


def _place(start: int, end: int, spans: Sequence[Span]) -> str:
    """Where ``[start, end)`` is against the page's main article: ``top`` (above it),
    ``bottom`` (below it), ``inside``, or ``""`` when no main article is marked."""
    main = next((s for s in spans if s.attrs.get("role") == MAIN_ROLE), None)
    if main is None:
        return ""
    if end <= main.start:
        return "top"
    if start >= main.end:
        return "bottom"
    return "inside"


def line_fit(scheme: LabelScheme, label: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a ``label`` span goes in the one line ``text[start:end]`` marked whole (Shift
    and the label's key): for a label the byline parser fills, the first byline in it (a
    paragraph opening with "[서울=뉴스핌] 심지혜 기자 = ..."); for a label with one date
    attribute, the first date ("기사입력 : 2020년06월03일 09:03"). None: the label reads
    neither, the range is not one line, or the line holds none (the whole line is marked).
    """
    definition = scheme.label(label)
    if definition is None or "\n" in text[start:end]:
        return None
    if any(a.type in BYLINE_ATTRS.get(a.name, ()) for a in definition.attrs):
        found = load_parsers().find_bylines(text, start, end)
    elif sum(a.type == "date" for a in definition.attrs) == 1:
        found = load_parsers().find_dates(text, start, end)
    else:
        return None
    return (found[0].start, found[0].end) if found else None


def _put(out: dict[str, AttrValue], attr: AttributeDef, value: AttrValue | None) -> None:
    if value is not None and value != [] and check_attr_value(attr, value) is None:
        out[attr.name] = value
