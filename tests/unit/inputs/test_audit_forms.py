"""Audit forms (issue 14): written from a checklist, filled, dropped into audit_forms/ and read
back as the responses table, each refusal naming the form's file."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import write_client
from pdfcheck import pdf_text
from testpaths import ROOT
from threec_helpers.audit.checklists import load_checklist
from threec_helpers.audit.forms import answers_by_respondent, write_audit_form
from threec_helpers.cli import cli
from threec_helpers.inputs.config import load_client_config
from threec_helpers.inputs.validation import validate_client

DEMO = ROOT / "data" / "clients"


def test_the_manufacturers_focus_answers_come_back_the_same_through_filled_forms(tmp_path):
    report, config, tables = validate_client("demo_manufacturer", DEMO)
    responses = tables["focus_responses"]
    last, forms = answers_by_respondent(responses, "3c")
    assert last == "2026" and len(forms) == 20
    root = tmp_path / "clients"
    folder = root / "demo_manufacturer"
    shutil.copytree(DEMO / "demo_manufacturer", folder)
    kept = pd.read_csv(folder / "focus_responses.csv", dtype=str)
    kept[kept["round"] != last].to_csv(folder / "focus_responses.csv", index=False)
    checklist = load_checklist("customer_focus")
    for n, (who, role, answers) in enumerate(forms):
        write_audit_form(checklist, folder / "audit_forms" / f"扫描件 {n}.xlsx", config, round_id=last,
                         respondent=who, role=role, answers=answers)
    report2, _, back = validate_client("demo_manufacturer", root)
    assert report2.ok, report2.format_text("en")
    key = ["round", "respondent_id", "item_id"]

    def answered(frame):
        return frame[frame["score"].notna()].sort_values(key).reset_index(drop=True)

    pd.testing.assert_frame_equal(answered(back["focus_responses"]), answered(responses), check_dtype=False)


def test_clinical_forms_carry_assessor_role_and_evidence(tmp_path):
    report, config, tables = validate_client("demo_hospital", DEMO)
    scores = tables["assessment_scores"]
    last, forms = answers_by_respondent(scores, "clinical")
    root = tmp_path / "clients"
    folder = root / "demo_hospital"
    shutil.copytree(DEMO / "demo_hospital", folder)
    kept = pd.read_csv(folder / "assessment_scores.csv", dtype=str)
    kept[kept["round"] != last].to_csv(folder / "assessment_scores.csv", index=False)
    checklist = load_checklist("obstetrics_quality")
    for who, role, answers in forms:
        write_audit_form(checklist, folder / "audit_forms" / f"{who}.xlsx", config, round_id=last, respondent=who,
                         role=role, answers=answers)
    report2, _, back = validate_client("demo_hospital", root)
    assert report2.ok, report2.format_text("en")
    key = ["round", "assessor", "item_id"]
    got = back["assessment_scores"].sort_values(key).reset_index(drop=True)
    want = scores.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False)


def test_form_layout(tmp_path):
    config = load_client_config(DEMO / "demo_manufacturer")
    checklist = load_checklist("customer_focus")
    out = write_audit_form(checklist, tmp_path / "f.xlsx", config, roles=["management", "sales"])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["审核表", "threec"] and wb["threec"].sheet_state == "hidden"
    ws = wb["审核表"]
    labels = [ws.cell(r, 1).value for r in range(3, 9)]
    assert labels == ["客户", "检查表", "轮次", "答卷人", "角色", "日期"]
    assert [c.value for c in ws[10]] == ["领域", "条目编号", "条目内容", "评分指引", "评分标准", "否决项", "得分",
                                         "佐证材料", "备注"]
    assert ws.freeze_panes == "C11"
    ids = [ws.cell(r, 2).value for r in range(11, 11 + len(checklist.items))]
    assert ids == checklist.item_ids
    score_lists = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("G")]
    assert len(score_lists) == len(checklist.items) and score_lists[0].formula1 == '"1,2,3,4,5"'
    veto_rows = [r for r in range(11, 11 + len(checklist.items)) if ws.cell(r, 6).value]
    assert len(veto_rows) == int(checklist.items["veto"].sum())
    role = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "B7"]
    assert role and role[0].type == "list"


# ------------------------------------------------------------------------------- refusals


@pytest.fixture
def acme(tmp_path):
    root = tmp_path / "clients"
    folder = write_client(root)
    return root, folder, load_client_config(folder), load_checklist("customer_focus")


def _answers(checklist, score=3.0, n=None):
    ids = checklist.item_ids[:n]
    return pd.DataFrame({"item_id": ids, "score": [score] * len(ids)})


def _problems(root):
    report, _, tables = validate_client("acme", root)
    return report, {(Path(p.file).name, p.rule) for p in report.errors}, tables


def test_good_forms_become_focus_responses(acme):
    root, folder, config, checklist = acme
    write_audit_form(checklist, folder / "audit_forms" / "a.xlsx", config, respondent="E1", role="sales",
                     answers=_answers(checklist))
    report, problems, tables = _problems(root)
    assert report.ok, report.format_text("en")
    fr = tables["focus_responses"]
    assert len(fr) == len(checklist.items) and set(fr["respondent_id"]) == {"E1"} and set(fr["round"]) == {"FY2025"}


def test_unknown_item_is_named_by_file_and_row(acme):
    root, folder, config, checklist = acme
    path = write_audit_form(checklist, folder / "audit_forms" / "x.xlsx", config, respondent="E1", role="sales",
                            answers=_answers(checklist))
    wb = openpyxl.load_workbook(path)
    wb["Form"].cell(12, 2, "ORG.99")
    wb.save(path)
    report, problems, _ = _problems(root)
    assert ("x.xlsx", "form_unknown_item") in problems
    p = next(p for p in report.errors if p.rule == "form_unknown_item")
    assert p.row == 12 and p.value == "ORG.99"


def test_score_outside_the_scale(acme):
    root, folder, config, checklist = acme
    write_audit_form(checklist, folder / "audit_forms" / "x.xlsx", config, respondent="E1", role="sales",
                     answers=_answers(checklist, score=7))
    report, problems, _ = _problems(root)
    assert ("x.xlsx", "form_score_outside") in problems
    assert "1–5" in report.format_text("en")


def test_a_respondent_twice(acme):
    root, folder, config, checklist = acme
    for name in ("a.xlsx", "b.xlsx"):
        write_audit_form(checklist, folder / "audit_forms" / name, config, respondent="E1", role="sales",
                         answers=_answers(checklist))
    report, problems, _ = _problems(root)
    assert ("b.xlsx", "form_respondent_twice") in problems
    assert "a.xlsx" in report.format_text("en")


def test_a_form_for_another_checklist(acme):
    root, folder, config, _ = acme
    other = load_checklist("iso9001_2015")
    write_audit_form(other, folder / "audit_forms" / "iso.xlsx", config, respondent="E1", role="sales",
                     answers=_answers(other))
    _, problems, _ = _problems(root)
    assert problems == {("iso.xlsx", "form_other_checklist")}


def test_a_form_for_another_client(acme):
    root, folder, config, checklist = acme
    other = dataclasses.replace(config, client_id="globex")
    write_audit_form(checklist, folder / "audit_forms" / "globex.xlsx", other, respondent="E1", role="sales",
                     answers=_answers(checklist))
    _, problems, _ = _problems(root)
    assert problems == {("globex.xlsx", "form_other_client")}


def test_an_empty_form_and_a_form_without_respondent(acme):
    root, folder, config, checklist = acme
    write_audit_form(checklist, folder / "audit_forms" / "blank.xlsx", config, respondent="E1", role="sales")
    write_audit_form(checklist, folder / "audit_forms" / "anon.xlsx", config, answers=_answers(checklist), role="x")
    _, problems, _ = _problems(root)
    assert ("blank.xlsx", "form_empty") in problems and ("anon.xlsx", "form_no_respondent") in problems


def test_a_file_that_is_no_form(acme, tmp_path):
    root, folder, config, checklist = acme
    (folder / "audit_forms").mkdir()
    pd.DataFrame({"a": [1]}).to_excel(folder / "audit_forms" / "notes.xlsx", index=False)
    _, problems, _ = _problems(root)
    assert problems == {("notes.xlsx", "form_not_a_form")}


def test_answers_already_in_the_table(acme):
    root, folder, config, checklist = acme
    (folder / "focus_responses.csv").write_text("respondent_id,role,item_id,score,round\nE1,sales,ORG.1,3,FY2025\n",
                                                encoding="utf-8")
    write_audit_form(checklist, folder / "audit_forms" / "e1.xlsx", config, respondent="E1", role="sales",
                     answers=_answers(checklist))
    report, _, _ = _problems(root)
    assert any(p.rule == "form_already_in_table" for p in report.errors)


# ------------------------------------------------------------------------------- command line


def test_cli_writes_form_pdf_request_workbook_and_filled_forms(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["--lang", "en", "audit-form", "demo_manufacturer", "--out", str(tmp_path / "f.xlsx"),
                              "--data-root", str(DEMO)])
    assert res.exit_code == 0, res.output
    text = pdf_text(tmp_path / "f.pdf")
    assert "ORG.1" in text and "答卷人" in text
    res = runner.invoke(cli, ["audit-form", "demo_hospital", "--fill", "--out", str(tmp_path / "forms"),
                              "--data-root", str(DEMO)])
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "forms").glob("*.xlsx"))) == 4
    res = runner.invoke(cli, ["request-workbook", "demo_telecom", "--out", str(tmp_path / "r.xlsx"), "--fill",
                              "--data-root", str(DEMO), "--due", "2026-12-01"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert "内审发现" in wb.sheetnames and wb["内审发现"].max_row > 2


def test_the_form_shows_names_not_ids(tmp_path):
    """What the respondent reads names the client and the checklist; their ids stay in the hidden
    sheet, where a returned form is checked (the form reads back as before)."""
    from threec_helpers.audit.forms import form_html

    config = load_client_config(DEMO / "demo_manufacturer")
    checklist = load_checklist("customer_focus")
    book = write_audit_form(checklist, tmp_path / "form.xlsx", config, respondent="S01", role="sales")
    wb = openpyxl.load_workbook(book)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    shown = " ".join(str(c.value) for ws in visible for row in ws.iter_rows() for c in row if c.value is not None)
    assert config.display_name("zh") in shown and checklist.title_in("zh") in shown
    assert config.client_id not in shown and checklist.id not in shown
    hidden = " ".join(str(c.value) for ws in wb.worksheets if ws.sheet_state != "visible"
                      for row in ws.iter_rows() for c in row if c.value is not None)
    assert config.client_id in hidden and checklist.id in hidden
    page = form_html(checklist, config, respondent="S01", role="sales")
    assert config.client_id not in page and checklist.id not in page


# ------------------------------------------------------------------------------- new-user trial (issue 14)


def _row(checklist, item):
    """The sheet row of an item on a form (items start on row 11)."""
    return 11 + checklist.item_ids.index(item)


def _edit(path, cells, role=None):
    """Change cells of a filled form as openpyxl (or a copy-paste past Excel's drop-down) would."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for (row, col), value in cells.items():
        ws.cell(row, col).value = value  # (ws.cell(row, col, None) would leave the cell as it is)
    if role is not None:
        ws["B7"] = role or None
    wb.save(path)


def test_a_half_point_is_no_score_of_a_whole_point_scale(acme):
    """The drop-down offers 1, 2, 3, 4, 5: 4.5 typed past it is refused, naming file, row, item and
    the scores offered; also on a form whose hidden sheet records no values for a range scale
    (forms written before they were recorded offered the same whole points)."""
    root, folder, config, checklist = acme
    path = write_audit_form(checklist, folder / "audit_forms" / "x.xlsx", config, respondent="E1", role="sales",
                            answers=_answers(checklist))
    _edit(path, {(_row(checklist, "ORG.2"), 7): 4.5})
    report, problems, _ = _problems(root)
    assert problems == {("x.xlsx", "form_score_outside")}
    p = next(p for p in report.errors if p.rule == "form_score_outside")
    assert (p.row, p.value, p.params["item"], p.params["allowed"]) == (12, "4.5", "ORG.2", "1, 2, 3, 4, 5")
    text = report.format_text("en")
    assert "x.xlsx" in text and "row 12" in text and "ORG.2 (12): 1, 2, 3, 4, 5" in text
    assert "ORG.2 (12): 1, 2, 3, 4, 5" in report.format_text("zh")
    wb = openpyxl.load_workbook(path)
    for row in wb["threec"].iter_rows(min_row=14):
        row[3].value = None
    wb.save(path)
    _, problems, _ = _problems(root)
    assert problems == {("x.xlsx", "form_score_outside")}


def test_blank_scores_keep_the_form_and_are_named_in_a_warning(acme):
    """Items left blank are read as "not answered": the form is kept, a warning names the form and
    the items, and the audit engine leaves them out of every score and count of answers."""
    from threec_helpers.audit.scoring import score_responses

    root, folder, config, checklist = acme
    path = write_audit_form(checklist, folder / "audit_forms" / "e1.xlsx", config, respondent="E1", role="sales",
                            answers=_answers(checklist, score=4.0))
    blank = ["ORG.3", "COM.1"]
    _edit(path, {**{(_row(checklist, i), 7): None for i in blank},
                 **{(_row(checklist, i), 8): "纪要" for i in blank}})
    report, _, tables = _problems(root)
    assert report.ok, report.format_text("en")
    w = [p for p in report.warnings if p.rule == "form_unanswered"]
    assert len(w) == 1 and Path(w[0].file).name == "e1.xlsx" and w[0].params["items"] == "ORG.3, COM.1"
    assert "2 of 20 items" in report.format_text("en") and "ORG.3, COM.1" in report.format_text("zh")
    fr = tables["focus_responses"]
    assert fr["score"].isna().sum() == 2  # kept as not answered (they carry evidence), never as 0
    res = score_responses(checklist, fr)
    assert res.overall["n_responses"] == len(checklist.items) - 2
    assert res.overall["score"] == pytest.approx(0.75)  # 4 on 1–5 everywhere answered: blanks pull nothing down


def test_every_problem_of_a_form_comes_at_once_under_a_true_title(acme):
    """Scores 0 (ORG.7) and 9 (COM.1) and a blank role: all three reported in one run; the title of
    the scale refusals names both items, not the first one's scale."""
    root, folder, config, checklist = acme
    path = write_audit_form(checklist, folder / "audit_forms" / "x.xlsx", config, respondent="E1", role="sales",
                            answers=_answers(checklist))
    _edit(path, {(_row(checklist, "ORG.7"), 7): 0, (_row(checklist, "COM.1"), 7): 9}, role="")
    report, problems, _ = _problems(root)
    assert problems == {("x.xlsx", "form_score_outside"), ("x.xlsx", "form_no_role")}
    outside = [p for p in report.errors if p.rule == "form_score_outside"]
    assert [(p.params["item"], p.value) for p in outside] == [("ORG.7", "0"), ("COM.1", "9")]
    text = report.format_text("en")
    title = next(line for line in text.splitlines() if "holds scores its items do not offer" in line)
    assert f"ORG.7 ({_row(checklist, 'ORG.7')}), COM.1 ({_row(checklist, 'COM.1')}): 1, 2, 3, 4, 5" in title
    assert "names no role" in text


def test_answers_already_in_the_table_name_every_form(acme):
    """Every form whose respondent's answers the table already holds is named by its own file,
    also when another form has errors (no second round)."""
    root, folder, config, checklist = acme
    (folder / "focus_responses.csv").write_text(
        "respondent_id,role,item_id,score,round\nE1,sales,ORG.1,3,FY2025\nE2,sales,ORG.1,3,FY2025\n", encoding="utf-8")
    for who in ("E1", "E2", "E3"):
        write_audit_form(checklist, folder / "audit_forms" / f"{who}.xlsx", config, respondent=who, role="sales",
                         answers=_answers(checklist, score=7 if who == "E3" else 3))
    report, problems, _ = _problems(root)
    assert problems == {("E1.xlsx", "form_already_in_table"), ("E2.xlsx", "form_already_in_table"),
                        ("E3.xlsx", "form_score_outside")}
    text = report.format_text("en")
    assert "audit form" in text and "E1.xlsx" in text and "E2.xlsx" in text


def test_the_paper_form_asks_for_ticks_and_words_the_role_with_and_without_a_list(tmp_path):
    """Paper has no drop-down: the PDF's instructions ask for one ticked box per item; the role is
    asked from the roles used so far when there are some, else as free text (a new client)."""
    from threec_helpers.audit.forms import form_html

    config = load_client_config(DEMO / "demo_manufacturer")
    checklist = load_checklist("customer_focus")
    new_client = form_html(checklist, config)
    assert "下拉" not in new_client and "勾选一个分值" in new_client and "角色直接填写" in new_client
    known = form_html(checklist, config, roles=["总经理", "销售"])
    assert "角色写以下之一：总经理、销售" in known and "下拉" not in known
    english = form_html(checklist, config, lang="en", roles=["manager", "sales"])
    assert "tick one box per item" in english and "one of: manager, sales" in english
    assert "drop-down" not in english
    # the workbook keeps its drop-down wording, the role's as it is offered or not
    for roles, hint in (((), "角色直接填写"), (("销售",), "角色从下拉列表选择")):
        ws = openpyxl.load_workbook(write_audit_form(checklist, tmp_path / "f.xlsx", config, roles=roles))["审核表"]
        assert hint in ws["A2"].value and "下拉列表选择一个分值" in ws["A2"].value


def test_cli_pdf_has_the_paper_instructions(tmp_path):
    res = CliRunner().invoke(cli, ["audit-form", "demo_manufacturer", "--out", str(tmp_path / "f.xlsx"),
                                   "--data-root", str(DEMO)])
    assert res.exit_code == 0, res.output
    text = pdf_text(tmp_path / "f.pdf").replace("\n", "")
    assert "勾选一个分值" in text and "下拉" not in text
