"""``locate.fold`` (a title or author compared with the page's lines) against the plain
character-by-character definition, on any text: the fast path (each character folds to one)
must give the same folded string and the same offsets, or a found title would point at the
wrong characters of the document."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest import locate


def reference_fold(value: str) -> tuple[str, tuple[int, ...]]:
    """The definition: each character case-folded after NFKC (quotes and dashes unified),
    blank runs as one space, leading and trailing blanks dropped; each folded character
    keeps the offset of the character it came from."""
    chars: list[str] = []
    offsets: list[int] = []
    space = True
    for i, ch in enumerate(value):
        folded = locate._FOLD.get(ch) or unicodedata.normalize("NFKC", ch).casefold()
        for c in folded:
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


CASES = [
    "",
    "   ",
    "  Hello,   World  ",
    "“Quoted” — title",
    "기사입력 2024.01.02\u00a0 오후 3:04",
    "Straße ﬁnal",  # characters that fold to two
    "Ｆｕｌｌ－ｗｉｄｔｈ\u3000ＡＢＣ",  # full-width forms and the ideographic space
    "a\x1cb\x1fc\u2028d\u0085e",  # blanks only str.isspace knows
    "Σίσυφος ΣΊΣΥΦΟΣ",
    "tab\tand\nnewline\r\n",
]


def test_fold_matches_the_definition_on_chosen_cases() -> None:
    for value in CASES:
        assert locate.fold(value) == reference_fold(value), value


def test_fold_keeps_a_space_at_the_first_blank_of_a_run() -> None:
    # "a", then the run "  \t" from offset 1: its space stands at offset 1; "b" at 4.
    assert locate.fold("a  \tb ") == ("a b", (0, 1, 4))
    # "ß" (offset 1) folds to "ss": both come from offset 1.
    assert locate.fold(" ß x") == ("ss x", (1, 1, 2, 3))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_fold_matches_the_definition_on_any_text(value: str) -> None:
    assert locate.fold(value) == reference_fold(value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\n\u00a0\u3000\x1c\u2028aZ가’–ßﬁＡ"), max_size=30))
def test_fold_matches_the_definition_on_blank_heavy_text(value: str) -> None:
    assert locate.fold(value) == reference_fold(value)


def test_no_character_folds_to_nothing() -> None:
    """``fold`` takes an unchanged length to mean that every character folded to exactly
    one; that holds only while no character folds to an empty string (a Unicode update
    that broke it would fail here, not silently shift offsets)."""
    empty = [
        code
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and not locate._fold_char(chr(code))
    ]
    assert empty == []
