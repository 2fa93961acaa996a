"""Benchmark: exporting N documents to jsonl against just reading their files.

    .venv/bin/python tests/bench/bench_export.py [--docs 10000] [--repeat 3]

Builds a corpus of N copies of the Korean seed page (each with its own first line and url,
and the hand-made gold annotation of tests/test_export.py: 13 spans), then times, on a warm
cache, the median of ``--repeat`` interleaved rounds of:

- read bytes: the text, meta and annotation files of every document, as bytes;
- read + parse: the same into the project's objects (text str, DocumentMeta, Annotation);
- read via Corpus: ``read_text``, ``read_meta`` and ``load_annotation``, which also checks
  every scheme rule (the project's own way to read an annotation);
- floor: read the same files as bytes and write as many bytes as the jsonl export writes,
  in 4 MB chunks, then fsync (the least any export does: read the inputs, write the
  records durably);
- export jsonl: ``export_corpus`` (select, validate every annotation, build the records,
  spool, write, hash, manifest), without and with a train/dev/test split.

The goals: export at most 3x the time of reading the files (issue 5) and at most 2x the
floor (issue 12). Prints a table of ratios measured in this one run; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.corpus import Corpus, dump_json  # noqa: E402
from annotator.export import ExportOptions, export_corpus  # noqa: E402
from annotator.export.prepare import default_jobs  # noqa: E402
from annotator.export.splits import parse_split_spec  # noqa: E402
from annotator.model import Annotation, DocumentMeta, Span  # noqa: E402
from annotator.rules import sha256_text  # noqa: E402
from tests.test_export import seed_spans  # noqa: E402

SEED = ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt"


def build_corpus(root: Path, count: int) -> Corpus:
    corpus = Corpus.create(root, name="bench")
    seed = unicodedata.normalize("NFC", SEED.read_text("utf-8"))
    base_spans = seed_spans(seed)
    docs = corpus.documents_dir
    gold = corpus.gold_dir
    for i in range(count):
        doc_id = f"doc{i:05d}"
        prefix = f"{doc_id} 전체 뉴스\n"
        text = prefix + seed
        shift = len(prefix)
        spans = [
            Span(
                id=s.id,
                start=s.start + shift,
                end=s.end + shift,
                label=s.label,
                text=s.text,
                attrs=s.attrs,
            )
            for s in base_spans
        ]
        sha = sha256_text(text)
        meta = DocumentMeta(
            doc_id=doc_id,
            text_sha256=sha,
            chars=len(text),
            source=f"bench:{i}",
            source_format="txt",
            url=f"https://site{i % 97}.example/{i}",
        )
        annotation = Annotation(
            doc_id=doc_id,
            text_sha256=sha,
            annotator="alice",
            status="done",
            doc_labels={"page_type": "article"},
            spans=spans,
        )
        # Plain writes: building the fixture needs no fsync per file.
        (docs / f"{doc_id}.meta.json").write_bytes(dump_json(meta.model_dump(mode="json")))
        (docs / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        (gold / f"{doc_id}.json").write_bytes(annotation.model_dump_json(indent=2).encode() + b"\n")
    return corpus


def read_bytes(corpus: Corpus) -> int:
    total = 0
    for doc_id in corpus.doc_ids():
        total += len(corpus.text_path(doc_id).read_bytes())
        total += len(corpus.meta_path(doc_id).read_bytes())
        total += len(corpus.annotation_path("gold", doc_id).read_bytes())
    return total


def read_parsed(corpus: Corpus) -> int:
    total = 0
    for doc_id in corpus.doc_ids():
        text = corpus.read_text(doc_id)
        meta = corpus.read_meta(doc_id)
        annotation = Annotation.model_validate_json(
            corpus.annotation_path("gold", doc_id).read_bytes()
        )
        total += len(text) + meta.chars + len(annotation.spans)
    return total


def read_corpus_api(corpus: Corpus) -> int:
    """How the project reads a document: load_annotation parses *and* checks the rules."""
    total = 0
    for doc_id in corpus.doc_ids():
        text = corpus.read_text(doc_id)
        meta = corpus.read_meta(doc_id)
        loaded = corpus.load_annotation("gold", doc_id, text)
        assert loaded is not None
        total += len(text) + meta.chars + len(loaded.annotation.spans)
    return total


def floor(corpus: Corpus, out_bytes: int, target: Path) -> int:
    """Read every input file, then write ``out_bytes`` bytes to ``target`` and fsync."""
    read_bytes(corpus)
    chunk = b"x" * (4 << 20)
    left = out_bytes
    with target.open("wb") as handle:
        while left > 0:
            piece = chunk if left >= len(chunk) else chunk[:left]
            handle.write(piece)
            left -= len(piece)
        handle.flush()
        os.fsync(handle.fileno())
    target.unlink()
    return out_bytes


def timed_rounds(funcs: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median time of each function, run in interleaved rounds so that a burst of load
    from other processes hits every step alike rather than one of them."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            start = time.perf_counter()
            func()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        t0 = time.perf_counter()
        corpus = build_corpus(work / "corpus", args.docs)
        print(f"built {args.docs} documents in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        read_bytes(corpus)  # warm the page cache for everyone alike
        runs = iter(range(10_000))
        # The bytes a jsonl export writes (records, manifest, card): what the floor writes.
        sizing = work / "sizing"
        export_corpus(corpus, ExportOptions("jsonl", sizing))
        out_bytes = sum(p.stat().st_size for p in sizing.iterdir())
        shutil.rmtree(sizing)

        def export(splits: str | None, jobs: int | None = None) -> Callable[[], object]:
            def run() -> object:
                out = work / f"out{next(runs)}"
                result = export_corpus(
                    corpus,
                    ExportOptions(
                        "jsonl",
                        out,
                        splits=parse_split_spec(splits) if splits else None,
                        jobs=jobs,
                    ),
                )
                assert result.exported == args.docs, result.excluded[:3]
                shutil.rmtree(out)
                return result

            return run

        base, parsed, api, least, single, plain, split = timed_rounds(
            [
                lambda: read_bytes(corpus),
                lambda: read_parsed(corpus),
                lambda: read_corpus_api(corpus),
                lambda: floor(corpus, out_bytes, work / "floor.out"),
                export(None, jobs=1),
                export(None),
                export("train=0.8,dev=0.1,test=0.1"),
            ],
            args.repeat,
        )
        rows = [
            ("read bytes (text + meta + annotation)", base),
            ("read + parse into objects", parsed),
            ("read via Corpus (load_annotation checks)", api),
            (f"floor: read + write {out_bytes / 1e6:.0f} MB + fsync", least),
            ("export jsonl, one process (--jobs 1)", single),
            (f"export jsonl ({default_jobs()} processes)", plain),
            ("export jsonl, split train/dev/test", split),
        ]
        print(f"\n{args.docs} documents, median of {args.repeat} runs, cores: {os.cpu_count()}\n")
        header = ("step", "seconds", "x read bytes", "x read+parse", "x Corpus read", "x floor")
        print(f"| {header[0]:<40} | " + " | ".join(f"{h:>13}" for h in header[1:]) + " |")
        print(f"|{'-' * 42}|" + "|".join("-" * 15 for _ in header[1:]) + "|")
        for name, seconds in rows:
            cells = (f"{seconds:.3f}", *(f"{seconds / ref:.2f}" for ref in (base, parsed, api, least)))
            print(f"| {name:<40} | " + " | ".join(f"{c:>13}" for c in cells) + " |")
        print("\ngoals: export jsonl <= 3x reading the files; <= 2x the floor")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
