"""Customer behavior: revenue per period, RFM, tenure, cohorts, retention and churn, share
of customer, preferred-supplier rate.

Conventions (also in ``docs/customer-measures.md``):

- **Recency** = whole days from the last purchase on or before the period end to the period
  end (0 = bought on the last day); NaN for customers who never bought.
- **Frequency** = number of transaction lines in the period; **monetary** = revenue in the
  period. RFM scores 1-5 are quintiles of the percentile rank (ties share their average
  rank) among customers with frequency > 0; recent buyers get R = 5.
- **Tenure** (customer lifetime, months) = from the first purchase to the period end for
  customers still in the pyramid (revenue within ``inactive_months`` of the end), to the
  last purchase for inactive customers; months are days / (365.25 / 12).
- **Cohort** = calendar period (year, quarter or month) of the first purchase; a customer
  is *active* in a calendar period when its revenue there is > 0. Retention of a cohort at
  age k = active at age k / cohort size; period churn = share of the customers active in
  the previous calendar period who are not active in this one.
- **Share of customer** = the survey's ``share_of_need`` of the latest answer when given,
  else revenue / (``potential_revenue`` x period days / 365.25) (potential is a yearly
  need), capped at 1.
"""

from __future__ import annotations

from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from ..inputs.config import Period
from ..errors import ParameterError
from ..arrays import sorted_unique
from .pyramid import ACTIVE_TIERS
from ._base import period_bounds, recency_days, transaction_arrays
from .stats import wilson_interval

__all__ = [
    "DAYS_PER_MONTH",
    "revenue_per_period",
    "rfm",
    "rfm_scores",
    "tenure_months",
    "cohort_retention",
    "cohort_matrix",
    "share_of_customer",
    "preferred_supplier_rate",
]

DAYS_PER_MONTH = 365.25 / 12
_NS_PER_DAY = 86_400 * 10**9
Freq = Literal["Y", "Q", "M"]


def _period_int(dates_ns: np.ndarray, freq: Freq) -> np.ndarray:
    months = dates_ns.astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    if freq == "M":
        return months
    if freq == "Q":
        return months // 3
    if freq == "Y":
        return months // 12
    raise ParameterError(key="customers.error.cohort_freq", value=repr(freq))


def _period_label(pint: np.ndarray, freq: Freq) -> np.ndarray:
    pint = np.asarray(pint, dtype=np.int64)
    if freq == "Y":
        return np.char.mod("%d", 1970 + pint)
    if freq == "Q":
        return np.char.add(np.char.add(np.char.mod("%d", 1970 + pint // 4), "Q"), np.char.mod("%d", pint % 4 + 1))
    y, m = 1970 + pint // 12, pint % 12 + 1
    return np.char.add(np.char.add(np.char.mod("%d", y), "-"), np.char.zfill(np.char.mod("%d", m), 2))


def revenue_per_period(tables: Mapping[str, pd.DataFrame], freq: Freq = "M", periods: Sequence[Period] | None = None
                       ) -> pd.DataFrame:
    """Revenue and transaction count per customer and period (long, tidy; only non-empty cells).

    Parameters
    ----------
    tables : dict of DataFrame
        ``transactions`` (and ``customers`` for the id order).
    freq : {"Y", "Q", "M"}
        Calendar periods, used when ``periods`` is None.
    periods : sequence of config.Period, optional
        Explicit periods (may overlap; a transaction counts in each period containing it).

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``period``, ``revenue``, ``transactions``, sorted by period then
        customer order.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-01"]),
    ...                    "customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 7.0]})
    >>> revenue_per_period({"transactions": tx}, "M").values.tolist()
    [['a', '2025-01', 15.0, 2], ['b', '2025-02', 7.0, 1]]
    """
    ids, arr = transaction_arrays(tables)
    n = len(ids)
    frames = []
    if periods is not None:
        for p in periods:
            s, e = period_bounds(p)
            m = arr.mask(s, e)
            rev = arr.sum_by_customer(arr.amount, m)
            cnt = arr.sum_by_customer(None, m)
            keep = np.flatnonzero(cnt > 0)
            frames.append(pd.DataFrame({"customer_id": ids.array.take(keep), "period": p.id, "revenue": rev[keep],
                                        "transactions": cnt[keep].astype(np.int64)}))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["customer_id", "period", "revenue", "transactions"])
    pint = _period_int(arr.dates, freq)
    p0 = pint.min() if len(pint) else 0
    k = int(pint.max() - p0 + 1) if len(pint) else 1
    key = (pint - p0) * n + arr.codes
    rev = np.bincount(key, weights=arr.amount, minlength=k * n)
    cnt = np.bincount(key, minlength=k * n)
    # the user asked for non-empty cells; revenue may be 0 with a transaction, so keep by count
    keep = np.flatnonzero(cnt)
    return pd.DataFrame({
        "customer_id": ids.array.take(keep % n),
        "period": _period_label(keep // n + p0, freq),
        "revenue": rev[keep],
        "transactions": cnt[keep].astype(np.int64),
    }).astype({"period": "str"})


def rfm_scores(frame: pd.DataFrame, recency_col: str = "recency_days", frequency_col: str = "frequency",
               monetary_col: str = "monetary", n_scores: int = 5) -> pd.DataFrame:
    """RFM scores 1..``n_scores`` among customers with frequency > 0 (others get NA).

    Score = ceil(percentile rank x n_scores), percentile rank with ties averaged; recency is
    ranked descending so that the most recent buyers score highest.

    Parameters
    ----------
    frame : pandas.DataFrame
        Per-customer recency (days), frequency and monetary columns.
    recency_col, frequency_col, monetary_col : str
        Column names.
    n_scores : int
        Number of score levels (5 = quintiles).

    Returns
    -------
    pandas.DataFrame
        ``r_score``, ``f_score``, ``m_score`` (Int64) and ``rfm`` (e.g. ``"545"``), aligned
        with ``frame``.

    Examples
    --------
    >>> f = pd.DataFrame({"recency_days": [1, 10, 100, 5, 50], "frequency": [9, 1, 2, 3, 5],
    ...                   "monetary": [100.0, 10.0, 20.0, 30.0, 50.0]})
    >>> rfm_scores(f)["rfm"].tolist()
    ['555', '311', '122', '433', '244']
    """
    act = frame[frequency_col].to_numpy(dtype=np.float64, na_value=0.0) > 0
    out = pd.DataFrame(index=frame.index)
    for name, col, asc in (("r_score", recency_col, False), ("f_score", frequency_col, True),
                           ("m_score", monetary_col, True)):
        v = frame.loc[act, col].astype("float64")
        pct = v.rank(method="average", pct=True, ascending=asc)
        score = np.ceil(pct.to_numpy() * n_scores).clip(1, n_scores)
        s = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        s[act] = score.astype(np.int64)
        out[name] = s
    txt = (out["r_score"].astype("str") + out["f_score"].astype("str") + out["m_score"].astype("str"))
    out["rfm"] = txt.where(act, None)
    return out


def rfm(tables: Mapping[str, pd.DataFrame], period: Period | None = None, *, start=None, end=None,
        n_scores: int = 5) -> pd.DataFrame:
    """Recency, frequency, monetary value and their scores per customer for a period.

    Parameters
    ----------
    tables : dict of DataFrame
        ``transactions`` (and ``customers``).
    period : config.Period, optional
        The period (or ``start``/``end``).
    n_scores : int
        Score levels.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``recency_days`` (float, NaN = never bought by the end),
        ``frequency``, ``monetary``, ``r_score``, ``f_score``, ``m_score``, ``rfm``.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2025-12-01", "2025-06-30", "2025-12-31"]),
    ...                    "customer_id": ["a", "b", "a"], "amount": [10.0, 5.0, 7.0]})
    >>> r = rfm({"transactions": tx}, start="2025-01-01", end="2025-12-31")
    >>> r[["customer_id", "recency_days", "frequency", "monetary"]].values.tolist()
    [['a', 0.0, 2, 17.0], ['b', 184.0, 1, 5.0]]
    """
    s, e = period_bounds(period, start, end)
    ids, arr = transaction_arrays(tables)
    upto = arr.dates < e.value
    last = np.full(len(ids), np.iinfo(np.int64).min)
    np.maximum.at(last, arr.codes[upto], arr.dates[upto])
    m = arr.mask(s, e)
    freq = arr.sum_by_customer(None, m).astype(np.int64)
    mon = arr.sum_by_customer(arr.amount, m)
    frame = pd.DataFrame({"customer_id": ids.array, "recency_days": recency_days(last, e),
                          "frequency": freq, "monetary": mon})
    return pd.concat([frame, rfm_scores(frame, n_scores=n_scores)], axis=1)


def tenure_months(first_purchase, last_purchase, end, still_customer) -> np.ndarray:
    """Customer lifetime in months (days / 30.4375).

    Parameters
    ----------
    first_purchase, last_purchase : array-like of datetime64
        First and last purchase on or before the period end (NaT = never).
    end : date-like
        The period's last day.
    still_customer : array-like of bool
        True for customers in the pyramid (tenure runs to ``end``), False for inactive ones
        (tenure runs to the last purchase).

    Returns
    -------
    numpy.ndarray
        Months (float), NaN when the customer never bought.

    Examples
    --------
    >>> tenure_months(pd.to_datetime(["2024-12-31", "2025-01-01"]), pd.to_datetime(["2025-06-30", "2025-04-01"]),
    ...               "2025-12-31", [True, False]).round(4).tolist()
    [11.9918, 2.9569]
    """
    first = pd.DatetimeIndex(pd.to_datetime(first_purchase)).as_unit("ns").asi8
    last = pd.DatetimeIndex(pd.to_datetime(last_purchase)).as_unit("ns").asi8
    nat = np.iinfo(np.int64).min
    end_ns = pd.Timestamp(end).normalize().value
    to = np.where(np.asarray(still_customer, dtype=bool), end_ns, last)
    days = (to - first) / _NS_PER_DAY
    return np.where(first == nat, np.nan, days / DAYS_PER_MONTH)


def cohort_retention(tables: Mapping[str, pd.DataFrame], freq: Freq = "Y", end=None, *, prepared=None) -> pd.DataFrame:
    """Retention and churn by acquisition cohort (tidy).

    Parameters
    ----------
    tables : dict of DataFrame
        ``transactions`` (and ``customers``).
    freq : {"Y", "Q", "M"}
        Calendar period of cohorts and of activity.
    end : date-like, optional
        Ignore transactions after this day.
    prepared : CustomerBase, optional
        :func:`~threec_helpers.customer_table.prepare_customers` of ``tables`` (skips
        preparing the transactions again).

    Returns
    -------
    pandas.DataFrame
        One row per cohort and calendar period from the cohort's first period: ``cohort``,
        ``period``, ``age`` (periods since acquisition, 0 = acquisition period),
        ``cohort_size``, ``active``, ``retention`` (active / cohort size),
        ``active_prev`` (active in the previous calendar period), ``retained`` (active in
        both), ``churn`` (1 - retained / active_prev; NaN at age 0).

    See Also
    --------
    cohort_matrix : the same as a cohorts x age table.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2023-03-01", "2023-05-01", "2024-02-01", "2024-07-01"]),
    ...                    "customer_id": ["a", "b", "a", "c"], "amount": [1.0, 1.0, 1.0, 1.0]})
    >>> cohort_retention({"transactions": tx}, "Y")[["cohort", "period", "active", "retention", "churn"]].values.tolist()
    [['2023', '2023', 2, 1.0, nan], ['2023', '2024', 1, 0.5, 0.5], ['2024', '2024', 1, 1.0, nan]]
    """
    ids, arr = transaction_arrays(tables, prepared)
    keep = arr.amount > 0
    if end is not None:
        keep &= arr.dates < (pd.Timestamp(end).normalize() + pd.Timedelta(days=1)).value
    codes = arr.codes[keep]
    pint = _period_int(arr.dates[keep], freq)
    cols = ["cohort", "period", "age", "cohort_size", "active", "retention", "active_prev", "retained", "churn"]
    if len(codes) == 0:
        return pd.DataFrame(columns=cols)
    p0 = int(pint.min())
    k = int(pint.max()) - p0 + 1
    rel = pint - p0
    pairs = sorted_unique(codes.astype(np.int64) * k + rel)  # (customer, period) active pairs, sorted
    cust, per = pairs // k, pairs % k
    first = np.full(len(ids), k, dtype=np.int64)
    np.minimum.at(first, cust, per)
    coh = first[cust]
    # retained: the same customer active in the previous calendar period
    prev_key = pairs - 1
    pos = np.searchsorted(pairs, prev_key)
    pos = np.minimum(pos, len(pairs) - 1)
    retained = (pairs[pos] == prev_key) & (per > 0)
    act = np.bincount(coh * k + per, minlength=k * k).reshape(k, k)
    ret = np.bincount(coh * k + per, weights=retained.astype(float), minlength=k * k).reshape(k, k)
    size = np.bincount(first[first < k], minlength=k)
    rows_c, rows_p = np.nonzero(np.triu(np.ones((k, k), dtype=bool)) & (size[:, None] > 0))
    active = act[rows_c, rows_p]
    prev_active = np.where(rows_p > rows_c, act[rows_c, np.maximum(rows_p - 1, 0)], 0)
    retained_n = ret[rows_c, rows_p].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        churn = np.where(prev_active > 0, 1 - retained_n / np.maximum(prev_active, 1), np.nan)
    return pd.DataFrame({
        "cohort": _period_label(rows_c + p0, freq),
        "period": _period_label(rows_p + p0, freq),
        "age": rows_p - rows_c,
        "cohort_size": size[rows_c],
        "active": active,
        "retention": active / size[rows_c],
        "active_prev": prev_active,
        "retained": retained_n,
        "churn": churn,
    }).astype({"cohort": "str", "period": "str"})


def cohort_matrix(cohorts: pd.DataFrame, value: str = "retention") -> pd.DataFrame:
    """Pivot :func:`cohort_retention` to cohorts x age.

    Parameters
    ----------
    cohorts : DataFrame
        :func:`cohort_retention` output (``cohort``, ``age`` and the value column).
    value : str, default "retention"
        The column to pivot (``retention``, ``churn``, ``customers``, ...).

    Returns
    -------
    DataFrame
        Cohorts as rows, ages as columns.

    See Also
    --------
    cohort_retention : the tidy table it pivots.

    Examples
    --------
    >>> c = pd.DataFrame({"cohort": ["2023", "2023", "2024"], "age": [0, 1, 0], "retention": [1.0, 0.5, 1.0]})
    >>> cohort_matrix(c).values.tolist()
    [[1.0, 0.5], [1.0, nan]]
    """
    return cohorts.pivot(index="cohort", columns="age", values=value)


def share_of_customer(revenue, potential_revenue=None, survey_share=None, period_days: float = 365.25
                      ) -> pd.DataFrame:
    """Share of customer: the survey's estimate, else revenue vs. the customer's potential.

    Parameters
    ----------
    revenue : array-like
        Revenue in the period.
    potential_revenue : array-like, optional
        Yearly need (``customers.potential_revenue``), scaled to the period length.
    survey_share : array-like, optional
        Latest ``surveys.share_of_need`` (0-1).
    period_days : float
        Length of the period in days.

    Returns
    -------
    pandas.DataFrame
        ``share_of_customer`` (0-1, capped at 1, NaN when neither source is known) and
        ``share_source`` (``"survey"``, ``"potential"`` or NA).

    Examples
    --------
    >>> share_of_customer([50.0, 50.0, 50.0], [200.0, 200.0, None], [0.3, None, None]).values.tolist()
    [[0.3, 'survey'], [0.25, 'potential'], [nan, nan]]
    """
    rev = np.asarray(revenue, dtype=np.float64)
    n = len(rev)
    pot = (np.full(n, np.nan) if potential_revenue is None
           else pd.Series(potential_revenue).to_numpy(dtype=np.float64, na_value=np.nan))
    srv = (np.full(n, np.nan) if survey_share is None
           else pd.Series(survey_share).to_numpy(dtype=np.float64, na_value=np.nan))
    need = pot * period_days / 365.25
    with np.errstate(invalid="ignore", divide="ignore"):
        from_pot = np.where(need > 0, np.minimum(rev / need, 1.0), np.nan)
    share = np.where(~np.isnan(srv), srv, from_pot)
    source = np.where(~np.isnan(srv), "survey", np.where(~np.isnan(from_pot), "potential", None))
    return pd.DataFrame({"share_of_customer": share, "share_source": pd.array(source, dtype="str")})


def preferred_supplier_rate(frame: pd.DataFrame, by: str | list[str] | None = None,
                            col: str = "preferred_supplier", confidence: float = 0.95) -> pd.DataFrame:
    """First-choice / preferred-supplier rate with a Wilson interval, overall or by group.

    Parameters
    ----------
    frame : pandas.DataFrame
        Survey answers or the customer table (one latest answer per customer).
    by : str or list of str, optional
        Grouping columns (e.g. ``"tier"``, ``"segment"``).
    col : str
        Boolean column; missing answers are left out.
    confidence : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``n`` (answers), ``yes``, ``rate``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> f = pd.DataFrame({"preferred_supplier": [True] * 8 + [False] * 2})
    >>> preferred_supplier_rate(f).round(3).values.tolist()
    [[10.0, 8.0, 0.8, 0.49, 0.943]]
    """
    v = frame[col].astype("boolean")
    df = pd.DataFrame({"n": v.notna().astype(np.int64), "yes": v.fillna(False).astype(np.int64)})
    if by is None:
        g = df.sum().to_frame().T
        g.index = pd.Index(["all"], name="group")
    else:
        keys = [frame[b] for b in ([by] if isinstance(by, str) else by)]
        g = df.groupby([k.astype("str") if not isinstance(k.dtype, pd.CategoricalDtype) else k for k in keys],
                       observed=True, sort=True).sum()
    lo, hi = wilson_interval(g["yes"].to_numpy(), g["n"].to_numpy(), confidence)
    g["rate"] = np.where(g["n"] > 0, g["yes"] / g["n"].clip(lower=1), np.nan)
    g["ci_low"], g["ci_high"] = lo, hi
    return g


def retention(table: pd.DataFrame) -> tuple[int, int, float]:
    """Customers active in the previous period who are still active: ``(retained, base, rate)``.

    Examples
    --------
    >>> tb = pd.DataFrame({"previous_tier": ["top", "small", "small", "prospect"],
    ...                    "tier": ["big", "inactive", "small", "small"]})
    >>> retention(tb)
    (2, 3, 0.6666666666666666)
    """
    prev = table["previous_tier"].astype("str").isin(ACTIVE_TIERS).to_numpy()
    now = table["tier"].astype("str").isin(ACTIVE_TIERS).to_numpy()
    base = int(prev.sum())
    kept = int((prev & now).sum())
    return kept, base, (kept / base if base else float("nan"))


def behavior_by_tier(table: pd.DataFrame) -> pd.DataFrame:
    """Behavior per active tier: customers, mean frequency, recency (days), tenure (months),
    share of customer, preferred-supplier rate (among answers)."""
    tiers = table["tier"].astype("str")
    act = tiers.isin(ACTIVE_TIERS).to_numpy()
    pref = table["preferred_supplier"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) \
        if "preferred_supplier" in table.columns else np.full(len(table), np.nan)
    work = pd.DataFrame({"tier": tiers.to_numpy()[act], "customers": 1.0,
                         "frequency": table["frequency"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "recency_days": table["recency_days"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "tenure_months": table["tenure_months"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "share_of_customer": table["share_of_customer"].to_numpy(dtype=float, na_value=np.nan)[act],
                         "preferred": pref[act]})
    g = work.groupby("tier").agg(customers=("customers", "sum"), frequency=("frequency", "mean"),
                                 recency_days=("recency_days", "mean"), tenure_months=("tenure_months", "mean"),
                                 share_of_customer=("share_of_customer", "mean"), preferred=("preferred", "mean"))
    g = g.reindex([x for x in ACTIVE_TIERS if x in g.index])
    g["customers"] = g["customers"].astype(int)
    return g.rename_axis("tier").reset_index()
