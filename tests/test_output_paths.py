"""Output paths (ADR 12): exports and reports go outside the corpus and replace only their own.

Every case runs the real command line (``annotator.cli.main``) and looks at the files on disk
afterwards: a refused output must leave the corpus and any other file byte-identical.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from tests.cli_helpers import one_line_error, run
from tests.conftest import ROOT
from tests.test_agreement_helpers import save, seed_versions
from tests.test_export import add_doc, annotate, small_article

# --------------------------------------------------------------------------- helpers


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def gold_corpus(corpus: Corpus) -> Corpus:
    """Three documents with done gold, annotations by alice, nothing broken: exports exit 0."""
    for i in range(3):
        text = f"Doc {i}. Alice Kim met Bob in Seoul on day {i}.\nSecond line.\n"
        add_doc(corpus, f"d{i}", text, f"https://site{i}.example/{i}")
        annotate(corpus, f"d{i}", small_article(text, "Alice Kim"))
        annotate(corpus, f"d{i}", small_article(text, "Alice Kim"), annotator="alice")
    return corpus


def export_args(corpus: Corpus, out: Path | str, *more: str) -> list[str]:
    return ["export", str(corpus.root), "--format", "jsonl", "--out", str(out), *more]


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- export --out


@pytest.mark.parametrize(
    "where",
    [
        "corpus",
        "corpus/gold",
        "corpus/documents",
        "corpus/annotations/alice",
        "corpus/gold/new-folder",
        "holder",  # the folder holding the corpus
        "dotdot",  # CORPUS/gold spelled through ..
        "symlink",  # a link outside the corpus that points into it
    ],
)
@pytest.mark.parametrize("force", [False, True])
def test_export_refuses_the_corpus_what_is_in_it_and_what_holds_it(
    gold_corpus: Corpus,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    force: bool,
) -> None:
    root = gold_corpus.root
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    out: Path
    if where == "holder":
        out = tmp_path
    elif where == "dotdot":
        out = tmp_path / "elsewhere" / "deeper" / ".." / ".." / "corpus" / "gold"
    elif where == "symlink":
        out = tmp_path / "link"
        out.symlink_to(root / "gold", target_is_directory=True)
    else:
        out = tmp_path / where
    before = snapshot(root)
    listing = sorted(os.listdir(tmp_path))
    code, stdout, err = run(capsys, *export_args(gold_corpus, out, *(["--force"] if force else [])))
    assert code == 2
    line = one_line_error(err)
    assert str(out) in line
    assert "corpus" in line  # the reason: is / is inside / holds the corpus
    assert snapshot(root) == before  # not one file of the corpus changed
    assert sorted(os.listdir(tmp_path)) == listing  # no staging or .old folder beside it
    assert hidden_leftovers(root) == []
    assert stdout == ""


@pytest.mark.parametrize("force", [False, True])
def test_export_to_the_root_folder_is_a_message(
    gold_corpus: Corpus, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    before = sorted(os.listdir("/"))
    code, _, err = run(capsys, *export_args(gold_corpus, "/", *(["--force"] if force else [])))
    after = sorted(os.listdir("/"))
    assert code == 2
    assert one_line_error(err).startswith("annotator: /: ")
    assert after == before  # no stray /..XXXX.partial or .old folder


def test_force_replaces_only_a_previous_export(
    gold_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("three years of work", "utf-8")
    (mine / "notes").mkdir()
    (mine / "notes" / "a.txt").write_text("notes", "utf-8")
    before = snapshot(mine)
    code, _, err = run(capsys, *export_args(gold_corpus, mine, "--force"))
    assert code == 2
    line = one_line_error(err)
    assert str(mine) in line and "previous export" in line
    assert snapshot(mine) == before

    # A manifest.json that is not an export manifest does not make it one.
    (mine / "manifest.json").write_text('{"name": "my app"}', "utf-8")
    before = snapshot(mine)
    assert run(capsys, *export_args(gold_corpus, mine, "--force"))[0] == 2
    assert snapshot(mine) == before

    # A previous export is replaced.
    out = tmp_path / "out"
    assert run(capsys, *export_args(gold_corpus, out))[0] == 0
    first = orjson.loads((out / "manifest.json").read_bytes())
    (out / "data.jsonl").write_bytes(b"stale\n")
    code, _, err = run(capsys, *export_args(gold_corpus, out, "--force"))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "data.jsonl", "manifest.json"]
    assert (out / "data.jsonl").read_bytes() != b"stale\n"
    files = orjson.loads((out / "manifest.json").read_bytes())["files"]
    # The same data; the card (README.md) names the second the export was made in, so its
    # bytes differ when the two exports straddle a second.
    assert set(files) == set(first["files"])
    assert files["data.jsonl"] == first["files"]["data.jsonl"]
    assert hidden_leftovers(tmp_path) == []

    # ... but not when someone put a file of their own into it: that file would be lost.
    (out / "NOTES.md").write_text("what this export is for", "utf-8")
    before = snapshot(out)
    code, _, err = run(capsys, *export_args(gold_corpus, out, "--force"))
    assert code == 2
    assert "NOTES.md" in one_line_error(err)
    assert snapshot(out) == before


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_published_export_and_report_honour_the_umask(
    gold_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], umask: int
) -> None:
    out = tmp_path / "out"
    report = tmp_path / "agree.html"
    old = os.umask(umask)
    try:
        code, _, err = run(
            capsys, *export_args(gold_corpus, out), "--split", "train=0.5,test=0.5"
        )
        assert code == 0, err
        code, _, err = run(capsys, "agree", str(gold_corpus.root), "--annotators", "alice", "gold",
                           "--report", str(report))
        assert code == 0, err
    finally:
        os.umask(old)
    # A shared folder must work for a second account: modes as a plain mkdir/open give.
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    inside = list(out.rglob("*"))
    assert inside
    for path in inside:
        want = (0o777 if path.is_dir() else 0o666) & ~umask
        assert path.stat().st_mode & 0o777 == want, path
    assert report.stat().st_mode & 0o777 == 0o666 & ~umask


# --------------------------------------------------------------------------- leftovers


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_a_killed_export_are_removed_by_the_next(
    gold_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # A real export process, killed (SIGKILL) while it writes: it leaves its staging folder.
    script = (
        "import sys, time\n"
        "from annotator.export import jsonl\n"
        "from annotator.cli import main\n"
        "def stuck(self, line, split):\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "jsonl.JsonlWriter.write_serialized = stuck\n"
        "main(sys.argv[1:])\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, *export_args(gold_corpus, out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    left = hidden_leftovers(tmp_path)
    assert len(left) == 1 and left[0].startswith(".out.") and left[0].endswith(".partial")

    # A live writer's staging folder and another host's are not touched.
    live = tmp_path / ".out.live.partial"
    live.mkdir()
    (live / ".owner").write_bytes(
        orjson.dumps({"pid": os.getpid(), "host": socket.gethostname(), "out": str(out)})
    )
    remote = tmp_path / ".out.remote.partial"
    remote.mkdir()
    (remote / ".owner").write_bytes(
        orjson.dumps({"pid": _dead_pid(), "host": "another-machine", "out": str(out)})
    )
    code, _, err = run(capsys, *export_args(gold_corpus, out))
    assert code == 0, err
    assert hidden_leftovers(tmp_path) == [".out.live.partial", ".out.remote.partial"]
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "data.jsonl", "manifest.json"]


def test_a_previous_export_set_aside_by_a_killed_process_is_put_back(
    gold_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run(capsys, *export_args(gold_corpus, out))[0] == 0
    previous = snapshot(out)
    # As a process killed between moving the old export aside and publishing the new one.
    aside = tmp_path / ".out.0123abcd.old"
    aside.mkdir()
    out.rename(aside / "previous")
    (aside / ".owner").write_bytes(
        orjson.dumps({"pid": _dead_pid(), "host": socket.gethostname(), "out": str(out)})
    )
    code, _, err = run(capsys, *export_args(gold_corpus, out))
    assert code == 2  # the previous export is back, and --force was not given
    assert "--force" in one_line_error(err)
    assert snapshot(out) == previous
    assert hidden_leftovers(tmp_path) == []


# --------------------------------------------------------------------------- agree --report


@pytest.fixture
def pair_corpus(seed_corpus: Corpus, seed_text: str) -> Corpus:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article"})
    return seed_corpus


def agree_report(corpus: Corpus, report: Path | str) -> list[str]:
    return ["agree", str(corpus.root), "--report", str(report)]


@pytest.mark.parametrize(
    "where",
    [
        "corpus/annotations/alice/seed.json",
        "corpus/documents/seed.txt",
        "corpus/documents/report.html",
        "corpus/corpus.json",
        "corpus/report.html",
        "dotdot",
        "symlink",
    ],
)
def test_report_never_goes_into_the_corpus(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    root = pair_corpus.root
    (tmp_path / "elsewhere").mkdir()
    report: Path
    if where == "dotdot":
        report = tmp_path / "elsewhere" / ".." / "corpus" / "annotations" / "alice" / "seed.json"
    elif where == "symlink":
        report = tmp_path / "elsewhere" / "r.html"
        report.symlink_to(root / "annotations" / "bob" / "seed.json")
    else:
        report = tmp_path / where
    before = snapshot(root)
    code, stdout, err = run(capsys, *agree_report(pair_corpus, report))
    assert code == 2
    line = one_line_error(err)
    assert str(report) in line and "corpus" in line
    assert snapshot(root) == before  # alice's annotation is byte-identical
    assert stdout == ""  # refused before any work


@pytest.mark.parametrize("where", ["folder", "root"])
def test_report_onto_a_folder_is_a_message(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    target = tmp_path / "reports" if where == "folder" else Path("/")
    target.mkdir(exist_ok=True)
    before = sorted(os.listdir(target))
    code, _, err = run(capsys, *agree_report(pair_corpus, target))
    assert code == 2
    assert one_line_error(err).startswith(f"annotator: {target}: ")
    assert sorted(os.listdir(target)) == before


def test_report_replaces_only_its_own_file(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = tmp_path / "index.html"
    theirs.write_text("<!DOCTYPE html><html><head></head><body>my page</body></html>", "utf-8")
    code, _, err = run(capsys, *agree_report(pair_corpus, theirs))
    assert code == 2
    line = one_line_error(err)
    assert str(theirs) in line and "not written by annotator" in line
    assert theirs.read_text("utf-8").endswith("my page</body></html>")

    ours = tmp_path / "agree.html"
    assert run(capsys, *agree_report(pair_corpus, ours))[0] == 0
    html = ours.read_text("utf-8")
    assert '<meta name="generator" content="article-annotator' in html
    ours.write_text(html + "<!-- seen before -->", "utf-8")
    code, _, err = run(capsys, *agree_report(pair_corpus, ours))
    assert code == 0, err
    assert ours.read_text("utf-8") == html  # replaced by the new report
    assert hidden_leftovers(tmp_path) == []


def test_report_into_a_missing_folder_is_usage(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *agree_report(pair_corpus, tmp_path / "no" / "r.html"))
    assert code == 2
    assert "no such folder" in one_line_error(err)


# --------------------------------------------------------------------------- schema --out


def test_schema_out_goes_through_the_same_check(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(pair_corpus.root)
    code, _, err = run(capsys, "schema", "--out", str(pair_corpus.root / "annotations" / "alice"))
    assert code == 2 and "corpus" in one_line_error(err)
    assert snapshot(pair_corpus.root) == before

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine", "utf-8")
    code, _, err = run(capsys, "schema", "--out", str(theirs))
    assert code == 2 and "notes.txt" in one_line_error(err)
    assert sorted(os.listdir(theirs)) == ["notes.txt"]

    fresh = tmp_path / "fresh"
    assert run(capsys, "schema", "--out", str(fresh))[0] == 0
    written = sorted(os.listdir(fresh))
    assert "annotation.schema.json" in written
    assert run(capsys, "schema", "--out", str(fresh))[0] == 0  # its own files: updated in place
