"""What review mode knows about one document, without Qt (tested without a screen).

Review mode is the main window editing gold (annotator ``gold``, files in ``gold/``) with
the compared annotators' spans beside it. This module holds the parts that decide things:

* :func:`load_review`: the compared annotations of a document and their disagreements
  (:func:`annotator.adjudicate.compare`); a broken file is left out and named, never guessed at.
* :func:`gold_sides`: which annotators gold currently agrees with in one disagreement, so
  the list shows what is decided after every edit (undo included).
* :class:`GoldSession` / :func:`open_gold_session`: the gold editing session. With no gold
  file yet it starts from what everyone agrees on (:func:`annotator.adjudicate.start_gold`)
  and writes that start only at the first edit, so merely looking at a document writes
  nothing, and the journal of the first edit has a saved base to be replayed onto.
* :func:`step`: next / previous disagreement from the current one or the cursor.
* :func:`document_agreement`: the agreement figures of one document, by
  :func:`annotator.agreement.compute_agreement` itself (same numbers as the corpus's).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.adjudicate import Disagreement, compare, linked, nests, start_gold
from annotator.agreement import compute_agreement
from annotator.corpus import (
    AnnotationFileError,
    ConflictError,
    Corpus,
    CorpusError,
)
from annotator.edits import Change, Edit, EditError
from annotator.model import GOLD, SUGGESTIONS, Annotation, LabelScheme, Span
from annotator.session import DocumentSession

SpanSig = tuple[int, int, str, tuple[tuple[str, object], ...]]


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class DocumentReview:
    """The compared annotations of one document and where they disagree."""

    doc_id: str
    text: str
    #: The chosen annotators, in the order the keys 1..9 take them.
    annotators: tuple[str, ...]
    #: Those of them with a usable file for this document.
    annotations: dict[str, Annotation]
    disagreements: list[Disagreement]
    #: One message per file that could not be used (it names the file and the problem).
    problems: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Chosen annotators with no (usable) annotation of this document."""
        return [a for a in self.annotators if a not in self.annotations]

    def disputed_spans(self) -> dict[str, list[Span]]:
        """Each present annotator's spans that take part in a disagreement."""
        out: dict[str, list[Span]] = {a: [] for a in self.annotations}
        for d in self.disagreements:
            for name, spans in d.candidates.items():
                out.setdefault(name, []).extend(spans)
        return out


def _version(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from the next (an atomic write makes a new inode)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


#: The last comparison made, with the versions of the files it was made from.
_last_review: tuple[tuple[object, ...], DocumentReview] | None = None


def load_review(corpus: Corpus, doc_id: str, annotators: Sequence[str]) -> DocumentReview:
    """Load ``annotators``' files for ``doc_id`` (each checked) and compare them.

    Opening a document asks twice (the gold session starts from it, the list shows it):
    the second time gets the first's result while no file changed.
    """
    global _last_review
    files = [corpus.text_path(doc_id), *(corpus.annotation_path(a, doc_id) for a in annotators)]
    key = (str(corpus.root), doc_id, tuple(annotators), *(_version(f) for f in files))
    if _last_review is not None and _last_review[0] == key:
        return _last_review[1]
    review = compare_document(corpus, doc_id, annotators)
    _last_review = (key, review)
    return review


def compare_document(corpus: Corpus, doc_id: str, annotators: Sequence[str]) -> DocumentReview:
    """:func:`load_review` without its memory of the last call."""
    text = corpus.read_text(doc_id)
    annotations: dict[str, Annotation] = {}
    problems: list[str] = []
    for name in annotators:
        try:
            loaded = corpus.load_annotation(name, doc_id, text)
        except AnnotationFileError as exc:
            first = "; ".join(p.message for p in exc.problems[:3]) or exc.message
            problems.append(f"{name}'s file {exc.path} is left out: {first}")
            continue
        if loaded is not None:
            annotations[name] = loaded.annotation
    disagreements = compare(annotations, corpus.scheme) if len(annotations) >= 2 else []
    return DocumentReview(doc_id, text, tuple(annotators), annotations, disagreements, problems)


def reviewable_annotators(corpus: Corpus) -> list[str]:
    """The annotators one may compare: those with an annotation file (not the suggestions).

    A folder alone does not count: opening the app creates one with its lock.
    """
    return [
        a for a in corpus.annotators() if a not in (SUGGESTIONS, GOLD) and corpus.annotated_ids(a)
    ]


def check_annotators(corpus: Corpus, annotators: Sequence[str]) -> list[str]:
    """``annotators`` without repeats; ValueError saying why when they cannot be compared."""
    names = list(dict.fromkeys(annotators))
    known = reviewable_annotators(corpus)
    unknown = [n for n in names if n not in known]
    if unknown:
        found = ", ".join(known) or "none"
        raise ValueError(
            f"no annotations by {', '.join(unknown)} in {corpus.root} (annotators: {found})"
        )
    if len(names) < 2:
        raise ValueError("review needs two or more annotators")
    return names


# --------------------------------------------------------------------------- gold's side


def _attrs_id(attrs: Mapping[str, Any]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in attrs.items()))


def _sig(span: Span) -> SpanSig:
    return (span.start, span.end, span.label, _attrs_id(span.attrs))


def _layer(scheme: LabelScheme, label: str) -> str | None:
    layer = scheme.layer_of(label)
    return layer.name if layer else None


class GoldIndex:
    """Gold's spans per layer, sorted by start: the spans near a disagreement in O(log n).

    Built once per refresh, so that whose side gold takes in every disagreement costs about
    the disagreements' size, not disagreements x spans (800 x 17,000 on a long page).
    """

    def __init__(self, spans: Sequence[Span], scheme: LabelScheme) -> None:
        layer_of = {lb.name: layer.name for layer in scheme.layers for lb in layer.labels}
        grouped: dict[str | None, list[Span]] = {}
        self.by_key: dict[tuple[int, int, str], list[Span]] = {}
        for span in spans:
            grouped.setdefault(layer_of.get(span.label), []).append(span)
            self.by_key.setdefault((span.start, span.end, span.label), []).append(span)
        self._layers: dict[str | None, tuple[list[Span], list[int], int]] = {}
        for layer, items in grouped.items():
            items.sort(key=lambda s: (s.start, s.end))
            longest = max(s.end - s.start for s in items)
            self._layers[layer] = (items, [s.start for s in items], longest)

    def overlapping(self, layer: str | None, start: int, end: int) -> list[Span]:
        """Spans of ``layer`` sharing a character with ``[start, end)``, in text order."""
        found = self._layers.get(layer)
        if found is None:
            return []
        items, starts, longest = found
        # No span starting before start - longest can reach start.
        lo = bisect_left(starts, start - longest)
        hi = bisect_left(starts, end)
        return [s for s in items[lo:hi] if s.end > start]


def unit_gold_spans(
    d: Disagreement, gold: Sequence[Span], scheme: LabelScheme, index: GoldIndex | None = None
) -> list[Span]:
    """Gold's spans that belong to disagreement ``d`` (its layer, linked to a candidate)."""
    index = index or GoldIndex(gold, scheme)
    candidates = [s for spans in d.candidates.values() for s in spans]
    if d.kind == "attrs":
        keys = dict.fromkeys((s.start, s.end, s.label) for s in candidates)
        return [g for k in keys for g in index.by_key.get(k, [])]
    nesting = nests(scheme, d.layer)
    return [
        g
        for g in index.overlapping(d.layer, d.start, d.end)
        if any(linked(c, g, nesting) for c in candidates)
    ]


def gold_sides(
    d: Disagreement, gold: Annotation, scheme: LabelScheme, index: GoldIndex | None = None
) -> list[str]:
    """The annotators whose side of ``d`` gold says now (none: gold says something else)."""
    if d.kind == "doc_label":
        value = gold.doc_labels.get(d.name or "")
        return [a for a, v in d.values.items() if v == value]
    have = sorted(_sig(s) for s in unit_gold_spans(d, gold.spans, scheme, index))
    return [a for a, spans in d.candidates.items() if sorted(_sig(s) for s in spans) == have]


def all_gold_sides(
    disagreements: Sequence[Disagreement], gold: Annotation, scheme: LabelScheme
) -> list[list[str]]:
    """:func:`gold_sides` of every disagreement (one index for all)."""
    index = GoldIndex(gold.spans, scheme)
    return [gold_sides(d, gold, scheme, index) for d in disagreements]


def step(
    disagreements: Sequence[Disagreement], current: int | None, direction: int, pos: int = 0
) -> int | None:
    """Index of the next (``direction`` 1) or previous (-1) disagreement, cycling.

    With no current one: the first starting at or after ``pos`` (or the last before it).
    """
    n = len(disagreements)
    if n == 0:
        return None
    if current is not None and 0 <= current < n:
        return (current + direction) % n
    if direction > 0:
        return next((i for i, d in enumerate(disagreements) if d.start >= pos), 0)
    return next((i for i in range(n - 1, -1, -1) if disagreements[i].start < pos), n - 1)


def at_position(disagreements: Sequence[Disagreement], pos: int) -> int | None:
    """The innermost span disagreement holding ``pos`` (document labels never do)."""
    best: int | None = None
    for i, d in enumerate(disagreements):
        if d.kind == "doc_label" or not d.start <= pos < d.end:
            continue
        if best is None or d.end - d.start < disagreements[best].end - disagreements[best].start:
            best = i
    return best


# --------------------------------------------------------------------------- gold session


@dataclass
class GoldSession(DocumentSession):
    """The gold editing session; see :func:`open_gold_session`.

    ``pending_start`` is True while gold is the agreed start shown but not yet written: the
    first edit writes it first (atomically, through the normal save), so undo goes back to
    the start, and the journal of that edit has the start as its base.
    """

    pending_start: bool = False

    def run(self, edit: Edit) -> Change:
        if self.pending_start and not self.read_only:
            self.saved_version = -1  # force the write of the start as it is
            try:
                self.save()
            except ConflictError as exc:
                raise EditError(
                    f"{exc.path} was created by someone else meanwhile; reload (Ctrl+Shift+R) first"
                ) from exc
            except (CorpusError, OSError) as exc:
                raise EditError(f"could not start gold: {exc}") from exc
            self.pending_start = False
        return super().run(edit)


def open_gold_session(corpus: Corpus, doc_id: str, annotators: Sequence[str]) -> DocumentSession:
    """Gold of ``doc_id``: the file when there is one, else the agreed start (not yet written).

    Unsaved gold edits from a session that did not close are restored first, as for any
    annotator (:meth:`DocumentSession.open`).
    """
    session = DocumentSession.open(corpus, GOLD, doc_id)
    if session.read_only or session.mtime_ns is not None or session.path.exists():
        return session
    try:
        annotations = load_review(corpus, doc_id, annotators).annotations
    except CorpusError:
        return session
    if not annotations:
        return session
    start = start_gold(annotations)
    # "todo" until the first decision: the document list then shows gold not started.
    start.status = "todo"
    return GoldSession(
        corpus,
        GOLD,
        doc_id,
        session.text,
        start,
        None,
        [],
        session.recovery,
        session.journal_fsync,
        pending_start=True,
    )


def gold_session_factory(
    annotators: Callable[[], Sequence[str]],
) -> Callable[[Corpus, str, str], DocumentSession]:
    """A ``session_factory`` for the main window; ``annotators`` is read at each opening."""

    def open_session(corpus: Corpus, annotator: str, doc_id: str) -> DocumentSession:
        if annotator != GOLD:
            return DocumentSession.open(corpus, annotator, doc_id)
        return open_gold_session(corpus, doc_id, annotators())

    return open_session


# --------------------------------------------------------------------------- agreement


class _OneDocument(Corpus):
    """The corpus seen as holding one document: compute_agreement measures just that one."""

    def __init__(self, corpus: Corpus, doc_id: str) -> None:
        super().__init__(corpus.root, corpus.manifest, corpus.scheme)
        self._doc_id = doc_id

    def doc_ids(self) -> list[str]:
        return [self._doc_id] if self.text_path(self._doc_id).is_file() else []


def document_agreement(
    corpus: Corpus, doc_id: str, annotators: Sequence[str], include_unfinished: bool = True
) -> dict[str, Any]:
    """compute_agreement's result for ``doc_id`` alone.

    Unfinished annotations count by default here: a reviewer looking at one document wants
    its figures whatever the statuses (the result says when the document is left out).
    """
    return compute_agreement(_OneDocument(corpus, doc_id), annotators, include_unfinished)


def gold_path(corpus: Corpus, doc_id: str) -> Path:
    return corpus.annotation_path(GOLD, doc_id)
