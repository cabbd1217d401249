"""Glue of the audit notebooks (threec_helpers.report.audits), checked by hand.

Two kinds of reference:

- a tiny checklist scored by hand (the worked example of docs/audits.md, also used in
  tests/test_audits.py), for the display tables of scores, gaps, priorities and vetoes;
- the seed's ISO 9001 briefing (seed part 2: utilisation 47,213 / 51,084 = 92.42%, the
  eight objectives all met, the document register 35 / 91 / 6 / 33 / 22) on the demo
  telecom's tables, which the generator carries exactly (docs/demo-data.md).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from threec_helpers.report import audits as ar
from threec_helpers.audit.scoring import score_rounds
from threec_helpers.audit.checklists import load_checklist
from threec_helpers.inputs.config import Period
from threec_helpers.errors import ParameterError
from threec_helpers.audit.findings import findings_summary
from threec_helpers.audit.objectives import document_register_counts, evaluate_objectives, org_rates





@pytest.fixture(scope="module")
def rounds(tiny):
    rows = [
        ("m", "manager", "A1", 5, "R1"), ("s", "sales", "A1", 3, "R1"), ("v", "service", "A1", 2, "R1"),
        ("m", "manager", "A2", 8, "R1"), ("s", "sales", "A2", 6, "R1"),
        ("m", "manager", "B1", 1, "R1"), ("s", "sales", "B1", 0.5, "R1"),
        ("m", "manager", "B2", 4, "R1"), ("s", "sales", "B2", 2, "R1"),
        ("m", "manager", "A1", 4, "R2"), ("s", "sales", "A1", 4, "R2"),
        ("m", "manager", "A2", 8, "R2"), ("s", "sales", "A2", 8, "R2"),
        ("m", "manager", "B1", 1, "R2"),
        ("m", "manager", "B2", 4, "R2"),
    ]
    df = pd.DataFrame(rows, columns=["respondent_id", "role", "item_id", "score", "round"])
    df["score"] = df["score"].astype(float)
    return score_rounds(tiny, df)


# ------------------------------------------------------------------------------ rounds


def test_pick_rounds_natural_order_and_single_round():
    assert ar.pick_rounds(["R2", "R10", "R1"]) == ("R10", "R2")
    assert ar.pick_rounds(["2025"]) == ("2025", None)
    assert ar.pick_rounds([]) == (None, None)


def test_pick_rounds_ignores_rounds_that_start_after_the_report_period():
    periods = (Period("2025H2", dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
               Period("2026H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)))
    config = SimpleNamespace(periods=periods)
    oct25 = Period("2025-10", dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    oct26 = Period("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert ar.pick_rounds(["2025H2", "2026H2"], config, oct26) == ("2026H2", "2025H2")
    # in October 2025 round 2026H2 has not started yet
    assert ar.pick_rounds(["2025H2", "2026H2"], config, oct25) == ("2025H2", None)
    # a round that is not a client.yaml period is always eligible
    assert ar.pick_rounds(["2025H2", "R9"], config, oct25) == ("R9", "2025H2")
    jan25 = Period("2025-01", dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    with pytest.raises(ParameterError, match="no assessment round started"):
        ar.pick_rounds(["2025H2", "2026H2"], config, jan25)


# ------------------------------------------------------------------------------ score tables


def test_area_table_by_hand(rounds):
    now, before = rounds["R2"], rounds["R1"]
    areas = ar.area_table(now, before, "en").set_index("area_id")
    # R1: A = (1 x 7/12 + 3 x 0.7) / 4 = 0.670833; B = (0.75 + 0.5) / 2 = 0.625
    # R2: A1 = (4 - 1)/4 = 0.75, A2 = 0.8 -> A = (0.75 + 2.4) / 4 = 0.7875; B = (1 + 0.75) / 2 = 0.875
    assert areas.loc["A", "score"] == pytest.approx(0.7875)
    assert areas.loc["A", "previous"] == pytest.approx((7 / 12 + 2.1) / 4)
    assert areas.loc["B", "change"] == pytest.approx(0.875 - 0.625)
    assert areas.loc["B", "change_text"] == "+25.0 points"
    # targets: A (0.75 + 3 x 0.8) / 4 = 0.7875 (reached: not below); B (1 + 1) / 2 = 1 (below)
    assert areas.loc["A", "target"] == pytest.approx(0.7875)
    assert not areas.loc["A", "below_target"] and areas.loc["B", "below_target"]
    assert areas.loc["A", "area"] == "Area A"
    assert ar.area_table(now, None, "zh")["previous"].isna().all()


def test_priorities_gaps_and_weak_items_by_hand(rounds):
    r1 = rounds["R1"]
    # overall weights: A1 2/3 x 1/4 = 1/6, A2 2/3 x 3/4 = 1/2, B1 = B2 = 1/3 x 1/2 = 1/6
    # gaps: A1 0.75 - 7/12 = 1/6, A2 0.8 - 0.7 = 0.1, B1 1 - 0.75 = 0.25, B2 1 - 0.5 = 0.5
    # priority = weight x gap: B2 1/12, A2 1/20, B1 1/24, A1 1/36
    pri = ar.priorities_table(r1, "en", n=3)
    assert pri["item_id"].tolist() == ["B2", "A2", "B1"]
    assert pri["priority"].tolist() == pytest.approx([1 / 12, 1 / 20, 1 / 24])
    assert pri["rank"].tolist() == [1, 2, 3]
    gaps = ar.largest_gaps(r1, "en", n=4)
    assert gaps["item_id"].tolist() == ["B2", "B1", "A1", "A2"]
    assert gaps["gap"].tolist() == pytest.approx([0.5, 0.25, 1 / 6, 0.1])
    weak = ar.weak_items(r1, None, "zh")
    assert weak["item_id"].tolist() == ["B2", "A2", "B1", "A1"]
    # R2: only B2 (4 of target 5 -> 0.75 < 1) is below target; B1 (1) passes
    weak2 = ar.weak_items(rounds["R2"], r1, "en")
    assert weak2["item_id"].tolist() == ["B2"]
    assert weak2["previous"].tolist() == pytest.approx([0.5])


def test_veto_table_states(rounds):
    v = ar.veto_table(rounds["R2"], rounds["R1"], "en")
    # B1 mean R1 (1 + 0.5)/2 = 0.75 < veto_min 1: failed; R2 1.0: passed
    assert v[["item_id", "state", "previous_state"]].values.tolist() == [["B1", "passed", "failed"]]
    assert bool(v["passed"].iloc[0])
    assert ar.veto_table(rounds["R1"], None, "zh")["state"].tolist() == ["未通过"]


def test_disagreement_table_by_hand(rounds):
    d = ar.disagreement_table(rounds["R1"], "en")
    # management (m) vs front line (s, v) in R1: A1 1.0 vs (0.5 + 0.25)/2 = 0.375 -> 0.625;
    # A2 0.8 vs 0.6 -> 0.2 (under 0.25, not flagged); B1 1 vs 0.5 -> 0.5; B2 0.75 vs 0.25 -> 0.5
    assert d["item_id"].tolist() == ["A1", "B1", "B2"]
    assert d["difference"].tolist() == pytest.approx([0.625, 0.5, 0.5])
    assert d["difference_text"].iloc[0] == "+62.5 points"
    assert len(ar.disagreement_table(rounds["R1"], "en", flagged_only=False)) == 4


def test_change_table(rounds):
    c = ar.change_table(rounds["R2"], rounds["R1"], "zh").set_index("id")
    assert list(c.index) == ["overall", "A", "B"]
    # overall R1 (2 x 0.670833 + 0.625)/3 = 0.655556; R2 (2 x 0.7875 + 0.875)/3 = 0.816667
    assert c.loc["overall", "change"] == pytest.approx(0.816667 - 0.655556, abs=1e-6)
    assert c.loc["overall", "change_text"] == "+16.1 个百分点"
    # one round only (the phase-2 notebook's first audit): the same columns, no rows
    alone = ar.change_table(rounds["R1"], None, "en")
    assert len(alone) == 0 and set(alone.columns) == set(c.reset_index().columns)


def test_item_table_and_focus_key_figures(rounds):
    items = ar.item_table(rounds["R2"], rounds["R1"], "en").set_index("item_id")
    assert items.loc["A1", "change"] == pytest.approx(0.75 - 7 / 12)
    kf = {f["key"]: f for f in ar.focus_key_figures(rounds["R1"], ar.area_table(rounds["R1"], None, "en"), "en")}
    assert kf["overall_score"]["text"] == "65.56%"
    # management alone: A = (1 + 3 x 0.8)/4 = 0.85, B = (1 + 0.75)/2 = 0.875 -> (2 x 0.85 + 0.875)/3 = 0.858333
    # front line: A1 0.375, A2 0.6 -> A = 0.54375; B1 0.5, B2 0.25 -> 0.375 -> (2 x 0.54375 + 0.375)/3 = 0.4875
    assert kf["management_gap"]["value"] == pytest.approx(0.858333 - 0.4875, abs=1e-6)
    assert kf["management_gap"]["text"] == "+37.1 points"
    assert kf["a"]["label"] == "Area A"  # a non-3C area keeps its id as key


def test_role_labels_and_factor_keys():
    assert ar.role_label("customer_service", "zh") == "客户服务"
    assert ar.role_label(" Head_Nurse ", "en") == "head nurse"
    assert ar.role_label("<b>x</b>", "en") == "<b>x</b>"  # unknown roles as given (tables escape them)
    roles = pd.DataFrame({"item_id": ["A", "A"], "role": ["management", "finance"], "norm": [1.0, 0.5]})
    assert ar.with_role_labels(roles, "zh")["role"].tolist() == ["管理层", "财务"]
    assert [ar.factor_key(a) for a in ("ORG", "COM", "INF", "X.1")] == [
        "organization", "communications", "information", "x_1"]
    assert ar.points_text(float("nan"), "en") == "–"


# ------------------------------------------------------------------------------ ISO 9001 (seed)


@pytest.fixture(scope="module")
def telecom():
    from threec_helpers.generate import demo_tables

    return demo_tables("demo_telecom")


OCT = Period("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
SEP = Period("2026-09", dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def test_org_overview_reproduces_the_seed(telecom):
    ov = ar.org_overview_table(org_rates(telecom["org_profile"], "en"), "en").set_index("metric")
    # seed part 2: 交换机实装率达到 92.42% = 47,213 / 51,084
    assert ov.loc["utilisation", "text"] == "92.42%"
    assert ov.loc["utilisation", "formula"] == "47,213 / 51,084"
    assert ov.loc["utilisation", "value"] == pytest.approx(100 * 47213 / 51084)
    assert ov.loc["capacity_lines", "text"] == "51,084 lines"  # 门 in English
    zh = ar.org_overview_table(org_rates(telecom["org_profile"], "zh"), "zh")
    sentence = ar.org_sentence(zh, "XX县通信分公司", "zh")
    assert sentence.startswith("XX县通信分公司：电话交换机总容量 51,084 门、")
    assert sentence.endswith("交换机实装率 92.42%（47,213 / 51,084）。")
    assert "&lt;script&gt;" in ar.org_sentence(zh, "<script>", "zh")


def test_objectives_reproduce_the_seed(telecom):
    q, k = telecom["quality_objectives"], telecom["kpi_measurements"]
    ev = evaluate_objectives(q, k, OCT, "zh")
    table = ar.objectives_table(ev, evaluate_objectives(q, k, SEP, "zh"), "zh")
    # seed: 100% (>98%), 100% (>98%), 100% (>96%), 0 (<2%), 81.3 分 (>81), 0 (<十万分之一), 100% (100%), 7 秒 (≤10 秒)
    assert table["actual"].tolist() == ["100%", "100%", "100%", "0%", "81.3分", "0", "100%", "7秒"]
    assert table["target"].tolist() == [">98%", ">98%", ">96%", "<2%", ">81分", "<十万分之1", "≥100%", "≤10秒"]
    assert table["met"].tolist() == [True] * 8
    assert ar.missed_objectives(table) == []
    assert ar.objectives_note(table, "2026-10", "en") == "2026-10: 8 of 8 quality objectives met."
    # QO1 in September 2026: numerator / denominator of the demo data, 99.83%
    assert table["previous"].iloc[0] == "99.83%"
    sat = ar.pick_objective(ev)
    assert sat["objective_id"] == "QO5" and sat["actual"] == pytest.approx(81.3)


def test_documents_reproduce_the_seed(telecom):
    docs = ar.documents_table(document_register_counts(telecom["documents"]), "zh")
    # seed: 职责权限 35 条, 记录台帐 91 项, 考核标准 6 项, 规章制度 33 项, 工作流程 22 条 = 187
    assert docs[["label", "count"]].values.tolist() == [["职责权限", 35], ["记录台帐", 91], ["考核标准", 6],
                                                        ["规章制度", 33], ["工作流程", 22]]
    assert ar.with_total(docs, "label", ["count"], "zh").iloc[-1]["count"] == 187
    assert ar.documents_sentence(docs, "zh") == (
        "《基础管理手册》共收录成文信息 187 项：职责权限 35 项、记录台帐 91 项、考核标准 6 项、规章制度 33 项、工作流程 22 项。")


def test_iso_key_figures_and_conclusion(telecom):
    q, k = telecom["quality_objectives"], telecom["kpi_measurements"]
    ev = evaluate_objectives(q, k, OCT, "en")
    ov = ar.org_overview_table(org_rates(telecom["org_profile"], "en"), "en")
    docs = ar.documents_table(document_register_counts(telecom["documents"]), "en")
    counts = findings_summary(telecom["audit_findings"], OCT.end).counts
    kf = ar.iso_key_figures(ov, ar.objectives_table(ev, None, "en"), docs, counts, ar.pick_objective(ev), "en")
    by = {f["key"]: f for f in kf}
    assert list(by) == ["utilisation", "objectives_met", "satisfaction", "open_findings", "closure_rate", "documents"]
    assert by["utilisation"]["value"] == pytest.approx(0.9242, abs=5e-5)
    assert (by["objectives_met"]["value"], by["objectives_met"]["text"]) == (8, "8/8")
    assert by["satisfaction"]["text"] == "81.3 points"
    # docs/demo-data.md: 12 findings, 10 closed, 2 observations open (not yet due on 2026-10-31)
    assert (by["open_findings"]["value"], by["open_findings"]["status"]) == (2, "warn")
    assert by["closure_rate"]["text"] == "83.3%"
    assert by["documents"]["value"] == 187
    assert ar.iso_conclusion(kf, counts, "en") == (
        "8 of 8 quality objectives met; switch utilisation 92.42%; 12 internal audit findings, 10 closed (83.3%), "
        "2 open, 0 overdue; 187 QMS documents.")
    table = ar.key_figures_table(kf)
    assert table.iloc[1].tolist() == ["Quality objectives met", "8/8"]


# ------------------------------------------------------------------------------ findings


def _findings() -> pd.DataFrame:
    return pd.DataFrame({
        "finding_id": ["F1", "F2", "F3", "F4"], "round": [1.0, 1.0, 2.0, 2.0],
        "clause": ["7.5.3", "5.3", "9.1.1", "ISO 9001:2015 12.1"],
        "grade": ["minor", "minor", "observation", "major"], "department": ["a", "b", "a", "b"],
        "description": ["d1", "d2", "d3", "d4"], "corrective_action": ["c1", "c2", "c3", "c4"],
        "owner": ["o1", "o2", "o3", "o4"],
        "raised": pd.to_datetime(["2026-07-21", "2026-07-21", "2026-09-22", "2026-09-22"]),
        "due": pd.to_datetime(["2026-08-20", "2026-08-31", "2026-12-31", "2026-10-15"]),
        "closed": pd.to_datetime(["2026-08-15", "2026-08-25", None, None]),
        "verified": pd.array([True, False, None, None], dtype="boolean"),
    })


def test_findings_tables_by_hand():
    f = _findings()
    rounds = ar.findings_rounds_table(f, "2026-10-31", "en")
    # round 1: 2 minor, both closed -> 100%, 1 verified; round 2: 1 observation + 1 major, both open,
    # the major one due 2026-10-15 < 2026-10-31 -> overdue
    assert rounds[["round_label", "month", "minor", "major", "total", "closed", "open", "overdue", "verified"]
                  ].values.tolist() == [["Round 1", "2026-07", 2, 0, 2, 2, 0, 0, 1],
                                        ["Round 2", "2026-09", 0, 1, 2, 0, 2, 1, 0]]
    assert rounds["closure_rate"].tolist() == [1.0, 0.0]
    summary = findings_summary(f, "2026-10-31")
    open_tab = ar.open_findings_table(summary.open_findings, "zh")
    assert open_tab["finding_id"].tolist() == ["F4", "F3"]  # most overdue first
    assert open_tab["grade"].tolist() == ["严重不符合", "观察项"]
    assert open_tab["overdue"].tolist() == [True, False]
    assert open_tab["due"].tolist() == ["2026-10-15", "2026-12-31"]
    # days open on 2026-10-31: raised 2026-09-22 -> 39 days
    assert open_tab["days_open"].tolist() == [39, 39]
    imp = ar.improvements_table(f, "2026-10-31", "en")
    assert imp["status"].tolist() == ["verified", "closed", "open", "overdue"]
    assert imp["closed"].tolist()[:2] == ["2026-08-15", "2026-08-25"]
    # as of 2026-08-20 F2 was not yet closed (closed 2026-08-25) and not yet due (2026-08-31)
    assert ar.improvements_table(f, "2026-08-20", "en")["status"].tolist() == ["verified", "open"]
    note = ar.findings_note(summary.counts, len(rounds), "2026-10-31", "en")
    assert note == ("As of 2026-10-31, 2 internal audit round(s) raised 4 findings: 2 closed (50.0%), "
                    "1 verified effective; 2 open, 1 of them overdue.")


def test_clause_coverage_lists_every_chapter():
    f = _findings()
    cov = ar.clause_coverage(load_checklist("iso9001_2015"), findings_summary(f, "2026-10-31").by_clause, "en")
    assert cov["chapter"].tolist() == ["4", "5", "6", "7", "8", "9", "10", "12"]
    c = cov.set_index("chapter")
    assert c.loc["4", "total"] == 0 and c.loc["4", "items"] == 4  # ISO.4.1 .. ISO.4.4
    assert (c.loc["5", "minor"], c.loc["7", "minor"], c.loc["9", "observation"]) == (1, 1, 1)
    assert (c.loc["9", "open"], c.loc["12", "title"], c.loc["12", "major"]) == (1, "other", 1)
    assert int(c["total"].sum()) == 4


# ------------------------------------------------------------------------------ rectifications


def test_rectification_table_as_of():
    r = pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4"], "item_id": ["B1", None, "B2", "A1"],
        "description": ["x", "y", "z", "w"], "owner": ["o", "o", "o", "o"],
        "due": pd.to_datetime(["2026-06-30", "2026-12-31", "2026-03-31", None]),
        "status": ["in_progress", "done", "verified", "open"],
        "closed": pd.to_datetime([None, "2026-11-05", "2026-03-20", None]),
    })
    tab = ar.rectification_table(r, "2026-10-31", "zh")
    # A1 in progress past its due date -> overdue; A2 done on 2026-11-05, after the report date -> in progress
    assert tab["status"].tolist() == ["in_progress", "in_progress", "verified", "open"]
    assert tab["overdue"].tolist() == [True, False, False, False]
    assert tab["status_label"].tolist() == ["整改中", "整改中", "已验证", "待整改"]
    assert tab["closed"].fillna("").tolist() == ["", "", "2026-03-20", ""]
    counts = ar.rectification_counts(tab)
    assert counts == {"total": 4, "open": 1, "in_progress": 2, "done": 0, "verified": 1, "open_total": 3,
                      "overdue": 1}
    assert ar.rectifications_note(counts, "en") == (
        "4 rectification actions: 1 verified, 0 done, 2 in progress, 1 not started; 1 overdue.")


# ------------------------------------------------------------------------------ control charts


def test_objective_charts_by_hand():
    obj = pd.DataFrame({"objective_id": ["P", "U", "S", "V"], "name_zh": ["及时率", "投诉率", "满意度", "接通率"],
                        "name_en": ["Timeliness", "Complaints", "Satisfaction", "Connection"],
                        "unit": ["%", "per_100k", "points", "%"], "comparator": [">=", "<", ">", "="],
                        "target": [98.0, 1.0, 81.0, 100.0]})
    months = ["2026-08", "2026-09", "2026-10", "2026-11"]
    kpi = pd.concat([
        pd.DataFrame({"objective_id": "P", "period": months, "numerator": [49.0, 50.0, 48.0, 50.0],
                      "denominator": 50.0}),
        pd.DataFrame({"objective_id": "U", "period": months, "numerator": [0.0, 1.0, 0.0, 0.0],
                      "denominator": 47213.0}),
        pd.DataFrame({"objective_id": "S", "period": months, "value": [81.3, 82.0, 80.6, 81.0]}),
        pd.DataFrame({"objective_id": "V", "period": months, "value": [100.0, 99.0, 100.0, 100.0]}),
    ], ignore_index=True)
    charts = {c.objective_id: c for c in ar.objective_charts(obj, kpi, OCT, "en")}
    p, u, s, v = charts["P"], charts["U"], charts["S"], charts["V"]
    assert (p.kind, u.kind, s.kind, v.kind) == ("p", "u", "xmr", "xmr")
    assert len(p.frame) == 3  # November is after the report period
    # p: (49 + 50 + 48) / 150 = 0.98, target 98% on the proportion scale
    assert p.frame["center"].iloc[0] == pytest.approx(0.98)
    assert (p.target, p.comparator, p.months_met) == (pytest.approx(0.98), ">=", 2)
    # u: exposure per 100,000 lines = 0.47213 a month; 1 complaint in 3 months -> 1 / 1.41639 = 0.706 per 100,000
    assert u.frame["center"].iloc[0] == pytest.approx(1 / (3 * 0.47213))
    assert u.months_met == 2
    # XmR of points: mean of 81.3, 82.0, 80.6 = 81.3
    assert s.frame["center"].iloc[0] == pytest.approx(81.3)
    # a % given as a value is charted as a proportion; "=" has no attainment sentence
    assert v.frame["center"].iloc[0] == pytest.approx((1.0 + 0.99 + 1.0) / 3)
    assert (v.target, v.comparator) == (pytest.approx(1.0), None)
    table = ar.charts_table(list(charts.values()), "en").set_index("objective_id")
    assert table.loc["P", "center"] == "98%"
    assert table.loc["U", "center"] == "0.71 per 100,000"
    assert table.loc["S", "center"] == "81.3 points"
    assert list(table["months"]) == [3, 3, 3, 3]
    assert p.frame.index.tolist() == ["2026-08", "2026-09", "2026-10"]


def test_plot_objective_chart_returns_a_figure():
    import matplotlib.pyplot as plt

    obj = pd.DataFrame({"objective_id": ["P"], "name_zh": ["及时率"], "unit": ["%"], "comparator": [">"],
                        "target": [98.0]})
    kpi = pd.DataFrame({"objective_id": "P", "period": ["2026-08", "2026-09", "2026-10"],
                        "numerator": [49.0, 50.0, 48.0], "denominator": 50.0})
    chart = ar.objective_charts(obj, kpi, None, "zh")[0]
    fig = ar.plot_objective_chart(chart, "zh")
    assert fig.texts and fig.texts[0].get_text().startswith("及时率")
    plt.close(fig)


# ------------------------------------------------------------------------------ clinical and focus sentences


def test_clinical_key_figures_and_conclusion(rounds):
    now, before = rounds["R2"], rounds["R1"]
    areas = ar.area_table(now, before, "en")
    indicators = pd.DataFrame({"objective": ["a", "b", "c"], "met": pd.array([True, False, None], dtype="boolean")})
    rect = {"open_total": 2, "overdue": 0}
    kf = {f["key"]: f for f in ar.clinical_key_figures(now, areas, rect, indicators, "en")}
    # R2 overall (2 x 0.7875 + 0.875) / 3 = 81.67%; B1 passes its veto; area B (0.875) is below its target 1
    assert kf["overall_score"]["text"] == "81.67%"
    assert kf["vetoes_failed"]["text"] == "0/1"
    assert kf["areas_below_target"]["text"] == "1/2"
    assert kf["indicators_met"]["text"] == "1/2"
    assert kf["open_rectifications"]["value"] == 2
    text = ar.clinical_conclusion(now, before, areas, rect, indicators, "2026-10", "en")
    assert text == ("Self-assessment round R2: overall 81.67% (Leading), passed; +16.1 points on the previous round; "
                    "all veto items passed; 1 of 2 areas below target; 2 rectification action(s) open (0 overdue); "
                    "1 of 2 indicators met their target in 2026-10.")
    r1 = ar.clinical_conclusion(before, None, ar.area_table(before, None, "zh"), None, indicators, "2025-10", "zh")
    assert "一票否决项 B1 未通过" in r1 and r1.endswith("。")


def test_focus_conclusion(rounds):
    now, before = rounds["R2"], rounds["R1"]
    text = ar.focus_conclusion(now, before, ar.area_table(now, before, "en"), "en")
    # weakest area in R2: A (0.7875) vs B (0.875); top priority: B2 (the only gap)
    assert text.startswith("Customer-focus audit R2: overall 81.67% (Leading); +16.1 points on R1; "
                           "the weakest factor is Area A (78.75%)")
    assert text.endswith('the first improvement priority is B2 "B two".')


def test_notes():
    assert ar.rounds_note("2026H2", "2025H2", "zh") == "本轮 2026H2，上一轮 2025H2。"
    assert ar.rounds_note("<i>", None, "en") == "This round: &lt;i&gt;; there is no previous round to compare with."
    weak = pd.DataFrame({"item_id": ["OB.5.3"]})
    assert ar.weak_items_note(weak, None, None, "zh") == "本轮低于目标的条目 1 项（按改进优先级排序）。"
    table = pd.DataFrame({"objective": ["A", "B"], "met": pd.array([False, False], dtype="boolean")})
    assert ar.objectives_note(table, "2026-10", "zh", indicators=True) == "2026-10 月度指标 2 项，达标 0 项。未达标：A、B。"


# ------------------------------------------------------------------------------ one release of old names


def test_moved_names_are_still_reached_from_the_old_modules():
    """Names that left report.audits / report.phases for their layer are forwarded for one release."""
    from threec_helpers import audit_report, phase_report
    from threec_helpers.audit import rectifications, scoring
    from threec_helpers.measures import clv_estimate, realization
    from threec_helpers.report import figures

    assert audit_report.pick_rounds is scoring.pick_rounds
    assert audit_report.rectification_table is rectifications.rectification_table
    assert audit_report.record_key_figures is figures.record  # merged: one way to record a headline
    assert phase_report.clv_estimate is clv_estimate.clv_estimate
    assert phase_report.monthly_by_tier is realization.monthly_by_tier
    with pytest.raises(AttributeError):
        phase_report.areas_table  # merged into report.audits.area_table (its signature differs)


def test_clinical_conclusion_with_the_verdict_says_grade_and_verdict_once():
    # the panel read "overall 88.17% (Qualified), passed; … Conclusion: Passed with conditions." as a contradiction
    from threec_helpers.audit.certification import Readiness
    from threec_helpers.report.clinical import clinical_conclusion

    res = score_rounds("obstetrics_quality", pd.DataFrame({"round": ["2025H2"] * 2, "item_id": ["OB.2.3", "OB.3.1"],
                                                           "score": [1.0, 0.5]}))["2025H2"]
    areas = ar.area_table(res, None, "zh")
    indicators = pd.DataFrame({"objective": ["A"], "met": pd.array([True], dtype="boolean")})
    checks = pd.DataFrame({"rule": ["no_veto_failed", "indicators_met"], "severity": ["blocking", "condition"],
                           "clause": ["", ""], "passed": [False, True], "detail": ["OB.3.1", "无"]})
    text = clinical_conclusion(res, None, areas, None, indicators, "2025-10", "zh", verdict=Readiness("failed", checks))
    assert "，不通过" not in text and "，通过" not in text
    assert text.endswith("结论：自评不合格；未满足：一票否决项全部通过（OB.3.1）。")
    cond = Readiness("passed_with_conditions", checks.assign(passed=[True, False], detail=["无", "A"]))
    text = clinical_conclusion(res, None, areas, None, indicators, "2025-10", "en", verdict=cond)
    assert text.endswith("Conclusion: Passed with conditions; still to do: Every monthly indicator at the provincial "
                         "standard's target (A).")
