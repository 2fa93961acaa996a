"""Benchmark of review mode (not a test: prints a table of times and ratios).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_review.py [--copies N] [--repeat R]

A temporary corpus holds the demo corpus's seed page with alice's and bob's annotations
(16 disagreements), once ("small") and repeated N times end to end ("big": N x the spans and
the disagreements). Measured in one run, so the big/small ratios compare like with like:

* compare: load the two annotations and list the disagreements (compare_document);
* sides: whose side gold takes in every disagreement (done after each edit, undo, redo);
* accept: the whole key press in the real window: one accepted side, its edit, the views'
  refresh and the disagreement list's gold column;
* open: opening the document in the review window (gold session, compare, overlay).

Per-edit work should stay far below a frame (16 ms) even on the big document.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.corpus import Corpus  # noqa: E402
from annotator.gui.review_start import controller_of, start_review_window  # noqa: E402
from annotator.gui.review_state import (  # noqa: E402
    all_gold_sides,
    compare_document,
    load_review,
    open_gold_session,
)
from annotator.model import DocumentMeta  # noqa: E402
from annotator.rules import sha256_text  # noqa: E402

DEMO = ROOT / "corpora" / "demo"
SEED = "000_2c3ea0c0f783ca12"
NAMES = ["alice", "bob"]


def build(folder: Path, copies: int) -> Path:
    """A corpus with the seed page once (small) and ``copies`` times (big), both annotated."""
    demo = Corpus.open(DEMO)
    text = demo.read_text(SEED)
    corpus = Corpus.create(folder / "bench", name="bench", scheme=demo.scheme)
    for doc_id, n in (("small", 1), ("big", copies)):
        big_text = text * n
        meta = DocumentMeta(
            doc_id=doc_id,
            text_sha256=sha256_text(big_text),
            chars=len(big_text),
            source=f"{SEED} x {n}",
            source_format="txt",
        )
        corpus.add_document(big_text, meta)
        for name in NAMES:
            raw = orjson.loads(demo.annotation_path(name, SEED).read_bytes())
            spans = []
            for k in range(n):
                for s in raw["spans"]:
                    spans.append(
                        {
                            **s,
                            "id": f"{s['id']}_{k}",
                            "start": s["start"] + k * len(text),
                            "end": s["end"] + k * len(text),
                        }
                    )
            raw.update(doc_id=doc_id, text_sha256=sha256_text(big_text), spans=spans)
            folder_of = corpus.annotator_dir(name)
            folder_of.mkdir(parents=True, exist_ok=True)
            (folder_of / f"{doc_id}.json").write_bytes(orjson.dumps(raw))
    return corpus.root


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        root = build(Path(tmp), args.copies)
        corpus = Corpus.open(root)
        rows: list[tuple[str, float, float, str]] = []
        sizes = {}
        for doc in ("small", "big"):
            review = load_review(corpus, doc, NAMES)
            sizes[doc] = (
                len(review.text),
                sum(len(a.spans) for a in review.annotations.values()),
                len(review.disagreements),
            )
        measured: dict[str, dict[str, float]] = {"small": {}, "big": {}}
        for doc in ("small", "big"):
            review = load_review(corpus, doc, NAMES)
            gold = open_gold_session(corpus, doc, NAMES).annotation
            measured[doc]["compare"] = timed(
                lambda d=doc: compare_document(corpus, d, NAMES), args.repeat
            )
            measured[doc]["sides"] = timed(
                lambda r=review, g=gold: all_gold_sides(r.disagreements, g, corpus.scheme),
                args.repeat,
            )

        window = start_review_window(root, NAMES, start_doc="small", autosave_ms=600_000)
        window.show()
        app.processEvents()
        controller = controller_of(window)
        assert controller is not None
        for doc in ("small", "big"):
            other = "big" if doc == "small" else "small"

            def reopen(d: str = doc, o: str = other) -> None:
                window.open_document(o)
                app.processEvents()
                t0 = time.perf_counter()
                window.open_document(d)
                app.processEvents()
                reopen.elapsed = time.perf_counter() - t0  # type: ignore[attr-defined]

            opens = []
            for _ in range(args.repeat):
                reopen()
                opens.append(reopen.elapsed)  # type: ignore[attr-defined]
            measured[doc]["open"] = statistics.median(opens)
            accepts = []
            controller.advance_action.setChecked(False)
            for i in range(args.repeat):
                controller.go_to(1 + i)  # an extent unit and the ones after it
                app.processEvents()
                t0 = time.perf_counter()
                controller.accept(i % 2)
                app.processEvents()
                accepts.append(time.perf_counter() - t0)
            measured[doc]["accept"] = statistics.median(accepts)
            window.save_now()
        window.close()
        shutil.rmtree(root / "gold", ignore_errors=True)

    print(
        f"small: {sizes['small'][0]:,} chars, {sizes['small'][1]:,} spans, {sizes['small'][2]} disagreements"
    )
    print(
        f"big:   {sizes['big'][0]:,} chars, {sizes['big'][1]:,} spans, {sizes['big'][2]} disagreements"
    )
    print()
    print(f"{'what':<10}{'small ms':>10}{'big ms':>10}{'big/small':>11}{'size ratio':>12}")
    size_ratio = sizes["big"][1] / sizes["small"][1]
    for what in ("compare", "sides", "accept", "open"):
        small, big = measured["small"][what] * 1000, measured["big"][what] * 1000
        rows.append((what, small, big, ""))
        print(f"{what:<10}{small:>10.2f}{big:>10.2f}{big / small:>10.1f}x{size_ratio:>11.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
