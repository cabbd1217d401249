"""Confidence intervals of the measures: proportions (Wilson), means (Student t), rank correlations.

Shared by :mod:`.satisfaction` (top-2-box, NPS, the CRM chain) and :mod:`.behavior`
(retention and preferred-supplier rates). Vectorised; NaN where there is no data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError


def normal_quantile(confidence: float) -> float:
    """The two-sided standard-normal quantile of a confidence level (1.96 at 0.95).

    Parameters
    ----------
    confidence : float
        Between 0 and 1 (exclusive).

    Returns
    -------
    float

    Raises
    ------
    ParameterError
        When ``confidence`` is not strictly between 0 and 1.

    See Also
    --------
    wilson_interval : the interval of a proportion.
    mean_ci : the interval of a mean.
    spearman_ci : the interval of a rank correlation.
    threec_helpers.measures.satisfaction.nps : the Net Promoter Score with its interval.

    Examples
    --------
    >>> round(normal_quantile(0.95), 4), round(normal_quantile(0.90), 4)
    (1.96, 1.6449)
    """
    if not 0 < confidence < 1:
        raise ParameterError(key="customers.error.confidence", value=confidence)
    from scipy import special  # not scipy.stats: that import costs ~1 s at every kernel start

    return float(special.ndtri(0.5 + confidence / 2))


def wilson_interval(k, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``k / n`` (vectorised; NaN where n = 0).

    Parameters
    ----------
    k, n : array-like
        Successes and trials.
    confidence : float
        Confidence level.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds.

    See Also
    --------
    mean_ci : the interval of a mean.
    spearman_ci : the interval of a rank correlation.
    threec_helpers.measures.satisfaction.nps : the Net Promoter Score with its interval.

    Examples
    --------
    >>> lo, hi = wilson_interval(8, 10)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.49, 0.943)
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = normal_quantile(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lo, hi


def mean_ci(values, confidence: float = 0.95) -> pd.Series:
    """Mean with a Student-t confidence interval (missing values left out).

    Parameters
    ----------
    values : array-like
        The observations.
    confidence : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.Series
        ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high`` (NaN interval with fewer than 2 values).

    See Also
    --------
    wilson_interval : the interval of a proportion.
    spearman_ci : the interval of a rank correlation.
    threec_helpers.measures.satisfaction.nps : the Net Promoter Score with its interval.

    Examples
    --------
    >>> r = mean_ci([3, 4, 5, 4, 4])
    >>> [round(float(r[k]), 3) for k in ("mean", "ci_low", "ci_high")]
    [4.0, 3.122, 4.878]
    """
    x = pd.Series(values, dtype="float64").dropna().to_numpy()
    n = len(x)
    mean = float(x.mean()) if n else np.nan
    sd = float(x.std(ddof=1)) if n > 1 else np.nan
    if n > 1:
        from scipy import special

        half = float(special.stdtrit(n - 1, 0.5 + confidence / 2)) * sd / np.sqrt(n)
        lo, hi = mean - half, mean + half
    else:
        lo = hi = np.nan
    return pd.Series({"n": n, "mean": mean, "sd": sd, "ci_low": lo, "ci_high": hi})


def spearman_ci(x, y, confidence: float = 0.95, method: str = "fieller") -> pd.Series:
    """Spearman rank correlation with a Fisher-z confidence interval.

    Parameters
    ----------
    x, y : array-like
        Paired values; pairs with a missing value are left out.
    confidence : float
        Confidence level.
    method : {"fieller", "bonett-wright"}
        Standard error of z: ``sqrt(1.06 / (n - 3))`` (Fieller, Hartley & Pearson 1957) or
        ``sqrt((1 + rho^2 / 2) / (n - 3))`` (Bonett & Wright 2000).

    Returns
    -------
    pandas.Series
        ``n``, ``rho``, ``ci_low``, ``ci_high``, ``p_value`` (scipy's t approximation).
        NaN interval when n < 4.

    See Also
    --------
    wilson_interval : the interval of a proportion.
    mean_ci : the interval of a mean.
    threec_helpers.measures.satisfaction.nps : the Net Promoter Score with its interval.

    Examples
    --------
    >>> r = spearman_ci([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 1, 4, 3, 6, 5, 8, 7, 10, 9])
    >>> [round(float(r[k]), 3) for k in ("rho", "ci_low", "ci_high")]
    [0.939, 0.749, 0.986]
    """
    a = pd.Series(x, dtype="float64").to_numpy()
    b = pd.Series(y, dtype="float64").to_numpy()
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    n = len(a)
    if n < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return pd.Series({"n": n, "rho": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan})
    from scipy import stats

    res = stats.spearmanr(a, b)
    rho = float(res.statistic)
    if n < 4:
        lo = hi = np.nan
    else:
        if method == "fieller":
            se = np.sqrt(1.06 / (n - 3))
        elif method == "bonett-wright":
            se = np.sqrt((1 + rho * rho / 2) / (n - 3))
        else:
            raise ParameterError(key="customers.error.spearman_method", value=repr(method))
        z = np.arctanh(np.clip(rho, -0.9999999, 0.9999999))
        h = normal_quantile(confidence) * se
        lo, hi = float(np.tanh(z - h)), float(np.tanh(z + h))
    return pd.Series({"n": n, "rho": rho, "ci_low": lo, "ci_high": hi, "p_value": float(res.pvalue)})
