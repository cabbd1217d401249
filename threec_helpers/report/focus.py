"""The customer-focus audit's report: managers vs front line, headline and conclusion.

Used by ``notebooks/audits/customer_focus_audit.ipynb``; the factor, item and priority
tables are in :mod:`.audits`, the factors themselves in :mod:`threec_helpers.audit.focus`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..audit.scoring import AuditResult
from ..i18n import check_lang, fmt_pct, t
from .audits import SCORE_TOL, points_text
from .figures import audit_figure


def disagreement_table(current: AuditResult, lang: str = "zh", flagged_only: bool = True) -> pd.DataFrame:
    """Managers vs front line per item (flagged items only by default), largest difference first.

    Parameters
    ----------
    current : AuditResult
        A customer-focus round with respondents' roles.
    lang : {"zh", "en"}
    flagged_only : bool
        Only the items whose groups differ by the flag threshold or more.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``text``, ``management``, ``front_line``, ``difference`` (0-1),
        ``difference_text`` (``'+37.5 points'``), ``flag``.

    See Also
    --------
    disagreement_note : the same in one sentence.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({
    ...     "round": ["2025"] * 2 + ["2026"] * 4, "respondent_id": ["A", "A", "A", "A", "B", "B"],
    ...     "role": ["manager"] * 4 + ["sales"] * 2, "item_id": ["ORG.1", "ORG.2"] * 3,
    ...     "score": [2.0, 3.0, 5.0, 4.0, 2.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> disagreement_table(now, "en")[["item_id", "management", "front_line", "difference_text"]].values.tolist()
    [['ORG.1', 1.0, 0.25, '+75.0 points'], ['ORG.2', 0.75, 0.5, '+25.0 points']]
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


def disagreement_note(result: AuditResult, lang: str = "zh", threshold: float = 0.25) -> str:
    """Managers vs front line in one sentence (overall scores of each group, flagged items).

    Parameters
    ----------
    result : AuditResult
        A customer-focus round.
    lang : {"zh", "en"}
    threshold : float
        The difference (0-1) from which an item is flagged, as the sentence states it.

    Returns
    -------
    str

    See Also
    --------
    disagreement_table : the flagged items.

    Examples
    --------
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({
    ...     "round": ["2025"] * 2 + ["2026"] * 4, "respondent_id": ["A", "A", "A", "A", "B", "B"],
    ...     "role": ["manager"] * 4 + ["sales"] * 2, "item_id": ["ORG.1", "ORG.2"] * 3,
    ...     "score": [2.0, 3.0, 5.0, 4.0, 2.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> disagreement_note(now, "en")
    'Managers score 91.7% overall, front-line staff 33.3%, a gap of +58.3 points; 2 item(s) differ by 25.0 points or more.'
    """
    check_lang(lang)
    o = result.overall
    mg, fl = o.get("score_management", np.nan), o.get("score_front_line", np.nan)
    if pd.isna(mg) or pd.isna(fl):
        return t("audit_report.note.no_disagreement", lang)
    flagged = int(result.disagreement["flag"].sum()) if len(result.disagreement) else 0
    return t("audit_report.note.disagreement", lang, management=fmt_pct(mg, 1), front_line=fmt_pct(fl, 1),
             gap=points_text(mg - fl, lang), threshold=points_text(threshold, lang, signed=False), n=flagged)


def focus_key_figures(result: AuditResult, areas: pd.DataFrame, lang: str = "zh") -> list[dict[str, Any]]:
    """Headline figures of the customer-focus audit.

    Keys ``overall_score`` (0-1), ``band`` (band id, text its label), one per factor
    (``organization``, ``communications``, ``information``: score 0-1, text ``'60.42%'``),
    and ``management_gap`` (management minus front-line overall score, 0-1; only with roles).
    A factor is ``good`` at or above its target, ``bad`` in the lowest band, else ``warn``;
    the management gap is ``warn`` from 10 points on.

    Parameters
    ----------
    result : AuditResult
        The reported round.
    areas : pandas.DataFrame
        :func:`~threec_helpers.report.audits.area_table` of that round.
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        :func:`~threec_helpers.report.figures.audit_figure` records.

    See Also
    --------
    focus_conclusion : the closing sentence.

    Examples
    --------
    >>> from threec_helpers.report.audits import area_table
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({
    ...     "round": ["2025"] * 2 + ["2026"] * 4, "respondent_id": ["A", "A", "A", "A", "B", "B"],
    ...     "role": ["manager"] * 4 + ["sales"] * 2, "item_id": ["ORG.1", "ORG.2"] * 3,
    ...     "score": [2.0, 3.0, 5.0, 4.0, 2.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> [(f["key"], f["text"]) for f in focus_key_figures(now, area_table(now, prev, "en"), "en")][::5]
    [('overall_score', '62.50%'), ('management_gap', '+58.3 points')]
    """
    check_lang(lang)
    o = result.overall
    lowest = str(result.checklist.bands["band"].iloc[0])
    status = "good" if o["score"] >= o["target"] - SCORE_TOL else ("bad" if o["band"] == lowest else "warn")
    out = [audit_figure("overall_score", o["score"], fmt_pct(o["score"]), status, lang),
           audit_figure("band", o["band"], result.checklist.band_label(o["band"], lang), status, lang)]
    bands = result.areas.set_index("area_id")["band"]
    for row in areas.itertuples(index=False):  # three factors
        st = "good" if not row.below_target else ("bad" if bands.get(row.area_id) == lowest else "warn")
        out.append(audit_figure(row.key, row.score, fmt_pct(row.score), st, lang, label=str(row.area)))
    mg, fl = o.get("score_management", np.nan), o.get("score_front_line", np.nan)
    if not (pd.isna(mg) or pd.isna(fl)):
        gap = float(mg - fl)
        out.append(audit_figure("management_gap", gap, points_text(gap, lang), "warn" if abs(gap) >= 0.10 else "neutral",
                       lang))
    return out


def focus_conclusion(result: AuditResult, previous: AuditResult | None, areas: pd.DataFrame,
                     lang: str = "zh") -> str:
    """The audit's closing sentence: score and band, change, weakest factor, managers vs front line, top priority.

    Parameters
    ----------
    result : AuditResult
        The reported round.
    previous : AuditResult or None
        The previous round.
    areas : pandas.DataFrame
        :func:`~threec_helpers.report.audits.area_table` of the reported round.
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    focus_key_figures : the headline figures.

    Examples
    --------
    >>> from threec_helpers.report.audits import area_table
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> res = score_rounds("customer_focus", pd.DataFrame({
    ...     "round": ["2025"] * 2 + ["2026"] * 4, "respondent_id": ["A", "A", "A", "A", "B", "B"],
    ...     "role": ["manager"] * 4 + ["sales"] * 2, "item_id": ["ORG.1", "ORG.2"] * 3,
    ...     "score": [2.0, 3.0, 5.0, 4.0, 2.0, 3.0]}))
    >>> now, prev = res["2026"], res["2025"]
    >>> focus_conclusion(now, prev, area_table(now, prev, "en"), "en")[:64]
    'Customer-focus audit 2026: overall 62.50% (Established); +29.2 p'
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
