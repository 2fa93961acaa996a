"""Agreement over 10,000 documents with 2 annotators against just reading their files.

Run: ``.venv/bin/python tests/bench/bench_agreement.py [--docs N]``. Builds a corpus in a
temporary folder (seed-like texts, ~40 spans per annotator per document, the second
annotator a perturbed copy of the first), then times, in the same run:

* read: ``orjson.loads`` of every compared annotation file (the floor);
* agree: ``compute_agreement`` (listing, reading files and texts, checking hashes, every
  measure).

Prints a table of best-of-3 times and the ratio; the target is agree/read <= 3.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.agreement import compute_agreement  # noqa: E402
from annotator.agreement.compute import _layers, load, measure  # noqa: E402
from annotator.corpus import Corpus  # noqa: E402
from annotator.model import utc_now  # noqa: E402

SEED = ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt"
ENTITY = ["PER", "ORG", "LOC", "MISC"]


def _spans(text: str, rng: np.random.Generator) -> list[tuple[int, int, str, dict]]:
    n = len(text)
    art_start, art_end = int(rng.integers(20, 80)), n - int(rng.integers(200, 400))
    spans: list[tuple[int, int, str, dict]] = [
        (0, art_start - 5, "boilerplate", {"kind": "navigation"}),
        (art_start, art_end, "article", {"role": "main"}),
        (art_start + 300, art_start + 330, "boilerplate", {"kind": "caption"}),
        (art_end + 10, n, "boilerplate", {"kind": "footer"}),
        (art_start, art_start + 25, "title", {}),
        (art_start + 60, art_start + 80, "byline", {}),
        (art_start + 40, art_start + 56, "date", {}),
    ]
    cuts = np.sort(rng.choice(np.arange(art_start + 100, art_end - 10, 8), size=33, replace=False))
    for c in cuts.tolist():
        spans.append((c, c + int(rng.integers(2, 7)), ENTITY[int(rng.integers(0, 4))], {}))
    return spans


def _perturb(spans: list[tuple[int, int, str, dict]], rng: np.random.Generator, n: int):
    out = []
    for s, e, label, attrs in spans:
        roll = rng.random()
        if roll < 0.05 and label in ENTITY:
            continue  # missed
        if roll < 0.10 and label in ENTITY:
            label = ENTITY[(ENTITY.index(label) + 1) % 4]  # other label
        elif roll < 0.20 and label in ("article", "title"):
            e = min(n, max(s + 1, e + int(rng.integers(-15, 15))))  # other edge
        out.append((s, e, label, attrs))
    return out


def _annotation(text: str, sha: str, doc_id: str, who: str, spans: list) -> bytes:
    return orjson.dumps({
        "schema_version": 1, "doc_id": doc_id, "text_sha256": sha, "annotator": who,
        "status": "done", "updated_at": utc_now(), "doc_labels": {"page_type": "article"},
        "spans": [{"id": f"s{i}", "start": s, "end": e, "label": lb, "text": text[s:e],
                   "attrs": at} for i, (s, e, lb, at) in enumerate(spans, 1)],
    }, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def build(root: Path, docs: int) -> Corpus:
    Corpus.create(root, name="bench")
    base = unicodedata.normalize("NFC", SEED.read_text("utf-8"))
    rng = np.random.default_rng(7)
    (root / "annotations" / "alice").mkdir(parents=True)
    (root / "annotations" / "bob").mkdir(parents=True)
    # Plain writes (no fsync): the corpus is throw-away and only its reading is measured.
    for i in range(docs):
        doc_id = f"doc{i:05d}"
        text = f"{doc_id}\n{base}"
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        meta = {"schema_version": 1, "doc_id": doc_id, "text_sha256": sha, "chars": len(text),
                "source": "bench", "source_format": "txt"}
        (root / "documents" / f"{doc_id}.meta.json").write_bytes(orjson.dumps(meta))
        (root / "documents" / f"{doc_id}.txt").write_bytes(data)
        alice = _spans(text, rng)
        bob = _perturb(alice, rng, len(text))
        (root / "annotations" / "alice" / f"{doc_id}.json").write_bytes(
            _annotation(text, sha, doc_id, "alice", alice))
        (root / "annotations" / "bob" / f"{doc_id}.json").write_bytes(
            _annotation(text, sha, doc_id, "bob", bob))
    return Corpus.open(root)


def read_only(corpus: Corpus) -> int:
    n = 0
    for who in ("alice", "bob"):
        folder = str(corpus.annotator_dir(who)) + os.sep
        for name in os.listdir(folder):
            with open(folder + name, "rb") as handle:
                n += len(orjson.loads(handle.read())["spans"])
    return n


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        corpus = build(Path(tmp) / "bench", args.docs)
        print(f"built {args.docs} documents x 2 annotators in {time.perf_counter() - t:.1f} s",
              file=sys.stderr)
        read_only(corpus)  # warm the file cache for both measurements alike
        t_read, spans = best(lambda: read_only(corpus))
        t_agree, result = best(lambda: compute_agreement(corpus))
        t_load, loaded = best(lambda: load(corpus, ["alice", "bob"]))
        layers = _layers(corpus, loaded.labels)
        t_measure, _ = best(lambda: measure(loaded, layers, corpus.scheme))
    assert isinstance(result, dict) and result["documents"] == args.docs
    ratio = t_agree / t_read
    rows = [
        ("read annotation files (orjson)", f"{t_read:.3f}", "1.00"),
        ("annotator agree (compute_agreement)", f"{t_agree:.3f}", f"{ratio:.2f}"),
        ("  of which: load (read, check, hash)", f"{t_load:.3f}", f"{t_load / t_read:.2f}"),
        ("  of which: measure (all metrics)", f"{t_measure:.3f}", f"{t_measure / t_read:.2f}"),
    ]
    print(f"agreement benchmark: {args.docs} documents, 2 annotators, {spans} spans (best of 3)")
    print(f"{'step':<40}{'seconds':>9}{'ratio':>8}")
    for name, secs, r in rows:
        print(f"{name:<40}{secs:>9}{r:>8}")
    print(f"target: ratio <= 3.00 -> {'OK' if ratio <= 3.0 else 'TOO SLOW'}")
    print(f"(overall F1 exact {result['overall']['f1_exact']:.3f}, overlap "
          f"{result['overall']['f1_overlap']:.3f}, alpha_u {result['overall']['alpha_u']:.3f})")
    return 0 if ratio <= 3.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
