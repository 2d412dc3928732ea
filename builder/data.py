"""The machine-readable catalogue: one JSON object per article in `data/articles.jsonl`.

Researchers take the archive's extraction without scraping pages, so every
field the pages show is here, with its provenance, in a stable key order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields

from .model import Article

# json.dumps(..., ensure_ascii=False) builds a new encoder per call; one is enough.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: object) -> object:
    """`dataclasses.asdict` for our frozen records, without its deep copy of every string.

    Field names come from the dataclass itself, so a field added to the model
    reaches the data file without anyone editing this module.
    """
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    names = _FIELDS.get(type(value))
    if names is None:
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))  # type: ignore[arg-type]
    return {name: _plain(getattr(value, name)) for name in names}


def article_record(article: Article) -> dict[str, object]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "title_derived": article.title_derived,
        "deck": article.deck,
        "date": article.date,
        "date_source": article.date_source,
        "earliest_date": article.earliest_date,
        "earliest_date_source": article.earliest_date_source,
        "outlet": article.outlet,
        "outlet_source": article.outlet_source,
        "dateline": article.dateline,
        "byline": article.byline,
        "captions": [{"text": c.text, "credit": c.credit, "line": c.line} for c in article.captions],
        "headings": list(article.headings),
        "paragraphs": list(article.paragraphs),
        "quotes": [_plain(q) for q in article.quotes],
        "teasers": [_teaser(t) for t in article.teasers],
        "entities": [_plain(e) for e in article.entities],
        "related": list(article.related),
        "annotated": article.annotated,
        # Editors' corrections override title/date/outlet above; what the builder extracted stays here.
        "corrections": [
            {"field": c.field, "value": c.value, "extracted": c.extracted, "source": f"{c.file}:{c.line}"}
            for c in article.corrections
        ],
        "notes": [
            {
                "number": n.number,
                "kind": n.kind,
                "verdict": n.verdict,
                "quote": n.quote,
                "paragraph": n.pieces[0][0] + 1,
                "text": n.text,
                "author": n.author,
                "sources": list(n.sources),
                "source": f"{n.file}:{n.line}",
            }
            for n in article.notes
        ],
        "source": article.source,
        "line": article.line,
    }


def _teaser(teaser: object) -> dict[str, object]:
    record = _plain(teaser)
    assert isinstance(record, dict)
    record["caption"] = record.pop("caption")  # the caption last, as the catalogue always had it
    return record


def article_line(article: Article) -> str:
    """One line of `data/articles.jsonl`."""
    return _ENCODER.encode(article_record(article)) + "\n"


def iter_articles_jsonl(articles: Iterable[Article]) -> Iterator[str]:
    """The catalogue line by line, for writing without holding the whole file."""
    return map(article_line, articles)


def articles_jsonl(articles: tuple[Article, ...]) -> str:
    return "".join(iter_articles_jsonl(articles))
