"""The control chart of every quality objective's monthly history.

Each objective of ``quality_objectives`` with measurements in ``kpi_measurements`` gets the
chart its unit calls for (:func:`~threec_helpers.audit.objectives.chart_kind_for`): p or
Laney p' for a % with numerator and denominator, u for a rate per 100,000 or per 1,000,
XmR for values. Drawing is :func:`threec_helpers.plots.audits.plot_objective_chart`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import spc
from ..i18n import check_lang, t
from .objectives import chart_kind_for, localized, objective_history


_CHART_COMPARATORS = (">=", ">", "<=", "<")


def _month_of(until: Any) -> pd.Timestamp | None:
    """Month start of a period end (Period, date or ``YYYY-MM``)."""
    if until is None:
        return None
    end = until.end if hasattr(until, "end") else until
    return pd.Timestamp(str(end)[:7] + "-01")


@dataclass
class ObjectiveChart:
    """One objective's monthly control chart, ready to draw.

    Attributes
    ----------
    objective_id, name : str
    kind : str
        ``p``, ``p_prime``, ``u`` or ``xmr`` (:func:`~threec_helpers.objectives.chart_kind_for`).
    frame : pandas.DataFrame
        The :mod:`threec_helpers.spc` chart frame, indexed by month (``YYYY-MM``).
    unit : str
        The objective's unit (``%``, ``points``, ``per_100k`` ...).
    target : float
        The target on the chart's scale (a proportion for % objectives: 0.98 for 98%).
    comparator : str or None
        ``>=``, ``>``, ``<=``, ``<``; ``None`` for ``=`` (no attainment sentence).
    scale : float
        Chart value = scale x value in the objective's unit (0.01 for %).
    months_met : int
        Months meeting the target.

    See Also
    --------
    objective_charts : builds one per objective.

    Examples
    --------
    >>> from threec_helpers.spc import p
    >>> frame = p([97, 98, 99, 96], [100, 100, 100, 100], rules="none")
    >>> chart = ObjectiveChart("OBJ1", "On-time delivery", "p", frame, "%", 0.98, ">=", scale=0.01, months_met=2)
    >>> chart.axis_unit, chart.months_met
    ('%', 2)
    """

    objective_id: str
    name: str
    kind: str
    frame: pd.DataFrame
    unit: str
    target: float
    comparator: str | None
    scale: float = 1.0
    months_met: int = 0
    signals: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def axis_unit(self) -> str | None:
        """``'%'`` for percentages, otherwise the unit key for the y-axis label (``None`` if none)."""
        return "%" if self.unit == "%" else self.unit


def objective_charts(objectives: pd.DataFrame, measurements: pd.DataFrame, until: Any = None,
                     lang: str = "zh") -> list[ObjectiveChart]:
    """A control chart of every objective's monthly history up to the report period.

    The chart follows :func:`~threec_helpers.objectives.chart_kind_for`: p (or Laney p'
    with large denominators) for a % with numerator/denominator, u for a rate per 100,000
    or per 1,000 (exposure = denominator / 100,000), XmR for values (points, seconds,
    counts, a % given as a value). Limits are computed on all months shown; the run rules
    are Western Electric's.

    Parameters
    ----------
    objectives, measurements : pandas.DataFrame
        Tables ``quality_objectives`` and ``kpi_measurements``.
    until : Period, date or ``YYYY-MM``, optional
        Last month shown (the report period's end); default all months.
    lang : {"zh", "en"}
        Language of the names and signal sentences.

    Returns
    -------
    list of ObjectiveChart
        In the objectives' table order; objectives without a measurement are left out.

    Examples
    --------
    >>> obj = pd.DataFrame({"objective_id": ["T"], "name_zh": ["应答时限"], "name_en": ["Answer time"],
    ...                     "unit": ["seconds"], "comparator": ["<="], "target": [10.0]})
    >>> kpi = pd.DataFrame({"objective_id": "T", "period": ["2026-01", "2026-02", "2026-03"],
    ...                     "value": [7.0, 8.0, 12.0]})
    >>> ch = objective_charts(obj, kpi, "2026-02", "en")[0]
    >>> ch.kind, len(ch.frame), ch.months_met
    ('xmr', 2, 2)
    """
    check_lang(lang)
    hist = objective_history(objectives, measurements)
    last = _month_of(until)
    if last is not None:
        hist = hist[hist["month"] <= last]
    names = localized(objectives, "name", lang)
    out: list[ObjectiveChart] = []
    for pos in range(len(objectives)):  # one chart per objective (a handful), each vectorised
        row = objectives.iloc[pos]
        oid = str(row["objective_id"])
        h = hist[hist["objective_id"].astype(str) == oid]
        if h.empty:
            continue
        s = h.set_index("period")
        unit = str(row["unit"])
        kind = chart_kind_for(row, h)
        if kind in ("p", "p_prime"):
            frame = getattr(spc, kind)(s["numerator"], s["denominator"])
            scale = 0.01
        elif kind == "u":
            per = 1e5 if unit == "per_100k" else 1e3
            frame = spc.u(s["numerator"], s["denominator"] / per)
            scale = 1.0
        else:
            scale = 0.01 if unit == "%" else 1.0
            frame = spc.xmr(s["actual"] * scale)
        frame.index.name = t("col.month", lang)  # the chart's x-axis label
        comp = str(row["comparator"])
        out.append(ObjectiveChart(
            objective_id=oid, name=str(names.iloc[pos]), kind=kind, frame=frame, unit=unit,
            target=float(row["target"]) * scale, comparator=comp if comp in _CHART_COMPARATORS else None,
            scale=scale, months_met=int(h["met"].astype("boolean").fillna(False).sum()),
            signals=spc.signals(frame, lang=lang),
        ))
    return out
