"""MkDocs hook: `mkdocs serve` rebuilds the archive when a seed or annotation changes.

MkDocs only watches docs/ and mkdocs.yml; this adds the builder's inputs to
the watcher and runs the builder before each build. The builder writes only
pages whose bytes changed, so its own writes settle after one round, and
`mkdocs serve --dirty` (`make serve`) then re-renders only those pages.
`make site` runs the builder itself first (reporting its problems and failing
on errors) and sets ARCHIVE_BUILDER=off, so the archive is not built twice.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("seeds", "annotations", "entities", "templates")
log = logging.getLogger("mkdocs.builder")


def on_pre_build(config, **_: object) -> None:
    if os.environ.get("ARCHIVE_BUILDER") == "off":
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from builder.build import build

    result = build(ROOT / "seeds", Path(config["docs_dir"]))
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.info)(problem.format())
    log.info("archive builder: %s", result.summary())


def on_serve(server, config, builder, **_: object):
    for name in WATCHED:
        folder = ROOT / name
        if folder.exists():
            server.watch(str(folder))
    return server
