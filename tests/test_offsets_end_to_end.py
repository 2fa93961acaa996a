"""From raw bytes to the saved file: offsets are code points after an emoji and after text
that had CRLF line endings (import normalises to LF before anything is annotated)."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.session import DocumentSession

RAW = "메뉴 | 홈\r\n👍🏽 좋아요 🇰🇷\r\n[서울=뉴스핌] 심지혜 기자 = LG전자가 KT와 손잡고\r\nsjh@newspim.com\r\n".encode()


def test_spans_after_emoji_and_crlf_are_saved_as_code_points(corpus: Corpus, tmp_path: Path) -> None:
    source = tmp_path / "crlf-emoji.txt"
    source.write_bytes(RAW)
    report = import_paths(corpus, [source])
    assert report.imported == 1
    (doc_id,) = corpus.doc_ids()
    text = corpus.read_text(doc_id)
    assert "\r" not in text and "crlf" in corpus.read_meta(doc_id).normalised

    session = DocumentSession.open(corpus, "alice", doc_id)
    for needle, label in (("심지혜", "PER"), ("LG전자", "ORG"), ("KT", "ORG")):
        start = text.index(needle)
        session.mark(label, start, start + len(needle))
    assert session.save()

    saved = orjson.loads(corpus.annotation_path("alice", doc_id).read_bytes())["spans"]
    got = {s["text"]: (s["start"], s["end"]) for s in saved}
    # Before 심지혜: "메뉴 | 홈\n" (7 code points), "👍🏽 좋아요 🇰🇷\n" (10 code points but 14
    # UTF-16 units) and "[서울=뉴스핌] " (9): 26. With CRLF kept it would be 28; in UTF-16, 30.
    assert got["심지혜"] == (26, 29)
    assert got["LG전자"] == (35, 39)
    for span in saved:
        assert text[span["start"] : span["end"]] == span["text"]
        utf16_start = len(text[: span["start"]].encode("utf-16-le")) // 2
        assert utf16_start > span["start"]  # the emoji make the two counts differ
