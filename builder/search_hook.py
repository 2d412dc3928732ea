"""MkDocs hook: make every article and entity page findable the way readers type.

Pagefind indexes the built HTML with its own Arabic (Snowball) stemmer, which
folds hamza forms and diacritics but not clitic chains (وبالقاعدة), alef
maqsura/ta marbuta everywhere, or an entity's other spellings. The search box
sends Pagefind the clitic-free *cores* of the reader's words, folded by
`builder.normalize` (in the browser, through the generated tables). So each
page carries, inside its indexed region, the cores of its own words and the
registered spellings of the entities it names, in an attribute Pagefind
indexes (`data-pagefind-index-attrs`): invisible, never read aloud, and never
a change to the text readers see. A "⁂" separates them from the page text in
Pagefind's stored content, so the search box shows only the real text.

Only articles and entity pages are indexed (`data-pagefind-body`); the home
page and listings would otherwise match every query.

Pagefind's time for a query grows with the number of pages that contain all
its words (about 70 µs a page in Chromium, plus a term lookup of ~125 ms for
a word found on 14,000 of 20,000 pages: over a second for a very common word).
So each article also gets a `slice` filter: a stable hash of its URL into
`len(articles) // SLICE_PAGES` slices. The search box ranks a query that
matches more pages than it can rank quickly over slice 0 only (a fixed
sample of about SLICE_PAGES articles), and says so. `mkdocs serve` also runs
Pagefind (both bundles: PAGEFIND_BUNDLES) after each build, so search works there as on the published site.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from builder.normalize import core, normalize  # noqa: E402
from builder.search_assets import search_words  # noqa: E402

log = logging.getLogger("mkdocs.search")
SEPARATOR = "⁂"
PLACEHOLDER = "<!--archive-search-terms-->"
_TAG = re.compile(r"<[^>]+>")
_RAW_WORD = re.compile(r"[\w\u0600-\u06FF]+")
# Entity pages list other spellings as <ul class="aliases"><li>NAME <span ...>(note)</span></li>.
_ALIAS_ITEM = re.compile(r'<ul class="aliases">(.*?)</ul>', re.S)
_ALIAS_NAME = re.compile(r"<li>([^<]+)")
_ENTITY_HREF = re.compile(r'href="([^"#?]*entities/[^"#?]+/)"')

# Articles per slice: the size of the sample a very common query is ranked over.
SLICE_PAGES = 1000
# Two Pagefind bundles (the Makefile's `site` runs the same two commands): the
# articles in pagefind/, the entity pages in pagefind-entities/. A search pays
# Pagefind's term lookup once per bundle it asks; looking a name up among a
# few hundred entity pages costs next to nothing, where asking the one big
# bundle twice (entities, then articles) paid the lookup over every page twice.
PAGEFIND_BUNDLES = (("articles/**/*.html", None), ("entities/**/*.html", "pagefind-entities"))

_state: dict[str, object] = {"command": "build", "names": {}, "pending": {}, "slices": 1}


def page_kind(url: str) -> str | None:
    """'article', 'entity' or None (not indexed) for a page URL like 'articles/a-1/'."""
    parts = [p for p in url.split("/") if p]
    if len(parts) == 2 and parts[0] == "articles":
        return "article"
    # An entity's page is entities/<type>/<id>/, its numbered pages entities/<type>/<id>/page/<n>/;
    # entities/<type>/page/<n>/ is a page of the type's index, a listing like entities/<type>/ itself.
    if parts[:1] == ["entities"] and (len(parts) == 3 or (len(parts) == 5 and parts[3] == "page")):
        return "entity"
    return None


def slice_count(articles: int) -> int:
    """How many slices `articles` pages are cut into (1 for a small archive: no sampling)."""
    return max(1, articles // SLICE_PAGES)


def page_slice(url: str, slices: int) -> int:
    """The slice of an article page: a hash of its URL, so it never depends on build order."""
    return zlib.crc32(url.encode("utf-8")) % slices


def html_text(fragment: str) -> str:
    return html.unescape(_TAG.sub(" ", fragment))


def matching_terms(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Cores of the words of `text` and of `extra` spellings that Pagefind would not index by itself.

    A core equal to a word already in the text is left out: Pagefind indexes
    the text. Order is first appearance, so the output is deterministic.
    """
    present = set(_RAW_WORD.findall(text.lower()))
    seen: dict[str, None] = {}
    for source in (text, *extra):
        for word in search_words(source):
            for form in (word, core(word)) if source is not text else (core(word),):
                if form not in present:
                    seen.setdefault(form, None)
    return list(seen)


def pagefind_commands(site: str | Path) -> list[list[str]]:
    """The Pagefind runs that index a built site: one per bundle of PAGEFIND_BUNDLES."""
    commands = []
    for glob, subdir in PAGEFIND_BUNDLES:
        cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", glob]
        commands.append([*cmd, *(["--output-subdir", subdir] if subdir else []), "--quiet"])
    return commands


def on_startup(command: str, **_: object) -> None:
    _state["command"] = command


def on_pre_build(config, **_: object) -> None:
    _state["names"] = {}
    _state["pending"] = {}


def on_files(files, config, **_: object):
    articles = sum(1 for f in files.documentation_pages() if page_kind(f.url) == "article")
    _state["slices"] = slice_count(articles)
    return files


def on_page_content(content: str, page, config, files, **_: object) -> str:
    kind = page_kind(page.url)
    if kind is None:
        return content
    meta = page.meta or {}
    names = tuple(str(n) for n in (meta.get("aliases") or ()) if n)
    if kind == "entity":  # and the spellings the page lists
        names += tuple(
            html.unescape(n).strip() for block in _ALIAS_ITEM.findall(content) for n in _ALIAS_NAME.findall(block)
        )
    title = str(meta.get("title") or page.title or "")
    text = html_text(content)
    if kind == "entity":
        _state["names"][page.url] = (title, *names)  # type: ignore[index]
    links = tuple(posixpath.normpath(posixpath.join(page.url, h)) + "/" for h in _ENTITY_HREF.findall(content))
    _state["pending"][page.url] = (text, names, links)  # type: ignore[index]
    filters = f'<span data-pagefind-filter="kind:{kind}" data-pagefind-meta="kind:{kind}"></span>'
    if kind == "article":
        filters += f'<span data-pagefind-filter="slice:{page_slice(page.url, _state["slices"])}"></span>'  # type: ignore[arg-type]
    if kind == "entity":
        spelled = " ".join(normalize(n) for n in (title, *names))
        filters += f'<span data-pagefind-meta="names:{html.escape(spelled)}"></span>'
    return f'<div class="archive-search-body" data-pagefind-body>{content}{filters}{PLACEHOLDER}</div>'


def on_post_page(output: str, page, config, **_: object) -> str:
    pending = _state["pending"].get(page.url)  # type: ignore[attr-defined]
    if pending is None or PLACEHOLDER not in output:
        return output
    text, names, links = pending
    extra = list(names)
    for target in links:  # every spelling of each entity the page links to
        extra.extend(_state["names"].get(target, ()))  # type: ignore[attr-defined]
    terms = " ".join([SEPARATOR, *matching_terms(text, tuple(extra))])
    span = f'<span data-pagefind-index-attrs="data-terms" data-terms="{html.escape(terms)}"></span>'
    return output.replace(PLACEHOLDER, span, 1)


def on_post_build(config, **_: object) -> None:
    if _state["command"] != "serve":
        return  # `make site` runs Pagefind itself, after `mkdocs build`
    for cmd in pagefind_commands(config["site_dir"]):
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            log.error("pagefind failed: %s", done.stderr.strip() or done.stdout.strip())
            return
    log.info("search index rebuilt with pagefind")
