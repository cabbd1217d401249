"""ISO 9001 certification readiness: management review, training, baseline comparison, readiness rules.

The on-site audit panel asks four things this module answers from the client's tables:

- was the **management review** of clause 9.3 held, and did it take the inputs of 9.3.2
  and record the outputs of 9.3.3 (:func:`review_coverage`)?
- were staff **trained**, and did they pass the exam (:func:`training_summary`)?
- what did certification **change**: each objective in the baseline months before the
  programme against the report period (:func:`baseline_comparison`)?
- is the organisation **ready**: :func:`assess_readiness` applies the declared rules of
  :data:`READINESS_RULES` and gives ``ready``, ``ready_with_conditions`` or ``not_ready``
  with the rules that failed.

The readiness rules (severity ``blocking`` makes the organisation not ready, ``condition``
makes it ready with conditions):

========================  ==========  ==============================================================
rule                      severity    passes when
========================  ==========  ==============================================================
``no_open_major``         blocking    no major finding is open on the report date (ISO 9001 10.2)
``internal_audit``        blocking    at least one internal audit round is recorded (9.2, a veto item
                                      of the ISO checklist)
``management_review``     blocking    a management review was held in the 12 months up to the report
                                      date (9.3, a veto item of the ISO checklist)
``review_complete``       condition   the latest review took every input of 9.3.2 a)-f) and recorded
                                      every output of 9.3.3 a)-c)
``objectives_met``        condition   every quality objective with a measurement met its target in
                                      the report period (6.2, 9.1)
``no_overdue_findings``   condition   no finding is open past its due date
``actions_verified``      condition   every closed minor or major finding's correction was verified
                                      effective (10.2.1 d)
``audit_coverage``        condition   the internal audit rounds done by the report date audited at least
                                      one clause of each chapter 4-10 (9.2.2 a: a programme covering the
                                      whole QMS; table ``audit_programme``). It does not check that every
                                      clause was audited: its detail lists, per chapter, the clauses that
                                      were (:func:`audited_clauses`)
========================  ==========  ==============================================================

A rule whose input is missing is **not assessed** (``assessed`` False), never passed: without
the ``audit_programme`` table nothing says which clauses the rounds covered. A rule not
assessed keeps the conclusion at best *ready with conditions*, and the briefing names it with
the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..i18n import check_lang, t
from ..inputs.contract import ISO_CLAUSES, REVIEW_INPUTS, REVIEW_OUTPUTS
from ..ordering import natural_key

#: how old the latest management review may be on the report date
REVIEW_MAX_AGE_MONTHS = 12

#: (rule id, severity, ISO 9001:2015 clause) in the order the briefing lists them
READINESS_RULES: tuple[tuple[str, str, str], ...] = (
    ("no_open_major", "blocking", "10.2"),
    ("internal_audit", "blocking", "9.2"),
    ("management_review", "blocking", "9.3"),
    ("review_complete", "condition", "9.3.2 / 9.3.3"),
    ("objectives_met", "condition", "6.2 / 9.1"),
    ("no_overdue_findings", "condition", "10.2"),
    ("actions_verified", "condition", "10.2.1"),
    ("audit_coverage", "condition", "9.2.2"),
)
STATUSES = ("ready", "ready_with_conditions", "not_ready")


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def latest_review(reviews: pd.DataFrame | None, as_of: Any,
                  max_age_months: int = REVIEW_MAX_AGE_MONTHS) -> pd.Series | None:
    """The latest management review held on or before ``as_of`` and at most ``max_age_months`` old.

    Parameters
    ----------
    reviews : pandas.DataFrame or None
        Table ``management_reviews`` (None or empty: no review).
    as_of : date-like
        The report date.

    Returns
    -------
    pandas.Series or None

    Examples
    --------
    >>> r = pd.DataFrame({"review_id": ["MR1", "MR2"], "date": pd.to_datetime(["2025-01-10", "2026-10-20"])})
    >>> latest_review(r, "2026-10-31")["review_id"]
    'MR2'
    >>> latest_review(r.iloc[:1], "2026-10-31") is None
    True
    """
    if reviews is None or not len(reviews):
        return None
    day = pd.Timestamp(as_of)
    dates = pd.to_datetime(reviews["date"])
    ok = (dates <= day) & (dates > day - pd.DateOffset(months=max_age_months))
    if not ok.any():
        return None
    return reviews.loc[dates[ok].idxmax()]


def review_coverage(review: pd.Series | None, lang: str = "zh") -> pd.DataFrame:
    """Which inputs (9.3.2 a-f) and outputs (9.3.3 a-c) a management review recorded.

    Parameters
    ----------
    review : pandas.Series or None
        A row of ``management_reviews`` (:func:`latest_review`); None gives every item not covered.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        ``clause`` (``9.3.2 a)``...), ``kind`` (``input``/``output``), ``item`` (label),
        ``covered`` (bool), ``record`` (what the minutes say, empty when not covered).

    Examples
    --------
    >>> r = pd.Series({"input_performance": "8/8 objectives met", "output_resources": " "})
    >>> cov = review_coverage(r, "en")
    >>> len(cov), int(cov["covered"].sum()), cov.loc[cov["covered"], "clause"].tolist()
    (9, 1, ['9.3.2 c)'])
    """
    check_lang(lang)
    rows = []
    for kind, cols, clause in (("input", REVIEW_INPUTS, "9.3.2"), ("output", REVIEW_OUTPUTS, "9.3.3")):
        for letter, col in zip("abcdef", cols):
            value = None if review is None else review.get(col)
            rows.append({"clause": f"{clause} {letter})", "kind": kind, "item": t(f"certification.review.{col}", lang),
                         "covered": _filled(value), "record": value.strip() if _filled(value) else ""})
    return pd.DataFrame(rows)


def training_summary(training: pd.DataFrame | None) -> dict[str, Any]:
    """Sessions, people trained, exams and the attendee-weighted exam pass rate.

    Parameters
    ----------
    training : pandas.DataFrame or None
        Table ``training`` (None or empty: no training recorded).

    Returns
    -------
    dict
        ``sessions``, ``attendees`` (sum), ``exams`` (sessions with a pass rate),
        ``examined`` (attendees of those), ``pass_rate`` (attendee-weighted, NaN without exams),
        ``coverage`` (attendees / headcount over sessions that give a headcount, NaN without).

    Examples
    --------
    >>> tr = pd.DataFrame({"attendees": [100, 50], "headcount": [120, None], "exam_pass_rate": [0.9, None]})
    >>> s = training_summary(tr)
    >>> s["sessions"], s["attendees"], s["exams"], round(s["pass_rate"], 2), round(s["coverage"], 3)
    (2, 150, 1, 0.9, 0.833)
    """
    if training is None or not len(training):
        return {"sessions": 0, "attendees": 0, "exams": 0, "examined": 0, "pass_rate": float("nan"),
                "coverage": float("nan")}
    att = pd.to_numeric(training["attendees"], errors="coerce").fillna(0)
    rate = pd.to_numeric(training.get("exam_pass_rate", pd.Series(np.nan, index=training.index)), errors="coerce")
    head = pd.to_numeric(training.get("headcount", pd.Series(np.nan, index=training.index)), errors="coerce")
    exam = rate.notna()
    examined = float(att[exam].sum())
    with_head = head.notna() & (head > 0)
    return {
        "sessions": int(len(training)), "attendees": int(att.sum()), "exams": int(exam.sum()),
        "examined": int(examined),
        "pass_rate": float((rate[exam] * att[exam]).sum() / examined) if examined else float("nan"),
        "coverage": float(att[with_head].sum() / head[with_head].sum()) if with_head.any() else float("nan"),
    }


def baseline_comparison(baseline: pd.DataFrame, current: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Each objective before certification (the baseline months) and now.

    Parameters
    ----------
    baseline, current : pandas.DataFrame
        :func:`~threec_helpers.audit.objectives.evaluate_objectives` of the baseline months and of
        the report period.

    Returns
    -------
    pandas.DataFrame
        ``objective_id``, ``objective``, ``target``, ``baseline`` (text), ``current`` (text),
        ``baseline_value``, ``current_value``, ``met_before``, ``met_now`` (nullable bool) and
        ``effect``: ``improved`` (better towards the target), ``kept`` (met before and now, equal),
        ``worse``, ``now_met`` (missed before, met now), ``no_data``.

    Examples
    --------
    >>> from threec_helpers.audit.objectives import evaluate_objectives
    >>> obj = pd.DataFrame({"objective_id": ["Q1"], "name_zh": ["及时率"], "unit": ["%"], "comparator": [">"],
    ...                     "target": [98.0]})
    >>> kpi = pd.DataFrame({"objective_id": ["Q1", "Q1"], "period": ["2026-01", "2026-10"],
    ...                     "numerator": [97.0, 100.0], "denominator": [100.0, 100.0]})
    >>> b = baseline_comparison(evaluate_objectives(obj, kpi, "2026-01"), evaluate_objectives(obj, kpi, "2026-10"), "en")
    >>> b[["baseline", "current", "effect"]].values.tolist()
    [['97%', '100%', 'now_met']]
    """
    check_lang(lang)
    before = baseline.set_index("objective_id")
    rows = []
    for _, now in current.iterrows():
        oid = now["objective_id"]
        prev = before.loc[oid] if oid in before.index else None
        b_val = float(prev["actual"]) if prev is not None and pd.notna(prev["actual"]) else float("nan")
        c_val = float(now["actual"]) if pd.notna(now["actual"]) else float("nan")
        met_b = None if prev is None or pd.isna(prev["met"]) else bool(prev["met"])
        met_c = None if pd.isna(now["met"]) else bool(now["met"])
        if np.isnan(b_val) or np.isnan(c_val):
            effect = "no_data"
        elif met_c and met_b is False:
            effect = "now_met"
        else:
            higher_better = str(now["comparator"]).startswith(">")
            lower_better = str(now["comparator"]).startswith("<")
            diff = c_val - b_val
            if abs(diff) < 1e-9 or not (higher_better or lower_better):
                effect = "kept"
            elif (diff > 0) == higher_better:
                effect = "improved"
            else:
                effect = "worse"
        name = now.get(f"name_{lang}")
        rows.append({"objective_id": oid, "objective": name if isinstance(name, str) and name else now["name_zh"],
                     "target": now["target_text"],
                     "baseline": prev["actual_text"] if prev is not None and not np.isnan(b_val) else "–",
                     "current": now["actual_text"] if not np.isnan(c_val) else "–",
                     "baseline_value": b_val, "current_value": c_val, "met_before": met_b, "met_now": met_c,
                     "effect": effect})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Readiness:
    """The readiness conclusion (see :func:`assess_readiness`).

    Attributes
    ----------
    status : {"ready", "ready_with_conditions", "not_ready"}
    checks : pandas.DataFrame
        One row per rule of :data:`READINESS_RULES`: ``rule``, ``severity``, ``clause``,
        ``passed`` (bool), ``detail`` (what was found, in the report's language) and
        ``assessed`` (bool; a rule not assessed is neither passed nor failed, absent: True).

    Examples
    --------
    >>> c = pd.DataFrame({"rule": ["no_open_major", "objectives_met"], "severity": ["blocking", "condition"],
    ...                   "clause": ["10.2", "6.2"], "passed": [True, False], "detail": ["", ""]})
    >>> r = Readiness("ready_with_conditions", c)
    >>> r.blocking, r.conditions, r.not_assessed
    ([], ['objectives_met'], [])
    """

    status: str
    checks: pd.DataFrame

    def _assessed(self) -> pd.Series:
        c = self.checks
        return c["assessed"].astype(bool) if "assessed" in c.columns else pd.Series(True, index=c.index)

    @property
    def blocking(self) -> list[str]:
        """Rules that failed and block readiness."""
        c = self.checks
        return c.loc[self._assessed() & ~c["passed"].astype(bool) & (c["severity"] == "blocking"), "rule"].tolist()

    @property
    def conditions(self) -> list[str]:
        """Rules that failed and make readiness conditional."""
        c = self.checks
        return c.loc[self._assessed() & ~c["passed"].astype(bool) & (c["severity"] == "condition"), "rule"].tolist()

    @property
    def not_assessed(self) -> list[str]:
        """Rules that could not be assessed (their input is missing)."""
        return self.checks.loc[~self._assessed(), "rule"].tolist()


def _done(programme: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """The rows of ``audit_programme`` done by ``as_of`` (undated rows count as done)."""
    if "date" not in programme.columns:
        return programme
    dates = pd.to_datetime(programme["date"], errors="coerce")
    return programme[dates.isna() | (dates <= pd.Timestamp(as_of))]


def audited_clauses(programme: pd.DataFrame | None, as_of: Any) -> dict[str, list[str]]:
    """The clauses the internal audit rounds done by ``as_of`` audited, per chapter 4-10.

    A chapter counts as covered by :func:`clause_coverage` when one of its clauses was
    audited; this says which ones were, so that a reader sees how much of the chapter that is.

    Parameters
    ----------
    programme : pandas.DataFrame or None
        Table ``audit_programme`` (``round``, ``clause``, optional ``date``); None: nothing audited.
    as_of : date-like
        The report date (rows dated after it are planned, not done).

    Returns
    -------
    dict
        Chapter (``"4"`` ... ``"10"``, every one, in order) -> the distinct clauses audited, in
        natural order (``["7.2", "7.5.3"]``); empty for a chapter no round audited.

    Examples
    --------
    >>> p = pd.DataFrame({"round": [1, 1, 2, 2], "clause": ["7.5.3", "7.2", "7.5.3", "9.2"],
    ...                   "date": pd.to_datetime(["2026-07-20", "2026-07-20", "2026-09-22", "2026-12-01"])})
    >>> a = audited_clauses(p, "2026-10-31")
    >>> a["7"], a["9"], list(a)[:2]
    (['7.2', '7.5.3'], [], ['4', '5'])
    """
    out: dict[str, list[str]] = {c: [] for c in ISO_CLAUSES}
    if programme is None or not len(programme):
        return out
    clauses = _done(programme, as_of)["clause"].dropna().astype(str).str.strip()
    for clause in sorted(set(clauses), key=natural_key):
        chapter = clause.split(".")[0]
        if chapter in out:
            out[chapter].append(clause)
    return out


def audited_text(audited: Mapping[str, list[str]], lang: str = "zh") -> str:
    """:func:`audited_clauses` as text: ``'第 4 章 4；第 5 章 5、5.3；第 6 章 无'``.

    Parameters
    ----------
    audited : mapping
        :func:`audited_clauses`.
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> audited_text({"6": ["6.2"], "7": ["7.2", "7.5.3"], "8": []}, "en")
    'ch. 6: 6.2; ch. 7: 7.2, 7.5.3; ch. 8: none'
    """
    check_lang(lang)
    sep = "、" if lang == "zh" else ", "
    none = t("certification.detail.none", lang)
    return t("certification.detail.chapter_sep", lang).join(
        t("certification.detail.chapter_clauses", lang, chapter=ch, clauses=sep.join(cl) or none)
        for ch, cl in audited.items())


def clause_coverage(programme: pd.DataFrame, as_of: Any) -> tuple[list[str], list[str], list[int]]:
    """Which clauses 4-10 of ISO 9001 the internal audit rounds done by ``as_of`` covered.

    Parameters
    ----------
    programme : pandas.DataFrame
        Table ``audit_programme``: ``round``, ``clause`` and optionally ``date`` (a row dated
        after ``as_of`` is planned, not done; an undated row counts as done).
    as_of : date-like
        The report date.

    Returns
    -------
    covered : list of str
        Chapters of :data:`~threec_helpers.inputs.contract.ISO_CLAUSES` of which at least one
        clause was audited ("7" for 7.5.3; :func:`audited_clauses` says which).
    missing : list of str
        Chapters 4-10 no round covered.
    rounds : list of int
        The rounds done by ``as_of``.

    Examples
    --------
    >>> p = pd.DataFrame({"round": [1, 1, 2, 2], "clause": ["4", "7.5.3", "8", "9.2"],
    ...                   "date": pd.to_datetime(["2026-07-20", "2026-07-20", "2026-09-22", "2026-12-01"])})
    >>> clause_coverage(p, "2026-10-31")
    (['4', '7', '8'], ['5', '6', '9', '10'], [1, 2])
    """
    done = _done(programme, as_of)
    chapters = done["clause"].astype(str).str.extract(r"^\s*(\d+)")[0]
    seen = set(chapters.dropna())
    covered = [c for c in ISO_CLAUSES if c in seen]
    missing = [c for c in ISO_CLAUSES if c not in seen]
    rounds = sorted({int(r) for r in pd.to_numeric(done["round"], errors="coerce").dropna()})
    return covered, missing, rounds


def assess_readiness(*, findings: pd.DataFrame | None, findings_counts: Mapping[str, Any] | None,
                     objectives: pd.DataFrame, reviews: pd.DataFrame | None, as_of: Any,
                     lang: str = "zh", programme: pd.DataFrame | None = None) -> Readiness:
    """Apply :data:`READINESS_RULES` and say whether the organisation is ready for certification.

    Parameters
    ----------
    findings : pandas.DataFrame or None
        Table ``audit_findings`` (None: no internal audit recorded).
    findings_counts : mapping or None
        ``FindingsSummary.counts`` of ``findings`` as of ``as_of``.
    objectives : pandas.DataFrame
        :func:`~threec_helpers.audit.objectives.evaluate_objectives` of the report period.
    reviews : pandas.DataFrame or None
        Table ``management_reviews``.
    as_of : date-like
        The report date.
    lang : {"zh", "en"}
        Language of ``detail``.
    programme : pandas.DataFrame, optional
        Table ``audit_programme`` (:func:`clause_coverage`); None: the clause-coverage rule is
        not assessed.

    Returns
    -------
    Readiness

    Examples
    --------
    >>> obj = pd.DataFrame({"objective_id": ["Q1"], "name_zh": ["及时率"], "met": pd.array([True], dtype="boolean")})
    >>> r = assess_readiness(findings=None, findings_counts=None, objectives=obj, reviews=None,
    ...                      as_of="2026-10-31", lang="en")
    >>> r.status, r.blocking, r.not_assessed
    ('not_ready', ['internal_audit', 'management_review'], ['audit_coverage'])
    """
    check_lang(lang)
    counts = dict(findings_counts or {})
    has_audit = findings is not None and len(findings) > 0
    review = latest_review(reviews, as_of)
    coverage = review_coverage(review, lang)
    missing = coverage.loc[~coverage["covered"], "clause"].tolist()
    met = objectives["met"].astype("boolean") if len(objectives) else pd.Series([], dtype="boolean")
    name_col = f"name_{lang}" if f"name_{lang}" in objectives.columns else "name_zh"
    names = objectives[name_col].where(objectives[name_col].notna(), objectives["name_zh"]) if len(objectives) else []
    missed = [str(n) for n, m in zip(names, met) if not pd.isna(m) and not bool(m)]
    unverified: list[str] = []
    if has_audit:
        from .findings import finding_status

        st = finding_status(findings, as_of)
        need = st["is_closed"] & ~st["is_verified"] & st["grade"].isin(["major", "minor"])
        unverified = st.loc[need, "finding_id"].astype(str).tolist()
    sep = "、" if lang == "zh" else ", "
    assessed = {rule: True for rule, _, _ in READINESS_RULES}
    if programme is None or not len(programme):
        assessed["audit_coverage"] = False
        coverage_result = (False, t("certification.detail.coverage_not_assessed", lang))
    else:
        covered, gaps, done_rounds = clause_coverage(programme, as_of)
        listed = audited_text(audited_clauses(programme, as_of), lang)
        coverage_result = (not gaps, t("certification.detail.coverage_all", lang, rounds=len(done_rounds),
                                       audited=listed) if not gaps
                           else t("certification.detail.coverage_gaps", lang, clauses=sep.join(gaps),
                                  rounds=len(done_rounds), audited=listed))
    results = {
        "no_open_major": (int(counts.get("major_open", 0)) == 0,
                          t("certification.detail.major_open", lang, n=int(counts.get("major_open", 0)))),
        "internal_audit": (has_audit, t("certification.detail.audit_rounds", lang,
                                        n=int(pd.to_numeric(findings["round"], errors="coerce").nunique())
                                        if has_audit else 0)),
        "management_review": (review is not None,
                              t("certification.detail.review_held", lang,
                                date=pd.Timestamp(review["date"]).strftime("%Y-%m-%d"), chair=str(review.get("chair", "")))
                              if review is not None else
                              t("certification.detail.review_missing", lang, months=REVIEW_MAX_AGE_MONTHS)),
        "review_complete": (review is not None and not missing,
                            t("certification.detail.review_complete", lang) if review is not None and not missing else
                            t("certification.detail.review_gaps", lang, clauses=sep.join(missing))),
        "objectives_met": (not missed, t("certification.detail.objectives_met", lang, met=int(met.fillna(False).sum()),
                                         assessed=int(met.notna().sum()))
                           + ("" if not missed else t("certification.detail.objectives_missed", lang,
                                                        names=sep.join(missed)))),
        "no_overdue_findings": (int(counts.get("overdue", 0)) == 0,
                                t("certification.detail.overdue", lang, n=int(counts.get("overdue", 0)))),
        "actions_verified": (not unverified,
                             t("certification.detail.verified_all", lang) if not unverified else
                             t("certification.detail.unverified", lang, ids=sep.join(unverified))),
        "audit_coverage": coverage_result,
    }
    checks = pd.DataFrame([{"rule": rule, "severity": sev, "clause": clause, "passed": bool(results[rule][0]),
                            "detail": results[rule][1], "assessed": assessed[rule]}
                           for rule, sev, clause in READINESS_RULES])
    failed = checks[~checks["passed"] & checks["assessed"]]
    if (failed["severity"] == "blocking").any():
        status = "not_ready"
    elif len(failed) or not checks["assessed"].all():  # a rule not assessed is never taken as passed
        status = "ready_with_conditions"
    else:
        status = "ready"
    return Readiness(status, checks)


#: the clinical self-assessment's conclusion rules (rule id, severity), in the order the briefing lists them:
#: ``no_veto_failed`` (blocking: a one-vote veto item failed), ``areas_on_target`` (every one of the five areas
#: at its target), ``weak_items_rectified`` (every weak item has a rectification action: the seed's first
#: purpose, find the weak links and fix them), ``no_overdue_rectification``, ``indicators_met`` (every monthly
#: indicator met its provincial-standard target in the period)
CLINICAL_RULES: tuple[tuple[str, str], ...] = (
    ("no_veto_failed", "blocking"),
    ("areas_on_target", "condition"),
    ("weak_items_rectified", "condition"),
    ("no_overdue_rectification", "condition"),
    ("indicators_met", "condition"),
)
CLINICAL_STATUSES = ("passed", "passed_with_conditions", "failed")


def assess_self_assessment(*, vetoes_failed: list[str], areas: pd.DataFrame, weak_items: list[str],
                           rectifications: pd.DataFrame | None, indicators: pd.DataFrame,
                           lang: str = "zh") -> Readiness:
    """Apply :data:`CLINICAL_RULES` to a clinical self-assessment round.

    Parameters
    ----------
    vetoes_failed : list of str
        Ids of the veto items that failed (``AuditResult.overall["vetoes_failed"]``).
    areas : pandas.DataFrame
        :func:`~threec_helpers.report.audits.area_table` (``area``, ``below_target``).
    weak_items : list of str
        Item ids below their target.
    rectifications : pandas.DataFrame or None
        :func:`~threec_helpers.audit.rectifications.rectification_table` (``item_id``, ``overdue``).
    indicators : pandas.DataFrame
        Indicators with ``met`` (nullable bool) and a name column (``objective``).
    lang : {"zh", "en"}

    Returns
    -------
    Readiness
        ``status`` one of ``passed``, ``passed_with_conditions``, ``failed``; ``clause`` empty.

    Examples
    --------
    >>> areas = pd.DataFrame({"area": ["a", "b"], "below_target": [False, True]})
    >>> ind = pd.DataFrame({"objective": ["x"], "met": pd.array([True], dtype="boolean")})
    >>> r = assess_self_assessment(vetoes_failed=[], areas=areas, weak_items=["OB.2.2"], rectifications=None,
    ...                            indicators=ind, lang="en")
    >>> r.status, r.conditions
    ('passed_with_conditions', ['areas_on_target', 'weak_items_rectified'])
    """
    check_lang(lang)
    sep = "、" if lang == "zh" else ", "
    below = [str(a) for a, b in zip(areas["area"], areas["below_target"]) if bool(b)]
    covered = set(rectifications["item_id"].dropna().astype(str)) if rectifications is not None and len(rectifications) else set()
    uncovered = [i for i in weak_items if i not in covered]
    overdue = (rectifications.loc[rectifications["overdue"].astype(bool), "action_id"].astype(str).tolist()
               if rectifications is not None and len(rectifications) else [])
    met = indicators["met"].astype("boolean")
    missed = [str(n) for n, m in zip(indicators["objective"], met) if not pd.isna(m) and not bool(m)]
    none = t("certification.detail.none", lang)
    results = {
        "no_veto_failed": (not vetoes_failed, sep.join(vetoes_failed) or none),
        "areas_on_target": (not below, sep.join(below) or none),
        "weak_items_rectified": (not uncovered, t("certification.detail.no_action", lang, ids=sep.join(uncovered))
                                 if uncovered else none),
        "no_overdue_rectification": (not overdue, sep.join(overdue) or none),
        "indicators_met": (not missed, sep.join(missed) or none),
    }
    checks = pd.DataFrame([{"rule": rule, "severity": sev, "clause": "", "passed": bool(results[rule][0]),
                            "detail": results[rule][1]} for rule, sev in CLINICAL_RULES])
    failed = checks[~checks["passed"]]
    status = ("failed" if (failed["severity"] == "blocking").any() else
              "passed_with_conditions" if len(failed) else "passed")
    return Readiness(status, checks)
