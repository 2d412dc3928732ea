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
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, compress, repeat
from operator import attrgetter, mul

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
# and their counts as bytes (capped at COUNT_MAX), a tenth of the memory of a
# Counter, and cheap to pickle into the analysis cache. The terms are the
# entity stage's own string objects (one per distinct word of the build), so
# the tuple costs a pointer per word and `term_vectors` looks each up without
# splitting text or comparing characters.
PackedTerms = tuple[tuple[str, ...], bytes]
# An article's text vector: its heaviest terms and their weights (unit length).
TermVector = dict[str, float]

_ENTITY_ID = attrgetter("entity_id")
_UNIT = float(1 << (2 * WEIGHT_BITS))  # score/TEXT_WEIGHT of 1, in integer units


def pack_terms(counts: Mapping[str, int]) -> PackedTerms:
    """In the counts' own order: `term_vectors` ranks by weight and word, so no order is needed here,
    and sorting each article's words cost more than all the rest of packing (C loops only)."""
    return tuple(counts), bytes(map(min, counts.values(), repeat(COUNT_MAX)))


def _unpack(packed: PackedTerms | Mapping[str, int]) -> tuple[Sequence[str], Sequence[int]]:
    if isinstance(packed, tuple):
        return packed
    return list(packed), [min(max(c, 0), COUNT_MAX) for c in packed.values()]  # as pack_terms stores them


def _idf(df: int, n: int) -> float:
    return math.log((n + 1) / df)


def term_vectors(
    terms: Mapping[str, PackedTerms | Mapping[str, int]], per_article: int = TERMS_PER_ARTICLE
) -> dict[str, TermVector]:
    """Each article's `per_article` heaviest tf-idf terms, normalised; words in one article only are left out.

    Two passes over the packed counts, so only the vectors stay in memory, and
    every vector's words are the document-frequency table's own string objects
    (one copy of each word however many articles keep it). The logarithms are
    taken once per distinct count and document frequency, not once per word,
    and the per-word work is `map`s and `compress` in C: a word without idf
    weighs 0.0, which no cut lets through, as no negative weight passes.
    """
    df: Counter[str] = Counter()
    for packed in terms.values():
        df.update(_unpack(packed)[0])
    n = len(terms)
    idf_of = {d: _idf(d, n) for d in set(df.values()) if d > 1}
    idf = {t: idf_of[d] for t, d in df.items() if d > 1}
    canonical = {t: t for t in idf}
    del df
    tf = [1 + math.log(c) if c > 0 else -1.0 for c in range(COUNT_MAX + 1)]
    vectors: dict[str, TermVector] = {}
    for aid, packed in terms.items():
        words, counts = _unpack(packed)
        # Floats first (cheap to sort), then (weight, word) pairs only for those that can be in the top:
        # the same top as sorting every pair, ties on weight by word.
        weights = list(map(mul, map(tf.__getitem__, counts), map(idf.get, words, repeat(0.0))))
        cut = sorted(weights)[-per_article] if len(weights) > per_article else 0.0
        keep = list(map(cut.__le__, weights) if cut > 0 else map((0.0).__lt__, weights))
        top = sorted(
            zip(compress(weights, keep), map(canonical.__getitem__, compress(words, keep)), strict=True), reverse=True
        )
        top = top[:per_article]
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vectors[aid] = {t: w / norm for w, t in top}
    return vectors


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
