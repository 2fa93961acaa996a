"""Text and span look-ups for the editing session, in pure Python (no Qt, no files).

Split out of :mod:`annotator.session`, which re-exports the public names: the line and word
edges an edit snaps to, text order of spans, and the :class:`SpanIndex` that answers the
per-edit look-ups without walking every span.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Container, Iterable

from annotator.edits import Change
from annotator.model import Span

# --------------------------------------------------------------------------- text helpers


def adjacent_line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened by one character into the line just before and just after
    when only a single line break (and spaces) separates them, so that a span ending on the
    previous line or starting on the next one counts as touching; a blank line does not."""
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    lo = i - 1 if i > 0 and text.count("\n", i, start) == 1 else start
    j = end
    while j < len(text) and text[j].isspace():
        j += 1
    hi = j + 1 if j < len(text) and text.count("\n", end, j) == 1 else end
    return lo, hi


def line_range(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines that ``[start, end)`` touches, without the final line break.

    A selection ending right at the start of a line (after a line break) does not take
    that line: selecting whole lines with Shift+Down ends there.
    """
    if end > start and text[end - 1 : end] == "\n":
        end -= 1
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", max(end, start))
    if line_end < 0:
        line_end = len(text)
    return line_start, line_end


def word_step(text: str, pos: int, direction: int) -> int:
    """The next word edge after ``pos`` (``direction`` +1) or before it (-1)."""
    n = len(text)
    if direction > 0:
        i = pos
        while i < n and text[i].isspace():
            i += 1
        if i < n and not _is_word(text[i]):
            return i + 1
        while i < n and _is_word(text[i]):
            i += 1
        return i
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i > 0 and not _is_word(text[i - 1]):
        return i - 1
    while i > 0 and _is_word(text[i - 1]):
        i -= 1
    return i


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def sorted_spans(spans: Iterable[Span]) -> list[Span]:
    """Spans in text order: by start, the outer one first."""
    return sorted(spans, key=lambda s: (s.start, -s.end, s.id))


# --------------------------------------------------------------------------- span index


class SpanIndex:
    """Spans by id and, per label, by position: what one edit needs to look up.

    Marking a word among 10,000 spans must not walk them all (the per-edit budget is one
    frame): the duplicate check, the merge of overlapping same-label spans, new ids and
    ``span(id)`` are answered here. The session keeps it in step with each :class:`Change`.
    """

    def __init__(self, spans: Iterable[Span]) -> None:
        self.by_id: dict[str, Span] = {}
        #: label -> sorted (start, end, id)
        self._by_label: dict[str, list[tuple[int, int, str]]] = {}
        #: label -> the longest span of that label ever indexed: bounds an overlap search
        #: (never shrinks on removal, which keeps it a valid bound).
        self._max_len: dict[str, int] = {}
        for span in spans:
            self.by_id[span.id] = span
            self._by_label.setdefault(span.label, []).append((span.start, span.end, span.id))
            self._max_len[span.label] = max(self._max_len.get(span.label, 0), span.end - span.start)
        for entries in self._by_label.values():
            entries.sort()

    def add(self, span: Span) -> None:
        self.by_id[span.id] = span
        insort(self._by_label.setdefault(span.label, []), (span.start, span.end, span.id))
        self._max_len[span.label] = max(self._max_len.get(span.label, 0), span.end - span.start)

    def remove(self, span_id: str) -> None:
        span = self.by_id.pop(span_id, None)
        if span is None:
            return
        entries = self._by_label[span.label]
        i = bisect_left(entries, (span.start, span.end, span.id))
        if i < len(entries) and entries[i][2] == span_id:
            del entries[i]

    def of_label(self, label: str) -> list[Span]:
        """The spans of ``label``, by position."""
        return [self.by_id[span_id] for _, _, span_id in self._by_label.get(label, ())]

    def has(self, label: str, start: int, end: int) -> bool:
        """A span of ``label`` on exactly ``[start, end)``."""
        entries = self._by_label.get(label, [])
        i = bisect_left(entries, (start, end))
        return i < len(entries) and entries[i][:2] == (start, end)

    def overlapping(self, label: str, start: int, end: int) -> list[str]:
        """Ids of the spans of ``label`` overlapping ``[start, end)``."""
        entries = self._by_label.get(label, [])
        # A span of length <= max_len overlapping [start, end) starts after start - max_len.
        lo = bisect_left(entries, (start - self._max_len.get(label, 0) + 1,))
        hi = bisect_left(entries, (end,))
        return [i for s, e, i in entries[lo:hi] if e > start]

    def collect_overlapping(
        self, labels: Iterable[str], ranges: Iterable[tuple[int, int]], into: dict[str, Span]
    ) -> None:
        """Put into ``into`` (by id, in the order found) the spans of ``labels`` overlapping
        any of ``ranges``: the only spans a rule broken by edits there can be about."""
        labels = list(labels)
        for start, end in ranges:
            for label in labels:
                for span_id in self.overlapping(label, start, end):
                    into[span_id] = self.by_id[span_id]

    def follow(self, change: Change, spans: list[Span]) -> None:
        """Take in ``change``, already applied to ``spans`` (the annotation's span list)."""
        for span_id in change.removed | change.modified:
            self.remove(span_id)
        wanted = set(change.added | change.modified)
        # AddSpan appends, so added spans are at the end: look there before a full pass.
        for span in reversed(spans[-len(wanted):] if wanted else []):
            if span.id in wanted:
                self.add(span)
                wanted.discard(span.id)
        if wanted:
            for span in spans:
                if span.id in wanted:
                    self.add(span)


def next_span_id(count: int, used: Container[str], also: Container[str] = ()) -> str:
    """The first free id ``sN`` from ``count + 1`` on (``count``: the spans there), in
    neither ``used`` nor ``also``: ids stay short and grow with the document."""
    n = count + 1
    while f"s{n}" in used or f"s{n}" in also:
        n += 1
    return f"s{n}"
