"""The built site shows the shipped annotation: marks at their passages, numbered, linked to the notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
MALI_US = "a-528e9c4a65"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def page(built_site):
    return soup(built_site / "articles" / MALI_US / "index.html").select_one("article.md-content__inner")


@pytest.fixture(scope="module")
def record(built_site):
    lines = (ROOT / "docs" / "data" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return next(r for r in map(json.loads, lines) if r["id"] == MALI_US)


def test_each_note_is_marked_at_its_passage_with_a_numbered_link(page, record):
    assert [n["number"] for n in record["notes"]] == [1, 2, 3]
    for note in record["notes"]:
        n = note["number"]
        mark = page.select_one(f"mark#note-ref-{n}")
        assert mark.get_text() == note["quote"]
        paragraph = mark.find_parent("p")
        assert paragraph["id"] == f"p{note['paragraph']}"
        marker = mark.find_next_sibling("sup", class_="note-marker")
        assert marker.a["href"] == f"#note-{n}" and marker.get_text() == str(n)
        item = page.select_one(f"li#note-{n}")
        assert item.select_one("a.note-back")["href"] == f"#note-ref-{n}"
        assert item.select_one(".note-quote").get_text(strip=True) == note["quote"]


def test_notes_are_listed_in_order_with_kind_author_and_sources(page, record):
    items = page.select("section.notes ol.notes > li")
    assert [li["id"] for li in items] == ["note-1", "note-2", "note-3"]
    kinds = [li.select_one(".badge.kind").get_text() for li in items]
    assert kinds == ["تصحيح", "سياق", "تحقق"]
    for li, note in zip(items, record["notes"], strict=True):
        assert li.select_one(".note-author").get_text() == f"كتبها: {note['author']}"
        links = [a["href"] for a in li.select(".note-sources a")]
        assert links == note["sources"]
        assert all(a["rel"] == ["nofollow", "noopener", "noreferrer"] for a in li.select(".note-sources a"))
    assert "«عبد الله ديوب»" in items[0].select_one(".note-text").get_text()
    assert items[1].select_one(".note-text strong").get_text() == "القاعدة"  # Markdown rendered


def test_fact_check_verdict_badge(page):
    fact_check = page.select_one("li.note-fact-check")
    assert fact_check.select_one(".badge.verdict.verdict-partly-accurate").get_text() == "الحكم: صحيح جزئيًا"


def test_annotated_articles_carry_a_badge_in_lists(built_site):
    home = soup(built_site / "index.html")
    badged = [li.a["href"] for li in home.select("ol.article-list > li") if li.select_one(".badge.annotated")]
    assert badged == [f"articles/{MALI_US}/"]


def test_marks_keep_the_seed_text_intact(page, record):
    for marker in page.select("sup.note-marker"):
        marker.decompose()
    assert [p.get_text() for p in page.select("p[id^=p]")] == record["paragraphs"]
