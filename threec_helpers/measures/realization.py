"""Phase 4 (realization): plan against actual, variance analysis, RAG status, focus progress.

The plan for a period is the bottom-up plan made from the period before it
(:func:`threec_helpers.planning.bottom_up_plan`); the actual is the customer table of the
period. :func:`plan_vs_actual` joins them per customer and puts each customer's variance
(actual − plan revenue) in exactly one of four components, so that the components add up
to the total variance:

=============  ====================================================================
``lost``       planned customers with no revenue in the period (−plan)
``new``        customers with revenue who were not in the plan (+actual), incl. the
               plan's "new customers" line (−its plan)
``migration``  planned customers who ended in another tier than planned (actual − plan)
``spend``      planned customers in the planned tier (actual − plan): price and mix
=============  ====================================================================

RAG status: attainment = actual / plan; green at ``>= green`` (default 98%), amber at
``>= amber`` (default 90%), red below.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..inputs.config import Period
from .. import spc
from .planning import NEW_CUSTOMERS, focus_plan
from .value import customer_codes
from .pyramid import ACTIVE_TIERS

COMPONENTS = ("lost", "new", "migration", "spend")
RAG_GREEN = 0.98
RAG_AMBER = 0.90


def rag(attainment, green: float = RAG_GREEN, amber: float = RAG_AMBER, higher_is_better: bool = True):
    """Red/amber/green for attainment ratios (array-like -> array of ``"green"/"amber"/"red"``).

    For measures where lower is better (complaints), pass ``higher_is_better=False`` and the
    ratio actual/plan is inverted.

    Parameters
    ----------
    attainment : array-like of float
        Actual / plan ratios.
    green : float, default RAG_GREEN
        Lowest ratio that is green.
    amber : float, default RAG_AMBER
        Lowest ratio that is amber (below it: red).
    higher_is_better : bool, default True
        False for measures where lower is better.

    Returns
    -------
    numpy.ndarray of str
        ``"green"``, ``"amber"``, ``"red"``, or ``""`` where the ratio is missing.

    Examples
    --------
    >>> rag([1.02, 0.95, 0.5]).tolist()
    ['green', 'amber', 'red']
    """
    a = np.asarray(attainment, dtype=float)
    if not higher_is_better:
        with np.errstate(divide="ignore"):
            a = np.where(a > 0, 1.0 / a, np.inf)
    out = np.where(a >= green, "green", np.where(a >= amber, "amber", "red"))
    return np.where(np.isnan(a), "", out)


def plan_vs_actual(plan: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Join a customer plan with the period's customer table.

    Parameters
    ----------
    plan : DataFrame
        ``customer_id, plan_tier, plan_revenue, plan_profit`` (bottom-up plan; a
        ``customer_id == "new"`` line is the converted-prospects budget).
    actual : DataFrame
        Customer table of the plan's period (``customer_id, tier, revenue, net_profit``).

    Returns
    -------
    DataFrame
        One row per customer in the plan or active in the period: ``customer_id,
        plan_tier, tier, plan_revenue, revenue, plan_profit, net_profit, variance,
        component`` (one of :data:`COMPONENTS`).

    See Also
    --------
    variance_components : the variance split by its cause.
    tier_attainment : the same per planned tier.
    top_variances : the customers with the largest variance.

    Examples
    --------
    >>> plan = pd.DataFrame({"customer_id": ["a", "b", "c", "new"], "plan_tier": ["top", "small", "small", "new"],
    ...                      "plan_revenue": [300.0, 100.0, 50.0, 20.0], "plan_profit": [30.0, 5.0, 2.0, 1.0]})
    >>> actual = pd.DataFrame({"customer_id": ["a", "b", "d"], "tier": ["top", "medium", "small"],
    ...                        "revenue": [280.0, 150.0, 40.0], "net_profit": [25.0, 10.0, 3.0]})
    >>> pva = plan_vs_actual(plan, actual)
    >>> pva[["customer_id", "variance", "component"]].values.tolist()
    [['c', -50.0, 'lost'], ['b', 50.0, 'migration'], ['new', -20.0, 'new'], ['d', 40.0, 'new'], ['a', -20.0, 'spend']]
    """
    act = actual.loc[actual["revenue"] > 0, ["customer_id", "tier", "revenue", "net_profit"]].copy()
    act["tier"] = act["tier"].astype(str)
    p = plan[["customer_id", "plan_tier", "plan_revenue", "plan_profit"]].copy()
    merged = p.merge(act, on="customer_id", how="outer", indicator=True)
    for col in ("plan_revenue", "plan_profit", "revenue", "net_profit"):
        merged[col] = merged[col].astype(float).fillna(0.0)
    in_plan = merged["_merge"] != "right_only"
    has_actual = merged["_merge"] != "left_only"
    is_new_line = merged["customer_id"] == NEW_CUSTOMERS
    merged["component"] = np.select(
        [is_new_line, ~in_plan, in_plan & ~has_actual, merged["plan_tier"] != merged["tier"]],
        ["new", "new", "lost", "migration"], default="spend")
    merged["variance"] = merged["revenue"] - merged["plan_revenue"]
    cols = ["customer_id", "plan_tier", "tier", "plan_revenue", "revenue", "plan_profit", "net_profit", "variance",
            "component"]
    return merged[cols].sort_values(["component", "variance"]).reset_index(drop=True)


def variance_components(pva: pd.DataFrame) -> pd.DataFrame:
    """Total variance split into lost / new / migration / spend (they add up to the total).

    Parameters
    ----------
    pva : DataFrame
        :func:`plan_vs_actual` output.

    Returns
    -------
    DataFrame
        ``component, customers, plan_revenue, revenue, variance`` with a final ``total`` row.

    See Also
    --------
    plan_vs_actual : the per-customer variances it sums.

    Examples
    --------
    >>> plan = pd.DataFrame({"customer_id": ["a", "b", "c", "new"], "plan_tier": ["top", "small", "small", "new"],
    ...                      "plan_revenue": [300.0, 100.0, 50.0, 20.0], "plan_profit": [30.0, 5.0, 2.0, 1.0]})
    >>> actual = pd.DataFrame({"customer_id": ["a", "b", "d"], "tier": ["top", "medium", "small"],
    ...                        "revenue": [280.0, 150.0, 40.0], "net_profit": [25.0, 10.0, 3.0]})
    >>> pva = plan_vs_actual(plan, actual)
    >>> variance_components(pva)[["component", "customers", "variance"]].values.tolist()
    [['lost', 1, -50.0], ['new', 2, 20.0], ['migration', 1, 50.0], ['spend', 1, -20.0], ['total', 5, 0.0]]
    """
    g = pva.groupby("component").agg(customers=("customer_id", "size"), plan_revenue=("plan_revenue", "sum"),
                                      revenue=("revenue", "sum"), variance=("variance", "sum"))
    g = g.reindex(list(COMPONENTS)).fillna(0.0)
    g.loc["total"] = g.sum()
    g["customers"] = g["customers"].astype(int)
    return g.reset_index().rename(columns={"index": "component"})


def tier_attainment(pva: pd.DataFrame, green: float = RAG_GREEN, amber: float = RAG_AMBER) -> pd.DataFrame:
    """Plan vs actual revenue and profit per planned tier (new customers under ``new``), with RAG.

    Parameters
    ----------
    pva : DataFrame
        :func:`plan_vs_actual` output.
    green, amber : float
        RAG thresholds of the attainment (see :func:`rag`).

    Returns
    -------
    DataFrame
        ``tier, plan_revenue, revenue, plan_profit, net_profit, attainment, rag`` with a
        final ``total`` row.

    See Also
    --------
    variance_components : the same variance split by cause.

    Examples
    --------
    >>> plan = pd.DataFrame({"customer_id": ["a", "b", "c", "new"], "plan_tier": ["top", "small", "small", "new"],
    ...                      "plan_revenue": [300.0, 100.0, 50.0, 20.0], "plan_profit": [30.0, 5.0, 2.0, 1.0]})
    >>> actual = pd.DataFrame({"customer_id": ["a", "b", "d"], "tier": ["top", "medium", "small"],
    ...                        "revenue": [280.0, 150.0, 40.0], "net_profit": [25.0, 10.0, 3.0]})
    >>> pva = plan_vs_actual(plan, actual)
    >>> tier_attainment(pva)[["tier", "attainment", "rag"]].round(2).values.tolist()
    [['top', 0.93, 'amber'], ['small', 1.0, 'green'], ['new', 2.0, 'green'], ['total', 1.0, 'green']]
    """
    key = np.where(pva["customer_id"] == NEW_CUSTOMERS, "new",
                   pva["plan_tier"].where(pva["plan_tier"].notna(), "new"))
    g = pva.assign(group=key).groupby("group")[["plan_revenue", "revenue", "plan_profit", "net_profit"]].sum()
    order = [t for t in ACTIVE_TIERS if t in g.index] + (["new"] if "new" in g.index else [])
    g = g.reindex(order)
    g.loc["total"] = g.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        g["attainment"] = np.where(g["plan_revenue"] > 0, g["revenue"] / g["plan_revenue"], np.nan)
    g["rag"] = rag(g["attainment"], green, amber)
    return g.rename_axis("tier").reset_index()


def monthly_plan_vs_actual(transactions: pd.DataFrame, base_start, base_end, start, end,
                           plan_total: float) -> pd.DataFrame:
    """Monthly plan (the plan total spread by the base period's seasonality) against actual revenue.

    Parameters
    ----------
    transactions : DataFrame
        ``date, amount``.
    base_start, base_end : date-like
        The base period (its month shares give the seasonality).
    start, end : date-like
        The plan period.
    plan_total : float
        The period's planned revenue.

    Returns
    -------
    DataFrame
        ``month, plan, actual, cum_plan, cum_actual, attainment, rag`` (month = ``YYYY-MM``).

    See Also
    --------
    monthly_by_tier : the same per planned tier.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "amount": [10.0, 30.0, 12.0, 20.0],
    ...                    "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2025-01-05", "2025-02-07"])})
    >>> m = monthly_plan_vs_actual(tx, "2024-01-01", "2024-02-29", "2025-01-01", "2025-02-28", plan_total=40.0)
    >>> m[["month", "plan", "actual", "rag"]].values.tolist()
    [['2025-01', 10.0, 12.0, 'green'], ['2025-02', 30.0, 20.0, 'red']]
    """
    def by_month(lo, hi):
        lo, hi = pd.Timestamp(lo), pd.Timestamp(hi) + pd.Timedelta(days=1)
        tx = transactions.loc[(transactions["date"] >= lo) & (transactions["date"] < hi), ["date", "amount"]]
        months = pd.period_range(lo, hi - pd.Timedelta(days=1), freq="M")
        s = tx.groupby(tx["date"].dt.to_period("M"))["amount"].sum()
        return s.reindex(months, fill_value=0.0)

    base = by_month(base_start, base_end)
    actual = by_month(start, end)
    n = len(actual)
    shares = base.to_numpy()[:n] / base.sum() if base.sum() > 0 and len(base) >= n else np.full(n, 1.0 / n)
    shares = shares / shares.sum()
    plan = plan_total * shares
    out = pd.DataFrame({"month": actual.index.astype(str), "plan": plan, "actual": actual.to_numpy()})
    out["cum_plan"] = out["plan"].cumsum()
    out["cum_actual"] = out["actual"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["attainment"] = np.where(out["cum_plan"] > 0, out["cum_actual"] / out["cum_plan"], np.nan)
    out["rag"] = rag(out["attainment"])
    return out


def focus_progress(plan: pd.DataFrame, items_now: pd.DataFrame) -> pd.DataFrame:
    """Progress of the focus plan: each planned item's target against the later audit round.

    Parameters
    ----------
    plan : DataFrame
        :func:`threec_helpers.planning.focus_plan` output (``item_id, current, target, ...``).
    items_now : DataFrame
        ``AuditResult.items`` of the later round (``item_id, mean``).

    Returns
    -------
    DataFrame
        The plan with ``achieved`` (the later mean), ``done`` (achieved >= target) and
        ``progress`` (share of the planned improvement achieved, 0-1, capped).

    See Also
    --------
    focus_plan_progress : the same from a notebook's audit results.

    Examples
    --------
    >>> plan = pd.DataFrame({"item_id": ["ORG.1", "ORG.2"], "current": [2.0, 3.0], "target": [3.0, 4.0]})
    >>> now = pd.DataFrame({"item_id": ["ORG.1", "ORG.2"], "mean": [3.5, 3.5]})
    >>> focus_progress(plan, now)[["item_id", "achieved", "done", "progress"]].values.tolist()
    [['ORG.1', 3.5, True, 1.0], ['ORG.2', 3.5, False, 0.5]]
    """
    now = items_now.set_index("item_id")["mean"]
    out = plan.copy()
    out["achieved"] = out["item_id"].map(now).astype(float)
    out["done"] = out["achieved"] >= out["target"] - 1e-9
    span = (out["target"] - out["current"]).replace(0, np.nan)
    out["progress"] = ((out["achieved"] - out["current"]) / span).clip(lower=0, upper=1).fillna(
        out["done"].astype(float))
    return out


def monthly_revenue(transactions: pd.DataFrame, end=None) -> pd.Series:
    """Revenue per calendar month over the whole history (months without sales = 0), ``YYYY-MM`` index.

    Parameters
    ----------
    transactions : DataFrame
        ``date, amount``.
    end : date-like, optional
        Last month to include (months up to it without sales are 0); default the last sale.

    Returns
    -------
    Series
        Revenue per month, ``YYYY-MM`` index.

    See Also
    --------
    revenue_control : the XmR chart of this series.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-03-01", "2025-03-09"]),
    ...                    "amount": [1.0, 2.0, 3.0]})
    >>> monthly_revenue(tx).to_dict()
    {'2025-01': 1.0, '2025-02': 0.0, '2025-03': 5.0}
    """
    d = transactions["date"]
    if end is not None:
        keep = d < pd.Timestamp(end) + pd.Timedelta(days=1)
        d = d[keep]
        amount = transactions.loc[keep, "amount"]
    else:
        amount = transactions["amount"]
    ns = d.to_numpy(dtype="datetime64[ns]")
    months = ns.astype("datetime64[M]").astype(np.int64)
    amt = amount.to_numpy(dtype=float, na_value=0.0)
    lo, hi = int(months.min()), int(months.max())
    sums = np.bincount(months - lo, weights=amt, minlength=hi - lo + 1)
    idx = pd.period_range(pd.Period(np.datetime64(lo, "M"), "M"), periods=hi - lo + 1, freq="M").astype(str)
    return pd.Series(sums, index=pd.Index(idx, name="month"), name="revenue")


def revenue_control(transactions: pd.DataFrame, end=None) -> pd.DataFrame:
    """XmR chart (:func:`threec_helpers.spc.xmr`) of monthly revenue over the whole history.

    Parameters
    ----------
    transactions : DataFrame
        ``date, amount``.
    end : date-like, optional
        As in :func:`monthly_revenue`.

    Returns
    -------
    DataFrame
        The chart frame of :func:`threec_helpers.spc.xmr`, one row per month.

    See Also
    --------
    monthly_revenue : the series charted.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "amount": [10.0, 30.0, 12.0, 20.0],
    ...                    "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2025-01-05", "2025-02-07"])})
    >>> chart = revenue_control(tx)
    >>> len(chart), chart["value"].iloc[:3].tolist()
    (14, [10.0, 30.0, 0.0])
    """
    return spc.xmr(monthly_revenue(transactions, end))


def monthly_by_tier(transactions: pd.DataFrame, plan: pd.DataFrame, base: Period, period: Period,
                    customer_ids: pd.Series | pd.Index | None = None) -> pd.DataFrame:
    """Monthly plan vs actual per planned tier (``new`` for customers outside the plan) and ``total``.

    Each group's plan total is spread over the months by the company's base-period
    seasonality, exactly as :func:`threec_helpers.realization.monthly_plan_vs_actual` does,
    so the ``total`` group equals that function's result; the actual is the revenue of the
    group's customers in each month. One pass over the
    transactions (integer codes and ``np.bincount``), so it stays fast on 10 million rows.

    Parameters
    ----------
    transactions : DataFrame
        ``customer_id, date, amount``.
    plan : DataFrame
        ``customer_id, plan_tier, plan_revenue`` (bottom-up plan, with its ``"new"`` line).
    base, period : Period
        The plan's base period (seasonality) and the period planned.
    customer_ids : Series or Index, optional
        All customer ids (``customers.customer_id``): the transactions are coded against
        them with :func:`threec_helpers.value.customer_codes` (two threads), faster than
        matching against the plan's ids.

    Returns
    -------
    DataFrame
        ``group, month, plan, actual, cum_plan, cum_actual, attainment, rag``; ``group`` in
        Top, Big, Medium, Small, new, total order.

    See Also
    --------
    monthly_plan_vs_actual : the company total alone.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "amount": [10.0, 30.0, 12.0, 20.0],
    ...                    "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2025-01-05", "2025-02-07"])})
    >>> import datetime as dt
    >>> base = Period("2024", dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    >>> period = Period("2025", dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    >>> plan = pd.DataFrame({"customer_id": ["a", "b", "new"], "plan_tier": ["top", "small", "new"],
    ...                      "plan_revenue": [20.0, 20.0, 0.0]})
    >>> m = monthly_by_tier(tx, plan, base, period)
    >>> m.loc[m["group"] == "small", ["month", "plan", "actual", "rag"]].values.tolist()
    [['2025-01', 5.0, 12.0, 'green'], ['2025-02', 15.0, 20.0, 'green']]
    """
    groups = [g for g in ACTIVE_TIERS if g in set(plan["plan_tier"].astype("str"))] + ["new"]
    gpos = {g: i for i, g in enumerate(groups)}
    is_new_line = (plan["customer_id"].astype("str") == NEW_CUSTOMERS).to_numpy()
    line_group = plan["plan_tier"].astype("str").map(gpos).fillna(gpos["new"]).to_numpy(dtype=np.int64, copy=True)
    line_group[is_new_line] = gpos["new"]  # the converted-prospects line is "new", whatever its plan tier
    plan_total = np.bincount(line_group, weights=plan["plan_revenue"].to_numpy(dtype=float), minlength=len(groups))
    plan_ids = pd.Index(plan.loc[~is_new_line, "customer_id"].astype("str").to_numpy())
    plan_group = line_group[~is_new_line]

    tx = transactions
    lo, start = pd.Timestamp(base.start), pd.Timestamp(period.start)
    hi = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    keep = ((tx["date"] >= lo) & (tx["date"] < hi)).to_numpy()
    sub = tx.loc[keep, ["customer_id", "date", "amount"]]
    if customer_ids is not None:
        every = pd.Index(pd.Series(customer_ids).astype("str").to_numpy())
        codes = customer_codes(sub["customer_id"], every)
        group_of = np.full(len(every), gpos["new"], dtype=np.int64)
        pos = every.get_indexer(plan_ids)
        group_of[pos[pos >= 0]] = plan_group[pos >= 0]
        grp = group_of[codes]
    else:
        codes = customer_codes_safe(sub["customer_id"], plan_ids)
        grp = np.where(codes >= 0, plan_group[np.maximum(codes, 0)], gpos["new"])
    dates = sub["date"].to_numpy(dtype="datetime64[ns]")
    months = dates.astype("datetime64[M]").astype(np.int64)
    amt = sub["amount"].to_numpy(dtype=float, na_value=0.0)

    def month_no(d) -> int:
        return int(np.datetime64(pd.Timestamp(d).date(), "M").astype(np.int64))

    b0, b1, p0, p1 = month_no(base.start), month_no(base.end), month_no(period.start), month_no(period.end)
    n_m, n_b = p1 - p0 + 1, b1 - b0 + 1
    in_base = dates < np.datetime64(pd.Timestamp(base.end) + pd.Timedelta(days=1))
    in_per = dates >= np.datetime64(start)
    G = len(groups)
    company = np.bincount(months[in_base] - b0, weights=amt[in_base], minlength=n_b)
    act_m = np.bincount(grp[in_per] * n_m + (months[in_per] - p0), weights=amt[in_per],
                        minlength=G * n_m).reshape(G, n_m)
    if n_b < n_m or company.sum() <= 0:  # no usable base months: uniform seasonality
        company = np.ones(n_m)
    company = company[:n_m]
    shares = company / company.sum()
    plan_m = plan_total[:, None] * shares[None, :]
    labels = pd.period_range(pd.Period(pd.Timestamp(period.start), "M"), periods=n_m, freq="M").astype(str)
    frames = []
    for name, pl, ac in [*[(g, plan_m[i], act_m[i]) for i, g in enumerate(groups)],
                         ("total", plan_m.sum(axis=0), act_m.sum(axis=0))]:
        f = pd.DataFrame({"group": name, "month": np.asarray(labels), "plan": pl, "actual": ac})
        f["cum_plan"] = f["plan"].cumsum()
        f["cum_actual"] = f["actual"].cumsum()
        with np.errstate(divide="ignore", invalid="ignore"):
            f["attainment"] = np.where(f["cum_plan"] > 0, f["cum_actual"] / f["cum_plan"], np.nan)
        f["rag"] = rag(f["attainment"])
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def customer_codes_safe(values: pd.Series, ids: pd.Index) -> np.ndarray:
    """Position of each value in ``ids`` (-1 when absent), through Arrow's hash kernel.

    Parameters
    ----------
    values : Series
        Customer ids to look up.
    ids : Index
        The known ids.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> customer_codes_safe(pd.Series(["b", "x", "a"]), pd.Index(["a", "b"])).tolist()
    [1, -1, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.astype("str"), from_pandas=True)
    keys = pa.array(ids.to_numpy(dtype=object), type=pa.string()).cast(arr.type)
    out = pc.index_in(arr, value_set=keys).to_numpy(zero_copy_only=False)
    return np.where(np.isnan(out.astype(float)), -1, np.nan_to_num(out.astype(float), nan=-1)).astype(np.int64)


def top_variances(pva: pd.DataFrame, table: pd.DataFrame | None = None, n: int = 20) -> pd.DataFrame:
    """The ``n`` customers with the largest absolute variance (actual − plan revenue), with names.

    Parameters
    ----------
    pva : DataFrame
        :func:`plan_vs_actual` output.
    table : DataFrame, optional
        The period's customer table, for the customers' names.
    n : int, default 20
        How many customers.

    Returns
    -------
    DataFrame
        ``customer_id, name`` and the :func:`plan_vs_actual` columns, largest absolute variance first.

    See Also
    --------
    variance_components : the variances summed by cause.

    Examples
    --------
    >>> plan = pd.DataFrame({"customer_id": ["a", "b", "c", "new"], "plan_tier": ["top", "small", "small", "new"],
    ...                      "plan_revenue": [300.0, 100.0, 50.0, 20.0], "plan_profit": [30.0, 5.0, 2.0, 1.0]})
    >>> actual = pd.DataFrame({"customer_id": ["a", "b", "d"], "tier": ["top", "medium", "small"],
    ...                        "revenue": [280.0, 150.0, 40.0], "net_profit": [25.0, 10.0, 3.0]})
    >>> pva = plan_vs_actual(plan, actual)
    >>> top_variances(pva, n=2)["customer_id"].tolist()
    ['c', 'b']
    """
    idx = np.argsort(-np.abs(pva["variance"].to_numpy(dtype=float)), kind="stable")[:n]
    out = pva.iloc[idx].copy()
    if table is not None and "name" in table.columns:
        out = out.merge(table[["customer_id", "name"]], on="customer_id", how="left")
    else:
        out["name"] = None
    return out[["customer_id", "name", "plan_tier", "tier", "plan_revenue", "revenue", "variance", "component"]
               ].reset_index(drop=True)


def focus_plan_progress(results: Mapping[str, Any], plan_start, lang: str = "zh", top_n: int = 8
                        ) -> pd.DataFrame | None:
    """The focus plan of the round before the latest, measured against the latest round.

    Returns None with fewer than two rounds.

    Parameters
    ----------
    results : mapping
        Round -> :class:`~threec_helpers.audit.scoring.AuditResult`, oldest first.
    plan_start : date-like
        Start of the plan made on the earlier round.
    lang : {"zh", "en"}
        Language of the plan's texts.
    top_n : int, default 8
        Items planned (as in :func:`~threec_helpers.measures.planning.focus_plan`).

    Returns
    -------
    DataFrame or None
        As :func:`focus_progress`.

    See Also
    --------
    focus_progress : the measurement itself.

    Examples
    --------
    >>> focus_plan_progress({}, "2026-01-01") is None
    True
    """
    rounds = list(results)
    if len(rounds) < 2:
        return None
    plan = focus_plan(results[rounds[-2]].items, plan_start, top_n=top_n, lang=lang)
    out = focus_progress(plan, results[rounds[-1]].items)
    out.attrs["rounds"] = (rounds[-2], rounds[-1])
    return out
