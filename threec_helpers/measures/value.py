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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..inputs.config import Period
from ..errors import InputError, ParameterError

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

_NS_PER_DAY = 86_400 * 10**9


def period_bounds(period: Period | None = None, start=None, end=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return ``(start, end_exclusive)`` timestamps of a period.

    Parameters
    ----------
    period : config.Period, optional
        A period of ``client.yaml``; its ``end`` day is included.
    start, end : date-like, optional
        Used when ``period`` is not given; ``end`` is included (a date means the whole day).

    Returns
    -------
    tuple of pandas.Timestamp
        Start (midnight) and the first instant *after* the period.

    Examples
    --------
    >>> period_bounds(start="2025-01-01", end="2025-12-31")
    (Timestamp('2025-01-01 00:00:00'), Timestamp('2026-01-01 00:00:00'))
    """
    if period is not None:
        start, end = period.start, period.end
    if start is None or end is None:
        raise ParameterError("give a period (client.yaml periods) or both start and end dates")
    s = pd.Timestamp(start).normalize()
    e = pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    if e <= s:
        raise ParameterError(f"period end {end} is before its start {start}; swap them")
    return s, e


def _arrow_chunks(values: pd.Series):
    """The pyarrow ChunkedArray behind an arrow-backed string Series, or None."""
    arr = values.array
    if hasattr(arr, "_pa_array"):
        return arr._pa_array
    return None


_VALUE_SETS: dict[int, tuple[pd.Index, object]] = {}


def _arrow_value_set(customer_ids: pd.Index):
    """The customer ids as one pyarrow string array (cached for the last Index seen)."""
    key = id(customer_ids)
    hit = _VALUE_SETS.get(key)
    if hit is not None and hit[0] is customer_ids:
        return hit[1]
    import pyarrow as pa

    chunks = _arrow_chunks(pd.Series(customer_ids.array if customer_ids.dtype != object else customer_ids,
                                     dtype="str", copy=False))
    if chunks is None:
        return None
    value_set = chunks.combine_chunks() if isinstance(chunks, pa.ChunkedArray) else chunks
    _VALUE_SETS.clear()
    _VALUE_SETS[key] = (customer_ids, value_set)
    return value_set


def customer_codes(values: pd.Series, customer_ids: pd.Index, *, what: str = "transactions") -> np.ndarray:
    """Map customer ids to their position in ``customer_ids`` (int64; -1 never returned).

    Uses ``pyarrow.compute.index_in`` on two threads when the column is arrow-backed
    (pandas' default string dtype) and ``Index.get_indexer`` otherwise.

    Parameters
    ----------
    values : pandas.Series
        The ``customer_id`` column of a table.
    customer_ids : pandas.Index
        The customers, in table order (unique).
    what : str
        Table name for the error message.

    Returns
    -------
    numpy.ndarray
        One code per row of ``values``.

    Raises
    ------
    InputError
        When a customer id is not in the customers table.

    Examples
    --------
    >>> customer_codes(pd.Series(["b", "a", "b"]), pd.Index(["a", "b"]))
    array([1, 0, 1])
    """
    n = len(values)
    codes = None
    chunks = _arrow_chunks(values)
    if chunks is not None and n > 50_000:
        import pyarrow.compute as pc

        value_set = _arrow_value_set(customer_ids)
        if value_set is not None:
            half = n // 2
            parts = [chunks.slice(0, half), chunks.slice(half)]
            with ThreadPoolExecutor(max_workers=2) as pool:
                res = list(pool.map(lambda a: pc.index_in(a, value_set=value_set), parts))
            codes = np.concatenate([c.to_numpy(zero_copy_only=False) for r in res
                                    for c in (pc.fill_null(r, -1) if r.null_count else r).chunks])
            codes = codes.astype(np.int64, copy=False)
    if codes is None:
        codes = customer_ids.get_indexer(values.astype("str") if values.dtype == object else values)
        codes = np.asarray(codes, dtype=np.int64)
    bad = codes < 0
    if bad.any():
        rows = values.index[bad][:5].tolist()
        ids = values[bad].head(5).tolist()
        raise InputError(
            f"{what}: {int(bad.sum())} row(s) name a customer_id missing from the customers table "
            f"(rows {rows}, ids {ids}). Add these customers to customers, or correct the ids, then validate again."
        )
    return codes


@dataclass(frozen=True)
class TransactionArrays:
    """The columns of ``transactions`` as numpy arrays, with customer codes.

    Built once by :func:`prepare_transactions` so that every measure is a masked
    ``np.bincount`` without copying the transactions frame.
    """

    codes: np.ndarray  #: customer position (int64)
    dates: np.ndarray  #: datetime64[ns] as int64 nanoseconds
    amount: np.ndarray  #: float64
    cost: np.ndarray  #: float64, empty cells as 0
    n_customers: int

    def mask(self, start: pd.Timestamp, end_exclusive: pd.Timestamp) -> np.ndarray:
        """Rows dated in ``[start, end_exclusive)``."""
        s, e = start.value, end_exclusive.value
        return (self.dates >= s) & (self.dates < e)

    def sum_by_customer(self, values: np.ndarray | None, mask: np.ndarray | None = None) -> np.ndarray:
        """Sum of ``values`` (or row counts when None) per customer over the masked rows."""
        codes = self.codes if mask is None else self.codes[mask]
        if values is not None and mask is not None:
            values = values[mask]
        return np.bincount(codes, weights=values, minlength=self.n_customers).astype(np.float64, copy=False)


def _as_float(col: pd.Series) -> np.ndarray:
    return np.asarray(col.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def prepare_transactions(transactions: pd.DataFrame, customer_ids: pd.Index) -> TransactionArrays:
    """Extract codes, dates, amounts and costs of ``transactions`` as numpy arrays.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The ``transactions`` table (canonical columns ``date``, ``customer_id``, ``amount``,
        optional ``cost``).
    customer_ids : pandas.Index
        Customers in table order.

    Returns
    -------
    TransactionArrays

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2025-01-05"]), "customer_id": ["a"], "amount": [10.0]})
    >>> prepare_transactions(tx, pd.Index(["a"])).amount
    array([10.])
    """
    for col in ("date", "customer_id", "amount"):
        if col not in transactions.columns:
            raise InputError(f"transactions: column '{col}' is missing; the data contract requires it.")
    codes = customer_codes(transactions["customer_id"], customer_ids, what="transactions")
    dates = transactions["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates)
    d = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
    if (d == np.iinfo(np.int64).min).any():
        rows = transactions.index[d == np.iinfo(np.int64).min][:5].tolist()
        raise InputError(f"transactions: empty date in rows {rows}. Every transaction needs a date.")
    amount = _as_float(transactions["amount"])
    if np.isnan(amount).any():
        rows = transactions.index[np.isnan(amount)][:5].tolist()
        raise InputError(f"transactions: empty amount in rows {rows}. Every transaction needs an amount.")
    if "cost" in transactions.columns:
        cost = _as_float(transactions["cost"])
        cost = np.where(np.isnan(cost), 0.0, cost)
    else:
        cost = np.zeros(len(transactions))
    return TransactionArrays(codes, d, amount, cost, len(customer_ids))


def transaction_arrays(tables: Mapping[str, pd.DataFrame], prepared=None) -> tuple[pd.Index, TransactionArrays]:
    """Customer ids and :class:`TransactionArrays` of ``tables``: taken from ``prepared`` when
    given (:func:`~threec_helpers.customer_table.prepare_customers` of these same tables),
    else prepared now.

    Raises
    ------
    ParameterError
        ``prepared`` was made from other tables.
    """
    if prepared is None:
        ids = _customer_index(tables)
        return ids, prepare_transactions(tables["transactions"], ids)
    check_prepared(prepared, tables, ("transactions", "customers"))
    return prepared.ids, prepared.arr


def check_prepared(prepared, tables: Mapping[str, pd.DataFrame], names: Sequence[str]) -> None:
    """Raise ``ParameterError`` unless ``prepared`` was made from these very ``tables[names]``."""
    source = dict(getattr(prepared, "source", None) or {})
    if not source or any(source.get(k) is not tables.get(k) for k in names):
        raise ParameterError("prepared must be prepare_customers(tables) of these same tables")


def _customer_index(tables: Mapping[str, pd.DataFrame]) -> pd.Index:
    if "customers" in tables and tables["customers"] is not None:
        ids = tables["customers"]["customer_id"]
        idx = pd.Index(ids.to_numpy() if ids.dtype == object else ids.array, name="customer_id")
    else:
        idx = pd.Index(pd.unique(tables["transactions"]["customer_id"]), name="customer_id")
    if not idx.is_unique:
        dup = idx[idx.duplicated()][:5].tolist()
        raise InputError(f"customers: customer_id values repeat ({dup}). Make every customer_id unique.")
    return idx


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
    cost = _as_float(sub["cost"])
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
    ids = _customer_index(tables)
    arrays = prepare_transactions(tables["transactions"], ids)
    pid = cost_period_id if cost_period_id is not None else (period.id if period is not None else None)
    cts = cost_to_serve_by_customer(tables.get("cost_to_serve"), ids, pid)
    return _value_frame(ids, arrays, arrays.mask(s, e), cts)


def _value_frame(ids: pd.Index, arrays: TransactionArrays, mask: np.ndarray, cts: np.ndarray) -> pd.DataFrame:
    revenue = arrays.sum_by_customer(arrays.amount, mask)
    cogs = arrays.sum_by_customer(arrays.cost, mask)
    count = arrays.sum_by_customer(None, mask)
    gm = revenue - cogs
    return pd.DataFrame({
        "customer_id": ids.array,
        "revenue": revenue,
        "cogs": cogs,
        "gross_margin": gm,
        "cost_to_serve": cts,
        "net_profit": gm - cts,
        "transactions": count.astype(np.int64),
    })


def to_cents(values) -> np.ndarray:
    """Round money to whole cents (fen) as int64, the unit in which profit reconciles exactly.

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
