"""The line model's link feature (``link_like_chars``) counts what ``_LINK_LIKE`` matches,
word by word in linear time; one long word must not stall ``assign --order uncertain``.

The regex it replaces backtracked from every position of a word with no ``@``
(``\\S+@\\S+``): a one-word 9 MB page was still being scored after ten minutes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.train.features import _LINK_LIKE, link_like_chars
from tests.cli_helpers import run

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

#: Characters that make the alternatives start, end or fail: the scheme and ``www.`` parts,
#: ``@``, the separators, white space, a Hangul syllable.
PIECES = ["h", "t", "p", "s", ":", "/", "w", ".", "@", "|", "»", "›", ">", "•", "·", " ", "\t", "\n", "가", "x"]


def by_regex(value: str) -> int:
    return sum(len(m.group()) for m in _LINK_LIKE.finditer(value))


@given(st.lists(st.sampled_from([*PIECES, "http://", "https://", "www.", "a@b"]), max_size=30).map("".join))
def test_counts_what_the_regex_matches(value: str) -> None:
    assert link_like_chars(value) == by_regex(value)


@given(st.text(max_size=40))
def test_counts_what_the_regex_matches_on_any_text(value: str) -> None:
    assert link_like_chars(value) == by_regex(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mail kim@example.com now", len("kim@example.com")),
        ("@lead and trail@", 0),  # an @ needs a character on each side
        ("a@@", len("a@@")),  # the middle @ has one on each side
        ("see https://x.kr/a | www.y.kr", len("https://x.kr/a") + 1 + len("www.y.kr")),
        ("홈 > 뉴스 > 사회", 2),
        ("x|y@z", len("x|y@z")),  # the @ alternative swallows the separator before it
    ],
)
def test_known_lines(value: str, expected: int) -> None:
    assert link_like_chars(value) == expected == by_regex(value)


def test_a_one_word_megabyte_page_is_ordered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Scored through the real command; with the backtracking regex this took most of an hour."""
    page = tmp_path / "one-word.html"
    page.write_text("<html><body><p>" + "가" * 1_000_000 + "</p></body></html>", encoding="utf-8")
    root = tmp_path / "corpus"
    assert run(capsys, "new", str(root))[0] == 0
    assert run(capsys, "import", str(root), str(page))[0] == 0
    code, _, err = run(capsys, "assign", str(root), "--annotators", "ann", "--overlap", "0", "--order", "uncertain", "--jobs", "1")
    assert code == 0, err
    plan = json.loads((root / "assignments.json").read_text(encoding="utf-8"))
    assert plan["order"] == "uncertain"
    assert plan["annotators"] == {"ann": ["one-word"]}
