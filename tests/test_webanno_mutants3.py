"""WebAnno / INCEpTION TSV 3 reading (``annotator.importers.webanno``) pinned exactly, written
against the survivors of a focused mutmut run of the module: the whole document a small file
gives, the format line and layer declarations, the ``#Text=`` escapes of each version, the
values of a column (stacks, ``[N]`` ids, escapes, ``*``), features and attributes, slots,
relations, chains and token-level layers as counted, tokens that do not fit the text, and
every refusal with its line and whole message.

Tests read hand-written files with :func:`annotator.importers.webanno.parse` (what ``annotator
import`` calls) and compare whole documents, span lists, counts and messages.

Equivalent mutants (no observable behaviour changes), by function:

- ``_Reader.__init__`` 7, 8, 9: the default ``version`` is always replaced by ``header()``.
- ``_Reader.header`` 3, 8: ``str.split`` always gives at least one line.
- ``_Reader._declare`` 29, 31, 35 (a slot role's kind or feature) and 49, 50, 52, 56 (a slot
  target's layer, kind or feature): those columns are only ever told apart by their role.
  61, 62, 64, 65, 69, 70, 73, 74, 75, 76: a relation is counted by its layer's last column,
  whatever that column's role or feature. 79, 80, 82, 83, 84, 88, 89, 92, 93, 94, 95: a chain
  layer counts its ``referenceRelation`` column when it has one, else every column, so the
  ``referenceType`` role decides nothing. 108, 112: a chain link's feature is never read.
  130, 134, 135: the placeholder's role is never compared.
- ``_Reader.body`` 2, 17 (``None`` for ``False``: both false); 4 (``""`` for no token yet: a
  sub-token before any token is refused by ``not in_tokens`` anyway); 7 (the lines before the
  body are all ``#`` header lines, skipped as sentence headers); 84 (the line of a last
  sentence without tokens only goes into an overlap error it cannot have).
- ``_Reader._place_sentence`` 17: ``<=`` at equality adds no spaces.
- ``_Reader._unit`` 13: the branch is never entered with exactly the wanted columns; 46: a
  unit's ``line`` is never read.
- ``_Reader._annotations`` 4, 7: ``strict=None`` and the default are ``strict=False``.
- ``_Reader.document`` 22: chain-link counts are never in the reader's own ``left_out``, so
  ``=`` is ``+=``; 70: the assertion cannot fail (the units fit).
- ``_Reader._label`` 5: ``features.get(None)`` is ``None``.
- ``_short`` 4, 7: any ``rsplit`` of the dots has the same last piece.
- ``_tokens`` 17: an escaped ``->`` is never compared with the unescaped ``| [ ] * ;``.
- ``_split_plain`` 2, 7, 8: only the number of parts is used, never their text.
- ``_java_escape`` 14: ``lstrip("XXuXX")`` strips the same from ``u...`` and hex digits.
- ``parse`` 4: ``"UTF-8"`` is the same codec, with the same message.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from annotator.importers import webanno
from annotator.importers.foreign import ForeignAnnotation, ForeignDocument, ForeignSpan

NER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
NER_LAYER = f"#T_SP={NER}|value"
COREF = "de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink"

Span = tuple[int, int, str, str, dict[str, object]]


def tsv(layers: str, body: str, version: str = "3.3") -> str:
    return f"#FORMAT=WebAnno TSV {version}\n{layers}\n\n\n{body}"


def read(tmp_path: Path, content: str | bytes, name: str = "doc.tsv") -> ForeignDocument:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return webanno.parse(path, path.read_bytes())


def refusal(tmp_path: Path, content: str | bytes) -> tuple[int | None, str]:
    with pytest.raises(webanno.TsvError) as caught:
        read(tmp_path, content)
    return caught.value.line, str(caught.value)


def span_list(doc: ForeignDocument) -> list[Span]:
    assert len(doc.annotations) == 1
    return [(s.start, s.end, s.label, s.ref, dict(s.attrs)) for s in doc.annotations[0].spans]


# ---- the whole document


def test_a_small_file_gives_exactly_this_document(tmp_path: Path) -> None:
    content = tsv(f"{NER_LAYER}\n#T_SP=webanno.custom.Tag|note|value", (
        "#Sentence.id=s1\n"
        "#Text=Kim met Lee Park.\n"
        "1-1\t0-3\tKim\tPER\tgood[1]\tA[1]\t\n"
        "1-2\t4-7\tmet\t_\t_\t_\t\n"
        "1-3\t8-11\tLee\tPER[2]\t*[3]\tB[3]\t\n"
        "1-4\t12-16\tPark\tPER[2]\t*[3]\tB[3]\t\n"
        "1-5\t16-17\t.\t_\t_\t_\t\n"
    ))
    doc = read(tmp_path, content, "story.tsv")
    assert doc == ForeignDocument(
        tool="webanno", source=tmp_path / "story.tsv", line=None, where="", id="story",
        text="Kim met Lee Park.", source_format="txt",
        annotations=[ForeignAnnotation(annotator=None, spans=[
            ForeignSpan(0, 3, "PER", "line 8", {}),
            ForeignSpan(0, 3, "A", "line 8", {"note": "good"}),
            ForeignSpan(8, 16, "PER", "line 10", {}),
            ForeignSpan(8, 16, "B", "line 10", {}),
        ])],
        left_out=Counter(), problems=[], warnings=[],
    )


def test_a_windows_file_with_a_byte_order_mark_reads_the_same(tmp_path: Path) -> None:
    content = tsv(f"{NER_LAYER}\n#T_CH={COREF}|referenceType|referenceRelation", (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\tPER\t*\t*->1-1\t\n"
        "1-2\t4-7\tmet\t_\t_\t_\t\n"
        "1-3\t8-11\tLee\tPER\t_\t_\t\n"
        "\n"
        "#Text=Bye\n"
        "2-1\t12-15\tBye\t_\t_\t_\t\n"
    ))
    doc = read(tmp_path, "\ufeff" + content.replace("\n", "\r\n"))
    assert doc.text == "Kim met Lee\nBye"
    assert span_list(doc) == [(0, 3, "PER", "line 7", {}), (8, 11, "PER", "line 9", {})]
    # The chain layer was read from its \r-ended declaration as a chain: its link is counted.
    assert doc.left_out == {"WebAnno chain link (CoreferenceLink)": 1}


def test_is_webanno_looks_past_a_byte_order_mark() -> None:
    assert webanno.is_webanno(b"\xef\xbb\xbf#FORMAT=WebAnno TSV 3.3\n")
    assert webanno.is_webanno(b"#FORMAT=WebAnno TSV 3.1\n")
    assert not webanno.is_webanno(b"#FORMAT=Other TSV 3.3\n")
    assert not webanno.is_webanno(b"\xef\xbb\xbfid\tscore\n")


# ---- the format line and the layer declarations


@pytest.mark.parametrize(
    ("first", "shown"),
    [
        ("#FORMAT=WebAnno TSV 4.0", "'#FORMAT=WebAnno TSV 4.0'"),
        ("#FORMAT=WebAnno TSV 33.0", "'#FORMAT=WebAnno TSV 33.0'"),
        ("#FORMAT=Brat TSV 3.3", "'#FORMAT=Brat TSV 3.3'"),
        ("#FORMAT=WebAnno TSV 3", "'#FORMAT=WebAnno TSV 3'"),
        ("", "''"),
        ("#FORMAT=WebAnno TSV 3.3 ", "'#FORMAT=WebAnno TSV 3.3 '"),
        ("#FORMAT=WebAnno TSV 3.3X", "'#FORMAT=WebAnno TSV 3.3X'"),
        ("#FORMAT=WebAnno TSV 3.3 with a long tail that goes on and on and on",
         "'#FORMAT=WebAnno TSV 3.3 with a long tail that goes on and on'"),
    ],
)
def test_a_first_line_that_is_not_webanno_tsv_3_is_refused(tmp_path: Path, first: str, shown: str) -> None:
    content = first + "\n" + tsv(NER_LAYER, "#Text=Kim\n1-1\t0-3\tKim\tPER\t\n").split("\n", 1)[1]
    assert refusal(tmp_path, content) == (
        1, f"not a WebAnno TSV 3 file: the first line is {shown}, expected '#FORMAT=WebAnno TSV 3.x'"
    )


@pytest.mark.parametrize("declaration", ["#T_SP=", "#T_SP=|", "#T_RL=||"])
def test_a_declaration_without_a_type_is_refused_by_its_line(tmp_path: Path, declaration: str) -> None:
    content = tsv(f"{NER_LAYER}\n{declaration}", "#Text=Kim\n1-1\t0-3\tKim\tPER\t\n")
    assert refusal(tmp_path, content) == (3, "a layer declaration without a type name")


def test_a_layer_without_features_has_one_column_and_names_its_spans(tmp_path: Path) -> None:
    # "TYPE|" and "TYPE": no feature, one placeholder column each; "||" between fields vanish.
    content = tsv("#T_SP=webanno.custom.Quote|\n#T_SP=webanno.custom.Aside\n#T_SP=webanno.custom.Tag||value", (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\t*\t_\tX\t\n"
        "1-2\t4-7\tmet\t_\t*[4]\t_\t\n"
        "1-3\t8-11\tLee\t_\t*[4]\t_\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [
        (0, 3, "Quote", "line 8", {}), (0, 3, "X", "line 8", {}), (4, 11, "Aside", "line 9", {}),
    ]


def test_declarations_end_at_the_first_other_line(tmp_path: Path) -> None:
    # A declaration after the blank lines is no declaration: the token lines have 4 columns.
    content = f"#FORMAT=WebAnno TSV 3.3\n{NER_LAYER}\n\n#T_SP=webanno.custom.Tag|value\n\n#Text=Kim\n1-1\t0-3\tKim\tPER\t\n"
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 3, "PER", "line 7", {})]


# ---- #Text= lines


def test_tsv_3_2_text_unescapes_control_characters_and_leaves_java_escapes(tmp_path: Path) -> None:
    text_line = (
        "a\\tb\\nc\\fd\\re\\bf\\\\g"
        "\\\x00\\\x07\\\x0e\\\x1f"  # escaped control characters: the characters
        "\\\x08\\ \\u00e9\\\"\\x\\101"  # not escapes here: kept as they are
    )
    content = tsv(NER_LAYER, f"#Text={text_line}\n1-1\t0-1\ta\tPER\t\n", "3.2")
    doc = read(tmp_path, content)
    assert doc.text == "a\tb\nc\fd\re\bf\\g\x00\x07\x0e\x1f\\\x08\\ \\u00e9\\\"\\x\\101"
    assert span_list(doc) == [(0, 1, "PER", "line 6", {})]


def test_tsv_3_3_text_uses_the_same_escapes_as_3_2(tmp_path: Path) -> None:
    content = tsv(NER_LAYER, "#Text=\\u0041\\t\\101\n1-1\t0-6\t\\u0041\t_\t\n", "3.3")
    assert read(tmp_path, content).text == "\\u0041\t\\101"


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_tsv_3_0_and_3_1_text_uses_java_escapes(tmp_path: Path, version: str) -> None:
    text_line = (
        "\\uuuu0041\\u00e9\\u00E9\\u004"  # any number of u; upper-case hex; three digits: no escape
        "\\101\\7\\477\\400\\0"  # octal: [0-3] takes up to three digits, [4-7] up to two
        "\\b\\t\\n\\f\\r\\\"\\'\\\\\\q"
    )
    content = tsv(NER_LAYER, f"#Text={text_line}\n1-1\t0-1\tA\tPER\t\n", version)
    doc = read(tmp_path, content)
    assert doc.text == "Aéé\\u004A\x07'7 0\x00\b\t\n\f\r\"'\\\\q"
    assert span_list(doc) == [(0, 1, "PER", "line 6", {})]


def test_sentence_headers_other_than_text_are_skipped_and_text_lines_join(tmp_path: Path) -> None:
    # A sentence of two #Text= lines, a sentence without tokens before one with tokens: their
    # fragments are placed together where the first token says.
    content = tsv(NER_LAYER, (
        "#Sentence.id=s1\n#Text=Kim\n#Text=Lee\n#Other=x\n1-1\t0-3\tKim\t_\t\n1-2\t4-7\tLee\tPER\t\n\n"
        "#Text=A\n\n#Text=B\n2-1\t8-9\tA\t_\t\n2-2\t10-11\tB\tX\t\n"
    ))
    doc = read(tmp_path, content)
    assert doc.text == "Kim\nLee\nA\nB"
    assert span_list(doc) == [(4, 7, "PER", "line 10", {}), (10, 11, "X", "line 16", {})]


def test_a_file_without_text_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, tsv(NER_LAYER, "")) == (None, "no #Text= line: the file holds no text")
    assert refusal(tmp_path, tsv(NER_LAYER, "#Text= \t \n")) == (None, "no #Text= line: the file holds no text")


def test_a_file_not_in_utf_8_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, b"#FORMAT=WebAnno TSV 3.3\n\xff\n") == (
        None, "not UTF-8 (WebAnno TSV files always are): "
        "'utf-8' codec can't decode byte 0xff in position 24: invalid start byte",
    )


# ---- token lines


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("#Text=Kim\n1-1\t0-3\tKim\t_\t\n#Text=Lee has a long text line after it\n", 7,
         "a sentence header '#Text=Lee has a long text line' right after a token line: "
         "a blank line must end each sentence"),
        ("#Text=Kim\n1-1.1\t0-1\tK\t_\t\n", 6, "sub-token 1-1.1 does not follow its token"),
        ("#Text=Kim\n1-1\t0-3\tKim\t_\t\n\n#Text=Lee\n1-1.1\t4-5\tL\t_\t\n", 9,
         "sub-token 1-1.1 does not follow its token"),
        ("#Text=Kim Lee\n1-1\t0-3\tKim\t_\t\n1-2\t4-7\tLee\t_\t\n1-1.1\t0-1\tK\t_\t\n", 8,
         "sub-token 1-1.1 does not follow its token"),
        ("#Text=Kim\n1-1\t0-3\tKim\t_\t\n\n2-1\t4-7\tLee\t_\t\n", 8,
         "token 2-1 before any #Text= line of its sentence"),
        ("#Text=Kim\n1-x\t0-3\tKim\t_\t\n", 6, "'1-x' is not a token id (SENTENCE-TOKEN, or SENTENCE-TOKEN.SUB)"),
        ("#Text=Kim\n1-1.x\t0-3\tKim\t_\t\n", 6,
         "'1-1.x' is not a token id (SENTENCE-TOKEN, or SENTENCE-TOKEN.SUB)"),
        ("#Text=Kim\n1-1\t3-0\tKim\t_\t\n", 6, "'3-0' is not a token's offsets (BEGIN-END)"),
        ("#Text=Kim\n1-1\t0-3x\tKim\t_\t\n", 6, "'0-3x' is not a token's offsets (BEGIN-END)"),
        ("#Text=Kim\n1-1\t0-3\tKim\tPER\tX\t\t\n", 6,
         "expected 4 tab-separated columns (id, offsets, token and the 1 the header declares), found 5"),
        ("#Text=Kim\n1-1\t0-3\n", 6,
         "expected 4 tab-separated columns (id, offsets, token and the 1 the header declares), found 2"),
    ],
)
def test_a_broken_body_is_refused_naming_the_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    assert refusal(tmp_path, tsv(NER_LAYER, body)) == (line, message)


def test_sub_tokens_after_their_token_are_read_and_warned_about(tmp_path: Path) -> None:
    # Six spans on sub-tokens: the warning counts all and names the first five.
    rows = "".join(
        f"1-{n}\t{2 * n - 2}-{2 * n - 1}\t{c}\t_\t\n1-{n}.1\t{2 * n - 2}-{2 * n - 1}\t{c}\t{c.upper()}\t\n"
        for n, c in enumerate("abcdef", 1)
    )
    doc = read(tmp_path, tsv(NER_LAYER, "#Text=a b c d e f\n" + rows))
    assert [s[:3] for s in span_list(doc)] == [(i * 2, i * 2 + 1, c) for i, c in enumerate("ABCDEF")]
    assert doc.warnings == [
        "6 span(s) on sub-tokens imported at the sub-tokens' offsets (NamedEntity 'A' on 1-1.1; "
        "NamedEntity 'B' on 1-2.1; NamedEntity 'C' on 1-3.1; NamedEntity 'D' on 1-4.1; NamedEntity 'E' on 1-5.1)"
    ]
    assert doc.problems == []


def test_a_span_from_a_token_to_a_sub_token_is_warned_about_once(tmp_path: Path) -> None:
    content = tsv(NER_LAYER, "#Text=Kim Lee\n1-1\t0-3\tKim\tPER[1]\t\n1-2\t4-7\tLee\t_\t\n1-2.1\t4-5\tL\tPER[1]\t\n")
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 5, "PER", "line 6", {})]
    assert doc.warnings == [
        "1 span(s) on sub-tokens imported at the sub-tokens' offsets (NamedEntity 'PER' on 1-1 to 1-2.1)"
    ]


# ---- the values of a column


def test_ids_stacks_and_escapes_of_values(tmp_path: Path) -> None:
    layer = "#T_SP=webanno.custom.Tag|value"
    values = [
        "X]",  # not an id: the value as written
        "X[2]]",
        "X[a]",
        "X\\[1\\]",  # escaped brackets: no id
        "X[1][2]",  # the last [N] is the id
        "X[]",
        "a\\",  # a backslash at the end
        "a\\x\\-b\\->c\\t\\n\\;",  # unknown escapes kept; \-> one escape
        "|",  # two empty values: the layer's name
    ]
    rows = "".join(f"1-{n}\t{n - 1}-{n}\t{c}\t{v}\t\n" for n, (c, v) in enumerate(zip("abcdefghi", values, strict=True), 1))
    doc = read(tmp_path, tsv(layer, "#Text=abcdefghi\n" + rows))
    assert [(s.start, s.label) for s in doc.annotations[0].spans] == [
        (0, "X]"), (1, "X[2]]"), (2, "X[a]"), (3, "X[1]"), (4, "X[1]"), (5, "X[]"), (6, "a\\"),
        (7, "a\\x\\-b->c\t\n;"), (8, "Tag"), (8, "Tag"),
    ]


def test_ids_join_tokens_only_within_one_layer(tmp_path: Path) -> None:
    content = tsv(f"{NER_LAYER}\n#T_SP=webanno.custom.Tag|value", (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\tPER[1]\tA[1]\t\n"
        "1-2\t4-7\tmet\tPER[1]|LOC\tA[1]\t\n"
        "1-3\t8-11\tLee\tPER|LOC\t_\t\n"  # no ids: each token is its own span
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [
        (0, 7, "PER", "line 7", {}), (0, 7, "A", "line 7", {}), (4, 7, "LOC", "line 8", {}),
        (8, 11, "PER", "line 9", {}), (8, 11, "LOC", "line 9", {}),
    ]


def test_features_attributes_and_the_label_feature(tmp_path: Path) -> None:
    # "value" is the label wherever it is declared; the other features are attributes, a
    # "*" (empty) one is none, and a later token fills a feature an earlier one left empty.
    layer = "#T_SP=webanno.custom.Tag|note|value|kind"
    content = tsv(layer, (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\ta[1]|n\\|m\tPER[1]|LOC\t*[1]|*\t\n"
        "1-2\t4-7\tmet\tb[1]\tPER[1]\tk[1]\t\n"
        "1-3\t8-11\tLee\t*[2]\t*[2]\tz[2]\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [
        (0, 7, "PER", "line 6", {"note": "a", "kind": "k"}),
        (0, 3, "LOC", "line 6", {"note": "n|m"}),
        (8, 11, "Tag", "line 8", {"kind": "z"}),
    ]


def test_without_a_value_feature_the_first_feature_is_the_label(tmp_path: Path) -> None:
    layer = "#T_SP=webanno.custom.Tag|kind|note"
    content = tsv(layer, "#Text=Kim\n1-1\t0-3\tKim\tPER\tn\t\n")
    assert span_list(read(tmp_path, content)) == [(0, 3, "PER", "line 6", {"note": "n"})]


# ---- what is left out


def test_slots_are_counted_by_their_links(tmp_path: Path) -> None:
    layer = "#T_SP=webanno.custom.Event|value|ROLE_webanno.custom.Event:arg_webanno.custom.Link|webanno.custom.Person"
    content = tsv(layer, (
        "#Text=Kim met Lee you\n"
        "1-1\t0-3\tKim\tA\t*\t*\t\n"  # "*": no link
        "1-2\t4-7\tmet\tB[1]\tx\\;y[1]\t1-1[1]\t\n"  # an escaped ";": one link
        "1-3\t8-11\tLee\tB[1]\tx;y;z[1]\t1-1;1-1;1-1[1]\t\n"  # the most any token says
        "1-4\t12-15\tyou\tC\ty\t1-1\t\n"  # another event's link: added to the count
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 3, "A", "line 6", {}), (4, 11, "B", "line 7", {}), (12, 15, "C", "line 9", {})]
    assert doc.left_out == {"WebAnno slot feature link (Event)": 4}


def test_a_slot_target_column_alone_makes_no_span(tmp_path: Path) -> None:
    layer = "#T_SP=webanno.custom.Event|value|ROLE_webanno.custom.Event:arg_webanno.custom.Link|webanno.custom.Person"
    content = tsv(layer, "#Text=Kim met\n1-1\t0-3\tKim\t_\t_\t1-2\t\n1-2\t4-7\tmet\tB\t_\t_\t\n")
    doc = read(tmp_path, content)
    assert span_list(doc) == [(4, 7, "B", "line 7", {})]
    assert doc.left_out == {}


def test_a_feature_named_like_a_base_type_on_a_span_layer_is_a_feature(tmp_path: Path) -> None:
    layer = "#T_SP=webanno.custom.Tag|BT_x|referenceType|referenceRelation"
    content = tsv(layer, "#Text=Kim\n1-1\t0-3\tKim\tPER\tt\tr\t\n")
    assert span_list(read(tmp_path, content)) == [
        (0, 3, "PER", "line 6", {"referenceType": "t", "referenceRelation": "r"}),
    ]


def test_relations_are_counted_by_their_last_column(tmp_path: Path) -> None:
    layers = f"{NER_LAYER}\n#T_RL=webanno.custom.Rel|label|BT_{NER}\n#T_RL=webanno.custom.Plain|label"
    content = tsv(layers, (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\tPER\tl\t1-3\t_\t\n"
        "1-2\t4-7\tmet\t_\ta|b|c\t_\tp|q|r\t\n"  # labels but no governors: counted by BT_ only
        "1-3\t8-11\tLee\tPER|LOC\tx|y\t1-1|1-2\t_\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 3, "PER", "line 8", {}), (8, 11, "PER", "line 10", {}), (8, 11, "LOC", "line 10", {})]
    assert doc.left_out == {"WebAnno relation (Rel)": 3, "WebAnno relation (Plain)": 3}


def test_chain_links_are_counted_once_each(tmp_path: Path) -> None:
    layers = (
        f"#T_CH={COREF}|referenceType|referenceRelation\n"
        "#T_CH=webanno.custom.Chain|referenceType\n"
        "#T_CH=webanno.custom.Bare"
    )
    content = tsv(layers, (
        "#Text=Kim met Lee\n"
        "1-1\t0-3\tKim\tnam[1]|pro\tcoref->1-1|*->2-1\tnam->1-1|x|y\t*->1-1\t\n"
        "1-2\t4-7\tmet\tnam[1]\tcoref->1-1\tnam->1-1\t_\t\n"
        "1-3\t8-11\tLee\t*\t*->1-2|*\tx->\t*\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == []
    assert doc.left_out == {
        # 1-1, 2-1, 1-2 and the link without a number on 1-3
        "WebAnno chain link (CoreferenceLink)": 4,
        # 1-1 and x, y on line 6; "x->" on line 8
        "WebAnno chain link (Chain)": 4,
        "WebAnno chain link (Bare)": 2,
    }


def test_token_level_layers_are_counted_per_annotation(tmp_path: Path) -> None:
    layers = "\n".join([
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue|coarseValue",
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Lemma|value",
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Stem|value",
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.morph.MorphologicalFeatures|value",
        NER_LAYER,
    ])
    content = tsv(layers, (
        "#Text=Kim ran\n"
        "1-1\t0-3\tKim\tNNP\tPROPN\tKim\tKim\tNum=Sing\tPER\t\n"
        "1-2\t4-7\tran\tVBD|VB\t_\trun\t_\t_\t_\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 3, "PER", "line 10", {})]
    assert doc.left_out == {
        "WebAnno POS annotation (a token-level layer)": 3,
        "WebAnno Lemma annotation (a token-level layer)": 2,
        "WebAnno Stem annotation (a token-level layer)": 1,
        "WebAnno MorphologicalFeatures annotation (a token-level layer)": 1,
    }


def test_zero_width_spans_are_counted_per_layer(tmp_path: Path) -> None:
    content = tsv(f"{NER_LAYER}\n#T_SP=webanno.custom.Tag|value", (
        "#Text=Kim\n1-1\t0-3\tKim\t_\t_\t\n1-1.1\t3-3\t\tX\tY|Z\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == []
    assert doc.left_out == {"WebAnno zero-width annotation (NamedEntity)": 1, "WebAnno zero-width annotation (Tag)": 2}
    # Nothing imported on a sub-token: no warning.
    assert doc.warnings == []


# ---- tokens that do not fit the text


def test_tokens_that_do_not_fit_are_problems_naming_the_span_and_line(tmp_path: Path) -> None:
    content = tsv(NER_LAYER, (
        "#Text=😀 Kim Lee\n"
        "1-1\t0-2\t😀\tEMO\t\n"
        "1-2\t1-3\tx\tHALF\t\n"  # cuts the emoji in half
        "1-3\t3-6\tKim\tPER[1]\t\n"
        "1-4\t7-10\tLeo\tPER[1]\t\n"  # not the text there
        "1-5\t7-11\tLee \tLONG\t\n"  # ends past the text
        "1-6\t7-10\tLee\t_\t\n"
        "1-6.1\t9-10\te\tSUB\t\n"
    ))
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 1, "EMO", "line 6", {}), (8, 9, "SUB", "line 12", {})]
    assert doc.problems == [
        (7, "NamedEntity 'HALF' on 1-2: token 1-2 'x' at 1-3 cuts a character outside the BMP in half; not imported"),
        (8, "NamedEntity 'PER' on 1-3 to 1-4: token 1-4 'Leo' is not the text at 7-10: 'Lee'; not imported"),
        (10, "NamedEntity 'LONG' on 1-5: token 1-5 'Lee ' at 7-11 ends past the text (10 UTF-16 units); not imported"),
    ]
    assert doc.warnings == [
        "1 span(s) on sub-tokens imported at the sub-tokens' offsets (NamedEntity 'SUB' on 1-6.1)"
    ]


def test_a_token_ending_inside_an_emoji_is_a_problem(tmp_path: Path) -> None:
    content = tsv(NER_LAYER, "#Text=a😀\n1-1\t0-2\tx\tCUT\t\n")
    doc = read(tmp_path, content)
    assert doc.problems == [
        (6, "NamedEntity 'CUT' on 1-1: token 1-1 'x' at 0-2 cuts a character outside the BMP in half; not imported"),
    ]


def test_slot_columns_are_never_the_label_feature(tmp_path: Path) -> None:
    # No "value" feature and a slot first: the first plain feature after it is the label.
    layer = "#T_SP=webanno.custom.Event|ROLE_webanno.custom.Event:arg_webanno.custom.Link|webanno.custom.Person|kind"
    content = tsv(layer, "#Text=Kim met\n1-1\t0-3\tKim\t_\t_\t_\t\n1-2\t4-7\tmet\t_\t_\tMeeting\t\n")
    doc = read(tmp_path, content)
    assert span_list(doc) == [(4, 7, "Meeting", "line 7", {})]
    assert doc.left_out == {}


def test_a_layer_type_without_a_package_is_its_own_short_name(tmp_path: Path) -> None:
    content = tsv("#T_SP=Entity\n#T_RL=Rel|label", "#Text=Kim\n1-1\t0-3\tKim\t*\tknows\t\n")
    doc = read(tmp_path, content)
    assert span_list(doc) == [(0, 3, "Entity", "line 7", {})]
    assert doc.left_out == {"WebAnno relation (Rel)": 1}


def test_an_empty_column_is_no_annotation(tmp_path: Path) -> None:
    content = tsv(f"{NER_LAYER}\n#T_SP=webanno.custom.Tag|value", "#Text=Kim\n1-1\t0-3\tKim\t\tX\t\n")
    assert span_list(read(tmp_path, content)) == [(0, 3, "X", "line 7", {})]


def test_text_may_follow_the_declarations_directly_and_keeps_its_trailing_space(tmp_path: Path) -> None:
    content = f"#FORMAT=WebAnno TSV 3.3\n{NER_LAYER}\n#Text=Kim \n1-1\t0-3\tKim\tPER\t\n"
    doc = read(tmp_path, content)
    assert doc.text == "Kim "
    assert span_list(doc) == [(0, 3, "PER", "line 4", {})]


def test_a_short_line_counts_its_empty_last_column(tmp_path: Path) -> None:
    content = tsv(f"{NER_LAYER}\n#T_SP=webanno.custom.Tag|value", "#Text=Kim\n1-1\t0-3\tKim\t\n")
    assert refusal(tmp_path, content) == (
        7, "expected 5 tab-separated columns (id, offsets, token and the 2 the header declares), found 4"
    )


def test_the_stack_position_ties_the_columns_of_one_token_together(tmp_path: Path) -> None:
    # One column names the id, the other does not: still one annotation.
    content = tsv("#T_SP=webanno.custom.Tag|note|value", "#Text=Kim\n1-1\t0-3\tKim\ta\tPER[1]\t\n")
    assert span_list(read(tmp_path, content)) == [(0, 3, "PER", "line 6", {"note": "a"})]


def test_declared_names_are_taken_as_written(tmp_path: Path) -> None:
    # Only the "\r" of a Windows line ends a declaration; nothing else is trimmed.
    content = tsv("#T_SP=webanno.custom.BoX\r\n#T_SP=webanno.custom.Quote ", "#Text=Kim\n1-1\t0-3\tKim\t*\t*\t\n")
    assert span_list(read(tmp_path, content)) == [(0, 3, "BoX", "line 7", {}), (0, 3, "Quote ", "line 7", {})]


def test_a_file_that_ends_in_its_declarations_is_refused_for_its_missing_text(tmp_path: Path) -> None:
    content = f"#FORMAT=WebAnno TSV 3.3\n{NER_LAYER}"
    assert refusal(tmp_path, content) == (None, "no #Text= line: the file holds no text")
