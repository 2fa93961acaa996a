"""The editing lock against faults: a stray ``rm`` of the lock files, a holder killed, the
folder moved away while locked. Every holder and contender is a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import orjson
import pytest

from annotator.corpus import Corpus, LockedError
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and flock are POSIX")

HOLD = """
import sys
from annotator.corpus import Corpus
lock = Corpus.open(sys.argv[1]).lock(sys.argv[2]).acquire()
print("held", flush=True)
sys.stdin.readline()
lock.release()
"""

TRY = """
import sys
from annotator.corpus import Corpus, LockedError
try:
    Corpus.open(sys.argv[1]).lock(sys.argv[2]).acquire()
except LockedError as exc:
    print(exc)
    sys.exit(3)
print("acquired")
"""


def try_lock(corpus: Corpus, who: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRY, str(corpus.root), who], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def holder(seed_corpus: Corpus) -> Iterator[subprocess.Popen[str]]:
    """Another process holding alice's lock until its stdin gets a line."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(seed_corpus.root), "alice"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.wait(timeout=30) == 0


def test_locked_error_names_the_holders_pid_and_host(seed_corpus: Corpus, holder: subprocess.Popen[str]) -> None:
    result = try_lock(seed_corpus, "alice")
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"process {holder.pid} on {socket.gethostname()}" in result.stdout
    with pytest.raises(LockedError, match=f"process {holder.pid} on {socket.gethostname()}"):
        seed_corpus.lock("alice").acquire()
    assert try_lock(seed_corpus, "bob").returncode == 0  # other annotators are free
    release(holder)
    assert try_lock(seed_corpus, "alice").returncode == 0


def test_a_stray_rm_of_the_lock_files_lets_no_second_writer_in(
    seed_corpus: Corpus, holder: subprocess.Popen[str]
) -> None:
    folder = seed_corpus.annotator_dir("alice")
    removed = [p for p in folder.iterdir() if p.name.startswith(".lock")]
    for path in removed:
        path.unlink()
    assert not any(p.name.startswith(".lock") for p in folder.iterdir())
    result = try_lock(seed_corpus, "alice")
    assert result.returncode == 3, f"a second process got in: {result.stdout}{result.stderr}"
    # Without the owner file the name is lost, not the exclusion.
    assert "being edited by another process" in result.stdout
    with pytest.raises(LockedError):
        seed_corpus.lock("alice").acquire()
    release(holder)
    assert try_lock(seed_corpus, "alice").returncode == 0


def test_a_killed_holder_frees_the_lock_and_leaves_its_name(
    seed_corpus: Corpus, holder: subprocess.Popen[str]
) -> None:
    owner = seed_corpus.lock("alice").owner_path
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    # What the app reads before locking to say "the last session did not close properly".
    info = orjson.loads(owner.read_bytes())
    assert (info["pid"], info["host"]) == (holder.pid, socket.gethostname())
    with seed_corpus.lock("alice") as lock:
        assert lock.held
        assert orjson.loads(owner.read_bytes())["pid"] == os.getpid()
    assert not owner.exists()


def test_a_folder_moved_away_while_locked_is_locked_again_at_the_next_save(seed_corpus: Corpus) -> None:
    folder = seed_corpus.annotator_dir("alice")
    with seed_corpus.lock("alice"):
        folder.rename(folder.with_name("alice.old"))
        ann = seed_corpus.new_annotation("alice", "seed")
        seed_corpus.save_annotation(ann)  # writes into a new alice/, locked again first
        result = try_lock(seed_corpus, "alice")
        assert result.returncode == 3, f"the new folder was not locked: {result.stdout}{result.stderr}"
        assert f"process {os.getpid()}" in result.stdout
    assert try_lock(seed_corpus, "alice").returncode == 0
    assert seed_corpus.load_annotation("alice", "seed") is not None


def test_a_save_refuses_when_another_process_locked_the_replaced_folder(seed_corpus: Corpus) -> None:
    folder = seed_corpus.annotator_dir("alice")
    with seed_corpus.lock("alice"):
        folder.rename(folder.with_name("alice.old"))
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(seed_corpus.root), "alice"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None and proc.stdout.readline() == "held\n"
            ann = seed_corpus.new_annotation("alice", "seed")
            with pytest.raises(LockedError, match=f"process {proc.pid}"):
                seed_corpus.save_annotation(ann)
            assert not seed_corpus.annotation_path("alice", "seed").exists()
            release(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
