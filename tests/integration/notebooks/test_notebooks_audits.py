"""The three audit notebooks run under papermill for their demo clients, in both languages.

Each run writes ``<notebook>.results.json`` into ``tmp_path``; the key numbers checked
here are the seed's (ISO 9001 briefing: utilisation 47,213 / 51,084 = 92.42%, 8 of 8
objectives, documents 35 / 91 / 6 / 33 / 22) and the demo generator's
(docs/demo-data.md: 12 findings, 2 open; hospital veto OB.3.1 partial in 2025H2, passed in
2026H2; managers about one maturity point above the front line).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from contractcheck import check_contract
from testpaths import ROOT

os.environ["THREEC_BATCH"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

pytestmark = pytest.mark.notebook

AUDITS = ROOT / "notebooks" / "audits"


def _kernel() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    return "threec" if "threec" in KernelSpecManager().find_kernel_specs() else "python3"


def run(name: str, tmp_path: Path, **parameters) -> dict:
    """Execute a notebook with papermill and return its results file."""
    import papermill as pm

    out = tmp_path / "results"
    pm.execute_notebook(str(AUDITS / f"{name}.ipynb"), str(tmp_path / f"{name}.ipynb"),
                        parameters={"output_dir": str(out), **parameters}, kernel_name=_kernel(),
                        cwd=str(ROOT), progress_bar=False, log_output=False)
    results = json.loads((out / f"{name}.results.json").read_text(encoding="utf-8"))
    check_contract(name, results)  # every recorded figure and table is in the results contract
    return results


def headline(results: dict) -> dict:
    return {h["key"]: h for h in results["headline"]}


def test_iso9001_briefing_shows_the_seed_figures(tmp_path):
    res = run("iso9001_certification_audit", tmp_path)  # defaults: demo_telecom, 2026-10, zh
    assert (res["client_id"], res["period"], res["lang"]) == ("demo_telecom", "2026-10", "zh")
    kf = headline(res)
    assert kf["utilisation"]["text"] == "92.42%"
    assert kf["objectives_met"]["text"] == "8/8"
    assert kf["satisfaction"]["text"] == "81.3分"
    assert kf["documents"]["value"] == 187
    assert (kf["open_findings"]["value"], kf["closure_rate"]["text"]) == (2, "83.3%")
    tables = res["tables"]
    util = next(r for r in tables["org_overview"] if r["metric"] == "utilisation")
    assert (util["text"], util["formula"]) == ("92.42%", "47,213 / 51,084")
    assert [(r["objective_id"], r["actual"], r["met"]) for r in tables["objectives"]] == [
        ("QO1", "100%", True), ("QO2", "100%", True), ("QO3", "100%", True), ("QO4", "0%", True),
        ("QO5", "81.3分", True), ("QO6", "0", True), ("QO7", "100%", True), ("QO8", "7秒", True)]
    assert [(r["label"], r["count"]) for r in tables["documents"]] == [
        ("职责权限", 35), ("记录台帐", 91), ("考核标准", 6), ("规章制度", 33), ("工作流程", 22)]
    assert [(r["round"], r["total"], r["open"]) for r in tables["findings_by_round"]] == [(1, 7, 0), (2, 5, 2)]
    assert [r["finding_id"] for r in tables["open_findings"]] == ["IA2-04", "IA2-05"]
    assert len(tables["improvements"]) == 12
    assert res["objectives_met"] == {"met": 8, "assessed": 8}
    assert res["conclusion"].startswith("8 项质量目标中 8 项达标；交换机实装率 92.42%")


def test_iso9001_briefing_tells_the_seeds_programme(tmp_path):
    """Seed part 2: started in July, 一把手工程 led by the general manager, 3 part-time quality staff,
    the manual's 35 / 91 / 6 / 33 / 22, training for all staff with an exam, two internal audit
    rounds and their corrections (records redone, two new registers, responsibilities re-issued);
    plus the management review, before vs after and the readiness statement (docs/demo-data.md)."""
    res = run("iso9001_certification_audit", tmp_path)
    text = res["section_text"]
    system = " ".join(text["system"])
    assert "2026-07-01" in system and "一把手工程" in system and "总经理亲自挂帅" in system
    assert "质量认证兼职人员 3 人" in system
    assert "职责权限 35 项、记录台帐 91 项、考核标准 6 项、规章制度 33 项、工作流程 22 项" in system
    assert "质量方针：" in text["policy"][0] and any("不适用的要求（第 4.3 条）：8.3" in p for p in text["policy"])
    milestones = " ".join(r["milestone"] for r in res["tables"]["milestones"])
    for fact in ("《性质变动登记本》", "《程控业务登记本》", "职责权限和业务流程重新整改下发", "第一次内部审核", "第二次内部审核",
                 "《质量管理认证工作实施方案》", "启动会议"):
        assert fact in milestones, fact
    training = {r["audience"]: r for r in res["tables"]["training"]}
    assert training["全体员工"]["exam_pass_rate"] == "95.6%"
    assert text["training"][0].startswith("共组织培训 5 次")
    assert text["review"][0] == "最近一次管理评审于 2026-10-20 召开，由总经理主持；9.3.2 输入 6/6 项、9.3.3 输出 3/3 项有记录。"
    assert len(res["tables"]["management_review"]) == 9
    assert text["effects"][0].startswith("与认证前基准期（2025-07 至 2026-06）相比：")
    assert res["readiness"] == {"status": "ready_with_conditions", "failed": ["actions_verified"]}
    assert text["readiness"][:2] == ["结论：有条件具备认证条件。",
                                     "需在现场审核前完成的条件：已关闭不符合项的纠正措施均已验证有效（待验证：IA2-02）。"]
    assert headline(res)["readiness"]["text"] == "有条件具备认证条件"
    # the demo's audit programme (docs/demo-data.md, invented): each chapter 4-10 had a clause audited, but
    # not every clause (no 6.1, 7.1, 8.1, 8.4, 9.3, 10.1): the rule and its detail say exactly that
    coverage = next(r for r in res["tables"]["readiness"] if r["clause"] == "9.2.2")
    assert coverage["passed"] is True and coverage["rule_label"] == "内审覆盖第 4–10 章（每章至少审核一个条款）"
    assert coverage["detail"] == ("2 轮内审每章至少审核一个条款；已审核条款：第 4 章 4；第 5 章 5、5.3；第 6 章 6.2；"
                                  "第 7 章 7.2、7.5.3；第 8 章 8.2、8.5；第 9 章 9.1.1、9.2；第 10 章 10.2、10.3")
    by_chapter = {r["chapter"]: r for r in res["tables"]["clause_coverage"]}
    assert by_chapter["8"]["total"] == 0 and by_chapter["8"]["audited"] == "8.2、8.5"
    assert res["conclusion"].endswith("结论：有条件具备认证条件。")
    assert [tr["objective_id"] for tr in res["trends"]] == [f"QO{i}" for i in range(1, 9)]
    assert res["trends"][4]["months"][0] == "2025-11" and res["trends"][4]["values"][-1] == 81.3


def test_iso9001_briefing_in_english_for_the_previous_month(tmp_path):
    res = run("iso9001_certification_audit", tmp_path, lang="en", period="2026-09", previous_period="2026-08")
    assert (res["period"], res["previous_period"], res["lang"]) == ("2026-09", "2026-08", "en")
    kf = headline(res)
    assert kf["objectives_met"]["text"] == "8/8"
    assert kf["satisfaction"]["text"] == "82.3 points"
    # as of 2026-09-30 round 2 (raised 2026-09-22) is all open and round 1 is closed: 12 findings, 5 open
    assert (kf["open_findings"]["value"], kf["closure_rate"]["text"]) == (5, "58.3%")
    assert res["conclusion"].startswith("8 of 8 quality objectives met; switch utilisation 92.42%")


def test_clinical_self_assessment_default(tmp_path):
    res = run("clinical_quality_self_assessment", tmp_path)  # demo_hospital, 2026-10, en
    assert res["rounds"] == {"current": "2026H2", "previous": "2025H2"}
    kf = headline(res)
    assert (kf["overall_score"]["text"], kf["grade"]["text"]) == ("88.17%", "Qualified")
    assert kf["vetoes_failed"]["text"] == "0/3"
    assert kf["areas_below_target"]["text"] == "0/5"
    assert kf["open_rectifications"]["value"] == 3
    assert kf["indicators_met"]["text"] == "4/6"
    tables = res["tables"]
    assert [r["item_id"] for r in tables["weak_items"]] == ["OB.5.3"]
    assert [(r["item_id"], r["previous_state"]) for r in tables["vetoes"]][1] == ("OB.3.1", "failed")
    assert len(tables["areas"]) == 5 and len(tables["rectifications"]) == 10
    assert [r["objective_id"] for r in tables["indicators"] if not r["met"]] == ["SPPH", "DDI"]
    # the grade and the verdict each said once, the verdict with its condition (the panel read "overall 88.17%
    # (Qualified), passed; … Conclusion: Passed with conditions." as a contradiction)
    assert res["conclusion"].startswith("Self-assessment round 2026H2: overall 88.17% (Qualified); +11.6 points")
    assert ", passed" not in res["conclusion"]
    assert res["conclusion"].endswith("Conclusion: Passed with conditions; still to do: Every monthly indicator at "
                                      "the provincial standard's target (Severe postpartum haemorrhage, Category-1 caesarean delivered within 30 "
                                      "minutes).")


def test_clinical_self_assessment_first_round_in_chinese(tmp_path):
    # in October 2025 only round 2025H2 exists: veto OB.3.1 (partial) fails the assessment
    res = run("clinical_quality_self_assessment", tmp_path, lang="zh", period="2025-10", previous_period="2025-09")
    assert res["rounds"] == {"current": "2025H2", "previous": None}
    kf = headline(res)
    assert (kf["vetoes_failed"]["text"], kf["vetoes_failed"]["status"]) == ("1/3", "bad")
    assert kf["grade"]["text"] == "基本合格"
    assert "一票否决项 OB.3.1 未通过" in res["conclusion"]


def test_customer_focus_audit_default(tmp_path):
    res = run("customer_focus_audit", tmp_path)  # demo_manufacturer, zh
    assert res["rounds"] == {"current": "2026", "previous": "2025"}
    kf = headline(res)
    assert kf["overall_score"]["text"] == "50.35%"
    assert [kf[k]["text"] for k in ("organization", "communications", "information")] == [
        "60.42%", "52.24%", "38.39%"]
    assert 0 <= kf["information"]["value"] <= 1 and kf["information"]["status"] == "bad"
    assert kf["management_gap"]["value"] == pytest.approx(0.2318, abs=1e-4)
    tables = res["tables"]
    assert [r["key"] for r in tables["areas"]] == ["organization", "communications", "information"]
    assert tables["priorities"][0]["item_id"] == "INF.4"
    assert len(tables["disagreement"]) == 11
    assert "最薄弱的要素是信息" in res["conclusion"]


def test_customer_focus_audit_in_english(tmp_path):
    res = run("customer_focus_audit", tmp_path, lang="en")
    kf = headline(res)
    assert (kf["band"]["value"], kf["band"]["text"]) == ("developing", "Developing")
    assert kf["management_gap"]["text"] == "+23.2 points"
    assert res["conclusion"].startswith("Customer-focus audit 2026: overall 50.35% (Developing); +8.4 points on 2025")


def test_customer_focus_audit_reports_the_round_of_its_period_never_a_later_one(tmp_path):
    # FY2025 (Nov 2024 - Oct 2025) ends before the 2026 round began: it reports round 2025
    # (42.00%, the CRM chain's figure for that round), not 2026 as the panel review found
    res = run("customer_focus_audit", tmp_path, period="FY2025", previous_period="FY2024")
    assert res["rounds"] == {"current": "2025", "previous": None}
    assert headline(res)["overall_score"]["text"] == "42.00%"


def test_customer_focus_audit_without_a_round_by_the_period_end_is_not_assessed(tmp_path):
    res = run("customer_focus_audit", tmp_path, period="FY2024", previous_period="FY2024", lang="en")
    assert res["rounds"] == {"current": None, "previous": None}
    assert res["assessed"] is False and res["headline"] == []
    assert res["not_assessed"]["key"] == "audit_report.note.no_focus_round"
    assert "no round held by the end of period FY2024 (2024-10-31) (rounds found: 2025, 2026)" in res["conclusion"]


def test_customer_focus_audit_without_answers_is_skipped(tmp_path):
    # the small 3C client of conftest has no focus_responses table (it is optional in the contract)
    from conftest import write_client

    write_client(tmp_path / "clients")
    res = run("customer_focus_audit", tmp_path, client_id="acme", data_root=str(tmp_path / "clients"))
    assert res["skipped"] == ["focus_responses"]
    assert res["headline"] == [] and res["tables"] == {}
    # nothing assessed: declared so (a batch shows it as "not assessed"), with what to add, in words
    assert res["assessed"] is False and res["not_assessed"] == {"tables": ["focus_responses"]}
    assert res["conclusion"] == ("No customer-focus audit answers: put the customer-focus audit answers table into "
                                 "the client's folder (its file name and columns are in the data guide) and run the "
                                 "report again.")
