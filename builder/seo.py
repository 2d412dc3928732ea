"""What search engines and social sites read: schema.org JSON-LD, Open Graph, canonical URLs.

The builder computes the values and puts them in each page's front matter
(`og_type`, `jsonld`); `templates/overrides/partials/head_meta.html` turns
them into <head> tags. Canonical URLs and the sitemap are MkDocs' own, made
from `site_url` in mkdocs.yml, which this module also reads so that the
feeds and JSON-LD use the very same absolute URLs.

JSON-LD goes inside a <script> element, where HTML escaping does not apply:
`jsonld_text` escapes <, > and & as JSON \\u escapes, so no seed text can
close the script element, and the value stays valid JSON.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

from .model import Article, ArticleEntity

MKDOCS_YML = Path(__file__).resolve().parent.parent / "mkdocs.yml"
PUBLISHER = "أرشيف الساحل"
HEADLINE_LIMIT = 110  # Google's limit for article rich results
SCHEMA_TYPES = {"person": "Person", "organisation": "Organization", "place": "Place"}
_SITE_URL = re.compile(r"^site_url:\s*['\"]?(?P<url>[^'\"\s#]+)", re.MULTILINE)


@lru_cache(maxsize=4)
def site_url(config: Path = MKDOCS_YML) -> str:
    """`site_url` of mkdocs.yml, ending in '/'.

    Read with a pattern rather than a YAML load: mkdocs.yml holds
    `!!python/object` tags that a safe loader refuses, and an unsafe one
    would run them.
    """
    match = _SITE_URL.search(config.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{config}: no site_url; feeds and JSON-LD need absolute URLs")
    url = match.group("url")
    return url if url.endswith("/") else url + "/"


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder, not one per page


def jsonld_text(data: object) -> str:
    """Compact JSON that is safe inside <script type="application/ld+json">."""
    text = _COMPACT.encode(data)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def headline(title: str, limit: int = HEADLINE_LIMIT) -> str:
    """The title within Google's article headline limit, cut at a word with an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    return title[: limit - 1].rsplit(" ", 1)[0] + "…"


def article_jsonld(article: Article, base: str, entity_url) -> dict[str, object]:
    """schema.org NewsArticle: facts the archive knows, nothing guessed.

    `datePublished` only when the source states the date. `about` is the
    entities named in the title (what the story is about), or when the title
    names none, the one the text names most; `mentions` the others; each
    with the URL of its page in the archive.
    """
    data = _article_facts(article, base)
    about, mentions = _about_and_mentions(article)
    if about:
        data["about"] = [_entity_node(base, e.type, e.entity_id, e.name, entity_url) for e in about]
    if mentions:
        data["mentions"] = [_entity_node(base, e.type, e.entity_id, e.name, entity_url) for e in mentions]
    return data


def article_jsonld_text(article: Article, base: str, entity_url) -> str:
    """`jsonld_text(article_jsonld(...))`, with each entity's node encoded once for the whole archive.

    Escaping is character by character, so the pieces escaped apart join to the same text.
    """
    text = jsonld_text(_article_facts(article, base))
    about, mentions = _about_and_mentions(article)
    parts = [text[:-1]]  # the facts object without its closing brace
    for key, entities in (("about", about), ("mentions", mentions)):
        if entities:
            nodes = ",".join([_entity_node_text(base, e.type, e.entity_id, e.name, entity_url) for e in entities])
            parts.append(f',"{key}":[{nodes}]')
    parts.append("}")
    return "".join(parts)


def _article_facts(article: Article, base: str) -> dict[str, object]:
    url = base + article.url
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": headline(article.title),
        "inLanguage": "ar",
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": base},
    }
    if article.deck:
        data["description"] = article.deck
    if article.date:
        data["datePublished"] = article.date
    if article.outlet:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.outlet}
    return data


_PARAGRAPH = attrgetter("paragraph")


def _about_and_mentions(article: Article) -> tuple[list[ArticleEntity], list[ArticleEntity]]:
    about, mentions = [], []
    entities = article.entities
    titled = [-1 in map(_PARAGRAPH, e.mentions) for e in entities]
    if not any(titled):  # no entity in the title: the one the text names most
        most = max(entities, key=lambda e: len(e.mentions), default=None)
        titled = [e is most for e in entities]
    for entity, is_about in zip(entities, titled, strict=True):
        (about if is_about else mentions).append(entity)
    return about, mentions


def _entity_node(base: str, entity_type: str, entity_id: str, name: str, entity_url) -> dict[str, str]:
    url = base + entity_url(entity_type, entity_id)
    return {"@type": SCHEMA_TYPES.get(entity_type, "Thing"), "name": name, "url": url}


@lru_cache(maxsize=1 << 15)  # one per entity: most are named on many pages
def _entity_node_text(base: str, entity_type: str, entity_id: str, name: str, entity_url) -> str:
    return jsonld_text(_entity_node(base, entity_type, entity_id, name, entity_url))
