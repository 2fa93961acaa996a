"""How unsure the machine is about each document, and the working order that follows from it
(``annotator assign --order uncertain``).

A document's score is in [0, 1]; higher means the machine knows less about it, so a
person's annotation teaches the model (and the suggestions) more. It is the mean of the
parts that can be computed:

* ``model``, with a trained line model (:mod:`annotator.train`): the mean *binary entropy*
  (in bits) of the model's body probability over the document's non-blank lines, weighted
  by line weight (:attr:`Line.weight`). Entropy rather than the share of lines with p in
  (0.2, 0.8): it uses every line's probability smoothly (a line at 0.79 and one at 0.81 are
  almost equally unsure, which a band would count as 1 and 0), is 1 at p = 0.5 and 0 at a
  certain line, and gives fewer ties between documents. Weighted by length because a wrong
  paragraph costs the annotator (and the exported body) more than a wrong one-word menu
  line.
* ``disagreement``, where the original HTML is kept: the weighted share of non-blank lines
  on which the extractors do not all vote alike. The voters are trafilatura and
  readability (a line is theirs when at least half of its tokens align with their text,
  the suggestions' own rule) and, with a model, the model (p >= its threshold).
* ``text_only`` stands in for the disagreement where there is no HTML (no extractor can
  vote): the weighted share of *grey* lines, neither clearly body (prose: at least
  ``LONG`` wide and ending like a sentence) nor clearly boilerplate (layout or caption
  lines, related-links headers, lines repeated across the site). These are the lines the
  text-only suggestions have to guess about.

Everything is deterministic: the same corpus and model give the same scores (LightGBM
predicts with one thread; the scores are rounded to 6 decimals so that a last-bit
difference never reorders two documents), and :func:`uncertain_order` breaks every tie by
document id.

:func:`uncertain_order` is the working order: most uncertain first, interleaved across
sites so that pages of one site (often near-duplicates, with the same template) do not come
in a row while another site has documents left.

Qt-free; the extractors (and LightGBM, with a model) are imported when scoring.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from annotator.corpus import Corpus, CorpusError
from annotator.suggest import boilerplate as bp
from annotator.suggest.engine import LONG, DocInput
from annotator.suggest.extracted import ExtractionCache, extracted_texts
from annotator.suggest.lines import Line, norm
from annotator.workers import process_pool

if TYPE_CHECKING:
    from annotator.train.features import SiteLines
    from annotator.train.model import LineModel

#: A line is an extractor's when at least this share of its tokens aligns with its text.
VOTE = 0.5
#: Scores are rounded to this many decimals (see the module doc).
DECIMALS = 6
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "…", '"', "”", "’", ")")


@dataclass(frozen=True, slots=True)
class DocScore:
    """One document's uncertainty and its parts (None: not computed for this document)."""

    doc_id: str
    #: The document's site for interleaving: its url's host, else ``doc:ID`` (a page with no
    #: url is a site of its own, never one big site with every other such page).
    site: str
    score: float
    model: float | None = None
    disagreement: float | None = None
    text_only: float | None = None
    #: Why the document could not be read (it is then scored 0: nothing is known about it).
    problem: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "site": self.site,
            "score": self.score,
            "model": self.model,
            "disagreement": self.disagreement,
            "text_only": self.text_only,
            "problem": self.problem,
        }


def site_key(doc_id: str, host: str) -> str:
    """The interleaving site of a document: its host, else a site of its own."""
    return host or f"doc:{doc_id}"


# --------------------------------------------------------------------------- the parts


def binary_entropy(p: np.ndarray) -> np.ndarray:
    """H(p) in bits for each probability (0 at 0 and 1, 1 at 0.5)."""
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.asarray(-(q * np.log2(q) + (1 - q) * np.log2(1 - q)))


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """The mean of ``values`` weighted by ``weights``; 0 for no lines (nothing to be unsure of)."""
    total = float(np.sum(weights))
    return float(np.dot(values, weights) / total) if total > 0 else 0.0


def disagreement(votes: Sequence[np.ndarray], weights: np.ndarray) -> float:
    """The weighted share of lines on which the boolean ``votes`` are not all alike."""
    if not votes:
        return 0.0
    stacked = np.vstack([np.asarray(v, dtype=bool) for v in votes])
    split = stacked.any(axis=0) & ~stacked.all(axis=0)
    return weighted_mean(split.astype(np.float64), weights)


def is_grey(line: Line, repeated: frozenset[str]) -> bool:
    """A non-blank line that is neither clearly body nor clearly boilerplate (see the module doc)."""
    if bp.is_layout_boilerplate(line) or bp.is_caption(line) or bp.is_related_header(line):
        return False
    if norm(line.text) in repeated:
        return False
    return not (line.weight >= LONG and line.text.endswith(_SENTENCE_END))


def text_only_share(lines: Sequence[Line], repeated: frozenset[str]) -> float:
    """The weighted share of grey lines among the non-blank ``lines``."""
    kept = [ln for ln in lines if not ln.blank]
    grey = np.array([float(is_grey(ln, repeated)) for ln in kept])
    return weighted_mean(grey, np.array([float(ln.weight) for ln in kept]))


def score_document(
    doc: DocInput,
    site: str,
    *,
    model: LineModel | None = None,
    site_lines: SiteLines | None = None,
    repeated: frozenset[str] = frozenset(),
    extraction_cache: ExtractionCache | None = None,
) -> DocScore:
    """The uncertainty of one document (see the module doc for what is computed when).
    ``extraction_cache``: the corpus's kept extractor texts (docs/adr/0033), read and filled."""
    from annotator.train.features import FEATURES, document_features

    extracted, read = extracted_texts(extraction_cache, doc, readability=True)
    features = document_features(doc, site_lines, extracted, read)
    lines = features.lines
    weights = np.array([float(lines[i].weight) for i in features.index])
    entropy: float | None = None
    votes: list[np.ndarray] = []
    if doc.html:
        votes = [features.rows[:, FEATURES.index("traf")] >= VOTE, features.rows[:, FEATURES.index("read")] >= VOTE]
    if model is not None:
        p = model.probabilities(features.rows)
        entropy = weighted_mean(binary_entropy(p), weights)
        if votes:
            votes.append(p >= model.threshold)
    agree = disagreement(votes, weights) if votes else None
    text_only = None if votes else text_only_share(lines, repeated)
    parts = [x for x in (entropy, agree, text_only) if x is not None]
    score = sum(parts) / len(parts)
    return DocScore(
        doc.doc_id,
        site,
        round(score, DECIMALS),
        model=None if entropy is None else round(entropy, DECIMALS),
        disagreement=None if agree is None else round(agree, DECIMALS),
        text_only=None if text_only is None else round(text_only, DECIMALS),
    )


# --------------------------------------------------------------------------- a corpus

# Worker state, set once per process by _init (the model and the site counts can be big).
_STATE: dict[str, object] = {}


def _init(
    root: str,
    model: str | None,
    site_lines: Mapping[str, SiteLines],
    repeated: Mapping[str, frozenset[str]],
) -> None:
    loaded = None
    if model is not None:
        from annotator.train.model import LineModel

        loaded = LineModel.load(Path(model))
    _STATE.update(
        corpus=Corpus.open(root),
        model=loaded,
        site_lines=site_lines,
        repeated=repeated,
        extraction_cache=ExtractionCache(root),
    )


def _work(task: tuple[str, str]) -> DocScore:
    from annotator.suggest.runner import read_doc

    doc_id, host = task
    corpus: Corpus = _STATE["corpus"]  # type: ignore[assignment]
    site = site_key(doc_id, host)
    try:
        doc = read_doc(corpus, doc_id)
    except CorpusError as exc:
        return DocScore(doc_id, site, 0.0, problem=str(exc))
    site_lines: Mapping[str, SiteLines] = _STATE["site_lines"]  # type: ignore[assignment]
    repeated: Mapping[str, frozenset[str]] = _STATE["repeated"]  # type: ignore[assignment]
    return score_document(
        doc,
        site,
        model=_STATE["model"],  # type: ignore[arg-type]
        site_lines=site_lines.get(host) if host else None,
        repeated=repeated.get(host, frozenset()),
        extraction_cache=_STATE["extraction_cache"],  # type: ignore[arg-type]
    )


def score_corpus(
    corpus: Corpus,
    doc_ids: Iterable[str],
    *,
    model: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[Iterator[DocScore], int], Iterable[DocScore]] | None = None,
) -> list[DocScore]:
    """The scores of ``doc_ids``, in that order. ``model``: a model folder the caller has
    checked (loaded once); each worker loads it again."""
    from annotator.suggest.runner import site_tables

    ids = list(doc_ids)
    # The model's site features need the line counts of every page of the site: read with
    # the rest, in one pass over the corpus.
    hosts, repeated, site_lines = site_tables(corpus, with_lines=model is not None)
    tasks = [(d, hosts.get(d, "")) for d in ids]
    init_args = (str(corpus.root), None if model is None else str(model), site_lines, repeated)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(ids) < 4:
        _init(*init_args)
        results: Iterator[DocScore] = map(_work, tasks)
        return list(progress(results, len(ids)) if progress else results)
    with process_pool(jobs, _init, init_args, runs_lightgbm=model is not None) as pool:
        chunk = max(1, min(8, len(ids) // (jobs * 8)))
        results = pool.map(_work, tasks, chunksize=chunk)
        return list(progress(results, len(ids)) if progress else results)


# --------------------------------------------------------------------------- the order


def uncertain_order(
    scores: Mapping[str, float], sites: Mapping[str, str], after_site: str | None = None
) -> list[str]:
    """The documents of ``scores``, most uncertain first, interleaved across ``sites``.

    Round robin: each round takes the best remaining document of every site that has one,
    the sites in the order of their best remaining score (ties: the document id). The site
    just taken (or ``after_site``, the site of the document before these in the queue) is
    never taken again next while another site has documents left. One exception keeps
    the runs as short as they can be: a site holding at least half of what is left must
    be taken whenever the previous document is of another site (else its pages would end
    up in a row at the end). So two documents of one site are next to each other only
    where no order could avoid it. Within a site, documents go by score, then id. Pure and
    deterministic.
    """
    by_site: dict[str, list[str]] = {}
    for doc_id in sorted(scores, key=lambda d: (-scores[d], d)):
        by_site.setdefault(sites[doc_id], []).append(doc_id)
    # Each site's documents reversed: its best remaining document is popped from the end.
    stacks = {site: docs[::-1] for site, docs in by_site.items()}
    left = len(scores)
    out: list[str] = []
    last = after_site
    visited: set[str] = set()  # the sites taken in this round

    def best(site: str) -> tuple[float, str]:
        head = stacks[site][-1]
        return (-scores[head], head)

    while stacks:
        # At most one site can hold more than half of what is left.
        forced = [s for s in stacks if s != last and 2 * len(stacks[s]) >= left + 1]
        if forced:
            site = forced[0]
        else:
            pool = [s for s in stacks if s not in visited and s != last]
            if not pool:  # the round is over: a new one over every site left
                visited.clear()
                pool = [s for s in stacks if s != last] or list(stacks)
            site = min(pool, key=best)
        out.append(stacks[site].pop())
        left -= 1
        visited.add(site)
        if not stacks[site]:
            del stacks[site]
        last = site
    return out


def same_site_neighbours(order: Sequence[str], sites: Mapping[str, str]) -> int:
    """How many adjacent pairs of ``order`` share a site (what the interleaving keeps low)."""
    return sum(1 for a, b in pairwise(order) if sites[a] == sites[b])


def unavoidable_neighbours(sites: Iterable[str]) -> int:
    """The fewest adjacent same-site pairs any order of documents with these ``sites`` has:
    the biggest site's surplus over the others (``max(0, big - (n - big) - 1)``)."""
    counts: dict[str, int] = {}
    for site in sites:
        counts[site] = counts.get(site, 0) + 1
    if not counts:
        return 0
    n, big = sum(counts.values()), max(counts.values())
    return max(0, big - (n - big) - 1)


def describe(used_model: Path | None) -> str:
    """What the scores were made from, in one line (the command prints it)."""
    if used_model is None:
        return "no trained model: ordering by extractor disagreement only (text-only score without HTML)"
    return f"ordering by the uncertainty of the model in {used_model} and extractor disagreement"

