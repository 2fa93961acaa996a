"""Shared builders for the agreement and adjudication tests (holds no tests itself)."""

from __future__ import annotations

from annotator.corpus import Corpus
from annotator.model import Annotation, Span
from annotator.rules import sha256_text

SpanSpec = tuple[int, int, str] | tuple[int, int, str, dict]


def make_annotation(
    text: str, doc_id: str, annotator: str, spans: list[SpanSpec], status: str = "done",
    doc_labels: dict[str, str] | None = None,
) -> Annotation:
    built = []
    for i, spec in enumerate(spans, 1):
        start, end, label = spec[0], spec[1], spec[2]
        attrs = spec[3] if len(spec) > 3 else {}
        built.append(Span(id=f"s{i}", start=start, end=end, label=label, text=text[start:end],
                          attrs=attrs))
    return Annotation(doc_id=doc_id, text_sha256=sha256_text(text), annotator=annotator,
                      status=status, doc_labels=doc_labels or {}, spans=built)


def save(corpus: Corpus, text: str, doc_id: str, annotator: str, spans: list[SpanSpec],
         status: str = "done", doc_labels: dict[str, str] | None = None) -> Annotation:
    annotation = make_annotation(text, doc_id, annotator, spans, status, doc_labels)
    corpus.save_annotation(annotation)
    return annotation


def seed_versions(text: str) -> dict[str, list[SpanSpec]]:
    """Two annotators' takes on the seed page, with one disagreement of every kind."""
    art = text.find('"인공지능 경쟁력 키우자"')
    title_end = art + len('"인공지능 경쟁력 키우자"')
    byline = text.find("[서울=뉴스핌] 심지혜 기자")
    caption = text.find("LG 트윈타워 [사진=LG]")
    lg = text.find("LG전자")
    kt = text.find("KT", lg)
    lgu = text.find("LG유플러스", kt)
    per = text.find("박일평")
    assert min(art, byline, caption, lg, kt, lgu, per) >= 0
    alice: list[SpanSpec] = [
        (art, 1500, "article", {"role": "main"}),
        (caption, caption + 15, "boilerplate", {"kind": "caption"}),
        (art, title_end, "title"),
        (byline, byline + 15, "byline", {"authors": ["심지혜"]}),
        (lg, lg + 4, "ORG"),
        (kt, kt + 2, "ORG"),
        (per, per + 3, "PER"),
    ]
    bob: list[SpanSpec] = [
        (art, 1480, "article", {"role": "main"}),
        (art, title_end, "title"),
        (byline, byline + 15, "byline", {"authors": ["심지혜"], "agency": "뉴스핌"}),
        (lg, lg + 4, "ORG"),
        (kt, kt + 2, "LOC"),
        (lgu, lgu + 6, "ORG"),
        (per, per + 3, "PER"),
    ]
    return {"alice": alice, "bob": bob}
