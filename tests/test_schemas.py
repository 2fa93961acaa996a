"""schemas/ is generated from the pydantic models; this fails when it is stale. The schemas
name themselves and their dialect, and mark the time stamps as date-time (ADR 0020)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.model import LabelScheme
from annotator.schemas import render_schemas

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
DEMO = ROOT / "corpora" / "demo"

#: RFC 3339 date-time, what a validator asserting ``format: date-time`` accepts.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_bytes())


def test_schemas_folder_is_up_to_date() -> None:
    stale = [
        name
        for name, content in render_schemas().items()
        if not (SCHEMAS / name).exists() or (SCHEMAS / name).read_bytes() != content
    ]
    assert stale == [], f"run `annotator schema` in the repository's root; stale: {stale}"


def test_default_scheme_file_loads_as_a_scheme() -> None:
    scheme = LabelScheme.model_validate_json((SCHEMAS / "news.scheme.json").read_bytes())
    names = [label.name for label in scheme.labels()]
    assert names == ["article", "boilerplate", "title", "subtitle", "byline", "date", "PER", "ORG", "LOC", "MISC"]
    assert scheme.label("article").attr("role").values == ["main", "related"]
    assert scheme.doc_label("page_type").values == ["article", "article-list", "non-article", "broken"]


def test_every_schema_names_its_dialect_and_itself_first() -> None:
    names = sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json"))
    assert names == [
        "annotation",
        "assignments",
        "corpus",
        "document-meta",
        "export-record",
        "label-scheme",
        "rejected-suggestions",
    ]
    for name in names:
        schema = _schema(name)
        assert list(schema)[:2] == ["$schema", "$id"], name
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:article-annotator:schema:{name}"
    # The label scheme file is data (a LabelScheme), not a schema: no keys its model refuses.
    assert "$schema" not in json.loads((SCHEMAS / "news.scheme.json").read_bytes())


def test_time_stamps_are_date_time_and_nothing_else_is() -> None:
    rejected = _schema("rejected-suggestions")["$defs"]["RejectedSuggestion"]["properties"]
    stamps = {
        "annotation.updated_at": _schema("annotation")["properties"]["updated_at"],
        "document-meta.imported_at": _schema("document-meta")["properties"]["imported_at"],
        "corpus.created": _schema("corpus")["properties"]["created"],
        "rejected-suggestions.rejected_at": rejected["rejected_at"],
    }
    for where, prop in stamps.items():
        assert prop == {"format": "date-time", "title": prop["title"], "type": "string"}, where
    # Only those four: a date attribute's value ("ISO 8601 date or date-time") is not one.
    total = sum(p.read_text("utf-8").count('"format": "date-time"') for p in SCHEMAS.glob("*.schema.json"))
    assert total == len(stamps)


def test_demo_corpus_time_stamps_pass_a_date_time_format_check() -> None:
    # A validator asserting `format` would refuse the shipped demo otherwise.
    values = [json.loads((DEMO / "corpus.json").read_bytes())["created"]]
    values += [json.loads(p.read_bytes())["imported_at"] for p in (DEMO / "documents").glob("*.meta.json")]
    values += [json.loads(p.read_bytes())["updated_at"] for p in (DEMO / "annotations").glob("*/*.json")]
    values += [json.loads(p.read_bytes())["updated_at"] for p in (DEMO / "gold").glob("*.json")]
    assert len(values) > 10
    assert [v for v in values if not RFC3339.fullmatch(v)] == []


def test_schema_writes_to_schemas_in_the_current_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    written = {p.name: p.read_bytes() for p in (tmp_path / "schemas").iterdir()}
    assert written == render_schemas()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schemas"]
    assert "8 schema file(s) updated in schemas" in capsys.readouterr().err


def test_schema_out_writes_where_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--out", "nested/json-schemas"]) == 0
    assert sorted(p.name for p in (tmp_path / "nested" / "json-schemas").iterdir()) == sorted(render_schemas())
    assert not (tmp_path / "schemas").exists()


def test_schema_refuses_a_current_folder_that_holds_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "notes.txt").write_text("mine", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == ["notes.txt"]
