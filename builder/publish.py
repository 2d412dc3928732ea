"""Everything a reader, a researcher or a crawler uses to find their way: one entry point.

`build.render_site` calls `add_reader_pages` once, after the articles are
rendered, and `article_context` for each article's extra context
(breadcrumbs, older/newer article, head metadata). Both are pure functions of
the assembled archive, so they add nothing that depends on the clock or the
file system beyond the shipped map outline and mkdocs.yml's `site_url`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import browse, feeds, opendata, seo
from .map import Place, map_svg, missing_coordinates, places_from
from .model import Article
from .render import render_page
from .timeline import timeline_svg
from .write import Output

PLACES_URL = "browse/places/"


def registry_coordinates(entities: Mapping[str, object]) -> dict[str, tuple[float, float]]:
    """(lat, lon) of every registry place that has them."""
    out = {}
    for entity_id, entity in entities.items():
        lat, lon = getattr(entity, "lat", None), getattr(entity, "lon", None)
        if getattr(entity, "type", None) == "place" and lat is not None and lon is not None:
            out[entity_id] = (lat, lon)
    return out


def registry_extra(entities: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """The registry's own fields per entity, for data/entities.json and entities.csv."""
    out: dict[str, dict[str, object]] = {}
    for entity_id, entity in entities.items():
        aliases = getattr(entity, "aliases", ())
        out[entity_id] = {
            "aliases": [getattr(a, "name", a) for a in aliases],
            "description": getattr(entity, "description", None),
            "wikidata": getattr(entity, "wikidata", None),
            "lat": getattr(entity, "lat", None),
            "lon": getattr(entity, "lon", None),
            "iso": getattr(entity, "iso", None),
        }
    return out


def places(
    records: Sequence[opendata.EntityRecord],
    coordinates: Mapping[str, tuple[float, float]],
    isos: Mapping[str, str] | None = None,
) -> list[Place]:
    """The archive's places with their article counts, from the open-data entity records (one pass for both)."""
    return places_from(
        {r.id: (r.name, len(r.articles)) for r in records if r.type == "place"},
        coordinates,
        lambda entity_id: browse.entity_url("place", entity_id),
        isos,
    )


def article_context(articles: Sequence[Article]) -> dict[str, dict[str, object]]:
    """Per article id: the extra context `render_article` passes to article.md.j2."""
    around = browse.neighbours(articles)
    return {a.id: reader_context(a, around[a.id]) for a in articles}


def reader_context(article: Article, near: browse.Neighbours) -> dict[str, object]:
    """One article's breadcrumbs, older/newer article and head metadata.

    Built only for a page that is rendered: it depends on nothing but the
    article and its neighbours, which is what the page's cache key holds.
    """
    return {
        "breadcrumbs": browse.article_crumbs(article),
        "prev": near.older,
        "next": near.newer,
        "head": {
            "og_type": "article",
            "jsonld": seo.article_jsonld_text(article, seo.site_url(), browse.entity_url),
        },
    }


def add_reader_pages(output: Output, articles: Sequence[Article], registry: Mapping[str, object]) -> list[Place]:
    """Home, browse lists, places map, feeds and open data into `output`.

    Returns the places without coordinates, for the editors' report.
    """
    base = seo.site_url()
    coordinates = registry_coordinates(registry)
    isos = {k: e.iso for k, e in registry.items() if getattr(e, "type", None) == "place" and getattr(e, "iso", None)}
    records = opendata.entity_records(articles, browse.entity_url, registry_extra(registry))
    all_places = places(records, coordinates, isos)
    has_places = True  # the places page is in the nav, so it always exists (saying so when empty)
    chart = lambda page_url: timeline_svg(articles, page_url)  # noqa: E731 - links are relative to each page
    for path, page in browse.browse_pages(articles, timeline=chart, map_available=has_places, lazy=True).items():
        if page.key is None:
            output.add(path, page.render())
        else:  # list pages: not rendered again when the articles they list show the same
            output.add_rendered(path, page.key, page.render)
    output.add("index.md", browse.home_page(articles, timeline_svg=timeline_svg(articles, "")))
    output.add(
        browse.page_path(PLACES_URL),
        render_page(
            "browse_places.md.j2",
            PLACES_URL,
            places=all_places,
            missing=missing_coordinates(all_places),
            map_svg=map_svg(all_places, PLACES_URL),
            breadcrumbs=browse.crumbs(("الأماكن", PLACES_URL)),
        ),
    )
    output.add("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n")
    output.add(feeds.ATOM_PATH, feeds.atom_feed(articles, base))
    output.add(feeds.JSON_PATH, feeds.json_feed(articles, base))
    output.add("data/entities.json", opendata.entities_json(records, base))
    output.add("data/entities.csv", opendata.entities_csv(records))
    output.add("data/articles.csv", opendata.articles_csv(articles, browse.article_sections(articles)))
    return missing_coordinates(all_places)
