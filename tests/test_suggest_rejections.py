"""Rejected suggestions on disk, photo credits, and a gazetteer that does not leak.

* ``annotator.rejections``: the per-annotator file of rejected suggestions, validated on
  load, written atomically, surviving a re-run of ``annotator suggest``;
* ``[사진=LG]`` photo credits are no bylines;
* the entity gazetteer learns from gold and from other documents only: what annotator B
  labelled in document X is never suggested to annotator A in X.
"""

from __future__ import annotations

import json

import orjson
import pytest

from annotator.corpus import Corpus, CorpusError
from annotator.model import GOLD, SUGGESTIONS, Annotation, Span
from annotator.rejections import (
    RejectedSuggestions,
    add_rejections,
    load_rejections,
    rejected_ids,
    rejections_path,
)
from annotator.schemas import model_schema, render_schemas
from annotator.session import DocumentSession
from annotator.suggest import suggest_corpus
from annotator.suggest.entities import corpus_gazetteer
from annotator.suggest.patterns import find_bylines
from tests.conftest import add_text

TEXT = "Kim met Lee in Seoul.\n"


def _span(text: str, surface: str, label: str, i: int = 1) -> Span:
    start = text.index(surface)
    return Span(id=f"s{i}", start=start, end=start + len(surface), label=label, text=surface)


def _annotate(corpus: Corpus, annotator: str, doc_id: str, text: str, marks: list[tuple[str, str]]) -> None:
    annotation = corpus.new_annotation(annotator, doc_id, text)
    annotation.spans = [_span(text, surface, label, i) for i, (surface, label) in enumerate(marks, 1)]
    corpus.save_annotation(annotation, annotator=annotator)


def _suggested(corpus: Corpus, doc_id: str) -> Annotation:
    loaded = corpus.load_annotation(SUGGESTIONS, doc_id)
    assert loaded is not None
    return loaded.annotation


# --------------------------------------------------------------------------- the file


def test_rejections_are_written_beside_the_annotators_files_and_read_back(corpus: Corpus) -> None:
    add_text(corpus, "d", TEXT)
    path, added = add_rejections(corpus, "alice", "d", TEXT, [_span(TEXT, "Lee", "PER", 7)])
    assert added == 1
    assert path == corpus.root / "annotations" / "alice" / ".rejected" / "d.json"
    data = orjson.loads(path.read_bytes())
    assert data["format"] == "rejected-suggestions" and data["version"] == 1
    assert (data["doc_id"], data["annotator"]) == ("d", "alice")
    assert [(r["label"], r["start"], r["end"], r["text"]) for r in data["rejected"]] == [("PER", 8, 11, "Lee")]
    # Once only; and the folder is not an annotated document nor makes anyone an annotator.
    assert add_rejections(corpus, "alice", "d", TEXT, [_span(TEXT, "Lee", "PER", 9)])[1] == 0
    assert corpus.annotated_ids("alice") == set() and corpus.annotators() == []
    record = load_rejections(corpus, "alice", "d", TEXT)
    assert record.keys() == {("PER", 8, 11, "Lee")}
    # Matched by label, offsets and text, whatever id a new run gives the suggestion.
    again = [_span(TEXT, "Lee", "PER", 42), _span(TEXT, "Lee", "ORG", 43), _span(TEXT, "Kim", "PER", 44)]
    assert rejected_ids(record, again) == {"s42"}
    # Another annotator has none.
    assert load_rejections(corpus, "bob", "d", TEXT).rejected == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"format": "rejected-suggestions", "version": 1}', "doc_id"),
        ("wrong-doc", "doc_id 'x' is not this file's document 'd'"),
        ("wrong-text", "text 'Kim' is not the document's text at [8, 11)"),
        ("past-end", "end 99 is past the text's end"),
        ("backwards", "end 8 must be after start 11"),
        ("extra", "Extra inputs are not permitted"),
    ],
)
def test_a_broken_rejections_file_is_named_and_never_overwritten(corpus: Corpus, content: object, problem: str) -> None:
    add_text(corpus, "d", TEXT)
    path, _ = add_rejections(corpus, "alice", "d", TEXT, [_span(TEXT, "Lee", "PER")])
    good = json.loads(path.read_bytes())
    if isinstance(content, bytes):
        data = content
    else:
        edit = {
            "wrong-doc": lambda d: d.update(doc_id="x"),
            "wrong-text": lambda d: d["rejected"][0].update(text="Kim"),
            "past-end": lambda d: d["rejected"][0].update(end=99),
            "backwards": lambda d: d["rejected"][0].update(start=11, end=8),
            "extra": lambda d: d.update(note="hi"),
        }[str(content)]
        edit(good)
        data = json.dumps(good).encode()
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        load_rejections(corpus, "alice", "d", TEXT)
    assert str(path) in str(info.value) and problem in str(info.value)
    with pytest.raises(CorpusError):
        add_rejections(corpus, "alice", "d", TEXT, [_span(TEXT, "Kim", "PER")])
    assert path.read_bytes() == data


def test_the_schema_is_generated_from_the_model() -> None:
    schema = json.loads(render_schemas()["rejected-suggestions.schema.json"])
    assert schema == model_schema("rejected-suggestions", RejectedSuggestions)
    assert schema["$id"] == "urn:article-annotator:schema:rejected-suggestions"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"doc_id", "annotator", "text_sha256"}


def test_a_rejection_survives_running_suggest_again(corpus: Corpus) -> None:
    """Re-running suggest renumbers the suggestions; the rejected one stays hidden."""
    text = add_text(corpus, "x", "Lee spoke. Kim listened.\n")
    add_text(corpus, "y", "Kim and Lee.\n")
    _annotate(corpus, GOLD, "y", "Kim and Lee.\n", [("Kim", "PER"), ("Lee", "PER")])
    suggest_corpus(corpus, ["x"], only=["entity"], jobs=1)
    session = DocumentSession.open(corpus, "alice", "x")
    session.load_suggestions()
    lee = next(s for s in session.suggestions if s.text == "Lee")
    add_rejections(corpus, "alice", "x", text, [lee])
    # Gold learns a new string: the run writes a new file with new ids.
    _annotate(corpus, GOLD, "y", "Kim and Lee.\n", [("Kim", "PER"), ("Lee", "PER"), ("and", "MISC")])
    add_text(corpus, "z", "and so on\n")
    suggest_corpus(corpus, ["x"], only=["entity"], jobs=1)
    fresh = _suggested(corpus, "x").spans
    assert any(s.text == "Lee" for s in fresh)  # still in the shared file
    record = load_rejections(corpus, "alice", "x", text)
    hidden = rejected_ids(record, fresh)
    assert [s.text for s in fresh if s.id in hidden] == ["Lee"]
    # Bob never rejected it.
    assert rejected_ids(load_rejections(corpus, "bob", "x", text), fresh) == set()
    session.close()


# --------------------------------------------------------------------------- photo credits


@pytest.mark.parametrize(
    "text",
    [
        "LG 트윈타워 [사진=LG]\n\n체결식에는 박일평 사장이 참석했다.",
        "LG 트윈타워 [사진=LG] 홍길동 기자",
        "(사진=뉴스핌DB) 김철수 기자 = 본문",
        "[그래픽=홍길동 기자]",
        "[사진=LG]\n홍길동 기자 = 서울",
    ],
)
def test_a_photo_credit_is_no_byline(text: str) -> None:
    found = [text[f.start : f.end] for f in find_bylines(text)]
    assert not any("사진" in f or "그래픽" in f for f in found), found
    if text.startswith("[사진=LG]\n"):
        # The byline on the next line is still one, without the credit.
        assert found == ["홍길동 기자"]


def test_a_real_agency_byline_still_is(corpus: Corpus) -> None:
    found = find_bylines("[서울=뉴스핌] 심지혜 기자 = LG전자가")
    assert [(f.start, f.end, f.attrs) for f in found] == [
        (0, 15, {"authors": ["심지혜"], "agency": "뉴스핌", "location": "서울"})
    ]


# --------------------------------------------------------------------------- the gazetteer


def test_another_annotators_entities_are_not_suggested_in_the_same_document(corpus: Corpus) -> None:
    x = add_text(corpus, "x", "Omar Quill met Zeta Holdings.\n")
    add_text(corpus, "y", "Zeta Holdings hired Omar Quill.\n")
    # Annotator B labels both names in X; nobody has touched Y.
    _annotate(corpus, "bob", "x", x, [("Omar Quill", "PER"), ("Zeta Holdings", "ORG")])
    suggest_corpus(corpus, ["x", "y"], only=["entity"], jobs=1)
    # In X (where A works too) B's marks must not come back as suggestions...
    assert [(s.label, s.text) for s in _suggested(corpus, "x").spans] == []
    # ...but in Y, another document, they are what the corpus learned.
    assert [(s.label, s.text) for s in _suggested(corpus, "y").spans] == [
        ("ORG", "Zeta Holdings"), ("PER", "Omar Quill")
    ]


def test_gold_and_other_documents_still_teach_a_document(corpus: Corpus) -> None:
    x = add_text(corpus, "x", "Omar Quill met Zeta Holdings and Ada Lune.\n")
    y = add_text(corpus, "y", "Ada Lune wrote.\n")
    _annotate(corpus, "bob", "x", x, [("Omar Quill", "PER")])
    _annotate(corpus, GOLD, "x", x, [("Zeta Holdings", "ORG")])
    _annotate(corpus, "alice", "y", y, [("Ada Lune", "PER")])
    gazetteer, problems = corpus_gazetteer(corpus)
    assert problems == []
    assert gazetteer.entries == {"Omar Quill": "PER", "Zeta Holdings": "ORG", "Ada Lune": "PER"}
    assert gazetteer.for_document("x").entries == {"Zeta Holdings": "ORG", "Ada Lune": "PER"}
    assert gazetteer.for_document("y").entries == {"Omar Quill": "PER", "Zeta Holdings": "ORG"}
    assert gazetteer.for_document("z") is gazetteer.for_document("w")  # nobody's: shared
    # A string also labelled elsewhere stays, with the label the other documents give it.
    _annotate(corpus, "alice", "y", y, [("Ada Lune", "PER")])
    _annotate(corpus, "carol", "x", x, [("Ada Lune", "ORG"), ("Omar Quill", "PER")])
    gazetteer, _ = corpus_gazetteer(corpus)
    assert gazetteer.for_document("x").entries["Ada Lune"] == "PER"
    assert "Omar Quill" not in gazetteer.for_document("x").entries


def test_two_workers_get_the_per_document_gazetteer(corpus: Corpus) -> None:
    for i in range(4):
        add_text(corpus, f"p{i}", f"Omar Quill spoke, {i}.\n")
    _annotate(corpus, "bob", "p0", "Omar Quill spoke, 0.\n", [("Omar Quill", "PER")])
    report = suggest_corpus(corpus, only=["entity"], jobs=2)
    assert report.problems == []
    found = {d: [s.text for s in _suggested(corpus, d).spans] for d in corpus.doc_ids()}
    assert found == {"p0": [], "p1": ["Omar Quill"], "p2": ["Omar Quill"], "p3": ["Omar Quill"]}


def test_rejections_path_refuses_names_that_leave_the_corpus(corpus: Corpus) -> None:
    with pytest.raises(CorpusError, match="not a valid annotator name"):
        rejections_path(corpus, "../x", "d")
