"""Rendering helpers: escaping for Markdown contexts, Arabic counts and dates, relative links, spans."""

from __future__ import annotations

import markdown
import pytest

from builder.model import Span
from builder.render import arabic_date, articles_count, inline_html, md_inline, rel, yaml_str


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
