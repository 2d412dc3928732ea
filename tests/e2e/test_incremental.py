"""A one-seed change re-extracts only that seed and rewrites only the pages whose bytes changed.

This is what makes `mkdocs serve` rebuild in about a second at archive scale:
the content-hash cache in `builder.build` skips every unchanged seed, and
`builder.write` leaves unchanged files untouched, so MkDocs' watcher sees only
real changes. Counted here on a small generated corpus (speed itself is
`make bench`'s business, not a test's).
"""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate_corpus
from builder.build import build


def test_one_seed_change_reextracts_one_seed_and_rewrites_few_pages(tmp_path: Path):
    seeds, docs, cache, notes = (tmp_path / n for n in ("seeds", "docs", "cache", "notes"))
    notes.mkdir()
    files = generate_corpus(seeds, 60, seed=5)
    first = build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes)
    assert first.cached == 0 and first.written is not None and len(first.written.written) > 60

    again = build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes)
    assert again.cached == files
    assert again.written is not None and again.written.written == ()  # nothing changed, nothing written

    target = sorted(seeds.glob("*.txt"))[files // 2]
    target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + " وأضاف المتحدث تفصيلًا جديدًا.\n", "utf-8")
    changed = build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes)
    assert changed.cached == files - 1  # only the edited seed was extracted again
    assert changed.written is not None
    rewritten = set(changed.written.written)
    edited = [a for a in changed.articles if a.source.endswith(target.name)]
    assert any(f"articles/{a.id}.md" in rewritten for a in edited)
    pages = [p for p in rewritten if p.startswith("articles/")]
    assert len(pages) <= len(edited) + 2 * len(edited) + 5, pages  # the article, its neighbours, related
    assert changed.written.unchanged > len(rewritten)
