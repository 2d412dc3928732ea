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

from . import render
from .entities import EntityIndex, cooccurring, first_sentence, name_keys, sentence_at
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
    no context holds more than one page of them.
    """
    by_article = {a.id: a for a in articles}
    for entity_id, entity in index.entities.items():
        article_ids = index.articles[entity_id]
        pages = max(1, -(-len(article_ids) // PAGE_SIZE))
        with_entities = cooccurring(index, by_article, entity_id)
        for page in range(1, pages + 1):
            chunk = article_ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            items = [(by_article[a], first_sentence(by_article[a], entity_id)) for a in chunk]
            url = page_url(entity, page)
            output.add(
                page_file(entity, page),
                render.render_page(
                    "entity.md.j2",
                    url,
                    e=entity,
                    label=TYPE_LABELS[entity.type][0],
                    plural=TYPE_LABELS[entity.type][1],
                    index_url=index_url(entity.type),
                    items=items,
                    total=len(article_ids),
                    page=page,
                    pages=pages,
                    first=(page - 1) * PAGE_SIZE + 1,
                    prev_url=page_url(entity, page - 1) if page > 1 else None,
                    next_url=page_url(entity, page + 1) if page < pages else None,
                    with_entities=with_entities if page == 1 else (),
                ),
            )
    for entity_type, (_, plural) in TYPE_LABELS.items():
        rows = sorted(
            ((e, len(index.articles[eid])) for eid, e in index.entities.items() if e.type == entity_type),
            key=lambda row: (-row[1], row[0].name, row[0].id),
        )
        output.add(
            f"entities/{entity_type}/index.md",
            render.render_page(
                "entity_index.md.j2", index_url(entity_type), rows=rows, plural=plural, type=entity_type
            ),
        )
    report = editors_report(articles, index)
    output.add("entities/report.md", render.render_page("report.md.j2", REPORT_URL, report=report))


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


@dataclass(frozen=True)
class Report:
    proposals: tuple[Proposal, ...]
    variants: tuple[tuple[Entity, Entity, str], ...]
    # Places the archive names that the map cannot show (no coordinates, no country outline):
    # (entity, number of articles), most named first.
    unmapped: tuple[tuple[Entity, int], ...] = ()

    def text(self) -> str:
        """The report for a terminal: YAML blocks per registry file, then variant pairs."""
        out: list[str] = []
        for entity_type, filename in TYPE_FILES.items():
            props = [p for p in self.proposals if p.entity.type == entity_type]
            if not props:
                continue
            out.append(f"# Discovered {entity_type}s not in the registry: paste into entities/{filename}")
            out.extend(p.yaml for p in props)
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


def _yaml_entry(entity: Entity, contexts: Sequence[Context]) -> str:
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - JSON strings are YAML strings
    lines = [f"  - id: {entity.id}", f"    name: {q(entity.name)}", '    description: ""']
    for c in contexts[:3]:
        lines.append(f"    # {c.article_id} §{c.paragraph + 1} ({c.rule}): {' '.join(c.sentence.split())[:200]}")
    return "\n".join(lines)


def skeleton(word: str) -> str:
    """A word without its long vowels: spellings of one foreign name differ mostly there."""
    return "".join(ch for ch in word if ch not in LONG_VOWELS) or word


def variant_pairs(entities: Iterable[Entity]) -> list[tuple[Entity, Entity, str]]:
    """Pairs of same-type names that may be one entity: same surname skeleton and related given names.

    Bucketed by (type, last word's skeleton), so the cost follows the number of
    names, not its square. Surname skeletons alone would pair عبد الرحمن عبد
    الرزاق with سعيد عبد الرازق, so the given names must also agree (equal, or
    share their first three letters, as رودي/رودولف).
    """
    buckets: dict[tuple[str, str], list[tuple[Entity, tuple[str, ...]]]] = defaultdict(list)
    for entity in entities:
        for name in entity.names:
            keys = name_keys(name)
            if len(keys) >= 2:
                buckets[(entity.type, skeleton(keys[-1]))].append((entity, keys))
    pairs: dict[tuple[str, str], tuple[Entity, Entity, str]] = {}
    for items in buckets.values():
        for i, (a, ka) in enumerate(items):
            for b, kb in items[i + 1 :]:
                if a.id == b.id or ka == kb:
                    continue
                given_a, given_b = ka[0], kb[0]
                same_middle = [skeleton(k) for k in ka[1:-1]] == [skeleton(k) for k in kb[1:-1]]
                related = given_a == given_b or (
                    min(len(given_a), len(given_b)) >= MIN_SHARED_GIVEN
                    and given_a[:MIN_SHARED_GIVEN] == given_b[:MIN_SHARED_GIVEN]
                )
                if related and same_middle:
                    first, second = sorted((a, b), key=lambda e: e.id)
                    why = "الاسم الأول نفسه أو مختصره، واسم العائلة بالحروف الساكنة نفسها"
                    pairs.setdefault((first.id, second.id), (first, second, why))
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
