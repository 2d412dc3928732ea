"""The only writer of generated files: atomic, deterministic, never the same path twice.

A build renders every page in memory first (`Output`), then writes. Each file
is written to a temporary name and renamed over the old one, so a reader (or
`mkdocs serve`) never sees half a page, and an interrupted build leaves the
previous pages usable. Unchanged files are not touched, so MkDocs' watcher
only sees what really changed. Generated files are listed in a manifest, so
files of articles that disappeared are removed without ever touching the
hand-written pages that share `docs/`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".generated.json"


class DuplicateOutput(ValueError):
    """Two pages want the same path: a bug in the builder, never an input problem."""


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


class Output:
    """Pages of one build, gathered before anything is written."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, path: str, content: str | bytes) -> None:
        if path in self._files:
            raise DuplicateOutput(f"two generated pages want {path}")
        if path.startswith("/") or ".." in Path(path).parts:
            raise DuplicateOutput(f"generated path escapes the docs folder: {path}")
        self._files[path] = content.encode("utf-8") if isinstance(content, str) else content

    def paths(self) -> list[str]:
        return sorted(self._files)

    def get(self, path: str) -> bytes:
        return self._files[path]

    def __len__(self) -> int:
        return len(self._files)


def write_output(output: Output, docs_dir: Path) -> WriteResult:
    docs_dir.mkdir(parents=True, exist_ok=True)
    previous = _read_manifest(docs_dir)
    written: list[str] = []
    unchanged = 0
    for rel in output.paths():
        target = docs_dir / rel
        data = output.get(rel)
        try:
            if target.read_bytes() == data:
                unchanged += 1
                continue
        except OSError:
            pass
        atomic_write(target, data)
        written.append(rel)
    current = set(output.paths())
    removed = sorted(p for p in previous - current if (docs_dir / p).is_file())
    for rel in removed:
        (docs_dir / rel).unlink()
        _prune_empty_dirs((docs_dir / rel).parent, docs_dir)
    manifest = json.dumps(sorted(current), ensure_ascii=False, indent=0).encode("utf-8")
    atomic_write(docs_dir / MANIFEST, manifest)
    return WriteResult(tuple(written), unchanged, tuple(removed))


def atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(docs_dir: Path) -> set[str]:
    try:
        return set(json.loads((docs_dir / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
