"""Adjudication: compare N annotations of one document and turn them into gold.

The review mode of the app is built on these functions; everything here is Qt-free.

* :func:`compare` lists the disagreements in text order (document labels first). A
  disagreement is a *unit*: the spans of one layer that the annotators do not all share,
  grouped when they overlap, with each annotator's candidate spans.
* :func:`start_gold` starts gold from what every annotator agrees on.
* :func:`accept_side` and :func:`accept_all` return :mod:`annotator.edits` commands
  (a :class:`~annotator.edits.Batch`), so taking a side is undone and redone like any edit.
* :func:`save_gold` checks gold against the scheme and writes ``gold/DOC_ID.json``
  atomically through :meth:`Corpus.save_annotation`.

Kinds of disagreement:

``missing``
    one span (same start, end and label) that some annotators marked and others did not;
``label``
    the same stretch of text with different labels;
``extent``
    overlapping spans with different edges (a split, a longer or shorter span...);
``attrs``
    a span all annotators marked alike but with different attributes;
``doc_label``
    a document label with different values (no value counts as a value here).

Which spans group together: spans of the same layer that share a character, except that
in a layer whose spans may nest (structure: boilerplate inside an article) a span of one
label lying inside a span of another label is the scheme's nesting, not a disagreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from annotator.corpus import Corpus, CorpusError
from annotator.edits import AddSpan, Batch, Edit, RemoveSpan, SetDocLabel, UpdateSpan, make_span
from annotator.model import GOLD, Annotation, AttrValue, LabelScheme, Span
from annotator.rules import Problem, check_annotation

Kind = Literal["missing", "label", "extent", "attrs", "doc_label"]
SpanKey = tuple[int, int, str]


def key(span: Span) -> SpanKey:
    return (span.start, span.end, span.label)


@dataclass(frozen=True)
class Disagreement:
    """One unit to adjudicate. ``candidates[annotator]`` is empty when they marked nothing."""

    id: str
    kind: Kind
    start: int
    end: int
    layer: str | None
    candidates: dict[str, tuple[Span, ...]] = field(default_factory=dict)
    name: str | None = None  # the document label, for kind "doc_label"
    values: dict[str, str | None] = field(default_factory=dict)

    def describe(self) -> str:
        if self.kind == "doc_label":
            shown = ", ".join(f"{a}: {v or '(none)'}" for a, v in self.values.items())
            return f"document label {self.name}: {shown}"
        parts = []
        for annotator, spans in self.candidates.items():
            marks = " + ".join(f"{s.label} [{s.start}, {s.end})" for s in spans) or "nothing"
            parts.append(f"{annotator}: {marks}")
        return f"{self.kind} at [{self.start}, {self.end}): " + "; ".join(parts)


class GoldError(CorpusError):
    """Gold that breaks the scheme's rules; it is not written."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.problems = problems
        summary = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(path, f"gold is not valid, not written: {summary}{more}")


# --------------------------------------------------------------------------- comparing


def _agreed_counts(annotations: Mapping[str, Annotation]) -> Counter[SpanKey]:
    counters = [Counter(key(s) for s in a.spans) for a in annotations.values()]
    agreed = counters[0]
    for other in counters[1:]:
        agreed = agreed & other
    return agreed


def _split(annotation: Annotation, agreed: Counter[SpanKey]) -> tuple[list[Span], list[Span]]:
    """``annotation``'s spans that everyone shares, and the rest (in text order)."""
    left = Counter(agreed)
    shared, disputed = [], []
    for span in sorted(annotation.spans, key=lambda s: (s.start, -s.end, s.label, s.id)):
        if left[key(span)] > 0:
            left[key(span)] -= 1
            shared.append(span)
        else:
            disputed.append(span)
    return shared, disputed


def nests(scheme: LabelScheme, layer: str | None) -> bool:
    """Whether spans of ``layer`` may sit inside each other (structure: a caption in an article)."""
    found = next((lay for lay in scheme.layers if lay.name == layer), None)
    return found is None or not found.no_overlap


def linked(s: Span, t: Span, nesting: bool) -> bool:
    """The grouping rule of :func:`compare`: spans of one layer sharing a character belong to
    one unit, except a span of another label wholly inside (or around) it where the layer
    nests (a caption's boilerplate inside an article is not about the article)."""
    if s.start >= t.end or t.start >= s.end:
        return False
    if s.label == t.label or not nesting:
        return True
    inside = t.start <= s.start and s.end <= t.end
    around = s.start <= t.start and t.end <= s.end
    same = s.start == t.start and s.end == t.end
    return same or not (inside or around)


def compare(annotations: Mapping[str, Annotation], scheme: LabelScheme) -> list[Disagreement]:
    """Every disagreement between ``annotations`` (annotator -> annotation of one document)."""
    if len(annotations) < 2:
        return []
    names = list(annotations)
    agreed = _agreed_counts(annotations)
    units: list[tuple[tuple[int, int, int, int], Disagreement]] = []

    # Document labels.
    doc_names: list[str] = [d.name for d in scheme.doc_labels]
    for a in annotations.values():
        doc_names += [n for n in a.doc_labels if n not in doc_names]
    for name in doc_names:
        values = {n: annotations[n].doc_labels.get(name) for n in names}
        if len(set(values.values())) > 1:
            units.append(((-1, 0, 0, 0), Disagreement("", "doc_label", 0, 0, None, name=name,
                                                      values=values)))

    layer_order = {layer.name: i for i, layer in enumerate(scheme.layers)}
    shared: dict[str, list[Span]] = {}
    disputed: list[tuple[str, Span]] = []
    for n in names:
        shared[n], rest = _split(annotations[n], agreed)
        disputed += [(n, s) for s in rest]

    # Attributes of the spans everyone marked alike.
    by_key: dict[SpanKey, dict[str, list[Span]]] = {}
    for n in names:
        for s in shared[n]:
            by_key.setdefault(key(s), {}).setdefault(n, []).append(s)
    for k, per in by_key.items():
        for i in range(len(per[names[0]])):
            versions = {n: per[n][i] for n in names}
            if len({_attrs_id(s.attrs) for s in versions.values()}) > 1:
                layer = _layer_name(scheme, k[2])
                units.append((
                    (k[0], k[1], layer_order.get(layer or "", 99), 1),
                    Disagreement("", "attrs", k[0], k[1], layer,
                                 {n: (s,) for n, s in versions.items()}),
                ))

    # Spans not everyone shares, grouped per layer by overlap.
    by_layer: dict[str | None, list[tuple[str, Span]]] = {}
    for n, s in disputed:
        by_layer.setdefault(_layer_name(scheme, s.label), []).append((n, s))
    for layer, items in by_layer.items():
        nesting = nests(scheme, layer)
        for group in _components(items, nesting):
            cands = {n: tuple(s for m, s in group if m == n) for n in names}
            keys = {key(s) for _, s in group}
            extents = {(k[0], k[1]) for k in keys}
            kind: Kind = "missing" if len(keys) == 1 else "label" if len(extents) == 1 else "extent"
            start = min(s.start for _, s in group)
            end = max(s.end for _, s in group)
            units.append(((start, end, layer_order.get(layer or "", 99), 0),
                          Disagreement("", kind, start, end, layer, cands)))

    units.sort(key=lambda u: u[0])
    return [
        Disagreement(f"d{i}", d.kind, d.start, d.end, d.layer, d.candidates, d.name, d.values)
        for i, (_, d) in enumerate(units, 1)
    ]


def _layer_name(scheme: LabelScheme, label: str) -> str | None:
    layer = scheme.layer_of(label)
    return layer.name if layer else None


def _attrs_id(attrs: Mapping[str, AttrValue]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in attrs.items()))


def _components(items: list[tuple[str, Span]], nesting: bool) -> list[list[tuple[str, Span]]]:
    """Groups of linked spans (see module doc), each in text order."""
    items = sorted(items, key=lambda x: (x[1].start, -x[1].end, x[1].label, x[0]))
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    active: list[int] = []  # spans that may still overlap what comes next
    for i, (_, s) in enumerate(items):
        active = [j for j in active if items[j][1].end > s.start]
        for j in active:
            if linked(items[j][1], s, nesting):
                parent[find(i)] = find(j)
        active.append(i)
    groups: dict[int, list[tuple[str, Span]]] = {}
    for i, item in enumerate(items):
        groups.setdefault(find(i), []).append(item)
    return list(groups.values())


# --------------------------------------------------------------------------- gold


def agreed_spans(annotations: Mapping[str, Annotation]) -> list[Span]:
    """The spans every annotator marked (same start, end and label), from the first one."""
    first = next(iter(annotations.values()))
    return _split(first, _agreed_counts(annotations))[0]


def start_gold(annotations: Mapping[str, Annotation]) -> Annotation:
    """Gold holding what all annotators agree on: shared spans, shared document labels.

    A shared span whose attributes differ takes the first annotator's attributes; the
    difference stays listed by :func:`compare` (kind ``attrs``) for the reviewer.
    """
    if not annotations:
        raise ValueError("no annotations to start gold from")
    items = list(annotations.values())
    doc_ids = {a.doc_id for a in items}
    hashes = {a.text_sha256 for a in items}
    if len(doc_ids) > 1 or len(hashes) > 1:
        raise ValueError("the annotations are not of the same document text")
    spans = [
        s.model_copy(update={"id": f"s{i}", "attrs": dict(s.attrs)})
        for i, s in enumerate(agreed_spans(annotations), 1)
    ]
    names = {n for a in items for n in a.doc_labels}
    doc_labels = {}
    for name in sorted(names):
        values = {a.doc_labels.get(name) for a in items}
        if len(values) == 1 and None not in values:
            doc_labels[name] = values.pop()
    return Annotation(
        doc_id=items[0].doc_id, text_sha256=items[0].text_sha256, annotator=GOLD,
        status="in_progress", doc_labels=doc_labels, spans=spans,
    )


class _Ids:
    """Fresh span ids that collide neither with gold's nor with each other."""

    def __init__(self, used: Iterable[str]) -> None:
        self.used = set(used)
        self.n = len(self.used)

    def __call__(self) -> str:
        self.n += 1
        while f"s{self.n}" in self.used:
            self.n += 1
        self.used.add(f"s{self.n}")
        return f"s{self.n}"


def _side_edits(
    gold: Annotation, d: Disagreement, annotator: str, text: str, ids: _Ids, taken: set[str]
) -> list[Edit]:
    if annotator not in d.candidates and annotator not in d.values:
        raise ValueError(f"{annotator!r} is not one of the annotators of {d.id}")
    if d.kind == "doc_label":
        assert d.name is not None
        return [SetDocLabel(d.name, d.values.get(annotator), f"take {annotator}'s {d.name}")]
    chosen = list(d.candidates[annotator])
    unit_keys = {key(s) for spans in d.candidates.values() for s in spans}
    want = Counter(key(s) for s in chosen)
    edits: list[Edit] = []
    for g in gold.spans:
        if g.id in taken or key(g) not in unit_keys:
            continue
        if want[key(g)] > 0:
            want[key(g)] -= 1
            taken.add(g.id)
            source = next(s for s in chosen if key(s) == key(g))
            if _attrs_id(g.attrs) != _attrs_id(source.attrs):
                edits.append(UpdateSpan(text, g.id, attrs=dict(source.attrs),
                                        description=f"take {annotator}'s attributes"))
        else:
            taken.add(g.id)
            edits.append(RemoveSpan(g.id, f"drop {g.label} not marked by {annotator}"))
    for s in chosen:
        if want[key(s)] > 0:
            want[key(s)] -= 1
            span = make_span(text, s.start, s.end, s.label, ids(), dict(s.attrs))
            edits.append(AddSpan(span, f"take {annotator}'s {s.label}"))
    return edits


def accept_side(gold: Annotation, disagreement: Disagreement, annotator: str, text: str) -> Batch:
    """The edits that make gold say what ``annotator`` says in ``disagreement``.

    Gold spans equal (start, end, label) to any candidate of the unit are replaced by
    ``annotator``'s candidates (none when they marked nothing). Build the batch against the
    current gold and run it at once (through History.run) so its new ids stay free.
    """
    edits = _side_edits(gold, disagreement, annotator, text, _Ids(s.id for s in gold.spans), set())
    return Batch(edits, f"accept {annotator} for {disagreement.id}")


def accept_all(
    gold: Annotation,
    annotations: Mapping[str, Annotation],
    annotator: str,
    text: str,
    scheme: LabelScheme,
    disagreements: Sequence[Disagreement] | None = None,
) -> Batch:
    """One batch taking ``annotator``'s side in every disagreement (one undo step)."""
    if annotator not in annotations:
        raise ValueError(f"{annotator!r} is not one of the compared annotators")
    units = compare(annotations, scheme) if disagreements is None else disagreements
    ids = _Ids(s.id for s in gold.spans)
    taken: set[str] = set()
    edits: list[Edit] = []
    for d in units:
        edits += _side_edits(gold, d, annotator, text, ids, taken)
    return Batch(edits, f"accept all of {annotator}")


# --------------------------------------------------------------------------- files


def load_annotations(
    corpus: Corpus, doc_id: str, annotators: Sequence[str]
) -> dict[str, Annotation]:
    """The annotations of ``doc_id`` by ``annotators`` that exist (checked, see Corpus)."""
    text = corpus.read_text(doc_id)
    out: dict[str, Annotation] = {}
    for name in annotators:
        loaded = corpus.load_annotation(name, doc_id, text)
        if loaded is not None:
            out[name] = loaded.annotation
    return out


def save_gold(
    corpus: Corpus, gold: Annotation, *, expected_mtime_ns: int | None = None
) -> int:
    """Check ``gold`` against its text and the scheme, then write it atomically.

    Raises :class:`GoldError` (nothing written) when a rule is broken, and
    :class:`~annotator.corpus.ConflictError` when the file changed on disk since
    ``expected_mtime_ns``. Returns the new file's mtime.
    """
    path = str(corpus.annotation_path(GOLD, gold.doc_id))
    if gold.annotator != GOLD:
        raise GoldError(path, [Problem("not-gold", f"annotator is {gold.annotator!r}, not 'gold'")])
    problems = check_annotation(gold, corpus.read_text(gold.doc_id), corpus.scheme)
    if problems:
        raise GoldError(path, problems)
    return corpus.save_annotation(gold, expected_mtime_ns=expected_mtime_ns, annotator=GOLD)
