"""The shared base of the customer measures: the client's transactions as per-customer arrays.

Private to :mod:`threec_helpers.measures`. Every measure that sums a customer's
transactions (value, behavior, the pyramid, the customer table) starts from the same
arrays: transactions coded against the customer index (:func:`customer_codes`, through
Arrow's hash kernel), their dates, amounts and costs (:class:`TransactionArrays`), and
for the customer table of several periods the whole base prepared once
(:class:`CustomerBase`). Keeping them here lets value, behavior, pyramid and
customer_table all build on one floor without importing each other.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError
from ..inputs.config import Period, PyramidThresholds

_VALUE_SETS: dict[int, tuple[pd.Index, object]] = {}


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
        raise ParameterError(key="customers.error.period_missing")
    s = pd.Timestamp(start).normalize()
    e = pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    if e <= s:
        raise ParameterError(key="customers.error.period_reversed", start=start, end=end)
    return s, e


def _arrow_chunks(values: pd.Series):
    """The pyarrow ChunkedArray behind an arrow-backed string Series, or None."""
    arr = values.array
    if hasattr(arr, "_pa_array"):
        return arr._pa_array
    return None


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
        raise InputError(key="customers.error.unknown_customer", what=what, n=int(bad.sum()), rows=rows, ids=ids)
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


def as_float(col: pd.Series) -> np.ndarray:
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
            raise InputError(key="customers.error.tx_column", column=col)
    codes = customer_codes(transactions["customer_id"], customer_ids, what="transactions")
    dates = transactions["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates)
    d = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
    if (d == np.iinfo(np.int64).min).any():
        rows = transactions.index[d == np.iinfo(np.int64).min][:5].tolist()
        raise InputError(key="customers.error.tx_empty_date", rows=rows)
    amount = as_float(transactions["amount"])
    if np.isnan(amount).any():
        rows = transactions.index[np.isnan(amount)][:5].tolist()
        raise InputError(key="customers.error.tx_empty_amount", rows=rows)
    if "cost" in transactions.columns:
        cost = as_float(transactions["cost"])
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
        ids = customer_index(tables)
        return ids, prepare_transactions(tables["transactions"], ids)
    check_prepared(prepared, tables, ("transactions", "customers"))
    return prepared.ids, prepared.arr


def check_prepared(prepared, tables: Mapping[str, pd.DataFrame], names: Sequence[str]) -> None:
    """Raise ``ParameterError`` unless ``prepared`` was made from these very ``tables[names]``."""
    source = dict(getattr(prepared, "source", None) or {})
    if not source or any(source.get(k) is not tables.get(k) for k in names):
        raise ParameterError(key="customers.error.prepared_mismatch")


def customer_index(tables: Mapping[str, pd.DataFrame]) -> pd.Index:
    if "customers" in tables and tables["customers"] is not None:
        ids = tables["customers"]["customer_id"]
        idx = pd.Index(ids.to_numpy() if ids.dtype == object else ids.array, name="customer_id")
    else:
        idx = pd.Index(pd.unique(tables["transactions"]["customer_id"]), name="customer_id")
    if not idx.is_unique:
        dup = idx[idx.duplicated()][:5].tolist()
        raise InputError(key="customers.error.duplicate_ids", ids=dup)
    return idx


def value_frame(ids: pd.Index, arrays: TransactionArrays, mask: np.ndarray, cts: np.ndarray) -> pd.DataFrame:
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


def recency_days(last_ns: np.ndarray, end_exclusive: pd.Timestamp) -> np.ndarray:
    """Whole days from the last purchase day to the period's last day (NaN if never)."""
    never = last_ns == np.iinfo(np.int64).min
    last_day = np.floor_divide(last_ns, _NS_PER_DAY)
    end_day = end_exclusive.value // _NS_PER_DAY - 1
    return np.where(never, np.nan, (end_day - last_day).astype(np.float64))


def rank_ids(ids: pd.Series) -> np.ndarray:
    return pd.Series(ids.array if hasattr(ids, "array") else ids).rank(method="first").to_numpy()


NAT = np.iinfo(np.int64).min


NEVER = np.iinfo(np.int64).max


def _first_purchase_column(customers: pd.DataFrame | None, n: int) -> np.ndarray:
    if customers is None or "first_purchase" not in customers.columns:
        return np.full(n, NEVER)
    d = pd.to_datetime(customers["first_purchase"]).to_numpy(dtype="datetime64[ns]").view(np.int64)
    return np.where(d == NAT, NEVER, d)


class CustomerBase:
    """The client's transactions as per-customer arrays, ready for any period's table.

    Made by :func:`prepare_customers`; pass it to :func:`customer_table` as ``prepared``
    to build the tables of several periods with one pass over the transactions (the
    preparation is most of a table's cost: ~8 s on 10 million rows).
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        #: the tables it was made from (checked by identity when it is reused)
        self.source = {k: tables.get(k) for k in ("transactions", "customers", "cost_to_serve")}
        self.ids = customer_index(tables)
        self.customers = tables.get("customers")
        self.arr: TransactionArrays = prepare_transactions(tables["transactions"], self.ids)
        n = len(self.ids)
        first_tx = np.full(n, NEVER)
        np.minimum.at(first_tx, self.arr.codes, self.arr.dates)
        self.first_tx = first_tx
        self.first_any = np.minimum(first_tx, _first_purchase_column(self.customers, n))
        if self.customers is not None and "status" in self.customers.columns:
            self.status_series = self.customers["status"].astype("str").reset_index(drop=True)
        else:
            self.status_series = pd.Series("active", index=pd.RangeIndex(n), dtype="str")
        cat = pd.Categorical(self.status_series, categories=["active", "inactive", "prospect", "suspect"])
        self.status = np.asarray(cat.categories.to_numpy(dtype=object).take(np.maximum(cat.codes, 0)))
        self.status[cat.codes < 0] = "other"
        self._id_rank = None
        cts = tables.get("cost_to_serve")
        if cts is not None and len(cts):
            self.cts_codes = customer_codes(cts["customer_id"], self.ids, what="cost_to_serve")
            self.cts_period = pd.Categorical(cts["period"].astype("str"))
            self.cts_cost = np.nan_to_num(cts["cost"].to_numpy(dtype=np.float64, na_value=np.nan))
        else:
            self.cts_codes = None

    def cost_to_serve(self, period_ids) -> np.ndarray:
        """Cost-to-serve per customer summed over the rows of ``period_ids``."""
        n = len(self.ids)
        if self.cts_codes is None:
            return np.zeros(n)
        if isinstance(period_ids, str):
            period_ids = [period_ids]
        cats = self.cts_period.categories
        wanted = np.flatnonzero(cats.isin([str(p) for p in period_ids]))
        if len(wanted) == 0:
            return np.zeros(n)
        keep = np.isin(self.cts_period.codes, wanted)
        return np.bincount(self.cts_codes[keep], weights=self.cts_cost[keep], minlength=n)

    @property
    def id_rank(self) -> np.ndarray:
        if self._id_rank is None:
            self._id_rank = rank_ids(pd.Series(self.ids.array))
        return self._id_rank

    def pyramid_arrays(self, period: Period, th: PyramidThresholds, mask: np.ndarray | None = None):
        """Period revenue, recent revenue, bought-before and prospect flags."""
        s, e = period_bounds(period)
        arr = self.arr
        m = arr.mask(s, e) if mask is None else mask
        revenue = arr.sum_by_customer(arr.amount, m)
        w_start = e - pd.DateOffset(months=th.inactive_months)
        recent = arr.sum_by_customer(arr.amount, arr.mask(pd.Timestamp(w_start), e))
        no_history = self.first_any == NEVER
        bought = (self.first_any < e.value) | (no_history & np.isin(self.status, ["active", "inactive"]))
        prospect = (self.status == "prospect") | (~no_history & (self.first_any >= e.value))
        return m, revenue, recent, bought, prospect


def pyramid_inputs(tables: Mapping[str, pd.DataFrame], period: Period, th: PyramidThresholds) -> pd.DataFrame:
    base = CustomerBase(tables)
    _, revenue, recent, bought, prospect = base.pyramid_arrays(period, th)
    return pd.DataFrame({"customer_id": base.ids.array, "status": base.status, "revenue": revenue,
                         "recent_revenue": recent, "bought_before": bought, "is_prospect": prospect})
