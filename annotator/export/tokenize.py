"""Tokenizers for the CoNLL export, and the rule that no token straddles a span edge.

A tokenizer maps a text to ``(start, end)`` offsets of its tokens (code points, no token
holds whitespace). :func:`split_at` then cuts any token that a span starts or ends inside:
Korean ``LG전자가`` with the entity ``LG전자`` gives ``LG전자`` and ``가``.

- ``default``: pure Python, Unicode-aware. Runs of letters, digits and combining marks
  (Latin, Hangul, Cyrillic, Arabic, Devanagari, ...) are one token; each Han ideograph is a
  token (Chinese and Japanese write no spaces); hiragana and katakana runs are tokens;
  numbers keep inner ``.``, ``,``, ``:`` and ``/`` (``3.5``, ``2020.07.22``); any other
  character is a token of its own.
- ``kiwi``: Korean morphemes from kiwipiepy (``pip install 'article-annotator[korean]'``),
  as surface stretches of the text; characters it leaves out are tokenized by ``default``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import cache

Offsets = list[tuple[int, int]]
Tokenizer = Callable[[str], Offsets]

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HIRAGANA = r"\u3041-\u309f"
_KATAKANA = r"\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"


@cache
def _mark_class() -> str:
    """A regex class body of every combining mark (Mn, Mc, Me).

    Python's ``\\w`` leaves them out, which would cut Hindi, Thai or Korean-jamo words at
    every vowel sign. Computed once, over the planes that hold marks (the BMP, the SMP and
    the variation selectors of plane 14).
    """
    ranges: list[tuple[int, int]] = []
    for cp in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


@cache
def _token_re() -> re.Pattern[str]:
    marks = _mark_class()
    return re.compile(
        rf"\d+(?:[.,:/]\d+)+"  # numbers with inner separators
        rf"|[{_HAN}]"  # one Han ideograph
        rf"|[{_HIRAGANA}]+"
        rf"|[{_KATAKANA}]+"
        rf"|(?:[^\W{_HAN}{_HIRAGANA}{_KATAKANA}]|[{marks}])+"  # words, marks included
        rf"|\S"  # anything else: one character
    )


def default_tokenize(text: str) -> Offsets:
    return [m.span() for m in _token_re().finditer(text)]


class KiwiMissingError(RuntimeError):
    """kiwipiepy is not installed."""


@cache
def _kiwi() -> object:
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:
        raise KiwiMissingError(
            "the kiwi tokenizer needs kiwipiepy: pip install 'article-annotator[korean]'"
        ) from exc
    return Kiwi()


def kiwi_tokenize(text: str) -> Offsets:
    """Korean morphemes as surface stretches (contractions such as 했 -> 하+었 share one)."""
    kiwi = _kiwi()
    stretches: Offsets = []
    for token in kiwi.tokenize(text):  # type: ignore[attr-defined]
        start, end = token.start, token.start + token.len
        if stretches and start < stretches[-1][1]:
            # Morphemes of one contracted syllable overlap: keep their union.
            prev_start, prev_end = stretches[-1]
            stretches[-1] = (prev_start, max(prev_end, end))
        elif end > start:
            stretches.append((start, end))
    # What kiwi skipped (symbols it drops) still has to be in the output.
    result: Offsets = []
    pos = 0
    for start, end in stretches:
        if start > pos:
            result.extend((pos + a, pos + b) for a, b in default_tokenize(text[pos:start]))
        result.append((start, end))
        pos = end
    result.extend((pos + a, pos + b) for a, b in default_tokenize(text[pos:]))
    # Trim whitespace kiwi may have kept at a stretch's edge.
    trimmed: Offsets = []
    for start, end in result:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        tail = len(piece) - len(piece.rstrip())
        if end - tail > start + lead:
            trimmed.append((start + lead, end - tail))
    return trimmed


TOKENIZERS: dict[str, Tokenizer] = {"default": default_tokenize, "kiwi": kiwi_tokenize}


def get_tokenizer(name: str) -> Tokenizer:
    """The tokenizer called ``name``; raises KiwiMissingError early for a missing kiwipiepy."""
    if name not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer {name!r}; choose one of {', '.join(TOKENIZERS)}")
    if name == "kiwi":
        _kiwi()
    return TOKENIZERS[name]


def split_at(tokens: Offsets, edges: Iterable[int]) -> Offsets:
    """``tokens`` with every token cut at each edge that falls strictly inside it."""
    cuts = sorted(set(edges))
    if not cuts:
        return tokens
    out: Offsets = []
    for start, end in tokens:
        lo = bisect_right(cuts, start)
        hi = bisect_left(cuts, end)
        if lo >= hi:
            out.append((start, end))
            continue
        pos = start
        for cut in cuts[lo:hi]:
            out.append((pos, cut))
            pos = cut
        out.append((pos, end))
    return out
