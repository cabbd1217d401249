"""Trends: each key figure of a client over every period its results files hold.

The input is a *history*: the client's periods of one cadence in time order, each with the
results files of that period (``[(period_id, {notebook: payload})]``, oldest first, the
period being reported last). The batch builds it from the batch folder
(:func:`read_history`: the results files of the client's earlier periods, in the sibling
folders ``<batch>/<client>/<period>/``); this module computes, the drawing is
:mod:`threec_helpers.plots.trends`.

- :func:`figure_trends` - every numeric headline figure of the last period, with its values
  in every period that recorded it, its target (from ``client.yaml`` ``targets`` or the
  contract's rule) and its declared good direction (:mod:`.catalog`);
- :func:`trend_words` - the trend in words, judged by the good direction: "third year of
  decline" / "连续第三年下降", "improving for the 2nd month in a row";
- :func:`pyramid_migration` - the customers of each pyramid tier in each period and their
  change across each pair of consecutive periods (the ``tiers`` table of ``02_analysis``;
  counts per tier, not customer-level flows, which the results files do not hold).

A figure recorded in only one period has no trend and is left out; a period without a
results file for a notebook is a gap (no point), never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..audit.focus import FOCUS_TARGET
from ..i18n import t
from ..inputs.periods import cadence, earlier_periods
from .catalog import figure
from .results import read_results

History = list[tuple[str, dict[str, dict[str, Any]]]]

#: status rules whose target is a ``client.yaml`` target of the figure's own key
_TARGET_RULES = ("retention", "satisfaction", "nps", "preferred_supplier")
#: status rules with a fixed target (the contract's "good" threshold)
_FIXED_TARGETS = {"focus_factor": FOCUS_TARGET, "information_score": 80.0, "attainment": 0.98}
_ORDINAL_EN = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
               8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth"}
_NUM_ZH = "零一二三四五六七八九十"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)  # NaN is no value


def target_of(notebook: str, key: str, targets: Mapping[str, Any] | None) -> float | None:
    """The target a figure is judged against, or None.

    Parameters
    ----------
    notebook : str
        The notebook whose headline holds the figure (``02_analysis``).
    key : str
        The figure's headline key.
    targets : dict, optional
        The client's ``client.yaml`` ``targets``.

    Returns
    -------
    float or None
        The client's target for a target-ruled figure, the contract's fixed threshold for the
        others with one, else None.

    Examples
    --------
    >>> target_of("02_analysis", "retention", {"retention": 0.9})
    0.9
    >>> target_of("02_analysis", "organization", {}), target_of("02_analysis", "revenue", {"revenue": 1})
    (0.75, None)
    """
    spec = figure(notebook, key)
    if spec is None:
        return None
    if spec.rule in _TARGET_RULES:
        value = (targets or {}).get(key)
        return _number(value)
    return _FIXED_TARGETS.get(spec.rule)


def verdict(good: str, before: float, after: float, target: float | None = None) -> int:
    """+1 when ``after`` is better than ``before`` by ``good``, -1 worse, 0 same or no direction.

    Parameters
    ----------
    good : {"up", "down", "target", "none"}
        The figure's good direction (:mod:`.catalog`).
    before, after : float
        The earlier and the later value.
    target : float, optional
        Kept for the caller; a ``target`` figure is judged as better higher.

    Returns
    -------
    int
        +1, -1 or 0.

    Examples
    --------
    >>> verdict("down", 0.3, 0.2), verdict("up", 0.3, 0.2), verdict("none", 1, 2)
    (1, -1, 0)

    A ``target`` figure is better higher: every target of the contract is a floor (its status
    rule: at or above the target is good, :mod:`.catalog`), so rising past it is no harm.
    """
    if after == before or good not in ("up", "down", "target"):
        return 0
    rising = 1 if after > before else -1
    return -rising if good == "down" else rising


def streak(values: list[float]) -> tuple[int, int]:
    """The moves at the end of ``values``: (sign of the last move, how many moves in a row had it).

    Parameters
    ----------
    values : list of float
        Oldest first.

    Returns
    -------
    sign : int
        +1 rising, -1 falling, 0 unchanged (or fewer than two values).
    count : int
        How many moves at the end had that sign (0 for fewer than two values).

    Examples
    --------
    >>> streak([5, 4, 3, 2]), streak([1, 2, 1]), streak([3, 3]), streak([1])
    ((-1, 3), (-1, 1), (0, 1), (0, 0))
    """
    if len(values) < 2:
        return 0, 0
    moves = [(b > a) - (b < a) for a, b in pairwise(values)]
    last = moves[-1]
    n = 0
    for m in reversed(moves):
        if m != last:
            break
        n += 1
    return last, n


def _ordinal(n: int, lang: str) -> str:
    if lang == "zh":
        return _NUM_ZH[n] if n <= 10 else str(n)
    return _ORDINAL_EN.get(n, f"{n}th")


def trend_words(values: list[float], good: str, unit: str, lang: str, target: float | None = None) -> str:
    """The trend of ``values`` (oldest first) in words, judged by the figure's good direction.

    Parameters
    ----------
    values : list of float
    good : {"up", "down", "target", "none"}
    unit : {"year", "month", "quarter", "half", "period"}
        What one step is ("third year of decline").
    lang : {"zh", "en"}
    target : float, optional
        Kept for the caller's display; a ``target`` figure is better higher (its target is a floor).

    Examples
    --------
    >>> trend_words([9, 8, 7, 6], "up", "year", "en")
    'third year of decline (worse)'
    >>> trend_words([9, 8, 7, 6], "up", "year", "zh")
    '连续第三年下降（变差）'
    >>> trend_words([0.3, 0.2], "down", "month", "en")
    'down since the last month (better)'
    >>> trend_words([1, 1], "up", "year", "en")
    'unchanged since the last year'
    """
    sign, n = streak(values)
    if n == 0:
        return ""
    unit_word = t(f"trends.unit.{unit}", lang)
    if sign == 0:
        return t("trends.words.same", lang, unit=unit_word)
    judgement = verdict(good, values[-2], values[-1], target)
    judged = t(f"trends.verdict.{'better' if judgement > 0 else 'worse'}", lang) if judgement else ""
    key = "trends.words.rise" if sign > 0 else "trends.words.decline"
    if n == 1:
        key += "1"
    return t(key, lang, nth=_ordinal(n, lang), unit=unit_word) + judged


def step_unit(months: int) -> str:
    """What one step of a cadence is called: 12 months a year, 1 a month, 3 a quarter, 6 a half year.

    Parameters
    ----------
    months : int
        The cadence in whole months (:func:`threec_helpers.inputs.periods.cadence`).

    Returns
    -------
    str
        ``year``, ``month``, ``quarter``, ``half`` or, for any other length, ``period``.

    Examples
    --------
    >>> step_unit(12), step_unit(1), step_unit(3), step_unit(6), step_unit(2)
    ('year', 'month', 'quarter', 'half', 'period')
    """
    return {12: "year", 1: "month", 3: "quarter", 6: "half"}.get(months, "period")


def figure_trends(history: History, lang: str, *, targets: Mapping[str, Any] | None = None,
                  unit: str = "period") -> list[dict[str, Any]]:
    """Every numeric headline figure of the last period of ``history`` over all its periods.

    Parameters
    ----------
    history : list of (period, results)
        Oldest first; the period reported is the last.
    lang : {"zh", "en"}
    targets : dict, optional
        The client's ``client.yaml`` ``targets``.
    unit : str
        What one step is (:func:`step_unit`).

    Returns
    -------
    list of dict
        ``notebook, key, label, good, target, periods, values, texts, statuses, words, verdict``
        (``verdict``: +1 the last move was better, -1 worse, 0 neither); only figures with
        values in at least two periods.

    Examples
    --------
    >>> h = [(p, {"02_analysis": {"headline": [{"key": "retention", "label": "Retention", "value": v,
    ...                                         "text": f"{v:.0%}"}]}}) for p, v in
    ...      (("FY2024", 0.95), ("FY2025", 0.9), ("FY2026", 0.85))]
    >>> tr = figure_trends(h, "en", targets={"retention": 0.9}, unit="year")[0]
    >>> tr["values"], tr["target"], tr["words"], tr["verdict"]
    ([0.95, 0.9, 0.85], 0.9, 'second year of decline (worse)', -1)
    """
    if not history:
        return []
    current = history[-1][1]
    out = []
    shown: set[tuple[str, tuple[float, ...]]] = set()  # revenue of 01_registration and of 02_analysis: once
    for nb, payload in sorted(current.items()):
        for h in payload.get("headline") or []:
            key = h.get("key")
            if _number(h.get("value")) is None:
                continue
            spec = figure(nb, str(key))
            good = spec.good if spec is not None else "none"
            periods, values, texts, statuses = [], [], [], []
            for period, results in history:
                match = next((x for x in (results.get(nb) or {}).get("headline") or [] if x.get("key") == key), None)
                v = _number(match.get("value")) if match else None
                if v is None:
                    continue
                periods.append(period)
                values.append(v)
                texts.append(str(match.get("text", "")))
                statuses.append(str(match.get("status", "neutral")))
            if len(values) < 2:
                continue
            if (str(key), tuple(values)) in shown:
                continue
            shown.add((str(key), tuple(values)))
            target = target_of(nb, str(key), targets)
            out.append({"notebook": nb, "key": key, "label": h.get("label") or key, "good": good, "target": target,
                        "periods": periods, "values": values, "texts": texts, "statuses": statuses,
                        "words": trend_words(values, good, unit, lang, target),
                        "verdict": verdict(good, values[-2], values[-1], target)})
    return out


def pyramid_migration(history: History, lang: str, notebook: str = "02_analysis") -> list[dict[str, Any]]:
    """The customers per pyramid tier in each period and the change across each consecutive pair.

    Parameters
    ----------
    history : list of (period, results)
        Oldest first (:func:`read_history`).
    lang : {"zh", "en"}
        Kept for a uniform call; the tier labels come from the results files.
    notebook : str
        The notebook whose ``tiers`` table holds the counts.

    Returns
    -------
    list of dict
        One row per tier (top first): ``tier`` (its label), then per period its customers, and
        per pair ``"A → B"`` the change (``+3``); empty when fewer than two periods have tiers.

    Examples
    --------
    >>> h = [("P1", {"02_analysis": {"tables": {"tiers": [{"tier": "top", "label": "Top", "customers": 10}]}}}),
    ...      ("P2", {"02_analysis": {"tables": {"tiers": [{"tier": "top", "label": "Top", "customers": 12}]}}})]
    >>> pyramid_migration(h, "en")
    [{'tier': 'Top', 'P1': 10, 'P2': 12, 'P1 → P2': '+2'}]
    """
    counts: list[tuple[str, dict[str, int]]] = []
    labels: dict[str, str] = {}
    for period, results in history:
        rows = ((results.get(notebook) or {}).get("tables") or {}).get("tiers")
        if not isinstance(rows, list) or not rows:
            continue
        per = {}
        for r in rows:
            if isinstance(r, dict) and r.get("tier") is not None and _number(r.get("customers")) is not None:
                per[str(r["tier"])] = int(r["customers"])
                labels.setdefault(str(r["tier"]), str(r.get("label") or r["tier"]))
        if per:
            counts.append((period, per))
    if len(counts) < 2:
        return []
    out = []
    for tier, label in labels.items():
        row: dict[str, Any] = {"tier": label}
        for period, per in counts:
            row[period] = per.get(tier)
        for (pa, a), (pb, b) in pairwise(counts):
            if a.get(tier) is not None and b.get(tier) is not None:
                row[f"{pa} → {pb}"] = f"{b[tier] - a[tier]:+d}"
        out.append(row)
    return out


def read_history(folder: str | Path, client_id: str, *, config: Any = None, data_root: str | Path | None = None,
                 current: dict[str, dict[str, Any]] | None = None) -> tuple[History, str, dict[str, Any]]:
    """The history of the period whose folder is ``folder``: its earlier periods' results, then its own.

    Parameters
    ----------
    folder : path
        ``reports/<batch>/<client>/<period>``.
    client_id : str
    config : ClientConfig, optional
        Default: the client's ``client.yaml`` (under ``data_root``).
    current : dict, optional
        The period's own results (a notebook still running); default: read from ``folder``.

    Returns
    -------
    history : list of (period, results)
        Oldest first, ``folder``'s period last; only periods with results files.
    unit : str
        What one step is (``year``, ``month``, ...; :func:`threec_helpers.report.trends.step_unit`).
    targets : dict
        The client's ``targets``.

    Examples
    --------
    A client without a ``client.yaml``: the period alone, no trend.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> read_history(root / "batch" / "acme" / "FY2026", "acme", data_root=root, current={})
    ([('FY2026', {})], 'period', {})
    """
    folder = Path(folder)
    period = folder.name
    if config is None:
        from ..inputs.config import load_client_config
        from ..paths import client_folder

        try:
            config = load_client_config(client_folder(client_id, data_root))
        except Exception:  # noqa: BLE001 - no client.yaml: the period alone, no trend
            return [(period, current if current is not None else read_results(folder))], "period", {}
    history: History = []
    for pid in earlier_periods(config, period):
        sibling = folder.parent / pid
        if sibling.is_dir():
            results = read_results(sibling)
            if results:
                history.append((pid, results))
    history.append((period, current if current is not None else read_results(folder)))
    try:
        unit = step_unit(cadence(config.period(period)))
    except Exception:  # noqa: BLE001 - a period not in client.yaml
        unit = "period"
    return history, unit, dict(config.targets or {})
