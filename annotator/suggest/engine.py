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
first line above the body). Its header lines (title, subtitle, byline and date lines) are
parts *inside* the article, never boilerplate, as in the seed's gold: a benchmark whose
body leaves them out is compared with the article's body, its clean text minus the part
spans (see ``annotator evaluate``). Only a line between the title and the body that looks
like layout (share bars, menus, captions) is boilerplate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annotator.attribute_fill import zone_after
from annotator.model import AttrValue, Span
from annotator.suggest import boilerplate as bp
from annotator.suggest.align import align_lines
from annotator.suggest.entities import Gazetteer
from annotator.suggest.htmlmeta import PageTitles, page_titles, text_similarity
from annotator.suggest.lines import Line, norm, split_lines, tokens
from annotator.suggest.locate import Hit, find_in_line, find_phrases
from annotator.suggest.patterns import EMAIL_RE, PHOTO_STAMP_RE, find_bylines, find_dates

#: What ``--only`` may name.
SOURCES = ("boilerplate", "article", "byline", "title", "date", "entity")
#: The sources that need the page's structure (the main article, found with the extractor).
STRUCTURE_SOURCES = frozenset({"boilerplate", "article", "byline", "title", "date"})

LONG = 80  # weight (CJK counted double) of a line that reads as prose
HEADER_LINES = 8  # non-blank lines above the body walked up for a title-like line
META_HEADER_LINES = 30  # non-blank lines above the body searched for the metadata title (text mode)
TITLE_BODY_LINES = 15  # first non-blank lines of the body searched for it (an extracted heading)
_TITLE_SPLIT_RE = re.compile(r"\s+[|\-–—:·•»]\s+|\s*[|｜]\s*|\s+::\s+|_")


@dataclass(frozen=True, slots=True)
class DocInput:
    doc_id: str
    text: str
    html: str | None = None
    url: str | None = None
    html_meta: dict[str, str] = field(default_factory=dict)
    #: The document's stated time zone (its meta's ``extra["timezone"]``, from ``import
    #: --timezone``): a suggested date's value carries it, as a date marked by hand does.
    timezone: str | None = None


#: A trained model's reading of a page (:mod:`annotator.train`): given the document, its
#: lines and trafilatura's text, whether each line is article body.
BodyLines = Callable[[DocInput, list[Line], str], list[bool]]


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
    title_span: tuple[int, int] | None = None  # the title's offsets when not its whole line
    byline: Proposal | None = None  # the byline the page's markup names, found in the text
    extracted: bool = False  # the body is the extractor's (which left the header lines out)
    header_parts: set[int] = field(default_factory=set)  # header date / byline lines
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


def _find_title(above: list[Line], inside: list[Line], titles: list[str]) -> Hit | None:
    """Where the first of ``titles`` (best first) that the text holds stands.

    For one title: a line that is the title, the closest above the body, else one of
    the body's first lines (the extractor kept the heading); only then a part of a line
    set apart by separators ("Site > News > TITLE"), because a heading of its own is where
    a page shows its title, a breadcrumb only repeats it.
    """
    for candidate in titles:
        hits_above = [h for ln in above if (h := find_in_line(ln, candidate)) is not None]
        hits_inside = [h for ln in inside if (h := find_in_line(ln, candidate)) is not None]
        for whole in (True, False):
            up = [h for h in hits_above if h.whole == whole]
            if up:
                return max(up, key=lambda h: h.line)
            down = [h for h in hits_inside if h.whole == whole]
            if down:
                return min(down, key=lambda h: h.line)
    return None


# --------------------------------------------------------------------------- suggest


def suggest(
    doc: DocInput,
    *,
    only: Iterable[str] = SOURCES,
    repeated: frozenset[str] = frozenset(),
    gazetteer: Gazetteer | None = None,
    extracted: str | None = None,
    body_lines: BodyLines | None = None,
) -> Result:
    """Suggested spans for one document (not yet checked against the scheme's rules).

    ``extracted``: the extractor's text when the caller already has it (else it runs on
    ``doc.html`` when there is one). ``body_lines``: a trained model's body lines, which
    then decide the main article instead of the extractor's text (see :func:`_find_main`).
    """
    wanted = set(only)
    text = doc.text
    lines = split_lines(text)
    spans: list[Proposal] = []
    regions: list[ArticleRegion] = []
    method = "none"

    need_structure = wanted & STRUCTURE_SOURCES
    page = page_titles(doc.html) if doc.html and need_structure else None
    if need_structure and lines:
        main, method = _find_main(doc, lines, repeated, extracted, page, body_lines)
        if main is not None:
            regions.append(main)
            regions += _related(lines, main, repeated)

    if "article" in wanted or wanted & {"byline", "title", "date"}:
        for region in regions:
            spans.append(
                Proposal("article", lines[region.first].start, lines[region.last].end, {"role": region.role})
            )
    parts = _parts(doc, lines, regions, {"byline", "title", "date"}, page) if regions else []
    for region in regions:
        # A header line holding a part (a byline found on it by the page's markup) is the
        # part's line: what else it holds is cut by _header_remnants.
        for i, kind in list(region.dropped.items()):
            line = lines[i]
            if kind == "header" and any(p.start < line.end and line.start < p.end for p in parts):
                del region.dropped[i]
                region.header_parts.add(i)
    if "boilerplate" in wanted:
        spans += _boilerplate(lines, regions, repeated)
        spans += _header_remnants(text, lines, regions, parts)
    # Subtitles come with the title source (the header the title heads).
    spans += [p for p in parts if (p.label if p.label != "subtitle" else "title") in wanted]
    if "entity" in wanted and gazetteer is not None:
        spans += [Proposal(label, a, b) for a, b, label in gazetteer.find(text)]
    return Result(spans, method)


def _find_main(
    doc: DocInput,
    lines: list[Line],
    repeated: frozenset[str],
    extracted: str | None,
    page: PageTitles | None,
    body_lines: BodyLines | None = None,
) -> tuple[ArticleRegion | None, str]:
    text = doc.text
    titles = _meta_titles(doc, page)
    if extracted is None and doc.html:
        from annotator.suggest.extract import extract_main

        extracted = extract_main(doc.html, doc.url)
    if body_lines is not None:
        # A trained model: the article from its first to its last body line, every other
        # line inside boilerplate; then the header and byline as for the extractor's body
        # (the model learnt bodies, which leave the header lines out). A page where it sees
        # no body line gets the built-in behaviour below.
        body = body_lines(doc, lines, extracted or "")
        kept = [i for i, is_body in enumerate(body) if is_body and not lines[i].blank]
        if kept:
            first, last = kept[0], kept[-1]
            dropped = {
                ln.index: bp.guess_kind(ln, "inside")
                for ln in lines[first : last + 1]
                if not ln.blank and not body[ln.index]
            }
            region = ArticleRegion(first, last, "main", first, dropped=dropped, extracted=True)
            _widen_to_header(lines, region, titles, repeated, mark_all=True)
            _place_markup_byline(doc, lines, region, page)
            return region, "model"
    if extracted and tokens(extracted):
        found = _extractor_main(text, lines, extracted)
        if found is not None:
            first, last, dropped, cuts = found
            region = ArticleRegion(first, last, "main", first, dropped=dropped, cuts=cuts, extracted=True)
            _widen_to_header(lines, region, titles, repeated, mark_all=True)
            _place_markup_byline(doc, lines, region, page)
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
    _place_markup_byline(doc, lines, region, page)
    return region, "text"


def _meta_titles(doc: DocInput, page: PageTitles | None) -> list[str]:
    """Title candidates, best first: readability's reading of the markup (JSON-LD, og:title,
    the cleaned <title>, ...), then the longest part of each ("Title | Section | Site"
    whose site part readability kept), then the h1 headings that read like one of them (a
    page's h1 is sometimes its logo or a greeting) or, with no title at all, every h1."""
    if page is not None:
        raw = page.titles()
    else:
        meta = doc.html_meta
        raw = [v for k in ("og:title", "twitter:title", "title", "headline", "dc.title") if (v := meta.get(k))]
    out: list[str] = []
    for value in raw:
        value = unicodedata.normalize("NFC", value).strip()
        if len(value) >= 4 and value not in out:
            out.append(value)
    titles = list(out)
    for value in titles:
        parts = [p.strip() for p in _TITLE_SPLIT_RE.split(value) if p.strip()]
        longest = max(parts, key=len) if len(parts) > 1 else ""
        if len(longest) >= 4 and longest not in out:
            out.append(longest)
    for heading in page.headings if page is not None else ():
        heading = unicodedata.normalize("NFC", heading).strip()
        # Alike both ways: a site name h1 ("PIXNET") is all words of the title too.
        like = not titles or any(
            text_similarity(t, heading) >= 0.5 and text_similarity(heading, t) >= 0.5 for t in titles
        )
        if like and heading not in out:
            out.append(heading)
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
        # With the extractor's body the heading may stand above a teaser box or a long
        # header: the whole page above the body is searched, the closest hit wins.
        above = [ln for ln in lines[:body] if not ln.blank] if mark_all else window
        first_lines = [ln for ln in lines[body : region.last + 1] if not ln.blank][:TITLE_BODY_LINES]
        hit = _find_title(above, first_lines, titles)
        if hit is not None:
            line = lines[hit.line]
            if (hit.start, hit.end) != (line.start, line.end):
                region.title_span = (hit.start, hit.end)
            if hit.line >= body:
                region.title_line = hit.line  # the extractor kept the title with the body
                return
            top = hit.line
        elif mark_all:
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
        # The title, date and byline lines are parts of the article, not boilerplate.
        if line.blank or line.index == top:
            continue
        if _is_date_line(line) or _is_byline_line(line):
            region.header_parts.add(line.index)
            continue
        if _boring(line, repeated) or bp.is_caption(line):
            region.dropped[line.index] = bp.guess_kind(line, "inside")
        elif mark_all:
            # Left out by the extractor between the title and the body, and not a part we
            # know (share buttons, "Breaking News Emails", a source line): header.
            region.dropped[line.index] = "header"


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
    dropped inside them. Consecutive lines of one kind make one block, blank lines or not
    (as the demo's gold has them): a block ends where the kind changes."""
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
        elif line.index in region.dropped and line.index not in _part_lines(region):
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
        parts = [(lines[i].start, lines[i].end) for i in _part_lines(region)]
        out += [
            Proposal("boilerplate", a, b, {"kind": kind})
            for a, b, kind in region.cuts
            if not any(a < pe and ps < b for ps, pe in parts)
        ]
    return out


def _header_remnants(
    text: str, lines: list[Line], regions: list[ArticleRegion], parts: list[Proposal]
) -> list[Proposal]:
    """What the extractor left out of a header date or byline line besides the date and
    the byline themselves ("Follow @janedoe", "기사입력 :"): header boilerplate, so that
    it never overlaps the parts and the body is still the extractor's."""
    out: list[Proposal] = []
    for region in regions:
        if not region.extracted:
            continue  # text mode: such a label stays article text, as in the seed's gold
        for i in sorted(region.header_parts):
            line = lines[i]
            taken = sorted((p.start, p.end) for p in parts if p.start < line.end and line.start < p.end)
            if not taken:
                continue  # no part found on it after all: leave the line alone
            pos = line.start
            for a, b in [*taken, (line.end, line.end)]:
                if tokens(text[pos:a]):
                    lo, hi = pos, a
                    while lo < hi and text[lo].isspace():
                        lo += 1
                    while hi > lo and text[hi - 1].isspace():
                        hi -= 1
                    out.append(Proposal("boilerplate", lo, hi, {"kind": "header"}))
                pos = max(pos, b)
    return out


def _part_lines(region: ArticleRegion) -> set[int]:
    """The title's line: a part inside the article, never boilerplate (whatever the
    extractor dropped)."""
    return set() if region.title_line is None else {region.title_line}


def _parts(
    doc: DocInput, lines: list[Line], regions: list[ArticleRegion], wanted: set[str], page: PageTitles | None
) -> list[Proposal]:
    text = doc.text
    out: list[Proposal] = []
    for region in regions:
        a, b = lines[region.first].start, lines[region.last].end
        if "title" in wanted and region.role == "main" and region.title_line is not None:
            top = lines[region.title_line]
            out.append(Proposal("title", *(region.title_span or (top.start, top.end))))
            out += [Proposal("subtitle", ln.start, ln.end) for ln in _subtitles(lines, region)]
        found = [Proposal("byline", f.start, f.end, dict(f.attrs)) for f in find_bylines(text, a, b)]
        captions = _photo_captions(text, found, a, b)
        region.cuts += [(start, end, "caption") for start, end in captions]
        found = [p for p in found if not any(cs <= p.start < ce for cs, ce in captions)]
        if "title" in wanted and region.role == "related":
            out += _teaser_title(text, lines[region.first], found)
        if "byline" in wanted:
            if region.role == "main" and region.byline is not None:
                mine = region.byline
                # Pattern bylines it overlaps give way to the one the page's markup names.
                found = [p for p in found if not (p.start < mine.end and mine.start < p.end)]
                found.append(Proposal("byline", mine.start, mine.end, dict(mine.attrs)))
            _share_email(found)
            out += found
        if "date" in wanted:
            dated = _date_lines(lines, region)
            for f in find_dates(text, a, b):
                line = _line_at(lines, f.start)
                if line.index not in dated:
                    continue
                at_edge = f.start - line.start <= 20 or line.end - f.end <= 2
                if line.weight <= 120 or at_edge:
                    # Just the date: a label before it ("기사입력 : ") is not part of it; a
                    # zone written after it ("09:03 KST", "(UTC+9)") is, so that its value
                    # carries the zone (read from the span's text, as for a date marked by hand).
                    end = f.end
                    if "T" in str(f.attrs.get("value", "")):
                        zone = zone_after(text, f.end, iso="T" in text[f.start : f.end])
                        if zone is not None and zone[1] <= line.end:
                            end = zone[1]
                    out.append(Proposal("date", f.start, end, dict(f.attrs)))
    return out


def _date_lines(lines: list[Line], region: ArticleRegion) -> set[int]:
    """The lines of ``region`` where the article's own date may be: its header, down to the
    first paragraph under the title (a dateline opens it) and the few short lines right
    after that paragraph (it may be a standfirst, with the byline and date under it), and
    the article's last few lines ("Updated at ...", "입력 2020.06.03"). A date further down,
    above the last paragraph, is part of what the article says (a reference list, a table,
    a log excerpt), and stays in its body."""
    span = range(region.first, region.last + 1)
    below = region.body_first if region.title_line is None else max(region.body_first, region.title_line + 1)
    prose = [i for i in span if i >= below and lines[i].weight > LONG]
    if not prose:
        return set(span)
    header = {i for i in span if i <= prose[0]}
    after = [i for i in range(prose[0] + 1, prose[1] if len(prose) > 1 else region.last + 1) if not lines[i].blank]
    header.update(after[:STANDFIRST_HEADER_LINES])
    tail = [i for i in span if not lines[i].blank][-FOOTER_DATE_LINES:]
    return header | {i for i in tail if i > prose[-1]}


STANDFIRST_HEADER_LINES = 4  # short lines after the first paragraph where the date may stand
FOOTER_DATE_LINES = 3  # the article's last non-blank lines where its date may stand
SUBTITLE_LINES = 4  # non-blank lines between the title block and the byline read as subtitles
SUBTITLE_WEIGHT = 2 * LONG  # heavier is a paragraph, not a subtitle
TEASER_TITLE_CHARS = 120  # a teaser's byline this far into it has the teaser's title before it
PHOTO_CAPTION_CHARS = 250  # from a caption's credit to its stamp


def _subtitles(lines: list[Line], region: ArticleRegion) -> list[Line]:
    """The lines between the title block (title, dates) and a byline line that opens the
    body: subtitles, one a line ("'AI 사업협력' MOU 체결..." on the seed). None when no such
    byline comes within ``SUBTITLE_LINES`` lines, or a paragraph comes before it."""
    assert region.title_line is not None
    out: list[Line] = []
    for line in lines[region.title_line + 1 : region.last + 1]:
        if line.blank or line.index in region.header_parts or line.index in region.dropped:
            continue
        if _is_byline_line(line):
            return out
        if _is_date_line(line):
            if out:
                return []  # a date after a subtitle-like line: not a header block we know
            continue
        if line.weight > SUBTITLE_WEIGHT or len(out) == SUBTITLE_LINES:
            return []
        out.append(line)
    return []


def _teaser_title(text: str, line: Line, bylines: list[Proposal]) -> list[Proposal]:
    """A teaser that opens with its headline and then its byline ("정부조직 개편 방식 '안갯속'
    [서울=뉴스핌] 윤채영 기자 = ..."): the headline, up to the byline, is its title."""
    named = [p for p in bylines if p.start >= line.start and "authors" in p.attrs]
    if not named or named[0].start - line.start > TEASER_TITLE_CHARS:
        return []
    end = named[0].start
    while end > line.start and text[end - 1].isspace():
        end -= 1
    return [Proposal("title", line.start, end)] if len(tokens(text[line.start : end])) >= 2 else []


def _photo_captions(text: str, bylines: list[Proposal], a: int, b: int) -> list[tuple[int, int]]:
    """Korean photo captions inside a text: a credit that reads like a byline, the caption,
    and the stamp "2025.07.22 gdlee@newspim.com" ("[서울=뉴스핌] 이길동 기자 =이한주
    국정기획위원회 위원장.2025.07.22 gdlee@newspim.com"). The caption runs from the last
    byline before the stamp to the stamp's end; the bylines and e-mail in it are the
    photographer's, not the article's."""
    out: list[tuple[int, int]] = []
    named = sorted(p.start for p in bylines if "authors" in p.attrs)
    for stamp in PHOTO_STAMP_RE.finditer(text, a, b):
        at = stamp.start()
        before = [s for s in named if s < at and at - s <= PHOTO_CAPTION_CHARS]
        if before and not any(before[-1] < ce for _, ce in out):
            out.append((before[-1], stamp.end()))
    return out


def bp_date_label(prefix: str) -> bool:
    from annotator.suggest.patterns import DATE_LABEL_RE

    return bool(DATE_LABEL_RE.match(prefix.strip()))


_BY_PREFIX_RE = re.compile(
    r"(?:^|(?<=\W))(?:written\s+by|words\s+by|story\s+by|posted\s+by|by|par|von|door|por)\s*:?\s*$",
    re.IGNORECASE,
)
_LEADING_BY_RE = re.compile(r"^(?:written\s+by|words\s+by|story\s+by|posted\s+by|by|par|von|door|por)\s*:?\s+", re.IGNORECASE)
_BY_WORDS = frozenset({"by", "par", "von", "door", "por", "written", "words", "story", "posted"})
_DATE_TAIL = " \t\n|,-–—·•/"


BYLINE_ABOVE = 8  # non-blank lines above the article searched for its byline
BYLINE_BELOW = 3  # non-blank lines under it ("Jane Doe — 2013-09-29 — in Code")
_RELATIVE_TIME_RE = re.compile(
    r"\b(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b|\b(?:yesterday|today)\b",
    re.IGNORECASE,
)


def _place_markup_byline(doc: DocInput, lines: list[Line], region: ArticleRegion, page: PageTitles | None) -> None:
    """Find the author the page's markup names where the text says it; set ``region.byline``.

    Candidates in readability's order: the metadata author (JSON-LD, dc:creator,
    author), then the text of byline-looking elements. Each is looked for in the article,
    then a few lines above it (a byline over the headline, or between two copies of the
    headline), then a few lines under it; the article is widened to take a byline found
    outside, and the lines it crosses to get there are header lines. A byline line that
    starts with "By"/"Par"/"Por" is taken whole; a date in it ("By Jane Doe March 11,
    2015") is left out of the byline, being the date's own span.
    """
    text = doc.text
    candidates: list[tuple[str, bool]] = []  # (string, from the metadata)
    meta_author = page.byline if page is not None else (
        doc.html_meta.get("author") or doc.html_meta.get("article:author")
    )
    if meta_author:
        candidates.append((meta_author, True))
    if page is not None:
        candidates += [(value, False) for value in page.byline_elements]
    above = [ln for ln in reversed(lines[: region.first]) if not ln.blank][:BYLINE_ABOVE]
    below = [ln for ln in lines[region.last + 1 :] if not ln.blank][:BYLINE_BELOW]
    zones = [(lines[region.first].start, lines[region.last].end)]
    if above:
        zones.append((above[-1].start, lines[region.first].start))
    if below:
        zones.append((lines[region.last].end, below[-1].end))
    for value, from_meta in candidates:
        value = value.strip()
        if not _plausible_author(value, from_meta):
            continue
        for zone, (a, b) in enumerate(zones):
            where = _byline_place(text, lines, value, a, b, outside=zone > 0)
            if where is None:
                continue
            span = _byline_extent(text, lines, *where)
            if span is None:
                break  # only a date or a label: not this candidate
            start, end = span
            names = _author_names(value if from_meta else text[start:end])
            if not from_meta and not names:
                break
            first, last = _line_at(lines, start).index, _line_at(lines, end - 1).index
            # Lines crossed to reach the byline: its own, the title's and date lines are
            # parts of the article; only what is left between is header boilerplate.
            own = range(first, last + 1)
            region.header_parts.update(i for i in own if not region.first <= i <= region.last)
            crossed = [*lines[first : region.first], *lines[region.last + 1 : last + 1]]
            for line in crossed:
                if line.blank or line.index in region.dropped or line.index in own:
                    continue
                if line.index == region.title_line or _is_date_line(line):
                    continue
                region.dropped[line.index] = "header"
            region.first, region.last = min(region.first, first), max(region.last, last)
            region.byline = Proposal("byline", start, end, {"authors": names} if names else {})
            return


def _plausible_author(value: str, from_meta: bool) -> bool:
    """Not a url, not a handle ("Follow @jane"), not a sentence; in Latin script with a
    capital letter, and from an element two words at least ("AUTHORING" in a class-named
    box is not a person)."""
    if not value or len(value) >= 100 or "://" in value or "@" in value:
        return False
    latin = re.findall(r"[A-Za-zÀ-ɏ]", value)
    if not latin:
        return True
    return any(c.isupper() for c in latin) and (from_meta or len(tokens(value)) >= 2)


def _names_only(value: str) -> bool:
    """A stretch of a byline line that adds names, not a date, a handle or a sentence."""
    return not re.search(r"[\d@]", value) and len(value.split()) <= 10


def _byline_extent(text: str, lines: list[Line], start: int, end: int) -> tuple[int, int] | None:
    """The byline around a located author: a line opening with "By"/"Par"/"Por" whole when
    the rest of it is more names ("Por Steven Lee Myers, Keith Bradsher y Tariq Panja"),
    a closing bracket the author ends with, and without the date or "2 days ago" after it."""
    line = _line_at(lines, start)
    prefix = _BY_PREFIX_RE.search(text, line.start, start)
    if prefix:
        start = prefix.start()
    elif _LEADING_BY_RE.match(line.text) and _names_only(text[line.start : start]):
        start = line.start
    if start == line.start and _LEADING_BY_RE.match(line.text) and _names_only(text[end : line.end]):
        end = max(end, line.end)
    while end < line.end and text[end] in ")]" and text[start:end].count("(") > text[start:end].count(")"):
        end += 1
    cut = [f.start for f in find_dates(text, start, end)]
    cut += [m.start() for m in _RELATIVE_TIME_RE.finditer(text, start, end)]
    if cut:
        end = min(cut)
        while end > start and text[end - 1] in _DATE_TAIL:
            end -= 1
    rest = text[start:end]
    if not tokens(_LEADING_BY_RE.sub("", rest)) or bp_date_label(rest):
        return None
    return start, end


def _byline_place(
    text: str, lines: list[Line], value: str, a: int, b: int, *, outside: bool = False
) -> tuple[int, int] | None:
    """The first place in ``text[a:b]`` where ``value`` reads as a byline: most of its line,
    after a label ("Author: ", "作者："), opening a line that starts with "By" ("// By Jane
    Doe • Nov 11, 2020"), opening a line with a date after it ("Jane Doe — 2013-09-29 — in
    Code"), or, inside the article, opening a short line. A name in a
    paragraph is a mention, and a breadcrumb that starts with the site's name ("Mac & i >
    News > ...") is no byline either.
    """
    for start, end in find_phrases(text, value, a, b):
        line = _line_at(lines, start)
        mostly = (end - start) * 2 >= len(line.text)
        before = tokens(text[line.start : start])
        opens = set(before) <= _BY_WORDS
        by_line = bool(before) and before[0] in _BY_WORDS
        labelled = text[line.start : start].rstrip().endswith((":", "："))
        dated = bool(find_dates(text, end, line.end))
        short = not outside and line.weight <= 80
        if mostly or labelled or (opens and (by_line or dated or short)):
            return start, end
    return None


def _author_names(value: str) -> list[str]:
    """"By Jane Doe and John Roe" -> ["Jane Doe", "John Roe"]; "Doe, Jane; Roe, John" too."""
    value = _LEADING_BY_RE.sub("", value.strip())
    names = [n.strip(" .,;") for n in re.split(r";|\s*,\s*|\s+(?:and|&|und|et|y|e)\s+", value) if n.strip(" .,;")]
    if not names or any(len(n.split()) > 5 or re.search(r"\d", n) for n in names):
        return []
    return names


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
