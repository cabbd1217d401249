"""Customer value: revenue, margin, cost-to-serve and net profit per customer; the profit
decomposition of the 3C seed; the whale curve.

The seed (part 1, "customer value"): *operating profit = profit from profitable customers
minus the losses from unprofitable customers*. :func:`profit_decomposition` computes both
parts and their sum so that they reconcile exactly, to the cent, with the per-customer
table; :func:`whale_curve` draws the same numbers as cumulative profit with customers ranked
from most to least profitable (Kaplan & Cooper's "whale curve").

Conventions (see ``docs/customer-measures.md``):

- a period is ``[start, end]`` with both days included (``config.Period``);
- ``revenue`` = sum of ``transactions.amount`` in the period; ``cogs`` = sum of
  ``transactions.cost`` (an empty cost cell counts as 0, a missing ``cost`` column as 0
  for every line); ``gross_margin = revenue - cogs``;
- ``cost_to_serve`` = sum of ``cost_to_serve.cost`` of the rows whose ``period`` equals the
  period id (0 when the table or the rows are absent);
- ``net_profit = gross_margin - cost_to_serve``.
"""

from __future__ import annotations

import datetime as dt  # noqa: F401  (used by the doctests)
import math
from typing import Mapping

import numpy as np
import pandas as pd

from ..inputs.config import Period
from ._base import (TransactionArrays, as_float, check_prepared, customer_codes, customer_index,  # noqa: F401
                    period_bounds, prepare_transactions, transaction_arrays, value_frame)

__all__ = [
    "period_bounds",
    "customer_codes",
    "TransactionArrays",
    "prepare_transactions",
    "customer_value",
    "profit_decomposition",
    "whale_curve",
    "whale_summary",
    "to_cents",
]



def cost_to_serve_by_customer(cost_to_serve: pd.DataFrame | None, customer_ids: pd.Index,
                              period_ids) -> np.ndarray:
    """Sum ``cost_to_serve.cost`` per customer over the rows whose ``period`` is in ``period_ids``.

    Parameters
    ----------
    cost_to_serve : pandas.DataFrame or None
        The ``cost_to_serve`` table (absent -> zeros).
    customer_ids : pandas.Index
        Customers in table order.
    period_ids : str or iterable of str
        Period ids of ``client.yaml``.

    Returns
    -------
    numpy.ndarray
        Cost per customer (float64).

    Examples
    --------
    >>> cts = pd.DataFrame({"customer_id": ["a", "a"], "period": ["2025", "2024"], "cost": [5.0, 7.0]})
    >>> cost_to_serve_by_customer(cts, pd.Index(["a", "b"]), "2025")
    array([5., 0.])
    """
    n = len(customer_ids)
    if cost_to_serve is None or len(cost_to_serve) == 0 or period_ids is None:
        return np.zeros(n)
    if isinstance(period_ids, str):
        period_ids = [period_ids]
    keep = cost_to_serve["period"].astype("str").isin([str(p) for p in period_ids]).to_numpy()
    if not keep.any():
        return np.zeros(n)
    sub = cost_to_serve.loc[keep]
    codes = customer_codes(sub["customer_id"], customer_ids, what="cost_to_serve")
    cost = as_float(sub["cost"])
    return np.bincount(codes, weights=np.nan_to_num(cost), minlength=n)


def customer_value(tables: Mapping[str, pd.DataFrame], period: Period | None = None, *, start=None, end=None,
                   cost_period_id: str | None = None) -> pd.DataFrame:
    """Revenue, cost of goods, gross margin, cost-to-serve and net profit per customer in a period.

    Parameters
    ----------
    tables : dict of DataFrame
        Loaded client tables; ``transactions`` is required, ``customers`` and
        ``cost_to_serve`` are used when present.
    period : config.Period, optional
        The period (its id selects the ``cost_to_serve`` rows).
    start, end : date-like, optional
        Instead of ``period``; then ``cost_period_id`` names the cost-to-serve rows.
    cost_period_id : str, optional
        Period id for ``cost_to_serve`` (defaults to ``period.id``).

    Returns
    -------
    pandas.DataFrame
        One row per customer (all customers of ``customers``, in its order): ``customer_id``,
        ``revenue``, ``cogs``, ``gross_margin``, ``cost_to_serve``, ``net_profit``,
        ``transactions`` (count of lines in the period).

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2025-03-01", "2025-04-01", "2024-12-31"]),
    ...                    "customer_id": ["a", "a", "b"], "amount": [100.0, 50.0, 80.0],
    ...                    "cost": [60.0, 30.0, 40.0]})
    >>> cts = pd.DataFrame({"customer_id": ["a"], "period": ["2025"], "cost": [20.0]})
    >>> p = Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    >>> customer_value({"transactions": tx, "cost_to_serve": cts}, p)[["customer_id", "revenue", "net_profit"]]
      customer_id  revenue  net_profit
    0           a    150.0        40.0
    1           b      0.0         0.0
    """
    s, e = period_bounds(period, start, end)
    ids = customer_index(tables)
    arrays = prepare_transactions(tables["transactions"], ids)
    pid = cost_period_id if cost_period_id is not None else (period.id if period is not None else None)
    cts = cost_to_serve_by_customer(tables.get("cost_to_serve"), ids, pid)
    return value_frame(ids, arrays, arrays.mask(s, e), cts)


def to_cents(values) -> np.ndarray:
    """Round money to whole cents (fen) as int64, the unit in which profit reconciles exactly.

    Parameters
    ----------
    values : array-like of float
        Amounts of money (yuan).

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> to_cents([1.005, -2.5, 0.1 + 0.2])
    array([ 100, -250,   30])
    """
    x = np.asarray(values, dtype=np.float64)
    return np.rint(np.nan_to_num(x) * 100.0).astype(np.int64)


def profit_decomposition(values: pd.DataFrame, profit_col: str = "net_profit") -> pd.Series:
    """Operating profit = profit from profitable customers - losses from unprofitable ones.

    Every customer's profit is rounded to the cent first; the three sums are then exact
    integer sums of cents, so ``operating_profit == profit_from_profitable -
    loss_from_unprofitable`` holds exactly and equals the sum of the (cent-rounded) column.

    Parameters
    ----------
    values : pandas.DataFrame
        Per-customer table (e.g. :func:`customer_value`).
    profit_col : str
        Column holding each customer's profit.

    Returns
    -------
    pandas.Series
        ``profit_from_profitable`` (>= 0), ``loss_from_unprofitable`` (>= 0, a positive
        number), ``operating_profit``, ``n_profitable``, ``n_unprofitable``, ``n_zero``,
        ``loss_share_of_gross_profit`` (losses / profitable part).

    Examples
    --------
    >>> profit_decomposition(pd.DataFrame({"net_profit": [50.0, 30.0, -20.0, 0.0]}))[
    ...     ["profit_from_profitable", "loss_from_unprofitable", "operating_profit"]].tolist()
    [80.0, 20.0, 60.0]
    """
    cents = to_cents(values[profit_col].to_numpy(dtype=np.float64, na_value=0.0))
    pos = int(cents[cents > 0].sum())
    neg = int(-cents[cents < 0].sum())
    total = int(cents.sum())
    assert pos - neg == total  # exact in integers
    return pd.Series({
        "profit_from_profitable": pos / 100,
        "loss_from_unprofitable": neg / 100,
        "operating_profit": total / 100,
        "n_profitable": int((cents > 0).sum()),
        "n_unprofitable": int((cents < 0).sum()),
        "n_zero": int((cents == 0).sum()),
        "loss_share_of_gross_profit": (neg / pos) if pos else math.nan,
    }, dtype=object)


def _served(values: pd.DataFrame) -> np.ndarray:
    keep = np.zeros(len(values), dtype=bool)
    for col in ("revenue", "cost_to_serve", "cogs"):
        if col in values.columns:
            keep |= values[col].to_numpy(dtype=np.float64, na_value=0.0) != 0
    return keep


def whale_curve(values: pd.DataFrame, profit_col: str = "net_profit", id_col: str = "customer_id",
                served_only: bool = True) -> pd.DataFrame:
    """Cumulative profit with customers ranked from most to least profitable.

    Ties are broken by ``id_col`` ascending. Profits are rounded to the cent, so the last
    point equals the total profit of :func:`profit_decomposition` exactly.

    Parameters
    ----------
    values : pandas.DataFrame
        Per-customer table.
    profit_col, id_col : str
        Profit and identifier columns.
    served_only : bool
        Keep only customers with revenue, cost of goods or cost-to-serve in the period
        (columns ``revenue``/``cogs``/``cost_to_serve`` when present); prospects and
        customers with nothing in the period would only add a flat tail.

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1..n), ``customer_id``, ``profit``, ``cum_profit``,
        ``cum_share_customers`` (rank / n), ``cum_profit_pct`` (cum_profit / total profit,
        NaN when total <= 0). The curve starts at the origin (not a row).

    Examples
    --------
    >>> v = pd.DataFrame({"customer_id": ["a", "b", "c"], "net_profit": [-10.0, 30.0, 20.0]})
    >>> whale_curve(v, served_only=False)["cum_profit"].tolist()
    [30.0, 50.0, 40.0]
    """
    v = values.loc[_served(values)] if served_only else values
    cents = to_cents(v[profit_col].to_numpy(dtype=np.float64, na_value=0.0))
    ids = v[id_col].to_numpy()
    # rank ids once (fast for arrow strings), then order by (-profit, id rank)
    id_rank = pd.Series(v[id_col].array).rank(method="first").to_numpy() if len(ids) else np.array([])
    order = np.lexsort((id_rank, -cents))
    c = cents[order]
    cum = np.cumsum(c)
    n = len(c)
    total = int(cum[-1]) if n else 0
    return pd.DataFrame({
        "rank": np.arange(1, n + 1),
        "customer_id": ids[order],
        "profit": c / 100,
        "cum_profit": cum / 100,
        "cum_share_customers": np.arange(1, n + 1) / n if n else np.array([]),
        "cum_profit_pct": cum / total if total > 0 else np.full(n, np.nan),
    })


def whale_summary(curve: pd.DataFrame) -> pd.Series:
    """Key figures of a whale curve.

    The peak is the first point where the cumulative profit is at its maximum (after the
    last customer with a positive profit); when no customer is profitable the peak is the
    origin (height 0, share 0).

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`whale_curve`.

    Returns
    -------
    pandas.Series
        ``n_customers``, ``total_profit``, ``peak_profit``, ``peak_pct`` (peak / total;
        NaN when total <= 0), ``peak_customer_share`` (share of customers up to the peak),
        ``value_destroyer_share`` (share with profit < 0), ``value_destroyed`` (sum of
        losses, positive).

    Examples
    --------
    >>> v = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "net_profit": [-10.0, 30.0, 20.0, 0.0]})
    >>> s = whale_summary(whale_curve(v, served_only=False))
    >>> float(s["peak_pct"]), float(s["peak_customer_share"]), float(s["value_destroyer_share"])
    (1.25, 0.5, 0.25)
    """
    n = len(curve)
    if n == 0:
        return pd.Series({"n_customers": 0, "total_profit": 0.0, "peak_profit": 0.0, "peak_pct": math.nan,
                          "peak_customer_share": math.nan, "value_destroyer_share": math.nan,
                          "value_destroyed": 0.0}, dtype=object)
    cum = curve["cum_profit"].to_numpy()
    profit = curve["profit"].to_numpy()
    i = int(np.argmax(cum))
    peak = float(cum[i])
    n_peak = i + 1
    if peak <= 0:
        peak, n_peak = 0.0, 0
    total = float(cum[-1])
    return pd.Series({
        "n_customers": n,
        "total_profit": total,
        "peak_profit": peak,
        "peak_pct": peak / total if total > 0 else math.nan,
        "peak_customer_share": n_peak / n,
        "value_destroyer_share": float((profit < 0).sum()) / n,
        "value_destroyed": float(-profit[profit < 0].sum()),
    }, dtype=object)
