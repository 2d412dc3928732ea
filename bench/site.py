"""Build a site from other seeds with the real configuration: shared by `make bench` and the end-to-end tests.

The real `mkdocs.yml` cannot simply be pointed at another docs folder: MkDocs
resolves a config's relative paths against the file that loads it, and the
builder's MkDocs hook rebuilds the *real* seeds into whatever docs_dir it is
given. So the config written here INHERITs the real one, makes every path
absolute, and keeps every hook except that one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hand_written_docs(target: Path) -> None:
    """The real docs/ without what the builder generated: the pages and assets people wrote."""
    source = ROOT / "docs"
    try:
        generated = set(json.loads((source / ".generated.json").read_text("utf-8")))
    except (OSError, ValueError):
        generated = set()
    shutil.rmtree(target, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        if path.is_file() and rel not in generated and rel != ".generated.json":
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / rel)


def mkdocs_config(work: Path, docs: Path, site: Path, strict: bool = False) -> Path:
    """The real mkdocs.yml, pointed at the bench's docs and site.

    MkDocs resolves a config's relative paths against the file that loads it,
    so every path here is absolute; hooks are listed without `mkdocs_hook.py`,
    whose `on_pre_build` rebuilds the real seeds into docs_dir (its cost is
    measured separately as the cached builder pass).
    """
    hooks = [str(ROOT / h) for h in _real_hooks() if not h.endswith("mkdocs_hook.py")]
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(docs),
        "site_dir": str(site),
        "theme": {"name": "material", "custom_dir": str(ROOT / "templates" / "overrides")},
        "hooks": hooks,
        "strict": strict,
    }
    path = work / "mkdocs.yml"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML
    return path


def _real_hooks() -> list[str]:
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !!python/… tags: not needed here
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    return list(config.get("hooks") or [])


def build_site(
    seeds: Path, work: Path, strict: bool = True, python: str | None = None
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str] | None]:
    """Builder then `mkdocs build` into work/docs and work/site, as `make site` does for the real seeds.

    Returns both processes; MkDocs is not run when the builder failed.
    """
    python = python or sys.executable
    docs, site, notes = work / "docs", work / "site", work / "annotations"
    notes.mkdir(parents=True, exist_ok=True)
    if not docs.exists():
        hand_written_docs(docs)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [python, "-m", "builder", "build", "--seeds", str(seeds), "--docs", str(docs)]
    cmd += ["--annotations", str(notes), "--no-cache"]
    built = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if built.returncode != 0:
        return built, None
    config = mkdocs_config(work, docs, site, strict=strict)
    mkdocs = str(Path(python).parent / "mkdocs")
    rendered = subprocess.run([mkdocs, "build", "-f", str(config)], cwd=ROOT, capture_output=True, text=True, env=env)
    return built, rendered
