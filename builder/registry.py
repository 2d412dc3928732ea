"""The entity registry: editors' YAML files in `entities/`, loaded and validated.

Editors curate people, organisations and places by hand, so a mistake must
point at the exact line: the files are read through PyYAML's composer, whose
nodes keep their line and column, instead of `safe_load`, which forgets them
and silently keeps the last of two duplicate keys. Every problem is collected
(a bad entry never hides the others) and the good entries are still used.

A file is a mapping with the entity `type` it holds and a list of `entities`:

    type: person
    entities:
      - id: rudolph-atallah          # stable ASCII slug: the page URL
        name: رودولف عطا الله         # canonical name, shown as the page title
        aliases:                      # other spellings, matched like the name
          - رودي عطا الله
          - name: عطا الله
            merged: short form        # why this variant is the same entity
        description: ...
        wikidata: Q123
        coordinates: {lat: 12.6, lon: -8.0}   # places only, from a source
        not_after: [دعم]              # words that veto a match when just before it

A merge is an alias with a `merged` note: visible on the entity page and
undone by moving that alias to an entry of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .entity_words import NEVER_MATCH
from .model import EntityType
from .normalize import normalize, words
from .problems import Problem, error, warning

ENTITIES_DIR = Path(__file__).resolve().parent.parent / "entities"
TYPES: tuple[EntityType, ...] = ("person", "organisation", "place")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_PATTERN = re.compile(r"^Q[1-9][0-9]*$")
ENTITY_KEYS = frozenset(
    {"id", "name", "aliases", "description", "wikidata", "coordinates", "iso", "not_after", "source", "note"}
)
ALIAS_KEYS = frozenset({"name", "merged"})


@dataclass(frozen=True)
class Alias:
    name: str
    merged: str | None  # why this spelling is the same entity; None for plain aliases
    line: int


@dataclass(frozen=True)
class Entity:
    id: str
    type: EntityType
    name: str
    aliases: tuple[Alias, ...] = ()
    description: str | None = None
    wikidata: str | None = None
    lat: float | None = None
    lon: float | None = None
    iso: str | None = None
    not_after: tuple[str, ...] = ()  # matching-form words that veto a match right after them
    source: str | None = None
    file: str = ""
    line: int = 0
    discovered: bool = False  # found by the rules in the text, not curated

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling that names this entity, canonical first."""
        return (self.name, *(a.name for a in self.aliases))

    @property
    def url(self) -> str:
        return entity_url(self.type, self.id)


def entity_url(entity_type: str, entity_id: str) -> str:
    """Site-relative URL of an entity page; depends on type and id alone, so it never moves."""
    return f"entities/{entity_type}/{entity_id}/"


@dataclass(frozen=True)
class Registry:
    entities: tuple[Entity, ...]

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


class _Loc:
    """Where a value came from, for problems."""

    def __init__(self, file: str, node: yaml.Node) -> None:
        self.file = file
        self.line = node.start_mark.line + 1
        self.col = node.start_mark.column + 1


def _mapping(file: str, node: yaml.Node, problems: list[Problem], what: str) -> dict[str, yaml.Node] | None:
    """A mapping node as {key: value node}; duplicate keys are errors, not silent overwrites."""
    if not isinstance(node, yaml.MappingNode):
        loc = _Loc(file, node)
        problems.append(error(file, loc.line, "R003", f"{what} must be a mapping", col=loc.col))
        return None
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        loc = _Loc(file, key_node)
        if not isinstance(key, str):
            problems.append(error(file, loc.line, "R003", f"{what} has a key that is not a string", col=loc.col))
            continue
        if key in out:
            first = _Loc(file, out[key]).line
            problems.append(
                error(
                    file, loc.line, "R002", f"duplicate key {key!r} in {what}", f"first given on line {first}", loc.col
                )
            )
            continue
        out[key] = value_node
    return out


def _string(file: str, node: yaml.Node, problems: list[Problem], what: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
        loc = _Loc(file, node)
        problems.append(error(file, loc.line, "R004", f"{what} must be a non-empty string", col=loc.col))
        return None
    return " ".join(node.value.split())


def _number(file: str, node: yaml.Node, problems: list[Problem], what: str, low: float, high: float) -> float | None:
    loc = _Loc(file, node)
    try:
        value = float(node.value) if isinstance(node, yaml.ScalarNode) else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(error(file, loc.line, "R009", f"{what} must be a number from {low} to {high}", col=loc.col))
        return None
    return value


def _strings(file: str, node: yaml.Node, problems: list[Problem], what: str) -> list[tuple[str, int]]:
    if not isinstance(node, yaml.SequenceNode):
        loc = _Loc(file, node)
        problems.append(error(file, loc.line, "R003", f"{what} must be a list", col=loc.col))
        return []
    out: list[tuple[str, int]] = []
    for item in node.value:
        text = _string(file, item, problems, f"each of {what}")
        if text is not None:
            out.append((text, _Loc(file, item).line))
    return out


def _aliases(file: str, node: yaml.Node, problems: list[Problem]) -> list[Alias]:
    if not isinstance(node, yaml.SequenceNode):
        loc = _Loc(file, node)
        problems.append(error(file, loc.line, "R003", "aliases must be a list", col=loc.col))
        return []
    out: list[Alias] = []
    for item in node.value:
        line = _Loc(file, item).line
        if isinstance(item, yaml.MappingNode):
            fields = _mapping(file, item, problems, "an alias") or {}
            for key in fields.keys() - ALIAS_KEYS:
                k = _Loc(file, fields[key])
                problems.append(error(file, k.line, "R005", f"unknown alias key {key!r}", "use name and merged"))
            name = _string(file, fields["name"], problems, "alias name") if "name" in fields else None
            if "name" not in fields:
                problems.append(error(file, line, "R004", "alias without a name"))
            merged = _string(file, fields["merged"], problems, "merged") if "merged" in fields else None
            if name:
                out.append(Alias(name, merged, line))
        else:
            name = _string(file, item, problems, "alias")
            if name:
                out.append(Alias(name, None, line))
    return out


def _entity(file: str, node: yaml.Node, entity_type: EntityType, problems: list[Problem]) -> Entity | None:
    fields = _mapping(file, node, problems, "an entity")
    if fields is None:
        return None
    here = _Loc(file, node)
    ok = True
    for key in sorted(fields.keys() - ENTITY_KEYS):
        loc = _Loc(file, fields[key])
        problems.append(
            error(file, loc.line, "R005", f"unknown key {key!r}", f"known keys: {', '.join(sorted(ENTITY_KEYS))}")
        )
    for key in ("id", "name"):
        if key not in fields:
            problems.append(error(file, here.line, "R006", f"entity without {key!r}", col=here.col))
            ok = False
    entity_id = _string(file, fields["id"], problems, "id") if "id" in fields else None
    if entity_id is not None and not ID_PATTERN.match(entity_id):
        loc = _Loc(file, fields["id"])
        problems.append(
            error(file, loc.line, "R007", f"id {entity_id!r} is not a lowercase ASCII slug", "like rudolph-atallah")
        )
        entity_id = None
    name = _string(file, fields["name"], problems, "name") if "name" in fields else None
    if entity_id is None or name is None or not ok:
        return None
    aliases = _aliases(file, fields["aliases"], problems) if "aliases" in fields else []
    wikidata = _string(file, fields["wikidata"], problems, "wikidata") if "wikidata" in fields else None
    if wikidata is not None and not WIKIDATA_PATTERN.match(wikidata):
        loc = _Loc(file, fields["wikidata"])
        problems.append(error(file, loc.line, "R008", f"wikidata {wikidata!r} is not an item id", "like Q3703"))
        wikidata = None
    lat = lon = None
    if "coordinates" in fields:
        loc = _Loc(file, fields["coordinates"])
        if entity_type != "place":
            problems.append(error(file, loc.line, "R010", "only places have coordinates"))
        coords = _mapping(file, fields["coordinates"], problems, "coordinates") or {}
        if set(coords) != {"lat", "lon"}:
            problems.append(error(file, loc.line, "R009", "coordinates need exactly lat and lon"))
        else:
            lat = _number(file, coords["lat"], problems, "lat", -90, 90)
            lon = _number(file, coords["lon"], problems, "lon", -180, 180)
            if lat is None or lon is None:
                lat = lon = None
    iso = _string(file, fields["iso"], problems, "iso") if "iso" in fields else None
    not_after = (
        [normalize(w) for w, _ in _strings(file, fields["not_after"], problems, "not_after")]
        if ("not_after" in fields)
        else []
    )
    return Entity(
        id=entity_id,
        type=entity_type,
        name=name,
        aliases=tuple(aliases),
        description=_string(file, fields["description"], problems, "description") if "description" in fields else None,
        wikidata=wikidata,
        lat=lat,
        lon=lon,
        iso=iso,
        not_after=tuple(not_after),
        source=_string(file, fields["source"], problems, "source") if "source" in fields else None,
        file=file,
        line=here.line,
    )


def parse_registry_file(file: str, text: str) -> tuple[list[Entity], list[Problem]]:
    """One registry file's entities and problems; `file` is the path shown in problems."""
    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(error(file, line, "R001", f"YAML syntax: {getattr(exc, 'problem', exc)}", col=col))
        return [], problems
    if root is None:
        return [], [warning(file, 1, "R011", "registry file is empty")]
    top = _mapping(file, root, problems, "a registry file")
    if top is None:
        return [], problems
    for key in sorted(top.keys() - {"type", "entities", "generated_by", "source", "licence"}):
        problems.append(error(file, _Loc(file, top[key]).line, "R005", f"unknown top-level key {key!r}"))
    entity_type = _string(file, top["type"], problems, "type") if "type" in top else None
    if entity_type not in TYPES:
        line = _Loc(file, top["type"]).line if "type" in top else 1
        problems.append(error(file, line, "R012", f"type must be one of {', '.join(TYPES)}"))
        return [], problems
    if "entities" not in top or not isinstance(top["entities"], yaml.SequenceNode):
        problems.append(error(file, 1, "R003", "a registry file needs an 'entities' list"))
        return [], problems
    found = [_entity(file, node, entity_type, problems) for node in top["entities"].value]  # type: ignore[arg-type]
    return [e for e in found if e is not None], problems


def check_registry(entities: Iterable[Entity]) -> tuple[tuple[Entity, ...], list[Problem]]:
    """Cross-file rules: unique ids, one entity per matching form, no common word as a name.

    A later duplicate is dropped (the first keeps its URL); an ambiguous spelling
    is removed from the later entity, so matching never has to guess between two.
    """
    problems: list[Problem] = []
    ids: dict[str, Entity] = {}
    forms: dict[str, Entity] = {}
    kept: list[Entity] = []
    for entity in entities:
        if entity.id in ids:
            first = ids[entity.id]
            problems.append(
                error(
                    entity.file,
                    entity.line,
                    "R013",
                    f"duplicate id {entity.id!r}",
                    f"first at {first.file}:{first.line}",
                )
            )
            continue
        ids[entity.id] = entity
        aliases: list[Alias] = []
        own: set[str] = set()
        for i, (name, line) in enumerate([(entity.name, entity.line)] + [(a.name, a.line) for a in entity.aliases]):
            form = " ".join(words(name))
            if not form:
                problems.append(error(entity.file, line, "R014", f"{name!r} has no letters to match"))
                continue
            if form in NEVER_MATCH:
                problems.append(
                    error(entity.file, line, "R015", f"{name!r} is a common word and can never match", "remove it")
                )
                continue
            if form in own:
                problems.append(warning(entity.file, line, "R016", f"{name!r} repeats a spelling of the same entity"))
                continue
            other = forms.get(form)
            if other is not None and other.id != entity.id:
                problems.append(
                    error(
                        entity.file,
                        line,
                        "R017",
                        f"{name!r} also names {other.id!r} ({other.file}:{other.line})",
                        "keep it on one entity; an ambiguous name is not matched for this one",
                    )
                )
                continue
            own.add(form)
            forms[form] = entity
            if i > 0:
                aliases.append(entity.aliases[i - 1])
        kept.append(replace_aliases(entity, tuple(aliases)))
    return tuple(kept), problems


def replace_aliases(entity: Entity, aliases: tuple[Alias, ...]) -> Entity:
    from dataclasses import replace

    return replace(entity, aliases=aliases) if aliases != entity.aliases else entity


def load_registry(directory: Path = ENTITIES_DIR, root: Path | None = None) -> tuple[Registry, list[Problem]]:
    """Every `*.yml` in the registry folder, in name order, validated together."""
    problems: list[Problem] = []
    entities: list[Entity] = []
    if not directory.is_dir():
        return Registry(()), problems
    base = root if root is not None else directory.parent
    for path in sorted(directory.glob("*.yml")):
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = path.as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(error(shown, 1, "R018", f"registry file could not be read: {exc}"))
            continue
        found, file_problems = parse_registry_file(shown, text)
        entities.extend(found)
        problems.extend(file_problems)
    checked, cross = check_registry(entities)
    problems.extend(cross)
    return Registry(checked), problems


def validate_registry(directory: Path = ENTITIES_DIR) -> list[Problem]:
    """The registry's problems alone, for `python -m builder check`."""
    return load_registry(directory)[1]
