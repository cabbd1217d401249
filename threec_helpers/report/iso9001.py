"""The ISO 9001 certification audit's report: organisation, documents, findings, headline.

Used by ``notebooks/audits/iso9001_certification_audit.ipynb``; the shared tables
(objectives, control charts) are in :mod:`.audits`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..audit.findings import date_text
from ..audit.objectives import localized
from ..i18n import check_lang, fmt_int, fmt_pct, has_key, t
from .audits import SCORE_TOL, join_list
from .context import esc
from .figures import audit_figure


def org_overview_table(rates: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The organisation overview for display: label, formatted value and, for derived rates, the formula.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`~threec_helpers.objectives.org_rates` output (made in the same ``lang``).
    lang : {"zh", "en"}

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
    label = localized(rates, "label", lang)
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
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    org_overview_table : the same facts as a table.

    Examples
    --------
    >>> ov = pd.DataFrame({"label": ["Lines", "Utilisation"], "text": ["51,084", "92.42%"],
    ...                    "formula": ["", "47,213 / 51,084"]})
    >>> org_sentence(ov, "Branch", "en")
    'Branch: Lines 51,084, Utilisation 92.42% (47,213 / 51,084).'
    """
    check_lang(lang)
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    facts = [f"{esc(lab)} {esc(txt)}" + (f"{open_}{esc(f)}{close}" if isinstance(f, str) and f else "")
             for lab, txt, f in zip(overview["label"], overview["text"], overview["formula"])]
    return t("audit_report.note.org_intro", lang, name=esc(name), facts=join_list(facts, lang))


def documents_table(counts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The document register counts for display: ``category``, ``label``, ``count``.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`~threec_helpers.objectives.document_register_counts` output.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

    See Also
    --------
    documents_sentence : the same in one sentence.

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

    Parameters
    ----------
    frame : pandas.DataFrame
    label_col : str
        The column that reads ``Total`` in the new row.
    count_cols : iterable of str
        The columns summed.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

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

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`documents_table` (``label``, ``count``).
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    documents_table : the same counts as a table.

    Examples
    --------
    >>> df = pd.DataFrame({"label": ["regulations", "workflows"], "count": [33, 22]})
    >>> documents_sentence(df, "en")
    'The basic management manual holds 55 documents: 33 regulations, 22 workflows.'
    """
    parts = [t("audit_report.doc_part", lang, label=lab if lang == "zh" else str(lab).lower(), count=fmt_int(c))
             for lab, c in zip(table["label"], table["count"])]
    return t("audit_report.note.documents", lang, total=fmt_int(table["count"].sum()), parts=join_list(parts, lang))


def open_findings_table(open_findings: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The open findings for display, most overdue first (``FindingsSummary.open_findings``).

    Parameters
    ----------
    open_findings : pandas.DataFrame
        ``FindingsSummary.open_findings``
        (:func:`~threec_helpers.audit.findings.findings_summary`).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``finding_id``, ``round``, ``clause``, ``grade`` (label), ``department``,
        ``description``, ``corrective_action``, ``owner``, ``due`` (text), ``days_open``,
        ``overdue`` (bool).

    See Also
    --------
    findings_note : the register in one sentence.

    Examples
    --------
    >>> from threec_helpers.audit.findings import findings_summary
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 2.0], "clause": ["7.5", "9.2"],
    ...                   "grade": ["minor", "observation"], "department": ["a", "b"],
    ...                   "raised": pd.to_datetime(["2026-07-21", "2026-09-22"]),
    ...                   "due": pd.to_datetime(["2026-08-20", "2026-10-15"]),
    ...                   "closed": pd.to_datetime(["2026-08-15", None])})
    >>> summary = findings_summary(f, "2026-10-31")
    >>> open_findings_table(summary.open_findings, "en")[["finding_id", "grade", "due", "overdue"]].values.tolist()
    [['F2', 'Observation', '2026-10-15', True]]
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
        "due": date_text(f["due"]).to_numpy(), "days_open": f["days_open"].to_numpy(),
        "overdue": f["is_overdue"].to_numpy(bool),
    })


def findings_note(counts: Mapping[str, Any], n_rounds: int, as_of: Any, lang: str = "zh") -> str:
    """The findings register in one sentence (``FindingsSummary.counts``).

    Parameters
    ----------
    counts : mapping
        ``FindingsSummary.counts``.
    n_rounds : int
        Internal audit rounds in the register.
    as_of : date-like
        The date the register is read at.
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    open_findings_table : the findings still open.

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
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        Keys ``utilisation`` (0-1), ``objectives_met`` (met count, text ``'8/8'``),
        ``satisfaction``, ``open_findings``, ``closure_rate`` (0-1), ``documents`` (total).

    See Also
    --------
    iso_conclusion : the closing sentence made from these figures.

    Examples
    --------
    >>> from threec_helpers.objectives import org_rates
    >>> prof = pd.DataFrame({"metric": ["capacity_lines", "lines_in_service"], "value": [51084.0, 47213.0]})
    >>> overview = org_overview_table(org_rates(prof, "en"), "en")
    >>> objectives = pd.DataFrame({"met": pd.array([True, True], dtype="boolean")})
    >>> docs = pd.DataFrame({"category": ["record"], "label": ["Quality records"], "count": [91]})
    >>> counts = {"open": 1, "overdue": 0, "closure_rate": 0.5}
    >>> [(f["key"], f["text"]) for f in iso_key_figures(overview, objectives, docs, counts, None, "en")]
    [('utilisation', '92.42%'), ('objectives_met', '2/2'), ('open_findings', '1'), ('closure_rate', '50.0%'), ('documents', '91')]
    """
    check_lang(lang)
    out = []
    util = overview[overview["metric"] == "utilisation"]
    if len(util):
        row = util.iloc[0]
        out.append(audit_figure("utilisation", float(row["value"]) / 100, str(row["text"]), "neutral", lang,
                       label=str(row["label"])))
    met_col = objectives["met"].astype("boolean")
    met, assessed = int(met_col.fillna(False).sum()), int(met_col.notna().sum())
    out.append(audit_figure("objectives_met", met, t("audit_report.kf.of", lang, n=met, total=assessed),
                   "good" if assessed and met == assessed else ("bad" if assessed else "neutral"), lang))
    if satisfaction is not None:
        ok = satisfaction.get("met")
        status = "neutral" if ok is None or ok is pd.NA else ("good" if bool(ok) else "bad")
        name = satisfaction.get(f"name_{lang}") or satisfaction.get("name_zh")
        out.append(audit_figure("satisfaction", float(satisfaction["actual"]), str(satisfaction["actual_text"]), status, lang,
                       label=str(name) if isinstance(name, str) and name else None))
    if counts is not None:
        n_open = int(counts["open"])
        status = "bad" if counts.get("overdue", 0) or counts.get("major_open", 0) else ("warn" if n_open else "good")
        out.append(audit_figure("open_findings", n_open, fmt_int(n_open), status, lang))
        rate = counts["closure_rate"]
        out.append(audit_figure("closure_rate", rate, fmt_pct(rate, 1), "good" if not pd.isna(rate) and rate >= 1 - SCORE_TOL
                       else "neutral", lang))
    out.append(audit_figure("documents", int(documents["count"].sum()), fmt_int(documents["count"].sum()), "neutral", lang))
    return out


def iso_conclusion(key_figures: list[dict[str, Any]], counts: Mapping[str, Any] | None, lang: str = "zh") -> str:
    """The briefing's closing sentence from its key figures, e.g. ``'8 of 8 quality objectives met; …'``.

    Parameters
    ----------
    key_figures : list of dict
        :func:`iso_key_figures`.
    counts : mapping or None
        ``FindingsSummary.counts``.
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    iso_key_figures : the figures this sentence is made from.

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
