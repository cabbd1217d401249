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
- satisfaction -> value: the same with each customer's net profit. Each correlation has its
  own n (the customers that measure exists for: retention and revenue change need a customer
  of the previous period, profit a customer of this one), stated in its result; the share of
  customer may be the survey's own answer, which the row says;
- behavior -> value: the profit change between the periods split by the customers' moves
  between the pyramid tiers (up, unchanged, down, new, lost;
  :func:`threec_helpers.measures.pyramid.migration_effect`): the classes partition the
  customers, so the parts add up to the total change, which the row shows. A decomposition
  and an association, not a proof that the moves caused the change;
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
#: the migration classes of :func:`~threec_helpers.measures.pyramid.migration_effect`: they partition the customers
_MOVES = ("up", "stay", "down", "new", "lost")

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


def _num2(value: Any) -> str:
    """Two decimals without a signed zero: ``-0.004`` prints ``0.00``, not ``-0.00``."""
    v = _number(value)
    if v is None:
        return fmt_num(None, 2)
    return fmt_num(0.0 if round(v, 2) == 0 else v, 2)


def _survey_share_note(share_sources: Any, lang: str) -> str:
    """How much of the share of customer comes from the satisfaction survey itself."""
    if share_sources is None:
        return t("phases.read.share_same_survey_maybe", lang)
    src = pd.Series(share_sources).dropna().astype(str)
    src = src[src.isin(("survey", "potential"))]
    if src.empty:
        return t("phases.read.share_same_survey_maybe", lang)
    survey = float((src == "survey").mean())
    if survey == 0:
        return t("phases.read.share_not_survey", lang)
    return t("phases.read.share_same_survey", lang, share=fmt_pct(survey, 0))


def _rho_rows(correlations: pd.DataFrame | None, measures: tuple[str, ...], link_key: str,
              lang: str, share_sources: Any = None) -> list[dict[str, str]]:
    rows = []
    if correlations is None or correlations.empty:
        return rows
    sep = "；" if lang == "zh" else "; "
    for m in measures:
        if m not in correlations.index:
            continue
        c = correlations.loc[m]
        name = t(f"phases.measure.{m}", lang) if has_key(f"phases.measure.{m}") else m
        n = _number(c.get("n"))
        n_text = f"{int(n):,}" if n else "0"
        base = t(f"phases.linkn.{m}", lang) if has_key(f"phases.linkn.{m}") else t("phases.linkn.other", lang)
        reading = rho_reading(c.get("rho"), c.get("ci_low"), c.get("ci_high"), lang)
        if m == "share_of_customer":
            reading += sep + _survey_share_note(share_sources, lang)
        rows.append({"link": t(link_key, lang),
                     "measure": t("phases.linkm.spearman", lang, measure=name, n=n_text),
                     "result": t("phases.linkr.rho", lang, rho=_num2(c.get("rho")), low=_num2(c.get("ci_low")),
                                 high=_num2(c.get("ci_high")), n=n_text, base=base),
                     "reading": reading})
    return rows


def _signed(value: float, currency: str) -> str:
    return ("+" if value > 0 else "") + fmt_money(value, currency)


def _migration_row(effect: pd.DataFrame | None, lang: str, currency: str) -> dict[str, str] | None:
    if effect is None or effect.empty or "profit_change" not in effect.columns:
        return None
    moves = [m for m in _MOVES if m in effect.index]
    if not any(m in effect.index for m in ("up", "down", "lost")):
        return None
    result = "；".join if lang == "zh" else "; ".join
    parts = [t(f"phases.linkr.move_{m}", lang, n=f"{int(effect.loc[m, 'customers']):,}",
               profit=_signed(float(effect.loc[m, "profit_change"]), currency)) for m in moves]
    # the classes partition the customers, so their changes add up to the whole base's change
    total = float(effect.loc[moves, "profit_change"].sum())
    n_total = int(effect.loc[moves, "customers"].sum())
    parts.append(t("phases.linkr.move_total", lang, n=f"{n_total:,}", profit=_signed(total, currency)))
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
                gross: bool = False, share_sources: Any = None) -> pd.DataFrame:
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
    share_sources : array-like, optional
        Where each customer's share of customer came from (the customer table's
        ``share_source``: ``survey`` or ``potential``). The share-of-customer row says how
        much of it is the satisfaction survey's own answer (the same respondents answering
        both questions, which inflates the correlation); without it, that it may be.

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
    ('0.65 (95% interval 0.60 to 0.70; n = 573, surveyed customers with a share of customer)', 'Positive (strong); the interval excludes 0; the share of customer may come from the same survey as satisfaction (one source for both)')
    >>> links.iloc[3]["reading"]
    'Unprofitable customers cancel 20.0% of the profit from profitable customers'
    """
    correlations = getattr(chain, "correlations", None) if chain is not None else None
    rows: list[dict[str, str]] = []
    focus = _focus_row(focus_perf, lang)
    if focus is not None:
        rows.append(focus)
    rows += _rho_rows(correlations, _BEHAVIOR_MEASURES, "phases.link.satisfaction_behavior", lang, share_sources)
    rows += _rho_rows(correlations, _VALUE_MEASURES, "phases.link.satisfaction_value", lang)
    for row in (_migration_row(effect, lang, currency), _decomposition_row(decomposition, lang, currency, gross)):
        if row is not None:
            rows.append(row)
    return pd.DataFrame(rows, columns=list(CHAIN_LINK_COLUMNS))
