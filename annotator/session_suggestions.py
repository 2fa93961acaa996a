"""Suggestions in the editing session: shown as ghosts, accepted into the annotation, rejected.

Split out of :mod:`annotator.session`: a :class:`~annotator.session.DocumentSession` owns one
:class:`SuggestionLayer` and delegates to it. The suggestions themselves
(``annotations/suggestions/DOC_ID.json``, from ``annotator suggest``) and the ids rejected
stay on the session (:attr:`DocumentSession.suggestions`, :attr:`DocumentSession.rejected`),
where the window reads them; the layer holds the logic and a cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.corpus import AnnotationFileError
from annotator.edits import AddSpan, Batch, Change, Edit, default_attrs, make_span
from annotator.model import SUGGESTIONS, Annotation, Span
from annotator.rules import Problem, check_annotation
from annotator.session_text import next_span_id, sorted_spans

if TYPE_CHECKING:  # the session owns the layer: only for the type hints
    from annotator.session import DocumentSession


@dataclass
class Accepted:
    """What accepting suggestions did: the edit (None when every one was refused), the new
    spans' ids, and each refused suggestion with the rules it would have broken."""

    change: Change | None
    new_ids: list[str]
    refused: list[tuple[Span, list[Problem]]]

    def refused_text(self) -> str:
        """The refused ones in a sentence for the status bar ("" when none)."""
        if not self.refused:
            return ""
        first, problems = self.refused[0]
        excerpt = " ".join(first.text.split())[:30]
        more = f" (and {len(self.refused) - 1} more)" if len(self.refused) > 1 else ""
        return (
            f"not accepted: {len(self.refused)} suggestion{'s' * (len(self.refused) != 1)} "
            f"that would break a rule — {first.label} {excerpt!r}: {problems[0].message}{more}"
        )


def rule_breaks(session: DocumentSession, span: Span, pending: list[Span]) -> list[Problem]:
    """The structure rules (overlap, nesting, edges) ``span`` would break, added to the
    session's annotation with ``pending``. Every such rule is about spans overlapping it, so
    only those are checked: a few, whatever the document's size.

    Shared by accepting suggestions and marking every occurrence of a text
    (:meth:`DocumentSession.plan_occurrences`), which refuse the same places.
    """
    near: dict[str, Span] = {}
    index = session.index
    for label in session.scheme.labels():
        for other_id in index.overlapping(label.name, span.start, span.end):
            near[other_id] = index.by_id[other_id]
    for other in pending:
        if other.start < span.end and span.start < other.end:
            near[other.id] = other
    annotation = session.annotation
    without = annotation.model_copy(update={"spans": list(near.values()), "doc_labels": {}})
    with_it = annotation.model_copy(update={"spans": [*near.values(), span], "doc_labels": {}})
    structure = {"overlap", "not-inside", "crosses-edge"}

    def breaks(annotation: Annotation) -> list[Problem]:
        found = check_annotation(annotation, session.text, session.scheme, session.text_sha256)
        return [p for p in found if p.code in structure]

    before = {(p.code, p.span_id) for p in breaks(without)}
    return [p for p in breaks(with_it) if (p.code, p.span_id) not in before]


class SuggestionLayer:
    """The session's suggestions: which are pending, accepting and rejecting them."""

    def __init__(self, session: DocumentSession) -> None:
        self._session = session
        #: The suggestions in text order, and the list (and its length) they were sorted
        #: from: pending() is asked after every edit, the sort is done once.
        self._sorted: tuple[list[Span], int, list[Span]] | None = None

    def load(self) -> list[Problem]:
        """Read this document's suggestions; the problems when that file does not load."""
        session = self._session
        session.suggestions = []
        try:
            loaded = session.corpus.load_annotation(SUGGESTIONS, session.doc_id, session.text)
        except AnnotationFileError as exc:
            return exc.problems
        if loaded is not None:
            session.suggestions = list(loaded.annotation.spans)
        return []

    def pending(self) -> list[Span]:
        """Suggestions neither rejected nor already in the annotation (same label and place).

        An accepted suggestion that is undone is pending again.
        """
        # Asked after every edit (the ghosts follow the spans): the span index answers
        # "marked already?" per suggestion, and the suggestions are sorted once.
        suggestions = self._session.suggestions
        cached = self._sorted
        if cached is None or cached[0] is not suggestions or cached[1] != len(suggestions):
            cached = self._sorted = (suggestions, len(suggestions), sorted_spans(suggestions))
        index, rejected = self._session.index, self._session.rejected
        return [s for s in cached[2] if s.id not in rejected and not index.has(s.label, s.start, s.end)]

    def accept(self, ids: Iterable[str]) -> Accepted | None:
        """Copy these suggestions into the annotation as one undoable edit (new span ids).

        Each goes through the rules a finished annotation must pass, against the spans
        there and the suggestions accepted before it (structure labels first, so that an
        accepted article can hold accepted titles): one that would overlap a span of a
        no-overlap layer, lie outside the article it belongs in, cross an article's edge...
        is not added; :attr:`Accepted.refused` says which and why. None: none chosen.
        """
        session = self._session
        scheme = session.scheme
        wanted = set(ids)
        index = session.index
        # The pending ones among those wanted (as pending() says), without asking about
        # every suggestion of the document: accepting one of 1,000 stays cheap.
        chosen = [
            s for s in session.suggestions
            if s.id in wanted and s.id not in session.rejected and not index.has(s.label, s.start, s.end)
        ]
        if not chosen:
            return None
        order = {label.name: i for i, label in enumerate(scheme.labels())}
        chosen.sort(key=lambda s: (order.get(s.label, len(order)), s.start, -s.end, s.id))
        used: set[str] = set()  # ids given in this batch, besides those of the spans there
        taken: list[Span] = []
        edits: list[Edit] = []
        refused: list[tuple[Span, list[Problem]]] = []
        for suggestion in chosen:
            if scheme.label(suggestion.label) is None:
                refused.append((suggestion, [Problem("unknown-label", f"unknown label {suggestion.label!r}")]))
                continue
            span_id = next_span_id(len(session.spans), index.by_id, used)
            attrs = {**default_attrs(scheme, suggestion.label), **suggestion.attrs}
            span = make_span(session.text, suggestion.start, suggestion.end, suggestion.label, span_id, attrs)
            problems = rule_breaks(session, span, taken)
            if problems:
                refused.append((suggestion, problems))
                continue
            used.add(span_id)
            taken.append(span)
            edits.append(AddSpan(span))
        if not edits:
            return Accepted(None, [], refused)
        n = len(edits)
        description = f"accept {n} suggestion{'s' * (n != 1)}"
        # Through the session's run(): it journals the edit and keeps "done" honest.
        return Accepted(session.run(Batch(edits, description)), [s.id for s in taken], refused)

    def reject(self, ids: Iterable[str]) -> int:
        """Hide these suggestions for this session; how many were hidden."""
        rejected = self._session.rejected
        before = len(rejected)
        pending = {s.id for s in self._session.pending_suggestions()}
        rejected.update(i for i in ids if i in pending)
        return len(rejected) - before
