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
    # A: annotation files (annotations/<article-id>.yml), see builder/annotations.py
    "A001": "YAML syntax error",
    "A002": "annotation file is too large",
    "A003": "duplicate key",
    "A004": "unknown key",
    "A005": "value has the wrong type",
    "A006": "required key missing",
    "A007": "value is empty",
    "A008": "annotation file is not UTF-8 or could not be read",
    "A009": "YAML anchors, aliases and tags are not allowed",
    "A010": "file name does not match the article id",
    "A101": "unknown article id",
    "A102": "quote not found in the article",
    "A103": "quote found more than once; a prefix must decide",
    "A104": "prefix is not the text just before the quote",
    "A105": "two notes' passages overlap without one containing the other",
    "A201": "date is not a YYYY-MM-DD date",
    "A202": "verdict not on the list",
    "A203": "verdict missing on a fact-check, or given on another kind",
    "A204": "kind not on the list",
    "A205": "link is not http(s)",
    "A206": "raw HTML or script in a note",
    "A207": "fact-check without a source",
    "A208": "correction repeats the extracted value",
    # R: entity registry (entities/*.yml), see builder/registry.py
    "R001": "YAML syntax error in a registry file",
    "R002": "duplicate key in a registry mapping",
    "R003": "registry value has the wrong shape (mapping or list expected)",
    "R004": "registry value must be a non-empty string",
    "R005": "unknown key in a registry file",
    "R006": "entity without id or name",
    "R007": "entity id is not a lowercase ASCII slug",
    "R008": "wikidata is not an item id (Q123)",
    "R009": "coordinates missing, malformed or out of range",
    "R010": "coordinates given for an entity that is not a place",
    "R011": "registry file is empty",
    "R012": "registry file type is not person, organisation or place",
    "R013": "the same entity id twice",
    "R014": "name has no letters to match",
    "R015": "name is a common word that never matches",
    "R016": "alias repeats a spelling of the same entity",
    "R017": "name also names another entity",
    "R018": "registry file could not be read",
}
