"""The places map: an SVG of the places the archive names, drawn at build time.

The outline is Natural Earth (public domain) cut to Africa and the Middle
East once by `scripts/extract_region.py` and shipped as `geo/region.json`,
so no tile server, script or network is involved, and the page works under
the site's CSP. The projection is equirectangular (x = longitude, y =
latitude, scaled): at this scale and latitude range its distortion is small,
and the arithmetic is plain enough to check by hand in a test.

Places come from the entity registry: a city or region with coordinates is a
linked dot; a country (a registry place with an `iso` code) is its own outline,
filled and linked. A place with neither is not guessed: it is listed by
`missing_coordinates` for the editors' report, and under the map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from .render import articles_count, rel

REGION_FILE = Path(__file__).resolve().parent / "geo" / "region.json"
SCALE = 8.0  # pixels per degree


@dataclass(frozen=True)
class Place:
    entity_id: str
    name: str
    url: str
    articles: int
    lat: float | None = None
    lon: float | None = None
    iso: str | None = None  # ISO 3166-1 alpha-2, for countries: drawn as their outline


@lru_cache(maxsize=1)
def region() -> dict:
    return json.loads(REGION_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def drawable_isos() -> frozenset[str]:
    """Countries whose outline the map has."""
    return frozenset(c["iso2"] for c in region()["countries"] if c.get("iso2"))


def on_map(lat: float | None, lon: float | None, iso: str | None) -> bool:
    """Whether the map can show a place: by its coordinates, or as a country outline."""
    return (lat is not None and lon is not None) or (iso is not None and iso in drawable_isos())


def project(lon: float, lat: float, bbox: Sequence[float]) -> tuple[float, float]:
    """Equirectangular: degrees east of the box's west edge, degrees south of its north edge."""
    west, _south, _east, north = bbox
    return round((lon - west) * SCALE, 1), round((north - lat) * SCALE, 1)


def inside(place: Place, bbox: Sequence[float]) -> bool:
    west, south, east, north = bbox
    return place.lat is not None and place.lon is not None and west <= place.lon <= east and south <= place.lat <= north


def missing_coordinates(places: Sequence[Place]) -> list[Place]:
    """Places the archive names that the map cannot show: for the editors' report."""
    return [p for p in places if not on_map(p.lat, p.lon, p.iso)]


def places_from(
    articles_per_place: Mapping[str, tuple[str, int]],
    coordinates: Mapping[str, tuple[float, float]],
    url_of,
    isos: Mapping[str, str] | None = None,
) -> list[Place]:
    """Places (entity id -> (name, article count)) with their coordinates, most named first."""
    places = []
    for entity_id, (name, count) in articles_per_place.items():
        lat, lon = coordinates.get(entity_id, (None, None))
        iso = (isos or {}).get(entity_id)
        places.append(Place(entity_id, name, url_of(entity_id), count, lat, lon, iso))
    return sorted(places, key=lambda p: (-p.articles, p.name, p.entity_id))


def _path(rings: Sequence[Sequence[Sequence[float]]], bbox: Sequence[float]) -> str:
    out = []
    for ring in rings:
        points = [project(lon, lat, bbox) for lon, lat in ring]
        out.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(out)


def map_svg(places: Sequence[Place], page_url: str, map_id: str = "places-map") -> Markup:
    """The map as an inline <figure>: outline, then one linked dot per place with coordinates."""
    data = region()
    bbox = data["bbox"]
    west, south, east, north = bbox
    width, height = round((east - west) * SCALE), round((north - south) * SCALE)
    drawable = drawable_isos()
    shown = [p for p in places if inside(p, bbox)]
    countries = [p for p in places if p.iso in drawable and p.lat is None]
    title = "خريطة الأماكن التي يذكرها الأرشيف في أفريقيا والشرق الأوسط"
    desc = "؛ ".join(f"{p.name}: {articles_count(p.articles)}" for p in countries + shown) or "لا أماكن على الخريطة بعد"
    parts = [
        f'<figure class="places-map" id="{map_id}-figure">',
        f'<svg class="map-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-labelledby="{map_id}-title {map_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{map_id}-title">{escape(title)}</title>',
        f'<desc id="{map_id}-desc">{escape(desc)}</desc>',
        f'<rect class="sea" x="0" y="0" width="{width}" height="{height}"/>',
        '<g class="countries" aria-hidden="true">',
    ]
    named = {p.iso: p for p in places if p.iso and p.lat is None}
    for country in data["countries"]:
        if country.get("iso2") not in named:
            parts.append(f'<path d="{_path(country["rings"], bbox)}"/>')
    parts.append("</g>")
    # Countries the archive names: filled by how often, each a link to its page.
    parts.append('<g class="named-countries">')
    most = max((p.articles for p in named.values()), default=1)
    for country in data["countries"]:
        place = named.get(country.get("iso2"))
        if place is None:
            continue
        label = f"{place.name}: {articles_count(place.articles)}"
        level = 1 + min(3, (3 * place.articles) // max(most, 1))
        parts.append(
            f'<a href="{escape(rel(page_url, place.url))}" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<path class="level-{level}" d="{_path(country["rings"], bbox)}"/>'
            "</a>"
        )
    parts.append("</g>")
    parts.append('<g class="places">')
    # Biggest dots first so small ones stay clickable on top of them.
    for place in sorted(shown, key=lambda p: (-p.articles, p.name, p.entity_id)):
        x, y = project(place.lon, place.lat, bbox)  # type: ignore[arg-type]
        r = round(3 + 2 * math.sqrt(place.articles), 1)
        label = f"{place.name}: {articles_count(place.articles)}"
        parts.append(
            f'<a href="{escape(rel(page_url, place.url))}" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<circle cx="{x:g}" cy="{y:g}" r="{r:g}"/>'
            f'<text x="{x - r - 3:g}" y="{y + 4:g}" text-anchor="end" aria-hidden="true">{escape(place.name)}</text>'
            "</a>"
        )
    parts.append("</g></svg>")
    caption = (
        "البلدان الملوّنة والنقاط روابط إلى صفحات الأماكن؛ اللون وحجم النقطة بعدد المقالات التي تذكرها. "
        "الحدود من Natural Earth (ملكية عامة)."
    )
    parts.append(f"<figcaption>{escape(caption)}</figcaption></figure>")
    return Markup("".join(parts))
