"""The parser against what a careful reader finds in the two real seeds, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.build import process_seed
from builder.data import article_record

ROOT = Path(__file__).resolve().parents[2]
SEED_000 = "seeds/000_e430cd588a883c09.txt"
SEED_002 = "seeds/002_a68afca5fd10d92a.txt"

MALI_US = "هل تتدخل الولايات المتحدة «عسكرياً» لصد «القاعدة» في مالي؟"
MSF = "«أطباء بلا حدود» تؤكد تعرض مستشفى تابع لها في جنوب السودان لـ«غارة حكومية»"
NIGERIA = "مسلحون يقتلون عشرات في شمال ووسط نيجيريا"
CONGO = "زعيم متمردي الكونغو يعلن مسؤوليته عن هجوم بالمسيرات على مدينة استراتيجية"
INTEL = "شاركت واشنطن معلومات استخباراتية مع السلطات العسكرية في باماكو"

# What a reader finds: (title, source, first line, paragraphs, headings, captions as (start of text, credit)).
ORACLE = {
    MALI_US: dict(
        source=SEED_000,
        line=1,
        paragraphs=17,
        headings=["دعم معنوي", "ترحيب مالي", "احتمالات التدخل", "حراك دبلوماسي"],
        captions=[
            ("يجلس سائقو شاحنات الصهاريج المالية", "أ.ف.ب"),
            ("تواجه مالي حصاراً يفرضه متطرفون", "رويترز"),
            ("دورية لعناصر من الجيش المالي", "أ.ب"),
            ("مظاهرة في باماكو تدعم روسيا", "أ.ب"),
            ("العلم الروسي مع صور حكام مالي", "أرشيفية - رويترز"),
            ("ماليون يدعمون الانقلاب في باماكو عام 2020", "أ.ب"),
        ],
        first="في وقت يشدِّد فيه تنظيم «القاعدة» الحصار",
        last="وأوضح وزير الخارجية أن «تغيير الجماعات الإرهابية",
    ),
    MSF: dict(
        source=SEED_000,
        line=107,
        paragraphs=12,
        headings=[],
        captions=[("أرشيفية لمرضى خارج قسم علاج سوء التغذية", "أ.ب")],
        first="أعلنت منظمة أطباء بلا حدود، الأربعاء",
        last="وجاء استهداف مستشفى منظمة أطباء بلا حدود",
    ),
    NIGERIA: dict(
        source=SEED_000,
        line=143,
        paragraphs=4,
        headings=[],
        captions=[("من الجماعات الإرهابية في نيجيريا", "إعلام محلي"), ("استنفار أمني في نيجيريا", "غيتي")],
        first="ذكرت الشرطة النيجيرية أن مسلحين قتلوا 13 شخصاً",
        last="ولم يحدد عدد القتلى",
    ),
    CONGO: dict(
        source=SEED_000,
        line=165,
        paragraphs=5,
        headings=[],
        captions=[("مقاتلون من «حركة 23 مارس» المتمردة", "أ.ف.ب")],
        first="أعلن زعيم حركة تحالف «نهر الكونغو/حركة 23 مارس»",
        last="ولم يرد الجيش الكونغولي على طلبات التعليق على الهجمات.",
    ),
    INTEL: dict(
        source=SEED_002,
        line=1,
        paragraphs=20,
        headings=["إصلاحات ديمقراطية", "تبادل المعلومات", "توسع النفوذ", "وقت حرج", "عدو واحد"],
        captions=[],
        first="شاركت واشنطن معلومات استخباراتية مع السلطات العسكرية في باماكو، ساهمت",
        last="وأوضح المسؤولون الأمريكيون أن الإستراتيجية الأمريكية",
    ),
}


@pytest.fixture(scope="module")
def by_title(seed_articles):
    return seed_articles


def test_the_seeds_hold_exactly_five_articles(seed_build):
    assert sorted(a.title for a in seed_build.articles) == sorted(ORACLE)
    assert len({a.id for a in seed_build.articles}) == 5


@pytest.mark.parametrize("title", list(ORACLE), ids=["mali-us", "msf", "nigeria", "congo", "intel"])
def test_article_fields(by_title, title):
    a = by_title[title]
    want = ORACLE[title]
    assert a.source == want["source"]
    assert a.line == want["line"]
    assert len(a.paragraphs) == want["paragraphs"]
    assert list(a.headings) == want["headings"]
    got_captions = [(c.text, c.credit) for c in a.captions]
    assert len(got_captions) == len(want["captions"])
    for (text, credit), (want_start, want_credit) in zip(got_captions, want["captions"], strict=True):
        assert text.startswith(want_start)
        assert credit == want_credit
        assert not text.endswith(")")
    assert a.paragraphs[0].startswith(want["first"])
    assert a.paragraphs[-1].startswith(want["last"])
    # Captions and headings never leak into the paragraphs.
    assert not any(p.endswith(f"({c})") for p in a.paragraphs for _, c in got_captions)
    assert not set(a.headings) & set(a.paragraphs)


def test_mali_us_title_deck_date_outlet(by_title):
    a = by_title[MALI_US]
    assert a.title_derived is False
    assert a.deck == "واشنطن كثّفت مؤخراً تعاونها الاستخباراتي مع باماكو... وتتطلع لتعزيز التعاون"
    # No date header: the date is unknown, with the newest dated photo as a lower bound.
    assert a.date is None and a.date_source is None
    assert a.earliest_date == "2025-10-31"
    assert a.earliest_date_source == "caption:5"
    # The outlet is read from the bylines of its own related-article teasers.
    assert a.outlet == "الشرق الأوسط"
    assert a.outlet_source == "teasers"
    assert a.lead_caption is not None and a.lead_caption.line == 5


def test_no_article_invents_a_date(by_title):
    for title in (MSF, NIGERIA, CONGO):
        a = by_title[title]
        assert a.date is None
    # «حركة 23 مارس» is a rebel movement, not a date.
    assert by_title[CONGO].earliest_date is None


def test_header_date_and_derived_title(by_title):
    a = by_title[INTEL]
    assert a.date == "2025-09-16"
    assert a.date_source == "header:1"
    assert a.title_derived is True
    assert a.title == INTEL
    assert a.deck is None
    assert a.outlet is None  # the dump does not show it; never guessed
    # The header is not part of the first paragraph.
    assert not a.paragraphs[0].startswith("date")


def test_teasers_of_the_mali_us_article(by_title):
    teasers = by_title[MALI_US].teasers
    assert [t.title for t in teasers] == [
        "توجيه تهمة الإرهاب لمشتبه به في قتل دبلوماسيين إسرائيليين اثنين في أميركا",
        "«سنتكوم» تعلن تنفيذ 5 ضربات على أهداف ﻟ«داعش» في سوريا خلال أسبوع",
        NIGERIA,
        "تركيا: حليف إردوغان يكرر المطالبة بإطلاق سراح أوجلان",
        "مقتل 15 سائقاً في هجوم على قافلة صهاريج بمالي",
    ]
    assert [t.section for t in teasers] == ["الولايات المتحدة", "المشرق العربي", "أفريقيا", "شؤون إقليمية", "أفريقيا"]
    assert [t.byline for t in teasers] == [
        "«الشرق الأوسط» (واشنطن)",
        "«الشرق الأوسط» (واشنطن)",
        "«الشرق الأوسط» (أبوجا)",
        "سعيد عبد الرازق (أنقرة)",
        "«الشرق الأوسط» (باماكو)",
    ]
    assert teasers[3].author == "سعيد عبد الرازق" and teasers[3].outlet is None
    assert teasers[0].outlet == "الشرق الأوسط" and teasers[0].dateline == "واشنطن"
    assert teasers[1].summary.startswith("أعلنت القيادة المركزية الأميركية")
    assert teasers[0].caption.credit == "أرشيفية"
    # Only the Nigeria teaser stands for an article of the archive.
    nigeria_id = by_title[NIGERIA].id
    assert [t.target_id for t in teasers] == [None, None, nigeria_id, None, None]


def test_other_articles_have_no_teasers(by_title):
    for title in (MSF, NIGERIA, CONGO, INTEL):
        assert by_title[title].teasers == ()


def _accounted_texts(record: dict) -> set[str]:
    texts = {record["title"], record["deck"] or ""}
    texts |= set(record["paragraphs"]) | set(record["headings"])
    for c in record["captions"]:
        texts.add(f"{c['text']} ({c['credit']})" if c["credit"] else c["text"])
    for t in record["teasers"]:
        texts |= {t["title"], t["summary"] or "", t["byline"] or ""}
        if t["caption"]:
            cap = t["caption"]
            full = f"{cap['text']} ({cap['credit']})"
            texts |= {full, f"{t['section']} {full}"}
    return texts


@pytest.mark.parametrize("seed", [SEED_000, SEED_002])
def test_every_line_of_the_seed_is_kept_or_is_known_debris(seed):
    """No sentence is lost: each line is in the output, or repeats one that is, or is page chrome."""
    result = process_seed(ROOT / seed, seed)
    kept: set[str] = set()
    for a in result.articles:
        kept |= _accounted_texts(article_record(a))
    debris = {"TT", "مقالات ذات صلة"}
    for number, line in enumerate((ROOT / seed).read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text in debris:
            continue
        if text.startswith("date "):
            text = text.split(" ", 2)[2]
        assert text in kept, f"{seed}:{number} lost: {text[:60]}"


def test_each_paragraph_appears_once(seed_build):
    paragraphs = [p for a in seed_build.articles for p in a.paragraphs]
    assert len(paragraphs) == len(set(paragraphs)) == 17 + 12 + 4 + 5 + 20


def test_ids_are_content_derived_and_stable(seed_build, tmp_path):
    """Renaming and reordering seed files, or adding another, never changes an id."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "zzz_renamed.txt").write_bytes((ROOT / SEED_000).read_bytes())
    (seeds / "aaa_other.txt").write_bytes((ROOT / SEED_002).read_bytes())
    (seeds / "new.txt").write_text(
        "عنوان جديد تماما\n\nفقرة أولى لمقال جديد لم يكن في الأرشيف من قبل.\n", encoding="utf-8"
    )
    from builder.build import assemble

    again = assemble(seeds, cache_dir=None, jobs=1)
    before = {a.title: a.id for a in seed_build.articles}
    after = {a.title: a.id for a in again.articles}
    assert {t: after[t] for t in before} == before
    assert len(after) == 6


def test_catalogue_record_has_every_field(seed_build):
    record = article_record(seed_build.articles[0])
    for key in [
        "id",
        "url",
        "title",
        "title_derived",
        "deck",
        "date",
        "date_source",
        "outlet",
        "dateline",
        "captions",
        "headings",
        "paragraphs",
        "teasers",
        "source",
    ]:
        assert key in record
    json.dumps(record, ensure_ascii=False)
