"""Customer lifetime value: historical value, retention-based CLV and probabilistic models.

Three levels of answer, from the simplest to the most data-hungry:

1. :func:`historical_value` -- what each customer has been worth to date.
2. :func:`retention_clv` / :func:`segment_clv` -- the textbook "retention" CLV of a segment,
   ``margin * r / (1 + d - r)``, with the retention rate ``r`` measured from the data
   (:func:`retention_rate`) or given as a parameter.
3. Probabilistic models for non-contractual customers (nobody tells you when a customer
   leaves): :class:`BetaGeoFitter` (BG/NBD, Fader, Hardie & Lee 2005) and
   :class:`ParetoNBDFitter` (Schmittlein, Morrison & Colombo 1987) for the number of future
   purchases and the probability that a customer is still "alive", and
   :class:`GammaGammaFitter` (Fader, Hardie & Lee 2005; Fader & Hardie 2013) for the value of
   a purchase. :meth:`GammaGammaFitter.customer_lifetime_value` combines the two into a
   discounted CLV over a horizon.

The API follows the conventions of the (unmaintained) ``lifetimes`` package that consultants
know: :func:`rfm_summary` returns ``frequency`` (number of *repeat* purchase periods),
``recency`` (time from the first to the last purchase), ``T`` (time from the first purchase
to the end of the period) and ``monetary_value`` (mean value of the repeat purchase periods,
0 for customers without a repeat purchase); the fitters expose ``fit``, ``params_``,
``conditional_expected_number_of_purchases_up_to_time``, ``conditional_probability_alive``
and ``customer_lifetime_value``. The maximum-likelihood fits are written here with scipy
(vectorised log-likelihoods, analytic gradients where practical); ``lifetimes`` is not
needed at run time. See ``docs/clv.md`` for the formulas and the CDNOW reproduction.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import optimize, special

from ...errors import ParameterError

__all__ = [
    "BetaGeoFitter",
    "GammaGammaFitter",
    "ParetoNBDFitter",
    "customer_lifetime_value",
    "historical_value",
    "predict_clv",
    "retention_clv",
    "retention_rate",
    "rfm_summary",
    "segment_clv",
]

#: Months per unit of time, used to turn a horizon in months into the model's time unit
#: (same table as ``lifetimes``).
MONTH_FACTORS = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24.0, "h": 30.0 * 24.0}

_NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------


def _require_frame(df: Any, name: str = "transactions") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, not {type(df).__name__}")
    return df


def _require_columns(df: pd.DataFrame, columns: dict[str, str | None], name: str = "transactions") -> None:
    for arg, col in columns.items():
        if col is None:
            continue
        if col not in df.columns:
            raise ParameterError(
                f"{arg}={col!r} is not a column of {name}; columns are: "
                + ", ".join(map(str, df.columns))
            )


def _datetime_values(series: pd.Series, column: str, date_format: str | None = None) -> np.ndarray:
    """Return ``series`` as a numpy ``datetime64[ns]`` array (naive), or raise ParameterError."""
    s = series
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(s.dtype):
        if pd.api.types.is_numeric_dtype(s.dtype) and date_format is None:
            raise ParameterError(
                f"column {column!r} holds numbers, not dates; convert it first or pass "
                f"date_format (e.g. date_format='%Y%m%d' for 19970101)"
            )
        if pd.api.types.is_numeric_dtype(s.dtype):
            s = s.astype("Int64").astype("string")
        try:
            s = pd.to_datetime(s, format=date_format)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ParameterError(
                f"column {column!r} has values that are not dates ({exc}); fix them or pass date_format"
            ) from None
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
    values = s.to_numpy(dtype="datetime64[ns]")
    if np.isnat(values).any():
        n = int(np.isnat(values).sum())
        raise ParameterError(f"column {column!r} has {n:,} missing or unparseable dates; drop or fix them")
    return values


def _timestamp(value: Any, name: str, date_format: str | None = None) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value) if date_format is None else pd.to_datetime(str(value), format=date_format)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"{name}={value!r} is not a date ({exc})") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"{name}={value!r} is not a date")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def _cutoff_ns(ts: pd.Timestamp) -> int:
    """Last included instant (ns) for an end date: a date at midnight includes the whole day."""
    ns = int(ts.as_unit("ns").value)
    if ts == ts.normalize():
        return ns + _NS_PER_DAY - 1
    return ns


def _period_ordinals(ns: np.ndarray, freq: str) -> np.ndarray:
    """Integer period numbers of ``datetime64[ns]`` values for a pandas-style ``freq``.

    Periods follow pandas' ``to_period(freq)`` (weeks end on Sunday, as ``"W"`` = ``"W-SUN"``);
    only differences between ordinals are used.
    """
    f = freq.upper() if freq not in ("h", "min", "s", "ms") else freq
    if f == "D":
        return ns.astype("datetime64[D]").astype(np.int64)
    if f in ("W", "W-SUN"):
        days = ns.astype("datetime64[D]").astype(np.int64)
        return np.floor_divide(days + 3, 7)  # 1970-01-01 is a Thursday; weeks run Monday-Sunday
    if f in ("M", "ME", "MS"):
        return ns.astype("datetime64[M]").astype(np.int64)
    if f in ("Q", "QE", "QS"):
        return np.floor_divide(ns.astype("datetime64[M]").astype(np.int64), 3)
    if f in ("Y", "YE", "YS", "A"):
        return ns.astype("datetime64[Y]").astype(np.int64)
    if f in ("H", "h"):
        return ns.astype("datetime64[h]").astype(np.int64)
    try:
        return pd.DatetimeIndex(ns).to_period(freq).asi8.astype(np.int64)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"freq={freq!r} is not a period frequency pandas understands ({exc})") from None


def _amount_values(series: pd.Series, column: str) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise ParameterError(f"column {column!r} must hold numbers (amounts), not {series.dtype}")
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ParameterError(
            f"column {column!r} has {int(bad.sum()):,} missing or infinite amounts; drop or fix them"
        )
    if (values < 0).any():
        raise ParameterError(
            f"column {column!r} has {int((values < 0).sum()):,} negative amounts; net refunds and "
            f"returns against their orders (or drop them) before computing customer value"
        )
    return values


def _customer_codes(series: pd.Series, column: str) -> tuple[np.ndarray, pd.Index]:
    if series.isna().any():
        raise ParameterError(f"column {column!r} has {int(series.isna().sum()):,} missing customer ids")
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques, name=column)


def _check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ParameterError(f"{name} must be a finite number, not {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ParameterError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, not {value!r}")
    return float(value)


# --------------------------------------------------------------------------------------
# historical value and retention CLV
# --------------------------------------------------------------------------------------


def historical_value(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str,
    *,
    margin_rate: float = 1.0,
    as_of: Any = None,
    segment_col: str | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Value of every customer to date.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, date_col, amount_col : str
        Columns with the customer id, the transaction date and the amount (revenue).
    margin_rate : float, default 1.0
        Gross margin as a share of revenue; ``margin = revenue * margin_rate``.
    as_of : date-like, optional
        Ignore transactions after this date (the whole day is included). Default: all.
    segment_col : str, optional
        A customer attribute (e.g. region, tier) to carry into the result; if it changes
        over time the value of the customer's latest transaction is used.
    date_format : str, optional
        ``strftime`` format of ``date_col`` if pandas cannot guess it.

    Returns
    -------
    DataFrame
        Indexed by customer, sorted by id, with ``[segment,] first_purchase, last_purchase,
        transactions, revenue, margin, tenure_days`` (days from the first purchase to
        ``as_of`` or the last date in the data).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
    ...                    "amount": [100.0, 50.0, 80.0]})
    >>> historical_value(tx, "customer", "date", "amount", margin_rate=0.4)[["revenue", "margin"]]
    ... # doctest: +NORMALIZE_WHITESPACE
              revenue  margin
    customer
    a           150.0    60.0
    b            80.0    32.0
    """
    _require_frame(transactions)
    _require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "amount_col": amount_col, "segment_col": segment_col})
    margin_rate = _check_positive(margin_rate, "margin_rate", allow_zero=True)
    if margin_rate > 1:
        raise ParameterError(f"margin_rate is a share of revenue and must be <= 1, not {margin_rate}")
    if len(transactions) == 0:
        raise ParameterError("transactions is empty")
    dates = _datetime_values(transactions[date_col], date_col, date_format)
    amounts = _amount_values(transactions[amount_col], amount_col)
    keep = np.ones(len(dates), dtype=bool)
    end = dates.max()
    if as_of is not None:
        ts = _timestamp(as_of, "as_of")
        keep = dates.astype(np.int64) <= _cutoff_ns(ts)
        if not keep.any():
            raise ParameterError(f"as_of={ts.date()} is before every transaction (first: {dates.min()})")
        end = np.datetime64(ts.normalize().as_unit("ns").asm8)
    frame = pd.DataFrame({"customer": transactions[customer_col].to_numpy()[keep],
                          "date": dates[keep], "amount": amounts[keep]})
    if frame["customer"].isna().any():
        raise ParameterError(f"column {customer_col!r} has missing customer ids")
    g = frame.groupby("customer", sort=True)
    out = pd.DataFrame({
        "first_purchase": g["date"].min(),
        "last_purchase": g["date"].max(),
        "transactions": g["amount"].size().astype(np.int64),
        "revenue": g["amount"].sum(),
    })
    out["margin"] = out["revenue"] * margin_rate
    out["tenure_days"] = (pd.Timestamp(end) - out["first_purchase"]).dt.days.astype(np.int64)
    out.index.name = customer_col
    if segment_col is not None:
        seg = pd.DataFrame({"customer": frame["customer"], "date": frame["date"],
                            "segment": transactions[segment_col].to_numpy()[keep]})
        latest = seg.sort_values(["customer", "date"], kind="stable").groupby("customer")["segment"].last()
        out.insert(0, segment_col, latest.reindex(out.index).to_numpy())
    return out


def retention_rate(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    *,
    freq: str = "Y",
    segment_col: str | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Period-to-period retention rate measured from the transactions.

    A customer is *active* in a period if they bought in it and *retained* if they also
    bought in the next period. The rate pools every pair of consecutive periods:
    ``retention = sum(retained) / sum(active in a period that has a next period)``.
    Make sure the last period in the data is complete (a half year counts as a year).

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, date_col : str
        Customer id and date columns.
    freq : str, default "Y"
        Length of a period: ``"Y"`` (year), ``"Q"``, ``"M"``, ``"W"`` ...
    segment_col : str, optional
        Customer attribute; one rate per segment (customer's latest value is used).
    date_format : str, optional
        ``strftime`` format of ``date_col`` if pandas cannot guess it.

    Returns
    -------
    DataFrame
        Columns ``[segment,] active, retained, retention``; one row (index ``"all"``) without
        ``segment_col``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer": ["a", "a", "b", "c", "c"],
    ...                    "date": pd.to_datetime(["2022-05-01", "2023-05-01", "2022-06-01",
    ...                                            "2023-01-01", "2024-01-01"])})
    >>> retention_rate(tx, "customer", "date")
         active  retained  retention
    all       4         2        0.5
    """
    _require_frame(transactions)
    _require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "segment_col": segment_col})
    if len(transactions) == 0:
        raise ParameterError("transactions is empty")
    dates = _datetime_values(transactions[date_col], date_col, date_format)
    per = _period_ordinals(dates, freq)
    codes, _ = _customer_codes(transactions[customer_col], customer_col)
    last = per.max()
    if per.min() == last:
        raise ParameterError(
            f"all transactions fall in one {freq!r} period; retention needs at least two periods"
        )
    pairs = pd.DataFrame({"c": codes, "p": per}).drop_duplicates()
    nxt = pd.MultiIndex.from_arrays([pairs["c"].to_numpy(), pairs["p"].to_numpy() + 1])
    have = pd.MultiIndex.from_arrays([pairs["c"].to_numpy(), pairs["p"].to_numpy()])
    pairs["retained"] = nxt.isin(have)
    pairs = pairs[pairs["p"] < last]
    if segment_col is None:
        active = len(pairs)
        retained = int(pairs["retained"].sum())
        return pd.DataFrame({"active": [active], "retained": [retained],
                             "retention": [retained / active]}, index=["all"])
    seg = pd.DataFrame({"c": codes, "d": dates, "s": transactions[segment_col].to_numpy()})
    latest = seg.sort_values(["c", "d"], kind="stable").groupby("c")["s"].last()
    pairs["segment"] = latest.reindex(pairs["c"].to_numpy()).to_numpy()
    g = pairs.groupby("segment", sort=True)
    out = pd.DataFrame({"active": g.size().astype(np.int64), "retained": g["retained"].sum().astype(np.int64)})
    out["retention"] = out["retained"] / out["active"]
    out.index.name = segment_col
    return out


def retention_clv(margin: Any, retention: Any, discount_rate: Any) -> Any:
    """Retention-based CLV of a customer: ``margin * r / (1 + d - r)``.

    The value today of a constant margin per period received at the *end* of every future
    period the customer survives, when a customer survives each period with probability
    ``r`` and cash is discounted at ``d`` per period:
    ``sum_{t>=1} m r^t / (1+d)^t = m r / (1 + d - r)``. The current period's margin is not
    included (add ``margin`` for the "margin now + future" variant).

    Parameters
    ----------
    margin : float or array-like
        Margin per customer per period (>= 0).
    retention : float or array-like
        Retention rate per period, ``0 <= r < 1``.
    discount_rate : float or array-like
        Discount rate per period, ``d >= 0``.

    Returns
    -------
    float or ndarray
        Same shape as the broadcast inputs.

    Examples
    --------
    >>> round(retention_clv(100.0, 0.8, 0.1), 2)   # 100 * 0.8 / 0.3
    266.67
    """
    m = np.asarray(margin, dtype=float)
    r = np.asarray(retention, dtype=float)
    d = np.asarray(discount_rate, dtype=float)
    for name, arr in (("margin", m), ("retention", r), ("discount_rate", d)):
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"{name} must be finite numbers")
    if np.any(r < 0) or np.any(r >= 1):
        raise ParameterError("retention must be in [0, 1) (a rate of 1 means customers never leave)")
    if np.any(d < 0):
        raise ParameterError("discount_rate must be >= 0")
    out = m * r / (1.0 + d - r)
    return float(out) if out.ndim == 0 else out


def segment_clv(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str,
    *,
    discount_rate: float,
    segment_col: str | None = None,
    margin_rate: float = 1.0,
    retention: float | dict | None = None,
    freq: str = "Y",
    date_format: str | None = None,
) -> pd.DataFrame:
    """Retention-based CLV per segment from transactions and parameters.

    ``margin`` is the average margin per *active* customer per period
    (``margin_rate * revenue / active customer-periods``), ``retention`` is measured with
    :func:`retention_rate` unless given, and ``clv = margin * r / (1 + d - r)``.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, date_col, amount_col : str
        Customer id, date and amount columns.
    discount_rate : float
        Discount rate per period (e.g. 0.10 a year with ``freq="Y"``).
    segment_col : str, optional
        Customer attribute to split by; without it one row ``"all"``.
    margin_rate : float, default 1.0
        Gross margin as a share of revenue.
    retention : float or dict, optional
        Retention per period, one number for every segment or ``{segment: rate}``;
        measured from the data when omitted.
    freq : str, default "Y"
        Length of a period.
    date_format : str, optional
        ``strftime`` format of ``date_col`` if pandas cannot guess it.

    Returns
    -------
    DataFrame
        Columns ``customers, active_periods, revenue, margin_per_period, retention,
        discount_rate, clv, historical_margin_per_customer``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2022-05-01", "2023-05-01", "2022-06-01"]),
    ...                    "amount": [100.0, 100.0, 100.0]})
    >>> segment_clv(tx, "customer", "date", "amount", discount_rate=0.1, retention=0.5)["clv"]
    all    83.333333
    Name: clv, dtype: float64
    """
    d = _check_positive(discount_rate, "discount_rate", allow_zero=True)
    margin_rate = _check_positive(margin_rate, "margin_rate", allow_zero=True)
    if margin_rate > 1:
        raise ParameterError(f"margin_rate is a share of revenue and must be <= 1, not {margin_rate}")
    _require_frame(transactions)
    _require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "amount_col": amount_col, "segment_col": segment_col})
    hist = historical_value(transactions, customer_col, date_col, amount_col,
                            margin_rate=margin_rate, segment_col=segment_col, date_format=date_format)
    dates = _datetime_values(transactions[date_col], date_col, date_format)
    per = _period_ordinals(dates, freq)
    cp = pd.DataFrame({"c": transactions[customer_col].to_numpy(), "p": per}).drop_duplicates()
    active_periods = cp.groupby("c").size()
    hist["active_periods"] = active_periods.reindex(hist.index).to_numpy()
    key = hist[segment_col] if segment_col is not None else pd.Series("all", index=hist.index)
    g = hist.groupby(key.to_numpy(), sort=True)
    out = pd.DataFrame({
        "customers": g.size().astype(np.int64),
        "active_periods": g["active_periods"].sum().astype(np.int64),
        "revenue": g["revenue"].sum(),
    })
    out["margin_per_period"] = margin_rate * out["revenue"] / out["active_periods"]
    if retention is None:
        rates = retention_rate(transactions, customer_col, date_col, freq=freq,
                               segment_col=segment_col, date_format=date_format)["retention"]
        out["retention"] = rates.reindex(out.index).to_numpy()
    elif isinstance(retention, dict):
        missing = [s for s in out.index if s not in retention]
        if missing:
            raise ParameterError(f"retention has no rate for segment(s): {', '.join(map(str, missing))}")
        out["retention"] = [float(retention[s]) for s in out.index]
    else:
        out["retention"] = float(retention)
    out["discount_rate"] = d
    out["clv"] = retention_clv(out["margin_per_period"].to_numpy(), out["retention"].fillna(0.0).to_numpy(), d)
    out["historical_margin_per_customer"] = g["margin"].sum() / out["customers"]
    out.index.name = segment_col
    return out


# --------------------------------------------------------------------------------------
# RFM summary
# --------------------------------------------------------------------------------------


def _period_stats(codes: np.ndarray, per: np.ndarray, amounts: np.ndarray | None, n_cust: int):
    """Per customer code: first/last period, number of distinct periods, amount of the first
    period and total amount (amounts summed within a period).

    Vectorised without an argsort (the slow part of a groupby): ``ufunc.at`` for first/last
    period, ``bincount`` for sums and one ``np.sort`` of the (customer, period) keys to count
    distinct periods.
    """
    first = np.full(n_cust, np.iinfo(np.int64).max, dtype=np.int64)
    lastp = np.full(n_cust, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, codes, per)
    np.maximum.at(lastp, codes, per)
    pmin = int(per.min())
    span = int(per.max()) - pmin + 1
    if n_cust * span < 2**62:
        ks = np.sort(codes * span + (per - pmin))
        brk = np.empty(len(ks), dtype=bool)
        brk[0] = True
        np.not_equal(ks[1:], ks[:-1], out=brk[1:])
        ucust = ks[brk] // span
        del ks, brk
    else:  # pragma: no cover - astronomically many customers x periods
        pairs = pd.DataFrame({"c": codes, "p": per}).drop_duplicates()
        ucust = pairs["c"].to_numpy()
    n_periods = np.bincount(ucust, minlength=n_cust)
    first_amt = total = None
    if amounts is not None:
        total = np.bincount(codes, weights=amounts, minlength=n_cust)
        in_first = per == first[codes]
        first_amt = np.bincount(codes[in_first], weights=amounts[in_first], minlength=n_cust)
    return first, lastp, n_periods, first_amt, total


def rfm_summary(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    calibration_end: Any = None,
    observation_end: Any = None,
    freq: str = "W",
    *,
    freq_multiplier: float = 1,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Frequency, recency, age and monetary value per customer, as in ``lifetimes``.

    Transactions are floored to periods of ``freq`` and purchases in the same period are
    merged (their amounts summed). For each customer:

    - ``frequency``: number of **repeat** purchase periods (periods with a purchase, minus 1);
    - ``recency``: time from the first to the last purchase period;
    - ``T``: time from the first purchase period to the end period (``calibration_end``,
      else ``observation_end``, else the last date in the data);
    - ``monetary_value``: mean amount of the repeat purchase periods (the first purchase is
      excluded), 0 for customers without a repeat purchase.

    Times are in periods of ``freq`` divided by ``freq_multiplier``: ``freq="W"`` counts
    calendar weeks (Monday-Sunday, as pandas' ``"W"``); ``freq="D", freq_multiplier=7``
    gives exact weeks (days / 7), the convention of Fader, Hardie & Lee.

    With ``calibration_end`` the summary covers the calibration period only (customers whose
    first purchase is after it are left out) and three hold-out columns are added for the
    transactions in ``(calibration_end, observation_end]``: ``frequency_holdout`` (purchase
    periods), ``monetary_value_holdout`` (mean amount per purchase period, 0 if none) and
    ``duration_holdout``. Unlike ``lifetimes`` the calibration columns keep their plain names
    so the frame can be passed to the fitters directly.

    End dates are inclusive: a date without a time includes that whole day.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, date_col : str
        Customer id and transaction date columns.
    amount_col : str, optional
        Transaction value column (needed for ``monetary_value``); amounts must be >= 0.
    calibration_end : date-like, optional
        End of the calibration period.
    observation_end : date-like, optional
        End of the observation (hold-out) period; later transactions are ignored.
        Default: the last date in the data.
    freq : str, default "W"
        Period length: ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``, ``"h"`` or any pandas
        period alias.
    freq_multiplier : float, default 1
        Divide recency, T and duration by this (e.g. ``freq="D", freq_multiplier=7``).
    date_format : str, optional
        ``strftime`` format of ``date_col`` (e.g. ``"%Y%m%d"``) if pandas cannot guess it.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), float columns ``frequency, recency, T``
        [``, monetary_value``] [``, frequency_holdout[, monetary_value_holdout], duration_holdout``].

    Raises
    ------
    ParameterError
        Missing columns, unparseable dates, missing or negative amounts, an end date before
        every transaction, ``observation_end`` before ``calibration_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-15",
    ...                                            "2024-01-08"]),
    ...                    "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> rfm_summary(tx, "customer", "date", "amount", observation_end="2024-01-28", freq="W")
    ... # doctest: +NORMALIZE_WHITESPACE
              frequency  recency    T  monetary_value
    customer
    a               1.0      2.0  3.0            20.0
    b               0.0      0.0  2.0             0.0
    """
    _require_frame(transactions)
    _require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "amount_col": amount_col})
    if not isinstance(freq, str):
        raise ParameterError(f"freq must be a string such as 'D' or 'W', not {freq!r}")
    mult = _check_positive(freq_multiplier, "freq_multiplier")
    if len(transactions) == 0:
        raise ParameterError("transactions is empty")

    dates = _datetime_values(transactions[date_col], date_col, date_format)
    ns = dates.view(np.int64)
    amounts = _amount_values(transactions[amount_col], amount_col) if amount_col is not None else None
    codes, uniques = _customer_codes(transactions[customer_col], customer_col)
    first_date = pd.Timestamp(dates.min())

    obs = _timestamp(observation_end, "observation_end") if observation_end is not None else None
    cal = _timestamp(calibration_end, "calibration_end") if calibration_end is not None else None
    if obs is not None and _cutoff_ns(obs) < ns.min():
        raise ParameterError(
            f"observation_end={obs.date()} is before every transaction (first: {first_date.date()})"
        )
    if cal is not None:
        if _cutoff_ns(cal) < ns.min():
            raise ParameterError(
                f"calibration_end={cal.date()} is before every transaction (first: {first_date.date()}); "
                f"choose a later date"
            )
        if obs is not None and obs < cal:
            raise ParameterError(
                f"observation_end={obs.date()} is before calibration_end={cal.date()}"
            )
    obs_ns = _cutoff_ns(obs) if obs is not None else int(ns.max())
    end_ts = cal if cal is not None else (obs if obs is not None else pd.Timestamp(dates.max()))
    end_ns = _cutoff_ns(cal) if cal is not None else obs_ns

    per = _period_ordinals(dates, freq)
    end_per = int(_period_ordinals(np.array([end_ts.as_unit("ns").asm8], dtype="datetime64[ns]"), freq)[0])

    in_cal = ns <= end_ns
    all_in = bool(in_cal.all())
    c_codes = codes if all_in else codes[in_cal]
    c_per = per if all_in else per[in_cal]
    c_amt = amounts if (amounts is None or all_in) else amounts[in_cal]
    n_cust = len(uniques)
    first, lastp, n_periods, first_amt, total = _period_stats(c_codes, c_per, c_amt, n_cust)

    present = n_periods > 0
    freq_rep = (n_periods - 1).astype(np.float64)
    out = {
        "frequency": freq_rep,
        "recency": (lastp - first) / mult,
        "T": (end_per - first) / mult,
    }
    if amounts is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            mv = np.where(n_periods > 1, (total - first_amt) / np.maximum(n_periods - 1, 1), 0.0)
        out["monetary_value"] = mv

    if cal is not None:
        hold = (ns > end_ns) & (ns <= obs_ns)
        obs_ts = obs if obs is not None else pd.Timestamp(dates.max())
        obs_per = int(_period_ordinals(np.array([obs_ts.as_unit("ns").asm8], dtype="datetime64[ns]"), freq)[0])
        if hold.any():
            _, _, h_n, _, h_total = _period_stats(codes[hold], per[hold],
                                                  amounts[hold] if amounts is not None else None, n_cust)
        else:
            h_n, h_total = np.zeros(n_cust, dtype=np.int64), np.zeros(n_cust)
        out["frequency_holdout"] = h_n.astype(np.float64)
        if amounts is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                out["monetary_value_holdout"] = np.where(h_n > 0, h_total / np.maximum(h_n, 1), 0.0)
        out["duration_holdout"] = np.full(n_cust, (obs_per - end_per) / mult)

    frame = pd.DataFrame({k: np.asarray(v, dtype=np.float64)[present] for k, v in out.items()},
                         index=uniques[present])
    frame.index.name = customer_col
    try:
        frame = frame.sort_index()
    except TypeError:  # mixed, unorderable ids: keep order of first appearance
        pass
    return frame


# --------------------------------------------------------------------------------------
# fitters
# --------------------------------------------------------------------------------------


def _as_float_array(x: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(x.to_numpy(dtype=np.float64) if isinstance(x, (pd.Series, pd.Index)) else x,
                         dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be numbers") from None
    if arr.ndim > 1:
        raise ParameterError(f"{name} must be one-dimensional")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} has missing or infinite values")
    return arr


def _check_rft(frequency, recency, T, *, fit: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _as_float_array(frequency, "frequency")
    tx = _as_float_array(recency, "recency")
    T_ = _as_float_array(T, "T")
    try:
        x, tx, T_ = np.broadcast_arrays(x, tx, T_)
    except ValueError:
        raise ParameterError("frequency, recency and T must have the same length") from None
    if np.any(x < 0):
        raise ParameterError("frequency must be >= 0 (it counts repeat purchase periods)")
    if np.any(tx < 0) or np.any(T_ < 0):
        raise ParameterError("recency and T must be >= 0")
    if np.any(tx > T_ * (1 + 1e-12) + 1e-12):
        raise ParameterError("recency must not exceed T (recency is measured inside the period of age T)")
    if fit and np.any((x == 0) & (tx != 0)):
        raise ParameterError("recency must be 0 for customers with frequency 0 (lifetimes convention)")
    return x, tx, T_


def _wrap(result: np.ndarray, *inputs: Any, name: str | None = None) -> Any:
    """Return a Series if any input is a Series (with its index), a float for scalars."""
    for arg in inputs:
        if isinstance(arg, pd.Series) and result.shape == (len(arg),):
            return pd.Series(result, index=arg.index, name=name)
    if np.ndim(result) == 0:
        return float(result)
    return result


def _unique_x(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``x`` and the index that spreads them back."""
    xu, xi = np.unique(x, return_inverse=True)
    return xu, xi.ravel()


def _compress(*cols: np.ndarray, weights: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Merge identical rows, summing their weights (speeds fits on period data a lot)."""
    stacked = np.column_stack(cols)
    uniq, inv = np.unique(stacked, axis=0, return_inverse=True)
    w = np.bincount(inv.ravel(), weights=weights, minlength=len(uniq))
    return [uniq[:, i] for i in range(uniq.shape[1])], w


class _Fitter:
    """Shared machinery: parameter bookkeeping, optimisation, standard errors."""

    _param_names: tuple[str, ...] = ()
    #: parameters measured in the data's time unit (rates' scales: alpha, beta); the penalty
    #: sees them divided by the longest T, as lifetimes does, so it does not depend on the unit
    _time_params: tuple[str, ...] = ()
    #: lifetimes' Pareto/NBD penalises the *total* negative log-likelihood (it divides by the
    #: mean weight, 1 for unweighted data), not the mean: the penalty per customer is c / n
    _penalty_on_total: bool = False

    def __init__(self, penalizer_coef: float = 0.0):
        self.penalizer_coef = _check_positive(penalizer_coef, "penalizer_coef", allow_zero=True)
        self.params_: pd.Series | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: int | None = None
        self._data: tuple | None = None
        self._summary: pd.DataFrame | None = None

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.params_ is None:
            return f"<{name}: not fitted>"
        ps = ", ".join(f"{k}: {v:.4g}" for k, v in self.params_.items())
        return f"<{name}: fitted with {self.n_customers_:,} customers, {ps}>"

    def _check_fitted(self) -> np.ndarray:
        if self.params_ is None:
            raise ParameterError(f"{type(self).__name__} is not fitted yet; call .fit(...) first")
        return self.params_.to_numpy()

    def _fit_rft(self, frequency, recency, T, weights, initial_params, tol: float, maxiter: int, *,
                 model: str, default_start: Callable[..., np.ndarray]):
        """Check and compress (frequency, recency, T, weights), optimise, store; the shared body
        of the transaction models' ``fit``. ``default_start(x, tx, T, w)`` gives the start."""
        x, tx, T_ = _check_rft(frequency, recency, T, fit=True)
        if len(x) == 0:
            raise ParameterError("no customers to fit")
        w = np.ones(len(x)) if weights is None else _as_float_array(weights, "weights")
        if w.shape != x.shape or np.any(w < 0):
            raise ParameterError("weights must be >= 0, one per customer")
        if not np.any((x > 0) & (w > 0)):
            raise ParameterError(
                f"no customer has a repeat purchase (frequency > 0); the {model} model cannot be "
                "estimated -- use a longer calibration period or a shorter freq"
            )
        t_max = float(T_.max())
        (x, tx, T_), w = _compress(x, tx, T_, weights=w)
        if initial_params is None:
            start = default_start(x, tx, T_, w)
        else:
            start = np.asarray(initial_params, dtype=float)
            if start.shape != (len(self._param_names),) or np.any(start <= 0):
                raise ParameterError(f"initial_params must be {len(self._param_names)} positive numbers: "
                                     + ", ".join(self._param_names))
        data = (x, tx, T_, *_unique_x(x))
        # lifetimes fits in time rescaled so that max(T) = 1 and penalises the rescaled
        # parameters: the same penalty here, whatever the time unit of the data
        k = np.array([(1.0 / t_max if t_max > 0 else 1.0) if n in self._time_params else 1.0
                      for n in self._param_names])
        coef = self.penalizer_coef / w.sum() if self._penalty_on_total else self.penalizer_coef
        params = self._optimise(data, w, start, tol, maxiter, penalty=(coef, k))
        self._store(params, data, w, n=int(np.rint(w.sum())))
        return self

    # subclasses implement _loglik(params, *data) -> per-row ll, and optionally _grad
    def _loglik(self, params: np.ndarray, *data: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _grad(self, params: np.ndarray, *data: np.ndarray) -> np.ndarray | None:
        return None

    def _optimise(self, data: tuple, w: np.ndarray, start: np.ndarray, tol: float, maxiter: int,
                  penalty: tuple[float, np.ndarray] | None = None) -> np.ndarray:
        """Minimise ``-mean weighted log-likelihood + coef * sum((k * params)**2)`` over
        log-parameters; ``penalty = (coef, k)``, default ``(penalizer_coef, 1)``."""
        wsum = w.sum()
        pen, k = penalty if penalty is not None else (self.penalizer_coef, np.ones(len(start)))
        k2 = np.asarray(k, dtype=float) ** 2
        has_grad = self._grad(start, *data) is not None

        def objective(theta):
            params = np.exp(theta)
            with np.errstate(all="ignore"):
                ll = self._loglik(params, *data)
            val = -np.dot(w, ll) / wsum + pen * np.sum(k2 * params**2)
            if not np.isfinite(val):
                val = 1e300
            if not has_grad:
                return val
            with np.errstate(all="ignore"):
                g = self._grad(params, *data)  # (n_params, n_rows), d ll / d param
            grad = -(g @ w) / wsum * params + 2 * pen * k2 * params**2
            if not np.all(np.isfinite(grad)):
                grad = np.nan_to_num(grad, nan=0.0, posinf=1e10, neginf=-1e10)
            return val, grad

        theta0 = np.log(start)
        bounds = [(-30.0, 30.0)] * len(start)
        res = optimize.minimize(objective, theta0, jac=has_grad, method="L-BFGS-B", bounds=bounds,
                                options={"maxiter": maxiter, "ftol": tol, "gtol": tol * 1e-2,
                                         "maxcor": 20})
        best = res.x
        # polish with Nelder-Mead if L-BFGS-B stopped early (it can on flat, badly scaled surfaces)
        fun = (lambda th: objective(th)[0]) if has_grad else objective
        if not res.success:
            nm = optimize.minimize(fun, best, method="Nelder-Mead",
                                   options={"xatol": 1e-9, "fatol": tol, "maxiter": 20000,
                                            "maxfev": 40000})
            if nm.fun <= fun(best):
                best = nm.x
            if not has_grad:  # back to L-BFGS-B (finite differences) from the polished point
                res2 = optimize.minimize(fun, best, method="L-BFGS-B", bounds=bounds,
                                         options={"maxiter": maxiter, "ftol": tol})
                if res2.fun <= fun(best):
                    best = res2.x
        if np.any(np.abs(best) >= 29.99):
            raise ParameterError(
                f"{type(self).__name__} did not converge (a parameter ran to 0 or infinity); the data "
                f"may not fit the model -- try penalizer_coef=0.001 or check the summary"
            )
        return np.exp(best)

    def _store(self, params: np.ndarray, data: tuple, w: np.ndarray, n: int) -> None:
        self.params_ = pd.Series(params, index=list(self._param_names), dtype=float)
        self._data = (data, w)
        with np.errstate(all="ignore"):
            self.log_likelihood_ = float(np.dot(w, self._loglik(params, *data)))
        self.n_customers_ = int(n)
        self._summary = None

    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors (inverse of the observed information, numerical
        Hessian of the log-likelihood) and 95% Wald bounds, like ``lifetimes``' ``summary``."""
        params = self._check_fitted()
        if self._summary is None:
            data, w = self._data

            def ll(p):
                with np.errstate(all="ignore"):
                    return float(np.dot(w, self._loglik(p, *data)))

            k = len(params)
            h = 1e-4 * params
            hess = np.empty((k, k))
            for i in range(k):
                for j in range(i, k):
                    ei, ej = np.zeros(k), np.zeros(k)
                    ei[i], ej[j] = h[i], h[j]
                    v = (ll(params + ei + ej) - ll(params + ei - ej) - ll(params - ei + ej)
                         + ll(params - ei - ej)) / (4 * h[i] * h[j])
                    hess[i, j] = hess[j, i] = v
            try:
                cov = np.linalg.inv(-hess)
                se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
            except np.linalg.LinAlgError:
                se = np.full(k, np.nan)
            self._summary = pd.DataFrame(
                {"coef": params, "se(coef)": se, "lower 95% bound": params - 1.96 * se,
                 "upper 95% bound": params + 1.96 * se},
                index=list(self._param_names),
            )
        return self._summary.copy()


class BetaGeoFitter(_Fitter):
    """BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

    While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; after each
    purchase they drop out with probability ``p ~ Beta(a, b)``. Times are in the units of
    ``recency``/``T`` (weeks for ``rfm_summary(freq="W")``).

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``c * (r**2 + (alpha/T_max)**2 + a**2 + b**2)`` added to the mean
        negative log-likelihood, ``T_max`` being the longest ``T`` in the data: exactly
        ``lifetimes``' penalty (which fits in time rescaled to ``T_max = 1``), so the fit
        does not depend on the time unit (weeks or days give the same model). 0 gives the
        maximum-likelihood estimate.

    Attributes
    ----------
    params_ : Series
        ``r, alpha, a, b`` after :meth:`fit`.
    log_likelihood_ : float
        Total log-likelihood at ``params_``.

    Examples
    --------
    >>> bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])  # doctest: +SKIP
    >>> bgf.params_                                                                         # doctest: +SKIP
    r        0.243
    alpha    4.414
    a        0.793
    b        2.426
    """

    _param_names = ("r", "alpha", "a", "b")
    _time_params = ("alpha",)

    def fit(self, frequency, recency, T, weights=None, initial_params=None, tol: float = 1e-12,
            maxiter: int = 2000) -> BetaGeoFitter:
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like
            As returned by :func:`rfm_summary`.
        weights : array-like, optional
            Number of customers each row stands for (for pre-aggregated data).
        initial_params : sequence of 4 floats, optional
            Starting ``r, alpha, a, b``.
        tol : float
            Convergence tolerance on the mean log-likelihood.
        maxiter : int
            Maximum iterations of the optimiser.

        Returns
        -------
        BetaGeoFitter
            ``self``, fitted.
        """
        def start(x, tx, T_, w):
            rate = np.dot(w, x) / max(np.dot(w, T_), 1e-12)
            return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, 2.0])

        return self._fit_rft(frequency, recency, T, weights, initial_params, tol, maxiter, model="BG/NBD",
                             default_start=start)

    @staticmethod
    def _terms(params, x, tx, T, xu=None, xi=None):
        """log of the two parts of the BG/NBD likelihood (without the common factor).

        Functions of ``x`` alone (gammaln) are evaluated once per distinct ``x`` (``xu``),
        then spread with ``xi``: ``x`` is an integer count with few distinct values, and
        scipy's special functions are the slow part of a fit.
        """
        r, alpha, a, b = params
        if xu is None:
            xu, xi = _unique_x(x)
        pos = x > 0
        g_abx = special.gammaln(a + b + xu)[xi]
        u1 = special.gammaln(a) + special.gammaln(b + xu)[xi] - g_abx - (r + x) * np.log(alpha + T)
        g_bx1 = special.gammaln(np.where(xu > 0, b + xu - 1, 1.0))[xi]
        u2 = np.where(pos, special.gammaln(a + 1) + g_bx1 - g_abx - (r + x) * np.log(alpha + tx), -np.inf)
        return u1, u2

    def _loglik(self, params, x, tx, T, xu=None, xi=None):
        r, alpha, a, b = params
        if xu is None:
            xu, xi = _unique_x(x)
        u1, u2 = self._terms(params, x, tx, T, xu, xi)
        return (special.gammaln(r + xu)[xi] - special.gammaln(r) + r * np.log(alpha)
                - special.betaln(a, b) + np.logaddexp(u1, u2))

    def _grad(self, params, x, tx, T, xu=None, xi=None):
        r, alpha, a, b = params
        if xu is None:
            xu, xi = _unique_x(x)
        u1, u2 = self._terms(params, x, tx, T, xu, xi)
        w2 = special.expit(u2 - u1)  # share of the second term
        w1 = 1.0 - w2
        pos = x > 0
        dg = special.digamma
        l_aT, l_atx = np.log(alpha + T), np.log(alpha + tx)
        d_r = dg(r + xu)[xi] - dg(r) + np.log(alpha) - w1 * l_aT - w2 * l_atx
        d_alpha = r / alpha - w1 * (r + x) / (alpha + T) - w2 * (r + x) / (alpha + tx)
        psi_abx = dg(a + b + xu)[xi]
        d_a = (-(dg(a) - dg(a + b)) + w1 * (dg(a) - psi_abx)
               + np.where(pos, w2 * (dg(a + 1) - psi_abx), 0.0))
        psi_bx1 = dg(np.where(xu > 0, b + xu - 1, 1.0))[xi]
        d_b = (-(dg(b) - dg(a + b)) + w1 * (dg(b + xu)[xi] - psi_abx)
               + np.where(pos, w2 * (psi_bx1 - psi_abx), 0.0))
        return np.vstack([d_r, d_alpha, d_a, d_b])

    # ---- predictions ------------------------------------------------------------------

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive | frequency, recency, T): probability the customer has not dropped out.

        Equals 1 for customers with ``frequency == 0`` (under BG/NBD a customer can only
        drop out right after a repeat purchase).
        """
        r, alpha, a, b = self._check_fitted()
        x, tx, T_ = _check_rft(frequency, recency, T, fit=False)
        pos = x > 0
        with np.errstate(all="ignore"):
            u = np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)) + (r + x) * (np.log(alpha + T_) - np.log(alpha + tx))
        res = np.where(pos, special.expit(-u), 1.0)
        return _wrap(res, frequency, recency, T, name="p_alive")

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """Expected number of purchases in the next ``t`` time units, given the history.

        ``E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] * P(alive)``, evaluated through Euler's
        transformation of 2F1 for numerical stability at large ``x``.
        """
        params = self._check_fitted()
        t_arr = _as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError("t must be >= 0")
        x, tx, T_ = _check_rft(frequency, recency, T, fit=False)
        p_alive = np.asarray(self.conditional_probability_alive(x, tx, T_), dtype=float)
        res = self._expected(params, t_arr, x, T_) * p_alive
        return _wrap(res, frequency, recency, T, t, name="expected_purchases")

    predict = conditional_expected_number_of_purchases_up_to_time

    @staticmethod
    def _expected(params, t, x, T):
        """``E[Y(t) | alive, x, T]`` (without P(alive)): Fader, Hardie & Lee (2005), eq. (9)
        and (10), after Euler's transformation:
        ``c/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z)]``, c = a+b+x-1, z = t/(alpha+T+t).

        The closed form is 0/0 at a = 1 and loses digits near it (relative error about
        1e-15 / |a-1|); for |a - 1| < ``_A_NEAR_ONE`` it is evaluated as
        ``c [-expm1((a-1) L)/(a-1) - (1-z)^(a-1) S]`` with ``L = log(1-z)`` and
        ``S = (2F1 - 1)/(a-1)`` summed as its own series (:func:`_bg_series_near_one`), whose
        value at a = 1 gives the limit ``c [-log(1-z) - sum_n (b-r)_n z^n / (n (b+x)_n)]``.
        """
        r, alpha, a, b = params
        with np.errstate(all="ignore"):
            z = t / (alpha + T + t)
            c = a + b + x - 1
            # c = 0 (x = 0 with a + b = 1) is a removable singularity of the closed form: evaluate
            # a hair beside it (the expectation is continuous in c; the error is of order 1e-7)
            c = np.where(np.abs(c) < 1e-7, 1e-7, c)
            if abs(a - 1) < _A_NEAR_ONE:
                e = a - 1
                L = np.log1p(-z)
                first = -L if e == 0 else -np.expm1(e * L) / e
                S = _bg_series_near_one(e, a + b - 1 - r, c, z)
                return np.where(t == 0, 0.0, c * (first - np.exp(e * L) * S))
            F = _hyp2f1(a + b - 1 - r, a - 1, c, z)
            # log form where F > 0 (accurate near 1); F can be <= 0 when c < 0 (a + b + x < 1)
            second = np.where(F > 0, -np.expm1((a - 1) * np.log1p(-z) + np.log(np.abs(F))),
                              1.0 - np.exp((a - 1) * np.log1p(-z)) * F)
            res = c / (a - 1) * second
        return np.where(t == 0, 0.0, res)

    def expected_number_of_purchases_up_to_time(self, t):
        """Expected repeat purchases in ``(0, t]`` of a customer who made a first purchase at 0.

        ``E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]``.
        """
        params = self._check_fitted()
        t_arr = _as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError("t must be >= 0")
        res = self._expected(params, t_arr, 0.0, 0.0)
        return _wrap(res, t, name="expected_purchases")


#: below this |a - 1| the BG/NBD expectation is summed as a series (see BetaGeoFitter._expected);
#: the closed form's error there would exceed about 1e-13
_A_NEAR_ONE = 1e-2


def _bg_series_near_one(e, p, c, z, max_terms: int = 2_000_000):
    """``S = (2F1(p, e; c; z) - 1) / e = sum_{n>=1} (p)_n (1+e)_(n-1) z^n / ((c)_n n!)``
    for 0 <= z < 1, without the cancellation of the difference (exact at e = 0 too).

    Terms shrink like ``z^n``; the sum stops when the geometric bound on the remaining tail,
    ``|term| z / (1 - z)``, is below 1e-17 of the sum.
    """
    c, z = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(z, dtype=float))
    term = p * z / c
    total = term.copy()
    tail = z / np.maximum(1.0 - z, 1e-300)
    for n in range(1, max_terms):
        if np.all(np.abs(term) * tail <= 1e-17 * np.abs(total)):
            break
        term = term * (p + n) * (e + n) * z / ((c + n) * (n + 1))
        total = total + term
    return total


def _hyp2f1(p, q, c, z, max_terms: int = 100_000):
    """Gauss's 2F1(p, q; c; z) for 0 <= z < 1: scipy's value, with the power series summed
    directly wherever scipy returns a non-finite value.

    scipy's ``hyp2f1`` overflows in parts of this domain (e.g. 2F1(1, 1; 101; 0.906) comes
    back as inf instead of 1.0091); the series converges there, and the BG/NBD
    expectation only needs it for a handful of customers.
    """
    p, q, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (p, q, c, z)))
    out = np.array(special.hyp2f1(p, q, c, z), dtype=float)
    bad = ~np.isfinite(out)
    if bad.any():
        pb, qb, cb, zb = p[bad], q[bad], c[bad], z[bad]
        term = np.ones_like(zb)
        total = np.ones_like(zb)
        for n in range(max_terms):
            term = term * (pb + n) * (qb + n) / ((cb + n) * (n + 1)) * zb
            total = total + term
            if np.all(np.abs(term) <= 1e-16 * np.abs(total)):
                break
        out[bad] = total
    return out if out.ndim else float(out)


class ParetoNBDFitter(_Fitter):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

    While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; lifetimes are
    exponential with rate ``mu ~ Gamma(s, beta)``. The likelihood follows Fader & Hardie
    (2005, "A note on deriving the Pareto/NBD model and related expressions"); the
    hypergeometric terms are evaluated after an Euler transformation so that they stay
    bounded (no overflow for heavy buyers) and the difference of the two terms is taken in
    log space.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``c * (r**2 + (alpha/T_max)**2 + s**2 + (beta/T_max)**2)`` added to the
        *total* negative log-likelihood (``T_max`` the longest ``T``): ``lifetimes``'
        Pareto/NBD penalty (it fits in time rescaled to ``T_max = 1``), so the fit does not
        depend on the time unit. Relative to the mean log-likelihood it is ``n`` times
        weaker than the BG/NBD penalty of the same ``c``, because ``lifetimes`` normalises
        the two likelihoods differently and this class follows it. (With ``weights``,
        ``lifetimes`` divides the total by the mean weight of the rows, so its fit depends on
        how customers are grouped into rows; here grouped and ungrouped data fit alike, and
        equal ``lifetimes`` on unweighted data.)

    Attributes
    ----------
    params_ : Series
        ``r, alpha, s, beta`` after :meth:`fit`.
    log_likelihood_ : float
        Total log-likelihood.

    Examples
    --------
    >>> pnbd = ParetoNBDFitter().fit(summary["frequency"], summary["recency"], summary["T"])  # doctest: +SKIP
    """

    _param_names = ("r", "alpha", "s", "beta")
    _time_params = ("alpha", "beta")
    _penalty_on_total = True

    def fit(self, frequency, recency, T, weights=None, initial_params=None, tol: float = 1e-12,
            maxiter: int = 2000) -> ParetoNBDFitter:
        """Fit by maximum likelihood (same arguments as :meth:`BetaGeoFitter.fit`, with
        ``initial_params = (r, alpha, s, beta)``)."""
        def start(x, tx, T_, w):
            rate = np.dot(w, x) / max(np.dot(w, T_), 1e-12)
            mean_T = np.dot(w, T_) / w.sum()
            return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, max(mean_T, 1e-3)])

        return self._fit_rft(frequency, recency, T, weights, initial_params, tol, maxiter, model="Pareto/NBD",
                             default_start=start)

    @classmethod
    def _log_term(cls, params, x, y):
        """log of term(y) = (r+s+x) * Integral_y^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du,
        i.e. the A0 pieces of Fader & Hardie after Euler's transform.

        SciPy's ``hyp2f1`` returns NaN (or a value outside the function's known bounds) for
        heavy buyers when z is close to 1 (e.g. alpha = 100, beta = 0.01, x = 200); those
        entries are integrated numerically instead (:meth:`_log_term_quad`).
        """
        r, alpha, s, beta = params
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        c = r + s + x + 1
        with np.errstate(all="ignore"):
            if alpha >= beta:
                z = (alpha - beta) / (alpha + y)
                F = special.hyp2f1(1.0, r + x, c, z)
                # 1 <= F <= 2F1(1, r+x; c; 1) = (c-1)/s (Gauss's theorem; c - 1 - (r+x) = s > 0)
                ok = np.isfinite(F) & (F >= 1.0 - 1e-12) & (F <= (c - 1) / s * (1 + 1e-9))
                out = np.log(F) - (r + x) * np.log(alpha + y) - s * np.log(beta + y)
            else:
                z = (beta - alpha) / (beta + y)
                G = special.hyp2f1(1.0, s + 1, c, z)
                ok = np.isfinite(G) & (G >= 1.0 - 1e-12)
                out = np.log(G) + (1 - r - x) * np.log(alpha + y) - (s + 1) * np.log(beta + y)
        if np.all(ok):
            return out
        out, ok = np.broadcast_arrays(out, ok)
        out = np.array(out, dtype=float)
        xb, yb = np.broadcast_arrays(x, y)
        for i in zip(*np.nonzero(~ok)) if out.ndim else [()]:
            out[i] = cls._log_term_quad(params, float(xb[i]), float(yb[i]))
        return out

    @staticmethod
    def _log_term_quad(params, x: float, y: float) -> float:
        """:meth:`_log_term` by quadrature, for the entries where ``hyp2f1`` fails.

        With A = alpha + y, B = beta + y and u = y + B w, the integral is
        A^-(r+x) B^-s J with J = Integral_0^inf (1 + (B/A) w)^-(r+x) (1 + w)^-(s+1) dw: a
        positive, decreasing integrand, bounded by 1/s, integrated in two pieces (its scale
        near 0 is 1 / ((B/A)(r+x) + s + 1)).
        """
        from scipy import integrate

        r, alpha, s, beta = params
        A, B = alpha + y, beta + y
        rho = B / A
        k, m = r + x, s + 1

        def f(w):
            return np.exp(-k * np.log1p(rho * w) - m * np.log1p(w))

        w0 = 50.0 / (rho * k + m)
        head, _ = integrate.quad(f, 0.0, w0, epsabs=0.0, epsrel=1e-12, limit=200)
        tail, _ = integrate.quad(f, w0, np.inf, epsabs=0.0, epsrel=1e-12, limit=200)
        return float(np.log(r + s + x) + np.log(head + tail) - k * np.log(A) - s * np.log(B))

    def _log_bracket(self, params, x, tx, T):
        """log[(alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) (term(t_x) - term(T))] and its first part."""
        r, alpha, s, beta = params
        lP = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        lt_tx = self._log_term(params, x, tx)
        lt_T = self._log_term(params, x, T)
        # term(t_x) - term(T) >= 0; computed as term(t_x) * (1 - exp(lt_T - lt_tx))
        diff_log = lt_tx + np.log(np.clip(-np.expm1(np.minimum(lt_T - lt_tx, 0.0)), 1e-300, None))
        l2 = np.log(s) - np.log(r + s + x) + diff_log
        return np.logaddexp(lP, l2), lP

    def _loglik(self, params, x, tx, T, xu=None, xi=None):
        r, alpha, s, beta = params
        lb, _ = self._log_bracket(params, x, tx, T)
        return (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta) + lb)

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive | frequency, recency, T) under Pareto/NBD."""
        params = self._check_fitted()
        x, tx, T_ = _check_rft(frequency, recency, T, fit=False)
        with np.errstate(all="ignore"):
            lb, lP = self._log_bracket(params, x, tx, T_)
            res = np.clip(np.exp(lP - lb), 0.0, 1.0)
        return _wrap(res, frequency, recency, T, name="p_alive")

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """Expected purchases in the next ``t`` time units given the history:
        ``(r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)``."""
        params = self._check_fitted()
        r, alpha, s, beta = params
        t_arr = _as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError("t must be >= 0")
        x, tx, T_ = _check_rft(frequency, recency, T, fit=False)
        p_alive = np.asarray(self.conditional_probability_alive(x, tx, T_), dtype=float)
        res = (r + x) * (beta + T_) / (alpha + T_) * self._g(s, np.log1p(t_arr / (beta + T_))) * p_alive
        return _wrap(res, frequency, recency, T, t, name="expected_purchases")

    predict = conditional_expected_number_of_purchases_up_to_time

    @staticmethod
    def _g(s, L):
        """[1 - exp(-(s-1) L)] / (s-1), with its limit L at s = 1."""
        k = s - 1
        if abs(k) < 1e-10:
            return L
        return -np.expm1(-k * L) / k

    def expected_number_of_purchases_up_to_time(self, t):
        """Expected purchases in ``(0, t]`` of a new customer:
        ``r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]``."""
        r, alpha, s, beta = self._check_fitted()
        t_arr = _as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError("t must be >= 0")
        res = r * beta / alpha * self._g(s, np.log1p(t_arr / beta))
        return _wrap(res, t, name="expected_purchases")


class GammaGammaFitter(_Fitter):
    """Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005;
    Fader & Hardie 2013, "The Gamma-Gamma model of monetary value").

    A customer's transaction values are Gamma(p, nu) with ``nu ~ Gamma(q, v)`` across
    customers; it assumes spend is independent of purchase frequency (check the correlation
    of ``frequency`` and ``monetary_value`` among repeat buyers before relying on it).

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``c * (p**2 + q**2 + v**2)`` on the mean negative log-likelihood, as in
        ``lifetimes``; ``v`` is in money units, so the penalty depends on the currency unit.

    Attributes
    ----------
    params_ : Series
        ``p, q, v`` after :meth:`fit`.
    log_likelihood_ : float
        Total log-likelihood.

    Examples
    --------
    >>> ggf = GammaGammaFitter().fit(summary["frequency"], summary["monetary_value"])  # doctest: +SKIP
    >>> ggf.params_                                                                    # doctest: +SKIP
    p     6.25
    q     3.74
    v    15.44
    """

    _param_names = ("p", "q", "v")

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, tol: float = 1e-12,
            maxiter: int = 2000) -> GammaGammaFitter:
        """Fit by maximum likelihood on the repeat buyers.

        Rows with ``frequency == 0`` are ignored (their ``monetary_value`` is 0 by convention),
        so the whole output of :func:`rfm_summary` can be passed.

        Parameters
        ----------
        frequency : array-like
            Number of repeat purchases (the ``x`` the average is taken over).
        monetary_value : array-like
            Average value of the repeat purchases; must be > 0 where ``frequency > 0``.
        weights : array-like, optional
            Number of customers each row stands for.
        initial_params : sequence of 3 floats, optional
            Starting ``p, q, v``.
        tol, maxiter
            Optimiser settings.

        Returns
        -------
        GammaGammaFitter
            ``self``, fitted.
        """
        x = _as_float_array(frequency, "frequency")
        m = _as_float_array(monetary_value, "monetary_value")
        if x.shape != m.shape:
            raise ParameterError("frequency and monetary_value must have the same length")
        if np.any(x < 0):
            raise ParameterError("frequency must be >= 0")
        w = np.ones(len(x)) if weights is None else _as_float_array(weights, "weights")
        if w.shape != x.shape or np.any(w < 0):
            raise ParameterError("weights must be >= 0, one per customer")
        rep = (x > 0) & (w > 0)
        if not rep.any():
            raise ParameterError(
                "no customer has a repeat purchase (frequency > 0); the Gamma-Gamma model is fitted "
                "on the repeat buyers' average spend"
            )
        if np.any(m[rep] <= 0):
            raise ParameterError(
                f"{int((m[rep] <= 0).sum()):,} repeat buyers have monetary_value <= 0; the Gamma-Gamma "
                f"model needs positive spend (drop them or fix the amounts)"
            )
        x, m, w = x[rep], m[rep], w[rep]
        (x, m), w = _compress(x, m, weights=w)
        if initial_params is None:
            mean = np.dot(w, m) / w.sum()
            start = np.array([2.0, 3.0, mean * 2.0 / 2.0])
        else:
            start = np.asarray(initial_params, dtype=float)
            if start.shape != (3,) or np.any(start <= 0):
                raise ParameterError("initial_params must be three positive numbers: p, q, v")
        data = (x, m, *_unique_x(x))
        params = self._optimise(data, w, start, tol, maxiter)
        self._store(params, data, w, n=int(np.rint(w.sum())))
        return self

    def _loglik(self, params, x, m, xu, xi):
        p, q, v = params
        px = p * x
        pxu = p * xu
        return ((special.gammaln(pxu + q) - special.gammaln(pxu))[xi] - special.gammaln(q) + q * np.log(v)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + x * m))

    def _grad(self, params, x, m, xu, xi):
        p, q, v = params
        px = p * x
        pxu = p * xu
        dg = special.digamma
        l_vxm = np.log(v + x * m)
        dg_pxq = dg(pxu + q)[xi]
        d_p = x * (dg_pxq - dg(pxu)[xi] + np.log(m) + np.log(x) - l_vxm)
        d_q = dg_pxq - dg(q) + np.log(v) - l_vxm
        d_v = q / v - (px + q) / (v + x * m)
        return np.vstack([d_p, d_q, d_v])

    def conditional_expected_average_profit(self, frequency=None, monetary_value=None):
        """Expected value of a customer's future transactions given their history.

        ``E[M | p, q, v, x, m_x] = (v + x m_x) p / (p x + q - 1)``: a weighted average of the
        population mean ``v p / (q - 1)`` and the customer's own average ``m_x``. Without
        arguments returns the population mean. Customers with ``frequency == 0`` get the
        population mean.
        """
        p, q, v = self._check_fitted()
        if q <= 1:
            raise ParameterError(f"q = {q:.3g} <= 1: the mean spend of the fitted model is infinite")
        if frequency is None and monetary_value is None:
            return float(v * p / (q - 1))
        x = _as_float_array(frequency, "frequency")
        m = _as_float_array(monetary_value, "monetary_value")
        x, m = np.broadcast_arrays(x, m)
        res = (v + x * m) * p / (p * x + q - 1)
        return _wrap(res, frequency, monetary_value, name="expected_average_value")

    def customer_lifetime_value(self, transaction_prediction_model, frequency, recency, T,
                                monetary_value, time: float = 12, discount_rate: float = 0.01,
                                freq: str = "D"):
        """Discounted CLV over ``time`` months (see :func:`customer_lifetime_value`).

        Uses :meth:`conditional_expected_average_profit` as the value per purchase.
        """
        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return customer_lifetime_value(transaction_prediction_model, frequency, recency, T, spend,
                                       time=time, discount_rate=discount_rate, freq=freq)


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
    """
    if freq not in MONTH_FACTORS:
        raise ParameterError(f"freq must be one of {', '.join(MONTH_FACTORS)} (the unit of T), not {freq!r}")
    if not isinstance(time, numbers.Real) or time <= 0 or int(time) != time:
        raise ParameterError(f"time is a horizon in whole months and must be a positive integer, not {time!r}")
    d = _check_positive(discount_rate, "discount_rate", allow_zero=True)
    factor = MONTH_FACTORS[freq]
    x, tx, T_ = _check_rft(frequency, recency, T, fit=False)
    value = _as_float_array(value_per_purchase, "value_per_purchase")
    months = np.arange(0, int(time) + 1, dtype=float)
    steps = months * factor
    model = transaction_prediction_model
    cum = np.vstack([np.asarray(model.conditional_expected_number_of_purchases_up_to_time(s, x, tx, T_),
                                dtype=float) * np.ones_like(x) for s in steps])
    per_month = np.diff(cum, axis=0)
    disc = (1.0 + d) ** -months[1:]
    res = value * (disc @ per_month)
    return _wrap(np.asarray(res, dtype=float), frequency, recency, T, name="clv")


def predict_clv(summary: pd.DataFrame, transaction_model, spend_model: GammaGammaFitter, *,
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

    Examples
    --------
    >>> table = predict_clv(summary, bgf, ggf, time=12, freq="W")  # doctest: +SKIP
    """
    _require_frame(summary, "summary")
    need = ["frequency", "recency", "T", "monetary_value"]
    _require_columns(summary, {c: c for c in need}, name="summary")
    if freq not in MONTH_FACTORS:
        raise ParameterError(f"freq must be one of {', '.join(MONTH_FACTORS)} (the unit of T), not {freq!r}")
    margin_rate = _check_positive(margin_rate, "margin_rate", allow_zero=True)
    out = summary.copy()
    f, r, T_ = out["frequency"], out["recency"], out["T"]
    out["p_alive"] = transaction_model.conditional_probability_alive(f, r, T_)
    out["expected_purchases"] = transaction_model.conditional_expected_number_of_purchases_up_to_time(
        time * MONTH_FACTORS[freq], f, r, T_)
    out["expected_value"] = spend_model.conditional_expected_average_profit(f, out["monetary_value"])
    out["clv"] = margin_rate * customer_lifetime_value(
        transaction_model, f, r, T_, out["expected_value"], time=time, discount_rate=discount_rate, freq=freq)
    return out
