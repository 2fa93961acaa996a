"""Agreement over a corpus: load every compared annotation once, measure, explain.

Loading reads each annotation file with orjson and checks only what the measures rely on
(the file is for this document, annotator and text; offsets are integers inside the
text). A file that fails is left out with its path and the problem, never guessed at;
``annotator validate`` gives the full diagnosis. Full pydantic validation of every file
would cost several times the measuring itself.

All spans of all documents then go into flat numpy arrays on one number line (the
documents laid end to end), and every measure is a few vectorised numpy calls.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import orjson
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
from annotator.corpus import TEXT_SUFFIX, Corpus
from annotator.model import GOLD, STATUSES, SUGGESTIONS, is_valid_name

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


class _Ids(dict[str, int]):
    """Label name -> id, adding unknown names as they come."""

    def __missing__(self, key: str) -> int:
        if not isinstance(key, str):
            raise TypeError(f"label {key!r} is not a string")
        value = self[key] = len(self)
        return value


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
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return int(self.offsets[-1])


def default_annotators(corpus: Corpus) -> list[str]:
    """Every annotator folder except the suggestions (gold is never among them)."""
    return [a for a in corpus.annotators() if a not in (SUGGESTIONS, GOLD)]


def _check_file(raw: object, doc_id: str, annotator: str, sha: str) -> str | None:
    """Why ``raw`` cannot be used for ``doc_id`` by ``annotator``, or None."""
    if not isinstance(raw, dict):
        return "not an annotation object"
    if raw.get("doc_id") != doc_id:
        return f"doc_id {raw.get('doc_id')!r} does not match the file name"
    if annotator != GOLD and raw.get("annotator") != annotator:
        return f"annotator {raw.get('annotator')!r} in a file of {annotator!r}"
    if raw.get("text_sha256") != sha:
        return "text_sha256 does not match the document text: it was made on another text"
    if not isinstance(raw.get("spans", []), list):
        return "spans is not a list"
    doc_labels = raw.get("doc_labels", {})
    if not isinstance(doc_labels, dict) or not all(isinstance(v, str) for v in doc_labels.values()):
        return "doc_labels is not an object of strings"
    return None


def _span_problem(spans: list[Any], length: int) -> str | None:
    """The first bad span of a file (slow path, only run on files known to be bad)."""
    for k, s in enumerate(spans):
        if not isinstance(s, dict):
            return f"spans[{k}] is not an object"
        start, end, label = s.get("start"), s.get("end"), s.get("label")
        if type(start) is not int or type(end) is not int:
            return f"spans[{k}] ({s.get('id')}): start and end must be integers"
        if not isinstance(label, str):
            return f"spans[{k}] ({s.get('id')}): label must be a string"
        if not 0 <= start < end <= length:
            return (
                f"spans[{k}] ({s.get('id')}): offsets [{start}, {end}) are not inside the "
                f"text (0..{length})"
            )
    return None


def load(
    corpus: Corpus, annotators: Sequence[str], include_unfinished: bool = False
) -> Loaded:
    """Read the compared annotations of every document that counts (see module doc)."""
    annotators = list(annotators)
    out = Loaded(annotators=annotators)
    present = [corpus.annotated_ids(a) for a in annotators]
    folders = [str(corpus.annotator_dir(a)) + os.sep for a in annotators]
    doc_folder = str(corpus.documents_dir) + os.sep
    label_ids = _Ids()
    for label in corpus.scheme.labels():  # scheme labels first, in scheme order
        label_ids[label.name] = len(label_ids)
    starts: list[int] = []
    ends: list[int] = []
    labels: list[int] = []
    counts: list[int] = []  # spans per (document, annotator), in load order
    files: list[str] = []
    statuses = frozenset(STATUSES)
    # Parsed files are dropped as soon as their offsets are copied out; with the cyclic
    # garbage collector paused meanwhile, loading costs about what parsing does (the
    # collector would otherwise walk every freshly parsed span dict again and again).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _load_documents(corpus, annotators, present, folders, doc_folder, include_unfinished,
                        out, label_ids, starts, ends, labels, counts, files, statuses)
    finally:
        if gc_was_enabled:
            gc.enable()
    out.labels = list(label_ids)
    _to_arrays(out, starts, ends, labels, counts, files)
    return out


def _load_documents(
    corpus: Corpus,
    annotators: list[str],
    present: list[set[str]],
    folders: list[str],
    doc_folder: str,
    include_unfinished: bool,
    out: Loaded,
    label_ids: _Ids,
    starts: list[int],
    ends: list[int],
    labels: list[int],
    counts: list[int],
    files: list[str],
    statuses: frozenset[str],
) -> None:
    for doc_id in corpus.doc_ids():
        missing = [a for a, ids in zip(annotators, present, strict=True) if doc_id not in ids]
        if missing:
            out.excluded.append({"doc_id": doc_id, "reason": f"no annotation by {', '.join(missing)}"})
            continue
        raws: list[dict[str, Any]] = []
        for folder in folders:
            path = folder + doc_id + ".json"
            try:
                with open(path, "rb") as handle:
                    raw = orjson.loads(handle.read())
            except OSError as exc:
                _problem(out, doc_id, path, f"cannot read: {exc.strerror or exc}")
                break
            except orjson.JSONDecodeError as exc:
                _problem(out, doc_id, path, f"not valid JSON: {exc}")
                break
            status = raw.get("status") if isinstance(raw, dict) else None
            if status not in statuses:
                _problem(out, doc_id, path, f"status {status!r} is not one of {list(STATUSES)}")
                break
            raws.append(raw)
        if len(raws) < len(annotators):
            continue
        skipped = [a for a, r in zip(annotators, raws, strict=True) if r["status"] == "skipped"]
        if skipped:
            out.excluded.append({"doc_id": doc_id, "reason": f"skipped by {', '.join(skipped)}"})
            continue
        if not include_unfinished:
            unfinished = [
                f"{a} ({r['status']})"
                for a, r in zip(annotators, raws, strict=True)
                if r["status"] != "done"
            ]
            if unfinished:
                out.excluded.append(
                    {"doc_id": doc_id, "reason": f"not done by {', '.join(unfinished)}"}
                )
                continue
        text_path = doc_folder + doc_id + TEXT_SUFFIX
        try:
            with open(text_path, "rb") as handle:
                data = handle.read()
            text = data.decode("utf-8")
        except OSError as exc:
            _problem(out, doc_id, text_path, f"cannot read: {exc.strerror or exc}")
            continue
        except UnicodeDecodeError as exc:
            _problem(out, doc_id, text_path, f"not UTF-8 at byte {exc.start}")
            continue
        sha = hashlib.sha256(data).hexdigest()
        doc_starts: list[int] = []
        doc_ends: list[int] = []
        doc_labels: list[int] = []
        doc_counts: list[int] = []
        bad = False
        for a, folder, raw in zip(annotators, folders, raws, strict=True):
            reason = _check_file(raw, doc_id, a, sha)
            spans = raw.get("spans", []) if reason is None else []
            if reason is None:
                try:
                    doc_starts += [s["start"] for s in spans]
                    doc_ends += [s["end"] for s in spans]
                    doc_labels += [label_ids[s["label"]] for s in spans]
                except (KeyError, TypeError):
                    reason = _span_problem(spans, len(text)) or "a span lacks start, end or label"
            if reason is not None:
                _problem(out, doc_id, folder + doc_id + ".json", reason)
                bad = True
                break
            doc_counts.append(len(spans))
        if bad:
            continue
        files += [folder + doc_id + ".json" for folder in folders]
        starts += doc_starts
        ends += doc_ends
        labels += doc_labels
        counts += doc_counts
        out.doc_ids.append(doc_id)
        out.texts.append(text)
        out.doc_labels.append([r.get("doc_labels", {}) for r in raws])


def _problem(out: Loaded, doc_id: str, path: str, message: str) -> None:
    out.problems.append({"path": path, "message": message})
    out.excluded.append({"doc_id": doc_id, "reason": f"unusable file {path}: {message}"})


def _reread_problem(path: str, length: int) -> str | None:
    """Why the spans of the file at ``path`` are unusable (it parsed fine a moment ago)."""
    try:
        with open(path, "rb") as handle:
            spans = orjson.loads(handle.read()).get("spans", [])
    except (OSError, orjson.JSONDecodeError, AttributeError) as exc:
        return f"cannot read it again: {exc}"
    return _span_problem(spans, length)


def _int_array(values: list[int]) -> IntArray | None:
    """``values`` as int64, or None when any is not a plain integer (str, float, null...)."""
    arr = np.asarray(values)
    if len(values) and arr.dtype.kind not in "iu":
        return None
    return arr.astype(np.int64)


def _to_arrays(
    out: Loaded,
    starts: list[int],
    ends: list[int],
    labels: list[int],
    counts: list[int],
    files: list[str],
) -> None:
    n_ann = len(out.annotators)
    lengths = np.array([len(t) for t in out.texts], dtype=np.int64)
    count = np.array(counts, dtype=np.int64).reshape(len(out.doc_ids), n_ann)
    doc = np.repeat(np.arange(len(out.doc_ids), dtype=np.int64), count.sum(axis=1))
    ann = np.repeat(np.tile(np.arange(n_ann, dtype=np.int64), len(out.doc_ids)), count.ravel())
    label = np.array(labels, dtype=np.int64)
    start, end = _int_array(starts), _int_array(ends)
    if start is not None and end is not None:
        bad = (start < 0) | (end <= start) | (end > lengths[doc])
        bad_files = np.unique(doc[bad] * n_ann + ann[bad]).tolist()
    else:  # some offset is not an integer: find the files the slow way
        start = end = np.zeros(len(starts), np.int64)
        bad_files = [
            f for f in range(count.size) if _reread_problem(files[f], int(lengths[f // n_ann]))
        ]
    if bad_files:
        keep_doc = np.ones(len(out.doc_ids), bool)
        for f in bad_files:
            d = f // n_ann
            message = _reread_problem(files[f], int(lengths[d])) or "bad span offsets"
            out.problems.append({"path": files[f], "message": message})
            if keep_doc[d]:
                out.excluded.append(
                    {"doc_id": out.doc_ids[d], "reason": f"unusable file {files[f]}: {message}"}
                )
            keep_doc[d] = False
        keep_span = keep_doc[doc]
        new_index = np.cumsum(keep_doc) - 1
        start, end, label = start[keep_span], end[keep_span], label[keep_span]
        ann, doc = ann[keep_span], new_index[doc[keep_span]]
        out.doc_ids = [x for x, k in zip(out.doc_ids, keep_doc, strict=True) if k]
        out.texts = [x for x, k in zip(out.texts, keep_doc, strict=True) if k]
        out.doc_labels = [x for x, k in zip(out.doc_labels, keep_doc, strict=True) if k]
        lengths = lengths[keep_doc]
    out.offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    out.ann, out.doc, out.label = ann, doc, label
    out.start = start + out.offsets[doc]
    out.end = end + out.offsets[doc]


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
) -> dict[str, Any]:
    """Every agreement measure over ``corpus`` as one JSON-ready dict (see README)."""
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
    data = load(corpus, annotators, include_unfinished)
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
