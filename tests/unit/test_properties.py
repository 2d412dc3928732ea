"""Property-based tests: no input crashes the parser, no text is lost or doubled, none becomes markup.

Three promises of the builder, checked on inputs nobody wrote by hand:
random and mutated seeds never raise; every sentence of a well-formed seed
(made by `bench.generate`, which also says what it wrote) comes back exactly
once; and text from a seed, however hostile, renders as text — the HTML that
Python-Markdown makes of the page holds no element or attribute that the
template did not put there.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path

import markdown
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.generate import GenArticle, generate_seed
from builder.build import process_seed
from builder.extract import extract_article
from builder.model import Article
from builder.normalize import normalize, normalize_with_map
from builder.parse import split_articles
from builder.render import render_article
from builder.sources import decode_seed

ROOT = Path(__file__).resolve().parents[2]
REAL_SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines that steer the parser: markers, debris, bylines, captions, headers, and their near misses.
SHAPES = [
    "مقالات ذات صلة",
    "TT",
    "«الشرق الأوسط» (واشنطن)",
    "سعيد عبد الرازق (أنقرة)",
    "دورية لعناصر من الجيش (أ.ف.ب)",
    " date 2025-09-16 ",
    "date 2025-02-30",
    "title: عنوان",
    "هل تتدخل الولايات المتحدة في مالي؟",
    "(",
    ")",
    "«",
    "»",
    "...",
    "\n",
    "\n\n",
    "\r\n",
    "\x00",
    "\u202e",
    "\u200b",
    "ﻟ",
    "٢٠٢٥",
    "<script>alert(1)</script>",
    "{{ x }}",
    "---",
]
_piece = st.one_of(st.sampled_from(SHAPES), st.text(max_size=30))
seed_text = st.lists(_piece, max_size=60).map("".join)


def _process(raw: bytes) -> tuple[list[Article], list]:
    """`process_seed` on bytes, through a real file as the builder reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(raw)
        result = process_seed(path, "seeds/x.txt")
    return list(result.articles), list(result.problems)


@FAST
@given(seed_text)
@example("")
@example("\n\n\n")
@example("مقالات ذات صلة\n«الشرق الأوسط» (واشنطن)")
@example(" date 2025-09-16")
def test_random_text_never_crashes_the_parser(text):
    articles, problems = _process(text.encode("utf-8", errors="surrogatepass"))
    for article in articles:
        assert article.id.startswith("a-")
        assert article.title  # a derived title at worst, never empty
    assert all(p.line >= 1 and p.file == "seeds/x.txt" for p in problems)


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_and_bad_files_are_reported(raw):
    articles, problems = _process(raw)
    if not articles:
        assert problems, "a file that gives no article must say why"


@FAST
@given(seed_text)
def test_split_and_extract_never_crash_on_decoded_text(text):
    source, _ = decode_seed(text.encode("utf-8", errors="replace"), "seeds/x.txt")
    if source is None:
        return
    for raw in split_articles(source.path, source.text):
        article, problems = extract_article(raw)
        assert article.line >= 1
        assert all(p.line >= 1 for p in problems)


def _mutate(lines: list[str], ops: list[tuple[int, int, int]]) -> list[str]:
    out = list(lines)
    for op, a, b in ops:
        if not out:
            break
        i, j = a % len(out), b % len(out)
        if op == 0:
            del out[i]
        elif op == 1:
            out.insert(j, out[i])  # duplicate a line elsewhere
        elif op == 2:
            out[i], out[j] = out[j], out[i]
        elif op == 3:
            out[i] = out[i][: b % (len(out[i]) + 1)]  # truncate a line
        elif op == 4:
            out[i] = out[i] + out[j]  # two lines glued
        else:
            out.insert(i, "")
    return out


@FAST
@given(
    st.sampled_from(range(len(REAL_SEEDS) + 3)),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10_000), st.integers(0, 10_000)), max_size=25),
)
def test_mutated_seeds_never_crash(which, ops):
    if which < len(REAL_SEEDS):
        text = REAL_SEEDS[which].read_text(encoding="utf-8")
    else:
        text, _ = generate_seed(random.Random(which), 3)
    mutated = "\n".join(_mutate(text.split("\n"), ops))
    articles, _ = _process(mutated.encode("utf-8"))
    assert len({a.id for a in articles}) <= len(articles)


def _sentences(g: GenArticle) -> list[str]:
    units = [s for para in g.paragraphs for s in para] + list(g.captions) + list(g.headings)
    units += [x for x in (g.title, g.deck) if x]
    for t in g.teasers:
        units += [t.title, t.summary, t.caption]
    return units


def _output_units(a: Article) -> list[str]:
    units = [a.title, a.deck or ""]
    for b in a.body:
        units += re.split(r"(?<=\.) ", b.text) if b.kind == "paragraph" else [b.text]
    if a.lead_caption:
        units.append(a.lead_caption.text)
    for t in a.teasers:
        units += [t.title, t.summary or "", t.caption.text if t.caption else ""]
    return units


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_every_sentence_of_a_well_formed_seed_comes_back_exactly_once(seed, count):
    text, made = generate_seed(random.Random(seed), count, ["عنوان معروف في الأرشيف"])
    articles, _ = _process(text.encode("utf-8"))
    assert len(articles) == len(made)
    for article, wrote in zip(articles, made, strict=True):
        units = _output_units(article)
        for sentence in _sentences(wrote):
            assert units.count(sentence) == 1, (sentence, article.source, article.line)
        if wrote.title is None:
            assert article.title_derived and article.date == wrote.date


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_fast_normalize_is_the_mapped_normalisation(text):
    assert normalize(text) == normalize_with_map(text)[0]


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>اضغط</a>",
    "[رابط](javascript:alert(1))",
    "![صورة](https://evil.example/x.png)",
    "<https://evil.example>",
    "{{ config }}",
    "{% raw %}",
    "{: onclick=alert(1) }",
    "<div markdown=1>*x*</div>",
    "<!-- تعليق -->",
    "<style>body{display:none}</style>",
    "&lt;script&gt;",
    "*نص* _مائل_ `شفرة` # عنوان",
    "| a | b |",
    "<iframe src=//evil.example>",
    "<svg onload=alert(1)>",
    "]]>",
    "\\",
]
_hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="مالي الساحل abc<>\"'&=/:;()[]{}!#*_`|-", max_size=12)),
    min_size=1,
    max_size=5,
).map(" ".join)
_CONTENT_TAGS = {"script", "style", "iframe", "img", "object", "embed", "form", "input", "link", "meta", "base", "math"}


def _page_html(page: str) -> BeautifulSoup:
    """The article page as MkDocs would render its body: front matter off, our Markdown extensions on."""
    from mkdocs.utils.meta import get_data

    body, meta = get_data(page)
    assert isinstance(meta, dict) and meta.get("title"), "front matter must stay one mapping with a title"
    html = markdown.markdown(body, extensions=["toc", "tables", "fenced_code", "attr_list", "md_in_html"])
    return BeautifulSoup(html, "html.parser")


def _visible(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=40, deadline=None)
@given(title=_hostile_text, deck=_hostile_text, para=_hostile_text, heading=_hostile_text, cap=_hostile_text)
def test_hostile_seed_text_renders_as_text_only(title, deck, para, heading, cap):
    title = title.replace("\n", " ")[:150].strip(" .:،؛") or "عنوان"
    seed = "\n\n".join(
        [
            title,
            deck + " ...",
            f"{cap} (أ.ف.ب)",
            "TT",
            title,
            f"بداية الفقرة {para} نهاية الفقرة.",
            "عنوان فرعي",
            f"فقرة ثانية {heading}.",
            "مقالات ذات صلة",
            f"{heading} {title}",
            "«الشرق الأوسط» (واشنطن)",
        ]
    )
    articles, _ = _process(seed.encode("utf-8"))
    assert articles
    by_id = {a.id: a for a in articles}
    for article in articles:
        soup = _page_html(render_article(article, by_id))
        for tag in soup.find_all(True):
            assert tag.name not in _CONTENT_TAGS, tag
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), tag
                values = value if isinstance(value, list) else [value]
                for v in values:
                    assert not re.match(r"\s*(javascript|data|vbscript):", v, re.I), tag
        text = _visible(soup.get_text())
        for block in article.body:
            if block.kind == "paragraph":
                assert _visible(block.text) in text  # shown as the very characters of the seed
