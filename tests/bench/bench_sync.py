"""`annotator sync` against the bare git commands it runs (not a test: a table).

Run: .venv/bin/python tests/bench/bench_sync.py [--docs 100000] [--changed 1000] [--rounds 3]

A corpus of ``--docs`` documents (written directly, as bench_startup.py does), made a git
repository by ``init_repository`` and pushed to a local bare remote. Each round rewrites
``--changed`` annotation files of one annotator (alice), then either syncs them:

- the floor: ``git add`` of those files (their names on stdin), ``git commit``,
  ``git pull --rebase``, ``git push``: what a person would type;
- ``annotator.sync.sync(root, "alice")`` in this process: the same git work plus its checks
  (identity, the editing lock, journals, the state kept to restore on a conflict, only
  alice's files).

The two alternate, which one goes first alternating too; one warm-up round of each is not
counted. Medians of the rounds. The issue's target (#13): at most 1.5x the bare commands.
Setting up 100,000 documents (200,000 files committed and pushed) takes about 1.5 minutes, and
removing them at the end a few more; the table is printed before that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_startup import big_corpus  # noqa: E402

from annotator.corpus import Corpus  # noqa: E402
from annotator.sync import init_repository, sync  # noqa: E402

TARGET = 1.5
ANNOTATOR = "alice"


def git(cwd: Path, *args: str, input: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=cwd, input=input, check=True, capture_output=True)


def identity(home: Path) -> None:
    """A git configured by the environment alone: the machine's own config plays no part."""
    home.mkdir()
    (home / ".gitconfig").write_text("")
    os.environ.update({
        "HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": ANNOTATOR, "GIT_AUTHOR_EMAIL": f"{ANNOTATOR}@example.org",
        "GIT_COMMITTER_NAME": ANNOTATOR, "GIT_COMMITTER_EMAIL": f"{ANNOTATOR}@example.org",
    })


def setup(tmp: Path, docs: int) -> Path:
    root = big_corpus(tmp / "big", docs)
    init_repository(root)
    remote = tmp / "remote.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "HEAD:refs/heads/main")
    return root


class Changes:
    """Rewrites the annotator's files with a new ``updated_at`` each round (the bytes git
    sees change; rendered once from the model, then patched, so that writing is cheap)."""

    def __init__(self, root: Path, count: int) -> None:
        corpus = Corpus.open(root)
        self.ids = corpus.doc_ids()[:count]
        self.folder = corpus.annotator_dir(ANNOTATOR)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.template = corpus.new_annotation(ANNOTATOR, self.ids[0]).to_json_bytes().decode()
        self.stamp = corpus.new_annotation(ANNOTATOR, self.ids[0]).updated_at
        self.round = 0
        self.names = [f"annotations/{ANNOTATOR}/{doc_id}.json" for doc_id in self.ids]

    def write(self) -> None:
        self.round += 1
        stamp = f"2030-01-01T00:{self.round // 60:02d}:{self.round % 60:02d}Z"
        text = self.template.replace(self.stamp, stamp)
        for doc_id in self.ids:
            (self.folder / f"{doc_id}.json").write_text(text.replace(self.ids[0], doc_id))


def bare(root: Path, changes: Changes) -> float:
    listing = "".join(f"{n}\n" for n in changes.names).encode()
    t = time.perf_counter()
    git(root, "add", "--pathspec-from-file=-", input=listing)
    git(root, "commit", "-q", "-m", f"round {changes.round}")
    git(root, "pull", "-q", "--rebase")
    git(root, "push", "-q")
    return time.perf_counter() - t


def annotator_sync(root: Path, changes: Changes) -> float:
    t = time.perf_counter()
    result = sync(root, ANNOTATOR)
    elapsed = time.perf_counter() - t
    assert result.committed == len(changes.ids) and result.pushed, result
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        identity(tmp / "home")
        t = time.perf_counter()
        root = setup(tmp, args.docs)
        changes = Changes(root, min(args.changed, args.docs))
        print(f"set-up: {time.perf_counter() - t:.1f} s", file=sys.stderr)
        floors, costs = [], []
        for n in range(args.rounds + 1):
            order = (bare, annotator_sync) if n % 2 else (annotator_sync, bare)
            for run in order:
                changes.write()
                elapsed = run(root, changes)
                if n:  # round 0 warms caches and imports
                    (floors if run is bare else costs).append(elapsed)
        floor, cost = statistics.median(floors), statistics.median(costs)
        ratio = cost / floor
        print(f"\n`annotator sync` of {len(changes.ids):,} changed annotation files in a corpus of "
              f"{args.docs:,} documents (median of {args.rounds})\n")
        print("| measure | seconds | ratio | target |")
        print("|---|---:|---:|---|")
        print(f"| git add + commit + pull --rebase + push (the floor) | {floor:.3f} | 1.00 | |")
        print(f"| annotator sync --annotator {ANNOTATOR} | {cost:.3f} | {ratio:.2f} | <= {TARGET:g}x "
              f"({'met' if ratio <= TARGET else 'NOT met'}) |")


if __name__ == "__main__":
    main()
