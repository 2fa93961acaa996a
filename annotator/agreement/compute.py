"""Agreement over a corpus: load every compared annotation once, measure, explain.

Loading goes through :mod:`annotator.loading`, the one place that says whether an
annotation file is usable: a file that does not parse, validate or fit its text, or that
breaks a rule other than unfinished work (an unknown label, a duplicate id...), is left out
with its path and its problems, and the command exits 1. Agreement never counts what
``annotator validate`` rejects and the editor would open read-only.

All spans of all documents then go into flat numpy arrays on one number line (the
documents laid end to end), and every measure is a few vectorised numpy calls.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.alpha import krippendorff_alpha_nominal
from annotator.agreement.metrics import (
    PRF,
    cohen_kappa,
    exact_matches,
    fleiss_kappa,
    joint_steps,
    max_overlap_matching,
    paint,
)
from annotator.agreement.unitizing import alpha_u
from annotator.corpus import Corpus, CorpusError, read_file_bytes
from annotator.loading import (
    CheckedAnnotation,
    check_parsed,
    gc_paused,
    parse_annotation_columns_data,
    read_document_text_in,
)
from annotator.model import GOLD, SUGGESTIONS, is_valid_name
from annotator.rules import Problem

IntArray = NDArray[np.int64]

NOTES = [
    "Documents count only when every compared annotator marked them done "
    "(--include-unfinished adds todo and in_progress; skipped documents never count).",
    "Exact match: same start, end and label. Overlap match: same label and at least one "
    "shared character, each span matched at most once (maximum matching, larger "
    "overlaps preferred).",
    "Precision and recall of a pair take its first annotator as the reference; F1 is "
    "symmetric. Label and overall values are means over pairs; overall per pair pools "
    "all labels (micro average).",
    "kappa_char: each character gets the label covering it in that layer, or O; where spans "
    "of a layer nest (boilerplate inside an article) the innermost (shortest) span wins. "
    "Cohen's kappa for two annotators, Fleiss' kappa for more.",
    "alpha_u: Krippendorff's unitizing alpha as in DKPro Agreement; the documents are one "
    "continuum laid end to end, with gaps cut at document edges. The overall value is "
    "1 - mean(D_o)/mean(D_e) over labels (as DKPro), so labels with long spans (articles) "
    "weigh most: read the per-label values.",
    "doc_labels alpha: Krippendorff's nominal alpha; an annotator who gave no value is "
    "missing for that document, not disagreeing.",
]


class AgreementError(ValueError):
    """The request cannot be answered (unknown annotator, fewer than two...)."""


@dataclass
class Loaded:
    """The compared annotations of the documents that count, as flat arrays."""

    annotators: list[str]
    doc_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    offsets: IntArray = field(default_factory=lambda: np.zeros(1, np.int64))
    ann: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    doc: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    start: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # on the line
    end: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    label: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    labels: list[str] = field(default_factory=list)
    doc_labels: list[list[dict[str, Any]]] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return int(self.offsets[-1])


def default_annotators(corpus: Corpus) -> list[str]:
    """Every annotator folder except the suggestions (gold is never among them)."""
    return [a for a in corpus.annotators() if a not in (SUGGESTIONS, GOLD)]


def load(
    corpus: Corpus,
    annotators: Sequence[str],
    include_unfinished: bool = False,
    doc_ids: Sequence[str] | None = None,
) -> Loaded:
    """Read the compared annotations of every document that counts (see module doc)."""
    annotators = list(annotators)
    out = Loaded(annotators=annotators)
    # Every usable file holds scheme labels only (an unknown label makes a file unusable).
    label_ids = {label.name: i for i, label in enumerate(corpus.scheme.labels())}
    columns = _Columns()
    with gc_paused():  # parsed files are dropped as soon as their offsets are copied out
        _load_documents(corpus, annotators, include_unfinished, out, label_ids, columns, doc_ids)
    out.labels = list(label_ids)
    _to_arrays(out, columns)
    return out


@dataclass
class _Columns:
    """Every counted span's offsets and label id, and the spans per (document, annotator)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


def _load_documents(
    corpus: Corpus,
    annotators: list[str],
    include_unfinished: bool,
    out: Loaded,
    label_ids: dict[str, int],
    columns: _Columns,
    doc_ids: Sequence[str] | None = None,
) -> None:
    scheme = corpus.scheme
    present = [corpus.annotated_ids(a) for a in annotators]
    folders = [os.fspath(corpus.annotator_dir(a)) + os.sep for a in annotators]
    documents = os.fspath(corpus.documents_dir) + os.sep
    label_id = label_ids.__getitem__
    for doc_id in corpus.doc_ids() if doc_ids is None else doc_ids:
        missing = [a for a, ids in zip(annotators, present, strict=True) if doc_id not in ids]
        if missing:
            out.excluded.append({"doc_id": doc_id, "reason": f"no annotation by {', '.join(missing)}"})
            continue
        # The status decides whether the document counts before its text is read; a file
        # that does not even parse has no status and is a problem whatever the others say.
        parsed: list[CheckedAnnotation] = []
        for folder in folders:
            path = folder + doc_id + ".json"
            try:
                data = read_file_bytes(path)
            except OSError as exc:
                problem = Problem("unreadable", f"cannot read: {exc.strerror or exc}", path=path)
                parsed.append(CheckedAnnotation(path, None, (problem,)))
                continue
            # Only offsets, labels and ids are needed: no Span objects (ADR 11).
            parsed.append(parse_annotation_columns_data(data, path))
        if _unusable(out, doc_id, parsed):
            continue
        statuses = [p.status for p in parsed]
        skipped = [a for a, s in zip(annotators, statuses, strict=True) if s == "skipped"]
        if skipped:
            out.excluded.append({"doc_id": doc_id, "reason": f"skipped by {', '.join(skipped)}"})
            continue
        if not include_unfinished:
            unfinished = [
                f"{a} ({s})" for a, s in zip(annotators, statuses, strict=True) if s != "done"
            ]
            if unfinished:
                out.excluded.append(
                    {"doc_id": doc_id, "reason": f"not done by {', '.join(unfinished)}"}
                )
                continue
        try:
            text, sha = read_document_text_in(documents, doc_id)
        except CorpusError as exc:
            out.problems.append({"path": exc.path, "message": exc.message})
            out.excluded.append({"doc_id": doc_id, "reason": str(exc)})
            continue
        checked = [
            # Usable or not is all that matters here: no need to look for unfinished work.
            check_parsed(p, scheme, doc_id=doc_id, annotator=a, text=text, text_sha256=sha,
                         work_in_progress=False)
            for a, p in zip(annotators, parsed, strict=True)
        ]
        if _unusable(out, doc_id, checked):
            continue
        doc_labels = []
        for c in checked:
            got = c.columns
            if got is not None:
                columns.starts += got.starts
                columns.ends += got.ends
                columns.labels += map(label_id, got.labels)
                columns.counts.append(len(got.starts))
            else:  # parsed by pydantic (an unusual but valid file), or no spans
                annotation = c.annotation
                assert annotation is not None  # usable
                spans = annotation.spans
                columns.starts += [s.start for s in spans]
                columns.ends += [s.end for s in spans]
                columns.labels += [label_id(s.label) for s in spans]
                columns.counts.append(len(spans))
            doc_labels.append(c.doc_labels)
        out.doc_ids.append(doc_id)
        out.texts.append(text)
        out.doc_labels.append(doc_labels)


def _unusable(out: Loaded, doc_id: str, files: list[CheckedAnnotation]) -> bool:
    """Whether any of a document's files is unusable; each such file is a problem, and
    the document is left out, naming them."""
    bad = [f for f in files if not f.usable]
    for f in bad:
        out.problems.append(
            {"path": f.path, "message": f.summary(), "codes": sorted({p.code for p in f.blocking})}
        )
    if bad:
        reason = "; ".join(f"unusable file {f.path}: {f.summary(1)}" for f in bad)
        out.excluded.append({"doc_id": doc_id, "reason": reason})
    return bool(bad)


def _to_arrays(out: Loaded, columns: _Columns) -> None:
    n_ann = len(out.annotators)
    lengths = np.array([len(t) for t in out.texts], dtype=np.int64)
    count = np.array(columns.counts, dtype=np.int64).reshape(len(out.doc_ids), n_ann)
    doc = np.repeat(np.arange(len(out.doc_ids), dtype=np.int64), count.sum(axis=1))
    ann = np.repeat(np.tile(np.arange(n_ann, dtype=np.int64), len(out.doc_ids)), count.ravel())
    # Offsets are checked integers inside their text (a usable file): plain int64 arrays.
    out.offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    out.ann, out.doc = ann, doc
    out.label = np.array(columns.labels, dtype=np.int64)
    out.start = np.array(columns.starts, dtype=np.int64) + out.offsets[doc]
    out.end = np.array(columns.ends, dtype=np.int64) + out.offsets[doc]


# --------------------------------------------------------------------------- measuring


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def _stats(values: NDArray[np.int64]) -> dict[str, float | int | None]:
    if len(values) == 0:
        return {"mean": None, "median": None, "max": None, "zero": 0}
    return {
        "mean": float(values.mean()),
        "median": float(np.median(values)),
        "max": int(values.max()),
        "zero": int((values == 0).sum()),
    }


def _put(target: dict[str, Any], key: str, value: float | None, reason: str | None) -> None:
    """Set ``key``; when the value cannot be computed, say why in ``KEY_reason``."""
    target[key] = value
    if value is None:
        target[f"{key}_reason"] = reason or "not computable"


class _Measure:
    """Everything measured on one :class:`Loaded`, kept for the report."""

    def __init__(self, data: Loaded, scheme_layers: list[tuple[str, list[str]]]) -> None:
        self.data = data
        self.n_docs = len(data.doc_ids)
        self.n_labels = len(data.labels)
        self.layers = scheme_layers
        length = data.length
        # Each label gets its own stretch of the line, so intervals overlap only when
        # they share a label (and, because documents never overlap, a document).
        lane = data.label * (length + 1)
        self.lane_start = lane + data.start
        self.lane_end = lane + data.end
        self.masks = [data.ann == a for a in range(len(data.annotators))]
        self._painted: dict[tuple[int, str], tuple[IntArray, IntArray]] = {}

    def counts(self, a: int) -> IntArray:
        return np.bincount(self.data.label[self.masks[a]], minlength=self.n_labels)

    def painted(self, a: int, layer: str, label_ids: list[int]) -> tuple[IntArray, IntArray]:
        """Annotator a's label of every character in ``layer`` (0 = O, k = k-th label)."""
        key = (a, layer)
        if key not in self._painted:
            local = np.zeros(self.n_labels, np.int64)
            local[label_ids] = np.arange(1, len(label_ids) + 1)
            m = self.masks[a] & np.isin(self.data.label, label_ids)
            self._painted[key] = paint(
                self.data.start[m], self.data.end[m], local[self.data.label[m]], self.data.length
            )
        return self._painted[key]


def _layers(corpus: Corpus, labels: list[str]) -> list[tuple[str, list[str]]]:
    layers = [(layer.name, [lb.name for lb in layer.labels]) for layer in corpus.scheme.layers]
    known = {name for _, names in layers for name in names}
    unknown = [name for name in labels if name not in known]
    if unknown:
        layers.append(("(not in scheme)", unknown))
    return layers


def compute_agreement(
    corpus: Corpus,
    annotators: Sequence[str] | None = None,
    include_unfinished: bool = False,
    top: int = 10,
    doc_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Every agreement measure over ``corpus`` (or only its documents ``doc_ids``) as one
    JSON-ready dict (see README)."""
    if annotators is None:
        annotators = default_annotators(corpus)
    annotators = list(dict.fromkeys(annotators))
    for name in annotators:
        if not is_valid_name(name):
            raise AgreementError(f"{name!r} is not a valid annotator name")
        if not corpus.annotator_dir(name).is_dir():
            raise AgreementError(f"annotator {name!r} has no annotations in {corpus.root}")
    if len(annotators) < 2:
        found = ", ".join(annotators) or "none"
        raise AgreementError(f"agreement needs two or more annotators (found: {found})")
    data = load(corpus, annotators, include_unfinished, doc_ids)
    return measure(data, _layers(corpus, data.labels), corpus.scheme, top=top,
                   include_unfinished=include_unfinished)


def measure(
    data: Loaded,
    layers: list[tuple[str, list[str]]],
    scheme: Any = None,
    top: int = 10,
    include_unfinished: bool = False,
) -> dict[str, Any]:
    m = _Measure(data, layers)
    names = data.annotators
    label_index = {name: i for i, name in enumerate(data.labels)}
    layer_of = {lb: layer for layer, lbs in layers for lb in lbs}
    counts = [m.counts(a) for a in range(len(names))]
    pairs = list(combinations(range(len(names)), 2))
    n_docs = m.n_docs

    # alpha_u over all annotators, per label and overall
    overall_alpha, per_category = alpha_u(
        data.ann, data.start, data.end, data.label, len(names), data.offsets
    )
    doc_unmatched = np.zeros(n_docs, np.int64)
    doc_chars = np.zeros(n_docs, np.float64)
    pair_out: list[dict[str, Any]] = []
    per_pair_label: list[dict[str, tuple[PRF, PRF]]] = []
    confusion: dict[str, NDArray[np.float64]] = {}
    article = label_index.get("article")

    for a, b in pairs:
        ma, mb = m.masks[a], m.masks[b]
        la = data.label[ma]
        ea, _ = exact_matches(m.lane_start[ma], m.lane_end[ma], m.lane_start[mb], m.lane_end[mb])
        oa, ob = max_overlap_matching(
            m.lane_start[ma], m.lane_end[ma], m.lane_start[mb], m.lane_end[mb]
        )
        exact_n = np.bincount(la[ea], minlength=m.n_labels)
        overlap_n = np.bincount(la[oa], minlength=m.n_labels)
        da, db = data.doc[ma], data.doc[mb]
        doc_unmatched += (
            np.bincount(da, minlength=n_docs) + np.bincount(db, minlength=n_docs)
            - 2 * np.bincount(da[ea], minlength=n_docs)
        )
        by_label: dict[str, tuple[PRF, PRF]] = {}
        labels_out: dict[str, Any] = {}
        for k, name in enumerate(data.labels):
            exact = PRF(int(exact_n[k]), int(counts[a][k]), int(counts[b][k]))
            overlap = PRF(int(overlap_n[k]), int(counts[a][k]), int(counts[b][k]))
            by_label[name] = (exact, overlap)
            if exact.n_ref + exact.n_pred:
                labels_out[name] = _prf_json(exact, overlap)
        per_pair_label.append(by_label)
        total_exact = PRF(len(ea), int(ma.sum()), int(mb.sum()))
        total_overlap = PRF(len(oa), int(ma.sum()), int(mb.sum()))
        entry: dict[str, Any] = {"a": names[a], "b": names[b]}
        entry["overall"] = _prf_json(total_exact, total_overlap)
        entry["labels"] = labels_out
        # kappa per layer for this pair, and the characters each document disputes
        kappas: dict[str, float | None] = {}
        kappa_reasons: dict[str, str] = {}
        for layer, layer_labels in layers:
            ids = [label_index[x] for x in layer_labels if x in label_index]
            if not ids:
                continue
            starts, widths, values = joint_steps([m.painted(a, layer, ids), m.painted(b, layer, ids)])
            size = len(ids) + 1
            conf = np.bincount(values[0] * size + values[1], weights=widths, minlength=size * size)
            conf = conf.reshape(size, size)
            confusion[layer] = confusion.get(layer, 0) + conf
            kappa = cohen_kappa(conf)
            kappas[layer] = kappa.value
            if kappa.value is None:
                kappa_reasons[layer] = kappa.reason or ""
            if n_docs:
                piece_doc = np.searchsorted(data.offsets, starts, side="right") - 1
                doc_chars += np.bincount(
                    piece_doc, weights=widths * (values[0] != values[1]), minlength=n_docs
                )
        entry["kappa_char"] = kappas
        if kappa_reasons:
            entry["kappa_char_reasons"] = kappa_reasons
        if len(names) == 2:
            pair_alpha = overall_alpha  # the pair is everyone: same numbers
        else:
            pair_alpha, _ = alpha_u(
                (data.ann[ma | mb] == b).astype(np.int64), data.start[ma | mb],
                data.end[ma | mb], data.label[ma | mb], 2, data.offsets,
            )
        _put(entry, "alpha_u", pair_alpha.value, pair_alpha.reason)
        if article is not None:
            entry["articles"] = _articles(data, ma, mb, oa, ob, article)
        pair_out.append(entry)

    result: dict[str, Any] = {
        "annotators": names,
        "documents": n_docs,
        "include_unfinished": include_unfinished,
        "excluded": data.excluded,
        "problems": data.problems,
    }
    labels_json: dict[str, Any] = {}
    for k, name in enumerate(data.labels):
        n = {names[a]: int(counts[a][k]) for a in range(len(names))}
        entry = {"layer": layer_of.get(name)}
        if not any(n.values()):
            reason = "no annotator marked a span of this label"
            for key in ("f1_exact", "f1_overlap", "alpha_u"):
                _put(entry, key, None, reason)
            entry["n"] = n
            labels_json[name] = entry
            continue
        for kind, idx in (("exact", 0), ("overlap", 1)):
            prfs = [pl[name][idx] for pl in per_pair_label]
            for metric in ("precision", "recall", "f1"):
                vals = [getattr(p, metric) for p in prfs]
                _put(entry, f"{metric}_{kind}", _mean(vals),
                     "undefined for every pair (one side marked none)")
            entry[f"matched_{kind}"] = int(sum(p.matched for p in prfs))
        cat = per_category.get(k)
        if cat is None:
            _put(entry, "alpha_u", None, overall_alpha.reason)
        else:
            cat_alpha = cat.alpha
            _put(entry, "alpha_u", cat_alpha.value, cat_alpha.reason)
            entry["alpha_u_observed"] = cat.observed
            entry["alpha_u_expected"] = cat.expected
            if cat.merged:
                entry["alpha_u_merged_overlaps"] = cat.merged
        entry["n"] = n
        labels_json[name] = entry
    result["labels"] = labels_json

    overall: dict[str, Any] = {}
    for kind in ("exact", "overlap"):
        for metric in ("precision", "recall", "f1"):
            vals = [p["overall"][f"{metric}_{kind}"] for p in pair_out]
            _put(overall, f"{metric}_{kind}", _mean(vals), "no spans in the compared documents")
    _put(overall, "alpha_u", overall_alpha.value, overall_alpha.reason)
    overall["n"] = {names[a]: int(m.masks[a].sum()) for a in range(len(names))}
    result["overall"] = overall

    kappa_json: dict[str, float | None] = {}
    kappa_reasons_all: dict[str, str] = {}
    for layer, layer_labels in layers:
        ids = [label_index[x] for x in layer_labels if x in label_index]
        if not ids:
            continue
        if len(names) == 2:
            value = pair_out[0]["kappa_char"][layer]
            reason = pair_out[0].get("kappa_char_reasons", {}).get(layer)
        else:
            _, widths, values = joint_steps([m.painted(a, layer, ids) for a in range(len(names))])
            size = len(ids) + 1
            table = np.zeros((len(widths), size))
            for row in values:
                table[np.arange(len(widths)), row] += 1
            kappa = fleiss_kappa(table, widths)
            value, reason = kappa.value, kappa.reason
        kappa_json[layer] = value
        if value is None:
            kappa_reasons_all[layer] = reason or "not computable"
    result["kappa_char"] = kappa_json
    result["kappa_char_method"] = "cohen" if len(names) == 2 else "fleiss"
    if kappa_reasons_all:
        result["kappa_char_reasons"] = kappa_reasons_all

    result["doc_labels"], doc_label_diffs = _doc_labels(data, scheme)
    result["pairs"] = pair_out
    result["confusion"] = {
        layer: {
            "labels": ["O", *[x for x in lbs if x in label_index]],
            "matrix": conf.astype(np.int64).tolist(),
            "unit": "characters, summed over pairs (rows: first annotator of each pair)",
        }
        for layer, lbs in layers
        if isinstance(conf := confusion.get(layer), np.ndarray)
    }
    if article is not None:
        result["articles"] = {
            "found": {names[a]: int(counts[a][article]) for a in range(len(names))},
            "pairs": [{"a": p["a"], "b": p["b"], **p["articles"]} for p in pair_out],
        }
    result["disputed"] = _disputed(data, doc_unmatched, doc_chars, doc_label_diffs, top)
    result["notes"] = NOTES
    return result


def _prf_json(exact: PRF, overlap: PRF) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, prf in (("exact", exact), ("overlap", overlap)):
        reason = prf.reason() or "one annotator marked none"
        _put(out, f"precision_{kind}", prf.precision, reason)
        _put(out, f"recall_{kind}", prf.recall, reason)
        _put(out, f"f1_{kind}", prf.f1, reason)
        out[f"matched_{kind}"] = prf.matched
    out["n_a"], out["n_b"] = exact.n_ref, exact.n_pred
    return out


def _articles(
    data: Loaded, ma: NDArray[np.bool_], mb: NDArray[np.bool_], oa: IntArray, ob: IntArray,
    article: int,
) -> dict[str, Any]:
    """Boundary distances of the articles the overlap matching paired up."""
    sa, ea, la = data.start[ma][oa], data.end[ma][oa], data.label[ma][oa]
    sb, eb = data.start[mb][ob], data.end[mb][ob]
    keep = la == article
    sa, ea, sb, eb = sa[keep], ea[keep], sb[keep], eb[keep]
    doc = data.doc[ma][oa][keep]
    d_start, d_end = np.abs(sa - sb), np.abs(ea - eb)
    line_start = np.zeros(len(sa), np.int64)
    line_end = np.zeros(len(sa), np.int64)
    # Lines between two offsets = newlines between them; only differing edges need a look.
    for k in np.flatnonzero((d_start > 0) | (d_end > 0)).tolist():
        text, base = data.texts[doc[k]], int(data.offsets[doc[k]])
        lo, hi = sorted((int(sa[k]) - base, int(sb[k]) - base))
        line_start[k] = text.count("\n", lo, hi)
        lo, hi = sorted((int(ea[k]) - base, int(eb[k]) - base))
        line_end[k] = text.count("\n", lo, hi)
    return {
        "matched": len(sa),
        "start_chars": _stats(d_start),
        "end_chars": _stats(d_end),
        "start_lines": _stats(line_start),
        "end_lines": _stats(line_end),
    }


def _doc_labels(data: Loaded, scheme: Any) -> tuple[dict[str, Any], NDArray[np.int64]]:
    names: list[str] = [d.name for d in scheme.doc_labels] if scheme is not None else []
    for per_doc in data.doc_labels:
        for labels in per_doc:
            names += [k for k in labels if k not in names]
    out: dict[str, Any] = {}
    diffs = np.zeros(len(data.doc_ids), np.int64)
    for name in names:
        units = [[labels.get(name) for labels in per_doc] for per_doc in data.doc_labels]
        result = krippendorff_alpha_nominal(units)
        entry: dict[str, Any] = {}
        _put(entry, "alpha", result.value, result.reason)
        entry["units"] = result.units
        entry["n"] = {
            a: sum(1 for u in units if u[i] is not None) for i, a in enumerate(data.annotators)
        }
        differ = [len({v for v in u if v is not None}) > 1 for u in units]
        entry["documents_differing"] = int(sum(differ))
        diffs += np.array(differ, dtype=np.int64) if differ else 0
        out[name] = entry
    return out, diffs


def _disputed(
    data: Loaded, unmatched: IntArray, chars: NDArray[np.float64], label_diffs: IntArray, top: int
) -> list[dict[str, Any]]:
    """The documents with the most disagreement: unmatched spans, then characters."""
    if not len(data.doc_ids):
        return []
    score = unmatched + label_diffs
    order = np.lexsort((-chars, -score))
    out = []
    for d in order[:top].tolist():
        if score[d] == 0 and chars[d] == 0:
            break
        out.append({
            "doc_id": data.doc_ids[d],
            "unmatched_spans": int(unmatched[d]),
            "doc_labels_differing": int(label_diffs[d]),
            "disputed_chars": int(chars[d]),
            "chars": int(data.offsets[d + 1] - data.offsets[d]),
        })
    return out
