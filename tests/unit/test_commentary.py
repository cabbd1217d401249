"""The consultant's commentary file (issue 15 item 8): parsing, section ids, warnings, escaping."""

from __future__ import annotations

import nbformat

from threec_helpers.batch import commentary as cm
from threec_helpers.batch.briefing import LAYOUTS, compose_briefing
from threec_helpers.i18n import t

TEXT = """# Notes for the board (a title line is allowed)

## summary
Revenue grew **12%**; the plan is on track.

## value
The top 20% carry the profit.

## 02_analysis/conclusion
Only in the analysis report.

## Conclusion
Said everywhere.
"""


def test_parse_summary_and_sections():
    c = cm.parse_commentary(TEXT, "acme/commentary/FY2025.md")
    assert c.summary.markdown == "Revenue grew **12%**; the plan is on track."
    assert list(c.sections) == ["value", "02_analysis/conclusion", "conclusion"]  # ids are case-insensitive
    assert c.problems == []
    assert [n.markdown for n in c.notes_for("conclusion", "02_analysis")] == ["Said everywhere.",
                                                                             "Only in the analysis report."]
    assert [n.markdown for n in c.notes_for("conclusion", "01_registration")] == ["Said everywhere."]
    assert "<strong>12%</strong>" in c.summary.html


def test_unknown_section_id_warns_in_both_languages_with_file_id_and_valid_ids():
    c = cm.parse_commentary("## summary\nok\n\n## valeu\ntypo\n\n## 99_nope/value\nx\n", "acme/commentary/FY2025.md")
    assert list(c.sections) == []
    assert c.summary is not None  # the rest of the file is still used
    for lang in ("zh", "en"):
        first, second = c.warnings(lang)
        assert "acme/commentary/FY2025.md" in first and "valeu" in first
        assert "99_nope/value" in second
        for valid in ("summary", "value", "scorecard", "conclusion", "priorities"):
            assert valid in first
    assert "不是报告或简报中的章节" in c.warnings("zh")[0]


def test_text_before_the_first_section_warns():
    c = cm.parse_commentary("stray words\n## summary\nok", "f.md")
    assert [p["key"] for p in c.problems] == ["commentary.outside"]


def test_a_section_heading_inside_a_code_fence_is_text():
    c = cm.parse_commentary("## value\n```\n## not a section\n```\n")
    assert list(c.sections) == ["value"] and "not a section" in c.sections["value"].markdown


def test_every_briefing_section_and_report_heading_has_an_id():
    ids = cm.section_ids("zh")
    for layout in LAYOUTS.values():
        for sid, _ in layout:
            assert sid in ids
    assert {"other", "summary", "value", "pyramid", "migration", "priorities", "vetoes"} <= set(ids)
    # headings with fields are recognised by their template, in both languages
    assert cm.heading_section(t("phases.h.pyramid", "zh", period="FY2025"), "zh") == "pyramid"
    assert cm.heading_section(t("phases.h.migration", "en", previous="A", current="B"), "en") == "migration"
    assert cm.heading_section(t("audit_report.h.priorities", "zh"), "zh") == "priorities"
    assert cm.heading_section("第1节", "zh") is None


def test_markdown_is_escaped_and_fetches_nothing():
    hostile = ('<script>alert(1)</script> <img src=x onerror=alert(2)>\n\n[click](javascript:alert)\n\n'
               '![logo](http://example.com/x.png)\n\n<a href="x" onclick="y">a</a>')
    html = cm.render_markdown(hostile)
    assert "<script" not in html and "<img" not in html and "<a href=\"x\"" not in html
    assert 'href="javascript' not in html and "http://example.com" not in html and "logo" in html
    assert "&lt;script&gt;" in html
    assert cm.plain_paragraphs("# Head\n\nOne *two*.\n\n- a\n- b") == ["Head", "One two.", "a", "b"]


def test_missing_and_unreadable_files(tmp_path):
    root = tmp_path / "clients"
    (root / "acme" / "commentary").mkdir(parents=True)
    assert not cm.load_commentary("acme", "FY2025", root)
    (root / "acme" / "commentary" / "FY2025.md").write_bytes(b"\xff\xfe\x00bad")
    c = cm.load_commentary("acme", "FY2025", root)
    assert not c and "FY2025.md" in c.warnings("en")[0]
    (root / "acme" / "commentary" / "FY2025.md").write_text("## summary\n好\n", encoding="utf-8")
    c = cm.load_commentary("acme", "FY2025", root)
    assert c.summary.markdown == "好" and c.path.name == "FY2025.md"


def _md(text):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


def test_apply_to_notebook_puts_the_summary_under_the_title_and_notes_under_their_heading():
    title = nbformat.v4.new_code_cell("")
    title.outputs = [_md("# Customer analysis — Acme"), _md("Period FY2025")]
    sec = nbformat.v4.new_code_cell("")
    sec.outputs = [_md("## " + t("phases.h.value", "en")), _md("numbers")]
    other = nbformat.v4.new_code_cell("")
    other.outputs = [_md("## Something else"), _md("more")]
    nb = nbformat.v4.new_notebook(cells=[title, sec, other])
    c = cm.parse_commentary(TEXT)
    out = cm.apply_to_notebook(nb, c, "02_analysis", "en")
    kinds = [list(o["data"])[0] for o in out.cells[0].outputs]
    assert kinds == ["text/markdown", "text/markdown", "text/markdown", "text/html"]  # title, subtitle, summary
    assert out.cells[0].outputs[2]["data"]["text/markdown"] == "## Executive summary"
    assert "Revenue grew" in out.cells[0].outputs[3]["data"]["text/html"]
    assert "top 20%" in out.cells[1].outputs[1]["data"]["text/html"]  # right under its heading
    assert len(out.cells[2].outputs) == 2
    assert len(nb.cells[0].outputs) == 2  # the input is not changed


def test_apply_to_briefing():
    model = compose_briefing({}, "3c", "en")
    c = cm.parse_commentary("## summary\nFirst.\n## scorecard\nOn target.\n")
    out = cm.apply_to_briefing(model, c, "en")
    assert "First." in out["summary"]
    notes = {s["id"]: s["notes"] for s in out["sections"]}
    assert "On target." in notes["scorecard"][0] and notes["conclusion"] == []
