"""Material's built-in (lunr) search beside the archive's Pagefind search, measured the same way.

The issue asks for the engine to be chosen by measurement. This builds the
same pages with mkdocs-material's own `search` plugin and Material's stock
templates (no custom_dir: its own base.html, header.html and search box; no
builder/search_hook.py), then, in Debian's headless Chromium:

1. types every query of tests/search_queries.yml into Material's real search
   box on the seed pages (docs/, as `make site` built them) and scores it with
   tests/browser/test_search.py's rules (hit rate), for each lunr
   configuration in CONFIGS;
2. builds one synthetic archive of `--articles` articles (bench/generate.py
   plus the five real seed articles, through the real builder) twice: with
   the real configuration and Pagefind (bench/search_bench.py's index), and
   with Material's search plugin; then times the queries of
   bench/search_bench.py on both, the same three ways: cold (pasted as the
   page loads), focused (box focused, a pause, typed key by key), warm (typed
   in a tab that already searched). Reported per query: time from the last
   keystroke to the first result drawn *for that query*, and the search bytes
   downloaded (index files, workers, WebAssembly) before it.

Why Material's box seemed deaf here before: Material reads the query on
`keyup` (and focus), not on `input`. Playwright types a character that is not
on the US keyboard layout with `insertText`, which fires `input` only, so no
Arabic query ever reached Material's worker. A real Arabic keyboard sends a
keyup per key; so does `type_keys` here. Material's stock templates also run
inline scripts, which the archive's CSP (netlify.toml) forbids, so the lunr
variant is served without the Netlify headers.

    python -m bench.search_lunr --articles 3000

Work files: bench/out/lunr/. Not part of `make test` (it takes minutes).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.generate import generate_corpus
from bench.site import _real_hooks, build_site

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "lunr"
SEPARATOR = r"[\s\-«»()،؛.؟!:\"'/\[\]]+"
# The lunr configurations tried. Material's `language: ar` defaults are lang
# `en`, separator `[\s\-]+` and the pipeline " " (its Arabic translation).
# Material's worker removes from lunr's pipeline every function NOT listed in
# `pipeline`, so " " removes trimmer, stop words and stemmer, also those of
# lunr-languages' Arabic when lang is `ar`: lang `ar` alone changes nothing;
# its stemmer runs only with `pipeline: [stemmer, ...]`. English's trimmer
# strips non-\w characters, i.e. every Arabic letter.
FULL = ["stemmer", "stopWordFilter", "trimmer"]
CONFIGS = {
    "default": {},
    "separator": {"separator": SEPARATOR},
    "separator+ar": {"separator": SEPARATOR, "lang": "ar"},
    "separator+ar+pipeline": {"separator": SEPARATOR, "lang": "ar", "pipeline": FULL},
    "separator+ar+stemmer": {"separator": SEPARATOR, "lang": "ar", "pipeline": ["stemmer"]},
    "separator+en+pipeline": {"separator": SEPARATOR, "pipeline": FULL},
    "separator+en+trimmer": {"separator": SEPARATOR, "pipeline": ["trimmer"]},
}
INPUT = "input[data-md-component=search-query]"
LIST = "[data-md-component=search-result] .md-search-result__list"
RESULTS = f"{LIST} > li > a"
TYPING_DELAY_MS = 150  # as bench/search_bench.py
LUNR_QUERIES = 2  # per kind of bench/search_bench.py's QUERIES
PAUSE_MS = 1000

# In every tab before any page script: Material's messages to and from its
# search worker (the query posted last, answers counted), the last input
# event, and when Material drew its answer to the last query (results or "no
# results": lunr finds nothing for some spellings, which is measured too).
PROBE = """
window.__bench = {last: 0, first: null, shown: 0, posted: 0, answered: 0, query: null};
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(url, options) {
    super(url, options);
    this.addEventListener('message', (m) => { if (m.data && m.data.type === 3) __bench.answered += 1; });
  }
  postMessage(data, transfer) {
    if (data && data.type === 2) { __bench.posted += 1; __bench.query = data.data; }
    return super.postMessage(data, transfer);
  }
};
document.addEventListener('input', (e) => {
  if (e.target.matches('[data-md-component=search-query]')) { __bench.last = performance.now(); __bench.first = null; }
}, true);
new MutationObserver(() => {
  // Material draws each answer (its count line, its list) in the worker's message handler.
  const b = __bench, box = document.querySelector('[data-md-component=search-query]');
  if (b.first === null && b.last && b.posted && b.answered >= b.posted && box && b.query === box.value) {
    b.first = performance.now();
    b.shown = document.querySelectorAll('[data-md-component=search-result] .md-search-result__list > li').length;
  }
}).observe(document, {childList: true, subtree: true});
"""
KEYUP = "(box) => box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}))"
ANSWERED = "(q) => __bench.query === q && __bench.answered >= __bench.posted"
PASTE = """(q) => { const box = document.querySelector('input[data-md-component=search-query]');
  box.focus(); box.value = q; box.dispatchEvent(new Event('input', {bubbles: true}));
  box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true})); }"""
TIMES = "() => ({origin: performance.timeOrigin, last: __bench.last, first: __bench.first, shown: __bench.shown})"


def type_keys(page, text: str, delay_ms: int = 0) -> None:
    """Type `text` as an Arabic keyboard does: each key inserts its letter (input) and is released (keyup)."""
    box = page.locator(INPUT)
    for ch in text:
        page.keyboard.insert_text(ch)
        box.evaluate(KEYUP)
        if delay_ms:
            page.wait_for_timeout(delay_ms)


def stock_templates(work: Path) -> Path:
    """An empty custom_dir: Material's own templates, as a site without overrides has them."""
    empty = work / "no-overrides"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(parents=True)
    return empty


def build(docs: Path, site: Path, work: Path, search: dict) -> float:
    """`mkdocs build` of `docs` with Material's stock templates and search plugin configured as `search`; seconds."""
    hooks = [str(ROOT / h) for h in _real_hooks() if not h.endswith(("mkdocs_hook.py", "search_hook.py"))]
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(docs),
        "site_dir": str(site),
        "theme": {"name": "material", "custom_dir": str(stock_templates(work))},
        "hooks": hooks,
        "plugins": [{"search": search}],
        "strict": False,
    }
    path = work / "mkdocs-lunr.yml"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    t = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--quiet", "-f", str(path)],
        cwd=ROOT,
        check=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    return time.perf_counter() - t


def serve(site: Path):
    """`site` over HTTP on 127.0.0.1 with the right types and no Netlify headers (Material's inline scripts)."""
    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import MIME_TYPES

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}  # noqa: RUF012

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def launch(pw):
    from tests.browser.conftest import CHROMIUM_ARGS

    return pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)


def results(page, q: str) -> list[str]:
    """Type q into Material's box; the result page paths, best first, once the worker has answered q."""
    box = page.locator(INPUT)
    box.fill("")
    box.evaluate(KEYUP)
    page.wait_for_function(ANSWERED, arg="")
    type_keys(page, q)
    page.wait_for_function(ANSWERED, arg=q)
    page.wait_for_timeout(50)  # Material draws the answer in the message handler; let the DOM settle
    paths: list[str] = []
    for href in page.eval_on_selector_all(RESULTS, "links => links.map(a => a.href)"):
        path = urlsplit(href).path.removeprefix("/")
        if path not in paths:
            paths.append(path)
    return paths


def hit_rate(site: Path) -> tuple[float, list[str]]:
    """tests/search_queries.yml typed into Material's search box; the rules of tests/browser/test_search.py."""
    from playwright.sync_api import sync_playwright

    from tests.browser.test_search import judge, load_queries

    server, base = serve(site)
    queries = load_queries()
    misses = []
    with sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context()
        context.add_init_script(PROBE)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{base}/articles/a-528e9c4a65/", wait_until="networkidle")
        page.locator(INPUT).click()
        for query in queries:
            paths = results(page, query["q"])
            if not judge(query, paths):
                want = "nothing" if query.get("none") else query.get("first") or query.get("top3")
                misses.append(f"{query['q']}: wanted {want}, got {paths[:3]}")
        browser.close()
    server.shutdown()
    return 1 - len(misses) / len(queries), misses


class LunrTab:
    """A fresh context and tab on the lunr site recording every search download (index, worker) with its end."""

    def __init__(self, browser, base: str, wait_until: str) -> None:
        self.context = browser.new_context(service_workers="block")
        self.context.add_init_script(PROBE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(300_000)
        self.fetched: list[tuple[float, int]] = []
        self.page.on("requestfinished", self._finished)
        self.page.goto(f"{base}/articles/a-528e9c4a65/", wait_until=wait_until)

    def _finished(self, request) -> None:
        path = urlsplit(request.url).path
        if path.startswith(("/search/", "/assets/javascripts/workers/", "/assets/javascripts/lunr/")):
            timing = request.timing
            self.fetched.append((timing["startTime"] + timing["responseEnd"], request.sizes()["responseBodySize"]))

    def result(self, q: str) -> dict:
        self.page.wait_for_function(ANSWERED, arg=q)
        self.page.wait_for_function("() => __bench.first !== null")
        t = self.page.evaluate(TIMES)
        first_epoch = t["origin"] + t["first"]
        return {
            "first_ms": round(t["first"] - t["last"]),  # to the answer drawn (see "shown")
            "shown": t["shown"],
            "page_to_first_ms": round(t["first"]),
            # Material fetches its whole index when the page loads: count from navigation.
            "bytes_before_first": sum(b for end, b in self.fetched if end <= first_epoch),
        }

    def close(self) -> None:
        self.context.close()


def timing_lunr(site: Path, queries: dict[str, list[str]]) -> list[dict]:
    """bench/search_bench.py's three modes, on Material's box."""
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    rows = []
    with sync_playwright() as pw:
        browser = launch(pw)
        warm = LunrTab(browser, base, "networkidle")
        warm.page.locator(INPUT).click()
        type_keys(warm.page, "مالي", TYPING_DELAY_MS)
        warm.result("مالي")
        for kind, qs in queries.items():
            for q in qs:
                row: dict = {"kind": kind, "query": q}
                tab = LunrTab(browser, base, "load")  # cold: pasted as soon as the page has loaded
                tab.page.evaluate(PASTE, q)
                row["cold"] = tab.result(q)
                tab.close()
                tab = LunrTab(browser, base, "networkidle")  # focused: box focused, a pause, typed
                tab.page.locator(INPUT).click()
                tab.page.wait_for_timeout(PAUSE_MS)
                type_keys(tab.page, q, TYPING_DELAY_MS)
                row["focused"] = tab.result(q)
                tab.close()
                box = warm.page.locator(INPUT)  # warm: a later search in the same tab
                box.fill("")
                box.evaluate(KEYUP)
                warm.page.wait_for_function(ANSWERED, arg="")
                type_keys(warm.page, q, TYPING_DELAY_MS)
                row["warm"] = warm.result(q)
                rows.append(row)
                print(
                    f"  lunr {kind:<18} {q:<20} "
                    + "  ".join(
                        f"{m} {row[m]['first_ms']:6} ms {row[m]['bytes_before_first'] / 1e6:5.1f} MB"
                        f" {row[m]['shown']} shown"
                        for m in ("cold", "focused", "warm")
                    ),
                    flush=True,
                )
        warm.close()
        browser.close()
    server.shutdown()
    return rows


def ranges(rows: list[dict], queries: dict[str, list[str]]) -> dict:
    """Per kind and mode: [min, max] of ms to the first result and of kB before it."""
    out: dict = {}
    for kind in queries:
        mine = [r for r in rows if r["kind"] == kind]
        out[kind] = {
            mode: {
                "ms": [min(r[mode]["first_ms"] for r in mine), max(r[mode]["first_ms"] for r in mine)],
                "kB": [
                    round(min(r[mode]["bytes_before_first"] for r in mine) / 1e3),
                    round(max(r[mode]["bytes_before_first"] for r in mine) / 1e3),
                ],
            }
            for mode in ("cold", "focused", "warm")
        }
    return out


def scale(articles: int, report: dict, best: str, reuse: bool, engines: tuple[str, ...]) -> None:
    """One synthetic archive, built both ways, timed both ways.

    With `reuse`, the archive of a previous run is kept: the search scripts of
    docs/ are copied in and Pagefind runs again (its bundles may have changed).
    """
    from bench.search_bench import QUERIES, index_bytes, measure, pagefind_commands

    seeds, work = OUT / "seeds", OUT / f"archive-{articles}"
    lunr_site = work / "site-lunr"
    scale = report.setdefault("scale", {})
    if not reuse:
        generate_corpus(seeds, articles)
        for real in sorted((ROOT / "seeds").glob("*.txt")):  # the five real articles: timing page, names
            shutil.copy(real, seeds / f"real_{real.name}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        t = time.perf_counter()
        built, rendered = build_site(seeds, work, strict=False)
        assert built.returncode == 0 and rendered is not None and rendered.returncode == 0, (built.stderr, rendered)
        scale["builder_mkdocs_s"] = round(time.perf_counter() - t, 1)
        scale["lunr_mkdocs_s"] = round(build(work / "docs", lunr_site, work, CONFIGS[best]), 1)
    else:
        for script in (ROOT / "docs" / "assets" / "javascripts").glob("search*.js"):
            shutil.copy(script, work / "site" / "assets" / "javascripts" / script.name)
        for bundle in (work / "site").glob("pagefind*/"):
            shutil.rmtree(bundle)
    t = time.perf_counter()
    for cmd in pagefind_commands(work / "site"):
        subprocess.run(cmd, cwd=ROOT, check=True)
    scale["pagefind_s"] = round(time.perf_counter() - t, 1)
    scale["articles"] = len(list((work / "docs" / "articles").glob("*.md")))
    index = (lunr_site / "search" / "search_index.json").read_bytes()
    pf_size, pf_files = index_bytes(work / "site")
    print(
        f"{scale['articles']} articles: lunr ({best}) search_index.json {len(index) / 1e6:.1f} MB "
        f"(gzip -6 {len(gzip.compress(index, 6)) / 1e6:.1f} MB); Pagefind {pf_size / 1e6:.1f} MB in {pf_files} files",
        flush=True,
    )
    if "lunr" in engines:  # every fresh tab parses the whole index: the first LUNR_QUERIES of each kind
        rows = timing_lunr(lunr_site, {kind: qs[:LUNR_QUERIES] for kind, qs in QUERIES.items()})
        scale["lunr"] = {
            "config": best,
            "index_bytes": len(index),
            "index_gzip6_bytes": len(gzip.compress(index, 6)),
            "summary": ranges(rows, QUERIES),
            "queries": rows,
        }
    if "pagefind" in engines:
        rows = measure(work / "site")
        scale["pagefind"] = {
            "index_bytes": pf_size,
            "index_files": pf_files,
            "summary": ranges(rows, QUERIES),
            "queries": rows,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--config", choices=sorted(CONFIGS), help="skip the hit-rate runs; use this configuration")
    parser.add_argument("--only", nargs="+", choices=sorted(CONFIGS), help="hit rates of these configurations only")
    parser.add_argument("--no-scale", action="store_true", help="only the hit rates on the seed pages")
    parser.add_argument("--reuse", action="store_true", help="keep the archive of the last run (see scale())")
    parser.add_argument("--engines", nargs="+", choices=["lunr", "pagefind"], default=["lunr", "pagefind"])
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    result = OUT / "result.json"
    report: dict = json.loads(result.read_text(encoding="utf-8")) if result.exists() else {}
    report.setdefault("configs", {})
    if args.config:
        best = args.config
    else:
        for name, search in CONFIGS.items():  # the real seed pages (docs/, as `make site` built them)
            if args.only and name not in args.only:
                continue
            site = OUT / f"seeds-{name}"
            build(ROOT / "docs", site, OUT, search)
            rate, misses = hit_rate(site)
            size = (site / "search" / "search_index.json").stat().st_size
            report["configs"][name] = {"search": search, "hit_rate": rate, "misses": misses, "index_bytes": size}
            print(f"lunr {name}: hit rate {rate:.1%} on the seed pages, index {size / 1e3:.0f} kB", flush=True)
            (OUT / "result.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        best = max(report["configs"], key=lambda n: report["configs"][n]["hit_rate"])
    if not args.no_scale:
        scale(args.articles, report, best, args.reuse, tuple(args.engines))
    (OUT / "result.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
