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
