"""Generate ``schemas/`` from the pydantic models (the models are the source of truth)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from annotator.corpus import atomic_write_bytes, dump_json
from annotator.default_scheme import news_scheme
from annotator.model import Annotation, CorpusManifest, DocumentMeta, LabelScheme

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "annotation": Annotation,
    "document-meta": DocumentMeta,
    "label-scheme": LabelScheme,
    "corpus": CorpusManifest,
}

#: Extra generators registered by other modules (the export record, ...): name -> schema.
EXTRA_SCHEMAS: dict[str, type[BaseModel]] = {}


def default_schema_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "schemas"


def render_schemas() -> dict[str, bytes]:
    """File name -> content of every file ``annotator schema`` writes."""
    _load_extras()
    files = {
        f"{name}.schema.json": dump_json(model.model_json_schema(mode="validation"))
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

    for module in ("annotator.export.records", "annotator.rejections"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
