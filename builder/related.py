"""Related articles: shared entities weighted by rarity, plus text similarity.

Comparing every pair of articles costs N²; an archive of 20,000 articles
would spend minutes on it. Instead each feature (an entity, or one of an
article's most characteristic words) has a posting list of the articles
that have it, and an article's candidates are only those that share one of
its features. Features so common that their lists exceed `MAX_POSTING` say
little (their weight, log N/df, is small) and are left out, which bounds the
work per article: the total grows linearly with the archive. A heap keeps
the top `TOP_K`.

score(a, b) = Σ idf(e) over shared entities + TEXT_WEIGHT · cosine(a, b),
with cosine over each article's `TERMS_PER_ARTICLE` heaviest tf-idf terms.
Ties are broken by id so the order never flickers between builds.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .model import Article

TOP_K = 5
MAX_POSTING = 1000
TERMS_PER_ARTICLE = 40
TEXT_WEIGHT = 2.0
MIN_SCORE = 0.5  # below this the articles share only common words


def _idf(df: int, n: int) -> float:
    return math.log((n + 1) / df)


def related_scores(
    entity_sets: Mapping[str, frozenset[str]], terms: Mapping[str, Counter[str]], top_k: int = TOP_K
) -> dict[str, list[tuple[str, float]]]:
    """For each article id, up to `top_k` (other id, score), best first."""
    ids = sorted(entity_sets)
    n = len(ids)
    entity_posting: dict[str, list[str]] = defaultdict(list)
    for aid in ids:
        for eid in entity_sets[aid]:
            entity_posting[eid].append(aid)
    term_df: Counter[str] = Counter()
    for aid in ids:
        term_df.update(terms.get(aid, Counter()).keys())
    vectors: dict[str, dict[str, float]] = {}
    term_posting: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for aid in ids:
        counts = terms.get(aid, Counter())
        weights = {t: (1 + math.log(c)) * _idf(term_df[t], n) for t, c in counts.items() if term_df[t] > 1}
        top = heapq.nlargest(TERMS_PER_ARTICLE, weights.items(), key=lambda kv: (kv[1], kv[0]))
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        vectors[aid] = {t: w / norm for t, w in top}
        for t, w in vectors[aid].items():
            term_posting[t].append((aid, w))
    entity_idf = {eid: _idf(len(p), n) for eid, p in entity_posting.items()}
    out: dict[str, list[tuple[str, float]]] = {}
    for aid in ids:
        scores: dict[str, float] = defaultdict(float)
        for eid in entity_sets[aid]:
            posting = entity_posting[eid]
            if len(posting) > MAX_POSTING:
                continue
            weight = entity_idf[eid]
            for other in posting:
                if other != aid:
                    scores[other] += weight
        for t, w in vectors[aid].items():
            posting_w = term_posting[t]
            if len(posting_w) > MAX_POSTING:
                continue
            for other, w2 in posting_w:
                if other != aid:
                    scores[other] += TEXT_WEIGHT * w * w2
        best = heapq.nsmallest(top_k, ((-s, o) for o, s in scores.items() if s >= MIN_SCORE))
        out[aid] = [(o, -s) for s, o in best]
    return out


def link_related(articles: Sequence[Article], terms: Mapping[str, Counter[str]]) -> tuple[Article, ...]:
    """Fill `Article.related` (ids, best first) from entities and the term counts of the entity stage."""
    entity_sets = {a.id: frozenset(e.entity_id for e in a.entities) for a in articles}
    scores = related_scores(entity_sets, terms)
    return tuple(replace(a, related=tuple(o for o, _ in scores.get(a.id, []))) for a in articles)
