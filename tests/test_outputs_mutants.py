"""The one output check (ADR 12), pinned exactly: every refusal's whole message, path and reason.

``tests/test_output_paths.py`` runs the commands and checks that refused outputs leave the
disk untouched; these tests call :mod:`annotator.outputs` directly and assert the exact
outcome of each branch (the message names the path as given and the reason; the path
returned is the real one), so a changed word, a dropped ``{kind}`` or a wrong branch is
caught. They were written against mutmut's survivors of ``annotator/outputs.py``.

System errors are real where the system can be made to give them (a folder in the way of
the rename, a file in the way of a parent folder); ``name_the_output`` is a pure function of
the error it is given, so it gets constructed errors, and the one failed write that names no
file (a failed fsync, as on a full disk) is injected.

Equivalent mutants (no observable behaviour changes): none in ``annotator/outputs.py``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.outputs import (
    OutputPathError,
    check_output_path,
    name_the_output,
    write_output_file,
)
from tests.cli_helpers import one_line_error, run


def refusal(call: Callable[[], object]) -> OutputPathError:
    with pytest.raises(OutputPathError) as info:
        call()
    return info.value


def assert_refused(exc: OutputPathError, path: Path | str, reason: str) -> None:
    """The whole message, and its two parts as ``cli`` and the label-map import read them."""
    assert str(exc) == f"{path}: {reason}"
    assert exc.path == str(path)
    assert exc.reason == reason


# --------------------------------------------------------------------------- where outputs may not go


def test_an_empty_path_is_refused_by_name() -> None:
    exc = refusal(lambda: check_output_path("", kind="file"))
    assert_refused(exc, "''", "an empty path")


@pytest.mark.parametrize("kind", ["folder", "file"])
@pytest.mark.parametrize("spelling", ["/", "/tmp/..", "//"])
def test_the_root_folder_however_spelled(spelling: str, kind: str) -> None:
    exc = refusal(lambda: check_output_path(spelling, kind=kind))  # type: ignore[arg-type]
    assert_refused(exc, Path(spelling), f"is the root folder; give a new {kind} for the output")


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_the_corpus_itself_spelled_through_dotdot(corpus: Corpus, tmp_path: Path, kind: str) -> None:
    (tmp_path / "elsewhere").mkdir()
    given = tmp_path / "elsewhere" / ".." / "corpus"
    exc = refusal(lambda: check_output_path(given, corpus.root, kind=kind))  # type: ignore[arg-type]
    assert_refused(exc, given, f"is the corpus; give a {kind} outside it")


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_inside_the_corpus_through_a_link(corpus: Corpus, tmp_path: Path, kind: str) -> None:
    link = tmp_path / "link"
    link.symlink_to(corpus.root / "gold", target_is_directory=True)
    given = link / "out"
    exc = refusal(lambda: check_output_path(given, corpus.root, kind=kind))  # type: ignore[arg-type]
    assert_refused(exc, given, f"is inside the corpus {corpus.root}; give a {kind} outside it")


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_folder_holding_the_corpus(corpus: Corpus, tmp_path: Path, kind: str) -> None:
    exc = refusal(lambda: check_output_path(tmp_path, corpus.root, kind=kind))  # type: ignore[arg-type]
    assert_refused(exc, tmp_path, f"holds the corpus {corpus.root}; give a {kind} outside it")


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_another_corpus_itself(corpus: Corpus, tmp_path: Path, kind: str) -> None:
    other = Corpus.create(tmp_path / "other", name="other")
    given = tmp_path / "x" / ".." / "other"
    # Refused with or without the command's own corpus, which is not this one.
    for root in (None, corpus.root):
        exc = refusal(lambda: check_output_path(given, root, kind=kind, parents_must_exist=False))  # type: ignore[arg-type]  # noqa: B023
        assert_refused(exc, given, f"is a corpus; give a {kind} outside it")
    assert other.root.is_dir()


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_inside_another_corpus_names_that_corpus(corpus: Corpus, tmp_path: Path, kind: str) -> None:
    Corpus.create(tmp_path / "other", name="other")
    given = tmp_path / "other" / "gold" / "new" / "deeper"
    exc = refusal(lambda: check_output_path(given, corpus.root, kind=kind, parents_must_exist=False))  # type: ignore[arg-type]
    assert_refused(exc, given, f"is inside the corpus {tmp_path / 'other'}; give a {kind} outside it")


@pytest.mark.parametrize("kind", ["folder", "file"])
@pytest.mark.parametrize("target", ["elsewhere", "missing"])
def test_a_symbolic_link_as_the_last_part(tmp_path: Path, kind: str, target: str) -> None:
    if target == "elsewhere":
        (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / target)
    exc = refusal(lambda: check_output_path(link, kind=kind))  # type: ignore[arg-type]
    assert_refused(exc, link, f"is a symbolic link; give the {kind} it points to, or another")


def test_the_returned_path_is_the_real_one(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to(tmp_path / "real", target_is_directory=True)
    given = tmp_path / "via" / ".." / "via" / "out"
    assert check_output_path(given, kind="folder") == tmp_path / "real" / "out"
    assert check_output_path(given, kind="file") == tmp_path / "real" / "out"


# --------------------------------------------------------------------------- folders


def test_a_file_where_a_folder_is_wanted(tmp_path: Path) -> None:
    given = tmp_path / "out"
    given.write_text("x", "utf-8")
    exc = refusal(lambda: check_output_path(given, kind="folder", replace=True))
    assert_refused(exc, given, "exists and is not a folder")


def test_an_empty_or_new_folder_is_used_without_asking(tmp_path: Path) -> None:
    asked: list[Path] = []

    def foreign(path: Path) -> str | None:
        asked.append(path)
        return "never asked"

    (tmp_path / "empty").mkdir()
    assert check_output_path(tmp_path / "empty", kind="folder", foreign=foreign) == tmp_path / "empty"
    assert check_output_path(tmp_path / "new", kind="folder", foreign=foreign) == tmp_path / "new"
    assert asked == []


@pytest.fixture
def full(tmp_path: Path) -> Path:
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "thesis.tex").write_text("three years of work", "utf-8")
    return folder


def test_a_non_empty_folder_without_replace(full: Path) -> None:
    exc = refusal(lambda: check_output_path(full, kind="folder"))
    assert_refused(exc, full, "folder exists and is not empty")
    exc = refusal(lambda: check_output_path(full, kind="folder", replace_hint="use --force"))
    assert_refused(exc, full, "folder exists and is not empty; use --force")


def test_replace_without_a_judge_replaces_nothing(full: Path) -> None:
    exc = refusal(lambda: check_output_path(full, kind="folder", replace=True))
    assert_refused(exc, full, "not replaced: it was not written by annotator")


def test_replace_asks_the_judge_about_the_real_folder(full: Path, tmp_path: Path) -> None:
    asked: list[Path] = []
    verdict: list[str | None] = ["it holds thesis.tex"]

    def foreign(path: Path) -> str | None:
        asked.append(path)
        return verdict[0]

    link_parent = tmp_path / "via"
    link_parent.symlink_to(tmp_path, target_is_directory=True)
    given = link_parent / "full"
    exc = refusal(lambda: check_output_path(given, kind="folder", replace=True, foreign=foreign))
    assert_refused(exc, given, "not replaced: it holds thesis.tex")
    verdict[0] = None  # ours: replaced
    assert check_output_path(given, kind="folder", replace=True, foreign=foreign) == full
    assert asked == [full, full]


# --------------------------------------------------------------------------- files


def test_a_folder_where_a_file_is_wanted(full: Path) -> None:
    exc = refusal(lambda: check_output_path(full, kind="file"))
    assert_refused(exc, full, "is a folder; give a file name")


def test_an_existing_file_is_replaced_only_when_ours(tmp_path: Path) -> None:
    given = tmp_path / "r.html"
    given.write_text("<html>mine</html>", "utf-8")
    exc = refusal(lambda: check_output_path(given, kind="file"))
    assert_refused(exc, given, "not replaced: it exists; remove it or choose another name")
    exc = refusal(lambda: check_output_path(given, kind="file", foreign=lambda p: f"{p.name} is theirs"))
    assert_refused(exc, given, "not replaced: r.html is theirs; remove it or choose another name")
    assert check_output_path(given, kind="file", foreign=lambda p: None) == given
    assert given.read_text("utf-8") == "<html>mine</html>"


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_missing_parent_folder(tmp_path: Path, kind: str) -> None:
    given = tmp_path / "no" / "out"
    exc = refusal(lambda: check_output_path(given, kind=kind))  # type: ignore[arg-type]
    assert_refused(exc, tmp_path / "no", "no such folder")
    assert check_output_path(given, kind=kind, parents_must_exist=False) == given  # type: ignore[arg-type]


def test_the_json_error_document_names_the_refused_path(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    report = corpus.root / "gold" / "report.html"
    code, stdout, err = run(capsys, "agree", str(corpus.root), "--report", str(report), "--json")
    assert code == 2
    reason = f"is inside the corpus {corpus.root}; give a file outside it"
    assert one_line_error(err) == f"annotator: {report}: {reason}"
    assert orjson.loads(stdout) == {
        "ok": False,
        "error": {"code": "usage", "message": f"{report}: {reason}", "path": str(report)},
    }


# --------------------------------------------------------------------------- naming the output in errors

STAGING = Path("/data/.out.0123abcd.partial")
OUT = Path("/data/out")


def test_an_error_naming_no_file_names_the_output() -> None:
    exc = OSError(errno.ENOSPC, "No space left on device")
    named = name_the_output(exc, STAGING, OUT)
    assert (named.errno, named.strerror, named.filename) == (errno.ENOSPC, "No space left on device", str(OUT))
    assert named.__cause__ is exc
    assert str(named) == f"[Errno {errno.ENOSPC}] No space left on device: '{OUT}'"


@pytest.mark.parametrize("filename", [str(STAGING), os.fsencode(STAGING)])
def test_an_error_naming_the_staging_folder_names_the_output(filename: str | bytes) -> None:
    exc = OSError(errno.EACCES, "Permission denied", filename)
    named = name_the_output(exc, STAGING, OUT)
    assert (named.errno, named.strerror, named.filename) == (errno.EACCES, "Permission denied", str(OUT))
    assert named.__cause__ is exc


@pytest.mark.parametrize("filename", [str(STAGING / "train" / "data.jsonl"), os.fsencode(STAGING / "m.json")])
def test_an_error_inside_the_staging_folder_names_the_file_in_the_output(filename: str | bytes) -> None:
    exc = OSError(errno.EIO, "Input/output error", filename)
    named = name_the_output(exc, STAGING, OUT)
    inside = Path(os.fsdecode(filename)).relative_to(STAGING)
    assert (named.errno, named.strerror, named.filename) == (errno.EIO, "Input/output error", str(OUT / inside))
    assert named.__cause__ is exc


def test_an_error_about_another_file_is_left_as_it_is() -> None:
    exc = OSError(errno.EACCES, "Permission denied", "/corpus/gold/a.json")
    assert name_the_output(exc, STAGING, OUT) is exc
    no_errno = OSError("something")
    assert name_the_output(no_errno, STAGING, OUT) is no_errno


def test_an_error_already_naming_the_output_is_left_as_it_is() -> None:
    # Written in place (no hidden temporary): the error already names the right file.
    exc = OSError(errno.ENOTEMPTY, "Directory not empty", str(OUT / "data.jsonl"))
    assert name_the_output(exc, OUT, OUT) is exc
    assert exc.__cause__ is None


# --------------------------------------------------------------------------- writing one output file


def test_write_output_file_writes_the_bytes(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    write_output_file(target, b"<html></html>")
    assert target.read_bytes() == b"<html></html>"
    assert sorted(os.listdir(tmp_path)) == ["r.html"]


@pytest.mark.parametrize("name", [None, Path("reports/r.html")])
def test_a_folder_in_the_way_names_the_output_not_the_temporary(tmp_path: Path, name: Path | None) -> None:
    target = tmp_path / "r.html"
    (target / "inside").mkdir(parents=True)  # the rename of the temporary onto it fails
    with pytest.raises(OSError) as info:
        write_output_file(target, b"x", name)
    exc = info.value
    assert exc.errno == errno.EISDIR
    assert exc.strerror == os.strerror(errno.EISDIR)
    assert exc.filename == str(name or target)
    assert exc.filename2 is None
    assert isinstance(exc.__cause__, OSError) and exc.__cause__.filename != exc.filename
    assert sorted(os.listdir(tmp_path)) == ["r.html"]  # no temporary left


def test_a_failed_write_naming_no_file_names_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.html"

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError) as info:
        write_output_file(target, b"x", Path("given.html"))
    exc = info.value
    assert (exc.errno, exc.strerror, exc.filename) == (errno.ENOSPC, "No space left on device", "given.html")
    assert isinstance(exc.__cause__, OSError) and exc.__cause__.filename is None


def test_an_error_about_another_file_keeps_its_own_name(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", "utf-8")
    target = tmp_path / "afile" / "sub" / "r.html"  # its parent cannot be made: a file is in the way
    with pytest.raises(OSError) as info:
        write_output_file(target, b"x", Path("given.html"))
    exc = info.value
    assert exc.errno == errno.ENOTDIR
    assert exc.filename == str(tmp_path / "afile" / "sub")
    assert exc.__cause__ is None
