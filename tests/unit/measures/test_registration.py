"""Data-quality profile and customer-data quality score, on a hand-checked example."""

import datetime as dt

import pandas as pd
import pytest

from threec_helpers.inputs.config import Period
from threec_helpers.measures.registration import (
    column_completeness,
    data_quality_profile,
    freshness_score,
    status_consistency,
)

PERIOD = Period("FY2025", dt.date(2024, 11, 1), dt.date(2025, 10, 31))


def tables():
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D"],
        "status": ["active", "active", "inactive", "prospect"],
        "first_purchase": pd.to_datetime(["2024-12-01", "2023-01-10", "2023-05-05", None]),
    })
    transactions = pd.DataFrame({
        "customer_id": ["A", "B", "C"],
        "date": pd.to_datetime(["2024-12-01", "2023-01-10", "2023-05-05"]),
        "amount": [100.0, 200.0, 50.0],
    })
    surveys = pd.DataFrame({"customer_id": ["A"], "wave": ["w1"], "satisfaction": [4.0]})
    return {"customers": customers, "transactions": transactions, "surveys": surveys}


def test_status_consistency_hand_checked():
    t = tables()
    end = pd.Timestamp("2025-10-31")
    ok = status_consistency(t["customers"], t["transactions"], end, 12)
    # A bought 2024-12-01, within 12 months of 2025-10-31 -> active: consistent
    # B last bought 2023-01-10 -> should be inactive, is "active": inconsistent
    # C last bought 2023-05-05 -> inactive: consistent; D never bought, prospect: consistent
    assert ok.to_dict() == {"A": True, "B": False, "C": True, "D": True}


def test_freshness_is_linear_between_31_and_365_days():
    end = pd.Timestamp("2025-10-31")
    assert freshness_score(end - pd.Timedelta(days=10), end) == 1.0
    assert freshness_score(end - pd.Timedelta(days=365), end) == 0.0
    assert freshness_score(end - pd.Timedelta(days=198), end) == pytest.approx(0.5)  # (198-31)/334 = 0.5
    assert freshness_score(None, end) == 0.0


def test_information_score_hand_checked():
    p = data_quality_profile(tables(), PERIOD, inactive_months=12)
    cols = column_completeness(tables())
    # completeness: mean filled share over all contract columns of customers (7), transactions (7), surveys (7)
    assert p.components["completeness"] == pytest.approx(cols["filled"].mean())
    # newest transaction 2024-12-01 is 334 days before 2025-10-31 -> 1 - (334-31)/334
    assert p.components["freshness"] == pytest.approx(1 - 303 / 334)
    assert p.components["consistency"] == pytest.approx(0.75)
    # active in FY2025: only A, which was surveyed -> coverage 1
    assert p.components["coverage"] == 1.0
    expected = 100 * (0.4 * p.components["completeness"] + 0.2 * (1 - 303 / 334) + 0.2 * 0.75 + 0.2 * 1.0)
    assert p.score == pytest.approx(expected)


def test_unmeasurable_components_are_left_out():
    t = tables()
    p = data_quality_profile({"customers": t["customers"]}, PERIOD)
    assert set(p.components) == {"completeness"}
    assert p.score == pytest.approx(100 * p.components["completeness"])


def test_first_purchase_before_the_history_is_consistent():
    customers = pd.DataFrame({"customer_id": ["A", "B"], "status": ["active", "active"],
                              "first_purchase": pd.to_datetime(["2016-03-01", "2025-06-01"])})
    tx = pd.DataFrame({"customer_id": ["A", "B"], "date": pd.to_datetime(["2025-01-05", "2025-05-01"]),
                       "amount": [1.0, 1.0]})
    ok = status_consistency(customers, tx, pd.Timestamp("2025-10-31"), 12)
    # A: 2016 is before the history (starts 2025-01-05) and before A's first transaction: consistent.
    # B: 2025-06-01 is inside the history but after B's first transaction 2025-05-01: inconsistent.
    assert ok.to_dict() == {"A": True, "B": False}
