"""A client's history in a batch folder: the results of its earlier periods, for trends;
and the briefing's "trends" section (:func:`trend_section`).

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

from typing import Any

from ..report.trends import History, read_history  # noqa: F401  (importable from here too)


def trend_section(history: History, unit: str, targets: dict[str, Any], lang: str) -> dict[str, Any]:
    """The content of a briefing's "trends" section: an intro, the small multiples (``html``), and
    the pyramid migration table (3C), in the briefing's section format.

    Parameters
    ----------
    history : list of (period, results)
        Oldest first (:func:`threec_helpers.report.trends.read_history`).
    unit : str
        What one step is (``year``, ``month``, ...).
    targets : dict
        The client's ``targets``.
    lang : {"zh", "en"}

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
