"""The browser folds queries exactly as Python folds the indexed pages.

Runs docs/assets/javascripts/search-normalize.js (with the tables the build
generates from builder/normalize.py) in node on the same strings as
builder.normalize, and compares every function's output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from builder import normalize as N
from builder.search_assets import query_cores, tables_js

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "docs" / "assets" / "javascripts" / "search-normalize.js"
MATCH_JS = ROOT / "docs" / "assets" / "javascripts" / "search-match.js"
PLAN_JS = ROOT / "docs" / "assets" / "javascripts" / "search-plan.js"
QUERIES = ROOT / "tests" / "search_queries.yml"
NODE = shutil.which("node")

CASES = [
    "هل تتدخل الولايات المتحدة «عسكرياً» لصد «القاعدة» في مالي؟",
    "وبالقاعدة وللمسلحين فالأمم كالجيش والإرهاب",
    "مُوسَى آغْ أشاراتومان / موسى أغ أشاراتومان",
    "رودي عطا الله، رودولف عطاالله (الخارجية الأميركية)",
    "إسـلام آباد أحمد مؤسسة رئيس مستشفى ی ک گ ڤ پ چ ۀ ھ",
    "٢٠٢٥-٠٩-١٦ و۱۲۳ 23 مارس",
    "ﻟﺍ ﷲ ﻻ presentation ﺑﺴﻢ",
    "a\u202eb\u200bc\u00a0d\ufeffe\u200d\u061c",
    "Reuters AFP İstanbul ÀÉÎ snake_case x1c\x1cy",
    "ـــقــاعـــدة",
    "للتنمية لل للا بب وو ال الب",
    "",
]


def _seed_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return lines[:400]


def _run_node(tmp_path: Path, texts: list[str]) -> list[dict]:
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "search-tables.js").write_text(tables_js(), encoding="utf-8")
    shutil.copy(JS, tmp_path / "search-normalize.js")
    (tmp_path / "run.js").write_text(
        """
import * as N from "./search-normalize.js";
import { readFileSync } from "node:fs";
const texts = JSON.parse(readFileSync(0, "utf8"));
const out = texts.map((t) => {
  const [norm, map] = N.normalizeWithMap(t);
  const ws = N.words(t);
  return { norm, fast: N.normalize(t), map, words: ws, stems: ws.map(N.cliticStems), cores: ws.map(N.core),
           query: N.queryCores(t) };
});
process.stdout.write(JSON.stringify(out));
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [NODE, "run.js"], cwd=tmp_path, input=json.dumps(texts), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(NODE is None, reason="node not installed")
def test_js_normaliser_matches_python(tmp_path: Path) -> None:
    texts = CASES + _seed_lines()
    results = _run_node(tmp_path, texts)
    assert len(results) == len(texts)
    for text, js in zip(texts, results, strict=True):
        norm, index = N.normalize_with_map(text)
        assert js["norm"] == norm, text
        assert js["fast"] == norm, text  # normalize(): the same, without the per-character loop
        if all(ord(c) < 0x10000 for c in text):  # JS indexes UTF-16 units, Python code points
            assert tuple(js["map"]) == index, text
        ws = N.words(text)
        assert js["words"] == ws, text
        assert [tuple(s) for s in js["stems"]] == [N.clitic_stems(w) for w in ws], text
        assert js["cores"] == [N.core(w) for w in ws], text
        assert js["query"] == query_cores(text), text


def test_tables_are_generated_from_normalize() -> None:
    text = tables_js()
    body = json.loads(text.split("export default ", 1)[1].rstrip().rstrip(";"))
    assert body["folds"]["ة"] == "ه" and body["folds"]["ى"] == "ي"
    assert set(body["drop"]) == set(N.DIACRITICS | {N.TATWEEL} | N.SPOOFING_CONTROLS)
    assert tables_js() == text  # deterministic


@pytest.mark.skipif(NODE is None, reason="node not installed")
def test_the_quick_all_words_check_agrees_with_the_highlighter(tmp_path: Path) -> None:
    """allMatch() checks only the words that can match; it must decide exactly as
    matchRanges() (which normalises every character) on seed text, for the query
    set's words and for every prefix and clitic form of the text's own words."""
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "search-tables.js").write_text(tables_js(), encoding="utf-8")
    shutil.copy(JS, tmp_path / "search-normalize.js")
    shutil.copy(MATCH_JS, tmp_path / "search-match.js")
    queries = [q["q"] for q in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]]
    texts = CASES + _seed_lines()[:150]
    (tmp_path / "run.js").write_text(
        """
import { allMatch, matchRanges } from "./search-match.js";
import { queryCores, words } from "./search-normalize.js";
import { readFileSync } from "node:fs";
const { texts, queries } = JSON.parse(readFileSync(0, "utf8"));
let checked = 0, held = 0;
const wrong = [];
for (const text of texts) {
  const own = words(text).flatMap((w) => [w, w.slice(0, 3), w.slice(1), w.slice(0, -2), "و" + w, "لل" + w.slice(2)]);
  const asks = [...queries.map(queryCores), ...own.map((w) => queryCores(w)), queryCores(text)];
  for (const cores of asks) {
    if (!cores.length) continue;
    const fast = allMatch(text, cores);
    const slow = matchRanges(text, cores).found.size === cores.length;
    checked++;
    if (fast) held++;
    if (fast !== slow) wrong.push({ text, cores, fast, slow });
  }
}
process.stdout.write(JSON.stringify({ checked, held, wrong: wrong.slice(0, 5) }));
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [NODE, "run.js"],
        cwd=tmp_path,
        input=json.dumps({"texts": texts, "queries": queries}),
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout)
    assert out["wrong"] == [], out["wrong"]
    assert out["checked"] > 10_000 and 0.2 < out["held"] / out["checked"] < 0.95  # both answers are common


@pytest.mark.skipif(NODE is None, reason="node not installed")
def test_a_costly_query_is_ranked_on_its_rarest_words(tmp_path: Path) -> None:
    """Page counts measured at 20,005 articles (bench/search_bench.py)."""
    (tmp_path / "package.json").write_text('{"type": "module"}')
    shutil.copy(PLAN_JS, tmp_path / "search-plan.js")
    cases = {
        "us": [["ولايات", 1759], ["متحده", 4632]],  # 11.2 M pairs: the rarer word alone
        "moussa": [["موسي", 6599], ["اغ", 6644], ["اشاراتومان", 621]],  # the two rarest fit
        "common": [["قال", 14180], ["حكومه", 14065]],  # nothing fits: the sample
        "unknown": [["زلزال", 0], ["كيسان", 615]],  # a word Pagefind does not know is left out
    }
    (tmp_path / "run.js").write_text(
        """
import { RANK_BUDGET, rarest } from "./search-plan.js";
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = Object.fromEntries(Object.entries(cases).map(([k, c]) => [k, rarest(c)]));
out.budget = RANK_BUDGET;
out.tight = rarest(cases.moussa, 621 * 621);
process.stdout.write(JSON.stringify(out));
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [NODE, "run.js"], cwd=tmp_path, input=json.dumps(cases), capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout)
    assert out["budget"] < 1759 * (1759 + 4632)  # the whole query is over budget
    assert out["us"] == ["ولايات"]
    assert out["moussa"] == ["اشاراتومان", "موسي"]
    assert out["common"] == []
    assert out["unknown"] == ["كيسان"]
    assert out["tight"] == ["اشاراتومان"]
