"""A table given twice (new-user trial): its own file and a returned workbook's sheet holding
data, or sheets of two workbooks, are refused naming every source, never read from one of them
silently; a sheet holding only the example row is no source, and a file named in client.yaml wins."""

from __future__ import annotations

import openpyxl
import pytest

from conftest import CLIENT_YAML, write_client
from threec_helpers.errors import DataValidationError, InputError
from threec_helpers.inputs.config import load_client_config
from threec_helpers.inputs.readers import sheet_holds_data
from threec_helpers.inputs.validation import find_table_file, load_client, validate_client

HEADER = ["客户编号", "客户名称", "状态"]
EXAMPLE = ["【示例】C0001", "示例公司", "活跃"]
NEW_CUSTOMERS = [["C001", "Alpha Hotel", "活跃"], ["C002", "Beta Homes", "活跃"], ["C003", "Gamma", "非活跃"],
                 ["C004", "Delta", "潜在"], ["C005", "Epsilon", "疑似"], ["C006", "Zeta (new)", "活跃"]]


def _workbook(path, sheets: dict[str, list[list[object]]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def test_own_file_and_a_workbook_sheet_holding_data_are_refused_naming_both(tmp_path):
    folder = write_client(tmp_path / "clients")
    _workbook(folder / "资料清单（已填）.xlsx", {"客户": [HEADER, EXAMPLE, *NEW_CUSTOMERS]})
    report, _, tables = validate_client("acme", tmp_path / "clients")
    assert not report.ok and "customers" not in tables
    [problem] = [p for p in report.errors if p.rule == "table_twice"]
    assert problem.params["sources"] == "customers.csv; 资料清单（已填）.xlsx[客户]"
    text = report.format_text("en")
    assert "table 'customers' is given more than once" in text
    assert problem.file.endswith("acme/customers.csv; " + str(folder / "资料清单（已填）.xlsx[客户]"))
    assert "tables: {customers: {file: <one of the files above>}}" in text
    assert "表“customers”有不止一处来源" in report.format_text("zh")
    with pytest.raises(InputError) as exc:
        find_table_file(folder, "customers", load_client_config(folder))
    assert "move the stale one out of the client folder" in str(exc.value).lower()
    with pytest.raises(DataValidationError):  # the cache key fails the same way; nothing is loaded
        load_client("acme", tmp_path / "clients", cache_root=tmp_path / "processed")


def test_a_sheet_with_only_the_example_row_or_nothing_is_no_second_source(tmp_path):
    folder = write_client(tmp_path / "clients")
    _workbook(folder / "资料清单.xlsx", {"客户": [HEADER, EXAMPLE], "销售明细": [["单据编号", "日期"]]})
    report, _, tables = validate_client("acme", tmp_path / "clients")
    assert report.ok, report.format_text("en")
    assert len(tables["customers"]) == 5  # customers.csv
    assert not sheet_holds_data(folder / "资料清单.xlsx", "客户")
    assert not sheet_holds_data(folder / "资料清单.xlsx", "销售明细")


def test_two_workbooks_holding_the_same_table_are_refused(tmp_path):
    folder = write_client(tmp_path / "clients", drop=("customers.csv",))
    _workbook(folder / "a_2025.xlsx", {"客户": [HEADER, *NEW_CUSTOMERS[:5]]})
    _workbook(folder / "b_2026.xlsx", {"Customers": [HEADER, EXAMPLE, *NEW_CUSTOMERS]})
    _workbook(folder / "c_blank.xlsx", {"客户": [HEADER, EXAMPLE]})
    report, _, _ = validate_client("acme", tmp_path / "clients")
    [problem] = [p for p in report.errors if p.rule == "table_twice"]
    assert problem.params["sources"] == "a_2025.xlsx[客户]; b_2026.xlsx[Customers]"


def test_a_file_named_in_client_yaml_wins_without_error(tmp_path):
    yaml = CLIENT_YAML + "tables:\n  customers: {file: 资料清单（已填）.xlsx, sheet: 客户}\n"
    folder = write_client(tmp_path / "clients", files={"client.yaml": yaml})
    _workbook(folder / "资料清单（已填）.xlsx", {"客户": [HEADER, EXAMPLE, *NEW_CUSTOMERS]})
    report, _, tables = validate_client("acme", tmp_path / "clients")
    assert report.ok, report.format_text("en")
    assert tables["customers"]["customer_id"].tolist()[-1] == "C006"


def test_two_own_files_of_one_table_are_refused(tmp_path):
    folder = write_client(tmp_path / "clients")
    _workbook(folder / "customers.xlsx", {"Sheet": [HEADER, *NEW_CUSTOMERS]})
    report, _, _ = validate_client("acme", tmp_path / "clients")
    [problem] = [p for p in report.errors if p.rule == "table_twice"]
    assert problem.params["sources"] == "customers.csv; customers.xlsx"
