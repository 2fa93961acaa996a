"""WebAnno TSV imports (``annotator.importers.webanno``) pinned where mutmut's second sample
found them unpinned: the document id of a file not named ``.tsv``, the message of a layer
declared twice, and relations counted once each by their ``BT_`` column.

Tests read real files with :func:`annotator.importers.webanno.parse` and assert the id, the
counts of what was left out and the whole message and line of a refusal.

Equivalent mutants (no observable behaviour changes): none in this sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.importers import webanno

NER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
REL = "webanno.custom.Rel"


def test_a_name_without_the_tsv_suffix_is_the_id_as_it_is() -> None:
    assert webanno.file_id(Path("exports/story")) == "story"
    assert webanno.file_id(Path("exports/story.TSV")) == "story"


def test_a_layer_declared_twice_is_refused_naming_it_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "twice.tsv"
    path.write_text(
        f"#FORMAT=WebAnno TSV 3.3\n#T_SP={NER}|value\n#T_SP={NER}|value\n\n\n#Text=Kim\n1-1\t0-3\tKim\tPER\t\n",
        "utf-8",
    )
    with pytest.raises(webanno.TsvError) as caught:
        webanno.parse(path, path.read_bytes())
    assert (caught.value.line, str(caught.value)) == (3, f"layer {NER} is declared twice")


def test_a_relation_without_a_label_is_counted_by_its_bt_column(tmp_path: Path) -> None:
    # The relation's feature is "_" (none); its BT_ column still names the governor, so the
    # relation is counted as left out.
    path = tmp_path / "rel.tsv"
    path.write_text(
        f"#FORMAT=WebAnno TSV 3.3\n#T_SP={NER}|value\n#T_RL={REL}|label|BT_{NER}\n\n\n"
        "#Text=Kim Lee\n1-1\t0-3\tKim\tPER\t_\t_\t\n1-2\t4-7\tLee\tPER\t_\t1-1\t\n",
        "utf-8",
    )
    doc = webanno.parse(path, path.read_bytes())
    assert doc.left_out == {"WebAnno relation (Rel)": 1}
