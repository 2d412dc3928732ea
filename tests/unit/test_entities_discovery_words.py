"""Discovery never makes a name of common vocabulary, and keeps the particles that join Arabic names.

Hand-written news sentences: a title or place head followed by a verb, a
common noun or an adjective finds nothing; the same cue followed by a name
finds it, with «ولد»، «بن»، «آغ»، «أبو»، «عبد» inside.
"""

from __future__ import annotations

import pytest

from builder.entities import Tokens, build_matcher, common_word, discover, match_tokens
from builder.entity_words import COMMON_WORDS, NAME_PARTICLES, ORG_HEADS, PLACE_HEADS, TITLE_HEADS
from builder.normalize import normalize
from builder.registry import Entity

MATCHER = build_matcher([])


def _discover(text: str) -> list[tuple[str, str]]:
    tokens = Tokens([text], MATCHER.vocab)
    return [(f.type, f.name) for _, _, f in discover(tokens, bytearray(tokens.n))]


NEWS_VERBS = ["قال", "أعلن", "أكد", "أضاف", "أفاد", "اعتبر", "دعا", "رفض", "أشار", "أوضح", "كشف", "تابع", "نفى"]


@pytest.mark.parametrize("verb", NEWS_VERBS)
@pytest.mark.parametrize("clitic", ["", "و", "ف"])
def test_a_news_verb_after_a_title_is_no_name(verb, clitic):
    word = clitic + verb
    assert _discover(f"وكان وزير الخارجية {word} الجرحى، في المدينة") == []
    assert _discover(f"وكان وزير الخارجية كريستوفر {word}، في المدينة") == []


@pytest.mark.parametrize(
    "text",
    [
        "وزير الخارجية أعلن أن الوفد وصل",  # the verb right after the title: no person «أعلن»
        "وقال الرئيس اعتبر الدرثكحه، في",
        "وقال المتحدث أفاد السوق التضمفيصق، في",
        "وقال الرئيس أعلن المنظمة الدولية، في",
        "وقال المدير عن التقرير الأخير، في",
        "أكد الرئيس تفصيلًا جديدًا، في",  # tanween: an indefinite noun and adjective
        "أكد الرئيس تفصيلا جديدا، في",
        "في منطقةٍ نائيةٍ، قرب الحدود",
    ],
)
def test_reported_garbage_is_no_name(text):
    assert _discover(text) == []


@pytest.mark.parametrize("verb", ["قالت", "أعلنت", "أكدت", "أفادت", "دعت", "نفت", "يقول", "تؤكد", "أعلنوا"])
def test_other_forms_of_news_verbs_are_no_name(verb):
    assert _discover(f"وأضاف الوزير {verb} الجرحى، في المدينة") == []
    assert _discover(f"وأضاف الوزير كريستوفر {verb}، في المدينة") == []


def test_a_title_without_the_article_cues_a_name():
    """«وزير» starts with و but is no و + «زير»: it cues the name after its complement and the registry's «مالي»."""
    mali = build_matcher([Entity("mali", "place", "مالي")])
    tokens = Tokens(["مع وزير خارجية مالي عبودلاي ديوب؛ ليناقشا"], mali.vocab)
    used = bytearray(tokens.n)
    match_tokens(tokens, mali.trie, {}, used)
    assert [(f.type, f.name) for _, _, f in discover(tokens, used)] == [("person", "عبودلاي ديوب")]


COMMON_NOUNS = ["الجرحى", "القوات", "التقرير", "المساعدات", "السوق", "الأسبوع", "عدد", "الحكومة", "عسكرية"]


@pytest.mark.parametrize("noun", COMMON_NOUNS)
def test_a_common_noun_in_a_name_run_rules_it_out(noun):
    assert _discover(f"وقال الرئيس كريستوفر {noun}، في بيان") == []
    assert _discover("وقال الرئيس كريستوفر لانداو، في بيان") == [("person", "كريستوفر لانداو")]


@pytest.mark.parametrize("clitic", ["ب", "ل", "وب", "وال"])
def test_common_nouns_with_clitics(clitic):
    word = {"ب": "بالسوق", "ل": "للتقرير", "وب": "وبالمساعدات", "وال": "والقوات"}[clitic]
    assert common_word(normalize(word))
    assert _discover(f"وقال الرئيس كريستوفر {word}، في بيان") == []


@pytest.mark.parametrize(
    "text",
    [
        "سيطر المسلحون على منطقة واسعة من الريف",
        "وصلت القافلة إلى مدينة محاصرة منذ أشهر",
        "في قرية مجاورة للحدود",
    ],
)
def test_an_adjective_after_a_place_head_is_no_place(text):
    assert _discover(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("وقال الرئيس محمد ولد الغزواني، في خطاب", "محمد ولد الغزواني"),
        ("وقال المبعوث إسماعيل ولد الشيخ أحمد، في بيان", "إسماعيل ولد الشيخ أحمد"),
        ("وقال الرئيس زين العابدين بن علي، في خطاب", "زين العابدين بن علي"),
        ("وقال الباحث جعفر بن أبي طالب، في", "جعفر بن أبي طالب"),
        ("وقال المتحدث عبد الرحمن عبد الرزاق، في بيان", "عبد الرحمن عبد الرزاق"),
        ("وقال المتحدث باسم الشرطة، أبو بكر صادق عليو، في بيان", "أبو بكر صادق عليو"),
        ("وقال قائد الحركة موسى آغ أشاراتومان، في", "موسى آغ أشاراتومان"),
        ("وقال زعيم الجماعة إياد أغ غالي، في", "إياد أغ غالي"),
        ("وقال الأمير عبد الملك الحوثي، في", "عبد الملك الحوثي"),
    ],
)
def test_name_particles_keep_names_whole(text, name):
    assert _discover(text) == [("person", name)]


NAMES = [
    "كمال", "فيصل", "فراس", "وليد", "وائل", "فادي", "بشار", "لبنى", "كريم", "عادل", "سعيد", "جميل", "خلف",
    "شهد", "وعد", "نصر", "سلام", "أمل", "حسن", "منصور", "هنية", "عطية", "نادية", "ديدييه", "أوليفييه",
    "آمنة", "صباح", "فتحي", "وسام", "فؤاد",
    "الأنصاري", "القاضي", "الشيخ", "العسكري", "بكر", "عليو", "ديوب", "لانداو", "باماكو", "ولد", "بن", "آغ",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_given_names_and_surnames_are_not_common_words(name):
    assert not common_word(normalize(name))


def test_the_common_words_are_never_cues_or_particles():
    assert not COMMON_WORDS & NAME_PARTICLES
    assert not COMMON_WORDS & TITLE_HEADS
    assert not COMMON_WORDS & PLACE_HEADS
    assert {normalize("منظمة")} == COMMON_WORDS & ORG_HEADS  # a head of quoted names, never a name word
