"""Search at archive scale: index size, bytes before the first result, time to it.

Builds a synthetic archive of N article pages (default 20,000): the shell of
a real built article page (so Material's CSS/JS and the search box are the
real ones), bodies from bench/generate.py's corpus (the seeds' vocabulary and
registry names plus invented ones), the five real seed articles among them,
each page prepared by builder/search_hook.py exactly as the site build does.
Pagefind indexes it; headless Chromium (Debian's) types queries into the real
search box and reports, per query, the bytes of index fetched before the
first result was rendered and the time from the last keystroke to it.

    python -m bench.search_bench --site site --articles 20000
(`--site` must be a built site: `make site` first.)
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.generate import generate_seed
from builder.search_hook import PLACEHOLDER, SEPARATOR, matching_terms

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "search"
QUERIES = ["القاعده", "باماكو", "الولايات المتحده", "أطباء بلا حدود", "موسي اغ اشاراتومان", "كيسان", "الحكومه"]
BODY = re.compile(r'(<div class="archive-search-body" data-pagefind-body>)(.*?)(<span data-pagefind-index-attrs)', re.S)
TERMS = re.compile(r'<span data-pagefind-index-attrs="data-terms" data-terms="[^"]*"></span>')


def synth_pages(site: Path, target: Path, n: int) -> int:
    """Copy the built site and add n synthetic article pages in the real page shell."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("pagefind"))
    shell = next((site / "articles").glob("*/index.html")).read_text(encoding="utf-8")
    rng = random.Random(20000)
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
            out = target / "articles" / f"s-{made:06d}" / "index.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, encoding="utf-8")
            made += 1
    assert PLACEHOLDER not in shell
    return made


def index_bytes(site: Path) -> tuple[int, int]:
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


MEASURE = """async (q) => {
  const box = document.querySelector('[data-archive-search-input]');
  const form = document.querySelector('[data-archive-search-form]');
  box.focus(); box.value = q;
  const t0 = performance.now();
  box.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise((resolve) => { const check = () => (form.dataset.state === 'done' && form.dataset.query === q)
      ? resolve() : requestAnimationFrame(check); check(); });
  const ms = performance.now() - t0;
  return {ms, results: document.querySelectorAll('[data-archive-search-results] li').length};
}"""


def measure(site: Path) -> list[dict]:
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
        for q in QUERIES:  # each query in a fresh tab: a cold first search, nothing cached
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/articles/a-528e9c4a65/", wait_until="networkidle")
            sizes: list[int] = []  # Pagefind fetches from a worker: count at the network level
            page.on(
                "requestfinished",
                lambda r, sizes=sizes: "/pagefind/" in r.url and sizes.append(r.sizes()["responseBodySize"]),
            )
            row = page.evaluate(MEASURE, q)
            row["bytes"], row["files"] = sum(sizes), len(sizes)
            rows.append({"query": q, **row})
            context.close()
        browser.close()
    server.shutdown()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--articles", type=int, default=20000)
    args = parser.parse_args(argv)
    target = OUT / "site"
    t = time.perf_counter()
    made = synth_pages(args.site, target, args.articles)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(target), "--quiet"], check=True, cwd=ROOT)
    t_index = time.perf_counter() - t
    size, files = index_bytes(target)
    rows = measure(target)
    report = {
        "articles": made + 5,
        "generate_s": round(t_gen, 1),
        "pagefind_s": round(t_index, 1),
        "index_bytes": size,
        "index_files": files,
        "queries": rows,
    }
    (OUT / "result.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"search: {made + 5} pages, pagefind {t_index:.1f} s, index {size / 1e6:.1f} MB in {files} files")
    for r in rows:
        flag = "" if r["ms"] < 300 and r["bytes"] < 2e6 else "  OVER TARGET"
        print(
            f"  {r['query']:<22} {r['ms']:6.0f} ms  {r['bytes'] / 1e3:7.0f} kB  {r['files']:3} files  "
            f"{r['results']:2} shown{flag}"
        )
    worst = max(rows, key=lambda r: r["ms"])
    print(
        f"  worst: {worst['ms']:.0f} ms, most bytes: {max(r['bytes'] for r in rows) / 1e3:.0f} kB "
        "(targets: < 300 ms, < 2000 kB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
