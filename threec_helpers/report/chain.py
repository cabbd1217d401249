"""The CRM chain as the seed tells it, link by link, with what was measured for each link.

The seed's CRM model: stronger customer focus -> more satisfied customers -> better customer
behavior -> higher customer value -> more operating profit. The 3C scorecard already gives
each *step* (the focus factors, satisfaction, retention, operating margin); what the chain
adds is the *links* between the steps, as far as the data measure them
(:func:`chain_links`):

- focus -> satisfaction: the customer-focus audit's overall score of each round next to the
  satisfaction of the period the round belongs to
  (:func:`threec_helpers.audit.focus.focus_vs_performance`). With a handful of rounds this is
  a co-movement, never a correlation, and the table says so;
- satisfaction -> behavior: the Spearman correlation of each customer's satisfaction with
  their share of customer, retention (bought again) and revenue change, with its 95% interval
  (:func:`threec_helpers.measures.satisfaction.crm_chain`);
- satisfaction -> value: the same with each customer's net profit;
- behavior -> value: the profit change of the customers who moved up, moved down or were lost
  between the pyramid tiers (:func:`threec_helpers.measures.pyramid.migration_effect`);
- value -> operating profit: the seed's decomposition, profit from profitable customers minus
  losses from unprofitable ones, and the share of the former the latter cancel
  (:func:`threec_helpers.measures.value.profit_decomposition`).

A correlation is read by its interval: positive or negative only when the interval excludes
0, with its strength in Cohen's (1988) conventions (|rho| >= 0.5 strong, >= 0.3 moderate,
>= 0.1 weak, else negligible); otherwise "not distinguishable from 0".
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..i18n import fmt_money, fmt_num, fmt_pct, has_key, t

#: the Spearman measures of :func:`~threec_helpers.measures.satisfaction.crm_chain`, by link
_BEHAVIOR_MEASURES = ("share_of_customer", "retained", "revenue_change_pct")
_VALUE_MEASURES = ("net_profit",)

#: columns of :func:`chain_links`
CHAIN_LINK_COLUMNS = ("link", "measure", "result", "reading")


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def rho_reading(rho: Any, low: Any, high: Any, lang: str = "zh") -> str:
    """What a Spearman correlation with its interval says, in words.

    Parameters
    ----------
    rho, low, high : float
        The correlation and its confidence interval (NaN interval: too few pairs).
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> rho_reading(0.65, 0.60, 0.70, "en")
    'Positive (strong); the interval excludes 0'
    >>> rho_reading(0.08, -0.004, 0.17, "en")
    'Not distinguishable from 0: no link in this period’s data'
    >>> rho_reading(-0.35, -0.5, -0.2, "en"), rho_reading(0.9, float("nan"), float("nan"), "en")
    ('Negative (moderate); the interval excludes 0', 'Too few customers to judge')
    """
    r, lo, hi = _number(rho), _number(low), _number(high)
    if r is None or lo is None or hi is None:
        return t("phases.read.rho_small", lang)
    if lo <= 0 <= hi:
        return t("phases.read.rho_zero", lang)
    size = abs(r)
    strength = "strong" if size >= 0.5 else "moderate" if size >= 0.3 else "weak" if size >= 0.1 else "negligible"
    return t("phases.read.rho_pos" if r > 0 else "phases.read.rho_neg", lang,
             strength=t(f"phases.strength.{strength}", lang))


def _focus_row(focus_perf: pd.DataFrame | None, lang: str) -> dict[str, str] | None:
    if focus_perf is None or focus_perf.empty or "focus" not in focus_perf.columns:
        return None
    rows = focus_perf[focus_perf["focus"].notna()]
    paired = rows[rows["satisfaction"].notna()] if "satisfaction" in rows.columns else rows.iloc[0:0]
    link, measure = t("phases.link.focus_satisfaction", lang), t("phases.linkm.focus_rounds", lang)
    if len(paired) < 2:
        result = " → ".join(t("phases.linkr.round", lang, round=str(r["round"]), focus=fmt_pct(r["focus"], 2),
                              csat=fmt_num(r["satisfaction"], 2)) for _, r in paired.iterrows()) or "–"
        return {"link": link, "measure": measure, "result": result, "reading": t("phases.read.focus_one", lang)}
    first, last = paired.iloc[0], paired.iloc[-1]
    result = " → ".join(t("phases.linkr.round", lang, round=str(r["round"]), focus=fmt_pct(r["focus"], 2),
                          csat=fmt_num(r["satisfaction"], 2)) for r in (first, last))
    d_focus = float(last["focus"]) - float(first["focus"])
    d_sat = float(last["satisfaction"]) - float(first["satisfaction"])
    together = d_focus * d_sat
    key = "phases.read.focus_same" if together > 0 else "phases.read.focus_opposite" if together < 0 \
        else "phases.read.focus_flat"
    return {"link": link, "measure": measure, "result": result, "reading": t(key, lang, n=len(paired))}


def _rho_rows(correlations: pd.DataFrame | None, measures: tuple[str, ...], link_key: str,
              lang: str) -> list[dict[str, str]]:
    rows = []
    if correlations is None or correlations.empty:
        return rows
    for m in measures:
        if m not in correlations.index:
            continue
        c = correlations.loc[m]
        name = t(f"phases.measure.{m}", lang) if has_key(f"phases.measure.{m}") else m
        n = _number(c.get("n"))
        rows.append({"link": t(link_key, lang),
                     "measure": t("phases.linkm.spearman", lang, measure=name, n=f"{int(n):,}" if n else "0"),
                     "result": t("phases.linkr.rho", lang, rho=fmt_num(c.get("rho"), 2), low=fmt_num(c.get("ci_low"), 2),
                                 high=fmt_num(c.get("ci_high"), 2)),
                     "reading": rho_reading(c.get("rho"), c.get("ci_low"), c.get("ci_high"), lang)})
    return rows


def _signed(value: float, currency: str) -> str:
    return ("+" if value > 0 else "") + fmt_money(value, currency)


def _migration_row(effect: pd.DataFrame | None, lang: str, currency: str) -> dict[str, str] | None:
    if effect is None or effect.empty or "profit_change" not in effect.columns:
        return None
    moves = [m for m in ("up", "down", "lost") if m in effect.index]
    if not moves:
        return None
    result = "；".join if lang == "zh" else "; ".join
    parts = [t(f"phases.linkr.move_{m}", lang, n=f"{int(effect.loc[m, 'customers']):,}",
               profit=_signed(float(effect.loc[m, "profit_change"]), currency)) for m in moves]
    return {"link": t("phases.link.behavior_value", lang), "measure": t("phases.linkm.migration", lang),
            "result": result(parts), "reading": t("phases.read.migration", lang)}


def _decomposition_row(dec: pd.Series | None, lang: str, currency: str, gross: bool) -> dict[str, str] | None:
    if dec is None or _number(dec.get("operating_profit")) is None:
        return None
    suffix = "_gross" if gross else ""
    profitable = float(dec["profit_from_profitable"])
    loss = float(dec["loss_from_unprofitable"])
    share = loss / profitable if profitable > 0 else None
    return {"link": t(f"phases.link.value_profit{suffix}", lang),
            "measure": t(f"phases.linkm.decomposition{suffix}", lang),
            "result": t("phases.linkr.decomposition", lang, profitable=fmt_money(profitable, currency),
                        loss=fmt_money(loss, currency), operating=fmt_money(dec["operating_profit"], currency)),
            "reading": t("phases.read.decomposition", lang, share=fmt_pct(share, 1)) if share is not None
            else t("phases.read.no_profitable", lang)}


def chain_links(chain: Any = None, focus_perf: pd.DataFrame | None = None, effect: pd.DataFrame | None = None,
                decomposition: pd.Series | None = None, lang: str = "zh", currency: str = "CNY", *,
                gross: bool = False) -> pd.DataFrame:
    """The CRM chain's links in the seed's order, one row per measured link (module docstring).

    Each argument may be None (no surveys, no audit rounds, no comparison period): its link is
    then left out, never shown as 0.

    Parameters
    ----------
    chain : CRMChain, optional
        :func:`~threec_helpers.measures.satisfaction.crm_chain` (its ``correlations``).
    focus_perf : pandas.DataFrame, optional
        :func:`~threec_helpers.audit.focus.focus_vs_performance`: ``round, focus, satisfaction``.
    effect : pandas.DataFrame, optional
        :func:`~threec_helpers.measures.pyramid.migration_effect`, indexed by move.
    decomposition : pandas.Series, optional
        :func:`~threec_helpers.measures.value.profit_decomposition`.
    lang : {"zh", "en"}
    currency : str
    gross : bool
        Profit is gross margin (no cost-to-serve data): the last link says so.

    Returns
    -------
    pandas.DataFrame
        ``link, measure, result, reading`` (text).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> corr = pd.DataFrame({"n": [573, 548], "rho": [0.65, 0.08], "ci_low": [0.60, -0.004], "ci_high": [0.70, 0.17]},
    ...                     index=pd.Index(["share_of_customer", "retained"], name="measure"))
    >>> fp = pd.DataFrame({"round": ["2025", "2026"], "focus": [0.42, 0.5035], "satisfaction": [3.69, 3.77]})
    >>> dec = pd.Series({"profit_from_profitable": 100.0, "loss_from_unprofitable": 20.0, "operating_profit": 80.0})
    >>> links = chain_links(SimpleNamespace(correlations=corr), fp, None, dec, "en")
    >>> links["link"].tolist()
    ['Focus → satisfaction', 'Satisfaction → behavior', 'Satisfaction → behavior', 'Value → operating profit']
    >>> links.iloc[0]["result"]
    'round 2025: 42.00% (CSAT 3.69) → round 2026: 50.35% (CSAT 3.77)'
    >>> links.iloc[1]["result"], links.iloc[1]["reading"]
    ('0.65 (95% interval 0.60 to 0.70)', 'Positive (strong); the interval excludes 0')
    >>> links.iloc[3]["reading"]
    'Unprofitable customers cancel 20.0% of the profit from profitable customers'
    """
    correlations = getattr(chain, "correlations", None) if chain is not None else None
    rows: list[dict[str, str]] = []
    focus = _focus_row(focus_perf, lang)
    if focus is not None:
        rows.append(focus)
    rows += _rho_rows(correlations, _BEHAVIOR_MEASURES, "phases.link.satisfaction_behavior", lang)
    rows += _rho_rows(correlations, _VALUE_MEASURES, "phases.link.satisfaction_value", lang)
    for row in (_migration_row(effect, lang, currency), _decomposition_row(decomposition, lang, currency, gross)):
        if row is not None:
            rows.append(row)
    return pd.DataFrame(rows, columns=list(CHAIN_LINK_COLUMNS))
