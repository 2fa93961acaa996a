"""DocumentSession: editing, saving, conflicts and crash recovery, without Qt."""

from __future__ import annotations

import orjson
import pytest

from annotator.corpus import AnnotationFileError, ConflictError, Corpus
from annotator.edits import EditError, make_span
from annotator.session import (
    DocumentSession,
    journal_path,
    line_range,
    read_journal,
    recover_journals,
    word_step,
)
from annotator.text_search import find_all
from tests.conftest import add_text


def saved(corpus: Corpus, doc_id: str, annotator: str = "alice") -> dict:
    return orjson.loads(corpus.annotation_path(annotator, doc_id).read_bytes())


def session_on(corpus: Corpus, text: str, doc_id: str = "d1") -> DocumentSession:
    add_text(corpus, doc_id, text)
    return DocumentSession.open(corpus, "alice", doc_id)


# --------------------------------------------------------------------------- helpers


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """What mark all finds: the one matcher (its own tests: tests/test_text_search.py)."""
    return find_all(text, needle, whole_words=True)


def test_occurrences_skip_ascii_word_parts_but_not_hangul_particles() -> None:
    text = "KT와 KTX, KT. LG전자는 LG전자"
    assert occurrences(text, "KT") == [(0, 2), (9, 11)]
    assert [text[a:b] for a, b in occurrences(text, "LG전자")] == ["LG전자", "LG전자"]
    assert occurrences(text, "") == []


def test_line_range_takes_whole_lines_without_the_final_break() -> None:
    text = "one\ntwo\nthree"
    assert line_range(text, 5, 5) == (4, 7)
    assert line_range(text, 1, 9) == (0, 13)
    # A Shift+Down selection ends at the start of the next line: that line is not taken.
    assert line_range(text, 0, 4) == (0, 3)


def test_word_step_moves_by_words() -> None:
    text = "심지혜 기자 = LG"
    assert word_step(text, 0, 1) == 3
    assert word_step(text, 3, 1) == 6
    assert word_step(text, 6, 1) == 8  # the lone "=" is one step
    assert word_step(text, 6, -1) == 4


# --------------------------------------------------------------------------- editing


def test_mark_trims_whitespace_sets_defaults_and_starts_progress(corpus: Corpus) -> None:
    s = session_on(corpus, "menu\n  Title here  \nbody")
    change, span_id = s.mark("article", 5, 20)
    span = s.span(span_id)
    assert span is not None
    assert (span.start, span.end, span.text) == (7, 17, "Title here")
    assert span.attrs == {"role": "main"}
    assert change.added == {span_id}
    assert s.annotation.status == "in_progress"
    # Undo takes back the mark and the automatic status change together.
    s.undo()
    assert s.spans == [] and s.annotation.status == "todo"
    s.redo()
    assert s.span(span_id) is not None and s.annotation.status == "in_progress"


def test_mark_without_trim_and_blank_selection(corpus: Corpus) -> None:
    s = session_on(corpus, "a  b")
    assert s.mark("PER", 1, 3) is None  # all white space: nothing to mark
    result = s.mark("PER", 0, 2, trim=False)
    assert result is not None
    assert s.span(result[1]).text == "a "  # type: ignore[union-attr]


def test_line_mode_merges_overlapping_boilerplate(seed_corpus: Corpus) -> None:
    s = DocumentSession.open(seed_corpus, "alice", "seed")
    first = s.mark_lines("boilerplate", 0, 0)
    assert first is not None
    assert s.span(first[1]).text == "전체기사 최신뉴스 GAM"  # type: ignore[union-attr]
    # Lines 1-3 selected (the selection ends inside line 3): one span, merged with the first.
    end_of_line2 = s.text.index("KYD")
    merged = s.mark_lines("boilerplate", 2, end_of_line2 + 10)
    assert merged is not None
    spans = [x for x in s.spans if x.label == "boilerplate"]
    assert len(spans) == 1
    assert spans[0].text == "전체기사 최신뉴스 GAM\nKYD 디데이\n산업 재계·경영"
    assert s.problems() == []


def test_line_mode_line_by_line_grows_one_block_until_a_blank_line(seed_corpus: Corpus) -> None:
    # Shift+B, Shift+B, Shift+B on the menu lines, then once more past the blank line.
    s = DocumentSession.open(seed_corpus, "alice", "seed")
    line_starts = [0, s.text.index("KYD"), s.text.index("산업"), s.text.index("속보")]
    for pos in line_starts:
        assert s.mark_lines("boilerplate", pos, pos) is not None
    blocks = sorted((x.start, x.end) for x in s.spans if x.label == "boilerplate")
    assert [s.text[a:b] for a, b in blocks] == ["전체기사 최신뉴스 GAM\nKYD 디데이\n산업 재계·경영", "속보"]
    # Undo takes back the last join only.
    s.undo()
    s.undo()
    blocks = sorted((x.start, x.end) for x in s.spans if x.label == "boilerplate")
    assert [s.text[a:b] for a, b in blocks] == ["전체기사 최신뉴스 GAM\nKYD 디데이"]
    # Marking a selection (not line mode) on the next line leaves it a span of its own.
    s.mark("boilerplate", line_starts[2], line_starts[2] + 2)
    blocks = sorted((x.start, x.end) for x in s.spans if x.label == "boilerplate")
    assert [s.text[a:b] for a, b in blocks] == ["전체기사 최신뉴스 GAM\nKYD 디데이", "산업"]


def test_mark_occurrences_is_one_undoable_batch_and_skips_clashes(seed_corpus: Corpus) -> None:
    s = DocumentSession.open(seed_corpus, "alice", "seed")
    first = s.text.index("LG유플러스")
    s.mark("ORG", first, first + len("LG유플러스"))
    before = len(s.spans)
    change = s.mark_occurrences("ORG", "LG유플러스")
    assert change is not None
    orgs = [x for x in s.spans if x.label == "ORG"]
    assert len(orgs) == s.text.count("LG유플러스")
    assert all(x.text == "LG유플러스" for x in orgs)
    assert len(change.added) == len(orgs) - 1
    # Nothing left to mark now; an overlapping entity blocks "LG" inside "LG유플러스".
    assert s.mark_occurrences("ORG", "LG유플러스") is None
    lg = s.mark_occurrences("ORG", "LG")
    assert lg is not None
    assert all(not (x.text == "LG" and any(o.start <= x.start < o.end for o in orgs)) for x in s.spans)
    s.undo()
    s.undo()
    assert len(s.spans) == before


def test_relabel_keeps_shared_attrs_and_takes_defaults(corpus: Corpus) -> None:
    s = session_on(corpus, "An article text")
    _, sid = s.mark("boilerplate", 0, 15)  # type: ignore[misc]
    assert s.span(sid).attrs == {"kind": "other"}  # type: ignore[union-attr]
    s.relabel(sid, "article")
    span = s.span(sid)
    assert span is not None and span.label == "article" and span.attrs == {"role": "main"}
    s.undo()
    assert s.span(sid).label == "boilerplate"  # type: ignore[union-attr]


def test_set_attr_and_move_edges(corpus: Corpus) -> None:
    s = session_on(corpus, "[서울=뉴스핌] 심지혜 기자 = 본문")
    _, sid = s.mark("PER", 9, 12)  # type: ignore[misc]
    s.move_edge(sid, "end", 1, "word")
    assert s.span(sid).text == "심지혜 기자"  # type: ignore[union-attr]
    s.move_edge(sid, "start", -1)
    assert s.span(sid).text == " 심지혜 기자"  # type: ignore[union-attr]
    before = s.span(sid)
    # The end moved 100 characters back would land before the start: the move is refused
    # (no Change, nothing to undo), never clamped into an empty or reversed span.
    assert s.move_edge(sid, "end", -100) is None
    assert s.span(sid) == before
    s.relabel(sid, "byline")
    s.set_attr(sid, "authors", ["심지혜"])
    s.set_attr(sid, "email", "x@example.com")
    s.set_attr(sid, "email", "")
    assert s.span(sid).attrs == {"authors": ["심지혜"]}  # type: ignore[union-attr]


def test_done_only_when_valid(corpus: Corpus) -> None:
    s = session_on(corpus, "Title\nbody text")
    s.mark("title", 0, 5)  # a title outside any article breaks a rule
    change, problems = s.set_status("done")
    assert change is None
    assert [p.code for p in problems] == ["not-inside", "missing-doc-label"]
    assert s.annotation.status == "in_progress"
    s.mark("article", 0, 15)
    s.set_doc_label("page_type", "article")
    change, problems = s.set_status("done")
    assert problems == [] and change is not None and s.annotation.status == "done"


def test_clean_preview_cuts_boilerplate_inside_articles(corpus: Corpus) -> None:
    s = session_on(corpus, "menu\nTitle\nphoto caption\nBody.\nfooter")
    s.mark_lines("article", 5, 30)
    s.mark_lines("boilerplate", 12, 12)
    preview = s.clean_preview()
    assert preview.splitlines()[0].startswith("── article")
    # The caption's line breaks stay around the cut (rules.clean_text squeezes only 3+).
    assert preview.splitlines()[1:] == ["Title", "", "Body."]


def test_next_span_cycles_in_text_order(corpus: Corpus) -> None:
    s = session_on(corpus, "aaa bbb ccc")
    _, c = s.mark("PER", 8, 11)  # type: ignore[misc]
    _, a = s.mark("PER", 0, 3)  # type: ignore[misc]
    assert s.next_span(None, 1, pos=5).id == c  # type: ignore[union-attr]
    assert s.next_span(a, 1).id == c  # type: ignore[union-attr]
    assert s.next_span(c, 1).id == a  # type: ignore[union-attr]
    assert s.next_span(a, -1).id == c  # type: ignore[union-attr]


# --------------------------------------------------------------------------- saving


def test_save_writes_code_point_offsets_with_emoji_and_combining_marks(corpus: Corpus) -> None:
    text = "😀👍🏽 e\u0301 Seoul 서울"
    s = session_on(corpus, text)
    start = text.index("Seoul")
    s.mark("LOC", start, start + 5)
    assert s.dirty
    assert s.save() is True
    assert not s.dirty and s.save() is False
    data = saved(corpus, "d1")
    span = data["spans"][0]
    assert (span["start"], span["end"], span["text"]) == (start, start + 5, "Seoul")
    assert text[span["start"] : span["end"]] == "Seoul"
    assert not journal_path(corpus, "alice", "d1").exists()


def test_save_refuses_to_overwrite_a_file_changed_on_disk(corpus: Corpus) -> None:
    s = session_on(corpus, "some text")
    s.mark("PER", 0, 4)
    s.save()
    other = DocumentSession.open(corpus, "alice", "d1")
    other.mark("ORG", 5, 9)
    other.save()  # someone else (another machine sharing the folder) writes
    assert s.disk_changed()
    s.mark("LOC", 5, 9)
    with pytest.raises(ConflictError):
        s.save()
    assert [x["label"] for x in saved(corpus, "d1")["spans"]] == ["PER", "ORG"]
    # Keep mine: theirs is copied aside, mine written.
    kept = s.overwrite_theirs()
    assert kept is not None and kept.exists()
    assert [x["label"] for x in orjson.loads(kept.read_bytes())["spans"]] == ["PER", "ORG"]
    assert [x["label"] for x in saved(corpus, "d1")["spans"]] == ["PER", "LOC"]
    assert not s.disk_changed()


def test_new_file_created_meanwhile_is_a_conflict(corpus: Corpus) -> None:
    s = session_on(corpus, "some text")
    other = DocumentSession.open(corpus, "alice", "d1")
    other.mark("ORG", 5, 9)
    other.save()
    s.mark("PER", 0, 4)
    with pytest.raises(ConflictError):
        s.save()


def test_broken_file_is_read_only_and_never_overwritten(corpus: Corpus) -> None:
    add_text(corpus, "d1", "text")
    path = corpus.annotation_path("alice", "d1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"doc_id": "d1", broken')
    s = DocumentSession.open(corpus, "alice", "d1")
    assert s.read_only and s.load_problems and str(path) in (s.load_problems[0].path or "")
    with pytest.raises(EditError):
        s.mark("PER", 0, 4)
    assert s.save() is False
    assert path.read_bytes() == b'{"doc_id": "d1", broken'


# --------------------------------------------------------------------------- journal and recovery


def test_every_change_is_journaled_and_replayed_after_a_crash(corpus: Corpus) -> None:
    s = session_on(corpus, "menu\nTitle\nBody text here\nfooter")
    s.mark_lines("boilerplate", 0, 0)
    s.save()
    _, art = s.mark_lines("article", 5, 20)  # type: ignore[misc]
    _, per = s.mark("PER", 11, 15)  # type: ignore[misc]
    s.set_attr(art, "role", "related")
    s.set_doc_label("page_type", "article")
    s.undo()  # the doc label goes away again
    header, entries = read_journal(journal_path(corpus, "alice", "d1"))
    assert header["doc_id"] == "d1" and len(entries) == 5
    # The process dies here: no save, no close.
    results = recover_journals(corpus, "alice")
    assert [(r.doc_id, r.outcome, r.changes) for r in results] == [("d1", "restored", 5)]
    assert "restored 5 unsaved changes" in results[0].message
    data = saved(corpus, "d1")
    labels = {x["id"]: (x["label"], x["attrs"]) for x in data["spans"]}
    assert labels[art] == ("article", {"role": "related"})
    assert labels[per][0] == "PER"
    assert data["doc_labels"] == {}
    assert not journal_path(corpus, "alice", "d1").exists()
    assert recover_journals(corpus, "alice") == []


def test_a_torn_last_journal_line_is_dropped(corpus: Corpus) -> None:
    s = session_on(corpus, "aaa bbb")
    s.mark("PER", 0, 3)
    s.mark("ORG", 4, 7)
    path = journal_path(corpus, "alice", "d1")
    path.write_bytes(path.read_bytes()[:-20])  # the second entry was half written
    results = recover_journals(corpus, "alice")
    assert results[0].outcome == "restored" and results[0].changes == 1
    assert [x["label"] for x in saved(corpus, "d1")["spans"]] == ["PER"]


def test_journal_on_a_file_changed_since_is_set_aside(corpus: Corpus) -> None:
    s = session_on(corpus, "aaa bbb")
    s.mark("PER", 0, 3)
    # Someone else writes the file (e.g. through a shared folder) before we saved.
    theirs = corpus.new_annotation("alice", "d1")
    theirs.spans.append(make_span("aaa bbb", 4, 7, "ORG", "s1"))
    corpus.save_annotation(theirs)
    results = recover_journals(corpus, "alice")
    assert results[0].outcome == "set-aside" and results[0].kept is not None
    assert results[0].kept.exists() and "kept in" in results[0].message
    assert [x["label"] for x in saved(corpus, "d1")["spans"]] == ["ORG"]


def test_journal_already_saved_is_removed_quietly(corpus: Corpus) -> None:
    s = session_on(corpus, "aaa bbb")
    s.mark("PER", 0, 3)
    journal = journal_path(corpus, "alice", "d1")
    content = journal.read_bytes()
    s.save()
    journal.write_bytes(content)  # died between saving and deleting the journal
    results = recover_journals(corpus, "alice")
    assert [r.outcome for r in results] == ["unchanged"]
    assert not journal.exists()


def test_journal_on_a_broken_file_is_kept(corpus: Corpus) -> None:
    s = session_on(corpus, "aaa bbb")
    s.mark("PER", 0, 3)
    corpus.annotation_path("alice", "d1").write_bytes(b"not json")
    results = recover_journals(corpus, "alice")
    assert results[0].outcome == "set-aside"
    with pytest.raises(AnnotationFileError):
        corpus.load_annotation("alice", "d1")


# --------------------------------------------------------------------------- suggestions


def write_suggestions(corpus: Corpus, doc_id: str, text: str, marks: list[tuple[str, int, int]]) -> None:
    annotation = corpus.new_annotation("suggestions", doc_id, text)
    for i, (label, start, end) in enumerate(marks, 1):
        attrs = {"kind": "navigation"} if label == "boilerplate" else {}
        annotation.spans.append(make_span(text, start, end, label, f"g{i}", attrs))
    corpus.save_annotation(annotation)


def test_suggestions_accept_reject_and_undo(corpus: Corpus) -> None:
    text = "MENU\nKim met Lee in Seoul"
    s = session_on(corpus, text)
    write_suggestions(corpus, "d1", text, [("boilerplate", 0, 4), ("PER", 5, 8), ("PER", 13, 16), ("LOC", 20, 25)])
    assert s.load_suggestions() == []
    assert [g.id for g in s.pending_suggestions()] == ["g1", "g2", "g3", "g4"]
    accepted = s.accept_suggestions(["g1"])
    assert accepted is not None and accepted.change is not None and accepted.refused == []
    change, ids = accepted.change, accepted.new_ids
    added = s.span(ids[0])
    assert added is not None and (added.label, added.text, added.attrs) == ("boilerplate", "MENU", {"kind": "navigation"})
    assert change.added == set(ids)
    assert s.reject_suggestions(["g4"]) == 1
    pers = [g.id for g in s.pending_suggestions() if g.label == "PER"]
    assert s.accept_suggestions(pers) is not None
    assert sorted(x.text for x in s.spans if x.label == "PER") == ["Kim", "Lee"]
    assert s.pending_suggestions() == []
    # Accepting all of a label is one undo step; undone, the suggestions are pending again.
    s.undo()
    assert [g.id for g in s.pending_suggestions()] == ["g2", "g3"]
    s.save()
    data = saved(corpus, "d1")
    assert [(x["label"], x["text"]) for x in data["spans"]] == [("boilerplate", "MENU")]
    # The suggestions file itself is never written by a session.
    assert orjson.loads(corpus.annotation_path("suggestions", "d1").read_bytes())["annotator"] == "suggestions"


def test_broken_suggestions_file_reports_its_problems(corpus: Corpus) -> None:
    s = session_on(corpus, "text")
    path = corpus.annotation_path("suggestions", "d1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{")
    problems = s.load_suggestions()
    assert problems and problems[0].path == str(path)
    assert s.pending_suggestions() == []


# --------------------------------------------------------------------------- the span index


def _index_matches_a_rebuild(session: DocumentSession) -> None:
    from annotator.session import SpanIndex

    index = session.index
    rebuilt = SpanIndex(session.spans)
    assert index.by_id == rebuilt.by_id == {s.id: s for s in session.spans}
    for span in session.spans:
        assert index.has(span.label, span.start, span.end)
        assert sorted(index.overlapping(span.label, span.start, span.end)) == sorted(
            s.id for s in session.spans if s.label == span.label and s.start < span.end and span.start < s.end
        )


def test_span_index_follows_every_edit_undo_and_redo(corpus: Corpus) -> None:
    text = "Kim Minsu met Lee in Seoul. Kim Minsu left.\nA menu line\nAnother menu line\n"
    session = session_on(corpus, text)
    steps = [
        lambda: session.mark("PER", 0, 9),
        lambda: session.mark("LOC", 21, 26),
        lambda: session.mark_occurrences("PER", "Kim Minsu"),
        lambda: session.relabel("s2", "ORG"),
        lambda: session.move_edge("s1", "end", -1),
        lambda: session.mark_lines("boilerplate", 46, 47),
        lambda: session.mark("boilerplate", 50, 73),  # overlaps the line: merged into one
        lambda: session.delete("s1"),
    ]
    for step in steps:
        step()
        _index_matches_a_rebuild(session)
    while session.undo() is not None:
        _index_matches_a_rebuild(session)
    while session.redo() is not None:
        _index_matches_a_rebuild(session)
    assert [(s.start, s.end) for s in session.spans if s.label == "boilerplate"] == [(44, 73)]


def test_span_index_is_rebuilt_when_spans_change_behind_the_session(corpus: Corpus) -> None:
    session = session_on(corpus, "Kim and Lee")
    session.mark("PER", 0, 3)
    session.annotation.spans.append(make_span(session.text, 8, 11, "PER", "x1"))
    assert session.span("x1") is not None
    # The same place is refused as before, and the merge of an overlapping same-layer mark too.
    assert session.mark("PER", 8, 11) is None
    change, span_id = session.mark("PER", 8, 10)  # type: ignore[misc]
    assert change.removed == {"x1"} and session.span(span_id).text == "Lee"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- problems after edits


def test_problems_after_edits_on_a_clean_large_document_check_only_around_them(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a check that found nothing, each edit re-checks only the spans around what it
    touched (a whole check is tens of ms at 10,000 spans); the answer is always the whole
    check's, in its order, whatever the edits do (problems appear, go, come back)."""
    import annotator.session as session_module
    from annotator.rules import check_annotation

    monkeypatch.setattr(session_module, "LOCAL_CHECK_FROM", 0)
    words = [f"w{i:03d}" for i in range(200)]
    text = " ".join(words) + "\n\nTitle line here\n\nbody text of the article"
    s = session_on(corpus, text)
    for i in range(0, 200, 2):  # 100 entities: the whole check would see all of them
        s.mark("PER", 5 * i, 5 * i + 4)
    checked: list[int] = []

    def spy(annotation, *args, **kwargs):  # type: ignore[no-untyped-def]
        checked.append(len(annotation.spans))
        return check_annotation(annotation, *args, **kwargs)

    monkeypatch.setattr(session_module, "check_annotation", spy)

    def whole() -> list:
        return check_annotation(s.annotation, s.text, s.scheme)

    assert s.problems() == [] == whole()
    title = text.index("Title")
    steps = [
        lambda: s.mark("ORG", 5, 9),  # between two entities: still fine
        lambda: s.mark("LOC", 12, 20),  # overlaps two entities: problems
        lambda: s.undo(),  # fine again
        lambda: s.mark("title", title, title + 15),  # a title outside any article
        lambda: s.mark("article", title, len(text)),  # now inside one
        lambda: s.set_doc_label("page_type", "article"),
        lambda: s.undo(),
        lambda: s.undo(),  # the title is outside again
        lambda: s.redo(),
    ]
    for step in steps:
        step()
        checked.clear()
        assert s.problems() == whole()
    # A clean state reached by edits only: the last check looked at a few spans only.
    s.mark("MISC", 45, 49)
    checked.clear()
    assert s.problems() == [] == whole()
    assert checked and max(checked) < 10 < len(s.spans)
    # Spans changed behind the session's back: the whole document is checked again.
    s.annotation.spans.append(make_span(s.text, 40, 48, "ORG", "x1"))
    checked.clear()
    assert s.problems() == whole() != []
    assert checked == [len(s.spans)]
