"""Attributes read from a span's own text when it is marked (annotator.attribute_fill)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from annotator.attribute_fill import PageClock, date_value, fill_attrs, page_clock, parse_offset
from annotator.corpus import Corpus
from annotator.default_scheme import news_scheme
from annotator.model import AttributeDef, DocumentMeta, LabelDef, LabelScheme, Layer
from annotator.rules import sha256_text
from annotator.session import DocumentSession

SCHEME = news_scheme()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[서울=뉴스핌] 심지혜 기자", {"authors": ["심지혜"], "agency": "뉴스핌", "location": "서울"}),
        ("(세종=연합뉴스) 홍길동·김철수 기자", {"authors": ["홍길동", "김철수"], "agency": "연합뉴스", "location": "세종"}),
        ("By Jane Doe and John Roe, Reuters", {"authors": ["Jane Doe", "John Roe"], "agency": "Reuters"}),
        ("By Jane Doe", {"authors": ["Jane Doe"]}),
        ("심지혜 기자 sjh@newspim.com", {"authors": ["심지혜"], "email": "sjh@newspim.com"}),
        ("sjh@newspim.com", {"email": "sjh@newspim.com"}),
        ("LG 트윈타워", {}),
    ],
)
def test_byline_attributes_come_from_its_text(text: str, expected: dict[str, object]) -> None:
    assert fill_attrs(SCHEME, "byline", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020년06월03일 09:03", "2020-06-03T09:03"),
        ("기사입력 : 2020년06월03일 09:03", "2020-06-03T09:03"),
        ("2025-07-26 07:00", "2025-07-26T07:00"),
        ("2020.06.03", "2020-06-03"),
        ("2020년 6월 3일 오후 3:05", "2020-06-03T15:05"),
        ("June 3, 2020 9:03 PM", "2020-06-03T21:03"),
        # A zone written with the date is the page saying so.
        ("2020-06-03T09:03:00+09:00", "2020-06-03T09:03+09:00"),
        ("2020-06-03T09:03:00-05:00", "2020-06-03T09:03-05:00"),
        ("2020-06-03T09:03:00Z", "2020-06-03T09:03+00:00"),
        ("2020-06-03 09:03 +0900", "2020-06-03T09:03+09:00"),
        ("2020-06-03 09:03 (KST)", "2020-06-03T09:03+09:00"),
        ("June 3, 2020 9:03 AM EDT", "2020-06-03T09:03-04:00"),
        ("2020-06-03 09:03 UTC+9", "2020-06-03T09:03+09:00"),
        ("2020년06월03일 09:03 (한국시간)", "2020-06-03T09:03+09:00"),
        # Not zones: a time range, an ambiguous abbreviation, a word that starts like one.
        ("2020-06-03 09:03-10:00", "2020-06-03T09:03"),
        ("2020-06-03 09:03 CST", "2020-06-03T09:03"),
        ("2020-06-03 09:03 KSTX", "2020-06-03T09:03"),
        # A date alone never gets a zone.
        ("2020-06-03 KST", "2020-06-03"),
    ],
)
def test_a_dates_value_is_its_iso_form(text: str, expected: str) -> None:
    assert fill_attrs(SCHEME, "date", text) == {"value": expected}


def test_no_value_without_one_date() -> None:
    assert fill_attrs(SCHEME, "date", "yesterday") == {}
    # Two different dates: which one the span means is not for the tool to guess.
    assert date_value("입력 2020.06.03 09:03 수정 2020.06.04 10:00") is None
    assert date_value("2020.06.03 09:03 / 2020.06.03 09:03") == "2020-06-03T09:03"


def test_labels_without_such_attributes_get_nothing() -> None:
    assert fill_attrs(SCHEME, "article", "By Jane Doe 2020-06-03") == {}
    assert fill_attrs(SCHEME, "PER", "By Jane Doe") == {}
    assert fill_attrs(SCHEME, "nope", "By Jane Doe") == {}


def test_the_scheme_decides_by_attribute_name_and_type() -> None:
    """A label with an ``authors`` text attribute (not a list) and two date attributes gets
    neither: a value must fit the type, and a date cannot say which of two it is."""
    scheme = LabelScheme(
        name="other",
        layers=[
            Layer(
                name="l",
                labels=[
                    LabelDef(
                        name="credit", color="#000000",
                        attrs=[
                            AttributeDef(name="authors", type="text"),
                            AttributeDef(name="agency", type="text"),
                            AttributeDef(name="published", type="date"),
                            AttributeDef(name="updated", type="date"),
                        ],
                    ),
                    LabelDef(name="when", color="#000000", attrs=[AttributeDef(name="at", type="date")]),
                ],
            )
        ],
    )
    assert fill_attrs(scheme, "credit", "By Jane Doe, Reuters") == {"agency": "Reuters"}
    assert fill_attrs(scheme, "credit", "2020-06-03") == {}
    assert fill_attrs(scheme, "when", "2020-06-03 09:03") == {"at": "2020-06-03T09:03"}


def test_the_clock_is_asked_only_for_a_time_without_a_zone() -> None:
    asked: list[bool] = []

    def clock() -> PageClock:
        asked.append(True)
        return PageClock(offset="+09:00")

    assert date_value("2020년06월03일 09:03", clock) == "2020-06-03T09:03+09:00"
    assert date_value("2020-06-03", clock) == "2020-06-03"
    assert date_value("2020-06-03T09:03:00-05:00", clock) == "2020-06-03T09:03-05:00"
    assert len(asked) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+09:00", "+09:00"), ("+0900", "+09:00"), ("-5", "-05:00"), ("UTC+9", "+09:00"),
        ("GMT-03:30", "-03:30"), ("kst", "+09:00"), ("Z", "+00:00"), ("UTC", "+00:00"),
        ("+15:00", None), ("+09:75", None), ("CST", None), ("Seoul", None), ("", None),
    ],
)
def test_parse_offset(raw: str, expected: str | None) -> None:
    assert parse_offset(raw) == expected


def _meta(**kwargs: object) -> DocumentMeta:
    return DocumentMeta(
        doc_id="d", text_sha256="0" * 64, chars=0, source="test", source_format="html", **kwargs  # type: ignore[arg-type]
    )


def test_page_clock_from_the_document() -> None:
    at = datetime(2020, 6, 3, 9, 3)
    assert page_clock(None).offset_for(at) is None
    assert page_clock(_meta()).offset_for(at) is None
    assert page_clock(_meta(extra={"timezone": "+09:00"})).offset_for(at) == "+09:00"
    assert page_clock(_meta(extra={"timezone": "KST"})).offset_for(at) == "+09:00"
    # An IANA zone: the offset of that date (summer time in New York in June).
    assert page_clock(_meta(extra={"timezone": "America/New_York"})).offset_for(at) == "-04:00"
    assert page_clock(_meta(extra={"timezone": "America/New_York"})).offset_for(datetime(2020, 1, 3, 9, 3)) == "-05:00"
    # A setting that names no offset gives none (never a guess).
    assert page_clock(_meta(extra={"timezone": "Korea-ish"})).offset_for(at) is None
    # The document's setting wins over the corpus's; the corpus's applies without one.
    assert page_clock(_meta(extra={"timezone": "+01:00"}), "+09:00").offset_for(at) == "+01:00"
    assert page_clock(_meta(), "+09:00").offset_for(at) == "+09:00"


def test_page_clock_from_the_html_metadata_applies_to_the_same_time_only() -> None:
    clock = page_clock(_meta(html_meta={"published_time": "2019-11-20T06:01:44-05:00", "title": "x"}))
    assert clock.offset_for(datetime(2019, 11, 20, 6, 1)) == "-05:00"
    # Another time on the page: the metadata does not say its zone.
    assert clock.offset_for(datetime(2019, 11, 20, 11, 1)) is None
    # A time without an offset says nothing.
    assert page_clock(_meta(html_meta={"published_time": "2019-11-20T06:01:44"})).stamps == ()


# --------------------------------------------------------------------------- through the session

TEXT = "Title\n[서울=뉴스핌] 심지혜 기자\n기사입력 : 2020년06월03일 09:03\nBody."


def _session(tmp_path: Path, extra: dict[str, object] | None = None) -> DocumentSession:
    corpus = Corpus.create(tmp_path / "c", name="t")
    meta = DocumentMeta(
        doc_id="d", text_sha256=sha256_text(TEXT), chars=len(TEXT), source="test",
        source_format="txt", extra=extra or {},
    )
    corpus.add_document(TEXT, meta)
    return DocumentSession.open(corpus, "tester", "d")


def test_marking_fills_in_the_same_undo_step(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.mark("article", 0, len(TEXT))
    byline = TEXT.index("[서울")
    result = session.mark("byline", byline, byline + len("[서울=뉴스핌] 심지혜 기자"))
    assert result is not None
    span = session.span(result[1])
    assert span is not None
    assert span.attrs == {"authors": ["심지혜"], "agency": "뉴스핌", "location": "서울"}
    session.undo()
    assert [s.label for s in session.spans] == ["article"]


def test_marking_a_date_uses_the_documents_time_zone_and_keeps_explicit_attrs(tmp_path: Path) -> None:
    session = _session(tmp_path, extra={"timezone": "Asia/Seoul"})
    line = TEXT.index("기사입력")
    result = session.mark("date", line, TEXT.index("\nBody"))
    assert result is not None
    assert session.span(result[1]).attrs == {"value": "2020-06-03T09:03+09:00"}  # type: ignore[union-attr]
    session.undo()
    # Attributes given by the caller (mark all occurrences copies the span's) are kept as given.
    result = session.mark("date", line, TEXT.index("\nBody"), attrs={"value": "2020-06-04"})
    assert session.span(result[1]).attrs == {"value": "2020-06-04"}  # type: ignore[index,union-attr]


def test_merged_spans_keep_what_the_annotator_set(tmp_path: Path) -> None:
    """Marking over a byline whose authors were corrected keeps the correction."""
    session = _session(tmp_path)
    b = TEXT.index("[서울")
    first = session.mark("byline", b, b + 8)  # "[서울=뉴스핌]": no name yet
    assert first is not None
    session.set_attr(first[1], "authors", ["Corrected"])
    merged = session.mark("byline", b, b + len("[서울=뉴스핌] 심지혜 기자"))
    assert merged is not None
    assert session.span(merged[1]).attrs == {  # type: ignore[union-attr]
        "authors": ["Corrected"], "agency": "뉴스핌", "location": "서울"
    }


SIGNED = "Title\n[서울=뉴스핌] 심지혜 기자 = Body.\nsjh@newspim.com\n\nTeaser\nlee@other.example\n"


def test_a_bylines_email_comes_from_its_article_when_its_own_text_has_none(tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="t")
    meta = DocumentMeta(
        doc_id="d", text_sha256=sha256_text(SIGNED), chars=len(SIGNED), source="test", source_format="txt"
    )
    corpus.add_document(SIGNED, meta)
    session = DocumentSession.open(corpus, "tester", "d")
    b = SIGNED.index("[서울")
    byline_end = b + len("[서울=뉴스핌] 심지혜 기자")
    # No article around it yet: the page's other addresses are not the byline's.
    result = session.mark("byline", b, byline_end)
    assert result is not None and "email" not in session.span(result[1]).attrs  # type: ignore[union-attr]
    session.undo()
    # Inside an article: the first address after it in that article (not the teaser's).
    session.mark("article", 0, SIGNED.index("\n\nTeaser"))
    result = session.mark("byline", b, byline_end)
    assert result is not None
    assert session.span(result[1]).attrs == {  # type: ignore[union-attr]
        "authors": ["심지혜"], "agency": "뉴스핌", "location": "서울", "email": "sjh@newspim.com"
    }
    # A label without an e-mail attribute gets none (a title over the same words).
    result = session.mark("title", 0, 5)
    assert result is not None and session.span(result[1]).attrs == {}  # type: ignore[union-attr]


CAPTIONED = (
    "Teaser [서울=뉴스핌] 윤채영 기자 = Body. [서울=뉴스핌] 이길동 기자 =Caption.2025.07.22 gdlee@newspim.com "
    "More body. ycy1486@newspim.com 2025-07-26 07:00\n"
)


def test_a_captions_address_is_not_the_bylines(tmp_path: Path) -> None:
    """The photographer's address in a caption marked as boilerplate is skipped: the byline
    gets the reporter's sign-off further down (the seed's teasers)."""
    corpus = Corpus.create(tmp_path / "c", name="t")
    meta = DocumentMeta(
        doc_id="d", text_sha256=sha256_text(CAPTIONED), chars=len(CAPTIONED), source="test", source_format="txt"
    )
    corpus.add_document(CAPTIONED, meta)
    session = DocumentSession.open(corpus, "tester", "d")
    session.mark("article", 0, len(CAPTIONED) - 1)
    b = CAPTIONED.index("[서울")
    byline_end = b + len("[서울=뉴스핌] 윤채영 기자")
    first = session.mark("byline", b, byline_end)
    assert first is not None and session.span(first[1]).attrs["email"] == "gdlee@newspim.com"  # type: ignore[union-attr]
    session.undo()
    c = CAPTIONED.index("[서울", b + 1)
    session.mark("boilerplate", c, CAPTIONED.index("newspim.com ") + len("newspim.com"))
    result = session.mark("byline", b, byline_end)
    assert result is not None
    assert session.span(result[1]).attrs["email"] == "ycy1486@newspim.com"  # type: ignore[union-attr]
