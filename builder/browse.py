"""Ways through the archive without the search box: by date, outlet, section and place.

Every list is in archive order (newest first, unknown dates last, the order
`build.archive_order` gives), so a page never has to re-sort. Long lists are
split into pages of `PER_PAGE`: page 1 is the list's own URL and page N is
`<list>/page/N/`, so the URL of a list never depends on its length.

URLs of lists named by free text (an outlet, a section) use a short hash of
the name's matching form rather than the Arabic itself: two spellings of one
outlet land on one page, and the URL stays ASCII (sitemaps, logs and shells
handle it without percent-encoding surprises).

This module decides which pages exist and what they list; the templates
`browse_*.md.j2` only lay them out.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache, partial

from .model import Article, ArticleEntity
from .normalize import normalize
from .render import _months, render_page

PER_PAGE = 50
HOME_LATEST = 20
RECENT_DAYS = 92  # "the last months" on the home page: about a quarter
TOP_ENTITIES = 8
ROOT_CRUMB_LABEL = "الرئيسية"
BROWSE_URL = "browse/"
UNKNOWN_DATE_URL = "browse/dates/unknown/"
UNKNOWN_OUTLET_URL = "browse/outlets/unknown/"

TYPE_LABELS = {"person": "الأشخاص", "organisation": "المنظمات", "place": "الأماكن"}


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str  # site-relative, directory style; the last crumb is the page itself


@dataclass(frozen=True)
class Group:
    """One list of articles with a page of its own (a month, an outlet, a section…)."""

    key: str
    label: str
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    urls: tuple[str, ...]  # URL of every page of the list, page 1 first


@dataclass(frozen=True)
class Neighbours:
    """The articles before and after one article in date order (older and newer)."""

    older: Article | None
    newer: Article | None


# ---------------------------------------------------------------- keys and URLs


def name_key(name: str) -> str:
    """Stable ASCII key of a free-text name: spellings that normalise alike share it."""
    matching = " ".join(normalize(name).split())
    return hashlib.sha1(matching.encode("utf-8")).hexdigest()[:10]


def month_url(month: str) -> str:
    """'2025-09' -> 'browse/dates/2025/09/'."""
    year, mm = month.split("-")
    return f"browse/dates/{year}/{mm}/"


def year_url(year: str) -> str:
    return f"browse/dates/{year}/"


def outlet_url(outlet: str | None) -> str:
    return f"browse/outlets/{name_key(outlet)}/" if outlet else UNKNOWN_OUTLET_URL


def section_url(section: str) -> str:
    return f"browse/sections/{name_key(section)}/"


def entity_url(entity_type: str, entity_id: str) -> str:
    """The entity page written by the entities stage: the same formula as `registry.entity_url`.

    Kept here so browsing does not depend on the registry module's import;
    tests/e2e/test_browse.py proves every such link lands on a built page.
    """
    return f"entities/{entity_type}/{entity_id}/"


def page_path(url: str) -> str:
    """The Markdown file MkDocs turns into `url` (directory URLs)."""
    return f"{url}index.md" if url else "index.md"


def paged_url(url: str, number: int) -> str:
    return url if number == 1 else f"{url}page/{number}/"


def month_label(month: str) -> str:
    year, mm = month.split("-")
    return f"{_months()[int(mm)]} {year}"


# ---------------------------------------------------------------- grouping


def by_month(articles: Iterable[Article]) -> dict[str, tuple[Article, ...]]:
    """Dated articles per 'yyyy-mm', newest month first; order inside kept."""
    months: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.date:
            months[article.date[:7]].append(article)
    return {m: tuple(months[m]) for m in sorted(months, reverse=True)}


def month_range(months: Iterable[str]) -> list[str]:
    """Every month from the earliest to the latest given, oldest first, gaps included."""
    known = sorted(months)
    if not known:
        return []
    year, month = map(int, known[0].split("-"))
    end = known[-1]
    out: list[str] = []
    while True:
        current = f"{year:04d}-{month:02d}"
        out.append(current)
        if current >= end:
            return out
        month += 1
        if month == 13:
            year, month = year + 1, 1


def _grouped(articles: Iterable[Article], keyed: Iterable[tuple[Article, str]], url_of) -> list[Group]:
    """Groups of articles by a free-text label, merged by `name_key`, largest first.

    The label shown is the spelling used most (then the alphabetically first),
    so one odd spelling never renames a page.
    """
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    order = {a.id: i for i, a in enumerate(articles)}
    seen: set[tuple[str, str]] = set()
    for article, label in keyed:
        key = name_key(label)
        spellings[key][label] += 1
        if (key, article.id) not in seen:
            seen.add((key, article.id))
            members[key].append(article)
    groups = []
    for key, found in members.items():
        label = sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        ordered = tuple(sorted(found, key=lambda a: order[a.id]))
        groups.append(Group(key, label, url_of(label), ordered))
    return sorted(groups, key=lambda g: (-len(g.articles), g.label, g.key))


def by_outlet(articles: Sequence[Article]) -> list[Group]:
    return _grouped(articles, ((a, a.outlet) for a in articles if a.outlet), outlet_url)


def article_sections(articles: Sequence[Article]) -> dict[str, tuple[str, ...]]:
    """Each article's sections, as outlets label them in teasers that point to it.

    The seeds print a section label («أفريقيا») on the teasers under an
    article; once `link.link_teasers` has matched a teaser to an archive
    article, that label is the outlet's own filing of the linked article.
    An article's own `section` header, when a seed states one, comes first.
    """
    sections: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        if article.section:
            sections[article.id].append(article.section)
        for teaser in article.teasers:
            if teaser.section and teaser.target_id and teaser.section not in sections[teaser.target_id]:
                sections[teaser.target_id].append(teaser.section)
    return {k: tuple(v) for k, v in sections.items() if v}


def by_section(articles: Sequence[Article]) -> list[Group]:
    sections = article_sections(articles)
    return _grouped(articles, ((a, s) for a in articles for s in sections.get(a.id, ())), section_url)


def neighbours(articles: Sequence[Article]) -> dict[str, Neighbours]:
    """Older/newer article of each, along archive order (so undated ones chain at the end)."""
    out = {}
    for i, article in enumerate(articles):
        newer = articles[i - 1] if i > 0 else None
        older = articles[i + 1] if i + 1 < len(articles) else None
        out[article.id] = Neighbours(older=older, newer=newer)
    return out


def recent_window(articles: Sequence[Article], days: int = RECENT_DAYS) -> tuple[str | None, tuple[Article, ...]]:
    """Articles of the last `days` before the newest known date, and where the window starts.

    An undated article counts only when its earliest possible date (a lower
    bound from dated captions) already falls inside the window: then it is
    certainly recent. The window is anchored on the archive's newest date,
    not on today, so a rebuild next year gives the same home page.
    """
    newest = max((a.date for a in articles if a.date), default=None)
    if newest is None:
        return None, ()
    start = (date.fromisoformat(newest) - timedelta(days=days)).isoformat()
    recent = tuple(a for a in articles if (a.date or a.earliest_date or "") >= start)
    return start, recent


def top_entities(articles: Iterable[Article], limit: int = TOP_ENTITIES) -> dict[str, list[tuple[ArticleEntity, int]]]:
    """Per type, the entities named in most articles (then most mentions, then name)."""
    in_articles: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    first: dict[str, ArticleEntity] = {}
    for article in articles:
        for entity in article.entities:
            in_articles[entity.entity_id] += 1
            mentions[entity.entity_id] += len(entity.mentions)
            first.setdefault(entity.entity_id, entity)
    out: dict[str, list[tuple[ArticleEntity, int]]] = {t: [] for t in TYPE_LABELS}
    ranked = sorted(first, key=lambda e: (-in_articles[e], -mentions[e], first[e].name, e))
    for entity_id in ranked:
        entity = first[entity_id]
        bucket = out.setdefault(entity.type, [])
        if len(bucket) < limit:
            bucket.append((entity, in_articles[entity_id]))
    return out


# ---------------------------------------------------------------- breadcrumbs


def crumbs(*trail: tuple[str, str]) -> tuple[Crumb, ...]:
    return (Crumb(ROOT_CRUMB_LABEL, ""), Crumb("تصفّح الأرشيف", BROWSE_URL), *(Crumb(name, url) for name, url in trail))


def article_crumbs(article: Article) -> tuple[Crumb, ...]:
    """Where an article sits in the date tree: its year and month, or the undated list."""
    return _date_crumbs(article.date[:7] if article.date else None)


@lru_cache(maxsize=1 << 12)  # one trail per month, shared by all its articles
def _date_crumbs(month: str | None) -> tuple[Crumb, ...]:
    if month:
        year = month[:4]
        trail = [("التواريخ", "browse/dates/"), (year, year_url(year)), (month_label(month), month_url(month))]
    else:
        trail = [("التواريخ", "browse/dates/"), ("تاريخ غير معروف", UNKNOWN_DATE_URL)]
    return crumbs(*trail)


# ---------------------------------------------------------------- pages


def paginate(
    url: str, articles: Sequence[Article], per_page: int = PER_PAGE
) -> list[tuple[Pager, tuple[Article, ...]]]:
    count = max(1, -(-len(articles) // per_page))
    urls = tuple(paged_url(url, n) for n in range(1, count + 1))
    return [(Pager(n, count, urls), tuple(articles[(n - 1) * per_page : n * per_page])) for n in range(1, count + 1)]


@dataclass(frozen=True)
class Page:
    """A page not rendered yet: `render()` makes its text; `key`, when set, is all that text depends on.

    The writer skips rendering a page whose key and file are as the last build
    left them (`write.Output.add_rendered`).
    """

    key: object
    render: Callable[[], str]


def _listed(article: Article) -> tuple[object, ...]:
    """What a list shows of an article (`_browse.j2` article_item)."""
    return (article.id, article.title, article.annotated, article.date, article.outlet)


def _later(template: str, page_url: str, key: bool = False, **context: object) -> Page:
    listed = {k: ([_listed(a) for a in v] if k == "articles" else v) for k, v in context.items()} if key else None
    return Page((template, page_url, listed) if key else None, partial(render_page, template, page_url, **context))


def list_pages(
    url: str,
    title: str,
    articles: Sequence[Article],
    trail: tuple[Crumb, ...],
    intro: str = "",
    extra: dict[str, object] | None = None,
    per_page: int = PER_PAGE,
) -> dict[str, str]:
    """One paginated list: Markdown path -> page text."""
    pages = _list_pages(url, title, articles, trail, intro, extra, per_page)
    return {path: page.render() for path, page in pages.items()}


def _list_pages(
    url: str,
    title: str,
    articles: Sequence[Article],
    trail: tuple[Crumb, ...],
    intro: str = "",
    extra: dict[str, object] | None = None,
    per_page: int = PER_PAGE,
) -> dict[str, Page]:
    """One paginated list: Markdown path -> page to render (sliced once, never re-sorted per page)."""
    pages = {}
    for pager, chunk in paginate(url, articles, per_page):
        page_url = pager.urls[pager.number - 1]
        page_title = title if pager.number == 1 else f"{title} (الصفحة {pager.number} من {pager.count})"
        page_trail = trail if pager.number == 1 else (*trail, Crumb(f"الصفحة {pager.number}", page_url))
        pages[page_path(page_url)] = _later(
            "browse_list.md.j2",
            page_url,
            key=True,
            title=page_title,
            intro=intro,
            articles=chunk,
            total=len(articles),
            pager=pager,
            breadcrumbs=page_trail,
            extra=extra or {},
        )
    return pages


def browse_pages(
    articles: Sequence[Article],
    timeline: Callable[[str], str] | None = None,
    map_available: bool = False,
    per_page: int = PER_PAGE,
    lazy: bool = False,
) -> dict[str, str] | dict[str, Page]:
    """Every browse page: Markdown path -> page text (a `Page` to render, when `lazy`). Pure; archive order.

    `timeline(page_url)` draws the month chart with links relative to that page.
    """
    chart = timeline or (lambda _url: "")
    pages: dict[str, Page] = {}
    months = by_month(articles)
    undated = tuple(a for a in articles if not a.date)
    years: dict[str, list[str]] = defaultdict(list)
    for month in months:
        years[month[:4]].append(month)

    dates_trail = crumbs(("التواريخ", "browse/dates/"))
    for year, year_months in years.items():
        year_articles = tuple(a for m in year_months for a in months[m])
        year_trail = crumbs(("التواريخ", "browse/dates/"), (year, year_url(year)))
        sub = [(month_label(m), month_url(m), len(months[m])) for m in year_months]
        pages |= _list_pages(
            year_url(year), f"مقالات {year}", year_articles, year_trail, extra={"groups": sub}, per_page=per_page
        )
        for month in year_months:
            trail = (*year_trail, Crumb(month_label(month), month_url(month)))
            pages |= _list_pages(
                month_url(month), f"مقالات {month_label(month)}", months[month], trail, per_page=per_page
            )
    pages |= _list_pages(
        UNKNOWN_DATE_URL,
        "مقالات بلا تاريخ معروف",
        undated,
        crumbs(("التواريخ", "browse/dates/"), ("تاريخ غير معروف", UNKNOWN_DATE_URL)),
        intro=(
            "لا تذكر المادة الأصلية تاريخ هذه المقالات. "
            "ترتيبها بحسب أقدم تاريخ ممكن تدل عليه تعليقات الصور المؤرخة، إن وُجد."
        ),
        per_page=per_page,
    )
    pages[page_path("browse/dates/")] = _later(
        "browse_dates.md.j2",
        "browse/dates/",
        years=[
            (y, year_url(y), [(month_label(m), month_url(m), len(months[m])) for m in ms]) for y, ms in years.items()
        ],
        undated=len(undated),
        total=len(articles),
        timeline_svg=chart("browse/dates/"),
        breadcrumbs=dates_trail,
    )

    outlets = by_outlet(articles)
    no_outlet = tuple(a for a in articles if not a.outlet)
    outlets_trail = crumbs(("المصادر", "browse/outlets/"))
    for group in outlets:
        pages |= _list_pages(
            group.url,
            f"مقالات {group.label}",
            group.articles,
            (*outlets_trail, Crumb(group.label, group.url)),
            per_page=per_page,
        )
    pages |= _list_pages(
        UNKNOWN_OUTLET_URL,
        "مقالات مصدرها غير معروف",
        no_outlet,
        (*outlets_trail, Crumb("مصدر غير معروف", UNKNOWN_OUTLET_URL)),
        intro="لم يُعرف مصدر هذه المقالات من المادة الأصلية (لا ترويسة ولا توقيع يسمّيه).",
        per_page=per_page,
    )
    pages[page_path("browse/outlets/")] = _later(
        "browse_index.md.j2",
        "browse/outlets/",
        title="المصادر",
        intro="وسائل الإعلام التي نشرت مقالات الأرشيف، مع عدد مقالات كلٍّ منها.",
        groups=[(g.label, g.url, len(g.articles)) for g in outlets]
        + ([("مصدر غير معروف", UNKNOWN_OUTLET_URL, len(no_outlet))] if no_outlet else []),
        breadcrumbs=outlets_trail,
    )

    sections = by_section(articles)
    sections_trail = crumbs(("الأقسام", "browse/sections/"))
    for group in sections:
        pages |= _list_pages(
            group.url,
            f"قسم {group.label}",
            group.articles,
            (*sections_trail, Crumb(group.label, group.url)),
            intro="الأقسام كما يصنّف المصدر مقالاته في روابط «ذات صلة» التي تشير إليها.",
            per_page=per_page,
        )
    pages[page_path("browse/sections/")] = _later(
        "browse_index.md.j2",
        "browse/sections/",
        title="الأقسام",
        intro="أقسام الصحف التي صُنّفت فيها مقالات الأرشيف، كما تظهر في روابط المقالات ذات الصلة.",
        groups=[(g.label, g.url, len(g.articles)) for g in sections],
        breadcrumbs=sections_trail,
    )

    pages[page_path(BROWSE_URL)] = _later(
        "browse_hub.md.j2",
        BROWSE_URL,
        total=len(articles),
        months=len(months),
        undated=len(undated),
        outlets=len(outlets),
        sections=len(sections),
        map_available=map_available,
        timeline_svg=chart(BROWSE_URL),
        breadcrumbs=(Crumb(ROOT_CRUMB_LABEL, ""), Crumb("تصفّح الأرشيف", BROWSE_URL)),
    )
    return pages if lazy else {path: page.render() for path, page in pages.items()}


def home_page(articles: Sequence[Article], timeline_svg: str = "") -> str:
    start, recent = recent_window(articles)
    return render_page(
        "home.md.j2",
        "",
        articles=tuple(articles[:HOME_LATEST]),
        total=len(articles),
        window_start=start,
        top=top_entities(recent),
        type_labels=TYPE_LABELS,
        entity_url=entity_url,
        timeline_svg=timeline_svg,
    )
