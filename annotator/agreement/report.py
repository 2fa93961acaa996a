"""The agreement result for people: a terminal table and a self-contained HTML report.

The HTML report is one file with inline CSS and inline SVG charts: no script, no font or
stylesheet from the network, so it opens the same in any browser, offline.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from annotator import __version__

# --------------------------------------------------------------------------- terminal


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return lines


def excluded_summary(result: dict[str, Any]) -> str:
    """'3 left out: 2 not done, 1 no annotation' from the excluded list."""
    kinds = Counter(_reason_kind(e["reason"]) for e in result["excluded"])
    if not kinds:
        return "none left out"
    parts = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    return f"{sum(kinds.values())} left out: {parts}"


def _reason_kind(reason: str) -> str:
    for prefix in ("not done", "no annotation", "skipped", "unusable file"):
        if reason.startswith(prefix):
            return prefix
    return reason


def time_lines(result: dict[str, Any]) -> list[str]:
    """The annotators' time per done document (``result["time"]``, added by ``agree``), as a
    table, when at least one of them has time recorded: otherwise every cell would be n/a."""
    time: dict[str, dict[str, Any]] = result.get("time") or {}
    if not any(entry["timed"] for entry in time.values()):
        return []
    rows = [
        [name, "", str(entry["done"]), _num(entry["median_active_minutes"], 2),
         _num(entry["docs_per_active_hour"], 2), str(entry["no_time_recorded"])]
        for name, entry in time.items()
    ]
    return [
        "Time per done document (all their done documents; no time: done with none recorded):",
        *_table(["annotator", "", "done", "median min/doc", "docs/active h", "no time"], rows),
        "",
    ]


def format_text(result: dict[str, Any], top: int = 10) -> str:
    names: list[str] = result["annotators"]
    out = [
        f"Agreement of {', '.join(names)} on {result['documents']} documents "
        f"({excluded_summary(result)})",
        "",
        *time_lines(result),
    ]
    header = ["label", "layer", *[f"n {a}" for a in names], "exact", "F1 exact", "overlap",
              "F1 overlap", "alpha_u"]
    rows = []
    reasons: dict[str, str] = {}
    for label, entry in result["labels"].items():
        if not any(entry["n"].values()):
            continue
        rows.append([
            label, entry.get("layer") or "", *[str(entry["n"][a]) for a in names],
            str(entry.get("matched_exact", 0)), _num(entry.get("f1_exact")),
            str(entry.get("matched_overlap", 0)), _num(entry.get("f1_overlap")),
            _num(entry.get("alpha_u")),
        ])
        for key in ("f1_exact", "f1_overlap", "alpha_u"):
            if entry.get(key) is None and entry.get(f"{key}_reason"):
                reasons[f"{label} {key}"] = entry[f"{key}_reason"]
    overall = result["overall"]
    rows.append([
        "overall", "", *[str(overall["n"][a]) for a in names],
        str(sum(p["overall"]["matched_exact"] for p in result["pairs"])),
        _num(overall.get("f1_exact")),
        str(sum(p["overall"]["matched_overlap"] for p in result["pairs"])),
        _num(overall.get("f1_overlap")), _num(overall.get("alpha_u")),
    ])
    if overall.get("alpha_u") is None and overall.get("alpha_u_reason"):
        reasons["overall alpha_u"] = overall["alpha_u_reason"]
    out += _table(header, rows)
    if len(result["pairs"]) > 1:
        out.append("(exact/overlap: matched spans summed over pairs; F1: mean over pairs)")
    out.append("")
    method = "Cohen" if result["kappa_char_method"] == "cohen" else "Fleiss"
    kappas = "  ".join(f"{layer} {_num(v)}" for layer, v in result["kappa_char"].items())
    out.append(f"Character kappa ({method}): {kappas}")
    for layer, reason in result.get("kappa_char_reasons", {}).items():
        reasons[f"kappa {layer}"] = reason
    for name, entry in result["doc_labels"].items():
        out.append(
            f"Document label {name}: alpha {_num(entry['alpha'])} over {entry['units']} "
            f"documents, {entry['documents_differing']} differ"
        )
        if entry["alpha"] is None:
            reasons[f"{name} alpha"] = entry["alpha_reason"]
    articles = result.get("articles")
    if articles:
        found = ", ".join(f"{a} {n}" for a, n in articles["found"].items())
        out.append(f"Articles found: {found}")
        for p in articles["pairs"]:
            out.append(
                f"  {p['a']}/{p['b']}: {p['matched']} matched; start differs by "
                f"{_num(p['start_chars']['mean'], 1)} chars ({_num(p['start_lines']['mean'], 1)} "
                f"lines) on average, end by {_num(p['end_chars']['mean'], 1)} chars "
                f"({_num(p['end_lines']['mean'], 1)} lines); same start {p['start_chars']['zero']}, "
                f"same end {p['end_chars']['zero']}"
            )
    if len(names) > 2:
        out.append("")
        out += _table(
            ["pair", "", "F1 exact", "F1 overlap", "alpha_u"],
            [[f"{p['a']}/{p['b']}", "", _num(p["overall"]["f1_exact"]),
              _num(p["overall"]["f1_overlap"]), _num(p.get("alpha_u"))] for p in result["pairs"]],
        )
    if reasons:
        out.append("")
        out.append("Not computable:")
        out += [f"  {key}: {why}" for key, why in reasons.items()]
    disputed = result["disputed"][:top]
    out.append("")
    if disputed:
        out.append("Most disputed documents:")
        out += _table(
            ["document", "", "unmatched spans", "doc labels differ", "disputed chars", "chars"],
            [[d["doc_id"], "", str(d["unmatched_spans"]), str(d["doc_labels_differing"]),
              str(d["disputed_chars"]), str(d["chars"])] for d in disputed],
        )
    else:
        out.append("No disagreement in the compared documents.")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;
color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:3px 8px;border-bottom:1px solid #eee;
text-align:right}td:first-child,th:first-child{text-align:left}
.na{color:#999}.note{color:#555;font-size:.9em}svg text{font:12px system-ui,sans-serif}
"""
_COLORS = {"f1_exact": "#1565c0", "f1_overlap": "#5e92f3", "alpha_u": "#2e7d32"}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: float | None, reason: str | None = None) -> str:
    if value is None:
        return f'<td class="na" title="{_e(reason or "")}">n/a</td>'
    return f"<td>{value:.3f}</td>"


def _bars_svg(result: dict[str, Any]) -> str:
    """Horizontal bars: F1 exact, F1 overlap and alpha_u of every label that occurs."""
    labels = [(k, v) for k, v in result["labels"].items() if any(v["n"].values())]
    labels.append(("overall", result["overall"]))
    metrics = list(_COLORS)
    values = [v.get(m) for _, v in labels for m in metrics]
    low = min([0.0, *[x for x in values if x is not None]])
    left, width, bar, gap = 110, 520, 11, 10
    row_h = bar * len(metrics) + gap
    height = 40 + row_h * len(labels)

    def x(v: float) -> float:
        return left + (v - low) / (1.0 - low) * width

    parts = [f'<svg width="{left + width + 150}" '
             f'height="{height}" role="img" aria-label="agreement per label">']
    for tick in [t / 4 for t in range(int(low * 4), 5)]:
        parts.append(f'<line x1="{x(tick):.1f}" y1="20" x2="{x(tick):.1f}" y2="{height - 10}" '
                     f'stroke="#ddd"/><text x="{x(tick):.1f}" y="14" text-anchor="middle">{tick:g}</text>')
    for i, (name, entry) in enumerate(labels):
        y0 = 24 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{y0 + row_h / 2}" text-anchor="end">{_e(name)}</text>')
        for j, metric in enumerate(metrics):
            v = entry.get(metric)
            y = y0 + j * bar
            if v is None:
                parts.append(f'<text x="{x(0) + 4:.1f}" y="{y + bar - 2}" fill="#999">'
                             f'{metric}: n/a</text>')
                continue
            x1, x2 = sorted((x(0), x(v)))
            parts.append(f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 0.5):.1f}" '
                         f'height="{bar - 1}" fill="{_COLORS[metric]}"><title>{_e(name)} '
                         f'{metric} {v:.3f}</title></rect>'
                         f'<text x="{max(x2, x(0)) + 4:.1f}" y="{y + bar - 2}">{v:.2f}</text>')
    legend_y = height - 4
    for j, metric in enumerate(metrics):
        lx = left + j * 120
        parts.append(f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" '
                     f'fill="{_COLORS[metric]}"/><text x="{lx + 14}" y="{legend_y}">{metric}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _confusion_svg(layer: str, conf: dict[str, Any]) -> str:
    """A heat map of characters per (first annotator's label, second annotator's label)."""
    labels, matrix = conf["labels"], conf["matrix"]
    used = [i for i in range(len(labels)) if any(matrix[i]) or any(r[i] for r in matrix)]
    if not used:
        return ""
    cell, left, top = 46, 100, 90
    size = cell * len(used)
    # Colour by share of each row, so a small label is as readable as "O".
    parts = [f'<svg width="{max(left + size + 20, 330)}" '
             f'height="{top + size + 30}" role="img" aria-label="confusion {_e(layer)}">']
    for j, c in enumerate(used):
        cx = left + j * cell + cell / 2
        parts.append(f'<text transform="translate({cx:.0f},{top - 6}) rotate(-45)">'
                     f'{_e(labels[c])}</text>')
    for i, r in enumerate(used):
        row_total = sum(matrix[r]) or 1
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">'
                     f'{_e(labels[r])}</text>')
        for j, c in enumerate(used):
            value = matrix[r][c]
            share = value / row_total
            hue = "#2e7d32" if r == c else "#c62828"
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{hue}" fill-opacity="{0.08 + 0.92 * share:.3f}"><title>{_e(labels[r])} → '
                         f'{_e(labels[c])}: {value} chars</title></rect>'
                         f'<text x="{left + j * cell + cell / 2 - 1}" y="{y + cell / 2 + 4}" '
                         f'text-anchor="middle" font-size="10">{_short(value)}</text>')
    parts.append(f'<text x="{left}" y="{top + size + 20}" class="note">rows: first annotator, '
                 "columns: second</text></svg>")
    return "".join(parts)


def _short(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 10_000:
        return f"{n / 1e3:.0f}k"
    return str(n)


def _disputed_svg(disputed: list[dict[str, Any]]) -> str:
    if not disputed:
        return "<p>No disagreement in the compared documents.</p>"
    left, width, bar = 200, 420, 18
    high = max(d["unmatched_spans"] + d["doc_labels_differing"] for d in disputed) or 1
    parts = [f'<svg width="{left + width + 90}" '
             f'height="{len(disputed) * bar + 10}" role="img" aria-label="most disputed documents">']
    for i, d in enumerate(disputed):
        score = d["unmatched_spans"] + d["doc_labels_differing"]
        y = 4 + i * bar
        w = score / high * width
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{_e(d["doc_id"][:28])}</text>'
                     f'<rect x="{left}" y="{y}" width="{max(w, 0.5):.1f}" height="{bar - 4}" '
                     f'fill="#c62828"><title>{_e(d["doc_id"])}: {d["unmatched_spans"]} unmatched '
                     f'spans, {d["doc_labels_differing"]} document labels differ, '
                     f'{d["disputed_chars"]} disputed characters</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 12}">{score}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _time_html(result: dict[str, Any]) -> str:
    """The annotators' time per done document (``result["time"]``), when ``agree`` added it."""
    time: dict[str, dict[str, Any]] = result.get("time") or {}
    if not time:
        return ""
    h = ["<h2>Time per done document</h2><table><tr><th>annotator</th><th>done</th>"
         "<th>median active minutes</th><th>documents per active hour</th>"
         "<th>no time recorded</th></tr>"]
    for name, entry in time.items():
        h.append(f"<tr><td>{_e(name)}</td><td>{entry['done']}</td>"
                 f"{_cell(entry['median_active_minutes'], 'no time recorded')}"
                 f"{_cell(entry['docs_per_active_hour'], 'no time recorded')}"
                 f"<td>{entry['no_time_recorded']}</td></tr>")
    h.append("</table><p class=\"note\">Over all their done documents; a document done with no "
             "time recorded is counted apart and left out of the median and the rate.</p>")
    return "".join(h)


#: Marks a report as written by this tool: ``agree --report`` replaces an existing file only
#: when it holds this mark in its first bytes (ADR 12). Any version's report counts as ours.
GENERATOR_MARK = '<meta name="generator" content="article-annotator'


def render_html(result: dict[str, Any], title: str = "Agreement") -> str:
    names = result["annotators"]
    h: list[str] = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'{GENERATOR_MARK} {__version__}">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>Annotators: <b>{_e(', '.join(names))}</b>. Documents compared: "
        f"<b>{result['documents']}</b> ({_e(excluded_summary(result))}).</p>",
        _time_html(result),
        "<h2>Agreement per label</h2>", _bars_svg(result),
        "<table><tr><th>label</th><th>layer</th>",
        *[f"<th>n {_e(a)}</th>" for a in names],
        "<th>P exact</th><th>R exact</th><th>F1 exact</th><th>P overlap</th><th>R overlap</th>"
        "<th>F1 overlap</th><th>alpha_u</th></tr>",
    ]
    keys = ["precision_exact", "recall_exact", "f1_exact", "precision_overlap", "recall_overlap",
            "f1_overlap", "alpha_u"]
    for label, entry in [*result["labels"].items(), ("overall", result["overall"])]:
        if not any(entry["n"].values()) and label != "overall":
            continue
        h.append(f"<tr><td>{_e(label)}</td><td>{_e(entry.get('layer') or '')}</td>")
        h += [f"<td>{entry['n'][a]}</td>" for a in names]
        h += [_cell(entry.get(k), entry.get(f"{k}_reason")) for k in keys]
        h.append("</tr>")
    h.append("</table><p class=\"note\">Precision and recall take the first annotator of each "
             "pair as the reference; values are means over pairs.</p>")
    h.append("<h2>Character kappa and document labels</h2><table><tr><th>layer</th>"
             f"<th>{'Cohen' if result['kappa_char_method'] == 'cohen' else 'Fleiss'} kappa</th></tr>")
    reasons = result.get("kappa_char_reasons", {})
    for layer, value in result["kappa_char"].items():
        h.append(f"<tr><td>{_e(layer)}</td>{_cell(value, reasons.get(layer))}</tr>")
    h.append("</table><table><tr><th>document label</th><th>alpha</th><th>documents</th>"
             "<th>differ</th></tr>")
    for name, entry in result["doc_labels"].items():
        h.append(f"<tr><td>{_e(name)}</td>{_cell(entry['alpha'], entry.get('alpha_reason'))}"
                 f"<td>{entry['units']}</td><td>{entry['documents_differing']}</td></tr>")
    h.append("</table>")
    h.append("<h2>Label confusion (characters)</h2>")
    for layer, conf in result["confusion"].items():
        svg = _confusion_svg(layer, conf)
        if svg:
            h.append(f"<h3>{_e(layer)}</h3>{svg}")
    articles = result.get("articles")
    if articles:
        h.append("<h2>Article boundaries</h2><p>Articles found: "
                 + ", ".join(f"{_e(a)} {n}" for a, n in articles["found"].items()) + "</p>")
        h.append("<table><tr><th>pair</th><th>matched</th><th>start Δ chars (mean / max)</th>"
                 "<th>start Δ lines</th><th>end Δ chars</th><th>end Δ lines</th></tr>")
        for p in articles["pairs"]:
            h.append(
                f"<tr><td>{_e(p['a'])} / {_e(p['b'])}</td><td>{p['matched']}</td>"
                f"<td>{_num(p['start_chars']['mean'], 1)} / {p['start_chars']['max']}</td>"
                f"<td>{_num(p['start_lines']['mean'], 1)}</td>"
                f"<td>{_num(p['end_chars']['mean'], 1)} / {p['end_chars']['max']}</td>"
                f"<td>{_num(p['end_lines']['mean'], 1)}</td></tr>"
            )
        h.append("</table>")
    h.append("<h2>Most disputed documents</h2>")
    h.append(_disputed_svg(result["disputed"]))
    if result["excluded"]:
        h.append(f"<h2>Left out ({len(result['excluded'])})</h2><table>"
                 "<tr><th>document</th><th>why</th></tr>")
        h += [f"<tr><td>{_e(e['doc_id'])}</td><td style=\"text-align:left\">{_e(e['reason'])}</td></tr>"
              for e in result["excluded"][:500]]
        h.append("</table>")
        if len(result["excluded"]) > 500:
            h.append(f"<p class=\"note\">… and {len(result['excluded']) - 500} more.</p>")
    h.append("<h2>How these numbers are computed</h2><ul>")
    h += [f"<li>{_e(n)}</li>" for n in result.get("notes", [])]
    h.append("</ul></body></html>\n")
    return "".join(h)
