"""The alignment of an extractor's text to the document's lines, against its reference.

:func:`annotator.suggest.align.align_lines` tokenizes the document in one scan (and, for
the trained model's features, once for both extractors) and counts per line in C; the
reference below is the line-by-line version it replaced, kept here verbatim. Both must give
every line the same token count, covered count and gaps, on random pages (Korean, Latin,
digits, punctuation, blank and indented lines) and extracts (lines kept, dropped, reworded,
repeated), and on the seed page.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_left
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest.align import LineMatch, align_lines, document_tokens
from annotator.suggest.lines import Line, split_lines, token_spans, tokens
from tests.conftest import SEED_PATH


def reference_align_lines(
    text: str, lines: list[Line], extracted: str, *, ngram: int = 3, min_gap_tokens: int = 4
) -> list[LineMatch]:
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
    covered = reference_covered([t[2] for t in doc], ext, min(ngram, max(1, len(ext))))
    matches = {line.index: LineMatch(line) for line in lines}
    run_start: int | None = None
    for i in range(n + 1):
        same_line = i < n and run_start is not None and line_of[i] == line_of[run_start]
        if run_start is not None and (i == n or covered[i] or not same_line):
            if i - run_start >= min_gap_tokens:
                matches[line_of[run_start]].gaps.append((doc[run_start][0], doc[i - 1][1]))
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


def reference_covered(words: list[str], ext: list[str], width: int, max_repeats: int = 8) -> list[bool]:
    n = len(words)
    covered = [False] * n
    if not ext or n < width:
        return covered
    where: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(ext) - width + 1):
        where.setdefault(tuple(ext[j : j + width]), []).append(j)
    tails: list[int] = []
    tail_pair: list[int] = []
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
    for (i1, j1), (i2, j2) in pairwise(chain):
        if i2 - i1 == j2 - j1 and i2 - i1 <= 3 * width:
            for t in range(i1, i2):
                covered[t] = True
    return covered


def as_tuples(matches: list[LineMatch]) -> list[tuple[int, int, int, list[tuple[int, int]]]]:
    return [(m.line.index, m.total, m.covered, m.gaps) for m in matches]


WORDS = ["기사", "입력", "서울", "뉴스핌", "the", "harbour", "Storm", "2020", "06", "x", "é", "Ü", "ß", "공유"]
PUNCT = [" ", " ", " ", ", ", ". ", " - ", " : ", "·", "  "]


def page_from(seed: int, n_lines: int) -> tuple[str, str]:
    """A page of ``n_lines`` lines and an extract of it: some lines kept (some twice), some
    words swapped or dropped, some lines merged."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n_lines):
        kind = rng.random()
        if kind < 0.1:
            lines.append(rng.choice(["", "   ", "\t"]))
            continue
        words = [rng.choice(WORDS) + (str(rng.randint(0, 9)) if rng.random() < 0.2 else "") for _ in range(rng.randint(1, 14))]
        body = "".join(w + rng.choice(PUNCT) for w in words).strip()
        lines.append(("  " if rng.random() < 0.2 else "") + body + (" " if rng.random() < 0.1 else ""))
    extract = []
    for line in lines:
        roll = rng.random()
        if roll < 0.35:
            continue
        words = line.split()
        if rng.random() < 0.3 and words:
            words[rng.randrange(len(words))] = rng.choice(WORDS).upper()
        if rng.random() < 0.2 and len(words) > 2:
            del words[rng.randrange(len(words))]
        extract.append(" ".join(words))
        if roll > 0.95:
            extract.append(" ".join(words))  # a repeated teaser
    joiner = rng.choice(["\n", "\n\n", " "])
    return "\n".join(lines), joiner.join(extract)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.integers(0, 40), st.sampled_from([1, 2, 3, 4]), st.sampled_from([1, 2, 4]))
def test_the_alignment_equals_the_reference(seed: int, n_lines: int, ngram: int, min_gap: int) -> None:
    text, extracted = page_from(seed, n_lines)
    lines = split_lines(text)
    expected = as_tuples(reference_align_lines(text, lines, extracted, ngram=ngram, min_gap_tokens=min_gap))
    got = as_tuples(align_lines(text, lines, extracted, ngram=ngram, min_gap_tokens=min_gap))
    assert got == expected
    # Tokenized once and handed over (as the trained model's features do): the same.
    shared = document_tokens(text, lines)
    again = align_lines(text, lines, extracted, ngram=ngram, min_gap_tokens=min_gap, doc_tokens=shared)
    assert as_tuples(again) == expected


def test_the_seed_page_aligns_as_the_reference_does() -> None:
    text = unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))
    lines = split_lines(text)
    # An extract as an extractor gives it: the article's lines run together, two dropped.
    body = [ln.text for ln in lines if ln.weight >= 40]
    extracted = " ".join(body[1:-2])
    expected = as_tuples(reference_align_lines(text, lines, extracted))
    assert as_tuples(align_lines(text, lines, extracted)) == expected
    assert sum(covered for _, _, covered, _ in expected) > 300  # the article is really matched


def test_document_tokens_keep_only_the_given_lines_content() -> None:
    text = "alpha beta\n  gamma  \n\ndelta"
    lines = split_lines(text)
    doc, line_of = document_tokens(text, lines)
    assert [t[2] for t in doc] == ["alpha", "beta", "gamma", "delta"]
    assert line_of == [0, 0, 1, 3]
    # Only some lines given: the tokens of the others are left out, not given to a neighbour.
    doc, line_of = document_tokens(text, [lines[1], lines[3]])
    assert [t[2] for t in doc] == ["gamma", "delta"]
    assert line_of == [1, 3]
