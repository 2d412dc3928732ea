"""The real site, built as `make site` builds it, read back as HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.unit.test_parse_seeds import INTEL, MALI_US, NIGERIA


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def records(built_site):
    lines = (built_site / "data" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def article_page(site: Path, record: dict) -> BeautifulSoup:
    return soup(site / record["url"] / "index.html")


def test_every_page_is_arabic_and_right_to_left(built_site):
    pages = list(built_site.rglob("index.html"))
    assert len(pages) >= 7
    for page in pages:
        html = soup(page).html
        assert html["lang"] == "ar", page
        assert html["dir"] == "rtl", page


def test_catalogue_lists_the_five_articles(records):
    assert len(records) == 5
    assert {r["title"] for r in records} >= {MALI_US, NIGERIA, INTEL}
    assert all(r["url"] == f"articles/{r['id']}/" for r in records)


def test_each_article_page_shows_everything_once(built_site, records):
    for record in records:
        page = article_page(built_site, record)
        content = page.select_one("article.md-content__inner")
        for marker in content.select("sup.note-marker"):  # editors' note numbers, not seed text
            marker.decompose()
        h1s = content.find_all("h1")
        assert [h.get_text(strip=True) for h in h1s] == [record["title"]]
        text_paragraphs = [p.get_text() for p in content.select("p[id^=p]")]
        assert text_paragraphs == record["paragraphs"]
        whole = content.get_text()
        for paragraph in record["paragraphs"]:
            assert whole.count(paragraph) == 1
        figcaptions = content.select("figure figcaption")
        assert len(figcaptions) == len(record["captions"])
        for fig, cap in zip(figcaptions, record["captions"], strict=True):
            assert fig.get_text().startswith(cap["text"])
            assert fig.select_one(".credit").get_text() == f"({cap['credit']})"
            assert whole.count(cap["text"]) == 1  # the dump's repeated captions are shown once
        h2 = [h.get_text(strip=True) for h in content.find_all("h2")]
        assert h2[: len(record["headings"])] == record["headings"]


def test_article_metadata_block(built_site, records):
    intel = next(r for r in records if r["title"] == INTEL)
    meta = article_page(built_site, intel).select_one("dl.article-meta").get_text(" ", strip=True)
    assert "16 سبتمبر 2025" in meta and "سطر الترويسة" in meta
    assert "مشتق من مطلع المقال" in meta
    assert "seeds/002_a68afca5fd10d92a.txt" in meta
    mali = next(r for r in records if r["title"] == MALI_US)
    meta = article_page(built_site, mali).select_one("dl.article-meta").get_text(" ", strip=True)
    assert "غير معروف" in meta and "لا يسبق 31 أكتوبر 2025" in meta
    assert "الشرق الأوسط" in meta


def test_teaser_links_to_the_archive_article(built_site, records):
    mali = next(r for r in records if r["title"] == MALI_US)
    nigeria = next(r for r in records if r["title"] == NIGERIA)
    page = article_page(built_site, mali)
    links = page.select("ul.teasers a.teaser-title")
    assert [a.get_text() for a in links] == [NIGERIA]
    target = (built_site / mali["url"] / links[0]["href"]).resolve()
    assert target == (built_site / nigeria["url"]).resolve()
    assert len(page.select("ul.teasers li")) == 5


def test_home_lists_newest_first_unknown_dates_last(built_site, records):
    home = soup(built_site / "index.html")
    items = [a.get_text() for a in home.select("ol.article-list li > a")]
    assert len(items) == 5
    assert items[0] == INTEL  # the only dated article
    for item in items:
        assert home.select_one("ol.article-list").get_text().count(item) >= 1


def test_about_page_and_data_are_published(built_site):
    assert "كيف يُبنى" in (built_site / "about" / "index.html").read_text(encoding="utf-8")
    assert (built_site / "data" / "articles.jsonl").stat().st_size > 10_000
