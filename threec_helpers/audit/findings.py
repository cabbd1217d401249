"""The internal-audit findings register (ISO 9001 clauses 9.2 and 10.2).

Table ``audit_findings`` of the data contract: one row per finding with its round, clause,
grade (major / minor / observation), department, root cause, corrective action, owner,
due date, closed date and whether the action's effectiveness was verified.

Metrics (``docs/audits.md``), all *as of* a date so a report for a past period shows the
register as it stood then:

- a finding counts if it was raised on or before ``as_of`` (or has no raised date);
- **open**: not closed on or before ``as_of``; **overdue**: open and ``due < as_of``;
- **ageing**: days open (``as_of - raised``) of the open findings in buckets 0-30, 31-60,
  61-90 and >90 days (``unknown`` without a raised date);
- **closure rate** = closed / all findings; **verified rate** = verified / closed;
  **on-time rate** = closed by the due date / closed findings with a due date;
- counts by round x grade, by top-level clause (``"7"`` from ``"7.5.3"``) and by department.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..ordering import natural_key
from ..errors import InputError, ParameterError
from ..i18n import check_lang, t
from .checklists import Checklist

GRADES = ("major", "minor", "observation")
#: ageing buckets: (label, lowest day, highest day), inclusive
AGE_BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), (">90", 91, None))
AGE_LABELS = tuple(b[0] for b in AGE_BUCKETS) + ("unknown",)

_REQUIRED = ("finding_id", "round", "clause", "grade", "department")


def _as_of(as_of: Any) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise ParameterError(key="audits.error.as_of_not_date", value=repr(as_of)) from None
    if ts is pd.NaT:
        raise ParameterError(key="audits.error.as_of_missing")
    return ts.normalize()


def clause_top(clause: pd.Series) -> pd.Series:
    """The top-level clause of each clause reference: ``"7.5.3"`` -> ``"7"``.

    Standard numbers and years (``ISO 9001:2015``) and prefixes (``ISO.``, ``第``) are
    ignored; a reference without a clause number gives ``"?"``.

    Parameters
    ----------
    clause : Series of str
        Clause references as written in the findings.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> clause_top(pd.Series(["7.5.3", "ISO 9001:2015 8.2", "第10.2条", "ISO.4.1", ""])).tolist()
    ['7', '8', '10', '4', '?']
    """
    text = clause.astype("string").fillna("")
    text = text.str.replace(r"\d{3,}(?::\d{4})?", " ", regex=True)
    return text.str.extract(r"(\d{1,2})", expand=False).fillna("?").astype(str)


def finding_status(findings: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """Each finding's state as of a date.

    Parameters
    ----------
    findings : pandas.DataFrame
        Table ``audit_findings`` (columns of the data contract).
    as_of : date-like
        The reporting date.

    Returns
    -------
    pandas.DataFrame
        The findings raised by ``as_of``, with ``clause_top``, ``is_open``, ``is_closed``,
        ``is_overdue``, ``is_verified``, ``closed_on_time``, ``days_open`` (open findings),
        ``days_overdue`` (overdue findings), ``days_to_close`` (closed findings) and
        ``age_bucket``.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["F1"], "round": [1.0], "clause": ["7.5.3"], "grade": ["minor"],
    ...                   "department": ["ops"], "raised": pd.to_datetime(["2025-01-01"]),
    ...                   "due": pd.to_datetime(["2025-01-31"]), "closed": pd.to_datetime([None])})
    >>> row = finding_status(f, "2025-02-10").iloc[0]
    >>> bool(row["is_open"]), bool(row["is_overdue"]), int(row["days_open"]), row["age_bucket"]
    (True, True, 40, '31-60')
    """
    missing = [c for c in _REQUIRED if c not in findings.columns]
    if missing:
        raise InputError(key="audits.error.findings_columns", columns=", ".join(missing))
    day = _as_of(as_of)
    df = findings.copy()
    bad_grade = ~df["grade"].isin(GRADES)
    if bad_grade.any():
        rows = ", ".join(f"row {i}: {v!r}" for i, v in df.loc[bad_grade, "grade"].head(5).items())
        raise InputError(key="audits.error.findings_grade", rows=rows)
    for col in ("raised", "due", "closed"):
        df[col] = pd.to_datetime(df[col]) if col in df.columns else pd.Series(pd.NaT, index=df.index,
                                                                               dtype="datetime64[ns]")
    if "verified" not in df.columns:
        df["verified"] = pd.array([pd.NA] * len(df), dtype="boolean")
    df = df[df["raised"].isna() | (df["raised"] <= day)].copy()
    closed = df["closed"].notna() & (df["closed"] <= day)
    df["clause_top"] = clause_top(df["clause"])
    df["is_closed"] = closed
    df["is_open"] = ~closed
    df["is_overdue"] = df["is_open"] & df["due"].notna() & (df["due"] < day)
    df["is_verified"] = closed & df["verified"].astype("boolean").fillna(False).astype(bool)
    df["closed_on_time"] = (closed & df["due"].notna() & (df["closed"] <= df["due"])).where(
        closed & df["due"].notna())
    days_open = (day - df["raised"]).dt.days
    df["days_open"] = days_open.where(df["is_open"]).astype("Int64")
    df["days_overdue"] = (day - df["due"]).dt.days.where(df["is_overdue"]).astype("Int64")
    df["days_to_close"] = (df["closed"] - df["raised"]).dt.days.where(closed).astype("Int64")
    bins = [-np.inf] + [b[2] for b in AGE_BUCKETS[:-1]] + [np.inf]
    bucket = pd.cut(days_open.astype(float), bins=bins, labels=list(AGE_LABELS[:-1]))
    bucket = bucket.cat.add_categories(["unknown"]).fillna("unknown").astype(str)
    df["age_bucket"] = bucket.where(df["is_open"], None)
    return df


@dataclass
class FindingsSummary:
    """The findings register as of a date (see :func:`findings_summary`).

    Attributes
    ----------
    as_of : Timestamp
        The reporting date.
    counts : dict
        total, open, overdue, closed, verified, closure_rate, verified_rate, on_time_rate, major_open.
    ageing, by_round_grade, by_clause, by_department, open_findings : DataFrame
        As described in :func:`findings_summary`.

    See Also
    --------
    findings_summary : counts, ageing and closure of the whole register.
    findings_rounds_table : the same per audit round.
    improvements_table : every corrective action and its status.
    clause_coverage : findings per chapter of a checklist.
    closure_by_round : closure rates per round.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 2.0], "clause": ["7.5", "9.2"],
    ...                   "grade": ["minor", "observation"], "department": ["a", "b"],
    ...                   "raised": pd.to_datetime(["2026-07-21", "2026-09-22"]),
    ...                   "due": pd.to_datetime(["2026-08-20", "2026-12-31"]),
    ...                   "closed": pd.to_datetime(["2026-08-15", None])})
    >>> s = findings_summary(f, "2026-10-31")
    >>> s.counts["total"], s.counts["open"], s.by_clause["clause_top"].tolist()
    (2, 1, ['7', '9'])
    """

    as_of: pd.Timestamp
    counts: dict[str, Any]
    ageing: pd.DataFrame
    by_round_grade: pd.DataFrame
    by_clause: pd.DataFrame
    by_department: pd.DataFrame
    open_findings: pd.DataFrame


def _by(df: pd.DataFrame, key: str) -> pd.DataFrame:
    counts = pd.crosstab(df[key], df["grade"]).reindex(columns=list(GRADES), fill_value=0)
    counts.columns.name = None
    counts["total"] = counts.sum(axis=1)
    counts["open"] = df.groupby(key)["is_open"].sum().reindex(counts.index).astype(int)
    counts["overdue"] = df.groupby(key)["is_overdue"].sum().reindex(counts.index).astype(int)
    return counts.reset_index()


def findings_summary(findings: pd.DataFrame, as_of: Any) -> FindingsSummary:
    """Open and overdue counts, ageing, closure and verification rates, counts by clause and department.

    Parameters
    ----------
    findings : pandas.DataFrame
        Table ``audit_findings``.
    as_of : date-like
        The reporting date.

    Returns
    -------
    FindingsSummary
        ``counts``: total, open, overdue, closed, verified, closure_rate, verified_rate,
        on_time_rate, major_open; ``ageing``: bucket x grade counts of open findings with a
        ``total`` column, buckets in order 0-30, 31-60, 61-90, >90, unknown;
        ``by_round_grade``: round, major, minor, observation, total, open, overdue;
        ``by_clause``: clause_top (natural order) and the same counts; ``by_department``
        (most findings first); ``open_findings``: the open findings, most overdue first.

    See Also
    --------
    findings_rounds_table : the same per audit round.
    improvements_table : every corrective action and its status.
    clause_coverage : findings per chapter of a checklist.
    closure_by_round : closure rates per round.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 1.0], "clause": ["7.5.3", "9.2"],
    ...                   "grade": ["minor", "major"], "department": ["ops", "ops"],
    ...                   "raised": pd.to_datetime(["2025-01-01", "2025-01-01"]),
    ...                   "due": pd.to_datetime(["2025-01-31", "2025-03-31"]),
    ...                   "closed": pd.to_datetime(["2025-01-20", None])})
    >>> s = findings_summary(f, "2025-02-10")
    >>> s.counts["open"], s.counts["overdue"], s.counts["closure_rate"]
    (1, 0, 0.5)
    """
    day = _as_of(as_of)
    df = finding_status(findings, day)
    total = len(df)
    closed = int(df["is_closed"].sum())
    verified = int(df["is_verified"].sum())
    with_due = df["closed_on_time"].notna()
    counts = {
        "total": total, "open": int(df["is_open"].sum()), "overdue": int(df["is_overdue"].sum()),
        "closed": closed, "verified": verified,
        "closure_rate": closed / total if total else float("nan"),
        "verified_rate": verified / closed if closed else float("nan"),
        "on_time_rate": float(df.loc[with_due, "closed_on_time"].astype(bool).mean()) if with_due.any() else float("nan"),
        "major_open": int((df["is_open"] & (df["grade"] == "major")).sum()),
    }
    open_df = df[df["is_open"]]
    ageing = pd.crosstab(pd.Categorical(open_df["age_bucket"], categories=list(AGE_LABELS)),
                         pd.Categorical(open_df["grade"], categories=list(GRADES)), dropna=False)
    ageing = ageing.reindex(index=list(AGE_LABELS), columns=list(GRADES), fill_value=0)
    ageing.index.name, ageing.columns.name = "age_bucket", None
    ageing["total"] = ageing.sum(axis=1)
    ageing = ageing.reset_index()
    ageing["age_bucket"] = ageing["age_bucket"].astype(str)

    work = df.assign(round=pd.to_numeric(df["round"], errors="coerce").astype("Int64"))
    by_round = _by(work, "round").sort_values("round", ignore_index=True)
    by_clause = _by(df, "clause_top")
    by_clause = by_clause.sort_values("clause_top", key=lambda s: s.map(natural_key), ignore_index=True)
    by_dept = _by(df, "department").sort_values(["total", "department"], ascending=[False, True], ignore_index=True)
    open_findings = open_df.sort_values(["days_overdue", "days_open"], ascending=False, na_position="last")
    return FindingsSummary(day, counts, ageing, by_round, by_clause, by_dept, open_findings)


def closure_by_round(findings: pd.DataFrame, as_of: Any | None = None) -> pd.DataFrame:
    """Closure and verification per internal-audit round.

    Parameters
    ----------
    findings : pandas.DataFrame
        Table ``audit_findings``.
    as_of : date-like, optional
        Reporting date; default today.

    Returns
    -------
    pandas.DataFrame
        ``round``, ``total``, ``closed``, ``open``, ``overdue``, ``closure_rate``, ``verified``,
        ``verified_rate``, ``median_days_to_close``.

    See Also
    --------
    findings_summary : counts, ageing and closure of the whole register.
    findings_rounds_table : the same per audit round.
    improvements_table : every corrective action and its status.
    clause_coverage : findings per chapter of a checklist.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 2.0], "clause": ["7.5", "9.2"],
    ...                   "grade": ["minor", "minor"], "department": ["a", "b"],
    ...                   "raised": pd.to_datetime(["2025-01-01", "2025-02-01"]),
    ...                   "due": pd.to_datetime(["2025-01-31", "2025-03-01"]),
    ...                   "closed": pd.to_datetime(["2025-01-11", None])})
    >>> closure_by_round(f, "2025-03-01")["closure_rate"].tolist()
    [1.0, 0.0]
    """
    day = _as_of(as_of if as_of is not None else dt.date.today())
    df = finding_status(findings, day)
    df = df.assign(round=pd.to_numeric(df["round"], errors="coerce").astype("Int64"))
    g = df.groupby("round")
    out = pd.DataFrame({
        "total": g.size(), "closed": g["is_closed"].sum().astype(int), "open": g["is_open"].sum().astype(int),
        "overdue": g["is_overdue"].sum().astype(int), "verified": g["is_verified"].sum().astype(int),
        "median_days_to_close": g["days_to_close"].median(),
    })
    out["closure_rate"] = out["closed"] / out["total"]
    out["verified_rate"] = (out["verified"] / out["closed"]).where(out["closed"] > 0)
    out = out.reset_index()
    return out[["round", "total", "closed", "open", "overdue", "closure_rate", "verified", "verified_rate",
                "median_days_to_close"]]


def findings_rounds_table(findings: pd.DataFrame, as_of: Any, lang: str = "zh") -> pd.DataFrame:
    """Internal-audit rounds: when, findings by grade, closed, open, overdue, closure and verification.

    Parameters
    ----------
    findings : DataFrame
        Table ``audit_findings``.
    as_of : date-like
        The reporting date.
    lang : {"zh", "en"}
        Language of ``round_label``.

    Returns
    -------
    pandas.DataFrame
        ``round`` (int), ``round_label``, ``month`` (first finding raised, ``YYYY-MM``),
        ``major``, ``minor``, ``observation``, ``total``, ``closed``, ``open``, ``overdue``,
        ``closure_rate``, ``verified``.

    See Also
    --------
    findings_summary : counts, ageing and closure of the whole register.
    improvements_table : every corrective action and its status.
    clause_coverage : findings per chapter of a checklist.
    closure_by_round : closure rates per round.

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


def improvements_table(findings: pd.DataFrame, as_of: Any, lang: str = "zh") -> pd.DataFrame:
    """Every corrective / improvement action of the findings register and its status as of a date.

    Status: ``verified`` (closed and verified effective), ``closed`` (not yet verified),
    ``open`` (in progress, not yet due) or ``overdue``.

    Parameters
    ----------
    findings : DataFrame
        Table ``audit_findings`` (with ``corrective_action``, ``owner``, ``verified`` when given).
    as_of : date-like
        The reporting date.
    lang : {"zh", "en"}
        Language of ``status_label``.

    Returns
    -------
    pandas.DataFrame
        ``finding_id``, ``round``, ``clause``, ``corrective_action``, ``owner``, ``due``,
        ``closed`` (text dates), ``status`` (id) and ``status_label``; by round, then id.

    See Also
    --------
    findings_summary : counts, ageing and closure of the whole register.
    findings_rounds_table : the same per audit round.
    clause_coverage : findings per chapter of a checklist.
    closure_by_round : closure rates per round.

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
        "due": date_text(st["due"]).to_numpy(),
        "closed": date_text(st["closed"].where(st["is_closed"])).to_numpy(),
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

    See Also
    --------
    findings_summary : counts, ageing and closure of the whole register.
    findings_rounds_table : the same per audit round.
    improvements_table : every corrective action and its status.
    closure_by_round : closure rates per round.

    Examples
    --------
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> f = pd.DataFrame({"finding_id": ["F1", "F2"], "round": [1.0, 2.0], "clause": ["7.5", "9.2"],
    ...                   "grade": ["minor", "observation"], "department": ["a", "b"],
    ...                   "raised": pd.to_datetime(["2026-07-21", "2026-09-22"]),
    ...                   "due": pd.to_datetime(["2026-08-20", "2026-12-31"]),
    ...                   "closed": pd.to_datetime(["2026-08-15", None])})
    >>> summary = findings_summary(f, "2026-10-31")
    >>> cov = clause_coverage(load_checklist("iso9001_2015"), summary.by_clause, "en")
    >>> cov[["chapter", "items", "total", "open"]].values.tolist()[3:6]
    [['7', 11, 1, 0], ['8', 12, 0, 0], ['9', 5, 1, 1]]
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


def date_text(values: Any) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text (missing stays missing).

    Parameters
    ----------
    values : array-like of dates
        Dates (text, datetime or Timestamp).

    Returns
    -------
    Series of str

    Examples
    --------
    >>> date_text(pd.to_datetime(["2026-07-21", None])).tolist()
    ['2026-07-21', None]
    """
    s = pd.to_datetime(pd.Series(values))
    return s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), None)
