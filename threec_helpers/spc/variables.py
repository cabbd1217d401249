"""Control charts for variables (measurements): individuals and moving range (XmR), X-bar and R,
X-bar and S.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._core import (as_1d, baseline_mask, chart_columns, chart_doc, check_sigma_method, exclude_mask,
                    individual_chart, max_passes, point_labels, single_frame, standardize, subgroup_matrix,
                    xbar_sigma)
from .constants import c4, d2, d3
from .limits import SIGMA_METHODS, Limits
from .rules import resolve_rules

__all__ = ["xmr", "xbar_r", "xbar_s"]


@chart_doc
def xmr(values, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
        sigma_method: str = "mr_bar", rules="western_electric") -> pd.DataFrame:
    """Individuals and moving range (XmR / I-MR) chart.

    Parameters
    ----------
    values : array-like or Series
        One measurement per period; NaN for a missing period (the moving ranges next to it
        are not computed, and the gap interrupts run rules).
    sigma_method : {"mr_bar", "mr_median"}
        sigma = MR-bar / d2(2) = MR-bar / 1.128, or median MR / 0.954 (robust to a few large
        jumps).
    %(common)s
        The moving-range chart is in the columns ``mr_value, mr_center, mr_lcl, mr_ucl,
        mr_beyond`` (rule ``D1`` flags a moving range beyond its limit).

    See Also
    --------
    xbar_r : for measurements taken in rational subgroups.
    batch : the same chart for many series at once.

    Examples
    --------
    Montgomery (2009), *Introduction to Statistical Quality Control*, 6th ed., Example 6.5,
    mortgage loan processing costs over 20 weeks: centre 300.5, MR-bar = 148/19 = 7.79.
    The book divides by the tabled d2 = 1.128 and gets UCL 321.22, LCL 279.78; the exact
    d2(2) = 2/sqrt(pi) = 1.1284 used here gives 321.21 and 279.79:

    >>> cost = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306,
    ...         294, 299, 297, 299, 314, 295, 293, 306, 301, 304]
    >>> f = xmr(cost)
    >>> [round(float(f[k].iloc[0]), 2) for k in ("center", "mr_center", "lcl", "ucl")]
    [300.5, 7.79, 279.79, 321.21]
    >>> bool(f["beyond"].any())
    False
    """
    x, index = as_1d(values, "values")
    labels = point_labels(x.size, index)
    return individual_chart("xmr", x, None, labels=labels, baseline=baseline, exclude=exclude,
                             iterate=iterate, limits=limits, sigma_method=sigma_method, rules=rules)


def _xbar(kind, data, subgroups, baseline, exclude, iterate, limits, sigma_method, rules):
    chart = kind
    rule_ids = resolve_rules(rules)
    labels, arr = subgroup_matrix(data, subgroups)
    m = arr.shape[0]
    n = np.isfinite(arr).sum(axis=1).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        xbar = np.where(n > 0, np.nansum(arr, axis=1) / np.maximum(n, 1), np.nan)
        rng = np.where(n >= 2, np.nanmax(arr, axis=1) - np.nanmin(arr, axis=1), np.nan)
        sd = np.where(n >= 2, np.nanstd(arr, axis=1, ddof=1), np.nan)
    if limits is not None:
        if not isinstance(limits, Limits) or limits.chart != chart:
            raise ParameterError(key="spc.error.limits_type_chart", chart=chart)
        if baseline is not None or exclude is not None or iterate:
            raise ParameterError(key="spc.error.limits_and_baseline")
        method = limits.sigma_method or SIGMA_METHODS[chart][0]
        base = np.zeros(m, dtype=bool)
        excl = exclude_mask(exclude, labels)
    else:
        method = check_sigma_method(chart, sigma_method)
        base = baseline_mask(baseline, m)
        excl = exclude_mask(exclude, labels)
    disp_val = rng if kind == "xbar_r" else sd

    def limits_at(center, sigma):
        with np.errstate(invalid="ignore", divide="ignore"):
            se = sigma / np.sqrt(n)
        nn = np.where(n >= 2, n, 2).astype(int)
        if kind == "xbar_r":
            a = np.array([d2(k) for k in nn]); b = np.array([d3(k) for k in nn])
        else:
            a = np.array([c4(k) for k in nn]); b = np.sqrt(1 - a ** 2)
        dc, dl, du = a * sigma, np.maximum(0.0, a - 3 * b) * sigma, (a + 3 * b) * sigma
        bad = n < 2
        dc, dl, du = (np.where(bad, np.nan, v) for v in (dc, dl, du))
        return np.full(m, center), np.where(n > 0, se, np.nan), (dc, dl, du)

    iters = 0
    if limits is None:
        use = base & ~excl & (n > 0)
        for iters in range(1, max_passes(iterate) + 1):
            okn = use & (n > 0)
            if not okn.any():
                raise ParameterError(key="spc.error.xbar_no_subgroup")
            center = float(np.sum(n[okn] * xbar[okn]) / n[okn].sum())
            sigma = xbar_sigma(method, n, rng, sd, use)
            if max_passes(iterate) == 1:
                break
            ctr, se, (dc, dl, du) = limits_at(center, sigma)
            z = standardize(xbar, ctr, se)
            with np.errstate(invalid="ignore"):
                out = use & ((np.abs(z) > 3 + 1e-9) | (disp_val > du) | ((disp_val < dl) & (dl > 0)))
            if not out.any():
                break
            use = use & ~out
        auto = base & ~excl & (n > 0) & ~use
        limits = Limits(chart=chart, center=center, sigma=sigma, sigma_method=method,
                        n_baseline=int(use.sum()), excluded=tuple(labels[excl | auto]), iterations=iters)
        excl = excl | auto
    ctr, se, disp = limits_at(limits.center, limits.sigma)
    z = standardize(xbar, ctr, se)
    res = {"value": xbar[None, :], "center": ctr[None, :], "sd": se[None, :], "z": z[None, :],
           "disp": tuple(np.asarray(v, dtype=float)[None, :] for v in (disp_val,) + disp)}
    cols = chart_columns(chart, res, rule_ids, base[None, :], excl[None, :], np.zeros((1, m), dtype=bool),
                    n=n[None, :])
    return single_frame(chart, labels, cols, limits, rule_ids)


@chart_doc
def xbar_r(data, subgroups=None, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
           sigma_method: str = "r_bar", rules="western_electric") -> pd.DataFrame:
    """X-bar and R chart for subgroups (sizes may vary; limits then step).

    Parameters
    ----------
    data : DataFrame, 2-D array, list of lists, or 1-D values with ``subgroups``
        One row per subgroup (NaN pads shorter subgroups).
    subgroups : array-like, optional
        Subgroup label of each value when ``data`` is one long column.
    sigma_method : {"r_bar", "s_bar", "pooled"}
        sigma = R-bar / d2(n) (ASTM E2587 weighted mean of R_i/d2(n_i) for unequal sizes),
        S-bar / c4(n), or the pooled standard deviation / c4.
    %(common)s
        The range chart is in ``r_value, r_center, r_lcl, r_ucl, r_beyond`` (rule ``D1``).

    See Also
    --------
    xbar_s : the same with subgroup standard deviations (better for subgroups over 10).
    xmr : for one measurement per period.

    Examples
    --------
    Two subgroups of 3: grand mean 2.5, R-bar = 2; UCL = 2.5 + A2(3) R-bar = 2.5 + 1.0233 x 2
    and the range chart's UCL = D4(3) R-bar = 2.5746 x 2:

    >>> f = xbar_r([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> [round(float(f[k].iloc[0]), 3) for k in ("center", "ucl", "r_center", "r_ucl")]
    [2.5, 4.547, 2.0, 5.149]
    """
    return _xbar("xbar_r", data, subgroups, baseline, exclude, iterate, limits, sigma_method, rules)


@chart_doc
def xbar_s(data, subgroups=None, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
           sigma_method: str = "s_bar", rules="western_electric") -> pd.DataFrame:
    """X-bar and S chart for subgroups (sizes may vary; limits then step).

    Parameters
    ----------
    data : DataFrame, 2-D array, list of lists, or 1-D values with ``subgroups``
    subgroups : array-like, optional
    sigma_method : {"s_bar", "r_bar", "pooled"}
        sigma = S-bar / c4(n) (ASTM E2587 weighted for unequal sizes), R-bar / d2(n), or
        the pooled standard deviation / c4.
    %(common)s
        The standard-deviation chart is in ``s_value, s_center, s_lcl, s_ucl, s_beyond``.

    See Also
    --------
    xbar_r : the same with subgroup ranges.

    Examples
    --------
    Two subgroups of 3, each with standard deviation 1: UCL = 2.5 + A3(3) S-bar = 2.5 +
    1.9544 and the S chart's UCL = B4(3) S-bar = 2.5682:

    >>> f = xbar_s([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> [round(float(f[k].iloc[0]), 3) for k in ("center", "ucl", "s_center", "s_ucl")]
    [2.5, 4.454, 1.0, 2.568]
    """
    return _xbar("xbar_s", data, subgroups, baseline, exclude, iterate, limits, sigma_method, rules)
