"""Messages in the client's words (new-user trial): a problem's title names the column by the
header the file has (状态, not status), else by its header in the report language, and a
category's allowed values are listed in the report language (活跃、非活跃、潜在、疑似)."""

from __future__ import annotations

from conftest import CUSTOMERS_CSV, write_client
from threec_helpers.inputs.validation import Problem, ValidationReport, validate_client

ZH_CUSTOMERS = ("客户编号,客户名称,状态\n"
                "C001,阿尔法酒店,活跃\nC002,贝塔地产,活跃\nC003,伽马零售,VIP\nC004,德尔塔,潜在\nC005,艾普西隆,疑似\n")


def test_a_chinese_file_is_told_in_its_headers_and_values(tmp_path):
    write_client(tmp_path / "clients", files={"customers.csv": ZH_CUSTOMERS})
    report, _, _ = validate_client("acme", tmp_path / "clients")
    zh = report.format_text("zh")
    assert "✗ 列“状态”的值不在允许范围内" in zh
    assert "customers.csv, 第 4 行, 列 状态 (status)：值为 “VIP”" in zh  # the row line keeps the code
    assert "允许的值：活跃、非活跃、潜在、疑似。" in zh
    assert "active" not in zh.split("允许的值")[1].splitlines()[0]
    en = report.format_text("en")
    assert "column '状态' holds a value that is not allowed" in en
    assert "Allowed values: active, inactive, prospect, suspect" in en
    [problem] = report.errors
    assert (problem.column, problem.header, problem.params["allowed"]) == ("status", "状态",
                                                                         "active, inactive, prospect, suspect")


def test_a_column_not_in_the_file_is_named_in_the_report_language():
    report = ValidationReport("acme", "clients/acme")
    report.add(Problem("customers", "customers.csv", None, "status", "required_column",
                       params={"accepted": "status, 状态", "found": "客户编号"}))
    assert report.problems[0].message("zh") == "缺少必需列“状态”"
    assert report.problems[0].message("en") == "required column 'status' is missing"


def test_english_headers_stay_as_they_are(tmp_path):
    write_client(tmp_path / "clients", files={"customers.csv": CUSTOMERS_CSV.replace("suspect", "vip")})
    report, _, _ = validate_client("acme", tmp_path / "clients")
    assert "列“status”的值不在允许范围内" in report.format_text("zh")  # the file heads it status
    assert "允许的值：活跃、非活跃、潜在、疑似。" in report.format_text("zh")
