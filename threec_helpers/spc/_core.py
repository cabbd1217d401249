"""Control charts: one function per chart, each returning a tidy frame, one row per point.

Every chart function follows the same pattern (like scikit-learn's fit/transform):

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

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .constants import MEDIAN_MR_FACTOR, c4, d2, d3
from .rules import evaluate_rules, resolve_rules

__all__ = [
    "Limits", "CHARTS", "SIGMA_METHODS", "xmr", "xbar_r", "xbar_s", "p", "np_chart", "c", "u",
    "p_prime", "u_prime", "batch", "limits_of",
]

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
_BATCH_CHARTS = ("xmr", "p", "np", "c", "u", "p_prime", "u_prime")
_NEEDS_N = ("p", "np", "u", "p_prime", "u_prime")
_PROPORTION = ("p", "p_prime")
_DISPERSION = {"xmr": "mr", "xbar_r": "r", "xbar_s": "s"}
_D2_2 = None  # filled lazily: d2(2)


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
            raise ParameterError(f"unknown chart {self.chart!r}; use one of {', '.join(CHARTS)}")
        if not np.isfinite(self.center):
            raise ParameterError("Limits.center must be a finite number")
        if self.chart in ("xmr", "xbar_r", "xbar_s") and not (np.isfinite(self.sigma) and self.sigma >= 0):
            raise ParameterError(f"Limits.sigma must be a finite number >= 0 for a {self.chart} chart")
        if not (np.isfinite(self.sigma_z) and self.sigma_z >= 0):
            raise ParameterError("Limits.sigma_z must be a finite number >= 0")

    def to_dict(self) -> dict[str, Any]:
        """The limits as a plain dict (for a report or a YAML file)."""
        d = asdict(self)
        d["excluded"] = list(d["excluded"])
        return d


def limits_of(frame: pd.DataFrame) -> Limits:
    """The :class:`Limits` a chart frame was computed with, to re-apply to new data.

    Examples
    --------
    >>> f = xmr([10.0, 12.0, 11.0, 13.0, 12.0])
    >>> round(limits_of(f).center, 2)
    11.6
    """
    try:
        return frame.attrs["spc"]["limits"]
    except (KeyError, AttributeError, TypeError):
        raise ParameterError("this frame has no control limits attached; it must come from a "
                             "threec_helpers.spc chart function (single series, not batch)") from None


# ----------------------------------------------------------------------------- input checks

def _as_1d(x, name: str) -> tuple[np.ndarray, pd.Index | None]:
    index = x.index if isinstance(x, pd.Series) else None
    if isinstance(x, pd.DataFrame):
        raise ParameterError(f"{name} must be one-dimensional (a list, array or Series), not a DataFrame")
    try:
        arr = np.asarray(pd.to_numeric(pd.Series(np.asarray(x, dtype=object).ravel()
                                                 if not isinstance(x, pd.Series) else x.to_numpy()),
                                       errors="raise"), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must hold numbers only ({exc}); clean the column first") from None
    if np.ndim(x) > 1 and not isinstance(x, pd.Series):
        raise ParameterError(f"{name} must be one-dimensional, not of shape {np.shape(x)}")
    if np.isinf(arr).any():
        raise ParameterError(f"{name} holds infinite values at positions "
                             f"{np.flatnonzero(np.isinf(arr))[:5].tolist()}; replace them by NaN or fix them")
    return arr, index


def _labels(m: int, index: pd.Index | None) -> pd.Index:
    if index is not None:
        return index
    return pd.RangeIndex(1, m + 1, name="sample")


def _check_counts(chart: str, x: np.ndarray, n: np.ndarray | None, labels: pd.Index) -> None:
    bad = np.flatnonzero(x < 0)
    if bad.size:
        raise ParameterError(f"{chart} chart: counts must be >= 0; negative at {list(labels[bad[:5]])}")
    if n is None:
        return
    if n.shape != x.shape:
        raise ParameterError(f"{chart} chart: counts ({x.size}) and sample sizes ({n.size}) differ in length")
    bad = np.flatnonzero(n <= 0)
    if bad.size:
        raise ParameterError(f"{chart} chart: sample sizes must be > 0; got {n[bad[:5]].tolist()} at "
                             f"{list(labels[bad[:5]])}. Drop those periods or give the real denominator")
    bad = np.flatnonzero(np.isfinite(x) & np.isnan(n))
    if bad.size:
        raise ParameterError(f"{chart} chart: a count without a sample size at {list(labels[bad[:5]])}; "
                             "give the denominator or set the count to NaN")
    if chart in ("p", "np", "p_prime"):
        bad = np.flatnonzero(x > n)
        if bad.size:
            raise ParameterError(f"{chart} chart: count above sample size at {list(labels[bad[:5]])} "
                                 f"({x[bad[0]]:g} of {n[bad[0]]:g}); a proportion cannot exceed 1")


def _baseline_mask(baseline, m: int) -> np.ndarray:
    if baseline is None or baseline is True:
        mask = np.ones(m, dtype=bool)
    elif isinstance(baseline, (bool, np.bool_)):
        raise ParameterError("baseline=False leaves no point to compute limits on; pass limits= instead")
    elif isinstance(baseline, (int, np.integer)):
        if not 1 <= baseline <= m:
            raise ParameterError(f"baseline={baseline} must be between 1 and the number of points ({m})")
        mask = np.zeros(m, dtype=bool)
        mask[: int(baseline)] = True
    elif isinstance(baseline, slice):
        mask = np.zeros(m, dtype=bool)
        mask[baseline] = True
    else:
        arr = np.asarray(baseline)
        if arr.dtype != bool or arr.shape != (m,):
            raise ParameterError("baseline must be None, an int (first k points), a slice of positions or "
                                 f"a boolean mask of length {m}")
        mask = arr.copy()
    if not mask.any():
        raise ParameterError("the baseline selects no point; widen it")
    return mask


def _exclude_mask(exclude, labels: pd.Index) -> np.ndarray:
    if exclude is None:
        return np.zeros(len(labels), dtype=bool)
    if np.isscalar(exclude):
        exclude = [exclude]
    exclude = list(exclude)
    mask = labels.isin(exclude)
    missing = [e for e in exclude if e not in set(labels)]
    if missing:
        raise ParameterError(f"exclude: no point labelled {missing[:5]}; labels are "
                             f"{list(labels[:3])}...{list(labels[-2:])}")
    return np.asarray(mask, dtype=bool)


def _sigma_method(chart: str, method: str | None) -> str:
    allowed = SIGMA_METHODS[chart]
    if method is None:
        return allowed[0]
    if method not in allowed:
        raise ParameterError(f"sigma_method={method!r} is not available for a {chart} chart; "
                             f"use one of {', '.join(allowed)}")
    return method


def _max_iter(iterate) -> int:
    if iterate is True:
        return 25
    if iterate is False or iterate is None or iterate == 0:
        return 1
    if isinstance(iterate, (int, np.integer)) and iterate > 0:
        return int(iterate)
    raise ParameterError(f"iterate must be True/False or a positive number of passes, not {iterate!r}")


# ----------------------------------------------------------------------------- 2-D core

def _d2_2() -> float:
    global _D2_2
    if _D2_2 is None:
        _D2_2 = d2(2)
    return _D2_2


def _masked_mean(a: np.ndarray, use: np.ndarray) -> np.ndarray:
    ok = use & np.isfinite(a)
    cnt = ok.sum(axis=1)
    tot = np.where(ok, a, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def _mr_sigma(v: np.ndarray, use: np.ndarray, method: str) -> np.ndarray:
    """sigma from moving ranges of consecutive used, non-missing points, per row."""
    ok = use & np.isfinite(v)
    pair = ok[:, 1:] & ok[:, :-1]
    mr = np.abs(np.diff(np.where(ok, v, 0.0), axis=1))
    if method in ("mr_bar",):
        return _masked_mean(mr, pair) / _d2_2()
    mr = np.where(pair, mr, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(mr, axis=1) / MEDIAN_MR_FACTOR


def _standardize(value: np.ndarray, center: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """z = (value - center) / sd; where sd == 0: 0 on the centre, +-inf off it."""
    dev = value - center
    with np.errstate(invalid="ignore", divide="ignore"):
        z = dev / sd
    zero = sd == 0
    if zero.any():
        with np.errstate(invalid="ignore"):
            z = np.where(zero, np.where(np.abs(dev) <= 1e-12 * np.maximum(1.0, np.abs(center)), 0.0,
                                        np.sign(dev) * np.inf), z)
        z = np.where(np.isnan(value), np.nan, z)
    return z


def _attr_plot_value(chart: str, x: np.ndarray, n: np.ndarray | None) -> np.ndarray:
    if chart in ("p", "u", "p_prime", "u_prime"):
        with np.errstate(invalid="ignore", divide="ignore"):
            return x / n
    return x


def _fit_1(chart: str, x, n, value, use, method):
    """center, sigma, sigma_z per row (arrays of shape (S,))."""
    s = x.shape[0]
    nan = np.full(s, np.nan)
    one = np.ones(s)
    if chart == "xmr":
        return _masked_mean(x, use), _mr_sigma(x, use, method), one
    if chart == "c":
        return _masked_mean(x, use), nan, one
    ok = use & np.isfinite(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        center = np.where(ok, x, 0.0).sum(axis=1) / np.where(ok, n, 0.0).sum(axis=1)
    if chart not in ("p_prime", "u_prime"):
        return center, nan, one
    _, sd = _apply_1(chart, n, center, nan, one)
    z = _standardize(value, center[:, None], sd)
    z = np.where(np.isinf(z), np.nan, z)
    return center, nan, _mr_sigma(z, use, method)


def _apply_1(chart: str, n, center, sigma, sigma_z):
    """per-point centre and sd of the plotted statistic, shape (S, T)."""
    c = center[:, None]
    if chart == "xmr":
        return np.broadcast_to(c, n.shape).copy(), np.broadcast_to(sigma[:, None], n.shape).copy()
    if chart == "c":
        return np.broadcast_to(c, n.shape).copy(), np.broadcast_to(np.sqrt(c), n.shape).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        if chart in ("p", "p_prime"):
            sd = np.sqrt(c * (1.0 - c) / n) * sigma_z[:, None]
            return np.broadcast_to(c, n.shape).copy(), sd
        if chart == "np":
            return n * c, np.sqrt(n * c * (1.0 - c))
        sd = np.sqrt(c / n) * sigma_z[:, None]  # u, u_prime
        return np.broadcast_to(c, n.shape).copy(), sd


def _bounds(chart: str, n=None):
    """natural lower/upper bounds of the plotted statistic."""
    if chart == "xmr" or chart.startswith("xbar"):
        return -np.inf, np.inf
    if chart in _PROPORTION:
        return 0.0, 1.0
    if chart == "np":
        return 0.0, n
    return 0.0, np.inf


def _core_individual(chart, x, n, base, excl, method, max_iter, limits: Limits | None):
    """Vectorised fit + apply over rows. Returns dict of (S,T) arrays and per-row params."""
    value = _attr_plot_value(chart, x, n)
    finite = np.isfinite(value)
    if limits is not None:
        s = x.shape[0]
        center = np.full(s, float(limits.center))
        sigma = np.full(s, float(limits.sigma))
        sigma_z = np.full(s, float(limits.sigma_z))
        use = np.zeros_like(base)
        iterations = 0
    else:
        use = base & ~excl & finite
        iterations = 0
        for iterations in range(1, max_iter + 1):
            center, sigma, sigma_z = _fit_1(chart, x, n, value, use, method)
            if max_iter == 1:
                break
            ctr, sd = _apply_1(chart, n, center, sigma, sigma_z)
            z = _standardize(value, ctr, sd)
            out = use & (np.abs(z) > 3.0 + 1e-9)
            if not out.any():
                break
            use = use & ~out
            if iterations == max_iter:
                center, sigma, sigma_z = _fit_1(chart, x, n, value, use, method)
    ctr, sd = _apply_1(chart, n, center, sigma, sigma_z)
    z = _standardize(value, ctr, sd)
    res = {"value": value, "center": ctr, "sd": sd, "z": z, "use": use}
    if chart == "xmr":
        mr = np.full(x.shape, np.nan)
        mr[:, 1:] = np.abs(np.diff(x, axis=1))
        k2, k3 = _d2_2(), d3(2)
        sg = sigma[:, None]
        res["disp"] = (mr, np.broadcast_to(k2 * sg, x.shape), np.broadcast_to(np.maximum(0.0, k2 - 3 * k3) * sg, x.shape),
                       np.broadcast_to((k2 + 3 * k3) * sg, x.shape))
    return res, center, sigma, sigma_z, iterations


# ----------------------------------------------------------------------------- frame building

def _rule_strings(flags: dict[str, np.ndarray], shape) -> tuple[np.ndarray, np.ndarray]:
    """Comma-joined ids of the rules firing at each point, without a per-point loop.

    Returns integer codes of ``shape`` and the array of distinct strings they index."""
    ids = list(flags)
    if not ids:
        return np.zeros(shape, dtype=np.int64), np.array([""], dtype=object)
    code = np.zeros(shape, dtype=np.int64)
    for k, rid in enumerate(ids):
        code |= flags[rid].astype(np.int64) << k
    uniq, inv = np.unique(code, return_inverse=True)
    names = np.array([",".join(rid for k, rid in enumerate(ids) if (u >> k) & 1) for u in uniq], dtype=object)
    return inv.reshape(shape), names


def _columns(chart, res, rule_ids, base, excl, use_limits, n=None, count=None):
    """Columns (2-D arrays) common to every chart."""
    value, center, sd, z = res["value"], res["center"], res["sd"], res["z"]
    lo, hi = _bounds(chart, n)
    with np.errstate(invalid="ignore"):
        def clip(a):
            return np.clip(a, lo, hi)
        cols: dict[str, np.ndarray] = {}
        cols["phase"] = (base & ~use_limits)  # converted to "I"/"II" by the frame builders
        cols["baseline"] = base & ~use_limits
        cols["excluded"] = excl
        if count is not None:
            cols["count"] = count
        cols["n"] = n if n is not None else np.ones(value.shape)
        cols["value"] = value
        cols["center"] = center
        cols["sigma"] = sd
        cols["lcl"] = clip(center - 3 * sd)
        cols["ucl"] = clip(center + 3 * sd)
        cols["minus_2s"] = clip(center - 2 * sd)
        cols["minus_1s"] = clip(center - sd)
        cols["plus_1s"] = clip(center + sd)
        cols["plus_2s"] = clip(center + 2 * sd)
        cols["z"] = z
        cols["beyond"] = np.abs(z) > 3.0 + 1e-9
    flags = evaluate_rules(z, rule_ids) if rule_ids else {}
    if "disp" in res and rule_ids:
        dv, dc, dl, du = res["disp"]
        with np.errstate(invalid="ignore"):
            flags["D1"] = (dv > du * (1 + 1e-12) + 1e-300) | (dv < dl * (1 - 1e-12) - 1e-300) & (dl > 0)
    signal = np.zeros(value.shape, dtype=bool)
    for f in flags.values():
        signal |= f
    cols["signal"] = signal
    cols["rules"] = _rule_strings(flags, value.shape)  # (codes, names); see _materialize
    for rid, f in flags.items():
        cols[f"rule_{rid}"] = f
    if "disp" in res:
        pre = _DISPERSION[chart]
        dv, dc, dl, du = res["disp"]
        cols[f"{pre}_value"] = dv
        cols[f"{pre}_center"] = np.asarray(dc, dtype=float)
        cols[f"{pre}_lcl"] = np.asarray(dl, dtype=float)
        cols[f"{pre}_ucl"] = np.asarray(du, dtype=float)
        with np.errstate(invalid="ignore"):
            cols[f"{pre}_beyond"] = (dv > du * (1 + 1e-12) + 1e-300) | ((dv < dl * (1 - 1e-12)) & (dl > 0))
    return cols


def _materialize(cols: dict, take) -> dict:
    """Turn the 2-D column arrays into 1-D frame columns; ``take`` maps a 2-D array to 1-D."""
    out = {}
    for k, v in cols.items():
        if k == "phase":
            out[k] = pd.Categorical.from_codes(take(~np.asarray(v)).astype(np.int8), categories=["I", "II"])
        elif k == "rules":
            codes, names = v
            out[k] = pd.Categorical.from_codes(take(codes), categories=pd.Index(names, dtype=object))
        else:
            out[k] = take(np.asarray(v))
    return out


def _single_frame(chart, labels, cols, limits, rule_ids, dispersion=None):
    data = _materialize(cols, lambda a: a[0])
    data["phase"] = np.asarray(data["phase"], dtype=object)
    data["rules"] = np.asarray(data["rules"], dtype=object)
    frame = pd.DataFrame(data, index=labels)
    frame.insert(0, "chart", chart)
    frame.attrs["spc"] = {"chart": chart, "limits": limits, "rules": tuple(rule_ids),
                          "dispersion": dispersion or _DISPERSION.get(chart)}
    return frame


def _individual_chart(chart, x, n, *, labels, baseline, exclude, iterate, limits, sigma_method, rules):
    rule_ids = resolve_rules(rules)
    m = x.size
    if m == 0:
        raise ParameterError(f"{chart} chart: no data points")
    if limits is not None:
        if not isinstance(limits, Limits):
            raise ParameterError("limits must be a Limits object (from limits_of(frame) or Limits(...))")
        if limits.chart != chart:
            raise ParameterError(f"these limits belong to a {limits.chart} chart, not a {chart} chart")
        if baseline is not None or exclude is not None or iterate:
            raise ParameterError("give either frozen limits (Phase II) or baseline/exclude/iterate (Phase I), not both")
        method = limits.sigma_method or SIGMA_METHODS[chart][0]
    else:
        method = _sigma_method(chart, sigma_method)
    base = _baseline_mask(baseline, m) if limits is None else np.zeros(m, dtype=bool)
    excl = _exclude_mask(exclude, labels)
    if limits is None:
        used = base & ~excl & np.isfinite(x)
        need = 2 if chart in ("xmr", "p_prime", "u_prime") else 1
        if used.sum() < need:
            raise ParameterError(f"{chart} chart: the baseline has {int(used.sum())} usable point(s); "
                                 f"at least {need} are needed (20-25 recommended)")
    n2 = (n if n is not None else np.ones(m))[None, :]
    res, center, sigma, sigma_z, iters = _core_individual(
        chart, x[None, :], n2, base[None, :], excl[None, :], method, _max_iter(iterate), limits)
    if limits is None:
        auto = base & ~excl & np.isfinite(res["value"][0]) & ~res["use"][0]
        all_excl = excl | auto
        if chart in ("xmr", "p_prime", "u_prime") and not np.isfinite((sigma if chart == "xmr" else sigma_z)[0]):
            raise ParameterError(f"{chart} chart: sigma cannot be estimated: the baseline has no two "
                                 "consecutive usable points")
        limits = Limits(chart=chart, center=float(center[0]),
                        sigma=float(sigma[0]), sigma_z=float(sigma_z[0]), sigma_method=method,
                        n_baseline=int(res["use"][0].sum()), excluded=tuple(labels[all_excl]),
                        iterations=int(iters))
        use_limits = np.zeros((1, m), dtype=bool)
        excl_col = all_excl[None, :]
    else:
        use_limits = np.zeros((1, m), dtype=bool)
        excl_col = excl[None, :]
    count = x[None, :] if chart in _NEEDS_N or chart == "c" else None
    cols = _columns(chart, res, rule_ids, base[None, :], excl_col, use_limits,
                    n=n2 if n is not None else None, count=count)
    if chart == "xmr":
        cols.pop("n")
    if chart == "c":
        cols.pop("n")
    return _single_frame(chart, labels, cols, limits, rule_ids)


# ----------------------------------------------------------------------------- public charts

#: the parameters and return value every single-series chart shares; :func:`_chart_doc` puts
#: them into each chart's docstring at the ``%(common)s`` line, so ``help()`` and doctests see them
_COMMON_DOC = """\
    baseline : None, int, slice or bool array, optional
        Phase I points the limits are computed on (default: all). Later points are Phase II.
    exclude : list, optional
        Labels of baseline points with an assignable cause, left out of the limits.
    iterate : bool or int, default False
        Also drop baseline points beyond the limits and recompute, until none is left.
    limits : Limits, optional
        Frozen limits (``limits_of(earlier_frame)``): judge every point against them.
    rules : str or list of str, default "western_electric"
        Run rules: "western_electric", "nelson", "all", "limits", "none" or rule ids.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``value, center, sigma, lcl, ucl, minus_2s, minus_1s, plus_1s,
        plus_2s, z, beyond, signal, rules, rule_<id>...`` plus ``phase``, ``baseline``,
        ``excluded``; the limits are in ``frame.attrs["spc"]`` (see :func:`limits_of`).
"""


def _chart_doc(func):
    """Put :data:`_COMMON_DOC` into ``func.__doc__`` at its ``%(common)s`` line.

    A docstring built as ``\"\"\"...\"\"\" + _COMMON_DOC + \"\"\"...\"\"\"`` is an expression, not a
    docstring: Python leaves ``__doc__`` empty, ``help()`` shows nothing and doctests never run.
    """
    if func.__doc__ is not None:  # None under python -OO
        marker = "    %(common)s\n"
        if marker not in func.__doc__:  # pragma: no cover - a programming error
            raise AssertionError(f"{func.__name__}'s docstring lacks the %(common)s line")
        func.__doc__ = func.__doc__.replace(marker, _COMMON_DOC)
    return func


@_chart_doc
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
    x, index = _as_1d(values, "values")
    labels = _labels(x.size, index)
    return _individual_chart("xmr", x, None, labels=labels, baseline=baseline, exclude=exclude,
                             iterate=iterate, limits=limits, sigma_method=sigma_method, rules=rules)


def _attr(chart, counts, sizes, baseline, exclude, iterate, limits, sigma_method, rules):
    x, index = _as_1d(counts, "counts")
    labels = _labels(x.size, index)
    n = None
    if chart in _NEEDS_N:
        if sizes is None:
            raise ParameterError(f"a {chart} chart needs the sample sizes (denominators)")
        if np.isscalar(sizes):
            n = np.full(x.size, float(sizes))
        else:
            n, _ = _as_1d(sizes, "sizes")
    _check_counts(chart, x, n, labels)
    return _individual_chart(chart, x, n, labels=labels, baseline=baseline, exclude=exclude,
                             iterate=iterate, limits=limits, sigma_method=sigma_method, rules=rules)


@_chart_doc
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


@_chart_doc
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


@_chart_doc
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


@_chart_doc
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


@_chart_doc
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

    >>> counts = [4800, 5310, 4550, 5200, 5050, 4700, 5400, 4600]
    >>> int(p(counts, 100_000)["beyond"].sum()), int(p_prime(counts, 100_000)["beyond"].sum())
    (6, 0)
    >>> round(limits_of(p_prime(counts, 100_000)).sigma_z, 2)
    7.23
    """
    return _attr("p_prime", counts, sizes, baseline, exclude, iterate, limits, sigma_method, rules)


@_chart_doc
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


# ----------------------------------------------------------------------------- xbar charts

def _subgroups(data, subgroups):
    """(labels, 2-D array with NaN padding) from a frame, a 2-D array, ragged lists or long data."""
    if subgroups is not None:
        x, _ = _as_1d(data, "data")
        g = np.asarray(subgroups)
        if g.shape != x.shape:
            raise ParameterError(f"data ({x.size}) and subgroups ({g.size}) differ in length")
        codes, uniq = pd.factorize(pd.Series(g), sort=False)
        pos = pd.Series(codes).groupby(codes).cumcount().to_numpy()
        arr = np.full((len(uniq), int(pos.max()) + 1 if pos.size else 0), np.nan)
        arr[codes, pos] = x
        labels = pd.Index(uniq, name=getattr(subgroups, "name", None) or "subgroup")
    elif isinstance(data, pd.DataFrame):
        try:
            arr = data.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"subgroup data must hold numbers only ({exc})") from None
        labels = data.index
    else:
        try:
            rows = [np.asarray(r, dtype=float).ravel() for r in data]
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"subgroup data must be a 2-D array of numbers or a list of lists ({exc})") from None
        width = max((r.size for r in rows), default=0)
        arr = np.full((len(rows), width), np.nan)
        for i, r in enumerate(rows):
            arr[i, : r.size] = r
        labels = pd.RangeIndex(1, len(rows) + 1, name="sample")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ParameterError("subgroup data must have one row per subgroup and at least one subgroup")
    if np.isinf(arr).any():
        raise ParameterError("subgroup data holds infinite values; replace them by NaN or fix them")
    return labels, arr


def _xbar_sigma(method, n, r, s, use):
    """sigma from the usable subgroups (n >= 2)."""
    ok = use & (n >= 2)
    if not ok.any():
        raise ParameterError("xbar chart: the baseline has no subgroup with at least 2 observations; "
                             "use an XmR chart for single observations")
    nn = n[ok].astype(int)
    if method == "r_bar":
        k2 = np.array([d2(k) for k in nn])
        k3 = np.array([d3(k) for k in nn])
        if (nn == nn[0]).all():
            return float(r[ok].mean() / k2[0])
        w = k2 ** 2 / k3 ** 2  # ASTM E2587 weights for unequal subgroup sizes
        return float(np.sum(w * r[ok] / k2) / w.sum())
    if method == "s_bar":
        k4 = np.array([c4(k) for k in nn])
        if (nn == nn[0]).all():
            return float(s[ok].mean() / k4[0])
        w = k4 ** 2 / (1 - k4 ** 2)
        return float(np.sum(w * s[ok] / k4) / w.sum())
    dof = (nn - 1).sum()  # pooled
    return float(np.sqrt(np.sum((nn - 1) * s[ok] ** 2) / dof) / c4(int(dof) + 1))


def _xbar(kind, data, subgroups, baseline, exclude, iterate, limits, sigma_method, rules):
    chart = kind
    rule_ids = resolve_rules(rules)
    labels, arr = _subgroups(data, subgroups)
    m = arr.shape[0]
    n = np.isfinite(arr).sum(axis=1).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        xbar = np.where(n > 0, np.nansum(arr, axis=1) / np.maximum(n, 1), np.nan)
        rng = np.where(n >= 2, np.nanmax(arr, axis=1) - np.nanmin(arr, axis=1), np.nan)
        sd = np.where(n >= 2, np.nanstd(arr, axis=1, ddof=1), np.nan)
    if limits is not None:
        if not isinstance(limits, Limits) or limits.chart != chart:
            raise ParameterError(f"limits must be a Limits object of a {chart} chart")
        if baseline is not None or exclude is not None or iterate:
            raise ParameterError("give either frozen limits (Phase II) or baseline/exclude/iterate (Phase I), not both")
        method = limits.sigma_method or SIGMA_METHODS[chart][0]
        base = np.zeros(m, dtype=bool)
        excl = _exclude_mask(exclude, labels)
    else:
        method = _sigma_method(chart, sigma_method)
        base = _baseline_mask(baseline, m)
        excl = _exclude_mask(exclude, labels)
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
        for iters in range(1, _max_iter(iterate) + 1):
            okn = use & (n > 0)
            if not okn.any():
                raise ParameterError("xbar chart: the baseline has no usable subgroup")
            center = float(np.sum(n[okn] * xbar[okn]) / n[okn].sum())
            sigma = _xbar_sigma(method, n, rng, sd, use)
            if _max_iter(iterate) == 1:
                break
            ctr, se, (dc, dl, du) = limits_at(center, sigma)
            z = _standardize(xbar, ctr, se)
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
    z = _standardize(xbar, ctr, se)
    res = {"value": xbar[None, :], "center": ctr[None, :], "sd": se[None, :], "z": z[None, :],
           "disp": tuple(np.asarray(v, dtype=float)[None, :] for v in (disp_val,) + disp)}
    cols = _columns(chart, res, rule_ids, base[None, :], excl[None, :], np.zeros((1, m), dtype=bool),
                    n=n[None, :])
    return _single_frame(chart, labels, cols, limits, rule_ids)


@_chart_doc
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


@_chart_doc
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


# ----------------------------------------------------------------------------- batch

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
    if chart not in _BATCH_CHARTS:
        raise ParameterError(f"batch supports {', '.join(_BATCH_CHARTS)}; not {chart!r}")
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("batch needs a long DataFrame (one row per series and period)")
    for col in (series_col, value_col, n_col, period_col, exclude_col):
        if col is not None and col not in data.columns:
            raise ParameterError(f"column {col!r} not in the data; columns are {list(data.columns)}")
    if chart in _NEEDS_N and n_col is None:
        raise ParameterError(f"a {chart} chart needs n_col (the denominators)")
    rule_ids = resolve_rules(rules)
    method = _sigma_method(chart, sigma_method)
    d = data
    if period_col is not None:
        d = d.sort_values([series_col, period_col], kind="stable")
    codes, uniq = pd.factorize(d[series_col], sort=period_col is not None)
    pos = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    s_count, t_count = len(uniq), int(pos.max()) + 1 if len(pos) else 0
    if s_count == 0:
        raise ParameterError("batch: the data has no rows")

    def grid(col):
        vals, _ = _as_1d(d[col].reset_index(drop=True), col)
        g = np.full((s_count, t_count), np.nan)
        g[codes, pos] = vals
        return g

    x = grid(value_col)
    present = np.zeros((s_count, t_count), dtype=bool)
    present[codes, pos] = True
    n = grid(n_col) if chart in _NEEDS_N else np.ones((s_count, t_count))
    if chart in _NEEDS_N or chart in ("c",):
        _check_counts(chart, x[present], n[present] if chart in _NEEDS_N else None,
                      pd.Index(d[series_col].to_numpy()[np.lexsort((pos, codes))]))
    base = np.broadcast_to(_baseline_mask(baseline, t_count), (s_count, t_count)) & present
    excl = np.zeros((s_count, t_count), dtype=bool)
    if exclude_col is not None:
        excl[codes, pos] = d[exclude_col].fillna(False).to_numpy(dtype=bool)
    res, center, sigma, sigma_z, iters = _core_individual(chart, x, n, base, excl, method, _max_iter(iterate), None)
    auto = base & ~excl & np.isfinite(res["value"]) & ~res["use"]
    count = x if chart in _NEEDS_N or chart == "c" else None
    cols = _columns(chart, res, rule_ids, base, excl | auto, np.zeros_like(base),
                    n=n if chart in _NEEDS_N else None, count=count)
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
    frame = pd.DataFrame({**head, **_materialize(cols, take)})
    frame.insert(0, "chart", chart)
    lim = pd.DataFrame({"center": center, "sigma": sigma, "sigma_z": sigma_z,
                        "n_baseline": res["use"].sum(axis=1)}, index=pd.Index(uniq, name=series_col))
    frame.attrs["spc"] = {"chart": chart, "limits": lim, "rules": tuple(rule_ids),
                          "dispersion": _DISPERSION.get(chart), "series_col": series_col,
                          "period_col": period_col or "position", "sigma_method": method}
    return frame
