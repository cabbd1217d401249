"""Display tables of the phase reports: headers and number formats by column name.

:class:`ReportTable` is a display table that carries its columns' labels and formats:
``ctx.table(table)`` renders it and, when it has a ``name``, records it for the results
file together with the headers it showed, so the XLSX and the briefing print the same
headers as the HTML report.

:func:`show` renders a frame through ``ctx.table`` with the phase reports' headers
(:data:`LABELS`) and formats (:data:`TABLE_FORMATS`); tier, RAG and table ids are shown
in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from ..i18n import has_key, t
from ..measures.pyramid import TIERS, tier_label


@dataclass
class ReportTable:
    """A display table that knows its columns' labels and formats.

    Parameters
    ----------
    frame : DataFrame
        The values (numbers stay numbers: formats apply at display).
    labels : mapping
        column -> i18n key (or literal text when not a key) of its header.
    formats : mapping
        column -> ``"int"``, ``"pct"``, ``"pct1"``, ``"pct0"``, ``"num"``, ``"num2"`` or ``"money"``.
    name : str, optional
        The table's name in the results file (:mod:`threec_helpers.report.catalog`); when set,
        ``ctx.table`` records it.
    max_rows : int

    Examples
    --------
    >>> rt = ReportTable(pd.DataFrame({"attainment": [0.5]}), {"attainment": "phases.col.attainment"})
    >>> rt.headers("en")
    {'attainment': 'Attainment'}
    """

    frame: pd.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)
    formats: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None
    max_rows: int = 40

    def headers(self, lang: str) -> dict[str, str]:
        """column -> the header shown in ``lang`` (the column's name when it has no label)."""
        return {c: header_text(self.labels.get(c, c), lang) for c in self.frame.columns}


def header_text(label: str, lang: str) -> str:
    """A header: the translation of ``label`` when it is an i18n key, else ``label`` itself."""
    return t(label, lang) if has_key(label) else str(label)


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
    "column", "customer_id")} | {"text": "phases.col.item"}


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
    if x in TIERS:
        return tier_label(x, lang)
    if x == "total":
        return t("common.total", lang)
    if x == "new":
        return t("plots.planning.new_customers", lang)
    return x
