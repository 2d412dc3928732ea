"""Jinja2 environment and page rendering: articles and lists become Markdown.

Seed and annotation text is untrusted: it may hold `<script>`, Markdown links,
`{{ }}` or front-matter fences. The environment autoescapes every value, and
the templates put body text inside raw HTML blocks, which Python-Markdown
passes through without parsing Markdown in them; the few values that must sit
in Markdown context (the h1, h2 headings) go through `md_inline`, which also
escapes Markdown's punctuation. So seed text can only ever render as text.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import get_month_names
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from .annotations import CORRECTABLE, KINDS, VERDICTS
from .model import Article, Span

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
    return Markup(json.dumps(" ".join(str(text).split()), ensure_ascii=False))


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


def articles_count(n: int) -> str:
    """A number of articles in correct Arabic, by CLDR's Arabic plural rules (Babel)."""
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


@lru_cache(maxsize=1 << 16)  # pure, and asked for the same pairs on every page (posixpath.relpath is slow)
def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs (directory style), valid on any host or sub-path."""
    from_dir = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = _relpath(to_url, from_dir)
    if (to_url == "" or to_url.endswith("/")) and not target.endswith("/"):
        target += "/"
    return "./" if target == "./" or target == "." else target


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


def inline_html(text: str, spans: Sequence[Span]) -> Markup:
    """Escaped text with spans wrapped around their characters; overlapping spans never cross.

    Spans that nest are nested; of two that cross, the one with lower
    priority (then the later one) is left out rather than producing broken HTML.
    """
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-s.priority, s.start, -(s.end - s.start))):
        if not (0 <= span.start < span.end <= len(text)):
            continue
        if all(_nested_or_apart(span, other) for other in chosen):
            chosen.append(span)
    if not chosen:
        return Markup(escape(text))
    opens: dict[int, list[Span]] = {}
    closes: dict[int, list[Span]] = {}
    for span in chosen:
        opens.setdefault(span.start, []).append(span)
        closes.setdefault(span.end, []).append(span)
    out: list[str] = []
    last = 0
    for i in sorted(set(opens) | set(closes)):
        out.append(str(escape(text[last:i])))
        last = i
        for span in sorted(closes.get(i, []), key=lambda s: s.start, reverse=True):
            out.append(span.close_tag)
        for span in sorted(opens.get(i, []), key=lambda s: -(s.end - s.start)):
            out.append(span.open_tag)
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def _nested_or_apart(a: Span, b: Span) -> bool:
    apart = a.end <= b.start or b.end <= a.start
    nested = (a.start >= b.start and a.end <= b.end) or (b.start >= a.start and b.end <= a.end)
    return apart or nested


def render_article(
    article: Article,
    by_id: dict[str, Article],
    spans: Sequence[Sequence[Span]] = (),
    templates: Path = TEMPLATES,
    **context: object,
) -> str:
    paragraphs = article.paragraphs
    per_paragraph = list(spans) + [()] * (len(paragraphs) - len(spans))
    html = [inline_html(text, per_paragraph[i]) for i, text in enumerate(paragraphs)]
    page_url = article.url
    # Lookups and grouping done here, once, rather than by filters in the template on every page.
    groups = []
    for etype, label in ENTITY_GROUPS:
        group = [(e, rel(page_url, f"entities/{e.type}/{e.entity_id}/")) for e in article.entities if e.type == etype]
        if group:
            groups.append((etype, label, group))
    return template("article.md.j2", templates).render(
        a=article,
        by_id=by_id,
        page_url=page_url,
        paragraphs=paragraphs,
        paragraphs_html=html,
        entity_groups=groups,
        related=[by_id[rid] for rid in article.related if rid in by_id],
        teasers=[(t, by_id.get(t.target_id) if t.target_id else None) for t in article.teasers],
        **context,
    )


ENTITY_GROUPS = (("person", "الأشخاص"), ("organisation", "المنظمات"), ("place", "الأماكن"))


def template(name: str, templates: Path = TEMPLATES) -> Template:
    """The compiled template; Jinja re-reads it only when its file changed (`mkdocs serve` edits)."""
    return environment(templates).get_template(name)


def render_page(template_name: str, page_url: str, templates: Path = TEMPLATES, **context: object) -> str:
    return template(template_name, templates).render(page_url=page_url, **context)
