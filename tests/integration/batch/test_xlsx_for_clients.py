"""XLSX for clients (issue 15 item 10): sheets and headers in the report's language, number
formats (percent, money in the client's currency, dates, thousands), booleans in words,
widths that fit CJK text, no float noise; formulas still neutralised. Read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from threec_helpers.batch.publish import clean_float, text_width, xlsx_bytes
from threec_helpers.i18n import t
from threec_helpers.report.results import headline
from threec_helpers.report.tables import table_title

RESULTS = {
    "notebook": "02_analysis", "title": "客户分析", "client_id": "acme", "client_name": "测试公司", "period": "FY2025",
    "currency": "CNY",
    "headline": [headline("share", "亏损客户占比", 0.0106, "1.06%", "bad")],
    "tables": {
        "priorities": [{"item": "投诉响应", "gap": 0.256, "priority": 3.5, "met": True},
                       {"item": "=cmd", "gap": 0.1, "priority": 1.25, "met": False}],
        "tiers": [{"tier": "顶级客户", "revenue": 5816459.500000002, "customers": 12000, "revenue_share": 0.4,
                   "first_purchase": "2024-11-05"}],
        "org_overview": [{"field": "员工", "value": 51084}],
        "a_table_with_a_very_long_name_indeed_for_sure": [{"x": 1}],
        "a_table_with_a_very_long_name_indeed_for_sure_too": [{"x": 2}],
    },
    "columns": {"priorities": {"item": "条目", "gap": "差距", "priority": "优先度", "met": "达标"}},
    "formats": {"priorities": {"priority": "num2"}},
}


@pytest.fixture
def workbook(tmp_path: Path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(xlsx_bytes(RESULTS, "zh"))
    return openpyxl.load_workbook(path)


def test_sheets_are_named_in_the_report_language_unique_and_short(workbook):
    names = workbook.sheetnames
    assert names[0] == t("batch.xlsx.summary", "zh")
    assert table_title("priorities", "zh") in names and table_title("org_overview", "zh") in names
    assert "priorities" not in names and "org_overview" not in names
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)


def test_headers_numbers_booleans_and_dates(workbook):
    ws = workbook[table_title("priorities", "zh")]
    assert [c.value for c in ws[1]] == ["条目", "差距", "优先度", "达标"]
    assert ws["B2"].value == 0.256 and ws["B2"].number_format == "0.0%"  # gap: a share
    assert ws["C2"].number_format == "#,##0.00"  # the report's own format
    assert [ws["D2"].value, ws["D3"].value] == ["是", "否"]
    assert ws["A3"].value == "'=cmd" and ws["A3"].data_type != "f"  # formulas still neutralised
    tiers = workbook[table_title("tiers", "zh")]
    header = [c.value for c in tiers[1]]
    assert header[1] == t("col.revenue", "zh") and "revenue" not in header
    assert tiers["B2"].value == 5816459.5  # no float noise
    assert tiers["B2"].number_format == '"¥"#,##0'  # money in the client's currency
    assert tiers["C2"].number_format == "#,##0"  # thousands
    assert tiers["D2"].number_format == "0.0%"
    assert tiers["E2"].value == dt.datetime(2024, 11, 5) and tiers["E2"].number_format == "yyyy-mm-dd"


def test_widths_fit_cjk_text(workbook):
    ws = workbook[table_title("priorities", "zh")]
    assert ws.column_dimensions["A"].width >= text_width("投诉响应") + 2 - 0.01
    summary = workbook[t("batch.xlsx.summary", "zh")]
    values = [c.value for row in summary.iter_rows() for c in row if c.value is not None]
    assert "测试公司" in values and "未达标" in values and "bad" not in values


def test_english_workbook_says_yes_and_no(tmp_path):
    path = tmp_path / "e.xlsx"
    path.write_bytes(xlsx_bytes(RESULTS, "en"))
    ws = openpyxl.load_workbook(path)[table_title("priorities", "en")]
    assert [ws["D2"].value, ws["D3"].value] == ["yes", "no"]


def test_helpers():
    assert text_width("客户") == 4 and clean_float(0.1 + 0.2) == 0.3


def test_tables_are_written_as_the_report_showed_them(tmp_path: Path):
    """A table with a ``views`` entry: the report's columns and words (codes such as a status
    ``in_progress`` or a tier ``top`` never reach a cell), numbers and dates keep their value,
    and a total row the report added keeps its number."""
    results = {"title": "x", "client_id": "acme", "period": "FY2025", "lang": "en",
               "tables": {"actions": [{"status": "in_progress", "status_label": "in progress", "tier": "top",
                                       "count": 35, "due": "2026-01-31"},
                                      {"status": "verified", "status_label": "verified effective", "tier": "big",
                                       "count": 152, "due": "2026-02-28"}]},
               "views": {"actions": {"columns": ["tier", "status_label", "count", "due"],
                                     "headers": {"tier": "Tier", "status_label": "Status", "count": "Count",
                                                 "due": "Due"},
                                     "rows": [["Top", "in progress", "35", "2026-01-31"],
                                              ["Big", "verified effective", "152", "2026-02-28"],
                                              ["Total", "–", "187", "–"]]}}}
    path = tmp_path / "v.xlsx"
    path.write_bytes(xlsx_bytes(results, "en"))
    rows = list(openpyxl.load_workbook(path)[table_title("actions", "en")].iter_rows(values_only=True))
    assert rows[0] == ("Tier", "Status", "Count", "Due")
    assert rows[1] == ("Top", "in progress", 35, dt.datetime(2026, 1, 31))
    assert rows[2][:3] == ("Big", "verified effective", 152)
    assert rows[3] == ("Total", None, 187, None)


def test_provenance_sheet_in_words(tmp_path: Path):
    """The provenance sheet says what the report's provenance appendix says, in words: no keys
    (client_id, run_id, mask ...), the notebook by its title, inputs by their names in words."""
    prov = {"client_id": "acme", "period": "FY2025", "notebook": "02_analysis", "notebook_sha256": "ab" * 32,
            "parameters": {"client_id": "acme", "period": "FY2025", "comparison_period": "FY2024", "lang": "zh",
                           "mask": False},
            "inputs": {"cost_to_serve": {"file": "data/clients/acme/cost_to_serve.csv", "sha256": "cd" * 32},
                       "management_reviews": {"file": "x/management_reviews.xlsx", "sha256": "ef" * 32}},
            "threec_version": "0.1.0", "git_commit": "abc123", "python": "3.12", "kernel": "python3",
            "mask": False, "job_key": "k", "status": "ok", "run_id": "demo-1", "started": "2026-01-01T00:00:00",
            "finished": "2026-01-01T00:00:09", "duration_s": 9.04}
    path = tmp_path / "p.xlsx"
    path.write_bytes(xlsx_bytes(RESULTS, "zh", prov))
    ws = openpyxl.load_workbook(path)[t("batch.prov.title", "zh")]
    rows = [tuple(v for v in r if v is not None) for r in ws.iter_rows(values_only=True)]
    fields = dict(r for r in rows if len(r) == 2)
    assert fields[t("batch.label.client", "zh")] == "测试公司"
    assert fields[t("batch.prov.notebook", "zh")] == f"{t('notebook.title.02_analysis', 'zh')} · {'ab' * 8}"
    assert fields[t("batch.prov.parameters", "zh")] == "期间: FY2025; 对比期间: FY2024; 语言: 中文; 脱敏: 否"
    assert fields[t("batch.prov.run", "zh")] == "demo-1 · 2026-01-01T00:00:00 → 2026-01-01T00:00:09 (9.0 s)"
    assert (t("notebook.table.cost_to_serve", "zh"), "cost_to_serve.csv", "cd" * 32) in rows
    assert (t("notebook.table.management_reviews", "zh"), "management_reviews.xlsx", "ef" * 32) in rows
    text = " ".join(str(v) for r in rows for v in r)
    for key in ("client_id", "run_id", "job_key", "kernel", "python", "status", "duration_s", "sha256="):
        assert key not in text
