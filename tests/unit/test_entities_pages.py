"""Entity pages list their articles in numbered pages of PAGE_SIZE with stable URLs."""

from __future__ import annotations

import re

from builder import entity_pages
from builder.entities import link_entities
from builder.registry import Entity, Registry
from tests.factories import make_article


class Collect:
    """Stands in for write.Output: the pages added, by path."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}

    def add(self, path: str, content: str, key: object = None) -> None:
        assert path not in self.pages
        self.pages[path] = content


def test_an_entity_in_many_articles_gets_numbered_pages_of_fifty():
    articles = [
        make_article(f"a-{i:03d}", (f"وصل الوفد {i} إلى باماكو أمس.",), title=f"خبر {i}", source=f"s{i}.txt")
        for i in range(120)
    ]
    linked, index = link_entities(articles, Registry((Entity("bamako", "place", "باماكو"),)))
    out = Collect()
    entity_pages.add_entity_pages(out, linked, index)
    paths = sorted(p for p in out.pages if p.startswith("entities/place/bamako"))
    assert paths == ["entities/place/bamako.md", "entities/place/bamako/page/2.md", "entities/place/bamako/page/3.md"]
    first, second, third = (out.pages[p] for p in paths)
    assert first.count('<li>\n<span class="list-meta">') == 50 and "<dd>120</dd>" in first
    assert 'href="page/2/"' in first and 'rel="prev"' not in first
    assert '<ol class="entity-article-list" start="51">' in second and "(51–100 من 120)" in second
    assert 'href="../../"' in second and 'href="../3/"' in second  # back to page 1, on to page 3
    assert third.count('<li>\n<span class="list-meta">') == 20 and 'rel="next"' not in third
    listed = [re.findall(r"articles/(a-\d+)/", page) for page in (first, second, third)]
    assert [a for page in listed for a in page] == list(index.articles["bamako"])  # each once, in order


def test_an_entity_in_few_articles_has_one_page_without_pagination():
    articles = [make_article("a-1", ("وصل الوفد إلى باماكو أمس.",), source="s.txt")]
    linked, index = link_entities(articles, Registry((Entity("bamako", "place", "باماكو"),)))
    out = Collect()
    entity_pages.add_entity_pages(out, linked, index)
    assert "entities/place/bamako.md" in out.pages and not any("/page/" in p for p in out.pages)
    assert "pagination" not in out.pages["entities/place/bamako.md"]
