"""A client's history in a batch folder: the results of its earlier periods, for trends.

The batch writes each client and period into ``reports/<batch>/<client>/<period>/``; the
trend of a period reads the results files of the client's earlier periods of the same
cadence (:func:`threec_helpers.batch.periods.earlier_periods`) from their sibling folders.
A period the batch has not run is left out (no point, never a zero). To have the trend
over every period, plan the earlier periods too: ``periods: all`` or ``last N`` (their
notebooks are skipped when unchanged, so a monthly run adds one month's work); the
briefing of a period waits for the earlier periods of the same run
(:class:`threec_helpers.batch.schedule.Schedule`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..report.results import read_results
from ..report.trends import History, step_unit
from .periods import cadence, earlier_periods


def read_history(folder: str | Path, client_id: str, *, config: Any = None,
                 data_root: str | Path | None = None) -> tuple[History, str, dict[str, Any]]:
    """The history of the period whose folder is ``folder``: its earlier periods' results, then its own.

    Parameters
    ----------
    folder : path
        ``reports/<batch>/<client>/<period>``.
    client_id : str
    config : ClientConfig, optional
        Default: the client's ``client.yaml`` (under ``data_root``).

    Returns
    -------
    history : list of (period, results)
        Oldest first, ``folder``'s period last; only periods with results files.
    unit : str
        What one step is (``year``, ``month``, ...; :func:`threec_helpers.report.trends.step_unit`).
    targets : dict
        The client's ``targets``.
    """
    folder = Path(folder)
    period = folder.name
    if config is None:
        from ..inputs.config import load_client_config
        from ..paths import client_folder

        try:
            config = load_client_config(client_folder(client_id, data_root))
        except Exception:  # noqa: BLE001 - no client.yaml: the period alone, no trend
            return [(period, read_results(folder))], "period", {}
    history: History = []
    for pid in earlier_periods(config, period):
        sibling = folder.parent / pid
        if sibling.is_dir():
            results = read_results(sibling)
            if results:
                history.append((pid, results))
    history.append((period, read_results(folder)))
    try:
        unit = step_unit(cadence(config.period(period)))
    except Exception:  # noqa: BLE001 - a period not in client.yaml
        unit = "period"
    return history, unit, dict(config.targets or {})


def trend_section(history: History, unit: str, targets: dict[str, Any], lang: str) -> dict[str, Any]:
    """The content of a briefing's "trends" section: an intro, the small multiples (``html``), and
    the pyramid migration table (3C), in the briefing's section format.

    Examples
    --------
    >>> sec = trend_section([("P1", {})], "year", {}, "en")
    >>> sec["html"], sec["paragraphs"][0][:27]
    ('', 'No results of earlier perio')
    """
    from ..i18n import t
    from ..plots.trends import small_multiples_html
    from ..report.trends import figure_trends, pyramid_migration

    trends = figure_trends(history, lang, targets=targets, unit=unit)
    out: dict[str, Any] = {"html": "", "paragraphs": [], "tables": []}
    if not trends:
        out["paragraphs"].append(t("trends.none", lang))
        return out
    periods = sorted({p for tr in trends for p in tr["periods"]}, key=[p for p, _ in history].index)
    out["paragraphs"].append(t("trends.intro", lang, first=periods[0], last=periods[-1], n=len(periods)))
    out["html"] = small_multiples_html(trends, t("trends.target", lang, value="{value}"))
    rows = pyramid_migration(history, lang)
    if rows:
        columns = list(rows[0])
        out["tables"].append({
            "title": t("trends.migration", lang),
            "columns": [{"label": t("trends.col.tier", lang) if c == "tier" else c, "cls": ""} for c in columns],
            "rows": [[{"text": "" if r.get(c) is None else str(r.get(c)),
                       "cls": "" if c == "tier" else "num"} for c in columns] for r in rows]})
    return out
