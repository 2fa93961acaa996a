"""WebAnno / INCEpTION TSV 3.x: one document, one annotator's layers, per ``.tsv`` file.

The format (INCEpTION user guide, "WebAnno TSV 3.x File format"; its reader is
``Tsv3XDeserializer``)::

    #FORMAT=WebAnno TSV 3.3
    #T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value
    #T_RL=webanno.custom.Relation|label|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity


    #Text=Ms. Haag plays Elianti .
    1-1	0-3	Ms.	_	PER[1]|PERpart[2]	_	_
    1-2	4-8	Haag	_	PER[1]	_	_

Read:

- **Span layers** (``#T_SP=TYPE|FEATURE|...``): each annotation becomes a span. Its label is
  the value of the layer's ``value`` feature, else of its first feature; a layer without
  features (or a label feature left empty, ``*``) gives the layer's short name
  (``NamedEntity``). The other features become attributes where the scheme's label has one
  of that name (see :mod:`labelmap`), else they are counted as left out.
- **Stacked** annotations (``PER[1]|PERpart[2]``, split on unescaped ``|``) are separate
  spans; **multi-token** ones carry the same disambiguation id ``[N]`` on every token they
  cover and become one span from the first token's start to the last one's end.
- ``_`` is "no annotation in this column"; ``*`` is an annotation whose feature is empty.
- **Sub-tokens** (``1-3.1``) carry their own offsets: their spans are imported at them and
  reported in a warning (a span inside a word is rarely what another tool means).
- Slot features (``ROLE_...``), **relation** layers (``#T_RL``) and **chain** layers
  (``#T_CH``) have no place in the corpus: counted as left out, per layer. So are the
  token-level DKPro layers (POS, lemma, stem, morphology): a tag on every token is no span.
- Escapes: feature values unescape ``\\\\ \\[ \\] \\| \\_ \\-> \\; \\t \\n \\*``; the ``#Text=``
  lines unescape ``\\t \\n \\f \\r \\b \\\\`` and other control characters (3.2 and later), or
  Java string escapes (3.0 and 3.1), as INCEpTION's reader does.

The text is rebuilt as INCEpTION rebuilds it: each ``#Text=`` line followed by a line break;
the first token of each sentence says where the sentence starts, so that line break is
dropped when the next sentence starts right after the previous one, and spaces are added
when it starts later (the format cannot record the text between sentences). The line break
after the last sentence is the format's own and is dropped.

Offsets: INCEpTION counts **UTF-16 code units** (the guide says so: Java strings); they are
converted to code points. Every token (and sub-token) a span covers is checked against the
text at its offsets; a span on a token that does not fit is a problem naming the file and
line and is not imported; nothing is ever shifted to make it fit.

Who annotated: the file does not say (an INCEpTION export holds one user's annotations per
file); name the annotator with ``--annotator`` (default ``imported``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.importers.foreign import (
    AttrValue,
    ForeignAnnotation,
    ForeignDocument,
    ForeignError,
    ForeignSpan,
    Utf16Offsets,
)

SUFFIX = ".tsv"
_FORMAT = re.compile(r"^#FORMAT=(?P<name>.*) (?P<major>\d+)\.(?P<minor>\d+)$")
_UNIT_ID = re.compile(r"^(\d+)-(\d+)(?:\.(\d+))?$")
_OFFSETS = re.compile(r"^(\d+)-(\d+)$")
_CHAIN_LINK = re.compile(r"->(\d+-\d+)$")
#: DKPro Core layers attached to every token: tags of tokens, not spans of a text.
_TOKEN_LEVEL = frozenset({
    "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS",
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Lemma",
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Stem",
    "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.morph.MorphologicalFeatures",
})
#: Feature value escapes (``Escaping.unescapeValue``); ``->`` is escaped as one unit.
_VALUE_ESCAPES = {"\\": "\\", "[": "[", "]": "]", "|": "|", "_": "_", ";": ";", "t": "\t", "n": "\n", "*": "*"}
#: ``#Text=`` escapes of TSV 3.2 and later (``Escaping.unescapeText``).
_TEXT_ESCAPE = re.compile(r"\\([\x00-\x07\x0e-\x1ftnfrb\\])")
_TEXT_NAMED = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\"}
#: Java string escapes (``unescapeJava``), what TSV 3.0 and 3.1 wrote.
_JAVA_ESCAPE = re.compile(r"\\(u+[0-9a-fA-F]{4}|[0-3][0-7]{0,2}|[4-7][0-7]?|[btnfr\"'\\])")


class TsvError(ForeignError):
    """A file that is not readable as WebAnno TSV 3; ``line`` is where it went wrong."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def is_webanno(head: bytes) -> bool:
    """Whether a file's first bytes are a WebAnno TSV header."""
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"#FORMAT=WebAnno TSV")


def file_id(path: Path) -> str:
    """The document id a ``.tsv`` file asks for: its name without ``.tsv``."""
    name = path.name
    return name[: -len(SUFFIX)] if name.lower().endswith(SUFFIX) else name


@dataclass
class _Column:
    layer: str  # the UIMA type name of the layer
    kind: str  # "span", "relation", "chain"
    role: str  # "feature", "placeholder", "slot-role", "slot-target", "base-type", "chain-type", "chain-link"
    feature: str | None = None


@dataclass
class _Unit:
    """A token or sub-token line."""

    line: int
    ident: str
    begin: int  # UTF-16 units
    end: int
    text: str
    sub: bool


@dataclass
class _Annotation:
    layer: str
    line: int  # where it starts, for messages
    units: list[_Unit] = field(default_factory=list)
    features: dict[str, str | None] = field(default_factory=dict)
    slots: int = 0


class _Reader:
    def __init__(self, path: Path, data: str) -> None:
        self.path = path
        self.lines = data.split("\n")
        self.columns: list[_Column] = []
        self.layers: dict[str, list[_Column]] = {}
        self.version = (3, 3)
        self.text = ""
        self.units16 = 0  # length of self.text in UTF-16 units
        self.annotations: list[_Annotation] = []
        self.by_id: dict[tuple[str, str], _Annotation] = {}
        self.left_out: Counter[str] = Counter()
        self.chain_links: dict[str, set[str]] = {}

    # ---- header

    def header(self) -> int:
        """Reads the format line and the layer declarations; returns the next line's index."""
        first = self.lines[0].rstrip("\r") if self.lines else ""
        match = _FORMAT.match(first)
        if match is None or not match["name"].startswith("WebAnno TSV") or match["major"] != "3":
            raise TsvError(1, f"not a WebAnno TSV 3 file: the first line is {first[:60]!r}, expected '#FORMAT=WebAnno TSV 3.x'")
        self.version = (int(match["major"]), int(match["minor"]))
        n = 1
        while n < len(self.lines):
            line = self.lines[n].rstrip("\r")
            kind = {"#T_SP=": "span", "#T_CH=": "chain", "#T_RL=": "relation"}.get(line[:6])
            if kind is None:
                break
            self._declare(n + 1, kind, line[6:])
            n += 1
        return n

    def _declare(self, lineno: int, kind: str, rest: str) -> None:
        # As INCEpTION splits it: empty fields vanish, so "TYPE|" is a layer without features.
        fields = [f for f in rest.split("|") if f]
        if not fields:
            raise TsvError(lineno, "a layer declaration without a type name")
        layer, decls = fields[0], fields[1:]
        if layer in self.layers:
            raise TsvError(lineno, f"layer {layer} is declared twice")
        columns: list[_Column] = []
        for decl in decls:
            if kind == "span" and decl.startswith("ROLE_"):
                columns.append(_Column(layer, kind, "slot-role", decl))
            elif kind == "span" and columns and columns[-1].role == "slot-role":
                columns.append(_Column(layer, kind, "slot-target", decl))
            elif kind == "relation" and decl.startswith("BT_"):
                columns.append(_Column(layer, kind, "base-type", decl))
            elif kind == "chain" and decl == "referenceType":
                columns.append(_Column(layer, kind, "chain-type", decl))
            elif kind == "chain" and decl == "referenceRelation":
                columns.append(_Column(layer, kind, "chain-link", decl))
            else:
                columns.append(_Column(layer, kind, "feature", decl))
        if not columns:
            columns.append(_Column(layer, kind, "placeholder"))
        self.layers[layer] = columns
        self.columns.extend(columns)

    # ---- body

    def body(self, start: int) -> None:
        sentence: list[str] | None = None  # the #Text fragments of a sentence not yet placed
        in_tokens = False
        token: _Unit | None = None
        for n in range(start, len(self.lines)):
            lineno = n + 1
            line = self.lines[n].rstrip("\r")
            if not line:
                in_tokens = False
                continue
            if line.startswith("#") and not in_tokens:
                if line.startswith("#Text="):
                    sentence = (sentence or []) + [self._unescape_text(line[len("#Text="):])]
                continue  # #Sentence.id= and any other sentence header
            if line.startswith("#"):
                raise TsvError(lineno, f"a sentence header {line[:30]!r} right after a token line: a blank line must end each sentence")
            unit = self._unit(lineno, line)
            if unit.sub:
                if token is None or not in_tokens or unit.ident.split(".")[0] != token.ident:
                    raise TsvError(lineno, f"sub-token {unit.ident} does not follow its token")
            elif not in_tokens:
                if sentence is None:
                    raise TsvError(lineno, f"token {unit.ident} before any #Text= line of its sentence")
                self._place_sentence(lineno, sentence, unit.begin)
                sentence = None
                in_tokens = True
            if not unit.sub:
                token = unit
            self._annotations(lineno, unit, line.split("\t")[3:])
        if sentence is not None:
            # A sentence without tokens: INCEpTION cannot place it; its text still belongs.
            self._place_sentence(len(self.lines), sentence, self.units16)
        if self.text.endswith("\n"):
            # The line break the format writes after every sentence: not the document's.
            self.text, self.units16 = self.text[:-1], self.units16 - 1

    def _place_sentence(self, lineno: int, fragments: list[str], begin: int) -> None:
        if self.units16 > begin:
            if self.units16 == begin + 1 and self.text.endswith("\n"):
                self.text, self.units16 = self.text[:-1], self.units16 - 1  # no break between the two
            else:
                raise TsvError(
                    lineno, f"the sentence's first token starts at {begin}, inside the text of the sentences "
                    f"before it (they end at {self.units16}, in UTF-16 units): the offsets do not fit the #Text= lines",
                )
        if self.units16 < begin:
            self.text += " " * (begin - self.units16)  # text between sentences: not in the format
            self.units16 = begin
        piece = "".join(f + "\n" for f in fragments)
        self.text += piece
        self.units16 += _utf16_len(piece)

    def _unit(self, lineno: int, line: str) -> _Unit:
        fields = line.split("\t")
        wanted = 3 + len(self.columns)
        # INCEpTION ends every column with a tab: empty fields past the last are no data.
        if len(fields) < wanted or any(fields[wanted:]):
            found = len(fields) if len(fields) < wanted else max(i for i, f in enumerate(fields) if f) + 1
            raise TsvError(
                lineno, f"expected {wanted} tab-separated columns (id, offsets, token and the {len(self.columns)} "
                f"the header declares), found {found}",
            )
        ident = _UNIT_ID.match(fields[0])
        offsets = _OFFSETS.match(fields[1])
        if ident is None:
            raise TsvError(lineno, f"{fields[0]!r} is not a token id (SENTENCE-TOKEN, or SENTENCE-TOKEN.SUB)")
        if offsets is None or int(offsets[1]) > int(offsets[2]):
            raise TsvError(lineno, f"{fields[1]!r} is not a token's offsets (BEGIN-END)")
        return _Unit(lineno, fields[0], int(offsets[1]), int(offsets[2]), fields[2], ident[3] is not None)

    def _annotations(self, lineno: int, unit: _Unit, values: list[str]) -> None:
        here: dict[tuple[str, int], _Annotation] = {}  # this unit's annotations, by layer and stack index
        for column, raw in zip(self.columns, values, strict=False):
            if raw in ("_", "") or column.role == "slot-target":
                continue  # no annotation here; slot targets are counted with their roles
            items = _split_stack(raw)
            if column.kind == "relation":
                if column is self.layers[column.layer][-1]:  # BT_, one entry per relation
                    self.left_out[f"WebAnno relation ({_short(column.layer)})"] += len(items)
                continue
            if column.kind == "chain":
                # A link spanning several tokens repeats its CHAIN-LINK number on each: count those.
                counted = "chain-link" if any(c.role == "chain-link" for c in self.layers[column.layer]) else column.role
                if column.role == counted:
                    links = self.chain_links.setdefault(column.layer, set())
                    for k, item in enumerate(items):
                        found = _CHAIN_LINK.search(_plain(item))
                        links.add(found[1] if found else f"{lineno}.{k}")
                continue
            for k, item in enumerate(items):
                value, ident = _value(item)
                annotation = here.get((column.layer, k))
                if annotation is None and ident is not None:
                    annotation = self.by_id.get((column.layer, ident))
                if annotation is None:
                    annotation = _Annotation(column.layer, lineno)
                    self.annotations.append(annotation)
                    if ident is not None:
                        self.by_id[(column.layer, ident)] = annotation
                here[(column.layer, k)] = annotation
                if not annotation.units or annotation.units[-1] is not unit:
                    annotation.units.append(unit)
                if column.role == "slot-role":
                    annotation.slots = max(annotation.slots, 0 if value is None else len(_split_plain(item, ";")))
                elif column.role == "feature" and column.feature is not None and annotation.features.get(column.feature) is None:
                    annotation.features[column.feature] = value  # a later token's copy adds nothing

    def _unescape_text(self, text: str) -> str:
        if self.version >= (3, 2):
            return _TEXT_ESCAPE.sub(lambda m: _TEXT_NAMED.get(m[1], m[1]), text)
        return _JAVA_ESCAPE.sub(_java_escape, text)

    # ---- the document

    def document(self) -> ForeignDocument:
        doc = ForeignDocument(
            tool="webanno", source=self.path, line=None, where="", id=file_id(self.path), text=self.text,
            source_format="txt",
        )
        doc.left_out.update(self.left_out)
        for layer, links in self.chain_links.items():
            if links:
                doc.left_out[f"WebAnno chain link ({_short(layer)})"] += len(links)
        offsets = Utf16Offsets(self.text)
        annotation = ForeignAnnotation(annotator=None)
        on_sub_tokens: list[str] = []
        for found in self.annotations:
            short = _short(found.layer)
            if found.slots:
                doc.left_out[f"WebAnno slot feature link ({short})"] += found.slots
            if found.layer in _TOKEN_LEVEL:
                doc.left_out[f"WebAnno {short} annotation (a token-level layer)"] += 1
                continue
            label = self._label(found)
            first, last = found.units[0], found.units[-1]
            where = first.ident if first is last else f"{first.ident} to {last.ident}"
            ref = f"{short} {label!r} on {where}"
            problem = next((p for u in found.units if (p := _misfit(u, self.text, offsets, self.units16))), None)
            if problem is not None:
                doc.problems.append((found.line, f"{ref}: {problem}; not imported"))
                continue
            begin16, end16 = min(u.begin for u in found.units), max(u.end for u in found.units)
            start, end = offsets.to_code_points(begin16), offsets.to_code_points(end16)
            assert start is not None and end is not None  # its units fit, so their edges do
            if start >= end:
                doc.left_out[f"WebAnno zero-width annotation ({short})"] += 1
                continue
            attrs: dict[str, AttrValue] = {
                name: value for name, value in found.features.items()
                if value is not None and name != self._label_feature(found.layer)
            }
            annotation.spans.append(ForeignSpan(start, end, label, f"line {found.line}", attrs))
            if any(u.sub for u in found.units):
                on_sub_tokens.append(ref)
        if on_sub_tokens:
            doc.warnings.append(
                f"{len(on_sub_tokens)} span(s) on sub-tokens imported at the sub-tokens' offsets "
                f"({'; '.join(on_sub_tokens[:5])})"
            )
        doc.annotations.append(annotation)
        return doc

    def _label_feature(self, layer: str) -> str | None:
        features = [c.feature for c in self.layers[layer] if c.role == "feature" and c.feature]
        return "value" if "value" in features else (features[0] if features else None)

    def _label(self, found: _Annotation) -> str:
        name = self._label_feature(found.layer)
        value = found.features.get(name) if name is not None else None
        return value if value else _short(found.layer)


def parse(path: Path, data: bytes) -> ForeignDocument:
    """The document of one WebAnno TSV 3 file; :class:`TsvError` when it cannot be read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TsvError(None, f"not UTF-8 (WebAnno TSV files always are): {exc}") from exc
    reader = _Reader(path, text.removeprefix("\ufeff"))
    reader.body(reader.header())
    if not reader.text.strip():
        raise TsvError(None, "no #Text= line: the file holds no text")
    return reader.document()


def _misfit(unit: _Unit, text: str, offsets: Utf16Offsets, length16: int) -> str | None:
    """Why ``unit`` is not at its offsets in ``text``, or None."""
    if unit.end > length16:
        return f"token {unit.ident} {unit.text!r} at {unit.begin}-{unit.end} ends past the text ({length16} UTF-16 units)"
    start, end = offsets.to_code_points(unit.begin), offsets.to_code_points(unit.end)
    if start is None or end is None:
        return f"token {unit.ident} {unit.text!r} at {unit.begin}-{unit.end} cuts a character outside the BMP in half"
    if text[start:end] != unit.text:
        return f"token {unit.ident} {unit.text!r} is not the text at {unit.begin}-{unit.end}: {text[start:end]!r}"
    return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _short(layer: str) -> str:
    return layer.rsplit(".", 1)[-1]


def _tokens(raw: str) -> list[tuple[str, bool]]:
    """``raw`` as (text, escaped) pieces: an escape sequence is one escaped piece."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(raw):
        if raw[i] == "\\" and raw.startswith("->", i + 1):
            out.append(("->", True))
            i += 3
        elif raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in _VALUE_ESCAPES:
            out.append((_VALUE_ESCAPES[raw[i + 1]], True))
            i += 2
        else:
            out.append((raw[i], False))
            i += 1
    return out


def _split_stack(raw: str) -> list[list[tuple[str, bool]]]:
    """The stacked values of a column, split on unescaped ``|``."""
    items: list[list[tuple[str, bool]]] = [[]]
    for piece in _tokens(raw):
        if piece == ("|", False):
            items.append([])
        else:
            items[-1].append(piece)
    return items


def _plain(item: list[tuple[str, bool]]) -> str:
    return "".join(text for text, _ in item)


def _split_plain(item: list[tuple[str, bool]], sep: str) -> list[str]:
    parts = [""]
    for text, escaped in item:
        if text == sep and not escaped:
            parts.append("")
        else:
            parts[-1] += text
    return parts


def _value(item: list[tuple[str, bool]]) -> tuple[str | None, str | None]:
    """(the value, None for ``*``; the disambiguation id ``N`` of a ``[N]`` suffix)."""
    ident = None
    if item and item[-1] == ("]", False):
        opening = max((i for i, piece in enumerate(item) if piece == ("[", False)), default=None)
        if opening is not None:
            inside = _plain(item[opening + 1 : -1])
            if inside.isdigit():
                ident, item = inside, item[:opening]
    if item == [("*", False)]:
        return None, ident
    return _plain(item), ident


def _java_escape(match: re.Match[str]) -> str:
    code = match[1]
    if code[0] == "u":
        return chr(int(code.lstrip("u"), 16))
    if code[0].isdigit():
        return chr(int(code, 8))
    return {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r"}.get(code, code)
