"""Customer satisfaction: CSAT, NPS, preferred supplier, confidence intervals, the CRM chain
(satisfaction -> behavior -> value) and "satisfied but leaving" customers.

Definitions and references (also in ``docs/customer-measures.md``):

- **CSAT** = mean of ``surveys.satisfaction`` (1-5) with a Student-t interval; the
  distribution is the share of answers at each rounded score 1..5; *top-2-box* = share >= 4.
- **NPS** (Reichheld 2003, "The One Number You Need to Grow", HBR) = % promoters (9-10)
  - % detractors (0-6), in points -100..100. Interval: normal approximation with
  ``var = (p_prom + p_det - (p_prom - p_det)^2) / n`` (the variance of the difference of
  two multinomial shares), clipped to [-100, 100].
- **Proportions** (preferred supplier, top-2-box, promoters): Wilson score interval
  (Wilson 1927, JASA 22:209-212).
- **Rank correlation**: Spearman's rho with a Fisher-z interval, standard error
  ``sqrt(1.06 / (n - 3))`` (Fieller, Hartley & Pearson 1957, Biometrika 44:470-481) or
  ``sqrt((1 + rho^2 / 2) / (n - 3))`` (Bonett & Wright 2000, Psychometrika 65:23-28).
- **Satisfaction bands** on the 1-5 scale: dissatisfied < 3 <= neutral < 4 <= satisfied
  < 5 = very satisfied.
- **Satisfied but leaving** (the seed: "some satisfied customers may still leave for a
  slightly more attractive competitor"): latest satisfaction >= 4 and, having bought in the
  previous period, revenue down by more than 20% or no longer active (both parameters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import mean_ci, normal_quantile, spearman_ci, wilson_interval
from ..errors import ParameterError
from ..i18n import t
from .pyramid import ACTIVE_TIERS
from .value import customer_codes

__all__ = [
    "BANDS",
    "wilson_interval",
    "mean_ci",
    "nps",
    "satisfaction_band",
    "latest_answers",
    "satisfaction_summary",
    "spearman_ci",
    "CRMChain",
    "crm_chain",
    "satisfied_but_leaving",
]

#: Satisfaction bands, lowest first, then customers without an answer.
BANDS: tuple[str, ...] = ("dissatisfied", "neutral", "satisfied", "very_satisfied", "no_answer")
SMALL_SAMPLE = 30


def nps(recommend, confidence: float = 0.95) -> pd.Series:
    """Net Promoter Score: % promoters (9-10) - % detractors (0-6), in points.

    Parameters
    ----------
    recommend : array-like
        Likelihood to recommend on Reichheld's 11-point scale: whole numbers 0-10
        (missing left out).
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    pandas.Series
        ``n``, ``promoters``, ``passives``, ``detractors`` (shares), ``nps`` (-100..100),
        ``ci_low``, ``ci_high``.

    Raises
    ------
    ParameterError
        If an answer is outside 0-10 or not a whole number (e.g. 11, -1, 8.5: an average
        of answers, or another scale, whose promoter/detractor split would be meaningless).

    See Also
    --------
    threec_helpers.measures.stats.wilson_interval : the interval of a proportion.
    threec_helpers.measures.stats.mean_ci : the interval of a mean (CSAT).

    Examples
    --------
    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 5])
    >>> [round(float(r[k]), 1) for k in ("nps", "ci_low", "ci_high")]
    [20.0, -34.0, 74.0]
    """
    x = pd.Series(recommend, dtype="float64").dropna().to_numpy()
    bad = x[(x < 0) | (x > 10) | (x != np.round(x))]
    if len(bad):
        raise ParameterError(key="customers.nps.out_of_scale", count=len(bad),
                             examples=", ".join(f"{v:g}" for v in bad[:5]))
    n = len(x)
    if n == 0:
        return pd.Series({"n": 0, "promoters": np.nan, "passives": np.nan, "detractors": np.nan, "nps": np.nan,
                          "ci_low": np.nan, "ci_high": np.nan})
    p = float((x >= 9).mean())
    d = float((x <= 6).mean())
    score = 100 * (p - d)
    var = (p + d - (p - d) ** 2) / n
    half = 100 * normal_quantile(confidence) * np.sqrt(var)
    return pd.Series({"n": n, "promoters": p, "passives": 1 - p - d, "detractors": d, "nps": score,
                      "ci_low": max(-100.0, score - half), "ci_high": min(100.0, score + half)})


def satisfaction_band(values) -> pd.Series:
    """Band of each satisfaction score: dissatisfied (< 3), neutral ([3, 4)), satisfied ([4, 5)),
    very_satisfied (5), no_answer (missing).

    Parameters
    ----------
    values : array-like of float
        Satisfaction scores on the 1-5 scale (missing: no answer).

    Returns
    -------
    pandas.Series of str

    See Also
    --------
    satisfaction_summary : the bands counted per group.

    Examples
    --------
    >>> satisfaction_band([1, 2.9, 3, 4, 4.5, 5, None]).tolist()
    ['dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'satisfied', 'very_satisfied', 'no_answer']
    """
    x = pd.Series(values, dtype="float64").to_numpy()
    codes = np.select([np.isnan(x), x < 3, x < 4, x < 5], [4, 0, 1, 2], default=3)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(BANDS), ordered=True),
                     index=values.index if isinstance(values, pd.Series) else None)


def latest_answers(surveys: pd.DataFrame, customer_ids: pd.Index, end=None, wave: str | None = None
                   ) -> pd.DataFrame:
    """Each customer's latest survey answer on or before ``end``.

    Latest = greatest (date, wave, row order), missing dates sorting first (so with no
    dates the lexicographically last wave wins). Answers dated after ``end`` are ignored;
    undated answers are kept.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The ``surveys`` table.
    customer_ids : pandas.Index
        Customers, in table order.
    end : date-like, optional
        Last day considered.
    wave : str, optional
        Only this wave.

    Returns
    -------
    pandas.DataFrame
        One row per customer (in ``customer_ids`` order): ``satisfaction``, ``recommend``,
        ``preferred_supplier`` (boolean), ``share_of_need``, ``survey_wave``,
        ``survey_date``; missing when the customer never answered.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["a", "a", "b"], "wave": ["2024", "2025", "2024"],
    ...                   "satisfaction": [2.0, 4.0, 5.0]})
    >>> latest_answers(s, pd.Index(["a", "b", "c"]))["satisfaction"].tolist()
    [4.0, 5.0, nan]
    """
    n = len(customer_ids)
    out = pd.DataFrame({"satisfaction": np.full(n, np.nan), "recommend": np.full(n, np.nan),
                        "preferred_supplier": pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool)),
                        "share_of_need": np.full(n, np.nan),
                        "survey_wave": pd.Series(None, index=pd.RangeIndex(n), dtype="str"),
                        "survey_date": np.full(n, np.iinfo(np.int64).min).view("datetime64[ns]")})
    if surveys is None or len(surveys) == 0:
        return out
    s = surveys
    keep = np.ones(len(s), dtype=bool)
    if "date" in s.columns:
        dates = pd.to_datetime(s["date"]).to_numpy(dtype="datetime64[ns]").view(np.int64)
    else:
        dates = np.full(len(s), np.iinfo(np.int64).min)
    if end is not None:
        end_x = (pd.Timestamp(end).normalize() + pd.Timedelta(days=1)).value
        keep &= (dates < end_x) | (dates == np.iinfo(np.int64).min)
    waves = s["wave"].astype("str")
    if wave is not None:
        keep &= (waves == str(wave)).to_numpy()
    if not keep.any():
        return out
    idx = np.flatnonzero(keep)
    codes = customer_codes(s["customer_id"].iloc[idx], customer_ids, what="surveys")
    wv = waves.iloc[idx]
    wcode = pd.Categorical(wv, categories=sorted(pd.unique(wv.dropna()))).codes
    order = np.lexsort((np.arange(len(idx)), wcode, dates[idx], codes))
    c_sorted = codes[order]
    last = np.flatnonzero(np.r_[c_sorted[1:] != c_sorted[:-1], True])
    rows = idx[order[last]]
    cust = c_sorted[last]
    for col in ("satisfaction", "recommend", "share_of_need"):
        if col in s.columns:
            v = np.full(n, np.nan)
            v[cust] = s[col].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
            out[col] = v
    if "preferred_supplier" in s.columns:
        pref = s["preferred_supplier"].astype("boolean").array[rows]
        vals, mask = np.zeros(n, bool), np.ones(n, bool)
        vals[cust] = pref.to_numpy(dtype=bool, na_value=False)
        mask[cust] = pref.isna()
        out["preferred_supplier"] = pd.arrays.BooleanArray(vals, mask)
    wave_codes = np.full(n, -1, dtype=np.int64)
    wcat = pd.Categorical(waves.array[rows])
    wave_codes[cust] = wcat.codes
    out["survey_wave"] = pd.Series(pd.Categorical.from_codes(wave_codes, categories=wcat.categories)).astype("str")
    dd = np.full(n, np.iinfo(np.int64).min)
    dd[cust] = dates[rows]
    out["survey_date"] = dd.view("datetime64[ns]")
    return out


def satisfaction_summary(frame: pd.DataFrame, by: str | list[str] | None = None, confidence: float = 0.95,
                         satisfaction_col: str = "satisfaction", recommend_col: str = "recommend",
                         preferred_col: str = "preferred_supplier") -> pd.DataFrame:
    """CSAT mean and distribution, top-2-box, NPS and preferred-supplier rate with intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        Survey answers or the customer table (latest answer per customer).
    by : str or list of str, optional
        Grouping (e.g. ``"tier"``, ``"segment"``); one ``all`` row when None.
    confidence : float
        Confidence level of every interval.
    satisfaction_col, recommend_col, preferred_col : str
        Columns (recommend / preferred optional).

    Returns
    -------
    pandas.DataFrame
        Per group: ``n``, ``csat``, ``csat_ci_low``, ``csat_ci_high``, ``share_1`` ..
        ``share_5`` (rounded scores), ``top2box``, ``top2box_ci_low``, ``top2box_ci_high``,
        ``nps``, ``nps_ci_low``, ``nps_ci_high``, ``n_nps``, ``preferred``,
        ``preferred_ci_low``, ``preferred_ci_high``, ``n_preferred``, ``small_sample``
        (n < 30: read the intervals, not the point estimate).

    Examples
    --------
    >>> f = pd.DataFrame({"satisfaction": [5, 4, 4, 3, 2], "recommend": [10, 9, 7, 6, 2]})
    >>> r = satisfaction_summary(f).iloc[0]
    >>> float(r["csat"]), float(r["top2box"]), float(r["nps"])
    (3.6, 0.6, 0.0)
    """
    if by is None:
        groups = [("all", frame)]
    else:
        keys = [by] if isinstance(by, str) else list(by)
        # categorical keys (tier, band) keep their category order and show empty groups
        groups = list(frame.groupby([frame[k] if isinstance(frame[k].dtype, pd.CategoricalDtype)
                                     else frame[k].astype("str") for k in keys], observed=False, sort=True))
    rows, names = [], []
    for name, g in groups:
        sat = g[satisfaction_col].to_numpy(dtype=np.float64, na_value=np.nan)
        sat = sat[~np.isnan(sat)]
        m = mean_ci(sat, confidence)
        r = {"n": len(sat), "csat": m["mean"], "csat_ci_low": m["ci_low"], "csat_ci_high": m["ci_high"]}
        rounded = np.clip(np.rint(sat), 1, 5)
        for k in range(1, 6):
            r[f"share_{k}"] = float((rounded == k).mean()) if len(sat) else np.nan
        top2 = int((sat >= 4).sum())
        lo, hi = wilson_interval(top2, len(sat), confidence)
        r.update(top2box=top2 / len(sat) if len(sat) else np.nan, top2box_ci_low=float(lo), top2box_ci_high=float(hi))
        if recommend_col in g.columns:
            q = nps(g[recommend_col].to_numpy(dtype=np.float64, na_value=np.nan), confidence)
            r.update(nps=q["nps"], nps_ci_low=q["ci_low"], nps_ci_high=q["ci_high"], n_nps=int(q["n"]))
        if preferred_col in g.columns:
            v = g[preferred_col].astype("boolean")
            k, nn = int(v.sum()), int(v.notna().sum())
            lo, hi = wilson_interval(k, nn, confidence)
            r.update(preferred=k / nn if nn else np.nan, preferred_ci_low=float(lo), preferred_ci_high=float(hi),
                     n_preferred=nn)
        r["small_sample"] = len(sat) < SMALL_SAMPLE
        rows.append(r)
        names.append(name if not (isinstance(name, tuple) and len(name) == 1) else name[0])
    idx = pd.Index(names, name="group" if by is None else (by if isinstance(by, str) else None))
    return pd.DataFrame(rows, index=idx)


@dataclass(frozen=True)
class CRMChain:
    """The CRM chain satisfaction -> behavior -> value, quantified.

    Attributes
    ----------
    bands : pandas.DataFrame
        Per satisfaction band: customers, retention, share of customer, revenue change,
        profit (see :func:`crm_chain`).
    correlations : pandas.DataFrame
        Spearman rho (with interval) of satisfaction with each behavior/value measure.

    See Also
    --------
    crm_chain : computes it.

    Examples
    --------
    >>> chain = CRMChain(bands=pd.DataFrame(), correlations=pd.DataFrame())
    >>> chain.bands.empty
    True
    """

    bands: pd.DataFrame
    correlations: pd.DataFrame


def _active(tiers: pd.Series) -> np.ndarray:
    return tiers.astype("str").isin(ACTIVE_TIERS).to_numpy()


def crm_chain(table: pd.DataFrame, confidence: float = 0.95, lang: str = "zh") -> CRMChain:
    """Quantify satisfaction -> behavior -> value on the customer table.

    Parameters
    ----------
    table : pandas.DataFrame
        Customer table (:func:`threec_helpers.customer_table.customer_table`) with
        ``satisfaction``, ``tier`` and, when available, ``previous_tier``, ``revenue``,
        ``revenue_prev``, ``net_profit``, ``share_of_customer``, ``preferred_supplier``.
    confidence : float
        Confidence level of the intervals.
    lang : {"zh", "en"}
        Language of band labels.

    Returns
    -------
    CRMChain
        ``bands`` indexed by :data:`BANDS` with ``label``, ``customers``, ``base``
        (customers active in the previous period), ``retained``, ``retention`` (+ Wilson
        interval), ``share_of_customer`` (mean), ``revenue``, ``revenue_prev``,
        ``revenue_change_pct`` (sum revenue / sum revenue_prev - 1, base customers),
        ``profit``, ``avg_profit``, ``preferred``; ``correlations`` with one row per
        measure (``retained``, ``revenue_change_pct``, ``share_of_customer``,
        ``net_profit``): ``n``, ``rho``, ``ci_low``, ``ci_high``, ``p_value``.

    Examples
    --------
    >>> tb = pd.DataFrame({"satisfaction": [5, 4, 2, 1], "tier": ["top", "small", "inactive", "small"],
    ...                    "previous_tier": ["top", "small", "small", "small"], "revenue": [10.0, 5.0, 0.0, 1.0],
    ...                    "revenue_prev": [8.0, 5.0, 4.0, 2.0], "net_profit": [3.0, 1.0, -1.0, -1.0]})
    >>> crm_chain(tb, lang="en").bands.loc[["very_satisfied", "dissatisfied"], "retention"].tolist()
    [1.0, 0.5]
    """
    sat = table["satisfaction"].to_numpy(dtype=np.float64, na_value=np.nan)
    band = satisfaction_band(sat).to_numpy()
    active_now = _active(table["tier"])
    base = _active(table["previous_tier"]) if "previous_tier" in table.columns else np.ones(len(table), bool)
    rev = table["revenue"].to_numpy(dtype=np.float64, na_value=0.0) if "revenue" in table.columns else None
    rev_p = (table["revenue_prev"].to_numpy(dtype=np.float64, na_value=0.0)
             if "revenue_prev" in table.columns else None)
    cols = {"customers": np.ones(len(table)), "base": base.astype(float), "retained": (base & active_now).astype(float)}
    if rev is not None:
        cols["revenue"] = rev
    if rev_p is not None and rev is not None:
        cols["revenue_base"] = np.where(base, rev, 0.0)
        cols["revenue_prev"] = np.where(base, rev_p, 0.0)
    if "net_profit" in table.columns:
        cols["profit"] = table["net_profit"].to_numpy(dtype=np.float64, na_value=0.0)
    if "share_of_customer" in table.columns:
        sh = table["share_of_customer"].to_numpy(dtype=np.float64, na_value=np.nan)
        cols["share_sum"], cols["share_n"] = np.nan_to_num(sh), (~np.isnan(sh)).astype(float)
    if "preferred_supplier" in table.columns:
        pf = table["preferred_supplier"].astype("boolean")
        cols["pref_yes"], cols["pref_n"] = pf.fillna(False).to_numpy(dtype=float), pf.notna().to_numpy(dtype=float)
    g = pd.DataFrame(cols).groupby(band, observed=False, sort=False).sum().reindex(list(BANDS)).fillna(0.0)
    out = pd.DataFrame(index=pd.Index(list(BANDS), name="band"))
    out["label"] = [t(f"customers.band.{b}", lang) for b in BANDS]
    out["customers"] = g["customers"].astype(np.int64)
    out["base"] = g["base"].astype(np.int64)
    out["retained"] = g["retained"].astype(np.int64)
    out["retention"] = np.where(out["base"] > 0, out["retained"] / out["base"].clip(lower=1), np.nan)
    lo, hi = wilson_interval(out["retained"], out["base"], confidence)
    out["retention_ci_low"], out["retention_ci_high"] = lo, hi
    if "share_sum" in g:
        out["share_of_customer"] = np.where(g["share_n"] > 0, g["share_sum"] / g["share_n"].clip(lower=1), np.nan)
    if "revenue" in g:
        out["revenue"] = g["revenue"]
    if "revenue_prev" in g:
        out["revenue_prev"] = g["revenue_prev"]
        out["revenue_change_pct"] = np.where(g["revenue_prev"] > 0,
                                             g["revenue_base"] / g["revenue_prev"].where(g["revenue_prev"] > 0) - 1,
                                             np.nan)
    if "profit" in g:
        out["profit"] = g["profit"]
        out["avg_profit"] = np.where(out["customers"] > 0, g["profit"] / out["customers"].clip(lower=1), np.nan)
    if "pref_n" in g:
        out["preferred"] = np.where(g["pref_n"] > 0, g["pref_yes"] / g["pref_n"].clip(lower=1), np.nan)

    corr = {}
    corr["retained"] = spearman_ci(np.where(base, sat, np.nan), (base & active_now).astype(float), confidence)
    if rev is not None and rev_p is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            chg = np.where(base & (rev_p > 0), rev / rev_p - 1, np.nan)
        corr["revenue_change_pct"] = spearman_ci(sat, chg, confidence)
    if "share_of_customer" in table.columns:
        corr["share_of_customer"] = spearman_ci(sat, table["share_of_customer"].to_numpy(dtype=np.float64,
                                                                                           na_value=np.nan),
                                                confidence)
    if "net_profit" in table.columns:
        corr["net_profit"] = spearman_ci(np.where(active_now, sat, np.nan), cols["profit"], confidence)
    correlations = pd.DataFrame(corr).T
    correlations.index.name = "measure"
    return CRMChain(out, correlations)


def satisfied_but_leaving(table: pd.DataFrame, min_satisfaction: float = 4.0, max_revenue_change: float = -0.2
                          ) -> pd.DataFrame:
    """Customers who say they are satisfied but buy less or stopped buying.

    Parameters
    ----------
    table : pandas.DataFrame
        Customer table with ``satisfaction``, ``tier``, ``revenue`` and, when available,
        ``revenue_prev`` and ``previous_tier``.
    min_satisfaction : float
        Latest satisfaction at least this (1-5 scale).
    max_revenue_change : float
        Revenue change (current / previous - 1) at or below this counts as leaving
        (-0.2 = down by 20% or more).

    Returns
    -------
    pandas.DataFrame
        The flagged rows of ``table`` with ``revenue_change_pct`` and ``leaving_reason``
        (``"not_active"`` or ``"falling"``), largest revenue loss first.

    Examples
    --------
    >>> tb = pd.DataFrame({"customer_id": list("abcd"), "satisfaction": [5, 4, 4, 2],
    ...                    "tier": ["small", "inactive", "big", "small"], "previous_tier": ["big", "small", "big", "big"],
    ...                    "revenue": [50.0, 0.0, 95.0, 10.0], "revenue_prev": [100.0, 20.0, 100.0, 100.0]})
    >>> satisfied_but_leaving(tb)[["customer_id", "leaving_reason"]].values.tolist()
    [['a', 'falling'], ['b', 'not_active']]
    """
    sat = table["satisfaction"].to_numpy(dtype=np.float64, na_value=np.nan)
    rev = table["revenue"].to_numpy(dtype=np.float64, na_value=0.0)
    active_now = _active(table["tier"])
    if "revenue_prev" in table.columns:
        prev = table["revenue_prev"].to_numpy(dtype=np.float64, na_value=0.0)
        was = prev > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            chg = np.where(was, rev / np.where(was, prev, 1.0) - 1, np.nan)
    else:
        prev = None
        was = _active(table["previous_tier"]) if "previous_tier" in table.columns else np.ones(len(table), bool)
        chg = np.full(len(table), np.nan)
    if "previous_tier" in table.columns:
        was = was | _active(table["previous_tier"])
    satisfied = sat >= min_satisfaction
    gone = was & ~active_now
    falling = was & active_now & (chg <= max_revenue_change)
    flag = satisfied & (gone | falling)
    out = table.loc[flag].copy()
    out["revenue_change_pct"] = chg[flag]
    out["leaving_reason"] = np.where(gone[flag], "not_active", "falling")
    loss = (prev[flag] - rev[flag]) if prev is not None else -rev[flag]
    return out.iloc[np.argsort(-loss, kind="stable")]


def satisfaction_by_wave(surveys: pd.DataFrame) -> pd.DataFrame:
    """Survey waves: answers, customers, dates, mean satisfaction (1-5) with its standard deviation.

    Returns
    -------
    DataFrame
        ``wave, answers, customers, first_date, last_date, mean, std`` in natural wave order.

    Examples
    --------
    >>> s = pd.DataFrame({"wave": ["W2", "W1", "W1"], "customer_id": ["a", "a", "b"],
    ...                   "satisfaction": [5.0, 3.0, 4.0]})
    >>> satisfaction_by_wave(s)[["wave", "answers", "mean"]].values.tolist()
    [['W1', 2, 3.5], ['W2', 1, 5.0]]
    """
    from ..ordering import natural_key

    f = surveys
    date = f["date"] if "date" in f.columns else pd.Series(pd.NaT, index=f.index)
    work = pd.DataFrame({"wave": f["wave"].astype("str").to_numpy(), "customer_id": f["customer_id"].to_numpy(),
                         "date": date.to_numpy(), "satisfaction": f["satisfaction"].to_numpy(dtype=float)})
    g = work.groupby("wave", sort=False).agg(answers=("satisfaction", "count"), customers=("customer_id", "nunique"),
                                             first_date=("date", "min"), last_date=("date", "max"),
                                             mean=("satisfaction", "mean"), std=("satisfaction", "std")).reset_index()
    g = g.iloc[sorted(range(len(g)), key=lambda i: natural_key(g["wave"].iloc[i]))].reset_index(drop=True)
    for c in ("first_date", "last_date"):
        g[c] = [d.date() if not pd.isna(d) else None for d in pd.to_datetime(g[c])]
    return g
