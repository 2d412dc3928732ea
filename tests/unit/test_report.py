"""The editors' report: a bounded page, and the command line with every name and sentence."""

from __future__ import annotations

from builder import render
from builder.entity_pages import (
    REPORT_CONTEXTS,
    REPORT_NAMES,
    REPORT_URL,
    Context,
    Proposal,
    Report,
    _yaml_entry,
)
from builder.registry import Entity


def _proposal(entity_type: str, number: int, contexts: int) -> Proposal:
    entity = Entity(f"{entity_type}-{number}", entity_type, f"اسم {entity_type} {number}", discovered=True)  # type: ignore[arg-type]
    found = tuple(Context(f"a-{i:010x}", "عنوان", i, f"جملة {i} عن الاسم {number}.", "title") for i in range(contexts))
    return Proposal(entity, found, _yaml_entry(entity, found))


def _report() -> Report:
    # Proposals come most named first within each type: the first of each type has the most sentences.
    proposals = [
        _proposal(t, n, contexts=REPORT_CONTEXTS + 5 if n == 0 else 1)
        for t in ("person", "organisation", "place")
        for n in range(REPORT_NAMES + 7)
    ]
    return Report(tuple(proposals), ())


def test_report_page_lists_the_most_named_of_each_type_with_a_few_sentences():
    report = _report()
    page = render.render_page("report.md.j2", REPORT_URL, report=report)
    assert page.count('<article class="proposal">') == 3 * REPORT_NAMES
    for entity_type in ("person", "organisation", "place"):
        assert f'id="d-{entity_type}-{REPORT_NAMES - 1}"' in page
        assert f'id="d-{entity_type}-{REPORT_NAMES}"' not in page
    # The first name has more sentences than the page shows: the rest are counted, with its page linked.
    first = page.split('<article class="proposal">')[1]
    assert first.count("<li>") == REPORT_CONTEXTS
    assert "سياقات أخرى: 5" in first and 'href="../person/person-0/"' in first.split('class="more"')[1]
    assert f"عدد الأسماء غير المعروضة: {3 * 7}" in page
    assert "python -m builder report --full" in page


def test_small_report_page_shows_everything_without_a_note():
    report = Report(tuple(_proposal("person", n, contexts=2) for n in range(3)), ())
    page = render.render_page("report.md.j2", REPORT_URL, report=report)
    assert page.count('<article class="proposal">') == 3 and page.count('class="contexts"') == 3
    assert "غير المعروضة" not in page and 'class="more"' not in page


def test_command_line_report_has_every_name_and_with_full_every_sentence():
    report = _report()
    text = report.text()
    assert text.count("  - id: ") == 3 * (REPORT_NAMES + 7)
    assert text.count("# a-") == 3 * (REPORT_CONTEXTS + REPORT_NAMES + 6)  # at most REPORT_CONTEXTS each
    full = report.text(full=True)
    assert full.count("# a-") == 3 * (REPORT_CONTEXTS + 5 + REPORT_NAMES + 6)
    assert "جملة 7 عن الاسم 0." in full and "جملة 7 عن الاسم 0." not in text
