"""A done document is always valid (ADR 0013), and a crash journal restores as one undo step.

Core only (no Qt): the session re-checks a done document after every edit and moves it back
to "in_progress" in the same undo step; "done" is refused without a page type or without an
article on an article page; accepted suggestions go through the same rules as hand marks.
"""

from __future__ import annotations

import orjson
import pytest

from annotator import session as session_module
from annotator.corpus import Corpus
from annotator.edits import History, SetStatus, UpdateSpan, make_span
from annotator.model import Annotation
from annotator.rules import done_problems
from annotator.session import DocumentSession, journal_path, read_journal
from tests.conftest import add_text

TEXT = "MENU\nTitle here\nKim met Lee in Seoul today.\nfooter"


def done_session(corpus: Corpus, text: str = TEXT) -> DocumentSession:
    """A valid, done document: one article, page type article, two entities."""
    add_text(corpus, "d1", text)
    s = DocumentSession.open(corpus, "alice", "d1")
    s.mark("boilerplate", 0, 4)
    s.mark_lines("article", 5, text.index("today.") + 6)
    s.mark("PER", text.index("Kim"), text.index("Kim") + 3)
    s.mark("LOC", text.index("Seoul"), text.index("Seoul") + 5)
    s.set_doc_label("page_type", "article")
    change, problems = s.set_status("done")
    assert problems == [] and change is not None
    return s


@pytest.fixture(params=["whole", "local"])
def check_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the session re-checks a done document: the whole document (small ones)
    and only the spans around the edit (large ones)."""
    if request.param == "local":
        monkeypatch.setattr(session_module, "LOCAL_CHECK_FROM", 0)
    return str(request.param)


def test_an_edit_breaking_a_rule_moves_done_back_to_in_progress_in_one_undo(
    corpus: Corpus, check_mode: str
) -> None:
    s = done_session(corpus)
    spans_before = list(s.spans)
    # "Kim met" as PER overlaps the entity "Kim": the entity layer may not overlap.
    start = TEXT.index("Kim")
    change, span_id = s.mark("ORG", start, start + 7)  # type: ignore[misc]
    assert s.annotation.status == "in_progress"
    assert change.status  # the views are told the status changed
    assert [p.code for p in s.reopened] == ["overlap"]
    assert done_problems(s.annotation, s.text, s.scheme)  # so in_progress is right
    # One undo gives back both the spans and "done".
    s.undo()
    assert s.annotation.status == "done" and s.spans == spans_before
    assert s.reopened == []
    s.redo()
    assert s.annotation.status == "in_progress" and s.span(span_id) is not None
    # The journal holds the status change: a crash now restores "in_progress".
    _, entries = read_journal(journal_path(corpus, "alice", "d1"))
    assert entries[-1]["status"] == "in_progress"


def test_a_harmless_edit_keeps_done(corpus: Corpus, check_mode: str) -> None:
    s = done_session(corpus)
    s.mark("PER", TEXT.index("Lee"), TEXT.index("Lee") + 3)
    assert s.annotation.status == "done" and s.reopened == []


def test_unsetting_the_page_type_or_deleting_the_article_reopens(corpus: Corpus, check_mode: str) -> None:
    s = done_session(corpus)
    s.set_doc_label("page_type", None)
    assert s.annotation.status == "in_progress"
    assert [p.code for p in s.reopened] == ["missing-doc-label"]
    s.undo()
    article = next(x.id for x in s.spans if x.label == "article")
    # Deleting the article leaves the entities... inside nothing, and no article on an
    # article page: both are reasons.
    s.delete(article)
    assert s.annotation.status == "in_progress"
    assert "no-article" in {p.code for p in s.reopened}
    s.undo()
    # Moving the article's end into the body leaves... nothing outside (entities may be
    # anywhere), but a title past its end is outside it.
    title = s.mark("title", TEXT.index("Title"), TEXT.index("Title") + 10)
    assert title is not None and s.annotation.status == "done"
    s.move_edge(article, "end", -1, "char")  # still holds the title: fine
    assert s.annotation.status == "done"
    s.move_edge(article, "start", 1, "word")  # now the title sticks out
    assert s.annotation.status == "in_progress" and [p.code for p in s.reopened] == ["not-inside"]


def test_done_is_refused_without_page_type_or_without_an_article(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    s.mark("PER", TEXT.index("Kim"), TEXT.index("Kim") + 3)
    change, problems = s.set_status("done")
    assert change is None and [p.code for p in problems] == ["missing-doc-label"]
    s.set_doc_label("page_type", "article")
    change, problems = s.set_status("done")
    assert change is None and [p.code for p in problems] == ["no-article"]
    assert s.annotation.status == "in_progress"
    # A page that is not an article page needs no article.
    s.set_doc_label("page_type", "non-article")
    change, problems = s.set_status("done")
    assert problems == [] and s.annotation.status == "done"


def test_done_problems_is_the_rules_of_check_annotation_and_more(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    annotation = corpus.new_annotation("alice", "d1", TEXT)
    assert [p.code for p in done_problems(annotation, TEXT, corpus.scheme)] == ["missing-doc-label"]
    annotation.doc_labels["page_type"] = "article"
    annotation.spans.append(make_span(TEXT, 5, 10, "title", "s1"))
    codes = [p.code for p in done_problems(annotation, TEXT, corpus.scheme)]
    assert codes == ["not-inside", "no-article"]


# --------------------------------------------------------------------------- suggestions


def write_suggestions(corpus: Corpus, text: str, marks: list[tuple[str, int, int]]) -> None:
    annotation = corpus.new_annotation("suggestions", "d1", text)
    for i, (label, start, end) in enumerate(marks, 1):
        annotation.spans.append(make_span(text, start, end, label, f"g{i}"))
    corpus.save_annotation(annotation)


def test_accepting_suggestions_refuses_those_that_break_a_rule(corpus: Corpus) -> None:
    s = done_session(corpus)
    kim, lee = TEXT.index("Kim"), TEXT.index("Lee")
    write_suggestions(
        corpus,
        TEXT,
        [
            ("ORG", kim, kim + 7),  # "Kim met": overlaps the entity PER "Kim"
            ("PER", lee, lee + 3),  # fine
            ("title", 0, 4),  # a title outside any article
            ("boilerplate", TEXT.index("today"), len(TEXT)),  # crosses the article's end
        ],
    )
    s.load_suggestions()
    accepted = s.accept_suggestions([g.id for g in s.pending_suggestions()])
    assert accepted is not None and accepted.change is not None
    assert [s.span(i).text for i in accepted.new_ids] == ["Lee"]  # type: ignore[union-attr]
    reasons = {g.id: [p.code for p in problems] for g, problems in accepted.refused}
    assert reasons == {"g1": ["overlap"], "g3": ["not-inside"], "g4": ["crosses-edge"]}
    assert "would break a rule" in accepted.refused_text()
    # Nothing broke: still done, still valid.
    assert s.annotation.status == "done" and done_problems(s.annotation, s.text, s.scheme) == []


def test_accepted_suggestions_are_checked_against_each_other(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    kim = TEXT.index("Kim")
    end = TEXT.index("today.") + 6
    # An article and a title in it (the article is accepted first), and two overlapping
    # entities: the first in text order wins.
    write_suggestions(corpus, TEXT, [("title", 5, 15), ("PER", kim, kim + 7), ("ORG", kim + 4, kim + 11), ("article", 5, end)])
    s.load_suggestions()
    accepted = s.accept_suggestions(["g1", "g2", "g3", "g4"])
    assert accepted is not None
    assert sorted(s.span(i).label for i in accepted.new_ids) == ["PER", "article", "title"]  # type: ignore[union-attr]
    assert [g.id for g, _ in accepted.refused] == ["g3"]
    # Every refused: no edit, nothing changes.
    again = s.accept_suggestions(["g3"])
    assert again is not None and again.change is None and again.new_ids == []


# --------------------------------------------------------------------------- restore is undoable


def test_a_restored_journal_is_one_undoable_edit(corpus: Corpus) -> None:
    add_text(corpus, "d1", TEXT)
    s = DocumentSession.open(corpus, "alice", "d1")
    s.mark("PER", TEXT.index("Kim"), TEXT.index("Kim") + 3)
    s.save()
    saved_before = orjson.loads(corpus.annotation_path("alice", "d1").read_bytes())
    s.mark("LOC", TEXT.index("Seoul"), TEXT.index("Seoul") + 5)
    s.set_doc_label("page_type", "article")
    s.delete(next(x.id for x in s.spans if x.label == "PER"))
    # The process dies: no save. The next session replays the journal, saved at once...
    reopened = DocumentSession.open(corpus, "alice", "d1")
    assert reopened.recovery is not None and reopened.recovery.outcome == "restored"
    assert reopened.recovery.changes == 3
    assert [x.label for x in reopened.spans] == ["LOC"]
    assert reopened.annotation.doc_labels == {"page_type": "article"}
    assert not reopened.dirty
    assert not journal_path(corpus, "alice", "d1").exists()
    assert [x["label"] for x in orjson.loads(corpus.annotation_path("alice", "d1").read_bytes())["spans"]] == ["LOC"]
    # ...and one undo gives back the file as it was saved before the crash.
    assert reopened.history.undo_text.startswith("restore 3 unsaved changes")
    reopened.undo()
    assert not reopened.history.can_undo
    assert [x.label for x in reopened.spans] == ["PER"] and reopened.annotation.doc_labels == {}
    reopened.save()
    after = orjson.loads(corpus.annotation_path("alice", "d1").read_bytes())
    for key in ("spans", "doc_labels", "status"):
        assert after[key] == saved_before[key]


# --------------------------------------------------------------------------- history


def _annotation(text: str) -> Annotation:
    annotation = Annotation(doc_id="d", text_sha256="0" * 64, annotator="a")
    annotation.spans.append(make_span(text, 0, 3, "PER", "s1"))
    return annotation


def test_consecutive_edits_with_one_merge_key_undo_as_one() -> None:
    text = "Kim Minsu"
    history = History(_annotation(text))
    for value in ("심", "심지", "심지혜"):
        history.run(UpdateSpan(text, "s1", attrs={"name": value}, merge_key="s1/name"))
    history.run(UpdateSpan(text, "s1", attrs={"name": "x"}, merge_key="s1/other"))
    history.undo()
    assert history.annotation.spans[0].attrs == {"name": "심지혜"}
    history.undo()
    assert history.annotation.spans[0].attrs == {} and not history.can_undo
    history.redo()
    assert history.annotation.spans[0].attrs == {"name": "심지혜"}


def test_rollback_takes_a_step_back_as_if_it_never_happened() -> None:
    text = "Kim Minsu"
    history = History(_annotation(text))
    history.run(SetStatus("in_progress"))
    history.run(SetStatus("done"))
    history.undo()  # "done" is now on the redo stack
    history.run(SetStatus("skipped"))  # clears it...
    history.rollback()  # ...and the rollback gives it back
    assert history.annotation.status == "in_progress" and history.redo_text == "set status"
    history.undo()
    history.rollback()  # an undo taken back
    assert history.annotation.status == "in_progress" and history.can_undo
    history.redo()
    history.rollback()  # a redo taken back
    assert history.annotation.status == "in_progress"
    assert history.rollback() is None  # only the last step
    # A merged step is taken back to the previous merge state, not further.
    history.run(UpdateSpan(text, "s1", attrs={"n": "a"}, merge_key="k"))
    history.run(UpdateSpan(text, "s1", attrs={"n": "ab"}, merge_key="k"))
    history.rollback()
    assert history.annotation.spans[0].attrs == {"n": "a"}
    history.undo()
    assert history.annotation.spans[0].attrs == {}


def test_a_done_file_on_disk_is_held_to_the_done_rule_by_every_reader(corpus: Corpus) -> None:
    """A file written "done" by hand (or by an older version) without a page type: validate
    reports it, export leaves it out, and the editor still opens it for fixing."""
    from annotator.cli import main

    s = done_session(corpus)
    assert s.save()
    path = corpus.annotation_path("alice", "d1")
    data = orjson.loads(path.read_bytes())
    del data["doc_labels"]["page_type"]
    path.write_bytes(orjson.dumps(data))

    reopened = DocumentSession.open(corpus, "alice", "d1")
    assert not reopened.read_only
    assert [p.code for p in reopened.load_problems] == []
    assert main(["validate", str(corpus.root)]) == 1
    out = corpus.root.parent / "out"
    assert main(["export", str(corpus.root), "--format", "jsonl", "--source", "alice",
                 "--out", str(out)]) == 1
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["counts"]["documents"] == 0
    assert "missing-doc-label" in orjson.dumps(manifest).decode()
