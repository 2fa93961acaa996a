"""Find and mark all: no-break spaces, case, whole words with Korean particles, paragraphs."""

from __future__ import annotations

import sys
import unicodedata

from annotator.corpus import Corpus
from annotator.session import DocumentSession
from annotator.text_search import (
    PARTICLES,
    SPACE_SEPARATORS,
    find_all,
    find_next,
    is_particle_run,
    paragraph_step,
    paragraphs,
    whole_word_at,
)
from tests.conftest import add_text


def test_space_separators_are_exactly_unicode_category_zs() -> None:
    zs = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Zs"}
    assert zs == SPACE_SEPARATORS


def test_a_typed_space_finds_the_seed_pages_no_break_spaces(seed_text: str) -> None:
    text = seed_text
    assert text.count("\u00a0") == 243
    assert "서울 종로구" not in text  # the page has U+00A0 there
    ((start, end),) = find_all(text, "서울 종로구")
    assert text[start:end] == "서울\u00a0종로구"
    # And the other way round: a needle copied from the page finds ordinary spaces.
    assert find_all("a b", "a\u00a0b") == [(0, 3)]
    assert find_all("a\u3000b a\u2009b", "a b") == [(0, 3), (4, 7)]
    assert find_all("a  b", "a b") == []  # one for one: offsets never shift


def test_case_insensitive_find_and_wrapping() -> None:
    text = "Apple apple\nAPPLE apple"
    assert find_all(text, "apple") == [(6, 11), (18, 23)]
    assert find_all(text, "apple", case_sensitive=False) == [(0, 5), (6, 11), (12, 17), (18, 23)]
    assert find_next(text, "apple", 0, 5) == (6, 11)
    assert find_next(text, "apple", 18, 23) == (0, 5)  # wraps
    assert find_next(text, "apple", 18, 23, case_sensitive=True) == (6, 11)
    assert find_next(text, "apple", 0, 5, backward=True) == (18, 23)  # wraps backwards
    assert find_next(text, "apple", 12, 17, backward=True) == (6, 11)
    assert find_next(text, "pear", 0, 0) is None
    assert find_next(text, "", 0, 0) is None
    assert find_all(text, "") == []


def test_whole_words_skip_longer_words_but_keep_korean_particles(seed_text: str) -> None:
    text = seed_text
    inside = find_all(text, "서울")
    whole = find_all(text, "서울", whole_words=True)
    assert len(inside) == 9 and len(whole) == 7
    skipped = [text[a : b + 6] for a, b in inside if (a, b) not in whole]
    assert skipped == ["서울공관에 대한", "서울고등검찰청에"]
    # A particle after the name still counts: 서울을, LG전자는 / 가 / 와 / 의.
    assert any(text[b] == "을" for _a, b in whole)
    lg = find_all(text, "LG전자", whole_words=True)
    assert len(lg) == len(find_all(text, "LG전자")) == 12
    assert {text[b] for _a, b in lg} >= {"는", "가", "와", "의", "-"}
    # "LG" is not marked inside "LG유플러스" or "LG전자".
    assert all(not text[b].isalnum() for _a, b in find_all(text, "LG", whole_words=True))


def test_whole_word_edges() -> None:
    text = "KT와 KTX, KT. 서울시 서울에서는 서울로부터 [사진=LG] x서울"
    found = [text[a:b] + "|" + text[b : b + 4] for a, b in find_all(text, "KT", whole_words=True)]
    assert found == ["KT|와 KT", "KT|. 서울"]
    seoul = [(a, text[b : b + 4]) for a, b in find_all(text, "서울", whole_words=True)]
    assert [after for _a, after in seoul] == ["에서는 ", "로부터 "]  # not 서울시, not x서울
    assert find_all(text, "[사진", whole_words=True) == [(text.index("[사진"), text.index("[사진") + 3)]
    assert whole_word_at("서울", 0, 2)  # the end of the text is an edge
    assert not whole_word_at("서울2", 0, 2)
    assert not whole_word_at("서울은행", 0, 2)  # 은 + 행: 행 is no particle


def test_particle_runs() -> None:
    assert all(is_particle_run(p) for p in PARTICLES)
    assert is_particle_run("에서는") and is_particle_run("에서부터는") and is_particle_run("과의")
    assert not is_particle_run("") and not is_particle_run("고등검찰청") and not is_particle_run("인")
    assert not is_particle_run("은은은은")  # at most three in a row
    assert len(set(PARTICLES)) == len(PARTICLES)


def test_paragraphs_and_paragraph_steps() -> None:
    text = "one\ntwo\n\n  \nthree\n\nfour"
    assert [text[a:b] for a, b in paragraphs(text)] == ["one\ntwo", "three", "four"]
    three = text.index("three")
    assert paragraph_step(text, 3, 1, "end") == 7  # mid-paragraph: its own end first
    assert paragraph_step(text, 7, 1, "end") == three + 5
    assert paragraph_step(text, len(text), 1, "end") == len(text)  # no further paragraph
    assert paragraph_step(text, three + 5, -1, "end") == 7
    assert paragraph_step(text, 7, -1, "end") == 7  # nothing before: stays
    assert paragraph_step(text, three, -1, "start") == 0
    assert paragraph_step(text, 0, 1, "start") == three
    assert paragraph_step(text, 2, -1, "start") == 0


def test_mark_occurrences_counts_marked_already_and_refused(corpus: Corpus) -> None:
    text = "서울 서울고등검찰청 서울을 서울공관 [서울=뉴스핌] 서울에서"
    add_text(corpus, "d", text)
    session = DocumentSession.open(corpus, "alice", "d")
    session.mark("LOC", 0, 2)
    bracket = text.index("[서울")
    session.mark("ORG", bracket, bracket + 7)  # an entity there: LOC inside it would overlap
    plan = session.plan_occurrences("LOC", "서울")
    assert plan.already == 1
    assert [(s.start, s.end) for s, _p in plan.refused] == [(bracket + 1, bracket + 3)]
    assert plan.refused[0][1][0].code == "overlap"
    assert [text[s.start : s.end + 1] for s in plan.spans] == ["서울을", "서울에"]
    change = session.mark_planned(plan)
    assert change is not None and len(change.added) == 2
    assert len(session.plan_occurrences("LOC", "서울", whole_words=False).spans) == 2
    session.undo()
    assert sorted(s.text for s in session.spans) == ["[서울=뉴스핌", "서울"]


def test_japanese_and_chinese_names_are_whole_words_at_a_change_of_script() -> None:
    text = "トレンドマイクロは、トレンドマイクロ社の無料アプリ。マイクロソフトと東京都で"
    # A katakana name before the hiragana particle は, or before the Han 社, stands as a word;
    # inside a longer katakana word (マイクロソフト) it does not.
    assert find_all(text, "トレンドマイクロ", whole_words=True) == [(0, 8), (10, 18)]
    assert find_all(text, "マイクロ", whole_words=True) == []
    # Next to Han characters no word edge can be seen: a Han name matches inside (東京都).
    assert find_all(text, "東京", whole_words=True) == [(text.index("東京"), text.index("東京") + 2)]
    # Korean keeps its rule: Latin and Hangul glue (LG전자), particles do not.
    assert find_all("LG전자는 LG와", "LG", whole_words=True) == [(6, 8)]
