"""Customer-performance charts: pyramid, whale curve, migration heatmap, cohort retention,
satisfaction -> value.

Each function takes the tidy output of a measure (:mod:`threec_helpers.pyramid`,
:mod:`threec_helpers.value`, :mod:`threec_helpers.behavior`,
:mod:`threec_helpers.satisfaction`) and returns a matplotlib Figure with title, labels and
a source note in Chinese or English (strings in ``locale/customers.yaml``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..i18n import fmt_int, fmt_pct, t
from ..measures.pyramid import ACTIVE_TIERS, TIERS, tier_label
from .style import COLORS, PALETTE, add_source_note, apply_style

__all__ = ["plot_pyramid", "plot_whale_curve", "plot_migration_heatmap", "plot_cohort_retention",
           "plot_satisfaction_value"]

_TIER_COLORS = {"top": PALETTE[0], "big": PALETTE[5], "medium": PALETTE[2], "small": PALETTE[1],
                "inactive": "#9E9E9E", "prospect": "#BDBDBD", "suspect": "#DDDDDD"}


def _source(lang: str, source: str | None) -> str:
    return source if source is not None else t("customers.source.table", lang)


def plot_pyramid(summary: pd.DataFrame, lang: str = "zh", period: str = "", count_col: str = "customers",
                 share_col: str = "revenue_share", source: str | None = None) -> Figure:
    """Curry's customer pyramid: one band per tier with its count and share of revenue.

    The four active tiers are drawn as a pyramid of fixed shape (widths are not to scale:
    1% vs 80% would be unreadable); Inactive, Prospects and Suspects are the base below.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`threec_helpers.pyramid.tier_summary` (indexed by tier).
    lang : {"zh", "en"}
        Language.
    period : str
        Period shown in the title.
    count_col, share_col : str
        Columns with the customer count and the share of revenue.
    source : str, optional
        Source note (default: the customer table).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from threec_helpers.pyramid import tier_summary
    >>> tb = pd.DataFrame({"tier": ["top", "small", "small", "prospect"], "revenue": [60.0, 30.0, 10.0, 0.0],
    ...                    "net_profit": [20.0, 5.0, -5.0, 0.0]})
    >>> fig = plot_pyramid(tier_summary(tb, lang="en"), lang="en", period="2025")
    """
    apply_style()
    fig = Figure(figsize=(8, 6))
    ax = fig.subplots()
    widths = {"top": 0.26, "big": 0.44, "medium": 0.62, "small": 0.82, "inactive": 1.0, "prospect": 1.0,
              "suspect": 1.0}
    ys = {tier: -i - (0.4 if tier not in ACTIVE_TIERS else 0.0) for i, tier in enumerate(TIERS)}
    for tier in TIERS:
        w = widths[tier]
        y = ys[tier]
        ax.barh(y, w, left=-w / 2, height=0.86, color=_TIER_COLORS[tier], edgecolor="white")
        count = summary.loc[tier, count_col] if tier in summary.index else 0
        share = summary.loc[tier, share_col] if tier in summary.index else np.nan
        dark = tier in ("top", "big")
        text = f"{tier_label(tier, lang)}\n" + t("customers.plot.pyramid.bar", lang, count=fmt_int(count),
                                                 share=fmt_pct(share, 1))
        ax.text(0, y, text, ha="center", va="center", fontsize=9.5, linespacing=1.3,
                color="white" if dark else "#222222")
    ax.set_xlim(-0.55, 0.55)
    ax.set_ylim(min(ys.values()) - 0.6, 0.6)
    ax.axis("off")
    ax.set_title(t("customers.plot.pyramid.title", lang, period=period))
    fig.subplots_adjust(left=0.03, right=0.97, top=0.92, bottom=0.06)
    from ..i18n import has_key
    from .chartdata import attach, panel

    # the bars' widths are a shape; the data are the customers per tier (a bar chart, top tier first)
    attach(fig, [panel("bar", [tier_label(tier, lang) for tier in TIERS],
                       [(t(f"col.{count_col}", lang) if has_key(f"col.{count_col}") else count_col, [summary.loc[tier, count_col] if tier in summary.index else 0
                                                        for tier in TIERS])],
                       title=t("customers.plot.pyramid.title", lang, period=period))])
    return add_source_note(fig, _source(lang, source), lang)


def plot_whale_curve(curve: pd.DataFrame, summary: pd.Series | None = None, lang: str = "zh", period: str = "",
                     x_col: str = "cum_share_customers", pct_col: str = "cum_profit_pct",
                     profit_col: str = "cum_profit", currency: str = "CNY", source: str | None = None,
                     max_points: int = 2000) -> Figure:
    """Whale curve: cumulative profit (% of total) against the cumulative share of customers.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`threec_helpers.value.whale_curve`.
    summary : pandas.Series, optional
        :func:`threec_helpers.value.whale_summary` (computed when None); marks the peak.
    lang : {"zh", "en"}
        Language.
    period : str
        Period in the title.
    x_col, pct_col, profit_col : str
        Columns of ``curve``. When total profit <= 0 the y axis shows money (``profit_col``).
    currency : str
        Currency of the money axis.
    source : str, optional
        Source note.
    max_points : int
        Points drawn at most (the curve is thinned evenly, the peak always kept).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from threec_helpers.value import whale_curve
    >>> v = pd.DataFrame({"customer_id": list("abcd"), "net_profit": [50.0, 30.0, -20.0, 5.0]})
    >>> fig = plot_whale_curve(whale_curve(v, served_only=False), lang="en")
    """
    from ..measures.value import whale_summary

    apply_style()
    summary = whale_summary(curve) if summary is None else summary
    n = len(curve)
    use_pct = n > 0 and bool(np.isfinite(curve[pct_col]).all())
    yv = curve[pct_col].to_numpy() * 100 if use_pct else curve[profit_col].to_numpy()
    xv = curve[x_col].to_numpy()
    if n > max_points:
        keep = np.unique(np.r_[np.linspace(0, n - 1, max_points).astype(int), int(np.argmax(yv))])
        xv, yv = xv[keep], yv[keep]
    x = np.r_[0.0, xv] * 100
    y = np.r_[0.0, yv]
    fig = Figure(figsize=(8, 5))
    ax = fig.subplots()
    ax.plot(x, y, color=COLORS["primary"], lw=2)
    ax.fill_between(x, 0, y, color=COLORS["primary"], alpha=0.12)
    total = 100.0 if use_pct else float(summary["total_profit"])
    ax.axhline(total, color=COLORS["neutral"], ls="--", lw=1)
    # at the left end: on the right the curve comes back down to the total line through the label
    ax.text(1, total, t("customers.plot.whale.total", lang), ha="left", va="bottom", fontsize=9,
            color=COLORS["neutral"])
    if n and summary["peak_customer_share"] > 0:
        px = float(summary["peak_customer_share"]) * 100
        py = float(summary["peak_pct"]) * 100 if use_pct else float(summary["peak_profit"])
        ax.scatter([px], [py], color=COLORS["bad"], zorder=3)
        label = t("customers.plot.whale.peak", lang, pct=fmt_pct(summary["peak_pct"], 0) if use_pct
                  else f"{py:,.0f}", share=fmt_pct(summary["peak_customer_share"], 0))
        right = px > 55
        ax.annotate(label, (px, py), xytext=(-10, -22) if right else (10, 8), textcoords="offset points",
                    fontsize=10, color=COLORS["bad"], ha="right" if right else "left")
    ax.axhline(0, color="#444444", lw=0.8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("customers.plot.whale.xlabel", lang) + " (%)")
    ax.set_ylabel(t("customers.plot.whale.ylabel", lang) if use_pct
                  else t("customers.plot.whale.ylabel_money", lang, currency=currency))
    ax.set_title(t("customers.plot.whale.title", lang, period=period))
    fig.subplots_adjust(bottom=0.15)
    return add_source_note(fig, _source(lang, source), lang)


def plot_migration_heatmap(matrix: pd.DataFrame, lang: str = "zh", previous: str = "", current: str = "",
                           revenue: bool = False, source: str | None = None) -> Figure:
    """Tier-to-tier migration heatmap (rows: previous tier, columns: current tier).

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`threec_helpers.pyramid.migration_matrix` (indexed by tier ids).
    lang : {"zh", "en"}
        Language.
    previous, current : str
        Period ids in the title.
    revenue : bool
        The matrix holds revenue (title and number format change).
    source : str, optional
        Source note.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from threec_helpers.pyramid import migration_matrix
    >>> tb = pd.DataFrame({"previous_tier": ["top", "small", "small"], "tier": ["top", "big", "small"]})
    >>> fig = plot_migration_heatmap(migration_matrix(tb), lang="en", previous="2024", current="2025")
    """
    import seaborn as sns

    apply_style()
    m = matrix.reindex(index=list(TIERS), columns=list(TIERS)).fillna(0)
    labels = [tier_label(x, lang) for x in TIERS]
    fig = Figure(figsize=(8.5, 6.5))
    ax = fig.subplots()
    vals = m.to_numpy(dtype=float)
    annot = np.vectorize(lambda v: f"{v:,.0f}" if v else "")(vals)
    # log colour scale so that "stay" on the diagonal does not wash out the movers
    sns.heatmap(np.log1p(np.abs(vals)), annot=annot, fmt="", cmap="Blues", cbar=False, ax=ax,
                linewidths=0.5, linecolor="white", xticklabels=labels, yticklabels=labels,
                annot_kws={"fontsize": 8 if revenue else 9})
    for i in range(len(TIERS)):
        ax.add_patch(Rectangle((i, i), 1, 1, fill=False, edgecolor=COLORS["warn"], lw=1.5))
    key = "customers.plot.migration.title_revenue" if revenue else "customers.plot.migration.title"
    ax.set_title(t(key, lang, previous=previous, current=current))
    ax.set_xlabel(t("customers.plot.migration.xlabel", lang))
    ax.set_ylabel(t("customers.plot.migration.ylabel", lang))
    ax.tick_params(axis="x", rotation=30)
    ax.tick_params(axis="y", rotation=0)
    fig.subplots_adjust(left=0.18, bottom=0.2)
    return add_source_note(fig, _source(lang, source), lang)


def plot_cohort_retention(matrix: pd.DataFrame, lang: str = "zh", source: str | None = None) -> Figure:
    """Retention by acquisition cohort: cohorts as rows, periods since acquisition as columns.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`threec_helpers.behavior.cohort_matrix` of retention (0-1).
    lang : {"zh", "en"}
        Language.
    source : str, optional
        Source note.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> m = pd.DataFrame([[1.0, 0.5], [1.0, np.nan]], index=["2023", "2024"], columns=[0, 1])
    >>> fig = plot_cohort_retention(m, lang="en")
    """
    import seaborn as sns

    apply_style()
    rows, cols = matrix.shape
    fig = Figure(figsize=(max(6.0, 0.7 * cols + 3), max(4.0, 0.4 * rows + 2)))
    ax = fig.subplots()
    sns.heatmap(matrix * 100, annot=cols <= 24, fmt=".0f", cmap="YlGnBu", vmin=0, vmax=100, ax=ax,
                cbar_kws={"label": t("customers.col.retention", lang) + " (%)"}, linewidths=0.3,
                linecolor="white", annot_kws={"fontsize": 8})
    ax.set_title(t("customers.plot.cohort.title", lang))
    ax.set_xlabel(t("customers.plot.cohort.xlabel", lang))
    ax.set_ylabel(t("customers.plot.cohort.ylabel", lang))
    ax.tick_params(axis="y", rotation=0)
    fig.subplots_adjust(bottom=0.16)
    return add_source_note(fig, _source(lang, source), lang)


def plot_satisfaction_value(bands: pd.DataFrame, lang: str = "zh", currency: str = "CNY",
                            include_no_answer: bool = False, source: str | None = None) -> Figure:
    """The CRM chain: retention, share of customer and average profit per satisfaction band.

    Parameters
    ----------
    bands : pandas.DataFrame
        ``CRMChain.bands`` of :func:`threec_helpers.satisfaction.crm_chain`.
    lang : {"zh", "en"}
        Language.
    currency : str
        Currency of the profit axis.
    include_no_answer : bool
        Also draw customers without a survey answer.
    source : str, optional
        Source note.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from threec_helpers.satisfaction import crm_chain
    >>> tb = pd.DataFrame({"satisfaction": [5, 4, 2, 1], "tier": ["top", "small", "inactive", "small"],
    ...                    "previous_tier": ["top", "small", "small", "small"], "revenue": [10.0, 5.0, 0.0, 1.0],
    ...                    "revenue_prev": [8.0, 5.0, 4.0, 2.0], "net_profit": [3.0, 1.0, -1.0, -1.0]})
    >>> fig = plot_satisfaction_value(crm_chain(tb, lang="en").bands, lang="en")
    """
    apply_style()
    b = bands if include_no_answer else bands.drop(index="no_answer", errors="ignore")
    labels = b["label"].tolist()
    x = np.arange(len(b))
    colors = [COLORS["bad"], COLORS["warn"], PALETTE[5], COLORS["good"], COLORS["neutral"]][: len(b)]
    panels = [("retention", t("customers.col.retention", lang) + " (%)", 100.0)]
    if "share_of_customer" in b.columns:
        panels.append(("share_of_customer", t("customers.col.share_of_customer", lang) + " (%)", 100.0))
    if "avg_profit" in b.columns:
        panels.append(("avg_profit", f"{t('customers.col.avg_profit', lang)} ({currency})", 1.0))
    fig = Figure(figsize=(4.2 * len(panels), 4.8))
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, (col, ylabel, scale) in zip(axes, panels):
        v = b[col].to_numpy(dtype=float) * scale
        ax.bar(x, np.nan_to_num(v), color=colors, width=0.7)
        if col == "retention" and "retention_ci_low" in b.columns:
            lo = b["retention_ci_low"].to_numpy(dtype=float) * 100
            hi = b["retention_ci_high"].to_numpy(dtype=float) * 100
            ok = np.isfinite(v) & np.isfinite(lo)
            # clipped at 0: at a share of 100% the Wilson bound can come out a rounding error below it
            err = np.clip([v[ok] - lo[ok], hi[ok] - v[ok]], 0.0, None)
            ax.errorbar(x[ok], v[ok], yerr=err, fmt="none", ecolor="#333333", capsize=4, lw=1)
        for xi, vi, n in zip(x, v, b["customers"]):
            if np.isfinite(vi):
                ax.text(xi, 0, t("customers.plot.satvalue.n", lang, n=fmt_int(n)), ha="center", va="bottom",
                        fontsize=8, color="white")
        ax.set_xticks(x, labels, rotation=25, ha="right", fontsize=9)
        ax.set_ylabel(ylabel)
        ax.axhline(0, color="#444444", lw=0.8)
    fig.suptitle(t("customers.plot.satvalue.title", lang))
    fig.supxlabel(t("customers.plot.satvalue.xlabel", lang), fontsize=10)
    fig.subplots_adjust(bottom=0.3, wspace=0.35, top=0.88)
    return add_source_note(fig, _source(lang, source), lang)
