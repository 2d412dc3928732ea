"""Fixtures for the browser tests: the real site, served with the real headers.

- `built_site` (tests/conftest.py): the archive built once per session the way
  `make site` does it; ARCHIVE_TEST_SITE=<folder> (e.g. `site` after
  `make site`) serves an already built folder instead, to iterate faster.
- `site_server`: that folder over HTTP on 127.0.0.1, sending the response
  headers that netlify.toml declares (parsed here), so a test that finds no
  CSP violation proves the deployed Content-Security-Policy really works; a
  missing path gets the site's 404.html with status 404, as on Netlify.
- `browser`: one headless Debian Chromium per session (never a downloaded one).
- `page` / `page_log`: a fresh tab per test and what it saw: console errors,
  uncaught exceptions, CSP violations, every request and failed response.

Without /usr/bin/chromium the browser tests are skipped, except under CI=true,
where .ci/run installs it and a missing browser is a failure.
"""

from __future__ import annotations

import fnmatch
import functools
import http.server
import os
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Served with nosniff, so every type a browser checks must be right.
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".xml": "application/xml",
    ".gz": "application/gzip",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json",
}


def parse_netlify_headers(path: str) -> dict[str, str]:
    """The headers netlify.toml sets for `path`, values as Netlify sends them.

    Netlify joins a multi-line value into one line; so does this.
    """
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    headers: dict[str, str] = {}
    for rule in config.get("headers", []):
        if fnmatch.fnmatchcase(path, rule["for"]):
            for name, value in rule.get("values", {}).items():
                headers[name] = " ".join(str(value).split())
    return headers


@pytest.fixture(scope="session")
def netlify_headers():
    """netlify_headers(path) -> the headers netlify.toml sets for that path."""
    return parse_netlify_headers


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def end_headers(self) -> None:
        for name, value in parse_netlify_headers(urlsplit(self.path).path).items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Like Netlify: a missing path gets the site's own 404.html, status 404.
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", MIME_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest output clean; page_log records what the browser saw


@pytest.fixture(scope="session")
def site_dir(request: pytest.FixtureRequest) -> Path:
    """The folder to serve: $ARCHIVE_TEST_SITE if set, else the real build."""
    prebuilt = os.environ.get("ARCHIVE_TEST_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    return request.getfixturevalue("built_site")


@pytest.fixture(scope="session")
def site_server(site_dir: Path):
    """Base URL (no trailing slash) of `site_dir` served on 127.0.0.1."""
    handler = functools.partial(_Handler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site_server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# Records `securitypolicyviolation` events before any page script runs.
# Playwright injects init scripts itself, so the page's CSP does not block it.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: e.sourceFile,
    line: e.lineNumber,
    sample: e.sample,
  });
});
"""


@dataclass
class PageLog:
    """What one tab saw; `problems()` is everything a clean page must not have."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    csp_violations: list[dict] = field(default_factory=list)

    def collect_csp(self, tab) -> None:
        """Move the tab's recorded CSP violations into this log (call before
        leaving a page: a navigation starts a new list)."""
        self.csp_violations.extend(tab.evaluate("window.__cspViolations || []"))

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught: {m}" for m in self.page_errors]
            + [f"failed: {m}" for m in self.failed]
            + [f"CSP violation: {v}" for v in self.csp_violations]
        )


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog):
    """A fresh tab (own context: no shared cache or storage) logging to page_log."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar", service_workers="block")
    context.add_init_script(_CSP_LISTENER)
    # Nothing leaves this machine: a request to another host is aborted here
    # (it is still recorded in page_log.requests and page_log.failed).
    context.route(lambda url: urlsplit(url).hostname not in LOCAL_HOSTS, lambda route: route.abort())
    tab = context.new_page()
    tab.set_default_timeout(15_000)

    def on_console(msg) -> None:
        if msg.type == "error":
            page_log.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}")

    def on_response(response) -> None:
        if response.status >= 400:
            page_log.failed.append(f"{response.status} {response.url}")

    def on_request_failed(request) -> None:
        page_log.failed.append(f"{request.failure} {request.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: page_log.page_errors.append(str(exc)))
    tab.on("request", lambda request: page_log.requests.append(request.url))
    tab.on("response", on_response)
    tab.on("requestfailed", on_request_failed)

    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def visit(page, page_log: PageLog, site_server: str):
    """visit("articles/x/") -> Response: open a site path in `page`, wait until
    the network is idle and the fonts are ready, and record CSP violations."""

    def _visit(path: str = ""):
        response = page.goto(f"{site_server}/{path.lstrip('/')}", wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        page_log.collect_csp(page)
        return response

    return _visit


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $ARCHIVE_SCREENSHOTS if set, else a pytest temp dir."""
    target = os.environ.get("ARCHIVE_SCREENSHOTS")
    if target:
        path = Path(target)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")
