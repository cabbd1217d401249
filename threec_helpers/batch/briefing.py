"""Step 4 of a batch run: the certification briefing of one client and period.

The briefing is composed only from the results files the notebooks wrote
(:mod:`threec_helpers.results`), so it needs no data access and no code. Its structure
follows the engagement type:

- ``iso9001`` - the seed's ISO 9001 briefing to the on-site audit panel, in the structure
  of a real 迎审汇报: overview; quality policy and scope; quality objectives, target vs
  actual, with each objective's last 12 months as a small chart; how the system was built
  and run (milestones, documents, training); internal audits and management review;
  what certification changed (baseline vs now); continuous improvement; what changed
  since the last period; readiness (declared rules); conclusion;
- ``3c`` - the 3C scorecard: customer performance (value, behavior, satisfaction) and
  customer focus (organization, communications, information); the CRM chain as the seed
  tells it (focus -> satisfaction -> behavior -> value -> operating profit): not the
  scorecard's steps again but the measured link between each pair of steps
  (:mod:`threec_helpers.report.chain`); pyramid migration and its money effect;
  each phase's results; plan vs actual; the priorities for the next period; what changed;
  conclusion;
- ``clinical`` - the seed's self-assessment (part 3): its purposes, the five assessment
  areas with their items and scores and the weak links, veto items, rectification and its
  verification, the monthly indicators against the provincial standard's targets (small
  charts), what changed, the conclusion from declared rules, conclusion.

Each section takes what it knows from the results: the scorecard the figures that declare a
3C dimension (the results contract, :mod:`threec_helpers.report.catalog`), the other
sections tables by name (:data:`LAYOUTS`); tables no section claims are shown under "other results", so
nothing a notebook reports is lost. :func:`compose_briefing` is pure (results in, a
section list out); :func:`write_briefing` reads a period folder, composes the briefing and
writes it as ``briefing.html``, ``briefing.pdf``, ``briefing.docx`` and the deck ``deck.pptx``
(:data:`DECK_NAME`). :func:`compare_headlines` gives the "what changed since the last
period" rows. Every heading, banner and sentence the briefing adds is in the run's language
(``zh`` or ``en``, from ``threec_helpers/locale/batch.yaml``); what the notebooks wrote
(labels, tables, conclusions) is shown as they recorded it.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Any, Mapping

from ..i18n import fmt_num, fmt_pct, has_key, t
from ..report.catalog import FOCUS, PERFORMANCE, dimension_of, figure, target_text
from ..report.figures import attention_summary
from ..report.phases import gross_margin_note
from ..report.results import not_assessed_info, not_assessed_text, read_results, table_display_name
from ..report.tables import column_label, table_title
from .publish import (asset, file_name, format_cell, html_lang, html_to_pdf, notebook_name, render, report_date,
                      table_header)

#: per engagement: section id -> tables (by name) it shows, in order; only names some
#: notebook writes (the results contract, :data:`threec_helpers.report.catalog.NOTEBOOKS`)
LAYOUTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "iso9001": [("overview", ("org_overview",)),
                ("policy", ()),
                ("objectives", ("objectives",)),
                ("system", ("milestones", "documents", "training")),
                ("audits", ("findings_by_round", "clause_coverage", "management_review")),
                ("effects", ("baseline_comparison",)),
                ("findings", ("open_findings", "improvements")),
                ("trends", ()),
                ("changes", ()),
                ("readiness", ("readiness",)),
                ("conclusion", ())],
    "3c": [("scorecard", ()),
           ("chain", ("crm_links", "crm_chain")),
           ("migration", ("migration",)),
           ("phases", ()),
           ("plan", ("focus_plan", "reconciliation", "variance")),
           ("priorities", ("priorities", "opportunities")),
           ("trends", ()),
           ("changes", ()),
           ("conclusion", ())],
    "clinical": [("purposes", ()),
                 ("areas", ("areas", "area_items", "weak_items")),
                 ("veto", ("vetoes",)),
                 ("rectification", ("rectifications",)),
                 ("indicators", ("indicators",)),
                 ("trends", ()),
                 ("changes", ()),
                 ("verdict", ("verdict",)),
                 ("conclusion", ())],
}


def _view_table(rows: list[dict[str, Any]], view: Mapping[str, Any], title: str) -> dict[str, Any]:
    """A recorded table as the report showed it (its ``views`` entry: the columns shown, in
    words), with the colours of yes/no columns taken from the recorded values."""
    body = []
    for i, texts in enumerate(view.get("rows") or []):
        raw = rows[i] if i < len(rows) else {}
        cells = []
        for c, text in zip(view["columns"], texts):
            v = raw.get(c)
            cls = ""
            if isinstance(v, bool) and c in ("met", "achieved", "passed", "ok"):
                cls, text = ("met-yes", "✓ " + text) if v else ("met-no", "✗ " + text)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cls = "num"
            cells.append({"text": text, "cls": cls})
        body.append(cells)
    headers = view.get("headers") or {}
    return {"title": title, "columns": [{"label": headers.get(c, c), "cls": ""} for c in view["columns"]],
            "rows": body}


def _recorded_table(payload: Mapping[str, Any], name: str, lang: str, title: str) -> dict[str, Any]:
    """Table ``name`` of a results payload: as the report showed it when the file says how, else
    from the recorded values with their headers."""
    rows = payload["tables"][name]
    view = (payload.get("views") or {}).get(name)
    if isinstance(view, Mapping) and view.get("columns"):
        return _view_table(rows, view, title)
    return _table(rows, lang, title, (payload.get("columns") or {}).get(name))
#: table -> the table that replaces it when the same notebook recorded both: the 3C chain's
#: links (:mod:`threec_helpers.report.chain`) include the Spearman correlations of ``crm_chain``,
#: which older results files hold alone
SUPERSEDED_BY: dict[str, str] = {"crm_chain": "crm_links"}

#: per engagement: section id -> keys of the notebook's ``section_text`` (paragraphs it wrote for
#: that part of the briefing, in the report's language), shown before the section's tables
SECTION_TEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "iso9001": {"overview": ("overview",), "policy": ("policy",), "system": ("system", "training"), "audits": ("review",),
                "effects": ("effects",), "readiness": ("readiness",)},
    "clinical": {"purposes": ("purposes",), "verdict": ("verdict",)},
    "3c": {"chain": ("chain",), "migration": ("migration",)},
}


def _trend_charts(payload: dict[str, Any], lang: str = "zh") -> list[dict[str, Any]]:
    """Small SVG charts of the ``trends`` a notebook recorded (one per objective)."""
    from ..report.sparkline import sparkline_svg

    charts = []
    for tr in payload.get("trends") or []:
        if not isinstance(tr, dict) or not tr.get("values"):
            continue
        months = tr.get("months") or ["", ""]
        name, unit = str(tr.get("objective") or tr.get("objective_id") or ""), str(tr.get("unit") or "").strip()
        if unit and unit != "%":  # the unit in words, as the control charts' axes say it (per_1000 -> 千分之)
            key = f"audit_report.axis_unit.{unit}"
            unit = t(key, lang) if has_key(key) else ""
        shown = (f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})") if unit and unit not in name else name
        charts.append({"title": shown,
                       # the data too, for formats that draw the chart themselves (Word)
                       "values": list(tr["values"]), "target": tr.get("target"), "met": tr.get("met"),
                       "months": [str(m) for m in tr.get("months") or []],
                       "svg": sparkline_svg(tr["values"], tr.get("target"), tr.get("met"),
                                            (str(months[0]), str(months[-1])))})
    return charts


def _table(rows: list[dict[str, Any]], lang: str, title: str = "",
           headers: dict[str, str] | None = None) -> dict[str, Any]:
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in columns and k != "assessment":  # shown through the direction's colour and word
                columns.append(k)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            cls = "num" if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            if c in ("met", "achieved", "passed", "ok") and isinstance(v, bool):
                cls = "met-yes" if v else "met-no"
                text = ("✓ " if v else "✗ ") + format_cell(v, lang)
            elif c == "direction" and isinstance(v, str) and "assessment" in r:
                text, cls = _direction_text(v, str(r.get("assessment")), lang), f"direction {r.get('assessment')}"
            elif c == "status" and isinstance(v, str):
                key = f"batch.status.{v}"
                text = t(key, lang) if has_key(key) else v
                cls = f"status-text {v}"
            else:
                text = format_cell(v, lang, c)
            cells.append({"text": text, "cls": cls})
        body.append(cells)
    return {"title": title, "columns": [{"label": table_header(c, lang, headers), "cls": ""} for c in columns],
            "rows": body}


#: direction of the value -> its arrow
_ARROWS = {"up": "↑", "down": "↓", "same": "→", "changed": "≠", "none": "—"}


def _direction_text(direction: str, assessment: str, lang: str) -> str:
    """An arrow for the value's direction and a word for what it means ("↑ worse")."""
    if direction == "none":
        return t("batch.assess.no_comparison", lang)
    if assessment in ("better", "worse"):
        return f"{_ARROWS.get(direction, '')} {t(f'batch.assess.{assessment}', lang)}"
    if direction == "same":
        return f"{_ARROWS['same']} {t('batch.assess.same', lang)}"
    return _ARROWS.get(direction, "")  # a count or an amount: no better or worse


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def change_text(diff: float, before: float, after: float, text: str, fmt: str, lang: str) -> str:
    """A change of a headline figure, written the way the figure itself is.

    Parameters
    ----------
    diff : float
        ``after - before``.
    before, after : float
        The two values (a share as 0-1).
    text : str
        The figure's text this period (``'¥87,332,252'``, ``'26.85%'``): its currency symbol is
        kept, and a figure whose text ends in ``%`` changes by percentage points.
    fmt : str
        The figure's declared format (:func:`threec_helpers.report.catalog.figure`): ``money``
        (whole units, with the symbol), ``pct``, ``int``/``count_of`` (whole numbers), ``num2``
        (2 decimals), else up to 2 decimals.
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> change_text(8174230.06, 79158021.0, 87332251.06, "¥87,332,252", "money", "zh")
    '+¥8,174,230'
    >>> change_text(-0.0046, 0.2731, 0.2685, "26.85%", "pct", "zh"), change_text(-0.0046, 0.2731, 0.2685, "26.85%", "pct", "en")
    ('-0.46 个百分点', '-0.46 pp')
    >>> change_text(-3, 5, 2, "2", "text", "en"), change_text(-1.0, 82.3, 81.3, "81.3分", "text", "zh")
    ('-3', '-1')

    A change is written with the figure's own decimals, between the values as printed, and a
    gap printed in points changes in points:

    >>> change_text(2.76, 90.24, 93.0, "93.0", "score", "zh"), change_text(11.31, -16.31, -5.0, "-5.0", "num1", "zh")
    ('+2.8', '+11.3')
    >>> change_text(0.014, 0.218, 0.232, "+23.2 个百分点", "text", "zh")
    '+1.4 个百分点'
    """
    text = text.strip()
    shown = re.findall(r"\d[\d,]*(?:\.(\d+))?", text)
    places = len(shown[-1]) if shown else 2  # as many decimals as the figure shows

    def step(scale: float = 1.0) -> float:
        """The change between the two values as shown (rounded as the text rounds them), so that
        a reader subtracting the printed figures gets the printed change (93.0 - 90.2 = +2.8)."""
        return round(round(after * scale, places) - round(before * scale, places), places)

    points = text.endswith(("%", "个百分点", "pp")) and abs(before) <= 1.5 and abs(after) <= 1.5
    if fmt == "pct" or points:
        return t("batch.brief.change_points", lang, value=f"{step(100):+,.{places}f}")
    if fmt == "money":
        symbol = re.match(r"^[-+]?([^\d\s-]*)", text)
        return f"{'-' if diff < 0 else '+'}{symbol.group(1) if symbol else ''}{abs(diff):,.0f}"
    if fmt in ("int", "count_of"):
        return f"{diff:+,.0f}"
    if fmt == "num2":
        return f"{diff:+,.2f}"
    if shown and diff % 1:
        return f"{step():+,.{places}f}"
    return f"{diff:+,.2f}".rstrip("0").rstrip(".") if diff % 1 else f"{diff:+,.0f}"


#: status -> rank, for a status change (higher is better)
_STATUS_RANK = {"bad": 0, "warn": 1, "good": 2}


def compare_headlines(current: dict[str, dict[str, Any]], previous: dict[str, dict[str, Any]],
                      lang: str) -> list[dict[str, Any]]:
    """Rows of "what changed": every headline figure of this period, once, against the last.

    The arrow (``direction``: ``up``/``down``/``same``) follows the value; whether the change
    is an improvement follows the figure's declared good direction
    (:func:`threec_helpers.report.catalog.figure`: more problems is worse, a higher retention
    better; ``target`` figures are better higher) and, for figures that are not numbers, their
    status: a status change (green → amber) is a change. A figure with no comparable earlier
    value shows "—". A figure recorded by two notebooks (revenue, the focus factors) is shown once.

    Parameters
    ----------
    current, previous : dict
        notebook -> results payload (:func:`threec_helpers.report.results.read_results`) of
        this period and of the last one. A figure is matched with the last period's by its
        notebook and ``key``, never by its label.
    lang : {"zh", "en"}
        The language of the status words (``good → watch``) and the briefing.

    Returns
    -------
    list of dict
        indicator, previous, current, change (text), direction (``up``/``down``/``same``),
        assessment (``better``/``worse``/``neutral``).

    Examples
    --------
    >>> cur = {"iso9001_certification_audit": {"headline": [{"key": "open_findings", "label": "Open findings",
    ...        "value": 5, "text": "5", "status": "warn"}]}}
    >>> prev = {"iso9001_certification_audit": {"headline": [{"key": "open_findings", "label": "Open findings",
    ...         "value": 1, "text": "1", "status": "good"}]}}
    >>> row = compare_headlines(cur, prev, "en")[0]
    >>> row["change"], row["direction"], row["assessment"]
    ('+4 (good → watch)', 'up', 'worse')

    In Chinese only the status words change; a figure the last period did not record has
    nothing to compare with:

    >>> cur["iso9001_certification_audit"]["headline"].append(
    ...     {"key": "utilisation", "label": "Utilisation", "value": 0.9242, "text": "92.42%"})
    >>> [(r["change"], r["direction"]) for r in compare_headlines(cur, prev, "zh")]
    [('+4 (良好 → 注意)', 'up'), ('—', 'none')]
    """
    rows = []
    seen: set[str] = set()
    dash = "—"
    for nb, payload in current.items():
        before = {h.get("key"): h for h in (previous.get(nb, {}).get("headline") or [])}
        for h in payload.get("headline") or []:
            key = str(h.get("key"))
            if key in seen:
                continue
            seen.add(key)
            spec = figure(nb, key)
            good = spec.good if spec is not None else "none"
            p = before.get(key)
            a = _numeric(p.get("value")) if p is not None else None
            b = _numeric(h.get("value"))
            sa, sb = (p or {}).get("status", "neutral"), h.get("status", "neutral")
            status_change = (p is not None and sa != sb and sa in _STATUS_RANK and sb in _STATUS_RANK)
            if p is None or (a is None and b is not None) or (b is None and a is not None) \
                    or (a is None and b is None and not _present(p)):
                rows.append({"indicator": h.get("label") or key, "previous": dash, "current": h.get("text", ""),
                             "change": dash, "direction": "none", "assessment": "neutral"})
                continue
            if a is None or b is None:  # words (a grade, a RAG status): their status says better or worse
                same = p.get("text") == h.get("text")
                change = dash if same and not status_change else f"{p.get('text', '')} → {h.get('text', '')}"
                direction = "same" if same else "changed"
                diff = 0.0
            else:
                diff = b - a
                change = change_text(diff, a, b, str(h.get("text", "")), spec.format if spec is not None else "text",
                                     lang)
                direction = "up" if diff > 0 else "down" if diff < 0 else "same"
                if status_change:  # a number's status in the scorecard's words; a figure in words shows its own
                    change += f" ({t(f'batch.status.{sa}', lang)} → {t(f'batch.status.{sb}', lang)})"
            if status_change:
                assessment = "better" if _STATUS_RANK[sb] > _STATUS_RANK[sa] else "worse"
            elif diff and good in ("up", "target"):
                assessment = "better" if diff > 0 else "worse"
            elif diff and good == "down":
                assessment = "better" if diff < 0 else "worse"
            else:
                assessment = "neutral"
            rows.append({"indicator": h.get("label") or key, "previous": p.get("text", ""),
                         "current": h.get("text", ""), "change": change, "direction": direction,
                         "assessment": assessment})
    return rows


def _focus_target(results: dict[str, dict[str, Any]], dim: str) -> str | None:
    """The customer-focus audit's target for factor ``dim`` (its ``areas`` table), as shown."""
    for payload in results.values():
        for row in (payload.get("tables") or {}).get("areas") or []:
            if (isinstance(row, dict) and (row.get("key") or row.get("code")) == dim
                    and _numeric(row.get("target")) is not None):
                return f"≥ {fmt_pct(float(row['target']))}"
    return None


def _scorecard(results: dict[str, dict[str, Any]], lang: str,
               targets: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The six 3C dimensions, each from the recorded figure that declares it
    (:func:`threec_helpers.report.catalog.dimension_of`), next to its target: the client's
    ``client.yaml`` target for value, behavior and satisfaction
    (:func:`threec_helpers.report.catalog.target_text`), the customer-focus checklist's for
    the three focus factors. A dimension no figure declares says "no data" with a neutral
    status, never 0 and never "good"; a figure without a target says "no target". Names are
    never guessed."""
    found: dict[str, dict[str, Any]] = {}
    for nb, payload in results.items():
        for h in payload.get("headline") or []:
            dim = dimension_of(nb, h)
            if dim is not None and dim not in found and _present(h):
                found[dim] = {**h, "notebook": payload.get("title") or nb, "nb": nb}
    rows = []
    for group, dims in (("performance", PERFORMANCE), ("focus", FOCUS)):
        for dim in dims:
            v = found.get(dim)
            if v is None:
                target = "—"
            elif group == "focus":
                target = _focus_target(results, dim) or t("batch.brief.no_target", lang)
            else:
                target = target_text(figure(v["nb"], str(v.get("key", ""))), targets) or t("batch.brief.no_target", lang)
            rows.append({"group": t(f"batch.brief.group.{group}", lang), "dimension": t(f"batch.brief.dim.{dim}", lang),
                         "indicator": v.get("label", "") if v else "",
                         "result": v.get("text", "") if v else t("batch.brief.no_data", lang),
                         "target": target,
                         "status": (v or {}).get("status", "neutral") if v else "neutral",
                         "source": v.get("notebook", "") if v else ""})
    return rows


def _present(h: Mapping[str, Any]) -> bool:
    """A recorded figure with a value (a missing one is "no data", not a figure)."""
    value = h.get("value")
    return not (value is None or (isinstance(value, float) and value != value))


def _gross_margin(results: dict[str, dict[str, Any]], lang: str) -> bool:
    """Whether the analysis recorded its profit as gross margin (no cost-to-serve data)."""
    gross = t("phases.kf.operating_profit_gross", lang)
    return any(h.get("key") == "operating_profit" and h.get("label") == gross
               for payload in results.values() for h in payload.get("headline") or [])


def _objectives_sentence(rows: list[dict[str, Any]], lang: str) -> str | None:
    flags = [r.get("met") for r in rows if isinstance(r.get("met"), bool)]
    if not flags:
        return None
    return t("batch.brief.objectives_met", lang, met=sum(flags), total=len(flags),
             share=fmt_pct(sum(flags) / len(flags), 0))


def compose_briefing(results: dict[str, dict[str, Any]], engagement: str, lang: str, *,
                     previous: dict[str, dict[str, Any]] | None = None, previous_period: str | None = None,
                     failed: list[str] | None = None, targets: Mapping[str, Any] | None = None,
                     trends: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sections of a briefing, from the results files of one client and period.

    The briefing is what the consultant presents to the audit panel (or the client's
    management) at the end of a period: one section per part of the engagement's briefing
    (:data:`LAYOUTS`: for ``iso9001`` the overview, quality objectives target vs actual, the
    system, internal audits, what certification changed, continuous improvement, what changed
    since the last period, readiness and the conclusion; for ``3c`` the scorecard, the CRM
    chain, migration, phases, plan and priorities; for ``clinical`` the assessment areas,
    veto items, rectification and indicators). Each section gathers the tables, headline
    cards and paragraphs the notebooks recorded for it; tables no section claims go to
    "other results" (before the conclusion). Pure: nothing is read or written, and the
    result is the model that :func:`write_briefing` renders (and
    :func:`threec_helpers.batch.word.briefing_docx`, :func:`threec_helpers.batch.powerpoint.deck_pptx`).

    Parameters
    ----------
    results : dict
        notebook name -> results payload (:func:`threec_helpers.report.results.read_results`)
        of the period; only notebooks that ran successfully.
    engagement : {"iso9001", "3c", "clinical"}
        Picks the layout (:data:`LAYOUTS`); anything else gets a generic layout (overview,
        what changed, conclusion).
    lang : {"zh", "en"}
        The language of the section titles, banners and the sentences the briefing adds
        (``batch.brief.*`` in ``threec_helpers/locale/batch.yaml``).
    previous : dict, optional
        The previous period's results, for "what changed" (:func:`compare_headlines`); without
        them the section says that no earlier period was found.
    previous_period : str, optional
        The previous period's name, quoted when there is nothing to compare.
    failed : list of str, optional
        Notebooks of this period that failed (named in a banner; their results are not shown).
    targets : mapping, optional
        The client's ``client.yaml`` targets, shown next to the 3C scorecard's figures.
    trends : dict, optional
        The "trends" section's content (:func:`threec_helpers.batch.history.trend_section`);
        without it the section is left out.

    Returns
    -------
    dict
        ``{"sections": [{"id", "title", "cards", "tables", "paragraphs", "bullets", "subsections", "charts"}],
        "banners": [...], "not_assessed": [{"notebook", "text"}]}``: the banners say that the
        period has no results or which notebooks failed; ``not_assessed`` lists the notebooks
        that ran but could assess nothing (what is missing, in ``lang``).

    Examples
    --------
    An ISO 9001 period with one objective met of two, one more open finding than last
    period and a table no section claims:

    >>> r = {"iso9001_certification_audit": {"title": "ISO 9001 audit", "headline": [
    ...     {"key": "open_findings", "label": "Open findings", "value": 3, "text": "3", "status": "warn"}],
    ...     "tables": {"objectives": [
    ...         {"objective": "Answer time", "target": "<=10 s", "actual": "7 s", "met": True},
    ...         {"objective": "Complaints", "target": "<1", "actual": "2", "met": False}],
    ...         "staff": [{"department": "Sales", "people": 12}]},
    ...     "conclusion": "Ready for the stage 2 audit."}}
    >>> prev = {"iso9001_certification_audit": {"headline": [
    ...     {"key": "open_findings", "label": "Open findings", "value": 1, "text": "1", "status": "good"}]}}
    >>> b = compose_briefing(r, "iso9001", "en", previous=prev, previous_period="FY2025",
    ...                      failed=["customer_focus_audit"])
    >>> print(" ".join(s["id"] for s in b["sections"]))
    overview policy objectives system audits effects findings changes readiness other conclusion
    >>> sec = {s["id"]: s for s in b["sections"]}
    >>> sec["objectives"]["paragraphs"]
    ['1 of 2 quality objectives met (50%).']
    >>> [c["text"] for c in sec["changes"]["tables"][0]["rows"][0]]
    ['Open findings', '1', '3', '+2 (good → watch)', '↑ worse']
    >>> [tb["title"] for tb in sec["other"]["tables"]], sec["conclusion"]["paragraphs"]
    (['ISO 9001 audit · staff'], ['Ready for the stage 2 audit.'])
    >>> b["banners"]
    ['These notebooks failed and their results are not in this briefing: customer_focus_audit']

    The same period in Chinese, and a 3C period without results (the scorecard says "no
    data", never 0):

    >>> zh = compose_briefing(r, "iso9001", "zh")
    >>> zh["sections"][2]["title"], zh["sections"][2]["paragraphs"]
    ('质量目标：目标值与实际值', ['2 项质量目标中有 1 项达成（50%）。'])
    >>> empty = compose_briefing({}, "3c", "en")
    >>> [c["text"] for c in empty["sections"][0]["tables"][0]["rows"][0]][1:4]
    ['Customer value', '', 'no data']
    >>> empty["banners"]
    ['No results files for this period: the notebooks failed or wrote none. See the batch index.']
    """
    ordered = dict(sorted(results.items()))
    layout = LAYOUTS.get(engagement) or [("overview", ()), ("changes", ()), ("conclusion", ())]
    used: set[tuple[str, str]] = set()
    sections = []
    banners = []
    if not ordered:
        banners.append(t("batch.brief.no_results", lang))
    if failed:
        banners.append(t("batch.brief.failed_notebooks", lang, notebooks=", ".join(failed)))
    # notebooks that ran but could assess nothing: grey, with what is missing and how to supply it
    not_assessed = [{"notebook": payload.get("title") or nb, "text": not_assessed_text(info, lang)}
                    for nb, payload in ordered.items() if (info := not_assessed_info(payload)) is not None]
    for sid, table_names in layout:
        if sid == "trends" and trends is None:
            continue
        sec = {"id": sid, "title": t(f"batch.brief.section.{sid}", lang), "cards": [], "tables": [],
               "paragraphs": [], "bullets": [], "subsections": [], "charts": []}
        for key in SECTION_TEXT.get(engagement, {}).get(sid, ()):
            for payload in ordered.values():
                # the notebook's sentences are escaped for its Markdown; the template escapes them again
                sec["paragraphs"] += [html.unescape(str(p)) for p in (payload.get("section_text") or {}).get(key) or []]
        shown_here: set[str] = set()
        for nb, payload in ordered.items():
            tables = payload.get("tables") or {}
            for name in table_names:
                rows = tables.get(name)
                if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
                    if SUPERSEDED_BY.get(name) in tables:  # told by its successor, in this section
                        used.add((nb, name))
                        continue
                    if name in shown_here:  # two notebooks recorded the same table (3C priorities): the first
                        used.add((nb, name))
                        continue
                    shown_here.add(name)
                    sec["tables"].append(_recorded_table(payload, name, lang, table_title(name, lang)))
                    used.add((nb, name))
                    if name == "objectives":
                        sentence = _objectives_sentence(rows, lang)
                        if sentence:
                            sec["paragraphs"].append(sentence)
        if (sid, engagement) in (("objectives", "iso9001"), ("indicators", "clinical")):
            for payload in ordered.values():
                sec["charts"] += _trend_charts(payload, lang)
            if sec["charts"]:
                sec["charts_title"] = t("certification.h.trends", lang)
                sec["charts_note"] = t("certification.note.trends", lang)
        elif sid == "chain":
            # the scorecard gives the steps; the chain the measured links between them, once
            sec["paragraphs"].insert(0, t("batch.brief.chain_intro", lang))
        elif sid == "readiness":
            for payload in ordered.values():
                sec["cards"] += [dict(h) for h in payload.get("headline") or [] if h.get("key") == "readiness"]
        if sid == "overview":
            for nb, payload in ordered.items():
                sec["cards"] += [dict(h, status=h.get("status", "neutral")) for h in payload.get("headline") or []]
        elif sid == "scorecard":
            sec["tables"].insert(0, _table(_scorecard(ordered, lang, targets), lang))
            sec["paragraphs"].append(t("batch.brief.scorecard_intro", lang))
            if _gross_margin(ordered, lang):
                sec["paragraphs"].append(gross_margin_note(lang))
        elif sid == "phases":
            for nb, payload in ordered.items():
                sub = {"title": payload.get("title") or nb,
                       "cards": [dict(h, status=h.get("status", "neutral")) for h in payload.get("headline") or []],
                       "paragraphs": [payload["conclusion"]] if payload.get("conclusion") else [],
                       "skipped": [table_display_name(s, lang) for s in payload.get("skipped") or []]}
                sec["subsections"].append(sub)
        elif sid == "trends":
            sec.update({k: sec[k] + v if isinstance(v, list) else v for k, v in trends.items()})
        elif sid == "changes":
            if previous:
                rows = compare_headlines(ordered, previous, lang)
                if rows:
                    sec["tables"].insert(0, _table(rows, lang))
                else:
                    sec["paragraphs"].append(t("batch.brief.no_comparable", lang, period=previous_period or "?"))
            else:
                sec["paragraphs"].append(t("batch.brief.no_previous", lang, period=previous_period or "?"))
            for payload in ordered.values():
                sec["bullets"] += [str(c) for c in payload.get("changes_text") or []]
        elif sid == "findings":
            for payload in ordered.values():
                for key in ("findings", "actions"):
                    items = payload.get(key)
                    if not isinstance(items, list):  # e.g. the ISO audit's finding counts: shown as tables
                        continue
                    for item in items:
                        sec["bullets"].append(item if isinstance(item, str) else
                                            "; ".join(f"{column_label(k, lang)}: {format_cell(v, lang)}"
                                                      for k, v in item.items()))
        elif sid == "conclusion":
            if engagement == "3c":  # the phases' own sentences never say what is off: name it first
                attention = attention_summary(ordered, lang)
                if attention:
                    sec["paragraphs"].append(attention)
            for nb, payload in ordered.items():
                if payload.get("conclusion"):
                    sec["paragraphs"].append(str(payload["conclusion"]))
                for skipped in payload.get("skipped") or []:
                    sec["bullets"].append(t("batch.brief.skipped", lang, notebook=payload.get("title") or nb,
                                          section=table_display_name(skipped, lang)))
            if not sec["paragraphs"]:
                sec["paragraphs"].append(t("batch.brief.no_conclusion", lang))
        if sid == "overview" and engagement == "iso9001" and not sec["cards"] and not sec["tables"]:
            sec["paragraphs"].append(t("batch.brief.no_data", lang))
        sections.append(sec)
    other = {"id": "other", "title": t("batch.brief.section.other", lang), "cards": [], "tables": [],
             "paragraphs": [], "bullets": [], "subsections": [], "charts": []}
    for nb, payload in ordered.items():
        for name, rows in (payload.get("tables") or {}).items():
            if (nb, name) in used or not (isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)):
                continue
            other["tables"].append(_recorded_table(payload, name, lang,
                                                   f"{payload.get('title') or nb} · {table_title(name, lang)}"))
    if other["tables"]:
        sections.insert(len(sections) - 1, other)
    return {"sections": sections, "banners": banners, "not_assessed": not_assessed}


def write_briefing(folder: Path, client_id: str, period: str, lang: str, *, formats: tuple[str, ...] = ("html", "pdf"),
                   previous_folder: str | None = None, run: dict[str, Any] | None = None,
                   engagement: str | None = None, client_name: str | None = None,
                   data_root: Path | str | None = None, commentary=None) -> dict[str, str]:
    """Compose the briefing of one client and period from its folder and write it to that folder.

    The last step of a period in a batch run (:mod:`threec_helpers.batch.execution`): after
    its notebooks have run, their results files (``<notebook>.results.json``) and provenance
    (``<notebook>.provenance.json``) in ``folder`` become the briefing to the audit panel
    (:func:`compose_briefing`, in the engagement's structure), rendered with a branded cover
    (:mod:`threec_helpers.batch.branding`), contents and a provenance appendix (inputs and
    their hashes, the code's commit, the run). A notebook whose provenance status is not
    ``ok`` is named in a banner and its results are left out; for a client with a
    ``client.yaml``, the earlier periods' folders beside ``folder`` give the "trends" section
    (:func:`threec_helpers.batch.history.read_history`). The consultant's executive summary
    comes first and each section's notes under its heading (:mod:`threec_helpers.batch.commentary`).
    Every file is written atomically; the texts the briefing adds are in ``lang``. The
    client's data files are not read: only what the notebooks recorded.

    Parameters
    ----------
    folder : Path
        The period's folder, ``reports/<batch>/<client>/<period>``; the files are written here.
    client_id : str
        The client's folder name: its ``client.yaml`` gives the engagement, name and targets
        when there is one (else the briefing is composed from the results alone), and its
        ``branding.yaml`` the cover.
    period : str
        The period's name, shown on the cover; also picks ``commentary/<period>.md``.
    lang : {"zh", "en"}
        The language of the briefing.
    formats : tuple of str
        Which of ``html`` (``briefing.html``), ``pdf`` (``briefing.pdf``, through WeasyPrint),
        ``docx`` (``briefing.docx``, :mod:`threec_helpers.batch.word`) and ``pptx`` (the deck
        :data:`DECK_NAME`, :mod:`threec_helpers.batch.powerpoint`) to write.
    previous_folder : str, optional
        The previous period's folder, for "what changed since the last period" (its name is
        the previous period's); a folder that does not exist counts as no previous period.
    run : dict, optional
        The batch run's record (``run_id``, ``started``, ``finished``): the date of its end
        (else its start; else today) is the cover's date, its id goes into the appendix.
    engagement : {"iso9001", "3c", "clinical"}, optional
        Default: the ``client.yaml``'s; without either, a generic layout.
    client_name : str, optional
        Default: the ``client.yaml``'s display name in ``lang``, else ``client_id``.
    data_root : path, optional
        The folder of client folders the client was read from: its ``client.yaml`` (engagement,
        name, targets), branding and commentary file are read there (default: the project's data
        root; the commentary file also follows the notebooks' provenance).
    commentary : threec_helpers.batch.commentary.Commentary, optional
        The notes to use instead of the client's commentary file.

    Returns
    -------
    dict
        format -> name of the file written in ``folder``.

    Examples
    --------
    Two periods of an ISO 9001 client; the HTML briefing of the later one (the PDF, Word and
    PowerPoint files are made from the same page and model; they take seconds, so they are
    left out here):

    >>> import tempfile
    >>> from threec_helpers.report.results import write_results
    >>> tmp = tempfile.TemporaryDirectory()
    >>> root = Path(tmp.name)
    >>> def audit(open_findings):
    ...     return {"title": "ISO 9001 audit", "headline": [
    ...         {"key": "open_findings", "label": "Open findings", "value": open_findings,
    ...          "text": str(open_findings), "status": "warn" if open_findings > 2 else "good"}],
    ...         "tables": {"objectives": [
    ...             {"objective": "Answer time", "target": "<=10 s", "actual": "7 s", "met": True}]},
    ...         "conclusion": "Ready for the stage 2 audit."}
    >>> _ = write_results(root / "acme" / "FY2025", "iso9001_certification_audit", audit(1))
    >>> folder = root / "acme" / "FY2026"
    >>> _ = write_results(folder, "iso9001_certification_audit", audit(3))
    >>> write_briefing(folder, "acme", "FY2026", "en", formats=("html",), engagement="iso9001",
    ...                client_name="Acme Telecom", previous_folder=str(root / "acme" / "FY2025"),
    ...                data_root=tmp.name)
    {'html': 'briefing.html'}
    >>> page = (folder / "briefing.html").read_text(encoding="utf-8")
    >>> all(text in page for text in ("ISO 9001 certification briefing", "Acme Telecom",
    ...     "Quality objectives: target vs actual", "+2 (good → watch)", "Ready for the stage 2 audit."))
    True

    In Chinese, the same results under Chinese headings:

    >>> _ = write_briefing(folder, "acme", "FY2026", "zh", formats=("html",), engagement="iso9001",
    ...                    data_root=tmp.name)
    >>> page = (folder / "briefing.html").read_text(encoding="utf-8")
    >>> "ISO 9001 质量管理体系认证简报" in page and "与上期相比的变化" in page
    True
    >>> tmp.cleanup()
    """
    from .provenance import git_commit
    from .publish import write_bytes_atomic, write_text_atomic

    folder = Path(folder)
    results = read_results(folder)
    provs = {}
    for path in sorted(folder.glob("*.provenance.json")):
        try:
            provs[path.name[: -len(".provenance.json")]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
    failed = sorted(nb for nb, p in provs.items() if p.get("status") != "ok")
    results = {nb: r for nb, r in results.items() if provs.get(nb, {}).get("status", "ok") == "ok"}
    previous = read_results(previous_folder) if previous_folder and Path(previous_folder).is_dir() else {}
    previous_period = Path(previous_folder).name if previous_folder else None
    targets: dict[str, Any] = {}
    try:
        from ..inputs.config import load_client_config
        from ..paths import client_folder

        cfg = load_client_config(client_folder(client_id, Path(data_root) if data_root else None))
        engagement = engagement or cfg.engagement
        client_name = client_name or cfg.display_name(lang)
        targets = dict(cfg.targets)
    except Exception:  # noqa: BLE001 - the briefing still renders from the results alone
        engagement = engagement or ""
        client_name = client_name or client_id
    from .history import read_history, trend_section

    model = compose_briefing(results, engagement, lang, previous=previous, previous_period=previous_period,
                             failed=failed, targets=targets,
                             trends=trend_section(*read_history(folder, client_id), lang))
    from .commentary import apply_to_briefing
    from .publish import commentary_of

    first_prov = next(iter(provs.values()), {})
    notes = commentary if commentary is not None else commentary_of(
        {"client_id": client_id, "period": period, "data_root": data_root, "provenance": first_prov})
    model = apply_to_briefing(model, notes, lang)
    inputs: dict[str, dict[str, str]] = {}
    for p in provs.values():
        inputs.update(p.get("inputs") or {})
    masked = any(p.get("mask") for p in provs.values())
    title = t(f"batch.brief.title.{engagement}", lang) if engagement in LAYOUTS else t("batch.brief.title.generic", lang)
    from .branding import load_branding
    from .publish import cover_html

    brand = load_branding(client_id, data_root).context(lang)
    finished = str((run or {}).get("finished") or (run or {}).get("started") or "")
    cover_meta = {"title": title, "client_id": client_id, "client_name": client_name, "period": period, "lang": lang,
                  "masked": masked, "provenance": {"finished": finished} if finished else {}}
    cover = cover_html(cover_meta, brand)
    html = render("briefing.html.j2", lang, title=title, brand=brand, cover=cover, client_id=client_id, client_name=client_name, period=period,
                  engagement=engagement, model=model, css=asset("report.css"), html_lang=html_lang(lang),
                  inputs=inputs, notebooks=sorted(provs), masked=masked, commit=git_commit(),
                  run=run or {}, fmt_num=fmt_num, table_name=lambda name: table_display_name(name, lang, default=str(name)),
                  file_name=file_name, notebook_name=functools.partial(notebook_name, lang=lang))
    from .layout import mark_tables

    html = mark_tables(html)
    written = {}
    if "html" in formats:
        write_text_atomic(folder / "briefing.html", html)
        written["html"] = "briefing.html"
    if "pdf" in formats:
        write_bytes_atomic(folder / "briefing.pdf", html_to_pdf(html))
        written["pdf"] = "briefing.pdf"
    office = {"title": title, "client_id": client_id, "client_name": client_name, "period": period, "lang": lang,
              "brand": brand, "date": report_date(cover_meta), "masked": masked, "commentary": notes}
    if "docx" in formats:
        from .. import __version__
        from .word import briefing_docx

        provenance = {"threec_version": __version__, "git_commit": git_commit(), "run_id": (run or {}).get("run_id"),
                      "finished": finished, "notebook": ", ".join(sorted(provs)), "inputs": inputs}
        write_bytes_atomic(folder / "briefing.docx", briefing_docx(model, provenance=provenance, **office))
        written["docx"] = "briefing.docx"
    if "pptx" in formats:
        from .powerpoint import deck_pptx

        write_bytes_atomic(folder / DECK_NAME, deck_pptx(results, model, engagement=engagement or "", **office))
        written["pptx"] = DECK_NAME
    return written


#: the file name of a period's PowerPoint deck
DECK_NAME = "deck.pptx"

