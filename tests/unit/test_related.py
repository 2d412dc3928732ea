"""Related articles: shared entities weighted by rarity plus text similarity, via posting lists."""

from __future__ import annotations

from collections import Counter

from builder import related
from builder.related import related_scores

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
    scores = related_scores(entity_sets, terms)
    assert [o for o, _ in scores["a"]][:1] == ["b"]


def test_ties_are_ordered_by_id_and_results_are_deterministic():
    entity_sets = {k: frozenset({"x"}) for k in ("d", "b", "c", "a")}
    entity_sets |= {k: frozenset({k}) for k in ("e", "f", "g", "h", "i", "j")}  # x is rare enough to count
    first = related_scores(entity_sets, {})
    assert first == related_scores(dict(reversed(list(entity_sets.items()))), {})
    assert [o for o, _ in first["a"]] == ["b", "c", "d"]


def test_features_with_huge_posting_lists_are_skipped(monkeypatch):
    """The work per article is bounded: a feature every article has adds no candidates."""
    monkeypatch.setattr(related, "MAX_POSTING", 3)
    entity_sets = {str(i): frozenset({"everywhere"}) for i in range(10)}
    entity_sets["0"] = frozenset({"everywhere", "pair"})
    entity_sets["1"] = frozenset({"everywhere", "pair"})
    scores = related_scores(entity_sets, {})
    assert [o for o, _ in scores["0"]] == ["1"]
    assert scores["5"] == []
