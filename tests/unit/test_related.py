"""Related articles: shared entities weighted by rarity plus text similarity, via capped posting lists."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from builder import related
from builder.related import pack_terms, related_scores, term_vectors

MALI_US = "a-528e9c4a65"
MALI_US_INTEL = "a-0fcc16d2b2"


def test_the_two_mali_us_articles_are_each_others_first(seed_build):
    by_id = {a.id: a for a in seed_build.articles}
    assert by_id[MALI_US].related[0] == MALI_US_INTEL
    assert by_id[MALI_US_INTEL].related[0] == MALI_US
    for article in seed_build.articles:
        assert article.id not in article.related
        assert len(set(article.related)) == len(article.related) <= related.TOP_K


def test_rare_shared_entities_outweigh_common_ones():
    entity_sets = {
        "a": frozenset({"mali", "rare-person"}),
        "b": frozenset({"mali", "rare-person"}),
        "c": frozenset({"mali"}),
        "d": frozenset({"mali"}),
        "e": frozenset({"nigeria"}),
    }
    scores = related_scores(entity_sets, {})
    assert scores["a"][0][0] == "b"
    assert "e" not in [o for o, _ in scores["a"]]  # shares nothing: never a candidate
    assert scores["e"] == []


def test_text_similarity_counts_when_entities_do_not():
    entity_sets = {k: frozenset() for k in "abc"}
    terms = {
        "a": Counter({"حصار": 3, "وقود": 2, "صهاريج": 2}),
        "b": Counter({"حصار": 2, "وقود": 3, "صهاريج": 1}),
        "c": Counter({"مستشفى": 3, "غاره": 2, "وقود": 1}),
    }
    scores = related_scores(entity_sets, term_vectors(terms))
    assert [o for o, _ in scores["a"]][:1] == ["b"]
    assert related_scores(entity_sets, term_vectors({k: pack_terms(v) for k, v in terms.items()})) == scores


def test_term_vectors_keep_the_heaviest_shared_words_ties_by_word():
    terms = {
        "a": Counter({"ب": 2, "ا": 2, "ج": 1, "وحيد": 9}),  # "وحيد" is in one article only: left out
        "b": Counter({"ا": 1, "ب": 1, "ج": 1}),
        "c": Counter({"د": 1}),
    }
    vector = term_vectors(terms, per_article=2)["a"]
    assert list(vector) == ["ب", "ا"]  # equal weights: the larger word first, as sorting (weight, word) gives
    assert math.isclose(math.fsum(w * w for w in vector.values()), 1.0)
    assert term_vectors(terms)["c"] == {}


def test_ties_are_ordered_by_id_and_results_are_deterministic():
    entity_sets = {k: frozenset({"x"}) for k in ("d", "b", "c", "a")}
    entity_sets |= {k: frozenset({k}) for k in ("e", "f", "g", "h", "i", "j")}  # x is rare enough to count
    first = related_scores(entity_sets, {})
    assert first == related_scores(dict(reversed(list(entity_sets.items()))), {})
    assert [o for o, _ in first["a"]] == ["b", "c", "d"]


def _archive(n: int, seed: int) -> tuple[dict[str, frozenset[str]], dict[str, related.TermVector]]:
    """Random articles: entities from a skewed pool (a few in most articles), words from a Zipf-like one."""
    rng = random.Random(seed)
    entities = [f"e{i}" for i in range(60)]
    words = [f"w{i}" for i in range(300)]
    entity_sets, terms = {}, {}
    for i in range(n):
        aid = f"a{i:03d}"
        entity_sets[aid] = frozenset(e for j, e in enumerate(entities) if rng.random() < 3 / (j + 4))
        terms[aid] = Counter(rng.choices(words, weights=[1 / (j + 1) for j in range(len(words))], k=60))
    return entity_sets, term_vectors(terms)


def _exact(entity_sets, vectors, top_k=related.TOP_K):
    """The definition, over every pair: what the capped search approximates."""
    n = len(entity_sets)
    df = Counter(e for s in entity_sets.values() for e in s)
    out = {}
    for a in entity_sets:
        scored = []
        for b in entity_sets:
            if b == a:
                continue
            mine, theirs = vectors.get(a, {}), vectors.get(b, {})
            score = math.fsum(math.log((n + 1) / df[e]) for e in entity_sets[a] & entity_sets[b])
            score += related.TEXT_WEIGHT * math.fsum(mine[t] * theirs[t] for t in mine.keys() & theirs.keys())
            if score >= related.MIN_SCORE:
                scored.append((-score, b))
        out[a] = [(b, -s) for s, b in sorted(scored)[:top_k]]
    return out


def test_with_caps_wider_than_the_archive_the_ranking_is_the_exact_one(monkeypatch):
    entity_sets, vectors = _archive(80, seed=7)
    monkeypatch.setattr(related, "POSTING_CAP", 80)
    monkeypatch.setattr(related, "CANDIDATES", 80)
    found, exact = related_scores(entity_sets, vectors), _exact(entity_sets, vectors)
    for aid in entity_sets:
        assert [o for o, _ in found[aid]] == [o for o, _ in exact[aid]]
        assert [s for _, s in found[aid]] == pytest.approx([s for _, s in exact[aid]], abs=1e-5)


def test_every_score_given_is_the_exact_score_of_the_pair(monkeypatch):
    """Caps cut the candidates, never a candidate's score: what the lists left out is added back."""
    entity_sets, vectors = _archive(120, seed=11)
    monkeypatch.setattr(related, "POSTING_CAP", 4)
    monkeypatch.setattr(related, "CANDIDATES", 6)
    exact_all = _exact(entity_sets, vectors, top_k=len(entity_sets))
    found = related_scores(entity_sets, vectors)
    assert sum(map(len, found.values())) > 300
    for aid, pairs in found.items():
        exact = dict(exact_all[aid])
        assert [s for _, s in pairs] == sorted((s for _, s in pairs), reverse=True)
        for other, score in pairs:
            assert score == pytest.approx(exact[other], abs=1e-5)


def test_results_do_not_depend_on_the_order_entities_and_articles_come_in():
    entity_sets, vectors = _archive(60, seed=3)
    shuffled = dict(sorted(entity_sets.items(), key=lambda kv: hash(kv[0])))
    as_tuples = {a: tuple(sorted(s, reverse=True)) for a, s in shuffled.items()}
    assert related_scores(entity_sets, vectors) == related_scores(as_tuples, vectors)


def test_common_features_offer_the_articles_of_highest_potential(monkeypatch):
    """The work per article is bounded: a feature every article has offers only POSTING_CAP candidates,
    the articles with most to share (highest score against a copy of themselves), not the first ids."""
    monkeypatch.setattr(related, "POSTING_CAP", 3)
    entity_sets = {f"{i:02d}": {"everywhere"} for i in range(20)}
    entity_sets["07"] = {"everywhere", "x1", "x2"}  # shares most: the first candidate everywhere offers
    entity_sets["10"] = {"everywhere", "pair"}
    entity_sets["11"] = {"everywhere", "pair"}
    entity_sets |= {f"z{i:02d}": {f"alone-{i}"} for i in range(40)}  # so "everywhere" is not worthless
    entity_sets["z00"] = {"x1"}
    entity_sets["z01"] = {"x2"}
    scores = related_scores(entity_sets, {})
    assert [o for o, _ in scores["05"]] == ["07", "10", "11"]  # equal scores: by id; never "00": not offered
    assert [o for o, _ in scores["10"]] == ["11", "07"]


def test_exact_scores_count_common_entities_the_walk_left_out(monkeypatch):
    monkeypatch.setattr(related, "POSTING_CAP", 3)
    # x0..x9 share more than a and b do, so they fill the capped list of "common".
    entity_sets = {f"x{i}": {"common", "p", "q"} for i in range(10)}
    entity_sets |= {"a": {"common", "rare"}, "b": {"common", "rare"}, "c": {"rare"}}
    entity_sets |= {f"z{i:02d}": {f"alone-{i}"} for i in range(40)}
    scores = dict(related_scores(entity_sets, {})["a"])
    assert set(scores) == {"b", "c", "x0", "x1", "x2"}  # b is not offered by "common", only by "rare"
    assert scores["b"] > scores["c"]  # b also shares "common", though "common" never offered b
    assert scores["b"] == pytest.approx(scores["c"] + scores["x0"])
