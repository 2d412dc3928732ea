"""The pipeline: read → parse → extract → link → render → write.

Read and extract are per seed file, pure, and cached by the file's content
hash (and the builder's own code), so a rebuild after one edited seed
re-extracts only that seed; with many uncached seeds they run in a process
pool on every core. Everything after extraction needs the whole archive
(links go between files) and runs once, in memory, before anything is written.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import jinja2
import markupsafe

from . import annotations, browse, entity_pages, publish, render, search_assets, seo
from .data import article_line
from .entities import EntityIndex, entity_spans, link_entities
from .extract import extract_article
from .link import link_teasers
from .model import Article
from .parse import split_articles
from .problems import Problem, sorted_problems, warning
from .registry import ENTITIES_DIR, load_registry
from .related import link_related
from .sources import iter_sources, read_seed
from .write import Output, WriteResult, atomic_write, key_digest

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "extract"
ANNOTATIONS_DIR = ROOT / "annotations"
POOL_THRESHOLD = 64  # uncached seeds below this are faster in one process than with pool start-up


@dataclass(frozen=True)
class SeedResult:
    name: str
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class BuildResult:
    files: int
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    written: WriteResult | None = None
    cached: int = 0
    entities: EntityIndex | None = None  # the archive's people, organisations and places

    def summary(self) -> str:
        errors = sum(p.severity == "error" for p in self.problems)
        warnings = sum(p.severity == "warning" for p in self.problems)
        line = (
            f"{self.files} seed files ({self.cached} from cache), {len(self.articles)} articles, "
            f"{warnings} warnings, {errors} errors"
        )
        if self.written is not None:
            line += (
                f"; {len(self.written.written)} pages written, {self.written.unchanged} unchanged, "
                f"{len(self.written.removed)} removed"
            )
        return line


def process_seed(path: Path, name: str) -> SeedResult:
    """One seed file to its articles: pure apart from reading the file."""
    source, problems = read_seed(path, name)
    if source is None:
        return SeedResult(name, (), tuple(problems))
    articles: list[Article] = []
    for raw in split_articles(source.path, source.text):
        article, found = extract_article(raw)
        problems.extend(found)
        if article.title or article.paragraphs:
            articles.append(article)
    if not articles:
        problems.append(warning(name, 1, "S011", "no article found in this file", "check that it is a news dump"))
    return SeedResult(name, tuple(articles), tuple(problems))


def _code_version() -> str:
    digest = hashlib.sha256()
    for module in sorted((ROOT / "builder").glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def _cache_key(path: Path, name: str, version: str) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(version.encode() + b"\0" + name.encode() + b"\0" + raw).hexdigest()


def _process_pair(pair: tuple[Path, str]) -> SeedResult:
    return process_seed(*pair)


def read_seeds(
    seeds_dir: Path, cache_dir: Path | None = CACHE_DIR, jobs: int | None = None
) -> tuple[list[SeedResult], int]:
    """Every seed's articles, from the cache when its bytes and the builder are unchanged."""
    pairs = list(iter_sources(seeds_dir))
    version = _code_version()
    results: dict[str, SeedResult] = {}
    todo: list[tuple[Path, str, str | None]] = []
    cached = 0
    for path, name in pairs:
        key = _cache_key(path, name, version) if cache_dir else None
        hit = _cache_get(cache_dir, key) if cache_dir and key else None
        if hit is not None:
            results[name] = hit
            cached += 1
        else:
            todo.append((path, name, key))
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(todo) >= POOL_THRESHOLD and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            fresh = list(pool.map(_process_pair, [(p, n) for p, n, _ in todo], chunksize=32))
    else:
        fresh = [process_seed(p, n) for p, n, _ in todo]
    for (_, name, key), result in zip(todo, fresh, strict=True):
        results[name] = result
        if cache_dir and key:
            _cache_put(cache_dir, key, result)
    return [results[name] for _, name in pairs], cached


def _cache_get(cache_dir: Path, key: str, kind: type = SeedResult):  # returns a `kind`, or None
    try:
        with (cache_dir / key[:2] / key).open("rb") as handle:
            value = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        return None
    return value if isinstance(value, kind) else None


def _cache_put(cache_dir: Path, key: str, result: SeedResult) -> None:
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        atomic_write(cache_dir / key[:2] / key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def dedupe(articles: Iterable[Article]) -> tuple[tuple[Article, ...], list[Problem]]:
    """One article per id: two scrapes of one story keep the fuller copy, and say so."""
    kept: dict[str, Article] = {}
    problems: list[Problem] = []
    for article in articles:
        other = kept.get(article.id)
        if other is None:
            kept[article.id] = article
            continue
        longer, shorter = sorted((other, article), key=lambda a: (-sum(len(p) for p in a.paragraphs), a.source, a.line))
        kept[article.id] = longer
        problems.append(
            warning(
                shorter.source,
                shorter.line,
                "S012",
                f"same article as {longer.source}:{longer.line} (id {longer.id}); the fuller copy is kept",
                "remove the duplicate seed if it is one",
            )
        )
    return tuple(kept.values()), problems


def archive_order(articles: Iterable[Article]) -> tuple[Article, ...]:
    """Newest first, unknown dates last; ties broken by title then id so order never flickers."""
    dated = sorted((a for a in articles if a.date), key=lambda a: (a.title, a.id))
    dated.sort(key=lambda a: a.date or "", reverse=True)
    undated = sorted((a for a in articles if not a.date), key=lambda a: (a.earliest_date or "", a.title, a.id))
    undated.sort(key=lambda a: a.earliest_date or "", reverse=True)
    return tuple(dated + undated)


def assemble(
    seeds_dir: Path,
    cache_dir: Path | None = CACHE_DIR,
    jobs: int | None = None,
    annotations_dir: Path | None = ANNOTATIONS_DIR,
    entities_dir: Path | None = ENTITIES_DIR,
) -> BuildResult:
    """Read and link the whole archive, then apply editors' annotations, without writing anything."""
    seeds, cached = read_seeds(seeds_dir, cache_dir, jobs)
    problems: list[Problem] = [p for s in seeds for p in s.problems]
    articles, dupes = dedupe(a for s in seeds for a in s.articles)
    problems.extend(dupes)
    articles = link_teasers(articles)
    if annotations_dir is not None:  # corrected dates must count in the archive order
        articles, found = annotations.annotate_folder(articles, annotations_dir)
        problems.extend(found)
    articles = archive_order(articles)
    registry, found = load_registry(entities_dir) if entities_dir is not None else (None, [])
    problems.extend(found)
    index = None
    if registry is not None:  # entity mentions, then related articles from shared entities and words
        entity_cache = cache_dir.parent / "entities" if cache_dir else None  # per-seed analyses
        articles, index = link_entities(articles, registry, cache_dir=entity_cache, jobs=jobs)
        articles = link_related(articles, index.terms)
    return BuildResult(
        files=len(seeds), articles=articles, problems=tuple(sorted_problems(problems)), cached=cached, entities=index
    )


def render_site(result: BuildResult, output: Output) -> None:
    """Every generated file, written through `output` as it is rendered."""
    articles = result.articles
    by_id = {a.id: a for a in articles}
    around = browse.neighbours(articles)
    # Each article pickled once, for its page's key and its data line's; no keys without a cache.
    digests = {a.id: key_digest(a) for a in articles} if output.keyed else dict.fromkeys(by_id, b"")
    for article in articles:
        near = around[article.id]
        # Everything the page shows: the article, then what it shows of other articles.
        key = output.keyed and (
            "article",
            digests[article.id],
            [_shown(by_id[r]) for r in article.related if r in by_id],
            [t.target_id in by_id for t in article.teasers if t.target_id],
            _shown(near.older),
            _shown(near.newer),
        )
        output.add_rendered(f"articles/{article.id}.md", key, partial(_article_page, article, by_id, near))
    registry = result.entities.entities if result.entities is not None else {}
    publish.add_reader_pages(output, result.articles, registry)  # home, browse lists, map, feeds, open data
    if result.entities is not None:  # entity pages, per-type indexes, the editors' report
        entity_pages.add_entity_pages(output, result.articles, result.entities)
    catalogue = [(a.id, digests[a.id]) for a in articles]
    output.add_lines("data/articles.jsonl", catalogue, lambda i: article_line(articles[i]))
    output.add(search_assets.TABLES_PATH, search_assets.tables_js())  # search box folds like the index


def _shown(article: Article | None) -> tuple[str, str, str | None] | None:
    """What a page shows of another article it links to."""
    return None if article is None else (article.id, article.title, article.date)


def _article_page(article: Article, by_id: dict[str, Article], near: browse.Neighbours) -> str:
    spans = annotations.merge_spans(annotations.note_spans(article), entity_spans(article, render.rel))
    return render.render_article(article, by_id, spans=spans, **publish.reader_context(article, near))


def render_salt(templates: Path = render.TEMPLATES) -> bytes:
    """What every page depends on besides its own data: the builder's code, templates and site URL."""
    digest = hashlib.sha256(_code_version().encode())
    for template in sorted(templates.rglob("*")):
        if template.is_file():
            digest.update(str(template.relative_to(templates)).encode() + b"\0" + template.read_bytes())
    digest.update(seo.site_url().encode())
    digest.update(f"jinja2 {jinja2.__version__} markupsafe {markupsafe.__version__}".encode())
    return digest.digest()


def _keys_file(cache_dir: Path, docs_dir: Path) -> Path:
    """Page keys of one docs folder (tests and the bench build into others)."""
    name = hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:16]
    return cache_dir / "pages" / f"{name}.pickle"


def build(
    seeds_dir: Path,
    docs_dir: Path,
    cache_dir: Path | None = CACHE_DIR,
    jobs: int | None = None,
    write: bool = True,
    annotations_dir: Path | None = ANNOTATIONS_DIR,
) -> BuildResult:
    with _no_cycle_collection():
        result = assemble(seeds_dir, cache_dir, jobs, annotations_dir)
        if not write:
            return result
        keys = _keys_file(cache_dir, docs_dir) if cache_dir is not None else None
        output = Output(docs_dir, keys, render_salt() if keys is not None else b"")
        render_site(result, output)
        return replace(result, written=output.close())


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for the build, then restored.

    A build makes millions of long-lived objects that hold no reference
    cycles (frozen dataclasses, strings, tuples), so reference counting frees
    all its garbage; the collector would only rescan the growing heap again
    and again, a cost that grows faster than the archive (a fifth of the CPU
    time at 5,000 articles; measured in `make bench`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
