"""Pages skipped by their keys are never stale: an incremental build equals a fresh one, byte for byte.

The writer skips rendering a page whose key (everything the page shows) and
file are unchanged. A key that forgot something a page depends on would leave
that page stale after an edit; comparing the incremental docs/ with a cold
build of the same inputs (no cache, every page rendered) catches it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.generate import generate_corpus
from builder.build import BuildResult, build
from builder.session import Session


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


def _note(notes: Path, record: dict, text: str) -> None:
    quote = " ".join(record["paragraphs"][0].split()[:4])
    (notes / f"{record['id']}.yml").write_text(
        f"article: {record['id']}\nnotes:\n  - quote: {json.dumps(quote, ensure_ascii=False)}\n"
        f"    kind: context\n    text: {text}\n    author: test\n",
        encoding="utf-8",
    )


def test_rebuilds_in_one_session_equal_fresh_builds_after_each_edit(tmp_path: Path):
    """What `mkdocs serve` does: every build in one process, the session keeping the last build's work."""
    seeds, docs, cache, notes, fresh = (tmp_path / n for n in ("seeds", "docs", "cache", "notes", "fresh"))
    notes.mkdir()
    generate_corpus(seeds, 60, seed=5)
    session = Session()
    first = build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes, session=session)
    records = [json.loads(line) for line in (docs / "data" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    with_text = [r for r in records if r["paragraphs"] and not r["title_derived"]]
    files = sorted(seeds.glob("*.txt"))

    def same_as_fresh(step: str) -> BuildResult:
        result = build(seeds, docs, cache_dir=cache, jobs=1, annotations_dir=notes, session=session)
        shutil.rmtree(fresh, ignore_errors=True)
        build(seeds, fresh, cache_dir=None, jobs=1, annotations_dir=notes)
        incremental, cold = _tree(docs), _tree(fresh)
        assert sorted(incremental) == sorted(cold), step
        assert [p for p in cold if incremental[p] != cold[p]] == [], step
        return result

    unchanged = same_as_fresh("nothing changed")
    assert unchanged.written is not None and unchanged.written.written == ()
    assert unchanged.entities is first.entities  # nothing was linked again

    files[3].write_text(files[3].read_text(encoding="utf-8").replace("أعلن", "أكد", 2), encoding="utf-8")
    edited = same_as_fresh("a body edited")
    assert edited.cached == edited.files - 1

    _note(notes, with_text[4], "سياق للقارئ.")
    noted = same_as_fresh("a note added")
    assert noted.entities is edited.entities  # only a note changed: the links were reused
    assert any(a.id == with_text[4]["id"] and a.notes for a in noted.articles)
    made = {group: calls for group, (_, _, calls) in session.replays.items()}
    _note(notes, with_text[4], "سياق آخر للقارئ.")
    same_as_fresh("the note edited")
    assert {group: calls for group, (_, _, calls) in session.replays.items()} == made  # replayed, not made again

    (notes / f"{with_text[7]['id']}.yml").write_text(
        f"article: {with_text[7]['id']}\ncorrections:\n  date: 1999-01-02\n  title: عنوان صححه المحرر\n",
        encoding="utf-8",
    )
    corrected = same_as_fresh("a date and a title corrected")
    oldest = [a.id for a in corrected.articles if a.date][-1]
    assert oldest == with_text[7]["id"]  # it moved in the archive order

    (notes / f"{with_text[4]['id']}.yml").unlink()
    same_as_fresh("a note removed")

    retitle = with_text[10]  # a word added at the end: the title still sorts where it did
    title = json.dumps(retitle["title"] + " مصحح", ensure_ascii=False)
    (notes / f"{retitle['id']}.yml").write_text(
        f"article: {retitle['id']}\ncorrections:\n  title: {title}\n", encoding="utf-8"
    )
    retitled = same_as_fresh("a title corrected")
    assert [a.id for a in retitled.articles] == [a.id for a in corrected.articles]

    files[8].unlink()
    shutil.copy(files[9], seeds / "zz_copy_renamed.txt")  # duplicates of every article in it, one new file
    (seeds / "more").mkdir()
    same_as_fresh("a seed removed, another copied")
    generate_corpus(tmp_path / "other", 3, seed=99)  # new articles, in a folder whose parent stays as it was
    shutil.copy(sorted((tmp_path / "other").glob("*.txt"))[0], seeds / "more" / "new.txt")
    added = same_as_fresh("a seed added in a subfolder")
    assert any(a.source.endswith("more/new.txt") for a in added.articles)

    page = docs / "articles" / f"{with_text[2]['id']}.md"
    page.write_text("edited by hand", encoding="utf-8")
    restored = same_as_fresh("a generated page edited by hand")
    assert restored.written is not None and f"articles/{with_text[2]['id']}.md" in restored.written.written
