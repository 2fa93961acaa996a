"""Bytes to text: encoding detection and the normalisation every imported text goes through.

Order of decisions in :func:`decode`:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) wins over everything;
2. ``forced`` (``--encoding``): decode strictly with it or fail;
3. strict UTF-8 (pure ASCII is reported as ``ascii``). It comes *before* a declared charset
   because valid multi-byte UTF-8 is practically never a legacy encoding by chance, while
   pages re-saved as UTF-8 that still say ``charset=euc-kr`` are common (the "qq" page of
   readability's test set says gb2312 and is UTF-8);
4. the ``declared`` charset (HTML ``<meta charset>``), widened to the superset browsers use
   (euc-kr -> cp949, shift_jis -> cp932, gb2312/gbk -> gb18030, iso-8859-1 -> cp1252, ...);
5. detection: UTF-16 without BOM from its NUL pattern; then, when the file is mostly UTF-8
   (at most a tenth of its lines are not, or it is UTF-8 but for a few bytes), line by line:
   UTF-8 lines as they are, each other line re-decoded with the legacy encoding that fits it
   best or, when none reads plausibly, with U+FFFD for its bad bytes; those lines are
   recorded (``invalid-bytes:lines 3,7``) instead of the whole file coming out as mojibake.
   Otherwise the whole file: charset-normalizer's candidates plus the common legacy encodings, each decoded strictly and
   scored by :func:`implausibility` (control and private-use characters, Han characters
   outside the encoding's own national standard, rare Hangul syllables, Hangul glued to Han
   or to "，", Han characters separated by spaces, Latin words made only of accented
   letters, capitals inside Cyrillic words...) plus a small prior per encoding.
   charset-normalizer alone often guesses wrong on short texts (a few Korean words come back
   as Chinese, "Café" as UTF-16): on 1008 real snippets of 4 to 128 characters in seven
   languages it gets 57% right, the re-ranking 98% (``tests/bench/bench_import.py``).

Encoding names are Python codec names, so ``data.decode(meta.encoding)`` reproduces the text.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from annotator.importers._hangul import COMMON_HANGUL

#: BOMs, longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: What browsers actually decode when a page declares one of these (WHATWG Encoding standard).
_SUPERSETS = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    # A byte stream cannot really be UTF-16 if it declared it in ASCII markup.
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}

#: Legacy encodings always tried besides charset-normalizer's guesses, with a small prior
#: (added to the implausibility) that breaks ties in favour of the more common one.
_COMMON: dict[str, float] = {
    "cp1252": 0.0,
    "cp949": 0.0,
    "cp932": 0.05,
    "gb18030": 0.15,
    "big5hkscs": 0.3,
    "euc_jp": 0.3,
    "cp1251": 0.3,
    "cp1250": 0.4,
    "cp1254": 0.5,
    # Scripts whose random byte pairs look clean to the scorer: they need clear evidence.
    "koi8_r": 1.0,
    "cp1253": 1.0,
    "cp1255": 1.0,
    "cp1256": 1.0,
    "cp1257": 1.0,
    "cp874": 1.0,
}
_OTHER_PRIOR = 1.0


class DecodeError(ValueError):
    """The bytes cannot be decoded as text (the message says why and what to do)."""


#: A file is decoded line by line (see :func:`_line_by_line`) when at most this share of
#: its non-blank lines are not UTF-8: more than that and it is a legacy file whose ASCII
#: lines are simply ASCII.
_MIXED_SHARE = 0.1
#: Line numbers listed in the meta's ``invalid-bytes:lines ...`` entry; the rest are counted.
_LISTED_LINES = 20
#: Lines that get their own detection when the encoding found for all of them together does
#: not fit; past this many (a file of random bytes) the rest get U+FFFD.
_PER_LINE_DETECTIONS = 100
_NEWLINES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line of a mostly UTF-8 file that was not UTF-8, and what was done with it."""

    line: int  # 1-based, counting LF, CRLF and CR as line ends
    #: The legacy encoding it was decoded with, or "replaced" (bad bytes became U+FFFD).
    decoded_as: str


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    #: What decoding itself changed: "bom" (a BOM was removed), "invalid-bytes:lines 3,7"
    #: (lines that were not in ``encoding``; see ``bad_lines``).
    normalised: list[str] = field(default_factory=list)
    #: How the encoding was chosen: bom, forced, utf-8, declared, detected, mixed.
    method: str = "detected"
    #: The lines of a mostly UTF-8 file that were not UTF-8 (method "mixed").
    bad_lines: tuple[BadLine, ...] = ()


#: Labels of the WHATWG Encoding standard (what pages declare) that Python does not know,
#: as the Python codec a browser's decoder matches.
_WEB_LABELS = {
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-ukrainian": "mac_cyrillic",
    "iso-8859-8-i": "iso8859_8",
    "csiso88598i": "iso8859_8",
    "windows-31j": "cp932",
    "x-sjis": "cp932",
    "x-gbk": "gb18030",
    "x-x-big5": "big5hkscs",
    "windows-949": "cp949",
}
#: Python codecs no browser decodes a page with: a page declaring one of these is decoded
#: as if it declared nothing (``unicode_escape`` would turn its scripts' ``\u0041`` into
#: "A"; the Encoding standard maps HZ and ISO-2022-KR to "replacement").
_NOT_WEB = frozenset(
    {"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "hz", "iso2022_kr", "charmap", "palmos"}
)


def codec_name(name: str) -> str:
    """Python's canonical name of a text encoding (``LookupError`` when unknown).

    WHATWG labels Python lacks (``windows-874``) are mapped onto the codec that decodes them;
    codecs that are no text encoding (``base64``, ``rot13``) or decode nothing
    (``undefined``) are unknown here, so that neither ``--encoding`` nor a page's charset
    can name one.
    """
    label = name.strip()
    info = codecs.lookup(_WEB_LABELS.get(label.lower(), label))
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise LookupError(f"{label!r} is not a text encoding")
    return info.name


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str, float]:
    """Decode ``data``: BOM, then strict UTF-8, then ``declared``, then detection.

    Returns ``(text, encoding, confidence)``; a BOM is removed from the text. Raises
    :class:`DecodeError` for bytes that are no text (NUL bytes, undecodable).
    """
    result = decode(data, declared=declared)
    return result.text, result.encoding, result.confidence


def decode(data: bytes, *, declared: str | None = None, forced: str | None = None) -> Decoded:
    """Like :func:`decode_bytes`, with the details import records in the meta file."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"starts with a {encoding} byte-order mark but is not {encoding} "
                    f"(byte {exc.start + len(bom)})"
                ) from exc
            return Decoded(text, encoding, 1.0, ["bom"], "bom")
    if forced:
        encoding = codec_name(forced)
        try:
            return Decoded(data.decode(encoding), encoding, 1.0, [], "forced")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"not valid {encoding}: byte {exc.start} (0x{data[exc.start]:02x}) cannot be decoded"
            ) from exc
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(text, "ascii" if data.isascii() else "utf-8", 1.0, [], "utf-8")
    if declared and b"\x00" not in data:
        try:
            encoding = codec_name(declared)
        except LookupError:
            encoding = ""
        encoding = _SUPERSETS.get(encoding, encoding)
        if encoding and encoding != "utf-8" and encoding not in _NOT_WEB:
            try:
                return Decoded(data.decode(encoding), encoding, 0.9, [], "declared")
            except UnicodeDecodeError:
                pass  # a wrong declaration: detect instead
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise DecodeError("contains NUL bytes: a binary file, not text")
    mixed = _line_by_line(data)
    if mixed is not None:
        return mixed
    scored = _rank_legacy(data)
    if not scored:
        raise DecodeError("not valid in any encoding tried; give the encoding with --encoding")
    best_score, best_name, best_text = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else best_score + 10.0
    return Decoded(best_text, best_name, _confidence(best_score, runner_up, best_text), [], "detected")


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


@functools.cache
def _keeps_ascii(name: str) -> bool:
    """Whether the codec reads printable ASCII bytes as those same characters."""
    try:
        return _PRINTABLE_ASCII.decode(name) == _PRINTABLE_ASCII.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _rank_legacy(data: bytes) -> list[tuple[float, str, str]]:
    """``(score, encoding, text)`` of every legacy encoding that decodes ``data``, best first.

    The score is :func:`implausibility` plus the encoding's prior (lower is better).
    """
    from charset_normalizer import from_bytes

    candidates: dict[str, float] = dict(_COMMON)
    for match in from_bytes(data):
        try:
            name = codec_name(match.encoding)
        except LookupError:
            continue
        if name.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
            continue  # without NUL bytes and without a BOM it is not UTF-16/32
        if not _keeps_ascii(name):
            continue  # EBCDIC and the like: no web page is; it won on a line with one DEL
        candidates.setdefault(name, _OTHER_PRIOR)
    scored: list[tuple[float, str, str]] = []
    for name, prior in candidates.items():
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((implausibility(text, name) + prior, name, text))
    scored.sort(key=lambda item: (item[0], item[1]))
    return scored


def _line_by_line(data: bytes) -> Decoded | None:
    """A mostly UTF-8 file with some lines that are not: keep the UTF-8, mend the rest.

    "Mostly" is: at most :data:`_MIXED_SHARE` of the non-blank lines fail as UTF-8, or the
    whole file is UTF-8 but for a few bytes (20 valid non-ASCII characters per bad byte: a cut
    download). Each bad line then gets the most plausible of: the legacy encoding that fits
    all bad lines together (a pasted CP949 paragraph), one detected for that line alone, and
    UTF-8 with U+FFFD for the bad bytes (a line that is UTF-8 but for a cut character).
    None when the file is not mostly UTF-8: then it is decoded whole, as one encoding.
    """
    pieces = _NEWLINES.split(data)
    ends = _NEWLINES.findall(data)
    bad = [n for n, piece in enumerate(pieces) if not _is_utf8(piece)]
    nonblank = sum(1 for piece in pieces if piece.strip())
    if not bad or (len(bad) > _MIXED_SHARE * nonblank and not _utf8_but_a_few_bytes(data)):
        return None
    joint = _rank_legacy(b"\n".join(pieces[n] for n in bad))
    joint_name = joint[0][1] if joint else None
    detections = 0
    bad_lines: list[BadLine] = []
    for n in bad:
        raw = pieces[n]
        replaced = raw.decode("utf-8", errors="replace")
        broken = replaced.count("\ufffd")
        options: list[tuple[float, str, str]] = [(implausibility(replaced, "utf-8"), "replaced", replaced)]
        # As many valid multi-byte characters as bad bytes: a UTF-8 line with a cut
        # character (legacy bytes seldom form UTF-8 sequences), not a legacy line; scoring
        # would prefer mojibake to a U+FFFD on a short line.
        if sum(1 for ch in replaced if ord(ch) > 0x7F) - broken < broken:
            fitted = _decode_or_none(raw, joint_name)
            if fitted is not None and joint_name is not None:
                prior = _COMMON.get(joint_name, _OTHER_PRIOR)
                options.append((implausibility(fitted, joint_name) + prior, joint_name, fitted))
            elif detections < _PER_LINE_DETECTIONS:
                detections += 1
                options.extend(_rank_legacy(raw)[:1])
        _score, how, text = min(options, key=lambda item: item[0])
        pieces[n] = text.encode("utf-8")  # joined below with the UTF-8 lines
        bad_lines.append(BadLine(n + 1, how))
    ends.append(b"")
    text = b"".join(piece + end for piece, end in zip(pieces, ends, strict=True)).decode("utf-8")
    # One legacy encoding for every bad line and nothing but ASCII elsewhere: that encoding
    # reads the whole file (``data.decode(encoding) == text``), so the meta says so.
    codecs_used = {b.decoded_as for b in bad_lines}
    encoding = "utf-8"
    if len(codecs_used) == 1 and "replaced" not in codecs_used:
        only = next(iter(codecs_used))
        if _decode_or_none(data, only) == text:
            encoding = only
    return Decoded(text, encoding, 0.6, [_invalid_bytes_entry(bad_lines)], "mixed", tuple(bad_lines))


def _utf8_but_a_few_bytes(data: bytes) -> bool:
    """UTF-8 with a broken byte per 20 valid non-ASCII characters or fewer."""
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F) - broken
    return 0 < 20 * broken <= multibyte


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_or_none(raw: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _invalid_bytes_entry(bad_lines: list[BadLine]) -> str:
    """``invalid-bytes:lines 3,7`` (the first few numbers, then how many more)."""
    listed = ",".join(str(b.line) for b in bad_lines[:_LISTED_LINES])
    more = len(bad_lines) - _LISTED_LINES
    return f"invalid-bytes:lines {listed}" + (f" and {more} more" if more > 0 else "")


def _confidence(best: float, runner_up: float, text: str) -> float:
    """A rough 0..1 figure: high when the winner is clean and far ahead of the runner-up."""
    margin = max(0.0, runner_up - best)
    clean = 1.0 / (1.0 + best / max(1.0, len(text) / 50))
    return round(min(0.99, 0.3 + 0.35 * min(1.0, margin / 3.0) + 0.35 * clean), 2)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position (Latin text)."""
    pairs = len(data) // 2
    if pairs == 0 or len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    for nuls, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if nuls >= 0.3 * pairs and (even if encoding == "utf-16-le" else odd) <= 0.02 * pairs:
            try:
                return Decoded(data.decode(encoding), encoding, 0.8, [], "detected")
            except UnicodeDecodeError:
                return None
    return None


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class _Tables:
    """Character repertoires of the national standards, for telling real text from mojibake."""

    ks_hangul: frozenset[str]  # the 2350 syllables of KS X 1001
    common_han: frozenset[str]  # level-1 Han of GB2312, Big5 and JIS X 0208
    known_han: frozenset[str]  # all Han of GB2312, Big5, JIS X 0208 and KS X 1001
    #: encoding -> (its common Han, all its Han): text really written in an encoding uses them.
    home_han: dict[str, tuple[frozenset[str], frozenset[str]]]


@functools.cache
def _tables() -> _Tables:
    """Built by decoding the code tables of Python's own codecs: no data file needed."""

    def table(encoding: str, leads: range, trails: range) -> frozenset[str]:
        chars = set()
        for lead in leads:
            for trail in trails:
                try:
                    ch = bytes((lead, trail)).decode(encoding)
                except UnicodeDecodeError:
                    continue
                if _is_han(ch) or _is_hangul(ch):
                    chars.add(ch)
        return frozenset(chars)

    grid = range(0xA1, 0xFF)
    big5_trails = range(0x40, 0xFF)
    gb1, gb2 = table("gb2312", range(0xB0, 0xD8), grid), table("gb2312", range(0xD8, 0xF8), grid)
    jis1, jis2 = table("euc_jp", range(0xB0, 0xD0), grid), table("euc_jp", range(0xD0, 0xF5), grid)
    big1, big2 = table("big5", range(0xA4, 0xC7), big5_trails), table("big5", range(0xC9, 0xFA), big5_trails)
    hanja = table("euc_kr", range(0xCA, 0xFE), grid)
    common = gb1 | jis1 | big1
    return _Tables(
        ks_hangul=table("euc_kr", range(0xB0, 0xC9), grid),
        common_han=common,
        known_han=common | gb2 | jis2 | big2 | hanja,
        home_han={
            "gb18030": (gb1, gb1 | gb2),
            "big5hkscs": (big1, big1 | big2),
            "big5": (big1, big1 | big2),
            "cp950": (big1, big1 | big2),
            "cp932": (jis1, jis1 | jis2),
            "shift_jis": (jis1, jis1 | jis2),
            "euc_jp": (jis1, jis1 | jis2),
        },
    )


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _script(ch: str) -> str:
    o = ord(ch)
    if o < 0x80:
        return "latin" if ch.isalpha() else "ascii"
    if _is_hangul(ch):
        return "hangul"
    if _is_han(ch) or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or o >= 0x20000:
        return "han"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if 0x0400 <= o <= 0x04FF:
        return "cyrillic"
    if 0x0370 <= o <= 0x03FF:
        return "greek"
    if 0x0E00 <= o <= 0x0E7F:
        return "thai"
    if 0x0590 <= o <= 0x05FF:
        return "hebrew"
    if 0x0600 <= o <= 0x06FF:
        return "arabic"
    if 0x3001 <= o <= 0x303F or 0xFF01 <= o <= 0xFF0F or 0xFF1A <= o <= 0xFF20:
        return "cjk-punct"
    if ch.isalpha() and o < 0x0250:
        return "latin-ext"
    return "other"


#: Pairs of scripts that real text does not glue together without a space.
_BAD_NEIGHBOURS = frozenset(
    {
        frozenset({"hangul", "han"}),
        frozenset({"hangul", "kana"}),
        frozenset({"cyrillic", "latin"}),
        frozenset({"cyrillic", "latin-ext"}),
        frozenset({"greek", "latin"}),
        frozenset({"greek", "latin-ext"}),
        frozenset({"cyrillic", "greek"}),
        frozenset({"latin-ext", "han"}),
        frozenset({"cyrillic", "han"}),
        frozenset({"greek", "han"}),
        frozenset({"latin-ext", "kana"}),
        frozenset({"latin-ext", "hangul"}),
        frozenset({"thai", "latin"}),
        frozenset({"hebrew", "latin"}),
        frozenset({"arabic", "latin"}),
        # Korean writes ASCII punctuation; "，" or "。" next to Hangul is Chinese read as CP949.
        frozenset({"hangul", "cjk-punct"}),
    }
)
_OK_CONTROLS = frozenset("\t\n\r\f\v")
#: Windows-1252 / Latin-1 signs and letters that real text rarely uses.
_RARE_LATIN1 = frozenset("ƒ†‡ˆ‰‹›˜Œœ¤¦¨ª¬¯´¸¹º¼¾ÐÞðþ‚\xad÷±³")


def implausibility(text: str, encoding: str | None = None) -> float:
    """How unlike real text ``text`` (decoded with ``encoding``) looks: 0 when clean.

    Scored on at most the first 20,000 characters (enough to decide, keeps big files fast).
    """
    tables = _tables()
    is_big5 = encoding in ("big5", "big5hkscs", "cp950")
    is_korean = encoding in ("cp949", "euc_kr", "johab")
    is_cjk = is_korean or is_big5 or encoding in ("gb18030", "gbk", "gb2312", "cp932", "shift_jis", "euc_jp")
    common_han, known_han = tables.home_han.get(encoding or "", (tables.common_han, tables.known_han))
    penalty = 0.0
    prev = before_prev = "ascii"
    prev_ch = ""
    word_letters = 0
    word_accented = 0
    for ch in text[:20000]:
        script = _script(ch)
        o = ord(ch)
        if script in ("other", "ascii", "cjk-punct"):
            cat = unicodedata.category(ch)
            if (cat == "Cc" and ch not in _OK_CONTROLS) or cat in ("Co", "Cn", "Cs") or ch == "\ufffd":
                penalty += 10
            elif 0xFF61 <= o <= 0xFF9F:
                penalty += 3  # half-width katakana: Latin-1 bytes read as Shift-JIS
            elif 0x3130 <= o <= 0x318F or 0x1100 <= o <= 0x11FF:
                penalty += 2  # lone jamo: kana or symbols read as CP949
            elif ch in _RARE_LATIN1:
                penalty += 1  # the odd signs legacy CJK bytes become in Windows-1252
            elif o >= 0x80 and cat[0] == "S" and prev_ch.isalpha():
                penalty += 1  # "â€™": a symbol glued to a letter
            elif ch in "¿¡" and prev_ch and prev_ch not in " \t\n(\"'«—-":
                penalty += 1  # Spanish opening marks start a phrase
            elif 0x2500 <= o <= 0x257F or (0x3100 <= o <= 0x312F and not is_big5):
                penalty += 1  # box drawing; bopomofo outside Taiwanese text
        elif ch in _RARE_LATIN1:
            penalty += 1
        elif script == "hangul":
            if ch not in tables.ks_hangul:
                penalty += 3  # outside the 2350 syllables of KS X 1001
            elif ch not in COMMON_HANGUL:
                penalty += 0.15  # a rare syllable: Chinese bytes read as CP949 give many
        elif script == "han":
            if ch not in common_han:
                penalty += 1 if ch in known_han else 3
            if prev_ch == " " and before_prev == "han":
                penalty += 1  # Chinese and Japanese do not put spaces between characters
        if script != prev and frozenset({script, prev}) in _BAD_NEIGHBOURS:
            penalty += 2
        if script == "thai" and 0x0E4F <= o <= 0x0E5B:
            penalty += 1  # Thai digits and section signs: rare in running text
        elif script == "han" and is_korean:
            penalty += 0.3  # Korean is written in Hangul; Hanja come one at a time
        elif script == "latin-ext" and o >= 0x100 and is_cjk:
            penalty += 1  # "Ħ", "ǐ": the Latin letters of CJK code tables
        if ch.isalpha() and "\xa0" <= prev_ch <= "\xff" and unicodedata.category(prev_ch)[0] == "S":
            penalty += 1  # "©ó": a letter glued after a symbol
        if script in ("cyrillic", "greek") and ch.isupper() and prev_ch.islower():
            penalty += 2  # "ДъПлИҐ": capitals inside a Cyrillic or Greek word
        if prev_ch == "»" and ch.isalpha():
            penalty += 1  # a closing guillemet does not open a word
        # Latin words made only of accented letters are mojibake ("Ïðèâåò", "ÖÐ").
        if script in ("latin", "latin-ext"):
            word_letters += 1
            word_accented += script == "latin-ext"
            if script == "latin-ext" and ch.isupper() and prev_ch.islower():
                penalty += 2  # "CafĂ©": capital accented letter inside a word
        else:
            if word_letters >= 2 and word_accented == word_letters:
                penalty += 2
            word_letters = word_accented = 0
        before_prev = prev
        prev = script
        prev_ch = ch
    if word_letters >= 2 and word_accented == word_letters:
        penalty += 2
    return penalty


# --------------------------------------------------------------------------- normalisation


def normalise_text(text: str) -> tuple[str, list[str]]:
    """LF newlines and NFC; returns the text and what was changed (crlf, cr, nfc)."""
    changes: list[str] = []
    if "\r" in text:
        if "\r\n" in text:
            text = text.replace("\r\n", "\n")
            changes.append("crlf")
        if "\r" in text:
            text = text.replace("\r", "\n")
            changes.append("cr")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        changes.append("nfc")
    return text, changes
