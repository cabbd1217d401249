"""Curry pyramid, tier summary and migration: hand-checked examples and properties."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threec_helpers.inputs.config import Period, PyramidThresholds
from threec_helpers.measures.pyramid import (ACTIVE_TIERS, TIERS, assign_tiers, migration_class, migration_effect,
                                    migration_matrix, pyramid, tier_label, tier_sizes, tier_summary)


def test_tier_sizes_rule():
    # ceil of cumulative shares: A=150 -> ceil(1.5)=2, ceil(7.5)=8 (big 6), ceil(30)=30 (medium 22), small 120
    assert tier_sizes(150) == {"top": 2, "big": 6, "medium": 22, "small": 120}
    assert tier_sizes(100) == {"top": 1, "big": 4, "medium": 15, "small": 80}
    assert tier_sizes(1) == {"top": 1, "big": 0, "medium": 0, "small": 0}
    assert tier_sizes(0) == {"top": 0, "big": 0, "medium": 0, "small": 0}
    # A=10 with client cut-offs 10/20/30%: ceil(1)=1, ceil(3)=3, ceil(6)=6
    assert tier_sizes(10, PyramidThresholds(0.1, 0.2, 0.3)) == {"top": 1, "big": 2, "medium": 3, "small": 4}


def test_assign_tiers_20_active_with_ties():
    # 20 active customers a00..a19 with revenue 200, 190, ..., 10 except a03 and a04 tied at 160.
    # A=20: top ceil(0.2)=1, top+big ceil(1.0)=1 (no big), top+big+medium ceil(4)=4 -> medium 3, small 16.
    rev = [200.0 - 10 * i for i in range(20)]
    rev[4] = rev[3] = 160.0
    f = pd.DataFrame({"customer_id": [f"a{i:02d}" for i in range(20)], "revenue": rev,
                      "bought_before": True, "status": "active"})
    # add an inactive (bought, no recent revenue), a lapsing one (no revenue in period but in window),
    # a prospect and a suspect
    extra = pd.DataFrame({"customer_id": ["x1", "x2", "x3", "x4"], "revenue": 0.0,
                          "recent_revenue": [0.0, 5.0, 0.0, 0.0], "bought_before": [True, True, False, False],
                          "status": ["inactive", "active", "prospect", "suspect"]})
    f = pd.concat([f.assign(recent_revenue=f["revenue"]), extra], ignore_index=True)
    tiers = assign_tiers(f).astype(str).tolist()
    assert tiers[0] == "top"
    assert tiers[1:4] == ["medium"] * 3  # a01 (190), a02 (180), a03 (160, wins the tie with a04 by id)
    assert tiers[4] == "small"  # a04: same revenue as a03, later id
    assert tiers[4:20] == ["small"] * 16
    assert tiers[20:] == ["inactive", "small", "prospect", "suspect"]


def test_pyramid_from_tables_and_first_purchase_after_end():
    cust = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                         "status": ["active", "inactive", "active", "prospect", "active"],
                         "first_purchase": pd.to_datetime([None, "2019-01-01", None, None, None])})
    tx = pd.DataFrame({"date": pd.to_datetime(["2025-05-01", "2026-02-01", "2023-06-01"]),
                       "customer_id": ["a", "c", "e"], "amount": [10.0, 5.0, 7.0]})
    p = Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    got = pyramid({"customers": cust, "transactions": tx}, p).set_index("customer_id")["tier"].astype(str)
    # a: active -> top; b: first purchase 2019 (no transactions) -> inactive;
    # c: status active but first sale in 2026 -> prospect at 2025; d: prospect; e: last sale 2023 -> inactive
    assert got.to_dict() == {"a": "top", "b": "inactive", "c": "prospect", "d": "prospect", "e": "inactive"}


def test_tier_summary_hand_checked():
    tb = pd.DataFrame({"tier": ["top", "big", "small", "small", "inactive", "prospect"],
                       "revenue": [500.0, 300.0, 150.0, 50.0, 0.0, 0.0],
                       "net_profit": [200.0, 100.0, -20.0, -30.0, -10.0, 0.0],
                       "satisfaction": [5.0, np.nan, 4.0, 2.0, 1.0, np.nan]})
    s = tier_summary(tb, lang="en")
    assert list(s.index) == list(TIERS)
    # revenue total 1000 -> top 50%, small 20%; profit total 240 -> top 200/240
    assert s.loc["top", "revenue_share"] == 0.5 and s.loc["small", "revenue_share"] == 0.2
    assert s.loc["top", "profit_share"] == pytest.approx(200 / 240)
    assert s.loc["small", "profit"] == -50.0
    assert s.loc["small", "avg_satisfaction"] == 3.0  # (4 + 2) / 2
    assert np.isnan(s.loc["big", "avg_satisfaction"]) and s.loc["big", "n_satisfaction"] == 0
    # customer share among the 4 active customers
    assert s.loc["small", "customer_share"] == 0.5 and np.isnan(s.loc["inactive", "customer_share"])
    assert s.loc["medium", "customers"] == 0
    assert s.loc["top", "label"] == "Top" and tier_label("small", "zh") == "小客户"


def test_migration_class_and_matrix_and_effect():
    tb = pd.DataFrame({
        "previous_tier": ["small", "top", "prospect", "big", "inactive", "medium", "suspect", "small"],
        "tier":          ["big", "medium", "small", "inactive", "small", "medium", "suspect", "small"],
        "revenue_prev":  [10.0, 100.0, 0.0, 50.0, 0.0, 30.0, 0.0, 5.0],
        "revenue":       [40.0, 60.0, 8.0, 0.0, 6.0, 35.0, 0.0, 4.0],
    })
    tb["migration"] = migration_class(tb["previous_tier"], tb["tier"])
    assert tb["migration"].tolist() == ["up", "down", "new", "lost", "up", "stay", "stay", "stay"]
    m = migration_matrix(tb)
    assert m.loc["small", "big"] == 1 and m.loc["small", "small"] == 1 and m.loc["top", "medium"] == 1
    assert m.to_numpy().sum() == 8
    r = migration_matrix(tb, value="revenue")
    assert r.loc["top", "medium"] == 60.0
    e = migration_effect(tb, lang="en")
    # up: (40 - 10) + (6 - 0) = 36; down: 60 - 100 = -40; new: +8; lost: -50; stay: (35-30)+(0)+(4-5) = 4
    assert e["revenue_change"].to_dict() == {"up": 36.0, "stay": 4.0, "down": -40.0, "new": 8.0, "lost": -50.0,
                                             "total": -42.0}
    assert e.loc["total", "revenue_prev"] == 195.0 and e.loc["total", "revenue"] == 153.0


tier_st = st.sampled_from(list(TIERS))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6, allow_nan=False), st.booleans(),
                          st.sampled_from(["active", "inactive", "prospect", "suspect"])), min_size=1, max_size=80),
       st.sampled_from([(0.01, 0.04, 0.15), (0.1, 0.2, 0.3), (0.0, 0.5, 0.5), (0.2, 0.0, 0.0)]))
def test_property_tiers_partition(rows, shares):
    f = pd.DataFrame(rows, columns=["revenue", "bought_before", "status"])
    f["customer_id"] = [f"c{i:03d}" for i in range(len(f))]
    th = PyramidThresholds(*shares)
    tiers = assign_tiers(f, th).astype(str)
    assert tiers.isin(TIERS).all() and len(tiers) == len(f)  # every customer in exactly one tier
    active = f["revenue"] > 0
    assert (tiers[active].isin(ACTIVE_TIERS)).all() and not tiers[~active & ~f["bought_before"]].isin(
        ACTIVE_TIERS).any()
    sizes = tier_sizes(int(active.sum()), th)
    for t_ in ACTIVE_TIERS:
        assert (tiers == t_).sum() == sizes[t_]
    # a higher tier never has less revenue than a lower one
    order = {t_: i for i, t_ in enumerate(TIERS)}
    r = f.loc[active, "revenue"].to_numpy()
    k = tiers[active].map(order).to_numpy()
    for a in range(4):
        for b in range(a + 1, 4):
            if (k == a).any() and (k == b).any():
                assert r[k == a].min() >= r[k == b].max()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(tier_st, tier_st), min_size=1, max_size=60))
def test_property_migration_matrix_totals(pairs):
    tb = pd.DataFrame(pairs, columns=["previous_tier", "tier"])
    m = migration_matrix(tb)
    assert (m.sum(axis=1) == tb["previous_tier"].value_counts().reindex(list(TIERS), fill_value=0)).all()
    assert (m.sum(axis=0) == tb["tier"].value_counts().reindex(list(TIERS), fill_value=0)).all()
    cls = migration_class(tb["previous_tier"], tb["tier"])
    assert cls.isin(["up", "stay", "down", "new", "lost"]).all()
    assert ((cls == "stay") == (tb["previous_tier"] == tb["tier"])).all()
