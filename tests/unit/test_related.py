"""Related articles: shared entities weighted by rarity plus text similarity, via posting lists."""

from __future__ import annotations

from collections import Counter

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


def test_ties_are_ordered_by_id_and_results_are_deterministic():
    entity_sets = {k: frozenset({"x"}) for k in ("d", "b", "c", "a")}
    entity_sets |= {k: frozenset({k}) for k in ("e", "f", "g", "h", "i", "j")}  # x is rare enough to count
    first = related_scores(entity_sets, {})
    assert first == related_scores(dict(reversed(list(entity_sets.items()))), {})
    assert [o for o, _ in first["a"]] == ["b", "c", "d"]


def test_common_features_offer_only_their_heaviest_articles_as_candidates(monkeypatch):
    """The work per article is bounded: a feature every article has offers only POSTING_CAP candidates."""
    monkeypatch.setattr(related, "POSTING_CAP", 3)
    entity_sets = {f"{i:02d}": {"everywhere": 1} for i in range(20)}
    entity_sets["07"] = {"everywhere": 5}  # most about it: a candidate for every article
    entity_sets["10"] = {"everywhere": 1, "pair": 1}
    entity_sets["11"] = {"everywhere": 1, "pair": 1}
    entity_sets |= {f"z{i:02d}": {f"alone-{i}": 1} for i in range(40)}  # so "everywhere" is not worthless
    scores = related_scores(entity_sets, {})
    # Candidates from the capped list ("07", "00", "01") and from the rare entity; the exact score
    # then counts every shared entity, so the pair outranks the rest.
    assert [o for o, _ in scores["10"]] == ["11", "00", "01", "07"]  # equal scores after the pair: by id
    assert [o for o, _ in scores["05"]] == ["00", "01", "07"]  # never "10" or "11": not offered


def test_exact_rescoring_counts_common_entities_the_walk_left_out(monkeypatch):
    monkeypatch.setattr(related, "POSTING_CAP", 3)
    entity_sets = {f"x{i}": {"common": 3} for i in range(10)}  # fill the capped list of "common"
    entity_sets |= {"a": {"common": 1, "rare": 1}, "b": {"common": 1, "rare": 1}, "c": {"rare": 1}}
    entity_sets |= {f"z{i:02d}": {f"alone-{i}": 1} for i in range(40)}
    scores = dict(related_scores(entity_sets, {})["a"])
    assert scores["b"] > scores["c"]  # b also shares "common", though "common" never offered b
