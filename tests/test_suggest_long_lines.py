"""Suggestions on pages built to be slow: one line holding thousands of dates.

Two costs grew with the square of such a line: every date found was compared with every
date found before it, and each line's weight (its CJK-aware length) was counted again each
time a suggestion asked for it. A 300 KB line of dates took most of a minute; it now takes
about a second, because a date is checked against its neighbour only and a line's weight is
counted once.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from annotator.suggest import lines as lines_module
from annotator.suggest.lines import split_lines
from annotator.suggest.patterns import EN_DATE_RE, KO_DATE_RE, NUM_DATE_RE, find_dates
from tests.cli_helpers import run


def test_a_line_weight_is_counted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = lines_module._WIDE_RE

    class Counting:
        def findall(self, value: str) -> list[str]:
            calls.append(value)
            return real.findall(value)

    monkeypatch.setattr(lines_module, "_WIDE_RE", Counting())
    (line,) = split_lines("기사 text")
    assert [line.weight, line.weight, line.weight] == [2 * 2 + 1 + 4] * 3
    assert calls == ["기사 text"]


def test_weight_is_not_part_of_a_lines_identity() -> None:
    a, b = split_lines("같은 줄\n같은 줄")
    assert a.weight == b.weight == 4 + 3  # three Hangul syllables count twice
    assert a != b and a.text == b.text  # index and offsets still tell them apart


def overlapping_reference(text: str) -> list[tuple[int, str]]:
    """The first rule, written out slowly: earlier patterns win; no two dates overlap."""
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, str]] = []
    for regex in (KO_DATE_RE, NUM_DATE_RE, EN_DATE_RE):
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            found = [f for f in find_dates(text, m.start(), m.end()) if f.start == m.start()]
            if found:
                taken.append((m.start(), m.end()))
                out.append((m.start(), str(found[0].attrs["value"])))
    return sorted(out)


@pytest.mark.parametrize(
    "text",
    [
        "2024.01.02 2024년 1월 3일 June 4, 2020 2024-01-05 09:30",
        "2024년 1월 3일 2024.01.03 Jan. 5, 2021, 2023/12/31",
        "입력 2020.06.03 09:03 수정 2020년 06월 04일 오후 3:10 · June 3, 2020",
    ],
)
def test_dates_of_several_patterns_keep_their_order_and_never_overlap(text: str) -> None:
    found = find_dates(text)
    spans = [(f.start, f.end) for f in found]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
    assert [(f.start, f.attrs["value"]) for f in found] == overlapping_reference(text)


def test_twenty_thousand_dates_on_one_line_are_each_found() -> None:
    dates = [(2010 + i % 15, 1 + i % 12, 1 + i % 28) for i in range(20_000)]
    text = " ".join(f"{y}.{m:02d}.{d:02d}" for y, m, d in dates)
    found = find_dates(text)
    assert [f.attrs["value"] for f in found] == [f"{y}-{m:02d}-{d:02d}" for y, m, d in dates]
    assert [text[f.start : f.end] for f in found] == text.split(" ")


def test_a_page_of_dates_on_one_line_is_suggested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "dates.html"
    page.write_text("<html><body><p>" + "2024.01.01 " * 50_000 + "</p></body></html>", encoding="utf-8")
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    assert run(capsys, "import", str(root), str(page))[0] == 0
    code, out, err = run(capsys, "suggest", str(root), "--jobs", "1")
    assert code == 0, err
    assert re.search(r"suggested 1 of 1 document", out + err)
    saved = json.loads((root / "annotations" / "suggestions" / "dates.json").read_text(encoding="utf-8"))
    dates = [s for s in saved["spans"] if s["label"] == "date"]
    assert dates and all(s["attrs"]["value"] == "2024-01-01" for s in dates)
