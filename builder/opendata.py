"""Open data beside `data/articles.jsonl`: entities as JSON, articles and entities as CSV.

Researchers who work in spreadsheets get CSV; those who script get JSON.
All files are in archive order or sorted by id, with fixed columns, so two
builds of the same seeds give the same bytes and a diff of two releases
shows exactly what changed. CSV is UTF-8 with a byte-order mark, because
spreadsheet programs otherwise read Arabic as mojibake; list values inside
one cell are joined with " | ".

`extra` lets the entities stage add the registry's own fields (aliases,
description, Wikidata id, coordinates) per entity id without this module
knowing the registry's shape.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_str
from operator import attrgetter

from .model import Article

ARTICLE_COLUMNS = (
    "id",
    "url",
    "title",
    "title_derived",
    "date",
    "date_source",
    "earliest_date",
    "outlet",
    "dateline",
    "byline",
    "sections",
    "paragraphs",
    "entities",
    "annotated",
    "source",
    "line",
)
ENTITY_COLUMNS = (
    "id",
    "name",
    "type",
    "url",
    "articles",
    "mentions",
    "first_date",
    "last_date",
    "lat",
    "lon",
    "wikidata",
)


@dataclass(frozen=True)
class EntityRecord:
    id: str
    name: str
    type: str
    url: str
    articles: tuple[str, ...]  # article ids, archive order
    mentions: int
    first_date: str | None
    last_date: str | None
    extra: Mapping[str, object] = field(default_factory=dict)


def entity_records(
    articles: Sequence[Article],
    url_of: Callable[[str, str], str],
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> list[EntityRecord]:
    names: dict[str, tuple[str, str]] = {}
    found: dict[str, list[Article]] = {}
    mentions: dict[str, int] = {}
    for article in articles:
        for entity in article.entities:
            entity_id = entity.entity_id
            listed = found.get(entity_id)
            if listed is None:
                names[entity_id] = (entity.name, entity.type)
                found[entity_id] = [article]
                mentions[entity_id] = len(entity.mentions)
            else:
                listed.append(article)
                mentions[entity_id] += len(entity.mentions)
    extra = extra or {}
    records = []
    for entity_id in sorted(names):
        dates = [a.date for a in found[entity_id] if a.date]
        name, kind = names[entity_id]
        records.append(
            EntityRecord(
                id=entity_id,
                name=name,
                type=kind,
                url=url_of(kind, entity_id),
                articles=tuple(a.id for a in found[entity_id]),
                mentions=mentions[entity_id],
                first_date=min(dates) if dates else None,
                last_date=max(dates) if dates else None,
                extra=dict(extra.get(entity_id, {})),
            )
        )
    return records


def entities_json(records: Sequence[EntityRecord], site_url: str) -> str:
    payload = {
        "description": "كيانات أرشيف الساحل: الأشخاص والمنظمات والأماكن، مع عدد المقالات وروابطها",
        "site": site_url,
        "count": len(records),
        "entities": [
            {
                "id": r.id,
                "name": r.name,
                "type": r.type,
                "url": r.url,
                "article_count": len(r.articles),
                "mention_count": r.mentions,
                "first_date": r.first_date,
                "last_date": r.last_date,
                "articles": list(r.articles),
                **{k: v for k, v in r.extra.items() if k not in {"id", "name", "type", "url"}},
            }
            for r in records
        ],
    }
    return indented_json(payload) + "\n"


def indented_json(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1)`, made several times faster.

    With an indent, the json module encodes in Python one token at a time;
    here lists of strings (an entity's article ids, most of the file) are
    encoded by one C call each. Values it does not know go to json.dumps.
    """
    out: list[str] = []
    try:
        _indent_into(out, value, "\n")
    except _Unknown:
        return json.dumps(value, ensure_ascii=False, indent=1)
    return "".join(out)


class _Unknown(Exception):
    """A value `indented_json` leaves to the json module."""


def _indent_into(out: list[str], value: object, newline: str) -> None:
    if isinstance(value, str):
        out.append(_json_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float_str(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + " "
        try:  # the common case: all strings, one C call each
            out.append("[" + inner + ("," + inner).join(map(_json_str, value)) + newline + "]")
            return
        except TypeError:
            pass
        out.append("[")
        for i, item in enumerate(value):
            out.append("," + inner if i else inner)
            _indent_into(out, item, inner)
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + " "
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise _Unknown
            out.append(("," + inner if i else inner) + _json_str(key) + ": ")
            _indent_into(out, item, inner)
        out.append(newline + "}")
    else:
        raise _Unknown


def _float_str(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v) for v in row])
    return "\ufeff" + buffer.getvalue()


_ENTITY_ID = attrgetter("entity_id")


def articles_csv(articles: Sequence[Article], sections: Mapping[str, Sequence[str]]) -> str:
    rows = [
        (
            a.id,
            a.url,
            a.title,
            a.title_derived,
            a.date,
            a.date_source,
            a.earliest_date,
            a.outlet,
            a.dateline,
            a.byline,
            " | ".join(sections.get(a.id, ())),
            len(a.paragraphs),
            " | ".join(map(_ENTITY_ID, a.entities)),
            a.annotated,
            a.source,
            a.line,
        )
        for a in articles
    ]
    return _csv(ARTICLE_COLUMNS, rows)


def entities_csv(records: Sequence[EntityRecord]) -> str:
    rows = [
        (
            r.id,
            r.name,
            r.type,
            r.url,
            len(r.articles),
            r.mentions,
            r.first_date,
            r.last_date,
            r.extra.get("lat"),
            r.extra.get("lon"),
            r.extra.get("wikidata"),
        )
        for r in records
    ]
    return _csv(ENTITY_COLUMNS, rows)
