"""Statistical process control: control charts, run rules, capability and target attainment.

Computation only; drawing lives in :mod:`threec_helpers.plots.spc`.

- one function per chart, each returning a tidy frame (one row per point):
  :func:`xmr`, :func:`xbar_r`, :func:`xbar_s`, :func:`p`, :func:`np_chart`, :func:`c`,
  :func:`u`, and Laney's :func:`p_prime` / :func:`u_prime` for very large denominators;
- Phase I / II: ``baseline=``, ``exclude=``, ``iterate=`` to compute limits, then
  ``limits=limits_of(frame)`` to judge new points against frozen limits;
- run rules (Western Electric 1-4, Nelson 1-8): ``rules=`` on every chart, and
  :func:`signals` for the table of signals with a sentence in Chinese and English;
- :func:`capability` (Cp, Cpk, Pp, Ppk) and :func:`target_attainment` (KPI objectives);
- :func:`batch` for thousands of series at once (vectorised);
- :mod:`.constants` for A2, A3, B3, B4, c4, d2, d3, D3, D4, E2 computed from first principles;
- the charts by family: :mod:`.variables` (XmR, X-bar R, X-bar S), :mod:`.attributes` (p, np,
  c, u, p', u'), :mod:`.batch_charts`, and :mod:`.limits` for the shared Phase I / II pattern.

See ``docs/spc.md``.
"""

from .attributes import c, np_chart, p, p_prime, u, u_prime
from .batch_charts import batch
from .capability import COMPARATORS, Capability, TargetAttainment, capability, target_attainment
from .constants import c4, constants_table, d2, d3, factors
from .limits import CHARTS, SIGMA_METHODS, Limits, limits_of
from .rules import RULE_SETS, RULES, evaluate_rules, resolve_rules
from .signals import rule_table, signals
from .variables import xbar_r, xbar_s, xmr

__all__ = [
    "CHARTS", "SIGMA_METHODS", "Limits", "limits_of", "xmr", "xbar_r", "xbar_s", "p", "np_chart", "c", "u",
    "p_prime", "u_prime", "batch", "signals", "rule_table", "RULES", "RULE_SETS", "resolve_rules",
    "evaluate_rules", "capability", "target_attainment", "Capability", "TargetAttainment", "COMPARATORS",
    "c4", "d2", "d3", "factors", "constants_table",
]
