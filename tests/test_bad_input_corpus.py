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
