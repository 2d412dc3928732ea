"""Material's built-in (lunr) search, measured the way the archive's search is.

The issue asks for the engine to be chosen by measurement. This builds the
same pages with mkdocs-material's own search plugin instead of Pagefind
(Material's header and search box: the archive's overrides of them are left
out, and so is builder/search_hook.py), then, in Debian's headless Chromium:

1. types every query of tests/search_queries.yml into Material's real search
   box on the five seed articles and scores it with tests/browser/test_search.py's
   rules (hit rate), for each lunr configuration in CONFIGS;
2. builds a synthetic archive of `--articles` articles (bench/generate.py,
   through the real builder) with the best configuration and reports the
   index size, the bytes the browser downloads before the first result, and
   the time from the keystroke to the first result drawn: pasted as soon as
   the page has loaded (cold), and typed key by key into a page that has been
   open for a while (warm, the index already parsed).

    python -m bench.search_lunr --articles 3000

Work files: bench/out/lunr/. Not part of `make test` (it takes minutes).
"""

from __future__ import annotations

import argparse
import functools
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
from bench.site import _real_hooks, hand_written_docs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "lunr"
SEPARATOR = r"[\s\-«»()،؛.؟!:\"'/\[\]]+"
# The lunr configurations tried: Material's defaults for `language: ar`, and
# the tuned separator (splits at «» () and Arabic punctuation) with and
# without lunr's Arabic support (lunr-languages' stemmer and stop words).
CONFIGS = {
    "default": {},
    "separator": {"separator": SEPARATOR},
    "separator+ar": {"separator": SEPARATOR, "lang": "ar"},
}
INPUT = "input[data-md-component=search-query]"
RESULTS = "[data-md-component=search-result] .md-search-result__list > li > a"
META = "[data-md-component=search-result] .md-search-result__meta"
TYPING_DELAY_MS = 150


def overrides(target: Path) -> Path:
    """templates/overrides without the archive's search box (Material's own header and search partials)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "templates" / "overrides", target)
    for name in ("search.html", "header.html"):
        (target / "partials" / name).unlink()
    return target


def build(docs: Path, site: Path, work: Path, search: dict) -> float:
    """`mkdocs build` of `docs` with Material's search plugin configured as `search`; returns seconds."""
    hooks = [str(ROOT / h) for h in _real_hooks() if not h.endswith(("mkdocs_hook.py", "search_hook.py"))]
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(docs),
        "site_dir": str(site),
        "theme": {"name": "material", "custom_dir": str(overrides(work / "overrides"))},
        "hooks": hooks,
        "plugins": [{"search": search}],
        "strict": False,
    }
    path = work / "mkdocs.yml"
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
    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import _Handler

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def launch(pw):
    from tests.browser.conftest import CHROMIUM_ARGS

    return pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)


# In the tab before any page script: the last input time and the first result drawn after it.
PROBE = """
window.__bench = {last: 0, first: null};
document.addEventListener('input', (e) => {
  if (e.target.matches('[data-md-component=search-query]')) { __bench.last = performance.now(); __bench.first = null; }
}, true);
new MutationObserver(() => {
  if (__bench.first === null && __bench.last
      && document.querySelector('[data-md-component=search-result] .md-search-result__list > li'))
    __bench.first = performance.now();
}).observe(document, {childList: true, subtree: true});
"""


def results(page, q: str) -> list[str]:
    """Type q into Material's box; the result page paths, best first, once Material has answered."""
    box = page.locator(INPUT)
    box.fill("")
    page.wait_for_timeout(50)
    box.press_sequentially(q)
    # Material answers every keystroke; wait until the list has been quiet a while.
    page.wait_for_function(
        "() => document.querySelector('[data-md-component=search-result] .md-search-result__meta')"
        ".textContent.trim() !== ''"
    )
    page.wait_for_timeout(400)
    root = "/"
    paths: list[str] = []
    for href in page.eval_on_selector_all(RESULTS, "links => links.map(a => a.href)"):
        path = urlsplit(href).path.removeprefix(root)
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
        page = browser.new_page()
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


def timing(site: Path, queries: list[str]) -> list[dict]:
    """Per query: cold (pasted right after the load event) and warm (typed after the index is parsed)."""
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    rows = []
    with sync_playwright() as pw:
        browser = launch(pw)
        for q in queries:
            row: dict = {"query": q}
            for mode in ("cold", "warm"):
                context = browser.new_context(service_workers="block")
                context.add_init_script(PROBE)
                page = context.new_page()
                page.set_default_timeout(180_000)
                fetched: list[tuple[float, int]] = []
                page.on(
                    "requestfinished",
                    lambda r, fetched=fetched: fetched.append(
                        (r.timing["startTime"] + r.timing["responseEnd"], r.sizes()["responseBodySize"])
                    ),
                )
                t0 = time.perf_counter()
                page.goto(f"{base}/articles/a-528e9c4a65/", wait_until="load")
                page.locator(INPUT).click()
                box = page.locator(INPUT)
                if mode == "cold":
                    box.fill(q)
                else:  # wait until Material's worker has the index (a query answers), then type
                    box.fill("مالي")
                    page.wait_for_function(
                        "() => document.querySelector('[data-md-component=search-result] .md-search-result__list > li')"
                    )
                    box.fill("")
                    box.press_sequentially(q, delay=TYPING_DELAY_MS)
                page.wait_for_function("() => window.__bench.first !== null")
                t = page.evaluate("() => ({origin: performance.timeOrigin, last: __bench.last, first: __bench.first})")
                first_epoch = t["origin"] + t["first"]
                index = [b for end, b in fetched if end <= first_epoch]
                row[mode] = {
                    "first_ms": round(t["first"] - t["last"]),
                    "page_to_first_ms": round(t["first"]),  # from navigation start
                    "bytes_before_first": sum(index),
                    "wall_s": round(time.perf_counter() - t0, 1),
                }
                context.close()
            rows.append(row)
            print(
                f"  {q:<20} cold {row['cold']['first_ms']:6} ms after the keystroke "
                f"({row['cold']['page_to_first_ms']} ms after navigation), "
                f"{row['cold']['bytes_before_first'] / 1e6:5.1f} MB before it; warm {row['warm']['first_ms']} ms",
                flush=True,
            )
        browser.close()
    server.shutdown()
    return rows


def main(argv: list[str] | None = None) -> int:
    from bench.search_bench import QUERIES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--config", choices=sorted(CONFIGS), help="skip the hit-rate runs; use this configuration")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict = {"configs": {}}
    if args.config:
        best = args.config
    else:
        for name, search in CONFIGS.items():  # the real seed pages (docs/, as `make site` built them)
            site = OUT / f"seeds-{name}"
            build(ROOT / "docs", site, OUT, search)
            rate, misses = hit_rate(site)
            size = (site / "search" / "search_index.json").stat().st_size
            report["configs"][name] = {"search": search, "hit_rate": rate, "misses": misses, "index_bytes": size}
            print(f"lunr {name}: hit rate {rate:.1%} on the seed pages, index {size / 1e3:.0f} kB", flush=True)
        best = max(CONFIGS, key=lambda n: report["configs"][n]["hit_rate"])
    seeds, docs, site = OUT / "seeds", OUT / "docs", OUT / f"site-{args.articles}"
    generate_corpus(seeds, args.articles)
    hand_written_docs(docs)
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--docs", str(docs), "--no-cache"]
    subprocess.run([*cmd, "--annotations", str(OUT / "no-annotations")], cwd=ROOT, check=True, capture_output=True)
    pages = len(list((docs / "articles").glob("*.md")))
    seconds = build(docs, site, OUT, CONFIGS[best])
    size = (site / "search" / "search_index.json").stat().st_size
    print(f"lunr {best}: {pages} article pages, mkdocs build {seconds:.0f} s, search_index.json {size / 1e6:.1f} MB")
    queries = [q for qs in QUERIES.values() for q in qs]
    report["scale"] = {
        "config": best,
        "articles": pages,
        "build_s": round(seconds, 1),
        "index_bytes": size,
        "queries": timing(site, queries),
    }
    (OUT / "result.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
