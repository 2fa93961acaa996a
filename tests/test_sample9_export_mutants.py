"""Export details pinned by what they write, from the ninth sample of mutmut's survivors
(issue #10): the benchmark's re-encoded pages (a lone surrogate, no timestamp in the gzip
header), brat's ``annotation.conf``, the dataset card of a manifest without a status, the
conll options in the manifest, leftover staging folders whose owner file is odd, and the
message that refuses to replace a previous export holding a stranger file.

Equivalent mutants (no observable behaviour changes):

- ``annotator.export.output`` ``hash_file`` 7 (``handle.read(None)`` instead of reading
  1 MiB at a time): the whole file is read in one chunk, hashed and counted; the sha256 and
  the size are the same, only the memory held at once differs.
"""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.export import ExportOptions, export_corpus
from annotator.export.benchmark import utf8_html_gz
from annotator.export.card import dataset_card
from annotator.export.manifest import ExportManifest
from annotator.importers.html import KEPT_AS_UTF8
from annotator.outputs import OutputPathError
from tests.conftest import add_text
from tests.test_export import annotate, small_article

TEXT = "Kim met Lee in Seoul.\nBy Jane Roe, AP\n"


def done_doc(corpus: Corpus) -> None:
    """One done gold document: an article over the whole text with the entity ``Lee``."""
    add_text(corpus, "d1", TEXT)
    annotate(corpus, "d1", small_article(TEXT, "Lee"))


def test_a_kept_lone_surrogate_becomes_a_question_mark_in_the_benchmark_page() -> None:
    # Import keeps a page it re-encoded as UTF-8 with surrogatepass: a lone surrogate
    # (U+D800, bytes ED A0 80) can be in it, and UTF-8 proper cannot carry one.
    kept = gzip.compress(b"<p>a\xed\xa0\x80b</p>", mtime=0)
    data = utf8_html_gz(kept, "utf-8", [KEPT_AS_UTF8])
    # errors="replace" on encoding writes "?" for it.
    assert gzip.decompress(data) == b"<p>a?b</p>"


def test_a_re_encoded_benchmark_page_has_no_timestamp() -> None:
    # A Latin-1 page is decoded and written again as UTF-8: "café" -> 63 61 66 C3 A9.
    kept = gzip.compress("<p>café</p>".encode("latin-1"), mtime=0)
    data = utf8_html_gz(kept, "iso-8859-1")
    assert gzip.decompress(data) == "<p>café</p>".encode()
    # Bytes 4..7 of a gzip header are its mtime: 0, so that two exports are byte-identical.
    assert data[4:8] == b"\0\0\0\0"
    assert data == gzip.compress("<p>café</p>".encode(), mtime=0)


def test_brat_annotation_conf_of_the_default_scheme(corpus: Corpus, tmp_path: Path) -> None:
    done_doc(corpus)
    out = tmp_path / "brat"
    assert export_corpus(corpus, ExportOptions("brat", out)).exported == 1
    # Every label of the default scheme as an entity, the overlap relation brat needs for
    # overlapping spans, and the two choice attributes (role, kind) as A-line attributes.
    assert (out / "annotation.conf").read_text("utf-8") == (
        "[entities]\narticle\nboilerplate\ntitle\nsubtitle\nbyline\ndate\nPER\nORG\nLOC\nMISC\n"
        "\n[relations]\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"
        "\n[events]\n\n[attributes]\nrole\tArg:article, Value:main|related\n"
        "kind\tArg:boilerplate, Value:navigation|header|footer|caption|related-links"
        "|advertisement|share|other\n"
    )


def test_the_card_of_a_manifest_without_a_status_still_reads(corpus: Corpus, tmp_path: Path) -> None:
    done_doc(corpus)
    out = tmp_path / "js"
    export_corpus(corpus, ExportOptions("jsonl", out))
    raw = orjson.loads((out / "manifest.json").read_bytes())
    # A manifest.json whose options say nothing of the status (options are "as given").
    del raw["options"]["status"]
    manifest = ExportManifest.model_validate(raw)
    card = dataset_card(manifest)
    # No status listed, then the counts: 1 document, 1 article.
    assert "the annotations of `gold` with status , 1 document(s), 1 article(s)." in card


def test_the_conll_manifest_lists_its_layers_tokenizer_and_text(corpus: Corpus, tmp_path: Path) -> None:
    done_doc(corpus)
    out = tmp_path / "conll"
    export_corpus(corpus, ExportOptions("conll", out, layers=("entity", "part")))
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["options"] == {
        "format": "conll",
        "source": "gold",
        "status": ["done"],
        "split": None,
        "seed": 0,
        "allow_incomplete": False,
        "layers": ["entity", "part"],
        "tokenizer": "default",
        "text": "document",
    }


@pytest.mark.parametrize(
    "owner",
    [
        # Valid JSON but no object: not an owner anyone wrote.
        b"[1, 2]",
        # This host, but a pid that is no number: not ours to judge.
        None,
    ],
    ids=["not-an-object", "pid-not-a-number"],
)
def test_a_leftover_with_an_odd_owner_is_left_alone(
    corpus: Corpus, tmp_path: Path, owner: bytes | None
) -> None:
    done_doc(corpus)
    out = tmp_path / "out"
    real_out = out.resolve()
    if owner is None:
        owner = orjson.dumps({"pid": "123", "host": socket.gethostname(), "out": str(real_out)})
    leftover = tmp_path / ".out.0123456789ab.partial"
    leftover.mkdir()
    (leftover / ".owner").write_bytes(owner)
    (leftover / "data.jsonl").write_bytes(b"{}\n")
    assert export_corpus(corpus, ExportOptions("jsonl", out)).exported == 1
    assert (out / "data.jsonl").exists()
    assert (leftover / "data.jsonl").read_bytes() == b"{}\n"
    assert (leftover / ".owner").read_bytes() == owner


def test_force_names_the_one_file_a_previous_export_did_not_write(
    corpus: Corpus, tmp_path: Path
) -> None:
    done_doc(corpus)
    out = tmp_path / "out"
    export_corpus(corpus, ExportOptions("jsonl", out))
    (out / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(OutputPathError) as info:
        export_corpus(corpus, ExportOptions("jsonl", out, force=True))
    # One stranger: named, with no "and N more".
    assert str(info.value) == (
        f"{out}: not replaced: it holds notes.txt, which the previous export did not write; "
        "move it away first"
    )
    assert (out / "notes.txt").read_text("utf-8") == "mine"
