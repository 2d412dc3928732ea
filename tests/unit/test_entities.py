"""Entity matching: normalisation, clitics, longest match, word boundaries, discovery, merging."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.entities import (
    _SPLIT,
    CUE_DUAL,
    CUE_ORG,
    CUE_PLACE,
    CUE_SPEECH,
    CUE_TITLE,
    SHORT,
    START,
    Tokens,
    Vocabulary,
    _trie_add,
    build_matcher,
    discover,
    discovered_id,
    keys_with_stem,
    link_entities,
    match_tokens,
    short_form,
    stems,
    term_of,
    token_key,
)
from builder.entity_pages import variant_pairs
from builder.entity_words import NEVER_MATCH, ORG_HEADS, PLACE_HEADS, PLACE_HEADS_DUAL, SPEECH_VERBS, TITLE_HEADS
from builder.model import Article
from builder.registry import Alias, Entity, Registry
from tests.factories import make_article

ENTITIES = (
    Entity("mali", "place", "مالي", not_after=("دعم",)),
    Entity("bamako", "place", "باماكو"),
    Entity("united-states", "place", "الولايات المتحدة", aliases=(Alias("أمريكا", None, 0),)),
    Entity("al-qaeda", "organisation", "القاعدة"),
    Entity("isis", "organisation", "داعش"),
    Entity("jnim", "organisation", "جماعة نصرة الإسلام والمسلمين"),
    Entity("islam-word", "organisation", "الإسلام"),  # a shorter name inside a longer one
    Entity("south-sudan", "place", "جنوب السودان"),
    Entity("sudan", "place", "السودان"),
    Entity("rudolph", "person", "رودولف عطا الله", aliases=(Alias("رودي عطا الله", "same person", 0),)),
)
MATCHER = build_matcher(ENTITIES)


def found(text: str) -> list[tuple[str, str]]:
    tokens = Tokens([text], MATCHER.vocab)
    return [(text[h.start : h.end], h.entity_id) for h in match_tokens(tokens, MATCHER.trie, MATCHER.not_after)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل إلى باماكو أمس", [("باماكو", "bamako")]),
        ("وباماكو مدينة", [("باماكو", "bamako")]),
        ("سافر لمالي", [("مالي", "mali")]),
        ("ضربة بالقاعدة", [("القاعدة", "al-qaeda")]),
        ("تابع للقاعدة", [("للقاعدة", "al-qaeda")]),  # لل = ل + ال: the link keeps the whole word
        ("أهداف لـ«داعش» في سوريا", [("داعش", "isis")]),
        ("أهداف ﻟ«داعش»", [("داعش", "isis")]),  # presentation form of ل
        ("يشدِّد تنظيم «القاعدةُ» الحصار", [("القاعدةُ", "al-qaeda")]),  # diacritics stay in the surface
        ("عادت أميركا", [("أميركا", "united-states")]),  # أميركا/أمريكا spelling pair
        ("عادت أمريكا", [("أمريكا", "united-states")]),
        ("مسلحي جماعة نصرة الإسلام والمسلمين", [("جماعة نصرة الإسلام والمسلمين", "jnim")]),  # longest wins
        ("في جنوب السودان", [("جنوب السودان", "south-sudan")]),
        ("بجنوب السودان", [("جنوب السودان", "south-sudan")]),
        ("برئاسة رودي عطا الله، زار", [("رودي عطا الله", "rudolph")]),
    ],
)
def test_registry_names_match_with_clitics_and_spellings(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "الجيش المالي",  # the adjective, with ال, is not the country
        "قاعدة جديدة للتعاون",  # a base, not al-Qaeda
        "ماليزيا وباماكوية",  # never inside a longer word
        "قدم دعم مالي كبير",  # financial support: vetoed by not_after
        "رودي عطا. الله",  # a name never crosses a sentence boundary
        "الولايات، المتحدة",
    ],
)
def test_no_match_inside_words_or_across_boundaries(text):
    assert found(text) == []


def test_mentions_are_original_characters():
    text = "في وقت يشدِّد فيه تنظيم «القاعدة» الحصار على مدينة باماكو، عاصمة لمالي"
    for surface, _ in found(text):
        assert surface in text
    for h in match_tokens(Tokens([text], MATCHER.vocab), MATCHER.trie, MATCHER.not_after):
        assert text[h.start : h.end] in ("القاعدة", "باماكو", "مالي")


# Words that raw gazetteers match as places: they never become entities, even
# when a registry (here a deliberately bad one) lists them.
NEVER = ["بأنه", "فإن", "حصار", "كان", "الخميس", "الأربعاء", "بأن", "أن", "إن"]


@pytest.mark.parametrize("word", NEVER)
def test_never_match_words(word):
    bad = build_matcher([Entity(f"gaz-{i}", "place", w) for i, w in enumerate(NEVER)])
    text = f"وقال المسؤول {word} الوضع صعب"
    assert match_tokens(Tokens([text], bad.vocab), bad.trie, bad.not_after) == []


def test_never_match_list_holds_the_measured_traps():
    from builder.normalize import normalize

    for word in ("بأنه", "فإن", "حصار", "كان", "الخميس"):
        assert normalize(word) in NEVER_MATCH


def test_clitic_stems_never_drop_the_article():
    assert [s for s, _ in stems("والمالي")] == ["والمالي", "المالي"]
    assert ("القاعده", 0) in stems("للقاعده")


def _discover(text: str) -> list[tuple[str, str, str]]:
    tokens = Tokens([text], MATCHER.vocab)
    return [(f.type, f.name, f.rule) for _, _, f in discover(tokens, bytearray(tokens.n))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "أجرى نائب وزير الخارجية الأميركي كريستوفر لانداو، اتصالاً",
            [("person", "كريستوفر لانداو", "title")],
        ),
        ("وقال المتحدث باسم الشرطة، أبو بكر صادق عليو، في بيان", [("person", "أبو بكر صادق عليو", "title")]),
        ("وكتب عمر الأنصاري، وهو صحافي مختص", [("person", "عمر الأنصاري", "speech")]),
        ("وشدد غول بادشاه، مدير عمليات المنظمة", [("person", "غول بادشاه", "speech")]),
        ("وفق ما أوردت وكالة «أسوشييتد برس» في تقرير", [("organisation", "أسوشييتد برس", "org-quoted")]),
        ("زعيم حزب «العمال الكردستاني» السجين", [("organisation", "حزب العمال الكردستاني", "org-quoted")]),
        (
            "في قرية دوما بمنطقة فاسكاري، في ولاية",
            [("place", "دوما", "place-head"), ("place", "فاسكاري", "place-head")],
        ),
        ("في منطقتي: وورو، ونوكو، في ولاية", [("place", "وورو", "place-dual"), ("place", "نوكو", "place-dual")]),
        (
            "واستولت على مدينتي غوما وبوكافو الرئيسيتين",
            [("place", "غوما", "place-dual"), ("place", "بوكافو", "place-dual")],
        ),
    ],
)
def test_discovery_rules(text, expected):
    assert _discover(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "هجوم بالمسيرات على مدينة استراتيجية",  # adjective after a place head
        "في منطقة الخميس الماضي",
        "وقال الرئيس إن البلاد بخير",  # no name after the title
        "قال الوزير في الاجتماع، إن الوضع صعب",
        "إدارة الرئيس دونالد ترامب، ومسؤولون أمريكيون، أن",  # name registered below, then a plural noun
        "قالت الوكالة: «بعد أيام قليلة من صدور أوامر للدبلوماسيين»",  # a quote is not an organisation
        "منصة «إكس»",
    ],
)
def test_discovery_keeps_precision(text):
    tokens = Tokens([text], MATCHER.vocab)
    taken = bytearray(tokens.n)
    if "ترامب" in text:
        trump = build_matcher([Entity("donald-trump", "person", "دونالد ترامب")])
        for h in match_tokens(tokens, trump.trie, {}):
            for k in range(h.first, h.last + 1):
                taken[k] = True
    assert discover(tokens, taken) == []


def test_discovered_id_is_stable_ascii_and_spelling_independent():
    a = discovered_id("بييري")
    assert a == discovered_id("بِييري") == discovered_id("بييري")
    assert a.isascii() and a == a.lower() and " " not in a
    assert discovered_id("دوما") != discovered_id("دومة")[:0] + "x"
    assert discovered_id("عبد الرازق") != discovered_id("عبد الرزاق")


def test_short_forms_of_people():
    assert short_form("عمر الأنصاري") == ("الانصاري",)
    assert short_form("عبد الرحمن عبد الرزاق") == ("عبد", "الرزاق")
    assert short_form("رودولف عطا الله") == ("عطا", "الله")
    assert short_form("ترامب") is None


def _article(article_id: str, *paragraphs: str, title: str = "عنوان") -> Article:
    return make_article(article_id, paragraphs, title=title, source="x.txt")


def test_link_entities_merges_variants_and_finds_second_mentions():
    articles = (
        _article("a-1", "وفد برئاسة مسؤول مكافحة الإرهاب رودي عطا الله، زار باماكو.", "وأبلغ عطا الله نظراءه."),
        _article("a-2", "التقى رودولف عطا الله بمسؤولين في باماكو."),
    )
    linked, index = link_entities(articles, Registry(ENTITIES))
    assert index.articles["rudolph"] == ("a-1", "a-2")
    first = {e.entity_id: e for e in linked[0].entities}["rudolph"]
    assert [m.surface for m in first.mentions] == ["رودي عطا الله", "عطا الله"]
    for article in linked:
        for e in article.entities:
            for m in e.mentions:
                text = article.title if m.paragraph == -1 else article.paragraphs[m.paragraph]
                assert text[m.start : m.end] == m.surface


def test_discovered_names_become_entities_only_where_a_cue_found_them():
    articles = (
        _article("a-1", "قتل مسلحون أشخاصا في قرية دوما بمنطقة فاسكاري.", "وعاد الهدوء إلى دوما."),
        _article("a-2", "مسلسل دوما الجديد يعرض الليلة."),  # no cue here: not the village
    )
    linked, index = link_entities(articles, Registry(ENTITIES))
    duma = discovered_id("دوما")
    assert duma in index.entities and index.entities[duma].discovered
    assert index.articles[duma] == ("a-1",)
    assert [m.paragraph for e in linked[0].entities if e.entity_id == duma for m in e.mentions] == [0, 1]


def test_variant_pairs_need_more_than_a_fuzzy_score():
    rudy = Entity(discovered_id("رودي عطا الله"), "person", "رودي عطا الله", discovered=True)
    rudolph = Entity(discovered_id("رودولف عطا الله"), "person", "رودولف عطا الله", discovered=True)
    governor = Entity("abdulrahman", "person", "عبد الرحمن عبد الرزاق")
    journalist = Entity("said", "person", "سعيد عبد الرازق")
    pairs = {(a.name, b.name) for a, b, _ in variant_pairs([rudy, rudolph, governor, journalist])}
    assert any({a, b} == {"رودي عطا الله", "رودولف عطا الله"} for a, b in pairs)
    assert not any("سعيد عبد الرازق" in (a, b) for a, b in pairs)


def test_analyses_are_cached_per_seed_and_redone_only_for_a_changed_seed(tmp_path, monkeypatch):
    from builder import entities

    articles = [
        make_article("a-1", ("زار رودي عطا الله باماكو.",), source="one.txt"),
        make_article("a-2", ("قتل مسلحون أشخاصا في قرية دوما.",), source="one.txt"),
        make_article("a-3", ("التقى رودولف عطا الله بمسؤولين في مالي.",), source="two.txt"),
    ]
    cold_linked, cold_index = link_entities(articles, Registry(ENTITIES), cache_dir=tmp_path, jobs=1)
    analysed: list[str] = []
    real = entities.analyse_article
    monkeypatch.setattr(entities, "analyse_article", lambda a, m: analysed.append(a.id) or real(a, m))
    warm_linked, warm_index = link_entities(articles, Registry(ENTITIES), cache_dir=tmp_path, jobs=1)
    assert analysed == [] and warm_linked == cold_linked and warm_index == cold_index
    articles[2] = make_article("a-3", ("التقى رودولف عطا الله بمسؤولين في باماكو.",), source="two.txt")
    changed, _ = link_entities(articles, Registry(ENTITIES), cache_dir=tmp_path, jobs=1)
    assert analysed == ["a-3"]  # only the changed seed's article
    assert "bamako" in {e.entity_id for e in changed[2].entities}
    richer = Registry((*ENTITIES, Entity("duma", "place", "دوما")))  # the registry changed: all again
    link_entities(articles, richer, cache_dir=tmp_path, jobs=1)
    assert sorted(analysed) == ["a-1", "a-2", "a-3", "a-3"]


def test_analyses_from_the_cache_share_one_string_per_word_and_entity_id(tmp_path):
    from builder.entities import analyse_archive, build_matcher

    # Each seed's cache entry is unpickled on its own: without sharing, every seed
    # would hold its own copy of each word and id (hundreds of MB at 20,000 articles).
    articles = [
        make_article("a-1", ("زار رودي عطا الله باماكو ومسؤولين.",), source="one.txt"),
        make_article("a-2", ("عاد رودي عطا الله من باماكو ومسؤولين.",), source="two.txt"),
    ]
    matcher = build_matcher(Registry(ENTITIES).entities)
    cold = analyse_archive(articles, matcher, cache_dir=tmp_path, jobs=1)
    warm = analyse_archive(articles, matcher, cache_dir=tmp_path, jobs=1)
    assert warm == cold
    first, second = ({w: w for w in a.terms[0]} for a in warm)
    common = first.keys() & second.keys()
    assert common and all(first[w] is second[w] for w in common)
    ids = [{h[3]: h[3] for h in a.hits} for a in warm]
    assert "bamako" in ids[0] and ids[0]["bamako"] is ids[1]["bamako"]


# The memoised word machinery against the plain definitions, on texts nobody wrote by hand:
# letters of the test registry's names, clitics, diacritics, punctuation, quotes, odd spacing.
_PIECES = ["مالي", "باماكو", "القاعدة", "جنوب", "السودان", "عطا", "الله", "و", "ب", "لل", "ك", "ف", "ي", "ة"]
_PIECES += ["قال", "وقالت", "الرئيس", "وزير", "بوكالة", "قرية", "ومدينتي", "حزب", "تنظيم"]  # cues
_GLUE = [" ", " ", " ", "  ", "، ", ". ", "«", "»", "-", " — ", "\n", "\u064e", "\u0640", "ﻟ", "3", "x", ""]
texts = st.lists(st.sampled_from(_PIECES + _GLUE), max_size=24).map("".join)


def expected_bits(key: str) -> int:
    plain = key[1:] if key[:1] in ("و", "ف") and len(key) > 2 else key
    heads = {s for s, _ in stems(key)}
    return (
        (CUE_TITLE if key in TITLE_HEADS or plain in TITLE_HEADS else 0)
        | (CUE_SPEECH if key in SPEECH_VERBS else 0)
        | (CUE_ORG if heads & ORG_HEADS else 0)
        | (CUE_PLACE if heads & PLACE_HEADS else 0)
        | (CUE_DUAL if heads & PLACE_HEADS_DUAL else 0)
        | (START if heads & MATCHER.trie.keys() else 0)
        | (SHORT if heads & {short[0] for e in MATCHER.entities for short in MATCHER.short_forms[e]} else 0)
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_tokens_agree_with_splitting_each_text_by_the_word_pattern(paragraphs):
    tokens = Tokens(paragraphs, MATCHER.vocab, first=-1)
    expected = [(t, _SPLIT.split(text)) for t, text in enumerate(paragraphs)]
    words = [(t, q, parts) for t, parts in expected for q in range(len(parts) // 2)]
    assert tokens.n == len(words)
    assert tokens.marked == [k for k, u in enumerate(tokens.units) if u.bits]
    places = list(tokens.spans((k, k, 0) for k in range(tokens.n)))
    for k, ((t, q, parts), unit, place) in enumerate(zip(words, tokens.units, places, strict=True)):
        word = parts[2 * q + 1]
        start = len("".join(parts[: 2 * q + 1]))
        assert unit.word == word and unit.key == token_key(word) and unit.term == term_of(unit.key)
        assert unit.bits == expected_bits(unit.key)
        assert place == (t - 1, start, start + len(word))
        assert tokens.after(k) == paragraphs[t][start + len(word) : start + len(word) + 1]
        if q:
            assert tokens.gap(k) == parts[2 * q]
    for first, last, _ in [(k, k + 2, 0) for k in range(tokens.n - 2) if words[k][0] == words[k + 2][0]]:
        t, q, parts = words[first]
        (place,) = tokens.spans([(first, last, 0)])
        assert place[1:] == (len("".join(parts[: 2 * q + 1])), len("".join(parts[: 2 * q + 6])))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_a_trie_of_its_own_matches_as_the_registry_trie_does(text):
    """The second pass finds a small trie's first words by `keys_with_stem`, the first by the memo."""
    tokens = Tokens([text], MATCHER.vocab)
    copy = {**MATCHER.trie}  # equal, not the vocabulary's own: found the other way
    assert match_tokens(tokens, copy, MATCHER.not_after) == match_tokens(tokens, MATCHER.trie, MATCHER.not_after)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_short_forms_are_found_from_the_marked_words_as_by_looking_at_every_word(text):
    """A trie of registry short forms starts only at SHORT words; a vocabulary without them looks at all."""
    shorts: dict = {}
    for entity_id in MATCHER.entities:
        for short in MATCHER.short_forms[entity_id]:
            _trie_add(shorts, short, entity_id)
    assert shorts
    scanned = match_tokens(Tokens([text], Vocabulary(MATCHER.trie)), shorts, {})
    assert match_tokens(Tokens([text], MATCHER.vocab), shorts, {}) == scanned


@settings(max_examples=300, deadline=None)
@given(texts)
def test_keys_with_stem_inverts_stems(text):
    for word in text.split():
        key = token_key(word)
        for stem, _ in stems(key):
            assert key in keys_with_stem(stem)
        for other in keys_with_stem(key[1:]) if len(key) > 1 else ():
            assert key[1:] in dict(stems(other))
