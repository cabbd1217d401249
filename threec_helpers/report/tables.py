"""Display tables: one column-label namespace and the tables that carry their labels.

Every column header of every format (HTML report, XLSX, briefing) comes from one namespace,
``col.<column>`` in ``locale/columns.yaml`` (:func:`column_label`); the titles of recorded
tables from ``result_table.<name>`` (:func:`table_title`).

:class:`ReportTable` is a display table that carries its columns' labels and formats:
``ctx.table(table)`` renders it and, when it has a ``name``, records it for the results
file together with the headers it showed, so the XLSX and the briefing print the same
headers as the HTML report. A column whose meaning in a table differs from its name's
(a tier table's ``label`` is the tier) names another ``col.*`` key in ``labels``.

:func:`phase_table` builds the phase reports' tables (formats :data:`TABLE_FORMATS`; tier,
RAG and table ids shown in words) and :func:`show` shows one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from ..i18n import has_key, t
from ..measures.pyramid import TIERS, tier_label


def column_key(name: str) -> str:
    """The i18n key of column ``name``'s header: ``col.<name>``.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    See Also
    --------
    column_label : the header itself.

    Examples
    --------
    >>> column_key("attainment")
    'col.attainment'
    """
    return f"col.{name}"


def column_label(name: str, lang: str) -> str:
    """A column's header: ``col.<name>`` when translated, else the name as written.

    Parameters
    ----------
    name : str
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    column_key : its i18n key.
    header_text : a header given as a label or an i18n key.

    Examples
    --------
    >>> column_label("attainment", "zh"), column_label("attainment", "en"), column_label("xyz", "en")
    ('达成率', 'Attainment', 'xyz')
    """
    key = column_key(str(name))
    return t(key, lang) if has_key(key) else str(name)


def table_title(name: str, lang: str) -> str:
    """A recorded table's title: ``result_table.<name>`` when translated, else the name as written.

    Parameters
    ----------
    name : str
        The table's record name.
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> table_title("objectives", "en"), table_title("xyz", "en")
    ('Quality objectives', 'xyz')
    """
    key = f"result_table.{name}"
    return t(key, lang) if has_key(key) else str(name)


@dataclass
class ReportTable:
    """A display table that knows its columns' labels and formats.

    Parameters
    ----------
    frame : DataFrame
        The values (numbers stay numbers: formats apply at display); recorded as is.
    labels : mapping
        column -> i18n key (or literal text when not a key) of its header; a column without
        one is headed by :func:`column_label`.
    formats : mapping
        column -> ``"int"``, ``"pct"``, ``"pct1"``, ``"pct0"``, ``"num"``, ``"num2"`` or ``"money"``.
    name : str, optional
        The table's name in the results file (:mod:`threec_helpers.report.catalog`); when set,
        ``ctx.table`` records it.
    max_rows : int
    columns : sequence of str, optional
        The columns shown, in order (default: all); the record keeps every column.
    display : DataFrame, optional
        What is shown when it differs from what is recorded (values in words, a total row).
    recorded : sequence of str, optional
        The columns recorded, in order (default: all).

    Examples
    --------
    >>> rt = ReportTable(pd.DataFrame({"attainment": [0.5], "label": ["Top"]}), {"label": "col.tier"})
    >>> rt.headers("en")
    {'attainment': 'Attainment', 'label': 'Tier'}
    """

    frame: pd.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)
    formats: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None
    max_rows: int = 40
    columns: Sequence[str] | None = None
    display: pd.DataFrame | None = None
    recorded: Sequence[str] | None = None

    def headers(self, lang: str) -> dict[str, str]:
        """column -> the header shown in ``lang``, for every column of the frame and the display."""
        cols = list(self.frame.columns) + [c for c in (self.display.columns if self.display is not None else ())
                                           if c not in self.frame.columns]
        return {c: self.header(c, lang) for c in cols}

    def header(self, column: str, lang: str) -> str:
        """The header of ``column`` in ``lang``."""
        return header_text(self.labels[column], lang) if column in self.labels else column_label(column, lang)

    def shown(self) -> pd.DataFrame:
        """The frame shown: ``display`` (or ``frame``), restricted to ``columns``."""
        base = self.frame if self.display is None else self.display
        return base if self.columns is None else base[list(self.columns)]

    def record(self) -> pd.DataFrame:
        """The frame recorded for the results file: ``frame``, restricted to ``recorded``."""
        return self.frame if self.recorded is None else self.frame[list(self.recorded)]


def header_text(label: str, lang: str) -> str:
    """A header: the translation of ``label`` when it is an i18n key, else ``label`` itself.

    Parameters
    ----------
    label : str
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    column_label : a column's own header.

    Examples
    --------
    >>> header_text("col.metric", "en"), header_text("Free text", "en")
    ('Metric', 'Free text')
    """
    return t(label, lang) if has_key(label) else str(label)


#: column -> header key where a phase report's column means more than its name
#: (every other column: :func:`column_label`)
LABELS: dict[str, str] = {"label": "col.tier", "group": "col.tier", "name": "col.customer_name",
                          "current": "col.current_level", "previous": "col.previous_round"}


#: column -> default number format in phase reports
TABLE_FORMATS: dict[str, str] = {
    "rows": "int", "columns": "int", "customers": "int", "orphans": "int", "rows_in_period": "int",
    "active_customers": "int", "revenue": "money", "gross_margin": "money", "cost_to_serve": "money",
    "net_profit": "money", "transactions": "int", "surveyed": "int", "respondents": "int", "answers": "int",
    "missing_scores": "int", "mean": "num2", "std": "num2", "weight": "pct0", "score": "pct1",
    "customer_share": "pct1", "revenue_share": "pct1", "profit": "money", "profit_share": "pct1",
    "avg_revenue": "money", "avg_satisfaction": "num2", "n_satisfaction": "int", "amount": "money", "clv": "money",
    "avg_clv": "money", "p_alive": "pct1", "frequency": "num", "recency_days": "num", "tenure_months": "num",
    "share_of_customer": "pct1", "preferred": "pct1", "n": "int", "csat": "num2", "top2box": "pct1", "nps": "num",
    "rho": "num2", "ci_low": "num2", "ci_high": "num2", "money_at_stake": "money", "rank": "int", "target": "num2",
    "gap": "pct1", "priority": "num2", "focus": "pct1", "organization": "pct1", "communications": "pct1",
    "information": "pct1", "retention": "pct1", "satisfaction": "num2", "overall": "pct1", "growth": "pct1",
    "base_revenue": "money", "top_down_revenue": "money", "bottom_up_revenue": "money", "gap_pct": "pct1",
    "top_down_profit": "money", "bottom_up_profit": "money", "plan_revenue": "money", "plan_profit": "money",
    "plan_satisfaction": "num2", "current": "num2", "improvement": "num2", "plan": "money", "actual": "money",
    "cum_plan": "money", "cum_actual": "money", "attainment": "pct1", "variance": "money", "achieved": "num2",
    "progress": "pct0", "filled": "pct1", "previous": "pct1", "change": "pct1", "revenue_prev": "money",
    "revenue_change": "money", "profit_prev": "money", "profit_change": "money",
}


def phase_table(frame: pd.DataFrame, lang: str, name: str | None = None, columns: Sequence[str] | None = None,
                max_rows: int = 40, **formats: str) -> ReportTable:
    """A phase report's table: headers from :data:`LABELS` and :func:`column_label`, formats
    from :data:`TABLE_FORMATS` (overridden by ``formats``); ``rag`` values, tier ids, table ids,
    variance components and role groups shown in words (the record keeps the codes).

    Parameters
    ----------
    frame : pandas.DataFrame
    lang : {"zh", "en"}
    name : str, optional
        Record the table under this name when shown.
    columns : sequence of str, optional
        The columns shown (default: all).
    max_rows : int
    **formats : str
        Column -> format, overriding :data:`TABLE_FORMATS`.

    Returns
    -------
    ReportTable

    See Also
    --------
    show : the same, shown at once.

    Examples
    --------
    >>> rt = phase_table(pd.DataFrame({"rag": ["green"], "attainment": [0.5]}), "en", name="plan")
    >>> rt.name, rt.header("attainment", "en")
    ('plan', 'Attainment')
    """
    shown = frame.copy()
    if "rag" in shown.columns:
        shown["rag"] = [t(f"planning.rag.{r}", lang) if r in ("green", "amber", "red") else "–"
                        for r in shown["rag"]]
    for col in ("tier", "plan_tier", "group"):
        if col in shown.columns:
            shown[col] = [_tier_text(x, lang) for x in shown[col]]
    if "table" in shown.columns:
        shown["table"] = [t(f"notebook.table.{x}", lang) if has_key(f"notebook.table.{x}") else x
                          for x in shown["table"]]
    if "component" in shown.columns:
        shown["component"] = [t(f"planning.variance.{x}", lang) if has_key(f"planning.variance.{x}") else x
                              for x in shown["component"]]
    if "customer_id" in shown.columns:  # the plan's placeholder for customers not yet known
        shown["customer_id"] = [t("plots.planning.new_customers", lang) if x == "new" else x
                                for x in shown["customer_id"]]
    if "role" in shown.columns:
        shown["role"] = [t(f"audit_report.role.{x}", lang) if has_key(f"audit_report.role.{x}") else x
                         for x in shown["role"]]
    if "role_group" in shown.columns:
        shown["role_group"] = [t(f"phases.role_group.{x}", lang) for x in shown["role_group"]]
    return ReportTable(frame, LABELS, {**TABLE_FORMATS, **formats}, name=name, max_rows=max_rows,
                       columns=columns, display=shown)


def show(ctx, frame: pd.DataFrame, max_rows: int = 40, *, name: str | None = None,
         columns: Sequence[str] | None = None, **formats: str) -> None:
    """Show (and with ``name`` record) a phase report's table: ``ctx.table(phase_table(...))``.

    Parameters
    ----------
    ctx : NotebookContext
        Anything with ``lang`` and a ``table(report_table)`` method.
    frame : pandas.DataFrame
    max_rows : int
    name : str, optional
    columns : sequence of str, optional
    **formats : str
        As in :func:`phase_table`.

    See Also
    --------
    phase_table : the table without showing it.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> shown = []
    >>> show(SimpleNamespace(lang="en", table=shown.append), pd.DataFrame({"attainment": [0.5]}), name="plan")
    >>> shown[0].name
    'plan'
    """
    ctx.table(phase_table(frame, ctx.lang, name=name, columns=columns, max_rows=max_rows, **formats))


def _tier_text(x: Any, lang: str) -> Any:
    if x in TIERS:
        return tier_label(x, lang)
    if x == "total":
        return t("common.total", lang)
    if x == "new":
        return t("plots.planning.new_customers", lang)
    return x
