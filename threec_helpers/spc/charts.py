"""The chart functions in one namespace (the import path before the charts were split by family).

Kept for one release: import from :mod:`threec_helpers.spc` instead.
"""

from ._core import (CHARTS, SIGMA_METHODS, Limits, batch, c, limits_of, np_chart, p, p_prime, u, u_prime,
                    xbar_r, xbar_s, xmr)

__all__ = [
    "Limits", "CHARTS", "SIGMA_METHODS", "xmr", "xbar_r", "xbar_s", "p", "np_chart", "c", "u",
    "p_prime", "u_prime", "batch", "limits_of",
]
