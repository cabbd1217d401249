"""The complete per-customer table for a period: value, behavior, pyramid tier and migration,
satisfaction, share of customer and historical value (cumulative net margin to date).

One pass design: the transactions frame is turned once into numpy arrays (customer codes,
dates, amounts, costs; :func:`threec_helpers.value.prepare_transactions`) and every
per-customer sum is a masked ``np.bincount``; first/last purchase use ``np.minimum.at`` /
``np.maximum.at``. No per-customer Python code, no copy of the transactions frame. On a
2-core machine the table for 1,000,000 customers and 10,000,000 transactions takes a few
seconds (``benchmarks/bench_customer_table.py``, figures in ``docs/customer-measures.md``).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .behavior import _recency_days, rfm_scores, share_of_customer, tenure_months
from ..inputs.config import ClientConfig, Period, PyramidThresholds
from ..errors import ParameterError
from .pyramid import MIGRATIONS, _SMALL, _as_categorical, _id_rank, _thresholds, _tier_codes, migration_class
from .satisfaction import latest_answers, satisfaction_band
from .value import (TransactionArrays, _customer_index, _value_frame, check_prepared, customer_codes, period_bounds,
                    prepare_transactions)

__all__ = ["customer_table", "prepare_customers", "CustomerBase", "resolve_periods", "COLUMNS"]

#: Columns of :func:`customer_table`, in order.
COLUMNS: tuple[str, ...] = (
    "customer_id", "name", "segment", "region", "status",
    "tier", "previous_tier", "migration", "active",
    "revenue", "cogs", "gross_margin", "cost_to_serve", "net_profit", "transactions",
    "revenue_prev", "net_profit_prev", "revenue_change", "revenue_change_pct", "recent_revenue",
    "first_purchase", "last_purchase", "recency_days", "frequency", "monetary",
    "r_score", "f_score", "m_score", "rfm", "tenure_months",
    "satisfaction", "satisfaction_band", "recommend", "preferred_supplier", "share_of_need", "survey_wave",
    "potential_revenue", "share_of_customer", "share_source", "historical_value",
)

_NAT = np.iinfo(np.int64).min
_NEVER = np.iinfo(np.int64).max


def resolve_periods(config_or_periods) -> tuple[dict[str, Period], PyramidThresholds]:
    """Periods by id and pyramid thresholds from a ClientConfig, a mapping or a sequence of Periods.

    Examples
    --------
    >>> import datetime as dt
    >>> ps, th = resolve_periods([Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))])
    >>> list(ps), th.top
    (['2025'], 0.01)
    """
    if isinstance(config_or_periods, ClientConfig):
        return {p.id: p for p in config_or_periods.periods}, config_or_periods.pyramid
    if isinstance(config_or_periods, Period):
        return {config_or_periods.id: config_or_periods}, PyramidThresholds()
    if isinstance(config_or_periods, Mapping):
        return {str(k): v for k, v in config_or_periods.items()}, PyramidThresholds()
    if isinstance(config_or_periods, Sequence):
        return {p.id: p for p in config_or_periods}, PyramidThresholds()
    raise ParameterError("config_or_periods must be a ClientConfig, a Period, a list of Periods or a dict of them")


def _first_purchase_column(customers: pd.DataFrame | None, n: int) -> np.ndarray:
    if customers is None or "first_purchase" not in customers.columns:
        return np.full(n, _NEVER)
    d = pd.to_datetime(customers["first_purchase"]).to_numpy(dtype="datetime64[ns]").view(np.int64)
    return np.where(d == _NAT, _NEVER, d)


class CustomerBase:
    """The client's transactions as per-customer arrays, ready for any period's table.

    Made by :func:`prepare_customers`; pass it to :func:`customer_table` as ``prepared``
    to build the tables of several periods with one pass over the transactions (the
    preparation is most of a table's cost: ~8 s on 10 million rows).
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        #: the tables it was made from (checked by identity when it is reused)
        self.source = {k: tables.get(k) for k in ("transactions", "customers", "cost_to_serve")}
        self.ids = _customer_index(tables)
        self.customers = tables.get("customers")
        self.arr: TransactionArrays = prepare_transactions(tables["transactions"], self.ids)
        n = len(self.ids)
        first_tx = np.full(n, _NEVER)
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
            self._id_rank = _id_rank(pd.Series(self.ids.array))
        return self._id_rank

    def pyramid_arrays(self, period: Period, th: PyramidThresholds, mask: np.ndarray | None = None):
        """Period revenue, recent revenue, bought-before and prospect flags."""
        s, e = period_bounds(period)
        arr = self.arr
        m = arr.mask(s, e) if mask is None else mask
        revenue = arr.sum_by_customer(arr.amount, m)
        w_start = e - pd.DateOffset(months=th.inactive_months)
        recent = arr.sum_by_customer(arr.amount, arr.mask(pd.Timestamp(w_start), e))
        no_history = self.first_any == _NEVER
        bought = (self.first_any < e.value) | (no_history & np.isin(self.status, ["active", "inactive"]))
        prospect = (self.status == "prospect") | (~no_history & (self.first_any >= e.value))
        return m, revenue, recent, bought, prospect


def _pyramid_inputs(tables: Mapping[str, pd.DataFrame], period: Period, th: PyramidThresholds) -> pd.DataFrame:
    base = CustomerBase(tables)
    _, revenue, recent, bought, prospect = base.pyramid_arrays(period, th)
    return pd.DataFrame({"customer_id": base.ids.array, "status": base.status, "revenue": revenue,
                         "recent_revenue": recent, "bought_before": bought, "is_prospect": prospect})


def prepare_customers(tables: Mapping[str, pd.DataFrame]) -> CustomerBase:
    """Prepare ``tables`` once for the customer tables of several periods.

    Parameters
    ----------
    tables : dict of DataFrame
        As for :func:`customer_table`. Do not change them while the result is in use: it
        holds arrays taken from them.

    Returns
    -------
    CustomerBase

    Examples
    --------
    >>> import datetime as dt
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-05-01", "2025-02-01"]), "customer_id": ["a", "a"],
    ...                    "amount": [100.0, 80.0]})
    >>> tables = {"customers": pd.DataFrame({"customer_id": ["a"]}), "transactions": tx}
    >>> ps = [Period("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...       Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    >>> prepared = prepare_customers(tables)
    >>> [customer_table(tables, ps, p, prepared=prepared)["revenue"].tolist() for p in ("2024", "2025")]
    [[100.0], [80.0]]
    """
    return CustomerBase(tables)


def customer_table(tables: Mapping[str, pd.DataFrame], config_or_periods, period_id: str,
                   previous_period_id: str | None = None, *, thresholds: PyramidThresholds | None = None,
                   prepared: CustomerBase | None = None) -> pd.DataFrame:
    """One row per customer with every customer-performance measure for a period.

    Parameters
    ----------
    tables : dict of DataFrame
        Loaded client tables (canonical columns): ``customers`` and ``transactions``
        required; ``cost_to_serve`` and ``surveys`` used when present.
    config_or_periods : ClientConfig, Period, list of Period or dict of Period
        Where the periods (and, for a ClientConfig, the pyramid cut-offs) come from.
    period_id : str
        The period of the table.
    previous_period_id : str, optional
        The period to compare with (previous tier, migration, revenue change). None: the
        previous-period columns are empty.
    thresholds : config.PyramidThresholds, optional
        Overrides the config's pyramid cut-offs.
    prepared : CustomerBase, optional
        :func:`prepare_customers` of the same ``tables``, to skip preparing them again.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (``customer_id``; ``name``/``segment``/``region``/``status``
        from customers; ``tier``/``previous_tier`` ordered categoricals of
        :data:`threec_helpers.pyramid.TIERS`; ``migration``; ``active`` (revenue > 0);
        value: ``revenue``, ``cogs``, ``gross_margin``, ``cost_to_serve``, ``net_profit``,
        ``transactions``; previous: ``revenue_prev``, ``net_profit_prev``,
        ``revenue_change``, ``revenue_change_pct``; ``recent_revenue`` (last
        ``inactive_months``); behavior: ``first_purchase`` (earliest of the first
        transaction and ``customers.first_purchase``, NaT if after the period end),
        ``last_purchase`` (on or before the end), ``recency_days``, ``frequency``,
        ``monetary``, RFM scores, ``tenure_months``; survey (latest answer on or before the
        end): ``satisfaction``, ``satisfaction_band``, ``recommend``, ``preferred_supplier``,
        ``share_of_need``, ``survey_wave``; ``potential_revenue``, ``share_of_customer``,
        ``share_source``; ``historical_value`` = cumulative (amount - cost) of all
        transactions up to the period end minus the cost-to-serve of every period that
        ends on or before it).

    Examples
    --------
    >>> import datetime as dt
    >>> cust = pd.DataFrame({"customer_id": ["a", "b", "c"], "status": ["active", "active", "prospect"]})
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-05-01", "2025-02-01", "2025-03-01"]),
    ...                    "customer_id": ["a", "a", "b"], "amount": [100.0, 80.0, 20.0],
    ...                    "cost": [60.0, 50.0, 15.0]})
    >>> ps = [Period("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...       Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    >>> tb = customer_table({"customers": cust, "transactions": tx}, ps, "2025", "2024")
    >>> tb[["customer_id", "tier", "previous_tier", "migration", "net_profit", "historical_value"]].values.tolist()
    [['a', 'top', 'top', 'stay', 30.0, 70.0], ['b', 'small', 'prospect', 'new', 5.0, 5.0], ['c', 'prospect', 'prospect', 'stay', 0.0, 0.0]]
    """
    periods, th_cfg = resolve_periods(config_or_periods)
    th = _thresholds(thresholds or th_cfg)
    if str(period_id) not in periods:
        raise ParameterError(f"period {period_id!r} is not defined (known periods: {', '.join(periods)}); "
                             "add it to client.yaml periods")
    period = periods[str(period_id)]
    prev = None
    if previous_period_id is not None:
        if str(previous_period_id) not in periods:
            raise ParameterError(f"previous period {previous_period_id!r} is not defined "
                                 f"(known periods: {', '.join(periods)})")
        prev = periods[str(previous_period_id)]

    if prepared is None:
        base = CustomerBase(tables)
    else:
        check_prepared(prepared, tables, ("transactions", "customers", "cost_to_serve"))
        base = prepared
    ids, arr, n = base.ids, base.arr, len(base.ids)
    s, e = period_bounds(period)

    # -- value, current period
    m_cur, revenue, recent, bought, prospect = base.pyramid_arrays(period, th)
    cts = base.cost_to_serve(period.id)
    out = _value_frame(ids, arr, m_cur, cts)
    del m_cur
    tier_codes = _tier_codes(revenue, recent, bought, prospect, base.id_rank, th)

    # -- previous period
    if prev is not None:
        m_prev, rev_p, recent_p, bought_p, prospect_p = base.pyramid_arrays(prev, th)
        cogs_p = arr.sum_by_customer(arr.cost, m_prev)
        del m_prev
        cts_p = base.cost_to_serve(prev.id)
        profit_p = rev_p - cogs_p - cts_p
        prev_codes = _tier_codes(rev_p, recent_p, bought_p, prospect_p, base.id_rank, th)
        prev_tier = _as_categorical(prev_codes)
    else:
        rev_p = profit_p = np.full(n, np.nan)
        prev_tier = pd.Series(pd.Categorical([None] * n, categories=_as_categorical(tier_codes[:0]).cat.categories,
                                             ordered=True))
    tier = _as_categorical(tier_codes)

    # -- behavior
    upto = arr.dates < e.value
    last = np.full(n, _NAT)
    np.maximum.at(last, arr.codes[upto], arr.dates[upto])
    margin_to_date = arr.sum_by_customer(arr.amount - arr.cost, upto)
    del upto
    first = np.where(base.first_any < e.value, base.first_any, _NAT)
    still = tier_codes <= _SMALL
    tenure = tenure_months(first.view("datetime64[ns]"), last.view("datetime64[ns]"), period.end, still)
    ended = [pid for pid, p in periods.items() if p.end <= period.end]
    hist = margin_to_date - base.cost_to_serve(ended)

    # -- surveys
    answers = latest_answers(tables.get("surveys"), ids, end=period.end)
    cust = base.customers
    pot = (cust["potential_revenue"].to_numpy(dtype=np.float64, na_value=np.nan)
           if cust is not None and "potential_revenue" in cust.columns else None)
    days = (e - s).days
    share = share_of_customer(revenue, pot, answers["share_of_need"].to_numpy(), period_days=days)

    # -- assemble
    def col(name):
        if cust is not None and name in cust.columns:
            return cust[name].reset_index(drop=True)
        return pd.Series(None, index=pd.RangeIndex(n), dtype="str")

    res = pd.DataFrame({
        "customer_id": out["customer_id"], "name": col("name"), "segment": col("segment"),
        "region": col("region"), "status": base.status_series,
        "tier": tier, "previous_tier": prev_tier,
    })
    res["migration"] = (migration_class(prev_tier, tier) if prev is not None
                        else pd.Series(pd.Categorical.from_codes(np.full(n, -1), categories=list(MIGRATIONS))))
    res["active"] = revenue > 0
    for c in ("revenue", "cogs", "gross_margin", "cost_to_serve", "net_profit", "transactions"):
        res[c] = out[c]
    res["revenue_prev"] = rev_p
    res["net_profit_prev"] = profit_p
    res["revenue_change"] = revenue - rev_p
    with np.errstate(invalid="ignore", divide="ignore"):
        res["revenue_change_pct"] = np.where(rev_p > 0, revenue / np.where(rev_p > 0, rev_p, 1.0) - 1, np.nan)
    res["recent_revenue"] = recent
    res["first_purchase"] = first.view("datetime64[ns]")
    res["last_purchase"] = last.view("datetime64[ns]")
    res["recency_days"] = _recency_days(last, e)
    res["frequency"] = out["transactions"]
    res["monetary"] = revenue
    scores = rfm_scores(res)
    for c in ("r_score", "f_score", "m_score", "rfm"):
        res[c] = scores[c]
    res["tenure_months"] = tenure
    res["satisfaction"] = answers["satisfaction"]
    res["satisfaction_band"] = satisfaction_band(answers["satisfaction"])
    for c in ("recommend", "preferred_supplier", "share_of_need", "survey_wave"):
        res[c] = answers[c]
    res["potential_revenue"] = pot if pot is not None else np.nan
    res["share_of_customer"] = share["share_of_customer"]
    res["share_source"] = share["share_source"]
    res["historical_value"] = hist
    return res[list(COLUMNS)]


def customer_tables(tables: Mapping[str, pd.DataFrame], config, current: Period, previous: Period | None,
                    last: int | None = None, *, prepared=None) -> dict[str, pd.DataFrame]:
    """Customer tables of the ``client.yaml`` periods up to ``current``, in period order.

    Each is computed against the period before it in ``client.yaml`` (``current`` against
    ``previous``). ``last`` keeps only the last ``last`` periods. The transactions are
    prepared once (:func:`~threec_helpers.customer_table.prepare_customers`, or pass it as
    ``prepared`` to share it with other measures) for all of them.

    Examples
    --------
    >>> list(customer_tables(tables, cfg, cfg.period("FY2026"), cfg.period("FY2025"), last=2))  # doctest: +SKIP
    ['FY2025', 'FY2026']
    """
    ids = [p.id for p in config.periods]
    upto = ids[: ids.index(current.id) + 1] if current.id in ids else [current.id]
    prepared = prepared or prepare_customers(tables)  # one pass over the transactions for every period
    out = {}
    for i, pid in enumerate(upto):
        if last is not None and i < len(upto) - last:
            continue
        prev = (previous.id if previous else None) if pid == current.id else (upto[i - 1] if i else None)
        out[pid] = customer_table(tables, config, pid, prev, prepared=prepared)
    return out
