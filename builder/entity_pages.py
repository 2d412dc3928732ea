"""Entity pages, per-type indexes and the editors' report.

Pages exist only for entities the archive names: the registry holds every
country and capital, and an empty page per country would bury the useful
ones. A page's URL depends on its type and id alone (`registry.entity_url`).

The report is for editors: the names the rules discovered that the registry
lacks, each with the sentences it came from, as YAML ready to paste into the
registry (with the id the page already has, so pasting keeps the URL); and
pairs of names that look like spellings of one entity, for a person to
decide, because no score can (رودي/رودولف عطا الله are one person, عبد الرازق
/ عبد الرزاق two).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup, escape

from . import browse, render
from .entities import EntityIndex, cooccurring, first_sentence, name_keys, name_order, sentence_at
from .map import on_map
from .model import Article
from .registry import Entity, entity_url
from .write import Output

TYPE_LABELS: dict[str, tuple[str, str]] = {  # type -> (singular, plural)
    "person": ("شخص", "الأشخاص"),
    "organisation": ("منظمة", "المنظمات"),
    "place": ("مكان", "الأماكن"),
}
TYPE_FILES = {"person": "people.yml", "organisation": "organisations.yml", "place": "places.yml"}
REPORT_URL = "entities/report/"
# The report page lists the most named discovered names of each type, with a few sentences each:
# listing all of them with every sentence made a page of megabytes that grew with the archive.
# `python -m builder report` prints every name, and with --full every sentence.
REPORT_NAMES = 100
REPORT_CONTEXTS = 3  # sentences per name, on the page and in its YAML
LONG_VOWELS = frozenset("اويى")
MIN_SHARED_GIVEN = 3  # رودي/رودولف share «رود»
PAGE_SIZE = 50  # articles per entity page: a country named in thousands of articles gets numbered pages


def index_url(entity_type: str) -> str:
    return f"entities/{entity_type}/"


def page_url(entity: Entity, page: int) -> str:
    """Page 1 is the entity's own URL; later pages of its article list live under it, numbered from 2."""
    base = entity_url(entity.type, entity.id)
    return base if page == 1 else f"{base}page/{page}/"


def page_file(entity: Entity, page: int) -> str:
    return (
        f"entities/{entity.type}/{entity.id}.md" if page == 1 else f"entities/{entity.type}/{entity.id}/page/{page}.md"
    )


def add_entity_pages(output: Output, articles: Sequence[Article], index: EntityIndex) -> None:
    """One page per named entity; its article list in pages of `PAGE_SIZE`, so مالي's page is not 8 MB.

    Only the articles of the page being rendered are looked at (their first
    mention's sentence), so the work per entity is its number of articles and
    no context holds more than one page of them. What a list shows of an
    article besides that sentence is made once (`Listing`) and shared by every
    page that lists it. A page's key is all it shows, so a rebuild with a
    cache renders only the pages whose entity or listed articles changed.
    """
    listing = Listing(articles)
    order = name_order(index.entities.values())
    for entity_id, entity in index.entities.items():
        article_ids = index.articles[entity_id]
        pages = max(1, -(-len(article_ids) // PAGE_SIZE))
        with_entities = cooccurring(index, listing.entity_ids, order, entity_id)
        for page in range(1, pages + 1):
            chunk = article_ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            listed = list(zip(chunk, listing.sentences(chunk, entity_id), strict=True))
            shown = with_entities if page == 1 else []
            key = output.keyed and (
                "entity",
                entity,
                page,
                pages,
                len(article_ids),
                [(*listing.shown(a), sentence) for a, sentence in listed],
                [(other.id, other.type, other.name, n) for other, n in shown],
            )
            render_page = partial(_entity_page, listing, entity, page, pages, len(article_ids), listed, shown)
            output.add_rendered(page_file(entity, page), key, render_page)
    for entity_type in TYPE_LABELS:
        for path, text in index_pages(entity_type, index).items():
            output.add(path, text)
    report = editors_report(articles, index)
    output.add("entities/report.md", render.render_page("report.md.j2", REPORT_URL, report=report))


def index_pages(entity_type: str, index: EntityIndex) -> dict[str, str]:
    """The index of one type, most named first, in pages of `browse.PER_PAGE`: path -> page text.

    Paged as the browse lists are (`browse.paginate`): page 1 is the index's own
    URL, page N is `entities/<type>/page/N/`, where no entity page can be (an
    entity's URL has its id in that place, and its own numbered pages are one
    level further down), so no entity URL moves.
    """
    plural = TYPE_LABELS[entity_type][1]
    rows = sorted(
        ((e, len(index.articles[eid])) for eid, e in index.entities.items() if e.type == entity_type),
        key=lambda row: (-row[1], row[0].name, row[0].id),
    )
    pages = {}
    for pager, chunk in browse.paginate(index_url(entity_type), rows):
        url = pager.urls[pager.number - 1]
        pages[browse.page_path(url)] = render.render_page(
            "entity_index.md.j2",
            url,
            rows=chunk,
            total=len(rows),
            first=(pager.number - 1) * browse.PER_PAGE + 1,
            pager=pager,
            plural=plural,
        )
    return pages


def _entity_page(
    listing: Listing,
    entity: Entity,
    page: int,
    pages: int,
    total: int,
    listed: Sequence[tuple[str, str]],
    with_entities: Sequence[tuple[Entity, int]],
) -> str:
    url = page_url(entity, page)
    return render.render_page(
        "entity.md.j2",
        url,
        e=entity,
        label=TYPE_LABELS[entity.type][0],
        plural=TYPE_LABELS[entity.type][1],
        index_url=index_url(entity.type),
        items=listing.items(listed, url),
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * PAGE_SIZE + 1,
        last=(page - 1) * PAGE_SIZE + len(listed),
        prev_url=page_url(entity, page - 1) if page > 1 else None,
        next_url=page_url(entity, page + 1) if page < pages else None,
        with_entities=listing.others(entity, with_entities),
    )


class Listing:
    """What entity pages show of the archive's articles, worked out once per article.

    An article named with twenty entities is listed on twenty pages: its
    paragraphs and entity ids are gathered once, and its date, title and link
    escaped once per page depth (page 1 and numbered pages sit at two depths,
    all under entities/, so the link to an article depends on the depth alone).
    The list items are made here rather than looped over in the template: they
    are nearly all of an entity page, a few hundred thousand at 20,000 articles.
    """

    def __init__(self, articles: Sequence[Article]) -> None:
        self.entity_ids = {a.id: tuple(e.entity_id for e in a.entities) for a in articles}
        self._articles = {a.id: (a, self.entity_ids[a.id], a.paragraphs) for a in articles}
        self._heads: dict[int, dict[str, str]] = defaultdict(dict)
        self._links: dict[tuple[str, str, str], str] = {}

    def sentences(self, article_ids: Iterable[str], entity_id: str) -> list[str]:
        """For each article, the sentence that first names the entity (`first_sentence`)."""
        articles = self._articles
        out = []
        for article_id in article_ids:
            article, ids, paragraphs = articles[article_id]
            try:
                out.append(first_sentence(article.entities[ids.index(entity_id)], paragraphs, article.title))
            except ValueError:  # not named in this article: nothing to quote
                out.append("")
        return out

    def shown(self, article_id: str) -> tuple[str, str, str | None]:
        """What an item shows of the article itself (for page keys)."""
        article = self._articles[article_id][0]
        return (article.id, article.title, article.date)

    def items(self, rows: Iterable[tuple[str, str]], page_url: str) -> Markup:
        """The items of an entity's article list, from (article id, sentence), as `entity.md.j2` describes."""
        heads = self._heads[page_url.count("/")]
        rows = list(rows)
        quoted = render.escape_all([sentence for _, sentence in rows])  # the page's sentences in one escape call
        out = []
        for (article_id, sentence), text in zip(rows, quoted, strict=True):
            head = heads.get(article_id)
            if head is None:
                head = heads[article_id] = self._head(self._articles[article_id][0], page_url)
            if sentence:
                out.append(f'{head}<blockquote class="first-mention">{text}</blockquote></li>\n')
            else:
                out.append(f"{head}</li>\n")
        return Markup("".join(out))

    @staticmethod
    def _head(article: Article, page_url: str) -> str:
        date = render.dated(article.date)
        link = f'<a href="{render.escaped(render.rel(page_url, article.url))}">{render.escaped(article.title)}</a>'
        return f'<li>\n<span class="list-meta">{date}</span>\n{link}\n'

    def others(self, entity: Entity, with_entities: Iterable[tuple[Entity, int]]) -> Markup:
        """The items of the «named with it» list on an entity's page 1, as `entity.md.j2` describes.

        From one entity's page 1 to another's, the link depends on the first's
        type and the other alone (`rel` to the other's type folder, then its id).
        """
        out = []
        for other, n in with_entities:
            link = self._links.get((entity.type, other.type, other.id))
            if link is None:
                href = f"{render.rel(entity.url, index_url(other.type))}{other.id}/"
                link = self._links[(entity.type, other.type, other.id)] = (
                    f'<li><a class="entity entity-{escape(other.type)}" href="{escape(href)}">{escape(other.name)}</a>'
                )
            out.append(f'{link} <span class="count">({render.escaped(render.articles_count(n))})</span></li>\n')
        return Markup("".join(out))


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Context:
    article_id: str
    title: str
    paragraph: int
    sentence: str
    rule: str


@dataclass(frozen=True)
class Proposal:
    entity: Entity
    contexts: tuple[Context, ...]
    yaml: str

    @property
    def shown_contexts(self) -> tuple[Context, ...]:
        return self.contexts[:REPORT_CONTEXTS]

    @property
    def more_contexts(self) -> int:
        """Sentences the page leaves out: the name's page lists every article that names it."""
        return max(0, len(self.contexts) - REPORT_CONTEXTS)


@dataclass(frozen=True)
class Report:
    proposals: tuple[Proposal, ...]
    variants: tuple[tuple[Entity, Entity, str], ...]
    # Places the archive names that the map cannot show (no coordinates, no country outline):
    # (entity, number of articles), most named first.
    unmapped: tuple[tuple[Entity, int], ...] = ()

    def shown(self) -> tuple[Proposal, ...]:
        """The proposals the page lists: the `REPORT_NAMES` most named of each type (the proposals' order)."""
        taken: dict[str, int] = defaultdict(int)
        shown = []
        for p in self.proposals:
            taken[p.entity.type] += 1
            if taken[p.entity.type] <= REPORT_NAMES:
                shown.append(p)
        return tuple(shown)

    def text(self, full: bool = False) -> str:
        """The report for a terminal: YAML blocks per registry file, then variant pairs.

        Every name; `full` gives every sentence each name came from, not the first `REPORT_CONTEXTS`.
        """
        out: list[str] = []
        for entity_type, filename in TYPE_FILES.items():
            props = [p for p in self.proposals if p.entity.type == entity_type]
            if not props:
                continue
            out.append(f"# Discovered {entity_type}s not in the registry: paste into entities/{filename}")
            out.extend(_yaml_entry(p.entity, p.contexts, None) if full else p.yaml for p in props)
            out.append("")
        if self.variants:
            out.append(
                "# Likely spellings of one entity: merge by making one an alias (with `merged:`) if a person agrees"
            )
            for a, b, why in self.variants:
                out.append(f"#   {a.name} ({a.id})  ~  {b.name} ({b.id}): {why}")
        if self.unmapped:
            out.append("# Places without coordinates (not on the map): add lat/lon to their registry entry")
            for entity, count in self.unmapped:
                where = f"entities/{entity.file.rsplit('/', 1)[-1]}:{entity.line}" if entity.file else "discovered"
                out.append(f"#   {entity.name} ({entity.id}, {count} articles) — {where}")
        if not out:
            out.append("# Nothing to report: every name found is in the registry.")
        return "\n".join(out).rstrip() + "\n"


def _yaml_entry(entity: Entity, contexts: Sequence[Context], limit: int | None = REPORT_CONTEXTS) -> str:
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - JSON strings are YAML strings
    lines = [f"  - id: {entity.id}", f"    name: {q(entity.name)}", '    description: ""']
    for c in contexts[:limit]:
        lines.append(f"    # {c.article_id} §{c.paragraph + 1} ({c.rule}): {' '.join(c.sentence.split())[:200]}")
    return "\n".join(lines)


def skeleton(word: str) -> str:
    """A word without its long vowels: spellings of one foreign name differ mostly there."""
    return word.translate(_NO_LONG_VOWELS) or word


_NO_LONG_VOWELS = str.maketrans("", "", "".join(sorted(LONG_VOWELS)))
WHY_VARIANT = "الاسم الأول نفسه أو مختصره، واسم العائلة بالحروف الساكنة نفسها"


def variant_pairs(entities: Iterable[Entity]) -> list[tuple[Entity, Entity, str]]:
    """Pairs of same-type names that may be one entity: same surname skeleton and related given names.

    Surname skeletons alone would pair عبد الرحمن عبد الرزاق with سعيد عبد
    الرازق, so the middle names' skeletons must be the same too, and the given
    names related: equal, or sharing their first three letters (رودي/رودولف).
    Both are equalities of a key (a given name shorter than three letters is
    its own key), so names are grouped by all of it and every pair inside a
    group is a pair: the cost follows the number of names and of pairs found,
    where comparing every two names of a common surname grew with its square.
    """
    groups: dict[tuple[object, ...], list[tuple[Entity, tuple[str, ...]]]] = defaultdict(list)
    for entity in entities:
        for name in entity.names:
            keys = name_keys(name)
            if len(keys) >= 2:
                given = keys[0]
                related = given if len(given) < MIN_SHARED_GIVEN else given[:MIN_SHARED_GIVEN]
                middle = tuple(skeleton(k) for k in keys[1:-1])
                groups[(entity.type, skeleton(keys[-1]), middle, related)].append((entity, keys))
    pairs: dict[tuple[str, str], tuple[Entity, Entity, str]] = {}
    for items in groups.values():
        for i, (a, ka) in enumerate(items):
            for b, kb in items[i + 1 :]:
                if a.id == b.id or ka == kb:
                    continue
                first, second = (a, b) if a.id < b.id else (b, a)
                pairs.setdefault((first.id, second.id), (first, second, WHY_VARIANT))
    return [pairs[k] for k in sorted(pairs)]


def editors_report(articles: Sequence[Article], index: EntityIndex) -> Report:
    by_article = {a.id: a for a in articles}
    proposals: list[Proposal] = []
    for entity in index.discovered:
        contexts = []
        for article_id, paragraph, rule in index.contexts.get(entity.id, ()):
            article = by_article.get(article_id)
            if article is None:
                continue
            mention = next(
                (
                    m
                    for e in article.entities
                    if e.entity_id == entity.id
                    for m in e.mentions
                    if m.paragraph == paragraph
                ),
                None,
            )
            text = article.paragraphs[paragraph] if paragraph >= 0 else article.title
            sentence = sentence_at(text, mention.start) if mention else text
            contexts.append(Context(article_id, article.title, paragraph, sentence, rule))
        proposals.append(Proposal(entity, tuple(contexts), _yaml_entry(entity, contexts)))
    proposals.sort(key=lambda p: (p.entity.type, -len(index.articles.get(p.entity.id, ())), p.entity.name))
    unmapped = sorted(
        (
            (e, len(index.articles.get(e.id, ())))
            for e in index.entities.values()
            if e.type == "place" and not on_map(e.lat, e.lon, e.iso)
        ),
        key=lambda pair: (-pair[1], pair[0].name, pair[0].id),
    )
    return Report(tuple(proposals), tuple(variant_pairs(index.entities.values())), tuple(unmapped))
