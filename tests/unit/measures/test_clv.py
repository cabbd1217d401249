"""Customer lifetime value: hand-checked small cases, properties, bad input, the chart.

The CDNOW reproduction of the published estimates is in ``test_clv_cdnow.py``.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threec_helpers.measures.clv import (
    BetaGeoFitter,
    GammaGammaFitter,
    ParetoNBDFitter,
    customer_lifetime_value,
    historical_value,
    predict_clv,
    retention_clv,
    retention_rate,
    rfm_summary,
    segment_clv,
)
from threec_helpers.errors import ParameterError

os.environ.setdefault("MPLBACKEND", "Agg")

# CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013), used to set up models
BG_CDNOW = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
PNBD_CDNOW = pd.Series({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})
GG_CDNOW = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})


def _model(cls, params):
    m = cls()
    m.params_ = params.copy()
    return m


@pytest.fixture
def toy():
    """Three customers over four calendar weeks of January 2024 (weeks run Monday-Sunday).

    a: Mon 1 (10), Wed 3 (5) | Mon 15 (20), Tue 16 (4)       -> weeks 0, 2
    b: Mon 8 (7)                                              -> week 1
    c: Sun 7 (3) | Mon 8 (6) | Mon 22 (9)                     -> weeks 0, 1, 3
    d: Sat 27 (50)  -- first purchase after the calibration end used below
    """
    rows = [("a", "2024-01-01", 10.0), ("a", "2024-01-03", 5.0), ("a", "2024-01-15", 20.0),
            ("a", "2024-01-16", 4.0), ("b", "2024-01-08", 7.0), ("c", "2024-01-07", 3.0),
            ("c", "2024-01-08", 6.0), ("c", "2024-01-22", 9.0), ("d", "2024-01-27", 50.0)]
    df = pd.DataFrame(rows, columns=["customer", "date", "amount"])
    df["date"] = pd.to_datetime(df["date"])
    return df.sample(frac=1.0, random_state=1)  # order must not matter


# --------------------------------------------------------------------------------------
# rfm_summary by hand
# --------------------------------------------------------------------------------------


def test_rfm_summary_weekly_by_hand(toy):
    s = rfm_summary(toy, "customer", "date", "amount", observation_end="2024-01-28", freq="W")
    assert list(s.index) == ["a", "b", "c", "d"]
    assert list(s.columns) == ["frequency", "recency", "T", "monetary_value"]
    # a: weeks 0 and 2 (15 then 24) -> 1 repeat period, recency 2, age 3, monetary 24
    # b: week 1 only; c: weeks 0, 1, 3 (3, 6, 9); d: week 3 only
    expected = pd.DataFrame(
        {"frequency": [1.0, 0.0, 2.0, 0.0], "recency": [2.0, 0.0, 3.0, 0.0], "T": [3.0, 2.0, 3.0, 0.0],
         "monetary_value": [24.0, 0.0, 7.5, 0.0]},
        index=pd.Index(["a", "b", "c", "d"], name="customer"))
    pd.testing.assert_frame_equal(s, expected, check_index_type=False)


def test_rfm_summary_daily_and_days_over_seven(toy):
    s = rfm_summary(toy, "customer", "date", "amount", observation_end="2024-01-28", freq="D")
    # a: days 1, 3, 15, 16 -> 3 repeats, recency 15, T 27, monetary (5 + 20 + 4) / 3
    assert s.loc["a"].tolist() == pytest.approx([3, 15, 27, 29 / 3])
    assert s.loc["c"].tolist() == pytest.approx([2, 15, 21, 7.5])
    w = rfm_summary(toy, "customer", "date", "amount", observation_end="2024-01-28", freq="D",
                    freq_multiplier=7)
    assert w.loc["a", "recency"] == pytest.approx(15 / 7)
    assert w.loc["a", "T"] == pytest.approx(27 / 7)
    assert w.loc["a", "frequency"] == 3  # frequency is a count, not divided


def test_rfm_summary_calibration_and_holdout_by_hand(toy):
    s = rfm_summary(toy, "customer", "date", "amount", calibration_end="2024-01-14",
                    observation_end="2024-01-28", freq="D")
    assert list(s.index) == ["a", "b", "c"]  # d first bought after the calibration end
    assert list(s.columns) == ["frequency", "recency", "T", "monetary_value", "frequency_holdout",
                               "monetary_value_holdout", "duration_holdout"]
    # a: calibration Jan 1, Jan 3; hold-out Jan 15 (20), Jan 16 (4)
    assert s.loc["a"].tolist() == pytest.approx([1, 2, 13, 5, 2, 12, 14])
    assert s.loc["b"].tolist() == pytest.approx([0, 0, 6, 0, 0, 0, 14])
    # c: calibration Jan 7, 8; hold-out Jan 22 (9)
    assert s.loc["c"].tolist() == pytest.approx([1, 1, 7, 6, 1, 9, 14])


def test_rfm_summary_observation_end_cuts_later_transactions(toy):
    s = rfm_summary(toy, "customer", "date", "amount", observation_end="2024-01-15", freq="D")
    # Jan 15 is included (end dates are inclusive), Jan 16 is not
    assert s.loc["a"].tolist() == pytest.approx([2, 14, 14, 12.5])
    assert "d" not in s.index


def test_rfm_summary_string_dates_formats_and_no_amount(toy):
    as_text = toy.assign(date=toy["date"].dt.strftime("%Y%m%d").astype(int))
    s = rfm_summary(as_text, "customer", "date", None, observation_end="2024-01-28", freq="W",
                    date_format="%Y%m%d")
    assert list(s.columns) == ["frequency", "recency", "T"]
    assert s.loc["c", "frequency"] == 2
    iso = toy.assign(date=toy["date"].dt.strftime("%Y-%m-%d"))
    s2 = rfm_summary(iso, "customer", "date", "amount", observation_end="2024-01-28", freq="W")
    assert s2.loc["a", "monetary_value"] == 24.0


def test_rfm_summary_monthly_and_integer_ids():
    df = pd.DataFrame({"id": [3, 3, 3, 1], "date": pd.to_datetime(["2024-01-31", "2024-02-01", "2024-02-28",
                                                                    "2024-03-15"]),
                       "amount": [1.0, 2.0, 3.0, 4.0]})
    s = rfm_summary(df, "id", "date", "amount", freq="M")
    assert list(s.index) == [1, 3]
    # customer 3: January (1), February (2 + 3) -> 1 repeat, recency 1 month, T 2 months
    assert s.loc[3].tolist() == [1.0, 1.0, 2.0, 5.0]


# --------------------------------------------------------------------------------------
# historical value and retention CLV by hand
# --------------------------------------------------------------------------------------


def test_retention_clv_by_hand():
    # 100 * 0.8 / (1 + 0.1 - 0.8) = 80 / 0.3
    assert retention_clv(100.0, 0.8, 0.1) == pytest.approx(266.6666667)
    # geometric series: sum_{t>=1} 50 * 0.6^t / 1.12^t
    assert retention_clv(50.0, 0.6, 0.12) == pytest.approx(sum(50 * (0.6 / 1.12) ** t for t in range(1, 400)))
    assert retention_clv(100.0, 0.0, 0.1) == 0.0
    np.testing.assert_allclose(retention_clv([100.0, 200.0], [0.5, 0.9], 0.0), [100.0, 1800.0])


@pytest.mark.parametrize("args", [(100, 1.0, 0.1), (100, -0.1, 0.1), (100, 0.5, -0.2), (float("nan"), 0.5, 0.1)])
def test_retention_clv_bad_input(args):
    with pytest.raises(ParameterError):
        retention_clv(*args)


def test_historical_value_by_hand(toy):
    h = historical_value(toy, "customer", "date", "amount", margin_rate=0.5)
    assert h.loc["a", "revenue"] == 39.0
    assert h.loc["a", "margin"] == 19.5
    assert h.loc["a", "transactions"] == 4
    assert h.loc["a", "tenure_days"] == 26  # Jan 1 -> Jan 27, the last date in the data
    assert h.loc["c", "first_purchase"] == pd.Timestamp("2024-01-07")
    h2 = historical_value(toy, "customer", "date", "amount", as_of="2024-01-08")
    assert h2["revenue"].to_dict() == {"a": 15.0, "b": 7.0, "c": 9.0}
    assert h2.loc["a", "tenure_days"] == 7


def test_retention_rate_and_segment_clv_by_hand():
    rows = [("a", "2021-03-01", 100, "x"), ("a", "2022-03-01", 100, "x"), ("a", "2023-03-01", 100, "x"),
            ("b", "2021-06-01", 50, "x"), ("c", "2022-01-01", 80, "y"), ("c", "2023-01-01", 40, "y"),
            ("d", "2022-05-01", 60, "y")]
    tx = pd.DataFrame(rows, columns=["customer", "date", "amount", "segment"])
    tx["date"] = pd.to_datetime(tx["date"])
    # active -> next year: 2021: a (kept), b (lost); 2022: a (kept), c (kept), d (lost); 2023 is last
    r = retention_rate(tx, "customer", "date", freq="Y")
    assert r.loc["all"].tolist() == [5, 3, 0.6]
    rs = retention_rate(tx, "customer", "date", freq="Y", segment_col="segment")
    assert rs.loc["x"].tolist() == [3, 2, pytest.approx(2 / 3)]
    assert rs.loc["y"].tolist() == [2, 1, 0.5]
    out = segment_clv(tx, "customer", "date", "amount", discount_rate=0.1, segment_col="segment",
                      margin_rate=0.5)
    # segment x: revenue 350 over 4 active customer-years -> margin 0.5 * 87.5 = 43.75 a year
    assert out.loc["x", "margin_per_period"] == pytest.approx(43.75)
    assert out.loc["x", "clv"] == pytest.approx(43.75 * (2 / 3) / (1.1 - 2 / 3))
    # segment y: revenue 180 over 3 active customer-years -> 30; r = 0.5 -> 30 * 0.5 / 0.6 = 25
    assert out.loc["y", "clv"] == pytest.approx(25.0)
    assert out.loc["y", "historical_margin_per_customer"] == pytest.approx(45.0)
    fixed = segment_clv(tx, "customer", "date", "amount", discount_rate=0.1, segment_col="segment",
                        retention={"x": 0.8, "y": 0.5})
    assert fixed.loc["x", "clv"] == pytest.approx(87.5 * 0.8 / 0.3)
    with pytest.raises(ParameterError, match="no rate for segment"):
        segment_clv(tx, "customer", "date", "amount", discount_rate=0.1, segment_col="segment",
                    retention={"x": 0.8})


# --------------------------------------------------------------------------------------
# model formulas
# --------------------------------------------------------------------------------------


def test_bgnbd_p_alive_is_one_without_repeat_purchase():
    bgf = _model(BetaGeoFitter, BG_CDNOW)
    p = bgf.conditional_probability_alive([0, 0, 0], [0, 0, 0], [1.0, 20.0, 300.0])
    np.testing.assert_array_equal(p, [1.0, 1.0, 1.0])
    # a repeat buyer who has been silent for a long time is less likely alive
    assert bgf.conditional_probability_alive(3, 5.0, 38.0) < bgf.conditional_probability_alive(3, 35.0, 38.0)


def test_bgnbd_expected_purchases_by_hand():
    bgf = _model(BetaGeoFitter, BG_CDNOW)
    r, alpha, a, b = BG_CDNOW
    # E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))], 2F1 by its series
    t = 39.0
    z = t / (alpha + t)
    term, series = 1.0, 1.0
    for k in range(20000):
        term *= (r + k) * (b + k) / ((a + b - 1 + k) * (k + 1)) * z
        series += term
    expected = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * series)
    assert bgf.expected_number_of_purchases_up_to_time(t) == pytest.approx(expected, rel=1e-9)
    # a new customer (x = 0, T = 0) is the unconditional case
    assert bgf.conditional_expected_number_of_purchases_up_to_time(t, 0, 0, 0) == pytest.approx(expected, rel=1e-9)


def test_pareto_p_alive_matches_numerical_integral():
    from scipy import integrate

    m = _model(ParetoNBDFitter, PNBD_CDNOW)
    r, alpha, s, beta = PNBD_CDNOW
    for x, tx, T in [(0, 0, 38.86), (1, 10.0, 38.86), (5, 30.0, 38.86), (50, 38.0, 38.86), (2, 1.0, 80.0)]:
        alive = (alpha + T) ** -(r + x) * (beta / (beta + T)) ** s
        def density(u, x=x):
            return (alpha + u) ** -(r + x) * s * beta**s * (beta + u) ** -(s + 1)

        dead = integrate.quad(density, tx, T, epsabs=0, epsrel=1e-12)[0]
        assert m.conditional_probability_alive(x, tx, T) == pytest.approx(alive / (alive + dead), rel=1e-8)


def test_pareto_both_branches_of_alpha_beta():
    # alpha >= beta and alpha < beta use different hypergeometric forms; both must agree
    # with the limit alpha == beta
    base = pd.Series({"r": 0.7, "alpha": 10.0, "s": 0.9, "beta": 10.0})
    vals = []
    for eps in (-1e-7, 0.0, 1e-7):
        m = _model(ParetoNBDFitter, base.copy())
        m.params_["beta"] = 10.0 + eps
        vals.append(m.conditional_probability_alive(3, 12.0, 40.0))
    assert vals[0] == pytest.approx(vals[1], rel=1e-6) and vals[2] == pytest.approx(vals[1], rel=1e-6)


def test_gamma_gamma_expected_average_by_hand():
    ggf = _model(GammaGammaFitter, GG_CDNOW)
    p, q, v = GG_CDNOW
    assert ggf.conditional_expected_average_profit() == pytest.approx(v * p / (q - 1))
    # x = 0 -> population mean; x = 2, m = 30 -> (v + 2 * 30) p / (2p + q - 1)
    out = ggf.conditional_expected_average_profit(pd.Series([0, 2], index=["u", "w"]), pd.Series([0.0, 30.0]))
    assert list(out.index) == ["u", "w"]
    assert out["u"] == pytest.approx(v * p / (q - 1))
    assert out["w"] == pytest.approx((v + 60) * p / (2 * p + q - 1))


class _LinearModel:
    """A stand-in purchase model: c purchases per unit of time for everybody."""

    def __init__(self, c):
        self.c = c

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        return self.c * t * np.ones_like(np.asarray(frequency, dtype=float))


def test_customer_lifetime_value_discounting_by_hand():
    # 2 purchases a month worth 10 each, 3 months, 1% a month: 20/1.01 + 20/1.01^2 + 20/1.01^3
    clv = customer_lifetime_value(_LinearModel(2.0), [1.0], [1.0], [2.0], [10.0], time=3,
                                  discount_rate=0.01, freq="M")
    assert clv[0] == pytest.approx(20 / 1.01 + 20 / 1.01**2 + 20 / 1.01**3)
    # weekly unit: a month is 4.345 weeks (lifetimes' table)
    clv_w = customer_lifetime_value(_LinearModel(1.0), [1.0], [1.0], [2.0], [10.0], time=1,
                                    discount_rate=0.0, freq="W")
    assert clv_w[0] == pytest.approx(43.45)


def test_gamma_gamma_clv_uses_expected_spend():
    bgf = _model(BetaGeoFitter, BG_CDNOW)
    ggf = _model(GammaGammaFitter, GG_CDNOW)
    f, r, T, m = pd.Series([2.0, 0.0]), pd.Series([30.43, 0.0]), pd.Series([38.86, 38.86]), pd.Series([22.35, 0.0])
    clv = ggf.customer_lifetime_value(bgf, f, r, T, m, time=12, discount_rate=0.01, freq="W")
    direct = customer_lifetime_value(bgf, f, r, T, ggf.conditional_expected_average_profit(f, m),
                                     time=12, discount_rate=0.01, freq="W")
    pd.testing.assert_series_equal(clv, direct)
    assert (clv > 0).all()
    # undiscounted CLV = expected spend x expected purchases in 12 * 4.345 weeks
    flat = ggf.customer_lifetime_value(bgf, f, r, T, m, time=12, discount_rate=0.0, freq="W")
    n = bgf.conditional_expected_number_of_purchases_up_to_time(12 * 4.345, f, r, T)
    np.testing.assert_allclose(flat, n * ggf.conditional_expected_average_profit(f, m), rtol=1e-10)


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

_params_bg = st.tuples(st.floats(0.05, 5), st.floats(0.5, 50), st.floats(0.2, 5), st.floats(0.2, 10))
_params_pnbd = st.tuples(st.floats(0.05, 5), st.floats(0.5, 50), st.floats(0.05, 5), st.floats(0.5, 50))
# (repeat purchases, recency as a share of T, T): a customer with repeat purchases has
# recency > 0 (rfm_summary never produces x > 0 with t_x = 0), hence the share's lower bound
_history = st.tuples(st.integers(0, 200), st.floats(1e-3, 1), st.floats(0.1, 200))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=_params_bg, hist=_history, t1=st.floats(0.1, 100), dt=st.floats(0.01, 100))
def test_bgnbd_properties(params, hist, t1, dt):
    if abs(params[2] - 1) < 1e-3:  # a = 1 is a removable singularity of the closed form
        return
    m = _model(BetaGeoFitter, pd.Series(params, index=["r", "alpha", "a", "b"]))
    x, share, T = hist
    tx = 0.0 if x == 0 else share * T
    p = m.conditional_probability_alive(x, tx, T)
    assert 0.0 <= p <= 1.0
    e1 = m.conditional_expected_number_of_purchases_up_to_time(t1, x, tx, T)
    e2 = m.conditional_expected_number_of_purchases_up_to_time(t1 + dt, x, tx, T)
    assert np.isfinite(e1) and e1 >= 0
    assert e2 >= e1 * (1 - 1e-9)


# heavy buyers and lopsided alpha / beta, where scipy's hyp2f1 returns NaN near z = 1
_params_pnbd_extreme = st.tuples(st.floats(0.05, 5), st.floats(0.01, 200), st.floats(0.05, 5), st.floats(0.01, 200))
_history_heavy = st.tuples(st.integers(0, 3000), st.floats(1e-4, 1), st.floats(0.1, 2000))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=st.one_of(_params_pnbd, _params_pnbd_extreme), hist=st.one_of(_history, _history_heavy),
       t1=st.floats(0.1, 100), dt=st.floats(0.01, 100))
def test_pareto_properties(params, hist, t1, dt):
    m = _model(ParetoNBDFitter, pd.Series(params, index=["r", "alpha", "s", "beta"]))
    x, share, T = hist
    tx = 0.0 if x == 0 else share * T
    p = m.conditional_probability_alive(x, tx, T)
    assert 0.0 <= p <= 1.0
    e1 = m.conditional_expected_number_of_purchases_up_to_time(t1, x, tx, T)
    e2 = m.conditional_expected_number_of_purchases_up_to_time(t1 + dt, x, tx, T)
    assert np.isfinite(e1) and e1 >= 0
    assert e2 >= e1 * (1 - 1e-9)
    assert np.isfinite(m._loglik(m.params_.to_numpy(), np.float64(x), np.float64(tx), np.float64(T)))


@pytest.mark.parametrize("params, x, tx, T", [
    ((0.05, 100.0, 0.05, 0.01), 200, 0.05, 0.1),  # alpha >> beta, z ~ 0.9994: scipy's hyp2f1 gives NaN
    ((0.05, 100.0, 0.5, 0.01), 2000, 20.0, 200.0),
    ((0.5, 0.5, 0.5, 15.0), 98, 40.0, 52.0),  # beta > alpha branch, heavy buyer
    ((0.55, 10.58, 0.61, 11.67), 5, 30.0, 38.0),  # CDNOW-like estimates, ordinary history
])
def test_pareto_likelihood_term_matches_mpmath(params, x, tx, T):
    """The A0 term of the Pareto/NBD likelihood against mpmath's arbitrary-precision 2F1.

    Reference: term(y) = (r+s+x) * Integral_y^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du, which
    for alpha >= beta equals 2F1(1, r+x; r+s+x+1; (alpha-beta)/(alpha+y)) (alpha+y)^-(r+x)
    (beta+y)^-s (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model"), and for
    beta > alpha the mirror form; mpmath evaluates 2F1 at 50 digits.
    """
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    r, alpha, s, beta = (mpmath.mpf(v) for v in params)
    for y in (tx, T):
        y = mpmath.mpf(y)
        c = r + s + x + 1
        if alpha >= beta:
            ref = (mpmath.log(mpmath.hyp2f1(1, r + x, c, (alpha - beta) / (alpha + y)))
                   - (r + x) * mpmath.log(alpha + y) - s * mpmath.log(beta + y))
        else:
            ref = (mpmath.log(mpmath.hyp2f1(1, s + 1, c, (beta - alpha) / (beta + y)))
                   + (1 - r - x) * mpmath.log(alpha + y) - (s + 1) * mpmath.log(beta + y))
        got = ParetoNBDFitter._log_term(params, np.float64(x), np.float64(float(y)))
        assert np.isfinite(got)
        assert got == pytest.approx(float(ref), rel=1e-9, abs=1e-9)
    m = _model(ParetoNBDFitter, pd.Series(params, index=["r", "alpha", "s", "beta"]))
    assert 0.0 <= m.conditional_probability_alive(x, tx, T) <= 1.0


# --------------------------------------------------------------------------------------
# fitting on simulated data
# --------------------------------------------------------------------------------------


def _simulate_bgnbd(n, r, alpha, a, b, T=52.0, seed=7):
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t[active] += rng.exponential(1.0, active.size) / lam[active]
        ok = t[active] <= T
        active = active[ok]
        x[active] += 1
        tx[active] = t[active]
        active = active[rng.random(active.size) >= p[active]]
    return x, tx, np.full(n, T)


def test_bgnbd_recovers_simulated_parameters_and_weights():
    x, tx, T = _simulate_bgnbd(20_000, 0.8, 6.0, 0.9, 3.0)
    m = BetaGeoFitter().fit(x, tx, T)
    assert m.params_["r"] == pytest.approx(0.8, rel=0.1)
    assert m.params_["alpha"] == pytest.approx(6.0, rel=0.15)
    assert m.params_["a"] == pytest.approx(0.9, rel=0.3)
    assert m.params_["b"] == pytest.approx(3.0, rel=0.4)
    # the fit is the same on de-duplicated rows with weights
    df = pd.DataFrame({"x": x, "tx": tx, "T": T}).value_counts().reset_index()
    mw = BetaGeoFitter().fit(df["x"], df["tx"], df["T"], weights=df["count"])
    np.testing.assert_allclose(mw.params_, m.params_, rtol=1e-5)
    assert mw.log_likelihood_ == pytest.approx(m.log_likelihood_, rel=1e-9)
    assert (m.summary["se(coef)"] > 0).all()
    assert "20,000 customers" in repr(m)


def test_gamma_gamma_recovers_simulated_parameters():
    rng = np.random.default_rng(3)
    n, p, q, v = 20_000, 4.0, 3.0, 20.0
    nu = rng.gamma(q, 1 / v, n)
    x = rng.integers(1, 10, n)
    m = rng.gamma(p * x, 1 / nu) / x  # the sum of x Gamma(p, nu) values is Gamma(p x, nu)
    ggf = GammaGammaFitter().fit(np.append(x, 0), np.append(m, 0.0))  # the non-repeater is ignored
    assert ggf.n_customers_ == n
    np.testing.assert_allclose(ggf.params_, [p, q, v], rtol=0.1)


def test_predict_clv_table():
    bgf, ggf = _model(BetaGeoFitter, BG_CDNOW), _model(GammaGammaFitter, GG_CDNOW)
    summary = pd.DataFrame({"frequency": [2.0, 0.0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
                            "monetary_value": [22.35, 0.0]}, index=pd.Index([1, 3], name="id"))
    table = predict_clv(summary, bgf, ggf, time=12, discount_rate=0.01, freq="W", margin_rate=0.3)
    assert list(table.columns[-4:]) == ["p_alive", "expected_purchases", "expected_value", "clv"]
    assert table.loc[3, "p_alive"] == 1.0
    full = ggf.customer_lifetime_value(bgf, summary["frequency"], summary["recency"], summary["T"],
                                       summary["monetary_value"], time=12, discount_rate=0.01, freq="W")
    np.testing.assert_allclose(table["clv"], 0.3 * full)


# --------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.assign(amount=d["amount"].where(d["customer"] != "b", -7.0)), "negative amounts"),
        (lambda d: d.assign(amount=d["amount"].where(d["customer"] != "b", np.nan)), "missing or infinite"),
        (lambda d: d.assign(date=d["date"].dt.strftime("%Y-%m-%d").where(d["customer"] != "b", "soon")),
         "not dates"),
        (lambda d: d.assign(date=d["date"].where(d["customer"] != "b", pd.NaT)), "missing or unparseable"),
        (lambda d: d.assign(customer=d["customer"].where(d["customer"] != "b", None)), "missing customer"),
        (lambda d: d.assign(date=np.arange(len(d))), "holds numbers"),
        (lambda d: d.assign(amount=d["amount"].astype(str)), "must hold numbers"),
        (lambda d: d.iloc[:0], "empty"),
    ],
)
def test_rfm_summary_bad_data(toy, change, message):
    with pytest.raises(ParameterError, match=message):
        rfm_summary(change(toy), "customer", "date", "amount")


def test_rfm_summary_bad_parameters(toy):
    with pytest.raises(ParameterError, match="calibration_end=2023-12-01 is before every transaction"):
        rfm_summary(toy, "customer", "date", "amount", calibration_end="2023-12-01")
    with pytest.raises(ParameterError, match="before calibration_end"):
        rfm_summary(toy, "customer", "date", "amount", calibration_end="2024-01-14", observation_end="2024-01-10")
    with pytest.raises(ParameterError, match="observation_end"):
        rfm_summary(toy, "customer", "date", "amount", observation_end="2020-01-01")
    with pytest.raises(ParameterError, match="not a date"):
        rfm_summary(toy, "customer", "date", "amount", calibration_end="end of Q1")
    with pytest.raises(ParameterError, match="not a column"):
        rfm_summary(toy, "client", "date", "amount")
    with pytest.raises(ParameterError, match="freq"):
        rfm_summary(toy, "customer", "date", "amount", freq="fortnightly")
    with pytest.raises(ParameterError):
        rfm_summary(toy.to_dict(), "customer", "date", "amount")


def test_fitting_without_repeat_buyers_is_an_error():
    x, tx, T = np.zeros(5), np.zeros(5), np.full(5, 10.0)
    for cls in (BetaGeoFitter, ParetoNBDFitter):
        with pytest.raises(ParameterError, match="no customer has a repeat purchase"):
            cls().fit(x, tx, T)
    with pytest.raises(ParameterError, match="no customer has a repeat purchase"):
        GammaGammaFitter().fit(x, np.zeros(5))


def test_fit_and_predict_bad_input():
    with pytest.raises(ParameterError, match="recency must not exceed T"):
        BetaGeoFitter().fit([1, 2], [5.0, 20.0], [10.0, 10.0])
    with pytest.raises(ParameterError, match="recency must be 0"):
        BetaGeoFitter().fit([0, 2], [5.0, 2.0], [10.0, 10.0])
    with pytest.raises(ParameterError, match="missing or infinite"):
        BetaGeoFitter().fit([1, np.nan], [5.0, 2.0], [10.0, 10.0])
    with pytest.raises(ParameterError, match="positive spend"):
        GammaGammaFitter().fit([1, 2], [10.0, 0.0])
    with pytest.raises(ParameterError, match="not fitted"):
        BetaGeoFitter().conditional_probability_alive(1, 1.0, 2.0)
    bgf = _model(BetaGeoFitter, BG_CDNOW)
    with pytest.raises(ParameterError, match="t must be >= 0"):
        bgf.conditional_expected_number_of_purchases_up_to_time(-1, 1, 1.0, 2.0)
    with pytest.raises(ParameterError, match="freq"):
        customer_lifetime_value(bgf, [1], [1.0], [2.0], [10.0], freq="fortnight")
    with pytest.raises(ParameterError, match="whole months"):
        customer_lifetime_value(bgf, [1], [1.0], [2.0], [10.0], time=0.5)


# --------------------------------------------------------------------------------------
# chart
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plot_clv_distribution(lang):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from threec_helpers.plots.clv import plot_clv_distribution

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"clv": np.append(rng.lognormal(3, 1.5, 500), [0.0, 0.0]),
                          "segment": ["A", "B"] * 251})
    fig = plot_clv_distribution(table, "clv", "segment", lang=lang, source="test", currency="USD")
    assert isinstance(fig, Figure)
    ax, ax2 = fig.axes
    assert ax.get_xscale() == "log"  # skewed values
    assert fig._suptitle.get_text() in ("客户终身价值分布", "Customer lifetime value distribution")
    curve = ax2.lines[0].get_ydata()
    assert curve[0] == 0 and curve[-1] == pytest.approx(1.0)
    plt.close(fig)
    fig2 = plot_clv_distribution(pd.DataFrame({"clv": [1.0, 2.0, 3.0]}), lang=lang, log_x=False)
    assert fig2.axes[0].get_xscale() == "linear"
    plt.close(fig2)
    with pytest.raises(ParameterError, match="negative"):
        plot_clv_distribution(pd.DataFrame({"clv": [1.0, -2.0]}))
    with pytest.raises(ParameterError, match="not a column"):
        plot_clv_distribution(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(ParameterError, match="missing"):
        plot_clv_distribution(pd.DataFrame({"clv": [1.0, math.nan]}))


@pytest.mark.parametrize("cls, time_params", [(BetaGeoFitter, ["alpha"]),
                                              (ParetoNBDFitter, ["alpha", "beta"])])
def test_penalised_fit_does_not_depend_on_time_unit_or_grouping(cls, time_params):
    """The penalty is lifetimes 0.11.3's (it fits in time rescaled to max(T) = 1, so alpha
    and beta are penalised as alpha / max(T)): data in weeks and in days give the same
    model, alpha and beta scaled by 7 (issue 12). Grouped rows with weights fit alike."""
    x, tx, T = _simulate_bgnbd(3_000, 0.8, 6.0, 0.9, 3.0)
    weeks = cls(penalizer_coef=0.05).fit(x, tx, T)
    days = cls(penalizer_coef=0.05).fit(x, tx * 7, T * 7)
    free = cls().fit(x, tx, T)
    other = [n for n in weeks.params_.index if n not in time_params]
    rtol = 1e-3  # beta is poorly determined on these (BG/NBD) data: the likelihood is flat in it
    np.testing.assert_allclose(days.params_[time_params], 7 * weeks.params_[time_params], rtol=rtol)
    np.testing.assert_allclose(days.params_[other], weeks.params_[other], rtol=rtol)
    forecast_w = weeks.conditional_expected_number_of_purchases_up_to_time(26.0, x, tx, T)
    forecast_d = days.conditional_expected_number_of_purchases_up_to_time(26.0 * 7, x, tx * 7, T * 7)
    assert forecast_d.sum() == pytest.approx(forecast_w.sum(), rel=1e-4)  # optimiser precision
    assert not np.allclose(weeks.params_, free.params_, rtol=1e-2)  # the penalty does act
    df = pd.DataFrame({"x": x, "tx": tx, "T": T}).value_counts().reset_index()
    grouped = cls(penalizer_coef=0.05).fit(df["x"], df["tx"], df["T"], weights=df["count"])
    np.testing.assert_allclose(grouped.params_, weeks.params_, rtol=rtol)


def _bg_expected_mpmath(t, x, T, r, alpha, a, b):
    """E[Y(t) | alive, x, T] of Fader, Hardie & Lee (2005), "Counting your customers the easy
    way", Marketing Science 24(2), eq. (9) (x = T = 0) and its conditional form (10), in
    60-digit arithmetic; at a = 1 exactly, its limit c [-log(1-z) - sum (b-r)_n z^n / (n (b+x)_n)]
    (l'Hopital in a: d/da 2F1(., a-1; .; z) at a = 1 is that sum)."""
    import mpmath as mp

    with mp.workdps(60):
        r, alpha, a, b, x, T, t = map(mp.mpf, (r, alpha, a, b, x, T, t))
        z = t / (alpha + T + t)
        c = a + b + x - 1
        if a == 1:
            s = mp.nsum(lambda n: mp.rf(b - r, n) * z**n / (n * mp.rf(c, n)), [1, mp.inf])
            return float(c * (-mp.log(1 - z) - s))
        return float(c / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                     * mp.hyp2f1(r + x, b + x, c, z)))


@pytest.mark.parametrize("a", [1.0, 1.0 + 1e-9, 1.0 - 1e-9, 1.0 + 1e-5, 1.0 - 0.009])
@pytest.mark.parametrize("b", [2.426, 0.1])  # 0.1 < r: (b - r)_n changes sign
def test_bgnbd_expected_purchases_at_and_near_a_equal_one(a, b):
    """The closed form (a+b+x-1)/(a-1) [...] is 0/0 at a = 1 (it gave NaN) and lost about
    1e-15/|a-1| relative accuracy near it (4e-6 at a = 1 + 1e-9); the analytic limit and a
    cancellation-free series are used there. Checked against mpmath at 60 digits."""
    r, alpha = 0.243, 4.414
    bgf = _model(BetaGeoFitter, pd.Series({"r": r, "alpha": alpha, "a": a, "b": b}))
    for t in (1.0, 39.0, 520.0):
        want = _bg_expected_mpmath(t, 0, 0, r, alpha, a, b)
        assert bgf.expected_number_of_purchases_up_to_time(t) == pytest.approx(want, rel=1e-12)
    x, tx, T = np.array([0, 3, 10]), np.array([0.0, 20.0, 30.0]), np.array([30.0, 36.0, 38.0])
    got = bgf.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T)
    p_alive = bgf.conditional_probability_alive(x, tx, T)
    want = [_bg_expected_mpmath(39.0, xi, Ti, r, alpha, a, b) for xi, Ti in zip(x, T)] * p_alive
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert bgf.expected_number_of_purchases_up_to_time(0.0) == 0.0
