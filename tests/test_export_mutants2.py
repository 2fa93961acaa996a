"""Export details pinned by what they write, second sample of mutmut's survivors of
``annotator/export/``: the benchmark's warning about ids holding a dot, brat's
``[attributes]`` leaving out attributes that are not choices, a CoNLL article whose last
entity ends where the article ends, and the clean-up of dead exports next to a folder that
cannot be read.

Equivalent mutants (no observable behaviour changes):

- ``annotator.export.conll`` ``_bio_tokens`` 13 (tokens outside every span start as owner
  ``-2`` instead of ``-1``): the tag of a token only asks ``owner < 0`` (both are "O") and
  whether its owner equals the previous token's, which for a span (owner >= 0) is never
  true of ``-1`` or ``-2``; the same tags come out.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson

from annotator.corpus import Corpus
from annotator.export import ExportOptions, export_corpus
from annotator.export.brat import annotation_conf
from annotator.export.conll import DOCSTART, ConllWriter
from annotator.export.output import remove_leftovers
from annotator.export.tokenize import default_tokenize
from annotator.model import AttributeDef, DocumentMeta, LabelDef
from annotator.rules import sha256_text
from tests.test_export import annotate, small_article


def test_the_benchmark_warns_of_ids_holding_a_dot(corpus: Corpus, tmp_path: Path) -> None:
    text = "Body of the page with Alice Kim in it.\n"
    html = f"<html><body>{text}</body></html>"
    for doc_id in ("page.v2", "plain"):
        meta = DocumentMeta(
            doc_id=doc_id,
            text_sha256=sha256_text(text),
            chars=len(text),
            source=f"{doc_id}.html",
            source_format="html",
            url=f"https://h.example/{doc_id}",
            encoding="utf-8",
            html_source=f"{doc_id}.source.html.gz",
        )
        corpus.add_document(text, meta, gzip.compress(html.encode(), mtime=0))
        annotate(corpus, doc_id, small_article(text, "Alice Kim"))
    out = tmp_path / "bench"
    result = export_corpus(corpus, ExportOptions("extraction-benchmark", out))
    assert result.exported == 2
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["warnings"] == [
        "1 id(s) hold a dot (e.g. 'page.v2'): the benchmark's "
        "extractor scripts take the id as the file name up to its first dot"
    ]


def test_brat_attributes_list_only_choices(corpus: Corpus) -> None:
    scheme = corpus.scheme.model_copy(deep=True)
    scheme.layers[0].labels.append(
        LabelDef(
            name="NOTE",
            color="#123456",
            attrs=[
                # A text attribute that happens to list values: still free text, no A line.
                AttributeDef(name="remark", type="text", values=["good", "bad"]),
                AttributeDef(name="grade", type="choice", values=["high", "low"]),
            ],
        )
    )
    conf = annotation_conf(scheme)
    attribute_lines = conf.split("[attributes]\n", 1)[1].splitlines()
    assert "grade\tArg:NOTE, Value:high|low" in attribute_lines
    assert not any(line.startswith("remark") for line in attribute_lines)


def test_a_conll_article_keeps_an_entity_ending_at_its_end(tmp_path: Path) -> None:
    text = "Menu. Kim met Lee"
    writer = ConllWriter(tmp_path, [], frozenset({"PER"}), default_tokenize, text="articles")
    writer.write({
        "id": "a", "split": None, "text": text,
        "spans": [{"start": 6, "end": 9, "label": "PER"}, {"start": 14, "end": 17, "label": "PER"}],
        "articles": [{
            "span_id": "x1", "start": 6, "end": 17,
            "clean_text": "Kim met Lee", "clean_map": [[0, 6, 11]],
        }],
    })
    writer.close()
    assert (tmp_path / "data.conll").read_text("utf-8") == (
        DOCSTART + "Kim B-PER\nmet O\nLee B-PER\n\n"
    )
    assert writer.dropped_spans == 0


def test_leftovers_next_to_an_unreadable_folder_restore_nothing(tmp_path: Path) -> None:
    # The parent cannot be listed (it does not exist): nothing was put back.
    assert remove_leftovers(tmp_path / "missing" / "out") is False
    assert not (tmp_path / "missing").exists()


