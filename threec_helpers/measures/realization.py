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

import numpy as np
import pandas as pd

from .planning import NEW_CUSTOMERS
from .pyramid import ACTIVE_TIERS

COMPONENTS = ("lost", "new", "migration", "spend")
RAG_GREEN = 0.98
RAG_AMBER = 0.90


def rag(attainment, green: float = RAG_GREEN, amber: float = RAG_AMBER, higher_is_better: bool = True):
    """Red/amber/green for attainment ratios (array-like -> array of ``"green"/"amber"/"red"``).

    For measures where lower is better (complaints), pass ``higher_is_better=False`` and the
    ratio actual/plan is inverted.

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

    Returns
    -------
    DataFrame
        ``component, customers, plan_revenue, revenue, variance`` with a final ``total`` row.
    """
    g = pva.groupby("component").agg(customers=("customer_id", "size"), plan_revenue=("plan_revenue", "sum"),
                                      revenue=("revenue", "sum"), variance=("variance", "sum"))
    g = g.reindex(list(COMPONENTS)).fillna(0.0)
    g.loc["total"] = g.sum()
    g["customers"] = g["customers"].astype(int)
    return g.reset_index().rename(columns={"index": "component"})


def tier_attainment(pva: pd.DataFrame, green: float = RAG_GREEN, amber: float = RAG_AMBER) -> pd.DataFrame:
    """Plan vs actual revenue and profit per planned tier (new customers under ``new``), with RAG."""
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
    """
    now = items_now.set_index("item_id")["mean"]
    out = plan.copy()
    out["achieved"] = out["item_id"].map(now).astype(float)
    out["done"] = out["achieved"] >= out["target"] - 1e-9
    span = (out["target"] - out["current"]).replace(0, np.nan)
    out["progress"] = ((out["achieved"] - out["current"]) / span).clip(lower=0, upper=1).fillna(
        out["done"].astype(float))
    return out
