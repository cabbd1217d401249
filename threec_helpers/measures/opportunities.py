"""Problems and opportunities generated from the customer table (3C phase 2, Analysis A).

Each rule selects customers with a vectorised condition on the customer table
(:func:`threec_helpers.customer_table.customer_table`) and puts a sum of money on them.
The rules, their parameters (:class:`OpportunityParams`) and the money at stake:

=========================== =========== ============================================== ==========================
rule                        kind        customers                                      money at stake
=========================== =========== ============================================== ==========================
big_falling_low_sat         problem     Top/Big, revenue change <= -10%, satisfaction  their current revenue
                                        <= 3
unprofitable_large          problem     Top/Big with net profit < 0                    their losses
unprofitable_small_high_cts problem     Small, net profit < 0, cost-to-serve /         their losses
                                        revenue >= the 75th percentile among active
satisfied_but_leaving       problem     :func:`~threec_helpers.satisfaction.           revenue lost (previous -
                                        satisfied_but_leaving`                         current)
lost_valuable               problem     lost, previously Top/Big/Medium                previous revenue
down_migration              problem     moved down, still active                       revenue lost
prospects_like_top          opportunity prospects in a segment of the Top tier with    their potential (yearly
                                        potential >= the smallest Big revenue          need x period years)
grow_share                  opportunity Top/Big/Medium, satisfaction >= 4, share of    unserved need (revenue /
                                        customer < 50%                                 share - revenue)
near_upgrade                opportunity Medium/Small with revenue >= 80% of the next   revenue gap to the next
                                        tier's smallest revenue                        tier
win_back                    opportunity inactive with historical value >= the median   previous revenue
                                        of active customers
=========================== =========== ============================================== ==========================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import fmt_int, fmt_money, fmt_pct, t
from .satisfaction import satisfied_but_leaving

__all__ = ["OpportunityParams", "RULES", "problems_and_opportunities", "opportunity_customers"]


@dataclass(frozen=True)
class OpportunityParams:
    """Thresholds of the problem and opportunity rules.

    Parameters
    ----------
    falling, low_satisfaction, high_satisfaction, leaving_change, cts_quantile, low_share, near_upgrade, period_years
        The thresholds, as commented at each field.

    See Also
    --------
    problems_and_opportunities : the rules applied to a customer table.

    Examples
    --------
    >>> OpportunityParams(falling=-0.2).falling, OpportunityParams().low_share
    (-0.2, 0.5)
    """

    falling: float = -0.10  #: revenue change at or below this counts as falling
    low_satisfaction: float = 3.0  #: satisfaction at or below this is low
    high_satisfaction: float = 4.0  #: satisfaction at or above this is satisfied
    leaving_change: float = -0.20  #: revenue change for "satisfied but leaving"
    cts_quantile: float = 0.75  #: cost-to-serve / revenue quantile called "high"
    low_share: float = 0.5  #: share of customer below this is low
    near_upgrade: float = 0.8  #: revenue within this fraction of the next tier's floor
    period_years: float = 1.0  #: period length in years (potential revenue is yearly)


#: rule -> kind
RULES: dict[str, str] = {
    "big_falling_low_sat": "problem",
    "unprofitable_large": "problem",
    "unprofitable_small_high_cts": "problem",
    "satisfied_but_leaving": "problem",
    "lost_valuable": "problem",
    "down_migration": "problem",
    "prospects_like_top": "opportunity",
    "grow_share": "opportunity",
    "near_upgrade": "opportunity",
    "win_back": "opportunity",
}


def _num(table: pd.DataFrame, col: str, fill: float = np.nan) -> np.ndarray:
    if col not in table.columns:
        return np.full(len(table), fill)
    return table[col].to_numpy(dtype=np.float64, na_value=fill)


def _rules(table: pd.DataFrame, p: OpportunityParams) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """rule -> (mask, money per customer)."""
    tier = table["tier"].astype("str").to_numpy()
    prev_tier = table["previous_tier"].astype("str").to_numpy() if "previous_tier" in table.columns else None
    migration = table["migration"].astype("str").to_numpy() if "migration" in table.columns else None
    rev = _num(table, "revenue", 0.0)
    rev_prev = _num(table, "revenue_prev", 0.0)
    chg = _num(table, "revenue_change_pct")
    sat = _num(table, "satisfaction")
    profit = _num(table, "net_profit", 0.0)
    cts = _num(table, "cost_to_serve", 0.0)
    share = _num(table, "share_of_customer")
    pot = _num(table, "potential_revenue")
    hist = _num(table, "historical_value")
    big = np.isin(tier, ["top", "big"])
    active = np.isin(tier, ["top", "big", "medium", "small"])
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    out["big_falling_low_sat"] = (big & (chg <= p.falling) & (sat <= p.low_satisfaction), rev)
    out["unprofitable_large"] = (big & (profit < 0), -profit)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(rev > 0, cts / np.where(rev > 0, rev, 1.0), np.nan)
    act_ratio = ratio[active & (rev > 0)]
    cut = np.quantile(act_ratio, p.cts_quantile) if len(act_ratio) else np.inf
    out["unprofitable_small_high_cts"] = ((tier == "small") & (profit < 0) & (ratio >= cut), -profit)
    if "satisfaction" in table.columns:
        sbl = satisfied_but_leaving(table.reset_index(drop=True), p.high_satisfaction, p.leaving_change)
        mask = np.zeros(len(table), dtype=bool)
        mask[sbl.index.to_numpy()] = True
        out["satisfied_but_leaving"] = (mask, rev_prev - rev)
    if migration is not None and prev_tier is not None:
        out["lost_valuable"] = ((migration == "lost") & np.isin(prev_tier, ["top", "big", "medium"]), rev_prev)
        out["down_migration"] = ((migration == "down") & active, rev_prev - rev)
    # opportunities
    top_segments = set()
    if "segment" in table.columns:
        top_segments = set(table["segment"][tier == "top"].dropna().astype("str"))
    big_floor = rev[tier == "big"].min() if (tier == "big").any() else (rev[tier == "top"].min()
                                                                          if (tier == "top").any() else np.inf)
    if "segment" in table.columns:
        seg_ok = table["segment"].astype("str").isin(top_segments).to_numpy()
        need = pot * p.period_years
        out["prospects_like_top"] = ((tier == "prospect") & seg_ok & (need >= big_floor), need)
    with np.errstate(invalid="ignore", divide="ignore"):
        unserved = np.where(share > 0, rev / np.where(share > 0, share, 1.0) - rev, np.nan)
    out["grow_share"] = (np.isin(tier, ["top", "big", "medium"]) & (sat >= p.high_satisfaction)
                         & (share < p.low_share) & (share > 0), unserved)
    floors = {tr: (rev[tier == tr].min() if (tier == tr).any() else np.nan) for tr in ("big", "medium")}
    next_floor = np.where(tier == "medium", floors["big"], np.where(tier == "small", floors["medium"], np.nan))
    near = np.isin(tier, ["medium", "small"]) & (rev > 0) & (rev >= p.near_upgrade * next_floor) & (rev < next_floor)
    out["near_upgrade"] = (near, next_floor - rev)
    med_hist = np.median(hist[active]) if active.any() and not np.isnan(hist).all() else np.inf
    out["win_back"] = ((tier == "inactive") & (hist >= med_hist) & (hist > 0), rev_prev)
    return out


def opportunity_customers(table: pd.DataFrame, rule: str, params: OpportunityParams | None = None) -> pd.DataFrame:
    """The customers a rule selects, with their money at stake (largest first).

    Parameters
    ----------
    table : DataFrame
        A customer table (:func:`~threec_helpers.measures.customer_table.customer_table`).
    rule : str
        One of :data:`RULES`.
    params : OpportunityParams, optional
        The rules' thresholds.

    Returns
    -------
    DataFrame
        The selected rows of ``table`` with ``money_at_stake``.

    Raises
    ------
    KeyError
        For an unknown rule, or one the table lacks the columns for.

    See Also
    --------
    problems_and_opportunities : every rule's count and money at once.

    Examples
    --------
    >>> tb = pd.DataFrame({"customer_id": ["a", "b"], "tier": ["top", "small"], "revenue": [100.0, 5.0],
    ...                    "net_profit": [-10.0, 1.0]})
    >>> opportunity_customers(tb, "unprofitable_large")[["customer_id", "money_at_stake"]].values.tolist()
    [['a', 10.0]]
    """
    rules = _rules(table, params or OpportunityParams())
    if rule not in rules:
        raise KeyError(f"unknown or inapplicable rule {rule!r}; rules: {', '.join(RULES)}")
    mask, money = rules[rule]
    out = table.loc[mask].copy()
    out["money_at_stake"] = np.nan_to_num(money[mask])
    return out.sort_values("money_at_stake", ascending=False, kind="stable")


def problems_and_opportunities(table: pd.DataFrame, lang: str = "zh", currency: str = "CNY",
                               params: OpportunityParams | None = None, include_empty: bool = False
                               ) -> pd.DataFrame:
    """The problems and opportunities list, from the customer table.

    Parameters
    ----------
    table : pandas.DataFrame
        Customer table (with previous-period columns for the migration rules).
    lang : {"zh", "en"}
        Language of ``title``.
    currency : str
        Currency for money in titles.
    params : OpportunityParams, optional
        Rule thresholds.
    include_empty : bool
        Keep rules that select no customer.

    Returns
    -------
    pandas.DataFrame
        One row per rule, problems first then opportunities, each by money at stake
        descending: ``rule``, ``kind``, ``customers``, ``customer_ids`` (list),
        ``revenue`` (current), ``revenue_share`` (of total revenue), ``profit``,
        ``money_at_stake``, ``title``.

    Examples
    --------
    >>> tb = pd.DataFrame({"customer_id": ["a", "b", "c"], "tier": ["top", "big", "small"],
    ...                    "revenue": [100.0, 40.0, 10.0], "revenue_change_pct": [-0.3, 0.1, 0.0],
    ...                    "satisfaction": [2.0, 5.0, 4.0], "net_profit": [20.0, 5.0, 1.0]})
    >>> r = problems_and_opportunities(tb, lang="en")
    >>> r.loc[r.rule == "big_falling_low_sat", "title"].item()
    'Top/Big customers with falling revenue and low satisfaction: 1 customers, 66.67% of revenue'
    """
    p = params or OpportunityParams()
    rules = _rules(table, p)
    rev = _num(table, "revenue", 0.0)
    profit = _num(table, "net_profit", 0.0)
    total_rev = rev.sum()
    ids = table["customer_id"].to_numpy() if "customer_id" in table.columns else table.index.to_numpy()
    rows = []
    for rule, (mask, money) in rules.items():
        n = int(mask.sum())
        if n == 0 and not include_empty:
            continue
        stake = float(np.nansum(money[mask]))
        r_rev = float(rev[mask].sum())
        share = r_rev / total_rev if total_rev else np.nan
        title = t(f"customers.opp.{rule}", lang, count=fmt_int(n), share=fmt_pct(share),
                  money=fmt_money(stake, currency))
        rows.append({"rule": rule, "kind": RULES[rule], "customers": n, "customer_ids": list(ids[mask]),
                     "revenue": r_rev, "revenue_share": share, "profit": float(profit[mask].sum()),
                     "money_at_stake": stake, "title": title})
    cols = ["rule", "kind", "customers", "customer_ids", "revenue", "revenue_share", "profit", "money_at_stake",
            "title"]
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out["_k"] = (out["kind"] == "opportunity").astype(int)
        out = out.sort_values(["_k", "money_at_stake"], ascending=[True, False], kind="stable").drop(columns="_k")
    return out.reset_index(drop=True)
