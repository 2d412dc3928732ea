"""Fuzz the annotation loader: any bytes as `annotations/<id>.yml`, then applied to the real articles.

Run: `.venv/bin/python fuzz/fuzz_annotations.py -atheris_runs=100000`. A file
may be rejected with problems, never crash the build: parse, validate and
anchor (quote search, spans) must all return. The corpus starts from the real
annotations.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["builder"]):  # our code only: stdlib stays fast
    from builder.annotations import apply_annotations, parse_annotation
    from builder.build import assemble

ARTICLES = assemble(ROOT / "seeds", cache_dir=None, jobs=1, annotations_dir=None).articles
IDS = [a.id for a in ARTICLES]
RUNS = 0


def one_input(data: bytes) -> None:
    global RUNS
    RUNS += 1
    # Half the inputs name a real article, so anchoring gets exercised, not only validation.
    if data[:1] == b"\x01" and IDS:
        data = f"article: {IDS[data[1] % len(IDS) if len(data) > 1 else 0]}\n".encode() + data[2:]
    raw, problems = parse_annotation("annotations/fuzz.yml", data)
    assert all(p.line >= 1 for p in problems)
    if raw is not None:
        articles, found = apply_annotations(ARTICLES, [raw])
        assert len(articles) == len(ARTICLES) and all(p.line >= 1 for p in found)


def artifacts() -> list[str]:
    """Crashes and slow inputs go to .cache/fuzz/artifacts/, not the working directory."""
    folder = ROOT / ".cache" / "fuzz" / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return [] if any(a.startswith("-artifact_prefix") for a in sys.argv) else [f"-artifact_prefix={folder}/"]


if __name__ == "__main__":
    corpus = ROOT / ".cache" / "fuzz" / "annotations"
    corpus.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "annotations").glob("*.yml")):
        (corpus / path.name).write_bytes(path.read_bytes())
    atheris.Setup([*sys.argv, *artifacts(), str(corpus)], one_input)
    atexit.register(lambda: print(f"fuzz_annotations: {RUNS} inputs tried", file=sys.stderr))
    atheris.Fuzz()
