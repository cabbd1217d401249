"""The complete customer table: one hand-checked client, reconciliation with the measures."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from threec_helpers.inputs.config import Period, PyramidThresholds, parse_client_config
from threec_helpers.measures.customer_table import COLUMNS, customer_table, prepare_customers
from threec_helpers.errors import ParameterError
from threec_helpers.measures.pyramid import TIERS, migration_matrix, tier_summary
from threec_helpers.measures.value import customer_value, profit_decomposition, whale_curve

PERIODS = [Period("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
           Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))]


@pytest.fixture
def tables():
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        "name": ["A", "B", "C", "D", "E", "F"],
        "status": ["active", "active", "inactive", "active", "prospect", "suspect"],
        "segment": ["retail", "retail", "hotel", "hotel", "retail", None],
        "first_purchase": pd.to_datetime(["2020-06-01", None, None, None, None, None]),
        "potential_revenue": [2000.0, 400.0, None, 100.0, 5000.0, None],
    })
    tx = pd.DataFrame({
        "date": pd.to_datetime(["2024-03-01", "2025-02-01", "2025-11-30", "2024-06-01", "2025-06-01",
                                "2024-01-15", "2025-12-31"]),
        "customer_id": ["a", "a", "a", "b", "b", "c", "d"],
        "amount": [1000.0, 600.0, 400.0, 300.0, 100.0, 200.0, 50.0],
        "cost": [600.0, 350.0, 250.0, 200.0, 80.0, 150.0, 30.0],
    })
    cts = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "d"],
                        "period": ["2024", "2025", "2024", "2025", "2024", "2025"],
                        "cost": [100.0, 120.0, 30.0, 40.0, 20.0, 35.0]})
    surveys = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c"], "wave": ["2024", "2025", "2025", "2025"],
        "date": pd.to_datetime(["2024-05-01", "2025-05-01", "2025-05-01", "2025-05-01"]),
        "satisfaction": [3.0, 5.0, 4.0, 2.0], "recommend": [6.0, 10.0, 8.0, 3.0],
        "preferred_supplier": pd.array([False, True, True, False], dtype="boolean"),
        "share_of_need": [None, 0.5, None, None],
    })
    return {"customers": customers, "transactions": tx, "cost_to_serve": cts, "surveys": surveys}


def test_hand_checked_client(tables):
    tb = customer_table(tables, PERIODS, "2025", "2024").set_index("customer_id")
    assert list(tb.reset_index().columns) == list(COLUMNS)
    # 2025 active: a 1000, b 100, d 50 -> A = 3: Top ceil(0.03)=1 (a), Big ceil(0.15)=1 (none),
    # Medium ceil(0.6)=1 (none), Small b, d. c: last sale 2024-01-15, > 12 months before 2025-12-31 -> inactive.
    assert tb["tier"].astype(str).to_dict() == {"a": "top", "b": "small", "c": "inactive", "d": "small",
                                                "e": "prospect", "f": "suspect"}
    # 2024 active: a 1000, b 300, c 200 -> Top a, Small b and c; d first bought 2025 -> prospect at 2024
    assert tb["previous_tier"].astype(str).to_dict() == {"a": "top", "b": "small", "c": "small",
                                                         "d": "prospect", "e": "prospect", "f": "suspect"}
    assert tb["migration"].to_dict() == {"a": "stay", "b": "stay", "c": "lost", "d": "new", "e": "stay",
                                         "f": "stay"}
    a = tb.loc["a"]
    # a 2025: revenue 600 + 400 = 1000; cogs 350 + 250 = 600; margin 400; cts 120; net 280
    assert [a[c] for c in ("revenue", "cogs", "gross_margin", "cost_to_serve", "net_profit")] == \
        [1000.0, 600.0, 400.0, 120.0, 280.0]
    # 2024: revenue 1000, net 1000 - 600 - 100 = 300; change 0
    assert (a["revenue_prev"], a["net_profit_prev"], a["revenue_change_pct"]) == (1000.0, 300.0, 0.0)
    # history: margin 400 + 250 + 150 = 800 minus cts 100 + 120 = 580
    assert a["historical_value"] == 580.0
    # first purchase from customers.first_purchase (2020-06-01, before the first sale); last 2025-11-30
    assert a["first_purchase"] == pd.Timestamp("2020-06-01") and a["last_purchase"] == pd.Timestamp("2025-11-30")
    assert a["recency_days"] == 31.0 and a["frequency"] == 2 and a["monetary"] == 1000.0
    # tenure: still a customer -> 2020-06-01 .. 2025-12-31 = 2039 days / 30.4375
    assert a["tenure_months"] == pytest.approx(2039 / 30.4375)
    # latest survey 2025: satisfaction 5, share of need 0.5 (survey wins over potential 1000/2000)
    assert (a["satisfaction"], a["recommend"], a["survey_wave"], a["share_of_customer"], a["share_source"]) == \
        (5.0, 10.0, "2025", 0.5, "survey")
    assert str(a["satisfaction_band"]) == "very_satisfied"
    b = tb.loc["b"]
    # b: 2025 revenue 100, cogs 80, cts 40 -> -20; previous 300 -> change -2/3;
    # share from potential: the yearly need 400 scaled to the 365-day period = 400 * 365 / 365.25 = 399.726,
    # 100 / 399.726 = 0.250171
    assert (b["net_profit"], b["revenue_change_pct"]) == (-20.0, pytest.approx(-2 / 3))
    assert b["share_of_customer"] == pytest.approx(0.250171, abs=1e-6) and b["share_source"] == "potential"
    assert b["historical_value"] == pytest.approx(100 + 20 - 30 - 40)
    c = tb.loc["c"]
    # c inactive: tenure runs to its last purchase: first = last = 2024-01-15 -> 0 months; history 50 - 20
    assert c["tenure_months"] == 0.0 and c["historical_value"] == 30.0 and c["recency_days"] == 716.0
    d = tb.loc["d"]
    # d bought on the last day: recency 0; revenue 50 -> share 50 / (100 * 365 / 365.25) = 0.500342
    assert d["recency_days"] == 0.0 and d["share_of_customer"] == pytest.approx(0.500342, abs=1e-6)
    assert d["net_profit"] == -15.0
    assert np.isnan(tb.loc["e", "recency_days"]) and pd.isna(tb.loc["e", "first_purchase"])


def test_reconciles_with_measures(tables):
    tb = customer_table(tables, PERIODS, "2025", "2024")
    v = customer_value(tables, PERIODS[1])
    for col in ("revenue", "cogs", "gross_margin", "cost_to_serve", "net_profit"):
        assert tb[col].tolist() == v[col].tolist()
    d = profit_decomposition(tb)
    # profitable: a 280; losses: b 20, d 15 -> 35; operating 245 = the table's net profit total
    assert (d["profit_from_profitable"], d["loss_from_unprofitable"], d["operating_profit"]) == (280.0, 35.0, 245.0)
    assert d["operating_profit"] == tb["net_profit"].sum()
    assert whale_curve(tb)["cum_profit"].iloc[-1] == 245.0
    m = migration_matrix(tb)
    assert (m.sum(axis=1).to_numpy() == tier_summary(tb, "previous_tier")["customers"].to_numpy()).all()
    assert (m.sum(axis=0).to_numpy() == tier_summary(tb)["customers"].to_numpy()).all()


def test_without_previous_period_and_config(tables, tmp_path):
    raw = {"client_id": "x", "name": "X", "engagement": "3c", "current_period": "2025",
           "periods": [{"id": p.id, "start": p.start, "end": p.end} for p in PERIODS],
           "pyramid": {"top": 0.34, "big": 0.33, "medium": 0.33}}
    cfg = parse_client_config(raw, Path(tmp_path) / "client.yaml")
    tb = customer_table(tables, cfg, "2025").set_index("customer_id")
    # client cut-offs 34/33/33% of 3 active: ceil(1.02)=2 -> a, b top; ceil(2.01)=3 -> d big
    assert tb.loc[["a", "b", "d"], "tier"].astype(str).tolist() == ["top", "top", "big"]
    assert tb["previous_tier"].isna().all() and tb["migration"].isna().all()
    assert tb["revenue_prev"].isna().all()
    with pytest.raises(ParameterError, match="2030"):
        customer_table(tables, cfg, "2030")
    # an explicit override wins over client.yaml
    tb2 = customer_table(tables, cfg, "2025", thresholds=PyramidThresholds())
    assert tb2["tier"].astype(str).tolist()[:4] == ["top", "small", "inactive", "small"]


def test_no_optional_tables(tables):
    t = {"customers": tables["customers"], "transactions": tables["transactions"].drop(columns="cost")}
    tb = customer_table(t, PERIODS, "2025", "2024")
    assert (tb["cogs"] == 0).all() and (tb["cost_to_serve"] == 0).all()
    assert tb["satisfaction"].isna().all() and tb["tier"].astype(str).isin(TIERS).all()


def test_prepared_once_gives_the_same_tables_and_refuses_other_tables(tables):
    periods = [Period("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
               Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    prepared = prepare_customers(tables)
    for pid, prev in (("2024", None), ("2025", "2024")):
        pd.testing.assert_frame_equal(customer_table(tables, periods, pid, prev, prepared=prepared),
                                      customer_table(tables, periods, pid, prev))
    other = dict(tables, transactions=tables["transactions"].copy())
    with pytest.raises(ParameterError, match="same tables"):
        customer_table(other, periods, "2025", "2024", prepared=prepared)
