"""Label Studio imports (``annotator.importers.labelstudio``) and label maps
(``annotator.importers.labelmap``) pinned on whole small inputs: several annotations per
task, predictions, choices and other results, bad tasks, the annotator folder names of
``completed_by``, the text under other keys of ``data``, JSON-MIN records, regions counted
in UTF-16 units, brat attributes matched to the scheme, refused maps and the map template.

Each test writes a hand-made export, imports it with :func:`annotator.importers.import_paths`
(what ``annotator import`` runs) or calls the public labelmap function, and compares
everything that comes out exactly: the saved spans, document labels and statuses per
annotator, the documents' extra fields, the problems (naming the file and the task) and the
warnings, what was counted as not imported, whole messages and the template's bytes. They
were written against the survivors of a focused mutmut run of both modules.

Equivalent mutants (no observable behaviour changes), by mutmut name:

``labelstudio.py``

- ``xǁAnnotatorsǁname__mutmut_66`` (``_owners[wanted] = None``): the owner is only compared
  with a *different* user's key (the same key returns early from ``_names``), and None
  differs from every key just as the real key does.
- ``x__annotation__mutmut_3`` / ``_5`` (``suggestion`` None or left out): see
  ``test_labelstudio_mutants2``; the flag of a per-annotation result is never read as True.
- ``x_parse_task__mutmut_123`` (``who=None`` for each prediction): only the prediction's
  spans and labels are read; the merged annotation carries the suggestions annotator.
- ``xǁ_Unitsǁ__init____mutmut_4`` (``seen = ""``): "" and None are both falsy in every use.
- ``x__annotation__mutmut_123``, ``x__parse_min__mutmut_74`` (``ForeignSpan.ref`` None):
  nothing reads a span's ``ref``.

``labelmap.py``

- ``xǁLabelMapperǁ_attrs__mutmut_2`` (``attr = ""``): the span's label always has a
  definition (labels are mapped to the scheme first), so ``attr`` is always reassigned.
- ``x_write_template__mutmut_15`` / ``_16`` (initial ``why``): only returned when every
  name was taken between the check and ``O_EXCL`` (a race).

Not killed, not equivalent (need injected ``os.open``/``os.unlink`` failures or a race):
``x_write_template__mutmut_54`` to ``_57``, ``_65``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus
from annotator.default_scheme import news_scheme
from annotator.importers import import_paths
from annotator.importers.importer import ImportReport
from annotator.importers.labelmap import (
    LabelMapError,
    LabelMapper,
    load_label_map,
    unknown_labels_message,
    write_template,
)
from annotator.importers.labelstudio import Annotators
from annotator.model import AttributeDef, DocLabelDef, LabelScheme

Span = tuple[int, int, str, str]


def write(tmp_path: Path, tasks: list[Any], name: str = "tasks.json") -> Path:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), "utf-8")
    else:
        path.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    return path


def saved(corpus: Corpus) -> dict[tuple[str, str], tuple[str, dict[str, str], list[Span]]]:
    """Every saved annotation: (annotator, doc) -> (status, doc labels, spans)."""
    out: dict[tuple[str, str], tuple[str, dict[str, str], list[Span]]] = {}
    for annotator in corpus.annotators():
        for doc_id in corpus.doc_ids():
            path = corpus.annotation_path(annotator, doc_id)
            if path.exists():
                data = json.loads(path.read_text("utf-8"))
                spans = [(s["start"], s["end"], s["label"], s["text"]) for s in data["spans"]]
                out[annotator, doc_id] = (data["status"], data["doc_labels"], spans)
    return out


def problems(report: ImportReport, path: Path) -> list[str]:
    return [str(p).replace(str(path), "FILE") for p in report.problems]


def warnings(report: ImportReport, path: Path) -> list[str]:
    # Rule breaks of the imported spans are the validator's words, not this importer's.
    return [str(p).replace(str(path), "FILE") for p in report.warnings if "rule break" not in p.message]


def labels(region_id: str, start: int, end: int, names: list[Any], text: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": names}
    if text is not None:
        value["text"] = text
    return {"id": region_id, "type": "labels", "value": value}


TEXT = "Kim met Lee in Seoul."
# Two emoji before the entities: UTF-16 offsets are one more per emoji than code points.
EMOJI = "🚀 Samsung met 😀 Kim in Seoul."


def test_a_task_with_many_annotations_results_and_predictions(corpus: Corpus, tmp_path: Path) -> None:
    task = {
        "id": 1, "data": {"text": TEXT, "url": "https://x.test/1", "n": 3}, "meta": {"m": 1}, "created_at": "x",
        "annotations": [
            {"completed_by": {"id": 5, "email": "alice@example.com"}, "result": [
                labels("a", 0, 3, ["PER"], "Kim"),
                labels("b", 8, 11, ["PER", 7, "MISC"], "Lee"),  # one span per label that is a name
                {"id": "c", "type": "choices", "from_name": "page_type", "value": {"choices": ["article", 3]}},
                {"id": "d", "type": "relation", "from_id": "a", "to_id": "b"},
                "junk",
                {"id": "d2", "type": "relation", "from_id": "b", "to_id": "a"},
                {"id": "e", "type": "rating", "value": {"rating": 3}},
                {"id": "e2", "type": "rating", "value": {"rating": 4}},
                {"id": "f", "type": "labels", "value": {"start": 0, "end": 3, "labels": "PER"}},
                {"id": "g", "value": {"x": 1}},
            ]},
            {"completed_by": 6, "created_username": "bob@example.com, 6", "result": [labels("a", 15, 20, ["LOC"], "Seoul")]},
            "not an annotation",
            {"completed_by": 8, "was_cancelled": True, "result": [labels("a", 15, 20, ["LOC"], "Seoul")]},
            {"completed_by": 11, "was_cancelled": True, "result": []},
            {"completed_by": 9, "result": "x"},
            {"completed_by": 10, "result": [
                {"value": {"start": 0, "end": 3, "labels": ["PER"], "text": "Kim"}},
                labels("z", 0, 3, ["PER"], "Kxx"),
                {"type": "labels", "value": {"start": 0, "end": 99, "labels": ["PER"]}},
            ]},
        ],
        "predictions": [
            {"model_version": "a", "result": [labels("p1", 0, 3, ["PER"], "Kim"), labels("p2", 15, 20, ["LOC"], "Seoul")]},
            "not a prediction",
            {"model_version": "b", "result": [
                labels("p1", 0, 3, ["PER"], "Kim"),  # the same suggestion twice: kept once
                labels("p3", 15, 20, ["MISC"]),
                labels("p4", 0, 3, ["PER"], "Kxx"),
                {"type": "relation", "from_id": "p1", "to_id": "p3"},
                {"type": "choices", "from_name": "other", "value": {"choices": ["broken"]}},
            ]},
        ],
    }
    path = write(tmp_path, [task])
    report = import_paths(corpus, [path])
    assert problems(report, path) == [
        "FILE (task 1 of the list): annotation #3 is not an object",
        "FILE (task 1 of the list): annotation #6: 'result' is not a list; not imported",
        "FILE (task 1 of the list): annotation #7 region z: its text 'Kxx' is not the text at [0, 3): 'Kim'; not imported",
        "FILE (task 1 of the list): annotation #7 region #3: [0, 99) is not inside the text (0..21); not imported",
        "FILE (task 1 of the list): prediction #2 region p4: its text 'Kxx' is not the text at [0, 3): 'Kim'; not imported",
    ]
    assert dict(report.not_imported) == {
        "Label Studio relation result": 3, "Label Studio unreadable result": 1, "Label Studio rating result": 2,
        "Label Studio labels result": 1, "Label Studio ? result": 1, "cancelled Label Studio annotation": 2,
    }
    assert warnings(report, path) == [
        "FILE (task 1 of the list): not imported: 1 Label Studio ? result; 1 Label Studio labels result; "
        "2 Label Studio rating result; 3 Label Studio relation result; 1 Label Studio unreadable result; "
        "2 cancelled Label Studio annotation"
    ]
    assert saved(corpus) == {
        ("alice", "1"): ("in_progress", {"page_type": "article"},
                         [(0, 3, "PER", "Kim"), (8, 11, "PER", "Lee"), (8, 11, "MISC", "Lee")]),
        ("bob", "1"): ("in_progress", {}, [(15, 20, "LOC", "Seoul")]),
        ("suggestions", "1"): ("todo", {"page_type": "broken"},
                               [(0, 3, "PER", "Kim"), (15, 20, "LOC", "Seoul"), (15, 20, "MISC", "Seoul")]),
        ("user-10", "1"): ("in_progress", {}, [(0, 3, "PER", "Kim")]),
        ("user-9", "1"): ("todo", {}, []),  # someone submitted it: kept, even empty
    }
    # The data's other keys and the task's meta are kept; the task's own fields are not.
    assert corpus.read_meta("1").extra == {
        "url": "https://x.test/1", "n": 3, "meta": {"m": 1}, "source_tool": "label-studio",
    }


def test_completed_by_users_become_annotator_folders(corpus: Corpus, tmp_path: Path) -> None:
    def annotation(completed_by: Any, created_username: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"completed_by": completed_by, "result": [labels("a", 0, 3, ["PER"], "Kim")]}
        if created_username is not None:
            out["created_username"] = created_username
        return out

    path = write(tmp_path, [
        {"id": 1, "data": {"text": TEXT}, "annotations": [
            annotation({"id": 5, "email": "alice@example.com"}),
            annotation({"id": 6, "email": "alice@other.org"}),  # the same local part: keeps its id
            annotation({"id": 7, "email": 3}),
            annotation({"id": 8}),
            annotation({"email": "carol@x.com"}),
            annotation("dave x"),
            annotation(None, "erin@x.com, 12"),
            annotation(None, "frank"),  # no e-mail, no id: the default annotator
            annotation(11, "suggestions@x.com, 11"),  # the reserved name is never a user's
            annotation(None, "@x.com"),
            annotation({"email": "alice@third.org"}),
            annotation(True),  # not an id: the default annotator again, left out
        ]},
        # The same users on the next task keep their folders.
        {"id": 2, "data": {"text": "Kim met Lee."}, "annotations": [
            annotation({"id": 6, "email": "alice@other.org"}), annotation(5), annotation("5"),
        ]},
    ])
    report = import_paths(corpus, [path])
    assert problems(report, path) == []
    assert dict(report.not_imported) == {
        "second annotation of imported on one document": 1, "second annotation of alice on one document": 1,
    }
    kim = ("in_progress", {}, [(0, 3, "PER", "Kim")])
    assert saved(corpus) == {
        (name, "1"): kim
        for name in (
            "alice", "alice-6", "user-7", "user-8", "carol", "user-dave-x", "erin", "imported", "user-11",
            "user-unknown", "alice-alice-third.org",
        )
    } | {("alice-6", "2"): kim, ("alice", "2"): kim}


def test_annotators_names_directly() -> None:
    users = Annotators()
    assert users.name(None) is None
    assert users.name({"name": "x"}, "no-at-sign") is None
    assert users.name({"id": 1, "email": "Ann.Lee@example.com"}) == "Ann.Lee"
    assert users.name(1) == "Ann.Lee"  # the same user by id alone
    assert users.name(2, "ann.lee@example.com , 2") == "ann.lee"  # another local part (case kept)
    assert users.name({"id": 3, "email": "Ann.Lee@other.org"}) == "Ann.Lee-3"
    assert users.name("x y") == "user-x-y"
    assert users.name(None, "  bo@x.com, 4") == "bo"
    assert users.name("bo@x.com") == "bo"  # the same key as that e-mail
    assert users.name("cy@x.com") == "user-cy-x.com"  # a string is an id, not an e-mail
    assert users.name(None, "bo@y.com") == "bo-bo-y.com"  # no id: the e-mail tells them apart
    assert users.name(None, "suggestions@x.com") == "user-unknown"
    assert users.name(None, "@y.com") == "user-unknown-y.com"
    assert users.name("") == "user-unknown-"  # an empty id: nothing left to tell it apart


def test_bad_tasks_are_problems_naming_the_file_and_task(corpus: Corpus, tmp_path: Path) -> None:
    path = write(tmp_path, [
        {"id": 1, "data": {"text": "Text one."}, "annotations": []},
        ["x"],
        {"id": 3, "data": {"body": "Text three.", "n": 1}},  # the only string: the text
        {"id": 4, "data": {"a": 1}},
        {"id": 5, "data": {}},
        {"id": 6, "data": {"x": "a", "y": "b"}},
        {"id": 7, "data": {"text": "Text seven."}, "predictions": "p"},
        {"id": 8, "data": {"text": 5, "body": "Text eight."}},
        {"id": 9, "data": "str"},
        {"id": 10, "text": "Min ten.", "data": 3},  # no data object, but a text: JSON-MIN
        7,
    ])
    report = import_paths(corpus, [path])
    assert problems(report, path) == [
        "FILE (task 2 of the list): expected a JSON object (a Label Studio task), got list",
        "FILE (task 4 of the list): cannot tell which key of 'data' holds the text (keys: a); give it with --text-key",
        "FILE (task 5 of the list): cannot tell which key of 'data' holds the text (keys: none); give it with --text-key",
        "FILE (task 6 of the list): cannot tell which key of 'data' holds the text (keys: x, y); give it with --text-key",
        "FILE (task 7 of the list): 'predictions' must be a list, not str",
        "FILE (task 9 of the list): has no 'data' object (a Label Studio task)",
        "FILE (task 11 of the list): expected a JSON object (a Label Studio task), got int",
    ]
    assert corpus.doc_ids() == ["1", "10", "3", "8"]
    assert [corpus.read_text(d) for d in corpus.doc_ids()] == ["Text one.", "Min ten.", "Text three.", "Text eight."]
    assert [corpus.read_meta(d).extra for d in corpus.doc_ids()] == [
        {"source_tool": "label-studio"},
        {"data": 3, "source_tool": "label-studio"},
        {"n": 1, "source_tool": "label-studio"},
        {"text": 5, "source_tool": "label-studio"},
    ]


def test_a_text_key_picks_the_text_in_data_and_in_json_min(corpus: Corpus, tmp_path: Path) -> None:
    path = write(tmp_path, [
        {"id": 1, "data": {"text": "Text one.", "body": "Body one."}},
        {"id": 2, "data": {"body": 3}},
        {"id": 3, "text": "Min three."},
        {"id": 4, "body": "Min four.", "annotator": 2,
         "label": [{"start": 0, "end": 3, "labels": ["PER"], "text": "Min"},
                   {"start": 4, "end": 8, "labels": ["LOC"], "text": "five"}]},
    ], "tasks.jsonl")
    report = import_paths(corpus, [path], text_key="body")
    assert problems(report, path) == [
        "FILE:2: 'data' has no text under 'body' (--text-key); its keys: body",
        "FILE:3: has no 'data' object (a Label Studio task)",
        "FILE:4: label #2: its text 'five' is not the text at [4, 8): 'four'; not imported",
    ]
    assert [corpus.read_text(d) for d in corpus.doc_ids()] == ["Body one.", "Min four."]
    assert corpus.read_meta("1").extra == {"text": "Text one.", "source_tool": "label-studio"}
    assert saved(corpus) == {("user-2", "4"): ("in_progress", {}, [(0, 3, "PER", "Min")])}


def test_regions_in_a_text_outside_the_bmp(corpus: Corpus, tmp_path: Path) -> None:
    def task(doc_id: int, text: str, *results: dict[str, Any]) -> dict[str, Any]:
        return {"id": doc_id, "data": {"text": text}, "annotations": [{"completed_by": 7, "result": list(results)}]}

    path = write(tmp_path, [
        task(
            1, EMOJI,
            labels("a", "2", 9, ["ORG"], "Samsung"),  # type: ignore[arg-type]
            labels("b", 2, None, ["ORG"]),  # type: ignore[arg-type]
            labels("c", 2, 9, ["ORG"], "Samsunx"),
            labels("d", 18, 21, ["PER"], "Kim"),  # UTF-16 units: the task's unit from now on
            labels("f", 24, 29, ["LOC"]),
            labels("g", 40, 45, ["LOC"]),
            labels("h", 2, 9, ["ORG"]),
        ),
        task(2, "😀 " + EMOJI, labels("a", 5, 12, ["ORG"])),
        task(3, "Plain Kim.", labels("a", 6.0, 9, ["PER"], "Kim"), labels("b", 6, 9, ["PER"], 5),  # type: ignore[arg-type]
             labels("c", 9, 6, ["PER"])),
        task(4, "😀 Kim Lee Ann Bob Cyd Dee", *(labels(f"r{n}", 2 + 4 * n, 5 + 4 * n, ["PER"]) for n in range(6))),
    ])
    report = import_paths(corpus, [path])
    assert problems(report, path) == [
        "FILE (task 1 of the list): annotation #1 region a: offsets '2', 9 are not integers; not imported",
        "FILE (task 1 of the list): annotation #1 region b: offsets 2, None are not integers; not imported",
        "FILE (task 1 of the list): annotation #1 region c: its text 'Samsunx' is not at [2, 9) counted in code "
        "points nor in UTF-16 units; not imported",
        "FILE (task 1 of the list): annotation #1 region g: [40, 45) is not inside the text (0..29); not imported",
        "FILE (task 3 of the list): annotation #1 region a: offsets 6.0, 9 are not integers; not imported",
        "FILE (task 3 of the list): annotation #1 region c: [9, 6) is not inside the text (0..10); not imported",
    ]
    assert warnings(report, path) == [
        "FILE (task 1 of the list): 2 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as UTF-16 units (annotation #1 region f, annotation #1 region h)",
        "FILE (task 2 of the list): 1 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as code points (annotation #1 region a)",
        "FILE (task 4 of the list): 6 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as code points (annotation #1 region r0, annotation #1 region r1, annotation #1 region r2, "
        "annotation #1 region r3, annotation #1 region r4)",
    ]
    assert saved(corpus) == {
        ("user-7", "1"): ("in_progress", {}, [(16, 19, "PER", "Kim"), (22, 27, "LOC", " Seou"), (1, 8, "ORG", " Samsun")]),
        ("user-7", "2"): ("in_progress", {}, [(5, 12, "ORG", "amsung ")]),
        # A text that is not a string is not checked: the offsets are taken as they are.
        ("user-7", "3"): ("in_progress", {}, [(6, 9, "PER", "Kim")]),
        ("user-7", "4"): ("in_progress", {}, [
            (2, 5, "PER", "Kim"), (6, 9, "PER", "Lee"), (10, 13, "PER", "Ann"), (14, 17, "PER", "Bob"),
            (18, 21, "PER", "Cyd"), (22, 25, "PER", "Dee"),
        ]),
    }


def test_json_min_records(corpus: Corpus, tmp_path: Path) -> None:
    path = write(tmp_path, [
        {"id": 1, "text": TEXT, "annotator": 12, "annotation_id": 4, "lead_time": 2.5,
         "tags": ["a", "b"], "empty": [], "notes": [{"x": 1}],
         "label": [{"start": 0, "end": 3, "text": "Kim", "labels": ["PER", 5]},
                   {"start": 8, "end": 11, "text": "Lex", "labels": ["PER"]}],
         "place": [{"start": 15, "end": 20, "labels": ["LOC"]}]},
        {"id": 2, "text": "🚀 Samsung met Kim.", "label": [{"start": 2, "end": 9, "labels": ["ORG"]}]},
        {"id": 3, "text": "Nobody here."},
    ])
    report = import_paths(corpus, [path])
    assert problems(report, path) == [
        "FILE (task 1 of the list): label #2: its text 'Lex' is not the text at [8, 11): 'Lee'; not imported"
    ]
    assert warnings(report, path) == [
        "FILE (task 2 of the list): 1 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as code points (label #1)"
    ]
    assert saved(corpus) == {
        ("user-12", "1"): ("in_progress", {}, [(0, 3, "PER", "Kim"), (15, 20, "LOC", "Seoul")]),
        ("imported", "2"): ("in_progress", {}, [(2, 9, "ORG", "Samsung")]),
    }
    # Lists that are not regions stay with the document; the record's own fields do not.
    assert corpus.read_meta("1").extra == {
        "lead_time": 2.5, "tags": ["a", "b"], "empty": [], "notes": [{"x": 1}], "source_tool": "label-studio",
    }


# --------------------------------------------------------------------------- label maps


def test_brat_attributes_are_matched_to_the_scheme_and_the_rest_counted(corpus: Corpus, tmp_path: Path) -> None:
    # labelmap's attribute matching: case ignored, a list attribute gets a list, choice values
    # matched ignoring case; each attribute left out is counted, and the span's others kept.
    (tmp_path / "page.txt").write_text("By Kim Lee, Yonhap. Menu. Story here. Foot. Ad.", "utf-8")
    (tmp_path / "page.ann").write_text(
        "T1\tbyline 0 18\tBy Kim Lee, Yonhap\nA1\tAgency T1\nA2\tAUTHORS T1 Kim\nA3\tlocation T1 Seoul\n"
        "T2\tboilerplate 20 24\tMenu\nA4\tNegated T2\nA5\tkind T2 NAVIGATION\n"
        "T3\tbyline 26 31\tStory\nA6\tAgency T3\n"
        "T4\tboilerplate 38 42\tFoot\nA7\tKind T4 sidebar\nA8\tNegated T4\n"
        "T5\tboilerplate 44 46\tAd\nA9\tKind T5 sidebar\n",
        "utf-8",
    )
    report = import_paths(corpus, [tmp_path / "page.txt"])
    assert report.problems == []
    assert dict(report.not_imported) == {
        "attribute Agency without a value (byline.agency needs one)": 2,
        "attribute Negated (boilerplate has no such attribute)": 2,
        "attribute Kind=sidebar (not a value of boilerplate.kind)": 2,
    }
    data = json.loads(corpus.annotation_path("imported", "page").read_text("utf-8"))
    assert [(s["label"], s["text"], s["attrs"]) for s in data["spans"]] == [
        ("byline", "By Kim Lee, Yonhap", {"authors": ["Kim"], "location": "Seoul"}),
        ("boilerplate", "Menu", {"kind": "navigation"}),
        ("byline", "Story", {}),
        ("boilerplate", "Foot", {}),
        ("boilerplate", "Ad", {}),
    ]


def two_doc_labels() -> LabelScheme:
    news = news_scheme()
    return news.model_copy(update={"doc_labels": [
        *news.doc_labels, DocLabelDef(name="mood", values=["calm", "a=b"]),
    ]})


def test_the_unknown_labels_message_lists_every_document_label_or_none() -> None:
    unknown = Counter({"CITY": 2})
    assert unknown_labels_message(unknown, None, two_doc_labels(), "no room") == (
        "1 label(s) of the input are not in the corpus scheme: 'CITY' (2); nothing was imported; "
        "no label map file could be written (no room); write one and give it with --label-map FILE "
        "(map each to a span label: article, boilerplate, title, subtitle, byline, date, PER, ORG, LOC, MISC; "
        "or to a document label: page_type=VALUE, mood=VALUE; or to null to leave it out, counted)"
    )
    no_docs = news_scheme().model_copy(update={"doc_labels": []})
    assert unknown_labels_message(unknown, None, no_docs) == (
        "1 label(s) of the input are not in the corpus scheme: 'CITY' (2); nothing was imported; "
        "no label map file could be written (); write one and give it with --label-map FILE "
        "(map each to a span label: article, boilerplate, title, subtitle, byline, date, PER, ORG, LOC, MISC; "
        "or to null to leave it out, counted)"
    )


def test_map_targets_that_are_not_document_labels_are_refused() -> None:
    scheme = two_doc_labels()
    # Only the first "=" splits the name from the value.
    assert LabelMapper(scheme, {"odd": "mood=a=b"}).doc_label(None, "odd") == (True, ("mood", "a=b"))
    hint = (
        "(span labels: LOC, MISC, ORG, PER, article, boilerplate, byline, date, subtitle, title; "
        "document labels: page_type=VALUE, mood=VALUE; or null to leave it out)"
    )
    for target in ("page_type=zzz", "nosuch=article", "PERX"):
        with pytest.raises(LabelMapError) as caught:
            LabelMapper(scheme, {"X": target}, "map.json")
        assert str(caught.value) == f"map.json: 'X' maps to {target!r}: it is not a label of the corpus scheme {hint}"


def test_unusable_map_files_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    with pytest.raises(LabelMapError) as caught:
        load_label_map(bad)
    assert str(caught.value).startswith(f"{bad}: the label map: ")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"A": 3}', "utf-8")
    with pytest.raises(LabelMapError) as caught:
        load_label_map(wrong)
    assert str(caught.value) == f"{wrong}: 'A' maps to 3: give a label name, NAME=VALUE or null"


def test_the_map_template_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.umask(umask := os.umask(0o022))
    # A name that is all suffix: the map is called "import"; indented, one entry a line.
    path, why = write_template({"A": "", "B": "PER"}, tmp_path / ".jsonl", tmp_path / "corpus")
    assert (path, why) == (tmp_path / "import.label-map.json", "")
    assert path.read_bytes() == b'{\n  "A": "",\n  "B": "PER"\n}\n'
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    # Ninety-nine maps already there: no hundredth, and the reason says why.
    near = tmp_path / "x.jsonl"
    for n in range(1, 100):
        (tmp_path / ("x.label-map.json" if n == 1 else f"x.label-map-{n}.json")).write_text("{}", "utf-8")
    path, why = write_template({"A": ""}, near, tmp_path / "corpus")
    assert path is None
    assert why == "not replaced: it exists; remove it or choose another name"
    assert not (tmp_path / "x.label-map-100.json").exists()


def test_a_choice_goes_to_the_document_label_its_from_name_names(tmp_path: Path) -> None:
    # "calm" is a value of two document labels: only from_name tells which one.
    news = news_scheme()
    scheme = news.model_copy(update={"doc_labels": [
        DocLabelDef(name="mood", values=["calm", "angry"]), DocLabelDef(name="tone", values=["calm", "loud"]),
    ]})
    corpus = Corpus.create(tmp_path / "corpus", name="test", scheme=scheme)

    def choice(from_name: Any, value: Any, kind: str = "choices") -> dict[str, Any]:
        return {"type": kind, "from_name": from_name, "value": {"choices": value}}

    path = write(tmp_path, [{"id": 1, "data": {"text": TEXT}, "annotations": [
        {"completed_by": 1, "result": [choice("tone", ["calm"]), choice(["mood"], ["angry"])]},
        {"completed_by": 2, "result": [
            choice("mood", ["calm"]), choice("tone", "loud"), choice("tone", ["loud"], "textarea"),
        ]},
    ]}])
    report = import_paths(corpus, [path])
    assert problems(report, path) == []
    # Choices that are not a list, and choices in another kind of result, are not labels.
    assert dict(report.not_imported) == {"Label Studio choices result": 1, "Label Studio textarea result": 1}
    assert saved(corpus) == {
        ("user-1", "1"): ("in_progress", {"tone": "calm", "mood": "angry"}, []),
        ("user-2", "1"): ("in_progress", {"mood": "calm"}, []),
    }


def test_a_choice_mapped_to_null_is_left_out_and_counted(corpus: Corpus, tmp_path: Path) -> None:
    label_map = tmp_path / "map.json"
    label_map.write_text('{"article": null}', "utf-8")
    path = write(tmp_path, [{"id": 1, "data": {"text": TEXT}, "annotations": [{"completed_by": 1, "result": [
        labels("a", 0, 3, ["PER"], "Kim"), {"type": "choices", "from_name": "page_type", "value": {"choices": ["article"]}},
    ]}]}])
    report = import_paths(corpus, [path], label_map=label_map)
    assert problems(report, path) == []
    assert dict(report.not_imported) == {"label article (mapped to null)": 1}
    assert saved(corpus) == {("user-1", "1"): ("in_progress", {}, [(0, 3, "PER", "Kim")])}


def test_an_attribute_of_exactly_that_name_wins_over_one_differing_in_case(tmp_path: Path) -> None:
    news = news_scheme()
    layers = [
        layer.model_copy(update={"labels": [
            lb.model_copy(update={"attrs": [AttributeDef(name="Kind", type="text"), AttributeDef(name="kind", type="text")]})
            if lb.name == "PER" else lb
            for lb in layer.labels
        ]})
        for layer in news.layers
    ]
    corpus = Corpus.create(tmp_path / "corpus", name="test", scheme=news.model_copy(update={"layers": layers}))
    (tmp_path / "page.txt").write_text("Kim met Lee.", "utf-8")
    (tmp_path / "page.ann").write_text("T1\tPER 0 3\tKim\nA1\tkind T1 chief\n", "utf-8")
    report = import_paths(corpus, [tmp_path / "page.txt"])
    assert report.problems == [] and dict(report.not_imported) == {}
    data = json.loads(corpus.annotation_path("imported", "page").read_text("utf-8"))
    assert [s["attrs"] for s in data["spans"]] == [{"kind": "chief"}]
