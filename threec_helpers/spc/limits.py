"""Control limits: the :class:`Limits` a chart is computed with, and the pattern every chart follows.

Every chart function (in :mod:`.variables`, :mod:`.attributes` and :mod:`.batch_charts`)
returns a tidy frame, one row per point, and follows the same pattern (like scikit-learn's
fit/transform):

- ``baseline`` (Phase I): which points the limits are computed on -- ``None`` (all), an
  ``int`` k (the first k points), a positional ``slice`` or a boolean mask;
- ``exclude``: labels of baseline points with an assignable cause, left out of the limits
  (they stay on the chart, flagged ``excluded``);
- ``iterate``: also drop baseline points beyond the limits and recompute, until none is
  left (``True``, or an int for the maximum number of passes);
- ``limits``: a frozen :class:`Limits` from an earlier chart (``limits_of(frame)``); every
  point is then judged against it (Phase II) and nothing is re-estimated;
- ``sigma_method``: the estimator of sigma, explicit because published limits differ by it;
- ``rules``: the run rules to apply (see :mod:`threec_helpers.spc.rules`).

Points after the baseline are Phase II: they are judged against the baseline's limits.
Plain arrays get the labels 1..m (sample numbers, as in textbooks); a pandas Series keeps
its index.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["Limits", "CHARTS", "SIGMA_METHODS", "limits_of"]

#: chart ids -> kind
CHARTS = ("xmr", "xbar_r", "xbar_s", "p", "np", "c", "u", "p_prime", "u_prime")
#: chart id -> allowed sigma estimators (first is the default)
SIGMA_METHODS: dict[str, tuple[str, ...]] = {
    "xmr": ("mr_bar", "mr_median"),
    "xbar_r": ("r_bar", "s_bar", "pooled"),
    "xbar_s": ("s_bar", "r_bar", "pooled"),
    "p": ("binomial",),
    "np": ("binomial",),
    "c": ("poisson",),
    "u": ("poisson",),
    "p_prime": ("mr_bar", "mr_median"),
    "u_prime": ("mr_bar", "mr_median"),
}

@dataclass
class Limits:
    """Frozen parameters of a chart, to judge new points (Phase II) or to state a standard.

    Attributes
    ----------
    chart : str
        Chart id, one of :data:`CHARTS`.
    center : float
        Centre: the mean (xmr), grand mean (xbar), p-bar (p, np, p'), c-bar (c) or u-bar (u, u').
    sigma : float
        Standard deviation of an individual observation (xmr, xbar charts); NaN for
        attribute charts, whose sigma follows from the centre and the sample size.
    sigma_z : float
        Laney's ratio of the observed to the binomial/Poisson spread (p', u'); 1 otherwise.
    sigma_method : str
        Estimator used for ``sigma`` / ``sigma_z``.
    n_baseline : int
        Points (subgroups) used for the estimate.
    excluded : tuple
        Labels left out of the estimate (given in ``exclude`` or removed by ``iterate``).
    iterations : int
        Passes made by ``iterate`` (1 without).

    Examples
    --------
    A known standard (Montgomery's piston rings, sigma = 0.01):

    >>> std = Limits(chart="xbar_r", center=74.0, sigma=0.01)
    """

    chart: str
    center: float
    sigma: float = float("nan")
    sigma_z: float = 1.0
    sigma_method: str | None = None
    n_baseline: int = 0
    excluded: tuple = field(default_factory=tuple)
    iterations: int = 1

    def __post_init__(self):
        if self.chart not in CHARTS:
            raise ParameterError(key="spc.error.unknown_chart", chart=repr(self.chart), allowed=", ".join(CHARTS))
        if not np.isfinite(self.center):
            raise ParameterError(key="spc.error.limits_center")
        if self.chart in ("xmr", "xbar_r", "xbar_s") and not (np.isfinite(self.sigma) and self.sigma >= 0):
            raise ParameterError(key="spc.error.limits_sigma", chart=self.chart)
        if not (np.isfinite(self.sigma_z) and self.sigma_z >= 0):
            raise ParameterError(key="spc.error.limits_sigma_z")

    def to_dict(self) -> dict[str, Any]:
        """The limits as a plain dict (for a report or a YAML file)."""
        d = asdict(self)
        d["excluded"] = list(d["excluded"])
        return d


def limits_of(frame: pd.DataFrame) -> Limits:
    """The :class:`Limits` a chart frame was computed with, to re-apply to new data.

    Examples
    --------
    >>> from threec_helpers.spc import xmr
    >>> f = xmr([10.0, 12.0, 11.0, 13.0, 12.0])
    >>> round(limits_of(f).center, 2)
    11.6
    """
    try:
        return frame.attrs["spc"]["limits"]
    except (KeyError, AttributeError, TypeError):
        raise ParameterError(key="spc.error.no_limits_attached") from None
