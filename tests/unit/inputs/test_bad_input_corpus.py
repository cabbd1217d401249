"""The bad-input corpus of the foundation issue: each broken client folder gives its clear
message (file, row, column, rule, fix) and exit code 2 from ``threec validate``; inputs that
consultants really send (GBK with Chinese headers, Excel with a title row) load."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from threec_helpers.cli import cli
from conftest import CUSTOMERS_CSV, TRANSACTIONS_CSV, write_client


def run_validate(root: Path, *extra: str, lang: str = "en", client: str = "acme"):
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", lang, "validate", client, "--data-root", str(root), "--no-cache", *extra])
    return result


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GBK_CUSTOMERS = (
    "客户编号,客户名称,客户状态,行业,地区,首次购买日期\n"
    "C001,阿尔法酒店,活跃,酒店,华东,2023/12/1\n"
    "C002,贝塔地产,活跃,地产,华南,2024年1月15日\n"
    "C003,伽马零售,非活跃,零售,华北,2023-11-20\n"
    "C004,德尔塔写字楼,潜在客户,写字楼,华东,\n"
    "C005,艾普西隆,疑似,零售,西南,\n"
).encode("gbk")

CASES = [
    # id, files to write, files to drop, expected fragments of the message
    ("missing_required_column",
     {"customers.csv": "customer_id,name\nC001,a\nC002,b\nC003,c\n"}, (),
     ["required column 'status' is missing", "customers.csv", "Accepted headers: status, 状态"]),
    ("wrong_type",
     {"transactions.csv": TRANSACTIONS_CSV.replace("T2,2024-03-05,C002,2500.5", "T2,2024-03-05,C002,twelve")}, (),
     ["column 'amount' must hold numbers", "transactions.csv, row 3, column amount: value 'twelve'"]),
    ("duplicate_customer_id",
     {"customers.csv": CUSTOMERS_CSV + "C002,Beta again,active,developer,south,2024-02-01\n"}, (),
     ["column 'customer_id' holds a duplicate value", "row 3", "row 7", "value 'C002'"]),
    ("orphan_transaction",
     {"transactions.csv": TRANSACTIONS_CSV + "T6,2025-07-01,C999,100,50,1,rails\n"}, (),
     ["'customer_id' does not exist in table customers", "row 7", "value 'C999'", "Add this id to customers"]),
    ("negative_amount",
     {"transactions.csv": TRANSACTIONS_CSV.replace("T5,2025-06-30,C002,800", "T5,2025-06-30,C002,-800")}, (),
     ["column 'amount' is below its minimum 0", "row 6", "value '-800'"]),
    ("future_date",
     {"transactions.csv": TRANSACTIONS_CSV.replace("T4,2025-02-01", "T4,2099-02-01")}, (),
     ["column 'date' holds a date after today", "row 5", "value '2099-02-01'"]),
    ("empty_file", {"transactions.csv": b""}, (), ["transactions.csv: the file is empty"]),
    ("header_only", {"transactions.csv": "transaction_id,date,customer_id,amount\n"}, (),
     ["table 'transactions' has a header row but no data rows", "transactions.csv"]),
    ("binary_garbage_named_csv", {"transactions.csv": bytes(range(256)) * 40}, (),
     ["transactions.csv: this is not a text CSV file (it contains binary data)"]),
    ("missing_client_yaml", {}, ("client.yaml",), ["client.yaml: not found", "copy one from"]),
    ("malformed_client_yaml", {"client.yaml": "client_id: acme\nname: [unclosed\nengagement: 3c\n"}, (),
     ["client.yaml: malformed YAML at line", "Check indentation"]),
    ("python_tag_in_yaml", {"client.yaml": "client_id: !!python/object/apply:os.system ['echo hi']\n"}, (),
     ["client.yaml: malformed YAML", "!!python"]),
    ("unknown_status",
     {"customers.csv": CUSTOMERS_CSV.replace("C005,Epsilon,suspect", "C005,Epsilon,vip")}, (),
     ["column 'status' holds a value that is not allowed", "row 6", "value 'vip'", "active, inactive, prospect, suspect"]),
    ("missing_required_table", {}, ("transactions.csv",), ["required table 'transactions' is missing"]),
    ("ragged_csv", {"transactions.csv": TRANSACTIONS_CSV + "T6,2025-07-01,C001,1,2,3,4,5,6\n"}, (),
     ["cannot be read as CSV (near row 7)", "as many columns as the header"]),
    ("xlsx_that_is_not_a_workbook", {"transactions.xlsx": b"PK\x03\x04 not really a zip"}, ("transactions.csv",),
     ["not a valid .xlsx workbook"]),
]


@pytest.mark.parametrize("case_id, files, drop, fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_clear_message_and_exit_2(tmp_path, case_id, files, drop, fragments):
    root = tmp_path / "clients"
    write_client(root, files=files, drop=drop)
    result = run_validate(root)
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in output, f"{case_id}: {fragment!r} not in\n{output}"


@pytest.mark.parametrize("case_id, files, drop, fragments", CASES[:6], ids=[c[0] for c in CASES[:6]])
def test_bad_input_json_report_names_file_row_column_rule(tmp_path, case_id, files, drop, fragments):
    root = tmp_path / "clients"
    write_client(root, files=files, drop=drop)
    result = run_validate(root, "--json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert report["valid"] is False
    example = report["problems"][0]["examples"][0]
    assert {"file", "row", "column", "rule", "value", "message", "hint"} <= set(example)


def test_messages_in_chinese(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": TRANSACTIONS_CSV.replace("C002,800", "C002,-800")})
    result = run_validate(root, lang="zh")
    assert result.exit_code == 2
    assert "数据未通过校验" in result.output and "第 6 行" in result.output and "小于下限" in result.output


def test_gbk_file_with_chinese_headers_loads(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": GBK_CUSTOMERS})
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_excel_sheet_with_title_row_loads_and_keeps_row_numbers(tmp_path):
    rows = [["2025 年销售明细（内部）"], [], ["日期", "客户编号", "金额", "成本", "产品"],
            ["2023-12-01", "C001", "1,000.00", 600, "blinds"],
            ["2024-03-05", "C002", 2500.5, 1500, "curtains"],
            [None, None, None, None, None],
            ["2025-02-01", "C001", 1200, 700, "blinds"]]
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": xlsx_bytes(rows)}, drop=("transactions.csv",))
    assert run_validate(root).exit_code == 0
    # the same sheet with a negative amount in spreadsheet row 7 (after the blank row 6)
    rows[6][2] = -1200
    write_client(root, files={"transactions.xlsx": xlsx_bytes(rows)}, drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 2
    assert "transactions.xlsx, sheet Sheet, row 7, column 金额 (amount): value '-1200'" in result.output


def test_utf8_bom_thousands_separators_and_blank_rows(tmp_path):
    body = ("\ufeff日期,客户编号,金额,成本\n"
            "2023-12-01,C001,\"1,000.00\",600\n\n"
            ",,,\n"
            "2025-03-05,C002,\"2,500.50\",\"1,500\"\n")  # in the current period FY2025
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body.encode("utf-8")})
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    from threec_helpers.inputs.validation import validate_client

    report, _, tables = validate_client("acme", root)
    tx = tables["transactions"]
    assert tx["amount"].tolist() == [1000.0, 2500.5]
    assert tx["cost"].tolist() == [600.0, 1500.0]
    assert list(tx.index) == [2, 5]  # spreadsheet rows: header 1, blank 3 and 4 dropped


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    bad = TRANSACTIONS_CSV.replace("T2,2024-03-05,C002,2500.5", "T2,2024-03-05,C002,-1").replace(
        "T4,2025-02-01,C001", "T4,2025-02-01,C404")
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": bad, "customers.csv": CUSTOMERS_CSV + "C001,x,active,,,\n"})
    result = run_validate(root)
    assert result.exit_code == 2
    for fragment in ("below its minimum", "does not exist in table customers", "duplicate value"):
        assert fragment in result.output


def test_valid_client_and_list(client_root):
    assert run_validate(client_root).exit_code == 0
    result = CliRunner().invoke(cli, ["--lang", "en", "list", "--data-root", str(client_root)])
    assert result.exit_code == 0 and "acme" in result.output and "3c" in result.output


def test_unsafe_client_id_is_refused(client_root):
    result = run_validate(client_root, client="../acme")
    assert result.exit_code == 2
    assert "not allowed" in result.output


# =========================================================================== real client files (issue 13)
# Each class of what clients in Greater China really send, in variants of our own: the outcome
# (exit code) and the message are asserted. A refusal costs a minute; a wrong number the engagement.

import datetime as dt  # noqa: E402
import re  # noqa: E402
import zipfile  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

from threec_helpers.inputs.validation import validate_client  # noqa: E402
from testpaths import TESTS  # noqa: E402

DATA = TESTS / "data"
TX_HEADER = "transaction_id,date,customer_id,amount,cost,quantity,product\n"


def tx_rows(*rows: str) -> str:
    return TX_HEADER + "".join(r + "\n" for r in rows)


def validate(root: Path):
    report, _, tables = validate_client("acme", root, today=dt.date(2026, 11, 30))
    return report, tables


def rewrite_xlsx(data: bytes, edit) -> bytes:
    """Rewrite the first sheet's XML of a workbook, as an exporter other than Excel might write it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                body = edit(body.decode("utf-8")).encode("utf-8")
            dst.writestr(name, body)
    return out.getvalue()


GOOD_TX_ROWS = [["交易编号", "日期", "客户编号", "金额", "成本"]] + [
    [f"T{i}", dt.date(2025, 1, 1) + dt.timedelta(days=i % 200), "C001" if i % 2 else "C002", 100 + i, 50]
    for i in range(1, 41)]


# --------------------------------------------------------------------------- 1. never a traceback

def _valid_files() -> dict[str, bytes]:
    buf = io.BytesIO()
    pd.read_csv(io.StringIO(TRANSACTIONS_CSV), dtype=str).to_parquet(buf)
    return {"transactions.csv": TRANSACTIONS_CSV.encode("utf-8"), "transactions.xlsx": xlsx_bytes(GOOD_TX_ROWS),
            "transactions.xlsm": xlsx_bytes(GOOD_TX_ROWS), "transactions.parquet": buf.getvalue(),
            "transactions.xls": (DATA / "transactions_old_excel.xls").read_bytes()}


VALID_FILES = _valid_files()


@settings(max_examples=25)
@given(name=st.sampled_from(sorted(VALID_FILES)), cut=st.floats(0, 1), noise=st.binary(max_size=600),
       where=st.floats(0, 1), mode=st.sampled_from(["truncate", "random", "splice"]))
def test_random_and_truncated_bytes_never_give_a_traceback(tmp_path_factory, name, cut, noise, where, mode):
    good = VALID_FILES[name]
    if mode == "truncate":
        body = good[: int(len(good) * cut)]
    elif mode == "random":
        body = noise
    else:  # random bytes written over a part of a valid file
        at = int(len(good) * where)
        body = good[:at] + noise + good[at + len(noise):]
    root = tmp_path_factory.mktemp("fuzz") / "clients"
    write_client(root, files={name: body}, drop=("transactions.csv",) if name != "transactions.csv" else ())
    report, _ = validate(root)  # must not raise
    if not report.ok:
        assert any(p.file.endswith(name) or p.table == "transactions" for p in report.errors), report.format_text()
    result = run_validate(root)
    assert result.exit_code in (0, 2) and "Traceback" not in result.output


def test_unexpected_error_names_the_file_and_keeps_the_original_error(tmp_path, monkeypatch):
    import threec_helpers.inputs.validation as validation

    def broken(*args, **kwargs):
        raise ZeroDivisionError("something nobody foresaw")

    monkeypatch.setattr(validation, "parse_dates", broken)
    root = tmp_path / "clients"
    write_client(root)
    result = run_validate(root)
    assert result.exit_code == 2
    assert "unexpected error while reading or checking this file: ZeroDivisionError: something nobody foresaw" \
        in result.output
    assert "customers.csv" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- 2. totals and subtotals

SUBTOTALS_FILLED_DOWN = tx_rows(
    "T1,2025-01-05,C001,1000,600,10,blinds", "T2,2025-01-05,C001,500,300,5,rails",
    ",2025-01-05,C001,1500,900,15,小计",  # date and customer filled down, label in the product column
    "T3,2025-02-01,C002,800,500,8,rails", ",2025-02-01,C002,800,500,8,小计",
    ",,,2300,1400,23,合计")


@pytest.mark.parametrize("case, body, code, fragments", [
    ("subtotals_filled_down", SUBTOTALS_FILLED_DOWN, 2,
     ["this is a total or subtotal row, not data", "row 4, column product: value '小计'", "row 6", "row 7"]),
    ("total_label_in_id_column", tx_rows("T1,2024-12-01,C001,1000,600,1,a", "T2,2025-01-01,C002,500,300,1,a",
                                         "本月合计,2025-01-01,,1500,900,2,"), 0,
     ["the last row is a grand total (amount 1,500.00; cost 900.00; quantity 2.00)", "row 4"]),
    ("final_total_that_does_not_add_up", tx_rows("T1,2024-12-01,C001,1000,600,1,a", "T2,2025-01-01,C002,500,300,1,a",
                                                 "Total,,,1600,900,2,"), 2,
     ["this is a total or subtotal row", "row 4, column transaction_id: value 'Total'"]),
    ("english_subtotal", tx_rows("T1,2024-12-01,C001,1000,600,1,a", "T9,2024-12-01,C001,1000,600,1,Sub-total",
                                 "T2,2025-01-01,C002,500,300,1,a"), 2, ["value 'Sub-total'"]),
    ("a_sentence_that_contains_the_word_is_data",
     tx_rows("T1,2024-12-01,C001,1000,600,1,由人工汇总统计的定制窗帘系列产品", "T2,2025-01-01,C002,500,300,1,a"), 0,
     ["valid"]),
])
def test_total_rows_are_never_counted(tmp_path, case, body, code, fragments):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == code, result.output
    for fragment in fragments:
        assert fragment in result.output, f"{case}: {fragment!r} not in\n{result.output}"
    if code == 0:
        _, tables = validate(root)
        assert tables["transactions"]["amount"].sum() == 1500  # the total row not counted


def test_grand_total_in_a_workbook_is_dropped_and_revenue_is_not_doubled(tmp_path):
    rows = [r[:] for r in GOOD_TX_ROWS] + [["合计", None, None, sum(r[3] for r in GOOD_TX_ROWS[1:]), 50 * 40]]
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": xlsx_bytes(rows)}, drop=("transactions.csv",))
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["amount"].sum() == sum(r[3] for r in GOOD_TX_ROWS[1:])
    assert [p.rule for p in report.warnings] == ["total_row_dropped"]


# --------------------------------------------------------------------------- 3. Excel as exporters write it

def test_a_wrong_recorded_sheet_size_is_not_trusted(tmp_path):
    body = rewrite_xlsx(xlsx_bytes(GOOD_TX_ROWS), lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:E3"', x))
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": body}, drop=("transactions.csv",))
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert len(tables["transactions"]) == 40  # openpyxl's read-only mode reads 2 of them


def test_formula_without_saved_value_is_refused(tmp_path):
    rows = [r[:] for r in GOOD_TX_ROWS]
    rows[3][4] = "=D4*0.5"  # openpyxl writes the formula and no result, as scripts do
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": xlsx_bytes(rows)}, drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 2
    # the title names the column as the file heads it; the row line adds the canonical name
    assert "column '成本' holds a formula whose result was never saved in the file" in result.output
    assert "row 4, column 成本 (cost)" in result.output
    assert "Open and save the file in Excel or WPS" in result.output
    result = run_validate(root, lang="zh")
    assert "请用 Excel 或 WPS 打开并保存该文件" in result.output


def test_formula_with_a_saved_empty_text_result_is_read(tmp_path):
    body = rewrite_xlsx(xlsx_bytes(GOOD_TX_ROWS), lambda x: x.replace(
        '<c r="E4" t="n"><v>50</v></c>', '<c r="E4" t="str"><f>IF(1,"","")</f><v></v></c>'))
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": body}, drop=("transactions.csv",))
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert np.isnan(tables["transactions"].loc[4, "cost"])


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"])
def test_excel_error_values_are_named_in_any_column(tmp_path, error):
    rows = [r[:] for r in GOOD_TX_ROWS]
    rows[5][4] = error  # cost
    rows[7][0] = error  # an id column
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": xlsx_bytes(rows)}, drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 2
    assert "holds an Excel error value, not data" in result.output
    assert f"row 6, column 成本 (cost): value '{error}'" in result.output
    assert f"row 8, column 交易编号 (transaction_id): value '{error}'" in result.output


def test_error_value_text_in_a_csv_is_reported_too(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": TRANSACTIONS_CSV.replace("1500,20", "#DIV/0!,20")})
    result = run_validate(root)
    assert result.exit_code == 2 and "row 3, column cost: value '#DIV/0!'" in result.output


def test_hidden_rows_are_warned_and_hidden_sheets_ignored(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细"
    for r in GOOD_TX_ROWS:
        ws.append(r)
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[9].hidden = True
    old = wb.create_sheet("2024旧表")
    old.sheet_state = "hidden"
    for r in GOOD_TX_ROWS[:3]:
        old.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": buf.getvalue()}, drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    assert "2 row(s) of the sheet are hidden (rows 5, 9 ...); they are read as data" in result.output


def test_several_candidate_sheets_are_refused_until_client_yaml_names_one(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由财务部导出"])
    for title in ("明细", "汇总"):
        ws = wb.create_sheet(title)
        for r in GOOD_TX_ROWS:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    root = tmp_path / "clients"
    write_client(root, files={"销售明细.xlsx": buf.getvalue(),
                              "client.yaml": CLIENT_YAML_WITH("tables:\n  transactions: {file: 销售明细.xlsx}\n")},
                 drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 2
    assert "several visible sheets could hold this table (明细、汇总)" in result.output
    write_client(root, files={"client.yaml": CLIENT_YAML_WITH(
        "tables:\n  transactions: {file: 销售明细.xlsx, sheet: 明细}\n")})
    result = run_validate(root)
    assert result.exit_code == 0, result.output


def test_old_xls_workbook_is_read(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xls": (DATA / "transactions_old_excel.xls").read_bytes()},
                 drop=("transactions.csv",))
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["amount"].tolist() == [1000.0, 2500.5, 1200.0]
    assert report.sheets and list(report.sheets.values()) == ["销售明细"]


def test_damaged_xls_is_refused_with_what_to_do(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xls": b"\xd0\xcf\x11\xe0" + b"\x00" * 600}, drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 2
    assert "cannot read this old .xls workbook" in result.output and "save it as .xlsx" in result.output


def CLIENT_YAML_WITH(extra: str) -> str:  # noqa: N802 - reads as a constant with an addition
    from conftest import CLIENT_YAML

    return CLIENT_YAML + extra


# --------------------------------------------------------------------------- 4. numbers and dates

def test_decimal_commas_are_decided_per_column_from_the_evidence(tmp_path):
    body = ("transaction_id;date;customer_id;amount;cost\n"
            "T1;2024-12-01;C001;1.234,50;600\n"       # European: dot groups, comma decimal
            "T2;2025-01-01;C002;99,5;12,25\n"
            "T3;2025-02-01;C001;2.000;1.000,75\n")    # 2.000 is 2000 in this column
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["amount"].tolist() == [1234.5, 99.5, 2000.0]
    assert tables["transactions"]["cost"].tolist() == [600.0, 12.25, 1000.75]


def test_a_column_mixing_both_comma_conventions_is_refused(tmp_path):
    body = tx_rows('T1,2024-12-01,C001,"1,234.50",600,1,a', 'T2,2025-01-01,C002,"99,5",12,1,a')
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "column 'amount' mixes numbers written 1,234.56 and 1.234,56 (1,234.50, 99,5)" in result.output
    assert "row 3, column amount: value '99,5'" in result.output  # never read as 995


@pytest.mark.parametrize("written, expected", [
    ('"(1,234.50)"', -1234.5), ("1.5万", 15000.0), ("0.12亿", 12_000_000.0), ("１２３４", 1234.0),
    ('"¥1,000"', 1000.0), ("HK$800", 800.0), ('"1,234,567"', 1_234_567.0)])
def test_accounting_negatives_wan_yi_full_width_digits(tmp_path, written, expected):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": tx_rows(f"T1,2024-12-01,C001,100,{written},1,a",
                                                          "T2,2025-01-01,C002,5,1,1,a")})
    report, tables = validate(root)
    cost = tables["transactions"]["cost"].iloc[0]
    assert cost == expected
    if expected < 0:
        assert "value '(1,234.50)'" in report.format_text()  # as the file holds it


def test_day_first_dates_are_decided_once_for_the_column(tmp_path):
    body = tx_rows("T1,05/03/2025,C001,1,1,1,a", "T2,13/03/2025,C002,1,1,1,a", "T3,01/02/2025,C001,1,1,1,a")
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-05", "2025-03-13",
                                                                               "2025-02-01"]


def test_ambiguous_dates_are_refused_unless_client_yaml_says(tmp_path):
    body = tx_rows("T1,05/03/2025,C001,1,1,1,a", "T2,01/02/2025,C002,1,1,1,a")
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "column 'date' has dates (05/03/2025, 01/02/2025) that can be day-first or month-first" in result.output
    assert "date_order: dmy" in result.output
    for order, first in (("dmy", "2025-03-05"), ("mdy", "2025-05-03")):
        write_client(root, files={"client.yaml": CLIENT_YAML_WITH(f"date_order: {order}\n"),
                                  "transactions.csv": body})
        report, tables = validate(root)
        assert report.ok, report.format_text()
        assert tables["transactions"]["date"].dt.strftime("%Y-%m-%d").iloc[0] == first
    # the order may also be given for one table
    write_client(root, files={"client.yaml": CLIENT_YAML_WITH("tables:\n  transactions: {date_order: dmy}\n"),
                              "transactions.csv": body})
    report, tables = validate(root)
    assert report.ok and tables["transactions"]["date"].dt.day.iloc[0] == 5


def test_a_column_with_day_first_and_month_first_dates_is_refused(tmp_path):
    body = tx_rows("T1,13/03/2025,C001,1,1,1,a", "T2,03/14/2025,C002,1,1,1,a", "T3,2025-02-01,C001,1,1,1,a")
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "column 'date' holds both day-first and month-first dates (13/03/2025, 03/14/2025)" in result.output


def test_an_empty_date_cell_is_a_message_not_a_crash(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": tx_rows("T1,2024-12-01,C001,1,1,1,a", "T2,,C002,1,1,1,a",
                                                          "T3,2025-01-01,C002,1,1,1,a")})
    result = run_validate(root)
    assert result.exit_code == 2 and "column 'date' may not be empty" in result.output and "row 3" in result.output


# --------------------------------------------------------------------------- 5. ids and text

def test_leading_zeros_survive_in_csv_as_in_excel(tmp_path):
    customers = "customer_id,name,status\n000356,Alpha,active\n001002,Beta,active\n"
    transactions = tx_rows("T1,2024-12-01,000356,100,1,1,a", "T2,2025-01-01,001002,5,1,1,a",
                           "T3,2025-01-02,1002,5,1,1,a")
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": customers, "transactions.csv": transactions})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "row 4, column customer_id: value '1002'" in result.output  # 1002 is not 001002
    _, tables = validate(root)
    assert tables["customers"]["customer_id"].tolist() == ["000356", "001002"]
    assert tables["transactions"]["customer_id"].tolist()[:2] == ["000356", "001002"]


def test_ids_differing_only_by_case_or_spaces_are_warned(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": CUSTOMERS_CSV + "c001,alpha again,active,,,\nC 002,b,active,,,\n"})
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    assert "column 'customer_id' holds ids that differ only by case or spaces" in result.output
    assert "value 'C001 / c001'" in result.output and "value 'C002 / C 002'" in result.output


def test_gbk_file_whose_first_megabyte_is_ascii(tmp_path):
    lines = [f"T{i:07d},2025-01-01,C001,1,1,1,blinds" for i in range(40_000)]
    body = (TX_HEADER + "\n".join(lines) + "\nT9999999,2025-01-02,C002,1,1,1,电动窗帘\n").encode("gbk")
    assert len(body) > 1 << 20 and body[: 1 << 20].isascii()
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["product"].iloc[-1] == "电动窗帘"


BIG5_CUSTOMERS = ("客戶編號,客戶名稱,狀態\nC001,香港華美窗簾有限公司,active\nC002,臺北東方酒店,active\n"
                  "C003,九龍商業大樓,inactive\nC004,新界裝飾工程公司,prospect\nC005,澳門零售商店,suspect\n")


def test_big5_file_from_taiwan_or_hong_kong_is_read(tmp_path):
    body = BIG5_CUSTOMERS.encode("big5")
    assert body.decode("gb18030")  # it also "decodes" as GB18030, to the wrong characters
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": body})
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["customers"]["name"].tolist()[:2] == ["香港華美窗簾有限公司", "臺北東方酒店"]


def test_short_gbk_file_that_also_decodes_as_big5_is_read_as_gbk():
    from threec_helpers.io import detect_encoding

    text = "客户编号,客户名称\nC001,东方酒店\n"
    body = text.encode("gbk")
    assert body.decode("big5")  # both decode: plausibility decides
    assert detect_encoding(Path("x.csv"), body) == "gb18030"


def test_gb18030_big5_ambiguity_without_evidence_is_refused():
    from threec_helpers.errors import FileFormatError
    from threec_helpers.io import detect_encoding

    body = "id\n" + "".join(chr(c) for c in (0x7C1E, 0x7C1F, 0x7C20)) + "\n"  # rare characters only
    raw = body.encode("big5")
    assert raw.decode("gb18030")
    with pytest.raises(FileFormatError, match="cannot tell whether the file is Simplified"):
        detect_encoding(Path("x.csv"), raw)


def test_a_file_mixing_encodings_is_refused_with_the_first_failing_line(tmp_path):
    body = (TX_HEADER + "T1,2024-12-01,C001,1,1,1,电动窗帘\n").encode("utf-8") + \
        "T2,2025-01-01,C002,1,1,1,卷帘\n".encode("gbk") + "T3,2025-01-01,C002,1,1,1,卷帘\n".encode("utf-8")
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "the text near row 3 is not valid UTF-8; the file mixes encodings" in result.output


@pytest.mark.parametrize("token", ["#N/A", "NULL", "NA", "N/A", "nan"])
def test_in_csv_only_an_empty_cell_is_missing(tmp_path, token):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": tx_rows("T1,2024-12-01,C001,100,1,1,a",
                                                          f"T2,2025-01-01,C002,{token},1,1,a")})
    result = run_validate(root)
    assert result.exit_code == 2
    assert f"row 3, column amount: value '{token}'" in result.output


def test_na_as_text_is_kept(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": CUSTOMERS_CSV.replace("C005,Epsilon,suspect,retail,west",
                                                                     "C005,Epsilon,suspect,retail,NA")})
    report, tables = validate(root)
    assert report.ok and tables["customers"].set_index("customer_id").loc["C005", "region"] == "NA"


# --------------------------------------------------------------------------- 6. client.yaml checked for meaning

def test_overlapping_periods_are_refused_but_nested_ones_allowed(tmp_path):
    from conftest import CLIENT_YAML

    root = tmp_path / "clients"
    overlapping = CLIENT_YAML.replace("end: 2024-10-31", "end: 2024-12-31")
    write_client(root, files={"client.yaml": overlapping})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "field 'periods': FY2024 (2023-11-01..2024-12-31) and FY2025 (2024-11-01..2025-10-31) overlap" \
        in result.output
    nested = CLIENT_YAML.replace("current_period:", "  - {id: H1-FY2025, start: 2024-11-01, end: 2025-04-30}\n"
                                                   "current_period:")
    write_client(root, files={"client.yaml": nested})
    assert run_validate(root).exit_code == 0


def test_gaps_and_transactions_outside_every_period_are_warned_with_count_and_amount(tmp_path):
    from conftest import CLIENT_YAML

    root = tmp_path / "clients"
    gap = CLIENT_YAML.replace("start: 2024-11-01", "start: 2024-12-01")  # November 2024 belongs to no period
    body = TRANSACTIONS_CSV + "T6,2024-11-15,C001,400,100,1,a\nT7,2023-01-15,C002,250.5,100,1,a\n"
    write_client(root, files={"client.yaml": gap, "transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    assert "there is a gap between periods from 2024-11-01 to 2024-11-30, holding 1 transactions (amount 400.00)" \
        in result.output
    assert "2 transactions (amount 650.50) fall outside every period" not in result.output
    assert "1 transactions (amount 250.50) fall outside every period of client.yaml (2023-11-01 to 2025-10-31)" \
        in result.output


def test_a_current_period_without_data_is_refused(tmp_path):
    root = tmp_path / "clients"
    body = TRANSACTIONS_CSV.replace("2025-02-01", "2024-02-01").replace("2025-06-30", "2024-06-30")
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "the current period FY2025 (2024-11-01 to 2025-10-31) holds no data" in result.output


@pytest.mark.parametrize("written, expected", [("8%", 0.08), ("'0.08'", 0.08), ("12", 12.0), ("８％", 0.08)])
def test_targets_are_typed_when_read(tmp_path, written, expected):
    from threec_helpers.inputs.config import load_client_config

    folder = write_client(tmp_path, files={"client.yaml": CLIENT_YAML_WITH(f"targets: {{revenue_growth: {written}}}\n")})
    value = load_client_config(folder).targets["revenue_growth"]
    assert value == pytest.approx(expected) and isinstance(value, float)


def test_a_target_that_is_no_number_is_refused_naming_the_field(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"client.yaml": CLIENT_YAML_WITH("targets: {revenue_growth: about eight percent}\n")})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "field 'targets.revenue_growth': 'about eight percent' is not a number" in result.output


def test_a_date_order_that_is_not_one_is_refused(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"client.yaml": CLIENT_YAML_WITH("date_order: day-first\n")})
    result = run_validate(root)
    assert result.exit_code == 2 and "field 'date_order': 'day-first' is not a date order" in result.output


# --------------------------------------------------------------------------- 7. column mapping in client.yaml

def test_column_mapping_reads_a_client_workbook_unedited(tmp_path):
    rows = [["销售明细 2025"], ["开单日", "往来单位编码", "本币无税金额", "备注"]] + [
        [dt.date(2025, 3, 1 + i), "C001" if i % 2 else "C002", 100.0 + i, ""] for i in range(10)]
    wb = openpyxl.Workbook()
    wb.active.title = "明细"
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    root = tmp_path / "clients"
    yaml_text = CLIENT_YAML_WITH("tables:\n  transactions: {file: 销售明细.xlsx, sheet: 明细, "
                                 "columns: {开单日: date, 往来单位编码: customer_id}}\n")
    write_client(root, files={"client.yaml": yaml_text, "销售明细.xlsx": buf.getvalue()}, drop=("transactions.csv",))
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["amount"].sum() == sum(100.0 + i for i in range(10))
    assert tables["transactions"]["customer_id"].iloc[0] == "C002"


def test_a_mapping_to_an_unknown_column_is_refused_with_a_suggestion(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"client.yaml": CLIENT_YAML_WITH(
        "tables:\n  transactions: {columns: {开单日: dates}}\n")})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "field 'tables.transactions.columns.开单日': 'dates' is not a column of transactions. Did you mean date?" \
        in result.output


def test_unrecognised_headers_get_a_did_you_mean_across_all_tables(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": TRANSACTIONS_CSV.replace("quantity", "数 量 (件)").replace(
        "product", "产品名")})
    result = run_validate(root)
    assert result.exit_code == 0, result.output
    assert "column '产品名' is not part of the data contract and is ignored; did you mean 产品名称 (product)" \
        in result.output
    assert "tables: {transactions: {columns: {产品名: column_name}}}" in result.output


@pytest.mark.parametrize("erp, headers", [
    ("用友 U8", ["发票号", "开票日期", "客户编码", "客户名称", "存货编码", "存货名称", "数量", "本币无税金额", "价税合计"]),
    ("金蝶云星空", ["单据编号", "日期", "客户编码", "物料编码", "物料名称", "实发数量", "金额（本位币）", "价税合计"]),
    ("SAP Business One", ["凭证编号", "过账日期", "客户/供应商代码", "客户/供应商名称", "物料/服务描述", "数量", "行总计"]),
])
def test_standard_erp_exports_are_recognised(tmp_path, erp, headers):
    from threec_helpers.inputs.contract import TABLES
    from threec_helpers.io import read_table

    values = {"发票号": "F1", "单据编号": "F1", "凭证编号": "1", "开票日期": "2025-01-02", "日期": "2025-01-02",
              "过账日期": "2025-01-02", "客户编码": "C001", "客户/供应商代码": "C001"}
    path = tmp_path / "export.csv"
    path.write_text(",".join(headers) + "\n" + ",".join(values.get(h, "1") for h in headers) + "\n", encoding="utf-8")
    raw = read_table(path, TABLES["transactions"])
    assert {"transaction_id", "date", "customer_id", "amount", "product"} <= set(raw.frame.columns), erp
    assert "价税合计" not in raw.original_headers.values()  # gross of VAT: never read as revenue


def test_customer_id_headers_are_the_same_for_every_table():
    from threec_helpers.inputs.contract import TABLES

    spellings = {name: set(t.column("customer_id").aliases) for name, t in TABLES.items()
                 if "customer_id" in t.column_names}
    assert len(spellings) >= 4 and len({frozenset(s) for s in spellings.values()}) == 1


# --------------------------------------------------------------------------- 8. messages a consultant can act on

def test_exact_duplicate_rows_are_warned_with_count_and_amount(tmp_path):
    month = "2025-03-01,C001,1000,600\n2025-03-02,C002,2500.5,1500\n"
    body = "date,customer_id,amount,cost\n2024-12-01,C001,10,5\n" + month + month  # March pasted twice
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 0
    assert "2 row(s), amount 3,500.50, are exact copies of an earlier row (rows 5, 6 ...)" in result.output


def test_errors_are_listed_first_and_warnings_counted_apart(tmp_path):
    root = tmp_path / "clients"
    body = TRANSACTIONS_CSV.replace("product", "产品名").replace("C002,800", "C002,-800")
    write_client(root, files={"transactions.csv": body})
    result = run_validate(root)
    assert result.exit_code == 2
    assert "NOT valid, 1 error(s) and 1 warning(s)" in result.output
    assert result.output.index("below its minimum") < result.output.index("is not part of the data contract")
    zh = run_validate(root, lang="zh").output
    assert "共 1 处错误（另有 1 条提示）" in zh
    report = json.loads(run_validate(root, "--json").output)
    assert report["errors"] == 1 and report["warnings"] == 1 and report["problems"][0]["severity"] == "error"


def test_value_shown_as_the_file_holds_it(tmp_path):
    customers = "customer_id,name,status\n000356,Alpha,active\n000356,Beta,active\n"
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": customers,
                              "transactions.csv": tx_rows("T1,2025-01-01,000356,1,1,1,a")})
    result = run_validate(root)
    assert "value '000356'" in result.output and "value '356'" not in result.output


def test_every_new_message_exists_in_both_languages():
    from threec_helpers.i18n import catalog

    rules = ["file_unexpected", "total_row", "total_row_dropped", "excel_error", "excel_formula_uncalculated",
             "excel_hidden_rows", "date_order_mixed", "date_order_ambiguous", "number_convention_mixed",
             "unknown_column_suggest", "duplicate_rows", "duplicate_rows_amount", "id_spelling", "outside_periods",
             "period_gap", "current_period_empty"]
    for rule in rules:
        for key in (f"validation.{rule}", f"validation.{rule}.hint"):
            assert set(catalog()[key]) >= {"zh", "en"}, key
    for key in ("io.many_sheets", "io.xls_unopenable", "io.unknown_encoding_line", "io.encoding_ambiguous"):
        assert set(catalog()[key]) >= {"zh", "en"}, key


def test_old_xls_error_values_and_hidden_rows_are_named(tmp_path):
    # written once with xlwt 1.3.0: a #DIV/0! in 成本 row 3, row 4 hidden
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xls": (DATA / "transactions_xls_error_hidden.xls").read_bytes()},
                 drop=("transactions.csv",))
    result = run_validate(root)
    assert result.exit_code == 2
    assert "row 3, column 成本 (cost): value '#DIV/0!'" in result.output
    assert "1 row(s) of the sheet are hidden (rows 4 ...)" in result.output


def test_a_reader_panic_on_a_truncated_xls_is_a_message_and_prints_nothing(tmp_path, capfd):
    # calamine's Rust code panics on this truncation (found by fuzzing); the panic is a
    # BaseException in Python and its message would go straight to the terminal
    body = (DATA / "transactions_old_excel.xls").read_bytes()[:4567]
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xls": body}, drop=("transactions.csv",))
    report, _ = validate(root)
    assert not report.ok
    assert "cannot read this old .xls workbook" in report.format_text()
    assert capfd.readouterr().err == ""


def test_client_yaml_messages_in_chinese(tmp_path):
    from conftest import CLIENT_YAML

    root = tmp_path / "clients"
    write_client(root, files={"client.yaml": CLIENT_YAML.replace("end: 2024-10-31", "end: 2024-12-31")})
    output = run_validate(root, lang="zh").output
    assert "字段“periods”：FY2024（2023-11-01..2024-12-31）与 FY2025（2024-11-01..2025-10-31）重叠" in output
    write_client(root, files={"client.yaml": CLIENT_YAML_WITH("targets: {nps: 三十}\n")})
    assert "字段“targets.nps”：'三十' 不是数字" in run_validate(root, lang="zh").output


def test_number_cells_of_a_workbook_do_not_vote_on_the_comma_convention(tmp_path):
    rows = [r[:] for r in GOOD_TX_ROWS]
    rows[1][3], rows[2][3], rows[3][3] = "1.234,50", "99,5", 12.5  # text in European style, one real number
    root = tmp_path / "clients"
    write_client(root, files={"transactions.xlsx": xlsx_bytes(rows)}, drop=("transactions.csv",))
    report, tables = validate(root)
    assert report.ok, report.format_text()
    assert tables["transactions"]["amount"].tolist()[:3] == [1234.5, 99.5, 12.5]


def test_dates_of_unknown_order_are_listed_by_row_and_only_they_are_counted(tmp_path):
    # new-user trial: the message gave no rows, and its count took in a number (46086) it did not list
    body = tx_rows("T1,3/4/2025,C001,1,1,1,a", "T2,46086,C002,1,1,1,a", "T3,01/02/2025,C001,1,1,1,a",
                   "T4,2025-06-30,C002,1,1,1,a")
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": body})
    report, _ = validate(root)
    ambiguous = [p for p in report.errors if p.rule == "date_order_ambiguous"]
    assert [(p.row, p.value) for p in ambiguous] == [(2, "3/4/2025"), (4, "01/02/2025")]
    assert [(p.row, p.value) for p in report.errors if p.rule == "type_date"] == [(3, "46086")]
    text = report.format_text("en")
    assert "transactions.csv, row 2, column date: value '3/4/2025'" in text
    assert "the 2 cell(s) listed above were not read" in text
    assert "上列 2 个单元格未被读取" in report.format_text("zh")
