"""`annotator import` when the corpus cannot be written: read-only, or the disk fills up."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.importers import import_paths
from tests.conftest import SEED_PATH
from tests.faults.conftest import fill_disk


def _documents(corpus_root: Path) -> list[str]:
    docs = corpus_root / "documents"
    return sorted(p.name for p in docs.iterdir()) if docs.exists() else []


def test_read_only_corpus_is_one_clear_line(
    tmp_path: Path, make_read_only: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    Corpus.create(tmp_path / "corpus", name="ro")
    (tmp_path / "corpus" / "documents").mkdir(exist_ok=True)
    root = make_read_only(tmp_path / "corpus")
    (tmp_path / "a.txt").write_text("some text", "utf-8")
    code = main(["import", str(root), str(tmp_path / "a.txt")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(root / "documents") in lines[0]
    assert "read-only" in lines[0].lower() or "permission denied" in lines[0].lower()
    assert _documents(root) == []


def test_read_only_corpus_without_documents_folder(
    tmp_path: Path, make_read_only: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    Corpus.create(tmp_path / "corpus", name="ro")
    docs = tmp_path / "corpus" / "documents"
    if docs.exists():
        docs.rmdir()
    root = make_read_only(tmp_path / "corpus")
    (tmp_path / "a.txt").write_text("some text", "utf-8")
    code = main(["import", str(root), str(tmp_path / "a.txt")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert str(root / "documents") in err


def test_disk_full_leaves_no_partial_document(small_disk: Path) -> None:
    corpus = Corpus.create(small_disk / "corpus", name="full")
    corpus.documents_dir.mkdir(exist_ok=True)
    src = Path(os.environ.get("TMPDIR", "/tmp")) / f"import-faults-{os.getpid()}"
    src.mkdir(exist_ok=True)
    try:
        page = src / "page.txt"
        page.write_text(SEED_PATH.read_text("utf-8") * 4, "utf-8")  # needs blocks, not just an inode
        html = src / "page2.html"
        html.write_text("<p>" + "other text " * 3000 + "</p>", "utf-8")
        fill_disk(small_disk)
        report = import_paths(corpus, [page, html])
    finally:
        for p in src.iterdir():
            p.unlink()
        src.rmdir()
    assert report.imported == 0
    assert {Path(p.path).name for p in report.problems} == {"page.txt", "page2.html"}
    assert all(os.strerror(errno.ENOSPC) in p.message for p in report.problems), report.problems
    left = [n for n in _documents(corpus.root) if not n.startswith(".import.lock")]
    assert left == []  # no text without meta, no meta without text, no .tmp


def test_disk_full_between_text_and_meta_leaves_no_half_document(small_disk: Path, tmp_path: Path) -> None:
    # Room for the import lock's owner file and the text's pages, nothing more: whichever
    # of text and meta is written first fits and the other fails, so without a rollback
    # half a document would stay.
    corpus = Corpus.create(small_disk / "corpus", name="full")
    corpus.documents_dir.mkdir(exist_ok=True)
    text = "가나다라 " * 3000  # 36 KB of UTF-8: nine pages
    page = tmp_path / "page.txt"
    page.write_text(text, "utf-8")
    fill_disk(small_disk)
    filler = next(small_disk.glob(".filler-*"))
    pages_used = -(-filler.stat().st_size // 4096)
    text_pages = -(-len(text.encode("utf-8")) // 4096)
    os.truncate(filler, (pages_used - text_pages - 1) * 4096)
    report = import_paths(corpus, [page])
    assert report.imported == 0
    assert [Path(p.path).name for p in report.problems] == ["page.txt"]
    assert os.strerror(errno.ENOSPC) in report.problems[0].message
    left = [n for n in _documents(corpus.root) if not n.startswith(".import.lock")]
    assert left == []
