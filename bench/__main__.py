"""`make bench`: the builder at archive scale, beside MkDocs and Hugo on the same machine.

For each size N (BENCH_SIZES, default 1000,5000,20000 articles; sizes listed
in BENCH_BUILDER_ONLY get only the single-process builder run) it generates a
synthetic corpus in the real dumps' shape (`bench.generate`), then measures,
each in a fresh child process timed by GNU time (wall, CPU, peak RSS):

- the builder, cold (no cache), single process (`--jobs 1`) and on every core;
- the whole `make site` on that corpus: builder (cold), `mkdocs build` with
  the real configuration (without `--strict`), Pagefind's three bundles;
- a rebuild with warm caches and nothing changed (what the MkDocs hook of
  `make serve` costs on every save);
- rebuilds after changing one seed and one annotation, with how many seeds
  were re-extracted and how many pages rewritten (read from the builder's
  summary line), each in a fresh process;
- the same rebuilds inside one long-lived process with a build `Session`
  (`bench.serve_rebuild`), which is what `mkdocs serve`'s hook waits for,
  and, up to 5,000 articles, a live `mkdocs serve --dirty` timed from an edit
  until its page is served (`bench.serve_live`);
- references: `mkdocs build` of the same article pages with a plain Material
  configuration (no hooks, no builder), and Hugo building the same Markdown.

Results go to `bench/results.json` and a table; every figure is from one run on
one machine, so the ratios are what to read. Work files live in `bench/out/`.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .generate import generate_corpus
from .site import hand_written_docs, mkdocs_config

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "scale"
RESULTS = ROOT / "bench" / "results.json"
BIN = Path(sys.executable).parent
DEFAULT_SIZES = (1000, 5000, 20000)
SERVE_LIVE_MAX = 5000  # a live `mkdocs serve` first builds the whole site: minutes more at 20,000
SUMMARY = re.compile(
    r"(?P<files>\d+) seed files \((?P<cached>\d+) from cache\), (?P<articles>\d+) articles.*?"
    r"(?P<written>\d+) pages written, (?P<unchanged>\d+) unchanged"
)


@dataclass(frozen=True)
class Run:
    """One timed child process."""

    wall: float
    cpu: float
    peak_mb: float
    ok: bool
    summary: str = ""


def timed(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run `cmd` under GNU time; its own rusage, not the parent's, gives the peak memory."""
    stats = OUT / ".time"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats), *cmd],
        cwd=cwd,
        env=env,
        text=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    fields = stats.read_text().split()[-4:]
    cpu = float(fields[1]) + float(fields[2])
    peak = int(fields[3]) / 1024
    if done.returncode != 0:
        print(f"  ! {' '.join(cmd[:4])}… exited {done.returncode}: {done.stderr[-600:]}", file=sys.stderr)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return Run(round(wall, 2), round(cpu, 2), round(peak, 1), done.returncode == 0, last)


def builder(seeds: Path, docs: Path, annotations: Path, jobs: int | None = None, cache: bool = True) -> Run:
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--docs", str(docs)]
    cmd += ["--annotations", str(annotations), "--quiet"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    if not cache:
        cmd.append("--no-cache")
    return timed(cmd)


def counts(run: Run) -> dict[str, int]:
    """Seeds re-extracted and pages rewritten, from the builder's summary line."""
    return counts_of(run.summary)


def counts_of(summary: str) -> dict[str, int]:
    m = SUMMARY.search(summary)
    if not m:
        return {}
    return {
        "seeds": int(m["files"]),
        "re_extracted": int(m["files"]) - int(m["cached"]),
        "pages_written": int(m["written"]),
        "pages_unchanged": int(m["unchanged"]),
    }


def plain_mkdocs(work: Path, docs: Path) -> Run:
    """Reference: MkDocs + Material on the same article pages, with nothing of ours."""
    plain = work / "plain-docs"
    shutil.rmtree(plain, ignore_errors=True)
    shutil.copytree(docs / "articles", plain / "articles")
    (plain / "index.md").write_text("# أرشيف\n", encoding="utf-8")
    config = work / "plain-mkdocs.yml"
    config.write_text(
        json.dumps(
            {
                "site_name": "plain",
                "docs_dir": str(plain),
                "site_dir": str(work / "plain-site"),
                "theme": {"name": "material", "language": "ar"},
                "nav": [{"الرئيسية": "index.md"}],
                "validation": {"nav": {"omitted_files": "ignore"}},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return timed([str(BIN / "mkdocs"), "build", "--quiet", "-f", str(config)])


HUGO_CONFIG = """baseURL = "https://example.org/"
languageCode = "ar"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUT = (
    '<!doctype html><html lang="ar" dir="rtl"><head><title>{{ .Title }}</title></head>'
    '<body>{{ block "main" . }}{{ end }}</body></html>'
)


def hugo(work: Path, docs: Path) -> Run | None:
    """Reference: Hugo rendering the same Markdown with a minimal layout."""
    if shutil.which("hugo") is None:
        return None
    site = work / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(docs / "articles", site / "content" / "articles")
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    (layouts / "single.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}', "utf-8")
    (layouts / "list.html").write_text('{{ define "main" }}{{ range .Pages }}{{ .Title }} {{ end }}{{ end }}', "utf-8")
    return timed(["hugo", "--quiet", "--source", str(site), "--destination", str(site / "public")])


def annotate_one(annotations: Path, docs: Path, text: str) -> str | None:
    """Write annotations/<id>.yml on the first article, quoting words of its first paragraph."""
    try:
        first = json.loads((docs / "data" / "articles.jsonl").open(encoding="utf-8").readline())
    except (OSError, ValueError):
        return None
    quote = " ".join(first["paragraphs"][0].split()[:5])
    body = (
        f"article: {first['id']}\nnotes:\n  - quote: {json.dumps(quote, ensure_ascii=False)}\n"
        f"    kind: context\n    text: {json.dumps(text, ensure_ascii=False)}\n    author: bench\n"
    )
    (annotations / f"{first['id']}.yml").write_text(body, encoding="utf-8")
    return first["id"]


def code_version() -> str:
    """The builder's cache key component: its own source (see builder.build._code_version)."""
    from builder.build import _code_version

    return _code_version.__wrapped__()  # read again: the builder's code may have been edited meanwhile


def change_one_seed(seeds: Path) -> None:
    """Append a sentence to one body paragraph of a seed in the middle of the corpus (an editor's typical fix)."""
    files = sorted(seeds.glob("*.txt"))
    target = files[len(files) // 2]
    lines = target.read_text(encoding="utf-8").split("\n")
    at = next((i for i, line in enumerate(lines) if len(line) > 80 and line.endswith(".")), len(lines) - 1)
    lines[at] += " وأضاف المتحدث أن التحقيق مستمر."
    target.write_text("\n".join(lines), encoding="utf-8")


def bench_size(n: int) -> dict[str, object]:
    work = OUT / str(n)
    seeds, docs, annotations, site = work / "seeds", work / "docs", work / "annotations", work / "site"
    print(f"N = {n:,}: generating…", flush=True)
    files = generate_corpus(seeds, n)
    shutil.rmtree(annotations, ignore_errors=True)
    annotations.mkdir(parents=True)
    result: dict[str, object] = {"articles": n, "seed_files": files}

    hand_written_docs(docs)
    one = builder(seeds, docs, annotations, jobs=1, cache=False)
    result["builder_jobs1"] = asdict(one)
    result["articles_per_s_jobs1"] = round(n / one.wall, 1)
    print(f"  builder --jobs 1: {one.wall:.1f} s, {one.peak_mb:.0f} MB", flush=True)
    article = annotate_one(annotations, docs, "ملاحظة أولى للقياس.")  # present from here on, changed at the end
    if str(n) in os.environ.get("BENCH_BUILDER_ONLY", "").split(","):
        result["only"] = "builder --jobs 1 (BENCH_BUILDER_ONLY): the rest was not measured at this size"
        return result
    hand_written_docs(docs)
    two = builder(seeds, docs, annotations, jobs=os.cpu_count() or 1, cache=False)
    result["builder_all_cores"] = asdict(two)
    result["articles_per_s_all_cores"] = round(n / two.wall, 1)
    print(f"  builder --jobs {os.cpu_count()}: {two.wall:.1f} s", flush=True)

    # make site on this corpus: builder (cold, all cores), mkdocs, pagefind (`make site` sets
    # ARCHIVE_BUILDER=off, so MkDocs' hook does not run the builder a second time).
    hand_written_docs(docs)
    config = mkdocs_config(work, docs, site)
    steps = {"builder": builder(seeds, docs, annotations, cache=False)}
    steps["mkdocs"] = timed([str(BIN / "mkdocs"), "build", "--quiet", "-f", str(config)])
    print(f"  mkdocs build: {steps['mkdocs'].wall:.1f} s", flush=True)
    steps["pagefind"] = timed([sys.executable, "-m", "builder.search_hook", str(site)])  # `make site`'s three bundles
    total = sum(s.wall for s in steps.values())
    result["make_site"] = {k: asdict(v) for k, v in steps.items()} | {"total_wall": round(total, 2)}
    result["builder_share_of_make_site"] = round(steps["builder"].wall / total, 3)
    result["builder_cpu_share_of_make_site"] = round(steps["builder"].cpu / sum(s.cpu for s in steps.values()), 3)

    # `make serve`: the hook's builder pass with warm caches and nothing changed.
    steps_version = code_version()
    warm = builder(seeds, docs, annotations)  # fills the extraction cache and the page keys
    result["cache_warming_pass"] = asdict(warm) | counts(warm)
    still = builder(seeds, docs, annotations)
    result["no_change_rebuild"] = asdict(still) | counts(still)

    plain = plain_mkdocs(work, docs)
    result["reference_plain_mkdocs"] = asdict(plain)
    print(f"  plain mkdocs: {plain.wall:.1f} s", flush=True)
    ref = hugo(work, docs)
    result["reference_hugo"] = asdict(ref) if ref else "not measured: hugo is not installed"

    if code_version() != steps_version:
        builder(seeds, docs, annotations)  # the builder's code changed meanwhile: re-warm the cache
    change_one_seed(seeds)
    seed_run = builder(seeds, docs, annotations)
    result["rebuild_one_seed"] = asdict(seed_run) | counts(seed_run)
    if article is None:
        result["rebuild_one_annotation"] = "not measured: no data/articles.jsonl to pick an article from"
    else:
        annotate_one(annotations, docs, "ملاحظة معدّلة للقياس.")
        note_run = builder(seeds, docs, annotations)
        result["rebuild_one_annotation"] = asdict(note_run) | counts(note_run) | {"article": article}
    print(f"  rebuild after one seed / one annotation: {seed_run.wall:.1f} s / {result['rebuild_one_annotation']}")

    # `make serve`: the same changes rebuilt inside one long-lived process, as MkDocs' hook does.
    serve = timed([sys.executable, "-m", "bench.serve_rebuild", str(seeds), str(docs), str(annotations)])
    try:
        result["serve_rebuilds"] = json.loads(serve.summary) | {"peak_mb": serve.peak_mb}
    except ValueError:
        result["serve_rebuilds"] = f"not measured: {serve.summary}"
    # `make serve` end to end: an edit until its page is served by a live `mkdocs serve --dirty`.
    if n <= SERVE_LIVE_MAX:
        live = timed([sys.executable, "-m", "bench.serve_live", str(ROOT), str(seeds), str(work / "live"), "8790"])
        try:
            result["serve_live"] = json.loads(live.summary)
        except ValueError:
            result["serve_live"] = f"not measured: {live.summary}"
    return result


def table(results: list[dict[str, object]]) -> str:
    """The figures side by side, and cost per 1,000 articles to show (near-)linear growth."""

    def g(r: dict, *keys: str) -> object:
        for k in keys:
            r = r.get(k, {}) if isinstance(r, dict) else {}
        return r if r != {} else None

    def s(value: object) -> str:
        return f"{value:,.1f}" if isinstance(value, (int, float)) else "—"

    rows = [
        ("builder s (--jobs 1, cold)", lambda r: g(r, "builder_jobs1", "wall")),
        ("  articles/s (--jobs 1)", lambda r: g(r, "articles_per_s_jobs1")),
        ("  CPU s (--jobs 1)", lambda r: g(r, "builder_jobs1", "cpu")),
        ("builder s (all cores, cold)", lambda r: g(r, "builder_all_cores", "wall")),
        ("  articles/s (all cores)", lambda r: g(r, "articles_per_s_all_cores")),
        ("  CPU s (all cores, incl. workers)", lambda r: g(r, "builder_all_cores", "cpu")),
        ("builder peak MB (--jobs 1)", lambda r: g(r, "builder_jobs1", "peak_mb")),
        ("builder CPU s per 1,000 articles", lambda r: g(r, "builder_jobs1", "cpu") * 1000 / r["articles"]),
        ("mkdocs build s (our config)", lambda r: g(r, "make_site", "mkdocs", "wall")),
        ("  mkdocs peak MB", lambda r: g(r, "make_site", "mkdocs", "peak_mb")),
        ("ref: plain mkdocs s (same pages)", lambda r: g(r, "reference_plain_mkdocs", "wall")),
        ("ref: hugo s (same Markdown)", lambda r: g(r, "reference_hugo", "wall")),
        ("pagefind s", lambda r: g(r, "make_site", "pagefind", "wall")),
        ("make site s (builder+mkdocs+pagefind)", lambda r: g(r, "make_site", "total_wall")),
        ("  builder share of make site % (wall)", lambda r: 100 * r["builder_share_of_make_site"]),
        ("  builder share of make site % (CPU)", lambda r: 100 * r["builder_cpu_share_of_make_site"]),
        ("no-change rebuild s (warm caches)", lambda r: g(r, "no_change_rebuild", "wall")),
        ("  CPU s", lambda r: g(r, "no_change_rebuild", "cpu")),
        ("rebuild after 1 seed s", lambda r: g(r, "rebuild_one_seed", "wall")),
        ("  CPU s", lambda r: g(r, "rebuild_one_seed", "cpu")),
        ("  seeds re-extracted / pages written", lambda r: None),
        ("rebuild after 1 annotation s", lambda r: g(r, "rebuild_one_annotation", "wall")),
        ("  CPU s", lambda r: g(r, "rebuild_one_annotation", "cpu")),
        ("  seeds re-extracted / pages written", lambda r: None),
        ("serve: rebuild, nothing changed s", lambda r: g(r, "serve_rebuilds", "no_change", "wall")),
        ("  CPU s", lambda r: g(r, "serve_rebuilds", "no_change", "cpu")),
        ("serve: rebuild after 1 seed s", lambda r: g(r, "serve_rebuilds", "one_seed", "wall")),
        ("  CPU s", lambda r: g(r, "serve_rebuilds", "one_seed", "cpu")),
        ("serve: rebuild after 1 annotation s", lambda r: g(r, "serve_rebuilds", "one_annotation", "wall")),
        ("  CPU s", lambda r: g(r, "serve_rebuilds", "one_annotation", "cpu")),
        ("serve live: 1 seed edit until its page is served s", lambda r: g(r, "serve_live", "one_seed", "served_s")),
        ("serve live: 1 annotation until served s", lambda r: g(r, "serve_live", "one_annotation", "served_s")),
    ]
    width = 41
    lines = ["".ljust(width) + "".join(f"N={r['articles']:,}".rjust(14) for r in results)]
    for i, (label, fn) in enumerate(rows):
        cells = []
        for r in results:
            if label.startswith("  seeds"):
                heading = next(label for label, _ in reversed(rows[:i]) if label.startswith("rebuild after"))
                key = "rebuild_one_seed" if "seed" in heading else "rebuild_one_annotation"
                part = r.get(key)
                done = isinstance(part, dict) and "re_extracted" in part
                cells.append(f"{part['re_extracted']} / {part['pages_written']}" if done else "—")
                continue
            try:
                cells.append(s(fn(r)))
            except (TypeError, KeyError):
                cells.append("—")
        lines.append(label.ljust(width) + "".join(c.rjust(14) for c in cells))
    lines.append("")
    lines.append("builder CPU s per 1,000 articles (flat = linear):")
    for r in results:
        per = r["builder_jobs1"]["cpu"] * 1000 / r["articles"]
        lines.append(f"  N={r['articles']:>6,} {'#' * max(1, round(per * 10))} {per:.2f}")
    return "\n".join(lines)


def sizes() -> tuple[int, ...]:
    raw = os.environ.get("BENCH_SIZES", "")
    return tuple(int(x) for x in raw.replace(" ", "").split(",") if x) or DEFAULT_SIZES


def ensure_hugo() -> None:
    """`make bench` installs Debian's hugo when it is missing and apt is usable; otherwise says so."""
    if shutil.which("hugo") or shutil.which("apt-get") is None or os.geteuid() != 0:
        return
    subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], check=False, capture_output=True)


def main() -> int:
    ensure_hugo()
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: list[dict[str, object]] = []
    for n in sizes():
        results.append(bench_size(n))
        write_results(results, started)  # after each size: a long run interrupted still leaves figures
    print()
    print(table(results))
    print(f"\n{RESULTS.relative_to(ROOT)} written; whole bench {time.perf_counter() - started:.0f} s")
    return 0


def _only() -> str:
    only = os.environ.get("BENCH_BUILDER_ONLY", "")
    return f"BENCH_BUILDER_ONLY={only} " if only else ""


def write_results(results: list[dict[str, object]], started: float) -> None:
    report = {
        "command": f"BENCH_SIZES={','.join(map(str, sizes()))} {_only()}make bench",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "seconds": round(time.perf_counter() - started, 1),
        "sizes": results,
    }
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
