"""doccano exports: JSON lines (or a JSON list) of ``{"text", ...}`` records.

Read, per record:

- sequence labelling, the classic export: ``"label": [[start, end, "LABEL"], ...]``
  (``"labels"`` is read the same way);
- sequence labelling with relations, the newer export: ``"entities": [{"id", "label",
  "start_offset", "end_offset"}]``; its ``"relations"`` are counted as left out (the corpus
  has no relations);
- text classification: ``"label": ["positive", ...]``, strings, become document labels.

Offsets: doccano counts code points (Python ``str`` indices, what its backend stores), so
they are used as they are. doccano's optional grapheme-cluster mode is not assumed: a text
whose spans were made in it would have other offsets after combining characters, and each
span is checked to lie inside the text (no span text is exported to check against).

Who annotated: doccano writes one file per user when collaborative mode is off; name the
annotator of a file with ``--annotator`` (default: ``imported``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.importers.foreign import (
    ForeignAnnotation,
    ForeignDocument,
    ForeignError,
    ForeignSpan,
    JsonItem,
    record_id,
    span_range_problem,
)

_KNOWN_KEYS = frozenset({"id", "text", "label", "labels", "entities", "relations"})


def parse_record(item: JsonItem, source: Path) -> ForeignDocument:
    """One doccano record; :class:`ForeignError` when it is not one at all."""
    value = item.value
    if not isinstance(value, dict):
        raise ForeignError(f"expected a JSON object, got {type(value).__name__}")
    text = value.get("text")
    if not isinstance(text, str):
        raise ForeignError("has no 'text' string (a doccano record)")
    doc = ForeignDocument(
        tool="doccano", source=source, line=item.line, where=item.where, id=record_id(value), text=text,
        extra={k: v for k, v in value.items() if k not in _KNOWN_KEYS},
    )
    annotation = ForeignAnnotation(annotator=None)
    labels = value.get("label", value.get("labels"))
    if labels is not None and not isinstance(labels, list):
        raise ForeignError(f"'label' must be a list, not {type(labels).__name__}")
    for n, entry in enumerate(labels or [], 1):
        if isinstance(entry, str):
            annotation.doc_labels.append((None, entry))
        elif isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], str):
            _add_span(doc, annotation, entry[0], entry[1], entry[2], f"label #{n} {entry!r}")
        else:
            doc.problems.append((item.line, f"label #{n} {entry!r} is neither [start, end, \"LABEL\"] nor a category"))
    entities = value.get("entities")
    if entities is not None and not isinstance(entities, list):
        raise ForeignError(f"'entities' must be a list, not {type(entities).__name__}")
    for n, entity in enumerate(entities or [], 1):
        if not isinstance(entity, dict) or not isinstance(entity.get("label"), str):
            doc.problems.append((item.line, f"entity #{n} is not an object with a 'label'"))
            continue
        ref = f"entity {entity.get('id', f'#{n}')}"
        _add_span(doc, annotation, entity.get("start_offset"), entity.get("end_offset"), entity["label"], ref)
    relations = value.get("relations")
    if isinstance(relations, list) and relations:
        doc.left_out["doccano relation (the corpus has no relations)"] += len(relations)
    doc.annotations.append(annotation)
    return doc


def _add_span(
    doc: ForeignDocument, annotation: ForeignAnnotation, start: Any, end: Any, label: str, ref: str
) -> None:
    problem = span_range_problem(doc.text, start, end)
    if problem is not None:
        doc.problems.append((doc.line, f"{ref}: {problem}; not imported"))
        return
    annotation.spans.append(ForeignSpan(start, end, label, ref))
