"""Glue of the four 3C phase notebooks: headline figures, short tables and sentences.

The phase notebooks (``notebooks/phases/01_registration`` .. ``04_realization``) are thin
narratives; whatever small computation they need beyond the measures of the package
lives here, tested (``tests/test_phase_report.py``).

What is computed lives with its measure (``measures/``) or audit (``audit/``), drawing in
``plots/``, key figures in :mod:`.figures` and display tables in :mod:`.tables`; here
remain the phase notebooks' small display tables, parameter checks and headlines.
Names that moved keep working from here for one release (:data:`MOVED`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..audit.focus import FACTOR_KEYS
from ..compat import forward
from ..i18n import fmt_int, fmt_money, fmt_pct, has_key, t
from ..inputs.config import Period
from ..measures.behavior import retention
from ..measures.pyramid import ACTIVE_TIERS, tier_label, top_share
from .figures import key_figure

#: names that left this module, and their new home under ``threec_helpers`` (one release)
MOVED: dict[str, str] = {
    **dict.fromkeys(("integration_summary", "period_overview"), "measures.registration"),
    **dict.fromkeys(("focus_registration", "focus_scores", "focus_kpis", "focus_vs_performance", "FOCUS_TARGET"),
                    "audit.focus"),
    "satisfaction_by_wave": "measures.satisfaction", "plot_completeness": "plots.registration",
    "retention": "measures.behavior", "behavior_by_tier": "measures.behavior", "top_share": "measures.pyramid",
    **dict.fromkeys(("CLVEstimate", "clv_estimate", "clv_or_none"), "measures.clv_estimate"),
    **dict.fromkeys(("DEFAULT_PROMOTE", "default_assumptions", "customer_plan", "satisfaction_plan", "plan_start",
                     "plan_folders", "base_plan", "save_phase_plan", "focus_plan_for"), "measures.planning"),
    **dict.fromkeys(("monthly_revenue", "revenue_control", "monthly_by_tier", "customer_codes_safe", "top_variances",
                     "focus_plan_progress"), "measures.realization"),
    "customer_tables": "measures.customer_table", "plot_with_reference": "plots.spc",
    **dict.fromkeys(("FORMATS", "status_of", "key_figure", "record", "check_lines", "conclusion"), "report.figures"),
    **dict.fromkeys(("LABELS", "TABLE_FORMATS", "show"), "report.tables"),
}


def __getattr__(name: str) -> Any:
    return forward(__name__, name, MOVED)


def opportunities_table(opps: pd.DataFrame, n: int = 10, lang: str = "zh") -> pd.DataFrame:
    """The first ``n`` problems and opportunities without the customer id lists (for reports and JSON).

    Parameters
    ----------
    opps : pandas.DataFrame
        :func:`~threec_helpers.measures.opportunities.problems_and_opportunities`.
    n : int
        Rows kept.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``kind`` (in words), ``rule``, ``title``, ``customers``, ``revenue_share``, ``money_at_stake``.

    Examples
    --------
    >>> opps = pd.DataFrame({"kind": ["problem"], "rule": ["r"], "title": ["Big customers leaving"],
    ...                      "customers": [12], "revenue_share": [0.1], "money_at_stake": [1e5],
    ...                      "customer_ids": [["C1"]]})
    >>> opportunities_table(opps, 10, "en")[["kind", "customers"]].values.tolist()
    [['Problem', 12]]
    """
    out = opps.head(n)[["kind", "rule", "title", "customers", "revenue_share", "money_at_stake"]].copy()
    out["kind"] = [t(f"customers.opp.kind.{k}", lang) for k in out["kind"]]
    return out.reset_index(drop=True)


# ======================================================================== planning


def assumptions_table(assumptions, lang: str = "zh") -> pd.DataFrame:
    """The bottom-up assumptions as a table: tier, growth, retention (then promotions and conversion).

    Parameters
    ----------
    assumptions : PlanAssumptions
        :class:`~threec_helpers.measures.planning.PlanAssumptions`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``assumption``, ``growth``, ``retention``.

    Examples
    --------
    >>> from threec_helpers.measures.planning import PlanAssumptions
    >>> table = assumptions_table(PlanAssumptions(growth={"top": 0.1}, retention={"top": 0.95}), "en")
    >>> table.iloc[[0, -1]].values.tolist()
    [['Top', 0.1, 0.95], ['Prospect conversion 5%', nan, nan]]
    """
    rows = [{"assumption": tier_label(tr, lang), "growth": assumptions.growth.get(tr, 0.0),
             "retention": assumptions.retention.get(tr, 1.0)} for tr in ACTIVE_TIERS]
    for (src, dst), n in assumptions.promotions.items():
        rows.append({"assumption": t("phases.plan.promotion", lang, n=int(n), src=tier_label(src, lang),
                                     dst=tier_label(dst, lang)), "growth": np.nan, "retention": np.nan})
    rows.append({"assumption": t("phases.plan.conversion", lang, pct=fmt_pct(assumptions.prospect_conversion, 0)),
                 "growth": np.nan, "retention": np.nan})
    return pd.DataFrame(rows)


# ======================================================================== realization


# ======================================================================== sentences


# ======================================================================== notebook helpers


def check_promote(value: Any) -> int:
    """Check the ``promote_medium_to_big`` parameter (an int >= 0).

    Parameters
    ----------
    value : object
        The notebook parameter.

    Returns
    -------
    int

    Raises
    ------
    ParameterError
        Anything but a whole number of at least 0.

    Examples
    --------
    >>> check_promote(3)
    3
    >>> check_promote(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.ParameterError: parameter promote_medium_to_big = -1 has the wrong type: expected int >= 0...
    """
    from ..errors import ParameterError

    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError(key="notebook.param_type", name="promote_medium_to_big", value=repr(value),
                             expected="int >= 0")
    return int(value)


def require_previous(ctx) -> Period:
    """Realization needs a comparison period (the plan's base); a clear error when there is none.

    Parameters
    ----------
    ctx : NotebookContext

    Returns
    -------
    Period
        ``ctx.previous``.

    Raises
    ------
    ParameterError
        When the notebook has no comparison period.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> require_previous(SimpleNamespace(previous=None, config=SimpleNamespace(client_id="acme")))
    Traceback (most recent call last):
    ...
    threec_helpers.errors.ParameterError: client acme has no comparison period: realization needs the period the plan was made on. Set the parameter comparison_period or previous_period in client.yaml.
    """
    from ..errors import ParameterError

    if ctx.previous is None:
        raise ParameterError(key="phases.real.need_previous", client=ctx.config.client_id)
    return ctx.previous


def sources_table(client) -> pd.DataFrame:
    """The loaded inputs: ``table, file, rows, columns`` (file name only, no folder).

    Parameters
    ----------
    client : ClientData

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_manufacturer")
    >>> period = client.config.period(client.config.current_period)
    >>> sources_table(client).iloc[[3]].values.tolist()
    [['surveys', 'surveys.xlsx [满意度调查]', 660, 7]]
    """
    rows = []
    for name, frame in client.tables.items():
        src = client.sources.get(name, {})
        f = Path(str(src.get("file", ""))).name
        if src.get("sheet"):
            f += f" [{src['sheet']}]"
        rows.append({"table": name, "file": f,
                     "rows": len(frame), "columns": frame.shape[1]})
    return pd.DataFrame(rows, columns=["table", "file", "rows", "columns"])


def quality_profile(client, period: Period):
    """:func:`threec_helpers.registration.data_quality_profile` of a client with the right checklist size.

    Parameters
    ----------
    client : ClientData
    period : Period
        The reported period.

    Returns
    -------
    DataQualityProfile

    See Also
    --------
    components_table, checks_table : the profile for display.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_manufacturer")
    >>> period = client.config.period(client.config.current_period)
    >>> round(float(quality_profile(client, period).score), 1)
    93.0
    """
    from ..audit.checklists import load_checklist
    from ..measures.registration import data_quality_profile

    items = None
    if client.has("focus_responses"):
        items = len(load_checklist(client.config.checklist or "customer_focus").items)
    return data_quality_profile(client.tables, period, client.config.pyramid.inactive_months, items)


def components_table(profile, lang: str = "zh") -> pd.DataFrame:
    """Customer-data quality score components: ``component, weight`` (rescaled to the measured ones), ``score``.

    Parameters
    ----------
    profile : DataQualityProfile
        :func:`quality_profile`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    checks_table : the data-quality checks of the same profile.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_manufacturer")
    >>> period = client.config.period(client.config.current_period)
    >>> components_table(quality_profile(client, period), "en")[["component", "weight"]].values.tolist()
    [['Completeness', 0.4], ['Freshness', 0.2], ['Consistency', 0.2], ['Coverage', 0.2]]
    """
    from ..measures.registration import WEIGHTS

    total = sum(WEIGHTS[k] for k in profile.components) or 1.0
    rows = [{"component": t(f"phases.component.{k}", lang), "weight": WEIGHTS[k] / total, "score": v}
            for k, v in profile.components.items()]
    return pd.DataFrame(rows, columns=["component", "weight", "score"])


def checks_table(profile, integration: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Data-quality checks in words: ``check, value, detail`` (formatted text).

    Parameters
    ----------
    profile : DataQualityProfile
        :func:`quality_profile`.
    integration : pandas.DataFrame
        :func:`~threec_helpers.measures.registration.integration_summary`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    components_table : the score's components.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_manufacturer")
    >>> period = client.config.period(client.config.current_period)
    >>> from threec_helpers.measures.registration import integration_summary
    >>> checks = checks_table(quality_profile(client, period), integration_summary(client.tables, period), "en")
    >>> checks.iloc[0][["check", "detail"]].tolist()
    ['Latest transaction', '0 days before the period end']
    """
    rows = []
    for r in profile.checks.itertuples(index=False):
        if r.check == "latest_transaction":
            value, detail = str(r.value), t("phases.check.days_before_end", lang, n=fmt_int(r.detail))
        elif r.check in ("survey_coverage", "focus_item_coverage"):
            key = "phases.check.of_active" if r.check == "survey_coverage" else "phases.check.respondents"
            value, detail = fmt_pct(r.value, 1), t(key, lang, n=fmt_int(r.detail))
        else:
            value, detail = fmt_int(r.value), t("phases.check.of_rows", lang, n=fmt_int(r.detail))
        rows.append({"check": t(f"phases.check.{r.check}", lang), "value": value, "detail": detail})
    orphans = int(integration["orphans"].fillna(0).sum()) if len(integration) else 0
    rows.append({"check": t("phases.check.orphans", lang), "value": fmt_int(orphans),
                 "detail": t("phases.check.orphans_detail", lang)})
    return pd.DataFrame(rows, columns=["check", "value", "detail"])


def registration_figures(profile, table: pd.DataFrame, lang: str = "zh", currency: str = "CNY") -> list[dict]:
    """Headline of phase 1: information_score, customers, active_customers, revenue.

    Parameters
    ----------
    profile : DataQualityProfile
        :func:`quality_profile`.
    table : pandas.DataFrame
        The customer table of the period.
    lang : {"zh", "en"}
    currency : str

    Returns
    -------
    list of dict
        :func:`~threec_helpers.report.figures.key_figure` records.

    See Also
    --------
    analysis_figures, planning_figures, realization_figures : the other phases' headlines.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_manufacturer")
    >>> period = client.config.period(client.config.current_period)
    >>> from threec_helpers.measures.customer_table import customer_table
    >>> table = customer_table(client.tables, client.config, period.id, client.config.previous_period)
    >>> [(f["key"], f["text"]) for f in registration_figures(quality_profile(client, period), table, "en")]
    [('information_score', '93.0'), ('customers', '2,700'), ('active_customers', '1,505'), ('revenue', '¥87,332,252')]
    """
    active = int((table["tier"].astype("str").isin(ACTIVE_TIERS) & (table["revenue"] > 0)).sum())
    return [key_figure("information_score", round(float(profile.score), 2), lang),
            key_figure("customers", int(len(table)), lang),
            key_figure("active_customers", active, lang),
            key_figure("revenue", float(table["revenue"].sum()), lang, currency=currency)]


def decomposition_table(dec: pd.Series, lang: str = "zh", gross: bool = False) -> pd.DataFrame:
    """The profit decomposition as rows: profit of profitable customers, losses, operating profit
    (named gross margin when ``gross``: the client has no cost-to-serve data).

    Parameters
    ----------
    dec : pandas.Series
        :func:`~threec_helpers.measures.value.profit_decomposition`.
    lang : {"zh", "en"}
    gross : bool
        The client has no cost-to-serve data: the last row is the gross margin.

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``amount``, ``customers``.

    Examples
    --------
    >>> dec = pd.Series({"profit_from_profitable": 120.0, "loss_from_unprofitable": 20.0, "operating_profit": 100.0,
    ...                  "n_profitable": 3, "n_unprofitable": 1, "n_zero": 2})
    >>> decomposition_table(dec, "en").values.tolist()
    [['Profit from profitable customers', 120.0, 3], ['Less: losses from unprofitable customers', -20.0, 1], ['Operating profit', 100.0, 6]]
    """
    rows = [("profit_from_profitable", dec["profit_from_profitable"], dec["n_profitable"]),
            ("loss_from_unprofitable", -dec["loss_from_unprofitable"], dec["n_unprofitable"]),
            ("operating_profit", dec["operating_profit"], dec["n_profitable"] + dec["n_unprofitable"] + dec["n_zero"])]
    names = [t("phases.kf.operating_profit_gross" if gross and k == "operating_profit" else f"phases.dec.{k}", lang)
             for k, _, _ in rows]
    return pd.DataFrame({"measure": names,
                         "amount": [float(v) for _, v, _ in rows], "customers": [int(n) for _, _, n in rows]})


def focus_results(client) -> dict[str, Any]:
    """All rounds of the customer-focus audit (:func:`threec_helpers.audits.score_rounds`), {} without answers.

    Parameters
    ----------
    client : ClientData

    Returns
    -------
    dict
        Round id -> :class:`~threec_helpers.audit.scoring.AuditResult`.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> list(focus_results(load_client("demo_manufacturer")))
    ['2025', '2026']
    >>> focus_results(load_client("demo_telecom"))
    {}
    """
    from ..audit.scoring import score_rounds
    from ..audit.checklists import load_checklist

    if not client.has("focus_responses"):
        return {}
    return score_rounds(load_checklist(client.config.checklist or "customer_focus"), client.tables["focus_responses"])


def analysis_figures(table: pd.DataFrame, summary: pd.DataFrame, dec: pd.Series, whale: pd.Series,
                     sat: pd.DataFrame | None, focus: Mapping[str, float] | None, opportunities: int,
                     clv_total: float | None, targets: Mapping[str, float], lang: str = "zh",
                     currency: str = "CNY") -> list[dict]:
    """Headline of phase 2 (declared in :mod:`.catalog`; statuses in :mod:`.figures`).

    ``operating_margin`` (operating profit / revenue, against ``targets.profit_margin``) is
    the scorecard's customer value. Without cost-to-serve data (:func:`has_cost_to_serve`)
    profit and margin are gross margin: their labels say so and their status is neutral.

    Parameters
    ----------
    table : pandas.DataFrame
        The customer table of the period.
    summary : pandas.DataFrame
        :func:`~threec_helpers.measures.pyramid.tier_summary`.
    dec : pandas.Series
        :func:`~threec_helpers.measures.value.profit_decomposition`.
    whale : pandas.Series
        :func:`~threec_helpers.measures.value.whale_summary`.
    sat : pandas.DataFrame or None
        :func:`~threec_helpers.measures.satisfaction.satisfaction_summary` (None: no surveys).
    focus : mapping or None
        :func:`~threec_helpers.audit.focus.focus_scores` (None: no customer-focus audit).
    opportunities : int
        Problems and opportunities found.
    clv_total : float or None
        Total customer lifetime value (None: not estimated).
    targets : mapping
        ``client.yaml`` targets.
    lang : {"zh", "en"}
    currency : str

    Returns
    -------
    list of dict

    See Also
    --------
    registration_figures, planning_figures, realization_figures : the other phases' headlines.

    Examples
    --------
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_manufacturer")
    >>> period = client.config.period(client.config.current_period)
    >>> from threec_helpers.measures.customer_table import customer_table
    >>> table = customer_table(client.tables, client.config, period.id, client.config.previous_period)
    >>> from threec_helpers.measures import pyramid, value
    >>> figures = analysis_figures(table, pyramid.tier_summary(table, lang="en"), value.profit_decomposition(table),
    ...                            value.whale_summary(value.whale_curve(table)), None, None, 5, None,
    ...                            client.config.targets, "en")
    >>> [(f["key"], f["text"]) for f in figures][:2]
    [('revenue', '¥87,332,252'), ('operating_profit', '¥23,449,909')]
    """
    kf = lambda k, v, **kw: key_figure(k, v, lang, targets=targets, currency=currency, **kw)  # noqa: E731
    revenue = float(table["revenue"].sum())
    profit = kf("operating_profit", float(dec["operating_profit"]))
    margin = kf("operating_margin", float(dec["operating_profit"]) / revenue if revenue else float("nan"))
    if not has_cost_to_serve(table):  # the profit is gross margin: say so, and judge nothing
        profit.update(label=t("phases.kf.operating_profit_gross", lang), status="neutral")
        margin.update(label=t("phases.kf.operating_margin_gross", lang), status="neutral")
    out = [kf("revenue", revenue), profit, margin,
           kf("profitable_profit", float(dec["profit_from_profitable"])),
           kf("unprofitable_loss", float(dec["loss_from_unprofitable"])),
           kf("top20_revenue_share", top_share(summary)),
           kf("value_destroying_share", float(whale["value_destroyer_share"]))]
    if table["previous_tier"].notna().any():
        out.append(kf("retention", retention(table)[2]))
    if sat is not None and len(sat):
        row = sat.iloc[0]
        out.append(kf("satisfaction", float(row["csat"])))
        if "nps" in sat.columns:
            out.append(kf("nps", float(row["nps"])))
        if "preferred" in sat.columns:
            out.append(kf("preferred_supplier", float(row["preferred"])))
    if clv_total is not None:
        out.append(kf("clv_total", float(clv_total)))
    if focus:
        out += [kf(k, float(focus[k])) for k in FACTOR_KEYS.values()]
    out.append(kf("opportunities", int(opportunities)))
    return out


def value_note(dec: pd.Series, whale: pd.Series, table: pd.DataFrame, lang: str = "zh",
               currency: str = "CNY") -> str:
    """The note of the value section: operating profit = profit of the profitable - losses,
    value destroyers, the whale curve's peak. Without cost-to-serve data it says the profit
    is gross margin and which data would complete it (:func:`gross_margin_note`).

    Parameters
    ----------
    dec : pandas.Series
        The profit decomposition: ``operating_profit``, ``profit_from_profitable``,
        ``loss_from_unprofitable``.
    whale : pandas.Series
        The whale curve's summary: ``value_destroyer_share``, ``peak_pct``.
    table : pandas.DataFrame
        The customer table (whether it has cost-to-serve).
    lang : {"zh", "en"}
    currency : str

    Returns
    -------
    str

    Examples
    --------
    >>> dec = pd.Series({"operating_profit": 70.0, "profit_from_profitable": 100.0, "loss_from_unprofitable": 30.0})
    >>> whale = pd.Series({"value_destroyer_share": 0.1, "peak_pct": 1.2})
    >>> value_note(dec, whale, pd.DataFrame({"cost_to_serve": [0.0]}), "en")[:40]
    'Gross margin ¥70 = margin of the custome'
    """
    gross = not has_cost_to_serve(table)
    text = t("phases.n.value_gross" if gross else "phases.n.value", lang,
             operating=fmt_money(dec["operating_profit"], currency),
             profitable=fmt_money(dec["profit_from_profitable"], currency),
             loss=fmt_money(dec["loss_from_unprofitable"], currency),
             destroyers=fmt_pct(whale["value_destroyer_share"], 1), peak=fmt_pct(whale["peak_pct"], 1))
    return f"{text} {gross_margin_note(lang)}" if gross else text


def gross_margin_note(lang: str = "zh") -> str:
    """The sentence every output shows when profit is gross margin: what is missing and what
    data would complete it, in words.

    Parameters
    ----------
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> gross_margin_note("en")[:46]
    'Profit here is gross margin (revenue − cost of'
    """
    return t("phases.n.gross_margin", lang)


def has_cost_to_serve(table: pd.DataFrame) -> bool:
    """Whether a customer table's profit includes any cost-to-serve (else profit is gross margin).

    Parameters
    ----------
    table : pandas.DataFrame
        A customer table.

    Returns
    -------
    bool

    Examples
    --------
    >>> has_cost_to_serve(pd.DataFrame({"cost_to_serve": [0.0, 0.0]}))
    False
    >>> has_cost_to_serve(pd.DataFrame({"cost_to_serve": [0.0, 12.5]}))
    True
    """
    return "cost_to_serve" in table.columns and bool((table["cost_to_serve"].fillna(0) != 0).any())


def planning_figures(rec: pd.DataFrame, focus_actions: int, lang: str = "zh", currency: str = "CNY") -> list[dict]:
    """Headline of phase 3: plan_revenue_top_down, plan_revenue_bottom_up, plan_gap, focus_actions.

    Parameters
    ----------
    rec : pandas.DataFrame
        :func:`~threec_helpers.measures.planning.reconcile` (its ``total`` row is read).
    focus_actions : int
        Actions of the customer-focus plan.
    lang : {"zh", "en"}
    currency : str

    Returns
    -------
    list of dict

    See Also
    --------
    registration_figures, analysis_figures, realization_figures : the other phases' headlines.

    Examples
    --------
    >>> rec = pd.DataFrame({"top_down_revenue": [1.1e6], "bottom_up_revenue": [1.0e6], "gap": [-1e5],
    ...                     "gap_pct": [-0.0909]}, index=["total"])
    >>> [(f["key"], f["text"]) for f in planning_figures(rec, 4, "en")]
    [('plan_revenue_top_down', '¥1,100,000'), ('plan_revenue_bottom_up', '¥1,000,000'), ('plan_gap', '-¥100,000'), ('focus_actions', '4')]
    """
    total = rec.loc["total"]
    return [key_figure("plan_revenue_top_down", float(total["top_down_revenue"]), lang, currency=currency),
            key_figure("plan_revenue_bottom_up", float(total["bottom_up_revenue"]), lang, currency=currency),
            key_figure("plan_gap", float(total["gap"]), lang, currency=currency, ratio=float(total["gap_pct"])),
            key_figure("focus_actions", int(focus_actions), lang)]


def realization_figures(tiers: pd.DataFrame, progress: pd.DataFrame | None, lang: str = "zh",
                        currency: str = "CNY") -> list[dict]:
    """Headline of phase 4: attainment, rag, variance, focus_actions_done.

    Parameters
    ----------
    tiers : pandas.DataFrame
        :func:`~threec_helpers.measures.realization.tier_attainment` (its ``total`` row is read).
    progress : pandas.DataFrame or None
        :func:`~threec_helpers.measures.realization.focus_plan_progress` (``done`` per action).
    lang : {"zh", "en"}
    currency : str

    Returns
    -------
    list of dict

    See Also
    --------
    registration_figures, analysis_figures, planning_figures : the other phases' headlines.

    Examples
    --------
    >>> tiers = pd.DataFrame({"tier": ["total"], "attainment": [0.95], "rag": ["amber"], "revenue": [9.5e5],
    ...                       "plan_revenue": [1e6]})
    >>> [(f["key"], f["text"]) for f in realization_figures(tiers, None, "en")]
    [('attainment', '95.00%'), ('rag', 'amber'), ('variance', '-¥50,000')]
    """
    total = tiers.set_index("tier").loc["total"]
    att = float(total["attainment"])
    out = [key_figure("attainment", att, lang),
           key_figure("rag", str(total["rag"]), lang),
           key_figure("variance", float(total["revenue"] - total["plan_revenue"]), lang, currency=currency, ratio=att)]
    if progress is not None:
        done, n = int(progress["done"].sum()), len(progress)
        out.append(key_figure("focus_actions_done", done, lang, ratio=done / n if n else None, of=n))
    return out


def components_frame(components: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Variance components with translated names (for display and the briefing).

    Parameters
    ----------
    components : pandas.DataFrame
        :func:`~threec_helpers.measures.realization.variance_components`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> components_frame(pd.DataFrame({"component": ["new", "lost"], "variance": [5.0, -2.0]}), "en")["component"].tolist()
    ['new customers (volume)', 'lost customers (volume)']
    """
    out = components.copy()
    out["component"] = [t(f"planning.variance.{c}", lang) for c in out["component"]]
    return out


def correlations_table(chain, lang: str = "zh") -> pd.DataFrame:
    """``CRMChain.correlations`` with the measures named in words: ``measure, n, rho, ci_low, ci_high``.

    Parameters
    ----------
    chain : CRMChain
        :func:`~threec_helpers.measures.satisfaction.crm_chain`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> corr = pd.DataFrame({"n": [548], "rho": [0.08], "ci_low": [0.0], "ci_high": [0.17]},
    ...                     index=pd.Index(["retained"], name="measure"))
    >>> correlations_table(SimpleNamespace(correlations=corr), "en").values.tolist()
    [['Retained (bought again)', 548, 0.08, 0.0, 0.17]]
    """
    c = chain.correlations.reset_index()
    c["measure"] = [t(f"phases.measure.{m}", lang) if has_key(f"phases.measure.{m}") else m for m in c["measure"]]
    return c[["measure", "n", "rho", "ci_low", "ci_high"]]
