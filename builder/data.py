"""The machine-readable catalogue: one JSON object per article in `data/articles.jsonl`.

Researchers take the archive's extraction without scraping pages, so every
field the pages show is here, with its provenance, in a stable key order.

`article_record` is the definition of a line: plain values taken from the
model's dataclasses. `article_line` writes the same JSON faster: the nested
records (entities and their mentions, quotes, teasers, captions) are most of
a line's objects, and one string format each costs a fraction of building
dicts for the JSON encoder to walk. It does so only while the model has the
fields written out here (`_FAST` compares them); otherwise it encodes the
record, so a field added to the model still reaches the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from functools import lru_cache
from json.encoder import encode_basestring as _json_str  # what _ENCODER writes for a str

from .model import Article, ArticleEntity, Caption, Mention, Quote, Teaser

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
        **_scalars(article),
        "captions": [{"text": c.text, "credit": c.credit, "line": c.line} for c in article.captions],
        "headings": list(article.headings),
        "paragraphs": list(article.paragraphs),
        "quotes": [_plain(q) for q in article.quotes],
        "teasers": [_teaser(t) for t in article.teasers],
        "entities": [_plain(e) for e in article.entities],
        **_annotations(article),
    }


def _scalars(article: Article) -> dict[str, object]:
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
    }


def _annotations(article: Article) -> dict[str, object]:
    """The fields after the entities: related articles, then what editors added."""
    return {
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
    """One line of `data/articles.jsonl`: `article_record` as JSON."""
    if not _FAST:
        return _ENCODER.encode(article_record(article)) + "\n"
    encode = _ENCODER.encode
    return "".join(
        [
            encode(_scalars(article))[:-1],  # the object stays open for the fields below
            ', "captions": [',
            ", ".join([_caption_json(c) for c in article.captions]),
            '], "headings": ',
            encode(article.headings),
            ', "paragraphs": ',
            encode(article.paragraphs),
            ', "quotes": [',
            ", ".join([_quote_json(q) for q in article.quotes]),
            '], "teasers": [',
            ", ".join([_teaser_json(t) for t in article.teasers]),
            '], "entities": [',
            ", ".join([_entity_json(e) for e in article.entities]),
            "], ",
            encode(_annotations(article))[1:],
            "\n",
        ]
    )


def _str_or_null(value: str | None) -> str:
    return "null" if value is None else _json_str(value)


def _caption_json(caption: Caption) -> str:
    return f'{{"text": {_json_str(caption.text)}, "credit": {_str_or_null(caption.credit)}, "line": {caption.line}}}'


def _quote_json(quote: Quote) -> str:
    return f'{{"text": {_json_str(quote.text)}, "paragraph": {quote.paragraph}, "start": {quote.start}}}'


def _teaser_json(t: Teaser) -> str:
    return (
        f'{{"title": {_json_str(t.title)}, "line": {t.line}, "section": {_str_or_null(t.section)}, '
        f'"summary": {_str_or_null(t.summary)}, "byline": {_str_or_null(t.byline)}, '
        f'"outlet": {_str_or_null(t.outlet)}, "author": {_str_or_null(t.author)}, '
        f'"dateline": {_str_or_null(t.dateline)}, "target_id": {_str_or_null(t.target_id)}, '
        f'"caption": {"null" if t.caption is None else _caption_json(t.caption)}}}'
    )


def _entity_json(entity: ArticleEntity) -> str:
    head = _entity_head(entity.entity_id, entity.name, entity.type)
    mentions = entity.mentions
    if len(mentions) == 1:  # most entities are named once in an article
        return f"{head}{_mention_json(mentions[0])}]}}"
    return f"{head}{', '.join([_mention_json(m) for m in mentions])}]}}"


@lru_cache(maxsize=1 << 15)  # one per entity: most are named in many articles
def _entity_head(entity_id: str, name: str, entity_type: str) -> str:
    known = f'"entity_id": {_json_str(entity_id)}, "name": {_json_str(name)}, "type": {_json_str(entity_type)}'
    return f'{{{known}, "mentions": ['


def _mention_json(m: Mention) -> str:
    return f'{{"surface": {_json_str(m.surface)}, "paragraph": {m.paragraph}, "start": {m.start}, "end": {m.end}}}'


def _shape(cls: type) -> dict[str, object]:
    return {f.name: f.type for f in fields(cls)}


# The fields and types the formats above write, as model.py annotates them.
_FAST = (
    _shape(Caption) == {"text": "str", "credit": "str | None", "line": "int"}
    and _shape(Quote) == {"text": "str", "paragraph": "int", "start": "int"}
    and _shape(Mention) == {"surface": "str", "paragraph": "int", "start": "int", "end": "int"}
    and _shape(ArticleEntity)
    == {"entity_id": "str", "name": "str", "type": "EntityType", "mentions": "tuple[Mention, ...]"}
    and _shape(Teaser)
    == {
        "title": "str",
        "line": "int",
        "section": "str | None",
        "summary": "str | None",
        "caption": "Caption | None",
        "byline": "str | None",
        "outlet": "str | None",
        "author": "str | None",
        "dateline": "str | None",
        "target_id": "str | None",
    }
)


def iter_articles_jsonl(articles: Iterable[Article]) -> Iterator[str]:
    """The catalogue line by line, for writing without holding the whole file."""
    return map(article_line, articles)


def articles_jsonl(articles: tuple[Article, ...]) -> str:
    return "".join(iter_articles_jsonl(articles))
