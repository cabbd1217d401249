"""Control chart drawing: centre line, stepped limits, shaded zones, target, signals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..errors import ParameterError
from ..i18n import check_lang, has_key, t
from ..spc.capability import COMPARATORS, target_attainment
from ..audit.objectives import COMPARATOR_SYMBOL
from ..spc.signals import board_signals, direction_from_comparator, format_label, verdict
from .style import COLORS, add_source_note, apply_style

__all__ = ["plot_control_chart", "plot_with_reference", "VERDICT_COLORS"]

#: within 1 sigma, 1-2 sigma, 2-3 sigma: neutral shades (colours with a meaning are kept for the signals)
_ZONE_COLORS = ("#F3F5F7", "#E8ECF0", "#DCE2E8")


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


#: colour of a signal by its verdict (spc.signals.verdict): an improvement is not an alarm
VERDICT_COLORS = {"better": COLORS["good"], "worse": COLORS["bad"], "unclear": COLORS["warn"]}
_LIMIT_COLOR = "#555555"
_CENTER_COLOR = "#333333"
#: charts of counts and proportions: never below zero
_NONNEGATIVE = ("p", "p_prime", "np", "c", "u", "u_prime")


def _panel(ax, x, frame, cols, percent, lang, show_zones, prefix="", floor=None):
    value, center, lcl, ucl = (frame[prefix + c].to_numpy(dtype=float) for c in cols)
    if floor is not None:
        lcl = np.maximum(lcl, floor)
    with np.errstate(invalid="ignore"):
        spread = float(np.nanmedian(ucl - lcl)) if np.isfinite(ucl - lcl).any() else None
    if show_zones and not prefix:
        z = {k: frame[k].to_numpy(dtype=float) for k in ("minus_2s", "minus_1s", "plus_1s", "plus_2s")}
        if floor is not None:
            z = {k: np.maximum(v, floor) for k, v in z.items()}
        _band(ax, x, z["minus_1s"], z["plus_1s"], _ZONE_COLORS[0])
        _band(ax, x, z["plus_1s"], z["plus_2s"], _ZONE_COLORS[1])
        _band(ax, x, z["minus_2s"], z["minus_1s"], _ZONE_COLORS[1])
        _band(ax, x, z["plus_2s"], ucl, _ZONE_COLORS[2])
        _band(ax, x, lcl, z["minus_2s"], _ZONE_COLORS[2])
    _steps(ax, x, center, color=_CENTER_COLOR, lw=1.4,
           label=t("spc.legend.center", lang, value=_fmt(np.nanmedian(center), percent, spread)))
    _steps(ax, x, ucl, color=_LIMIT_COLOR, lw=1.2, ls="--", label=t("spc.legend.limits", lang))
    if np.isfinite(lcl).any() and not (floor is not None and np.nanmax(lcl) <= floor):
        _steps(ax, x, lcl, color=_LIMIT_COLOR, lw=1.2, ls="--")
    ax.plot(x, value, color=COLORS["primary"], marker="o", ms=4, lw=1.1, label=t("spc.legend.value", lang),
            zorder=3)
    # label the last limits at the right edge (a lower limit at the floor is no limit: not labelled)
    for v, key in ((ucl[-1], "spc.label.ucl"), (lcl[-1], "spc.label.lcl")):
        if np.isfinite(v) and not (key == "spc.label.lcl" and floor is not None and v <= floor):
            ax.annotate(t(key, lang, value=_fmt(v, percent, spread)), xy=(x[-1] + 0.5, v), xytext=(-2, 2),
                        textcoords="offset points", ha="right", va="bottom", fontsize=8, color=_LIMIT_COLOR,
                        annotation_clip=False, zorder=6)
    if percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:.1f}%"))


def _rules_name(frame: pd.DataFrame, lang: str) -> str:
    ids = frame.attrs.get("spc", {}).get("rules") or tuple(c[5:] for c in frame.columns if c.startswith("rule_"))
    we = any(str(r).startswith("WE") for r in ids)
    nelson = any(str(r).startswith("N") and str(r) != "N1" for r in ids)
    key = "mixed" if we and nelson else "western_electric" if we else "nelson" if nelson else "limits"
    return t(f"spc.board.rules.{key}", lang)


def plot_control_chart(frame: pd.DataFrame, title: str | None = None, target: float | None = None,
                       comparator: str | None = None, lang: str = "zh", source: str | None = None,
                       unit: str | None = None, show_dispersion: bool = True, show_zones: bool = True,
                       annotate: bool = True, figsize: tuple[float, float] | None = None, *,
                       good_direction: str | None = None, ylabel: str | None = None,
                       nonnegative: bool | None = None, max_sentences: int = 5) -> Figure:
    """Draw a control chart frame from :mod:`threec_helpers.spc` for a board.

    Signals are told in sentences under the chart ("8 months in a row below the centre
    line; better than before", from :func:`~threec_helpers.spc.signals.board_signals`), and
    coloured by the figure's good direction: an improvement in the "good" colour, a
    deterioration in the alarm colour, a signal with no declared direction in amber. The
    chart's technical name and the 3-sigma rule are in a small footnote only.

    Parameters
    ----------
    frame : DataFrame
        A single-series chart frame (``xmr``, ``xbar_r``, ``p`` ...).
    title : str, optional
        Default: a plain title for the chart's kind in ``lang``.
    target : float, optional
        Quality objective drawn beside the limits (on the chart's scale: 0.98 for 98 %).
    comparator : {">=", ">", "<=", "<"}, optional
        How a period meets the target; with it the attainment sentence is printed under
        the title (see :func:`~threec_helpers.spc.target_attainment`), and it declares the
        good direction when ``good_direction`` is not given.
    lang : {"zh", "en"}
    source : str, optional
        Data source note in the bottom-left corner.
    unit : str, optional
        Unit of the values, added to the y label; ``"%"`` shows proportions as percentages
        (the default for p and p' charts).
    show_dispersion : bool, default True
        Second panel with the moving range / range / standard deviation chart.
    show_zones : bool, default True
        Shade the zones of routine variation (1 and 2 sigma).
    annotate : bool, default True
        Number the signals on the chart and tell each in a sentence under it.
    figsize : (float, float), optional
    good_direction : {"up", "down"}, optional
        Which way is better for this figure, from declared data (an objective's
        comparator, a target's direction); never guessed. Default: from ``comparator``.
    ylabel : str, optional
        The y-axis label in words (e.g. the KPI's name); default a plain name for the
        chart's kind, with ``unit``.
    nonnegative : bool, optional
        Keep the axis and the lower limit at or above zero; default True for count and
        proportion charts (c, u, p, np, Laney p'/u') and for ``unit="%"``.
    max_sentences : int, default 5
        Signals told under the chart; the rest are counted.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from threec_helpers import spc
    >>> fig = plot_control_chart(spc.c([3, 5, 4, 12, 4]), lang="en", good_direction="down")
    """
    import textwrap

    check_lang(lang)
    if not isinstance(frame, pd.DataFrame) or "center" not in frame.columns or "chart" not in frame.columns:
        raise ParameterError(key="plots.error.not_a_chart")
    if "series_col" in frame.attrs.get("spc", {}):
        raise ParameterError(key="plots.error.batch_frame")
    if len(frame) == 0:
        raise ParameterError(key="plots.error.no_points")
    if comparator is not None and comparator not in COMPARATORS:
        raise ParameterError(key="plots.error.comparator", allowed=", ".join(COMPARATORS), value=repr(comparator))
    if good_direction is None:
        good_direction = direction_from_comparator(comparator)
    verdict("above", good_direction)  # validates good_direction
    apply_style()
    chart = str(frame["chart"].iloc[0])
    percent = unit == "%" or (unit is None and chart in ("p", "p_prime"))
    if nonnegative is None:
        nonnegative = chart in _NONNEGATIVE or unit == "%"
    floor = 0.0 if nonnegative else None
    told = board_signals(frame, good_direction, lang) if annotate else None
    sentences = [] if told is None else list(told["sentence"])
    wrap = 60 if lang == "zh" else 120
    caption: list[str] = []
    if annotate:
        if sentences:
            caption.append(t("spc.board.heading", lang))
            for i, text in enumerate(sentences[:max_sentences], start=1):
                caption += textwrap.wrap(f"{i}. {text}", wrap, subsequent_indent="   ")
            if len(sentences) > max_sentences:
                caption.append(t("spc.board.more", lang, n=len(sentences) - max_sentences))
        else:
            caption += textwrap.wrap(t("spc.board.none", lang), wrap)
    disp = frame.attrs.get("spc", {}).get("dispersion") or next(
        (q for q in ("mr", "r", "s") if f"{q}_value" in frame.columns), None)
    two = bool(show_dispersion and disp and f"{disp}_value" in frame.columns)
    base_w, base_h = figsize or ((10, 6.4) if two else (10, 4.6))
    line_in = 0.19  # inches per caption line
    extra = line_in * len(caption) + (0.05 if caption else 0.0) + 0.15  # + the technical note
    fig, axes = plt.subplots(2 if two else 1, 1, sharex=True, squeeze=False, figsize=(base_w, base_h + extra),
                             gridspec_kw={"height_ratios": [2.2, 1]} if two else None)
    height = base_h + extra
    ax = axes[0, 0]
    x = np.arange(len(frame), dtype=float)
    _panel(ax, x, frame, ("value", "center", "lcl", "ucl"), percent, lang, show_zones, floor=floor)
    if show_zones:
        ax.fill_between([], [], color=_ZONE_COLORS[1], label=t("spc.legend.zones", lang))

    # excluded points, signals coloured by what they mean for this figure
    val = frame["value"].to_numpy(dtype=float)
    excl = frame["excluded"].to_numpy(dtype=bool) if "excluded" in frame.columns else np.zeros(len(x), bool)
    if excl.any():
        ax.scatter(x[excl], val[excl], s=90, facecolors="none", edgecolors=COLORS["neutral"], lw=1.5, zorder=4,
                   label=t("spc.legend.excluded", lang))
    if told is not None and len(told):
        for v in ("worse", "unclear", "better"):
            part = told[told["verdict"] == v]
            if part.empty:
                continue
            pts = sorted({p for ps in part["positions"] for p in ps})
            ax.scatter(x[pts], val[pts], s=46, color=VERDICT_COLORS[v], zorder=5, label=t(f"spc.legend.{v}", lang))
        for i, r in enumerate(told.head(max_sentences).itertuples(), start=1):
            ax.annotate(str(i), (x[r.last], val[r.last]), xytext=(0, 7), textcoords="offset points", ha="center",
                        fontsize=8, fontweight="bold", color=VERDICT_COLORS[r.verdict], zorder=6)
    elif not annotate:
        main_rules = [c for c in frame.columns if c.startswith("rule_") and c != "rule_D1"]
        sig = frame["beyond"].to_numpy(dtype=bool).copy()
        for col in main_rules:
            sig |= frame[col].to_numpy(dtype=bool)
        if sig.any():
            ax.scatter(x[sig], val[sig], s=46, color=COLORS["warn"], zorder=5, label=t("spc.legend.signal", lang))

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
                   label=t("spc.legend.target", lang, comparator=COMPARATOR_SYMBOL.get(comparator or "", ""),
                           value=_fmt(target, percent)))
        if comparator is not None:
            try:
                subtitle = target_attainment(frame, target, comparator).message(lang)
            except ParameterError:
                subtitle = None
    if ylabel is None:
        ylabel = t(f"spc.ylabel.{chart}", lang) if has_key(f"spc.ylabel.{chart}") else t("spc.ylabel.xmr", lang)
        if unit and unit != "%" and unit not in ylabel:
            ylabel += f"（{unit}）" if lang == "zh" else f" ({unit})"
    ax.set_ylabel("\n".join(textwrap.wrap(ylabel, 14 if lang == "zh" else 28)))
    if floor is not None:
        lo, hi = ax.get_ylim()
        ax.set_ylim(max(lo, floor), max(hi, floor + 1e-9))
    ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1.0), fontsize=8, frameon=False)
    top_in = 0.6
    fig.text(0.11, 1 - 0.15 / height, title or t(f"spc.title.{chart}", lang), fontsize=13, ha="left", va="top")
    if subtitle:
        lines = textwrap.wrap(subtitle, 72 if lang == "zh" else 140)
        fig.text(0.11, 1 - 0.42 / height, "\n".join(lines), fontsize=8.5, ha="left", va="top", color="#333333")
        top_in += 0.18 * len(lines)

    if two:
        ax2 = axes[1, 0]
        _panel(ax2, x, frame, ("value", "center", "lcl", "ucl"), False, lang, False, prefix=f"{disp}_", floor=0.0)
        dv = frame[f"{disp}_value"].to_numpy(dtype=float)
        db = frame[f"{disp}_beyond"].to_numpy(dtype=bool)
        if db.any():
            ax2.scatter(x[db], dv[db], s=46, color=COLORS["warn"], zorder=5)
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
    # under the axes: the signals in sentences, then the source (left) and technical note (right)
    foot_in = 0.72 + extra
    if caption:
        fig.text(0.11, (extra + 0.2) / height, "\n".join(caption), fontsize=8.5, ha="left", va="top",
                 color="#222222", linespacing=1.35)
    fig.text(0.01, 0.19 / height, t("spc.board.footnote", lang, chart=t(f"spc.chart.{chart}", lang),
                                    rules=_rules_name(frame, lang)),
             fontsize=6.5, color="#777777", ha="left", va="bottom")
    fig.subplots_adjust(left=0.11, right=0.78, top=1 - top_in / height, bottom=foot_in / height, hspace=0.12)
    if source:
        add_source_note(fig, source, lang)
    _attach_chart(fig, frame, title or t(f"spc.title.{chart}", lang), labels, percent, lang, target, disp if two else None)
    return fig


def _attach_chart(fig, frame: pd.DataFrame, title: str, labels: list[str], percent: bool, lang: str,
                  target: float | None, disp: str | None) -> None:
    """Record the chart's data (:mod:`threec_helpers.plots.chartdata`): a line chart of the values
    with the centre line and the control limits as series (and the target), for native charts."""
    from .chartdata import attach, panel

    def series(prefix: str = "") -> list[tuple[str, list]]:
        return [(t(f"spc.series.{c}", lang), list(frame[prefix + c])) for c in ("value", "center", "ucl", "lcl")]

    main = series()
    if target is not None:
        main.append((t("spc.legend.target", lang, comparator="", value=_fmt(target, percent)), [target] * len(frame)))
    panels = [panel("line", labels, main, title=title, percent=percent)]
    if disp:
        panels.append(panel("line", labels, series(f"{disp}_"), title=t(f"spc.axis.{disp}", lang)))
    attach(fig, panels, title)


def plot_with_reference(frame: pd.DataFrame, reference: pd.Series, *, title: str, reference_label: str,
                        lang: str = "zh", source: str | None = None, unit: str | None = None,
                        good_direction: str | None = None, ylabel: str | None = None,
                        nonnegative: bool | None = None):
    """A control chart (:func:`threec_helpers.plots.spc.plot_control_chart`) with a reference line
    (e.g. the plan's monthly values) drawn over the points whose labels it has.

    Parameters
    ----------
    frame : DataFrame
        A single-series chart frame whose index (or ``label`` column) holds the point labels.
    reference : Series
        Label -> reference value.
    title, reference_label : str
    lang : {"zh", "en"}
    source, unit, good_direction, ylabel, nonnegative : optional
        As in :func:`plot_control_chart`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = plot_control_chart(frame, title=title, lang=lang, source=source, unit=unit, good_direction=good_direction,
                             ylabel=ylabel, nonnegative=nonnegative)
    labels = frame["label"].astype(str) if "label" in frame.columns else pd.Index(frame.index).astype(str)
    pos = pd.Series(np.arange(len(frame)), index=list(labels))
    ref = reference[reference.index.astype(str).isin(pos.index)]
    if len(ref):
        ax = fig.axes[0]
        ax.plot(pos.loc[ref.index.astype(str)].to_numpy(), ref.to_numpy(dtype=float), color=COLORS["target"],
                lw=1.8, ls="-.", marker="s", ms=3, label=reference_label, zorder=4)
        ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1.0), fontsize=8, frameon=False)
    return fig
