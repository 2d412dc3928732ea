"""Shared fixtures: the real seeds, parsed once, and the real site, built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def seed_build():
    """The whole archive assembled from the real seeds, without the cache or any writing."""
    from builder.build import assemble

    return assemble(SEEDS, cache_dir=None, jobs=1)


@pytest.fixture(scope="session")
def seed_articles(seed_build):
    return {a.title: a for a in seed_build.articles}


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHIVE_BUILDER": "off"}
    return subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True, **kwargs)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """`make site` as CI runs it: builder into docs/, mkdocs --strict, then the search index."""
    site = tmp_path_factory.mktemp("site")
    from builder.search_hook import pagefind_commands

    steps = [
        [sys.executable, "-m", "builder", "build", "--seeds", str(SEEDS), "--docs", str(ROOT / "docs")],
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
    ]
    for step in steps:
        done = run(step)
        assert done.returncode == 0, f"{' '.join(step)} failed:\n{done.stdout}\n{done.stderr}"
    # The bundles as `make site` makes them; the sample's pages are read from the built site, so only now.
    for step in pagefind_commands(site):
        done = run(step)
        assert done.returncode == 0, f"{' '.join(step)} failed:\n{done.stdout}\n{done.stderr}"
    return site
