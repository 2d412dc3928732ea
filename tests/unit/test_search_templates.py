"""The search partials and the hook that prepares pages for Pagefind."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import material
import pytest

from builder import search_hook
from builder.search_hook import (
    ENTITY_BUNDLE,
    FULL_BUNDLE,
    SAMPLE_BUNDLE,
    SEPARATOR,
    matching_terms,
    page_kind,
    page_slice,
    pagefind_commands,
    quicken_start_up,
    sample_folders,
    slice_count,
)

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "templates" / "overrides" / "partials" / "header.html"
THEIRS = Path(material.__file__).parent / "templates" / "partials" / "header.html"


def test_header_is_materials_apart_from_the_search_box() -> None:
    """On a Material upgrade this fails: copy the new header.html and redo the one change."""
    ours = OURS.read_text(encoding="utf-8").split("-#}\n", 1)[1]
    # The page title comes from seed text: our copy escapes it (MkDocs does not autoescape themes).
    ours = ours.replace("page.meta.title | e", "page.meta.title").replace("page.title | striptags | e", "page.title")
    theirs = THEIRS.read_text(encoding="utf-8").split("-#}\n", 1)[1]
    start = theirs.index('    {% if "material/search" in config.plugins %}')
    end = theirs.index("    {% if config.repo_url %}")
    assert ours.startswith(theirs[:start])
    assert ours.endswith(theirs[end:])
    assert '{% include "partials/search.html" %}' in ours[start : len(ours) - len(theirs) + end]


def test_only_articles_and_entity_pages_are_indexed() -> None:
    assert page_kind("articles/a-528e9c4a65/") == "article"
    assert page_kind("entities/person/rudolph-atallah/") == "entity"
    assert page_kind("") is None
    assert page_kind("articles/") is None
    assert page_kind("browse/dates/") is None
    assert page_kind("entities/") is None
    assert page_kind("entities/place/bamako/page/2/") == "entity"
    assert page_kind("entities/person/page/2/") is None  # the person index, page 2
    assert page_kind("entities/person/page/") == "entity"  # an entity whose id is «page»


def test_matching_terms_add_cores_and_other_spellings() -> None:
    terms = matching_terms("وبالقاعدة في «مالي»، باماكو", ("رودولف عطا الله",))
    assert "قاعده" in terms  # clitics peeled, ة folded
    assert "مالي" not in terms  # already a word of the text: Pagefind indexes it
    assert "اماكو" in terms  # a query for باماكو is cut the same way
    assert "رودولف" in terms  # another registered spelling
    assert all("،" not in t and SEPARATOR not in t for t in terms)
    assert matching_terms("وبالقاعدة باماكو") == matching_terms("وبالقاعدة باماكو")


def test_slices_are_stable_and_sized_for_the_archive() -> None:
    assert slice_count(5) == 1 and slice_count(20005) == 20  # about SAMPLE_PAGES articles each
    assert page_slice("articles/a-528e9c4a65/", 1) == 0
    picks = [page_slice(f"articles/s-{i:06d}/", 20) for i in range(20000)]
    assert picks == [page_slice(f"articles/s-{i:06d}/", 20) for i in range(20000)]  # a hash, not build order
    assert 800 < picks.count(0) < 1200  # slice 0, the sample a very common query is ranked over


def _site(tmp_path: Path, folders: list[str]) -> Path:
    for name in folders:
        (tmp_path / "articles" / name).mkdir(parents=True)
        (tmp_path / "articles" / name / "index.html").write_text("<html></html>")
    return tmp_path


def test_the_sample_bundle_indexes_slice_zero(tmp_path: Path) -> None:
    folders = [f"s-{i:06d}" for i in range(2500)]
    site = _site(tmp_path, folders)
    sample = sample_folders(site)
    assert sample == sorted(f for f in folders if page_slice(f"articles/{f}/", 2) == 0)
    assert 1000 < len(sample) < 1500
    commands = {cmd[cmd.index("--output-subdir") + 1]: cmd for cmd in pagefind_commands(site) if "pagefind" in cmd}
    assert set(commands) == {FULL_BUNDLE, SAMPLE_BUNDLE, ENTITY_BUNDLE}
    glob = commands[SAMPLE_BUNDLE][commands[SAMPLE_BUNDLE].index("--glob") + 1]
    assert glob == "articles/{" + ",".join(sample) + "}/index.html"
    assert commands[FULL_BUNDLE][commands[FULL_BUNDLE].index("--glob") + 1] == "articles/**/*.html"


def test_a_small_archive_is_its_own_sample(tmp_path: Path) -> None:
    site = _site(tmp_path, ["a-1", "a-2", "a-3"])
    assert sample_folders(site) == ["a-1", "a-2", "a-3"]


def test_a_folder_name_a_glob_would_misread_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path, ["a-1", "a-{2,3}"])
    with pytest.raises(ValueError, match="glob"):
        pagefind_commands(site)


def test_indexed_pages_carry_metadata_but_no_pagefind_filter() -> None:
    """Pagefind counts every loaded filter's values against a query's results
    page by page: a filter on every article cost more than ranking them."""
    page = SimpleNamespace(url="articles/a-1/", meta={"title": "القاعدة في مالي"}, title="القاعدة في مالي")
    out = search_hook.on_page_content("<h1>القاعدة في مالي</h1>", page=page, config={}, files=None)
    assert 'data-pagefind-meta="kind:article"' in out
    assert "data-pagefind-filter" not in out
    assert out.startswith('<div class="archive-search-body" data-pagefind-body>')


def test_entity_names_meta_holds_the_cores_the_search_box_sends() -> None:
    """search.js fetches an entity page only when Pagefind matched its title or
    "names" meta; the box sends cores (بكيسانغاني → يسانغاني), so they must be there."""
    page = SimpleNamespace(url="entities/place/kisangani/", meta={"title": "كيسانغاني"}, title="كيسانغاني")
    out = search_hook.on_page_content("<h1>كيسانغاني</h1>", page=page, config={}, files=None)
    assert 'data-pagefind-meta="names:كيسانغاني يسانغاني"' in out


def test_make_site_runs_the_hooks_pagefind_bundles() -> None:
    """`make site`, the test fixture and `mkdocs serve` must build the bundles search.js asks."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    site_target = makefile.split("\nsite:", 1)[1].split("\n\n", 1)[0]
    assert [line.strip() for line in site_target.splitlines() if "pagefind" in line or "search_hook" in line] == [
        "$(BIN)/python -m builder.search_hook site"
    ]
    script = (ROOT / "docs" / "assets" / "javascripts" / "search.js").read_text(encoding="utf-8")
    for subdir in (FULL_BUNDLE, SAMPLE_BUNDLE, ENTITY_BUNDLE):
        assert f'"{subdir}"' in script


def test_pagefinds_start_up_polls_every_4_ms(tmp_path: Path) -> None:
    """The last of pagefind_commands patches the scripts Pagefind wrote: no 50 ms sleep
    left on the way to a tab's first result, in every bundle; running it again changes nothing."""
    page = '<html lang="ar"><body><div data-pagefind-body><h1>القاعدة في مالي</h1></div></body></html>'
    for path in ("articles/a-1/index.html", "entities/place/mali/index.html"):
        (tmp_path / path).parent.mkdir(parents=True)
        (tmp_path / path).write_text(page, encoding="utf-8")
    for cmd in pagefind_commands(tmp_path):
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    scripts = quicken_start_up(tmp_path)
    assert {(p.parent.name, p.name) for p in scripts} == {
        (bundle, name)
        for bundle in (FULL_BUNDLE, SAMPLE_BUNDLE, ENTITY_BUNDLE)
        for name in ("pagefind.js", "pagefind-worker.js")
    }
    before = {p: p.read_bytes() for p in scripts}
    for text in (b.decode("utf-8") for b in before.values()):
        assert "asyncSleep(50)" not in text
        assert text.count("await asyncSleep(4);}") == 2  # getPtr's and mergeIndex's waits
    quicken_start_up(tmp_path)
    assert {p: p.read_bytes() for p in scripts} == before


def test_another_pagefinds_scripts_are_refused(tmp_path: Path) -> None:
    """A Pagefind whose start-up waits differently must make the build fail, not ship unpatched."""
    (tmp_path / FULL_BUNDLE).mkdir()
    (tmp_path / FULL_BUNDLE / "pagefind.js").write_text("while(!ready){await asyncSleep(50);}", encoding="utf-8")
    with pytest.raises(RuntimeError, match="polling"):
        quicken_start_up(tmp_path)


def test_serve_indexes_behind_the_build_and_coalesces_saves(monkeypatch) -> None:
    """`mkdocs serve` must not wait for Pagefind; saves made while it runs give one more run, on the last site."""
    import threading

    from builder import search_hook

    started, release, runs = threading.Event(), threading.Event(), []

    def slow_index(site: str) -> None:
        runs.append(site)
        started.set()
        release.wait(5)

    monkeypatch.setattr(search_hook, "index_site", slow_index)
    first = search_hook.index_behind("site-1")
    assert started.wait(5)  # running in its own thread: index_behind has already returned
    assert search_hook.index_behind("site-2") is first
    assert search_hook.index_behind("site-3") is first
    release.set()
    first.join(5)
    assert not first.is_alive()
    assert runs == ["site-1", "site-3"]  # the two saves made meanwhile coalesced into one run of the last build
    assert search_hook._behind["thread"] is None


def test_serve_rebuilds_share_one_indexer_though_mkdocs_reloads_the_hook(monkeypatch) -> None:
    """MkDocs executes the hook file afresh on each serve rebuild; the saves must still coalesce."""
    import importlib.util
    import threading

    from builder import search_hook

    release, runs = threading.Event(), []
    monkeypatch.setattr(search_hook, "index_site", lambda site: (runs.append(site), release.wait(5)))

    def hook_as_mkdocs_loads_it():
        spec = importlib.util.spec_from_file_location("search_hook_reloaded", search_hook.__file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module._state["command"] = "serve"
        return module

    hook_as_mkdocs_loads_it().on_post_build({"site_dir": "site-1"})
    hook_as_mkdocs_loads_it().on_post_build({"site_dir": "site-2"})
    hook_as_mkdocs_loads_it().on_post_build({"site_dir": "site-3"})
    thread = search_hook._behind["thread"]
    release.set()
    thread.join(5)
    assert runs == ["site-1", "site-3"]
