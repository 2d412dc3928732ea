"""The pipeline: read → parse → extract → link → render → write.

Read and extract are per seed file, pure, and cached by the file's content
hash (and the builder's own code), so a rebuild after one edited seed
re-extracts only that seed; with many uncached seeds they run in a process
pool on every core. Everything after extraction needs the whole archive
(links go between files) and runs once, in memory, before anything is written.

A long-lived process (`mkdocs serve`'s hook) passes a `Session`, which keeps
each stage's inputs and output from one build to the next: a stage whose
inputs are the very objects it saw last time is not run again, and the output
is the same as a fresh build's, because every stage is a pure function of them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, replace
from functools import cache, partial
from pathlib import Path

import jinja2
import markupsafe

from . import annotations, browse, render, search_assets, seo
from .data import article_line
from .entities import EntityIndex, Matcher, build_matcher, entity_spans, link_entities
from .entity_pages import add_entity_pages
from .extract import extract_article
from .link import link_teasers
from .model import Article
from .parse import split_articles
from .problems import Problem, sorted_problems, warning
from .publish import add_reader_pages, reader_context
from .registry import ENTITIES_DIR, Registry, load_registry
from .related import link_related
from .session import Session, folder_state, same_objects, signature
from .sources import iter_sources, read_seed
from .write import MANIFEST, Digested, Output, WriteResult, atomic_write, dumps, key_digest

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


_memory: Session | None = None  # the session of the build under way: `_cache_get` looks there first


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


@cache
def _code_version() -> str:
    """The builder's source as this process loaded it: cache entries are keyed by the code that made them.

    Read once per process: `mkdocs serve` keeps running the code it imported
    when builder/ is edited, and results of that code filed under the edited
    code's version would be taken as the new code's by the next build.
    """
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
    seeds_dir: Path, cache_dir: Path | None = CACHE_DIR, jobs: int | None = None, session: Session | None = None
) -> tuple[list[SeedResult], int]:
    """Every seed's articles, from the cache when its bytes and the builder are unchanged."""
    pairs = _sources(seeds_dir, session)
    version = _code_version()
    results: dict[str, SeedResult] = {}
    todo: list[tuple[Path, str, str | None]] = []
    cached = 0
    for path, name in pairs:
        if session is not None:
            key = _session_key(session, path, name, version)
        else:
            key = _cache_key(path, name, version) if cache_dir else None
        hit = _cache_get(cache_dir, key) if key and (cache_dir or session) else None
        if hit is not None:
            results[name] = hit
            cached += 1
        else:
            todo.append((path, name, key))
    jobs = jobs or 1  # one process unless asked: on 2 cores the pool now costs more than it saves (README, Speed)
    if len(todo) >= POOL_THRESHOLD and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            fresh = list(pool.map(_process_pair, [(p, n) for p, n, _ in todo], chunksize=32))
    else:
        fresh = [process_seed(p, n) for p, n, _ in todo]
    for (_, name, key), result in zip(todo, fresh, strict=True):
        results[name] = result
        if key and (cache_dir or session):
            _cache_put(cache_dir, key, result)
    return [results[name] for _, name in pairs], cached


def _sources(seeds_dir: Path, session: Session | None) -> list[tuple[Path, str]]:
    """`iter_sources`, listed again only when a folder under `seeds_dir` changed (a file added or removed)."""
    if session is None:
        return list(iter_sources(seeds_dir))
    last = session.sources
    if last is not None and last[0] == seeds_dir:
        try:
            if all(signature(folder) == kept for folder, kept in last[1]):
                return last[2]
        except OSError:
            pass
    try:  # the folders' signatures before the listing: a change made meanwhile shows next time
        folders = [(top, signature(top)) for top, _, _ in os.walk(seeds_dir, followlinks=True)]
    except OSError:
        folders = []
    pairs = list(iter_sources(seeds_dir))
    session.sources = (seeds_dir, folders, pairs) if folders else None
    return pairs


def _session_key(session: Session, path: Path, name: str, version: str) -> str | None:
    """`_cache_key`, hashing the file again only when its signature moved since the last build."""
    try:
        stamp = (*signature(path), name, version)
    except OSError:
        return None
    known = session.seed_keys.get(str(path))
    if known is not None and known[0] == stamp:
        return known[1]
    key = _cache_key(path, name, version)
    if key is not None:
        session.seed_keys[str(path)] = (stamp, key)
    return key


def _cache_get(cache_dir: Path | None, key: str, kind: type = SeedResult):  # returns a `kind`, or None
    """The cached value of `key`: from the build session's memory, else from disk (then remembered)."""
    memory = _memory
    if memory is not None:
        value = memory.used.get(key, memory.blobs.get(key))
        if isinstance(value, kind):
            memory.used[key] = value
            return value
    if cache_dir is None:
        return None
    try:
        with (cache_dir / key[:2] / key).open("rb") as handle:
            value = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(value, kind):
        return None
    if memory is not None:
        memory.used[key] = value
    return value


def _cache_put(cache_dir: Path | None, key: str, result: object) -> None:
    if _memory is not None:
        _memory.used[key] = result
    if cache_dir is None:
        return
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        atomic_write(cache_dir / key[:2] / key, dumps(result))


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
    session: Session | None = None,
) -> BuildResult:
    """Read and link the whole archive, then apply editors' annotations, without writing anything."""
    memo = session if session is not None else Session()  # a throwaway one: every stage runs
    seeds, cached = read_seeds(seeds_dir, cache_dir, jobs, session)
    articles, problems = memo.stage("read", tuple(seeds), lambda: _read_stage(seeds))
    if annotations_dir is not None:  # corrected dates must count in the archive order
        articles, found = memo.stage(
            "annotate",
            (articles, folder_state(annotations_dir)),
            partial(annotations.annotate_folder, articles, annotations_dir),
        )
        problems = [*problems, *found]
    articles = memo.stage("order", (articles,), partial(archive_order, articles))
    registry, found = memo.stage(
        "registry",
        (folder_state(entities_dir),),
        partial(load_registry, entities_dir) if entities_dir is not None else lambda: (None, []),
    )
    problems = [*problems, *found]
    index = None
    if registry is not None:  # entity mentions, then related articles from shared entities and words
        entity_cache = cache_dir.parent / "entities" if cache_dir else None  # per-seed analyses
        matcher = memo.stage("matcher", (registry,), partial(build_matcher, registry.entities))
        articles, index = _link_stage(memo, articles, registry, matcher, entity_cache, jobs)
    problems = memo.stage("problems", tuple(problems), partial(sorted_problems, problems))
    return memo.stage(
        "result",
        (articles, problems, index, len(seeds), cached),
        lambda: BuildResult(
            files=len(seeds), articles=articles, problems=tuple(problems), cached=cached, entities=index
        ),
    )


def _read_stage(seeds: Sequence[SeedResult]) -> tuple[tuple[Article, ...], list[Problem]]:
    """Every seed's articles, one per id, teasers pointed at the articles they stand for."""
    problems: list[Problem] = [p for s in seeds for p in s.problems]
    articles, dupes = dedupe(a for s in seeds for a in s.articles)
    problems.extend(dupes)
    return link_teasers(articles), problems


# What an editor's note changes in an article. Entity linking, related articles and entity pages
# read none of it, reader pages (home, lists, feeds, open data) only `annotated`; an article that
# differs from the last build's only there leaves their last output as it was (see `_same_but`).
NOTE_FIELDS = frozenset({"notes", "annotated"})
READER_UNREAD = frozenset({"notes"})


@cache
def _fields_but(unread: frozenset[str]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(Article) if f.name not in unread)


def _same_but(new: Sequence[Article], old: Sequence[Article], unread: frozenset[str]) -> bool:
    """Whether two builds' articles are the same in order and in every field but the `unread` ones."""
    if len(new) != len(old):
        return False
    read = _fields_but(unread)
    for a, b in zip(new, old, strict=True):
        if a is not b and any(getattr(a, f) != getattr(b, f) for f in read):
            return False
    return True


def _link_stage(
    memo: Session,
    articles: tuple[Article, ...],
    registry: Registry,
    matcher: Matcher,
    cache_dir: Path | None,
    jobs: int | None,
) -> tuple[tuple[Article, ...], EntityIndex]:
    """Entity mentions and related articles of the whole archive, rerun only when what they read changed.

    Both are whole-archive stages (a new word or name in one article moves
    the weights and the discovered names of all), so one changed article
    reruns them for every article; when nothing changed but notes (the
    usual annotation edit), the last build's links are reused, which is what
    the stages would compute again. After a rerun, every article equal to
    the last build's is that object, so its page key digest is not made again.
    """
    inputs = (articles, registry, matcher)
    last = memo.stages.get("link")
    if last is not None and same_objects(last[0], inputs):
        return last[1]  # type: ignore[return-value]
    if last is not None and last[0][1] is registry and last[0][2] is matcher:
        reused = _relink_notes(articles, last[0][0], last[1][0])  # type: ignore[index]
        if reused is not None:
            output = (reused, last[1][1])  # type: ignore[index]
            memo.stages["link"] = (inputs, output)
            return output
    linked, index = link_entities(articles, registry, matcher=matcher, cache_dir=cache_dir, jobs=jobs)
    linked = link_related(linked, index.terms)
    if last is not None:  # equal articles keep the last build's objects: their identity is their digest's key
        before = {a.id: a for a in last[1][0]}  # type: ignore[index]
        linked = tuple(_kept(before.get(a.id), a) for a in linked)
    memo.stages["link"] = (inputs, (linked, index))
    return linked, index


def _kept(old: Article | None, new: Article) -> Article:
    return old if old is not None and old == new else new


def _relink_notes(
    articles: Sequence[Article], before: Sequence[Article], linked: Sequence[Article]
) -> tuple[Article, ...] | None:
    """The last build's linked articles with this build's notes, or None if anything linking reads changed."""
    if not _same_but(articles, before, NOTE_FIELDS):
        return None
    return tuple(
        done if new is old else replace(done, notes=new.notes, annotated=new.annotated)
        for new, old, done in zip(articles, before, linked, strict=True)
    )


def render_site(result: BuildResult, output: Output, session: Session | None = None, salt: bytes = b"") -> None:
    """Every generated file, written through `output` as it is rendered.

    With a session, a whole-archive group of pages (reader pages, entity
    pages) whose inputs did not change, but for article fields the group does
    not read, is not made again: the calls it made into the last build's
    output are made again into this one (`_Replay`). `salt` is the pages'
    (`render_salt`): a template or code change makes them all again.
    """
    articles = result.articles
    by_id = {a.id: a for a in articles}
    around = browse.neighbours(articles)
    # An article's key digest, once per article: kept by the session for articles that did not change.
    if not output.keyed:
        digests = dict.fromkeys(by_id, b"")
    elif session is not None:
        digests = {a.id: session.digest(a) for a in articles}
    else:
        digests = {a.id: key_digest(a) for a in articles}
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
    index = result.entities

    def reader_pages(out: Output) -> None:  # home, browse lists, map, feeds, open data
        add_reader_pages(out, articles, registry)

    def entity_pages(out: Output) -> None:  # entity pages, per-type indexes, the editors' report
        if index is not None:
            add_entity_pages(out, articles, index)

    _replayed(session, "reader", output, reader_pages, (registry, salt), articles, READER_UNREAD)
    _replayed(session, "entity", output, entity_pages, (index, salt), articles, NOTE_FIELDS)
    catalogue = [(a.id, digests[a.id]) for a in articles]
    output.add_lines("data/articles.jsonl", catalogue, lambda i: article_line(articles[i]))
    output.add(search_assets.TABLES_PATH, search_assets.tables_js())  # search box folds like the index


def _replayed(
    session: Session | None,
    name: str,
    output: Output,
    make: Callable[[Output], object],
    inputs: tuple,
    articles: tuple[Article, ...],
    unread: frozenset[str],
) -> None:
    """`make(output)`: one group of pages made by a whole-archive function, or its last calls made again.

    The function is pure: given the same inputs (the very objects) and the
    same articles but for fields it does not read (`unread`), it would call
    the output with the same paths, contents and keys. So a session keeps the
    calls (contents, keys and the page renderers, which render only when a
    page's key or file moved) and makes them again instead of running it.
    """
    if session is None or not output.keyed:
        make(output)
        return
    last = session.replays.get(name)
    if last is not None and same_objects(last[0], inputs) and _same_but(articles, last[1], unread):
        for method, args, kwargs in last[2]:
            getattr(output, method)(*args, **kwargs)
        session.replays[name] = (inputs, articles, last[2])
        return
    recorder = _Recorder(output)
    make(recorder)  # type: ignore[arg-type]
    if recorder.calls is None:
        session.replays.pop(name, None)
    else:
        session.replays[name] = (inputs, articles, tuple(recorder.calls))


class _Recorder:
    """An `Output` for one function: forwards the calls that add pages and records them."""

    REPLAYABLE = frozenset({"add", "add_rendered", "add_lines"})

    def __init__(self, output: Output) -> None:
        self._output = output
        self.calls: list[tuple[str, tuple, dict]] | None = []

    @property
    def keyed(self) -> bool:
        return self._output.keyed

    def __getattr__(self, name: str):
        method = getattr(self._output, name)
        if name not in self.REPLAYABLE:  # a stream cannot be replayed: this group is made again next time
            self.calls = None
            return method

        def call(*args: object, **kwargs: object) -> object:
            if name == "add_rendered" and len(args) == 3 and not kwargs:  # the digest kept, not the key
                args = (args[0], Digested(key_digest(args[1])), args[2])
            if self.calls is not None:
                self.calls.append((name, args, kwargs))
            return method(*args, **kwargs)

        return call


def _shown(article: Article | None) -> tuple[str, str, str | None] | None:
    """What a page shows of another article it links to."""
    return None if article is None else (article.id, article.title, article.date)


def _article_page(article: Article, by_id: dict[str, Article], near: browse.Neighbours) -> str:
    spans = annotations.merge_spans(annotations.note_spans(article), entity_spans(article, render.rel))
    return render.render_article(article, by_id, spans=spans, **reader_context(article, near))


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
    session: Session | None = None,
) -> BuildResult:
    """The archive into `docs_dir`; with a `session`, redoing only what changed since its last build."""
    global _memory
    with _no_cycle_collection(long_lived=session is not None):
        if session is not None:
            session.used = {}
            _memory = session
        try:
            result = assemble(seeds_dir, cache_dir, jobs, annotations_dir, session=session)
        finally:
            _memory = None
        if session is not None:  # what this build used is what the next one may need
            session.blobs, session.used = session.used, {}
        if not write:
            return result
        keys = _keys_file(cache_dir, docs_dir) if cache_dir is not None else None
        salt = render_salt() if keys is not None else b""
        written = _unchanged_docs(session.docs, result, docs_dir, salt) if session and session.docs else None
        if written is not None:
            return replace(result, written=written)
        output = Output(docs_dir, keys, salt)
        render_site(result, output, session, salt)
        written = output.close()
        if session is not None:
            session.docs = (result.articles, result.entities, docs_dir.resolve(), salt, _docs_state(docs_dir))
            digests = session.digests  # only those of this build's articles are worth keeping
            session.digests = {id(a): digests[id(a)] for a in result.articles if id(a) in digests}
        return replace(result, written=written)


def _docs_state(docs_dir: Path) -> dict[str, tuple] | None:
    """The signature of every generated file and of the manifest listing them, or None if one is missing."""
    try:
        paths = json.loads((docs_dir / MANIFEST).read_text(encoding="utf-8"))
        root = str(docs_dir)
        return {p: signature(f"{root}/{p}") for p in (*paths, MANIFEST)}
    except (OSError, ValueError):
        return None


def _unchanged_docs(last: tuple, result: BuildResult, docs_dir: Path, salt: bytes) -> WriteResult | None:
    """What writing would do when the pages' inputs and docs/ are those of the last build: nothing.

    Rendering is a pure function of the articles, the entity index, the
    builder's code and templates (the salt); when all are the very ones the
    last build rendered and no generated file was touched since, every page
    would come out as the bytes already there.
    """
    articles, entities, folder, salt_then, state = last
    if state is None or salt != salt_then or entities is not result.entities or folder != docs_dir.resolve():
        return None
    if not same_objects((articles,), (result.articles,)) or _docs_state(docs_dir) != state:
        return None
    return WriteResult((), len(state) - 1, ())


@contextlib.contextmanager
def _no_cycle_collection(long_lived: bool = False) -> Iterator[None]:
    """Python's cycle collector paused for the build, then restored.

    A build makes millions of long-lived objects that hold no reference
    cycles (frozen dataclasses, strings, tuples), so reference counting frees
    all its garbage; the collector would only rescan the growing heap again
    and again, a cost that grows faster than the archive (a fifth of the CPU
    time at 5,000 articles; measured in `make bench`).

    In a long-lived process (a build with a `Session`), what the session
    keeps would be scanned once more as soon as the collector is back (every
    object made during the build is in its youngest generation): more than a
    second at 2,000 articles, on every save. So the heap is frozen at the end
    of such a build (the collector skips it) and unfrozen at the start of the
    next, into the oldest generation, so that garbage cycles of the host
    process (MkDocs) made meanwhile are still collected in time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    if long_lived:
        gc.unfreeze()
    try:
        yield
    finally:
        if long_lived:
            gc.freeze()
        if was_enabled:
            gc.enable()
