"""Every problem code is documented for the people who will meet it, and used by the code."""

from __future__ import annotations

import re
from pathlib import Path

from builder.problems import CODES, Problem, error, has_errors, warning

ROOT = Path(__file__).resolve().parents[2]


def test_every_code_is_documented_in_contributing():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if not re.search(rf"\b{code}\b", text)]
    assert not missing, f"add these codes to CONTRIBUTING.md: {missing}"


def test_every_code_is_emitted_somewhere():
    modules = [p for p in (ROOT / "builder").rglob("*.py") if p.name != "problems.py"]  # CODES itself
    source = "\n".join(p.read_text(encoding="utf-8") for p in modules)
    emitted = set(re.findall(r'"([ASR]\d{3})"', source))
    unused = sorted(set(CODES) - emitted)
    assert not unused, f"codes listed but never emitted: {unused}"


def test_problem_format_is_clickable():
    p = error("annotations/a-1.yml", 14, "A102", "quote not found", "closest passage: «…»", col=5)
    assert p.format() == "annotations/a-1.yml:14:5: error[A102]: quote not found (closest passage: «…»)"
    assert warning("seeds/x.txt", 2, "S005", "CRLF").format() == "seeds/x.txt:2:1: warning[S005]: CRLF"


def test_strict_turns_warnings_into_errors():
    only_warning = [Problem("f", 1, 1, "S004", "warning", "bom")]
    assert not has_errors(only_warning)
    assert has_errors(only_warning, strict=True)
    assert not has_errors([], strict=True)
