"""Interactive exploration with ipywidgets, for the explore section of each phase notebook.

An :class:`Explorer` is a set of controls and a *render* function of their values. In
JupyterLab it shows the controls above an output area that re-renders on every change; in
a batch run (``THREEC_BATCH=1``, set by ``threec run`` and the test suite) it shows the
render of the default values as ordinary static output, so HTML/PDF reports and nbval see
plain tables and charts, never widget placeholders.

Everything a control filters is computed once when the explorer is built (customer tables
per period, per-tier sums), so an update only filters and draws: under 0.5 s on the
1,000,000-customer benchmark client (``benchmarks/bench_explore.py``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..i18n import t
from .context import show_figure
from .tables import LABELS


def is_batch() -> bool:
    """True in batch runs (``THREEC_BATCH=1``): explorers render static output.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_batch() == (os.environ.get("THREEC_BATCH") == "1")
    True
    """
    return os.environ.get("THREEC_BATCH", "") == "1"


@dataclass
class Explorer:
    """Controls plus a render function of their values.

    Attributes
    ----------
    controls : dict
        Name -> ipywidgets control (anything with ``.value`` and ``.observe``).
    render : callable
        ``render(**values)`` displays the output for the given control values.
    title : str
        Shown above the controls.
    last_render_seconds : float
        Duration of the last render (for benchmarks).

    See Also
    --------
    planning_explorer, completeness_explorer, analysis_explorer, realization_explorer : the notebooks' explorers.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ex = Explorer({"n": SimpleNamespace(value=3)}, lambda n: print("rendered", n))
    >>> ex.values()
    {'n': 3}
    >>> ex.show(interactive=False)
    rendered 3
    """

    controls: dict[str, Any]
    render: Callable[..., None]
    title: str = ""
    last_render_seconds: float = 0.0
    _output: Any = field(default=None, repr=False)

    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, *_: Any) -> None:
        """Re-render into the output area with the current control values."""
        out = self.output
        out.clear_output(wait=True)
        start = time.perf_counter()
        with out:
            self.render(**self.values())
        self.last_render_seconds = time.perf_counter() - start

    @property
    def output(self):
        """The ipywidgets output area the explorer renders into (made on first use)."""
        if self._output is None:
            import ipywidgets as w

            self._output = w.Output()
        return self._output

    def widget(self):
        """The full widget: controls in a row above the output; wired to re-render."""
        import ipywidgets as w

        for control in self.controls.values():
            control.observe(self.refresh, names="value")
        self.refresh()
        header = [w.HTML(f"<b>{self.title}</b>")] if self.title else []
        return w.VBox(header + [w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap")),
                                self.output])

    def show(self, interactive: bool | None = None) -> None:
        """Display the explorer (interactive) or the default render (batch)."""
        from IPython.display import display

        if interactive is None:
            interactive = not is_batch()
        if interactive:
            display(self.widget())
        else:
            start = time.perf_counter()
            self.render(**self.values())
            self.last_render_seconds = time.perf_counter() - start


def _dropdown(label: str, options: list[tuple[str, Any]], value: Any = None):
    import ipywidgets as w

    return w.Dropdown(options=options, value=value if value is not None else options[0][1], description=label,
                      style={"description_width": "initial"})


def _slider(label: str, value: float, lo: float, hi: float, step: float):
    import ipywidgets as w

    return w.FloatSlider(value=value, min=lo, max=hi, step=step, description=label, readout_format=".0%",
                         continuous_update=False, style={"description_width": "initial"})


# --------------------------------------------------------------------------- planning


def planning_explorer(base: pd.DataFrame, targets: Mapping[str, float], lang: str = "zh",
                      currency: str = "CNY", assumptions=None) -> Explorer:
    """Sliders for growth and retention per tier that update the bottom-up budget live.

    Parameters
    ----------
    base : DataFrame
        Customer table of the base period (``tier``, ``revenue``, ``net_profit``).
    targets : mapping
        ``client.yaml`` targets (``revenue_growth`` for the top-down line).
    lang : {"zh", "en"}
    assumptions : PlanAssumptions, optional
        The plan's assumptions: the sliders start at its growth and retention, and its
        migration goals and prospect conversion are kept, so the default view equals the
        plan shown in the notebook. Default: growth = ``revenue_growth`` for every tier.

    Returns
    -------
    Explorer
        Controls ``growth_<tier>`` and ``retention_<tier>``; the render shows the
        reconciliation table and a chart of top-down vs bottom-up revenue per tier.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> from threec_helpers.measures.customer_table import customer_table
    >>> client = load_client("demo_manufacturer")
    >>> base = customer_table(client.tables, client.config, client.config.current_period)
    >>> ex = planning_explorer(base, {"revenue_growth": 0.1}, "en")
    >>> sorted(ex.controls)[:2], ex.controls["growth_top"].value
    (['growth_big', 'growth_medium'], 0.1)
    """
    from ..measures.planning import DEFAULT_RETENTION, PlanAssumptions, bottom_up_plan, reconcile, top_down_plan
    from ..plots.planning import plot_reconciliation
    from ..measures.pyramid import ACTIVE_TIERS, tier_label

    top_down = top_down_plan(base, targets)  # fixed: computed once
    start = assumptions if assumptions is not None else PlanAssumptions.from_targets(targets)
    # only the rows the bottom-up plan reads: active customers and prospects
    rows = base.loc[base["tier"].isin((*ACTIVE_TIERS, "prospect")), ["customer_id", "tier", "revenue", "net_profit"]]
    controls: dict[str, Any] = {}
    for tier in ACTIVE_TIERS:
        controls[f"growth_{tier}"] = _slider(t("explore.growth", lang, tier=tier_label(tier, lang)),
                                             start.growth.get(tier, 0.0), -0.5, 1.0, 0.01)
    for tier in ACTIVE_TIERS:
        controls[f"retention_{tier}"] = _slider(t("explore.retention", lang, tier=tier_label(tier, lang)),
                                                start.retention.get(tier, DEFAULT_RETENTION[tier]), 0.0, 1.0, 0.01)

    def render(**values: float) -> None:

        from .context import render_table

        a = PlanAssumptions(growth={tr: values[f"growth_{tr}"] for tr in ACTIVE_TIERS},
                            retention={tr: values[f"retention_{tr}"] for tr in ACTIVE_TIERS},
                            promotions=start.promotions, prospect_conversion=start.prospect_conversion)
        rec = reconcile(top_down, bottom_up_plan(rows, a))
        shown = rec.drop(index="prospect").reset_index()
        shown["tier"] = [tier_label(x, lang) if x != "total" else t("common.total", lang) for x in shown["tier"]]
        display_html(render_table(shown[["tier", "base_revenue", "top_down_revenue", "bottom_up_revenue", "gap",
                                         "gap_pct"]], lang,
                                  formats={"base_revenue": "money", "top_down_revenue": "money",
                                           "bottom_up_revenue": "money", "gap": "money", "gap_pct": "pct1"},
                                  currency=currency))
        show_figure(plot_reconciliation(rec, lang=lang))

    return Explorer(controls, render, title=t("explore.planning_title", lang))


def display_html(html: str) -> None:
    """Display an HTML fragment in the notebook (the explorers' tables).

    Parameters
    ----------
    html : str
        Already escaped (e.g. :func:`~threec_helpers.report.context.render_table`).

    Examples
    --------
    >>> display_html("<p>ok</p>")
    <IPython.core.display.HTML object>
    """
    from IPython.display import HTML, display

    display(HTML(html))


# --------------------------------------------------------------------------- phase notebooks


def completeness_explorer(columns: pd.DataFrame, lang: str = "zh") -> Explorer:
    """Registration: choose a table and see the completeness of each of its columns.

    Parameters
    ----------
    columns : DataFrame
        :func:`threec_helpers.registration.column_completeness` (``table, column, required,
        provided, filled``) — computed once; the control only filters it.
    lang : {"zh", "en"}

    Returns
    -------
    Explorer
        Control ``table``; the render shows that table's columns with the share of filled cells.

    Examples
    --------
    >>> columns = pd.DataFrame({"table": ["customers", "customers", "surveys"],
    ...                         "column": ["customer_id", "region", "nps"], "required": [True, False, True],
    ...                         "provided": [True, True, True], "filled": [1.0, 0.5, 0.9]})
    >>> ex = completeness_explorer(columns, "en")
    >>> ex.controls["table"].options
    (('customers', 'customers'), ('satisfaction surveys', 'surveys'))
    >>> ex.render(table="surveys")
    <IPython.core.display.HTML object>
    """
    tables = list(dict.fromkeys(columns["table"].tolist()))
    options = [(t("notebook.table." + name, lang), name) for name in tables]
    controls = {"table": _dropdown(t("phases.explore.table", lang), options)}

    def render(table: str) -> None:
        from .context import render_table

        shown = columns.loc[columns["table"] == table, ["column", "required", "provided", "filled"]]
        display_html(render_table(shown, lang, labels=LABELS,
                                  formats={"filled": "pct1"}, max_rows=100))

    return Explorer(controls, render, title=t("phases.explore.completeness_title", lang))


_ALL = "__all__"


def tier_groups(table: pd.DataFrame, by: tuple[str, ...] = ("segment", "region")) -> pd.DataFrame:
    """Per-tier sums of a customer table by ``by`` columns, for fast filtered tier summaries.

    Parameters
    ----------
    table : DataFrame
        A customer table (``tier``, ``revenue``, ``net_profit``, optionally ``satisfaction``).
    by : tuple of str
        The columns grouped by (a missing column counts as one empty group).

    Returns
    -------
    DataFrame
        ``*by, tier, customers, revenue, profit, sat_sum, n_satisfaction`` (one row per
        non-empty combination; missing ``by`` values become ``""``).

    See Also
    --------
    summary_from_groups : the tier summary from these sums.

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "big", "big", "small"], "revenue": [100.0, 50.0, 40.0, 5.0],
    ...                    "net_profit": [30.0, 10.0, -2.0, 1.0], "segment": ["A", "A", "B", "B"],
    ...                    "satisfaction": [4.5, None, 3.0, 4.0]})
    >>> tier_groups(tb, by=("segment",))[["segment", "tier", "revenue", "n_satisfaction"]].values.tolist()
    [['A', 'top', 100.0, 1.0], ['A', 'big', 50.0, 0.0], ['B', 'big', 40.0, 1.0], ['B', 'small', 5.0, 1.0]]
    """
    keys = {c: (table[c].astype("str").fillna("") if c in table.columns else pd.Series("", index=table.index))
            for c in by}
    sat = table["satisfaction"].to_numpy(dtype=np.float64, na_value=np.nan) if "satisfaction" in table.columns \
        else np.full(len(table), np.nan)
    work = pd.DataFrame({**{c: v.to_numpy() for c, v in keys.items()},
                         "tier": table["tier"].astype("str").to_numpy(),
                         "customers": np.ones(len(table)),
                         "revenue": table["revenue"].to_numpy(dtype=np.float64, na_value=0.0),
                         "profit": table["net_profit"].to_numpy(dtype=np.float64, na_value=0.0),
                         "sat_sum": np.nan_to_num(sat), "n_satisfaction": (~np.isnan(sat)).astype(float)})
    return work.groupby([*by, "tier"], sort=False, observed=True).sum().reset_index()


def summary_from_groups(groups: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`threec_helpers.pyramid.tier_summary` computed from :func:`tier_groups` rows (same columns).

    Parameters
    ----------
    groups : DataFrame
        :func:`tier_groups` rows (already filtered, e.g. to one segment).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per tier.

    See Also
    --------
    tier_groups : the sums this reads.

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "big", "big", "small"], "revenue": [100.0, 50.0, 40.0, 5.0],
    ...                    "net_profit": [30.0, 10.0, -2.0, 1.0], "segment": ["A", "A", "B", "B"],
    ...                    "satisfaction": [4.5, None, 3.0, 4.0]})
    >>> summary = summary_from_groups(tier_groups(tb), "en")
    >>> summary.loc[["top", "big"], ["customers", "revenue"]].values.tolist()
    [[1.0, 100.0], [2.0, 90.0]]
    """
    from ..measures.pyramid import summary_from_sums

    return summary_from_sums(groups.groupby("tier")[["customers", "revenue", "profit", "sat_sum", "n_satisfaction"]]
                             .sum(), lang)


def analysis_explorer(tables_by_period: Mapping[str, pd.DataFrame], lang: str = "zh", currency: str = "CNY",
                      period: str | None = None) -> Explorer:
    """Analysis: choose a period, a segment and a region; see the tier summary and the pyramid.

    The customer tables are reduced once to per-tier sums by segment and region
    (:func:`tier_groups`), so an update filters a few hundred rows, whatever the number of
    customers.

    Parameters
    ----------
    tables_by_period : mapping
        Period id -> customer table (:func:`threec_helpers.customer_table.customer_table`).
    lang : {"zh", "en"}
    currency : str
    period : str, optional
        Default period (default: the last one).

    Returns
    -------
    Explorer
        Controls ``period``, ``segment``, ``region`` (``"__all__"`` = all).

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "big", "big", "small"], "revenue": [100.0, 50.0, 40.0, 5.0],
    ...                    "net_profit": [30.0, 10.0, -2.0, 1.0], "segment": ["A", "A", "B", "B"],
    ...                    "satisfaction": [4.5, None, 3.0, 4.0]})
    >>> analysis_explorer({"2025": tb}, "en").values()
    {'period': '2025', 'segment': '__all__', 'region': '__all__'}
    """
    groups = {pid: tier_groups(tb) for pid, tb in tables_by_period.items()}
    periods = list(groups)
    every = t("phases.explore.all", lang)

    def choices(col: str) -> list[tuple[str, str]]:
        values = sorted({v for g in groups.values() for v in g[col].unique() if v != ""})
        return [(every, _ALL)] + [(v, v) for v in values]

    controls = {
        "period": _dropdown(t("common.period", lang), [(p, p) for p in periods], period or periods[-1]),
        "segment": _dropdown(t("phases.explore.segment", lang), choices("segment")),
        "region": _dropdown(t("phases.explore.region", lang), choices("region")),
    }

    def render(period: str, segment: str, region: str) -> None:

        from .context import render_table
        from ..plots.customers import plot_pyramid

        g = groups[period]
        keep = np.ones(len(g), dtype=bool)
        if segment != _ALL:
            keep &= (g["segment"] == segment).to_numpy()
        if region != _ALL:
            keep &= (g["region"] == region).to_numpy()
        summary = summary_from_groups(g.loc[keep], lang)
        shown = summary[["label", "customers", "revenue", "revenue_share", "profit", "profit_share",
                         "avg_satisfaction"]]
        display_html(render_table(shown, lang, labels=LABELS,
                                  formats={"customers": "int", "revenue": "money", "revenue_share": "pct1",
                                           "profit": "money", "profit_share": "pct1", "avg_satisfaction": "num2"},
                                  currency=currency))
        if summary["customers"].sum() > 0:
            show_figure(plot_pyramid(summary, lang=lang, period=period))

    return Explorer(controls, render, title=t("phases.explore.analysis_title", lang))


def realization_explorer(monthly: pd.DataFrame, lang: str = "zh", currency: str = "CNY") -> Explorer:
    """Realization: choose a tier and see its monthly plan vs actual revenue.

    Parameters
    ----------
    monthly : DataFrame
        :func:`threec_helpers.phase_report.monthly_by_tier` (``group, month, plan, actual,
        cum_plan, cum_actual, attainment, rag``), computed once.
    lang : {"zh", "en"}
    currency : str

    Returns
    -------
    Explorer
        Control ``group`` (``total``, the planned tiers, ``new``).

    Examples
    --------
    >>> monthly = pd.DataFrame({"group": ["total", "total", "top", "top"], "month": ["2026-01", "2026-02"] * 2,
    ...                         "plan": 1.0, "actual": 1.0, "cum_plan": 1.0, "cum_actual": 1.0,
    ...                         "attainment": 1.0, "rag": "green"})
    >>> ex = realization_explorer(monthly, "en")
    >>> [value for _, value in ex.controls["group"].options]
    ['total', 'top']
    """
    from ..measures.pyramid import tier_label

    names = list(dict.fromkeys(monthly["group"].tolist()))
    order = ["total"] + [n for n in names if n != "total"]

    def label(g: str) -> str:
        if g == "total":
            return t("common.total", lang)
        if g == "new":
            return t("plots.planning.new_customers", lang)
        return tier_label(g, lang)

    controls = {"group": _dropdown(t("phases.explore.tier", lang), [(label(g), g) for g in order], "total")}

    def render(group: str) -> None:

        from .context import render_table
        from ..plots.planning import plot_monthly_plan

        m = monthly.loc[monthly["group"] == group].reset_index(drop=True)
        shown = m[["month", "plan", "actual", "cum_plan", "cum_actual", "attainment", "rag"]].copy()
        shown["rag"] = [t(f"planning.rag.{r}", lang) if r else "–" for r in shown["rag"]]
        display_html(render_table(shown, lang, labels=LABELS,
                                  formats={"plan": "money", "actual": "money", "cum_plan": "money",
                                           "cum_actual": "money", "attainment": "pct1"}, currency=currency))
        show_figure(plot_monthly_plan(m, lang=lang))

    return Explorer(controls, render, title=t("phases.explore.realization_title", lang))
