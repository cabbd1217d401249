"""Readiness for ISO 9001 certification: the declared rules on crafted cases, the management
review of clause 9.3 (inputs 9.3.2 a-f, outputs 9.3.3 a-c), training, before vs after, and
the client.yaml ``certification`` block and the three new tables at validation.

Clause references: ISO 9001:2015 (GB/T 19001-2016) 9.2 internal audit, 9.3.2 management
review inputs a)-f), 9.3.3 outputs a)-c), 10.2 nonconformity and corrective action.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from threec_helpers.audit.certification import (READINESS_RULES, assess_readiness, baseline_comparison, clause_coverage,
                                                latest_review, review_coverage, training_summary)
from threec_helpers.audit.objectives import evaluate_objectives
from threec_helpers.batch.briefing import compose_briefing
from threec_helpers.errors import ClientConfigError
from threec_helpers.inputs.config import parse_client_config
from threec_helpers.inputs.contract import REVIEW_INPUTS, REVIEW_OUTPUTS
from threec_helpers.inputs.validation import validate_client
from threec_helpers.report import iso9001 as iso
from testpaths import ROOT

AS_OF = "2026-10-31"


def findings(*rows):
    """Findings register rows: (id, round, grade, due, closed, verified)."""
    df = pd.DataFrame([{"finding_id": r[0], "round": float(r[1]), "clause": "7.5.3", "grade": r[2],
                        "department": "ops", "raised": pd.Timestamp("2026-07-21"), "due": pd.Timestamp(r[3]),
                        "closed": pd.Timestamp(r[4]) if r[4] else pd.NaT, "verified": r[5]} for r in rows])
    df["verified"] = df["verified"].astype("boolean")
    return df


def counts_of(f):
    from threec_helpers.audit.findings import findings_summary

    return findings_summary(f, AS_OF).counts


def full_review(date="2026-10-20", **blank):
    row = {"review_id": "MR1", "date": pd.Timestamp(date), "chair": "GM", "actions": "x"}
    row.update({c: f"recorded {c}" for c in REVIEW_INPUTS + REVIEW_OUTPUTS})
    row.update({c: None for c in blank})
    return pd.DataFrame([row])


OBJ_MET = pd.DataFrame({"objective_id": ["Q1", "Q2"], "name_zh": ["及时率", "满意度"], "name_en": ["Timeliness", "Satisfaction"],
                        "met": pd.array([True, True], dtype="boolean")})
CLEAN = findings(("F1", 1, "minor", "2026-08-20", "2026-08-15", True), ("F2", 2, "observation", "2026-12-31", None, None))


def programme(*clauses, round_=1, date="2026-07-20"):
    """An internal audit programme: one row per clause audited (default: every clause 4-10)."""
    clauses = clauses or ("4", "5.3", "6.2", "7.5.3", "8.5", "9.1.1", "10.2")
    return pd.DataFrame({"round": float(round_), "clause": list(clauses), "department": "ops",
                         "date": pd.Timestamp(date), "auditor": "A"})


FULL = "full"


def assess(f=CLEAN, objectives=OBJ_MET, reviews=None, lang="en", prog=FULL):
    reviews = full_review() if reviews is None else reviews
    prog = programme() if isinstance(prog, str) else prog
    return assess_readiness(findings=f, findings_counts=counts_of(f) if f is not None else None,
                            objectives=objectives, reviews=reviews, as_of=AS_OF, lang=lang, programme=prog)


def test_every_rule_met_is_ready():
    r = assess()
    assert r.status == "ready" and r.checks["passed"].all()
    assert r.checks["rule"].tolist() == [rule for rule, _, _ in READINESS_RULES]


def test_one_open_major_finding_blocks_readiness_and_the_briefing_says_so():
    f = findings(("F1", 1, "major", "2026-12-31", None, None))
    r = assess(f)
    assert r.status == "not_ready" and r.blocking == ["no_open_major"]
    paragraphs = iso.readiness_paragraphs(r, "en")
    assert paragraphs[0] == "Conclusion: Not ready."
    assert paragraphs[1] == "What blocks readiness: No open major finding (1 major finding(s) open)."
    # the same statement reaches the panel's briefing, in its readiness section
    results = {"iso9001_certification_audit": {
        "headline": [iso.readiness_figure(r, "en")], "tables": {"readiness": iso.readiness_table(r, "en").to_dict("records")},
        "section_text": {"readiness": paragraphs}}}
    sec = next(s for s in compose_briefing(results, "iso9001", "en")["sections"] if s["id"] == "readiness")
    assert "What blocks readiness: No open major finding (1 major finding(s) open)." in sec["paragraphs"]
    assert [(c["text"], c["status"]) for c in sec["cards"]] == [("Not ready", "bad")]
    zh = iso.readiness_paragraphs(assess(f, lang="zh"), "zh")
    assert zh[:2] == ["结论：尚不具备认证条件。", "不具备认证条件的原因：无未关闭的严重不符合项（未关闭严重不符合项 1 项）。"]


def test_a_closed_major_finding_does_not_block():
    f = findings(("F1", 1, "major", "2026-08-31", "2026-08-20", True))
    assert assess(f).status == "ready"


def test_missing_management_review_is_a_veto():
    r = assess(reviews=pd.DataFrame(columns=["review_id", "date", "chair"]))
    assert r.status == "not_ready" and r.blocking == ["management_review"]
    # an incomplete-review condition follows from having none, but the veto is what blocks
    assert "review_complete" in r.conditions
    assert iso.review_paragraphs(None, review_coverage(None, "en"), "en")[0].startswith(
        "No management review in the last 12 months: ISO 9001 clause 9.3")


def test_a_review_older_than_12_months_does_not_count():
    assert latest_review(full_review("2025-10-30"), AS_OF) is None
    assert latest_review(full_review("2025-11-01"), AS_OF)["review_id"] == "MR1"
    assert latest_review(full_review("2026-11-02"), AS_OF) is None  # after the report date
    assert assess(reviews=full_review("2025-10-30")).blocking == ["management_review"]


def test_no_internal_audit_is_a_veto():
    r = assess(f=None)
    assert r.status == "not_ready" and r.blocking == ["internal_audit"]


def test_incomplete_review_is_a_condition_naming_the_clauses():
    r = assess(reviews=full_review(input_risks=None, output_resources=None))
    assert r.status == "ready_with_conditions" and r.conditions == ["review_complete"]
    detail = r.checks.set_index("rule").loc["review_complete", "detail"]
    assert detail == "missing: 9.3.2 e), 9.3.3 c)"


def test_review_coverage_lists_the_six_inputs_and_three_outputs():
    cov = review_coverage(full_review(input_performance="  ").iloc[0], "zh")
    assert cov["clause"].tolist() == ["9.3.2 a)", "9.3.2 b)", "9.3.2 c)", "9.3.2 d)", "9.3.2 e)", "9.3.2 f)",
                                      "9.3.3 a)", "9.3.3 b)", "9.3.3 c)"]
    assert cov["covered"].sum() == 8 and not cov.set_index("clause").loc["9.3.2 c)", "covered"]
    assert cov["item"].iloc[3] == "资源的充分性"


def test_a_missed_objective_is_a_condition_naming_it():
    obj = OBJ_MET.assign(met=pd.array([True, False], dtype="boolean"))
    r = assess(objectives=obj)
    assert r.status == "ready_with_conditions" and r.conditions == ["objectives_met"]
    assert r.checks.set_index("rule").loc["objectives_met", "detail"] == "1 of 2 met; missed: Satisfaction"
    # an objective without measurement is not counted as missed
    assert assess(objectives=OBJ_MET.assign(met=pd.array([True, None], dtype="boolean"))).status == "ready"


def test_overdue_and_unverified_findings_are_conditions():
    f = findings(("F1", 1, "minor", "2026-09-30", None, None),          # open past due
                 ("F2", 1, "minor", "2026-08-31", "2026-08-20", False),  # closed, not verified
                 ("F3", 1, "observation", "2026-08-31", "2026-08-20", False))  # observations need no verification
    r = assess(f)
    assert r.status == "ready_with_conditions"
    assert r.conditions == ["no_overdue_findings", "actions_verified"]
    assert r.checks.set_index("rule").loc["actions_verified", "detail"] == "awaiting verification: F2"
    text = iso.readiness_paragraphs(r, "en")[1]
    assert text.startswith("Conditions to meet before the on-site audit: No overdue finding (1 overdue)")


def test_a_clause_no_internal_audit_covered_is_a_condition_naming_it():
    # rounds 1 and 2 together cover 4, 5, 6, 7, 9 and 10 (7.5.3 counts for 7); nothing covers clause 8
    prog = pd.concat([programme("4", "5.3", "7.5.3"), programme("6.2", "9.2", "10.3", round_=2, date="2026-09-22")])
    r = assess(prog=prog)
    assert r.status == "ready_with_conditions" and r.conditions == ["audit_coverage"] and not r.not_assessed
    listed = "ch. 4: 4; ch. 5: 5.3; ch. 6: 6.2; ch. 7: 7.5.3; ch. 8: none; ch. 9: 9.2; ch. 10: 10.3"
    assert r.checks.set_index("rule").loc["audit_coverage", "detail"] == \
        f"2 internal audit round(s) audited no clause of chapter(s) 8; clauses audited: {listed}"
    paragraphs = iso.readiness_paragraphs(r, "en")
    assert paragraphs[1] == ("Conditions to meet before the on-site audit: Internal audits covered chapters 4–10 "
                             "(at least one clause of each) (2 internal audit round(s) audited no clause of "
                             f"chapter(s) 8; clauses audited: {listed}).")
    zh = iso.readiness_paragraphs(assess(prog=prog, lang="zh"), "zh")
    assert zh[1] == ("需在现场审核前完成的条件：内审覆盖第 4–10 章（每章至少审核一个条款）（2 轮内审未审核第 8 章的任何条款；"
                     "已审核条款：第 4 章 4；第 5 章 5.3；第 6 章 6.2；第 7 章 7.5.3；第 8 章 无；第 9 章 9.2；第 10 章 10.3）。")
    # and the briefing's readiness section names the clause
    results = {"iso9001_certification_audit": {
        "headline": [iso.readiness_figure(r, "en")], "tables": {"readiness": iso.readiness_table(r, "en").to_dict("records")},
        "section_text": {"readiness": paragraphs}}}
    sec = next(s for s in compose_briefing(results, "iso9001", "en")["sections"] if s["id"] == "readiness")
    assert any("audited no clause of chapter(s) 8" in p for p in sec["paragraphs"])
    assert [(c["text"], c["status"]) for c in sec["cards"]] == [("Ready with conditions", "warn")]


def test_a_planned_round_after_the_report_date_does_not_cover():
    prog = pd.concat([programme("4", "5", "6", "7", "9", "10"), programme("8.5", round_=2, date="2026-11-15")])
    covered, missing, rounds = clause_coverage(prog, AS_OF)
    assert missing == ["8"] and rounds == [1] and covered == ["4", "5", "6", "7", "9", "10"]
    assert assess(prog=prog).conditions == ["audit_coverage"]


def test_without_a_programme_clause_coverage_is_not_assessed_never_passed():
    for prog in (None, programme().iloc[0:0]):
        r = assess(prog=prog)
        assert r.not_assessed == ["audit_coverage"] and r.conditions == [] and r.blocking == []
        # every assessed rule met, yet not "ready": an unassessed rule is never taken as met
        assert r.status == "ready_with_conditions"
    paragraphs = iso.readiness_paragraphs(r, "en")
    assert paragraphs[1] == (
        "Rules not assessed (no input, so not taken as met; the conclusion is therefore at best \"ready with "
        "conditions\"): Internal audits covered chapters 4–10 (at least one clause of each) (not assessed: no internal audit programme "
        "(which clauses each round covered) was supplied).")
    zh = iso.readiness_paragraphs(assess(prog=None, lang="zh"), "zh")
    assert "未评估：没有提供内审方案" in zh[1] and zh[1].startswith("未能评估的规则")
    table = iso.readiness_table(r, "en").set_index("rule")
    assert table.loc["audit_coverage", "passed"] is None and table.loc["no_open_major", "passed"] is True
    # a blocking failure still decides
    assert assess(f=None, prog=None).status == "not_ready"


def test_demo_telecom_programme_covers_every_clause_in_both_rounds():
    from threec_helpers.generate.telecom import certification_tables

    prog = certification_tables()["audit_programme"]
    for rnd in (1, 2):
        covered, missing, _ = clause_coverage(prog[prog["round"] == rnd], AS_OF)
        assert missing == [], (rnd, missing)


def test_one_clause_of_a_chapter_covers_it_and_the_detail_says_which_clauses_were_audited():
    # The panel read "covered every clause of 4-10 ✓" although the demo's rounds audited 4, 5, 5.3, 6.2,
    # 7.2, 7.5.3, 8.2, 8.5, 9.1.1, 9.2, 10.2 and 10.3 only (6.1, 7.1, 8.1, 8.4, 9.3, 10.1 never):
    # the rule checks one clause per chapter, and says so and lists them.
    from threec_helpers.audit.certification import audited_clauses

    prog = pd.concat([programme("4", "5.3", "6.2", "7.5.3", "7.2", "8.5", "9.1.1", "10.2"),
                      programme("5", "7.5.3", "8.2", "9.2", "10.3", round_=2, date="2026-09-22"),
                      programme("6.1", round_=3, date="2026-12-01")])  # planned, not done
    audited = audited_clauses(prog, AS_OF)
    assert audited == {"4": ["4"], "5": ["5", "5.3"], "6": ["6.2"], "7": ["7.2", "7.5.3"], "8": ["8.2", "8.5"],
                       "9": ["9.1.1", "9.2"], "10": ["10.2", "10.3"]}
    r = assess(prog=prog, lang="zh")
    row = r.checks.set_index("rule").loc["audit_coverage"]
    assert bool(row["passed"]) and r.status == "ready"
    assert row["detail"] == ("2 轮内审每章至少审核一个条款；已审核条款：第 4 章 4；第 5 章 5、5.3；第 6 章 6.2；"
                             "第 7 章 7.2、7.5.3；第 8 章 8.2、8.5；第 9 章 9.1.1、9.2；第 10 章 10.2、10.3")
    assert iso.readiness_table(r, "zh").set_index("rule").loc["audit_coverage", "rule_label"] == \
        "内审覆盖第 4–10 章（每章至少审核一个条款）"
    assert audited_clauses(None, AS_OF)["4"] == []


def test_training_summary_hand_checked():
    tr = pd.DataFrame({"attendees": [38, 182, 2], "headcount": [38, 188, None], "exam_pass_rate": [None, 0.956, 1.0]})
    s = training_summary(tr)
    assert (s["sessions"], s["attendees"], s["exams"], s["examined"]) == (3, 222, 2, 184)
    assert s["pass_rate"] == pytest.approx((182 * 0.956 + 2 * 1.0) / 184)  # 0.95648
    assert s["coverage"] == pytest.approx(220 / 226)
    assert training_summary(None)["sessions"] == 0
    assert iso.training_sentence(training_summary(None), "en") == "No training record (table training)."


def test_baseline_comparison_effects():
    obj = pd.DataFrame({"objective_id": ["A", "B", "C", "D", "E"], "name_zh": list("甲乙丙丁戊"),
                        "unit": ["%", "%", "seconds", "%", "%"], "comparator": [">", ">", "<=", ">=", ">"],
                        "target": [98.0, 98.0, 10.0, 100.0, 90.0]})
    kpi = pd.DataFrame({
        "objective_id": ["A", "A", "A", "B", "B", "C", "C", "D", "D", "E"],
        "period": ["2025-07", "2025-08", "2026-10", "2025-07", "2026-10", "2025-07", "2026-10", "2025-07", "2026-10",
                   "2026-10"],
        "numerator": [97, 99, 100, 99, 97, None, None, 50, 50, 95], "denominator": [100, 100, 100, 100, 100, None, None,
                                                                                    50, 50, 100],
        "value": [None, None, None, None, None, 9.0, 7.0, None, None, None]})
    before = evaluate_objectives(obj, kpi, ("2025-07", "2026-06"))
    now = evaluate_objectives(obj, kpi, "2026-10")
    c = baseline_comparison(before, now, "en").set_index("objective_id")
    # A: (97 + 99) / 200 = 98% (not > 98: missed) -> 100%: now met; B: 99% -> 97%: worse;
    # C: 9 s -> 7 s with <=: improved (lower is better); D: 100% -> 100%: kept; E: no baseline
    assert c["effect"].to_dict() == {"A": "now_met", "B": "worse", "C": "improved", "D": "kept", "E": "no_data"}
    assert (c.loc["A", "baseline"], c.loc["A", "current"]) == ("98%", "100%")
    text = iso.effects_paragraphs(c.reset_index(), ("2025-07", "2026-06"), "en")
    assert text[0] == ("Against the baseline before certification (2025-07 to 2026-06): 1 improved, "
                       "1 now met after being missed, 1 kept, 1 worse.")
    zh = iso.effects_paragraphs(c.reset_index()[c.reset_index()["effect"] != "now_met"], ("2025-07", "2026-06"), "zh")
    assert zh[0] == "与认证前基准期（2025-07 至 2026-06）相比：1 项改善，1 项保持，1 项下降。"  # no "0 项由未达标转为达标"
    assert iso.effects_paragraphs(None, None, "en")[0].startswith("client.yaml gives no baseline")


# ---------------------------------------------------------------- client.yaml and the new tables

def _raw(**cert):
    return {"client_id": "t", "name": "T", "engagement": "iso9001", "current_period": "2026-10",
            "periods": [{"id": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}], "certification": cert}


def test_certification_block_is_parsed(tmp_path):
    cfg = parse_client_config(_raw(quality_policy="Customers first", scope={"zh": "固定电话", "en": "Fixed lines"},
                                   sites=["HQ", {"name": {"zh": "东海支局", "en": "Donghai"}, "kind": "branch"}],
                                   exclusions=[{"clause": "8.3", "reason": "no design"}],
                                   baseline={"first": "2025-07", "last": "2026-06"}, programme_start="2026-07-01"),
                              tmp_path / "client.yaml")
    c = cfg.certification
    assert c.text("quality_policy", "zh") == "Customers first" and c.text("scope", "en") == "Fixed lines"
    assert [(s.label("en"), s.kind) for s in c.sites] == [("HQ", "site"), ("Donghai", "branch")]
    assert c.baseline == ("2025-07", "2026-06") and c.programme_start.isoformat() == "2026-07-01"
    assert c.exclusions[0].clause == "8.3" and c.text("leadership", "en") == ""
    assert parse_client_config({k: v for k, v in _raw().items() if k != "certification"},
                               tmp_path / "client.yaml").certification is None


@pytest.mark.parametrize("cert, fragment", [
    ({"baseline": {"first": "2026-06", "last": "2025-07"}}, "certification.baseline"),
    ({"baseline": "2025"}, "certification.baseline"),
    ({"sites": [{"name": "x", "kind": "warehouse"}]}, "unknown site kind"),
    ({"scope": 12}, "is not text"),
    ({"exclusions": ["8.3"]}, "certification.exclusions[0]"),
    ({"policy": "x"}, "unknown key(s) policy"),
])
def test_bad_certification_blocks_name_the_field(tmp_path, cert, fragment):
    with pytest.raises(ClientConfigError) as err:
        parse_client_config(_raw(**cert), tmp_path / "client.yaml")
    assert fragment in err.value.message("en")


@pytest.fixture()
def telecom_copy(tmp_path):
    shutil.copytree(ROOT / "data" / "clients" / "demo_telecom", tmp_path / "demo_telecom")
    return tmp_path


def _problems(root):
    report, _, _ = validate_client("demo_telecom", root, today=pd.Timestamp("2026-11-30").date())
    return [(p.table, p.column, p.rule) for p in report.errors]


def test_demo_telecom_new_tables_are_valid(telecom_copy):
    report, _, tables = validate_client("demo_telecom", telecom_copy, today=pd.Timestamp("2026-11-30").date())
    assert report.ok, report.format_text()
    assert tables["training"]["exam_pass_rate"].dropna().tolist() == [0.956, 1.0]  # "95.6%" read as 0.956
    assert len(tables["milestones"]) == 11 and len(tables["management_reviews"]) == 1


def test_training_pass_rate_above_100_percent_is_refused(telecom_copy):
    path = telecom_copy / "demo_telecom" / "training.csv"
    path.write_bytes(path.read_bytes().replace("95.6%".encode("gb18030"), b"120%"))
    assert ("training", "exam_pass_rate", "max") in _problems(telecom_copy)


def test_milestones_without_a_milestone_column_are_refused(telecom_copy):
    path = telecom_copy / "demo_telecom" / "milestones.csv"
    text = path.read_bytes().decode("gb18030").replace("工作事项", "备注")
    path.write_bytes(text.encode("gb18030"))
    assert any(t == "milestones" and c == "milestone" for t, c, _ in _problems(telecom_copy))


def test_a_management_review_dated_in_the_future_is_refused(telecom_copy):
    import openpyxl

    path = telecom_copy / "demo_telecom" / "management_reviews.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active["B2"] = pd.Timestamp("2027-03-01").to_pydatetime()
    wb.save(path)
    assert ("management_reviews", "date", "not_future") in _problems(telecom_copy)


def test_client_yaml_certification_of_demo_telecom_is_the_seed():
    raw = yaml.safe_load((ROOT / "data" / "clients" / "demo_telecom" / "client.yaml").read_text(encoding="utf-8"))
    cert = raw["certification"]
    assert "一把手工程" in cert["leadership"]["zh"] and "总经理" in cert["leadership"]["zh"]
    assert str(cert["programme_start"]).startswith("2026-07")  # seed: 今年7月份全面启动
    assert cert["body"]["zh"] == "长城（天津）质量保证中心"
    assert len(cert["sites"]) == 10  # seed: 3 departments, 7 township branches


# ---------------------------------------------------------------- the clinical self-assessment (seed, part 3)

def test_obstetrics_checklist_has_the_seeds_purposes_and_five_areas():
    """Seed part 3: four purposes (一、1-4) and five assessment areas (二、1-5), in that order."""
    from threec_helpers.audit.checklists import load_checklist

    cl = load_checklist("obstetrics_quality")
    assert [p["zh"] for p in cl.purposes] == [
        "通过评估及时发现医院产科管理工作中的薄弱环节并积极整改",
        "提高产科医护人员对医院产科质量管理工作的重视程度",
        "提高各级医务人员对育龄妇女，特别是孕产妇医疗救治的责任意识和协作意识",
        "提高我院产科对孕产妇的诊治水平和处置能力，切实保障母婴安全与健康"]
    titles = cl.areas["area_title_zh"].tolist()
    assert len(titles) == 5
    for title, words in zip(titles, (("沟通", "协作"), ("硬件设施", "人员配置", "产科许可"), ("危重孕产妇", "抢救"),
                                     ("首诊负责制",), ("知识技能",))):
        assert all(w in title for w in words), title


def test_a_checklist_without_purposes_still_loads_and_a_bad_one_is_refused(tmp_path):
    from threec_helpers.audit.checklists import load_checklist
    from threec_helpers.errors import ChecklistError

    assert load_checklist("iso9001_2015").purposes == ()
    text = (ROOT / "data" / "checklists" / "obstetrics_quality.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("purposes:\n", "purposes: one purpose\nx_purposes:\n", 1), encoding="utf-8")
    with pytest.raises(ChecklistError):
        load_checklist(bad)


def _clinical(vetoes=(), below=(False, False), weak=(), rect=None, met=(True, True)):
    from threec_helpers.audit.certification import assess_self_assessment

    areas = pd.DataFrame({"area": ["Communication", "Staffing"], "below_target": list(below)})
    ind = pd.DataFrame({"objective": ["PPH", "C-section in 30 min"], "met": pd.array(list(met), dtype="boolean")})
    return assess_self_assessment(vetoes_failed=list(vetoes), areas=areas, weak_items=list(weak), rectifications=rect,
                                  indicators=ind, lang="en")


def test_clinical_rules_on_crafted_cases():
    from threec_helpers.report.clinical import verdict_paragraphs

    assert _clinical().status == "passed"
    failed = _clinical(vetoes=["OB.3.1"])
    assert failed.status == "failed" and failed.blocking == ["no_veto_failed"]
    assert verdict_paragraphs(failed, "en")[1] == "Why it failed: No one-vote veto item failed (OB.3.1)."
    rect = pd.DataFrame({"action_id": ["R1", "R2"], "item_id": ["OB.2.2", None], "overdue": [False, True]})
    r = _clinical(below=(False, True), weak=["OB.2.2", "OB.5.2"], rect=rect, met=(True, False))
    assert r.status == "passed_with_conditions"
    assert r.conditions == ["areas_on_target", "weak_items_rectified", "no_overdue_rectification", "indicators_met"]
    detail = r.checks.set_index("rule")["detail"]
    assert (detail["areas_on_target"], detail["weak_items_rectified"], detail["no_overdue_rectification"],
            detail["indicators_met"]) == ("Staffing", "no action for OB.5.2", "R2", "C-section in 30 min")
    # an indicator without data is not a miss
    assert _clinical(met=(True, None)).status == "passed"


def test_clinical_briefing_has_purposes_areas_charts_and_verdict():
    from threec_helpers.report.clinical import verdict_paragraphs

    v = _clinical(vetoes=["OB.3.1"])
    results = {"clinical_quality_self_assessment": {
        "headline": [], "tables": {"areas": [{"area": "Communication", "score": 0.9}],
                                   "verdict": [{"rule_label": "x", "passed": False, "detail": "OB.3.1"}]},
        "section_text": {"purposes": ["The assessment's purposes:", "1. Find the weak links"],
                         "verdict": verdict_paragraphs(v, "en")},
        "trends": [{"objective": "PPH", "months": ["2025-11", "2026-10"], "values": [1.0, 0.5], "target": 1.0,
                    "met": [True, True]}]}}
    b = compose_briefing(results, "clinical", "en")
    by = {s["id"]: s for s in b["sections"]}
    assert list(by)[:2] == ["purposes", "areas"]
    assert by["purposes"]["paragraphs"] == ["The assessment's purposes:", "1. Find the weak links"]
    assert by["indicators"]["charts"] and by["indicators"]["charts"][0]["svg"].startswith("<svg")
    assert by["verdict"]["paragraphs"][1] == "Why it failed: No one-vote veto item failed (OB.3.1)."


def test_3c_briefing_tells_the_crm_chain_migration_and_priorities():
    """The seed's CRM model, in its order: focus -> satisfaction -> behavior -> value (operating profit)."""
    results = {
        "02_analysis": {"headline": [
            {"key": "operating_profit", "label": "Operating profit", "value": 1.0, "text": "¥1", "status": "good",
             "dimension": "value"},
            {"key": "retention", "label": "Retention", "value": 0.8, "text": "80%", "status": "good", "dimension": "behavior"},
            {"key": "satisfaction", "label": "CSAT", "value": 3.9, "text": "3.90", "status": "warn",
             "dimension": "satisfaction"}],
            "tables": {"crm_chain": [{"measure": "Retained", "n": 500, "rho": 0.31}],
                       "migration": [{"label": "Moved up", "customers": 90, "revenue_change": 1200.0}],
                       "priorities": [{"area": "Information", "priority": 0.3}]},
            "section_text": {"chain": ["CSAT 3.90"], "migration": ["90 customers moved up"]}},
        "customer_focus_audit": {"headline": [
            {"key": "organization", "label": "Organization", "value": 0.7, "text": "70%", "status": "warn",
             "dimension": "organization"}]}}
    by = {s["id"]: s for s in compose_briefing(results, "3c", "en")["sections"]}
    assert list(by)[:3] == ["scorecard", "chain", "migration"] and "priorities" in by
    assert by["chain"]["paragraphs"][0].startswith("The 3C CRM model: stronger customer focus")
    assert by["chain"]["paragraphs"][1] == "CSAT 3.90"
    # an older results file without the links: its Spearman table, and never the scorecard's rows again
    assert [tb["title"] for tb in by["chain"]["tables"]] == [
        "Measured links of satisfaction with behavior and value (Spearman)"]
    assert by["migration"]["paragraphs"] == ["90 customers moved up"] and by["migration"]["tables"]
    assert by["priorities"]["tables"][0]["rows"]


def test_findings_by_chapter_table_shows_the_clauses_audited_beside_the_findings():
    # a chapter with 0 findings read as "not audited"; the table now says what was audited
    from threec_helpers.audit.checklists import load_checklist
    from threec_helpers.audit.findings import clause_coverage as findings_by_chapter, findings_summary
    from threec_helpers.report.audits import report_table

    f = findings(("F1", 1, "minor", "2026-09-30", None, None))
    cov = findings_by_chapter(load_checklist("iso9001_2015"), findings_summary(f, AS_OF).by_clause, "zh")
    prog = pd.concat([programme("4", "8.5", "8.2"), programme("6.1", round_=2, date="2026-12-01")])
    table = iso.with_audited_clauses(cov, prog, AS_OF, "zh").set_index("chapter")
    assert table.loc["8", "audited"] == "8.2、8.5" and int(table.loc["8", "total"]) == 0
    assert table.loc["6", "audited"] == "无"  # 6.1 is planned after the report date
    shown = report_table("clause_coverage", table.reset_index())
    assert shown.header("audited", "zh") == "已审核条款" and "audited" in shown.shown().columns
    assert set(iso.with_audited_clauses(cov, None, AS_OF, "zh")["audited"]) == {"–"}
