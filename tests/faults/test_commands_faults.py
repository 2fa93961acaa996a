"""Commands when the disk says no: a full disk under export, agree --report and new, a
read-only corpus under suggest, new and import. Each is one line on stderr naming the path
and the cause, exit code 1, no traceback, and nothing half-written left behind.

The real faults use a small tmpfs (see conftest.py); the injected ENOSPC tests run anywhere.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from tests.cli_helpers import one_line_error, run
from tests.conftest import add_text
from tests.faults.conftest import fill_disk
from tests.test_agreement_helpers import save, seed_versions
from tests.test_export import add_doc, annotate, small_article

NO_SPACE = os.strerror(errno.ENOSPC)


def everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def gold_corpus(tmp_path: Path) -> Corpus:
    """A few documents with done gold on a normal folder; texts long enough to need space."""
    corpus = Corpus.create(tmp_path / "corpus", name="faults")
    for i in range(4):
        text = f"Doc {i}. Alice Kim met Bob in Seoul on day {i}.\n" + "Filler line.\n" * 2000
        add_doc(corpus, f"d{i}", text, f"https://site{i}.example/{i}")
        annotate(corpus, f"d{i}", small_article(text, "Alice Kim"))
    return corpus


@pytest.fixture
def pair_corpus(seed_corpus: Corpus, seed_text: str) -> Corpus:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article"})
    return seed_corpus


# --------------------------------------------------------------------------- a full disk


def test_export_onto_a_full_disk(
    gold_corpus: Corpus, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_disk(small_disk)
    before = everything(small_disk)
    out = small_disk / "out"
    code, _, err = run(
        capsys, "export", str(gold_corpus.root), "--format", "jsonl", "--out", str(out)
    )
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {out}") and line.endswith(NO_SPACE)
    assert everything(small_disk) == before  # no staging folder, no half export


def test_export_json_onto_a_full_disk_is_one_document(
    gold_corpus: Corpus, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import orjson

    fill_disk(small_disk)
    out = small_disk / "out"
    code, stdout, _ = run(
        capsys, "export", str(gold_corpus.root), "--format", "jsonl", "--out", str(out), "--json"
    )
    assert code == 1
    error = orjson.loads(stdout)["error"]
    assert error["code"] == "os" and error["path"].startswith(str(out))
    assert NO_SPACE in error["message"]


def test_agree_report_onto_a_full_disk(
    pair_corpus: Corpus, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_disk(small_disk)
    before = everything(small_disk)
    report = small_disk / "r.html"
    code, _, err = run(capsys, "agree", str(pair_corpus.root), "--report", str(report))
    assert code == 1
    assert one_line_error(err) == f"annotator: {report}: {NO_SPACE}"
    assert everything(small_disk) == before  # no temporary file left


def test_new_onto_a_full_disk(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill_disk(small_disk)
    before = everything(small_disk)
    target = small_disk / "c"
    code, _, err = run(capsys, "new", str(target))
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {target}") and line.endswith(NO_SPACE)
    assert everything(small_disk) == before  # no half corpus (folders without corpus.json)


# --------------------------------------------------------------------------- read-only


def test_suggest_in_a_read_only_corpus(
    tmp_path: Path, make_read_only: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Corpus.create(tmp_path / "corpus", name="ro")
    for i in range(2):
        add_text(corpus, f"d{i}", f"Title {i}\nAlice Kim met Bob in Seoul.\n")
    root = make_read_only(corpus.root)
    code, _, err = run(capsys, "suggest", str(root), "--jobs", "1")
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {root}")
    assert "read-only" in line.lower() or "permission denied" in line.lower()


def test_new_in_a_read_only_folder(
    tmp_path: Path, make_read_only: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "keep.txt").write_text("x", "utf-8")
    folder = make_read_only(tmp_path / "shared")
    code, _, err = run(capsys, "new", str(folder / "c"))
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {folder / 'c'}")
    assert "read-only" in line.lower() or "permission denied" in line.lower()


def test_import_into_a_read_only_corpus(
    tmp_path: Path, make_read_only: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Corpus.create(tmp_path / "corpus", name="ro")
    add_text(corpus, "d0", "Already here.\n")
    root = make_read_only(corpus.root)
    (tmp_path / "a.txt").write_text("some new text", "utf-8")
    code, _, err = run(capsys, "import", str(root), str(tmp_path / "a.txt"))
    assert code == 1
    line = one_line_error(err)
    assert str(root) in line
    assert "read-only" in line.lower() or "permission denied" in line.lower()


# --------------------------------------------------------------------------- injected ENOSPC


@pytest.mark.parametrize("where", ["write", "publish"])
def test_injected_no_space_keeps_the_previous_export(
    gold_corpus: Corpus,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    from annotator.export import output

    out = tmp_path / "out"
    args = ["export", str(gold_corpus.root), "--format", "jsonl", "--out", str(out)]
    assert run(capsys, *args)[0] == 0
    previous = {p.name: p.read_bytes() for p in out.iterdir()}

    if where == "write":
        def close(self: output.HashingFile) -> output.FileInfo:
            self.abort()
            raise OSError(errno.ENOSPC, NO_SPACE)

        monkeypatch.setattr(output.HashingFile, "close", close)
    else:
        real_replace = os.replace

        def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
            # Setting the old export aside works; putting the new one in its place does not.
            if Path(src).name.endswith(".partial"):
                raise OSError(errno.ENOSPC, NO_SPACE, str(src), None, str(dst))
            real_replace(src, dst)

        monkeypatch.setattr(output.os, "replace", replace)

    code, _, err = run(capsys, *args, "--force")
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {out}") and line.endswith(NO_SPACE)
    assert ".partial" not in line  # the hidden staging folder means nothing to the user
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]  # no staging, no .old


def test_injected_no_space_under_agree_report(
    pair_corpus: Corpus,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator import outputs

    report = tmp_path / "agree.html"
    assert run(capsys, "agree", str(pair_corpus.root), "--report", str(report))[0] == 0
    previous = report.read_bytes()

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, NO_SPACE)

    monkeypatch.setattr(outputs.os, "fsync", fsync)
    code, _, err = run(capsys, "agree", str(pair_corpus.root), "--report", str(report))
    assert code == 1
    assert one_line_error(err) == f"annotator: {report}: {NO_SPACE}"
    assert report.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agree.html", "corpus"]


def test_suggest_onto_a_full_disk(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Corpus.create(small_disk / "corpus", name="full")
    for i in range(2):
        add_text(corpus, f"d{i}", f"Title {i}\nAlice Kim met Bob in Seoul.\n")
    fill_disk(small_disk)
    code, _, err = run(capsys, "suggest", str(corpus.root), "--jobs", "1")
    assert code == 1
    line = one_line_error(err)
    assert line.startswith(f"annotator: {corpus.root}") and line.endswith(NO_SPACE)
    suggestions = corpus.root / "annotations" / "suggestions"
    assert not suggestions.exists() or not [p for p in suggestions.iterdir() if p.suffix == ".json"]
