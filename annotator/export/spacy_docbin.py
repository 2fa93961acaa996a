"""``spacy``: a ``SPLIT.spacy`` DocBin per split, written with spaCy itself (extra ``spacy``).

Tokens are the CoNLL export's: the chosen tokenizer (``--tokenizer``), then cut at every
span edge (:func:`annotator.export.tokenize.split_at`), so that every span lies on token
boundaries: Korean ``LG전자가`` with the entity ``LG전자`` gives the tokens ``LG전자`` and
``가``, where spaCy's own tokenizer would keep one token and ``Doc.char_span`` would return
None and lose the entity. Whitespace follows spaCy's convention (a token's trailing space,
runs of other whitespace as whitespace tokens), so ``doc.text`` is the document text.

Each Doc holds:

- ``doc.ents``: the spans of the ``--layer`` layers (default ``entity``), which must not
  overlap one another (spaCy's entities cannot);
- ``doc.spans[LAYER]``: the spans of every layer of the scheme, overlaps allowed (for
  spaCy's span categoriser), each span group named after its layer;
- ``doc.cats``: per document label set on the document, 1.0 for its value and 0.0 for the
  label's other values, keyed by value (``NAME=VALUE`` when two document labels of the
  scheme share a value);
- ``doc.user_data``: ``id``, ``url`` and ``split`` of the record.

Span attributes are not carried (counted in the manifest's warnings). Read back with
``DocBin().from_disk(path).get_docs(nlp.vocab)`` (any vocab, e.g. ``spacy.blank("xx")``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.export.base import Writer
from annotator.export.output import FileInfo, write_file
from annotator.export.tokenize import Tokenizer, split_at
from annotator.model import LabelScheme

SPACY_HINT = "the spacy format needs spaCy: pip install 'article-annotator[spacy]'"


class SpacyMissingError(RuntimeError):
    """spaCy is not installed."""


def _spacy() -> Any:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
        from spacy.util import get_words_and_spaces
        from spacy.vocab import Vocab
    except ImportError as exc:
        raise SpacyMissingError(SPACY_HINT) from exc
    return spacy, Doc, DocBin, Vocab, get_words_and_spaces


def cat_names(scheme: LabelScheme) -> dict[tuple[str, str], str]:
    """(document label, value) -> the key of ``doc.cats``."""
    values = [value for d in scheme.doc_labels for value in d.values]
    clash = len(values) != len(set(values))
    return {
        (d.name, value): f"{d.name}={value}" if clash else value
        for d in scheme.doc_labels
        for value in d.values
    }


class SpacyWriter(Writer):
    name = "spacy"
    suffix = ".spacy"

    def __init__(
        self,
        folder: Path,
        split_names: list[str],
        scheme: LabelScheme,
        ent_layers: tuple[str, ...],
        tokenizer: Tokenizer,
    ) -> None:
        super().__init__(folder, split_names)
        _, self._doc, self._docbin, vocab, self._words_and_spaces = _spacy()
        self.vocab = vocab()
        self.tokenizer = tokenizer
        self.layer_of = {lb.name: layer.name for layer in scheme.layers for lb in layer.labels}
        self.ent_layers = frozenset(ent_layers)
        self.layers = [layer.name for layer in scheme.layers]
        self.cats = cat_names(scheme)
        self.doc_values = {d.name: d.values for d in scheme.doc_labels}
        # One DocBin per split, made with its first document: an empty split gets no file.
        self.bins: dict[str, Any] = {}
        self.attrs_left_out = 0
        self.ents_dropped = 0
        self.trimmed = 0

    def _span(self, doc: Any, span: dict[str, Any]) -> Any:
        made = doc.char_span(span["start"], span["end"], label=span["label"])
        if made is None:
            # Only whitespace at a span's edge can miss a token edge (every edge was cut):
            # that whitespace belongs to no token, so the span is shrunk to its words.
            made = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="contract"
            )
            self.trimmed += 1
        return made

    def write(self, record: dict[str, Any]) -> None:
        text = record["text"]
        spans = record["spans"]
        offsets = split_at(self.tokenizer(text), (e for s in spans for e in (s["start"], s["end"])))
        words, spaces = self._words_and_spaces([text[a:b] for a, b in offsets], text)
        doc = self._doc(self.vocab, words=words, spaces=spaces)
        groups: dict[str, list[Any]] = {name: [] for name in self.layers}
        ents = []
        for span in spans:
            if span["attrs"]:
                self.attrs_left_out += 1
            made = self._span(doc, span)
            if made is None or not len(made):
                continue
            layer = self.layer_of.get(span["label"])
            if layer is not None:
                groups[layer].append(made)
            if layer in self.ent_layers:
                ents.append(made)
        try:
            doc.ents = ents
        except ValueError:  # overlapping spans in the chosen layers: kept in doc.spans only
            self.ents_dropped += 1
        for name, group in groups.items():
            doc.spans[name] = group
        for name, value in record["doc_labels"].items():
            for other in self.doc_values.get(name, [value]):
                doc.cats[self.cats.get((name, other), other)] = 1.0 if other == value else 0.0
        doc.user_data["id"] = record["id"]
        doc.user_data["url"] = record["url"]
        doc.user_data["split"] = record["split"]
        stem = self.stem(record["split"])
        if stem not in self.bins:
            self.bins[stem] = self._docbin(store_user_data=True)
        self.bins[stem].add(doc)

    def close(self) -> dict[str, FileInfo]:
        for name in self.split_names:
            docbin = self.bins.get(name)
            if docbin is None:
                continue
            rel = f"{name}{self.suffix}"
            # to_bytes and write_file, not to_disk: the file is fsynced like every other.
            self.files[rel] = write_file(self.folder / rel, docbin.to_bytes())
        if self.attrs_left_out:
            self.warnings.append(
                f"spaCy spans have no attributes: the attributes of {self.attrs_left_out} "
                "span(s) were left out"
            )
        if self.trimmed:
            self.warnings.append(
                f"{self.trimmed} span(s) began or ended with whitespace: their spaCy span "
                "holds the words inside"
            )
        if self.ents_dropped:
            self.warnings.append(
                f"{self.ents_dropped} document(s) have overlapping spans in the entity layers "
                "(--layer): their doc.ents are empty, the spans are in doc.spans"
            )
        return self.files
