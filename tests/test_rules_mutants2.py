"""Rule checks of a large annotation (the numpy path) whose spans include the scheme's first
label, second sample of the mutation run (issue #10).

Mutants of ``annotator/rules.py`` left alive on purpose, because no input the tool accepts
can tell them from the original:

- ``_large_span_problems__mutmut_76`` (``codes.min() >= 1``): a span of the scheme's first
  label (code 0, "article" in the news scheme) sends the check down the span-by-span path
  instead of numpy's; both paths report the same problems in the same order (150 random
  annotations of 200-400 spans, "article" among their labels, compared in the mutant clone
  with and without the mutant: no difference), only slower.
"""

from __future__ import annotations

from annotator.default_scheme import news_scheme
from annotator.model import Annotation, Span
from annotator.rules import check_annotation, sha256_text


def test_a_large_annotation_with_an_article_reports_each_overlap() -> None:
    words = [f"w{i:03d}" for i in range(300)]
    text = " ".join(words)
    spans = [Span(id="a1", start=0, end=len(text), label="article", text=text, attrs={"role": "main"})]
    for i in range(300):
        start = i * 5
        spans.append(Span(id=f"p{i}", start=start, end=start + 4, label="PER", text=words[i]))
    # An ORG over "w010 w011" overlaps two entities of the same layer.
    spans.append(Span(id="o1", start=50, end=59, label="ORG", text=text[50:59]))
    annotation = Annotation(doc_id="d", text_sha256=sha256_text(text), annotator="x", spans=spans)
    problems = check_annotation(annotation, text, news_scheme())
    assert [(p.code, p.span_id, p.message) for p in problems] == [
        ("overlap", "p10", "spans of layer 'entity' may not overlap: PER [50, 54) overlaps span o1"),
        ("overlap", "p11", "spans of layer 'entity' may not overlap: PER [55, 59) overlaps span o1"),
    ]
