"""Byline, e-mail and date patterns of Korean and English news pages.

Each finder returns :class:`Found` items with offsets into the text it was given, the
attributes the scheme's ``byline`` / ``date`` labels carry, and nothing else: where a
match may become a span (inside an article) is decided by the caller.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from annotator.model import AttrValue

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
#: The stamp closing a Korean photo caption: "2025.07.22 gdlee@newspim.com".
PHOTO_STAMP_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\.\d{1,2}\.\d{1,2}\.?[ \t\xa0]*" + EMAIL_RE.pattern)

_KO_ROLE = r"(?:선임기자|수석기자|전문기자|객원기자|인턴기자|기자|특파원|논설위원|편집위원|위원|통신원)"
_KO_NAME = r"[가-힣]{2,4}"
_KO_NAMES = rf"{_KO_NAME}(?:\s*[·,]\s*{_KO_NAME})*"

#: What stands before "=" in a photo or graphic credit ("[사진=LG]", "(그래픽=홍길동 기자)"):
#: a credit, never a place, so never a byline.
KO_CREDIT_WORDS = frozenset(
    {"사진", "사진제공", "그래픽", "자료", "자료사진", "제공", "출처", "영상", "캡처", "이미지", "일러스트", "표", "도표", "디자인"}
)
#: "[서울=뉴스핌] 심지혜 기자" and "(서울=연합뉴스) 홍길동 기자": place, agency, names, role,
#: on one line (a credit closing a caption line is not the byline of the next paragraph).
KO_BYLINE_RE = re.compile(
    rf"[\[(](?P<location>[가-힣A-Za-z ]{{1,12}})=(?P<agency>[^\])=\n]{{1,20}})[\])][ \t\xa0]*"
    rf"(?P<names>{_KO_NAMES})[ \t\xa0]*(?P<role>{_KO_ROLE})"
)
#: "심지혜 기자 =" at the start of a paragraph, or "심지혜 기자 sjh@newspim.com" on its own.
KO_NAME_ROLE_RE = re.compile(
    rf"(?:^|(?<=[\s\[(]))(?P<names>{_KO_NAMES})\s*(?P<role>{_KO_ROLE})(?=\s*(?:=|$|[A-Za-z0-9._%+-]+@))"
)
_EN_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|der|da|di|le|la|bin|al))*"
#: "By Jane Doe and John Roe, Reuters" at the start of a line.
EN_BYLINE_RE = re.compile(
    rf"^(?:By|BY|by|Written by|Words by|Story by)\s+(?P<names>{_EN_NAME}(?:\s*(?:,|and|&)\s+{_EN_NAME})*)"
    r"(?:\s*(?:,|\||-|–|—)\s*(?P<agency>[A-Z][\w&.' ]{1,40}))?\s*$"
)

_TIME = r"(?:\s*(?P<ampm1>오전|오후)?\s*(?P<hour>\d{1,2})[:시]\s?(?P<minute>\d{2})(?:분)?(?::(?P<second>\d{2}))?\s*(?P<ampm2>[AaPp]\.?[Mm]\.?)?)?"
KO_DATE_RE = re.compile(rf"(?P<year>(?:19|20)\d{{2}})\s*년\s*(?P<month>\d{{1,2}})\s*월\s*(?P<day>\d{{1,2}})\s*일{_TIME}")
NUM_DATE_RE = re.compile(
    r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?P<sep>[-./])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})\.?(?![\d])"
    r"(?:(?:T|\s+|\s*/\s*)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm2>[AaPp]\.?[Mm]\.?)?)?"
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<mname>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
EN_DATE_RE = re.compile(
    rf"(?:\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.replace('mname', 'mname2')}\s+(?P<year2>(?:19|20)\d{{2}}))"
    r"(?:(?:,|\s+at|\s*[|·•-])?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm2>[AaPp]\.?[Mm]\.?)?)?",
    re.IGNORECASE,
)
#: A label before a date on its own line: "기사입력 : ", "Updated: ", "Published on".
DATE_LABEL_RE = re.compile(
    r"^(?:기사입력|입력|최종수정|수정|등록|승인|발행|게재|송고|업데이트|Published(?: on)?|Posted(?: on)?|"
    r"Updated(?: on)?|Last updated|Modified|Date)\s*[:：]?\s*$",
    re.IGNORECASE,
)


AGENCIES = frozenset(
    a.casefold()
    for a in (
        "Reuters", "AP", "Associated Press", "AFP", "Agence France-Presse", "Bloomberg", "CNN",
        "BBC", "UPI", "dpa", "Xinhua", "Yonhap", "연합뉴스", "뉴시스", "뉴스1", "뉴스핌",
    )
)


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    attrs: dict[str, AttrValue] = field(default_factory=dict)


def _names(value: str) -> list[str]:
    parts = re.split(r"\s*(?:[·,&]|\band\b)\s*", value)
    return [p.strip() for p in parts if p.strip()]


def find_bylines(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Bylines in ``text[start:end]``: Korean agency bylines, "NAME 기자", "By NAME", e-mails.

    An e-mail next to a byline goes into its ``email`` attribute; an e-mail standing alone
    on a line (the reporter's address under a Korean article) is a byline of its own.
    """
    stop = len(text) if end is None else end
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in KO_BYLINE_RE.finditer(text, start, stop):
        if m.group("location").strip() in KO_CREDIT_WORDS:
            continue  # "[사진=LG] 홍길동 기자": a photo credit, whoever follows it
        attrs: dict[str, AttrValue] = {
            "authors": _names(m.group("names")),
            "agency": m.group("agency").strip(),
            "location": m.group("location").strip(),
        }
        b = m.end()
        email = EMAIL_RE.match(text, _skip_space(text, b, stop), stop)
        if email:
            attrs["email"] = email.group()
            b = email.end()
        found.append(Found(m.start(), b, attrs))
        taken.append((m.start(), b))
    for m in KO_NAME_ROLE_RE.finditer(text, start, stop):
        if not free(m.start(), m.end()) or _after_credit(text, m.start()):
            continue
        attrs = {"authors": _names(m.group("names"))}
        b = m.end()
        email = EMAIL_RE.match(text, _skip_space(text, b, stop), stop)
        if email:
            attrs["email"] = email.group()
            b = email.end()
        found.append(Found(m.start(), b, attrs))
        taken.append((m.start(), b))
    # English bylines are whole lines.
    pos = start
    for raw in text[start:stop].split("\n"):
        line_start = pos
        pos += len(raw) + 1
        content = raw.strip()
        if not content or len(content) > 120:
            continue
        a = line_start + len(raw) - len(raw.lstrip())
        m = EN_BYLINE_RE.match(content)
        if m and free(a, a + len(content)):
            names = _names(m.group("names"))
            agency = (m.group("agency") or "").strip()
            # "By Jane Doe, Reuters": the names pattern also takes a trailing agency.
            if not agency and len(names) > 1 and names[-1].casefold() in AGENCIES:
                agency = names.pop()
            attrs = {"authors": names}
            if agency:
                attrs["agency"] = agency
            found.append(Found(a, a + len(content), attrs))
            taken.append((a, a + len(content)))
    for m in EMAIL_RE.finditer(text, start, stop):
        if free(m.start(), m.end()):
            found.append(Found(m.start(), m.end(), {"email": m.group()}))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return found


_CREDIT_BEFORE_RE = re.compile(r"[\[(](?P<word>[가-힣 ]{1,8})=[^\])=\n]{0,20}[\])][ \t\xa0]*$")


def _after_credit(text: str, pos: int) -> bool:
    """Does a photo credit's bracket ("[사진=LG] ") stand right before ``pos``?"""
    line_start = text.rfind("\n", 0, pos) + 1
    m = _CREDIT_BEFORE_RE.search(text, max(line_start, pos - 40), pos)
    return m is not None and m.group("word").strip() in KO_CREDIT_WORDS


def _skip_space(text: str, pos: int, stop: int) -> int:
    while pos < stop and text[pos] in " \t":
        pos += 1
    return pos


def _iso(year: int, month: int, day: int, hour: int | None, minute: int | None, pm: bool | None) -> str | None:
    if hour is not None and pm is not None:
        if pm and hour < 12:
            hour += 12
        elif not pm and hour == 12:
            hour = 0
    try:
        if hour is None or minute is None:
            return datetime(year, month, day).date().isoformat()
        return datetime(year, month, day, hour, minute).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def _pm(m: re.Match[str]) -> bool | None:
    groups = m.groupdict()
    mark = groups.get("ampm1") or groups.get("ampm2")
    if not mark:
        return None
    return mark in ("오후",) or mark.lower().startswith("p")


def _num(m: re.Match[str], name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Dates with a year in ``text[start:end]``, each with its ISO 8601 ``value``.

    "2020년06월03일 09:03" -> "2020-06-03T09:03"; "2025-07-26 07:00"; "June 3, 2020".
    """
    stop = len(text) if end is None else end
    # Kept sorted by start. The dates found never overlap, so their ends are sorted too, and
    # a match overlaps one of them exactly when it overlaps the last one starting before its
    # end: a bisection, not a scan of every date found (a page of 30,000 dates took minutes).
    found: list[Found] = []
    starts: list[int] = []
    for regex in (KO_DATE_RE, NUM_DATE_RE, EN_DATE_RE):
        for m in regex.finditer(text, start, stop):
            before = bisect_left(starts, m.end())
            if before and found[before - 1].end > m.start():
                continue
            if regex is EN_DATE_RE:
                mname = (m.group("mname") or m.group("mname2") or "").lower().rstrip(".")
                month = _MONTHS.get(mname)
                day = _num(m, "day") or _num(m, "day2")
                year = _num(m, "year") or _num(m, "year2")
                if month is None or day is None or year is None:
                    continue
            else:
                year, month, day = int(m.group("year")), int(m.group("month")), int(m.group("day"))
            value = _iso(year, month, day, _num(m, "hour"), _num(m, "minute"), _pm(m))
            if value is None:
                continue
            b = m.end()
            while b > m.start() and text[b - 1].isspace():
                b -= 1
            at = bisect_left(starts, m.start())
            starts.insert(at, m.start())
            found.insert(at, Found(m.start(), b, {"value": value}))
    return found
