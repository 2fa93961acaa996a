"""A gazetteer of the entity strings people have already labelled in the corpus.

Read from the annotations of every annotator except ``suggestions``, and from gold; each
surface string gets the label people gave it most often. Suggesting then marks every
occurrence of those strings in a document.

What people labelled in a document never comes back to that same document as a
suggestion: the suggestions of document X learn from gold and from *other* documents only
(:meth:`CorpusGazetteer.for_document`). Otherwise annotator A would be shown, as ghosts,
what annotator B marked on X: their work would no longer be independent and agreement
would be inflated.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.corpus import Corpus, CorpusError
from annotator.loading import check_annotation_file, read_document_text
from annotator.model import GOLD, SUGGESTIONS, Annotation, LabelScheme

_HANGUL = re.compile(r"[\uac00-\ud7af]")


def entity_labels(scheme: LabelScheme) -> frozenset[str]:
    """Labels of the scheme's ``entity`` layer (PER, ORG, LOC, MISC by default)."""
    layer = next((lay for lay in scheme.layers if lay.name == "entity"), None)
    return frozenset(lb.name for lb in layer.labels) if layer else frozenset()


@dataclass(frozen=True)
class Gazetteer:
    """Surface string -> label. Picklable, so worker processes get it once."""

    entries: dict[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", _compile(self.entries))

    def __getstate__(self) -> dict[str, str]:
        return self.entries

    def __setstate__(self, state: dict[str, str]) -> None:
        object.__setattr__(self, "entries", state)
        object.__setattr__(self, "_regex", _compile(state))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, label)`` of every occurrence, longest first, never overlapping.

        A Latin-script name must stand as a whole word; a Korean one may be followed by a
        particle ("LG전자가") but not preceded by another syllable.
        """
        regex: re.Pattern[str] | None = self._regex  # type: ignore[attr-defined]
        if regex is None:
            return []
        out = []
        for m in regex.finditer(text):
            surface = m.group("e")
            a, b = m.start("e"), m.end("e")
            last_is_word = surface[-1].isalnum() and not _HANGUL.match(surface[-1])
            if last_is_word and b < len(text) and (text[b].isalnum() and not _HANGUL.match(text[b])):
                continue
            out.append((a, b, self.entries[surface]))
        return out


def _compile(entries: dict[str, str]) -> re.Pattern[str] | None:
    if not entries:
        return None
    # Longest first so that "LG유플러스" wins over "LG"; the alternation takes the first match.
    alternatives = "|".join(re.escape(s) for s in sorted(entries, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?P<e>{alternatives})")


Votes = dict[str, Counter[str]]


def _votes(annotations: Iterable[tuple[Annotation, str]], labels: frozenset[str]) -> Votes:
    votes: Votes = defaultdict(Counter)
    for annotation, text in annotations:
        for span in annotation.spans:
            if span.label not in labels:
                continue
            surface = text[span.start : span.end].strip()
            if len(surface) >= 2 and not surface.isdigit():
                votes[surface][span.label] += 1
    return votes


def _from_votes(votes: Votes) -> Gazetteer:
    return Gazetteer({s: c.most_common(1)[0][0] for s, c in votes.items() if +c})


def build_gazetteer(annotations: Iterable[tuple[Annotation, str]], labels: frozenset[str]) -> Gazetteer:
    """From ``(annotation, document text)`` pairs: each entity string with its usual label."""
    return _from_votes(_votes(annotations, labels))


@dataclass
class CorpusGazetteer:
    """The corpus's gazetteer, and per document the one that leaves out people's work on it.

    ``votes`` counts every vote (gold and people); ``people[doc_id]`` the votes people (not
    gold) cast on that document. Picklable: worker processes get it once.
    """

    votes: Votes
    people: dict[str, Votes]

    def __post_init__(self) -> None:
        self._all = _from_votes(self.votes)

    def __len__(self) -> int:
        return len(self._all)

    @property
    def entries(self) -> dict[str, str]:
        """Every string with its usual label, over the whole corpus."""
        return self._all.entries

    def __getstate__(self) -> dict[str, object]:
        return {"votes": self.votes, "people": self.people}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.votes = state["votes"]  # type: ignore[assignment]
        self.people = state["people"]  # type: ignore[assignment]
        self.__post_init__()

    def for_document(self, doc_id: str) -> Gazetteer:
        """Learned from gold and from the other documents: nobody's marks on ``doc_id``."""
        own = self.people.get(doc_id)
        if not own:
            return self._all  # nobody annotated it: the whole corpus's (a shared regex)
        votes: Votes = {surface: Counter(c) for surface, c in self.votes.items()}
        for surface, counts in own.items():
            votes[surface].subtract(counts)
        return _from_votes(votes)


def corpus_gazetteer(corpus: Corpus) -> tuple[CorpusGazetteer, list[str]]:
    """The gazetteer of everything people (and gold) labelled in ``corpus``.

    Returns it with the problems met on the way: a file that is not usable (see
    :mod:`annotator.loading`, the check every reader makes) is skipped and named with why.
    """
    labels = entity_labels(corpus.scheme)
    problems: list[str] = []
    texts: dict[str, tuple[str, str]] = {}
    votes: Votes = defaultdict(Counter)
    people: dict[str, Votes] = {}

    for annotator in [*corpus.annotators(), GOLD]:
        if annotator == SUGGESTIONS:
            continue
        for doc_id in sorted(corpus.annotated_ids(annotator)):
            try:
                if doc_id not in texts:
                    texts[doc_id] = read_document_text(corpus, doc_id)
            except CorpusError as exc:
                problems.append(str(exc))
                continue
            text, sha = texts[doc_id]
            checked = check_annotation_file(corpus, annotator, doc_id, text, sha, work_in_progress=False)
            if not checked.usable or checked.annotation is None:
                problems.append(f"{checked.path}: {checked.summary()}")
                continue
            found = _votes([(checked.annotation, text)], labels)
            for surface, counts in found.items():
                votes[surface].update(counts)
            if annotator != GOLD:
                mine = people.setdefault(doc_id, defaultdict(Counter))
                for surface, counts in found.items():
                    mine[surface].update(counts)
    return CorpusGazetteer(dict(votes), {d: dict(v) for d, v in people.items()}), problems
