"""Code point <-> UTF-16 offset conversion (pure Python, no Qt).

Every position in the core is a code point (a Python ``str`` index); Qt counts UTF-16
code units, where a character outside the Basic Multilingual Plane (emoji, rare CJK)
takes two. The GUI converts at its edge with one :class:`OffsetMap` per document text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Characters that take two UTF-16 units (a surrogate pair).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Code point <-> UTF-16 unit conversion for one text; O(1) when the text is all BMP.

    With astral characters it keeps their sorted positions (in both units) and answers
    with a binary search: O(log k) for k astral characters, O(k) memory.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "length", "length_utf16")

    def __init__(self, text: str) -> None:
        self.length = len(text)
        #: Code point offsets of the astral characters, ascending.
        self._astral_cp: list[int] = []
        # Encoding is ~10x faster than the regex scan and settles the common all-BMP case.
        # surrogatepass: a lone surrogate is one unit for Qt too, and must not raise here.
        if len(text.encode("utf-16-le", "surrogatepass")) != 2 * self.length:
            self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 offset of the i-th astral character: i astral characters before it add one
        # unit each.
        self._astral_u16: list[int] = [cp + i for i, cp in enumerate(self._astral_cp)]
        self.length_utf16 = self.length + len(self._astral_cp)

    @property
    def is_bmp(self) -> bool:
        """True when code points and UTF-16 units coincide."""
        return not self._astral_cp

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset ``cp`` (0 <= cp <= len(text))."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"code point offset {cp} outside the text (0..{self.length})")
        if not self._astral_cp:
            return cp
        # Each astral character strictly before cp adds one unit.
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code point offset of UTF-16 offset ``u16``.

        An offset in the middle of a surrogate pair (which Qt never gives for a cursor,
        but a layout computation might) maps to the start of that character.
        """
        if not 0 <= u16 <= self.length_utf16:
            raise ValueError(f"UTF-16 offset {u16} outside the text (0..{self.length_utf16})")
        if not self._astral_u16:
            return u16
        # Astral characters that end at or before u16 (start + 2 <= u16) count once each.
        k = bisect_right(self._astral_u16, u16 - 2)
        if k < len(self._astral_u16) and self._astral_u16[k] == u16 - 1:
            return u16 - k - 1  # inside the k-th pair: snap to its start
        return u16 - k
