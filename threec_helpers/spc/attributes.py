"""Control charts for attributes (counts): p, np, c and u, and Laney's p' and u' for very large
denominators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._core import NEEDS_N, as_1d, chart_doc, check_counts, individual_chart, point_labels
from .limits import Limits

__all__ = ["p", "np_chart", "c", "u", "p_prime", "u_prime"]


def _attr(chart, counts, sizes, baseline, exclude, iterate, limits, sigma_method, rules):
    x, index = as_1d(counts, "counts")
    labels = point_labels(x.size, index)
    n = None
    if chart in NEEDS_N:
        if sizes is None:
            raise ParameterError(key="spc.error.needs_sizes", chart=chart)
        if np.isscalar(sizes):
            n = np.full(x.size, float(sizes))
        else:
            n, _ = as_1d(sizes, "sizes")
    check_counts(chart, x, n, labels)
    return individual_chart(chart, x, n, labels=labels, baseline=baseline, exclude=exclude,
                             iterate=iterate, limits=limits, sigma_method=sigma_method, rules=rules)


@chart_doc
def p(counts, sizes, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
      rules="western_electric") -> pd.DataFrame:
    """Proportion nonconforming (p) chart; limits step with the sample size.

    Parameters
    ----------
    counts : array-like or Series
        Nonconforming (or conforming) units per period.
    sizes : array-like, Series or number
        Units inspected per period (> 0, >= count).
    %(common)s

    See Also
    --------
    np_chart : the count instead of the proportion, for equal sample sizes.
    p_prime : Laney's p' chart, when very large samples make these limits too narrow.

    Examples
    --------
    Montgomery (2009), 6th ed., Example 7.1, orange-juice cans, 30 samples of 50: p-bar =
    0.2313, UCL = 0.4102, samples 15 and 23 above it (point labels count from 1):

    >>> d = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
    ...      8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
    >>> f = p(d, 50)
    >>> round(float(f["center"].iloc[0]), 4), round(float(f["ucl"].iloc[0]), 4)
    (0.2313, 0.4102)
    >>> f.index[f["beyond"]].tolist()
    [15, 23]
    """
    return _attr("p", counts, sizes, baseline, exclude, iterate, limits, None, rules)


@chart_doc
def np_chart(counts, sizes, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
             rules="western_electric") -> pd.DataFrame:
    """Number nonconforming (np) chart (named ``np_chart`` so as not to shadow numpy).

    Parameters
    ----------
    counts : array-like or Series
    sizes : array-like, Series or number
        Units inspected per period; when they vary the centre line n_i p-bar varies too
        (a p chart is easier to read then).
    %(common)s

    See Also
    --------
    p : the proportion, whose limits step with varying sample sizes.

    Examples
    --------
    Four samples of 100: p-bar = 14/400 = 0.035, centre n p-bar = 3.5, UCL = 3.5 + 3
    sqrt(3.5 x 0.965) = 9.01, LCL = 3.5 - 5.51 < 0, so 0:

    >>> f = np_chart([3, 5, 2, 4], 100)
    >>> [round(float(f[k].iloc[0]), 2) for k in ("center", "lcl", "ucl")]
    [3.5, 0.0, 9.01]
    """
    return _attr("np", counts, sizes, baseline, exclude, iterate, limits, None, rules)


@chart_doc
def c(counts, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
      rules="western_electric") -> pd.DataFrame:
    """Count of nonconformities (c) chart, for a constant area of opportunity.

    Parameters
    ----------
    counts : array-like or Series
        Nonconformities per inspection unit (use a u chart when the unit size varies).
    %(common)s

    See Also
    --------
    u : nonconformities per unit, when the area of opportunity varies.

    Examples
    --------
    Montgomery (2009), 6th ed., Example 7.3 (qcc's ``circuit`` data): nonconformities on 26
    samples of 100 boards; c-bar = 516/26 = 19.846, limits c-bar -+ 3 sqrt(c-bar) = 6.48 and
    33.21 (the book, from c-bar rounded to 19.85: 6.48 and 33.22), samples 6 and 20 beyond:

    >>> x = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13,
    ...      22, 18, 39, 30, 24, 16, 19, 17, 15]
    >>> f = c(x)
    >>> [round(float(f[k].iloc[0]), 2) for k in ("center", "lcl", "ucl")]
    [19.85, 6.48, 33.21]
    >>> f.index[f["beyond"]].tolist()
    [6, 20]
    """
    return _attr("c", counts, None, baseline, exclude, iterate, limits, None, rules)


@chart_doc
def u(counts, sizes, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
      rules="western_electric") -> pd.DataFrame:
    """Nonconformities per unit (u) chart; limits step with the number of units.

    Parameters
    ----------
    counts : array-like or Series
    sizes : array-like, Series or number
        Inspection units (area of opportunity) per period, > 0 (need not be whole).
    %(common)s

    See Also
    --------
    c : the count, for a constant area of opportunity.
    u_prime : Laney's u' chart, for very large areas of opportunity.

    Examples
    --------
    u-bar = 30/14 = 2.143; UCL = 2.143 + 3 sqrt(2.143/5) = 4.107 for 5 units and
    2.143 + 3 sqrt(2.143/4) = 4.339 for 4:

    >>> f = u([10, 12, 8], [5, 5, 4])
    >>> round(float(f["center"].iloc[0]), 3), f["ucl"].round(3).tolist()
    (2.143, [4.107, 4.107, 4.339])
    """
    return _attr("u", counts, sizes, baseline, exclude, iterate, limits, None, rules)


@chart_doc
def p_prime(counts, sizes, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
            sigma_method: str = "mr_bar", rules="western_electric") -> pd.DataFrame:
    """Laney p' chart: a p chart whose limits are widened by the observed period-to-period
    variation (Laney 2002, *Quality Engineering* 14(4)).

    With very large denominators (thousands of calls or patients per month) the binomial
    limits of a p chart become so narrow that almost every point is "out of control"
    (over-dispersion). Laney standardizes ``z_i = (p_i - p-bar) / sigma_pi``, estimates
    ``sigma_z = MR-bar(z) / 1.128`` and draws ``p-bar +- 3 sigma_pi sigma_z``. ``sigma_z``
    near 1 means the p chart was right; the ratio is in ``limits_of(frame).sigma_z``.

    Parameters
    ----------
    counts, sizes : array-like or Series
    sigma_method : {"mr_bar", "mr_median"}
        Estimator of sigma_z from the moving ranges of z.
    %(common)s

    See Also
    --------
    p : the binomial chart this one corrects.
    u_prime : the same correction for rates.

    Examples
    --------
    Eight months of 100,000 cases: the p chart puts 6 of 8 points out of control; the
    month-to-month variation is 7.2 times the binomial one, and the p' chart none:

    >>> from threec_helpers.spc import limits_of
    >>> counts = [4800, 5310, 4550, 5200, 5050, 4700, 5400, 4600]
    >>> int(p(counts, 100_000)["beyond"].sum()), int(p_prime(counts, 100_000)["beyond"].sum())
    (6, 0)
    >>> round(limits_of(p_prime(counts, 100_000)).sigma_z, 2)
    7.23
    """
    return _attr("p_prime", counts, sizes, baseline, exclude, iterate, limits, sigma_method, rules)


@chart_doc
def u_prime(counts, sizes, *, baseline=None, exclude=None, iterate=False, limits: Limits | None = None,
            sigma_method: str = "mr_bar", rules="western_electric") -> pd.DataFrame:
    """Laney u' chart: the u chart counterpart of :func:`p_prime`.

    Parameters
    ----------
    counts, sizes : array-like or Series
    sigma_method : {"mr_bar", "mr_median"}
    %(common)s

    See Also
    --------
    u : the Poisson chart this one corrects.
    p_prime : the same correction for proportions.

    Examples
    --------
    The counts of the :func:`p_prime` example read as events per 100,000 units of exposure:

    >>> counts = [4800, 5310, 4550, 5200, 5050, 4700, 5400, 4600]
    >>> int(u(counts, 100_000)["beyond"].sum()), int(u_prime(counts, 100_000)["beyond"].sum())
    (6, 0)
    """
    return _attr("u_prime", counts, sizes, baseline, exclude, iterate, limits, sigma_method, rules)
