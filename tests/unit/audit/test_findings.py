"""Internal-audit findings register, with a fixed as-of date and days counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from threec_helpers.errors import InputError, ParameterError
from threec_helpers.audit.findings import clause_top, closure_by_round, finding_status, findings_summary

AS_OF = "2025-12-01"


def _register() -> pd.DataFrame:
    # days open as of 2025-12-01 (counted by hand):
    #   Nov 20 -> 11, Nov 1 -> 30, Oct 31 -> 31, Oct 2 -> 60, Oct 1 -> 61, Sep 2 -> 90, Sep 1 -> 91
    rows = [
        # id, round, clause, grade, department, raised, due, closed, verified
        ("F01", 1, "7.5.3", "minor", "综合部", "2025-08-01", "2025-08-31", "2025-08-25", True),   # closed, verified
        ("F02", 1, "5.3", "major", "运维部", "2025-08-01", "2025-09-15", "2025-09-20", False),    # closed late
        ("F03", 1, "7.5.3", "minor", "运维部", "2025-09-01", "2025-10-01", None, None),           # 91 d, overdue
        ("F04", 1, "ISO 9001:2015 8.2", "observation", "营销部", "2025-09-02", None, None, None),  # 90 d, no due
        ("F05", 2, "9.1.2", "minor", "营销部", "2025-10-01", "2025-12-01", None, None),           # 61 d, due today
        ("F06", 2, "第10.2条", "major", "营销部", "2025-10-02", "2025-11-30", None, None),        # 60 d, overdue
        ("F07", 2, "7.2", "minor", "综合部", "2025-10-31", "2025-12-31", None, None),             # 31 d
        ("F08", 2, "7.2", "observation", "综合部", "2025-11-01", "2025-12-31", "2025-12-15", None),  # closed later
        ("F09", 2, "8.5.1", "minor", "运维部", "2025-11-20", "2025-12-20", None, None),           # 11 d
        ("F10", 2, "4.1", "minor", "综合部", "2025-12-05", "2026-01-05", None, None),             # after as_of
        ("F11", 2, "6.2", "minor", "综合部", None, "2025-12-20", None, None),                     # raised unknown
    ]
    df = pd.DataFrame(rows, columns=["finding_id", "round", "clause", "grade", "department", "raised", "due",
                                     "closed", "verified"])
    for col in ("raised", "due", "closed"):
        df[col] = pd.to_datetime(df[col])
    df["round"] = df["round"].astype(float)
    df["verified"] = df["verified"].astype("boolean")
    return df


def test_status_days_and_buckets_by_hand():
    st = finding_status(_register(), AS_OF).set_index("finding_id")
    assert "F10" not in st.index  # raised after the as-of date
    assert st.loc[["F03", "F04", "F05", "F06", "F07", "F08", "F09"], "days_open"].tolist() == [91, 90, 61, 60, 31, 30, 11]
    assert st.loc[["F03", "F04", "F05", "F06", "F07", "F08", "F09", "F11"], "age_bucket"].tolist() == [
        ">90", "61-90", "61-90", "31-60", "31-60", "0-30", "0-30", "unknown"]
    assert st.loc["F08", "is_open"]  # closed on 2025-12-15, after the as-of date
    assert st.loc["F03", "is_overdue"] and st.loc["F06", "is_overdue"]
    assert not st.loc["F05", "is_overdue"]  # due on the as-of date itself
    assert not st.loc["F04", "is_overdue"]  # no due date
    assert st.loc["F03", "days_overdue"] == 61 and st.loc["F06", "days_overdue"] == 1
    assert st.loc["F01", "days_to_close"] == 24 and st.loc["F02", "days_to_close"] == 50
    assert st.loc["F01", "closed_on_time"] and not st.loc["F02", "closed_on_time"]


def test_summary_counts_by_hand():
    s = findings_summary(_register(), AS_OF)
    c = s.counts
    # 10 findings raised by 2025-12-01 (F10 is later); closed: F01, F02; open: the other 8
    assert (c["total"], c["closed"], c["open"], c["overdue"]) == (10, 2, 8, 2)
    assert c["closure_rate"] == pytest.approx(2 / 10)
    assert c["verified"] == 1 and c["verified_rate"] == pytest.approx(1 / 2)
    assert c["on_time_rate"] == pytest.approx(1 / 2)
    assert c["major_open"] == 1  # F06
    ageing = s.ageing.set_index("age_bucket")
    assert ageing.index.tolist() == ["0-30", "31-60", "61-90", ">90", "unknown"]
    assert ageing["total"].tolist() == [2, 2, 2, 1, 1]
    assert ageing.loc["31-60", ["major", "minor", "observation"]].tolist() == [1, 1, 0]  # F06, F07
    assert ageing.loc["61-90", ["major", "minor", "observation"]].tolist() == [0, 1, 1]  # F05, F04


def test_by_round_clause_department():
    s = findings_summary(_register(), AS_OF)
    r = s.by_round_grade.set_index("round")
    # round 1: F01 minor, F02 major, F03 minor, F04 observation; round 2 (by as_of): F05-F09, F11
    assert r.loc[1, ["major", "minor", "observation", "total", "open"]].tolist() == [1, 2, 1, 4, 2]
    assert r.loc[2, ["major", "minor", "observation", "total", "open"]].tolist() == [1, 4, 1, 6, 6]
    cl = s.by_clause.set_index("clause_top")
    assert cl.index.tolist() == ["5", "6", "7", "8", "9", "10"]  # natural order, "10" last
    assert cl.loc["7", "total"] == 4  # 7.5.3 twice, 7.2 twice
    assert cl.loc["8", "total"] == 2  # "ISO 9001:2015 8.2" and 8.5.1
    dept = s.by_department
    assert dept["department"].tolist() == ["综合部", "营销部", "运维部"]
    assert dept["total"].tolist() == [4, 3, 3]
    assert s.open_findings["finding_id"].iloc[0] == "F03"  # most overdue first


def test_closure_by_round():
    out = closure_by_round(_register(), AS_OF).set_index("round")
    assert out.loc[1, ["total", "closed", "open", "overdue"]].tolist() == [4, 2, 2, 1]
    assert out.loc[1, "closure_rate"] == pytest.approx(0.5)
    assert out.loc[1, "verified_rate"] == pytest.approx(0.5)
    assert out.loc[1, "median_days_to_close"] == pytest.approx(37)  # median of 24 and 50
    assert out.loc[2, "closure_rate"] == 0 and pd.isna(out.loc[2, "verified_rate"])


def test_clause_top():
    s = pd.Series(["7.5.3", "ISO 9001:2015 9.2", "第10.2条", "ISO.4.1", None, "clause 8"])
    assert clause_top(s).tolist() == ["7", "9", "10", "4", "?", "8"]


def test_bad_input():
    with pytest.raises(ParameterError, match="not a date"):
        findings_summary(_register(), "soon")
    df = _register()
    df.loc[3, "grade"] = "critical"
    with pytest.raises(InputError, match=r"row 3: 'critical'"):
        findings_summary(df, AS_OF)
    with pytest.raises(InputError, match="clause"):
        findings_summary(_register().drop(columns="clause"), AS_OF)


def test_optional_columns_missing():
    df = _register().drop(columns=["closed", "verified", "raised"])
    s = findings_summary(df, AS_OF)
    assert s.counts["open"] == 11 and s.counts["closed"] == 0
    assert s.ageing.set_index("age_bucket").loc["unknown", "total"] == 11


def test_findings_plots():
    from matplotlib.figure import Figure

    from threec_helpers.plots.audits import plot_findings_ageing, plot_findings_by_clause

    s = findings_summary(_register(), AS_OF)
    assert isinstance(plot_findings_ageing(s.ageing, lang="zh"), Figure)
    assert isinstance(plot_findings_by_clause(s.by_clause, lang="en"), Figure)
