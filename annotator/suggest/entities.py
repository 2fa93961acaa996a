"""A gazetteer of the entity strings people have already labelled in the corpus.

Read from the annotations of every annotator except ``suggestions``, and from gold; each
surface string gets the label people gave it most often. Suggesting then marks every
occurrence of those strings in a document.
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


def build_gazetteer(annotations: Iterable[tuple[Annotation, str]], labels: frozenset[str]) -> Gazetteer:
    """From ``(annotation, document text)`` pairs: each entity string with its usual label."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for annotation, text in annotations:
        for span in annotation.spans:
            if span.label not in labels:
                continue
            surface = text[span.start : span.end].strip()
            if len(surface) >= 2 and not surface.isdigit():
                votes[surface][span.label] += 1
    return Gazetteer({s: c.most_common(1)[0][0] for s, c in votes.items()})


def corpus_gazetteer(corpus: Corpus) -> tuple[Gazetteer, list[str]]:
    """The gazetteer of everything people (and gold) labelled in ``corpus``.

    Returns it with the problems met on the way: a file that is not usable (see
    :mod:`annotator.loading`, the check every reader makes) is skipped and named with why.
    """
    labels = entity_labels(corpus.scheme)
    problems: list[str] = []
    texts: dict[str, tuple[str, str]] = {}

    def pairs() -> Iterable[tuple[Annotation, str]]:
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
                checked = check_annotation_file(
                    corpus, annotator, doc_id, text, sha, work_in_progress=False
                )
                if not checked.usable or checked.annotation is None:
                    problems.append(f"{checked.path}: {checked.summary()}")
                    continue
                yield checked.annotation, text

    return build_gazetteer(pairs(), labels), problems
