"""Entity pages: article lists in numbered pages of PAGE_SIZE with stable URLs, items as the template says."""

from __future__ import annotations

import posixpath
import random
import re
from dataclasses import replace

from builder import entity_pages, render
from builder.entities import (
    SENTENCE_END,
    EntityIndex,
    cooccurring,
    link_entities,
    name_keys,
    name_order,
    sentence_at,
)
from builder.registry import Alias, Entity, Registry
from builder.write import Output
from tests.factories import make_article


class Collect:
    """Stands in for write.Output without a cache: the pages added, by path."""

    keyed = False

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}

    def add(self, path: str, content: str, key: object = None) -> None:
        assert path not in self.pages
        self.pages[path] = content

    def add_rendered(self, path: str, key: object, make) -> None:
        self.add(path, make())


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


def test_list_items_are_laid_out_and_escaped_as_jinja_would():
    article = make_article(
        "a-1",
        ("مقدمة. قال <script>x</script> إن الوفد وصل إلى باماكو & عاد. خاتمة.",),
        title="<b>\"عاجل\"</b> & 'خبر'",
        date="2025-09-16",
        source="s.txt",
    )
    linked, index = link_entities([article], Registry((Entity("bamako", "place", "باماكو"),)))
    out = Collect()
    entity_pages.add_entity_pages(out, linked, index)
    page = out.pages["entities/place/bamako.md"]
    title = "&lt;b&gt;&#34;عاجل&#34;&lt;/b&gt; &amp; &#39;خبر&#39;"
    assert (
        '<ol class="entity-article-list">\n<li>\n'
        '<span class="list-meta"><time datetime="2025-09-16">16 سبتمبر 2025</time></span>\n'
        f'<a href="../../../articles/a-1/">{title}</a>\n'
        '<blockquote class="first-mention">قال &lt;script&gt;x&lt;/script&gt; إن الوفد وصل إلى باماكو &amp; عاد.'
        "</blockquote></li>\n</ol>\n"
    ) in page
    assert "<script>" not in page


def test_an_article_named_only_in_its_title_is_quoted_by_its_title_and_undated_says_so():
    article = make_article("a-1", ("نص بلا اسم.",), title="باماكو تستقبل الوفد", source="s.txt")
    linked, index = link_entities([article], Registry((Entity("bamako", "place", "باماكو"),)))
    out = Collect()
    entity_pages.add_entity_pages(out, linked, index)
    page = out.pages["entities/place/bamako.md"]
    assert '<span class="list-meta">تاريخ غير معروف</span>' in page
    assert '<blockquote class="first-mention">باماكو تستقبل الوفد</blockquote></li>' in page


def _reference_sentence(text: str, start: int) -> str:
    """The rule sentence_at implements, spelled out the slow way: runs of SENTENCE_END around `start`."""
    runs = [m.span() for m in SENTENCE_END.finditer(text)]
    begin = max((end for _, end in runs if end <= start), default=0)
    stop = min((s for s, _ in runs if s >= start), default=len(text))
    sentence = text[begin:stop].strip()
    if len(sentence) <= 320:
        return sentence
    lo = max(0, start - begin - 160)
    return ("…" if lo > 0 else "") + sentence[lo : lo + 320].strip() + ("…" if lo + 320 < len(sentence) else "")


def test_sentence_at_finds_the_sentence_around_an_offset():
    text = "أولى. ثانية فيها باماكو؟ ثالثة!"
    assert sentence_at(text, text.index("باماكو")) == "ثانية فيها باماكو؟"
    assert sentence_at(text, 0) == "أولى."
    assert sentence_at(text, text.index("ثالثة")) == "ثالثة!"
    long = "بداية. " + "كلمة " * 200 + "باماكو " + "كلمة " * 200
    quoted = sentence_at(long, long.index("باماكو"))
    assert quoted.startswith("…") and quoted.endswith("…") and "باماكو" in quoted and len(quoted) <= 322
    # Offsets anywhere, spaces and marks in runs, against the rule spelled out.
    rng = random.Random(7)
    alphabet = "اب .؟…!?\n\t\u00a0\x1c\u2028\u200b"  # \s and str.isspace agree on all of these
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for start in range(len(text) + 1):
            assert sentence_at(text, start) == _reference_sentence(text, start), (text, start)


def test_named_with_ranks_by_shared_articles_then_name_and_links_to_the_other_pages():
    entities = {
        "x": Entity("x", "place", "س"),
        "b": Entity("b", "person", "ب"),
        "a": Entity("a", "person", "أ"),
        "c": Entity("c", "place", "ج"),
    }
    index = EntityIndex(
        entities=entities,
        articles={"x": ("1", "2", "3"), "a": ("1",), "b": ("1", "2"), "c": ("3",)},
        discovered=(),
        contexts={},
        terms={},
    )
    ids = {"1": ("x", "a", "b"), "2": ("b", "x"), "3": ("x", "c")}
    order = name_order(entities.values())
    ranked = cooccurring(index, ids, order, "x")
    assert [(e.id, n) for e, n in ranked] == [("b", 2), ("a", 1), ("c", 1)]  # then by name: أ before ج
    assert [e.id for e, _ in cooccurring(index, ids, order, "x", top=2)] == ["b", "a"]
    listing = entity_pages.Listing([])
    items = listing.others(entities["x"], ranked)
    hrefs = re.findall(r'href="([^"]+)"', items)
    page = entities["x"].url
    assert [posixpath.normpath(posixpath.join(page, h)) + "/" for h in hrefs] == [e.url for e, _ in ranked]
    assert [render.rel(page, e.url) for e, _ in ranked] == hrefs
    assert '<span class="count">(مقالان)</span>' in items


def test_article_links_resolve_from_first_and_numbered_pages():
    articles = [make_article(f"a-{i:03d}", ("زار الوفد باماكو.",), source=f"s{i}.txt") for i in range(60)]
    linked, index = link_entities(articles, Registry((Entity("bamako", "place", "باماكو"),)))
    out = Collect()
    entity_pages.add_entity_pages(out, linked, index)
    entity = index.entities["bamako"]
    for page in (1, 2):
        url = entity_pages.page_url(entity, page)
        text = out.pages[entity_pages.page_file(entity, page)]
        hrefs = re.findall(r'<a href="([^"]*articles/[^"]+)"', text)
        assert hrefs and all(
            posixpath.normpath(posixpath.join(url, h)) + "/" == f"articles/{a}/"
            for h, a in zip(hrefs, re.findall(r"articles/(a-\d+)/", text), strict=True)
        )


def test_a_rebuild_renders_only_the_pages_whose_listing_changed(tmp_path, monkeypatch):
    articles = [
        make_article("a-1", ("زار الوفد باماكو ثم مالي.",), title="الأول", source="s1.txt"),
        make_article("a-2", ("زار الوفد نيامي.",), title="الثاني", source="s2.txt"),
    ]
    registry = Registry(
        (Entity("bamako", "place", "باماكو"), Entity("mali", "place", "مالي"), Entity("niamey", "place", "نيامي"))
    )
    rendered: list[str] = []
    real = render.render_page

    def counting(name, url, *args, **kwargs):
        if name == "entity.md.j2":
            rendered.append(url)
        return real(name, url, *args, **kwargs)

    monkeypatch.setattr(render, "render_page", counting)

    def build(arts) -> None:
        output = Output(tmp_path / "docs", tmp_path / "keys.pickle", b"salt")
        linked, index = link_entities(arts, registry)
        entity_pages.add_entity_pages(output, linked, index)
        output.close()

    build(articles)
    assert sorted(rendered) == ["entities/place/bamako/", "entities/place/mali/", "entities/place/niamey/"]
    rendered.clear()
    build(articles)
    assert rendered == []
    build([replace(articles[0], title="الأول معدّلًا"), articles[1]])
    assert sorted(rendered) == ["entities/place/bamako/", "entities/place/mali/"]
    assert "الأول معدّلًا" in (tmp_path / "docs/entities/place/mali.md").read_text(encoding="utf-8")


def _all_pairs(entities: list[Entity]) -> set[tuple[str, str]]:
    """Variant pairs by comparing every two names: the rule, spelled out."""
    names = [(e, name_keys(n)) for e in entities for n in e.names]
    found = set()
    for i, (a, ka) in enumerate(names):
        for b, kb in names[i + 1 :]:
            if a.type != b.type or a.id == b.id or ka == kb or len(ka) < 2 or len(kb) < 2:
                continue
            skel = entity_pages.skeleton
            given = ka[0] == kb[0] or (min(len(ka[0]), len(kb[0])) >= 3 and ka[0][:3] == kb[0][:3])
            if skel(ka[-1]) == skel(kb[-1]) and [skel(k) for k in ka[1:-1]] == [skel(k) for k in kb[1:-1]] and given:
                found.add(tuple(sorted((a.id, b.id))))
    return found


def test_variant_pairs_are_every_pair_the_rule_allows():
    rng = random.Random(3)
    given = ["رودي", "رودولف", "رو", "ر", "سعيد", "سعد"]
    middle = ["", "عبد ", "عبد الله ", "عبيد "]
    surname = ["عطا", "عطاء", "الرزاق", "الرازق", "موسى"]

    def name() -> str:
        return rng.choice(given) + " " + rng.choice(middle) + rng.choice(surname)

    entities = [
        Entity(
            f"e-{i:03d}", rng.choice(("person", "organisation")), name(), aliases=(Alias(name(), None, 0),) * (i % 2)
        )
        for i in range(150)
    ]
    pairs = entity_pages.variant_pairs(entities)
    assert {(a.id, b.id) for a, b, _ in pairs} == _all_pairs(entities)
    assert len(pairs) > 50 and [(a.id, b.id) for a, b, _ in pairs] == sorted((a.id, b.id) for a, b, _ in pairs)


def test_type_index_is_paged_like_the_browse_lists_and_no_entity_url_moves():
    names = [f"{'ب' * (1 + i % 7)} {'ت' * (1 + i // 7)}" for i in range(119)]
    entities = {f"p{i:03d}": Entity(f"p{i:03d}", "person", n) for i, n in enumerate(names)}
    entities["page"] = Entity("page", "person", "صفحة")  # an id that is also the pages' folder name
    articles = {eid: tuple(f"a-{j}" for j in range(1 + (i * 37) % 5)) for i, eid in enumerate(entities)}
    index = EntityIndex(entities=entities, articles=articles, discovered=(), contexts={}, terms={})
    pages = entity_pages.index_pages("person", index)
    assert list(pages) == [
        "entities/person/index.md",
        "entities/person/page/2/index.md",
        "entities/person/page/3/index.md",
    ]
    entity_files = {entity_pages.page_file(e, n) for e in entities.values() for n in (1, 2)}
    assert not entity_files & set(pages)
    listed = []
    for path, text in pages.items():
        url = path.removesuffix("index.md")
        hrefs = re.findall(r'<li><a class="entity entity-person" href="([^"]+)"', text)
        listed += [posixpath.normpath(posixpath.join(url, h)) + "/" for h in hrefs]
        assert '<p class="lede">120 في الأرشيف، الأكثر ذكرًا أولًا. الصفحة' in text
    ranked = sorted(entities.values(), key=lambda e: (-len(articles[e.id]), e.name, e.id))
    assert listed == [e.url for e in ranked]  # each once, most named first, at its unchanged URL
    second = pages["entities/person/page/2/index.md"]
    assert '<ol class="entity-index" markdown="0" start="51">' in second
    assert 'title: "الأشخاص (الصفحة 2 من 3)"' in second
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../3/"' in second
    assert '<ol class="entity-index" markdown="0">' in pages["entities/person/index.md"]


def test_a_short_type_index_is_one_page_without_a_pager():
    entities = {"bamako": Entity("bamako", "place", "باماكو")}
    index = EntityIndex(entities=entities, articles={"bamako": ("a-1",)}, discovered=(), contexts={}, terms={})
    pages = entity_pages.index_pages("place", index)
    assert list(pages) == ["entities/place/index.md"]
    assert "pager" not in pages["entities/place/index.md"] and "الصفحة" not in pages["entities/place/index.md"]
