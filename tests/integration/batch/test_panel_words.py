"""People's words only (issue 15 item 2): the demo batch's outputs show no identifier, code,
raw category value or internal table name.

The demo batch (data/batches/demo.yaml) runs once for the module into a temporary folder;
every HTML report, briefing and slide deck is stripped to its visible text
(tests/wordscheck.py) and must hold no snake_case token and no table cell that is an
untranslated category value. The workbooks' sheet names and cells are checked the same way.
"""

from __future__ import annotations

import pytest
from wordscheck import identifiers, raw_codes, visible_text, xlsx_strings



@pytest.fixture(scope="module")
def demo_outputs(demo_reports):
    """The session's demo batch (tests/integration/conftest.py)."""
    return demo_reports


def _lang(path) -> str:
    import json

    for results in path.parent.glob("*.results.json"):
        return json.loads(results.read_text(encoding="utf-8")).get("lang", "zh")
    return "zh"


def _problems(paths, read) -> dict[str, dict[str, list[str]]]:
    problems = {}
    for path in paths:
        text, cells = read(path)
        found = {"identifiers": sorted(identifiers(text)), "codes": sorted(raw_codes(cells, _lang(path)))}
        if found["identifiers"] or found["codes"]:
            problems[path.name if path.parent.name == "" else "/".join(path.parts[-3:])] = found
    return problems


def _html(path):
    return visible_text(path.read_text(encoding="utf-8"))


def _xlsx(path):
    strings = xlsx_strings(path)
    return " ".join(strings), strings


@pytest.mark.parametrize("kind", ["briefing.html", "reports", "slides"])
def test_demo_pages_are_in_peoples_words(demo_outputs, kind):
    pages = sorted(demo_outputs.glob("*/*/*.html"))
    pages = [p for p in pages if (p.name == "briefing.html") == (kind == "briefing.html")
             and p.name.endswith(".slides.html") == (kind == "slides")]
    assert pages
    assert _problems(pages, _html) == {}


def test_demo_workbooks_are_in_peoples_words(demo_outputs):
    books = sorted(demo_outputs.glob("*/*/*.xlsx"))
    assert books
    assert _problems(books, _xlsx) == {}
