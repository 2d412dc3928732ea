"""`make serve`: editing a seed while `mkdocs serve` runs updates the preview."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COPY = (
    "builder",
    "templates",
    "seeds",
    "mkdocs.yml",
    "docs/about.md",
    "docs/data.md",
    "docs/assets",
    "entities",
    "annotations",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, needle: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and needle in body:
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("flags", [(), ("--dirty",)], ids=["serve", "make-serve-dirty"])
def test_serve_rebuilds_when_a_seed_changes(tmp_path: Path, flags: tuple[str, ...]):
    """Also as `make serve` runs it (`--dirty`), which MkDocs warns about: the site's strict mode must not abort."""
    project = tmp_path / "project"
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    seed = project / "seeds" / "002_a68afca5fd10d92a.txt"
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    server = subprocess.Popen(
        [mkdocs, "serve", *flags, "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "serve.log").open("wb"),
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(base, "شاركت واشنطن معلومات استخباراتية"), "serve never came up with the archive"
        from builder.build import assemble

        (intel,) = [a for a in assemble(project / "seeds", cache_dir=None, jobs=1).articles if a.date]
        marker = "فقرة أضافها محرر أثناء المعاينة للتحقق من إعادة البناء."
        seed.write_text(seed.read_text(encoding="utf-8") + "\n" + marker + "\n", encoding="utf-8")
        assert wait_for(base + intel.url, marker), "the preview did not pick up the edited seed"
        # The builder's own writes into docs/ are not a change to build again for: one build per edit.
        time.sleep(3)
        log = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
        assert log.count("Building documentation") == 2, log[-2000:]
        about = project / "docs" / "about.md"  # hand-written pages are still watched
        about.write_text(about.read_text(encoding="utf-8") + "\nسطر أضافه محرر.\n", encoding="utf-8")
        assert wait_for(base + "about/", "سطر أضافه محرر."), "the preview did not pick up the edited page"
    finally:
        server.terminate()
        server.wait(timeout=20)
