"""The data that flows between the pipeline's stages.

Everything here is a frozen dataclass with no behaviour that does I/O: stages
take these and return new ones (`dataclasses.replace`), so a stage can never
change what an earlier stage saw, and a cached stage result is safe to share.
Each part keeps the line it came from, so a problem or an annotation can point
an editor at the exact place in the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "heading", "caption"]
EntityType = Literal["person", "organisation", "place"]


@dataclass(frozen=True)
class SourceText:
    """A seed file decoded and cleaned of invisible controls, ready to parse."""

    path: str  # relative, POSIX separators: stable in data and problems
    text: str
    sha256: str  # of the raw bytes: the cache key


@dataclass(frozen=True)
class Caption:
    text: str
    credit: str | None
    line: int


@dataclass(frozen=True)
class Block:
    """One unit of the article body, in reading order."""

    kind: BlockKind
    text: str
    line: int
    credit: str | None = None  # captions only


@dataclass(frozen=True)
class Teaser:
    """A related-article teaser shown under an article by the outlet's page."""

    title: str
    line: int
    section: str | None = None
    summary: str | None = None
    caption: Caption | None = None
    byline: str | None = None  # as printed: «الشرق الأوسط» (واشنطن)
    outlet: str | None = None
    author: str | None = None
    dateline: str | None = None
    target_id: str | None = None  # the archive article it stands for, set by link


@dataclass(frozen=True)
class Quote:
    text: str
    paragraph: int  # index into Article.paragraphs
    start: int  # character offset of the quote inside that paragraph


@dataclass(frozen=True)
class Mention:
    """Where one entity is named: original characters, never normalised."""

    surface: str
    paragraph: int  # index into Article.paragraphs; -1 for the title
    start: int
    end: int


@dataclass(frozen=True)
class ArticleEntity:
    entity_id: str
    name: str
    type: EntityType
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Correction:
    """An editor's fix of one extracted field (annotations/<id>.yml).

    The article shows `value`; `extracted` is what the builder read, kept so
    the data file and the page can say openly what was corrected.
    """

    field: Literal["title", "date", "outlet"]
    value: str
    extracted: str | None
    file: str
    line: int


@dataclass(frozen=True)
class Note:
    """An editor's note anchored to a passage by quotation, never by paragraph number."""

    number: int  # 1.. in reading order: the marker readers see
    kind: str  # context | correction | fact-check | translation
    quote: str
    text: str  # Markdown as the editor wrote it
    html: str  # Markup from annotations.note_html: sanitised, the only editor HTML a page shows
    author: str
    sources: tuple[str, ...]
    verdict: str | None
    pieces: tuple[tuple[int, int, int], ...]  # (paragraph index, start, end), original characters
    file: str
    line: int


@dataclass(frozen=True)
class Article:
    id: str
    source: str
    line: int  # first line of the article in its seed
    title: str
    title_derived: bool
    deck: str | None
    date: str | None  # ISO yyyy-mm-dd, only when the dump states it
    # Provenance is "kind:line" ("header:1", "caption:5", "byline:12", "teasers",
    # "annotation:3"): machine-readable in the data, worded in Arabic on pages.
    date_source: str | None
    earliest_date: str | None  # lower bound from dated captions, never shown as the date
    earliest_date_source: str | None
    outlet: str | None
    outlet_source: str | None
    dateline: str | None
    byline: str | None
    lead_caption: Caption | None
    body: tuple[Block, ...]
    teasers: tuple[Teaser, ...] = ()
    section: str | None = None  # the outlet's section, when the dump states it (`section` header)
    quotes: tuple[Quote, ...] = ()
    entities: tuple[ArticleEntity, ...] = ()
    related: tuple[str, ...] = ()  # article ids, best first
    annotated: bool = False
    corrections: tuple[Correction, ...] = ()  # editors' fixes; the extracted values stay here
    notes: tuple[Note, ...] = ()  # editors' notes, numbered in reading order

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.body if b.kind == "paragraph")

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.body if b.kind == "heading")

    @property
    def captions(self) -> tuple[Caption, ...]:
        body = tuple(Caption(b.text, b.credit, b.line) for b in self.body if b.kind == "caption")
        return ((self.lead_caption,) if self.lead_caption else ()) + body

    @property
    def url(self) -> str:
        return article_url(self.id)


def article_url(article_id: str) -> str:
    """Site-relative URL of an article page; depends on the id alone, so it never moves."""
    return f"articles/{article_id}/"


@dataclass(frozen=True)
class Span:
    """Markup to wrap around characters [start, end) of a paragraph's original text.

    Entity links and annotation marks are spans, not edits: the characters
    readers see stay exactly those of the seed. `open_tag`/`close_tag` are
    trusted HTML produced by our own code; the wrapped text is escaped on output.
    """

    start: int
    end: int
    open_tag: str
    close_tag: str
    priority: int = 0  # higher wins when two spans overlap without nesting
