"""Publishing without executing anything: cleaning, HTML, slides, PDF, XLSX, briefings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import openpyxl
import pytest
from pdfcheck import pdf_fonts, pdf_text

from threec_helpers.batch.briefing import compare_headlines, compose_briefing, write_briefing
from threec_helpers.batch.publish import (
    clean_notebook,
    export_html,
    export_slides,
    html_to_pdf,
    neutralise,
    xlsx_bytes,
)
from threec_helpers.i18n import fmt_int, fmt_pct
from threec_helpers.report.results import headline, write_results

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _executed_notebook():
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('client_id = "acme"')
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell('client_id = "secret_injected"')
    injected.metadata["tags"] = ["injected-parameters"]
    code = nbformat.v4.new_code_cell("df = load_client('acme')\ndf.head()")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
        nbformat.v4.new_output("stream", name="stdout", text="C001 Alpha Hotel\n"),
        nbformat.v4.new_output("execute_result", data={"text/html": "<table><tr><td>Alpha Hotel</td></tr></table>",
                                                       "text/plain": "Alpha Hotel"}, execution_count=1),
    ]
    chart = nbformat.v4.new_code_cell("plt.plot(x)")
    chart.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "[<matplotlib.lines.Line2D at 0x7f00aa>]"},
                               execution_count=2),
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure size 640x480>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)"}),
    ]
    silent = nbformat.v4.new_code_cell("import os")
    boom = nbformat.v4.new_code_cell("raise ValueError('x')")
    boom.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=["Traceback..."])]
    return nbformat.v4.new_notebook(cells=[params, injected, nbformat.v4.new_markdown_cell("# 客户概况\n\nAlpha Hotel"),
                                           code, chart, silent, boom])


META = {"title": "客户概况", "client_id": "acme", "client_name": "测试公司", "period": "FY2025", "lang": "zh",
        "provenance": {"client_id": "acme", "period": "FY2025", "notebook": "ok", "notebook_sha256": "ab" * 32,
                       "parameters": {"lang": "zh"}, "inputs": {"customers": {"file": "c.csv", "sha256": "cd" * 32}},
                       "threec_version": "0", "git_commit": "abc", "run_id": "r1", "started": "s", "finished": "f",
                       "duration_s": 1.5}}


def test_clean_notebook_keeps_outputs_only():
    cleaned = clean_notebook(_executed_notebook())
    kinds = [c.cell_type for c in cleaned.cells]
    assert kinds == ["markdown", "code", "code"]  # parameters, silent and failed cells gone
    outs = cleaned.cells[1].outputs
    assert [o.output_type for o in outs] == ["stream", "execute_result"]  # stderr dropped
    assert all(o.get("name") != "stderr" for o in outs)
    chart = cleaned.cells[2].outputs
    assert len(chart) == 1 and "image/png" in chart[0].data  # repr and script dropped
    assert all(c.source == "" for c in cleaned.cells if c.cell_type == "code")


def test_clean_notebook_failure_note_and_scrub():
    scrub = lambda s: s.replace("Alpha Hotel", "客户-AAAAAA")  # noqa: E731
    cleaned = clean_notebook(_executed_notebook(), scrub=scrub, failure_note="Cell 5 raised ValueError: x")
    text = json.dumps(cleaned.dict() if hasattr(cleaned, "dict") else cleaned, ensure_ascii=False)
    assert "Alpha Hotel" not in text and "客户-AAAAAA" in text
    assert 'class="failure-note"' in cleaned.cells[-1].source
    assert "Traceback" not in text


def _assert_offline(html: str) -> None:
    assert not re.search(r"<script[^>]+src=", html), "no external scripts"
    assert not re.search(r"""<link[^>]+href=["']?(https?:)?//""", html), "no external stylesheets"
    assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", html), "no CSS imports"
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "no remote resources"


def test_html_report_has_no_code_no_cdn_and_embeds_images():
    html = export_html(clean_notebook(_executed_notebook()), META)
    _assert_offline(html)
    assert "load_client" not in html and "plt.plot" not in html and "secret_injected" not in html
    assert "UserWarning" not in html and "Traceback" not in html and "alert(1)" not in html
    assert f"data:image/png;base64,{PNG}" in html
    assert "<html lang=\"zh-CN\">" in html and "报告来源" in html  # provenance footer in Chinese
    assert 'class="run-time"' in html  # run times marked so runs can be compared without them


def test_failed_report_says_it_is_incomplete():
    nb = _executed_notebook()
    html = export_html(clean_notebook(nb, failure_note="Cell 5 raised ValueError: x"),
                       {**META, "failed": True, "failure": "Cell 5 raised ValueError: x", "lang": "en"})
    assert "This report is incomplete" in html and "Cell 5 raised ValueError: x" in html


def test_slides_are_reveal_and_offline():
    html = export_slides(clean_notebook(_executed_notebook()), META)
    _assert_offline(html)
    assert "Reveal.initialize" in html and "reveal.js 5.2.0" in html
    assert html.count("<section") >= 3  # title, one per heading, provenance
    assert "load_client" not in html


def test_pdf_embeds_the_cjk_font():
    pdf = html_to_pdf(export_html(clean_notebook(_executed_notebook()), META))
    assert pdf.startswith(b"%PDF")
    assert any("NotoSansCJKsc" in name for name in pdf_fonts(pdf)), pdf_fonts(pdf)
    assert "客户概况" in pdf_text(pdf)


def test_pdf_refuses_remote_resources():
    pdf = html_to_pdf('<p>x</p><img src="http://127.0.0.1:9/x.png">')  # not fetched: rendered without it
    assert pdf.startswith(b"%PDF")


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+cmd") == "'+cmd" and neutralise("-2") == "'-2" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\t=x") == "'\t=x"
    assert neutralise("plain") == "plain" and neutralise(-2) == -2 and neutralise(None) is None


def test_xlsx_tables_and_formula_injection(tmp_path: Path):
    results = {"notebook": "ok", "title": "Customer overview", "client_id": "acme", "period": "FY2025",
               "headline": [headline("revenue", "Revenue", 5800.0, "5,800", "good")],
               "tables": {"notes": [{"note": "=1+1"}, {"note": "+cmd"}, {"note": "-2"}, {"note": "@SUM(A1)"},
                                    {"note": "plain"}],
                          "revenue": [{"customer_id": "C001", "amount": 2200.0}]},
               "conclusion": "=HYPERLINK(\"x\")"}
    data = xlsx_bytes(results, "en", META["provenance"])
    assert data == xlsx_bytes(results, "en", META["provenance"])  # deterministic bytes
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "notes", "revenue", "Provenance"]
    notes = [c.value for c in wb["notes"]["A"]][1:]
    assert notes == ["'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "plain"]
    assert all(c.data_type != "f" for row in wb["notes"].iter_rows() for c in row)
    assert wb["revenue"]["B2"].value == 2200.0  # numbers stay numbers
    summary_values = [c.value for row in wb["Summary"].iter_rows() for c in row if c.value is not None]
    assert "'=HYPERLINK(\"x\")" in summary_values


# --------------------------------------------------------------------------- briefings

#: the seed's ISO 9001 briefing (MISSION.md, part 2): switch capacity 51,084 lines, 47,213 in
#: service -> utilisation 47,213 / 51,084 = 0.924223... = 92.42%; 8 quality objectives, all met.
SEED_OBJECTIVES = [
    ("装、移、修及时率", ">98%", "100%"), ("电路开通率", ">98%", "100%"), ("网络接通率", ">96%", "100%"),
    ("大客户流失率", "<2%", "0"), ("用户满意度", ">81分", "81.3分"), ("企业责任投诉", "<1/10万", "0"),
    ("180天回访率", "100%", "100%"), ("应答时间", "≤10秒", "7秒"),
]


def _iso_results(utilisation_in_service: int = 47213) -> dict:
    util = utilisation_in_service / 51084
    return {"iso9001_certification_audit": {
        "notebook": "iso9001_certification_audit", "title": "ISO 9001 认证审核",
        "headline": [headline("utilisation", "交换机实装率", util, fmt_pct(util), "good"),
                     headline("lines", "在用线路", utilisation_in_service, fmt_int(utilisation_in_service))],
        "tables": {"objectives": [{"objective": o, "target": tg, "actual": a, "met": True}
                                  for o, tg, a in SEED_OBJECTIVES],
                   "documents": [{"category": "职责", "count": 35}, {"category": "质量记录", "count": 91}],
                   "findings_by_round": [{"round": 1, "findings": 12, "closed": 12}],
                   "extra_table": [{"x": 1}]},
        "actions": ["重做记录", "明确职责"],
        "conclusion": "8 项质量目标全部达成。"}}


def test_seed_figures():
    assert fmt_pct(47213 / 51084) == "92.42%" and fmt_int(51084) == "51,084"


def test_iso9001_briefing_structure():
    b = compose_briefing(_iso_results(), "iso9001", "zh")
    ids = [s["id"] for s in b["sections"]]
    # the structure of a real on-site audit briefing (issue 17)
    assert ids == ["overview", "policy", "objectives", "system", "audits", "effects", "findings", "changes", "readiness",
                   "other", "conclusion"]
    sec = {s["id"]: s for s in b["sections"]}
    overview, objectives, changes, findings, other, conclusion = (sec[k] for k in ("overview", "objectives", "changes",
                                                                                   "findings", "other", "conclusion"))
    assert [t["title"] for t in sec["system"]["tables"]] == ["质量体系文件"]
    assert [t["title"] for t in sec["audits"]["tables"]] == ["各轮内审发现"]
    assert [c["text"] for c in overview["cards"]] == ["92.42%", "47,213"]
    assert objectives["paragraphs"] == ["8 项质量目标中有 8 项达成（100%）。"]
    rows = objectives["tables"][0]["rows"]
    assert len(rows) == 8 and rows[0][3]["text"].startswith("✓")
    assert "上一期间" in changes["paragraphs"][0]  # no previous period given
    assert "重做记录" in findings["bullets"]
    assert other["tables"][0]["title"].endswith("extra_table")  # nothing a notebook reports is lost
    assert conclusion["paragraphs"] == ["8 项质量目标全部达成。"]


def test_what_changed_since_the_last_period():
    rows = compare_headlines(_iso_results(), _iso_results(46000), "en")
    # utilisation 46,000/51,084 = 90.05% -> 92.42%: +2.37 percentage points; lines +1,213
    assert rows[0]["previous"] == "90.05%" and rows[0]["current"] == "92.42%" and rows[0]["change"] == "+2.37 pp"
    assert rows[1]["change"] == "+1,213" and rows[1]["direction"] == "up"


def test_3c_scorecard_picks_the_six_dimensions():
    """By declared meaning (the results contract), never by name: the analysis's profit and
    satisfaction, the focus audit's information; undeclared look-alikes are ignored."""
    results = {"02_analysis": {"title": "Analysis", "headline": [
        headline("value_destroying_share", "Value destroyers", 0.26, "26%", "bad"),
        headline("operating_profit", "Operating profit", 1.2e6, "¥1,200,000", "good", "value"),
        headline("satisfaction_mean", "Satisfaction?", 4.1, "4.1 / 5", "warn"),
        headline("satisfaction", "CSAT", 3.9, "3.90", "warn", "satisfaction")]},
        "customer_focus_audit": {"title": "Focus audit", "headline": [
            headline("information", "Information", 0.62, "62%", "bad", "information")]}}
    b = compose_briefing(results, "3c", "en")
    card = b["sections"][0]["tables"][0]
    assert [c["label"] for c in card["columns"]][:4] == ["Group", "Dimension", "Indicator", "Result"]
    dims = [r[1]["text"] for r in card["rows"]]
    assert dims == ["Customer value", "Customer behavior", "Customer satisfaction", "Organization",
                    "Communications", "Information"]
    results_col = [r[3]["text"] for r in card["rows"]]
    assert results_col == ["¥1,200,000", "no data", "3.90", "no data", "no data", "62%"]
    phases = next(s for s in b["sections"] if s["id"] == "phases")
    assert [s["title"] for s in phases["subsections"]] == ["Analysis", "Focus audit"]


def test_a_table_two_notebooks_recorded_is_shown_once():
    """The 3C analysis and the focus audit both record ``priorities`` (the same ranking): the
    priorities section shows it once (the first notebook's), and it is not repeated under other
    results."""
    rows = [{"rank": 1, "item_id": "INF.4", "priority": 0.037}]
    results = {"02_analysis": {"title": "Analysis", "headline": [], "tables": {"priorities": rows}},
               "customer_focus_audit": {"title": "Focus audit", "headline": [], "tables": {"priorities": rows[:1]}}}
    b = compose_briefing(results, "3c", "en")
    prio = next(s for s in b["sections"] if s["id"] == "priorities")
    assert len(prio["tables"]) == 1
    others = [tb for s in b["sections"] if s["id"] != "priorities" for tb in s["tables"]]
    others += [tb for s in b["sections"] for sub in s.get("subsections", []) for tb in sub.get("tables", [])]
    assert not [tb for tb in others if tb["title"] == prio["tables"][0]["title"]]


def test_write_briefing_html_and_pdf(tmp_path: Path):
    folder = tmp_path / "demo_telecom" / "2026-10"
    for nb, payload in _iso_results().items():
        write_results(folder, nb, payload)
    prev = tmp_path / "demo_telecom" / "2026-09"
    for nb, payload in _iso_results(46000).items():
        write_results(prev, nb, payload)
    out = write_briefing(folder, "demo_telecom", "2026-10", "zh", previous_folder=str(prev), engagement="iso9001",
                         client_name="XX县通信分公司")
    assert out == {"html": "briefing.html", "pdf": "briefing.pdf"}
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    _assert_offline(html)
    for heading in ("组织概况", "质量方针与认证范围", "质量目标：目标值与实际值", "质量管理体系的建立和运行", "内部审核和管理评审",
                    "通过认证所收到的效果", "持续改进", "与上期相比的变化", "认证准备情况结论", "结论"):
        assert heading in html
    assert "92.42%" in html and "+2.37 个百分点" in html and " pp" not in html and "XX县通信分公司" in html
    assert any("NotoSansCJKsc" in name for name in pdf_fonts(folder / "briefing.pdf"))


def test_briefing_without_results_says_so(tmp_path: Path):
    out = write_briefing(tmp_path, "acme", "FY2025", "en", formats=("html",), engagement="3c", client_name="Acme")
    assert out == {"html": "briefing.html"}
    assert "No results files for this period" in (tmp_path / "briefing.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, word", [("zh", "结论"), ("en", "Conclusion")])
def test_clinical_layout(lang, word):
    results = {"clinical_quality_self_assessment": {"tables": {
        "areas": [{"area": "沟通协作", "score": 92.0}], "vetoes": [{"item": "危重孕产妇抢救", "passed": True}],
        "indicators": [{"indicator": "剖宫产率", "actual": "35%"}],
        "rectifications": [{"item": "培训", "status": "good"}]}, "conclusion": "ok"}}
    b = compose_briefing(results, "clinical", lang)
    assert [s["id"] for s in b["sections"]] == ["purposes", "areas", "veto", "rectification", "indicators", "changes",
                                                "verdict", "conclusion"]
    assert b["sections"][-1]["title"] == word
