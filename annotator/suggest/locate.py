"""Find a string the page's markup names (a title, an author) in the document text.

The markup and the text spell the same words slightly differently: typographic or
straight quotes, en dash or hyphen, full-width or ASCII forms, line breaks or spaces. Both
sides are compared in a *folded* form that keeps, for every folded character, the offset
of the text character it came from, so that a match maps back to exact offsets: the span
is always text of the document, never the markup's spelling of it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from annotator.suggest.lines import Line

_FOLD = {
    **dict.fromkeys("’‘‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}
#: Characters that set a title apart from the rest of its line: "Site > News > TITLE",
#: "TITLE | Site", "TITLE - Site", "[TITLE]". Letters, digits and quotes do not.
SEPARATORS = frozenset("|-:·•>/\\_~()[]{}<>«»‹›@*,;")
#: Stripped from both ends before two titles are compared whole.
_EDGE = " |-:·•>/\\_~*"
_TOKEN = re.compile(r"\w+")


@functools.lru_cache(maxsize=4096)
def fold(value: str) -> tuple[str, tuple[int, ...]]:
    """``value`` case-folded, NFKC, quotes and dashes unified, blank runs as one space;
    and for each character of the result, the offset in ``value`` it comes from.

    Cached: a page's lines are folded once, not again for each candidate title.
    """
    joined = value.translate(_FOLD_TABLE)
    # No character folds to nothing (NFKC and case folding never delete one;
    # tests/test_locate_fold.py checks every code point), so a longer result means some
    # folded to several.
    if len(joined) != len(value):
        return _fold_expanding(value)
    # Each character folded to one: the folded string lines up with ``value`` and only the
    # blank runs move offsets.
    squeezed = " ".join(joined.split())  # split() cuts where str.isspace, as the definition
    if squeezed == joined:
        return joined, tuple(range(len(joined)))  # single spaces between words: no offset moves
    words = [(m.start(), m.end()) for m in _WORD.finditer(joined)]  # \S is not str.isspace
    offsets: list[int] = []
    for start, end in words:
        offsets.extend(range(start, end))
        offsets.append(end)  # the blank after the word, as one space
    if words:
        offsets.pop()  # no blank after the last word
    return squeezed, tuple(offsets)


_WORD = re.compile(r"\S+")


class _FoldTable(dict[int, str]):
    """``str.translate``'s table of :func:`_fold_char`, filled as characters are met: the
    translation runs in C, and each character is folded in Python once."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


def _fold_char(ch: str) -> str:
    return _FOLD.get(ch) or unicodedata.normalize("NFKC", ch).casefold()


_FOLD_TABLE = _FoldTable()


def _fold_expanding(value: str) -> tuple[str, tuple[int, ...]]:
    """:func:`fold` for a value with characters that fold to several ("ß" to "ss", "ﬁ" to
    "fi"), or to none: character by character."""
    chars: list[str] = []
    offsets: list[int] = []
    space = True  # drops leading blanks
    for i, ch in enumerate(value):
        for c in _FOLD_TABLE[ord(ch)]:
            if c.isspace():
                if space:
                    continue
                c, space = " ", True
            else:
                space = False
            chars.append(c)
            offsets.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), tuple(offsets)


def fold_text(value: str) -> str:
    return fold(value)[0]


def same_title(a: str, b: str) -> bool:
    """Equal once folded and stripped of separators at the ends."""
    fa, fb = fold_text(a).strip(_EDGE), fold_text(b).strip(_EDGE)
    return bool(fa) and fa == fb


@dataclass(frozen=True, slots=True)
class Hit:
    line: int  # line index
    start: int  # text offsets of the match
    end: int
    whole: bool  # the match is its whole line (bar separators at the ends)


def word_count(value: str) -> int:
    """Words, with CJK characters counted one each (a Chinese title has no spaces)."""
    cjk = len(re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]", value))
    return len(value.split()) + cjk


def find_in_line(line: Line, candidate: str, *, min_words: int = 3) -> Hit | None:
    """``candidate`` as the whole of ``line``, or as a part of it set apart by separators.

    A part must have ``min_words`` words: a short name inside a line ("News" in "News |
    Sport") is too often a menu entry to be a title.
    """
    if line.blank:
        return None
    target = fold_text(candidate).strip(_EDGE)
    if not target:
        return None
    folded, offsets = fold(line.text)
    stripped = folded.strip(_EDGE)
    if stripped == target:
        a = folded.index(stripped)
        return Hit(line.index, line.start + offsets[a], line.start + offsets[a + len(stripped) - 1] + 1, True)
    if word_count(candidate) < min_words:
        return None
    at = folded.find(target)
    while at >= 0:
        left = folded[:at].rstrip()
        right = folded[at + len(target) :].lstrip()
        if (not left or left[-1] in SEPARATORS) and (not right or right[0] in SEPARATORS):
            start = line.start + offsets[at]
            end = line.start + offsets[at + len(target) - 1] + 1
            return Hit(line.index, start, end, False)
        at = folded.find(target, at + 1)
    return None


def find_phrases(text: str, phrase: str, start: int, end: int) -> list[tuple[int, int]]:
    """Every place in ``text[start:end]`` where the words of ``phrase`` follow each other
    (whatever lies between them that is not a word: spaces, line breaks, punctuation)."""
    words = [w.casefold() for w in _TOKEN.findall(unicodedata.normalize("NFKC", phrase))]
    if not words:
        return []
    pattern = r"\W+".join(re.escape(w) for w in words)
    regex = re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in regex.finditer(text, start, end)]
