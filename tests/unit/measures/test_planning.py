"""Top-down and bottom-up plans, reconciliation, focus plan; realization variance: hand-checked."""

import datetime as dt

import pandas as pd
import pytest

from threec_helpers.errors import ParameterError
from threec_helpers.measures.planning import (
    PlanAssumptions,
    bottom_up_plan,
    focus_plan,
    load_plan,
    reconcile,
    save_plan,
    top_down_plan,
)
from threec_helpers.measures.realization import (
    focus_progress,
    monthly_plan_vs_actual,
    plan_vs_actual,
    rag,
    tier_attainment,
    variance_components,
)


def base_table():
    return pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "P1", "P2"],
        "tier": ["top", "big", "medium", "small", "prospect", "prospect"],
        "revenue": [500.0, 300.0, 150.0, 50.0, 0.0, 0.0],
        "net_profit": [50.0, 60.0, 15.0, -5.0, 0.0, 0.0],
    })


def test_top_down_allocates_pro_rata():
    plan = top_down_plan(base_table(), {"revenue_growth": 0.10, "profit_margin": 0.12, "satisfaction": 4.2})
    # base 1000 -> target 1100, shares 50/30/15/5 %
    assert plan["plan_revenue"].tolist() == pytest.approx([550.0, 330.0, 165.0, 55.0])
    assert plan["plan_profit"].tolist() == pytest.approx([66.0, 39.6, 19.8, 6.6])
    assert plan["plan_revenue"].sum() == pytest.approx(1100.0)
    assert (plan["plan_satisfaction"] == 4.2).all()


def test_bottom_up_with_retention_growth_promotion_and_prospects():
    a = PlanAssumptions(growth={"top": 0.1, "big": 0.0, "medium": 0.0, "small": 0.0},
                        retention={"top": 1.0, "big": 0.9, "medium": 1.0, "small": 0.8},
                        promotions={("medium", "big"): 1}, prospect_conversion=0.5)
    plan = bottom_up_plan(base_table(), a).set_index("customer_id")
    assert plan.loc["A", "plan_revenue"] == pytest.approx(550.0)       # 500 x 1.0 x 1.1
    assert plan.loc["B", "plan_revenue"] == pytest.approx(270.0)       # 300 x 0.9
    assert plan.loc["C", "plan_revenue"] == pytest.approx(300.0)       # promoted to Big: floor = smallest Big, 300
    assert plan.loc["C", "plan_tier"] == "big"
    assert plan.loc["D", "plan_revenue"] == pytest.approx(40.0)        # 50 x 0.8
    assert plan.loc["D", "plan_profit"] == pytest.approx(-4.0)         # margin -10 %
    assert plan.loc["new", "plan_revenue"] == pytest.approx(50.0)      # 2 prospects x 0.5 x mean Small 50
    rec = reconcile(top_down_plan(base_table(), {"revenue_growth": 0.1}), plan.reset_index())
    assert rec.loc["total", "bottom_up_revenue"] == pytest.approx(1210.0)
    assert rec.loc["total", "top_down_revenue"] == pytest.approx(1100.0)
    assert rec.loc["total", "gap"] == pytest.approx(110.0)
    assert rec.loc["medium", "gap"] == pytest.approx(300.0 - 165.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"growth": {"gold": 0.1}}, "unknown tier"),
    ({"retention": {"top": 1.5}}, "outside"),
    ({"promotions": {("big", "medium"): 1}}, "must move up"),
    ({"prospect_conversion": 2.0}, "outside"),
])
def test_bad_assumptions(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        PlanAssumptions(**kwargs)


def test_top_down_needs_growth_target():
    with pytest.raises(ParameterError, match="revenue_growth"):
        top_down_plan(base_table(), {})


def test_variance_components_add_up_hand_checked():
    plan = pd.DataFrame({"customer_id": ["A", "B", "C", "new"], "plan_tier": ["top", "big", "big", "small"],
                         "plan_revenue": [550.0, 270.0, 300.0, 50.0], "plan_profit": [0.0, 0.0, 0.0, 0.0]})
    actual = pd.DataFrame({"customer_id": ["A", "C", "E"], "tier": ["top", "medium", "small"],
                           "revenue": [600.0, 200.0, 30.0], "net_profit": [0.0, 0.0, 0.0]})
    pva = plan_vs_actual(plan, actual)
    comp = variance_components(pva).set_index("component")["variance"]
    # A stays top: +50 spend; B lost: -270; C planned big, ended medium: -100 migration;
    # E not planned: +30 new; the "new customers" line unmet: -50 new
    assert comp["spend"] == 50.0 and comp["lost"] == -270.0 and comp["migration"] == -100.0
    assert comp["new"] == -20.0
    assert comp["total"] == pytest.approx(830.0 - 1170.0)
    att = tier_attainment(pva).set_index("tier")
    assert att.loc["top", "attainment"] == pytest.approx(600 / 550) and att.loc["top", "rag"] == "green"
    assert att.loc["big", "attainment"] == pytest.approx(200 / 570) and att.loc["big", "rag"] == "red"


def test_rag_thresholds_and_lower_is_better():
    assert rag([0.98, 0.9, 0.8999]).tolist() == ["green", "amber", "red"]
    assert rag([0.5], higher_is_better=False).tolist() == ["green"]  # half the planned complaints


def test_monthly_plan_follows_base_seasonality():
    tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-10", "2024-02-10", "2025-01-05", "2025-02-05"]),
                       "amount": [100.0, 300.0, 150.0, 150.0]})
    m = monthly_plan_vs_actual(tx, "2024-01-01", "2024-02-29", "2025-01-01", "2025-02-28", plan_total=400.0)
    assert m["plan"].tolist() == pytest.approx([100.0, 300.0])     # 25 % / 75 % of 400
    assert m["actual"].tolist() == [150.0, 150.0]
    assert m["attainment"].tolist() == pytest.approx([1.5, 300 / 400])
    assert m["rag"].tolist() == ["green", "red"]


def test_focus_plan_and_progress(tmp_path):
    items = pd.DataFrame({"item_id": ["INF.2", "ORG.1", "COM.3"], "area_id": ["INF", "ORG", "COM"],
                          "text_zh": ["数据完整", "管理层承诺", "及时执行"], "text_en": ["complete", "commitment", "timely"],
                          "mean": [2.4, 4.5, 3.0], "target": [4.0, 4.0, 4.0], "gap": [0.4, 0.0, 0.25],
                          "priority": [0.02, 0.0, 0.0125]})
    plan = focus_plan(items, dt.date(2026, 11, 1), top_n=5, months=6, lang="en")
    assert plan["item_id"].tolist() == ["INF.2", "COM.3"]          # ORG.1 has no gap
    assert plan["target"].tolist() == [3.4, 4.0]                    # +1 step, capped at the target
    assert plan["due"].tolist() == [dt.date(2027, 5, 1)] * 2
    assert plan.loc[0, "owner"] == "IT / CRM lead"
    later = pd.DataFrame({"item_id": ["INF.2", "COM.3"], "mean": [2.9, 4.1]})
    prog = focus_progress(plan, later)
    assert prog["done"].tolist() == [False, True]
    assert prog["progress"].tolist() == pytest.approx([0.5, 1.0])
    paths = save_plan(tmp_path, {"focus": plan, "customers": pd.DataFrame({"name": ["=cmd|' /C calc'!A0"]})})
    assert (tmp_path / "plan.xlsx").exists() and len(paths) == 3
    loaded = load_plan(tmp_path)
    assert loaded["focus"]["item_id"].tolist() == ["INF.2", "COM.3"]
    import openpyxl

    cell = openpyxl.load_workbook(tmp_path / "plan.xlsx")["customers"]["A2"].value
    assert cell.startswith("'=")  # formula injection neutralised


def test_large_tables_go_to_csv_only(tmp_path):
    big = pd.DataFrame({"customer_id": [f"C{i}" for i in range(12)], "plan_revenue": range(12)})
    from threec_helpers.io import write_xlsx_atomic

    write_xlsx_atomic({"customers": big, "tiers": big.head(2)}, tmp_path / "plan.xlsx", max_rows=10)
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames == ["omitted", "tiers"]
    assert [c.value for c in wb["omitted"][2]] == ["customers", 12]


def test_a_plan_is_saved_beside_the_data_root_the_client_came_from(tmp_path, monkeypatch):
    """A client read from another data root (--data-root) keeps its saved plan beside that root,
    never in the project's data/processed; the realization notebook looks for it there too."""
    from threec_helpers.measures.planning import plan_folders

    monkeypatch.delenv("THREEC_PROCESSED_ROOT", raising=False)
    folders = plan_folders(tmp_path / "out", "acme", "FY2025", tmp_path / "clients")
    assert folders[1] == tmp_path / "processed" / "acme" / "plans" / "FY2025"
    monkeypatch.setenv("THREEC_PROCESSED_ROOT", str(tmp_path / "cache"))
    assert plan_folders(tmp_path / "out", "acme", "FY2025", tmp_path / "clients")[1].parent.parent.parent == tmp_path / "cache"
