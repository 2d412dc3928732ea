"""Two builds of the same inputs give byte-identical docs/ and site/.

Each build runs in its own folder from scratch (builder without cache, then
`mkdocs build`), on the real seeds plus a small generated corpus so lists,
teasers and entity pages have more than a handful of entries. The only bytes
allowed to differ are those MkDocs stamps itself: the build date in
sitemap.xml(.gz) and the search index's timestamp-free but gzip-dated files.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from bench.generate import generate_corpus
from bench.site import build_site

ROOT = Path(__file__).resolve().parents[2]
STAMPED = {"sitemap.xml", "sitemap.xml.gz"}  # <lastmod> is the build date; the .gz header has a time


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> list[Path]:
    seeds = tmp_path_factory.mktemp("seeds")
    generate_corpus(seeds / "gen", 20, seed=3)
    shutil.copytree(ROOT / "seeds", seeds / "real")
    works = []
    for _ in range(2):
        work = tmp_path_factory.mktemp("build")
        built, rendered = build_site(seeds, work, strict=False)
        assert built.returncode == 0, built.stderr
        assert rendered is not None and rendered.returncode == 0, rendered.stderr
        works.append(work)
    return works


def test_docs_are_byte_identical(two_builds):
    first, second = (_tree(w / "docs") for w in two_builds)
    assert len(first) > 20
    assert first == second


def test_site_is_byte_identical_apart_from_mkdocs_stamps(two_builds):
    first, second = (_tree(w / "site") for w in two_builds)
    assert first.keys() == second.keys()
    differ = sorted(k for k in first if first[k] != second[k] and Path(k).name not in STAMPED)
    assert differ == []


def test_process_pool_gives_the_single_process_output(tmp_path) -> None:
    """`--jobs 2` (opt-in since it no longer pays on 2 cores) must write exactly what one process writes."""
    from builder.build import POOL_THRESHOLD, build
    from builder.entities import ANALYSIS_POOL_THRESHOLD

    seeds = tmp_path / "seeds"
    files = generate_corpus(seeds, 400, seed=5)
    assert files >= max(POOL_THRESHOLD, ANALYSIS_POOL_THRESHOLD)  # so both pools really run
    docs = {}
    for jobs in (1, 2):
        out = tmp_path / f"docs{jobs}"
        shutil.copytree(ROOT / "docs", out, ignore=shutil.ignore_patterns("articles", "entities", "browse", "data"))
        result = build(seeds, out, cache_dir=None, jobs=jobs, annotations_dir=tmp_path / "none")
        assert not [p for p in result.problems if p.severity == "error"]
        docs[jobs] = _tree(out)
    assert len(docs[1]) > 400 and docs[1] == docs[2]
