"""OffsetMap: code points (the core's offsets) <-> UTF-16 units (Qt's offsets)."""

from __future__ import annotations

import pytest

from annotator.gui.offsets import OffsetMap

SAMPLES = {
    "ascii": "plain text\nsecond line",
    "emoji": "a😀b👍🏽c\n🇰🇷 flag",  # astral characters, a skin-tone modifier, a flag pair
    "combining": "e\u0301cole\u0300 n\u0303a\u0308",  # base letters with combining marks
    "cjk": "뉴스핌 기자 심지혜\n中文 テスト 𠀀𠀁",  # 𠀀 is astral (CJK Extension B)
    "rtl": "שלום עולם\nمرحبا بالعالم 😀 abc",
    "empty": "",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@pytest.mark.parametrize("name", SAMPLES)
def test_round_trip_matches_utf16_encoding(name: str) -> None:
    text = SAMPLES[name]
    omap = OffsetMap(text)
    assert omap.length_utf16 == utf16_len(text)
    for cp in range(len(text) + 1):
        u16 = omap.to_utf16(cp)
        assert u16 == utf16_len(text[:cp])
        assert omap.to_codepoint(u16) == cp


def test_bmp_text_is_identity() -> None:
    omap = OffsetMap(SAMPLES["cjk"].replace("𠀀𠀁", ""))
    assert omap.is_bmp
    assert [omap.to_utf16(i) for i in range(5)] == [0, 1, 2, 3, 4]
    assert not OffsetMap(SAMPLES["emoji"]).is_bmp


def test_inside_a_surrogate_pair_snaps_to_the_character_start() -> None:
    omap = OffsetMap("a😀b")  # units: a=0, 😀=1..2, b=3
    assert [omap.to_codepoint(u) for u in range(5)] == [0, 1, 1, 2, 3]


def test_lone_surrogate_counts_one_unit() -> None:
    text = "a\ud800b😀"
    omap = OffsetMap(text)
    assert omap.to_utf16(3) == 3
    assert omap.to_utf16(4) == 5


@pytest.mark.parametrize("bad", [-1, 4])
def test_out_of_range_is_an_error(bad: int) -> None:
    omap = OffsetMap("a😀b")
    with pytest.raises(ValueError, match="outside the text"):
        omap.to_utf16(bad)
    with pytest.raises(ValueError, match="outside the text"):
        omap.to_codepoint(bad + 1 if bad > 0 else bad)
