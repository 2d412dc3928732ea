"""Accessibility: axe-core in headless Chromium on each kind of page of the real site.

axe-core (npm, pinned in package.json/package-lock.json, installed by
`make test` with `npm ci`) is injected into the page, so the check runs in a
real layout engine with the site's real CSS and fonts: contrast is computed
from the rendered colours, not guessed from the stylesheet. A page passes
with no violation of impact "serious" or "critical". The test also checks
the promise axe cannot: every figure and SVG chart has a text alternative.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `npm ci` (make test does)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def first_page(site: Path, folder: str) -> str:
    """URL path of the first generated page under `folder` (e.g. an entity page)."""
    pages = sorted((site / folder).glob("**/index.html"))
    assert pages, f"no page under {folder}/ in the built site"
    return pages[0].parent.relative_to(site).as_posix() + "/"


def run_axe(page, axe_source: str) -> list[dict]:
    # Through DevTools, not a <script> tag: the site's CSP rightly refuses inline scripts.
    page.evaluate(axe_source + "\n;true")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }"""
    )
    return result


def page_kinds(site: Path) -> dict[str, str]:
    kinds = {
        "home": "",
        "article": first_page(site, "articles"),
        "list": "browse/dates/unknown/",
        "dates": "browse/dates/",
        "places": "browse/places/",
    }
    if (site / "entities").is_dir() and any((site / "entities").glob("*/*/index.html")):
        kinds["entity"] = first_page(site, "entities")
    return kinds


@pytest.mark.parametrize("kind", ["home", "article", "entity", "list", "dates", "places"])
def test_no_serious_or_critical_violations(kind, built_site, visit, page, axe_source):
    kinds = page_kinds(built_site)
    if kind not in kinds:
        pytest.fail("no entity page in the built site (the entities stage writes them)", pytrace=False)
    visit(kinds[kind])
    violations = run_axe(page, axe_source)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{kind} page {kinds[kind]}:\n" + json.dumps(blocking, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("path", ["", "browse/dates/", "browse/places/"])
def test_every_figure_and_chart_has_a_text_alternative(path, visit, page):
    visit(path)
    missing = page.evaluate(
        """() => {
            const bad = [];
            for (const svg of document.querySelectorAll("article svg, .md-content svg")) {
                if (svg.closest("[aria-hidden=true]") || svg.closest(".md-icon, .md-nav, button, label")) continue;
                const ids = (svg.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
                const named = ids.length && ids.every(id => (document.getElementById(id)?.textContent || "").trim());
                const label = (svg.getAttribute("aria-label") || "").trim();
                if (!named && !label) bad.push("svg " + (svg.getAttribute("class") || ""));
                for (const a of svg.querySelectorAll("a")) {
                    if (!(a.getAttribute("aria-label") || "").trim()) bad.push("svg link without a name");
                }
            }
            for (const fig of document.querySelectorAll(".md-content figure")) {
                if (!(fig.querySelector("figcaption")?.textContent || "").trim()) bad.push("figure without caption");
            }
            return bad;
        }"""
    )
    assert missing == []
    charts = page.locator(".md-content figure svg").count()
    assert charts >= 1, f"{path or 'home'}: expected a chart on this page"
