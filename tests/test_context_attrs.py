"""A boilerplate's kind and an article's role from the span's words and place; a line marked
as a date or a byline is the date or byline in it; only blocks join consecutive lines.

(:func:`annotator.attribute_fill.context_attrs`, :func:`~annotator.attribute_fill.line_fit`,
:func:`annotator.suggest.boilerplate.span_kind`, through :class:`DocumentSession` where the
marks are made. Each expected span is worked out from the text by hand.)
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from annotator.attribute_fill import context_attrs, line_fit
from annotator.corpus import Corpus
from annotator.default_scheme import news_scheme
from annotator.edits import make_span
from annotator.model import AttributeDef, DocumentMeta, LabelDef, LabelScheme, Layer
from annotator.rules import sha256_text
from annotator.session import DocumentSession
from annotator.suggest.boilerplate import span_kind

SCHEME = news_scheme()
CAPTION = "[서울=뉴스핌] 이길동 기자 =이한주 국정기획위원회 위원장.2025.07.22 gdlee@newspim.com"


@pytest.mark.parametrize(
    ("text", "where", "kind"),
    [
        # A photo caption: a credit read as a byline, closed by its stamp.
        (CAPTION, "bottom", "caption"),
        # The stamp not at the end: a paragraph that quotes one is not a caption.
        (CAPTION + " 그리고 본문이 이어진다", "inside", "other"),
        # A stamp without the credit before it: not the photo caption pattern.
        ("위원장.2025.07.22 gdlee@newspim.com", "bottom", "footer"),
        ("Top으로 이동", "bottom", "navigation"),
        ("[뉴스핌 베스트 기사]", "bottom", "related-links"),
        ("사진", "inside", "caption"),
        ("속보", "", "related-links"),
        ("더보기", "", "navigation"),
        ("Advertisement", "inside", "advertisement"),
        # A block: the first line whose words say, here the second.
        ("National News\nSkip to main content\nLocal News", "", "navigation"),
        ("Local News\n\n©2019 The Associated Press. All rights reserved.", "top", "footer"),
        # Words that say nothing: the place decides.
        ("안다쇼핑", "top", "navigation"),
        ("안다쇼핑", "bottom", "footer"),
        ("안다쇼핑", "inside", "other"),
        ("안다쇼핑", "", "other"),
    ],
)
def test_span_kind(text: str, where: str, kind: str) -> None:
    assert span_kind(text, where) == kind


PAGE = "메뉴 하나\n\n본문 제목\n본문 둘째 줄\n\n안다쇼핑\nTop으로 이동"
MAIN = (PAGE.index("본문 제목"), PAGE.index("본문 둘째 줄") + len("본문 둘째 줄"))


def _spans(*marks: tuple[str, int, int, dict[str, object]]) -> list:
    return [make_span(PAGE, a, b, label, f"s{i}", attrs) for i, (label, a, b, attrs) in enumerate(marks)]


def test_the_place_against_the_main_article_gives_the_kind() -> None:
    spans = _spans(("article", *MAIN, {"role": "main"}))
    menu = (0, len("메뉴 하나"))
    ad = (PAGE.index("안다쇼핑"), PAGE.index("안다쇼핑") + 4)
    assert context_attrs(SCHEME, "boilerplate", PAGE, *menu, spans) == {"kind": "navigation"}
    assert context_attrs(SCHEME, "boilerplate", PAGE, *ad, spans) == {"kind": "footer"}
    inside = (MAIN[0], MAIN[0] + 2)
    assert context_attrs(SCHEME, "boilerplate", PAGE, *inside, spans) == {"kind": "other"}
    # No main article (only a teaser): the place says nothing.
    teaser = _spans(("article", *MAIN, {"role": "related"}))
    assert context_attrs(SCHEME, "boilerplate", PAGE, *ad, teaser) == {"kind": "other"}


def test_an_article_beside_the_main_one_is_a_teaser() -> None:
    spans = _spans(("article", *MAIN, {"role": "main"}))
    below = (PAGE.index("안다쇼핑"), len(PAGE))
    assert context_attrs(SCHEME, "article", PAGE, *below, spans) == {"role": "related"}
    # Around or inside the main article, or with no main one: no role guessed (the default,
    # main, or what a merge carries).
    assert context_attrs(SCHEME, "article", PAGE, 0, len(PAGE), spans) == {}
    assert context_attrs(SCHEME, "article", PAGE, MAIN[0], MAIN[0] + 3, spans) == {}
    assert context_attrs(SCHEME, "article", PAGE, *below, []) == {}
    # Labels without such choices get nothing.
    assert context_attrs(SCHEME, "title", PAGE, *MAIN, spans) == {}
    assert context_attrs(SCHEME, "nosuchlabel", PAGE, *MAIN, spans) == {}


def test_only_values_the_scheme_allows() -> None:
    """A scheme whose ``kind`` has other values, and whose ``role`` lacks ``related``."""
    scheme = LabelScheme(
        name="own",
        layers=[
            Layer(
                name="l",
                labels=[
                    LabelDef(name="junk", color="#000000", attrs=[
                        AttributeDef(name="kind", type="choice", values=["menu", "footer"], default="menu"),
                    ]),
                    LabelDef(name="story", color="#000000", attrs=[
                        AttributeDef(name="role", type="choice", values=["main", "sidebar"], default="main"),
                    ]),
                ],
            )
        ],
    )
    spans = _spans(("story", *MAIN, {"role": "main"}))
    ad = (PAGE.index("안다쇼핑"), PAGE.index("안다쇼핑") + 4)
    assert context_attrs(scheme, "junk", PAGE, *ad, spans) == {"kind": "footer"}
    top = (PAGE.index("Top"), len(PAGE))  # navigation: not one of its values
    assert context_attrs(scheme, "junk", PAGE, *top, spans) == {}
    assert context_attrs(scheme, "story", PAGE, *ad, spans) == {}


DATE_LINE = "기사입력 : 2020년06월03일 09:03"
BYLINE_LINE = "[서울=뉴스핌] 심지혜 기자 = LG전자가 인공지능 협의체에 합류했다."


def test_line_fit_finds_the_date_and_the_byline_in_the_line() -> None:
    text = f"{DATE_LINE}\n{BYLINE_LINE}\n둘째 줄"
    d = text.index("2020")
    assert line_fit(SCHEME, "date", text, 0, len(DATE_LINE)) == (d, d + len("2020년06월03일 09:03"))
    b = text.index("[서울")
    line_end = b + len(BYLINE_LINE)
    assert line_fit(SCHEME, "byline", text, b, line_end) == (b, b + len("[서울=뉴스핌] 심지혜 기자"))
    # Nothing of the kind in the line, several lines, or a label that reads neither.
    last = text.index("둘째")
    assert line_fit(SCHEME, "date", text, last, len(text)) is None
    assert line_fit(SCHEME, "date", text, 0, line_end) is None
    assert line_fit(SCHEME, "title", text, 0, len(DATE_LINE)) is None
    assert line_fit(SCHEME, "nosuchlabel", text, 0, len(DATE_LINE)) is None


SEEDLIKE = (
    "전체기사 최신뉴스\n\n"  # 0: a menu
    "제목이다\n"
    f"{DATE_LINE}\n"
    "첫 부제\n둘째 부제\n"
    f"{BYLINE_LINE}\n"
    "본문 마지막 줄 sjh@newspim.com\n\n"
    f"{CAPTION}\n\n"
    "다른 기사 제목 [세종=뉴스핌] 양가희 기자 = 내용\n\n"
    "안다쇼핑\nTop으로 이동"
)


def _session(tmp_path: Path) -> tuple[DocumentSession, Path]:
    root = tmp_path / "c"
    corpus = Corpus.create(root, name="t")
    meta = DocumentMeta(
        doc_id="d", text_sha256=sha256_text(SEEDLIKE), chars=len(SEEDLIKE), source="test",
        source_format="txt", extra={"timezone": "Asia/Seoul"},
    )
    corpus.add_document(SEEDLIKE, meta)
    return DocumentSession.open(corpus, "tester", "d"), root


def _saved(session: DocumentSession, root: Path) -> list[tuple[str, str, dict[str, object]]]:
    session.save()
    data = orjson.loads((root / "annotations" / "tester" / "d.json").read_bytes())
    return [(s["label"], s["text"], s["attrs"]) for s in sorted(data["spans"], key=lambda s: (s["start"], -s["end"]))]


def at(needle: str) -> int:
    return SEEDLIKE.index(needle)


def test_marks_by_hand_get_kinds_roles_and_fitted_parts(tmp_path: Path) -> None:
    session, root = _session(tmp_path)
    main_end = at("sjh@newspim.com") + len("sjh@newspim.com")
    assert session.mark("article", at("제목이다"), main_end)
    session.mark_lines("date", at("기사입력"), at("기사입력"))
    session.mark_lines("byline", at("[서울"), at("[서울"))
    session.mark_lines("subtitle", at("첫 부제"), at("첫 부제"))
    session.mark_lines("subtitle", at("둘째 부제"), at("둘째 부제"))
    session.mark("boilerplate", at(CAPTION), at(CAPTION) + len(CAPTION))
    teaser = at("다른 기사")
    session.mark_lines("article", teaser, teaser)
    session.mark_lines("boilerplate", at("안다쇼핑"), at("안다쇼핑"))
    session.mark_lines("boilerplate", at("Top으로"), at("Top으로"))  # joins the line above
    session.mark_lines("boilerplate", 0, 0)
    assert _saved(session, root) == [
        ("boilerplate", "전체기사 최신뉴스", {"kind": "navigation"}),  # above the main article
        ("article", SEEDLIKE[at("제목이다") : main_end], {"role": "main"}),
        ("date", "2020년06월03일 09:03", {"value": "2020-06-03T09:03+09:00"}),  # not "기사입력 :"
        ("subtitle", "첫 부제", {}),
        ("subtitle", "둘째 부제", {}),  # two lines, two subtitles
        ("byline", "[서울=뉴스핌] 심지혜 기자", {
            "authors": ["심지혜"], "agency": "뉴스핌", "location": "서울", "email": "sjh@newspim.com"
        }),
        ("boilerplate", CAPTION, {"kind": "caption"}),
        ("article", "다른 기사 제목 [세종=뉴스핌] 양가희 기자 = 내용", {"role": "related"}),
        # The two lines are one block; its first line, "안다쇼핑", says nothing: the footer.
        ("boilerplate", "안다쇼핑\nTop으로 이동", {"kind": "footer"}),
    ]


def test_a_kind_the_annotator_set_wins_over_the_guess(tmp_path: Path) -> None:
    session, root = _session(tmp_path)
    session.mark("article", at("제목이다"), at("sjh@newspim.com"))
    ad = at("안다쇼핑")
    result = session.mark("boilerplate", ad, ad + 4)
    assert result is not None
    session.set_attr(result[1], "kind", "advertisement")
    session.mark_lines("boilerplate", at("Top으로"), at("Top으로"))  # joined to the ad
    assert _saved(session, root)[-1] == ("boilerplate", "안다쇼핑\nTop으로 이동", {"kind": "advertisement"})
