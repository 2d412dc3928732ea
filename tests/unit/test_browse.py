"""Browse pages, timeline, map, feeds, JSON-LD and open data, on small made-up archives."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from builder import browse, feeds, opendata, seo, timeline
from builder import map as places_map
from builder.build import archive_order
from builder.model import Article, ArticleEntity, Mention, Teaser
from tests.factories import make_article

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
BASE = "https://example.org/archive/"


def art(n: int, date: str | None = None, outlet: str | None = None, **kw) -> Article:
    text = kw.pop("text", f"فقرة المقال {n}.")
    fields = dict(
        line=n,
        title=f"عنوان المقال {n}",
        date=date,
        date_source="header:1" if date else None,
        outlet=outlet,
        outlet_source="header:2" if outlet else None,
    )
    return make_article(f"a-{n:010d}", (text,), first_line=n + 1, **{**fields, **kw})


def ent(entity_id: str, name: str, kind: str, paragraphs=(0,)) -> ArticleEntity:
    return ArticleEntity(entity_id, name, kind, tuple(Mention(name, p, 0, len(name)) for p in paragraphs))


# ---------------------------------------------------------------- grouping and order


def test_months_newest_first_and_range_has_gaps():
    articles = archive_order([art(1, "2025-01-03"), art(2, "2025-03-09"), art(3), art(4, "2024-12-31")])
    assert list(browse.by_month(articles)) == ["2025-03", "2025-01", "2024-12"]
    assert browse.month_range(["2025-03", "2024-11"]) == ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]


def test_outlet_spellings_share_one_page_named_by_the_commonest():
    articles = [art(1, outlet="الشرق الأوسط"), art(2, outlet="الشرق الاوسط"), art(3, outlet="الشرق الأوسط"), art(4)]
    (group,) = browse.by_outlet(articles)
    assert group.label == "الشرق الأوسط"
    assert [a.id for a in group.articles] == [a.id for a in articles[:3]]
    assert re.fullmatch(r"browse/outlets/[0-9a-f]{10}/", group.url)


def test_sections_come_from_linked_teasers_only():
    target = art(2)
    linking = art(1, teasers=(Teaser("t", 5, section="أفريقيا", target_id=target.id), Teaser("u", 9, section="رياضة")))
    assert browse.article_sections([linking, target]) == {target.id: ("أفريقيا",)}
    (group,) = browse.by_section([linking, target])
    assert group.label == "أفريقيا" and group.articles == (target,)


def test_pagination_splits_at_the_limit_with_stable_urls():
    articles = archive_order([art(i, f"2025-01-{i:02d}") for i in range(1, 8)])
    pages = browse.list_pages("browse/x/", "عنوان", articles, browse.crumbs(("س", "browse/x/")), per_page=3)
    assert sorted(pages) == ["browse/x/index.md", "browse/x/page/2/index.md", "browse/x/page/3/index.md"]
    first, last = pages["browse/x/index.md"], pages["browse/x/page/3/index.md"]
    assert first.index("2025-01-07") < first.index("2025-01-05")  # newest first
    assert "2025-01-01" in last and "2025-01-04" not in last
    assert 'href="page/2/"' in first and 'aria-current="page">1<' in first
    assert 'rel="prev" href="../2/"' in last


def test_older_newer_follow_archive_order_with_undated_last():
    articles = archive_order([art(1), art(2, "2025-02-01"), art(3, "2025-05-01")])
    around = browse.neighbours(articles)
    assert [a.id for a in articles] == ["a-0000000003", "a-0000000002", "a-0000000001"]
    assert around["a-0000000003"].newer is None and around["a-0000000003"].older.id == "a-0000000002"
    assert around["a-0000000001"].older is None and around["a-0000000001"].newer.id == "a-0000000002"


def test_recent_window_counts_undated_only_when_certainly_recent():
    articles = [
        art(1, "2025-09-16"),
        art(2, "2025-01-01"),
        art(3, earliest_date="2025-08-01"),
        art(4, earliest_date="2024-01-01"),
        art(5),
    ]
    start, recent = browse.recent_window(articles)
    assert start == "2025-06-16"
    assert [a.id for a in recent] == ["a-0000000001", "a-0000000003"]


def test_top_entities_rank_by_articles_then_mentions():
    mali, niger, un = (
        ent("mali", "مالي", "place"),
        ent("niger", "النيجر", "place", (0, 0, 0)),
        ent("un", "الأمم", "organisation"),
    )
    top = browse.top_entities([art(1, entities=(mali, niger)), art(2, entities=(mali, un))])
    assert [(e.entity_id, n) for e, n in top["place"]] == [("mali", 2), ("niger", 1)]
    assert [e.entity_id for e, _ in top["organisation"]] == ["un"]
    assert top["person"] == []


def test_browse_pages_escape_outlet_names():
    hostile = "<script>alert(1)</script> [x](javascript:y)"
    pages = browse.browse_pages([art(1, "2025-01-01", outlet=hostile)])
    # Front matter holds the name as a JSON string (yaml_str); the page body must hold it as text only.
    bodies = "".join(page.split("\n---\n", 1)[1] for page in pages.values())
    assert "<script>" not in bodies  # [x](javascript:…) stays text: it sits in raw HTML blocks
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bodies


# ---------------------------------------------------------------- timeline and map


def test_timeline_bars_link_their_months_and_say_what_they_show():
    articles = archive_order([art(1, "2025-01-03"), art(2, "2025-03-09"), art(3, "2025-03-10"), art(4)])
    svg = str(timeline.timeline_svg(articles, ""))
    root = etree.fromstring(svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    links = root.findall(".//s:a", ns)
    assert [a.get("href") for a in links] == ["browse/dates/2025/01/", "browse/dates/2025/03/"]
    assert [a.get("aria-label") for a in links] == ["1 مقال: يناير 2025", "2 مقالات: مارس 2025"]
    heights = [float(r.get("height")) for r in root.findall(".//s:rect", ns)]
    assert heights == [timeline.HEIGHT / 2, timeline.HEIGHT]  # February is a gap without a bar
    assert "مقال واحد بلا تاريخ معروف" in root.findtext("figcaption")
    assert root.find(".//s:title", ns).text.startswith("عدد المقالات في كل شهر")
    assert timeline.timeline_svg([art(1)], "") == ""


def test_map_projection_and_links():
    bbox = places_map.region()["bbox"]
    west, south, east, north = bbox
    assert places_map.project(west, north, bbox) == (0, 0)
    assert places_map.project(east, south, bbox) == (
        (east - west) * places_map.SCALE,
        (north - south) * places_map.SCALE,
    )
    bamako = places_map.Place("bamako", "باماكو", "entities/place/bamako/", 3, 12.65, -8.0)
    nowhere = places_map.Place("x", "مكان", "entities/place/x/", 1)
    washington = places_map.Place("dc", "واشنطن", "entities/place/dc/", 2, 38.9, -77.0)
    svg = str(places_map.map_svg([bamako, nowhere, washington], "browse/places/"))
    root = etree.fromstring(svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    (link,) = root.findall(".//s:a", ns)  # the place without coordinates and the one off the map are not drawn
    assert link.get("href") == "../../entities/place/bamako/"
    circle = link.find("s:circle", ns)
    assert (float(circle.get("cx")), float(circle.get("cy"))) == places_map.project(-8.0, 12.65, bbox)
    assert len(root.findall(".//s:g[@class='countries']/s:path", ns)) >= 50
    assert places_map.missing_coordinates([bamako, nowhere, washington]) == [nowhere]


def test_countries_are_drawn_as_their_linked_outline():
    mali = places_map.Place("mali", "مالي", "entities/place/mali/", 4, iso="ML")
    niger = places_map.Place("niger", "النيجر", "entities/place/niger/", 1, iso="NE")
    usa = places_map.Place("usa", "الولايات المتحدة", "entities/place/usa/", 2, iso="US")  # outside the region
    svg = str(places_map.map_svg([mali, niger, usa], "browse/places/"))
    root = etree.fromstring(svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    links = root.findall(".//s:g[@class='named-countries']/s:a", ns)
    assert sorted(a.get("href") for a in links) == ["../../entities/place/mali/", "../../entities/place/niger/"]
    levels = {a.get("aria-label").split(":")[0]: a.find("s:path", ns).get("class") for a in links}
    assert levels == {"مالي": "level-4", "النيجر": "level-1"}  # shaded by how often they are named
    # A named country is drawn once: not also in the plain outline layer.
    plain = len(root.findall(".//s:g[@class='countries']/s:path", ns))
    assert plain == len(places_map.region()["countries"]) - 2
    assert places_map.missing_coordinates([mali, niger, usa]) == [usa]


def test_region_outline_is_the_shipped_natural_earth_cut():
    data = places_map.region()
    names = {c["name"] for c in data["countries"]}
    assert {"Mali", "Niger", "Nigeria", "Burkina Faso", "Chad", "Mauritania", "S. Sudan"} <= names
    west, south, east, north = data["bbox"]
    for country in data["countries"]:
        for ring in country["rings"]:
            assert all(west <= lon <= east and south <= lat <= north for lon, lat in ring), country["name"]


# ---------------------------------------------------------------- feeds


@pytest.fixture
def feed_articles():
    return archive_order(
        [
            art(1, "2025-09-16", outlet="الشرق الأوسط", deck="ملخص & <b>وسم</b>"),
            art(2, earliest_date="2025-10-31", text="نص " * 200),
            art(3, "2025-08-01"),
        ]
    )


def test_atom_feed_is_valid_rfc4287(feed_articles):
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    data = feeds.atom_feed(feed_articles, BASE)
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    ns = {"a": feeds.ATOM_NS}
    entries = doc.findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns) for e in entries] == [BASE + a.url for a in feed_articles]
    assert doc.findtext("a:updated", namespaces=ns) == "2025-09-16T00:00:00Z"
    undated = entries[2]
    assert undated.find("a:published", ns) is None
    assert entries[0].findtext("a:summary", namespaces=ns) == "ملخص & <b>وسم</b>"  # text, escaped by XML
    assert feeds.atom_feed(feed_articles, BASE) == data  # no clock in it


def test_atom_schema_rejects_what_the_format_forbids(feed_articles):
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    doc = etree.fromstring(feeds.atom_feed(feed_articles, BASE))
    ns = {"a": feeds.ATOM_NS}
    entry = doc.find("a:entry", ns)
    entry.remove(entry.find("a:id", ns))
    assert not schema.validate(doc)


def test_json_feed_is_valid_1_1(feed_articles):
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    feed = json.loads(feeds.json_feed(feed_articles, BASE))
    errors = list(Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(feed))
    assert not errors, errors
    items = feed["items"]
    assert [i["date_published"] for i in items if "date_published" in i] == [
        "2025-09-16T00:00:00Z",
        "2025-08-01T00:00:00Z",
    ]
    assert "date_published" not in items[2]
    assert items[2]["summary"].endswith("…") and len(items[2]["summary"]) <= 301
    assert list(Draft202012Validator(schema).iter_errors({**feed, "items": [{"id": "x"}]}))  # no content: invalid


# ---------------------------------------------------------------- JSON-LD


def test_jsonld_is_a_valid_newsarticle_and_cannot_close_its_script():
    schema = json.loads((SCHEMAS / "newsarticle.schema.json").read_text(encoding="utf-8"))
    hostile = art(
        1,
        title="</script><script>alert(1)</script> " + "كلمة " * 40,
        entities=(
            ent("mali", "مالي", "place", (-1, 0)),
            ent("un", "الأمم المتحدة", "organisation"),
        ),
    )
    data = seo.article_jsonld(hostile, BASE, browse.entity_url)
    text = seo.jsonld_text(data)
    assert "<" not in text and ">" not in text and "&" not in text
    parsed = json.loads(text)
    assert not list(Draft202012Validator(schema).iter_errors(parsed))
    assert "datePublished" not in parsed  # unknown date: never invented
    assert parsed["about"] == [{"@type": "Place", "name": "مالي", "url": BASE + "entities/place/mali/"}]
    assert parsed["mentions"][0]["@type"] == "Organization"
    assert len(parsed["headline"]) <= 110
    dated = seo.article_jsonld(art(2, "2025-09-16"), BASE, browse.entity_url)
    assert dated["datePublished"] == "2025-09-16" and not list(Draft202012Validator(schema).iter_errors(dated))


def test_site_url_is_read_from_mkdocs_yml(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: 'https://a.example/sub'\nfoo: !!python/name:x\n", encoding="utf-8")
    assert seo.site_url(config) == "https://a.example/sub/"


# ---------------------------------------------------------------- open data


def test_entities_json_and_csvs_carry_counts_and_links():
    mali = ent("mali", "مالي", "place", (0, 1))
    articles = archive_order([art(1, "2025-09-16", entities=(mali,)), art(2, "2025-01-02", entities=(mali,)), art(3)])
    records = opendata.entity_records(articles, browse.entity_url, {"mali": {"lat": 17.0, "lon": -4.0}})
    payload = json.loads(opendata.entities_json(records, BASE))
    (mali_record,) = payload["entities"]
    assert mali_record["article_count"] == 2 and mali_record["mention_count"] == 4
    assert (mali_record["first_date"], mali_record["last_date"]) == ("2025-01-02", "2025-09-16")
    assert mali_record["url"] == "entities/place/mali/" and mali_record["lat"] == 17.0
    rows = list(csv.DictReader(io.StringIO(opendata.entities_csv(records).lstrip("\ufeff"))))
    assert rows[0]["name"] == "مالي" and rows[0]["articles"] == "2" and rows[0]["lat"] == "17.0"
    article_rows = list(csv.DictReader(io.StringIO(opendata.articles_csv(articles, {}).lstrip("\ufeff"))))
    assert [r["id"] for r in article_rows] == [a.id for a in articles]
    assert article_rows[0]["entities"] == "mali" and article_rows[2]["date"] == ""
