"""Generate ``schemas/`` from the pydantic models (the models are the source of truth).

Each schema names its dialect (``$schema``) and itself (``$id``), and every time stamp the
app writes (a field defaulting to :func:`~annotator.model.utc_now`: ``updated_at``,
``imported_at``, ``created``, ``rejected_at``) says ``"format": "date-time"``, so that a
validator other than ``annotator validate`` reads the files the same way (ADR 0020).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from annotator.corpus import atomic_write_bytes, dump_json
from annotator.default_scheme import news_scheme
from annotator.model import Annotation, CorpusManifest, DocumentMeta, LabelScheme, utc_now

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "annotation": Annotation,
    "document-meta": DocumentMeta,
    "label-scheme": LabelScheme,
    "corpus": CorpusManifest,
}

#: Extra generators registered by other modules (the export record, ...): name -> schema.
EXTRA_SCHEMAS: dict[str, type[BaseModel]] = {}


#: ``$id`` of ``NAME.schema.json``. A URN, not a URL: nothing is published at an address,
#: and a URL that answers nothing would send validators fetching it.
SCHEMA_ID = "urn:article-annotator:schema:{name}"


class _Generator(GenerateJsonSchema):
    """pydantic's generator, plus ``format: date-time`` on the app's time stamps.

    The models keep those fields ``str`` (the files hold exactly what was written, ``Z`` and
    all); the format is recognised by the default factory, so a new time stamp field gets
    it without a list to maintain here."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if schema.get("default_factory") is utc_now and json_schema.get("type") == "string":
            json_schema["format"] = "date-time"
        return json_schema


def model_schema(name: str, model: type[BaseModel]) -> dict[str, object]:
    """The JSON Schema of ``model``, with ``$schema`` and ``$id`` first."""
    body = model.model_json_schema(mode="validation", schema_generator=_Generator)
    return {"$schema": _Generator.schema_dialect, "$id": SCHEMA_ID.format(name=name), **body}


def render_schemas() -> dict[str, bytes]:
    """File name -> content of every file ``annotator schema`` writes."""
    _load_extras()
    files = {
        f"{name}.schema.json": dump_json(model_schema(name, model))
        for name, model in {**SCHEMA_MODELS, **EXTRA_SCHEMAS}.items()
    }
    files["news.scheme.json"] = dump_json(news_scheme().model_dump(mode="json", exclude_defaults=False))
    return files


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for name, content in render_schemas().items():
        path = folder / name
        if not path.exists() or path.read_bytes() != content:
            atomic_write_bytes(path, content)
            written.append(path)
    return written


def _load_extras() -> None:
    # Modules that define exported formats register their record models on import.
    import importlib

    for module in ("annotator.export.records", "annotator.rejections", "annotator.assign"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
