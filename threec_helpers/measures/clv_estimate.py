"""The engagement's customer lifetime value: models fitted on the client, summed per tier.

:func:`clv_estimate` fits the BG/NBD purchase model and the Gamma-Gamma spend model of
:mod:`threec_helpers.measures.clv` on the client's transactions up to the period end and
values every customer's next 12 months at the period's margin rate; the phase-2 notebook
shows the sum per pyramid tier. :func:`clv_or_none` is the same without an exception
when the models cannot be fitted.

See Also
--------
threec_helpers.measures.clv : the models themselves (lifetimes-compatible).
threec_helpers.plots.clv.plot_clv_distribution : draws the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..inputs.config import Period
from . import clv
from .pyramid import ACTIVE_TIERS


@dataclass
class CLVEstimate:
    """Result of :func:`clv_estimate`.

    Attributes
    ----------
    tiers : DataFrame
        Indexed by tier (active tiers and ``inactive``, then ``total``): ``customers, clv,
        avg_clv, p_alive`` (mean).
    customers : DataFrame
        ``customer_id, tier, p_alive, expected_purchases, clv``.
    spend_model : str
        ``"gamma_gamma"`` or ``"observed_mean"``.
    purchase_model, gamma_gamma
        The fitted BG/NBD model and the Gamma-Gamma model (None when not usable).
    margin_rate : float

    See Also
    --------
    clv_estimate : computes it.

    Examples
    --------
    >>> from pathlib import Path
    >>> from threec_helpers.generate import DEFAULT_SEED, demo_tables
    >>> from threec_helpers.generate.manufacturer import client_config
    >>> from threec_helpers.inputs.config import parse_client_config
    >>> from threec_helpers.measures.customer_table import customer_table
    >>> cfg = parse_client_config(client_config(DEFAULT_SEED), Path("client.yaml"))
    >>> tables = demo_tables("demo_manufacturer")
    >>> table = customer_table(tables, cfg, "FY2026", "FY2025")
    >>> est = clv_estimate(tables, table, cfg.period("FY2026"))
    >>> est.tiers.index.tolist()
    ['top', 'big', 'medium', 'small', 'inactive', 'total']
    """

    tiers: pd.DataFrame
    customers: pd.DataFrame
    spend_model: str
    purchase_model: Any
    gamma_gamma: Any
    margin_rate: float


def clv_estimate(tables: Mapping[str, pd.DataFrame], table: pd.DataFrame, period: Period, *, horizon: int = 12,
                 max_fit: int = 50_000, discount_rate: float = 0.01, seed: int = 0) -> CLVEstimate:
    """12-month margin CLV per customer (BG/NBD + Gamma-Gamma) and its sum per tier.

    The models are fitted on at most ``max_fit`` customers (a seeded random sample, so the
    fit stays a few seconds on a million customers) and applied to every customer who
    bought up to the period end. Time unit: weeks. Margin rate = the period's gross margin
    / revenue of the customer table. When the Gamma-Gamma spend model has no finite mean
    (its ``q <= 1``, common with heavy-tailed B2B orders), each customer's purchases are
    valued at its own mean repeat purchase value instead (``spend_model`` says which).

    Parameters
    ----------
    tables : dict of DataFrame
        The client's validated tables (``transactions``, ``customers``).
    table : DataFrame
        The period's customer table (tiers, revenue, gross margin).
    period : Period
        The period; the models see the transactions up to its end.
    horizon : int, default 12
        Months valued.
    max_fit : int, default 50000
        Largest number of customers the models are fitted on.
    discount_rate : float, default 0.01
        Monthly discount rate.
    seed : int, default 0
        Seed of the fitting sample.

    Returns
    -------
    CLVEstimate

    Raises
    ------
    ParameterError
        When the models cannot be fitted (too few repeat buyers).

    See Also
    --------
    clv_or_none : the same without the exception.
    threec_helpers.measures.clv.predict_clv : the per-customer predictions of fitted models.

    Examples
    --------
    >>> from pathlib import Path
    >>> from threec_helpers.generate import DEFAULT_SEED, demo_tables
    >>> from threec_helpers.generate.manufacturer import client_config
    >>> from threec_helpers.inputs.config import parse_client_config
    >>> from threec_helpers.measures.customer_table import customer_table
    >>> cfg = parse_client_config(client_config(DEFAULT_SEED), Path("client.yaml"))
    >>> tables = demo_tables("demo_manufacturer")
    >>> table = customer_table(tables, cfg, "FY2026", "FY2025")
    >>> est = clv_estimate(tables, table, cfg.period("FY2026"))
    >>> int(est.tiers.loc["total", "customers"]), est.spend_model in ("gamma_gamma", "observed_mean")
    (2000, True)
    """
    end = pd.Timestamp(period.end)
    tx = tables["transactions"]
    tx = tx.loc[(tx["date"] <= end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)) & (tx["amount"] > 0),
                ["customer_id", "date", "amount"]]
    summary = clv.rfm_summary(tx, "customer_id", "date", "amount", observation_end=end, freq="W")
    if len(summary) < 20 or (summary["frequency"] > 0).sum() < 10:
        raise ParameterError(key="clv.error.too_few_repeat")
    rng = np.random.default_rng(seed)
    fit = summary if len(summary) <= max_fit else summary.iloc[np.sort(rng.choice(len(summary), max_fit, False))]
    bgf = clv.BetaGeoFitter(penalizer_coef=0.001).fit(fit["frequency"], fit["recency"], fit["T"])
    rep = fit.loc[(fit["frequency"] > 0) & (fit["monetary_value"] > 0)]
    rev = float(table["revenue"].sum())
    margin = max(0.0, float(table["gross_margin"].sum()) / rev if rev > 0 else 1.0)
    f = summary["frequency"].to_numpy(float)
    m = summary["monetary_value"].to_numpy(float)
    try:
        ggf = clv.GammaGammaFitter(penalizer_coef=0.001).fit(rep["frequency"], rep["monetary_value"])
        value = np.asarray(ggf.conditional_expected_average_profit(f, m), dtype=float)
        spend = "gamma_gamma"
    except ParameterError:
        ggf = None
        # Gamma-Gamma needs q > 1 (finite mean spend); heavy-tailed B2B orders often give q <= 1.
        # Then each customer's purchases are valued at its own mean repeat purchase value
        # (the overall mean for customers without a repeat purchase).
        overall = float(rep["monetary_value"].mean()) if len(rep) else float(np.mean(m))
        value = np.where(m > 0, m, overall)
        spend = "observed_mean"
    # The purchase model depends on (frequency, recency, T) only: evaluate it once per distinct
    # history (weekly integers repeat a lot) and spread it back -- the same numbers as
    # clv.customer_lifetime_value / predict_clv, a fraction of the work on a million customers.
    frt = summary[["frequency", "recency", "T"]].to_numpy(float)
    uniq, inverse = np.unique(frt, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    uf, ur, uT = uniq[:, 0], uniq[:, 1], uniq[:, 2]
    per_purchase = np.asarray(clv.customer_lifetime_value(bgf, uf, ur, uT, np.ones(len(uniq)), time=horizon,
                                                          discount_rate=discount_rate, freq="W"), dtype=float)
    p_alive = np.asarray(bgf.conditional_probability_alive(uf, ur, uT), dtype=float)
    expected = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(
        horizon * clv.MONTH_FACTORS["W"], uf, ur, uT), dtype=float)
    pred = pd.DataFrame({"p_alive": p_alive[inverse], "expected_purchases": expected[inverse],
                         "clv": margin * value * per_purchase[inverse]}, index=summary.index)
    tiers = table.set_index("customer_id")["tier"].astype("str")
    per = pd.DataFrame({"customer_id": pred.index.to_numpy(), "tier": tiers.reindex(pred.index).to_numpy(),
                        "p_alive": pred["p_alive"].to_numpy(float),
                        "expected_purchases": pred["expected_purchases"].to_numpy(float),
                        "clv": pred["clv"].to_numpy(float)})
    order = list(ACTIVE_TIERS) + ["inactive"]
    g = per.groupby("tier").agg(customers=("clv", "size"), clv=("clv", "sum"), p_alive=("p_alive", "mean"))
    g = g.reindex([x for x in order if x in g.index])
    total = pd.DataFrame({"customers": [int(g["customers"].sum())], "clv": [float(g["clv"].sum())],
                          "p_alive": [float(per["p_alive"].mean())]}, index=["total"])
    out = pd.concat([g, total])
    out["avg_clv"] = out["clv"] / out["customers"].where(out["customers"] > 0)
    out.index.name = "tier"
    out = out[["customers", "clv", "avg_clv", "p_alive"]]
    return CLVEstimate(out, per, spend, bgf, ggf if spend == "gamma_gamma" else None, margin)


def clv_or_none(tables: Mapping[str, pd.DataFrame], table: pd.DataFrame, period: Period
                ) -> tuple[CLVEstimate | None, str]:
    """:func:`clv_estimate`, or ``(None, reason)`` when the models cannot be fitted.

    Parameters
    ----------
    tables, table, period
        As for :func:`clv_estimate`.

    Returns
    -------
    (CLVEstimate or None, str)
        The estimate and ``""``, or None and the reason the models could not be fitted.

    See Also
    --------
    clv_estimate : the same, raising :class:`~threec_helpers.errors.ParameterError`.

    Examples
    --------
    >>> from pathlib import Path
    >>> from threec_helpers.generate import DEFAULT_SEED, demo_tables
    >>> from threec_helpers.generate.manufacturer import client_config
    >>> from threec_helpers.inputs.config import parse_client_config
    >>> from threec_helpers.measures.customer_table import customer_table
    >>> cfg = parse_client_config(client_config(DEFAULT_SEED), Path("client.yaml"))
    >>> tables = demo_tables("demo_manufacturer")
    >>> table = customer_table(tables, cfg, "FY2026", "FY2025")
    >>> est, reason = clv_or_none(tables, table, cfg.period("FY2026"))
    >>> est is not None, reason
    (True, '')
    """
    try:
        return clv_estimate(tables, table, period), ""
    except (ParameterError, ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        return None, str(exc)
