"""Lines of a document text with their offsets: the unit most suggestions work on."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

TOKEN_RE = re.compile(r"\w+", re.UNICODE)
# Hangul, kana and CJK ideographs carry about twice the content of a Latin letter, so
# "long line" thresholds count them double.
_WIDE_RE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text. ``start``/``end`` bound its content without surrounding blanks."""

    index: int
    start: int
    end: int
    text: str  # text[start:end]
    #: Length with wide (CJK) characters counted twice. Counted once, when the line is made:
    #: the suggestions ask for it many times per line, and on a one-line page with thousands
    #: of dates a property counting again each time took most of a minute.
    weight: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", len(self.text) + len(_WIDE_RE.findall(self.text)))

    @property
    def blank(self) -> bool:
        return self.start == self.end


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` (split on LF), trimmed of white space at both ends."""
    lines = []
    pos = 0
    for index, raw in enumerate(text.split("\n")):
        lead = len(raw) - len(raw.lstrip())
        content = raw.strip()
        start = pos + lead if content else pos
        lines.append(Line(index, start, start + len(content), content))
        pos += len(raw) + 1
    return lines


def norm(value: str) -> str:
    """Comparison form: NFC, case-folded, white space squeezed, ends stripped."""
    # str.split() splits on exactly the characters ``\s`` matches, in C without a regex.
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def tokens(value: str) -> list[str]:
    return [t.casefold() for t in TOKEN_RE.findall(value)]


def token_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, casefolded token)`` of every ``\\w+`` token in ``text[start:end]``."""
    pattern = TOKEN_RE
    stop = len(text) if end is None else end
    return [(m.start(), m.end(), m.group().casefold()) for m in pattern.finditer(text, start, stop)]
