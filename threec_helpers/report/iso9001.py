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


def with_audited_clauses(coverage: pd.DataFrame, programme: pd.DataFrame | None, as_of: Any,
                         lang: str = "zh") -> pd.DataFrame:
    """The findings per chapter with the clauses the internal audits audited in each (column ``audited``).

    The findings table counts findings, not what was audited: a chapter with no finding may
    have been audited without one, or not at all. ``audited`` says which (from table
    ``audit_programme``; ``–`` for every chapter when there is none, ``无``/``none`` for a
    chapter no round audited).

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`~threec_helpers.audit.findings.clause_coverage` (``chapter``...).
    programme : pandas.DataFrame or None
        Table ``audit_programme``.
    as_of : date-like
        The report date (rounds planned after it are not counted).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> cov = pd.DataFrame({"chapter": ["7", "8"], "total": [1, 0]})
    >>> prog = pd.DataFrame({"round": [1, 1], "clause": ["7.5.3", "7.2"]})
    >>> with_audited_clauses(cov, prog, "2026-10-31", "en")["audited"].tolist()
    ['7.2, 7.5.3', 'none']
    >>> with_audited_clauses(cov, None, "2026-10-31", "en")["audited"].tolist()
    ['–', '–']
    """
    from ..audit.certification import audited_clauses

    check_lang(lang)
    if programme is None or not len(programme):
        return coverage.assign(audited="–")
    audited = audited_clauses(programme, as_of)
    sep = "、" if lang == "zh" else ", "
    none = t("certification.detail.none", lang)
    return coverage.assign(audited=[sep.join(audited.get(str(c), [])) or none for c in coverage["chapter"]])


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


def iso_conclusion(key_figures: list[dict[str, Any]], counts: Mapping[str, Any] | None, lang: str = "zh",
                   readiness: Any = None) -> str:
    """The briefing's closing sentence from its key figures, e.g. ``'8 of 8 quality objectives met; …'``.

    With ``readiness`` (:func:`~threec_helpers.audit.certification.assess_readiness`) the
    readiness conclusion follows (``'… Conclusion: Ready with conditions.'``).

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
    text = t("audit_report.conclusion.sep", lang).join(parts) + t("audit_report.conclusion.end", lang)
    if readiness is not None:
        text += ("" if lang == "zh" else " ") + readiness_paragraphs(readiness, lang)[0]
    return text


# ---------------------------------------------------------------------------------------------
# The parts of a real on-site audit briefing beyond figures (issue 17): policy and scope, how the
# system was built and run, training, management review, effects, readiness. Each helper returns
# display-ready frames or sentences in the report's language; client text is HTML-escaped.


def policy_paragraphs(cert: Any, lang: str = "zh") -> list[str]:
    """Quality policy, objectives statement, scope, sites and exclusions as sentences.

    Parameters
    ----------
    cert : Certification or None
        ``ClientConfig.certification`` (:class:`~threec_helpers.inputs.config.Certification`).

    Examples
    --------
    >>> from threec_helpers.inputs.config import Certification, Site
    >>> c = Certification(quality_policy={"en": "Customers first."}, scope={"en": "Fixed-line services"},
    ...                   sites=(Site({"en": "Head office"}),))
    >>> policy_paragraphs(c, "en")
    ['Quality policy: Customers first.', 'Scope of certification (ISO 9001:2015): Fixed-line services', '1 sites in scope: Head office.', 'No requirement excluded.']
    """
    check_lang(lang)
    if cert is None:
        return [t("certification.note.no_policy", lang)]
    out = []
    for name, key in (("quality_policy", "policy"), ("objectives_statement", "objectives_statement")):
        text = cert.text(name, lang)
        if text:
            out.append(t(f"certification.note.{key}", lang, text=esc(text)))
    if cert.text("scope", lang):
        out.append(t("certification.note.scope", lang, standard=esc(cert.standard), text=esc(cert.text("scope", lang))))
    if cert.sites:
        out.append(t("certification.note.sites", lang, n=len(cert.sites),
                     names=join_list([esc(s.label(lang)) for s in cert.sites], lang)))
    if cert.exclusions:
        items = [t("certification.note.exclusion_item", lang, clause=esc(e.clause),
                   reason=esc(e.reason.get(lang) or next(iter(e.reason.values()), ""))) for e in cert.exclusions]
        out.append(t("certification.note.exclusions", lang, items=join_list(items, lang)))
    else:
        out.append(t("certification.note.no_exclusions", lang))
    return out


def milestones_table(milestones: pd.DataFrame) -> pd.DataFrame:
    """The milestones in date order, dates as text: ``date``, ``milestone``, ``owner``, ``evidence``.

    Parameters
    ----------
    milestones : pandas.DataFrame
        The client's milestones table.

    Examples
    --------
    >>> m = pd.DataFrame({"date": pd.to_datetime(["2026-08-01", "2026-07-05"]), "milestone": ["b", "a"],
    ...                   "owner": ["x", "y"]})
    >>> milestones_table(m)[["date", "milestone"]].values.tolist()
    [['2026-07-05', 'a'], ['2026-08-01', 'b']]
    """
    m = milestones.sort_values("date", kind="stable")
    return pd.DataFrame({"date": date_text(m["date"]).to_numpy(), "milestone": m["milestone"].to_numpy(),
                         "owner": m["owner"].to_numpy(),
                         "evidence": (m["evidence"] if "evidence" in m.columns else pd.Series([None] * len(m))).to_numpy()})


def programme_paragraphs(cert: Any, milestones: pd.DataFrame | None, overview: pd.DataFrame | None,
                         lang: str = "zh") -> list[str]:
    """How the system was built and run: start, milestones reached, leadership, quality staff.

    Parameters
    ----------
    cert : Certification or None
    milestones : pandas.DataFrame or None
        Table ``milestones``.
    overview : pandas.DataFrame or None
        :func:`org_overview_table` (its ``quality_staff`` row, when given).

    Examples
    --------
    >>> m = pd.DataFrame({"date": pd.to_datetime(["2026-07-05", "2026-10-20"]), "milestone": ["a", "b"]})
    >>> programme_paragraphs(None, m, None, "en")
    ['The certification programme started on 2026-07-05; 2 milestones were reached by 2026-10-20.']
    """
    check_lang(lang)
    out = []
    if milestones is not None and len(milestones):
        dates = pd.to_datetime(milestones["date"])
        start = cert.programme_start if cert is not None and cert.programme_start else dates.min().date()
        out.append(t("certification.note.programme", lang, start=pd.Timestamp(start).strftime("%Y-%m-%d"),
                     n=len(milestones), end=dates.max().strftime("%Y-%m-%d")))
    if cert is not None and cert.text("leadership", lang):
        out.append(t("certification.note.leadership", lang, text=esc(cert.text("leadership", lang))))
    if overview is not None and len(overview):
        staff = overview[overview["metric"] == "quality_staff"]
        if len(staff):
            out.append(t("certification.note.staff", lang, n=fmt_int(staff.iloc[0]["value"])))
    return out


def training_table(training: pd.DataFrame) -> pd.DataFrame:
    """The training sessions in date order (dates and the exam pass rate as text; ``–`` without an exam).

    Parameters
    ----------
    training : pandas.DataFrame
        The client's training records.

    Examples
    --------
    >>> tr = pd.DataFrame({"date": pd.to_datetime(["2026-08-10"]), "topic": ["ISO 9001"], "attendees": [126],
    ...                    "exam_pass_rate": [0.96]})
    >>> r = training_table(tr).iloc[0]
    >>> r["date"], int(r["attendees"]), r["exam_pass_rate"]
    ('2026-08-10', 126, '96.0%')
    """
    tr = training.sort_values("date", kind="stable")

    def col(name: str) -> Any:
        return tr[name].to_numpy() if name in tr.columns else [None] * len(tr)

    return pd.DataFrame({"date": date_text(tr["date"]).to_numpy(), "topic": col("topic"), "audience": col("audience"),
                         "attendees": pd.to_numeric(tr["attendees"]).astype("Int64").to_numpy(),
                         "headcount": pd.to_numeric(pd.Series(col("headcount")), errors="coerce").astype("Int64").to_numpy(),
                         "exam_pass_rate": [fmt_pct(v, 1) if pd.notna(v) else "–" for v in
                                            pd.to_numeric(pd.Series(col("exam_pass_rate")), errors="coerce")]})


def training_sentence(summary: Mapping[str, Any], lang: str = "zh") -> str:
    """:func:`~threec_helpers.audit.certification.training_summary` in one sentence.

    Parameters
    ----------
    summary : dict
        :func:`~threec_helpers.audit.certification.training_summary`.
    lang : {"zh", "en"}

    Examples
    --------
    >>> s = {"sessions": 2, "attendees": 150, "exams": 1, "examined": 126, "pass_rate": 0.96, "coverage": float("nan")}
    >>> training_sentence(s, "en")
    '2 training sessions, 150 attendances; 1 with an exam (126 examined), pass rate 96.0%.'
    """
    check_lang(lang)
    if not summary["sessions"]:
        return t("certification.note.no_training", lang)
    text = t("certification.note.training", lang, sessions=fmt_int(summary["sessions"]),
             attendees=fmt_int(summary["attendees"]), exams=fmt_int(summary["exams"]),
             examined=fmt_int(summary["examined"]),
             pass_rate=fmt_pct(summary["pass_rate"], 1) if not pd.isna(summary["pass_rate"]) else "–")
    if not pd.isna(summary["coverage"]):
        text += ("" if lang == "zh" else " ") + t("certification.note.training_coverage", lang,
                                                  coverage=fmt_pct(summary["coverage"], 1))
    return text


def review_table(coverage: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`~threec_helpers.audit.certification.review_coverage` with the kind labelled.

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`~threec_helpers.audit.certification.review_coverage`.
    lang : {"zh", "en"}

    Examples
    --------
    >>> cov = pd.DataFrame({"clause": ["9.3.2 a)"], "kind": ["input"], "item": ["x"], "covered": [True],
    ...                     "record": ["done"]})
    >>> review_table(cov, "en")["kind_label"].tolist()
    ['Input']
    """
    check_lang(lang)
    return coverage.assign(kind_label=[t(f"certification.kind.{k}", lang) for k in coverage["kind"]])


def review_paragraphs(review: pd.Series | None, coverage: pd.DataFrame, lang: str = "zh") -> list[str]:
    """The management review in sentences; its absence said as the veto it is.

    Parameters
    ----------
    review : pandas.Series or None
        The latest management review (None: none held).
    coverage : pandas.DataFrame
        Its coverage of the clause 9.3.2 inputs and 9.3.3 outputs.
    lang : {"zh", "en"}

    Examples
    --------
    >>> review_paragraphs(None, pd.DataFrame({"kind": [], "covered": []}), "en")[0][:40]
    'No management review in the last 12 mont'
    """
    check_lang(lang)
    if review is None:
        return [t("certification.note.no_review", lang)]
    cov = coverage["covered"].astype(bool)
    out = [t("certification.note.review", lang, date=pd.Timestamp(review["date"]).strftime("%Y-%m-%d"),
             chair=esc(review.get("chair", "")), inputs=int((cov & (coverage["kind"] == "input")).sum()),
             outputs=int((cov & (coverage["kind"] == "output")).sum()))]
    actions = review.get("actions")
    if isinstance(actions, str) and actions.strip():
        out.append(t("certification.note.review_actions", lang, text=esc(actions.strip())))
    return out


def baseline_table(comparison: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`~threec_helpers.audit.certification.baseline_comparison` with the effect labelled.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The before-vs-after comparison of the objectives.
    lang : {"zh", "en"}

    Examples
    --------
    >>> c = pd.DataFrame({"objective": ["x"], "effect": ["now_met"]})
    >>> baseline_table(c, "en")["effect_label"].tolist()
    ['Now met (missed before)']
    """
    check_lang(lang)
    return comparison.assign(effect_label=[t(f"certification.effect.{e}", lang) for e in comparison["effect"]])


def effects_paragraphs(comparison: pd.DataFrame | None, baseline: tuple[str, str] | None, lang: str = "zh") -> list[str]:
    """Before vs after in words and numbers: how many objectives improved, and which changed.

    Parameters
    ----------
    comparison : pandas.DataFrame or None
        The before-vs-after comparison (None: no baseline data).
    baseline : tuple of str or None
        ``(first, last)`` month of the baseline period.
    lang : {"zh", "en"}

    Examples
    --------
    >>> c = pd.DataFrame({"objective": ["Timeliness", "Answer time"], "baseline": ["99.2%", "7 s"],
    ...                   "current": ["100%", "7 s"], "effect": ["improved", "kept"]})
    >>> effects_paragraphs(c, ("2025-07", "2026-06"), "en")[0]
    'Against the baseline before certification (2025-07 to 2026-06): 1 improved, 1 kept, 0 worse.'
    """
    check_lang(lang)
    if comparison is None or baseline is None:
        return [t("certification.note.no_baseline", lang)]
    n = comparison["effect"].value_counts()
    # "0 now met after being missed" says nothing: that count only when there is one
    counts = [t(f"certification.note.effects_count.{e}", lang, n=int(n.get(e, 0)))
              for e in ("improved", "now_met", "kept", "worse") if e != "now_met" or n.get(e, 0)]
    out = [t("certification.note.effects", lang, first=baseline[0], last=baseline[1],
             counts=t("certification.note.effects_sep", lang).join(counts))]
    changed = comparison[comparison["effect"].isin(["improved", "now_met", "worse"])]
    if len(changed):
        items = [t("certification.note.effects_item", lang, name=esc(r["objective"]), before=r["baseline"],
                   after=r["current"]) for _, r in changed.iterrows()]
        out.append(join_list(items, lang) + ("。" if lang == "zh" else "."))
    return out


def readiness_table(readiness: Any, lang: str = "zh") -> pd.DataFrame:
    """The readiness rules, each with its label, severity, result and what was found.

    Parameters
    ----------
    readiness : Readiness
        :func:`~threec_helpers.audit.certification.assess_readiness`.

    Examples
    --------
    >>> from threec_helpers.audit.certification import Readiness
    >>> r = Readiness("ready", pd.DataFrame({"rule": ["no_open_major"], "severity": ["blocking"], "clause": ["10.2"],
    ...                                      "passed": [True], "detail": ["0"]}))
    >>> readiness_table(r, "en")[["rule_label", "severity_label"]].values.tolist()
    [['No open major finding', 'Blocking']]

    A rule not assessed shows no pass or fail (``passed`` empty), only why:

    >>> r = Readiness("ready_with_conditions", pd.DataFrame({"rule": ["audit_coverage"], "severity": ["condition"],
    ...     "clause": ["9.2.2"], "passed": [False], "detail": ["not assessed"], "assessed": [False]}))
    >>> readiness_table(r, "en")["passed"].tolist()
    [None]
    """
    check_lang(lang)
    c = readiness.checks
    out = c.assign(rule_label=[t(f"certification.rule.{r}", lang) for r in c["rule"]],
                   severity_label=[t(f"certification.severity.{s}", lang) for s in c["severity"]])
    if "assessed" in c.columns:  # not assessed is neither a pass nor a fail
        out["passed"] = [bool(p) if bool(a) else None for p, a in zip(c["passed"], c["assessed"])]
    return out


def readiness_paragraphs(readiness: Any, lang: str = "zh") -> list[str]:
    """The readiness statement: the conclusion, what blocks it or its conditions, and the rules.

    Parameters
    ----------
    readiness : Readiness
        The certification readiness verdict.
    lang : {"zh", "en"}

    Examples
    --------
    >>> from threec_helpers.audit.certification import Readiness
    >>> r = Readiness("not_ready", pd.DataFrame({"rule": ["no_open_major"], "severity": ["blocking"],
    ...                                          "clause": ["10.2"], "passed": [False], "detail": ["1 major finding(s) open"]}))
    >>> readiness_paragraphs(r, "en")[:2]
    ['Conclusion: Not ready.', 'What blocks readiness: No open major finding (1 major finding(s) open).']
    """
    check_lang(lang)
    out = [t("certification.note.readiness", lang, status=t(f"certification.status.{readiness.status}", lang))]
    c = readiness.checks
    assessed = c["assessed"].astype(bool) if "assessed" in c.columns else pd.Series(True, index=c.index)
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    for severity, key in (("blocking", "readiness_blocking"), ("condition", "readiness_conditions")):
        failed = c[assessed & ~c["passed"].astype(bool) & (c["severity"] == severity)]
        if len(failed):
            items = [f"{t(f'certification.rule.{r}', lang)}{open_}{d}{close}" for r, d in zip(failed["rule"], failed["detail"])]
            out.append(t(f"certification.note.{key}", lang, items=join_list(items, lang)))
    unknown = c[~assessed]
    if len(unknown):  # never silently passed: named, with what is missing
        items = [f"{t(f'certification.rule.{r}', lang)}{open_}{d}{close}" for r, d in zip(unknown["rule"], unknown["detail"])]
        out.append(t("certification.note.readiness_not_assessed", lang, items=join_list(items, lang)))
    out.append(t("certification.note.readiness_rules", lang))
    return out


def readiness_figure(readiness: Any, lang: str = "zh") -> dict[str, Any]:
    """The readiness conclusion as a headline figure (good / warn / bad).

    Parameters
    ----------
    readiness : Readiness
        The certification readiness verdict.
    lang : {"zh", "en"}

    Examples
    --------
    >>> from threec_helpers.audit.certification import Readiness
    >>> f = readiness_figure(Readiness("ready_with_conditions", pd.DataFrame()), "en")
    >>> f["text"], f["status"]
    ('Ready with conditions', 'warn')
    """
    status = {"ready": "good", "ready_with_conditions": "warn", "not_ready": "bad"}[readiness.status]
    return audit_figure("readiness", readiness.status, t(f"certification.status.{readiness.status}", lang), status, lang,
                        label=t("certification.kf.readiness", lang))


def objective_trends(objectives: pd.DataFrame, measurements: pd.DataFrame, until: Any, lang: str = "zh",
                     months: int = 12) -> list[dict[str, Any]]:
    """Each objective's monthly actual over the ``months`` months up to ``until``, for small charts.

    ``until`` is a month (``"2026-10"``), a date or a :class:`~threec_helpers.inputs.config.Period`
    (its end month).

    Returns
    -------
    list of dict
        ``objective_id``, ``objective`` (name), ``unit``, ``comparator``, ``target``,
        ``months`` (``YYYY-MM``), ``values`` (float or None), ``met`` (bool or None).

    Parameters
    ----------
    objectives : pandas.DataFrame
        The quality objectives.
    measurements : pandas.DataFrame
        Their monthly measurements.
    until : str, date or Period
        The last month shown (see above).
    lang : {"zh", "en"}
    months : int
        How many months are shown.

    Examples
    --------
    >>> obj = pd.DataFrame({"objective_id": ["T"], "name_zh": ["应答时限"], "unit": ["seconds"],
    ...                     "comparator": ["<="], "target": [10.0]})
    >>> kpi = pd.DataFrame({"objective_id": ["T", "T", "T"], "period": ["2026-08", "2026-09", "2026-10"],
    ...                     "value": [8.0, 12.0, 7.0]})
    >>> tr = objective_trends(obj, kpi, "2026-10", "en", months=2)[0]
    >>> tr["months"], tr["values"], tr["met"]
    (['2026-09', '2026-10'], [12.0, 7.0], [False, True])
    """
    from ..audit.objectives import objective_history

    check_lang(lang)
    end = getattr(until, "end", until)
    last = pd.Period(pd.Timestamp(end if not isinstance(end, str) or len(end) > 7 else end + "-01"), "M")
    first = last - (months - 1)
    hist = objective_history(objectives, measurements, (str(first), str(last)))
    axis = [str(first + i) for i in range(months)]
    names = localized(objectives, "name", lang)
    out = []
    for (_, obj), name in zip(objectives.iterrows(), names):
        h = hist[hist["objective_id"] == obj["objective_id"]].set_index("period")
        values = [float(h.at[m, "actual"]) if m in h.index and pd.notna(h.at[m, "actual"]) else None for m in axis]
        met = [bool(h.at[m, "met"]) if m in h.index and not pd.isna(h.at[m, "met"]) else None for m in axis]
        out.append({"objective_id": str(obj["objective_id"]),
                    "objective": name if isinstance(name, str) and name else str(obj["name_zh"]),
                    "unit": str(h["unit"].iloc[0]) if len(h) else str(obj["unit"]),
                    "comparator": str(h["comparator"].iloc[0]) if len(h) else str(obj["comparator"]),
                    "target": float(obj["target"]), "months": axis, "values": values, "met": met})
    return out
