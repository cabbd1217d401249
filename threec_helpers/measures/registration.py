"""Phase 1 (registration): the data-quality profile and the Information score.

The seed asks that customer data be *relevant, complete and up to date*. Instead of asking
staff how good their data is, :func:`data_quality_profile` measures it from the client's
own tables and turns it into an **Information score** (0-100) with four components:

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

import numpy as np
import pandas as pd

from ..inputs.config import Period
from ..inputs.contract import TABLES, ENGAGEMENT_TABLES

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
        Information score 0-100.
    """

    columns: pd.DataFrame
    checks: pd.DataFrame
    components: dict[str, float]
    score: float


def column_completeness(tables: dict[str, pd.DataFrame], engagement: str = "3c") -> pd.DataFrame:
    """Share of filled cells for every contract column of the engagement's provided tables.

    Returns
    -------
    DataFrame
        Columns ``table, column, required, provided, filled`` (``filled`` is 0 for a column
        the client did not provide).

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
    """1 when ``latest`` is within 31 days of the period end, 0 at 365 days or more, linear between."""
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

    Returns
    -------
    Series of bool indexed by customer_id.
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
