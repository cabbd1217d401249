"""Phase 1 (registration): the data-quality profile and the customer-data quality score.

The seed asks that customer data be *relevant, complete and up to date*. Instead of asking
staff how good their data is, :func:`data_quality_profile` measures it from the client's
own tables and turns it into a **customer-data quality score** (0-100, results key
``information_score``; not the customer-focus audit's Information factor, which is the
staff's own assessment and the 3C scorecard's information dimension) with four components:

========================  ======  =================================================================
component                 weight  measured as
========================  ======  =================================================================
completeness              40 %    mean share of filled cells over the contract columns the
                                  client provided, plus the optional columns it did not provide
                                  counted as empty (``potential_revenue``, ``segment``, ...)
freshness                 20 %    1 when the newest transaction is at most 31 days before the
                                  period end, falling linearly to 0 at 365 days
consistency               20 %    share of customers whose ``status`` agrees with their
                                  transactions (active = bought within ``inactive_months``)
                                  and whose ``first_purchase`` equals their first transaction
coverage                  20 %    mean of: share of active customers with a survey answer in the
                                  period (or the latest wave), and share of checklist items
                                  answered in the focus audit (when those tables exist)
========================  ======  =================================================================

Components that cannot be measured (no transactions, no surveys) are left out and the
remaining weights rescaled; the profile says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..arrays import fast_isin
from ..inputs.config import Period
from ..inputs.contract import TABLES, ENGAGEMENT_TABLES
from .pyramid import ACTIVE_TIERS

WEIGHTS = {"completeness": 0.4, "freshness": 0.2, "consistency": 0.2, "coverage": 0.2}
FRESH_DAYS = 31
STALE_DAYS = 365


@dataclass
class DataQualityProfile:
    """Result of :func:`data_quality_profile`.

    Attributes
    ----------
    columns : DataFrame
        One row per contract column: table, column, provided (bool), filled share.
    checks : DataFrame
        One row per check: check, value (0-1 or count), detail.
    components : dict
        Component -> score 0-1 (only measured components).
    score : float
        Customer-data quality score 0-100.

    See Also
    --------
    data_quality_profile : computes it.

    Examples
    --------
    >>> import datetime as dt
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "status": ["active", "active", "prospect"]})
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0],
    ...                    "date": pd.to_datetime(["2025-11-01", "2023-05-01"])})
    >>> profile = data_quality_profile({"customers": customers, "transactions": tx},
    ...                                Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> sorted(profile.components), 0 <= profile.score <= 100
    (['completeness', 'consistency', 'freshness'], True)
    """

    columns: pd.DataFrame
    checks: pd.DataFrame
    components: dict[str, float]
    score: float


def column_completeness(tables: dict[str, pd.DataFrame], engagement: str = "3c") -> pd.DataFrame:
    """Share of filled cells for every contract column of the engagement's provided tables.

    Parameters
    ----------
    tables : dict of DataFrame
        The client's tables (absent tables are skipped).
    engagement : {"3c", "audit"}, default "3c"
        Whose data contract lists the columns.

    Returns
    -------
    DataFrame
        Columns ``table, column, required, provided, filled`` (``filled`` is 0 for a column
        the client did not provide).

    See Also
    --------
    data_quality_profile : the completeness as one component of the customer-data quality score.

    Examples
    --------
    >>> tables = {"customers": pd.DataFrame({"customer_id": ["a", "b"], "status": ["active", None]})}
    >>> column_completeness(tables).query("column == 'status'")["filled"].item()
    0.5
    """
    rows = []
    for name in ENGAGEMENT_TABLES[engagement]:
        if name not in tables:
            continue
        frame = tables[name]
        for col in TABLES[name].columns:
            provided = col.name in frame.columns
            filled = float(frame[col.name].notna().mean()) if provided and len(frame) else 0.0
            rows.append({"table": name, "column": col.name, "required": col.required, "provided": provided,
                         "filled": filled})
    return pd.DataFrame(rows, columns=["table", "column", "required", "provided", "filled"])


def freshness_score(latest: pd.Timestamp | None, period_end: pd.Timestamp) -> float:
    """1 when ``latest`` is within 31 days of the period end, 0 at 365 days or more, linear between.

    Parameters
    ----------
    latest : Timestamp or None
        Date of the latest record (None: no data, score 0).
    period_end : Timestamp
        End of the period registered.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> end = pd.Timestamp("2025-12-31")
    >>> freshness_score(pd.Timestamp("2025-12-20"), end), round(freshness_score(pd.Timestamp("2025-06-30"), end), 3)
    (1.0, 0.542)
    >>> freshness_score(None, end)
    0.0
    """
    if latest is None or pd.isna(latest):
        return 0.0
    age = (period_end - latest).days
    if age <= FRESH_DAYS:
        return 1.0
    return float(max(0.0, 1.0 - (age - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS)))


def status_consistency(customers: pd.DataFrame, transactions: pd.DataFrame, period_end: pd.Timestamp,
                       inactive_months: int = 12) -> pd.Series:
    """Per customer: does ``status`` agree with the transactions?

    Active = bought within ``inactive_months`` before ``period_end``; inactive = bought
    before but not since; prospect/suspect = never bought. Where ``first_purchase`` is given
    it must equal the first transaction's date, or, when it lies before the start of the
    transaction history, come before the first recorded transaction.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id, status`` and optionally ``first_purchase``.
    transactions : DataFrame
        ``customer_id, date``.
    period_end : Timestamp
        End of the period registered.
    inactive_months : int, default 12
        Months without a purchase after which a customer is inactive.

    Returns
    -------
    Series of bool indexed by customer_id.

    Examples
    --------
    >>> import datetime as dt
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "status": ["active", "active", "prospect"]})
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0],
    ...                    "date": pd.to_datetime(["2025-11-01", "2023-05-01"])})
    >>> status_consistency(customers, tx, pd.Timestamp("2025-12-31")).to_dict()
    {'a': True, 'b': False, 'c': True}
    """
    tx = transactions.loc[transactions["date"] <= period_end, ["customer_id", "date"]]
    first = tx.groupby("customer_id", sort=False)["date"].min()
    last = tx.groupby("customer_id", sort=False)["date"].max()
    cutoff = period_end - pd.DateOffset(months=inactive_months)
    ids = customers["customer_id"]
    last_c = ids.map(last)
    first_c = ids.map(first)
    expected = np.where(last_c.isna(), "never", np.where(last_c > cutoff, "active", "inactive"))
    status = customers["status"].astype(object).to_numpy()
    ok = np.where(expected == "never", np.isin(status, ["prospect", "suspect"]), status == expected)
    if "first_purchase" in customers.columns and len(tx):
        fp = customers["first_purchase"].dt.normalize()
        fc = first_c.dt.normalize()
        history_start = tx["date"].min().normalize()
        # a first purchase before the transaction history starts cannot be seen in it: it only
        # has to come before the first recorded transaction
        same = fp.isna() | fc.isna() | (fp == fc) | ((fp < history_start) & (fp <= fc))
        ok = ok & same.to_numpy()
    return pd.Series(ok, index=ids.to_numpy(), name="consistent")


def data_quality_profile(tables: dict[str, pd.DataFrame], period: Period, inactive_months: int = 12,
                         checklist_items: int | None = None) -> DataQualityProfile:
    """Measure completeness, freshness, consistency and coverage of a 3C client's data.

    Parameters
    ----------
    tables : dict of DataFrame
        Validated tables (``load_client(...).tables``).
    period : Period
        The period registered (its end is "now" for freshness).
    inactive_months : int
        From ``client.yaml`` ``pyramid.inactive_months``.
    checklist_items : int, optional
        Items of the focus checklist, for the focus-audit coverage.

    Returns
    -------
    DataQualityProfile

    See Also
    --------
    column_completeness, freshness_score, status_consistency : its components.

    Examples
    --------
    >>> import datetime as dt
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "status": ["active", "active", "prospect"]})
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0],
    ...                    "date": pd.to_datetime(["2025-11-01", "2023-05-01"])})
    >>> profile = data_quality_profile({"customers": customers, "transactions": tx},
    ...                                Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> round(profile.components["consistency"], 3)
    0.667
    """
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    columns = column_completeness(tables, "3c")
    checks: list[dict] = []
    components: dict[str, float] = {}
    if len(columns):
        components["completeness"] = float(columns["filled"].mean())
    tx = tables.get("transactions")
    customers = tables.get("customers")
    if tx is not None and len(tx):
        latest = tx.loc[tx["date"] <= end, "date"].max()
        components["freshness"] = freshness_score(latest, end)
        checks.append({"check": "latest_transaction", "value": None if pd.isna(latest) else latest.date().isoformat(),
                       "detail": int((end - latest).days) if not pd.isna(latest) else None})
        dup = int(tx.duplicated(subset=[c for c in tx.columns if c != "transaction_id"]).sum())
        checks.append({"check": "duplicate_transactions", "value": dup, "detail": len(tx)})
    if customers is not None and tx is not None:
        consistent = status_consistency(customers, tx, end, inactive_months)
        components["consistency"] = float(consistent.mean()) if len(consistent) else 1.0
        checks.append({"check": "status_inconsistent", "value": int((~consistent).sum()), "detail": len(consistent)})
    coverage = []
    if customers is not None and tx is not None and "surveys" in tables:
        start = pd.Timestamp(period.start)
        active = tx.loc[(tx["date"] >= start) & (tx["date"] <= end), "customer_id"].unique()
        surveyed = tables["surveys"]["customer_id"].unique()
        share = float(np.isin(active, surveyed).mean()) if len(active) else 0.0
        coverage.append(share)
        checks.append({"check": "survey_coverage", "value": share, "detail": len(active)})
    if "focus_responses" in tables and checklist_items:
        fr = tables["focus_responses"]
        share = min(1.0, fr["item_id"].nunique() / checklist_items)
        coverage.append(share)
        checks.append({"check": "focus_item_coverage", "value": share, "detail": int(fr["respondent_id"].nunique())})
    if coverage:
        components["coverage"] = float(np.mean(coverage))
    total_weight = sum(WEIGHTS[k] for k in components)
    score = 100.0 * sum(WEIGHTS[k] * v for k, v in components.items()) / total_weight if total_weight else 0.0
    return DataQualityProfile(columns, pd.DataFrame(checks, columns=["check", "value", "detail"]), components, score)


_DATE_COLUMN = {"transactions": "date", "surveys": "date", "customers": "first_purchase"}


def integration_summary(tables: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """How the client's tables fit together: rows, customers, orphans, dates, rows in the period.

    Parameters
    ----------
    tables : dict of DataFrame
        Loaded 3C tables.
    period : Period
        The registered period (``rows_in_period`` counts its rows: by date, or by the
        ``period`` column of ``cost_to_serve``).

    Returns
    -------
    DataFrame
        ``table, rows, columns, customers`` (distinct customer ids, respondents for
        ``focus_responses``), ``orphans`` (rows whose customer id is not in ``customers``),
        ``first_date, last_date, rows_in_period``.

    Examples
    --------
    >>> import datetime as dt
    >>> tb = {"customers": pd.DataFrame({"customer_id": ["a", "b"]}),
    ...       "transactions": pd.DataFrame({"customer_id": ["a", "a", "x"],
    ...                                     "date": pd.to_datetime(["2025-01-02", "2026-01-02", "2026-02-01"])})}
    >>> s = integration_summary(tb, Period("FY", dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    >>> [int(v) for v in s.loc[s.table == "transactions", ["customers", "orphans", "rows_in_period"]].values[0]]
    [2, 1, 2]
    """
    ids = tables["customers"]["customer_id"] if "customers" in tables else None
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)
    rows = []
    for name in ("customers", "transactions", "cost_to_serve", "surveys", "focus_responses"):
        if name not in tables:
            continue
        f = tables[name]
        row: dict[str, Any] = {"table": name, "rows": len(f), "columns": f.shape[1]}
        key = "respondent_id" if name == "focus_responses" else "customer_id"
        row["customers"] = int(f[key].nunique()) if key in f.columns else np.nan
        if name != "customers" and key == "customer_id" and ids is not None and "customer_id" in f.columns:
            row["orphans"] = int((~fast_isin(f["customer_id"], ids) & f["customer_id"].notna().to_numpy()).sum())
        else:
            row["orphans"] = 0
        col = _DATE_COLUMN.get(name)
        if col and col in f.columns and len(f):
            d = f[col]
            row["first_date"] = d.min().date() if not pd.isna(d.min()) else None
            row["last_date"] = d.max().date() if not pd.isna(d.max()) else None
            row["rows_in_period"] = int(((d >= start) & (d < end)).sum())
        elif name == "cost_to_serve" and "period" in f.columns:
            row["rows_in_period"] = int((f["period"].astype("str") == period.id).sum())
        elif name == "focus_responses" and "round" in f.columns:
            row["rows_in_period"] = np.nan
        rows.append(row)
    cols = ["table", "rows", "columns", "customers", "orphans", "first_date", "last_date", "rows_in_period"]
    return pd.DataFrame(rows).reindex(columns=cols)


def period_overview(tables_by_period: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The performance registration: totals of each period's customer table.

    Parameters
    ----------
    tables_by_period : mapping
        Period id -> :func:`~threec_helpers.customer_table.customer_table`, in period order.

    Returns
    -------
    DataFrame
        ``period, active_customers, revenue, gross_margin, cost_to_serve, net_profit,
        transactions, surveyed`` (customers with a survey answer on or before the period end).

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "inactive"], "revenue": [10.0, 0.0], "gross_margin": [4.0, 0.0],
    ...                    "cost_to_serve": [1.0, 0.5], "net_profit": [3.0, -0.5], "transactions": [2, 0],
    ...                    "satisfaction": [4.0, None]})
    >>> r = period_overview({"P1": tb}).iloc[0]
    >>> int(r["active_customers"]), float(r["cost_to_serve"]), float(r["net_profit"]), int(r["surveyed"])
    (1, 1.5, 2.5, 1)
    """
    rows = []
    for pid, tb in tables_by_period.items():
        active = tb["tier"].astype("str").isin(ACTIVE_TIERS) & (tb["revenue"] > 0)
        rows.append({"period": pid, "active_customers": int(active.sum()), "revenue": float(tb["revenue"].sum()),
                     "gross_margin": float(tb["gross_margin"].sum()), "cost_to_serve": float(tb["cost_to_serve"].sum()),
                     "net_profit": float(tb["net_profit"].sum()), "transactions": int(tb["transactions"].sum()),
                     "surveyed": int(tb["satisfaction"].notna().sum()) if "satisfaction" in tb.columns else 0})
    return pd.DataFrame(rows, columns=["period", "active_customers", "revenue", "gross_margin", "cost_to_serve",
                                       "net_profit", "transactions", "surveyed"])
