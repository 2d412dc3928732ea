"""Every internal link and anchor in the built site resolves.

Reads every HTML page MkDocs wrote (the real site, `built_site`), resolves each
`href`/`src` that stays on the site against the page's own URL, and checks
that the target file exists and, for `#fragment`, that the target page has an
element with that id. External links (other hosts, mailto:) are out of scope.
"""

from __future__ import annotations

import posixpath
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from bench.site import ROOT

SITE_URL = "https://sahel-archive.netlify.app/"


def _site_url() -> str:
    for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("site_url:"):
            return line.split(":", 1)[1].strip()
    return SITE_URL


def _target(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """(file the link points at, fragment) or None when the link leaves the site."""
    base = _site_url()
    if url.startswith(base):
        url = "/" + url[len(base) :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    page_dir = "/" + page.parent.relative_to(site).as_posix()
    path = unquote(parts.path)
    if not path:
        resolved = "/" + page.relative_to(site).as_posix()
    elif path.startswith("/"):
        resolved = posixpath.normpath(path)
    else:
        resolved = posixpath.normpath(posixpath.join(page_dir, path))
    target = site / resolved.lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


@cache
def _ids(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset(el["id"] for el in soup.find_all(id=True)) | frozenset(
        el["name"] for el in soup.find_all("a", attrs={"name": True})
    )


def test_every_internal_link_and_anchor_resolves(built_site):
    broken: list[str] = []
    checked = 0
    for page in sorted(built_site.rglob("*.html")):
        if page.name == "404.html":
            continue  # served at any depth; its links are absolute to site_url and checked below
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in soup.find_all(["a", "link", "script", "img", "source"]):
            url = el.get("href") or el.get("src")
            if not url or url.startswith(("mailto:", "tel:", "data:")):
                continue
            found = _target(built_site, page, url)
            if found is None:
                continue
            target, fragment = found
            checked += 1
            where = f"{page.relative_to(built_site)}: {url}"
            if not target.is_file():
                broken.append(f"{where} -> missing {target.relative_to(built_site)}")
            elif fragment and target.suffix == ".html" and fragment not in _ids(target):
                broken.append(f"{where} -> no #{fragment}")
    assert checked > 100
    assert broken == []


def test_the_404_page_links_resolve(built_site):
    page = built_site / "404.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    broken = []
    for el in soup.find_all(["a", "link", "script"]):
        url = el.get("href") or el.get("src")
        found = _target(built_site, built_site / "index.html", url) if url else None
        if found and not found[0].is_file():
            broken.append(url)
    assert broken == []
