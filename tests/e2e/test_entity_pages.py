"""Entity pages in the real built site: names link to pages, pages list every article."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

MALI_US = "a-528e9c4a65"
INTEL = "a-0fcc16d2b2"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def resolve(site: Path, page_url: str, href: str) -> Path:
    target = posixpath.normpath(posixpath.join(page_url, href))
    return site / target / "index.html"


@pytest.fixture(scope="module")
def records(built_site):
    lines = (built_site / "data" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def test_merged_person_page_lists_both_articles_and_the_merge(built_site):
    page = soup(built_site / "entities/person/rudolph-atallah/index.html")
    assert page.h1.get_text(strip=True) == "رودولف عطا الله"
    aliases = page.select_one("ul.aliases").get_text(" ", strip=True)
    assert "رودي عطا الله" in aliases and "دُمج" in aliases
    links = [a["href"] for a in page.select("section.entity-articles li > a")]
    assert sorted(links) == sorted([f"../../../articles/{MALI_US}/", f"../../../articles/{INTEL}/"])
    sentences = [b.get_text() for b in page.select("blockquote.first-mention")]
    assert any("رودي عطا الله" in s for s in sentences) and any("رودولف عطا الله" in s for s in sentences)
    assert page.select("section.entity-cooccurring a.entity")


def test_article_links_first_mentions_to_pages_that_exist(built_site):
    url = f"articles/{MALI_US}/"
    page = soup(built_site / url / "index.html")
    body_links = page.select("p[id^=p] a.entity")
    assert {a["data-entity"] for a in body_links} >= {"al-qaeda", "bamako", "mali", "christopher-landau"}
    assert len({a["data-entity"] for a in body_links}) == len(body_links)  # first mention only
    for a in body_links + page.select("section.entities-block a.entity"):
        assert resolve(built_site, url, a["href"]).is_file(), a["href"]
    # The text readers see is unchanged: the paragraph reads exactly as the seed.
    first = page.select_one("p#p1").get_text()
    assert first.startswith("في وقت يشدِّد فيه تنظيم «القاعدة» الحصار على مدينة باماكو، عاصمة مالي")


def test_article_lists_entities_by_type_and_related_first(built_site):
    page = soup(built_site / f"articles/{MALI_US}/index.html")
    block = page.select_one("section.entities-block")
    assert [h.get_text() for h in block.select("h3")] == ["الأشخاص", "المنظمات", "الأماكن"]
    related = page.select("section.related-block ol.related a")
    assert related and related[0]["href"] == f"../{INTEL}/"


def test_type_indexes_count_and_are_in_nav(built_site):
    for entity_type, label in (("person", "الأشخاص"), ("organisation", "المنظمات"), ("place", "الأماكن")):
        page = soup(built_site / f"entities/{entity_type}/index.html")
        rows = page.select("ol.entity-index li")
        assert rows and all("مقال" in li.select_one(".count").get_text() for li in rows)
        nav = [a.get_text(strip=True) for a in soup(built_site / "index.html").select("nav a")]
        assert label in nav
    places = soup(built_site / "entities/place/index.html").select_one("ol.entity-index").get_text()
    assert "باماكو" in places and "(مقالان)" in places


def test_report_page_offers_discovered_names_as_yaml(built_site):
    page = soup(built_site / "entities/report/index.html")
    names = [h.get_text(strip=True) for h in page.select("article.proposal h3")]
    assert "دوما" in names
    code = page.select_one("article.proposal pre code").get_text()
    assert code.startswith("  - id: ") and "name:" in code


def test_data_records_entities_with_offsets_into_the_original_text(records):
    for record in records.values():
        assert record["entities"], record["id"]
        for e in record["entities"]:
            assert set(e) == {"entity_id", "name", "type", "mentions"}
            for m in e["mentions"]:
                text = record["title"] if m["paragraph"] == -1 else record["paragraphs"][m["paragraph"]]
                assert text[m["start"] : m["end"]] == m["surface"]
    assert records[MALI_US]["related"][0] == INTEL and records[INTEL]["related"][0] == MALI_US


def test_entity_pages_escape_registry_text():
    """Registry text is editors' input: it renders as text, never as HTML or Markdown."""
    from builder import render
    from builder.registry import Alias, Entity

    evil = "<script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"
    entity = Entity("evil", "person", evil, aliases=(Alias(evil, evil, 0),), description=evil)
    page = render.render_page(
        "entity.md.j2",
        entity.url,
        e=entity,
        label="شخص",
        plural="الأشخاص",
        index_url="entities/person/",
        items="",
        total=0,
        page=1,
        pages=1,
        first=1,
        last=0,
        prev_url=None,
        next_url=None,
        with_entities="",
    )
    front, body = page.split("\n---\n", 1)
    assert '"' + evil + '"' in front  # a JSON string in front matter: MkDocs escapes it in the title
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "49" not in body  # no template evaluation of registry text
    heading = next(line for line in body.splitlines() if line.startswith("# "))
    assert "\\[x\\]\\(javascript" in heading  # Markdown punctuation backslashed in the one Markdown line


def test_report_lists_places_the_map_cannot_show(built_site):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built_site / "entities" / "report" / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = page.select_one("section.report-unmapped")
    names = [a.get_text() for a in section.select("li a")]
    # Cities such as باماكو are dots, countries of the region such as مالي their own outline;
    # the United States lies outside the map's region, so editors are told.
    assert "مالي" not in names
    assert "باماكو" not in names
    assert "الولايات المتحدة" in names
    for link in section.select("li a"):
        target = (built_site / "entities" / "report" / link["href"]).resolve()
        assert (target / "index.html").is_file(), link["href"]
