"""Reproduce the published CDNOW estimates from the raw transactions.

Data: the CDNOW "1/10 sample" (2,357 customers who made their first purchase at CDNOW in
the first quarter of 1997, all their purchases to the end of June 1998), as shipped inside
the ``lifetimes`` wheel on PyPI (``lifetimes/datasets/``):

- ``CDNOW_sample.txt``: raw transactions, whitespace separated, no header: master customer
  id, sample customer id (1..2357), date (yyyymmdd), number of CDs, amount (USD);
- ``cdnow_customers_summary_with_transactions.csv``: Bruce Hardie's calibration summary
  ``ID, x, t_x, T, zbar`` (rounded to 2 decimals), used here only to check our summary.

The files are located without importing ``lifetimes`` (the package is unmaintained and
only its data are used); the tests are skipped when it is not installed. Nothing is
downloaded.

Conventions (Fader, Hardie & Lee 2005): calibration period = the 39 weeks ending
1997-09-30, hold-out to 1998-06-30; time in weeks measured exactly as days / 7
(``rfm_summary(freq="D", freq_multiplier=7)``); ``x`` = number of repeat purchase days;
``zbar`` = mean amount of the repeat purchases in the calibration period.

Published numbers:

- BG/NBD (Fader, Hardie & Lee 2005, "'Counting your customers' the easy way: an
  alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284):
  r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
- Gamma-Gamma on the 946 customers with at least one repeat purchase in the calibration
  period (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer base
  analysis", JMR 42(4), 415-430; Fader & Hardie 2013, "The Gamma-Gamma model of monetary
  value"): p = 6.25, q = 3.74, gamma (``v``) = 15.44. (``lifetimes``' docs show v = 15.45
  because they fit the 2-decimal ``zbar`` of the summary file; from the raw transactions
  the estimate is 15.44.)
- Pareto/NBD on the same calibration data: log-likelihood -9594.98 (Fader & Hardie's
  MATLAB/Excel notes; the R package BTYD reports r = 0.553, alpha = 10.580, s = 0.606,
  beta = 11.656 and LL = -9594.976). The likelihood is very flat in beta (standard error
  about 6), so only the log-likelihood and 2-decimal r, alpha, s are checked.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from threec_helpers.measures.clv import (
    BetaGeoFitter,
    GammaGammaFitter,
    ParetoNBDFitter,
    rfm_summary,
)


def _datasets_dir() -> Path | None:
    spec = importlib.util.find_spec("lifetimes")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets"
    return folder if (folder / "CDNOW_sample.txt").exists() else None


DATASETS = _datasets_dir()
pytestmark = pytest.mark.skipif(
    DATASETS is None,
    reason="the CDNOW sample ships in the 'lifetimes' wheel (lifetimes/datasets/); "
           "pip install lifetimes==0.11.3 (test extra) to run the CDNOW reproduction",
)


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "CDNOW_sample.txt", sep=r"\s+", header=None,
                       names=["master_id", "customer_id", "date", "cds", "amount"])


@pytest.fixture(scope="module")
def summary(transactions) -> pd.DataFrame:
    return rfm_summary(transactions, "customer_id", "date", "amount", calibration_end="1997-09-30",
                       observation_end="1998-06-30", freq="D", freq_multiplier=7, date_format="%Y%m%d")


def test_summary_matches_hardie_calibration_file(summary):
    assert len(summary) == 2357
    ref = pd.read_csv(DATASETS / "cdnow_customers_summary_with_transactions.csv").set_index("ID")
    assert list(summary.index) == list(ref.index)
    np.testing.assert_array_equal(summary["frequency"], ref["x"])
    # the file is rounded to 2 decimals
    np.testing.assert_allclose(summary["recency"], ref["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary["T"], ref["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary["monetary_value"], ref["zbar"], atol=0.005 + 1e-9)
    assert (summary["T"].max(), summary["T"].min()) == pytest.approx((272 / 7, 189 / 7))  # Jan 1, Mar 25
    assert (summary["duration_holdout"] == 39).all()  # 273 days / 7


def test_bgnbd_reproduces_fader_hardie_lee_2005(summary):
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    assert bgf.params_.round(3).to_dict() == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(bgf.log_likelihood_, 1) == -9582.4
    assert bgf.n_customers_ == 2357


def test_gamma_gamma_reproduces_fader_hardie_2013(summary):
    ggf = GammaGammaFitter().fit(summary["frequency"], summary["monetary_value"])
    assert ggf.n_customers_ == 946
    assert ggf.params_.round(2).to_dict() == {"p": 6.25, "q": 3.74, "v": 15.44}


def test_pareto_nbd_reproduces_published_log_likelihood(summary):
    m = ParetoNBDFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    assert round(m.log_likelihood_, 2) == -9594.98
    assert m.params_[["r", "alpha", "s"]].round(2).to_dict() == {"r": 0.55, "alpha": 10.58, "s": 0.61}
    assert m.params_["beta"] == pytest.approx(11.66, abs=0.05)


def test_predictions_agree_with_lifetimes_implementation(summary):
    """Cross-check of the prediction formulas against lifetimes 0.11.3 at the same
    parameters (skipped if lifetimes cannot be imported, e.g. a future pandas breaks it)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import lifetimes
        except Exception as exc:  # noqa: BLE001
            pytest.skip(f"lifetimes does not import here: {exc}")
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    bgf = BetaGeoFitter().fit(f, r, T)
    ref = lifetimes.BetaGeoFitter()
    ref.params_ = bgf.params_.copy()
    for t in (1.0, 39.0, 104.0):
        np.testing.assert_allclose(bgf.conditional_expected_number_of_purchases_up_to_time(t, f, r, T),
                                   ref.conditional_expected_number_of_purchases_up_to_time(t, f, r, T),
                                   rtol=1e-8)
    np.testing.assert_allclose(bgf.conditional_probability_alive(f, r, T),
                               ref.conditional_probability_alive(f, r, T), rtol=1e-10)
    pn = ParetoNBDFitter()
    pn.params_ = pd.Series({"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.656})
    ref_pn = lifetimes.ParetoNBDFitter()
    ref_pn.params_ = pn.params_.copy()
    np.testing.assert_allclose(pn.conditional_probability_alive(f, r, T),
                               ref_pn.conditional_probability_alive(f, r, T), rtol=1e-7)
    np.testing.assert_allclose(pn.conditional_expected_number_of_purchases_up_to_time(39.0, f, r, T),
                               ref_pn.conditional_expected_number_of_purchases_up_to_time(39.0, f, r, T),
                               rtol=1e-7)


def _forecast_39_weeks(model, f, r, T, per_week):
    return float(np.sum(model.conditional_expected_number_of_purchases_up_to_time(39.0 * per_week, f, r, T)))


@pytest.mark.parametrize("cls", [BetaGeoFitter, ParetoNBDFitter])
def test_penalizer_does_not_depend_on_the_time_unit(summary, cls):
    """Issue 12: with the penalty applied in the data's time unit, CDNOW in weeks and in days
    gave 39-week BG/NBD forecasts of 1,700 and 1,548 at c = 0.001. ``lifetimes`` 0.11.3
    (``BetaGeoFitter.fit`` / ``ParetoNBDFitter.fit``) rescales time to max(T) = 1 before
    penalising, so alpha (and beta) enter the penalty as alpha / max(T): unit-free."""
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    weeks = cls(penalizer_coef=0.001).fit(f, r, T)
    days = cls(penalizer_coef=0.001).fit(f, r * 7, T * 7)
    time_params = ["alpha"] if cls is BetaGeoFitter else ["alpha", "beta"]
    other = [n for n in weeks.params_.index if n not in time_params]
    np.testing.assert_allclose(days.params_[time_params], 7 * weeks.params_[time_params], rtol=1e-4)
    np.testing.assert_allclose(days.params_[other], weeks.params_[other], rtol=1e-4)
    fw = _forecast_39_weeks(weeks, f, r, T, 1)
    fd = _forecast_39_weeks(days, f, r * 7, T * 7, 7)
    assert fd == pytest.approx(fw, rel=1e-5)
    if cls is BetaGeoFitter:  # and the penalty bites: not the maximum-likelihood forecast
        assert round(fw, 1) == 1769.8
        assert _forecast_39_weeks(cls().fit(f, r, T), f, r, T, 1) == pytest.approx(1653.4, abs=0.05)


def test_penalizer_equals_lifetimes(summary):
    """The penalised fits minimise ``lifetimes`` 0.11.3's own penalised objective
    (``BetaGeoFitter._negative_log_likelihood``: mean NLL + c * sum(params**2) on the
    time-rescaled parameters; ``ParetoNBDFitter._negative_log_likelihood``: total NLL / mean
    weight + the same penalty): same parameters as lifetimes' fit, and an objective at least
    as low as lifetimes reaches (its Pareto/NBD optimiser stops earlier on the flat beta)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import lifetimes
        except Exception as exc:  # noqa: BLE001
            pytest.skip(f"lifetimes does not import here: {exc}")
        f, r, T = summary["frequency"], summary["recency"], summary["T"]
        c = 0.001
        scale = 1.0 / T.max()
        args = (f.to_numpy().astype(int), r.to_numpy() * scale, T.to_numpy() * scale,
                np.ones(len(f), dtype=int), c)

        ours = BetaGeoFitter(penalizer_coef=c).fit(f, r, T)
        ref = lifetimes.BetaGeoFitter(penalizer_coef=c).fit(f, r, T)
        np.testing.assert_allclose(ours.params_, ref.params_[ours.params_.index], rtol=1e-4)

        def bg_objective(p):
            p = p.to_numpy() * np.array([1.0, scale, 1.0, 1.0])
            return lifetimes.BetaGeoFitter._negative_log_likelihood(np.log(p), *args)

        assert bg_objective(ours.params_) <= bg_objective(ref.params_) + 1e-9

        ours_p = ParetoNBDFitter(penalizer_coef=c).fit(f, r, T)
        ref_p = lifetimes.ParetoNBDFitter(penalizer_coef=c).fit(f, r, T)
        np.testing.assert_allclose(ours_p.params_, ref_p.params_[ours_p.params_.index], rtol=1e-3)

        def pnbd_objective(p):
            p = p.to_numpy() * np.array([1.0, scale, 1.0, scale])
            return lifetimes.ParetoNBDFitter._negative_log_likelihood(p, *args)

        assert pnbd_objective(ours_p.params_) <= pnbd_objective(ref_p.params_) + 1e-7
