"""``README.md`` in every export folder: a dataset card for people and for Hugging Face.

Its YAML header is what the Hugging Face Hub and ``datasets.load_dataset(FOLDER)`` read:
``license``, ``pretty_name`` and, for the formats ``datasets`` loads with its own builders
(jsonl, doccano, label-studio, parquet), ``configs`` naming each split's file, so that the
folder loads with no glue. The body says what the files hold, the counts per split, the
licence and how the export was made. The manifest lists the card among the export's files
(a later ``--force`` export may replace it).
"""

from __future__ import annotations

import re

import orjson

from annotator.export.base import NO_SPLIT
from annotator.export.manifest import ExportManifest

CARD_NAME = "README.md"
#: Split names that ``datasets`` accepts.
_HF_SPLIT_RE = re.compile(r"^\w+(\.\w+)*$")

#: Format -> (file suffix per split, the datasets builder that reads it).
HF_LOADABLE = {
    "jsonl": (".jsonl", "json"),
    "doccano": (".jsonl", "json"),
    "label-studio": (".json", "json"),
    "parquet": (".parquet", "parquet"),
}

FEATURES = {
    "jsonl": (
        "One JSON object per line and document (schema: `schemas/export-record.schema.json` "
        "of article-annotator): `id`, `url`, `text`, `status`, `annotator`, `doc_labels` "
        "(object), `spans` (`id`, `start`, `end`, `label`, `text`, `attrs`), `articles` "
        "(`span_id`, `start`, `end`, `role`, `title`, `subtitle`, `byline`, `date`, "
        "`clean_text`, `body`, `clean_map`, `entities`) and `split`. Offsets are half-open, "
        "in Unicode code points: `text[start:end] == span text`."
    ),
    "parquet": (
        "The jsonl records as columns, one file per split. `doc_labels` and every `attrs` "
        "are JSON text (`'{\"page_type\": \"article\"}'`): parse them with `json.loads`. "
        "Offsets are half-open, in Unicode code points."
    ),
    "conll": (
        "`TOKEN TAG` per line (BIO tags), a blank line between sentences, "
        "`-DOCSTART- -X- O O` before each document; tokens are cut at every span edge."
    ),
    "text": "`SPLIT/DOC_ID.NN.ROLE.txt`: each article's clean text, exactly (no newline added).",
    "doccano": (
        "doccano JSON lines: `id`, `text`, `label` (`[start, end, LABEL]` triples in code "
        "points, then document label values as strings) and `url`."
    ),
    "label-studio": (
        "A JSON list of Label Studio tasks per split: `data` (`text`, `doc_id`, `url`) and "
        "`annotations` (or `predictions`) whose `result` holds `labels` regions "
        "(`value.start`, `value.end` in code points, `value.text`, `value.labels`) and "
        "`choices` for document labels. `label-config.xml` is the matching labelling "
        "configuration."
    ),
    "brat": (
        "brat standoff: `SPLIT/DOC_ID.txt` and `SPLIT/DOC_ID.ann` (`T` lines, `A` lines for "
        "choice attributes), `annotation.conf` at the top."
    ),
    "spacy": (
        "spaCy DocBin per split (`SPLIT.spacy`): `doc.ents` (the chosen layers), "
        "`doc.spans[LAYER]` (every layer), `doc.cats` (document labels), `doc.user_data` "
        "(`id`, `url`, `split`)."
    ),
    "extraction-benchmark": (
        "The article-extraction benchmark layout: `ground-truth.json` "
        "(`{ID: {\"articleBody\", \"url\"}}`) and `html/ID.html.gz` (UTF-8 HTML)."
    ),
}

LOADING = {
    "json": 'datasets.load_dataset("json", data_files={files})',
    "parquet": 'datasets.load_dataset("parquet", data_files={files})',
}


def _q(value: str) -> str:
    """A YAML scalar: a JSON string is one."""
    return orjson.dumps(value).decode()


def hf_files(manifest: ExportManifest) -> dict[str, str] | None:
    """Hugging Face split name -> file, for a format ``datasets`` loads; None otherwise."""
    loadable = HF_LOADABLE.get(manifest.format)
    if loadable is None:
        return None
    suffix = loadable[0]
    files: dict[str, str] = {}
    for name in manifest.splits:
        path = f"{name}{suffix}"
        if path not in manifest.files:
            continue  # a split without documents has no file
        # Without --split the one file is "data": the "train" split of datasets' habit.
        hf_name = "train" if name == NO_SPLIT and len(manifest.splits) == 1 else name
        if not _HF_SPLIT_RE.match(hf_name):
            return None
        files[hf_name] = path
    return files or None


def dataset_card(manifest: ExportManifest) -> str:
    """The ``README.md`` of an export described by ``manifest`` (its files so far)."""
    files = hf_files(manifest)
    yaml = [
        "---",
        "license: unknown",
        f"pretty_name: {_q(f'{manifest.corpus} ({manifest.format} export)')}",
        "tags:",
        "- article-annotator",
    ]
    if files:
        yaml += ["configs:", "- config_name: default", "  data_files:"]
        for split, path in files.items():
            yaml += [f"  - split: {split}", f"    path: {_q(path)}"]
    yaml.append("---")
    counts = manifest.counts
    body = [
        f"# {manifest.corpus}: {manifest.format} export",
        "",
        f"Exported by article-annotator {manifest.tool_version} on {manifest.created} from the "
        f"corpus `{manifest.corpus}`: the annotations of `{manifest.source}` with status "
        f"{', '.join(manifest.options.get('status', []))}, {counts.documents} document(s), "
        f"{counts.articles} article(s).",
        "",
        "## Files",
        "",
        FEATURES.get(manifest.format, ""),
        "",
        "`manifest.json` lists every file with its sha256, the label scheme, the options, the "
        "counts and the documents left out with their reasons.",
        "",
        "## Splits",
        "",
        "Documents are split by site (url host), so no site is in two splits.",
        "",
        "| split | documents | sites | articles |",
        "|---|---:|---:|---:|",
    ]
    for name, c in manifest.splits.items():
        empty = " (no file: no documents)" if not c.documents else ""
        body.append(f"| {name}{empty} | {c.documents} | {c.sites} | {c.articles} |")
    labels = ", ".join(f"{k} {v}" for k, v in counts.labels.items()) or "none"
    body += ["", f"Spans per label: {labels}.", ""]
    if files:
        builder = HF_LOADABLE[manifest.format][1]
        body += [
            "## Loading",
            "",
            "```python",
            "import datasets",
            f"ds = {LOADING[builder].format(files=files)}",
            "# or: datasets.load_dataset(THIS_FOLDER)",
            "```",
            "",
        ]
    body += [
        "## Licence",
        "",
        "The corpus records no licence, hence `license: unknown` above: set it (an SPDX id, "
        "or `other` with a note) before publishing. The texts are web pages whose copyright "
        "stays with their publishers; the annotations are the annotators'.",
        "",
        "## How it was made",
        "",
        "Pages were imported into an article-annotator corpus, annotated (spans in code-point "
        "offsets, document labels), checked against the label scheme and exported with these "
        "options:",
        "",
        "```json",
        orjson.dumps(manifest.options, option=orjson.OPT_INDENT_2).decode(),
        "```",
    ]
    if manifest.warnings:
        body += ["", "Warnings of the export:", ""]
        body += [f"- {w}" for w in manifest.warnings]
    return "\n".join([*yaml, "", *body]) + "\n"

