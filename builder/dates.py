"""Dates in one place: header dates, date lines, and dates inside photo captions.

Arabic outlets write months three ways (يناير / كانون الثاني / جانفي) and
digits two ways; every date the archive shows comes through these functions,
with the line it came from, and nothing here guesses a date that the text
does not state.
"""

from __future__ import annotations

import re
from datetime import date

from . import patterns as P
from .model import Caption
from .normalize import DIGITS, normalize


def _alternation(words: list[str]) -> str:
    """Regex matching any of `words`, longest first, as a tree of shared beginnings.

    `re` tries a flat alternation one word at a time at every position of a
    caption; grouped by their first letters it tries only the words that fit.
    Of words that all match at one place (ماي, مايو) the longest is still tried first.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append("")  # the word may end here, after its longer continuations were tried
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(tree)


_MONTH_ALT = _alternation(list(P.MONTHS))
_DAY_MONTH_YEAR = re.compile(
    rf"(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{_MONTH_ALT})(?:\s*\([^)]*\))?\s+(?P<year>(?:19|20)\d\d)"
)
_YEAR_ONLY = re.compile(r"(?:عام|العام|سنة)\s+(?P<year>(?:19|20)\d\d)")
# Date lines are matched as printed, Arabic-Indic digits and all (`int` reads them), so the
# parser can ask every line without translating its digits first: a year's 19/20 accepts the
# same three digit forms that folding the digits to ASCII would have made 19/20.
_CENTURY = "(?:[1١۱][9٩۹]|[2٢۲][0٠۰])"
_DATE_LINE_NAMED = re.compile(
    rf"^{P.DATE_LINE_PREFIX}{P.DATE_LINE_WEEKDAY}(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_ALT})(?:\s*/\s*\S+)?"
    rf"(?:\s*\([^)]*\))?\s*[،,]?\s+(?P<year>{_CENTURY}\d\d){P.DATE_LINE_TIME}$"
)
_DATE_LINE_NUMERIC = re.compile(
    rf"^{P.DATE_LINE_PREFIX}{P.DATE_LINE_WEEKDAY}(?:(?P<d>\d{{1,2}})[/.\-](?P<m>\d{{1,2}})[/.\-](?P<y>{_CENTURY}\d\d)"
    rf"|(?P<y2>{_CENTURY}\d\d)[/.\-](?P<m2>\d{{1,2}})[/.\-](?P<d2>\d{{1,2}})){P.DATE_LINE_TIME}$"
)
# What every caption date needs, loosely: a year's first digit then three digits. A pattern that
# starts with one set of characters is scanned for fast; `_CENTURY` would be tried at every position.
_ANY_YEAR = re.compile(r"[12١٢۱۲]\d\d\d")
DATE_LINE_SCAN = 3  # a date line sits at the top of the article, before the lead
_MONTHS_NORM = {normalize(k): v for k, v in P.MONTHS.items()}
_ARABIC_DIGITS = str.maketrans(DIGITS)
_INDIC_DIGIT = re.compile("[" + "".join(DIGITS) + "]")  # translating a caption costs more than looking


def parse_iso_date(value: str) -> str | None:
    digits = normalize(value)
    m = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", digits)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def parse_date_line(text: str) -> str | None:
    """ISO date of a line that is only a publication date, else None.

    Such a line is the dump stating the date, like a header: prose that merely
    mentions a date («في 19 أغسطس/آب، حيث…») never matches the whole line.
    """
    line = text.strip()
    m = _DATE_LINE_NAMED.match(line)
    if m:
        month = _MONTHS_NORM.get(normalize(m.group("month")))
        return _iso(int(m.group("year")), month, int(m.group("day"))) if month else None
    m = _DATE_LINE_NUMERIC.match(line)
    if m:
        if m.group("y"):
            return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        return _iso(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def caption_dates(text: str) -> list[tuple[date, str]]:
    found: list[tuple[date, str]] = []
    if not _ANY_YEAR.search(text):
        return found
    digits = text.translate(_ARABIC_DIGITS) if _INDIC_DIGIT.search(text) else text
    for m in _DAY_MONTH_YEAR.finditer(digits):
        month = _MONTHS_NORM.get(normalize(m.group("month")))
        if month is None:
            continue
        try:
            found.append((date(int(m.group("year")), month, int(m.group("day") or 1)), m.group(0)))
        except ValueError:
            continue
    for m in _YEAR_ONLY.finditer(digits):
        found.append((date(int(m.group("year")), 1, 1), m.group(0)))
    return found


def earliest_date(captions: list[Caption]) -> tuple[str | None, str | None]:
    """Latest date a photo caption states: the article cannot be older than its newest photo.

    Only dates with a year count; «حركة 23 مارس» has none and is a name.
    A month without a day bounds at the month's first day.
    """
    best: tuple[date, Caption, str] | None = None
    for cap in captions:
        for found, text in caption_dates(cap.text):
            if best is None or found > best[0]:
                best = (found, cap, text)
    if best is None:
        return None, None
    return best[0].isoformat(), f"caption:{best[1].line}"
