"""schemas/ is generated from the pydantic models; this fails when it is stale."""

from __future__ import annotations

from annotator.model import LabelScheme
from annotator.schemas import default_schema_dir, render_schemas


def test_schemas_folder_is_up_to_date() -> None:
    folder = default_schema_dir()
    stale = [
        name
        for name, content in render_schemas().items()
        if not (folder / name).exists() or (folder / name).read_bytes() != content
    ]
    assert stale == [], f"run `annotator schema`; stale: {stale}"


def test_default_scheme_file_loads_as_a_scheme() -> None:
    scheme = LabelScheme.model_validate_json((default_schema_dir() / "news.scheme.json").read_bytes())
    names = [label.name for label in scheme.labels()]
    assert names == ["article", "boilerplate", "title", "subtitle", "byline", "date", "PER", "ORG", "LOC", "MISC"]
    assert scheme.label("article").attr("role").values == ["main", "related"]
    assert scheme.doc_label("page_type").values == ["article", "article-list", "non-article", "broken"]
