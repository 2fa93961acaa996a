"""Importing .txt files: real bytes in each encoding, newline and NFC normalisation."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.importers import DecodeError, decode_bytes, import_paths, normalise_text
from annotator.importers.text import decode
from tests.conftest import SEED_PATH

SEED = unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))
#: A few real lines of the seed (headline, date, lead).
SEED_LINES = "\n".join(line for line in SEED.splitlines()[:14] if line.strip())


def _import_one(corpus: Corpus, path: Path, **kw: str) -> tuple[str, dict]:
    report = import_paths(corpus, [path], **kw)
    assert report.problems == [], report.problems
    assert report.imported == 1
    doc_id = report.documents[0].doc_id
    return corpus.read_text(doc_id), corpus.read_meta(doc_id).model_dump()


@pytest.mark.parametrize(
    ("text", "encoding", "expected_encoding"),
    [
        (SEED_LINES, "cp949", "cp949"),
        ("인공지능 경쟁력 키우자", "cp949", "cp949"),  # one short Korean line
        ("기자", "euc_kr", "cp949"),  # two syllables
        ("日本語のテキストです。今日は良い天気ですね。", "shift_jis", "cp932"),
        ("東京都", "shift_jis", "cp932"),
        ("中华人民共和国是一个国家。今天天气很好。", "gb18030", "gb18030"),
        ("你好，世界", "gb18030", "gb18030"),
        ("中国", "gb18030", "gb18030"),
        ("Café crème brûlée – “quoted” naïve façade", "cp1252", "cp1252"),
        ("Grüße aus München, schöne Größe.", "cp1252", "cp1252"),
        ("Café", "cp1252", "cp1252"),
        ("It’s “fine”", "cp1252", "cp1252"),
    ],
)
def test_legacy_encodings_come_back_as_the_same_text(
    corpus: Corpus, tmp_path: Path, text: str, encoding: str, expected_encoding: str
) -> None:
    path = tmp_path / "in" / "page.txt"
    path.parent.mkdir()
    path.write_bytes(text.encode(encoding))
    assert path.read_bytes() != text.encode("utf-8")  # really legacy bytes
    got, meta = _import_one(corpus, path)
    assert got == text
    assert meta["encoding"] == expected_encoding
    # Neither a BOM nor UTF-8 nor a declaration: the encoding was guessed, and the meta says
    # how sure the guess is. A guess is never certain (1.0 is kept for a BOM, valid UTF-8 or
    # --encoding), and the meta records the detector's own figure, not a stand-in.
    decoded = decode(path.read_bytes())
    assert (decoded.method, decoded.encoding) == ("detected", expected_encoding)
    assert meta["encoding_confidence"] == decoded.confidence
    assert 0.3 <= decoded.confidence < 1
    assert meta["normalised"] == []


def test_cp949_seed_page_comes_in_as_korean(corpus: Corpus, tmp_path: Path) -> None:
    # The whole seed page, minus its no-break spaces (CP949 has none).
    page = SEED.replace("\xa0", " ")
    path = tmp_path / "seed.txt"
    path.write_bytes(page.encode("cp949"))
    got, meta = _import_one(corpus, path)
    assert got == page
    assert "[서울=뉴스핌] 심지혜 기자" in got
    assert meta["encoding"] == "cp949"


@pytest.mark.parametrize(
    ("bom", "codec", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_bom_is_removed_and_recorded(corpus: Corpus, tmp_path: Path, bom: bytes, codec: str, encoding: str) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(bom + SEED_LINES.encode(codec))
    got, meta = _import_one(corpus, path)
    assert got == SEED_LINES
    assert not got.startswith("\ufeff")
    assert meta["encoding"] == encoding
    assert meta["encoding_confidence"] == 1.0
    assert meta["normalised"] == ["bom"]


def test_plain_utf8_and_ascii(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "k.txt").write_bytes(SEED_LINES.encode("utf-8"))
    (tmp_path / "a.txt").write_bytes(b"plain ascii\n")
    got, meta = _import_one(corpus, tmp_path / "k.txt")
    assert (got, meta["encoding"], meta["normalised"]) == (SEED_LINES, "utf-8", [])
    got, meta = _import_one(corpus, tmp_path / "a.txt")
    assert (got, meta["encoding"]) == ("plain ascii\n", "ascii")


def test_utf16_without_bom_is_detected() -> None:
    text, encoding, _ = decode_bytes("Hello world, this is text.\n".encode("utf-16-le"))
    assert (text, encoding) == ("Hello world, this is text.\n", "utf-16-le")


def test_binary_file_is_a_problem_and_the_rest_imports(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02")
    (tmp_path / "b.txt").write_text("good text", "utf-8")
    report = import_paths(corpus, [tmp_path])
    assert report.imported == 1
    assert [(Path(p.path).name, p.line) for p in report.problems] == [("a.txt", None)]
    assert "NUL bytes" in report.problems[0].message
    assert corpus.doc_ids() == ["b"]


def test_forced_encoding_wins_and_a_wrong_one_is_reported(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("기자".encode("cp949"))
    got, meta = _import_one(corpus, path, encoding="euc-kr")
    assert got == "기자"
    assert meta["encoding"] == "euc_kr"
    other = tmp_path / "y.txt"
    other.write_bytes("기자 뉴스".encode("cp949"))
    report = import_paths(corpus, [other], encoding="utf-8")
    assert report.imported == 0
    assert "not valid utf-8: byte 0" in report.problems[0].message


def test_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    data = "<p>한국어 문장입니다</p>".encode("cp949")
    decoded = decode(data, declared="euc-kr")
    # Chosen because the page declared it (widened to its superset cp949), not guessed, and
    # not claimed as certain as a BOM.
    assert (decoded.text, decoded.encoding, decoded.method) == (
        "<p>한국어 문장입니다</p>", "cp949", "declared"
    )
    assert decoded.confidence < 1
    assert decode_bytes(data, declared="euc-kr") == (decoded.text, "cp949", decoded.confidence)


def test_valid_utf8_beats_a_wrong_declaration() -> None:
    text, encoding, _ = decode_bytes("中文网页".encode(), declared="gb2312")
    assert (text, encoding) == ("中文网页", "utf-8")


def test_mostly_utf8_with_a_broken_byte_stays_utf8() -> None:
    data = ("한국어 " * 30).encode() + b"\xff" + " 끝".encode()
    text, encoding, confidence = decode_bytes(data)
    assert encoding == "utf-8"
    assert text.startswith("한국어 한국어") and text.endswith("\ufffd 끝")
    assert confidence < 1


def test_undecodable_bom_is_an_error() -> None:
    with pytest.raises(DecodeError, match="utf-16-le"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate


@pytest.mark.parametrize(
    ("raw", "expected", "changes"),
    [
        ("a\r\nb\r\n", "a\nb\n", ["crlf"]),
        ("a\rb\r", "a\nb\n", ["cr"]),
        ("a\r\nb\rc", "a\nb\nc", ["crlf", "cr"]),
        ("a\nb", "a\nb", []),
    ],
)
def test_newlines_become_lf_and_are_recorded(
    corpus: Corpus, tmp_path: Path, raw: str, expected: str, changes: list[str]
) -> None:
    path = tmp_path / "nl.txt"
    path.write_bytes(raw.encode("utf-8"))
    got, meta = _import_one(corpus, path)
    assert got == expected
    assert meta["normalised"] == changes


def test_decomposed_hangul_comes_out_composed(corpus: Corpus, tmp_path: Path) -> None:
    composed = "심지혜 기자"
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > len(composed)
    path = tmp_path / "nfd.txt"
    path.write_bytes(("\ufeff" + decomposed + "\r\n").encode("utf-8"))
    got, meta = _import_one(corpus, path)
    assert got == composed + "\n"
    assert meta["normalised"] == ["bom", "crlf", "nfc"]
    assert meta["chars"] == len(composed) + 1


def test_normalise_text_returns_what_changed() -> None:
    assert normalise_text("e\u0301\r\n") == ("é\n", ["crlf", "nfc"])
