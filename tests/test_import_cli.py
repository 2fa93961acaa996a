"""Document ids, folders, duplicates, and the `annotator import` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.importers import InputError, file_stem, import_paths, sanitise_id
from annotator.importers.ids import IdAllocator
from annotator.model import is_valid_name
from annotator.rules import sha256_text
from tests.conftest import SEED_PATH


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_2c3ea0c0f783ca12", "000_2c3ea0c0f783ca12"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", ""),
        ("기사 1", "1"),
        ("한국어", ""),
        ("my  page (final)", "my-page-final-"),
        ("--x", "x"),
        ("a" * 200, "a" * 120),
        ("C:\\Windows\\x", "C-Windows-x"),
    ],
)
def test_sanitise_id(name: str, expected: str) -> None:
    assert sanitise_id(name) == expected


@pytest.mark.parametrize(
    ("file", "stem"),
    [("a.txt", "a"), ("a.HTML", "a"), ("a.htm", "a"), ("a.html.gz", "a"), ("x.y.jsonl", "x.y")],
)
def test_file_stem(file: str, stem: str) -> None:
    assert file_stem(Path("dir") / file) == stem


def test_taken_ids_get_a_suffix_ignoring_case() -> None:
    ids = IdAllocator(["doc"])
    sha = sha256_text("x")
    assert [ids.allocate(n, sha) for n in ("doc", "Doc", "doc", "", "con", "con.x")] == [
        "doc-2", "Doc-3", "doc-4", f"doc-{sha[:12]}", "con-2", "con-x",
    ]


def test_seed_file_keeps_its_name_as_id(corpus: Corpus, tmp_path: Path) -> None:
    report = import_paths(corpus, [SEED_PATH])
    assert [d.doc_id for d in report.documents] == ["000_2c3ea0c0f783ca12"]
    meta = corpus.read_meta("000_2c3ea0c0f783ca12")
    assert (meta.encoding, meta.source_format, meta.source) == ("utf-8", "txt", str(SEED_PATH))


def test_hostile_names_give_safe_ids_inside_documents(corpus: Corpus, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    (inputs / "a" / "b").mkdir(parents=True)
    (inputs / "etc").mkdir()
    (inputs / "etc" / "passwd.txt").write_text("passwd text", "utf-8")
    (inputs / "기사 1.txt").write_text("korean name", "utf-8")
    (inputs / "한국.txt").write_text("all korean name", "utf-8")
    (inputs / "with space.html").write_text("<p>space name</p>", "utf-8")
    jsonl = inputs / "lines.jsonl"
    jsonl.write_text(
        "\n".join(
            json.dumps({"id": i, "text": f"line {n}"})
            for n, i in enumerate(["../../etc/passwd", "..", "/abs/path", "..\\..\\win", "ok"])
        ),
        "utf-8",
    )
    hostile_path = inputs / "a" / "b" / ".." / ".." / "etc" / "passwd.txt"
    report = import_paths(corpus, [hostile_path, inputs / "기사 1.txt", inputs / "한국.txt", inputs / "with space.html", jsonl])
    assert report.problems == []
    ids = [d.doc_id for d in report.documents]
    assert ids == [
        "passwd",
        "1",
        f"doc-{sha256_text('all korean name')[:12]}",
        "with-space",
        "etc-passwd",
        f"doc-{sha256_text('line 1')[:12]}",
        "abs-path",
        "win",
        "ok",
    ]
    assert all(is_valid_name(i) for i in ids)
    written = {p.relative_to(corpus.root).parts[0] for p in corpus.root.rglob("*") if p.is_file()}
    assert written == {"corpus.json", "documents"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "in"]


def test_folders_recurse_in_sorted_order_skipping_hidden_and_unknown(corpus: Corpus, tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "b_sub").mkdir(parents=True)
    (root / "a_sub").mkdir()
    (root / ".hidden_dir").mkdir()
    (root / "z.txt").write_text("z", "utf-8")
    (root / "b_sub" / "y.txt").write_text("y", "utf-8")
    (root / "a_sub" / "x.htm").write_text("<p>x</p>", "utf-8")
    (root / "a_sub" / "notes.md").write_text("not imported", "utf-8")
    (root / ".secret.txt").write_text("hidden file", "utf-8")
    (root / ".hidden_dir" / "h.txt").write_text("hidden folder", "utf-8")
    report = import_paths(corpus, [root])
    assert [Path(d.source).relative_to(root).as_posix() for d in report.documents] == [
        "z.txt", "a_sub/x.htm", "b_sub/y.txt",
    ]
    assert [Path(s.path).name for s in report.skipped] == ["notes.md"]
    assert report.problems == []
    assert corpus.doc_ids() == ["x", "y", "z"]


def test_duplicates_are_skipped_within_and_across_runs(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("same text", "utf-8")
    (tmp_path / "two.txt").write_bytes("same text".encode("utf-16"))  # other bytes, same text
    (tmp_path / "three.txt").write_text("other text", "utf-8")
    first = import_paths(corpus, [tmp_path])
    assert (first.imported, first.skipped_duplicates) == (2, 1)
    assert [s.message for s in first.skipped] == ["skipped: same text as document one"]
    second = import_paths(corpus, [tmp_path])
    assert (second.imported, second.skipped_duplicates, second.problems) == (0, 3, [])
    assert corpus.doc_ids() == ["one", "three"]


def test_progress_is_reported_per_document(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", "utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "b1"}\n{"text": "b2"}\n', "utf-8")
    calls: list[tuple[int, int]] = []
    import_paths(corpus, [tmp_path], on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_bad_usage_raises_before_anything_is_written(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", "utf-8")
    with pytest.raises(InputError, match="no such file"):
        import_paths(corpus, [tmp_path / "a.txt", tmp_path / "missing.txt"])
    with pytest.raises(InputError, match="inside the corpus"):
        import_paths(corpus, [corpus.root / "documents"])
    with pytest.raises(InputError, match="unknown encoding"):
        import_paths(corpus, [tmp_path], encoding="no-such-codec")
    with pytest.raises(InputError, match="annotator name"):
        import_paths(corpus, [tmp_path], annotator="../x")
    assert corpus.doc_ids() == []


def test_a_second_import_at_the_same_time_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", "utf-8")
    with FileLock(str(corpus.documents_dir / ".import.lock")), pytest.raises(InputError, match="another import"):
        import_paths(corpus, [tmp_path])
    assert import_paths(corpus, [tmp_path]).imported == 1


# --------------------------------------------------------------------------- the command


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_imports_and_reports(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED_PATH, src)
    (src / "readme.md").write_text("x", "utf-8")
    code, out, err = _run(capsys, str(corpus.root), str(src))
    assert code == 0
    assert out == ""
    assert "imported 1 document(s)" in err and "0 problem(s)" in err
    assert "readme.md: skipped: unknown file type" in err
    assert corpus.doc_ids() == ["000_2c3ea0c0f783ca12"]


def test_cli_json_and_exit_1_on_problems(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.txt").write_text("good", "utf-8")
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{oops\n', "utf-8")
    code, out, err = _run(capsys, str(corpus.root), str(tmp_path / "good.txt"), str(tmp_path / "bad.jsonl"), "--json")
    assert code == 1
    report = json.loads(out)
    assert (report["ok"], report["imported"], report["skipped_duplicates"]) == (False, 2, 0)
    assert [d["id"] for d in report["documents"]] == ["good", "bad-1"]
    assert [(p["path"], p["line"]) for p in report["problems"]] == [(str(tmp_path / "bad.jsonl"), 2)]
    assert "bad.jsonl:2: not valid JSON" in err
    # Run again: everything is a duplicate except the bad line.
    code, out, _ = _run(capsys, str(corpus.root), str(tmp_path), "--json")
    assert code == 1
    assert json.loads(out)["skipped_duplicates"] == 2


@pytest.mark.parametrize(
    "extra",
    [
        ["MISSING"],
        ["IN", "--encoding", "nope"],
        ["IN", "--annotator", "a/b"],
    ],
)
def test_cli_bad_usage_exits_2(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("a", "utf-8")
    args = [str(tmp_path / "in") if a == "IN" else str(tmp_path / "missing") if a == "MISSING" else a for a in extra]
    code, out, err = _run(capsys, str(corpus.root), *args)
    assert code == 2
    assert out == ""
    assert err.startswith("annotator: ")
    assert corpus.doc_ids() == []


def test_cli_missing_corpus_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, str(tmp_path / "nope"), str(SEED_PATH))
    assert code == 2
    assert "no such folder" in err
    with pytest.raises(SystemExit) as exc:
        main(["import", str(tmp_path)])  # no PATH at all
    assert exc.value.code == 2


def test_gzipped_txt_and_jsonl_and_a_broken_gz(corpus: Corpus, tmp_path: Path) -> None:
    import gzip

    (tmp_path / "a.txt.gz").write_bytes(gzip.compress("기자 뉴스".encode("cp949")))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"id": "b1", "text": "from gz"}\n'))
    (tmp_path / "c.html.gz").write_bytes(b"not gzip at all")
    report = import_paths(corpus, [tmp_path])
    assert [d.doc_id for d in report.documents] == ["a", "b1"]
    assert corpus.read_text("a") == "기자 뉴스"
    assert [(Path(p.path).name, p.message.split(":")[0]) for p in report.problems] == [
        ("c.html.gz", "not a valid gzip file")
    ]


def test_symlink_loop_is_walked_once(corpus: Corpus, tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("a", "utf-8")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    report = import_paths(corpus, [root])
    assert (report.imported, report.problems) == (1, [])


def test_timezone_is_recorded_and_dates_marked_later_carry_it(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.session import DocumentSession

    (tmp_path / "kr.txt").write_text("기사입력 : 2020년06월03일 09:03\n본문", "utf-8")
    (tmp_path / "plain.txt").write_text("Posted 2020-06-03 09:03\nbody", "utf-8")
    assert main(["import", str(corpus.root), str(tmp_path / "kr.txt"), "--timezone", "Asia/Seoul"]) == 0
    assert main(["import", str(corpus.root), str(tmp_path / "plain.txt")]) == 0
    assert corpus.read_meta("kr").extra == {"timezone": "Asia/Seoul"}
    assert corpus.read_meta("plain").extra == {}

    def marked_date(doc_id: str, needle: str) -> object:
        session = DocumentSession.open(corpus, "alice", doc_id)
        start = session.text.index(needle)
        _change, span_id = session.mark("article", 0, len(session.text))
        _change, span_id = session.mark("date", start, start + len(needle))
        return session.span(span_id).attrs.get("value")  # type: ignore[union-attr]

    # The zone comes from the corpus only where it was given; it is never invented.
    assert marked_date("kr", "2020년06월03일 09:03") == "2020-06-03T09:03+09:00"
    assert marked_date("plain", "2020-06-03 09:03") == "2020-06-03T09:03"


def test_an_unknown_timezone_is_refused_before_anything_is_written(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("text", "utf-8")
    capsys.readouterr()
    assert main(["import", str(corpus.root), str(tmp_path / "a.txt"), "--timezone", "Mars/Olympus"]) == 2
    err = capsys.readouterr().err
    assert "--timezone 'Mars/Olympus' is not a time zone" in err and "Traceback" not in err
    assert corpus.doc_ids() == []


def test_a_binary_file_given_as_jsonl_reports_a_few_lines_and_counts_the_rest(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"\xff\xfe not json\n" * 500)
    capsys.readouterr()
    assert main(["import", str(corpus.root), str(junk)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len([line for line in err if line.startswith(f"{junk}:") and "not valid JSON" in line]) == 20
    assert f"{junk}: 480 more like these (--json lists every one)" in err
    assert err[-1].endswith("0 document(s) into " + str(corpus.root) + "; skipped 0 duplicate(s); 500 problem(s)")
    assert corpus.doc_ids() == []
    # --json still lists every problem.
    assert main(["import", str(corpus.root), str(junk), "--json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["problems"]) == 500
