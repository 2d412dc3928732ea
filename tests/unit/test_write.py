"""The writer: pages written as they come, atomically, only when changed; skipped when their key is unchanged."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from builder.data import article_line, article_record
from builder.model import ArticleEntity, Caption, Mention, Quote, Teaser
from builder.write import JOURNAL, MANIFEST, DuplicateOutput, Output
from tests.factories import make_article


def _output(tmp_path, salt=b"s"):
    return Output(tmp_path / "docs", tmp_path / "keys.pickle", salt)


def test_pages_are_written_once_and_unchanged_files_are_left_alone(tmp_path):
    out = _output(tmp_path)
    out.add("a/index.md", "أ\n")
    out.add("b.md", b"b\n")
    with pytest.raises(DuplicateOutput):
        out.add("b.md", "again")
    with pytest.raises(DuplicateOutput):
        out.add("../escape.md", "x")
    first = out.close()
    assert first.written == ("a/index.md", "b.md") and first.unchanged == 0
    docs = tmp_path / "docs"
    assert (docs / "a/index.md").read_text(encoding="utf-8") == "أ\n"
    assert json.loads((docs / MANIFEST).read_text(encoding="utf-8")) == ["a/index.md", "b.md"]
    stamp = (docs / "b.md").stat().st_mtime_ns

    out = _output(tmp_path)
    out.add("b.md", "b\n")
    second = out.close()
    assert second.written == () and second.unchanged == 1
    assert second.removed == ("a/index.md",) and not (docs / "a").exists()  # stale file and its empty folder
    assert (docs / "b.md").stat().st_mtime_ns == stamp


def test_a_build_killed_before_its_manifest_still_removes_its_new_files_later(tmp_path):
    out = _output(tmp_path)
    out.add("kept.md", "k\n")
    out.close()
    killed = _output(tmp_path)
    killed.add("kept.md", "k\n")
    killed.add("new/page.md", "n\n")  # never closed: no manifest lists it, the journal does
    docs = tmp_path / "docs"
    assert "new/page.md" in (docs / JOURNAL).read_text(encoding="utf-8")
    out = _output(tmp_path)
    out.add("kept.md", "k\n")
    result = out.close()
    assert result.removed == ("new/page.md",) and not (docs / "new").exists()
    assert not (docs / JOURNAL).exists()


def test_a_page_with_an_unchanged_key_is_not_rendered_again(tmp_path):
    calls = []

    def render(text):
        def make():
            calls.append(text)
            return text

        return make

    out = _output(tmp_path)
    out.add_rendered("p.md", ("key", 1), render("one\n"))
    out.close()
    assert calls == ["one\n"]

    out = _output(tmp_path)
    out.add_rendered("p.md", ("key", 1), render("never\n"))
    assert out.close().unchanged == 1 and calls == ["one\n"]

    page = tmp_path / "docs" / "p.md"
    page.write_text("edited by hand, longer\n", encoding="utf-8")  # the file is no longer what was written
    out = _output(tmp_path)
    out.add_rendered("p.md", ("key", 1), render("one\n"))
    assert out.close().written == ("p.md",) and page.read_text(encoding="utf-8") == "one\n"

    out = _output(tmp_path, salt=b"other code")  # new builder code or templates: everything is rendered
    out.add_rendered("p.md", ("key", 1), render("one\n"))
    out.close()
    assert calls == ["one\n", "one\n", "one\n"]

    out = _output(tmp_path, salt=b"other code")
    out.add_rendered("p.md", ("key", 2), render("two\n"))
    assert out.close().written == ("p.md",) and page.read_text(encoding="utf-8") == "two\n"


def test_keys_compare_values_not_object_identity(tmp_path):
    shared = "نص مشترك"
    same = (shared, shared)
    copies = ("نص مشترك", "".join(["نص ", "مشترك"]))  # equal strings, distinct objects
    assert copies[0] is not copies[1]
    out = _output(tmp_path)
    out.add_rendered("p.md", same, lambda: "x\n")
    out.close()
    out = _output(tmp_path)
    out.add_rendered("p.md", copies, lambda: pytest.fail("rendered again for an equal key"))
    out.close()


def test_line_files_remake_only_the_lines_of_changed_records(tmp_path):
    records = {"a": "1", "b": "2", "c": "3"}
    made: list[int] = []

    def write(values):
        ids = sorted(values)
        out = _output(tmp_path)
        made.clear()

        def line(i):
            made.append(i)
            return f'{{"id": "{ids[i]}", "v": {values[ids[i]]}}}\n'

        out.add_lines("data.jsonl", [(i, values[i]) for i in ids], line)
        return out.close()

    write(records)
    assert made == [0, 1, 2]
    assert write(records).unchanged == 1 and made == []
    records["b"] = "20"
    assert write(records).written == ("data.jsonl",) and made == [1]
    text = (tmp_path / "docs" / "data.jsonl").read_text(encoding="utf-8")
    assert text == '{"id": "a", "v": 1}\n{"id": "b", "v": 20}\n{"id": "c", "v": 3}\n'
    records["d"] = "4"
    write(records)
    assert made == [3]


def test_data_records_hold_every_field_of_nested_records_like_asdict():
    caption = Caption("تعليق", "أ ف ب", 3)
    teaser = Teaser("عنوان", 9, section="أفريقيا", caption=caption, byline="«الشرق الأوسط»", target_id="a-1")
    entity = ArticleEntity("e", "مالي", "place", (Mention("مالي", 0, 0, 4), Mention("مالي", -1, 2, 6)))
    article = make_article(
        "a-2", ("مالي اليوم.",), teasers=(teaser,), quotes=(Quote("اليوم", 0, 5),), entities=(entity,)
    )
    record = article_record(article)

    def as_json(value):  # asdict keeps tuples where the record has lists: the same JSON
        return json.dumps(value, ensure_ascii=False)

    assert as_json(record["entities"]) == as_json([asdict(entity)])
    assert as_json(record["quotes"]) == as_json([asdict(q) for q in article.quotes])
    expected_teaser = {k: v for k, v in asdict(teaser).items() if k != "caption"} | {"caption": asdict(caption)}
    assert as_json(record["teasers"]) == as_json([expected_teaser])  # key order too: part of the format
    line = article_line(article)
    assert line.endswith("\n") and json.loads(line) == json.loads(json.dumps(record, ensure_ascii=False))
    assert line == json.dumps(record, ensure_ascii=False) + "\n"
