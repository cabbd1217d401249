"""Customer lifetime value charts: the distribution of CLV across customers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..errors import ParameterError
from ..i18n import check_lang, fmt_int, fmt_money, fmt_pct, t
from .style import COLORS, PALETTE, add_source_note, apply_style

__all__ = ["plot_clv_distribution"]


def plot_clv_distribution(frame: pd.DataFrame, value_col: str = "clv", segment_col: str | None = None,
                          *, lang: str = "zh", currency: str = "CNY", title: str | None = None,
                          source: str | None = None, bins: int = 40, log_x: bool | None = None,
                          top_share: float = 0.2, figsize: tuple[float, float] | None = None) -> Figure:
    """Histogram of CLV per customer and the concentration (cumulative share) curve.

    Left panel: how many customers have each value (one histogram per segment, overlaid,
    when ``segment_col`` is given), with the mean and median marked. Right panel: the share
    of total value held by the top x% of customers, with the share of the top
    ``top_share`` annotated.

    Parameters
    ----------
    frame : DataFrame
        One row per customer, e.g. the output of :func:`threec_helpers.clv.predict_clv`.
    value_col : str, default "clv"
        Column with the value per customer (>= 0).
    segment_col : str, optional
        Column to split the histogram by.
    lang : {"zh", "en"}
        Language of titles and labels.
    currency : str, default "CNY"
        Currency for the axis and amounts.
    title : str, optional
        Figure title; default "Customer lifetime value distribution".
    source : str, optional
        Source note written in the bottom-left corner.
    bins : int, default 40
        Number of histogram bins.
    log_x : bool, optional
        Log-scaled value axis (zero values are then left out and counted in the legend).
        Default: log when the values are very skewed (maximum > 50 x median).
    top_share : float, default 0.2
        Share of customers whose share of value is annotated.
    figsize : (float, float), optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> table = pd.DataFrame({"clv": [0.0, 5.0, 12.0, 30.0, 250.0]})
    >>> fig = plot_clv_distribution(table, "clv", lang="en")
    >>> len(fig.axes)
    2
    """
    check_lang(lang)
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(key="plots.error.not_a_frame", type=type(frame).__name__)
    for arg, col in (("value_col", value_col), ("segment_col", segment_col)):
        if col is not None and col not in frame.columns:
            raise ParameterError(key="plots.error.not_a_column", arg=arg, column=repr(col),
                                 columns=", ".join(map(str, frame.columns)))
    if not pd.api.types.is_numeric_dtype(frame[value_col].dtype):
        raise ParameterError(key="plots.error.not_numbers", column=repr(value_col))
    values = frame[value_col].to_numpy(dtype=float, na_value=np.nan)
    if len(values) == 0:
        raise ParameterError(key="plots.error.no_values")
    if not np.all(np.isfinite(values)):
        raise ParameterError(key="plots.error.not_finite", column=repr(value_col),
                             n=int((~np.isfinite(values)).sum()))
    if np.any(values < 0):
        raise ParameterError(key="plots.error.negative_clv", column=repr(value_col))
    if not (isinstance(bins, int) and bins > 0):
        raise ParameterError(key="plots.error.bins", value=repr(bins))
    if not 0 < top_share < 1:
        raise ParameterError(key="plots.error.top_share", value=repr(top_share))

    positive = values[values > 0]
    if log_x is None:
        log_x = bool(positive.size > 0 and positive.max() > 50 * np.median(positive))
    if log_x and positive.size == 0:
        log_x = False

    apply_style()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=figsize or (11, 4.6),
                                  gridspec_kw={"width_ratios": [1.6, 1]})

    # ---- histogram --------------------------------------------------------------------
    if log_x:
        hi = positive.max()
        # tiny values (e.g. 1e-7 for customers almost surely gone) would stretch the axis:
        # start at the 1st percentile (at most 4 decades below the maximum), clip below
        lo = max(positive.min(), float(np.quantile(positive, 0.01)), hi * 1e-4)
        edges = np.geomspace(lo, hi if hi > lo else lo * 10, bins + 1)
    else:
        lo, hi = values.min(), values.max()
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    if segment_col is None:
        groups = [(None, values)]
    else:
        seg = frame[segment_col]
        groups = [(name, values[(seg == name).to_numpy()]) for name in pd.unique(seg.dropna())]
    for i, (name, vals) in enumerate(groups):
        v = np.clip(vals[vals > 0], edges[0], edges[-1]) if log_x else vals
        ax.hist(v, bins=edges, color=PALETTE[i % len(PALETTE)],
                alpha=0.85 if len(groups) == 1 else 0.55, label=None if name is None else str(name),
                edgecolor="white", linewidth=0.4)
    mean, median = float(values.mean()), float(np.median(values))
    ax.axvline(mean, color=COLORS["bad"], lw=1.4, ls="--",
               label=t("clv.plot.legend.mean", lang, value=fmt_money(mean, currency)))
    if median > 0 or not log_x:
        ax.axvline(median, color=COLORS["good"], lw=1.4, ls=":",
                   label=t("clv.plot.legend.median", lang, value=fmt_money(median, currency)))
    if log_x:
        ax.set_xscale("log")
        n_zero = int((values <= 0).sum())
        if n_zero:
            ax.plot([], [], " ", label=t("clv.plot.legend.zero", lang, n=fmt_int(n_zero)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}" if x >= 1 else f"{x:g}"))
    ax.set_xlabel(t("clv.plot.axis.value_log" if log_x else "clv.plot.axis.value", lang, currency=currency))
    ax.set_ylabel(t("clv.plot.axis.customers", lang))
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(t("clv.plot.distribution.subtitle", lang, n=fmt_int(len(values)),
                   total=fmt_money(values.sum(), currency)), fontsize=10, loc="left")

    # ---- concentration curve ------------------------------------------------------------
    ordered = np.sort(values)[::-1]
    total = ordered.sum()
    x = np.concatenate([[0.0], np.arange(1, len(ordered) + 1) / len(ordered)])
    y = np.concatenate([[0.0], np.cumsum(ordered) / total]) if total > 0 else x
    ax2.plot(x, y, color=COLORS["primary"], lw=1.8)
    ax2.plot([0, 1], [0, 1], color=COLORS["neutral"], lw=1, ls="--", label=t("clv.plot.legend.equal", lang))
    share = float(np.interp(top_share, x, y))
    ax2.plot([top_share], [share], "o", color=COLORS["warn"], ms=6)
    ax2.annotate(t("clv.plot.annot.top", lang, pct=fmt_pct(top_share, 0), share=fmt_pct(share, 0)),
                 xy=(top_share, share), xytext=(0.3, 0.22), textcoords="axes fraction", fontsize=9,
                 arrowprops={"arrowstyle": "-", "color": COLORS["neutral"], "lw": 0.8})
    ax2.set_xlim(0, 1)
    ax2.set_ylim(0, 1.02)
    ax2.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax2.set_xlabel(t("clv.plot.axis.customer_share", lang))
    ax2.set_ylabel(t("clv.plot.axis.value_share", lang))
    ax2.set_title(t("clv.plot.concentration.title", lang), fontsize=10, loc="left")
    ax2.legend(fontsize=8, frameon=False, loc="lower right")

    fig.suptitle(title or t("clv.plot.distribution.title", lang))
    fig.tight_layout(rect=(0, 0.03 if source else 0, 1, 1))
    if source:
        add_source_note(fig, source, lang)
    return fig
