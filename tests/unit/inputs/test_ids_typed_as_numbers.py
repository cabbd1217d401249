"""Ids typed as numbers in a workbook (new-user trial): customer code 1001 typed as a number in
one sheet and as text '1002' in another reads as '1001' / '1002' (as Excel shows them), never
'1001.0'; a number that cannot be an id (1001.5, an 18-digit number) is refused, naming the row."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from conftest import write_client
from threec_helpers.inputs.readers import parse_ids, parse_text
from threec_helpers.inputs.validation import validate_client


def _workbook(path, customers, transactions):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户编号", "客户名称", "状态"])
    for row in customers:
        ws.append(row)
    ws = wb.create_sheet("销售明细")
    ws.append(["单据编号", "日期", "客户编号", "金额"])
    for row in transactions:
        ws.append(row)
    wb.save(path)


def test_whole_numbers_in_an_id_column_read_as_excel_shows_them(tmp_path):
    folder = write_client(tmp_path / "clients", drop=("customers.csv", "transactions.csv"))
    _workbook(folder / "回传.xlsx",
              [(1001, "甲公司", "活跃"), (1002, "乙公司", "活跃"), ("1003", "丙公司", "潜在")],
              [("INV-1", dt.date(2025, 1, 8), 1001, 100), ("INV-2", dt.date(2025, 2, 8), 1002, 200),
               ("INV-3", dt.date(2025, 2, 9), "1002", 300), (4, dt.date(2025, 2, 10), 1003.0, 50)])
    report, _, tables = validate_client("acme", tmp_path / "clients")
    assert report.ok, report.format_text("en")
    assert tables["customers"]["customer_id"].tolist() == ["1001", "1002", "1003"]
    assert tables["transactions"]["customer_id"].tolist() == ["1001", "1002", "1002", "1003"]
    assert tables["transactions"]["transaction_id"].tolist() == ["INV-1", "INV-2", "INV-3", "4"]


def test_a_fractional_or_too_long_number_in_an_id_column_is_refused_naming_the_row(tmp_path):
    folder = write_client(tmp_path / "clients", drop=("customers.csv", "transactions.csv"))
    _workbook(folder / "回传.xlsx",
              [(1001, "甲公司", "活跃"), (1001.5, "乙公司", "活跃"), (110105199001011234, "丙公司", "活跃")],
              [("INV-1", dt.date(2025, 1, 8), 1001, 100)])
    report, _, _ = validate_client("acme", tmp_path / "clients")
    refused = [p for p in report.errors if p.rule == "id_number"]
    assert [(p.row, p.column) for p in refused] == [(3, "customer_id"), (4, "customer_id")]
    assert refused[0].value == "1001.5" and refused[1].value.startswith("1101051990010")
    text = report.format_text("en")
    assert "column '客户编号' holds ids, but this cell is a number that cannot be read back as the id" in text
    assert "Format the column as Text" in text
    assert "编号，但该单元格是一个无法原样读回编号的数字" in report.format_text("zh")
    assert not [p for p in report.errors if p.rule == "unique"]  # no second message for the refused cells


def test_parse_text_and_parse_ids_per_cell():
    mixed = pd.Series([1001.0, "1002", 2.5, None, 0.1 + 0.2], dtype=object)
    assert parse_text(mixed).tolist()[:3] == ["1001", "1002", "2.5"]
    assert parse_text(mixed).tolist()[4] == "0.3"  # 15 significant digits, as Excel shows it
    assert parse_text(pd.Series([1001.0, 1001.5])).tolist() == ["1001", "1001.5"]  # per cell, not per column
    parsed, invalid = parse_ids(pd.Series([1001.0, 1001.5, float("nan")]))
    assert parsed.tolist()[0] == "1001" and invalid.tolist() == [False, True, False]
    ints = pd.Series([110105199001011234, 7], dtype="int64")  # Parquet integers are exact
    assert parse_ids(ints)[0].tolist() == ["110105199001011234", "7"]
