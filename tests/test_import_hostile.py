"""Hostile input to `annotator import` (issue 9): mixed encodings, deep HTML, huge and
inflating files, files that are not files, leftovers of a killed import, a busy lock."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
import unicodedata
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.importers.html import html_to_text
from annotator.importers.text import decode
from tests.conftest import ROOT, SEED_PATH

SEED = unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8")).replace("\xa0", " ")
#: Twenty real Korean lines of the seed page.
KOREAN_LINES = [line for line in SEED.splitlines() if line.strip() and not line.isascii()][:20]
MB = 1024 * 1024


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- mixed encodings


def test_utf8_file_with_one_cp949_line_keeps_both(corpus: Corpus, tmp_path: Path) -> None:
    bad = KOREAN_LINES[5]
    lines = [line.encode("utf-8") for line in KOREAN_LINES]
    lines[5] = bad.encode("cp949")
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = import_paths(corpus, [path])
    assert report.problems == []
    doc_id = report.documents[0].doc_id
    # Every line as written: the UTF-8 ones as they are, the CP949 one re-decoded.
    assert corpus.read_text(doc_id) == "\n".join(KOREAN_LINES) + "\n"
    meta = corpus.read_meta(doc_id)
    assert meta.encoding == "utf-8"
    assert "invalid-bytes:lines 6" in meta.normalised
    assert [(Path(w.path).name, w.line) for w in report.warnings] == [("mixed.txt", 6)]
    assert "cp949" in report.warnings[0].message


def test_ascii_with_a_few_bad_bytes_is_reported_with_the_line(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = [f"plain ascii line number {n}" for n in range(1, 21)]
    raw = [line.encode() for line in body]
    raw[12] = b"broken \xff\xfe\x81 bytes here"
    path = tmp_path / "ascii.txt"
    path.write_bytes(b"\n".join(raw))
    code, _, err = _cli(capsys, str(corpus.root), str(path))
    assert code == 0
    text = corpus.read_text("ascii")
    lines = text.split("\n")
    assert lines[:12] == body[:12] and lines[13:] == body[13:]  # the good lines untouched
    assert lines[12].startswith("broken ") and lines[12].endswith(" bytes here")
    assert "invalid-bytes:lines 13" in corpus.read_meta("ascii").normalised
    assert f"{path}:13:" in err


def test_utf8_with_a_cut_character_keeps_the_rest_of_its_line() -> None:
    # A line that is UTF-8 but for one byte must not be re-read as a legacy encoding.
    lines = [line.encode("utf-8") for line in KOREAN_LINES]
    cut = KOREAN_LINES[3]
    lines[3] = cut[:3].encode() + b"\xff" + cut[3:].encode()
    decoded = decode(b"\n".join(lines))
    got = decoded.text.split("\n")
    assert got[3] == cut[:3] + "\ufffd" + cut[3:]
    assert got[:3] == KOREAN_LINES[:3] and got[4:] == KOREAN_LINES[4:]
    assert decoded.normalised == ["invalid-bytes:lines 4"]


def test_legacy_file_with_ascii_lines_stays_one_encoding() -> None:
    # A CP949 page whose lines are mostly ASCII markup is one encoding, not "mixed".
    page = "\n".join(["<div class='x'>"] * 5 + KOREAN_LINES[:3] + ["</div>"] * 5)
    decoded = decode(page.encode("cp949"))
    assert (decoded.text, decoded.encoding) == (page, "cp949")


# --------------------------------------------------------------------------- deep HTML


def test_text_under_3000_nested_divs_is_kept(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "deep.html").write_text("<div>" * 3000 + "DEEP", "utf-8")
    report = import_paths(corpus, [tmp_path / "deep.html"])
    assert report.problems == []
    assert "DEEP" in corpus.read_text("deep")


def test_100000_unclosed_b_keep_all_their_text() -> None:
    assert html_to_text("<b>x" * 100_000).text == "x" * 100_000


def test_hidden_content_below_the_depth_limit_stays_hidden() -> None:
    html = (
        "<p>top</p>" + "<div>" * 3000 + "<script>var secret = 1;</script><style>p{}</style>"
        "<span hidden>HIDDEN <b>inner</b></span><span style='display:none'>NONE</span>"
        "<p>DEEP &amp; visible</p>" + "</div>" * 3000 + "<p>after</p>"
    )
    text = html_to_text(html).text
    for kept in ("top", "DEEP & visible", "after"):
        assert kept in text
    for dropped in ("secret", "p{}", "HIDDEN", "inner", "NONE"):
        assert dropped not in text
    assert text.index("top") < text.index("DEEP") < text.index("after")


# --------------------------------------------------------------------------- size


def _gzip_bomb(path: Path, mb: int, byte: bytes = b"a") -> None:
    chunk = byte * MB
    with gzip.open(path, "wb", compresslevel=9) as handle:
        for _ in range(mb):
            handle.write(chunk)


def test_files_larger_than_the_limit_are_refused_and_the_rest_imports(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "big.txt").write_bytes(b"word " * (MB // 4))  # 1.25 MB
    _gzip_bomb(src / "bomb.txt.gz", 20)
    _gzip_bomb(src / "bomb.html.gz", 20)
    (src / "ok.txt").write_text("small enough", "utf-8")
    code, _, err = _cli(capsys, str(corpus.root), str(src), "--max-document-mb", "1")
    assert code == 1
    for name in ("big.txt", "bomb.txt.gz", "bomb.html.gz"):
        assert f"{src / name}: larger than the limit of 1 MB (--max-document-mb)" in err
    assert "Traceback" not in err
    assert corpus.doc_ids() == ["ok"]


def test_default_limit_is_50_mb(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"a" * (MB + 1))
    assert import_paths(corpus, [tmp_path / "a.txt"]).imported == 1
    assert import_paths(corpus, [tmp_path / "a.txt"], max_document_mb=1).problems[0].message == (
        "larger than the limit of 1 MB (--max-document-mb)"
    )


def test_inflating_a_bomb_stops_at_the_limit(corpus: Corpus, tmp_path: Path) -> None:
    _gzip_bomb(tmp_path / "bomb.txt.gz", 64)
    _gzip_bomb(tmp_path / "bomb.jsonl.gz", 64)
    tracemalloc.start()
    try:
        report = import_paths(corpus, [tmp_path / "bomb.txt.gz", tmp_path / "bomb.jsonl.gz"], max_document_mb=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.imported == 0
    assert [(Path(p.path).name, p.line) for p in report.problems] == [
        ("bomb.txt.gz", None),
        ("bomb.jsonl.gz", 1),
    ]
    assert all("larger than the limit of 1 MB" in p.message for p in report.problems)
    assert peak < 8 * MB, peak  # 64 MB inflated, never held


def test_jsonl_limit_is_per_line(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "first"}) + "\n")
        handle.write(json.dumps({"text": "x" * (MB + 10)}) + "\n")
        handle.write(json.dumps({"text": "third"}) + "\n")
    report = import_paths(corpus, [path], max_document_mb=1)
    assert [corpus.read_text(d.doc_id) for d in report.documents] == ["first", "third"]
    assert [(p.line, p.message) for p in report.problems] == [
        (2, "larger than the limit of 1 MB (--max-document-mb)")
    ]


def test_bad_limit_is_bad_usage(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("a", "utf-8")
    code, _, err = _cli(capsys, str(corpus.root), str(tmp_path / "a.txt"), "--max-document-mb", "0")
    assert code == 2
    assert "--max-document-mb" in err


# --------------------------------------------------------------------------- not regular files


def _import_subprocess(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", "import", *args],
        capture_output=True,
        text=True,
        timeout=timeout,  # a regression (a read blocking forever) fails instead of hanging
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )


def test_fifos_devices_and_bad_links_are_skipped(corpus: Corpus, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    os.mkfifo(src / "fifo.txt")
    (src / "zero.txt").symlink_to("/dev/zero")
    (src / "random.html").symlink_to("/dev/urandom")
    (src / "lines.jsonl").symlink_to("/dev/zero")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (src / "dangling.txt").symlink_to(src / "missing.txt")
    (src / "good.txt").write_text("the good one", "utf-8")
    result = _import_subprocess(str(corpus.root), str(src), timeout=90)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("fifo.txt", "zero.txt", "random.html", "lines.jsonl", "loop.txt", "dangling.txt"):
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"{src / name}: ")]
        assert len(lines) == 1, (name, result.stderr)
    assert f"{src / 'fifo.txt'}: not a regular file (a FIFO)" in result.stderr
    assert f"{src / 'zero.txt'}: not a regular file (a character device)" in result.stderr
    assert corpus.doc_ids() == ["good"]
    assert corpus.read_text("good") == "the good one"


def test_a_fifo_named_on_the_command_line_does_not_block(corpus: Corpus, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.txt")
    result = _import_subprocess(str(corpus.root), str(tmp_path / "x.txt"), timeout=90)
    assert result.returncode == 1
    assert f"{tmp_path / 'x.txt'}: not a regular file (a FIFO)" in result.stderr


# --------------------------------------------------------------------------- leftovers


def test_leftovers_of_a_killed_import_are_cleaned(corpus: Corpus, tmp_path: Path) -> None:
    docs = corpus.documents_dir
    docs.mkdir(exist_ok=True)
    # A text written but never committed by its meta (the new write order) ...
    (docs / "page.txt").write_text("half", "utf-8")
    (docs / "page.source.html.gz").write_bytes(gzip.compress(b"<p>half</p>"))
    # ... a meta without its text (the old order), and atomic-write temporaries.
    (docs / "other.meta.json").write_text("{}", "utf-8")
    (docs / ".page.txt.abc123.tmp").write_bytes(b"partial")
    (docs / ".other.meta.json.x9.tmp").write_bytes(b"partial")
    src = tmp_path / "page.txt"
    src.write_text("the page", "utf-8")
    (tmp_path / "other.txt").write_text("the other page", "utf-8")
    report = import_paths(corpus, [src, tmp_path / "other.txt"])
    assert report.problems == []
    assert [d.doc_id for d in report.documents] == ["page", "other"]  # no "-2"
    assert report.cleaned == 5
    assert sorted(p.name for p in docs.iterdir() if not p.name.startswith(".import.lock")) == [
        "other.meta.json", "other.txt", "page.meta.json", "page.txt",
    ]
    assert corpus.read_text("page") == "the page"


def test_a_document_with_annotations_is_not_a_leftover(corpus: Corpus, tmp_path: Path) -> None:
    # A text without meta that someone annotated is damage for `validate`, not debris.
    docs = corpus.documents_dir
    docs.mkdir(exist_ok=True)
    (docs / "kept.txt").write_text("annotated", "utf-8")
    folder = corpus.annotations_dir / "alice"
    folder.mkdir(parents=True)
    (folder / "kept.json").write_text("{}", "utf-8")
    (tmp_path / "new.txt").write_text("new", "utf-8")
    report = import_paths(corpus, [tmp_path / "new.txt"])
    assert report.cleaned == 0
    assert (docs / "kept.txt").read_text("utf-8") == "annotated"


# --------------------------------------------------------------------------- busy lock


def test_busy_import_lock_names_its_holder(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("a", "utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from annotator.corpus import Corpus\n"
            "from annotator.importers.importer import ImportLock\n"
            "with ImportLock(Corpus.open(sys.argv[1])):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(corpus.root),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        code, _, err = _cli(capsys, str(corpus.root), str(tmp_path / "a.txt"))
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert f"another import into this corpus is running: process {holder.pid} on " in err
    assert "(since 20" in err
    assert corpus.doc_ids() == []
    # Once the holder is gone (even killed: wait() has reaped it, so the kernel has let go
    # of its lock), the next import goes ahead.
    assert import_paths(corpus, [tmp_path / "a.txt"]).imported == 1


def test_source_html_of_a_mixed_page_gives_its_text_back(corpus: Corpus, tmp_path: Path) -> None:
    from annotator.importers import normalise_text, source_html

    lines = [f"<p>{line}</p>".encode() for line in KOREAN_LINES]
    lines[2] = f"<p>{KOREAN_LINES[2]}</p>".encode("cp949")
    (tmp_path / "mixed.html").write_bytes(b"\n".join(lines))
    report = import_paths(corpus, [tmp_path / "mixed.html"])
    assert report.problems == []
    html = source_html(corpus, "mixed")
    assert html is not None
    assert normalise_text(html_to_text(html).text)[0] == corpus.read_text("mixed")
    assert KOREAN_LINES[2] in corpus.read_text("mixed")
