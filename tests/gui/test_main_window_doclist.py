"""The document list opens a big corpus without reading its documents."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.gui.doc_list import DocumentFilter, DocumentListModel
from annotator.model import DocumentMeta
from annotator.rules import sha256_text

pytestmark = pytest.mark.gui

N = 1000


@pytest.fixture
def big(tmp_path: Path) -> Corpus:
    corpus = Corpus.create(tmp_path / "big", name="big")
    text = "A page.\n"
    template = DocumentMeta(
        doc_id="doc00000", text_sha256=sha256_text(text), chars=len(text), source="x",
        source_format="txt", title="Title 00000",
    ).model_dump_json()
    for i in range(N):
        doc_id = f"doc{i:05d}"
        # Written directly (no fsync per file): the set-up of a big corpus must stay quick.
        (corpus.documents_dir / f"{doc_id}.meta.json").write_text(template.replace("00000", f"{i:05d}"))
        (corpus.documents_dir / f"{doc_id}.txt").write_text(text)
    for i, status in ((7, "done"), (8, "skipped"), (9, "done")):
        annotation = corpus.new_annotation("tester", f"doc{i:05d}", text)
        annotation.status = status  # type: ignore[assignment]
        corpus.save_annotation(annotation)
    return corpus


def test_rows_are_read_lazily_and_never_the_texts(qtbot, big: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Corpus, "read_text", lambda *_: pytest.fail("the list read a document text"))
    reads: list[Path] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    model = DocumentListModel(big, "tester")
    assert model.rowCount() == N and reads == []
    assert model.index(5, 1).data() == "Title 00005"
    assert [p.name for p in reads] == ["doc00005.meta.json"]
    assert model.index(7, 2).data() == "done"
    assert model.counts()["done"] == 1  # only doc 7 is read so far: the fill counts the rest
    model.fill_all()
    assert model.counts() == {"todo": N - 3, "in_progress": 0, "done": 2, "skipped": 1}
    assert not any(p.suffix == ".txt" for p in reads)

    proxy = DocumentFilter()
    proxy.setSourceModel(model)
    proxy.set_status("done")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["doc00007", "doc00009"]
    proxy.set_status(None)
    proxy.set_text("title 0099")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == [f"doc0099{i}" for i in range(10)]


def test_status_of_the_open_document_updates_the_count(qtbot, big: Corpus) -> None:
    model = DocumentListModel(big, "tester")
    model.fill_all()
    with qtbot.waitSignal(model.progressChanged):
        model.update_doc("doc00001", "done", 4)
    assert model.counts()["done"] == 3
    assert model.index(1, 3).data() == 4
    assert orjson.loads(big.annotation_path("tester", "doc00007").read_bytes())["status"] == "done"
