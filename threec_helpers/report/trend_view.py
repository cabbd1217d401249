"""The "trends" section of a notebook's report: its key figures over the client's earlier periods.

A notebook calls :func:`show_trends` after recording its key figures and before
``ctx.finish``. The earlier periods' figures come from their results files in the sibling
folders of the notebook's output folder (``reports/<batch>/<client>/<period>/``): the batch
runs a notebook's earlier periods before its later ones in the same run
(:class:`threec_helpers.batch.schedule.Schedule`), and earlier runs' files count too. A
period without a results file is left out; with none at all the section says how to get a
trend (run the batch over ``periods: all`` or ``last N``). The computation is
:mod:`.trends`, the drawing :mod:`threec_helpers.plots.trends`.
"""

from __future__ import annotations

from typing import Any

from ..plots.trends import small_multiples_html
from .trends import figure_trends, pyramid_migration, read_history


def notebook_trends(ctx) -> dict[str, Any]:
    """The trends of ``ctx``'s recorded key figures: ``trends`` (:func:`.trends.figure_trends`),
    ``migration`` rows, ``periods`` (oldest first).

    Parameters
    ----------
    ctx : NotebookContext
        The notebook's context: its ``notebook``, recorded ``headline`` and ``tables``, ``period``,
        ``config``, ``lang`` and ``output_dir``.

    Returns
    -------
    dict

    Examples
    --------
    A client's first period: no earlier results, no trend.

    >>> import datetime as dt
    >>> import tempfile
    >>> from pathlib import Path
    >>> from types import SimpleNamespace as NS
    >>> fy = NS(id="FY2026", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    >>> config = NS(client_id="acme", current_period="FY2026", periods=(fy,), targets={}, period=lambda pid: fy)
    >>> ctx = NS(notebook="02_analysis", headline=[], tables={}, period=fy, config=config, lang="en",
    ...          output_dir=Path(tempfile.mkdtemp()) / "acme" / "FY2026",
    ...          t=lambda key, **kw: key, heading=print, note=print)
    >>> notebook_trends(ctx)
    {'trends': [], 'migration': [], 'periods': ['FY2026']}
    """
    current = {ctx.notebook: {"headline": list(ctx.headline), "tables": dict(ctx.tables)}}
    history, unit, targets = read_history(ctx.output_dir.parent / ctx.period.id, ctx.config.client_id,
                                          config=ctx.config, current=current)
    history = [(p, {ctx.notebook: r[ctx.notebook]}) for p, r in history if ctx.notebook in r]
    return {"trends": figure_trends(history, ctx.lang, targets=targets, unit=unit),
            "migration": pyramid_migration(history, ctx.lang, ctx.notebook),
            "periods": [p for p, _ in history]}


def show_trends(ctx) -> dict[str, Any]:
    """Show the trends section in the notebook's report; return what :func:`notebook_trends` found.

    Parameters
    ----------
    ctx : NotebookContext
        As for :func:`notebook_trends`; its ``heading``, ``note``, ``table`` and ``t`` show the section.

    Returns
    -------
    dict

    Examples
    --------
    Without earlier periods the section says so (here ``t`` gives the text key, ``heading`` and
    ``note`` print).

    >>> import datetime as dt
    >>> import tempfile
    >>> from pathlib import Path
    >>> from types import SimpleNamespace as NS
    >>> fy = NS(id="FY2026", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    >>> config = NS(client_id="acme", current_period="FY2026", periods=(fy,), targets={}, period=lambda pid: fy)
    >>> ctx = NS(notebook="02_analysis", headline=[], tables={}, period=fy, config=config, lang="en",
    ...          output_dir=Path(tempfile.mkdtemp()) / "acme" / "FY2026",
    ...          t=lambda key, **kw: key, heading=print, note=print)
    >>> show_trends(ctx)["trends"]
    trends.section
    trends.none
    []
    """
    import pandas as pd
    from IPython.display import HTML, display

    found = notebook_trends(ctx)
    ctx.heading(ctx.t("trends.section"))
    if not found["trends"]:
        ctx.note(ctx.t("trends.none"))
        return found
    periods = found["periods"]
    ctx.note(ctx.t("trends.intro", first=periods[0], last=periods[-1], n=len(periods)))
    display(HTML(small_multiples_html(found["trends"], ctx.t("trends.target", value="{value}"))))
    if found["migration"]:
        ctx.heading(ctx.t("trends.migration"), level=3)
        frame = pd.DataFrame(found["migration"]).rename(columns={"tier": ctx.t("trends.col.tier")})
        ctx.table(frame, labels={c: c for c in frame.columns})
    return found
