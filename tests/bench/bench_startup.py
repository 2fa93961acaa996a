"""Start-up and memory of the desktop app (run: .venv/bin/python tests/bench/bench_startup.py).

Measures, each in a fresh process (offscreen):

1. time from process start to the first painted main window, on the demo corpus (or, until
   it exists, a corpus built from seeds/) and on a synthetic corpus of ``--docs`` documents
   (default 100,000): the list must not read every document at start;
2. resident memory (RSS) and timings with a 1 MB document holding 10,000 spans open: opening
   it, one edit (mark + refresh of every view), undo, autosave.

Prints one table per part, with ratios measured in this run (machines differ; ratios
between runs of the same machine are what to compare).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpora" / "demo"
SEED = ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt"


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- corpora


def write_doc(documents: Path, doc_id: str, text: str, title: str) -> None:
    """A document written directly (no fsync): building 100,000 files must not take an hour."""
    from annotator.model import DocumentMeta
    from annotator.rules import sha256_text

    meta = DocumentMeta(
        doc_id=doc_id, text_sha256=sha256_text(text), chars=len(text), source=f"bench:{doc_id}",
        source_format="txt", title=title,
    )
    (documents / f"{doc_id}.meta.json").write_bytes(meta.model_dump_json().encode())
    (documents / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))


def seed_corpus(root: Path) -> Path:
    from annotator.corpus import Corpus

    corpus = Corpus.create(root, name="seed-demo")
    text = unicodedata.normalize("NFC", SEED.read_text("utf-8"))
    write_doc(corpus.documents_dir, "seed", text, text.split("\n", 9)[8])
    return root


def big_corpus(root: Path, docs: int) -> Path:
    from annotator.corpus import Corpus

    corpus = Corpus.create(root, name=f"big-{docs}")
    # Pre-render one meta and patch the id: pydantic per file would dominate the set-up.
    text = "A short page.\n"
    template = None
    for i in range(docs):
        doc_id = f"doc{i:06d}"
        if template is None:
            write_doc(corpus.documents_dir, doc_id, text, "Title 0")
            template = (corpus.documents_dir / f"{doc_id}.meta.json").read_text()
            continue
        (corpus.documents_dir / f"{doc_id}.meta.json").write_text(
            template.replace("doc000000", doc_id).replace("Title 0", f"Title {i}")
        )
        (corpus.documents_dir / f"{doc_id}.txt").write_text(text)
    return root


def heavy_doc_corpus(root: Path, chars: int = 1_000_000, spans: int = 10_000) -> Path:
    """One document of ``chars`` characters (Korean, Latin, emoji) with ``spans`` spans."""
    from annotator.corpus import Corpus
    from annotator.edits import make_span

    corpus = Corpus.create(root, name="heavy")
    rng = random.Random(7)
    seed_lines = [ln for ln in unicodedata.normalize("NFC", SEED.read_text("utf-8")).split("\n") if ln]
    lines: list[str] = []
    size = 0
    while size < chars:
        line = rng.choice(seed_lines) + (" 😀" if rng.random() < 0.05 else "")
        lines.append(line)
        size += len(line) + 1
    text = "\n".join(lines)[:chars]
    write_doc(corpus.documents_dir, "heavy", text, "heavy")
    annotation = corpus.new_annotation("bench", "heavy", text)
    # Lines as boilerplate or articles every so often, the rest entities: many per block.
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)
    per = max(1, len(text) // (spans + spans // 10))  # a margin for the places skipped
    pos = 0
    n = 0
    labels = ["PER", "ORG", "LOC", "MISC"]
    while n < spans and pos + 6 < len(text):
        end = pos + 5
        if text[pos:end].strip() and "\n" not in text[pos:end]:
            n += 1
            annotation.spans.append(make_span(text, pos, end, labels[n % 4], f"s{n}"))
        pos += per
    corpus.save_annotation(annotation)
    return root


# --------------------------------------------------------------------------- children


def child_startup(corpus: str, settings: str) -> dict[str, float]:
    t0 = time.perf_counter()
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app = QApplication([])
    t_qt = time.perf_counter()
    from annotator.gui.app import start_window

    t_import = time.perf_counter()
    window = start_window(corpus, "bench")
    t_built = time.perf_counter()
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    spy = FirstPaint()
    window.view.viewport().installEventFilter(spy)
    window.show()
    while not painted:
        app.processEvents()
    result = {
        "qt_ms": (t_qt - t0) * 1000,
        "import_ms": (t_import - t_qt) * 1000,
        "build_ms": (t_built - t_import) * 1000,
        "first_paint_ms": (painted[0] - t0) * 1000,
        "docs": len(window.doc_model.ids),
        "rss_mb": rss_mb(),
    }
    window.close()
    return result


def child_heavy(corpus: str, settings: str) -> dict[str, float]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app = QApplication([])
    from annotator.gui.app import start_window

    base = rss_mb()
    t0 = time.perf_counter()
    window = start_window(corpus, "bench")
    window.show()
    app.processEvents()
    t_open = time.perf_counter()
    session = window.session
    assert session is not None
    spans_open = len(session.spans)
    text = session.text
    # One edit through the window (mark a word), then its undo, each with the refresh.
    pos = text.index("LG전자", len(text) // 2)
    window.view.select_cp(pos, pos + 4)
    t1 = time.perf_counter()
    window.mark_label("ORG")
    app.processEvents()
    t2 = time.perf_counter()
    window.undo()
    app.processEvents()
    t3 = time.perf_counter()
    window.redo()
    t4 = time.perf_counter()
    window.save_now()
    t5 = time.perf_counter()
    result = {
        "chars": len(text),
        "utf8_mb": len(text.encode("utf-8")) / 2**20,
        "spans": spans_open,
        "rss_base_mb": base,
        "rss_open_mb": rss_mb(),
        "open_ms": (t_open - t0) * 1000,
        "edit_ms": (t2 - t1) * 1000,
        "undo_ms": (t3 - t2) * 1000,
        "save_ms": (t5 - t4) * 1000,
    }
    window.close()
    return result


def run_child(kind: str, corpus: Path, settings: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(corpus), str(settings)],
        capture_output=True, text=True, env=env, check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the big corpus")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, settings = args.child
        result = child_startup(corpus, settings) if kind == "startup" else child_heavy(corpus, settings)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = tmp / "settings"
        if (DEMO / "corpus.json").is_file():
            demo, demo_name = DEMO, "corpora/demo"
            # The bench opens the demo as "bench": keep its lock and journal out of the repo
            # by working on a copy.
            import shutil

            demo = Path(shutil.copytree(DEMO, tmp / "demo"))
        else:
            demo, demo_name = seed_corpus(tmp / "demo"), "seed corpus (no corpora/demo yet)"
        t = time.perf_counter()
        big = big_corpus(tmp / "big", args.docs)
        build_s = time.perf_counter() - t
        run_child("startup", demo, settings)  # warm-up: file caches, .pyc files
        small = run_child("startup", demo, settings)
        large = run_child("startup", big, settings)
        heavy = heavy_doc_corpus(tmp / "heavy")
        h = run_child("heavy", heavy, settings)

    print(f"\nStart-up to the first painted window (offscreen; big corpus built in {build_s:.1f} s)\n")
    print("| corpus | documents | Qt up ms | imports ms | window built ms | first paint ms | RSS MB | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in ((demo_name, small), (f"synthetic {args.docs:,}", large)):
        ratio = r["first_paint_ms"] / small["first_paint_ms"]
        print(
            f"| {name} | {int(r['docs']):,} | {r['qt_ms']:.0f} | {r['import_ms']:.0f} | "
            f"{r['build_ms']:.0f} | {r['first_paint_ms']:.0f} | {r['rss_mb']:.0f} | {ratio:.2f} |"
        )
    print(f"\nA {h['chars'] / 1e6:.2f} M-character document with {int(h['spans']):,} spans open\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| RSS before opening (app + Qt) | {h['rss_base_mb']:.0f} MB |")
    print(f"| RSS with the document open | {h['rss_open_mb']:.0f} MB |")
    added = h["rss_open_mb"] - h["rss_base_mb"]
    utf8_mb = h["utf8_mb"]
    print(f"| added by the document | {added:.0f} MB ({added / utf8_mb:.0f}× the text's {utf8_mb:.1f} MB of UTF-8) |")
    print(f"| open (load, check, draw) | {h['open_ms']:.0f} ms |")
    print(f"| one mark + refresh of every view | {h['edit_ms']:.1f} ms |")
    print(f"| undo + refresh | {h['undo_ms']:.1f} ms |")
    print(f"| save (atomic, fsync) | {h['save_ms']:.1f} ms |")
    print(f"| open / one edit ratio | {h['open_ms'] / max(h['edit_ms'], 0.01):.0f} |")


if __name__ == "__main__":
    main()
