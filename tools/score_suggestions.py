"""Score the suggestions against real ground truth and print one table.

    .venv/bin/python tools/score_suggestions.py DATA_DIR [--limit N] [--jobs N] [--json]

DATA_DIR holds ``article-extraction-benchmark/`` and ``readability-test-pages/`` (see
``/work/shared/data/README.md``). Each set is imported into a temporary corpus with the
project's HTML importer, ``annotator suggest`` runs on it, and:

* article-extraction-benchmark (181 pages): the body of the suggested main article
  (``rules.article_body``: article minus the boilerplate and the title, subtitle, byline and
  date inside it, as the benchmark's bodies leave those out) against ground-truth.json's
  ``articleBody``, with the benchmark's shingle metric (``annotator.evaluate``); trafilatura
  alone (its raw output on the same decoded HTML, same settings) is scored in the same run
  as the baseline.
* readability-test-pages: suggested title and byline against expected-metadata.json,
  normalised exact match (NFC, casefold, white space squeezed, punctuation stripped at the
  ends). A byline counts when its text or its ``authors`` joined by ", " matches, with a
  leading "By" ignored. Pages with no expected byline are left out of the byline rate.
  Extra rows: the ceiling (a span is text of the document, so a title that occurs nowhere
  in the text cannot match), the rate on the pages under it, quotes and dashes folded,
  token F1, and every case including the 13 the importer skips as duplicates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import string
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from annotator.corpus import Corpus
from annotator.evaluate import score_corpus
from annotator.model import SUGGESTIONS, DocumentMeta, Span
from annotator.rules import article_body, sha256_text
from annotator.suggest import suggest_corpus

_PUNCT = string.punctuation + " “”‘’«»–—…·|"


def norm(value: str | None) -> str:
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "").casefold()).strip()
    return value.strip(_PUNCT)


def byline_norm(value: str | None) -> str:
    return re.sub(r"^by\s+", "", norm(value))


# --------------------------------------------------------------------------- import


def import_pages(corpus: Corpus, paths: list[Path], jobs: int) -> dict[str, Path]:
    """Import ``paths`` (HTML, gzip-compressed or not) and return doc id -> source path.

    Uses ``annotator import`` when it is built; otherwise the importer's own functions
    (html_to_text, the kept .source.html.gz) do what the command would.
    """
    from annotator.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        staged = []
        for i, path in enumerate(paths):
            # The command takes .html files; name them after their case so ids say something.
            name = path.parent.name if path.name.startswith("source.") else path.name.split(".")[0]
            target = Path(tmp) / f"{i:03d}_{name}.html"
            data = path.read_bytes()
            target.write_bytes(gzip.decompress(data) if path.suffix == ".gz" else data)
            staged.append(target)
        code = _quiet(main, ["import", str(corpus.root), *map(str, staged)])
        if code != 0:
            for target in staged:
                _import_directly(corpus, target)
        by_name = {t.name: p for t, p in zip(staged, paths, strict=True)}
    mapping = {}
    for doc_id in corpus.doc_ids():
        source = Path(corpus.read_meta(doc_id).source).name
        if source in by_name:
            mapping[doc_id] = by_name[source]
    return mapping


def _quiet(func: Callable[[list[str]], int], argv: list[str]) -> int:
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        return int(func(argv) or 0)
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.stdout = saved


def _import_directly(corpus: Corpus, path: Path) -> None:
    from annotator.importers.html import decode_html, html_to_text
    from annotator.importers.text import normalise_text

    data = path.read_bytes()
    decoded = decode_html(data)
    page = html_to_text(decoded.text)
    text, changes = normalise_text(page.text)
    doc_id = re.sub(r"[^A-Za-z0-9._-]", "_", path.stem)[:100]
    meta = DocumentMeta(
        doc_id=doc_id,
        text_sha256=sha256_text(text),
        chars=len(text),
        source=str(path),
        source_format="html",
        encoding=decoded.encoding,
        normalised=["html-to-text", *changes],
        html_meta=page.meta,
        html_source=f"{doc_id}.source.html.gz",
        url=page.meta.get("canonical") or page.meta.get("og:url"),
    )
    corpus.add_document(text, meta, gzip.compress(data))


# --------------------------------------------------------------------------- baseline


def _trafilatura_alone(path: Path) -> str:
    from annotator.importers.html import decode_html
    from annotator.suggest.extract import extract_main

    data = gzip.decompress(path.read_bytes())
    return extract_main(decode_html(data).text)


# --------------------------------------------------------------------------- the two sets


def main_article_texts(corpus: Corpus, ids: list[str]) -> dict[str, str]:
    out = {}
    for doc_id in ids:
        loaded = corpus.load_annotation(SUGGESTIONS, doc_id)
        if loaded is None:
            continue
        spans = loaded.annotation.spans
        main = [s for s in spans if s.label == "article" and s.attrs.get("role") == "main"]
        out[doc_id] = article_body(corpus.read_text(doc_id), main[0], spans) if main else ""
    return out


def score_benchmark(data_dir: Path, limit: int | None, jobs: int) -> list[dict[str, object]]:
    root = data_dir / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    paths = sorted((root / "html").glob("*.html.gz"))[:limit]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.create(Path(tmp) / "aeb", name="aeb")
        mapping = import_pages(corpus, paths, jobs)
        report = suggest_corpus(corpus, sorted(mapping), jobs=jobs)
        predicted = main_article_texts(corpus, sorted(mapping))
        gold = {d: truth[p.name.removesuffix(".html.gz")]["articleBody"] for d, p in mapping.items()}
        s = score_corpus(gold, predicted)
        rows.append(_row("article body: suggestions (body of the main article)", len(gold), s, report.pages_per_second))
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            alone = dict(zip(mapping, pool.map(_trafilatura_alone, mapping.values(), chunksize=4), strict=True))
        speed = len(alone) / (time.perf_counter() - started)
        rows.append(_row("article body: trafilatura alone (baseline)", len(gold), score_corpus(gold, alone), speed))
        if report.problems:
            print(f"{len(report.problems)} problem(s): {report.problems[:3]}", file=sys.stderr)
    return rows


def _row(what: str, pages: int, s: object, speed: float) -> dict[str, object]:
    return {
        "what": what,
        "pages": pages,
        "precision": round(s.precision, 4),  # type: ignore[attr-defined]
        "recall": round(s.recall, 4),  # type: ignore[attr-defined]
        "f1": round(s.f1, 4),  # type: ignore[attr-defined]
        "pages_per_second": round(speed, 1),
    }


def fold(value: str | None) -> str:
    """:func:`norm` with typographic quotes and dashes folded to ASCII (an extra row only)."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    return norm((value or "").translate(table))


def token_f1(got: str | None, want: str | None) -> float:
    """F1 of the two titles' ``\\w+`` tokens as multisets (1.0 when both are empty)."""
    a = Counter(re.findall(r"\w+", (got or "").casefold()))
    b = Counter(re.findall(r"\w+", (want or "").casefold()))
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def _in_text(value: str | None, text: str) -> bool:
    """``value`` (normalised) is somewhere in ``text`` (same normalisation), even inside a line."""
    want = norm(value)
    return bool(want) and want in re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold())


def _holders(corpus: Corpus, skipped: list[Path]) -> dict[Path, str | None]:
    """For each page the importer skipped as a duplicate, the document holding its text."""
    from annotator.importers.html import decode_html, html_to_text
    from annotator.importers.text import normalise_text

    by_sha = {corpus.read_meta(d).text_sha256: d for d in corpus.doc_ids()}
    out: dict[Path, str | None] = {}
    for path in skipped:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        text, _ = normalise_text(html_to_text(decode_html(data).text).text)
        out[path] = by_sha.get(sha256_text(text))
    return out


def score_readability(data_dir: Path, limit: int | None, jobs: int) -> list[dict[str, object]]:
    """Title and byline rows. Pages whose text equals another page's are skipped by the
    importer (one document per text): the headline rows count the imported documents; the
    "all cases" row scores every case, a skipped one with the suggestions of the document
    that holds its text (its expected metadata may differ: the same text cannot carry two
    titles, so such pages can miss)."""
    root = data_dir / "readability-test-pages"
    cases = sorted(p for p in root.iterdir() if (p / "source.html.gz").is_file())[:limit]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.create(Path(tmp) / "rtp", name="rtp")
        sources = [c / "source.html.gz" for c in cases]
        mapping = import_pages(corpus, sources, jobs)
        report = suggest_corpus(corpus, sorted(mapping), jobs=jobs)
        holders = _holders(corpus, [p for p in sources if p not in set(mapping.values())])
        holder_of = {p: d for d, p in mapping.items()} | holders
        suggested: dict[str, tuple[list[str], list[Span], str]] = {}
        for doc_id in corpus.doc_ids():
            loaded = corpus.load_annotation(SUGGESTIONS, doc_id)
            spans = loaded.annotation.spans if loaded else []
            titles = [s.text for s in spans if s.label == "title"]
            suggested[doc_id] = (titles, spans, corpus.read_text(doc_id))
        c: Counter[str] = Counter()
        f1_sum = 0.0
        misses: list[str] = []
        for path in sources:
            expected = json.loads((path.parent / "expected-metadata.json").read_text("utf-8"))
            want = expected.get("title")
            doc_id = holder_of.get(path)
            titles, spans, text = suggested.get(doc_id, ([], [], "")) if doc_id else ([], [], "")
            got = titles[0] if titles else None
            ok = got is not None and norm(got) == norm(want)
            c["all"] += 1
            c["all_ok"] += ok
            if path not in mapping.values():
                continue
            # A title span can only be text of the document: the expected title is often
            # only in <title> or og:title (which the importer leaves out) or carries the
            # site's name. "occurs" is the ceiling of the exact-match row.
            lines = {norm(line) for line in text.split("\n")}
            line = bool(norm(want)) and norm(want) in lines
            occurs = _in_text(want, text)
            c["n"] += 1
            c["ok"] += ok
            c["line"] += line
            c["line_ok"] += line and ok
            c["occurs"] += occurs
            c["occurs_ok"] += occurs and ok
            c["folded_ok"] += got is not None and fold(got) == fold(want)
            f1_sum += token_f1(got, want)
            if not ok:
                where = "in text" if occurs else "not in text"
                misses.append(f"title {path.parent.name} ({where}): {titles[:1]} != {want!r}")
            if expected.get("byline"):
                c["bylines"] += 1
                c["byline_occurs"] += _in_text(byline_norm(expected["byline"]), text)
                want_b = byline_norm(expected["byline"])
                if any(
                    byline_norm(s.text) == want_b or byline_norm(", ".join(s.attrs.get("authors", []))) == want_b
                    for s in spans
                    if s.label == "byline"
                ):
                    c["bylines_ok"] += 1
                else:
                    got_b = [s.text for s in spans if s.label == "byline"][:2]
                    misses.append(f"byline {path.parent.name}: {got_b} != {expected['byline']!r}")
        if os.environ.get("SCORE_VERBOSE"):
            print("\n".join(misses), file=sys.stderr)
    speed = round(report.pages_per_second, 1)

    def row(what: str, pages: int, hits: float) -> dict[str, object]:
        return {"what": what, "pages": pages, "rate": round(hits / pages, 4) if pages else 0.0, "pages_per_second": speed}

    n = c["n"]
    return [
        row("title: normalised exact match", n, c["ok"]),
        row("title: ceiling, pages whose expected title occurs in the text (even inside a line)", n, c["occurs"]),
        row("title: exact match on those pages (the reachable ones)", c["occurs"], c["occurs_ok"]),
        row("title: same, pages whose expected title is a line of the text", c["line"], c["line_ok"]),
        row("title: exact match, quotes and dashes folded", n, c["folded_ok"]),
        row("title: mean token F1", n, f1_sum),
        row(f"title: all {c['all']} cases (a skipped duplicate scored with its text's document)", c["all"], c["all_ok"]),
        row("byline: normalised exact match (pages with a byline)", c["bylines"], c["bylines_ok"]),
        row("byline: ceiling, pages whose expected byline occurs in the text", c["bylines"], c["byline_occurs"]),
    ]


def print_table(rows: list[dict[str, object]]) -> None:
    print("| measure | pages | precision | recall | F1 / rate | pages/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        value = r.get("f1", r.get("rate"))
        print(
            f"| {r['what']} | {r['pages']} | {r.get('precision', '')} | {r.get('recall', '')} | "
            f"{value} | {r['pages_per_second']} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder with article-extraction-benchmark/ and readability-test-pages/")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = parser.parse_args(argv)
    if not (args.data_dir / "article-extraction-benchmark").is_dir():
        parser.error(f"{args.data_dir}: no article-extraction-benchmark/ folder")
    rows = score_benchmark(args.data_dir, args.limit, args.jobs)
    if (args.data_dir / "readability-test-pages").is_dir():
        rows += score_readability(args.data_dir, args.limit, args.jobs)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
