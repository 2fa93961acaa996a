"""Title suggestions on real pages whose expected title is on the page, and meta titles for the rest.

    .venv/bin/python tests/bench/bench_titles.py [DATA] [--jobs N] [--misses]

DATA is mozilla/readability's test pages (``NNN/source.html.gz`` and
``NNN/expected-metadata.json``), or a folder holding ``readability-test-pages/``; the default
is ``../shared/data`` next to the project. The pages are imported into a temporary corpus
with ``annotator import`` and ``annotator suggest`` runs on it. A title span is text of the
document, so it can only match where the expected title occurs in the page's visible text;
those pages are scored (target: 95% of them get a ``title`` span equal to the expected
title). For the rest the title has to come from the page's metadata: the table counts how
many keep it in the meta file (``html_meta`` ``title`` or ``og:title``).

Comparison: NFKC, white space squeezed to one space and stripped at the ends (no case
folding: "Title" and "TITLE" are different spans). Pages whose text equals an earlier
page's are skipped by the importer (one document per text) and counted apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.cli import main as cli  # noqa: E402
from annotator.corpus import Corpus  # noqa: E402
from annotator.model import SUGGESTIONS  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
TARGET = 0.95


def fold(value: str | None) -> str:
    """NFKC with runs of white space made one space, stripped at the ends."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value or "")).strip()


@dataclass
class Tally:
    cases: int = 0
    imported: int = 0
    duplicates: int = 0
    in_text: int = 0
    in_text_ok: int = 0
    rest: int = 0
    rest_in_meta: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.in_text_ok / self.in_text if self.in_text else 0.0


def pages_folder(data: Path) -> Path:
    return data / "readability-test-pages" if (data / "readability-test-pages").is_dir() else data


def _quiet(argv: list[str]) -> int:
    """``annotator ARGV`` in this process, its report on stderr (stdout is the table)."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        return int(cli(argv) or 0)
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.stdout = saved


def run(data: Path, jobs: int) -> Tally:
    folder = pages_folder(data)
    cases = sorted(p for p in folder.iterdir() if (p / "source.html.gz").is_file() and (p / "expected-metadata.json").is_file())
    if not cases:
        raise SystemExit(f"{folder}: no NNN/source.html.gz with expected-metadata.json")
    tally = Tally(cases=len(cases))
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "pages"
        staged.mkdir()
        for case in cases:
            # Named after the case, so that the document id and meta source say which it is.
            shutil.copyfile(case / "source.html.gz", staged / f"{case.name}.html.gz")
        corpus_dir = Path(tmp) / "corpus"
        if _quiet(["new", str(corpus_dir)]) != 0:
            raise SystemExit("annotator new failed")
        if _quiet(["import", str(corpus_dir), str(staged)]) not in (0, 1):
            raise SystemExit("annotator import failed")
        if _quiet(["suggest", str(corpus_dir), "--jobs", str(jobs)]) != 0:
            raise SystemExit("annotator suggest failed")
        corpus = Corpus.open(corpus_dir)
        by_case = {Path(corpus.read_meta(d).source).name.removesuffix(".html.gz"): d for d in corpus.doc_ids()}
        for case in cases:
            doc_id = by_case.get(case.name)
            if doc_id is None:
                tally.duplicates += 1
                continue
            tally.imported += 1
            want = fold(json.loads((case / "expected-metadata.json").read_text("utf-8")).get("title"))
            text = fold(corpus.read_text(doc_id))
            loaded = corpus.load_annotation(SUGGESTIONS, doc_id)
            titles = [fold(s.text) for s in loaded.annotation.spans if s.label == "title"] if loaded else []
            if want and want in text:
                tally.in_text += 1
                if want in titles:
                    tally.in_text_ok += 1
                else:
                    tally.misses.append(f"{case.name}: {titles[:2]} != {want!r}")
            else:
                tally.rest += 1
                meta = corpus.read_meta(doc_id).html_meta
                in_meta = bool(want) and any(want in fold(meta.get(k)) for k in ("title", "og:title"))
                tally.rest_in_meta += in_meta
                if not in_meta:
                    tally.misses.append(f"{case.name} (not in text nor meta): {want!r}; meta {meta.get('title')!r}")
    return tally


def print_table(t: Tally) -> None:
    print("| measure | count |")
    print("|---|---:|")
    print(f"| test pages | {t.cases} |")
    print(f"| imported (the others repeat an earlier page's text) | {t.imported} |")
    print(f"| expected title occurs in the visible text | {t.in_text} |")
    print(f"| of those, a title span equal to it | {t.in_text_ok} |")
    print(f"| share (target {TARGET:.0%}) | {t.share:.1%} |")
    print(f"| expected title not in the text | {t.rest} |")
    print(f"| of those, title in the meta file (title / og:title) | {t.rest_in_meta} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA, help="readability-test-pages or its parent folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for suggest")
    parser.add_argument("--misses", action="store_true", help="also list the scored pages that missed")
    args = parser.parse_args(argv)
    tally = run(args.data, args.jobs)
    print_table(tally)
    if args.misses:
        print("\n".join(tally.misses))
    return 0 if tally.share >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
