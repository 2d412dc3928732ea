"""Synthetic seed corpus in the real dumps' raw shape, for `make bench` and the robustness tests.

Speed figures only mean something if the builder does its real work: every
page header here repeats its title after the photo captions, carries a credit
and the «TT» page chrome, most articles end in a «مقالات ذات صلة» block of
teasers closed by bylines (some teasers name other articles of the corpus, so
linking has work), several articles share a file, and some files are
` date YYYY-MM-DD` dumps with no title at all. Names come from the entity
registry (`entities/*.yml`) when it exists, plus invented ones, so entity
linking meets both known and unknown names.

The corpus is a pure function of (n, seed): the same call writes the same
bytes, so a benchmark or a test can be re-run and compared. `generate_seed`
also returns what it wrote (`GenArticle`), which the property tests use as the
oracle: every sentence written must come back out exactly once.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

_WORDS = (
    "الحكومة الجيش الرئيس الوزير المجلس العسكري الحدود المدينة العاصمة القوات الأمن الهجوم الحصار الوقود "
    "القافلة المسلحين السكان المنطقة الاتفاق المفاوضات المساعدات المنظمة الدولية اللاجئين المستشفى الطريق "
    "الشمال الجنوب الشرق الغرب الساحل الصحراء المعارضة الانتخابات البرلمان الدستور المحكمة القضاء الاقتصاد "
    "الذهب القطن الأسعار السوق المزارعين الماشية الجفاف الأمطار الفيضانات المدارس الطلاب المعلمين الصحة "
    "اللقاحات الأطباء الجرحى الضحايا الشهود التقرير البيان المتحدث الصحافيين الإذاعة التلفزيون الشبكة "
    "أعلن أكد قال أوضح أشار نفى طالب دعا حذر أضاف كشف نقل أفاد رأى اعتبر قرر رفض وافق بحث ناقش التقى "
    "أمس اليوم الأسبوع الماضي الشهر المقبل خلال بعد قبل منذ حتى نحو أكثر أقل عدد من في على إلى عن مع بين "
    "جديدة كبيرة واسعة محلية رسمية عسكرية أمنية إنسانية سياسية اقتصادية صعبة مستمرة متزايدة"
)
_HEADING_WORDS = "دعم معنوي ترحيب حذر تبادل المعلومات خلفيات الأزمة موقف واشنطن ردود الفعل مخاوف السكان"
WORDS = tuple(_WORDS.split())  # one readable block of words
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _pseudo_vocabulary(size: int = 30_000) -> tuple[tuple[str, ...], list[float]]:
    """Invented Arabic-looking words drawn by Zipf's law, so word frequencies look like news text.

    With a few hundred words every article would share every word, which no
    real archive does and which would make text similarity quadratic for a
    reason the real data does not have.
    """
    rng = random.Random(0)
    words = {"".join(rng.choices(_LETTERS, k=rng.randint(3, 7))) for _ in range(size * 2)}
    ranked = sorted(words)[:size]
    rng.shuffle(ranked)
    vocab = tuple(("ال" + w) if i % 3 == 0 else w for i, w in enumerate(ranked))
    cum, total = [], 0.0
    for rank in range(1, len(vocab) + 1):
        total += 1.0 / rank
        cum.append(total)
    return vocab, cum


VOCAB, _VOCAB_CUM = _pseudo_vocabulary()


def _words(rng: random.Random, k: int) -> list[str]:
    """k words: about half common newsroom words, half from the Zipfian vocabulary."""
    common = rng.choices(WORDS, k=k // 2)
    rare = rng.choices(VOCAB, cum_weights=_VOCAB_CUM, k=k - k // 2)
    words = common + rare
    rng.shuffle(words)
    return words


HEADING_WORDS = tuple(_HEADING_WORDS.split())
PLACES = ("باماكو", "نيامي", "واغادوغو", "كيدال", "تمبكتو", "غاو", "موبتي", "أبوجا", "داكار", "نواكشوط", "الخرطوم")
CITIES = ("واشنطن", "باريس", "باماكو", "نيامي", "أبوجا", "داكار", "لندن", "القاهرة", "أنقرة", "جوبا")
OUTLETS = ("الشرق الأوسط", "العربية", "الجزيرة نت", "سكاي نيوز عربية", "فرانس 24")
CREDITS = ("أ.ف.ب", "رويترز", "أ.ب", "أرشيفية", "إعلام محلي", "أرشيفية - أ.ف.ب", "الشرق الأوسط")
SECTIONS = ("أفريقيا", "المشرق العربي", "شؤون إقليمية", "العالم")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
FIRST = ("موسى", "أحمد", "عبد الله", "فاطمة", "آمادو", "إبراهيم", "عيسى", "مريم", "سيدو", "عمر", "كريستوفر", "ويليام")
LAST = ("ديوب", "كوليبالي", "توري", "ديارا", "كيتا", "سيسي", "تراوري", "ميغا", "آغ محمد", "لانداو", "ستيفنز")
ORGS = ("جماعة نصرة الإسلام والمسلمين", "تنظيم «القاعدة»", "أطباء بلا حدود", "الأمم المتحدة", "الاتحاد الأفريقي")


@dataclass(frozen=True)
class GenTeaser:
    title: str
    summary: str
    caption: str  # without the section label and the credit


@dataclass(frozen=True)
class GenArticle:
    """What the generator wrote for one article: the oracle for the property tests."""

    title: str | None  # None: a ` date` dump whose title the builder must derive
    deck: str | None
    captions: tuple[str, ...]  # lead captions then body captions, without credits
    headings: tuple[str, ...]
    paragraphs: tuple[tuple[str, ...], ...]  # sentences of each paragraph
    teasers: tuple[GenTeaser, ...]
    date: str | None


@dataclass
class _Vocab:
    """Names drawn from the registry plus invented ones; sentence texts already used."""

    names: list[str]
    used: set[str] = field(default_factory=set)


_PLAIN_NAME = re.compile(r"^[\u0621-\u064A «»]{2,40}$")  # letters and spaces: never a sentence end


@lru_cache(maxsize=4)
def registry_names(entities_dir: Path = ROOT / "entities") -> tuple[str, ...]:
    """Names and aliases from `entities/*.yml` (the registry may not exist yet: then none)."""
    names: set[str] = set()
    for path in sorted(entities_dir.glob("*.yml")) if entities_dir.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for entity in data.get("entities", []) if isinstance(data, dict) else []:
            if not isinstance(entity, dict):
                continue
            aliases = [a.get("name") if isinstance(a, dict) else a for a in entity.get("aliases") or []]
            names.update(n for n in [entity.get("name"), *aliases] if isinstance(n, str) and _PLAIN_NAME.match(n))
    return tuple(sorted(names))


def _vocab() -> _Vocab:
    invented = [f"{f} {last}" for f in FIRST for last in LAST]
    return _Vocab(names=[*registry_names(), *invented, *ORGS])


def _unique(rng: random.Random, vocab: _Vocab, make) -> str:
    for _ in range(50):
        text = make()
        if text not in vocab.used:
            vocab.used.add(text)
            return text
    text = make() + " " + str(len(vocab.used))
    vocab.used.add(text)
    return text


def _sentence(rng: random.Random, vocab: _Vocab) -> str:
    def make() -> str:
        words = _words(rng, rng.randint(8, 22))
        words.insert(rng.randrange(len(words)), rng.choice(vocab.names))
        if rng.random() < 0.4:
            words.insert(rng.randrange(len(words)), "في " + rng.choice(PLACES))
        if rng.random() < 0.2:
            words.append("«" + " ".join(_words(rng, rng.randint(4, 9))) + "»")
        return " ".join(words) + "."

    return _unique(rng, vocab, make)


def _title(rng: random.Random, vocab: _Vocab) -> str:
    def make() -> str:
        words = _words(rng, rng.randint(5, 10))
        words.insert(rng.randrange(len(words)), rng.choice(vocab.names))
        return " ".join(words) + ("؟" if rng.random() < 0.15 else "")

    return _unique(rng, vocab, make)


def _caption(rng: random.Random, vocab: _Vocab) -> str:
    def make() -> str:
        words = [*_words(rng, rng.randint(6, 16)), "في", rng.choice(PLACES)]
        if rng.random() < 0.5:
            words += ["...", str(rng.randint(1, 28)), rng.choice(MONTHS), str(rng.randint(2019, 2025))]
        return " ".join(words)

    return _unique(rng, vocab, make)


def _heading(rng: random.Random, vocab: _Vocab) -> str:
    return _unique(rng, vocab, lambda: " ".join(rng.choices(HEADING_WORDS, k=rng.randint(2, 4))))


def _byline(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return f"«{rng.choice(OUTLETS)}» ({rng.choice(CITIES)})"
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} ({rng.choice(CITIES)})"


def generate_seed(
    rng: random.Random, articles: int, known_titles: list[str] | None = None
) -> tuple[str, list[GenArticle]]:
    """One seed file of `articles` articles, and what it holds."""
    vocab = _vocab()
    if known_titles:
        vocab.used.update(known_titles)
    out: list[str] = []
    made: list[GenArticle] = []
    dated_file = rng.random() < 0.15
    for _ in range(articles):
        if dated_file and not made:
            made.append(_dated_article(rng, vocab, out))
        else:
            made.append(_page_article(rng, vocab, out, known_titles or []))
    return "\n".join(out).rstrip("\n") + "\n", made


def _dated_article(rng: random.Random, vocab: _Vocab, out: list[str]) -> GenArticle:
    """` date 2025-09-16 first paragraph…`: no title, a derived one; body and headings only."""
    day = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    paragraphs = [tuple(_sentence(rng, vocab) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(3, 8))]
    headings: list[str] = []
    out.append(f" date {day} " + " ".join(paragraphs[0]))
    out.append("")
    for para in paragraphs[1:]:
        if rng.random() < 0.25:
            headings.append(_heading(rng, vocab))
            out += [headings[-1], ""]
        out += [" ".join(para), ""]
    return GenArticle(None, None, (), tuple(headings), tuple(paragraphs), (), day)


def _page_article(rng: random.Random, vocab: _Vocab, out: list[str], known_titles: list[str]) -> GenArticle:
    title = _title(rng, vocab)
    deck = _sentence(rng, vocab).rstrip(".") if rng.random() < 0.5 else None
    lead = _caption(rng, vocab)
    lead_line = f"{lead} ({rng.choice(CREDITS)})"
    out += [title, ""]
    if deck:
        out += [deck, ""]
    out += [lead_line, lead_line, "TT", "", title, "", lead_line, lead_line, ""]
    if rng.random() < 0.3:
        out += [_byline(rng), ""]  # the article's own byline opens the body
    captions = [lead]
    headings: list[str] = []
    paragraphs: list[tuple[str, ...]] = []
    for _ in range(rng.randint(4, 12)):
        roll = rng.random()
        if roll < 0.12 and paragraphs:
            captions.append(_caption(rng, vocab))
            out += [f"{captions[-1]} ({rng.choice(CREDITS)})", ""]
        elif roll < 0.25 and paragraphs:
            headings.append(_heading(rng, vocab))
            out += [headings[-1], ""]
        para = tuple(_sentence(rng, vocab) for _ in range(rng.randint(1, 4)))
        paragraphs.append(para)
        out += [" ".join(para), ""]
    teasers: list[GenTeaser] = []
    if rng.random() < 0.7:
        out += ["مقالات ذات صلة", ""]
        for _ in range(rng.randint(1, 5)):
            if known_titles and rng.random() < 0.3 and known_titles[-1] not in [t.title for t in teasers]:
                t_title = known_titles[-1]  # a teaser for an article elsewhere in the corpus
            else:
                t_title = _title(rng, vocab)
            t_caption = _caption(rng, vocab)
            t_summary = _sentence(rng, vocab)
            out += [f"{rng.choice(SECTIONS)} {t_caption} ({rng.choice(CREDITS)})", "", t_title, "", t_summary, ""]
            out.append(_byline(rng))
            teasers.append(GenTeaser(t_title, t_summary, t_caption))
        out.append("")
    return GenArticle(title, deck, tuple(captions), tuple(headings), tuple(paragraphs), tuple(teasers), None)


def generate_corpus(target: Path, n: int, seed: int = 7, per_file: tuple[int, int] = (1, 6)) -> int:
    """Write about `n` articles into `target` (emptied first); returns the number of files."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.txt"):
        old.unlink()
    rng = random.Random(seed)
    titles: list[str] = ["عنوان معروف في الأرشيف"]
    written = files = 0
    while written < n:
        count = min(rng.randint(*per_file), n - written)
        text, made = generate_seed(rng, count, titles[-50:])
        titles += [a.title for a in made if a.title]
        (target / f"{files:06d}_gen.txt").write_text(text, encoding="utf-8")
        written += count
        files += 1
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("-n", type=int, default=1000, help="number of articles")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    files = generate_corpus(args.target, args.n, args.seed)
    print(f"{args.n} articles in {files} files under {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
