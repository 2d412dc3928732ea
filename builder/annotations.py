"""Editors' annotations: the only reader of `annotations/*.yml`.

An editor who knows Git only from GitHub's web page adds a note to a passage,
corrects a title, date or outlet, or records what a fact-check found, with one
small YAML file per article. Three rules shape this module:

- Every problem is reported at once, at its exact place in the file. The YAML
  is read with PyYAML's compose API (nodes keep line and column; nothing is
  constructed, so no tag can run code), and duplicate keys are errors, not a
  silent overwrite (ansible's loader does the same).
- A note is anchored by the passage it quotes, optionally with the words just
  before it (the W3C Web Annotation TextQuoteSelector's `exact` + `prefix`),
  never by paragraph number: matched exactly first, then under
  `normalize.normalize_with_map` with whitespace runs folded, over the
  article's paragraphs joined together, so a note survives the extractor
  re-splitting paragraphs or a seed gaining or losing diacritics. The match is
  mapped back to original character offsets and becomes `Span`s: the text
  readers see is never edited.
- A file with any error changes nothing on the site (all or nothing), and the
  build fails, so a bad annotation is never published half-applied.

Note text is Markdown without raw HTML. It is rendered with Python-Markdown's
raw-HTML handling removed, then sanitised against a small whitelist of tags
and http(s) links, so no annotation can inject markup or script.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import yaml
from markupsafe import Markup
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import Article, Correction, Note, Span
from .normalize import normalize_with_map
from .problems import Problem, error, warning

MAX_FILE_BYTES = 64 * 1024  # a note file is a few hundred bytes; this is far beyond any honest one
MARK_PRIORITY = 10  # marks win over entity links when the two cross

KINDS: dict[str, str] = {
    "context": "سياق",
    "correction": "تصحيح",
    "fact-check": "تحقق",
    "translation": "ترجمة",
}
VERDICTS: dict[str, str] = {
    "accurate": "صحيح",
    "mostly-accurate": "صحيح في معظمه",
    "partly-accurate": "صحيح جزئيًا",
    "misleading": "مضلِّل",
    "inaccurate": "غير صحيح",
    "unverifiable": "لا يمكن التحقق منه",
}
CORRECTABLE: dict[str, str] = {"title": "العنوان", "date": "التاريخ", "outlet": "المصدر"}
TOP_KEYS = ("article", "corrections", "notes")
NOTE_KEYS = ("quote", "prefix", "kind", "verdict", "text", "sources", "author")
NOTE_REQUIRED = ("quote", "kind", "text", "author")

_ARTICLE_ID = re.compile(r"^a-[0-9a-f]{10}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_NULL_TAG = "tag:yaml.org,2002:null"
# Raw HTML as Python-Markdown would pass it through: a tag, a closing tag, a comment, a declaration.
_RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|<!--|<![A-Za-z\[]|<\?")
# Markdown autolinks (<https://…>) look like tags; they are links, checked as links.
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*)>")
_MD_LINK = re.compile(r"\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)")
_MD_REFDEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_WS = re.compile(r"\s+")


# ---------------------------------------------------------------- raw, located values


@dataclass(frozen=True)
class RawCorrection:
    field: str
    value: str
    line: int
    col: int


@dataclass(frozen=True)
class RawNote:
    """One note as written, validated for shape but not yet anchored."""

    quote: str
    prefix: str | None
    kind: str
    verdict: str | None
    text: str
    html: Markup
    sources: tuple[str, ...]
    author: str
    line: int  # of the note's first key: where an anchoring problem points
    col: int
    quote_line: int
    quote_col: int


@dataclass(frozen=True)
class RawAnnotation:
    path: str  # as shown in problems: annotations/<id>.yml
    article: str | None
    article_line: int
    article_col: int
    corrections: tuple[RawCorrection, ...]
    notes: tuple[RawNote, ...]
    valid: bool  # False when the file had any error: then it is never applied


# ---------------------------------------------------------------- reading and validating


class _Reader:
    """Walks one composed YAML document, collecting every problem instead of stopping."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def err(self, node: Node | None, code: str, message: str, hint: str = "") -> None:
        line, col = _pos(node)
        self.problems.append(error(self.path, line, code, message, hint, col=col))

    def mapping(self, node: Node, allowed: Sequence[str], where: str) -> dict[str, tuple[ScalarNode, Node]]:
        """Keys of a mapping node: duplicates and unknown keys are reported, never merged."""
        if not isinstance(node, MappingNode):
            self.err(node, "A005", f"{where} must be a mapping of `key: value` lines, not {_kind(node)}")
            return {}
        found: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.err(key_node, "A005", f"a key in {where} must be a plain word, not {_kind(key_node)}")
                continue
            key = key_node.value
            if key in found:
                first = found[key][0].start_mark.line + 1
                self.err(
                    key_node,
                    "A003",
                    f"duplicate key `{key}` in {where} (first at line {first})",
                    f"keep one `{key}:`; a second one would silently replace the first",
                )
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                guess = f"did you mean `{close[0]}`? " if close else ""
                self.err(
                    key_node,
                    "A004",
                    f"unknown key `{key}` in {where}",
                    f"{guess}allowed keys: {', '.join(allowed)}",
                )
                continue
            found[key] = (key_node, value_node)
        return found

    def text(self, node: Node, key: str) -> str | None:
        """A text value; numbers are text too (a quote may be «2013»), booleans and lists are not."""
        if (isinstance(node, ScalarNode) and node.tag == _NULL_TAG) or _is_blank(node):
            self.err(node, "A007", f"`{key}` is empty", f"write a value after `{key}:` or remove the line")
            return None
        if not isinstance(node, ScalarNode) or node.tag not in _TEXT_TAGS:
            self.err(
                node,
                "A005",
                f"`{key}` must be text, not {_kind(node)}",
                'put the value in double quotes: "…"',
            )
            return None
        return node.value

    def one_line(self, node: Node, key: str) -> str | None:
        value = self.text(node, key)
        return " ".join(value.split()) if value is not None else None


def _pos(node: Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    return {"bool": "true/false", "null": "empty", "timestamp": "a date", "str": "text"}.get(tag, f"a {tag}")


def _is_blank(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" and not node.value.strip()


def is_http_url(url: str) -> bool:
    """Only absolute http(s) links with a host: no javascript:, data:, mailto: or relative tricks."""
    if not url or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _html_problem(value: str) -> str | None:
    """The first raw HTML construct in an editor's text, if any (autolinks are links, not HTML)."""
    match = _RAW_HTML.search(_AUTOLINK.sub("", value))
    return match.group(0) if match else None


def _links_in_markdown(text: str) -> list[str]:
    return _AUTOLINK.findall(text) + _MD_LINK.findall(text) + _MD_REFDEF.findall(text)


def parse_annotation(path: str, data: bytes) -> tuple[RawAnnotation | None, list[Problem]]:
    """One annotation file's bytes to its validated contents and every problem found in it."""
    if len(data) > MAX_FILE_BYTES:
        return None, [
            error(
                path,
                1,
                "A002",
                f"file is too large ({len(data)} bytes; the limit is {MAX_FILE_BYTES})",
                "an annotation file holds one article's notes; split long notes or link to a source",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [error(path, line, "A008", "file is not UTF-8 text", "save the file as UTF-8")]
    reader = _Reader(path)
    root = _compose(path, text, reader.problems)
    if root is None:
        if not reader.problems:
            reader.problems.append(
                error(path, 1, "A006", "missing key `article`", "the file must start with `article: <article-id>`")
            )
        return None, reader.problems

    top = reader.mapping(root, TOP_KEYS, "the file")
    article: str | None = None
    article_node: Node | None = None
    if "article" in top:
        article_node = top["article"][1]
        article = reader.one_line(article_node, "article")
        stem = Path(path).stem
        if article is not None and not _ARTICLE_ID.match(article):
            reader.err(
                article_node,
                "A101",
                f"`{article}` is not an article id",
                "ids look like a-528e9c4a65; copy it from the article page, under «المعرّف»",
            )
            article = None
        elif article is not None and stem != article:
            reader.err(
                article_node,
                "A010",
                f"file name `{Path(path).name}` does not match article `{article}`",
                f"name the file annotations/{article}.yml",
            )
    elif isinstance(root, MappingNode):
        reader.err(root, "A006", "missing key `article`", "add `article: <article-id>` as the first line")

    corrections = _read_corrections(reader, top["corrections"][1]) if "corrections" in top else ()
    notes = _read_notes(reader, top["notes"][1]) if "notes" in top else ()
    line, col = _pos(article_node)
    valid = not any(p.severity == "error" for p in reader.problems)
    return RawAnnotation(path, article, line, col, corrections, notes, valid), reader.problems


def _compose(path: str, text: str, problems: list[Problem]) -> Node | None:
    """The YAML node tree, refusing anchors, aliases and explicit tags (no surprises, no expansion bombs)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                what = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                problems.append(_at(path, event.start_mark, "A009", f"YAML {what} `{event.anchor}` is not allowed"))
            elif getattr(event, "tag", None) and not _implicit(event):
                problems.append(_at(path, event.start_mark, "A009", f"YAML tag `{event.tag}` is not allowed"))
        if problems:
            return None
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        problems.append(
            _at(
                path,
                mark,
                "A001",
                f"YAML syntax: {what}",
                "check the indentation and put text that contains `:` or `#` in double quotes",
            )
        )
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks every parse error
        problems.append(error(path, 1, "A001", f"YAML syntax: {exc}"))
    return None


def _implicit(event: yaml.Event) -> bool:
    implicit = getattr(event, "implicit", True)
    return bool(implicit[0] or implicit[1]) if isinstance(implicit, tuple) else bool(implicit)


def _at(path: str, mark: yaml.Mark | None, code: str, message: str, hint: str = "") -> Problem:
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    return error(path, line, code, message, hint or "write plain values; YAML anchors and tags are not needed", col)


def _read_corrections(reader: _Reader, node: Node) -> tuple[RawCorrection, ...]:
    if isinstance(node, ScalarNode) and node.tag == _NULL_TAG:
        reader.err(node, "A007", "`corrections` is empty", "add title, date or outlet under it, or remove it")
        return ()
    out: list[RawCorrection] = []
    for key, (_key, value_node) in reader.mapping(node, tuple(CORRECTABLE), "corrections").items():
        line, col = _pos(value_node)
        if key == "date":
            value = _read_date(reader, value_node)
        else:
            value = reader.one_line(value_node, key)
            if value is not None and (tag := _html_problem(value)):
                reader.err(value_node, "A206", f"raw HTML in `{key}`: `{tag}`", "write plain text")
                value = None
        if value is not None:
            out.append(RawCorrection(key, value, line, col))
    return tuple(out)


def _read_date(reader: _Reader, node: Node) -> str | None:
    if isinstance(node, ScalarNode) and node.tag == _NULL_TAG:
        reader.err(node, "A007", "`date` is empty", "write the date as YYYY-MM-DD, e.g. 2025-11-06")
        return None
    if not isinstance(node, ScalarNode):
        reader.err(node, "A005", f"`date` must be a date, not {_kind(node)}", "write it as YYYY-MM-DD")
        return None
    value = node.value.strip()
    valid = bool(_ISO_DATE.match(value))
    if valid:
        try:
            date.fromisoformat(value)
        except ValueError:
            valid = False
    if not valid:
        reader.err(node, "A201", f"`date` is not a date: {value!r}", "write it as YYYY-MM-DD, e.g. 2025-11-06")
        return None
    return value


def _read_notes(reader: _Reader, node: Node) -> tuple[RawNote, ...]:
    if isinstance(node, ScalarNode) and node.tag == _NULL_TAG:
        return ()
    if not isinstance(node, SequenceNode):
        reader.err(node, "A005", f"`notes` must be a list of notes, each starting with `- quote:`, not {_kind(node)}")
        return ()
    return tuple(note for item in node.value if (note := _read_note(reader, item)) is not None)


def _read_note(reader: _Reader, node: Node) -> RawNote | None:
    before = len(reader.problems)
    keys = reader.mapping(node, NOTE_KEYS, "a note")
    if not isinstance(node, MappingNode):
        return None
    for key in NOTE_REQUIRED:
        if key not in keys:
            reader.err(node, "A006", f"note is missing `{key}`", f"add `{key}:` to this note")
    values: dict[str, str | None] = {}
    for key in ("quote", "prefix", "text"):
        if key in keys:
            raw = reader.text(keys[key][1], key)
            values[key] = raw.strip() if raw is not None else None
    for key in ("kind", "verdict", "author"):
        if key in keys:
            values[key] = reader.one_line(keys[key][1], key)

    kind = values.get("kind")
    if kind is not None and kind not in KINDS:
        reader.err(keys["kind"][1], "A204", f"kind `{kind}` is not one of: {', '.join(KINDS)}", "pick one of them")
        kind = None
    verdict = values.get("verdict")
    if verdict is not None and verdict not in VERDICTS:
        close = difflib.get_close_matches(verdict, list(VERDICTS), n=1)
        guess = f"did you mean `{close[0]}`? " if close else ""
        reader.err(
            keys["verdict"][1],
            "A202",
            f"verdict `{verdict}` is not on the list",
            f"{guess}use one of: {', '.join(VERDICTS)}",
        )
    if kind == "fact-check" and "verdict" not in keys:
        reader.err(node, "A203", "a fact-check needs a `verdict`", f"add `verdict:` with one of: {', '.join(VERDICTS)}")
    if kind not in (None, "fact-check") and "verdict" in keys:
        reader.err(keys["verdict"][0], "A203", f"`verdict` is only for fact-checks, not `{kind}`", "remove the verdict")

    sources: list[str] = []
    sources_before = len(reader.problems)
    if "sources" in keys:
        sources = _read_sources(reader, keys["sources"][1])
    if kind == "fact-check" and not sources and len(reader.problems) == sources_before:
        reader.err(node, "A207", "a fact-check needs at least one source", "add `sources: [https://…]`")

    for key in ("text", "author"):
        value = values.get(key)
        if value is not None and (tag := _html_problem(value)):
            reader.err(
                keys[key][1],
                "A206",
                f"raw HTML in `{key}`: `{tag}`",
                "write Markdown only: *emphasis*, **bold**, [link](https://…); to show `<`, put a space after it",
            )
    text = values.get("text")
    if text is not None:
        for link in _links_in_markdown(text):
            if not is_http_url(link):
                reader.err(keys["text"][1], "A205", f"link in `text` is not http(s): {link!r}", _LINK_HINT)

    if len(reader.problems) > before:
        # Keep what anchors, so a quote problem is reported with the shape problems, at once.
        quote = values.get("quote")
        if quote and "quote" in keys:
            qline, qcol = _pos(keys["quote"][1])
            line, col = _pos(node)
            return RawNote(quote, values.get("prefix"), "", None, "", Markup(""), (), "", line, col, qline, qcol)
        return None
    line, col = _pos(node)
    qline, qcol = _pos(keys["quote"][1])
    assert kind is not None and text is not None
    return RawNote(
        quote=values["quote"] or "",
        prefix=values.get("prefix") or None,
        kind=kind,
        verdict=verdict,
        text=text,
        html=note_html(text),
        sources=tuple(sources),
        author=values["author"] or "",
        line=line,
        col=col,
        quote_line=qline,
        quote_col=qcol,
    )


_LINK_HINT = "use a full address starting with https://"


def _read_sources(reader: _Reader, node: Node) -> list[str]:
    items: list[Node]
    if isinstance(node, SequenceNode):
        items = list(node.value)
    elif isinstance(node, ScalarNode) and node.tag != _NULL_TAG:
        items = [node]  # one source written without brackets
    else:
        reader.err(node, "A005", f"`sources` must be a list of links, not {_kind(node)}", "sources: [https://…]")
        return []
    out: list[str] = []
    for item in items:
        value = reader.one_line(item, "sources")
        if value is None:
            continue
        if not is_http_url(value):
            reader.err(item, "A205", f"source is not an http(s) link: {value!r}", _LINK_HINT)
            continue
        out.append(value)
    return out


# ---------------------------------------------------------------- note text: Markdown, sanitised


class _Sanitiser(HTMLParser):
    """Rebuilds HTML keeping only a whitelist of tags, no attributes except a checked `href`."""

    ALLOWED = frozenset({"p", "em", "strong", "code", "ul", "ol", "li", "blockquote", "br", "a"})
    VOID = frozenset({"br"})
    DROP_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "textarea", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in self.ALLOWED:
            return
        if tag in self.VOID:
            self.out.append(f"<{tag}>")
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not is_http_url(href) or "a" in self.stack:
                self.stack.append("-a")  # keep the text, drop the link
                return
            self.out.append(f'<a href="{html_escape(href, quote=True)}" rel="nofollow noopener noreferrer">')
        else:
            self.out.append(f"<{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID and not self.dropping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.ALLOWED or tag in self.VOID:
            return
        names = [t.lstrip("-") for t in self.stack]
        if tag not in names:
            return
        while self.stack:
            top = self.stack.pop()
            if not top.startswith("-"):
                self.out.append(f"</{top}>")
            if top.lstrip("-") == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html_escape(data, quote=False))

    def close_all(self) -> str:
        self.close()
        while self.stack:
            top = self.stack.pop()
            if not top.startswith("-"):
                self.out.append(f"</{top}>")
        return "".join(self.out)


def sanitise_html(html: str) -> str:
    """Whitelisted, attribute-free HTML with only absolute http(s) links; everything else becomes text or goes."""
    parser = _Sanitiser()
    parser.feed(html)
    # No blank lines: the result sits inside a raw HTML block of a Markdown page.
    return re.sub(r"\n\s*\n+", "\n", parser.close_all()).strip()


def note_html(text: str) -> Markup:
    """A note's Markdown as safe HTML: Python-Markdown without raw HTML, then the whitelist sanitiser."""
    md = markdown.Markdown(extensions=[], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return Markup(sanitise_html(md.convert(text)))


# ---------------------------------------------------------------- anchoring


@dataclass(frozen=True)
class Located:
    """Where a quote was found: pieces of (paragraph index, start, end) in original characters."""

    pieces: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class NotFound:
    paragraph: int  # index of the closest passage, -1 when the article has no paragraphs
    closest: str


@dataclass(frozen=True)
class Ambiguous:
    occurrences: tuple[tuple[int, str], ...]  # (paragraph index, the words just before)


@dataclass(frozen=True)
class PrefixMismatch:
    occurrences: tuple[tuple[int, str], ...]


Anchor = Located | NotFound | Ambiguous | PrefixMismatch


def _fold(text: str) -> tuple[str, list[int]]:
    """Matching form with every whitespace run folded to one space, and the original index of each char."""
    norm, index = normalize_with_map(text)
    out: list[str] = []
    keep: list[int] = []
    for ch, i in zip(norm, index, strict=True):
        if ch == " " and out and out[-1] == " ":
            continue
        out.append(ch)
        keep.append(i)
    return "".join(out), keep


def _fold_plain(text: str) -> str:
    return _fold(text)[0].strip()


def _find_all(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    start = haystack.find(needle)
    while start != -1 and needle:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def locate(paragraphs: Sequence[str], quote: str, prefix: str | None = None) -> Anchor:
    """Find `quote` (after `prefix`, if given) in an article's paragraphs, exactly first, then folded.

    Paragraphs are searched joined, so a passage that the extractor has since
    split in two is still found, and comes back as one piece per paragraph.
    """
    joined = "\n".join(paragraphs)
    starts: list[int] = []
    offset = 0
    for p in paragraphs:
        starts.append(offset)
        offset += len(p) + 1
    quote = quote.strip()
    hits = [(s, s + len(quote)) for s in _find_all(joined, quote)]
    if not hits:
        folded, index = _fold(joined)
        fq = _fold_plain(quote)
        hits = [(index[s], index[s + len(fq) - 1] + 1) for s in _find_all(folded, fq)] if fq else []
    if not hits:
        para, closest = closest_passage(paragraphs, quote)
        return NotFound(para, closest)

    def paragraph_of(pos: int) -> int:
        return max(i for i, s in enumerate(starts) if s <= pos)

    def words_before(pos: int) -> str:
        before = joined[max(0, pos - 60) : pos].replace("\n", " ")
        return " ".join(before.split()[-4:])

    occurrences = tuple((paragraph_of(s), words_before(s)) for s, _ in hits)
    if prefix:
        fp = _fold_plain(prefix)
        decided = [h for h in hits if _fold_plain(joined[: h[0]]).endswith(fp)]
        if not decided:
            return PrefixMismatch(occurrences)
        hits = decided
    if len(hits) > 1:
        return Ambiguous(tuple((paragraph_of(s), words_before(s)) for s, _ in hits))
    start, end = hits[0]
    pieces = []
    for i, (ps, text) in enumerate(zip(starts, paragraphs, strict=True)):
        lo, hi = max(start, ps) - ps, min(end, ps + len(text)) - ps
        if lo < hi and text[lo:hi].strip():
            pieces.append((i, lo, hi))
    return Located(tuple(pieces))


def closest_passage(paragraphs: Sequence[str], quote: str) -> tuple[int, str]:
    """The run of words most like the quote (difflib over word windows), to show the editor what to copy."""
    fq = _fold_plain(quote)
    width = max(1, len(fq.split()))
    best = (-1.0, -1, "")
    for i, text in enumerate(paragraphs):
        tokens = text.split()
        for size in {max(1, width - 1), width, width + 1}:
            for j in range(max(1, len(tokens) - size + 1)):
                window = " ".join(tokens[j : j + size])
                matcher = difflib.SequenceMatcher(None, _fold_plain(window), fq, autojunk=False)
                if matcher.real_quick_ratio() <= best[0] or matcher.quick_ratio() <= best[0]:
                    continue
                ratio = matcher.ratio()
                if ratio > best[0]:
                    best = (ratio, i, window)
    return best[1], _clip(best[2])


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- applying to the archive


def read_annotations(folder: Path) -> tuple[list[RawAnnotation], list[Problem]]:
    """Every annotation file in `folder`, in name order; a bad file never stops the others."""
    raws: list[RawAnnotation] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return raws, problems
    for file in sorted(folder.iterdir()):
        if file.suffix not in (".yml", ".yaml") or not file.is_file():
            continue
        path = f"{folder.name}/{file.name}"
        if file.suffix == ".yaml":
            problems.append(
                error(path, 1, "A010", "annotation files end in .yml", f"rename it to {folder.name}/{file.stem}.yml")
            )
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            problems.append(error(path, 1, "A008", f"file could not be read: {exc.strerror}"))
            continue
        raw, found = parse_annotation(path, data)
        problems.extend(found)
        if raw is not None:
            raws.append(raw)
    return raws, problems


def apply_annotations(
    articles: Iterable[Article], raws: Iterable[RawAnnotation]
) -> tuple[tuple[Article, ...], list[Problem]]:
    """Articles with their annotations applied, plus anchoring problems.

    Corrections replace the extracted title, date or outlet (the extracted
    value is kept in `Article.corrections` for the data file); notes are
    anchored and numbered in reading order. A file with any error is not
    applied at all.
    """
    articles = tuple(articles)
    by_id = {a.id: a for a in articles}
    updated: dict[str, Article] = {}
    problems: list[Problem] = []
    for raw in raws:
        if raw.article is None:
            continue
        article = by_id.get(raw.article)
        if article is None:
            close = difflib.get_close_matches(raw.article, list(by_id), n=1, cutoff=0.6)
            problems.append(
                error(
                    raw.path,
                    raw.article_line,
                    "A101",
                    f"no article with id `{raw.article}` in the archive",
                    (f"did you mean `{close[0]}`? " if close else "")
                    + "copy the id from the article page, under «المعرّف»",
                    col=raw.article_col,
                )
            )
            continue
        notes, found = _anchor_notes(raw, article)
        problems.extend(found)
        for c in raw.corrections:
            if c.value == _extracted(article, c.field):
                problems.append(
                    warning(
                        raw.path,
                        c.line,
                        "A208",
                        f"correction of `{c.field}` is the value already extracted",
                        "remove it",
                        col=c.col,
                    )
                )
        if raw.valid and not any(p.severity == "error" for p in found):
            updated[article.id] = _annotated(article, raw, notes)
    return tuple(updated.get(a.id, a) for a in articles), problems


def _extracted(article: Article, field: str) -> str | None:
    return {"title": article.title, "date": article.date, "outlet": article.outlet}[field]


def _annotated(article: Article, raw: RawAnnotation, notes: tuple[Note, ...]) -> Article:
    changes: dict[str, object] = {}
    corrections: list[Correction] = []
    for c in raw.corrections:
        corrections.append(Correction(c.field, c.value, _extracted(article, c.field), raw.path, c.line))
        source = f"annotation:{c.line}"
        if c.field == "title":
            changes.update(title=c.value, title_derived=False)
        elif c.field == "date":
            changes.update(date=c.value, date_source=source)
        else:
            changes.update(outlet=c.value, outlet_source=source)
    return replace(article, **changes, corrections=tuple(corrections), notes=notes, annotated=True)


def _anchor_notes(raw: RawAnnotation, article: Article) -> tuple[tuple[Note, ...], list[Problem]]:
    paragraphs = article.paragraphs
    problems: list[Problem] = []
    placed: list[tuple[RawNote, tuple[tuple[int, int, int], ...]]] = []
    for note in raw.notes:
        found = locate(paragraphs, note.quote, note.prefix)
        where = (raw.path, note.quote_line)
        if isinstance(found, NotFound):
            hint = (
                f'closest passage, paragraph {found.paragraph + 1}: "{found.closest}"; copy the passage exactly'
                if found.paragraph >= 0
                else "the article has no paragraphs"
            )
            problems.append(error(*where, "A102", f"quote not found in article {article.id}", hint, note.quote_col))
        elif isinstance(found, Ambiguous):
            places = "; ".join(f'paragraph {p + 1} after "{b}"' for p, b in found.occurrences)
            problems.append(
                error(
                    *where,
                    "A103",
                    f"quote occurs {len(found.occurrences)} times in article {article.id} ({places})",
                    "add `prefix:` with the words just before the passage you mean",
                    note.quote_col,
                )
            )
        elif isinstance(found, PrefixMismatch):
            places = "; ".join(f'paragraph {p + 1}: "{b}"' for p, b in found.occurrences)
            problems.append(
                error(
                    *where,
                    "A104",
                    "`prefix` is not the text just before any occurrence of the quote",
                    f"words before each occurrence: {places}",
                    note.quote_col,
                )
            )
        else:
            placed.append((note, found.pieces))
    problems.extend(_crossing(raw.path, placed))
    placed.sort(key=lambda item: (item[1][0][0], item[1][0][1]))
    notes = tuple(
        Note(
            number=n,
            kind=note.kind,
            quote=note.quote,
            text=note.text,
            html=note.html,
            author=note.author,
            sources=note.sources,
            verdict=note.verdict,
            pieces=pieces,
            file=raw.path,
            line=note.line,
        )
        for n, (note, pieces) in enumerate(placed, start=1)
    )
    return notes, problems


def _crossing(path: str, placed: list[tuple[RawNote, tuple[tuple[int, int, int], ...]]]) -> list[Problem]:
    """Two marks that overlap without one containing the other cannot both be drawn: say so."""
    problems: list[Problem] = []
    for i, (note, pieces) in enumerate(placed):
        for other, other_pieces in placed[:i]:
            for p, s, e in pieces:
                if any(
                    p == op and s < oe and os < e and not (os <= s and e <= oe) and not (s <= os and oe <= e)
                    for op, os, oe in other_pieces
                ):
                    problems.append(
                        error(
                            path,
                            note.quote_line,
                            "A105",
                            f"passage overlaps the passage of the note at line {other.line} without containing it",
                            "quote a passage that is inside the other one, contains it, or is apart from it",
                            note.quote_col,
                        )
                    )
                    break
    return problems


def annotate_folder(articles: Iterable[Article], folder: Path) -> tuple[tuple[Article, ...], list[Problem]]:
    """The pipeline stage: read every annotation in `folder` and apply it to the archive."""
    raws, problems = read_annotations(folder)
    annotated, found = apply_annotations(articles, raws)
    return annotated, problems + found


# ---------------------------------------------------------------- spans for the page


def note_spans(article: Article) -> list[list[Span]]:
    """Per paragraph, the `<mark>` spans of the article's notes; the numbered marker follows the last piece."""
    per: list[list[Span]] = [[] for _ in article.paragraphs]
    for note in article.notes:
        n = note.number
        for k, (p, start, end) in enumerate(note.pieces):
            ident = f' id="note-ref-{n}"' if k == 0 else ""
            close = "</mark>"
            if k == len(note.pieces) - 1:
                close += f'<sup class="note-marker"><a href="#note-{n}" aria-label="ملاحظة {n}">{n}</a></sup>'
            if 0 <= p < len(per):
                per[p].append(Span(start, end, f'<mark{ident} class="note-mark">', close, MARK_PRIORITY))
    return per


def merge_spans(*span_lists: Sequence[Sequence[Span]]) -> list[list[Span]]:
    """Per-paragraph union of several span lists (entity links, note marks).

    A link that would enclose a note's marker (itself a link) is dropped for
    that mention only: HTML forbids a link inside a link.
    """
    size = max((len(s) for s in span_lists), default=0)
    merged: list[list[Span]] = []
    for i in range(size):
        spans = [span for lst in span_lists if i < len(lst) for span in lst[i]]
        marks = [s for s in spans if s.open_tag.startswith("<mark")]
        if marks:  # most paragraphs have no note: nothing to drop
            spans = [
                s
                for s in spans
                if not (s.open_tag.startswith("<a") and any(s.start <= m.start and m.end <= s.end for m in marks))
            ]
        merged.append(spans)
    return merged


# ---------------------------------------------------------------- the editor's starter file


def starter_yaml(article: Article) -> str:
    """A starting annotation file: the fields to fill in, and the article's paragraphs to copy quotes from."""
    lines = [
        f"# Annotation for «{article.title}»",
        f"# {article.source}, line {article.line}. How to write it: CONTRIBUTING.md",
        f"# Save as annotations/{article.id}.yml, then run: python -m builder check",
        f"article: {article.id}",
        "# corrections:            # only what the archive got wrong; remove the lines you do not need",
        f"#   title: {_yaml_scalar(article.title)}",
        f"#   date: {article.date or 'YYYY-MM-DD'}",
        f"#   outlet: {_yaml_scalar(article.outlet or '…')}",
        "notes:",
        '  - quote: ""             # copy a passage exactly from a paragraph below',
        f"    kind: context        # {' | '.join(KINDS)}",
        f"    # verdict: …         # fact-check only: {' | '.join(VERDICTS)}",
        '    text: ""              # the note, in Markdown, no HTML',
        "    sources: []           # [https://…, https://…]",
        '    author: ""',
        "#",
        "# The article's paragraphs:",
    ]
    for i, text in enumerate(article.paragraphs, start=1):
        lines.append(f"# ¶{i}: {' '.join(text.split())}")
    return "\n".join(lines) + "\n"


def _yaml_scalar(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
