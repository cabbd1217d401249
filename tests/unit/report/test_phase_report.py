"""Glue of the phase notebooks (threec_helpers.report.phases), on small hand-checked data."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from threec_helpers.report import phases as pr
from threec_helpers.inputs.config import Period
from threec_helpers.errors import ParameterError

P25 = Period("FY2025", dt.date(2024, 11, 1), dt.date(2025, 10, 31))
P26 = Period("FY2026", dt.date(2025, 11, 1), dt.date(2026, 10, 31))


# ------------------------------------------------------------------ statuses and figures


@pytest.mark.parametrize("key, value, targets, ratio, expected", [
    ("information_score", 80.0, None, None, "good"),      # >= 80
    ("information_score", 79.9, None, None, "warn"),      # >= 60
    ("information_score", 59.0, None, None, "bad"),
    ("operating_profit", 1.0, None, None, "good"),
    ("operating_profit", -1.0, None, None, "bad"),
    ("value_destroying_share", 0.10, None, None, "good"),  # <= 10%
    ("value_destroying_share", 0.26, None, None, "bad"),   # > 25%
    ("retention", 0.90, {"retention": 0.9}, None, "good"),
    ("retention", 0.86, {"retention": 0.9}, None, "warn"),  # >= 0.85
    ("retention", 0.84, {"retention": 0.9}, None, "bad"),
    ("retention", 0.84, {}, None, "neutral"),               # no target
    ("satisfaction", 3.9, {"satisfaction": 4.2}, None, "warn"),   # >= 4.2 - 0.3
    ("satisfaction", 3.89, {"satisfaction": 4.2}, None, "bad"),
    ("nps", -5.0, {"nps": 30}, None, "bad"),
    ("nps", 25.0, {"nps": 30}, None, "warn"),
    ("information", 0.38, None, None, "bad"),
    ("organization", 0.60, None, None, "warn"),
    ("communications", 0.75, None, None, "good"),
    ("plan_gap", -8e6, None, -0.086, "bad"),
    ("plan_gap", -1e5, None, -0.01, "warn"),
    ("attainment", 1.1163, None, None, "good"),
    ("attainment", 0.95, None, None, "warn"),
    ("rag", "amber", None, None, "warn"),
    ("variance", -5.0, None, 0.85, "bad"),
    ("focus_actions_done", 0, None, 0.0, "bad"),
    ("focus_actions_done", 4, None, 0.5, "warn"),
    ("customers", 2700, None, None, "neutral"),
    ("satisfaction", float("nan"), {"satisfaction": 4.2}, None, "neutral"),
])
def test_status_rules(key, value, targets, ratio, expected):
    assert pr.status_of(key, value, targets, ratio) == expected


def test_key_figure_texts_and_check_lines():
    figs = [pr.key_figure("revenue", 1234567.4, "en", currency="CNY"),
            pr.key_figure("retention", np.float64(0.876923), "zh", targets={"retention": 0.9}),
            pr.key_figure("rag", "green", "zh"),
            pr.key_figure("focus_actions_done", 3, "en", ratio=3 / 8, of=8)]
    assert [f["text"] for f in figs] == ["¥1,234,567", "87.69%", "绿", "3 of 8"]
    assert [f["status"] for f in figs] == ["neutral", "warn", "good", "bad"]
    assert figs[1]["label"] == "客户保留率"
    assert isinstance(figs[1]["value"], float)
    assert pr.check_lines(figs) == ("revenue: 1234567.40\nretention: 0.8769\nrag: green\nfocus_actions_done: 3")


def test_record_calls_key_figure():
    got = []
    ctx = SimpleNamespace(notebook="02_analysis", key_figure=lambda *a, **kw: got.append((a, kw)))
    pr.record(ctx, [pr.key_figure("customers", 5, "en"), pr.key_figure("operating_margin", 0.2, "en")])
    assert got == [(("customers", "Customers registered", 5, "5", "neutral"), {"dimension": None}),
                   (("operating_margin", "Operating margin", 0.2, "20.00%", "neutral"), {"dimension": "value"})]


def test_conclusion_fills_missing_figures_with_dash():
    figs = [pr.key_figure("attainment", 0.5, "en"), pr.key_figure("rag", "red", "en"),
            pr.key_figure("variance", -10.0, "en")]
    assert pr.conclusion("realization", figs, "en") == (
        "Revenue attainment 50.00% (red), variance -¥10; focus actions done: –.")


# ------------------------------------------------------------------ registration


def test_integration_summary_counts_orphans_and_period_rows():
    tables = {
        "customers": pd.DataFrame({"customer_id": ["a", "b", "c"],
                                   "first_purchase": pd.to_datetime(["2024-01-01", None, "2025-12-01"])}),
        "transactions": pd.DataFrame({"customer_id": ["a", "a", "b", "x"],
                                      "date": pd.to_datetime(["2025-01-01", "2025-11-02", "2026-10-31", "2026-01-01"])}),
        "cost_to_serve": pd.DataFrame({"customer_id": ["a", "b", "y"], "period": ["FY2026", "FY2025", "FY2026"]}),
    }
    s = pr.integration_summary(tables, P26).set_index("table")
    # transactions: customers a, b, x (3 distinct); x is unknown -> 1 orphan; 3 rows dated in FY2026
    assert s.loc["transactions", ["rows", "customers", "orphans", "rows_in_period"]].tolist() == [4, 3, 1, 3]
    assert s.loc["transactions", "first_date"] == dt.date(2025, 1, 1)
    # cost_to_serve: y unknown; 2 rows with period FY2026
    assert s.loc["cost_to_serve", ["orphans", "rows_in_period"]].tolist() == [1, 2]
    # customers: first purchases in FY2026: only c
    assert s.loc["customers", ["orphans", "rows_in_period"]].tolist() == [0, 1]


def test_period_overview_and_focus_registration_and_waves():
    tb = pd.DataFrame({"tier": ["top", "small", "inactive"], "revenue": [10.0, 5.0, 0.0],
                       "gross_margin": [4.0, 2.0, 0.0], "cost_to_serve": [1.0, 1.0, 0.5],
                       "net_profit": [3.0, 1.0, -0.5], "transactions": [2, 1, 0], "satisfaction": [4.0, None, 3.0]})
    row = pr.period_overview({"P": tb}).iloc[0]
    # 2 active; net profit 3 + 1 - 0.5 = 3.5; 2 customers with an answer
    assert (row["active_customers"], row["net_profit"], row["surveyed"]) == (2, 3.5, 2)

    r = pd.DataFrame({"round": ["2026", "2025", "2025", "2025"], "respondent_id": ["a", "a", "b", "b"],
                      "role": ["management", "management", "sales", "sales"], "item_id": ["X", "X", "X", "Y"],
                      "score": [3.0, 4.0, None, 2.0]})
    f = pr.focus_registration(r)
    assert f[["round", "role", "role_group", "respondents", "answers", "missing_scores"]].values.tolist() == [
        ["2025", "management", "management", 1, 1, 0], ["2025", "sales", "front_line", 1, 2, 1],
        ["2026", "management", "management", 1, 1, 0]]

    s = pd.DataFrame({"wave": ["2026-05", "2025-05", "2025-05"], "customer_id": ["a", "a", "b"],
                      "date": pd.to_datetime(["2026-05-02", "2025-05-01", "2025-05-09"]),
                      "satisfaction": [5.0, 2.0, 4.0]})
    w = pr.satisfaction_by_wave(s)
    assert w[["wave", "answers", "customers", "mean"]].values.tolist() == [["2025-05", 2, 2, 3.0],
                                                                            ["2026-05", 1, 1, 5.0]]
    assert w["last_date"].tolist() == [dt.date(2025, 5, 9), dt.date(2026, 5, 2)]


# ------------------------------------------------------------------ analysis


def test_retention_and_top_share():
    tb = pd.DataFrame({"previous_tier": ["top", "big", "small", "small", "inactive"],
                       "tier": ["top", "inactive", "small", "medium", "small"]})
    assert pr.retention(tb) == (3, 4, 0.75)  # 4 active before, 3 still active (the win-back is not counted)
    summary = pd.DataFrame({"revenue_share": [0.3, 0.2, 0.25, 0.25]}, index=["top", "big", "medium", "small"])
    assert pr.top_share(summary) == pytest.approx(0.75)


def _result(round_id, scores, overall):
    areas = pd.DataFrame({"area_id": ["ORG", "COM", "INF"], "score": scores})
    return SimpleNamespace(round=round_id, areas=areas, overall={"score": overall})


def test_focus_scores_and_focus_vs_performance():
    res = {"2025": _result("2025", [0.5, 0.4, 0.3], 0.4), "R9": _result("R9", [0.6, 0.5, 0.4], 0.5)}
    assert pr.focus_scores(res["2025"]) == {"organization": 0.5, "communications": 0.4, "information": 0.3,
                                            "overall": 0.4}
    tb = pd.DataFrame({"tier": ["top", "small", "inactive"], "previous_tier": ["top", "small", "small"],
                       "revenue": [10.0, 5.0, 0.0], "net_profit": [2.0, 1.0, 0.0], "satisfaction": [4.0, 3.0, None]})
    out = pr.focus_vs_performance(res, {"FY2025": tb}, [P25, P26])
    # round 2025 -> FY2025 (ends 2025-10-31); 2 of 3 previously active still active; mean satisfaction 3.5
    first = out.iloc[0]
    assert (first["period"], first["active_customers"], first["revenue"]) == ("FY2025", 2, 15.0)
    assert first["retention"] == pytest.approx(2 / 3) and first["satisfaction"] == 3.5
    assert pd.isna(out.iloc[1]["period"]) and np.isnan(out.iloc[1]["revenue"])  # "R9" names no year


def test_satisfaction_plan_and_decomposition_table():
    tb = pd.DataFrame({"tier": ["top", "top", "small", "inactive"], "satisfaction": [4.0, 5.0, 3.0, 1.0]})
    sp = pr.satisfaction_plan(tb, {"satisfaction": 4.2})
    # total over active tiers only: (4 + 5 + 3) / 3 = 4.0; gap 0.2
    assert sp.loc["total", ["n", "current", "target"]].tolist() == [3.0, 4.0, 4.2]
    assert sp.loc["total", "gap"] == pytest.approx(0.2)
    assert np.isnan(sp.loc["big", "current"])
    dec = pd.Series({"profit_from_profitable": 100.0, "loss_from_unprofitable": 30.0, "operating_profit": 70.0,
                     "n_profitable": 2, "n_unprofitable": 1, "n_zero": 4})
    d = pr.decomposition_table(dec, "en")
    assert d["amount"].tolist() == [100.0, -30.0, 70.0] and d["customers"].tolist() == [2, 1, 7]


# ------------------------------------------------------------------ planning


def test_default_assumptions_and_promote_check():
    a = pr.default_assumptions({"revenue_growth": 0.08}, 5)
    assert a.growth == {"top": 0.08, "big": 0.08, "medium": 0.08, "small": 0.08}
    assert a.promotions == {("medium", "big"): 5}
    assert pr.default_assumptions({}, 0).promotions == {}
    assert pr.check_promote(3) == 3
    for bad in (-1, 2.5, True, "5"):
        with pytest.raises(ParameterError):
            pr.check_promote(bad)


def test_customer_plan_joins_top_down_beside_bottom_up():
    td = pd.DataFrame({"customer_id": ["a", "b"], "plan_revenue": [110.0, 55.0], "plan_profit": [11.0, 5.5],
                       "plan_satisfaction": 4.2})
    bu = pd.DataFrame({"customer_id": ["a", "b", "new"], "tier": ["top", "small", "prospect"],
                       "plan_tier": ["top", "small", "small"], "base_revenue": [100.0, 50.0, 0.0],
                       "plan_revenue": [105.0, 40.0, 3.0], "plan_profit": [10.0, 4.0, 0.3]})
    out = pr.customer_plan(td, bu, pd.DataFrame({"customer_id": ["a", "b"], "name": ["A", "B"]}))
    assert out[["customer_id", "name", "top_down_revenue", "plan_revenue"]].values.tolist()[:2] == [
        ["a", "A", 110.0, 105.0], ["b", "B", 55.0, 40.0]]
    assert np.isnan(out.loc[2, "top_down_revenue"])


# ------------------------------------------------------------------ realization


def test_monthly_revenue_fills_empty_months():
    tx = pd.DataFrame({"date": pd.to_datetime(["2025-01-31", "2025-04-01", "2025-04-30", "2025-05-01"]),
                       "amount": [1.0, 2.0, 3.0, 4.0]})
    assert pr.monthly_revenue(tx, end=dt.date(2025, 4, 30)).to_dict() == {
        "2025-01": 1.0, "2025-02": 0.0, "2025-03": 0.0, "2025-04": 5.0}


def test_monthly_by_tier_by_hand():
    base = Period("B", dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    period = Period("P", dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    plan = pd.DataFrame({"customer_id": ["a", "b", "new"], "plan_tier": ["top", "small", "small"],
                         "plan_revenue": [120.0, 60.0, 12.0], "plan_profit": 0.0})
    tx = pd.DataFrame({
        "customer_id": ["a", "b", "a", "a", "b", "c", "z"],
        "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2026-01-05", "2026-02-05", "2026-01-20", "2026-02-20",
                                "2026-03-01"]),
        "amount": [30.0, 10.0, 50.0, 40.0, 10.0, 5.0, 99.0]})
    m = pr.monthly_by_tier(tx, plan, base, period).set_index(["group", "month"])
    # base seasonality: Jan 30, Feb 10 -> 3/4, 1/4 (March is after the period: ignored)
    assert m.loc[("top", "2026-01"), "plan"] == pytest.approx(90.0)   # 120 x 3/4
    assert m.loc[("top", "2026-02"), ["plan", "actual"]].tolist() == pytest.approx([30.0, 40.0])
    assert m.loc[("small", "2026-01"), ["plan", "actual"]].tolist() == pytest.approx([45.0, 10.0])  # 60 x 3/4
    assert m.loc[("new", "2026-02"), ["plan", "actual"]].tolist() == pytest.approx([3.0, 5.0])  # 12 x 1/4; c
    total = m.loc["total"]
    assert total["plan"].tolist() == pytest.approx([144.0, 48.0])
    assert total["cum_actual"].tolist() == pytest.approx([60.0, 105.0])
    assert total["attainment"].tolist() == pytest.approx([60 / 144, 105 / 192])
    assert total["rag"].tolist() == ["red", "red"]
    # coding the transactions against all customer ids gives the same result
    fast = pr.monthly_by_tier(tx, plan, base, period, pd.Series(["z", "c", "b", "a"])).set_index(["group", "month"])
    pd.testing.assert_frame_equal(fast, m)
    # the total equals the package's monthly plan vs actual for the plan total
    from threec_helpers.measures.realization import monthly_plan_vs_actual

    ref = monthly_plan_vs_actual(tx, base.start, base.end, period.start, period.end, 192.0)
    assert ref["plan"].tolist() == pytest.approx(total["plan"].tolist())
    assert ref["actual"].tolist() == pytest.approx(total["actual"].tolist())


def test_customer_codes_safe():
    codes = pr.customer_codes_safe(pd.Series(["b", "x", "a", None]), pd.Index(["a", "b"]))
    assert codes.tolist() == [1, -1, 0, -1]


def test_focus_kpis_and_progress_need_two_rounds():
    res = {"2025": _result("2025", [0.5, 0.4, 0.3], 0.4)}
    assert pr.focus_kpis(res).values.tolist() == [["2025", 0.4, 0.5, 0.4, 0.3]]
    assert pr.focus_plan_progress(res, dt.date(2025, 11, 1)) is None


def test_realization_figures_from_tier_attainment():
    tiers = pd.DataFrame({"tier": ["top", "total"], "plan_revenue": [100.0, 200.0], "revenue": [90.0, 190.0],
                          "attainment": [0.9, 0.95], "rag": ["amber", "amber"]})
    progress = pd.DataFrame({"done": [True, False, True, True]})
    figs = {f["key"]: f for f in pr.realization_figures(tiers, progress, "en")}
    assert figs["attainment"]["value"] == 0.95 and figs["attainment"]["status"] == "warn"
    assert figs["variance"]["value"] == -10.0 and figs["variance"]["status"] == "warn"
    assert figs["focus_actions_done"]["text"] == "3 of 4" and figs["focus_actions_done"]["status"] == "warn"


def test_plot_with_reference_draws_the_plan_over_matching_months():
    from threec_helpers import spc

    s = pd.Series([10.0, 12.0, 11.0, 13.0], index=["2025-01", "2025-02", "2025-03", "2025-04"])
    fig = pr.plot_with_reference(spc.xmr(s), pd.Series({"2025-03": 20.0, "2025-04": 21.0, "2026-01": 5.0}),
                                 title="t", reference_label="Plan", lang="en")
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Plan"]
    assert len(lines) == 1
    assert lines[0].get_xdata().tolist() == [2, 3] and lines[0].get_ydata().tolist() == [20.0, 21.0]


# ------------------------------------------------------------------ on the demo client


@pytest.fixture(scope="module")
def demo():
    from threec_helpers.inputs.validation import load_client

    return load_client("demo_manufacturer")


def test_base_plan_rebuilt_then_saved(demo, tmp_path):
    from threec_helpers.measures.customer_table import customer_table
    from threec_helpers.measures.planning import bottom_up_plan, save_plan

    plan, source, base = pr.base_plan(demo.tables, demo.config, "FY2025", folder=tmp_path / "none")
    assert source == "rebuilt"
    tb = customer_table(demo.tables, demo.config, "FY2025", "FY2024")
    expected = bottom_up_plan(tb, pr.default_assumptions(demo.config.targets, 5))
    assert plan["plan_revenue"].sum() == pytest.approx(expected["plan_revenue"].sum())
    assert len(base) == len(tb)
    # a saved plan (as the planning notebook writes it) wins
    saved = expected.assign(plan_revenue=1.0)
    save_plan(tmp_path / "saved", {"customers": saved})
    plan2, source2, _ = pr.base_plan(demo.tables, demo.config, "FY2025", folder=tmp_path / "saved")
    assert source2 == "saved" and plan2["plan_revenue"].sum() == len(saved)
    assert plan2["customer_id"].tolist() == saved["customer_id"].tolist()


def test_clv_estimate_adds_up_and_equals_the_package_formula(demo):
    from threec_helpers import clv
    from threec_helpers.measures.customer_table import customer_table

    tb = customer_table(demo.tables, demo.config, "FY2026", "FY2025")
    est = pr.clv_estimate(demo.tables, tb, P26)
    out, per = est.tiers, est.customers
    assert est.spend_model in ("gamma_gamma", "observed_mean")
    assert out.loc["total", "clv"] == pytest.approx(per["clv"].sum())
    # the compressed evaluation (once per distinct history) equals clv.customer_lifetime_value on every customer
    tx = demo.tables["transactions"]
    tx = tx.loc[(tx["date"] <= pd.Timestamp("2026-10-31")) & (tx["amount"] > 0)]
    summary = clv.rfm_summary(tx, "customer_id", "date", "amount", observation_end=pd.Timestamp("2026-10-31"),
                              freq="W")
    m = summary["monetary_value"].to_numpy(float)
    if est.gamma_gamma is not None:
        value = est.gamma_gamma.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    else:  # own mean repeat purchase, else the mean over repeat buyers (all customers: the sample is the whole demo)
        value = np.where(m > 0, m, m[(summary["frequency"] > 0) & (m > 0)].mean())
    direct = est.margin_rate * np.asarray(clv.customer_lifetime_value(
        est.purchase_model, summary["frequency"], summary["recency"], summary["T"], value, time=12,
        discount_rate=0.01, freq="W"), dtype=float)
    assert per.set_index("customer_id")["clv"].reindex(summary.index).to_numpy() == pytest.approx(direct)
    assert out.drop(index="total")["clv"].sum() == pytest.approx(per["clv"].sum())
    assert (per["clv"] >= 0).all() and per["p_alive"].between(0, 1).all()
    # customers who bought by the period end: 2,000 of the demo's 2,700
    assert out.loc["total", "customers"] == per["customer_id"].nunique() == 2000


def test_integration_and_quality_on_demo(demo):
    integ = pr.integration_summary(demo.tables, P26)
    assert integ["orphans"].sum() == 0  # validation rejects orphans
    profile = pr.quality_profile(demo, P26)
    checks = pr.checks_table(profile, integ, "en")
    assert checks["check"].iloc[-1].startswith("Orphan rows")
    comp = pr.components_table(profile, "en")
    assert comp["weight"].sum() == pytest.approx(1.0)
    assert (comp["weight"] * comp["score"]).sum() * 100 == pytest.approx(profile.score)
