"""Editors' annotations: every error with its exact message, anchoring, corrections, safe note HTML."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from builder import annotations as ann
from builder.__main__ import main
from builder.data import article_record
from builder.model import Article
from builder.problems import CODES
from builder.render import render_article
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
ID = "a-0123456789"
PARAS = (
    "قال وزير الخارجية إنّ «القاعدة» تحاصر باماكو منذ سبتمبر.",
    "وأضاف الوزير أن «القاعدة» خسرت مواقع في الشمال، وأن الجيش يتقدّم.",
    "وتدخلت فرنسا عام 2013 حين زحفت الجماعات المسلحة نحو وسط البلاد.",
)
BIG = "article: a-0123456789\n# " + "x" * 70000 + "\n"


def make_article(paragraphs=PARAS, **fields) -> Article:
    return factories.make_article(ID, paragraphs, first_line=10, **{"title": "عنوان مستخرج", **fields})


def run(text: str | bytes, name: str = ID, paragraphs=PARAS) -> tuple[tuple[Article, ...], list[str]]:
    data = text if isinstance(text, bytes) else text.encode()
    raw, problems = ann.parse_annotation(f"annotations/{name}.yml", data)
    articles, found = ann.apply_annotations([make_article(paragraphs)], [raw] if raw else [])
    return articles, [p.format() for p in sorted(problems + found)]


NOTE = """  - quote: "تحاصر باماكو"
    kind: context
    text: "نص"
    author: محرر
"""

ERRORS = [
    pytest.param(
        "a-0123456789",
        ("article: a-0123456789\nnotes: [\n"),
        [
            "annotations/a-0123456789.yml:3:1: error[A001]: YAML syntax: while parsing a flow node "
            "expected the node content, but found '<stream end>' (check the indentation and put text "
            "that contains `:` or `#` in double quotes)",
        ],
        id="A001",
    ),
    pytest.param(
        "a-0123456789",
        BIG,
        [
            "annotations/a-0123456789.yml:1:1: error[A002]: file is too large (70025 bytes; the limit "
            "is 65536) (an annotation file holds one article's notes; split long notes or link to a "
            "source)",
        ],
        id="A002",
    ),
    pytest.param(
        "a-0123456789",
        ("article: a-0123456789\narticle: a-0123456789\n"),
        [
            "annotations/a-0123456789.yml:2:1: error[A003]: duplicate key `article` in the file (first "
            "at line 1) (keep one `article:`; a second one would silently replace the first)",
        ],
        id="A003",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: context\n"
            '    txt: "نص"\n'
            '    text: "نص"\n'
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:5:5: error[A004]: unknown key `txt` in a note (did you mean "
            "`text`? allowed keys: quote, prefix, kind, verdict, text, sources, author)",
        ],
        id="A004",
    ),
    pytest.param(
        "a-0123456789",
        ("article: a-0123456789\nnotes:\n  - quote: [تحاصر]\n    kind: context\n    text: نص\n    author: محرر\n"),
        [
            "annotations/a-0123456789.yml:3:12: error[A005]: `quote` must be text, not a list (put the "
            'value in double quotes: "…")',
        ],
        id="A005",
    ),
    pytest.param(
        "a-0123456789",
        ('article: a-0123456789\nnotes:\n  - quote: "تحاصر باماكو"\n    kind: context\n    text: نص\n'),
        [
            "annotations/a-0123456789.yml:3:5: error[A006]: note is missing `author` (add `author:` to this note)",
        ],
        id="A006",
    ),
    pytest.param(
        "a-0123456789",
        ('article: a-0123456789\nnotes:\n  - quote: "تحاصر باماكو"\n    kind: context\n    text:\n    author: محرر\n'),
        [
            "annotations/a-0123456789.yml:5:10: error[A007]: `text` is empty (write a value after "
            "`text:` or remove the line)",
        ],
        id="A007",
    ),
    pytest.param(
        "a-0123456789",
        b'article: a-0123456789\nnotes:\n  - quote: "\xff\xfe"\n',
        [
            "annotations/a-0123456789.yml:3:1: error[A008]: file is not UTF-8 text (save the file as UTF-8)",
        ],
        id="A008",
    ),
    pytest.param(
        "a-0123456789",
        ("article: &id a-0123456789\nnotes:\n  - quote: *id\n"),
        [
            "annotations/a-0123456789.yml:1:10: error[A009]: YAML anchor `id` is not allowed (write "
            "plain values; YAML anchors and tags are not needed)",
            "annotations/a-0123456789.yml:3:12: error[A009]: YAML alias `id` is not allowed (write "
            "plain values; YAML anchors and tags are not needed)",
        ],
        id="A009",
    ),
    pytest.param(
        "wrong-name",
        "article: a-0123456789\n",
        [
            "annotations/wrong-name.yml:1:10: error[A010]: file name `wrong-name.yml` does not match "
            "article `a-0123456789` (name the file annotations/a-0123456789.yml)",
        ],
        id="A010",
    ),
    pytest.param(
        "a-9999999999",
        "article: a-9999999999\n",
        [
            "annotations/a-9999999999.yml:1:10: error[A101]: no article with id `a-9999999999` in the "
            "archive (copy the id from the article page, under «المعرّف»)",
        ],
        id="A101",
    ),
    pytest.param(
        "mali-article",
        "article: mali-article\n",
        [
            "annotations/mali-article.yml:1:10: error[A101]: `mali-article` is not an article id (ids "
            "look like a-528e9c4a65; copy it from the article page, under «المعرّف»)",
        ],
        id="A101-form",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر مدينة باماكو"\n'
            "    kind: context\n"
            "    text: نص\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:3:12: error[A102]: quote not found in article a-0123456789 "
            '(closest passage, paragraph 1: "تحاصر باماكو"; copy the passage exactly)',
        ],
        id="A102",
    ),
    pytest.param(
        "a-0123456789",
        ('article: a-0123456789\nnotes:\n  - quote: "«القاعدة»"\n    kind: context\n    text: نص\n    author: محرر\n'),
        [
            "annotations/a-0123456789.yml:3:12: error[A103]: quote occurs 2 times in article "
            'a-0123456789 (paragraph 1 after "قال وزير الخارجية إنّ"; paragraph 2 after "سبتمبر. وأضاف '
            'الوزير أن") (add `prefix:` with the words just before the passage you mean)',
        ],
        id="A103",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "«القاعدة»"\n'
            '    prefix: "قال الرئيس"\n'
            "    kind: context\n"
            "    text: نص\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:3:12: error[A104]: `prefix` is not the text just before any "
            'occurrence of the quote (words before each occurrence: paragraph 1: "قال وزير الخارجية '
            'إنّ"; paragraph 2: "سبتمبر. وأضاف الوزير أن")',
        ],
        id="A104",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو منذ"\n'
            "    kind: context\n"
            "    text: نص\n"
            "    author: محرر\n"
            '  - quote: "باماكو منذ سبتمبر"\n'
            "    kind: context\n"
            "    text: نص\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:7:12: error[A105]: passage overlaps the passage of the note "
            "at line 3 without containing it (quote a passage that is inside the other one, contains "
            "it, or is apart from it)",
        ],
        id="A105",
    ),
    pytest.param(
        "a-0123456789",
        ("article: a-0123456789\ncorrections:\n  date: 6/11/2025\n"),
        [
            "annotations/a-0123456789.yml:3:9: error[A201]: `date` is not a date: '6/11/2025' (write "
            "it as YYYY-MM-DD, e.g. 2025-11-06)",
        ],
        id="A201",
    ),
    pytest.param(
        "a-0123456789",
        ("article: a-0123456789\ncorrections:\n  date: 2025-02-30\n"),
        [
            "annotations/a-0123456789.yml:3:9: error[A201]: `date` is not a date: '2025-02-30' (write "
            "it as YYYY-MM-DD, e.g. 2025-11-06)",
        ],
        id="A201-feb30",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: fact-check\n"
            "    verdict: acurate\n"
            "    text: نص\n"
            "    sources: [https://example.org/a]\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:5:14: error[A202]: verdict `acurate` is not on the list (did "
            "you mean `accurate`? use one of: accurate, mostly-accurate, partly-accurate, misleading, "
            "inaccurate, unverifiable)",
        ],
        id="A202",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: fact-check\n"
            "    text: نص\n"
            "    sources: [https://example.org/a]\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:3:5: error[A203]: a fact-check needs a `verdict` (add "
            "`verdict:` with one of: accurate, mostly-accurate, partly-accurate, misleading, "
            "inaccurate, unverifiable)",
        ],
        id="A203",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: context\n"
            "    verdict: accurate\n"
            "    text: نص\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:5:5: error[A203]: `verdict` is only for fact-checks, not "
            "`context` (remove the verdict)",
        ],
        id="A203-other",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: opinion\n"
            "    text: نص\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:4:11: error[A204]: kind `opinion` is not one of: context, "
            "correction, fact-check, translation (pick one of them)",
        ],
        id="A204",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: context\n"
            "    text: نص\n"
            "    sources: [ftp://example.org/a, https://example.org/b]\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:6:15: error[A205]: source is not an http(s) link: "
            "'ftp://example.org/a' (use a full address starting with https://)",
        ],
        id="A205",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: context\n"
            '    text: "انظر [هنا](javascript:alert(1))"\n'
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:5:11: error[A205]: link in `text` is not http(s): "
            "'javascript:alert(1)' (use a full address starting with https://)",
        ],
        id="A205-text",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: context\n"
            '    text: "نص <script>alert(1)</script>"\n'
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:5:11: error[A206]: raw HTML in `text`: `<script>` (write "
            "Markdown only: *emphasis*, **bold**, [link](https://…); to show `<`, put a space after it)",
        ],
        id="A206",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: context\n"
            '    text: "<img src=x onerror=alert(1)>"\n'
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:5:11: error[A206]: raw HTML in `text`: `<img src=x "
            "onerror=alert(1)>` (write Markdown only: *emphasis*, **bold**, [link](https://…); to show "
            "`<`, put a space after it)",
        ],
        id="A206-img",
    ),
    pytest.param(
        "a-0123456789",
        (
            "article: a-0123456789\n"
            "notes:\n"
            '  - quote: "تحاصر باماكو"\n'
            "    kind: fact-check\n"
            "    verdict: accurate\n"
            "    text: نص\n"
            "    author: محرر\n"
        ),
        [
            "annotations/a-0123456789.yml:3:5: error[A207]: a fact-check needs at least one source "
            "(add `sources: [https://…]`)",
        ],
        id="A207",
    ),
    pytest.param(
        "a-0123456789",
        ("article: a-0123456789\ncorrections:\n  title: عنوان مستخرج\n"),
        [
            "annotations/a-0123456789.yml:3:10: warning[A208]: correction of `title` is the value "
            "already extracted (remove it)",
        ],
        id="A208",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), ERRORS)
def test_every_error_has_its_exact_message(name, text, expected):
    articles, problems = run(text, name)
    assert problems == expected
    if any(": error[" in p for p in problems):  # a file with an error changes nothing
        assert articles == (make_article(),)


def test_every_annotation_code_is_tested_and_registered():
    tested = {re.search(r"\[(A\d{3})\]", p).group(1) for case in ERRORS for p in case.values[2]}
    codes = {c for c in CODES if c.startswith("A")}
    used = set(re.findall(r'"(A\d{3})"', (ROOT / "builder" / "annotations.py").read_text(encoding="utf-8")))
    assert used <= codes, "every code the loader emits is in problems.CODES"
    assert codes <= tested, f"untested codes: {sorted(codes - tested)}"


def test_every_annotation_code_is_documented_in_contributing():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    missing = [c for c in CODES if c.startswith("A") and not re.search(rf"\b{c}\b", text)]
    assert not missing


def test_all_problems_of_a_file_are_reported_at_once():
    text = """article: a-0123456789
corrections:
  date: 2025-13-01
notes:
  - quote: "غير موجود في المقال"
    kind: opinion
    text: "<b>عريض</b>"
    sources: [javascript:alert(1)]
    author: محرر
"""
    _, problems = run(text)
    assert [re.search(r"\[(A\d{3})\]", p).group(1) for p in problems] == ["A201", "A102", "A204", "A206", "A205"]


def test_a_bad_file_never_stops_a_good_one(tmp_path):
    folder = tmp_path / "annotations"
    folder.mkdir()
    other = make_article(id="a-aaaaaaaaaa")
    (folder / f"{ID}.yml").write_text(f"article: {ID}\nnotes:\n{NOTE}", encoding="utf-8")
    (folder / "a-aaaaaaaaaa.yml").write_text("article: a-aaaaaaaaaa\nnotes: [\n", encoding="utf-8")
    (folder / "README.md").write_text("not an annotation", encoding="utf-8")
    articles, problems = ann.annotate_folder([make_article(), other], folder)
    assert [p.code for p in problems] == ["A001"]
    assert articles[0].annotated and [n.quote for n in articles[0].notes] == ["تحاصر باماكو"]
    assert articles[1] == other


def test_yaml_extension_is_reported_not_ignored(tmp_path):
    folder = tmp_path / "annotations"
    folder.mkdir()
    (folder / f"{ID}.yaml").write_text(f"article: {ID}\n", encoding="utf-8")
    _, problems = ann.annotate_folder([make_article()], folder)
    assert [p.format() for p in problems] == [
        f"annotations/{ID}.yaml:1:1: error[A010]: annotation files end in .yml (rename it to annotations/{ID}.yml)"
    ]


VALID = """article: a-0123456789
corrections:
  title: "العنوان المصحّح"
  date: 2025-11-06
  outlet: الشرق الأوسط
notes:
  - quote: "زحفت الجماعات المسلحة"
    kind: fact-check
    verdict: partly-accurate
    text: "تدخلت فرنسا في **يناير 2013**؛ انظر [عملية سرفال](https://en.wikipedia.org/wiki/Operation_Serval)."
    sources: [https://en.wikipedia.org/wiki/Operation_Serval]
    author: فريق الأرشيف
  - quote: "«القاعدة»"
    prefix: "وأضاف الوزير أن"
    kind: context
    text: فرع التنظيم في الساحل.
    author: محرر
"""


def test_a_valid_annotation_renders_at_its_passage():
    (article,), problems = run(VALID)
    assert problems == []
    assert [(n.number, n.kind, n.pieces) for n in article.notes] == [
        (1, "context", ((1, 16, 25),)),
        (2, "fact-check", ((2, 26, 47),)),
    ]
    assert [PARAS[p][s:e] for n in article.notes for p, s, e in n.pieces] == ["«القاعدة»", "زحفت الجماعات المسلحة"]
    page = render_article(article, {article.id: article}, spans=ann.note_spans(article))
    p2 = re.search(r'<p id="p2">(.*?)</p>', page).group(1)
    assert p2 == (
        'وأضاف الوزير أن <mark id="note-ref-1" class="note-mark">«القاعدة»</mark>'
        '<sup class="note-marker"><a href="#note-1" aria-label="ملاحظة 1">1</a></sup>'
        " خسرت مواقع في الشمال، وأن الجيش يتقدّم."
    )
    assert '<mark id="note-ref-2" class="note-mark">زحفت الجماعات المسلحة</mark>' in page
    notes = page[page.index('<section class="notes"') :]
    assert notes.index('id="note-1"') < notes.index('id="note-2"')
    assert '<span class="badge kind kind-fact-check">تحقق</span>' in notes
    assert '<span class="badge verdict verdict-partly-accurate">الحكم: صحيح جزئيًا</span>' in notes
    assert "<strong>يناير 2013</strong>" in notes
    assert '<a href="https://en.wikipedia.org/wiki/Operation_Serval" rel="nofollow noopener noreferrer">' in notes
    assert "كتبها: فريق الأرشيف" in notes


def test_corrections_override_metadata_in_pages_and_data():
    (article,), problems = run(VALID)
    assert problems == []
    assert (article.title, article.date, article.outlet) == ("العنوان المصحّح", "2025-11-06", "الشرق الأوسط")
    assert article.date_source == "annotation:4" and article.outlet_source == "annotation:5"
    page = render_article(article, {article.id: article})
    assert "\n# العنوان المصحّح\n" in page
    assert (
        '<time datetime="2025-11-06">6 نوفمبر 2025</time> <span class="provenance">(تصحيح تحريري، السطر 4)</span>'
        in page
    )
    block = page[page.index('<aside class="corrections"') : page.index("</aside>")]
    assert block.count('<span class="badge correction">تصحيح</span>') == 3
    assert "العنوان: «العنوان المصحّح»" in block and "(في المادة المستخرجة: «عنوان مستخرج»)" in block
    assert "(في المادة المستخرجة: غير معروف)" in block  # no date or outlet was extracted
    record = json.loads(json.dumps(article_record(article), ensure_ascii=False))
    assert (record["title"], record["date"], record["outlet"]) == ("العنوان المصحّح", "2025-11-06", "الشرق الأوسط")
    assert record["date_source"] == "annotation:4" and record["annotated"] is True
    assert record["corrections"] == [
        {"field": "title", "value": "العنوان المصحّح", "extracted": "عنوان مستخرج", "source": f"annotations/{ID}.yml:3"},
        {"field": "date", "value": "2025-11-06", "extracted": None, "source": f"annotations/{ID}.yml:4"},
        {"field": "outlet", "value": "الشرق الأوسط", "extracted": None, "source": f"annotations/{ID}.yml:5"},
    ]
    assert [n["quote"] for n in record["notes"]] == ["«القاعدة»", "زحفت الجماعات المسلحة"]


def test_anchoring_survives_resplit_paragraphs_and_diacritics():
    (before,), problems = run(VALID)
    assert problems == []
    # The extractor now splits the third paragraph in two, and the seed lost its shadda.
    resplit = (*PARAS[:2], "وتدخلت فرنسا عام 2013 حين زحفت", "الجماعات المسلحة نحو وسط البلاد.")
    resplit = tuple(p.replace("\u0651", "") for p in resplit)
    (after,), problems = run(VALID, paragraphs=resplit)
    assert problems == []
    note = after.notes[1]
    assert [resplit[p][s:e] for p, s, e in note.pieces] == ["زحفت", "الجماعات المسلحة"]
    spans = ann.note_spans(after)
    assert [s.open_tag for s in spans[2]] == ['<mark id="note-ref-2" class="note-mark">']
    assert [s.open_tag for s in spans[3]] == ['<mark class="note-mark">']  # one id, one marker: at the end
    assert "note-marker" not in spans[2][0].close_tag and "note-marker" in spans[3][0].close_tag
    assert before.notes[0].pieces == after.notes[0].pieces


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("تحاصر باماكو", "تحاصر باماكو"),
        ("إن «القاعدة» تحاصر", "إنّ «القاعدة» تحاصر"),  # diacritic missing in the quote
        ("يتقدم.", "يتقدّم."),
        ("منذ سبتمبر.   وأضاف", "منذ سبتمبر.\nوأضاف"),  # across two paragraphs, spaces folded
        ("عام ٢٠١٣", "عام 2013"),  # Arabic-Indic digits
    ],
)
def test_locate_exactly_then_folded(quote, found):
    anchor = ann.locate(PARAS, quote)
    assert isinstance(anchor, ann.Located)
    assert "\n".join(PARAS[p][s:e] for p, s, e in anchor.pieces) == found


MALICIOUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[انقر](javascript:alert(1))",
    "[انقر](JaVaScRiPt:alert(1))",
    "[انقر](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "![صورة](https://example.org/x.png)",
    '<a href="https://x.org" onclick="alert(1)">x</a>',
    '[x](https://x.org/" onmouseover="alert(1))',
    "<svg><script>alert(1)</script></svg>",
    "<!-- <script>alert(1)</script> -->",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_note_html_cannot_carry_script(text):
    html = str(ann.note_html(text))
    tags = BeautifulSoup(html, "html.parser").find_all(True)
    assert {t.name for t in tags} <= {"p", "em", "strong", "code", "ul", "ol", "li", "blockquote", "br", "a"}
    for tag in tags:
        assert set(tag.attrs) <= {"href", "rel"}
        assert tag.name == "a" or not tag.attrs
    assert all(ann.is_http_url(a["href"]) for a in tags if a.name == "a")
    assert "<script" not in html.lower() and "javascript:" not in html.lower().replace("javascript:alert", "")


def test_sanitiser_keeps_text_and_whitelisted_tags_only():
    html = ann.sanitise_html(
        '<p>نص <b>عريض</b> <a href="https://x.org/?a=1&amp;b=2" class="c">رابط</a>'
        '<a href="/relative">نسبي</a><style>p{}</style><iframe src="https://e.vil"></iframe></p>'
    )
    assert html == (
        '<p>نص عريض <a href="https://x.org/?a=1&amp;b=2" rel="nofollow noopener noreferrer">رابط</a>نسبي</p>'
    )


def test_an_unsafe_note_never_reaches_a_page_even_bypassing_validation():
    (article,), _ = run(VALID)
    bad = ann.note_html("<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))")
    note = article.notes[0]
    article = replace(article, notes=(replace(note, html=bad, author="<script>alert(2)</script>"),))
    page = render_article(article, {article.id: article})
    assert "<script" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_crossing_marks_do_not_drop_an_entity_link_silently_but_no_link_nests_in_a_link():
    (article,), _ = run(VALID)
    marks = ann.note_spans(article)
    link = ann.Span(16, 25, '<a class="entity" href="x/">', "</a>")
    inner = ann.Span(17, 24, '<a class="entity" href="y/">', "</a>")
    merged = ann.merge_spans([[], [link, inner]], marks)
    assert link not in merged[1] and inner in merged[1]


def test_the_shipped_example_annotation_is_valid_and_applied(seed_build):
    problems = [p.format() for p in seed_build.problems if p.file.startswith("annotations/")]
    assert problems == []
    annotated = {a.id: a for a in seed_build.articles if a.annotated}
    assert "a-528e9c4a65" in annotated
    kinds = {n.kind for n in annotated["a-528e9c4a65"].notes}
    assert {"context", "fact-check"} <= kinds


def test_check_exits_1_and_build_fails_on_a_bad_annotation(tmp_path, capsys):
    folder = tmp_path / "annotations"
    folder.mkdir()
    (folder / "a-528e9c4a65.yml").write_text("article: a-528e9c4a65\nnotes:\n  - quote: x\n", encoding="utf-8")
    assert main(["check", "--annotations", str(folder), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "annotations/a-528e9c4a65.yml:3:5: error[A006]: note is missing `kind` (add `kind:` to this note)" in err
    docs = tmp_path / "docs"
    assert main(["build", "--annotations", str(folder), "--docs", str(docs), "--quiet"]) == 1
    page = (docs / "articles" / "a-528e9c4a65.md").read_text(encoding="utf-8")
    assert "<mark" not in page  # nothing half-applied
    assert main(["check", "--annotations", str(tmp_path / "none"), "--quiet"]) == 0


def test_annotate_prints_a_starter_that_validates_once_filled(capsys):
    assert main(["annotate", "a-528e9c4a65"]) == 0
    starter = capsys.readouterr().out
    assert starter.startswith("# Annotation for «هل تتدخل الولايات المتحدة «عسكرياً» لصد «القاعدة» في مالي؟»")
    assert "# ¶12: هُنا لا بد من الإشارة" in starter
    path = "annotations/a-528e9c4a65.yml"
    _, problems = ann.parse_annotation(path, starter.encode())
    assert sorted(p.code for p in problems) == ["A007", "A007", "A007"]  # quote, text, author to fill in
    filled = (
        starter.replace('quote: ""', 'quote: "عبودلاي ديوب"')
        .replace('text: ""', "text: وزير خارجية مالي.")
        .replace('author: ""', "author: محرر")
    )
    _, problems = ann.parse_annotation(path, filled.encode())
    assert problems == []
    assert yaml.safe_load(filled)["article"] == "a-528e9c4a65"
    assert main(["annotate", "a-0000000000"]) == 1


def test_the_example_in_contributing_is_valid_on_its_article(seed_build):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    raw, problems = ann.parse_annotation("annotations/a-528e9c4a65.yml", example.encode())
    extracted = [a for a in seed_build.articles if a.id == "a-528e9c4a65"]
    extracted = [replace(a, notes=(), corrections=(), annotated=False) for a in extracted]
    (article,), found = ann.apply_annotations(extracted, [raw])
    assert problems + found == []
    assert article.date == "2025-11-06" and [n.kind for n in article.notes] == [
        "fact-check",
        "context",
    ]  # reading order
