"""What `make serve` waits for: the builder's rebuilds inside one long-lived process.

`mkdocs serve` runs the builder from its hook (`builder/mkdocs_hook.py`) in
its own process on every change, so whatever the builder keeps in memory
between two builds counts; a fresh `python -m builder build` per change (what
`bench/__main__.py` times as "rebuild after 1 seed") pays the interpreter,
imports and cache reads every time. This runs, in one process and with one
`Session` (as the hook does): a warm-up build, a build with nothing changed,
a build after one seed changed and one after one annotation changed, and
prints the builder's wall and CPU seconds for each, then all figures as JSON.

    python -m bench.serve_rebuild SEEDS DOCS ANNOTATIONS
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.__main__ import annotate_one, change_one_seed, counts_of
from builder.build import build
from builder.session import Session


def timed_build(seeds: Path, docs: Path, annotations: Path, session: Session) -> dict[str, object]:
    started, cpu = time.perf_counter(), time.process_time()
    result = build(seeds, docs, annotations_dir=annotations, session=session)
    return {
        "wall": round(time.perf_counter() - started, 3),
        "cpu": round(time.process_time() - cpu, 3),
        "summary": result.summary(),
    } | counts_of(result.summary())


def main(argv: list[str]) -> int:
    seeds, docs, annotations = (Path(a) for a in argv[:3])
    session = Session()
    runs = {"warm_up": timed_build(seeds, docs, annotations, session)}
    runs["no_change"] = timed_build(seeds, docs, annotations, session)
    change_one_seed(seeds)
    runs["one_seed"] = timed_build(seeds, docs, annotations, session)
    if annotate_one(annotations, docs, "ملاحظة ثالثة للقياس.") is not None:
        runs["one_annotation"] = timed_build(seeds, docs, annotations, session)
    for name, run in runs.items():  # readable lines first (stderr); the JSON line is for `make bench`
        print(f"{name:>15}: wall {run['wall']:6.2f} s  cpu {run['cpu']:6.2f} s  {run['summary']}", file=sys.stderr)
    print(json.dumps(runs, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
