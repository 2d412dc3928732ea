"""Arabic matching forms, in one place.

Readers type Arabic without diacritics, with ا for أ/إ/آ, ه for ة, ي for ى,
with and without the clitics و ف ب ل ك ال; scrapers hand us presentation forms,
Persian letters and Arabic-Indic digits. Entity linking, annotation anchoring,
duplicate detection, article ids and search must all agree on what "the same
word" means, so they all use these functions, and the search index's
JavaScript is generated from the same tables (see `search_js_tables`).

These forms are for matching only: the text a reader sees is never passed
through them. `normalize_with_map` keeps, for each character of the matching
form, the index of the original character it came from, so a match can be
mapped back to the exact original characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Harakat, Quranic marks, superscript alef: dropped for matching.
DIACRITICS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"

# One letter for each family of spellings that readers and outlets mix up.
LETTER_FOLDS: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ى": "ي",
    "ی": "ي",  # Persian yeh
    "ې": "ي",
    "ة": "ه",
    "ۀ": "ه",
    "ھ": "ه",  # heh doachashmee
    "ک": "ك",  # keheh
    "ڪ": "ك",
    "گ": "ك",
    "ڤ": "ف",  # ve, used for V in names
    "پ": "ب",
    "چ": "ج",
}
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}

# Invisible characters that reorder or hide text (Trojan Source, CVE-2021-42574)
# or split words invisibly. They are removed from displayed text too, and reported.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
INVISIBLES = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
SPOOFING_CONTROLS = BIDI_CONTROLS | INVISIBLES

PROCLITIC_CONJ = "وف"
PROCLITIC_PREP = "بلك"
ARTICLE = "ال"
MIN_STEM = 2

# Letters and digits only: Arabic punctuation (، ؛ ؟) sits inside U+0600–U+06FF but is no part of a word.
_WORD = re.compile(r"[^\W_]+")
_SPOOFING_RX = re.compile("[" + "".join(sorted(SPOOFING_CONTROLS)) + "]")


def fold_char(ch: str) -> str:
    """Matching form of one (already NFKC-composed) character; may be empty."""
    if ch in DIACRITICS or ch == TATWEEL or ch in SPOOFING_CONTROLS:
        return ""
    if ch in LETTER_FOLDS:
        return LETTER_FOLDS[ch]
    if ch in DIGITS:
        return DIGITS[ch]
    if ch.isspace():
        return " "
    return ch.lower()


def normalize_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Matching form plus, for each of its characters, the original index it came from.

    NFKC is applied per character so presentation forms (ﻟ, ﷲ) fold but the
    map still points into the original string.
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        decomposed = unicodedata.normalize("NFKC", ch) if ord(ch) >= 0xFB50 or ch in "\u00a0" else ch
        for part in decomposed:
            folded = fold_char(part)
            for f in folded:
                out.append(f)
                index.append(i)
    return "".join(out), tuple(index)


class _FoldTable(dict):
    """`str.translate` table filled on first sight of each character.

    The matching form is a per-character function (NFKC of one character,
    then `fold_char`), so a cached table gives exactly `normalize_with_map`'s
    text while the loop runs in C: at archive scale this was most of the
    builder's time (every line is normalised at least once).
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        decomposed = unicodedata.normalize("NFKC", ch) if code >= 0xFB50 or ch in "\u00a0" else ch
        folded = "".join(fold_char(part) for part in decomposed)
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Matching form of a text: same rules as `normalize_with_map`, without the map."""
    return text.translate(_FOLD_TABLE)


def words(text: str) -> list[str]:
    """Matching-form words; guillemets, quotes, brackets and punctuation separate words."""
    return _WORD.findall(normalize(text))


def clitic_stems(word: str) -> tuple[str, ...]:
    """The word and what remains after stripping attached clitics, longest first.

    `word` must already be in matching form. و/ف, then ب/ل/ك, then ال are
    peeled in the order Arabic attaches them (وبالقاعدة → بالقاعده → القاعده →
    قاعده). Every stage is kept because a name may itself start with one of
    these letters (باماكو, لانكين, كيفو): the caller checks each candidate
    against what it knows, and the longest known one wins.
    """
    seen: list[str] = [word]

    def add(w: str) -> None:
        if len(w) >= MIN_STEM and w not in seen:
            seen.append(w)

    stage = [word]
    nxt: list[str] = []
    for w in stage:
        if w[:1] and w[0] in PROCLITIC_CONJ:
            nxt.append(w[1:])
    stage = stage + nxt
    for w in stage:
        add(w)
    nxt = []
    for w in stage:
        if w.startswith("لل") and len(w) > 3:
            nxt.append("ال" + w[2:])  # لل = ل + ال
        if w[:1] and w[0] in PROCLITIC_PREP:
            nxt.append(w[1:])
    stage = stage + nxt
    for w in stage:
        add(w)
    for w in stage:
        if w.startswith(ARTICLE) and len(w) - 2 >= MIN_STEM:
            add(w[2:])
    return tuple(seen)


def core(word: str) -> str:
    """Shortest clitic-free form: the key two spellings of one word share."""
    return clitic_stems(word)[-1] if word else word


def strip_article(word: str) -> str:
    """Drop a leading ال; names are listed with or without it (القاعدة / قاعدة)."""
    return word[2:] if word.startswith(ARTICLE) and len(word) - 2 >= MIN_STEM else word


def remove_spoofing(text: str) -> tuple[str, list[int]]:
    """Displayed text without bidi overrides and invisible characters, plus their offsets.

    The only change ever made to what readers see: these characters can make
    a passage read differently from what it says, so they are removed and the
    caller reports where they were.
    """
    if not _SPOOFING_RX.search(text):
        return text, []  # the common case, without a Python loop over every character
    found = [i for i, ch in enumerate(text) if ch in SPOOFING_CONTROLS]
    if not found:
        return text, []
    return "".join(ch for ch in text if ch not in SPOOFING_CONTROLS), found


def search_js_tables() -> dict[str, object]:
    """The folding tables for the browser, so search queries fold exactly as the index."""
    return {
        "drop": "".join(sorted(DIACRITICS | {TATWEEL} | SPOOFING_CONTROLS)),
        "folds": dict(sorted((LETTER_FOLDS | DIGITS).items())),
        "conj": PROCLITIC_CONJ,
        "prep": PROCLITIC_PREP,
        "article": ARTICLE,
        "minStem": MIN_STEM,
    }
