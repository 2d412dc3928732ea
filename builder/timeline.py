"""The timeline: an SVG bar chart of articles per month, drawn at build time.

No chart library or external script: the chart is a few rectangles written
here, so it renders without JavaScript, under the site's strict CSP (no
inline styles: colours come from classes in browse.css), and identically on
every build. Each bar is a link to its month's page. For screen readers the
figure has a title and description, every bar link an Arabic label with its
month and count, and the caption says how many articles have no date (they
cannot be placed on a time axis, and hiding them would mislead).

Months run right to left, oldest at the right edge, as the site's Arabic
reading direction has time advance leftwards.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .browse import by_month, month_label, month_range, month_url
from .model import Article
from .render import articles_count, rel

BAR = 18  # width of one month's bar
GAP = 6
HEIGHT = 120  # plot height; the tallest bar fills it
TOP = 18  # room for the count above the tallest bar
BOTTOM = 34  # room for the year labels


def timeline_svg(articles: Sequence[Article], page_url: str, chart_id: str = "timeline") -> Markup:
    """The chart as an inline <figure>; empty when no article has a known date."""
    months = by_month(articles)
    if not months:
        return Markup("")
    axis = month_range(months)
    counts = {m: len(months.get(m, ())) for m in axis}
    peak = max(counts.values())
    width = len(axis) * (BAR + GAP) + GAP
    height = TOP + HEIGHT + BOTTOM
    undated = sum(1 for a in articles if not a.date)
    first, last = month_label(axis[0]), month_label(axis[-1])
    title = f"عدد المقالات في كل شهر من {first} إلى {last}"
    desc = "؛ ".join(f"{month_label(m)}: {articles_count(c)}" for m, c in counts.items() if c)
    parts = [
        f'<figure class="timeline" id="{chart_id}-figure">',
        f'<svg class="timeline-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<line class="axis" x1="0" y1="{TOP + HEIGHT}" x2="{width}" y2="{TOP + HEIGHT}"/>',
    ]
    for i, month in enumerate(axis):
        count = counts[month]
        x = width - GAP - (i + 1) * (BAR + GAP) + GAP  # oldest month at the right
        h = round(HEIGHT * count / peak) if count else 0
        y = TOP + HEIGHT - h
        if count:
            # The visible count starts the name, so a voice user can say what they see.
            label = f"{count} {'مقال' if count == 1 else 'مقالات'}: {month_label(month)}"
            parts.append(
                f'<a href="{escape(rel(page_url, month_url(month)))}" aria-label="{escape(label)}">'
                f"<title>{escape(label)}</title>"
                f'<rect class="bar" x="{x}" y="{y}" width="{BAR}" height="{h}"/>'
                f'<text class="count" x="{x + BAR / 2:g}" y="{y - 4}" text-anchor="middle" aria-hidden="true">'
                f"{count}</text>"
                "</a>"
            )
        if month.endswith("-01") or i == 0:
            parts.append(
                f'<text class="year" x="{x + BAR:g}" y="{TOP + HEIGHT + 22}" text-anchor="end" aria-hidden="true">'
                f"{month[:4]}</text>"
            )
    parts.append("</svg>")
    caption = f"{title}. كل عمود رابط إلى مقالات شهره."
    if undated:
        caption += f" {articles_count(undated)} بلا تاريخ معروف لا تظهر في الرسم."
    parts.append(f"<figcaption>{escape(caption)}</figcaption>")
    parts.append("</figure>")
    return Markup("".join(parts))
