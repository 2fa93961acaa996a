"""Encoding detection (``annotator.importers.text``), second sample of mutmut's survivors.

Each test decodes real bytes with :func:`decode` or scores real text with
:func:`implausibility` and asserts the exact outcome: the confidence of a detected encoding,
how every bad line of a mostly UTF-8 file was read, and the exact penalty of characters at
the edges of a script's range.

Equivalent mutants of ``annotator/importers/text.py`` (no observable outcome changes), by
mutmut name:

- ``x__line_by_line__mutmut_96`` (``encode("UTF-8")`` for ``encode("utf-8")``): Python's
  codec lookup ignores case, both name the same codec.
- ``x_implausibility__mutmut_40`` (``encoding or "XXXX"`` for ``encoding or ""``): neither
  key is in the table of home Han sets (only real codec names are), so both fall back to
  the same default sets.
- ``x_implausibility__mutmut_98`` (``0x3130 < o`` for ``0x3130 <= o``): U+3130 is an
  unassigned code point (category Cn), which the branch before already penalises by 10, so
  the jamo branch never sees it.
"""

from __future__ import annotations

from annotator.importers.text import BadLine, decode, implausibility


def test_a_detected_cp1251_file_has_its_exact_confidence() -> None:
    # The winner is ahead of the runner-up by less than the full margin: the margin's share
    # of the confidence is weighed at 0.35, not more.
    text = "Привет, как дела у тебя сегодня?"
    decoded = decode(text.encode("cp1251"))
    assert (decoded.text, decoded.encoding, decoded.method) == (text, "cp1251", "detected")
    assert decoded.confidence == 0.77


def test_more_bad_lines_than_per_line_detections_all_get_the_joint_encoding() -> None:
    # 101 CP1251 lines among 909 ASCII ones (a tenth of the file): each bad line is read
    # with the encoding that fits them all together, also past the 100 lines that may get
    # an encoding detected for themselves alone.
    russian = "Привет, как дела у тебя сегодня?"
    lines = [f"line {n} is plain ascii" for n in range(909)] + [russian] * 101
    data = "\n".join(lines).encode("cp1251")
    decoded = decode(data)
    assert decoded.method == "mixed"
    assert decoded.bad_lines == tuple(BadLine(n, "cp1251") for n in range(910, 1011))
    assert decoded.text == "\n".join(lines)
    assert decoded.encoding == "cp1251"


def test_the_first_supplementary_ideograph_is_scored_as_han() -> None:
    # U+20000 (the first CJK Extension B ideograph) is Han: outside the common and known
    # sets it costs 3; read as "other" it would cost nothing.
    assert implausibility("\U00020000") == 3.0


def test_the_first_cyrillic_letter_is_scored_as_cyrillic() -> None:
    # U+0400 "Ѐ" after a Latin letter: a Cyrillic-Latin seam (2) and a capital inside a word
    # (2).
    assert implausibility("a\u0400") == 4.0
