"""Cross-links between articles: teasers that stand for archive articles.

Runs after every seed has been read, because a teaser in one file may stand
for an article in another. Entity links and related articles build on the
same stage (see `entities`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Article
from .normalize import normalize

# Runs of what `str.isalnum` accepts: `re`'s word characters are exactly those and the underscore.
_ALNUM_RUN = re.compile(r"[^\W_]+")


def title_key(title: str) -> str:
    """Titles compared in matching form, ignoring punctuation and spacing."""
    return " ".join(_ALNUM_RUN.findall(normalize(title)))


def link_teasers(articles: tuple[Article, ...]) -> tuple[Article, ...]:
    """Point each teaser at the archive article with the same title, if there is one."""
    by_title: dict[str, str] = {}
    for article in articles:
        if not article.title_derived:
            by_title.setdefault(title_key(article.title), article.id)
    target_of: dict[str, str | None] = {}  # by teaser title: an outlet's teasers repeat across its pages
    linked: list[Article] = []
    for article in articles:
        if not article.teasers:
            linked.append(article)
            continue
        teasers = []
        for t in article.teasers:
            if t.title not in target_of:
                target_of[t.title] = by_title.get(title_key(t.title))
            target = target_of[t.title]
            teasers.append(replace(t, target_id=target) if target != article.id else t)
        linked.append(replace(article, teasers=tuple(teasers)))
    return tuple(linked)
