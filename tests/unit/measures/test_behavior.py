"""Customer behavior measures: hand-checked examples."""

import numpy as np
import pandas as pd
import pytest

from threec_helpers.measures.behavior import (cohort_matrix, cohort_retention, preferred_supplier_rate, revenue_per_period,
                                     rfm, rfm_scores, share_of_customer, tenure_months)


@pytest.fixture
def tables():
    tx = pd.DataFrame({
        "date": pd.to_datetime(["2023-02-10", "2023-11-30", "2024-03-01", "2024-03-15", "2023-06-01",
                                "2024-12-31", "2024-07-01", "2025-01-02"]),
        "customer_id": ["a", "a", "a", "a", "b", "c", "d", "d"],
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0],
    })
    return {"customers": pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"]}), "transactions": tx}


def test_revenue_per_period_yearly_and_explicit(tables):
    y = revenue_per_period(tables, "Y")
    # 2023: a 10+20=30 (2 lines), b 50; 2024: a 30+40=70, c 60, d 70; 2025: d 80
    assert y.values.tolist() == [["a", "2023", 30.0, 2], ["b", "2023", 50.0, 1], ["a", "2024", 70.0, 2],
                                 ["c", "2024", 60.0, 1], ["d", "2024", 70.0, 1], ["d", "2025", 80.0, 1]]
    q = revenue_per_period(tables, "Q")
    assert q.loc[q.customer_id == "a", "period"].tolist() == ["2023Q1", "2023Q4", "2024Q1"]


def test_rfm_hand_checked(tables):
    r = rfm(tables, start="2024-01-01", end="2024-12-31").set_index("customer_id")
    # recency to 2024-12-31: a last 2024-03-15 -> 291 days; b last 2023-06-01 -> 579 days; c 0; d 183
    assert r["recency_days"].tolist()[:4] == [291.0, 579.0, 0.0, 183.0]
    assert np.isnan(r.loc["e", "recency_days"])
    assert r["frequency"].tolist() == [2, 0, 1, 1, 0]
    assert r["monetary"].tolist() == [70.0, 0.0, 60.0, 70.0, 0.0]
    # scores among a, c, d (3 buyers, 5 levels): recency ranks desc a=1,d=2,c=3 -> pct 1/3,2/3,1 -> 2,4,5
    # frequency a=2 top (pct 1 -> 5), c,d tied at average rank 1.5 -> 0.5 -> 3
    # monetary c=60 (1/3 -> 2), a,d tied at 70 -> rank 2.5 -> 0.833 -> 5
    assert r.loc[["a", "c", "d"], "rfm"].tolist() == ["255", "532", "435"]
    assert pd.isna(r.loc["b", "r_score"])


def test_rfm_scores_quintiles():
    f = pd.DataFrame({"recency_days": range(10), "frequency": range(1, 11), "monetary": range(10)})
    s = rfm_scores(f)
    # 10 distinct values -> two customers per quintile
    assert s["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert s["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_tenure_months():
    out = tenure_months(pd.to_datetime(["2025-01-01", "2024-01-01", None]),
                        pd.to_datetime(["2025-07-01", "2024-04-01", None]), "2025-12-31", [True, False, True])
    # 364 days / 30.4375 = 11.959; inactive: 2024-01-01 -> 2024-04-01 = 91 days -> 2.990
    assert out[0] == pytest.approx(364 / 30.4375) and out[1] == pytest.approx(91 / 30.4375)
    assert np.isnan(out[2])


def test_cohort_retention_hand_checked(tables):
    c = cohort_retention(tables, "Y")
    # cohorts by first purchase year: 2023 = {a, b}, 2024 = {c, d}
    # 2023 cohort: 2023 both active; 2024 only a -> retention 0.5, churn 1 - 1/2; 2025 none -> 0, churn 1
    # 2024 cohort: 2024 both; 2025 d -> 0.5, churn 0.5
    got = c[["cohort", "period", "age", "cohort_size", "active", "retention", "churn"]].values.tolist()
    exp = [["2023", "2023", 0, 2, 2, 1.0, np.nan], ["2023", "2024", 1, 2, 1, 0.5, 0.5],
           ["2023", "2025", 2, 2, 0, 0.0, 1.0],
           ["2024", "2024", 0, 2, 2, 1.0, np.nan], ["2024", "2025", 1, 2, 1, 0.5, 0.5]]
    assert len(got) == len(exp)
    for g, e in zip(got, exp):
        assert g[:6] == e[:6]
        assert (np.isnan(g[6]) and np.isnan(e[6])) or g[6] == e[6]
    m = cohort_matrix(c)
    assert m.loc["2023"].tolist() == [1.0, 0.5, 0.0] and np.isnan(m.loc["2024", 2])
    # with an end date the 2025 sale of d is ignored
    assert "2025" not in set(cohort_retention(tables, "Y", end="2024-12-31")["period"])


def test_share_of_customer_sources():
    s = share_of_customer([50.0, 50.0, 50.0, 300.0, 10.0], [200.0, 200.0, None, 100.0, 0.0],
                          [0.3, None, None, None, None], period_days=365.25 / 2)
    # survey first (0.3); else revenue / (yearly potential x half a year): 50 / 100 = 0.5; 300 / 50 capped at 1
    assert s["share_of_customer"].tolist()[:2] == [0.3, 0.5] and s["share_of_customer"][3] == 1.0
    assert np.isnan(s["share_of_customer"][2]) and np.isnan(s["share_of_customer"][4])
    assert s["share_source"].tolist()[:2] == ["survey", "potential"]


def test_preferred_supplier_rate_by_group():
    f = pd.DataFrame({"tier": ["top"] * 10 + ["small"] * 4,
                      "preferred_supplier": pd.array([True] * 8 + [False] * 2 + [True, None, False, False],
                                                     dtype="boolean")})
    r = preferred_supplier_rate(f, by="tier")
    # top: 8 of 10 -> Wilson 95% [0.490, 0.943] (textbook value, see test_satisfaction)
    assert r.loc["top", "rate"] == 0.8 and r.loc["top", "ci_low"] == pytest.approx(0.4902, abs=1e-4)
    # small: 1 of 3 answered (the missing answer is left out)
    assert r.loc["small", "n"] == 3 and r.loc["small", "rate"] == pytest.approx(1 / 3)


def test_cohort_retention_reuses_prepared_transactions_of_the_same_tables_only(tables):
    from threec_helpers.measures.customer_table import prepare_customers
    from threec_helpers.errors import ParameterError

    prepared = prepare_customers(tables)
    for freq in ("Y", "Q", "M"):
        pd.testing.assert_frame_equal(cohort_retention(tables, freq, prepared=prepared), cohort_retention(tables, freq))
    with pytest.raises(ParameterError, match="same tables"):
        cohort_retention(dict(tables, transactions=tables["transactions"].copy()), "Y", prepared=prepared)
