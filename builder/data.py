"""The machine-readable catalogue: one JSON object per article in `data/articles.jsonl`.

Researchers take the archive's extraction without scraping pages, so every
field the pages show is here, with its provenance, in a stable key order.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from .model import Article


def article_record(article: Article) -> dict[str, object]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "title_derived": article.title_derived,
        "deck": article.deck,
        "date": article.date,
        "date_source": article.date_source,
        "earliest_date": article.earliest_date,
        "earliest_date_source": article.earliest_date_source,
        "outlet": article.outlet,
        "outlet_source": article.outlet_source,
        "dateline": article.dateline,
        "byline": article.byline,
        "captions": [{"text": c.text, "credit": c.credit, "line": c.line} for c in article.captions],
        "headings": list(article.headings),
        "paragraphs": list(article.paragraphs),
        "quotes": [asdict(q) for q in article.quotes],
        "teasers": [
            {k: v for k, v in asdict(t).items() if k != "caption"}
            | {"caption": asdict(t.caption) if t.caption else None}
            for t in article.teasers
        ],
        "entities": [asdict(e) for e in article.entities],
        "related": list(article.related),
        "annotated": article.annotated,
        # Editors' corrections override title/date/outlet above; what the builder extracted stays here.
        "corrections": [
            {"field": c.field, "value": c.value, "extracted": c.extracted, "source": f"{c.file}:{c.line}"}
            for c in article.corrections
        ],
        "notes": [
            {
                "number": n.number,
                "kind": n.kind,
                "verdict": n.verdict,
                "quote": n.quote,
                "paragraph": n.pieces[0][0] + 1,
                "text": n.text,
                "author": n.author,
                "sources": list(n.sources),
                "source": f"{n.file}:{n.line}",
            }
            for n in article.notes
        ],
        "source": article.source,
        "line": article.line,
    }


def articles_jsonl(articles: tuple[Article, ...]) -> str:
    return "".join(json.dumps(article_record(a), ensure_ascii=False, sort_keys=False) + "\n" for a in articles)
