"""Fuzz the seed reader and parser: bytes -> decode -> split -> extract must never raise.

Run: `.venv/bin/python fuzz/fuzz_parser.py -atheris_runs=200000` (libFuzzer flags
work: -max_total_time=60, -max_len=65536). The corpus starts from the real
seeds and the hostile corpus, so mutations stay close to the shapes that
matter. Any exception is a crash libFuzzer saves as `crash-<hash>`.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["builder"]):  # our code only: stdlib stays fast
    from builder.extract import extract_article
    from builder.parse import split_articles
    from builder.sources import decode_seed

RUNS = 0


def one_input(data: bytes) -> None:
    global RUNS
    RUNS += 1
    source, problems = decode_seed(data, "seeds/fuzz.txt")
    assert all(p.line >= 1 for p in problems)
    if source is None:
        return
    for raw in split_articles(source.path, source.text):
        article, found = extract_article(raw)
        assert article.id.startswith("a-") and all(p.line >= 1 for p in found)


def seed_corpus(folder: Path) -> None:
    """Copy the real and hostile seeds into the corpus folder libFuzzer starts from."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "hostile").glob("*.txt")):
        (folder / path.name).write_bytes(path.read_bytes()[:65536])


def artifacts() -> list[str]:
    """Crashes and slow inputs go to .cache/fuzz/artifacts/, not the working directory."""
    folder = ROOT / ".cache" / "fuzz" / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return [] if any(a.startswith("-artifact_prefix") for a in sys.argv) else [f"-artifact_prefix={folder}/"]


if __name__ == "__main__":
    corpus = ROOT / ".cache" / "fuzz" / "parser"
    seed_corpus(corpus)
    args = [*sys.argv, *artifacts(), str(corpus)]
    atheris.Setup(args, one_input)
    atexit.register(lambda: print(f"fuzz_parser: {RUNS} inputs tried", file=sys.stderr))
    atheris.Fuzz()
