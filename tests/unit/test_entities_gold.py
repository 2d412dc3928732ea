"""Entity extraction scored against the hand-checked gold list of the five seed articles.

Precision and recall are printed (run with -s) and held above floors that
only go up. Two settings: the shipped registry, and the generated registry
alone (countries and capitals), which measures the discovery rules on names
no editor has curated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.entities import form_of, link_entities
from builder.registry import ENTITIES_DIR, Registry, load_registry, parse_registry_file

GOLD = Path(__file__).resolve().parent.parent / "gold" / "entities.yml"

# Floors: raise them when the numbers improve; never lower them to make a change pass.
FLOORS = {
    "registry": {"precision": 1.0, "recall": 0.98},
    "generated-only": {"precision": 1.0, "recall": 0.61},
}


def score(articles, index, gold) -> tuple[float, float, list[str], list[str]]:
    by_id = {a.id: a for a in articles}
    true_pos = false_pos = false_neg = 0
    missed: list[str] = []
    wrong: list[str] = []
    for article_id, types in gold.items():
        article = by_id[article_id]
        predicted = []
        for e in article.entities:
            names = index.entities[e.entity_id].names
            forms = {form_of(n) for n in names} | {form_of(m.surface) for m in e.mentions}
            predicted.append((e.type, forms, e.name))
        expected = [(t, form_of(name), name) for t, names in types.items() for name in names]
        used = set()
        for t, form, name in expected:
            hit = next(
                (i for i, (pt, forms, _) in enumerate(predicted) if pt == t and form in forms and i not in used), None
            )
            if hit is None:
                false_neg += 1
                missed.append(f"{article_id} {t} {name}")
            else:
                used.add(hit)
                true_pos += 1
        for i, (pt, _, name) in enumerate(predicted):
            if i not in used:
                false_pos += 1
                wrong.append(f"{article_id} {pt} {name}")
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    return precision, recall, missed, wrong


@pytest.fixture(scope="module")
def gold():
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def test_gold_covers_every_seed_article(seed_build, gold):
    assert set(gold) == {a.id for a in seed_build.articles}


def test_registry_precision_recall(seed_build, gold):
    registry, problems = load_registry()
    assert not [p for p in problems if p.severity == "error"]
    articles, index = link_entities(seed_build.articles, registry)
    precision, recall, missed, wrong = score(articles, index, gold)
    print(f"\nentities with the shipped registry: precision {precision:.3f}, recall {recall:.3f}")
    print("  missed:", missed)
    print("  wrong:", wrong)
    assert precision >= FLOORS["registry"]["precision"], wrong
    assert recall >= FLOORS["registry"]["recall"], missed


def test_discovery_precision_recall_without_curated_names(seed_build, gold):
    path = ENTITIES_DIR / "countries.yml"
    entities, problems = parse_registry_file("entities/countries.yml", path.read_text(encoding="utf-8"))
    assert not problems
    articles, index = link_entities(seed_build.articles, Registry(tuple(entities)))
    precision, recall, missed, wrong = score(articles, index, gold)
    print(f"\nentities with the generated registry only: precision {precision:.3f}, recall {recall:.3f}")
    print("  wrong:", wrong)
    assert precision >= FLOORS["generated-only"]["precision"], wrong
    assert recall >= FLOORS["generated-only"]["recall"], missed
