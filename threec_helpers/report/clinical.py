"""The clinical quality self-assessment's report: rectifications, headline and conclusion.

Used by ``notebooks/audits/clinical_quality_self_assessment.ipynb``; the area, veto and
indicator tables are in :mod:`.audits`, the rectification status in
:mod:`threec_helpers.audit.rectifications`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..audit.scoring import AuditResult
from ..i18n import check_lang, fmt_int, fmt_pct, t
from .audits import join_list, points_text
from .context import esc
from .iso9001 import objective_trends, readiness_table  # noqa: F401  (the clinical notebook uses both)
from .figures import audit_figure


def rectifications_note(counts: Mapping[str, int], lang: str = "zh") -> str:
    """``'10 rectification actions: 6 verified, 1 done, 2 in progress, 1 not started; 0 overdue.'``

    Parameters
    ----------
    counts : mapping
        :func:`~threec_helpers.audit.rectifications.rectification_counts`.
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> rectifications_note({"total": 3, "verified": 1, "done": 1, "in_progress": 1, "open": 0, "overdue": 0}, "en")
    '3 rectification actions: 1 verified, 1 done, 1 in progress, 0 not started; 0 overdue.'
    """
    check_lang(lang)
    return t("audit_report.note.rectifications", lang, **{k: fmt_int(counts[k]) for k in
                                                            ("total", "verified", "done", "in_progress", "open",
                                                             "overdue")})


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
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        Keys ``overall_score`` (0-1), ``grade`` (band id, text its label),
        ``vetoes_failed``, ``areas_below_target``, ``open_rectifications``, ``indicators_met``.

    See Also
    --------
    clinical_conclusion : the closing sentence.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> from threec_helpers.report.audits import area_table
    >>> res = score_rounds("obstetrics_quality", pd.DataFrame({"round": ["2025H2"] * 2 + ["2026H2"] * 2,
    ...                    "item_id": ["OB.2.3", "OB.3.1"] * 2, "score": [1.0, 0.0, 0.0, 1.0]}))
    >>> now, prev = res["2026H2"], res["2025H2"]
    >>> counts = {"total": 3, "verified": 1, "done": 0, "in_progress": 1, "open": 1, "overdue": 1, "open_total": 2}
    >>> indicators = pd.DataFrame({"objective": ["A", "B"], "met": pd.array([True, False], dtype="boolean")})
    >>> figures = clinical_key_figures(now, area_table(now, prev, "en"), counts, indicators, "en")
    >>> [(f["key"], f["text"], f["status"]) for f in figures][:3]
    [('overall_score', '50.00%', 'bad'), ('grade', 'Unqualified', 'bad'), ('vetoes_failed', '1/3', 'bad')]
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
        audit_figure("overall_score", o["score"], fmt_pct(o["score"]), status, lang),
        audit_figure("grade", o["band"], result.checklist.band_label(o["band"], lang), status, lang),
        audit_figure("vetoes_failed", failed, t("audit_report.kf.of", lang, n=failed, total=n_veto),
            "bad" if failed else ("good" if n_veto else "neutral"), lang),
        audit_figure("areas_below_target", below, t("audit_report.kf.of", lang, n=below, total=len(areas)),
            "warn" if below else "good", lang),
    ]
    if rect is not None:
        out.append(audit_figure("open_rectifications", rect["open_total"], fmt_int(rect["open_total"]),
                       "bad" if rect["overdue"] else ("warn" if rect["open_total"] else "good"), lang))
    out.append(audit_figure("indicators_met", met, t("audit_report.kf.of", lang, n=met, total=assessed),
                   "good" if assessed and met == assessed else ("warn" if assessed else "neutral"), lang))
    return out


def clinical_conclusion(result: AuditResult, previous: AuditResult | None, areas: pd.DataFrame,
                        rect: Mapping[str, int] | None, indicators: pd.DataFrame, period_id: str,
                        lang: str = "zh", verdict: Any = None) -> str:
    """The self-assessment's closing sentence, e.g. ``'Self-assessment round 2026H2: overall 88.17% (Qualified), passed; …'``.

    With ``verdict`` (:func:`~threec_helpers.audit.certification.assess_self_assessment`) the
    sentence gives the score and grade only and ends with the verdict and what it rests on
    (``'… Conclusion: Passed with conditions; still to do: …'``): the score's own pass mark
    (``passed``) is left out, so that "passed" and "passed with conditions" are not both said.

    Parameters
    ----------
    result : AuditResult
        The reported round.
    previous : AuditResult or None
        The previous round.
    areas : pandas.DataFrame
        :func:`~threec_helpers.report.audits.area_table` of the reported round.
    rect : mapping or None
        :func:`~threec_helpers.audit.rectifications.rectification_counts`.
    indicators : pandas.DataFrame
        :func:`~threec_helpers.report.audits.objectives_table` of the monthly indicators.
    period_id : str
        The indicators' period.
    lang : {"zh", "en"}
    verdict : Readiness, optional
        The self-assessment's verdict.

    Returns
    -------
    str

    See Also
    --------
    clinical_key_figures : the headline figures.
    verdict_paragraphs : the verdict and its rules in full.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> from threec_helpers.report.audits import area_table
    >>> res = score_rounds("obstetrics_quality", pd.DataFrame({"round": ["2025H2"] * 2 + ["2026H2"] * 2,
    ...                    "item_id": ["OB.2.3", "OB.3.1"] * 2, "score": [1.0, 0.0, 0.0, 1.0]}))
    >>> now, prev = res["2026H2"], res["2025H2"]
    >>> counts = {"total": 3, "verified": 1, "done": 0, "in_progress": 1, "open": 1, "overdue": 1, "open_total": 2}
    >>> indicators = pd.DataFrame({"objective": ["A", "B"], "met": pd.array([True, False], dtype="boolean")})
    >>> clinical_conclusion(now, prev, area_table(now, prev, "en"), counts, indicators, "2026-10", "en")[:67]
    'Self-assessment round 2026H2: overall 50.00% (Unqualified), failed;'

    With the verdict, the grade and the conclusion each said once, the condition named:

    >>> from threec_helpers.audit.certification import assess_self_assessment
    >>> ok = score_rounds("obstetrics_quality", pd.DataFrame({"round": ["2026H2"] * 2, "item_id": ["OB.2.3", "OB.3.1"],
    ...                                                       "score": [1.0, 1.0]}))["2026H2"]
    >>> areas = area_table(ok, None, "en")
    >>> v = assess_self_assessment(vetoes_failed=[], areas=areas, weak_items=[], rectifications=None,
    ...                            indicators=indicators, lang="en")
    >>> text = clinical_conclusion(ok, None, areas, None, indicators, "2026-10", "en", verdict=v)
    >>> text[:58]
    'Self-assessment round 2026H2: overall 100.00% (Excellent);'
    >>> text[text.index("Conclusion"):]
    "Conclusion: Passed with conditions; still to do: Every monthly indicator at the provincial standard's target (B)."
    """
    check_lang(lang)
    o = result.overall
    sep = t("audit_report.conclusion.sep", lang)
    grade = result.checklist.band_label(o["band"], lang)
    if verdict is None:
        parts = [t("audit_report.conclusion.clinical", lang, round=result.round or "", score=fmt_pct(o["score"]),
                   grade=grade, status=t(f"audits.status.{o['status']}", lang))]
    else:
        parts = [t("audit_report.conclusion.clinical_score", lang, round=result.round or "", score=fmt_pct(o["score"]),
                   grade=grade)]
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
    text = sep.join(parts) + t("audit_report.conclusion.end", lang)
    if verdict is not None:
        text += ("" if lang == "zh" else " ") + verdict_sentence(verdict, lang)
    return text


def verdict_sentence(verdict: Any, lang: str = "zh") -> str:
    """The verdict in one sentence with what it rests on: ``'Conclusion: Passed with conditions; still to do: …'``.

    Parameters
    ----------
    verdict : Readiness
        :func:`~threec_helpers.audit.certification.assess_self_assessment`.
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> from threec_helpers.audit.certification import Readiness
    >>> v = Readiness("passed_with_conditions", pd.DataFrame({"rule": ["no_overdue_rectification"],
    ...     "severity": ["condition"], "clause": [""], "passed": [False], "detail": ["RA-1"]}))
    >>> verdict_sentence(v, "en")
    'Conclusion: Passed with conditions; still to do: No overdue rectification (RA-1).'
    >>> verdict_sentence(Readiness("passed", v.checks.assign(passed=True)), "zh")
    '结论：自评合格。'
    """
    check_lang(lang)
    status = t(f"certification.status.{verdict.status}", lang)
    c = verdict.checks
    severity = {"failed": "blocking", "passed_with_conditions": "condition"}.get(verdict.status)
    failed = c[~c["passed"].astype(bool) & (c["severity"] == severity)] if severity and len(c) else c.iloc[0:0]
    if not len(failed):
        return t("certification.note.readiness", lang, status=status)
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    items = [f"{t(f'certification.rule.{r}', lang)}{open_}{d}{close}" for r, d in zip(failed["rule"], failed["detail"])]
    return t(f"certification.note.clinical_verdict_{verdict.status}", lang, status=status, items=join_list(items, lang))


def purposes_paragraphs(checklist: Any, lang: str = "zh") -> list[str]:
    """The assessment's purposes (the checklist's ``purposes``) and its five areas, as sentences.

    Parameters
    ----------
    checklist : Checklist
        The self-assessment checklist (:func:`~threec_helpers.audit.checklists.load_checklist`).

    Examples
    --------
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> p = purposes_paragraphs(load_checklist("obstetrics_quality"), "en")
    >>> p[0], p[1][:40], len(p)
    ("The assessment's purposes:", '1. Find the weak links of the obstetric ', 6)
    """
    check_lang(lang)
    out = []
    if checklist.purposes:
        out.append(t("certification.note.purposes", lang))
        out += [f"{i}. {esc(p[lang])}" for i, p in enumerate(checklist.purposes, start=1)]
    areas = [esc(a) for a in checklist.areas[f"area_title_{lang}"]]
    out.append(t("certification.note.areas_intro", lang, areas=join_list(areas, lang)))
    return out


def verdict_paragraphs(verdict: Any, lang: str = "zh") -> list[str]:
    """The self-assessment's conclusion from :func:`~threec_helpers.audit.certification.assess_self_assessment`.

    Parameters
    ----------
    verdict : Readiness
        The self-assessment's verdict.
    lang : {"zh", "en"}

    Examples
    --------
    >>> from threec_helpers.audit.certification import Readiness
    >>> v = Readiness("failed", pd.DataFrame({"rule": ["no_veto_failed"], "severity": ["blocking"], "clause": [""],
    ...                                       "passed": [False], "detail": ["OB.3.1"]}))
    >>> verdict_paragraphs(v, "en")[:2]
    ['Conclusion: Failed.', 'Why it failed: No one-vote veto item failed (OB.3.1).']
    """
    check_lang(lang)
    out = [t("certification.note.readiness", lang, status=t(f"certification.status.{verdict.status}", lang))]
    c = verdict.checks
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    for severity, key in (("blocking", "clinical_blocking"), ("condition", "clinical_conditions")):
        failed = c[~c["passed"] & (c["severity"] == severity)]
        if len(failed):
            items = [f"{t(f'certification.rule.{r}', lang)}{open_}{d}{close}" for r, d in zip(failed["rule"], failed["detail"])]
            out.append(t(f"certification.note.{key}", lang, items=join_list(items, lang)))
    out.append(t("certification.note.clinical_rules", lang))
    return out


def area_items_table(current: AuditResult, previous: AuditResult | None = None, lang: str = "zh") -> pd.DataFrame:
    """Every item of the five areas with its score, target, gap and previous round, as percent text.

    Parameters
    ----------
    current : AuditResult
        The scored audit (:func:`~threec_helpers.audit.scoring.score_responses`).
    previous : AuditResult, optional
        The previous round.
    lang : {"zh", "en"}

    Examples
    --------
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> from threec_helpers.audit.scoring import score_responses
    >>> cl = load_checklist("obstetrics_quality")
    >>> res = score_responses(cl, pd.DataFrame({"item_id": ["OB.1.1"], "score": [8.0]}))
    >>> area_items_table(res, None, "en").iloc[0][["item_id", "score", "target"]].tolist()
    ['OB.1.1', '80.0%', '80.0%']
    """
    from .audits import item_table

    it = item_table(current, previous, lang)
    pct = lambda s: [fmt_pct(v, 1) if pd.notna(v) else "–" for v in s]  # noqa: E731
    return pd.DataFrame({"area": it["area"].to_numpy(), "item_id": it["item_id"].to_numpy(), "text": it["text"].to_numpy(),
                         "score": pct(it["score"]), "target": pct(it["target"]), "gap": pct(it["gap"]),
                         "previous": pct(it["previous"])})
