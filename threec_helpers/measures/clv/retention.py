"""Historical value and retention-based CLV: what customers have been worth, and the
textbook ``margin * r / (1 + d - r)`` of a segment with the retention rate measured from the data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ._inputs import (amount_values, check_positive, customer_codes, cutoff_ns, datetime_values, period_ordinals,
                      require_columns, require_frame, timestamp)

__all__ = ["historical_value", "retention_rate", "retention_clv", "segment_clv"]


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
    require_frame(transactions)
    require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "amount_col": amount_col, "segment_col": segment_col})
    margin_rate = check_positive(margin_rate, "margin_rate", allow_zero=True)
    if margin_rate > 1:
        raise ParameterError(key="clv.error.margin_rate", value=margin_rate)
    if len(transactions) == 0:
        raise ParameterError(key="clv.error.no_transactions")
    dates = datetime_values(transactions[date_col], date_col, date_format)
    amounts = amount_values(transactions[amount_col], amount_col)
    keep = np.ones(len(dates), dtype=bool)
    end = dates.max()
    if as_of is not None:
        ts = timestamp(as_of, "as_of")
        keep = dates.astype(np.int64) <= cutoff_ns(ts)
        if not keep.any():
            raise ParameterError(key="clv.error.as_of_too_early", as_of=ts.date(), first=dates.min())
        end = np.datetime64(ts.normalize().as_unit("ns").asm8)
    frame = pd.DataFrame({"customer": transactions[customer_col].to_numpy()[keep],
                          "date": dates[keep], "amount": amounts[keep]})
    if frame["customer"].isna().any():
        raise ParameterError(key="clv.error.missing_ids_any", column=repr(customer_col))
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
    require_frame(transactions)
    require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "segment_col": segment_col})
    if len(transactions) == 0:
        raise ParameterError(key="clv.error.no_transactions")
    dates = datetime_values(transactions[date_col], date_col, date_format)
    per = period_ordinals(dates, freq)
    codes, _ = customer_codes(transactions[customer_col], customer_col)
    last = per.max()
    if per.min() == last:
        raise ParameterError(key="clv.error.one_period", freq=repr(freq))
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
            raise ParameterError(key="clv.error.finite_numbers", name=name)
    if np.any(r < 0) or np.any(r >= 1):
        raise ParameterError(key="clv.error.retention_range")
    if np.any(d < 0):
        raise ParameterError(key="clv.error.discount_rate")
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
    d = check_positive(discount_rate, "discount_rate", allow_zero=True)
    margin_rate = check_positive(margin_rate, "margin_rate", allow_zero=True)
    if margin_rate > 1:
        raise ParameterError(key="clv.error.margin_rate", value=margin_rate)
    require_frame(transactions)
    require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "amount_col": amount_col, "segment_col": segment_col})
    hist = historical_value(transactions, customer_col, date_col, amount_col,
                            margin_rate=margin_rate, segment_col=segment_col, date_format=date_format)
    dates = datetime_values(transactions[date_col], date_col, date_format)
    per = period_ordinals(dates, freq)
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
            raise ParameterError(key="clv.error.segment_rate", segments=", ".join(map(str, missing)))
        out["retention"] = [float(retention[s]) for s in out.index]
    else:
        out["retention"] = float(retention)
    out["discount_rate"] = d
    out["clv"] = retention_clv(out["margin_per_period"].to_numpy(), out["retention"].fillna(0.0).to_numpy(), d)
    out["historical_margin_per_customer"] = g["margin"].sum() / out["customers"]
    out.index.name = segment_col
    return out
