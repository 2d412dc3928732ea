"""Bad input is reported with file and line, repaired where safe, and never stops other seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import assemble, process_seed
from builder.sources import decode_seed

GOOD = "عنوان المقال هنا\n\nهذه فقرة أولى كاملة من المقال تنتهي بنقطة.\n\nوهذه فقرة ثانية من المقال نفسه.\n"


def codes(problems):
    return [(p.code, p.line) for p in problems]


def test_empty_file_is_an_error_naming_the_file():
    source, problems = decode_seed(b"  \n\n", "seeds/empty.txt")
    assert source is None
    assert [p.format() for p in problems] == [
        "seeds/empty.txt:1:1: error[S001]: the file is empty (remove it or re-run the scraper)"
    ]


def test_binary_file_is_skipped_with_an_error():
    source, problems = decode_seed(bytes(range(256)) * 20, "seeds/photo.txt")
    assert source is None
    assert codes(problems) == [("S003", 1)]
    assert problems[0].severity == "error"


def test_windows_1256_is_decoded_and_reported_with_its_line():
    raw = "سطر أول بالعربية\nسطر ثان\n".encode("cp1256")
    source, problems = decode_seed(raw, "seeds/old.txt")
    assert source is not None
    assert source.text.startswith("سطر أول بالعربية")
    assert codes(problems) == [("S002", 1)]
    assert "cp1256" in problems[0].message


def test_utf8_file_with_a_cp1256_tail_names_the_first_bad_line():
    raw = "سطر سليم\n".encode() + "سطر قديم\n".encode("cp1256")
    _, problems = decode_seed(raw, "seeds/mixed.txt")
    assert ("S002", 2) in codes(problems)


def test_bom_and_crlf_are_removed_and_reported():
    raw = "\ufeff".encode() + GOOD.replace("\n", "\r\n").encode()
    source, problems = decode_seed(raw, "seeds/win.txt")
    assert source is not None
    assert "\r" not in source.text and not source.text.startswith("\ufeff")
    assert codes(problems) == [("S004", 1), ("S005", 1)]


def test_bidi_controls_are_removed_from_displayed_text_and_reported():
    raw = "عنوان\n\nفقرة فيها \u202eتلاعب\u202c بالاتجاه و\u200bمسافة خفية.\n".encode()
    source, problems = decode_seed(raw, "seeds/bidi.txt")
    assert source is not None
    assert "\u202e" not in source.text and "\u200b" not in source.text
    assert "فقرة فيها تلاعب بالاتجاه ومسافة خفية." in source.text
    (problem,) = problems
    assert (problem.code, problem.line, problem.col) == ("S006", 3, 11)


def test_nul_bytes_are_removed_and_reported():
    source, problems = decode_seed("عنوان\n\nفقرة\x00 فيها صفر.\n".encode(), "seeds/nul.txt")
    assert source is not None and "\x00" not in source.text
    assert codes(problems) == [("S007", 3)]


@pytest.mark.parametrize(
    "line",
    ["<script>alert(1)</script> نص", "نص مع [رابط](javascript:alert(1))", "## عنوان ماركداون", "نص {{ config }} هنا"],
)
def test_markup_in_the_text_is_reported_as_a_warning(line):
    source, problems = decode_seed(f"عنوان\n\n{line}\n".encode(), "seeds/markup.txt")
    assert source is not None and line in source.text  # kept as text, escaped later
    assert codes(problems) == [("S008", 3)]
    assert problems[0].severity == "warning"


def test_huge_line_is_reported_and_kept():
    huge = "كلمة " * 50_000
    source, problems = decode_seed(f"عنوان\n\n{huge}\n".encode(), "seeds/huge.txt")
    assert source is not None
    assert ("S009", 3) in codes(problems)
    result_text = source.text.split("\n")[2]
    assert result_text == huge.strip() or result_text == huge


def test_bad_files_never_stop_the_others(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a_empty.txt").write_bytes(b"")
    (seeds / "b_binary.txt").write_bytes(b"\x00\x01\x02" * 500)
    (seeds / "c_good.txt").write_text(GOOD, encoding="utf-8")
    (seeds / "d_cp1256.txt").write_bytes(("عنوان آخر هنا\n\n" + "فقرة بترميز ويندوز العربي.\n").encode("cp1256"))
    result = assemble(seeds, cache_dir=None, jobs=1)
    assert {a.title for a in result.articles} == {"عنوان المقال هنا", "عنوان آخر هنا"}
    assert {(p.file, p.code) for p in result.problems} >= {
        ("seeds/a_empty.txt", "S001"),
        ("seeds/b_binary.txt", "S003"),
        ("seeds/d_cp1256.txt", "S002"),
    }


def test_unreadable_file_is_reported(tmp_path: Path):
    missing = tmp_path / "gone.txt"
    result = process_seed(missing, "seeds/gone.txt")
    assert result.articles == ()
    assert codes(result.problems) == [("S010", 1)]


def test_each_line_reports_its_first_markup_with_line_and_column():
    # Searched only where a telltale character is: a line-start shape needs its line break,
    # and the first line has none.
    text = "# عنوان\nنص عادي\nنص `رمز` ثم <b>غامق</b>\n\n   - بند\nنص ]( بلا قوس\n---\nنص - شرطة في الوسط\n"
    _, problems = decode_seed(text.encode(), "seeds/markup.txt")
    assert [(p.code, p.line, p.col) for p in problems] == [
        ("S008", 1, 1),
        ("S008", 3, 4),
        ("S008", 5, 1),
        ("S008", 7, 1),
    ]
    assert "'`'" in problems[1].message  # the first markup on the line, not the tag after it


def test_repairs_and_warnings_on_one_line_come_in_line_order():
    text = "نص\u202e <i>مائل</i>\x00\nنص سليم\nفقرة\u200b\n"
    source, problems = decode_seed(text.encode(), "seeds/mixed.txt")
    assert source is not None and source.text == "نص <i>مائل</i>\nنص سليم\nفقرة\n"
    assert [(p.code, p.line, p.col) for p in problems] == [
        ("S006", 1, 3),
        ("S007", 1, 15),
        ("S008", 1, 4),
        ("S006", 3, 5),
    ]
