"""Properties of offsets through import normalisation and the GUI's UTF-16 conversion.

- ``normalise_text`` gives LF newlines and NFC, says what it changed, and is idempotent;
- ``normalise_with_spans`` moves spans so that ``text[start:end]`` of the normalised text is
  the normalised text of the span, or refuses the line exactly when a span edge falls inside
  something normalisation merges (a CRLF pair, a letter and its mark, Hangul jamo), naming
  such a span;
- ``OffsetMap`` (annotator/gui/offsets.py, pure Python) agrees with counting UTF-16 units of
  the prefix, for every offset, and round-trips.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.gui.offsets import OffsetMap
from annotator.importers.jsonl import LineError, normalise_with_spans
from annotator.importers.text import normalise_text
from tests.strategies import raw_text_with_spans, raw_texts, utf16_texts

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


def expected_normalisation(text: str) -> str:
    """The contract, written independently: CRLF and CR become LF, then NFC."""
    return unicodedata.normalize("NFC", re.sub("\r\n?", "\n", text))


def edge_is_cut(text: str, edge: int) -> bool:
    """Whether normalising the two sides of ``edge`` apart differs from normalising the whole:
    the edge falls inside something normalisation merges."""
    return expected_normalisation(text[:edge]) + expected_normalisation(
        text[edge:]
    ) != expected_normalisation(text)


# --------------------------------------------------------------------------- normalise_text


@SETTINGS
@given(raw_texts)
@example("a\r\r\nb\rc\n")
@example("\u1100\u1161\u11a8e\u0301")
def test_normalise_text_gives_lf_and_nfc_and_says_what_changed(raw: str) -> None:
    text, changes = normalise_text(raw)
    assert text == expected_normalisation(raw)
    assert "\r" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert normalise_text(text) == (text, [])  # idempotent; nothing left to report
    lf = re.sub("\r\n?", "\n", raw)
    assert changes == [
        name
        for name, changed in (
            ("crlf", "\r\n" in raw),
            ("cr", re.search("\r(?!\n)", raw) is not None),
            ("nfc", not unicodedata.is_normalized("NFC", lf)),
        )
        if changed
    ]


# --------------------------------------------------------------------------- spans


def span_key(span: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(span.get(key) for key in ("label", "attrs"))


@SETTINGS
@given(raw_text_with_spans())
@example(("a\r\nb", [{"id": "s1", "start": 1, "end": 4, "label": "PER", "text": "\r\nb"}]))
@example(("a\r\nb", [{"id": "s1", "start": 2, "end": 4, "label": "PER", "text": "\nb"}]))
@example(("xe\u0301y", [{"id": "s1", "start": 1, "end": 3, "label": "PER", "text": "e\u0301"}]))
@example(("xe\u0301y", [{"id": "s1", "start": 2, "end": 4, "label": "PER", "text": "\u0301y"}]))
@example(("\u1100\u1161\u11a8!", [{"id": "s", "start": 0, "end": 2, "label": "PER"}]))
@example(("😀\r\n👍🏽", [{"id": "s", "start": 3, "end": 5, "label": "PER"}]))
def test_spans_move_with_normalisation(case: tuple[str, list[dict[str, Any]]]) -> None:
    raw, spans = case
    given_spans = [dict(s) for s in spans]
    cut = [
        n
        for n, span in enumerate(spans)
        if edge_is_cut(raw, span["start"]) or edge_is_cut(raw, span["end"])
    ]
    try:
        text, changes, moved = normalise_with_spans(raw, spans)
    except LineError as exc:
        # Refused only when an edge really falls inside a merged sequence, naming the first
        # such span.
        assert cut, f"refused although no span edge is inside a merged sequence: {exc}"
        first = spans[cut[0]].get("id", f"#{cut[0]}")
        assert str(exc).startswith(f"span {first}: ")
        return
    assert not cut, f"spans {cut} have an edge inside a merged sequence, yet were moved"
    assert spans == given_spans  # the caller's dicts are left alone
    assert (text, changes) == normalise_text(raw)
    assert len(moved) == len(spans)
    for n, (before, after) in enumerate(zip(spans, moved, strict=True)):
        assert 0 <= after["start"] < after["end"] <= len(text)
        assert text[after["start"] : after["end"]] == expected_normalisation(
            raw[before["start"] : before["end"]]
        )
        assert after["text"] == text[after["start"] : after["end"]]
        assert after["id"] == before.get("id", f"s{n + 1}")
        assert span_key(after) == span_key(before)
    # Order along the text is kept: offsets move monotonically.
    edges = sorted(
        {
            (e, m)
            for b, a in zip(spans, moved, strict=True)
            for e, m in ((b["start"], a["start"]), (b["end"], a["end"]))
        }
    )
    assert [m for _, m in edges] == sorted(m for _, m in edges)


# --------------------------------------------------------------------------- UTF-16


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@SETTINGS
@given(utf16_texts)
@example("")
@example("😀")
@example("a😀b👍🏽\ud800c")
def test_offset_map_counts_utf16_units_of_the_prefix(text: str) -> None:
    m = OffsetMap(text)
    assert m.length == len(text)
    assert m.length_utf16 == utf16_len(text)
    assert m.is_bmp == (m.length_utf16 == len(text))
    starts = []  # the UTF-16 offset where each code point starts
    for i in range(len(text) + 1):
        u16 = m.to_utf16(i)
        assert u16 == utf16_len(text[:i])
        assert m.to_codepoint(u16) == i
        starts.append(u16)
    # Every UTF-16 offset, the second half of a surrogate pair included, maps to the code
    # point that contains it (the start of the character).
    for u16 in range(m.length_utf16 + 1):
        cp = m.to_codepoint(u16)
        assert starts[cp] <= u16 < (starts[cp + 1] if cp < len(text) else u16 + 1)
    for bad in (-1, len(text) + 1):
        with pytest.raises(ValueError):
            m.to_utf16(bad)
    for bad in (-1, m.length_utf16 + 1):
        with pytest.raises(ValueError):
            m.to_codepoint(bad)


@SETTINGS
@given(utf16_texts, st.data())
def test_offset_map_round_trips_spans(text: str, data: st.DataObject) -> None:
    """A span's code point edges survive the trip through Qt's units, and the UTF-16 slice
    is the same text."""
    m = OffsetMap(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    u0, u1 = m.to_utf16(start), m.to_utf16(end)
    units = text.encode("utf-16-le", "surrogatepass")
    assert units[2 * u0 : 2 * u1] == text[start:end].encode("utf-16-le", "surrogatepass")
    assert (m.to_codepoint(u0), m.to_codepoint(u1)) == (start, end)
