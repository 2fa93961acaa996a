"""``conll``: BIO tags, one ``TOKEN TAG`` line per token, a blank line between sentences.

Each document (or, with ``text="articles"``, each article's clean text) starts with a
``-DOCSTART- -X- O O`` line and a blank line, as in CoNLL-2003; the manifest lists the document
ids of each file in order.

- Tokens come from the chosen tokenizer and are then cut at every span edge, so no token
  straddles an edge.
- Tags: the labels of the chosen layers (``entity`` by default). Where spans nest (the
  ``structure`` layer: boilerplate inside an article), the innermost span tags its tokens
  and the outer span resumes with a new ``B-`` after it.
- Sentences end at a line break and after ``.``, ``!``, ``?``, ``。``, ``！``, ``？`` or
  ``…`` followed by a space, but never inside a span: a title over two lines stays one
  sentence (with ``--layer structure`` a whole article is one block).
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from typing import Any

from annotator.export.base import PerSplitFileWriter
from annotator.export.records import to_clean
from annotator.export.tokenize import Tokenizer, split_at

SENTENCE_END = frozenset(".!?。！？…")
#: The CoNLL-2003 document line, four columns as in that corpus: ``spacy convert`` splits
#: documents on exactly this string (``-DOCSTART- O`` would be read as a token), and the
#: Hugging Face CoNLL loaders skip any line starting with ``-DOCSTART-``.
DOCSTART = "-DOCSTART- -X- O O\n\n"

TaggedSpan = tuple[int, int, str]


def bio_tokens(
    text: str, spans: list[TaggedSpan], tokenizer: Tokenizer
) -> tuple[list[tuple[int, int]], list[str]]:
    """Tokens (offsets) of ``text`` and their BIO tags for ``spans`` (start, end, label)."""
    tokens = split_at(tokenizer(text), (e for s in spans for e in s[:2]))
    starts = [t[0] for t in tokens]
    owner = [-1] * len(tokens)
    # Longest first, so that a nested (shorter) span overwrites its container.
    order = sorted(range(len(spans)), key=lambda i: spans[i][0] - spans[i][1])
    for i in order:
        start, end, _ = spans[i]
        k = bisect_left(starts, start)
        while k < len(tokens) and tokens[k][1] <= end:
            owner[k] = i
            k += 1
    tags = []
    previous = -1
    for k in range(len(tokens)):
        i = owner[k]
        if i < 0:
            tags.append("O")
        else:
            tags.append(("I-" if i == previous else "B-") + spans[i][2])
        previous = i
    return tokens, tags


def conll_block(text: str, spans: list[TaggedSpan], tokenizer: Tokenizer) -> str:
    """The CoNLL lines of one text: tokens and tags, sentences separated by a blank line."""
    tokens, tags = bio_tokens(text, spans, tokenizer)
    lines: list[str] = []
    prev_end = -1
    prev_token = ""
    for (start, end), tag in zip(tokens, tags, strict=True):
        if lines and not tag.startswith("I-"):
            gap = text[prev_end:start]
            if "\n" in gap or (gap and prev_token in SENTENCE_END):
                lines.append("")
        token = text[start:end]
        lines.append(f"{token} {tag}")
        prev_end, prev_token = end, token
    return "\n".join(lines) + "\n\n" if lines else ""


class ConllWriter(PerSplitFileWriter):
    name = "conll"
    suffix = ".conll"

    def __init__(
        self,
        folder: Path,
        split_names: list[str],
        labels: frozenset[str],
        tokenizer: Tokenizer,
        text: str = "document",
    ) -> None:
        super().__init__(folder, split_names)
        self.labels = labels
        self.tokenizer = tokenizer
        self.scope = text
        #: Spans that could not be carried into an article's clean text (cut by boilerplate).
        self.dropped_spans = 0
        self.documents: dict[str, list[str]] = {name: [] for name in self.split_names}

    def write(self, record: dict[str, Any]) -> None:
        spans = [
            (s["start"], s["end"], s["label"]) for s in record["spans"] if s["label"] in self.labels
        ]
        if self.scope == "document":
            self.documents[self.stem(record["split"])].append(record["id"])
            block = conll_block(record["text"], spans, self.tokenizer)
            self.handle(record).write((DOCSTART + block).encode())
            return
        for article in record["articles"]:
            segments = [tuple(seg) for seg in article["clean_map"]]
            seg_starts = [seg[1] for seg in segments]
            inside = []
            for start, end, label in spans:
                if start >= article["start"] and end <= article["end"]:
                    clean = to_clean(segments, seg_starts, start, end)  # type: ignore[arg-type]
                    if clean is None:
                        self.dropped_spans += 1
                    else:
                        inside.append((clean[0], clean[1], label))
            self.documents[self.stem(record["split"])].append(
                f"{record['id']}#{article['span_id']}"
            )
            block = conll_block(article["clean_text"], inside, self.tokenizer)
            self.handle(record).write((DOCSTART + block).encode())
