"""Jay Curry's customer pyramid: tiers, tier summary, migration between two periods.

Rules (also in ``docs/customer-measures.md``):

- **Active** in a period = revenue > 0 in the period. Active customers are ranked by period
  revenue, descending, ties broken by ``customer_id`` ascending (a stable, reproducible
  order: two customers with equal revenue may land in different tiers at a boundary).
- **Tier sizes** use cumulative shares and round *up*: with ``A`` active customers and the
  client's shares (default 1% / 4% / 15%), Top = the first ``ceil(0.01 A)``, Big = up to
  ``ceil(0.05 A)``, Medium = up to ``ceil(0.20 A)``, Small = the rest. So every non-empty
  pyramid has at least one Top customer (A = 150: Top 2, Big 6, Medium 22, Small 120).
- **Inactive** = bought before (a transaction on or before the period end, a
  ``first_purchase`` on or before it, or status active/inactive with no dated history) but
  no revenue in the last ``inactive_months`` months up to the period end.
- A customer with no revenue in the period but revenue within the inactive window (a
  period shorter than ``inactive_months``) is still a customer: it is put in **Small**,
  ranked after every active customer, and does not count in ``A``.
- **Prospect** / **Suspect**: never bought by the period end; from ``customers.status``
  (``prospect`` -> prospect, anything else -> suspect; a customer whose first purchase is
  after the period end counts as a prospect at that period).

Migration between a previous and a current period (:func:`migration_class`): ``new`` =
not active before (prospect, suspect, absent) and active now; ``lost`` = active before,
not active now; ``up`` / ``down`` = a higher / lower tier in the order Top > Big > Medium >
Small > Inactive > Prospect > Suspect (so Inactive -> Small, a win-back, is ``up``);
``stay`` = same tier.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd

from ..inputs.config import Period, PyramidThresholds
from ..errors import ParameterError
from ..i18n import t
from ._base import pyramid_inputs, rank_ids

__all__ = [
    "TIERS",
    "ACTIVE_TIERS",
    "MIGRATIONS",
    "tier_label",
    "tier_labels",
    "tier_sizes",
    "assign_tiers",
    "pyramid",
    "tier_summary",
    "summary_from_sums",
    "migration_class",
    "migration_matrix",
    "migration_effect",
]

#: Tier order, top of the pyramid first.
TIERS: tuple[str, ...] = ("top", "big", "medium", "small", "inactive", "prospect", "suspect")
#: Tiers of customers in the pyramid proper.
ACTIVE_TIERS: tuple[str, ...] = ("top", "big", "medium", "small")
#: Migration classes.
MIGRATIONS: tuple[str, ...] = ("up", "stay", "down", "new", "lost")

_TOP, _BIG, _MEDIUM, _SMALL, _INACTIVE, _PROSPECT, _SUSPECT = range(7)
#: tier -> its code in :func:`tier_codes` (``<= TIER_CODE['small']`` is active)
TIER_CODE: dict[str, int] = {tier: code for code, tier in enumerate(TIERS)}


def tier_label(tier: str, lang: str = "zh") -> str:
    """Label of a tier in ``lang``.

    Parameters
    ----------
    tier : str
        One of :data:`TIERS`.
    lang : {"zh", "en"}
        Language.

    Returns
    -------
    str

    See Also
    --------
    tier_labels : all of them at once.

    Examples
    --------
    >>> tier_label("top", "en"), tier_label("top", "zh")
    ('Top', '顶级客户')
    """
    return t(f"customers.tier.{tier}", lang)


def tier_labels(lang: str = "zh") -> dict[str, str]:
    """All tier labels in ``lang``, in :data:`TIERS` order.

    Parameters
    ----------
    lang : {"zh", "en"}
        Language.

    Returns
    -------
    dict of str to str
        Tier -> label.

    See Also
    --------
    tier_label : one tier's label.

    Examples
    --------
    >>> tier_labels("en")["top"], tier_labels("zh")["small"]
    ('Top', '小客户')
    """
    return {tier: tier_label(tier, lang) for tier in TIERS}


def checked_thresholds(thresholds: PyramidThresholds | None) -> PyramidThresholds:
    """``thresholds`` (default 1% / 4% / 15%) after checking that they are shares summing to at most 1.

    Raises
    ------
    ParameterError
        If a share is outside 0-1 or Top + Big + Medium exceed 100%.

    Examples
    --------
    >>> checked_thresholds(None).top
    0.01
    """
    th = thresholds or PyramidThresholds()
    for name in ("top", "big", "medium"):
        v = getattr(th, name)
        if not 0 <= v <= 1:
            raise ParameterError(key="customers.error.pyramid_share", name=name, value=v)
    if th.top + th.big + th.medium > 1 + 1e-12:
        raise ParameterError(key="customers.error.pyramid_sum")
    return th


def tier_sizes(n_active: int, thresholds: PyramidThresholds | None = None) -> dict[str, int]:
    """Number of Top, Big, Medium and Small customers among ``n_active`` active customers.

    Cumulative cut-offs rounded up: Top = ceil(top * A), Top+Big = ceil((top+big) * A),
    Top+Big+Medium = ceil((top+big+medium) * A) (shares are rounded to 9 decimals first so
    that 0.05 * 100 is 5, not 6).

    Parameters
    ----------
    n_active : int
        Active customers of the period.
    thresholds : PyramidThresholds, optional
        Shares of Top, Big and Medium; default 1 %, 4 % (top 5 %) and 15 % (top 20 %).

    Returns
    -------
    dict of str to int

    See Also
    --------
    assign_tiers : the tier of every customer.
    pyramid : the customer table of a period with its tiers.
    tier_summary : customers, revenue and profit per tier.
    migration_class : up, down, stable, new or lost per customer.
    migration_matrix : customers moving from each tier to each tier.
    migration_effect : revenue change by kind of migration.

    Examples
    --------
    >>> tier_sizes(150)
    {'top': 2, 'big': 6, 'medium': 22, 'small': 120}
    >>> tier_sizes(100)
    {'top': 1, 'big': 4, 'medium': 15, 'small': 80}
    """
    th = checked_thresholds(thresholds)
    a = int(n_active)
    c1 = min(a, math.ceil(round(th.top * a, 9)))
    c2 = min(a, max(c1, math.ceil(round((th.top + th.big) * a, 9))))
    c3 = min(a, max(c2, math.ceil(round((th.top + th.big + th.medium) * a, 9))))
    return {"top": c1, "big": c2 - c1, "medium": c3 - c2, "small": a - c3}


def tier_codes(revenue: np.ndarray, recent_revenue: np.ndarray, bought: np.ndarray, is_prospect: np.ndarray,
                id_rank: np.ndarray, thresholds: PyramidThresholds) -> np.ndarray:
    """Vectorised tier codes 0..6 (:data:`TIER_CODE`; rules in the module docstring).

    Examples
    --------
    >>> tier_codes(np.array([5.0, 0.0]), np.array([5.0, 0.0]), np.array([True, True]), np.array([False, False]),
    ...            np.array([1.0, 2.0]), checked_thresholds(None)).tolist()
    [0, 4]
    """
    n = len(revenue)
    codes = np.full(n, _SUSPECT, dtype=np.int8)
    codes[is_prospect] = _PROSPECT
    codes[bought] = _INACTIVE
    lapsing = bought & (recent_revenue > 0) & ~(revenue > 0)
    codes[lapsing] = _SMALL
    active = np.flatnonzero(revenue > 0)
    if len(active):
        order = active[np.lexsort((id_rank[active], -revenue[active]))]
        sizes = tier_sizes(len(active), thresholds)
        bounds = np.cumsum([sizes["top"], sizes["big"], sizes["medium"]])
        pos = np.arange(len(order))
        codes[order] = np.searchsorted(bounds, pos, side="right").astype(np.int8)
    return codes


def tier_categorical(codes: np.ndarray, index=None) -> pd.Series:
    """Tier codes as an ordered categorical Series of tier ids.

    Examples
    --------
    >>> tier_categorical(np.array([0, 3], dtype=np.int8)).tolist()
    ['top', 'small']
    """
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(TIERS), ordered=True), index=index)


def assign_tiers(frame: pd.DataFrame, thresholds: PyramidThresholds | None = None, *,
                 revenue_col: str = "revenue", recent_revenue_col: str | None = "recent_revenue",
                 bought_col: str = "bought_before", status_col: str = "status",
                 prospect_col: str = "is_prospect", id_col: str = "customer_id") -> pd.Series:
    """Assign each customer of a per-customer frame to a pyramid tier.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer with ``revenue_col`` (revenue in the period), ``id_col`` and,
        when available, ``recent_revenue_col`` (revenue in the last ``inactive_months``
        months up to the period end; defaults to the period revenue), ``bought_col``
        (bool: bought on or before the period end; defaults to revenue > 0 or status
        active/inactive), ``status_col`` (``customers.status``) and ``prospect_col`` (bool:
        counts as a prospect when not bought, e.g. first purchase after the period end).
    thresholds : config.PyramidThresholds, optional
        Cut-offs (client.yaml ``pyramid``); default 1% / 4% / 15%.

    Returns
    -------
    pandas.Series
        Ordered categorical with categories :data:`TIERS`, aligned with ``frame``.

    See Also
    --------
    tier_sizes : how many customers each tier holds.
    pyramid : the customer table of a period with its tiers.
    tier_summary : customers, revenue and profit per tier.
    migration_class : up, down, stable, new or lost per customer.
    migration_matrix : customers moving from each tier to each tier.
    migration_effect : revenue change by kind of migration.

    Examples
    --------
    >>> f = pd.DataFrame({"customer_id": list("abcd"), "revenue": [5.0, 0.0, 9.0, 0.0],
    ...                   "bought_before": [True, True, True, False], "status": ["active"] * 3 + ["prospect"]})
    >>> assign_tiers(f).tolist()
    ['small', 'inactive', 'top', 'prospect']
    """
    th = checked_thresholds(thresholds)
    revenue = frame[revenue_col].to_numpy(dtype=np.float64, na_value=0.0)
    recent = (frame[recent_revenue_col].to_numpy(dtype=np.float64, na_value=0.0)
              if recent_revenue_col and recent_revenue_col in frame.columns else revenue)
    status = frame[status_col].astype("str").to_numpy() if status_col in frame.columns else None
    if bought_col in frame.columns:
        bought = frame[bought_col].to_numpy(dtype=bool, na_value=False) | (revenue > 0)
    else:
        bought = revenue > 0
        if status is not None:
            bought |= np.isin(status, ["active", "inactive"])
    is_prospect = (status == "prospect") if status is not None else np.zeros(len(frame), dtype=bool)
    if prospect_col in frame.columns:
        is_prospect = is_prospect | frame[prospect_col].to_numpy(dtype=bool, na_value=False)
    codes = tier_codes(revenue, recent, bought, is_prospect, rank_ids(frame[id_col]), th)
    return tier_categorical(codes, frame.index)


def pyramid(tables: Mapping[str, pd.DataFrame], period: Period, thresholds: PyramidThresholds | None = None
            ) -> pd.DataFrame:
    """Tier of every customer for one period, from the loaded tables.

    Parameters
    ----------
    tables : dict of DataFrame
        ``customers`` and ``transactions`` (canonical columns).
    period : config.Period
        The period.
    thresholds : config.PyramidThresholds, optional
        Cut-offs, default 1% / 4% / 15% / 12 months.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``status``, ``revenue``, ``recent_revenue``, ``bought_before``,
        ``is_prospect``, ``tier``.

    See Also
    --------
    tier_sizes : how many customers each tier holds.
    assign_tiers : the tier of every customer.
    tier_summary : customers, revenue and profit per tier.
    migration_class : up, down, stable, new or lost per customer.
    migration_matrix : customers moving from each tier to each tier.
    migration_effect : revenue change by kind of migration.

    Examples
    --------
    >>> import datetime as dt
    >>> cust = pd.DataFrame({"customer_id": ["a", "b"], "status": ["active", "suspect"]})
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2025-02-01"]), "customer_id": ["a"], "amount": [9.0]})
    >>> p = Period("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    >>> pyramid({"customers": cust, "transactions": tx}, p)["tier"].tolist()
    ['top', 'suspect']
    """
    th = checked_thresholds(thresholds)
    frame = pyramid_inputs(tables, period, th)
    frame["tier"] = assign_tiers(frame, th).to_numpy()
    return frame


def tier_summary(table: pd.DataFrame, tier_col: str = "tier", revenue_col: str = "revenue",
                 profit_col: str = "net_profit", satisfaction_col: str | None = "satisfaction",
                 lang: str = "zh") -> pd.DataFrame:
    """Count, revenue, profit and average satisfaction per tier.

    Parameters
    ----------
    table : pandas.DataFrame
        Per-customer table with a tier column.
    tier_col, revenue_col, profit_col : str
        Column names.
    satisfaction_col : str or None
        Latest satisfaction (1-5); skipped when None or absent.
    lang : {"zh", "en"}
        Language of the ``label`` column.

    Returns
    -------
    pandas.DataFrame
        Indexed by tier (all of :data:`TIERS`, in order): ``label``, ``customers``,
        ``customer_share`` (of customers in the four active tiers; NaN for the others),
        ``revenue``, ``revenue_share``, ``profit``, ``profit_share`` (of total profit),
        ``avg_revenue``, ``avg_satisfaction``, ``n_satisfaction``.

    See Also
    --------
    tier_sizes : how many customers each tier holds.
    assign_tiers : the tier of every customer.
    pyramid : the customer table of a period with its tiers.
    migration_class : up, down, stable, new or lost per customer.
    migration_matrix : customers moving from each tier to each tier.
    migration_effect : revenue change by kind of migration.

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "small", "small", "inactive"], "revenue": [60.0, 30.0, 10.0, 0.0],
    ...                    "net_profit": [20.0, 5.0, -5.0, -1.0], "satisfaction": [5.0, 4.0, None, 2.0]})
    >>> s = tier_summary(tb, lang="en")
    >>> int(s.loc["small", "customers"]), float(s.loc["small", "revenue_share"]), float(s.loc["small", "avg_satisfaction"])
    (2, 0.4, 4.0)
    """
    tiers = table[tier_col].astype("str")
    rev = table[revenue_col].to_numpy(dtype=np.float64, na_value=0.0)
    prof = table[profit_col].to_numpy(dtype=np.float64, na_value=0.0) if profit_col in table.columns else None
    data = {"customers": np.ones(len(table)), "revenue": rev}
    if prof is not None:
        data["profit"] = prof
    use_sat = satisfaction_col is not None and satisfaction_col in table.columns
    if use_sat:
        sat = table[satisfaction_col].to_numpy(dtype=np.float64, na_value=np.nan)
        data["sat_sum"] = np.nan_to_num(sat)
        data["n_satisfaction"] = (~np.isnan(sat)).astype(float)
    g = pd.DataFrame(data).groupby(tiers.to_numpy(), sort=False).sum()
    return summary_from_sums(g, lang)


def summary_from_sums(sums: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The :func:`tier_summary` table from per-tier sums.

    Parameters
    ----------
    sums : pandas.DataFrame
        Indexed by tier: ``customers``, ``revenue``, and optionally ``profit`` and
        ``sat_sum`` with ``n_satisfaction`` (answers summed, answers counted). Missing tiers
        count as zero.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        As :func:`tier_summary` (profit and satisfaction columns only when given).

    Examples
    --------
    >>> s = summary_from_sums(pd.DataFrame({"customers": [1, 3], "revenue": [60.0, 40.0]}, index=["top", "small"]))
    >>> float(s.loc["top", "revenue_share"]), float(s.loc["small", "customer_share"])
    (0.6, 0.75)
    """
    g = sums.reindex(list(TIERS)).fillna(0.0)
    out = pd.DataFrame(index=pd.Index(list(TIERS), name="tier"))
    out["label"] = [tier_label(x, lang) for x in TIERS]
    out["customers"] = g["customers"].astype(np.int64)
    n_act = out.loc[list(ACTIVE_TIERS), "customers"].sum()
    out["customer_share"] = np.where(out.index.isin(ACTIVE_TIERS), out["customers"] / n_act if n_act else np.nan,
                                     np.nan)
    total_rev = g["revenue"].sum()
    out["revenue"] = g["revenue"]
    out["revenue_share"] = g["revenue"] / total_rev if total_rev else np.nan
    if "profit" in g.columns:
        total_p = g["profit"].sum()
        out["profit"] = g["profit"]
        out["profit_share"] = g["profit"] / total_p if total_p else np.nan
    out["avg_revenue"] = np.where(out["customers"] > 0, g["revenue"] / out["customers"].clip(lower=1), np.nan)
    if "n_satisfaction" in g.columns:
        out["n_satisfaction"] = g["n_satisfaction"].astype(np.int64)
        out["avg_satisfaction"] = np.where(g["n_satisfaction"] > 0, g["sat_sum"] / g["n_satisfaction"].clip(lower=1),
                                           np.nan)
    return out


def _tier_pos(tiers: pd.Series) -> np.ndarray:
    """Tier position 0..6, 7 for missing/absent."""
    if isinstance(tiers.dtype, pd.CategoricalDtype) and list(tiers.cat.categories) == list(TIERS):
        pos = tiers.cat.codes.to_numpy().astype(np.int16)
    else:
        pos = pd.Categorical(tiers.astype("str"), categories=list(TIERS)).codes.astype(np.int16)
    pos[pos < 0] = len(TIERS)
    return pos


def migration_class(previous: pd.Series, current: pd.Series) -> pd.Series:
    """Migration of each customer between two periods: up, stay, down, new or lost.

    Parameters
    ----------
    previous, current : pandas.Series
        Tiers (strings or categorical of :data:`TIERS`) in the previous and current period,
        aligned. A missing previous tier means the customer was absent (counts as not active).

    Returns
    -------
    pandas.Series
        Categorical with categories :data:`MIGRATIONS`.

    See Also
    --------
    tier_sizes : how many customers each tier holds.
    assign_tiers : the tier of every customer.
    pyramid : the customer table of a period with its tiers.
    tier_summary : customers, revenue and profit per tier.
    migration_matrix : customers moving from each tier to each tier.
    migration_effect : revenue change by kind of migration.

    Examples
    --------
    >>> migration_class(pd.Series(["small", "top", "prospect", "big", "inactive", None]),
    ...                 pd.Series(["big", "medium", "small", "inactive", "small", "top"])).tolist()
    ['up', 'down', 'new', 'lost', 'up', 'new']
    """
    p = _tier_pos(previous.reset_index(drop=True))
    c = _tier_pos(current.reset_index(drop=True))
    p_act, c_act = p <= _SMALL, c <= _SMALL
    p_absent_or_never = (p >= _PROSPECT)
    out = np.where(c < p, 0, np.where(c > p, 2, 1)).astype(np.int8)  # up, stay, down
    out[p_absent_or_never & c_act] = 3  # new
    out[p_act & ~c_act] = 4  # lost
    return pd.Series(pd.Categorical.from_codes(out, categories=list(MIGRATIONS)), index=current.index)


def migration_matrix(table: pd.DataFrame, prev_col: str = "previous_tier", cur_col: str = "tier",
                     value: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """Tier-to-tier matrix: rows = previous tier, columns = current tier.

    Parameters
    ----------
    table : pandas.DataFrame
        Per-customer table with both tiers.
    prev_col, cur_col : str
        Tier columns.
    value : str, optional
        Column to sum (e.g. ``"revenue"``); counts of customers when None.
    lang : {"zh", "en"}, optional
        Relabel rows/columns with tier labels.

    Returns
    -------
    pandas.DataFrame
        7 x 7 (:data:`TIERS` both ways, zeros where no customer moved). With counts, row
        sums equal the previous period's tier counts and column sums the current one's.

    See Also
    --------
    tier_sizes : how many customers each tier holds.
    assign_tiers : the tier of every customer.
    pyramid : the customer table of a period with its tiers.
    tier_summary : customers, revenue and profit per tier.
    migration_class : up, down, stable, new or lost per customer.
    migration_effect : revenue change by kind of migration.

    Examples
    --------
    >>> tb = pd.DataFrame({"previous_tier": ["top", "small", "small"], "tier": ["top", "big", "small"]})
    >>> m = migration_matrix(tb)
    >>> int(m.loc["small", "big"]), int(m.values.sum())
    (1, 3)
    """
    p = _tier_pos(table[prev_col])
    c = _tier_pos(table[cur_col])
    if (p == len(TIERS)).any() or (c == len(TIERS)).any():
        raise ParameterError(key="customers.error.migration_tiers", prev=prev_col, cur=cur_col, tiers=", ".join(TIERS))
    k = len(TIERS)
    w = None if value is None else table[value].to_numpy(dtype=np.float64, na_value=0.0)
    flat = np.bincount(p.astype(np.int64) * k + c, weights=w, minlength=k * k).reshape(k, k)
    if value is None:
        flat = flat.astype(np.int64)
    out = pd.DataFrame(flat, index=pd.Index(list(TIERS), name=prev_col), columns=pd.Index(list(TIERS), name=cur_col))
    if lang:
        labels = tier_labels(lang)
        out = out.rename(index=labels, columns=labels)
    return out


def migration_effect(table: pd.DataFrame, migration_col: str = "migration", revenue_col: str = "revenue",
                     prev_revenue_col: str = "revenue_prev", profit_col: str = "net_profit",
                     prev_profit_col: str = "net_profit_prev", lang: str = "zh") -> pd.DataFrame:
    """Revenue and profit effect of migration: change from the previous period per class.

    Parameters
    ----------
    table : pandas.DataFrame
        Per-customer table with the migration class and both periods' revenue and profit.
    migration_col, revenue_col, prev_revenue_col, profit_col, prev_profit_col : str
        Column names (profit columns optional).
    lang : {"zh", "en"}
        Language of ``label``.

    Returns
    -------
    pandas.DataFrame
        Indexed by :data:`MIGRATIONS` plus ``total``: ``label``, ``customers``,
        ``revenue_prev``, ``revenue``, ``revenue_change``, ``share_of_revenue_change``
        and the same for profit. The ``total`` row equals the change of the whole
        customer base, so the classes attribute it exactly.

    See Also
    --------
    tier_sizes : how many customers each tier holds.
    assign_tiers : the tier of every customer.
    pyramid : the customer table of a period with its tiers.
    tier_summary : customers, revenue and profit per tier.
    migration_class : up, down, stable, new or lost per customer.
    migration_matrix : customers moving from each tier to each tier.

    Examples
    --------
    >>> tb = pd.DataFrame({"migration": ["up", "lost", "new"], "revenue_prev": [10.0, 20.0, 0.0],
    ...                    "revenue": [30.0, 0.0, 5.0]})
    >>> migration_effect(tb, lang="en")["revenue_change"].tolist()
    [20.0, 0.0, 0.0, 5.0, -20.0, 5.0]
    """
    cls = table[migration_col].astype("str").to_numpy()
    cols = {"customers": np.ones(len(table)),
            "revenue_prev": table[prev_revenue_col].to_numpy(dtype=np.float64, na_value=0.0),
            "revenue": table[revenue_col].to_numpy(dtype=np.float64, na_value=0.0)}
    has_profit = profit_col in table.columns and prev_profit_col in table.columns
    if has_profit:
        cols["profit_prev"] = table[prev_profit_col].to_numpy(dtype=np.float64, na_value=0.0)
        cols["profit"] = table[profit_col].to_numpy(dtype=np.float64, na_value=0.0)
    g = pd.DataFrame(cols).groupby(cls, sort=False).sum().reindex(list(MIGRATIONS)).fillna(0.0)
    g.loc["total"] = g.sum()
    g["customers"] = g["customers"].astype(np.int64)
    g["revenue_change"] = g["revenue"] - g["revenue_prev"]
    tot = g.loc["total", "revenue_change"]
    g["share_of_revenue_change"] = g["revenue_change"] / tot if tot else np.nan
    if has_profit:
        g["profit_change"] = g["profit"] - g["profit_prev"]
        totp = g.loc["total", "profit_change"]
        g["share_of_profit_change"] = g["profit_change"] / totp if totp else np.nan
    g.insert(0, "label", [t(f"customers.migration.{m}", lang) for m in (*MIGRATIONS, "total")])
    g.index.name = "migration"
    return g


def top_share(summary: pd.DataFrame) -> float:
    """Revenue share of the top 20% of active customers (Top + Big + Medium of :func:`tier_summary`)."""
    return float(summary.loc[["top", "big", "medium"], "revenue_share"].sum())
