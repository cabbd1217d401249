"""Control-chart constants computed from their definitions, not copied from a table.

For a subgroup of ``n`` independent normal observations with standard deviation sigma:

- ``d2(n)`` = E[R] / sigma, the mean of the relative range, by numerical integration of
  ``1 - Phi(x)^n - (1 - Phi(x))^n`` over the real line;
- ``d3(n)`` = SD[R] / sigma, from E[R^2] = integral of ``2 w P(W > w)`` with the
  distribution of the relative range ``P(W <= w) = n * integral phi(x) (Phi(x+w) - Phi(x))^(n-1) dx``;
- ``c4(n)`` = E[s] / sigma = sqrt(2 / (n-1)) Gamma(n/2) / Gamma((n-1)/2);

and the limit factors derived from them::

    A2 = 3 / (d2 sqrt(n))      A3 = 3 / (c4 sqrt(n))      E2 = 3 / d2
    D3 = max(0, 1 - 3 d3/d2)   D4 = 1 + 3 d3/d2
    B3 = max(0, 1 - 3 sqrt(1 - c4^2) / c4)   B4 = 1 + 3 sqrt(1 - c4^2) / c4

The test suite checks them against the published table (Montgomery, *Introduction to
Statistical Quality Control*, Appendix VI; ASTM E2587).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
# scipy.special only: scipy.stats (~1 s) and scipy.integrate (~0.5 s) would be imported by every
# kernel that draws a control chart; the two integrals below are done with numpy
from scipy import special

from ..errors import ParameterError

__all__ = ["c4", "d2", "d3", "factors", "constants_table", "MEDIAN_MR_FACTOR"]

#: Median of the moving range of two normal observations divided by sigma (d4 for n=2),
#: used by the "median MR / 0.954" estimator of sigma for individuals charts.
MEDIAN_MR_FACTOR = float(np.sqrt(2.0) * special.ndtri(0.75))  # 0.9539...


def _check_n(n) -> int:
    try:
        k = int(n)
    except (TypeError, ValueError):
        raise ParameterError(key="spc.error.subgroup_size", value=repr(n)) from None
    if k != n or k < 2:
        raise ParameterError(key="spc.error.subgroup_size_xmr", value=repr(n))
    return k


@lru_cache(maxsize=None)
def c4(n: int) -> float:
    """Bias factor of the sample standard deviation: E[s] = c4(n) sigma.

    Parameters
    ----------
    n : int
        Subgroup size, at least 2.

    Returns
    -------
    float

    Examples
    --------
    >>> round(c4(5), 4)
    0.94
    """
    k = _check_n(n)
    return float(np.sqrt(2.0 / (k - 1)) * np.exp(special.gammaln(k / 2) - special.gammaln((k - 1) / 2)))


@lru_cache(maxsize=None)
def d2(n: int) -> float:
    """Mean of the relative range of ``n`` normal observations: E[R] = d2(n) sigma.

    Examples
    --------
    >>> round(d2(5), 3)
    2.326
    """
    k = _check_n(n)
    x, w = _d2_grid()
    return float(np.dot(w, 1.0 - special.ndtr(x) ** k - special.ndtr(-x) ** k))


@lru_cache(maxsize=1)
def _d2_grid():
    """Gauss-Legendre nodes and weights on [-12, 12] (the integrand is smooth and below 1e-30
    outside): 600 nodes integrate it to about 1e-13 for any practical n."""
    nodes, weights = np.polynomial.legendre.leggauss(600)
    return 12.0 * nodes, 12.0 * weights


@lru_cache(maxsize=1)
def _grids():
    """Quadrature grids for d3: Simpson in x, Gauss-Legendre in w (0..16 sigma covers the
    range of any practical subgroup size); accurate to better than 1e-6."""
    x = np.linspace(-10.0, 10.0, 4001)
    nodes, weights = np.polynomial.legendre.leggauss(160)
    w = 8.0 * (nodes + 1.0)
    return x, np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi), special.ndtr(x), w, 8.0 * weights, special.ndtr(x[None, :] + w[:, None])


def _simpson(y: np.ndarray, h: float) -> np.ndarray:
    """Composite Simpson's rule along the last axis of ``y`` (an odd number of equally spaced points)."""
    return h / 3.0 * (y[..., 0] + y[..., -1] + 4.0 * y[..., 1:-1:2].sum(axis=-1) + 2.0 * y[..., 2:-1:2].sum(axis=-1))


@lru_cache(maxsize=None)
def d3(n: int) -> float:
    """Standard deviation of the relative range: SD[R] = d3(n) sigma.

    Examples
    --------
    >>> round(d3(5), 3)
    0.864
    """
    k = _check_n(n)
    _X, _PHI, _CDF, _W, _WW, _SHIFTED = _grids()
    inner = _PHI * np.clip(_SHIFTED - _CDF, 0.0, 1.0) ** (k - 1)
    cdf_w = np.minimum(1.0, k * _simpson(inner, _X[1] - _X[0]))  # P(W <= w)
    second = float(np.sum(_WW * 2.0 * _W * (1.0 - cdf_w)))  # E[W^2]
    return float(np.sqrt(max(second - d2(k) ** 2, 0.0)))


@lru_cache(maxsize=None)
def factors(n: int) -> dict[str, float]:
    """All limit factors for subgroup size ``n``.

    Returns
    -------
    dict
        Keys ``n, A2, A3, B3, B4, c4, d2, d3, D3, D4, E2``.

    Examples
    --------
    >>> round(factors(5)["A2"], 3)
    0.577
    """
    k = _check_n(n)
    c, r, s = c4(k), d2(k), d3(k)
    root = np.sqrt(k)
    b = 3.0 * np.sqrt(1.0 - c * c) / c
    out = {
        "A2": 3.0 / (r * root),
        "A3": 3.0 / (c * root),
        "B3": max(0.0, 1.0 - b),
        "B4": 1.0 + b,
        "c4": c,
        "d2": r,
        "d3": s,
        "D3": max(0.0, 1.0 - 3.0 * s / r),
        "D4": 1.0 + 3.0 * s / r,
        "E2": 3.0 / r,
    }
    return {"n": k, **{name: float(v) for name, v in out.items()}}


def constants_table(n_max: int = 25) -> pd.DataFrame:
    """The table of factors for subgroup sizes 2 .. ``n_max``, one row per size.

    Examples
    --------
    >>> constants_table(5).loc[5, "D4"].round(3)
    np.float64(2.114)
    """
    if int(n_max) < 2:
        raise ParameterError(key="spc.error.n_max", value=repr(n_max))
    return pd.DataFrame([factors(k) for k in range(2, int(n_max) + 1)]).set_index("n")
