"""The real site, built from the real seeds, read back: every way through the archive works.

One test per page kind (home, browse hub, dates, month, undated list, outlet,
section, places, article, 404), plus the machine-readable outputs (feeds,
JSON-LD, sitemap, open data) validated against their formats, and a check
that every internal link on every browse page lands on a built page.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator
from lxml import etree

from builder import seo

pytestmark = pytest.mark.slow

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
MALI_US = "هل تتدخل الولايات المتحدة «عسكرياً» لصد «القاعدة» في مالي؟"
DATED = "شاركت واشنطن معلومات استخباراتية مع السلطات العسكرية في باماكو"
NIGERIA = "مسلحون يقتلون عشرات في شمال ووسط نيجيريا"


def soup(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def content(page: BeautifulSoup):
    return page.select_one("article.md-content__inner") or page.select_one(".md-content")


def titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in content(page).select("ol.article-list > li > a")]


def crumbs(page: BeautifulSoup) -> list[str]:
    return [li.get_text(strip=True) for li in content(page).select("nav.breadcrumbs li")]


def resolve(site: Path, page_url: str, href: str) -> Path | None:
    """The built file a relative link from `page_url` points to (None for external links)."""
    if urlsplit(href).scheme or href.startswith("#"):
        return None
    target = urlsplit(urljoin("http://x/" + page_url, href)).path.lstrip("/")
    path = site / target
    return path / "index.html" if target.endswith("/") or target == "" else path


def test_home_lists_latest_newest_first_with_the_timeline(built_site, seed_build):
    page = soup(built_site, "")
    listed = titles(page)
    assert listed[0] == DATED  # the only dated article comes first
    assert listed == [a.title for a in seed_build.articles][: len(listed)]
    figure = content(page).select_one("figure.timeline")
    svg = figure.select_one("svg")
    assert svg["role"] == "group" and svg.select_one("title").get_text().startswith("عدد المقالات")
    (bar,) = svg.select("a")
    assert bar["href"] == "browse/dates/2025/09/" and bar["aria-label"] == "1 مقال: سبتمبر 2025"
    assert "4 مقالات بلا تاريخ معروف" in figure.select_one("figcaption").get_text()


def test_month_year_and_undated_pages(built_site, seed_build):
    month = soup(built_site, "browse/dates/2025/09")
    assert titles(month) == [DATED]
    assert crumbs(month) == ["الرئيسية", "تصفّح الأرشيف", "التواريخ", "2025", "سبتمبر 2025"]
    assert titles(soup(built_site, "browse/dates/2025")) == [DATED]
    undated = titles(soup(built_site, "browse/dates/unknown"))
    # Undated: the one with a lower bound from a dated caption first, then by title.
    assert undated == [a.title for a in seed_build.articles if not a.date]
    assert undated[0] == MALI_US
    dates = content(soup(built_site, "browse/dates"))
    assert [a.get_text() for a in dates.select("h2 a")] == ["2025", "تاريخ غير معروف"]


def test_outlet_and_section_pages(built_site):
    outlets = content(soup(built_site, "browse/outlets"))
    links = {a.get_text(): a["href"] for a in outlets.select("ul.group-list a")}
    assert set(links) == {"الشرق الأوسط", "مصدر غير معروف"}
    assert titles(soup(built_site, "browse/outlets/" + links["الشرق الأوسط"].rstrip("/"))) == [MALI_US]
    assert len(titles(soup(built_site, "browse/outlets/unknown"))) == 4
    sections = content(soup(built_site, "browse/sections"))
    (africa,) = sections.select("ul.group-list a")  # the one teaser section that points into the archive
    assert africa.get_text() == "أفريقيا"
    assert titles(soup(built_site, "browse/sections/" + africa["href"].rstrip("/"))) == [NIGERIA]


def test_places_page_has_the_map_and_lists_every_place(built_site, seed_build):
    page = content(soup(built_site, "browse/places"))
    svg = page.select_one("figure.places-map svg")
    assert svg is not None and svg.select_one("title").get_text()
    assert len(svg.select("g.countries path")) >= 50
    named = {e.entity_id for a in seed_build.articles for e in a.entities if e.type == "place"}
    listed = page.select("ul.places-list a")
    assert len(listed) == len(named)
    for dot in svg.select("g.places a"):
        assert dot["aria-label"] and resolve(built_site, "browse/places/", dot["href"]).is_file()
    countries = {a["aria-label"].split(":")[0] for a in svg.select("g.named-countries a")}
    assert {"مالي", "نيجيريا", "جنوب السودان", "النيجر"} <= countries
    for country in svg.select("g.named-countries a"):
        assert resolve(built_site, "browse/places/", country["href"]).is_file()


def test_article_has_breadcrumbs_and_older_newer_links(built_site, seed_build):
    articles = seed_build.articles
    first, second = articles[0], articles[1]
    page = soup(built_site, first.url)
    assert crumbs(page)[-2:] == ["2025", "سبتمبر 2025"]
    pager = content(page).select_one("nav.article-pager")
    assert pager.select_one("a.newer") is None  # the newest article has nothing newer
    older = pager.select_one("a.older")
    assert second.title in older.get_text() and older["href"] == f"../{second.id}/"
    last = content(soup(built_site, articles[-1].url)).select_one("nav.article-pager")
    assert last.select_one("a.older") is None and articles[-2].title in last.select_one("a.newer").get_text()
    assert crumbs(soup(built_site, second.url))[-1] == "تاريخ غير معروف"


def test_head_tags_jsonld_and_canonical(built_site, seed_build):
    schema = json.loads((SCHEMAS / "newsarticle.schema.json").read_text(encoding="utf-8"))
    base = seo.site_url()
    for article in seed_build.articles:
        page = soup(built_site, article.url)
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert canonical == base + article.url
        assert page.select_one('meta[property="og:url"]')["content"] == canonical
        assert page.select_one('meta[property="og:type"]')["content"] == "article"
        assert page.select_one('meta[property="og:title"]')["content"] == article.title
        assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"
        (script,) = page.select('script[type="application/ld+json"]')
        data = json.loads(script.string)
        errors = list(Draft202012Validator(schema).iter_errors(data))
        assert not errors, errors
        assert data["url"] == canonical and data["headline"] == article.title
        assert data.get("datePublished") == article.date
        named = {base + f"entities/{e.type}/{e.entity_id}/" for e in article.entities}
        linked = {n["url"] for n in data.get("about", []) + data.get("mentions", [])}
        assert linked == named
        for url in linked:  # every entity the JSON-LD names has its page
            assert (built_site / url[len(base) :] / "index.html").is_file(), url
    home = soup(built_site, "")
    assert home.select_one('meta[property="og:type"]')["content"] == "website"
    assert home.select_one('link[type="application/atom+xml"]')["href"].endswith("feed.xml")


def test_feeds_are_valid_and_list_the_articles(built_site, seed_build):
    rng = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    atom = etree.parse(str(built_site / "feed.xml"))
    assert rng.validate(atom), rng.error_log
    ns = {"a": "http://www.w3.org/2005/Atom"}
    base = seo.site_url()
    assert [e.findtext("a:id", namespaces=ns) for e in atom.findall("a:entry", ns)] == [
        base + a.url for a in seed_build.articles
    ]
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    feed = json.loads((built_site / "feed.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(feed))
    assert [i["title"] for i in feed["items"]] == [a.title for a in seed_build.articles]
    assert feed["items"][0]["date_published"] == "2025-09-16T00:00:00Z"


def test_sitemap_lists_every_page_and_nothing_else(built_site):
    tree = etree.parse(str(built_site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text.strip() for loc in tree.findall(".//s:loc", ns)]
    base = seo.site_url()
    assert len(locs) == len(set(locs))
    built = {
        p.parent.relative_to(built_site).as_posix() + "/"
        for p in built_site.glob("**/index.html")
        if not p.relative_to(built_site).parts[0].startswith(("assets", "pagefind", "search"))
    }
    assert {loc[len(base) :] or "./" for loc in locs} == {"./" if u == "./" else u for u in built}
    assert all(loc.startswith(base) for loc in locs)
    assert (built_site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n")


def test_arabic_404(built_site):
    page = BeautifulSoup((built_site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert content(page).select_one("h1").get_text() == "الصفحة غير موجودة"
    assert page.html["lang"] == "ar"
    hrefs = [a["href"] for a in content(page).select("a")]
    assert hrefs == ["/", "/browse/"]  # site_url is a domain root: absolute paths work from any depth


def test_open_data_files(built_site, seed_build):
    entities = json.loads((built_site / "data" / "entities.json").read_text(encoding="utf-8"))
    ids = {e.entity_id for a in seed_build.articles for e in a.entities}
    assert {e["id"] for e in entities["entities"]} == ids and entities["count"] == len(ids)
    for record in entities["entities"]:
        assert record["article_count"] == len(record["articles"]) >= 1
        assert (built_site / record["url"] / "index.html").is_file(), record["url"]
    rows = list(csv.DictReader(io.StringIO((built_site / "data" / "articles.csv").read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == [a.id for a in seed_build.articles]
    assert [r["title"] for r in rows] == [a.title for a in seed_build.articles]
    entity_rows = list(csv.DictReader(io.StringIO((built_site / "data" / "entities.csv").read_text("utf-8-sig"))))
    assert len(entity_rows) == len(ids)
    data_page = content(soup(built_site, "data"))
    for name in ("articles.jsonl", "articles.csv", "entities.json", "entities.csv", "feed.xml", "feed.json"):
        (link,) = [a for a in data_page.select("a") if a.get_text() == name]
        assert resolve(built_site, "data/", link["href"]).is_file(), name


def test_every_link_on_browse_pages_lands(built_site):
    pages = [p for p in built_site.glob("browse/**/index.html")] + [built_site / "index.html"]
    pages += [p for p in built_site.glob("articles/*/index.html")]
    checked = 0
    for path in pages:
        page_url = path.parent.relative_to(built_site).as_posix() + "/"
        page_url = "" if page_url == "./" else page_url
        body = content(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))
        for a in body.select("nav.breadcrumbs a, nav.article-pager a, ol.article-list a, ul.group-list a, svg a"):
            target = resolve(built_site, page_url, a["href"])
            assert target is not None and target.is_file(), f"{page_url}: {a['href']}"
            checked += 1
    assert checked > 50


def test_no_seed_text_becomes_markup_on_browse_pages(built_site):
    for path in built_site.glob("browse/**/index.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'href="javascript:', html), path
