"""Hostile seeds, built into a real site: every payload is inert text in the HTML, or reported with file and line.

The corpus is `tests/hostile/` (script and event-handler tags, `javascript:`
links, Markdown links and images, Jinja, front-matter fences, bidi overrides,
zero-width characters, NUL bytes, Windows-1256) plus a 1 MB single line made
here. The builder and `mkdocs build --strict` (real configuration, real theme
overrides and hooks, see `bench.site`) run on a temporary copy; the test then
reads the pages MkDocs wrote.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data

from bench.site import build_site

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "hostile"
PROBLEM = re.compile(r"^(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>\w+)\]", re.M)
DANGEROUS_TAGS = {"script", "iframe", "img", "object", "embed", "form", "input", "base", "meta", "link", "style"}
HUGE_WORDS = 110_000  # about 1 MB of Arabic on one line


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("hostile")
    seeds, docs, site = work / "seeds", work / "docs", work / "site"
    shutil.copytree(HOSTILE, seeds)
    huge = " ".join(["كلمة"] * HUGE_WORDS)
    (seeds / "09_huge_line.txt").write_text(f" date 2025-01-09 فقرة طويلة جدًا {huge} نهاية.\n", encoding="utf-8")
    build, mkdocs = build_site(seeds, work, strict=True)
    assert build.returncode == 0, build.stdout + build.stderr
    assert mkdocs is not None and mkdocs.returncode == 0, mkdocs.stdout + mkdocs.stderr
    pages = {}
    for page in sorted((site / "articles").glob("*/index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        content = soup.select_one("article.md-content__inner") or soup.select_one(".md-content")
        pages[page.parent.name] = content
    problems = [m.groupdict() for m in PROBLEM.finditer(build.stderr)]
    return {"pages": pages, "problems": problems, "docs": docs}


def _page_with(hostile_site, needle: str):
    """The one article whose visible text holds `needle`: it rendered as text."""
    found = [c for c in hostile_site["pages"].values() if needle in " ".join(c.get_text().split())]
    assert found, f"{needle!r} is not shown as text on any article page"
    return found[0]


def _reported(hostile_site, file: str, code: str) -> list[int]:
    return [int(p["line"]) for p in hostile_site["problems"] if p["file"].endswith(file) and p["code"] == code]


def test_every_hostile_file_became_an_article(hostile_site):
    assert len(hostile_site["pages"]) >= len(list(HOSTILE.glob("*.txt"))) + 1


def test_no_article_content_holds_markup_a_template_did_not_write(hostile_site):
    for article_id, content in hostile_site["pages"].items():
        assert content is not None, article_id
        for tag in content.find_all(True):
            assert tag.name not in DANGEROUS_TAGS, (article_id, str(tag)[:200])
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), (article_id, str(tag)[:200])
                for v in value if isinstance(value, list) else [value]:
                    assert not re.match(r"\s*(javascript|vbscript|data):", v, re.I), (article_id, str(tag)[:200])


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        '<iframe src="//evil.example"></iframe>',
        "[انقر هنا](javascript:alert(6))",
        "![صورة](https://evil.example/x.png)",
        "<https://evil.example/>",
        '<a href="javascript:alert(5)">التقرير الكامل</a>',
        "{{ 7*7 }}",
        "{% include 'secret.txt' %}",
        "{{ self.__init__.__globals__ }}",
        "&amp; &lt;script&gt;",
        "# ليس عنوانًا",
        "*ليس* _مائلًا_ و`ليس شفرة` و<!-- ليس تعليقًا -->",
        '{: onclick="alert(8)" } سمات ماركداون.',
        '<div markdown="1">**ليس عريضًا**</div>',
        "title: عنوان مزور",
    ],
    ids=lambda p: p[:24],
)
def test_payload_is_shown_as_the_very_text_of_the_seed(hostile_site, payload):
    _page_with(hostile_site, payload)


@pytest.mark.parametrize(
    ("title", "needle"),
    [
        ("01_script.txt", "هجوم <script>alert('title')</script> على قافلة في مالي؟"),
        ("02_links.txt", "روابط خطرة [انقر](javascript:alert(4)) في العنوان"),
        ("03_jinja.txt", "قالب {{ config }} و{% raw %} في العنوان"),
        ("07_mixed.txt", "Mali: الحكومة تعلن <b>هدنة</b> & AFP"),
    ],
)
def test_hostile_titles_are_text_in_the_heading(hostile_site, title, needle):
    headings = [" ".join(c.find("h1").get_text().split()) for c in hostile_site["pages"].values()]
    assert needle in headings, title


def test_markup_lines_are_reported_with_file_and_line(hostile_site):
    assert _reported(hostile_site, "01_script.txt", "S008")
    assert _reported(hostile_site, "02_links.txt", "S008")
    assert _reported(hostile_site, "03_jinja.txt", "S008")
    assert 1 in _reported(hostile_site, "04_frontmatter.txt", "S008")  # the leading `---` fence


def test_front_matter_fences_in_a_seed_do_not_become_page_metadata(hostile_site):
    docs = hostile_site["docs"]
    for page in (docs / "articles").glob("*.md"):
        _, meta = get_data(page.read_text(encoding="utf-8"))
        assert "template" not in meta and meta.get("title") != "مخترق", page.name
    _page_with(hostile_site, "فقرة بعد الفاصل عن المفاوضات.")


def test_bidi_and_zero_width_controls_are_removed_and_reported(hostile_site):
    lines = _reported(hostile_site, "05_bidi.txt", "S006")
    assert len(lines) >= 4  # title (twice), three body lines
    content = _page_with(hostile_site, "كلمةمقسومة بمحرف صفري العرض وعزل اتجاه.")
    text = content.get_text()
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b-\u200f]", text)


def test_nul_bytes_are_removed_and_reported(hostile_site):
    assert _reported(hostile_site, "06_nul.txt", "S007")
    content = _page_with(hostile_site, "فقرة فيها بايت صفري في الوسط.")
    assert "\x00" not in content.get_text()


def test_windows_1256_is_decoded_and_reported(hostile_site):
    assert _reported(hostile_site, "08_cp1256.txt", "S002") == [1]
    _page_with(hostile_site, "قال مسؤولون في باماكو إن الوقود وصل إلى العاصمة.")


def test_a_megabyte_line_is_kept_whole_and_reported(hostile_site):
    assert _reported(hostile_site, "09_huge_line.txt", "S009") == [1]
    most = max(c.get_text().count("كلمة") for c in hostile_site["pages"].values())
    assert most >= HUGE_WORDS
