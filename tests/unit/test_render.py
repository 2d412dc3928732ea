"""Rendering helpers: escaping for Markdown contexts, Arabic counts and dates, relative links, spans."""

from __future__ import annotations

import posixpath

import markdown
import pytest
from bs4 import BeautifulSoup

from builder.browse import Pager
from builder.model import Span
from builder.render import (
    arabic_date,
    articles_count,
    inline_html,
    md_inline,
    pager_html,
    pager_numbers,
    rel,
    yaml_str,
)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "لا مقالات"),
        (1, "مقال واحد"),
        (2, "مقالان"),
        (3, "3 مقالات"),
        (10, "10 مقالات"),
        (11, "11 مقالًا"),
        (100, "100 مقال"),
        (103, "103 مقالات"),
    ],
)
def test_article_counts_agree_with_the_number(n, text):
    assert articles_count(n) == text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[رابط](javascript:alert(1))",
        "![صورة](x.png)",
        "**غامق** _مائل_",
        "# عنوان",
        "1. قائمة",
        "{: onclick=alert(1) }",
        "<img src=x onerror=alert(1)>",
        "`code`",
        "a &amp; b &lt;",
    ],
)
def test_md_inline_renders_hostile_text_as_the_same_text(hostile):
    html = markdown.markdown("## " + md_inline(hostile), extensions=["attr_list"])
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<strong>" not in html
    import re
    from html import unescape

    assert unescape(re.sub(r"<[^>]+>", "", html)).strip() == hostile.strip()


def test_yaml_str_cannot_break_out_of_front_matter():
    import yaml

    value = 'عنوان"\n---\ntitle: x\n<script>'
    loaded = yaml.safe_load("title: " + yaml_str(value))
    assert loaded == {"title": " ".join(value.split())}


def test_arabic_date_uses_cldr_month_names_and_western_digits():
    assert arabic_date("2025-09-16") == "16 سبتمبر 2025"
    assert arabic_date(None) == ""


@pytest.mark.parametrize(
    ("src", "dst", "link"),
    [
        ("articles/a-1/", "entities/place/mali/", "../../entities/place/mali/"),
        ("", "articles/a-1/", "articles/a-1/"),
        ("articles/a-1/", "articles/a-2/", "../a-2/"),
        ("articles/a-1/", "", "../../"),
    ],
)
def test_relative_links(src, dst, link):
    assert rel(src, dst) == link


def test_spans_nest_never_cross_and_text_is_escaped():
    text = "قال <b>مالي</b> اليوم"
    spans = [Span(4, 15, "<mark>", "</mark>", 2), Span(7, 11, '<a href="x">', "</a>"), Span(2, 9, "<i>", "</i>")]
    html = str(inline_html(text, spans))
    # The <i> span crosses the higher-priority mark, so it is left out; the link nests inside.
    assert html == 'قال <mark>&lt;b&gt;<a href="x">مالي</a>&lt;/b&gt;</mark> اليوم'


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 2, [1, 2]),
        (1, 7, [1, 2, 3, None, 7]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),  # a gap of one page shows that page
        (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
    ],
)
def test_pager_shows_first_last_and_the_pages_around_this_one(number, count, shown):
    assert pager_numbers(number, count) == shown


def test_pager_links_are_few_and_chain_every_page():
    count = 40
    urls = tuple("browse/x/" if n == 1 else f"browse/x/page/{n}/" for n in range(1, count + 1))
    pages = {url: pager_html(url, Pager(n, count, urls)) for n, url in enumerate(urls, start=1)}
    middle = BeautifulSoup(pages["browse/x/page/20/"], "html.parser")
    assert middle.select_one('[aria-current="page"]').get_text() == "20"
    labels = [a["aria-label"] for a in middle.select("a[aria-label]")]
    assert labels == ["الصفحة 1", "الصفحة 18", "الصفحة 19", "الصفحة 21", "الصفحة 22", "الصفحة 40"]
    assert [li.get_text() for li in middle.select('li[aria-hidden="true"]')] == ["…", "…"]
    assert sum(len(BeautifulSoup(html, "html.parser").select("a")) for html in pages.values()) < 10 * count
    # From page 1, `next` reaches every page in order, and `prev` leads back from each to the one before.
    url, seen = urls[0], []
    while url is not None:
        seen.append(url)
        nav = BeautifulSoup(pages[url], "html.parser")
        after = nav.select_one('a[rel="next"]')
        url = posixpath.normpath(posixpath.join(url, after["href"])) + "/" if after else None
        if url is not None:
            back = BeautifulSoup(pages[url], "html.parser").select_one('a[rel="prev"]')["href"]
            assert posixpath.normpath(posixpath.join(url, back)) + "/" == seen[-1]
    assert seen == list(urls)
    assert pager_html(urls[0], Pager(1, 1, urls[:1])) == ""
