"""The chart functions in one namespace: the import path before the charts were split by family
(:mod:`.limits`, :mod:`.variables`, :mod:`.attributes`, :mod:`.batch_charts`).

Kept for one release: import from :mod:`threec_helpers.spc` instead.
"""

from .attributes import c, np_chart, p, p_prime, u, u_prime
from .batch_charts import batch
from .limits import CHARTS, SIGMA_METHODS, Limits, limits_of
from .variables import xbar_r, xbar_s, xmr

__all__ = [
    "Limits", "CHARTS", "SIGMA_METHODS", "xmr", "xbar_r", "xbar_s", "p", "np_chart", "c", "u",
    "p_prime", "u_prime", "batch", "limits_of",
]
