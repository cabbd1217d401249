"""Discounted customer lifetime value over a horizon in months, from a fitted purchase model and
a value per purchase, as in ``lifetimes``; :func:`predict_clv` puts every prediction in one table.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ._inputs import as_float_array, check_positive, check_rft, require_columns, require_frame, wrap

__all__ = ["MONTH_FACTORS", "customer_lifetime_value", "predict_clv"]

#: Months per unit of time, used to turn a horizon in months into the model's time unit
#: (same table as ``lifetimes``).
MONTH_FACTORS = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24.0, "h": 30.0 * 24.0}


def customer_lifetime_value(transaction_prediction_model, frequency, recency, T, value_per_purchase,
                            time: float = 12, discount_rate: float = 0.01, freq: str = "D"):
    """Discounted expected value over the next ``time`` months, as in ``lifetimes``.

    ``CLV = sum_{i=1}^{time} value * (E[purchases up to month i] - E[purchases up to month
    i-1]) / (1 + discount_rate)^i``, i.e. each month's expected purchases are valued at
    ``value_per_purchase`` and discounted at the *monthly* ``discount_rate``.

    Parameters
    ----------
    transaction_prediction_model : BetaGeoFitter or ParetoNBDFitter
        Fitted model (anything with ``conditional_expected_number_of_purchases_up_to_time``).
    frequency, recency, T : array-like
        Customer histories in the model's time unit.
    value_per_purchase : array-like or float
        Value of a purchase (typically ``GammaGammaFitter.conditional_expected_average_profit``,
        times a margin rate for a margin CLV).
    time : int, default 12
        Horizon in months.
    discount_rate : float, default 0.01
        Monthly discount rate (0.01 a month is about 12.7% a year).
    freq : {"D", "W", "M", "H"}, default "D"
        Time unit of ``recency`` and ``T`` (``"W"`` after ``rfm_summary(freq="W")``).

    Returns
    -------
    Series or ndarray
        CLV per customer.

    See Also
    --------
    predict_clv : the CLV with the other predictions in one table.
    GammaGammaFitter.customer_lifetime_value : the same with the expected spend.

    Examples
    --------
    With the published CDNOW BG/NBD parameters (weeks) and a purchase worth 24.66:

    >>> import pandas as pd
    >>> from threec_helpers.measures.clv import BetaGeoFitter
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> clv = customer_lifetime_value(bgf, [2.0, 0.0], [30.43, 0.0], [38.86, 38.86], 24.66, time=12, freq="W")
    >>> clv.round(2).tolist()
    [36.28, 5.86]
    """
    if freq not in MONTH_FACTORS:
        raise ParameterError(key="clv.error.lv_freq", allowed=", ".join(MONTH_FACTORS), freq=repr(freq))
    if not isinstance(time, numbers.Real) or time <= 0 or int(time) != time:
        raise ParameterError(key="clv.error.lv_time", value=repr(time))
    d = check_positive(discount_rate, "discount_rate", allow_zero=True)
    factor = MONTH_FACTORS[freq]
    x, tx, T_ = check_rft(frequency, recency, T, fit=False)
    value = as_float_array(value_per_purchase, "value_per_purchase")
    months = np.arange(0, int(time) + 1, dtype=float)
    steps = months * factor
    model = transaction_prediction_model
    cum = np.vstack([np.asarray(model.conditional_expected_number_of_purchases_up_to_time(s, x, tx, T_),
                                dtype=float) * np.ones_like(x) for s in steps])
    per_month = np.diff(cum, axis=0)
    disc = (1.0 + d) ** -months[1:]
    res = value * (disc @ per_month)
    return wrap(np.asarray(res, dtype=float), frequency, recency, T, name="clv")


def predict_clv(summary: pd.DataFrame, transaction_model, spend_model, *,
                time: int = 12, discount_rate: float = 0.01, freq: str = "W",
                margin_rate: float = 1.0) -> pd.DataFrame:
    """Per-customer predictions in one tidy table (for reports and :func:`plots.clv`).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`rfm_summary` (``frequency, recency, T, monetary_value``).
    transaction_model : BetaGeoFitter or ParetoNBDFitter
        Fitted purchase model.
    spend_model : GammaGammaFitter
        Fitted spend model.
    time : int, default 12
        Horizon in months.
    discount_rate : float, default 0.01
        Monthly discount rate.
    freq : str, default "W"
        Time unit of the summary (``"W"``, ``"D"``, ``"M"``, ``"H"``).
    margin_rate : float, default 1.0
        Margin as a share of spend; the CLV is a margin CLV when < 1.

    Returns
    -------
    DataFrame
        ``summary``'s columns plus ``p_alive, expected_purchases`` (over the horizon),
        ``expected_value`` (per purchase) and ``clv``.

    See Also
    --------
    customer_lifetime_value : the discounted CLV alone, as an array.
    retention_clv : the simpler textbook CLV of a segment.

    Examples
    --------
    With the published CDNOW parameters (weeks):

    >>> import pandas as pd
    >>> from threec_helpers.measures.clv import BetaGeoFitter, GammaGammaFitter
    >>> bgf, ggf = BetaGeoFitter(), GammaGammaFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> ggf.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    >>> summary = pd.DataFrame({"frequency": [2.0, 0.0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
    ...                         "monetary_value": [22.35, 0.0]})
    >>> predict_clv(summary, bgf, ggf, time=12, freq="W")[["p_alive", "clv"]].round(2)
       p_alive    clv
    0     0.73  36.29
    1     1.00   8.37
    """
    require_frame(summary, "summary")
    need = ["frequency", "recency", "T", "monetary_value"]
    require_columns(summary, {c: c for c in need}, name="summary")
    if freq not in MONTH_FACTORS:
        raise ParameterError(key="clv.error.lv_freq", allowed=", ".join(MONTH_FACTORS), freq=repr(freq))
    margin_rate = check_positive(margin_rate, "margin_rate", allow_zero=True)
    out = summary.copy()
    f, r, T_ = out["frequency"], out["recency"], out["T"]
    out["p_alive"] = transaction_model.conditional_probability_alive(f, r, T_)
    out["expected_purchases"] = transaction_model.conditional_expected_number_of_purchases_up_to_time(
        time * MONTH_FACTORS[freq], f, r, T_)
    out["expected_value"] = spend_model.conditional_expected_average_profit(f, out["monetary_value"])
    out["clv"] = margin_rate * customer_lifetime_value(
        transaction_model, f, r, T_, out["expected_value"], time=time, discount_rate=discount_rate, freq=freq)
    return out
