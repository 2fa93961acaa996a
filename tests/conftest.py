"""Shared fixtures. Tests run without a screen and without ../shared."""

from __future__ import annotations

import os
import shutil
import unicodedata
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.corpus import Corpus
from annotator.model import DocumentMeta
from annotator.rules import sha256_text

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "seeds" / "000_2c3ea0c0f783ca12.txt"
DEMO_CORPUS = ROOT / "corpora" / "demo"


def copy_demo_for_review(destination: Path) -> Path:
    """A copy of the demo corpus where only the seed page has gold.

    Review-mode tests adjudicate alice's and bob's other two documents from scratch (gold
    starting from their agreement, disagreements still open); the demo's complete gold of
    those pages (the benchmark's targets) is left out of the copy for that.
    """
    shutil.copytree(DEMO_CORPUS, destination, ignore=shutil.ignore_patterns(".lock*", ".journal"))
    for gold in (destination / "gold").glob("*.json"):
        if gold.stem != SEED_PATH.stem:
            gold.unlink()
    return destination


def add_text(corpus: Corpus, doc_id: str, text: str) -> str:
    """Add ``text`` as a document directly (bypassing the importers)."""
    meta = DocumentMeta(
        doc_id=doc_id, text_sha256=sha256_text(text), chars=len(text), source=f"test:{doc_id}", source_format="txt"
    )
    corpus.add_document(text, meta)
    return text


@pytest.fixture
def seed_text() -> str:
    return unicodedata.normalize("NFC", SEED_PATH.read_text("utf-8"))


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return Corpus.create(tmp_path / "corpus", name="test")


@pytest.fixture
def seed_corpus(corpus: Corpus, seed_text: str) -> Corpus:
    add_text(corpus, "seed", seed_text)
    return corpus
