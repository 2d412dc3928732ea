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

Pagefind's time for a query grows with the product of the pages that hold all
its words and the pages that hold any of them (its ranking loop scans every
matching page's postings for each result): about a second in Chromium for a
word found on 14,000 of 20,000 pages. So the articles are indexed twice: the
whole archive (`pagefind/`) and a fixed sample of about SAMPLE_PAGES of them
(`pagefind-sample/`, the articles of slice 0: a stable hash of the URL), and
the entity pages once (`pagefind-entities/`). The search box counts a query's
matches in the whole archive first (cheap: no ranking) and ranks the whole
archive only when that costs little; otherwise it ranks the sample, and says
so. Pages carry no Pagefind filters: Pagefind counts every loaded filter's
values against the results with a linear scan per page, which alone cost
more than the ranking. `mkdocs serve` also runs Pagefind (every bundle of
`pagefind_commands`) after each build, so search works there as on the
published site; `make site` runs `python -m builder.search_hook site`. The
last of `pagefind_commands` shortens the sleep Pagefind's scripts poll with
while they start (`quicken_start_up`).
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import subprocess
import sys
import threading
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from builder.normalize import core, normalize, words  # noqa: E402

log = logging.getLogger("mkdocs.search")
SEPARATOR = "⁂"
PLACEHOLDER = "<!--archive-search-terms-->"
_TAG = re.compile(r"<[^>]+>")
_RAW_WORD = re.compile(r"[\w\u0600-\u06FF]+")
# Entity pages list other spellings as <ul class="aliases"><li>NAME <span ...>(note)</span></li>.
_ALIAS_ITEM = re.compile(r'<ul class="aliases">(.*?)</ul>', re.S)
_ALIAS_NAME = re.compile(r"<li>([^<]+)")
_ENTITY_HREF = re.compile(r'href="([^"#?]*entities/[^"#?]+/)"')

# Articles in the sample a very common query is ranked over (slice 0 of
# len(articles) // SAMPLE_PAGES slices; the whole archive below 2 * SAMPLE_PAGES).
SAMPLE_PAGES = 1000
# The Pagefind bundles search.js asks, as (output subfolder, pages).
FULL_BUNDLE = "pagefind"
SAMPLE_BUNDLE = "pagefind-sample"
ENTITY_BUNDLE = "pagefind-entities"
# Article folder names are globbed literally into the sample's --glob.
_GLOB_SAFE = re.compile(r"[A-Za-z0-9_.-]+")

_state: dict[str, object] = {"command": "build", "names": {}, "pending": {}}


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
    """How many slices `articles` pages are cut into (1 for a small archive: the sample is all of it)."""
    return max(1, articles // SAMPLE_PAGES)


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
        for word in words(source):
            for form in (word, core(word)) if source is not text else (core(word),):
                if form not in present:
                    seen.setdefault(form, None)
    return list(seen)


def sample_folders(site: str | Path) -> list[str]:
    """The article folders of the sample bundle: slice 0 of the built site's articles, sorted."""
    folders = sorted(p.parent.name for p in Path(site).glob("articles/*/index.html"))
    slices = slice_count(len(folders))
    return [f for f in folders if page_slice(f"articles/{f}/", slices) == 0]


def pagefind_commands(site: str | Path) -> list[list[str]]:
    """The runs that make a built site's search: Pagefind on the whole archive, its sample and the
    entity pages, then `quicken_start_up` on what Pagefind wrote."""
    sample = sample_folders(site)
    unsafe = [f for f in sample if not _GLOB_SAFE.fullmatch(f)]
    if unsafe:
        raise ValueError(f"article folders a glob would misread: {unsafe[:3]}")
    runs = [("articles/**/*.html", FULL_BUNDLE), ("entities/**/*.html", ENTITY_BUNDLE)]
    if sample:
        runs.append(("articles/{" + ",".join(sample) + "}/index.html", SAMPLE_BUNDLE))
    base = [sys.executable, "-m", "pagefind", "--site", str(site)]
    pagefind = [[*base, "--glob", glob, "--output-subdir", subdir, "--quiet"] for glob, subdir in runs]
    return [*pagefind, [sys.executable, "-m", "builder.search_hook", QUICKEN, str(site)]]


# Pagefind 1.5.2's scripts wait for their WebAssembly and index metadata by
# polling every 50 ms (PagefindInstance.getPtr before every search, and
# Pagefind.mergeIndex before loading a merged bundle), with no promise to
# await instead. Before a tab's first search, that sleep sits twice on the way
# to the first result: the entity bundle waits for the sample's WebAssembly,
# the first search for the metadata (bench/search_comparison.md). Polling
# every 4 ms (the browsers' floor for a repeated timer) costs nothing
# measurable in a worker and ends the wait soon after Pagefind is ready. The scripts that run are
# patched (the worker, and pagefind.js, which runs the same code on the page
# where workers are unavailable); the expected count fails loudly on another
# Pagefind version instead of silently leaving the sleep in.
QUICKEN = "--quicken-start-up"
_POLL = "await asyncSleep(50);"
_POLL_QUICK = "await asyncSleep(4);"
_POLLS_PER_SCRIPT = 2
_PATCHED_SCRIPTS = ("pagefind.js", "pagefind-worker.js")


def quicken_start_up(site: str | Path) -> list[Path]:
    """Make every bundle's Pagefind scripts poll every 4 ms while starting; return the scripts.

    Idempotent: a script already patched is left as it is.
    """
    scripts = [
        path
        for bundle in (FULL_BUNDLE, SAMPLE_BUNDLE, ENTITY_BUNDLE)
        for name in _PATCHED_SCRIPTS
        if (path := Path(site) / bundle / name).is_file()
    ]
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        if text.count(_POLL) == _POLLS_PER_SCRIPT and _POLL_QUICK not in text:
            path.write_text(text.replace(_POLL, _POLL_QUICK), encoding="utf-8")
        elif text.count(_POLL_QUICK) != _POLLS_PER_SCRIPT or _POLL in text:
            raise RuntimeError(f"{path}: not Pagefind 1.5.2's start-up polling; check quicken_start_up")
    return scripts


def index_site(site: str | Path) -> None:
    """Run every command of `pagefind_commands` on a built site; raise on a failure."""
    for cmd in pagefind_commands(site):
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")


def on_startup(command: str, **_: object) -> None:
    _state["command"] = command


def on_pre_build(config, **_: object) -> None:
    _state["names"] = {}
    _state["pending"] = {}


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
    metas = f'<span data-pagefind-meta="kind:{kind}"></span>'
    if kind == "entity":  # every spelling, and the cores the search box sends (بكيسانغاني → يسانغاني)
        spellings = (title, *names)
        cores = (core(w) for n in spellings for w in words(n))
        spelled = " ".join(dict.fromkeys([*(normalize(n) for n in spellings), *cores]))
        metas += f'<span data-pagefind-meta="names:{html.escape(spelled)}"></span>'
    return f'<div class="archive-search-body" data-pagefind-body>{content}{metas}{PLACEHOLDER}</div>'


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
    # MkDocs executes this file afresh, as a module of its own, on every serve rebuild: the thread
    # and its lock live in the module imported once (as the build Session does, in builder.session).
    from builder import search_hook

    search_hook.index_behind(config["site_dir"])


# `mkdocs serve` holds every page request until its build returns, and
# indexing the whole site takes many seconds (16 s of CPU at 2,000 articles),
# far more than the rebuild itself: so the preview serves the changed page at
# once and the index catches up in a thread. Saves made while it runs are
# coalesced into one more run, so the index always ends up matching the last build.
_behind: dict[str, object] = {"thread": None, "again": None}
_behind_lock = threading.Lock()


def index_behind(site: str) -> threading.Thread:
    """Index `site` in a background thread, or once more after the run under way."""
    with _behind_lock:
        running = _behind["thread"]
        if isinstance(running, threading.Thread) and running.is_alive():
            _behind["again"] = site
            return running
        thread = threading.Thread(target=_index_until_current, args=(site,), name="pagefind", daemon=True)
        _behind["thread"] = thread
        thread.start()
        return thread


def _index_until_current(site: str) -> None:
    while True:
        try:
            index_site(site)
            log.info("search index rebuilt with pagefind")
        except (RuntimeError, ValueError, OSError) as err:
            log.error("%s", err)
        with _behind_lock:
            again = _behind["again"]
            _behind["again"] = None
            if again is None:
                _behind["thread"] = None
                return
            site = str(again)


if __name__ == "__main__":  # `make site`: python -m builder.search_hook SITE
    if sys.argv[1:2] == [QUICKEN]:  # the last of pagefind_commands
        quicken_start_up(sys.argv[2])
    else:
        index_site(sys.argv[1] if len(sys.argv) > 1 else "site")
