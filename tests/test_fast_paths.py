"""The fast paths of loading, checking and exporting give exactly the slow paths' results.

- ``Annotation.from_json`` / ``parse_annotation_json``: the same annotation as
  ``model_validate_json`` for valid files, the same ValidationError for invalid ones;
- ``rules.check_annotation``: the same problems, in the same order, as the plain per-span
  implementation it replaced (tests/fixtures/perf/reference_rules.py), on the small-file
  path, the numpy path for large files, with and without the parsed columns;
- the export's threaded output file: the same bytes and sha256 as a plain write.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import importlib.util
import json
import os
import random
import re
import unicodedata
from operator import attrgetter
from pathlib import Path
from typing import Any

import annotated_types
import orjson
import pytest
from pydantic import Strict, ValidationError

from annotator import model, rules
from annotator.default_scheme import news_scheme
from annotator.export.output import HashingFile
from annotator.model import (
    Annotation,
    LabelDef,
    LabelScheme,
    Layer,
    Span,
    SpanColumns,
    attach_spans,
    parse_annotation_columns,
    parse_annotation_json,
)
from annotator.rules import check_annotation, clean_text_map, scheme_rules, sha256_text

_spec = importlib.util.spec_from_file_location(
    "reference_rules", Path(__file__).parent / "fixtures" / "perf" / "reference_rules.py"
)
assert _spec and _spec.loader
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

SHA = "a" * 64


def annotation_dict(n_spans: int = 6) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "doc_id": "d1",
        "text_sha256": SHA,
        "annotator": "alice",
        "status": "done",
        "updated_at": "2026-01-01T00:00:00Z",
        "doc_labels": {"page_type": "article"},
        "spans": [
            {
                "id": f"s{i}",
                "start": i,
                "end": i + 2,
                "label": "PER",
                "text": "가b",
                "attrs": {"authors": ["x"], "kind": "k"} if i % 3 == 0 else {},
            }
            for i in range(n_spans)
        ],
    }


def outcome(parse: Any, data: bytes) -> tuple[Any, ...]:
    """Everything observable about a parse: values, types, key order, fields set, bytes."""
    try:
        ann = parse(data)
    except ValidationError as exc:
        return (
            "error",
            [(e["type"], e["loc"], e["msg"], repr(e.get("input"))) for e in exc.errors()],
        )
    if "updated_at" not in ann.model_fields_set:  # a default of "now": freeze it
        ann.__dict__["updated_at"] = "2000-01-01T00:00:00Z"
    try:
        file_bytes: bytes | str = ann.to_json_bytes()
    except TypeError:  # an offset beyond 64 bits: valid for pydantic, not writable by orjson
        file_bytes = "unwritable"
    return (
        "ok",
        ann.model_dump(),
        ann.model_fields_set,
        [
            (list(s.__dict__), s.model_fields_set, [type(v) for v in s.__dict__.values()])
            for s in ann.spans
        ],
        file_bytes,
    )


# --------------------------------------------------------------------------- parsing


def test_a_file_the_tool_wrote_takes_the_fast_path_and_round_trips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = Annotation.model_validate(annotation_dict()).to_json_bytes()
    expected = outcome(Annotation.model_validate_json, data)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path should not need pydantic's JSON parser here")

    monkeypatch.setattr(Annotation, "model_validate_json", refuse)
    assert outcome(Annotation.from_json, data) == expected
    loaded, columns = parse_annotation_json(data)
    assert loaded.to_json_bytes() == data
    assert columns is not None and list(columns.starts) == [s.start for s in loaded.spans]
    # Spans stay ordinary pydantic models: assignment, copies, equality, dumps.
    span = loaded.spans[1]
    span.start = 0
    assert span.start == 0 and loaded.spans[2].start == 2
    assert loaded.model_copy(deep=True) == loaded
    assert json.loads(loaded.model_dump_json())["spans"][1]["start"] == 0


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spans", 0, "start"), 3.0),  # lax: pydantic takes 3.0 as 3, the fast path defers
        (("spans", 0, "start"), "3"),
        (("spans", 1, "attrs"), {"authors": ["a", "b"], "role": "main"}),
        (("schema_version",), 1.0),
    ],
)
def test_lax_values_pydantic_accepts_still_load(path: tuple[Any, ...], value: object) -> None:
    raw = annotation_dict()
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    data = json.dumps(raw).encode()
    assert outcome(Annotation.from_json, data) == outcome(Annotation.model_validate_json, data)


WEIRD: list[object] = [
    None, True, False, 0, -1, 1.5, "", "x", "1", [], ["a"], [1], {}, {"a": "b"}, {"a": 1},
    {"a": ["b", 2]}, 2**70, "x" * 64, "x" * 65, "é" * 64, "é" * 65,
]  # fmt: skip


def mutated(rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    roll = rng.random()
    spans = doc.get("spans")
    if (
        roll < 0.45
        and isinstance(spans, list)
        and spans
        and all(isinstance(s, dict) for s in spans)
    ):
        span = rng.choice(spans)
        key = rng.choice([*span, "extra"])
        how = rng.random()
        if how < 0.7:
            span[key] = rng.choice(WEIRD)
        elif how < 0.85:
            span.pop(key, None)
        else:  # same keys, another order
            items = list(span.items())
            rng.shuffle(items)
            span.clear()
            span.update(items)
    elif roll < 0.7:
        key = rng.choice([*doc, "extra"])
        if rng.random() < 0.7:
            doc[key] = rng.choice([*WEIRD, "todo", "bad", "2020-01-01"])
        else:
            doc.pop(key, None)
    elif isinstance(spans, list):
        spans.append(rng.choice(WEIRD))
    return doc


def test_broken_and_unusual_files_give_what_pydantic_gives() -> None:
    rng = random.Random(20261125)
    valid = 0
    for _ in range(3000):
        doc = annotation_dict(rng.randint(0, 5))
        for _ in range(rng.randint(1, 3)):
            doc = mutated(rng, doc)
        data = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()
        expected = outcome(Annotation.model_validate_json, data)
        assert outcome(Annotation.from_json, data) == expected, data
        valid += expected[0] == "ok"
    assert 250 < valid < 2700  # both kinds were exercised


def columns_then_spans(data: bytes) -> Annotation:
    """parse_annotation_columns, completed: must be model_validate_json's annotation, and
    its columns the spans' fields."""
    annotation, columns, pending, _ = parse_annotation_columns(data)
    if pending:
        assert columns is not None and annotation.spans == []
        attach_spans(annotation, columns)
    if columns is not None:
        assert list(map(list, columns)) == [
            [getattr(s, name) for s in annotation.spans] for name in model._SPAN_FIELDS
        ]
    return annotation


def test_the_columns_parse_refuses_and_accepts_what_pydantic_does() -> None:
    """ADR 11 for the columns-only parse (agreement): on thousands of randomly broken or
    reordered files, the same annotation or the same ValidationError as pydantic, and
    columns that are exactly the spans' fields."""
    rng = random.Random(20261129)
    valid = pending = 0
    for _ in range(3000):
        doc = annotation_dict(rng.randint(0, 5))
        for _ in range(rng.randint(1, 3)):
            doc = mutated(rng, doc)
        data = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()
        expected = outcome(Annotation.model_validate_json, data)
        assert outcome(columns_then_spans, data) == expected, data
        assert outcome(Annotation.from_json, data) == expected, data
        valid += expected[0] == "ok"
        if expected[0] == "ok":
            pending += parse_annotation_columns(data).spans_pending
    assert 250 < valid < 2700 and pending > 100


def test_the_columns_parse_builds_no_span_and_takes_any_key_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = annotation_dict(8)
    for span in raw["spans"][::2]:  # valid, in another order than the tool writes
        items = list(span.items())[::-1]
        span.clear()
        span.update(items)
    data = json.dumps(raw).encode()
    expected = outcome(Annotation.model_validate_json, data)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path should not need pydantic here")

    monkeypatch.setattr(Annotation, "model_validate_json", refuse)
    monkeypatch.setattr(model, "_spans_from_fields", refuse)
    _, columns, pending, _ = parse_annotation_columns(data)
    assert pending and columns is not None and list(columns.starts) == list(range(8))
    monkeypatch.undo()
    assert outcome(columns_then_spans, data) == expected
    assert outcome(Annotation.from_json, data) == expected


def test_not_json_at_all_is_pydantics_error() -> None:
    for data in (b"{", b"", b"[1]", b'{"spans": "\\ud800"}', b"\xff"):
        assert outcome(Annotation.from_json, data) == outcome(Annotation.model_validate_json, data)


def test_the_fast_path_knows_the_span_schema() -> None:
    # If Span gains a field or a constraint, model._columns_from_plain must learn it too.
    assert tuple(Span.model_fields) == model._SPAN_FIELDS
    metadata = {name: field.metadata for name, field in Span.model_fields.items()}
    assert metadata["id"] == [annotated_types.MinLen(1), annotated_types.MaxLen(64)]
    assert model._SPAN_ID_LENGTH == (1, 64)
    assert metadata["start"] == metadata["end"] == [Strict(strict=True), annotated_types.Ge(0)]
    assert metadata["label"] == metadata["text"] == metadata["attrs"] == []
    assert Span.model_config.get("extra") == "forbid"


# --------------------------------------------------------------------------- checks

TEXT = "".join(random.Random(1).choice("ab \n가나") for _ in range(300))
TEXT_SHA = sha256_text(TEXT)
LABELS = [
    "article",
    "boilerplate",
    "title",
    "subtitle",
    "byline",
    "date",
    "PER",
    "ORG",
    "LOC",
    "XX",
]
ATTRS: list[dict[str, Any]] = [
    {}, {"role": "main"}, {"role": "bad"}, {"kind": "caption"}, {"authors": ["a"]},
    {"authors": "a"}, {"value": "2020-01-01"}, {"value": "x"}, {"email": "a@b.cc"},
    {"email": "nope"}, {"fax": "1"},
]  # fmt: skip


def random_spans(rng: random.Random, labels: list[str]) -> list[Span]:
    spans = []
    for _ in range(rng.randint(0, 14)):
        start = rng.randint(0, 310)
        end = max(0, start + rng.randint(-2, 60))
        text = TEXT[start:end] if rng.random() < 0.9 else "zz"
        spans.append(
            Span.model_construct(
                id=f"s{rng.randint(0, 15)}",
                start=start,
                end=end,
                label=rng.choice(labels),
                text=text,
                attrs=dict(rng.choice(ATTRS)),
            )
        )
    return spans


def nested_spans(rng: random.Random) -> list[Span]:
    """Mostly valid news annotations (articles, their parts, entities, captions), in any
    order, sometimes with one offset moved."""
    spans: list[Span] = []

    def add(label: str, start: int, end: int, **attrs: object) -> None:
        spans.append(
            Span.model_construct(
                id=f"s{len(spans)}",
                start=start,
                end=end,
                label=label,
                text=TEXT[start:end],
                attrs=attrs,
            )
        )

    pos = 0
    while pos < 280:
        a0 = pos + rng.randint(0, 20)
        a1 = min(300, a0 + rng.randint(5, 80))
        if a1 <= a0:
            break
        add("article", a0, a1, role="main")
        p = a0
        for label in ("title", "byline", "date"):
            if rng.random() < 0.5 and p + 3 < a1:
                add(label, p, p + 2, **({"value": "2020-01-01"} if label == "date" else {}))
                p += 2
        e = a0
        while e + 3 < a1:
            e += rng.randint(0, 5)
            if e + 2 > a1:
                break
            add(rng.choice(["PER", "ORG", "LOC"]), e, e + 2)
            e += 2
        if rng.random() < 0.3 and a1 - a0 > 4:
            add("boilerplate", a0 + 1, a0 + 3, kind="caption")
        pos = a1 + rng.randint(-3, 10)
    if rng.random() < 0.5:
        rng.shuffle(spans)
    if spans and rng.random() < 0.3:
        i = rng.randrange(len(spans))
        fields = dict(spans[i].__dict__)
        fields[rng.choice(["start", "end"])] += rng.choice([-1, 1])
        if rng.random() < 0.7:
            fields["text"] = TEXT[fields["start"] : fields["end"]]
        spans[i] = Span.model_construct(**fields)
    return spans


CUSTOM = LabelScheme(
    name="custom",
    layers=[
        Layer(
            name="one",
            labels=[
                LabelDef(name="A", color="#000000", no_self_overlap=True),
                LabelDef(name="B", color="#000000", no_cross=["A", "B"]),
            ],
        ),
        Layer(
            name="two",
            no_overlap=True,
            labels=[
                LabelDef(name="C", color="#000000", inside=["A", "B"]),
                LabelDef(name="D", color="#000000", inside=["B"], no_cross=["A"]),
            ],
        ),
        Layer(
            name="one",
            labels=[LabelDef(name="E", color="#000000", no_self_overlap=True, inside=["E"])],
        ),
    ],
)
COLUMN_GETTERS = [attrgetter(name) for name in model._SPAN_FIELDS]


def problems(found: list[rules.Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.message, p.span_id) for p in found]


@pytest.mark.parametrize("numpy_from", [rules.NUMPY_FROM, 1], ids=["small-path", "numpy-path"])
@pytest.mark.parametrize("with_columns", [False, True], ids=["spans", "columns"])
def test_check_annotation_reports_what_the_plain_implementation_reported(
    monkeypatch: pytest.MonkeyPatch, numpy_from: int, with_columns: bool
) -> None:
    monkeypatch.setattr(rules, "NUMPY_FROM", numpy_from)
    rng = random.Random(numpy_from * 2 + with_columns)
    news = news_scheme()
    clean = 0
    for i in range(1500):
        scheme, labels = (CUSTOM, ["A", "B", "C", "D", "E", "Z"]) if i % 5 == 4 else (news, LABELS)
        spans = nested_spans(rng) if i % 5 in (1, 2) else random_spans(rng, labels)
        annotation = Annotation(
            doc_id="d",
            text_sha256=TEXT_SHA if rng.random() < 0.9 else "0" * 64,
            annotator="alice",
            doc_labels=rng.choice(
                [{}, {"page_type": "article"}, {"page_type": "x"}, {"mood": "y"}]
            ),
        )
        annotation.__dict__["spans"] = spans  # unvalidated on purpose: rules see everything
        columns = (
            SpanColumns(*(list(map(get, spans)) for get in COLUMN_GETTERS))
            if with_columns
            else None
        )
        expected = problems(reference.check_annotation(annotation, TEXT, scheme))
        assert problems(check_annotation(annotation, TEXT, scheme, columns=columns)) == expected, (
            spans
        )
        clean += not expected
    assert 200 < clean < 1300


def test_a_large_annotation_is_checked_like_a_small_one() -> None:
    """10,000 spans (the numpy path), valid, then with one break of each kind."""
    rng = random.Random(3)
    words = ["서울", "뉴스핌", "news", "Seoul", "발표"]
    text = "\n".join(" ".join(rng.choice(words) for _ in range(8)) for _ in range(3000))
    half = len(text) // 2
    spans = [
        Span(id="a1", start=0, end=half, label="article", text=text[:half], attrs={"role": "main"}),
        Span(
            id="a2",
            start=half,
            end=len(text),
            label="article",
            text=text[half:],
            attrs={"role": "related"},
        ),
    ]
    for i, pos in enumerate(range(0, len(text) - 3, len(text) // 10_000)):
        if pos < half <= pos + 3:
            continue
        spans.append(
            Span(id=f"e{i}", start=pos, end=pos + 3, label="PER", text=text[pos : pos + 3])
        )
    assert len(spans) >= rules.NUMPY_FROM
    scheme = news_scheme()
    base = Annotation(doc_id="big", text_sha256=sha256_text(text), annotator="alice", spans=spans)
    assert check_annotation(base, text, scheme) == []

    def broken(change: str) -> Annotation:
        ann = base.model_copy(deep=True)
        s = ann.spans
        if change == "overlap":
            s[5].end = s[6].start + 1
            s[5].text = text[s[5].start : s[5].end]
        elif change == "text":
            s[7].text = "zzz"
        elif change == "label":
            s[8].label = "NOPE"
        elif change == "duplicate":
            s[9].id = s[10].id
        elif change == "outside":
            s.append(
                Span(
                    id="t1",
                    start=half - 1,
                    end=half + 1,
                    label="title",
                    text=text[half - 1 : half + 1],
                )
            )
        elif change == "attr":
            s[0].attrs = {"role": "sidebar"}
        elif change == "order":
            rng.shuffle(s)
        return ann

    for change in ("overlap", "text", "label", "duplicate", "outside", "attr", "order"):
        ann = broken(change)
        parsed, columns = parse_annotation_json(ann.to_json_bytes())
        expected = problems(reference.check_annotation(ann, text, scheme))
        assert (change == "order") == (expected == [])
        assert problems(check_annotation(ann, text, scheme)) == expected, change
        assert problems(check_annotation(parsed, text, scheme, columns=columns)) == expected, change


def test_columns_of_other_spans_are_not_trusted() -> None:
    spans = [Span(id="p", start=0, end=2, label="PER", text=TEXT[0:2])]
    ann = Annotation(doc_id="d", text_sha256=TEXT_SHA, annotator="alice", spans=spans)
    stale = SpanColumns(
        ["p", "q"], [0, 5], [2, 7], ["PER", "PER"], [TEXT[0:2], TEXT[5:7]], [{}, {}]
    )
    assert check_annotation(ann, TEXT, news_scheme(), columns=stale) == []
    ann.spans[0].text = "zz"
    assert [p.code for p in check_annotation(ann, TEXT, news_scheme(), columns=stale)] == [
        "text-mismatch"
    ]


def test_the_scheme_index_is_built_once_and_follows_a_replaced_scheme() -> None:
    scheme = news_scheme()
    first = scheme_rules(scheme)
    assert scheme_rules(scheme) is first
    assert scheme_rules(news_scheme()) is not first  # an equal scheme, another object
    scheme.layers = [
        *scheme.layers,
        Layer(name="extra", labels=[LabelDef(name="NEW", color="#000000")]),
    ]
    again = scheme_rules(scheme)
    assert again is not first and "NEW" in again.label_names
    span = Span(id="n", start=0, end=2, label="NEW", text=TEXT[0:2])
    ann = Annotation(doc_id="d", text_sha256=TEXT_SHA, annotator="alice", spans=[span])
    assert check_annotation(ann, TEXT, scheme) == []
    key = id(scheme)
    del scheme
    gc.collect()
    assert key not in rules._RULES


def test_clean_text_squeezes_line_breaks_as_the_regex_did() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice("\n\n\nab 가") for _ in range(rng.randint(0, 40)))
        assert list(rules._line_break_runs(text)) == [
            m.span() for m in re.finditer(r"\n{3,}", text)
        ]
        article = Span(id="a", start=0, end=len(text), label="article", text=text)
        clean, segments = clean_text_map(text, article, [article]) if text else ("", [])
        for clean_start, doc_start, length in segments:
            assert clean[clean_start : clean_start + length] == text[doc_start : doc_start + length]


# --------------------------------------------------------------------------- export output


def test_the_threaded_output_file_has_the_same_bytes_and_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HashingFile, "chunk_size", 1000)  # many chunks through the thread
    rng = random.Random(9)
    pieces = [rng.randbytes(rng.randint(0, 700)) for _ in range(500)]
    out = HashingFile(tmp_path / "out.bin")
    for piece in pieces:
        out.write(piece)
    info = out.close()
    whole = b"".join(pieces)
    assert (tmp_path / "out.bin").read_bytes() == whole
    assert (info.sha256, info.bytes) == (hashlib.sha256(whole).hexdigest(), len(whole))


def test_each_chunk_is_synced_as_it_is_written_not_all_at_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk works while the records are still being built: by the time close() is
    called, every chunk handed to the thread has been synced, each right after its write."""
    from annotator.export import output

    monkeypatch.setattr(HashingFile, "chunk_size", 1000)
    path = tmp_path / "out.bin"
    synced_sizes: list[int] = []

    def record_sync(fd: int) -> None:
        synced_sizes.append(os.fstat(fd).st_size)  # what the file held when synced

    monkeypatch.setattr(output, "_sync_data", record_sync)
    out = HashingFile(path)
    for _ in range(5):
        out.write(b"y" * 1000)  # a full chunk each: sent to the thread at once
    out._stop_thread()  # the thread has taken every chunk; close() has not run
    assert synced_sizes == [1000, 2000, 3000, 4000, 5000]
    out.close()
    assert path.read_bytes() == b"y" * 5000


def test_a_write_error_in_the_thread_reaches_the_exporter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HashingFile, "chunk_size", 10)
    out = HashingFile(tmp_path / "out.bin")

    class FullDisk:
        def __init__(self, real: Any) -> None:
            self.real = real

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

    out._handle = FullDisk(out._handle)  # type: ignore[assignment]
    with pytest.raises(OSError, match="No space left"):
        for _ in range(50):
            out.write(b"x" * 10)
        out.close()
    out.abort()


def test_an_export_in_many_chunks_equals_one_in_a_single_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.corpus import Corpus
    from annotator.export import ExportOptions, export_corpus
    from annotator.export.records import ExportRecord
    from annotator.export.splits import parse_split_spec
    from tests.conftest import SEED_PATH
    from tests.test_export import add_doc, annotate, seed_spans

    corpus = Corpus.create(tmp_path / "c")
    seed = unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))
    for i in range(12):
        add_doc(corpus, f"d{i:02d}", seed, f"https://site{i % 4}.example/{i}")
        annotate(corpus, f"d{i:02d}", seed_spans(seed))
    outputs: dict[tuple[str, bool], dict[str, bytes]] = {}
    for name, chunk in (("one", 1 << 40), ("many", 5000)):
        for split in (False, True):
            monkeypatch.setattr(HashingFile, "chunk_size", chunk)
            out = tmp_path / f"{name}-{split}"
            splits = parse_split_spec("train=0.5,test=0.5") if split else None
            result = export_corpus(corpus, ExportOptions("jsonl", out, splits=splits))
            assert result.exported == 12
            manifest = orjson.loads((out / "manifest.json").read_bytes())
            # Every data file (the dataset card, README.md, is checked elsewhere).
            files = {
                path: (out / path).read_bytes() for path in manifest["files"] if path.endswith(".jsonl")
            }
            for path, data in files.items():
                assert manifest["files"][path]["sha256"] == hashlib.sha256(data).hexdigest()
                stem = path.removesuffix(".jsonl")
                for line in data.splitlines():
                    record = orjson.loads(line)
                    ExportRecord.model_validate(record)
                    assert record["split"] == (stem if split else None)
            assert sum(len(data.splitlines()) for data in files.values()) == 12
            outputs[name, split] = files
    assert outputs["one", False] == outputs["many", False]
    assert outputs["one", True] == outputs["many", True]
    assert sorted(outputs["one", True]) == ["test.jsonl", "train.jsonl"]


@pytest.mark.parametrize("seconds", ["absent", 0, 754, -1, 1.5, True, "60"])
def test_time_spent_takes_the_fast_path_only_when_pydantic_would_agree(
    monkeypatch: pytest.MonkeyPatch, seconds: object
) -> None:
    """Files written before ``time_spent_s`` existed still load (0, not in the fields set)
    and keep the fast path; an invalid time is pydantic's error, the same message."""
    raw = annotation_dict()
    if seconds != "absent":
        raw = {**{k: v for k, v in raw.items() if k != "doc_labels" and k != "spans"},
               "time_spent_s": seconds, "doc_labels": raw["doc_labels"], "spans": raw["spans"]}
    data = json.dumps(raw).encode()
    expected = outcome(Annotation.model_validate_json, data)
    assert outcome(Annotation.from_json, data) == expected
    if seconds in ("absent", 0, 754):
        loaded = Annotation.from_json(data)
        assert loaded.time_spent_s == (0 if seconds == "absent" else seconds)
        assert ("time_spent_s" in loaded.model_fields_set) == (seconds != "absent")

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("the fast path should not need pydantic here")

        monkeypatch.setattr(Annotation, "model_validate_json", refuse)
        monkeypatch.setattr(Annotation, "model_validate", refuse)
        assert Annotation.from_json(data).model_dump() == loaded.model_dump()
    else:
        assert expected[0] == "error"
