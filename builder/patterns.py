"""Every pattern the parser and extractors rely on, as named constants.

Scraped news pages differ by outlet in their words, not in their shapes: a
photo credit in parentheses, a "related articles" marker, a byline with a
city in parentheses. Keeping the words here, in one module, lets a newsroom add
its outlet's vocabulary without touching the rules, and lets tests list them.
Words are compared in matching form (see `normalize`), so spelling variants
need not be listed twice.
"""

from __future__ import annotations

import re

# Photo credits, the parenthesised tail of a caption line: «(أ.ف.ب)», «(أرشيفية - رويترز)».
# A credit may combine several of these with " - ", "/" or "،".
CREDIT_WORDS: tuple[str, ...] = (
    "أ.ف.ب",
    "أ ف ب",
    "أف ب",
    "ا ف ب",
    "فرانس برس",
    "رويترز",
    "أ.ب",
    "أ ب",
    "أسوشييتد برس",
    "د.ب.أ",
    "د ب أ",
    "إ.ب.أ",
    "إ ب أ",
    "غيتي",
    "غيتي إيميجز",
    "غيتي إيماجز",
    "إعلام محلي",
    "أرشيفية",
    "أرشيف",
    "صورة أرشيفية",
    "متداولة",
    "مواقع التواصل",
    "مواقع التواصل الاجتماعي",
    "وسائل التواصل",
    "الأناضول",
    "شينخوا",
    "سانا",
    "واس",
    "وام",
    "الشرق الأوسط",
    "العربية",
    "الجزيرة",
    "إكس",
    "تويتر",
    "فيسبوك",
    "رئاسة الجمهورية",
    "الرئاسة",
    "الجيش",
    "afp",
    "reuters",
    "ap",
    "getty",
    "getty images",
    "epa",
    "anadolu",
    "xinhua",
)
# Credits that name their source: «(موقع الحكومة)», «(حساب الوزارة على إكس)».
CREDIT_PREFIXES: tuple[str, ...] = ("موقع", "حساب", "صفحة", "منصة", "وكالة", "صورة", "من", "عن", "لقطة", "الصورة")
CREDIT_MAX_WORDS = 6
CAPTION_MAX_WORDS = 70

# Where the outlet's "related articles" block starts.
RELATED_MARKERS: tuple[str, ...] = (
    "مقالات ذات صلة",
    "مواضيع ذات صلة",
    "أخبار ذات صلة",
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "إقرأ أيضا",
    "اقرأ المزيد",
    "قد يهمك أيضا",
    "قد يهمك أيضاً",
    "المزيد من الأخبار",
    "ذات صلة",
)

# Section labels that teasers carry before their caption: «أفريقيا من الجماعات…».
SECTIONS: tuple[str, ...] = (
    "المشرق العربي",
    "المغرب العربي",
    "شؤون إقليمية",
    "الخليج",
    "أفريقيا",
    "العالم",
    "العالم العربي",
    "أوروبا",
    "آسيا",
    "الأميركتان",
    "أميركا",
    "الولايات المتحدة",
    "الاقتصاد",
    "اقتصاد",
    "رياضة",
    "الرياضة",
    "ثقافة وفنون",
    "ثقافة",
    "يوميات الشرق",
    "تكنولوجيا",
    "علوم",
    "صحة",
    "رأي",
    "تحليل إخباري",
    "حصاد الأسبوع",
    "خاص",
    "تقارير",
    "مصر",
    "السودان",
    "ليبيا",
    "اليمن",
    "لبنان",
    "سوريا",
    "العراق",
    "فلسطين",
)

# Lines scrapers leave behind from page chrome: dropped and counted, never text.
DEBRIS_LINES: tuple[str, ...] = ("TT", "T T", "A A", "AA", "طباعة", "شارك", "مشاركة", "حفظ", "نسخ الرابط", "تكبير الخط")

# Header lines: « date 2025-09-16 …», «outlet: الشرق الأوسط», «url https://…».
HEADER_KEYS: tuple[str, ...] = ("date", "title", "outlet", "source", "url", "author", "dateline", "section")
HEADER = re.compile(rf"^\s*(?P<key>{'|'.join(HEADER_KEYS)})\s*[:=]?\s+(?P<value>.*)$", re.IGNORECASE)
HEADER_DATE = re.compile(
    r"^(?P<date>[0-9٠-٩]{4}[-/.][0-9٠-٩]{1,2}[-/.][0-9٠-٩]{1,2})(?:[T ][0-9:.+Z-]*)?\s*(?P<rest>.*)$"
)

# «الشرق الأوسط» (واشنطن) / سعيد عبد الرازق (أنقرة) / واشنطن: «الشرق الأوسط»
BYLINE_OUTLET_CITY = re.compile(r"^«(?P<outlet>[^«»]{2,40})»\s*\((?P<city>[^()]{2,30})\)$")
BYLINE_NAME_CITY = re.compile(r"^(?P<author>[^\s().،:«»0-9][^().،:«»0-9]{2,40}?)\s*\((?P<city>[^()0-9]{2,30})\)$")
BYLINE_CITY_OUTLET = re.compile(
    r"^(?P<city>[^\s:«»()]{2,20}(?: [^\s:«»()]{2,20})?)\s*[:-]\s*«(?P<outlet>[^«»]{2,40})»$"
)
BYLINE_MAX_WORDS = 6

TITLE_MAX_WORDS = 25
HEADING_MAX_WORDS = 7
HEADING_MAX_CHARS = 60
SENTENCE_END = ".!?؟:،؛»\"'…)"  # a heading never ends with these; «…» and (…) are quotes and asides
TITLE_SENTENCE_END = ".:،؛"  # titles may end in ؟ or !, but not in a full stop
REPEAT_WINDOW = 12  # lines within which a repeated title marks a scraped page header
DERIVED_TITLE_MAX_WORDS = 12

# Month names in the three spellings Arabic outlets use (Egyptian/Gulf, Levantine, Maghrebi).
MONTHS: dict[str, int] = {
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يوليو": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "سبتمبر": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    "كانون الثاني": 1,
    "شباط": 2,
    "آذار": 3,
    "نيسان": 4,
    "أيار": 5,
    "حزيران": 6,
    "تموز": 7,
    "آب": 8,
    "أيلول": 9,
    "تشرين الأول": 10,
    "تشرين الثاني": 11,
    "كانون الأول": 12,
    "جانفي": 1,
    "فيفري": 2,
    "أفريل": 4,
    "ماي": 5,
    "جوان": 6,
    "جويلية": 7,
    "أوت": 8,
    "سبتمبر/أيلول": 9,
}

# Quotation spans worth listing as quotes: «…» and "…" of at least this many words.
# Each shape by its opening mark, so a paragraph that uses one kind of mark can be searched for that one.
QUOTE_SHAPES: dict[str, str] = {
    "«": r"«(?P<a>[^«»]{2,600})»",
    '"': r"\"(?P<b>[^\"]{2,600})\"",
    "“": r"“(?P<c>[^“”]{2,600})”",
}
QUOTE = re.compile("|".join(QUOTE_SHAPES.values()))
QUOTE_MIN_WORDS = 4

# A line that is nothing but the publication date, as outlets print it above or below the title:
# «الثلاثاء 16 سبتمبر 2025 - 10:30», «نشر في: 16/9/2025». «آخر تحديث …» is a later date, not this one.
WEEKDAYS: tuple[str, ...] = ("الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت")
DATE_LINE_PREFIX = r"(?:(?:نُ?شر|تاريخ النشر)\s*(?:في|بتاريخ)?\s*[:：]?\s*)?"
DATE_LINE_WEEKDAY = r"(?:(?:" + "|".join(WEEKDAYS) + r")\s*[،,\-–]?\s*)?"
DATE_LINE_TIME = (
    r"(?:\s*[\-–،,|]?\s*(?:الساعة\s*)?\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:ص|م|صباحا|صباحًا|مساء|مساءً|[AaPp]\.?[Mm]\.?))?)?"
    r"(?:\s*(?:بتوقيت|توقيت|GMT|UTC)[^\n]{0,30})?"
)

# The outlet's own source line at the end of an article: «المصدر: الجزيرة + وكالات».
SOURCE_LINE = re.compile(r"^(?:المصدر|المصادر)\s*[:：]\s*(?P<source>[^.!؟?]{2,60})$")
SOURCE_LINE_MAX_WORDS = 8
# A wire dateline opening the lead: «باماكو (أ ف ب) - قال…», «نيامي - (رويترز) -».
LEAD_DATELINE = re.compile(
    r"^(?P<city>[^\s()«»،,:\-–]{2,20}(?: [^\s()«»،,:\-–]{2,20})?)\s*[\-–]?\s*\((?P<agency>[^()]{2,20})\)\s*[\-–:]"
)
