"""Command line: `python -m builder build | check | report | annotate <article-id>`.

Both print every problem in `path:line:col: severity[CODE]: message (hint)`
form, then a one-line summary, and exit 1 when there is an error, so CI and
`make site` refuse to publish a broken archive while a warning never blocks it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .annotations import starter_yaml
from .build import ANNOTATIONS_DIR, CACHE_DIR, ROOT, assemble, build
from .problems import has_errors, sorted_problems
from .registry import validate_registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder", description="Build the Arabic news archive.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("build", "read seeds and write pages into docs/"), ("check", "validate without writing")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of seed files")
        cmd.add_argument("--docs", type=Path, default=ROOT / "docs", help="MkDocs docs folder to write into")
        cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
        cmd.add_argument("--no-cache", action="store_true", help="re-extract every seed")
        cmd.add_argument("--jobs", type=int, default=None, help="processes for extraction and analysis (default 1)")
        cmd.add_argument("--quiet", action="store_true", help="print only errors and the summary")
        cmd.add_argument("--annotations", type=Path, default=ANNOTATIONS_DIR, help="folder of annotation files")
    report_cmd = sub.add_parser("report", help="editors' report: discovered names as registry YAML, likely variants")
    report_cmd.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of seed files")
    report_cmd.add_argument("--full", action="store_true", help="every sentence of every name, not only the first few")
    starter = sub.add_parser("annotate", help="print a starter annotation file for one article")
    starter.add_argument("article_id", help="the article's id, e.g. a-528e9c4a65")
    starter.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of seed files")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds}: error[S000]: seeds folder not found", file=sys.stderr)
        return 2
    if args.command == "annotate":
        return annotate(args.seeds, args.article_id)
    if args.command == "report":
        return report(args.seeds, full=args.full)
    result = build(
        args.seeds,
        args.docs,
        cache_dir=None if args.no_cache else CACHE_DIR,
        jobs=args.jobs,
        write=args.command == "build",
        annotations_dir=args.annotations,
    )
    problems = result.problems
    if args.command == "check":  # the entity registry, validated on its own too (duplicates collapse)
        problems = tuple(sorted_problems([*problems, *validate_registry()]))
    for problem in problems:
        if not args.quiet or problem.severity == "error":
            print(problem.format(), file=sys.stderr)
    print(result.summary())
    return 1 if has_errors(problems, strict=args.strict) else 0


def report(seeds: Path, full: bool = False) -> int:
    """Print the editors' report: every discovered name (the site's page lists the most named)."""
    from .entity_pages import editors_report

    result = assemble(seeds)
    for problem in result.problems:
        if problem.file.startswith("entities/"):
            print(problem.format(), file=sys.stderr)
    if result.entities is None:
        print("no entity registry found", file=sys.stderr)
        return 1
    sys.stdout.write(editors_report(result.articles, result.entities).text(full=full))
    return 0


def annotate(seeds: Path, article_id: str) -> int:
    """Print annotations/<id>.yml to start from, with the article's paragraphs to copy quotes from."""
    articles = {a.id: a for a in assemble(seeds, annotations_dir=None).articles}  # the extracted values
    article = articles.get(article_id)
    if article is None:
        hint = "ids are in docs/data/articles.jsonl and on each article page"
        print(f"{article_id}: error[A101]: no article with this id ({hint})", file=sys.stderr)
        return 1
    sys.stdout.write(starter_yaml(article))
    return 0


if __name__ == "__main__":
    sys.exit(main())
