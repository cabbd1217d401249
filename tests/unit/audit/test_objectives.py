"""Quality objectives, the telecom briefing figures of the seed, and the document register."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from threec_helpers.errors import InputError, ParameterError
from threec_helpers.audit.objectives import (
    chart_kind_for,
    compare,
    document_register_counts,
    evaluate_objectives,
    format_value,
    objective_history,
    objectives_met,
    org_rates,
)

NAN = np.nan


def _telecom() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The eight quality objectives of the seed's ISO 9001 briefing, with two months of data.

    Seed: install/repair/move timeliness 100% (>98%); circuit opening 100% (>98%); network
    connection 100% (>96%); major-customer churn 0 (<2%); satisfaction 81.3 points (>81);
    company-liable complaints 0 (<1 per 100,000); 180-day return visits 100% (100%);
    answer time 7 s (<=10 s).
    """
    objectives = pd.DataFrame({
        "objective_id": ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"],
        "name_zh": ["装、修、移机及时率", "电路开通率", "网络接通率", "大客户流失率", "顾客综合满意度",
                    "企业责任投诉", "180天回访率", "应答时限"],
        "name_en": ["Install/repair/move timeliness", "Circuit opening rate", "Network connection rate",
                    "Major-customer churn", "Customer satisfaction", "Company-liable complaints",
                    "180-day return-visit rate", "Answer time"],
        "unit": ["%", "%", "%", "%", "points", "per_100k", "%", "seconds"],
        "comparator": [">", ">", ">", "<", ">", "<", "=", "<="],
        "target": [98, 98, 96, 2, 81, 1, 100, 10],
    })
    objectives["target"] = objectives["target"].astype(float)
    rows = []
    for month in ("2025-10", "2025-11"):
        rows += [
            ("Q1", month, 310, 310, NAN), ("Q2", month, 42, 42, NAN), ("Q3", month, 120_000, 120_000, NAN),
            ("Q4", month, 0, 85, NAN), ("Q6", month, 0, 47_213, NAN), ("Q7", month, 150, 150, NAN),
        ]
    # satisfaction and answer time are values: months 81.1 and 81.5 -> mean 81.3; 6 s and 8 s -> mean 7 s
    rows += [("Q5", "2025-10", NAN, NAN, 81.1), ("Q5", "2025-11", NAN, NAN, 81.5),
             ("Q8", "2025-10", NAN, NAN, 6.0), ("Q8", "2025-11", NAN, NAN, 8.0)]
    kpi = pd.DataFrame(rows, columns=["objective_id", "period", "numerator", "denominator", "value"])
    kpi[["numerator", "denominator", "value"]] = kpi[["numerator", "denominator", "value"]].astype(float)
    return objectives, kpi


def test_telecom_briefing_eight_of_eight_objectives_met():
    objectives, kpi = _telecom()
    ev = evaluate_objectives(objectives, kpi, "2025", lang="zh").set_index("objective_id")
    assert ev["actual"].tolist() == pytest.approx([100, 100, 100, 0, 81.3, 0, 100, 7])
    assert ev["met"].tolist() == [True] * 8
    assert objectives_met(ev) == (8, 8)
    assert ev.loc["Q1", "text"] == "100%（目标 >98%）"
    assert ev.loc["Q4", "text"] == "0%（目标 <2%）"
    assert ev.loc["Q5", "text"] == "81.3分（目标 >81分）"
    assert ev.loc["Q6", "text"] == "0（目标 <十万分之1）"
    assert ev.loc["Q7", "text"] == "100%（目标 =100%）"
    assert ev.loc["Q8", "text"] == "7秒（目标 ≤10秒）"
    en = evaluate_objectives(objectives, kpi, "2025", lang="en").set_index("objective_id")
    assert en.loc["Q5", "text"] == "81.3 points (target >81 points)"
    assert en.loc["Q6", "text"] == "0 (target <1 per 100,000)"
    assert en.loc["Q8", "text"] == "7 s (target ≤10 s)"
    # pooled sums over the two months
    assert ev.loc["Q1", ["numerator", "denominator", "n_months"]].tolist() == [620, 620, 2]


def test_telecom_utilisation_92_42_percent():
    profile = pd.DataFrame({
        "metric": ["departments", "township_branches", "capacity_lines", "lines_in_service", "population_served"],
        "value": [3.0, 7.0, 51084.0, 47213.0, 300000.0],
        "unit": [None, None, "lines", "lines", "people"],
    })
    out = org_rates(profile, lang="zh").set_index("metric")
    # 47,213 / 51,084 = 0.924223... -> 92.42%
    assert out.loc["utilisation", "value"] == pytest.approx(100 * 47213 / 51084)
    assert round(out.loc["utilisation", "value"], 2) == 92.42
    assert out.loc["utilisation", "text"] == "92.42%"
    assert out.loc["utilisation", "formula"] == "47,213 / 51,084"
    assert out.loc["utilisation", "label_zh"] == "交换机实装率" and bool(out.loc["utilisation", "derived"])
    assert out.loc["capacity_lines", "text"] == "51,084 lines"
    assert out.index.tolist()[-1] == "utilisation"  # derived rates after the profile's own rows


def test_document_register_counts_of_the_seed():
    # 35 responsibilities, 91 quality records, 6 assessment standards, 33 regulations, 22 workflows
    cats = ["workflow"] * 22 + ["responsibility"] * 35 + ["regulation"] * 33 + ["record"] * 91 + ["standard"] * 6
    docs = pd.DataFrame({"doc_id": [f"D{i}" for i in range(len(cats))], "category": cats, "title": "x"})
    out = document_register_counts(docs)
    assert out[["category", "count"]].values.tolist() == [
        ["responsibility", 35], ["record", 91], ["standard", 6], ["regulation", 33], ["workflow", 22]]
    assert out["label_zh"].tolist() == ["职责权限", "记录台帐", "考核标准", "规章制度", "工作流程"]
    full = document_register_counts(docs, drop_zero=False)
    assert full["category"].tolist()[-2:] == ["manual", "procedure"] and full["count"].tolist()[-2:] == [0, 0]
    with pytest.raises(InputError, match=r"documents: unknown category \(row 3: 'memo'\)"):
        document_register_counts(docs.assign(category=docs["category"].where(docs.index != 3, "memo")))


@pytest.mark.parametrize(
    "comparator, actual, target, met",
    [
        (">", 98.0, 98.0, False), (">", 98.01, 98.0, True),
        (">=", 98.0, 98.0, True), (">=", 97.99, 98.0, False),
        ("<", 2.0, 2.0, False), ("<", 1.99, 2.0, True),
        ("<=", 10.0, 10.0, True), ("<=", 10.01, 10.0, False),
        ("=", 100.0, 100.0, True), ("=", 99.99, 100.0, False),
        # float noise: 100 * 3 / 3 and 0.1 + 0.2 style results still equal their target
        ("=", 100 * (0.1 + 0.2) / 0.3, 100.0, True), (">=", 100 * 49 / 50, 98.0, True),
    ],
)
def test_all_comparators_with_boundaries(comparator, actual, target, met):
    assert bool(compare([actual], [comparator], [target])[0]) is met


def test_comparator_via_evaluate_and_ratio_boundary():
    # 49 of 50 = 98% exactly: ">= 98" met, "> 98" not met
    obj = pd.DataFrame({"objective_id": ["A", "B"], "name_zh": ["甲", "乙"], "unit": ["%", "%"],
                        "comparator": [">=", ">"], "target": [98.0, 98.0]})
    kpi = pd.DataFrame({"objective_id": ["A", "B"], "period": "2025-01", "numerator": [49.0, 49.0],
                        "denominator": [50.0, 50.0]})
    assert evaluate_objectives(obj, kpi)["met"].tolist() == [True, False]
    # ≥ and 不低于 are accepted spellings
    obj["comparator"] = ["≥", "不低于"]
    assert evaluate_objectives(obj, kpi)["comparator"].tolist() == [">=", ">="]


def test_unknown_comparator_names_the_row():
    objectives, kpi = _telecom()
    objectives.index = objectives.index + 2  # source rows
    objectives.loc[5, "comparator"] = "=>"
    with pytest.raises(InputError, match=r"quality_objectives: unknown comparator \(row 5: objective 'Q4' "
                                         r"comparator '=>'\)\. Use one of >, >=, <, <=, ="):
        evaluate_objectives(objectives, kpi)


def test_other_bad_input():
    objectives, kpi = _telecom()
    with pytest.raises(InputError, match=r"kpi_measurements: objective_id not in quality_objectives \(row 0: 'Q9'\)"):
        evaluate_objectives(objectives, kpi.assign(objective_id=kpi["objective_id"].where(kpi.index != 0, "Q9")))
    with pytest.raises(InputError, match="unknown unit"):
        evaluate_objectives(objectives.assign(unit="furlongs"), kpi)
    with pytest.raises(ParameterError, match="period 'last year' is not understood"):
        evaluate_objectives(objectives, kpi, "last year")


def test_periods_and_aggregation_rules():
    obj = pd.DataFrame({"objective_id": ["P", "C", "R"], "name_zh": ["比例", "次数", "率"],
                        "unit": ["%", "count", "per_1000"], "comparator": [">=", "<=", "<"],
                        "target": [90.0, 2.0, 5.0]})
    kpi = pd.DataFrame({
        "objective_id": ["P", "P", "P", "C", "C", "C", "R", "R"],
        "period": ["2025-01", "2025-02", "2025-04", "2025-01", "2025-02", "2025-04", "2025-01", "2025-02"],
        "numerator": [9, 80, 50, NAN, NAN, NAN, 3, 5], "denominator": [10, 100, 50, NAN, NAN, NAN, 1000, 1000],
        "value": [NAN, NAN, NAN, 1, 2, 4, NAN, NAN],
    })
    q1 = evaluate_objectives(obj, kpi, "2025-Q1").set_index("objective_id")
    # P pooled: (9 + 80) / (10 + 100) = 80.909% (not the mean of 90% and 80%) -> not met
    assert q1.loc["P", "actual"] == pytest.approx(100 * 89 / 110)
    assert not q1.loc["P", "met"]
    # C counts add up over the months: 1 + 2 = 3 > 2 -> not met
    assert q1.loc["C", "actual"] == 3 and not q1.loc["C", "met"]
    # R: 8 per 2000 = 4 per 1000 < 5 -> met
    assert q1.loc["R", "actual"] == pytest.approx(4.0) and q1.loc["R", "met"]
    assert evaluate_objectives(obj, kpi, "2025-04").set_index("objective_id").loc["P", "actual"] == 100
    assert evaluate_objectives(obj, kpi, ("2025-02", "2025-04")).set_index("objective_id").loc["C", "actual"] == 6
    h1 = evaluate_objectives(obj, kpi, "2025-H1").set_index("objective_id")
    assert h1.loc["P", "n_months"] == 3
    assert evaluate_objectives(obj, kpi, "2025h1").equals(evaluate_objectives(obj, kpi, "2025-H1"))
    assert evaluate_objectives(obj, kpi, "2025Q1")["actual"].tolist() == q1["actual"].tolist()
    # no data in the period: actual missing, met missing (not False)
    none = evaluate_objectives(obj, kpi, "2024")
    assert none["actual"].isna().all() and none["met"].isna().all()
    assert objectives_met(none) == (0, 0)


def test_history_and_chart_kind():
    objectives, kpi = _telecom()
    hist = objective_history(objectives, kpi)
    q5 = hist[hist["objective_id"] == "Q5"]
    assert q5["period"].tolist() == ["2025-10", "2025-11"]
    assert q5["actual"].tolist() == pytest.approx([81.1, 81.5])
    assert hist["objective_id"].drop_duplicates().tolist() == [f"Q{i}" for i in range(1, 9)]
    kinds = {row["objective_id"]: chart_kind_for(row, hist) for _, row in objectives.iterrows()}
    # Q3 has 120,000 calls a month -> Laney p'; Q6 complaints per 100,000 -> u; values -> XmR
    assert kinds == {"Q1": "p", "Q2": "p", "Q3": "p_prime", "Q4": "p", "Q5": "xmr", "Q6": "u", "Q7": "p",
                     "Q8": "xmr"}
    assert chart_kind_for({"unit": "%"}) == "xmr"  # no history: value chart


def test_format_value():
    assert format_value(92.4223, "%", "en") == "92.42%"
    assert format_value(1234.5, "count", "en") == "1,234.5"
    assert format_value(3.0, "days", "zh") == "3天"
    assert format_value(NAN, "%", "zh") == "–"


def test_objectives_table_plot():
    from matplotlib.figure import Figure

    from threec_helpers.plots.audits import plot_objectives_table

    objectives, kpi = _telecom()
    fig = plot_objectives_table(evaluate_objectives(objectives, kpi, lang="en"), lang="en")
    assert isinstance(fig, Figure)
