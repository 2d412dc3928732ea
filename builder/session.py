"""What one long-lived process (`mkdocs serve`'s hook) keeps from one build to the next.

A stage is skipped when its inputs are the very objects it last saw; files
count as unchanged while their size, times and inode are (git's index makes
the same bet). `build.py` decides what each stage's inputs are.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from .model import Article
from .write import key_digest

_T = TypeVar("_T")


class Session:
    """What one long-lived process keeps between builds, so that a rebuild redoes only what changed.

    `mkdocs serve` builds on every save; without this, each build would read
    every seed's results back from the disk cache and rerun every
    whole-archive stage. Everything kept is a value of the last build (older
    ones are dropped), keyed by what it was computed from:

    - seed results and the entity analyses of each seed, by the content
      hashes the disk cache uses (a seed's hash is recomputed only when the
      file's size, times or inode moved, as git does for its index);
    - each stage's inputs (compared by identity: same objects, same result)
      and output; entity links are also reused when only editors' notes
      changed (`build._link_stage`), and equal linked articles stay the same objects;
    - the calls each whole-archive page group (reader pages, entity pages)
      made into the output, made again when its inputs did not change
      (`build._replayed`);
    - the page key digest of each article object, and the state of docs/ the
      last build left, so a build with nothing changed renders nothing.

    Every rebuild's output is byte for byte a fresh build's (tested in
    tests/e2e/test_render_cache.py). The process's heap is frozen between
    builds (see `build._no_cycle_collection`).
    """

    def __init__(self) -> None:
        self.seed_keys: dict[str, tuple[tuple, str]] = {}  # seed path -> (file signature, content key)
        self.blobs: dict[str, object] = {}  # disk-cache key -> value, as used by the last build
        self.used: dict[str, object] = {}  # the same, for the build under way
        self.stages: dict[str, tuple[tuple, object]] = {}  # stage -> (inputs, output) of its last run
        self.digests: dict[int, tuple[Article, bytes]] = {}  # id(article) -> (article, key_digest(article))
        self.docs: tuple | None = None  # (articles, entity index, docs folder, salt, file signatures) last written
        self.replays: dict[str, tuple[tuple, tuple, tuple]] = {}  # page group -> (inputs, articles, output calls)
        self.sources: tuple | None = None  # (seeds folder, signatures of the folders under it, its seeds)

    def stage(self, name: str, inputs: tuple, compute: Callable[[], _T]) -> _T:
        """`compute()`, or its last output when `inputs` are the very objects it was computed from."""
        last = self.stages.get(name)
        if last is not None and same_objects(last[0], inputs):
            return last[1]  # type: ignore[return-value]
        output = compute()
        self.stages[name] = (inputs, output)
        return output

    def digest(self, article: Article) -> bytes:
        """`key_digest(article)`, computed once per article object (the object is kept, so its id stays its own)."""
        kept = self.digests.get(id(article))
        if kept is not None and kept[0] is article:
            return kept[1]
        digest = key_digest(article)
        self.digests[id(article)] = (article, digest)
        return digest


@cache
def serve_session() -> Session:
    """The session of this process (`mkdocs serve`'s hook builds with it on every change)."""
    return Session()


def same_objects(old: tuple, new: tuple) -> bool:
    """Same length and the same objects, one level into tuples (the articles of a stage)."""
    if len(old) != len(new):
        return False
    for a, b in zip(old, new, strict=True):
        if a is b:
            continue
        if type(a) is not type(b):
            return False
        if type(a) in _PLAIN:  # values, not objects: a folder's state, a count
            if a != b:
                return False
        elif type(a) is not tuple or len(a) != len(b) or not all(map(operator.is_, a, b)):
            return False
    return True


_PLAIN = (int, str, bytes)


def signature(path: Path | str) -> tuple:
    """What changes when a file is rewritten (git's index uses the same): size, times, inode."""
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def folder_state(folder: Path | None) -> str:
    """The names and signatures of a folder's entries: a stage reading the folder reruns when they change."""
    if folder is None:
        return ""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return "missing"
    state = []
    for entry in entries:
        try:
            st = entry.stat()
        except OSError:
            state.append(entry.name)
            continue
        state.append(f"{entry.name}\0{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}")
    return "\n".join(state)
