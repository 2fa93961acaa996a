"""``annotator suggest --dask ADDRESS``: the same files as the local path, from a Dask cluster."""

from __future__ import annotations

import gzip
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.model import SUGGESTIONS
from annotator.suggest import cluster
from tests.cli_helpers import one_line_error, run

distributed = pytest.importorskip("distributed")

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = [
    *sorted((FIXTURES / "bodies" / "html").glob("*.html.gz")),
    *sorted((FIXTURES / "suggest" / "aeb").glob("*.html.gz")),
]
_UPDATED_AT = re.compile(rb'"updated_at": *"[^"]*"')


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local cluster of one in-process worker (threads: fast to start, and the same
    code path through the scheduler: tasks, scattered state, results)."""
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as local:
        yield local.scheduler_address


@pytest.fixture
def pages_corpus(tmp_path: Path) -> Corpus:
    """Seven real pages imported with ``annotator import``, and a text document."""
    corpus = Corpus.create(tmp_path / "corpus", name="test")
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in PAGES:
        (folder / f"{path.name[:10]}.html").write_bytes(gzip.decompress(path.read_bytes()))
    (folder / "note.txt").write_text("Editorial note\n\n" + "A line of plain prose that reads on. " * 8 + "\n")
    assert main(["import", str(corpus.root), str(folder)]) == 0
    assert len(corpus.doc_ids()) == len(PAGES) + 1
    return corpus


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _suggestion_files(corpus: Corpus) -> dict[str, bytes]:
    """Each suggestions file's bytes with its write time blanked: the one field that
    differs between two runs."""
    folder = corpus.root / "annotations" / SUGGESTIONS
    return {p.name: _UPDATED_AT.sub(b'"updated_at":""', p.read_bytes()) for p in sorted(folder.glob("*.json"))}


def test_dask_gives_the_files_of_the_local_path(
    pages_corpus: Corpus, tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Corpus.open(shutil.copytree(pages_corpus.root, tmp_path / "copy"))
    code, out, _ = run(capsys, "suggest", str(pages_corpus.root), "--jobs", "1", "--json")
    assert code == 0
    local = _suggestion_files(pages_corpus)
    code, dask_out, err = run(capsys, "suggest", str(other.root), "--dask", scheduler, "--json")
    assert code == 0, err
    on_dask = _suggestion_files(other)
    assert len(local) == len(PAGES) + 1
    assert on_dask == local
    # The same report too (apart from the time it took).
    def summary(raw: str) -> dict[str, object]:
        return {k: v for k, v in orjson.loads(raw).items() if k not in ("seconds", "pages_per_second")}

    assert summary(dask_out) == summary(out)
    assert summary(out)["methods"] == {"extractor": 7, "text": 1}
    # Files are valid suggestions for their documents, written where the local path writes.
    for doc_id in other.doc_ids():
        loaded = other.load_annotation(SUGGESTIONS, doc_id)
        assert loaded is not None and loaded.problems == ()


def test_dask_with_docs_and_only(
    pages_corpus: Corpus, tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Corpus.open(shutil.copytree(pages_corpus.root, tmp_path / "copy"))
    ids = sorted(pages_corpus.doc_ids())[:3]
    args = ["--docs", *ids, "--only", "boilerplate,title"]
    assert run(capsys, "suggest", str(pages_corpus.root), "--jobs", "1", *args)[0] == 0
    assert run(capsys, "suggest", str(other.root), "--dask", scheduler, *args)[0] == 0
    assert sorted(_suggestion_files(other)) == [f"{d}.json" for d in ids]
    assert _suggestion_files(other) == _suggestion_files(pages_corpus)


def test_a_broken_suggestions_file_is_reported_and_kept(
    pages_corpus: Corpus, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_id = sorted(pages_corpus.doc_ids())[2]
    broken = pages_corpus.annotation_path(SUGGESTIONS, doc_id)
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"{not json")
    code, _, err = run(capsys, "suggest", str(pages_corpus.root), "--dask", scheduler)
    assert code == 1
    assert broken.read_bytes() == b"{not json"
    assert len(_suggestion_files(pages_corpus)) == len(PAGES) + 1  # the others are written
    assert str(broken) in err


def test_an_unreachable_scheduler_writes_nothing(pages_corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(pages_corpus.root)
    code, out, err = run(
        capsys, "suggest", str(pages_corpus.root), "--dask", "tcp://127.0.0.1:9", "--dask-timeout", "0.5"
    )
    assert code == 2 and out == ""
    assert one_line_error(err) == (
        "annotator: --dask tcp://127.0.0.1:9: cannot reach the Dask scheduler: "
        "Timed out trying to connect to tcp://127.0.0.1:9 after 0.5 s"
    )
    assert _tree(pages_corpus.root) == before


def test_a_bad_address_writes_nothing(pages_corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(pages_corpus.root)
    code, _, err = run(capsys, "suggest", str(pages_corpus.root), "--dask", "ftp://example.org")
    assert code == 2
    assert one_line_error(err).startswith(
        "annotator: --dask ftp://example.org: cannot reach the Dask scheduler: unknown address scheme 'ftp'"
    )
    assert _tree(pages_corpus.root) == before


def test_without_the_extra_one_line_and_nothing_written(
    pages_corpus: Corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    before = _tree(pages_corpus.root)
    code, _, err = run(capsys, "suggest", str(pages_corpus.root), "--dask", "local")
    assert code == 2
    assert one_line_error(err) == (
        "annotator: --dask needs the extra dask: pip install 'article-annotator[dask]'"
    )
    assert _tree(pages_corpus.root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dask-timeout", "3"], "--dask-timeout needs --dask"),
        (["--dask", "local", "--dask-timeout", "0"], "--dask-timeout must be a number of seconds above 0, not 0.0"),
    ],
)
def test_timeout_usage(corpus: Corpus, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, _, err = run(capsys, "suggest", str(corpus.root), *args)
    assert code == 2 and one_line_error(err) == f"annotator: {message}"


def test_a_failing_worker_stops_the_run_with_one_line(
    pages_corpus: Corpus, scheduler: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker that cannot run the engine (say, without article-annotator) ends the run
    with the document and the reason, not a traceback per task."""
    failing = sorted(pages_corpus.doc_ids())[0]
    real = cluster.suggest_document

    def broken(state: dict[str, object], scheme: object, doc: object, site: str) -> object:
        if doc.doc_id == failing:  # type: ignore[attr-defined]
            raise ModuleNotFoundError("No module named 'annotator'")
        return real(state, scheme, doc, site)  # type: ignore[arg-type]

    # The in-process worker runs this module's function: the patch reaches it.
    monkeypatch.setattr(cluster, "suggest_document", broken)
    code, _, err = run(capsys, "suggest", str(pages_corpus.root), "--dask", scheduler)
    assert code == 1
    assert one_line_error(err) == (
        f"annotator: {pages_corpus.root}: the Dask cluster failed on document {failing}: "
        "ModuleNotFoundError: No module named 'annotator'"
    )
    assert f"{failing}.json" not in _suggestion_files(pages_corpus)


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_dask_local_starts_its_own_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--dask local``: a cluster of --jobs worker processes on this machine."""
    corpus = Corpus.create(tmp_path / "corpus", name="test")
    page = tmp_path / "page.html"
    page.write_bytes(gzip.decompress(PAGES[0].read_bytes()))
    assert main(["import", str(corpus.root), str(page)]) == 0
    other = Corpus.open(shutil.copytree(corpus.root, tmp_path / "copy"))
    assert run(capsys, "suggest", str(corpus.root), "--jobs", "1")[0] == 0
    code, _, err = run(capsys, "suggest", str(other.root), "--dask", "local", "--jobs", "1")
    assert code == 0, err
    assert "suggested 1 of 1 document(s)" in err
    assert _suggestion_files(other) == _suggestion_files(corpus) != {}


def test_dask_with_a_trained_model(tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The model goes to the workers loaded (pickled once, not read from the model folder)."""
    pytest.importorskip("lightgbm")
    root = tmp_path / "corpus"
    bodies = FIXTURES / "bodies"
    assert run(capsys, "new", str(root))[0] == 0
    assert run(capsys, "import", str(root), str(bodies / "html"), "--bodies", str(bodies / "ground-truth.json"))[0] == 0
    assert run(capsys, "train", str(root), "--jobs", "1")[0] == 0
    corpus, other = Corpus.open(root), Corpus.open(shutil.copytree(root, tmp_path / "copy"))
    code, out, _ = run(capsys, "suggest", str(root), "--jobs", "1", "--json")
    assert code == 0 and orjson.loads(out)["methods"] == {"model": 4}
    code, out, err = run(capsys, "suggest", str(other.root), "--dask", scheduler, "--json")
    assert code == 0, err
    assert orjson.loads(out)["methods"] == {"model": 4}
    assert _suggestion_files(other) == _suggestion_files(corpus)
