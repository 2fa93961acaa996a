"""Property: the Problems panel's local re-check always answers what the whole check does.

``DocumentSession.problems`` re-checks only the spans around the last edits when the
previous check found nothing (a whole check costs tens of ms at 10,000 spans). Any sequence
of edits (marks of every label, relabels, edge moves, attributes, deletes, undo, redo,
status and page type) must leave it equal to ``rules.check_annotation`` of the whole
annotation, in the same order. The size threshold is lowered so small documents take the
local path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import annotator.session as session_module
from annotator.corpus import Corpus
from annotator.edits import EditError
from annotator.rules import check_annotation
from tests.conftest import add_text

TEXT = "Menu Home\nTitle of the story\nBy Jane Doe, Reuters\nSeoul met LG and KT.\nMore body text.\nFooter\n"
LABELS = ["article", "boilerplate", "title", "subtitle", "byline", "date", "PER", "ORG", "LOC", "MISC"]

offsets = st.integers(min_value=0, max_value=len(TEXT))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("mark"), st.sampled_from(LABELS), offsets, offsets),
        st.tuples(st.just("relabel"), st.integers(0, 30), st.sampled_from(LABELS)),
        st.tuples(st.just("edge"), st.integers(0, 30), st.sampled_from(["start", "end"]), st.sampled_from([-1, 1]), st.sampled_from(["char", "word", "block"])),
        st.tuples(st.just("attr"), st.integers(0, 30), st.sampled_from(["role", "kind", "value", "authors"]), st.sampled_from(["main", "related", "other", "caption", "2020-06-03", "not a date", None])),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
        st.tuples(st.just("status"), st.sampled_from(["todo", "in_progress", "skipped"])),
        st.tuples(st.just("page"), st.sampled_from(["article", "non-article", None])),
    ),
    min_size=1,
    max_size=25,
)


def _apply(session: session_module.DocumentSession, op: tuple[Any, ...]) -> None:
    kind = op[0]
    spans = session.spans
    pick = spans[op[1] % len(spans)].id if spans and kind in ("relabel", "edge", "attr", "delete") else None
    try:
        if kind == "mark":
            start, end = sorted(op[2:4])
            if end > start:
                session.mark(op[1], start, end)
        elif kind == "relabel" and pick:
            session.relabel(pick, op[2])
        elif kind == "edge" and pick:
            session.move_edge(pick, op[2], op[3], op[4])
        elif kind == "attr" and pick:
            value = [op[3]] if op[2] == "authors" and op[3] else op[3]
            session.set_attr(pick, op[2], value)
        elif kind == "delete" and pick:
            session.delete(pick)
        elif kind == "undo":
            session.undo()
        elif kind == "redo":
            session.redo()
        elif kind == "status":
            session.set_status(op[1])
        elif kind == "page":
            session.set_doc_label("page_type", op[1])
    except (EditError, ValueError):
        pass  # refused edits change nothing; the property still has to hold


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_local_recheck_equals_the_whole_check(
    ops: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "LOCAL_CHECK_FROM", 0)
    root: Path = tmp_path_factory.mktemp("c")
    corpus = Corpus.create(root / "corpus", name="t")
    add_text(corpus, "d", TEXT)
    session = session_module.DocumentSession.open(corpus, "alice", "d")
    assert session.problems() == []
    for op in ops:
        _apply(session, op)
        whole = check_annotation(session.annotation, session.text, session.scheme)
        assert session.problems() == whole, op
