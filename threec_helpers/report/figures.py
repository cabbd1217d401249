"""Key figures: the headline numbers every notebook records, their formats and statuses.

A notebook builds its headline with :func:`key_figure` (phase notebooks: label, format and
status from the key) or :func:`audit_figure` (audit notebooks: text and status decided by
the caller), records it with :func:`record` (``ctx.key_figure``), prints the language-free
check lines of its ``nbval-check-output`` cell with :func:`check_lines`, and writes its
conclusion with :func:`conclusion`. The batch briefing reads the recorded figures from
the results file (:mod:`threec_helpers.report.results`).

Headline figures and their status
---------------------------------
Every figure a notebook records is declared in the results contract
(:mod:`threec_helpers.report.catalog`): its label, format and unit, which direction is good,
the 3C dimension it stands for (if any) and its status rule. :func:`status_of` applies the
rule of a phase figure:

=============================  ===========================================================
key                            status rule (``good`` / ``warn`` / ``bad``)
=============================  ===========================================================
``information_score``          >= 80 good, >= 60 warn, else bad (0-100)
``operating_profit``           > 0 good, else bad (the scorecard's customer value; neutral
                               and labelled gross margin when cost-to-serve is missing)
``value_destroying_share``     <= 10% good, <= 25% warn, else bad
``retention``                  >= target good, >= target - 5 points warn, else bad
                               (``targets.retention``; neutral without a target)
``satisfaction``               >= target good, >= target - 0.3 warn, else bad
                               (``targets.satisfaction``, CSAT 1-5)
``nps``                        >= target good, >= target - 10 warn, else bad (``targets.nps``)
``preferred_supplier``         >= target good, >= target - 5 points warn, else bad
                               (``targets.preferred_supplier``; neutral without one)
``organization``,              >= 0.75 good (the customer-focus checklist's default target,
``communications``,            maturity 4 of 5), >= 0.50 warn, else bad (0-1)
``information``
``plan_gap``                   bottom-up - top-down as a share of top-down (``ratio``):
                               >= 0 good, >= -5% warn, else bad
``attainment``                 realization's RAG rule: >= 98% good, >= 90% warn, else bad
``rag``                        green good, amber warn, red bad
``variance``                   as ``attainment`` on actual / plan (``ratio``)
``focus_actions_done``         share of planned focus actions done (``ratio``): >= 80%
                               good, >= 50% warn, else bad
anything else                  neutral (counts, money, plan totals)
=============================  ===========================================================
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..i18n import fmt_int, fmt_money, fmt_num, fmt_pct, t
from .catalog import PHASE_FIGURES, figure
from .results import headline

#: key -> display format of the value (from the results contract)
FORMATS: dict[str, str] = {k: f.format for k, f in PHASE_FIGURES.items()}


def status_of(key: str, value: Any, targets: Mapping[str, float] | None = None, ratio: float | None = None) -> str:
    """Status of a headline figure by the rule of the module docstring.

    Parameters
    ----------
    key : str
        Figure key (``"retention"``, ``"information_score"``, ...).
    value : number or str
        The figure's value.
    targets : mapping, optional
        ``client.yaml`` targets (``retention``, ``satisfaction``, ``nps``, ``preferred_supplier``).
    ratio : float, optional
        The ratio some rules judge instead of the value (``plan_gap``: gap / top-down;
        ``variance``: actual / plan; ``focus_actions_done``: done / planned).

    Returns
    -------
    str
        ``good``, ``warn``, ``bad`` or ``neutral``.

    Examples
    --------
    >>> status_of("information_score", 82.0), status_of("retention", 0.86, {"retention": 0.9})
    ('good', 'warn')
    >>> status_of("rag", "red"), status_of("customers", 2700)
    ('bad', 'neutral')
    """
    spec = PHASE_FIGURES.get(key)
    return spec.status(value, targets, ratio) if spec is not None else "neutral"


def _text(kind: str, value: Any, lang: str, currency: str, of: Any = None) -> str:
    if kind == "money":
        return fmt_money(value, currency)
    if kind == "pct":
        return fmt_pct(value)
    if kind == "int":
        return fmt_int(value)
    if kind == "num2":
        return fmt_num(value, 2)
    if kind == "num":
        return fmt_num(value, 1)
    if kind == "score":
        return fmt_num(value, 1)
    if kind == "rag":
        return t(f"planning.rag.{value}", lang) if value in ("green", "amber", "red") else "–"
    if kind == "count_of":
        return t("phases.count_of", lang, n=fmt_int(value), total=fmt_int(of))
    return str(value)


def key_figure(key: str, value: Any, lang: str = "zh", *, targets: Mapping[str, float] | None = None,
               currency: str = "CNY", ratio: float | None = None, of: Any = None) -> dict[str, Any]:
    """One headline figure: ``{key, label, value, text, status}`` (``label`` from ``phases.kf.<key>``).

    Parameters
    ----------
    key : str
        One of :data:`FORMATS`.
    value : number or str
    lang : {"zh", "en"}
    targets : mapping, optional
        ``client.yaml`` targets, for the status.
    currency : str
    ratio : float, optional
        See :func:`status_of`.
    of : number, optional
        The total for ``count_of`` figures ("3 of 8").

    Examples
    --------
    >>> f = key_figure("retention", 0.8571, "en", targets={"retention": 0.9})
    >>> f["label"], f["text"], f["status"]
    ('Customer retention', '85.71%', 'warn')
    """
    kind = FORMATS.get(key, "num")
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    return {"key": key, "label": t(f"phases.kf.{key}", lang), "value": value,
            "text": _text(kind, value, lang, currency, of), "status": status_of(key, value, targets, ratio)}


def record(ctx, figures: Iterable[Mapping[str, Any]]) -> None:
    """Record figures (from :func:`key_figure` or :func:`audit_figure`) as the notebook's headline
    (``ctx.key_figure``), each with the 3C dimension the results contract declares for it in
    ``ctx.notebook`` (:func:`threec_helpers.report.catalog.figure`; None when it declares none).

    Parameters
    ----------
    ctx : NotebookContext
        Anything with ``notebook`` and a ``key_figure(...)`` method.
    figures : iterable of mapping

    See Also
    --------
    key_figure, audit_figure : make the figures.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> recorded = []
    >>> ctx = SimpleNamespace(notebook="02_analysis", key_figure=lambda *a, **kw: recorded.append((a[0], kw)))
    >>> record(ctx, [key_figure("operating_margin", 0.25, "en")])
    >>> recorded
    [('operating_margin', {'dimension': 'value'})]
    """
    notebook = getattr(ctx, "notebook", None)
    for f in figures:
        spec = figure(notebook, f["key"])
        ctx.key_figure(f["key"], f["label"], f["value"], f["text"], f["status"],
                       dimension=spec.dimension if spec is not None else None)


def check_lines(figures: Iterable[Mapping[str, Any]], extra: Mapping[str, Any] | None = None) -> str:
    """The plain-text key numbers of the ``nbval-check-output`` cell: ``key: value`` per line.

    Numbers are printed in a language-independent form (4 significant decimals for ratios,
    2 for money), so the committed output does not depend on the report language.

    Parameters
    ----------
    figures : iterable of mapping
        The headline figures.
    extra : mapping, optional
        More ``key: value`` lines.

    Returns
    -------
    str

    Examples
    --------
    >>> print(check_lines([key_figure("customers", 2700, "en"), key_figure("retention", 0.85714, "en")]))
    customers: 2700
    retention: 0.8571
    """
    lines = []
    for f in figures:
        lines.append(f"{f['key']}: {_plain(f['value'])}")
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {_plain(v)}")
    return "\n".join(lines)


def _plain(v: Any) -> str:
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if np.isnan(v):
            return "nan"
        if float(v).is_integer() and abs(v) >= 1:
            return str(int(v))
        return f"{v:.4f}" if abs(v) < 100 else f"{v:.2f}"
    return str(v)


def conclusion(phase: str, figures: Iterable[Mapping[str, Any]], lang: str = "zh", **fields: Any) -> str:
    """The notebook's conclusion sentence from its headline figures (``phases.conclusion.<phase>``).

    Every figure's ``text`` is available to the template as ``{key}``; extra ``fields`` too.

    Parameters
    ----------
    phase : str
        ``registration``, ``analysis``, ...
    figures : iterable of mapping
    lang : {"zh", "en"}
    **fields
        More template fields.

    Returns
    -------
    str

    Examples
    --------
    >>> conclusion("registration", [key_figure("information_score", 82.0, "en"),
    ...                             key_figure("customers", 2700, "en"), key_figure("active_customers", 1505, "en"),
    ...                             key_figure("revenue", 1e6, "en")], "en")
    'Customer-data quality score 82.0 of 100; 2,700 customers registered, 1,505 active, revenue ¥1,000,000.'
    """
    figures = list(figures)
    texts = _Missing({f["key"]: f["text"] for f in figures})
    texts.update(fields)
    key = f"phases.conclusion.{phase}"
    if any(f["key"] == "operating_profit" and f.get("label") == t("phases.kf.operating_profit_gross", lang)
           for f in figures):  # profit without cost-to-serve is gross margin: the sentence says so
        key += "_gross"
    return t(key, lang).format_map(texts)


class _Missing(dict):
    """Format mapping that shows "–" for a figure the notebook did not compute."""

    def __missing__(self, key: str) -> str:
        return "–"


def key_figures_table(figures: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The headline figures as a two-column table (``label``, ``text``) for the report.

    Parameters
    ----------
    figures : iterable of mapping

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> kf = [{"key": "k", "label": "Utilisation", "value": 0.9, "text": "90%", "status": "good"}]
    >>> key_figures_table(kf).values.tolist()
    [['Utilisation', '90%']]
    """
    figures = list(figures)
    return pd.DataFrame({"label": [f["label"] for f in figures], "text": [f["text"] for f in figures]})


def audit_figure(key: str, value: Any, text: str, status: str, lang: str, label: str | None = None) -> dict[str, Any]:
    """One headline figure of an audit notebook, its text and status already decided by the caller.

    ``label`` defaults to ``audit_report.kf.<key>``.

    Parameters
    ----------
    key : str
    value : object
    text : str
        The value as shown.
    status : {"good", "bad", "warn", "neutral"}
    lang : {"zh", "en"}
    label : str, optional

    Returns
    -------
    dict

    See Also
    --------
    key_figure : a phase notebook's figure, its text and status from the results contract.

    Examples
    --------
    >>> audit_figure("documents", 187, "187", "neutral", "en")["label"]
    'QMS documents'
    """
    return headline(key, label if label is not None else t(f"audit_report.kf.{key}", lang), value, text, status)


def attention_summary(results: Mapping[str, Mapping[str, Any]], lang: str = "zh") -> str | None:
    """One sentence naming the period's figures that need attention: those rated poor first,
    then those close to their limit, each with its value, across every notebook (a figure two
    notebooks record is named once).

    A briefing's conclusion that only strings the notebooks' summaries together never says
    what is off; this sentence does, from the statuses the results contract gave each figure.

    Parameters
    ----------
    results : mapping
        Notebook -> its results payload (``headline``: ``key``, ``label``, ``text``, ``status``).
    lang : {"zh", "en"}

    Returns
    -------
    str or None
        None when no figure is rated poor or close to its limit.

    Examples
    --------
    >>> results = {"02_analysis": {"headline": [
    ...     {"key": "satisfaction", "label": "CSAT (1-5)", "text": "3.77", "status": "bad"},
    ...     {"key": "retention", "label": "Retention", "text": "87.69%", "status": "warn"},
    ...     {"key": "revenue", "label": "Revenue", "text": "¥87m", "status": "neutral"}]},
    ...     "04_realization": {"headline": [
    ...     {"key": "focus_actions_done", "label": "Focus actions done", "text": "0 / 8", "status": "bad"}]}}
    >>> attention_summary(results, "en")
    'Needing attention: CSAT (1-5) 3.77, Focus actions done 0 / 8. Close to the limit: Retention 87.69%.'
    >>> attention_summary(results, "zh")
    '需重点关注：CSAT (1-5) 3.77、Focus actions done 0 / 8。接近警戒：Retention 87.69%。'
    >>> attention_summary({"x": {"headline": [{"key": "a", "label": "A", "text": "1", "status": "good"}]}}, "en") is None
    True
    """
    seen: set[str] = set()
    groups: dict[str, list[str]] = {"bad": [], "warn": []}
    for payload in results.values():
        for h in payload.get("headline") or []:
            key = str(h.get("key"))
            if key in seen:
                continue
            seen.add(key)
            if h.get("status") in groups:
                groups[str(h.get("status"))].append(f"{h.get('label') or key} {h.get('text', '')}".strip())
    sep = "、" if lang == "zh" else ", "
    parts = [t(f"common.attention.{status}", lang, figures=sep.join(names)) for status, names in groups.items() if names]
    return ("" if lang == "zh" else " ").join(parts) if parts else None
