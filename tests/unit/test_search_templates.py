"""The search partials and the hook that prepares pages for Pagefind."""

from __future__ import annotations

import shlex
from pathlib import Path

import material

from builder.search_hook import (
    PAGEFIND_BUNDLES,
    SEPARATOR,
    matching_terms,
    page_kind,
    page_slice,
    pagefind_commands,
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
    assert slice_count(5) == 1 and slice_count(20005) == 20  # about SLICE_PAGES articles each
    assert page_slice("articles/a-528e9c4a65/", 1) == 0
    picks = [page_slice(f"articles/s-{i:06d}/", 20) for i in range(20000)]
    assert picks == [page_slice(f"articles/s-{i:06d}/", 20) for i in range(20000)]  # a hash, not build order
    assert 800 < picks.count(0) < 1200  # slice 0, the sample a very common query is ranked over


def test_make_site_runs_the_hooks_pagefind_bundles() -> None:
    """`make site`, the test fixture and `mkdocs serve` must build the same two bundles search.js asks."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    site_target = makefile.split("\nsite:", 1)[1].split("\n\n", 1)[0]
    runs = [shlex.split(line.strip())[1:] for line in site_target.splitlines() if "-m pagefind" in line]
    expected = [cmd[1:] for cmd in pagefind_commands("site")]
    assert runs == expected
    script = (ROOT / "docs" / "assets" / "javascripts" / "search.js").read_text(encoding="utf-8")
    for _, subdir in PAGEFIND_BUNDLES:
        assert f'"{subdir or "pagefind"}"' in script
