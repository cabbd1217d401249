"""Control chart drawing: centre line, stepped limits, shaded zones, target, signals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..errors import ParameterError
from ..i18n import check_lang, t
from ..spc.capability import COMPARATORS, target_attainment
from ..spc.signals import format_label
from .style import COLORS, add_source_note, apply_style

__all__ = ["plot_control_chart"]

_ZONE_COLORS = ("#E8F4EA", "#FDF3DC", "#FBE3D6")  # within 1 sigma, 1-2 sigma, 2-3 sigma


def _fmt(value: float, percent: bool, spread: float | None = None) -> str:
    """A number with enough decimals to tell the limits apart (``spread`` = UCL - LCL)."""
    if not np.isfinite(value):
        return "–"
    scale = 100.0 if percent else 1.0
    if spread is not None and np.isfinite(spread) and spread > 0:
        decimals = int(min(6, max(0, 2 - np.floor(np.log10(spread * scale)))))
    else:
        decimals = 2
    return f"{scale * value:,.{decimals}f}" + ("%" if percent else "")


def _steps(ax, x, y, **kw):
    """A limit line: flat when constant, stepped (one step per point) when it varies."""
    y = np.asarray(y, dtype=float)
    if np.nanmax(y) - np.nanmin(y) <= 1e-12 * max(1.0, abs(np.nanmax(y))):
        return ax.plot([x[0] - 0.5, x[-1] + 0.5], [y[0], y[0]], **kw)
    xs = np.repeat(np.append(x - 0.5, x[-1] + 0.5), 2)[1:-1]
    return ax.plot(xs, np.repeat(y, 2), **kw)


def _band(ax, x, lo, hi, color):
    xs = np.repeat(np.append(x - 0.5, x[-1] + 0.5), 2)[1:-1]
    ax.fill_between(xs, np.repeat(lo, 2), np.repeat(hi, 2), color=color, linewidth=0, zorder=0)


def _panel(ax, x, frame, cols, percent, lang, show_zones, annotate, prefix=""):
    value, center, lcl, ucl = (frame[prefix + c].to_numpy(dtype=float) for c in cols)
    with np.errstate(invalid="ignore"):
        spread = float(np.nanmedian(ucl - lcl)) if np.isfinite(ucl - lcl).any() else None
    if show_zones and not prefix:
        z = {k: frame[k].to_numpy(dtype=float) for k in ("minus_2s", "minus_1s", "plus_1s", "plus_2s")}
        _band(ax, x, z["minus_1s"], z["plus_1s"], _ZONE_COLORS[0])
        _band(ax, x, z["plus_1s"], z["plus_2s"], _ZONE_COLORS[1])
        _band(ax, x, z["minus_2s"], z["minus_1s"], _ZONE_COLORS[1])
        _band(ax, x, z["plus_2s"], ucl, _ZONE_COLORS[2])
        _band(ax, x, lcl, z["minus_2s"], _ZONE_COLORS[2])
    _steps(ax, x, center, color=COLORS["good"], lw=1.4,
           label=t("spc.legend.center", lang, value=_fmt(np.nanmedian(center), percent, spread)))
    _steps(ax, x, ucl, color=COLORS["bad"], lw=1.2, ls="--", label=t("spc.legend.limits", lang))
    _steps(ax, x, lcl, color=COLORS["bad"], lw=1.2, ls="--")
    ax.plot(x, value, color=COLORS["primary"], marker="o", ms=4, lw=1.1, label=t("spc.legend.value", lang),
            zorder=3)
    # label the last limits at the right edge
    for v, key in ((ucl[-1], "spc.label.ucl"), (lcl[-1], "spc.label.lcl")):
        if np.isfinite(v):
            ax.annotate(t(key, lang, value=_fmt(v, percent, spread)), xy=(x[-1] + 0.5, v), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8, color=COLORS["bad"],
                        annotation_clip=False)
    if percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:.1f}%"))


def plot_control_chart(frame: pd.DataFrame, title: str | None = None, target: float | None = None,
                       comparator: str | None = None, lang: str = "zh", source: str | None = None,
                       unit: str | None = None, show_dispersion: bool = True, show_zones: bool = True,
                       annotate: bool = True, figsize: tuple[float, float] | None = None) -> Figure:
    """Draw a control chart frame from :mod:`threec_helpers.spc`.

    Parameters
    ----------
    frame : DataFrame
        A single-series chart frame (``xmr``, ``xbar_r``, ``p`` ...).
    title : str, optional
        Default: the chart's name in ``lang``.
    target : float, optional
        Quality objective drawn beside the limits (on the chart's scale: 0.98 for 98 %).
    comparator : {">=", ">", "<=", "<"}, optional
        How a period meets the target; with it the attainment sentence is printed under
        the title (see :func:`~threec_helpers.spc.target_attainment`).
    lang : {"zh", "en"}
    source : str, optional
        Data source note in the bottom-left corner.
    unit : str, optional
        Unit of the values for the y label; ``"%"`` shows proportions as percentages
        (the default for p and p' charts).
    show_dispersion : bool, default True
        Second panel with the moving range / range / standard deviation chart.
    show_zones : bool, default True
        Shade the 1, 2 and 3 sigma zones.
    annotate : bool, default True
        Write the rule ids next to the points that signal.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from threec_helpers import spc
    >>> fig = plot_control_chart(spc.c([3, 5, 4, 12, 4]), lang="en")
    """
    check_lang(lang)
    if not isinstance(frame, pd.DataFrame) or "center" not in frame.columns or "chart" not in frame.columns:
        raise ParameterError("plot_control_chart needs a frame from a threec_helpers.spc chart function")
    if "series_col" in frame.attrs.get("spc", {}):
        raise ParameterError("this is a batch frame; plot one series: "
                             "spc.xmr/p/... on that series, or filter it and reset its attrs")
    if len(frame) == 0:
        raise ParameterError("the chart frame has no points")
    if comparator is not None and comparator not in COMPARATORS:
        raise ParameterError(f"comparator must be one of {', '.join(COMPARATORS)}, not {comparator!r}")
    apply_style()
    chart = str(frame["chart"].iloc[0])
    percent = unit == "%" or (unit is None and chart in ("p", "p_prime"))
    disp = frame.attrs.get("spc", {}).get("dispersion") or next(
        (q for q in ("mr", "r", "s") if f"{q}_value" in frame.columns), None)
    two = bool(show_dispersion and disp and f"{disp}_value" in frame.columns)
    fig, axes = plt.subplots(2 if two else 1, 1, sharex=True, squeeze=False,
                             figsize=figsize or ((10, 6.4) if two else (10, 4.6)),
                             gridspec_kw={"height_ratios": [2.2, 1]} if two else None)
    ax = axes[0, 0]
    x = np.arange(len(frame), dtype=float)
    _panel(ax, x, frame, ("value", "center", "lcl", "ucl"), percent, lang, show_zones, annotate)
    if show_zones:
        ax.fill_between([], [], color=_ZONE_COLORS[1], label=t("spc.legend.zones", lang))

    # excluded points, signals
    val = frame["value"].to_numpy(dtype=float)
    excl = frame["excluded"].to_numpy(dtype=bool) if "excluded" in frame.columns else np.zeros(len(x), bool)
    if excl.any():
        ax.scatter(x[excl], val[excl], s=90, facecolors="none", edgecolors=COLORS["neutral"], lw=1.5, zorder=4,
                   label=t("spc.legend.excluded", lang))
    main_rules = [c for c in frame.columns if c.startswith("rule_") and c != "rule_D1"]
    sig = np.zeros(len(x), dtype=bool)
    for col in main_rules:
        sig |= frame[col].to_numpy(dtype=bool)
    sig |= frame["beyond"].to_numpy(dtype=bool)
    if sig.any():
        ax.scatter(x[sig], val[sig], s=46, color=COLORS["bad"], zorder=5, label=t("spc.legend.signal", lang))
        if annotate:
            ids = [c[5:] for c in main_rules]
            for i in np.flatnonzero(sig):
                fired = [r for r in ids if frame[f"rule_{r}"].iloc[i]]
                text = ",".join(fired) if fired else "3σ"
                ax.annotate(text, (x[i], val[i]), xytext=(0, 7), textcoords="offset points", ha="center",
                            fontsize=7.5, color=COLORS["bad"], zorder=6)

    # phase boundary
    if "phase" in frame.columns:
        ph = frame["phase"].to_numpy()
        if (ph == "I").any() and (ph == "II").any():
            b = np.flatnonzero(ph == "II")[0]
            for a in axes[:, 0]:
                a.axvline(b - 0.5, color=COLORS["neutral"], lw=1, ls=":")
            ax.text((b - 0.5) / 2, 1.01, t("spc.label.phase1", lang), transform=ax.get_xaxis_transform(),
                    ha="center", va="bottom", fontsize=8, color="#555555")
            ax.text((b - 0.5 + len(x) - 0.5) / 2, 1.01, t("spc.label.phase2", lang),
                    transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8, color="#555555")

    subtitle = None
    if target is not None:
        ax.axhline(target, color=COLORS["target"], lw=1.6, ls="-.",
                   label=t("spc.legend.target", lang, comparator=comparator or "", value=_fmt(target, percent)))
        if comparator is not None:
            try:
                subtitle = target_attainment(frame, target, comparator).message(lang)
            except ParameterError:
                subtitle = None
    y_label = t("spc.axis.value", lang) + (f" ({unit})" if unit and unit != "%" else "")
    ax.set_ylabel(y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1.0), fontsize=8, frameon=False)
    top = 0.9
    fig.text(0.08, 0.975, title or t(f"spc.chart.{chart}", lang), fontsize=13, ha="left", va="top")
    if subtitle:
        import textwrap
        lines = textwrap.wrap(subtitle, 72 if lang == "zh" else 140)
        fig.text(0.08, 0.935, "\n".join(lines), fontsize=8.5, ha="left", va="top", color="#333333")
        top = 0.9 - 0.028 * len(lines) * (6.4 / fig.get_figheight())

    if two:
        ax2 = axes[1, 0]
        _panel(ax2, x, frame, ("value", "center", "lcl", "ucl"), False, lang, False, annotate, prefix=f"{disp}_")
        dv = frame[f"{disp}_value"].to_numpy(dtype=float)
        db = frame[f"{disp}_beyond"].to_numpy(dtype=bool)
        if db.any():
            ax2.scatter(x[db], dv[db], s=46, color=COLORS["bad"], zorder=5)
        ax2.set_ylabel(t(f"spc.axis.{disp}", lang))
        ax2.set_ylim(bottom=0)
    bottom = axes[-1, 0]
    labels = [format_label(v) for v in frame.index]
    longest = max((len(v) for v in labels), default=1)
    bottom.xaxis.set_major_locator(MaxNLocator(nbins=max(4, min(14, 90 // max(longest, 3))), integer=True))
    bottom.xaxis.set_major_formatter(FuncFormatter(lambda v, _: labels[int(v)] if 0 <= int(v) < len(labels)
                                                   and float(v).is_integer() else ""))
    bottom.set_xlim(-0.7, len(x) - 0.3)
    name = frame.index.name
    bottom.set_xlabel(t("spc.axis.point", lang) if name in (None, "sample", "subgroup") else str(name))
    fig.subplots_adjust(left=0.08, right=0.78, top=top, bottom=0.12 if source else 0.1,
                        hspace=0.12)
    if source:
        add_source_note(fig, source, lang)
    return fig


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
