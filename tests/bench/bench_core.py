"""Benchmark of the core's storage paths (issue: foundation). Prints a markdown table.

    .venv/bin/python tests/bench/bench_core.py

Each ratio compares two timings taken in the same run on the same data, so the machine's
noise cancels out: the two are timed in interleaved rounds (a burst of load from other
processes hits both alike) and the best round of each is kept.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotator.corpus import Corpus, atomic_write_bytes
from annotator.model import Annotation, Span
from annotator.rules import sha256_text

N_SPANS = 10_000
N_DOCS = 100_000


def best_of(fn: Callable[[], object], repeat: int = 7) -> float:
    return interleaved_best([fn], repeat)[0]


def interleaved_best(funcs: list[Callable[[], object]], rounds: int = 15) -> list[float]:
    """The best time of each function over ``rounds`` rounds that run each one in turn."""
    best = [float("inf")] * len(funcs)
    for _ in range(rounds):
        for i, fn in enumerate(funcs):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def make_text_and_spans(n_spans: int) -> tuple[str, list[Span]]:
    """A ~1 MB text and non-overlapping entity spans, with articles and boilerplate around them."""
    rng = random.Random(7)
    words = ["서울", "뉴스핌", "기자", "LG전자", "인공지능", "news", "article", "Seoul", "협약", "발표"]
    lines = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(12_000)]
    text = "\n".join(lines)
    spans: list[Span] = []
    half = len(text) // 2
    spans.append(Span(id="a1", start=0, end=half, label="article", text=text[:half], attrs={"role": "main"}))
    spans.append(Span(id="a2", start=half, end=len(text), label="article", text=text[half:], attrs={"role": "related"}))
    step = len(text) // (n_spans - 2)
    pos = 0
    while len(spans) < n_spans and pos + 4 < len(text):
        end = pos + 3
        if pos < half <= end:  # keep entities away from article edges for clarity
            pos += step
            continue
        spans.append(Span(id=f"s{len(spans)}", start=pos, end=end, label="PER", text=text[pos:end]))
        pos += step
    return text, spans


def bench_annotation(tmp: Path) -> list[tuple[str, float, float]]:
    corpus = Corpus.create(tmp / "c")
    text, spans = make_text_and_spans(N_SPANS)
    from annotator.model import DocumentMeta

    corpus.add_document(text, DocumentMeta(doc_id="big", text_sha256=sha256_text(text), chars=len(text), source="bench", source_format="txt"))
    ann = Annotation(doc_id="big", text_sha256=sha256_text(text), annotator="bench", status="done", spans=spans)
    corpus.save_annotation(ann)
    path = corpus.annotation_path("bench", "big")
    data = path.read_bytes()

    loaded = corpus.load_annotation("bench", "big", text=text)
    assert loaded is not None and loaded.annotation == ann  # loads, validates, finds no problem
    t_orjson_load, t_load = interleaved_best(
        [
            lambda: orjson.loads(path.read_bytes()),
            lambda: corpus.load_annotation("bench", "big", text=text),
        ]
    )

    plain = orjson.loads(data)
    target = tmp / "plain.json"
    t_orjson_save, t_save = interleaved_best(
        [
            lambda: atomic_write_bytes(target, orjson.dumps(plain, option=orjson.OPT_INDENT_2)),
            lambda: corpus.save_annotation(ann),
        ],
        rounds=7,
    )
    return [
        (f"load + validate {len(spans):,} spans ({len(data) / 1e6:.1f} MB)", t_load, t_orjson_load),
        (f"save {len(spans):,} spans, atomic", t_save, t_orjson_save),
    ]


def bench_listing(tmp: Path) -> list[tuple[str, float, float]]:
    corpus = Corpus.create(tmp / "big")
    docs = corpus.documents_dir
    for i in range(N_DOCS):
        name = f"doc-{i:06d}"
        (docs / f"{name}.txt").write_bytes(b"x")
        (docs / f"{name}.meta.json").write_bytes(b"{}")

    def bare_scandir() -> int:
        with os.scandir(docs) as it:
            return sum(1 for _ in it)

    t_scandir, t_list = interleaved_best([bare_scandir, corpus.doc_ids], rounds=5)
    assert len(corpus.doc_ids()) == N_DOCS
    return [(f"list a corpus of {N_DOCS:,} documents", t_list, t_scandir)]


TARGETS = {"load": 3.0, "save": 2.0, "list": 2.0}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows = bench_annotation(tmp) + bench_listing(tmp)
    print("| operation | ours (ms) | baseline (ms) | ratio | target |")
    print("|---|---:|---:|---:|---:|")
    baselines = ["bare `orjson.loads`", "bare `orjson.dumps` + atomic write", "bare `os.scandir`"]
    for (name, ours, base), label in zip(rows, baselines, strict=True):
        target = TARGETS[name.split()[0]]
        print(f"| {name} | {ours * 1e3:.1f} | {base * 1e3:.1f} ({label}) | {ours / base:.2f}x | ≤ {target:.0f}x |")


if __name__ == "__main__":
    main()
