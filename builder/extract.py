"""Raw articles -> articles with their metadata, each field from a small cascade.

Each field says where it came from (`date_source`, `outlet_source`,
`title_derived`) because a fact-checker must know whether the archive read a
date in the dump or inferred a bound from a photo caption. Nothing is invented:
a date the dump does not state stays unknown.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from . import patterns as P
from .dates import DATE_LINE_SCAN, earliest_date, parse_date_line, parse_iso_date
from .model import Article, Block, Caption, Quote, Teaser
from .normalize import normalize
from .parse import (
    _DEBRIS,
    Line,
    RawArticle,
    _is_byline,
    _split_caption,
    at_most_words,
    is_byline,
    is_credit,
    split_caption,
)
from .problems import Problem, warning

# `P.QUOTE` with only the shapes whose opening marks a paragraph has (bit 1 «, 2 ", 4 “): the
# others cannot match there, and `re` finds one opening mark much faster than any of three.
_QUOTE_OF_KINDS = {
    kinds: re.compile("|".join(P.QUOTE_SHAPES[mark] for bit, mark in ((1, "«"), (2, '"'), (4, "“")) if kinds & bit))
    for kinds in range(1, 8)
}
# A section label and its space at the start of a teaser's caption, longest label first.
_SECTION = re.compile("(" + "|".join(re.escape(s) for s in sorted(P.SECTIONS, key=len, reverse=True)) + ") ")


def extract_article(raw: RawArticle) -> tuple[Article, list[Problem]]:
    problems: list[Problem] = []
    headers = {key: (value, no) for key, value, no in raw.headers}
    lead_caption = _caption(raw.lead_captions[0]) if raw.lead_captions else None
    extra_lead = [_caption(c) for c in raw.lead_captions[1:]]
    deck_lines: list[Line] = []
    deck_date: tuple[str, Line] | None = None
    for d in raw.deck:
        iso = parse_date_line(d.text)
        if iso and deck_date is None:
            deck_date = (iso, d)
        else:
            deck_lines.append(d)
    body, byline_line, date_line = _body(raw.body, raw.lead_captions)
    body, closing_source = source_line(body)
    date_line = date_line or deck_date
    body = tuple(Block("caption", c.text, c.line, c.credit) for c in extra_lead) + body
    paragraphs = [b for b in body if b.kind == "paragraph"]

    if raw.title is not None:
        title, derived = raw.title.text, False
    elif "title" in headers:
        title, derived = headers["title"][0], False
    else:
        title, derived = derive_title(paragraphs[0].text if paragraphs else (body[0].text if body else "")), True
        problems.append(
            warning(
                raw.source,
                raw.line,
                "S013",
                f"no title in the dump; derived «{title}» from the lead",
                "an editor can set the real title in annotations/<id>.yml under corrections: title",
            )
        )

    date_value, date_source = _header_date(headers, raw.source, problems)
    if date_value is None and date_line is not None:
        date_value, date_source = date_line[0], f"dateline:{date_line[1].no}"
    earliest, earliest_source = (None, None) if date_value else earliest_date(_captions(lead_caption, body))
    outlet, dateline, author, byline, outlet_source = None, None, None, None, None
    if "outlet" in headers or "source" in headers:
        value, no = headers.get("outlet") or headers["source"]
        outlet, outlet_source = value, f"header:{no}"
    if byline_line is not None:
        byline = byline_line.text
        b_outlet, dateline, author = parse_byline(byline)
        if b_outlet and not outlet:
            outlet, outlet_source = b_outlet, f"byline:{byline_line.no}"
    if closing_source and not outlet:
        outlet, outlet_source = closing_source[0], f"source:{closing_source[1]}"
    wire = lead_dateline(paragraphs[0].text) if paragraphs else None
    if wire:
        dateline = dateline or wire[0]
        author = author or wire[1]
    if "dateline" in headers:
        dateline = headers["dateline"][0]
    if "author" in headers:
        author = headers["author"][0]
    teasers = parse_teasers(raw.related)
    if not outlet:
        outlets = {t.outlet for t in teasers if t.outlet}
        if len(outlets) == 1:
            outlet = outlets.pop()
            outlet_source = "teasers"
    article = Article(
        id=article_id(title if not derived else "", paragraphs[0].text if paragraphs else title),
        source=raw.source,
        line=raw.line,
        title=title,
        title_derived=derived,
        deck=" ".join(d.text for d in deck_lines) or None,
        date=date_value,
        date_source=date_source,
        earliest_date=earliest,
        earliest_date_source=earliest_source,
        outlet=outlet,
        outlet_source=outlet_source,
        dateline=dateline,
        byline=author or byline,
        section=headers["section"][0] if "section" in headers else None,
        lead_caption=lead_caption,
        body=body,
        teasers=teasers,
        quotes=extract_quotes(tuple(b.text for b in paragraphs)),
    )
    return article, problems


def article_id(title: str, lead: str) -> str:
    """Content-derived id: same story, same id, whatever file or order it arrives in.

    Built from the extracted (never the corrected) title and the lead paragraph
    in matching form, so annotations, file renames and new seeds cannot move a
    page; two scrapes of one story (same title and lead) are one article.
    """
    key = normalize(title).strip() + "\n" + normalize(lead).strip()
    return "a-" + hashlib.blake2b(key.encode("utf-8"), digest_size=5).hexdigest()


def derive_title(lead: str) -> str:
    """The lead's first clause, cut at a word boundary, for articles the dump gives no title."""
    clause = re.split(r"[،,.؛;:!؟?]", lead, maxsplit=1)[0].strip()
    words = clause.split()
    if len(words) > P.DERIVED_TITLE_MAX_WORDS:
        return " ".join(words[: P.DERIVED_TITLE_MAX_WORDS]) + "…"
    return clause or "مقال بلا عنوان"


def _caption(line: Line) -> Caption:
    split = split_caption(line.text)
    if split is None:
        return Caption(line.text, None, line.no)
    return Caption(split[0], split[1], line.no)


def _body(
    lines: tuple[Line, ...], lead: tuple[Line, ...]
) -> tuple[tuple[Block, ...], Line | None, tuple[str, Line] | None]:
    """Classify body lines; repeated captions (scraper debris) are kept once.

    Also returns the byline and the date line found at the top of the body:
    both are metadata the page shows in its own place, with their line.
    Lines are stripped and not empty (see `split_articles`), so `is_debris`,
    `is_caption` and `is_byline` are asked here in their short forms.
    """
    blocks: list[Block] = []
    seen_captions = {ln.text for ln in lead}
    byline: Line | None = None
    date_line: tuple[str, Line] | None = None
    has_paragraph = False
    previous = None  # the last block as its line read: a caption with its credit in parentheses
    last = len(lines) - 1
    for idx, ln in enumerate(lines):
        text = ln.text
        if text in _DEBRIS:
            continue
        if idx < DATE_LINE_SCAN:
            if idx == 0 and text[-1] in ")»" and _is_byline(text):
                byline = ln
                continue
            if date_line is None and not has_paragraph:
                iso = parse_date_line(text)
                if iso:
                    date_line = (iso, ln)
                    continue
        if text == previous:
            continue  # the same line twice in a row: scraper duplication
        split = _split_caption(text) if text[-1] == ")" else None
        if split is not None:
            if text in seen_captions:
                continue
            seen_captions.add(text)
            blocks.append(Block("caption", split[0], ln.no, split[1]))
            previous = f"{split[0]} ({split[1]})"
            continue
        previous = text
        if idx < last and _is_heading(text):  # a heading has a line after it
            blocks.append(Block("heading", text, ln.no))
            continue
        blocks.append(Block("paragraph", text, ln.no))
        has_paragraph = True
    return tuple(blocks), byline, date_line


def source_line(body: tuple[Block, ...]) -> tuple[tuple[Block, ...], tuple[str, int] | None]:
    """The body without a closing «المصدر: …» line, and that source with its line."""
    if not body or body[-1].kind != "paragraph" or not at_most_words(body[-1].text, P.SOURCE_LINE_MAX_WORDS):
        return body, None
    m = P.SOURCE_LINE.match(body[-1].text)
    if not m:
        return body, None
    return body[:-1], (m.group("source").strip(), body[-1].line)


def lead_dateline(lead: str) -> tuple[str, str] | None:
    """(city, agency) of a wire dateline opening the lead; the lead itself stays as printed."""
    m = P.LEAD_DATELINE.match(lead)
    if not m or not is_credit(m.group("agency")):
        return None
    return m.group("city").strip(), m.group("agency").strip()


def _is_heading(text: str) -> bool:
    return (
        len(text) <= P.HEADING_MAX_CHARS
        and text[-1] not in P.SENTENCE_END
        and at_most_words(text, P.HEADING_MAX_WORDS)
        and not is_byline(text)
        and not text[0].isdigit()
    )


def _captions(lead: Caption | None, body: tuple[Block, ...]) -> list[Caption]:
    """The lead caption and the body's: where a lower bound for an undated article can come from."""
    return ([lead] if lead else []) + [Caption(b.text, b.credit, b.line) for b in body if b.kind == "caption"]


def _header_date(
    headers: dict[str, tuple[str, int]], source: str, problems: list[Problem]
) -> tuple[str | None, str | None]:
    if "date" not in headers:
        return None, None
    value, no = headers["date"]
    parsed = parse_iso_date(value)
    if parsed is None:
        problems.append(
            warning(
                source, no, "S014", f"date header {value!r} is not a real date; date left unknown", "use YYYY-MM-DD"
            )
        )
        return None, None
    return parsed, f"header:{no}"


@lru_cache(maxsize=4096)  # one outlet signs its teasers from a few cities: bylines repeat
def parse_byline(text: str) -> tuple[str | None, str | None, str | None]:
    """(outlet, dateline city, author) from «الشرق الأوسط» (واشنطن), سعيد عبد الرازق (أنقرة) …"""
    m = P.BYLINE_OUTLET_CITY.match(text)
    if m:
        return m.group("outlet").strip(), m.group("city").strip(), None
    m = P.BYLINE_CITY_OUTLET.match(text)
    if m:
        return m.group("outlet").strip(), m.group("city").strip(), None
    m = P.BYLINE_NAME_CITY.match(text)
    if m:
        return None, m.group("city").strip(), m.group("author").strip()
    return None, None, None


def parse_teasers(lines: tuple[Line, ...]) -> tuple[Teaser, ...]:
    """Split a related-articles block into teasers, each closed by its byline.

    Lines are stripped (see `split_articles`): `is_byline` and `is_caption` are asked in short forms.
    """
    teasers: list[Teaser] = []
    group: list[Line] = []
    for ln in lines:
        if ln.text[-1] in ")»" and _is_byline(ln.text):
            teaser = _teaser(group, ln)
            if teaser:
                teasers.append(teaser)
            group = []
        else:
            group.append(ln)
    if group:
        teaser = _teaser(group, None)
        if teaser:
            teasers.append(teaser)
    return tuple(teasers)


def _teaser(group: list[Line], byline: Line | None) -> Teaser | None:
    section: str | None = None
    caption: Caption | None = None
    texts: list[Line] = []
    seen: set[str] = set()
    for ln in group:
        text = ln.text
        if text[-1] == ")" and _split_caption(text) is not None:
            label = _SECTION.match(text)
            if label:
                section, text = label.group(1), text[label.end() :]
            if caption is None:
                cap = _split_caption(text)  # the text without its label still ends in «)»
                caption = Caption(cap[0], cap[1], ln.no) if cap else Caption(text, None, ln.no)
            continue
        if text in seen:
            continue  # the teaser's title printed again after its photo
        seen.add(text)
        texts.append(ln)
    if not texts:
        return None
    outlet, dateline, author = parse_byline(byline.text) if byline else (None, None, None)
    return Teaser(
        title=texts[0].text,
        line=texts[0].no,
        section=section,
        summary=" ".join(t.text for t in texts[1:]) or None,
        caption=caption,
        byline=byline.text if byline else None,
        outlet=outlet,
        author=author,
        dateline=dateline,
    )


def extract_quotes(paragraphs: tuple[str, ...]) -> tuple[Quote, ...]:
    quotes: list[Quote] = []
    for idx, text in enumerate(paragraphs):
        kinds = ("«" in text) + 2 * ('"' in text) + 4 * ("“" in text)
        if not kinds:
            continue
        for m in _QUOTE_OF_KINDS[kinds].finditer(text):
            inner = m[m.lastindex]  # the one shape that matched
            if not at_most_words(inner, P.QUOTE_MIN_WORDS - 1):
                quotes.append(Quote(inner.strip(), idx, m.start() + 1))
    return tuple(quotes)
