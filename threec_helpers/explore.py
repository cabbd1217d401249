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

from .i18n import t


def is_batch() -> bool:
    """True in batch runs (``THREEC_BATCH=1``): explorers render static output."""
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
    last_render_seconds : float
        Duration of the last render (for benchmarks).
    """

    controls: dict[str, Any]
    render: Callable[..., None]
    title: str = ""
    last_render_seconds: float = 0.0
    _output: Any = field(default=None, repr=False)

    def values(self) -> dict[str, Any]:
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
                      currency: str = "CNY") -> Explorer:
    """Sliders for growth and retention per tier that update the bottom-up budget live.

    Parameters
    ----------
    base : DataFrame
        Customer table of the base period (``tier``, ``revenue``, ``net_profit``).
    targets : mapping
        ``client.yaml`` targets (``revenue_growth`` for the top-down line).
    lang : {"zh", "en"}

    Returns
    -------
    Explorer
        Controls ``growth_<tier>`` and ``retention_<tier>``; the render shows the
        reconciliation table and a chart of top-down vs bottom-up revenue per tier.
    """
    from .planning import DEFAULT_RETENTION, PlanAssumptions, bottom_up_plan, reconcile, top_down_plan
    from .plots.planning import plot_reconciliation
    from .pyramid import ACTIVE_TIERS, tier_label

    top_down = top_down_plan(base, targets)  # fixed: computed once
    active = base.loc[base["tier"].isin(ACTIVE_TIERS) & (base["revenue"] > 0)]
    growth0 = float(targets.get("revenue_growth", 0.05))
    controls: dict[str, Any] = {}
    for tier in ACTIVE_TIERS:
        controls[f"growth_{tier}"] = _slider(t("explore.growth", lang, tier=tier_label(tier, lang)), growth0, -0.5, 1.0,
                                             0.01)
    for tier in ACTIVE_TIERS:
        controls[f"retention_{tier}"] = _slider(t("explore.retention", lang, tier=tier_label(tier, lang)),
                                                DEFAULT_RETENTION[tier], 0.0, 1.0, 0.01)

    def render(**values: float) -> None:
        from IPython.display import display

        from .notebook import render_table

        a = PlanAssumptions(growth={tr: values[f"growth_{tr}"] for tr in ACTIVE_TIERS},
                            retention={tr: values[f"retention_{tr}"] for tr in ACTIVE_TIERS},
                            prospect_conversion=0.0)
        rec = reconcile(top_down, bottom_up_plan(active, a))
        shown = rec.drop(index="prospect").reset_index()
        shown["tier"] = [tier_label(x, lang) if x != "total" else t("common.total", lang) for x in shown["tier"]]
        display_html(render_table(shown[["tier", "base_revenue", "top_down_revenue", "bottom_up_revenue", "gap",
                                         "gap_pct"]], lang,
                                  labels={c: f"explore.col.{c}" for c in shown.columns},
                                  formats={"base_revenue": "money", "top_down_revenue": "money",
                                           "bottom_up_revenue": "money", "gap": "money", "gap_pct": "pct1"},
                                  currency=currency))
        fig = plot_reconciliation(rec, lang=lang)
        display(fig)
        import matplotlib.pyplot as plt

        plt.close(fig)

    return Explorer(controls, render, title=t("explore.planning_title", lang))


def display_html(html: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html))
