"""Finding text the way an annotator means it: Find (Ctrl+F) and mark all (Ctrl+M).

Two things make a plain ``str.find`` wrong on real pages:

* Web pages are full of no-break spaces (the seed page has 243 U+00A0): a typed space must
  find them, and a needle copied from the page (with its U+00A0) must find ordinary spaces.
  Every Unicode space separator (category Zs) therefore matches every other, one for one,
  so offsets never shift.
* Mark all must not mark a name inside a longer word (``서울`` inside ``서울고등검찰청``),
  yet Korean glues particles to names (``LG전자는``): a match may be followed by particles
  from :data:`PARTICLES`, and by nothing else that is a letter or a digit.

Also here, because both are about where text units begin and end: :func:`paragraph_step`,
the next paragraph edge for growing or shrinking a span by a paragraph.

Offsets are code points, as everywhere in the core.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

__all__ = [
    "PARTICLES",
    "SPACE_SEPARATORS",
    "find_all",
    "find_next",
    "is_particle_run",
    "paragraph_step",
    "paragraphs",
    "search_pattern",
    "whole_word_at",
]

#: Every character of Unicode category Zs (space separators), U+0020 included. Spelled out
#: (the category is stable) rather than computed at import from 1.1 million code points;
#: tests/test_text_search.py checks it against ``unicodedata``.
SPACE_SEPARATORS = frozenset(
    "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_SPACE_CLASS = "[" + "".join(sorted(SPACE_SEPARATORS)) + "]"

#: Korean particles (josa) and copula endings that may follow a name in running text and
#: still leave it a whole word for mark all. A match may be followed by up to
#: :data:`_MAX_PARTICLES` of them in a row (``에서`` + ``는``, ``까지`` + ``의``), and the
#: Hangul run after the match must be made of them entirely: ``서울고등검찰청`` is not
#: ``서울`` + particles, ``LG전자는`` is ``LG전자`` + ``는``.
#:
#: Deliberately left out, because they are as often the end of a longer word as a
#: particle: ``인`` (한국인), ``다`` alone, the vocatives ``아 야 여``, ``하고``. Known limit: a
#: word that really is a name plus a listed syllable still matches (``경기`` in ``경기도``,
#: ``김정`` in ``김정은``); "Match inside words" is not needed for those, Escape is.
PARTICLES: tuple[str, ...] = (
    # case particles
    "이", "가", "을", "를", "은", "는", "의", "에", "에서", "에게", "에게서", "께", "께서",
    "한테", "한테서", "와", "과", "랑", "이랑", "로", "으로", "로서", "으로서", "로써", "으로써",
    # auxiliary particles
    "도", "만", "까지", "부터", "보다", "처럼", "만큼", "같이", "마저", "조차", "뿐", "밖에",
    "대로", "나", "이나", "든지", "이든지", "라도", "이라도", "요",
    # copula and quoting endings after a noun
    "이다", "였다", "이었다", "이며", "이고", "이자", "라는", "이라는", "라고", "이라고",
    "란", "이란",
)
_PARTICLE_SET = frozenset(PARTICLES)
_LONGEST_PARTICLE = max(map(len, PARTICLES))
#: How many particles may follow each other (에서 + 부터 + 는).
_MAX_PARTICLES = 3


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _is_hangul_syllable(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


@lru_cache(maxsize=64)
def search_pattern(needle: str, case_sensitive: bool = True) -> re.Pattern[str]:
    """A regular expression matching ``needle`` literally, any space separator matching any
    other (one character each: the match has the needle's length)."""
    parts = [_SPACE_CLASS if c in SPACE_SEPARATORS else re.escape(c) for c in needle]
    return re.compile("".join(parts), 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=1024)
def is_particle_run(run: str) -> bool:
    """Whether ``run`` is one to :data:`_MAX_PARTICLES` particles of :data:`PARTICLES`."""

    def split(rest: str, left: int) -> bool:
        if not rest:
            return True
        if not left:
            return False
        return any(
            rest[:k] in _PARTICLE_SET and split(rest[k:], left - 1)
            for k in range(1, min(_LONGEST_PARTICLE, len(rest)) + 1)
        )

    return bool(run) and split(run, _MAX_PARTICLES)


def _cjk_script(c: str) -> str | None:
    """"han", "hiragana" or "katakana" for a character of those scripts, else None."""
    o = ord(c)
    if 0x3040 <= o <= 0x309F:
        return "hiragana"
    if 0x30A0 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "katakana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F:
        return "han"
    return None


def _glued(a: str, b: str) -> bool:
    """Whether two neighbouring characters belong to one word.

    Japanese and Chinese put no space between words: there a change of script (a kana name
    followed by the hiragana particle in ``トレンドマイクロは``) is the only visible edge, and
    next to a Han character no edge can be seen at all, so neither is taken as glued. Kana
    of one script and every other pair of letters and digits (Hangul with Latin, as in
    ``LG전자``) are glued.
    """
    if not (_is_word(a) and _is_word(b)):
        return False
    script_a, script_b = _cjk_script(a), _cjk_script(b)
    if script_a is None and script_b is None:
        return True
    return script_a == script_b and script_a != "han"


def whole_word_at(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands as a word: no letter or digit glued before it,
    and after it nothing glued but Korean particles (see :func:`_glued` for Japanese and
    Chinese, which have no spaces).

    An edge of the match that is not itself a letter or digit (``[사진``) needs no
    boundary there.
    """
    if start > 0 and _glued(text[start - 1], text[start]):
        return False
    if end >= len(text) or not _glued(text[end - 1], text[end]):
        return True
    j = end
    limit = min(len(text), end + _LONGEST_PARTICLE * _MAX_PARTICLES + 1)
    while j < limit and _is_hangul_syllable(text[j]):
        j += 1
    if j == end or (j < len(text) and _is_word(text[j])):
        return False  # a Latin letter or digit glued on ("KTX"), or a longer Hangul word
    return is_particle_run(text[end:j])


def find_all(
    text: str,
    needle: str,
    *,
    case_sensitive: bool = True,
    whole_words: bool = False,
) -> list[tuple[int, int]]:
    """Every non-overlapping ``[start, end)`` where ``needle`` occurs, left to right.

    With ``whole_words``, matches inside a longer word are skipped (see
    :func:`whole_word_at`), and the search goes on from the next character so that a
    whole-word match overlapping a skipped one is still found.
    """
    if not needle:
        return []
    pattern = search_pattern(needle, case_sensitive)
    if not whole_words:
        return [m.span() for m in pattern.finditer(text)]
    found: list[tuple[int, int]] = []
    pos = 0
    while True:
        match = pattern.search(text, pos)
        if match is None:
            return found
        start, end = match.span()
        if whole_word_at(text, start, end):
            found.append((start, end))
            pos = end
        else:
            pos = start + 1


def find_next(
    text: str,
    needle: str,
    start: int,
    end: int,
    *,
    backward: bool = False,
    case_sensitive: bool = False,
) -> tuple[int, int] | None:
    """The match after the selection ``[start, end)`` (the first starting at or after
    ``end``), or with ``backward`` the last one ending at or before ``start``; wraps
    around the text. None when there is none at all."""
    if not needle:
        return None
    pattern = search_pattern(needle, case_sensitive)
    if backward:
        last: re.Match[str] | None = None
        for last in pattern.finditer(text, 0, start):  # noqa: B007 (keep the last)
            pass
        if last is None:
            for last in pattern.finditer(text):  # noqa: B007 (wrap: the last one)
                pass
        return last.span() if last is not None else None
    match = pattern.search(text, end) or pattern.search(text)
    return match.span() if match is not None else None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every paragraph: a run of non-blank lines (blank lines hold only
    white space), without the line break that ends it."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    last_end = 0
    pos = 0
    for line in text.split("\n"):
        line_end = pos + len(line)
        if line.strip():
            if start is None:
                start = pos
            last_end = line_end
        elif start is not None:
            found.append((start, last_end))
            start = None
        pos = line_end + 1
    if start is not None:
        found.append((start, last_end))
    return found


def paragraph_step(text: str, pos: int, direction: int, edge: str) -> int:
    """Where a span's ``edge`` ("start" or "end") at ``pos`` goes when moved by one
    paragraph (``direction`` +1 forward, -1 backward); ``pos`` when there is no further
    paragraph.

    An end moves to the next (previous) paragraph end, a start to the next (previous)
    paragraph start: from the middle of a paragraph, to that paragraph's own edge first.
    """
    paras = paragraphs(text)
    edges = [p[1] for p in paras] if edge == "end" else [p[0] for p in paras]
    if direction > 0:
        i = bisect_right(edges, pos)
        return edges[i] if i < len(edges) else pos
    i = bisect_left(edges, pos) - 1
    return edges[i] if i >= 0 else pos
