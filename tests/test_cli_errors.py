"""The command line's errors: one line on stderr, the documented exit code, and with
``--json`` one JSON document on stdout whatever happened (ADR 12)."""

from __future__ import annotations

import argparse
import errno
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

import annotator.cli as cli
from annotator.corpus import Corpus
from annotator.model import SUGGESTIONS
from tests.cli_helpers import one_line_error, run
from tests.conftest import ROOT, add_text


@pytest.fixture
def four_docs(corpus: Corpus) -> Corpus:
    # Four or more: suggest then really starts worker processes.
    for i in range(5):
        add_text(corpus, f"d{i}", f"Title {i}\nAlice Kim met Bob in Seoul on day {i}.\n")
    return corpus


# --------------------------------------------------------------------------- numeric options


@pytest.mark.parametrize("jobs", ["99999999999999999999", "max+1", "0", "-3"])
def test_suggest_jobs_out_of_range_is_usage(
    four_docs: Corpus, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    from annotator.commands.suggest import MAX_JOBS

    # Just above the limit, not a huge number: should the check ever go, this test must not
    # start a hundred thousand processes.
    jobs = str(MAX_JOBS + 1) if jobs == "max+1" else jobs
    code, out, err = run(capsys, "suggest", str(four_docs.root), "--jobs", jobs)
    assert code == 2
    line = one_line_error(err)
    assert "--jobs" in line and "1" in line
    assert out == ""
    assert not (four_docs.root / "annotations" / "suggestions").exists()  # nothing was done


def test_suggest_jobs_in_range_works(four_docs: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "suggest", str(four_docs.root), "--jobs", "2")
    assert code == 0, err


@pytest.mark.parametrize("doc", ["../../etc/passwd", "a/b", ".hidden", ""])
def test_suggest_docs_with_a_bad_id_is_usage(
    four_docs: Corpus, capsys: pytest.CaptureFixture[str], doc: str
) -> None:
    code, _, err = run(capsys, "suggest", str(four_docs.root), "--docs", "d1", doc)
    assert code == 2
    assert "not a valid document id" in one_line_error(err)


def test_suggest_docs_unknown_is_usage(four_docs: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "suggest", str(four_docs.root), "--docs", "nope")
    assert code == 2
    assert "nope" in one_line_error(err)


# --------------------------------------------------------------------------- new


def test_new_on_a_file_is_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", "utf-8")
    code, _, err = run(capsys, "new", str(target))
    assert code == 2
    line = one_line_error(err)
    assert str(target) in line and "not a folder" in line
    assert target.read_text("utf-8") == "mine"


def test_new_inside_a_corpus_is_usage(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    target = corpus.root / "gold" / "inner"
    code, _, err = run(capsys, "new", str(target))
    assert code == 2
    assert "inside the corpus" in one_line_error(err)
    assert not target.exists()


def test_new_on_a_non_empty_folder_is_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "a.txt").write_text("a", "utf-8")
    code, _, err = run(capsys, "new", str(tmp_path / "stuff"))
    assert code == 2
    assert "not empty" in one_line_error(err)


def test_new_under_proc_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/proc/self").exists():
        pytest.skip("no /proc here")
    code, _, err = run(capsys, "new", "/proc/annotator-test-corpus")
    assert code == 1  # the system refused: an environment problem, not bad usage
    line = one_line_error(err)
    assert line.startswith("annotator: /proc/annotator-test-corpus")
    assert line.endswith("No such file or directory")


def test_new_still_creates_parents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", str(tmp_path / "a" / "b" / "c"))
    assert code == 0, err
    assert (tmp_path / "a" / "b" / "c" / "corpus.json").is_file()


# --------------------------------------------------------------------------- OSError, interrupts


def test_an_os_error_is_one_line_naming_the_path(
    four_docs: Corpus, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.commands import status

    def refuse(corpus: Corpus) -> dict[str, Any]:
        raise PermissionError(errno.EACCES, "Permission denied", str(corpus.root / "gold"))

    monkeypatch.setattr(status, "corpus_status", refuse)
    code, out, err = run(capsys, "status", str(four_docs.root))
    assert code == 1
    assert one_line_error(err) == f"annotator: {four_docs.root / 'gold'}: Permission denied"

    code, out, err = run(capsys, "status", str(four_docs.root), "--json")
    assert code == 1
    assert orjson.loads(out) == {
        "ok": False,
        "error": {
            "code": "os",
            "message": f"{four_docs.root / 'gold'}: Permission denied",
            "path": str(four_docs.root / "gold"),
        },
    }


def test_an_os_error_without_a_file_names_the_corpus(
    four_docs: Corpus, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.commands import status

    def full(corpus: Corpus) -> dict[str, Any]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(status, "corpus_status", full)
    code, _, err = run(capsys, "status", str(four_docs.root))
    assert code == 1
    assert one_line_error(err) == f"annotator: {four_docs.root}: No space left on device"


def test_interrupt_stays_130(
    four_docs: Corpus, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.commands import status

    def interrupted(corpus: Corpus) -> dict[str, Any]:
        raise KeyboardInterrupt

    monkeypatch.setattr(status, "corpus_status", interrupted)
    code, out, err = run(capsys, "status", str(four_docs.root), "--json")
    assert code == 130
    assert one_line_error(err) == "annotator: interrupted"
    assert orjson.loads(out)["error"]["code"] == "interrupted"


# --------------------------------------------------------------------------- --json errors


@pytest.fixture
def broken_corpus(corpus: Corpus) -> Corpus:
    (corpus.root / "corpus.json").write_bytes(b'{"name": "test", ')
    return corpus


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["validate"],
        ["agree"],
        ["export", "--format", "jsonl", "--out", "OUT"],
        ["suggest"],
        ["evaluate", "--predictions", "OUT"],
        ["import", "OUT"],
    ],
)
def test_json_mode_prints_one_document_when_the_corpus_is_broken(
    broken_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    args = [a.replace("OUT", str(tmp_path / "out")) for a in argv]
    code, out, err = run(capsys, args[0], str(broken_corpus.root), *args[1:], "--json")
    assert code == 1
    document = orjson.loads(out)  # one JSON document and nothing else
    assert document["ok"] is False
    assert document["error"]["code"] == "corpus"
    assert document["error"]["path"] == str(broken_corpus.root / "corpus.json")
    assert "not valid JSON" in document["error"]["message"]
    assert document["error"]["message"] in one_line_error(err)  # and the message on stderr


def test_json_mode_usage_errors_are_a_document_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "status", str(tmp_path / "nowhere"), "--json")
    assert code == 2
    document = orjson.loads(out)
    assert document["ok"] is False and document["error"]["code"] == "usage"
    assert document["error"]["path"] == str(tmp_path / "nowhere")
    assert "no such folder" in err

    # argparse's own refusal (an unknown option) as well
    code, out, err = run(capsys, "status", str(tmp_path), "--json", "--colour")
    assert code == 2
    document = orjson.loads(out)
    assert document["error"]["code"] == "usage" and "--colour" in document["error"]["message"]


def test_no_json_document_without_json(broken_corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "status", str(broken_corpus.root))
    assert code == 1 and out == ""
    assert "not valid JSON" in one_line_error(err)


def test_a_real_process_prints_one_line_and_no_traceback(broken_corpus: Corpus, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "new", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "export", str(broken_corpus.root), "--format", "jsonl",
         "--out", str(tmp_path / "o"), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert orjson.loads(result.stdout)["ok"] is False


def _choices(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def test_a_command_builds_its_own_parser_only() -> None:
    assert _choices(cli.build_parser("assign")) == ["assign"]
    assert _choices(cli.build_parser("import")) == ["import"]
    everything = ["open", "new", "import", "validate", "status", "agree", "assign", "export",
                  "evaluate", "suggest", "train", "sync", "schema"]
    # No command, --help, a module's own name and a typo get every choice to list.
    for first in (None, "--help", "import_", "asign"):
        assert _choices(cli.build_parser(first)) == everything


def test_an_unknown_command_still_lists_every_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["asign", "x"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'asign' (choose from 'open', 'new', 'import', 'validate'," in err


@pytest.mark.parametrize("command", [["suggest"], ["assign", "--annotators", "alice", "bob", "--order", "uncertain"]])
def test_a_model_option_naming_a_file_says_it_is_a_file(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """``--model`` takes the folder ``train`` writes: a file there is not "no such folder"
    (it exists), and nothing is written before the refusal."""
    add_text(corpus, "d1", "Title\nAlice met Bob.\n")
    model_file = tmp_path / "model.txt"
    model_file.write_text("tree\n", "utf-8")
    code, _, err = run(capsys, command[0], str(corpus.root), *command[1:], "--model", str(model_file))
    assert code == 2
    assert one_line_error(err) == (
        f"annotator: --model {model_file}: a file, not a model folder (the folder `annotator train` writes)"
    )
    assert not (corpus.root / "assignments.json").exists()
    assert not corpus.annotation_path(SUGGESTIONS, "d1").exists()
    code, _, err = run(capsys, command[0], str(corpus.root), *command[1:], "--model", str(tmp_path / "nope"))
    assert code == 2 and one_line_error(err) == f"annotator: --model {tmp_path / 'nope'}: no such folder"
