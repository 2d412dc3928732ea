"""One way to make an Article in a test: every field defaulted, paragraphs as plain strings."""

from __future__ import annotations

from builder.model import Article, Block


def make_article(article_id: str = "a-0000000000", paragraphs=("فقرة.",), first_line: int = 2, **fields) -> Article:
    """An article whose body is `paragraphs`, numbered from `first_line`; any field may be overridden."""
    values = dict(
        id=article_id,
        source="seeds/x.txt",
        line=1,
        title="عنوان",
        title_derived=False,
        deck=None,
        date=None,
        date_source=None,
        earliest_date=None,
        earliest_date_source=None,
        outlet=None,
        outlet_source=None,
        dateline=None,
        byline=None,
        lead_caption=None,
        body=tuple(Block("paragraph", p, first_line + i) for i, p in enumerate(paragraphs)),
    )
    values.update(fields)
    return Article(**values)
