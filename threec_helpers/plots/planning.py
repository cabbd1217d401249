"""Charts of the planning and realization phases: reconciliation, monthly plan vs actual,
variance components."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..i18n import check_lang, t
from ..measures.pyramid import tier_label
from .style import COLORS, add_source_note, apply_style

__all__ = ["plot_reconciliation", "plot_monthly_plan", "plot_variance_components"]


def _money_axis(ax, currency_unit: str = "") -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e4:,.0f}"))


def plot_reconciliation(rec: pd.DataFrame, lang: str = "zh", source: str | None = None) -> Figure:
    """Top-down vs bottom-up plan revenue per tier (bars), base revenue as markers.

    Parameters
    ----------
    rec : DataFrame
        :func:`threec_helpers.planning.reconcile` output (indexed by tier).
    lang : {"zh", "en"}
    source : str, optional
        Source note; default "client data, threec planning".

    Returns
    -------
    Figure
    """
    check_lang(lang)
    apply_style()
    data = rec.drop(index=[i for i in ("total",) if i in rec.index])
    data = data.loc[(data[["base_revenue", "top_down_revenue", "bottom_up_revenue"]].abs().sum(axis=1) > 0)]
    labels = [tier_label(i, lang) if i != "prospect" else t("plots.planning.new_customers", lang) for i in data.index]
    x = np.arange(len(data))
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.bar(x - 0.2, data["top_down_revenue"], width=0.4, color=COLORS["primary"],
           label=t("plots.planning.top_down", lang))
    ax.bar(x + 0.2, data["bottom_up_revenue"], width=0.4, color=COLORS["warn"],
           label=t("plots.planning.bottom_up", lang))
    ax.scatter(x, data["base_revenue"], color="#333333", marker="_", s=400, zorder=3,
               label=t("plots.planning.base", lang))
    ax.set_xticks(x, labels)
    _money_axis(ax)
    ax.set_ylabel(t("plots.planning.revenue_axis", lang))
    ax.set_title(t("plots.planning.reconciliation_title", lang))
    ax.legend(loc="upper right", frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return add_source_note(fig, source or t("plots.planning.source", lang), lang)


def plot_monthly_plan(monthly: pd.DataFrame, lang: str = "zh", cumulative: bool = True,
                      source: str | None = None) -> Figure:
    """Plan vs actual revenue by month (cumulative by default), attainment colour-coded.

    Parameters
    ----------
    monthly : DataFrame
        :func:`threec_helpers.realization.monthly_plan_vs_actual` output.
    """
    check_lang(lang)
    apply_style()
    plan = monthly["cum_plan" if cumulative else "plan"]
    actual = monthly["cum_actual" if cumulative else "actual"]
    x = np.arange(len(monthly))
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.plot(x, plan, color=COLORS["neutral"], lw=2, ls="--", label=t("plots.planning.plan", lang))
    colors = [COLORS["good"] if r == "green" else COLORS["warn"] if r == "amber" else COLORS["bad"]
              for r in monthly["rag"]]
    ax.plot(x, actual, color=COLORS["primary"], lw=2, label=t("plots.planning.actual", lang))
    ax.scatter(x, actual, c=colors, s=40, zorder=3)
    ax.set_xticks(x, monthly["month"], rotation=45, ha="right")
    _money_axis(ax)
    ax.set_ylabel(t("plots.planning.revenue_axis", lang))
    key = "plots.planning.monthly_cum_title" if cumulative else "plots.planning.monthly_title"
    ax.set_title(t(key, lang))
    ax.legend(loc="upper left", frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return add_source_note(fig, source or t("plots.planning.source", lang), lang)


def plot_variance_components(components: pd.DataFrame, lang: str = "zh", source: str | None = None) -> Figure:
    """Waterfall of the revenue variance: lost, new, migration, spend, total.

    Parameters
    ----------
    components : DataFrame
        :func:`threec_helpers.realization.variance_components` output.
    """
    check_lang(lang)
    apply_style()
    comp = components.set_index("component")["variance"]
    parts = [c for c in ("lost", "new", "migration", "spend") if c in comp.index]
    values = comp.loc[parts].to_numpy(dtype=float)
    starts = np.concatenate([[0.0], np.cumsum(values)[:-1]])
    fig, ax = plt.subplots(figsize=(8, 4.2))
    colors = [COLORS["good"] if v >= 0 else COLORS["bad"] for v in values]
    ax.bar(range(len(parts)), values, bottom=starts, color=colors)
    total = float(values.sum())
    ax.bar(len(parts), total, color=COLORS["primary"])
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xticks(range(len(parts) + 1), [t(f"planning.variance.{p}", lang) for p in parts]
                  + [t("planning.variance.total", lang)], rotation=15, ha="right")
    _money_axis(ax)
    ax.set_ylabel(t("plots.planning.revenue_axis", lang))
    ax.set_title(t("plots.planning.variance_title", lang))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return add_source_note(fig, source or t("plots.planning.source", lang), lang)
