"""Customer value, profit decomposition and whale curve: hand-checked examples and properties."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threec_helpers.inputs.config import Period
from threec_helpers.errors import InputError, ParameterError
from threec_helpers.measures.value import (customer_value, period_bounds, profit_decomposition, to_cents, whale_curve,
                                  whale_summary)

P2025 = Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def tables():
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "status": ["active"] * 3 + ["prospect"]})
    tx = pd.DataFrame({
        "date": pd.to_datetime(["2025-01-01", "2025-12-31", "2024-12-31", "2025-06-01", "2026-01-01"]),
        "customer_id": ["a", "a", "a", "b", "c"],
        "amount": [100.0, 200.0, 999.0, 50.0, 70.0],
        "cost": [60.0, None, 1.0, 20.0, 10.0],
    })
    cts = pd.DataFrame({"customer_id": ["a", "b", "b", "c"], "period": ["2025", "2025", "2025", "2024"],
                        "cost": [40.0, 25.0, 15.0, 99.0]})
    return {"customers": customers, "transactions": tx, "cost_to_serve": cts}


def test_customer_value_hand_checked(tables):
    v = customer_value(tables, P2025).set_index("customer_id")
    # a: 2025-01-01 and 2025-12-31 are both inside (end day included); the 2024 line is not.
    #    revenue 100 + 200 = 300; cogs 60 + 0 (empty cost = 0) = 60; margin 240; cts 40 -> 200
    assert v.loc["a"].tolist() == [300.0, 60.0, 240.0, 40.0, 200.0, 2]
    # b: revenue 50, cogs 20, margin 30, cts 25 + 15 = 40 -> -10
    assert v.loc["b"].tolist() == [50.0, 20.0, 30.0, 40.0, -10.0, 1]
    # c: its only sale is 2026-01-01 (outside) and its cost row is for 2024 -> all zero
    assert v.loc["c", "revenue"] == 0 and v.loc["c", "net_profit"] == 0
    assert list(v.index) == ["a", "b", "c", "d"]


def test_period_bounds_and_errors(tables):
    assert period_bounds(start="2025-03-01", end="2025-03-31") == (pd.Timestamp("2025-03-01"),
                                                                   pd.Timestamp("2025-04-01"))
    with pytest.raises(ParameterError):
        period_bounds(start="2025-03-31", end="2025-03-01")
    bad = dict(tables, transactions=tables["transactions"].assign(customer_id=["a", "a", "zz", "b", "c"]))
    with pytest.raises(InputError, match="zz"):
        customer_value(bad, P2025)


def test_profit_decomposition_seed_identity():
    # profits 500, 120.5, -80, -20.25, 0: profitable 620.50, losses 100.25, operating 520.25
    d = profit_decomposition(pd.DataFrame({"net_profit": [500.0, 120.5, -80.0, -20.25, 0.0]}))
    assert d["profit_from_profitable"] == 620.5
    assert d["loss_from_unprofitable"] == 100.25
    assert d["operating_profit"] == 520.25
    assert (d["n_profitable"], d["n_unprofitable"], d["n_zero"]) == (2, 2, 1)
    assert d["loss_share_of_gross_profit"] == pytest.approx(100.25 / 620.5)


def test_whale_curve_hand_checked():
    v = pd.DataFrame({"customer_id": ["e", "d", "c", "b", "a"], "net_profit": [-30.0, 0.0, 40.0, 40.0, 100.0],
                      "revenue": [10.0, 0.0, 5.0, 5.0, 9.0]})
    c = whale_curve(v)  # d has no revenue and no profit: left out when served_only
    # ranked: a 100, b 40 (tie with c, id b < c), c 40, e -30
    assert c["customer_id"].tolist() == ["a", "b", "c", "e"]
    assert c["cum_profit"].tolist() == [100.0, 140.0, 180.0, 150.0]
    s = whale_summary(c)
    # peak 180 = 120% of total 150, reached after 3 of 4 customers; 1 of 4 destroys value (30)
    assert s["peak_pct"] == pytest.approx(1.2)
    assert s["peak_customer_share"] == 0.75
    assert s["value_destroyer_share"] == 0.25
    assert s["value_destroyed"] == 30.0
    assert len(whale_curve(v, served_only=False)) == 5


def test_whale_all_losses():
    s = whale_summary(whale_curve(pd.DataFrame({"customer_id": ["a", "b"], "net_profit": [-1.0, -2.0]}),
                                  served_only=False))
    assert s["peak_profit"] == 0 and s["peak_customer_share"] == 0 and math.isnan(s["peak_pct"])


money = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False).map(lambda x: round(x, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(money, min_size=1, max_size=60))
def test_property_decomposition_and_whale_end(profits):
    v = pd.DataFrame({"customer_id": [f"c{i:03d}" for i in range(len(profits))], "net_profit": profits})
    d = profit_decomposition(v)
    cents = to_cents(profits)
    # exact identity in cents: profitable - losses == operating == sum of the column
    assert round(d["profit_from_profitable"] * 100) - round(d["loss_from_unprofitable"] * 100) \
        == round(d["operating_profit"] * 100) == int(cents.sum())
    c = whale_curve(v, served_only=False)
    assert round(c["cum_profit"].iloc[-1] * 100) == int(cents.sum())  # the curve ends at total profit
    assert (np.diff(c["profit"].to_numpy()) <= 0).all()  # ranked by profit
    s = whale_summary(c)
    assert s["peak_profit"] >= max(0.0, d["operating_profit"]) - 1e-9
    assert s["peak_profit"] == pytest.approx(d["profit_from_profitable"])
