"""A legacy reading must keep ASCII as ASCII: charset-normalizer may offer EBCDIC (cp424,
cp500...), which once re-read a line ``b"\\x7fcaf\\xe9"`` of a mostly UTF-8 file as Hebrew
EBCDIC, its ASCII letters included. No web page is EBCDIC; such codecs are not candidates."""

from __future__ import annotations

from annotator.importers.text import BadLine, _keeps_ascii, decode

PROSE = ("Lorem ipsum dolor sit amet, " * 3 + "\n").encode() * 20
KOREAN = ("UTF-8 한국어 텍스트입니다.\n" * 5).encode()


def test_a_line_with_a_del_keeps_its_ascii_letters() -> None:
    decoded = decode(PROSE + b"\x7fcaf\xe9\n" + KOREAN)
    assert decoded.encoding == "utf-8"
    assert decoded.text.splitlines()[20] == "\x7fcafé"
    assert decoded.bad_lines == (BadLine(21, "cp1252"),)


def test_which_codecs_keep_ascii() -> None:
    assert [name for name in ("cp424", "cp500", "cp037", "cp949", "koi8_r", "cp1252", "shift_jis") if _keeps_ascii(name)] == [
        "cp949", "koi8_r", "cp1252", "shift_jis",
    ]
    assert _keeps_ascii("no-such-codec") is False
