"""Kept originals in any encoding are read back with the encoding that import detected.

Issue #14 saw ``cannot read the kept HTML: not valid utf-8: byte 37176 (0xfc)`` from
``annotator suggest`` on a real page in a legacy encoding that had imported fine. Each page
here is real bytes (legacy encodings, wrong or unknown declared charsets, a declaration
past the first 4 KB, one stray byte past 32 KB and 64 KB, gzip, a BOM, a jsonl ``html``
field, ``--encoding``), imported with ``annotator import``; then ``annotator suggest`` must
run on it and :func:`source_html` must give HTML whose visible text is the imported text.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.export.benchmark import utf8_html_gz
from annotator.importers import html_to_text, normalise_text, source_html
from annotator.model import SUGGESTIONS
from tests.cli_helpers import one_line_error, run

GERMAN = "<p>Die Prüfung für Bücher ist schön, und Übung macht Größe: München, Köln.</p>\n"
KOREAN = "<p>대한민국의 수도는 서울이며 오늘 경제 뉴스를 전합니다. 기자가 취재했습니다.</p>\n"
JAPANESE = "<p>日本語の記事です。東京で会議が開かれ、新しい計画が発表されました。</p>\n"
THAI = "<p>ภาษาไทยเป็นภาษาราชการของประเทศไทย และมีผู้พูดหลายล้านคน</p>\n"
FILLER = "<p>" + "Plain ASCII filler text of the page. " * 30 + "</p>\n"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>A page</title></head><body>{body}</body></html>"


def charset(name: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={name}">'


def filler(kb: int) -> str:
    return FILLER * (kb * 1024 // len(FILLER) + 1)


#: name -> the file's bytes. Names end in .html or .html.gz (the importer picks by suffix).
PAGES: dict[str, bytes] = {
    # One Windows-1252 byte (0xfc, "ü") after 32 KB and after 64 KB of ASCII, no charset.
    "fc_after_32k.html": page(filler(33) + "<p>Gr\xfc\xdfe aus M\xfcnchen</p>").encode("latin-1"),
    "fc_after_64k.html": page(filler(65) + "<p>Gr\xfc\xdfe aus M\xfcnchen</p>").encode("latin-1"),
    # A UTF-8 page with one Windows-1252 line far down: decoded line by line.
    "utf8_with_a_cp1252_line.html": page(KOREAN * 3 + filler(40)).encode().replace(
        b"</body>", "<p>Gr\xfc\xdfe aus M\xfcnchen</p></body>".encode("latin-1")
    ),
    "cp1252_no_charset.html": page(GERMAN * 30).encode("cp1252"),
    # Declared charsets Python does not know, or knows under another name.
    "windows874.html": page(THAI * 20, charset("windows-874")).encode("cp874"),
    "ks_c_5601.html": page(KOREAN * 20, charset("ks_c_5601-1987")).encode("cp949"),
    "x_user_defined.html": page(GERMAN * 20, charset("x-user-defined")).encode("cp1252"),
    "euc_kr.html": page(KOREAN * 20, charset("euc-kr")).encode("cp949"),
    "shift_jis.html": page(JAPANESE * 20, charset("shift_jis")).encode("cp932"),
    # Wrong declarations, both ways.
    "latin1_declared_utf8_bytes.html": page(GERMAN * 20, charset("latin1")).encode(),
    "utf8_declared_cp1252_bytes.html": page(GERMAN * 20, '<meta charset="utf-8">').encode("cp1252"),
    "euc_kr_declared_utf8_bytes.html": page(KOREAN * 20, charset("euc-kr")).encode(),
    # Not text encodings at all: ignored like an unknown name (they crashed the import).
    "base64_declared.html": page(GERMAN * 20, charset("base64")).encode("cp1252"),
    "rot13_declared.html": page(GERMAN * 20, charset("rot13")).encode("cp1252"),
    "undefined_declared.html": page(GERMAN * 20, charset("undefined")).encode("cp1252"),
    # Codecs no browser uses for a page: unicode_escape would rewrite "\u0041" in a script.
    "unicode_escape_declared.html": page(
        GERMAN * 20 + "<p>C:\\u0041\\new</p>", charset("unicode_escape")
    ).encode("cp1252"),
    # The declaration after the first 4096 bytes (not looked at): detected instead.
    "charset_after_4k.html": page(filler(5) + charset("windows-1251") + GERMAN * 20).encode("cp1252"),
    "euc_kr.html.gz": gzip.compress(page(KOREAN * 20 + filler(40), charset("euc-kr")).encode("cp949")),
    "fc_after_64k.html.gz": gzip.compress(page(filler(65) + "<p>M\xfcnchen</p>").encode("latin-1")),
    "bom_utf16.html": "\ufeff".encode("utf-16-le") + page(GERMAN * 10).encode("utf-16-le"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Every page of :data:`PAGES` and a jsonl record with an ``html`` field, imported and
    suggested through the command line."""
    tmp = tmp_path_factory.mktemp("kept")
    pages = tmp / "pages"
    pages.mkdir()
    for name, data in PAGES.items():
        (pages / name).write_bytes(_marked(name, data))
    record = {"id": "jsonl_page", "html": page(GERMAN * 10 + KOREAN * 10)}
    (pages / "records.jsonl").write_bytes(orjson.dumps(record) + b"\n")
    root = tmp / "corpus"
    assert _cli("new", str(root)) == 0
    assert _cli("import", str(root), str(pages)) == 0
    assert _cli("suggest", str(root), "--jobs", "1") == 0
    return Corpus.open(root)


def _marked(name: str, data: bytes) -> bytes:
    """``data`` with a paragraph naming the page (ASCII, in the page's encoding) at the end of
    its body: pages with the same visible text would be skipped as duplicates."""
    if name.endswith(".gz"):
        return gzip.compress(_marked(name.removesuffix(".gz"), gzip.decompress(data)))
    codec = "utf-16-le" if name.startswith("bom_utf16") else "ascii"
    return data.replace("</body>".encode(codec), f"<p>{name}</p></body>".encode(codec))


def _cli(*argv: str) -> int:
    from annotator.cli import main

    return int(main(list(argv)) or 0)


def _doc_id(corpus: Corpus, name: str) -> str:
    for doc_id in corpus.doc_ids():
        if Path(corpus.read_meta(doc_id).source.split(":")[0]).name == name:
            return doc_id
    raise AssertionError(f"{name} was not imported")


def _reads_back(corpus: Corpus, doc_id: str) -> None:
    html = source_html(corpus, doc_id)
    assert html is not None
    assert normalise_text(html_to_text(html).text)[0] == corpus.read_text(doc_id)
    assert corpus.load_annotation(SUGGESTIONS, doc_id) is not None


@pytest.mark.parametrize("name", [*PAGES, "records.jsonl"])
def test_every_kept_page_reads_back_as_imported(imported: Corpus, name: str) -> None:
    _reads_back(imported, _doc_id(imported, name))


def test_the_text_is_the_pages_own(imported: Corpus) -> None:
    """Read back alike is not enough: the legacy pages were decoded right in the first place."""
    assert "Grüße aus München" in imported.read_text(_doc_id(imported, "fc_after_64k.html"))
    assert "Grüße aus München" in imported.read_text(_doc_id(imported, "utf8_with_a_cp1252_line.html"))
    assert "ภาษาไทย" in imported.read_text(_doc_id(imported, "windows874.html"))
    assert "서울" in imported.read_text(_doc_id(imported, "ks_c_5601.html"))
    for name in ("base64_declared.html", "x_user_defined.html", "utf8_declared_cp1252_bytes.html"):
        assert "Die Prüfung für Bücher" in imported.read_text(_doc_id(imported, name))
    # The backslashes of the page stay as the page has them.
    assert "C:\\u0041\\new" in imported.read_text(_doc_id(imported, "unicode_escape_declared.html"))


def test_recorded_encodings(imported: Corpus) -> None:
    def meta(name: str) -> tuple[str | None, list[str]]:
        m = imported.read_meta(_doc_id(imported, name))
        return m.encoding, [n for n in m.normalised if n != "html-to-text"]

    assert meta("windows874.html") == ("cp874", [])
    assert meta("ks_c_5601.html") == ("cp949", [])
    assert meta("latin1_declared_utf8_bytes.html") == ("utf-8", [])
    assert meta("bom_utf16.html") == ("utf-16-le", ["bom"])
    encoding, normalised = meta("utf8_with_a_cp1252_line.html")
    assert encoding == "utf-8" and normalised[0].startswith("invalid-bytes:lines ")


def test_a_page_decoded_line_by_line_from_an_older_import_still_reads(imported: Corpus) -> None:
    """An older version recorded "utf-8" and no ``invalid-bytes`` entry for such a page: its
    kept bytes are then no UTF-8 (the 0xfc of the issue) and suggest refused the document."""
    doc_id = _doc_id(imported, "utf8_with_a_cp1252_line.html")
    path = imported.meta_path(doc_id)
    meta = json.loads(path.read_text("utf-8"))
    meta["normalised"] = ["html-to-text"]
    path.write_text(json.dumps(meta), "utf-8")
    _reads_back(imported, doc_id)
    assert _cli("suggest", str(imported.root), "--docs", doc_id, "--jobs", "1") == 0


def test_a_meta_naming_an_encoding_python_lacks_still_reads(imported: Corpus) -> None:
    doc_id = _doc_id(imported, "euc_kr.html")
    path = imported.meta_path(doc_id)
    meta = json.loads(path.read_text("utf-8"))
    meta["encoding"] = "no-such-codec"
    path.write_text(json.dumps(meta), "utf-8")
    _reads_back(imported, doc_id)


def test_the_benchmark_export_gets_utf8_of_the_imported_page(imported: Corpus) -> None:
    for name in ("utf8_with_a_cp1252_line.html", "euc_kr.html.gz", "bom_utf16.html", "fc_after_32k.html"):
        doc_id = _doc_id(imported, name)
        meta = imported.read_meta(doc_id)
        data = utf8_html_gz(imported.html_path(doc_id).read_bytes(), meta.encoding, meta.normalised)
        html = gzip.decompress(data).decode("utf-8")  # strict: the benchmark's readers are
        assert normalise_text(html_to_text(html).text)[0] == imported.read_text(doc_id)


def test_forced_encoding_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "latin.html").write_bytes(page(GERMAN * 10 + "<p>\x80 \x9f</p>").encode("latin-1"))
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    assert run(capsys, "import", str(root), str(tmp_path / "latin.html"), "--encoding", "latin-1")[0] == 0
    corpus = Corpus.open(root)
    (doc_id,) = corpus.doc_ids()
    assert corpus.read_meta(doc_id).encoding == "iso8859-1"
    assert "\x80 \x9f" in corpus.read_text(doc_id)  # Latin-1 as asked, not its Windows superset
    assert run(capsys, "suggest", str(root), "--jobs", "1")[0] == 0
    _reads_back(corpus, doc_id)


@pytest.mark.parametrize("name", ["base64", "rot13", "undefined", "no-such-codec"])
def test_forced_encoding_that_is_no_text_encoding_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / "a.html").write_bytes(page(GERMAN).encode("cp1252"))
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    code, _, err = run(capsys, "import", str(root), str(tmp_path / "a.html"), "--encoding", name)
    assert code == 2
    assert one_line_error(err) == f"annotator: unknown encoding {name!r}"
