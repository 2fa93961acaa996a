"""Encoding detection (``annotator.importers.text``), pinned where mutmut found it unpinned.

Each test decodes real bytes with :func:`decode` or scores real text with
:func:`implausibility` and asserts the exact outcome: which way a file was read (whole or
line by line), which legacy encoding its bad lines got, a refused binary file, and the exact
penalty of one character.

Equivalent mutants of ``annotator/importers/text.py`` (no observable outcome changes), by
mutmut name:

- ``x__script__mutmut_57``: U+0600 labelled "hebrew" instead of "arabic"; the two labels
  are only ever compared through ``_BAD_NEIGHBOURS``, where both pair with "latin" alone.
- ``x__utf16_without_bom__mutmut_4`` (``or`` to ``and`` in the odd-length guard): odd-length
  bytes never decode as UTF-16, so the loop returns None as the guard did; empty bytes never
  get there (only bytes holding a NUL are tried as UTF-16).
- ``x__rank_legacy__mutmut_15`` ("utf-32" to "UTF-32"): a UTF-32 candidate would then be
  tried, but every UTF-32 code unit holds a 0x00 byte and ranking only ever sees bytes
  without NUL, so decoding drops it anyway.
- ``x__line_by_line__mutmut_46`` (``implausibility(replaced, None)`` for ``"utf-8"``):
  scoring treats "utf-8" and no encoding alike (neither is a CJK codec or has a Han table).
"""

from __future__ import annotations

import pytest

from annotator.importers.text import BadLine, DecodeError, decode, implausibility

#: Ten non-blank ASCII lines: one bad line among them is exactly a tenth of the file.
ASCII_LINES = [f"line {n} is plain ascii" for n in range(1, 10)]


def test_one_bad_line_in_ten_is_still_mostly_utf8() -> None:
    # At most a tenth of the non-blank lines may fail as UTF-8 for the file to be read line
    # by line; exactly a tenth is still "mostly UTF-8".
    data = "\n".join(ASCII_LINES).encode("ascii") + b"\ncaf\xe9 cr\xe8me\n"
    decoded = decode(data)
    assert decoded.method == "mixed"
    assert decoded.normalised == ["invalid-bytes:lines 10"]
    assert decoded.bad_lines == (BadLine(10, "cp1252"),)
    assert decoded.text == "\n".join(ASCII_LINES) + "\ncafé crème\n"
    assert decoded.encoding == "cp1252"  # one legacy codec and ASCII elsewhere: it reads all


def test_bad_lines_are_ranked_together_as_they_are() -> None:
    # Two Cyrillic CP1251 lines in a UTF-8 file: ranked together (joined by a newline) they
    # read as CP1251; glued to Latin letters they would look like Windows-1252 words.
    ascii_part = "\n".join(f"line {n} plain ascii" for n in range(20)).encode("ascii")
    data = ascii_part + b"\n" + "мама".encode("cp1251") + b"\n" + "окно".encode("cp1251") + b"\n"
    decoded = decode(data)
    assert decoded.method == "mixed"
    assert decoded.bad_lines == (BadLine(21, "cp1251"), BadLine(22, "cp1251"))
    assert decoded.text.endswith("\nмама\nокно\n")
    assert decoded.encoding == "cp1251"


def test_delete_characters_are_not_multibyte_utf8() -> None:
    # "UTF-8 but for a few bytes" counts valid non-ASCII characters; DEL (0x7F) is ASCII,
    # so a line of DELs and one CP1252 byte is decoded whole, not line by line.
    data = b"\x7f" * 40 + b" caf\xe9"
    decoded = decode(data)
    assert decoded.method == "detected"
    assert decoded.normalised == []
    assert decoded.bad_lines == ()


def test_one_nul_byte_is_no_utf16() -> None:
    # UTF-16 without a BOM needs NULs in at least 30% of its pairs; one NUL in 50 pairs is
    # a binary file.
    with pytest.raises(DecodeError) as caught:
        decode(b"a" * 99 + b"\x00")
    assert str(caught.value) == "contains NUL bytes: a binary file, not text"


def test_latin_utf16_without_bom_is_detected() -> None:
    decoded = decode("plain words".encode("utf-16-le"))
    assert (decoded.text, decoded.encoding, decoded.method) == ("plain words", "utf-16-le", "detected")


def test_unassigned_code_point_after_kana_is_penalised() -> None:
    # U+3100 is unassigned (between katakana and bopomofo): not kana, an unknown character.
    assert implausibility("\u3100") == 10.0
    assert implausibility("\u30ff") == 0.0  # the last katakana is fine


def test_han_outside_every_national_standard_costs_three() -> None:
    # U+3400 (CJK extension A) is in none of GB2312, Big5, JIS X 0208 or KS X 1001.
    assert implausibility("\u3400") == 3.0


def test_capital_inside_a_cyrillic_word_costs_two() -> None:
    assert implausibility("дП") == 2.0
    assert implausibility("αΠ") == 2.0
    assert implausibility("Дд") == 0.0
