"""The results contract: every key figure and every table a notebook records, and what they mean.

A notebook records its headline figures (:func:`threec_helpers.report.figures.record`) and
key tables (``ctx.table`` of a named :class:`~threec_helpers.report.tables.ReportTable`, with the
headers it showed) into its results file; the briefing and every later
output read them from there. This module declares, per notebook (:data:`NOTEBOOKS`), which
figures and tables it writes, and for each figure (:class:`Figure`):

- ``label`` - the i18n key of its bilingual label;
- ``format`` and ``unit`` - how its value is shown and what it counts;
- ``good`` - which direction is good: ``"up"``, ``"down"``, ``"target"`` (towards a target
  of ``client.yaml`` or of the checklist) or ``"none"`` (counts, money, plan totals);
- ``dimension`` - the 3C dimension it stands for, if any (:data:`DIMENSIONS`); the 3C
  scorecard shows only figures that declare one, and never guesses from a name;
- ``rule`` - its status rule, a name of :data:`RULES` (``"caller"``: the audit notebook
  decides the status from its checklist bands and says so in its docstring);
- ``target`` - the ``client.yaml`` target (``targets.<name>``) the rule judges it against, if
  any: the 3C scorecard shows that target next to the figure (:func:`target_text`).

Besides figures and tables, a results file carries ``charts`` (each chart's data, recorded by
``ctx.figure``: :mod:`threec_helpers.plots.chartdata`) and ``shown_columns`` (which recorded
columns the report showed), from which the PowerPoint deck draws native charts and tables.

The same key may mean different things in different notebooks (``satisfaction`` is CSAT
1-5 in ``02_analysis`` and the customer-satisfaction objective in the ISO 9001 audit), so
figures are looked up by notebook and key (:func:`figure`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..audit.focus import FOCUS_TARGET
from ..i18n import fmt_num, fmt_pct

#: the six 3C dimensions: customer performance (outside) then customer focus (inside)
PERFORMANCE = ("value", "behavior", "satisfaction")
FOCUS = ("organization", "communications", "information")
DIMENSIONS = PERFORMANCE + FOCUS
GOOD_DIRECTIONS = ("up", "down", "target", "none")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _band(value: Any, good: float, warn: float, higher_is_better: bool = True) -> str:
    if _missing(value):
        return "neutral"
    v = float(value)
    if higher_is_better:
        return "good" if v >= good - 1e-12 else "warn" if v >= warn - 1e-12 else "bad"
    return "good" if v <= good + 1e-12 else "warn" if v <= warn + 1e-12 else "bad"


def _to_target(key: str, tolerance: float) -> Callable[..., str]:
    def rule(value: Any, targets: Mapping[str, float], ratio: float | None) -> str:
        if key not in targets:
            return "neutral"
        return _band(value, float(targets[key]), float(targets[key]) - tolerance)
    return rule


#: rule name -> (function of value, targets, ratio -> status; description)
RULES: dict[str, tuple[Callable[..., str] | None, str]] = {
    "information_score": (lambda v, tg, r: _band(v, 80.0, 60.0), ">= 80 good, >= 60 warn, else bad (0-100)"),
    "positive": (lambda v, tg, r: "good" if float(v) > 0 else "bad", "> 0 good, else bad"),
    "value_destroying_share": (lambda v, tg, r: _band(v, 0.10, 0.25, higher_is_better=False),
                               "<= 10% good, <= 25% warn, else bad"),
    "retention": (_to_target("retention", 0.05),
                  ">= targets.retention good, >= target - 5 points warn, else bad; neutral without a target"),
    "preferred_supplier": (_to_target("preferred_supplier", 0.05),
                           ">= targets.preferred_supplier good, >= target - 5 points warn, else bad"),
    "profit_margin": (_to_target("profit_margin", 0.05),
                      ">= targets.profit_margin good, >= target - 5 points warn, else bad; neutral without a target"),
    "satisfaction": (_to_target("satisfaction", 0.3), ">= targets.satisfaction good, >= target - 0.3 warn (CSAT 1-5)"),
    "nps": (_to_target("nps", 10.0), ">= targets.nps good, >= target - 10 warn, else bad"),
    "focus_factor": (lambda v, tg, r: _band(v, FOCUS_TARGET, 0.5),
                     ">= 0.75 good (the customer-focus checklist's default target), >= 0.50 warn, else bad"),
    "plan_gap": (lambda v, tg, r: _band(r, 0.0, -0.05) if r is not None else "neutral",
                 "(bottom-up - top-down) / top-down >= 0 good, >= -5% warn, else bad"),
    "attainment": (lambda v, tg, r: _band(v, 0.98, 0.90), ">= 98% good, >= 90% warn, else bad (realization's RAG)"),
    "variance": (lambda v, tg, r: _band(r, 0.98, 0.90) if r is not None else "neutral",
                 "as attainment, on actual / plan"),
    "rag": (lambda v, tg, r: {"green": "good", "amber": "warn", "red": "bad"}.get(str(v), "neutral"),
            "green good, amber warn, red bad"),
    "actions_done": (lambda v, tg, r: _band(r, 0.8, 0.5) if r is not None else "neutral",
                     "share done >= 80% good, >= 50% warn, else bad"),
    "none": (lambda v, tg, r: "neutral", "always neutral (counts, money, plan totals)"),
    "caller": (None, "decided by the audit notebook from its checklist bands and targets"),
}


@dataclass(frozen=True)
class Figure:
    """One key figure of the results contract (see the module docstring).

    Attributes
    ----------
    key : str
        The figure's key in a results file's ``headline``.
    label : str
        i18n key of its label.
    format : str
        How its value is shown (``money``, ``pct``, ``int``, ...).
    unit : str
    good : str
        Which direction is good: one of :data:`GOOD_DIRECTIONS`.
    rule : str
        Its status rule.
    dimension : str, optional
        The 3C dimension it stands for.

    See Also
    --------
    figure : a notebook's declared figure by key.

    Examples
    --------
    >>> f = figure("02_analysis", "operating_margin")
    >>> f.format, f.good, f.dimension
    ('pct', 'target', 'value')
    """

    key: str
    label: str
    format: str
    unit: str
    good: str = "none"
    rule: str = "none"
    dimension: str | None = None
    target: str | None = None

    def __post_init__(self) -> None:
        if self.good not in GOOD_DIRECTIONS:
            raise ValueError(f"{self.key}: good must be one of {GOOD_DIRECTIONS}")
        if self.rule not in RULES:
            raise ValueError(f"{self.key}: unknown status rule {self.rule!r}")
        if self.dimension is not None and self.dimension not in DIMENSIONS:
            raise ValueError(f"{self.key}: unknown 3C dimension {self.dimension!r}")

    def status(self, value: Any, targets: Mapping[str, float] | None = None, ratio: float | None = None) -> str:
        """The figure's status by its rule (``neutral`` for a missing value or a ``caller`` rule)."""
        fn = RULES[self.rule][0]
        if fn is None or _missing(value):
            return "neutral"
        return fn(value, targets or {}, ratio)


def _phase(key: str, fmt: str, unit: str, good: str = "none", rule: str = "none",
           dimension: str | None = None, target: str | None = None) -> Figure:
    return Figure(key, f"phases.kf.{key}", fmt, unit, good, rule, dimension, target)


def _audit(key: str, unit: str, good: str = "none", dimension: str | None = None) -> Figure:
    return Figure(key, f"audit_report.kf.{key}", "text", unit, good, "caller", dimension)


_PHASE_FIGURES = [
    _phase("information_score", "score", "score_100", "up", "information_score"),
    _phase("customers", "int", "customers"),
    _phase("active_customers", "int", "customers"),
    _phase("revenue", "money", "currency"),
    # the operating profit of the period (gross margin when the client has no cost-to-serve
    # data: then the label says so and the status is neutral)
    _phase("operating_profit", "money", "currency", "up", "positive"),
    # the customer value of the 3C scorecard: operating profit / revenue against the client's
    # targets.profit_margin (gross margin / revenue, labelled so and neutral, without cost-to-serve)
    _phase("operating_margin", "pct", "share", "target", "profit_margin", "value", "profit_margin"),
    _phase("profitable_profit", "money", "currency"),
    _phase("unprofitable_loss", "money", "currency"),
    _phase("top20_revenue_share", "pct", "share"),
    _phase("value_destroying_share", "pct", "share", "down", "value_destroying_share"),
    _phase("retention", "pct", "share", "target", "retention", "behavior", "retention"),
    _phase("satisfaction", "num2", "csat_1_5", "target", "satisfaction", "satisfaction", "satisfaction"),
    _phase("nps", "num", "nps", "target", "nps", target="nps"),
    _phase("preferred_supplier", "pct", "share", "target", "preferred_supplier", target="preferred_supplier"),
    _phase("clv_total", "money", "currency"),
    # the focus factors as the analysis reads them next to performance; the scorecard takes
    # the customer-focus audit's own figures (same answers), so these declare no dimension
    _phase("organization", "pct", "share", "target", "focus_factor"),
    _phase("communications", "pct", "share", "target", "focus_factor"),
    _phase("information", "pct", "share", "target", "focus_factor"),
    _phase("opportunities", "int", "count"),
    _phase("plan_revenue_top_down", "money", "currency"),
    _phase("plan_revenue_bottom_up", "money", "currency"),
    _phase("plan_gap", "money", "currency", "up", "plan_gap"),
    _phase("focus_actions", "int", "count"),
    _phase("attainment", "pct", "share", "up", "attainment"),
    _phase("rag", "rag", "rag", "up", "rag"),
    _phase("variance", "money", "currency", "up", "variance"),
    _phase("focus_actions_done", "count_of", "count", "up", "actions_done"),
]

#: the phase notebooks' figures by key (one meaning each across the four phase notebooks)
PHASE_FIGURES: dict[str, Figure] = {f.key: f for f in _PHASE_FIGURES}


@dataclass(frozen=True)
class NotebookContract:
    """What one notebook writes into its results file: figures by key, table names.

    Attributes
    ----------
    figures : dict of Figure
        The figures it may write, by key.
    tables : tuple of str
        The tables it records.
    optional : frozenset of str
        Figures written only when the data allow.

    Examples
    --------
    >>> NOTEBOOKS["02_analysis"].tables[:3]
    ('tiers', 'opportunities', 'priorities')
    >>> "operating_profit" in NOTEBOOKS["02_analysis"].figures
    True
    """

    figures: dict[str, Figure]
    tables: tuple[str, ...] = ()
    optional: frozenset[str] = field(default_factory=frozenset)  # figures written only when data allow


def _phases(*keys: str) -> dict[str, Figure]:
    return {k: PHASE_FIGURES[k] for k in keys}


def _audits(*figures: Figure) -> dict[str, Figure]:
    return {f.key: f for f in figures}


#: notebook -> the figures and tables it records
NOTEBOOKS: dict[str, NotebookContract] = {
    "01_registration": NotebookContract(
        _phases("information_score", "customers", "active_customers", "revenue"),
        ("integration", "information_components")),
    "02_analysis": NotebookContract(
        _phases("revenue", "operating_profit", "operating_margin", "profitable_profit", "unprofitable_loss", "top20_revenue_share",
                "value_destroying_share", "retention", "satisfaction", "nps", "preferred_supplier", "clv_total",
                "organization", "communications", "information", "opportunities"),
        ("tiers", "opportunities", "priorities", "migration", "crm_chain", "crm_links"),
        frozenset({"retention", "satisfaction", "nps", "preferred_supplier", "clv_total", "organization",
                   "communications", "information"})),
    "03_planning": NotebookContract(
        _phases("plan_revenue_top_down", "plan_revenue_bottom_up", "plan_gap", "focus_actions"),
        ("reconciliation", "focus_plan")),
    "04_realization": NotebookContract(
        _phases("attainment", "rag", "variance", "focus_actions_done"), ("tiers", "variance"),
        frozenset({"focus_actions_done"})),
    "customer_focus_audit": NotebookContract(
        _audits(_audit("overall_score", "share", "target"), _audit("band", "band", "up"),
                # the three factors of customer focus: the scorecard's organization, communications, information
                Figure("organization", "phases.kf.organization", "pct", "share", "target", "caller", "organization"),
                Figure("communications", "phases.kf.communications", "pct", "share", "target", "caller",
                       "communications"),
                Figure("information", "phases.kf.information", "pct", "share", "target", "caller", "information"),
                _audit("management_gap", "points", "down")),
        ("areas", "priorities", "disagreement"), frozenset({"management_gap"})),
    "iso9001_certification_audit": NotebookContract(
        _audits(Figure("readiness", "certification.kf.readiness", "text", "readiness", "up", "caller"),
                _audit("utilisation", "share", "up"), _audit("objectives_met", "count", "up"),
                _audit("satisfaction", "score_100", "target"), _audit("open_findings", "count", "down"),
                _audit("closure_rate", "share", "up"), _audit("documents", "count")),
        ("org_overview", "objectives", "documents", "findings_by_round", "clause_coverage", "open_findings",
         "improvements", "milestones", "training", "management_review", "baseline_comparison", "readiness"),
        frozenset({"utilisation", "satisfaction", "open_findings", "closure_rate"})),
    "clinical_quality_self_assessment": NotebookContract(
        _audits(_audit("overall_score", "share", "target"), _audit("grade", "band", "up"),
                _audit("vetoes_failed", "count", "down"), _audit("areas_below_target", "count", "down"),
                _audit("open_rectifications", "count", "down"), _audit("indicators_met", "count", "up")),
        ("areas", "vetoes", "weak_items", "rectifications", "indicators", "area_items", "verdict"),
        frozenset({"open_rectifications"})),
}


def figure(notebook: str | None, key: str) -> Figure | None:
    """The declared figure ``key`` of ``notebook`` (or of the phase notebooks when ``notebook`` is
    None or unknown); None when the contract does not know it.

    Parameters
    ----------
    notebook : str or None
        The notebook's name (``"02_analysis"``).
    key : str
        The figure's key.

    Returns
    -------
    Figure or None

    See Also
    --------
    dimension_of : the dimension of a figure already recorded.

    Examples
    --------
    >>> figure("02_analysis", "operating_margin").dimension, figure("02_analysis", "operating_profit").dimension
    ('value', None)
    >>> figure("02_analysis", "value_destroying_share").dimension is None
    True
    >>> figure("customer_focus_audit", "information").dimension, figure("01_registration", "information_score").dimension
    ('information', None)
    """
    contract = NOTEBOOKS.get(notebook or "")
    if contract is not None:
        return contract.figures.get(key)
    return PHASE_FIGURES.get(key)


def dimension_of(notebook: str | None, headline: Mapping[str, Any]) -> str | None:
    """The 3C dimension a recorded headline figure stands for: the one its results file declares
    (``"dimension"``, written by :func:`threec_helpers.report.figures.record`), else the
    contract's for ``notebook`` and its key (older results files); None when neither declares one.

    Parameters
    ----------
    notebook : str or None
        The notebook that wrote the figure.
    headline : mapping
        One entry of a results file's ``headline``.

    Returns
    -------
    str or None

    See Also
    --------
    figure : the declared figure.

    Examples
    --------
    >>> dimension_of("02_analysis", {"key": "value_destroying_share"}) is None
    True
    >>> dimension_of("02_analysis", {"key": "operating_margin"}), dimension_of("x", {"key": "operating_margin"})
    ('value', None)
    """
    if "dimension" in headline:
        dim = headline.get("dimension")
        return dim if dim in DIMENSIONS else None
    contract = NOTEBOOKS.get(notebook or "")
    spec = contract.figures.get(str(headline.get("key", ""))) if contract is not None else None
    return spec.dimension if spec is not None else None


def target_text(spec: Figure | None, targets: Mapping[str, Any] | None) -> str | None:
    """The client's target of a figure as shown next to it ("≥ 90.00%"), None when the figure
    declares no ``client.yaml`` target or the client sets none.

    Parameters
    ----------
    spec : Figure or None
        The figure's catalogue entry (:func:`figure`).
    targets : dict, optional
        The client's ``client.yaml`` ``targets``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> target_text(figure("02_analysis", "retention"), {"retention": 0.9})
    '≥ 90.00%'
    >>> target_text(figure("02_analysis", "satisfaction"), {"satisfaction": 4.2})
    '≥ 4.20'
    >>> target_text(figure("02_analysis", "retention"), {}) is None
    True
    """
    if spec is None or spec.target is None or not targets or spec.target not in targets:
        return None
    value = float(targets[spec.target])
    text = fmt_pct(value) if spec.format == "pct" else fmt_num(value, 2 if spec.format == "num2" else 1)
    return f"≥ {text}"


def table_names() -> set[str]:
    """Every table name some notebook of the contract writes.

    Returns
    -------
    set of str

    Examples
    --------
    >>> {"objectives", "tiers"} <= table_names()
    True
    """
    return {name for c in NOTEBOOKS.values() for name in c.tables}
