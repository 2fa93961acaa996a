"""``annotator import --bodies`` on real pages with ground truth: how well bodies align.

Run: ``.venv/bin/python tests/bench/bench_import_bodies.py [DATA]`` with DATA the folder of
real pages (default ``../shared/data`` beside the project; its README describes it; without
it the script says so and does nothing, so ``make bench`` still runs elsewhere):

* ``article-extraction-benchmark/``: ``html/ID.html.gz`` and ``ground-truth.json``, used as
  they are;
* ``readability-test-pages/CASE/``: ``source.html.gz`` imported as ``CASE.html.gz``, and as
  the body the visible text of ``expected.html.gz`` (readability's extracted article), the
  way import reads HTML.

Each set is imported into a new corpus in a temporary folder through the real import (the
same ``Importer`` the command runs, with the ``--bodies`` hook), then again without the hook
for the cost of alignment. Prints per set: pages, pages annotated, pages whose clean text is
the body but for white space, median and lowest shingle F1 (``annotator/evaluate.py``),
pages left out with their reason, and seconds with and without ``--bodies``.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.corpus import Corpus  # noqa: E402
from annotator.default_scheme import news_scheme  # noqa: E402
from annotator.importers import Importer  # noqa: E402
from annotator.importers.bodies import DEFAULT_MIN_F1, BodyAnnotator  # noqa: E402
from annotator.importers.html import decode_html, html_to_text  # noqa: E402

#: ``../shared/data`` beside the project, as the README says.
DEFAULT_DATA = ROOT.parent / "shared" / "data"


def readability_set(data: Path, work: Path) -> tuple[Path, Path]:
    """The readability cases as ``pages/CASE.html.gz`` and a ground-truth.json of bodies."""
    pages = work / "readability-pages"
    pages.mkdir()
    bodies: dict[str, dict[str, str]] = {}
    for case in sorted(p for p in (data / "readability-test-pages").iterdir() if p.is_dir()):
        expected = case / "expected.html.gz"
        if not (case / "source.html.gz").exists() or not expected.exists():
            continue
        shutil.copyfile(case / "source.html.gz", pages / f"{case.name}.html.gz")
        html = decode_html(gzip.decompress(expected.read_bytes()), None).text
        bodies[case.name] = {"articleBody": html_to_text(html).text}
    truth = work / "readability-ground-truth.json"
    truth.write_bytes(orjson.dumps(bodies))
    return pages, truth


def import_into(work: Path, name: str, pages: Path, truth: Path | None) -> tuple[float, BodyAnnotator | None]:
    corpus = Corpus.create(work / name, name=name, scheme=news_scheme())
    bodies = None
    if truth is not None:
        from annotator.importers.bodies import load_bodies

        bodies = BodyAnnotator(load_bodies(truth), str(truth), corpus.scheme, min_f1=DEFAULT_MIN_F1)
    start = time.perf_counter()
    importer = Importer(corpus, bodies=bodies)
    for _ in importer.run(importer.collect([pages])):
        pass
    return time.perf_counter() - start, bodies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not (args.data / "article-extraction-benchmark" / "ground-truth.json").exists():
        print(f"no article-extraction-benchmark under {args.data}: nothing to measure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        aeb = args.data / "article-extraction-benchmark"
        sets = [("article-extraction-benchmark", aeb / "html", aeb / "ground-truth.json")]
        sets.append(("readability-test-pages", *readability_set(args.data, work)))
        rows = []
        left_out: list[str] = []
        for name, pages, truth in sets:
            seconds, bodies = import_into(work, name, pages, truth)
            plain, _ = import_into(work, name + "-plain", pages, None)
            assert bodies is not None
            summary = bodies.summary()
            scores = [p.f1 for p in bodies.pages]
            rows.append((name, summary["pages"], summary["annotated"], summary["exact"],
                         statistics.median(scores), min(scores), summary["left_out"], seconds, plain))
            left_out += [f"  {name}/{p.key}: F1 {p.f1:.3f}: {p.reason}" for p in bodies.pages if not p.written]
        print(f"{'set':30} {'pages':>5} {'aligned':>7} {'exact':>5} {'median F1':>9} {'min F1':>6} "
              f"{'left out':>8} {'s':>6} {'s plain':>7}")
        for name, pages_n, aligned, exact, median, low, out, seconds, plain in rows:
            print(f"{name:30} {pages_n:5} {aligned:7} {exact:5} {median:9.3f} {low:6.3f} {out:8} "
                  f"{seconds:6.1f} {plain:7.1f}")
        scores_all = sum(r[1] for r in rows)
        print(f"{'all':30} {scores_all:5} {sum(r[2] for r in rows):7} {sum(r[3] for r in rows):5}")
        print(f"(--min-f1 {DEFAULT_MIN_F1:g}; exact: clean text == body but for white space; "
              "s: import with --bodies, s plain: the same import without)")
        if left_out:
            print("left out:")
            print("\n".join(left_out))


if __name__ == "__main__":
    main()
