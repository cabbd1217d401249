"""Display tables and sentences of the audit notebooks, shared by the three audit types.

The engine (:mod:`threec_helpers.audit`) computes; this module turns a scored round
(:class:`~threec_helpers.audit.scoring.AuditResult`) and the quality objectives into what
a report shows, in the report language with stable column names: :func:`area_table`,
:func:`item_table`, :func:`priorities_table`, :func:`weak_items`, :func:`veto_table`,
:func:`change_table`, :func:`objectives_table`, :func:`charts_table`, and the notes
(``*_note``) around them. Scores are 0-1 ratios throughout (shown with ``fmt_pct``).
:func:`report_table` turns such a frame into the :class:`~threec_helpers.report.tables.ReportTable`
a notebook shows (and records), by the table's name in :data:`VIEWS`: the columns shown, the
headers where a column means more than its name, the number formats.

Each audit type has its own module for its headline and conclusion:
:mod:`.iso9001` (organisation, documents, findings), :mod:`.clinical` (rectifications)
and :mod:`.focus` (the customer-focus audit: managers vs front line). The phase-2
notebook shows the customer-focus round with the same tables.

Names that moved keep working from here for one release (:data:`MOVED`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..audit.focus import factor_key
from ..audit.objective_charts import ObjectiveChart
from ..audit.objectives import format_value, localized, missed_objectives
from ..audit.scoring import AuditResult, compare_rounds
from ..compat import forward
from ..i18n import check_lang, fmt_int, has_key, t
from ..plots.audits import plot_objective_chart
from .context import esc
from .tables import ReportTable

#: tolerance of score comparisons (a score at its target is not below it)
SCORE_TOL = 1e-9

#: names that left this module, and their new home under ``threec_helpers`` (one release)
MOVED: dict[str, str] = {
    "FACTOR_KEYS": "audit.focus", "factor_key": "audit.focus", "pick_rounds": "audit.scoring",
    **dict.fromkeys(("RECT_STATUSES", "rectification_table", "rectification_counts"), "audit.rectifications"),
    **dict.fromkeys(("findings_rounds_table", "improvements_table", "clause_coverage"), "audit.findings"),
    **dict.fromkeys(("ObjectiveChart", "objective_charts"), "audit.objective_charts"),
    **dict.fromkeys(("missed_objectives", "pick_objective"), "audit.objectives"),
    "plot_objective_chart": "plots.audits", "key_figures_table": "report.figures", "record": "report.figures",
    **dict.fromkeys(("org_overview_table", "org_sentence", "documents_table", "with_total", "documents_sentence",
                     "open_findings_table", "findings_note", "iso_key_figures", "iso_conclusion"), "report.iso9001"),
    **dict.fromkeys(("rectifications_note", "clinical_key_figures", "clinical_conclusion"), "report.clinical"),
    **dict.fromkeys(("disagreement_table", "disagreement_note", "focus_key_figures", "focus_conclusion"),
                    "report.focus"),
}


def __getattr__(name: str) -> Any:
    if name == "record_key_figures":  # merged into report.figures.record
        name = "record"
    return forward(__name__, name, MOVED)


_SCORES = {"score": "pct1", "target": "pct1", "gap": "pct1", "previous": "pct1"}
_OBJECTIVES = ["objective", "category", "target", "actual", "met", "previous"]
_CHARTS = ["objective", "chart", "center", "months", "months_met", "signals", "latest_signal"]
_RECORDED_OBJECTIVES = ["objective_id", "objective", "target", "actual", "met", "previous"]

#: view -> (columns shown (None: all), headers where a column means more than its name
#: (``col.*`` keys; other columns: ``col.<name>``), formats, the record's name, columns recorded)
VIEWS: dict[str, tuple[list[str] | None, dict[str, str], dict[str, str], str | None, list[str] | None]] = {
    "key_figures": (None, {"label": "col.metric", "text": "col.value"}, {}, None, None),
    # clinical self-assessment
    "areas": (["area_id", "area", "score", "target", "band", "below_target", "previous", "change_text"],
              {"area_id": "col.id", "previous": "col.previous_round", "change_text": "col.change"},
              {"score": "pct", "target": "pct", "previous": "pct"}, "areas", None),
    "vetoes": (["item_id", "text", "mean", "veto_min", "state", "previous_state"],
               {"previous_state": "col.previous_round"}, {"mean": "num2", "veto_min": "num2"}, "vetoes", None),
    "weak_items": (["item_id", "text", "area", "score", "target", "gap", "previous"],
                   {"previous": "col.previous_round"}, _SCORES, "weak_items", None),
    "rectifications": (["action_id", "item_id", "description", "owner", "due", "closed", "status_label", "overdue"],
                       {"action_id": "col.id", "description": "col.rectification", "closed": "col.closed_on",
                        "status_label": "col.status"}, {}, "rectifications", None),
    "indicators": (_OBJECTIVES, {"objective": "col.indicator"}, {}, "indicators", _RECORDED_OBJECTIVES),
    "area_items": (["area", "item_id", "text", "score", "target", "gap", "previous"],
                   {"area": "col.area", "previous": "col.previous_round"}, {}, "area_items",
                   ["area", "item_id", "text", "score", "target", "gap", "previous"]),
    "verdict": (["rule_label", "severity_label", "passed", "detail"],
                {"rule_label": "col.rule", "severity_label": "col.severity"}, {}, "verdict",
                ["rule_label", "severity_label", "passed", "detail"]),
    "indicator_charts": (_CHARTS, {"objective": "col.indicator"}, {}, None, None),
    # customer-focus audit
    "factors": (["area", "score", "target", "gap", "band", "previous", "change_text"],
                {"area": "col.factor", "band": "col.maturity", "previous": "col.previous_round",
                 "change_text": "col.change"}, {"score": "pct", "target": "pct", "gap": "pct", "previous": "pct"},
                "areas", None),
    "items": (["item_id", "area", "text", "n", "score", "target", "gap", "previous"],
              {"area": "col.factor", "n": "col.answers", "previous": "col.previous_round"}, _SCORES, None, None),
    "gaps": (None, {"area": "col.factor"}, _SCORES, None, None),
    "priorities": (None, {"area": "col.factor"}, {**_SCORES, "priority": "pct"}, "priorities", None),
    "disagreement": (["item_id", "text", "management", "front_line", "difference_text"],
                     {"difference_text": "col.difference"}, {"management": "pct1", "front_line": "pct1"},
                     "disagreement", None),
    "factor_change": (["title", "previous", "current", "change_text", "band_previous", "band_current"],
                      {"title": "col.factor", "previous": "col.previous_round", "current": "col.score",
                       "change_text": "col.change"}, {"previous": "pct", "current": "pct"}, None, None),
    # ISO 9001 certification audit
    "org_overview": (["label", "text", "formula"], {"label": "col.metric", "text": "col.value", "metric": "col.key",
                                                   "value": "col.raw_value"}, {}, "org_overview", None),
    "objectives": (_OBJECTIVES, {}, {}, "objectives", _RECORDED_OBJECTIVES),
    "documents": (None, {"label": "col.category", "category": "col.key"}, {"count": "int"}, "documents", None),
    "objective_charts": (_CHARTS, {}, {}, None, None),
    "findings_by_round": (["round_label", "month", "major", "minor", "observation", "total", "closed", "open",
                           "overdue", "closure_rate", "verified"], {"round_label": "col.round"},
                          {"closure_rate": "pct1"}, "findings_by_round", None),
    "clause_coverage": (["title", "items", "audited", "major", "minor", "observation", "total", "open"],
                        {"title": "col.chapter"}, {}, "clause_coverage", None),
    "open_findings": (["finding_id", "clause", "grade", "department", "description", "corrective_action", "owner",
                       "due", "days_open", "overdue"],
                      {"finding_id": "col.finding", "description": "col.problem", "corrective_action": "col.action"},
                      {}, "open_findings", None),
    "milestones": (["date", "milestone", "owner", "evidence"], {}, {}, "milestones", None),
    "training": (["date", "topic", "audience", "attendees", "headcount", "exam_pass_rate"], {}, {}, "training",
                 None),
    "management_review": (["clause", "kind_label", "item", "covered", "record"], {"kind_label": "col.kind"}, {},
                          "management_review", ["clause", "kind_label", "item", "covered", "record"]),
    "baseline_comparison": (["objective", "target", "baseline", "current", "effect_label"],
                            {"current": "col.actual", "effect_label": "col.effect"}, {}, "baseline_comparison",
                            ["objective_id", "objective", "target", "baseline", "current", "effect_label"]),
    "readiness": (["rule_label", "clause", "severity_label", "passed", "detail"],
                  {"rule_label": "col.rule", "severity_label": "col.severity"}, {}, "readiness",
                  ["rule_label", "clause", "severity_label", "passed", "detail"]),
    "improvements": (["finding_id", "clause", "corrective_action", "owner", "due", "closed", "status_label"],
                     {"finding_id": "col.finding", "corrective_action": "col.action", "closed": "col.closed_on",
                      "status_label": "col.status"}, {}, "improvements", None),
}


def report_table(view: str, frame: pd.DataFrame, display: pd.DataFrame | None = None) -> ReportTable:
    """The table ``view`` of an audit report (:data:`VIEWS`), ready for ``ctx.table``.

    Parameters
    ----------
    view : str
        A key of :data:`VIEWS`; a view with a record name is recorded for the results file
        (with the headers shown) when the notebook shows it.
    frame : DataFrame
        The table's values (e.g. :func:`area_table`).
    display : DataFrame, optional
        What to show when it differs from what is recorded (e.g. with a total row).

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> rt = report_table("vetoes", pd.DataFrame(columns=["item_id", "text", "mean", "veto_min", "state",
    ...                                                  "previous_state"]))
    >>> rt.name, rt.header("previous_state", "en"), rt.header("veto_min", "zh")
    ('vetoes', 'Previous round', '通过线')
    """
    columns, labels, formats, name, recorded = VIEWS[view]
    return ReportTable(frame, labels, formats, name=name, columns=columns, display=display, recorded=recorded)


def join_list(parts: Iterable[str], lang: str) -> str:
    """Items of a sentence joined the report language's way (``、`` / ``, ``).

    Parameters
    ----------
    parts : iterable of str
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> join_list(["a", "b"], "en"), join_list(["甲", "乙"], "zh")
    ('a, b', '甲、乙')
    """
    return t("audit_report.list_sep", lang).join(parts)


def points_text(change: float, lang: str, signed: bool = True) -> str:
    """A difference of two 0-1 scores as percentage points: ``0.0837`` -> ``'+8.4 points'``.

    Parameters
    ----------
    change : float
        Difference of two 0-1 scores (missing: ``'–'``).
    lang : {"zh", "en"}
    signed : bool
        Show the sign (``False``: the size of the difference only).

    Returns
    -------
    str

    Examples
    --------
    >>> points_text(0.0837, "en"), points_text(-0.1, "zh")
    ('+8.4 points', '-10.0 个百分点')
    """
    if change is None or (isinstance(change, float) and np.isnan(change)):
        return "–"
    value = f"{100 * change:+.1f}" if signed else f"{100 * abs(change):.1f}"
    return t("audit_report.points", lang, value=value)


def role_label(role: Any, lang: str = "zh") -> str:
    """A respondent's role in the report language (``customer_service`` -> ``客户服务``); unknown roles as given.

    Parameters
    ----------
    role : object
        The role as written in the responses.
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    with_role_labels : the same over a table's role column.

    Examples
    --------
    >>> role_label("customer_service", "zh"), role_label("Head_Nurse", "en"), role_label("质检员", "en")
    ('客户服务', 'head nurse', '质检员')
    """
    check_lang(lang)
    key = "audit_report.role." + str(role).strip().lower().replace(" ", "_")
    return t(key, lang) if has_key(key) else str(role)


def with_role_labels(roles: pd.DataFrame, lang: str = "zh", role_col: str = "role") -> pd.DataFrame:
    """A copy of ``AuditResult.roles`` with the roles translated (for the heatmap's columns).

    Parameters
    ----------
    roles : pandas.DataFrame
        ``AuditResult.roles`` (or any frame with a role column).
    lang : {"zh", "en"}
    role_col : str
        The column holding the roles.

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    role_label : one role.

    Examples
    --------
    >>> df = pd.DataFrame({"item_id": ["A"], "role": ["sales"], "norm": [0.5]})
    >>> with_role_labels(df, "zh")["role"].tolist()
    ['销售']
    """
    out = roles.copy()
    labels = {r: role_label(r, lang) for r in out[role_col].dropna().unique()}
    out[role_col] = out[role_col].map(labels)
    return out


# --------------------------------------------------------------------------------------------
# rounds and scores
# --------------------------------------------------------------------------------------------


def area_table(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """One row per area: score, target, gap, band, below target, previous round and change.

    Parameters
    ----------
    current : AuditResult
    previous : AuditResult, optional
        The previous round (``previous`` and ``change`` are missing without it).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``area_id``, ``key`` (:func:`factor_key`), ``area``, ``score``, ``target``, ``gap``,
        ``band`` (label), ``below_target`` (bool), ``previous``, ``change`` (scores 0-1) and
        ``change_text`` (``'+10.0 points'``, missing without a previous round).

    See Also
    --------
    item_table : the same per checklist item.
    change_table : overall and per-area change between two rounds.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2025", "2026", "2026"],
    ...                    "item_id": ["ORG.1", "ORG.2"] * 2, "score": [2.0, 3.0, 4.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> area_table(now, prev, "en")[["area", "score", "change_text"]].head(1).values.tolist()
    [['Organization', 0.6666666666666666, '+33.3 points']]
    """
    check_lang(lang)
    a = current.areas
    out = pd.DataFrame({
        "area_id": a["area_id"].astype(str).to_numpy(),
        "key": [factor_key(x) for x in a["area_id"]],
        "area": a[f"area_title_{lang}"].to_numpy(),
        "score": a["score"].to_numpy(float),
        "target": a["target"].to_numpy(float),
        "gap": a["gap"].to_numpy(float),
        "band": [current.checklist.band_label(b, lang) for b in a["band"]],
    })
    out["below_target"] = (out["score"] < out["target"] - SCORE_TOL).to_numpy(bool)
    prev = previous.areas.set_index("area_id")["score"] if previous is not None else pd.Series(dtype=float)
    out["previous"] = out["area_id"].map(prev).astype(float)
    out["change"] = out["score"] - out["previous"]
    out["change_text"] = [points_text(c, lang) for c in out["change"]]
    return out


def item_table(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """One row per checklist item: text, answers, score, target, gap, priority, previous round.

    Parameters
    ----------
    current : AuditResult
        The reported round.
    previous : AuditResult, optional
        The previous round (``previous`` is missing without it).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``area_id``, ``area``, ``item_id``, ``text``, ``n``, ``score``, ``target``, ``gap``,
        ``priority``, ``priority_rank``, ``veto``, ``previous``, ``change`` (scores 0-1).

    See Also
    --------
    area_table : the same per area.
    weak_items : the items below target.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2025", "2026", "2026"],
    ...                    "item_id": ["ORG.1", "ORG.2"] * 2, "score": [2.0, 3.0, 4.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> item_table(now, prev, "zh")[["item_id", "score", "previous"]].head(2).values.tolist()
    [['ORG.1', 0.75, 0.25], ['ORG.2', 0.5, 0.5]]
    """
    check_lang(lang)
    it = current.items
    areas = current.areas.set_index("area_id")[f"area_title_{lang}"]
    out = pd.DataFrame({
        "area_id": it["area_id"].to_numpy(), "area": it["area_id"].map(areas).to_numpy(),
        "item_id": it["item_id"].to_numpy(), "text": it[f"text_{lang}"].to_numpy(), "n": it["n"].to_numpy(int),
        "score": it["norm"].to_numpy(float), "target": it["target_norm"].to_numpy(float),
        "gap": it["gap"].to_numpy(float), "priority": it["priority"].to_numpy(float),
        "priority_rank": it["priority_rank"].to_numpy(), "veto": it["veto"].to_numpy(bool),
    })
    prev = previous.items.set_index("item_id")["norm"] if previous is not None else pd.Series(dtype=float)
    out["previous"] = out["item_id"].map(prev).astype(float)
    out["change"] = out["score"] - out["previous"]
    return out


def priorities_table(current: AuditResult, lang: str = "zh", n: int = 5) -> pd.DataFrame:
    """The ``n`` most urgent improvements (overall weight x gap), most urgent first.

    Parameters
    ----------
    current : AuditResult
        The reported round.
    lang : {"zh", "en"}
    n : int
        How many items.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``item_id``, ``text``, ``area``, ``score``, ``target``, ``gap``,
        ``priority`` (overall score points gained at target, 0-1).

    See Also
    --------
    largest_gaps : the items furthest below target, whatever their weight.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2025", "2026", "2026"],
    ...                    "item_id": ["ORG.1", "ORG.2"] * 2, "score": [2.0, 3.0, 4.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> priorities_table(now, "en", n=5)[["rank", "item_id", "gap"]].values.tolist()
    [[1.0, 'ORG.2', 0.25]]
    """
    items = item_table(current, None, lang)
    top = items[items["priority"] > 0].sort_values(["priority", "item_id"], ascending=[False, True]).head(n)
    out = top[["priority_rank", "item_id", "text", "area", "score", "target", "gap", "priority"]]
    return out.rename(columns={"priority_rank": "rank"}).reset_index(drop=True)


def largest_gaps(current: AuditResult, lang: str = "zh", n: int = 5) -> pd.DataFrame:
    """The ``n`` items furthest below their target (largest gap first; no item at target).

    Parameters
    ----------
    current : AuditResult
        The reported round.
    lang : {"zh", "en"}
    n : int
        How many items.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``area``, ``score``, ``target``, ``gap``.

    See Also
    --------
    priorities_table : the gaps weighted by the item's share of the overall score.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2025", "2026", "2026"],
    ...                    "item_id": ["ORG.1", "ORG.2"] * 2, "score": [2.0, 3.0, 4.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> largest_gaps(now, "zh", n=5)[["item_id", "score", "target"]].values.tolist()
    [['ORG.2', 0.5, 0.75]]
    """
    items = item_table(current, None, lang)
    top = items[items["gap"] > SCORE_TOL].sort_values(["gap", "item_id"], ascending=[False, True]).head(n)
    return top[["item_id", "text", "area", "score", "target", "gap"]].reset_index(drop=True)


def weak_items(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """The weak links: items below target or failing their veto, by improvement priority.

    Parameters
    ----------
    current : AuditResult
        The reported round.
    previous : AuditResult, optional
        The previous round (``previous`` is missing without it).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``area``, ``score``, ``target``, ``gap``, ``veto``,
        ``previous`` (the item's score in the previous round), sorted by priority, then gap.

    See Also
    --------
    veto_table : the veto items' results.
    weak_items_note : the sentence around this table.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("obstetrics_quality", pd.DataFrame({"round": ["2025H2"] * 2 + ["2026H2"] * 2,
    ...                    "item_id": ["OB.2.3", "OB.3.1"] * 2, "score": [1.0, 0.0, 0.0, 1.0]}))
    >>> now, prev = res["2026H2"], res["2025H2"]
    >>> weak_items(now, prev, "en")[["item_id", "score", "veto", "previous"]].values.tolist()
    [['OB.2.3', 0.0, True, 1.0]]
    """
    items = item_table(current, previous, lang)
    failed = set(current.vetoes.loc[current.vetoes["state"] == "failed", "item_id"]) if len(current.vetoes) else set()
    weak = items[(items["gap"] > SCORE_TOL) | items["item_id"].isin(failed)]
    weak = weak.sort_values(["priority", "gap", "item_id"], ascending=[False, False, True])
    return weak[["item_id", "text", "area", "score", "target", "gap", "veto", "previous"]].reset_index(drop=True)


def veto_table(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """The veto items with their mean, pass level and result, this round and the previous one.

    Parameters
    ----------
    current : AuditResult
        The reported round.
    previous : AuditResult, optional
        The previous round (``previous_state`` is missing without it).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``mean``, ``veto_min`` (scale units), ``state`` (label),
        ``passed`` (bool), ``previous_state`` (label, missing without a previous round).

    See Also
    --------
    weak_items : failed vetoes among the weak links.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("obstetrics_quality", pd.DataFrame({"round": ["2025H2"] * 2 + ["2026H2"] * 2,
    ...                    "item_id": ["OB.2.3", "OB.3.1"] * 2, "score": [1.0, 0.0, 0.0, 1.0]}))
    >>> now, prev = res["2026H2"], res["2025H2"]
    >>> veto_table(now, prev, "en")[["item_id", "state", "previous_state"]].values.tolist()
    [['OB.2.3', 'failed', 'passed'], ['OB.3.1', 'passed', 'failed'], ['OB.4.3', 'not assessed', 'not assessed']]
    """
    check_lang(lang)
    v = current.vetoes
    out = pd.DataFrame({
        "item_id": v["item_id"].to_numpy(), "text": v[f"text_{lang}"].to_numpy(),
        "mean": v["mean"].to_numpy(float), "veto_min": v["veto_min"].to_numpy(float),
        "state": [t(f"audit_report.veto_state.{s}", lang) for s in v["state"]],
        "passed": (v["state"] == "passed").to_numpy(bool),
    })
    if previous is not None and len(previous.vetoes):
        prev = previous.vetoes.set_index("item_id")["state"]
        out["previous_state"] = [t(f"audit_report.veto_state.{prev[i]}", lang) if i in prev.index else None
                                 for i in out["item_id"]]
    else:
        out["previous_state"] = None
    return out


# --------------------------------------------------------------------------------------------
# ISO 9001: organisation, objectives, documents, findings
# --------------------------------------------------------------------------------------------


def objectives_table(evaluated: pd.DataFrame, previous: pd.DataFrame | None = None, lang: str = "zh") -> pd.DataFrame:
    """Quality objectives for display and for the briefing: objective, target, actual, met.

    Parameters
    ----------
    evaluated : pandas.DataFrame
        :func:`~threec_helpers.objectives.evaluate_objectives` for the report period.
    previous : pandas.DataFrame, optional
        The same for the previous period (adds ``previous`` and ``previous_met``).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``objective_id``, ``objective`` (name in ``lang``), ``category``, ``target``
        (text, ``'>98%'``), ``actual`` (text, ``'100%'``), ``met`` (nullable boolean),
        ``previous`` (text), ``previous_met``.

    Examples
    --------
    >>> ev = pd.DataFrame({"objective_id": ["Q1"], "name_zh": ["及时率"], "name_en": ["Timeliness"],
    ...                    "category": ["x"], "target_text": [">98%"], "actual_text": ["100%"],
    ...                    "met": pd.array([True], dtype="boolean")})
    >>> objectives_table(ev, lang="en")[["objective", "target", "actual", "met"]].values.tolist()
    [['Timeliness', '>98%', '100%', True]]
    """
    check_lang(lang)
    out = pd.DataFrame({
        "objective_id": evaluated["objective_id"].to_numpy(), "objective": localized(evaluated, "name", lang).to_numpy(),
        "category": (evaluated["category"] if "category" in evaluated.columns else pd.Series(
            [None] * len(evaluated))).to_numpy(),
        "target": evaluated["target_text"].to_numpy(), "actual": evaluated["actual_text"].to_numpy(),
        "met": pd.array(evaluated["met"], dtype="boolean"),
    })
    if previous is not None:
        prev = previous.set_index("objective_id")
        out["previous"] = out["objective_id"].map(prev["actual_text"]).to_numpy()
        out["previous_met"] = pd.array(out["objective_id"].map(prev["met"].astype(object)), dtype="boolean")
    else:
        out["previous"] = None
        out["previous_met"] = pd.array([pd.NA] * len(out), dtype="boolean")
    return out


# --------------------------------------------------------------------------------------------
# clinical: rectifications
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# control charts of the objectives' monthly history
# --------------------------------------------------------------------------------------------


def charts_table(charts: list[ObjectiveChart], lang: str = "zh") -> pd.DataFrame:
    """One row per chart: chart type, centre line, months, months meeting target, signals, latest signal.

    Parameters
    ----------
    charts : list of ObjectiveChart
        :func:`~threec_helpers.audit.objective_charts.objective_charts`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``objective_id``, ``objective``, ``chart``, ``center`` (text), ``months``,
        ``months_met``, ``signals``, ``latest_signal``.

    See Also
    --------
    show_objective_charts : draws the same charts.

    Examples
    --------
    >>> from threec_helpers.audit.objective_charts import objective_charts
    >>> obj = pd.DataFrame({"objective_id": ["T"], "name_zh": ["应答时限"], "name_en": ["Answer time"],
    ...                     "unit": ["seconds"], "comparator": ["<="], "target": [10.0]})
    >>> kpi = pd.DataFrame({"objective_id": "T", "period": ["2026-01", "2026-02", "2026-03"],
    ...                     "value": [7.0, 8.0, 12.0]})
    >>> charts_table(objective_charts(obj, kpi, "2026-03", "en"), "en")[["center", "months", "months_met"]].values.tolist()
    [['9 s', 3, 2]]
    """
    check_lang(lang)
    rows = []
    for ch in charts:
        center = float(ch.frame["center"].iloc[-1]) / ch.scale
        rows.append({
            "objective_id": ch.objective_id, "objective": ch.name, "chart": t(f"spc.chart.{ch.kind}", lang),
            "center": format_value(center, ch.unit, lang), "months": len(ch.frame), "months_met": ch.months_met,
            "signals": len(ch.signals),
            "latest_signal": str(ch.signals["message"].iloc[-1]) if len(ch.signals) else None,
        })
    cols = ["objective_id", "objective", "chart", "center", "months", "months_met", "signals", "latest_signal"]
    return pd.DataFrame(rows, columns=cols)


def show_objective_charts(ctx: Any, charts: list[ObjectiveChart], source: str | None = None) -> None:
    """Show every chart in the report (``ctx.figure``), in order, in ``ctx.lang``.

    Parameters
    ----------
    ctx : NotebookContext
        Anything with ``lang`` and a ``figure(fig)`` method.
    charts : list of ObjectiveChart
    source : str, optional
        Source line under each chart.

    See Also
    --------
    charts_table : the same charts as a table.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from threec_helpers.audit.objective_charts import objective_charts
    >>> obj = pd.DataFrame({"objective_id": ["T"], "name_zh": ["应答时限"], "name_en": ["Answer time"],
    ...                     "unit": ["seconds"], "comparator": ["<="], "target": [10.0]})
    >>> kpi = pd.DataFrame({"objective_id": "T", "period": ["2026-01", "2026-02"], "value": [7.0, 8.0]})
    >>> shown = []
    >>> show_objective_charts(SimpleNamespace(lang="en", figure=shown.append), objective_charts(obj, kpi, "2026-02", "en"))
    >>> len(shown), type(shown[0]).__name__
    (1, 'Figure')
    """
    for ch in charts:
        ctx.figure(plot_objective_chart(ch, ctx.lang, source))


# --------------------------------------------------------------------------------------------
# key figures and conclusions
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# notes (sentences for ctx.note; client text escaped)
# --------------------------------------------------------------------------------------------


def rounds_note(current: str | None, previous: str | None, lang: str = "zh", n_respondents: int | None = None) -> str:
    """Which rounds are compared: ``'This round: 2026H2; previous round: 2025H2.'``.

    With ``n_respondents`` the customer-focus wording is used (staff self-assessment).

    Parameters
    ----------
    current, previous : str or None
        The rounds' ids (client text, escaped here).
    lang : {"zh", "en"}
    n_respondents : int, optional
        Respondents of the current round (customer-focus audit).

    Returns
    -------
    str

    Examples
    --------
    >>> rounds_note("2026H2", None, "en")
    'This round: 2026H2; there is no previous round to compare with.'
    >>> rounds_note("2026", "2025", "en", n_respondents=20)[:60]
    'The customer-focus audit compares the last two rounds of the'
    """
    check_lang(lang)
    cur, prev = esc(current or "–"), esc(previous or "–")
    if n_respondents is not None:
        key = "focus_rounds" if previous is not None else "focus_one_round"
        return t(f"audit_report.note.{key}", lang, current=cur, previous=prev, n=fmt_int(n_respondents))
    if previous is None:
        return t("audit_report.note.no_previous_round", lang, current=cur)
    return t("audit_report.note.rounds_compared", lang, current=cur, previous=prev)


def objectives_note(table: pd.DataFrame, period_id: str, lang: str = "zh", indicators: bool = False) -> str:
    """``'2026-10: 8 of 8 quality objectives met.'`` plus the names of those missed.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`objectives_table` output.
    period_id : str
    indicators : bool
        Clinical wording ("indicators") instead of "quality objectives".

    Examples
    --------
    >>> df = pd.DataFrame({"objective": ["A", "B"], "met": pd.array([True, False], dtype="boolean")})
    >>> objectives_note(df, "2026-10", "en", indicators=True)
    '2026-10: 1 of 2 indicators met their target. Not met: B.'
    """
    check_lang(lang)
    met_col = table["met"].astype("boolean")
    key = "audit_report.note.indicators" if indicators else "audit_report.note.objectives"
    text = t(key, lang, period=esc(period_id), met=int(met_col.fillna(False).sum()), assessed=int(met_col.notna().sum()))
    missed = missed_objectives(table)
    if missed:
        text += ("" if lang == "zh" else " ") + t("audit_report.note.objectives_missed", lang,
                                                   names=join_list([esc(m) for m in missed], lang))
    return text


def weak_items_note(weak: pd.DataFrame, previous_weak: pd.DataFrame | None = None, previous_round: str | None = None,
                    lang: str = "zh") -> str:
    """How many weak links this round, and which items were weak in the previous round.

    Parameters
    ----------
    weak : pandas.DataFrame
        :func:`weak_items` of this round.
    previous_weak : pandas.DataFrame, optional
        :func:`weak_items` of the previous round.
    previous_round : str, optional
        Its id.
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    weak_items : the table this sentence introduces.

    Examples
    --------
    >>> weak_items_note(pd.DataFrame({"item_id": []}), pd.DataFrame({"item_id": ["OB.3.1"]}), "2025H2", "en")
    'Every item reaches its target in this round. Items below target in the previous round (2025H2): OB.3.1.'
    """
    check_lang(lang)
    text = (t("audit_report.note.weak_items", lang, n=len(weak)) if len(weak)
            else t("audit_report.note.no_weak_items", lang))
    if previous_weak is not None and len(previous_weak):
        text += ("" if lang == "zh" else " ") + t(
            "audit_report.note.previous_weak", lang, round=esc(previous_round or "–"),
            items=join_list([esc(i) for i in previous_weak["item_id"]], lang))
    return text


def change_table(current: AuditResult, previous: AuditResult | None, lang: str = "zh",
                 levels: Iterable[str] = ("overall", "area")) -> pd.DataFrame:
    """:func:`~threec_helpers.audit.scoring.compare_rounds` for display: title, previous, current, change, bands.

    Parameters
    ----------
    current : AuditResult
        The reported round.
    previous : AuditResult or None
        The round compared with (no rows without one).
    lang : {"zh", "en"}
    levels : iterable of str
        Which levels to keep (``overall``, ``area``, ``item``).

    Returns
    -------
    pandas.DataFrame
        ``level``, ``id``, ``title``, ``previous``, ``current``, ``change`` (0-1), ``change_text``,
        ``band_previous``, ``band_current`` (labels; empty for items); no rows without a
        previous round.

    See Also
    --------
    area_table : the areas of one round, with their change.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2025", "2026", "2026"],
    ...                    "item_id": ["ORG.1", "ORG.2"] * 2, "score": [2.0, 3.0, 4.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> change_table(now, prev, "en")[["level", "id", "change_text"]].head(2).values.tolist()
    [['overall', 'overall', '+33.3 points'], ['area', 'ORG', '+33.3 points']]
    """
    check_lang(lang)
    if previous is None:
        return pd.DataFrame(columns=["level", "id", "title", "previous", "current", "change", "change_text",
                                     "band_previous", "band_current"])
    cmp = compare_rounds(current, previous)
    cmp = cmp[cmp["level"].isin(list(levels))]
    label = current.checklist.band_label
    return pd.DataFrame({
        "level": cmp["level"].to_numpy(), "id": cmp["id"].to_numpy(), "title": cmp[f"title_{lang}"].to_numpy(),
        "previous": cmp["previous"].to_numpy(float), "current": cmp["current"].to_numpy(float),
        "change": cmp["change"].to_numpy(float), "change_text": [points_text(c, lang) for c in cmp["change"]],
        "band_previous": [label(b, lang) if isinstance(b, str) else None for b in cmp["band_previous"]],
        "band_current": [label(b, lang) if isinstance(b, str) else None for b in cmp["band_current"]],
    })


