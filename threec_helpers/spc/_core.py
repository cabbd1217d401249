"""The machinery every control chart shares (private to :mod:`threec_helpers.spc`).

Input checks, the vectorised (series x points) fit of centre and sigma and the standardized
values the run rules read, the frame a chart returns, the parameters every chart documents
(:data:`COMMON_DOC`, filled in by :func:`chart_doc`), and the subgroup helpers of the X-bar
charts that :mod:`.capability` shares (:func:`subgroup_matrix`, :func:`xbar_sigma`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .constants import MEDIAN_MR_FACTOR, c4, d2, d3
from .limits import SIGMA_METHODS, Limits
from .rules import evaluate_rules, resolve_rules

BATCH_CHARTS = ("xmr", "p", "np", "c", "u", "p_prime", "u_prime")
NEEDS_N = ("p", "np", "u", "p_prime", "u_prime")
PROPORTION = ("p", "p_prime")
DISPERSION = {"xmr": "mr", "xbar_r": "r", "xbar_s": "s"}
_D2_2 = None  # filled lazily: d2(2)


# ----------------------------------------------------------------------------- input checks

def as_1d(x, name: str) -> tuple[np.ndarray, pd.Index | None]:
    index = x.index if isinstance(x, pd.Series) else None
    if isinstance(x, pd.DataFrame):
        raise ParameterError(key="spc.error.not_1d_frame", name=name)
    try:
        arr = np.asarray(pd.to_numeric(pd.Series(np.asarray(x, dtype=object).ravel()
                                                 if not isinstance(x, pd.Series) else x.to_numpy()),
                                       errors="raise"), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(key="spc.error.not_numbers", name=name, detail=exc) from None
    if np.ndim(x) > 1 and not isinstance(x, pd.Series):
        raise ParameterError(key="spc.error.not_1d_shape", name=name, shape=np.shape(x))
    if np.isinf(arr).any():
        raise ParameterError(key="spc.error.infinite", name=name,
                             positions=np.flatnonzero(np.isinf(arr))[:5].tolist())
    return arr, index


def point_labels(m: int, index: pd.Index | None) -> pd.Index:
    if index is not None:
        return index
    return pd.RangeIndex(1, m + 1, name="sample")


def check_counts(chart: str, x: np.ndarray, n: np.ndarray | None, labels: pd.Index) -> None:
    bad = np.flatnonzero(x < 0)
    if bad.size:
        raise ParameterError(key="spc.error.negative_counts", chart=chart, labels=list(labels[bad[:5]]))
    if n is None:
        return
    if n.shape != x.shape:
        raise ParameterError(key="spc.error.counts_sizes_length", chart=chart, n_counts=x.size, n_sizes=n.size)
    bad = np.flatnonzero(n <= 0)
    if bad.size:
        raise ParameterError(key="spc.error.sizes_not_positive", chart=chart, sizes=n[bad[:5]].tolist(),
                             labels=list(labels[bad[:5]]))
    bad = np.flatnonzero(np.isfinite(x) & np.isnan(n))
    if bad.size:
        raise ParameterError(key="spc.error.count_without_size", chart=chart, labels=list(labels[bad[:5]]))
    if chart in ("p", "np", "p_prime"):
        bad = np.flatnonzero(x > n)
        if bad.size:
            raise ParameterError(key="spc.error.count_above_size", chart=chart, labels=list(labels[bad[:5]]),
                                 count=f"{x[bad[0]]:g}", size=f"{n[bad[0]]:g}")


def baseline_mask(baseline, m: int) -> np.ndarray:
    if baseline is None or baseline is True:
        mask = np.ones(m, dtype=bool)
    elif isinstance(baseline, (bool, np.bool_)):
        raise ParameterError(key="spc.error.baseline_false")
    elif isinstance(baseline, (int, np.integer)):
        if not 1 <= baseline <= m:
            raise ParameterError(key="spc.error.baseline_range", baseline=baseline, m=m)
        mask = np.zeros(m, dtype=bool)
        mask[: int(baseline)] = True
    elif isinstance(baseline, slice):
        mask = np.zeros(m, dtype=bool)
        mask[baseline] = True
    else:
        arr = np.asarray(baseline)
        if arr.dtype != bool or arr.shape != (m,):
            raise ParameterError(key="spc.error.baseline_type", m=m)
        mask = arr.copy()
    if not mask.any():
        raise ParameterError(key="spc.error.baseline_empty")
    return mask


def exclude_mask(exclude, labels: pd.Index) -> np.ndarray:
    if exclude is None:
        return np.zeros(len(labels), dtype=bool)
    if np.isscalar(exclude):
        exclude = [exclude]
    exclude = list(exclude)
    mask = labels.isin(exclude)
    missing = [e for e in exclude if e not in set(labels)]
    if missing:
        raise ParameterError(key="spc.error.exclude_unknown", missing=missing[:5], first=list(labels[:3]),
                             last=list(labels[-2:]))
    return np.asarray(mask, dtype=bool)


def check_sigma_method(chart: str, method: str | None) -> str:
    allowed = SIGMA_METHODS[chart]
    if method is None:
        return allowed[0]
    if method not in allowed:
        raise ParameterError(key="spc.error.sigma_method", method=repr(method), chart=chart,
                             allowed=", ".join(allowed))
    return method


def max_passes(iterate) -> int:
    if iterate is True:
        return 25
    if iterate is False or iterate is None or iterate == 0:
        return 1
    if isinstance(iterate, (int, np.integer)) and iterate > 0:
        return int(iterate)
    raise ParameterError(key="spc.error.iterate", value=repr(iterate))


# ----------------------------------------------------------------------------- 2-D core

def d2_2() -> float:
    global _D2_2
    if _D2_2 is None:
        _D2_2 = d2(2)
    return _D2_2


def masked_mean(a: np.ndarray, use: np.ndarray) -> np.ndarray:
    ok = use & np.isfinite(a)
    cnt = ok.sum(axis=1)
    tot = np.where(ok, a, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def mr_sigma(v: np.ndarray, use: np.ndarray, method: str) -> np.ndarray:
    """sigma from moving ranges of consecutive used, non-missing points, per row."""
    ok = use & np.isfinite(v)
    pair = ok[:, 1:] & ok[:, :-1]
    mr = np.abs(np.diff(np.where(ok, v, 0.0), axis=1))
    if method in ("mr_bar",):
        return masked_mean(mr, pair) / d2_2()
    mr = np.where(pair, mr, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(mr, axis=1) / MEDIAN_MR_FACTOR


def standardize(value: np.ndarray, center: np.ndarray, sd: np.ndarray) -> np.ndarray:
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


def plot_values(chart: str, x: np.ndarray, n: np.ndarray | None) -> np.ndarray:
    if chart in ("p", "u", "p_prime", "u_prime"):
        with np.errstate(invalid="ignore", divide="ignore"):
            return x / n
    return x


def fit_rows(chart: str, x, n, value, use, method):
    """center, sigma, sigma_z per row (arrays of shape (S,))."""
    s = x.shape[0]
    nan = np.full(s, np.nan)
    one = np.ones(s)
    if chart == "xmr":
        return masked_mean(x, use), mr_sigma(x, use, method), one
    if chart == "c":
        return masked_mean(x, use), nan, one
    ok = use & np.isfinite(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        center = np.where(ok, x, 0.0).sum(axis=1) / np.where(ok, n, 0.0).sum(axis=1)
    if chart not in ("p_prime", "u_prime"):
        return center, nan, one
    _, sd = apply_rows(chart, n, center, nan, one)
    z = standardize(value, center[:, None], sd)
    z = np.where(np.isinf(z), np.nan, z)
    return center, nan, mr_sigma(z, use, method)


def apply_rows(chart: str, n, center, sigma, sigma_z):
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


def natural_bounds(chart: str, n=None):
    """natural lower/upper bounds of the plotted statistic."""
    if chart == "xmr" or chart.startswith("xbar"):
        return -np.inf, np.inf
    if chart in PROPORTION:
        return 0.0, 1.0
    if chart == "np":
        return 0.0, n
    return 0.0, np.inf


def core_individual(chart, x, n, base, excl, method, max_iter, limits: Limits | None):
    """Vectorised fit + apply over rows. Returns dict of (S,T) arrays and per-row params."""
    value = plot_values(chart, x, n)
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
            center, sigma, sigma_z = fit_rows(chart, x, n, value, use, method)
            if max_iter == 1:
                break
            ctr, sd = apply_rows(chart, n, center, sigma, sigma_z)
            z = standardize(value, ctr, sd)
            out = use & (np.abs(z) > 3.0 + 1e-9)
            if not out.any():
                break
            use = use & ~out
            if iterations == max_iter:
                center, sigma, sigma_z = fit_rows(chart, x, n, value, use, method)
    ctr, sd = apply_rows(chart, n, center, sigma, sigma_z)
    z = standardize(value, ctr, sd)
    res = {"value": value, "center": ctr, "sd": sd, "z": z, "use": use}
    if chart == "xmr":
        mr = np.full(x.shape, np.nan)
        mr[:, 1:] = np.abs(np.diff(x, axis=1))
        k2, k3 = d2_2(), d3(2)
        sg = sigma[:, None]
        res["disp"] = (mr, np.broadcast_to(k2 * sg, x.shape), np.broadcast_to(np.maximum(0.0, k2 - 3 * k3) * sg, x.shape),
                       np.broadcast_to((k2 + 3 * k3) * sg, x.shape))
    return res, center, sigma, sigma_z, iterations


# ----------------------------------------------------------------------------- frame building

def rule_strings(flags: dict[str, np.ndarray], shape) -> tuple[np.ndarray, np.ndarray]:
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


def chart_columns(chart, res, rule_ids, base, excl, use_limits, n=None, count=None):
    """Columns (2-D arrays) common to every chart."""
    value, center, sd, z = res["value"], res["center"], res["sd"], res["z"]
    lo, hi = natural_bounds(chart, n)
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
    cols["rules"] = rule_strings(flags, value.shape)  # (codes, names); see materialize
    for rid, f in flags.items():
        cols[f"rule_{rid}"] = f
    if "disp" in res:
        pre = DISPERSION[chart]
        dv, dc, dl, du = res["disp"]
        cols[f"{pre}_value"] = dv
        cols[f"{pre}_center"] = np.asarray(dc, dtype=float)
        cols[f"{pre}_lcl"] = np.asarray(dl, dtype=float)
        cols[f"{pre}_ucl"] = np.asarray(du, dtype=float)
        with np.errstate(invalid="ignore"):
            cols[f"{pre}_beyond"] = (dv > du * (1 + 1e-12) + 1e-300) | ((dv < dl * (1 - 1e-12)) & (dl > 0))
    return cols


def materialize(cols: dict, take) -> dict:
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


def single_frame(chart, labels, cols, limits, rule_ids, dispersion=None):
    data = materialize(cols, lambda a: a[0])
    data["phase"] = np.asarray(data["phase"], dtype=object)
    data["rules"] = np.asarray(data["rules"], dtype=object)
    frame = pd.DataFrame(data, index=labels)
    frame.insert(0, "chart", chart)
    frame.attrs["spc"] = {"chart": chart, "limits": limits, "rules": tuple(rule_ids),
                          "dispersion": dispersion or DISPERSION.get(chart)}
    return frame


def individual_chart(chart, x, n, *, labels, baseline, exclude, iterate, limits, sigma_method, rules):
    rule_ids = resolve_rules(rules)
    m = x.size
    if m == 0:
        raise ParameterError(key="spc.error.no_points", chart=chart)
    if limits is not None:
        if not isinstance(limits, Limits):
            raise ParameterError(key="spc.error.limits_type")
        if limits.chart != chart:
            raise ParameterError(key="spc.error.limits_chart", limits_chart=limits.chart, chart=chart)
        if baseline is not None or exclude is not None or iterate:
            raise ParameterError(key="spc.error.limits_and_baseline")
        method = limits.sigma_method or SIGMA_METHODS[chart][0]
    else:
        method = check_sigma_method(chart, sigma_method)
    base = baseline_mask(baseline, m) if limits is None else np.zeros(m, dtype=bool)
    excl = exclude_mask(exclude, labels)
    if limits is None:
        used = base & ~excl & np.isfinite(x)
        need = 2 if chart in ("xmr", "p_prime", "u_prime") else 1
        if used.sum() < need:
            raise ParameterError(key="spc.error.baseline_too_short", chart=chart, used=int(used.sum()), need=need)
    n2 = (n if n is not None else np.ones(m))[None, :]
    res, center, sigma, sigma_z, iters = core_individual(
        chart, x[None, :], n2, base[None, :], excl[None, :], method, max_passes(iterate), limits)
    if limits is None:
        auto = base & ~excl & np.isfinite(res["value"][0]) & ~res["use"][0]
        all_excl = excl | auto
        if chart in ("xmr", "p_prime", "u_prime") and not np.isfinite((sigma if chart == "xmr" else sigma_z)[0]):
            raise ParameterError(key="spc.error.no_moving_range", chart=chart)
        limits = Limits(chart=chart, center=float(center[0]),
                        sigma=float(sigma[0]), sigma_z=float(sigma_z[0]), sigma_method=method,
                        n_baseline=int(res["use"][0].sum()), excluded=tuple(labels[all_excl]),
                        iterations=int(iters))
        use_limits = np.zeros((1, m), dtype=bool)
        excl_col = all_excl[None, :]
    else:
        use_limits = np.zeros((1, m), dtype=bool)
        excl_col = excl[None, :]
    count = x[None, :] if chart in NEEDS_N or chart == "c" else None
    cols = chart_columns(chart, res, rule_ids, base[None, :], excl_col, use_limits,
                    n=n2 if n is not None else None, count=count)
    if chart == "xmr":
        cols.pop("n")
    if chart == "c":
        cols.pop("n")
    return single_frame(chart, labels, cols, limits, rule_ids)


# ----------------------------------------------------------------------------- public charts

#: the parameters and return value every single-series chart shares; :func:`chart_doc` puts
#: them into each chart's docstring at the ``%(common)s`` line, so ``help()`` and doctests see them
COMMON_DOC = """\
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


def chart_doc(func):
    """Put :data:`COMMON_DOC` into ``func.__doc__`` at its ``%(common)s`` line.

    A docstring built as ``\"\"\"...\"\"\" + COMMON_DOC + \"\"\"...\"\"\"`` is an expression, not a
    docstring: Python leaves ``__doc__`` empty, ``help()`` shows nothing and doctests never run.
    """
    if func.__doc__ is not None:  # None under python -OO
        marker = "    %(common)s\n"
        if marker not in func.__doc__:  # pragma: no cover - a programming error
            raise AssertionError(f"{func.__name__}'s docstring lacks the %(common)s line")
        func.__doc__ = func.__doc__.replace(marker, COMMON_DOC)
    return func


# ----------------------------------------------------------------------------- xbar charts

def subgroup_matrix(data, subgroups):
    """(labels, 2-D array with NaN padding) from a frame, a 2-D array, ragged lists or long data."""
    if subgroups is not None:
        x, _ = as_1d(data, "data")
        g = np.asarray(subgroups)
        if g.shape != x.shape:
            raise ParameterError(key="spc.error.subgroups_length", n_data=x.size, n_groups=g.size)
        codes, uniq = pd.factorize(pd.Series(g), sort=False)
        pos = pd.Series(codes).groupby(codes).cumcount().to_numpy()
        arr = np.full((len(uniq), int(pos.max()) + 1 if pos.size else 0), np.nan)
        arr[codes, pos] = x
        labels = pd.Index(uniq, name=getattr(subgroups, "name", None) or "subgroup")
    elif isinstance(data, pd.DataFrame):
        try:
            arr = data.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ParameterError(key="spc.error.subgroup_numbers", detail=exc) from None
        labels = data.index
    else:
        try:
            rows = [np.asarray(r, dtype=float).ravel() for r in data]
        except (TypeError, ValueError) as exc:
            raise ParameterError(key="spc.error.subgroup_2d", detail=exc) from None
        width = max((r.size for r in rows), default=0)
        arr = np.full((len(rows), width), np.nan)
        for i, r in enumerate(rows):
            arr[i, : r.size] = r
        labels = pd.RangeIndex(1, len(rows) + 1, name="sample")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ParameterError(key="spc.error.subgroup_empty")
    if np.isinf(arr).any():
        raise ParameterError(key="spc.error.subgroup_infinite")
    return labels, arr


def xbar_sigma(method, n, r, s, use):
    """sigma from the usable subgroups (n >= 2)."""
    ok = use & (n >= 2)
    if not ok.any():
        raise ParameterError(key="spc.error.xbar_no_pair")
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
