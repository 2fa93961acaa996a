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
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, pairwise

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


#: A document's tokens, once: ``(start, end, casefolded token)`` each, and the index of
#: the line holding each (see :func:`document_tokens`).
DocTokens = tuple[list[tuple[int, int, str]], list[int]]


def document_tokens(text: str, lines: list[Line]) -> DocTokens:
    """The ``\\w+`` tokens of ``text``'s non-blank ``lines`` and the line of each.

    One scan of the whole text: a token never runs across a line break, nor into the blanks
    a line is trimmed of, so each lies inside the content of the line it starts in. A caller
    aligning two extractors' texts to one document tokenizes it once.
    """
    doc: list[tuple[int, int, str]] = []
    line_of: list[int] = []
    content = [line for line in lines if not line.blank]
    if not content:
        return doc, line_of
    # Lines in order: each token goes to the last line starting at or before it, and is
    # kept if it lies inside that line's content (always so when ``lines`` are all the
    # lines of ``text``).
    k = 0
    last = len(content) - 1
    line = content[0]
    for token in token_spans(text, line.start, content[-1].end):
        start = token[0]
        while k < last and content[k + 1].start <= start:
            k += 1
            line = content[k]
        if start >= line.start and token[1] <= line.end:
            doc.append(token)
            line_of.append(line.index)
    return doc, line_of


def align_lines(
    text: str,
    lines: list[Line],
    extracted: str,
    *,
    ngram: int = NGRAM,
    min_gap_tokens: int = 4,
    doc_tokens: DocTokens | None = None,
) -> list[LineMatch]:
    """One :class:`LineMatch` per line of ``lines`` (all the lines of ``text``, in order)
    against ``extracted``. ``doc_tokens``: :func:`document_tokens` of the two, when the
    caller already has them.

    Lines shorter than ``ngram`` tokens are judged by the n-grams that run across them
    into their neighbours, so a heading between two kept paragraphs is kept and a
    "Share" between them is not.
    """
    doc, line_of = document_tokens(text, lines) if doc_tokens is None else doc_tokens
    covered = _covered_tokens(doc, extracted, ngram)
    n = len(doc)
    matches = {line.index: LineMatch(line) for line in lines}
    # Totals and covered counts per line in C; the Python loop below only visits the runs
    # of uncovered tokens (the gaps), which are few inside an article.
    for index, total in Counter(line_of).items():
        matches[index].total = total
    for index, count in Counter(compress(line_of, covered)).items():
        matches[index].covered = count
    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        run_start = i
        line = line_of[i]
        i += 1
        while i < n and not covered[i] and line_of[i] == line:
            i += 1
        _close_gap(matches[line], doc, run_start, i, min_gap_tokens)
    return [matches[line.index] for line in lines]


def line_ratios(
    text: str, lines: list[Line], extracted: str, *, ngram: int = NGRAM, doc_tokens: DocTokens | None = None
) -> list[float]:
    """Per line of ``lines``: :attr:`LineMatch.ratio` of :func:`align_lines`, without the
    matches and their gaps (the trained model's features read the share alone)."""
    doc, line_of = document_tokens(text, lines) if doc_tokens is None else doc_tokens
    covered = _covered_tokens(doc, extracted, ngram)
    totals = Counter(line_of)
    counts = Counter(compress(line_of, covered))
    return [counts[line.index] / total if (total := totals[line.index]) else 0.0 for line in lines]


def _covered_tokens(doc: list[tuple[int, int, str]], extracted: str, ngram: int) -> list[bool]:
    ext = tokens(extracted)
    return _covered([t[2] for t in doc], ext, min(ngram, max(1, len(ext))))


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
    # The n-grams as tuples made in C (zip of shifted lists, which stops with the shortest:
    # the last full n-gram), not one slice each.
    for j, gram in enumerate(zip(*(ext[k:] for k in range(width)), strict=False)):
        found = where.get(gram)
        if found is None:
            where[gram] = [j]
        else:
            found.append(j)
    # Patience sorting over extracted positions, document positions in order; pairs of one
    # document position go in decreasing extracted order so that at most one is chained.
    tails: list[int] = []  # smallest extracted position ending a chain of each length
    tail_pair: list[int] = []  # index into pairs of that chain end
    pairs: list[tuple[int, int]] = []
    back: list[int] = []
    # Each document n-gram looked up in C; the loop visits only those the extraction holds.
    found_at = list(map(where.get, zip(*(words[k:] for k in range(width)), strict=False)))
    for i in compress(range(len(found_at)), found_at):
        hits = found_at[i]
        if len(hits) > max_repeats:
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
        covered[i : i + width] = _TRUE * width
    # A stretch between two chained pairs that is as long on both sides is a substitution
    # (a token the two converters spelt differently): covered too.
    for (i1, j1), (i2, j2) in pairwise(chain):
        if i2 - i1 == j2 - j1 and i2 - i1 <= 3 * width:
            covered[i1:i2] = _TRUE * (i2 - i1)
    return covered


_TRUE = [True]


def _close_gap(
    match: LineMatch, doc: list[tuple[int, int, str]], first: int, stop: int, min_tokens: int
) -> None:
    if stop - first >= min_tokens:
        match.gaps.append((doc[first][0], doc[stop - 1][1]))
