"""People, organisations and places in the text: registry matching, discovery, merging.

Matching is a dictionary walk over tokens, never a regex per entity, so its
cost is the text's length whatever the registry's size: each word of the
text is tokenised once with its original offsets, folded once (`normalize`,
cached per distinct word), and looked up in a trie of registry names keyed
by matching-form words. Only the first word of a name may carry attached
clitics (وباماكو، لمالي، بالقاعدة); the article ال is never stripped from
the text to reach a name listed without it, because «المالي» (Malian) and
«قاعدة» (a base) are not «مالي» and «القاعدة». Of overlapping matches the
longest wins; a match never starts inside a word and never crosses a
sentence or clause boundary.

Names not in the registry are discovered by the cues news Arabic gives (a
title before a person's name, a speech verb and a role around it, an
organisation head before a quoted name, a place head before a place name).
Precision comes first: a discovered name needs its cue, is matched only in
the articles where a cue found it, and gets a stable id derived from its
matching form, so that an editor who pastes the report's YAML keeps its URL.

Within one article a person found by full name is also found by the rest of
the name after the first name («الأنصاري» after «عمر الأنصاري»), which is how
news Arabic refers to people a second time.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain, compress
from pathlib import Path
from typing import NamedTuple

from .entity_words import (
    MONTHS,
    NEVER_MATCH,
    ORG_HEADS,
    PLACE_HEADS,
    PLACE_HEADS_DUAL,
    ROLE_AFTER,
    SPEECH_VERBS,
    STOPWORDS,
    TITLE_COMPLEMENTS,
    TITLE_HEADS,
    WEEKDAYS,
)
from .model import Article, ArticleEntity, EntityType, Mention, Span
from .normalize import ARTICLE, PROCLITIC_CONJ, PROCLITIC_PREP, normalize, normalize_with_map
from .registry import Entity, Registry, entity_url
from .related import PackedTerms, TermVector, pack_terms, term_vectors

# A word: letters, digits and the marks and tatweel that sit inside Arabic words.
WORD = re.compile(r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]+")
# Characters that end a clause: a name never spans them. Quotes and guillemets do not.
HARD_GAP = re.compile(r"[.,،؛;:!?؟()\[\]{}/\\|…\n]")
QUOTE_OPEN = frozenset('«"“')
QUOTE_CLOSE = frozenset('»"”')
_QUOTES = QUOTE_OPEN | QUOTE_CLOSE
_SPLIT = re.compile("(" + WORD.pattern + ")")
# Spelling pairs that normalisation keeps apart but outlets mix: أميركا/أمريكا.
SPELLING_PAIRS: tuple[tuple[str, str], ...] = (("ميرك", "مريك"),)
# Compound first names: the given name is two words («عبد الرحمن», «أبو بكر»).
COMPOUND_FIRST = frozenset({"عبد", "ابو", "ابن", "بن", "ام", "ابي"})
MIN_PEELED_STEM = 3  # a name reached by peeling clitics is at least this long
NAME_MIN_WORDS, NAME_MAX_WORDS = 2, 4
ORG_MAX_WORDS = 5
HEAD_IN_NAME = frozenset(normalize(w) for w in ("حزب", "حركة", "جبهة", "جماعة", "كتائب", "ائتلاف"))
TYPE_ORDER: dict[str, int] = {"person": 0, "organisation": 1, "place": 2}
TYPE_SLUG: dict[str, str] = {"person": "p", "organisation": "o", "place": "g"}


class Token(NamedTuple):
    """One word with its original offsets (a tuple: made once per word of the archive, so cheap)."""

    start: int  # offsets into the original text
    end: int
    key: str  # matching form, spelling pairs folded
    hard_before: bool  # a clause boundary lies between the previous token and this one
    gap_before: str
    quote_before: bool = False  # a quote mark opens or closes between: a registry name stops there


@lru_cache(maxsize=131072)
def token_key(surface: str) -> str:
    """Matching form of one word, with spelling pairs folded; cached, words repeat."""
    key = normalize(surface)
    for a, b in SPELLING_PAIRS:
        if a in key:
            key = key.replace(a, b)
    return key


@lru_cache(maxsize=131072)
def stems(key: str) -> tuple[tuple[str, int], ...]:
    """(stem, characters peeled) for a word: itself, then without و/ف and ب/ل/ك clitics.

    Unlike `normalize.clitic_stems` the article ال is never removed, so a name
    listed without it is not found inside an adjective or common noun that has
    it. لل becomes ال («للقاعدة» → «القاعدة»).
    """
    out: list[tuple[str, int]] = [(key, 0)]
    conj = [(key, 0)]
    if key[:1] and key[0] in PROCLITIC_CONJ and len(key) > 1:
        conj.append((key[1:], 1))
    for word, peeled in conj:
        if word.startswith("لل") and len(word) > 3:
            out.append((ARTICLE + word[2:], peeled))  # the link keeps the ل: ال lost its alef to it
        elif word[:1] and word[0] in PROCLITIC_PREP and len(word) > 1:
            out.append((word[1:], peeled + 1))
        if peeled:
            out.append((word, peeled))
    seen: dict[str, int] = {}
    for word, peeled in out:
        if word not in seen and (peeled == 0 or len(word) >= MIN_PEELED_STEM):
            seen[word] = peeled
    return tuple(seen.items())


def tokenize(text: str) -> list[Token]:
    """Words with offsets; `re.split` hands over words and the gaps between them in one C call."""
    parts = _SPLIT.split(text)
    tokens: list[Token] = []
    pos = 0
    for k in range(1, len(parts), 2):
        gap, word = parts[k - 1], parts[k]
        pos += len(gap)
        if gap == " " or not gap:
            hard = quoted = False
        else:
            hard = HARD_GAP.search(gap) is not None
            quoted = not _QUOTES.isdisjoint(gap)
        end = pos + len(word)
        tokens.append(Token(pos, end, token_key(word), hard, gap, quoted))
        pos = end
    return tokens


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, ...]:
    """A registry name as the token keys the trie stores."""
    return tuple(t.key for t in tokenize(name))


def _peeled_offset(text: str, token: Token, peeled: int) -> int:
    """Original offset where the stem starts after `peeled` matching-form characters."""
    if not peeled:
        return token.start
    _form, index = normalize_with_map(text[token.start : token.end])
    return token.start + (index[peeled] if peeled < len(index) else 0)


# ---------------------------------------------------------------- the trie

END = "\0"


@dataclass(frozen=True)
class Matcher:
    """Registry names as a trie over token keys, plus what each entity vetoes."""

    trie: dict
    entities: dict[str, Entity]
    not_after: dict[str, frozenset[str]]
    starts: dict[str, bool] = field(default_factory=dict)  # word -> can it start a name (memo)
    fingerprint: str = ""  # hash of what matching reads from the registry: keys the analysis cache


def build_matcher(entities: Iterable[Entity]) -> Matcher:
    trie: dict = {}
    by_id: dict[str, Entity] = {}
    vetoes: dict[str, frozenset[str]] = {}
    digest = hashlib.sha256()
    for entity in entities:
        digest.update(repr((entity.id, entity.type, entity.names, entity.not_after)).encode() + b"\0")
        by_id[entity.id] = entity
        if entity.not_after:
            vetoes[entity.id] = frozenset(entity.not_after)
        for name in entity.names:
            keys = name_keys(name)
            if not keys:
                continue
            node = trie
            for key in keys:
                node = node.setdefault(key, {})
            node.setdefault(END, entity.id)  # the registry already refused ambiguous names
    return Matcher(trie, by_id, vetoes, fingerprint=digest.hexdigest()[:16])


@dataclass(frozen=True)
class Hit:
    first: int  # token indices [first, last]
    last: int
    start: int  # original offsets
    end: int
    entity_id: str


def match_tokens(
    text: str,
    tokens: Sequence[Token],
    trie: dict,
    vetoes: dict[str, frozenset[str]],
    starts: dict[str, bool] | None = None,
) -> list[Hit]:
    """Non-overlapping matches, longest first; only a name's first word may carry clitics."""
    found: list[tuple[int, int, int, str]] = []  # (-length, first, peeled, id)
    n = len(tokens)
    # Most words start no name: find the few that do with one set test per distinct word.
    memo = starts if starts is not None else {}
    starters = set()
    for k in {t.key for t in tokens}:
        can = memo.get(k)
        if can is None:
            can = memo[k] = any(stem in trie for stem, _ in stems(k))
        if can:
            starters.add(k)
    for i in [i for i, t in enumerate(tokens) if t.key in starters]:
        token = tokens[i]
        common = token.key in NEVER_MATCH  # may begin a longer name («جنوب السودان»), never be one
        best: tuple[int, int, str] | None = None  # (last, peeled, id)
        for stem, peeled in stems(token.key):
            node = trie.get(stem)
            if node is None:
                continue
            j = i
            last = (j, node[END]) if END in node else None
            while j + 1 < n and not tokens[j + 1].hard_before and not tokens[j + 1].quote_before:
                nxt = node.get(tokens[j + 1].key)
                if nxt is None:
                    break
                node, j = nxt, j + 1
                if END in node:
                    last = (j, node[END])
            if last is not None and (best is None or last[0] > best[0]):
                best = (last[0], peeled, last[1])
        if best is None or (common and best[0] == i):
            continue
        veto = vetoes.get(best[2])
        if veto and i > 0 and not token.hard_before and best[1] == 0 and tokens[i - 1].key in veto:
            continue
        found.append((-(best[0] - i + 1), i, best[1], best[2]))
    found.sort()
    taken = [False] * n
    hits: list[Hit] = []
    for neg_len, first, peeled, entity_id in found:
        last = first - neg_len - 1
        if any(taken[first : last + 1]):
            continue
        for k in range(first, last + 1):
            taken[k] = True
        hits.append(Hit(first, last, _peeled_offset(text, tokens[first], peeled), tokens[last].end, entity_id))
    hits.sort(key=lambda h: h.start)
    return hits


# ---------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Found:
    """A name the rules found in the text, before it becomes an entity."""

    type: EntityType
    name: str  # as written in the text, the head word added where it belongs to the name
    first: int
    last: int
    start: int
    end: int
    rule: str


def _plain(token: Token) -> str:
    """The word without و/ف: how heads and cues are compared."""
    key = token.key
    return key[1:] if key[:1] in ("و", "ف") and len(key) > 2 else key


def _head_key(token: Token, heads: frozenset[str]) -> bool:
    return any(stem in heads for stem, _ in stems(token.key))


CUE_TITLE, CUE_SPEECH, CUE_ORG, CUE_PLACE, CUE_DUAL = 1, 2, 4, 8, 16
_TITLE_WORDS = TITLE_COMPLEMENTS | TITLE_HEADS


@lru_cache(maxsize=131072)
def cues(key: str) -> int:
    """Which discovery rules a word can start, as bits; cached, so most words cost one lookup."""
    token = Token(0, 0, key, False, "")
    plain = _plain(token)
    return (
        (CUE_TITLE if plain in TITLE_HEADS else 0)
        | (CUE_SPEECH if key in SPEECH_VERBS else 0)
        | (CUE_ORG if _head_key(token, ORG_HEADS) else 0)
        | (CUE_PLACE if _head_key(token, PLACE_HEADS) else 0)
        | (CUE_DUAL if _head_key(token, PLACE_HEADS_DUAL) else 0)
    )


@lru_cache(maxsize=131072)
def _title_word(key: str) -> bool:
    return key.startswith(ARTICLE) or key == "في" or any(stem in _TITLE_WORDS for stem, _ in stems(key))


def _name_word(token: Token, first: bool) -> bool:
    key = token.key
    if not key or key in STOPWORDS or key in NEVER_MATCH or key.isdigit() or len(key) < 2:
        return False
    if not all("\u0621" <= ch <= "\u064a" for ch in key):
        return False
    return not (first and key.startswith(ARTICLE))


def _name_run(tokens: Sequence[Token], j: int, taken: Sequence[bool], allow_comma_start: bool) -> int | None:
    """Index of the last word of a 2–4 word name starting at j that ends at a clause boundary."""
    n = len(tokens)
    if j >= n or taken[j] or (tokens[j].hard_before and not allow_comma_start):
        return None
    if tokens[j].hard_before and tokens[j].gap_before.strip() not in ("،", ","):
        return None
    if not _name_word(tokens[j], True):
        return None
    k = j
    while k + 1 < n and not tokens[k + 1].hard_before and not taken[k + 1] and k - j + 1 < NAME_MAX_WORDS + 1:
        if not _name_word(tokens[k + 1], False):
            return None
        k += 1
    size = k - j + 1
    if not NAME_MIN_WORDS <= size <= NAME_MAX_WORDS:
        return None
    if k + 1 < n and not tokens[k + 1].hard_before:
        return None  # the run goes on: not a name that ends where names end
    if any(ch in QUOTE_OPEN or ch in QUOTE_CLOSE for t in tokens[j + 1 : k + 1] for ch in t.gap_before):
        return None
    return k


def discover(text: str, tokens: Sequence[Token], taken: Sequence[bool]) -> list[Found]:
    """Names the rules find in one paragraph, outside registry matches."""
    found: list[Found] = []
    n = len(tokens)
    used = list(taken)

    def add(kind: EntityType, first: int, last: int, rule: str, head: Token | None = None) -> None:
        start, end = tokens[first].start, tokens[last].end
        name = " ".join(text[start:end].split())
        if head is not None and _plain(head) in HEAD_IN_NAME:
            peeled = dict(stems(head.key))
            head_stem = next(s for s in stems(head.key) if s[0] in ORG_HEADS)
            offset = _peeled_offset(text, head, peeled[head_stem[0]])
            name = text[offset : head.end] + " " + name
        for k in range(first, last + 1):
            used[k] = True
        found.append(Found(kind, name, first, last, start, end, rule))

    for i, token in enumerate(tokens):
        cue = cues(token.key)
        if not cue or used[i]:
            continue
        # Title, its complement, then the name: «نائب وزير الخارجية الأميركي كريستوفر لانداو،».
        if cue & CUE_TITLE:
            j = i + 1
            while j < n and not tokens[j].hard_before and (used[j] or _title_word(tokens[j].key)):
                j += 1
            # «الرئيس دونالد ترامب، ومسؤولون»: the title already has its (registered) name.
            after_name = j > i + 1 and used[j - 1] and j < n and tokens[j].hard_before
            last = None if after_name else _name_run(tokens, j, used, allow_comma_start=j > i + 1)
            if last is not None:
                add("person", j, last, "title")
                continue
        # Speech verb, name, comma, role: «وقال موسى آغ أشاراتومان، عضو …».
        if cue & CUE_SPEECH:
            last = _name_run(tokens, i + 1, used, allow_comma_start=False)
            if (
                last is not None
                and last + 1 < n
                and tokens[last + 1].gap_before.strip() in ("،", ",")
                and (tokens[last + 1].key in ROLE_AFTER or _plain(tokens[last + 1]) in ROLE_AFTER)
            ):
                add("person", i + 1, last, "speech")
                continue
        # Organisation head and a quoted name: «وكالة «أسوشييتد برس»».
        if cue & CUE_ORG and i + 1 < n and not tokens[i + 1].hard_before:
            gap = tokens[i + 1].gap_before
            if any(ch in QUOTE_OPEN for ch in gap):
                k = i + 1
                while (
                    k + 1 < n
                    and not tokens[k + 1].hard_before
                    and not any(ch in QUOTE_CLOSE or ch in QUOTE_OPEN for ch in tokens[k + 1].gap_before)
                ):
                    k += 1
                closes = text[tokens[k].end : tokens[k].end + 2]
                inner = tokens[i + 1 : k + 1]
                if (
                    k - i <= ORG_MAX_WORDS
                    and any(ch in QUOTE_CLOSE for ch in closes[:1])
                    and not any(used[i + 1 : k + 1])
                    and not any(t.key in STOPWORDS or t.key in NEVER_MATCH for t in inner)
                    and not (len(inner) == 1 and (inner[0].key.isdigit() or len(inner[0].key) < 3))
                ):
                    add("organisation", i + 1, k, "org-quoted", head=token)
                    continue
        # Place head and one name word: «قرية دوما»، «بمنطقة فاسكاري».
        if cue & CUE_PLACE and i + 1 < n and not tokens[i + 1].hard_before:
            j = i + 1
            if _place_word(tokens, j, used) and _place_ends(tokens, j + 1, used):
                add("place", j, j, "place-head")
                continue
        # Dual place head: «مدينتي غوما وبوكافو»، «منطقتي: وورو، ونوكو».
        if cue & CUE_DUAL and i + 2 < n:
            j = i + 1
            if tokens[j].gap_before.strip() not in ("", ":"):
                continue
            second = tokens[j + 1]
            if (
                _place_word(tokens, j, used, first_gap_ok=True)
                and second.key.startswith("و")
                and second.gap_before.strip() in ("", "،", ",")
                and _place_word(tokens, j + 1, used, first_gap_ok=True, drop_conj=True)
                and _place_ends(tokens, j + 2, used)
            ):
                add("place", j, j, "place-dual")
                start = second.start + 1
                name = text[start : second.end]
                used[j + 1] = True
                found.append(Found("place", name, j + 1, j + 1, start, second.end, "place-dual"))
    return found


def _place_word(
    tokens: Sequence[Token], j: int, used: Sequence[bool], first_gap_ok: bool = False, drop_conj: bool = False
) -> bool:
    if j >= len(tokens) or used[j] or (tokens[j].hard_before and not first_gap_ok):
        return False
    key = tokens[j].key[1:] if drop_conj else tokens[j].key
    if len(key) < 3 or key.startswith(ARTICLE) or key in STOPWORDS or key in NEVER_MATCH:
        return False
    if key.endswith("يه") or key.endswith("يين") or (key.endswith("ين") and len(key) > 5):
        return False  # adjectives and plurals: «مدينة استراتيجية»
    return all("\u0621" <= ch <= "\u064a" for ch in key) and key not in WEEKDAYS and key not in MONTHS


def _place_ends(tokens: Sequence[Token], j: int, used: Sequence[bool]) -> bool:
    """The place name is one word: what follows must not continue it."""
    if j >= len(tokens) or tokens[j].hard_before or used[j]:
        return True
    nxt = tokens[j]
    return (
        nxt.key in STOPWORDS
        or _plain(nxt) in STOPWORDS
        or nxt.key.startswith(ARTICLE)
        or _head_key(nxt, PLACE_HEADS | PLACE_HEADS_DUAL)
    )


# ---------------------------------------------------------------- ids and merging


@lru_cache(maxsize=65536)
def form_of(name: str) -> str:
    """The matching form that identifies a name: its token keys joined by spaces."""
    return " ".join(name_keys(name))


_TRANSLIT = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "e", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "",
}  # fmt: skip


def discovered_id(name: str) -> str:
    """Stable ASCII id for a discovered name: a transliteration plus a hash of its matching form.

    The hash keeps two names that transliterate alike (ص/س) apart; the id
    depends on nothing but the name, so the URL survives rebuilds, new seeds
    and the editor pasting the proposed entry into the registry.
    """
    form = form_of(name)
    letters = "".join(_TRANSLIT.get(ch, ch if ch.isascii() and ch.isalnum() else "-") for ch in form)
    slug = re.sub(r"-+", "-", letters.replace(" ", "-")).strip("-")[:40].strip("-") or "x"
    return f"{slug}-{hashlib.sha1(form.encode()).hexdigest()[:6]}"


@lru_cache(maxsize=65536)
def short_form(name: str) -> tuple[str, ...] | None:
    """The name after the given name: how an article names a person the second time."""
    keys = name_keys(name)
    given = 2 if keys and keys[0] in COMPOUND_FIRST and len(keys) > 2 else 1
    rest = keys[given:]
    if not rest or len("".join(rest)) < 4:
        return None
    if len(rest) == 1 and (rest[0] in STOPWORDS or rest[0] in NEVER_MATCH or rest[0] in COMPOUND_FIRST):
        return None
    return rest


# ---------------------------------------------------------------- one article


@dataclass
class ArticleAnalysis:
    """Everything the entity stage learns from one article, before ids are final."""

    article_id: str
    hits: list[tuple[int, Hit]] = field(default_factory=list)  # (paragraph, hit); -1 = title
    found: list[tuple[int, Found]] = field(default_factory=list)
    terms: PackedTerms = ("", b"")  # distinct words and their counts, for related articles


def _texts(article: Article) -> list[tuple[int, str]]:
    return [(-1, article.title), *enumerate(article.paragraphs)]


@lru_cache(maxsize=131072)
def term_of(key: str) -> str | None:
    """The word as a related-articles term: clitics and article off, function words out."""
    if key in STOPWORDS or key in NEVER_MATCH or len(key) < 3 or not key.isalpha():
        return None
    stem = stems(key)[-1][0]
    stem = stem[2:] if stem.startswith(ARTICLE) and len(stem) > 4 else stem
    return stem if len(stem) >= 3 and stem not in STOPWORDS else None


def analyse_article(article: Article, matcher: Matcher) -> ArticleAnalysis:
    """Registry matches, discovered names and the term counts of one article."""
    result = ArticleAnalysis(article.id)
    tokenised = [(p, text, tokenize(text)) for p, text in _texts(article)]
    terms: Counter[str] = Counter()
    for p, text, tokens in tokenised:
        hits = match_tokens(text, tokens, matcher.trie, matcher.not_after, matcher.starts)
        taken = [False] * len(tokens)
        for h in hits:
            for k in range(h.first, h.last + 1):
                taken[k] = True
        result.hits.extend((p, h) for h in hits)
        if p >= 0:
            result.found.extend((p, f) for f in discover(text, tokens, taken))
        terms.update(filter(None, map(term_of, [t.key for t in tokens])))
    result.terms = pack_terms(terms)
    # Second pass: names found in this article, everywhere in it (discovered names
    # and people's short forms), in the words the first pass left free.
    local: dict = {}
    found_ids: dict[str, Entity] = {}
    for _, f in result.found:
        keys = name_keys(f.name)
        _trie_add(local, keys, "found:" + f.type + ":" + form_of(f.name))
        if f.type == "person":
            short = short_form(f.name)
            if short:
                _trie_add(local, short, "found:person:" + form_of(f.name))
    for _, h in result.hits:
        entity = matcher.entities[h.entity_id]
        found_ids[entity.id] = entity
    for entity in found_ids.values():
        if entity.type == "person":
            for name in entity.names:
                short = short_form(name)
                if short and _trie_get(matcher.trie, short) is None:
                    _trie_add(local, short, entity.id)
    if local:
        spans = {(p, f.first) for p, f in result.found}
        hit_spans = {(p, h.first) for p, h in result.hits}
        for p, text, tokens in tokenised:
            taken = [False] * len(tokens)
            for q, h in result.hits:
                if q == p:
                    for k in range(h.first, h.last + 1):
                        taken[k] = True
            for q, f in result.found:
                if q == p:
                    for k in range(f.first, f.last + 1):
                        taken[k] = True
            for h in match_tokens(text, tokens, local, {}):
                if any(taken[h.first : h.last + 1]) or (p, h.first) in spans or (p, h.first) in hit_spans:
                    continue
                result.hits.append((p, h))
    return result


@dataclass(frozen=True)
class AnalysedSeed:
    """The analyses of one seed file's articles, as the cache stores them."""

    analyses: tuple[ArticleAnalysis, ...]


ANALYSIS_POOL_THRESHOLD = 64  # uncached seeds below this are faster in one process than with pool start-up
_worker_matcher: Matcher | None = None


def _init_worker(matcher: Matcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher


def _analyse_group(articles: Sequence[Article]) -> AnalysedSeed:
    assert _worker_matcher is not None
    return AnalysedSeed(tuple(analyse_article(a, _worker_matcher) for a in articles))


def _analysis_key(version: str, matcher: Matcher, articles: Sequence[Article]) -> str:
    """What an analysis depends on: the builder's code, the registry's names and each article's words."""
    digest = hashlib.sha256(f"entities\0{version}\0{matcher.fingerprint}".encode())
    for article in articles:
        digest.update("\0".join((article.id, article.title, *article.paragraphs)).encode() + b"\1")
    return digest.hexdigest()


def analyse_archive(
    articles: Sequence[Article], matcher: Matcher, cache_dir: Path | None = None, jobs: int | None = None
) -> list[ArticleAnalysis]:
    """`analyse_article` for every article, from the cache when its seed's articles and the registry are unchanged.

    Cached per seed file (next to the extraction cache, with its helpers), so a
    rebuild after a one-seed change re-analyses only that seed's articles. With
    many uncached seeds the analyses run in a process pool on every core.
    """
    from .build import _cache_get, _cache_put, _code_version  # build imports this module

    groups: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        groups[article.source].append(i)
    version = _code_version() if cache_dir else ""
    out: list[ArticleAnalysis | None] = [None] * len(articles)
    todo: list[tuple[list[int], str | None]] = []
    for indices in groups.values():
        key = _analysis_key(version, matcher, [articles[i] for i in indices]) if cache_dir else None
        hit = _cache_get(cache_dir, key, AnalysedSeed) if cache_dir and key else None
        if hit is not None and len(hit.analyses) == len(indices):
            for i, analysis in zip(indices, hit.analyses, strict=True):
                out[i] = analysis
        else:
            todo.append((indices, key))
    batches = [[articles[i] for i in indices] for indices, _ in todo]
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(todo) >= ANALYSIS_POOL_THRESHOLD and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(matcher,)) as pool:
            fresh = list(pool.map(_analyse_group, batches, chunksize=16))
    else:
        fresh = [AnalysedSeed(tuple(analyse_article(a, matcher) for a in batch)) for batch in batches]
    for (indices, key), result in zip(todo, fresh, strict=True):
        for i, analysis in zip(indices, result.analyses, strict=True):
            out[i] = analysis
        if cache_dir and key:
            _cache_put(cache_dir, key, result)
    return [a for a in out if a is not None]


def _trie_add(trie: dict, keys: Sequence[str], value: str) -> None:
    node = trie
    for key in keys:
        node = node.setdefault(key, {})
    node.setdefault(END, value)


def _trie_get(trie: dict, keys: Sequence[str]) -> str | None:
    node = trie
    for key in keys:
        node = node.get(key)
        if node is None:
            return None
    return node.get(END)


# ---------------------------------------------------------------- the archive


@dataclass(frozen=True)
class EntityIndex:
    """The archive's entities after linking: what pages, report and related need."""

    entities: dict[str, Entity]  # every entity named at least once, registry and discovered
    articles: dict[str, tuple[str, ...]]  # entity id -> article ids, in archive order
    discovered: tuple[Entity, ...]
    contexts: dict[str, tuple[tuple[str, int, str], ...]]  # discovered id -> (article id, paragraph, rule)
    terms: dict[str, TermVector]  # article id -> its heaviest words, weighted (what related needs)


def link_entities(
    articles: Sequence[Article],
    registry: Registry,
    matcher: Matcher | None = None,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> tuple[tuple[Article, ...], EntityIndex]:
    """Fill `Article.entities` for the whole archive; discovered names become entities."""
    matcher = matcher or build_matcher(registry.entities)
    analyses = analyse_archive(articles, matcher, cache_dir, jobs)
    # Discovered names: one entity per matching form; the type most cues gave, the spelling most used.
    by_form: dict[str, list[tuple[str, int, Found]]] = defaultdict(list)
    for article, analysis in zip(articles, analyses, strict=True):
        for p, f in analysis.found:
            by_form[form_of(f.name)].append((article.id, p, f))
    discovered: dict[str, Entity] = {}
    contexts: dict[str, tuple[tuple[str, int, str], ...]] = {}
    form_to_id: dict[str, str] = {}
    for form in sorted(by_form):
        items = by_form[form]
        types = Counter(f.type for _, _, f in items)
        kind = min(types, key=lambda t: (-types[t], TYPE_ORDER[t]))
        names = Counter(f.name for _, _, f in items)
        name = min(names, key=lambda s: (-names[s], s))
        entity_id = discovered_id(name)
        if entity_id in matcher.entities:
            form_to_id[form] = entity_id  # pasted into the registry under the proposed id
            continue
        discovered[entity_id] = Entity(id=entity_id, type=kind, name=name, discovered=True)
        form_to_id[form] = entity_id
        contexts[entity_id] = tuple((a, p, f.rule) for a, p, f in items)
    all_entities = {**matcher.entities, **discovered}
    linked: list[Article] = []
    mentions_of: dict[str, list[str]] = defaultdict(list)
    for article, analysis in zip(articles, analyses, strict=True):
        texts = dict(_texts(article))
        mentions: dict[str, list[Mention]] = defaultdict(list)
        for p, h in analysis.hits:
            entity_id = h.entity_id
            if entity_id.startswith("found:"):
                entity_id = form_to_id.get(entity_id.split(":", 2)[2], "")
            if entity_id:
                mentions[entity_id].append(Mention(texts[p][h.start : h.end], p, h.start, h.end))
        for p, f in analysis.found:
            entity_id = form_to_id[form_of(f.name)]
            mentions[entity_id].append(Mention(texts[p][f.start : f.end], p, f.start, f.end))
        items = []
        for entity_id, ms in mentions.items():
            entity = all_entities[entity_id]
            ordered = tuple(sorted(ms, key=lambda m: (m.paragraph, m.start)))
            items.append(ArticleEntity(entity_id, entity.name, entity.type, ordered))
            mentions_of[entity_id].append(article.id)
        items.sort(key=lambda e: (e.mentions[0].paragraph, e.mentions[0].start, e.entity_id))
        linked.append(replace(article, entities=tuple(items)))
    named = {eid: all_entities[eid] for eid in sorted(mentions_of)}
    index = EntityIndex(
        entities=named,
        articles={eid: tuple(ids) for eid, ids in sorted(mentions_of.items())},
        discovered=tuple(discovered[k] for k in sorted(discovered) if k in named),
        contexts=contexts,
        terms=term_vectors({a.id: an.terms for a, an in zip(articles, analyses, strict=True)}),
    )
    return tuple(linked), index


# ---------------------------------------------------------------- what pages need


def entity_spans(article: Article, rel: Callable[[str, str], str]) -> list[list[Span]]:
    """Entity link spans with hrefs relative to the article page.

    The way up from the article to the site root is asked of `rel` once per
    article: article URLs (articles/…) share no folder with entity URLs
    (entities/…), so each link is that way up followed by the entity's URL,
    and an archive has far more article–entity pairs than `rel`'s cache holds.
    """
    per: list[list[Span]] = [[] for _ in article.paragraphs]
    root = rel(article.url, "")
    for e in article.entities:
        for first in e.mentions:
            if first.paragraph >= 0:
                break
        else:
            continue
        per[first.paragraph].append(
            Span(
                first.start,
                first.end,
                f'<a class="entity entity-{e.type}" href="{root}{entity_url(e.type, e.entity_id)}"'
                f' data-entity="{e.entity_id}">',
                "</a>",
                priority=1,
            )
        )
    return per


SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
SENTENCE_MAX = 320
# SENTENCE_END's runs found from either side of an offset, one regex call each
# that examines only the sentence around it: back from the offset to the last
# mark followed by spaces, and on from it to the next (the mark matched rather
# than looked behind at, which the regex engine would try at every character).
_LAST_END = re.compile(r".*[.!?؟…](\s+)", re.S)  # with endpos: the last run before it
_NEXT_END = re.compile(r"[.!?؟…](\s+)")
_SPACE = re.compile(r"\s")


def sentence_at(text: str, start: int) -> str:
    """The sentence of `text` that holds offset `start`, cut to a readable length with a visible ….

    The sentence runs from the end of the last SENTENCE_END run that ends at or
    before `start` to the first that starts at or after it; entity pages ask
    this for every article of every entity, so neither is found by scanning the
    paragraph from its start.
    """
    last = _LAST_END.match(text, 0, start)
    while last is not None and last.end(1) == start and _SPACE.match(text, start):
        last = _LAST_END.match(text, 0, last.start(1) - 1)  # that run goes on past `start`: the one before
    begin = last.end(1) if last else 0
    stop = _NEXT_END.search(text, max(start - 1, 0))
    sentence = text[begin : stop.start(1) if stop else len(text)].strip()
    if len(sentence) <= SENTENCE_MAX:
        return sentence
    offset = start - begin
    lo = max(0, offset - SENTENCE_MAX // 2)
    piece = sentence[lo : lo + SENTENCE_MAX]
    return ("…" if lo > 0 else "") + piece.strip() + ("…" if lo + SENTENCE_MAX < len(sentence) else "")


def first_sentence(entity: ArticleEntity, paragraphs: Sequence[str], title: str) -> str:
    """The sentence of the entity's first mention in the body (the title when only it names it).

    Takes the article's paragraphs rather than the article: entity pages ask
    for one article's sentences once per entity it names, and
    `Article.paragraphs` is rebuilt on every access.
    """
    for m in entity.mentions:
        if m.paragraph >= 0:
            return sentence_at(paragraphs[m.paragraph], m.start)
    return title


def name_order(entities: Iterable[Entity]) -> dict[str, int]:
    """Each entity's place in (name, id) order: `cooccurring`'s tie-break, as one int C can compare."""
    return {e.id: i for i, e in enumerate(sorted(entities, key=lambda e: (e.name, e.id)))}


def cooccurring(
    index: EntityIndex,
    entity_ids: dict[str, tuple[str, ...]],
    order: dict[str, int],
    entity_id: str,
    top: int = 10,
) -> list[tuple[Entity, int]]:
    """The entities that share most articles with this one, with the number shared; ties by name.

    `entity_ids` is each article's entity ids and `order` is `name_order`, both
    made once for all entities, so the work per entity is C's: counting over
    the chained ids, keeping the counts that can still make the top, and two
    stable sorts (by name, then by count) with no key function of ours.
    """
    counts = Counter(chain.from_iterable(map(entity_ids.__getitem__, index.articles.get(entity_id, ()))))
    counts.pop(entity_id, None)
    if len(counts) > top:
        least = sorted(counts.values(), reverse=True)[top - 1]
        keep = list(compress(counts, map(least.__le__, counts.values())))
    else:
        keep = list(counts)
    keep.sort(key=order.__getitem__)
    keep.sort(key=counts.__getitem__, reverse=True)  # stable: equal counts stay in name order
    return [(index.entities[eid], counts[eid]) for eid in keep[:top]]
