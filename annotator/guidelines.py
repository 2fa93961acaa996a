"""The annotation guidelines of a corpus: ``CORPUS/guidelines.md``, shown beside the text.

The guide is plain Markdown, written by the project lead. The app finds a label's part of it
by its heading: a heading (any level) named exactly after the label, such as ``### PER``.
That section runs to the next heading of the same or a higher level, so sub-headings
(``#### Examples``) belong to it. :func:`section_for` is the one reading of that rule; the
dock, the palette's tooltips and the "guidelines of this span" key all use it.

:func:`starting_guidelines` writes a first guide from a scheme: for the news scheme, a real
guide (each label explained with a line quoted from the seed page, the choice values, and
the article-header convention of ADR 0016); for any other scheme, a skeleton with one
heading per label and its ``description`` to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus import CorpusError, atomic_write_bytes
from annotator.default_scheme import news_scheme
from annotator.model import AttributeDef, LabelDef, LabelScheme
from annotator.rules import PART_LABELS

GUIDELINES_FILE = "guidelines.md"

# ----------------------------------------------------------------------------- reading


def guidelines_path(corpus_root: Path | str) -> Path:
    return Path(corpus_root) / GUIDELINES_FILE


def load_guidelines(corpus_root: Path | str) -> str | None:
    """The corpus's guidelines (Markdown), or None when it has no ``guidelines.md``.

    Raises :class:`CorpusError` naming the file when it cannot be read or is not UTF-8.
    """
    path = guidelines_path(corpus_root)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise CorpusError(path, "is a folder, not a Markdown file") from exc
    except OSError as exc:
        raise CorpusError(path, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        # utf-8-sig: editors on Windows often add a byte-order mark; it is not text.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            path, f"not UTF-8 (bad byte at offset {exc.start}); save the guidelines as UTF-8"
        ) from exc


@dataclass(frozen=True, slots=True)
class Heading:
    """A Markdown heading: its line (0-based), level (1-6), text (markup stripped) and
    the number of lines it takes (2 for an underlined "setext" heading)."""

    line: int
    level: int
    text: str
    height: int = 1


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# A line that cannot be the text of an underlined heading (a list item, a quote, a rule).
_NOT_PARAGRAPH = re.compile(r"^ {0,3}([-*+>]|\d+[.)])(\s|$)|^\s*$|^ {4}")


def heading_text(raw: str) -> str:
    """A heading's text as compared with label names: spaces, a wrapping code span and
    emphasis removed (``### `PER` `` and ``### **PER**`` both name PER)."""
    text = raw.strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "`*_":
        text = text[1:-1].strip()
    return text


def headings(markdown: str) -> list[Heading]:
    """The headings of ``markdown`` in order: ``#`` headings, and one-line headings
    underlined with ``===`` or ``---``; none inside fenced code blocks (a ``# comment`` in
    a shell example is not a heading)."""
    lines = markdown.splitlines()
    found: list[Heading] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        elif atx := _ATX.match(line):
            found.append(Heading(i, len(atx.group(1)), heading_text(atx.group(2) or "")))
        elif (
            i + 1 < len(lines)
            and (underline := _SETEXT.match(lines[i + 1]))
            and not _NOT_PARAGRAPH.match(line)
            # Only a one-line paragraph: after a blank line, a heading or at the start.
            and (i == 0 or not lines[i - 1].strip() or (found and found[-1].line + found[-1].height == i))
        ):
            found.append(Heading(i, 1 if underline.group(1)[0] == "=" else 2, heading_text(line), 2))
            i += 1  # the underline
        i += 1
    return found


def find_heading(markdown: str, label: str) -> Heading | None:
    """The heading named after ``label``: an exact match first, then one that differs only
    in case (a guide written with "Per" still serves the label PER)."""
    all_headings = headings(markdown)
    exact = next((h for h in all_headings if h.text == label), None)
    if exact is not None:
        return exact
    folded = label.casefold()
    return next((h for h in all_headings if h.text.casefold() == folded), None)


def section_for(markdown: str, label: str) -> str | None:
    """The section of ``label``: its heading line and everything under it up to the next
    heading of the same or a higher level (sub-headings included), trailing blank lines
    removed. None when no heading is named after the label."""
    target = find_heading(markdown, label)
    if target is None:
        return None
    lines = markdown.splitlines()
    end = len(lines)
    for h in headings(markdown):
        if h.line > target.line and h.level <= target.level:
            end = h.line
            break
    return "\n".join(lines[target.line:end]).rstrip()


def section_body(section: str) -> str:
    """A section without its heading line(s): what to preview under the label's name."""
    lines = section.splitlines()
    found = headings(section)
    skip = found[0].height if found and found[0].line == 0 else 0
    return "\n".join(lines[skip:]).strip()


# ----------------------------------------------------------------------------- writing


def write_starting_guidelines(root: Path | str, scheme: LabelScheme) -> Path:
    """Write ``CORPUS/guidelines.md`` for ``scheme`` (atomically); the path written.

    Never replaces a guide that exists: that is the lead's work. Raises
    :class:`CorpusError` naming the file then.
    """
    path = guidelines_path(root)
    # Checked, then written by rename: a guide created in between by another program would
    # be replaced, a window too small to matter for a file written once, by `annotator new`.
    if path.exists() or path.is_symlink():
        raise CorpusError(path, "already exists; it is left as it is (not overwritten)")
    atomic_write_bytes(path, starting_guidelines(scheme).encode("utf-8"))
    return path


@dataclass(frozen=True, slots=True)
class Example:
    """A stretch of the seed page, quoted verbatim, and what to mark in it."""

    quote: str
    marks: tuple[str, ...]
    note: str = ""


SEED_SOURCE = "the seed page (newspim.com, 3 June 2020: LG Electronics, KT and LG U+ join the 'AI One Team')"

#: What each label of the news scheme means, beyond its one-line description.
NEWS_PROSE: dict[str, str] = {
    "article": (
        "On a newspim page the last line is the reporter's e-mail line. The header lines (title, subtitle, byline, date) are inside it; so are "
        "captions and other boilerplate within the article, marked as boilerplate inside it. "
        "Teasers of other articles at the foot of the page are articles too, with role "
        "`related`: each from its title to its last line, date included."
    ),
    "boilerplate": (
        "Menus, section names, photo captions, "
        "\"best articles\" lists, advertisements, share buttons, copyright lines. Mark it "
        "where it stands, inside or outside an article; a boilerplate span may lie inside an "
        "article but never across an article's edge. Choose the `kind` that says what it is."
    ),
    "title": (
        "The headline of an article, the whole line, quotes and punctuation included. "
        "Inside the article: the article starts with it."
    ),
    "subtitle": (
        "A deck or sub-headline under the title. Each line is one subtitle span."
    ),
    "byline": (
        "Who wrote the article: the agency, place and reporter line, and the reporter's "
        "e-mail line at the end. Mark the line (not the `=` that joins it to the "
        "first sentence); fill in the attributes from it. The names in it are also "
        "entities (LOC, ORG, PER): they are in another layer and may overlap the byline."
    ),
    "date": (
        "When the article was published or updated: the date and time only, not the label "
        "in front of it (`기사입력 :`, `최종수정 :` stay unmarked text of the article). "
        "Put the normalized date in `value`, with the page's time zone (Korea: +09:00)."
    ),
    "PER": (
        "A person's name, without titles or job words (사장, 부사장, 기자, 의원 stay outside)."
    ),
    "ORG": (
        "A company, agency, institution, party or team, in full or abbreviated, each "
        "mention on its own (LG전자, KT, 국정위)."
    ),
    "LOC": (
        "A place: a country, city, district, region or named building."
    ),
    "MISC": (
        "Other names: products, services, laws, events (a product such as 기가지니, a bill "
        "such as 검찰개혁 4법)."
    ),
}

#: Examples per label: each quote is a stretch of the seed page, copied exactly.
NEWS_EXAMPLES: dict[str, tuple[Example, ...]] = {
    "article": (
        Example(
            '"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손',
            ('"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손',),
            "the main article (role `main`) starts at its title and ends with `sjh@newspim.com`",
        ),
        Example(
            "정부조직 개편 방식 '안갯속'",
            ("정부조직 개편 방식 '안갯속'",),
            "a teaser under `[뉴스핌 베스트 기사]` starts a related article, role `related`",
        ),
    ),
    "boilerplate": (
        Example("전체기사 최신뉴스 GAM", ("전체기사 최신뉴스 GAM",), "kind `navigation`"),
        Example("LG 트윈타워 [사진=LG]", ("LG 트윈타워 [사진=LG]",), "kind `caption`, inside the article"),
        Example("[뉴스핌 베스트 기사]", ("[뉴스핌 베스트 기사]",), "kind `related-links`"),
        Example("안다쇼핑", ("안다쇼핑",), "kind `advertisement`"),
    ),
    "title": (
        Example(
            '"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손',
            ('"인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손',),
        ),
    ),
    "subtitle": (
        Example(
            "'AI 사업협력' MOU 체결...LG, 산학연 협의체 'AI 원팀' 합류",
            ("'AI 사업협력' MOU 체결...LG, 산학연 협의체 'AI 원팀' 합류",),
        ),
        Example("감염병 등 사회문제 해결, 인재육성 등에 공동 노력", ("감염병 등 사회문제 해결, 인재육성 등에 공동 노력",)),
    ),
    "byline": (
        Example(
            "[서울=뉴스핌] 심지혜 기자 = LG전자가 KT, LG유플러스 등 이통사들과 손잡고",
            ("[서울=뉴스핌] 심지혜 기자",),
            "authors `심지혜`, agency `뉴스핌`, location `서울`, and email `sjh@newspim.com` "
            "from the e-mail line at the end",
        ),
        Example("sjh@newspim.com", ("sjh@newspim.com",), "the e-mail line is a byline too: email `sjh@newspim.com`"),
    ),
    "date": (
        Example("기사입력 : 2020년06월03일 09:03", ("2020년06월03일 09:03",), "value `2020-06-03T09:03+09:00`"),
        Example("최종수정 : 2020년06월03일 09:05", ("2020년06월03일 09:05",), "value `2020-06-03T09:05+09:00`"),
    ),
    "PER": (
        Example("체결식에는 LG전자 CTO(최고기술책임자) 박일평 사장", ("박일평",), "not 사장"),
        Example("조승래 국정위 대변인은", ("조승래",)),
    ),
    "ORG": (
        Example("지난해 2월 출범했으며 KT, 현대중공업지주,", ("KT", "현대중공업지주")),
        Example("김용민 더불어민주당 의원 등이 발의한 법안에는", ("더불어민주당",), "김용민 is PER"),
    ),
    "LOC": (
        Example(
            "한덕수 전 국무총리가 2일 오후 서울 서초구 서울고등검찰청에",
            ("서울", "서초구"),
            "서울고등검찰청 is an institution, an ORG",
        ),
        Example("[세종=뉴스핌] 양가희 기자", ("세종",), "a byline's place is a LOC too"),
    ),
    "MISC": (
        Example("씽큐(LG ThinQ)'의", ("LG ThinQ",), "a product"),
        Example("'검찰개혁 4법'을 발의했다", ("검찰개혁 4법",), "a bill"),
    ),
}

#: What each value of the news scheme's choice attributes means, with its example.
NEWS_VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("article", "role"): {
        "main": "the article the page is about (one per article page)",
        "related": "a teaser or summary of another article shown on the page",
    },
    ("boilerplate", "kind"): {
        "navigation": "menus, section names, \"top\" links (`전체기사 최신뉴스 GAM`, `Top으로 이동`)",
        "header": "the site's own header or masthead, never an article's title, byline or date",
        "footer": "copyright, address and contact lines at the foot of the page",
        "caption": "a photo or its caption (`LG 트윈타워 [사진=LG]`, `사진`)",
        "related-links": "headings and lists of other articles (`[뉴스핌 베스트 기사]`, `속보`)",
        "advertisement": "ads and shop links (`안다쇼핑`)",
        "share": "share, print, font-size and subscribe buttons",
        "other": "anything else that is not article content",
    },
}

#: Attributes of the news scheme that carry no description in the scheme itself.
NEWS_ATTRS: dict[tuple[str, str], str] = {
    ("byline", "authors"): "the reporters' names, one item each (`심지혜`)",
    ("byline", "agency"): "the news agency or paper (`뉴스핌`)",
    ("byline", "location"): "the dateline place (`서울`)",
    ("byline", "email"): "the reporter's address, from this line or the e-mail line at the end",
    ("date", "value"): "ISO 8601 date or date and time with the zone (`2020-06-03T09:03+09:00`)",
    ("boilerplate", "kind"): "what the boilerplate is",
}

NEWS_PAGE_TYPES: dict[str, str] = {
    "article": "a page with one main article (the seed page is one)",
    "article-list": "a list of articles, a section front, a search result",
    "non-article": "any other page (a shop, a form, a video alone)",
    "broken": "an empty, cut or garbled page: mark nothing, say so",
}


def starting_guidelines(scheme: LabelScheme) -> str:
    """A first ``guidelines.md`` for ``scheme``: the full guide for the news scheme, else a
    skeleton with one heading per label (its description, keys, attributes and rules)."""
    news = scheme.name == news_scheme().name
    out: list[str] = [f"# Annotation guidelines: {scheme.name}", ""]
    if scheme.description:
        out += [scheme.description, ""]
    out += [
        "This file is `guidelines.md` in the corpus folder; the app shows it in the "
        "Guidelines dock. Each label has a section under a heading named exactly after it: "
        "hover a label in the palette, or press Shift+F1 on a span, to see that section.",
        "",
    ]
    if news:
        out += _news_introduction(scheme)
    for layer in scheme.layers:
        out += [f"## Layer: {layer.name}", ""]
        if layer.description:
            out += [layer.description, ""]
        if layer.no_overlap:
            out += ["No two spans of this layer may overlap.", ""]
        for label in layer.labels:
            out += _label_section(label, news)
    if scheme.doc_labels:
        out += ["## Document labels", "", "One value per document, set in the Document panel.", ""]
        for doc_label in scheme.doc_labels:
            out += [f"### {doc_label.name}", ""]
            out += [doc_label.description or "_(describe this document label)_", ""]
            notes = NEWS_PAGE_TYPES if news and doc_label.name == "page_type" else {}
            for value in doc_label.values:
                out.append(f"- `{value}`" + (f": {notes[value]}" if value in notes else ""))
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _news_introduction(scheme: LabelScheme) -> list[str]:
    out = [
        "## Working through a page",
        "",
        "1. Set the page type (Document panel).",
        "2. Mark each article (`a`) from its title to its last line; set its role.",
        "3. Inside it, mark the header lines (`t`, `s`, `y`, `d`) and the boilerplate (`b`).",
        "4. Mark the boilerplate outside the articles.",
        "5. Mark the named entities (`p`, `o`, `l`, `m`) in the articles.",
        "",
        f"The examples below are quoted from {SEED_SOURCE}, the page this project started from.",
        "",
    ]
    if all(scheme.label(name) for name in ("article", *PART_LABELS)):
        out += [
            "## The article header: title, subtitle, byline, date",
            "",
            "An article's header lines are parts *inside* the article, never boilerplate "
            "(decision 16 of docs/adr). The article span starts at the title and takes in "
            "the subtitles, the byline and the dates; each of those lines gets its own part "
            "label inside it. Text around them that is not a part, such as `기사입력 :`, stays "
            "unmarked article text.",
            "",
            "The export gives both texts: the *clean text* (the article minus its "
            "boilerplate) keeps the header lines; the *body* leaves the parts out too. So a "
            "header line marked as boilerplate would be wrong twice: missing from the clean "
            "text and counted as boilerplate.",
            "",
            "On the seed page the header of the main article is:",
            "",
            '> "인공지능 경쟁력 키우자"...LG전자-KT-LG유플러스, 맞손',
            "",
            "> 기사입력 : 2020년06월03일 09:03",
            "",
            "> 'AI 사업협력' MOU 체결...LG, 산학연 협의체 'AI 원팀' 합류",
            "",
            "> [서울=뉴스핌] 심지혜 기자 = LG전자가 KT, LG유플러스 등 이통사들과 손잡고",
            "",
            "title, date, subtitle and byline, all inside the article.",
            "",
        ]
    return out


def _label_section(label: LabelDef, news: bool) -> list[str]:
    out = [f"### {label.name}", ""]
    facts = []
    if label.description:
        facts.append(label.description[0].upper() + label.description[1:].rstrip(".") + ".")
    if label.key:
        facts.append(f"Key `{label.key}` marks the selection; Shift+`{label.key.upper()}` whole lines.")
    out += [" ".join(facts) if facts else "_(describe this label)_", ""]
    prose = NEWS_PROSE.get(label.name) if news else None
    if prose:
        out += [prose, ""]
    rules = _rules(label)
    if rules:
        out += ["Rules: " + "; ".join(rules) + ".", ""]
    if label.attrs:
        out += ["Attributes:", ""]
        out += [_attribute_line(label, attr, news) for attr in label.attrs]
        out.append("")
    examples = NEWS_EXAMPLES.get(label.name, ()) if news else ()
    if examples:
        out += ["#### Examples", ""]
        for example in examples:
            out += [f"> {example.quote}", ""]
            marks = ", ".join(f"`{m}`" for m in example.marks)
            out += [f"Mark {marks}" + (f": {example.note}" if example.note else "") + ".", ""]
    elif not news:
        out += ["Examples: _(quote a short line of a real document and say what to mark)_", ""]
    return out


def _rules(label: LabelDef) -> list[str]:
    rules = []
    if label.inside:
        rules.append("always inside " + " or ".join(f"`{n}`" for n in label.inside))
    if label.no_self_overlap:
        rules.append(f"two `{label.name}` spans never overlap")
    if label.no_cross:
        rules.append("may sit inside or outside " + ", ".join(f"`{n}`" for n in label.no_cross) + " but never across its edge")
    return rules


def _attribute_line(label: LabelDef, attr: AttributeDef, news: bool) -> str:
    what = [attr.type]
    if attr.required:
        what.append("required")
    if attr.default is not None:
        what.append(f"default `{attr.default}`")
    meaning = attr.description or (NEWS_ATTRS.get((label.name, attr.name), "") if news else "")
    line = f"- `{attr.name}` ({', '.join(what)})" + (f": {meaning}" if meaning else "")
    if attr.type == "choice":
        notes = NEWS_VALUES.get((label.name, attr.name), {}) if news else {}
        values = list(_value_lines(attr, notes))
        line += "\n" + "\n".join(values)
    return line


def _value_lines(attr: AttributeDef, notes: dict[str, str]) -> Iterator[str]:
    for value in attr.values or []:
        yield f"  - `{value}`" + (f": {notes[value]}" if value in notes else "")
