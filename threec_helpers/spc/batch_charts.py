"""One control chart for many series at once (thousands of KPIs, wards or sites), vectorised over
a (series x periods) array.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._core import (BATCH_CHARTS, DISPERSION, NEEDS_N, as_1d, baseline_mask, chart_columns, check_counts,
                    check_sigma_method, core_individual, materialize, max_passes)
from .rules import resolve_rules

__all__ = ["batch"]


def batch(data: pd.DataFrame, series_col: str, value_col: str, n_col: str | None = None, chart: str = "p",
          *, period_col: str | None = None, baseline=None, exclude_col: str | None = None, iterate=False,
          sigma_method: str | None = None, rules="western_electric") -> pd.DataFrame:
    """Compute one chart for many series at once, vectorised over a (series x periods) array.

    Parameters
    ----------
    data : DataFrame
        Long tidy data, one row per series and period.
    series_col : str
        Column naming the series (KPI, ward, site ...).
    value_col : str
        Measurement (xmr) or count (attribute charts).
    n_col : str, optional
        Sample size / denominator column (p, np, u, p', u').
    chart : {"xmr", "p", "np", "c", "u", "p_prime", "u_prime"}
        The subgroup charts (xbar_r, xbar_s) are single-series only.
    period_col : str, optional
        Orders the rows inside each series; without it the row order is kept.
    baseline : None, int, slice or bool array over periods, optional
        Same meaning as for the single-series functions, applied to every series by position.
    exclude_col : str, optional
        Boolean column: points with an assignable cause, left out of the limits.
    iterate, sigma_method, rules
        As for the single-series functions.

    Returns
    -------
    DataFrame
        The columns of the single-series chart, plus ``series_col`` and ``period_col`` (or
        ``position``), with a default index. The limits of every series are in
        ``frame.attrs["spc"]["limits"]`` (a DataFrame indexed by series). Series whose
        baseline cannot give limits (too few points) get NaN limits instead of an error.

    Examples
    --------
    >>> df = pd.DataFrame({"kpi": ["a"] * 3 + ["b"] * 3, "x": [5, 6, 4, 50, 55, 52],
    ...                    "n": [100] * 3 + [1000] * 3})
    >>> out = batch(df, "kpi", "x", "n", chart="p")
    >>> out.groupby("kpi")["center"].first().round(3).tolist()
    [0.05, 0.052]
    """
    if chart not in BATCH_CHARTS:
        raise ParameterError(key="spc.error.batch_chart", allowed=", ".join(BATCH_CHARTS), chart=repr(chart))
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(key="spc.error.batch_frame")
    for col in (series_col, value_col, n_col, period_col, exclude_col):
        if col is not None and col not in data.columns:
            raise ParameterError(key="spc.error.batch_column", column=repr(col), columns=list(data.columns))
    if chart in NEEDS_N and n_col is None:
        raise ParameterError(key="spc.error.batch_needs_n", chart=chart)
    rule_ids = resolve_rules(rules)
    method = check_sigma_method(chart, sigma_method)
    d = data
    if period_col is not None:
        d = d.sort_values([series_col, period_col], kind="stable")
    codes, uniq = pd.factorize(d[series_col], sort=period_col is not None)
    pos = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    s_count, t_count = len(uniq), int(pos.max()) + 1 if len(pos) else 0
    if s_count == 0:
        raise ParameterError(key="spc.error.batch_empty")

    def grid(col):
        vals, _ = as_1d(d[col].reset_index(drop=True), col)
        g = np.full((s_count, t_count), np.nan)
        g[codes, pos] = vals
        return g

    x = grid(value_col)
    present = np.zeros((s_count, t_count), dtype=bool)
    present[codes, pos] = True
    n = grid(n_col) if chart in NEEDS_N else np.ones((s_count, t_count))
    if chart in NEEDS_N or chart in ("c",):
        check_counts(chart, x[present], n[present] if chart in NEEDS_N else None,
                      pd.Index(d[series_col].to_numpy()[np.lexsort((pos, codes))]))
    base = np.broadcast_to(baseline_mask(baseline, t_count), (s_count, t_count)) & present
    excl = np.zeros((s_count, t_count), dtype=bool)
    if exclude_col is not None:
        excl[codes, pos] = d[exclude_col].fillna(False).to_numpy(dtype=bool)
    res, center, sigma, sigma_z, iters = core_individual(chart, x, n, base, excl, method, max_passes(iterate), None)
    auto = base & ~excl & np.isfinite(res["value"]) & ~res["use"]
    count = x if chart in NEEDS_N or chart == "c" else None
    cols = chart_columns(chart, res, rule_ids, base, excl | auto, np.zeros_like(base),
                    n=n if chart in NEEDS_N else None, count=count)
    if chart in ("xmr", "c"):
        cols.pop("n", None)
    if present.all():
        def take(a):
            return a.reshape(-1)
    else:
        flat = present.reshape(-1)

        def take(a):
            return a.reshape(-1)[flat]
    row_of = np.zeros((s_count, t_count), dtype=np.int64)
    row_of[codes, pos] = np.arange(len(d))
    rows = take(row_of)
    head = {series_col: d[series_col].to_numpy()[rows]}
    if period_col is not None:
        head[period_col] = d[period_col].iloc[rows].reset_index(drop=True)
    else:
        head["position"] = take(np.broadcast_to(np.arange(t_count), (s_count, t_count)).copy())
    frame = pd.DataFrame({**head, **materialize(cols, take)})
    frame.insert(0, "chart", chart)
    lim = pd.DataFrame({"center": center, "sigma": sigma, "sigma_z": sigma_z,
                        "n_baseline": res["use"].sum(axis=1)}, index=pd.Index(uniq, name=series_col))
    frame.attrs["spc"] = {"chart": chart, "limits": lim, "rules": tuple(rule_ids),
                          "dispersion": DISPERSION.get(chart), "series_col": series_col,
                          "period_col": period_col or "position", "sigma_method": method}
    return frame
