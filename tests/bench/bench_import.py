"""Encoding detection on short texts, and HTML-to-text speed, measured in one run.

Run: ``.venv/bin/python tests/bench/bench_import.py``. Uses the seed (Korean), the test
fixtures (Japanese, English) and, when ``../shared/data`` is there, Chinese and more pages.

1. Detection: snippets of 4, 8, 16, 32 and 128 characters cut from real texts, encoded in a
   legacy encoding (cp949, shift_jis, gb18030, big5, cp1252, cp1251), then decoded by
   ``importers.text.decode_bytes`` and by charset-normalizer alone (``from_bytes().best()``).
   A snippet counts as right when the decoded text is exactly the original.
2. Speed: ``html_to_text`` against ``html_text.extract_text`` on the same pages (ratio), and
   the whole ``import_paths`` per page.
3. Other tools (``--foreign-only`` runs just this): N records (default 10,000) of the seed
   page, each with its own first line and its 49 entity spans, imported from a doccano JSONL and
   from a Label Studio JSON export, against the same texts and spans as this tool's own
   jsonl, and the same texts without spans (target: at most 2x the jsonl import); the median
   of `--repeat` interleaved rounds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import html_text  # noqa: E402
from charset_normalizer import from_bytes  # noqa: E402

from annotator.corpus import Corpus  # noqa: E402
from annotator.importers import decode_bytes, html_to_text, import_paths  # noqa: E402
from annotator.importers.html import decode_html  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "import"
SHARED = ROOT.parent / "shared" / "data"
LENGTHS = (4, 8, 16, 32, 128)
PER_LENGTH = 40


def _page_text(path: Path) -> str:
    return html_to_text(decode_html(gzip.decompress(path.read_bytes())).text).text


def samples() -> dict[str, tuple[str, str]]:
    """language -> (encoding, a long real text)."""
    seed = unicodedata.normalize("NFC", (ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt").read_text("utf-8"))
    out = {"Korean": ("cp949", seed)}
    out["Japanese"] = ("shift_jis", _page_text(FIXTURES / "readability" / "hukumusume" / "source.html.gz"))
    bench = next((FIXTURES / "article-extraction-benchmark").glob("*.html.gz"))
    out["English"] = ("cp1252", _page_text(bench))
    rtp = SHARED / "readability-test-pages"
    if rtp.is_dir():
        out["Chinese (simplified)"] = ("gb18030", _page_text(rtp / "gmw" / "source.html.gz"))
        out["Chinese (traditional)"] = ("big5", _page_text(rtp / "pixnet" / "source.html.gz"))
        out["French"] = ("cp1252", _page_text(rtp / "lemonde-1" / "source.html.gz"))
        out["Portuguese"] = ("cp1252", _page_text(rtp / "folha" / "source.html.gz"))
    return out


def snippets(text: str, encoding: str, length: int) -> list[str]:
    """Encodable snippets of ``length`` characters, not pure ASCII, from spread-out places."""
    lines = [line.strip() for line in text.split("\n") if len(line.strip()) >= length]
    found: list[str] = []
    for line in lines:
        for start in range(0, len(line) - length + 1, max(1, length)):
            piece = line[start : start + length]
            if piece.isascii():
                continue
            try:
                piece.encode(encoding)
            except UnicodeEncodeError:
                continue
            found.append(piece)
    step = max(1, len(found) // PER_LENGTH)
    return found[::step][:PER_LENGTH]


def detection_table() -> None:
    print("Encoding detection: share of snippets decoded back exactly (ours / charset-normalizer)")
    header = f"{'language':24}{'encoding':11}" + "".join(f"{f'{n} chars':>16}" for n in LENGTHS)
    print(header)
    print("-" * len(header))
    totals = [0, 0, 0]
    for language, (encoding, text) in samples().items():
        cells = []
        for length in LENGTHS:
            pieces = snippets(text, encoding, length)
            ours = theirs = 0
            for piece in pieces:
                data = piece.encode(encoding)
                ours += decode_bytes(data)[0] == piece
                best = from_bytes(data).best()
                theirs += best is not None and str(best) == piece
            totals[0] += ours
            totals[1] += theirs
            totals[2] += len(pieces)
            cells.append(f"{ours:>3}/{theirs:>3} of {len(pieces):>3}" if pieces else "-")
        print(f"{language:24}{encoding:11}" + "".join(f"{c:>16}" for c in cells))
    ours, theirs, n = totals
    print(f"all: ours {ours}/{n} = {ours / n:.1%}; charset-normalizer {theirs}/{n} = {theirs / n:.1%}")
    print()


def speed_table() -> None:
    pages = sorted((SHARED / "article-extraction-benchmark" / "html").glob("*.html.gz"))[:60]
    if not pages:
        pages = sorted(FIXTURES.rglob("*.html.gz"))
    htmls = [decode_html(gzip.decompress(p.read_bytes())).text for p in pages]

    def best_of(fn: object, repeat: int = 3) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            for html in htmls:
                fn(html)  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return min(times)

    ours = best_of(html_to_text)
    theirs = best_of(html_text.extract_text)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.create(Path(tmp) / "c")
        start = time.perf_counter()
        report = import_paths(corpus, pages)
        full = time.perf_counter() - start
    print(f"HTML pages: {len(pages)} (best of 3)")
    print(f"{'step':44}{'ms/page':>10}{'ratio':>8}")
    print(f"{'html_text.extract_text (reference)':44}{1000 * theirs / len(pages):>10.2f}{1.0:>8.2f}")
    print(f"{'html_to_text (ours: hidden nodes, layout)':44}{1000 * ours / len(pages):>10.2f}{ours / theirs:>8.2f}")
    print(
        f"{'import_paths (read, decode, text, write x3)':44}{1000 * full / len(pages):>10.2f}"
        f"{full / theirs:>8.2f}   ({report.imported} imported)"
    )


ENTITIES = {"LG전자": "ORG", "KT": "ORG", "LG유플러스": "ORG", "심지혜": "PER", "서울": "LOC", "뉴스핌": "ORG"}


def foreign_inputs(folder: Path, count: int) -> tuple[dict[str, Path], int]:
    """The same texts and spans as plain jsonl, jsonl with spans, doccano and Label Studio."""
    seed = unicodedata.normalize("NFC", (ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt").read_text("utf-8"))
    base: list[tuple[int, int, str]] = []
    for word, label in ENTITIES.items():
        start = seed.find(word)
        while start != -1:
            base.append((start, start + len(word), label))
            start = seed.find(word, start + len(word))
    base.sort()
    paths = {name: folder / f"{name}.{ext}" for name, ext in
             (("plain", "jsonl"), ("jsonl", "jsonl"), ("doccano", "jsonl"), ("label-studio", "json"))}
    tasks = []
    with paths["plain"].open("w") as plain, paths["jsonl"].open("w") as own, paths["doccano"].open("w") as dc:
        for i in range(count):
            prefix = f"doc{i:05d} 전체 뉴스\n"
            text = prefix + seed
            spans = [(s + len(prefix), e + len(prefix), label) for s, e, label in base]
            plain.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
            own.write(json.dumps({"id": f"d{i}", "text": text, "annotator": "imported", "spans": [
                {"id": f"s{n}", "start": s, "end": e, "label": label, "text": text[s:e]}
                for n, (s, e, label) in enumerate(spans, 1)
            ]}, ensure_ascii=False) + "\n")
            dc.write(json.dumps({"id": f"d{i}", "text": text, "label": [list(t) for t in spans], "Comments": []},
                                ensure_ascii=False) + "\n")
            tasks.append({"id": f"d{i}", "data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
                {"id": f"r{n}", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]}}
                for n, (s, e, label) in enumerate(spans, 1)
            ]}], "predictions": []})
    paths["label-studio"].write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    return paths, len(base)


def foreign_table(count: int, repeat: int = 3) -> None:
    """Median of ``repeat`` interleaved rounds: each round imports every input once, into a
    new corpus, so a burst of disk or CPU load elsewhere hits all the inputs alike."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths, per_doc = foreign_inputs(folder, count)
        times: dict[str, list[float]] = {name: [] for name in paths}
        for round_no in range(repeat):
            for name, path in paths.items():
                corpus = Corpus.create(folder / f"corpus-{name}-{round_no}")
                start = time.perf_counter()
                report = import_paths(corpus, [path])
                times[name].append(time.perf_counter() - start)
                assert report.imported == count and not report.problems, report.problems[:3]
                assert report.annotations == (0 if name == "plain" else count), name
                shutil.rmtree(corpus.root)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"Importing {count:,} records of {per_doc} entity spans each (median of {repeat} interleaved rounds)")
    print(f"{'input':40}{'seconds':>9}{'x jsonl+spans':>15}{'x plain jsonl':>15}")
    for name, label in (("plain", "jsonl, texts only"), ("jsonl", "jsonl with the same spans"),
                        ("doccano", "doccano JSONL"), ("label-studio", "Label Studio JSON (list of tasks)")):
        print(f"{label:40}{median[name]:>9.2f}{median[name] / median['jsonl']:>15.2f}"
              f"{median[name] / median['plain']:>15.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000, help="records per format for the other tools' table")
    parser.add_argument("--foreign-only", action="store_true", help="only the other tools' table")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds of the other tools' table")
    args = parser.parse_args()
    if not args.foreign_only:
        detection_table()
        speed_table()
    foreign_table(args.docs, args.repeat)
