"""``suggest_page``: the per-page suggestions from the HTML and url alone (crawl scale).

Each test compares with the real thing: the page imported by ``annotator import`` and
suggested by ``annotator suggest``, whose files the function must reproduce offset for
offset.
"""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.model import SUGGESTIONS
from annotator.rules import clean_text
from annotator.suggest import PageSuggestion, suggest_frame, suggest_page
from annotator.suggest.page import FRAME_COLUMNS
from annotator.suggest.runner import read_doc

BODIES = Path(__file__).parent / "fixtures" / "bodies" / "html"
#: An English news page (sciencealert) and a Japanese blog page.
ENGLISH = BODIES / "359fee228518d55b921194561e9ca88e428df81940246f8fac7a75398377daea.html.gz"
JAPANESE = BODIES / "f105de6e63ca91ea482f60193f6252092557f969f2fd128ff68c0d4d6b90dd7d.html.gz"


def _page(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def _imported_and_suggested(corpus: Corpus, path: Path) -> tuple[str, list[dict[str, Any]], dict[str, str]]:
    """``annotator import`` of ``path`` then ``annotator suggest``: the document's text, the
    suggested spans as ``suggest_page`` gives them, and the document labels."""
    before = set(corpus.doc_ids())
    assert main(["import", str(corpus.root), str(path)]) == 0
    (doc_id,) = set(corpus.doc_ids()) - before
    assert main(["suggest", str(corpus.root), "--docs", doc_id, "--jobs", "1"]) == 0
    text = corpus.read_text(doc_id)
    loaded = corpus.load_annotation(SUGGESTIONS, doc_id, text)  # re-validates the file
    assert loaded is not None
    annotation = loaded.annotation
    spans = [{"start": s.start, "end": s.end, "label": s.label, "attrs": s.attrs} for s in annotation.spans]
    return text, spans, dict(annotation.doc_labels)


@pytest.mark.parametrize("fixture", [ENGLISH, JAPANESE], ids=["english", "japanese"])
def test_same_text_and_spans_as_import_then_suggest(corpus: Corpus, tmp_path: Path, fixture: Path) -> None:
    data = _page(fixture)
    path = tmp_path / "page.html"
    path.write_bytes(data)
    text, spans, doc_labels = _imported_and_suggested(corpus, path)

    found = suggest_page(data)
    assert found.text == text  # offsets are the imported document's
    assert found.spans == spans
    assert found.doc_labels == doc_labels == {"page_type": "article"}
    assert found.method == "extractor"
    labels = {s["label"] for s in found.spans}
    assert {"article", "boilerplate", "title"} <= labels
    assert next(s["attrs"]["role"] for s in found.spans if s["label"] == "article") == "main"
    assert found.worth_annotating and found.main_chars > 1000


def test_english_page_numbers() -> None:
    found = suggest_page(_page(ENGLISH))
    assert found.url == (
        "https://www.sciencealert.com/we-finally-have-a-global-geological-map-of-saturn-s-moon-titan"
    )
    assert found.title == "The First Map of Saturn's Moon Titan Just Revealed Some Tantalising Features"
    title = next(s for s in found.spans if s["label"] == "title")
    assert found.text[title["start"] : title["end"]] == found.title
    assert found.main_chars == 3112
    # The worth signal follows its threshold.
    assert not suggest_page(_page(ENGLISH), min_chars=3113).worth_annotating
    assert suggest_page(_page(ENGLISH), min_chars=3112).worth_annotating


def test_bytes_and_str_agree_and_a_given_url_wins() -> None:
    data = _page(ENGLISH)
    from_bytes = suggest_page(data)
    from_str = suggest_page(data.decode("utf-8"))
    assert from_bytes == from_str
    other = suggest_page(data, "https://example.org/titan")
    assert other.url == "https://example.org/titan" and other.spans == from_bytes.spans


def test_legacy_encoding_is_decoded_as_the_importer_does(corpus: Corpus, tmp_path: Path) -> None:
    """Shift_JIS bytes: the page's own charset declaration decides, as at import."""
    page = _page(JAPANESE).decode("utf-8").replace('<meta charset="UTF-8">', '<meta charset="Shift_JIS">')
    data = page.encode("shift_jis", errors="xmlcharrefreplace")
    path = tmp_path / "sjis.html"
    path.write_bytes(data)
    text, spans, _ = _imported_and_suggested(corpus, path)
    found = suggest_page(data)
    assert found.text == text and found.spans == spans
    assert "Kindle for PCをCtrl＋Alt＋Kのショートカットキー" in found.text
    assert suggest_page(data.decode("shift_jis")) == found


def test_a_jsonl_record_with_its_url_imports_to_the_same_document(corpus: Corpus, tmp_path: Path) -> None:
    """The README's crawl workflow: rows of url and html written as JSON lines, imported."""
    html = _page(ENGLISH).decode("utf-8").replace("\n", "\r\n")  # CRLF: normalised as at import
    path = tmp_path / "pages.jsonl"
    path.write_bytes(orjson.dumps({"url": "https://example.org/titan", "html": html}) + b"\n")
    text, spans, _ = _imported_and_suggested(corpus, path)
    found = suggest_page(html, "https://example.org/titan")
    assert "\r" not in found.text
    assert found.text == text and found.spans == spans


def test_only_and_scheme_are_honoured() -> None:
    found = suggest_page(_page(ENGLISH), only=["boilerplate"])
    assert {s["label"] for s in found.spans} == {"boilerplate"}
    assert found.doc_labels == {} and not found.worth_annotating and found.main_chars == 0


def test_a_menu_or_an_empty_page_is_not_worth_annotating() -> None:
    menu = suggest_page("<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>")
    assert menu.text == "Home News"
    assert menu.spans == [{"start": 0, "end": 9, "label": "article", "attrs": {"role": "main"}}]
    assert menu.main_chars == 9 and not menu.worth_annotating
    assert suggest_page("<html><body><nav>Home</nav></body></html>", min_chars=4).worth_annotating
    empty = suggest_page(b"<html><body></body></html>")
    assert (empty.text, empty.method, empty.spans, empty.main_chars) == ("", "none", [], 0)
    assert not empty.worth_annotating


def test_result_is_plain_picklable_data() -> None:
    found = suggest_page(_page(ENGLISH))
    assert isinstance(found, PageSuggestion)
    assert pickle.loads(pickle.dumps(found)) == found
    as_dict = found.to_dict()
    assert orjson.loads(orjson.dumps(as_dict)) == as_dict


def test_clean_text_length_is_main_chars() -> None:
    from annotator.model import Span

    found = suggest_page(_page(JAPANESE))
    spans = [Span(id=f"g{i}", text=found.text[s["start"] : s["end"]], **s) for i, s in enumerate(found.spans, 1)]
    main_article = next(s for s in spans if s.label == "article")
    assert found.main_chars == len(clean_text(found.text, main_article, spans)) == 1220


def test_frame_helper_as_a_spark_map_in_pandas_function() -> None:
    pd = pytest.importorskip("pandas")
    data = _page(ENGLISH)
    batches = [
        pd.DataFrame({"url": [None, "https://example.org/jp"], "html": [data, _page(JAPANESE).decode("utf-8")]}),
        pd.DataFrame({"url": ["https://example.org/empty"], "html": [None]}, index=[7]),
    ]
    out = list(suggest_frame(iter(batches)))
    assert [list(f.columns) for f in out] == [["url", "html", *FRAME_COLUMNS]] * 2
    first = out[0]
    english, japanese = suggest_page(data), suggest_page(_page(JAPANESE), "https://example.org/jp")
    for row, expected in zip(first.itertuples(), [english, japanese], strict=True):
        assert row.text == expected.text and row.text_sha256 == expected.text_sha256
        assert row.method == "extractor" and row.main_chars == expected.main_chars
        assert bool(row.worth_annotating) is True and pd.isna(row.error)
        assert orjson.loads(row.spans) == expected.spans
        assert orjson.loads(row.doc_labels) == {"page_type": "article"}
    # A row without html is reported in its own row; the batch goes on.
    empty = out[1]
    assert list(empty.index) == [7]
    assert empty.loc[7, "error"] == "no html (got NoneType)"
    assert pd.isna(empty.loc[7, "text"]) and pd.isna(empty.loc[7, "worth_annotating"])
    assert str(first["main_chars"].dtype) == "Int64" and str(first["worth_annotating"].dtype) == "boolean"


def test_undecodable_bytes_are_a_value_error_naming_why() -> None:
    # A UTF-8 byte-order mark before bytes that are not UTF-8: the importer refuses it too.
    with pytest.raises(ValueError, match="byte-order mark but is not utf-8"):
        suggest_page(b"\xef\xbb\xbf<p>caf\xe9</p>")


def test_frame_helper_reports_an_unreadable_page_in_its_row() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"html": ["<p>" + "word " * 200 + "</p>", b"\xef\xbb\xbf<p>caf\xe9</p>"]})
    (out,) = suggest_frame([frame])
    assert pd.isna(out.loc[0, "error"]) and out.loc[0, "method"] == "text"
    assert out.loc[0, "main_chars"] == 999 and out.loc[0, "worth_annotating"]
    assert out.loc[1, "error"].startswith("starts with a utf-8 byte-order mark but is not utf-8")
    assert pd.isna(out.loc[1, "method"])


def test_a_trained_model_finds_the_article(tmp_path: Path) -> None:
    """``model``: loaded, or its folder (loaded once per process); the same suggestions."""
    pytest.importorskip("lightgbm")
    from annotator.train.model import LineModel

    root = tmp_path / "corpus"
    bodies = BODIES.parent
    assert main(["new", str(root)]) == 0
    assert main(["import", str(root), str(BODIES), "--bodies", str(bodies / "ground-truth.json")]) == 0
    assert main(["train", str(root), "--jobs", "1"]) == 0
    data = _page(ENGLISH)
    from_folder = suggest_page(data, model=root / "models")
    loaded = LineModel.load(root / "models")
    assert from_folder.method == "model"
    assert suggest_page(data, model=pickle.loads(pickle.dumps(loaded))) == from_folder
    assert suggest_page(data, model=str(root / "models")) == from_folder
    assert from_folder.worth_annotating and from_folder.main_chars > 1000
    # readability's vote comes from trafilatura's run (docs/adr/0035), never a second run,
    # and the suggestions are those the model gives with readability run apart.
    from annotator.suggest import extract
    from annotator.train.features import document_features

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(extract, "readability_text", _refuse_readability)
        assert suggest_page(data, model=loaded) == from_folder
    corpus = Corpus.open(root)
    doc = read_doc(corpus, corpus.doc_ids()[0])
    html = doc.html or ""
    apart = document_features(doc, None, extract.extract_main(html, doc.url), extract.readability_text(html))
    assert np.array_equal(document_features(doc).rows, apart.rows, equal_nan=True)


def _refuse_readability(_: str) -> str:
    raise AssertionError("readability ran apart from trafilatura")
