"""The agreement report's exact text found lacking by mutation testing: what each HTML
table and note says, which labels get a row, the tooltip that says why a cell is n/a, the
time table, where the confusion chart puts its column labels and which cells it colours as
agreement, that bars do not overlap, and the "Not computable" list of the terminal table.

The HTML comes from ``annotator agree --report`` (or ``render_html`` of
``compute_agreement``, as a library user calls it) on corpora whose numbers are worked out
by hand from the spans in the test.

The one mutant of ``annotator/agreement/report.py`` that survives these tests is equivalent:

- ``format_text`` 52 (``entry.get("matched_exact")`` without the default 0): the table only
  prints labels someone marked, and ``compute_agreement`` (the only source of its input)
  sets ``matched_exact`` on every such label, so the default is never used.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from itertools import pairwise
from pathlib import Path

import orjson
import pytest

from annotator.agreement import compute_agreement
from annotator.agreement.report import format_text, render_html
from annotator.corpus import Corpus
from tests.cli_helpers import run
from tests.conftest import add_text
from tests.test_agreement_helpers import make_annotation, save, seed_versions

SHORT = "Hello world.\nSecond line."
NO_TIME = '<td class="na" title="no time recorded">n/a</td>'


@pytest.fixture
def pair_corpus(seed_corpus: Corpus, seed_text: str) -> Corpus:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article"})
    return seed_corpus


def _report(capsys: pytest.CaptureFixture[str], corpus: Corpus, tmp_path: Path,
            *extra: str) -> str:
    path = tmp_path / "report.html"
    code, _, err = run(capsys, "agree", str(corpus.root), "--report", str(path), *extra)
    assert code == 0, err
    return path.read_text("utf-8")


def _between(html: str, start: str, end: str) -> str:
    """The text from ``start`` up to (not including) the next ``end``."""
    i = html.index(start)
    return html[i:html.index(end, i)]


def test_report_summary_label_table_and_notes(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = _report(capsys, pair_corpus, tmp_path)
    assert ("<p>Annotators: <b>alice, bob</b>. Documents compared: <b>1</b> "
            "(none left out).</p><h2>Time per done document</h2>") in html
    table = _between(html, "<table><tr><th>label</th>", "</table>")
    assert table.startswith(
        "<table><tr><th>label</th><th>layer</th><th>n alice</th><th>n bob</th><th>P exact</th>"
        "<th>R exact</th><th>F1 exact</th><th>P overlap</th><th>R overlap</th>"
        "<th>F1 overlap</th><th>alpha_u</th></tr>"
    )
    # Only labels someone marked get a row (subtitle, date and MISC: nobody), then overall.
    assert re.findall(r"<tr><td>([^<]*)</td>", table) == [
        "article", "boilerplate", "title", "byline", "PER", "ORG", "LOC", "overall"]
    # Only alice marked a boilerplate span: precision is undefined, and the cell says why.
    why = "undefined for every pair (one side marked none)"
    assert (
        "<tr><td>boilerplate</td><td>structure</td><td>1</td><td>0</td>"
        f'<td class="na" title="{why}">n/a</td><td>0.000</td><td>0.000</td>'
        f'<td class="na" title="{why}">n/a</td><td>0.000</td><td>0.000</td>'
    ) in table
    assert ('</table><p class="note">Precision and recall take the first annotator of each pair '
            "as the reference; values are means over pairs.</p><h2>Character kappa") in html
    notes = _between(html, "<h2>How these numbers are computed</h2>", "</body>")
    code, out, _ = run(capsys, "agree", str(pair_corpus.root), "--json")
    assert code == 0
    expected = orjson.loads(out)["notes"]
    assert len(expected) >= 5
    assert re.findall(r"<li>([^<]*)</li>", notes) == [html_escape(n) for n in expected]


def test_report_kappa_doc_labels_and_articles(
    pair_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = _report(capsys, pair_corpus, tmp_path)
    assert ("<table><tr><th>layer</th><th>Cohen kappa</th></tr><tr><td>structure</td>"
            "<td>0.980</td></tr><tr><td>part</td><td>1.000</td></tr><tr><td>entity</td>"
            "<td>0.666</td></tr></table>") in html
    # Both said "article": no variation, the cell's tooltip says so.
    assert ('<tr><td>page_type</td><td class="na" title="every annotator gave the same value to '
            'every unit: with no variation alpha is undefined">n/a</td><td>1</td><td>0</td></tr>'
            ) in html
    # Both articles start at the title; alice's ends 20 characters after bob's.
    assert ("<tr><td>alice / bob</td><td>1</td><td>0.0 / 0</td><td>0.0</td><td>20.0 / 20</td>"
            "<td>0.0</td></tr>") in html


def test_report_of_three_annotators_names_fleiss(
    pair_corpus: Corpus, seed_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(pair_corpus, seed_text, "seed", "carol", seed_versions(seed_text)["alice"])
    html = _report(capsys, pair_corpus, tmp_path)
    assert "<p>Annotators: <b>alice, bob, carol</b>." in html
    assert "<table><tr><th>layer</th><th>Fleiss kappa</th></tr>" in html


def test_time_table_says_why_a_time_is_missing(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_text(corpus, "a", SHORT)
    timed = make_annotation(SHORT, "a", "alice", [(0, 5, "ORG")])
    corpus.save_annotation(timed.model_copy(update={"time_spent_s": 90}))
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG")])  # no time recorded
    html = _report(capsys, corpus, tmp_path)
    assert (
        "<h2>Time per done document</h2><table><tr><th>annotator</th><th>done</th>"
        "<th>median active minutes</th><th>documents per active hour</th>"
        "<th>no time recorded</th></tr>"
        "<tr><td>alice</td><td>1</td><td>1.500</td><td>40.000</td><td>0</td></tr>"
        f"<tr><td>bob</td><td>1</td>{NO_TIME}{NO_TIME}<td>1</td></tr></table>"
    ) in html


def test_report_without_time_figures_has_no_time_section(corpus: Corpus) -> None:
    # compute_agreement alone adds no "time" (the agree command does): nothing in its place.
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")])
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG")])
    html = render_html(compute_agreement(corpus))
    assert "(none left out).</p><h2>Agreement per label</h2><svg" in html
    assert "Time per done document" not in html


def _bars(html: str) -> list[tuple[str, float, float]]:
    """(label, y, height) of every value bar of the per-label chart, in drawing order."""
    svg = _between(html, '<svg width="780"', "</svg>")
    return [(name, float(y), float(h)) for y, h, name in re.findall(
        r'<rect x="[^"]*" y="([^"]*)" width="[^"]*" height="([^"]*)" fill="[^"]*">'
        r"<title>(\S+) \S+ [^<]*</title>", svg)]


def test_bars_of_one_label_do_not_overlap(corpus: Corpus) -> None:
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")])
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG")])
    bars = _bars(render_html(compute_agreement(corpus)))
    # ORG and overall: F1 exact, F1 overlap and alpha_u, all 1.0.
    assert [b[0] for b in bars] == ["ORG"] * 3 + ["overall"] * 3
    for (name, y, h), (next_name, next_y, _) in pairwise(bars):
        assert h > 0
        if name == next_name:
            assert next_y - (y + h) == 1, (name, y, h, next_y)  # a 1px gap between bars


def test_confusion_chart_columns_and_colours(corpus: Corpus) -> None:
    # alice: ORG "Hello", PER "world"; bob: ORG "Hello", LOC "world".
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG"), (6, 11, "PER")])
    save(corpus, SHORT, "a", "bob", [(0, 5, "ORG"), (6, 11, "LOC")])
    html = render_html(compute_agreement(corpus))
    svg = _between(html, "<h3>entity</h3>", "</svg>")
    cells = re.findall(r'<rect x="(\d+)" y="(\d+)" width="\d+" height="\d+" fill="([^"]+)" '
                       r'fill-opacity="[^"]+"><title>(\w+) → (\w+): (\d+) chars</title>', svg)
    # Rows and columns: O, PER, ORG, LOC (MISC: nobody used it).
    used = ["O", "PER", "ORG", "LOC"]
    assert [(r, c) for *_, r, c, _ in cells] == [(r, c) for r in used for c in used]
    counts = {(r, c): int(n) for *_, r, c, n in cells}
    assert counts[("O", "O")] == len(SHORT) - 10
    assert counts[("ORG", "ORG")] == 5 and counts[("PER", "LOC")] == 5
    # Same label on both sides (the diagonal) is green, a disagreement red.
    for _, _, fill, r, c, _ in cells:
        assert fill == ("#2e7d32" if r == c else "#c62828"), (r, c)
    # Each column's label sits over its column, 6px above the first row.
    column_x = [int(x) for x, *_ in cells[:len(used)]]
    top = int(cells[0][1])
    width = int(re.search(r'<rect x="\d+" y="\d+" width="(\d+)"', svg).group(1))
    headers = re.findall(r'<text transform="translate\((\d+),(\d+)\) rotate\(-45\)">(\w+)</text>',
                         svg)
    cell = column_x[1] - column_x[0]
    assert cell == width + 2
    assert headers == [(str(x + cell // 2), str(top - 6), name)
                       for x, name in zip(column_x, used, strict=True)]


def test_terminal_table_says_why_overall_alpha_u_is_missing(
    corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    add_text(corpus, "a", SHORT)
    save(corpus, SHORT, "a", "alice", [])
    save(corpus, SHORT, "a", "bob", [])
    code, out, _ = run(capsys, "agree", str(corpus.root))
    assert code == 0
    listed = out[out.index("Not computable:\n"):].splitlines()
    assert "  overall alpha_u: no annotator marked any span" in listed


def test_terminal_text_lists_the_articles(pair_corpus: Corpus) -> None:
    # seed_versions: one article each, same start, bob's ends 20 chars earlier on the same line.
    lines = format_text(compute_agreement(pair_corpus)).splitlines()
    i = lines.index("Articles found: alice 1, bob 1")
    assert lines[i + 1] == (
        "  alice/bob: 1 matched; start differs by 0.0 chars (0.0 lines) on average, end by "
        "20.0 chars (0.0 lines); same start 1, same end 0"
    )


def test_disputed_chart_rows_and_height(corpus: Corpus) -> None:
    # Two disputed documents, rows 18 px apart from y=4: labels sit 12 px below each row's
    # top (16, 34), and the chart is 2 * 18 + 10 px high.
    for doc_id in ("a", "b"):
        add_text(corpus, doc_id, SHORT)
    save(corpus, SHORT, "a", "alice", [(0, 5, "ORG")])
    save(corpus, SHORT, "a", "bob", [(6, 11, "ORG")])
    save(corpus, SHORT, "b", "alice", [(0, 5, "PER")])
    save(corpus, SHORT, "b", "bob", [])
    html = render_html(compute_agreement(corpus))
    svg = _between(html, '<svg width="710" height="', 'aria-label="most disputed documents"')
    assert svg == '<svg width="710" height="46" role="img" '
    assert '<text x="194" y="16" text-anchor="end">a</text>' in html
    assert '<text x="194" y="34" text-anchor="end">b</text>' in html
