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

from .behavior import rfm_scores, share_of_customer, tenure_months
from ..inputs.config import ClientConfig, Period, PyramidThresholds
from ..errors import ParameterError
from ._base import NAT, CustomerBase, recency_days, check_prepared, period_bounds, value_frame
from .pyramid import MIGRATIONS, TIER_CODE, checked_thresholds, migration_class, tier_categorical, tier_codes
from .satisfaction import latest_answers, satisfaction_band

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


def resolve_periods(config_or_periods) -> tuple[dict[str, Period], PyramidThresholds]:
    """Periods by id and pyramid thresholds from a ClientConfig, a mapping or a sequence of Periods.

    Parameters
    ----------
    config_or_periods : ClientConfig, Period, sequence or mapping of Period
        The client's configuration, or the periods themselves (default thresholds then).

    Returns
    -------
    (dict of str to Period, PyramidThresholds)

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
    raise ParameterError(key="customers.error.periods_type")


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
    th = checked_thresholds(thresholds or th_cfg)
    if str(period_id) not in periods:
        raise ParameterError(key="customers.error.unknown_period", period=repr(period_id), known=", ".join(periods))
    period = periods[str(period_id)]
    prev = None
    if previous_period_id is not None:
        if str(previous_period_id) not in periods:
            raise ParameterError(key="customers.error.unknown_previous_period", period=repr(previous_period_id),
                                 known=", ".join(periods))
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
    out = value_frame(ids, arr, m_cur, cts)
    del m_cur
    codes = tier_codes(revenue, recent, bought, prospect, base.id_rank, th)

    # -- previous period
    if prev is not None:
        m_prev, rev_p, recent_p, bought_p, prospect_p = base.pyramid_arrays(prev, th)
        cogs_p = arr.sum_by_customer(arr.cost, m_prev)
        del m_prev
        cts_p = base.cost_to_serve(prev.id)
        profit_p = rev_p - cogs_p - cts_p
        prev_codes = tier_codes(rev_p, recent_p, bought_p, prospect_p, base.id_rank, th)
        prev_tier = tier_categorical(prev_codes)
    else:
        rev_p = profit_p = np.full(n, np.nan)
        prev_tier = pd.Series(pd.Categorical([None] * n, categories=tier_categorical(codes[:0]).cat.categories,
                                             ordered=True))
    tier = tier_categorical(codes)

    # -- behavior
    upto = arr.dates < e.value
    last = np.full(n, NAT)
    np.maximum.at(last, arr.codes[upto], arr.dates[upto])
    margin_to_date = arr.sum_by_customer(arr.amount - arr.cost, upto)
    del upto
    first = np.where(base.first_any < e.value, base.first_any, NAT)
    still = codes <= TIER_CODE["small"]
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
    res["recency_days"] = recency_days(last, e)
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

    Parameters
    ----------
    tables : dict of DataFrame
        As for :func:`customer_table`.
    config : ClientConfig
        The client's configuration (its periods and pyramid thresholds).
    current : Period
        The last period wanted.
    previous : Period or None
        The period ``current`` is compared with.
    last : int, optional
        Keep only the last ``last`` periods.
    prepared : CustomerBase, optional
        :func:`prepare_customers` of ``tables``.

    Returns
    -------
    dict of str to DataFrame
        Period id -> customer table, oldest first.

    See Also
    --------
    customer_table : one period's table.

    Examples
    --------
    >>> from pathlib import Path
    >>> from threec_helpers.generate import DEFAULT_SEED, demo_tables
    >>> from threec_helpers.generate.manufacturer import client_config
    >>> from threec_helpers.inputs.config import parse_client_config
    >>> cfg = parse_client_config(client_config(DEFAULT_SEED), Path("client.yaml"))
    >>> list(customer_tables(demo_tables("demo_manufacturer"), cfg, cfg.period("FY2026"), cfg.period("FY2025"), last=2))
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
