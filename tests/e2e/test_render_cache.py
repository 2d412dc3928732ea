"""Pages skipped by their keys are never stale: an incremental build equals a fresh one, byte for byte.

The writer skips rendering a page whose key (everything the page shows) and
file are unchanged. A key that forgot something a page depends on would leave
that page stale after an edit; comparing the incremental docs/ with a cold
build of the same inputs (no cache, every page rendered) catches it.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.generate import generate_corpus
from builder.build import build


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_incremental_builds_equal_a_fresh_build_after_seed_and_annotation_edits(tmp_path: Path):
    seeds, docs, cache, notes, fresh = (tmp_path / n for n in ("seeds", "docs", "cache", "notes", "fresh"))
    notes.mkdir()
    generate_corpus(seeds, 80, seed=11)
    build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes)

    # An edited body sentence, a retitled article (its neighbours and related lists show the title), a note.
    files = sorted(seeds.glob("*.txt"))
    text = files[5].read_text(encoding="utf-8")
    files[5].write_text(text.replace("أعلن", "أكد", 2), encoding="utf-8")
    records = [json.loads(line) for line in (docs / "data" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    first = next(r for r in records[3:] if not r["title_derived"] and r["paragraphs"])
    source = seeds / Path(first["source"]).name
    before = source.read_text(encoding="utf-8")
    assert first["title"] in before
    source.write_text(before.replace(first["title"], first["title"] + " جديد"), "utf-8")
    noted = next(r for r in records if r["source"] != first["source"] and r["paragraphs"])  # its id stays
    quote = " ".join(noted["paragraphs"][0].split()[:4])
    (notes / f"{noted['id']}.yml").write_text(
        f"article: {noted['id']}\nnotes:\n  - quote: {json.dumps(quote, ensure_ascii=False)}\n"
        "    kind: context\n    text: سياق للقارئ.\n    author: test\n",
        encoding="utf-8",
    )
    changed = build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes)
    assert changed.written is not None and changed.written.unchanged > 0  # most pages were skipped
    assert any(a.title == first["title"] + " جديد" for a in changed.articles)
    assert [p.format() for p in changed.problems if p.severity == "error"] == []
    assert any(a.id == noted["id"] and a.notes for a in changed.articles)

    build(seeds, fresh, cache_dir=None, jobs=1, annotations_dir=notes)
    incremental, cold = _tree(docs), _tree(fresh)
    assert sorted(incremental) == sorted(cold)
    stale = [path for path in cold if incremental[path] != cold[path]]
    assert stale == []
