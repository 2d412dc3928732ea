"""Find and decode seed files: the only code that reads them.

Scrapers hand over whatever the web gave them: UTF-8 with or without a BOM,
Windows-1256 from older Arabic sites, CRLF line ends, NUL bytes, invisible
bidi controls, sometimes a binary file saved with a .txt name. Each of these is
repaired where the repair cannot change the meaning, and reported with the
file and line either way; a file that cannot be read as text is skipped with an
error, and the others still build.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from .model import SourceText
from .normalize import SPOOFING_CONTROLS, remove_spoofing
from .problems import Problem, error, warning

SEED_SUFFIXES = (".txt", ".text", ".md")
FALLBACK_ENCODINGS = ("cp1256", "iso-8859-6")
LONG_LINE = 20_000  # characters; a paragraph this long is almost always a scraper fault
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WEIRD_BYTES = bytes(b for b in range(32) if b < 9 or b > 13)
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z][^>]*>|\]\([^)]*\)|!\[|^\s{0,3}#{1,6}\s|^\s*[-*+]\s|`|\{\{|\{%|^---\s*$",
    re.MULTILINE,
)
# What every `_MARKUP` match needs on its line, so only such lines are searched with `_MARKUP`
# (which would try every position of every line). The shapes that start a line need their
# line break, which the regex engine finds fast; the rest need one of a few rare characters.
_LINE_START_MARKUP = re.compile(r"\n[^\S\n]*[-*+#]")
_MARKUP_HINT = re.compile(r"[<`]|\]\(|!\[|\{[{%]|\n[^\S\n]*[-*+#]")
# Anything `_clean_line` removes: spoofing controls and C0 controls other than tab and line ends.
_DIRTY_CHARS = "".join(sorted(SPOOFING_CONTROLS)) + r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_DIRTY = re.compile(f"[{_DIRTY_CHARS}]")
# One scan for the characters that anything but a line-start shape needs: most files have none.
_SUSPECT = re.compile(rf"[{_DIRTY_CHARS}<`\]!{{]")


def find_seeds(seeds_dir: Path) -> list[Path]:
    """Seed files in a stable order (sorted relative paths), so output never depends on the OS."""
    found = [p for p in seeds_dir.rglob("*") if p.is_file() and p.suffix.lower() in SEED_SUFFIXES]
    return sorted(found, key=lambda p: p.relative_to(seeds_dir).as_posix())


def read_seed(path: Path, name: str) -> tuple[SourceText | None, list[Problem]]:
    """Read one seed file; `name` is the path shown in data and problems."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(name, 1, "S010", f"cannot read the file: {exc.strerror}", "check its permissions")]
    return decode_seed(raw, name)


def decode_seed(raw: bytes, name: str) -> tuple[SourceText | None, list[Problem]]:
    """Bytes to cleaned text plus every repair made, each with its line."""
    problems: list[Problem] = []
    digest = hashlib.sha256(raw).hexdigest()
    if not raw or raw.isspace():  # `not raw.strip()` without copying the file
        return None, [error(name, 1, "S001", "the file is empty", "remove it or re-run the scraper")]
    if _looks_binary(raw):
        return None, [
            error(name, 1, "S003", "the file is binary, not text", "seeds must be plain UTF-8 text; remove this file")
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append(warning(name, 1, "S004", "byte-order mark removed"))
    text, encoding, bad_line = _decode(raw)
    if encoding != "utf-8":
        problems.append(
            warning(
                name,
                bad_line,
                "S002",
                f"not valid UTF-8 from this line on; decoded as {encoding}",
                "save seeds as UTF-8",
            )
        )
    if "\r" in text:
        first = text[: text.index("\r")].count("\n") + 1
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        problems.append(warning(name, first, "S005", "CRLF or CR line ends converted to LF"))
    text, found = _clean(text, name)
    problems.extend(found)
    return SourceText(path=name, text=text, sha256=digest), problems


def _clean(text: str, name: str) -> tuple[str, list[Problem]]:
    """Remove controls and report them, markup-like text and long lines, each with its line.

    Whole-text searches find the few lines that need anything, so a clean
    file (nearly all of them) is never walked line by line in Python.
    """
    found: list[tuple[int, int, Problem]] = []  # (line, rank of the check on that line, problem)
    hints = _LINE_START_MARKUP
    if _SUSPECT.search(text):
        if _DIRTY.search(text):
            lines = text.split("\n")
            for number, line in enumerate(lines, start=1):
                if _DIRTY.search(line):
                    lines[number - 1] = _clean_line(line, name, number, found)
            text = "\n".join(lines)
        hints = _MARKUP_HINT
    _find_markup(text, hints, name, found)
    if len(text) > LONG_LINE and max(map(len, lines := text.split("\n"))) > LONG_LINE:
        for number, line in enumerate(lines, start=1):
            if len(line) > LONG_LINE:
                found.append(
                    (
                        number,
                        3,
                        warning(
                            name, number, "S009", f"line of {len(line):,} characters", "check the scraper's output"
                        ),
                    )
                )
    found.sort(key=lambda item: (item[0], item[1]))
    return text, [problem for _, _, problem in found]


def _find_markup(text: str, hints: re.Pattern[str], name: str, found: list[tuple[int, int, Problem]]) -> None:
    """Report the first markup-like text of each line that `hints` says could hold some."""
    line_no, start, end = 1, 0, -1  # the line last looked at: its number and [start, end)
    for at in _markup_candidates(text, hints):
        if at <= end:
            continue  # that line was looked at already
        line_no += text.count("\n", start, at)
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            end = len(text)
        markup = _MARKUP.search(text, start, end)
        if markup:
            found.append(
                (
                    line_no,
                    2,
                    warning(
                        name,
                        line_no,
                        "S008",
                        f"markup-like text {markup.group(0)[:20]!r} will be shown as plain text",
                        "nothing to do unless the scraper should have stripped it",
                        col=markup.start() - start + 1,
                    ),
                )
            )


def _markup_candidates(text: str, hints: re.Pattern[str]) -> Iterator[int]:
    """Offsets on the lines `_MARKUP` could match: the first line and those `hints` finds."""
    yield 0
    for hint in hints.finditer(text):
        at = hint.start()
        yield at + 1 if text[at] == "\n" else at  # a line-start shape belongs to the line after the break


def _clean_line(line: str, name: str, number: int, found: list[tuple[int, int, Problem]]) -> str:
    line, removed = remove_spoofing(line)
    if removed:
        found.append(
            (
                number,
                0,
                warning(
                    name,
                    number,
                    "S006",
                    f"{len(removed)} invisible bidi/spoofing control character(s) removed",
                    "they can make text display differently from what it says",
                    col=removed[0] + 1,
                ),
            )
        )
    controls = _CONTROL.search(line)
    if controls:
        line = _CONTROL.sub("", line)
        found.append(
            (number, 1, warning(name, number, "S007", "NUL or control characters removed", col=controls.start() + 1))
        )
    return line


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    # Text in any of our encodings is mostly printable; binaries are not.
    weird = len(head) - len(head.translate(None, _WEIRD_BYTES))  # counted in C, not byte by byte
    if not weird:
        return False  # nearly every file: no NUL either, as NUL is one of them
    return head.count(b"\x00") > len(head) // 100 + 1 or weird > len(head) // 20


def _decode(raw: bytes) -> tuple[str, str, int]:
    try:
        return raw.decode("utf-8"), "utf-8", 1
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _ARABIC.search(text):
            return text, encoding, bad_line
    return raw.decode("utf-8", errors="replace"), "utf-8 with replacement characters", bad_line


def iter_sources(seeds_dir: Path) -> Iterator[tuple[Path, str]]:
    """(path, display name) for each seed: the display name is relative to the seeds folder's parent."""
    base = seeds_dir.parent
    for path in find_seeds(seeds_dir):
        try:
            name = path.relative_to(base).as_posix()
        except ValueError:
            name = path.as_posix()
        yield path, name
