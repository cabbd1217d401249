"""Can the process meet its specification or its quality objective?

- :func:`capability` -- Cp, Cpk, Pp, Ppk of variables data against LSL/USL (one-sided allowed);
- :func:`target_attainment` -- for a KPI chart (p, u, XmR ...), the share of periods expected
  to meet a target such as "compliance >= 98 %" while the process stays in control.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..i18n import check_lang, fmt_num, fmt_pct, t
from ._core import subgroup_matrix, xbar_sigma
from .limits import SIGMA_METHODS, Limits, limits_of
from .variables import xmr

__all__ = ["Capability", "TargetAttainment", "capability", "target_attainment", "COMPARATORS"]

COMPARATORS = (">=", ">", "<=", "<")


def _num(x, decimals=2) -> str:
    return "–" if x is None or not np.isfinite(x) else fmt_num(x, decimals)


@dataclass
class Capability:
    """Result of :func:`capability`. ``message(lang)`` gives the sentence for a report.

    Within indices (Cp, Cpk) use the short-term sigma of the control chart; overall indices
    (Pp, Ppk) the sample standard deviation; ``capable`` is ``Cpk >= threshold``.

    See Also
    --------
    capability : computes it.
    TargetAttainment : the counterpart for attribute KPIs with a one-sided target.

    Examples
    --------
    >>> res = capability([10.1, 9.9, 10.0, 10.2, 9.8, 10.1, 10.0], lsl=9.0, usl=11.0)
    >>> round(res.cpk, 2), round(res.ppk, 2), res.capable
    (1.71, 2.44, True)
    >>> res.message("en").split(":")[0]
    'The process is capable'
    """

    mean: float
    sigma_within: float
    sigma_overall: float
    n: int
    lsl: float | None
    usl: float | None
    cp: float
    cpk: float
    cpl: float
    cpu: float
    pp: float
    ppk: float
    ppl: float
    ppu: float
    ppm_within: float
    ppm_overall: float
    threshold: float
    capable: bool
    sigma_method: str

    def message(self, lang: str = "zh") -> str:
        """One or two sentences in ``lang`` stating whether the process is capable."""
        check_lang(lang)
        spec = " / ".join(s for s in (f"LSL {self.lsl:g}" if self.lsl is not None else "",
                                      f"USL {self.usl:g}" if self.usl is not None else "") if s)
        text = t("spc.capability." + ("capable" if self.capable else "not_capable"), lang,
                 cpk=_num(self.cpk), cp=_num(self.cp), ppk=_num(self.ppk), pp=_num(self.pp),
                 threshold=_num(self.threshold), spec=spec, ppm=fmt_num(self.ppm_within, 0))
        if np.isfinite(self.cp) and self.cp - self.cpk > 0.1:
            text += " " + t("spc.capability.off_center", lang)
        return text

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def to_dict(self) -> dict:
        return {**asdict(self), "message_zh": self.message_zh, "message_en": self.message_en}


def capability(data, lsl: float | None = None, usl: float | None = None, *, subgroups=None,
               limits: Limits | None = None, sigma_method: str | None = None,
               threshold: float = 1.33) -> Capability:
    """Process capability (Cp, Cpk) and performance (Pp, Ppk) indices.

    Cp/Cpk use the within (short-term) sigma that a control chart estimates; Pp/Ppk use the
    overall sample standard deviation. With one specification limit only Cpk/Ppk (= Cpu or
    Cpl) are given and Cp/Pp are NaN.

    Parameters
    ----------
    data : array-like
        Individual values (within sigma from moving ranges, as an XmR chart), or subgroups
        (2-D / list of lists / long values with ``subgroups``; within sigma as an X-bar chart).
    lsl, usl : float, optional
        Specification limits; at least one.
    subgroups : array-like, optional
        Subgroup label of each value when ``data`` is one long column.
    limits : Limits, optional
        Limits of an in-control chart (``limits_of(frame)``): their centre and sigma are used
        for Cp/Cpk instead of re-estimating them.
    sigma_method : str, optional
        Estimator of the within sigma: ``"mr_bar"``/``"mr_median"`` for individuals,
        ``"r_bar"``/``"s_bar"``/``"pooled"`` for subgroups.
    threshold : float, default 1.33
        Cpk at or above which the process is called capable.

    Returns
    -------
    Capability

    Examples
    --------
    >>> res = capability([10.1, 9.9, 10.0, 10.2, 9.8, 10.1, 10.0], lsl=9.0, usl=11.0)
    >>> res.capable
    True
    """
    if lsl is None and usl is None:
        raise ParameterError(key="spc.error.cap_no_spec")
    if lsl is not None and usl is not None and not lsl < usl:
        raise ParameterError(key="spc.error.cap_spec_order", lsl=lsl, usl=usl)
    is_groups = subgroups is not None or isinstance(data, pd.DataFrame) or (
        np.ndim(data) == 2 if not isinstance(data, pd.Series) else False) or (
        isinstance(data, (list, tuple)) and len(data) > 0 and np.ndim(data[0]) == 1)
    if is_groups:
        _, arr = subgroup_matrix(data, subgroups)
        obs = arr[np.isfinite(arr)]
        n_i = np.isfinite(arr).sum(axis=1).astype(float)
        with np.errstate(invalid="ignore"):
            rng = np.where(n_i >= 2, np.nanmax(arr, axis=1) - np.nanmin(arr, axis=1), np.nan)
            sd = np.where(n_i >= 2, np.nanstd(arr, axis=1, ddof=1), np.nan)
        method = sigma_method or "r_bar"
        if method not in SIGMA_METHODS["xbar_r"]:
            raise ParameterError(key="spc.error.cap_sigma_groups", method=repr(method))
        sigma_w = xbar_sigma(method, n_i, rng, sd, np.ones(arr.shape[0], dtype=bool))
    else:
        obs = np.asarray(pd.to_numeric(pd.Series(np.asarray(data, dtype=object).ravel()), errors="coerce"),
                         dtype=float)
        method = sigma_method or "mr_bar"
        if method not in SIGMA_METHODS["xmr"]:
            raise ParameterError(key="spc.error.cap_sigma_individuals", method=repr(method))
        if limits is None:
            sigma_w = limits_of(xmr(obs, sigma_method=method, rules="none")).sigma
        obs = obs[np.isfinite(obs)]
    if obs.size < 2:
        raise ParameterError(key="spc.error.cap_too_few")
    mean = float(obs.mean())
    sigma_o = float(obs.std(ddof=1))
    mu_w = mean
    if limits is not None:
        if not np.isfinite(limits.sigma):
            raise ParameterError(key="spc.error.cap_no_sigma")
        sigma_w, mu_w, method = float(limits.sigma), float(limits.center), limits.sigma_method or method

    def idx(mu, sg):
        from scipy import stats  # imported when used: scipy.stats costs ~1 s at every kernel start

        with np.errstate(divide="ignore", invalid="ignore"):
            lo = (mu - lsl) / (3 * sg) if lsl is not None else np.nan
            hi = (usl - mu) / (3 * sg) if usl is not None else np.nan
            both = (usl - lsl) / (6 * sg) if lsl is not None and usl is not None else np.nan
        k = np.nanmin([lo, hi])
        tail = (stats.norm.cdf((lsl - mu) / sg) if lsl is not None else 0.0) + (
            stats.norm.sf((usl - mu) / sg) if usl is not None else 0.0) if sg > 0 else float(
            (lsl is not None and mu < lsl) or (usl is not None and mu > usl))
        return float(both), float(k), float(lo), float(hi), float(tail) * 1e6

    cp, cpk, cpl, cpu, ppm_w = idx(mu_w, sigma_w)
    pp, ppk, ppl, ppu, ppm_o = idx(mean, sigma_o)
    return Capability(mean=mean, sigma_within=float(sigma_w), sigma_overall=sigma_o, n=int(obs.size),
                      lsl=lsl, usl=usl, cp=cp, cpk=cpk, cpl=cpl, cpu=cpu, pp=pp, ppk=ppk, ppl=ppl, ppu=ppu,
                      ppm_within=ppm_w, ppm_overall=ppm_o, threshold=float(threshold),
                      capable=bool(np.isfinite(cpk) and cpk >= threshold), sigma_method=method)


@dataclass
class TargetAttainment:
    """Result of :func:`target_attainment`. ``message(lang)`` gives the sentence.

    ``verdict`` is ``"capable"`` when the whole band between the control limits meets the
    target, ``"at_risk"`` when the centre line meets it but the band straddles it, else
    ``"not_capable"``.

    See Also
    --------
    target_attainment : computes it.
    Capability : the counterpart for measurements with specification limits.

    Examples
    --------
    >>> from threec_helpers.spc import p
    >>> res = target_attainment(p([995, 990, 992, 996, 993], 1000), 0.98, ">=")
    >>> res.verdict, round(res.center, 4), res.observed_met, res.observed_total
    ('capable', 0.9932, 5, 5)
    """

    chart: str
    target: float
    comparator: str
    method: str
    n: float
    center: float
    sigma: float
    lcl: float
    ucl: float
    probability: float
    center_meets: bool
    limits_meet: bool
    verdict: str  # "capable" | "at_risk" | "not_capable"
    observed_share: float
    observed_met: int
    observed_total: int

    def _fmt(self, v) -> str:
        if self.chart in ("p", "p_prime"):
            return fmt_pct(v, 2)
        return "–" if not np.isfinite(v) else f"{v:,.4g}"

    def message(self, lang: str = "zh") -> str:
        check_lang(lang)
        text = t(f"spc.target.{self.verdict}", lang, probability=fmt_pct(self.probability, 1),
                 target=f"{self.comparator} {self._fmt(self.target)}", center=self._fmt(self.center),
                 lcl=self._fmt(self.lcl), ucl=self._fmt(self.ucl))
        if self.observed_total:
            text += " " + t("spc.target.observed", lang, observed=fmt_pct(self.observed_share, 1),
                            met=self.observed_met, total=self.observed_total)
        return text

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def to_dict(self) -> dict:
        return {**asdict(self), "message_zh": self.message_zh, "message_en": self.message_en}


def _meets(v, target, comparator):
    return {">=": v >= target, ">": v > target, "<=": v <= target, "<": v < target}[comparator]


def target_attainment(frame: pd.DataFrame, target: float, comparator: str = ">=", *, n: float | None = None,
                      method: str = "normal") -> TargetAttainment:
    """Share of periods expected to meet a target while the process stays in control.

    The in-control model of a period's plotted value is the chart's own: centre line and
    sigma (with Laney's sigma_z for p'/u', so over-dispersion is honoured) at a typical
    sample size. ``method="exact"`` uses the binomial (p, np) or Poisson (c, u) distribution
    instead of the normal approximation.

    Parameters
    ----------
    frame : DataFrame
        A chart frame (single series).
    target : float
        The objective, on the chart's scale (a proportion for p charts: 0.98 for 98 %).
    comparator : {">=", ">", "<=", "<"}
        How a period meets the target, e.g. ``">="`` for "compliance >= 98 %".
    n : float, optional
        Sample size of a typical period; default the median of the frame's ``n``.
    method : {"normal", "exact"}

    Returns
    -------
    TargetAttainment
        ``probability``, ``verdict`` ("capable" -- the whole band between the control limits
        meets the target --, "at_risk" -- the centre meets it but the limits straddle it --,
        "not_capable" -- the centre misses it), and the observed share of points meeting it.

    Examples
    --------
    >>> from threec_helpers.spc import p
    >>> f = p([995, 990, 992, 996, 993], 1000)
    >>> target_attainment(f, 0.98, ">=").verdict
    'capable'
    """
    if comparator not in COMPARATORS:
        raise ParameterError(key="spc.error.comparator", allowed=", ".join(COMPARATORS), value=repr(comparator))
    if not isinstance(target, (int, float, np.number)) or not math.isfinite(target):
        raise ParameterError(key="spc.error.target_number", value=repr(target))
    if method not in ("normal", "exact"):
        raise ParameterError(key="spc.error.target_method", value=repr(method))
    lim = limits_of(frame)
    chart = lim.chart
    if chart in ("p", "p_prime") and not 0 <= target <= 1:
        raise ParameterError(key="spc.error.target_proportion", value=target)
    if n is None:
        n = float(np.nanmedian(frame["n"])) if "n" in frame.columns else 1.0
    if not (np.isfinite(n) and n > 0):
        raise ParameterError(key="spc.error.target_n", value=repr(n))
    cen = lim.center
    if chart in ("xmr",):
        center, sigma = cen, lim.sigma
    elif chart in ("xbar_r", "xbar_s"):
        center, sigma = cen, lim.sigma / math.sqrt(n)
    elif chart in ("p", "p_prime"):
        center, sigma = cen, math.sqrt(cen * (1 - cen) / n) * lim.sigma_z
    elif chart == "np":
        center, sigma = n * cen, math.sqrt(n * cen * (1 - cen))
    elif chart == "c":
        center, sigma = cen, math.sqrt(cen)
    else:
        center, sigma = cen, math.sqrt(cen / n) * lim.sigma_z
    lo_b = 0.0 if chart not in ("xmr", "xbar_r", "xbar_s") else -np.inf
    hi_b = 1.0 if chart in ("p", "p_prime") else np.inf
    lcl, ucl = max(lo_b, center - 3 * sigma), min(hi_b, center + 3 * sigma)
    from scipy import stats

    if method == "exact":
        if chart in ("p", "np"):
            k = int(round(n))
            dist, scale = stats.binom(k, cen), (k if chart == "p" else 1)
        elif chart in ("c", "u"):
            dist, scale = stats.poisson(cen * (n if chart == "u" else 1)), (n if chart == "u" else 1)
        else:
            raise ParameterError(key="spc.error.target_exact", chart=chart)
        thr = target * scale
        eps = 1e-9
        prob = {">=": dist.sf(math.ceil(thr - eps) - 1), ">": dist.sf(math.floor(thr + eps)),
                "<=": dist.cdf(math.floor(thr + eps)), "<": dist.cdf(math.ceil(thr - eps) - 1)}[comparator]
    elif sigma > 0:
        zt = (target - center) / sigma
        prob = stats.norm.sf(zt) if comparator in (">=", ">") else stats.norm.cdf(zt)
    else:
        prob = float(_meets(center, target, comparator))
    center_meets = bool(_meets(center, target, comparator))
    limits_meet = bool(_meets(lcl if comparator in (">=", ">") else ucl, target, comparator))
    prob = float(prob)
    verdict = "capable" if limits_meet else ("at_risk" if center_meets else "not_capable")
    vals = frame["value"].to_numpy(dtype=float)
    ok = np.isfinite(vals)
    met = int(_meets(vals[ok], target, comparator).sum())
    total = int(ok.sum())
    return TargetAttainment(chart=chart, target=float(target), comparator=comparator, method=method, n=float(n),
                            center=float(center), sigma=float(sigma), lcl=float(lcl), ucl=float(ucl),
                            probability=prob, center_meets=center_meets, limits_meet=limits_meet,
                            verdict=verdict, observed_share=met / total if total else float("nan"),
                            observed_met=met, observed_total=total)
