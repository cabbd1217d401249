"""Charts of the audit engine: area radar, item-by-role heatmap, priorities and gaps,
management vs front line, objectives table, findings ageing and findings by clause.

Every function takes a tidy DataFrame computed by :mod:`threec_helpers.audits`,
:mod:`threec_helpers.objectives` or :mod:`threec_helpers.findings` plus column names, and
returns a :class:`matplotlib.figure.Figure` (not registered with pyplot, so batch runs do
not leak figures) with title and labels from :mod:`threec_helpers.i18n` and a source note.
Scores on the 0-1 scale are shown in percent. ``source=None`` writes a default note naming
the data (checklist scores, quality objectives, findings register); pass ``""`` for none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..audit.objective_charts import ObjectiveChart
from ..audit.objectives import UNITS
from ..errors import ParameterError
from ..spc.signals import direction_from_comparator
from ..i18n import check_lang, has_key, t
from .spc import plot_control_chart
from .style import COLORS, PALETTE, add_source_note, apply_style

#: every objective unit is a count, rate, share, score or duration: none can be negative
NONNEGATIVE_UNITS = frozenset(UNITS)

_GRADE_COLORS = {"major": COLORS["bad"], "minor": COLORS["warn"], "observation": COLORS["neutral"]}


def _need(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise ParameterError(key="plots.error.missing_columns", what=what, missing=", ".join(map(str, missing)),
                             columns=", ".join(map(str, df.columns)))


def _finish(fig: Figure, source: str | None, lang: str, default: str) -> Figure:
    """Add the source note: ``source``, or the default of the chart's data when ``None``; ``""`` for none."""
    if source is None:
        source = t(f"audits.source.{default}", lang)
    if source:
        add_source_note(fig, source, lang)
    return fig


def wrap_label(text, lang: str = "zh", width: int | None = None) -> str:
    """An axis label on a few short lines: at spaces in English, every ``width`` characters in Chinese.

    Examples
    --------
    >>> print(wrap_label("Customer information and knowledge", "en"))
    Customer information
    and knowledge
    >>> print(wrap_label("医疗质量安全核心制度落实", "zh"))
    医疗质量安全
    核心制度落实
    """
    import textwrap

    text = str(text)
    width = width or (8 if lang == "zh" else 20)
    if lang == "zh" and " " not in text and len(text) > width:  # even lines: no character left alone
        width = -(-len(text) // -(-len(text) // width))
    return "\n".join(textwrap.wrap(text, width, break_long_words=lang == "zh")) or text


def plot_area_radar(areas: pd.DataFrame, score_col: str = "score", label_col: str | None = None,
                    target_col: str | None = "target", previous_col: str | None = None, lang: str = "zh",
                    title: str | None = None, source: str | None = None) -> Figure:
    """Radar (spider) chart of area scores, with the target ring and optionally the previous round.

    Parameters
    ----------
    areas : pandas.DataFrame
        One row per area, e.g. ``AuditResult.areas``; scores on 0-1.
    score_col : str
        Column of the scores.
    label_col : str, optional
        Column of the axis labels: the areas' titles in the report language (default
        ``area_title_<lang>``), never their ids; long titles are wrapped.
    target_col : str, optional
        Column of the targets (drawn dashed); ``None`` to leave out.
    previous_col : str, optional
        Column of the previous round's scores (drawn grey), e.g. after merging
        :func:`~threec_helpers.audits.compare_rounds` output.
    lang : {"zh", "en"}
    title, source : str, optional
        Title (default from i18n) and source note (default names the data; ``""`` for none).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"area_title_en": ["A", "B", "C"], "score": [0.5, 0.7, 0.6], "target": 0.75})
    >>> fig = plot_area_radar(df, lang="en")
    """
    check_lang(lang)
    label_col = label_col or f"area_title_{lang}"
    _need(areas, [score_col, label_col, target_col, previous_col], "plot_area_radar")
    if len(areas) < 3:
        raise ParameterError(key="plots.error.radar_areas", n=len(areas))
    apply_style()
    n = len(areas)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.append(angles, angles[0])
    fig = Figure(figsize=(6.5, 6))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)

    def _ring(col: str, **kw) -> None:
        vals = 100 * areas[col].to_numpy(float)
        ax.plot(closed, np.append(vals, vals[0]), **kw)

    if previous_col:
        _ring(previous_col, color=COLORS["neutral"], lw=1.5, label=t("audits.label.previous", lang))
    if target_col:
        _ring(target_col, color=COLORS["target"], lw=1.5, ls="--", label=t("audits.label.target", lang))
    _ring(score_col, color=COLORS["primary"], lw=2, marker="o", label=t("audits.label.current", lang))
    vals = 100 * areas[score_col].to_numpy(float)
    ax.fill(closed, np.append(vals, vals[0]), color=COLORS["primary"], alpha=0.15)
    ax.set_xticks(angles)
    ax.set_xticklabels([wrap_label(x, lang) for x in areas[label_col]], fontsize=10)
    ax.tick_params(axis="x", pad=10)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100])
    ax.set_yticklabels(["20", "40", "60", "80", "100%"], fontsize=8, color="#555555")
    ax.set_title(title or t("audits.plot.radar.title", lang), pad=20)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize=9, frameon=False)
    fig.subplots_adjust(bottom=0.14, top=0.88)
    return _finish(fig, source, lang, "scores")


def plot_role_heatmap(roles: pd.DataFrame, item_col: str = "item_id", role_col: str = "role",
                      value_col: str = "norm", lang: str = "zh", title: str | None = None,
                      source: str | None = None, role_order: list[str] | None = None) -> Figure:
    """Heatmap of mean scores (percent) by item (rows) and role (columns).

    Parameters
    ----------
    roles : pandas.DataFrame
        Tidy item x role scores, e.g. ``AuditResult.roles`` (values on 0-1).
    item_col, role_col, value_col : str
        Column names.
    lang : {"zh", "en"}
    title, source : str, optional
    role_order : list of str, optional
        Column order (default: management roles first as they appear, then the others).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"item_id": ["A", "A", "B"], "role": ["manager", "sales", "sales"],
    ...                    "norm": [0.75, 0.5, 0.25]})
    >>> fig = plot_role_heatmap(df, lang="en")
    """
    import seaborn as sns

    check_lang(lang)
    _need(roles, [item_col, role_col, value_col], "plot_role_heatmap")
    apply_style()
    items = list(dict.fromkeys(roles[item_col]))
    if role_order is None:
        if "role_group" in roles.columns:
            ordered = roles.sort_values("role_group", key=lambda s: s.ne("management"), kind="stable")
            role_order = list(dict.fromkeys(ordered[role_col]))
        else:
            role_order = list(dict.fromkeys(roles[role_col]))
    grid = (roles.pivot_table(index=item_col, columns=role_col, values=value_col, aggfunc="mean")
            .reindex(index=items, columns=role_order) * 100)
    fig = Figure(figsize=(1.2 * len(role_order) + 3, 0.32 * len(items) + 2))
    ax = fig.subplots()
    sns.heatmap(grid, ax=ax, vmin=0, vmax=100, cmap="RdYlGn", annot=True, fmt=".0f", linewidths=0.5,
                cbar_kws={"label": t("audits.plot.heatmap.cbar", lang)}, annot_kws={"fontsize": 8})
    ax.set_xlabel(t("audits.plot.heatmap.x", lang))
    ax.set_ylabel(t("audits.plot.heatmap.y", lang))
    ax.set_title(title or t("audits.plot.heatmap.title", lang))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _finish(fig, source, lang, "scores")


def plot_priorities(items: pd.DataFrame, value_col: str = "priority", label_col: str = "item_id",
                    text_col: str | None = None, top: int = 10, lang: str = "zh", title: str | None = None,
                    source: str | None = None) -> Figure:
    """Horizontal bars of the top improvement priorities (weight x gap), largest on top.

    Parameters
    ----------
    items : pandas.DataFrame
        ``AuditResult.items`` or any frame with the columns below.
    value_col : str
        Priority on 0-1 (shown as overall percentage points).
    label_col, text_col : str
        Item id and item text (default ``text_<lang>``; ``None`` if absent).
    top : int
        How many items to show.
    lang : {"zh", "en"}
    title, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"item_id": ["A", "B"], "text_en": ["a", "b"], "priority": [0.02, 0.05]})
    >>> fig = plot_priorities(df, lang="en")
    """
    check_lang(lang)
    if text_col is None and f"text_{lang}" in items.columns:
        text_col = f"text_{lang}"
    _need(items, [value_col, label_col, text_col], "plot_priorities")
    apply_style()
    top_df = items[items[value_col] > 0].sort_values(value_col, ascending=False).head(top).iloc[::-1]
    labels = [f"{i}  {str(x)[:28]}" if text_col else str(i)
              for i, x in zip(top_df[label_col], top_df[text_col] if text_col else top_df[label_col])]
    fig = Figure(figsize=(8, 0.45 * max(len(top_df), 1) + 1.6))
    ax = fig.subplots()
    vals = 100 * top_df[value_col].to_numpy(float)
    ax.barh(labels, vals, color=COLORS["warn"])
    for y, v in enumerate(vals):
        ax.text(v, y, f" {v:.1f}", va="center", fontsize=8)
    ax.set_xlabel(t("audits.plot.priorities.x", lang))
    ax.set_title(title or t("audits.plot.priorities.title", lang))
    ax.margins(x=0.12)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _finish(fig, source, lang, "scores")


def plot_gaps(items: pd.DataFrame, score_col: str = "norm", target_col: str = "target_norm",
              label_col: str = "item_id", lang: str = "zh", title: str | None = None,
              source: str | None = None) -> Figure:
    """Bars of item scores (percent) with a tick at each item's target; red below target.

    Parameters
    ----------
    items : pandas.DataFrame
        ``AuditResult.items`` (scores and targets on 0-1).
    score_col, target_col, label_col : str
    lang : {"zh", "en"}
    title, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"item_id": ["A", "B"], "norm": [0.5, 0.9], "target_norm": [0.75, 0.75]})
    >>> fig = plot_gaps(df, lang="en")
    """
    check_lang(lang)
    _need(items, [score_col, target_col, label_col], "plot_gaps")
    apply_style()
    df = items.iloc[::-1]
    score = 100 * df[score_col].to_numpy(float)
    target = 100 * df[target_col].to_numpy(float)
    colors = np.where(score + 1e-9 < target, COLORS["bad"], COLORS["good"])
    fig = Figure(figsize=(7.5, 0.3 * len(df) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(df))
    ax.barh(y, np.nan_to_num(score), color=colors)
    ax.scatter(target, y, marker="|", s=200, color=COLORS["target"], label=t("audits.label.target", lang), zorder=3)
    ax.set_yticks(y)
    ax.set_yticklabels([str(x) for x in df[label_col]], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("audits.plot.gaps.x", lang))
    ax.set_title(title or t("audits.plot.gaps.title", lang))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _finish(fig, source, lang, "scores")


def plot_disagreement(disagreement: pd.DataFrame, value_col: str = "difference", label_col: str = "item_id",
                      flag_col: str | None = "flag", lang: str = "zh", title: str | None = None,
                      source: str | None = None) -> Figure:
    """Diverging bars of management minus front-line scores per item (percentage points).

    Parameters
    ----------
    disagreement : pandas.DataFrame
        ``AuditResult.disagreement``.
    value_col, label_col : str
    flag_col : str, optional
        Boolean column; flagged items are drawn in the "bad" colour.
    lang : {"zh", "en"}
    title, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"item_id": ["A", "B"], "difference": [0.3, -0.1], "flag": [True, False]})
    >>> fig = plot_disagreement(df, lang="en")
    """
    check_lang(lang)
    _need(disagreement, [value_col, label_col, flag_col], "plot_disagreement")
    apply_style()
    df = disagreement[disagreement[value_col].notna()].iloc[::-1]
    vals = 100 * df[value_col].to_numpy(float)
    flags = df[flag_col].fillna(False).to_numpy(bool) if flag_col else np.zeros(len(df), bool)
    fig = Figure(figsize=(7.5, 0.3 * max(len(df), 1) + 1.6))
    ax = fig.subplots()
    ax.barh(np.arange(len(df)), vals, color=np.where(flags, COLORS["bad"], COLORS["primary"]))
    ax.axvline(0, color="#333333", lw=1)
    ax.set_yticks(np.arange(len(df)))
    ax.set_yticklabels([str(x) for x in df[label_col]], fontsize=8)
    lim = max(25.0, float(np.nanmax(np.abs(vals))) * 1.1 if len(vals) else 25.0)
    ax.set_xlim(-lim, lim)
    ax.set_xlabel(t("audits.plot.disagreement.x", lang))
    ax.set_title(title or t("audits.plot.disagreement.title", lang))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _finish(fig, source, lang, "scores")


def plot_objectives_table(evaluated: pd.DataFrame, lang: str = "zh", name_col: str | None = None,
                          title: str | None = None, source: str | None = None) -> Figure:
    """A table figure of quality objectives: name, target, actual, met (green / red).

    Parameters
    ----------
    evaluated : pandas.DataFrame
        :func:`~threec_helpers.objectives.evaluate_objectives` output (``target_text``,
        ``actual_text``, ``met``).
    lang : {"zh", "en"}
    name_col : str, optional
        Default ``name_<lang>``.
    title, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"name_en": ["Answer time"], "target_text": ["≤10 s"], "actual_text": ["7 s"],
    ...                    "met": pd.array([True], dtype="boolean")})
    >>> fig = plot_objectives_table(df, lang="en")
    """
    check_lang(lang)
    name_col = name_col or f"name_{lang}"
    _need(evaluated, [name_col, "target_text", "actual_text", "met"], "plot_objectives_table")
    apply_style()
    met = evaluated["met"].astype("boolean")
    met_text = [t("audits.objective.no_data", lang) if pd.isna(m) else
                t("audits.objective.met" if m else "audits.objective.not_met", lang) for m in met]
    cells = [[str(n), tt, a, m] for n, tt, a, m in
             zip(evaluated[name_col], evaluated["target_text"], evaluated["actual_text"], met_text)]
    cols = [t(f"audits.plot.objectives.{k}", lang) for k in ("name", "target", "actual", "met")]
    fig = Figure(figsize=(9, 0.38 * (len(cells) + 1) + 0.9))
    ax = fig.subplots()
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=cols, cellLoc="left", colWidths=[0.46, 0.18, 0.18, 0.18],
                     bbox=[0, 0, 1, 1])
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for j in range(len(cols)):
        table[0, j].set_facecolor("#E8EEF4")
    for i, m in enumerate(met, start=1):
        colour = COLORS["neutral"] if pd.isna(m) else (COLORS["good"] if m else COLORS["bad"])
        table[i, 3].get_text().set_color(colour)
    ax.set_title(title or t("audits.plot.objectives.title", lang))
    fig.subplots_adjust(left=0.03, right=0.97, top=1 - 0.45 / fig.get_figheight(), bottom=0.4 / fig.get_figheight())
    return _finish(fig, source, lang, "objectives")


def plot_findings_ageing(ageing: pd.DataFrame, bucket_col: str = "age_bucket",
                         grades: tuple[str, ...] = ("major", "minor", "observation"), lang: str = "zh",
                         title: str | None = None, source: str | None = None) -> Figure:
    """Stacked bars of open findings per age bucket, by grade.

    Parameters
    ----------
    ageing : pandas.DataFrame
        ``FindingsSummary.ageing`` (bucket column and one count column per grade).
    bucket_col : str
    grades : tuple of str
        Grade columns to stack.
    lang : {"zh", "en"}
    title, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"age_bucket": ["0-30", ">90"], "major": [1, 0], "minor": [2, 1], "observation": [0, 0]})
    >>> fig = plot_findings_ageing(df, lang="en")
    """
    check_lang(lang)
    _need(ageing, [bucket_col, *grades], "plot_findings_ageing")
    apply_style()
    df = ageing
    if "total" in df.columns and bucket_col == "age_bucket":
        df = df[(df[bucket_col] != "unknown") | (df["total"] > 0)]
    labels = [t("audits.age.unknown", lang) if b == "unknown" else str(b) for b in df[bucket_col]]
    fig = _grade_bars(df, labels, grades, lang, headroom=1.3, totals=True, xlabel=t("audits.plot.ageing.x", lang),
                      title=title or t("audits.plot.ageing.title", lang))
    return _finish(fig, source, lang, "findings")


def _grade_bars(df: pd.DataFrame, labels: list[str], grades: tuple[str, ...], lang: str, *, headroom: float,
                totals: bool = False, xlabel: str, title: str) -> Figure:
    """A Figure with one bar per row of ``df``, stacked by finding grade (count axis, legend;
    with ``totals``, each bar's total written above it)."""
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    bottom = np.zeros(len(df))
    for g in grades:
        vals = df[g].to_numpy(float)
        ax.bar(labels, vals, bottom=bottom, color=_GRADE_COLORS.get(g, PALETTE[0]), label=t(f"audits.grade.{g}", lang))
        bottom += vals
    if totals:
        for x, v in enumerate(bottom):
            ax.text(x, v, f"{int(v)}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(1.0, float(bottom.max()) if len(bottom) else 1.0) * headroom)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(t("audits.plot.ageing.y", lang))
    ax.set_title(title)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_findings_by_clause(by_clause: pd.DataFrame, clause_col: str = "clause_top",
                            grades: tuple[str, ...] = ("major", "minor", "observation"), lang: str = "zh",
                            title: str | None = None, source: str | None = None) -> Figure:
    """Stacked bars of findings per top-level clause, by grade.

    Parameters
    ----------
    by_clause : pandas.DataFrame
        ``FindingsSummary.by_clause``.
    clause_col : str
    grades : tuple of str
    lang : {"zh", "en"}
    title, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> df = pd.DataFrame({"clause_top": ["7", "9"], "major": [0, 1], "minor": [3, 1], "observation": [1, 0]})
    >>> fig = plot_findings_by_clause(df, lang="en")
    """
    check_lang(lang)
    _need(by_clause, [clause_col, *grades], "plot_findings_by_clause")
    apply_style()
    fig = _grade_bars(by_clause, [str(c) for c in by_clause[clause_col]], grades, lang, headroom=1.2,
                      xlabel=t("audits.plot.findings_clause.x", lang),
                      title=title or t("audits.plot.findings_clause.title", lang))
    return _finish(fig, source, lang, "findings")


def plot_objective_chart(chart: ObjectiveChart, lang: str = "zh", source: str | None = None):
    """Draw one :class:`ObjectiveChart` with its target line (``plots.spc.plot_control_chart``).

    The title and y axis carry the objective's name and unit; signals are coloured by the
    good direction the objective's comparator declares (``<=`` target: falling is better).

    Parameters
    ----------
    chart : ObjectiveChart
    lang : {"zh", "en"}
    source : str, optional
        Source note; default names the quality objectives.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    unit = chart.axis_unit
    label = "%" if unit == "%" else (t(f"audit_report.axis_unit.{unit}", lang)
                                     if has_key(f"audit_report.axis_unit.{unit}") else unit)
    title = t("audit_report.chart.title", lang, name=chart.name)
    ylabel = chart.name + ("" if not label else (f"（{label}）" if lang == "zh" else f" ({label})"))
    return plot_control_chart(chart.frame, title=title, target=chart.target, comparator=chart.comparator, lang=lang,
                              unit=label, source=t("audits.source.objectives", lang) if source is None else source,
                              good_direction=direction_from_comparator(chart.comparator), ylabel=ylabel,
                              nonnegative=chart.unit in NONNEGATIVE_UNITS)
