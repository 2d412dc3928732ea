"""Related articles: shared entities weighted by rarity, plus text similarity.

score(a, b) = Σ idf(e) over shared entities + TEXT_WEIGHT · cosine(a, b),
with cosine over each article's `TERMS_PER_ARTICLE` heaviest tf-idf terms.

Comparing every pair costs N², and so does walking whole posting lists: a
country or a word in a tenth of the archive has a list that grows with N.
So the work per article is bounded by constants, and spent where the exact
ranking is most likely to be:

1. Potential. An article's potential is its score against a copy of itself,
   counting only the features (entities, terms) some other article has. The
   articles with many rare features score high against anybody: in the
   exact ranking they are the usual winners.
2. Candidates. Every feature keeps a posting list of its `POSTING_CAP`
   articles of highest potential (ties by id): a rare feature's list is
   whole, a common one offers the articles with most to share. An article
   adds up each feature's share of the score over all its features' lists,
   for a block of articles at a time in one sparse matrix product (C loops;
   the same walk in Python cost about a microsecond per posting entry).
3. Exact scores. The `CANDIDATES` best of those partial sums get back what
   the caps left out (their shares of the common features they were not
   listed under), which makes them exact, and the `TOP_K` best are kept,
   ties by id.

The work per article is at most its number of features times POSTING_CAP,
whatever N. Ordering the capped lists by potential, rather than by how often
an article names the entity, is what brings the result close to the exact
all-pairs ranking even on synthetic archives whose entities are drawn at
random (agreement figures in the README).

Scores are integers in units of 2^-(2·WEIGHT_BITS) of score/TEXT_WEIGHT: idf
is rounded to that unit and vector weights to its square root, so each of
the cosine's products lands on it too. Integer sums are exact in any order, so
numpy and scipy give the same ranking on every machine, and equal scores are
really equal and fall back to id order.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, count
from operator import attrgetter

import numpy as np
from scipy import sparse

from .model import Article

TOP_K = 5
TERMS_PER_ARTICLE = 40
POSTING_CAP = 128  # entries a feature offers as candidates (highest potential first): bounds the walk per article
CANDIDATES = 64  # partial-score leaders scored exactly
TEXT_WEIGHT = 2.0
MIN_SCORE = 0.5  # below this the articles share only common words
COUNT_MAX = 255  # term counts are stored in one byte each
WEIGHT_BITS = 22  # weights in multiples of 2^-22, scores of 2^-44: int64 holds 80,000 shared entities at 10^6 articles
BLOCK_CELLS = 1 << 22  # bounds the dense block of asking weights (articles × features whose lists were cut): 32 MB

# An article's words as the entity stage hands them over: the distinct terms
# joined by spaces and their counts as bytes (capped at COUNT_MAX), a tenth of
# the memory of a Counter, and cheap to pickle into the analysis cache.
PackedTerms = tuple[str, bytes]
# An article's text vector: its heaviest terms and their weights (unit length).
TermVector = dict[str, float]

_ENTITY_ID = attrgetter("entity_id")
_UNIT = float(1 << (2 * WEIGHT_BITS))  # score/TEXT_WEIGHT of 1, in integer units


def pack_terms(counts: Mapping[str, int]) -> PackedTerms:
    keys = sorted(counts)
    values = list(map(counts.__getitem__, keys))
    if values and max(values) > COUNT_MAX:
        values = [min(c, COUNT_MAX) for c in values]
    return " ".join(keys), bytes(values)


def _unpack(packed: PackedTerms | Mapping[str, int]) -> tuple[list[str], Sequence[int]]:
    """Words in sorted order (a word's place in its list breaks ties between equal weights) and counts."""
    if isinstance(packed, tuple):
        text, counts = packed
        return text.split(), counts
    words = sorted(packed)
    return words, [min(max(packed[t], 0), COUNT_MAX) for t in words]  # as pack_terms stores them


def _idf(df: int, n: int) -> float:
    return math.log((n + 1) / df)


def term_vectors(
    terms: Mapping[str, PackedTerms | Mapping[str, int]], per_article: int = TERMS_PER_ARTICLE
) -> dict[str, TermVector]:
    """Each article's `per_article` heaviest tf-idf terms, normalised; words in one article only are left out.

    One pass numbers the words (`dict.setdefault` with a running count, a C
    loop: a word's number is where it was first seen) and every step after
    that is an array operation over all articles' words at once. Each vector's
    words are the numbering's own string objects, one copy of each word
    however many articles keep it. Weights, squares and the sequential sum of
    the norm are the same floating-point operations, in the same order, as
    `tf * idf` and `sum(w * w ...)` in Python: the vectors are bit for bit those.
    """
    ids = list(terms)
    numbers: dict[str, int] = {}
    first_seen = count()
    word_parts: list[np.ndarray] = []
    count_parts: list[bytes | np.ndarray] = []
    for packed in terms.values():
        words, counts = _unpack(packed)
        word_parts.append(np.fromiter(map(numbers.setdefault, words, first_seen), np.int64, len(words)))
        count_parts.append(counts if isinstance(counts, bytes) else bytes(counts))
    sizes = np.fromiter(map(len, word_parts), np.int64, len(word_parts))
    # Renumber 0.. in order of first sight, which is the order of `numbers` and of `vocabulary`.
    dense = np.zeros(next(first_seen), np.int64)
    dense[np.fromiter(numbers.values(), np.int64, len(numbers))] = np.arange(len(numbers))
    word = dense[np.concatenate([np.zeros(0, np.int64), *word_parts])]
    del word_parts, dense
    vocabulary = list(numbers)
    del numbers
    counts = np.frombuffer(b"".join(count_parts), np.uint8)
    article = np.repeat(np.arange(len(ids)), sizes)
    place = np.arange(len(word)) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # in the article's sorted words
    df = np.bincount(word, minlength=len(vocabulary))
    n = len(terms)
    idf = np.zeros(len(df) and int(df.max()) + 1)
    for d in np.unique(df).tolist():
        if d > 1:
            idf[d] = _idf(d, n)
    tf = np.array([1 + math.log(c) if c > 0 else -1.0 for c in range(COUNT_MAX + 1)])
    weights = tf[counts] * idf[df[word]]
    keep = weights > 0  # counted words in more than one article
    article, word, place, weights = article[keep], word[keep], place[keep], weights[keep]
    # By article, heaviest first, equal weights by word, larger first: sorting (weight, word) pairs in reverse.
    order = np.lexsort((-place, -weights, article))
    article, word, weights = article[order], word[order], weights[order]
    starts = np.searchsorted(article, np.arange(len(ids) + 1))
    rank = np.arange(len(article)) - starts[article]
    top = rank < per_article
    article, word, weights, rank = article[top], word[top], weights[top], rank[top]
    squares = np.zeros((len(ids), max(per_article, 1)))
    squares[article, rank] = weights * weights
    norms = np.sqrt(np.cumsum(squares, axis=1)[:, -1])  # left to right, as `sum` adds them
    norms[norms == 0] = 1.0
    unit = (weights / norms[article]).tolist()
    names = list(map(vocabulary.__getitem__, word.tolist()))
    bounds = np.searchsorted(article, np.arange(len(ids) + 1)).tolist()
    return {
        aid: dict(zip(names[bounds[k] : bounds[k + 1]], unit[bounds[k] : bounds[k + 1]], strict=True))
        for k, aid in enumerate(ids)
    }


def _features(
    ids: Sequence[str], entity_sets: Mapping[str, Collection[str]], vectors: Mapping[str, TermVector]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Every (article, feature) whose feature another article has: article, feature, asking and listed weights.

    Entities and terms are numbered in one space. Asking, an article gives an
    entity idf/TEXT_WEIGHT and a term its vector weight; listed, it gives an
    entity 1 and a term its vector weight: the products summed over the
    shared features are score/TEXT_WEIGHT.
    """
    n = len(ids)
    ents = [entity_sets[a] for a in ids]
    vecs = [vectors.get(a) or {} for a in ids]
    ent_flat = list(chain.from_iterable(ents))
    term_flat = list(chain.from_iterable(vecs))
    ent_index = {e: i for i, e in enumerate(dict.fromkeys(ent_flat))}
    term_index = {t: i for i, t in enumerate(dict.fromkeys(term_flat), len(ent_index))}
    n_features = len(ent_index) + len(term_index)
    article = np.arange(n, dtype=np.int64)
    rows = np.concatenate([np.repeat(article, list(map(len, ents))), np.repeat(article, list(map(len, vecs)))])
    cols = np.array([*map(ent_index.__getitem__, ent_flat), *map(term_index.__getitem__, term_flat)], np.int64)
    df = np.bincount(cols, minlength=n_features)
    idf = np.zeros(n + 1, np.int64)  # by document frequency: one logarithm per distinct value
    for d in np.unique(df[: len(ent_index)]).tolist():
        idf[d] = round(_idf(d, n) / TEXT_WEIGHT * _UNIT)
    weights = np.array(list(chain.from_iterable(map(dict.values, vecs))), np.float64)
    term_weights = np.rint(weights * float(1 << WEIGHT_BITS)).astype(np.int64)
    asking = np.concatenate([idf[df[cols[: len(ent_flat)]]], term_weights])
    listed = np.concatenate([np.ones(len(ent_flat), np.int64), term_weights])
    shared = df[cols] > 1
    return rows[shared], cols[shared], asking[shared], listed[shared], n_features


def _csr(data: np.ndarray, indices: np.ndarray, by: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """A CSR matrix of entries already in the order of their rows `by`."""
    indptr = np.zeros(shape[0] + 1, np.int64)
    np.cumsum(np.bincount(by, minlength=shape[0]), out=indptr[1:])
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


@dataclass(frozen=True)
class _Index:
    """Who asks for what, what each feature offers, and what the caps left out."""

    asks: sparse.csr_matrix  # article × feature: the asking weights
    offers: sparse.csr_matrix  # feature × article: the listed weights of the first POSTING_CAP of each list
    left_out: sparse.csr_matrix  # article × cut feature: the listed weights past the caps
    asks_cut: sparse.csr_matrix  # article × cut feature: the asking weights of the features whose lists were cut


def _index(ids: Sequence[str], entity_sets: Mapping[str, Collection[str]], vectors: Mapping[str, TermVector]) -> _Index:
    """The posting lists, ordered by potential and cut at POSTING_CAP, as sparse matrices."""
    n = len(ids)
    rows, cols, asking, listed, n_features = _features(ids, entity_sets, vectors)
    potential = np.zeros(n, np.int64)
    np.add.at(potential, rows, asking * listed)
    rank = np.empty(n, np.int64)
    rank[np.lexsort((np.arange(n), -potential))] = np.arange(n)
    # By feature, highest potential first, ties by id: the first POSTING_CAP of each list are offered.
    order = np.argsort(cols * n + rank[rows])
    rows, cols, asking, listed = rows[order], cols[order], asking[order], listed[order]
    feature_start = np.zeros(n_features + 1, np.int64)
    np.cumsum(np.bincount(cols, minlength=n_features), out=feature_start[1:])
    offered = np.arange(len(order)) - feature_start[cols] < POSTING_CAP
    asks = sparse.csr_matrix((asking, (rows, cols)), shape=(n, n_features))
    # The entries past the caps, article by article, over the features whose lists were cut (renumbered 0..).
    cut = np.unique(cols[~offered])
    cut_index = np.full(n_features, -1, np.int64)
    cut_index[cut] = np.arange(len(cut))
    by_article = np.argsort(rows[~offered], kind="stable")
    left_rows, left_cols, left_listed = (x[~offered][by_article] for x in (rows, cols, listed))
    return _Index(
        asks=asks,
        offers=_csr(listed[offered], rows[offered], cols[offered], (n_features, n)),
        left_out=_csr(left_listed, cut_index[left_cols], left_rows, (n, len(cut))),
        asks_cut=asks[:, cut].tocsr(),
    )


def _leaders(block: sparse.csr_matrix, first: int, k: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's `k` highest partial sums, the article itself left out: (row, other, partial sum).

    Equal sums go to the lowest id, through a key that packs sum and id into
    one integer (the sum's lowest bits dropped if both do not fit, far below
    any real difference): the chosen set is the same whatever order the
    product listed them in.
    """
    ptr, sums = block.indptr, block.data
    sizes = np.diff(ptr)
    id_bits = max(1, (n - 1).bit_length())
    key = sums >> max(0, int(sums.max(initial=0)).bit_length() - (62 - id_bits))
    key <<= id_bits
    key |= (1 << id_bits) - 1 - block.indices
    threshold = np.zeros(len(sizes), np.int64)
    for r in np.flatnonzero(sizes > k + 1).tolist():  # k + 1: the article itself is usually among them
        keys = key[ptr[r] : ptr[r + 1]]
        threshold[r] = np.partition(keys, len(keys) - k - 1)[len(keys) - k - 1]
    chosen = np.flatnonzero(key >= np.repeat(threshold, sizes))
    row = np.searchsorted(ptr, chosen, side="right") - 1
    other = block.indices[chosen].astype(np.int64)
    mine = other != first + row
    return row[mine], other[mine], sums[chosen[mine]]


def _add_left_out(p: _Index, lo: int, hi: int, row: np.ndarray, other: np.ndarray, score: np.ndarray) -> None:
    """Add to each candidate's partial sum its shares of the features whose lists it was cut from."""
    left = p.left_out
    start, count = left.indptr[other], left.indptr[other + 1] - left.indptr[other]
    pair = np.repeat(np.arange(len(other)), count)
    entry = np.repeat(start - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    asking = p.asks_cut[lo:hi].toarray()  # dense: one lookup per (candidate, left-out feature)
    np.add.at(score, pair, asking[row[pair], left.indices[entry]] * left.data[entry])


def related_scores(
    entity_sets: Mapping[str, Collection[str]],
    vectors: Mapping[str, TermVector],
    top_k: int = TOP_K,
) -> dict[str, list[tuple[str, float]]]:
    """For each article id, up to `top_k` (other id, score), best first.

    `entity_sets` maps an article to its distinct entity ids (a mapping's keys
    count); `vectors` come from `term_vectors`.
    """
    ids = sorted(entity_sets)
    n = len(ids)
    p = _index(ids, entity_sets, vectors)
    block_rows = max(1, min(512, BLOCK_CELLS // max(1, p.asks_cut.shape[1])))
    min_score = round(MIN_SCORE / TEXT_WEIGHT * _UNIT)
    out: dict[str, list[tuple[str, float]]] = {}
    for lo in range(0, n, block_rows):
        hi = min(lo + block_rows, n)
        row, other, score = _leaders(p.asks[lo:hi] @ p.offers, lo, CANDIDATES, n)
        _add_left_out(p, lo, hi, row, other, score)
        good = score >= min_score
        row, other, score = row[good], other[good], score[good]
        best = np.lexsort((other, -score, row))
        row, other, score = row[best], other[best], score[best]
        row_start = np.searchsorted(row, np.arange(hi - lo + 1)).tolist()
        others, scores = other.tolist(), (score * (TEXT_WEIGHT / _UNIT)).tolist()
        for r in range(hi - lo):
            i, j = row_start[r], min(row_start[r + 1], row_start[r] + top_k)
            out[ids[lo + r]] = [(ids[o], s) for o, s in zip(others[i:j], scores[i:j], strict=True)]
    return out


def link_related(articles: Sequence[Article], vectors: Mapping[str, TermVector]) -> tuple[Article, ...]:
    """Fill `Article.related` (ids, best first) from entities and the term vectors of the entity stage."""
    entity_sets = {a.id: dict.fromkeys(map(_ENTITY_ID, a.entities)) for a in articles}
    scores = related_scores(entity_sets, vectors)
    return tuple(replace(a, related=tuple(o for o, _ in scores.get(a.id, []))) for a in articles)
