"""Problems and opportunities list: each rule on a hand-made customer table."""

import numpy as np
import pandas as pd
import pytest

from threec_helpers.measures.opportunities import OpportunityParams, opportunity_customers, problems_and_opportunities


@pytest.fixture
def table():
    rows = [
        # id, tier, prev tier, migration, revenue, revenue_prev, net_profit, cost_to_serve, satisfaction,
        # share, potential, segment, historical_value
        ("t1", "top", "top", "stay", 1000.0, 1300.0, 200.0, 50.0, 2.0, 0.9, np.nan, "retail", 5000.0),
        ("t2", "top", "top", "stay", 900.0, 800.0, -30.0, 300.0, 5.0, 0.3, np.nan, "retail", 4000.0),
        ("b1", "big", "big", "stay", 500.0, 700.0, 80.0, 40.0, 3.0, np.nan, np.nan, "hotel", 2000.0),
        ("m1", "medium", "big", "down", 300.0, 600.0, 50.0, 20.0, 4.0, 0.5, np.nan, "hotel", 1500.0),
        ("m2", "medium", "medium", "stay", 420.0, 400.0, 60.0, 30.0, 4.0, 0.2, np.nan, "retail", 900.0),
        ("s1", "small", "small", "stay", 100.0, 100.0, -40.0, 90.0, np.nan, np.nan, np.nan, "retail", 100.0),
        ("s2", "small", "small", "stay", 120.0, 110.0, -5.0, 20.0, np.nan, np.nan, np.nan, "retail", 50.0),
        ("s3", "small", "medium", "down", 80.0, 350.0, 10.0, 5.0, 5.0, np.nan, np.nan, "retail", 300.0),
        ("i1", "inactive", "medium", "lost", 0.0, 450.0, -10.0, 10.0, 4.0, np.nan, np.nan, "hotel", 1200.0),
        ("i2", "inactive", "inactive", "stay", 0.0, 0.0, 0.0, 0.0, np.nan, np.nan, np.nan, "hotel", 10.0),
        ("p1", "prospect", "prospect", "stay", 0.0, 0.0, 0.0, 0.0, np.nan, np.nan, 800.0, "retail", 0.0),
        ("p2", "prospect", "prospect", "stay", 0.0, 0.0, 0.0, 0.0, np.nan, np.nan, 100.0, "retail", 0.0),
        ("p3", "prospect", "prospect", "stay", 0.0, 0.0, 0.0, 0.0, np.nan, np.nan, 900.0, "hotel", 0.0),
    ]
    cols = ["customer_id", "tier", "previous_tier", "migration", "revenue", "revenue_prev", "net_profit",
            "cost_to_serve", "satisfaction", "share_of_customer", "potential_revenue", "segment",
            "historical_value"]
    tb = pd.DataFrame(rows, columns=cols)
    tb["revenue_change_pct"] = np.where(tb["revenue_prev"] > 0, tb["revenue"] / tb["revenue_prev"] - 1, np.nan)
    return tb


def ids(table, rule):
    return sorted(opportunity_customers(table, rule)["customer_id"])


def test_each_rule(table):
    # Top/Big with revenue change <= -10% and satisfaction <= 3: t1 (-23%, 2), b1 (-28.6%, 3)
    assert ids(table, "big_falling_low_sat") == ["b1", "t1"]
    assert ids(table, "unprofitable_large") == ["t2"]
    # cost-to-serve / revenue of active: .05 .333 .08 .0667 .0714 .9 .1667 .0625 -> 75th pct = 0.2083;
    # unprofitable Small above it: s1 (0.9); s2 (0.167) is not
    assert ids(table, "unprofitable_small_high_cts") == ["s1"]
    # satisfied (>= 4) and leaving: m1 (-50%), s3 (-77%), i1 (inactive); t2 grew, m2 grew
    assert ids(table, "satisfied_but_leaving") == ["i1", "m1", "s3"]
    assert ids(table, "lost_valuable") == ["i1"]
    assert ids(table, "down_migration") == ["m1", "s3"]
    # Top segments: retail; smallest Big revenue 500 -> p1 (retail, 800); p2 too small; p3 hotel
    assert ids(table, "prospects_like_top") == ["p1"]
    # Top/Big/Medium, satisfaction >= 4, share < 50%: t2 (0.3), m2 (0.2); m1 has exactly 0.5
    assert ids(table, "grow_share") == ["m2", "t2"]
    # Medium within 80% of Big floor 500 (>= 400): m2 (420); Small within 80% of Medium floor 300 (>= 240): none
    assert ids(table, "near_upgrade") == ["m2"]
    # inactive with history >= median history of the 8 active (1200): i1 (1200); i2 (10) not
    assert ids(table, "win_back") == ["i1"]


def test_money_and_list(table):
    r = problems_and_opportunities(table, lang="en").set_index("rule")
    # revenue at risk t1 + b1 = 1500 of 3420 total revenue = 43.86%
    assert r.loc["big_falling_low_sat", "money_at_stake"] == 1500.0
    assert r.loc["big_falling_low_sat", "revenue_share"] == pytest.approx(1500 / 3420)
    assert r.loc["big_falling_low_sat", "title"] == ("Top/Big customers with falling revenue and low satisfaction: "
                                                     "2 customers, 43.86% of revenue")
    assert r.loc["unprofitable_large", "money_at_stake"] == 30.0
    # satisfied but leaving: (600-300) + (350-80) + (450-0) = 1020
    assert r.loc["satisfied_but_leaving", "money_at_stake"] == 1020.0
    # grow share: t2 900/0.3 - 900 = 2100; m2 420/0.2 - 420 = 1680 -> 3780
    assert r.loc["grow_share", "money_at_stake"] == pytest.approx(3780.0)
    assert r.loc["near_upgrade", "money_at_stake"] == 80.0
    assert r.loc["prospects_like_top", "money_at_stake"] == 800.0
    assert r.loc["grow_share", "customer_ids"] == ["t2", "m2"]
    kinds = problems_and_opportunities(table)["kind"].tolist()
    assert kinds == sorted(kinds, key=lambda k: k == "opportunity")  # problems first
    zh = problems_and_opportunities(table, lang="zh").set_index("rule")
    assert zh.loc["unprofitable_large", "title"] == "亏损的顶级/大客户：1 位，亏损 ¥30"


def test_params(table):
    p = OpportunityParams(falling=-0.25, low_satisfaction=3.0)
    assert ids_with(table, "big_falling_low_sat", p) == ["b1"]  # t1 fell only 23%


def ids_with(table, rule, params):
    return sorted(opportunity_customers(table, rule, params)["customer_id"])
