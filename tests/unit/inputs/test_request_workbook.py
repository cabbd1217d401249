"""The data-request workbook (issue 14): written in the client's language, read back as the
client folder's data, one sheet per table, with its example row dropped and every rule still applied."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from conftest import write_client
from testpaths import ROOT
from threec_helpers.inputs.config import load_client_config
from threec_helpers.inputs.contract import display_header, sheet_title, table_for_sheet, tables_for, TABLES
from threec_helpers.inputs.request import write_request_workbook
from threec_helpers.inputs.validation import validate_client

DEMO = ROOT / "data" / "clients"


def _fresh_folder(root: Path, client_id: str, source: Path) -> Path:
    """A new client folder holding only the client's client.yaml (without its file mapping)."""
    folder = root / client_id
    folder.mkdir(parents=True)
    raw = yaml.safe_load((source / "client.yaml").read_text(encoding="utf-8"))
    raw.pop("tables", None)  # it names the demo's own files, which the new folder does not have
    (folder / "client.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize("client_id", ["demo_manufacturer", "demo_telecom", "demo_hospital"])
def test_a_filled_request_workbook_alone_validates_to_the_same_tables(tmp_path, client_id):
    report, config, tables = validate_client(client_id, DEMO)
    assert report.ok
    out = tmp_path / "out" / "request.xlsx"
    write_request_workbook(config, out, tables=tables)
    folder = _fresh_folder(tmp_path / "clients", client_id, DEMO / client_id)
    shutil.copy(out, folder / "资料清单（已填）.xlsx")
    report2, _, back = validate_client(client_id, tmp_path / "clients")
    assert report2.ok, report2.format_text("en")
    assert report2.errors == [] and report2.warnings == []
    assert set(back) == set(tables)
    for name, frame in tables.items():
        got = back[name]
        assert len(got) == len(frame), name  # same rows
        for col in frame.columns:
            if pd.api.types.is_float_dtype(frame[col].dtype):
                assert np.isclose(got[col].sum(), frame[col].sum()), (name, col)  # same sums
        pd.testing.assert_frame_equal(got.reset_index(drop=True), frame.reset_index(drop=True), check_dtype=False)


def test_layout_headers_comments_frozen_rows_drop_downs_and_example(tmp_path):
    config = load_client_config(DEMO / "demo_manufacturer")
    out = write_request_workbook(config, tmp_path / "r.xlsx", lists={"item_id": ["ORG.1", "ORG.2"]},
                                 contact="王经理 138-0000-0000", due="2026-12-15")
    wb = openpyxl.load_workbook(out)
    tables = tables_for("3c")
    assert wb.sheetnames == ["说明", *[sheet_title(t.name, "zh") for t in tables], "选项"]
    assert wb["选项"].sheet_state == "hidden"
    cover = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value is not None)
    assert "王经理 138-0000-0000" in cover and "2026-12-15" in cover and "FY2024" in cover and "FY2026" in cover
    for table in tables:
        ws = wb[sheet_title(table.name, "zh")]
        assert ws.freeze_panes == "A2"
        headers = [c.value for c in ws[1]]
        assert headers == [display_header(c, "zh") for c in table.columns]
        for cell, col in zip(ws[1], table.columns):
            assert cell.comment is not None and (col.doc_zh in cell.comment.text)
            assert ("必填" if col.required else "选填") in cell.comment.text
        assert str(ws.cell(2, 1).value).startswith("【示例】")
    customers = wb[sheet_title("customers", "zh")]
    status = [dv for dv in customers.data_validations.dataValidation if "C3" in str(dv.sqref)]
    assert status and status[0].type == "list" and status[0].errorStyle in (None, "stop")  # stop is the default
    assert "选项" in status[0].formula1
    lists = wb["选项"]
    column = [c.value for c in next(col for col in lists.iter_cols() if col[0].value == "customers.status")]
    assert column[1:5] == ["活跃", "非活跃", "潜在", "疑似"]
    focus = wb[sheet_title("focus_responses", "zh")]
    kinds = {str(dv.sqref).split(":")[0]: dv.type for dv in focus.data_validations.dataValidation}
    assert kinds["C3"] == "list"  # the checklist's items
    transactions = wb[sheet_title("transactions", "zh")]
    kinds = {str(dv.sqref).split(":")[0]: dv.type for dv in transactions.data_validations.dataValidation}
    assert kinds["B3"] == "date" and kinds["D3"] == "decimal"
    surveys = wb[sheet_title("surveys", "zh")]
    kinds = {str(dv.sqref).split(":")[0]: dv.type for dv in surveys.data_validations.dataValidation}
    assert kinds["F3"] == "list"  # yes/no


def test_english_client_gets_an_english_workbook(tmp_path):
    config = load_client_config(DEMO / "demo_hospital")
    wb = openpyxl.load_workbook(write_request_workbook(config, tmp_path / "r.xlsx"))
    assert wb.sheetnames[0] == "Read me" and "Assessment scores" in wb.sheetnames
    assert wb["Rectifications"]["A2"].value.startswith("[Example]")
    assert [c.value for c in wb["Rectifications"][1]][:2] == ["action_id", "item_id"]


def test_sheet_names_in_either_language():
    assert table_for_sheet("销售明细") == "transactions"
    assert table_for_sheet(" Cost to Serve ") == "cost_to_serve"
    assert table_for_sheet("Sheet1") is None
    for name in TABLES:
        assert table_for_sheet(sheet_title(name, "zh")) == name and table_for_sheet(sheet_title(name, "en")) == name


def _blank_workbook(tmp_path: Path, root: Path, client_id: str = "acme") -> Path:
    folder = write_client(root, client_id)
    return write_request_workbook(load_client_config(folder), tmp_path / "blank.xlsx")


def _fill(path: Path, sheet: str, rows: list[list], start_row: int = 3) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for r, values in enumerate(rows, start=start_row):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    wb.save(path)


def test_rules_still_refuse_bad_rows_naming_sheet_and_row(tmp_path):
    root = tmp_path / "clients"
    blank = _blank_workbook(tmp_path, root)
    folder = root / "acme"
    (folder / "customers.csv").unlink()
    (folder / "transactions.csv").unlink()
    book = folder / "returned.xlsx"
    shutil.copy(blank, book)
    _fill(book, "Customers", [["C001", "A", "active"], ["C002", "B", "sleeping"], ["C001", "C", "active"]])
    _fill(book, "Transactions", [["T1", "2025-01-05", "C001", 100], ["T2", "2025-02-05", "C009", -5],
                                 ["Total", None, None, 500]])
    report, _, _ = validate_client("acme", root)
    assert not report.ok
    got = {(p.file.rsplit("[", 1)[-1].rstrip("]"), p.row, p.rule) for p in report.errors}
    assert ("Customers", 4, "allowed") in got        # status not allowed, row 4 of the sheet
    assert ("Customers", 5, "unique") in got         # C001 twice
    assert ("Transactions", 4, "min") in got         # negative amount
    assert ("Transactions", 4, "reference") in got   # unknown customer
    assert ("Transactions", 5, "total_row") in got   # a total row is never data
    text = report.format_text("en")
    assert "returned.xlsx[Customers], row 4" in text


def test_the_example_marker_counts_only_in_the_first_row_below_the_header(tmp_path):
    root = tmp_path / "clients"
    blank = _blank_workbook(tmp_path, root)
    folder = root / "acme"
    (folder / "customers.csv").unlink()
    book = folder / "returned.xlsx"
    shutil.copy(blank, book)
    _fill(book, "Customers", [["C001", "A", "active"], ["[Example] C002", "B", "active"]])
    report, _, tables = validate_client("acme", root)
    # the marked row further down is data (and its id is then unknown to transactions: no matter)
    assert tables["customers"]["customer_id"].tolist() == ["C001", "[Example] C002"]
    assert tables["customers"].index.tolist() == [3, 4]


def test_a_returned_workbook_mixes_with_separate_files_and_optional_sheets_left_empty(tmp_path):
    root = tmp_path / "clients"
    blank = _blank_workbook(tmp_path, root)
    folder = root / "acme"
    (folder / "customers.csv").unlink()  # customers from the workbook, transactions from their CSV
    book = folder / "returned.xlsx"
    shutil.copy(blank, book)
    _fill(book, "Customers", [[f"C00{i}", "n", "active"] for i in range(1, 6)])
    report, _, tables = validate_client("acme", root)
    assert report.ok, report.format_text("en")
    assert len(tables["customers"]) == 5 and len(tables["transactions"]) == 5
    assert "cost_to_serve" not in tables and "surveys" not in tables  # their sheets hold only the example


def test_a_required_sheet_left_empty_is_refused(tmp_path):
    root = tmp_path / "clients"
    blank = _blank_workbook(tmp_path, root)
    folder = root / "acme"
    (folder / "customers.csv").unlink()
    shutil.copy(blank, folder / "returned.xlsx")
    report, _, _ = validate_client("acme", root)
    assert any(p.rule == "no_rows" and p.table == "customers" for p in report.errors)


def _error_styles(path, sheet_table, lang):
    """Column name -> error styles of its data validations on the sheet of a table."""
    ws = openpyxl.load_workbook(path)[sheet_title(sheet_table, lang)]
    letters = {c.column_letter: col.name for c, col in zip(ws[1], TABLES[sheet_table].columns)}
    styles: dict[str, set] = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        styles.setdefault(letters[letter], set()).add(dv.errorStyle or "stop")  # stop is Excel's default
    return styles


def test_item_drop_down_refuses_clause_and_role_drop_downs_warn(tmp_path):
    """An item id outside the checklist is refused on reading, so Excel stops it too; a clause or role
    outside its list is accepted on reading (finer clauses, new roles), so Excel only warns
    (docs/data-contract.md says the same)."""
    lists = {"item_id": ["OB.1.1", "OB.1.2"], "clause": ["ISO 9001:2015 4.1"], "role": ["midwife"]}
    hospital = write_request_workbook(load_client_config(DEMO / "demo_hospital"), tmp_path / "h.xlsx", lists=lists)
    styles = _error_styles(hospital, "assessment_scores", "en")
    assert styles["item_id"] == {"stop"} and styles["role"] == {"warning"}
    telecom = write_request_workbook(load_client_config(DEMO / "demo_telecom"), tmp_path / "t.xlsx", lists=lists)
    assert _error_styles(telecom, "audit_findings", "zh")["clause"] == {"warning"}
    assert _error_styles(telecom, "audit_programme", "zh")["clause"] == {"warning"}


# ------------------------------------------------------------------------------- new-user trial (issue 14)


def _options(config):
    from threec_helpers.audit.checklists import load_checklist
    from threec_helpers.audit.forms import request_options
    from threec_helpers.inputs.forms import expected_checklist

    return request_options(load_checklist(expected_checklist(config)), config.language)


def _comments(ws, table):
    return {col.name: cell.comment.text for cell, col in zip(ws[1], table.columns)}


def test_comments_say_what_is_true_of_required_columns_with_empty_cells_and_the_checklist_scale(tmp_path):
    """满意度 and 得分 are required columns whose cells may be empty: the comment says both, and
    when (not "必填, 可留空"); 得分 names the checklist's 1–5, not the contract's ≥ 0; the item
    drop-down's codes are explained in the comment (Excel's list shows only the codes)."""
    config = load_client_config(DEMO / "demo_manufacturer")
    wb = openpyxl.load_workbook(write_request_workbook(config, tmp_path / "r.xlsx", **_options(config)))
    focus = _comments(wb[sheet_title("focus_responses", "zh")], TABLES["focus_responses"])
    surveys = _comments(wb[sheet_title("surveys", "zh")], TABLES["surveys"])
    for text in (focus["score"], surveys["satisfaction"]):
        assert "必填列（请保留此列）" in text and "单元格可留空" in text and "必填, 可留空" not in text
    assert "未作答" in focus["score"] and "未回答" in surveys["satisfaction"]
    assert "范围：1–5" in focus["score"] and "≥ 0" not in focus["score"]
    assert "ORG.1  " in focus["item_id"] and "COM.7  " in focus["item_id"]
    assert "可留空" not in focus["respondent_id"]  # required, never empty
    ws = wb[sheet_title("focus_responses", "zh")]
    dv = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("D3"))
    assert (dv.type, float(dv.formula1), float(dv.formula2)) == ("decimal", 1.0, 5.0)
    assert dv.error == "请填写数字，范围：1–5。"
    english = _comments(openpyxl.load_workbook(write_request_workbook(
        config, tmp_path / "e.xlsx", lang="en", **_options(config)))["Focus responses"], TABLES["focus_responses"])
    assert "required column (keep it); a cell may be left empty when the item was not answered" in english["score"]


def test_the_forms_score_check_reads_as_a_sentence(tmp_path):
    from threec_helpers.audit.checklists import load_checklist
    from threec_helpers.audit.forms import write_audit_form

    config = load_client_config(DEMO / "demo_manufacturer")
    out = write_audit_form(load_checklist("customer_focus"), tmp_path / "f.xlsx", config)
    dv = next(dv for dv in openpyxl.load_workbook(out)["审核表"].data_validations.dataValidation
              if str(dv.sqref) == "G11")
    assert dv.error.startswith("请从下拉列表选择得分。评分标准：1–5: 1 未开展") and "的数字" not in dv.error


@pytest.mark.parametrize("client_id", ["demo_manufacturer", "demo_telecom", "demo_hospital"])
def test_every_example_row_fills_every_required_column_with_a_value_of_its_kind(tmp_path, client_id):
    from threec_helpers.inputs.contract import choices

    config = load_client_config(DEMO / client_id)
    options = _options(config)
    for tables in (None, validate_client(client_id, DEMO)[2]):
        wb = openpyxl.load_workbook(write_request_workbook(config, tmp_path / "r.xlsx", tables=tables, **options))
        for table in tables_for(config.engagement):
            ws = wb[sheet_title(table.name, config.language)]
            for c, col in enumerate(table.columns, start=1):
                value = ws.cell(2, c).value
                if c == 1:
                    value = str(value).split("】")[-1].split("] ")[-1]
                where = (client_id, table.name, col.name, value)
                if col.required:
                    assert value not in (None, "", "…") or col.type == "string", where
                    assert value is not None and str(value).strip(), where
                if value is None:
                    continue
                if col.type == "period":
                    assert value in [p.id for p in config.periods] and value == config.current_period, where
                if col.name == "round" and col.type == "string":
                    rounds = [] if tables is None else sorted(tables[table.name]["round"].astype(str).unique())
                    assert value == (rounds[-1] if rounds else config.current_period), where
                if col.type in ("category", "bool"):
                    assert value in choices(col, config.language), where
                if col.type in ("float", "int") and c > 1:
                    assert isinstance(value, (int, float)), where
                    assert (col.min is None or value >= col.min) and (col.max is None or value <= col.max), where
                if col.name == "score":
                    lo, hi, _ = options["ranges"]["score"]
                    assert lo <= value <= hi, where
                if col.name == "item_id":
                    assert value in options["lists"]["item_id"], where


def test_names_print_whole_in_an_empty_workbook(tmp_path):
    """Column widths of an empty workbook come from a per-column hint and the example, not only
    the header: 客户名称 is 28 wide, not 13."""
    config = load_client_config(DEMO / "demo_manufacturer")
    wb = openpyxl.load_workbook(write_request_workbook(config, tmp_path / "r.xlsx"))
    ws = wb[sheet_title("customers", "zh")]
    widths = {col.name: ws.column_dimensions[cell.column_letter].width
              for cell, col in zip(ws[1], TABLES["customers"].columns)}
    assert widths["name"] >= 28 and widths["customer_id"] >= 12
