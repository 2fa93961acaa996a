"""Suggestions for one document: articles, boilerplate, title, byline, date, entities.

Pure functions of the text (and, for HTML documents, the kept original HTML): no corpus,
no files. :mod:`annotator.suggest.runner` feeds them and writes the results.

How the main article is found:

* HTML source: trafilatura runs on the original HTML; its output is aligned to the
  document's lines (:mod:`annotator.suggest.align`). The article runs from the first to
  the last matched line; unmatched lines and uncovered runs inside it become boilerplate,
  so that the article's clean text (article minus boilerplate) is the extractor's text.
* Text source (or an HTML page the extractor finds nothing in): the densest block of
  long lines, stopped at headers of teaser boxes ("[뉴스핌 베스트 기사]", "Related").

Then the article is widened upward to its title (located from the page metadata, or the
first line above the body) and its header lines (title, date, byline lines that the body
does not hold) are marked ``boilerplate`` of kind ``header``: they belong to the article
but not to its clean text, which follows the extraction-benchmark convention (body only).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.model import AttrValue, Span
from annotator.suggest import boilerplate as bp
from annotator.suggest.align import align_lines
from annotator.suggest.entities import Gazetteer
from annotator.suggest.lines import Line, norm, split_lines, tokens
from annotator.suggest.patterns import EMAIL_RE, find_bylines, find_dates

#: What ``--only`` may name.
SOURCES = ("boilerplate", "article", "byline", "title", "date", "entity")

LONG = 80  # weight (CJK counted double) of a line that reads as prose
HEADER_LINES = 8  # non-blank lines above the body walked up for a title-like line
META_HEADER_LINES = 30  # non-blank lines above the body searched for the metadata title
_TITLE_SPLIT_RE = re.compile(r"\s+[|\-–—:·•»]\s+|\s*[|｜]\s*|\s+::\s+|_")


@dataclass(frozen=True, slots=True)
class DocInput:
    doc_id: str
    text: str
    html: str | None = None
    url: str | None = None
    html_meta: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Proposal:
    label: str
    start: int
    end: int
    attrs: dict[str, AttrValue] = field(default_factory=dict)


@dataclass(slots=True)
class ArticleRegion:
    first: int  # line index of the first line
    last: int  # line index of the last line
    role: str
    body_first: int  # first line of the body (after the header lines)
    title_line: int | None = None
    dropped: dict[int, str] = field(default_factory=dict)  # line index -> boilerplate kind
    cuts: list[tuple[int, int, str]] = field(default_factory=list)  # sub-line boilerplate


@dataclass(slots=True)
class Result:
    spans: list[Proposal]
    method: str  # how the main article was found: extractor, text, none


# --------------------------------------------------------------------------- helpers


def _is_date_line(line: Line) -> bool:
    if line.blank or line.weight > 120:
        return False
    found = find_dates(line.text)
    if not found:
        return False
    rest = line.text[: found[0].start] + line.text[found[-1].end :]
    return len(tokens(rest)) <= 4


def _is_byline_line(line: Line) -> bool:
    if line.blank or line.weight > 160:
        return False
    found = find_bylines(line.text)
    return bool(found) and found[0].start <= 2


def _is_email_line(line: Line) -> bool:
    return bool(EMAIL_RE.search(line.text)) and line.weight <= 80


def _boring(line: Line, repeated: frozenset[str]) -> bool:
    """A line that cannot be article content: repeated on the site or boilerplate by look."""
    return bp.is_layout_boilerplate(line) or (norm(line.text) in repeated)


# --------------------------------------------------------------------------- main article


def _text_main(lines: list[Line], repeated: frozenset[str]) -> tuple[int, int] | None:
    """The densest block of long lines (max-sum segment), teaser boxes excluded.

    A line scores its weight minus ``LONG // 2`` (capped), so long lines pull the block
    in and runs of short lines push it out. Lines after a related-links header belong to
    that box, not to the main article, unless no block comes before the first header.
    """
    scores: list[float] = []
    barrier = [False] * len(lines)
    for line in lines:
        if line.blank:
            scores.append(0.0)
        elif bp.is_related_header(line):
            scores.append(float("-inf"))
            barrier[line.index] = True
        elif _boring(line, repeated):
            scores.append(-float(LONG))
        else:
            scores.append(float(min(line.weight, 600) - LONG // 2))
    segments: list[tuple[float, int, int, bool]] = []  # sum, first, last, after a header
    start, total = 0, 0.0
    after_header = False
    best: tuple[float, int, int, bool] | None = None
    for i, score in enumerate(scores):
        if barrier[i]:
            if best is not None:
                segments.append(best)
            best, total, start, after_header = None, 0.0, i + 1, True
            continue
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > 0 and (best is None or total > best[0]):
            best = (total, start, i, after_header)
    if best is not None:
        segments.append(best)
    candidates = [s for s in segments if not s[3]] or segments
    if not candidates:
        return None
    _, first, last, _ = max(candidates, key=lambda s: s[0])
    while first <= last and (lines[first].blank or scores[first] < 0):
        first += 1
    while last >= first and (lines[last].blank or scores[last] < 0):
        last -= 1
    if first > last:
        return None
    return first, last


def _extractor_main(
    text: str, lines: list[Line], extracted: str
) -> tuple[int, int, dict[int, str], list[tuple[int, int, str]]] | None:
    """The article lines the extractor's text covers, the lines and runs inside it it drops."""
    matches = align_lines(text, lines, extracted)
    kept = [m.line.index for m in matches if m.total and m.ratio >= 0.5]
    if not kept:
        return None
    first, last = kept[0], kept[-1]
    dropped: dict[int, str] = {}
    cuts: list[tuple[int, int, str]] = []
    for m in matches[first : last + 1]:
        line = m.line
        if line.blank or not m.total:
            continue
        if m.ratio < 0.5:
            dropped[line.index] = bp.guess_kind(line, "inside")
            continue
        for a, b in m.gaps:
            # A run reaching a line end takes the punctuation up to that end with it.
            if not tokens(text[line.start : a]):
                a = line.start
            if not tokens(text[b : line.end]):
                b = line.end
            if (a, b) == (line.start, line.end):
                dropped[line.index] = bp.guess_kind(line, "inside")
            else:
                cuts.append((a, b, "other"))
    return first, last, dropped, cuts


# --------------------------------------------------------------------------- title


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " "})


def _tnorm(value: str) -> str:
    """Title comparison form: :func:`norm` with typographic quotes folded."""
    return norm(value.translate(_QUOTES))


def _title_candidates(title: str) -> list[str]:
    """The page title, then its longest part ("Title | Site" -> "Title"): the shorter parts
    are site and section names, which also stand on menu lines."""
    title = unicodedata.normalize("NFC", title).strip()
    out = [title]
    parts = [p.strip() for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) > 1:
        out.append(max(parts, key=len))
    return [_tnorm(t) for t in out if len(t) >= 4]


def _locate_title(lines: list[Line], titles: Iterable[str], near: int) -> int | None:
    """The line holding the title closest above (or at) line ``near``, else the closest below."""
    for candidate in titles:
        if not candidate:
            continue
        exact = [ln.index for ln in lines if not ln.blank and _tnorm(ln.text) == candidate]
        hits = exact or [
            ln.index
            for ln in lines
            if not ln.blank
            and ln.weight < 400
            and len(candidate) * 2 >= len(ln.text)
            and candidate in _tnorm(ln.text)
        ]
        if hits:
            above = [i for i in hits if i <= near]
            return max(above) if above else min(hits)
    return None


# --------------------------------------------------------------------------- suggest


def suggest(
    doc: DocInput,
    *,
    only: Iterable[str] = SOURCES,
    repeated: frozenset[str] = frozenset(),
    gazetteer: Gazetteer | None = None,
    extracted: str | None = None,
) -> Result:
    """Suggested spans for one document (not yet checked against the scheme's rules).

    ``extracted``: the extractor's text when the caller already has it (else it runs on
    ``doc.html`` when there is one).
    """
    wanted = set(only)
    text = doc.text
    lines = split_lines(text)
    spans: list[Proposal] = []
    regions: list[ArticleRegion] = []
    method = "none"

    need_structure = wanted & {"boilerplate", "article", "byline", "title", "date"}
    if need_structure and lines:
        main, method = _find_main(doc, lines, repeated, extracted)
        if main is not None:
            regions.append(main)
            regions += _related(lines, main, repeated)

    if "article" in wanted or wanted & {"byline", "title", "date"}:
        for region in regions:
            spans.append(
                Proposal("article", lines[region.first].start, lines[region.last].end, {"role": region.role})
            )
    if "boilerplate" in wanted:
        spans += _boilerplate(lines, regions, repeated)
    if regions and wanted & {"byline", "title", "date"}:
        spans += _parts(doc, lines, regions, wanted)
    if "entity" in wanted and gazetteer is not None:
        spans += [Proposal(label, a, b) for a, b, label in gazetteer.find(text)]
    return Result(spans, method)


def _find_main(
    doc: DocInput, lines: list[Line], repeated: frozenset[str], extracted: str | None
) -> tuple[ArticleRegion | None, str]:
    text = doc.text
    titles = _meta_titles(doc)
    if extracted is None and doc.html:
        from annotator.suggest.extract import extract_main

        extracted = extract_main(doc.html, doc.url)
    if extracted and tokens(extracted):
        found = _extractor_main(text, lines, extracted)
        if found is not None:
            first, last, dropped, cuts = found
            region = ArticleRegion(first, last, "main", first, dropped=dropped, cuts=cuts)
            _widen_to_header(lines, region, titles, repeated, mark_all=True)
            return region, "extractor"
    block = _text_main(lines, repeated)
    if block is None:
        return None, "none"
    first, last = block
    region = ArticleRegion(first, last, "main", first)
    # Inside the block: repeated lines, captions and layout lines are boilerplate.
    for line in lines[first : last + 1]:
        if line.blank:
            continue
        if _boring(line, repeated) or bp.is_caption(line):
            region.dropped[line.index] = bp.guess_kind(line, "inside")
    _widen_to_footer(lines, region)
    _widen_to_header(lines, region, titles, repeated, mark_all=False)
    return region, "text"


def _meta_titles(doc: DocInput) -> list[str]:
    meta = doc.html_meta
    raw = [meta.get(k) for k in ("og:title", "twitter:title", "title", "headline", "dc.title")]
    if doc.html and not any(raw):
        from annotator.suggest.extract import page_meta

        raw.append(page_meta(doc.html).title)
    out: list[str] = []
    for value in raw:
        if value:
            out += [c for c in _title_candidates(value) if c not in out]
    return out


def _widen_to_footer(lines: list[Line], region: ArticleRegion) -> None:
    """Take in the reporter's e-mail, byline or date lines just under the body."""
    seen = 0
    i = region.last + 1
    while i < len(lines) and seen < 3:
        line = lines[i]
        i += 1
        if line.blank:
            continue
        seen += 1
        if bp.is_related_header(line):
            break
        if _is_email_line(line) or _is_byline_line(line) or _is_date_line(line):
            region.last = line.index


def _widen_to_header(
    lines: list[Line],
    region: ArticleRegion,
    titles: list[str],
    repeated: frozenset[str],
    *,
    mark_all: bool,
) -> None:
    """Move the article's start up to its title and mark the header lines.

    The title is the metadata title when it is found within ``META_HEADER_LINES``
    non-blank lines above the body (or among the body's first lines); a page without
    metadata title (text sources) has its header walked up over date, byline and
    title-like lines. With ``mark_all`` (extractor mode) every line between
    the title and the body is a header line the extractor left out; without it only the
    title, date and byline lines are, and a subtitle stays in the clean text.
    """
    body = region.first
    window: list[Line] = []
    i = body - 1
    while i >= 0 and len(window) < META_HEADER_LINES:
        line = lines[i]
        i -= 1
        if line.blank:
            continue
        if bp.is_related_header(line):
            break
        window.append(line)
    top: int | None = None
    if titles:
        top = _locate_title(window, titles, body)
        if top is None:
            first_lines = [ln for ln in lines[body : region.last + 1] if not ln.blank][:5]
            inside = _locate_title(first_lines, titles, body)
            if inside is not None:
                region.title_line = inside  # the extractor kept the title with the body
                return
            if mark_all:
                return  # the page names its title and it is not here: no guessing
    if top is None:
        # Walk up over date / byline / title-like lines; stop at menus, captions, short words.
        for line in window[:HEADER_LINES]:
            if _boring(line, repeated) or bp.is_caption(line):
                break
            if _is_date_line(line) or _is_byline_line(line) or 20 <= line.weight <= 300:
                top = line.index
                continue
            break
        if top is None:
            return
        # The top line is the title only when it is not itself a date or byline.
        while top < body and (lines[top].blank or _is_date_line(lines[top]) or _is_byline_line(lines[top])):
            top += 1
            if top == body:
                return
    region.first = top
    region.body_first = body
    if not _is_date_line(lines[top]) and not _is_byline_line(lines[top]):
        region.title_line = top
    for line in lines[top:body]:
        if line.blank:
            continue
        if line.index == top or mark_all or _is_date_line(line) or _is_byline_line(line):
            region.dropped[line.index] = "header"
        elif _boring(line, repeated):
            region.dropped[line.index] = bp.guess_kind(line, "inside")


def _related(lines: list[Line], main: ArticleRegion, repeated: frozenset[str]) -> list[ArticleRegion]:
    """Teasers in boxes headed "[뉴스핌 베스트 기사]", "Related stories" below the main article:
    each long line of a box is a related article."""
    out: list[ArticleRegion] = []
    in_box = False
    for line in lines[main.last + 1 :]:
        if line.blank:
            continue
        if bp.is_related_header(line):
            in_box = True
            continue
        if in_box and line.weight >= LONG and not _boring(line, repeated):
            out.append(ArticleRegion(line.index, line.index, "related", line.index))
    return out


def _boilerplate(lines: list[Line], regions: list[ArticleRegion], repeated: frozenset[str]) -> list[Proposal]:
    """Boilerplate blocks: every non-blank line outside the articles, and the lines and runs
    dropped inside them. Consecutive lines of one kind make one block."""
    owner: dict[int, ArticleRegion] = {}
    for region in regions:
        for i in range(region.first, region.last + 1):
            owner[i] = region
    main = regions[0] if regions else None
    out: list[Proposal] = []
    block: list[object] = []  # [first line, last line, kind, region]

    def flush() -> None:
        if block:
            first, last, kind, _ = block
            out.append(Proposal("boilerplate", lines[first].start, lines[last].end, {"kind": kind}))  # type: ignore[index]
            block.clear()

    in_box = False
    # A teaser box ends with its last teaser; what follows is the page's footer.
    box_end = max((r.last for r in regions if r.role == "related"), default=-1)
    for line in lines:
        if line.blank:
            continue
        region = owner.get(line.index)
        if region is None:
            if main is not None and line.index > main.last and bp.is_related_header(line):
                in_box = True
            if line.index > box_end:
                in_box = False
            where = "top" if main is None or line.index < main.first else "bottom"
            kind = bp.guess_kind(line, where)
            if in_box and kind in ("footer", "other") and not bp.is_layout_boilerplate(line):
                kind = "related-links"
            if in_box and kind == "related-links" and _boring(line, repeated) and where == "bottom":
                kind = bp.guess_kind(line, where)
        elif line.index in region.dropped:
            kind = region.dropped[line.index]
        else:
            flush()
            continue
        if block and block[2] == kind and block[3] is region:
            block[1] = line.index
        else:
            flush()
            block.extend([line.index, line.index, kind, region])
    flush()
    for region in regions:
        out += [Proposal("boilerplate", a, b, {"kind": kind}) for a, b, kind in region.cuts]
    return out


def _parts(doc: DocInput, lines: list[Line], regions: list[ArticleRegion], wanted: set[str]) -> list[Proposal]:
    text = doc.text
    out: list[Proposal] = []
    for region in regions:
        a, b = lines[region.first].start, lines[region.last].end
        if "title" in wanted and region.role == "main" and region.title_line is not None:
            top = lines[region.title_line]
            out.append(Proposal("title", top.start, top.end))
        if "byline" in wanted:
            found = [Proposal("byline", f.start, f.end, dict(f.attrs)) for f in find_bylines(text, a, b)]
            if region.role == "main":
                found += _meta_byline(doc, lines, region, found)
                _share_email(found)
            out += found
        if "date" in wanted:
            for f in find_dates(text, a, b):
                line = _line_at(lines, f.start)
                at_edge = f.start - line.start <= 20 or line.end - f.end <= 2
                if line.weight <= 120 or at_edge:
                    out.append(Proposal("date", *_widen_date(line, f.start, f.end), dict(f.attrs)))
    return out


def _widen_date(line: Line, start: int, end: int) -> tuple[int, int]:
    """"기사입력 : 2020년06월03일 09:03" is marked whole when the line is label + date."""
    before = line.text[: start - line.start]
    if end == line.end and before and bp_date_label(before):
        return line.start, end
    return start, end


def bp_date_label(prefix: str) -> bool:
    from annotator.suggest.patterns import DATE_LABEL_RE

    return bool(DATE_LABEL_RE.match(prefix.strip()))


def _meta_byline(doc: DocInput, lines: list[Line], region: ArticleRegion, have: list[Proposal]) -> list[Proposal]:
    """The page's author (metadata) found on a short line of the article's header or end."""
    author = doc.html_meta.get("author") or doc.html_meta.get("article:author")
    if not author and doc.html:
        from annotator.suggest.extract import page_meta

        author = page_meta(doc.html).author
    if not author or author.startswith("http"):
        return []
    names = [n.strip() for n in re.split(r";|\s*,\s*|\s+and\s+", author) if n.strip()]
    if not names:
        return []
    key = norm(names[0])
    taken = [(p.start, p.end) for p in have if p.label == "byline"]
    for line in lines[region.first : region.last + 1]:
        if line.blank or line.weight > 160 or key not in norm(line.text):
            continue
        if any(s < line.end and line.start < e for s, e in taken):
            return []
        return [Proposal("byline", line.start, line.end, {"authors": names})]
    return []


def _share_email(bylines: list[Proposal]) -> None:
    """The reporter's e-mail under a Korean article fills the e-mail of the byline above
    when there is one byline without one and one address."""
    named = [p for p in bylines if "authors" in p.attrs]
    emails = [p for p in bylines if set(p.attrs) == {"email"}]
    if (
        len(named) == 1
        and len(emails) == 1
        and "email" not in named[0].attrs
        and emails[0].start > named[0].start
    ):
        named[0].attrs["email"] = emails[0].attrs["email"]


def _line_at(lines: list[Line], offset: int) -> Line:
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lines[lo]


def to_spans(text: str, proposals: list[Proposal]) -> list[Span]:
    """Proposals as scheme spans with ids ``g1``, ``g2``, ... in text order."""
    ordered = sorted(proposals, key=lambda p: (p.start, -p.end, p.label))
    return [
        Span(id=f"g{i}", start=p.start, end=p.end, label=p.label, text=text[p.start : p.end], attrs=p.attrs)
        for i, p in enumerate(ordered, 1)
        if p.end > p.start
    ]
