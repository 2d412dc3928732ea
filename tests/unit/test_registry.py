"""The entity registry: every mistake reported at its line, good entries still loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.registry import ENTITIES_DIR, check_registry, load_registry, parse_registry_file

GOOD = """\
type: person
entities:
  - id: rudolph-atallah
    name: رودولف عطا الله
    aliases:
      - name: رودي عطا الله
        merged: same person
      - عطا الله الأب
    description: مسؤول أميركي
    wikidata: Q42
"""


def codes(problems):
    return [(p.line, p.code) for p in problems]


def test_a_good_file_loads_with_merges_kept_visible():
    entities, problems = parse_registry_file("entities/people.yml", GOOD)
    assert problems == []
    (e,) = entities
    assert (e.id, e.type, e.name, e.line) == ("rudolph-atallah", "person", "رودولف عطا الله", 3)
    assert [(a.name, a.merged) for a in e.aliases] == [("رودي عطا الله", "same person"), ("عطا الله الأب", None)]
    assert e.url == "entities/person/rudolph-atallah/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("    wikidata: Q42\n", "    wikidata: Q42\n    name: آخر\n"), [(11, "R002")]),  # duplicate key
        (GOOD.replace("id: rudolph-atallah", "id: Rudolph Atallah"), [(3, "R007")]),
        (GOOD.replace("wikidata: Q42", "wikidata: X42"), [(10, "R008")]),
        (GOOD.replace("description:", "descripton:"), [(9, "R005")]),
        (GOOD.replace("    name: رودولف عطا الله\n", ""), [(3, "R006")]),
        (GOOD.replace("type: person", "type: people"), [(1, "R012")]),
        (GOOD.replace("wikidata: Q42", "coordinates: {lat: 1, lon: 2}"), [(10, "R010")]),
        (GOOD.replace("  - id: rudolph", "  - id: [rudolph").replace("-atallah\n", "-atallah\n", 1), [(4, "R001")]),
    ],
    ids=["duplicate-key", "bad-id", "bad-wikidata", "unknown-key", "no-name", "bad-type", "coords-person", "syntax"],
)
def test_mistakes_are_reported_at_their_line(text, expected):
    _, problems = parse_registry_file("entities/people.yml", text)
    assert codes(problems) == expected
    assert all(p.format().startswith(f"entities/people.yml:{p.line}:") for p in problems)


def test_place_coordinates_are_range_checked():
    text = "type: place\nentities:\n  - id: x\n    name: باماكو\n    coordinates: {lat: 120, lon: -8}\n"
    entities, problems = parse_registry_file("entities/places.yml", text)
    assert codes(problems) == [(5, "R009")]
    assert entities[0].lat is None


def test_cross_file_rules_duplicate_ids_common_words_and_ambiguous_names():
    a, _ = parse_registry_file(
        "a.yml", "type: place\nentities:\n  - id: mali\n    name: مالي\n  - id: kan\n    name: كان\n"
    )
    b, _ = parse_registry_file(
        "b.yml", "type: place\nentities:\n  - id: mali\n    name: مالي\n  - id: other\n    name: مالى\n"
    )
    kept, problems = check_registry([*a, *b])
    assert sorted((p.file, p.line, p.code) for p in problems) == [
        ("a.yml", 5, "R015"),  # كان is a common word
        ("b.yml", 3, "R013"),  # duplicate id
        ("b.yml", 5, "R017"),  # مالى is مالي under normalisation
    ]
    assert [e.id for e in kept] == ["mali", "kan", "other"]


def test_shipped_registry_is_valid():
    registry, problems = load_registry()
    assert [p.format() for p in problems] == []
    ids = registry.by_id()
    assert ids["mali"].iso == "ML" and ids["bamako"].lat is not None
    assert ids["norway"].iso == "NO"  # not YAML 1.1's false
    assert len([e for e in registry.entities if e.iso]) > 200  # every country


def test_generated_countries_are_up_to_date():
    """The committed file is exactly what the generator makes from CLDR and GeoNames."""
    from builder.registry_seed import generate

    assert (ENTITIES_DIR / "countries.yml").read_text(encoding="utf-8") == generate()


def test_a_broken_file_does_not_hide_the_others(tmp_path: Path):
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "a.yml").write_text("type: place\nentities: [\n", encoding="utf-8")
    (tmp_path / "entities" / "b.yml").write_text(
        "type: place\nentities:\n  - id: x\n    name: باماكو\n", encoding="utf-8"
    )
    registry, problems = load_registry(tmp_path / "entities")
    assert [e.id for e in registry.entities] == ["x"]
    assert [p.file for p in problems] == ["entities/a.yml"]
