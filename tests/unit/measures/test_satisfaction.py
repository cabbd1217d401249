"""Satisfaction measures: published reference values and hand-checked examples."""

import numpy as np
import pandas as pd
import pytest

from threec_helpers.measures.satisfaction import (crm_chain, latest_answers, mean_ci, nps, satisfaction_band,
                                         satisfaction_summary, satisfied_but_leaving, spearman_ci,
                                         wilson_interval)


@pytest.mark.parametrize("k, n, lo, hi", [
    # Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion: comparison of seven
    # methods", Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no continuity correction)
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
    # textbook 8 of 10 -> [0.490, 0.943] (Wilson 1927 formula, z = 1.95996)
    (8, 10, 0.4902, 0.9433),
])
def test_wilson_reference(k, n, lo, hi):
    got = wilson_interval(k, n)
    assert float(got[0]) == pytest.approx(lo, abs=5e-5) and float(got[1]) == pytest.approx(hi, abs=5e-5)


def test_wilson_n_zero_is_nan():
    lo, hi = wilson_interval([0], [0])
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_mean_ci_hand_checked():
    # 3,4,5,4,4: mean 4, sd sqrt(2/4) = 0.7071, se 0.3162, t(0.975, 4) = 2.7764 -> +-0.878
    r = mean_ci([3, 4, 5, 4, 4, None])
    assert r["n"] == 5 and r["mean"] == 4.0
    assert r["ci_low"] == pytest.approx(3.1220, abs=1e-4) and r["ci_high"] == pytest.approx(4.8780, abs=1e-4)


def test_nps_reichheld_definition_and_ci():
    # Reichheld (2003), HBR "The One Number You Need to Grow": promoters 9-10, detractors 0-6.
    # 10,9,9,8,7,6,3,10,10,5: promoters 5/10, detractors 3/10 (6, 3, 5), passives 2 -> NPS = 20
    # var = (0.5 + 0.3 - 0.2^2) / 10 = 0.076; half-width = 100 * 1.96 * sqrt(0.076) = 54.03
    r = nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 5])
    assert r["nps"] == pytest.approx(20.0) and r["passives"] == pytest.approx(0.2)
    assert r["ci_low"] == pytest.approx(20 - 54.033, abs=1e-2) and r["ci_high"] == pytest.approx(20 + 54.033, abs=1e-2)
    # all promoters: NPS 100, variance 0, interval clipped at 100
    assert nps([9, 10, 10])[["nps", "ci_low", "ci_high"]].tolist() == [100.0, 100.0, 100.0]


@pytest.mark.parametrize("bad", [[10, 11], [-1, 5], [8.5, 9], [np.inf, 9], [9, 10, 6.000001]])
def test_nps_refuses_answers_off_the_0_to_10_whole_number_scale(bad):
    """Reichheld (2003), HBR "The One Number You Need to Grow": the question is answered on
    an 11-point scale, 0 to 10. An 11, a -1 or an 8.5 (an average, or another scale) has no
    promoter/detractor meaning; it is refused in both languages rather than counted."""
    from threec_helpers.errors import ParameterError

    with pytest.raises(ParameterError, match="whole numbers from 0 to 10") as info:
        nps(bad)
    assert "0 至 10 的整数" in info.value.message("zh")
    assert "whole numbers from 0 to 10" in info.value.message("en")
    assert nps([0, 10, None, np.nan])["n"] == 2  # the ends of the scale and missing are fine


def test_spearman_fisher_ci_hand_checked():
    # pairs swapped two by two: sum d^2 = 10, rho = 1 - 6*10/(10*99) = 31/33 = 0.939394
    # z = atanh(31/33) = ln(32)/2 = 1.732868; se = sqrt(1.06 / 7) = 0.389138 (Fieller, Hartley & Pearson
    # 1957); z -+ 1.959964 * se = 0.970170, 2.495566; tanh -> [0.74878, 0.98650]
    r = spearman_ci(range(1, 11), [2, 1, 4, 3, 6, 5, 8, 7, 10, 9])
    assert r["rho"] == pytest.approx(31 / 33, abs=1e-12)
    assert r["ci_low"] == pytest.approx(0.74878, abs=1e-5) and r["ci_high"] == pytest.approx(0.98650, abs=1e-5)
    # Bonett & Wright (2000): se = sqrt((1 + rho^2/2) / 7) = 0.453751 -> tanh(0.843532), tanh(2.622204)
    # = [0.68768, 0.98950]
    b = spearman_ci(range(1, 11), [2, 1, 4, 3, 6, 5, 8, 7, 10, 9], method="bonett-wright")
    assert b["ci_low"] == pytest.approx(0.68768, abs=1e-5) and b["ci_high"] == pytest.approx(0.98950, abs=1e-5)
    assert np.isnan(spearman_ci([1, 2, 3], [1, 2, 3])["ci_low"])  # n < 4


def test_bands():
    assert satisfaction_band(pd.Series([1.0, 2.5, 3.0, 3.99, 4.0, 5.0, np.nan])).astype(str).tolist() == [
        "dissatisfied", "dissatisfied", "neutral", "neutral", "satisfied", "very_satisfied", "no_answer"]


def test_latest_answers_by_date_then_wave():
    s = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"], "wave": ["2024", "2025", "2026", "2024", "2025"],
                      "date": pd.to_datetime(["2024-05-01", "2025-05-01", "2026-05-01", None, None]),
                      "satisfaction": [2.0, 4.0, 1.0, 3.0, 5.0], "recommend": [5.0, 9.0, 0.0, 7.0, 10.0],
                      "preferred_supplier": pd.array([False, True, False, False, True], dtype="boolean"),
                      "share_of_need": [0.1, 0.4, 0.2, 0.3, 0.6]})
    got = latest_answers(s, pd.Index(["a", "b", "c"]), end="2025-12-31")
    # a: the 2026 answer is after the end -> 2025 wave; b: undated, latest wave 2025; c: never answered
    assert got["satisfaction"].tolist()[:2] == [4.0, 5.0] and np.isnan(got["satisfaction"][2])
    assert got["survey_wave"].tolist()[:2] == ["2025", "2025"]
    assert got["preferred_supplier"].tolist()[:2] == [True, True] and pd.isna(got["preferred_supplier"][2])
    assert latest_answers(s, pd.Index(["a", "b", "c"]), wave="2024")["satisfaction"].tolist()[:2] == [2.0, 3.0]


def test_satisfaction_summary_hand_checked():
    f = pd.DataFrame({"segment": ["x"] * 5 + ["y"] * 3,
                      "satisfaction": [5, 4, 4, 3, 2, 1, 5, None],
                      "recommend": [10, 9, 7, 6, 2, 0, 9, 10],
                      "preferred_supplier": pd.array([True, True, False, False, None, False, True, True],
                                                     dtype="boolean")})
    r = satisfaction_summary(f, by="segment")
    x = r.loc["x"]
    # x: CSAT (5+4+4+3+2)/5 = 3.6; distribution 1:0 2:.2 3:.2 4:.4 5:.2; top-2-box 3/5
    # NPS: promoters 10, 9 (2/5), detractors 6, 2 (2/5) -> 0; preferred 2 of 4 answered
    assert x["n"] == 5 and x["csat"] == pytest.approx(3.6)
    assert [x[f"share_{k}"] for k in range(1, 6)] == pytest.approx([0, 0.2, 0.2, 0.4, 0.2])
    assert x["top2box"] == 0.6 and x["nps"] == pytest.approx(0.0) and x["preferred"] == 0.5
    assert x["n_preferred"] == 4 and bool(x["small_sample"])
    y = r.loc["y"]
    # y: satisfaction 1, 5 (one missing) -> n 2, mean 3; recommend 0, 9, 10 -> (2 - 1) / 3 = 33.3
    assert y["n"] == 2 and y["csat"] == 3.0 and y["nps"] == pytest.approx(100 / 3)


@pytest.fixture
def chain_table():
    return pd.DataFrame({
        "customer_id": list("abcdefgh"),
        "satisfaction": [5, 5, 4, 4, 3, 2, 1, np.nan],
        "tier": ["top", "big", "small", "inactive", "small", "inactive", "small", "small"],
        "previous_tier": ["top", "big", "big", "small", "small", "small", "small", "prospect"],
        "revenue": [120.0, 60.0, 30.0, 0.0, 20.0, 0.0, 5.0, 8.0],
        "revenue_prev": [100.0, 50.0, 60.0, 40.0, 20.0, 10.0, 10.0, 0.0],
        "net_profit": [40.0, 20.0, 5.0, -2.0, 3.0, -1.0, -3.0, 1.0],
        "share_of_customer": [0.8, 0.6, 0.4, np.nan, 0.3, 0.2, 0.1, np.nan],
    })


def test_crm_chain_hand_checked(chain_table):
    c = crm_chain(chain_table, lang="en")
    b = c.bands
    # very satisfied (a, b): both active before and now -> retention 1; share (0.8 + 0.6) / 2 = 0.7;
    #   revenue 180 vs 150 -> +20%; profit 60, avg 30
    assert b.loc["very_satisfied", ["base", "retained", "retention"]].tolist() == [2, 2, 1.0]
    assert b.loc["very_satisfied", "share_of_customer"] == pytest.approx(0.7)
    assert b.loc["very_satisfied", "revenue_change_pct"] == pytest.approx(0.2)
    assert b.loc["very_satisfied", "avg_profit"] == 30.0
    # satisfied (c, d): d went inactive -> retention 1/2; revenue 30 vs 100 -> -70%
    assert b.loc["satisfied", "retention"] == 0.5
    assert b.loc["satisfied", "revenue_change_pct"] == pytest.approx(-0.7)
    # dissatisfied (f = 2, g = 1): f inactive -> 1/2; no answer (h) was a prospect: base 0 -> NaN
    assert b.loc["dissatisfied", "retention"] == 0.5 and np.isnan(b.loc["no_answer", "retention"])
    r = c.correlations
    assert set(r.index) == {"retained", "revenue_change_pct", "share_of_customer", "net_profit"}
    # share of customer rises strictly with satisfaction among the 6 with both -> rho = 1 up to ties (5,5)
    assert r.loc["share_of_customer", "rho"] > 0.9 and r.loc["share_of_customer", "n"] == 6


def test_satisfied_but_leaving(chain_table):
    got = satisfied_but_leaving(chain_table)
    # c: satisfaction 4, revenue 60 -> 30 (-50%) falling; d: satisfaction 4, was small, now inactive.
    # Order by revenue lost: d (40) before c (30). a, b grew; e is neutral (3).
    assert got["customer_id"].tolist() == ["d", "c"]
    assert got["leaving_reason"].tolist() == ["not_active", "falling"]
    assert got["revenue_change_pct"].tolist() == [-1.0, -0.5]
    # stricter: only a fall of 60% or more -> c no longer flagged
    assert satisfied_but_leaving(chain_table, max_revenue_change=-0.6)["customer_id"].tolist() == ["d"]
    # satisfaction >= 5 only -> none
    assert satisfied_but_leaving(chain_table, min_satisfaction=5).empty
