"""The edits the app offers (mark, relabel, move an edge...), built for the editing session.

Split out of :mod:`annotator.session`: a :class:`~annotator.session.DocumentSession` owns one
:class:`EditCommands` and its methods of the same names delegate here. Each command works out
the :class:`~annotator.edits.Edit` to make and hands it to the session's ``run``, which
journals it and keeps a "done" document honest; so a subclass overriding ``run`` (the gold
session writes its start first) sees every edit made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.attribute_fill import (
    PageClock,
    article_email,
    context_attrs,
    fill_attrs,
    line_fit,
    page_clock,
)
from annotator.corpus import CorpusError
from annotator.edits import (
    AddSpan,
    Batch,
    Change,
    Edit,
    EditError,
    RemoveSpan,
    SetDocLabel,
    SetStatus,
    UpdateSpan,
    default_attrs,
    make_span,
    trim_whitespace,
)
from annotator.model import AttrValue, Span, Status
from annotator.rules import Problem
from annotator.session_suggestions import rule_breaks
from annotator.session_text import adjacent_line_bounds, line_range, next_span_id, word_step
from annotator.text_search import find_all, paragraph_step

if TYPE_CHECKING:  # the session owns the commands: only for the type hints
    from annotator.session import DocumentSession


@dataclass
class Occurrences:
    """What marking every occurrence of a text would do (planned, not yet run): the spans
    to add, how many places already hold the same span, and each place refused with the
    rules a span there would break."""

    spans: list[Span]
    already: int
    refused: list[tuple[Span, list[Problem]]]


class EditCommands:
    """The session's edit commands; see the methods of the same names on the session."""

    def __init__(self, session: DocumentSession) -> None:
        self._session = session

    def mark(
        self,
        label: str,
        start: int,
        end: int,
        *,
        trim: bool = True,
        attrs: dict[str, AttrValue] | None = None,
        join_lines: bool = False,
    ) -> tuple[Change, str] | None:
        """Mark ``[start, end)`` with ``label``; returns the change and the new span's id.

        Returns None when there is nothing to mark (empty or all white space) or the same
        span already exists. For a label whose spans may not overlap each other (article,
        boilerplate), spans of that label overlapping the new one are merged into it; with
        ``join_lines`` also those on the line just before or after (no blank line between),
        so marking a menu line by line keeps one block.
        """
        session = self._session
        scheme, text = session.scheme, session.text
        if scheme.label(label) is None:
            raise EditError(f"unknown label {label!r}")
        if trim:
            start, end = trim_whitespace(text, start, end)
            if not text[start:end].strip():
                return None
        if not 0 <= start < end <= len(text):
            return None
        index = session.index
        if index.has(label, start, end):
            return None
        # Attributes the merged spans had (the annotator's) win over those read from the text.
        carried: dict[str, AttrValue] = {}
        edits: list[Edit] = []
        # Lines join into blocks (a menu marked line by line) for labels that are blocks;
        # two subtitles on consecutive lines stay two.
        definition = scheme.label(label)
        joins = join_lines and definition is not None and definition.no_self_overlap
        lo, hi = adjacent_line_bounds(text, start, end) if joins else (start, end)
        # The index says whether anything overlaps; only then the (list-ordered) merge pass.
        if self._label_no_self_overlap(label) and index.overlapping(label, lo, hi):
            for other in session.spans:
                if other.label == label and other.start < hi and lo < other.end:
                    start, end = min(start, other.start), max(end, other.end)
                    carried.update(other.attrs)
                    edits.append(RemoveSpan(other.id))
        if attrs is None:
            # What the span's own text says (a byline's authors, a date's ISO value), in
            # the same undo step as the mark: confirmed or corrected, never retyped.
            filled = fill_attrs(scheme, label, text[start:end], self._page_clock)
            for name, value in self._email_in_article(label, start, end).items():
                filled.setdefault(name, value)
            # A boilerplate's kind, an article's role: from its words and its place.
            # Only articles (labels with a role) are looked at: not all 10,000 spans a page has.
            roles = [s for d in scheme.labels() if any(a.name == "role" for a in d.attrs) for s in index.of_label(d.name)]
            for name, value in context_attrs(scheme, label, text, start, end, roles).items():
                filled.setdefault(name, value)
            new_attrs = {**default_attrs(scheme, label), **filled, **carried}
        else:
            new_attrs = attrs
        span_id = next_span_id(len(session.spans), session.index.by_id)
        edits.append(AddSpan(make_span(text, start, end, label, span_id, new_attrs)))
        edit: Edit = edits[0] if len(edits) == 1 else Batch(edits, f"mark {label}")
        return session.run(edit), span_id

    def _email_in_article(self, label: str, start: int, end: int) -> dict[str, AttrValue]:
        """The reporter's address further down the byline's article (innermost), if any."""
        session = self._session
        definition = session.scheme.label(label)
        if definition is None or not any(a.type == "email" for a in definition.attrs):
            return {}
        around = [s for s in session.spans if s.label == "article" and s.start <= start and end <= s.end]
        if not around:
            return {}
        article = min(around, key=lambda s: s.end - s.start)
        # An address in the article's boilerplate (a photo caption's) is not the reporter's.
        skip = [
            (s.start, s.end)
            for s in session.spans
            if s.label == "boilerplate" and s.end > end and s.start < article.end
        ]
        return article_email(session.scheme, label, session.text, end, article.end, skip)

    def _page_clock(self) -> PageClock:
        """What this document's meta says about its time zone (read when a date needs it)."""
        try:
            meta = self._session.corpus.read_meta(self._session.doc_id)
        except (CorpusError, OSError, ValueError):
            meta = None  # no meta, or unreadable: the page says nothing, no zone is added
        return page_clock(meta)

    def mark_lines(self, label: str, start: int, end: int) -> tuple[Change, str] | None:
        """Mark the lines ``[start, end)`` touches (line mode: Shift+B, Shift+A)."""
        session = self._session
        a, b = line_range(session.text, start, end)
        # A byline or a date is the part of its line the parser reads, not the whole line.
        fit = line_fit(session.scheme, label, session.text, a, b)
        if fit is not None:
            return session.mark(label, *fit, trim=True)
        return session.mark(label, a, b, trim=True, join_lines=True)

    def plan_occurrences(
        self,
        label: str,
        needle: str,
        attrs: dict[str, AttrValue] | None = None,
        *,
        whole_words: bool = True,
        case_sensitive: bool = True,
    ) -> Occurrences:
        """Where :meth:`mark_occurrences` would mark ``needle`` as ``label``, without marking.

        The needle is found as :func:`annotator.text_search.find_all` finds it (any space
        separator matches any other; with ``whole_words``, not inside a longer word but
        followed by Korean particles). A place that already holds the same span is counted
        in ``already``; one where the span would break a structure rule (overlap in a
        no-overlap layer, outside the article it belongs in, crossing an edge) is refused,
        exactly as an accepted suggestion would be.
        """
        session = self._session
        if session.scheme.label(label) is None:
            raise EditError(f"unknown label {label!r}")
        index = session.index
        used = set(index.by_id)
        base_attrs = default_attrs(session.scheme, label) if attrs is None else attrs
        plan = Occurrences([], 0, [])
        found = find_all(
            session.text, needle.strip() or needle, whole_words=whole_words, case_sensitive=case_sensitive
        )
        for start, end in found:
            if index.has(label, start, end):
                plan.already += 1
                continue
            span_id = next_span_id(len(session.spans), used)
            span = make_span(session.text, start, end, label, span_id, dict(base_attrs))
            problems = rule_breaks(session, span, plan.spans)
            if problems:
                plan.refused.append((span, problems))
                continue
            used.add(span_id)
            plan.spans.append(span)
        return plan

    def mark_planned(self, plan: Occurrences) -> Change | None:
        """Add the spans of ``plan`` as one undoable edit (None: nothing to add)."""
        if not plan.spans:
            return None
        label = plan.spans[0].label
        return self._session.run(Batch([AddSpan(s) for s in plan.spans], f"mark {len(plan.spans)} × {label}"))

    def mark_occurrences(
        self,
        label: str,
        needle: str,
        attrs: dict[str, AttrValue] | None = None,
        *,
        whole_words: bool = True,
    ) -> Change | None:
        """Label every occurrence of ``needle`` not yet marked, as one undoable edit
        (see :meth:`plan_occurrences` for which occurrences)."""
        session = self._session
        return session.mark_planned(session.plan_occurrences(label, needle, attrs, whole_words=whole_words))

    def _label_no_self_overlap(self, label: str) -> bool:
        scheme = self._session.scheme
        definition = scheme.label(label)
        layer = scheme.layer_of(label)
        return bool(definition and definition.no_self_overlap) or bool(layer and layer.no_overlap)

    def delete(self, span_id: str) -> Change:
        return self._session.run(RemoveSpan(span_id))

    def relabel(self, span_id: str, label: str) -> Change | None:
        session = self._session
        span = session.span(span_id)
        if span is None or span.label == label:
            return None
        definition = session.scheme.label(label)
        if definition is None:
            raise EditError(f"unknown label {label!r}")
        # Keep the attributes the new label also has; take its defaults for the rest.
        names = {a.name for a in definition.attrs}
        attrs = {**default_attrs(session.scheme, label), **{k: v for k, v in span.attrs.items() if k in names}}
        return session.run(
            UpdateSpan(session.text, span_id, label=label, attrs=attrs, description=f"relabel as {label}")
        )

    def set_attr(self, span_id: str, name: str, value: AttrValue | None) -> Change | None:
        """Set (or with None / empty, remove) one attribute of a span."""
        session = self._session
        span = session.span(span_id)
        if span is None:
            raise EditError(f"no span {span_id!r}")
        attrs = dict(span.attrs)
        if value is None or value == "" or value == []:
            if name not in attrs:
                return None
            del attrs[name]
        else:
            if attrs.get(name) == value:
                return None
            attrs[name] = value
        # The same attribute of the same span set again right after (committed while it is
        # typed) is one undo step with the previous setting.
        return session.run(
            UpdateSpan(session.text, span_id, attrs=attrs, description=f"set {name}", merge_key=f"{span_id}/{name}")
        )

    def move_edge(self, span_id: str, edge: str, direction: int, unit: str = "char") -> Change | None:
        """Move a span's ``start`` or ``end`` by a character, a word or (``unit`` "block") a
        paragraph: to the next or previous paragraph edge (``direction`` ±1)."""
        session = self._session
        text = session.text
        span = session.span(span_id)
        if span is None:
            return None
        pos = span.start if edge == "start" else span.end
        if unit == "word":
            new = word_step(text, pos, direction)
        elif unit == "block":
            new = paragraph_step(text, pos, direction, edge)
        else:
            new = pos + direction
        new = max(0, min(len(text), new))
        start, end = (new, span.end) if edge == "start" else (span.start, new)
        if end <= start or new == pos:
            return None
        return session.run(UpdateSpan(text, span_id, start=start, end=end, description=f"move {edge}"))

    def set_doc_label(self, name: str, value: str | None) -> Change | None:
        session = self._session
        if session.annotation.doc_labels.get(name) == value:
            return None
        return session.run(SetDocLabel(name, value))

    def set_status(self, status: Status) -> tuple[Change | None, list[Problem]]:
        """Set the status; "done" only when :func:`rules.done_problems` finds none (else
        those problems, and nothing changes)."""
        session = self._session
        if status == "done":
            problems = session.done_problems()
            if problems:
                return None, problems
        if session.annotation.status == status:
            return None, []
        return session.run(SetStatus(status, f"set status {status}")), []
