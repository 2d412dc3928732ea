"""The built archive in headless Chromium: right-to-left, its own Arabic font,
nothing from another host, and clean under the Content-Security-Policy that
netlify.toml deploys (the test server sends the same headers).

A few checks at the end need no browser: they guard the files the pages
depend on (logical CSS properties, font budget and licence, the base.html
override staying a faithful copy of Material's).
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

FONT_FAMILY = "Noto Naskh Arabic"
ARABIC_400 = "noto-naskh-arabic-arabic-400-normal.woff2"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ROOT = Path(__file__).resolve().parents[2]


def first_article_path(page, site_server: str) -> str:
    """The site path of the first article the home page links to."""
    hrefs = page.eval_on_selector_all(".md-content a[href*='articles/']", "els => els.map(e => e.href)")
    assert hrefs, "the home page links to no page under articles/"
    url = urlsplit(hrefs[0])
    assert f"{url.scheme}://{url.netloc}" == site_server
    return url.path


@pytest.fixture
def article_path(visit, page, site_server) -> str:
    visit("")
    return first_article_path(page, site_server)


# ------------------------------------------------------------ headers and HTML


def test_server_sends_the_netlify_headers(site_server, netlify_headers):
    with urllib.request.urlopen(f"{site_server}/") as response:
        sent = {k.lower(): v for k, v in response.headers.items()}
    expected = netlify_headers("/")
    assert expected, "netlify.toml sets no header for /"
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
    ):
        assert sent.get(name.lower()) == expected[name], name
    csp = expected["Content-Security-Policy"]
    directives = dict((d.split()[0], d.split()[1:]) for d in (p.strip() for p in csp.split(";")) if d)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'wasm-unsafe-eval'" in directives["script-src"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert not re.search(r"https?:|\*", csp), "the CSP must name no other host"


@pytest.mark.parametrize("which", ["home", "article"])
def test_html_is_arabic_right_to_left(which, visit, page, site_server):
    response = visit("")
    if which == "article":
        response = visit(first_article_path(page, site_server))
    html = response.text()
    assert re.search(r'<html lang="ar" dir="rtl"[ >]', html), html[:300]
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    assert page.evaluate("document.body.dir") == "rtl"


def test_body_text_is_laid_out_right_to_left(visit, page, article_path):
    visit(article_path)
    info = page.evaluate(
        """() => {
          const p = [...document.querySelectorAll('.md-content .md-typeset p')]
            .find(e => /[\\u0600-\\u06FF]/.test(e.textContent));
          const box = document.querySelector('.md-content__inner').getBoundingClientRect();
          const nav = document.querySelector('.md-sidebar--primary').getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(p);
          const first = range.getClientRects()[0];
          const style = getComputedStyle(p);
          return {
            direction: style.direction,
            htmlDirection: getComputedStyle(document.documentElement).direction,
            textAlign: style.textAlign,
            firstLineRight: first.right, contentRight: box.right, contentLeft: box.left,
            navLeft: nav.left,
          };
        }"""
    )
    assert info["direction"] == "rtl"
    assert info["htmlDirection"] == "rtl"
    assert info["textAlign"] in ("start", "right")
    # The first line starts at the right edge of the text column...
    assert abs(info["firstLineRight"] - info["contentRight"]) < 2, info
    # ...and the navigation sidebar sits to the right of the content.
    assert info["navLeft"] >= info["contentRight"] - 1, info


# ----------------------------------------------------------------------- font


def test_arabic_font_is_served_by_the_site_and_used(visit, page, page_log, site_server, article_path):
    font_responses = []
    page.on(
        "response",
        lambda r: (
            font_responses.append((r.url, r.status, r.headers.get("content-type")))
            if r.url.endswith(".woff2")
            else None
        ),
    )
    visit(article_path)

    arabic = [r for r in font_responses if r[0].endswith("/" + ARABIC_400)]
    assert arabic, f"{ARABIC_400} was not fetched; fonts fetched: {font_responses}"
    url, status, content_type = arabic[0]
    assert url.startswith(site_server + "/assets/fonts/"), url
    assert status == 200 and content_type == "font/woff2"

    faces = page.evaluate(
        """() => [...document.fonts].map(f => ({family: f.family.replace(/"/g, ''),
                                               weight: f.weight, status: f.status}))"""
    )
    loaded = {f["weight"] for f in faces if f["family"] == FONT_FAMILY and f["status"] == "loaded"}
    assert "400" in loaded, faces

    # What Chromium actually drew the paragraph with: the web font, not a
    # system font of the same name (Debian's fonts-noto-core has one).
    page.evaluate(
        """() => [...document.querySelectorAll('.md-content .md-typeset p')]
                  .find(e => /[\\u0600-\\u06FF]/.test(e.textContent))
                  .setAttribute('data-probe', '')"""
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-probe]"})
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    main = max(used, key=lambda f: f["glyphCount"])
    assert main["familyName"] == FONT_FAMILY and main["isCustomFont"], used
    assert page_log.problems() == []


# ------------------------------------------------------- privacy and the CSP


@pytest.mark.parametrize("which", ["home", "article"])
def test_page_is_clean_and_stays_on_the_site(which, visit, page, page_log, site_server):
    visit("")
    if which == "article":
        visit(first_article_path(page, site_server))
        # Scroll to the end so lazy content and late scripts get their chance.
        page.mouse.wheel(0, 20_000)
        page.wait_for_load_state("networkidle")
        page_log.collect_csp(page)
    assert page_log.requests, "the browser made no request at all"
    elsewhere = [
        url
        for url in page_log.requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    assert elsewhere == [], "requests to another host"
    assert page_log.problems() == []


def test_missing_page_gets_the_arabic_404(visit, page, page_log, site_server):
    """Netlify serves 404.html at any depth: its links must not be relative."""
    missing = "articles/no-such-article/deeper/"
    response = visit(missing)
    assert response.status == 404
    assert re.search(r'<html lang="ar" dir="rtl"[ >]', response.text())
    assert page.evaluate("getComputedStyle(document.body).fontFamily").strip('"').startswith(FONT_FAMILY)
    assert page.evaluate("[...document.fonts].some(f => f.status === 'loaded')")
    own = f"{site_server}/{missing}"
    problems = [p for p in page_log.problems() if own not in p]
    assert problems == []


def test_csp_is_enforced_and_violations_are_seen(visit, page, page_log):
    """Negative control: the policy really blocks inline script, and the
    fixtures really notice, so a clean page above means something."""
    visit("")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__inlineRan = true';
                   document.head.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inlineRan === undefined")
    page_log.collect_csp(page)
    assert any(v["directive"].startswith("script-src") for v in page_log.csp_violations)
    assert any("Content Security Policy" in m for m in page_log.console_errors)


def test_pagefind_search_runs_under_the_csp(site_dir, visit, page, page_log, article_path):
    if not (site_dir / "pagefind" / "pagefind.js").exists():
        pytest.skip("the site has no Pagefind index")
    visit(article_path)
    title = page.inner_text(".md-content h1")
    word = max(re.findall(r"[\u0621-\u064A]+", title), key=len)
    result = page.evaluate(
        """async (word) => {
          const pagefind = await import('/pagefind/pagefind.js');
          await pagefind.init();
          const search = await pagefind.search(word);
          const urls = await Promise.all(search.results.slice(0, 20)
                                         .map(async r => (await r.data()).url));
          return {count: search.results.length, urls};
        }""",
        word,
    )
    assert result["count"] > 0, f"no result for {word!r}"
    assert any(article_path.rstrip("/") in u for u in result["urls"]), result
    page_log.collect_csp(page)
    assert page_log.problems() == []


# ---------------------------------------------------------- reading styles


def test_reading_styles_apply(visit, page, article_path):
    visit(article_path)
    css = page.evaluate(
        """() => {
          const get = (sel) => document.querySelector(sel);
          const p = [...document.querySelectorAll('.md-content .md-typeset p')]
            .find(e => /[\\u0600-\\u06FF]/.test(e.textContent));
          const s = getComputedStyle(p);
          const out = {
            family: s.fontFamily, size: parseFloat(s.fontSize),
            lineHeight: parseFloat(s.lineHeight),
            measure: get('.md-content__inner').getBoundingClientRect().width,
          };
          const cap = get('figure.photo figcaption'), credit = get('figcaption .credit');
          if (cap && credit) {
            out.caption = {capSize: parseFloat(getComputedStyle(cap).fontSize),
                           creditSize: parseFloat(getComputedStyle(credit).fontSize),
                           capStyle: getComputedStyle(cap).fontStyle,
                           creditAfter: cap.textContent.trim().endsWith(credit.textContent.trim())};
          }
          const meta = get('dl.article-meta');
          if (meta) out.metaDisplay = getComputedStyle(meta).display;
          const teasers = get('ul.teasers > li');
          if (teasers) out.teaserMarker = getComputedStyle(teasers).listStyleType;
          return out;
        }"""
    )
    assert css["family"].strip('"').startswith(FONT_FAMILY), css
    assert css["size"] >= 17, css  # Naskh needs more than Material's 16px
    assert 1.8 <= css["lineHeight"] / css["size"] <= 2.0, css
    assert css["measure"] <= 42 * 20 + 1, css  # --archive-measure: 42rem
    if "caption" in css:
        cap = css["caption"]
        assert cap["creditSize"] < cap["capSize"] and cap["creditAfter"], cap
        assert cap["capStyle"] == "normal", cap  # no fake italics for Arabic
    if "metaDisplay" in css:
        assert css["metaDisplay"] == "grid"
    if "teaserMarker" in css:
        assert css["teaserMarker"] == "none"


def test_screenshots(visit, page, article_path, screenshot_dir):
    """Saves pictures for a person to look at (not committed); checks little."""
    shots = []
    for name, path in (("home", ""), ("article", article_path)):
        for device, size in (("desktop", (1280, 900)), ("mobile", (390, 844))):
            page.set_viewport_size({"width": size[0], "height": size[1]})
            visit(path)
            shot = screenshot_dir / f"{name}-{device}.png"
            page.screenshot(path=str(shot), full_page=(name == "article"))
            shots.append(shot)
    print("screenshots:", *shots, sep="\n  ")
    for shot in shots:
        assert shot.stat().st_size > 10_000, shot


# ------------------------------------------------ files the pages rely on


def _strip_css_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def test_archive_css_uses_logical_properties_only():
    css = _strip_css_comments((ROOT / "docs/assets/stylesheets/archive.css").read_text(encoding="utf-8"))
    css = re.sub(r"@media[^{]*", "@media", css)  # media features may say width
    physical = re.compile(
        r"(?<![\w-])(?:(?:margin|padding|border)-(?:left|right|top|bottom)(?:-\w+)?"
        r"|left|right|top|bottom|(?:min-|max-)?(?:width|height)"
        r"|float|clear|text-align)\s*:\s*([^;}]*)"
    )
    bad = [
        m.group(0)
        for m in physical.finditer(css)
        if not m.group(0).startswith(("float", "clear", "text-align")) or re.search(r"\b(left|right)\b", m.group(1))
    ]
    assert bad == [], "use logical properties (margin-inline-start, inline-size…)"


def test_fonts_are_small_and_licensed():
    fonts = ROOT / "docs/assets/fonts"
    files = sorted(fonts.rglob("*.woff2"))
    assert files and sum(f.stat().st_size for f in files) < 400_000
    for f in files:
        assert f.read_bytes()[:4] == b"wOF2", f
        assert (f.parent / "OFL.txt").exists(), f"no licence beside {f}"
    css = (ROOT / "docs/assets/stylesheets/archive.css").read_text(encoding="utf-8")
    for f in files:
        assert f.name in css, f"{f.name} is vendored but no @font-face uses it"
    assert css.count("font-display: swap") == css.count("@font-face")


def test_base_html_override_is_materials_plus_dir():
    import material

    upstream = (Path(material.__file__).parent / "templates/base.html").read_text(encoding="utf-8")
    ours = (ROOT / "templates/overrides/base.html").read_text(encoding="utf-8")

    def drop_header(text: str) -> str:
        return re.sub(r"\A\{#-.*?-#\}\n", "", text, flags=re.S)

    undone = drop_header(ours).replace(' dir="{{ direction }}"', "", 1)
    undone = undone.replace('\n{% set direction = config.theme.direction or lang.t("direction") %}\n', "\n", 1)
    # MkDocs renders theme templates without autoescaping: values that come from seeds
    # (page title, description, author) are escaped in our copy.
    for escaped in ("page.meta.description | e", "page.meta.author | e", "page.meta.title | e"):
        undone = undone.replace(escaped, escaped[: -len(" | e")])
    undone = undone.replace("page.title | striptags | e", "page.title | striptags")
    assert undone == drop_header(upstream), (
        "Material's base.html changed: copy it to templates/overrides/base.html "
        'again and put dir="{{ direction }}" back on <html>'
    )
