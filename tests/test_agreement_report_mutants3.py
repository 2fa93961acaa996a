"""The agreement report's exact output, third round of mutation testing: the geometry of
the three SVG charts of the HTML report (bar positions and widths worked out from the
values, axis ticks, colours per metric and per cell, the number shown on each cell, where
the names go and how they are escaped), the whole terminal table of a three-annotator
result, the HTML sections the earlier tests left loose, and the "left out" sentence.

``format_text`` and ``render_html`` take the result dictionary ``compute_agreement``
returns (with ``time`` added by ``agree``); the tests build that dictionary by hand, with
the keys ``compute_agreement`` sets, so that every number on the page is chosen to make
the expected geometry easy to derive by hand (each derivation is in a comment).

Equivalent mutants of ``annotator/agreement/report.py`` (no observable change). Several
rest on what ``compute_agreement`` (the only source of the result) guarantees: a metric is
None exactly when a ``<metric>_reason`` stands beside it, every label has its scheme layer
(a span of a label outside the scheme makes its file unusable), every label with a span
has ``matched_exact``/``matched_overlap``, ``notes`` is always set, and there are n(n-1)/2
pairs, never 2.

- ``_e`` 4: drops ``quote=True`` from ``html.escape``, whose default is already True.
- ``_cell`` 4 (``reason or "XXXX"``): a None is always given with its reason.
- ``_table`` 17, 20, 21 (``strict=`` of the zip): every row has the header's length.
- ``_table`` 23 (``lstrip`` for ``rstrip``): the last column is right-aligned and never
  empty, so no line ends in blanks, and no first cell (a name) starts with one.
- ``_confusion_svg`` 47 (``or 2``) and ``_disputed_svg`` 17 (``or 2``): the fallback divides
  only zeros (an empty row, all scores 0), which give 0 whatever the divisor.
- ``format_text`` 44 (``layer or "XXXX"``): every label has a layer.
- ``format_text`` 50, 52, 55, 62, 64, 67 (the default of ``matched_exact`` and
  ``matched_overlap``): set on every label that gets a row.
- ``format_text`` 82, 83, 125, 126, 127, 128 (``value is None and reason`` loosened): the
  reason is there exactly when the value is None.
- ``format_text`` 145 (``> 2`` pairs for the "summed over pairs" note): never 2 pairs.
- ``render_html`` 286, 288 (the default of ``notes``): always set.
"""

from __future__ import annotations

import re
from typing import Any

from annotator import __version__
from annotator.agreement.report import excluded_summary, format_text, render_html


def _between(text: str, start: str, end: str) -> str:
    """The text from ``start`` up to and including the next ``end``."""
    i = text.index(start)
    return text[i:text.index(end, i) + len(end)]


def _label(layer: str, n: dict[str, int], **values: Any) -> dict[str, Any]:
    """A per-label entry as compute_agreement writes it: each metric a value or None and a
    ``<metric>_reason`` beside a None."""
    entry: dict[str, Any] = {"layer": layer, "n": n}
    for key in ("precision_exact", "recall_exact", "f1_exact", "precision_overlap",
                "recall_overlap", "f1_overlap", "alpha_u"):
        entry[key] = values.get(key)
        if entry[key] is None:
            entry[f"{key}_reason"] = values.get(f"{key}_reason", f"no {key}")
    entry["matched_exact"] = values.get("matched_exact", 0)
    entry["matched_overlap"] = values.get("matched_overlap", 0)
    return entry


def _result(**parts: Any) -> dict[str, Any]:
    """A two-annotator result with nothing in it; ``parts`` replace its entries."""
    zero = {"alice": 0, "bob": 0}
    result: dict[str, Any] = {
        "annotators": ["alice", "bob"],
        "documents": 1,
        "include_unfinished": False,
        "excluded": [],
        "problems": [],
        "labels": {},
        "overall": _label("", zero),
        "kappa_char": {},
        "kappa_char_method": "cohen",
        "kappa_char_reasons": {},
        "doc_labels": {},
        "pairs": [{"a": "alice", "b": "bob", "overall": {
            "f1_exact": None, "f1_overlap": None, "matched_exact": 0, "matched_overlap": 0}}],
        "confusion": {},
        "disputed": [],
        "notes": [],
    }
    result["overall"].pop("layer")
    result.update(parts)
    return result


# --------------------------------------------------------------------------- bars


def _bars_result() -> dict[str, Any]:
    return _result(
        labels={
            "A<&>": _label("entity", {"alice": 1, "bob": 1}, f1_exact=0.5, f1_overlap=1.0,
                           alpha_u=-0.5),
            # Nobody marked it: no row in the chart.
            "B": _label("entity", {"alice": 0, "bob": 0}),
            "C": _label("entity", {"alice": 1, "bob": 0}, f1_overlap=0.25, alpha_u=0.0),
        },
        overall={**_label("", {"alice": 2, "bob": 1}, f1_exact=0.75, f1_overlap=0.75,
                          alpha_u=0.5)},
    )


def test_bars_chart_geometry_with_a_negative_value() -> None:
    svg = _between(render_html(_bars_result()), '<svg width="780"', "</svg>")
    # The lowest value is -0.5: the axis runs from -0.5 to 1 over 520 px right of x=110, so
    # x(v) = 110 + (v + 0.5) / 1.5 * 520: x(-0.5)=110, x(-0.25)=196.7, x(0)=283.3,
    # x(0.25)=370, x(0.5)=456.7, x(0.75)=543.3, x(1)=630.
    # Three rows (A<&>, C, overall) of 3 bars of 11 px and a 10 px gap: 43 px each, so the
    # chart is 40 + 3 * 43 = 169 px high and the tick lines end 10 px above that.
    ticks = "".join(
        f'<line x1="{x}" y1="20" x2="{x}" y2="159" stroke="#ddd"/>'
        f'<text x="{x}" y="14" text-anchor="middle">{label}</text>'
        for x, label in [("110.0", "-0.5"), ("196.7", "-0.25"), ("283.3", "0"),
                         ("370.0", "0.25"), ("456.7", "0.5"), ("543.3", "0.75"),
                         ("630.0", "1")])

    def bar(x: str, y: int, width: str, fill: str, title: str, value_x: str, value: str) -> str:
        # A bar is 10 px high; its value sits 4 px right of its end, 9 px below its top.
        return (f'<rect x="{x}" y="{y}" width="{width}" height="10" fill="{fill}">'
                f'<title>{title}</title></rect><text x="{value_x}" y="{y + 9}">{value}</text>')

    blue, light, green = "#1565c0", "#5e92f3", "#2e7d32"
    rows = (
        # Row 0 from y=24; its name right-aligned 6 px left of the axis, at mid-row 24 + 21.5.
        '<text x="104" y="45.5" text-anchor="end">A&lt;&amp;&gt;</text>'
        # 0.5: from x(0) to x(0.5), 173.3 wide; 1.0: 630 - 283.3 = 346.7 wide.
        + bar("283.3", 24, "173.3", blue, "A&lt;&amp;&gt; f1_exact 0.500", "460.7", "0.50")
        + bar("283.3", 35, "346.7", light, "A&lt;&amp;&gt; f1_overlap 1.000", "634.0", "1.00")
        # -0.5 runs left from x(0) to x=110; its value still sits right of x(0).
        + bar("110.0", 46, "173.3", green, "A&lt;&amp;&gt; alpha_u -0.500", "287.3", "-0.50")
        # Row 1 (C) from y=67: F1 exact is n/a, said in grey 4 px right of x(0).
        + '<text x="104" y="88.5" text-anchor="end">C</text>'
        + '<text x="287.3" y="76" fill="#999">f1_exact: n/a</text>'
        + bar("283.3", 78, "86.7", light, "C f1_overlap 0.250", "374.0", "0.25")
        # 0 has no length: drawn 0.5 px wide so it still shows.
        + bar("283.3", 89, "0.5", green, "C alpha_u 0.000", "287.3", "0.00")
        # Row 2 (overall) from y=110: 0.75 is 543.3 - 283.3 = 260 wide.
        + '<text x="104" y="131.5" text-anchor="end">overall</text>'
        + bar("283.3", 110, "260.0", blue, "overall f1_exact 0.750", "547.3", "0.75")
        + bar("283.3", 121, "260.0", light, "overall f1_overlap 0.750", "547.3", "0.75")
        + bar("283.3", 132, "173.3", green, "overall alpha_u 0.500", "460.7", "0.50")
    )
    # The legend: 4 px above the bottom (y=165), one swatch every 120 px from x=110.
    legend = "".join(
        f'<rect x="{x}" y="156" width="10" height="10" fill="{fill}"/>'
        f'<text x="{x + 14}" y="165">{metric}</text>'
        for x, fill, metric in [(110, blue, "f1_exact"), (230, light, "f1_overlap"),
                                (350, green, "alpha_u")])
    assert svg == ('<svg width="780" height="169" role="img" aria-label="agreement per label">'
                   + ticks + rows + legend + "</svg>")


def test_bars_chart_axis_starts_at_zero_without_negative_values() -> None:
    result = _result(
        labels={"ORG": _label("entity", {"alice": 1, "bob": 1}, f1_exact=1.0, f1_overlap=0.5,
                              alpha_u=0.25)},
        overall=_label("", {"alice": 1, "bob": 1}, f1_exact=0.75, f1_overlap=0.5,
                       alpha_u=0.25),
    )
    result["overall"].pop("layer")
    svg = _between(render_html(result), '<svg width="780"', "</svg>")
    # Nothing below 0: the axis is 0..1 over 520 px, x(v) = 110 + 520 v; two rows, so
    # 40 + 2 * 43 = 126 px high.
    assert svg.startswith('<svg width="780" height="126" ')
    assert re.findall(r'<line x1="([^"]+)" y1="20" x2="\1" y2="116" stroke="#ddd"/>'
                      r'<text x="\1" y="14" text-anchor="middle">([^<]+)</text>', svg) == [
        ("110.0", "0"), ("240.0", "0.25"), ("370.0", "0.5"), ("500.0", "0.75"), ("630.0", "1")]
    bars = re.findall(r'<rect x="([^"]+)" y="(\d+)" width="([^"]+)" height="10" fill="[^"]+">'
                      r"<title>([^<]+)</title></rect><text x=\"([^\"]+)\"", svg)
    assert bars == [
        ("110.0", "24", "520.0", "ORG f1_exact 1.000", "634.0"),
        ("110.0", "35", "260.0", "ORG f1_overlap 0.500", "374.0"),
        ("110.0", "46", "130.0", "ORG alpha_u 0.250", "244.0"),
        ("110.0", "67", "390.0", "overall f1_exact 0.750", "504.0"),
        ("110.0", "78", "260.0", "overall f1_overlap 0.500", "374.0"),
        ("110.0", "89", "130.0", "overall alpha_u 0.250", "244.0"),
    ]


def test_bars_chart_ticks_only_at_quarters_inside_the_axis() -> None:
    result = _result(
        labels={"ORG": _label("entity", {"alice": 1, "bob": 1}, f1_exact=1.0, f1_overlap=1.0,
                              alpha_u=-0.2)},
        overall=_label("", {"alice": 1, "bob": 1}, f1_exact=1.0, f1_overlap=1.0,
                       alpha_u=-0.2),
    )
    result["overall"].pop("layer")
    svg = _between(render_html(result), '<svg width="780"', "</svg>")
    # The axis starts at -0.2, x(v) = 110 + (v + 0.2) / 1.2 * 520; -0.25 lies outside it,
    # so the first tick is 0 at 196.7, then 305, 413.3, 521.7 and 630.
    assert re.findall(r'<text x="([^"]+)" y="14" text-anchor="middle">([^<]+)</text>', svg) == [
        ("196.7", "0"), ("305.0", "0.25"), ("413.3", "0.5"), ("521.7", "0.75"), ("630.0", "1")]


# --------------------------------------------------------------------------- confusion


def test_confusion_chart_cells_colours_and_numbers() -> None:
    labels = ["O", "A&B", "ORG", "MISC", "LOC", "X"]
    matrix = [
        [1_000_000, 0, 0, 0, 0, 0],
        [0, 10_000, 0, 0, 30_000, 0],
        [0, 0, 9_999, 0, 0, 9_999],
        [0, 0, 0, 0, 0, 0],  # MISC: nobody used it, on either side
        [0, 0, 0, 0, 0, 0],  # LOC: only the second annotator used it
        [1_750_000, 0, 0, 0, 0, 1_750_000],
    ]
    result = _result(confusion={"ent<1>": {"labels": labels, "matrix": matrix}})
    html = render_html(result)
    assert "<h2>Label confusion (characters)</h2><h3>ent&lt;1&gt;</h3><svg" in html
    svg = _between(html, "<h3>ent&lt;1&gt;</h3>", "</svg>").removeprefix("<h3>ent&lt;1&gt;</h3>")
    # Five labels used (MISC left out): 5 cells of 46 px from x=100, y=90, so the chart is
    # 100 + 230 + 20 = 350 wide and 90 + 230 + 30 = 350 high.
    assert svg.startswith('<svg width="350" height="350" role="img" '
                          'aria-label="confusion ent&lt;1&gt;">')
    used = ["O", "A&amp;B", "ORG", "LOC", "X"]
    # Column names at each column's middle (100 + 46 j + 23), 6 px above the grid.
    assert re.findall(r'<text transform="translate\((\d+),(\d+)\) rotate\(-45\)">([^<]+)</text>',
                      svg) == [(str(123 + 46 * j), "84", name) for j, name in enumerate(used)]
    # Row names right-aligned 6 px left of the grid, 4 px below each row's middle.
    assert re.findall(r'<text x="94" y="([\d.]+)" text-anchor="end">([^<]+)</text>', svg) == [
        (f"{117 + 46 * i}.0", name) for i, name in enumerate(used)]
    # Opacity 0.08 + 0.92 * (share of the row): a whole row 1.000, a half 0.540, a quarter
    # 0.310, three quarters 0.770, nothing 0.080 (also in LOC's empty row, counted as 1).
    # The number: 1.0M from 1,000,000 on, k from 10,000 on (13.5k and 1.75M round to even).
    shares = {
        "O": ["1.000", "0.080", "0.080", "0.080", "0.080"],
        "A&amp;B": ["0.080", "0.310", "0.080", "0.770", "0.080"],
        "ORG": ["0.080", "0.080", "0.540", "0.080", "0.540"],
        "LOC": ["0.080"] * 5,
        "X": ["0.540", "0.080", "0.080", "0.080", "0.540"],
    }
    numbers = {
        "O": [("1000000", "1.0M"), ("0", "0"), ("0", "0"), ("0", "0"), ("0", "0")],
        "A&amp;B": [("0", "0"), ("10000", "10k"), ("0", "0"), ("30000", "30k"), ("0", "0")],
        "ORG": [("0", "0"), ("0", "0"), ("9999", "9999"), ("0", "0"), ("9999", "9999")],
        "LOC": [("0", "0")] * 5,
        "X": [("1750000", "1.8M"), ("0", "0"), ("0", "0"), ("0", "0"), ("1750000", "1.8M")],
    }
    expected = []
    for i, row in enumerate(used):
        y = 90 + 46 * i
        for j, col in enumerate(used):
            chars, shown = numbers[row][j]
            expected.append((
                str(100 + 46 * j), str(y), "#2e7d32" if i == j else "#c62828",
                shares[row][j], f"{row} → {col}: {chars} chars",
                # the number centred in the 44 px square: 100 + 46 j + 23 - 1, y + 23 + 4
                f"{122 + 46 * j}.0", f"{y + 27}.0", shown))
    cells = re.findall(
        r'<rect x="(\d+)" y="(\d+)" width="44" height="44" fill="([^"]+)" fill-opacity="([^"]+)">'
        r'<title>([^<]+)</title></rect><text x="([^"]+)" y="([^"]+)" text-anchor="middle" '
        r'font-size="10">([^<]+)</text>', svg)
    assert cells == expected
    assert svg.endswith('<text x="100" y="340" class="note">rows: first annotator, '
                        "columns: second</text></svg>")


def test_small_confusion_chart_keeps_its_minimum_width_and_empty_layers_are_left_out() -> None:
    confusion = {
        "none": {"labels": ["O", "PER"], "matrix": [[0, 0], [0, 0]]},
        "entity": {"labels": ["O", "PER"], "matrix": [[13_500, 0], [0, 0]]},
    }
    html = render_html(_result(confusion=confusion))
    # A layer with no characters at all has no chart and no heading.
    assert "<h3>none</h3>" not in html
    svg = _between(html, "<h3>entity</h3>", "</svg>")
    # One label used: 100 + 46 + 20 = 166 px would be too narrow: 330. 90 + 46 + 30 high.
    # 13,500 characters: 13.5k, shown rounded to even.
    assert svg == (
        '<h3>entity</h3><svg width="330" height="166" role="img" aria-label="confusion entity">'
        '<text transform="translate(123,84) rotate(-45)">O</text>'
        '<text x="94" y="117.0" text-anchor="end">O</text>'
        '<rect x="100" y="90" width="44" height="44" fill="#2e7d32" fill-opacity="1.000">'
        "<title>O → O: 13500 chars</title></rect>"
        '<text x="122.0" y="117.0" text-anchor="middle" font-size="10">14k</text>'
        '<text x="100" y="156" class="note">rows: first annotator, columns: second</text></svg>')


# --------------------------------------------------------------------------- disputed


def _disputed(doc_id: str, unmatched: int, labels: int, disputed: int, chars: int
              ) -> dict[str, Any]:
    return {"doc_id": doc_id, "unmatched_spans": unmatched, "doc_labels_differing": labels,
            "disputed_chars": disputed, "chars": chars}


def test_disputed_chart_geometry() -> None:
    long_id = "<b>" + "d" * 30  # 33 characters: the label shows the first 28
    disputed = [_disputed(long_id, 3, 1, 40, 100), _disputed("b", 1, 0, 5, 50),
                _disputed("c", 0, 0, 7, 60)]
    html = render_html(_result(disputed=disputed))
    svg = _between(html, "<h2>Most disputed documents</h2>", "</svg>").removeprefix(
        "<h2>Most disputed documents</h2>")
    # Scores (unmatched spans + document labels differing): 4, 1, 0. The longest bar is
    # 420 px from x=200; the others 1/4 of it (105) and none (drawn 0.5 px wide). Rows of
    # 18 px from y=4: 3 * 18 + 10 = 64 high; each score 4 px right of its bar's end.
    assert svg == (
        '<svg width="710" height="64" role="img" aria-label="most disputed documents">'
        '<text x="194" y="16" text-anchor="end">&lt;b&gt;' + "d" * 25 + "</text>"
        '<rect x="200" y="4" width="420.0" height="14" fill="#c62828"><title>&lt;b&gt;'
        + "d" * 30 + ": 3 unmatched spans, 1 document labels differ, 40 disputed characters"
        '</title></rect><text x="624.0" y="16">4</text>'
        '<text x="194" y="34" text-anchor="end">b</text>'
        '<rect x="200" y="22" width="105.0" height="14" fill="#c62828"><title>b: 1 unmatched '
        'spans, 0 document labels differ, 5 disputed characters</title></rect>'
        '<text x="309.0" y="34">1</text>'
        '<text x="194" y="52" text-anchor="end">c</text>'
        '<rect x="200" y="40" width="0.5" height="14" fill="#c62828"><title>c: 0 unmatched '
        'spans, 0 document labels differ, 7 disputed characters</title></rect>'
        '<text x="204.0" y="52">0</text></svg>'
    )


def test_disputed_chart_when_only_characters_differ() -> None:
    # Every score is 0 (only characters are disputed): no division by zero, all bars 0.5 px.
    html = render_html(_result(disputed=[_disputed("a", 0, 0, 3, 10)]))
    assert ('<rect x="200" y="4" width="0.5" height="14" fill="#c62828"><title>a: 0 unmatched '
            'spans, 0 document labels differ, 3 disputed characters</title></rect>'
            '<text x="204.0" y="16">0</text></svg>') in html


def test_no_disputed_documents() -> None:
    html = render_html(_result())
    assert ("<h2>Most disputed documents</h2><p>No disagreement in the compared documents.</p>"
            "<h2>How these numbers are computed</h2><ul></ul></body></html>\n") in html


# --------------------------------------------------------------------------- summary


def test_excluded_summary_counts_each_kind() -> None:
    excluded = [
        {"doc_id": "a", "reason": "no annotation by bob"},
        {"doc_id": "b", "reason": "not done by alice"},
        {"doc_id": "c", "reason": "not done by alice, bob"},
        {"doc_id": "d", "reason": "skipped by bob"},
        {"doc_id": "e", "reason": "unusable file annotations/bob/e.json: not JSON"},
        {"doc_id": "f", "reason": "text changed"},
    ]
    # Most frequent first; equal counts keep the order they first appear in; a reason of no
    # known kind is listed as itself.
    assert excluded_summary(_result(excluded=excluded)) == (
        "6 left out: 2 not done, 1 no annotation, 1 skipped, 1 unusable file, 1 text changed")
    assert excluded_summary(_result()) == "none left out"


# --------------------------------------------------------------------------- HTML sections


def test_html_head_title_and_names_are_escaped() -> None:
    result = _result(annotators=["o'neil", "<bob>"],
                     overall={"n": {"o'neil": 0, "<bob>": 0}, "alpha_u": None,
                              "alpha_u_reason": "none"})
    html = render_html(result, title="Agreement: <x> & y")
    assert html.startswith(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="article-annotator {__version__}">'
        "<title>Agreement: &lt;x&gt; &amp; y</title><style>")
    assert ("</style></head><body><h1>Agreement: &lt;x&gt; &amp; y</h1>"
            "<p>Annotators: <b>o&#x27;neil, &lt;bob&gt;</b>. Documents compared: <b>1</b> "
            "(none left out).</p><h2>Agreement per label</h2>") in html
    assert "<th>n o&#x27;neil</th><th>n &lt;bob&gt;</th>" in html
    # A library caller who gives no title gets "Agreement".
    plain = render_html(_result())
    assert "<title>Agreement</title>" in plain and "<h1>Agreement</h1>" in plain


def test_html_label_table_rows() -> None:
    html = render_html(_bars_result())
    na = '<td class="na" title="no {}">n/a</td>'.format
    # Precision and recall were left None (with a reason) in _bars_result; "B" has no span
    # and no row; overall has no layer: an empty cell.
    assert (
        "<th>F1 overlap</th><th>alpha_u</th></tr>"
        f"<tr><td>A&lt;&amp;&gt;</td><td>entity</td><td>1</td><td>1</td>"
        f"{na('precision_exact')}{na('recall_exact')}<td>0.500</td>"
        f"{na('precision_overlap')}{na('recall_overlap')}<td>1.000</td><td>-0.500</td></tr>"
        f"<tr><td>C</td><td>entity</td><td>1</td><td>0</td>"
        f"{na('precision_exact')}{na('recall_exact')}{na('f1_exact')}"
        f"{na('precision_overlap')}{na('recall_overlap')}<td>0.250</td><td>0.000</td></tr>"
        f"<tr><td>overall</td><td></td><td>2</td><td>1</td>"
        f"{na('precision_exact')}{na('recall_exact')}<td>0.750</td>"
        f"{na('precision_overlap')}{na('recall_overlap')}<td>0.750</td><td>0.500</td></tr>"
        '</table><p class="note">'
    ) in html


def test_html_overall_row_even_when_nobody_marked_a_span() -> None:
    html = render_html(_result())
    na = "".join(f'<td class="na" title="no {k}">n/a</td>' for k in (
        "precision_exact", "recall_exact", "f1_exact", "precision_overlap", "recall_overlap",
        "f1_overlap", "alpha_u"))
    assert (f"<th>alpha_u</th></tr><tr><td>overall</td><td></td><td>0</td><td>0</td>{na}</tr>"
            "</table>") in html


def test_html_kappa_and_document_label_tables() -> None:
    result = _result(
        kappa_char={"entity": None, "part": 0.5}, kappa_char_method="fleiss",
        kappa_char_reasons={"entity": "no variation"},
        doc_labels={
            "page<type>": {"alpha": 0.4, "units": 3, "n": {"alice": 3, "bob": 3},
                           "documents_differing": 1},
            "topic": {"alpha": None, "alpha_reason": "one value", "units": 2,
                      "n": {"alice": 2, "bob": 2}, "documents_differing": 0},
        },
    )
    html = render_html(result)
    assert ("<h2>Character kappa and document labels</h2>"
            "<table><tr><th>layer</th><th>Fleiss kappa</th></tr>"
            '<tr><td>entity</td><td class="na" title="no variation">n/a</td></tr>'
            "<tr><td>part</td><td>0.500</td></tr></table>"
            "<table><tr><th>document label</th><th>alpha</th><th>documents</th>"
            "<th>differ</th></tr>"
            "<tr><td>page&lt;type&gt;</td><td>0.400</td><td>3</td><td>1</td></tr>"
            '<tr><td>topic</td><td class="na" title="one value">n/a</td><td>2</td><td>0</td>'
            "</tr></table><h2>Label confusion (characters)</h2>") in html


def test_html_lists_at_most_500_left_out_documents() -> None:
    excluded = [{"doc_id": f"d<{i}>", "reason": "not done by bob & al"} for i in range(501)]
    html = render_html(_result(excluded=excluded))
    section = _between(html, "<h2>Left out (501)</h2>", "<h2>How")
    assert section.startswith(
        '<h2>Left out (501)</h2><table><tr><th>document</th><th>why</th></tr>'
        '<tr><td>d&lt;0&gt;</td><td style="text-align:left">not done by bob &amp; al</td></tr>')
    assert section.count("<tr><td>") == 500
    assert ('<tr><td>d&lt;499&gt;</td><td style="text-align:left">not done by bob &amp; al'
            '</td></tr></table><p class="note">… and 1 more.</p><h2>How') in section
    assert "(501 left out: 501 not done)" in html
    # Exactly 500: all listed, no note.
    html = render_html(_result(excluded=excluded[:500]))
    assert ('<tr><td>d&lt;499&gt;</td><td style="text-align:left">not done by bob &amp; al'
            "</td></tr></table><h2>How") in html


def test_html_time_table_note() -> None:
    time = {"alice": {"done": 1, "timed": 1, "no_time_recorded": 0, "active_seconds": 60,
                      "median_active_minutes": 1.0, "docs_per_active_hour": 60.0}}
    html = render_html(_result(time=time))
    assert ("<tr><td>alice</td><td>1</td><td>1.000</td><td>60.000</td><td>0</td></tr>"
            '</table><p class="note">Over all their done documents; a document done with no '
            "time recorded is counted apart and left out of the median and the rate.</p>"
            "<h2>Agreement per label</h2>") in html


def test_html_article_boundaries() -> None:
    articles = {"found": {"a<1>": 2, "bob": 1}, "pairs": [{
        "a": "a<1>", "b": "bob", "matched": 1,
        "start_chars": {"mean": 2.0, "max": 3, "zero": 0},
        "start_lines": {"mean": None, "max": None, "zero": 0},
        "end_chars": {"mean": 12.5, "max": 20, "zero": 0},
        "end_lines": {"mean": 1.0, "max": 1, "zero": 0},
    }]}
    html = render_html(_result(articles=articles))
    assert ("<h2>Article boundaries</h2><p>Articles found: a&lt;1&gt; 2, bob 1</p>"
            "<table><tr><th>pair</th><th>matched</th><th>start Δ chars (mean / max)</th>"
            "<th>start Δ lines</th><th>end Δ chars</th><th>end Δ lines</th></tr>"
            "<tr><td>a&lt;1&gt; / bob</td><td>1</td><td>2.0 / 3</td><td>n/a</td>"
            "<td>12.5 / 20</td><td>1.0</td></tr></table><h2>Most disputed") in html


# --------------------------------------------------------------------------- terminal


def _three_result() -> dict[str, Any]:
    names = ["alice", "bob", "carol"]

    def n(a: int, b: int, c: int) -> dict[str, int]:
        return dict(zip(names, (a, b, c), strict=True))

    def pair(a: str, b: str, exact: int, overlap: int, f1_exact: float | None,
             f1_overlap: float | None, alpha_u: float | None = None) -> dict[str, Any]:
        p: dict[str, Any] = {"a": a, "b": b, "overall": {
            "matched_exact": exact, "matched_overlap": overlap, "f1_exact": f1_exact,
            "f1_overlap": f1_overlap}}
        p["alpha_u"] = alpha_u
        if alpha_u is None:
            p["alpha_u_reason"] = "too few spans"
        return p

    overall = _label("", n(3, 2, 1), f1_exact=0.25, f1_overlap=0.75,
                     alpha_u_reason="too few spans")
    overall.pop("layer")
    return _result(
        annotators=names,
        documents=4,
        excluded=[{"doc_id": "z", "reason": "not done by carol"}],
        time={
            "alice": {"done": 3, "timed": 2, "no_time_recorded": 1, "active_seconds": 180,
                      "median_active_minutes": 1.5, "docs_per_active_hour": 40.0},
            "bob": {"done": 2, "timed": 0, "no_time_recorded": 2, "active_seconds": 0,
                    "median_active_minutes": None, "docs_per_active_hour": None},
            "carol": {"done": 1, "timed": 1, "no_time_recorded": 0, "active_seconds": 735,
                      "median_active_minutes": 12.25, "docs_per_active_hour": 4.9},
        },
        labels={
            "PER": _label("entity", n(2, 1, 0), matched_exact=1, f1_exact=0.5,
                          matched_overlap=2, f1_overlap=2 / 3, alpha_u=-0.125),
            "MISC": _label("entity", n(0, 0, 0)),
            "article": _label("structure", n(1, 1, 1), matched_exact=0,
                              f1_exact_reason="no pair matched", matched_overlap=3,
                              f1_overlap_reason="no pair overlapped",
                              alpha_u_reason="one article each"),
        },
        overall=overall,
        pairs=[pair("alice", "bob", 1, 2, 0.5, 1.0, 0.5),
               pair("alice", "carol", 0, 1, None, 0.5),
               pair("bob", "carol", 0, 0, 0.0, 0.0, -0.25)],
        kappa_char={"structure": 0.8, "entity": None},
        kappa_char_method="fleiss",
        kappa_char_reasons={"entity": "no variation"},
        doc_labels={
            "page_type": {"alpha": 0.4, "units": 3, "n": n(3, 3, 3), "documents_differing": 1},
            "topic": {"alpha": None, "alpha_reason": "one value", "units": 2, "n": n(2, 2, 0),
                      "documents_differing": 0},
        },
        articles={"found": {"alice": 2, "bob": 1, "carol": 0}, "pairs": [{
            "a": "alice", "b": "bob", "matched": 1,
            "start_chars": {"mean": 2.0, "max": 2, "zero": 0},
            "start_lines": {"mean": 0.0, "max": 0, "zero": 1},
            "end_chars": {"mean": 12.5, "max": 20, "zero": 1},
            "end_lines": {"mean": 1.0, "max": 1, "zero": 0},
        }]},
        disputed=[_disputed("doc-1", 3, 1, 40, 1200), _disputed("b", 1, 0, 5, 50),
                  _disputed("c", 0, 0, 7, 60)],
    )


def test_terminal_text_of_three_annotators() -> None:
    # Columns are padded to their widest cell and joined by two spaces; the first two
    # (name, layer) are left-aligned, the numbers right-aligned; trailing blanks are cut.
    # MISC has no span: no row, and its n/a metrics are not listed as "not computable".
    # The overall exact/overlap counts are the pairs' sums: 1 + 0 + 0 and 2 + 1 + 0.
    assert format_text(_three_result(), top=2) == "\n".join([
        "Agreement of alice, bob, carol on 4 documents (1 left out: 1 not done)",
        "",
        "Time per done document (all their done documents; no time: done with none recorded):",
        "annotator    done  median min/doc  docs/active h  no time",
        "alice           3            1.50          40.00        1",
        "bob             2             n/a            n/a        2",
        "carol           1           12.25           4.90        0",
        "",
        "label    layer      n alice  n bob  n carol  exact  F1 exact  overlap  F1 overlap"
        "  alpha_u",
        "PER      entity           2      1        0      1     0.500        2       0.667"
        "   -0.125",
        "article  structure        1      1        1      0       n/a        3         n/a"
        "      n/a",
        "overall                   3      2        1      1     0.250        3       0.750"
        "      n/a",
        "(exact/overlap: matched spans summed over pairs; F1: mean over pairs)",
        "",
        "Character kappa (Fleiss): structure 0.800  entity n/a",
        "Document label page_type: alpha 0.400 over 3 documents, 1 differ",
        "Document label topic: alpha n/a over 2 documents, 0 differ",
        "Articles found: alice 2, bob 1, carol 0",
        "  alice/bob: 1 matched; start differs by 2.0 chars (0.0 lines) on average, end by "
        "12.5 chars (1.0 lines); same start 0, same end 1",
        "",
        "pair           F1 exact  F1 overlap  alpha_u",
        "alice/bob         0.500       1.000    0.500",
        "alice/carol         n/a       0.500      n/a",
        "bob/carol         0.000       0.000   -0.250",
        "",
        "Not computable:",
        "  article f1_exact: no pair matched",
        "  article f1_overlap: no pair overlapped",
        "  article alpha_u: one article each",
        "  overall alpha_u: too few spans",
        "  kappa entity: no variation",
        "  topic alpha: one value",
        "",
        # top=2: the third disputed document is not listed.
        "Most disputed documents:",
        "document    unmatched spans  doc labels differ  disputed chars  chars",
        "doc-1                     3                  1              40   1200",
        "b                         1                  0               5     50",
        "",
    ])


def test_terminal_text_of_a_pair_without_disagreement() -> None:
    time = {name: {"done": 1, "timed": 0, "no_time_recorded": 1, "active_seconds": 0,
                   "median_active_minutes": None, "docs_per_active_hour": None}
            for name in ("alice", "bob")}
    result = _result(
        labels={"ORG": _label("entity", {"alice": 1, "bob": 1}, matched_exact=1, f1_exact=1.0,
                              matched_overlap=1, f1_overlap=1.0, alpha_u=1.0)},
        overall={"n": {"alice": 1, "bob": 1}, "f1_exact": 1.0, "f1_overlap": 1.0,
                 "alpha_u": 1.0},
        pairs=[{"a": "alice", "b": "bob", "overall": {
            "matched_exact": 1, "matched_overlap": 1, "f1_exact": 1.0, "f1_overlap": 1.0}}],
        kappa_char={"entity": 1.0},
        time=time,
    )
    # Nobody has time recorded: no time table. One pair: no note on sums, no pair table.
    assert format_text(result) == "\n".join([
        "Agreement of alice, bob on 1 documents (none left out)",
        "",
        "label    layer   n alice  n bob  exact  F1 exact  overlap  F1 overlap  alpha_u",
        "ORG      entity        1      1      1     1.000        1       1.000    1.000",
        "overall                1      1      1     1.000        1       1.000    1.000",
        "",
        "Character kappa (Cohen): entity 1.000",
        "",
        "No disagreement in the compared documents.",
        "",
    ])


def test_terminal_text_lists_ten_disputed_documents_by_default() -> None:
    disputed = [_disputed(f"d{i:02}", 12 - i, 0, 1, 10) for i in range(12)]
    lines = format_text(_result(disputed=disputed)).splitlines()
    rows = lines[lines.index("Most disputed documents:") + 2:]
    assert [r.split()[0] for r in rows] == [f"d{i:02}" for i in range(10)]
