"""The default label scheme for news articles (a contract: exports, agreement and other
tools key on these names). ``annotator schema`` writes it to ``schemas/news.scheme.json``."""

from __future__ import annotations

from annotator.model import AttributeDef, DocLabelDef, LabelDef, LabelScheme, Layer

BOILERPLATE_KINDS = [
    "navigation",
    "header",
    "footer",
    "caption",
    "related-links",
    "advertisement",
    "share",
    "other",
]


def news_scheme() -> LabelScheme:
    return LabelScheme(
        name="news",
        version=1,
        description="Article boundaries, article parts, named entities and boilerplate "
        "of raw news pages.",
        layers=[
            Layer(
                name="structure",
                description="Where articles start and end, and the boilerplate around and in them.",
                labels=[
                    LabelDef(
                        name="article",
                        color="#2e7d32",
                        key="a",
                        description="One article, from its title to its last line.",
                        no_self_overlap=True,
                        attrs=[
                            AttributeDef(
                                name="role",
                                type="choice",
                                values=["main", "related"],
                                required=True,
                                default="main",
                                description="main: the page's article; related: a teaser of another",
                            )
                        ],
                    ),
                    LabelDef(
                        name="boilerplate",
                        color="#9e9e9e",
                        key="b",
                        description="Text that is not article content.",
                        no_self_overlap=True,
                        no_cross=["article"],
                        attrs=[
                            AttributeDef(
                                name="kind",
                                type="choice",
                                values=BOILERPLATE_KINDS,
                                required=True,
                                default="other",
                                description="what the text is: site navigation, a photo caption, "
                                "a box of other articles, an advertisement, the page footer, ...",
                            )
                        ],
                    ),
                ],
            ),
            Layer(
                name="part",
                description="Parts of an article.",
                no_overlap=True,
                labels=[
                    LabelDef(
                        name="title", color="#1565c0", key="t", inside=["article"],
                        description="the article's headline, inside the article",
                    ),
                    LabelDef(
                        name="subtitle", color="#5e92f3", key="s", inside=["article"],
                        description="a deck or subheading under the headline",
                    ),
                    LabelDef(
                        name="byline",
                        color="#6a1b9a",
                        key="y",
                        inside=["article"],
                        description="who wrote the article, and for which agency, from where",
                        attrs=[
                            AttributeDef(
                                name="authors", type="list",
                                description="each author's name as written, without 기자/By",
                            ),
                            AttributeDef(
                                name="agency", type="text",
                                description="the news agency or outlet named in the byline",
                            ),
                            AttributeDef(
                                name="location", type="text",
                                description="the dateline place, e.g. 서울 in [서울=뉴스핌]",
                            ),
                            AttributeDef(
                                name="email", type="email", description="the author's e-mail address"
                            ),
                        ],
                    ),
                    LabelDef(
                        name="date",
                        color="#ef6c00",
                        key="d",
                        inside=["article"],
                        description="when the article was published or updated, as printed",
                        attrs=[
                            AttributeDef(
                                name="value",
                                type="date",
                                description="ISO 8601 date or time; a time zone only when the "
                                "page or the corpus gives one",
                            )
                        ],
                    ),
                ],
            ),
            Layer(
                name="entity",
                description="Named entities.",
                no_overlap=True,
                labels=[
                    LabelDef(name="PER", color="#d81b60", key="p", description="person"),
                    LabelDef(name="ORG", color="#00897b", key="o", description="organisation"),
                    LabelDef(name="LOC", color="#f9a825", key="l", description="location"),
                    LabelDef(name="MISC", color="#8d6e63", key="m", description="other names"),
                ],
            ),
        ],
        doc_labels=[
            DocLabelDef(
                name="page_type",
                values=["article", "article-list", "non-article", "broken"],
                description="What kind of page this is.",
            )
        ],
    )
