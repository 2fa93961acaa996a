"""Map an extractor's output (plain text) back to offsets of the document text.

Extractors such as trafilatura return the article as new text: their line breaks, their
spacing, some words dropped. The document text was made from the same HTML by another
converter, so the two share the words in the same order but not the lines. We compare
them on ``\\w+`` tokens: a document token is *covered* when one of the token n-grams
holding it is also an n-gram of the extracted text. A line is *matched* when most of its
tokens are covered; a run of uncovered tokens inside a matched line is reported too, so
that it can be cut out of the article (an inline "Advertisement", a merged caption).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import pairwise

from annotator.suggest.lines import Line, token_spans, tokens

NGRAM = 3


@dataclass(slots=True)
class LineMatch:
    """How much of one line the extracted text covers."""

    line: Line
    total: int = 0  # tokens in the line
    covered: int = 0
    gaps: list[tuple[int, int]] = field(default_factory=list)  # uncovered runs (doc offsets)

    @property
    def ratio(self) -> float:
        return self.covered / self.total if self.total else 0.0


def align_lines(
    text: str, lines: list[Line], extracted: str, *, ngram: int = NGRAM, min_gap_tokens: int = 4
) -> list[LineMatch]:
    """One :class:`LineMatch` per line of ``lines`` against ``extracted``.

    Lines shorter than ``ngram`` tokens are judged by the n-grams that run across them
    into their neighbours, so a heading between two kept paragraphs is kept and a
    "Share" between them is not.
    """
    ext = tokens(extracted)
    doc: list[tuple[int, int, str]] = []
    line_of: list[int] = []
    for line in lines:
        if line.blank:
            continue
        for tok in token_spans(text, line.start, line.end):
            doc.append(tok)
            line_of.append(line.index)
    n = len(doc)
    covered = _covered([t[2] for t in doc], ext, min(ngram, max(1, len(ext))))
    matches = {line.index: LineMatch(line) for line in lines}
    run_start: int | None = None
    for i in range(n + 1):
        same_line = i < n and run_start is not None and line_of[i] == line_of[run_start]
        if run_start is not None and (i == n or covered[i] or not same_line):
            _close_gap(matches[line_of[run_start]], doc, run_start, i, min_gap_tokens)
            run_start = None
        if i == n:
            break
        m = matches[line_of[i]]
        m.total += 1
        if covered[i]:
            m.covered += 1
        elif run_start is None:
            run_start = i
    return [matches[line.index] for line in lines]


def _covered(words: list[str], ext: list[str], width: int, max_repeats: int = 8) -> list[bool]:
    """Which document tokens the extracted tokens cover, in order and each at most once.

    Every n-gram the two share is a candidate pair (document position, extracted
    position); the longest chain of pairs increasing in both positions (a longest
    increasing subsequence, O(P log P)) is the alignment. A phrase the page repeats (a
    title in the header and again above the body, a duplicated teaser) is thereby matched
    once, where the order of the text puts it. n-grams found more than ``max_repeats``
    times in the extracted text are no evidence of where they belong and are skipped.
    """
    n = len(words)
    covered = [False] * n
    if not ext or n < width:
        return covered
    where: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(ext) - width + 1):
        where.setdefault(tuple(ext[j : j + width]), []).append(j)
    # Patience sorting over extracted positions, document positions in order; pairs of one
    # document position go in decreasing extracted order so that at most one is chained.
    tails: list[int] = []  # smallest extracted position ending a chain of each length
    tail_pair: list[int] = []  # index into pairs of that chain end
    pairs: list[tuple[int, int]] = []
    back: list[int] = []
    for i in range(n - width + 1):
        hits = where.get(tuple(words[i : i + width]))
        if not hits or len(hits) > max_repeats:
            continue
        for j in reversed(hits):
            k = bisect_left(tails, j)
            pairs.append((i, j))
            back.append(tail_pair[k - 1] if k else -1)
            if k == len(tails):
                tails.append(j)
                tail_pair.append(len(pairs) - 1)
            else:
                tails[k] = j
                tail_pair[k] = len(pairs) - 1
    at = tail_pair[-1] if tail_pair else -1
    chain: list[tuple[int, int]] = []
    while at >= 0:
        chain.append(pairs[at])
        at = back[at]
    chain.reverse()
    for i, _ in chain:
        for t in range(i, i + width):
            covered[t] = True
    # A stretch between two chained pairs that is as long on both sides is a substitution
    # (a token the two converters spelt differently): covered too.
    for (i1, j1), (i2, j2) in pairwise(chain):
        if i2 - i1 == j2 - j1 and i2 - i1 <= 3 * width:
            for t in range(i1, i2):
                covered[t] = True
    return covered


def _close_gap(
    match: LineMatch, doc: list[tuple[int, int, str]], first: int, stop: int, min_tokens: int
) -> None:
    if stop - first >= min_tokens:
        match.gaps.append((doc[first][0], doc[stop - 1][1]))
