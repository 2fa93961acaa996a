"""The corpus's guidelines: finding a label's section, the starting guide, reading and writing."""

from __future__ import annotations

import re
import stat
import unicodedata
from pathlib import Path

import pytest

from annotator.corpus import Corpus, CorpusError, read_umask
from annotator.default_scheme import news_scheme
from annotator.guidelines import (
    GUIDELINES_FILE,
    find_heading,
    headings,
    load_guidelines,
    section_body,
    section_for,
    starting_guidelines,
    write_starting_guidelines,
)
from annotator.model import AttributeDef, LabelDef, LabelScheme, Layer
from tests.conftest import SEED_PATH

GUIDE = """# Guide

Intro.

## Layer: entity

### PER

사람 이름만 표시합니다. 직함은 빼세요.

#### Examples

> 체결식에는 LG전자 CTO(최고기술책임자) 박일평 사장

### ORG

Companies.

## Layer: part

### title

The headline.
"""


def seed_text() -> str:
    return unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))


# ----------------------------------------------------------------------------- sections


def test_a_section_runs_to_the_next_heading_of_its_level_and_keeps_its_subheadings() -> None:
    assert section_for(GUIDE, "PER") == (
        "### PER\n\n사람 이름만 표시합니다. 직함은 빼세요.\n\n#### Examples\n\n"
        "> 체결식에는 LG전자 CTO(최고기술책임자) 박일평 사장"
    )
    # Ends at a higher-level heading (## Layer: part), not only at a sibling.
    assert section_for(GUIDE, "ORG") == "### ORG\n\nCompanies."
    # The last section runs to the end of the file.
    assert section_for(GUIDE, "title") == "### title\n\nThe headline."
    # A level-2 section takes in its level-3 headings.
    layer = section_for(GUIDE, "Layer: entity")
    assert layer is not None and "### PER" in layer and "### ORG" in layer and "title" not in layer


def test_a_label_without_a_heading_has_no_section() -> None:
    assert section_for(GUIDE, "LOC") is None
    assert section_for("", "PER") is None
    # Named in the text, but not in a heading.
    assert section_for("Mark PER spans.\n\n### ORG\n", "PER") is None
    # A heading only starting with the label's name is another heading.
    assert section_for("### PERSON\n\nx\n", "PER") is None


def test_heading_forms_fences_and_case() -> None:
    text = (
        "Intro\n\n```sh\n# PER\nnot a heading\n```\n\n"
        "### `LOC` ###\n\n장소.\n\n"
        "MISC\n----\n\nOther names.\n\n"
        "### per\n\nlower case heading\n"
    )
    # The "# PER" inside the code fence is no heading: the lower-case one serves PER.
    assert section_for(text, "PER") == "### per\n\nlower case heading"
    assert section_for(text, "LOC") == "### `LOC` ###\n\n장소."
    # An underlined heading is level 2 (---): the level-3 heading after it belongs to it.
    assert section_for(text, "MISC") == "MISC\n----\n\nOther names.\n\n### per\n\nlower case heading"
    assert [(h.level, h.text) for h in headings(text)] == [(3, "LOC"), (2, "MISC"), (3, "per")]
    # A rule after a blank line is no heading; "#tag" without a space neither.
    assert headings("text\n\n---\n\n#tag\n") == []


def test_an_exact_heading_wins_over_one_in_another_case() -> None:
    text = "## per\n\nfirst\n\n## PER\n\nsecond\n"
    assert section_for(text, "PER") == "## PER\n\nsecond"
    found = find_heading(text, "PER")
    assert found is not None and found.line == 4


def test_section_body_drops_the_heading() -> None:
    assert section_body("### PER\n\n사람 이름.\n\n#### Examples\n\n> x") == "사람 이름.\n\n#### Examples\n\n> x"
    assert section_body("MISC\n====\n\nOther.") == "Other."


# ----------------------------------------------------------------------------- the starting guide


def test_the_news_guide_has_a_section_for_every_label_with_a_real_example() -> None:
    scheme = news_scheme()
    guide = starting_guidelines(scheme)
    seed = seed_text()
    for label in scheme.labels():
        heading = find_heading(guide, label.name)
        assert heading is not None and heading.text == label.name, label.name
        assert guide.splitlines()[heading.line] == f"### {label.name}"
        section = section_for(guide, label.name)
        assert section is not None
        if label.description:
            assert label.description[1:] in section
        quotes = [line[2:] for line in section.splitlines() if line.startswith("> ")]
        assert quotes, f"no example from the seed page for {label.name}"
        for quote in quotes:
            assert quote in seed, f"{label.name}: {quote!r} is not on the seed page"


def test_every_quoted_line_is_on_the_seed_page_and_every_mark_is_in_its_quote() -> None:
    guide = starting_guidelines(news_scheme())
    seed = seed_text()
    lines = guide.splitlines()
    quotes = [line[2:] for line in lines if line.startswith("> ")]
    assert len(quotes) >= 20
    assert all(q in seed for q in quotes), [q for q in quotes if q not in seed]
    last_quote = None
    marks_checked = 0
    for line in lines:
        if line.startswith("> "):
            last_quote = line[2:]
        elif line.startswith("Mark `"):
            assert last_quote is not None
            marked = re.match(r"Mark ((?:`[^`]+`(?:, )?)+)", line)
            assert marked is not None, line
            for mark in re.findall(r"`([^`]+)`", marked.group(1)):
                assert mark in last_quote, f"{mark!r} is not in {last_quote!r}"
                marks_checked += 1
    assert marks_checked >= 20


def test_the_news_guide_explains_choices_and_the_header_convention() -> None:
    scheme = news_scheme()
    guide = starting_guidelines(scheme)
    for label in scheme.labels():
        section = section_for(guide, label.name) or ""
        for attr in label.attrs:
            assert f"- `{attr.name}` ({attr.type}" in section
            for value in attr.values or []:
                assert re.search(rf"^  - `{re.escape(value)}`: \S", section, re.M), (label.name, value)
    header = section_for(guide, "The article header: title, subtitle, byline, date")
    assert header is not None
    assert "inside* the article, never boilerplate" in header
    assert "> 기사입력 : 2020년06월03일 09:03" in header
    page_type = section_for(guide, "page_type") or ""
    assert all(f"- `{v}`: " in page_type for v in ("article", "article-list", "non-article", "broken"))


def test_any_other_scheme_gets_a_skeleton_with_each_description() -> None:
    scheme = LabelScheme(
        name="recipes",
        layers=[
            Layer(
                name="food",
                labels=[
                    LabelDef(name="ingredient", color="#112233", key="i", description="Something you cook with."),
                    LabelDef(
                        name="step",
                        color="#445566",
                        attrs=[AttributeDef(name="tool", type="choice", values=["pan", "oven"], description="what it needs")],
                    ),
                ],
            )
        ],
    )
    guide = starting_guidelines(scheme)
    assert guide.startswith("# Annotation guidelines: recipes\n")
    assert section_for(guide, "ingredient") == (
        "### ingredient\n\nSomething you cook with. Key `i` marks the selection; Shift+`I` whole lines.\n\n"
        "Examples: _(quote a short line of a real document and say what to mark)_"
    )
    step = section_for(guide, "step")
    assert step is not None
    assert "_(describe this label)_" in step
    assert "- `tool` (choice): what it needs\n  - `pan`\n  - `oven`" in step
    # Nothing of the news guide leaks in.
    assert "> " not in guide and "seed page" not in guide


# ----------------------------------------------------------------------------- reading and writing


def test_load_guidelines(tmp_path: Path) -> None:
    assert load_guidelines(tmp_path) is None
    (tmp_path / GUIDELINES_FILE).write_bytes("\ufeff### PER\n\n사람.\n".encode())
    assert load_guidelines(tmp_path) == "### PER\n\n사람.\n"  # the byte-order mark is not text


def test_a_guide_that_is_not_utf8_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / GUIDELINES_FILE
    path.write_bytes("### PER\n\n사람\n".encode("euc-kr"))
    with pytest.raises(CorpusError) as caught:
        load_guidelines(tmp_path)
    assert str(path) in str(caught.value)
    assert "not UTF-8" in str(caught.value) and "offset 9" in str(caught.value)


def test_a_folder_in_place_of_the_guide_is_an_error(tmp_path: Path) -> None:
    (tmp_path / GUIDELINES_FILE).mkdir()
    with pytest.raises(CorpusError, match=r"guidelines\.md: is a folder"):
        load_guidelines(tmp_path)


def test_write_starting_guidelines_on_a_new_corpus(tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="c")
    path = write_starting_guidelines(corpus.root, corpus.scheme)
    assert path == corpus.root / GUIDELINES_FILE
    assert path.read_text("utf-8") == starting_guidelines(news_scheme())
    assert load_guidelines(corpus.root) == starting_guidelines(corpus.scheme)
    # Not a private file: the team shares the corpus.
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~read_umask()
    # No temporary file left behind.
    assert sorted(p.name for p in corpus.root.iterdir()) == ["annotations", "corpus.json", "documents", "gold", GUIDELINES_FILE]


def test_write_starting_guidelines_never_replaces_the_leads_guide(tmp_path: Path) -> None:
    corpus = Corpus.create(tmp_path / "c", name="c")
    path = corpus.root / GUIDELINES_FILE
    path.write_text("### PER\n\nOur own rules.\n", "utf-8")
    with pytest.raises(CorpusError, match="already exists"):
        write_starting_guidelines(corpus.root, corpus.scheme)
    assert path.read_text("utf-8") == "### PER\n\nOur own rules.\n"


def test_annotator_new_writes_the_starting_guide_for_its_scheme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main

    assert main(["new", str(tmp_path / "c")]) == 0
    guide = (tmp_path / "c" / "guidelines.md").read_text("utf-8")
    assert guide == starting_guidelines(news_scheme())
    assert "guidelines.md" in capsys.readouterr().err
