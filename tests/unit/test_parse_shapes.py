"""Hand-written page shapes beyond the two seeds: the rules, not the files."""

from __future__ import annotations

import re

import pytest

from builder import extract, parse
from builder.dates import earliest_date, parse_date_line
from builder.extract import derive_title, extract_article, parse_byline
from builder.model import Caption
from builder.normalize import normalize
from builder.parse import at_most_words, is_byline, is_caption, is_related_marker, split_articles, split_caption
from builder.patterns import HEADER_KEYS, QUOTE


def articles(text: str):
    return [extract_article(raw)[0] for raw in split_articles("seeds/t.txt", text)]


def test_credit_shapes():
    assert split_caption("جنود في الشارع (أ.ف.ب)") == ("جنود في الشارع", "أ.ف.ب")
    assert split_caption("جنود في الشارع (أرشيفية - رويترز)") == ("جنود في الشارع", "أرشيفية - رويترز")
    assert split_caption("صورة من الحدث... 31 أكتوبر 2025 (رويترز)") == ("صورة من الحدث... 31 أكتوبر 2025", "رويترز")
    assert split_caption("لقطة من الفيديو (حساب الجيش على إكس)") == ("لقطة من الفيديو", "حساب الجيش على إكس")
    # An aside in parentheses is not a credit; a sentence signed by an agency is not a caption.
    assert not is_caption("قال عضو المجلس الوطني الانتقالي (الهيئة التشريعية الانتقالية في مالي)")
    assert not is_caption("وقال المسؤول إن الوضع هادئ. (رويترز)")
    assert not is_caption("(أ.ف.ب)")


def test_byline_shapes():
    assert is_byline("«الشرق الأوسط» (واشنطن)")
    assert parse_byline("«الشرق الأوسط» (واشنطن)") == ("الشرق الأوسط", "واشنطن", None)
    assert parse_byline("سعيد عبد الرازق (أنقرة)") == (None, "أنقرة", "سعيد عبد الرازق")
    assert parse_byline("باماكو: «الشرق الأوسط»") == ("الشرق الأوسط", "باماكو", None)
    assert not is_byline("وقال المتحدث باسم الشرطة في بيان رسمي أمس (رويترز)")


def test_several_articles_with_headers_and_no_repeated_titles():
    text = (
        " date 2025-01-05\nعنوان المقال الأول\n\nفقرة أولى من المقال الأول.\n\n"
        " date 2025-02-07\nعنوان المقال الثاني\n\nفقرة أولى من المقال الثاني.\n"
    )
    got = articles(text)
    assert [(a.title, a.date, a.date_source) for a in got] == [
        ("عنوان المقال الأول", "2025-01-05", "header:1"),
        ("عنوان المقال الثاني", "2025-02-07", "header:6"),
    ]
    assert got[1].paragraphs == ("فقرة أولى من المقال الثاني.",)


def test_invalid_header_date_is_reported_not_guessed():
    raws = split_articles("seeds/t.txt", " date 2025-02-31\nعنوان\n\nفقرة من المقال.\n")
    article, problems = extract_article(raws[0])
    assert article.date is None
    assert [p.code for p in problems] == ["S014"]


def test_outlet_and_dateline_headers():
    (a,) = articles("outlet: وكالة الأنباء\ndateline: نيامي\nعنوان الخبر\n\nنص الخبر كاملا هنا.\n")
    assert (a.outlet, a.outlet_source, a.dateline) == ("وكالة الأنباء", "header:1", "نيامي")


def test_byline_at_the_top_of_the_body():
    text = "عنوان الخبر هنا\n\n«الشرق الأوسط» (باماكو)\n\nقال مسؤولون إن الهجوم وقع فجرا.\n"
    (a,) = articles(text)
    assert (a.outlet, a.dateline, a.outlet_source) == ("الشرق الأوسط", "باماكو", "byline:3")
    assert a.paragraphs == ("قال مسؤولون إن الهجوم وقع فجرا.",)


def test_teasers_followed_by_an_article_without_a_page_header():
    text = (
        "عنوان أول\n\nفقرة المقال الأول كاملة.\n\nمقالات ذات صلة\n\n"
        "أفريقيا صورة الخبر (أ.ف.ب)\n\nعنوان الخبر المرتبط\n\nملخص الخبر المرتبط…\n\n«الشرق الأوسط» (داكار)\n\n"
        "عنوان مقال ثان مستقل\n\nفقرة أولى طويلة من المقال الثاني لا علاقة لها بالروابط.\n\nفقرة ثانية.\n"
    )
    first, second = articles(text)
    assert [t.title for t in first.teasers] == ["عنوان الخبر المرتبط"]
    assert first.teasers[0].section == "أفريقيا"
    assert second.title == "عنوان مقال ثان مستقل"
    assert len(second.paragraphs) == 2


def test_a_heading_needs_text_after_it_and_no_final_punctuation():
    text = "عنوان\n\nفقرة أولى.\n\nعنوان فرعي\n\nفقرة ثانية.\n\nسطر أخير قصير"
    (a,) = articles(text)
    assert a.headings == ("عنوان فرعي",)
    assert a.paragraphs[-1] == "سطر أخير قصير"


def test_consecutive_duplicate_paragraph_is_kept_once():
    (a,) = articles("عنوان\n\nفقرة مكررة من الكاشط.\nفقرة مكررة من الكاشط.\n\nفقرة أخرى.\n")
    assert a.paragraphs == ("فقرة مكررة من الكاشط.", "فقرة أخرى.")


def test_derived_title_is_the_first_clause():
    assert derive_title("شاركت واشنطن معلومات مع باماكو، ساهمت في توجيه ضربات.") == "شاركت واشنطن معلومات مع باماكو"
    long = " ".join(["كلمة"] * 30) + "."
    assert derive_title(long).endswith("…") and len(derive_title(long).split()) == 12


def test_earliest_date_needs_a_year_and_takes_the_newest_photo():
    caps = [
        Caption("مقاتلون من «حركة 23 مارس» المتمردة", "أ.ف.ب", 3),
        Caption("دورية في أغسطس 2020", "أ.ب", 9),
        Caption("مظاهرة... 22 سبتمبر 2020", "أ.ب", 12),
        Caption("في الذكرى عام 2019", "أ.ب", 14),
    ]
    assert earliest_date(caps) == ("2020-09-22", "caption:12")
    assert earliest_date(caps[:1]) == (None, None)
    assert earliest_date([Caption("اجتماع في تموز 2024", None, 1)]) == ("2024-07-01", "caption:1")


def test_file_of_plain_paragraphs_gets_a_derived_title():
    (a,) = articles("هذه فقرة طويلة بلا عنوان تبدأ بها المادة، وتستمر.\n\nفقرة ثانية.\n")
    assert a.title_derived and a.title == "هذه فقرة طويلة بلا عنوان تبدأ بها المادة"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("الثلاثاء 16 سبتمبر 2025 - 10:30", "2025-09-16"),
        ("نشر في: 16/9/2025", "2025-09-16"),
        ("16 سبتمبر/أيلول 2025", "2025-09-16"),
        ("١٦ سبتمبر ٢٠٢٥", "2025-09-16"),
        ("الأربعاء، 5 نوفمبر 2025 الساعة 10:30 مساءً بتوقيت غرينتش", "2025-11-05"),
        ("2025-09-16", "2025-09-16"),
        ("في 19 أغسطس/آب، حيث أشعلوا النار", None),  # prose mentioning a date
        ("31 أكتوبر 2025 (أ.ف.ب)", None),  # a caption
        ("آخر تحديث 16 سبتمبر 2025", None),  # an update, not the publication date
        ("30/2/2025", None),  # no such day
    ],
)
def test_date_lines(line, iso):
    assert parse_date_line(line) == iso


def test_a_date_line_under_the_title_dates_the_article():
    (a,) = articles("عنوان الخبر\n\nالثلاثاء 16 سبتمبر 2025 - 10:30\n\nقال مسؤولون إن الهجوم وقع فجرا.\n")
    assert (a.title, a.date, a.date_source) == ("عنوان الخبر", "2025-09-16", "dateline:3")
    assert a.paragraphs == ("قال مسؤولون إن الهجوم وقع فجرا.",)


def test_a_date_line_above_the_title_is_not_the_title():
    (a,) = articles("16 سبتمبر 2025\nعنوان الخبر\n\nقال مسؤولون إن الهجوم وقع فجرا.\n")
    assert a.date == "2025-09-16"
    assert a.title == "عنوان الخبر"


def test_a_header_date_wins_over_a_date_line():
    (a,) = articles(" date 2025-09-17\nعنوان الخبر\n\n16 سبتمبر 2025\n\nنص الخبر.\n")
    assert (a.date, a.date_source) == ("2025-09-17", "header:1")


def test_section_header():
    (a,) = articles("section: أفريقيا\nعنوان الخبر\n\nنص الخبر كاملا هنا.\n")
    assert a.section == "أفريقيا"


def test_closing_source_line_names_the_outlet():
    (a,) = articles("عنوان الخبر\n\nقال مسؤولون إن الهجوم وقع فجرا.\n\nالمصدر: الجزيرة + وكالات\n")
    assert (a.outlet, a.outlet_source) == ("الجزيرة + وكالات", "source:5")
    assert a.paragraphs == ("قال مسؤولون إن الهجوم وقع فجرا.",)


def test_a_sentence_about_sources_is_no_source_line():
    text = "عنوان الخبر\n\nفقرة أولى.\n\nالمصدر: مسؤول رفض الكشف عن اسمه قال إن الوضع خطير جدا وإن الجيش يتقدم.\n"
    (a,) = articles(text)
    assert a.outlet is None and len(a.paragraphs) == 2


def test_wire_dateline_in_the_lead():
    (a,) = articles("عنوان الخبر\n\nباماكو (أ ف ب) - قال مسؤولون إن الهجوم وقع فجرا.\n")
    assert (a.dateline, a.byline) == ("باماكو", "أ ف ب")
    assert a.paragraphs[0].startswith("باماكو (أ ف ب) -")  # the lead stays as printed
    (b,) = articles("عنوان الخبر\n\nقال عضو المجلس (الهيئة التشريعية) - وهو معارض - إن الوضع هادئ.\n")
    assert b.dateline is None


def test_marker_shortcut_rests_on_how_each_character_folds():
    """`is_related_marker` rules lines out from their characters as printed; this is why that is exact."""
    firsts = {m[0] for m in parse._RELATED}
    lasts = {m[-1] for m in parse._RELATED}
    for code in range(ord(parse._PRESENTATION)):
        ch = chr(code)
        folded = normalize(ch)
        if ch in parse._PADDING:
            assert set(folded) <= set(" :.-"), hex(code)
            continue
        assert folded and folded[0] not in " :.-" and folded[-1] not in " :.-", hex(code)
        assert folded[0] not in firsts or ch in parse._MARKER_FIRST, hex(code)
        assert folded[-1] not in lasts or ch in parse._MARKER_LAST, hex(code)


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("مقالات ذات صلة", True),
        ("-- مقالاتُ ذاتِ صِلَة :", True),  # padding and harakat fold away
        ("ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ ـ مقالات ذات صلة", True),  # many "words", all tatweel
        ("اقرأ أيضاً:", True),
        ("\u202bاقرأ المزيد\u202c", True),
        ("ﺫﺍﺕ ﺻﻠﺔ", True),  # presentation forms
        ("مقالات ذات صلة بالموضوع", False),
        ("قال المتحدث إن مقالات ذات صلة نشرت أمس.", False),
        ("...", False),
    ],
)
def test_related_markers_as_scrapers_print_them(line, marker):
    assert is_related_marker(line) is marker


def test_teaser_lines_with_no_byline_close_after_them_start_an_article():
    text = "عنوان\n\nفقرة.\n\nمقالات ذات صلة\n\nعنوان مرتبط\n\n«الشرق الأوسط» (داكار)\n\nسطر أخير بلا توقيع بعده"
    first, second = articles(text)
    assert [t.title for t in first.teasers] == ["عنوان مرتبط"]
    assert second.title == "سطر أخير بلا توقيع بعده" and second.title_derived


def test_a_teaser_byline_counts_within_six_lines_only():
    teaser = "\n".join(["عنوان مرتبط"] + [f"سطر ملخص رقم {n}." for n in range(1, 7)] + ["«الشرق الأوسط» (داكار)"])
    (a, *rest) = articles("عنوان\n\nفقرة.\n\nمقالات ذات صلة\n" + teaser)
    assert a.teasers == ()  # the byline is seven lines on: the lines after the marker are a new article
    assert rest and rest[0].paragraphs[0] == "سطر ملخص رقم 1."


def test_quotes_of_each_mark_and_mixed_marks():
    assert extract._QUOTE_OF_KINDS[7].pattern == QUOTE.pattern  # every mark: the whole pattern, in its order
    text = "عنوان\n\n" + "\n".join(
        [
            "قال «هذه جملة مقتبسة من أربع كلمات» ثم مضى.",
            'قال "هذه جملة مقتبسة من أربع كلمات" ثم مضى.',
            "قال “هذه جملة مقتبسة من أربع كلمات” ثم مضى.",
            'قال «نص فيه "علامة" أخرى داخل الاقتباس» و"اقتباس ثان من أربع كلمات".',
            "قال «قصير جدا» فقط.",
        ]
    )
    (a,) = articles(text)
    assert [(q.paragraph, q.start, q.text) for q in a.quotes] == [
        (0, 5, "هذه جملة مقتبسة من أربع كلمات"),
        (1, 5, "هذه جملة مقتبسة من أربع كلمات"),
        (2, 5, "هذه جملة مقتبسة من أربع كلمات"),
        (3, 5, 'نص فيه "علامة" أخرى داخل الاقتباس'),
        (3, 42, "اقتباس ثان من أربع كلمات"),
    ]


@pytest.mark.parametrize(
    ("text", "limit"),
    [("", 0), ("كلمة", 0), ("كلمة", 1), (" أ  ب\tج\u00a0د ", 3), (" أ  ب\tج\u00a0د ", 4), ("a b c d e f g", 6)],
)
def test_at_most_words_is_the_word_count_compared(text, limit):
    assert at_most_words(text, limit) is (len(text.split()) <= limit)


def test_dates_in_other_digit_forms():
    assert parse_date_line("١٦/٩/٢٠٢٥") == "2025-09-16"
    assert parse_date_line("۱۶ سبتمبر ۲۰۲۵") == "2025-09-16"
    assert parse_date_line("نشر في: ٢٠٢٥-٠٩-١٦ ١٠:٣٠") == "2025-09-16"
    assert parse_date_line("١٦ سبتمبر ١٨٢٥") is None  # years before 1900 are no publication dates
    assert earliest_date([Caption("صورة من ٣ مايو ٢٠٢٤ ثم ماي 2023", None, 4)]) == ("2024-05-03", "caption:4")
    assert earliest_date([Caption("في 1 ماي 2023", None, 4)]) == ("2023-05-01", "caption:4")


def test_header_shortcut_knows_every_character_a_header_can_begin_with():
    """Lines are asked `P.HEADER` only when they begin with one of `_HEADER_START`."""
    first_letters = re.compile(f"[{''.join(k[0] for k in HEADER_KEYS)}]", re.IGNORECASE)
    for code in range(0x110000):
        ch = chr(code)
        if ch.isspace() or first_letters.match(ch):
            assert ch in parse._HEADER_START, hex(code)
    (a,) = articles("Section: أفريقيا\nعنوان الخبر\n\nنص الخبر كاملا هنا.\n")
    assert a.section == "أفريقيا"
