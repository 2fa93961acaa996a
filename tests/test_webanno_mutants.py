"""WebAnno / INCEpTION TSV imports pinned exactly: slot links and zero-width annotations
counted, the label taken from a layer's only feature, a ``#Text=`` line ending in any
character, a last sentence without tokens, and the message of offsets that overlap.

Tests read files with :func:`annotator.importers.webanno.parse` or import them with the real
``annotator import`` command, and assert the rebuilt text, the spans, the counts of what was
left out and the whole message of a refusal. They were written against mutmut's survivors
of ``annotator/importers/webanno.py``.

Equivalent mutants (no observable behaviour changes): none in
``annotator/importers/webanno.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.importers import webanno
from annotator.importers.foreign import ForeignDocument
from tests.cli_helpers import run

NER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"


def write_tsv(folder: Path, name: str, layers: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#FORMAT=WebAnno TSV 3.3\n{layers}\n\n\n{body}", "utf-8")
    return path


def span_list(doc: ForeignDocument) -> list[tuple[int, int, str, dict[str, object]]]:
    return [(s.start, s.end, s.label, dict(s.attrs)) for s in doc.annotations[0].spans]


def test_slot_feature_links_are_counted_per_annotation(tmp_path: Path) -> None:
    # An event span with two slot links (ROLE_ column, then its target column).
    layers = "#T_SP=webanno.custom.Event|value|ROLE_webanno.custom.Event:agent_webanno.custom.EventAgentLink|webanno.custom.Person"
    path = write_tsv(tmp_path, "slots.tsv", layers, (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\t_\t_\t_\t\n"
        "1-2\t4-7\tmet\tMeeting\tagent;agent\t1-1;1-3\t\n"
        "1-3\t8-11\tLee\t_\t_\t_\t\n"
    ))
    doc = webanno.parse(path, path.read_bytes())
    assert span_list(doc) == [(4, 7, "Meeting", {})]
    assert doc.left_out == {"WebAnno slot feature link (Event)": 2}


def test_zero_width_annotations_are_each_counted(tmp_path: Path) -> None:
    # INCEpTION writes a zero-width annotation on an empty sub-token at its position.
    path = write_tsv(tmp_path, "zero.tsv", f"#T_SP={NER}|value", (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\tPER\t\n"
        "1-1.1\t3-3\t\tLOC\t\n"
        "1-2\t4-7\tmet\t_\t\n"
        "1-3\t8-11\tLee\t_\t\n"
        "1-3.1\t11-11\t\tORG\t\n"
    ))
    doc = webanno.parse(path, path.read_bytes())
    assert span_list(doc) == [(0, 3, "PER", {})]
    assert doc.left_out == {"WebAnno zero-width annotation (NamedEntity)": 2}


def test_the_only_feature_of_a_layer_is_its_label(tmp_path: Path) -> None:
    # No "value" feature: the first (here the only) feature names the span.
    path = write_tsv(tmp_path, "custom.tsv", "#T_SP=webanno.custom.Entity|tag", (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\tPER\t\n"
        "1-2\t4-7\tmet\t_\t\n"
        "1-3\t8-11\tLee\t*\t\n"
    ))
    doc = webanno.parse(path, path.read_bytes())
    # "*" (the feature left empty) falls back to the layer's name; no feature is an attribute.
    assert span_list(doc) == [(0, 3, "PER", {}), (8, 11, "Entity", {})]
    assert doc.left_out == {}


def test_a_text_line_ending_in_x_keeps_its_last_character(tmp_path: Path) -> None:
    path = write_tsv(tmp_path, "x.tsv", f"#T_SP={NER}|value", (
        "#Text=Galaxy X\n"
        "1-1\t0-6\tGalaxy\t_\t\n"
        "1-2\t7-8\tX\tMISC\t\n"
    ))
    doc = webanno.parse(path, path.read_bytes())
    assert doc.text == "Galaxy X"
    assert span_list(doc) == [(7, 8, "MISC", {})]
    assert doc.problems == []


def test_a_last_sentence_without_tokens_still_belongs_to_the_text(tmp_path: Path) -> None:
    path = write_tsv(tmp_path, "tail.tsv", f"#T_SP={NER}|value", (
        "#Text=Kim spoke.\n"
        "1-1\t0-3\tKim\tPER\t\n"
        "1-2\t4-10\tspoke.\t_\t\n"
        "\n"
        "#Text=(Yonhap)\n"
    ))
    doc = webanno.parse(path, path.read_bytes())
    assert doc.text == "Kim spoke.\n(Yonhap)"
    assert span_list(doc) == [(0, 3, "PER", {})]


def test_a_sentence_starting_inside_the_one_before_is_refused_by_line(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_tsv(tmp_path, "overlap.tsv", f"#T_SP={NER}|value", (
        "#Text=Kim spoke.\n"
        "1-1\t0-3\tKim\tPER\t\n"
        "1-2\t4-10\tspoke.\t_\t\n"
        "\n"
        "#Text=Lee\n"
        "2-1\t5-8\tLee\tPER\t\n"
    ))
    code, out, err = run(capsys, "import", str(corpus.root), str(path), "--json")
    assert code == 1
    assert "Traceback" not in err
    assert json.loads(out)["problems"] == [{
        "path": str(path), "line": 10,
        "message": "the sentence's first token starts at 5, inside the text of the sentences before it "
        "(they end at 11, in UTF-16 units): the offsets do not fit the #Text= lines",
    }]
    assert corpus.doc_ids() == []
