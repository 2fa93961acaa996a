"""Annotations from gold article bodies that already exist: ``annotator import --bodies FILE``.

FILE is an extraction dataset's ground truth, ``{ID: {"articleBody": "..."}}`` (the shape of
the public article-extraction benchmark's ``ground-truth.json``; other keys are ignored).
For each imported page whose id is a key of FILE, the body is aligned to the page's text and
turned into an annotation: the main ``article`` from the first to the last line of the body,
and every line inside it that is not body marked ``boilerplate``, so that the article's clean
text (:func:`annotator.rules.clean_text`, what ``export`` writes) reproduces the body.

Alignment works on tokens (``\\w+`` runs and single other characters) of each side after
NFKC, case folding, one spelling of quotes and dashes and without invisible format
characters, so white space never matters: NBSP, collapsed spaces, line breaks inside the
body or the text. It is a patience alignment, linear but for a log factor, so a 1 MB page
costs well under a second:

1. anchors: 4-token shingles that occur once in the body, wherever they occur in the text,
   kept when they form the longest chain in the same order on both sides (a sentence of the
   body that a teaser repeats above the article falls out of the chain);
2. between anchors, tokens equal on both sides are matched from each end of the gap, then
   tokens that occur once in both sides of the gap anchor a finer pass (a few levels deep);
3. a line is body when at least half its tokens are matched.

How well it worked is the benchmark's own measure (:mod:`annotator.evaluate`): shingle F1
between the resulting clean text and the body. Pages below ``min_f1`` get no annotation and
are listed with the reason.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from annotator.corpus import CorpusError, read_json_file
from annotator.evaluate import DocScore, score_document
from annotator.importers.ids import sanitise_id
from annotator.importers.jsonl import JsonlRecord
from annotator.loading import is_usable, rule_problems
from annotator.model import GOLD, Annotation, LabelDef, LabelScheme, Span
from annotator.rules import clean_text, sha256_text

#: Default ``--min-f1``: below it a page's alignment is not trusted as gold.
DEFAULT_MIN_F1 = 0.9
#: Statuses ``--status`` may give the written annotations.
BODY_STATUSES = ("done", "in_progress")
#: Tokens per anchor shingle (the benchmark's own n).
ANCHOR_N = 4
#: Levels of the finer pass inside the gaps between anchors.
FILL_DEPTH = 4
#: Share of a line's tokens that must be matched for the line to be body.
LINE_SHARE = 0.5

_TOKEN = re.compile(r"\w+|[^\w\s]")
#: One spelling of the quotes and dashes that pages and datasets write differently, and no
#: invisible format characters (a soft hyphen inside a word must not split it).
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff", None),
    }
)


class BodiesError(ValueError):
    """FILE cannot be used; the message is one line naming the file and the problem."""


def load_bodies(path: Path | str) -> dict[str, str]:
    """``{id: body}`` from FILE; :class:`BodiesError` when it is unreadable, not UTF-8, not
    JSON or not of the shape ``{id: {"articleBody": "..."}}``."""
    path = Path(path)
    try:
        value = read_json_file(path)
    except CorpusError as exc:
        raise BodiesError(str(exc)) from exc
    shape = '{id: {"articleBody": "..."}}'
    if not isinstance(value, dict):
        raise BodiesError(f"{path}: expected an object {shape}, got {_kind(value)}")
    if not value:
        raise BodiesError(f"{path}: holds no pages (expected {shape})")
    bodies: dict[str, str] = {}
    for key, entry in value.items():
        if not isinstance(entry, dict):
            raise BodiesError(f"{path}: {key!r} is {_kind(entry)}, not an object with 'articleBody' ({shape})")
        body = entry.get("articleBody")
        if not isinstance(body, str):
            what = "has no 'articleBody'" if body is None else f"'articleBody' is {_kind(body)}, not a string"
            raise BodiesError(f"{path}: {key!r} {what} ({shape})")
        bodies[key] = body
    return bodies


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


# --------------------------------------------------------------------------- alignment


def _fold(line: str) -> str:
    return unicodedata.normalize("NFKC", line.translate(_FOLD)).casefold().translate(_FOLD)


def body_tokens(body: str) -> list[str]:
    """The body's tokens as alignment compares them."""
    return _TOKEN.findall(_fold(body))


@dataclass
class Alignment:
    """Where a body sits in a text: the article and the boilerplate lines inside it (offsets
    into the text), the clean text they give and its score against the body."""

    article: tuple[int, int] | None
    boilerplate: list[tuple[int, int]]
    body_lines: int
    boilerplate_lines: int
    clean_text: str
    score: DocScore

    def exact(self, body: str) -> bool:
        """Whether the clean text is the body but for white space. The benchmark's F1 can
        be well below 1 then: in Japanese or Chinese a space more or less merges or splits
        its ``\\w+`` tokens ("アプリ Kindle" is two tokens, "アプリKindle" one)."""
        return "".join(self.clean_text.split()) == "".join(body.split())


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (sorted by their first item) whose second items rise
    strictly: patience sorting, O(n log n). Of equally long chains it keeps the later
    occurrences, so a teaser that repeats the body's first sentence above the article loses."""
    tails: list[int] = []  # smallest last j of a chain of each length
    tail_at: list[int] = []  # index in pairs of that last pair
    before: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        before[n] = tail_at[k - 1] if k else -1
    chain: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        chain.append(pairs[n])
        n = before[n]
    chain.reverse()
    return chain


class _Aligner:
    """Token matches ``match[i] = j`` (text token i is body token j, -1 for none), always
    rising in both: what the steps of the module docstring compute."""

    def __init__(self, text_ids: list[int], body_ids: list[int]) -> None:
        self.t = text_ids
        self.b = body_ids
        self.match = [-1] * len(text_ids)

    def run(self) -> list[int]:
        t, b = self.t, self.b
        n = min(ANCHOR_N, len(b))
        if n == 0:
            return self.match
        body_grams = [tuple(b[j : j + n]) for j in range(len(b) - n + 1)]
        counts = Counter(body_grams)
        unique = {gram: j for j, gram in enumerate(body_grams) if counts[gram] == 1}
        pairs = [(i, j) for i in range(len(t) - n + 1) if (j := unique.get(tuple(t[i : i + n]))) is not None]
        last_i = last_j = -1
        runs: list[tuple[int, int, int]] = []  # (i, j, length) of matched stretches, rising
        for i, j in _lis(pairs):
            # Shingles of one chain may overlap: take the part that keeps both sides rising.
            skip = max(last_i - i, last_j - j, -1) + 1
            if skip >= n:
                continue
            for k in range(skip, n):
                self.match[i + k] = j + k
            if runs and runs[-1][0] + runs[-1][2] == i + skip and runs[-1][1] + runs[-1][2] == j + skip:
                runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + n - skip)
            else:
                runs.append((i + skip, j + skip, n - skip))
            last_i, last_j = i + n - 1, j + n - 1
        # The gaps around and between the anchored stretches.
        prev_i = prev_j = 0
        for i, j, length in [*runs, (len(t), len(b), 0)]:
            self._fill(prev_i, i, prev_j, j, FILL_DEPTH)
            prev_i, prev_j = i + length, j + length
        return self.match

    def _fill(self, i0: int, i1: int, j0: int, j1: int, depth: int) -> None:
        """Match inside text[i0:i1] and body[j0:j1]: equal ends first, then tokens unique in
        both halves as anchors, ``depth`` levels down. Every level touches each token once."""
        t, b, match = self.t, self.b, self.match
        while i0 < i1 and j0 < j1 and t[i0] == b[j0]:
            match[i0] = j0
            i0 += 1
            j0 += 1
        while i0 < i1 and j0 < j1 and t[i1 - 1] == b[j1 - 1]:
            match[i1 - 1] = j1 - 1
            i1 -= 1
            j1 -= 1
        if depth == 0 or i0 >= i1 or j0 >= j1:
            return
        in_t = Counter(t[i0:i1])
        in_b = Counter(b[j0:j1])
        where_b = {b[j]: j for j in range(j0, j1) if in_b[b[j]] == 1 and in_t[b[j]] == 1}
        pairs = [(i, where_b[t[i]]) for i in range(i0, i1) if t[i] in where_b]
        prev_i, prev_j = i0, j0
        for i, j in _lis(pairs):
            match[i] = j
            self._fill(prev_i, i, prev_j, j, depth - 1)
            prev_i, prev_j = i + 1, j + 1
        self._fill(prev_i, i1, prev_j, j1, depth - 1)


def align(text: str, body: str) -> Alignment:
    """Align ``body`` to the lines of ``text`` (see the module docstring)."""
    ids: dict[str, int] = {}
    intern = ids.setdefault
    body_ids = [intern(tok, len(ids)) for tok in body_tokens(body)]
    text_ids: list[int] = []
    line_bounds: list[tuple[int, int]] = []  # (start, end) of each line's content in the text
    line_tokens: list[int] = []  # index of each line's first token; a sentinel at the end
    pos = 0
    # Folded line by line: twice as fast as the whole text at once (an ASCII line keeps
    # the fast paths of casefold and NFKC).
    for line in text.split("\n"):
        content = line.strip()
        start = pos + (len(line) - len(line.lstrip()))
        line_bounds.append((start, start + len(content)))
        line_tokens.append(len(text_ids))
        if content:
            text_ids.extend(intern(tok, len(ids)) for tok in _TOKEN.findall(_fold(content)))
        pos += len(line) + 1
    line_tokens.append(len(text_ids))
    match = _Aligner(text_ids, body_ids).run()
    # Matched tokens before each token: a line's count is one subtraction.
    before = [0, *accumulate(m >= 0 for m in match)]
    is_body: list[bool] = []
    for n in range(len(line_bounds)):
        a, z = line_tokens[n], line_tokens[n + 1]
        is_body.append(z > a and before[z] - before[a] >= LINE_SHARE * (z - a))
    body_at = [n for n, yes in enumerate(is_body) if yes]
    if not body_at:
        return Alignment(None, [], 0, 0, "", score_document(body, ""))
    first, last = body_at[0], body_at[-1]
    article = (line_bounds[first][0], line_bounds[last][1])
    boilerplate: list[tuple[int, int]] = []
    run: list[int] = []  # the non-body lines with content since the last body line
    n_boiler = 0
    for n in range(first, last + 2):
        if n <= last and not is_body[n]:
            if line_bounds[n][1] > line_bounds[n][0]:
                run.append(n)
            continue
        if run:
            boilerplate.append((line_bounds[run[0]][0], line_bounds[run[-1]][1]))
            n_boiler += len(run)
            run = []
    spans = [Span(id="a", start=article[0], end=article[1], label="article", text="")]
    cuts = [Span(id=f"b{k}", start=s, end=e, label="boilerplate", text="") for k, (s, e) in enumerate(boilerplate)]
    clean = clean_text(text, spans[0], cuts)
    return Alignment(article, boilerplate, len(body_at), n_boiler, clean, score_document(body, clean))


# --------------------------------------------------------------------------- the import hook


def _attrs(label: LabelDef, wanted: dict[str, str]) -> dict[str, Any]:
    """Attributes for a new span of ``label``: ``wanted`` where the label has them, the
    scheme's defaults for the rest, ``other`` for a choice that has it and no default."""
    attrs: dict[str, Any] = {}
    for attr in label.attrs:
        if attr.name in wanted and (not attr.values or wanted[attr.name] in attr.values):
            attrs[attr.name] = wanted[attr.name]
        elif attr.default is not None:
            attrs[attr.name] = attr.default
        elif attr.values and "other" in attr.values:
            attrs[attr.name] = "other"
    return attrs


@dataclass
class PageResult:
    """What ``--bodies`` did with one imported page whose id is in FILE."""

    key: str
    source: str
    precision: float
    recall: float
    f1: float
    article: tuple[int, int] | None
    boilerplate: list[tuple[int, int]]
    body_lines: int
    boilerplate_lines: int
    #: The status the annotation was given; None when the page was left unannotated.
    status: str | None = None
    #: The clean text is the body but for white space (see :meth:`Alignment.exact`).
    exact: bool = False
    #: Why the page was left unannotated, or why it is not ``done`` as asked.
    reason: str | None = None
    doc_id: str | None = None
    written: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "doc_id": self.doc_id,
            "source": self.source,
            "annotated": self.written,
            "status": self.status if self.written else None,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "exact": self.exact,
            "article": list(self.article) if self.article else None,
            "boilerplate": [list(b) for b in self.boilerplate],
            "body_lines": self.body_lines,
            "boilerplate_lines": self.boilerplate_lines,
            "reason": self.reason,
        }


@dataclass
class BodyAnnotator:
    """The ``--bodies`` hook of :class:`annotator.importers.importer.Importer`: an annotation
    for each page whose id is in FILE, which the importer validates and saves like any
    other imported annotation (a ``done`` one only when :func:`annotator.rules.done_problems`
    finds nothing: else it is written ``in_progress`` with the reason)."""

    bodies: dict[str, str]
    path: str
    scheme: LabelScheme
    annotator: str = GOLD
    status: str = "done"
    min_f1: float = DEFAULT_MIN_F1
    pages: list[PageResult] = field(default_factory=list)
    #: Pages that FILE has no body for: source -> document id once imported.
    no_body: dict[str, str | None] = field(default_factory=dict)
    _by_id: dict[str, str] = field(default_factory=dict)
    _by_source: dict[str, PageResult] = field(default_factory=dict)
    _matched: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        article = self.scheme.label("article")
        boilerplate = self.scheme.label("boilerplate")
        if article is None or boilerplate is None:
            raise BodiesError(
                f"{self.path}: the corpus scheme {self.scheme.name!r} has no "
                f"{'article' if article is None else 'boilerplate'!r} label to mark bodies with"
            )
        self._article_attrs = _attrs(article, {"role": "main"})
        self._boilerplate_attrs = _attrs(boilerplate, {})
        page_type = next((d for d in self.scheme.doc_labels if d.name == "page_type"), None)
        self._doc_labels = {"page_type": "article"} if page_type and "article" in page_type.values else {}
        # Ids as FILE writes them, and as import would write them (a file name made safe).
        for key in self.bodies:
            self._by_id.setdefault(key, key)
        for key in self.bodies:
            self._by_id.setdefault(sanitise_id(key), key)

    def annotations(self, wanted_id: str, source: str, text: str) -> list[tuple[str, JsonlRecord, list[dict[str, Any]]]]:
        """The annotation for the page imported from ``source`` as ``wanted_id``, in the
        form ``Importer._add`` takes; empty when FILE has no body for it or the alignment
        is below ``min_f1`` (recorded with the reason)."""
        key = self._by_id.get(wanted_id) or self._by_id.get(sanitise_id(wanted_id))
        if key is None:
            self.no_body[source] = None
            return []
        self._matched.add(key)
        body = self.bodies[key]
        found = align(text, body)
        result = PageResult(
            key, source, found.score.precision, found.score.recall, found.score.f1,
            found.article, found.boilerplate, found.body_lines, found.boilerplate_lines,
            exact=found.article is not None and found.exact(body),
        )
        self.pages.append(result)
        self._by_source[source] = result
        if not body_tokens(body):
            result.reason = "the body in FILE is empty"
            return []
        if found.article is None:
            result.reason = "no line of the page matches the body"
            return []
        if found.score.f1 < self.min_f1 and not result.exact:
            result.reason = f"aligned with F1 {found.score.f1:.3f}, below --min-f1 {self.min_f1:g}"
            return []
        spans: list[dict[str, Any]] = [self._span("s1", found.article, "article", self._article_attrs, text)]
        for n, place in enumerate(found.boilerplate, 2):
            spans.append(self._span(f"s{n}", place, "boilerplate", self._boilerplate_attrs, text))
        status = self._status(spans, text)
        if status is None:
            return []
        result.status = status
        record = JsonlRecord(0, key, None, None, spans=spans, doc_labels=self._doc_labels, status=status)
        return [(self.annotator, record, spans)]

    @staticmethod
    def _span(span_id: str, place: tuple[int, int], label: str, attrs: dict[str, Any], text: str) -> dict[str, Any]:
        start, end = place
        return {"id": span_id, "start": start, "end": end, "label": label, "text": text[start:end], "attrs": dict(attrs)}

    def _status(self, spans: list[dict[str, Any]], text: str) -> str | None:
        """The status to write: the one asked for when the rules allow it (the one place
        that decides, :func:`annotator.loading.rule_problems`), else ``in_progress`` with
        the reason; None (page left out, reason recorded) when not even that is usable."""
        result = self.pages[-1]
        sha = sha256_text(text)
        for status in dict.fromkeys((self.status, "in_progress")):
            annotation = Annotation(
                doc_id="pending", text_sha256=sha, annotator=self.annotator, status=status,  # type: ignore[arg-type]
                doc_labels=self._doc_labels, spans=spans,  # type: ignore[arg-type]
            )
            problems = rule_problems(annotation, text, self.scheme, sha)
            if not problems or (status != "done" and is_usable(problems)):
                return status
            listed = "; ".join(str(p) for p in problems[:3])
            result.reason = f"not {status}: {listed}"
        return None

    def placed(self, source: str, doc_id: str | None, written: bool) -> None:
        """After the importer's ``_add``: the page's document id (None: not imported) and
        whether its annotation is in the corpus (the importer reported no problem)."""
        if source in self.no_body:
            self.no_body[source] = doc_id
        result = self._by_source.get(source)
        if result is not None:
            result.doc_id = doc_id
            result.written = written and result.status is not None
            if doc_id is None and result.reason is None:
                result.reason = "the page was not imported (see the problems)"
            elif result.status is not None and not result.written and result.reason is None:
                result.reason = "the annotation was not written (see the problems)"

    @property
    def not_imported(self) -> list[str]:
        """Ids of FILE that no imported page had."""
        return [key for key in self.bodies if key not in self._matched]

    def summary(self) -> dict[str, Any]:
        scores = [p.f1 for p in self.pages]
        return {
            "pages": len(self.pages),
            "annotated": sum(p.written for p in self.pages),
            "exact": sum(p.exact for p in self.pages),
            "left_out": sum(not p.written for p in self.pages),
            "f1_median": round(statistics.median(scores), 4) if scores else None,
            "f1_lowest": round(min(scores), 4) if scores else None,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "annotator": self.annotator,
            "status": self.status,
            "min_f1": self.min_f1,
            **self.summary(),
            "results": [p.to_json() for p in self.pages],
            "ids_not_imported": self.not_imported,
            "imported_without_body": [
                {"doc_id": doc_id, "source": source} for source, doc_id in self.no_body.items() if doc_id
            ],
        }
