"""Search at archive scale: index size, bytes before the first result, time to it.

Builds a synthetic archive of N article pages (default 20,000): the shell of
a real built article page (so Material's CSS/JS and the search box are the
real ones), bodies from bench/generate.py's corpus (the seeds' vocabulary and
registry names plus invented ones), the five real seed articles among them,
each page prepared by builder/search_hook.py exactly as the site build does.
Pagefind indexes it; headless Chromium (Debian's) types queries into the real
search box and reports, per query, the search bytes fetched before the
first result was rendered (counted from the page's navigation, so whatever
the page loaded ahead of the reader counts too), the time from the last
keystroke to the first result drawn, and to the first article drawn (an
entity page may come first).

    python -m bench.search_bench --site site --articles 20000 [--repeat 3]
(`--site` must be a built site: `make site` first.)
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.generate import generate_seed
from builder.search_hook import PLACEHOLDER, SEPARATOR, matching_terms, pagefind_commands, quicken_start_up

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "search"
# The page text sits between the indexed region's start and the hook's meta spans, which stay.
BODY = re.compile(r'(<div class="archive-search-body" data-pagefind-body>)(.*?)(<span data-pagefind-meta="kind:)', re.S)
PAGEFIND_URL = re.compile(r"/pagefind(-[a-z]+)?/")
TERMS = re.compile(r'<span data-pagefind-index-attrs="data-terms" data-terms="[^"]*"></span>')


def synth_pages(site: Path, target: Path, n: int) -> int:
    """Copy the built site and add n synthetic article pages in the real page shell."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("pagefind*"))
    shell = next((site / "articles").glob("*/index.html")).read_text(encoding="utf-8")
    rng = random.Random(20000)
    assert BODY.search(shell), "the site was built without the search hook"
    made = 0
    while made < n:
        _, articles = generate_seed(rng, min(6, n - made))
        for art in articles:
            title = art.title or " ".join(art.paragraphs[0][:1])[:80]
            paras = [" ".join(p) for p in art.paragraphs]
            inner = f"<h1>{html.escape(title)}</h1>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
            text = " ".join([title, *paras])
            terms = html.escape(" ".join([SEPARATOR, *matching_terms(text)]))
            page = BODY.sub(lambda m, inner=inner: m.group(1) + inner + m.group(3), shell, count=1)
            page = TERMS.sub(f'<span data-pagefind-index-attrs="data-terms" data-terms="{terms}"></span>', page)
            out = target / f"articles/s-{made:06d}" / "index.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, encoding="utf-8")
            made += 1
    assert PLACEHOLDER not in shell
    return made


def index_bytes(site: Path) -> tuple[int, int]:
    """Bytes and files of every Pagefind bundle of `site`."""
    files = [p for p in site.glob("pagefind*/**/*") if p.is_file()]  # every bundle
    return sum(p.stat().st_size for p in files), len(files)


# Query kinds: what Pagefind's time depends on is how many pages hold every word.
QUERIES = {
    "names": ["القاعده", "باماكو", "الولايات المتحده", "أطباء بلا حدود", "موسي اغ اشاراتومان"],
    "rare words": ["كيسان", "جونقلي"],
    "very common words": ["الحكومه", "قال", "الرييس"],
}
TYPING_DELAY_MS = 150  # between keys: a quick typist
TIMEOUT_MS = 180_000  # a search slower than this fails the bench
PAUSE_MS = 1000  # between focusing the box and the first key

# In every tab, before any page script: the time of the last input event, of
# the first result item drawn after it and of the first article item (a
# MutationObserver on the list).
PROBE = """
window.__bench = {last: 0, first: null, article: null};
document.addEventListener('input', (e) => {
  if (e.target.matches('[data-archive-search-input]')) {
    __bench.last = performance.now(); __bench.first = null; __bench.article = null;
  }
}, true);
document.addEventListener('DOMContentLoaded', () => {
  const list = document.querySelector('[data-archive-search-results]');
  new MutationObserver(() => {
    if (!__bench.last) return;
    if (__bench.first === null && list.querySelector('li')) __bench.first = performance.now();
    if (__bench.article === null && list.querySelector('li[data-kind=article]')) __bench.article = performance.now();
  }).observe(list, {childList: true});
});
"""
SAVE_DATA = "Object.defineProperty(navigator, 'connection', {get: () => ({saveData: true})});"
PASTE = """(q) => { const box = document.querySelector('[data-archive-search-input]');
  box.focus(); box.value = q; box.dispatchEvent(new Event('input', {bubbles: true})); }"""
DONE = """(q) => { const f = document.querySelector('[data-archive-search-form]');
  return f.dataset.state === 'done' && f.dataset.query === q; }"""
TIMES = """() => ({origin: performance.timeOrigin, last: __bench.last, first: __bench.first,
  article: __bench.article, now: performance.now(),
  ranked: document.querySelector('[data-archive-search-form]').dataset.ranked,
  shown: document.querySelectorAll('[data-archive-search-results] li').length})"""


class Tab:
    """A fresh browser context and tab that records every Pagefind download with its end time."""

    def __init__(self, browser, base: str, save_data: bool = False) -> None:
        self.context = browser.new_context(service_workers="block")
        self.context.add_init_script(PROBE)
        if save_data:  # the reader's browser asks to save data: search.js loads nothing before intent
            self.context.add_init_script(SAVE_DATA)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.fetched: list[tuple[float, int]] = []  # (epoch ms the response ended, body bytes)
        self.page.on("requestfinished", self._finished)
        self.page.goto(f"{base}/articles/a-528e9c4a65/", wait_until="networkidle")

    def _finished(self, request) -> None:
        if PAGEFIND_URL.search(request.url):  # every bundle
            timing = request.timing
            self.fetched.append((timing["startTime"] + timing["responseEnd"], request.sizes()["responseBodySize"]))

    def result(self, q: str, since: int) -> dict:
        """Times of the search for `q` just entered; bytes fetched since fetched[since]."""
        self.page.wait_for_function(DONE, arg=q)
        t = self.page.evaluate(TIMES)
        first_epoch = t["origin"] + t["first"]
        mine = self.fetched[since:]
        return {
            "first_ms": round(t["first"] - t["last"]),
            "article_ms": round(t["article"] - t["last"]) if t["article"] is not None else None,
            "done_ms": round(t["now"] - t["last"]),  # an upper bound: polled
            "bytes_before_first": sum(b for end, b in mine if end <= first_epoch),
            "bytes": sum(b for _, b in mine),
            "files": len(mine),
            "shown": t["shown"],
            "ranked": t["ranked"],  # where search.js ranked the articles: whole, rarest, sample, none
        }

    def close(self) -> None:
        self.context.close()


MODES = ("cold", "fresh", "focused", "fresh focused", "fresh focus-paste", "warm")


def measure(site: Path) -> list[dict]:
    """Each query six ways: cold (pasted into a fresh tab once the page settled: the
    tab may have loaded Pagefind ahead, on idle), fresh (the same with Save-Data:
    nothing loaded before the query), focused (box focused, a pause, typed key by
    key), fresh focused (the same with Save-Data: focusing the box is what starts
    the loading), fresh focus-paste (Save-Data, box focused, a pause, the whole
    query pasted), warm (typed in a tab that already searched)."""
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, _Handler

    handler = functools.partial(_Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        warm = Tab(browser, base)
        warm.page.locator("[data-archive-search-input]").click()
        warm.page.keyboard.type("مالي", delay=TYPING_DELAY_MS)
        warm.result("مالي", 0)
        for kind, queries in QUERIES.items():
            for q in queries:
                row = {"kind": kind, "query": q}
                for mode in ("cold", "fresh"):  # the whole query at once, as soon as the page settled
                    tab = Tab(browser, base, save_data=mode == "fresh")
                    tab.page.evaluate(PASTE, q)
                    row[mode] = tab.result(q, 0)  # bytes since navigation
                    tab.close()
                for mode in ("focused", "fresh focused", "fresh focus-paste"):  # the box gets focus, a pause
                    tab = Tab(browser, base, save_data=mode.startswith("fresh"))
                    tab.page.locator("[data-archive-search-input]").click()
                    tab.page.wait_for_timeout(PAUSE_MS)
                    intent = sum(b for _, b in tab.fetched)  # what focusing the box loaded
                    if mode.endswith("paste"):
                        tab.page.evaluate(PASTE, q)
                    else:
                        tab.page.keyboard.type(q, delay=TYPING_DELAY_MS)
                    row[mode] = tab.result(q, 0) | {"bytes_by_first_key": intent}
                    tab.close()
                box = warm.page.locator("[data-archive-search-input]")  # warm: a later search
                box.fill("")
                since = len(warm.fetched)
                box.type(q, delay=TYPING_DELAY_MS)
                row["warm"] = warm.result(q, since)
                rows.append(row)
                print(
                    f"  {kind:<18} {q:<20} {row['warm']['ranked']:<7}"
                    + "  ".join(
                        f"{mode} {row[mode]['first_ms']:5} ms (article {row[mode]['article_ms']}) "
                        f"{row[mode]['bytes_before_first'] / 1e3:4.0f} kB"
                        for mode in MODES
                    )
                    + f"  focus alone under Save-Data {row['fresh focused']['bytes_by_first_key'] / 1e3:.0f} kB",
                    flush=True,
                )
        warm.close()
        browser.close()
    server.shutdown()
    return rows


def summary(rows: list[dict]) -> list[str]:
    """Per query kind and mode: median and worst time to the first result, to the first article, and bytes."""
    lines = []
    for kind in QUERIES:
        mine = [r for r in rows if r["kind"] == kind]
        for mode in MODES:
            ms = [r[mode]["first_ms"] for r in mine]
            art = [r[mode]["article_ms"] for r in mine if r[mode]["article_ms"] is not None]
            kb = [r[mode]["bytes_before_first"] / 1e3 for r in mine]
            cells = [
                f"first {statistics.median(ms):.0f} (worst {max(ms)}) ms",
                f"first article {statistics.median(art):.0f} (worst {max(art)}) ms" if art else "no article",
                f"{statistics.median(kb):.0f} (worst {max(kb):.0f}) kB",
            ]
            if mode.startswith("fresh focus"):
                by_key = [r[mode]["bytes_by_first_key"] / 1e3 for r in mine]
                cells.append(f"{statistics.median(by_key):.0f} (worst {max(by_key):.0f}) kB loaded on focus")
            lines.append(f"  {kind:<18} {mode:<17} " + "; ".join(cells))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep bench/out/search/site and its index; copy only the search scripts"
    )
    parser.add_argument(
        "--reindex", action="store_true", help="with --reuse: run Pagefind again (its bundles changed), keep the pages"
    )
    parser.add_argument("--repeat", type=int, default=1, help="measure every query this many times")
    args = parser.parse_args(argv)
    target = OUT / "site"
    t_gen = t_index = 0.0
    if args.reuse:
        for script in (args.site / "assets" / "javascripts").glob("search*.js"):
            shutil.copy(script, target / "assets" / "javascripts" / script.name)
        made = len(list((target / "articles").glob("s-*")))
        quicken_start_up(target)  # bundles made before it was one of pagefind_commands
        if args.reindex:
            for bundle in target.glob("pagefind*/"):
                shutil.rmtree(bundle)
            t = time.perf_counter()
            for cmd in pagefind_commands(target):
                subprocess.run(cmd, check=True, cwd=ROOT)
            t_index = time.perf_counter() - t
    else:
        t = time.perf_counter()
        made = synth_pages(args.site, target, args.articles)
        t_gen = time.perf_counter() - t
        t = time.perf_counter()
        for cmd in pagefind_commands(target):
            subprocess.run(cmd, check=True, cwd=ROOT)
        t_index = time.perf_counter() - t
    size, files = index_bytes(target)
    load = [os.getloadavg()[0]]  # a loaded machine slows every mode: say how loaded
    rows = []
    for _ in range(args.repeat):
        rows += measure(target)
        load.append(os.getloadavg()[0])
    report = {
        "articles": made + 5,
        "reused_index": args.reuse,
        "generate_s": round(t_gen, 1),
        "pagefind_s": round(t_index, 1),
        "index_bytes": size,
        "index_files": files,
        "load_average_1min": [round(x, 2) for x in load],  # before, and after each run
        "queries": rows,
    }
    (OUT / "result.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"search: {made + 5} pages, pagefind {t_index:.1f} s, index {size / 1e6:.1f} MB in {files} files")
    print("ms from the last keystroke to the first result and first article drawn, and search bytes")
    print(f"fetched before the first result (since navigation in cold and focused tabs); {args.repeat} run(s):")
    print("\n".join(summary(rows)))
    print(f"  1-minute load average before and after each run: {', '.join(f'{x:.1f}' for x in load)}")
    print("  (targets: < 300 ms, < 2000 kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
