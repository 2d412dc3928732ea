"""Seed text -> raw articles: where each article starts and what each line is.

A scraped news page has a recognisable shape, whatever the outlet:

    title                      <- title-like line
    deck                       <- optional sub-headline
    caption (credit)           <- photo caption ending in a credit in parentheses
    caption (credit)           <- the same caption again (scraper debris)
    TT                         <- page chrome (debris)
    title                      <- the title again: this repeat marks a page header
    caption (credit) ×2
    body lines …               <- paragraphs, short heading lines, in-body captions
    مقالات ذات صلة             <- related-articles block: teasers closed by bylines
    teaser lines … «الشرق الأوسط» (واشنطن)

A file may hold several such pages, or header lines (` date 2025-09-16`), or
just paragraphs with no title. This module finds article boundaries and the
role of each line; `extract` turns roles into metadata. Nothing is dropped
here without being recorded in `RawArticle.dropped` with the reason, so a test
can prove that every line of the seed is accounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import itemgetter
from typing import NamedTuple

from . import patterns as P
from .dates import parse_date_line
from .normalize import DIACRITICS, LETTER_FOLDS, SPOOFING_CONTROLS, TATWEEL, normalize

_CREDITS = frozenset(normalize(c) for c in P.CREDIT_WORDS)
_CREDIT_PREFIXES = tuple(normalize(c) for c in P.CREDIT_PREFIXES)
_RELATED = frozenset(normalize(m).strip(" :") for m in P.RELATED_MARKERS)
_DEBRIS = frozenset(P.DEBRIS_LINES)
# What a header line can begin with: a space, or the first letter of a key in any case `re` folds
# to it (ſ is an s). Every whitespace character lies below U+3001. Asked before `P.HEADER`, which
# nearly every line would fail, at the cost of a call.
_HEADER_START = frozenset(
    ch
    for ch in map(chr, range(0x3001))
    if ch.isspace() or re.match(f"[{''.join(k[0] for k in P.HEADER_KEYS)}]", ch, re.IGNORECASE)
)
TEASER_WINDOW = 6  # lines within which a teaser's byline closes it
# Every byline pattern ends in «)» or «»», where `$` also allows one final line break.
_BYLINE_ENDS = (")", "»", ")\n", "»\n")
# Telling a paragraph from a related-articles marker without normalising the paragraph.
# Padding: characters whose matching form is empty or only what `is_related_marker` strips
# (" :.-"). Below the presentation forms (U+FB50 on, which `normalize` may expand), any other
# character gives exactly one letter of the matching form (not counting lower-casing that only
# Latin letters see). So a marker's first and last letters, and its length, show in the line as
# printed: it must begin and end, padding aside, with a spelling of a marker's first and last
# letter, and have no more other characters than the longest marker has letters.
_PADDING = "".join(
    sorted(
        DIACRITICS
        | SPOOFING_CONTROLS
        | {TATWEEL, ":", ".", "-"}
        | {ch for ch in map(chr, range(0x3001)) if ch.isspace()}
    )
)
_PRESENTATION = "\ufb50"  # from here on, `normalize` applies NFKC: anything may come of a character


def _spellings(letters: set[str]) -> frozenset[str]:
    return frozenset(letters | {ch for ch, folded in LETTER_FOLDS.items() if folded in letters})


_MARKER_FIRST = _spellings({m[0] for m in _RELATED})
_MARKER_LAST = _spellings({m[-1] for m in _RELATED})
_MARKER_CLASS = "".join(map(re.escape, _PADDING)) + _PRESENTATION + "-\U0010ffff"
_NOT_A_MARKER = re.compile(rf"(?:[{_MARKER_CLASS}]*+[^{_MARKER_CLASS}]){{{max(map(len, _RELATED)) + 1}}}")


class Line(NamedTuple):
    """A non-empty line of a seed, stripped, with its number.

    A named tuple rather than a frozen dataclass, equally immutable: every
    line of every seed is one, and `_line` makes them without calling Python code.
    """

    no: int
    text: str


_line = partial(tuple.__new__, Line)  # _line((no, text)): Line(no, text), made in C
_text = itemgetter(1)  # a Line's text, or an (no, text) pair's


@dataclass(frozen=True)
class RawArticle:
    source: str
    line: int
    headers: tuple[tuple[str, str, int], ...]
    title: Line | None
    deck: tuple[Line, ...]
    lead_captions: tuple[Line, ...]
    body: tuple[Line, ...]
    related: tuple[Line, ...]
    dropped: tuple[tuple[Line, str], ...]


@dataclass
class _Draft:
    """Mutable only while one article is being assembled inside `split_articles`."""

    headers: list[tuple[str, str, int]] = field(default_factory=list)
    title: Line | None = None
    deck: list[Line] = field(default_factory=list)
    lead_captions: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    related: list[Line] = field(default_factory=list)
    dropped: list[tuple[Line, str]] = field(default_factory=list)
    in_related: bool = False

    def has_content(self) -> bool:
        return bool(self.title or self.body or self.related or self.lead_captions)

    def awaiting_title(self) -> bool:
        """Nothing read yet but, at most, a date line: the next title-like line is the title."""
        return (
            self.title is None
            and not self.related
            and not self.lead_captions
            and all(parse_date_line(ln.text) for ln in self.body)
        )

    def freeze(self, source: str) -> RawArticle:
        # Each list holds its lines in reading order: its first line is its earliest.
        first = [lines[0].no for lines in (self.deck, self.lead_captions, self.body, self.related) if lines]
        if self.title:
            first.append(self.title.no)
        if self.headers:
            first.append(self.headers[0][2])
        return RawArticle(
            source=source,
            line=min(first) if first else 1,
            headers=tuple(self.headers),
            title=self.title,
            deck=tuple(self.deck),
            lead_captions=tuple(self.lead_captions),
            body=tuple(self.body),
            related=tuple(self.related),
            dropped=tuple(self.dropped),
        )


def at_most_words(text: str, limit: int) -> bool:
    """Whether the text has at most `limit` words, splitting no further: most lines are long paragraphs.

    Words take a character each and a space between two: a text of at most
    twice `limit` characters cannot hold more, and is not split at all.
    """
    return len(text) <= 2 * limit or len(text.split(None, limit)) <= limit


def split_caption(text: str) -> tuple[str, str] | None:
    """(caption, credit) when the line ends in a photo credit in parentheses, else None."""
    if not text.rstrip().endswith(")"):
        return None
    return _split_caption(text)


@lru_cache(maxsize=1 << 16)
def _split_caption(text: str) -> tuple[str, str] | None:
    """`split_caption` of a line ending in «)»: remembered, as each line is asked several times."""
    stripped = text.rstrip()
    open_at = stripped.rfind("(")
    if open_at <= 0:
        return None
    credit = stripped[open_at + 1 : -1].strip()
    caption = stripped[:open_at].rstrip()
    if not caption or not credit or not at_most_words(credit, P.CREDIT_MAX_WORDS):
        return None
    if not at_most_words(caption, P.CAPTION_MAX_WORDS):
        return None
    if caption[-1] in ".!?؟:" and not caption.endswith("..."):
        return None  # a sentence followed by an agency sign-off, not a caption
    if not is_credit(credit):
        return None
    return caption, credit


@lru_cache(maxsize=1024)
def is_credit(credit: str) -> bool:  # remembered: a few agencies sign most photos
    parts = [p.strip() for p in _split_credit_parts(normalize(credit)) if p.strip()]
    return bool(parts) and all(p in _CREDITS or p.startswith(_CREDIT_PREFIXES) for p in parts)


def _split_credit_parts(credit: str) -> list[str]:
    for sep in (" - ", " – ", "/", "،", ",", " + ", "|"):
        credit = credit.replace(sep, "\n")
    return credit.split("\n")


def is_caption(text: str) -> bool:
    return text.rstrip().endswith(")") and _split_caption(text) is not None


def is_debris(text: str) -> bool:
    return text.strip() in _DEBRIS


def is_related_marker(text: str) -> bool:
    core = text.strip(_PADDING)
    if not core:
        return False
    if (core[0] < _PRESENTATION and core[0] not in _MARKER_FIRST) or (
        core[-1] < _PRESENTATION and core[-1] not in _MARKER_LAST
    ):
        return False
    if _NOT_A_MARKER.match(core):
        return False
    return normalize(text).strip(" :.-") in _RELATED


def is_byline(text: str) -> bool:
    """«Outlet» (City), Name (City), City: «Outlet» — but a photo credit in parentheses is no city."""
    return text.endswith(_BYLINE_ENDS) and _is_byline(text)


@lru_cache(maxsize=1 << 16)
def _is_byline(text: str) -> bool:
    """`is_byline` of a line ending as a byline does: remembered, as each line is asked several times."""
    if not at_most_words(text, P.BYLINE_MAX_WORDS) or is_caption(text):
        return False
    return any(rx.match(text) for rx in (P.BYLINE_OUTLET_CITY, P.BYLINE_NAME_CITY, P.BYLINE_CITY_OUTLET))


def is_title_like(text: str) -> bool:
    if not text or text[-1] in P.TITLE_SENTENCE_END:
        return False  # asked first: it rules out most paragraphs without splitting them into words
    return _is_title_like(text)


@lru_cache(maxsize=1 << 16)
def _is_title_like(text: str) -> bool:
    """`is_title_like` of a line that may be a title: remembered, as a page prints its title twice."""
    return (  # cheapest first: captions and bylines are remembered, a word count is not
        not text.isspace()
        and text.strip() not in _DEBRIS
        and not is_caption(text)
        and not is_byline(text)
        and at_most_words(text, P.TITLE_MAX_WORDS)
        and not is_related_marker(text)
        and parse_date_line(text) is None
    )


def split_articles(source: str, text: str) -> list[RawArticle]:
    """Find the articles of one seed file, each with its lines by role."""
    content = list(map(_line, filter(_text, enumerate(map(str.strip, text.split("\n")), 1))))  # C loops only
    # Every line in `content` is stripped and not empty, and stays so.
    articles: list[RawArticle] = []
    draft = _Draft()

    def finish() -> None:
        nonlocal draft
        if draft.has_content():
            articles.append(draft.freeze(source))
            draft = _Draft()

    next_byline = -1  # the first byline at or after the line last asked about: see `_next_byline`
    texts = list(map(_text, content))
    i = 0
    n = len(content)  # lines are replaced, never added or removed
    while i < n:
        line = content[i]
        m = P.HEADER.match(line.text) if line.text[0] in _HEADER_START else None
        header = _header(line.text, m) if m else None
        if header is not None:
            key, value, rest = header
            if draft.has_content():
                finish()
            draft.headers.append((key, value, line.no))
            if rest:
                content[i] = Line(line.no, rest)  # « date 2025-09-16 first paragraph…»
                next_byline = -1  # the line changed: look again
                texts[i] = rest
                continue
            i += 1
            continue
        # Content lines are stripped, so `is_debris` is a set lookup here; a title-like line
        # is neither debris nor a marker nor a byline, so those are not asked again.
        title_like = line.text[-1] not in P.TITLE_SENTENCE_END and _is_title_like(line.text)
        if title_like:
            # A page header has its title again, or page debris, among the lines `_page_header` looks
            # at: a title-like line with neither after it (a heading, a teaser's title) is none.
            window = texts[i + 1 : i + 1 + P.REPEAT_WINDOW]
            block = (
                _page_header(content, i, strict=draft.in_related)
                if line.text in window or not _DEBRIS.isdisjoint(window)
                else None
            )
            if block is not None:
                if draft.has_content():
                    finish()
                title, deck, captions, dropped, end = block
                draft.title, draft.deck, draft.lead_captions = title, deck, captions
                draft.dropped.extend(dropped)
                i = end
                continue
        elif line.text in _DEBRIS:
            draft.dropped.append((line, "debris"))
            i += 1
            continue
        elif not draft.in_related and is_related_marker(line.text):
            draft.in_related = True
            draft.dropped.append((line, "related-marker"))
            i += 1
            continue
        if draft.in_related:
            if next_byline < i:
                next_byline = _next_byline(texts, i)
            if next_byline < n and next_byline < i + TEASER_WINDOW:  # a byline closes this teaser soon
                draft.related.append(line)
                i += 1
                continue
            finish()  # lines no byline closes: a new article follows the teasers
        if title_like and i + 1 < n and draft.awaiting_title():
            draft.title = line
            i += 1
            continue
        draft.body.append(line)
        i += 1
    finish()
    return articles


def _header(text: str, m: re.Match[str]) -> tuple[str, str, str] | None:
    """(key, value, rest of the line) of a line that `P.HEADER` matched, if it is a header."""
    key, value = m.group("key").lower(), m.group("value").strip()
    if key == "date":
        d = P.HEADER_DATE.match(value)
        if not d:
            return None  # «date» followed by prose is prose
        return key, d.group("date"), d.group("rest").strip()
    if text != text.lstrip() or ":" in text[: len(key) + 3]:
        return key, value, ""  # other keys only in an explicit header shape: « key value» or «key: value»
    return None


def _page_header(
    content: list[Line], i: int, strict: bool = False
) -> tuple[Line, list[Line], list[Line], list[tuple[Line, str]], int] | None:
    """Recognise title / deck / captions / debris / title-again at content[i], a title-like line.

    `strict` (inside a teaser block) also asks for page debris or a repeated
    caption, because a teaser repeats its own title around its photo too.
    Content lines are stripped: debris is a set lookup.
    """
    title = content[i]
    deck: list[Line] = []
    captions: list[Line] = []
    dropped: list[tuple[Line, str]] = []
    saw_debris = False
    j = i + 1
    limit = min(len(content), i + 1 + P.REPEAT_WINDOW)
    repeat_at = None
    while j < limit:
        ln = content[j]
        if ln.text == title.text:
            repeat_at = j
            break
        if ln.text in _DEBRIS:
            saw_debris = True
            dropped.append((ln, "debris"))
        elif ln.text[-1] == ")" and _split_caption(ln.text) is not None:  # `is_caption` of a stripped line
            if any(c.text == ln.text for c in captions):
                dropped.append((ln, "repeated caption"))
            else:
                captions.append(ln)
        elif not captions and not saw_debris and len(deck) < 2 and not is_byline(ln.text):
            deck.append(ln)
        else:
            break
        j += 1
    if repeat_at is None:
        if not (captions and saw_debris):
            return None
        if j < len(content) and any(d.text == content[j].text for d in deck):
            return None  # a body heading before the next page's header: that header's title is repeated
        return title, deck, captions, dropped, j
    if strict and not (saw_debris or dropped):
        return None
    dropped.append((content[repeat_at], "repeated title"))
    j = repeat_at + 1
    while j < len(content):
        ln = content[j]
        if ln.text in _DEBRIS:
            dropped.append((ln, "debris"))
        elif any(c.text == ln.text for c in captions):
            dropped.append((ln, "repeated caption"))
        elif not captions and ln.text[-1] == ")" and _split_caption(ln.text) is not None:
            captions.append(ln)  # caption shown only after the repeated title
        else:
            break
        j += 1
    return title, deck, captions, dropped, j


def _next_byline(texts: list[str], i: int) -> int:
    """Index of the first byline at or after texts[i]; len(texts) when there is none.

    A teaser line is followed, within `TEASER_WINDOW` lines, by the byline that
    closes its teaser. Remembering where the next byline is asks each line once,
    where looking through the window from every line asked each line six times.
    """
    for k in range(i, len(texts)):
        text = texts[k]
        if text[-1] in ")»" and _is_byline(text):  # `is_byline` of a stripped line
            return k
    return len(texts)
