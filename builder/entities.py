"""People, organisations and places in the text: registry matching, discovery, merging.

Matching is a dictionary walk over tokens, never a regex per entity, so its
cost is the text's length whatever the registry's size: each word of the
text is tokenised once, folded once (`normalize`, once per distinct word),
and looked up in a trie of registry names keyed by matching-form words;
what is found keeps its original offsets. Only the first word of a name may carry attached
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

Speed: an archive has millions of words but far fewer distinct runs of text
between spaces (a word with its punctuation), and all but a few words start
neither a name nor a rule. So a text is split on spaces in C, each distinct
run is analysed once per build (`Unit`: its word, matching form, cues, term,
the punctuation around it) by a `Vocabulary` that lives as long as the
matcher, the passes over all words are `map`/`compress` over those memos,
and Python runs only at the few words that start something: most of those
start only one-word names and get their match from a memo too, and the
second pass for people named again starts only at words marked for it.
Character offsets come from one running total of the units' sizes per
article, made only for what was found.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import accumulate, chain, compress
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from .entity_words import (
    COMMON_WORDS,
    MONTHS,
    NAME_PARTICLES,
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
TANWEEN = frozenset("\u064b\u064c\u064d")  # ً ٌ ٍ
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
# What text between words holds, as bits that add up when two pieces of text are joined by a space:
# a clause boundary, a quote mark, a comma.
HARD, QUOTED, COMMA = 1, 2, 4


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


@lru_cache(maxsize=65536)
def keys_with_stem(stem: str) -> frozenset[str]:
    """Every word whose `stems` include `stem`: the inverse of `stems`.

    A word reaches a stem by losing at most و/ف then ب/ل/ك (or لل becoming
    ال), so the candidates are few; each is checked with `stems` itself. A
    small trie's first words expand to the set of words that can start one of
    its names, and one set test per word of the text finds them.
    """
    clitics = ["", *PROCLITIC_CONJ]
    fronts = clitics + [c + p for c in clitics for p in PROCLITIC_PREP]
    candidates = [front + stem for front in fronts]
    if stem.startswith(ARTICLE):
        candidates += [c + "لل" + stem[2:] for c in clitics]
    return frozenset(word for word in candidates if stem in dict(stems(word)))


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, ...]:
    """A registry name as the token keys the trie stores."""
    return tuple(map(token_key, WORD.findall(name)))


@lru_cache(maxsize=65536)
def _peel(surface: str, peeled: int) -> int:
    """Original characters before the stem once `peeled` matching-form characters are gone."""
    if not peeled:
        return 0
    _form, index = normalize_with_map(surface)
    return index[peeled] if peeled < len(index) else 0


def gap_bits(gap: str) -> int:
    """HARD, QUOTED and COMMA for a piece of the text between two words."""
    if not gap:
        return 0
    return (
        (HARD if HARD_GAP.search(gap) else 0)
        | (0 if _QUOTES.isdisjoint(gap) else QUOTED)
        | (COMMA if "،" in gap or "," in gap else 0)
    )


# ---------------------------------------------------------------- words, once per distinct word


class Memo(dict):
    """`compute(item)` once per distinct item; `map(memo.__getitem__, items)` then runs in C for the rest."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, item):
        value = self[item] = self.compute(item)
        return value

    def __reduce__(self):
        return (Memo, (self.compute,))  # a process-pool worker fills its own


# Word bits: the discovery rule a word can start, START: it can start a registry name,
# and SHORT: it can start how an article names a registry person a second time.
CUE_TITLE, CUE_SPEECH, CUE_ORG, CUE_PLACE, CUE_DUAL, START, SHORT = 1, 2, 4, 8, 16, 32, 64
CUES = CUE_TITLE | CUE_SPEECH | CUE_ORG | CUE_PLACE | CUE_DUAL


class Unit(NamedTuple):
    """One word with the characters around it up to the spaces: the unit of text analysed once per distinct run.

    Text between two words is `tail` of the first, a space, then `lead` of
    the second (in a text split word by word, see `Tokens`, the space is not
    there and `lead` holds all of it).
    """

    lead: str  # characters before the word: «، (
    word: str  # as written
    tail: str  # characters after it: ،.»
    key: str  # matching form
    bits: int  # START and the discovery rules it cues
    term: str | None  # as a related-articles term
    lead_bits: int  # `gap_bits` of lead and tail
    tail_bits: int
    size: int  # characters of lead, word and tail
    start: int  # where the word starts and ends in them: len(lead), len(lead) + len(word)
    end: int


# Unit fields by position, for `map` in C and the hot loops.
_LEAD, _WORD, _TAIL, _KEY, _BITS, _TERM, _LEAD_BITS, _TAIL_BITS, _SIZE, _START, _END = range(11)
_GET_BITS, _GET_TERM, _GET_KEY, _GET_SIZE = itemgetter(_BITS), itemgetter(_TERM), itemgetter(_KEY), itemgetter(_SIZE)


_new_unit = partial(tuple.__new__, Unit)  # without the Python-level __new__


def _unit(bits: Memo, gaps: Memo, lead: str, word: str, tail: str) -> Unit:
    key = token_key(word)
    start = len(lead)
    end = start + len(word)
    return _new_unit(
        (lead, word, tail, key, bits[key], term_of(key), gaps[lead], gaps[tail], end + len(tail), start, end)
    )


def _run_unit(bits: Memo, gaps: Memo, run: str) -> Unit | None:
    """The unit of a run of text between two spaces, or None unless it holds exactly one word."""
    if run.isalpha():  # letters only (most runs): the word itself, with nothing around it
        return _unit(bits, gaps, "", run, "")
    parts = _SPLIT.split(run)
    if len(parts) != 3:
        return None
    lead, word, tail = parts
    return _unit(bits, gaps, lead, run if len(word) == len(run) else word, tail)


def _entries(trie: dict, key: str) -> tuple[tuple[dict, int], ...]:
    """(trie node, characters peeled) for each stem of the word that starts a name in `trie`."""
    return tuple((trie[stem], peeled) for stem, peeled in stems(key) if stem in trie)


def _alone(entries: Memo, key: str) -> tuple | None:
    """What a word that starts names of the trie matches when none of them goes on past it.

    None when one may (the trie must be walked), else the (characters
    peeled, entity) of its first stem that is a name, or () when the word
    is a common one that only begins longer names. Most words that start a
    registry name start only one-word names (places), and need no walk.
    """
    nodes = entries[key]
    if not nodes or not all(len(node) == 1 and END in node for node, _ in nodes):
        return None
    node, peeled = nodes[0]
    return () if key in NEVER_MATCH else (peeled, node[END])


def word_bits(trie: dict, short_firsts: frozenset[str], key: str) -> int:
    """START if a stem of the word begins a name of `trie`, SHORT if one begins a registry person's
    short form (first word in `short_firsts`), and the discovery rules the word can start."""
    title = key in TITLE_HEADS or _plain(key) in TITLE_HEADS  # «وزير» is no و + «زير»
    bits = (CUE_TITLE if title else 0) | (CUE_SPEECH if key in SPEECH_VERBS else 0)
    for stem, _ in stems(key):
        if stem in trie:
            bits |= START
        if stem in short_firsts:
            bits |= SHORT
        if stem in ORG_HEADS:
            bits |= CUE_ORG
        if stem in PLACE_HEADS:
            bits |= CUE_PLACE
        if stem in PLACE_HEADS_DUAL:
            bits |= CUE_DUAL
    return bits


class Vocabulary:
    """What matching, discovery and the term counts ask of each distinct word, for one registry trie.

    It lives as long as its matcher (one build), so its memory is the
    build's vocabulary and is freed with it; a process-pool worker gets an
    empty one of its own.
    """

    __slots__ = ("alone", "bits", "entries", "gap", "run", "short_firsts", "trie")

    def __init__(self, trie: dict, short_firsts: frozenset[str] = frozenset()) -> None:
        self.trie = trie
        self.short_firsts = short_firsts  # first words of the registry people's short forms
        self.bits = Memo(partial(word_bits, trie, short_firsts))  # matching form -> START, SHORT, cues
        self.entries = Memo(partial(_entries, trie))  # matching form -> where its stems enter the trie
        self.alone = Memo(partial(_alone, self.entries))  # matching form -> its match when no walk is needed
        self.gap = Memo(gap_bits)  # text around words -> HARD | QUOTED | COMMA
        self.run = Memo(partial(_run_unit, self.bits, self.gap))  # run between spaces -> its Unit, or None

    def __reduce__(self):
        return (Vocabulary, (self.trie, self.short_firsts))


class Tokens:
    """The words of a run of texts (an article's title, then its paragraphs), each once.

    A text is split on spaces (a fast C loop) and each run between spaces is
    looked up in the `Vocabulary`, which split it with the word regular
    expression the first time the build met it: almost every run is one word
    with its punctuation, a `Unit`. A text with a run that is not (two words
    joined by a hyphen, a lone dash, two spaces) is split word by word
    instead, with the whole text between words in `lead`. `units` run over all
    the texts and `bounds[t]` is the index of text t's first word, so no match
    or rule reaches past the end of its own text.
    """

    __slots__ = ("bounds", "first", "marked", "n", "seps", "texts", "total", "units", "vocab")

    def __init__(self, texts: Sequence[str], vocab: Vocabulary, first: int = 0) -> None:
        self.texts = texts
        self.seps = [" "] * len(texts)  # what joins one unit to the next in each text
        units: list[Unit] = []
        bounds = [0]
        run = vocab.run.__getitem__
        for text in texts:
            units += map(run, text.split(" "))
            bounds.append(len(units))
        if not all(units):  # rare: a text has a run that is not one word (checked once for all texts)
            units, bounds = [], [0]
            for t, text in enumerate(texts):
                runs = list(map(run, text.split(" ")))
                if not all(runs):
                    runs = _word_by_word(text, vocab)
                    self.seps[t] = ""
                units += runs
                bounds.append(len(units))
        self.units, self.bounds, self.n = units, bounds, len(units)
        # The few words that can start a registry name or cue a discovery rule, found in C.
        self.marked = list(compress(range(self.n), map(_GET_BITS, units)))
        self.first = first  # paragraph index of texts[0]: -1 when it is the title
        self.total: list[int] | None = None  # running total of the units' sizes, for `spans`
        self.vocab = vocab

    def terms(self) -> Counter[str]:
        """Related-articles term counts of all the texts."""
        counts = Counter(map(_GET_TERM, self.units))
        counts.pop(None, None)
        return counts

    def text_of(self, k: int) -> int:
        """Index (into the texts) of the text word k belongs to."""
        return bisect_right(self.bounds, k) - 1

    def gap_bits(self, first: int, stop: int) -> int:
        """HARD, QUOTED, COMMA of the text before words first…stop-1 (of one text), together."""
        units, bits = self.units, 0
        for k in range(first, stop):
            bits |= units[k - 1][_TAIL_BITS] | units[k][_LEAD_BITS]
        return bits

    def hard(self, k: int) -> int:
        return (self.units[k - 1][_TAIL_BITS] | self.units[k][_LEAD_BITS]) & HARD

    def gap(self, k: int) -> str:
        """The text between word k-1 and word k (of the same text)."""
        return self.units[k - 1].tail + self.seps[self.text_of(k)] + self.units[k].lead

    def after(self, k: int) -> str:
        """The character right after word k ("" at the end of its text)."""
        t = self.text_of(k)
        unit = self.units[k]
        if k + 1 < self.bounds[t + 1]:
            return (unit.tail + self.seps[t] + self.units[k + 1].lead)[:1]
        return unit.tail[:1]

    def spans(self, names: Iterable[tuple[int, int, int]]) -> Iterator[tuple[int, int, int]]:
        """(paragraph, start, end) of each (first word, last word, characters peeled off the first), in reading order.

        Offsets come from the running total of the units' sizes over all the
        texts (one `accumulate` in C, made when first asked): the unit of word
        k of a text whose first word is b starts at total[k] - total[b] plus
        k - b separators, so a name costs a few lookups however far into its
        text it is.
        """
        total = self.total
        if total is None:
            total = self.total = list(accumulate(map(_GET_SIZE, self.units), initial=0))
        units, bounds = self.units, self.bounds
        b = hi = 0
        for first, last, peeled in names:
            if not b <= first < hi:  # another text
                t = bisect_right(bounds, first) - 1
                b, hi, sep = bounds[t], bounds[t + 1], len(self.seps[t])
                base = total[b] + b * sep  # so that word k's unit starts at total[k] + k * sep - base
            unit = units[first]
            start = total[first] + first * sep - base
            end = (start if last == first else total[last] + last * sep - base) + units[last][_END]
            start += unit[_START] + _peel(unit[_WORD], peeled) if peeled else unit[_START]
            yield t + self.first, start, end


def _word_by_word(text: str, vocab: Vocabulary) -> list[Unit]:
    """Units of a text whose runs are not all single words: each holds the whole text before its word."""
    parts = _SPLIT.split(text)
    last = len(parts) // 2 - 1
    return [
        _unit(vocab.bits, vocab.gap, parts[2 * q], parts[2 * q + 1], parts[-1] if q == last else "")
        for q in range(last + 1)
    ]


# ---------------------------------------------------------------- the trie

END = "\0"


@dataclass(frozen=True)
class Matcher:
    """Registry names as a trie over token keys, plus what each entity vetoes."""

    trie: dict
    entities: dict[str, Entity]
    not_after: dict[str, frozenset[str]]
    fingerprint: str = ""  # hash of what matching reads from the registry: keys the analysis cache
    vocab: Vocabulary = field(init=False, compare=False, repr=False)  # per-word memo for this trie
    short_forms: Memo = field(init=False, compare=False, repr=False)  # entity id -> its people's short forms

    def __post_init__(self) -> None:
        short_forms = Memo(partial(_registry_short_forms, self.entities, self.trie))
        short_firsts = frozenset(short[0] for entity_id in self.entities for short in short_forms[entity_id])
        object.__setattr__(self, "short_forms", short_forms)
        object.__setattr__(self, "vocab", Vocabulary(self.trie, short_firsts))


def _registry_short_forms(entities: Mapping[str, Entity], trie: dict, entity_id: str) -> tuple[tuple[str, ...], ...]:
    """How an article names a registry person a second time, unless that is a registry name itself."""
    entity = entities[entity_id]
    if entity.type != "person":
        return ()
    shorts = (short_form(name) for name in entity.names)
    return tuple(short for short in shorts if short and _trie_get(trie, short) is None)


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


class Hit(NamedTuple):
    """A name matched in `Tokens`: its words [first, last], and where it is in which paragraph."""

    first: int
    last: int
    paragraph: int
    start: int  # offsets into the paragraph
    end: int
    entity_id: str


_hit = partial(tuple.__new__, Hit)  # a Hit without the Python-level __new__: one per name in the archive
_PLACE = itemgetter(2, 3, 4, 5)  # (paragraph, start, end, entity id)
_ENTITY_ID = itemgetter(5)


def match_tokens(
    tokens: Tokens, trie: dict, vetoes: Mapping[str, frozenset[str]], taken: bytearray | None = None
) -> list[Hit]:
    """Non-overlapping matches, longest first; only a name's first word may carry clitics.

    The matched words are marked in `taken` (given all clear, or made here).
    """
    vocab, units, bounds = tokens.vocab, tokens.units, tokens.bounds
    # Most words start no name: the few that do, by one memo or set test per word, in C.
    if trie is vocab.trie:
        starters = [i for i in tokens.marked if units[i][_BITS] & START]
        entries, alone = vocab.entries, vocab.alone
    else:
        first_keys = [k for k in trie if k != END]
        firsts = frozenset().union(*map(keys_with_stem, first_keys))
        if vocab.short_firsts.issuperset(first_keys):  # registry short forms only: their words are marked
            starters = [i for i in tokens.marked if units[i][_BITS] & SHORT and units[i][_KEY] in firsts]
        else:
            starters = list(compress(range(tokens.n), map(firsts.__contains__, map(_GET_KEY, units))))
        entries = Memo(partial(_entries, trie))
        alone = Memo(partial(_alone, entries))
    found: list[tuple[int, int, int, str]] = []  # (-length, first, peeled, id)
    b = hi = 0
    for i in starters:
        if i >= hi:  # the starters run in order: move on to i's text
            t = bisect_right(bounds, i) - 1
            b, hi = bounds[t], bounds[t + 1]
        key = units[i][_KEY]
        fixed = alone[key]
        if fixed:
            best = i
            best_peeled, best_id = fixed
        elif fixed is not None:
            continue  # a common word that begins only longer names
        else:
            best = -1  # the longest name's last word, how much of the first word was peeled, its entity
            for node, peeled in entries[key]:
                j = last = i
                entity_id = node.get(END)
                while j + 1 < hi:
                    nxt = node.get(units[j + 1][_KEY])
                    if nxt is None or units[j][_TAIL_BITS] | units[j + 1][_LEAD_BITS]:  # a boundary or quote mark
                        break
                    node, j = nxt, j + 1
                    if END in node:
                        last, entity_id = j, node[END]
                if entity_id is not None and last > best:
                    best, best_peeled, best_id = last, peeled, entity_id
            if best < 0 or (best == i and key in NEVER_MATCH):
                continue  # a common word may begin a longer name («جنوب السودان»), never be one
        veto = vetoes.get(best_id)
        if veto and best_peeled == 0 and i > b and units[i - 1][_KEY] in veto and not tokens.hard(i):
            continue
        found.append((i - best - 1, i, best_peeled, best_id))
    if not found:
        return []
    found.sort()
    taken = bytearray(tokens.n) if taken is None else taken
    kept = []
    for neg_len, first, peeled, entity_id in found:
        last = first - neg_len - 1
        if first == last:
            if taken[first]:
                continue
            taken[first] = 1
        else:
            if any(taken[first : last + 1]):
                continue
            taken[first : last + 1] = b"\1" * (last - first + 1)
        kept.append((first, last, peeled, entity_id))
    kept.sort()
    places = tokens.spans((first, last, peeled) for first, last, peeled, _ in kept)
    return [
        _hit((first, last, *place, entity_id)) for (first, last, _, entity_id), place in zip(kept, places, strict=True)
    ]


# ---------------------------------------------------------------- discovery


class Found(NamedTuple):
    """A name the rules found in the text, before it becomes an entity."""

    type: EntityType
    name: str  # as written in the text, the head word added where it belongs to the name
    paragraph: int
    start: int  # offsets into the paragraph
    end: int
    rule: str


@lru_cache(maxsize=131072)
def _plain(key: str) -> str:
    """The word without و/ف: how heads and cues are compared."""
    return key[1:] if key[:1] in ("و", "ف") and len(key) > 2 else key


def _head_key(key: str, heads: frozenset[str]) -> bool:
    return any(stem in heads for stem, _ in stems(key))


_TITLE_WORDS = TITLE_COMPLEMENTS | TITLE_HEADS
_ALL_PLACE_HEADS = PLACE_HEADS | PLACE_HEADS_DUAL


@lru_cache(maxsize=131072)
def _title_word(key: str) -> bool:
    return key.startswith(ARTICLE) or key == "في" or any(stem in _TITLE_WORDS for stem, _ in stems(key))


@lru_cache(maxsize=131072)
def common_word(key: str) -> bool:
    """Whether a word is common news vocabulary (`COMMON_WORDS`), with its clitics: never part of a name.

    و/ف come off any word (وأعلن، فقال) but ب/ل/ك only off a word with the
    article (بالسوق، للتقرير): peeled from any word they would turn names
    into common words («كمال» is not ك + «مال»).
    """
    plain = key[1:] if key[:1] in PROCLITIC_CONJ and len(key) > 3 else key
    for word in (key, plain):
        if word in COMMON_WORDS:
            return True
        if word.startswith("لل") and ARTICLE + word[2:] in COMMON_WORDS:
            return True
        if word[:1] in PROCLITIC_PREP and word[1:3] == ARTICLE and word[1:] in COMMON_WORDS:
            return True
    return False


@lru_cache(maxsize=131072)
def _name_word(key: str, first: bool) -> bool:
    if not key or key in STOPWORDS or key in NEVER_MATCH or key.isdigit() or len(key) < 2:
        return False
    if not all("\u0621" <= ch <= "\u064a" for ch in key) or common_word(key):
        return False
    return not (first and key.startswith(ARTICLE))


@lru_cache(maxsize=131072)
def _particle_word(key: str) -> bool:
    """The word after a name particle: part of the name whatever else it spells.

    «أبي طالب» (he demanded), «ولد الشيخ» (a title), «بن علي» (علي is على,
    on, in matching form): Arabic names are built this way, and a particle
    inside a run that already follows a cue is no preposition or noun.
    """
    return len(key) >= 2 and all("\u0621" <= ch <= "\u064a" for ch in key)


class _Text(NamedTuple):
    """One paragraph as the discovery rules see it: its words end before the article's word `hi`."""

    paragraph: int
    text: str
    hi: int
    units: list[Unit]
    tokens: Tokens


def _name_run(x: _Text, j: int, taken: bytearray, allow_comma_start: bool) -> int | None:
    """Index of the last word of a 2–4 word name starting at j that ends at a clause boundary."""
    hi = x.hi
    if j >= hi or taken[j] or (x.tokens.hard(j) and not allow_comma_start):
        return None
    if x.tokens.hard(j) and x.tokens.gap(j).strip() not in ("،", ","):
        return None
    if not _name_word(x.units[j][_KEY], True):
        return None
    k = j
    while k + 1 < hi and not x.tokens.hard(k + 1) and not taken[k + 1] and k - j + 1 < NAME_MAX_WORDS + 1:
        key = x.units[k + 1][_KEY]
        if not (_name_word(key, False) or (x.units[k][_KEY] in NAME_PARTICLES and _particle_word(key))):
            return None
        k += 1
    size = k - j + 1
    if not NAME_MIN_WORDS <= size <= NAME_MAX_WORDS:
        return None
    if any(not TANWEEN.isdisjoint(u[_WORD]) for u in x.units[j : k + 1]):
        return None  # «تفصيلًا جديدًا»: tanween marks an indefinite noun or adjective, never a name
    if k + 1 < hi and not x.tokens.hard(k + 1):
        return None  # the run goes on: not a name that ends where names end
    if x.tokens.gap_bits(j + 1, k + 1) & QUOTED:
        return None  # a quote mark inside: not one name
    return k


def discover(tokens: Tokens, used: bytearray) -> list[tuple[int, int, Found]]:
    """(first word, last word, name) the rules find in the paragraphs, outside the words `used` marks.

    The title has no discovery. `used` starts as the registry matches and
    gains each name found, so later rules never take its words again.
    """
    found: list[tuple[int, int, Found]] = []
    units, bounds = tokens.units, tokens.bounds

    def add(x: _Text, kind: EntityType, first: int, last: int, rule: str, head: int | None = None) -> None:
        ((_, start, end),) = tokens.spans([(first, last, 0)])
        name = " ".join(x.text[start:end].split())
        if head is not None and _plain(units[head][_KEY]) in HEAD_IN_NAME:
            peeled = next(p for s, p in stems(units[head][_KEY]) if s in ORG_HEADS)
            ((_, head_start, head_end),) = tokens.spans([(head, head, peeled)])
            name = x.text[head_start:head_end] + " " + name
        used[first : last + 1] = b"\1" * (last - first + 1)
        found.append((first, last, Found(kind, name, x.paragraph, start, end, rule)))

    body = bounds[max(0, -tokens.first)]  # the first paragraph's first word
    x = _Text(0, "", 0, units, tokens)
    for i in tokens.marked:
        cue = units[i][_BITS] & CUES
        if not cue or used[i] or i < body:
            continue
        if i >= x.hi:  # the cues run in order: move on to i's text
            t = bisect_right(bounds, i) - 1
            x = _Text(t + tokens.first, tokens.texts[t], bounds[t + 1], units, tokens)
        hi = x.hi
        # Title, its complement, then the name: «نائب وزير الخارجية الأميركي كريستوفر لانداو،».
        if cue & CUE_TITLE:
            j = i + 1
            while j < hi and not tokens.hard(j) and (used[j] or _title_word(units[j][_KEY])):
                j += 1
            # «الرئيس دونالد ترامب، ومسؤولون»: the title already has its (registered) name.
            after_name = j > i + 1 and used[j - 1] and j < hi and tokens.hard(j)
            last = None if after_name else _name_run(x, j, used, allow_comma_start=j > i + 1)
            if last is not None:
                add(x, "person", j, last, "title")
                continue
        # Speech verb, name, comma, role: «وقال موسى آغ أشاراتومان، عضو …». The comma after a
        # 2–4 word name is looked for first: most speech verbs are followed by no name.
        if cue & CUE_SPEECH and tokens.gap_bits(i + 3, min(i + 6, hi)) & COMMA:
            last = _name_run(x, i + 1, used, allow_comma_start=False)
            if (
                last is not None
                and last + 1 < hi
                and tokens.gap(last + 1).strip() in ("،", ",")
                and (units[last + 1][_KEY] in ROLE_AFTER or _plain(units[last + 1][_KEY]) in ROLE_AFTER)
            ):
                add(x, "person", i + 1, last, "speech")
                continue
        # Organisation head and a quoted name: «وكالة «أسوشييتد برس»».
        if cue & CUE_ORG and i + 1 < hi and not tokens.hard(i + 1) and not QUOTE_OPEN.isdisjoint(tokens.gap(i + 1)):
            k = i + 1
            while k + 1 < hi and not tokens.hard(k + 1) and _QUOTES.isdisjoint(tokens.gap(k + 1)):
                k += 1
            inner = [u.key for u in units[i + 1 : k + 1]]
            if (
                k - i <= ORG_MAX_WORDS
                and tokens.after(k) in QUOTE_CLOSE
                and not any(used[i + 1 : k + 1])
                and not any(key in STOPWORDS or key in NEVER_MATCH for key in inner)
                and not (len(inner) == 1 and (inner[0].isdigit() or len(inner[0]) < 3))
            ):
                add(x, "organisation", i + 1, k, "org-quoted", head=i)
                continue
        # Place head and one name word: «قرية دوما»، «بمنطقة فاسكاري».
        if cue & CUE_PLACE and i + 1 < hi and not tokens.hard(i + 1):
            j = i + 1
            if _place_word(x, j, used) and _place_ends(x, j + 1, used):
                add(x, "place", j, j, "place-head")
                continue
        # Dual place head: «مدينتي غوما وبوكافو»، «منطقتي: وورو، ونوكو».
        if cue & CUE_DUAL and i + 2 < hi:
            j = i + 1
            if tokens.gap(j).strip() not in ("", ":"):
                continue
            second = j + 1
            if (
                _place_word(x, j, used, first_gap_ok=True)
                and units[second][_KEY].startswith("و")
                and tokens.gap(second).strip() in ("", "،", ",")
                and _place_word(x, second, used, first_gap_ok=True, drop_conj=True)
                and _place_ends(x, j + 2, used)
            ):
                add(x, "place", j, j, "place-dual")
                ((_, start, end),) = tokens.spans([(second, second, 0)])
                start += 1
                used[second] = 1
                found.append((second, second, Found("place", x.text[start:end], x.paragraph, start, end, "place-dual")))
    return found


@lru_cache(maxsize=131072)
def _place_key(key: str) -> bool:
    if len(key) < 3 or key.startswith(ARTICLE) or key in STOPWORDS or key in NEVER_MATCH or common_word(key):
        return False
    if key.endswith("يه") or key.endswith("يين") or (key.endswith("ين") and len(key) > 5):
        return False  # adjectives and plurals: «مدينة استراتيجية»
    return all("\u0621" <= ch <= "\u064a" for ch in key) and key not in WEEKDAYS and key not in MONTHS


def _place_word(x: _Text, j: int, used: bytearray, first_gap_ok: bool = False, drop_conj: bool = False) -> bool:
    if j >= x.hi or used[j] or (x.tokens.hard(j) and not first_gap_ok):
        return False
    key = x.units[j][_KEY]
    return _place_key(key[1:] if drop_conj else key) and TANWEEN.isdisjoint(x.units[j][_WORD])


def _place_ends(x: _Text, j: int, used: bytearray) -> bool:
    """The place name is one word: what follows must not continue it."""
    if j >= x.hi or x.tokens.hard(j) or used[j]:
        return True
    key = x.units[j][_KEY]
    return key in STOPWORDS or _plain(key) in STOPWORDS or key.startswith(ARTICLE) or _head_key(key, _ALL_PLACE_HEADS)


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


class ArticleAnalysis(NamedTuple):
    """Everything the entity stage learns from one article, before ids are final (a tuple: cached, kept for all)."""

    article_id: str
    hits: tuple[tuple[int, int, int, str], ...]  # (paragraph, start, end, entity id); paragraph -1 = title
    found: tuple[Found, ...]
    again: tuple[tuple[int, int, int, str], ...]  # (paragraph, start, end, form): discovered names named again
    terms: PackedTerms  # distinct words and their counts, for related articles


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
    tokens = Tokens((article.title, *article.paragraphs), matcher.vocab, first=-1)
    used = bytearray(tokens.n)  # the words of the names found so far
    hits = match_tokens(tokens, matcher.trie, matcher.not_after, used)
    found = discover(tokens, used)
    terms = tokens.terms()
    # Second pass: names found in this article, everywhere in it (discovered names
    # and people's short forms), in the words the first pass left free. A discovered
    # name's value in the trie is its form in a 1-tuple, which no registry id is:
    # `link_entities` gives it its id once all articles are analysed.
    local: dict = {}
    for _, _, f in found:
        form = (form_of(f.name),)
        _trie_add(local, name_keys(f.name), form)
        if f.type == "person":
            short = short_form(f.name)
            if short:
                _trie_add(local, short, form)
    for entity_id in dict.fromkeys(map(_ENTITY_ID, hits)):
        for short in matcher.short_forms[entity_id]:
            _trie_add(local, short, entity_id)
    again = []
    if local:
        for h in match_tokens(tokens, local, {}):
            if not any(used[h.first : h.last + 1]):
                if type(h.entity_id) is tuple:
                    again.append((h.paragraph, h.start, h.end, h.entity_id[0]))
                else:
                    hits.append(h)
    return ArticleAnalysis(
        article.id,
        tuple(map(_PLACE, hits)),
        tuple(f for _, _, f in found),
        tuple(again),
        pack_terms(terms),
    )


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
    strings: dict[str, str] = {}  # one object per distinct word or id across all cached seeds
    for indices in groups.values():
        key = _analysis_key(version, matcher, [articles[i] for i in indices]) if cache_dir else None
        hit = _cache_get(cache_dir, key, AnalysedSeed) if cache_dir and key else None
        if hit is not None and len(hit.analyses) == len(indices):
            for i, analysis in zip(indices, hit.analyses, strict=True):
                out[i] = _shared(analysis, strings)
        else:
            todo.append((indices, key))
    batches = [[articles[i] for i in indices] for indices, _ in todo]
    jobs = jobs or 1  # as `build.read_seeds`: one process unless asked
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


def _shared(analysis: ArticleAnalysis, strings: dict[str, str]) -> ArticleAnalysis:
    """The analysis with its words and entity ids as one object each, as a fresh analysis has them.

    Each seed's cache entry is unpickled on its own, so its copy of a word
    (every article's term list) or of an entity id is a new string; at 20,000
    articles those copies weighed more than everything else a warm build holds.
    A fresh analysis shares them through `term_of`'s and the matcher's objects.
    """
    share = strings.setdefault
    words, counts = analysis.terms
    hits = tuple([(p, start, end, share(eid, eid)) for p, start, end, eid in analysis.hits])
    return analysis._replace(hits=hits, terms=(tuple(map(share, words, words)), counts))


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
    by_form: dict[str, list[tuple[str, Found]]] = defaultdict(list)
    for article, analysis in zip(articles, analyses, strict=True):
        for f in analysis.found:
            by_form[form_of(f.name)].append((article.id, f))
    discovered: dict[str, Entity] = {}
    contexts: dict[str, tuple[tuple[str, int, str], ...]] = {}
    form_to_id: dict[str, str] = {}
    for form in sorted(by_form):
        items = by_form[form]
        types = Counter(f.type for _, f in items)
        kind = min(types, key=lambda t: (-types[t], TYPE_ORDER[t]))
        names = Counter(f.name for _, f in items)
        name = min(names, key=lambda s: (-names[s], s))
        entity_id = discovered_id(name)
        if entity_id in matcher.entities:
            form_to_id[form] = entity_id  # pasted into the registry under the proposed id
            continue
        discovered[entity_id] = Entity(id=entity_id, type=kind, name=name, discovered=True)
        form_to_id[form] = entity_id
        contexts[entity_id] = tuple((a, f.paragraph, f.rule) for a, f in items)
    all_entities = {**matcher.entities, **discovered}
    linked: list[Article] = []
    mentions_of: dict[str, list[str]] = defaultdict(list)
    for article, analysis in zip(articles, analyses, strict=True):
        texts = (article.title, *article.paragraphs)  # paragraph p is texts[p + 1]
        places = [(f.paragraph, f.start, f.end, form_to_id[form_of(f.name)]) for f in analysis.found]
        places += analysis.hits
        places += [(p, start, end, form_to_id[form]) for p, start, end, form in analysis.again]
        # In reading order (no two mentions start at one place), so each entity's mentions come
        # out ordered and the entities in the order of their first mention.
        places.sort()
        mentions: dict[str, list[Mention]] = {}
        for p, start, end, entity_id in places:
            mention = Mention(texts[p + 1][start:end], p, start, end)
            if entity_id in mentions:
                mentions[entity_id].append(mention)
            else:
                mentions[entity_id] = [mention]
                mentions_of[entity_id].append(article.id)
        items = []
        for entity_id, ms in mentions.items():
            entity = all_entities[entity_id]
            items.append(ArticleEntity(entity_id, entity.name, entity.type, tuple(ms)))
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
