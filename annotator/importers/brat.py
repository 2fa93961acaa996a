"""brat standoff: ``NAME.txt`` with ``NAME.ann`` beside it.

Read from the ``.ann`` file:

- ``T`` lines (text-bound annotations, ``T1<TAB>LABEL START END<TAB>text``) become spans,
  each checked against the text brat shows after it. A discontinuous one
  (``START END;START END``) cannot be one span: it is left out and counted;
- ``A`` (and the older ``M``) lines are attributes of a ``T``: ``A1<TAB>NAME T1 [VALUE]``.
  They become the span's attributes where the scheme's label has an attribute of that name
  (see :mod:`labelmap`); the others are left out and counted;
- relations (``R``), events (``E``), equivalences (``*``), normalisations (``N``) and notes
  (``#``) have no place in the corpus: counted as left out.

Offsets: brat reads the ``.txt`` as UTF-8 without translating newlines, so a CRLF counts as
two characters, and a byte-order mark as one. The text is kept that way here; the importer
normalises it (LF) and moves the spans with it, exactly as for a jsonl line.
"""

from __future__ import annotations

from pathlib import Path

from annotator.importers.foreign import (
    ForeignAnnotation,
    ForeignDocument,
    ForeignError,
    ForeignSpan,
)

_LEFT_OUT = {
    "R": "brat relation",
    "E": "brat event",
    "*": "brat equivalence",
    "N": "brat normalisation",
    "#": "brat note",
}


def ann_path(txt: Path) -> Path:
    return txt.with_name(txt.name[: -len(".txt")] + ".ann") if txt.name.lower().endswith(".txt") else txt


def txt_path(ann: Path) -> Path:
    return ann.with_name(ann.name[: -len(".ann")] + ".txt")


def decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")  # brat's own reading: UTF-8, a BOM kept as a character
    except UnicodeDecodeError as exc:
        raise ForeignError(f"{what} is not UTF-8 (brat reads only UTF-8): {exc}") from exc


def parse(txt: Path, text: str, ann: Path, ann_text: str) -> ForeignDocument:
    """The document of a brat pair; problems name the ``.ann`` file and its line."""
    doc = ForeignDocument(
        tool="brat", source=ann, line=None, where="", id=None, text=text, source_format="txt",
    )
    annotation = ForeignAnnotation(annotator=None)
    spans: dict[str, ForeignSpan] = {}
    skipped: set[str] = set()
    attributes: list[tuple[int, str, str, str, str | None]] = []
    for lineno, line in enumerate(ann_text.splitlines(), 1):
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            span = _text_bound(doc, lineno, ident, rest)
            if span is None:
                skipped.add(ident)
            else:
                spans[ident] = span
                annotation.spans.append(span)
        elif kind in ("A", "M"):
            parts = rest.split()
            if len(parts) < 2:
                doc.problems.append((lineno, f"cannot read attribute {line!r}: expected NAME TARGET [VALUE]"))
                continue
            attributes.append((lineno, ident, parts[0], parts[1], " ".join(parts[2:]) or None))
        elif kind in _LEFT_OUT:
            doc.left_out[_LEFT_OUT[kind]] += 1
        else:
            doc.problems.append((lineno, f"unknown annotation {ident!r} (brat lines start with T, A, M, R, E, *, N or #)"))
    for lineno, ident, name, target, value in attributes:
        if target in spans:
            spans[target].attrs[name] = value
        elif target in skipped:
            doc.left_out["brat attribute of a span left out"] += 1
        else:
            doc.problems.append((lineno, f"attribute {ident} is of {target!r}, which is not a text-bound annotation here"))
    if text.startswith("\ufeff"):
        # brat counted the byte-order mark as a character; the corpus text has none.
        doc.text = text[1:]
        for span in annotation.spans:
            span.start, span.end = max(0, span.start - 1), span.end - 1
        annotation.spans = [s for s in annotation.spans if s.start < s.end]
    doc.annotations.append(annotation)
    return doc


def _text_bound(doc: ForeignDocument, lineno: int, ident: str, rest: str) -> ForeignSpan | None:
    fields = rest.split("\t")
    label, _, offsets = fields[0].partition(" ")
    given = fields[1] if len(fields) > 1 else None
    fragments = offsets.split(";")
    if len(fragments) > 1:
        doc.left_out["brat discontinuous span (several fragments)"] += 1
        return None
    try:
        start, end = (int(x) for x in fragments[0].split())
    except ValueError:
        doc.problems.append((lineno, f"cannot read {ident}: expected LABEL START END, got {fields[0]!r}"))
        return None
    if not label or not 0 <= start < end <= len(doc.text):
        doc.problems.append((lineno, f"{ident}: [{start}, {end}) is not inside the text (0..{len(doc.text)}); not imported"))
        return None
    # A span across a line break: the .ann line cannot hold the break, brat writes a space.
    if given is not None and given.split() != doc.text[start:end].split():
        doc.problems.append(
            (lineno, f"{ident}: its text {given!r} is not the text at [{start}, {end}): {doc.text[start:end]!r}; not imported")
        )
        return None
    return ForeignSpan(start, end, label, ident)
