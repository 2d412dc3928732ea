"""Problems found in inputs, in one format a person can act on.

Every stage returns its problems instead of printing or raising them, so a
bad file never stops the others and the run can report everything at once.
The format is the one compilers use (`path:line:col: severity[CODE]: ...`)
because editors and CI logs turn it into a clickable location.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str
    hint: str = ""

    def format(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.col}: {self.severity}[{self.code}]: {self.message}{hint}"


def error(file: str, line: int, code: str, message: str, hint: str = "", col: int = 1) -> Problem:
    return Problem(file, line, col, code, "error", message, hint)


def warning(file: str, line: int, code: str, message: str, hint: str = "", col: int = 1) -> Problem:
    return Problem(file, line, col, code, "warning", message, hint)


def has_errors(problems: Iterable[Problem], strict: bool = False) -> bool:
    """True when the run must fail; `strict` promotes warnings, as `--strict` does."""
    return any(p.severity == "error" or strict for p in problems)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Deterministic order (file, line, col, code) so reports diff cleanly between runs."""
    return sorted(set(problems))


# Codes, one place: documented in CONTRIBUTING.md and checked by a test.
CODES: dict[str, str] = {
    # S: seed files
    "S001": "seed file is empty",
    "S002": "seed file is not UTF-8; decoded with a fallback encoding",
    "S003": "seed file looks binary and was skipped",
    "S004": "byte-order mark removed",
    "S005": "Windows (CRLF) or old Mac (CR) line ends normalised",
    "S006": "invisible bidi or spoofing control characters removed",
    "S007": "NUL or other control characters removed",
    "S008": "HTML or Markdown syntax in the text (rendered as plain text)",
    "S009": "very long line",
    "S010": "seed file could not be read",
    "S011": "no article found in the seed file",
    "S012": "the same article appears twice; one copy kept",
    "S013": "article has no title in the dump; title derived from its lead",
    "S014": "header line not understood",
}
