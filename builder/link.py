"""Cross-links between articles: teasers that stand for archive articles.

Runs after every seed has been read, because a teaser in one file may stand
for an article in another. Entity links and related articles build on the
same stage (see `entities`).
"""

from __future__ import annotations

from dataclasses import replace

from .model import Article
from .normalize import normalize


def title_key(title: str) -> str:
    """Titles compared in matching form, ignoring punctuation and spacing."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in normalize(title)).split())


def link_teasers(articles: tuple[Article, ...]) -> tuple[Article, ...]:
    """Point each teaser at the archive article with the same title, if there is one."""
    by_title: dict[str, str] = {}
    for article in articles:
        if not article.title_derived:
            by_title.setdefault(title_key(article.title), article.id)
    linked: list[Article] = []
    for article in articles:
        if not article.teasers:
            linked.append(article)
            continue
        teasers = tuple(
            replace(t, target_id=by_title.get(title_key(t.title)))
            if by_title.get(title_key(t.title)) != article.id
            else t
            for t in article.teasers
        )
        linked.append(replace(article, teasers=teasers))
    return tuple(linked)
