"""Jinja2 environment and page rendering: articles and lists become Markdown.

Seed and annotation text is untrusted: it may hold `<script>`, Markdown links,
`{{ }}` or front-matter fences. The environment autoescapes every value, and
the templates put body text inside raw HTML blocks, which Python-Markdown
passes through without parsing Markdown in them; the few values that must sit
in Markdown context (the h1, h2 headings) go through `md_inline`, which also
escapes Markdown's punctuation. So seed text can only ever render as text.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from json.encoder import encode_basestring as _json_str  # json.dumps(str, ensure_ascii=False), without a new encoder
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import get_month_names
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from .annotations import CORRECTABLE, KINDS, VERDICTS
from .model import Article, Span, Teaser
from .registry import entity_url

if TYPE_CHECKING:
    from .browse import Crumb, Pager

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Exactly Python-Markdown's backslash-escapable characters: escaping any other shows the backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")

DATE_SOURCE_LABELS = {
    "header": "سطر الترويسة في الملف",
    "caption": "تعليق صورة",
    "byline": "سطر التوقيع",
    "dateline": "سطر التاريخ في المادة",
    "source": "سطر «المصدر» في آخر المادة",
    "teasers": "توقيعات المقالات ذات الصلة في الصفحة نفسها",
    "annotation": "تصحيح تحريري",
}


@lru_cache(maxsize=4)
def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=("j2", "html", "md")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_inline"] = md_inline
    env.filters["yaml_str"] = yaml_str
    env.filters["arabic_date"] = arabic_date
    env.filters["provenance"] = provenance
    env.filters["articles_count"] = articles_count
    env.globals["rel"] = rel
    env.globals["breadcrumbs_html"] = breadcrumbs_html
    env.globals["article_list_html"] = article_list_html
    env.globals["pager_html"] = pager_html
    env.globals["annotation_labels"] = annotation_labels()
    return env


def annotation_labels() -> dict[str, dict[str, str]]:
    """Arabic labels of note kinds, verdicts and corrected fields, from the one list editors choose from."""
    return {"kinds": KINDS, "verdicts": VERDICTS, "fields": CORRECTABLE}


def md_inline(text: str) -> Markup:
    """Text for a Markdown context (a heading line): HTML-escaped, Markdown punctuation backslashed."""
    one_line = " ".join(str(text).split())
    escaped = str(escape(one_line))
    # After HTML escaping, `&` starts an entity we produced: leave those alone.
    return Markup(_MD_ESCAPE.sub(_md_escape_one, escaped))


_MD_ESCAPE = re.compile(r"(&(?:amp|lt|gt|quot|#39);)|" + _MD_SPECIAL.pattern)


def _md_escape_one(m: re.Match[str]) -> str:
    return m.group(1) or "\\" + m.group(2)


def yaml_str(text: str) -> Markup:
    """A YAML scalar for front matter: JSON strings are valid YAML and cannot break out of the line."""
    return Markup(_json_str(" ".join(str(text).split())))


@lru_cache(maxsize=1)
def _months() -> dict[int, str]:
    return dict(get_month_names("wide", locale="ar"))


@lru_cache(maxsize=1 << 14)  # a few thousand distinct days, asked for on every list and page
def arabic_date(iso: str | None) -> str:
    """16 سبتمبر 2025, with the Western digits the seeds use; CLDR (Babel) gives the month names."""
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    return f"{d.day} {_months()[d.month]} {d.year}"


# Arabic counts agree with their number: مقال واحد، مقالان، 3 مقالات، 11 مقالًا، 100 مقال.
_ARTICLE_FORMS = {
    "zero": "لا مقالات",
    "one": "مقال واحد",
    "two": "مقالان",
    "few": "{n} مقالات",
    "many": "{n} مقالًا",
    "other": "{n} مقال",
}


@lru_cache(maxsize=4096)
def articles_count(n: int) -> str:
    """A number of articles in correct Arabic (CLDR plural rules, Babel); memoised: lists ask it per row."""
    return _ARTICLE_FORMS[_arabic().plural_form(n)].format(n=n)


@lru_cache(maxsize=1)
def _arabic() -> Locale:
    return Locale("ar")


def provenance(source: str | None) -> str:
    """'header:1' -> 'سطر الترويسة في الملف، السطر 1'."""
    if not source:
        return ""
    kind, _, line = source.partition(":")
    label = DATE_SOURCE_LABELS.get(kind, kind)
    return f"{label}، السطر {line}" if line else label


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs (directory style), valid on any host or sub-path."""
    up, first, folders = _page_shape(from_url)
    if up is not None:
        if not to_url:
            return up or "./"
        # A target with no empty, `.` or `..` segment (nor any segment starting with a dot) is
        # already what a walk would normalise it to: the link is the way up from the deepest
        # folder the page and the target share, then the rest of the target.
        if not to_url.startswith(("/", ".")) and "//" not in to_url and "/." not in to_url:
            if to_url.partition("/")[0] != first:  # most links: the top folder differs
                return up + to_url
            if to_url.endswith("/"):
                depth = len(folders)
                while not to_url.startswith(folders[depth - 1]):
                    depth -= 1
                return "../" * (len(folders) - depth) + to_url[len(folders[depth - 1]) :] or "./"
    from_dir = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = _relpath(to_url, from_dir)
    if (to_url == "" or to_url.endswith("/")) and not target.endswith("/"):
        target += "/"
    return "./" if target == "./" or target == "." else target


@lru_cache(maxsize=1 << 16)  # one per page, asked for every link on it
def _page_shape(from_url: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The way up from a page's folder to the site root ("../../"), its first segment, and the folder's
    ancestors and itself ("articles/", "articles/a-1/"); None when it has `.` or `..` segments (see `_relpath`).
    """
    from_dir = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    start = [p for p in from_dir.split("/") if p]
    if "." in start or ".." in start:
        return None, None, ()
    folders = tuple("".join(f"{p}/" for p in start[: k + 1]) for k in range(len(start)))
    return "../" * len(start), start[0] if start else None, folders


def _relpath(to_url: str, from_dir: str) -> str:
    """`posixpath.relpath("/" + to_url, "/" + from_dir)` for clean site URLs, without its abspath calls.

    Site URLs are plain segments; anything with `.` or `..` segments goes to posixpath itself.
    """
    start = [p for p in from_dir.split("/") if p]
    path = [p for p in to_url.split("/") if p]
    if "." in start or ".." in start or "." in path or ".." in path:
        return posixpath.relpath("/" + to_url, "/" + from_dir)
    common = 0
    for a, b in zip(start, path, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start) - common) + path[common:]
    return "/".join(parts) if parts else "."


_SEP = "\x00"  # joins pieces for one escape call; a piece that holds it is escaped on its own


def escape_all(pieces: Sequence[str]) -> list[str]:
    """Each piece HTML-escaped, in one markupsafe call for the lot: a call per piece costs more than the escaping."""
    joined = _SEP.join(pieces)
    if joined.count(_SEP) != len(pieces) - 1:
        return [str(escape(piece)) for piece in pieces]
    return str.split(escape(joined), _SEP)


@lru_cache(maxsize=1 << 16)  # names, titles, outlets and labels recur on many pages
def escaped(text: str) -> str:
    """`escape(text)` as a plain string, for the HTML fragments built here rather than in templates."""
    return str(escape(text))


def inline_html(text: str, spans: Sequence[Span]) -> Markup:
    """Escaped text with spans wrapped around their characters; overlapping spans never cross.

    Spans that nest are nested; of two that cross, the one with lower
    priority (then the later one) is left out rather than producing broken HTML.
    """
    cuts = _cuts(text, spans)
    pieces = _cut_pieces(text, cuts)
    return Markup(_join_cuts(escape_all(pieces), 0, cuts))


def _span_order(span: Span) -> tuple[int, int, int]:
    return -span.priority, span.start, span.start - span.end


def _cuts(text: str, spans: Sequence[Span]) -> list[tuple[int, str]]:
    """Where markup goes in `text`, in order: (offset, the closing then opening tags at it)."""
    if not spans:
        return []
    ordered = sorted(spans, key=_START)
    cuts: list[tuple[int, str]] = []
    end = 0
    for span in ordered:  # the usual case: spans apart from one another, every one kept
        if span.start < end or span.end <= span.start:
            return _crossing_cuts(text, spans)
        if cuts and cuts[-1][0] == span.start:
            cuts[-1] = (span.start, cuts[-1][1] + span.open_tag)
        else:
            cuts.append((span.start, span.open_tag))
        end = span.end
        cuts.append((end, span.close_tag))
    if ordered[0].start < 0 or end > len(text):
        return _crossing_cuts(text, spans)
    return cuts


_START = attrgetter("start")


def _crossing_cuts(text: str, spans: Sequence[Span]) -> list[tuple[int, str]]:
    """`_cuts` when spans nest or cross: by priority, a span crossing one already kept is left out."""
    chosen: list[Span] = []
    size = len(text)
    for span in sorted(spans, key=_span_order):
        start, end = span.start, span.end
        if not (0 <= start < end <= size):
            continue
        if all(_nested_or_apart(span, other) for other in chosen):
            chosen.append(span)
    opens: dict[int, list[Span]] = {}
    closes: dict[int, list[Span]] = {}
    for span in chosen:
        opens.setdefault(span.start, []).append(span)
        closes.setdefault(span.end, []).append(span)
    cuts = []
    for i in sorted(opens.keys() | closes.keys()):
        tags = [s.close_tag for s in sorted(closes.get(i, ()), key=_START, reverse=True)]
        tags += [s.open_tag for s in sorted(opens.get(i, ()), key=lambda s: s.start - s.end)]
        cuts.append((i, "".join(tags)))
    return cuts


def _nested_or_apart(a: Span, b: Span) -> bool:
    apart = a.end <= b.start or b.end <= a.start
    nested = (a.start >= b.start and a.end <= b.end) or (b.start >= a.start and b.end <= a.end)
    return apart or nested


def _cut_pieces(text: str, cuts: Sequence[tuple[int, str]]) -> list[str]:
    """The text between the cuts: one piece more than there are cuts."""
    pieces = []
    last = 0
    for i, _ in cuts:
        pieces.append(text[last:i])
        last = i
    pieces.append(text[last:])
    return pieces


def _join_cuts(escaped_pieces: Sequence[str], first: int, cuts: Sequence[tuple[int, str]]) -> str:
    """Escaped pieces from `first` on, with the tags of the cuts between them."""
    if not cuts:
        return escaped_pieces[first]
    out = [escaped_pieces[first]]
    for k, (_, tags) in enumerate(cuts, start=first + 1):
        out.append(tags)
        out.append(escaped_pieces[k])
    return "".join(out)


def body_html(article: Article, spans: Sequence[Sequence[Span]] = ()) -> Markup:
    """The article's body as its page shows it: numbered paragraphs with their spans, headings, captions.

    Built here rather than looped over in the template: the page's text pieces
    are escaped in one call, then dropped into the slots left for them.
    """
    out: list[str] = []
    raw: list[str] = []  # text to escape, in order
    slots: list[int] = []  # where each escaped piece goes in `out`
    number = 0
    for block in article.body:
        text = block.text
        if block.kind == "heading":
            out.append(f"## {md_inline(text)}\n\n")
            continue
        if block.kind == "caption":
            out.append('<figure class="photo"><figcaption>')
            slots.append(len(out))
            out.append(text)
            raw.append(text)
            if block.credit:
                out.append(' <span class="credit">(')
                slots.append(len(out))
                out.append(block.credit)
                raw.append(block.credit)
                out.append(")</span>")
            out.append("</figcaption></figure>\n\n")
            continue
        out.append(f'<p id="p{number + 1}">')
        last = 0
        for i, tags in _cuts(text, spans[number]) if number < len(spans) else ():
            slots.append(len(out))
            out.append(text)
            raw.append(text[last:i])
            out.append(tags)
            last = i
        slots.append(len(out))
        out.append(text)
        raw.append(text[last:] if last else text)
        out.append("</p>\n\n")
        number += 1
    for slot, piece in zip(slots, escape_all(raw), strict=True):
        out[slot] = piece
    return Markup("".join(out))


def breadcrumbs_html(page_url: str, trail: Sequence[Crumb]) -> Markup:
    """The trail from the home page to this one; the last crumb is the page itself, not a link."""
    out = ['<nav class="breadcrumbs" aria-label="مسار التصفح">\n<ol>\n']
    last = len(trail) - 1
    for i, crumb in enumerate(trail):
        if i == last:
            out.append(f'<li><span aria-current="page">{escaped(crumb.label)}</span></li>\n')
        else:
            href = rel(page_url, crumb.url)
            href = href if href.endswith("/") else href + "/"
            out.append(f'<li><a href="{escaped(href)}">{escaped(crumb.label)}</a></li>\n')
    out.append("</ol>\n</nav>")
    return Markup("".join(out))


def article_list_html(page_url: str, articles: Iterable[Article]) -> Markup:
    """A list of articles as browse lists and the home page show them: title, then date and outlet."""
    items = "".join([f'<li><a href="{escaped(rel(page_url, a.url))}">{_listed(a)}</li>\n' for a in articles])
    return Markup(f'<ol class="article-list">\n{items}</ol>')


PAGER_AROUND = 2  # pages linked on either side of the current one


def pager_numbers(number: int, count: int, around: int = PAGER_AROUND) -> list[int | None]:
    """The page numbers a pager shows, in order, None where it skips some: the first and last page and
    `around` pages either side of the current one.

    Linking every page made a list of P pages cost P² links (an outlet with
    hundreds of pages); this is at most `2 * around + 5` items. A gap of one
    page shows that page rather than an ellipsis hiding no more than it.
    Every page stays reachable: previous and next chain them all.
    """
    shown = sorted({1, count, *range(max(1, number - around), min(count, number + around) + 1)})
    out: list[int | None] = []
    last = 0
    for n in shown:
        if n - last == 2:
            out.append(n - 1)
        elif n - last > 2:
            out.append(None)
        out.append(n)
        last = n
    return out


def pager_html(page_url: str, pager: Pager) -> Markup:
    """Links to the pages of a long list (none for a list of one page): previous, first, the pages around
    this one, last, next; an ellipsis, hidden from screen readers, where pages are skipped.
    """
    if pager.count <= 1:
        return Markup("")
    number, urls = pager.number, pager.urls
    out = ['<nav class="pager" aria-label="صفحات القائمة">\n<ul>\n']
    if number > 1:
        out.append(f'<li><a rel="prev" href="{escaped(rel(page_url, urls[number - 2]))}">السابقة</a></li>\n')
    for n in pager_numbers(number, pager.count):
        if n is None:
            out.append('<li class="pager-gap" aria-hidden="true">…</li>\n')
        elif n == number:
            out.append(f'<li><span aria-current="page">{n}</span></li>\n')
        else:
            out.append(f'<li><a href="{escaped(rel(page_url, urls[n - 1]))}" aria-label="الصفحة {n}">{n}</a></li>\n')
    if number < pager.count:
        out.append(f'<li><a rel="next" href="{escaped(rel(page_url, urls[number]))}">التالية</a></li>\n')
    out.append("</ul>\n</nav>\n")
    return Markup("".join(out))


def _listed(article: Article) -> str:
    """One list item after its link's href: the same on every list that shows the article."""
    note = '<span class="badge annotated">مشروح</span> ' if article.annotated else ""
    meta = f"{dated(article.date)}{_from(article.outlet)}"
    return f'{escaped(article.title)}</a> {note}<span class="list-meta">{meta}</span>'


@lru_cache(maxsize=1 << 14)
def dated(iso: str | None) -> str:
    """A list item's date: the <time> element, or that the date is unknown."""
    return f'<time datetime="{escaped(iso)}">{escaped(arabic_date(iso))}</time>' if iso else "تاريخ غير معروف"


@lru_cache(maxsize=1 << 12)
def _from(outlet: str | None) -> str:
    return f" · {escaped(outlet)}" if outlet else ""


def render_article(
    article: Article,
    by_id: dict[str, Article],
    spans: Sequence[Sequence[Span]] = (),
    templates: Path = TEMPLATES,
    **context: object,
) -> str:
    page_url = article.url
    # Lists are made here, once, as HTML; the template lays out the page around them.
    by_type: dict[str, list[str]] = {}
    up = rel(page_url, "")  # article pages share no folder with entity pages: a link is the way up, then the URL
    for e in article.entities:
        by_type.setdefault(e.type, []).append(_entity_item(up, e.type, e.entity_id, e.name))
    groups = [(t, label, Markup("\n".join(by_type[t]))) for t, label in ENTITY_GROUPS if t in by_type]
    related = [
        f'<li><a href="{escaped(rel(page_url, r.url))}">{escaped(r.title)}</a>{_related_date(r.date)}</li>'
        for r in (by_id[rid] for rid in article.related if rid in by_id)
    ]
    return render_with(
        "article.md.j2",
        templates,
        a=article,
        page_url=page_url,
        paragraphs=article.paragraphs,
        body_html=body_html(article, spans),
        entity_groups=groups,
        related_html=Markup("\n".join(related)),
        teasers_html=Markup("\n".join(_teaser_html(page_url, t, by_id) for t in article.teasers)),
        **context,
    )


@lru_cache(maxsize=1 << 15)  # pages at one depth link an entity with the same href
def _entity_item(up: str, entity_type: str, entity_id: str, name: str) -> str:
    href = up + entity_url(entity_type, entity_id)
    return f'<li><a class="entity entity-{escaped(entity_type)}" href="{escaped(href)}">{escaped(name)}</a></li>'


@lru_cache(maxsize=1 << 14)
def _related_date(iso: str | None) -> str:
    """A related article's date after its title, when it has one."""
    return f' <span class="list-meta">{dated(iso)}</span>' if iso else ""


def _teaser_html(page_url: str, teaser: Teaser, by_id: dict[str, Article]) -> str:
    """One teaser the outlet printed under the article; its title links to the archive's copy when there is one."""
    target = by_id.get(teaser.target_id) if teaser.target_id else None
    out = ["<li>\n"]
    if teaser.section:
        out.append(f'<span class="badge section">{escaped(teaser.section)}</span> ')
    if target:
        out.append(f'<a class="teaser-title" href="{escaped(rel(page_url, target.url))}">{escape(teaser.title)}</a>')
    else:
        out.append(f'<span class="teaser-title">{escape(teaser.title)}</span>')
    if teaser.summary:
        out.append(f'<p class="teaser-summary">{escape(teaser.summary)}</p>')
    if teaser.caption:
        credit = f' <span class="credit">({escape(teaser.caption.credit)})</span>' if teaser.caption.credit else ""
        out.append(f'<p class="teaser-caption">{escape(teaser.caption.text)}{credit}</p>')
    if teaser.byline:
        out.append(f'<p class="teaser-byline">{escaped(teaser.byline)}</p>')
    out.append("</li>")
    return "".join(out)


ENTITY_GROUPS = (("person", "الأشخاص"), ("organisation", "المنظمات"), ("place", "الأماكن"))


def template(name: str, templates: Path = TEMPLATES) -> Template:
    """The compiled template; Jinja re-reads it only when its file changed (`mkdocs serve` edits)."""
    return _prepared(name, templates)[0]


# (folder, name) -> (template, its globals as one plain dict, their names): made once per loaded template.
_PREPARED: dict[tuple[Path, str], tuple[Template, dict[str, object], set[str]]] = {}


def _prepared(name: str, templates: Path) -> tuple[Template, dict[str, object], set[str]]:
    """The template with its globals flattened, loaded again only when its file changed.

    `Template.render` rebuilds the globals (a ChainMap walked into a new dict,
    then into a set) for every page; they never change during a build, so
    they are flattened here once per loaded template. The up-to-date check is
    the one `get_template` makes (a stat of the file), so `mkdocs serve` edits
    still show on the next build.
    """
    found = _PREPARED.get((templates, name))
    if found is not None and found[0].is_up_to_date:
        return found
    loaded = environment(templates).get_template(name)
    found = _PREPARED[(templates, name)] = (loaded, dict(loaded.globals), set(loaded.globals))
    return found


def render_page(template_name: str, page_url: str, templates: Path = TEMPLATES, **context: object) -> str:
    return render_with(template_name, templates, page_url=page_url, **context)


def render_with(template_name: str, templates: Path = TEMPLATES, /, **context: object) -> str:
    """`template(name).render(**context)`, with the template's globals laid in once per template, not per page."""
    loaded, globals_, names = _prepared(template_name, templates)
    env = loaded.environment
    ctx = env.context_class(env, {**globals_, **context}, loaded.name, loaded.blocks)
    ctx.globals_keys = names  # what `{% import %}` compares with the imported template's globals; read only
    try:
        return env.concat(loaded.root_render_func(ctx))  # type: ignore[attr-defined]
    except Exception:
        env.handle_exception()  # raises, with Jinja's traceback pointing at the template line
