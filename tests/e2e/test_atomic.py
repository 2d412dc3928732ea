"""An interrupted build leaves the previous docs/ complete and usable.

A first build writes docs/ for a small corpus; a second build, over a large
generated corpus, is killed with SIGKILL while it works. Every file the first
build listed in its manifest must still be there and whole: either the old
bytes or a complete new page (never a truncated one), and no temporary file
may be taken for a page.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import generate_corpus
from bench.site import hand_written_docs

ROOT = Path(__file__).resolve().parents[2]


def _build(seeds: Path, docs: Path, notes: Path) -> list[str]:
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--docs", str(docs)]
    return [*cmd, "--annotations", str(notes), "--no-cache", "--jobs", "1", "--quiet"]


def test_killed_build_leaves_previous_docs_usable(tmp_path):
    small, large, docs, notes = (tmp_path / n for n in ("small", "large", "docs", "notes"))
    notes.mkdir()
    generate_corpus(small, 30, seed=1)
    hand_written_docs(docs)
    first = subprocess.run(_build(small, docs, notes), cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    manifest = json.loads((docs / ".generated.json").read_text(encoding="utf-8"))
    before = {rel: (docs / rel).read_bytes() for rel in manifest}
    pages = [rel for rel in manifest if rel.startswith("articles/")]
    assert len(pages) >= 30

    # The large build's pages overlap the small one's (same generator seed), so some files are rewritten.
    generate_corpus(large, 500, seed=1)
    proc = subprocess.Popen(_build(large, docs, notes), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Kill as soon as it has started writing (a new page appears): the moment a non-atomic writer breaks pages.
    while time.monotonic() < deadline and proc.poll() is None:
        written = sum(1 for _ in (docs / "articles").iterdir())
        if written > len(pages) + 5:
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the build finished before it could be interrupted; use a larger corpus"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    for rel, old in before.items():
        path = docs / rel
        assert path.is_file(), f"{rel} vanished"
        now = path.read_bytes()
        if now != old:  # rewritten by the killed build: a whole new page, never a prefix of one
            assert now.endswith(b"\n") and now.rstrip().endswith((b">", b"}", b"]")), f"{rel} was left truncated"
    leftovers = [p.name for p in docs.rglob(".tmp-*")]
    assert all(name.startswith(".") for name in leftovers)  # MkDocs skips dotfiles: a leftover is never a page
    for page in pages:
        text = (docs / page).read_text(encoding="utf-8")
        assert text.startswith("---\n") and "\n---\n" in text[4:], f"{page} lost its front matter"
        assert "</p>" in text, f"{page} has no body"
