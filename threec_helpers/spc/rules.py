"""Run rules (Western Electric 1-4, Nelson 1-8), vectorised over a 2-D array.

Every rule is evaluated on standardized values ``z = (x - center) / sigma_i``, so charts
whose limits step with the sample size (p, u, Laney p'/u') are judged correctly. A rule
*fires at* the point that completes its pattern; :func:`rule_windows` tells which points
take part. Missing values (NaN) count as "not in the pattern", so a gap interrupts runs.

=====  =====  ==========================================================================
id     same   pattern (the point that completes it is flagged)
=====  =====  ==========================================================================
WE1    N1     one point beyond 3 sigma
WE2    N5     2 of 3 consecutive points beyond 2 sigma, same side
WE3    N6     4 of 5 consecutive points beyond 1 sigma, same side
WE4    --     8 consecutive points on the same side of the centre line
N2     --     9 consecutive points on the same side of the centre line
N3     --     6 points in a row steadily increasing or decreasing
N4     --     14 points in a row alternating up and down
N7     --     15 points in a row within 1 sigma (either side)
N8     --     8 points in a row beyond 1 sigma, with points on both sides of the centre
                  line (none within 1 sigma)
=====  =====  ==========================================================================

N8 follows Nelson (1984), test 8: "eight points in a row on both sides of the centerline
with none in zone C". A run of 8 beyond 1 sigma all on one side is not a mixture; it is a
shift, and WE3/N6 (and WE4) flag it.

References
----------
Nelson, L. S. (1984). The Shewhart control chart - tests for special causes. *Journal of
Quality Technology*, 16(4), 237-239.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import ParameterError

__all__ = ["RULE_SETS", "RULES", "resolve_rules", "evaluate_rules", "rule_window"]

#: rule id -> (kind, parameters). kinds: beyond, k_of_m, run_side, trend, alternate,
#: run_inside, run_outside.
RULES: dict[str, tuple] = {
    "WE1": ("beyond", 3.0),
    "WE2": ("k_of_m", 2, 3, 2.0),
    "WE3": ("k_of_m", 4, 5, 1.0),
    "WE4": ("run_side", 8),
    "N1": ("beyond", 3.0),
    "N2": ("run_side", 9),
    "N3": ("trend", 6),
    "N4": ("alternate", 14),
    "N5": ("k_of_m", 2, 3, 2.0),
    "N6": ("k_of_m", 4, 5, 1.0),
    "N7": ("run_inside", 15),
    "N8": ("run_outside", 8),
}

RULE_SETS: dict[str, tuple[str, ...]] = {
    "western_electric": ("WE1", "WE2", "WE3", "WE4"),
    "nelson": ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"),
    "all": tuple(RULES),
    "limits": ("N1",),
    "none": (),
}
_ALIASES = {"we": "western_electric", "westernelectric": "western_electric", "weco": "western_electric"}

# z beyond k sigma: strictly, with a tolerance for rounding in (x - center) / sigma
_EPS = 1e-9


def resolve_rules(rules) -> tuple[str, ...]:
    """Turn ``rules`` into a tuple of rule ids.

    Parameters
    ----------
    rules : str, list of str or None
        ``"western_electric"`` (or ``"we"``), ``"nelson"``, ``"all"`` (both sets),
        ``"limits"`` (beyond-limit points only), ``"none"``/``None``, or a list of ids such
        as ``["N1", "N2", "WE2"]``.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> resolve_rules("western_electric")
    ('WE1', 'WE2', 'WE3', 'WE4')
    >>> resolve_rules(["n1", "N5"])
    ('N1', 'N5')
    """
    if rules is None:
        return ()
    if isinstance(rules, str):
        key = rules.strip().lower().replace("-", "_").replace(" ", "_")
        key = _ALIASES.get(key, key)
        if key in RULE_SETS:
            return RULE_SETS[key]
        rules = [rules]
    if not isinstance(rules, Iterable):
        raise ParameterError(key="spc.error.rules_type", value=repr(rules))
    out: list[str] = []
    for r in rules:
        rid = str(r).strip().upper()
        if rid not in RULES:
            raise ParameterError(key="spc.error.unknown_rule", rule=repr(r), ids=", ".join(RULES))
        if rid not in out:
            out.append(rid)
    return tuple(out)


def _run_length(b: np.ndarray) -> np.ndarray:
    """Length of the run of True values ending at each position, along axis 1."""
    t = b.shape[1]
    idx = np.arange(t)
    last_false = np.maximum.accumulate(np.where(b, -1, idx), axis=1)
    return idx - last_false


def _window_sum(b: np.ndarray, m: int) -> np.ndarray:
    """Number of True values among the last ``m`` positions (fewer at the start)."""
    c = np.cumsum(b, axis=1, dtype=np.int32)
    out = c.copy()
    out[:, m:] -= c[:, :-m]
    return out


def evaluate_rules(z: np.ndarray, rule_ids: Iterable[str]) -> dict[str, np.ndarray]:
    """Flag where each rule fires.

    Parameters
    ----------
    z : ndarray, shape (series, points) or (points,)
        Standardized values; NaN for missing points.
    rule_ids : iterable of str
        Ids from :data:`RULES`.

    Returns
    -------
    dict
        rule id -> boolean array of ``z``'s shape, True at the point completing the pattern.

    Examples
    --------
    >>> evaluate_rules(np.array([0.1, 3.5, -0.2]), ["N1"])["N1"].tolist()
    [False, True, False]
    """
    z = np.asarray(z, dtype=float)
    one_d = z.ndim == 1
    if one_d:
        z = z[None, :]
    s, t = z.shape
    cache: dict = {}

    def get(key, fn):
        if key not in cache:
            cache[key] = fn()
        return cache[key]

    with np.errstate(invalid="ignore"):
        above = get("above", lambda: z > 0)
        below = get("below", lambda: z < 0)
        out: dict[str, np.ndarray] = {}
        for rid in rule_ids:
            kind, *par = RULES[rid]
            if kind == "beyond":
                flag = np.abs(z) > par[0] + _EPS
            elif kind == "k_of_m":
                k, m, lim = par
                hi = get(("hi", lim), lambda: z > lim + _EPS)
                lo = get(("lo", lim), lambda: z < -lim - _EPS)
                flag = (hi & (get(("whi", lim, m), lambda: _window_sum(hi, m)) >= k)) | (
                    lo & (get(("wlo", lim, m), lambda: _window_sum(lo, m)) >= k))
            elif kind == "run_side":
                n = par[0]
                flag = (get("rabove", lambda: _run_length(above)) >= n) | (
                    get("rbelow", lambda: _run_length(below)) >= n)
            elif kind == "trend":
                n = par[0]
                d = np.full((s, t), np.nan)
                d[:, 1:] = np.diff(z, axis=1)
                up = get("rup", lambda: _run_length(d > 0))
                down = get("rdown", lambda: _run_length(d < 0))
                flag = (up >= n - 1) | (down >= n - 1)
            elif kind == "alternate":
                n = par[0]

                def alt():
                    d = np.full((s, t), np.nan)
                    d[:, 1:] = np.diff(z, axis=1)
                    a = np.zeros((s, t), dtype=bool)
                    a[:, 2:] = (d[:, 2:] * d[:, 1:-1]) < 0
                    return _run_length(a)

                flag = get("ralt", alt) >= n - 2
            elif kind == "run_inside":
                flag = _run_length(np.abs(z) < 1.0) >= par[0]
            elif kind == "run_outside":
                # Nelson (1984) test 8: the run must have points on both sides of the centre
                n = par[0]
                hi1 = get(("hi", 1.0), lambda: z > 1.0 + _EPS)
                lo1 = get(("lo", 1.0), lambda: z < -1.0 - _EPS)
                flag = ((_run_length(hi1 | lo1) >= n) & (_window_sum(hi1, n) > 0)
                        & (_window_sum(lo1, n) > 0))
            else:  # pragma: no cover - table above is closed
                raise AssertionError(kind)
            out[rid] = flag[0] if one_d else flag
    return out


def rule_window(rule_id: str, z: np.ndarray, end: int) -> tuple[list[int], str]:
    """Positions taking part in a signal of ``rule_id`` completed at position ``end``.

    Parameters
    ----------
    rule_id : str
    z : ndarray, shape (points,)
        Standardized values of one series.
    end : int
        Position at which the rule fired.

    Returns
    -------
    positions : list of int
    side : {"above", "below", "up", "down", ""}
        Side of the centre line (or direction of a trend); empty where it does not apply.
    """
    kind, *par = RULES[rule_id]
    ze = z[end]
    if kind == "beyond":
        return [end], "above" if ze > 0 else "below"
    if kind == "k_of_m":
        k, m, lim = par
        side = "above" if ze > 0 else "below"
        start = max(0, end - m + 1)
        sign = 1.0 if side == "above" else -1.0
        return [i for i in range(start, end + 1) if sign * z[i] > lim + _EPS], side
    if kind == "run_side":
        return list(range(end - par[0] + 1, end + 1)), "above" if ze > 0 else "below"
    if kind == "trend":
        return list(range(end - par[0] + 1, end + 1)), "up" if ze > z[end - 1] else "down"
    return list(range(end - par[0] + 1, end + 1)), ""
