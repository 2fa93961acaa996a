"""What is valid is decided once: every reader (validate, agree, export, status, suggest's
gazetteer) refuses the same annotation files, says which and why, and never crashes on them.

Each broken file below is a valid, finished annotation with one thing changed by hand, the
way testers broke them: offsets that are JSON strings or floats, absurd offsets, an unknown
label, a span text that does not match the document, two spans with one id.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import AnnotationFileError, Corpus
from annotator.default_scheme import news_scheme
from annotator.loading import (
    check_annotation_file,
    check_parsed,
    parse_annotation_columns_data,
    parse_annotation_data,
    read_document_text,
)
from annotator.model import Annotation, Span, SpanColumns, parse_annotation_json
from annotator.rules import (
    WORK_IN_PROGRESS_CODES,
    check_annotation,
    check_columns_integrity,
    check_integrity,
    sha256_text,
)
from annotator.suggest.entities import corpus_gazetteer
from tests.conftest import add_text
from tests.test_agreement_helpers import save, seed_versions

OTHER = "Zeta Holdings hired Omar Quill in Lisbon.\n"


@pytest.fixture
def pair(seed_corpus: Corpus, seed_text: str) -> Corpus:
    """Two documents, both done by alice and bob, all files valid."""
    specs = seed_versions(seed_text)
    labels = {"page_type": "article"}
    save(seed_corpus, seed_text, "seed", "alice", specs["alice"], doc_labels=labels)
    save(seed_corpus, seed_text, "seed", "bob", specs["bob"], doc_labels=labels)
    add_text(seed_corpus, "other", OTHER)
    spans = [(0, len(OTHER) - 1, "article", {"role": "main"}), (0, 13, "ORG"), (20, 30, "PER")]
    save(seed_corpus, OTHER, "other", "alice", spans, doc_labels=labels)
    save(seed_corpus, OTHER, "other", "bob", spans, doc_labels=labels)
    return seed_corpus


def _edit(corpus: Corpus, annotator: str, doc_id: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """Change the file's parsed JSON in place, as someone editing it by hand would."""
    path = corpus.annotation_path(annotator, doc_id)
    raw = orjson.loads(path.read_bytes())
    change(raw)
    path.write_bytes(orjson.dumps(raw, option=orjson.OPT_INDENT_2))
    return path


def _span(raw: dict[str, Any], label: str) -> dict[str, Any]:
    return next(s for s in raw["spans"] if s["label"] == label)


def _set(label: str, key: str, value: Callable[[int], object]) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        span = _span(raw, label)
        span[key] = value(span[key])

    return change


# The offset stays the right number: a lax reader that converts it finds nothing wrong.
BAD_TYPES = {
    "start-string": _set("PER", "start", str),
    "start-float": _set("PER", "start", float),
    "end-1e30": _set("PER", "end", lambda _: 1e30),
}


def _unknown_label(raw: dict[str, Any]) -> None:
    _span(raw, "PER")["label"] = "NOPE"


def _wrong_text(raw: dict[str, Any]) -> None:
    _span(raw, "PER")["text"] = "someone else"


def _duplicate_ids(raw: dict[str, Any]) -> None:
    _span(raw, "PER")["id"] = _span(raw, "ORG")["id"]


BAD_CONTENT = {"unknown-label": _unknown_label, "text-mismatch": _wrong_text, "duplicate-id": _duplicate_ids}
ALL_BAD = {**BAD_TYPES, **BAD_CONTENT}


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, orjson.loads(out.out), out.err


# --------------------------------------------------------------------------- the model


@pytest.mark.parametrize("value", ['"12"', "12.0", "1e30", "true", "12.5"])
@pytest.mark.parametrize("key", ["start", "end"])
def test_offsets_must_be_json_integers_on_both_paths(key: str, value: str) -> None:
    """The fast path and pydantic refuse the same files (ADR 11): no lax conversion."""
    span = {"id": "s1", "start": 12, "end": 20, "label": "PER", "text": "x" * 8, "attrs": {}}
    body = orjson.dumps(span).decode().replace(f'"{key}":{span[key]}', f'"{key}":{value}')
    data = (
        '{"schema_version":1,"doc_id":"d","text_sha256":"' + "a" * 64 + '","annotator":"a",'
        '"status":"done","updated_at":"2026-01-01T00:00:00Z","doc_labels":{},"spans":[' + body + "]}"
    )
    with pytest.raises(ValueError, match=key):
        Annotation.model_validate_json(data)
    with pytest.raises(ValueError, match=key):
        parse_annotation_json(data)


def test_schema_version_must_be_the_integer_1() -> None:
    data = orjson.dumps(
        {"schema_version": 1.0, "doc_id": "d", "text_sha256": "a" * 64, "annotator": "a"}
    )
    with pytest.raises(ValueError, match="schema_version"):
        Annotation.model_validate_json(data)
    with pytest.raises(ValueError, match="schema_version"):
        parse_annotation_json(data)


# --------------------------------------------------------------------------- every reader


@pytest.mark.parametrize("case", sorted(ALL_BAD))
def test_validate_names_the_file_and_the_span(
    pair: Corpus, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(pair, "bob", "other", ALL_BAD[case])
    code, report, _ = _json(capsys, "validate", str(pair.root), "--json")
    assert code == 1
    mine = [p for p in report["problems"] if p["path"] == str(path)]
    assert mine and all(p["span"] for p in mine)
    assert [p for p in report["problems"] if p["path"] != str(path)] == []


@pytest.mark.parametrize("case", sorted(ALL_BAD))
def test_agree_lists_the_file_and_leaves_its_document_out(
    pair: Corpus, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(pair, "bob", "other", ALL_BAD[case])
    code, result, err = _json(capsys, "agree", str(pair.root), "--json")
    assert code == 1
    assert "Traceback" not in err
    assert [p["path"] for p in result["problems"]] == [str(path)]
    assert result["documents"] == 1  # the seed still counts
    assert any(e["doc_id"] == "other" and str(path) in e["reason"] for e in result["excluded"])
    assert "NOPE" not in result["labels"]
    measured = {k: v for k, v in result.items() if k not in ("problems", "excluded")}
    assert b"NOPE" not in orjson.dumps(measured)  # only the problem says it


def test_agree_table_has_no_unknown_label(pair: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    path = _edit(pair, "bob", "other", _unknown_label)
    assert main(["agree", str(pair.root)]) == 1
    out = capsys.readouterr()
    assert "NOPE" not in out.out
    assert str(path) in out.err


def test_agree_lists_every_broken_file_of_a_document(
    pair: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    alice = _edit(pair, "alice", "other", _wrong_text)
    bob = _edit(pair, "bob", "other", _duplicate_ids)
    code, result, _ = _json(capsys, "agree", str(pair.root), "--json")
    assert code == 1
    assert sorted(p["path"] for p in result["problems"]) == sorted([str(alice), str(bob)])


@pytest.mark.parametrize("case", sorted(ALL_BAD))
def test_export_leaves_the_document_out_with_the_reason(
    pair: Corpus, case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(pair, "bob", "other", ALL_BAD[case])
    for extra in ([], ["--allow-incomplete"]):
        out = tmp_path / f"out{len(extra)}"
        args = ["export", str(pair.root), "--format", "jsonl", "--out", str(out), "--source", "bob"]
        assert main([*args, *extra]) == 1
        assert "Traceback" not in capsys.readouterr().err
        ids = [orjson.loads(line)["id"] for line in (out / "data.jsonl").read_bytes().splitlines()]
        assert ids == ["seed"]
        manifest = orjson.loads((out / "manifest.json").read_bytes())
        (left,) = manifest["excluded"]
        assert left["id"] == "other" and str(path) in left["reason"]


@pytest.mark.parametrize("case", sorted(ALL_BAD))
def test_status_counts_a_broken_file_as_broken_not_done(
    pair: Corpus, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(pair, "bob", "other", ALL_BAD[case])
    code, report, _ = _json(capsys, "status", str(pair.root), "--json")
    assert code == 1
    assert report["annotators"]["bob"] == {"todo": 0, "in_progress": 0, "done": 1, "skipped": 0}
    assert report["annotators"]["alice"]["done"] == 2
    assert report["broken"] == {"alice": 0, "bob": 1}
    (entry,) = report["files_with_problems"]
    assert entry["path"] == str(path) and entry["annotator"] == "bob" and entry["doc_id"] == "other"
    assert entry["problems"]
    assert main(["status", str(pair.root)]) == 1
    out = capsys.readouterr().out
    assert "1 file with problems (run annotator validate)" in out


@pytest.mark.parametrize("case", sorted(ALL_BAD))
def test_gazetteer_does_not_learn_from_a_broken_file(pair: Corpus, case: str) -> None:
    gazetteer, _ = corpus_gazetteer(pair)
    assert gazetteer.entries.get("Omar Quill") == "PER"
    for annotator in ("alice", "bob"):
        _edit(pair, annotator, "other", ALL_BAD[case])
    gazetteer, problems = corpus_gazetteer(pair)
    assert "Omar Quill" not in gazetteer.entries
    assert gazetteer.entries.get("Zeta Holdings") != "PER"
    named = [p for p in problems if str(pair.annotation_path("bob", "other")) in p]
    assert len(named) == 1


@pytest.mark.parametrize("case", sorted(ALL_BAD))
def test_one_verdict_for_the_loader_and_the_readers(pair: Corpus, case: str) -> None:
    """The editor's loader refuses exactly the files the readers' check calls unusable."""
    _edit(pair, "bob", "other", ALL_BAD[case])
    checked = check_annotation_file(pair, "bob", "other")
    assert not checked.usable
    with pytest.raises(AnnotationFileError) as info:
        pair.load_annotation("bob", "other")
    assert [p.code for p in info.value.problems] == [p.code for p in checked.problems]
    good = check_annotation_file(pair, "alice", "other")
    assert good.usable and good.problems == ()
    assert pair.load_annotation("alice", "other") is not None


@pytest.mark.parametrize("n_spans", [5, 40, 250])  # 250: the numpy path of large files
def test_integrity_is_check_annotation_without_work_in_progress(n_spans: int) -> None:
    """Readers that only need the verdict skip the work-in-progress rules; they must get
    exactly the blocking problems the full check finds, in the same order."""
    scheme = news_scheme()
    rng = random.Random(n_spans)
    text = "".join(rng.choice("ab 가\n") for _ in range(2000))
    labels = ["article", "boilerplate", "title", "byline", "PER", "ORG", "NOPE"]
    attrs: list[dict[str, Any]] = [{}, {"role": "main"}, {"role": "bad"}, {"fax": "1"}]
    for _ in range(30):
        spans = []
        for i in range(n_spans):
            start = rng.randrange(0, 1990)
            end = start + rng.randrange(0 if rng.random() < 0.05 else 1, 30)
            body = text[start:end] if rng.random() < 0.95 else "x"
            span_id = f"s{i}" if rng.random() < 0.97 else "s0"
            spans.append(Span(id=span_id, start=start, end=end, label=rng.choice(labels),
                              text=body, attrs=rng.choice(attrs)))
        sha = sha256_text(text) if rng.random() < 0.9 else "0" * 64
        annotation = Annotation(doc_id="d", text_sha256=sha, annotator="a", spans=spans,
                                doc_labels={"page_type": "nope"})
        full = check_annotation(annotation, text, scheme)
        blocking = [p for p in full if p.code not in WORK_IN_PROGRESS_CODES]
        assert check_integrity(annotation, text, scheme) == blocking
        # The same from the spans' fields alone (agreement's columns-only parse).
        fields = ("id", "start", "end", "label", "text", "attrs")
        columns = SpanColumns(*([getattr(s, f) for s in spans] for f in fields))
        head = annotation.model_copy(update={"spans": []})
        assert check_columns_integrity(head, columns, text, scheme) == blocking


@pytest.mark.parametrize("case", ["valid", *sorted(ALL_BAD)])
def test_the_columns_only_parse_gives_the_same_verdict(pair: Corpus, case: str) -> None:
    """Agreement parses for columns and builds no Span: the same problems as the
    ordinary parse and check, and as the editor's loader (blocking ones)."""
    if case != "valid":
        _edit(pair, "bob", "other", ALL_BAD[case])
    path = pair.annotation_path("bob", "other")
    data = path.read_bytes()
    text, sha = read_document_text(pair, "other")
    args = {"doc_id": "other", "annotator": "bob", "text": text, "text_sha256": sha}
    lazy = parse_annotation_columns_data(data, str(path))
    lazy_checked = check_parsed(lazy, pair.scheme, **args, work_in_progress=False)
    plain = check_parsed(parse_annotation_data(data, str(path)), pair.scheme, **args,
                         work_in_progress=False)
    assert lazy_checked.problems == plain.problems
    assert lazy_checked.usable == plain.usable == (case == "valid")
    full = check_annotation_file(pair, "bob", "other")
    assert [p.code for p in lazy_checked.problems] == [p.code for p in full.blocking]
    if lazy_checked.usable:
        assert lazy_checked._spans_pending  # nothing needed the Span objects
        assert lazy_checked.annotation == plain.annotation  # built when asked for
        assert lazy_checked.status == "done" and lazy_checked.n_spans == len(
            plain.annotation.spans  # type: ignore[union-attr]
        )
