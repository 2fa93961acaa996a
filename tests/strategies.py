"""Hypothesis strategies shared by the property tests (``tests/test_properties_*.py``).

Imported only by those files, after ``pytest.importorskip("hypothesis")``.

- :data:`raw_texts`: what an import may be given: CRLF, CR and LF mixed, decomposed (NFD)
  sequences, lone combining marks, Hangul jamo, emoji and other astral characters, and
  anything else Hypothesis likes;
- :func:`raw_text_with_spans`: such a text with spans anywhere over it (inside a CRLF or
  between a letter and its mark too);
- :func:`news_documents`: a normalised text (LF, NFC, as the corpus holds) with an
  annotation that respects every rule of the news scheme.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from hypothesis import strategies as st

from annotator.default_scheme import BOILERPLATE_KINDS
from annotator.importers.text import normalise_text

NEWLINES = ["\r\n", "\r", "\n", "\r\r\n", "\n\r", "\r\n\r\n", "\n\n\n", "\n\n\n\n", "\n \n"]
#: Sequences NFC changes or composes with their neighbours.
COMBINING = [
    "e\u0301",  # é decomposed
    "A\u030a",  # Å decomposed
    "\u212b",  # ANGSTROM SIGN: a singleton, becomes U+00C5
    "o\u0308\u0304",  # two marks, both compose: ȫ
    "s\u0307\u0323",  # marks in non-canonical order: reordered, then composed (ṩ)
    "q\u0307\u0323",  # reordered, nothing to compose with
    "\u0301",  # a lone mark: composes with whatever comes before it
    "\u0323",
    "\u0344",  # decomposes into two marks
    "\u0958",  # composition exclusion: becomes U+0915 U+093C
    "\u0915\u093c",
    "\u1100\u1161",  # Hangul jamo L V: 가
    "\u1100\u1161\u11a8",  # L V T: 각
    "\u1161",  # a lone V
    "\u11a8",  # a lone T: composes with a preceding LV syllable
    "가",  # an LV syllable (a following T jamo joins it)
    "각",
    "é",
    "\u00c5",
]
ASTRAL = [
    "😀",
    "👍🏽",  # with a skin-tone modifier (two astral code points)
    "🇰🇷",  # a flag: two regional indicators
    "👨\u200d👩\u200d👧",  # a ZWJ sequence
    "𠀀",  # CJK extension B
    "𝔘",
    "\U0010fffd",
]
PLAIN = ["a", "B", " ", "  ", "\t", "가", "나", "LG", "서울", ".", "=", "\u2028", "\u00a0"]

raw_pieces = st.one_of(
    st.sampled_from(NEWLINES),
    st.sampled_from(COMBINING),
    st.sampled_from(ASTRAL),
    st.sampled_from(PLAIN),
    st.text(max_size=3),
)
#: Texts as import may receive them (not normalised).
raw_texts = st.lists(raw_pieces, max_size=30).map("".join)
#: Texts as the corpus holds them: LF newlines, NFC; a little longer.
normalised_texts = (
    st.lists(raw_pieces, min_size=3, max_size=40).map("".join).map(lambda t: normalise_text(t)[0])
)

#: Characters that take every path of the UTF-16 conversion: BMP, astral, lone surrogates.
utf16_texts = st.lists(
    st.one_of(
        st.sampled_from(ASTRAL),
        st.sampled_from(PLAIN + COMBINING),
        st.characters(),
        st.characters(categories=["Cs"]),  # lone surrogates: one UTF-16 unit each
        st.characters(min_codepoint=0x10000),
    ),
    max_size=40,
).map("".join)


@st.composite
def raw_text_with_spans(draw: st.DrawFn, max_spans: int = 6) -> tuple[str, list[dict[str, Any]]]:
    """A raw text and span dicts over it, as a jsonl line carries them (before import)."""
    text = draw(raw_texts.filter(bool))
    n = len(text)
    spans = []
    for i in range(draw(st.integers(0, max_spans))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        span: dict[str, Any] = {
            "id": f"s{i}",
            "start": start,
            "end": end,
            "label": draw(st.sampled_from(["PER", "ORG", "article"])),
            "text": text[start:end],
            "attrs": draw(st.sampled_from([{}, {"role": "main"}])),
        }
        if draw(st.booleans()):
            del span["id"]  # a hand-written line: import fills them in
        if draw(st.booleans()):
            del span["text"]
        spans.append(span)
    return text, spans


# --------------------------------------------------------------------------- news annotations


@st.composite
def disjoint_intervals(draw: st.DrawFn, lo: int, hi: int, max_count: int) -> list[tuple[int, int]]:
    """Non-empty, non-overlapping ``(start, end)`` in ``[lo, hi]``, sorted; they may touch."""
    if hi <= lo or max_count <= 0:
        return []
    points = sorted(draw(st.lists(st.integers(lo, hi), max_size=2 * max_count)))
    return [(a, b) for a, b in zip(points[0::2], points[1::2], strict=False) if a < b]


attr_texts = st.text(max_size=6)
emails = st.sampled_from(["a@b.cc", "sjh@newspim.com", "김@예시.한국", "x.y+z@mail.example"])
iso_dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.sampled_from([None, UTC])).map(lambda d: d.isoformat()),
)


@st.composite
def byline_attrs(draw: st.DrawFn) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if draw(st.booleans()):
        attrs["authors"] = draw(st.lists(attr_texts, max_size=3))
    if draw(st.booleans()):
        attrs["agency"] = draw(attr_texts)
    if draw(st.booleans()):
        attrs["location"] = draw(attr_texts)
    if draw(st.booleans()):
        attrs["email"] = draw(emails)
    return attrs


@st.composite
def news_spans(draw: st.DrawFn, text: str) -> list[dict[str, Any]]:
    """Spans over ``text`` that break no rule of the news scheme, in random order.

    Articles do not overlap; boilerplate lies between articles or inside one (never across an
    edge) and does not overlap other boilerplate; parts lie inside an article and do not
    overlap each other; entities (anywhere) do not overlap each other.
    """
    n = len(text)
    out: list[tuple[str, int, int, dict[str, Any]]] = []
    articles = draw(disjoint_intervals(0, n, 3))
    for a, b in articles:
        out.append(("article", a, b, {"role": draw(st.sampled_from(["main", "related"]))}))
    # Regions no article edge falls inside: each article, and the gaps around them.
    edges = [0, *(x for ab in articles for x in ab), n]
    regions = [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    for lo, hi in regions:
        for a, b in draw(disjoint_intervals(lo, hi, 2)):
            out.append(("boilerplate", a, b, {"kind": draw(st.sampled_from(BOILERPLATE_KINDS))}))
    for lo, hi in articles:
        labels = draw(st.permutations(["title", "subtitle", "byline", "date"]))
        for label, (a, b) in zip(labels, draw(disjoint_intervals(lo, hi, 4)), strict=False):
            attrs: dict[str, Any] = {}
            if label == "byline":
                attrs = draw(byline_attrs())
            elif label == "date" and draw(st.booleans()):
                attrs = {"value": draw(iso_dates)}
            out.append((label, a, b, attrs))
    for a, b in draw(disjoint_intervals(0, n, 5)):
        out.append((draw(st.sampled_from(["PER", "ORG", "LOC", "MISC"])), a, b, {}))
    spans = [
        {"start": a, "end": b, "label": label, "text": text[a:b], "attrs": attrs}
        for label, a, b, attrs in out
    ]
    spans = draw(st.permutations(spans))
    # Unique by construction; some ids are not "s1", "s2"...
    prefix = draw(st.sampled_from(["s", "span-", "가.", "X_"]))
    ids = [f"{prefix}{n}" for n in draw(st.permutations(range(len(spans))))]
    return [{"id": span_id, **span} for span_id, span in zip(ids, spans, strict=True)]
