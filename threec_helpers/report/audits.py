"""Glue between the audit engine and the three audit notebooks.

The engine (:mod:`~threec_helpers.audits`, :mod:`~threec_helpers.findings`,
:mod:`~threec_helpers.objectives`, :mod:`~threec_helpers.spc`) computes; this module only
turns its results into what a report shows and what the briefing reads:

- display tables in the report language with stable column names (``area_table``,
  ``objectives_table``, ``open_findings_table``, ``rectification_table`` ...);
- which assessment rounds to compare (:func:`pick_rounds`);
- the control chart of each quality objective's monthly history (:func:`objective_charts`);
- headline key figures (``*_key_figures``) and the conclusion sentence (``*_conclusion``)
  of each notebook, written from the data through :mod:`~threec_helpers.i18n`.

Used by ``notebooks/audits/customer_focus_audit.ipynb``,
``iso9001_certification_audit.ipynb`` and ``clinical_quality_self_assessment.ipynb``.
Scores are 0-1 ratios throughout (shown with ``fmt_pct``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import spc
from ..audit.scoring import AuditResult, natural_key
from ..audit.checklists import Checklist
from ..errors import ParameterError
from ..audit.findings import GRADES, clause_top, closure_by_round, finding_status, findings_summary
from ..i18n import check_lang, fmt_int, fmt_pct, has_key, t
from ..audit.objectives import chart_kind_for, format_value, objective_history
from .results import headline

#: key-figure keys of the three customer-focus factors (area ids of the customer_focus checklist)
FACTOR_KEYS: dict[str, str] = {"ORG": "organization", "COM": "communications", "INF": "information"}
#: rectification statuses of the data contract, in display order
RECT_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "verified")
_OPEN_RECT = ("open", "in_progress")
_CHART_COMPARATORS = (">=", ">", "<=", "<")
_EPS = 1e-9


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _date_text(values: Any) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text (missing stays missing)."""
    s = pd.to_datetime(pd.Series(values))
    return s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), None)


def _name(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    """Column ``<base>_<lang>``, falling back to the other language where empty."""
    other = "en" if lang == "zh" else "zh"
    cols = [c for c in (f"{base}_{lang}", f"{base}_{other}") if c in frame.columns]
    if not cols:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    out = frame[cols[0]].astype(object)
    for c in cols[1:]:
        out = out.where(out.notna() & (out.astype(str).str.strip() != ""), frame[c].astype(object))
    return out


from .context import esc as _esc  # noqa: E402  (one escaping rule for every note)


def _join(parts: Iterable[str], lang: str) -> str:
    return t("audit_report.list_sep", lang).join(parts)


def _month_of(until: Any) -> pd.Timestamp | None:
    """Month start of a period end (Period, date or ``YYYY-MM``)."""
    if until is None:
        return None
    end = until.end if hasattr(until, "end") else until
    return pd.Timestamp(str(end)[:7] + "-01")


def points_text(change: float, lang: str, signed: bool = True) -> str:
    """A difference of two 0-1 scores as percentage points: ``0.0837`` -> ``'+8.4 points'``.

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


def factor_key(area_id: Any) -> str:
    """Key-figure key of an area: ``ORG`` -> ``organization``; other areas their id in lower case.

    Examples
    --------
    >>> factor_key("INF"), factor_key("OB.3")
    ('information', 'ob_3')
    """
    text = str(area_id).strip()
    return FACTOR_KEYS.get(text.upper(), text.lower().replace(".", "_").replace(" ", "_"))


# --------------------------------------------------------------------------------------------
# rounds and scores
# --------------------------------------------------------------------------------------------


def pick_rounds(rounds: Iterable[Any], config: Any = None, period: Any = None) -> tuple[str | None, str | None]:
    """The round to report and the one before it, in natural order (``R2`` before ``R10``).

    Parameters
    ----------
    rounds : iterable
        Round ids present in the answers.
    config : ClientConfig, optional
        With ``period``: a round that is also a ``client.yaml`` period (``2026H2``) is used
        only if it started on or before the report period's end; rounds that are not
        periods (``R1``, ``2025``) are always eligible.
    period : Period, optional
        The report period.

    Returns
    -------
    (current, previous)
        ``previous`` is ``None`` with a single round; both are ``None`` without rounds.

    Raises
    ------
    ParameterError
        If every round starts after the report period.

    Examples
    --------
    >>> pick_rounds(["R10", "R2", "R1"])
    ('R10', 'R2')
    """
    ordered = sorted({str(r) for r in rounds}, key=natural_key)
    if config is not None and period is not None and ordered:
        known = {p.id: p for p in config.periods}
        eligible = [r for r in ordered if r not in known or known[r].start <= period.end]
        if not eligible:
            raise ParameterError(f"no assessment round started by the end of period {period.id} ({period.end}); "
                                 f"rounds found: {', '.join(ordered)}. Choose a later period.")
        ordered = eligible
    current = ordered[-1] if ordered else None
    previous = ordered[-2] if len(ordered) > 1 else None
    return current, previous


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

    Examples
    --------
    >>> # area_table(res["2026"], res["2025"], "en")[["area", "score", "change"]]
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
    out["below_target"] = (out["score"] < out["target"] - _EPS).to_numpy(bool)
    prev = previous.areas.set_index("area_id")["score"] if previous is not None else pd.Series(dtype=float)
    out["previous"] = out["area_id"].map(prev).astype(float)
    out["change"] = out["score"] - out["previous"]
    out["change_text"] = [points_text(c, lang) for c in out["change"]]
    return out


def item_table(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """One row per checklist item: text, answers, score, target, gap, priority, previous round.

    Returns
    -------
    pandas.DataFrame
        ``area_id``, ``area``, ``item_id``, ``text``, ``n``, ``score``, ``target``, ``gap``,
        ``priority``, ``priority_rank``, ``veto``, ``previous``, ``change`` (scores 0-1).

    Examples
    --------
    >>> # item_table(res["2026"], res["2025"], "zh").head()
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

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``item_id``, ``text``, ``area``, ``score``, ``target``, ``gap``,
        ``priority`` (overall score points gained at target, 0-1).

    Examples
    --------
    >>> # priorities_table(res["2026"], "en", n=5)
    """
    items = item_table(current, None, lang)
    top = items[items["priority"] > 0].sort_values(["priority", "item_id"], ascending=[False, True]).head(n)
    out = top[["priority_rank", "item_id", "text", "area", "score", "target", "gap", "priority"]]
    return out.rename(columns={"priority_rank": "rank"}).reset_index(drop=True)


def largest_gaps(current: AuditResult, lang: str = "zh", n: int = 5) -> pd.DataFrame:
    """The ``n`` items furthest below their target (largest gap first; no item at target).

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``area``, ``score``, ``target``, ``gap``.

    Examples
    --------
    >>> # largest_gaps(res["2026"], "zh", n=5)
    """
    items = item_table(current, None, lang)
    top = items[items["gap"] > _EPS].sort_values(["gap", "item_id"], ascending=[False, True]).head(n)
    return top[["item_id", "text", "area", "score", "target", "gap"]].reset_index(drop=True)


def weak_items(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """The weak links: items below target or failing their veto, by improvement priority.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``area``, ``score``, ``target``, ``gap``, ``veto``,
        ``previous`` (the item's score in the previous round), sorted by priority, then gap.

    Examples
    --------
    >>> # weak_items(res["2026H2"], res["2025H2"], "en")
    """
    items = item_table(current, previous, lang)
    failed = set(current.vetoes.loc[current.vetoes["state"] == "failed", "item_id"]) if len(current.vetoes) else set()
    weak = items[(items["gap"] > _EPS) | items["item_id"].isin(failed)]
    weak = weak.sort_values(["priority", "gap", "item_id"], ascending=[False, False, True])
    return weak[["item_id", "text", "area", "score", "target", "gap", "veto", "previous"]].reset_index(drop=True)


def veto_table(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """The veto items with their mean, pass level and result, this round and the previous one.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``mean``, ``veto_min`` (scale units), ``state`` (label),
        ``passed`` (bool), ``previous_state`` (label, missing without a previous round).

    Examples
    --------
    >>> # veto_table(res["2026H2"], res["2025H2"], "zh")
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


def disagreement_table(current: AuditResult, lang: str = "zh", flagged_only: bool = True) -> pd.DataFrame:
    """Managers vs front line per item (flagged items only by default), largest difference first.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``management``, ``front_line``, ``difference`` (0-1),
        ``difference_text`` (``'+37.5 points'``), ``flag``.

    Examples
    --------
    >>> # disagreement_table(res["2026"], "en")
    """
    check_lang(lang)
    cols = ["item_id", "text", "management", "front_line", "difference", "difference_text", "flag"]
    d = current.disagreement
    if d is None or not len(d):
        return pd.DataFrame(columns=cols)
    texts = current.items.set_index("item_id")[f"text_{lang}"]
    out = pd.DataFrame({
        "item_id": d["item_id"].to_numpy(), "text": d["item_id"].map(texts).to_numpy(),
        "management": d["norm_management"].to_numpy(float), "front_line": d["norm_front_line"].to_numpy(float),
        "difference": d["difference"].to_numpy(float), "flag": d["flag"].to_numpy(bool),
    })
    if flagged_only:
        out = out[out["flag"]]
    out["difference_text"] = [points_text(d, lang) for d in out["difference"]]
    out = out.assign(_abs=out["difference"].abs()).sort_values(["_abs", "item_id"], ascending=[False, True])
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# ISO 9001: organisation, objectives, documents, findings
# --------------------------------------------------------------------------------------------


def org_overview_table(rates: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The organisation overview for display: label, formatted value and, for derived rates, the formula.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`~threec_helpers.objectives.org_rates` output (made in the same ``lang``).

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``label``, ``value``, ``text``, ``formula``, ``derived``.

    Examples
    --------
    >>> from threec_helpers.objectives import org_rates
    >>> prof = pd.DataFrame({"metric": ["capacity_lines", "lines_in_service"], "value": [51084.0, 47213.0]})
    >>> org_overview_table(org_rates(prof, "en"), "en").iloc[-1][["label", "text", "formula"]].tolist()
    ['Switch utilisation', '92.42%', '47,213 / 51,084']
    """
    check_lang(lang)
    label = _name(rates, "label", lang)
    label = label.where(label.notna(), rates["metric"].astype(object))
    text = rates["text"].astype(object).copy()
    units = rates["unit"].astype(object) if "unit" in rates.columns else pd.Series([None] * len(rates))
    for unit in units.dropna().unique():  # a few distinct units: 门 -> "lines" in English reports
        key = f"audit_report.org_unit.{unit}"
        if has_key(key):
            m = (units == unit).to_numpy(bool) & text.astype(str).str.endswith(" " + str(unit)).to_numpy(bool)
            text[m] = [(x[: -len(str(unit))] + t(key, lang)).strip() for x in text[m]]
    return pd.DataFrame({
        "metric": rates["metric"].to_numpy(), "label": label.to_numpy(), "value": rates["value"].to_numpy(float),
        "text": text.to_numpy(), "formula": rates["formula"].to_numpy(),
        "derived": rates["derived"].to_numpy(bool),
    })


def org_sentence(overview: pd.DataFrame, name: str, lang: str = "zh") -> str:
    """The overview as one sentence: ``'XX县通信分公司：电话交换机总容量 51,084 门、…、交换机实装率 92.42%（47,213 / 51,084）。'``.

    Parameters
    ----------
    overview : pandas.DataFrame
        :func:`org_overview_table` output.
    name : str
        The organisation's display name. Client text (name, labels) is HTML-escaped here.

    Examples
    --------
    >>> ov = pd.DataFrame({"label": ["Lines", "Utilisation"], "text": ["51,084", "92.42%"],
    ...                    "formula": ["", "47,213 / 51,084"]})
    >>> org_sentence(ov, "Branch", "en")
    'Branch: Lines 51,084, Utilisation 92.42% (47,213 / 51,084).'
    """
    check_lang(lang)
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    facts = [f"{_esc(lab)} {_esc(txt)}" + (f"{open_}{_esc(f)}{close}" if isinstance(f, str) and f else "")
             for lab, txt, f in zip(overview["label"], overview["text"], overview["formula"])]
    return t("audit_report.note.org_intro", lang, name=_esc(name), facts=_join(facts, lang))


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
        "objective_id": evaluated["objective_id"].to_numpy(), "objective": _name(evaluated, "name", lang).to_numpy(),
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


def missed_objectives(table: pd.DataFrame) -> list[str]:
    """Names of the objectives that missed their target (``objectives_table`` output).

    Examples
    --------
    >>> df = pd.DataFrame({"objective": ["A", "B"], "met": pd.array([True, False], dtype="boolean")})
    >>> missed_objectives(df)
    ['B']
    """
    met = table["met"].astype("boolean")
    return table.loc[met.eq(False).fillna(False).to_numpy(bool), "objective"].astype(str).tolist()


def pick_objective(evaluated: pd.DataFrame, words: Iterable[str] = ("satisf", "满意"),
                   unit: str | None = "points") -> pd.Series | None:
    """The first objective whose name contains one of ``words`` (else the first in ``unit``).

    Used to find the customer-satisfaction objective for the headline figures.

    Examples
    --------
    >>> ev = pd.DataFrame({"objective_id": ["A", "B"], "name_zh": ["及时率", "顾客满意度"], "unit": ["%", "points"]})
    >>> pick_objective(ev)["objective_id"]
    'B'
    """
    names = pd.Series([""] * len(evaluated), index=evaluated.index, dtype=object)
    for col in ("name_zh", "name_en"):
        if col in evaluated.columns:
            names = names + " " + evaluated[col].astype(object).fillna("").astype(str).str.lower()
    hit = np.zeros(len(evaluated), bool)
    for w in words:
        hit |= names.str.contains(str(w).lower(), regex=False).to_numpy(bool)
    if hit.any():
        return evaluated.loc[evaluated.index[np.flatnonzero(hit)[0]]]
    if unit is not None and "unit" in evaluated.columns:
        same = evaluated[evaluated["unit"].astype(str) == unit]
        if len(same):
            return same.iloc[0]
    return None


def documents_table(counts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The document register counts for display: ``category``, ``label``, ``count``.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`~threec_helpers.objectives.document_register_counts` output.

    Examples
    --------
    >>> c = pd.DataFrame({"category": ["record"], "count": [91], "label_zh": ["记录台帐"], "label_en": ["Quality records"]})
    >>> documents_table(c, "en").values.tolist()
    [['record', 'Quality records', 91]]
    """
    check_lang(lang)
    return pd.DataFrame({"category": counts["category"].to_numpy(), "label": counts[f"label_{lang}"].to_numpy(),
                         "count": counts["count"].to_numpy(int)})


def with_total(frame: pd.DataFrame, label_col: str, count_cols: Iterable[str], lang: str = "zh") -> pd.DataFrame:
    """``frame`` with a total row (``合计`` / ``Total``) summing ``count_cols``; other columns empty.

    Examples
    --------
    >>> df = pd.DataFrame({"label": ["a", "b"], "count": [35, 91]})
    >>> row = with_total(df, "label", ["count"], "en").iloc[-1]
    >>> row["label"], int(row["count"])
    ('Total', 126)
    """
    total = {c: None for c in frame.columns}
    total[label_col] = t("common.total", lang)
    for c in count_cols:
        total[c] = int(frame[c].sum())
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def documents_sentence(table: pd.DataFrame, lang: str = "zh") -> str:
    """``'《基础管理手册》共收录成文信息 187 项：职责权限 35 项、…'`` from :func:`documents_table`.

    Examples
    --------
    >>> df = pd.DataFrame({"label": ["regulations", "workflows"], "count": [33, 22]})
    >>> documents_sentence(df, "en")
    'The basic management manual holds 55 documents: 33 regulations, 22 workflows.'
    """
    parts = [t("audit_report.doc_part", lang, label=lab if lang == "zh" else str(lab).lower(), count=fmt_int(c))
             for lab, c in zip(table["label"], table["count"])]
    return t("audit_report.note.documents", lang, total=fmt_int(table["count"].sum()), parts=_join(parts, lang))


def findings_rounds_table(findings: pd.DataFrame, as_of: Any, lang: str = "zh") -> pd.DataFrame:
    """Internal-audit rounds: when, findings by grade, closed, open, overdue, closure and verification.

    Returns
    -------
    pandas.DataFrame
        ``round`` (int), ``round_label``, ``month`` (first finding raised, ``YYYY-MM``),
        ``major``, ``minor``, ``observation``, ``total``, ``closed``, ``open``, ``overdue``,
        ``closure_rate``, ``verified``.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 2.0], "clause": ["7.5", "9.2"],
    ...                   "grade": ["minor", "observation"], "department": ["a", "b"],
    ...                   "raised": pd.to_datetime(["2026-07-21", "2026-09-22"]),
    ...                   "due": pd.to_datetime(["2026-08-20", "2026-12-31"]),
    ...                   "closed": pd.to_datetime(["2026-08-15", None])})
    >>> findings_rounds_table(f, "2026-10-31", "en")[["round_label", "month", "closed", "open"]].values.tolist()
    [['Round 1', '2026-07', 1, 0], ['Round 2', '2026-09', 0, 1]]
    """
    check_lang(lang)
    summary = findings_summary(findings, as_of)
    closure = closure_by_round(findings, as_of)
    status = finding_status(findings, as_of)
    first = (status.assign(round=pd.to_numeric(status["round"], errors="coerce").astype("Int64"))
             .groupby("round")["raised"].min())
    out = summary.by_round_grade.merge(closure[["round", "closed", "closure_rate", "verified"]], on="round", how="left")
    out["round_label"] = [t("audit_report.round_label", lang, round=r) for r in out["round"]]
    month = out["round"].map(first)
    out["month"] = pd.to_datetime(month).dt.strftime("%Y-%m").astype(object).where(month.notna(), None)
    cols = ["round", "round_label", "month", *GRADES, "total", "closed", "open", "overdue", "closure_rate", "verified"]
    return out[cols]


def open_findings_table(open_findings: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The open findings for display, most overdue first (``FindingsSummary.open_findings``).

    Returns
    -------
    pandas.DataFrame
        ``finding_id``, ``round``, ``clause``, ``grade`` (label), ``department``,
        ``description``, ``corrective_action``, ``owner``, ``due`` (text), ``days_open``,
        ``overdue`` (bool).

    Examples
    --------
    >>> # open_findings_table(findings_summary(f, "2026-10-31").open_findings, "en")
    """
    check_lang(lang)
    f = open_findings

    def col(name: str) -> Any:
        return f[name].to_numpy() if name in f.columns else [None] * len(f)

    return pd.DataFrame({
        "finding_id": col("finding_id"),
        "round": pd.to_numeric(f["round"], errors="coerce").astype("Int64").to_numpy(),
        "clause": col("clause"), "grade": [t(f"audits.grade.{g}", lang) for g in f["grade"]],
        "department": col("department"), "description": col("description"),
        "corrective_action": col("corrective_action"), "owner": col("owner"),
        "due": _date_text(f["due"]).to_numpy(), "days_open": f["days_open"].to_numpy(),
        "overdue": f["is_overdue"].to_numpy(bool),
    })


def improvements_table(findings: pd.DataFrame, as_of: Any, lang: str = "zh") -> pd.DataFrame:
    """Every corrective / improvement action of the findings register and its status as of a date.

    Status: ``verified`` (closed and verified effective), ``closed`` (not yet verified),
    ``open`` (in progress, not yet due) or ``overdue``.

    Returns
    -------
    pandas.DataFrame
        ``finding_id``, ``round``, ``clause``, ``corrective_action``, ``owner``, ``due``,
        ``closed`` (text dates), ``status`` (id) and ``status_label``; by round, then id.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 1.0], "clause": ["7.5", "9.2"],
    ...                   "grade": ["minor", "minor"], "department": ["a", "b"],
    ...                   "corrective_action": ["redo records", "train"],
    ...                   "raised": pd.to_datetime(["2026-07-01", "2026-07-01"]),
    ...                   "due": pd.to_datetime(["2026-08-01", "2026-08-01"]),
    ...                   "closed": pd.to_datetime(["2026-07-20", None]),
    ...                   "verified": pd.array([True, None], dtype="boolean")})
    >>> improvements_table(f, "2026-10-31", "en")["status"].tolist()
    ['verified', 'overdue']
    """
    check_lang(lang)
    st = finding_status(findings, as_of)
    status = np.select([st["is_verified"].to_numpy(bool), st["is_closed"].to_numpy(bool),
                        st["is_overdue"].to_numpy(bool)], ["verified", "closed", "overdue"], default="open")
    out = pd.DataFrame({
        "finding_id": st["finding_id"].to_numpy(),
        "round": pd.to_numeric(st["round"], errors="coerce").astype("Int64").to_numpy(),
        "clause": st["clause"].to_numpy(),
        "corrective_action": (st["corrective_action"] if "corrective_action" in st.columns
                              else pd.Series([None] * len(st))).to_numpy(),
        "owner": (st["owner"] if "owner" in st.columns else pd.Series([None] * len(st))).to_numpy(),
        "due": _date_text(st["due"]).to_numpy(),
        "closed": _date_text(st["closed"].where(st["is_closed"])).to_numpy(),
        "status": status,
        "status_label": [t(f"audit_report.finding_status.{s}", lang) for s in status],
    })
    key = out["finding_id"].astype(str).map(natural_key)
    out = out.assign(_k=key).sort_values(["round", "_k"], na_position="last", kind="stable").drop(columns="_k")
    return out.reset_index(drop=True)


def clause_coverage(checklist: Checklist, by_clause: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Findings per chapter of the standard, every chapter of the checklist listed (0 where none).

    Parameters
    ----------
    checklist : Checklist
        ``iso9001_2015`` (areas ``ISO.4`` ... ``ISO.10``).
    by_clause : pandas.DataFrame
        ``FindingsSummary.by_clause``.

    Returns
    -------
    pandas.DataFrame
        ``chapter``, ``title``, ``items`` (checklist items of the chapter), ``major``,
        ``minor``, ``observation``, ``total``, ``open``; chapters in checklist order, then
        findings of clauses outside the checklist.

    Examples
    --------
    >>> # clause_coverage(load_checklist("iso9001_2015"), summary.by_clause, "zh")
    """
    check_lang(lang)
    areas = checklist.areas
    chapters = clause_top(areas["area_id"].astype(str)).to_numpy()
    n_items = checklist.items.groupby("area_id", sort=False).size()
    base = pd.DataFrame({"chapter": chapters, "title": areas[f"area_title_{lang}"].to_numpy(),
                         "items": areas["area_id"].map(n_items).fillna(0).astype(int).to_numpy()})
    counts = [*GRADES, "total", "open"]
    found = by_clause.rename(columns={"clause_top": "chapter"})[["chapter", *counts]]
    found = found.assign(chapter=found["chapter"].astype(str))
    out = base.merge(found, on="chapter", how="left")
    extra = found[~found["chapter"].isin(base["chapter"])]
    if len(extra):
        extra = extra.assign(title=t("audit_report.clause_other", lang), items=0)
        out = pd.concat([out, extra[out.columns]], ignore_index=True)
    out[counts] = out[counts].fillna(0).astype(int)
    return out


# --------------------------------------------------------------------------------------------
# clinical: rectifications
# --------------------------------------------------------------------------------------------


def rectification_table(rectifications: pd.DataFrame, as_of: Any, lang: str = "zh",
                        checklist: Checklist | None = None) -> pd.DataFrame:
    """The rectification plan as it stood on ``as_of``: status, due, completion, overdue.

    An action marked done or verified but completed after ``as_of`` counts as in progress
    on that date; an open or in-progress action past its due date is overdue.

    Parameters
    ----------
    rectifications : pandas.DataFrame
        Table ``rectifications`` (action_id, item_id, description, owner, due, status, closed).
    as_of : date-like
    lang : {"zh", "en"}
    checklist : Checklist, optional
        Adds the item's text.

    Returns
    -------
    pandas.DataFrame
        ``action_id``, ``item_id``, ``item_text``, ``description``, ``owner``, ``due``,
        ``closed`` (text dates), ``status`` (id), ``status_label``, ``is_open``, ``overdue``.

    Examples
    --------
    >>> r = pd.DataFrame({"action_id": ["A1", "A2"], "item_id": ["OB.1.1", None], "description": ["x", "y"],
    ...                   "owner": ["o", "o"], "due": pd.to_datetime(["2026-06-30", "2026-12-31"]),
    ...                   "status": ["in_progress", "done"], "closed": pd.to_datetime([None, "2026-11-05"])})
    >>> rectification_table(r, "2026-10-31", "en")[["status", "overdue"]].values.tolist()
    [['in_progress', True], ['in_progress', False]]
    """
    check_lang(lang)
    day = pd.Timestamp(as_of).normalize()
    r = rectifications
    status = r["status"].astype(str).str.strip().to_numpy(object)
    closed = pd.to_datetime(r["closed"]) if "closed" in r.columns else pd.Series(pd.NaT, index=r.index)
    later = closed.notna().to_numpy(bool) & (closed > day).fillna(False).to_numpy(bool)
    status = np.where(later & np.isin(status, ["done", "verified"]), "in_progress", status)
    due = pd.to_datetime(r["due"]) if "due" in r.columns else pd.Series(pd.NaT, index=r.index)
    is_open = np.isin(status, _OPEN_RECT)
    overdue = is_open & due.notna().to_numpy(bool) & (due < day).fillna(False).to_numpy(bool)
    items = r["item_id"] if "item_id" in r.columns else pd.Series([None] * len(r), index=r.index)
    texts = checklist.items.set_index("item_id")[f"text_{lang}"] if checklist is not None else pd.Series(dtype=object)
    return pd.DataFrame({
        "action_id": r["action_id"].to_numpy(), "item_id": items.to_numpy(object),
        "item_text": items.map(texts).astype(object).to_numpy(),
        "description": r["description"].to_numpy(), "owner": (r["owner"] if "owner" in r.columns else items).to_numpy(),
        "due": _date_text(due).to_numpy(), "closed": _date_text(closed.where(~later)).to_numpy(),
        "status": status, "status_label": [t(f"audit_report.rect_status.{s}", lang) if s in RECT_STATUSES else s
                                           for s in status],
        "is_open": is_open, "overdue": overdue,
    })


def rectification_counts(table: pd.DataFrame) -> dict[str, int]:
    """Counts of a :func:`rectification_table`: total, each status, ``open_total`` and ``overdue``.

    Examples
    --------
    >>> df = pd.DataFrame({"status": ["open", "verified", "in_progress"], "is_open": [True, False, True],
    ...                    "overdue": [False, False, True]})
    >>> rectification_counts(df)
    {'total': 3, 'open': 1, 'in_progress': 1, 'done': 0, 'verified': 1, 'open_total': 2, 'overdue': 1}
    """
    by = table["status"].value_counts()
    out = {"total": len(table)}
    out.update({s: int(by.get(s, 0)) for s in RECT_STATUSES})
    out["open_total"] = int(table["is_open"].sum())
    out["overdue"] = int(table["overdue"].sum())
    return out


# --------------------------------------------------------------------------------------------
# control charts of the objectives' monthly history
# --------------------------------------------------------------------------------------------


@dataclass
class ObjectiveChart:
    """One objective's monthly control chart, ready to draw.

    Attributes
    ----------
    objective_id, name : str
    kind : str
        ``p``, ``p_prime``, ``u`` or ``xmr`` (:func:`~threec_helpers.objectives.chart_kind_for`).
    frame : pandas.DataFrame
        The :mod:`threec_helpers.spc` chart frame, indexed by month (``YYYY-MM``).
    unit : str
        The objective's unit (``%``, ``points``, ``per_100k`` ...).
    target : float
        The target on the chart's scale (a proportion for % objectives: 0.98 for 98%).
    comparator : str or None
        ``>=``, ``>``, ``<=``, ``<``; ``None`` for ``=`` (no attainment sentence).
    scale : float
        Chart value = scale x value in the objective's unit (0.01 for %).
    months_met : int
        Months meeting the target.
    """

    objective_id: str
    name: str
    kind: str
    frame: pd.DataFrame
    unit: str
    target: float
    comparator: str | None
    scale: float = 1.0
    months_met: int = 0
    signals: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def axis_unit(self) -> str | None:
        """``'%'`` for percentages, otherwise the unit key for the y-axis label (``None`` if none)."""
        return "%" if self.unit == "%" else self.unit


def objective_charts(objectives: pd.DataFrame, measurements: pd.DataFrame, until: Any = None,
                     lang: str = "zh") -> list[ObjectiveChart]:
    """A control chart of every objective's monthly history up to the report period.

    The chart follows :func:`~threec_helpers.objectives.chart_kind_for`: p (or Laney p'
    with large denominators) for a % with numerator/denominator, u for a rate per 100,000
    or per 1,000 (exposure = denominator / 100,000), XmR for values (points, seconds,
    counts, a % given as a value). Limits are computed on all months shown; the run rules
    are Western Electric's.

    Parameters
    ----------
    objectives, measurements : pandas.DataFrame
        Tables ``quality_objectives`` and ``kpi_measurements``.
    until : Period, date or ``YYYY-MM``, optional
        Last month shown (the report period's end); default all months.
    lang : {"zh", "en"}
        Language of the names and signal sentences.

    Returns
    -------
    list of ObjectiveChart
        In the objectives' table order; objectives without a measurement are left out.

    Examples
    --------
    >>> obj = pd.DataFrame({"objective_id": ["T"], "name_zh": ["应答时限"], "name_en": ["Answer time"],
    ...                     "unit": ["seconds"], "comparator": ["<="], "target": [10.0]})
    >>> kpi = pd.DataFrame({"objective_id": "T", "period": ["2026-01", "2026-02", "2026-03"],
    ...                     "value": [7.0, 8.0, 12.0]})
    >>> ch = objective_charts(obj, kpi, "2026-02", "en")[0]
    >>> ch.kind, len(ch.frame), ch.months_met
    ('xmr', 2, 2)
    """
    check_lang(lang)
    hist = objective_history(objectives, measurements)
    last = _month_of(until)
    if last is not None:
        hist = hist[hist["month"] <= last]
    names = _name(objectives, "name", lang)
    out: list[ObjectiveChart] = []
    for pos in range(len(objectives)):  # one chart per objective (a handful), each vectorised
        row = objectives.iloc[pos]
        oid = str(row["objective_id"])
        h = hist[hist["objective_id"].astype(str) == oid]
        if h.empty:
            continue
        s = h.set_index("period")
        unit = str(row["unit"])
        kind = chart_kind_for(row, h)
        if kind in ("p", "p_prime"):
            frame = getattr(spc, kind)(s["numerator"], s["denominator"])
            scale = 0.01
        elif kind == "u":
            per = 1e5 if unit == "per_100k" else 1e3
            frame = spc.u(s["numerator"], s["denominator"] / per)
            scale = 1.0
        else:
            scale = 0.01 if unit == "%" else 1.0
            frame = spc.xmr(s["actual"] * scale)
        frame.index.name = t("audit_report.col.month", lang)  # the chart's x-axis label
        comp = str(row["comparator"])
        out.append(ObjectiveChart(
            objective_id=oid, name=str(names.iloc[pos]), kind=kind, frame=frame, unit=unit,
            target=float(row["target"]) * scale, comparator=comp if comp in _CHART_COMPARATORS else None,
            scale=scale, months_met=int(h["met"].astype("boolean").fillna(False).sum()),
            signals=spc.signals(frame, lang=lang),
        ))
    return out


def charts_table(charts: list[ObjectiveChart], lang: str = "zh") -> pd.DataFrame:
    """One row per chart: chart type, centre line, months, months meeting target, signals, latest signal.

    Examples
    --------
    >>> # charts_table(objective_charts(obj, kpi, ctx.period, "zh"), "zh")
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


def plot_objective_chart(chart: ObjectiveChart, lang: str = "zh", source: str | None = None):
    """Draw one :class:`ObjectiveChart` with its target line (``plots.spc.plot_control_chart``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..plots.spc import plot_control_chart

    check_lang(lang)
    unit = chart.axis_unit
    label = "%" if unit == "%" else (t(f"audit_report.axis_unit.{unit}", lang)
                                     if has_key(f"audit_report.axis_unit.{unit}") else unit)
    title = t("audit_report.chart.title", lang, id=chart.objective_id, name=chart.name,
              chart=t(f"spc.chart.{chart.kind}", lang))
    return plot_control_chart(chart.frame, title=title, target=chart.target, comparator=chart.comparator, lang=lang,
                              unit=label, source=t("audits.source.objectives", lang) if source is None else source)


def show_objective_charts(ctx: Any, charts: list[ObjectiveChart], source: str | None = None) -> None:
    """Show every chart in the report (``ctx.figure``), in order, in ``ctx.lang``."""
    for ch in charts:
        ctx.figure(plot_objective_chart(ch, ctx.lang, source))


# --------------------------------------------------------------------------------------------
# key figures and conclusions
# --------------------------------------------------------------------------------------------


def _kf(key: str, value: Any, text: str, status: str, lang: str, label: str | None = None) -> dict[str, Any]:
    return headline(key, label if label is not None else t(f"audit_report.kf.{key}", lang), value, text, status)


def record_key_figures(ctx: Any, figures: Iterable[Mapping[str, Any]]) -> None:
    """Record headline figures (dicts from the ``*_key_figures`` functions) with ``ctx.key_figure``."""
    for f in figures:
        ctx.key_figure(f["key"], f["label"], f["value"], f["text"], f["status"])


def iso_key_figures(overview: pd.DataFrame, objectives: pd.DataFrame, documents: pd.DataFrame,
                    counts: Mapping[str, Any] | None, satisfaction: pd.Series | None, lang: str = "zh"
                    ) -> list[dict[str, Any]]:
    """Headline figures of the ISO 9001 briefing.

    Parameters
    ----------
    overview : pandas.DataFrame
        :func:`org_overview_table` (its ``utilisation`` row, value in percent).
    objectives : pandas.DataFrame
        :func:`objectives_table` of the report period.
    documents : pandas.DataFrame
        :func:`documents_table`.
    counts : mapping or None
        ``FindingsSummary.counts`` (``None`` when the client has no findings register).
    satisfaction : pandas.Series or None
        The satisfaction objective's row of ``evaluate_objectives`` (:func:`pick_objective`).

    Returns
    -------
    list of dict
        Keys ``utilisation`` (0-1), ``objectives_met`` (met count, text ``'8/8'``),
        ``satisfaction``, ``open_findings``, ``closure_rate`` (0-1), ``documents`` (total).

    Examples
    --------
    >>> # iso_key_figures(overview, table, docs, summary.counts, pick_objective(ev), "zh")
    """
    check_lang(lang)
    out = []
    util = overview[overview["metric"] == "utilisation"]
    if len(util):
        row = util.iloc[0]
        out.append(_kf("utilisation", float(row["value"]) / 100, str(row["text"]), "neutral", lang,
                       label=str(row["label"])))
    met_col = objectives["met"].astype("boolean")
    met, assessed = int(met_col.fillna(False).sum()), int(met_col.notna().sum())
    out.append(_kf("objectives_met", met, t("audit_report.kf.of", lang, n=met, total=assessed),
                   "good" if assessed and met == assessed else ("bad" if assessed else "neutral"), lang))
    if satisfaction is not None:
        ok = satisfaction.get("met")
        status = "neutral" if ok is None or ok is pd.NA else ("good" if bool(ok) else "bad")
        name = satisfaction.get(f"name_{lang}") or satisfaction.get("name_zh")
        out.append(_kf("satisfaction", float(satisfaction["actual"]), str(satisfaction["actual_text"]), status, lang,
                       label=str(name) if isinstance(name, str) and name else None))
    if counts is not None:
        n_open = int(counts["open"])
        status = "bad" if counts.get("overdue", 0) or counts.get("major_open", 0) else ("warn" if n_open else "good")
        out.append(_kf("open_findings", n_open, fmt_int(n_open), status, lang))
        rate = counts["closure_rate"]
        out.append(_kf("closure_rate", rate, fmt_pct(rate, 1), "good" if not pd.isna(rate) and rate >= 1 - _EPS
                       else "neutral", lang))
    out.append(_kf("documents", int(documents["count"].sum()), fmt_int(documents["count"].sum()), "neutral", lang))
    return out


def iso_conclusion(key_figures: list[dict[str, Any]], counts: Mapping[str, Any] | None, lang: str = "zh") -> str:
    """The briefing's closing sentence from its key figures, e.g. ``'8 of 8 quality objectives met; …'``.

    Examples
    --------
    >>> kf = [{"key": "objectives_met", "value": 8, "text": "8/8"}, {"key": "utilisation", "text": "92.42%"},
    ...       {"key": "documents", "text": "187"}]
    >>> iso_conclusion(kf, None, "en")
    '8 of 8 quality objectives met; switch utilisation 92.42%; 187 QMS documents.'
    """
    check_lang(lang)
    by = {f["key"]: f for f in key_figures}
    parts = []
    if "objectives_met" in by:
        met, assessed = by["objectives_met"]["text"].split("/")
        parts.append(t("audit_report.conclusion.iso_objectives", lang, met=met, assessed=assessed))
    if "utilisation" in by:
        parts.append(t("audit_report.conclusion.iso_utilisation", lang, utilisation=by["utilisation"]["text"]))
    if counts is not None and counts.get("total"):
        parts.append(t("audit_report.conclusion.iso_findings", lang, total=fmt_int(counts["total"]),
                       closed=fmt_int(counts["closed"]), closure=fmt_pct(counts["closure_rate"], 1),
                       open=fmt_int(counts["open"]), overdue=fmt_int(counts["overdue"])))
    if "documents" in by:
        parts.append(t("audit_report.conclusion.iso_documents", lang, documents=by["documents"]["text"]))
    return t("audit_report.conclusion.sep", lang).join(parts) + t("audit_report.conclusion.end", lang)


def clinical_key_figures(result: AuditResult, areas: pd.DataFrame, rect: Mapping[str, int] | None,
                         indicators: pd.DataFrame, lang: str = "zh") -> list[dict[str, Any]]:
    """Headline figures of the clinical self-assessment.

    Parameters
    ----------
    result : AuditResult
        The reported round.
    areas : pandas.DataFrame
        :func:`area_table` of that round.
    rect : mapping or None
        :func:`rectification_counts` (``None`` without a rectification plan).
    indicators : pandas.DataFrame
        :func:`objectives_table` of the monthly indicators for the report period.

    Returns
    -------
    list of dict
        Keys ``overall_score`` (0-1), ``grade`` (band id, text its label),
        ``vetoes_failed``, ``areas_below_target``, ``open_rectifications``, ``indicators_met``.

    Examples
    --------
    >>> # clinical_key_figures(now, area_table(now, prev, "en"), counts, table, "en")
    """
    check_lang(lang)
    o = result.overall
    status = {"passed": "good", "failed": "bad", "incomplete": "warn"}.get(str(o["status"]), "neutral")
    n_veto = len(result.vetoes)
    failed = len(o["vetoes_failed"])
    below = int(areas["below_target"].sum())
    met_col = indicators["met"].astype("boolean")
    met, assessed = int(met_col.fillna(False).sum()), int(met_col.notna().sum())
    out = [
        _kf("overall_score", o["score"], fmt_pct(o["score"]), status, lang),
        _kf("grade", o["band"], result.checklist.band_label(o["band"], lang), status, lang),
        _kf("vetoes_failed", failed, t("audit_report.kf.of", lang, n=failed, total=n_veto),
            "bad" if failed else ("good" if n_veto else "neutral"), lang),
        _kf("areas_below_target", below, t("audit_report.kf.of", lang, n=below, total=len(areas)),
            "warn" if below else "good", lang),
    ]
    if rect is not None:
        out.append(_kf("open_rectifications", rect["open_total"], fmt_int(rect["open_total"]),
                       "bad" if rect["overdue"] else ("warn" if rect["open_total"] else "good"), lang))
    out.append(_kf("indicators_met", met, t("audit_report.kf.of", lang, n=met, total=assessed),
                   "good" if assessed and met == assessed else ("warn" if assessed else "neutral"), lang))
    return out


def clinical_conclusion(result: AuditResult, previous: AuditResult | None, areas: pd.DataFrame,
                        rect: Mapping[str, int] | None, indicators: pd.DataFrame, period_id: str,
                        lang: str = "zh") -> str:
    """The self-assessment's closing sentence, e.g. ``'Self-assessment round 2026H2: overall 88.17% (Qualified), passed; …'``.

    Examples
    --------
    >>> # clinical_conclusion(now, prev, areas, counts, table, "2026-10", "en")
    """
    check_lang(lang)
    o = result.overall
    sep = t("audit_report.conclusion.sep", lang)
    parts = [t("audit_report.conclusion.clinical", lang, round=result.round or "", score=fmt_pct(o["score"]),
               grade=result.checklist.band_label(o["band"], lang), status=t(f"audits.status.{o['status']}", lang))]
    if previous is not None:
        parts.append(t("audit_report.conclusion.clinical_change", lang,
                       change=points_text(o["score"] - previous.overall["score"], lang)))
    if len(result.vetoes):
        parts.append(t("audit_report.conclusion.clinical_vetoes_failed", lang, items=", ".join(o["vetoes_failed"]))
                     if o["vetoes_failed"] else t("audit_report.conclusion.clinical_vetoes_ok", lang))
    parts.append(t("audit_report.conclusion.clinical_areas", lang, below=int(areas["below_target"].sum()),
                   n_areas=len(areas)))
    if rect is not None:
        parts.append(t("audit_report.conclusion.clinical_rect", lang, open=rect["open_total"], overdue=rect["overdue"]))
    met_col = indicators["met"].astype("boolean")
    parts.append(t("audit_report.conclusion.clinical_indicators", lang, met=int(met_col.fillna(False).sum()),
                   assessed=int(met_col.notna().sum()), period=period_id))
    return sep.join(parts) + t("audit_report.conclusion.end", lang)


def focus_key_figures(result: AuditResult, areas: pd.DataFrame, lang: str = "zh") -> list[dict[str, Any]]:
    """Headline figures of the customer-focus audit.

    Keys ``overall_score`` (0-1), ``band`` (band id, text its label), one per factor
    (``organization``, ``communications``, ``information``: score 0-1, text ``'60.42%'``),
    and ``management_gap`` (management minus front-line overall score, 0-1; only with roles).
    A factor is ``good`` at or above its target, ``bad`` in the lowest band, else ``warn``;
    the management gap is ``warn`` from 10 points on.

    Examples
    --------
    >>> # focus_key_figures(now, area_table(now, prev, "zh"), "zh")
    """
    check_lang(lang)
    o = result.overall
    lowest = str(result.checklist.bands["band"].iloc[0])
    status = "good" if o["score"] >= o["target"] - _EPS else ("bad" if o["band"] == lowest else "warn")
    out = [_kf("overall_score", o["score"], fmt_pct(o["score"]), status, lang),
           _kf("band", o["band"], result.checklist.band_label(o["band"], lang), status, lang)]
    bands = result.areas.set_index("area_id")["band"]
    for row in areas.itertuples(index=False):  # three factors
        st = "good" if not row.below_target else ("bad" if bands.get(row.area_id) == lowest else "warn")
        out.append(_kf(row.key, row.score, fmt_pct(row.score), st, lang, label=str(row.area)))
    mg, fl = o.get("score_management", np.nan), o.get("score_front_line", np.nan)
    if not (pd.isna(mg) or pd.isna(fl)):
        gap = float(mg - fl)
        out.append(_kf("management_gap", gap, points_text(gap, lang), "warn" if abs(gap) >= 0.10 else "neutral",
                       lang))
    return out


def focus_conclusion(result: AuditResult, previous: AuditResult | None, areas: pd.DataFrame,
                     lang: str = "zh") -> str:
    """The audit's closing sentence: score and band, change, weakest factor, managers vs front line, top priority.

    Examples
    --------
    >>> # focus_conclusion(now, prev, area_table(now, prev, "en"), "en")
    """
    check_lang(lang)
    o = result.overall
    sep = t("audit_report.conclusion.sep", lang)
    parts = [t("audit_report.conclusion.focus", lang, round=result.round or "", score=fmt_pct(o["score"]),
               band=result.checklist.band_label(o["band"], lang))]
    if previous is not None:
        parts.append(t("audit_report.conclusion.focus_change", lang, previous=previous.round or "",
                       change=points_text(o["score"] - previous.overall["score"], lang)))
    scored = areas[areas["score"].notna()]
    if len(scored):
        weakest = scored.sort_values(["score", "area_id"]).iloc[0]
        parts.append(t("audit_report.conclusion.focus_weakest", lang, factor=weakest["area"],
                       score=fmt_pct(weakest["score"])))
    mg, fl = o.get("score_management", np.nan), o.get("score_front_line", np.nan)
    if not (pd.isna(mg) or pd.isna(fl)):
        gap = float(mg - fl)
        key = "focus_gap" if gap >= 0 else "focus_gap_neg"
        parts.append(t(f"audit_report.conclusion.{key}", lang, gap=points_text(gap, lang, signed=False)))
    top = result.top_priorities(1)
    if len(top):
        parts.append(t("audit_report.conclusion.focus_priority", lang, item=top.iloc[0]["item_id"],
                       text=top.iloc[0][f"text_{lang}"]))
    return sep.join(parts) + t("audit_report.conclusion.end", lang)


# --------------------------------------------------------------------------------------------
# notes (sentences for ctx.note; client text escaped)
# --------------------------------------------------------------------------------------------


def rounds_note(current: str | None, previous: str | None, lang: str = "zh", n_respondents: int | None = None) -> str:
    """Which rounds are compared: ``'This round: 2026H2; previous round: 2025H2.'``.

    With ``n_respondents`` the customer-focus wording is used (staff self-assessment).

    Examples
    --------
    >>> rounds_note("2026H2", None, "en")
    'This round: 2026H2; there is no previous round to compare with.'
    >>> rounds_note("2026", "2025", "en", n_respondents=20)[:60]
    'The customer-focus audit compares the last two rounds of the'
    """
    check_lang(lang)
    cur, prev = _esc(current or "–"), _esc(previous or "–")
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
    text = t(key, lang, period=_esc(period_id), met=int(met_col.fillna(False).sum()), assessed=int(met_col.notna().sum()))
    missed = missed_objectives(table)
    if missed:
        text += ("" if lang == "zh" else " ") + t("audit_report.note.objectives_missed", lang,
                                                   names=_join([_esc(m) for m in missed], lang))
    return text


def findings_note(counts: Mapping[str, Any], n_rounds: int, as_of: Any, lang: str = "zh") -> str:
    """The findings register in one sentence (``FindingsSummary.counts``).

    Examples
    --------
    >>> c = {"total": 12, "closed": 10, "closure_rate": 10 / 12, "verified": 9, "open": 2, "overdue": 0}
    >>> findings_note(c, 2, "2026-10-31", "en")[:70]
    'As of 2026-10-31, 2 internal audit round(s) raised 12 findings: 10 clo'
    """
    check_lang(lang)
    text = t("audit_report.note.findings", lang, as_of=pd.Timestamp(as_of).strftime("%Y-%m-%d"), rounds=n_rounds,
             total=fmt_int(counts["total"]), closed=fmt_int(counts["closed"]),
             closure=fmt_pct(counts["closure_rate"], 1), verified=fmt_int(counts["verified"]),
             open=fmt_int(counts["open"]), overdue=fmt_int(counts["overdue"]))
    if not counts["open"]:
        text += ("" if lang == "zh" else " ") + t("audit_report.note.no_open_findings", lang)
    return text


def weak_items_note(weak: pd.DataFrame, previous_weak: pd.DataFrame | None = None, previous_round: str | None = None,
                    lang: str = "zh") -> str:
    """How many weak links this round, and which items were weak in the previous round.

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
            "audit_report.note.previous_weak", lang, round=_esc(previous_round or "–"),
            items=_join([_esc(i) for i in previous_weak["item_id"]], lang))
    return text


def rectifications_note(counts: Mapping[str, int], lang: str = "zh") -> str:
    """``'10 rectification actions: 6 verified, 1 done, 2 in progress, 1 not started; 0 overdue.'``

    Examples
    --------
    >>> rectifications_note({"total": 3, "verified": 1, "done": 1, "in_progress": 1, "open": 0, "overdue": 0}, "en")
    '3 rectification actions: 1 verified, 1 done, 1 in progress, 0 not started; 0 overdue.'
    """
    check_lang(lang)
    return t("audit_report.note.rectifications", lang, **{k: fmt_int(counts[k]) for k in
                                                            ("total", "verified", "done", "in_progress", "open",
                                                             "overdue")})


def disagreement_note(result: AuditResult, lang: str = "zh", threshold: float = 0.25) -> str:
    """Managers vs front line in one sentence (overall scores of each group, flagged items).

    Examples
    --------
    >>> # disagreement_note(res["2026"], "en")
    """
    check_lang(lang)
    o = result.overall
    mg, fl = o.get("score_management", np.nan), o.get("score_front_line", np.nan)
    if pd.isna(mg) or pd.isna(fl):
        return t("audit_report.note.no_disagreement", lang)
    flagged = int(result.disagreement["flag"].sum()) if len(result.disagreement) else 0
    return t("audit_report.note.disagreement", lang, management=fmt_pct(mg, 1), front_line=fmt_pct(fl, 1),
             gap=points_text(mg - fl, lang), threshold=points_text(threshold, lang, signed=False), n=flagged)


def change_table(current: AuditResult, previous: AuditResult, lang: str = "zh",
                 levels: Iterable[str] = ("overall", "area")) -> pd.DataFrame:
    """:func:`~threec_helpers.audits.compare_rounds` for display: title, previous, current, change, bands.

    Returns
    -------
    pandas.DataFrame
        ``level``, ``id``, ``title``, ``previous``, ``current``, ``change`` (0-1), ``change_text``,
        ``band_previous``, ``band_current`` (labels; empty for items).

    Examples
    --------
    >>> # change_table(res["2026"], res["2025"], "en")
    """
    from ..audit.scoring import compare_rounds

    check_lang(lang)
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


def key_figures_table(figures: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The headline figures as a two-column table (``label``, ``text``) for the report.

    Examples
    --------
    >>> kf = [{"key": "k", "label": "Utilisation", "value": 0.9, "text": "90%", "status": "good"}]
    >>> key_figures_table(kf).values.tolist()
    [['Utilisation', '90%']]
    """
    figures = list(figures)
    return pd.DataFrame({"label": [f["label"] for f in figures], "text": [f["text"] for f in figures]})
