"""Encoding detection (``annotator.importers.text``), third sample of mutmut's survivors.

Every expected number below is worked out by hand from the rules of :func:`implausibility`
(and of ``_confidence``), written next to the case, so these tests check the formula rather
than snapshot it: each scoring rule is hit once on its own, once at each edge of its code
point range and once after a control character (so that ``penalty = x`` or ``-= x`` cannot
pass for ``+= x``). The decoding paths (BOM, forced, UTF-8, declared charset, UTF-16 without
BOM, mostly-UTF-8 files read line by line, whole-file detection) are pinned as the whole
:class:`Decoded` they return.

Equivalent mutants of ``annotator/importers/text.py`` (no observable outcome changes), by
mutmut name (``x_`` prefix dropped):

- ``implausibility__mutmut_40``: no real codec is named "" or "XXXX": same default Han sets.
- ``implausibility__mutmut_43/44/45`` (first ``prev`` None, "XXasciiXX", "ASCII"): the
  start value is in no pair of ``_BAD_NEIGHBOURS`` and is not "han", like "ascii".
- ``implausibility__mutmut_97/98/99/138/139/141``: U+3130, U+318F and U+3100 are unassigned
  (Cn), already charged 10 by the branch before, so the jamo/bopomofo bounds never see them.
- ``implausibility__mutmut_114/115`` (``o > 0x80``, ``o >= 129``): U+0080 is a control (Cc).
- ``implausibility__mutmut_126`` ("XX¿¡XX"): "X" is a Latin letter, never in that branch.
- ``implausibility__mutmut_219/220``: U+00A0 (a space) and U+00FF (a letter) are no symbols.
- ``_script__mutmut_3/4``: U+0080 as "ascii" or "other" is scored the same way.
- ``_is_utf8__mutmut_3``, ``_line_by_line__mutmut_35/38/96/119``,
  ``_utf8_but_a_few_bytes__mutmut_4/7``: "UTF-8", "utf-8" and the default codec are one.
- ``_line_by_line__mutmut_46/48/49/50``: ``implausibility`` treats "utf-8", None, "UTF-8"
  and "XXutf-8XX" alike (none is a CJK codec or has a Han table).
- ``_line_by_line__mutmut_113/116/117`` (``strict``): ``ends`` gets one b"" appended, so
  both sequences always have the same length.
- ``_line_by_line__mutmut_25/28/29/65/79/80/81/82/83/84/85``: the ranking of the bad lines
  is never empty (koi8_r and cp1256 decode every byte) and an encoding that decodes all bad
  lines joined by LF decodes each of them (LF is no trail byte of any candidate), so
  ``fitted`` is never None and the per-line detection branch is never reached.
- ``_line_by_line__mutmut_127/128`` ("XXreplacedXX"): with only "replaced" used, decoding the
  file with the codec "replaced" raises LookupError, caught: the encoding stays utf-8.
- ``_rank_legacy__mutmut_6``: charset-normalizer only names Python codecs, codec_name
  never raises on them.
- ``_rank_legacy__mutmut_8/9/10/11``: canonical codec names are spelt "utf-16...", never
  "utf_16"/"utf_32", so those prefixes never match.
- ``_rank_legacy__mutmut_14/15``: UTF-32 never decodes bytes without NUL (ranking only
  sees such bytes).
- ``_rank_legacy__mutmut_31`` (sort whole tuples): codec names are unique, so the text is
  never compared.
- ``_utf16_without_bom__mutmut_2`` (``/ 2``): on even lengths ``len / 2 == len // 2``; odd
  lengths return None either way. ``_utf16_without_bom__mutmut_4``: see mutants1.
- ``_utf16_without_bom__mutmut_44`` and ``_detect__mutmut_39``: the omitted method is the
  default, "detected".
- ``_detect__mutmut_16/17/18``: the ranking is never empty (see above), so that error is
  never raised.
- ``_utf8_but_a_few_bytes__mutmut_20/21``: it is only called for a file with a bad line,
  so ``broken >= 1`` and ``20 * broken >= 20``.
"""

from __future__ import annotations

import codecs

import pytest

from annotator.importers.text import (
    BadLine,
    Decoded,
    DecodeError,
    codec_name,
    decode,
    implausibility,
    normalise_text,
)

#: A control character costs 10; put first, it makes every later penalty an addition.
C = "\x01"

# (text, encoding, expected implausibility, why)
SCORES: list[tuple[str, str | None, float, str]] = [
    # --- the character-class branch: controls, private use, unassigned, surrogates, U+FFFD
    (C, None, 10, "a C0 control"),
    (C + C, None, 20, "two controls add up"),
    ("a\nb", None, 0, "newline is an allowed control"),
    ("a b,c", None, 0, "space and comma are plain ASCII"),
    ("\ue000", None, 10, "private use (Co)"),
    ("\ufdd0", None, 10, "noncharacter (Cn), script 'other'"),
    ("\ud800", None, 10, "lone surrogate (Cs)"),
    ("\ufffd", None, 10, "the replacement character itself"),
    # --- half-width katakana U+FF61..U+FF9F: 3
    ("\uff61", None, 3, "first half-width katakana"),
    ("\uff9f", None, 3, "last half-width katakana"),
    ("\uffa0", None, 0, "half-width Hangul filler, just past the range"),
    (C + "\uff61", None, 13, "10 + 3"),
    # --- lone jamo U+3130..U+318F and U+1100..U+11FF: 2
    ("\u3131", None, 2, "compatibility jamo"),
    ("\u3190", None, 0, "kanbun mark, just past the compatibility jamo"),
    ("\u1100", None, 2, "first conjoining jamo"),
    ("\u11ff", None, 2, "last conjoining jamo"),
    ("\u1200", None, 0, "Ethiopic, just past the conjoining jamo"),
    (C + "\u3131", None, 12, "10 + 2"),
    # --- rare Latin-1 signs: 1 (as 'other' and as a Latin letter)
    ("†", None, 1, "dagger"),
    (C + "†", None, 11, "10 + 1"),
    ("ƒ", None, 1, "florin is a rare Latin-ext letter; one letter is no word"),
    (C + "ƒ", None, 11, "10 + 1"),
    # --- a symbol glued to a letter: 1
    ("©", None, 0, "a symbol with nothing before it"),
    ("a©", None, 1, "symbol after a letter"),
    ("a!", None, 0, "ASCII punctuation after a letter costs nothing"),
    (C + "a©", None, 11, "10 + 1"),
    # --- Spanish opening marks after something else than a space or an opening: 1
    ("a¿", None, 1, "inverted question mark after a letter"),
    ("X¿", None, 1, "inverted question mark after a capital X"),
    (" ¿", None, 0, "inverted question mark after a space"),
    (C + "a¿", None, 11, "10 + 1"),
    # --- box drawing U+2500..U+257F and bopomofo U+3100..U+312F outside Big5: 1
    ("\u2500", None, 1, "first box-drawing character"),
    ("\u257f", None, 1, "last box-drawing character"),
    ("\u2580", None, 0, "block element, just past box drawing"),
    ("\u3105", None, 1, "bopomofo in text not read as Big5"),
    ("\u312f", None, 1, "last bopomofo letter"),
    ("\u3105", "big5", 0, "bopomofo is Taiwanese text in Big5"),
    ("\u3105", "big5hkscs", 0, "... and in Big5-HKSCS"),
    ("\u3105", "cp950", 0, "... and in CP950"),
    (C + "\u2500", None, 11, "10 + 1"),
    # --- Hangul: outside KS X 1001 3, a rare KS syllable 0.15, a common one 0
    ("가", None, 0, "common syllable"),
    ("갇", None, 0.15, "rare KS X 1001 syllable"),
    ("똠", None, 3, "syllable outside KS X 1001"),
    ("힣", None, 3, "last syllable (outside KS X 1001)"),
    (C + "갇", None, 10.15, "10 + 0.15"),
    (C + "똠", None, 13, "10 + 3"),
    # --- Han: outside the encoding's common set 1 if a national standard has it, else 3
    ("一", None, 0, "first unified ideograph, level 1 everywhere"),
    ("\u9fff", None, 3, "last unified ideograph, in no standard"),
    ("\u4dbf", None, 3, "last extension-A ideograph is Han"),
    ("\u4dc0", None, 0, "hexagram symbol just past extension A is not"),
    ("\uf900", None, 3, "first compatibility ideograph is Han, in no table"),
    ("\ufaff", None, 3, "unassigned end of the compatibility block is still Han"),
    ("\ufb00", None, 0, "the ff ligature just past it is one letter, no Han"),
    ("亍", "gb18030", 1, "GB2312 level 2: known to GB18030 but not common"),
    ("込", "gb18030", 3, "JIS-only kanji is not in GB2312 at all"),
    ("込", None, 0, "but is common Han when no encoding is given"),
    (C + "亍", "gb18030", 11, "10 + 1"),
    # --- Han separated by a space: 1
    ("一 一", None, 1, "space between two Han characters"),
    ("一一一", None, 0, "Han glued together"),
    (" 一", None, 0, "a space before the first Han character"),
    (C + "一 一", None, 11, "10 + 1"),
    # --- scripts glued together: 2
    ("가一", None, 2, "Hangul glued to Han"),
    ("힣一", None, 5, "3 (outside KS) + 2 (glued to Han)"),
    (C + "가一", None, 12, "10 + 2"),
    ("가\u30ff", None, 2, "Hangul glued to the last katakana"),
    ("가\u3040", None, 2, "Hangul glued to U+3040, inside the kana block"),
    ("\u3040", None, 0, "U+3040 is kana, not an unassigned 'other'"),
    ("가、", None, 2, "Hangul glued to the first CJK punctuation"),
    ("가\u303f", None, 3, "... to the last CJK symbol 2, a symbol after a letter 1"),
    ("가！", None, 2, "... to the first full-width punctuation"),
    ("가，", None, 2, "... to a full-width comma"),
    ("가／", None, 2, "... to the last of the first full-width run"),
    ("가０", None, 0, "a full-width digit is no CJK punctuation"),
    ("가：", None, 2, "... to the first of the second full-width run"),
    ("가＠", None, 2, "... to the last of it"),
    ("가Ａ", None, 0, "a full-width letter is no CJK punctuation"),
    ("a\u04ff", None, 2, "Latin glued to the last Cyrillic letter"),
    ("a\u0500", None, 0, "Cyrillic Supplement is not Cyrillic here"),
    ("a\u0370", None, 4, "first Greek letter: seam 2, capital in word 2"),
    ("a\u03ff", None, 4, "last Greek letter: seam 2, capital in word 2"),
    ("α\u0400", None, 4, "Greek glued to the first Cyrillic letter 2, capital 2"),
    ("a\u0e01", None, 2, "Latin glued to Thai"),
    ("\u0e00", None, 0, "unassigned U+0E00 is Thai, not an unknown character"),
    ("\u0e7f", None, 0, "unassigned U+0E7F is Thai too"),
    ("\u0e80", None, 10, "unassigned U+0E80 is past Thai: unknown"),
    ("a\u05d0", None, 2, "Latin glued to Hebrew"),
    ("\u0590", None, 0, "unassigned U+0590 is Hebrew"),
    ("\u05ff", None, 0, "unassigned U+05FF is Hebrew"),
    ("a\u0600", None, 2, "Latin glued to the first Arabic character"),
    ("a\u0627", None, 2, "Latin glued to Arabic alef"),
    ("a\u06ff", None, 2, "Latin glued to the last Arabic character"),
    ("a\u0700", None, 0, "Syriac is not Arabic"),
    # --- Thai digits and signs U+0E4F..U+0E5B: 1
    ("ก", None, 0, "a Thai letter"),
    ("\u0e4f", None, 1, "first Thai sign"),
    ("\u0e5b", None, 1, "last Thai sign"),
    ("\u0e5c", None, 0, "unassigned Thai, just past the signs"),
    (C + "\u0e4f", None, 11, "10 + 1"),
    # --- Han in Korean text: 0.3 each
    ("一", "cp949", 0.3, "Hanja in CP949"),
    ("一", "euc_kr", 0.3, "Hanja in EUC-KR"),
    ("一", "johab", 0.3, "Hanja in Johab"),
    ("가", "cp949", 0, "Hangul in CP949"),
    (C + "一", "cp949", 10.3, "10 + 0.3"),
    # --- Latin letters of CJK code tables (U+0100 and up): 1
    ("Ħ", None, 0, "no CJK encoding: a lone letter"),
    ("Ħ", "gb18030", 1, "GB18030"),
    ("Ħ", "gbk", 1, "GBK"),
    ("Ħ", "gb2312", 1, "GB2312"),
    ("Ħ", "cp932", 1, "CP932"),
    ("Ħ", "shift_jis", 1, "Shift_JIS"),
    ("Ħ", "euc_jp", 1, "EUC-JP"),
    ("Ħ", "big5", 1, "Big5"),
    ("Ħ", "big5hkscs", 1, "Big5-HKSCS"),
    ("Ħ", "cp950", 1, "CP950"),
    ("Ħ", "cp949", 1, "CP949"),
    ("Ħ", "euc_kr", 1, "EUC-KR"),
    ("Ħ", "johab", 1, "Johab"),
    ("\u0100", "gb18030", 1, "U+0100 is the first of them"),
    ("é", "gb18030", 0, "Latin-1 letters are not"),
    ("a", "gb18030", 0, "ASCII letters are not"),
    ("一", "gb18030", 0, "Han in GB18030"),
    (C + "Ħ", "gb18030", 11, "10 + 1"),
    # --- a letter right after a Latin-1 symbol: 1
    ("©a", None, 1, "letter after the copyright sign"),
    ("©!", None, 0, "punctuation after the copyright sign"),
    ("^a", None, 0, "^ is a symbol but ASCII"),
    ("éa", None, 0, "a letter after a Latin-1 letter"),
    (C + "©a", None, 11, "10 + 1"),
    # --- capitals inside a Cyrillic or Greek word: 2
    ("ab", None, 0, "a plain Latin word"),
    ("aB", None, 0, "a Latin capital inside a word costs nothing"),
    ("дП", None, 2, "Cyrillic"),
    ("αΠ", None, 2, "Greek"),
    (C + "дП", None, 12, "10 + 2"),
    # --- a letter right after a closing guillemet: 1
    ("»a", None, 1, "letter after a closing guillemet"),
    (C + "»a", None, 11, "10 + 1"),
    # --- Latin words made only of accented letters: 2 (at a word end and at the text end)
    ("éé", None, 2, "two accented letters end the text"),
    ("éé!", None, 2, "two accented letters end at punctuation"),
    ("ééa", None, 0, "an unaccented letter in the word"),
    ("aé", None, 0, "an unaccented letter first"),
    ("ab!", None, 0, "no accent at all"),
    ("é!é", None, 0, "two one-letter words"),
    ("!", None, 0, "no word at all"),
    ("\u0250\u0250", None, 0, "IPA letters (from U+0250) are not Latin-ext"),
    ("a!b", None, 0, "two ASCII words"),
    (C + "éé", None, 12, "10 + 2 at the text end"),
    (C + "éé!", None, 12, "10 + 2 at a word end"),
    # --- a capital accented letter inside a word: 2
    ("aÉ", None, 2, "capital E acute after a lower-case letter"),
    (C + "aÉ", None, 12, "10 + 2"),
]


# The ids are ASCII: pytest 9 escapes a non-ASCII id in place, so a second collection in the
# same process (mutmut's harness collects, then runs) names the test differently and mutmut's
# run of the sample stops on "not found" (tests/test_test_ids.py checks every id).
@pytest.mark.parametrize(
    ("text", "encoding", "expected", "why"), SCORES, ids=[c[3] for c in SCORES]
)
def test_each_scoring_rule_costs_exactly_its_weight(
    text: str, encoding: str | None, expected: float, why: str
) -> None:
    assert implausibility(text, encoding) == pytest.approx(expected, abs=1e-9), why


def test_only_the_first_20000_characters_are_scored() -> None:
    # One long ASCII word, then a control character just past the limit: not counted.
    assert implausibility("a" * 20000 + C) == 0
    assert implausibility("a" * 19999 + C) == 10


# --------------------------------------------------------------------------- decoding paths


@pytest.mark.parametrize(
    ("bom", "codec", "encoding"),
    [
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_a_bom_decides_and_is_recorded(bom: bytes, codec: str, encoding: str) -> None:
    assert decode(bom + "hé".encode(codec)) == Decoded("hé", encoding, 1.0, ["bom"], "bom")


def test_a_bad_byte_after_a_bom_is_counted_from_the_file_start() -> None:
    with pytest.raises(DecodeError) as caught:
        decode(codecs.BOM_UTF8 + b"ab\xff")
    assert str(caught.value) == "starts with a utf-8 byte-order mark but is not utf-8 (byte 5)"


def test_a_forced_encoding_is_used_and_a_wrong_one_refused() -> None:
    assert decode(b"caf\xe9", forced="latin-1") == Decoded("café", "iso8859-1", 1.0, [], "forced")
    with pytest.raises(DecodeError) as caught:
        decode(b"ab\xff", forced="utf-8")
    assert str(caught.value) == "not valid utf-8: byte 2 (0xff) cannot be decoded"


def test_utf8_and_ascii_are_recognised() -> None:
    assert decode("hé".encode()) == Decoded("hé", "utf-8", 1.0, [], "utf-8")
    assert decode(b"hi") == Decoded("hi", "ascii", 1.0, [], "utf-8")


def test_a_declared_charset_is_widened_and_used() -> None:
    assert decode("가".encode("cp949"), declared="euc-kr") == Decoded(
        "가", "cp949", 0.9, [], "declared"
    )
    # KOI8-R has no superset: it is used as declared.
    russian = "привет"
    assert decode(russian.encode("koi8_r"), declared="KOI8-R") == Decoded(
        russian, "koi8-r", 0.9, [], "declared"
    )


@pytest.mark.parametrize("declared", ["no-such-charset", "unicode_escape", "charmap", "utf-16"])
def test_an_unknown_or_non_web_declaration_is_ignored(declared: str) -> None:
    # Detected as if nothing were declared (see test_a_short_cp1252_word_has_its_confidence).
    assert decode(b"Caf\xe9", declared=declared) == Decoded("Café", "cp1252", 0.7, [], "detected")


def test_a_declaration_does_not_apply_to_bytes_with_nuls() -> None:
    data = "plain words".encode("utf-16-le")
    assert decode(data, declared="cp1252") == Decoded(
        "plain words", "utf-16-le", 0.8, [], "detected"
    )


# --------------------------------------------------------------------------- UTF-16 without BOM


def test_utf16_without_bom_little_and_big_endian() -> None:
    assert decode(b"a\x00") == Decoded("a", "utf-16-le", 0.8, [], "detected")
    assert decode("plain words".encode("utf-16-be")) == Decoded(
        "plain words", "utf-16-be", 0.8, [], "detected"
    )


def test_utf16_needs_nuls_in_three_tenths_of_the_pairs() -> None:
    # 50 code units; "中" has no zero byte, "a" has one in its odd (high) byte.
    exactly = "a" * 15 + "中" * 35  # 15 NULs = 0.3 * 50
    assert decode(exactly.encode("utf-16-le")) == Decoded(exactly, "utf-16-le", 0.8, [], "detected")
    with pytest.raises(DecodeError, match="contains NUL bytes"):
        decode(("a" * 12 + "中" * 38).encode("utf-16-le"))  # 12 < 15


def test_utf16_allows_nuls_on_the_other_side_in_two_hundredths_of_the_pairs() -> None:
    one = "a" * 49 + "Ā"  # U+0100 is 00 01: one even NUL in 50 pairs (0.02 * 50 = 1)
    assert decode(one.encode("utf-16-le")) == Decoded(one, "utf-16-le", 0.8, [], "detected")
    # "ā" (01 01) puts no NUL anywhere: bytes 0x01 are not counted as NULs.
    small = "a" * 10 + "ā"
    assert decode(small.encode("utf-16-le")) == Decoded(small, "utf-16-le", 0.8, [], "detected")


def test_nuls_on_both_sides_are_binary() -> None:
    for data in (b"a\x00\x00\x00" * 10, b"a\x00b"):
        with pytest.raises(DecodeError, match="contains NUL bytes"):
            decode(data)


# --------------------------------------------------------------------------- whole-file detection


def test_a_short_cp1252_word_has_its_confidence() -> None:
    # cp1252 "Café" scores 0; the runner-up cp1250 reads the same (0) plus its prior 0.4.
    # 0.3 + 0.35 * (0.4 / 3) + 0.35 * 1 = 0.697 -> 0.7 (cp1254, third, would give 0.71).
    assert decode(b"Caf\xe9") == Decoded("Café", "cp1252", 0.7, [], "detected")
    # Same for "crème", scored with each candidate's own encoding.
    assert decode(b"cr\xe8me") == Decoded("crème", "cp1252", 0.7, [], "detected")


def test_shift_jis_is_far_ahead_of_its_runner_up() -> None:
    # cp932 scores 0 + prior 0.05; cp1252 reads "ƒeƒXƒg" (three rare "ƒ": 3). UTF-16 readings
    # charset-normalizer offers are not candidates. 0.3 + 0.35 * (2.95 / 3)
    # + 0.35 / (1 + 0.05) = 0.978 -> 0.98.
    assert decode("テスト".encode("cp932")) == Decoded("テスト", "cp932", 0.98, [], "detected")


def test_candidates_after_a_utf16_guess_still_count() -> None:
    # charset-normalizer lists utf_16_be first, then big5: Big5-HKSCS (prior 0.3, bopomofo is
    # fine in Big5) wins, plain Big5 (prior 1.0) is the runner-up: margin 0.7, clean
    # 1 / (1 + 0.3) -> 0.3 + 0.35 * 0.7 / 3 + 0.35 / 1.3 = 0.651 -> 0.65.
    text = "ㄅㄆ ㄅㄆ 繁體"
    assert decode(text.encode("big5hkscs")) == Decoded(text, "big5hkscs", 0.65, [], "detected")


def test_utf8_but_for_one_byte_per_twenty_characters() -> None:
    # One line (so far more than a tenth of the lines is bad): line by line only when there
    # are at least 20 valid non-ASCII characters per bad byte.
    data = ("é" * 20).encode() + b"\xff"
    assert decode(data) == Decoded(
        "é" * 20 + "\ufffd",
        "utf-8",
        0.6,
        ["invalid-bytes:lines 1"],
        "mixed",
        (BadLine(1, "replaced"),),
    )
    assert decode(("é" * 19).encode() + b"\xff").method == "detected"
    # U+0080 (C2 80) is a valid non-ASCII character too.
    data = ("\x80" * 20).encode() + b"\xff"
    assert decode(data).method == "mixed"


# --------------------------------------------------------------------------- line by line

ASCII = [f"line {n} plain ascii" for n in range(1, 10)]


def _mostly_utf8(bad: bytes) -> bytes:
    return "\n".join(ASCII).encode() + b"\n" + bad


def test_two_bad_lines_in_ten_are_a_legacy_file() -> None:
    data = "\n".join(ASCII[:8]).encode() + b"\ncaf\xe9\ncr\xe8me"
    decoded = decode(data)
    assert (decoded.method, decoded.encoding, decoded.bad_lines) == ("detected", "cp1252", ())


def test_delete_characters_do_not_make_a_line_utf8() -> None:
    # DEL is ASCII: the second bad line has no valid multi-byte character, so the reading
    # with the encoding of both bad lines (cp1252, from the French one) is weighed against
    # U+FFFD: "\x7f\x7fcafé" costs 20 (two controls), "\x7f\x7fcaf\ufffd" 30.
    ascii_part = "\n".join(f"line {n} plain ascii" for n in range(1, 19)).encode()
    french = "Le café de la gare est déjà fermé, la crème brûlée aussi."
    decoded = decode(ascii_part + b"\n" + french.encode("cp1252") + b"\n\x7f\x7fcaf\xe9")
    assert decoded.bad_lines == (BadLine(19, "cp1252"), BadLine(20, "cp1252"))
    assert decoded.text.endswith(f"\n{french}\n\x7f\x7fcafé")


@pytest.mark.parametrize(
    ("bad", "text"), [(b"\xc2\x80\xe9", "\x80\ufffd"), (b"\xc3\xa9 \xff", "é \ufffd")]
)
def test_a_line_with_as_many_utf8_characters_as_bad_bytes_stays_utf8(bad: bytes, text: str) -> None:
    # One valid UTF-8 character (U+0080 or é) and one bad byte: a cut UTF-8 line.
    decoded = decode(_mostly_utf8(bad))
    assert decoded == Decoded(
        "\n".join(ASCII) + "\n" + text,
        "utf-8",
        0.6,
        ["invalid-bytes:lines 10"],
        "mixed",
        (BadLine(10, "replaced"),),
    )


@pytest.mark.parametrize(("count", "entry"), [(20, ""), (21, " and 1 more")])
def test_the_meta_lists_twenty_bad_lines_then_counts(count: int, entry: str) -> None:
    lines = [f"line {n} plain ascii".encode() for n in range(10 * count - count)] + [
        b"caf\xe9"
    ] * count
    decoded = decode(b"\n".join(lines))
    first = 10 * count - count + 1
    listed = ",".join(str(n) for n in range(first, first + 20))
    assert decoded.normalised == [f"invalid-bytes:lines {listed}{entry}"]
    assert decoded.bad_lines == tuple(BadLine(n, "cp1252") for n in range(first, first + count))


# --------------------------------------------------------------------------- names and normalisation


def test_codec_names() -> None:
    assert codec_name(" Windows-874 ") == "cp874"  # a WHATWG label, any case, stripped
    assert codec_name("EUC-KR") == "euc_kr"
    for name in ("base64", "undefined"):
        with pytest.raises(LookupError) as caught:
            codec_name(name)
        assert str(caught.value) == f"{name!r} is not a text encoding"


@pytest.mark.parametrize(
    ("raw", "expected", "changes"),
    [
        ("a\r\nb", "a\nb", ["crlf"]),
        ("a\rb", "a\nb", ["cr"]),
        ("a\r\nb\rc", "a\nb\nc", ["crlf", "cr"]),
        ("e\u0301", "é", ["nfc"]),
        ("plain", "plain", []),
    ],
)
def test_normalise_text(raw: str, expected: str, changes: list[str]) -> None:
    assert normalise_text(raw) == (expected, changes)
