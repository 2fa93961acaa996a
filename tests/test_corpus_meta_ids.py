"""``corpus._meta_ids``: the ids of a documents folder's ``ID.meta.json`` files, sorted, with
the names decoded as ``os.fsdecode`` would, whichever way the listing is decoded."""

from __future__ import annotations

import os

import pytest

from annotator import corpus as corpus_module
from annotator.corpus import _meta_ids

NAMES = [
    b"b.meta.json", b"a.meta.json", b"a.txt", b"c.meta.json.tmp", b".meta.json",
    b"x.meta.json.meta.json", b"\xed\x95\x9c.meta.json", b"bad\xff.meta.json", b"bad\xff.txt",
    b"trail\xe2\x82.meta.json", b"Z.meta.json", b"meta.json", b"z" * 200 + b".meta.json",
]


def by_name(names: list[bytes]) -> list[str]:
    suffix = b".meta.json"
    return sorted(os.fsdecode(n[: -len(suffix)]) for n in names if n.endswith(suffix))


def test_ids_in_code_point_order_non_utf8_names_as_surrogates() -> None:
    ids = _meta_ids(list(NAMES))
    assert ids == by_name(NAMES)
    assert ids[:3] == ["", "Z", "a"]
    assert "x.meta.json" in ids and "한" in ids
    assert "bad\udcff" in ids and "trail\udce2\udc82" in ids


def test_the_python_path_for_huge_listings_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_module, "_SORT_ARRAY_MAX", 0)
    assert _meta_ids(list(NAMES)) == by_name(NAMES)


def test_an_empty_folder_and_one_without_meta_files() -> None:
    assert _meta_ids([]) == []
    assert _meta_ids([b"a.txt", b"notes"]) == []
