"""Suggestion speed on 1,000 real pages, one process against all cores.

    .venv/bin/python tests/bench/bench_suggest.py [--pages 1000] [--jobs N]

The pages are the real HTML pages of tests/fixtures/suggest/ (article-extraction-benchmark
and readability samples) and the Korean seed page, copied until there are ``--pages``
documents; each copy gets one extra paragraph so that the importer does not skip it as
a duplicate. Prints a table of pages per second and the ratio to one process, all
measured in this run.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.cli import main as cli  # noqa: E402
from annotator.corpus import Corpus  # noqa: E402
from annotator.model import SUGGESTIONS  # noqa: E402
from annotator.suggest import suggest_corpus  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "suggest"
SEED = ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt"


def sources() -> list[tuple[str, bytes]]:
    pages = [(p.name.split(".")[0][:12], gzip.decompress(p.read_bytes())) for p in sorted(FIXTURES.glob("aeb/*.html.gz"))]
    pages += [(p.parent.name, gzip.decompress(p.read_bytes())) for p in sorted(FIXTURES.glob("readability/*/source.html.gz"))]
    return pages


def build(folder: Path, n: int) -> Corpus:
    corpus = Corpus.create(folder / "corpus", name="bench")
    staged = folder / "pages"
    staged.mkdir()
    pages = sources()
    seed = SEED.read_text("utf-8")
    for i in range(n):
        if i % (len(pages) + 1) == len(pages):
            (staged / f"{i:05d}_seed.txt").write_text(f"{seed}\n벤치마크 사본 {i}번\n", "utf-8")
            continue
        name, html = pages[i % (len(pages) + 1)]
        marker = f"<p>Benchmark copy number {i}.</p></body>".encode()
        (staged / f"{i:05d}_{name}.html").write_bytes(html.replace(b"</body>", marker, 1))
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        code = cli(["import", str(corpus.root), str(staged)])
    finally:
        sys.stdout = saved
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    return corpus


def run(corpus: Corpus, jobs: int) -> float:
    for path in corpus.annotator_dir(SUGGESTIONS).glob("*.json"):
        path.unlink()
    started = time.perf_counter()
    report = suggest_corpus(corpus, jobs=jobs)
    seconds = time.perf_counter() - started
    if report.problems or report.written != len(corpus.doc_ids()):
        raise SystemExit(f"suggest failed: {report.problems[:3]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build(Path(tmp), args.pages)
        n = len(corpus.doc_ids())
        rows = []
        for jobs in sorted({1, args.jobs}):
            seconds = run(corpus, jobs)
            rows.append((jobs, seconds, n / seconds))
    base = rows[0][2]
    print(f"suggest on {n} pages ({os.cpu_count()} CPUs)")
    print("| jobs | seconds | pages/s | ratio to 1 job |")
    print("|---:|---:|---:|---:|")
    for jobs, seconds, speed in rows:
        print(f"| {jobs} | {seconds:.1f} | {speed:.1f} | {speed / base:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
