"""Adjudication core: disagreements, gold merge, accept one side / all, undo, gold file."""

from __future__ import annotations

import orjson
import pytest

from annotator.adjudicate import (
    GoldError,
    accept_all,
    accept_side,
    compare,
    key,
    load_annotations,
    save_gold,
    start_gold,
)
from annotator.corpus import ConflictError, Corpus
from annotator.edits import History, RemoveSpan, SetStatus
from annotator.model import Annotation
from tests.test_agreement_helpers import save, seed_versions


@pytest.fixture
def versions(seed_corpus: Corpus, seed_text: str) -> dict[str, Annotation]:
    specs = seed_versions(seed_text)
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels={"page_type": "article"})
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels={"page_type": "article-list"})
    return load_annotations(seed_corpus, "seed", ["alice", "bob"])


def _keys(annotation: Annotation) -> set[tuple[int, int, str]]:
    return {key(s) for s in annotation.spans}


def test_compare_lists_every_kind_in_text_order(versions: dict[str, Annotation], seed_corpus: Corpus) -> None:
    units = compare(versions, seed_corpus.scheme)
    assert [u.kind for u in units] == ["doc_label", "extent", "label", "missing", "attrs", "missing"]
    assert [u.id for u in units] == ["d1", "d2", "d3", "d4", "d5", "d6"]
    starts = [u.start for u in units[1:]]
    assert starts == sorted(starts)
    doc, article, label, missing_org, attrs, caption = units
    assert doc.name == "page_type" and doc.values == {"alice": "article", "bob": "article-list"}
    assert [s.end for s in article.candidates["alice"]] == [1500]
    assert [s.end for s in article.candidates["bob"]] == [1480]
    assert [s.label for s in label.candidates["alice"]] == ["ORG"]
    assert [s.label for s in label.candidates["bob"]] == ["LOC"]
    assert missing_org.candidates["alice"] == () and missing_org.candidates["bob"][0].label == "ORG"
    assert attrs.layer == "part" and attrs.candidates["bob"][0].attrs["agency"] == "뉴스핌"
    # The caption inside the article is its own unit, not folded into the article's edges.
    assert caption.layer == "structure" and caption.candidates["bob"] == ()
    assert "alice: boilerplate" in caption.describe()


def test_identical_annotations_have_no_disagreement(versions: dict[str, Annotation], seed_corpus: Corpus) -> None:
    alice = versions["alice"]
    same = alice.model_copy(update={"annotator": "carol"})
    assert compare({"alice": alice, "carol": same}, seed_corpus.scheme) == []


def test_start_gold_holds_what_all_agree_on(versions: dict[str, Annotation]) -> None:
    gold = start_gold(versions)
    assert gold.annotator == "gold" and gold.status == "in_progress"
    assert _keys(gold) == _keys(versions["alice"]) & _keys(versions["bob"])
    assert {s.label for s in gold.spans} == {"title", "byline", "ORG", "PER"}
    assert gold.doc_labels == {}  # page_type differs, so gold leaves it to the reviewer
    assert len({s.id for s in gold.spans}) == len(gold.spans)


def test_accept_one_side_then_undo_and_redo(versions: dict[str, Annotation], seed_corpus: Corpus,
                                           seed_text: str) -> None:
    units = compare(versions, seed_corpus.scheme)
    gold = start_gold(versions)
    before = gold.model_dump()
    history = History(gold)
    label_unit = next(u for u in units if u.kind == "label")
    history.run(accept_side(gold, label_unit, "bob", seed_text))
    loc = [s for s in gold.spans if s.label == "LOC"]
    assert [(s.start, s.end) for s in loc] == [(label_unit.start, label_unit.end)]
    assert loc[0].text == seed_text[loc[0].start : loc[0].end]
    history.undo()
    assert gold.model_dump(exclude={"updated_at"}) == {k: v for k, v in before.items() if k != "updated_at"}
    history.redo()
    assert any(s.label == "LOC" for s in gold.spans)
    # Changing one's mind: taking alice for the same unit swaps LOC for ORG.
    history.run(accept_side(gold, label_unit, "alice", seed_text))
    here = [s.label for s in gold.spans if (s.start, s.end) == (label_unit.start, label_unit.end)]
    assert here == ["ORG"]
    # Article edges: alice's, then bob's replaces it (one article, never two).
    article = next(u for u in units if u.kind == "extent")
    history.run(accept_side(gold, article, "alice", seed_text))
    history.run(accept_side(gold, article, "bob", seed_text))
    assert [(s.start, s.end) for s in gold.spans if s.label == "article"] == [(article.start, 1480)]
    doc = next(u for u in units if u.kind == "doc_label")
    history.run(accept_side(gold, doc, "alice", seed_text))
    assert gold.doc_labels == {"page_type": "article"}
    attrs = next(u for u in units if u.kind == "attrs")
    history.run(accept_side(gold, attrs, "bob", seed_text))
    byline = next(s for s in gold.spans if s.label == "byline")
    assert byline.attrs == {"authors": ["심지혜"], "agency": "뉴스핌"}
    history.undo()
    assert next(s for s in gold.spans if s.label == "byline").attrs == {"authors": ["심지혜"]}


def test_accept_all_of_one_annotator_is_one_undo_step(versions: dict[str, Annotation],
                                                      seed_corpus: Corpus, seed_text: str) -> None:
    gold = start_gold(versions)
    history = History(gold)
    before = orjson.dumps(gold.model_dump(exclude={"updated_at"}))
    history.run(accept_all(gold, versions, "bob", seed_text, seed_corpus.scheme))
    bob = versions["bob"]
    assert _keys(gold) == _keys(bob)
    assert gold.doc_labels == bob.doc_labels
    by_key = {key(s): s.attrs for s in bob.spans}
    assert all(s.attrs == by_key[key(s)] for s in gold.spans)
    assert compare({"gold": gold, "bob": bob}, seed_corpus.scheme) == []
    history.undo()
    assert orjson.dumps(gold.model_dump(exclude={"updated_at"})) == before
    assert not history.can_undo


def test_gold_file_written_and_valid(versions: dict[str, Annotation], seed_corpus: Corpus,
                                     seed_text: str) -> None:
    gold = start_gold(versions)
    history = History(gold)
    history.run(accept_all(gold, versions, "alice", seed_text, seed_corpus.scheme))
    history.run(SetStatus("done"))
    mtime = save_gold(seed_corpus, gold)
    path = seed_corpus.root / "gold" / "seed.json"
    assert path.is_file()
    on_disk = orjson.loads(path.read_bytes())
    assert on_disk["annotator"] == "gold" and on_disk["status"] == "done"
    loaded = seed_corpus.load_annotation("gold", "seed")  # full validation against the scheme
    assert loaded is not None and loaded.mtime_ns == mtime
    assert _keys(loaded.annotation) == _keys(versions["alice"])
    assert seed_corpus.annotated_ids("gold") == {"seed"}
    # Saving over a gold file that changed on disk since it was read is refused.
    history.run(SetStatus("in_progress"))
    save_gold(seed_corpus, gold, expected_mtime_ns=mtime)
    with pytest.raises(ConflictError):
        save_gold(seed_corpus, gold, expected_mtime_ns=mtime)


def test_invalid_gold_is_not_written(versions: dict[str, Annotation], seed_corpus: Corpus,
                                     seed_text: str) -> None:
    gold = start_gold(versions)
    # gold starts without an article (the annotators disagree on its edges), so its title
    # lies inside no article: the scheme forbids that.
    assert not any(s.label == "article" for s in gold.spans)
    with pytest.raises(GoldError) as info:
        save_gold(seed_corpus, gold)
    assert "not-inside" in str(info.value) and "gold" in str(info.value)
    assert not (seed_corpus.root / "gold" / "seed.json").exists()
    history = History(gold)
    for part in [s for s in gold.spans if s.label in ("title", "byline")]:
        history.run(RemoveSpan(part.id))
    save_gold(seed_corpus, gold)
    assert (seed_corpus.root / "gold" / "seed.json").exists()


def test_three_annotators(versions: dict[str, Annotation], seed_corpus: Corpus, seed_text: str) -> None:
    carol = versions["alice"].model_copy(update={"annotator": "carol"})
    three = {**versions, "carol": carol}
    units = compare(three, seed_corpus.scheme)
    label = next(u for u in units if u.kind == "label")
    assert set(label.candidates) == {"alice", "bob", "carol"}
    assert [s.label for s in label.candidates["carol"]] == ["ORG"]
    gold = start_gold(three)
    History(gold).run(accept_all(gold, three, "carol", seed_text, seed_corpus.scheme))
    assert _keys(gold) == _keys(carol)
    with pytest.raises(ValueError):
        accept_side(gold, label, "dave", seed_text)
