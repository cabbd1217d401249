"""Glue of the four 3C phase notebooks: headline figures, short tables and sentences.

The phase notebooks (``notebooks/phases/01_registration`` .. ``04_realization``) are thin
narratives; whatever small computation they need beyond the measures of the package
lives here, tested (``tests/test_phase_report.py``).

Headline figures and their status
---------------------------------
Every notebook records its key figures with :func:`record` (``ctx.key_figure``) under the
keys the 3C scorecard looks for. The status of a figure follows :func:`status_of`:

=============================  ===========================================================
key                            status rule (``good`` / ``warn`` / ``bad``)
=============================  ===========================================================
``information_score``          >= 80 good, >= 60 warn, else bad (0-100)
``operating_profit``           > 0 good, else bad
``value_destroying_share``     <= 10% good, <= 25% warn, else bad
``retention``                  >= target good, >= target - 5 points warn, else bad
                               (``targets.retention``; neutral without a target)
``satisfaction``               >= target good, >= target - 0.3 warn, else bad
                               (``targets.satisfaction``, CSAT 1-5)
``nps``                        >= target good, >= target - 10 warn, else bad (``targets.nps``)
``preferred_supplier``         >= target good, >= target - 5 points warn, else bad
                               (``targets.preferred_supplier``; neutral without one)
``organization``,              >= 0.75 good (the customer-focus checklist's default target,
``communications``,            maturity 4 of 5), >= 0.50 warn, else bad (0-1)
``information``
``plan_gap``                   bottom-up - top-down as a share of top-down (``ratio``):
                               >= 0 good, >= -5% warn, else bad
``attainment``                 realization's RAG rule: >= 98% good, >= 90% warn, else bad
``rag``                        green good, amber warn, red bad
``variance``                   as ``attainment`` on actual / plan (``ratio``)
``focus_actions_done``         share of planned focus actions done (``ratio``): >= 80%
                               good, >= 50% warn, else bad
anything else                  neutral (counts, money, plan totals)
=============================  ===========================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..inputs.config import Period
from ..i18n import fmt_int, fmt_money, fmt_num, fmt_pct, has_key, t
from ..measures.pyramid import ACTIVE_TIERS, tier_label
from ..arrays import fast_isin

__all__ = [
    "status_of", "key_figure", "record", "check_lines", "FORMATS",
    "integration_summary", "period_overview", "focus_registration", "satisfaction_by_wave",
    "plot_completeness", "retention", "top_share", "focus_scores", "focus_priorities",
    "focus_vs_performance", "opportunities_table", "clv_estimate", "default_assumptions",
    "customer_plan", "satisfaction_plan", "assumptions_table", "plan_folders", "base_plan",
    "monthly_revenue", "revenue_control", "plot_with_reference", "monthly_by_tier", "focus_kpis",
    "focus_plan_progress", "conclusion",
]

FOCUS_AREAS = {"organization": "ORG", "communications": "COM", "information": "INF"}
FOCUS_TARGET = 0.75
DEFAULT_PROMOTE = 5  #: default migration goal: Medium customers to move to Big

#: key -> display format of the value
FORMATS: dict[str, str] = {
    "information_score": "score", "customers": "int", "active_customers": "int", "revenue": "money",
    "operating_profit": "money", "profitable_profit": "money", "unprofitable_loss": "money",
    "top20_revenue_share": "pct", "value_destroying_share": "pct", "retention": "pct", "satisfaction": "num2",
    "nps": "num", "preferred_supplier": "pct", "clv_total": "money", "organization": "pct",
    "communications": "pct", "information": "pct", "opportunities": "int", "plan_revenue_top_down": "money",
    "plan_revenue_bottom_up": "money", "plan_gap": "money", "focus_actions": "int", "attainment": "pct",
    "rag": "rag", "variance": "money", "focus_actions_done": "count_of",
}


def _band(value: float, good: float, warn: float, higher_is_better: bool = True) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "neutral"
    v = float(value)
    if higher_is_better:
        return "good" if v >= good - 1e-12 else "warn" if v >= warn - 1e-12 else "bad"
    return "good" if v <= good + 1e-12 else "warn" if v <= warn + 1e-12 else "bad"


def status_of(key: str, value: Any, targets: Mapping[str, float] | None = None, ratio: float | None = None) -> str:
    """Status of a headline figure by the rule of the module docstring.

    Parameters
    ----------
    key : str
        Figure key (``"retention"``, ``"information_score"``, ...).
    value : number or str
        The figure's value.
    targets : mapping, optional
        ``client.yaml`` targets (``retention``, ``satisfaction``, ``nps``, ``preferred_supplier``).
    ratio : float, optional
        The ratio some rules judge instead of the value (``plan_gap``: gap / top-down;
        ``variance``: actual / plan; ``focus_actions_done``: done / planned).

    Returns
    -------
    str
        ``good``, ``warn``, ``bad`` or ``neutral``.

    Examples
    --------
    >>> status_of("information_score", 82.0), status_of("retention", 0.86, {"retention": 0.9})
    ('good', 'warn')
    >>> status_of("rag", "red"), status_of("customers", 2700)
    ('bad', 'neutral')
    """
    targets = targets or {}
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "neutral"
    if key == "information_score":
        return _band(value, 80.0, 60.0)
    if key == "operating_profit":
        return "good" if float(value) > 0 else "bad"
    if key == "value_destroying_share":
        return _band(value, 0.10, 0.25, higher_is_better=False)
    if key in ("retention", "preferred_supplier"):
        return _band(value, float(targets[key]), float(targets[key]) - 0.05) if key in targets else "neutral"
    if key == "satisfaction":
        return _band(value, float(targets[key]), float(targets[key]) - 0.3) if key in targets else "neutral"
    if key == "nps":
        return _band(value, float(targets[key]), float(targets[key]) - 10) if key in targets else "neutral"
    if key in FOCUS_AREAS:
        return _band(value, FOCUS_TARGET, 0.5)
    if key == "plan_gap":
        return _band(ratio, 0.0, -0.05) if ratio is not None else "neutral"
    if key == "attainment":
        return _band(value, 0.98, 0.90)
    if key == "variance":
        return _band(ratio, 0.98, 0.90) if ratio is not None else "neutral"
    if key == "rag":
        return {"green": "good", "amber": "warn", "red": "bad"}.get(str(value), "neutral")
    if key == "focus_actions_done":
        return _band(ratio, 0.8, 0.5) if ratio is not None else "neutral"
    return "neutral"


def _text(kind: str, value: Any, lang: str, currency: str, of: Any = None) -> str:
    if kind == "money":
        return fmt_money(value, currency)
    if kind == "pct":
        return fmt_pct(value)
    if kind == "int":
        return fmt_int(value)
    if kind == "num2":
        return fmt_num(value, 2)
    if kind == "num":
        return fmt_num(value, 1)
    if kind == "score":
        return fmt_num(value, 1)
    if kind == "rag":
        return t(f"planning.rag.{value}", lang) if value in ("green", "amber", "red") else "–"
    if kind == "count_of":
        return t("phases.count_of", lang, n=fmt_int(value), total=fmt_int(of))
    return str(value)


def key_figure(key: str, value: Any, lang: str = "zh", *, targets: Mapping[str, float] | None = None,
               currency: str = "CNY", ratio: float | None = None, of: Any = None) -> dict[str, Any]:
    """One headline figure: ``{key, label, value, text, status}`` (``label`` from ``phases.kf.<key>``).

    Parameters
    ----------
    key : str
        One of :data:`FORMATS`.
    value : number or str
    lang : {"zh", "en"}
    targets : mapping, optional
        ``client.yaml`` targets, for the status.
    currency : str
    ratio : float, optional
        See :func:`status_of`.
    of : number, optional
        The total for ``count_of`` figures ("3 of 8").

    Examples
    --------
    >>> f = key_figure("retention", 0.8571, "en", targets={"retention": 0.9})
    >>> f["label"], f["text"], f["status"]
    ('Customer retention', '85.71%', 'warn')
    """
    kind = FORMATS.get(key, "num")
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    return {"key": key, "label": t(f"phases.kf.{key}", lang), "value": value,
            "text": _text(kind, value, lang, currency, of), "status": status_of(key, value, targets, ratio)}


def record(ctx, figures: Iterable[Mapping[str, Any]]) -> None:
    """Record figures (from :func:`key_figure`) as the notebook's headline (``ctx.key_figure``)."""
    for f in figures:
        ctx.key_figure(f["key"], f["label"], f["value"], f["text"], f["status"])


def check_lines(figures: Iterable[Mapping[str, Any]], extra: Mapping[str, Any] | None = None) -> str:
    """The plain-text key numbers of the ``nbval-check-output`` cell: ``key: value`` per line.

    Numbers are printed in a language-independent form (4 significant decimals for ratios,
    2 for money), so the committed output does not depend on the report language.

    Examples
    --------
    >>> print(check_lines([key_figure("customers", 2700, "en"), key_figure("retention", 0.85714, "en")]))
    customers: 2700
    retention: 0.8571
    """
    lines = []
    for f in figures:
        lines.append(f"{f['key']}: {_plain(f['value'])}")
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {_plain(v)}")
    return "\n".join(lines)


def _plain(v: Any) -> str:
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if np.isnan(v):
            return "nan"
        if float(v).is_integer() and abs(v) >= 1:
            return str(int(v))
        return f"{v:.4f}" if abs(v) < 100 else f"{v:.2f}"
    return str(v)


# ======================================================================== registration


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


def focus_registration(responses: pd.DataFrame, management_roles: Iterable[str] | None = None) -> pd.DataFrame:
    """Who answered the customer-focus audit: respondents and answers per round and role.

    Returns
    -------
    DataFrame
        ``round, role, role_group`` (management / front_line), ``respondents, answers,
        missing_scores`` (answers without a score), sorted by round then role.

    Examples
    --------
    >>> r = pd.DataFrame({"round": ["1", "1", "1"], "respondent_id": ["a", "a", "b"],
    ...                   "role": ["management", "management", "sales"], "item_id": ["X", "Y", "X"],
    ...                   "score": [3.0, None, 4.0]})
    >>> focus_registration(r)[["role", "respondents", "answers", "missing_scores"]].values.tolist()
    [['management', 1, 2, 1], ['sales', 1, 1, 0]]
    """
    from ..audit.scoring import MANAGEMENT_ROLES, natural_key

    mgmt = {str(r).strip().lower() for r in (management_roles or MANAGEMENT_ROLES)}
    f = responses
    rnd = f["round"].astype("str").fillna("") if "round" in f.columns else pd.Series("", index=f.index)
    role = f["role"].astype("str").fillna("?") if "role" in f.columns else pd.Series("?", index=f.index)
    work = pd.DataFrame({"round": rnd.to_numpy(), "role": role.to_numpy(),
                         "respondent_id": f["respondent_id"].to_numpy(),
                         "missing": f["score"].isna().to_numpy()})
    g = work.groupby(["round", "role"], sort=False).agg(respondents=("respondent_id", "nunique"),
                                                        answers=("respondent_id", "size"),
                                                        missing_scores=("missing", "sum")).reset_index()
    g["role_group"] = np.where(g["role"].str.strip().str.lower().isin(mgmt), "management", "front_line")
    g["missing_scores"] = g["missing_scores"].astype(int)
    g["_k"] = g["round"].map(natural_key)
    g = g.sort_values(["_k", "role"]).drop(columns="_k").reset_index(drop=True)
    return g[["round", "role", "role_group", "respondents", "answers", "missing_scores"]]


def satisfaction_by_wave(surveys: pd.DataFrame) -> pd.DataFrame:
    """Survey waves: answers, customers, dates, mean satisfaction (1-5) with its standard deviation.

    Returns
    -------
    DataFrame
        ``wave, answers, customers, first_date, last_date, mean, std`` in natural wave order.

    Examples
    --------
    >>> s = pd.DataFrame({"wave": ["W2", "W1", "W1"], "customer_id": ["a", "a", "b"],
    ...                   "satisfaction": [5.0, 3.0, 4.0]})
    >>> satisfaction_by_wave(s)[["wave", "answers", "mean"]].values.tolist()
    [['W1', 2, 3.5], ['W2', 1, 5.0]]
    """
    from ..audit.scoring import natural_key

    f = surveys
    date = f["date"] if "date" in f.columns else pd.Series(pd.NaT, index=f.index)
    work = pd.DataFrame({"wave": f["wave"].astype("str").to_numpy(), "customer_id": f["customer_id"].to_numpy(),
                         "date": date.to_numpy(), "satisfaction": f["satisfaction"].to_numpy(dtype=float)})
    g = work.groupby("wave", sort=False).agg(answers=("satisfaction", "count"), customers=("customer_id", "nunique"),
                                             first_date=("date", "min"), last_date=("date", "max"),
                                             mean=("satisfaction", "mean"), std=("satisfaction", "std")).reset_index()
    g = g.iloc[sorted(range(len(g)), key=lambda i: natural_key(g["wave"].iloc[i]))].reset_index(drop=True)
    for c in ("first_date", "last_date"):
        g[c] = [d.date() if not pd.isna(d) else None for d in pd.to_datetime(g[c])]
    return g


def plot_completeness(columns: pd.DataFrame, lang: str = "zh", source: str | None = None):
    """Horizontal bars of the share of filled cells per column (``table.column``).

    Parameters
    ----------
    columns : DataFrame
        :func:`threec_helpers.registration.column_completeness` (``table, column, filled``).
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from ..plots.style import COLORS, add_source_note, apply_style

    apply_style()
    data = columns.iloc[::-1]
    labels = (data["table"] + "." + data["column"]).tolist()
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.24 * len(data) + 1)))
    filled = data["filled"].to_numpy(dtype=float)
    colors = [COLORS["good"] if v >= 0.95 else COLORS["warn"] if v >= 0.7 else COLORS["bad"] for v in filled]
    ax.barh(range(len(data)), filled, color=colors)
    ax.set_yticks(range(len(data)), labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(t("phases.plot.completeness_x", lang))
    ax.set_title(t("phases.plot.completeness_title", lang))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return add_source_note(fig, source or t("phases.source.client", lang), lang)


# ======================================================================== analysis


def retention(table: pd.DataFrame) -> tuple[int, int, float]:
    """Customers active in the previous period who are still active: ``(retained, base, rate)``.

    Examples
    --------
    >>> tb = pd.DataFrame({"previous_tier": ["top", "small", "small", "prospect"],
    ...                    "tier": ["big", "inactive", "small", "small"]})
    >>> retention(tb)
    (2, 3, 0.6666666666666666)
    """
    prev = table["previous_tier"].astype("str").isin(ACTIVE_TIERS).to_numpy()
    now = table["tier"].astype("str").isin(ACTIVE_TIERS).to_numpy()
    base = int(prev.sum())
    kept = int((prev & now).sum())
    return kept, base, (kept / base if base else float("nan"))


def top_share(summary: pd.DataFrame) -> float:
    """Revenue share of the top 20% of active customers (Top + Big + Medium of :func:`tier_summary`)."""
    return float(summary.loc[["top", "big", "medium"], "revenue_share"].sum())


def focus_scores(result) -> dict[str, float]:
    """Customer-focus factor scores (0-1) of an audit round: organization, communications, information, overall.

    Examples
    --------
    >>> class R: areas = pd.DataFrame({"area_id": ["ORG", "COM", "INF"], "score": [0.5, 0.6, 0.3]}); overall = {"score": 0.47}
    >>> focus_scores(R())
    {'organization': 0.5, 'communications': 0.6, 'information': 0.3, 'overall': 0.47}
    """
    s = result.areas.set_index("area_id")["score"]
    out = {k: float(s.get(a, np.nan)) for k, a in FOCUS_AREAS.items()}
    out["overall"] = float(result.overall["score"])
    return out


def focus_priorities(result, lang: str = "zh", n: int = 10) -> pd.DataFrame:
    """The ``n`` most urgent customer-focus items: ``rank, item_id, factor, item, mean, target, gap, priority``."""
    top = result.top_priorities(n)
    area = result.areas.set_index("area_id")[f"area_title_{lang}"]
    return pd.DataFrame({
        "rank": top["priority_rank"].astype(int).to_numpy(), "item_id": top["item_id"].to_numpy(),
        "factor": top["area_id"].map(area).to_numpy(), "item": top[f"text_{lang}"].to_numpy(),
        "mean": top["mean"].to_numpy(float), "target": top["target"].to_numpy(float),
        "gap": top["gap"].to_numpy(float), "priority": top["priority"].to_numpy(float)})


def _round_period(round_id: str, periods: Sequence[Period]) -> Period | None:
    import re

    m = re.search(r"(\d{4})", str(round_id))
    if not m:
        return None
    year = int(m.group(1))
    hits = [p for p in periods if p.end.year == year]
    return hits[-1] if hits else None


def focus_vs_performance(results: Mapping[str, Any], tables_by_period: Mapping[str, pd.DataFrame],
                         periods: Sequence[Period]) -> pd.DataFrame:
    """Customer focus next to customer performance, one row per audit round.

    A round is matched to the period whose end falls in the year named in the round id
    (round ``2026`` -> the period ending in 2026, e.g. FY2026); rounds without a match keep
    empty performance columns.

    Parameters
    ----------
    results : mapping
        Round -> :class:`~threec_helpers.audits.AuditResult` (:func:`score_rounds`).
    tables_by_period : mapping
        Period id -> customer table.
    periods : sequence of Period

    Returns
    -------
    DataFrame
        ``round, period, focus, organization, communications, information, active_customers,
        revenue, net_profit, retention, satisfaction``.
    """
    rows = []
    for rnd, res in results.items():
        sc = focus_scores(res)
        p = _round_period(rnd, periods)
        row = {"round": rnd, "period": p.id if p else None, "focus": sc["overall"],
               "organization": sc["organization"], "communications": sc["communications"],
               "information": sc["information"]}
        tb = tables_by_period.get(p.id) if p else None
        if tb is not None:
            active = tb["tier"].astype("str").isin(ACTIVE_TIERS) & (tb["revenue"] > 0)
            row.update(active_customers=int(active.sum()), revenue=float(tb["revenue"].sum()),
                       net_profit=float(tb["net_profit"].sum()),
                       retention=retention(tb)[2] if tb["previous_tier"].notna().any() else np.nan,
                       satisfaction=float(tb["satisfaction"].mean()))
        rows.append(row)
    cols = ["round", "period", "focus", "organization", "communications", "information", "active_customers",
            "revenue", "net_profit", "retention", "satisfaction"]
    return pd.DataFrame(rows).reindex(columns=cols)


def opportunities_table(opps: pd.DataFrame, n: int = 10, lang: str = "zh") -> pd.DataFrame:
    """The first ``n`` problems and opportunities without the customer id lists (for reports and JSON)."""
    out = opps.head(n)[["kind", "rule", "title", "customers", "revenue_share", "money_at_stake"]].copy()
    out["kind"] = [t(f"customers.opp.kind.{k}", lang) for k in out["kind"]]
    return out.reset_index(drop=True)


@dataclass
class CLVEstimate:
    """Result of :func:`clv_estimate`.

    Attributes
    ----------
    tiers : DataFrame
        Indexed by tier (active tiers and ``inactive``, then ``total``): ``customers, clv,
        avg_clv, p_alive`` (mean).
    customers : DataFrame
        ``customer_id, tier, p_alive, expected_purchases, clv``.
    spend_model : str
        ``"gamma_gamma"`` or ``"observed_mean"``.
    purchase_model, gamma_gamma
        The fitted BG/NBD model and the Gamma-Gamma model (None when not usable).
    margin_rate : float
    """

    tiers: pd.DataFrame
    customers: pd.DataFrame
    spend_model: str
    purchase_model: Any
    gamma_gamma: Any
    margin_rate: float


def clv_estimate(tables: Mapping[str, pd.DataFrame], table: pd.DataFrame, period: Period, *, horizon: int = 12,
                 max_fit: int = 50_000, discount_rate: float = 0.01, seed: int = 0) -> CLVEstimate:
    """12-month margin CLV per customer (BG/NBD + Gamma-Gamma) and its sum per tier.

    The models are fitted on at most ``max_fit`` customers (a seeded random sample, so the
    fit stays a few seconds on a million customers) and applied to every customer who
    bought up to the period end. Time unit: weeks. Margin rate = the period's gross margin
    / revenue of the customer table. When the Gamma-Gamma spend model has no finite mean
    (its ``q <= 1``, common with heavy-tailed B2B orders), each customer's purchases are
    valued at its own mean repeat purchase value instead (``spend_model`` says which).

    Returns
    -------
    CLVEstimate

    Raises
    ------
    ParameterError
        When the models cannot be fitted (too few repeat buyers).
    """
    from ..measures import clv
    from ..errors import ParameterError

    end = pd.Timestamp(period.end)
    tx = tables["transactions"]
    tx = tx.loc[(tx["date"] <= end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)) & (tx["amount"] > 0),
                ["customer_id", "date", "amount"]]
    summary = clv.rfm_summary(tx, "customer_id", "date", "amount", observation_end=end, freq="W")
    if len(summary) < 20 or (summary["frequency"] > 0).sum() < 10:
        raise ParameterError("too few repeat buyers to fit a lifetime-value model (need at least 10)")
    rng = np.random.default_rng(seed)
    fit = summary if len(summary) <= max_fit else summary.iloc[np.sort(rng.choice(len(summary), max_fit, False))]
    bgf = clv.BetaGeoFitter(penalizer_coef=0.001).fit(fit["frequency"], fit["recency"], fit["T"])
    rep = fit.loc[(fit["frequency"] > 0) & (fit["monetary_value"] > 0)]
    rev = float(table["revenue"].sum())
    margin = max(0.0, float(table["gross_margin"].sum()) / rev if rev > 0 else 1.0)
    f = summary["frequency"].to_numpy(float)
    m = summary["monetary_value"].to_numpy(float)
    try:
        ggf = clv.GammaGammaFitter(penalizer_coef=0.001).fit(rep["frequency"], rep["monetary_value"])
        value = np.asarray(ggf.conditional_expected_average_profit(f, m), dtype=float)
        spend = "gamma_gamma"
    except ParameterError:
        ggf = None
        # Gamma-Gamma needs q > 1 (finite mean spend); heavy-tailed B2B orders often give q <= 1.
        # Then each customer's purchases are valued at its own mean repeat purchase value
        # (the overall mean for customers without a repeat purchase).
        overall = float(rep["monetary_value"].mean()) if len(rep) else float(np.mean(m))
        value = np.where(m > 0, m, overall)
        spend = "observed_mean"
    # The purchase model depends on (frequency, recency, T) only: evaluate it once per distinct
    # history (weekly integers repeat a lot) and spread it back -- the same numbers as
    # clv.customer_lifetime_value / predict_clv, a fraction of the work on a million customers.
    frt = summary[["frequency", "recency", "T"]].to_numpy(float)
    uniq, inverse = np.unique(frt, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    uf, ur, uT = uniq[:, 0], uniq[:, 1], uniq[:, 2]
    per_purchase = np.asarray(clv.customer_lifetime_value(bgf, uf, ur, uT, np.ones(len(uniq)), time=horizon,
                                                          discount_rate=discount_rate, freq="W"), dtype=float)
    p_alive = np.asarray(bgf.conditional_probability_alive(uf, ur, uT), dtype=float)
    expected = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(
        horizon * clv.MONTH_FACTORS["W"], uf, ur, uT), dtype=float)
    pred = pd.DataFrame({"p_alive": p_alive[inverse], "expected_purchases": expected[inverse],
                         "clv": margin * value * per_purchase[inverse]}, index=summary.index)
    tiers = table.set_index("customer_id")["tier"].astype("str")
    per = pd.DataFrame({"customer_id": pred.index.to_numpy(), "tier": tiers.reindex(pred.index).to_numpy(),
                        "p_alive": pred["p_alive"].to_numpy(float),
                        "expected_purchases": pred["expected_purchases"].to_numpy(float),
                        "clv": pred["clv"].to_numpy(float)})
    order = list(ACTIVE_TIERS) + ["inactive"]
    g = per.groupby("tier").agg(customers=("clv", "size"), clv=("clv", "sum"), p_alive=("p_alive", "mean"))
    g = g.reindex([x for x in order if x in g.index])
    total = pd.DataFrame({"customers": [int(g["customers"].sum())], "clv": [float(g["clv"].sum())],
                          "p_alive": [float(per["p_alive"].mean())]}, index=["total"])
    out = pd.concat([g, total])
    out["avg_clv"] = out["clv"] / out["customers"].where(out["customers"] > 0)
    out.index.name = "tier"
    out = out[["customers", "clv", "avg_clv", "p_alive"]]
    return CLVEstimate(out, per, spend, bgf, ggf if spend == "gamma_gamma" else None, margin)


# ======================================================================== planning


def default_assumptions(targets: Mapping[str, float], promote_medium_to_big: int = DEFAULT_PROMOTE):
    """The phase notebooks' bottom-up assumptions: growth = ``targets.revenue_growth`` for every
    tier, :data:`~threec_helpers.planning.DEFAULT_RETENTION`, 5% prospect conversion, and the
    migration goal "move ``promote_medium_to_big`` Medium customers to Big"."""
    from ..measures.planning import PlanAssumptions

    promotions = {("medium", "big"): int(promote_medium_to_big)} if promote_medium_to_big else {}
    return PlanAssumptions.from_targets(targets, promotions=promotions)


def customer_plan(top_down: pd.DataFrame, bottom_up: pd.DataFrame, table: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """The per-customer plan: bottom-up lines with the top-down allocation beside them.

    Returns
    -------
    DataFrame
        ``customer_id, name, tier, plan_tier, base_revenue, top_down_revenue, plan_revenue``
        (bottom-up, the plan realization measures against), ``top_down_profit, plan_profit,
        plan_satisfaction`` (``name`` only with ``table``).
    """
    td = top_down[["customer_id", "plan_revenue", "plan_profit", "plan_satisfaction"]].rename(
        columns={"plan_revenue": "top_down_revenue", "plan_profit": "top_down_profit"})
    out = bottom_up.merge(td, on="customer_id", how="left")
    if table is not None and "name" in table.columns:
        out = out.merge(table[["customer_id", "name"]], on="customer_id", how="left")
    else:
        out["name"] = None
    cols = ["customer_id", "name", "tier", "plan_tier", "base_revenue", "top_down_revenue", "plan_revenue",
            "top_down_profit", "plan_profit", "plan_satisfaction"]
    return out[cols]


def satisfaction_plan(table: pd.DataFrame, targets: Mapping[str, float]) -> pd.DataFrame:
    """Satisfaction budget per active tier: respondents, current CSAT, target, gap.

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "top", "small"], "satisfaction": [4.0, 5.0, None]})
    >>> satisfaction_plan(tb, {"satisfaction": 4.2}).loc["top", ["n", "current", "target"]].tolist()
    [2.0, 4.5, 4.2]
    """
    target = float(targets.get("satisfaction", np.nan))
    tiers = table["tier"].astype("str")
    sat = table["satisfaction"].astype(float)
    g = pd.DataFrame({"tier": tiers, "sat": sat}).groupby("tier")["sat"].agg(["count", "mean"])
    g = g.reindex(list(ACTIVE_TIERS))
    out = pd.DataFrame({"n": g["count"].fillna(0).astype(float), "current": g["mean"]}, index=g.index)
    act = tiers.isin(ACTIVE_TIERS)
    out.loc["total"] = [float(sat[act].notna().sum()), float(sat[act].mean())]
    out["target"] = target
    out["gap"] = out["target"] - out["current"]
    out.index.name = "tier"
    return out


def assumptions_table(assumptions, lang: str = "zh") -> pd.DataFrame:
    """The bottom-up assumptions as a table: tier, growth, retention (then promotions and conversion)."""
    rows = [{"assumption": tier_label(tr, lang), "growth": assumptions.growth.get(tr, 0.0),
             "retention": assumptions.retention.get(tr, 1.0)} for tr in ACTIVE_TIERS]
    for (src, dst), n in assumptions.promotions.items():
        rows.append({"assumption": t("phases.plan.promotion", lang, n=int(n), src=tier_label(src, lang),
                                     dst=tier_label(dst, lang)), "growth": np.nan, "retention": np.nan})
    rows.append({"assumption": t("phases.plan.conversion", lang, pct=fmt_pct(assumptions.prospect_conversion, 0)),
                 "growth": np.nan, "retention": np.nan})
    return pd.DataFrame(rows)


def plan_folders(output_dir: str | Path, client_id: str, period_id: str) -> list[Path]:
    """Where the plan of ``period_id`` is saved: ``<output_dir>/plan`` and the processed area
    ``processed_root()/<client>/plans/<period>`` (the one realization reads)."""
    from ..paths import processed_root, safe_child

    processed = safe_child(safe_child(processed_root(), client_id) / "plans", period_id)
    return [Path(output_dir) / "plan", processed]


def base_plan(tables: Mapping[str, pd.DataFrame], config, base_period: str,
              promote_medium_to_big: int = DEFAULT_PROMOTE, folder: str | Path | None = None, *,
              prepared=None) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """The plan made on ``base_period``: the saved one if it exists, else rebuilt.

    Parameters
    ----------
    tables : dict of DataFrame
    config : ClientConfig
    base_period : str
        The period the plan was made on (realization's ``comparison_period``).
    promote_medium_to_big : int
        Migration goal of the rebuilt plan (the planning notebook's default).
    folder : path, optional
        Processed plan folder; default ``processed_root()/<client>/plans/<base_period>``.
    prepared : CustomerBase, optional
        :func:`~threec_helpers.customer_table.prepare_customers` of ``tables``, shared with
        the caller's other customer tables.

    Returns
    -------
    (plan, source, base_table)
        ``plan`` has ``customer_id, plan_tier, plan_revenue, plan_profit`` (+ the saved
        columns); ``source`` is ``"saved"`` or ``"rebuilt"``; ``base_table`` the customer
        table of the base period.
    """
    from ..measures.customer_table import customer_table
    from ..measures.planning import bottom_up_plan, load_plan

    ids = [p.id for p in config.periods]
    prev = ids[ids.index(base_period) - 1] if base_period in ids and ids.index(base_period) > 0 else None
    base = customer_table(tables, config, base_period, prev, prepared=prepared)
    if folder is None:
        folder = plan_folders(".", config.client_id, base_period)[1]
    saved = load_plan(folder) if Path(folder).is_dir() else {}
    if "customers" in saved and {"customer_id", "plan_tier", "plan_revenue", "plan_profit"} <= set(saved["customers"]):
        plan = saved["customers"]
        plan["customer_id"] = plan["customer_id"].astype("str")
        plan["plan_tier"] = plan["plan_tier"].astype("str")
        return plan, "saved", base
    plan = bottom_up_plan(base, default_assumptions(config.targets, promote_medium_to_big))
    return plan, "rebuilt", base


# ======================================================================== realization


def monthly_revenue(transactions: pd.DataFrame, end=None) -> pd.Series:
    """Revenue per calendar month over the whole history (months without sales = 0), ``YYYY-MM`` index.

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
    """XmR chart (:func:`threec_helpers.spc.xmr`) of monthly revenue over the whole history."""
    from .. import spc

    return spc.xmr(monthly_revenue(transactions, end))


def plot_with_reference(frame: pd.DataFrame, reference: pd.Series, *, title: str, reference_label: str,
                        lang: str = "zh", source: str | None = None, unit: str | None = None):
    """A control chart (:func:`threec_helpers.plots.spc.plot_control_chart`) with a reference line
    (e.g. the plan's monthly values) drawn over the points whose labels it has.

    Parameters
    ----------
    frame : DataFrame
        A single-series chart frame whose index (or ``label`` column) holds the point labels.
    reference : Series
        Label -> reference value.
    """
    from ..plots.spc import plot_control_chart
    from ..plots.style import COLORS

    fig = plot_control_chart(frame, title=title, lang=lang, source=source, unit=unit)
    labels = frame["label"].astype(str) if "label" in frame.columns else pd.Index(frame.index).astype(str)
    pos = pd.Series(np.arange(len(frame)), index=list(labels))
    ref = reference[reference.index.astype(str).isin(pos.index)]
    if len(ref):
        ax = fig.axes[0]
        ax.plot(pos.loc[ref.index.astype(str)].to_numpy(), ref.to_numpy(dtype=float), color=COLORS["target"],
                lw=1.8, ls="-.", marker="s", ms=3, label=reference_label, zorder=4)
        ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1.0), fontsize=8, frameon=False)
    return fig


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
    """
    from ..measures.planning import NEW_CUSTOMERS
    from ..measures.realization import rag

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
        from ..measures.value import customer_codes

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
    """Position of each value in ``ids`` (-1 when absent), through Arrow's hash kernel."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.astype("str"), from_pandas=True)
    keys = pa.array(ids.to_numpy(dtype=object), type=pa.string()).cast(arr.type)
    out = pc.index_in(arr, value_set=keys).to_numpy(zero_copy_only=False)
    return np.where(np.isnan(out.astype(float)), -1, np.nan_to_num(out.astype(float), nan=-1)).astype(np.int64)


def focus_kpis(results: Mapping[str, Any]) -> pd.DataFrame:
    """Customer-focus KPIs per audit round: overall, organization, communications, information (0-1)."""
    rows = [{"round": r, **{k: v for k, v in focus_scores(res).items()}} for r, res in results.items()]
    return pd.DataFrame(rows, columns=["round", "overall", "organization", "communications", "information"])


def focus_plan_progress(results: Mapping[str, Any], plan_start, lang: str = "zh", top_n: int = 8
                        ) -> pd.DataFrame | None:
    """The focus plan of the round before the latest, measured against the latest round.

    Returns None with fewer than two rounds.
    """
    from ..measures.planning import focus_plan
    from ..measures.realization import focus_progress

    rounds = list(results)
    if len(rounds) < 2:
        return None
    plan = focus_plan(results[rounds[-2]].items, plan_start, top_n=top_n, lang=lang)
    out = focus_progress(plan, results[rounds[-1]].items)
    out.attrs["rounds"] = (rounds[-2], rounds[-1])
    return out


# ======================================================================== sentences


def conclusion(phase: str, figures: Iterable[Mapping[str, Any]], lang: str = "zh", **fields: Any) -> str:
    """The notebook's conclusion sentence from its headline figures (``phases.conclusion.<phase>``).

    Every figure's ``text`` is available to the template as ``{key}``; extra ``fields`` too.

    Examples
    --------
    >>> conclusion("registration", [key_figure("information_score", 82.0, "en"),
    ...                             key_figure("customers", 2700, "en"), key_figure("active_customers", 1505, "en"),
    ...                             key_figure("revenue", 1e6, "en")], "en")
    'Information score 82.0 of 100; 2,700 customers registered, 1,505 active, revenue ¥1,000,000.'
    """
    texts = _Missing({f["key"]: f["text"] for f in figures})
    texts.update(fields)
    return t(f"phases.conclusion.{phase}", lang).format_map(texts)


class _Missing(dict):
    """Format mapping that shows "–" for a figure the notebook did not compute."""

    def __missing__(self, key: str) -> str:
        return "–"


# ======================================================================== notebook helpers

#: column -> i18n key of its header in phase reports
LABELS: dict[str, str] = {c: f"phases.col.{c}" for c in (
    "table", "file", "rows", "columns", "customers", "orphans", "first_date", "last_date", "rows_in_period",
    "period", "active_customers", "revenue", "gross_margin", "cost_to_serve", "net_profit", "transactions",
    "surveyed", "round", "role", "role_group", "respondents", "answers", "missing_scores", "wave", "mean", "std",
    "component", "weight", "score", "check", "value", "detail", "label", "customer_share", "revenue_share",
    "profit", "profit_share", "avg_revenue", "avg_satisfaction", "n_satisfaction", "measure", "amount", "tier",
    "clv", "avg_clv", "p_alive", "frequency", "recency_days", "tenure_months", "share_of_customer", "preferred",
    "n", "csat", "top2box", "nps", "rho", "ci_low", "ci_high", "kind", "rule", "title", "money_at_stake",
    "rank", "item_id", "factor", "item", "target", "gap", "priority", "focus", "organization", "communications",
    "information", "retention", "satisfaction", "overall", "assumption", "growth", "base_revenue",
    "top_down_revenue", "bottom_up_revenue", "gap_pct", "top_down_profit", "bottom_up_profit", "name",
    "plan_tier", "plan_revenue", "plan_profit", "plan_satisfaction", "current", "improvement", "owner", "due",
    "plan", "actual", "cum_plan", "cum_actual", "attainment", "rag", "variance", "achieved", "done", "progress",
    "required", "provided", "filled", "area", "previous", "change", "direction", "migration",
    "revenue_prev", "revenue_change", "profit_prev", "profit_change", "month", "group", "status", "band",
    "column", "customer_id")}

#: column -> default number format in phase reports
TABLE_FORMATS: dict[str, str] = {
    "rows": "int", "columns": "int", "customers": "int", "orphans": "int", "rows_in_period": "int",
    "active_customers": "int", "revenue": "money", "gross_margin": "money", "cost_to_serve": "money",
    "net_profit": "money", "transactions": "int", "surveyed": "int", "respondents": "int", "answers": "int",
    "missing_scores": "int", "mean": "num2", "std": "num2", "weight": "pct0", "score": "pct1",
    "customer_share": "pct1", "revenue_share": "pct1", "profit": "money", "profit_share": "pct1",
    "avg_revenue": "money", "avg_satisfaction": "num2", "n_satisfaction": "int", "amount": "money", "clv": "money",
    "avg_clv": "money", "p_alive": "pct1", "frequency": "num", "recency_days": "num", "tenure_months": "num",
    "share_of_customer": "pct1", "preferred": "pct1", "n": "int", "csat": "num2", "top2box": "pct1", "nps": "num",
    "rho": "num2", "ci_low": "num2", "ci_high": "num2", "money_at_stake": "money", "rank": "int", "target": "num2",
    "gap": "pct1", "priority": "num2", "focus": "pct1", "organization": "pct1", "communications": "pct1",
    "information": "pct1", "retention": "pct1", "satisfaction": "num2", "overall": "pct1", "growth": "pct1",
    "base_revenue": "money", "top_down_revenue": "money", "bottom_up_revenue": "money", "gap_pct": "pct1",
    "top_down_profit": "money", "bottom_up_profit": "money", "plan_revenue": "money", "plan_profit": "money",
    "plan_satisfaction": "num2", "current": "num2", "improvement": "num2", "plan": "money", "actual": "money",
    "cum_plan": "money", "cum_actual": "money", "attainment": "pct1", "variance": "money", "achieved": "num2",
    "progress": "pct0", "filled": "pct1", "previous": "pct1", "change": "pct1", "revenue_prev": "money",
    "revenue_change": "money", "profit_prev": "money", "profit_change": "money",
}


def show(ctx, frame: pd.DataFrame, max_rows: int = 40, **formats: str) -> None:
    """``ctx.table`` with the phase reports' headers (:data:`LABELS`) and formats (:data:`TABLE_FORMATS`,
    overridden by ``formats``); ``rag`` values and tier ids are translated."""
    shown = frame.copy()
    if "rag" in shown.columns:
        shown["rag"] = [t(f"planning.rag.{r}", ctx.lang) if r in ("green", "amber", "red") else "–"
                        for r in shown["rag"]]
    for col in ("tier", "plan_tier", "group"):
        if col in shown.columns:
            shown[col] = [_tier_text(x, ctx.lang) for x in shown[col]]
    if "table" in shown.columns:
        shown["table"] = [t(f"notebook.table.{x}", ctx.lang) if has_key(f"notebook.table.{x}") else x
                          for x in shown["table"]]
    if "component" in shown.columns:
        shown["component"] = [t(f"planning.variance.{x}", ctx.lang) if has_key(f"planning.variance.{x}") else x
                              for x in shown["component"]]
    if "role_group" in shown.columns:
        shown["role_group"] = [t(f"phases.role_group.{x}", ctx.lang) for x in shown["role_group"]]
    ctx.table(shown, labels=LABELS, formats={**TABLE_FORMATS, **formats}, max_rows=max_rows)


def _tier_text(x: Any, lang: str) -> Any:
    from ..measures.pyramid import TIERS

    if x in TIERS:
        return tier_label(x, lang)
    if x == "total":
        return t("common.total", lang)
    if x == "new":
        return t("plots.planning.new_customers", lang)
    return x


def check_promote(value: Any) -> int:
    """Check the ``promote_medium_to_big`` parameter (an int >= 0)."""
    from ..errors import ParameterError

    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError(key="notebook.param_type", name="promote_medium_to_big", value=repr(value),
                             expected="int >= 0")
    return int(value)


def require_previous(ctx) -> Period:
    """Realization needs a comparison period (the plan's base); a clear error when there is none."""
    from ..errors import ParameterError

    if ctx.previous is None:
        raise ParameterError(t("phases.real.need_previous", "en", client=ctx.config.client_id))
    return ctx.previous


def sources_table(client) -> pd.DataFrame:
    """The loaded inputs: ``table, file, rows, columns`` (file name only, no folder)."""
    rows = []
    for name, frame in client.tables.items():
        src = client.sources.get(name, {})
        f = Path(str(src.get("file", ""))).name
        if src.get("sheet"):
            f += f" [{src['sheet']}]"
        rows.append({"table": name, "file": f,
                     "rows": len(frame), "columns": frame.shape[1]})
    return pd.DataFrame(rows, columns=["table", "file", "rows", "columns"])


def quality_profile(client, period: Period):
    """:func:`threec_helpers.registration.data_quality_profile` of a client with the right checklist size."""
    from ..audit.checklists import load_checklist
    from ..measures.registration import data_quality_profile

    items = None
    if client.has("focus_responses"):
        items = len(load_checklist(client.config.checklist or "customer_focus").items)
    return data_quality_profile(client.tables, period, client.config.pyramid.inactive_months, items)


def components_table(profile, lang: str = "zh") -> pd.DataFrame:
    """Information score components: ``component, weight`` (rescaled to the measured ones), ``score``."""
    from ..measures.registration import WEIGHTS

    total = sum(WEIGHTS[k] for k in profile.components) or 1.0
    rows = [{"component": t(f"phases.component.{k}", lang), "weight": WEIGHTS[k] / total, "score": v}
            for k, v in profile.components.items()]
    return pd.DataFrame(rows, columns=["component", "weight", "score"])


def checks_table(profile, integration: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Data-quality checks in words: ``check, value, detail`` (formatted text)."""
    rows = []
    for r in profile.checks.itertuples(index=False):
        if r.check == "latest_transaction":
            value, detail = str(r.value), t("phases.check.days_before_end", lang, n=fmt_int(r.detail))
        elif r.check in ("survey_coverage", "focus_item_coverage"):
            key = "phases.check.of_active" if r.check == "survey_coverage" else "phases.check.respondents"
            value, detail = fmt_pct(r.value, 1), t(key, lang, n=fmt_int(r.detail))
        else:
            value, detail = fmt_int(r.value), t("phases.check.of_rows", lang, n=fmt_int(r.detail))
        rows.append({"check": t(f"phases.check.{r.check}", lang), "value": value, "detail": detail})
    orphans = int(integration["orphans"].fillna(0).sum()) if len(integration) else 0
    rows.append({"check": t("phases.check.orphans", lang), "value": fmt_int(orphans),
                 "detail": t("phases.check.orphans_detail", lang)})
    return pd.DataFrame(rows, columns=["check", "value", "detail"])


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
    from ..measures.customer_table import customer_table, prepare_customers

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


def registration_figures(profile, table: pd.DataFrame, lang: str = "zh", currency: str = "CNY") -> list[dict]:
    """Headline of phase 1: information_score, customers, active_customers, revenue."""
    active = int((table["tier"].astype("str").isin(ACTIVE_TIERS) & (table["revenue"] > 0)).sum())
    return [key_figure("information_score", round(float(profile.score), 2), lang),
            key_figure("customers", int(len(table)), lang),
            key_figure("active_customers", active, lang),
            key_figure("revenue", float(table["revenue"].sum()), lang, currency=currency)]


def decomposition_table(dec: pd.Series, lang: str = "zh") -> pd.DataFrame:
    """The profit decomposition as rows: profit of profitable customers, losses, operating profit."""
    rows = [("profit_from_profitable", dec["profit_from_profitable"], dec["n_profitable"]),
            ("loss_from_unprofitable", -dec["loss_from_unprofitable"], dec["n_unprofitable"]),
            ("operating_profit", dec["operating_profit"], dec["n_profitable"] + dec["n_unprofitable"] + dec["n_zero"])]
    return pd.DataFrame({"measure": [t(f"phases.dec.{k}", lang) for k, _, _ in rows],
                         "amount": [float(v) for _, v, _ in rows], "customers": [int(n) for _, _, n in rows]})


def clv_or_none(tables: Mapping[str, pd.DataFrame], table: pd.DataFrame, period: Period
                ) -> tuple[CLVEstimate | None, str]:
    """:func:`clv_estimate`, or ``(None, reason)`` when the models cannot be fitted."""
    from ..errors import ParameterError

    try:
        return clv_estimate(tables, table, period), ""
    except (ParameterError, ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        return None, str(exc)


def behavior_by_tier(table: pd.DataFrame) -> pd.DataFrame:
    """Behavior per active tier: customers, mean frequency, recency (days), tenure (months),
    share of customer, preferred-supplier rate (among answers)."""
    tiers = table["tier"].astype("str")
    act = tiers.isin(ACTIVE_TIERS).to_numpy()
    pref = table["preferred_supplier"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) \
        if "preferred_supplier" in table.columns else np.full(len(table), np.nan)
    work = pd.DataFrame({"tier": tiers.to_numpy()[act], "customers": 1.0,
                         "frequency": table["frequency"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "recency_days": table["recency_days"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "tenure_months": table["tenure_months"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "share_of_customer": table["share_of_customer"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "preferred": pref[act]})
    g = work.groupby("tier").agg(customers=("customers", "sum"), frequency=("frequency", "mean"),
                                 recency_days=("recency_days", "mean"), tenure_months=("tenure_months", "mean"),
                                 share_of_customer=("share_of_customer", "mean"), preferred=("preferred", "mean"))
    g = g.reindex([x for x in ACTIVE_TIERS if x in g.index])
    g["customers"] = g["customers"].astype(int)
    return g.rename_axis("tier").reset_index()


def focus_results(client) -> dict[str, Any]:
    """All rounds of the customer-focus audit (:func:`threec_helpers.audits.score_rounds`), {} without answers."""
    from ..audit.scoring import score_rounds
    from ..audit.checklists import load_checklist

    if not client.has("focus_responses"):
        return {}
    return score_rounds(load_checklist(client.config.checklist or "customer_focus"), client.tables["focus_responses"])


def areas_table(result, lang: str = "zh") -> pd.DataFrame:
    """Factor (area) scores of an audit round: ``factor, score, target, gap, band``."""
    a = result.areas
    return pd.DataFrame({"factor": a[f"area_title_{lang}"].to_numpy(), "score": a["score"].to_numpy(float),
                         "target": a["target"].to_numpy(float), "gap": a["gap"].to_numpy(float),
                         "band": [result.checklist.band_label(b, lang) for b in a["band"]]})


def round_changes(results: Mapping[str, Any], lang: str = "zh") -> pd.DataFrame:
    """Overall and factor scores of the latest round against the round before (empty with one round)."""
    from ..audit.scoring import compare_rounds

    rounds = list(results)
    if len(rounds) < 2:
        return pd.DataFrame(columns=["factor", "previous", "current", "change"])
    c = compare_rounds(results[rounds[-1]], results[rounds[-2]])
    c = c.loc[c["level"].isin(["overall", "area"])]
    return pd.DataFrame({"factor": c[f"title_{lang}"].to_numpy(), "previous": c["previous"].to_numpy(float),
                         "current": c["current"].to_numpy(float), "change": c["change"].to_numpy(float)})


def analysis_figures(table: pd.DataFrame, summary: pd.DataFrame, dec: pd.Series, whale: pd.Series,
                     sat: pd.DataFrame | None, focus: Mapping[str, float] | None, opportunities: int,
                     clv_total: float | None, targets: Mapping[str, float], lang: str = "zh",
                     currency: str = "CNY") -> list[dict]:
    """Headline of phase 2 (keys of the 3C scorecard; see the module docstring for statuses)."""
    kf = lambda k, v, **kw: key_figure(k, v, lang, targets=targets, currency=currency, **kw)  # noqa: E731
    out = [kf("revenue", float(table["revenue"].sum())),
           kf("operating_profit", float(dec["operating_profit"])),
           kf("profitable_profit", float(dec["profit_from_profitable"])),
           kf("unprofitable_loss", float(dec["loss_from_unprofitable"])),
           kf("top20_revenue_share", top_share(summary)),
           kf("value_destroying_share", float(whale["value_destroyer_share"]))]
    if table["previous_tier"].notna().any():
        out.append(kf("retention", retention(table)[2]))
    if sat is not None and len(sat):
        row = sat.iloc[0]
        out.append(kf("satisfaction", float(row["csat"])))
        if "nps" in sat.columns:
            out.append(kf("nps", float(row["nps"])))
        if "preferred" in sat.columns:
            out.append(kf("preferred_supplier", float(row["preferred"])))
    if clv_total is not None:
        out.append(kf("clv_total", float(clv_total)))
    if focus:
        out += [kf(k, float(focus[k])) for k in FOCUS_AREAS]
    out.append(kf("opportunities", int(opportunities)))
    return out


def planning_figures(rec: pd.DataFrame, focus_actions: int, lang: str = "zh", currency: str = "CNY") -> list[dict]:
    """Headline of phase 3: plan_revenue_top_down, plan_revenue_bottom_up, plan_gap, focus_actions."""
    total = rec.loc["total"]
    return [key_figure("plan_revenue_top_down", float(total["top_down_revenue"]), lang, currency=currency),
            key_figure("plan_revenue_bottom_up", float(total["bottom_up_revenue"]), lang, currency=currency),
            key_figure("plan_gap", float(total["gap"]), lang, currency=currency, ratio=float(total["gap_pct"])),
            key_figure("focus_actions", int(focus_actions), lang)]


def realization_figures(tiers: pd.DataFrame, progress: pd.DataFrame | None, lang: str = "zh",
                        currency: str = "CNY") -> list[dict]:
    """Headline of phase 4: attainment, rag, variance, focus_actions_done."""
    total = tiers.set_index("tier").loc["total"]
    att = float(total["attainment"])
    out = [key_figure("attainment", att, lang),
           key_figure("rag", str(total["rag"]), lang),
           key_figure("variance", float(total["revenue"] - total["plan_revenue"]), lang, currency=currency, ratio=att)]
    if progress is not None:
        done, n = int(progress["done"].sum()), len(progress)
        out.append(key_figure("focus_actions_done", done, lang, ratio=done / n if n else None, of=n))
    return out


def save_phase_plan(frames: Mapping[str, pd.DataFrame], folders: Sequence[Path]) -> list[str]:
    """Save the plan (:func:`threec_helpers.planning.save_plan`) into each folder; returns the file names."""
    from ..measures.planning import save_plan

    names: list[str] = []
    for folder in folders:
        names = [p.name for p in save_plan(folder, frames)]
    return names


def top_variances(pva: pd.DataFrame, table: pd.DataFrame | None = None, n: int = 20) -> pd.DataFrame:
    """The ``n`` customers with the largest absolute variance (actual − plan revenue), with names."""
    idx = np.argsort(-np.abs(pva["variance"].to_numpy(dtype=float)), kind="stable")[:n]
    out = pva.iloc[idx].copy()
    if table is not None and "name" in table.columns:
        out = out.merge(table[["customer_id", "name"]], on="customer_id", how="left")
    else:
        out["name"] = None
    return out[["customer_id", "name", "plan_tier", "tier", "plan_revenue", "revenue", "variance", "component"]
               ].reset_index(drop=True)


def components_frame(components: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Variance components with translated names (for display and the briefing)."""
    out = components.copy()
    out["component"] = [t(f"planning.variance.{c}", lang) for c in out["component"]]
    return out


def plan_start(period: Period) -> dt.date:
    """First day of the 12 months a plan made on ``period`` budgets (the day after its end)."""
    return period.end + dt.timedelta(days=1)


def focus_plan_for(results: Mapping[str, Any], start, lang: str = "zh", top_n: int = 8) -> pd.DataFrame:
    """The focus plan (:func:`threec_helpers.planning.focus_plan`) from the latest audit round;
    an empty plan (same columns) without audit answers."""
    from ..measures.planning import focus_plan

    if not results:
        return pd.DataFrame(columns=["item_id", "area_id", "item", "current", "target", "improvement", "priority",
                                     "owner", "due", "measure"])
    return focus_plan(list(results.values())[-1].items, start, top_n=top_n, lang=lang)


def correlations_table(chain, lang: str = "zh") -> pd.DataFrame:
    """``CRMChain.correlations`` with the measures named in words: ``measure, n, rho, ci_low, ci_high``."""
    c = chain.correlations.reset_index()
    c["measure"] = [t(f"phases.measure.{m}", lang) if has_key(f"phases.measure.{m}") else m for m in c["measure"]]
    return c[["measure", "n", "rho", "ci_low", "ci_high"]]
