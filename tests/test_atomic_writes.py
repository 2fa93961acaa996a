"""Every atomic writer of the corpus follows the whole protocol (README "Files", ADR 2):
temporary file beside the target, fsync of that file, rename over the target, fsync of the
folder, in that order.

The system calls are recorded, not guessed: ``os.fsync`` is wrapped to note which file or
folder each descriptor is (device and inode from ``fstat``), ``os.replace`` to note each
rename with the inode of its source. A writer that skips one step, reorders two, or makes
its temporary file elsewhere (``/tmp``: the rename is then a copy, or fails, across file
systems) fails here even though the file it leaves looks right.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus, atomic_write_bytes
from annotator.model import DocumentMeta
from annotator.rules import sha256_text

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fsync of a folder is POSIX")


@dataclass(frozen=True)
class Fsync:
    dev: int
    ino: int
    is_dir: bool


@dataclass(frozen=True)
class Replace:
    src: Path
    dst: Path
    #: (device, inode) of the source at the moment of the rename: the file that was fsynced.
    src_id: tuple[int, int]


Event = Fsync | Replace


def _record(monkeypatch: pytest.MonkeyPatch, events: list[Event]) -> None:
    """Append each fsync and rename made from now on to ``events``."""
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        events.append(Fsync(st.st_dev, st.st_ino, stat.S_ISDIR(st.st_mode)))
        real_fsync(fd)

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        st = os.stat(src)
        events.append(Replace(Path(src), Path(dst), (st.st_dev, st.st_ino)))
        real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)


@pytest.fixture
def syscalls(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """The fsyncs and renames made while the test runs, in order."""
    events: list[Event] = []
    _record(monkeypatch, events)
    return events


def assert_atomic(events: list[Event], target: Path, times: int = 1) -> None:
    """``target`` was written ``times`` times, each by the whole protocol, steps in order."""
    renames = [i for i, e in enumerate(events) if isinstance(e, Replace) and e.dst == target]
    assert len(renames) == times, f"{target} was not renamed into place {times} time(s): {events}"
    folder = os.stat(target.parent)
    bounds = [-1, *renames, len(events)]
    for n, at in enumerate(renames):
        rename = events[at]
        assert isinstance(rename, Replace)
        before, after = events[bounds[n] + 1 : at], events[at + 1 : bounds[n + 2]]
        # (c) beside the target: a rename within one folder is atomic, across file systems
        # it is not (or fails with EXDEV).
        assert rename.src.parent == target.parent, f"temporary file made in {rename.src.parent}"
        assert rename.src.name.startswith(f".{target.name}.") and rename.src.name.endswith(".tmp")
        # (a) the temporary file's data reached the disk before it took the target's name:
        # otherwise a power cut can leave the name on an empty or partial file.
        synced = [e for e in before if isinstance(e, Fsync) and not e.is_dir and (e.dev, e.ino) == rename.src_id]
        assert synced, f"the temporary file of {target.name} was not fsynced before its rename"
        # (b) the folder after the rename: that makes the rename itself durable.
        dir_synced = [
            e for e in after if isinstance(e, Fsync) and e.is_dir and (e.dev, e.ino) == (folder.st_dev, folder.st_ino)
        ]
        assert dir_synced, f"the folder of {target.name} was not fsynced after its rename"
    # And the file at the target is the last one fsynced and renamed.
    st = os.stat(target)
    last = events[renames[-1]]
    assert isinstance(last, Replace) and (st.st_dev, st.st_ino) == last.src_id


def test_atomic_write_bytes_fsyncs_the_file_renames_then_fsyncs_the_folder(
    tmp_path: Path, syscalls: list[Event]
) -> None:
    target = tmp_path / "sub" / "file.json"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new contents")  # over an existing file, too
    assert target.read_bytes() == b"new contents"
    assert_atomic(syscalls, target, times=2)
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]  # no temporary left


def _sample_meta(doc_id: str, text: str) -> DocumentMeta:
    return DocumentMeta(
        doc_id=doc_id, text_sha256=sha256_text(text), chars=len(text), source="test", source_format="html"
    )


def _create(root: Path, events: list[Event]) -> None:
    corpus = Corpus.create(root)
    assert_atomic(events, corpus.root / "corpus.json")


def _add_document(root: Path, events: list[Event]) -> None:
    corpus = Corpus.open(root)
    text = "A text.\n"
    corpus.add_document(text, _sample_meta("d", text), html_gz=b"\x1f\x8b not really gzip")
    for target in (corpus.html_path("d"), corpus.text_path("d"), corpus.meta_path("d")):
        assert_atomic(events, target)


def _save_annotation(root: Path, events: list[Event]) -> None:
    corpus = Corpus.open(root)
    text = "A text.\n"
    corpus.add_document(text, _sample_meta("d", text))
    ann = corpus.new_annotation("alice", "d")
    mtime = corpus.save_annotation(ann)
    ann.status = "in_progress"
    corpus.save_annotation(ann, expected_mtime_ns=mtime)  # the checked path, over a file
    assert_atomic(events, corpus.annotation_path("alice", "d"), times=2)


def _lock_owner(root: Path, events: list[Event]) -> None:
    with Corpus.open(root).lock("alice") as lock:
        assert_atomic(events, lock.owner_path)


#: Each writer of corpus.py, run and checked for every file it writes.
WRITERS: dict[str, Callable[[Path, list[Event]], None]] = {
    "Corpus.create": _create,
    "Corpus.add_document": _add_document,
    "Corpus.save_annotation": _save_annotation,
    "AnnotatorLock owner file": _lock_owner,
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_corpus_writer_is_atomic(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    if name != "Corpus.create":
        Corpus.create(root)
    events: list[Event] = []
    _record(monkeypatch, events)
    WRITERS[name](root, events)


def test_the_temporary_file_is_made_in_the_target_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked at the source too: where ``mkstemp`` is asked to create the temporary file."""
    folders: list[Path] = []
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        folders.append(Path(name).parent)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    target = tmp_path / "deep" / "file.bin"
    atomic_write_bytes(target, b"x" * 100)
    assert folders == [target.parent]
    assert target.read_bytes() == b"x" * 100


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.json"
    atomic_write_bytes(target, b"old")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]
