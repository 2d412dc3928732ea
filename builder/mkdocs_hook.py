"""MkDocs hook: `mkdocs serve` rebuilds the archive when a seed or annotation changes.

MkDocs only watches docs/ and mkdocs.yml; this adds the builder's inputs to
the watcher and runs the builder before each build. The builder writes only
pages whose bytes changed, so its own writes settle after one round, and
`mkdocs serve --dirty` (`make serve`) then re-renders only those pages.
The builder's `Session` keeps what each build computed for the next one, so a
rebuild after one edit redoes only what that edit changed; it lives in the
builder's module, because MkDocs executes this file afresh on every rebuild.
`make site` runs the builder itself first (reporting its problems and failing
on errors) and sets ARCHIVE_BUILDER=off, so the archive is not built twice.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("seeds", "annotations", "entities", "templates")
log = logging.getLogger("mkdocs.builder")


def on_startup(command: str, dirty: bool = False, **_: object) -> None:
    """Under `--dirty`, MkDocs' notice that it is dirty is logged as information, not as a warning.

    MkDocs warns on every `--dirty` build, and the site's `strict: true`
    counts that warning, so `make serve` aborted its first build and never
    served. Real warnings (a broken link) still count.
    """
    if not dirty:
        return
    build_log = logging.getLogger("mkdocs.commands.build")
    if not any(getattr(f, "dirty_notice", False) for f in build_log.filters):  # MkDocs re-runs this file
        build_log.addFilter(_dirty_notice)


def _dirty_notice(record: logging.LogRecord) -> bool:
    if record.levelno == logging.WARNING and str(record.msg).startswith("A 'dirty' build is being performed"):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


_dirty_notice.dirty_notice = True  # type: ignore[attr-defined]


def on_pre_build(config, **_: object) -> None:
    if os.environ.get("ARCHIVE_BUILDER") == "off":
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from builder.build import build
    from builder.session import serve_session

    started, cpu = time.perf_counter(), time.process_time()
    result = build(ROOT / "seeds", Path(config["docs_dir"]), session=serve_session())
    for problem in result.problems:
        (log.error if problem.severity == "error" else log.info)(problem.format())
    took = f"wall {time.perf_counter() - started:.2f} s, cpu {time.process_time() - cpu:.2f} s"
    log.info("archive builder: %s (%s)", result.summary(), took)


def on_serve(server, config, builder, **_: object):
    for name in WATCHED:
        folder = ROOT / name
        if folder.exists():
            server.watch(str(folder))
    _watch_hand_written(server, Path(config["docs_dir"]))
    return server


def _watch_hand_written(server, docs: Path) -> None:
    """Of docs/, only what people write is watched, not the pages the builder writes there.

    The builder writes its pages during MkDocs' build (`on_pre_build`), so a
    watch on them saw the builder's own writes as a new change and made
    MkDocs build everything a second time after each edit. Its pages change
    only when its inputs (watched above) do. Watched: each hand-written file
    at the top of docs/ and each folder holding one (assets/); a file or
    folder added to docs/ later is seen after a restart.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from builder.write import MANIFEST

    try:
        generated = set(json.loads((docs / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return  # no build has listed its pages: watch docs/ whole, as MkDocs does
    server.unwatch(str(docs))
    for entry in sorted(docs.iterdir()):
        if entry.name.startswith("."):
            continue  # the builder's manifest and journal; MkDocs skips dot files
        files = [entry] if entry.is_file() else [f for f in entry.rglob("*") if f.is_file()]
        if any(f.relative_to(docs).as_posix() not in generated for f in files):
            server.watch(str(entry))
