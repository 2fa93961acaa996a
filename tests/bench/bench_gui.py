"""Benchmark of the span text view (not a test: prints a table of times and ratios).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_gui.py [--repeat N]

Everything is measured in one run on this machine, so the ratios compare like with like:
* open: SpanTextView.set_document(1 MB text, 10,000 spans) + first paint, against a bare
  QPlainTextEdit showing the same text (setPlainText + first paint); target <= 2x.
* edit: update_spans with one added span + the repaint it triggers, on the 1 MB document
  against a 2 KB document; target <= 1.5x and under 16 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QPlainTextEdit, QScrollBar  # noqa: E402

from annotator.default_scheme import news_scheme  # noqa: E402
from annotator.edits import Change, make_span  # noqa: E402
from annotator.gui.textview import SpanTextView  # noqa: E402
from annotator.model import Span  # noqa: E402

SEED = ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt"
ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")
SIZE = (1000, 800)


def make_text(chars: int) -> str:
    """Real Korean news text (the seed page) repeated up to ``chars`` code points."""
    seed = SEED.read_text("utf-8")
    return (seed * (chars // len(seed) + 1))[:chars]


def make_spans(text: str, count: int, rng: random.Random) -> list[Span]:
    """A realistic mix: articles every ~50 lines with parts and boilerplate, entities."""
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    spans: list[Span] = []

    def add(start: int, end: int, label: str) -> None:
        if start < end:
            spans.append(make_span(text, start, end, label, f"s{len(spans) + 1}"))

    n_articles = max(1, min(len(lines) // 50, count // 20))
    per_article = len(lines) // n_articles
    for a in range(n_articles):
        first, last = a * per_article, min((a + 1) * per_article, len(lines)) - 1
        add(lines[first][0], lines[last][1], "article")
        add(lines[first][0], lines[first][1], "title")
        add(lines[first + 1][0], lines[first + 1][1], "byline")
        mid = (first + last) // 2
        add(lines[mid][0], lines[mid][1], "boilerplate")
    # Entities: words inside non-empty lines, no two on the same stretch.
    candidates = [line for line in lines if line[1] - line[0] > 12]
    taken: set[int] = set()
    while len(spans) < count:
        start, end = rng.choice(candidates)
        s = rng.randrange(start, end - 6)
        if s // 8 in taken:
            continue
        taken.add(s // 8)
        add(s, s + rng.randint(2, 6), rng.choice(ENTITY_LABELS))
    return spans[:count]


Step = tuple[Callable[[], object], Callable[[], object] | None]


def interleaved(steps: list[Step], repeat: int) -> list[float]:
    """Median wall time in ms of each step's function (its setup runs before, untimed).

    The steps take turns, round after round, so that the load of a shared machine hits
    every measure alike and the ratios stay meaningful.
    """
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(repeat):
        for i, (fn, setup) in enumerate(steps):
            if setup is not None:
                setup()
            t = time.perf_counter()
            fn()
            times[i].append((time.perf_counter() - t) * 1000)
    return [statistics.median(t) for t in times]


def timed(
    fn: Callable[[], object], repeat: int, setup: Callable[[], object] | None = None
) -> float:
    return interleaved([(fn, setup)], repeat)[0]


def bench_open(app: QApplication, text: str, spans: list[Span], repeat: int) -> tuple[float, float]:
    bare = QPlainTextEdit()
    bare.setReadOnly(True)
    bare.resize(*SIZE)
    bare.show()
    view = SpanTextView()
    view.resize(*SIZE)
    view.show()
    app.processEvents()
    scheme = news_scheme()

    def open_bare() -> None:
        bare.setPlainText(text)
        bare.grab()

    def open_view() -> None:
        view.set_document(text, spans, scheme)
        view.grab()

    def reset() -> None:
        bare.setPlainText("")
        view.set_document("", [], scheme)
        app.processEvents()

    t_bare, t_view = interleaved([(open_bare, reset), (open_view, reset)], repeat)
    bare.close()
    view.close()
    return t_bare, t_view


class _EditBench:
    """update_spans with one added span (in view) + the repaint, alternating add/remove.

    ``full``: repaint the whole viewport; otherwise let Qt paint what the edit asked for
    (the region of the touched lines), which is what happens in the app.
    """

    def __init__(self, app: QApplication, text: str, spans: list[Span], full: bool) -> None:
        self.full = full
        self.app = app
        self.view = SpanTextView()
        self.view.resize(*SIZE)
        self.view.show()
        self.spans = list(spans)
        self.view.set_document(text, self.spans, news_scheme())
        app.processEvents()
        self.view.grab()
        # A free stretch on a visible line to mark (no entity there yet).
        used = {i for s in spans if s.label in ENTITY_LABELS for i in range(s.start, s.end)}
        start = next(
            i
            for i in range(40, len(text))
            if not used & set(range(i, i + 4)) and "\n" not in text[i : i + 4]
        )
        self.new = make_span(text, start, start + 4, "PER", "bench-new")
        self.where = ((self.new.start, self.new.end),)

    def paint(self) -> None:
        if self.full:
            self.view.viewport().repaint()
        else:
            self.app.processEvents()

    def add(self) -> None:
        self.spans.append(self.new)
        self.view.update_spans(
            self.spans, Change(added=frozenset({self.new.id}), ranges=self.where)
        )
        self.paint()

    def remove(self) -> None:
        if self.spans and self.spans[-1] is self.new:
            self.spans.pop()
            change = Change(removed=frozenset({self.new.id}), ranges=self.where)
            self.view.update_spans(self.spans, change)
            self.paint()

    def step(self) -> Step:
        return self.add, self.remove


def bench_scroll(
    app: QApplication, text: str, spans: list[Span], pages: int
) -> tuple[float, float]:
    """Median ms to scroll one page down and paint it (blocks never painted before)."""
    steps: list[Step] = []
    widgets: list[QPlainTextEdit] = []
    for widget in (QPlainTextEdit(), SpanTextView()):
        widget.setReadOnly(True)
        widget.resize(*SIZE)
        widget.show()
        if isinstance(widget, SpanTextView):
            widget.set_document(text, spans, news_scheme())
        else:
            widget.setPlainText(text)
        app.processEvents()
        widget.grab()
        bar = widget.verticalScrollBar()

        def page_down(bar: QScrollBar = bar, widget: QPlainTextEdit = widget) -> None:
            bar.setValue(bar.value() + bar.pageStep())
            widget.viewport().repaint()

        steps.append((page_down, None))
        widgets.append(widget)
    t_bare, t_view = interleaved(steps, pages)
    for widget in widgets:
        widget.close()
    return t_bare, t_view


def bench_batch(app: QApplication, text: str, spans: list[Span], repeat: int) -> float:
    """Median ms of one Batch adding 500 entity spans all over the document (accept all
    suggestions) + the repaint it triggers."""
    view = SpanTextView()
    view.resize(*SIZE)
    view.show()
    current = list(spans)
    view.set_document(text, current, news_scheme())
    app.processEvents()
    view.grab()
    used = {s.start // 8 for s in spans}
    step = len(text) // 500
    starts = [
        next(p for p in range(i, i + step - 8) if p // 8 not in used and p // 8 + 1 not in used)
        for i in range(0, step * 500, step)
    ]
    batch = [
        make_span(text, p, p + 3, "MISC", f"batch{k}")
        for k, p in enumerate(starts)
        if "\n" not in text[p : p + 3]
    ]
    ids = frozenset(s.id for s in batch)

    def add() -> None:
        current.extend(batch)
        view.update_spans(current, Change(added=ids))
        app.processEvents()

    def remove() -> None:
        if current[-1] is batch[-1]:
            del current[-len(batch) :]
            view.update_spans(current, Change(removed=ids))
            app.processEvents()

    t = timed(add, repeat, remove)
    view.close()
    return t


def bench_hide(app: QApplication, text: str, spans: list[Span], repeat: int) -> float:
    """Median ms to hide the entity layer and repaint (every block's formats change)."""
    view = SpanTextView()
    view.resize(*SIZE)
    view.show()
    view.set_document(text, spans, news_scheme())
    app.processEvents()
    view.grab()
    hidden = [set(), {"entity"}]

    def toggle() -> None:
        hidden.reverse()
        view.set_hidden_layers(hidden[0])
        view.viewport().repaint()

    t = timed(toggle, repeat)
    view.close()
    return t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--spans", type=int, default=10_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    rng = random.Random(7)
    big = make_text(args.chars)
    big_spans = make_spans(big, args.spans, rng)
    small = make_text(2000)
    small_spans = make_spans(small, 20, rng)

    t_bare, t_view = bench_open(app, big, big_spans, args.repeat)
    t_edit_small, t_edit_big, t_full_small, t_full_big = interleaved(
        [
            _EditBench(app, small, small_spans, full=False).step(),
            _EditBench(app, big, big_spans, full=False).step(),
            _EditBench(app, small, small_spans, full=True).step(),
            _EditBench(app, big, big_spans, full=True).step(),
        ],
        args.repeat * 10,
    )
    t_scroll_bare, t_scroll_view = bench_scroll(app, big, big_spans, args.repeat * 5)
    t_hide = bench_hide(app, big, big_spans, args.repeat * 2)
    t_batch = bench_batch(app, big, big_spans, args.repeat)

    n = len(big_spans)
    rows = [
        ("open: bare QPlainTextEdit, 1 MB (setPlainText + paint)", t_bare, "", ""),
        (f"open: SpanTextView, 1 MB + {n} spans", t_view, f"{t_view / t_bare:.2f}x bare", "<= 2x"),
        ("edit: add 1 span + the repaint it triggers, 2 KB", t_edit_small, "", ""),
        (
            f"edit: add 1 span + the repaint it triggers, 1 MB + {n} spans",
            t_edit_big,
            f"{t_edit_big / t_edit_small:.2f}x 2 KB",
            "<= 1.5x, < 16 ms",
        ),
        ("edit: add 1 span + full viewport repaint, 2 KB", t_full_small, "", ""),
        (
            f"edit: add 1 span + full viewport repaint, 1 MB + {n} spans",
            t_full_big,
            f"{t_full_big / t_full_small:.2f}x 2 KB",
            "",
        ),
        ("scroll a page + paint: bare QPlainTextEdit, 1 MB", t_scroll_bare, "", ""),
        (
            f"scroll a page + paint: SpanTextView, 1 MB + {n} spans",
            t_scroll_view,
            f"{t_scroll_view / t_scroll_bare:.2f}x bare",
            "",
        ),
        ("hide/show the entity layer + repaint, 1 MB", t_hide, "", ""),
        ("Batch of 500 new spans all over 1 MB + the repaint it triggers", t_batch, "", ""),
    ]
    lines = big.count("\n") + 1
    print(
        f"text: {len(big):,} code points ({len(big.encode('utf-8')):,} bytes UTF-8), "
        f"{lines:,} lines; median of {args.repeat} runs (edits: {args.repeat * 10}, "
        f"scrolls: {args.repeat * 5}), measures taking turns"
    )
    print(f"| {'measure':<64} | {'ms':>8} | {'ratio':<12} | {'target':<16} |")
    print(f"|{'-' * 66}|{'-' * 10}|{'-' * 14}|{'-' * 18}|")
    for name, ms, ratio, target in rows:
        print(f"| {name:<64} | {ms:8.2f} | {ratio:<12} | {target:<16} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
